"""The functions of the expression language, as plain sympy functions.

sympy's own ``sin``, ``exp``, ``Max``... simplify themselves as they are built and answer
questions about their sign by symbolic work (expanding powers, taking gcds): on a large but
innocent expression that can take minutes. These classes do neither. Each knows only its
derivative (``fdiff``, which sympy's chain, product and sum rules call) and the numpy function
that evaluates it (``numpy``), which is all the compiler needs.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import sympy


class Elementwise(sympy.Function):
    """A function applied elementwise; subclasses set ``numpy`` and ``slopes``."""

    nargs = 1
    numpy: Callable[..., np.ndarray]

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return self.slope(argindex - 1)

    def slope(self, index: int) -> sympy.Expr:
        raise NotImplementedError


def _half(u):
    return u ** sympy.Rational(-1, 2)


class Sin(Elementwise):
    numpy = staticmethod(np.sin)

    def slope(self, index):
        return Cos(self.args[0])


class Cos(Elementwise):
    numpy = staticmethod(np.cos)

    def slope(self, index):
        return -Sin(self.args[0])


class Tan(Elementwise):
    numpy = staticmethod(np.tan)

    def slope(self, index):
        return 1 + self ** 2


class Arcsin(Elementwise):
    numpy = staticmethod(np.arcsin)

    def slope(self, index):
        return _half(1 - self.args[0] ** 2)


class Arccos(Elementwise):
    numpy = staticmethod(np.arccos)

    def slope(self, index):
        return -_half(1 - self.args[0] ** 2)


class Arctan(Elementwise):
    numpy = staticmethod(np.arctan)

    def slope(self, index):
        return 1 / (1 + self.args[0] ** 2)


class Sinh(Elementwise):
    numpy = staticmethod(np.sinh)

    def slope(self, index):
        return Cosh(self.args[0])


class Cosh(Elementwise):
    numpy = staticmethod(np.cosh)

    def slope(self, index):
        return Sinh(self.args[0])


class Tanh(Elementwise):
    numpy = staticmethod(np.tanh)

    def slope(self, index):
        return 1 - self ** 2


class Exp(Elementwise):
    numpy = staticmethod(np.exp)

    def slope(self, index):
        return self


class Log(Elementwise):
    numpy = staticmethod(np.log)

    def slope(self, index):
        return 1 / self.args[0]


class Sqrt(Elementwise):
    numpy = staticmethod(np.sqrt)

    def slope(self, index):
        return 1 / (2 * self)


class Sign(Elementwise):
    """-1, 0 or 1; only ever met as the slope of ``Abs``, never differentiated itself."""

    numpy = staticmethod(np.sign)

    def slope(self, index):
        return sympy.Integer(0)


class Abs(Elementwise):
    numpy = staticmethod(np.abs)

    def slope(self, index):
        return Sign(self.args[0])


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-u))


class Sigmoid(Elementwise):
    numpy = staticmethod(_sigmoid)

    def slope(self, index):
        return self * (1 - self)


def _step(u: np.ndarray) -> np.ndarray:
    return np.heaviside(u, 0.5)


class Step(Elementwise):
    """The unit step, 1/2 at 0: the slope of max and min (so a tie takes the average)."""

    numpy = staticmethod(_step)

    def slope(self, index):
        return sympy.Integer(0)


class Maximum(Elementwise):
    """max of two. An n-way max is built as nested pairs, so its derivative grows linearly
    (sympy's ``Max`` differentiates into n steps of (n-1)-way maxima, compared pairwise)."""

    nargs = 2
    numpy = staticmethod(np.maximum)

    def slope(self, index):
        a, b = self.args
        return Step(a - b) if index == 0 else Step(b - a)


class Minimum(Elementwise):
    """min of two; see ``Maximum``."""

    nargs = 2
    numpy = staticmethod(np.minimum)

    def slope(self, index):
        a, b = self.args
        return Step(b - a) if index == 0 else Step(a - b)
