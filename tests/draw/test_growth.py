"""Trails and loss lines are drawn once and grown (race.draw.growth): the frames are the ones a
full redraw makes, the squares stay under the trails, and fading trails are drawn whole."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from fit_checks import scene
from handmade import line, make_race, small_render, trajectory
from race.draw import growth
from race.draw.stage import Stage
from race.scene import Squares, Trail


def from_scratch(race, step: int, seconds: float) -> np.ndarray:
    """The frame as a full redraw makes it: a Stage that grows nothing."""
    stage = Stage(race)
    stage._growing = None
    return np.array(stage.frame(step, seconds)).astype(int)


def panel(frame: np.ndarray, ax, height: int) -> np.ndarray:
    x0, y0, x1, y1 = (int(round(v)) for v in ax.bbox.extents)
    return frame[height - y1:height - y0, x0:x1, :3]


@pytest.fixture(scope="module")
def long_race():
    """Three optimizers on Beale for 400 steps, with a loss panel: long, crossing trails."""
    return scene(3, surface="beale", steps=400, size=[640, 400], loss_panel="right", fps=10,
                 duration=4.0)


def test_grown_frames_are_full_redraws(long_race):
    stage = Stage(long_race)
    assert stage._growing is not None
    steps = [0, 1, 2, 5, 40, 41, 150, 151, 152, 300, 399, 400, 400]
    for number, step in enumerate(steps):
        grown = np.array(stage.frame(step, number / 10)).astype(int)
        if step not in (2, 151, 400):
            continue
        full = from_scratch(long_race, step, number / 10)
        loss = stage.loss.ax
        # loss lines are drawn through every vertex: the same pixels, to anti-aliasing noise
        assert np.abs(panel(grown, loss, stage.height) - panel(full, loss, stage.height)).max() \
            <= 2
        # trails keep matplotlib's simplification, which may differ by under 1/9 pixel
        diff = np.abs(grown - full).max(axis=-1)
        assert (diff > 8).mean() < 2e-4, f"step {step}: {(diff > 8).sum()} pixels differ"


def test_going_back_in_time_redraws_from_the_start(long_race):
    stage = Stage(long_race)
    stage.frame(400)
    back = np.array(stage.frame(120)).astype(int)
    assert np.abs(back - from_scratch(long_race, 120, None)).max() <= 2


def test_only_the_new_part_is_repainted(long_race, monkeypatch):
    render = dataclasses.replace(long_race.scene.render, squares=Squares(show=False))
    race = dataclasses.replace(long_race, scene=dataclasses.replace(long_race.scene,
                                                                     render=render))
    boxes = []
    original = growth.Growing._repaint
    monkeypatch.setattr(growth.Growing, "_repaint",
                        lambda self, pixels, box: (boxes.append(box), original(self, pixels, box)))
    stage = Stage(race)
    stage.frame(300)
    boxes.clear()
    stage.frame(301)
    assert boxes, "nothing was repainted"
    area = sum((b - t) * (r - l) for t, b, l, r in boxes)
    assert area < 0.02 * stage.width * stage.height


def test_squares_stay_under_the_trail():
    # a racer that goes out and comes back along the same line: its square, late in the race,
    # lies over the early trail, which must still be drawn over the square
    out = line((-1.5, 0.0), (1.5, 0.0), 30)[:, 0]
    back = out[::-1][1:]
    positions = np.concatenate([out, back])[:, None, :]
    accumulators = np.full(positions.shape, 4.0)
    race = make_race(trajectory(positions, accumulators=accumulators),
                     render=small_render(squares=Squares(show=True, alpha=0.9)))
    stage = Stage(race)
    for step in range(0, 61, 3):
        grown = np.array(stage.frame(step)).astype(int)
    full = from_scratch(race, 60, None)
    assert np.abs(grown - full).max() <= 2


def test_fading_trails_are_drawn_whole_every_frame(long_race):
    render = dataclasses.replace(long_race.scene.render, trail=Trail(fade=True))
    race = dataclasses.replace(long_race, scene=dataclasses.replace(long_race.scene,
                                                                     render=render))
    stage = Stage(race)
    for number, step in enumerate((0, 50, 200, 201)):
        grown = np.array(stage.frame(step, number / 10)).astype(int)
    assert stage.maps[0].growing(50, 201) is None          # the map's trails do not grow
    full = from_scratch(race, 201, 3 / 10)
    map_ax = stage.maps[0].ax
    assert np.array_equal(panel(grown, map_ax, stage.height), panel(full, map_ax, stage.height))
