"""Automatic sizes for the overlays, and the value range the colours and heights span, chosen
once per race from the whole run or the sampled surface."""

from __future__ import annotations

import numpy as np

from race.engine import Race, Trajectory

# Automatic square scale: the biggest square (90th percentile over the run of the racer whose
# squares grow most) spans this fraction of the shorter side of the domain.
SQUARE_SPAN = 0.6
# Automatic arrow scale: the 90th-percentile arrow of a kind is this fraction of the domain.
ARROW_SPAN = 0.12
# A pole between two samples shows as one neighbour-to-neighbour jump this large a fraction of
# the whole range; the range is then cut to Tukey's far fences, this many IQRs past the quartiles.
UNRESOLVED_JUMP = 0.5
FENCE_IQRS = 3.0


# Sampled surface values beyond this magnitude are drawn as if at it: differences and squares of
# the values (colour ranges, shading normals) then stay finite in float64. Infinities stay
# infinite (they are singularities, see value_range).
DRAWABLE = 1e150


def drawable(values: np.ndarray) -> np.ndarray:
    """``values`` with finite magnitudes over ``DRAWABLE`` brought down to it."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        huge = np.isfinite(values) & (np.abs(values) > DRAWABLE)
    return np.where(huge, np.copysign(DRAWABLE, values), values) if huge.any() else values


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


def value_range(values: np.ndarray) -> tuple[float, float]:
    """(low, high) for the colour scale or the box heights of a surface sampled on a 2D grid
    (NaN where it is undefined, +-inf where a sample hit a singularity).

    The finite values' range, unless a sample is infinite or neighbouring samples jump by more
    than ``UNRESOLVED_JUMP`` of the range: then a singularity (1/x, tan x) sits on or between
    samples, its few huge values would squeeze everything else into one colour, and the range
    is cut to the far fences (samples beyond are drawn in the end colours). Smooth surfaces,
    however steep, are never cut.
    """
    grid = np.asarray(values, dtype=np.float64)
    finite = grid[np.isfinite(grid)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    if not high > low:
        return low, low + 1.0
    with np.errstate(invalid="ignore"):
        jumps = [np.abs(np.diff(grid, axis=axis)) for axis in range(grid.ndim)]
    jump = max((float(j[np.isfinite(j)].max()) for j in jumps if np.isfinite(j).any()),
               default=0.0)
    if not np.isinf(grid).any() and jump <= UNRESOLVED_JUMP * (high - low):
        return low, high
    q1, q3 = np.percentile(finite, [25, 75])
    reach = FENCE_IQRS * max(float(q3 - q1), 1e-12 * (high - low))
    return max(low, float(q1) - reach), min(high, float(q3) + reach)
