"""YAML values checked and converted: numbers with ranges, choices, colours, and frozen records
built field by field from their annotations. Every failure names the key and its line."""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import types
import typing
from typing import Any, Iterable, Mapping

from race import colors
from race.yamlsource import Source, key_name

EXPECTED_COLOR = "expected a colour (a name like 'white', '#00ff00' or 'C1')"


def build_record(cls: type, value: Any, path: tuple, source: Source):
    """Build frozen dataclass ``cls`` from a mapping, converting each field by its annotation."""
    if isinstance(value, bool) and "show" in {f.name for f in dataclasses.fields(cls)}:
        return cls(show=value)
    if not isinstance(value, dict):
        raise source.error(path, f"expected a mapping, got {describe(value)}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    check_keys(value, tuple(names), path, source, f"{key_name(path)} key")
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in value:
            kwargs[f.name] = convert(value[f.name], hints[f.name], path + (f.name,), source,
                                     f.metadata)
    return cls(**kwargs)


def convert(value: Any, hint: Any, path: tuple, source: Source, metadata: Mapping = {}) -> Any:
    low, high = metadata.get("low"), metadata.get("high")
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        return convert(value, options[0], path, source, metadata)
    if origin is typing.Literal:
        if value not in args:
            raise source.error(path, unknown(value, [str(a) for a in args], "value"))
        return value
    if dataclasses.is_dataclass(hint):
        return build_record(hint, value, path, source)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:   # tuple[int, ...]
        if not isinstance(value, (list, tuple)):
            raise source.error(path, f"expected a list, got {describe(value)}")
        return tuple(convert(v, args[0], path + (i,), source, metadata)
                     for i, v in enumerate(value))
    if origin is tuple:
        if not isinstance(value, (list, tuple)) or len(value) != len(args):
            raise source.error(path, f"expected a list of {len(args)} numbers, "
                                     f"got {describe(value)}")
        return tuple(convert(v, a, path + (i,), source, metadata)
                     for i, (v, a) in enumerate(zip(value, args)))
    if hint is bool:
        if not isinstance(value, bool):
            raise source.error(path, f"expected true or false, got {describe(value)}")
        return value
    if hint is int:
        return to_int(value, path, source, low=low, high=high)
    if hint is float:
        return to_float(value, path, source, low=low, high=high)
    if hint is str:
        if not isinstance(value, str):
            raise source.error(path, f"expected text, got {describe(value)}")
        kind = metadata.get("kind")
        if kind == "color" and not is_color(value):
            raise source.error(path, f"{EXPECTED_COLOR}, got {describe(value)}")
        if kind == "colormap" and value not in colormaps():
            raise source.error(path, unknown(value, colormaps(), "colormap"))
        return value
    raise source.error(path, f"cannot read a value of type {hint}")  # a record we don't know


def to_float(value: Any, path: tuple, source: Source, *, low: float | None = None,
             high: float | None = None, open_low: bool = False) -> float:
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):  # YAML 1.1 reads 1e-3 (no dot) as text
        try:
            number = float(value.strip())
        except ValueError:
            pass
    if number is None:
        raise source.error(path, f"expected a number, got {describe(value)}")
    if not math.isfinite(number):
        raise source.error(path, f"expected a finite number, got {value}")
    check_range(number, path, source, low, high, open_low)
    return number


def to_int(value: Any, path: tuple, source: Source, *, low: float | None = None,
           high: float | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise source.error(path, f"expected a whole number, got {describe(value)}")
    check_range(value, path, source, low, high, False)
    return value


def check_range(number, path, source, low, high, open_low) -> None:
    if low is not None and (number < low or (open_low and number == low)):
        bound = f"greater than {low:g}" if open_low else f"at least {low:g}"
        raise source.error(path, f"expected a number {bound}, got {number:g}")
    if high is not None and number > high:
        raise source.error(path, f"expected a number at most {high:g}, got {number:g}")


MAX_COORDINATE = 1e100   # a domain further out than this cannot be sampled in float64
MIN_RELATIVE_WIDTH = 1e-9  # narrower than this, neighbouring grid samples would be equal
MAX_TITLE_CHARS = 200
MAX_LABEL_CHARS = 80


def to_range(value: Any, path: tuple, source: Source) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise source.error(path, f"expected [low, high], got {describe(value)}")
    low = to_float(value[0], path + (0,), source, low=-MAX_COORDINATE, high=MAX_COORDINATE)
    high = to_float(value[1], path + (1,), source, low=-MAX_COORDINATE, high=MAX_COORDINATE)
    if not low < high:
        raise source.error(path, f"expected low < high, got [{low:g}, {high:g}]")
    if high - low < MIN_RELATIVE_WIDTH * max(abs(low), abs(high)):
        raise source.error(path, f"the range [{low:g}, {high:g}] is too narrow for its size to "
                                 "be drawn in float64; shift it nearer 0 or widen it")
    return (low, high)


def to_text(value: Any, path: tuple, source: Source, *, limit: int, what: str = "text") -> str:
    """A title or label: text (numbers allowed), at most ``limit`` characters, and any
    ``$...$`` in it valid mathtext (write ``\\$`` for a dollar sign)."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise source.error(path, f"expected {what}, got {describe(value)}")
    text = str(value)
    if len(text) > limit:
        raise source.error(path, f"expected {what} of at most {limit} characters, got "
                                 f"{len(text):,}")
    problem = mathtext_problem(text)
    if problem:
        raise source.error(path, f"{problem}; write \\$ for a dollar sign")
    return text


def mathtext_problem(text: str) -> str | None:
    """Why matplotlib could not draw the ``$...$`` maths in ``text``, or None."""
    if text.replace("\\$", "").count("$") < 2:
        return None
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(text, dpi=72)
    except (ValueError, RuntimeError) as exc:
        where = re.search(r"at char (\d+)", str(exc))
        return "not valid $...$ maths" + (f" near character {int(where.group(1)) + 1}"
                                          if where else "")
    return None


def check_unicode(value: Any, path: tuple, source: Source) -> None:
    """Every text in the scene is valid Unicode: no lone surrogates (YAML's "\\udc80" can make
    them; nothing can print or draw them)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise source.error(path, f"text holds an invalid character {value[exc.start]!a} "
                                     "(a lone surrogate); expected valid Unicode") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_unicode(key, path, source)
            check_unicode(item, path + (key,), source)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_unicode(item, path + (index,), source)


def check_keys(data: dict, allowed: tuple, path: tuple, source: Source, what: str) -> None:
    for key in data:
        if key not in allowed:
            if not isinstance(key, str):
                raise source.error(path, f"unexpected key {key!r}; expected a {what}")
            raise source.error(path + (key,), unknown(key, allowed, what))


def unknown(value: Any, choices: Iterable[str], what: str) -> str:
    choices = list(choices)
    message = f"unknown {what} {value!r}"
    if isinstance(value, str):
        close = difflib.get_close_matches(value.lower(), choices, n=1, cutoff=0.6)
        if close:
            return f"{message}; did you mean {close[0]!r}?"
    if len(choices) <= 20:
        message += "; expected one of " + ", ".join(choices)
    return message


def describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def colormaps() -> list[str]:
    return colors.colormaps()


def is_color(value: Any) -> bool:
    return isinstance(value, str) and colors.is_color(value)
