"""Frames drawn by two worker processes, handed back in order.

Worth it only when every frame is a full redraw (a moving 3D camera); blitted frames are cheaper
to draw than to ship between processes. Each worker forks with the race already in memory,
builds its own figure and draws every other frame; the parent receives them alternately, so the
frames come out in order and at most a pipe's worth of frames waits per worker (memory stays
flat). Needs the ``fork`` start method (Linux); elsewhere the caller draws serially.
See ``available_workers`` for when it pays.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Iterator

import numpy as np

from race.engine import Race
from race.errors import RenderError
from race.signals import die_with_parent

MIN_FRAMES = 16
ERROR = b"race-worker-error:"


def available_workers() -> int:
    """How many processes draw when every frame is a full redraw.

    ``RACE_RENDER_WORKERS`` if set; else 2 when there are at least 2 usable CPUs, else 1.
    Measured on a 2-CPU machine (orbiting 3D camera, 120 frames at 800x500, mp4): two drawers
    took 8.0-10.1 s against 11.1-12.7 s for one, the encoder sharing the cores; when other
    jobs held the cores, two were slower, so RACE_RENDER_WORKERS=1 is there for busy machines.
    Needs the ``fork`` start method.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    raw = os.environ.get("RACE_RENDER_WORKERS")
    if raw is not None:
        try:
            return max(1, min(int(raw), 8))
        except ValueError:
            raise RenderError(f"RACE_RENDER_WORKERS={raw!r} is not a whole number") from None
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return 2 if cpus >= 2 else 1


def wants_parallel(views, frames: int) -> bool:
    """True when some view redraws its background every frame (a moving camera)."""
    return (frames >= MIN_FRAMES and available_workers() > 1
            and any(getattr(view, "moves_camera", False) for view in views))


class ParallelFrames:
    """The frames of ``steps`` (RGBA arrays, in order) drawn by ``workers`` forked processes.

    The workers start at construction, so fork before opening an encoder (its pipes must not
    leak into the workers); iterate once; ``close()`` always (it stops workers still running).
    """

    def __init__(self, race: Race, steps: list[int], fps: float, workers: int = 2) -> None:
        context = multiprocessing.get_context("fork")
        self.width, self.height = (int(v) for v in race.scene.render.size)
        self.count, self.workers = len(steps), workers
        self.pipes, self.processes = [], []
        try:
            for index in range(workers):
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_work, name=f"race-frames-{index}",
                                          args=(race, steps, fps, index, workers, sender,
                                                list(self.pipes), os.getpid()),
                                          daemon=True)
                process.start()
                sender.close()
                self.pipes.append(receiver)
                self.processes.append(process)
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> Iterator[np.ndarray]:
        size = self.width * self.height * 4
        for number in range(self.count):
            try:
                data = self.pipes[number % self.workers].recv_bytes()
            except EOFError:
                raise RenderError("a frame worker stopped without a word") from None
            if len(data) != size:
                message = data[len(ERROR):].decode("utf-8", "replace") \
                    if data.startswith(ERROR) else f"a frame of {len(data)} bytes"
                raise RenderError(f"frame worker failed: {message}")
            yield np.frombuffer(data, dtype=np.uint8).reshape(self.height, self.width, 4)

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.close()
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)


def _work(race: Race, steps: list[int], fps: float, index: int, workers: int, pipe,
          siblings: list, parent: int) -> None:
    from race.draw.stage import Stage

    die_with_parent(parent)      # a killed render takes its workers with it
    for other in siblings:       # the earlier workers' read ends, inherited by the fork: closed,
        other.close()            # so a worker whose reader is gone sees EPIPE instead of blocking
    try:
        stage = Stage(race)
        for number in range(index, len(steps), workers):
            pipe.send_bytes(stage.frame(steps[number], number / fps).reshape(-1))
    except (BrokenPipeError, KeyboardInterrupt):
        pass                         # the parent stopped listening: nothing left to do
    except BaseException as exc:
        text = str(exc).strip().splitlines()
        detail = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
        try:
            pipe.send_bytes(ERROR + detail.encode("utf-8", "replace"))
        except OSError:
            pass
    finally:
        pipe.close()
