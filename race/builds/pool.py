"""The executors a build runs scenes on: local worker processes, or a Dask cluster's workers.

Both are a ``concurrent.futures.Executor``; we have no scheduler of our own. Local workers are
forked, ignore Ctrl-C (the build decides when they stop), die with the build even when it is
killed outright (``die_with_parent``) and keep their temporary files in a folder of the build's
(``staging``), which the build removes whatever happens. A folder left by a build that was
killed outright is removed by the next build.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import signal
import tempfile
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from race.atomic import process_alive
from race.errors import RaceError
from race.signals import ENDING_SIGNALS, die_with_parent

CONNECT_TIMEOUT = "20s"    # a scheduler that does not answer by then is reported
STAGING = re.compile(r"^race-build-([0-9]+)-[A-Za-z0-9_]+$")


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@contextmanager
def staging_folder() -> Iterator[Path]:
    """A private temporary folder for the local workers' files, removed at the end."""
    _remove_abandoned()
    folder = Path(tempfile.mkdtemp(prefix=f"race-build-{os.getpid()}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def local_pool(workers: int, staging: Path) -> ProcessPoolExecutor:
    """``workers`` forked processes; each draws with ``cpu_count() // workers`` frame workers
    for orbiting cameras (so -j N never asks for more processes than cores)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    if "fork" in methods:
        import race.draw.stage  # noqa: F401  (imported once here, not once in every worker)
    drawers = max(1, cpu_count() // workers)
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(os.getpid(), str(staging), drawers))


def _start_worker(parent: int, staging: str, drawers: int) -> None:
    die_with_parent(parent)
    for signum in ENDING_SIGNALS:    # SIGTERM kills a worker outright; Ctrl-C is the build's
        signal.signal(signum, signal.SIG_IGN if signum == signal.SIGINT else signal.SIG_DFL)
    tempfile.tempdir = staging
    os.environ["TMPDIR"] = staging       # for ffmpeg and anything else a render starts
    os.environ.setdefault("RACE_RENDER_WORKERS", str(drawers))


def stop(executor: Executor, futures: Iterable[Future], owned: bool) -> None:
    """Stop at once. Our own workers are terminated (their encoders and frame workers die
    with them) and the pool marks what was left as failed; on someone else's executor, what
    has not started is cancelled and the executor is left running."""
    if not owned:
        for future in futures:
            future.cancel()
        return
    # Not cancelled first: Python 3.11's pool, finding a worker gone, fails every pending
    # future, and one already cancelled makes it raise in its own thread.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
    executor.shutdown(wait=True)


def dask_executor(address: str) -> tuple[Executor, object]:
    """An executor on the Dask scheduler at ``address`` and its client (to close)."""
    try:
        from distributed import Client
    except ImportError:
        raise RaceError("--scheduler needs Dask's distributed package: "
                        "pip install 'race[dask]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        text = str(exc).strip().splitlines()
        raise RaceError(f"--scheduler {address}: cannot connect: "
                        f"{text[0] if text else type(exc).__name__}") from None
    return as_executor(client), client


def as_executor(executor) -> Executor:
    """A Dask ``Client`` offers its executor through ``get_executor``; anything else is
    taken as a ``concurrent.futures.Executor``."""
    if hasattr(executor, "get_executor") and not isinstance(executor, Executor):
        return executor.get_executor(pure=False)
    if not isinstance(executor, Executor):
        raise RaceError(f"executor: expected a concurrent.futures.Executor or a Dask Client, "
                        f"got {type(executor).__name__}")
    return executor


def _remove_abandoned() -> None:
    """Staging folders of builds that were killed outright (their pid in the name)."""
    root = Path(tempfile.gettempdir())
    try:
        entries = os.listdir(root)
    except OSError:
        return
    for entry in entries:
        match = STAGING.match(entry)
        if match and not process_alive(int(match.group(1))) and (root / entry).is_dir() \
                and not (root / entry).is_symlink():
            shutil.rmtree(root / entry, ignore_errors=True)
