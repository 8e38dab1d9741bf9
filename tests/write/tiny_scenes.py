"""Tiny real scenes (loaded from YAML, run by the engine) for the writers."""

from __future__ import annotations

from race.engine import run
from race.loader import scene_from_text

SCENE = """
title: Writers
surface: bowl
start: [1.5, 1.0]
steps: 40
racers:
  - {optimizer: adagrad, lr: 0.3, label: AdaGrad, color: "#ff0000"}
  - {optimizer: rmsprop, lr: 0.05, label: RMSProp, color: "#0000ff"}
render:
  size: [160, 120]
  dpi: 40
  fps: 10
  duration: 1.2
  hold: 0.3
"""
FRAMES = 12 + 3


def make_race(*overrides: str):
    return run(scene_from_text(SCENE, overrides=overrides))
