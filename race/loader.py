"""Scene files: YAML text into a validated, frozen ``Scene``.

Every problem becomes a ``SceneError`` naming the file, the key path and, where YAML gives one,
the line, with what was expected and the close match for a misspelt name. Configuration is
layered: the records' defaults, then the YAML file, then ``overrides`` (``--set`` flags).
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from race.errors import ExpressionError, HyperparameterError, SceneError
from race.optimizers import OPTIMIZERS
from race.overrides import Override, apply_overrides, parse_override
from race.draw.palette import racer_colors
from race.draw.theme import THEMES
from race.scene import Racer, Render, Scene
from race.surfaces import SURFACES, surface_from_expression
from race.surfaces.base import Surface
from race.values import (EXPECTED_COLOR, build_record, check_keys, convert, describe, is_color,
                         to_float, to_int, to_range, unknown)
from race.yamlsource import Source, read_yaml

SCENE_KEYS = ("title", "surface", "start", "starts", "steps", "stop_tolerance", "racers",
              "render", "output")
REQUIRED_KEYS = ("surface", "racers")
RACER_KEYS = ("optimizer", "label", "color", "start", "starts")
SURFACE_KEYS = ("name", "expr", "xlim", "ylim")
DEFAULT_STEPS = 200


def load_scene(path: str | Path, overrides: Iterable[str | Override] = (), *,
               name: str | None = None) -> Scene:
    """Read, validate and build the scene in ``path``.

    ``overrides`` are ``Override`` records or ``--set`` texts ('key.path=value')."""
    path = Path(path)
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SceneError("no such file", file=file) from None
    except IsADirectoryError:
        raise SceneError("is a folder, expected a YAML scene file", file=file) from None
    except OSError as exc:
        raise SceneError(f"cannot read: {exc.strerror or exc}", file=file) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SceneError("not a text file (expected UTF-8 YAML)", file=file) from None
    return scene_from_text(text, file=file, overrides=overrides, name=name or path.stem)


def scene_from_text(text: str, *, file: str | None = None,
                    overrides: Iterable[str | Override] = (), name: str = "scene") -> Scene:
    data, lines = read_yaml(text, file)
    return scene_from_data(data, file=file, lines=lines, overrides=overrides, name=name)


def scene_from_data(data: Any, *, file: str | None = None, lines: dict | None = None,
                    overrides: Iterable[str | Override] = (), name: str = "scene") -> Scene:
    """Validate and build a scene from a mapping shaped like the YAML (e.g. from Python)."""
    source = Source(file, lines or {})
    if not isinstance(data, dict):
        raise source.error((), f"expected a mapping of scene keys, got {describe(data)}")
    parsed = [parse_override(item) if isinstance(item, str) else item for item in overrides]
    if parsed:
        data = apply_overrides(data, parsed)
        source = Source(file, lines or {}, {item.path: item.flag for item in parsed})
    return build_scene(data, source, name)


def build_scene(data: dict, source: Source, name: str) -> Scene:
    check_keys(data, SCENE_KEYS, (), source, "scene key")
    for key in REQUIRED_KEYS:
        if key not in data:
            raise source.error((key,), f"missing; a scene needs {' and '.join(REQUIRED_KEYS)}")

    surface = build_surface(data["surface"], source)
    steps = to_int(data.get("steps", DEFAULT_STEPS), ("steps",), source, low=1)
    source.check_limit(("steps",), "MAX_STEPS", steps, "the step count")
    stop = data.get("stop_tolerance")
    stop = None if stop is None else to_float(stop, ("stop_tolerance",), source, low=0.0,
                                              open_low=True)
    render = build_record(Render, data.get("render") or {}, ("render",), source)
    default_starts = build_starts(data, (), surface, source)

    racers_raw = data["racers"]
    if not isinstance(racers_raw, list) or not racers_raw:
        raise source.error(("racers",), "expected a non-empty list of racers, each a mapping "
                                        "with an 'optimizer'")
    source.check_limit(("racers",), "MAX_RACERS", len(racers_raw), "the number of racers")
    theme = THEMES[render.theme]
    colors = racer_colors([item.get("color") if isinstance(item, dict) else None
                           for item in racers_raw], theme.palette, theme.background)
    racers: list[Racer] = []
    for index, item in enumerate(racers_raw):
        racers.append(build_racer(item, index, default_starts, surface, colors[index], source))
    racers = unique_labels(racers)

    total_starts = sum(len(r.starts) for r in racers)
    source.check_limit(("racers",), "MAX_STARTS", total_starts, "the number of racer-starts")
    source.check_limit(("steps",), "MAX_SAMPLES", total_starts * (steps + 1),
                       "racer-starts x (steps + 1)")

    title = data.get("title")
    if title is None:
        title = f"{' vs '.join(r.label for r in racers)} on {surface.name}"
    elif not isinstance(title, (str, int, float)):
        raise source.error(("title",), f"expected text, got {describe(title)}")
    output = data.get("output")
    if output is not None and (not isinstance(output, str) or not output.strip()):
        raise source.error(("output",), f"expected a file path, got {describe(output)}")
    return Scene(name=name, title=str(title), surface=surface, steps=steps, racers=tuple(racers),
                 render=render, output=output, stop_tolerance=stop, source=source.file,
                 data=data)


def build_surface(value: Any, source: Source) -> Surface:
    path = ("surface",)
    if isinstance(value, str):
        return builtin_surface(value, path, source)
    if not isinstance(value, dict):
        raise source.error(path, "expected a built-in surface name or a mapping with 'expr', "
                                 f"'xlim' and 'ylim', got {describe(value)}")
    check_keys(value, SURFACE_KEYS, path, source, "surface key")
    if ("expr" in value) == ("name" in value):
        raise source.error(path, "expected exactly one of 'expr' (an expression of x and y) "
                                 "or 'name' (a built-in surface)")
    if "name" in value:
        surface = builtin_surface(value["name"], path + ("name",), source)
        xlim = to_range(value.get("xlim", surface.xlim), path + ("xlim",), source)
        ylim = to_range(value.get("ylim", surface.ylim), path + ("ylim",), source)
        return dataclasses.replace(surface, xlim=xlim, ylim=ylim)
    for key in ("xlim", "ylim"):
        if key not in value:
            raise source.error(path + (key,), "missing; a custom surface needs its domain, "
                                              "e.g. [-2, 2]")
    expr = value["expr"]
    if not isinstance(expr, (str, int, float)) or isinstance(expr, bool):
        raise source.error(path + ("expr",), f"expected an expression of x and y as text, "
                                             f"got {describe(expr)}")
    xlim = to_range(value["xlim"], path + ("xlim",), source)
    ylim = to_range(value["ylim"], path + ("ylim",), source)
    try:
        return surface_from_expression(str(expr), xlim, ylim)
    except ExpressionError as exc:
        raise source.error(path + ("expr",), str(exc)) from None


def builtin_surface(name: Any, path: tuple, source: Source) -> Surface:
    if not isinstance(name, str) or name not in SURFACES:
        raise source.error(path, unknown(name, SURFACES, "surface"))
    return SURFACES[name]


def build_racer(item: Any, index: int, default_starts, surface: Surface, automatic_color: str,
                source: Source) -> Racer:
    path = ("racers", index)
    if isinstance(item, str):
        item = {"optimizer": item}
    if not isinstance(item, dict):
        raise source.error(path, f"expected a mapping with an 'optimizer', got {describe(item)}")
    if "optimizer" not in item:
        raise source.error(path, "missing 'optimizer' (one of " + ", ".join(OPTIMIZERS) + ")")
    name = item["optimizer"]
    if not isinstance(name, str) or name.lower() not in OPTIMIZERS:
        raise source.error(path + ("optimizer",), unknown(name, OPTIMIZERS, "optimizer"))
    name = name.lower()
    optimizer = OPTIMIZERS[name]
    hyper_types = typing.get_type_hints(optimizer.config)
    hyper_names = [f.name for f in dataclasses.fields(optimizer.config)]
    check_keys(item, RACER_KEYS + tuple(hyper_names), path, source,
               f"{name} hyperparameter or racer key")
    values = {key: convert(item[key], hyper_types[key], path + (key,), source)
              for key in hyper_names if key in item}
    try:
        config = optimizer.config(**values)
    except HyperparameterError as exc:
        raise source.error(path + (exc.key,), str(exc)) from None
    except (TypeError, ValueError) as exc:
        raise source.error(path, str(exc)) from None

    label = item.get("label", name)
    if not isinstance(label, (str, int, float)) or isinstance(label, bool) or not str(label).strip():
        raise source.error(path + ("label",), f"expected a name, got {describe(label)}")
    color = item.get("color", automatic_color)
    if not is_color(color):
        raise source.error(path + ("color",), f"{EXPECTED_COLOR}, got {describe(color)}")
    starts = build_starts(item, path, surface, source) or default_starts
    if not starts:
        raise source.error(path, "no start point: give the scene a 'start' or the racer one")
    return Racer(optimizer=name, config=config, label=str(label), color=str(color),
                 starts=starts)


def build_starts(data: dict, path: tuple, surface: Surface, source: Source):
    """A 'start' point, or 'starts': a list of points or {grid: [nx, ny]} over the domain."""
    if "start" in data and "starts" in data:
        raise source.error(path + ("starts",), "give either 'start' or 'starts', not both")
    if "start" in data:
        return (to_point(data["start"], path + ("start",), surface, source),)
    if "starts" not in data:
        return () if path else default_start(surface)
    value = data["starts"]
    spath = path + ("starts",)
    if isinstance(value, dict):
        check_keys(value, ("grid", "xlim", "ylim"), spath, source, "key of a start grid")
        if "grid" not in value:
            raise source.error(spath, "expected a list of [x, y] points or {grid: [nx, ny]}")
        counts = value["grid"]
        if not isinstance(counts, list) or len(counts) != 2:
            raise source.error(spath + ("grid",), f"expected [nx, ny], got {describe(counts)}")
        nx = to_int(counts[0], spath + ("grid", 0), source, low=1)
        ny = to_int(counts[1], spath + ("grid", 1), source, low=1)
        source.check_limit(spath + ("grid",), "MAX_STARTS", nx * ny, "the start grid's size")
        xlim = to_range(value.get("xlim", surface.xlim), spath + ("xlim",), source)
        ylim = to_range(value.get("ylim", surface.ylim), spath + ("ylim",), source)
        xs = np.linspace(*xlim, nx + 2)[1:-1]
        ys = np.linspace(*ylim, ny + 2)[1:-1]
        points = tuple((float(x), float(y)) for y in ys for x in xs)
        for point in points:
            inside(point, spath, surface, source)
        return points
    if not isinstance(value, list) or not value:
        raise source.error(spath, f"expected a list of [x, y] points or {{grid: [nx, ny]}}, "
                                  f"got {describe(value)}")
    source.check_limit(spath, "MAX_STARTS", len(value), "the number of starts")
    return tuple(to_point(p, spath + (i,), surface, source) for i, p in enumerate(value))


def default_start(surface: Surface):
    if surface.default_start is not None:
        return (tuple(float(v) for v in surface.default_start),)
    return ()


def unique_labels(racers: list[Racer]) -> list[Racer]:
    """Keep labels as given; number repeats ('adam', 'adam 2') so every racer is told apart."""
    seen: dict[str, int] = {}
    result = []
    for racer in racers:
        label = racer.label
        if label in seen:
            seen[label] += 1
            label = f"{label} {seen[racer.label]}"
            while label in seen:
                label += "'"
        seen.setdefault(label, 1)
        result.append(dataclasses.replace(racer, label=label))
    return result


def to_point(value: Any, path: tuple, surface: Surface, source: Source) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise source.error(path, f"expected a point [x, y], got {describe(value)}")
    point = (to_float(value[0], path + (0,), source), to_float(value[1], path + (1,), source))
    inside(point, path, surface, source)
    return point


def inside(point, path: tuple, surface: Surface, source: Source) -> None:
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    if not (x0 <= point[0] <= x1 and y0 <= point[1] <= y1):
        raise source.error(path, f"start ({point[0]:g}, {point[1]:g}) is outside the surface's "
                                 f"domain x in [{x0:g}, {x1:g}], y in [{y0:g}, {y1:g}]")
