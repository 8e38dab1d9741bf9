"""Learning rates that make a race worth watching, found by racing a few on the surface.

A rate too small barely moves the ball; one too large zig-zags off the map or blows up. For
each optimizer we run the engine from the surface's start with the rates of a ladder (1e-8,
3e-8 ... 30), largest first: rates whose ball diverges or leaves the plotted domain are
skipped, and of the rest we keep the *smallest* whose ball still gets within ``NEAR_BEST`` of
the best progress seen: calm enough to follow, fast enough to arrive. Progress is the fraction
of the drop from the start's loss to the lowest loss on the domain. No table to keep: a new
surface or optimizer gets its rates the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from race.engine import run_racer
from race.optimizers import OPTIMIZERS
from race.scene import Racer
from race.surfaces.base import Surface

LADDER = tuple(m * 10.0 ** e for e in range(-8, 2) for m in (1, 3))   # 1e-8, 3e-8 ... 30
NEAR_BEST = 0.9
GRID = 201   # points a side of the grid the domain's lowest loss is looked for on


@dataclass(frozen=True)
class Rate:
    """The rate chosen for one optimizer, and the progress it made (0 = none, 1 = all the
    way down to the domain's lowest loss) in the steps searched."""

    optimizer: str
    lr: float
    progress: float


def choose_rate(surface: Surface, optimizer: str, start: tuple[float, float],
                steps: int) -> Rate:
    """Going down the ladder from its largest rate: skip the rates that leave the map, then
    keep going down while the progress stays within NEAR_BEST of the best seen; the last such
    rate is the smallest that does almost as well as the best. (Rates that blow up end their
    run at once, so the large ones cost little.)"""
    floor = lowest_loss(surface)
    chosen, best = None, 0.0
    for lr in reversed(LADDER):
        progress = _progress(surface, optimizer, start, steps, lr, floor)
        if progress is None:
            if chosen is None:
                continue   # still too large
            break
        best = max(best, progress)
        if progress < NEAR_BEST * best:
            break
        chosen = Rate(optimizer, lr, progress)
    if chosen is None:
        raise ValueError(f"{optimizer} leaves the map of {surface.name} from {start} at every "
                         f"rate from {LADDER[0]:g} to {LADDER[-1]:g}")
    return chosen


def _progress(surface: Surface, optimizer: str, start, steps: int, lr: float,
              floor: float) -> float | None:
    """The fraction of the way down to ``floor`` the race gets, or None if it leaves the
    plotted domain (or diverges)."""
    racer = Racer(optimizer=optimizer, config=OPTIMIZERS[optimizer].config(lr=lr),
                  label=optimizer, color="k", starts=(start,))
    trajectory = run_racer(surface, racer, steps)
    path = trajectory.positions[:, 0, :]
    if trajectory.diverged_at[0] >= 0 or not surface.contains(path[:, 0], path[:, 1]).all():
        return None
    losses = trajectory.losses[:, 0]
    drop = losses[0] - floor
    progress = float((losses[0] - losses[-1]) / drop) if drop > 0 else 0.0
    return progress if np.isfinite(progress) else None


def lowest_loss(surface: Surface) -> float:
    """The lowest loss on the domain: on a grid, and at the listed minima."""
    xs = np.linspace(*surface.xlim, GRID)
    ys = np.linspace(*surface.ylim, GRID)
    x, y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        values = np.asarray(surface.value(x, y), dtype=np.float64)
        points = [float(surface.value(np.array([mx]), np.array([my]))[0])
                  for mx, my in surface.minima]
    candidates = np.concatenate([values[np.isfinite(values)], np.array(points)])
    return float(candidates.min())
