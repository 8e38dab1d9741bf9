"""Run every racer of a scene, vectorized over its start points, and record what happened."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from race.optimizers import get_optimizer
from race.scene import Racer, Scene
from race.surfaces.base import Surface

# A ball further than this many domain-widths outside the plotting domain has left the race.
ESCAPE_MARGIN = 10.0
NOT_YET = -1


@dataclass(frozen=True)
class Trajectory:
    """What one racer did, from every one of its starts.

    Row k of each array is the state after k updates (row 0 is the start); the last axis of
    2-wide arrays is (x, y); the middle axis runs over the racer's start points.
    """

    racer: Racer
    positions: np.ndarray        # (steps+1, n, 2)
    losses: np.ndarray           # (steps+1, n)
    gradients: np.ndarray        # (steps+1, n, 2) the gradient at positions[k]
    accumulators: np.ndarray | None  # (steps+1, n, 2) accumulated g^2 after k updates, or None
    velocities: np.ndarray | None    # (steps+1, n, 2) momentum buffer / first moment, or None
    diverged_at: np.ndarray      # (n,) first step whose update left the race, or -1
    stopped_at: np.ndarray       # (n,) step at which the stop rule froze the ball, or -1

    @property
    def steps(self) -> int:
        return self.positions.shape[0] - 1


@dataclass(frozen=True)
class Race:
    scene: Scene
    trajectories: tuple[Trajectory, ...]


def run(scene: Scene) -> Race:
    """Simulate every racer of ``scene`` for ``scene.steps`` steps."""
    trajectories = tuple(run_racer(scene.surface, racer, scene.steps, scene.stop_tolerance)
                         for racer in scene.racers)
    return Race(scene, trajectories)


def run_racer(surface: Surface, racer: Racer, steps: int,
              stop_tolerance: float | None = None) -> Trajectory:
    """Simulate one racer from all its starts at once.

    A start whose next point is non-finite or far outside the domain is marked diverged at that
    step and frozen at its last good point; one whose gradient falls under ``stop_tolerance`` on
    both axes is frozen where it is. Frozen starts keep their state; the others go on.
    """
    optimizer = get_optimizer(racer.optimizer)
    config = racer.config
    params = np.array(racer.starts, dtype=np.float64).reshape(-1, 2)
    n = params.shape[0]

    positions = np.empty((steps + 1, n, 2))
    losses = np.empty((steps + 1, n))
    gradients = np.empty((steps + 1, n, 2))
    state = optimizer.init(params, config)
    accumulator = optimizer.accumulator(state)
    velocity = optimizer.velocity(state)
    accumulators = None if accumulator is None else np.empty((steps + 1, n, 2))
    velocities = None if velocity is None else np.empty((steps + 1, n, 2))
    diverged_at = np.full(n, NOT_YET)
    stopped_at = np.full(n, NOT_YET)
    moving = np.ones(n, dtype=bool)

    loss, grad = _evaluate(surface, params)
    for k in range(steps + 1):
        positions[k], losses[k], gradients[k] = params, loss, grad
        if accumulators is not None:
            accumulators[k] = optimizer.accumulator(state)
        if velocities is not None:
            velocities[k] = optimizer.velocity(state)
        if k == steps:
            break
        if stop_tolerance is not None:
            small = np.abs(grad) < stop_tolerance
            settled = moving & small[:, 0] & small[:, 1]
            stopped_at[settled] = k
            moving &= ~settled
        if not moving.any():
            _fill_frozen(k + 1, positions, losses, gradients, accumulators, velocities)
            break

        new_params, new_state = optimizer.update(params, grad, state, config)
        new_loss, new_grad = _evaluate(surface, new_params)
        escaped = moving & ~_in_race(surface, new_params, new_loss, new_grad)
        diverged_at[escaped] = k + 1
        moving &= ~escaped
        if moving.all():
            params, state, loss, grad = new_params, new_state, new_loss, new_grad
        else:
            params = np.where(moving[:, None], new_params, params)
            loss = np.where(moving, new_loss, loss)
            grad = np.where(moving[:, None], new_grad, grad)
            state = _select_state(moving, new_state, state)

    return Trajectory(racer, positions, losses, gradients, accumulators, velocities,
                      diverged_at, stopped_at)


def _evaluate(surface: Surface, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = params[:, 0], params[:, 1]
    grad = np.empty_like(params)
    with np.errstate(all="ignore"):
        loss = np.broadcast_to(np.asarray(surface.value(x, y), dtype=np.float64), x.shape)
        grad[:, 0], grad[:, 1] = surface.gradient(x, y)
    return loss, grad


def _in_race(surface: Surface, params: np.ndarray, loss: np.ndarray,
             grad: np.ndarray) -> np.ndarray:
    """Finite value and gradient, and not far outside the domain (NaN is never contained)."""
    with np.errstate(invalid="ignore"):
        return (np.isfinite(loss + grad[:, 0] + grad[:, 1])
                & surface.contains(params[:, 0], params[:, 1], ESCAPE_MARGIN))


def _select_state(moving: np.ndarray, new_state, old_state):
    """Take each start's new state where it is still moving and keep the old one elsewhere."""
    def pick(new, old):
        if isinstance(new, np.ndarray) and new.ndim and new.shape[0] == moving.shape[0]:
            mask = moving.reshape((-1,) + (1,) * (new.ndim - 1))
            return np.where(mask, new, old)
        return new
    return type(new_state)(*(pick(a, b) for a, b in zip(new_state, old_state)))


def _fill_frozen(start: int, *arrays) -> None:
    for array in arrays:
        if array is not None:
            array[start:] = array[start - 1]
