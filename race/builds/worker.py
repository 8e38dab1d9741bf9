"""One scene's work, run wherever the executor puts it: a local process or a Dask worker.

``render_job`` receives the scene as data (never a path: a cluster's workers may not see the
scene files), simulates once and renders each requested output into a temporary folder of its
own. It never writes where the build's outputs go: the process that runs ``race build`` writes
them, under its own rules (``race.builds.publish``), so a worker needs no access to OUT_DIR.
A Dask worker returns the outputs' bytes (no shared file system needed); a local worker,
given the build's staging folder, leaves its files there for the build to copy, so no whole
animation is ever held in memory. Failures come back as one line, never as an exception, so
one scene cannot stop the others.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from race.builds.manifest import size_on_disk
from race.errors import RaceError


@dataclass(frozen=True)
class Job:
    key: str                         # the scene's name in the build ('week1/intro')
    name: str                        # the scene's own name (its file's stem)
    source: str | None               # the scene file, for messages
    data: dict[str, Any]             # the scene as loaded: after overrides, without `output`
    outputs: tuple[tuple[str, str, str], ...]   # (path relative to OUT_DIR, kind, role)
    shown_root: str                  # OUT_DIR as the user named it, for messages
    version: str                     # race's version where the build runs
    staging: str | None = None       # a local build's folder to leave the files in


@dataclass(frozen=True)
class Piece:
    relpath: str
    kind: str
    # a file's bytes or a folder's frames; or, from a local worker, where it left them
    content: bytes | tuple[tuple[str, bytes], ...] | Path

    @property
    def size(self) -> int:
        if isinstance(self.content, bytes):
            return len(self.content)
        if isinstance(self.content, Path):
            return size_on_disk(self.content, self.kind == "folder") or 0
        return sum(len(data) for _, data in self.content)


@dataclass(frozen=True)
class Rendered:
    key: str
    pieces: tuple[Piece, ...] = ()
    seconds: float = 0.0
    notes: tuple[str, ...] = ()      # what a byte budget changed, one line each
    error: str | None = None
    folder: str | None = None        # where a local worker left the files, to remove after


def render_job(job: Job) -> Rendered:
    """Simulate ``job``'s scene once and render every output it asks for; see the module."""
    import race
    from race.api import render
    from race.engine import run
    from race.loader import scene_from_data

    begin = time.perf_counter()
    notes: list[str] = []
    if race.__version__ != job.version:
        return Rendered(job.key, error=f"{job.source}: this worker runs race {race.__version__}"
                                       f", the build race {job.version}; install the same "
                                       "version on every worker")
    if threading.current_thread() is not threading.main_thread():
        # a Dask worker's thread: forking frame workers from a threaded process is unsafe
        os.environ.setdefault("RACE_RENDER_WORKERS", "1")
    folder = tempfile.mkdtemp(prefix="race-build-job-", dir=job.staging)
    done = False
    try:
        scene = scene_from_data(job.data, file=job.source, name=job.name)
        result = run(scene)
        pieces = []
        for relpath, kind, role in job.outputs:
            path = os.path.join(folder, relpath)
            settings = {"max_bytes": None} if role == "poster" and \
                scene.render.max_bytes is not None else {}     # see plan.for_output
            render(result, path, report=notes.append, **settings)
            content = Path(path) if job.staging else _read(Path(path), kind)
            pieces.append(Piece(relpath, kind, content))
        done = True
        return Rendered(job.key, tuple(pieces), time.perf_counter() - begin, tuple(notes),
                        folder=folder if job.staging else None)
    except RaceError as exc:
        return Rendered(job.key, error=_naming(job, _shown(str(exc), folder, job.shown_root)))
    except MemoryError:
        return Rendered(job.key, error=_naming(job, "out of memory rendering this scene"))
    except Exception as exc:
        text = str(exc).strip().splitlines()
        detail = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
        detail = _shown(detail, folder, job.shown_root)
        return Rendered(job.key, error=_naming(job, f"internal error: {detail}"))
    finally:
        if not (done and job.staging):
            shutil.rmtree(folder, ignore_errors=True)


def _read(path: Path, kind: str) -> bytes | tuple[tuple[str, bytes], ...]:
    if kind != "folder":
        return path.read_bytes()
    from race.write.folder import owned_frames

    return tuple((name, (path / name).read_bytes()) for name in sorted(owned_frames(path)))


def _shown(text: str, folder: str, root: str) -> str:
    """A message with the private folder's paths shown as the outputs' places in OUT_DIR."""
    return text.replace(folder + os.sep, root.rstrip("/" + os.sep) + os.sep) \
        .replace(folder, root)


def _naming(job: Job, message: str) -> str:
    """The one-line error, led by the scene it is about (unless it already is)."""
    lead = job.source or job.key
    return message if message.startswith(f"{lead}:") else f"{lead}: {message}"
