"""Write a file or folder atomically: into a temporary sibling, renamed over the target at the end."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from race.errors import RenderError
from race.signals import interrupts_held


def prepare_folder(target: Path) -> None:
    """Create the target's folder, or raise a one-line RenderError if we cannot write there."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"{target}: cannot create folder {folder}: "
                          f"{exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise RenderError(f"{target}: folder {folder} is not writable")


@contextmanager
def atomic_path(target: Path, *, folder: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    On any exception (KeyboardInterrupt included) the temporary is removed and ``target`` is left
    exactly as it was; an OSError (disk full) comes out as a one-line RenderError naming
    ``target``.
    """
    target = Path(target)
    prepare_folder(target)
    if not folder and target.is_dir():
        raise RenderError(f"{target}: is a folder, expected a file name")
    prefix = f".{target.name}."
    temp = None
    try:
        with interrupts_held():   # a Ctrl-C cannot fall between creating temp and naming it
            if folder:
                temp = Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=target.parent))
            else:
                handle, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp" + target.suffix,
                                                dir=target.parent)
                os.close(handle)
                temp = Path(name)
        yield temp
        with interrupts_held():   # nor halfway through the swap
            if folder:
                _swap_folder(temp, target)
            else:
                os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
                os.replace(temp, target)
    except OSError as exc:        # the disk filled up, the folder went away...
        if temp is not None:
            _remove(temp)
        raise RenderError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        if temp is not None:
            _remove(temp)
        raise


def _swap_folder(temp: Path, target: Path) -> None:
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.replace(target, old / "previous")
        try:
            os.replace(temp, target)
        except BaseException:
            os.replace(old / "previous", target)
            raise
        finally:
            shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(temp, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(temp: Path) -> None:
    if temp.is_dir():
        shutil.rmtree(temp, ignore_errors=True)
    else:
        try:
            temp.unlink()
        except FileNotFoundError:
            pass
