"""Overrides (``--set key.path=value``, ``--fps``, the API's ``overrides={...}``), applied to the
raw scene mapping before validation, each remembering how the user wrote it so that an error in
its value names the flag rather than a line of the scene file.

Values given as text (``--set``) follow one rule, stated in ``--help`` and the README: a number,
``true``/``false``, ``null``, or a ``[list]``/``{mapping}`` is read as YAML; anything else is
taken as text exactly as written, so ``title=#1: fast`` and ``color=#ff0000`` need no quoting.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import yaml

from race.errors import SceneError
from race.yamlsource import SceneLoader, key_name

KEY_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
MAX_VALUE_DEPTH = 32


@dataclass(frozen=True)
class Override:
    path: tuple          # ('racers', 0, 'lr')
    value: Any
    flag: str            # how the user gave it, for messages: "--set racers[0].lr", "--fps"


def parse_override(text: str, flag: str = "--set") -> Override:
    """'render.fps=24' -> Override(('render', 'fps'), 24, '--set render.fps')."""
    if "=" not in text:
        raise SceneError(f"{flag} {text!r}: expected KEY.PATH=VALUE, e.g. render.fps=24")
    key, raw = text.split("=", 1)
    path = parse_key(key, f"{flag} {text!r}")
    label = flag if flag != "--set" else f"--set {key_name(path)}"
    return Override(path, parse_value(raw, label), label)


def from_mapping(overrides: Mapping[str, Any] | None) -> list[Override]:
    """The API's ``{'render.fps': 24}``: keys are key paths, values are taken as given."""
    result = []
    for key, value in (overrides or {}).items():
        if not isinstance(key, str):
            raise SceneError(f"overrides: expected key paths as text like 'render.fps', "
                             f"got {key!r}")
        path = parse_key(key, f"overrides[{key!r}]")
        result.append(Override(path, value, f"overrides[{key!r}]"))
    return result


def parse_key(key: str, where: str) -> tuple:
    """'racers[0].lr' -> ('racers', 0, 'lr'); only names and plain digits, nothing else."""
    parts: list[Any] = []
    for part in key.strip().replace("[", ".").replace("]", "").split("."):
        if not KEY_PART.fullmatch(part):
            shown = part if part else "an empty part"
            raise SceneError(f"{where}: {shown!r} in key path {key.strip()!r} is not a key name "
                             "or an index; expected e.g. render.fps or racers[0].lr")
        parts.append(int(part) if part.isdigit() else part)
    return tuple(parts)


def parse_value(raw: str, flag: str) -> Any:
    text = raw.strip()
    if not text:
        return ""
    if text[0] in "[{":
        if _depth(text) > MAX_VALUE_DEPTH:
            raise SceneError(f"{flag}: value nested over {MAX_VALUE_DEPTH} deep")
        try:
            return yaml.load(text, Loader=SceneLoader)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise SceneError(f"{flag}: not a valid [list] or {{mapping}}: {problem}") from None
    try:
        value = yaml.load(text, Loader=SceneLoader)
    except yaml.YAMLError:
        return raw
    if value is None and text not in ("null", "Null", "NULL", "~"):
        return raw                      # '#1 result' is a YAML comment; here it is text
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, str) and text[0] in "'\"":
        return value                    # 'quoted' text loses its quotes, as in YAML
    return raw


def _depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def apply_overrides(data: dict, overrides: Iterable[Override]) -> dict:
    """Set each override into a copy of the raw scene mapping, creating mappings as needed."""
    data = copy.deepcopy(data)
    for item in overrides:
        path, value, flag = item.path, item.value, item.flag
        target: Any = data
        for depth, part in enumerate(path[:-1]):
            nxt = path[depth + 1]
            if isinstance(target, list):
                if not isinstance(part, int) or not -len(target) <= part < len(target):
                    raise SceneError(f"{flag}: no item {part} in "
                                     f"{key_name(path[:depth]) or 'the scene'}")
                target = target[part]
            elif isinstance(target, dict):
                if part not in target or target[part] is None:
                    target[part] = [] if isinstance(nxt, int) else {}
                target = target[part]
            else:
                raise SceneError(f"{flag}: {key_name(path[:depth])} is not a mapping")
        last = path[-1]
        if isinstance(target, list) and isinstance(last, int) and -len(target) <= last < len(target):
            target[last] = value
        elif isinstance(target, dict):
            target[last] = value
        else:
            raise SceneError(f"{flag}: cannot set {last!r} here")
    return data
