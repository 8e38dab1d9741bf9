"""The numbers the player draws and shows, packed small: each racer's arrays at the steps the
frames show (not every simulated step), as little-endian float32 (int8 for the squares' sides)
in base64, about 5.3 characters a number.

Per racer, arrays of shape (shown, starts, ...): ``position``, ``loss``, ``gradient``, ``next``
(the step the optimizer takes from there, zero at the last step), ``accumulator`` (accumulated
g², for optimizers that keep one), ``sides`` (which way each square opens, the view's own
``downhill``), one array per arrow the map draws (as it draws them: times the factor, shortened
to end inside the map) and, under a schedule, the ``learning_rate``.

A frame's trail and loss line run through every simulated step, not only the shown ones: a
zigzag between two frames is part of the picture. So they also get the few in-between steps
that matter, ``trail_extra`` and ``loss_extra``: the points more than ``TOLERANCE`` pixels off
the polyline through the others (Ramer-Douglas-Peucker, measured in the panel's own pixels), so
a smooth path costs nothing and an oscillating one keeps every turn.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from race.draw.contour import downhill
from race.draw.scales import inside_domain
from race.engine import Race, Trajectory

TOLERANCE = 0.2    # pixels a dropped in-between point may be off the polyline drawn instead


def packed(values: np.ndarray, dtype: str = "<f4") -> str:
    """``values`` as base64 of their little-endian bytes; NaN stays NaN, infinities stay."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")


def shown_steps(frames: list[int]) -> list[int]:
    """The distinct steps ``frames`` show, in order."""
    return sorted(set(frames))


def frame_indices(frames: list[int], shown: list[int]) -> str:
    """Each frame as the index of its step in ``shown``, packed as uint32."""
    where = {step: i for i, step in enumerate(shown)}
    return packed(np.array([where[step] for step in frames]), "<u4")


def racer_tracks(trajectory: Trajectory, shown: list[int], *,
                 arrows: list[tuple[np.ndarray, float]] = (), domain=None,
                 squares: bool = False, trail=None, loss=None) -> dict[str, Any]:
    """One racer's arrays at ``shown`` steps; ``arrows`` are the map's arrows as (vectors of
    steps+1 rows, factor) over the map's ``domain`` (xlim, ylim), ``squares`` whether its
    squares are drawn; ``trail`` and ``loss`` the data-to-pixel transforms of the panels that
    draw its trail and its loss line, if any."""
    steps = np.asarray(shown)
    last = trajectory.positions.shape[0] - 1
    positions = trajectory.positions
    following = positions[np.minimum(steps + 1, last)] - positions[steps]
    tracks: dict[str, Any] = {
        "starts": int(positions.shape[1]),
        "diverged": trajectory.diverged_at.astype(int).tolist(),
        "position": packed(positions[steps]),
        "loss": packed(trajectory.losses[steps]),
        "gradient": packed(trajectory.gradients[steps]),
        "next": packed(following),
        "accumulator": None if trajectory.accumulators is None else
        packed(trajectory.accumulators[steps]),
        "sides": packed(downhill(trajectory.gradients)[steps], "<i1") if squares else None,
        "arrows": [packed(arrow_at(trajectory, steps, vectors, factor, domain))
                   for vectors, factor in arrows],
        "learning_rate": None if trajectory.learning_rates is None else
        packed(trajectory.learning_rates[steps]),
        "trail_extra": None, "loss_extra": None,
    }
    if trail is not None:
        pixels = trail.transform(positions.reshape(-1, 2)).reshape(positions.shape)
        tracks["trail_extra"] = extra_points(positions, kept(pixels, steps), steps)
    if loss is not None:
        losses = trajectory.losses
        curve = np.stack([np.broadcast_to(np.arange(last + 1)[:, None], losses.shape),
                          losses], axis=-1)
        with np.errstate(all="ignore"):
            pixels = loss.transform(curve.reshape(-1, 2)).reshape(curve.shape)
        tracks["loss_extra"] = extra_points(losses[..., None], kept(pixels, steps), steps)
    return tracks


def arrow_at(trajectory: Trajectory, steps: np.ndarray, vectors: np.ndarray, factor: float,
             domain) -> np.ndarray:
    """An arrow kind's vectors at ``steps`` as the map draws them: times the factor, shortened
    to end inside the domain, none for a ball out of the race (``scales.inside_domain``)."""
    xlim, ylim = domain
    drawn = np.empty((len(steps),) + vectors.shape[1:])
    for row, step in enumerate(steps):
        points = trajectory.positions[step]
        drawn[row] = inside_domain(points, vectors[min(step, vectors.shape[0] - 1)] * factor,
                                   xlim, ylim)
        gone = (trajectory.diverged_at >= 0) & (step >= trajectory.diverged_at)
        drawn[row][gone] = 0.0
    return drawn


def kept(pixels: np.ndarray, shown: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """Which steps of each start's polyline ``pixels`` (steps+1, starts, 2) to keep: the shown
    ones, every non-finite one (a break) and its neighbours, and then, run by run between kept
    steps, the point farthest off the chord while any is more than ``tolerance`` off;
    (steps+1, starts) bool."""
    count, starts = pixels.shape[:2]
    keep = np.zeros((count, starts), dtype=bool)
    keep[shown] = True
    keep[[0, -1]] = True
    breaks = ~np.isfinite(pixels).all(axis=-1)     # kept with their neighbours: both ends
    keep |= breaks
    keep[1:] |= breaks[:-1]
    keep[:-1] |= breaks[1:]
    order = np.arange(count)[:, None]
    columns = np.broadcast_to(np.arange(starts), (count, starts))
    while True:
        before = np.maximum.accumulate(np.where(keep, order, 0), axis=0)
        after = np.minimum.accumulate(np.where(keep, order, count - 1)[::-1], axis=0)[::-1]
        a, b = pixels[before, columns], pixels[after, columns]
        distance = off_chord(pixels, a, b)
        far = ~keep & (distance > tolerance)
        if not far.any():
            return keep
        rows, cols = np.nonzero(far)
        runs = before[rows, cols] * starts + cols
        # the farthest point of every run, together: a run splits in two each round
        order_in_run = np.lexsort((-distance[rows, cols], runs))
        firsts = order_in_run[np.r_[True, runs[order_in_run][1:] != runs[order_in_run][:-1]]]
        keep[rows[firsts], cols[firsts]] = True


def off_chord(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How far each point is from the segment a-b (pixels); NaN-safe (non-finite: 0)."""
    with np.errstate(all="ignore"):
        chord = b - a
        length = (chord ** 2).sum(axis=-1)
        along = np.where(length > 0, ((points - a) * chord).sum(axis=-1) / length, 0.0)
        nearest = a + np.clip(along, 0.0, 1.0)[..., None] * chord
        distance = np.sqrt(((points - nearest) ** 2).sum(axis=-1))
    return np.nan_to_num(distance, nan=0.0, posinf=0.0)


def extra_points(values: np.ndarray, keep: np.ndarray, shown: np.ndarray) -> dict[str, Any]:
    """The kept steps a frame does not show, start by start: how many each start has, their
    steps, and ``values`` (steps+1, starts, k) there (x, y or the loss)."""
    extra = keep.copy()
    extra[shown] = False
    starts, steps = np.nonzero(extra.T)   # start-major: one start's points together
    return {"counts": np.bincount(starts, minlength=extra.shape[1]).tolist(),
            "steps": packed(steps, "<u4"), "values": packed(values[steps, starts])}


def race_tracks(race: Race, shown: list[int], maps: dict[int, Any],
                loss_axes=None) -> list[dict]:
    """Every racer's tracks; ``maps`` maps a racer's index to (the contour view's artists for
    it, that view's axes) when a map shows it; ``loss_axes`` is the loss panel's, if any."""
    result = []
    for index, trajectory in enumerate(race.trajectories):
        artists, ax = maps.get(index, (None, None))
        arrows = [] if artists is None else [(vectors, scale)
                                             for _, vectors, scale in artists.arrows]
        surface = race.scene.surface
        result.append(racer_tracks(
            trajectory, shown, arrows=arrows, domain=(surface.xlim, surface.ylim),
            squares=artists is not None and bool(artists.squares),
            trail=ax.transData if artists is not None and artists.trails else None,
            loss=None if loss_axes is None else loss_axes.transData))
    return result
