"""A racer's keys beside its optimizer's hyperparameters: ``schedule`` (a torch learning-rate
scheduler) and ``gradient_noise`` (also a scene key), from YAML into frozen records.

Schedules take torch's class names (any case), keyword names and defaults; a bad argument gets
the message torch's constructor gives, naming the key, and so does a schedule torch would fail
to step through this many steps (OneCycleLR past its total_steps).
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from typing import Any

from race.errors import HyperparameterError
from race.scene import GradientNoise
from race.schedules import SCHEDULES, ScheduleConfig, group_of, trace
from race.values import build_record, check_keys, convert, describe, unknown
from race.yamlsource import Source

SCHEDULE_NAMES = [s.name for s in SCHEDULES.values()]


def build_schedule(value: Any, path: tuple, source: Source, optimizer_config: Any,
                   steps: int) -> ScheduleConfig:
    """The racer's ``schedule`` mapping as a schedule config, checked against its optimizer
    and the scene's step count."""
    if not hasattr(optimizer_config, "lr"):
        raise source.error(path, "this optimizer has no lr for a schedule to set")
    config = schedule_config(value, path, source)
    try:
        trace(config, group_of(optimizer_config), steps)
    except HyperparameterError as error:
        raise source.error(path + _key_path(error.key), str(error)) from None
    return config


def schedule_config(value: Any, path: tuple, source: Source) -> ScheduleConfig:
    if not isinstance(value, dict) or "name" not in value:
        raise source.error(path, "expected a mapping with a 'name' (a torch.optim.lr_scheduler "
                                 f"class such as StepLR) and its arguments, got "
                                 f"{describe(value)}")
    name = value["name"]
    if not isinstance(name, str) or name.lower() not in SCHEDULES:
        raise source.error(path + ("name",), _unknown_schedule(name))
    schedule = SCHEDULES[name.lower()]
    fields = dataclasses.fields(schedule.config)
    check_keys(value, ("name",) + tuple(f.name for f in fields), path, source,
               f"{schedule.name} argument")
    missing = [f.name for f in fields if f.name not in value
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise source.error(path, _missing_message(schedule.name, missing))
    hints = typing.get_type_hints(schedule.config)
    kwargs = {}
    for f in fields:
        if f.name not in value:
            continue
        key_path = path + (f.name,)
        if f.name == "schedulers":      # SequentialLR's: schedules themselves
            items = value[f.name]
            if not isinstance(items, list):
                raise source.error(key_path, f"expected a list of schedules, got "
                                             f"{describe(items)}")
            kwargs[f.name] = tuple(schedule_config(item, key_path + (i,), source)
                                   for i, item in enumerate(items))
            continue
        hint = hints[f.name]
        if typing.get_origin(hint) is typing.Literal:
            hint = str                  # torch's constructor words the error about the choices
        kwargs[f.name] = convert(value[f.name], hint, key_path, source, f.metadata)
    try:
        return schedule.config(**kwargs)
    except HyperparameterError as error:
        raise source.error(path + _key_path(error.key), str(error)) from None


def build_noise(value: Any, path: tuple, source: Source,
                default: GradientNoise | None = None) -> GradientNoise | None:
    """``gradient_noise: {std, seed}``; a racer's keys are layered over the scene's, and a
    racer's ``gradient_noise: null`` turns the scene's off for it."""
    if value is None:
        return None
    record = build_record(GradientNoise, value, path, source)
    if default is None:
        return record
    return dataclasses.replace(default, **{key: getattr(record, key) for key in value})


def _unknown_schedule(name: Any) -> str:
    """``unknown(...)``'s message, matching any case: 'steplrr' suggests 'StepLR'."""
    message = unknown(name, SCHEDULE_NAMES, "schedule")
    if isinstance(name, str) and "did you mean" not in message:
        close = difflib.get_close_matches(name.lower(), list(SCHEDULES), n=1, cutoff=0.6)
        if close:
            return f"unknown schedule {name!r}; did you mean {SCHEDULES[close[0]].name!r}?"
    return message


def _key_path(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _missing_message(name: str, missing: list[str]) -> str:
    """Python's own wording for a missing argument of the torch class, e.g.
    ``StepLR.__init__() missing 1 required positional argument: 'step_size'``."""
    quoted = [repr(m) for m in missing]
    if len(quoted) == 1:
        names = quoted[0]
    elif len(quoted) == 2:
        names = " and ".join(quoted)
    else:
        names = ", ".join(quoted[:-1]) + ", and " + quoted[-1]
    plural = "argument" if len(missing) == 1 else "arguments"
    return f"{name}.__init__() missing {len(missing)} required positional {plural}: {names}"
