"""Write a file atomically: into a temporary beside it, renamed over the target at the end.

Where the system allows (Linux's ``O_TMPFILE``), the temporary has no name until it is complete:
it is written through ``/proc/self/fd/N`` (by us, or by an encoder that inherits the descriptor)
and linked into the folder only to be renamed over the target, so even a run killed outright
(SIGKILL, the OOM killer) leaves nothing behind. Elsewhere the temporary is a named sibling whose
name carries our process id (``.NAME.race-PID-XXXX.tmp.EXT``), and a later write of the same file
removes what a killed run left, never a live run's temporary or a file that is not ours.
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
    anonymous = None
    try:
        with interrupts_held():   # a Ctrl-C cannot fall between creating temp and naming it
            anonymous = anonymous_file(target.parent)
            if anonymous is None:
                temp = _named_temp(target)
        yield Path(f"/proc/self/fd/{anonymous}") if anonymous is not None else temp
        with interrupts_held():   # nor halfway through the swap
            if anonymous is not None:
                temp = _named_temp(target, create=False)
                _give_name(anonymous, temp)
            else:
                os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
            os.replace(temp, target)
            temp = None
    except OSError as exc:        # the disk filled up, the folder went away...
        raise RenderError(f"{shown}: cannot write: {exc.strerror or exc}") from exc
    finally:
        if anonymous is not None:
            os.close(anonymous)
        if temp is not None:
            _remove(temp)


def anonymous_file(folder: Path) -> int | None:
    """A descriptor of a new, nameless regular file on ``folder``'s filesystem, or None where
    the system cannot make one that can later be named (not Linux, no /proc, no O_TMPFILE)."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd") or not _can_name_later(folder, flag):
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, 0o666 & ~_umask())
    except OSError:
        return None


def _can_name_later(folder: Path, flag: int) -> bool:
    """Whether a nameless file on ``folder``'s filesystem can be linked into it: tried once on
    a throwaway file (a file can be named only once, so never on the real one)."""
    try:
        handle = os.open(folder, flag | os.O_RDWR, 0o600)
    except OSError:
        return False
    probe = folder / f".race-{os.getpid()}-{os.urandom(6).hex()}.probe"
    try:
        _give_name(handle, probe)
        os.unlink(probe)
        return True
    except OSError:
        return False
    finally:
        os.close(handle)


def _give_name(handle: int, name: Path) -> None:
    """Link the nameless file open as ``handle`` at ``name``. (os.link follows the /proc magic
    link only when it calls linkat, which it does only when given a directory descriptor.)"""
    root = os.open("/", os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{handle}", name, src_dir_fd=root, follow_symlinks=True)
    finally:
        os.close(root)


def _named_temp(target: Path, create: bool = True) -> Path:
    prefix = f".{target.name}.race-{os.getpid()}-"
    if not create:
        return target.parent / f"{prefix}{os.urandom(6).hex()}.tmp{target.suffix}"
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp" + target.suffix,
                                    dir=target.parent)
    os.close(handle)
    return Path(name)


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
