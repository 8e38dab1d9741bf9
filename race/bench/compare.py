"""Our renderer against the naive matplotlib route, on the same race, in one run.

Both show the same frames (the same steps of the same race) at the same size and dpi, in the
scene's view. The table goes to ``echo``; what is being done, and about how long it will take,
goes to ``progress`` as it happens (a benchmark runs for minutes).
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import Callable

from race.bench.naive import NAIVE_ROUTES
from race.draw.schedule import frame_steps
from race.engine import run
from race.errors import RenderError
from race.scene import Scene

Say = Callable[[str], None]
ESTIMATE_AFTER = 1.5    # seconds into a stage before its remaining time is estimated


def bench_scene(scene: Scene, frames: int, size: tuple[int, int]) -> Scene:
    """``scene`` set to exactly ``frames`` frames at ``size``, no hold, no timelapse, one panel
    of its own view (contour or surface3d)."""
    render = dataclasses.replace(
        scene.render, size=(int(size[0]), int(size[1])), steps_per_frame=None,
        duration=frames / scene.render.fps, hold=0.0, timelapse=False, layout="single")
    return dataclasses.replace(scene, render=render)


class Stages:
    """Progress lines: a line when a stage starts, one estimate of its remaining time once it
    has run ``ESTIMATE_AFTER`` seconds, and its time when done."""

    def __init__(self, say: Say | None, count: int) -> None:
        self.say, self.count, self.number = say, count, 0
        self.began = time.perf_counter()

    def start(self, what: str, frames: int = 0) -> Callable[[int], None]:
        """Announce a stage; returns the callback to tell it how many frames are done."""
        self.number += 1
        self.what, self.frames = what, frames
        self.stage_began = time.perf_counter()
        self.estimated = False
        count = f", {frames} frames" if frames else ""
        self._say(f"[{self.number}/{self.count}] {what}{count}")
        return self.done_frames

    def done_frames(self, done: int) -> None:
        elapsed = time.perf_counter() - self.stage_began
        if self.estimated or not done or elapsed < ESTIMATE_AFTER or not self.frames:
            return
        self.estimated = True
        left = elapsed / done * (self.frames - done)
        self._say(f"      {done}/{self.frames} frames in {elapsed:.1f} s, about {left:.0f} s left")

    def end(self) -> float:
        seconds = time.perf_counter() - self.stage_began
        self._say(f"      done in {seconds:.1f} s ({time.perf_counter() - self.began:.0f} s "
                  "so far)")
        return seconds

    def _say(self, line: str) -> None:
        if self.say is not None:
            self.say(line)


def benchmark(scene: Scene, *, formats=("mp4", "gif"), frames: int = 300,
              size: tuple[int, int] = (800, 600), workdir: Path,
              echo: Say = print, breakdown: bool = False, encoders: bool = False,
              progress: Say | None = None) -> list[dict]:
    """Render ``scene`` both ways for each format; print and return the timings and sizes.
    ``breakdown`` adds where one of our frames goes; ``encoders`` (for mp4) the H.264
    settings' CPU, size and quality side by side."""
    from race.draw import render

    scene = bench_scene(scene, frames, size)
    naive = NAIVE_ROUTES[scene.render.view]
    stages = Stages(progress, 1 + 2 * len(formats) + bool(breakdown)
                    + bool(encoders and "mp4" in formats))
    stages.start(f"simulating {scene.name}: {len(scene.racers)} racers, {scene.steps} steps")
    race = run(scene)
    stages.end()
    steps = frame_steps(scene.render, scene.steps)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    width, height = scene.render.size
    echo(f"{scene.name}: {scene.render.view} view, {len(steps)} frames at {width}x{height}, "
         f"{len(scene.racers)} racers, {scene.steps} steps")
    echo(f"{'format':<7}{'naive s':>9}{'ours s':>9}{'speedup':>9}"
         f"{'naive size':>12}{'ours size':>11}{'size ratio':>12}")
    results = []
    for fmt in formats:
        naive_path, ours_path = workdir / f"naive.{fmt}", workdir / f"ours.{fmt}"
        tick = stages.start(f"naive {fmt}: FuncAnimation + Animation.save", len(steps))
        start = time.perf_counter()
        try:
            naive(race, steps, naive_path, tick=lambda frame: tick(frame))
        except Exception as exc:
            text = str(exc).strip().splitlines()
            raise RenderError(f"the naive {fmt} route failed: {type(exc).__name__}"
                              f"{': ' + text[0] if text else ''}") from exc
        naive_seconds = time.perf_counter() - start
        stages.end()
        tick = stages.start(f"ours {fmt}", len(steps))
        start = time.perf_counter()
        render(race, ours_path, progress=lambda done, total: tick(done))
        ours_seconds = time.perf_counter() - start
        stages.end()
        row = {"format": fmt, "naive_seconds": naive_seconds, "ours_seconds": ours_seconds,
               "speedup": naive_seconds / ours_seconds,
               "naive_bytes": os.path.getsize(naive_path),
               "ours_bytes": os.path.getsize(ours_path)}
        row["size_ratio"] = row["ours_bytes"] / row["naive_bytes"]
        results.append(row)
        echo(f"{fmt:<7}{naive_seconds:>9.2f}{ours_seconds:>9.2f}{row['speedup']:>8.1f}x"
             f"{size_text(row['naive_bytes']):>12}{size_text(row['ours_bytes']):>11}"
             f"{row['size_ratio']:>12.2f}")
    if breakdown:
        from race.bench.frames import frame_costs

        stages.start("timing the parts of our frames")
        echo(frame_costs(race, steps).line())
        stages.end()
    if encoders and "mp4" in formats:
        from race.bench.encoders import SETTINGS, encoder_table

        tick = stages.start(f"encoding our frames with {len(SETTINGS)} H.264 settings at once",
                            len(steps))
        encoder_table(race, steps, workdir, echo=echo, tick=tick)
        stages.end()
    return results


def size_text(count: int) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 1e5 else f"{count / 1e3:.1f} kB"
