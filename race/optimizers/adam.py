"""The Adam family: ``torch.optim.Adam``, ``AdamW``, ``NAdam``, ``RAdam`` and ``Adamax``.

All share the prelude and the moments (t counts steps from 1):

    θ ← θ (1 - lr λ)  and  g ← ±∇f(θ)        with decoupled weight decay (AdamW)
    g ← ±∇f(θ) + λ θ                          otherwise
    m ← β₁ m + (1 - β₁) g
    v ← β₂ v + (1 - β₂) g²                    (Adamax keeps u ← max(β₂ u, |g| + ε) instead)

and differ in the step they take from them; each update's docstring gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from race.optimizers import common, terms


class AdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray | None  # None unless amsgrad


class NAdamState(NamedTuple):
    step: int
    mu_product: float  # ∏ μ_i over the steps taken
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class RAdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class AdamaxState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_inf: np.ndarray  # u: exponentially weighted infinity norm


def _check(config, *extra: tuple[str, str]) -> None:
    common.non_negative(config, common.LR, common.EPS)
    common.betas(config)
    common.non_negative(config, common.WEIGHT_DECAY, *extra)


@dataclass(frozen=True)
class AdamConfig:
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    maximize: bool = False
    decoupled_weight_decay: bool = False

    def __post_init__(self) -> None:
        _check(self)


@dataclass(frozen=True)
class AdamWConfig:
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 1e-2
    amsgrad: bool = False
    maximize: bool = False

    def __post_init__(self) -> None:
        _check(self)


@dataclass(frozen=True)
class NAdamConfig:
    lr: float = 2e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum_decay: float = 4e-3
    decoupled_weight_decay: bool = False
    maximize: bool = False

    def __post_init__(self) -> None:
        _check(self, ("momentum_decay", "momentum_decay value"))


@dataclass(frozen=True)
class RAdamConfig:
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    decoupled_weight_decay: bool = False
    maximize: bool = False

    def __post_init__(self) -> None:
        _check(self)


@dataclass(frozen=True)
class AdamaxConfig:
    lr: float = 2e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    maximize: bool = False

    def __post_init__(self) -> None:
        _check(self)


def _prelude(params: np.ndarray, grads: np.ndarray, config,
             decoupled: bool) -> tuple[np.ndarray, np.ndarray]:
    """Weight decay, coupled or decoupled, and the sign: returns (θ, g)."""
    if decoupled:
        params = common.decay_weights(params, config.lr, config.weight_decay)
        return params, common.gradient(params, grads, 0.0, config.maximize)
    return params, common.gradient(params, grads, config.weight_decay, config.maximize)


def _moments(exp_avg: np.ndarray, exp_avg_sq: np.ndarray, g: np.ndarray,
             config) -> tuple[np.ndarray, np.ndarray]:
    beta1, beta2 = config.betas
    return common.lerp(exp_avg, g, 1 - beta1), common.ema_squares(exp_avg_sq, g, beta2)


# Adam and AdamW ------------------------------------------------------------------------------

def init_adam(params: np.ndarray, config: AdamConfig | AdamWConfig) -> AdamState:
    return AdamState(0, np.zeros_like(params), np.zeros_like(params),
                     np.zeros_like(params) if config.amsgrad else None)


def _adam(params, grads, state: AdamState, config, decoupled: bool):
    """The step, and what it was made of: (θ, state, θ after decay, g, lr/(1-β₁ᵗ), denom)."""
    step = state.step + 1
    decayed, g = _prelude(params, grads, config, decoupled)
    exp_avg, exp_avg_sq = _moments(state.exp_avg, state.exp_avg_sq, g, config)
    beta1, beta2 = config.betas
    step_size = config.lr / (1 - beta1 ** step)
    bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
    max_exp_avg_sq = state.max_exp_avg_sq
    if config.amsgrad:
        max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)
        denom = np.sqrt(max_exp_avg_sq) / bias_correction2_sqrt + config.eps
    else:
        denom = np.sqrt(exp_avg_sq) / bias_correction2_sqrt + config.eps
    new_params = decayed + (-step_size) * exp_avg / denom
    return (new_params, AdamState(step, exp_avg, exp_avg_sq, max_exp_avg_sq), decayed, g,
            step_size, denom)


def update_adam(params: np.ndarray, grads: np.ndarray, state: AdamState,
                config: AdamConfig) -> tuple[np.ndarray, AdamState]:
    """Adam (Kingma & Ba, 2015), with AMSGrad's running max v̂ ← max(v̂, v) if amsgrad:

        θ ← θ - lr / (1 - β₁ᵗ) · m / (√v / √(1 - β₂ᵗ) + ε)
    """
    return _adam(params, grads, state, config, config.decoupled_weight_decay)[:2]


def update_adamw(params: np.ndarray, grads: np.ndarray, state: AdamState,
                 config: AdamWConfig) -> tuple[np.ndarray, AdamState]:
    """AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay."""
    return _adam(params, grads, state, config, True)[:2]


def explain_adam(params: np.ndarray, grads: np.ndarray, state: AdamState,
                 config: AdamConfig | AdamWConfig) -> terms.Explained:
    """Adam's and AdamW's step in their notation: m and v, the bias corrections, m̂ and v̂,
    the effective step η = lr/(√v̂ + ε) per axis and Δθ = -η m̂ (less lr·λ·θ when decoupled)."""
    decoupled = terms.decoupled(config)
    new_params, new_state, decayed, g, step_size, denom = _adam(params, grads, state, config,
                                                                decoupled)
    beta1, beta2 = config.betas
    t = new_state.step
    correction1, correction2 = 1 - beta1 ** t, 1 - beta2 ** t
    parts = [terms.Term(terms.LR, config.lr), terms.Term(terms.gradient_notation(config), g)]
    if decoupled and config.weight_decay != 0:
        parts.append(terms.Term(r"decay $-\mathrm{lr}\,\lambda\theta$", decayed - params))
    parts += [terms.Term(r"$m \leftarrow \beta_1 m + (1-\beta_1) g$", new_state.exp_avg),
              terms.Term(r"$v \leftarrow \beta_2 v + (1-\beta_2) g^2$", new_state.exp_avg_sq)]
    second = new_state.exp_avg_sq
    if config.amsgrad:
        second = new_state.max_exp_avg_sq
        parts.append(terms.Term(r"$v_{\max} \leftarrow \max(v_{\max}, v)$", second))
    parts += [terms.Term(r"$1-\beta_1^t$", correction1),
              terms.Term(r"$1-\beta_2^t$", correction2),
              terms.Term(r"$\hat{m} = m/(1-\beta_1^t)$", new_state.exp_avg / correction1),
              terms.Term(r"$\hat{v} = v_{\max}/(1-\beta_2^t)$" if config.amsgrad
                         else r"$\hat{v} = v/(1-\beta_2^t)$", second / correction2),
              terms.Term(r"$\eta = \mathrm{lr}/(\sqrt{\hat{v}} + \epsilon)$",
                         config.lr / denom)]
    rule = r"-\eta\, \hat{m}"
    if decoupled and config.weight_decay != 0:
        rule = r"-\mathrm{lr}\,\lambda\theta - \eta\, \hat{m}"
    parts.append(terms.update_term(new_params, params, rule))
    return new_params, new_state, tuple(parts)


def accumulator_adam(state: AdamState) -> np.ndarray:
    return state.exp_avg_sq if state.max_exp_avg_sq is None else state.max_exp_avg_sq


# NAdam ---------------------------------------------------------------------------------------

def init_nadam(params: np.ndarray, config: NAdamConfig) -> NAdamState:
    return NAdamState(0, 1.0, np.zeros_like(params), np.zeros_like(params))


def update_nadam(params: np.ndarray, grads: np.ndarray, state: NAdamState,
                 config: NAdamConfig) -> tuple[np.ndarray, NAdamState]:
    """NAdam (Dozat, 2016), with μₜ = β₁ (1 - ½ · 0.96^(t · momentum_decay)):

        θ ← θ - lr (1 - μₜ) / (1 - ∏ᵢ≤ₜ μᵢ) · g / d - lr μₜ₊₁ / (1 - ∏ᵢ≤ₜ₊₁ μᵢ) · m / d
        where d = √(v / (1 - β₂ᵗ)) + ε
    """
    step = state.step + 1
    beta1, beta2 = config.betas
    lr = config.lr
    params, g = _prelude(params, grads, config, config.decoupled_weight_decay)
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * config.momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * config.momentum_decay)))
    mu_product = state.mu_product * mu
    mu_product_next = mu_product * mu_next
    exp_avg, exp_avg_sq = _moments(state.exp_avg, state.exp_avg_sq, g, config)
    denom = np.sqrt(exp_avg_sq / (1 - beta2 ** step)) + config.eps
    params = params + (-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
    params = params + ((-lr * mu_next) / (1.0 - mu_product_next)) * exp_avg / denom
    return params, NAdamState(step, mu_product, exp_avg, exp_avg_sq)


# RAdam ---------------------------------------------------------------------------------------

def init_radam(params: np.ndarray, config: RAdamConfig) -> RAdamState:
    return RAdamState(0, np.zeros_like(params), np.zeros_like(params))


def update_radam(params: np.ndarray, grads: np.ndarray, state: RAdamState,
                 config: RAdamConfig) -> tuple[np.ndarray, RAdamState]:
    """RAdam (Liu et al., 2020), with ρ∞ = 2 / (1 - β₂) - 1 and ρₜ = ρ∞ - 2t β₂ᵗ / (1 - β₂ᵗ):

        m̂ = m / (1 - β₁ᵗ)
        θ ← θ - lr · m̂ · √(1 - β₂ᵗ) / (√v + ε) · rₜ   if ρₜ > 5, with
            rₜ = √((ρₜ - 4)(ρₜ - 2) ρ∞ / ((ρ∞ - 4)(ρ∞ - 2) ρₜ))
        θ ← θ - lr · m̂                                 otherwise
    """
    step = state.step + 1
    beta1, beta2 = config.betas
    params, g = _prelude(params, grads, config, config.decoupled_weight_decay)
    exp_avg, exp_avg_sq = _moments(state.exp_avg, state.exp_avg_sq, g, config)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    corrected = exp_avg / bias_correction1
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    if rho_t > 5.0:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive_lr = (bias_correction2 ** 0.5) / (np.sqrt(exp_avg_sq) + config.eps)
        params = params - corrected * config.lr * adaptive_lr * rect
    else:
        params = params - corrected * config.lr
    return params, RAdamState(step, exp_avg, exp_avg_sq)


# Adamax --------------------------------------------------------------------------------------

def init_adamax(params: np.ndarray, config: AdamaxConfig) -> AdamaxState:
    return AdamaxState(0, np.zeros_like(params), np.zeros_like(params))


def update_adamax(params: np.ndarray, grads: np.ndarray, state: AdamaxState,
                  config: AdamaxConfig) -> tuple[np.ndarray, AdamaxState]:
    """Adamax (Kingma & Ba, 2015, section 7.1):

        u ← max(β₂ u, |g| + ε)
        θ ← θ - lr / (1 - β₁ᵗ) · m / u
    """
    step = state.step + 1
    beta1, beta2 = config.betas
    params, g = _prelude(params, grads, config, False)
    exp_avg = common.lerp(state.exp_avg, g, 1 - beta1)
    exp_inf = np.maximum(state.exp_inf * beta2, np.abs(g) + config.eps)
    params = params + (-(config.lr / (1 - beta1 ** step))) * exp_avg / exp_inf
    return params, AdamaxState(step, exp_avg, exp_inf)


def accumulator_adamax(state: AdamaxState) -> np.ndarray:
    """u², so that its square root is what Adamax divides by, as for the rest of the family."""
    return state.exp_inf * state.exp_inf


def first_moment(state) -> np.ndarray:
    """m, every family member's velocity."""
    return state.exp_avg


def second_moment(state) -> np.ndarray:
    """v, NAdam's and RAdam's accumulator."""
    return state.exp_avg_sq
