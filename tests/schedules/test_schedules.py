"""Schedules against torch.optim.lr_scheduler's own numbers and messages (no torch needed).

The references in tests/optimizers/data/torch_reference.npz come from
tests/optimizers/make_torch_reference.py: schedules alone over many steps (``trace/...``), each
class's keyword defaults, and the errors torch's constructors (or stepping) raise.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from race.errors import HyperparameterError
from race.optimizers import get_optimizer
from race.schedules import SCHEDULES, Group, get_schedule, group_of, retune, trace

DATA = Path(__file__).parents[1] / "optimizers" / "data" / "torch_reference.npz"
REFERENCE = np.load(DATA)
META = json.loads(REFERENCE["meta"].tobytes())
TOLERANCE = 1e-13


def schedule_config(spec):
    name, kwargs = spec
    values = {}
    for key, value in kwargs.items():
        if key == "schedulers":
            value = tuple(schedule_config(child) for child in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[key] = value
    return get_schedule(name).config(**values)


def relative(ours, theirs) -> float:
    return float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-300)))


@pytest.mark.parametrize("case", META["traces"], ids=[t["id"] for t in META["traces"]])
def test_trace_matches_torch(case):
    config = get_optimizer(case["optimizer"]).config(**case["kwargs"])
    ours = trace(schedule_config(case["schedule"]), group_of(config), META["trace_steps"])
    prefix = f"trace/{case['id']}"
    assert ours.lr.shape == (META["trace_steps"] + 1,)
    assert relative(ours.lr, REFERENCE[f"{prefix}/lr"]) <= TOLERANCE
    if f"{prefix}/momentum" in REFERENCE:
        assert relative(ours.momentum, REFERENCE[f"{prefix}/momentum"]) <= TOLERANCE
    else:
        assert ours.momentum is None


@pytest.mark.parametrize("name", [s.name for s in SCHEDULES.values()])
def test_keywords_and_defaults_are_torchs(name):
    torch_defaults = META["schedule_defaults"][name]
    ours = {}
    for f in dataclasses.fields(get_schedule(name).config):
        default = "<required>" if f.default is dataclasses.MISSING else f.default
        ours[f.name] = list(default) if isinstance(default, tuple) else default
    assert ours == torch_defaults
    assert list(ours) == list(torch_defaults)   # and in torch's order


def _id(case) -> str:
    return f"{case['schedule'][0]}-{case['optimizer']}-{'.'.join(map(str, case['key']))}"


@pytest.mark.parametrize("case", META["invalid_schedules"],
                         ids=[_id(c) for c in META["invalid_schedules"]])
def test_bad_arguments_are_refused_as_torch_refuses_them(case):
    optimizer_config = get_optimizer(case["optimizer"]).config()
    with pytest.raises(HyperparameterError) as error:
        trace(schedule_config(case["schedule"]), group_of(optimizer_config), case["steps"])
    key = error.value.key if isinstance(error.value.key, tuple) else (error.value.key,)
    assert list(key) == case["key"]
    assert str(error.value) == case["message"]


def test_names_are_torchs_in_any_case():
    assert get_schedule("onecyclelr") is get_schedule("OneCycleLR") is SCHEDULES["onecyclelr"]
    with pytest.raises(KeyError, match="StepLR"):
        get_schedule("steplrr")


def test_lr_after_k_steps_is_what_update_k_plus_1_uses():
    # StepLR(step_size=2, gamma=0.5): torch's lr is 1 for steps 1-2, 0.5 for 3-4, ...
    config = get_schedule("StepLR").config(step_size=2, gamma=0.5)
    lrs = trace(config, Group(lr=1.0), 6).lr
    assert list(lrs) == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_division_by_zero_torch_would_hit_is_an_error_naming_the_key():
    config = get_schedule("ConstantLR").config(factor=0.0, total_iters=3)
    assert trace(config, Group(lr=1.0), 2).lr[-1] == 0.0      # before total_iters: fine
    with pytest.raises(HyperparameterError, match="division by zero") as error:
        trace(config, Group(lr=1.0), 3)
    assert error.value.key == "factor"


def test_traces_are_cached_and_read_only():
    config = get_schedule("ExponentialLR").config(gamma=0.9)
    first = trace(config, Group(lr=0.1), 50)
    assert trace(config, Group(lr=0.1), 50) is first
    with pytest.raises(ValueError):
        first.lr[3] = 1.0


def test_retune_sets_lr_and_momentum_or_beta1_without_checks():
    adam = get_optimizer("adam").config(lr=0.01, betas=(0.9, 0.99))
    tuned = retune(adam, -0.5, 0.8)       # torch writes into param_groups unchecked too
    assert (tuned.lr, tuned.betas) == (-0.5, (0.8, 0.99)) and adam.lr == 0.01
    sgd = retune(get_optimizer("sgd").config(momentum=0.9), 0.2, 0.85)
    assert (sgd.lr, sgd.momentum) == (0.2, 0.85)
    assert group_of(get_optimizer("adagrad").config()).momentum is None
