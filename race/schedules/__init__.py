"""Learning-rate schedules: ``torch.optim.lr_scheduler`` classes as pure functions.

A racer's ``schedule`` is one of the configs here (``StepLRConfig(step_size=30)``, ...).
``trace(config, group, steps)`` gives the learning rate (and the cycled momentum) torch's
scheduler would leave in the optimizer after 0, 1, ..., steps calls of ``scheduler.step()``,
one per optimizer step, as in a per-iteration training loop.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, NamedTuple

import numpy as np

from race.schedules import cosine, cyclic, decay, sequential
from race.schedules.base import Group, Schedule, ScheduleConfig, zero_division


def _schedule_of(config: Any) -> Schedule:
    try:
        return BY_CONFIG[type(config)]
    except KeyError:
        raise TypeError(f"not a schedule config: {config!r}") from None


SCHEDULES: dict[str, Schedule] = {s.name.lower(): s for s in (
    decay.STEP_LR, decay.MULTI_STEP_LR, decay.CONSTANT_LR, decay.LINEAR_LR,
    decay.EXPONENTIAL_LR, decay.POLYNOMIAL_LR, cosine.COSINE_ANNEALING_LR,
    cosine.COSINE_ANNEALING_WARM_RESTARTS, cyclic.CYCLIC_LR, cyclic.ONE_CYCLE_LR,
    sequential.make(_schedule_of),
)}
BY_CONFIG: dict[type, Schedule] = {s.config: s for s in SCHEDULES.values()}


def get_schedule(name: str) -> Schedule:
    """The schedule named ``name`` (torch's class name, any case); KeyError if none."""
    try:
        return SCHEDULES[name.lower()]
    except KeyError:
        raise KeyError(f"unknown schedule {name!r}; known: "
                       f"{', '.join(s.name for s in SCHEDULES.values())}") from None


class Trace(NamedTuple):
    """What the scheduler leaves in the optimizer after k steps, k = 0..steps: ``lr[k]`` and
    ``momentum[k]`` are the values the optimizer's step k+1 uses. ``momentum`` is None unless
    the schedule cycles it (the optimizer's momentum, or betas[0])."""

    lr: np.ndarray
    momentum: np.ndarray | None


def group_of(config: Any) -> Group:
    """The param group torch builds from an optimizer config: its lr, and its momentum (or
    betas[0]) for the schedules that cycle momentum."""
    if hasattr(config, "betas"):
        momentum = config.betas[0]
    else:
        momentum = getattr(config, "momentum", None)
    return Group(lr=config.lr, momentum=momentum)


@functools.lru_cache(maxsize=32)
def trace(config: ScheduleConfig, group: Group, steps: int) -> Trace:
    """Run the schedule for ``steps`` steps; errors torch would raise while stepping (a
    division by zero, OneCycleLR stepped past total_steps) raise HyperparameterError."""
    schedule = _schedule_of(config)
    group_in = group
    try:
        state, group = schedule.init(config, group)
        lrs, momenta = [group.lr], [group.momentum]
        for _ in range(steps):
            state, group = schedule.update(config, state, group)
            lrs.append(group.lr)
            momenta.append(group.momentum)
    except ZeroDivisionError as error:
        raise zero_division(schedule.blame, error) from None
    lr = np.array(lrs, dtype=np.float64)
    cycled = any(m != group_in.momentum for m in momenta)
    momentum = np.array(momenta, dtype=np.float64) if cycled else None
    for array in (lr, momentum):
        if array is not None:
            array.setflags(write=False)   # cached: shared by every caller
    return Trace(lr, momentum)


def retune(config: Any, lr: float, momentum: float | None = None) -> Any:
    """``config`` with the lr (and momentum, or betas[0]) a scheduler set.

    Like torch writing into ``param_groups``, this does not re-check the values: a schedule
    may take the lr where the optimizer's constructor would not (a negative eta_min)."""
    changed = copy.copy(config)
    object.__setattr__(changed, "lr", lr)
    if momentum is not None:
        if hasattr(config, "betas"):
            object.__setattr__(changed, "betas", (momentum,) + tuple(config.betas[1:]))
        else:
            object.__setattr__(changed, "momentum", momentum)
    return changed


__all__ = ["SCHEDULES", "Group", "Schedule", "ScheduleConfig", "Trace", "get_schedule",
           "group_of", "retune", "trace"]
