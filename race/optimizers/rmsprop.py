"""RMSprop: ``torch.optim.RMSprop`` (Hinton, lecture 6e; centered form from Graves, 2013).

    g ← ±∇f(θ) + λ θ
    v ← α v + (1 - α) g²
    m ← α m + (1 - α) g,  r ← √(v - m²)      if centered, else r ← √v
    b ← μ b + g / (r + ε),  θ ← θ - lr · b   if μ > 0 (b starts at 0)
    θ ← θ - lr · g / (r + ε)                 otherwise
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from race.optimizers import common, terms


class RMSpropState(NamedTuple):
    square_avg: np.ndarray
    momentum_buffer: np.ndarray | None  # None unless momentum > 0
    grad_avg: np.ndarray | None         # None unless centered


@dataclass(frozen=True)
class RMSpropConfig:
    lr: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False
    maximize: bool = False

    def __post_init__(self) -> None:
        common.non_negative(self, common.LR, common.EPS, common.MOMENTUM, common.WEIGHT_DECAY,
                            ("alpha", "alpha value"))


def init(params: np.ndarray, config: RMSpropConfig) -> RMSpropState:
    return RMSpropState(np.zeros_like(params),
                        np.zeros_like(params) if config.momentum > 0 else None,
                        np.zeros_like(params) if config.centered else None)


def update(params: np.ndarray, grads: np.ndarray, state: RMSpropState,
           config: RMSpropConfig) -> tuple[np.ndarray, RMSpropState]:
    new_params, new_state, _, _ = _step(params, grads, state, config)
    return new_params, new_state


def explain(params: np.ndarray, grads: np.ndarray, state: RMSpropState,
            config: RMSpropConfig) -> terms.Explained:
    new_params, new_state, g, avg = _step(params, grads, state, config)
    parts = [terms.Term(terms.LR, config.lr), terms.Term(terms.gradient_notation(config), g),
             terms.Term(r"$v \leftarrow \alpha v + (1-\alpha) g^2$", new_state.square_avg)]
    root = r"\sqrt{v}"
    if config.centered:
        parts.append(terms.Term(r"$\bar{g} \leftarrow \alpha \bar{g} + (1-\alpha) g$",
                                new_state.grad_avg))
        root = r"\sqrt{v - \bar{g}^2}"
    parts.append(terms.Term(f"$\\eta = \\mathrm{{lr}}/({root} + \\epsilon)$", config.lr / avg))
    if config.momentum > 0:
        parts.append(terms.Term(f"$b \\leftarrow \\mu b + g/({root} + \\epsilon)$",
                                new_state.momentum_buffer))
        rule = r"-\mathrm{lr}\, b"
    else:
        rule = r"-\eta\, g"
    parts.append(terms.update_term(new_params, params, rule))
    return new_params, new_state, tuple(parts)


def _step(params, grads, state: RMSpropState, config: RMSpropConfig):
    """The step, and what it was made of: (θ, state, g, the root it divides by plus ε)."""
    g = common.gradient(params, grads, config.weight_decay, config.maximize)
    square_avg = common.ema_squares(state.square_avg, g, config.alpha)
    grad_avg = state.grad_avg
    if config.centered:
        grad_avg = common.lerp(grad_avg, g, 1 - config.alpha)
        avg = np.sqrt(square_avg - grad_avg * grad_avg) + config.eps
    else:
        avg = np.sqrt(square_avg) + config.eps
    buf = state.momentum_buffer
    if config.momentum > 0:
        buf = buf * config.momentum + g / avg
        params = params + (-config.lr) * buf
    else:
        params = params + (-config.lr) * g / avg
    return params, RMSpropState(square_avg, buf, grad_avg), g, avg


def accumulator(state: RMSpropState) -> np.ndarray:
    return state.square_avg


def velocity(state: RMSpropState) -> np.ndarray | None:
    return state.momentum_buffer
