"""Your own optimizer as a pair of pure numpy functions, raced like the built-ins (Python API).

The contract is the built-ins' (``race.optimizers.base.Optimizer``): ``init(params, config)``
returns a state for params of shape (n, 2), one row per start; ``update(params, grads, state,
config)`` returns (new_params, new_state) without modifying its inputs. The state may be an
array, a tuple or NamedTuple, or a dict of arrays (rows per start) and scalars.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable

import numpy as np

from race.errors import RaceError
from race.optimizers.base import Optimizer

NAME = re.compile(r"[a-z][a-z0-9_-]*")


@dataclasses.dataclass(frozen=True)
class NoHyperparameters:
    """The config of a custom optimizer that takes none."""


def check_name(name: Any) -> str:
    """A custom optimizer's name as racers write it: lower case, like the built-ins'."""
    if not isinstance(name, str) or not NAME.fullmatch(name.lower()):
        raise RaceError(f"custom optimizer name {name!r}: expected a name of letters, digits, "
                        "'_' and '-', starting with a letter")
    return name.lower()


def none(state: Any) -> None:
    return None


def from_functions(name: str, init: Callable, update: Callable, *, config: type | None = None,
                   accumulator: Callable | None = None, velocity: Callable | None = None,
                   rule: str = "") -> Optimizer:
    """An Optimizer record from numpy ``init``/``update`` functions.

    ``config`` is a frozen dataclass of the hyperparameters a racer may set (a field ``lr``
    lets a schedule drive it); ``accumulator(state)`` and ``velocity(state)``, if given, return
    (n, 2) arrays that the frames draw as squares and momentum arrows.
    """
    name = check_name(name)
    for what, function in (("init", init), ("update", update), ("accumulator", accumulator),
                           ("velocity", velocity)):
        if function is not None and not callable(function):
            raise RaceError(f"custom optimizer {name!r}: {what} must be a function, "
                            f"got {type(function).__name__}")
    config = NoHyperparameters if config is None else config
    if not (isinstance(config, type) and dataclasses.is_dataclass(config)
            and config.__dataclass_params__.frozen):
        raise RaceError(f"custom optimizer {name!r}: config must be a frozen dataclass "
                        "(@dataclass(frozen=True)) of its hyperparameters")

    def checked_update(params, grads, state, settings):
        result = update(params, grads, state, settings)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise RaceError(f"custom optimizer {name!r}: update must return (params, state)")
        new_params = np.asarray(result[0], dtype=np.float64)
        if new_params.shape != params.shape:
            raise RaceError(f"custom optimizer {name!r}: update returned params of shape "
                            f"{new_params.shape}, expected {params.shape}")
        return new_params, result[1]

    return Optimizer(name, config, init, checked_update, accumulator or none, velocity or none,
                     rule, "")
