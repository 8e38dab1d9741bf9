"""Cosine schedules: ``CosineAnnealingLR`` (chainable, as torch steps it) and
``CosineAnnealingWarmRestarts`` (SGDR, Loshchilov & Hutter 2017) of
``torch.optim.lr_scheduler``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from race.schedules.base import Clock, Group, Schedule, ScheduleConfig, chainable, require


@dataclass(frozen=True)
class CosineAnnealingLRConfig(ScheduleConfig):
    T_max: int = field(metadata={"low": 1, "doc": "steps of half a cosine period"})
    eta_min: float = 0.0


def _cosine_lr(config: CosineAnnealingLRConfig, clock: Clock, group: Group, initial: bool):
    """torch's recursive form: each step rescales the distance of lr above eta_min."""
    epoch, period, floor = clock.last_epoch, config.T_max, config.eta_min
    if initial:
        return group.lr, group
    if clock.step_count == 1 and epoch > 0:
        return floor + (clock.base_lr - floor) * (1 + math.cos(epoch * math.pi / period)) / 2, \
            group
    if (epoch - 1 - period) % (2 * period) == 0:
        return group.lr + (clock.base_lr - floor) * (1 - math.cos(math.pi / period)) / 2, group
    return ((1 + math.cos(math.pi * epoch / period))
            / (1 + math.cos(math.pi * (epoch - 1) / period))
            * (group.lr - floor) + floor), group


COSINE_ANNEALING_LR = chainable(
    "CosineAnnealingLR", CosineAnnealingLRConfig, _cosine_lr,
    "lr from its start down to eta_min along half a cosine over T_max steps (and back up)",
    "T_max",
    closed_form=lambda c, clock: c.eta_min + (clock.base_lr - c.eta_min) * (
        1 + math.cos(math.pi * clock.last_epoch / c.T_max)) / 2)


@dataclass(frozen=True)
class CosineAnnealingWarmRestartsConfig(ScheduleConfig):
    T_0: int
    T_mult: int = 1
    eta_min: float = 0.0

    def __post_init__(self) -> None:
        require(self.T_0 > 0, "T_0", f"Expected positive integer T_0, but got {self.T_0}")
        require(self.T_mult >= 1, "T_mult",
                f"Expected integer T_mult >= 1, but got {self.T_mult}")


class WarmRestartsState(NamedTuple):
    last_epoch: int
    step_count: int
    base_lr: float
    T_i: int      # the length of the current period
    T_cur: int    # steps since the last restart


def _warm_lr(config: CosineAnnealingWarmRestartsConfig, state: WarmRestartsState) -> float:
    return config.eta_min + (state.base_lr - config.eta_min) * (
        1 + math.cos(math.pi * state.T_cur / state.T_i)) / 2


def _warm_step(config: CosineAnnealingWarmRestartsConfig, state: WarmRestartsState,
               group: Group):
    """torch's ``CosineAnnealingWarmRestarts.step()`` without an epoch argument."""
    if state.last_epoch < 0:   # the constructor's step: epoch 0
        state = state._replace(last_epoch=0, T_i=config.T_0, T_cur=0)
    else:
        t_cur, t_i = state.T_cur + 1, state.T_i
        if t_cur >= t_i:
            t_cur, t_i = t_cur % t_i, t_i * config.T_mult
        state = state._replace(last_epoch=state.last_epoch + 1, T_i=t_i, T_cur=t_cur)
    return state, group._replace(lr=_warm_lr(config, state))


def _warm_init(config: CosineAnnealingWarmRestartsConfig, group: Group):
    if group.initial_lr is None:
        group = group._replace(initial_lr=group.lr)
    state = WarmRestartsState(-1, 0, group.initial_lr, config.T_0, -1)
    return _warm_step(config, state, group)


def _warm_restart(config: CosineAnnealingWarmRestartsConfig, state: WarmRestartsState,
                  group: Group):
    """``_update_lr(0)``: last_epoch becomes 0 but T_cur and T_i stay as they were (torch)."""
    state = state._replace(last_epoch=0)
    return state, group._replace(lr=_warm_lr(config, state))


def _warm_reinit(config: CosineAnnealingWarmRestartsConfig, state: WarmRestartsState,
                 group: Group):
    return _warm_step(config, state._replace(step_count=0), group)


COSINE_ANNEALING_WARM_RESTARTS = Schedule(
    "CosineAnnealingWarmRestarts", CosineAnnealingWarmRestartsConfig, _warm_init, _warm_step,
    _warm_restart, _warm_reinit,
    "cosine from lr down to eta_min over T_0 steps, then restart; each period T_mult times "
    "longer", "T_0")
