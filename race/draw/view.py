"""The contract between the frame driver and the views that draw into its axes."""

from __future__ import annotations

from importlib import import_module
from typing import Hashable, Protocol

from matplotlib.artist import Artist
from matplotlib.axes import Axes

from race.engine import Race
from race.errors import RenderError
from race.draw.theme import Theme


class View(Protocol):
    """Draws one race into one axes.

    The driver calls ``draw_static`` once (surface, contours, axes, minima: everything that never
    moves), caches the rendered background, then for every frame calls ``update(step)`` and draws
    only the artists it returns over the restored background (Agg blitting).

    Rules the driver relies on:

    - Create every moving artist in ``draw_static`` and return all of them from every
      ``update`` (hide the ones that have nothing to show with ``set_visible(False)``). The driver
      marks them animated so the cached background never contains them.
    - Optional class attribute ``projection`` (e.g. ``"3d"``): the driver creates the view's axes
      with it. Default: a plain 2D axes.
    - Optional method ``background_key(step) -> Hashable``: when its value changes between two
      frames the driver redraws and re-caches the static layers (a view whose background never
      changes need not define it). A view with ``moves_camera = True`` is left out of the
      cached background instead and its axes drawn again every frame.
    - Optional method ``growing(since, step) -> (ids, display box, reach) | None``: the artists
      (first in ``update``'s order) that only grow, and where they grew since ``since``; the
      driver then repaints only that box (``race.draw.growth``).
    """

    def __init__(self, ax: Axes, race: Race, theme: Theme, racers: tuple[int, ...]) -> None: ...

    def draw_static(self) -> None: ...

    def update(self, step: int) -> list[Artist]: ...


# name -> "module:Class", imported on first use so a view's heavy imports cost nothing unless used
VIEWS: dict[str, str] = {
    "contour": "race.draw.contour:ContourView",
    "surface3d": "race.draw.surface3d:Surface3DView",
}


def view_class(name: str) -> type:
    """The View class registered as ``name``; RenderError if unknown or not importable."""
    try:
        module_name, class_name = VIEWS[name].split(":")
    except KeyError:
        raise RenderError(f"unknown view {name!r}; known: {', '.join(VIEWS)}") from None
    try:
        return getattr(import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise RenderError(f"the {name} view is not available: {exc}") from None


def background_key(view: object, step: int) -> Hashable:
    """The view's background key at ``step``, or None for views with a fixed background."""
    key = getattr(view, "background_key", None)
    return None if key is None else key(step)
