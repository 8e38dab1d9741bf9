"""``SequentialLR`` of ``torch.optim.lr_scheduler``: one schedule after another, switching at
milestones, with torch's hand-over (each later schedule restarts from its closed form at 0)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from race.errors import HyperparameterError
from race.schedules.base import Group, Schedule, ScheduleConfig, require, zero_division


@dataclass(frozen=True)
class SequentialLRConfig(ScheduleConfig):
    schedulers: tuple[ScheduleConfig, ...]
    milestones: tuple[int, ...]

    def __post_init__(self) -> None:
        count = len(self.schedulers)
        require(count >= 1, "schedulers",
                "SequentialLR expects at least one scheduler, but got no scheduler.")
        for index, child in enumerate(self.schedulers):
            require(not isinstance(child, SequentialLRConfig), ("schedulers", index),
                    "SequentialLR inside SequentialLR is not supported")
        require(len(self.milestones) == count - 1, "milestones",
                "Sequential Schedulers expects number of schedulers provided to be one more "
                f"than the number of milestone points, but got number of schedulers {count} "
                f"and the number of milestones to be equal to {len(self.milestones)}")


class SequentialState(NamedTuple):
    last_epoch: int
    children: tuple


def make(schedule_of: Callable[[Any], Schedule]) -> Schedule:
    """The SequentialLR record; ``schedule_of`` finds a child config's Schedule."""

    def blamed(index: int, call, *args):
        """Run a child's function, naming the child in any error."""
        try:
            return call(*args)
        except ZeroDivisionError as error:
            blame = schedule_of(args[0]).blame
            raise zero_division(("schedulers", index, blame), error) from None
        except HyperparameterError as error:
            key = error.key if isinstance(error.key, tuple) else (error.key,)
            raise HyperparameterError(("schedulers", index) + key, str(error)) from None

    def init(config: SequentialLRConfig, group: Group):
        # torch: the user builds each scheduler first (each takes its constructor's step on
        # the shared group), then SequentialLR resets the lr, undoes those steps and lets the
        # first scheduler take its constructor's step again
        states = []
        for index, child in enumerate(config.schedulers):
            state, group = blamed(index, schedule_of(child).init, child, group)
            states.append(state)
        group = group._replace(lr=group.initial_lr)
        states = [s._replace(last_epoch=s.last_epoch - 1) for s in states]
        first = bisect_right(config.milestones, 0)
        child = config.schedulers[first]
        states[first], group = blamed(first, schedule_of(child).reinit, child, states[first],
                                      group)
        return SequentialState(0, tuple(states)), group

    def update(config: SequentialLRConfig, state: SequentialState, group: Group):
        epoch = state.last_epoch + 1
        index = bisect_right(config.milestones, epoch)
        child = config.schedulers[index]
        schedule = schedule_of(child)
        move = schedule.restart if index > 0 and config.milestones[index - 1] == epoch \
            else schedule.update
        child_state, group = blamed(index, move, child, state.children[index], group)
        children = state.children[:index] + (child_state,) + state.children[index + 1:]
        return SequentialState(epoch, children), group

    def nested(config, state, group):
        raise HyperparameterError("schedulers", "SequentialLR inside SequentialLR is not "
                                                "supported")

    return Schedule("SequentialLR", SequentialLRConfig, init, update, nested, nested,
                    "one schedule after another, switching at milestones", "milestones")
