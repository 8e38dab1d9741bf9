"""The automatic square scale tells the article's story: AdaGrad's squares balloon, RMSProp's
stay small."""

from __future__ import annotations

import numpy as np

from race.engine import run
from race.loader import load_scene
from race.draw.scales import domain_span, square_scale
from race.scenes import resolve_scene

def article_2d(*overrides: str):
    """The shipped 2D article scene: Adagrad lr 1e-2 vs RMSProp lr 1e-3 from (1.5, 1.5)."""
    return run(load_scene(resolve_scene("adagrad_vs_rmsprop"), overrides))


def test_auto_scale_makes_adagrad_balloon_and_keeps_rmsprop_small():
    race = article_2d()
    scale = square_scale(race)
    span = domain_span(race)                       # 4: the bowl's [-2, 2]
    adagrad, rmsprop = race.trajectories
    adagrad_end = scale * np.sqrt(adagrad.accumulators[-1, 0]).max()
    rmsprop_largest = scale * np.sqrt(rmsprop.accumulators[:, 0]).max()
    assert adagrad_end > 0.4 * span                # well past the ball's neighbourhood
    assert rmsprop_largest < 0.06 * span           # a few ball-widths at most
    assert rmsprop_largest > 0.01 * span           # but there to see


def test_a_fixed_scale_wins():
    race = article_2d("render.squares.scale=0.002")
    assert square_scale(race) == 0.002
