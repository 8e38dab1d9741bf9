"""Frames drawn by forked workers are the serial frames, in order; worker failures are reported."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from handmade import line, make_race, small_render, trajectory
from race.errors import RenderError
from race.draw import parallel
from race.draw.parallel import ParallelFrames
from race.draw.stage import Stage

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers fork")


def test_worker_frames_equal_serial_frames_in_order(straight):
    steps = [0, 3, 3, 9, 14, 20, 20]
    serial_stage = Stage(straight)
    serial = [np.array(serial_stage.frame(step, i / 10)) for i, step in enumerate(steps)]
    pool = ParallelFrames(straight, steps, 10, workers=2)
    try:
        drawn = [np.array(frame) for frame in pool]
    finally:
        pool.close()
    assert len(drawn) == len(steps)
    for a, b in zip(serial, drawn):
        assert np.array_equal(a, b)


def test_a_failing_worker_is_a_render_error(straight, monkeypatch):
    def broken(self, step, seconds=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(Stage, "frame", broken)        # the forked workers inherit it
    pool = ParallelFrames(straight, [0, 1, 2, 3], 10, workers=2)
    try:
        with pytest.raises(RenderError, match="frame worker failed: RuntimeError: boom"):
            list(pool)
    finally:
        pool.close()
    assert not any(p.is_alive() for p in pool.processes)


def test_orbiting_camera_renders_through_workers(tmp_path, monkeypatch):
    import imageio_ffmpeg

    from race.draw import render
    from race.scene import Camera

    monkeypatch.setenv("RACE_RENDER_WORKERS", "2")
    used = []
    original = ParallelFrames.__init__

    def spy(self, *args, **kwargs):
        used.append(True)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ParallelFrames, "__init__", spy)
    race = make_race(trajectory(line((1.5, 1.5), (0.2, 0.1), 30)),
                     render=small_render(view="surface3d", duration=2.0,
                                         camera=Camera(orbit=45.0)))
    out = render(race, tmp_path / "orbit.mp4")
    frames = imageio_ffmpeg.read_frames(str(out))
    assert next(frames)["size"] == (320, 240)
    assert sum(1 for _ in frames) == 20
    assert used == [True]


def test_workers_setting(monkeypatch):
    monkeypatch.setenv("RACE_RENDER_WORKERS", "1")
    assert parallel.available_workers() == 1
    monkeypatch.setenv("RACE_RENDER_WORKERS", "two")
    with pytest.raises(RenderError, match="RACE_RENDER_WORKERS"):
        parallel.available_workers()


def test_two_cpus_draw_with_two_workers_one_with_one(monkeypatch):
    monkeypatch.delenv("RACE_RENDER_WORKERS", raising=False)
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1})
    assert parallel.available_workers() == 2
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0})
    assert parallel.available_workers() == 1
