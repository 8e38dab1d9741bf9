"""Adafactor: ``torch.optim.Adafactor`` (Shazeer & Stern, 2018), as torch runs it on a vector.

A racer's point is a 2-vector, so torch keeps Adafactor's unfactored second moment (the row
and column factors are for matrices). Per start (one tensor each), with t counting from 1:

    g ← ±∇f(θ)
    ρ ← min(lr, 1/√t);  a ← max(ε₂, ‖θ‖/√2) · ρ           (relative step size, from θ before decay)
    θ ← θ (1 - lr λ)                                      (decoupled weight decay)
    v ← v + t^(beta2_decay) · (g² - v)                    (v = g² after the first step)
    u ← g / √max(v, ε₁²)
    θ ← θ - a / max(1, ‖u‖ / (√2 d)) · u                  (update clipped to RMS d)

ε₁ = None means the float64 machine epsilon, as torch takes ``finfo(dtype).eps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from race.optimizers import common

SIZE_ROOT = 2 ** 0.5  # √(param.numel()) for a 2-vector


class AdafactorState(NamedTuple):
    step: int
    variance: np.ndarray


@dataclass(frozen=True)
class AdafactorConfig:
    lr: float = 1e-2
    beta2_decay: float = -0.8
    eps: tuple[float | None, float] = (None, 1e-3)
    d: float = 1.0
    weight_decay: float = 0.0
    maximize: bool = False

    def __post_init__(self) -> None:
        lr, (eps1, eps2) = self.lr, self.eps
        common.require(0.0 <= lr, "lr", f"Learning rate should be >= 0 but is: {lr}")
        common.require(0.0 >= self.beta2_decay, "beta2_decay",
                       f"beta2_decay should be <= 0 but is: {self.beta2_decay}")
        common.require(eps1 is None or 0.0 <= eps1, "eps",
                       f"epsilon1 should be >= 0 but is: {eps1}")
        common.require(0.0 <= eps2, "eps", f"epsilon2 should be >= 0 but is: {eps2}")
        common.require(1.0 <= self.d, "d", f"Clipping threshold d should be >= 1 but is: {self.d}")
        common.require(0.0 <= self.weight_decay, "weight_decay",
                       f"weight_decay should be >= 0 but is: {self.weight_decay}")


def init(params: np.ndarray, config: AdafactorConfig) -> AdafactorState:
    return AdafactorState(0, np.zeros_like(params))


def update(params: np.ndarray, grads: np.ndarray, state: AdafactorState,
           config: AdafactorConfig) -> tuple[np.ndarray, AdafactorState]:
    step = state.step + 1
    eps1, eps2 = config.eps
    if eps1 is None:
        eps1 = float(np.finfo(np.float64).eps)
    g = -grads if config.maximize else grads
    t = float(step)
    one_minus_beta2 = t ** config.beta2_decay
    rho = min(config.lr, 1 / (t ** 0.5))
    alpha = np.maximum(eps2, _norm(params) / SIZE_ROOT) * rho
    if config.weight_decay != 0:
        params = params * (1 - config.lr * config.weight_decay)
    variance = common.lerp(state.variance, g * g, one_minus_beta2)
    u = 1.0 / np.sqrt(np.maximum(variance, eps1 * eps1)) * g
    denom = np.maximum(1.0, _norm(u) / (SIZE_ROOT * config.d))
    return common.fma(u, -alpha / denom, params), AdafactorState(step, variance)


def _norm(rows: np.ndarray) -> np.ndarray:
    """Each row's Euclidean norm, shape (n, 1): torch's per-tensor ``norm(2)``, which for a
    2-vector is √fma(y, y, x²). Adafactor steps a fixed distance in the direction of g/√v, so
    its path is chaotic where a valley bends and one last bit of difference grows."""
    x, y = rows[:, :1], rows[:, 1:]
    return np.sqrt(common.fma(y, y, x * x))


def accumulator(state: AdafactorState) -> np.ndarray:
    return state.variance


def velocity(state: AdafactorState) -> None:
    return None
