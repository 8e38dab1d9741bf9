"""Compile sympy expressions of x and y into vectorized numpy functions, without exec.

We walk the expression tree once and build a closure per node; evaluating calls the closures
on numpy arrays. Common subexpressions of a value and its partials (sympy's ``cse``) are
computed once per call. Only the node types an allow-listed expression and its derivative
can contain are known here; anything else is refused with an ``ExpressionError``.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import sympy

from race.errors import ExpressionError
from race.surfaces.functions import Elementwise

Env = dict
Node = Callable[[Env], np.ndarray]

# sympy's own functions that its core can still introduce while differentiating our
# expressions (the slope of b**e in e is b**e * log(b); (x**2)**(1/2) becomes Abs(x)).
SYMPY_FUNCTIONS: dict[type, Callable[[np.ndarray], np.ndarray]] = {
    sympy.exp: np.exp, sympy.log: np.log, sympy.Abs: np.abs, sympy.sign: np.sign,
}


def compile_fields(exprs: Sequence[sympy.Expr], x: sympy.Symbol,
                   y: sympy.Symbol) -> Callable[[np.ndarray, np.ndarray], list[np.ndarray]]:
    """One numpy function ``f(x, y) -> [values of each expr]``, sharing common subexpressions.

    Results are not broadcast: a constant expression gives a 0-d array.
    """
    replacements, reduced = sympy.cse(list(exprs), optimizations=None)
    steps = [(symbol, _node(sub)) for symbol, sub in replacements]
    outputs = [_node(e) for e in reduced]

    def evaluate(xs: np.ndarray, ys: np.ndarray) -> list[np.ndarray]:
        env: Env = {x: xs, y: ys}
        for symbol, step in steps:
            env[symbol] = step(env)
        return [out(env) for out in outputs]
    return evaluate


def constant_value(expr: sympy.Expr) -> float:
    """The float value of an expression without free symbols, as numpy computes it (nan when
    it is not a real number)."""
    with np.errstate(all="ignore"):
        return float(np.asarray(_node(expr)({}), dtype=np.float64))


def _node(expr: sympy.Basic) -> Node:
    if expr.is_Symbol:
        return lambda env: env[expr]
    if expr.is_Atom:        # a number, pi, zoo, or I (log(-2) is log(2) + I*pi): nan
        return _constant(_real(expr))
    args = [_node(a) for a in expr.args]
    if expr.is_Add:
        return _fold(args, np.add)
    if expr.is_Mul:
        return _fold(args, np.multiply)
    if expr.is_Pow:
        return _power(expr, *args)
    if isinstance(expr, Elementwise):
        return _apply(type(expr).numpy, args)
    fn = SYMPY_FUNCTIONS.get(expr.func)
    if fn is not None and len(args) == 1:
        (arg,) = args
        return lambda env: fn(arg(env))
    raise ExpressionError(f"cannot evaluate '{expr.func.__name__}' numerically "
                          f"(in {str(expr)[:60]})")


def _real(number: sympy.Basic) -> float:
    try:
        return float(number)
    except (TypeError, ValueError, OverflowError):   # zoo, nan, a complex number
        return np.nan


def _constant(value: float) -> Node:
    array = np.float64(value)
    return lambda env: array


def _apply(fn, args: list[Node]) -> Node:
    if len(args) == 1:
        (arg,) = args
        return lambda env: fn(arg(env))
    return lambda env: fn(*(arg(env) for arg in args))


def _fold(args: list[Node], op) -> Node:
    first, rest = args[0], args[1:]

    def fold(env: Env) -> np.ndarray:
        total = first(env)
        for arg in rest:
            total = op(total, arg(env))
        return total
    return fold


def _power(expr: sympy.Pow, base: Node, exponent: Node) -> Node:
    e = expr.exp
    if e == sympy.Rational(1, 2):
        return lambda env: np.sqrt(base(env))
    if e == -1:
        return lambda env: 1.0 / base(env)
    return lambda env: np.power(base(env), exponent(env))
