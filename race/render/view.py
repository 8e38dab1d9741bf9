"""The contract between the frame driver and the views that draw into its axes."""

from __future__ import annotations

from typing import Protocol

from matplotlib.artist import Artist
from matplotlib.axes import Axes

from race.engine import Race
from race.render.theme import Theme


class View(Protocol):
    """Draws one race into one axes.

    The driver calls ``draw_static`` once (surface, contours, axes, minima: everything that never
    moves), caches the rendered background, then for every frame calls ``update(step)`` and draws
    only the artists it returns over the restored background (Agg blitting).
    """

    def __init__(self, ax: Axes, race: Race, theme: Theme, racers: tuple[int, ...]) -> None: ...

    def draw_static(self) -> None: ...

    def update(self, step: int) -> list[Artist]: ...
