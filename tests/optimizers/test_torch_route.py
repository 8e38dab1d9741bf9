"""Your own torch.optim.Optimizer subclass in a race: stepped by torch, in float64, one tensor
per start. Skipped without torch (pip install torch==2.13.0 to run them)."""

from __future__ import annotations

import numpy as np
import pytest

import race
from race.errors import SceneError

torch = pytest.importorskip("torch", reason="torch is not installed: these tests step torch "
                                            "optimizers (pip install torch==2.13.0)")


class SignMomentum(torch.optim.Optimizer):
    """Sign of a momentum buffer: b ← βb + g, θ ← θ - lr·sign(b)."""

    def __init__(self, params, lr=0.01, beta=0.9):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta: {beta}")
        super().__init__(params, {"lr": lr, "beta": beta})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                if "buffer" not in state:
                    state["buffer"] = torch.zeros_like(p)
                state["buffer"].mul_(group["beta"]).add_(p.grad)
                p.add_(state["buffer"].sign(), alpha=-group["lr"])


def numpy_sign_momentum(surface, starts, lr, beta, steps):
    p = np.array(starts, dtype=float)
    b = np.zeros_like(p)
    path = [p]
    for _ in range(steps):
        g = np.stack(surface.gradient(p[:, 0], p[:, 1]), axis=1)
        b = b * beta + g
        p = p - lr * np.sign(b)
        path.append(p)
    return np.stack(path), b


def test_a_small_custom_torch_optimizer_races():
    mine = race.torch_optimizer(SignMomentum, velocity="buffer")
    starts = [[1.0, 1.5], [-1.0, 1.0]]
    scene = race.load({"surface": "beale", "steps": 60, "racers": [
        {"optimizer": "signmomentum", "lr": 0.02, "beta": 0.8, "starts": starts}]},
        optimizers=[mine])
    trajectory = race.simulate(scene).trajectories[0]
    positions, buffer = numpy_sign_momentum(scene.surface, starts, 0.02, 0.8, 60)
    np.testing.assert_allclose(trajectory.positions, positions, rtol=0, atol=1e-12)
    np.testing.assert_allclose(trajectory.velocities[-1], buffer, rtol=1e-12)
    assert trajectory.positions.dtype == np.float64
    assert mine.torch_name == "SignMomentum" and mine.name == "signmomentum"


def test_torchs_adam_through_the_route_is_our_adam():
    wrapped = race.torch_optimizer(torch.optim.Adam, accumulator="exp_avg_sq",
                                   velocity="exp_avg")
    assert wrapped.name == "torch-adam"
    scene = race.load({"surface": "rosenbrock", "steps": 200, "racers": [
        {"optimizer": "torch-adam", "lr": 0.05, "amsgrad": True},
        {"optimizer": "adam", "lr": 0.05, "amsgrad": True}]}, optimizers=[wrapped])
    theirs, ours = race.simulate(scene).trajectories
    np.testing.assert_allclose(theirs.positions, ours.positions, rtol=0, atol=1e-9)
    # torch keeps v; our amsgrad accumulator is its running max, so compare before it bites
    np.testing.assert_allclose(theirs.accumulators[:2], ours.accumulators[:2], rtol=1e-12)


def test_each_start_is_its_own_tensor():
    # Adafactor scales each step by the tensor's own norm: three starts in one tensor would
    # move differently from three tensors.
    wrapped = race.torch_optimizer(torch.optim.Adafactor, accumulator="variance")
    starts = [[1.0, 1.5], [-2.0, 2.0], [3.0, -1.0]]
    scene = race.load({"surface": "beale", "steps": 100, "racers": [
        {"optimizer": "torch-adafactor", "starts": starts},
        {"optimizer": "adafactor", "starts": starts}]}, optimizers=[wrapped])
    theirs, ours = race.simulate(scene).trajectories
    np.testing.assert_allclose(theirs.positions, ours.positions, rtol=0, atol=1e-9)
    np.testing.assert_allclose(theirs.accumulators, ours.accumulators, rtol=1e-9)


def test_a_schedule_reaches_torchs_param_group():
    scene = race.load({"surface": "beale", "steps": 150, "racers": [
        {"optimizer": torch.optim.SGD, "lr": 0.001, "momentum": 0.9,
         "schedule": {"name": "OneCycleLR", "max_lr": 0.003, "total_steps": 150}},
        {"optimizer": "momentum", "lr": 0.001,
         "schedule": {"name": "OneCycleLR", "max_lr": 0.003, "total_steps": 150}}]})
    theirs, ours = race.simulate(scene).trajectories
    np.testing.assert_array_equal(theirs.learning_rates, ours.learning_rates)
    np.testing.assert_allclose(theirs.positions, ours.positions, rtol=0, atol=1e-9)


def test_torchs_own_message_for_a_bad_hyperparameter():
    with pytest.raises(SceneError, match=r"racers\[0\]\.beta: Invalid beta: 1.5"):
        race.load({"surface": "bowl", "racers": [{"optimizer": SignMomentum, "beta": 1.5}]})
    with pytest.raises(SceneError, match=r"racers\[0\]\.lr: Invalid learning rate: -1.0"):
        race.load({"surface": "bowl", "racers": [{"optimizer": torch.optim.Adam, "lr": -1}]})


def test_the_callers_default_dtype_is_left_alone():
    before = torch.get_default_dtype()
    scene = race.load({"surface": "bowl", "steps": 3, "racers": [{"optimizer": SignMomentum}]})
    race.simulate(scene)
    assert torch.get_default_dtype() == before


def test_only_optimizer_subclasses_are_accepted():
    with pytest.raises(race.errors.RaceError, match="expected a torch.optim.Optimizer"):
        race.torch_optimizer(dict)
