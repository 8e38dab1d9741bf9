"""The catalogue of built-in surfaces, each with its gradient worked out by hand.

Minima are listed deepest first. Where they have no short closed form they are polished at
import by Newton's method on the analytic gradient, so they are exact to rounding.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from race.surfaces.base import Surface
from race.surfaces.fields import gradient_field, value_field

PI = math.pi


def _polish(gradient: Callable, point: tuple[float, float],
            iterations: int = 50) -> tuple[float, float]:
    """A stationary point of ``gradient`` near ``point``: Newton's method, with the Hessian
    taken by central differences of the (exact) gradient."""
    p = np.array(point, dtype=np.float64)
    for _ in range(iterations):
        g = np.array(gradient(p[0], p[1]))
        h = 1e-6 * max(1.0, float(np.abs(p).max()))
        hessian = np.column_stack([
            (np.array(gradient(*(p + h * e))) - np.array(gradient(*(p - h * e)))) / (2 * h)
            for e in np.eye(2)])
        step = np.linalg.solve(hessian, g)
        p = p - step
        if np.abs(step).max() <= 4e-16 * max(1.0, float(np.abs(p).max())):
            break
    return float(p[0]), float(p[1])


def _surface(name: str, formula: str, value: Callable, gradient: Callable, *,
             xlim: tuple[float, float], ylim: tuple[float, float], start: tuple[float, float],
             description: str, minima=(), log_scale: bool = False,
             polish: bool = False) -> Surface:
    value, gradient = value_field(value), gradient_field(gradient)
    if polish:
        minima = tuple(_polish(gradient, m) for m in minima)
    return Surface(name=name, formula=formula, value=value, gradient=gradient,
                   xlim=xlim, ylim=ylim, minima=tuple(minima), log_scale=log_scale,
                   description=description, default_start=start)


# --- Quadratics and saddles: the shapes every other surface is made of, near a point. ---

bowl = _surface(
    "bowl", "x² + y²",
    lambda x, y: x**2 + y**2,
    lambda x, y: (2 * x, 2 * y),
    xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), start=(1.5, 1.5), minima=[(0.0, 0.0)],
    description="A round bowl: every direction is alike, so only the step sizes differ.")

ravine = _surface(
    "ravine", "0.1x² + 2y²",
    lambda x, y: 0.1 * x**2 + 2 * y**2,
    lambda x, y: (0.2 * x, 4 * y),
    xlim=(-4.0, 4.0), ylim=(-2.0, 2.0), start=(-3.5, 1.0), minima=[(0.0, 0.0)],
    description="An ill-conditioned bowl (curvatures 20x apart): SGD zig-zags across the "
                "ravine, adaptive methods rescale each axis.")

matyas = _surface(
    "matyas", "0.26(x² + y²) − 0.48xy",
    lambda x, y: 0.26 * (x**2 + y**2) - 0.48 * x * y,
    lambda x, y: (0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x),
    xlim=(-10.0, 10.0), ylim=(-10.0, 10.0), start=(-8.0, 4.0), minima=[(0.0, 0.0)],
    description="Matyas: a diagonal valley with an almost flat floor; per-axis scaling "
                "cannot straighten a valley that runs between the axes.")

booth = _surface(
    "booth", "(x + 2y − 7)² + (2x + y − 5)²",
    lambda x, y: (x + 2 * y - 7)**2 + (2 * x + y - 5)**2,
    lambda x, y: (2 * (x + 2 * y - 7) + 4 * (2 * x + y - 5),
                  4 * (x + 2 * y - 7) + 2 * (2 * x + y - 5)),
    xlim=(-10.0, 10.0), ylim=(-10.0, 10.0), start=(-8.0, -6.0), minima=[(1.0, 3.0)],
    description="Booth's function: a tilted, mildly stretched quadratic bowl with its "
                "minimum at (1, 3).")

saddle = _surface(
    "saddle", "x² − y²",
    lambda x, y: x**2 - y**2,
    lambda x, y: (2 * x, -2 * y),
    xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), start=(1.5, 0.05),
    description="A saddle: the gradient vanishes at the origin, yet it is no minimum; "
                "how fast a ball escapes along y tells the optimizers apart.")

monkey_saddle = _surface(
    "monkey_saddle", "x³ − 3xy²",
    lambda x, y: x**3 - 3 * x * y**2,
    lambda x, y: (3 * x**2 - 3 * y**2, -6 * x * y),
    xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), start=(0.5, 0.3),
    description="A monkey saddle: flat to second order at the origin, so gradients fade "
                "and optimizers crawl before sliding down one of three valleys.")

sine_valley = _surface(
    "sine_valley", "sin(x) + y²",
    lambda x, y: np.sin(x) + y**2,
    lambda x, y: (np.cos(x), 2 * y),
    xlim=(-2 * PI, 2 * PI), ylim=(-2.0, 2.0), start=(0.5, 1.5),
    minima=[(-PI / 2, 0.0), (3 * PI / 2, 0.0)],
    description="A row of equally deep valleys: which one a ball reaches depends on how "
                "far its steps carry it.")


# --- Classic test functions of optimization. ---

def _beale_parts(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3


def _beale(x, y):
    a, b, c = _beale_parts(x, y)
    return a**2 + b**2 + c**2


def _beale_gradient(x, y):
    a, b, c = _beale_parts(x, y)
    return (2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1),
            2 * a * x + 4 * b * x * y + 6 * c * x * y**2)


beale = _surface(
    "beale", "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
    _beale, _beale_gradient,
    xlim=(-4.5, 4.5), ylim=(-4.5, 4.5), start=(1.0, 1.5), minima=[(3.0, 0.5)], log_scale=True,
    description="Beale's function: flat plateaus and steep walls around a narrow valley "
                "that leads to (3, 0.5).")

rosenbrock = _surface(
    "rosenbrock", "(1 − x)² + 100(y − x²)²",
    lambda x, y: (1 - x)**2 + 100 * (y - x**2)**2,
    lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
    xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), start=(-1.2, 1.0), minima=[(1.0, 1.0)],
    log_scale=True,
    description="Rosenbrock's banana: reaching the curved valley is easy, following its "
                "nearly flat floor to (1, 1) is slow.")

himmelblau = _surface(
    "himmelblau", "(x² + y − 11)² + (x + y² − 7)²",
    lambda x, y: (x**2 + y - 11)**2 + (x + y**2 - 7)**2,
    lambda x, y: (4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
                  2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7)),
    xlim=(-5.0, 5.0), ylim=(-5.0, 5.0), start=(0.0, 0.0), polish=True,
    minima=[(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
    description="Himmelblau's function: four equally deep minima; the path a ball takes "
                "decides where it ends.")

rastrigin = _surface(
    "rastrigin", "20 + x² − 10cos(2πx) + y² − 10cos(2πy)",
    lambda x, y: 20 + x**2 - 10 * np.cos(2 * PI * x) + y**2 - 10 * np.cos(2 * PI * y),
    lambda x, y: (2 * x + 20 * PI * np.sin(2 * PI * x), 2 * y + 20 * PI * np.sin(2 * PI * y)),
    xlim=(-5.12, 5.12), ylim=(-5.12, 5.12), start=(4.2, -3.3), minima=[(0.0, 0.0)],
    description="Rastrigin's function: a bowl covered in a grid of local minima that trap "
                "small steps.")


def _ackley(x, y):
    r = np.sqrt(0.5 * (x**2 + y**2))
    return (-20 * np.exp(-0.2 * r) - np.exp(0.5 * (np.cos(2 * PI * x) + np.cos(2 * PI * y)))
            + math.e + 20)


def _ackley_gradient(x, y):
    r = np.sqrt(0.5 * (x**2 + y**2))
    # d/dx of -20 exp(-0.2 r) is 2x exp(-0.2 r) / r; the cone's tip at r = 0 gets slope 0.
    radial = np.where(r > 0, 2 * np.exp(-0.2 * r) / np.where(r > 0, r, 1.0), 0.0)
    ripple = PI * np.exp(0.5 * (np.cos(2 * PI * x) + np.cos(2 * PI * y)))
    return radial * x + ripple * np.sin(2 * PI * x), radial * y + ripple * np.sin(2 * PI * y)


ackley = _surface(
    "ackley", "−20·exp(−0.2·√(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20",
    _ackley, _ackley_gradient,
    xlim=(-5.0, 5.0), ylim=(-5.0, 5.0), start=(3.5, -2.5), minima=[(0.0, 0.0)],
    description="Ackley's function: a nearly flat, bumpy plain around a deep funnel at the "
                "origin (its tip is a kink; the gradient there is taken as 0).")


def _goldstein_price_parts(x, y):
    s, t = x + y + 1, 2 * x - 3 * y
    q = 19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
    r = 18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
    return s, t, q, r, 1 + s**2 * q, 30 + t**2 * r


def _goldstein_price(x, y):
    *_, a, b = _goldstein_price_parts(x, y)
    return a * b


def _goldstein_price_gradient(x, y):
    s, t, q, r, a, b = _goldstein_price_parts(x, y)
    # q's partials in x and y are both -14 + 6x + 6y, so a's are too.
    da = 2 * s * q + s**2 * (-14 + 6 * x + 6 * y)
    db_dx = 4 * t * r + t**2 * (-32 + 24 * x - 36 * y)
    db_dy = -6 * t * r + t**2 * (48 - 36 * x + 54 * y)
    return da * b + a * db_dx, da * b + a * db_dy


goldstein_price = _surface(
    "goldstein_price",
    "[1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]"
    " · [30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]",
    _goldstein_price, _goldstein_price_gradient,
    xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), start=(-1.5, 1.5), polish=True, log_scale=True,
    minima=[(0.0, -1.0), (-0.6, -0.4), (1.8, 0.2), (1.2, 0.8)],
    description="Goldstein-Price: values across six orders of magnitude, with local minima "
                "beside the global one at (0, -1).")

six_hump_camel = _surface(
    "six_hump_camel", "(4 − 2.1x² + x⁴/3)x² + xy + (4y² − 4)y²",
    lambda x, y: (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (4 * y**2 - 4) * y**2,
    lambda x, y: (8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3),
    xlim=(-2.0, 2.0), ylim=(-1.0, 1.0), start=(-1.5, -0.8), polish=True,
    minima=[(0.0898, -0.7126), (-0.0898, 0.7126), (-1.7036, 0.7961), (1.7036, -0.7961),
            (-1.6071, -0.5687), (1.6071, 0.5687)],
    description="The six-hump camel: two global minima among six, with low passes between.")

# Each coordinate of Styblinski-Tang is minimized at a root of t^3 - 8t + 1.25 (the slope
# 2t^3 - 16t + 2.5 halved); the smallest root is the deepest, the largest a shallower one.
_ST_ROOTS = np.sort(np.roots([1.0, 0.0, -8.0, 1.25]).real)
_ST_DEEP, _ST_SHALLOW = float(_ST_ROOTS[0]), float(_ST_ROOTS[2])

styblinski_tang = _surface(
    "styblinski_tang", "½(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)",
    lambda x, y: 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y),
    lambda x, y: (2 * x**3 - 16 * x + 2.5, 2 * y**3 - 16 * y + 2.5),
    xlim=(-5.0, 5.0), ylim=(-5.0, 5.0), start=(4.5, 4.5), polish=True,
    minima=[(_ST_DEEP, _ST_DEEP), (_ST_DEEP, _ST_SHALLOW), (_ST_SHALLOW, _ST_DEEP),
            (_ST_SHALLOW, _ST_SHALLOW)],
    description="Styblinski-Tang: four minima of different depths in the four corners; "
                "the deepest is near (-2.90, -2.90).")

# McCormick in s = x + y, d = x - y is sin(s) + s/2 + (d - 1)^2: minima where d = 1 and
# cos(s) = -1/2 with sin(s) < 0, i.e. s = -2pi/3 + 2pi k.
_MC = [(-2 * PI / 3 + 2 * PI * k) for k in (0, 1)]

mccormick = _surface(
    "mccormick", "sin(x + y) + (x − y)² − 1.5x + 2.5y + 1",
    lambda x, y: np.sin(x + y) + (x - y)**2 - 1.5 * x + 2.5 * y + 1,
    lambda x, y: (np.cos(x + y) + 2 * (x - y) - 1.5, np.cos(x + y) - 2 * (x - y) + 2.5),
    xlim=(-1.5, 4.0), ylim=(-3.0, 4.0), start=(3.5, 3.5),
    minima=[((s + 1) / 2, (s - 1) / 2) for s in _MC],
    description="McCormick: a tilted sine ridge; from the upper right a ball can settle in "
                "the local minimum instead of the global one.")


# --- Built for the race. ---

_DEEP = (2.0, 1.5, -1.0, 1.0)      # depth, centre x, centre y, 1/width^2
_SHALLOW = (1.0, -1.5, 1.0, 2.0)


def _well(x, y, well):
    depth, cx, cy, k = well
    return depth * np.exp(-k * ((x - cx)**2 + (y - cy)**2))


def _two_wells(x, y):
    return 0.05 * (x**2 + y**2) - _well(x, y, _DEEP) - _well(x, y, _SHALLOW)


def _two_wells_gradient(x, y):
    gx, gy = 0.1 * x, 0.1 * y
    for well in (_DEEP, _SHALLOW):
        _, cx, cy, k = well
        w = 2 * k * _well(x, y, well)
        gx, gy = gx + w * (x - cx), gy + w * (y - cy)
    return gx, gy


two_wells = _surface(
    "two_wells", "0.05(x² + y²) − 2·exp(−(x − 1.5)² − (y + 1)²) − exp(−2(x + 1.5)² − 2(y − 1)²)",
    _two_wells, _two_wells_gradient,
    xlim=(-3.0, 3.0), ylim=(-3.0, 3.0), start=(-2.5, 2.5), polish=True,
    minima=[(_DEEP[1], _DEEP[2]), (_SHALLOW[1], _SHALLOW[2])],
    description="A shallow well and a deep one: plain descent settles in the nearer, "
                "momentum can carry a ball over the ridge into the deeper.")


CATALOGUE: tuple[Surface, ...] = (
    bowl, ravine, saddle, sine_valley, monkey_saddle, matyas, booth, beale, rosenbrock,
    himmelblau, rastrigin, ackley, goldstein_price, six_hump_camel, styblinski_tang,
    mccormick, two_wells,
)
