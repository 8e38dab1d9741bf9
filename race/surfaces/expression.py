"""Custom surfaces from a user's expression of x and y, parsed safely.

The text is only ever *parsed* (``ast.parse``), never compiled or evaluated, and never given
to sympy's own parsers (they evaluate). The syntax tree is checked against an allow-list:

* numbers, the names ``x``, ``y``, ``pi`` and ``e``;
* ``+ - * / **``, unary ``-`` and ``+``, parentheses; ``^`` also means power, since that is
  what people type (Python would read it as XOR, which means nothing on a surface);
* calls, with positional arguments only, to the functions in ``FUNCTIONS``.

Anything else is refused with an ``ExpressionError`` quoting the offending piece. The tree is
then built into a sympy expression by calling sympy's constructors (with the plain functions
of ``race.surfaces.functions``; constant pieces are folded to numbers as they are built),
differentiated exactly by sympy, and compiled to numpy by ``race.surfaces.compiler`` (no
``lambdify``: it uses ``exec``).

Limits, checked before parsing where they guard the parser itself:

* ``MAX_LENGTH`` characters of printable ASCII (whitespace runs count as one space);
* ``MAX_NESTING`` levels of parentheses; ``MAX_NODES`` pieces and ``MAX_DEPTH`` levels in the
  parsed tree (a chain like ``a + b - c + d`` counts as one level);
* a constant exponent must lie in ``[-MAX_EXPONENT, MAX_EXPONENT]``, and every constant
  piece must be a finite real number (``1/0``, ``sqrt(-1)``, ``10**400`` are refused);
* the expression, and its gradient, must be finite somewhere on a ``GRID`` x ``GRID`` grid
  over the domain.

A custom surface asks for log-scaled contour colours by the rule of
``race.surfaces.fields.wants_log_scale``, applied to its values on that grid.
"""

from __future__ import annotations

import ast
import math
import warnings
from fractions import Fraction
from typing import Callable

import numpy as np
import sympy

from race.errors import ExpressionError
from race.surfaces import functions as F
from race.surfaces.base import Surface
from race.surfaces.compiler import compile_fields, constant_value
from race.surfaces.fields import gradient_field, value_field, wants_log_scale

MAX_LENGTH = 1000
MAX_NESTING = 32
MAX_NODES = 300
MAX_DEPTH = 40
MAX_EXPONENT = 100
GRID = 64

X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)
NAMES = {"x": X, "y": Y, "pi": sympy.Float(math.pi), "e": sympy.Float(math.e)}


def _log_base(base: int) -> Callable[[sympy.Expr], sympy.Expr]:
    scale = sympy.Float(1 / math.log(base))
    return lambda v: F.Log(v) * scale


def _fold(pair: type, args: tuple) -> sympy.Expr:
    """max(a, b, c) as max(max(a, b), c)."""
    result = args[0]
    for arg in args[1:]:
        result = pair(result, arg)
    return result


# name -> (fewest arguments, most arguments or None for any, sympy builder)
FUNCTIONS: dict[str, tuple[int, int | None, Callable[..., sympy.Expr]]] = {
    "sin": (1, 1, F.Sin), "cos": (1, 1, F.Cos), "tan": (1, 1, F.Tan),
    "arcsin": (1, 1, F.Arcsin), "asin": (1, 1, F.Arcsin),
    "arccos": (1, 1, F.Arccos), "acos": (1, 1, F.Arccos),
    "arctan": (1, 1, F.Arctan), "atan": (1, 1, F.Arctan),
    "sinh": (1, 1, F.Sinh), "cosh": (1, 1, F.Cosh), "tanh": (1, 1, F.Tanh),
    "exp": (1, 1, F.Exp), "log": (1, 1, F.Log), "ln": (1, 1, F.Log),
    "log10": (1, 1, _log_base(10)), "log2": (1, 1, _log_base(2)),
    "sqrt": (1, 1, F.Sqrt), "abs": (1, 1, F.Abs), "sigmoid": (1, 1, F.Sigmoid),
    "min": (2, None, lambda *v: _fold(F.Minimum, v)),
    "max": (2, None, lambda *v: _fold(F.Maximum, v)),
}

_REFUSED_OPERATORS = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<",
                      ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.Not: "not",
                      ast.Invert: "~"}
_SUMS, _PRODUCTS = (ast.Add, ast.Sub), (ast.Mult, ast.Div)

# What to call the node types we refuse, for the message.
_REFUSED = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.Compare: "comparison", ast.BoolOp: "'and'/'or'", ast.IfExp: "conditional expression",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension",
    ast.DictComp: "comprehension", ast.GeneratorExp: "comprehension",
    ast.List: "list", ast.Tuple: "tuple", ast.Set: "set", ast.Dict: "dict",
    ast.Starred: "unpacking", ast.NamedExpr: "assignment", ast.JoinedStr: "f-string",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slice",
}


def parse(text: str) -> tuple[str, sympy.Expr]:
    """Check ``text`` and build its sympy expression of ``X`` and ``Y``.

    Returns the normalized text (whitespace runs made single spaces) and the expression.
    """
    source = _Source(_normalize(text))
    _check_text(source)
    try:
        with warnings.catch_warnings():      # e.g. "invalid decimal literal" for 1else
            warnings.simplefilter("ignore")
            tree = ast.parse(source.parsed, mode="eval")
    except SyntaxError as err:
        raise ExpressionError(_syntax_message(source, err)) from None
    except (RecursionError, MemoryError, ValueError):
        raise source.error("it is too complex to parse") from None
    _check_size(source, tree)
    return source.text, _Builder(source).build(tree.body)


def surface_from_expression(expr: str, xlim, ylim, name: str = "custom") -> Surface:
    """A Surface for ``expr`` over ``xlim`` x ``ylim``, with its exact symbolic gradient.

    Raises ``ExpressionError`` when the text is not an allowed expression, when the domain is
    not a pair of finite increasing ranges, or when the surface or its gradient is not finite
    anywhere on a grid over the domain.
    """
    xlim, ylim = _domain("xlim", xlim), _domain("ylim", ylim)
    text, f = parse(expr)
    try:
        fx, fy = sympy.diff(f, X), sympy.diff(f, Y)
        value = value_field(_first(compile_fields([f], X, Y)))
        gradient = gradient_field(compile_fields([fx, fy], X, Y))
    except (RecursionError, MemoryError):
        raise ExpressionError(f'"{_short(text)}" is too complex to differentiate') from None
    values = _check_finite(text, value, gradient, xlim, ylim)
    return Surface(name=name, formula=text, value=value, gradient=gradient,
                   xlim=xlim, ylim=ylim, minima=(), log_scale=wants_log_scale(values),
                   description=f"The custom surface z = {text}.", default_start=None)


class _Source:
    """The user's (normalized) text, and the text we parse: the same with each ``^`` made
    ``**``, so that it binds as a power does. Quotes map back to the user's own spelling."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.parsed = text.replace("^", "**")
        # origin[i] is the index in ``text`` of the character at ``parsed[i]``.
        self.origin = [i for i, ch in enumerate(text) for _ in range(2 if ch == "^" else 1)]
        self.origin.append(len(text))

    def segment(self, node: ast.AST) -> str:
        """The user's text of ``node`` (the parsed text is one line of ASCII, so the parser's
        byte columns are character indices)."""
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None:
            return ast.unparse(node)
        return self.span(start, end)

    def span(self, start: int, end: int) -> str:
        """The user's text for columns ``start:end`` of the parsed text, stripped."""
        return self.text[self.origin[start]:self.origin[max(end - 1, start)] + 1].strip()

    def error(self, problem: str, node: ast.AST | None = None) -> ExpressionError:
        """``problem``, followed by the whole text unless ``node`` already quotes all of it."""
        if node is not None and self.segment(node) == self.text:
            return ExpressionError(problem)
        return ExpressionError(f"{problem} in \"{_short(self.text)}\"")


# --- Text-level checks: these run before the parser sees anything. ---

def _normalize(text) -> str:
    if not isinstance(text, str):
        raise ExpressionError(f"a surface expression must be text, not {type(text).__name__}")
    if len(text) > 4 * MAX_LENGTH:       # don't even split a huge string
        raise ExpressionError(f"expression is {len(text):,} characters long; "
                              f"the limit is {MAX_LENGTH:,}")
    return " ".join(text.split())


def _check_text(source: _Source) -> None:
    text = source.text
    if not text:
        raise ExpressionError("expression is empty: write a formula in x and y, e.g. x**2 + y**2")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is {len(text):,} characters long; "
                              f"the limit is {MAX_LENGTH:,}")
    for i, ch in enumerate(text):
        if not " " <= ch <= "~":
            hint = " (write powers as x**2 or x^2)" if ch in "²³" else ""
            shown = "".join(c if " " <= c <= "~" else repr(c)[1:-1] for c in _short(text))
            raise ExpressionError(f"character {ch!r} at position {i + 1} is not allowed in "
                                  f"\"{shown}\"{hint}")
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth > MAX_NESTING:
            raise source.error(f"parentheses nest more than {MAX_NESTING} deep at position "
                               f"{i + 1}")


def _syntax_message(source: _Source, err: SyntaxError) -> ExpressionError:
    at = (err.offset or 0) - 1
    if 0 <= at < len(source.parsed):
        start = source.origin[at]
        piece = source.text[start:].split(" ")[0] or source.text[start:start + 10]
        return source.error(f"cannot parse '{_short(piece, 20)}' ({err.msg})")
    return source.error("the expression ends too early")


def _check_size(source: _Source, tree: ast.Expression) -> None:
    """Count the tree's pieces and depth without recursing (so a deep tree cannot overflow
    the stack). A left operand that continues its parent's chain of sums or products
    keeps the parent's depth: the builder handles such chains in a loop."""
    count, stack = 0, [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise source.error(f"more than {MAX_NODES} pieces")
        if depth > MAX_DEPTH:
            raise source.error(f"more than {MAX_DEPTH} levels of nesting at "
                               f"'{_short(source.segment(node), 30)}'")
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                same_chain = (child is getattr(node, "left", None)
                              and _chain_kind(node) is not None
                              and _chain_kind(child) is _chain_kind(node))
                stack.append((child, depth if same_chain else depth + 1))
            elif isinstance(child, ast.keyword):
                stack.append((child.value, depth + 1))


def _chain_kind(node: ast.AST):
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, _SUMS):
            return _SUMS
        if isinstance(node.op, _PRODUCTS):
            return _PRODUCTS
    return None


# --- The allow-listed tree, built into sympy. ---

class _Builder:
    def __init__(self, source: _Source) -> None:
        self.source = source

    def fail(self, node: ast.AST, problem: str) -> ExpressionError:
        return self.source.error(problem, node)

    def piece(self, node: ast.AST, width: int = 40) -> str:
        return _short(self.source.segment(node), width)

    def build(self, node: ast.AST) -> sympy.Expr:
        handler = {ast.Constant: self.number, ast.Name: self.name, ast.UnaryOp: self.unary,
                   ast.BinOp: self.binary, ast.Call: self.call}.get(type(node))
        if handler is None:
            raise self.refuse(node)
        expr = handler(node)
        return expr if expr.free_symbols else self.fold(node, expr)

    def refuse(self, node: ast.AST) -> ExpressionError:
        if isinstance(node, ast.Attribute):
            return self.fail(node, f"attribute access '.{node.attr}' is not allowed")
        what = _REFUSED.get(type(node), type(node).__name__)
        return self.fail(node, f"{what} '{self.piece(node)}' is not allowed")

    def fold(self, node: ast.AST, expr: sympy.Expr) -> sympy.Expr:
        """A constant piece, checked and reduced to one number.

        Rationals stay exact; anything else (pi, sin(2), 2**0.5) becomes the float numpy
        computes for it. sympy then never reasons about constant expressions: asking whether
        one is positive can make it expand powers symbolically for minutes.
        """
        value = constant_value(expr)
        if not math.isfinite(value):
            raise self.fail(node, f"'{self.piece(node)}' is not a finite real number")
        return expr if expr.is_Rational else sympy.Float(value)

    def number(self, node: ast.Constant) -> sympy.Expr:
        v = node.value
        if isinstance(v, (str, bytes)):
            raise self.fail(node, f"text {self.piece(node)} is not allowed")
        if isinstance(v, bool) or not isinstance(v, (int, float, complex)):
            raise self.fail(node, f"constant '{self.piece(node)}' is not allowed")
        if isinstance(v, complex):
            raise self.fail(node, f"complex number '{self.piece(node)}' is not allowed")
        try:
            exact = Fraction(v) if isinstance(v, int) else Fraction(repr(float(v)))
            finite = math.isfinite(float(v))
        except (OverflowError, ValueError):
            finite = False
        if not finite:
            raise self.fail(node, f"number '{self.piece(node)}' is too large")
        return sympy.Rational(exact.numerator, exact.denominator)

    def name(self, node: ast.Name) -> sympy.Expr:
        if node.id in NAMES:
            return NAMES[node.id]
        if node.id in FUNCTIONS:
            raise self.fail(node, f"function '{node.id}' needs an argument, as in {node.id}(x)")
        hint = " (write products with *, as in x*y)" if set(node.id) <= {"x", "y"} else ""
        raise self.fail(node, f"unknown name '{node.id}'{hint}; the names are x, y, pi and e")

    def unary(self, node: ast.UnaryOp) -> sympy.Expr:
        if isinstance(node.op, ast.USub):
            return -self.build(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand)
        symbol = _REFUSED_OPERATORS.get(type(node.op), type(node.op).__name__)
        raise self.fail(node, f"operator '{symbol}' is not allowed (at '{self.piece(node)}')")

    def binary(self, node: ast.BinOp) -> sympy.Expr:
        kind = _chain_kind(node)
        if kind is not None:
            return self.chain(node, kind)
        if isinstance(node.op, ast.Pow):
            return self.power(node)
        symbol = _REFUSED_OPERATORS.get(type(node.op), type(node.op).__name__)
        raise self.fail(node, f"operator '{symbol}' is not allowed (at '{self.piece(node)}')")

    def chain(self, node: ast.BinOp, kind) -> sympy.Expr:
        """``a + b - c + ...`` or ``a * b / c * ...``, walked as a loop, built in one go."""
        links: list[ast.BinOp] = []
        while _chain_kind(node) is kind:
            links.append(node)
            node = node.left
        terms = [self.build(node)]
        for link in reversed(links):
            term = self.build(link.right)
            if isinstance(link.op, ast.Sub):
                term = -term
            elif isinstance(link.op, ast.Div):
                if not term.free_symbols and constant_value(term) == 0:
                    divisor = self.source.span(link.left.end_col_offset, link.end_col_offset)
                    raise self.fail(link, f"division by zero '{_short(divisor, 30)}'")
                term = 1 / term
            terms.append(term)
        return sympy.Add(*terms) if kind is _SUMS else sympy.Mul(*terms)

    def power(self, node: ast.BinOp) -> sympy.Expr:
        base, exponent = self.build(node.left), self.build(node.right)
        if not exponent.free_symbols:
            e = constant_value(exponent)
            if abs(e) > MAX_EXPONENT:
                raise self.fail(node, f"exponent '{self.piece(node.right, 20)}' is out of "
                                      f"range (at most {MAX_EXPONENT} either way)")
            if not base.free_symbols:
                b = constant_value(base)
                if b != 0 and abs(e) * math.log10(abs(b)) > 300:
                    raise self.fail(node, f"'{self.piece(node)}' is too large")
        return sympy.Pow(base, exponent)

    def call(self, node: ast.Call) -> sympy.Expr:
        if not isinstance(node.func, ast.Name):
            raise self.refuse(node.func) if type(node.func) in _REFUSED else self.fail(
                node, f"calling '{self.piece(node.func, 20)}' is not allowed")
        name = node.func.id
        if name in NAMES:
            raise self.fail(node, f"'{name}' is not a function (write products with *, as "
                                  f"in {name}*(...))")
        if name not in FUNCTIONS:
            raise self.fail(node, f"unknown function '{name}' (known: "
                                  f"{', '.join(sorted(FUNCTIONS))})")
        if node.keywords:
            raise self.fail(node, f"keyword argument '{self.piece(node.keywords[0], 20)}' "
                                  f"is not allowed")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(arg)
        low, high, make = FUNCTIONS[name]
        n = len(node.args)
        if n < low or (high is not None and n > high):
            wanted = f"{low}" if low == high else f"at least {low}"
            raise self.fail(node, f"{name}() takes {wanted} argument{'s' * (wanted != '1')}, "
                                  f"got {n} in '{self.piece(node)}'")
        args = [self.build(a) for a in node.args]
        try:
            return make(*args)
        except (ArithmeticError, ValueError, TypeError) as err:
            raise self.fail(node, f"cannot use '{self.piece(node)}': "
                                  f"{' '.join(str(err).split())}") from None


# --- Domain and grid checks. ---

def _domain(key: str, limits) -> tuple[float, float]:
    try:
        if isinstance(limits, (str, bytes)):
            raise TypeError
        low, high = (float(v) for v in limits)
    except (TypeError, ValueError):
        raise ExpressionError(f"{key} must be two numbers [low, high], got {limits!r}") from None
    if not (math.isfinite(low) and math.isfinite(high) and math.isfinite(high - low)):
        raise ExpressionError(f"{key} must be finite, got [{low}, {high}]")
    if not low < high:
        raise ExpressionError(f"{key} must go from low to high, got [{low}, {high}]")
    return low, high


def _check_finite(text: str, value, gradient, xlim, ylim) -> np.ndarray:
    gx, gy = np.meshgrid(np.linspace(*xlim, GRID), np.linspace(*ylim, GRID))
    values = value(gx, gy)
    dx, dy = gradient(gx, gy)
    where = (f"on the domain x in [{xlim[0]:g}, {xlim[1]:g}], "
             f"y in [{ylim[0]:g}, {ylim[1]:g}]")
    if not np.isfinite(values).any():
        raise ExpressionError(f"\"{_short(text)}\" is not finite anywhere {where}")
    if not (np.isfinite(values) & np.isfinite(dx) & np.isfinite(dy)).any():
        raise ExpressionError(f"the gradient of \"{_short(text)}\" is not finite anywhere "
                              f"{where}")
    return values


# --- Helpers. ---

def _first(fields: Callable) -> Callable:
    return lambda x, y: fields(x, y)[0]


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."
