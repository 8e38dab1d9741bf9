"""The schema and the loader agree: every scene `race validate` accepts, the schema accepts;
every scene the schema accepts, the loader accepts, except for the rules a schema cannot state
(a start inside the domain, an expression that parses, low < high, $...$ maths that parses, an
output inside the scene's folder, a racer's label in render.explain, the RACE_MAX_* limits, a
number given as text that is out of range). Checked on the shipped scenes, on a generated
corpus (hypothesis, from the loader's own key lists and records: see scene_corpus), on
structural mutations of valid scenes, and at every bound the schema states."""

from __future__ import annotations

import copy
import math
import re

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from race.authoring.schema import scene_schema
from race.errors import LimitError, SceneError
from race.loader import scene_from_data
from race.optimizers import OPTIMIZERS
from race.scenes import shipped_scenes
from race.yamlsource import read_yaml
from scene_corpus import scenes

SCHEMA = scene_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
CORPUS = settings(max_examples=300, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def loader_error(data) -> SceneError | None:
    try:
        scene_from_data(copy.deepcopy(data), file="scene.yaml")
    except SceneError as exc:
        return exc
    return None


def schema_errors(data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in VALIDATOR.iter_errors(data)]


def at(data, key: str | None):
    """The value at a loader key path like 'racers[0].betas[1]'."""
    for part in re.findall(r"[^.\[\]]+", key or ""):
        if isinstance(data, list):
            data = data[int(part)]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


def beyond_a_schema(error: SceneError, data) -> bool:
    """The loader's rules a JSON Schema cannot state (each said in the schema's descriptions)."""
    reason = error.reason
    value = at(data, error.key)
    return (isinstance(error, LimitError)
            or "outside the surface's domain" in reason
            or "expected low < high" in reason
            or "too narrow for its size" in reason
            or error.key == "surface.expr"
            or "expected a finite number" in reason
            or "write \\$ for a dollar sign" in reason          # $...$ maths that does not parse
            or "(a lone surrogate)" in reason
            or "a scene may only write there" in reason        # an output outside its folder
            or "no racer is labelled" in reason               # render.explain names no racer
            or ("characters, got" in reason and not isinstance(value, str))   # a long number
            or _number_as_text(value))


def _number_as_text(value) -> bool:
    """A number given as text (or a list holding one): its range is checked by the loader."""
    if isinstance(value, list):
        return any(_number_as_text(item) for item in value)
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str)


def check_agreement(data) -> str:
    """Assert the two verdicts agree on ``data``; return which way it went."""
    error = loader_error(data)
    problems = schema_errors(data)
    if error is None:
        assert not problems, f"the loader accepts {data!r} but the schema says {problems}"
        return "both accept"
    if problems:
        return "both reject"
    assert beyond_a_schema(error, data), \
        f"the schema accepts {data!r} but the loader says: {error}"
    return "only the loader rejects"


@pytest.mark.parametrize("name", sorted(shipped_scenes()))
def test_every_shipped_scene_is_accepted_by_both(name):
    path = shipped_scenes()[name]
    data, _ = read_yaml(path.read_text(encoding="utf-8"), str(path))
    assert check_agreement(data) == "both accept"


def test_a_generated_corpus_gets_the_same_verdict_from_both():
    """Hundreds of scenes, mostly valid values with bad ones mixed in everywhere; the tally
    at the end makes sure the corpus holds many scenes of each verdict."""
    seen = {"both accept": 0, "both reject": 0, "only the loader rejects": 0}

    @CORPUS
    @given(scenes(odds=6))
    def agree(data):
        seen[check_agreement(data)] += 1

    agree()
    assert seen["both accept"] >= 30 and seen["both reject"] >= 30, seen


# -- structural errors in valid scenes --------------------------------------------------------

def sites(data, path=()):
    """(path, value) of every mapping and every leaf in a scene."""
    yield path, data
    if isinstance(data, dict):
        for key, item in data.items():
            yield from sites(item, path + (key,))
    elif isinstance(data, list) and not all(isinstance(v, (int, float, str)) for v in data):
        for index, item in enumerate(data):
            yield from sites(item, path + (index,))


def replaced(data, path, new):
    data = copy.deepcopy(data)
    if not path:
        return new
    holder = data
    for part in path[:-1]:
        holder = holder.setdefault(part, {}) if isinstance(holder, dict) else holder[part]
    holder[path[-1]] = new
    return data


NAMES = {"optimizer": "adamm", "surface": "bowll", "name": "bowll", "colormap": "viridiss",
         "theme": "neon", "view": "contour3d", "layout": "stacked", "loss_panel": "left",
         "color": "notacolor", "surface_color": "notacolor"}


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(scenes(odds=None), st.data())
def test_structural_errors_in_a_valid_scene_are_rejected_by_both(data, draw):
    if loader_error(data) is not None:
        return   # a start outside its domain and the like: not a base to mutate
    places = list(sites(data))
    mappings = [(p, v) for p, v in places if isinstance(v, dict)]
    leaves = [(p, v) for p, v in places if p and not isinstance(v, dict)
              and not (p[-1] == "racers")]
    named = [(p, v) for p, v in places if p and p[-1] in NAMES and isinstance(v, str)]
    kind = draw.draw(st.sampled_from(["unknown key", "wrong type", "unknown name"]))
    if kind == "unknown key":
        path, mapping = draw.draw(st.sampled_from(mappings))
        mutated = replaced(data, path, {**mapping, "colour": 1})
    elif kind == "wrong type":
        path, _ = draw.draw(st.sampled_from(leaves))
        mutated = replaced(data, path, draw.draw(st.sampled_from([{"a": 1}, [[[]]]])))
    else:
        if not named:
            return
        path, _ = draw.draw(st.sampled_from(named))
        mutated = replaced(data, path, NAMES[path[-1]])
    assert loader_error(mutated) is not None, f"{kind} at {path} is not an error: {mutated}"
    assert schema_errors(mutated), f"the schema misses the {kind} at {path}: {mutated}"


def test_racers_given_by_name_alone_in_any_case_are_accepted_by_both():
    for name in OPTIMIZERS:
        data = {"surface": "bowl", "racers": [name, name.upper(), {"optimizer": name.title()}]}
        assert check_agreement(data) == "both accept"


# -- every bound the schema states ------------------------------------------------------------

def bounded_numbers():
    """(scene, path to a number, schema of that number) for every ranged number in the schema's
    `render` records and optimizer branches."""
    def walk(schema, base, path):
        for key, sub in schema.get("properties", {}).items():
            where = path + (key,)
            if "properties" in sub:
                yield from walk(sub, base, where)
            elif sub.get("type") == "array" and _bounded(sub.get("items", {})):
                yield base, where, sub["items"], sub["minItems"]
            elif _bounded(sub):
                yield base, where, sub, None

    yield from walk(SCHEMA["properties"]["render"], {"surface": "bowl", "racers": ["sgd"],
                                                     "render": {}}, ("render",))
    for branch in SCHEMA["properties"]["racers"]["items"]["oneOf"][1]["oneOf"]:
        name = branch["properties"]["optimizer"]["anyOf"][0]["enum"][0]
        yield from walk(branch, {"surface": "bowl", "racers": [{"optimizer": name}]},
                        ("racers", 0))


def _bounded(schema) -> bool:
    return isinstance(schema, dict) and any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum",
                                     "exclusiveMaximum"))


CASES = list(bounded_numbers())


@pytest.mark.parametrize("base, path, number, count", CASES,
                         ids=[".".join(map(str, c[1])) for c in CASES])
def test_each_bound_of_the_schema_is_the_loaders(base, path, number, count):
    integer = number.get("type") == "integer"
    step = (lambda v, d: v + d) if integer else (lambda v, d: math.nextafter(v, d * math.inf))
    checks = []
    for word, outward in (("minimum", -1), ("maximum", 1)):
        if word in number:
            checks += [(number[word], True), (step(number[word], outward), False)]
        exclusive = "exclusive" + word.title()
        if exclusive in number:
            checks += [(number[exclusive], False), (step(number[exclusive], -outward), True)]
    assert checks
    # a bound may hold only while a boolean is set (nesterov): try each boolean both ways
    holder = base["racers"][0] if path[0] == "racers" else {}
    branch = _branch(holder.get("optimizer"))
    booleans = [k for k, v in branch.get("properties", {}).items() if v.get("type") == "boolean"]
    variants = [{}] + [{key: flag} for key in booleans for flag in (True, False)]
    for value, valid in checks:
        given = value if count is None else [value] * count
        verdicts = []
        for variant in variants:
            data = replaced(base, path, given)
            if variant:
                data["racers"][0].update(variant)
            accepted = loader_error(data) is None
            assert accepted == (not schema_errors(data)), (path, value, variant,
                                                           loader_error(data), schema_errors(data))
            verdicts.append(accepted)
        assert any(verdicts) == valid, (path, value)


def _branch(optimizer):
    for branch in SCHEMA["properties"]["racers"]["items"]["oneOf"][1]["oneOf"]:
        if branch["properties"]["optimizer"]["anyOf"][0]["enum"] == [optimizer]:
            return branch
    return {}


def test_the_bounds_cover_render_and_hyperparameters():
    paths = {".".join(map(str, c[1])) for c in CASES}
    assert {"render.fps", "render.size", "render.squares.alpha", "render.camera.elev",
            "racers.0.lr", "racers.0.betas", "racers.0.rho"} <= paths


def test_a_nesterov_racer_needs_momentum_and_no_dampening_in_both():
    for racer, valid in [({"optimizer": "sgd", "nesterov": True, "momentum": 0.9}, True),
                         ({"optimizer": "sgd", "nesterov": True}, False),
                         ({"optimizer": "sgd", "nesterov": True, "momentum": 0.9,
                           "dampening": 0.1}, False),
                         ({"optimizer": "nesterov", "momentum": 0}, False),
                         ({"optimizer": "nesterov", "momentum": 0, "nesterov": False}, True),
                         ({"optimizer": "sgd", "momentum": 0, "dampening": -3}, True)]:
        data = {"surface": "bowl", "racers": [racer]}
        assert (loader_error(data) is None) == valid, racer
        assert (not schema_errors(data)) == valid, (racer, schema_errors(data))


def test_a_custom_surface_needs_a_start_in_both():
    surface = {"expr": "x**2 + y**2", "xlim": [-2, 2], "ylim": [-2, 2]}
    for extra, valid in [({}, False), ({"start": [1, 1]}, True),
                         ({"racers": [{"optimizer": "sgd", "start": [1, 1]}, "adam"]}, False),
                         ({"racers": [{"optimizer": "sgd", "starts": {"grid": [2, 2]}}]}, True)]:
        data = {"surface": surface, "racers": ["sgd"], **extra}
        assert (loader_error(data) is None) == valid, extra
        assert (not schema_errors(data)) == valid, (extra, schema_errors(data))


@pytest.mark.parametrize("value", [False, 0, "", []])
def test_a_render_that_is_not_a_mapping_is_an_error_in_both(value):
    """The agreement test found the loader taking `render: false` (or 0, '', []) for the
    defaults; only `render:` with nothing under it (null) means that."""
    error = loader_error({"surface": "bowl", "racers": ["sgd"], "render": value})
    assert error is not None and error.key == "render" and "expected a mapping" in error.reason
    assert schema_errors({"surface": "bowl", "racers": ["sgd"], "render": value})
    assert check_agreement({"surface": "bowl", "racers": ["sgd"], "render": None}) == \
        "both accept"
