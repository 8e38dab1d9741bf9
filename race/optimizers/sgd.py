"""SGD, with optional momentum, dampening and Nesterov momentum: ``torch.optim.SGD``.

    g ← ±∇f(θ) + λ θ
    b ← g on the first step, then b ← μ b + (1 - τ) g        (if μ ≠ 0)
    d ← g + μ b if nesterov, else b                           (if μ ≠ 0; else d ← g)
    θ ← θ - lr · d
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from race.optimizers import common, terms


class SGDState(NamedTuple):
    momentum_steps: int  # steps taken with momentum: torch starts the buffer at the first
    momentum_buffer: np.ndarray | None  # None when momentum is 0


@dataclass(frozen=True)
class SGDConfig:
    lr: float = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False
    maximize: bool = False

    def __post_init__(self) -> None:
        common.non_negative(self, common.LR, common.MOMENTUM, common.WEIGHT_DECAY)
        if self.nesterov:
            message = "Nesterov momentum requires a momentum and zero dampening"
            common.require(self.momentum > 0, "momentum", message)
            common.require(self.dampening == 0, "dampening", message)


@dataclass(frozen=True)
class MomentumConfig(SGDConfig):
    """``torch.optim.SGD`` with ``momentum=0.9``."""

    momentum: float = 0.9


@dataclass(frozen=True)
class NesterovConfig(SGDConfig):
    """``torch.optim.SGD`` with ``momentum=0.9, nesterov=True``."""

    momentum: float = 0.9
    nesterov: bool = True


def init(params: np.ndarray, config: SGDConfig) -> SGDState:
    return SGDState(0, np.zeros_like(params) if config.momentum != 0 else None)


def update(params: np.ndarray, grads: np.ndarray, state: SGDState,
           config: SGDConfig) -> tuple[np.ndarray, SGDState]:
    new_params, new_state, _, _ = _step(params, grads, state, config)
    return new_params, new_state


def explain(params: np.ndarray, grads: np.ndarray, state: SGDState,
            config: SGDConfig) -> terms.Explained:
    new_params, new_state, g, direction = _step(params, grads, state, config)
    parts = [terms.Term(terms.LR, config.lr), terms.Term(terms.gradient_notation(config), g)]
    rule = r"-\mathrm{lr}\, g"
    if config.momentum != 0:
        damped = "g" if config.dampening == 0 else r"(1-\tau) g"
        parts.append(terms.Term(f"$b \\leftarrow \\mu b + {damped}$", new_state.momentum_buffer))
        rule = r"-\mathrm{lr}\, b"
        if config.nesterov:
            parts.append(terms.Term(r"$d = g + \mu b$", direction))
            rule = r"-\mathrm{lr}\, d"
    parts.append(terms.update_term(new_params, params, rule))
    return new_params, new_state, tuple(parts)


def _step(params, grads, state: SGDState, config: SGDConfig):
    """The step, and what it was made of: (θ, state, g, the direction θ moves against)."""
    g = common.gradient(params, grads, config.weight_decay, config.maximize)
    buf = state.momentum_buffer
    if config.momentum != 0:
        # b ← g on the first step that has momentum (a schedule may set it later in the run)
        buf = common.momentum_trace(buf, g, config.momentum, config.dampening,
                                    state.momentum_steps == 0)
        direction = g + config.momentum * buf if config.nesterov else buf
        return (params + (-config.lr) * direction, SGDState(state.momentum_steps + 1, buf),
                g, direction)
    return params + (-config.lr) * g, SGDState(state.momentum_steps, buf), g, g


def velocity(state: SGDState) -> np.ndarray | None:
    return state.momentum_buffer


def accumulator(state: SGDState) -> None:
    return None
