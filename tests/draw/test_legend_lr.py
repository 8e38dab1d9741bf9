"""A scheduled racer's learning rate in the legend: the text at each step, and frames drawn
after any history equal to frames drawn fresh (the live legend leaves no trace)."""

from __future__ import annotations

import numpy as np
import pytest

import race
from race.draw.stage import Stage, racer_label
from race.engine import run

SCENE = {"surface": "bowl", "start": [1.5, 1.5], "steps": 40, "racers": [
    {"optimizer": "sgd", "lr": 0.1, "label": "decay",
     "schedule": {"name": "StepLR", "step_size": 10, "gamma": 0.5}},
    {"optimizer": "adam", "lr": 0.05, "label": "cosine",
     "schedule": {"name": "CosineAnnealingLR", "T_max": 40}},
    {"optimizer": "adagrad", "lr": 0.3}],
    "render": {"size": [480, 270], "dpi": 50, "loss_panel": "right"}}


@pytest.fixture(scope="module")
def result():
    return run(race.load(SCENE))


def test_the_label_shows_the_lr_of_the_step(result):
    assert racer_label(result, 0, 0) == "decay (sgd, lr 1.00e-01)"
    assert racer_label(result, 0, 9) == "decay (sgd, lr 1.00e-01)"
    assert racer_label(result, 0, 10) == "decay (sgd, lr 5.00e-02)"
    assert racer_label(result, 1, 40) == "cosine (adam, lr 0.00e+00)"
    assert racer_label(result, 2, 25) == "adagrad (lr 0.3)"       # unscheduled: as before


def test_the_legend_changes_where_the_lr_does(result):
    stage = Stage(result)
    stage.frame(0)
    box = stage.legend.get_window_extent()
    height = stage.height
    legend = (slice(height - int(box.y1), height - int(box.y0)), slice(int(box.x0), int(box.x1)))
    first = stage.frame(5)[legend].copy()
    same_lr = stage.frame(5)[legend].copy()
    later = stage.frame(30)[legend].copy()
    assert np.array_equal(first, same_lr)
    assert (np.abs(first.astype(int) - later.astype(int)).max(axis=2) > 60).sum() > 20


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_frames_after_any_history_equal_fresh_frames(theme):
    result = run(race.load(SCENE, {"render.theme": theme}))
    stage = Stage(result)
    for step in (0, 3, 10, 10, 11, 25, 40, 7):
        drawn = stage.frame(step).copy().astype(int)
        fresh = np.array(Stage(result).frame(step)).astype(int)
        # lines grown piece by piece (race.draw.growth) may differ from lines drawn whole by a
        # level of anti-aliasing; a legend's trace would differ by far more
        assert np.abs(drawn - fresh).max() <= 2, step
