"""Run every racer of a scene together and record what happened.

All racer-starts of a scene share one (n, 2) array of points, so each step evaluates the
surface once for everybody (the cost that dominates a race); each racer then takes its own
optimizer step on its rows. A racer's learning rate follows its schedule, and with gradient
noise every racer sees the same noise at the same step and start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from race.optimizers import get_optimizer
from race.optimizers.base import Optimizer
from race.optimizers.terms import explainer
from race.scene import Racer, Scene
from race.schedules import group_of, retune, trace
from race.surfaces.base import Surface

# A ball further than this many domain-widths outside the plotting domain has left the race.
ESCAPE_MARGIN = 10.0
NOT_YET = -1


@dataclass(frozen=True)
class Explanation:
    """One start's updates taken apart in its rule's notation (``race.optimizers.terms``), as
    the optimizer computed them: row k of each array is update k, the one that moved
    positions[k-1] to positions[k]; row 0 (no update yet) and the rows of updates that were not
    taken (the start had stopped or diverged) are NaN."""

    start: int                       # which of the racer's starts
    notations: tuple[str, ...]       # mathtext, in the rule's order; Δθ last
    values: tuple[np.ndarray, ...]   # each (steps+1, 2) per axis, or (steps+1,) one number


@dataclass(frozen=True)
class Trajectory:
    """What one racer did, from every one of its starts.

    Row k of each array is the state after k updates (row 0 is the start); the last axis of
    2-wide arrays is (x, y); the middle axis runs over the racer's start points.
    """

    racer: Racer
    positions: np.ndarray        # (steps+1, n, 2)
    losses: np.ndarray           # (steps+1, n)
    gradients: np.ndarray        # (steps+1, n, 2) the surface's gradient at positions[k]
    accumulators: np.ndarray | None  # (steps+1, n, 2) accumulated g^2 after k updates, or None
    velocities: np.ndarray | None    # (steps+1, n, 2) momentum buffer / first moment, or None
    diverged_at: np.ndarray      # (n,) first step whose update left the race, or -1
    stopped_at: np.ndarray       # (n,) step at which the stop rule froze the ball, or -1
    # (steps+1,) the learning rate in the optimizer after k steps, which update k+1 uses (it
    # changes only with a schedule); None for an optimizer without an lr
    learning_rates: np.ndarray | None = None
    # the racer's updates in its rule's notation, when the scene explains it (render.explain)
    explanation: Explanation | None = None

    @property
    def steps(self) -> int:
        return self.positions.shape[0] - 1


@dataclass(frozen=True)
class Race:
    scene: Scene
    trajectories: tuple[Trajectory, ...]


def run(scene: Scene) -> Race:
    """Simulate every racer of ``scene`` for ``scene.steps`` steps, recording the updates of
    the racer ``render.explain`` names term by term."""
    return Race(scene, run_racers(scene.surface, scene.racers, scene.steps,
                                  scene.stop_tolerance, explained_index(scene)))


def explained_index(scene: Scene) -> int | None:
    """The index of the racer ``render.explain`` names, or None."""
    labels = [racer.label for racer in scene.racers]
    label = scene.render.explain
    return labels.index(label) if label in labels else None


def explanation_of(race: Race, index: int) -> Explanation:
    """Racer ``index``'s explanation: recorded by the run, or (for a race simulated before the
    scene asked for it) from running that racer again, which takes the same steps: racers never
    affect each other, and the gradient noise of a start does not depend on the others."""
    recorded = race.trajectories[index].explanation
    if recorded is not None:
        return recorded
    scene = race.scene
    again = run_racers(scene.surface, (scene.racers[index],), scene.steps,
                       scene.stop_tolerance, 0)[0]
    return again.explanation


def run_racer(surface: Surface, racer: Racer, steps: int,
              stop_tolerance: float | None = None) -> Trajectory:
    """Simulate one racer from all its starts at once."""
    return run_racers(surface, (racer,), steps, stop_tolerance)[0]


def optimizer_of(racer: Racer) -> Optimizer:
    """The racer's optimizer: its custom one (from the Python API), else the registry's."""
    return racer.custom if racer.custom is not None else get_optimizer(racer.optimizer)


def run_racers(surface: Surface, racers: tuple[Racer, ...] | list[Racer], steps: int,
               stop_tolerance: float | None = None,
               explained: int | None = None) -> tuple[Trajectory, ...]:
    """Simulate ``racers`` together, one surface evaluation per step for all their starts.

    A start whose next point is non-finite or far outside the domain is marked diverged at that
    step and frozen at its last good point; one whose gradient falls under ``stop_tolerance`` on
    both axes is frozen where it is. Frozen starts keep their state; the others go on.
    """
    lanes, offset = [], 0
    for index, racer in enumerate(racers):
        lanes.append(_Lane(racer, offset, steps, index == explained))
        offset = lanes[-1].rows.stop
    params = np.concatenate([lane.starts for lane in lanes])
    n = params.shape[0]
    positions = np.empty((steps + 1, n, 2))
    losses = np.empty((steps + 1, n))
    gradients = np.empty((steps + 1, n, 2))
    diverged_at = np.full(n, NOT_YET)
    stopped_at = np.full(n, NOT_YET)
    moving = np.ones(n, dtype=bool)
    noise = _Noise(lanes)

    loss, grad = _evaluate(surface, params)
    everyone = True          # no start frozen yet: the common case skips the masks
    for k in range(steps + 1):
        positions[k], losses[k], gradients[k] = params, loss, grad
        for lane in lanes:
            lane.record(k)
        if k == steps:
            break
        if stop_tolerance is not None:
            small = np.abs(grad) < stop_tolerance
            settled = moving & small[:, 0] & small[:, 1]
            if settled.any():
                stopped_at[settled] = k
                moving &= ~settled
                everyone = False
        if not everyone and not moving.any():
            _fill_frozen(k + 1, positions, losses, gradients)
            for lane in lanes:
                lane.fill_frozen(k + 1)
            break

        seen = noise.add(k, grad)
        if len(lanes) == 1:     # its rows are all rows, and some start of it moves
            new_params = lanes[0].step(k, params, seen)
        else:
            new_params = _step_lanes(k, lanes, params, seen, moving, everyone)
        new_loss, new_grad = _evaluate(surface, new_params)
        staying = _in_race(surface, new_params, new_loss, new_grad)
        if everyone and staying.all():
            params, loss, grad = new_params, new_loss, new_grad
            for lane in lanes:
                lane.settle(None)
            continue
        escaped = moving & ~staying
        diverged_at[escaped] = k + 1
        moving &= ~escaped
        everyone = False
        params = np.where(moving[:, None], new_params, params)
        loss = np.where(moving, new_loss, loss)
        grad = np.where(moving[:, None], new_grad, grad)
        for lane in lanes:
            lane.settle(moving[lane.rows])

    split = len(lanes) > 1    # one racer keeps the arrays themselves: no copy
    return tuple(
        Trajectory(lane.racer,
                   positions[:, lane.rows].copy() if split else positions,
                   losses[:, lane.rows].copy() if split else losses,
                   gradients[:, lane.rows].copy() if split else gradients,
                   lane.accumulators, lane.velocities,
                   diverged_at[lane.rows].copy(), stopped_at[lane.rows].copy(),
                   lane.learning_rates,
                   None if lane.terms is None else lane.terms.explanation())
        for lane in lanes)


def _step_lanes(k: int, lanes: list[_Lane], params: np.ndarray, seen: np.ndarray,
                moving: np.ndarray, everyone: bool) -> np.ndarray:
    """Each racer's update on its rows; a racer whose starts are all frozen stays put."""
    new_params = np.empty_like(params)
    for lane in lanes:
        if everyone or moving[lane.rows].any():
            new_params[lane.rows] = lane.step(k, params, seen)
        else:
            new_params[lane.rows] = params[lane.rows]
    return new_params


class _Lane:
    """One racer inside a run: its rows of the shared arrays, its optimizer, state and records.

    Mutable on purpose, and private to ``run_racers``: it holds the racer's state from one
    step to the next.
    """

    def __init__(self, racer: Racer, offset: int, steps: int, explained: bool = False) -> None:
        self.racer = racer
        self.starts = np.array(racer.starts, dtype=np.float64).reshape(-1, 2)
        self.rows = slice(offset, offset + self.starts.shape[0])
        self.optimizer = optimizer_of(racer)
        self.tuning = _Tuning(racer.config, racer.schedule, steps)
        self.state = self.optimizer.init(self.starts, self.tuning.config_at(0))
        self.new_state = self.state
        size = (steps + 1,) + self.starts.shape
        self.accumulators = None if self.optimizer.accumulator(self.state) is None \
            else np.empty(size)
        self.velocities = None if self.optimizer.velocity(self.state) is None \
            else np.empty(size)
        self.learning_rates = self.tuning.learning_rates()
        self.terms = _Terms(explainer(self.optimizer), steps) if explained else None

    def record(self, k: int) -> None:
        if self.accumulators is not None:
            self.accumulators[k] = self.optimizer.accumulator(self.state)
        if self.velocities is not None:
            self.velocities[k] = self.optimizer.velocity(self.state)

    def step(self, k: int, params: np.ndarray, grads: np.ndarray) -> np.ndarray:
        """Update k+1 from the shared arrays; the new state waits for ``settle``."""
        if self.terms is not None:
            new_params, self.new_state = self.terms.step(
                k, params[self.rows], grads[self.rows], self.state, self.tuning.config_at(k))
            return new_params
        new_params, self.new_state = self.optimizer.update(
            params[self.rows], grads[self.rows], self.state, self.tuning.config_at(k))
        return new_params

    def settle(self, moving: np.ndarray | None) -> None:
        """Keep the new state of the starts still moving (None: all are), the old one of
        those frozen."""
        if self.terms is not None:
            self.terms.settle(moving is None or bool(moving[0]))
        if self.new_state is self.state:      # no start of this racer moved this step
            return
        if moving is None or moving.all():
            self.state = self.new_state
        elif moving.any():
            self.state = _select_state(moving, self.new_state, self.state)
        self.new_state = self.state

    def fill_frozen(self, start: int) -> None:
        _fill_frozen(start, self.accumulators, self.velocities)


class _Terms:
    """The explained racer's updates, term by term, for its first start: each step's terms wait
    until the engine knows the start really moved (it may have diverged instead)."""

    def __init__(self, explain, steps: int) -> None:
        self.explain = explain
        self.steps = steps
        self.values: dict[str, np.ndarray] = {}     # notation -> values, in the rule's order
        self.pending: tuple[int, tuple] | None = None

    def step(self, k: int, params, grads, state, config):
        new_params, new_state, terms = self.explain(params, grads, state, config)
        self.pending = (k + 1, terms)
        return new_params, new_state

    def settle(self, moved: bool) -> None:
        if self.pending is not None and moved:
            row, terms = self.pending
            for term in terms:
                value = term.value
                first = np.asarray(value, dtype=np.float64)
                first = first[0] if first.ndim == 2 else first   # the first start's row
                if term.notation not in self.values:
                    self.values[term.notation] = np.full((self.steps + 1,) + first.shape,
                                                         np.nan)
                self.values[term.notation][row] = first
        self.pending = None

    def explanation(self) -> Explanation:
        return Explanation(0, tuple(self.values), tuple(self.values.values()))


class _Tuning:
    """A racer's hyperparameters step by step: its config, with the lr (and momentum) its
    schedule sets for each step, as torch's scheduler writes them into the param group."""

    def __init__(self, config, schedule, steps: int) -> None:
        self.config = config
        self.steps = steps
        self.trace = None if schedule is None else trace(schedule, group_of(config), steps)
        self._key: tuple | None = None
        self._tuned = config

    def config_at(self, k: int):
        if self.trace is None:
            return self.config
        lr = float(self.trace.lr[k])
        momentum = None if self.trace.momentum is None else float(self.trace.momentum[k])
        if (lr, momentum) != self._key:
            self._key, self._tuned = (lr, momentum), retune(self.config, lr, momentum)
        return self._tuned

    def learning_rates(self) -> np.ndarray | None:
        if self.trace is not None:
            return self.trace.lr
        lr = getattr(self.config, "lr", None)
        if not isinstance(lr, (int, float)) or isinstance(lr, bool):
            return None
        return np.full(self.steps + 1, float(lr))


class _Noise:
    """Gradient noise, the same for every racer with the same seed at the same step and start:
    step k's noise for start j is row j of ``default_rng([seed, k]).standard_normal((n, 2))``,
    whatever n is (numpy fills the rows in order)."""

    def __init__(self, lanes: list[_Lane]) -> None:
        self.lanes = [(lane.rows, lane.racer.gradient_noise) for lane in lanes
                      if lane.racer.gradient_noise is not None
                      and lane.racer.gradient_noise.std > 0]
        self.rows_per_seed: dict[int, int] = {}
        for rows, noise in self.lanes:
            count = rows.stop - rows.start
            self.rows_per_seed[noise.seed] = max(count, self.rows_per_seed.get(noise.seed, 0))

    def add(self, k: int, grad: np.ndarray) -> np.ndarray:
        """The gradients the optimizers see at step k: ``grad`` plus each racer's noise."""
        if not self.lanes:
            return grad
        draws = {seed: np.random.default_rng([seed, k]).standard_normal((count, 2))
                 for seed, count in self.rows_per_seed.items()}
        seen = grad.copy()
        for rows, noise in self.lanes:
            seen[rows] = grad[rows] + noise.std * draws[noise.seed][:rows.stop - rows.start]
        return seen


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
    """Take each start's new state where it is still moving and keep the old one elsewhere.

    States are NamedTuples or tuples (our optimizers'), dicts, or single arrays; arrays with
    one row per start are picked row by row, anything else is taken from the new state.
    """
    def pick(new, old):
        if isinstance(new, np.ndarray) and new.ndim and new.shape[0] == moving.shape[0]:
            mask = moving.reshape((-1,) + (1,) * (new.ndim - 1))
            return np.where(mask, new, old)
        return new

    if isinstance(new_state, dict):
        return {key: pick(value, old_state.get(key)) for key, value in new_state.items()}
    if isinstance(new_state, tuple):
        values = [pick(a, b) for a, b in zip(new_state, old_state)]
        return type(new_state)(*values) if hasattr(new_state, "_fields") \
            else type(new_state)(values)
    return pick(new_state, old_state)


def _fill_frozen(start: int, *arrays) -> None:
    for array in arrays:
        if array is not None:
            array[start:] = array[start - 1]
