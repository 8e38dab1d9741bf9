"""An update taken apart into its rule's quantities, for the step-by-step explainer.

An optimizer may offer ``explain(params, grads, state, config)``: the same step as its
``update`` (the same arithmetic on the same values, so the same bits) that also returns the
quantities the step was made of, each a ``Term`` in the rule's own notation: the gradient g,
the accumulator, the effective step size per axis, the update Δθ. Optimizers without one are
explained by ``generic``: g, lr, their accumulator and momentum if they keep one, and Δθ.

Notation is matplotlib mathtext (TeX-like), e.g. ``$G \\leftarrow G + g^2$``. Δθ is always the
last term and always ``new θ - θ``, computed from the step's own result: exactly the move the
racer made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

# Notation shared by several rules
LR = r"$\mathrm{lr}$"
STEP = r"$\Delta\theta$"


@dataclass(frozen=True)
class Term:
    """One quantity of an update: its notation (the symbol and how this step computed it) and
    its value, per axis (an (n, 2) array, one row per start) or one number for both axes."""

    notation: str
    value: np.ndarray | float


Explained = tuple[np.ndarray, Any, tuple[Term, ...]]   # new params, new state, the terms
Explain = Callable[[np.ndarray, np.ndarray, Any, Any], Explained]


def gradient_notation(config) -> str:
    """How the rule's g is made from the surface's gradient (sign, coupled weight decay)."""
    base = r"-\nabla f(\theta)" if getattr(config, "maximize", False) else r"\nabla f(\theta)"
    if getattr(config, "weight_decay", 0) and not decoupled(config):
        base += r" + \lambda\theta"
    return f"$g = {base}$"


def decoupled(config) -> bool:
    """True when weight decay is applied to θ directly (AdamW), not added to g."""
    return type(config).__name__ == "AdamWConfig" or getattr(config, "decoupled_weight_decay",
                                                               False)


def update_term(new_params: np.ndarray, params: np.ndarray, rule: str) -> Term:
    """Δθ as the rule writes it (``rule``, e.g. ``-\\eta g``), valued as the move made."""
    return Term(f"$\\Delta\\theta = {rule}$" if rule else STEP, new_params - params)


def explainer(optimizer) -> Explain:
    """``optimizer``'s own ``explain``, else ``generic``'s."""
    return optimizer.explain if optimizer.explain is not None else generic(optimizer)


def generic(optimizer) -> Explain:
    """An explainer for any optimizer: the gradient it was given, its lr, its accumulator and
    momentum (when it keeps them), and Δθ."""

    def explain(params, grads, state, config) -> Explained:
        new_params, new_state = optimizer.update(params, grads, state, config)
        terms = [Term(r"$\nabla f(\theta)$", grads)]
        lr = getattr(config, "lr", None)
        if isinstance(lr, (int, float)) and not isinstance(lr, bool):
            terms.insert(0, Term(LR, float(lr)))
        accumulated = optimizer.accumulator(new_state)
        if accumulated is not None:
            terms.append(Term(r"accumulated $g^2$", np.asarray(accumulated, dtype=float)))
        momentum = optimizer.velocity(new_state)
        if momentum is not None:
            terms.append(Term("momentum", np.asarray(momentum, dtype=float)))
        terms.append(update_term(new_params, params, ""))
        return new_params, new_state, tuple(terms)

    return explain
