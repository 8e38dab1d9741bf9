"""Playback scheduling: which simulation step each video frame shows.

The race part of the video comes from one of, in order of precedence:

- ``steps_per_frame``: frames at steps 0, k, 2k, ... and always the last step;
- ``duration``: ``round(duration * fps)`` frames (at least 2 when there is more than one step),
  spread evenly from step 0 to the last step (with fewer steps than frames, steps repeat: the
  race plays in slow motion);
- neither: one frame per step.

``timelapse`` keeps the number of frames and respaces them geometrically: the first frames
advance one step each, and every frame after advances a constant factor more than the one
before, so the first moves and the long tail of the run both fit. Then ``hold`` seconds of the
last step are appended (``round(hold * fps)`` frames).
"""

from __future__ import annotations

import math

import numpy as np

from race.scene import Render


def race_frame_count(render: Render, steps: int) -> int:
    """The number of frames showing the race itself (hold excluded)."""
    if steps <= 0:
        return 1
    if render.steps_per_frame is not None:
        return math.ceil(steps / render.steps_per_frame) + 1
    if render.duration is not None:
        return max(2, round(render.duration * render.fps))
    return steps + 1


def hold_frame_count(render: Render) -> int:
    return round(render.hold * render.fps)


def frame_steps(render: Render, steps: int) -> list[int]:
    """The simulation step shown by every frame of the video, hold included, in order."""
    count = race_frame_count(render, steps)
    if steps <= 0:
        shown = [0]
    elif render.timelapse:
        shown = _geometric(steps, count)
    elif render.steps_per_frame is not None:
        shown = list(range(0, steps, render.steps_per_frame)) + [steps]
    else:
        shown = np.rint(np.linspace(0, steps, count)).astype(int).tolist()
    return shown + [shown[-1]] * hold_frame_count(render)


def _geometric(steps: int, count: int) -> list[int]:
    """``count`` steps from 0 to ``steps``: increments 1, r, r^2, ... summing to ``steps``.

    With no more steps than frame gaps the spacing is simply even (slow motion).
    """
    gaps = count - 1
    if steps <= gaps:
        return np.rint(np.linspace(0, steps, count)).astype(int).tolist()
    ratio = _ratio(steps, gaps)
    increments = ratio ** np.arange(gaps)
    cumulative = np.concatenate([[0.0], np.cumsum(increments)])
    cumulative *= steps / cumulative[-1]
    shown = np.floor(cumulative + 1e-9).astype(int)
    shown[-1] = steps
    return shown.tolist()


def _ratio(total: float, gaps: int) -> float:
    """The r > 1 with 1 + r + ... + r^(gaps-1) == total (bisection on log r)."""
    def series(r: float) -> float:
        if r == 1.0:
            return float(gaps)
        exponent = gaps * math.log(r)
        return math.inf if exponent > 700 else math.expm1(exponent) / (r - 1.0)

    low, high = 1.0, 2.0
    while series(high) < total:
        high *= 2.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if series(middle) < total:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)
