"""Schedules that decay the learning rate by factors: ``StepLR``, ``MultiStepLR``,
``ConstantLR``, ``LinearLR``, ``ExponentialLR`` and ``PolynomialLR`` of
``torch.optim.lr_scheduler``. Each step multiplies the current lr, in torch's order."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from race.schedules.base import Clock, Group, ScheduleConfig, chainable, require


def positive(doc: str):
    """Metadata for counts torch divides or takes a modulo by: at least 1."""
    return {"low": 1, "doc": doc}


@dataclass(frozen=True)
class StepLRConfig(ScheduleConfig):
    step_size: int = field(metadata=positive("steps between decays"))
    gamma: float = 0.1


def _step_lr(config: StepLRConfig, clock: Clock, group: Group, initial: bool):
    if clock.last_epoch == 0 or clock.last_epoch % config.step_size != 0:
        return group.lr, group
    return group.lr * config.gamma, group


STEP_LR = chainable(
    "StepLR", StepLRConfig, _step_lr, "lr ← lr·γ every step_size steps", "step_size",
    closed_form=lambda c, clock: clock.base_lr * c.gamma ** (clock.last_epoch // c.step_size))


@dataclass(frozen=True)
class MultiStepLRConfig(ScheduleConfig):
    milestones: tuple[int, ...]
    gamma: float = 0.1


def _multi_step_lr(config: MultiStepLRConfig, clock: Clock, group: Group, initial: bool):
    count = config.milestones.count(clock.last_epoch)   # torch keeps a Counter
    if not count:
        return group.lr, group
    return group.lr * config.gamma ** count, group


MULTI_STEP_LR = chainable(
    "MultiStepLR", MultiStepLRConfig, _multi_step_lr, "lr ← lr·γ at each milestone",
    "milestones",
    closed_form=lambda c, clock: clock.base_lr * c.gamma ** bisect_right(
        sorted(c.milestones), clock.last_epoch))


@dataclass(frozen=True)
class ConstantLRConfig(ScheduleConfig):
    factor: float = 1.0 / 3
    total_iters: int = 5

    def __post_init__(self) -> None:
        require(0 <= self.factor <= 1.0, "factor",
                "Constant multiplicative factor expected to be between 0 and 1.")


def _constant_lr(config: ConstantLRConfig, clock: Clock, group: Group, initial: bool):
    if clock.last_epoch == 0:
        return group.lr * config.factor, group
    if clock.last_epoch != config.total_iters:
        return group.lr, group
    return group.lr * (1.0 / config.factor), group


CONSTANT_LR = chainable(
    "ConstantLR", ConstantLRConfig, _constant_lr,
    "lr·factor for total_iters steps, then lr", "factor",
    closed_form=lambda c, clock: clock.base_lr * (
        c.factor + (clock.last_epoch >= c.total_iters) * (1 - c.factor)))


@dataclass(frozen=True)
class LinearLRConfig(ScheduleConfig):
    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5

    def __post_init__(self) -> None:
        require(0 < self.start_factor <= 1.0, "start_factor",
                "Starting multiplicative factor expected to be greater than 0 and less or "
                "equal to 1.")
        require(0 <= self.end_factor <= 1.0, "end_factor",
                "Ending multiplicative factor expected to be between 0 and 1.")


def _linear_lr(config: LinearLRConfig, clock: Clock, group: Group, initial: bool):
    epoch = clock.last_epoch
    if epoch == 0:
        return group.lr * config.start_factor, group
    if initial or epoch > config.total_iters:
        return group.lr, group
    change = config.end_factor - config.start_factor
    return group.lr * (1.0 + change / (config.total_iters * config.start_factor
                                       + (epoch - 1) * change)), group


LINEAR_LR = chainable(
    "LinearLR", LinearLRConfig, _linear_lr,
    "lr·factor, the factor going linearly from start_factor to end_factor over total_iters",
    "total_iters",
    closed_form=lambda c, clock: clock.base_lr * (
        c.start_factor + (c.end_factor - c.start_factor) * min(c.total_iters, clock.last_epoch)
        / c.total_iters))


@dataclass(frozen=True)
class ExponentialLRConfig(ScheduleConfig):
    gamma: float


def _exponential_lr(config: ExponentialLRConfig, clock: Clock, group: Group, initial: bool):
    return (group.lr if initial else group.lr * config.gamma), group


EXPONENTIAL_LR = chainable(
    "ExponentialLR", ExponentialLRConfig, _exponential_lr, "lr ← lr·γ every step", "gamma",
    closed_form=lambda c, clock: clock.base_lr * c.gamma ** clock.last_epoch)


@dataclass(frozen=True)
class PolynomialLRConfig(ScheduleConfig):
    total_iters: int = 5
    power: float = 1.0


def _polynomial_lr(config: PolynomialLRConfig, clock: Clock, group: Group, initial: bool):
    epoch, total = clock.last_epoch, config.total_iters
    if initial or epoch > total:
        return group.lr, group
    decay = ((1.0 - epoch / total) / (1.0 - (epoch - 1) / total)) ** config.power
    return group.lr * decay, group


POLYNOMIAL_LR = chainable(
    "PolynomialLR", PolynomialLRConfig, _polynomial_lr,
    "lr·(1 - t/total_iters)^power, then 0", "total_iters",
    closed_form=lambda c, clock: clock.base_lr * (
        1.0 - min(c.total_iters, clock.last_epoch) / c.total_iters) ** c.power)
