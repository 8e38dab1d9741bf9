"""Automatic sizes for the overlays, and the value range the colours and heights span, chosen
once per race from the whole run or the sampled surface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from race.engine import Race, Trajectory

# Automatic square scale: the biggest square (90th percentile over the run of the racer whose
# squares grow most) spans this fraction of the shorter side of the domain.
SQUARE_SPAN = 0.6
# Automatic arrow scale: the 90th-percentile arrow of a kind is about this fraction of the
# domain; steps are drawn true to size when their 90th percentile is at least STEP_VISIBLE of it.
ARROW_SPAN = 0.12
STEP_VISIBLE = 0.03
# A log loss axis spans at most this many decades below its top, which is at most
# LOSS_HEADROOM decades above the highest starting loss.
LOSS_DECADES = 8
LOSS_HEADROOM = 1
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


def square_scale(race: Race, racers: Iterable[int] | None = None) -> float:
    """Data units of square side per unit of sqrt(accumulated g^2).

    The scene's ``render.squares.scale`` if set; else chosen so the racer whose accumulator grows
    most gets squares of ``SQUARE_SPAN`` of the domain near the end of the run, and every other
    racer's squares are drawn to the same scale (so they compare honestly). ``racers`` narrows
    that to some racers (``render.squares.per_racer`` asks for one scale per racer).
    """
    fixed = race.scene.render.squares.scale
    if fixed is not None:
        return float(fixed)
    chosen = range(len(race.trajectories)) if racers is None else racers
    reference = 0.0
    for index in chosen:
        trajectory = race.trajectories[index]
        if trajectory.accumulators is None:
            continue
        sides = np.sqrt(np.abs(live(trajectory, trajectory.accumulators))).max(axis=-1)
        sides = sides[np.isfinite(sides)]
        if sides.size:
            reference = max(reference, float(np.percentile(sides, 90)))
    if reference <= 0.0:
        return 0.0
    return SQUARE_SPAN * domain_span(race) / reference


def square_scales(race: Race) -> list[float]:
    """The square scale of each racer: one shared scale, or each its own when the scene asks."""
    if race.scene.render.squares.per_racer:
        return [square_scale(race, (i,)) for i in range(len(race.trajectories))]
    return [square_scale(race)] * len(race.trajectories)


@dataclass(frozen=True)
class ArrowScale:
    """How an arrow kind is drawn: data units per unit of the vector, and the legend's words."""

    kind: str       # "gradient", "step" or "momentum"
    factor: float   # arrow = vector x factor (0: nothing to draw)

    @property
    def label(self) -> str:
        return f"{ARROW_NAMES[self.kind]} ×{self.factor:g}"


ARROW_NAMES = {"gradient": "−∇f", "step": "step", "momentum": "momentum"}


def arrow_vectors(trajectory: Trajectory, kind: str) -> np.ndarray | None:
    """The vectors an arrow kind draws at every step, (steps+1, n, 2), pointing the way they push
    the ball: −∇f, the step about to be taken (zero at the last), the momentum (−buffer)."""
    if kind == "gradient":
        return -trajectory.gradients
    if kind == "step":
        steps = np.zeros_like(trajectory.positions)
        steps[:-1] = np.diff(trajectory.positions, axis=0)
        return steps
    return None if trajectory.velocities is None else -trajectory.velocities


def arrow_scales(race: Race) -> list[ArrowScale]:
    """The arrow kinds the scene asks for, each with one factor for every racer and view.

    The scene's ``render.arrows.scale`` if set. Else a round factor (1, 2 or 5 times a power of
    ten): steps are drawn true to size (x1) unless they are too short to see; −∇f and the
    momentum so their 90th-percentile arrow is about ``ARROW_SPAN`` of the domain.
    """
    arrows = race.scene.render.arrows
    result = []
    for kind in ("gradient", "step", "momentum"):
        if not getattr(arrows, kind):
            continue
        if arrows.scale is not None:
            result.append(ArrowScale(kind, float(arrows.scale)))
            continue
        vectors = [arrow_vectors(t, kind) for t in race.trajectories]
        lengths = [np.linalg.norm(live(t, v), axis=-1).ravel()
                   for t, v in zip(race.trajectories, vectors) if v is not None]
        lengths = np.concatenate(lengths) if lengths else np.zeros(0)
        lengths = lengths[np.isfinite(lengths) & (lengths > 0)]
        if not lengths.size:
            result.append(ArrowScale(kind, 0.0))
            continue
        typical = float(np.percentile(lengths, 90))
        span = domain_span(race)
        if kind == "step" and typical >= STEP_VISIBLE * span:
            result.append(ArrowScale(kind, 1.0))
        else:
            result.append(ArrowScale(kind, round_down(ARROW_SPAN * span / typical)))
    return result


def round_down(value: float) -> float:
    """The largest of 1, 2, 5 times a power of ten not above ``value``."""
    power = 10.0 ** np.floor(np.log10(value))
    for step in (5.0, 2.0, 1.0):
        if step * power <= value * (1 + 1e-9):
            return float(step * power)
    return float(power)


def inside_domain(origins: np.ndarray, vectors: np.ndarray, xlim, ylim) -> np.ndarray:
    """``vectors`` (n, 2) from ``origins`` (n, 2) shortened where needed so they end inside the
    domain (direction kept); zero for origins outside it or not finite."""
    lows, highs = np.array([xlim[0], ylim[0]]), np.array([xlim[1], ylim[1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(vectors > 0, (highs - origins) / vectors,
                        np.where(vectors < 0, (lows - origins) / vectors, np.inf))
    fraction = np.clip(np.nan_to_num(room.min(axis=-1), nan=0.0, posinf=1.0), 0.0, 1.0)
    inside = np.all((origins >= lows) & (origins <= highs), axis=-1)
    return np.where(inside[:, None], np.nan_to_num(vectors) * fraction[:, None], 0.0)


def loss_range(starts: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """(low, high) a log loss axis shows, from the racers' first losses ``starts`` and every
    loss ``values`` (positive, finite): the top no more than ``LOSS_HEADROOM`` decades over
    the highest start (a racer blowing up runs out of the top instead of squashing the rest),
    the bottom no more than ``LOSS_DECADES`` decades under the top (a racer that runs to
    1e-23 runs out of the bottom)."""
    high = min(float(values.max()), float(starts.max()) * 10.0 ** LOSS_HEADROOM)
    low = max(float(values.min()), high * 10.0 ** -LOSS_DECADES)
    return low, high


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
