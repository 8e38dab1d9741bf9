"""What ``race.show`` returns: an object Jupyter displays as the animation.

Jupyter calls ``_repr_html_`` on the value of a cell; nothing here imports IPython. The HTML is
made once, when ``show`` is called (so errors surface there, and no figure is kept open), at a
size that suits a notebook: at most NOTEBOOK_WIDTH pixels wide and NOTEBOOK_FPS frames per
second unless the call says otherwise, and smaller again if the video would be over
NOTEBOOK_MAX_BYTES.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from race.engine import Race
from race.scene import Render

NOTEBOOK_WIDTH = 800
NOTEBOOK_FPS = 24
NOTEBOOK_MAX_BYTES = 4_000_000     # of video: a saved notebook stays a few MB per race
SHRINK_TRIES = 3


class Animation:
    """A rendered race for display: ``_repr_html_`` is the self-contained HTML."""

    def __init__(self, race: Race, html: str) -> None:
        self.race, self.html = race, html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        width, height = self.race.scene.render.size
        return (f"<race animation {self.race.scene.title!r}, {width}x{height}, "
                f"{len(self.html) / 1e6:.1f} MB of HTML>")


def notebook_settings(render: Render, given: Mapping[str, Any]) -> dict[str, Any]:
    """Render settings that make ``render`` suit a notebook, for the keys the caller left."""
    settings: dict[str, Any] = {}
    width, height = (int(v) for v in render.size)
    if "size" not in given and "preset" not in given and width > NOTEBOOK_WIDTH:
        settings["size"] = scaled((width, height), NOTEBOOK_WIDTH / width)
    if "fps" not in given and "preset" not in given and render.fps > NOTEBOOK_FPS:
        settings["fps"] = NOTEBOOK_FPS
    return settings


def scaled(size: tuple[int, int], factor: float) -> list[int]:
    """``size`` times ``factor``, even on both sides (the video is H.264)."""
    return [max(16, 2 * round(side * factor / 2)) for side in size]


def too_big(html: str) -> float:
    """How many times over NOTEBOOK_MAX_BYTES the video in ``html`` is (base64: 4 chars per
    3 bytes); at most 1.0 when it fits."""
    return len(html) * 3 / 4 / NOTEBOOK_MAX_BYTES


def shrink_factor(excess: float) -> float:
    """The side scale that should bring a video ``excess`` times over budget under it."""
    return min(0.9, 0.9 / math.sqrt(excess))
