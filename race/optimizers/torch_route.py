"""Your own ``torch.optim.Optimizer`` subclass in a race (Python API; torch stays optional).

torch itself steps it, in float64, one tensor per start (so optimizers with per-tensor norms
see each start alone). Its hyperparameters are the keyword arguments of its constructor, with
their defaults; a racer sets them like a built-in's. Between steps race copies the points in
and out, and writes a schedule's lr (and momentum or betas) into ``param_groups[0]``. The
optimizer is stepped in place, so unlike the built-ins its update is not pure. ``step()`` is
called without a closure: optimizers that need one (LBFGS) cannot race this way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
from typing import Any, NamedTuple

import numpy as np

from race.errors import HyperparameterError, RaceError
from race.optimizers.base import Optimizer
from race.optimizers.custom import check_name

# Constructor arguments about how torch computes, not what: never hyperparameters of a race.
IMPLEMENTATION_FLAGS = {"self", "params", "foreach", "fused", "capturable", "differentiable"}


class TorchState(NamedTuple):
    optimizer: Any                   # the torch optimizer, stepped in place
    tensors: tuple                   # one float64 tensor per start
    accumulator: np.ndarray | None   # (n, 2) copies of state entries, for the frames
    velocity: np.ndarray | None


def import_torch():
    try:
        import torch
    except ImportError:
        raise RaceError("a torch optimizer needs torch: pip install torch") from None
    return torch


@contextlib.contextmanager
def float64_default(torch):
    """torch's scalar state (step counts, NAdam's mu_product) in float64 too, as the built-ins
    are checked against; the caller's default dtype is restored afterwards."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(before)


def from_torch(cls: type, *, name: str | None = None, accumulator: str | None = None,
               velocity: str | None = None) -> Optimizer:
    """An Optimizer record that steps ``cls`` (a ``torch.optim.Optimizer`` subclass), named
    ``name`` or the class name in lower case (with ``torch-`` before a built-in's name).

    ``accumulator`` and ``velocity`` name entries of torch's per-parameter state (e.g.
    ``"exp_avg_sq"`` and ``"exp_avg"``) to draw as squares and momentum arrows.
    """
    torch = import_torch()
    if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)):
        raise RaceError(f"expected a torch.optim.Optimizer subclass, got {cls!r}")
    if name is None:     # torch.optim.Adam races as 'torch-adam' beside our 'adam'
        from race.optimizers import OPTIMIZERS

        name = cls.__name__.lower()
        name = f"torch-{name}" if name in OPTIMIZERS else name
    name = check_name(name)
    config = _config_class(cls, torch)

    def init(params: np.ndarray, settings) -> TorchState:
        tensors = tuple(torch.tensor(row, dtype=torch.float64, requires_grad=True)
                        for row in params)
        with float64_default(torch):
            optimizer = cls(list(tensors), **_kwargs(settings))
        empty = np.zeros_like(params)
        return TorchState(optimizer, tensors, None if accumulator is None else empty,
                          None if velocity is None else empty)

    def update(params: np.ndarray, grads: np.ndarray, state: TorchState,
               settings) -> tuple[np.ndarray, TorchState]:
        group = state.optimizer.param_groups[0]
        for key, value in _kwargs(settings).items():   # what a schedule changed
            if key in group and group[key] != value:
                group[key] = value
        with torch.no_grad():
            for tensor, row, grad in zip(state.tensors, params, grads):
                tensor.copy_(torch.from_numpy(np.array(row)))
                tensor.grad = torch.from_numpy(np.array(grad))
        with float64_default(torch):
            state.optimizer.step()
        new_params = np.stack([t.detach().numpy().copy() for t in state.tensors])
        return new_params, TorchState(state.optimizer, state.tensors,
                                      _read(state, accumulator), _read(state, velocity))

    doc = (inspect.getdoc(cls) or "").strip().splitlines()
    return Optimizer(name, config, init, update, lambda s: s.accumulator,
                     lambda s: s.velocity, doc[0] if doc else "", cls.__name__)


def _read(state: TorchState, key: str | None) -> np.ndarray | None:
    if key is None:
        return None
    rows = []
    for tensor in state.tensors:
        value = state.optimizer.state.get(tensor, {}).get(key)
        rows.append(np.zeros(2) if value is None else np.asarray(value.detach(), np.float64))
    return np.stack(rows)


def _kwargs(settings) -> dict[str, Any]:
    """The constructor's keyword arguments; whole floats go back to int where the default was
    an int (a scene reads every number as a float)."""
    values = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if f.metadata.get("int") and isinstance(value, float) and value.is_integer():
            value = int(value)
        values[f.name] = value
    return values


def _hint(default: Any) -> Any:
    """The annotation the loader converts a racer's value by, from torch's default."""
    if isinstance(default, bool):
        return bool
    if isinstance(default, str):
        return str
    if isinstance(default, tuple) and default:
        return tuple[tuple(_hint(v) for v in default)]
    if default is None:
        return float | None
    return float


def _number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, tuple):
        return tuple(_number(v) for v in value)
    return value


def _config_class(cls: type, torch) -> type:
    """A frozen dataclass of ``cls``'s keyword arguments and defaults, whose construction
    runs torch's own checks on them (a dummy parameter; torch's message, one line)."""
    fields = []
    for parameter in inspect.signature(cls.__init__).parameters.values():
        if parameter.name in IMPLEMENTATION_FLAGS or parameter.kind in (
                parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        default = parameter.default
        is_int = isinstance(default, int) and not isinstance(default, bool)
        if isinstance(default, torch.Tensor):
            default = float(default)
        if default is inspect.Parameter.empty:
            fields.append((parameter.name, float, dataclasses.field(metadata={})))
        else:
            default = _number(default)
            fields.append((parameter.name, _hint(default),
                           dataclasses.field(default=default, metadata={"int": is_int})))

    def check(settings) -> None:
        try:
            with float64_default(torch):
                cls([torch.zeros(2, dtype=torch.float64, requires_grad=True)],
                    **_kwargs(settings))
        except (ValueError, TypeError) as error:
            raise HyperparameterError(_blame(settings, str(error)), str(error)) from None

    return dataclasses.make_dataclass(f"{cls.__name__}Config", fields, frozen=True,
                                      kw_only=True, namespace={"__post_init__": check})


def _blame(settings, message: str) -> str:
    """The key a torch message is most likely about: a changed value it quotes, else the first
    changed value."""
    changed = [f.name for f in dataclasses.fields(settings)
               if f.default is dataclasses.MISSING or getattr(settings, f.name) != f.default]
    for key in changed:
        if str(getattr(settings, key)) in message or key in message:
            return key
    return changed[0] if changed else "optimizer"
