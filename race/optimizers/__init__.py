"""The optimizer registry: every racer names one of these, by its registry name."""

from __future__ import annotations

from race.optimizers import adadelta, adafactor, adagrad, adam, asgd, rmsprop, rprop, sgd
from race.optimizers.base import Optimizer

OPTIMIZERS: dict[str, Optimizer] = {o.name: o for o in (
    Optimizer("sgd", sgd.SGDConfig, sgd.init, sgd.update, sgd.accumulator, sgd.velocity,
              "θ ← θ - lr·g (momentum, dampening, nesterov optional)", "SGD", sgd.explain),
    Optimizer("momentum", sgd.MomentumConfig, sgd.init, sgd.update, sgd.accumulator,
              sgd.velocity, "b ← μb + g (b = g at first);  θ ← θ - lr·b", "SGD", sgd.explain),
    Optimizer("nesterov", sgd.NesterovConfig, sgd.init, sgd.update, sgd.accumulator,
              sgd.velocity, "b ← μb + g (b = g at first);  θ ← θ - lr·(g + μb)", "SGD",
              sgd.explain),
    Optimizer("adagrad", adagrad.AdagradConfig, adagrad.init, adagrad.update,
              adagrad.accumulator, adagrad.velocity,
              "s ← s + g²;  θ ← θ - lr/(1 + (t-1)·lr_decay) · g/(√s + ε)", "Adagrad",
              adagrad.explain),
    Optimizer("rmsprop", rmsprop.RMSpropConfig, rmsprop.init, rmsprop.update,
              rmsprop.accumulator, rmsprop.velocity,
              "v ← αv + (1-α)g²;  θ ← θ - lr · g/(√v + ε)", "RMSprop", rmsprop.explain),
    Optimizer("adadelta", adadelta.AdadeltaConfig, adadelta.init, adadelta.update,
              adadelta.accumulator, adadelta.velocity,
              "v ← ρv + (1-ρ)g²;  Δ ← √(u+ε)/√(v+ε) · g;  u ← ρu + (1-ρ)Δ²;  θ ← θ - lr·Δ",
              "Adadelta", adadelta.explain),
    Optimizer("adam", adam.AdamConfig, adam.init_adam, adam.update_adam, adam.accumulator_adam,
              adam.first_moment, "θ ← θ - lr/(1-β₁ᵗ) · m/(√v/√(1-β₂ᵗ) + ε)", "Adam",
              adam.explain_adam),
    Optimizer("adamw", adam.AdamWConfig, adam.init_adam, adam.update_adamw,
              adam.accumulator_adam, adam.first_moment,
              "θ ← θ(1 - lr·λ);  then Adam's step without λ in g", "AdamW", adam.explain_adam),
    Optimizer("nadam", adam.NAdamConfig, adam.init_nadam, adam.update_nadam, adam.second_moment,
              adam.first_moment, "Adam with Nesterov momentum: μₜ-weighted g and m over √v̂ + ε",
              "NAdam"),
    Optimizer("radam", adam.RAdamConfig, adam.init_radam, adam.update_radam, adam.second_moment,
              adam.first_moment,
              "Adam rectified: lr·m̂·rₜ·√(1-β₂ᵗ)/(√v + ε) once ρₜ > 5, else lr·m̂",
              "RAdam"),
    Optimizer("adamax", adam.AdamaxConfig, adam.init_adamax, adam.update_adamax,
              adam.accumulator_adamax, adam.first_moment,
              "u ← max(β₂u, |g| + ε);  θ ← θ - lr/(1-β₁ᵗ) · m/u", "Adamax"),
    Optimizer("rprop", rprop.RpropConfig, rprop.init, rprop.update, rprop.accumulator,
              rprop.velocity,
              "s ← clamp(s·η₊ if g keeps its sign, s·η₋ if it flips);  θ ← θ - sign(g)·s",
              "Rprop", rprop.explain),
    Optimizer("asgd", asgd.ASGDConfig, asgd.init, asgd.update, asgd.accumulator, asgd.velocity,
              "θ ← θ(1 - λη) - ηg;  η ← lr/(1 + λ·lr·t)^α;  ax averages θ after t₀",
              "ASGD"),
    Optimizer("adafactor", adafactor.AdafactorConfig, adafactor.init, adafactor.update,
              adafactor.accumulator, adafactor.velocity,
              "v ← v + t^c(g² - v);  θ ← θ - min(lr, 1/√t)·max(ε₂, rms θ) · clip(g/√v)",
              "Adafactor"),
)}


def get_optimizer(name: str) -> Optimizer:
    """The registered optimizer called ``name``; KeyError (listing the known names) if none."""
    try:
        return OPTIMIZERS[name]
    except KeyError:
        raise KeyError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}") from None


__all__ = ["OPTIMIZERS", "Optimizer", "get_optimizer"]
