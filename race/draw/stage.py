"""The frame driver: lays out a race's figure once, then blits frame after frame.

A ``Stage`` owns one Agg figure of exactly ``render.size`` pixels. It draws every static layer
once (contours, axes, title, legend), caches that background, and for each frame restores the
background, draws only the moving artists the views return and hands back the RGBA buffer.
The background is redrawn only when it changes: a racer diverging (its legend entry says so) or a
view whose ``background_key`` changes. A view whose camera moves is left out of the cached
background: each frame restores the rest and draws only that view's axes again.
"""

from __future__ import annotations

from typing import Hashable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox, IdentityTransform

from race.engine import Race, explained_index
from race.errors import RenderError
from race.draw.chrome import (LEGEND_SIZE, PANEL_TITLE_SIZE, build_chrome, racer_label,
                              side_legend)
from race.draw.growth import Growing
from race.draw.layout import Pads, Panel, Placement, Rect, map_shape, map_size, place
from race.draw.loss import LossView
from race.draw.medium import apply_medium
from race.draw.sizing import figure_inches, frame_dpi
from race.draw.theme import THEMES, Theme
from race.draw.view import background_key, view_class

__all__ = ["Stage", "racer_label"]

MARGIN_EM = 0.6       # around the frame, in legend font heights
GAP_EM = 1.4          # between panels
LOSS_LEAST_EM = (10.0, 7.0)   # a loss panel's box at least this wide (beside) / tall (below)
STRETCH_ASPECT = 0.75   # the shape a self-framing view is packed as, unless it says its own
LAYOUT_ROUNDS = 4
LEGEND_BESIDE_GAIN = 1.05    # the legend moves beside the maps when that makes them this larger


class Stage:
    """One race's figure, with its views laid out; ``frame(step)`` returns the RGBA pixels.

    Layouts (``render.layout``): ``single``, one panel of ``render.view`` with every racer;
    ``side-by-side``, a 3D view beside a contour view of the same race (``render.view`` is not
    used); ``grid``, one panel of ``render.view`` per racer, all on the same clock.
    ``render.loss_panel`` adds a loss-vs-step panel right of or below any of them. Views come
    from the registry in ``race.draw.view.VIEWS``. The panels are placed by
    ``race.draw.layout`` from the room their tick labels take, measured on the figure; a view
    with ``fits_cell = True`` (3D) frames itself inside the box it is given and is drawn last.
    """

    def __init__(self, race: Race) -> None:
        self.race = race
        render = race.scene.render
        self.theme: Theme = THEMES[render.theme]
        self.width, self.height = (int(v) for v in render.size)
        dpi = frame_dpi((self.width, self.height), render.dpi)
        self.figure = Figure(figsize=figure_inches((self.width, self.height), dpi), dpi=dpi,
                             facecolor=self.theme.background)
        self.canvas = FigureCanvasAgg(self.figure)
        renderer = self.canvas.get_renderer()
        if (int(renderer.width), int(renderer.height)) != (self.width, self.height):
            raise RenderError(f"size {self.width}x{self.height} at dpi {dpi:g} gives a "
                              f"{int(renderer.width)}x{int(renderer.height)} canvas")
        self.views: list = []
        panels = self._panels()
        chrome = build_chrome(self.figure, renderer, race, self.theme,
                              {name for name, _ in panels})
        self.title, self.legend, self.counter = chrome.title, chrome.legend, chrome.counter
        self._create(panels)
        late = [v for v in self.views if _fixed(v)]
        for view in self.views:
            if view not in late:
                view.draw_static()
        self._arrange_with_legend(chrome)
        for view in late:
            view.draw_static()
        apply_medium(self.figure, render, self.theme)
        # A scheduled lr changes nearly every frame: such a legend is drawn with the moving
        # artists (a few ms) instead of redrawing the whole background for it.
        self._live_legend = self.legend is not None and any(
            t.racer.schedule is not None for t in race.trajectories)
        self._legend_texts: list[str] | None = None   # what the live legend last showed
        if self.legend is not None:
            self.legend.set_animated(self._live_legend)
        self._background = None
        self._key: Hashable = object()
        self._animated: set[int] = set()
        # A view whose camera moves redraws its axes every frame; everything else (title,
        # legend, other panels) stays in the cached background, drawn once.
        self._turning = [v for v in self.views if getattr(v, "moves_camera", False)]
        for view in self._turning:
            view.ax.set_animated(True)
        # Loss lines are drawn once and grown (race.draw.growth), not from step 0 on every
        # frame: a second background holds them as they stood at the last frame.
        self._growing = Growing(self.height, self.width) \
            if any(hasattr(v, "growing") for v in self.views) else None

    # -- building -----------------------------------------------------------------------------

    def _panels(self) -> list[tuple[str, tuple[int, ...]]]:
        render = self.race.scene.render
        count = len(self.race.trajectories)
        if render.layout == "grid":
            return [(render.view, (i,)) for i in range(count)]
        if render.layout == "side-by-side":
            return [("surface3d", tuple(range(count))), ("contour", tuple(range(count)))]
        return [(render.view, tuple(range(count)))]

    def _create(self, panels: list[tuple[str, tuple[int, ...]]]) -> None:
        render = self.race.scene.render
        classes = [view_class(name) for name, _ in panels]   # fail before drawing anything
        for (name, racers), cls in zip(panels, classes):
            ax = self.figure.add_axes((0, 0, 1, 1), projection=getattr(cls, "projection", None))
            if render.layout == "grid":
                ax.set_title(self.race.trajectories[racers[0]].racer.label,
                             fontsize=PANEL_TITLE_SIZE, color=self.theme.foreground)
            self.views.append(cls(ax, self.race, self.theme, racers))
        self.maps = list(self.views)
        self.loss = None
        if render.loss_panel != "none":
            ax = self.figure.add_axes((0, 0, 1, 1))
            self.loss = LossView(ax, self.race, self.theme, tuple(range(len(self.race.trajectories))))
            self.views.append(self.loss)
        self.explainer = None       # render.explain: a racer's update, beside the maps
        explained = explained_index(self.race.scene)
        if explained is not None:
            from race.draw.explain import ExplainView

            self.explainer = ExplainView(self.figure.add_axes((0, 0, 1, 1)), self.race,
                                         self.theme, (explained,))
            self.views.append(self.explainer)

    def _arrange_with_legend(self, chrome) -> None:
        """Lay the panels out under the title and legend; where the maps leave room beside
        them (a square map on a wide frame), try the legend there instead, and keep whichever
        gives the maps more room."""
        em = LEGEND_SIZE * self.figure.dpi / 72.0
        margin, gap = MARGIN_EM * em, GAP_EM * em
        top = Rect(margin, margin, self.width - 2 * margin, self.height - chrome.band - 2 * margin)
        if self.explainer is not None:
            self.explainer.fit(self.canvas.get_renderer(), top.width, top.height)
        placement, pads = self._arrange(top)
        if self.legend is not None and self.loss is None and self.explainer is None:
            # (a loss panel or an explainer needs the room beside the maps)
            height = self.height - chrome.title_band - 2 * margin
            side, width = side_legend(self.figure, self.canvas.get_renderer(), self.legend,
                                      height)
            room = Rect(margin, margin, self.width - 2 * margin - width - gap, height)
            beside, side_pads = self._arrange(room, pads) if room.width > 0.3 * self.width \
                else (None, None)
            if beside is not None and self._map_area(beside, side_pads) > \
                    LEGEND_BESIDE_GAIN * self._map_area(placement, pads):
                right = max(b.right + p.right for b, p in zip(beside.maps, side_pads))
                maps_top = max(b.top + p.top for b, p in zip(beside.maps, side_pads))
                self.legend.remove()
                self.legend = side
                side.set_bbox_to_anchor((right + gap, maps_top), transform=IdentityTransform())
                placement = beside
            else:
                side.remove()
        self._apply(placement)
        self._clip_panel_titles(self.canvas.get_renderer())

    def _map_area(self, placement: Placement, pads: list[Pads]) -> float:
        shapes = self._shapes()
        return sum(map_size(box, panel) for box, panel in zip(placement.maps,
                                                               self._map_panels(shapes, pads)))

    def _arrange(self, region: Rect, pads: list[Pads] | None = None
                 ) -> tuple[Placement, list[Pads]]:
        """Place every panel in ``region``: measure the room each 2D panel's labels take,
        lay out, and again while that room changes (tick labels follow the panel's size)."""
        em = LEGEND_SIZE * self.figure.dpi / 72.0
        gap = GAP_EM * em
        if pads is None:
            guess = Pads(4.5 * em, 1.0 * em, 3.4 * em, 1.0 * em)
            pads = [Pads() if _fixed(v) else guess for v in self.views]
        renderer = self.canvas.get_renderer()
        shapes = self._shapes()
        render = self.race.scene.render
        for round_ in range(LAYOUT_ROUNDS):
            maps = self._map_panels(shapes, pads)
            loss = Panel(1.0, pads[len(self.maps)]) if self.loss is not None else None
            least = 0.0
            if loss is not None:
                beside = render.loss_panel == "right"
                least = (loss.pads.across if beside else loss.pads.along) \
                    + LOSS_LEAST_EM[0 if beside else 1] * em
            placement = place(region, maps, loss=loss, loss_side=render.loss_panel, gap=gap,
                              loss_minimum=least,
                              aside=None if self.explainer is None else self.explainer.size)
            self._apply(placement)
            measured = [p if _fixed(v) else
                        _pads(v.ax, renderer).max(_overhang(v, self.figure.dpi))
                        for v, p in zip(self.views, pads)]
            if all(_within(m, p, 1.0) for m, p in zip(measured, pads)):
                break
            # the first measurement replaces the guess; after that pads only grow, so the
            # rounds settle even when a tick label comes and goes with the size
            pads = measured if round_ == 0 else [m.max(p) for m, p in zip(measured, pads)]
        return placement, pads

    def _shapes(self) -> list[float]:
        """The shape each self-framing view asks for (its picture's height over width)."""
        if not hasattr(self, "_picture_shapes"):
            self._picture_shapes = [min(max(v.content_aspect(), 0.3), 3.0)
                                    if hasattr(v, "content_aspect") else STRETCH_ASPECT
                                    for v in self.maps]
        return self._picture_shapes

    def _map_panels(self, shapes: list[float], pads: list[Pads]) -> list[Panel]:
        surface = self.race.scene.surface
        aspect = map_shape(surface.xlim, surface.ylim)[0]
        return [Panel(shapes[i], p, stretch=True) if getattr(v, "fits_cell", False)
                else Panel(aspect, p) for i, (v, p) in enumerate(zip(self.maps, pads))]

    def _apply(self, placement: Placement) -> None:
        boxes = list(placement.maps) + [box for box in (placement.loss, placement.aside)
                                        if box is not None]
        for view, box in zip(self.views, boxes):
            view.ax.set_position((box.x / self.width, box.y / self.height,
                                  box.width / self.width, box.height / self.height))

    def _clip_panel_titles(self, renderer) -> None:
        """A grid panel's title (the racer's label) no wider than its panel."""
        for view in self.maps:
            title = view.ax.title
            text = title.get_text()
            room = view.ax.get_window_extent(renderer).width + 2 * LEGEND_SIZE
            while len(text) > 2 and title.get_window_extent(renderer).width > room:
                text = text[:-2] + "…"
                title.set_text(text)

    # -- frames -------------------------------------------------------------------------------

    def frame(self, step: int, seconds: float | None = None) -> np.ndarray:
        """The frame showing ``step``: an (height, width, 4) uint8 view of the canvas buffer.

        ``seconds`` is the frame's time in the video, for views that move with time (an orbiting
        camera). The array is only valid until the next call (the canvas buffer is reused).
        """
        if seconds is not None:
            for view in self.views:
                if hasattr(view, "set_frame_time"):
                    view.set_frame_time(seconds)
        # the background first (a view may move its camera here), then the moving artists
        key = (self._legend_key(step), tuple(background_key(v, step) for v in self.views
                                             if v not in self._turning))
        for view in self._turning:
            background_key(view, step)      # points its camera for this step
        if key != self._key or self._background is None:
            if self._background is None:
                self._mark_animated([a for v in self.views for a in v.update(step)])
            self._redraw_background(step)
            self._key = key
        elif self._growing is not None:
            self._growing.restore(np.asarray(self.canvas.buffer_rgba()), step)
        else:
            self.canvas.restore_region(self._background)
        if self.counter.sprites is None:
            self.counter.prepare(self.canvas, self._background)
        self._draw_turning()
        per_view = [(view.ax, view.update(step)) for view in self.views]
        fresh = [a for _, artists in per_view for a in artists if id(a) not in self._animated]
        if fresh:    # an artist that was not returned before: keep it out of the background
            self._mark_animated(fresh)
            self._redraw_background(step)
            self._draw_turning()
        if self._live_legend:
            self._draw_live_legend(step)
        self.counter.paste(self.canvas, step)
        pixels = np.asarray(self.canvas.buffer_rgba())
        for view, (ax, artists) in zip(self.views, per_view):
            if self._growing is not None:   # lines that only grow: just their new part
                artists = self._growing.draw(pixels, view, artists, step)
            for artist in artists:
                if artist.get_visible():   # (a 3D line would project itself just to hide)
                    ax.draw_artist(artist)
        if self._growing is not None:
            self._growing.advance(step)
        return pixels

    def _draw_turning(self) -> None:
        """Draw the axes of each view whose camera moves (its surface, box and ticks, seen from
        where the camera is now) over the background; its moving artists come later."""
        for view in self._turning:
            self.figure.draw_artist(view.ax)

    def _mark_animated(self, artists: list[Artist]) -> None:
        for artist in artists:
            artist.set_animated(True)
            self._animated.add(id(artist))

    def _legend_key(self, step: int) -> Hashable:
        return tuple(int(((t.diverged_at >= 0) & (t.diverged_at <= step)).sum())
                     for t in self.race.trajectories)

    def _redraw_background(self, step: int) -> None:
        if self.legend is not None:
            self._set_legend_texts(step)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        if self._growing is not None:
            self._growing.reset(np.asarray(self.canvas.buffer_rgba()))
        self._legend_texts = None

    def _draw_live_legend(self, step: int) -> None:
        """Draw the legend over the restored background; while its texts stay the same (a
        step schedule between milestones), paste the pixels of the last time instead."""
        texts = [racer_label(self.race, i, step) for i in range(len(self.race.trajectories))]
        pixels = np.asarray(self.canvas.buffer_rgba())
        if texts == self._legend_texts:
            pixels[self._legend_region] = self._legend_pixels
            return
        self._set_legend_texts(step)
        self.figure.draw_artist(self.legend)
        box = self.legend.get_window_extent()
        x0, x1 = max(int(box.x0) - 2, 0), min(int(np.ceil(box.x1)) + 2, self.width)
        y0 = max(self.height - int(np.ceil(box.y1)) - 2, 0)
        y1 = min(self.height - int(box.y0) + 2, self.height)
        self._legend_region = (slice(y0, y1), slice(x0, x1))
        self._legend_pixels = pixels[self._legend_region].copy()
        self._legend_texts = texts

    def _set_legend_texts(self, step: int) -> None:
        racers = len(self.race.trajectories)
        for i, text in enumerate(self.legend.get_texts()[:racers]):
            text.set_text(racer_label(self.race, i, step))

    def close(self) -> None:
        self.figure.clear()


def _fixed(view) -> bool:
    """A view whose panel is not measured for tick labels, and draws once it is placed: a 3D
    view frames itself in its cell, the explainer's box is its own size."""
    return getattr(view, "fits_cell", False) or getattr(view, "draws_late", False)


def _pads(ax, renderer) -> Pads:
    """The room an axes' tick labels, axis labels and title take outside its box, per side,
    in pixels (only those: its artists are clipped to the box)."""
    ax.apply_aspect()
    box = ax.get_window_extent(renderer)
    parts = [ax.xaxis.get_tightbbox(renderer), ax.yaxis.get_tightbbox(renderer)]
    if ax.title.get_text():
        parts.append(ax.title.get_window_extent(renderer))
    parts = [p for p in parts if p is not None and p.width > 0]
    if not parts:
        return Pads()
    tight = Bbox.union(parts + [box])
    return Pads(max(box.x0 - tight.x0, 0.0), max(tight.x1 - box.x1, 0.0),
                max(box.y0 - tight.y0, 0.0), max(tight.y1 - box.y1, 0.0))


def _overhang(view, dpi: float) -> Pads:
    """Room on every side for what a view draws past its box (markers on its edge)."""
    reach = getattr(view, "overhang", 0.0) * dpi / 72.0
    return Pads(reach, reach, reach, reach)


def _within(a: Pads, b: Pads, tolerance: float) -> bool:
    return all(abs(x - y) <= tolerance for x, y in
               ((a.left, b.left), (a.right, b.right), (a.bottom, b.bottom), (a.top, b.top)))
