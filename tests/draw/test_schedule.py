"""frame_steps: exact frame counts for every way of pacing a video."""

from __future__ import annotations

import math

import numpy as np
import pytest

from race.draw import frame_steps
from race.scene import Render


def test_duration_gives_duration_times_fps_frames_from_first_to_last_step():
    shown = frame_steps(Render(duration=8, fps=30, hold=0), 1600)
    assert len(shown) == 240
    assert shown[0] == 0 and shown[-1] == 1600
    assert np.all(np.diff(shown) >= 0)


def test_hold_appends_round_hold_times_fps_copies_of_the_last_step():
    shown = frame_steps(Render(duration=2, fps=25, hold=1.5), 100)
    assert len(shown) == 50 + 38   # round(37.5) == 38 (banker's rounding picks the even one)
    assert shown[49:] == [100] * 39


def test_steps_per_frame_shows_every_kth_step_and_always_the_last():
    shown = frame_steps(Render(steps_per_frame=7, hold=0), 100)
    assert len(shown) == math.ceil(100 / 7) + 1
    assert shown[:3] == [0, 7, 14] and shown[-2:] == [98, 100]


def test_steps_per_frame_wins_over_duration():
    assert len(frame_steps(Render(steps_per_frame=10, duration=60, hold=0), 100)) == 11


def test_without_pacing_every_step_is_a_frame():
    assert frame_steps(Render(hold=0), 12) == list(range(13))


def test_fewer_steps_than_frames_plays_in_slow_motion():
    shown = frame_steps(Render(duration=2, fps=10, hold=0), 5)
    assert len(shown) == 20
    assert sorted(set(shown)) == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("steps,seconds", [(1600, 8), (100_000, 10), (50, 3)])
def test_timelapse_keeps_the_count_starts_one_step_at_a_time_and_speeds_up(steps, seconds):
    plain = frame_steps(Render(duration=seconds, fps=30, hold=1), steps)
    shown = frame_steps(Render(duration=seconds, fps=30, hold=1, timelapse=True), steps)
    assert len(shown) == len(plain) == seconds * 30 + 30
    race = np.array(shown[:seconds * 30])
    assert race[0] == 0 and race[-1] == steps and np.all(np.diff(race) >= 0)
    if steps > len(race):
        assert race[1] == 1                                  # the first moves, step by step
        increments = np.diff(race)
        assert increments[-20:].mean() > 5 * increments[:20].mean()   # the long run, fast
    assert shown[seconds * 30:] == [steps] * 30


def test_a_race_of_zero_steps_is_one_frame_plus_hold():
    assert frame_steps(Render(duration=5, fps=10, hold=1), 0) == [0] * 11


def test_zero_duration_still_shows_start_and_end():
    assert frame_steps(Render(duration=0, hold=0), 10) == [0, 10]
