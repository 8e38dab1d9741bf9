"""The built-in catalogue: gradients, minima, domains and shapes."""

import math
import re

import numpy as np
import pytest

from race.surfaces import SURFACES, Surface, get_surface
from race.surfaces.fields import wants_log_scale

NAMES = sorted(SURFACES)
WITH_MINIMA = [n for n in NAMES if SURFACES[n].minima]

REQUIRED = {"bowl", "ravine", "saddle", "sine_valley", "monkey_saddle", "beale", "rosenbrock",
            "himmelblau", "rastrigin", "ackley", "booth", "goldstein_price", "six_hump_camel",
            "styblinski_tang", "two_wells"}

# Global minimum values from the literature (e.g. the Virtual Library of Simulation
# Experiments, Jamil & Yang 2013); two_wells is ours and checked against a grid instead.
KNOWN_OPTIMUM = {
    "bowl": 0.0, "ravine": 0.0, "matyas": 0.0, "booth": 0.0, "beale": 0.0, "rosenbrock": 0.0,
    "himmelblau": 0.0, "rastrigin": 0.0, "ackley": 0.0, "goldstein_price": 3.0,
    "six_hump_camel": -1.0316284535, "styblinski_tang": -39.16616570377142 * 2,
    "mccormick": -1.9132229549810367, "sine_valley": -1.0,
}

# Published minimizers, to the digits they are published with.
PUBLISHED_MINIMA = {
    "himmelblau": [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                   (3.584428, -1.848126)],
    "six_hump_camel": [(0.0898, -0.7126), (-0.0898, 0.7126)],
    "styblinski_tang": [(-2.903534, -2.903534)],
    "mccormick": [(-0.54719, -1.54719)],
    "goldstein_price": [(0.0, -1.0)],
}


def grid(surface, n):
    return np.meshgrid(np.linspace(*surface.xlim, n), np.linspace(*surface.ylim, n))


def test_catalogue_has_the_required_surfaces_under_snake_case_names():
    assert len(SURFACES) >= 15
    assert REQUIRED <= set(SURFACES)
    for name, surface in SURFACES.items():
        assert isinstance(surface, Surface)
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name)
        assert surface.name == name
        assert get_surface(name) is surface


def test_unknown_surface_is_a_key_error_naming_the_choices():
    with pytest.raises(KeyError, match="rosenbrock"):
        get_surface("rosenbrok")


@pytest.mark.parametrize("name", NAMES)
def test_surface_is_described_and_its_domain_holds_its_points(name):
    s = SURFACES[name]
    assert s.formula.strip() and "\n" not in s.formula
    assert s.description.strip() and "\n" not in s.description
    for low, high in (s.xlim, s.ylim):
        assert math.isfinite(low) and math.isfinite(high) and low < high
    assert s.default_start is not None and s.contains(*np.array(s.default_start))
    for m in s.minima:
        assert s.contains(*np.array(m)), m
    values = s.value(*grid(s, 101))
    assert np.isfinite(values).all()


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name, rng, sample, gradient_check):
    s = SURFACES[name]
    x, y = sample(s, rng)
    if name == "ackley":            # a cone's tip at the origin: no derivative there
        far = np.hypot(x, y) > 0.05
        x, y = x[far], y[far]
    gradient_check(s, x, y)


def test_ackley_gradient_is_zero_at_its_kink():
    gx, gy = get_surface("ackley").gradient(np.zeros(3), np.zeros(3))
    assert np.array_equal(gx, np.zeros(3)) and np.array_equal(gy, np.zeros(3))


@pytest.mark.parametrize("name", WITH_MINIMA)
def test_listed_minima_are_stationary_and_lower_than_their_neighbours(name):
    s = SURFACES[name]
    width = min(s.xlim[1] - s.xlim[0], s.ylim[1] - s.ylim[0])
    angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    for mx, my in s.minima:
        f = float(s.value(mx, my))
        gx, gy = s.gradient(mx, my)
        assert math.hypot(gx, gy) <= 1e-9 * (1 + abs(f)), (mx, my, gx, gy)
        for r in (1e-3 * width, 1e-2 * width):
            ring = s.value(mx + r * np.cos(angles), my + r * np.sin(angles))
            assert (ring > f).all(), (mx, my, r)


@pytest.mark.parametrize("name", WITH_MINIMA)
def test_minima_run_deepest_first_and_the_first_is_global_on_the_domain(name):
    s = SURFACES[name]
    depths = [float(s.value(*m)) for m in s.minima]
    tie = 1e-12 * (1 + max(abs(d) for d in depths))     # equally deep minima, up to rounding
    assert all(later >= earlier - tie for earlier, later in zip(depths, depths[1:])), depths
    lowest = float(s.value(*grid(s, 401)).min())
    assert depths[0] <= lowest + 1e-12 * (1 + abs(lowest))


@pytest.mark.parametrize("name", sorted(KNOWN_OPTIMUM))
def test_global_minimum_has_the_published_value(name):
    s = SURFACES[name]
    assert float(s.value(*s.minima[0])) == pytest.approx(KNOWN_OPTIMUM[name], abs=1e-9)


@pytest.mark.parametrize("name", sorted(PUBLISHED_MINIMA))
def test_minimizers_agree_with_the_published_digits(name):
    listed = SURFACES[name].minima
    for published in PUBLISHED_MINIMA[name]:
        nearest = min(listed, key=lambda m: math.dist(m, published))
        assert math.dist(nearest, published) < 1e-4, (published, nearest)


def test_two_wells_has_a_deep_well_then_a_shallow_one_with_a_ridge_between():
    s = get_surface("two_wells")
    (deep, shallow) = s.minima
    d, sh = float(s.value(*deep)), float(s.value(*shallow))
    assert d < sh - 0.5
    t = np.linspace(0, 1, 201)
    path = s.value(deep[0] + t * (shallow[0] - deep[0]), deep[1] + t * (shallow[1] - deep[1]))
    assert path.max() > sh + 0.5


@pytest.mark.parametrize("name", ["saddle", "monkey_saddle"])
def test_saddles_list_no_minima_but_are_flat_at_the_origin(name):
    s = SURFACES[name]
    assert s.minima == ()
    gx, gy = s.gradient(0.0, 0.0)
    assert gx == 0 and gy == 0
    ring = s.value(0.1 * np.cos(np.arange(8)), 0.1 * np.sin(np.arange(8)))
    assert ring.min() < 0 < ring.max()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 4)])
def test_value_and_gradient_keep_the_input_shape(name, shape, rng):
    s = SURFACES[name]
    x = np.asarray(rng.uniform(*s.xlim, shape))
    y = np.asarray(rng.uniform(*s.ylim, shape))
    value = s.value(x, y)
    gx, gy = s.gradient(x, y)
    for out in (value, gx, gy):
        assert isinstance(out, np.ndarray) and out.shape == shape and out.dtype == np.float64
        assert np.isfinite(out).all()


def test_plain_python_floats_are_accepted():
    s = get_surface("rosenbrock")
    assert s.value(1.0, 1.0).shape == ()
    assert float(s.value(0.0, 0.0)) == 1.0
    gx, gy = s.gradient(0.0, 0.0)
    assert (float(gx), float(gy)) == (-2.0, 0.0)


@pytest.mark.parametrize("name", NAMES)
def test_log_scale_flag_follows_the_rule_custom_surfaces_use(name):
    s = SURFACES[name]
    assert s.log_scale == wants_log_scale(s.value(*grid(s, 64)))


def test_log_scale_rule():
    assert wants_log_scale(np.geomspace(1e-3, 1e3, 100))
    assert not wants_log_scale(np.linspace(1, 50, 100))          # spread too small
    assert not wants_log_scale(np.geomspace(1e-3, 1e3, 100) - 1)  # negative values
    assert not wants_log_scale(np.r_[np.zeros(20), np.geomspace(1, 1e6, 80)])  # floor at 0
    assert not wants_log_scale(np.full(10, np.nan))
