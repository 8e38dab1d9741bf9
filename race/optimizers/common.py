"""The pieces torch.optim's update rules share, each written once.

Every function is pure and vectorized: arrays are (n, 2), one row per racer-start, and the
arithmetic is done in the same order as torch's kernels so that float64 results agree with
torch to the last few bits (``a.addcmul_(b, c, value=v)`` is ``a + v * b * c``,
``a.addcdiv_(b, c, value=v)`` is ``a + v * b / c``).
"""

from __future__ import annotations

import numpy as np

from race.errors import HyperparameterError


def gradient(params: np.ndarray, grads: np.ndarray, weight_decay: float,
             maximize: bool) -> np.ndarray:
    """The gradient the rule sees: ``g = ±grad + weight_decay * θ`` (coupled L2 weight decay)."""
    g = -grads if maximize else grads
    if weight_decay != 0:
        g = g + weight_decay * params
    return g


def decay_weights(params: np.ndarray, lr: float, weight_decay: float) -> np.ndarray:
    """Decoupled weight decay (AdamW): ``θ ← θ (1 - lr · weight_decay)``."""
    return params * (1 - lr * weight_decay) if weight_decay != 0 else params


def momentum_trace(buf: np.ndarray, g: np.ndarray, momentum: float, dampening: float,
                   first: bool) -> np.ndarray:
    """SGD's momentum buffer: ``b ← g`` on the first step, then ``b ← μ b + (1 - τ) g``."""
    if first:
        return g.copy()
    return buf * momentum + (1 - dampening) * g


def ema_squares(avg: np.ndarray, g: np.ndarray, decay: float) -> np.ndarray:
    """Moving average of squares: ``v ← decay · v + (1 - decay) · g²``."""
    return avg * decay + (1 - decay) * g * g


def lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """``start + weight · (end - start)``, evaluated as torch's ``lerp_`` evaluates it.

    Used for first moments: ``m ← lerp(m, g, 1 - β)`` is ``β m + (1 - β) g``.
    """
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


# Dekker's splitter for float64: 2^27 + 1 cuts a double into two halves of 26 bits each.
SPLITTER = 134217729.0


def fma(a: np.ndarray, b: np.ndarray | float, c: np.ndarray) -> np.ndarray:
    """``a · b + c`` rounded once, as a fused multiply-add: how torch's CPU kernels compute
    ``c.add_(a, alpha=b)`` and a 2-vector's ``norm`` (``√fma(y, y, x²)``). numpy has no fma,
    so it is built from error-free products and sums (Dekker, Knuth); it agrees with exact
    rounding on every case we have tried, including near-cancellation. It costs about ten
    operations, so it is used only where a rule's last bits decide its path (Adafactor)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    product = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    product_error = ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    total = c + product
    back = total - c
    sum_error = (c - (total - back)) + (product - back)
    return total + (sum_error + product_error)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scaled = SPLITTER * a
    high = scaled - (scaled - a)
    return high, a - high


def require(ok: bool, key: str, message: str) -> None:
    """Raise ``HyperparameterError(key, message)`` unless ``ok``."""
    if not ok:
        raise HyperparameterError(key, message)


def non_negative(config, *checks: tuple[str, str]) -> None:
    """Reject negative (or NaN) values, worded as torch words them.

    Each check is ``(field, what)``, e.g. ``("lr", "learning rate")`` gives
    ``Invalid learning rate: -1.0``.
    """
    for key, what in checks:
        value = getattr(config, key)
        require(0.0 <= value, key, f"Invalid {what}: {value}")


def betas(config) -> None:
    """Torch's checks on ``betas``: a pair, each in [0, 1)."""
    require(len(config.betas) == 2, "betas",
            f"betas must be a pair of floats, got {config.betas!r}")
    for index, beta in enumerate(config.betas):
        require(0.0 <= beta < 1.0, "betas", f"Invalid beta parameter at index {index}: {beta}")


LR = ("lr", "learning rate")
EPS = ("eps", "epsilon value")
WEIGHT_DECAY = ("weight_decay", "weight_decay value")
MOMENTUM = ("momentum", "momentum value")
