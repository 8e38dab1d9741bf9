"""Schedules as pure functions: lr semantics, errors, caching, retuning a config.

Their numbers against torch's are in tests/optimizers/test_scheduled_parity.py, beside the
stored references.
"""

from __future__ import annotations

import pytest

from race.errors import HyperparameterError
from race.optimizers import get_optimizer
from race.schedules import SCHEDULES, Group, get_schedule, group_of, retune, trace


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
