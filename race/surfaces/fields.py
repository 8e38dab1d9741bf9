"""Shape-keeping wrappers that turn plain numpy formulas into Surface fields.

A formula may return a Python number for a constant part (the y-slope of ``x**2`` is 0);
the wrappers hand back float arrays of the inputs' broadcast shape every time, and keep
numpy's warnings about overflow or 0/0 quiet: a non-finite result is the answer there.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

import numpy as np


def _inputs(x, y) -> tuple[np.ndarray, np.ndarray]:
    return tuple(np.broadcast_arrays(np.asarray(x, dtype=np.float64),
                                     np.asarray(y, dtype=np.float64)))


def _shaped(result, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``result`` as a float array of the inputs' shape that is not one of the inputs (the
    value of ``x`` alone would otherwise be the caller's own array)."""
    result = np.asarray(result, dtype=np.float64)
    if result.shape != x.shape:
        return np.array(np.broadcast_to(result, x.shape))
    if np.may_share_memory(result, x) or np.may_share_memory(result, y):
        return result.copy()
    return result


def value_field(formula: Callable) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Wrap ``formula(x, y) -> value`` to take anything array-like and keep the input's shape."""
    @wraps(formula)
    def value(x, y) -> np.ndarray:
        x, y = _inputs(x, y)
        with np.errstate(all="ignore"):
            return _shaped(formula(x, y), x, y)
    return value


def gradient_field(formula: Callable) -> Callable[[np.ndarray, np.ndarray],
                                                   tuple[np.ndarray, np.ndarray]]:
    """Wrap ``formula(x, y) -> (gx, gy)`` likewise; each part comes back in the input's shape."""
    @wraps(formula)
    def gradient(x, y) -> tuple[np.ndarray, np.ndarray]:
        x, y = _inputs(x, y)
        with np.errstate(all="ignore"):
            gx, gy = formula(x, y)
            return _shaped(gx, x, y), _shaped(gy, x, y)
    return gradient


LOG_SCALE_SPREAD = 100.0


def wants_log_scale(values: np.ndarray) -> bool:
    """Whether contour colours of these sampled values read better on a log scale.

    Yes when the finite values are all non-negative and the largest is at least
    ``LOG_SCALE_SPREAD`` times the 10th percentile: then a linear scale spends its colours on
    the steep walls and paints the whole floor, where the race happens, in one shade.
    """
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0 or finite.min() < 0:
        return False
    floor = np.percentile(finite, 10)
    return bool(floor > 0 and finite.max() >= LOG_SCALE_SPREAD * floor)
