"""The values each optimizer hyperparameter accepts, found by asking its config record.

An optimizer's frozen config checks its values in ``__post_init__``, worded as torch.optim's
constructors word them; those checks are the one place the ranges live. To state them in the
scene schema without keeping a second copy, we construct the record with probe values and
bisect between a rejected and an accepted value down to two adjacent floats, which gives the
exact bound and whether it is included. A new optimizer, or a new check, is picked up as it
is written.

Some checks depend on a boolean (SGD's ``nesterov: true`` needs a momentum above 0 and no
dampening), so the ranges are also probed with each boolean flipped; where they differ from
the widest range, the difference is returned as a condition on that boolean.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import struct
import typing
from dataclasses import dataclass
from typing import Any, Callable

from race.errors import HyperparameterError

# Values tried first; the accepted ones must form one run, whose ends are then bisected.
FLOAT_LADDER = (-1e300, -1e6, -2.0, -1.0, -0.5, -1e-300, 0.0, 1e-300, 0.5, 1.0, 2.0, 1e6,
                1e300)
INT_LADDER = (-10**9, -2, -1, 0, 1, 2, 10**9)
# Values tried, in order, for a hyperparameter that must change so a flipped boolean is valid.
REPAIR_VALUES = (1.0, 0.5, 0.1, 0.0, 2.0, 10.0, -1.0)


class ProbeError(Exception):
    """A config accepts a set of values that is not one interval: say its range by hand."""


@dataclass(frozen=True)
class Interval:
    """Numbers from ``low`` to ``high``; None is unbounded; ``*_open`` excludes the bound."""

    low: float | None = None
    low_open: bool = False
    high: float | None = None
    high_open: bool = False

    def hull(self, other: Interval) -> Interval:
        """The smallest interval holding both."""
        low, low_open = _outer(self.low, self.low_open, other.low, other.low_open, min)
        high, high_open = _outer(self.high, self.high_open, other.high, other.high_open, max)
        return Interval(low, low_open, high, high_open)

    def __contains__(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return self.high is None or value < self.high or (not self.high_open
                                                          and value == self.high)

    def keywords(self) -> dict[str, float]:
        """The JSON Schema keywords that say this interval."""
        words: dict[str, float] = {}
        if self.low is not None:
            words["exclusiveMinimum" if self.low_open else "minimum"] = self.low
        if self.high is not None:
            words["exclusiveMaximum" if self.high_open else "maximum"] = self.high
        return words

    def text(self) -> str:
        """In words: 'any', 'at least 0', 'from 0 to 1', 'from 0 up to, not including, 1'."""
        low, high = self.low, self.high
        if low is None and high is None:
            return "any"
        if low is not None and low == high:
            return f"exactly {low:g}"
        if high is None:
            return f"{'greater than' if self.low_open else 'at least'} {low:g}"
        if low is None:
            return f"{'less than' if self.high_open else 'at most'} {high:g}"
        start = f"above {low:g}" if self.low_open else f"from {low:g}"
        end = f"up to, not including, {high:g}" if self.high_open else f"to {high:g}"
        return f"{start} {end}"


def _outer(a, a_open, b, b_open, pick):
    if a is None or b is None:
        return None, False
    if a == b:
        return a, a_open and b_open
    return (a, a_open) if pick(a, b) == a else (b, b_open)


@dataclass(frozen=True)
class Condition:
    """While boolean ``key`` is ``value``, the numbers in ``ranges`` are narrower."""

    key: str
    value: bool
    ranges: dict[tuple[str, int | None], Interval]


@dataclass(frozen=True)
class Ranges:
    """The widest range of every number of a config (``(field, index)``, index None unless
    the field is a tuple), and the conditions that narrow them."""

    widest: dict[tuple[str, int | None], Interval]
    conditions: tuple[Condition, ...]


@functools.cache
def config_ranges(config: type) -> Ranges:
    """Probe every numeric field of ``config`` (a frozen dataclass whose construction raises
    ``HyperparameterError`` for a bad value), with the booleans as given and flipped."""
    defaults = {f.name: f.default for f in dataclasses.fields(config)}
    hints = typing.get_type_hints(config)
    numbers = [(name, index, kind) for name, hint in hints.items()
               for index, kind in _numeric_slots(hint)]
    booleans = [name for name, hint in hints.items() if hint is bool]
    def probe(base: dict) -> dict:
        return {(name, index): _interval(config, base, name, index, kind)
                for name, index, kind in numbers}

    plain = probe(defaults)
    flipped = []   # (boolean, value, ranges with it)
    for key in booleans:
        for value in (True, False):
            base = _valid_base(config, defaults, {key: value})
            if base is not None:
                flipped.append((key, value, plain if base is defaults else probe(base)))
    widest = plain
    for _, _, ranges in flipped:
        widest = {slot: widest[slot].hull(ranges[slot]) for slot in widest}
    conditions = []
    for key, value, ranges in flipped:
        other = next((r for k, v, r in flipped if k == key and v != value), None)
        if ranges == other:
            continue   # narrowed by another boolean's default, not by this one
        narrowed = {slot: interval for slot, interval in ranges.items()
                    if interval != widest[slot]}
        if narrowed:
            conditions.append(Condition(key, value, narrowed))
    return Ranges(widest, tuple(conditions))


def _numeric_slots(hint) -> list[tuple[int | None, type]]:
    """(index, int or float) for a number, or for each number in a tuple of numbers."""
    if hint in (int, float):
        return [(None, hint)]
    if typing.get_origin(hint) is tuple:
        return [(i, arg) for i, arg in enumerate(typing.get_args(hint)) if arg in (int, float)]
    return []


def _builds(config: type, values: dict) -> bool:
    try:
        config(**values)
    except (HyperparameterError, TypeError, ValueError):
        return False
    return True


def _valid_base(config: type, defaults: dict, fixed: dict) -> dict | None:
    """The defaults with ``fixed`` set, other numbers changed only as far as the record's own
    errors demand (a flipped ``nesterov`` needs a momentum); None if none is found."""
    values = {**defaults, **fixed}
    if values == defaults:
        return defaults
    for _ in range(len(values) + 1):
        try:
            config(**values)
            return values
        except HyperparameterError as exc:
            key = exc.key
        except (TypeError, ValueError):
            return None
        if key in fixed or not isinstance(values.get(key), (int, float)):
            return None
        for candidate in REPAIR_VALUES:
            trial = {**values, key: type(values[key])(candidate)}
            try:
                config(**trial)
            except HyperparameterError as exc:
                if exc.key == key:
                    continue
            except (TypeError, ValueError):
                continue
            values = trial
            break
        else:
            return None
    return None


def _interval(config: type, base: dict, name: str, index: int | None, kind: type) -> Interval:
    def accepts(number) -> bool:
        value = number
        if index is not None:
            value = tuple(number if i == index else v for i, v in enumerate(base[name]))
        return _builds(config, {**base, name: value})

    if kind is int:
        return _bounds(accepts, INT_LADDER, int, int, _round_int)
    return _bounds(accepts, FLOAT_LADDER, _float_key, _key_float, _round_float)


def _bounds(accepts: Callable[[Any], bool], ladder, key, unkey, is_round) -> Interval:
    taken = [accepts(v) for v in ladder]
    if not any(taken):
        raise ProbeError("accepts none of the values tried")
    first = taken.index(True)
    last = len(taken) - 1 - taken[::-1].index(True)
    if not all(taken[first:last + 1]):
        raise ProbeError("accepts values on both sides of a value it rejects")
    low = low_open = high = high_open = None
    if first > 0:
        rejected, accepted = _bisect(accepts, key(ladder[first - 1]), key(ladder[first]), unkey)
        low, low_open = (accepted, False) if is_round(accepted) or not is_round(rejected) \
            else (rejected, True)
    if last < len(ladder) - 1:
        rejected, accepted = _bisect(accepts, key(ladder[last + 1]), key(ladder[last]), unkey)
        high, high_open = (accepted, False) if is_round(accepted) or not is_round(rejected) \
            else (rejected, True)
    return Interval(_tidy(low), bool(low_open), _tidy(high), bool(high_open))


def _bisect(accepts, rejected: int, accepted: int, unkey) -> tuple[Any, Any]:
    """Adjacent (rejected, accepted) values between two keys of the ordering."""
    while abs(rejected - accepted) > 1:
        middle = (rejected + accepted) // 2
        if accepts(unkey(middle)):
            accepted = middle
        else:
            rejected = middle
    return unkey(rejected), unkey(accepted)


def _float_key(value: float) -> int:
    """An integer that orders as the floats do, adjacent floats one apart."""
    bits = struct.unpack("<q", struct.pack("<d", value))[0]
    return bits if bits >= 0 else -(bits & 0x7FFF_FFFF_FFFF_FFFF)


def _key_float(key: int) -> float:
    bits = key if key >= 0 else (-key) | -0x8000_0000_0000_0000
    return struct.unpack("<d", struct.pack("<q", bits))[0]


def _round_float(value: float) -> bool:
    """A bound a person would write (0, 1, 0.5): not 0.9999999999999999 nor 5e-324."""
    return value == 0 or (abs(value) >= 1e-300 and math.isfinite(value)
                          and float(f"{value:.6g}") == value)


def _round_int(value: int) -> bool:
    return True


def _tidy(value):
    """-0.0 reads as 0 in a schema."""
    if value is None or value != 0:
        return value
    return 0 if isinstance(value, int) else 0.0
