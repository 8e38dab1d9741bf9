"""Follow a file: call back once now and again whenever its contents change.

Polling, not a file-watching library: one small file checked four times a second costs
nothing, and polling works the same on every system and file system (network shares, WSL,
container mounts, where change notifications go missing) and whichever way an editor saves
(writing in place, or writing a new file and renaming it over the old one, which a watcher on
the old file never sees). Each poll compares the file's size, modification time and identity;
a file modified in the last two seconds is also re-read and hashed, since a coarse clock can
give two saves the same time and size. A change is acted on once two polls agree, so a file
caught half-written is not read.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Callable

POLL_SECONDS = 0.25
RECENT_SECONDS = 2.0   # how long after a write the content itself is compared


def follow(path: str | os.PathLike, on_change: Callable[[], None], *,
           interval: float = POLL_SECONDS, sleep: Callable[[float], None] = time.sleep,
           polls: int | None = None) -> None:
    """Call ``on_change()`` now, then each time ``path``'s contents settle on something new.

    Runs until interrupted (Ctrl-C raises KeyboardInterrupt out of it), or for ``polls``
    polls when given (for tests). A missing file is a state like any other: its return is a
    change.
    """
    path = Path(path)
    seen = _version(path)
    on_change()
    count = 0
    while polls is None or count < polls:
        sleep(interval)
        count += 1
        current = _version(path, seen)
        if _same(current, seen):
            continue
        sleep(interval)   # let a save in progress finish
        count += 1
        settled = _version(path, current)
        if not _same(settled, current):
            continue      # still changing: look again at the next poll
        seen = settled
        on_change()


def _version(path: Path, previous: tuple | None = None) -> tuple:
    """(identity, size, mtime, content hash or None) of ``path``; None for a missing file.

    The content is hashed when the cheap signature changed or the file is recent; otherwise
    the previous hash is carried over."""
    try:
        status = path.stat()
    except OSError:
        return (None,)
    signature = (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
    recent = time.time() - status.st_mtime < RECENT_SECONDS
    if previous is not None and previous[:1] == (signature,) and not recent:
        return previous
    try:
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return (None,)
    return (signature, digest)


def _same(a: tuple, b: tuple) -> bool:
    """Same contents (a missing file equals only a missing file)."""
    if a[0] is None or b[0] is None:
        return a[0] is None and b[0] is None
    return a[1] == b[1]
