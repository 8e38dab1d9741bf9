"""Hostile expressions: each is refused quickly, with a one-line message quoting the culprit;
nothing reaches eval, exec or compile; and no text makes any other exception escape."""

import ast
import builtins
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import race.surfaces.expression as expression
from race.errors import ExpressionError
from race.surfaces import Surface, surface_from_expression

DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))

# (text, a piece the message must quote)
HOSTILE = [
    ("__import__('os')", "'__import__'"),
    ("__import__('os').system('touch /tmp/pwned')", "'.system'"),
    ("().__class__", "'.__class__'"),
    ("().__class__.__bases__[0].__subclasses__()", "'.__subclasses__'"),
    ("x.real", "'.real'"),
    ("os.system(1)", "'.system'"),
    ("lambda: 1", "'lambda: 1'"),
    ("(lambda: 1)()", "'lambda: 1'"),
    ("[x for x in y]", "'[x for x in y]'"),
    ("sum(i for i in x)", "'sum'"),
    ("x[0]", "'x[0]'"),
    ("'a'", "'a'"),
    ("'a' * 3", "'a'"),
    ("b'x'", "b'x'"),
    ("f'{x}'", "f'{x}'"),
    ("open('f')", "'open'"),
    ("eval('1')", "'eval'"),
    ("globals", "'globals'"),
    ("x + z", "'z'"),
    ("9**9**9", "'9**9'"),
    ("9^9^9", "'9^9'"),
    ("x**100000", "'100000'"),
    ("(x + 1)**101", "'101'"),
    ("10**400", "'400'"),
    ("(99**99)**99", "'(99**99)**99'"),
    ("(" * 500 + "x" + ")" * 500, "1,001 characters"),
    ("(" * 200 + "x" + ")" * 200, "parentheses nest more than"),
    ("sin(" * 40 + "x" + ")" * 40, "parentheses nest more than"),
    ("-" * 900 + "x", "levels of nesting"),
    ("x" * 10_000, "10,000 characters"),
    ("+".join(["x"] * 400), "pieces"),
    ("exp(x, y)", "'exp(x, y)'"),
    ("max(x)", "'max(x)'"),
    ("sin(x=1)", "'x=1'"),
    ("sin(*x)", "'*x'"),
    ("y if x else 1", "'y if x else 1'"),
    ("x < y", "'x < y'"),
    ("x and y", "'x and y'"),
    ("not x", "'not'"),
    ("~x", "'~'"),
    ("x % y", "'%'"),
    ("x // y", "'//'"),
    ("x @ y", "'@'"),
    ("x | y", "'|'"),
    ("(x := 1)", "'x := 1'"),
    ("x, y", "'x, y'"),
    ("{x: y}", "'{x: y}'"),
    ("x; y", "';'"),
    ("import os", "'import'"),
    ("x = 1", "'='"),
    ("@", "'@'"),
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("1/0", "'/0'"),
    ("x/(y - y)", "'/(y - y)'"),
    ("log(0) + x", "'log(0)'"),
    ("sqrt(-1)", "'sqrt(-1)'"),
    ("0^-1", "'0^-1'"),
    ("exp(1000) * x", "'exp(1000)'"),
    ("1e999", "'1e999'"),
    ("9" * 400, "'999"),
    ("1j * x", "'1j'"),
    ("True + x", "'True'"),
    ("None", "'None'"),
    ("...", "'...'"),
    ("sin", "'sin'"),
    ("sin(x)(y)", "'sin(x)'"),
    ("x(y)", "'x'"),
    ("xy", "'xy'"),
    ("2x", "'2x'"),
    ("x +", "ends too early"),
    ("x²", "'²'"),
    ("x\x00", "'\\x00'"),
    ("ｏｓ", "'ｏ'"),
    ("max(log(-1 - x^2), 0)", '"max(log(-1 - x^2), 0)" is not finite anywhere'),
]


@pytest.mark.parametrize("text, piece", HOSTILE, ids=[repr(t[:30]) for t, _ in HOSTILE])
def test_hostile_text_is_refused_quickly_with_the_piece_quoted(text, piece):
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        surface_from_expression(text, *DOMAIN)
    assert time.perf_counter() - started < 10.0  # a hang guard, not a speed test
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    assert piece in message, message


def test_corpus_is_large_and_every_entry_distinct():
    texts = [t for t, _ in HOSTILE]
    assert len(texts) >= 20 and len(set(texts)) == len(texts)


def _exactly_max_length():
    head = "x + y*0."
    return head + "0" * (expression.MAX_LENGTH - len(head) - 1) + "1"


@pytest.mark.parametrize("text", [
    _exactly_max_length(),
    "(" * expression.MAX_NESTING + "x" + ")" * expression.MAX_NESTING,
    f"x^{expression.MAX_EXPONENT} + y^-{expression.MAX_EXPONENT}",
])
def test_limits_are_inclusive(text):
    assert isinstance(surface_from_expression(text, *DOMAIN), Surface)


def test_one_past_each_limit_is_refused():
    n, e = expression.MAX_NESTING + 1, expression.MAX_EXPONENT + 1
    for text, reason in [("x" * (expression.MAX_LENGTH + 1), "characters long"),
                         ("(" * n + "x" + ")" * n, "nest more than"),
                         (f"x^{e}", "out of range"), (f"x^-{e}", "out of range")]:
        with pytest.raises(ExpressionError, match=reason):
            surface_from_expression(text, *DOMAIN)


def test_nothing_is_evaluated_compiled_or_executed(monkeypatch):
    """Build and use a surface with eval, exec, compile and sympy's string parser gone."""
    import sympy.parsing.sympy_parser as sympy_parser

    real_compile = builtins.compile
    calls = []

    def forbidden(*args, **kwargs):
        calls.append(args)
        raise AssertionError("eval or exec was called")

    def parse_only(source, filename, mode, flags=0, *args, **kwargs):
        # ast.parse is compile(..., flags=PyCF_ONLY_AST): a syntax tree, no code object.
        if not flags & ast.PyCF_ONLY_AST:
            calls.append(source)
            raise AssertionError("compile was called to make code")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", parse_only)
    monkeypatch.setattr(sympy_parser, "parse_expr", forbidden)
    s = surface_from_expression("sin(x)^2 * exp(-y) + max(x, y) + sqrt(1 + x^2) / 3",
                                (-1, 1), (-1, 1))
    value = s.value(np.array([0.5]), np.array([0.25]))
    gx, gy = s.gradient(np.array([0.5]), np.array([0.25]))
    monkeypatch.undo()
    assert not calls
    assert np.isfinite([value[0], gx[0], gy[0]]).all()


# Tokens from which hypothesis builds near-expressions, good and bad.
TOKENS = ["x", "y", "pi", "e", "0", "1", "2", "0.5", "1e3", "9", "100", "+", "-", "*", "/",
          "**", "^", "(", ")", ",", " ", "sin", "cos", "tan", "exp", "log", "sqrt", "abs",
          "tanh", "sinh", "cosh", "atan", "asin", "acos", "log10", "log2", "sigmoid", "min",
          "max", "ln", ".", "_", "__class__", "import", "lambda", ":", "[", "]", "'", "=",
          "<", "if", "else", "j", "%", "@", ";", "\n"]


def _check(text):
    try:
        s = surface_from_expression(text, *DOMAIN)
    except ExpressionError as err:
        assert str(err) and "\n" not in str(err)
        return
    assert isinstance(s, Surface)
    x = np.linspace(-2, 2, 5)
    assert s.value(x, x).shape == (5,)
    assert all(g.shape == (5,) for g in s.gradient(x, x))


@settings(max_examples=300, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_any_token_soup_gives_a_surface_or_an_expression_error(text):
    _check(text)


@settings(max_examples=300, deadline=10_000)
@given(st.text(max_size=60))
def test_any_text_gives_a_surface_or_an_expression_error(text):
    _check(text)


@settings(max_examples=100, deadline=10_000)
@given(st.recursive(
    st.sampled_from(["x", "y", "pi", "e", "0", "1", "2", "0.5", "3"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["sin", "cos", "exp", "log", "sqrt", "abs", "tanh", "atan",
                                   "asin", "sigmoid"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
        st.builds(lambda t: f"-{t}", inner)),
    max_leaves=12))
def test_any_well_formed_expression_gives_a_surface_or_an_expression_error(text):
    _check(text)
