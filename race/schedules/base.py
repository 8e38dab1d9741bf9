"""The Schedule record: a ``torch.optim.lr_scheduler`` class as pure functions of small records.

torch's schedulers are objects that rewrite ``optimizer.param_groups[0]`` in place. Here the
param group is a ``Group`` record, each scheduler's counters are a small state record, and a
scheduler is a pair of pure functions: ``init(config, group)`` (the constructor, which in torch
already takes one step) and ``update(config, state, group)`` (one ``scheduler.step()``), each
returning the new (state, group). Most torch schedulers are "chainable": each step multiplies the
group's current lr, so the float64 results depend on the order of operations, which the
functions here keep exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from race.errors import HyperparameterError


class Group(NamedTuple):
    """The entries of torch's ``optimizer.param_groups[0]`` that schedulers read and write."""

    lr: float
    initial_lr: float | None = None
    # group["momentum"], or group["betas"][0] when the optimizer has betas (torch's rule for
    # cycling momentum); None when the optimizer has neither
    momentum: float | None = None
    max_lr: float | None = None         # OneCycleLR keeps its corners in the group
    min_lr: float | None = None
    max_momentum: float | None = None   # OneCycleLR and CyclicLR
    base_momentum: float | None = None


class Clock(NamedTuple):
    """``LRScheduler``'s own counters and its ``base_lrs[0]``."""

    last_epoch: int
    step_count: int
    base_lr: float


@dataclass(frozen=True)
class ScheduleConfig:
    """Base of every schedule's config: a frozen dataclass whose fields are the torch class's
    keyword arguments (without ``optimizer`` and ``last_epoch``), with torch's defaults."""


State = Any
Step = Callable[[Any, State, Group], "tuple[State, Group]"]


@dataclass(frozen=True)
class Schedule:
    """One torch scheduler class.

    - ``init(config, group)``: what the constructor does to the group, including its first
      ``step()``; returns (state, group).
    - ``update(config, state, group)``: one ``scheduler.step()``.
    - ``restart(config, state, group)``: ``scheduler._update_lr(0)``, what ``SequentialLR``
      does to the scheduler whose milestone is reached.
    - ``reinit(config, state, group)``: ``scheduler._initial_step()``, what ``SequentialLR``'s
      constructor does to its first scheduler.
    - ``blame``: the key to name when torch would fail while stepping (a division by zero).
    """

    name: str
    config: type
    init: Callable[[Any, Group], "tuple[State, Group]"]
    update: Step
    restart: Step
    reinit: Step
    summary: str
    blame: str


def require(ok: bool, key: str, message: str) -> None:
    """Raise ``HyperparameterError(key, message)`` unless ``ok``."""
    if not ok:
        raise HyperparameterError(key, message)


def zero_division(key, error: ZeroDivisionError) -> HyperparameterError:
    """What torch would crash with while stepping, as an error naming the key to change."""
    return HyperparameterError(key, f"{error} (torch's scheduler divides by zero here)")


GetLr = Callable[[Any, Clock, Group, bool], "tuple[float, Group]"]


def chainable(name: str, config: type, get_lr: GetLr, summary: str, blame: str, *,
              closed_form: Callable[[Any, Clock], float] | None = None,
              prepare: Callable[[Any, Group], Group] | None = None,
              finish: Callable[[Any, Clock], Clock] | None = None) -> Schedule:
    """A scheduler that, like most of torch's, only defines ``get_lr`` (and a closed form).

    ``get_lr(config, clock, group, initial)`` returns the new lr (and the group, which cycling
    schedulers also change); ``initial`` is torch's ``_is_initial``, true during the
    constructor's step. ``prepare`` is the constructor's work before ``LRScheduler.__init__``
    and ``finish`` its work after.
    """

    def step(config, clock: Clock, group: Group, initial: bool = False):
        clock = clock._replace(last_epoch=clock.last_epoch + 1, step_count=clock.step_count + 1)
        lr, group = get_lr(config, clock, group, initial)
        return clock, group._replace(lr=lr)

    def reinit(config, clock: Clock, group: Group):
        return step(config, clock._replace(step_count=0), group, initial=True)

    def init(config, group: Group):
        if prepare is not None:
            group = prepare(config, group)
        if group.initial_lr is None:          # torch: group.setdefault("initial_lr", lr)
            group = group._replace(initial_lr=group.lr)
        clock, group = reinit(config, Clock(-1, 0, group.initial_lr), group)
        return (finish(config, clock) if finish is not None else clock), group

    def update(config, clock: Clock, group: Group):
        return step(config, clock, group)

    def restart(config, clock: Clock, group: Group):
        clock = clock._replace(last_epoch=0)
        if closed_form is not None:
            return clock, group._replace(lr=closed_form(config, clock))
        lr, group = get_lr(config, clock, group, False)
        return clock, group._replace(lr=lr)

    return Schedule(name, config, init, update, restart, reinit, summary, blame)
