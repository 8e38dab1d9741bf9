"""Write a file atomically: into a temporary sibling, renamed over the target at the end.

The temporary's name carries our process id (``.NAME.race-PID-XXXX.tmp.EXT``), so a later write
of the same file can remove what a run killed outright (SIGKILL, power loss) left behind, without
ever touching a live run's temporary or a file that is not ours.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from race.errors import RenderError
from race.signals import interrupts_held

COPY_CHUNK = 1 << 20


def prepare_folder(target: Path, shown: Path | None = None) -> None:
    """Create the target's folder, or raise a one-line RenderError if we cannot write there."""
    shown = target if shown is None else shown
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise RenderError(f"{shown}: cannot create folder {folder}: a file has that name") \
            from None
    except OSError as exc:
        raise RenderError(f"{shown}: cannot create folder {folder}: "
                          f"{exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise RenderError(f"{shown}: folder {folder} is not writable")


@contextmanager
def atomic_path(target: Path, shown: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    On any exception (KeyboardInterrupt and SIGTERM included) the temporary is removed and
    ``target`` is left exactly as it was; an OSError (disk full) comes out as a one-line
    RenderError naming ``shown`` (default: ``target``).
    """
    target = Path(target)
    shown = target if shown is None else shown
    prepare_folder(target, shown)
    if target.is_dir():
        raise RenderError(f"{shown}: is a folder, expected a file name")
    _remove_abandoned(target)
    temp = None
    try:
        with interrupts_held():   # a Ctrl-C cannot fall between creating temp and naming it
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.race-{os.getpid()}-",
                                            suffix=".tmp" + target.suffix, dir=target.parent)
            os.close(handle)
            temp = Path(name)
        yield temp
        with interrupts_held():   # nor halfway through the swap
            os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
            os.replace(temp, target)
            temp = None
    except OSError as exc:        # the disk filled up, the folder went away...
        raise RenderError(f"{shown}: cannot write: {exc.strerror or exc}") from exc
    finally:
        if temp is not None:
            _remove(temp)


@contextmanager
def through_path(target: Path, suffix: str = "") -> Iterator[Path]:
    """For a FIFO or /dev/null: yield a private temporary file; on success its bytes are
    written into ``target`` (which is never replaced), then it is removed either way."""
    folder = Path(tempfile.mkdtemp(prefix="race-out-"))
    try:
        temp = folder / f"output{suffix}"
        yield temp
        try:
            with open(temp, "rb") as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink, COPY_CHUNK)
        except OSError as exc:
            raise RenderError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_abandoned(target: Path) -> None:
    """Remove temporaries of ``target`` left by runs that no longer exist."""
    pattern = re.compile(r"^\." + re.escape(target.name) + r"\.race-([0-9]+)-[^/]*\.tmp")
    try:
        entries = os.listdir(target.parent)
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry)
        if match and not process_alive(int(match.group(1))):
            try:
                os.unlink(target.parent / entry)
            except OSError:
                pass


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(temp: Path) -> None:
    try:
        temp.unlink()
    except FileNotFoundError:
        pass
