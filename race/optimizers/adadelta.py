"""Adadelta: ``torch.optim.Adadelta`` (Zeiler, 2012). ε sits inside both square roots.

    g ← ±∇f(θ) + λ θ
    v ← ρ v + (1 - ρ) g²
    Δ ← √(u + ε) / √(v + ε) · g
    u ← ρ u + (1 - ρ) Δ²
    θ ← θ - lr · Δ
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from race.optimizers import common, terms


class AdadeltaState(NamedTuple):
    square_avg: np.ndarray  # v: moving average of g²
    acc_delta: np.ndarray   # u: moving average of Δ²


@dataclass(frozen=True)
class AdadeltaConfig:
    lr: float = 1.0
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0.0
    maximize: bool = False

    def __post_init__(self) -> None:
        common.non_negative(self, common.LR)
        common.require(0.0 <= self.rho <= 1.0, "rho", f"Invalid rho value: {self.rho}")
        common.non_negative(self, common.EPS, common.WEIGHT_DECAY)


def init(params: np.ndarray, config: AdadeltaConfig) -> AdadeltaState:
    return AdadeltaState(np.zeros_like(params), np.zeros_like(params))


def update(params: np.ndarray, grads: np.ndarray, state: AdadeltaState,
           config: AdadeltaConfig) -> tuple[np.ndarray, AdadeltaState]:
    new_params, new_state, _, _, _ = _step(params, grads, state, config)
    return new_params, new_state


def explain(params: np.ndarray, grads: np.ndarray, state: AdadeltaState,
            config: AdadeltaConfig) -> terms.Explained:
    new_params, new_state, g, ratio, delta = _step(params, grads, state, config)
    return new_params, new_state, (
        terms.Term(terms.LR, config.lr),
        terms.Term(terms.gradient_notation(config), g),
        terms.Term(r"$v \leftarrow \rho v + (1-\rho) g^2$", new_state.square_avg),
        terms.Term(r"$\eta = \mathrm{lr}\sqrt{u + \epsilon}/\sqrt{v + \epsilon}$",
                   config.lr * ratio),
        terms.Term(r"$\Delta = \sqrt{u + \epsilon}/\sqrt{v + \epsilon}\; g$", delta),
        terms.Term(r"$u \leftarrow \rho u + (1-\rho) \Delta^2$", new_state.acc_delta),
        terms.update_term(new_params, params, r"-\mathrm{lr}\, \Delta"))


def _step(params, grads, state: AdadeltaState, config: AdadeltaConfig):
    """The step, and what it was made of: (θ, state, g, √(u+ε)/√(v+ε), Δ)."""
    g = common.gradient(params, grads, config.weight_decay, config.maximize)
    square_avg = common.ema_squares(state.square_avg, g, config.rho)
    ratio = np.sqrt(state.acc_delta + config.eps) / np.sqrt(square_avg + config.eps)
    delta = ratio * g
    acc_delta = common.ema_squares(state.acc_delta, delta, config.rho)
    return (params + (-config.lr) * delta, AdadeltaState(square_avg, acc_delta), g, ratio,
            delta)


def accumulator(state: AdadeltaState) -> np.ndarray:
    return state.square_avg


def velocity(state: AdadeltaState) -> None:
    return None
