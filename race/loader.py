"""Scene files: YAML text into a validated, frozen ``Scene``.

Every problem becomes a ``SceneError`` naming the file, the key path and, where YAML gives one,
the line, with what was expected and the close match for a misspelt name. Configuration is
layered: the records' defaults, then the YAML file, then ``overrides`` (``--set`` flags).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import types
import typing
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from race import limits
from race.errors import ExpressionError, HyperparameterError, LimitError, SceneError
from race.optimizers import OPTIMIZERS
from race.render.theme import THEMES
from race.scene import Racer, Render, Scene
from race.surfaces import SURFACES, surface_from_expression
from race.surfaces.base import Surface

SCENE_KEYS = ("title", "surface", "start", "starts", "steps", "stop_tolerance", "racers",
              "render", "output")
REQUIRED_KEYS = ("surface", "racers")
RACER_KEYS = ("optimizer", "label", "color", "start", "starts")
SURFACE_KEYS = ("name", "expr", "xlim", "ylim")
DEFAULT_STEPS = 200
EXPECTED_COLOR = "expected a colour (a name like 'white', '#00ff00' or 'C1')"


@dataclasses.dataclass(frozen=True)
class Source:
    """Where values came from, so errors can point at them."""

    file: str | None
    lines: Mapping[tuple, int]

    def error(self, path: tuple, message: str, kind: type = SceneError) -> SceneError:
        line = None
        for depth in range(len(path), -1, -1):
            line = self.lines.get(path[:depth])
            if line is not None:
                break
        return kind(message, file=self.file, key=key_name(path) or None, line=line)

    def check_limit(self, path: tuple, name: str, value: int, what: str) -> None:
        try:
            limits.check(name, value, what)
        except LimitError as exc:
            raise self.error(path, exc.reason, LimitError) from None


def key_name(path: Iterable) -> str:
    """('racers', 1, 'lr') -> 'racers[1].lr'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# ---------------------------------------------------------------------------------------------
# Reading YAML with line numbers

def read_yaml(text: str, file: str | None) -> tuple[Any, dict[tuple, int]]:
    """Parse one YAML document safely; return the data and a map of key paths to lines."""
    try:
        limits.check("MAX_FILE_BYTES", len(text.encode("utf-8", "replace")), "the file's size")
    except LimitError as exc:
        raise LimitError(exc.reason, file=file) from None
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise SceneError("the file is empty; expected a mapping with 'surface' and 'racers'",
                             file=file)
        lines: dict[tuple, int] = {}
        _index_lines(node, (), lines, [0], file)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise SceneError(f"not valid YAML: {problem}", file=file,
                         line=mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError as exc:
        raise SceneError(f"not valid YAML: character {exc.character:#x} is not allowed",
                         file=file) from None
    except yaml.YAMLError as exc:
        raise SceneError(f"not valid YAML: {str(exc).splitlines()[0]}", file=file) from None
    except RecursionError:
        raise SceneError("YAML nested too deeply", file=file) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines


def _index_lines(node: yaml.Node, path: tuple, lines: dict, count: list, file: str | None) -> None:
    count[0] += 1
    if count[0] > limits.limit("MAX_YAML_NODES"):
        raise LimitError(f"the YAML has over {limits.limit('MAX_YAML_NODES'):,} nodes "
                         "(an anchor/alias bomb?); raise it with RACE_MAX_YAML_NODES=N",
                         file=file)
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark.line)
            lines.setdefault(path + (name,), key.start_mark.line + 1)
            _index_lines(value, path + (name,), lines, count, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, path + (index,), lines, count, file)


# ---------------------------------------------------------------------------------------------
# Overrides (--set key.path=value)

def parse_override(text: str) -> tuple[tuple, Any]:
    """'render.fps=24' -> (('render', 'fps'), 24); the value is read as a YAML scalar/flow."""
    if "=" not in text:
        raise SceneError(f"--set {text!r}: expected KEY.PATH=VALUE, e.g. render.fps=24")
    key, raw = text.split("=", 1)
    parts: list[Any] = []
    for part in key.strip().replace("[", ".").replace("]", "").split("."):
        if not part:
            raise SceneError(f"--set {text!r}: empty part in key path {key!r}")
        parts.append(int(part) if part.isdigit() else part)
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return tuple(parts), value


def apply_overrides(data: dict, overrides: Iterable[tuple[tuple, Any]]) -> dict:
    """Set each override into a copy of the raw scene mapping, creating mappings as needed."""
    import copy

    data = copy.deepcopy(data)
    for path, value in overrides:
        target: Any = data
        for depth, part in enumerate(path[:-1]):
            nxt = path[depth + 1]
            if isinstance(target, list):
                if not isinstance(part, int) or not -len(target) <= part < len(target):
                    raise SceneError(f"--set {key_name(path)}: no item {part} in "
                                     f"{key_name(path[:depth]) or 'the scene'}")
                target = target[part]
            elif isinstance(target, dict):
                if part not in target or target[part] is None:
                    target[part] = [] if isinstance(nxt, int) else {}
                target = target[part]
            else:
                raise SceneError(f"--set {key_name(path)}: {key_name(path[:depth])} is not a "
                                 "mapping")
        last = path[-1]
        if isinstance(target, list) and isinstance(last, int) and -len(target) <= last < len(target):
            target[last] = value
        elif isinstance(target, dict):
            target[last] = value
        else:
            raise SceneError(f"--set {key_name(path)}: cannot set {last!r} here")
    return data


# ---------------------------------------------------------------------------------------------
# Loading

def load_scene(path: str | Path, overrides: Iterable[str] = (), *, name: str | None = None) -> Scene:
    """Read, validate and build the scene in ``path`` (``overrides`` are 'key.path=value')."""
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


def scene_from_text(text: str, *, file: str | None = None, overrides: Iterable[str] = (),
                    name: str = "scene") -> Scene:
    data, lines = read_yaml(text, file)
    source = Source(file, lines)
    if not isinstance(data, dict):
        raise source.error((), f"expected a mapping of scene keys, got {describe(data)}")
    parsed = [parse_override(item) for item in overrides]
    if parsed:
        data = apply_overrides(data, parsed)
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
    palette = THEMES[render.theme].palette
    racers: list[Racer] = []
    for index, item in enumerate(racers_raw):
        racers.append(build_racer(item, index, default_starts, surface, palette, source))
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
                 render=render, output=output, stop_tolerance=stop, source=source.file)


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


def build_racer(item: Any, index: int, default_starts, surface: Surface, palette,
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
    color = item.get("color", palette[index % len(palette)])
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
        import numpy as np

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


# ---------------------------------------------------------------------------------------------
# Records by introspection (render options and their nested records)

def build_record(cls: type, value: Any, path: tuple, source: Source):
    """Build frozen dataclass ``cls`` from a mapping, converting each field by its annotation."""
    if isinstance(value, bool) and "show" in {f.name for f in dataclasses.fields(cls)}:
        return cls(show=value)
    if not isinstance(value, dict):
        raise source.error(path, f"expected a mapping, got {describe(value)}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    check_keys(value, tuple(names), path, source, f"{key_name(path)} key")
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in value:
            kwargs[f.name] = convert(value[f.name], hints[f.name], path + (f.name,), source,
                                     f.metadata)
    return cls(**kwargs)


def convert(value: Any, hint: Any, path: tuple, source: Source, metadata: Mapping = {}) -> Any:
    low, high = metadata.get("low"), metadata.get("high")
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        return convert(value, options[0], path, source, metadata)
    if origin is typing.Literal:
        if value not in args:
            raise source.error(path, unknown(value, [str(a) for a in args], "value"))
        return value
    if dataclasses.is_dataclass(hint):
        return build_record(hint, value, path, source)
    if origin is tuple:
        if not isinstance(value, (list, tuple)) or len(value) != len(args):
            raise source.error(path, f"expected a list of {len(args)} numbers, "
                                     f"got {describe(value)}")
        return tuple(convert(v, a, path + (i,), source, metadata)
                     for i, (v, a) in enumerate(zip(value, args)))
    if hint is bool:
        if not isinstance(value, bool):
            raise source.error(path, f"expected true or false, got {describe(value)}")
        return value
    if hint is int:
        return to_int(value, path, source, low=low, high=high)
    if hint is float:
        return to_float(value, path, source, low=low, high=high)
    if hint is str:
        if not isinstance(value, str):
            raise source.error(path, f"expected text, got {describe(value)}")
        kind = metadata.get("kind")
        if kind == "color" and not is_color(value):
            raise source.error(path, f"{EXPECTED_COLOR}, got {describe(value)}")
        if kind == "colormap" and value not in colormaps():
            raise source.error(path, unknown(value, colormaps(), "colormap"))
        return value
    raise source.error(path, f"cannot read a value of type {hint}")  # a record we don't know


# ---------------------------------------------------------------------------------------------
# Scalars

def to_float(value: Any, path: tuple, source: Source, *, low: float | None = None,
             high: float | None = None, open_low: bool = False) -> float:
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):  # YAML 1.1 reads 1e-3 (no dot) as text
        try:
            number = float(value.strip())
        except ValueError:
            pass
    if number is None:
        raise source.error(path, f"expected a number, got {describe(value)}")
    if not math.isfinite(number):
        raise source.error(path, f"expected a finite number, got {value}")
    check_range(number, path, source, low, high, open_low)
    return number


def to_int(value: Any, path: tuple, source: Source, *, low: float | None = None,
           high: float | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise source.error(path, f"expected a whole number, got {describe(value)}")
    check_range(value, path, source, low, high, False)
    return value


def check_range(number, path, source, low, high, open_low) -> None:
    if low is not None and (number < low or (open_low and number == low)):
        bound = f"greater than {low:g}" if open_low else f"at least {low:g}"
        raise source.error(path, f"expected a number {bound}, got {number:g}")
    if high is not None and number > high:
        raise source.error(path, f"expected a number at most {high:g}, got {number:g}")


def to_range(value: Any, path: tuple, source: Source) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise source.error(path, f"expected [low, high], got {describe(value)}")
    low = to_float(value[0], path + (0,), source)
    high = to_float(value[1], path + (1,), source)
    if not low < high:
        raise source.error(path, f"expected low < high, got [{low:g}, {high:g}]")
    return (low, high)


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


# ---------------------------------------------------------------------------------------------
# Messages

def check_keys(data: dict, allowed: tuple, path: tuple, source: Source, what: str) -> None:
    for key in data:
        if key not in allowed:
            if not isinstance(key, str):
                raise source.error(path, f"unexpected key {key!r}; expected a {what}")
            raise source.error(path + (key,), unknown(key, allowed, what))


def unknown(value: Any, choices: Iterable[str], what: str) -> str:
    choices = list(choices)
    message = f"unknown {what} {value!r}"
    if isinstance(value, str):
        close = difflib.get_close_matches(value.lower(), choices, n=1, cutoff=0.6)
        if close:
            return f"{message}; did you mean {close[0]!r}?"
    if len(choices) <= 20:
        message += "; expected one of " + ", ".join(choices)
    return message


def describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def colormaps() -> list[str]:
    from matplotlib import colormaps as registry

    return sorted(registry)


def is_color(value: Any) -> bool:
    from matplotlib.colors import is_color_like

    return isinstance(value, str) and is_color_like(value)
