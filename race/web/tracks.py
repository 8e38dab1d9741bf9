"""The numbers the player draws and shows, packed small: each racer's arrays at the steps the
frames show (not every simulated step), as little-endian float32 (int8 for the squares' sides)
in base64, about 5.3 characters a number.

Per racer, arrays of shape (shown, starts, ...): ``position``, ``loss``, ``gradient``, ``next``
(the step the optimizer takes from there, zero at the last step), ``accumulator`` (accumulated
g², for optimizers that keep one), ``sides`` (which way each square opens, the view's own
``downhill``) and one array per arrow the map draws (the view's vectors times its scale).
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from race.draw.contour import downhill
from race.engine import Race, Trajectory


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


def racer_tracks(trajectory: Trajectory, shown: list[int],
                 arrows: list[tuple[np.ndarray, float]], squares: bool) -> dict[str, Any]:
    """One racer's arrays at ``shown`` steps; ``arrows`` are the map's arrows as (vectors of
    steps+1 rows, scale), ``squares`` whether its squares are drawn."""
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
        "arrows": [packed(np.nan_to_num(vectors[np.minimum(steps, vectors.shape[0] - 1)])
                          * scale) for vectors, scale in arrows],
    }
    return tracks


def race_tracks(race: Race, shown: list[int], map_racers: dict[int, Any]) -> list[dict]:
    """Every racer's tracks; ``map_racers`` maps a racer's index to the contour view's
    artists for it (its arrows and squares), when a map shows it."""
    result = []
    for index, trajectory in enumerate(race.trajectories):
        artists = map_racers.get(index)
        arrows = [] if artists is None else [(vectors, scale)
                                             for _, vectors, scale in artists.arrows]
        squares = artists is not None and bool(artists.squares)
        result.append(racer_tracks(trajectory, shown, arrows, squares))
    return result
