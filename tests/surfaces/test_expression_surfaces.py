"""Custom surfaces from expressions: exact gradients, agreement with the built-ins, domains."""

import time

import numpy as np
import pytest

from race.errors import ExpressionError
from race.surfaces import SURFACES, Surface, get_surface, surface_from_expression

# Every built-in, written as a user would type it.
AS_TYPED = {
    "bowl": "x^2 + y^2",
    "ravine": "0.1*x^2 + 2*y^2",
    "saddle": "x^2 - y^2",
    "sine_valley": "sin(x) + y^2",
    "monkey_saddle": "x^3 - 3*x*y^2",
    "matyas": "0.26*(x^2 + y^2) - 0.48*x*y",
    "booth": "(x + 2*y - 7)^2 + (2*x + y - 5)^2",
    "beale": "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
    "rosenbrock": "(1 - x)**2 + 100*(y - x**2)**2",
    "himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "rastrigin": "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
    "ackley": "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y)))"
              " + e + 20",
    "goldstein_price": "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
                       " * (30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
    "six_hump_camel": "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (4*y^2 - 4)*y^2",
    "styblinski_tang": "0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)",
    "mccormick": "sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1",
    "two_wells": "0.05*(x^2 + y^2) - 2*exp(-(x - 1.5)^2 - (y + 1)^2)"
                 " - exp(-2*(x + 1.5)^2 - 2*(y - 1)^2)",
}

# Expressions that use every function, each on a domain where it is smooth.
SMOOTH = [
    ("sin(x)*cos(y) + 0.1*x^2", (-3, 3), (-3, 3)),
    ("x*exp(-x^2 - y^2)", (-2, 2), (-2, 2)),
    ("log(1 + x^2 + y^2) + ln(2 + y)", (-1, 1), (-1, 1)),
    ("tanh(x*y) + sigmoid(x - y) + sinh(x)/cosh(y)", (-2, 2), (-2, 2)),
    ("atan(y/(1 + x^2)) + arctan(x)", (-3, 3), (-3, 3)),
    ("asin(x/3) + arcsin(y/4) + acos(x*y/10) + arccos(y/5)", (-2, 2), (-2, 2)),
    ("sqrt(1 + x^2 + 2*y^2) + tan(x/2)", (-2, 2), (-2, 2)),
    ("x^y + y^x", (0.5, 3), (0.5, 3)),
    ("log10(2 + x) + log2(3 + y) + 2^x + e^y + pi*x", (-1, 1), (-1, 1)),
    ("abs(x - 5) + abs(y + 5)", (-2, 2), (-2, 2)),
    ("max(x, 5) + min(y^2, -1) + max(x, y, 10)", (-2, 2), (-2, 2)),
    ("-x^2 + +y / 2 - -x", (-2, 2), (-2, 2)),
    ("(x^2 + y^2)^(1/3) * x / 7", (0.5, 2), (0.5, 2)),
    ("x^-2 + y**-1.5", (0.5, 2), (0.5, 2)),
]


@pytest.mark.parametrize("name", sorted(AS_TYPED))
def test_typed_builtin_matches_the_catalogue_and_its_hand_gradient(name, rng, sample):
    builtin = get_surface(name)
    custom = surface_from_expression(AS_TYPED[name], builtin.xlim, builtin.ylim, name=name)
    x, y = sample(builtin, rng, 300)
    scale = 1 + np.abs(builtin.value(x, y))
    np.testing.assert_allclose(custom.value(x, y), builtin.value(x, y), rtol=1e-12,
                               atol=1e-12 * scale.max())
    for c, b in zip(custom.gradient(x, y), builtin.gradient(x, y)):
        np.testing.assert_allclose(c, b, rtol=1e-10, atol=1e-10 * scale.max())
    assert custom.log_scale == builtin.log_scale


def test_every_builtin_has_a_typed_twin():
    assert set(AS_TYPED) == set(SURFACES)


@pytest.mark.parametrize("expr, xlim, ylim", SMOOTH)
def test_gradient_matches_central_differences(expr, xlim, ylim, rng, sample, gradient_check):
    s = surface_from_expression(expr, xlim, ylim)
    gradient_check(s, *sample(s, rng, 300))


def test_kinks_have_one_sided_slopes_of_the_right_sign():
    s = surface_from_expression("abs(x) + max(y, 0)", (-1, 1), (-1, 1))
    gx, gy = s.gradient(np.array([-0.5, 0.5]), np.array([-0.5, 0.5]))
    assert gx.tolist() == [-1.0, 1.0] and gy.tolist() == [0.0, 1.0]


@pytest.mark.parametrize("expr, expected", [
    ("2^3^2", 512.0),          # right-associative, as in mathematics
    ("-2^2", -4.0),            # the power binds tighter than the minus
    ("2^-1", 0.5),
    ("2*3^2", 18.0),
    ("1 + 2^2*3", 13.0),
    ("(1 + 2)^2", 9.0),
    ("pi - e", np.pi - np.e),
    ("7/2", 3.5),
    ("1e-3 * 1_000", 1.0),
])
def test_caret_is_a_power_with_a_powers_precedence(expr, expected):
    s = surface_from_expression(expr, (-1, 1), (-1, 1))
    assert float(s.value(0.3, 0.7)) == pytest.approx(expected, rel=1e-15)


def test_caret_and_double_star_agree():
    a = surface_from_expression("x^2*y + y^x", (0.5, 2), (0.5, 2))
    b = surface_from_expression("x**2*y + y**x", (0.5, 2), (0.5, 2))
    x, y = np.linspace(0.5, 2, 7), np.linspace(2, 0.5, 7)
    assert np.array_equal(a.value(x, y), b.value(x, y))
    assert np.array_equal(a.gradient(x, y)[1], b.gradient(x, y)[1])


def test_surface_record_of_a_custom_expression():
    s = surface_from_expression("  x**2\n +\t y**2 ", [-2, 2], (-1.5, 3), name="mine")
    assert isinstance(s, Surface)
    assert s.name == "mine" and s.formula == "x**2 + y**2"
    assert s.xlim == (-2.0, 2.0) and s.ylim == (-1.5, 3.0)
    assert s.minima == () and s.default_start is None
    assert "x**2 + y**2" in s.description


@pytest.mark.parametrize("expr", ["3", "x", "y", "pi", "x*0 + 2"])
@pytest.mark.parametrize("shape", [(), (1,), (5,), (2, 3)])
def test_value_and_gradient_keep_the_input_shape_even_when_constant(expr, shape):
    s = surface_from_expression(expr, (-1, 1), (-1, 1))
    x, y = np.full(shape, 0.25), np.full(shape, -0.5)
    value, (gx, gy) = s.value(x, y), s.gradient(x, y)
    for out in (value, gx, gy):
        assert isinstance(out, np.ndarray) and out.shape == shape
    expected = {"3": (3, 0, 0), "x": (0.25, 1, 0), "y": (-0.5, 0, 1), "pi": (np.pi, 0, 0),
                "x*0 + 2": (2, 0, 0)}[expr]
    assert np.all(value == expected[0]) and np.all(gx == expected[1])
    assert np.all(gy == expected[2])


def test_results_are_new_arrays_never_the_callers_own():
    s = surface_from_expression("x", (-1, 1), (-1, 1))
    x, y = np.array([0.5, 0.25]), np.array([1.0, 2.0])
    value, (gx, gy) = s.value(x, y), s.gradient(x, y)
    value[:] = 7.0
    gx[:] = 7.0
    assert x.tolist() == [0.5, 0.25] and gy.tolist() == [0.0, 0.0]


# Found by fuzzing: sympy's own sinh and friends once spent minutes deciding the sign of
# pieces like these (expanding the 100th power); our functions never ask.
@pytest.mark.parametrize("expr", [
    "(sinh(((sigmoid(max(sigmoid((((1e-3*-1*10*10))^2+(e+-1+e)+2)), sinh(pi))))^100)^0.5))^3",
    "(max(x + sinh(3), (x + pi)^0.5, acos(tanh(pi + 3 + x))) / sinh(tanh(3/pi/(min(pi, x))^-1))"
    " / log10(10 - arctan(0.5*y*x) - arcsin(sin(min(0.5 + x, x*e))))"
    " / sinh((sigmoid(ln(y + e + 0.5 + x)^(1/3)))^100))",
    "max(" + ", ".join(f"sin({i}*x) + y^{i}" for i in range(30)) + ")",
    "sigmoid(" * 30 + "x*y" + ")" * 30,
])
def test_large_legal_expressions_build_in_seconds(expr):
    started = time.perf_counter()
    surface_from_expression(expr, (-2, 2), (-2, 2))
    assert time.perf_counter() - started < 30.0  # a hang guard, not a speed test


def test_non_finite_points_stay_non_finite_without_warnings():
    s = surface_from_expression("log(x) + sqrt(y)", (-1, 1), (-1, 1))
    with np.errstate(all="raise"):
        v = s.value(np.array([-1.0, 0.0, 0.5]), np.array([0.25, 0.25, -1.0]))
    assert np.isnan(v[0]) and v[1] == -np.inf and np.isnan(v[2])


@pytest.mark.parametrize("expr, xlim, ylim, log_scale", [
    ("x^2 + y^2", (-2, 2), (-2, 2), False),
    ("(1 - x)^2 + 100*(y - x^2)^2", (-2, 2), (-1, 3), True),
    ("exp(3*x)", (-3, 3), (-1, 1), True),
    ("x", (-2, 2), (-2, 2), False),
    ("sin(x) + 2", (-2, 2), (-2, 2), False),
])
def test_log_scale_when_positive_values_span_orders_of_magnitude(expr, xlim, ylim, log_scale):
    assert surface_from_expression(expr, xlim, ylim).log_scale is log_scale


@pytest.mark.parametrize("xlim, quoted", [
    ((2, -2), "[2.0, -2.0]"),
    ((1, 1), "[1.0, 1.0]"),
    ((float("nan"), 1), "nan"),
    ((-float("inf"), 1), "inf"),
    ((-1e308, 1e308), "finite"),
    ((1, 2, 3), "(1, 2, 3)"),
    (("a", "b"), "('a', 'b')"),
    (5, "5"),
    ("12", "'12'"),
    (None, "None"),
])
def test_bad_domains_are_refused(xlim, quoted):
    with pytest.raises(ExpressionError, match="xlim") as info:
        surface_from_expression("x + y", xlim, (-1, 1))
    assert quoted in str(info.value)


@pytest.mark.parametrize("expr, xlim", [
    ("log(-1 - x^2)", (-2, 2)),
    ("sqrt(-1 - y^2) + x", (-2, 2)),
    ("sqrt(x)", (-2, -1)),
    ("log(x - 3)", (-2, 2)),
])
def test_nowhere_finite_on_the_domain_is_refused(expr, xlim):
    with pytest.raises(ExpressionError, match="not finite anywhere on the domain"):
        surface_from_expression(expr, xlim, (-2, 2))


def test_finite_somewhere_is_enough():
    s = surface_from_expression("sqrt(x)", (-2, 2), (-2, 2))
    assert float(s.value(4.0, 0.0)) == 2.0
