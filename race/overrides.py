"""``--set key.path=value`` overrides, applied to the raw scene mapping before validation."""

from __future__ import annotations

import copy
from typing import Any, Iterable

import yaml

from race.errors import SceneError
from race.yamlsource import key_name


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
