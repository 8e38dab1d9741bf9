"""Frames drawn by two worker processes, handed back in order.

Worth it only when every frame is a full redraw (a moving 3D camera); blitted frames are cheaper
to draw than to ship between processes. Each worker forks with the race, and the parent's laid
out figure, already in memory (nothing is built twice) and draws every other frame; the parent
receives them alternately, so the frames come out in order and at most a pipe's worth of frames
waits per worker (memory stays flat). A frame crosses a plain pipe as its raw bytes after a
length, read straight into a buffer kept for it: one copy in, none in Python, one out to the
encoder. Needs the ``fork`` start method (Linux); elsewhere the caller draws serially.
See ``available_workers`` for when it pays.
"""

from __future__ import annotations

import multiprocessing
import os
import struct
from typing import Iterator

import numpy as np

from race.engine import Race
from race.errors import RenderError
from race.signals import die_with_parent
from race.write.ffmpeg import widen_pipe

MIN_FRAMES = 16
HEADER = struct.Struct("<q")   # before each frame: its length in bytes; -length: an error text


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

    ``stage``, when given, is the figure the workers draw with (each its own forked copy); else
    each builds one. The workers start at construction, so fork before opening an encoder (its
    pipes must not leak into the workers); iterate once; ``close()`` always (it stops workers
    still running). A yielded frame is valid until the next one is asked for.
    """

    def __init__(self, race: Race, steps: list[int], fps: float, workers: int = 2,
                 stage=None) -> None:
        context = multiprocessing.get_context("fork")
        self.width, self.height = (int(v) for v in race.scene.render.size)
        self.count, self.workers = len(steps), workers
        self.size = self.width * self.height * 4
        self.pipes: list[int] = []
        self.processes = []
        if stage is not None and steps:
            # the cached background and the counter's glyphs, made once here and inherited
            # by every worker instead of made by each (0.1-0.2 s of text each)
            stage.frame(steps[0], 0.0)
        try:
            for index in range(workers):
                reader, writer = os.pipe()
                self.pipes.append(reader)
                widen_pipe(writer, self.size)
                process = context.Process(target=_work, name=f"race-frames-{index}",
                                          args=(race, stage, steps, fps, index, workers, writer,
                                                list(self.pipes), os.getpid()),
                                          daemon=True)
                try:
                    process.start()
                finally:
                    os.close(writer)
                self.processes.append(process)
        except BaseException:
            self.close()
            raise
        self._buffers = [memoryview(bytearray(self.size)) for _ in range(workers)]

    def __iter__(self) -> Iterator[np.ndarray]:
        for number in range(self.count):
            which = number % self.workers
            pipe, buffer = self.pipes[which], self._buffers[which]
            (length,) = HEADER.unpack(_read_exactly(pipe, HEADER.size))
            if length < 0:
                text = bytes(_read_exactly(pipe, -length)).decode("utf-8", "replace")
                raise RenderError(f"frame worker failed: {text}")
            if length != self.size:
                raise RenderError(f"frame worker sent a frame of {length} bytes")
            _read_into(pipe, buffer)
            yield np.frombuffer(buffer, dtype=np.uint8).reshape(self.height, self.width, 4)

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                os.close(pipe)
            except OSError:
                pass
        self.pipes = []
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)


def _read_into(fd: int, buffer: memoryview) -> None:
    """Fill ``buffer`` from ``fd``; RenderError if the writer is gone first."""
    done = 0
    while done < len(buffer):
        count = os.readv(fd, [buffer[done:]])
        if count == 0:
            raise RenderError("a frame worker stopped without a word")
        done += count


def _read_exactly(fd: int, count: int) -> memoryview:
    buffer = memoryview(bytearray(count))
    _read_into(fd, buffer)
    return buffer


def _write_all(fd: int, data) -> None:
    view = memoryview(data).cast("B")
    while view:
        view = view[os.write(fd, view):]


def _work(race: Race, stage, steps: list[int], fps: float, index: int, workers: int, pipe: int,
          siblings: list[int], parent: int) -> None:
    from race.draw.stage import Stage

    die_with_parent(parent)      # a killed render takes its workers with it
    for other in siblings:       # the earlier workers' read ends, inherited by the fork: closed,
        os.close(other)          # so a worker whose reader is gone sees EPIPE instead of blocking
    try:
        if stage is None:
            stage = Stage(race)
        for number in range(index, len(steps), workers):
            frame = stage.frame(steps[number], number / fps)
            _write_all(pipe, HEADER.pack(frame.nbytes))
            _write_all(pipe, frame)
    except (BrokenPipeError, KeyboardInterrupt):
        pass                         # the parent stopped listening: nothing left to do
    except BaseException as exc:
        text = str(exc).strip().splitlines()
        detail = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
        message = detail.encode("utf-8", "replace")
        try:
            _write_all(pipe, HEADER.pack(-len(message)) + message)
        except OSError:
            pass
    finally:
        os.close(pipe)
