"""Where an output may go, decided before anything is drawn or simulated.

The rules (the README's "Where outputs go" says the same):

- A file output replaces only the file named, by renaming a finished sibling over it. A symlink
  is followed, as ``cp`` does: the file it points to is replaced and the link stays. A FIFO and
  ``/dev/null`` are written through, never replaced; any other device, a socket, or a dangling
  symlink is refused.
- An output is never one of the inputs (the scene file).
- A folder output (a name ending in ``/``, or an existing folder) only ever creates or replaces
  its own numbered frames, recorded in a manifest (``race.write.folder``). The current folder,
  its ancestors, the home folder and ``/`` are refused outright.
- A name that is only an extension (``.gif``) or has none (``out/ravine``) is refused with a hint.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from race.atomic import atomic_path, through_path
from race.errors import RenderError

NAME_MAX = 255


@dataclass(frozen=True)
class Target:
    """An output, checked: ``real`` is where the bytes go (symlinks followed)."""

    path: Path            # as the user named it, for messages
    real: Path            # the file or folder actually written
    through: bool = False  # a FIFO or /dev/null: stream into it instead of replacing it


@contextmanager
def output_file(target: Target) -> Iterator[Path]:
    """A temporary path to write the whole output into; on success it becomes ``target``:
    renamed over a regular file, or streamed into a FIFO or /dev/null."""
    if target.through:
        with through_path(target.real, target.real.suffix) as temp:
            yield temp
    else:
        with atomic_path(target.real, shown=target.path) as temp:
            yield temp


def check_name(text: str, extensions: Iterable[str]) -> None:
    """Refuse names that cannot be what the user meant: only an extension, '.', '..'."""
    name = os.path.basename(text.rstrip("/" + os.sep)) if text.rstrip("/" + os.sep) else text
    if name in (".", "..", ""):
        raise RenderError(f"{text or repr(text)}: names a folder like the current one; give a "
                          "file name like race.gif, or a new folder ending in /")
    if name.startswith(".") and name.lower() in extensions and not text.endswith(("/", os.sep)):
        raise RenderError(f"{text}: is only an extension; give a name, like race{name.lower()}")
    for part in Path(text).parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise RenderError(f"{_short(text)}: a name in this path is longer than "
                              f"{NAME_MAX} bytes")


def file_target(output: str | os.PathLike, inputs: Iterable[str | os.PathLike] = ()) -> Target:
    """The checked target for a file output (see the module's rules)."""
    path = Path(output)
    try:
        info = os.stat(path)           # follows symlinks
    except FileNotFoundError:
        if path.is_symlink():
            raise RenderError(f"{path}: is a symlink to a missing file "
                              f"({os.readlink(path)}); race does not write through it") from None
        return Target(path, path)
    except NotADirectoryError:
        raise RenderError(f"{path}: a part of this path is a file, not a folder") from None
    except OSError as exc:
        raise RenderError(f"{path}: cannot use as output: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise RenderError(f"{path}: is a folder, expected a file name")
    _refuse_inputs(path, info, inputs)
    if stat.S_ISREG(info.st_mode):
        real = Path(os.path.realpath(path)) if path.is_symlink() else path
        return Target(path, real)
    if stat.S_ISFIFO(info.st_mode) or _is_null(info):
        return Target(path, path, through=True)
    what = ("a terminal" if stat.S_ISCHR(info.st_mode) and _is_tty(path) else
            "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
            "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
    raise RenderError(f"{path}: is {what}; race writes regular files, FIFOs and /dev/null "
                      "and never replaces anything else")


def folder_target(output: str | os.PathLike) -> Target:
    """The checked target for a folder of frames: never '/', home, the current folder or an
    ancestor of it (a render there could only mix frames into someone's files)."""
    path = Path(output)
    if path.exists() and not path.is_dir():
        raise RenderError(f"{path}: is a file, expected a folder for numbered PNGs")
    real = Path(os.path.realpath(path))
    here = Path(os.path.realpath(os.getcwd()))
    protected = {Path("/"), Path(os.path.realpath(Path.home()))}
    if real in protected or real == here or real in here.parents:
        which = "the current folder" if real == here else \
            "the root folder" if real == Path("/") else \
            "your home folder" if real in protected else "a folder above the current one"
        raise RenderError(f"{path}: is {which}; frames go in a folder of their own, e.g. "
                          f"{Path(path, 'frames')}/")
    return Target(path, real)


def _refuse_inputs(path: Path, info: os.stat_result, inputs: Iterable) -> None:
    for item in inputs:
        if item is None:
            continue
        try:
            other = os.stat(item)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
            raise RenderError(f"{path}: is the scene being read ({item}); choose another output")


def _is_null(info: os.stat_result) -> bool:
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    return stat.S_ISCHR(info.st_mode) and info.st_rdev == null.st_rdev


def _is_tty(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def _short(text: str) -> str:
    return text if len(text) <= 80 else f"{text[:40]}...{text[-30:]}"
