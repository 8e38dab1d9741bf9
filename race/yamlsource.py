"""Scene YAML read safely, with the line of every key, and the errors that point at them."""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Mapping

import yaml

from race import limits
from race.errors import LimitError, SceneError


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
