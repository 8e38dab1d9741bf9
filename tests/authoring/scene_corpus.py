"""Scenes for the schema agreement tests, generated from what the *loader* reads (its key lists,
the records' annotations and metadata, the optimizer configs, the registries), never from the
schema, so that the schema is checked against an independent oracle.

``scenes(odds)`` mixes good values with bad ones in every place the loader looks (``odds``
good draws for each bad one; ``odds=None`` draws good values only). Good values include the
loader's leniencies (numbers as text, any-case names and colours, integral floats); bad ones
include wrong types, out-of-range numbers, misspelt names and unknown keys.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing

from hypothesis import strategies as st

from race import loader
from race.optimizers import OPTIMIZERS
from race.scene import Racer, Render, Scene
from race.surfaces import SURFACES

JUNK = [None, True, False, "text", "", [], {}, [1, 2, 3], {"a": 1}, 3, -2.5]
EDGES = [-1e6, -2.0, -1.0, -0.5, -1e-9, 0.0, 1e-9, 0.01, 0.5, 0.9, 0.999, 1.0, 1.5, 2.0, 30.0,
         1e6]
NUMBER_TEXTS = ["0.5", " 1e-3 ", "-1", "2", "1_000", ".5"]
BAD_NUMBER_TEXTS = ["abc", "0x10", "1e999", "nan", "inf", "1..2", ""]
GOOD_COLORS = ["white", "White", "DarkOrange", "tab:blue", "TAB:Blue", "xkcd:sky blue", "r", "k",
               "C0", "C12", "#0f0", "#00ff00", "#00FF0080", "#0f08", "0.5", "1", "0", " 0.25 ",
               "-0", ".5", "none", "None"]
BAD_COLORS = ["R", "notacolor", "#12", "#12345", "#gggggg", "C", "Cx", "c1", "1.5", "-0.5",
              "whte", "", "tab:purp", 3, None, True, ["r"]]
GOOD_COLORMAPS = ["viridis", "viridis_r", "Blues", "twilight", "magma"]
BAD_COLORMAPS = ["VIRIDIS", "viridiss", "", 3, True]
EXPRESSIONS = ["x**2 + y**2", "x*y", "sin(x) + y^2", 3]
BAD_EXPRESSIONS = ["x**", "__import__('os')", "", True, None]
RANGES = [[-2, 2], [-3.0, 3.0], [0, 1], ["-2", "2"], [-1e100, 1e100]]
BAD_RANGES = [[2, -2], [1], "ab", [-2, None], [1, 1], [-1e101, 0], [1e9, 1e9 + 0.5]]
GOOD_TEXTS = ["$x^2 + y^2$", "costs $5", "a \\$ sign", "Adam ($\\beta_1 = 0.9$)"]


# Schedules whose only rules the schema can state (a OneCycleLR's total_steps against the
# scene's steps, momentum cycling on an optimizer without momentum, are validate's alone).
GOOD_SCHEDULES = [{"name": "StepLR", "step_size": 5}, {"name": "steplr", "step_size": 3,
                                                       "gamma": 0.5},
                  {"name": "ExponentialLR", "gamma": 0.9},
                  {"name": "CosineAnnealingLR", "T_max": 50, "eta_min": 0.0001},
                  {"name": "MultiStepLR", "milestones": [5, 10]}, None]
BAD_SCHEDULES = [{"name": "StepLR"}, {"name": "StepLRR", "step_size": 2},
                 {"name": "StepLR", "step_size": 0}, {"name": "StepLR", "step_size": 3,
                                                      "gama": 0.5},
                 {"name": "StepLR", "step_size": "two"}, 3, "StepLR", []]


def choice(good, bad, odds):
    """``odds`` good draws for each bad one; only good ones when ``odds`` is None."""
    good = good if isinstance(good, st.SearchStrategy) else st.sampled_from(good)
    if odds is None:
        return good
    bad = bad if isinstance(bad, st.SearchStrategy) else st.sampled_from(bad)
    # (st.one_of would merge a repeated strategy: pick the branch by a number instead)
    return st.integers(0, odds).flatmap(lambda i: good if i < odds else bad)


def floats(odds, low=None, high=None):
    """Numbers at and around the bounds and the usual edges, some given as text."""
    near = [v for bound in (low, high) if bound is not None
            for v in (bound, math.nextafter(bound, -math.inf), math.nextafter(bound, math.inf))]
    inside = [v for v in EDGES + near if (low is None or v >= low) and (high is None or v <= high)]
    start = low if low is not None else -3.0
    stop = high if high is not None else start + 6.0
    good = st.one_of(st.sampled_from(inside), st.sampled_from([repr(v) for v in inside]),
                     st.floats(start, stop))
    if odds is None:
        return good
    return choice(good, EDGES + near + NUMBER_TEXTS + BAD_NUMBER_TEXTS + JUNK, odds)


def ints(odds, low=None, high=None):
    near = [v for bound in (low, high) if bound is not None for v in (bound - 1, bound, bound + 1)]
    low_, high_ = low if low is not None else -5, high if high is not None else 300
    good = st.one_of(st.integers(low_, min(high_, low_ + 300)),
                     st.sampled_from([v for v in near if low_ <= v <= high_] or [low_]),
                     st.integers(low_, min(high_, low_ + 300)).map(float))
    bad = st.sampled_from(near + [2.5, "3", True, None, [], -10**9, 10**9])
    return choice(good, bad, odds)


def value(hint, metadata, odds):
    """Values for a field the loader converts by ``hint`` (race.values.convert)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = value([a for a in args if a is not type(None)][0], metadata, odds)
        return st.one_of(inner, st.none()) if type(None) in args else inner
    if origin is typing.Literal:
        return choice(list(args), ["nope", str(args[0]).upper(), 1, None], odds)
    if dataclasses.is_dataclass(hint):
        return record(hint, odds)
    if origin is tuple:
        items = [value(a, metadata, odds) for a in args]
        good = st.tuples(*items).map(list)
        return choice(good, st.sampled_from([[1], [1, 2, 3], "1,2", None]), odds)
    if hint is bool:
        return choice(st.booleans(), ["true", 1, 0, None], odds)
    if hint is int:
        return ints(odds, metadata.get("low"), metadata.get("high"))
    if hint is float:
        return floats(odds, metadata.get("low"), metadata.get("high"))
    if hint is str:
        kind = metadata.get("kind")
        if kind == "color":
            return choice(GOOD_COLORS, BAD_COLORS, odds)
        if kind == "colormap":
            return choice(GOOD_COLORMAPS, BAD_COLORMAPS, odds)
        if kind == "label":      # a racer's label: the optimizers' names are the default ones
            return choice(sorted(OPTIMIZERS), [3, [], "nobody"], odds)
        return choice(st.text(max_size=8), [3, None, []], odds)
    raise TypeError(f"no values for {hint}")


def record(cls, odds):
    """A mapping of some of ``cls``'s fields (``true``/``false`` for records with ``show``),
    now and then with a key it does not have."""
    hints = typing.get_type_hints(cls)
    optional = {f.name: value(hints[f.name], f.metadata, odds) for f in dataclasses.fields(cls)}
    mapping = with_unknown_key(st.fixed_dictionaries({}, optional=optional), odds)
    if "show" in optional:
        return st.one_of(mapping, mapping, st.booleans())
    return mapping


def from_field(record, key, odds):
    """Values for a key the loader reads into the field of ``record`` of the same name."""
    fields = {f.name: f for f in dataclasses.fields(record)}
    assert key in fields, f"no values for {record.__name__} key {key!r}: teach scene_corpus"
    return value(typing.get_type_hints(record)[key], fields[key].metadata, odds)


def with_unknown_key(mappings, odds):
    """Now and then, a key the loader does not read."""
    return choice(mappings, mappings.map(lambda m: {**m, "bogus": 1}), odds)


def one_start_key(mappings, odds):
    """Mostly at most one of `start` and `starts`, as the loader wants."""
    def drop(mapping):
        return {k: v for k, v in mapping.items() if k != "starts"} if "start" in mapping \
            else mapping
    return choice(mappings.map(drop), mappings, odds)


def point(odds):
    good = st.lists(floats(None, -3.0, 3.0), min_size=2, max_size=2)
    return choice(good, [[1], [1, 2, 3], "1, 2", None, [1, "x"]], odds)


def starts(odds):
    grid = st.fixed_dictionaries(
        {"grid": st.lists(ints(odds, 1, 4), min_size=2, max_size=2)},
        optional={"xlim": choice(RANGES, BAD_RANGES, odds),
                  "ylim": choice(RANGES, BAD_RANGES, odds)})
    points = st.lists(point(odds), min_size=1, max_size=3)
    return choice(st.one_of(points, grid), [[], {"xlim": [0, 1]}, 3, [[1, 2], 5]], odds)


def surface(odds):
    names = list(SURFACES)
    named = st.fixed_dictionaries({"name": choice(names, ["bowll", "Bowl", 3], odds)},
                                  optional={"xlim": choice(RANGES, BAD_RANGES, odds),
                                            "ylim": choice(RANGES, BAD_RANGES, odds)})
    custom = st.fixed_dictionaries({"expr": choice(EXPRESSIONS, BAD_EXPRESSIONS, odds),
                                    "xlim": choice(RANGES, BAD_RANGES, odds),
                                    "ylim": choice(RANGES, BAD_RANGES, odds)})
    good = st.one_of(st.sampled_from(names), st.sampled_from(names), named, custom)
    bad = st.one_of(st.sampled_from(["bowll", "Bowl", 3, None, []]),
                    st.just({"name": "bowl", "expr": "x*y", "xlim": [-1, 1], "ylim": [-1, 1]}),
                    st.just({"expr": "x*y", "xlim": [-1, 1]}))
    return choice(good, bad, odds)


def optimizer_name(name, odds):
    return choice([name, name.upper(), name.capitalize()], ["adamm", "", 3], odds)


def racer(odds):
    def for_optimizer(name):
        config = OPTIMIZERS[name].config
        hints = typing.get_type_hints(config)
        optional = {f.name: value(hints[f.name], {}, odds) for f in dataclasses.fields(config)}
        optional.update(label=choice(st.one_of(st.text(min_size=1, max_size=6), st.integers(),
                                               st.sampled_from(GOOD_TEXTS)),
                                     ["", " ", True, None, [], "x" * 81, "$\\frac{$"], odds),
                        color=choice(GOOD_COLORS, BAD_COLORS, odds),
                        start=point(odds), starts=starts(odds),
                        schedule=choice(GOOD_SCHEDULES, BAD_SCHEDULES, odds))
        for key in loader.RACER_KEYS:   # keys added since, read into Racer fields
            if key not in optional and key != "optimizer":
                optional[key] = from_field(Racer, key, odds)
        mapping = one_start_key(st.fixed_dictionaries({"optimizer": optimizer_name(name, odds)},
                                                      optional=optional), odds)
        if odds is None:
            return mapping
        # another optimizer's hyperparameter, now and then
        return choice(mapping, mapping.map(lambda m: {**m, "alpha": 0.9}), odds)

    mapping = st.one_of([for_optimizer(name) for name in OPTIMIZERS])
    shorthand = st.one_of([optimizer_name(name, odds) for name in OPTIMIZERS])
    good = st.one_of(mapping, mapping, mapping, shorthand)
    return choice(good, [3, None, [], {"lr": 0.1}], odds)


def scenes(odds: int | None = 6):
    """Scene mappings as the YAML would give them."""
    optional = {
        "title": choice(st.one_of(st.text(max_size=10), st.integers(), st.none(),
                                  st.sampled_from(GOOD_TEXTS + ["t" * 200])),
                        [[], {}, True, "t" * 201, "$\\frac{$"], odds),
        "start": point(odds),
        "starts": starts(odds),
        "steps": ints(odds, 1, 50),
        "stop_tolerance": st.one_of(st.none(), floats(odds, 1e-3, 1.0)) if odds is None
        else st.one_of(st.none(), floats(odds)),
        "render": st.one_of(st.none(), record(Render, odds)) if odds is None
        else choice(st.one_of(st.none(), record(Render, odds)), [False, 0, "", []], odds),
        "output": choice(["out.gif", "outputs/x.mp4"], ["", "  ", 3, []], odds),
    }
    for key in loader.SCENE_KEYS:   # keys added since, read into Scene fields
        if key not in optional and key not in loader.REQUIRED_KEYS:
            optional[key] = from_field(Scene, key, odds)
    required = {"surface": surface(odds),
                "racers": choice(st.lists(racer(odds), min_size=1, max_size=3), [[], {}, "adam"],
                                 odds)}
    full = one_start_key(st.fixed_dictionaries(required, optional=optional), odds)
    if odds is None:
        return full
    partial = st.fixed_dictionaries({}, optional={**required, **optional})
    return choice(with_unknown_key(full, odds), partial, 2 * odds)
