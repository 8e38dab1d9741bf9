import dataclasses

import numpy as np
import pytest

from race.engine import NOT_YET, run, run_racer, run_racers
from race.optimizers import OPTIMIZERS, get_optimizer
from race.optimizers.base import Optimizer
from race.scene import GradientNoise, Racer, Scene
from race.surfaces.base import Surface


def bowl() -> Surface:
    return Surface(name="bowl", formula="x^2 + y^2", value=lambda x, y: x**2 + y**2,
                   gradient=lambda x, y: (2 * x, 2 * y), xlim=(-2.0, 2.0), ylim=(-2.0, 2.0),
                   minima=((0.0, 0.0),))


def racer(name: str, starts, **hyper) -> Racer:
    optimizer = get_optimizer(name)
    return Racer(optimizer=name, config=optimizer.config(**hyper), label=name, color="k",
                 starts=tuple(starts))


def manual(surface: Surface, racer: Racer, steps: int) -> np.ndarray:
    """The plain loop the engine must agree with: one start, one update at a time."""
    optimizer = get_optimizer(racer.optimizer)
    params = np.array([racer.starts[0]], dtype=float)
    state = optimizer.init(params, racer.config)
    path = [params[0].copy()]
    for _ in range(steps):
        grad = np.stack(surface.gradient(params[:, 0], params[:, 1]), axis=1)
        params, state = optimizer.update(params, grad, state, racer.config)
        path.append(params[0].copy())
    return np.array(path)


def test_engine_follows_the_plain_update_loop_for_every_start():
    surface = bowl()
    starts = [(1.5, 1.5), (-1.0, 0.5), (0.3, -1.9)]
    r = racer("adagrad", starts, lr=0.05)
    trajectory = run_racer(surface, r, 50)
    assert trajectory.positions.shape == (51, 3, 2)
    for index, start in enumerate(starts):
        single = Racer(r.optimizer, r.config, r.label, r.color, (start,))
        np.testing.assert_array_equal(trajectory.positions[:, index], manual(surface, single, 50))


def test_losses_gradients_and_accumulators_are_recorded_per_step():
    surface = bowl()
    trajectory = run_racer(surface, racer("adagrad", [(1.5, 1.5)], lr=0.01), 10)
    p = trajectory.positions[:, 0]
    np.testing.assert_allclose(trajectory.losses[:, 0], (p**2).sum(axis=1))
    np.testing.assert_allclose(trajectory.gradients[:, 0], 2 * p)
    # Adagrad's sum of squared gradients: zero at the start, then the running sum.
    expected = np.concatenate([[[0.0, 0.0]], np.cumsum((2 * p[:-1]) ** 2, axis=0)])
    np.testing.assert_allclose(trajectory.accumulators[:, 0], expected)
    assert trajectory.velocities is None


def test_sgd_records_no_accumulator():
    trajectory = run_racer(bowl(), racer("sgd", [(1.0, 1.0)], lr=0.1), 5)
    assert trajectory.accumulators is None


def test_a_diverging_start_is_marked_and_frozen_while_the_others_go_on():
    # On x^2 + y^2, SGD multiplies the point by (1 - 2 lr) each step: lr = 1.5 triples it.
    surface = bowl()
    trajectory = run_racer(surface, racer("sgd", [(1.0, 1.0)], lr=1.5), 40)
    k = int(trajectory.diverged_at[0])
    assert k > 0
    # Frozen at its last good point: everything after the divergence repeats it.
    assert np.all(trajectory.positions[k:, 0] == trajectory.positions[k - 1, 0])
    assert np.all(np.isfinite(trajectory.positions))
    calm = run_racer(surface, racer("sgd", [(1.0, 1.0), (0.5, 0.5)], lr=0.1), 40)
    assert np.all(calm.diverged_at == NOT_YET)


def test_non_finite_gradients_mark_divergence_not_a_crash():
    def gradient(x, y):
        return np.where(x < 0.5, np.nan, 2 * x), 2 * y

    surface = Surface(name="hole", formula="", value=lambda x, y: x**2 + y**2, gradient=gradient,
                      xlim=(-2.0, 2.0), ylim=(-2.0, 2.0))
    trajectory = run_racer(surface, racer("sgd", [(1.0, 1.0), (1.9, 1.0)], lr=0.2), 10)
    # (1, 1) -> (0.6, 0.6) -> (0.36, ..) where the gradient turns NaN: diverged at step 2.
    assert trajectory.diverged_at[0] == 2
    assert np.all(np.isfinite(trajectory.positions))


def test_stop_rule_freezes_a_ball_whose_gradient_is_tiny():
    trajectory = run_racer(bowl(), racer("sgd", [(1.0, 1.0)], lr=0.1), 100, stop_tolerance=1e-2)
    k = int(trajectory.stopped_at[0])
    assert 0 < k < 100
    assert np.all(np.abs(trajectory.gradients[k, 0]) < 1e-2)
    assert not np.all(np.abs(trajectory.gradients[k - 1, 0]) < 1e-2)
    assert np.all(trajectory.positions[k:, 0] == trajectory.positions[k, 0])


def test_run_covers_every_racer_of_a_scene():
    surface = bowl()
    scene = Scene(name="t", title="t", surface=surface, steps=20,
                  racers=(racer("adagrad", [(1.5, 1.5)], lr=0.01),
                          racer("rmsprop", [(1.5, 1.5)], lr=0.001)))
    race = run(scene)
    assert [t.racer.optimizer for t in race.trajectories] == ["adagrad", "rmsprop"]
    assert all(t.steps == 20 for t in race.trajectories)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_runs_many_starts_at_once(name):
    grid = [(x, y) for x in np.linspace(-1.5, 1.5, 5) for y in np.linspace(-1.5, 1.5, 4)]
    trajectory = run_racer(bowl(), racer(name, grid), 30)
    assert trajectory.positions.shape == (31, 20, 2)
    assert np.all(np.isfinite(trajectory.positions))


# All racers together: one surface evaluation per step ----------------------------------------

def beale() -> Surface:
    from race.surfaces import SURFACES

    return SURFACES["beale"]


def mixed_racers() -> list[Racer]:
    """Racers of different rules, start counts, a diverging one and a stopping one."""
    return [racer("sgd", [(1.0, 1.5)], lr=1e-3),
            racer("adam", [(1.0, 1.5), (-1.0, 1.0), (2.0, -1.0)], lr=0.02),
            racer("sgd", [(1.0, 1.5), (-2.0, -2.0)], lr=0.05),       # leaves the race
            racer("momentum", [(1.0, 1.5)], lr=1e-3),
            racer("adagrad", [(0.5, 0.5)], lr=0.1)]


@pytest.mark.parametrize("stop", [None, 1e-2])
def test_racers_run_together_exactly_as_each_alone(stop):
    surface = beale()
    together = run_racers(surface, mixed_racers(), 300, stop)
    assert any((t.diverged_at >= 0).any() for t in together)
    for trajectory, r in zip(together, mixed_racers()):
        alone = run_racer(surface, r, 300, stop)
        for field in ("positions", "losses", "gradients", "accumulators", "velocities",
                      "diverged_at", "stopped_at", "learning_rates"):
            np.testing.assert_array_equal(getattr(trajectory, field), getattr(alone, field),
                                          err_msg=field)


def test_a_racer_whose_starts_all_stopped_waits_while_the_others_go_on():
    fast = racer("sgd", [(1.0, 1.0)], lr=0.4)       # settles on the bowl within a few steps
    slow = racer("sgd", [(1.0, 1.0)], lr=0.001)
    quick, crawl = run_racers(bowl(), [fast, slow], 200, stop_tolerance=1e-3)
    assert 0 < quick.stopped_at[0] < 50 and crawl.stopped_at[0] == NOT_YET
    k = int(quick.stopped_at[0])
    assert np.all(quick.positions[k:] == quick.positions[k])
    assert crawl.positions[-1, 0, 0] < crawl.positions[k, 0, 0]


# Schedules and learning rates ----------------------------------------------------------------

def test_a_schedule_sets_each_steps_learning_rate():
    from race.schedules import get_schedule

    step_lr = get_schedule("StepLR").config(step_size=5, gamma=0.5)
    r = dataclasses.replace(racer("sgd", [(1.0, 1.0)], lr=0.1), schedule=step_lr)
    trajectory = run_racer(bowl(), r, 12)
    expected = [0.1] * 5 + [0.05] * 5 + [0.025] * 3
    np.testing.assert_allclose(trajectory.learning_rates, expected, rtol=1e-15)
    # on x² + y² plain SGD multiplies the point by (1 - 2 lr) each step
    factors = trajectory.positions[1:, 0, 0] / trajectory.positions[:-1, 0, 0]
    np.testing.assert_allclose(factors, 1 - 2 * np.array(expected[:12]), rtol=1e-12)


def test_learning_rates_are_constant_without_a_schedule_and_absent_without_an_lr():
    trajectory = run_racer(bowl(), racer("adam", [(1.0, 1.0)], lr=0.02), 7)
    assert np.array_equal(trajectory.learning_rates, np.full(8, 0.02))
    no_lr = dataclasses.replace(racer("sgd", [(1.0, 1.0)]), config=NoLr(), custom=HALVING)
    assert run_racer(bowl(), no_lr, 3).learning_rates is None


# Gradient noise ------------------------------------------------------------------------------

def plane() -> Surface:
    """f = x + y: the gradient is (1, 1) everywhere, so SGD's step shows the noise itself."""
    return Surface(name="plane", formula="x + y", value=lambda x, y: x + y,
                   gradient=lambda x, y: (np.ones_like(x), np.ones_like(y)),
                   xlim=(-100.0, 100.0), ylim=(-100.0, 100.0))


def noisy(r: Racer, std: float, seed: int = 0) -> Racer:
    return dataclasses.replace(r, gradient_noise=GradientNoise(std=std, seed=seed))


def noise_seen(trajectory, lr: float, std: float) -> np.ndarray:
    """The standard normal draws SGD saw on the plane: θ' = θ - lr (1 + std z)."""
    step = np.diff(trajectory.positions, axis=0)
    return (-step / lr - 1.0) / std


def test_noise_is_the_documented_draw_per_step_start_and_axis():
    r = noisy(racer("sgd", [(0.0, 0.0), (1.0, 2.0), (3.0, -1.0)], lr=0.1), std=0.5, seed=7)
    z = noise_seen(run_racer(plane(), r, 20), 0.1, 0.5)
    expected = np.stack([np.random.default_rng([7, k]).standard_normal((3, 2))
                         for k in range(20)])
    np.testing.assert_allclose(z, expected, atol=1e-12)


def test_every_racer_sees_the_same_noise_at_the_same_step_and_start():
    one = noisy(racer("sgd", [(0.0, 0.0)], lr=0.1), std=0.5, seed=3)
    many = noisy(racer("sgd", [(5.0, 5.0), (1.0, 1.0), (2.0, 2.0)], lr=0.01), std=2.0, seed=3)
    other_seed = noisy(racer("sgd", [(0.0, 0.0)], lr=0.1), std=0.5, seed=4)
    a, b, c = run_racers(plane(), [one, many, other_seed], 30)
    za, zb, zc = noise_seen(a, 0.1, 0.5), noise_seen(b, 0.01, 2.0), noise_seen(c, 0.1, 0.5)
    np.testing.assert_allclose(za[:, 0], zb[:, 0], atol=1e-9)   # start 0 of each: the same
    assert not np.allclose(zb[:, 0], zb[:, 1])                  # starts differ
    assert not np.allclose(za, zc)                              # seeds differ
    assert np.abs(za).max() > 0.5


def test_noise_does_not_depend_on_the_scene_around_it():
    r = noisy(racer("adam", [(1.0, 1.5)], lr=0.05), std=3.0, seed=11)
    alone = run_racer(beale(), r, 100)
    crowded = run_racers(beale(), mixed_racers() + [r], 100)[-1]
    shorter = run_racer(beale(), r, 40)
    np.testing.assert_array_equal(crowded.positions, alone.positions)
    np.testing.assert_array_equal(shorter.positions, alone.positions[:41])
    np.testing.assert_array_equal(run_racer(beale(), r, 100).positions, alone.positions)
    clean = run_racer(beale(), dataclasses.replace(r, gradient_noise=None), 100)
    assert not np.allclose(clean.positions, alone.positions)
    np.testing.assert_array_equal(alone.gradients[0], clean.gradients[0])  # the surface's


def test_zero_noise_is_identical_to_none():
    r = racer("rmsprop", [(1.0, 1.5), (-1.0, 1.0)], lr=0.01)
    clean = run_racer(beale(), r, 200)
    zero = run_racer(beale(), noisy(r, std=0.0, seed=5), 200)
    for field in ("positions", "losses", "gradients", "accumulators"):
        np.testing.assert_array_equal(getattr(zero, field), getattr(clean, field))


# A custom optimizer's state and config -------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class NoLr:
    pass


def _halve_init(params, config):
    return {"steps": 0, "last": np.zeros_like(params)}


def _halve_update(params, grads, state, config):
    return params * 0.5, {"steps": state["steps"] + 1, "last": params}


HALVING = Optimizer("halving", NoLr, _halve_init, _halve_update, lambda s: None,
                    lambda s: None, "θ ← θ/2", "")


def test_an_optimizer_with_a_dict_state_races_while_some_starts_freeze():
    # the start at (0.001, 0.001) has a tiny gradient on the bowl: the stop rule freezes it
    r = dataclasses.replace(racer("sgd", [(1.0, 1.0), (1e-3, 1e-3)]), config=NoLr(),
                            custom=HALVING)
    trajectory = run_racer(bowl(), r, 5, stop_tolerance=1e-2)
    assert trajectory.stopped_at[1] == 0 and trajectory.stopped_at[0] == NOT_YET
    np.testing.assert_array_equal(trajectory.positions[:, 1], np.full((6, 2), 1e-3))
    np.testing.assert_allclose(trajectory.positions[:, 0, 0], 0.5 ** np.arange(6))


# -- the explained racer (render.explain) -----------------------------------------------------

def test_an_explained_racer_moves_as_it_would_unexplained_and_records_its_moves():
    surface = bowl()
    noise = GradientNoise(std=0.5, seed=3)
    racers = (racer("rmsprop", [(1.5, 1.0), (-1.0, 0.5)], lr=0.05),
              dataclasses.replace(racer("adagrad", [(1.5, 1.5)], lr=0.3), gradient_noise=noise),
              racer("nadam", [(0.5, -1.5)], lr=0.05))
    plain = run_racers(surface, racers, 60)
    for index in range(len(racers)):
        explained = run_racers(surface, racers, 60, explained=index)
        for a, b in zip(plain, explained):
            np.testing.assert_array_equal(a.positions, b.positions)
        record = explained[index].explanation
        assert all(t.explanation is None for i, t in enumerate(explained) if i != index)
        assert record.start == 0 and record.notations[-1].startswith(r"$\Delta\theta")
        moves = np.diff(explained[index].positions[:, 0], axis=0)
        np.testing.assert_array_equal(record.values[-1][1:], moves)   # Δθ is the move made
        assert np.isnan(record.values[-1][0]).all()                   # no update before t = 1
    # with noise, g is what the optimizer saw: the surface's gradient plus the noise
    g = run_racers(surface, racers, 60, explained=1)[1].explanation.values[1]
    clean = run_racers(surface, racers, 60)[1].gradients[:-1, 0]
    assert not np.allclose(g[1:], clean) and np.allclose(g[1:], clean, atol=3.0)


def test_updates_not_taken_are_not_explained():
    surface = bowl()
    stopping = run_racers(surface, (racer("sgd", [(1.0, 1.0)], lr=0.1),), 200,
                          stop_tolerance=0.01, explained=0)[0]
    stopped = int(stopping.stopped_at[0])
    step = stopping.explanation.values[-1]
    assert 0 < stopped < 200
    assert np.isfinite(step[1:stopped + 1]).all() and np.isnan(step[stopped + 1:]).all()
    diverging = run_racers(surface, (racer("sgd", [(1.0, 1.0)], lr=1.5),), 50, explained=0)[0]
    left = int(diverging.diverged_at[0])
    step = diverging.explanation.values[-1]
    assert 0 < left < 50
    assert np.isfinite(step[1:left]).all() and np.isnan(step[left:]).all()
    np.testing.assert_array_equal(step[1:left], np.diff(diverging.positions[:left, 0], axis=0))


def test_a_race_run_before_it_was_explained_is_explained_by_running_that_racer_again():
    import race
    from race.engine import explanation_of

    data = {"surface": "bowl", "start": [1.5, 1.5], "steps": 80,
            "gradient_noise": {"std": 0.3, "seed": 1},
            "racers": [{"optimizer": "adagrad", "lr": 0.05, "label": "A"},
                       {"optimizer": "adam", "lr": 0.05, "label": "B"}]}
    before = run(race.load(data))
    assert all(t.explanation is None for t in before.trajectories)
    after = run(race.load({**data, "render": {"explain": "B"}}))
    recorded = after.trajectories[1].explanation
    again = explanation_of(before, 1)
    assert again.notations == recorded.notations
    for ours, theirs in zip(again.values, recorded.values):
        np.testing.assert_array_equal(ours, theirs)
