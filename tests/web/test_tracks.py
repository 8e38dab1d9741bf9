"""The player's packed numbers: only the shown steps, and the in-between steps a trail bends at."""

from __future__ import annotations

import base64

import numpy as np

from race.web.tracks import extra_points, kept, off_chord, packed, shown_steps


def test_a_straight_run_keeps_only_the_shown_steps():
    t = np.linspace(0.0, 1.0, 101)
    line = np.stack([100 * t, 50 * t], axis=-1)[:, None, :]
    shown = np.arange(0, 101, 10)
    assert np.nonzero(kept(line, shown)[:, 0])[0].tolist() == shown.tolist()


def test_every_turn_of_a_zigzag_is_kept_and_nothing_else_is_far():
    steps = np.arange(101)
    zigzag = np.stack([steps * 1.0, np.where(steps % 2, 8.0, -8.0)], axis=-1)[:, None, :]
    shown = np.arange(0, 101, 10)
    assert kept(zigzag, shown)[:, 0].all()            # every point is a corner
    wave = np.stack([steps * 1.0, 10 * np.sin(steps / 5)], axis=-1)[:, None, :]
    keep = kept(wave, shown)[:, 0]
    assert 11 < keep.sum() < 101
    corners = steps[keep]                      # the player draws straight lines between them
    before = corners[np.searchsorted(corners, steps, side="right") - 1]
    after = corners[np.minimum(np.searchsorted(corners, steps), len(corners) - 1)]
    points = wave[:, 0]
    assert off_chord(points, points[before], points[after]).max() <= 0.2


def test_non_finite_points_are_kept_as_breaks():
    line = np.stack([np.arange(11.0), np.zeros(11)], axis=-1)[:, None, :]
    line[5, 0, 1] = np.inf
    assert kept(line, np.array([0, 10]))[:, 0].nonzero()[0].tolist() == [0, 4, 5, 6, 10]


def test_extra_points_are_grouped_start_by_start():
    keep = np.zeros((6, 2), bool)
    keep[[0, 5]] = True
    keep[2, 1] = keep[3, 0] = keep[4, 1] = True
    values = np.arange(12.0).reshape(6, 2, 1)
    extra = extra_points(values, keep, np.array([0, 5]))
    assert extra["counts"] == [1, 2]
    assert np.frombuffer(base64.b64decode(extra["steps"]), "<u4").tolist() == [3, 2, 4]
    assert np.frombuffer(base64.b64decode(extra["values"]), "<f4").tolist() == [6, 5, 9]


def test_shown_steps_and_packing():
    assert shown_steps([0, 3, 3, 7, 7, 7]) == [0, 3, 7]
    assert base64.b64decode(packed([1.5, -2.0])) == np.array([1.5, -2.0], "<f4").tobytes()
