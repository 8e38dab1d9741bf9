"""Size limits that keep a scene from hanging the machine or exhausting its memory.

Each can be raised with an environment variable of the same name prefixed ``RACE_``
(e.g. ``RACE_MAX_STEPS=5000000``).
"""

from __future__ import annotations

import os

from race.errors import LimitError

DEFAULTS = {
    "MAX_FILE_BYTES": 1_000_000,          # a scene file
    "MAX_YAML_NODES": 100_000,            # nodes after alias expansion (anchor bombs)
    "MAX_STEPS": 1_000_000,               # simulation steps
    "MAX_RACERS": 64,                     # racers in one scene
    "MAX_STARTS": 1_000_000,              # racer-starts over all racers
    "MAX_SAMPLES": 50_000_000,            # racer-starts x (steps + 1): ~72 bytes each in memory
    "MAX_FRAMES": 100_000,                # video frames
    "MAX_VIDEO_PIXELS": 20_000_000_000,   # frames x width x height
}


def limit(name: str) -> int:
    """The limit in force: the environment's ``RACE_<name>`` if set, else the default."""
    raw = os.environ.get(f"RACE_{name}")
    if raw is None:
        return DEFAULTS[name]
    try:
        value = int(float(raw))
    except ValueError:
        raise LimitError(f"RACE_{name}={raw!r} is not a number") from None
    if value <= 0:
        raise LimitError(f"RACE_{name}={raw!r} must be positive")
    return value


def check(name: str, value: int, what: str) -> None:
    """Raise LimitError when ``value`` exceeds the limit ``name``."""
    allowed = limit(name)
    if value > allowed:
        raise LimitError(f"{what} is {value:,}, over the limit of {allowed:,} "
                         f"(raise it with RACE_{name}=N)")
