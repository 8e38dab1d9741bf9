import numpy as np
import pytest

from race.engine import NOT_YET, run, run_racer
from race.optimizers import get_optimizer
from race.scene import Racer, Scene
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


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop",
                                  "adadelta", "adam", "adamw", "nadam", "radam"])
def test_every_optimizer_runs_many_starts_at_once(name):
    grid = [(x, y) for x in np.linspace(-1.5, 1.5, 5) for y in np.linspace(-1.5, 1.5, 4)]
    trajectory = run_racer(bowl(), racer(name, grid), 30)
    assert trajectory.positions.shape == (31, 20, 2)
    assert np.all(np.isfinite(trajectory.positions))
