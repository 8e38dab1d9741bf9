"""Scene files: YAML text into a validated, frozen ``Scene``.

Every problem becomes a ``SceneError`` naming the file, the key path and, where YAML gives one,
the line, with what was expected and the close match for a misspelt name. Configuration is
layered: the records' defaults, then the YAML file, then ``overrides`` (``--set`` flags).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import stat
import typing
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from race import limits
from race.errors import ExpressionError, HyperparameterError, LimitError, SceneError
from race.optimizers import OPTIMIZERS, Optimizer
from race.overrides import Override, apply_overrides, parse_override
from race.racer_keys import build_noise, build_schedule
from race.draw.palette import racer_colors
from race.draw.theme import THEMES
from race.presets import PRESETS
from race.scene import Racer, Render, Scene
from race.scenes import resolve_output
from race.surfaces import SURFACES, surface_from_expression
from race.surfaces.base import Surface
from race.values import (EXPECTED_COLOR, MAX_LABEL_CHARS, MAX_TITLE_CHARS, build_record,
                         check_keys, check_unicode, convert, describe, is_color, to_float, to_int,
                         to_range, to_text, unknown)
from race.yamlsource import Source, read_yaml

SCENE_KEYS = ("title", "surface", "start", "starts", "steps", "stop_tolerance", "racers",
              "render", "output", "gradient_noise")
REQUIRED_KEYS = ("surface", "racers")
RACER_KEYS = ("optimizer", "label", "color", "start", "starts", "schedule", "gradient_noise")
SURFACE_KEYS = ("name", "expr", "xlim", "ylim")
DEFAULT_STEPS = 200


def load_scene(path: str | Path, overrides: Iterable[str | Override] = (), *,
               name: str | None = None,
               optimizers: Mapping[str, Optimizer] | None = None) -> Scene:
    """Read, validate and build the scene in ``path``.

    ``overrides`` are ``Override`` records or ``--set`` texts ('key.path=value');
    ``optimizers`` are custom optimizers (Python API) racers may name beside the built-ins."""
    path = Path(path)
    file = str(path)
    raw = read_scene_bytes(path, file)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SceneError("not a text file (expected UTF-8 YAML)", file=file) from None
    return scene_from_text(text, file=file, overrides=overrides, name=name or path.stem,
                           optimizers=optimizers)


def read_scene_bytes(path: Path, file: str) -> bytes:
    """The scene file's bytes, refusing what is not a regular file (a FIFO would hang, a
    device never ends) and checking the size limit before reading more than it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SceneError("no such file", file=file) from None
    except OSError as exc:
        raise SceneError(f"cannot read: {exc.strerror or exc}", file=file) from None
    if stat.S_ISDIR(info.st_mode):
        raise SceneError("is a folder, expected a YAML scene file", file=file)
    if not stat.S_ISREG(info.st_mode):
        raise SceneError("is not a regular file (a FIFO, device or socket); expected a YAML "
                         "scene file", file=file)
    allowed = limits.limit("MAX_FILE_BYTES")
    if info.st_size > allowed:
        raise LimitError(f"the file's size is {info.st_size:,} bytes, over the limit of "
                         f"{allowed:,} (raise it with RACE_MAX_FILE_BYTES=N)", file=file)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(allowed + 1)   # the file may have grown since stat
    except OSError as exc:
        raise SceneError(f"cannot read: {exc.strerror or exc}", file=file) from None
    if len(raw) > allowed:
        raise LimitError(f"the file is over the limit of {allowed:,} bytes "
                         "(raise it with RACE_MAX_FILE_BYTES=N)", file=file)
    return raw


def scene_from_text(text: str, *, file: str | None = None,
                    overrides: Iterable[str | Override] = (), name: str = "scene",
                    optimizers: Mapping[str, Optimizer] | None = None) -> Scene:
    data, lines = read_yaml(text, file)
    return scene_from_data(data, file=file, lines=lines, overrides=overrides, name=name,
                           optimizers=optimizers)


def scene_from_data(data: Any, *, file: str | None = None, lines: dict | None = None,
                    overrides: Iterable[str | Override] = (), name: str = "scene",
                    optimizers: Mapping[str, Optimizer] | None = None) -> Scene:
    """Validate and build a scene from a mapping shaped like the YAML (e.g. from Python)."""
    source = Source(file, lines or {})
    if not isinstance(data, dict):
        raise source.error((), f"expected a mapping of scene keys, got {describe(data)}")
    parsed = with_presets([parse_override(item) if isinstance(item, str) else item
                           for item in overrides])
    if parsed:
        data = apply_overrides(data, parsed)
        source = Source(file, lines or {}, {item.path: item.flag for item in parsed})
    check_unicode(data, (), source)
    return build_scene(data, source, name, optimizers)


def build_scene(data: dict, source: Source, name: str,
                optimizers: Mapping[str, Optimizer] | None = None) -> Scene:
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
    render = data.get("render")   # `render:` with nothing under it means the defaults
    render = build_record(Render, fill_preset({} if render is None else render, source),
                          ("render",), source)
    default_starts = build_starts(data, (), surface, source)
    noise = build_noise(data.get("gradient_noise"), ("gradient_noise",), source)
    registry = {**OPTIMIZERS, **(optimizers or {})}

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
        racers.append(build_racer(item, index, default_starts, surface, colors[index], source,
                                  steps=steps, noise=noise, registry=registry))
    racers = unique_labels(racers)
    check_explained(render.explain, racers, source)

    total_starts = sum(len(r.starts) for r in racers)
    source.check_limit(("racers",), "MAX_STARTS", total_starts, "the number of racer-starts")
    source.check_limit(("steps",), "MAX_SAMPLES", total_starts * (steps + 1),
                       "racer-starts x (steps + 1)")
    source.check_limit(("steps",), "MAX_RACER_STEPS", len(racers) * steps, "racers x steps")

    title = data.get("title")
    if title is None:
        title = f"{' vs '.join(r.label for r in racers)} on {surface.name}"
    else:
        title = to_text(title, ("title",), source, limit=MAX_TITLE_CHARS)
    output = data.get("output")
    if output is not None:
        if not isinstance(output, str) or not output.strip():
            raise source.error(("output",), f"expected a file path, got {describe(output)}")
        if ("output",) not in source.flags:     # the user's own --set may point anywhere
            output, why = resolve_output(output, source.file)
            if output is None:
                raise source.error(("output",), why)
    return Scene(name=name, title=str(title), surface=surface, steps=steps, racers=tuple(racers),
                 render=render, output=output, stop_tolerance=stop, source=source.file,
                 data=data, gradient_noise=noise)


def check_explained(label: str | None, racers: list[Racer], source: Source) -> None:
    """``render.explain`` must name one of the racers, as their labels are written (after
    repeats were numbered); a near miss in any case gets the label it was probably meant for."""
    labels = [racer.label for racer in racers]
    if label is None or label in labels:
        return
    lowered = {known.lower(): known for known in labels}
    close = difflib.get_close_matches(label.lower(), list(lowered), n=1, cutoff=0.6)
    hint = (f"did you mean {lowered[close[0]]!r}?" if close
            else "expected one of " + ", ".join(repr(known) for known in labels[:20]))
    raise source.error(("render", "explain"), f"no racer is labelled {label!r}; {hint}")


def with_presets(overrides: list[Override]) -> list[Override]:
    """Each override naming a preset (``--preset blog``) preceded by the keys that preset sets,
    under the same flag: they beat the scene file, and the flags after them beat them."""
    result = []
    for item in overrides:
        if item.path == ("render", "preset") and item.value is not None:
            preset = PRESETS.get(item.value) if isinstance(item.value, str) else None
            if preset is None:
                raise SceneError(f"{item.flag}: {unknown(item.value, PRESETS, 'preset')}")
            result += [Override(("render", key), value, item.flag)
                       for key, value in preset.settings.items()]
        result.append(item)
    return result


def fill_preset(render: Any, source: Source) -> Any:
    """The ``render`` mapping with the keys of its ``preset`` that it does not give itself."""
    if not isinstance(render, dict) or render.get("preset") is None:
        return render
    name = render["preset"]
    if not isinstance(name, str) or name not in PRESETS:
        raise source.error(("render", "preset"), unknown(name, PRESETS, "preset"))
    return {**PRESETS[name].settings, **render}


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
                source: Source, *, steps: int = DEFAULT_STEPS, noise=None,
                registry: Mapping[str, Optimizer] = OPTIMIZERS) -> Racer:
    path = ("racers", index)
    if isinstance(item, str):
        item = {"optimizer": item}
    if not isinstance(item, dict):
        raise source.error(path, f"expected a mapping with an 'optimizer', got {describe(item)}")
    if "optimizer" not in item:
        raise source.error(path, "missing 'optimizer' (one of " + ", ".join(registry) + ")")
    name = item["optimizer"]
    if not isinstance(name, str) or name.lower() not in registry:
        raise source.error(path + ("optimizer",), unknown(name, registry, "optimizer"))
    name = name.lower()
    optimizer = registry[name]
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

    label = to_text(item.get("label", name), path + ("label",), source, limit=MAX_LABEL_CHARS,
                    what="a name")
    if not label.strip():
        raise source.error(path + ("label",), f"expected a name, got {describe(label)}")
    color = item.get("color", automatic_color)
    if not is_color(color):
        raise source.error(path + ("color",), f"{EXPECTED_COLOR}, got {describe(color)}")
    starts = build_starts(item, path, surface, source) or default_starts
    if not starts:
        raise source.error(path, "no start point: give the scene a 'start' or the racer one")
    schedule = None
    if item.get("schedule") is not None:
        schedule = build_schedule(item["schedule"], path + ("schedule",), source, config, steps)
    if "gradient_noise" in item:
        noise = build_noise(item["gradient_noise"], path + ("gradient_noise",), source, noise)
    return Racer(optimizer=name, config=config, label=str(label), color=str(color),
                 starts=starts, schedule=schedule, gradient_noise=noise,
                 custom=None if optimizer is OPTIMIZERS.get(name) else optimizer)


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
