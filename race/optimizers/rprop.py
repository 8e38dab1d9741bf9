"""Rprop: ``torch.optim.Rprop`` (Riedmiller & Braun, 1993), resilient backpropagation.

Each axis keeps its own step size and looks only at the sign of the gradient:

    g ← ±∇f(θ)
    s ← clamp(s · η₊, min, max)   if g · g_prev > 0   (same sign again: speed up)
    s ← clamp(s · η₋, min, max)   if g · g_prev < 0   (sign flipped: overshot, slow down)
    g ← 0                         where the sign flipped (no move this step)
    θ ← θ - sign(g) · s;  g_prev ← g

The step sizes start at ``lr``; afterwards lr plays no part (a schedule does not move Rprop).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from race.optimizers import common, terms


class RpropState(NamedTuple):
    prev: np.ndarray       # the gradient of the previous step, zeroed where its sign flipped
    step_size: np.ndarray  # s, per axis


@dataclass(frozen=True)
class RpropConfig:
    lr: float = 1e-2
    etas: tuple[float, float] = (0.5, 1.2)
    step_sizes: tuple[float, float] = (1e-6, 50.0)
    maximize: bool = False

    def __post_init__(self) -> None:
        common.non_negative(self, common.LR)
        common.require(len(self.etas) == 2 and 0.0 < self.etas[0] < 1.0 < self.etas[1], "etas",
                       f"Invalid eta values: {self.etas[0]}, {self.etas[-1]}")


def init(params: np.ndarray, config: RpropConfig) -> RpropState:
    return RpropState(np.zeros_like(params), np.full_like(params, config.lr))


def update(params: np.ndarray, grads: np.ndarray, state: RpropState,
           config: RpropConfig) -> tuple[np.ndarray, RpropState]:
    return _step(params, grads, state, config)[:2]


def explain(params: np.ndarray, grads: np.ndarray, state: RpropState,
            config: RpropConfig) -> terms.Explained:
    new_params, new_state, g = _step(params, grads, state, config)
    return new_params, new_state, (
        terms.Term(terms.gradient_notation(config), g),
        terms.Term(r"$s \leftarrow s\,\eta_\pm$ by $g$'s sign", new_state.step_size),
        terms.update_term(new_params, params, r"-\mathrm{sign}(g)\, s"))


def _step(params, grads, state: RpropState, config: RpropConfig):
    """The step, and what it was made of: (θ, state, g as the rule saw it)."""
    etaminus, etaplus = config.etas
    g = -grads if config.maximize else grads
    sign = np.sign(g * state.prev)
    # torch overwrites +1 with η₊, then -1 with η₋, then 0 with 1 (NaN stays NaN)
    factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, np.where(sign == 0, 1.0,
                                                                                 sign)))
    step_size = np.clip(state.step_size * factor, *config.step_sizes)
    zeroed = np.where(factor == etaminus, 0.0, g)
    return (params + (-1.0) * np.sign(zeroed) * step_size, RpropState(zeroed, step_size), g)


def accumulator(state: RpropState) -> None:
    return None


def velocity(state: RpropState) -> None:
    return None
