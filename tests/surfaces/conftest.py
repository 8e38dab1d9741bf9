"""Shared numerics for the surface tests."""

import numpy as np
import pytest


def central_gradient(value, x, y, h):
    """Fourth-order central differences of ``value`` at arrays ``x``, ``y`` with step ``h``."""
    def partial(at):
        near = value(*at(h)) - value(*at(-h))
        far = value(*at(2 * h)) - value(*at(-2 * h))
        return (8 * near - far) / (12 * h)

    return partial(lambda s: (x + s, y)), partial(lambda s: (x, y + s))


def assert_gradient_matches(surface, x, y, rel=1e-6):
    """The surface's gradient agrees with central differences to ``rel`` of the local scale:
    1 + |gradient| + |value| per domain width (the differences lose digits to the value)."""
    width = min(surface.xlim[1] - surface.xlim[0], surface.ylim[1] - surface.ylim[0])
    gx, gy = surface.gradient(x, y)
    nx, ny = central_gradient(surface.value, x, y, 1e-4 * width)
    scale = 1 + np.hypot(gx, gy) + np.abs(surface.value(x, y)) / width
    err = np.hypot(gx - nx, gy - ny)
    k = int(np.argmax(err / scale))
    assert np.all(err <= rel * scale), (
        f"{surface.name}: gradient ({gx[k]}, {gy[k]}) but central differences give "
        f"({nx[k]}, {ny[k]}) at ({x[k]}, {y[k]})")


def domain_points(surface, rng, n=400):
    """``n`` uniform random points strictly inside the surface's domain."""
    x = rng.uniform(*surface.xlim, n)
    y = rng.uniform(*surface.ylim, n)
    return x, y


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


@pytest.fixture
def gradient_check():
    return assert_gradient_matches


@pytest.fixture
def sample():
    return domain_points
