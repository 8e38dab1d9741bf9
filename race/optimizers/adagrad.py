"""Adagrad: ``torch.optim.Adagrad`` (Duchi, Hazan & Singer, 2011).

    g ← ±∇f(θ) + λ θ
    s ← s + g²                        (s starts at initial_accumulator_value)
    θ ← θ - lr / (1 + (t - 1) · lr_decay) · g / (√s + ε)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from race.optimizers import common, terms


class AdagradState(NamedTuple):
    step: int
    sum: np.ndarray


@dataclass(frozen=True)
class AdagradConfig:
    lr: float = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10
    maximize: bool = False

    def __post_init__(self) -> None:
        common.non_negative(self, common.LR, ("lr_decay", "lr_decay value"), common.WEIGHT_DECAY,
                            ("initial_accumulator_value", "initial_accumulator_value value"),
                            common.EPS)


def init(params: np.ndarray, config: AdagradConfig) -> AdagradState:
    return AdagradState(0, np.full_like(params, config.initial_accumulator_value))


def update(params: np.ndarray, grads: np.ndarray, state: AdagradState,
           config: AdagradConfig) -> tuple[np.ndarray, AdagradState]:
    step, g, clr, total, denom = _step(params, grads, state, config)
    return params + (-clr) * g / denom, AdagradState(step, total)


def explain(params: np.ndarray, grads: np.ndarray, state: AdagradState,
            config: AdagradConfig) -> terms.Explained:
    step, g, clr, total, denom = _step(params, grads, state, config)
    new_params = params + (-clr) * g / denom
    rate = (terms.Term(terms.LR, clr) if config.lr_decay == 0 else
            terms.Term(r"$\mathrm{lr}_t = \mathrm{lr}/(1 + (t-1)\delta)$", clr))
    rate_name = r"\mathrm{lr}" if config.lr_decay == 0 else r"\mathrm{lr}_t"
    return new_params, AdagradState(step, total), (
        rate,
        terms.Term(terms.gradient_notation(config), g),
        terms.Term(r"$G \leftarrow G + g^2$", total),
        terms.Term(f"$\\eta = {rate_name}/(\\sqrt{{G}} + \\epsilon)$", clr / denom),
        terms.update_term(new_params, params, r"-\eta\, g"))


def _step(params, grads, state: AdagradState, config: AdagradConfig):
    """What the step is made of: (t, g, the lr at t, G, √G + ε)."""
    step = state.step + 1
    g = common.gradient(params, grads, config.weight_decay, config.maximize)
    clr = config.lr / (1 + (step - 1) * config.lr_decay)
    total = state.sum + g * g
    return step, g, clr, total, np.sqrt(total) + config.eps


def accumulator(state: AdagradState) -> np.ndarray:
    return state.sum


def velocity(state: AdagradState) -> None:
    return None
