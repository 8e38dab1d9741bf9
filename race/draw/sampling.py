"""Which racer-starts a frame draws: all of them up to ``MAX_DRAWN_STARTS`` (and up to
``MAX_DRAWN_SAMPLES`` trail points), else an even sample of each racer's starts, so a scene with
100,000 starts draws as fast as one with a few hundred (its every start is still simulated, and
written by ``race simulate``).
"""

from __future__ import annotations

import dataclasses
import numpy as np

from race.engine import Race, Trajectory

MAX_DRAWN_STARTS = 2_000      # over all racers; more than a frame can show apart anyway
MAX_DRAWN_SAMPLES = 2_000_000  # drawn starts x (steps + 1): what the trails cost to draw
PER_START = ("diverged_at", "stopped_at")   # (n,) arrays; per-step ones are (steps+1, n, ...)


def drawn(race: Race) -> Race:
    """``race`` with at most ``MAX_DRAWN_STARTS`` starts, each racer keeping its share, evenly
    spread over its starts; a thinned racer's label says how many of its starts are drawn."""
    total = sum(t.positions.shape[1] for t in race.trajectories)
    budget = min(MAX_DRAWN_STARTS, MAX_DRAWN_SAMPLES // (race.scene.steps + 1))
    if total <= budget:
        return race
    counts = [t.positions.shape[1] for t in race.trajectories]
    shares = fair_shares(counts, max(budget, len(counts)))
    kept = [thinned(t, np.unique(np.linspace(0, count - 1, share).round().astype(int)))
            for t, count, share in zip(race.trajectories, counts, shares)]
    return Race(race.scene, tuple(kept))


def fair_shares(counts: list[int], budget: int) -> list[int]:
    """How many starts each racer draws: racers with few keep them all, the rest split what
    is left equally (water-filling), each at least one."""
    shares = [0] * len(counts)
    left = budget
    order = sorted(range(len(counts)), key=counts.__getitem__)
    for place, index in enumerate(order):
        shares[index] = max(1, min(counts[index], left // (len(counts) - place)))
        left -= shares[index]
    return shares


def thinned(trajectory: Trajectory, keep: np.ndarray) -> Trajectory:
    count = trajectory.positions.shape[1]
    if keep.size == count:
        return trajectory
    changes = {}
    for field in dataclasses.fields(trajectory):
        value = getattr(trajectory, field.name)
        if not isinstance(value, np.ndarray):
            continue
        if field.name in PER_START:
            changes[field.name] = value[keep]
        elif value.ndim >= 2 and value.shape[1] == count:
            changes[field.name] = value[:, keep]     # (steps+1, n, ...); e.g. learning_rates
                                                      # (steps+1,) is the racer's, kept whole
    racer = trajectory.racer
    racer = dataclasses.replace(
        racer, starts=tuple(racer.starts[i] for i in keep),
        label=f"{racer.label} ({keep.size:,} of {count:,} starts drawn)")
    return dataclasses.replace(trajectory, racer=racer, **changes)
