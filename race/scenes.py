"""Find a scene: a path on disk, or the name of one shipped in configs/ (installed as
race.configs); and where a scene's own ``output:`` may point.

Run from a source checkout of race, shipped scenes are its ``configs/`` folder, so editing
``configs/saddle.yaml`` changes ``race render saddle``.
"""

from __future__ import annotations

import difflib
import os
from importlib import resources
from pathlib import Path

from race.errors import SceneError

CHECKOUT_MARK = 'name = "race"'


def shipped_folder() -> Path | None:
    """The folder of shipped scenes: ./configs in a checkout of race, else the package's."""
    here = Path.cwd()
    try:
        if CHECKOUT_MARK in (here / "pyproject.toml").read_text(encoding="utf-8", errors="replace") \
                and (here / "configs").is_dir():
            return here / "configs"
    except OSError:
        pass
    try:
        folder = Path(str(resources.files("race.configs")))
    except ModuleNotFoundError:
        # Imported from a source checkout (e.g. `python -m pytest` puts it first on sys.path):
        # the scenes are the configs/ folder beside the package.
        folder = Path(__file__).resolve().parent.parent / "configs"
    return folder if folder.is_dir() else None


def shipped_scenes() -> dict[str, Path]:
    """Scene name -> file, for the scenes that ship with race."""
    folder = shipped_folder()
    if folder is None:
        return {}
    return {entry.stem: entry for entry in sorted(folder.iterdir())
            if entry.suffix in (".yaml", ".yml")}


def is_shipped(path: str | os.PathLike) -> bool:
    folder = shipped_folder()
    return folder is not None and Path(os.path.realpath(path)).parent == \
        Path(os.path.realpath(folder))


def resolve_scene(scene: str | os.PathLike) -> Path:
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


def resolve_output(text: str, scene_file: str | None) -> tuple[str | None, str]:
    """A scene's ``output:`` as a path, or (None, why) when it points where a scene may not.

    A scene comes from whoever wrote it, so its output must stay inside the scene's folder or
    the current folder (symlinks resolved); only the user's own ``-o`` may point elsewhere.
    A relative path is relative to the scene's folder, except for shipped scenes, which write
    under the current folder (their ``outputs/NAME.gif`` is the user's, not the package's).
    """
    here = Path.cwd()
    if scene_file is None or is_shipped(scene_file):
        base = Path()
        allowed = [here]
    else:
        base = Path(scene_file).parent
        allowed = [here, base.absolute()]
    path = base / Path(text).expanduser() if not os.path.isabs(text) else Path(text)
    real = Path(os.path.realpath(path))
    inside = any(real == Path(os.path.realpath(folder)) or
                 Path(os.path.realpath(folder)) in real.parents for folder in allowed)
    if not inside:
        where = "the current folder" if len(allowed) == 1 else \
            "the scene's folder and the current folder"
        return None, (f"{text!r} is outside {where}; a scene may only write there "
                      "(pass -o to write elsewhere)")
    folder = text.endswith(("/", os.sep))     # a folder of frames: keep what says so
    return os.path.normpath(path) + (os.sep if folder else ""), ""
