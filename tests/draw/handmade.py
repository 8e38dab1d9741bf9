"""Races built by hand (known positions, gradients and accumulators) for pixel probes."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from race.engine import Race, Trajectory
from race.scene import Racer, Render, Scene, Squares, Trail
from race.surfaces.base import Surface

RED = "#ff0000"
BLUE = "#0000ff"


@dataclass(frozen=True)
class LR:
    lr: float = 0.1


def bowl() -> Surface:
    return Surface(name="bowl", formula="x² + y²", value=lambda x, y: x**2 + y**2,
                   gradient=lambda x, y: (2 * x, 2 * y), xlim=(-2.0, 2.0), ylim=(-2.0, 2.0),
                   minima=((0.0, 0.0),))


def trajectory(positions, *, label="A", color=RED, optimizer="adagrad", accumulators=None,
               velocities=None, diverged_at=None) -> Trajectory:
    """A trajectory from positions (steps+1, n, 2); gradients are the bowl's (2x, 2y)."""
    positions = np.asarray(positions, dtype=float)
    n = positions.shape[1]
    starts = tuple(tuple(p) for p in positions[0])
    racer = Racer(optimizer, LR(), label, color, starts)
    diverged = np.full(n, -1) if diverged_at is None else np.asarray(diverged_at)
    return Trajectory(racer, positions, (positions ** 2).sum(axis=-1) + 0.01, 2 * positions,
                      None if accumulators is None else np.asarray(accumulators, dtype=float),
                      None if velocities is None else np.asarray(velocities, dtype=float),
                      diverged, np.full(n, -1))


def line(start, end, steps: int) -> np.ndarray:
    """(steps+1, 1, 2) positions moving evenly from start to end."""
    t = np.linspace(0.0, 1.0, steps + 1)[:, None]
    return (np.asarray(start) + t * (np.asarray(end) - np.asarray(start)))[:, None, :]


def make_race(*trajectories: Trajectory, render: Render | None = None, title="Test race",
              surface: Surface | None = None) -> Race:
    steps = trajectories[0].steps
    scene = Scene(name="test", title=title, surface=surface or bowl(), steps=steps,
                  racers=tuple(t.racer for t in trajectories),
                  render=render or small_render())
    return Race(scene, tuple(trajectories))


def small_render(**changes) -> Render:
    base = Render(size=(320, 240), dpi=50, fps=10, hold=0.0, trail=Trail(width=2.0),
                  squares=Squares(show=False))
    return replace(base, **changes)
