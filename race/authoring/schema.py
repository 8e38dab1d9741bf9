"""The JSON Schema of scene files, generated from what the loader validates against.

Editors that read JSON Schema (VS Code's YAML extension, JetBrains IDEs, Helix and Neovim
through yaml-language-server) use it for completion, hover docs and red squiggles. It is built
here from the sources the loader itself reads, so it cannot drift from them:

- ``render`` and its sub-records: the ``race.scene`` records, their ``option(...)`` docs,
  defaults, ranges and kinds, converted as ``race.values.convert`` converts them;
- racers: one branch per optimizer of the registry (``oneOf`` on ``optimizer``), with that
  optimizer's torch hyperparameters, defaults and the ranges its config record accepts
  (probed by ``race.authoring.ranges``);
- surface names from ``race.surfaces.SURFACES``; colour names and colormaps from matplotlib;
- the keys the loader reads by hand (``title``, ``surface``, ``start``...) from the loader's
  own key lists, described here. A key the loader reads that this module cannot describe
  raises ``SchemaDrift`` (a test runs the generator), so a new key is never silently missing.

Only keywords that draft 7 also knows are used where editors need them (``items`` with one
schema, ``if``/``then``, ``const``), since yaml-language-server validates with draft-7 rules.
Rules a schema cannot state (a start inside the surface's domain, an expression that parses,
the RACE_MAX_* limits) are stated in the descriptions and checked by ``race validate``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, Literal

from race import limits, loader
from race.authoring.ranges import Interval, config_ranges
from race.optimizers import OPTIMIZERS
from race.scene import Racer, Render, Scene
from race.surfaces import SURFACES
from race.values import MAX_COORDINATE, MAX_LABEL_CHARS, MAX_TITLE_CHARS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_NAME = "scene.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_NAME}"
OPTION_METADATA = {"doc", "low", "high", "kind"}

# What Python's float() reads, finite values only: the loader takes numbers given as text.
NUMBER_TEXT = (r"^\s*[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)"
               r"(?:[eE][+-]?[0-9](?:_?[0-9])*)?\s*$")
# matplotlib's colour strings besides names: '#rgb', '#rgba', '#rrggbb', '#rrggbbaa'; 'C0',
# 'C1'... (the colour cycle); a grey level '0' to '1' as text.
HEX_COLOR = r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"
CYCLE_COLOR = r"^C[0-9]+$"
GREY_COLOR = r"^\s*(?:\+?(?:0+(?:\.[0-9]*)?|0*\.[0-9]+|0*1(?:\.0*)?)|-(?:0+(?:\.0*)?|0*\.0+))\s*$"
NON_BLANK = r"\S"
SPECIAL = set(r"\^$.|?*+()[]{}/")

# The top-level keys and racer keys the loader reads by hand (README's table text).
SCENE_DOCS = {
    "title": f"text drawn above the race, at most {MAX_TITLE_CHARS} characters; $...$ in it is "
             "maths, which `race validate` checks (write \\$ for a dollar sign); default: the "
             "racers and the surface",
    "surface": "a built-in name (`race list surfaces`); {name: beale, xlim: [..], ylim: [..]} "
               "for a built-in on another domain; or {expr: \"x**2 + 3*sin(y)\", xlim: [a, b], "
               "ylim: [c, d]}",
    "start": "[x, y], the default start for every racer; default: the surface's own start. "
             "It must lie inside the surface's domain (checked by `race validate`)",
    "starts": "instead of `start`: a list of [x, y] points, or {grid: [nx, ny]} (optionally "
              "with xlim, ylim) for many starts at once; every point inside the domain",
    "steps": "optimizer steps to run; at most RACE_MAX_STEPS "
             f"({limits.DEFAULTS['MAX_STEPS']:,} unless raised)",
    "stop_tolerance": "freeze a ball once its gradient is below this on both axes (the "
                      "original app used 0.01); null = never",
    "racers": "the optimizers that race: each a mapping with `optimizer` and, beside it, "
              "that optimizer's torch hyperparameters with torch's names and defaults, plus "
              "`label`, `color` and its own `start` or `starts`; or just an optimizer's name. "
              f"At most RACE_MAX_RACERS ({limits.DEFAULTS['MAX_RACERS']:,} unless raised)",
    "render": "how to draw it (`race list render-keys`)",
    "output": "where `race render` writes when no -o is given, relative to the scene's folder; "
              "it must stay inside that folder or the current one (checked by `race "
              "validate`); default outputs/<scene file name>.gif",
}
RACER_DOCS = {
    "optimizer": "the optimizer (`race list optimizers`)",
    "label": f"the name in the legend, at most {MAX_LABEL_CHARS} characters ($...$ is maths); "
             "default: the optimizer's name",
    "color": "the racer's colour (any matplotlib colour); default: the theme's next colour",
    "start": "[x, y], this racer's own start, inside the surface's domain",
    "starts": "this racer's own starts: a list of [x, y] points or {grid: [nx, ny]}",
    "schedule": "a torch.optim.lr_scheduler class by `name` (any case) with its own keyword "
                "arguments and defaults (`race list schedules`); stepped after every optimizer "
                "step. `race validate` checks what torch's constructor checks",
}
# What torch's hyperparameters mean; a name missing here is described by its torch name.
HYPERPARAMETER_DOCS = {
    "lr": "learning rate",
    "momentum": "momentum factor",
    "dampening": "dampening of the momentum",
    "weight_decay": "weight decay (L2 penalty)",
    "nesterov": "use Nesterov momentum",
    "maximize": "climb the surface instead of descending it",
    "lr_decay": "learning rate decay",
    "initial_accumulator_value": "starting value of the sum of squared gradients",
    "eps": "term added to the denominator for numerical stability",
    "alpha": "smoothing constant of the average of squared gradients",
    "centered": "divide by the centred second moment (the gradient's estimated variance)",
    "rho": "coefficient of the running averages of squared gradients and updates",
    "betas": "coefficients of the running averages of the gradient and its square",
    "amsgrad": "use the maximum of past squared-gradient averages (AMSGrad)",
    "decoupled_weight_decay": "decay the weights directly, as AdamW does",
    "momentum_decay": "momentum decay (NAdam's ψ)",
}


class SchemaDrift(Exception):
    """The loader reads something this module cannot describe: extend the generator."""


def scene_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a scene file."""
    import matplotlib

    properties = {key: _scene_key(key) for key in loader.SCENE_KEYS}
    return {
        "$schema": DIALECT,
        "title": "race scene",
        "description": "A scene for race: optimizers racing across a 2D loss surface. Check "
                       "one with `race validate SCENE`.",
        "$comment": "Generated by `race schema` from race's loader, records and registries; "
                    f"do not edit. Colour names and colormaps are matplotlib "
                    f"{matplotlib.__version__}'s.",
        "type": "object",
        "properties": properties,
        "required": list(loader.REQUIRED_KEYS),
        "additionalProperties": False,
        "allOf": [_one_start_key(), _custom_surface_needs_start()],
        "$defs": {"color": color_schema(), "colormap": colormap_schema(),
                  "surface_name": {"enum": list(SURFACES)},
                  "point": _point(), "range": _range(), "starts": _starts(),
                  "schedule": _schedule()},
    }


def schema_text() -> str:
    """The schema as the file ``race schema`` writes: stable key order, one trailing newline."""
    return json.dumps(scene_schema(), indent=2, ensure_ascii=False) + "\n"


def shipped_schema() -> Path:
    """The schema file shipped beside the scenes (``configs/scene.schema.json``)."""
    from race.scenes import shipped_folder

    folder = shipped_folder()
    if folder is None:
        raise FileNotFoundError("race's shipped scenes are missing from this installation")
    return folder / SCHEMA_NAME


# -- top-level keys -------------------------------------------------------------------------

def _scene_key(key: str) -> dict:
    builders = {
        "title": lambda: {"type": ["string", "number", "null"], "maxLength": MAX_TITLE_CHARS},
        "surface": _surface,
        "start": lambda: {"$ref": "#/$defs/point"},
        "starts": lambda: {"$ref": "#/$defs/starts"},
        "steps": lambda: {"type": "integer", "minimum": 1, "default": loader.DEFAULT_STEPS},
        "stop_tolerance": lambda: _nullable(number_schema(Interval(0.0, True))),
        "racers": _racers,
        "render": lambda: _nullable(record_schema(Render)),
        "output": lambda: {"type": ["string", "null"], "pattern": NON_BLANK},
    }
    if key in builders:
        return _described(builders[key](), SCENE_DOCS[key])
    return _field_schema(Scene, key, "scene key")


def _racer_key(key: str) -> dict:
    builders = {
        "label": lambda: {"anyOf": [{"type": "string", "pattern": NON_BLANK,
                                     "maxLength": MAX_LABEL_CHARS}, {"type": "number"}]},
        "color": lambda: {"$ref": "#/$defs/color"},
        "start": lambda: {"$ref": "#/$defs/point"},
        "starts": lambda: {"$ref": "#/$defs/starts"},
        "schedule": lambda: _nullable({"$ref": "#/$defs/schedule"}),
    }
    if key in builders:
        return _described(builders[key](), RACER_DOCS[key])
    return _field_schema(Racer, key, "racer key")


# -- learning-rate schedules ------------------------------------------------------------------

def _schedule() -> dict:
    """One branch per torch scheduler class of ``race.schedules`` (``oneOf`` on ``name``), with
    that class's keyword arguments, defaults and the ranges their metadata gives."""
    from race.schedules import SCHEDULES

    names = [schedule.name for schedule in SCHEDULES.values()]
    return {"type": "object", "required": ["name"],
            "properties": {"name": _described(_name_schema(names),
                                              "the torch.optim.lr_scheduler class")},
            "oneOf": [_schedule_branch(schedule) for schedule in SCHEDULES.values()]}


def _schedule_branch(schedule) -> dict:
    hints = typing.get_type_hints(schedule.config)
    where = f"torch.optim.lr_scheduler.{schedule.name}"
    properties = {"name": _described(_name_schema([schedule.name]), f"{where}: "
                                     f"{schedule.summary}")}
    required = ["name"]
    for field in dataclasses.fields(schedule.config):
        hint = hints[field.name]
        if field.name == "schedulers":   # SequentialLR: schedules of the other classes
            value = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/schedule"}}
        else:
            interval = Interval(field.metadata.get("low"), False, field.metadata.get("high"),
                                False)
            value = value_schema(hint, {}, f"{where}.{field.name}", lambda index: interval)
        doc = field.metadata.get("doc") or f"{where}'s `{field.name}`"
        default = field.default
        if field.default is dataclasses.MISSING and \
                field.default_factory is dataclasses.MISSING:
            required.append(field.name)
        properties[field.name] = _described(value, doc, default)
    return {"title": schedule.name, "type": "object", "properties": properties,
            "required": required, "additionalProperties": False}


def _field_schema(record: type, key: str, what: str) -> dict:
    """A key the loader reads that has a field of the same name, documented by its
    ``option(...)`` doc or, for a record, by the record's docstring."""
    field = {f.name: f for f in dataclasses.fields(record)}.get(key)
    hint = typing.get_type_hints(record).get(key)
    doc = field.metadata.get("doc") if field is not None else None
    if doc is None and field is not None:
        kind = next((a for a in (hint, *typing.get_args(hint)) if dataclasses.is_dataclass(a)),
                    None)
        written = (kind.__doc__ or "") if kind is not None else ""
        if written and not written.startswith(f"{kind.__name__}("):   # not dataclass' own
            doc = written.strip().splitlines()[0].rstrip(".")
    if not doc:
        raise SchemaDrift(f"{what} {key!r}: the loader reads it, but {record.__name__} has no "
                          f"documented field of that name; describe it in {__name__}")
    return _option(field, hint, f"{what} {key}", doc)


def _surface() -> dict:
    range_doc = "[low, high] of {}; default: the surface's own"
    from race.surfaces.expression import FUNCTIONS, MAX_LENGTH

    expr = {"type": ["string", "number"],
            "description": "z as an expression of x and y: numbers, + - * / ** (also ^), "
                           f"parentheses, pi, e and the functions {', '.join(sorted(FUNCTIONS))}"
                           ". It is parsed, never run as Python; `race validate` checks that it "
                           f"parses, is at most {MAX_LENGTH:,} characters and is finite "
                           "somewhere on the domain"}
    named = {"type": "object",
             "properties": {"name": {"$ref": "#/$defs/surface_name",
                                     "description": "a built-in surface"},
                            "xlim": _described({"$ref": "#/$defs/range"}, range_doc.format("x")),
                            "ylim": _described({"$ref": "#/$defs/range"}, range_doc.format("y"))},
             "required": ["name"], "additionalProperties": False}
    custom = {"type": "object",
              "properties": {"expr": expr,
                             "xlim": _described({"$ref": "#/$defs/range"}, "[low, high] of x"),
                             "ylim": _described({"$ref": "#/$defs/range"}, "[low, high] of y")},
              "required": ["expr", "xlim", "ylim"], "additionalProperties": False}
    for key in loader.SURFACE_KEYS:
        if not any(key in branch["properties"] for branch in (named, custom)):
            raise SchemaDrift(f"surface key {key!r} is read by the loader but not described")
    return {"anyOf": [{"$ref": "#/$defs/surface_name"}, named, custom]}


def _point() -> dict:
    return {"description": "a point [x, y] inside the surface's domain (checked by `race "
                           "validate`: a schema cannot see the domain)",
            "type": "array", "minItems": 2, "maxItems": 2, "items": number_schema(Interval())}


def _range() -> dict:
    coordinate = Interval(-MAX_COORDINATE, False, MAX_COORDINATE, False)
    return {"description": "[low, high] with low < high and not too narrow for float64 (both "
                           "checked by `race validate`)",
            "type": "array", "minItems": 2, "maxItems": 2, "items": number_schema(coordinate)}


def _starts() -> dict:
    grid = {"type": "object",
            "properties": {
                "grid": {"description": "[nx, ny]: starts on an nx by ny grid inside the "
                                        "domain (or inside xlim, ylim); at most "
                                        "RACE_MAX_STARTS in all",
                         "type": "array", "minItems": 2, "maxItems": 2,
                         "items": {"type": "integer", "minimum": 1}},
                "xlim": _described({"$ref": "#/$defs/range"}, "the grid's [low, high] of x"),
                "ylim": _described({"$ref": "#/$defs/range"}, "the grid's [low, high] of y")},
            "required": ["grid"], "additionalProperties": False}
    return {"description": "a list of [x, y] points, or {grid: [nx, ny]}",
            "anyOf": [{"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/point"}},
                      grid]}


def _one_start_key() -> dict:
    return {"not": {"required": ["start", "starts"]},
            "description": "give either `start` or `starts`, not both"}


def _custom_surface_needs_start() -> dict:
    """A custom expression has no start of its own: the scene or every racer must give one."""
    given = [{"required": ["start"]}, {"required": ["starts"]}]
    every_racer = {"properties": {"racers": {"items": {"type": "object", "anyOf": given}}}}
    return {"description": "a custom surface has no start of its own: give `start` or "
                           "`starts`, to the scene or to every racer",
            "if": {"properties": {"surface": {"type": "object", "required": ["expr"]}},
                   "required": ["surface"]},
            "then": {"anyOf": given + [every_racer]}}


# -- racers ---------------------------------------------------------------------------------

def _racers() -> dict:
    names = list(OPTIMIZERS)
    shorthand = {"description": "an optimizer's name alone, with its torch defaults",
                 **_name_schema(names)}
    # The mapping checks `optimizer` against every name first, so a misspelt one is reported
    # with the list of names, then takes the branch of that optimizer.
    mapping = {"type": "object", "required": ["optimizer"],
               "properties": {"optimizer": _name_schema(names)},
               "oneOf": [_racer(name) for name in names]}
    return {"type": "array", "minItems": 1, "items": {"oneOf": [shorthand, mapping]}}


def _name_schema(names: list[str]) -> dict:
    """Any of ``names``, in any case as the loader reads them (completion offers them as
    written)."""
    spelled = "|".join(_any_case(name) for name in names)
    return {"anyOf": [{"enum": names}, {"type": "string", "pattern": f"^(?:{spelled})$"}]}


def _racer(name: str) -> dict:
    optimizer = OPTIMIZERS[name]
    properties = {"optimizer": _described(_name_schema([name]), RACER_DOCS["optimizer"])}
    properties.update(_hyperparameters(optimizer))
    for key in loader.RACER_KEYS:
        if key != "optimizer":
            properties[key] = _racer_key(key)
    racer = {"title": f"{name} racer",
             "description": f"torch.optim.{optimizer.torch_name}: {optimizer.rule}",
             "type": "object", "properties": properties, "required": ["optimizer"],
             "additionalProperties": False, "allOf": [_one_start_key()]}
    racer["allOf"] += _conditions(optimizer)
    return racer


def _hyperparameters(optimizer) -> dict:
    ranges = config_ranges(optimizer.config)
    hints = typing.get_type_hints(optimizer.config)
    properties = {}
    for field in dataclasses.fields(optimizer.config):
        def bounds(index, name=field.name):
            return ranges.widest.get((name, index))

        schema = value_schema(hints[field.name], {}, f"{optimizer.name}.{field.name}", bounds)
        meaning = HYPERPARAMETER_DOCS.get(field.name,
                                          f"torch.optim.{optimizer.torch_name}'s {field.name}")
        notes = tuple(f"with {c.key}: {_yaml(c.value)}, {interval.text()}"
                      for c in ranges.conditions
                      for (name, _), interval in c.ranges.items() if name == field.name)
        doc = f"{meaning} (torch.optim.{optimizer.torch_name} `{field.name}`)"
        properties[field.name] = _described(schema, doc, field.default, notes)
    return properties


def _conditions(optimizer) -> list[dict]:
    """``if`` a boolean hyperparameter is (or defaults to) a value, ``then`` narrower ranges."""
    ranges = config_ranges(optimizer.config)
    default = {f.name: f.default for f in dataclasses.fields(optimizer.config)}
    hints = typing.get_type_hints(optimizer.config)
    result = []
    for condition in ranges.conditions:
        given = {"required": [condition.key],
                 "properties": {condition.key: {"const": condition.value}}}
        holds = given
        if default[condition.key] == condition.value:   # also when the key is left out
            holds = {"not": {"required": [condition.key],
                             "properties": {condition.key: {"const": not condition.value}}}}
        narrowed, required = {}, []
        for name in dict.fromkeys(name for name, _ in condition.ranges):
            def bounds(index, name=name):
                return condition.ranges.get((name, index), ranges.widest.get((name, index)))

            narrowed[name] = value_schema(hints[name], {}, f"{optimizer.name}.{name}", bounds)
            if any((default[name] if index is None else default[name][index]) not in interval
                   for (key, index), interval in condition.ranges.items() if key == name):
                required.append(name)   # its default is out of the narrowed range: give it
        then = {"properties": narrowed}
        if required:
            then["required"] = required
        result.append({"if": holds, "then": then})
    return result


# -- records and values ---------------------------------------------------------------------

def record_schema(record: type) -> dict:
    """A ``race.scene`` record: each field by its annotation and ``option(...)`` metadata."""
    hints = typing.get_type_hints(record)
    fields = dataclasses.fields(record)
    properties = {f.name: _option(f, hints[f.name], f"{record.__name__}.{f.name}")
                  for f in fields}
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if "show" in properties:   # `squares: false` is short for `squares: {show: false}`
        schema["type"] = ["boolean", "object"]
    return schema


def _option(field: dataclasses.Field, hint: Any, where: str, doc: str | None = None) -> dict:
    unknown = set(field.metadata) - OPTION_METADATA
    if unknown:
        raise SchemaDrift(f"{where}: option metadata {sorted(unknown)} is not understood by "
                          f"{__name__}")
    low, high = field.metadata.get("low"), field.metadata.get("high")
    interval = Interval(low, False, high, False)
    schema = value_schema(hint, field.metadata, where, lambda index: interval)
    if field.default is not dataclasses.MISSING:
        default = field.default
    elif field.default_factory is not dataclasses.MISSING:
        default = field.default_factory()
    else:
        default = dataclasses.MISSING
    return _described(schema, doc or field.metadata.get("doc", ""), default)


def value_schema(hint: Any, metadata, where: str, bounds) -> dict:
    """What ``race.values.convert`` accepts for ``hint``; ``bounds(index)`` is the Interval
    of a number (index None) or of item ``index`` of a tuple."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        schema = value_schema(options[0], metadata, where, bounds)
        return _nullable(schema) if type(None) in args else schema
    if origin is Literal:
        return {"enum": list(args)}
    if dataclasses.is_dataclass(hint):
        return record_schema(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:   # tuple[int, ...]
        return {"type": "array", "items": value_schema(args[0], metadata, where,
                                                       lambda _: bounds(None))}
    if origin is tuple:
        items = [value_schema(arg, metadata, where, lambda _, i=i: bounds(i))
                 for i, arg in enumerate(args)]
        schema = {"type": "array", "minItems": len(items), "maxItems": len(items)}
        if all(item == items[0] for item in items):
            return {**schema, "items": items[0]}
        return {**schema, "prefixItems": items, "items": False}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer", **(bounds(None) or Interval()).keywords()}
    if hint is float:
        return number_schema(bounds(None) or Interval())
    if hint is str:
        kind = metadata.get("kind")
        if kind is None or kind == "label":   # a racer's label: the loader checks it
            return {"type": "string"}
        if kind in ("color", "colormap"):
            return {"$ref": f"#/$defs/{kind}"}
        raise SchemaDrift(f"{where}: text of kind {kind!r} is not understood by {__name__}")
    raise SchemaDrift(f"{where}: values of type {hint} are not understood by {__name__}")


def number_schema(interval: Interval) -> dict:
    """A finite number, or text that reads as one (the loader takes both), in ``interval``
    (JSON Schema's range keywords apply to the number; text is checked by `race validate`)."""
    return {"type": ["number", "string"], "pattern": NUMBER_TEXT, **interval.keywords()}


def color_schema() -> dict:
    from matplotlib.colors import get_named_colors_mapping

    names = sorted(get_named_colors_mapping())
    long_names = sorted({name.lower() for name in names if len(name) > 1} | {"none"})
    return {
        "description": "a matplotlib colour: a name ('white', 'tab:blue', 'xkcd:sky blue'; any "
                       "case), '#rgb', '#rrggbb' (with alpha: '#rgba', '#rrggbbaa'), 'C0'... "
                       "for the colour cycle, or a grey level '0' to '1' as text",
        "anyOf": [{"enum": names + ["none"]},
                  {"type": "string", "pattern": f"^(?:{_trie_pattern(long_names)})$"},
                  {"type": "string", "pattern": HEX_COLOR},
                  {"type": "string", "pattern": CYCLE_COLOR},
                  {"type": "string", "pattern": GREY_COLOR}]}


def colormap_schema() -> dict:
    from race.values import colormaps

    return {"description": "a matplotlib colormap name (with '_r' for reversed)",
            "enum": colormaps()}


def _nullable(schema: dict) -> dict:
    if "enum" in schema:
        return {**schema, "enum": schema["enum"] + [None]}
    kind = schema.get("type")
    if kind is not None and "$ref" not in schema and "anyOf" not in schema:
        kinds = kind if isinstance(kind, list) else [kind]
        return {**schema, "type": kinds + ["null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _described(schema: dict, doc: str, default: Any = dataclasses.MISSING,
               notes: tuple[str, ...] = ()) -> dict:
    """``schema`` with a description (saying its range, ``notes`` and default in words, for
    hover docs) and its default."""
    if default is dataclasses.MISSING:
        default = schema.get("default", dataclasses.MISSING)
    bounded = schema if _bounds_of(schema) else schema.get("items", {})
    words = _bounds_of(bounded).text() if _bounds_of(bounded) else None
    if words:
        doc += f"; {'each ' if bounded is not schema else ''}{words}"
    doc += "".join(f"; {note}" for note in notes)
    if default is dataclasses.MISSING:
        return {"description": doc, **schema}
    default = _plain(default)
    return {"description": f"{doc}; default {_yaml(default)}", **schema, "default": default}


def _bounds_of(schema: dict) -> Interval | None:
    """The Interval a schema's range keywords state, None if it states none."""
    if not isinstance(schema, dict) or not any(
            word in schema for word in ("minimum", "exclusiveMinimum", "maximum",
                                        "exclusiveMaximum")):
        return None
    return Interval(schema.get("minimum", schema.get("exclusiveMinimum")),
                    "exclusiveMinimum" in schema,
                    schema.get("maximum", schema.get("exclusiveMaximum")),
                    "exclusiveMaximum" in schema)


def _plain(value: Any) -> Any:
    """A default as JSON: records become mappings, tuples lists."""
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _yaml(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    return str(value)


def _any_case(text: str) -> str:
    """``text`` as a pattern matching it in any letter case. Only the characters that mean
    something in a pattern are escaped: editors compile patterns as JavaScript regular
    expressions in unicode mode, where a needless escape (of a space, say) is an error."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper()
                   else "\\" + c if c in SPECIAL else c for c in text)


def _trie_pattern(words: list[str]) -> str:
    """One regular expression matching exactly ``words`` in any letter case, shared prefixes
    written once (about half the length of a plain alternation of 1,100 colour names)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(trie)


def _trie_node(node: dict) -> str:
    ends = "" in node
    branches = [_any_case(char) + _trie_node(child) for char, child in sorted(node.items())
                if char != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body
