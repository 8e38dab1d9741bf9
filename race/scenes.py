"""Find a scene: a path on disk, or the name of one shipped in configs/ (installed as race.configs)."""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

from race.errors import SceneError


def shipped_scenes() -> dict[str, Path]:
    """Scene name -> file, for the scenes that ship with race."""
    try:
        folder = resources.files("race.configs")
    except ModuleNotFoundError:
        return {}
    return {Path(str(entry)).stem: Path(str(entry))
            for entry in sorted(folder.iterdir(), key=lambda e: e.name)
            if entry.name.endswith((".yaml", ".yml"))}


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
