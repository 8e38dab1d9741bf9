"""ASGD: ``torch.optim.ASGD``, averaged stochastic gradient descent (Polyak & Juditsky, 1992).

SGD with a decaying step and a slight pull towards zero, which also keeps a running average
``ax`` of the points visited (torch's state, not the point that moves: the race shows θ):

    g ← ±∇f(θ) + λ_wd θ
    θ ← θ (1 - λ η);  θ ← θ - η g
    ax ← θ if μ = 1, else ax + μ (θ - ax)
    η ← lr / (1 + λ lr t)^α;  μ ← 1 / max(1, t - t₀)      (t counts steps from 1)

η starts at lr, so the first step is plain SGD's (times 1 - λ lr).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from race.optimizers import common


class ASGDState(NamedTuple):
    step: int
    eta: float   # the step size η of the next update
    mu: float    # the averaging weight μ of the next update
    ax: np.ndarray


@dataclass(frozen=True)
class ASGDConfig:
    lr: float = 1e-2
    lambd: float = 1e-4
    alpha: float = 0.75
    t0: float = 1e6
    weight_decay: float = 0.0
    maximize: bool = False

    def __post_init__(self) -> None:
        common.non_negative(self, common.LR, common.WEIGHT_DECAY)


def init(params: np.ndarray, config: ASGDConfig) -> ASGDState:
    return ASGDState(0, config.lr, 1.0, np.zeros_like(params))


def update(params: np.ndarray, grads: np.ndarray, state: ASGDState,
           config: ASGDConfig) -> tuple[np.ndarray, ASGDState]:
    step = state.step + 1
    g = common.gradient(params, grads, config.weight_decay, config.maximize)
    eta = state.eta
    params = params * (1 - config.lambd * eta)
    params = params + (-eta) * g
    ax = state.ax + (params - state.ax) * state.mu if state.mu != 1 else params.copy()
    lr = config.lr
    new_eta = lr / ((1 + config.lambd * lr * float(step)) ** config.alpha)
    new_mu = 1 / max(1, float(step) - config.t0)
    return params, ASGDState(step, new_eta, new_mu, ax)


def accumulator(state: ASGDState) -> None:
    return None


def velocity(state: ASGDState) -> None:
    return None
