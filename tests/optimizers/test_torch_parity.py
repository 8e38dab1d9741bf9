"""Our optimizers against torch.optim's own numbers.

The references in data/torch_reference.npz come from make_torch_reference.py (torch 2.x, float64);
torch itself is not needed here. Each run is replayed with the same analytic gradients.
"""

from __future__ import annotations

import copy
import json
import math
import typing
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from parity_surfaces import GRADIENTS
from race.errors import HyperparameterError
from race.optimizers import OPTIMIZERS, get_optimizer

REFERENCE = np.load(Path(__file__).parent / "data" / "torch_reference.npz")
META = json.loads(REFERENCE["meta"].tobytes())
RUNS = {run["id"]: run for run in META["runs"] if run["schedule"] is None}  # scheduled runs:
# test_scheduled_parity.py
TOLERANCE = 1e-9  # on |ours - torch| / max(1, |torch|)


def make_config(name: str, kwargs: dict):
    return get_optimizer(name).config(**{k: tuple(v) if isinstance(v, list) else v
                                         for k, v in kwargs.items()})


def replay(name: str, kwargs: dict, surface: str, starts, steps: int):
    """Positions, accumulators and velocities after 0..steps updates, each (steps+1, n, 2).

    The latter two are None for optimizers that keep none. Runs that maximize are fed -∇f, as
    the generator fed torch.
    """
    optimizer, config = get_optimizer(name), make_config(name, kwargs)
    sign = -1.0 if kwargs.get("maximize") else 1.0
    params = np.array(starts, dtype=np.float64)
    state = optimizer.init(params, config)
    records = ([params], [optimizer.accumulator(state)], [optimizer.velocity(state)])
    for _ in range(steps):
        params, state = optimizer.update(params, sign * GRADIENTS[surface](params), state, config)
        for record, value in zip(records, (params, optimizer.accumulator(state),
                                           optimizer.velocity(state))):
            record.append(value)
    return tuple(None if record[0] is None else np.stack(record) for record in records)


def deviation(ours: np.ndarray, theirs: np.ndarray) -> float:
    assert ours.shape == theirs.shape
    return float(np.max(np.abs(ours - theirs) / np.maximum(1.0, np.abs(theirs))))


@pytest.mark.parametrize("run_id", list(RUNS))
def test_trajectory_and_state_match_torch(run_id):
    run = RUNS[run_id]
    positions, accumulators, velocities = replay(run["optimizer"], run["kwargs"],
                                                 run["surface"], run["starts"], META["steps"])
    assert deviation(positions, REFERENCE[f"{run_id}/positions"]) <= TOLERANCE

    recorded = np.array(META["record_steps"])
    torch_name = get_optimizer(run["optimizer"]).torch_name
    if f"{run_id}/accumulator" in REFERENCE:
        theirs = REFERENCE[f"{run_id}/accumulator"]
        if torch_name == "Adamax":  # torch keeps u = exp_inf; we expose u², like Adam's v
            theirs = theirs * theirs
        assert deviation(accumulators[recorded], theirs) <= TOLERANCE
    else:
        assert accumulators is None
    if f"{run_id}/velocity" in REFERENCE:
        theirs = REFERENCE[f"{run_id}/velocity"]
        assert deviation(velocities[recorded], theirs) <= TOLERANCE
    else:
        assert velocities is None


def test_the_references_cover_every_optimizer_and_surface():
    assert {run["optimizer"] for run in RUNS.values()} == set(OPTIMIZERS)
    for name in OPTIMIZERS:
        surfaces = {run["surface"] for run in RUNS.values() if run["optimizer"] == name}
        assert {"rosenbrock", "beale"} <= surfaces


# The article's scene: Adagrad (lr 1e-2) and RMSprop (lr 1e-3, alpha 0.99) from (1.5, 1.5) on
# the bowl take the same first step, 0.01 per axis, and then part.

def test_article_scene_first_steps_equal_then_part():
    adagrad = replay("adagrad", {"lr": 1e-2}, "bowl", [(1.5, 1.5)], META["steps"])[0][:, 0]
    rmsprop = replay("rmsprop", {"lr": 1e-3, "alpha": 0.99}, "bowl", [(1.5, 1.5)],
                     META["steps"])[0][:, 0]
    np.testing.assert_allclose(adagrad[1], [1.49, 1.49], rtol=0, atol=1e-9)
    np.testing.assert_allclose(rmsprop[1], [1.49, 1.49], rtol=0, atol=1e-9)
    gap = np.abs(adagrad - rmsprop)[:, 0]
    assert gap[2] > 1e-6
    assert np.all(np.diff(gap[1:]) > 0)  # once apart, they only drift further
    assert gap[-1] > 0.01
    assert deviation(adagrad, REFERENCE["article-adagrad/positions"][:, 0]) <= TOLERANCE
    assert deviation(rmsprop, REFERENCE["article-rmsprop/positions"][:, 0]) <= TOLERANCE


# Configs: torch's names, torch's defaults, torch's errors ---------------------------------------

@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_defaults_are_torchs(name):
    optimizer = OPTIMIZERS[name]
    registry = META["registry"][name]
    assert optimizer.torch_name == registry["torch_name"]
    torch_defaults = {**META["defaults"][registry["torch_name"]], **registry["overrides"]}
    ours = {k: list(v) if isinstance(v, tuple) else v for k, v in optimizer.defaults.items()}
    assert ours == torch_defaults
    assert list(ours) == list(torch_defaults)  # and in torch's order


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_config_fields_have_concrete_types(name):
    config = OPTIMIZERS[name].config
    hints = typing.get_type_hints(config)
    for f in fields(config):
        hint = hints[f.name]
        if hint == tuple[float, float]:
            assert len(f.default) == 2 and all(type(v) is float for v in f.default)
        elif hint == tuple[float | None, float]:   # Adafactor's eps: None = machine epsilon
            assert f.default[0] is None and type(f.default[1]) is float
        else:
            assert hint in (float, bool, int) and type(f.default) is hint, f.name


@pytest.mark.parametrize("case", META["invalid"],
                         ids=[f"{c['optimizer']}-{c['kwargs']}" for c in META["invalid"]])
def test_bad_hyperparameters_are_refused_as_torch_refuses_them(case):
    with pytest.raises(HyperparameterError) as error:
        make_config(case["optimizer"], case["kwargs"])
    assert error.value.key == case["key"]
    assert str(error.value) == case["message"]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_nan_learning_rate_is_refused(name):
    # torch's Adagrad, Adam, ... refuse lr=nan; torch's SGD checks `lr < 0` and lets it through.
    # We refuse it everywhere: a NaN lr only ever draws an empty race.
    wording = "^(Invalid learning rate: nan|Learning rate should be >= 0 but is: nan)$"
    with pytest.raises(HyperparameterError, match=wording) as error:
        OPTIMIZERS[name].config(lr=math.nan)
    assert error.value.key == "lr"


def test_configs_are_frozen():
    config = OPTIMIZERS["adam"].config()
    with pytest.raises(AttributeError):
        config.lr = 1.0


def test_registry():
    assert list(OPTIMIZERS) == ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta",
                                "adam", "adamw", "nadam", "radam", "adamax", "rprop", "asgd",
                                "adafactor"]
    assert all(OPTIMIZERS[name].name == name and get_optimizer(name) is OPTIMIZERS[name]
               for name in OPTIMIZERS)
    with pytest.raises(KeyError, match="adamm"):
        get_optimizer("adamm")


# Purity and vectorization --------------------------------------------------------------------

# Settings that bring every piece of state into play.
FULL = [
    ("sgd", {"lr": 1e-4, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.1}),
    ("sgd", {"lr": 1e-4}),
    ("momentum", {"lr": 1e-4, "maximize": True}),
    ("nesterov", {"lr": 1e-4, "weight_decay": 0.1}),
    ("adagrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.1, "weight_decay": 0.1}),
    ("rmsprop", {"momentum": 0.5, "centered": True, "weight_decay": 0.1}),
    ("rmsprop", {}),
    ("adadelta", {"weight_decay": 0.1, "maximize": True}),
    ("adam", {"amsgrad": True, "weight_decay": 0.1}),
    ("adam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("adamw", {"amsgrad": True}),
    ("nadam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("radam", {"weight_decay": 0.1}),
    ("adamax", {"weight_decay": 0.1}),
    ("rprop", {"lr": 1e-3, "maximize": True}),
    ("asgd", {"lr": 1e-4, "weight_decay": 0.1, "t0": 1.0}),
    ("adafactor", {"weight_decay": 0.1, "eps": (1e-12, 1e-2)}),
]
FULL_IDS = [f"{name}-{kwargs}" for name, kwargs in FULL]


def _frozen(value):
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.setflags(write=False)
    return value


@pytest.mark.parametrize("name, kwargs", FULL, ids=FULL_IDS)
def test_update_is_pure(name, kwargs):
    optimizer, config = get_optimizer(name), make_config(name, kwargs)
    params = np.array([[-1.5, 2.0], [0.5, -0.5], [1.0, 1.0]])
    state = optimizer.init(params, config)
    for _ in range(3):  # past the first step, whose momentum rule differs
        params, state = optimizer.update(params, GRADIENTS["rosenbrock"](params), state, config)
    grads = GRADIENTS["rosenbrock"](params)
    params, grads = _frozen(params), _frozen(grads)  # writing into an input would raise
    state = type(state)(*(_frozen(v) for v in state))
    before = copy.deepcopy((params, grads, state))
    new_params, new_state = optimizer.update(params, grads, state, config)
    for old, kept in zip(before, (params, grads, state)):
        np.testing.assert_equal(kept, old)
    assert not np.shares_memory(new_params, params)
    assert not np.array_equal(new_params, params)
    again = optimizer.update(params, grads, state, config)
    np.testing.assert_equal(again, (new_params, new_state))


@pytest.mark.parametrize("name, kwargs", FULL, ids=FULL_IDS)
def test_n_starts_at_once_equal_n_separate_runs(name, kwargs):
    starts = np.random.default_rng(7).uniform([-1.5, -0.5], [1.5, 2.0], size=(6, 2))
    together = replay(name, kwargs, "rosenbrock", starts, 50)
    alone = [replay(name, kwargs, "rosenbrock", starts[i:i + 1], 50) for i in range(len(starts))]
    for k, record in enumerate(together):
        if record is None:
            assert all(a[k] is None for a in alone)
        else:
            assert np.isfinite(record).all()
            np.testing.assert_array_equal(record, np.concatenate([a[k] for a in alone], axis=1))


@pytest.mark.parametrize("name, kwargs", FULL, ids=FULL_IDS)
def test_state_arrays_are_shaped_like_params(name, kwargs):
    optimizer, config = get_optimizer(name), make_config(name, kwargs)
    params = np.zeros((5, 2))
    state = optimizer.init(params, config)
    for view in (optimizer.accumulator(state), optimizer.velocity(state)):
        assert view is None or (view.shape == (5, 2) and view.dtype == np.float64)
    for value in state:
        assert not isinstance(value, np.ndarray) or value.shape == (5, 2)
