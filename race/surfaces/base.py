"""The Surface record: a loss function of (x, y), its exact gradient and where to look at it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Field = Callable[[np.ndarray, np.ndarray], np.ndarray]
GradientField = Callable[[np.ndarray, np.ndarray], "tuple[np.ndarray, np.ndarray]"]


@dataclass(frozen=True)
class Surface:
    """A 2D loss surface.

    ``value`` and ``gradient`` take numpy arrays of any (equal) shape and work elementwise,
    so the engine evaluates every racer-start of a step in one call.
    """

    name: str
    formula: str
    value: Field
    gradient: GradientField
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...] = ()
    log_scale: bool = False
    description: str = ""
    default_start: tuple[float, float] | None = field(default=None)

    def contains(self, x: np.ndarray, y: np.ndarray, margin: float = 0.0) -> np.ndarray:
        """True where (x, y) lies in the plotting domain widened by ``margin`` times its size."""
        dx = (self.xlim[1] - self.xlim[0]) * margin
        dy = (self.ylim[1] - self.ylim[0]) * margin
        return ((x >= self.xlim[0] - dx) & (x <= self.xlim[1] + dx)
                & (y >= self.ylim[0] - dy) & (y <= self.ylim[1] + dy))
