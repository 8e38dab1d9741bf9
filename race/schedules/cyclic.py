"""Cycling schedules: ``CyclicLR`` (Smith, 2017) and ``OneCycleLR`` (Smith & Topin, 2018) of
``torch.optim.lr_scheduler``. Both also cycle momentum, inversely to the lr: the optimizer's
``momentum``, or ``betas[0]`` when it has betas (Adam and family), as torch does."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from race.errors import HyperparameterError
from race.schedules.base import Clock, Group, ScheduleConfig, chainable, require

NO_MOMENTUM = "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"


def _cycle_momentum(config, group: Group) -> Group:
    """The constructors' momentum set-up: momentum starts at max_momentum."""
    if not config.cycle_momentum:
        return group
    require(group.momentum is not None, "cycle_momentum", NO_MOMENTUM)
    return group._replace(momentum=config.max_momentum, max_momentum=config.max_momentum,
                          base_momentum=config.base_momentum)


# CyclicLR ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CyclicLRConfig(ScheduleConfig):
    base_lr: float
    max_lr: float
    step_size_up: int = field(default=2000, metadata={"low": 1, "doc": "steps going up"})
    step_size_down: int | None = field(default=None, metadata={
        "low": 1, "doc": "steps going down; null = step_size_up"})
    mode: Literal["triangular", "triangular2", "exp_range"] = "triangular"
    gamma: float = 1.0
    # torch uses scale_mode only with a scale_fn (a Python function, which a scene cannot give):
    # each mode sets its own
    scale_mode: Literal["cycle", "iterations"] = "cycle"
    cycle_momentum: bool = True
    base_momentum: float = 0.8
    max_momentum: float = 0.9

    def __post_init__(self) -> None:
        require(self.mode in ("triangular", "triangular2", "exp_range"), "mode",
                "mode is invalid and scale_fn is None")


def _cyclic_scale(config: CyclicLRConfig, cycle: int, epoch: int) -> float:
    if config.mode == "triangular":
        return 1.0
    if config.mode == "triangular2":
        return 1 / (2.0 ** (cycle - 1))
    return config.gamma ** epoch          # exp_range scales by iterations


def _cyclic_lr(config: CyclicLRConfig, clock: Clock, group: Group, initial: bool):
    up = float(config.step_size_up)
    down = float(config.step_size_down) if config.step_size_down is not None else up
    total = up + down
    ratio = up / total
    epoch = clock.last_epoch
    cycle = math.floor(1 + epoch / total)
    x = 1.0 + epoch / total - cycle
    scale_factor = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    scale = _cyclic_scale(config, cycle, epoch)
    lr = clock.base_lr + (config.max_lr - clock.base_lr) * scale_factor * scale
    if config.cycle_momentum:
        height = (config.max_momentum - config.base_momentum) * scale_factor
        group = group._replace(momentum=config.max_momentum - height * scale)
    return lr, group


CYCLIC_LR = chainable(
    "CyclicLR", CyclicLRConfig, _cyclic_lr,
    "lr up from base_lr to max_lr in step_size_up steps, down again, repeat; momentum the "
    "other way", "step_size_up",
    prepare=lambda c, group: _cycle_momentum(c, group._replace(lr=c.base_lr)),
    finish=lambda c, clock: clock._replace(base_lr=c.base_lr))


# OneCycleLR ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OneCycleLRConfig(ScheduleConfig):
    max_lr: float
    total_steps: int | None = None
    epochs: int | None = None
    steps_per_epoch: int | None = None
    pct_start: float = 0.3
    anneal_strategy: Literal["cos", "linear"] = "cos"
    cycle_momentum: bool = True
    base_momentum: float = 0.85
    max_momentum: float = 0.95
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    three_phase: bool = False

    def __post_init__(self) -> None:
        if self.total_steps is not None:
            require(self.total_steps > 0, "total_steps",
                    f"Expected positive integer total_steps, but got {self.total_steps}")
        elif self.epochs is not None and self.steps_per_epoch is not None:
            require(self.epochs > 0, "epochs",
                    f"Expected positive integer epochs, but got {self.epochs}")
            require(self.steps_per_epoch > 0, "steps_per_epoch",
                    f"Expected positive integer steps_per_epoch, but got "
                    f"{self.steps_per_epoch}")
        else:
            raise HyperparameterError(
                "total_steps", "You must define either total_steps OR (epochs AND "
                "steps_per_epoch)")
        require(0 <= self.pct_start <= 1, "pct_start",
                f"Expected float between 0 and 1 pct_start, but got {self.pct_start}")
        require(self.anneal_strategy in ("cos", "linear"), "anneal_strategy",
                f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                f"{self.anneal_strategy}")

    @property
    def steps(self) -> int:
        if self.total_steps is not None:
            return self.total_steps
        return self.epochs * self.steps_per_epoch


def _phases(config: OneCycleLRConfig) -> list[tuple[float, str, str, str, str]]:
    """(end_step, start_lr, end_lr, start_momentum, end_momentum): the group keys torch uses."""
    total, pct = config.steps, config.pct_start
    if config.three_phase:
        return [(float(pct * total) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct * total) - 2, "max_lr", "initial_lr", "base_momentum",
                 "max_momentum"),
                (total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
    return [(float(pct * total) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            (total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]


def _anneal(config: OneCycleLRConfig, start: float, end: float, pct: float) -> float:
    if config.anneal_strategy == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def _one_cycle_lr(config: OneCycleLRConfig, clock: Clock, group: Group, initial: bool):
    step = clock.last_epoch
    if step > config.steps:
        key = "total_steps" if config.total_steps is not None else "epochs"
        raise HyperparameterError(key, f"Tried to step {step} times. The specified number of "
                                       f"total steps is {config.steps}")
    phases = _phases(config)
    start_step = 0.0
    for index, (end_step, start_lr, end_lr, start_momentum, end_momentum) in enumerate(phases):
        if step <= end_step or index == len(phases) - 1:
            pct = (step - start_step) / (end_step - start_step)
            lr = _anneal(config, getattr(group, start_lr), getattr(group, end_lr), pct)
            if config.cycle_momentum:
                group = group._replace(momentum=_anneal(
                    config, getattr(group, start_momentum), getattr(group, end_momentum), pct))
            return lr, group
        start_step = end_step
    raise AssertionError("the last phase always matches")


def _one_cycle_prepare(config: OneCycleLRConfig, group: Group) -> Group:
    initial = config.max_lr / config.div_factor
    group = group._replace(initial_lr=initial, max_lr=config.max_lr,
                           min_lr=initial / config.final_div_factor)
    return _cycle_momentum(config, group)


ONE_CYCLE_LR = chainable(
    "OneCycleLR", OneCycleLRConfig, _one_cycle_lr,
    "warm up from max_lr/div_factor to max_lr over pct_start of total_steps, then anneal far "
    "below; momentum the other way", "pct_start", prepare=_one_cycle_prepare)
