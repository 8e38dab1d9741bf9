"""Signals that end a run: Ctrl-C, SIGTERM and SIGHUP all unwind the same way.

``timeout``, ``kill`` and a closed terminal send SIGTERM or SIGHUP; left to their default they
would kill the process on the spot, leaving temporary files behind. ``termination_as_interrupt``
turns them into ``Terminated`` (a KeyboardInterrupt), so every ``finally`` and every cleanup
written for Ctrl-C runs for them too, and ``interrupts_held`` keeps all three out of the few
moments where an interrupt would orphan something.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                       if hasattr(signal, name))


class Terminated(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or SIGHUP arrived; unwinds like Ctrl-C. ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(interrupt: BaseException) -> int:
    """128 + the signal's number, as shells report a death by signal (130 for Ctrl-C)."""
    return 128 + getattr(interrupt, "signum", signal.SIGINT)


_received: list[int] = []


def _raise_terminated(signum, frame):
    _received.append(signum)
    raise Terminated(signum)


def raise_if_terminated() -> None:
    """Raise ``Terminated`` again if SIGTERM/SIGHUP arrived and its exception was swallowed by
    a C extension that called back into Python (numpy's string ufuncs do). Long loops call this
    once per unit of work, so a signal can be lost for a frame, never for the run."""
    if _received:
        raise Terminated(_received[0])


@contextmanager
def termination_as_interrupt() -> Iterator[None]:
    """Within the block, Ctrl-C, SIGTERM and SIGHUP raise ``Terminated`` and are remembered,
    so one swallowed where Python cannot raise it (a weakref callback or ``__del__``, which
    print "Exception ignored" and go on) is raised again by ``raise_if_terminated``, without
    that message. Signals the caller ignores stay ignored; outside the block, as before."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in ENDING_SIGNALS:
        handler = signal.getsignal(signum)
        if handler in (signal.SIG_DFL, None) and signum != signal.SIGINT \
                or handler is signal.default_int_handler:
            previous[signum] = signal.signal(signum, _raise_terminated)
    unraisable = sys.unraisablehook
    sys.unraisablehook = lambda info: None if issubclass(info.exc_type, KeyboardInterrupt) \
        and _received else unraisable(info)
    try:
        yield
    finally:
        sys.unraisablehook = unraisable
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _received.clear()


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back for the duration of the block: one that arrives
    meanwhile strikes as the block ends, so whatever the block creates (a file, an encoder
    process) has been assigned, and so will be cleaned up, before the interrupt strikes.

    Signals whose handler was not set from Python are left alone; a no-op outside the main
    thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    caught: list[tuple[int, object]] = []
    for signum in ENDING_SIGNALS:
        handler = signal.getsignal(signum)
        if handler is None or (signum != signal.SIGINT and handler == signal.SIG_DFL):
            continue
        previous[signum] = signal.signal(
            signum, lambda number, frame: caught.append((number, frame)))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signum, frame = caught[0]
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), signum)


PR_SET_PDEATHSIG = 1
_prctl = None
if sys.platform.startswith("linux"):
    try:
        _prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        _prctl = None


def die_with_parent(parent: int | None = None) -> None:
    """In a child process: be killed when the parent dies, even by SIGKILL (Linux's parent-death
    signal), so no frame worker or encoder outlives a killed render. If the parent is already
    gone (it died before this ran), exit now. Safe in a fork's child before exec: one syscall."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)
