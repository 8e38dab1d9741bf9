"""Loss lines are drawn once and grown (race.draw.growth): the frames are the ones a full
redraw makes, only the new part is repainted, and trails are still drawn whole."""

from __future__ import annotations

import numpy as np
import pytest

import race
from fit_checks import scene
from race.engine import run
from race.draw import growth
from race.draw.stage import Stage


def from_scratch(race, step: int, seconds: float | None) -> np.ndarray:
    """The frame as a full redraw makes it: a Stage that grows nothing."""
    stage = Stage(race)
    stage._growing = None
    return np.array(stage.frame(step, seconds)).astype(int)


@pytest.fixture(scope="module")
def long_race():
    """Three optimizers on Beale for 1,500 steps with a loss panel (over 1,000 points a line,
    where matplotlib draws sorted lines differently)."""
    return scene(3, surface="beale", steps=1500, size=[640, 400], loss_panel="right", fps=10,
                 duration=4.0)


def test_grown_frames_are_full_redraws(long_race):
    stage = Stage(long_race)
    steps = [0, 1, 2, 5, 40, 41, 150, 151, 600, 1100, 1101, 1499, 1500, 1500]
    for number, step in enumerate(steps):
        grown = np.array(stage.frame(step, number / 10)).astype(int)
        if step in (2, 151, 1101, 1500):
            full = from_scratch(long_race, step, number / 10)
            assert np.abs(grown - full).max() <= 2, step    # to a level of anti-aliasing


def test_going_back_in_time_redraws_from_the_start(long_race):
    stage = Stage(long_race)
    stage.frame(1500)
    back = np.array(stage.frame(120)).astype(int)
    assert np.abs(back - from_scratch(long_race, 120, None)).max() <= 2


def test_only_the_new_part_is_repainted_and_the_lines_are_cut_to_it(long_race, monkeypatch):
    boxes, pieces = [], []
    clipped, near = growth._clipped, growth._pieces_near
    monkeypatch.setattr(growth, "_clipped",
                        lambda ax, lines, box, *rest: boxes.append(box) or clipped(ax, lines, box,
                                                                                   *rest))
    monkeypatch.setattr(growth, "_pieces_near",
                        lambda line, box: pieces.append(near(line, box)) or pieces[-1])
    stage = Stage(long_race)
    stage.frame(1000)
    boxes.clear()
    pieces.clear()
    stage.frame(1001)
    (top, bottom, left, right), = boxes
    assert right - left <= 12          # one step of 1,500 on 218 pixels, and the lines' width
    assert len(pieces) == 3            # each loss line, cut to the points near that box
    assert any(p is not None for p in pieces)
    assert all(p is None or len(p[0]) < 60 for p in pieces)      # of 1,002


def test_trails_and_many_lines_are_drawn_whole(long_race):
    stage = Stage(long_race)
    assert not hasattr(stage.maps[0], "growing")
    many = run(race.load({"surface": "beale", "steps": 50, "starts": {"grid": [9, 8]},
                          "racers": ["adam"], "render": {"loss_panel": "right",
                                                         "size": [320, 240]}}))
    stage = Stage(many)
    assert stage.loss.growing(-1, 10) is None         # 72 lines: cheaper drawn whole
