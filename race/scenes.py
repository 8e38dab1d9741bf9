"""Find a scene: a path on disk, or the name of one shipped in configs/ (installed as race.configs)."""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

from race.errors import SceneError


def shipped_scenes() -> dict[str, Path]:
    """Scene name -> file, for the scenes that ship with race."""
    try:
        folder = Path(str(resources.files("race.configs")))
    except ModuleNotFoundError:
        # Imported from a source checkout (e.g. `python -m pytest` puts it first on sys.path):
        # the scenes are the configs/ folder beside the package.
        folder = Path(__file__).resolve().parent.parent / "configs"
    if not folder.is_dir():
        return {}
    return {entry.stem: entry for entry in sorted(folder.iterdir())
            if entry.suffix in (".yaml", ".yml")}


def resolve_scene(scene: str | Path) -> Path:
    """The file to load for ``scene``: an existing path first, then a shipped scene's name."""
    path = Path(scene)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    shipped = shipped_scenes()
    if str(scene) in shipped:
        return shipped[str(scene)]
    close = difflib.get_close_matches(str(scene), list(shipped), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else \
        f"; shipped scenes: {', '.join(shipped)}" if shipped else ""
    raise SceneError(f"no such file or shipped scene{hint}", file=str(scene))
