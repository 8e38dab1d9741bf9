"""Automatic sizes for the overlays, chosen once per race from the whole run."""

from __future__ import annotations

import numpy as np

from race.engine import Race, Trajectory

# Automatic square scale: the biggest square (90th percentile over the run of the racer whose
# squares grow most) spans this fraction of the shorter side of the domain.
SQUARE_SPAN = 0.6
# Automatic arrow scale: the 90th-percentile arrow of a kind is this fraction of the domain.
ARROW_SPAN = 0.12


def live(trajectory: Trajectory, array: np.ndarray) -> np.ndarray:
    """``array`` (steps+1, n, ...) restricted to the steps each start was still in the race."""
    steps = array.shape[0]
    end = np.where(trajectory.diverged_at >= 0, trajectory.diverged_at, steps)
    keep = np.arange(steps)[:, None] < end[None, :]
    return array[keep]


def domain_span(race: Race) -> float:
    surface = race.scene.surface
    return float(min(surface.xlim[1] - surface.xlim[0], surface.ylim[1] - surface.ylim[0]))


def square_scale(race: Race) -> float:
    """Data units of square side per unit of sqrt(accumulated g^2).

    The scene's ``render.squares.scale`` if set; else chosen so the racer whose accumulator grows
    most gets squares of ``SQUARE_SPAN`` of the domain near the end of the run, and every other
    racer's squares are drawn to the same scale (so they compare honestly).
    """
    fixed = race.scene.render.squares.scale
    if fixed is not None:
        return float(fixed)
    reference = 0.0
    for trajectory in race.trajectories:
        if trajectory.accumulators is None:
            continue
        sides = np.sqrt(np.abs(live(trajectory, trajectory.accumulators))).max(axis=-1)
        sides = sides[np.isfinite(sides)]
        if sides.size:
            reference = max(reference, float(np.percentile(sides, 90)))
    if reference <= 0.0:
        return 0.0
    return SQUARE_SPAN * domain_span(race) / reference


def arrow_scale(race: Race, vectors: list[np.ndarray]) -> float:
    """Data units per unit of a vector kind: the scene's ``render.arrows.scale`` or automatic."""
    fixed = race.scene.render.arrows.scale
    if fixed is not None:
        return float(fixed)
    lengths = [np.linalg.norm(v, axis=-1).ravel() for v in vectors if v is not None]
    lengths = np.concatenate(lengths) if lengths else np.zeros(0)
    lengths = lengths[np.isfinite(lengths) & (lengths > 0)]
    if not lengths.size:
        return 0.0
    return ARROW_SPAN * domain_span(race) / float(np.percentile(lengths, 90))
