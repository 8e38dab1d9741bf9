"""Analytic gradients for the torch parity runs, shared by the reference generator and the tests.

Plain numpy, no ``race`` import, so that the generator can run in the torch-only venv. Each
function maps positions of shape (n, 2) to gradients of shape (n, 2).
"""

import numpy as np


def bowl(p):
    """f = x² + y²"""
    return 2 * p


def rosenbrock(p):
    """f = (1 - x)² + 100 (y - x²)²"""
    x, y = p[:, 0], p[:, 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=1)


def beale(p):
    """f = (1.5 - x + xy)² + (2.25 - x + xy²)² + (2.625 - x + xy³)²"""
    x, y = p[:, 0], p[:, 1]
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
    gx = 2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1)
    gy = 2 * a * x + 4 * b * x * y + 6 * c * x * y ** 2
    return np.stack([gx, gy], axis=1)


GRADIENTS = {"bowl": bowl, "rosenbrock": rosenbrock, "beale": beale}
