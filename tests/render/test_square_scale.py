"""The automatic square scale tells the article's story: AdaGrad's squares balloon, RMSProp's
stay small."""

from __future__ import annotations

import numpy as np

from race.engine import run
from race.loader import scene_from_text
from race.render.scales import domain_span, square_scale

ARTICLE_2D = """
title: AdaGrad vs RMSProp
surface: bowl
start: [1.5, 1.5]
steps: 1600
racers:
  - {optimizer: adagrad, lr: 0.01, label: AdaGrad, color: white}
  - {optimizer: rmsprop, lr: 0.001, alpha: 0.99, label: RMSProp, color: "#00ff00"}
render:
  view: contour
"""


def test_auto_scale_makes_adagrad_balloon_and_keeps_rmsprop_small():
    race = run(scene_from_text(ARTICLE_2D))
    scale = square_scale(race)
    span = domain_span(race)                       # 4: the bowl's [-2, 2]
    adagrad, rmsprop = race.trajectories
    adagrad_end = scale * np.sqrt(adagrad.accumulators[-1, 0]).max()
    rmsprop_largest = scale * np.sqrt(rmsprop.accumulators[:, 0]).max()
    assert adagrad_end > 0.4 * span                # well past the ball's neighbourhood
    assert rmsprop_largest < 0.06 * span           # a few ball-widths at most
    assert rmsprop_largest > 0.01 * span           # but there to see


def test_a_fixed_scale_wins():
    race = run(scene_from_text(ARTICLE_2D + "  squares: {scale: 0.002}\n"))
    assert square_scale(race) == 0.002
