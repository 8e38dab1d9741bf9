"""Hyperparameter ranges found by asking config records: exact bounds, open or closed, for
floats, ints and tuples, conditions on booleans, and a refusal where the answer is no interval."""

from __future__ import annotations

import dataclasses

import pytest

from race.authoring.ranges import Interval, ProbeError, config_ranges
from race.errors import HyperparameterError
from race.optimizers import OPTIMIZERS


def check(ok: bool, key: str) -> None:
    if not ok:
        raise HyperparameterError(key, f"Invalid {key}")


@dataclasses.dataclass(frozen=True)
class Shapes:
    closed: float = 0.5         # [0.25, 3]
    half_open: float = 0.5      # (0, 1)
    below: float = -1.0         # < -0.001
    free: float = 2.0
    count: int = 4              # 2..7
    pair: tuple[float, float] = (0.5, 5.0)   # [0, 1), then > 2
    flag: bool = False          # while true, free must be at least 1

    def __post_init__(self):
        check(0.25 <= self.closed <= 3, "closed")
        check(0 < self.half_open < 1, "half_open")
        check(self.below < -0.001, "below")
        check(2 <= self.count <= 7, "count")
        check(0 <= self.pair[0] < 1 and self.pair[1] > 2, "pair")
        check(not self.flag or self.free >= 1, "free")


@dataclasses.dataclass(frozen=True)
class Holey:
    rate: float = 1.0

    def __post_init__(self):
        check(self.rate != 0.5, "rate")


def test_bounds_are_found_exactly_with_their_openness():
    ranges = config_ranges(Shapes).widest
    assert ranges[("closed", None)] == Interval(0.25, False, 3.0, False)
    assert ranges[("half_open", None)] == Interval(0.0, True, 1.0, True)
    assert ranges[("below", None)] == Interval(None, False, -0.001, True)
    assert ranges[("free", None)] == Interval()
    assert ranges[("count", None)] == Interval(2, False, 7, False)
    assert ranges[("pair", 0)] == Interval(0.0, False, 1.0, True)
    assert ranges[("pair", 1)] == Interval(2.0, True, None, False)


def test_a_range_that_holds_only_while_a_boolean_is_set_is_a_condition():
    ranges = config_ranges(Shapes)
    assert [(c.key, c.value, c.ranges) for c in ranges.conditions] == [
        ("flag", True, {("free", None): Interval(1.0, False, None, False)})]


def test_a_set_that_is_not_one_interval_is_refused():
    with pytest.raises(ProbeError):
        config_ranges(Holey)


def test_torch_checks_read_as_torch_states_them():
    adam = config_ranges(OPTIMIZERS["adam"].config).widest
    assert adam[("lr", None)] == Interval(0.0)
    assert adam[("betas", 0)] == adam[("betas", 1)] == Interval(0.0, False, 1.0, True)
    assert config_ranges(OPTIMIZERS["adadelta"].config).widest[("rho", None)] == \
        Interval(0.0, False, 1.0, False)
    sgd = config_ranges(OPTIMIZERS["sgd"].config)
    assert [(c.key, c.value) for c in sgd.conditions] == [("nesterov", True)]
    assert sgd.conditions[0].ranges == {("momentum", None): Interval(0.0, True),
                                        ("dampening", None): Interval(0.0, False, 0.0, False)}


@pytest.mark.parametrize("interval, inside, outside, text", [
    (Interval(0.0), [0.0, 5.0], [-1e-300], "at least 0"),
    (Interval(0.0, True, 1.0, True), [0.5], [0.0, 1.0], "above 0 up to, not including, 1"),
    (Interval(None, False, 2.0, False), [-9.0, 2.0], [2.5], "at most 2"),
    (Interval(0.0, False, 0.0, False), [0.0], [1e-9], "exactly 0"),
    (Interval(), [-1e300, 1e300], [], "any"),
])
def test_an_interval_says_what_it_holds(interval, inside, outside, text):
    assert all(v in interval for v in inside) and not any(v in interval for v in outside)
    assert interval.text() == text


def test_hull_is_the_smallest_interval_holding_both():
    assert Interval(0.0, True).hull(Interval(0.0, False)) == Interval(0.0, False)
    assert Interval(0.0, False, 0.0, False).hull(Interval()) == Interval()
    assert Interval(1.0, False, 2.0, True).hull(Interval(0.0, True, 2.0, False)) == \
        Interval(0.0, True, 2.0, False)
