"""Scene YAML read safely, with the line of every key, and the errors that point at them."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterable, Mapping

import yaml

from race import limits
from race.errors import LimitError, SceneError


class SceneLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's core schema for plain scalars, as the README says:
    only ``true``/``false`` are booleans (``yes``, ``no``, ``on`` stay text), ``1e-3`` is a
    number, ``010`` is ten, and dates stay text. Nothing else changes: no tags beyond the
    standard ones, no Python objects."""


_CORE_SCHEMA = {
    "tag:yaml.org,2002:bool": (r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    "tag:yaml.org,2002:int": (r"^(?:[-+]?[0-9]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    "tag:yaml.org,2002:float": (r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                                r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
                                "-+.0123456789"),
    "tag:yaml.org,2002:null": (r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
}
SceneLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in _CORE_SCHEMA and tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for _tag, (_pattern, _first) in _CORE_SCHEMA.items():
    SceneLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _construct_int(loader: SceneLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    return int(text, 16) if text.startswith("0x") else int(text)


def _construct_float(loader: SceneLoader, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float(text.replace(".inf", "inf"))
    return float("nan") if text == ".nan" else float(text)


SceneLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
SceneLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


@dataclasses.dataclass(frozen=True)
class Source:
    """Where values came from, so errors can point at them: lines of the file, or the flag
    (``--set render.fps``) that set a value."""

    file: str | None
    lines: Mapping[tuple, int]
    flags: Mapping[tuple, str] = dataclasses.field(default_factory=dict)

    def error(self, path: tuple, message: str, kind: type = SceneError) -> SceneError:
        for depth in range(len(path), 0, -1):
            flag = self.flags.get(path[:depth])
            if flag is not None:
                key = None if depth == len(path) else key_name(path)
                return kind(message, file=flag, key=key)
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


def read_yaml(text: str, file: str | None) -> tuple[Any, dict[tuple, int]]:
    """Parse one YAML document safely; return the data and a map of key paths to lines."""
    try:
        limits.check("MAX_FILE_BYTES", len(text.encode("utf-8", "replace")), "the file's size")
    except LimitError as exc:
        raise LimitError(exc.reason, file=file) from None
    loader = None
    try:
        loader = SceneLoader(text)
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
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark.line)
            line = key.start_mark.line + 1
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if name in seen:
                    raise SceneError(f"duplicate key {name!r} (first at line {seen[name]}, "
                                     f"again at line {line}); a scene may give each key once",
                                     file=file, key=key_name(path + (name,)), line=line)
                seen[name] = line
            lines.setdefault(path + (name,), line)
            _index_lines(value, path + (name,), lines, count, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, path + (index,), lines, count, file)
