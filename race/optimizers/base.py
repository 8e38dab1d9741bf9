"""The Optimizer record: a torch.optim optimizer as a pair of pure functions over numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable

import numpy as np

State = Any  # each optimizer's own small NamedTuple of arrays


@dataclass(frozen=True)
class Optimizer:
    """One named optimizer.

    - ``config`` is a frozen dataclass whose field names and defaults are exactly torch.optim's
      hyperparameters; constructing it with a bad value raises ``HyperparameterError``.
    - ``init(params, config)`` builds the state for params of shape (n, 2): n racer-starts.
    - ``update(params, grads, state, config)`` returns (new_params, new_state), as one
      ``optimizer.step()`` of torch with ``p.grad = grads``. Pure: inputs are never modified.
    - ``accumulator(state)`` is the per-axis accumulated squared gradient the optimizer divides by
      (Adagrad's running sum, RMSProp/Adadelta/Adam's moving average of g^2), shape (n, 2), or
      None for optimizers that keep none.
    - ``velocity(state)`` is the momentum buffer / first moment, shape (n, 2), or None.
    - ``explain(params, grads, state, config)``, if given, is ``update`` that also returns the
      step's quantities in the rule's notation (``race.optimizers.terms``), for the explainer.
    """

    name: str
    config: type
    init: Callable[[np.ndarray, Any], State]
    update: Callable[[np.ndarray, np.ndarray, State, Any], "tuple[np.ndarray, State]"]
    accumulator: Callable[[State], "np.ndarray | None"]
    velocity: Callable[[State], "np.ndarray | None"]
    rule: str  # the update rule in one line, for `race list optimizers`
    torch_name: str  # the torch.optim class it reproduces, e.g. "Adagrad"
    explain: Callable[..., Any] | None = None

    @property
    def defaults(self) -> dict[str, Any]:
        return {f.name: f.default for f in fields(self.config)}
