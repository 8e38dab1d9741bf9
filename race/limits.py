"""Size limits that keep a scene from hanging the machine or exhausting its memory.

Each can be raised with an environment variable of the same name prefixed ``RACE_``
(e.g. ``RACE_MAX_STEPS=5000000``); a value that is not a positive whole number is an error naming
the variable. The defaults are set so that a scene at every limit at once still runs in seconds
and a few hundred MB (``race bench --limits`` measures it); the README's table says the same.
"""

from __future__ import annotations

import math
import os
import re

from race.errors import LimitError, LimitSettingError

DEFAULTS = {
    "MAX_FILE_BYTES": 1_000_000,          # a scene file
    "MAX_YAML_NODES": 100_000,            # nodes after alias expansion (anchor bombs)
    "MAX_STEPS": 100_000,                 # simulation steps
    "MAX_RACERS": 64,                     # racers in one scene
    "MAX_STARTS": 100_000,                # racer-starts over all racers
    "MAX_SAMPLES": 10_000_000,            # racer-starts x (steps + 1): memory, SAMPLE_BYTES each
    "MAX_RACER_STEPS": 500_000,           # racers x steps: time, one optimizer update each
    "MAX_FRAMES": 20_000,                 # video frames (11 minutes at 30 fps)
    "MAX_VIDEO_PIXELS": 10_000_000_000,   # frames x width x height (4,800 frames of 1080p)
}
# Bytes of memory per racer-start-step, measured on the whole path (engine records, optimizer
# state, the drawn sample, CSV rows in flight, a 4 s MP4) by ``race bench --limits``: peak
# resident size over the size before loading, 84 on 100,000 starts x 99 steps and 104 on
# 2,500 starts x 3,999 steps (10,000,000 samples each: 0.9 and 1.1 GB at the peak).
SAMPLE_BYTES = 104
CEILING = 10**15                          # past this a limit is no limit: say so
WHOLE = re.compile(r"^[0-9]+$")
SCIENTIFIC = re.compile(r"^[0-9]+(\.[0-9]*)?[eE]\+?[0-9]+$")


def limit(name: str) -> int:
    """The limit in force: the environment's ``RACE_<name>`` if set, else the default."""
    raw = os.environ.get(f"RACE_{name}")
    if raw is None:
        return DEFAULTS[name]
    text = raw.strip().replace("_", "")
    value = None
    if WHOLE.match(text):
        value = int(text)
    elif SCIENTIFIC.match(text):
        number = float(text)
        if math.isfinite(number) and number.is_integer():
            value = int(number)
    shown = raw if len(raw) <= 30 else raw[:27] + "..."
    if value is None:
        raise LimitSettingError(f"RACE_{name}={shown!r}: expected a positive whole number like "
                         f"{DEFAULTS[name]} or 5e6")
    if not 1 <= value <= CEILING:
        raise LimitSettingError(f"RACE_{name}={shown!r}: expected 1 to {CEILING:.0e}, got {value:,}")
    return value


def check(name: str, value: int, what: str) -> None:
    """Raise LimitError when ``value`` exceeds the limit ``name``."""
    allowed = limit(name)
    if value > allowed:
        raise LimitError(f"{what} is {value:,}, over the limit of {allowed:,} "
                         f"(raise it with RACE_{name}=N)")
