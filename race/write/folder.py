"""A folder of numbered frames that race owns, frame by frame, and nothing else in it.

A render into a folder writes its frames into a hidden staging folder inside it, and only when
every frame is written moves them into place, records their names in a manifest
(``.race-frames.json``) and removes the frames of an earlier, longer render that the manifest
lists. It never deletes or replaces a file it did not write, and never touches a subfolder: a
folder holding anything else is refused unless the caller passes ``force`` (then frames are added
beside the other files, and a foreign file with a frame's name is still refused).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from race.atomic import atomic_path, process_alive
from race.errors import RenderError
from race.signals import interrupts_held
from race.write.target import Target

MANIFEST = ".race-frames.json"
FRAME = re.compile(r"^frame_[0-9]{5,}\.png$")
STAGING = re.compile(r"^\.race-frames-([0-9]+)-[A-Za-z0-9_]+\.tmp$")


def owned_frames(folder: Path) -> set[str]:
    """The frame names the folder's manifest says race wrote there (none if unreadable)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        names = data["frames"] if isinstance(data, dict) else []
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return {name for name in names if isinstance(name, str) and FRAME.match(name)}


def check_folder(target: Target, frame_names: Iterable[str], force: bool) -> None:
    """Refuse before drawing: a folder with files race did not write (unless ``force``), and,
    even with ``force``, a file race did not write that a new frame would replace."""
    folder = target.real
    if not folder.is_dir():
        return
    owned = owned_frames(folder)
    try:
        entries = sorted(os.listdir(folder))
    except OSError as exc:
        raise RenderError(f"{target.path}/: cannot list the folder: {exc.strerror or exc}") from None
    foreign = [e for e in entries if e != MANIFEST and e not in owned and not STAGING.match(e)]
    clash = sorted(set(foreign) & set(frame_names))
    if clash:
        raise RenderError(f"{target.path}/: holds {clash[0]}, which race did not write and a new "
                          "frame would replace; move it away or choose another folder")
    if foreign and not force:
        shown = ", ".join(repr(e) for e in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise RenderError(f"{target.path}/: holds {len(foreign)} entr"
                          f"{'y' if len(foreign) == 1 else 'ies'} race did not write ({shown}); "
                          "choose a new or empty folder, or pass --force to add the frames "
                          "beside them (race never deletes what it did not write)")


@contextmanager
def staged_frames(target: Target, force: bool, frame_names: list[str]) -> Iterator[Path]:
    """Yield a staging folder to write every frame into; on success the frames replace their
    namesakes, the manifest is rewritten and stale owned frames go. On any failure (Ctrl-C
    included) only the staging folder is removed, and the target folder if we created it."""
    folder = target.real
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"{target.path}/: cannot create folder: {exc.strerror or exc}") from None
    check_folder(target, frame_names, force)
    staging = None
    try:
        with interrupts_held():
            staging = Path(tempfile.mkdtemp(prefix=f".race-frames-{os.getpid()}-", suffix=".tmp",
                                               dir=folder))
        yield staging
        with interrupts_held():
            _publish(target, staging, frame_names)
            staging = None
    except OSError as exc:
        raise RenderError(f"{target.path}/: cannot write: {exc.strerror or exc}") from exc
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
            if created:
                _remove_if_empty(folder)


def _publish(target: Target, staging: Path, frame_names: list[str]) -> None:
    folder = target.real
    old = owned_frames(folder)
    written = sorted(os.listdir(staging))
    if written != sorted(frame_names):
        raise RenderError(f"{target.path}/: expected {len(frame_names)} frames, "
                          f"wrote {len(written)}")
    for name in written:
        os.replace(staging / name, folder / name)
    with atomic_path(folder / MANIFEST) as temp:
        temp.write_text(json.dumps({"written_by": "race", "frames": written}, indent=0),
                        encoding="utf-8")
    for name in sorted(old - set(written)):
        _remove_frame(folder / name)
    os.rmdir(staging)
    for entry in os.listdir(folder):       # staging folders of runs that were killed outright
        match = STAGING.match(entry)
        if match and not process_alive(int(match.group(1))):
            _remove_stale_staging(folder / entry)


def _remove_frame(path: Path) -> None:
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            path.unlink()
    except FileNotFoundError:
        pass


def _remove_stale_staging(path: Path) -> None:
    """A staging folder holding nothing but frames is ours; anything else stays."""
    try:
        entries = os.listdir(path)
    except OSError:
        return
    if all(FRAME.match(e) and stat.S_ISREG(os.lstat(path / e).st_mode) for e in entries):
        shutil.rmtree(path, ignore_errors=True)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
