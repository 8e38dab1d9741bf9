"""The frame driver: lays out a race's figure once, then blits frame after frame.

A ``Stage`` owns one Agg figure of exactly ``render.size`` pixels. It draws every static layer
once (contours, axes, title, legend), caches that background, and for each frame restores the
background, draws only the moving artists the views return and hands back the RGBA buffer.
The background is redrawn only when it changes: a racer diverging (its legend entry says so) or a
view whose ``background_key`` changes (a moving 3D camera).
"""

from __future__ import annotations

import math
import warnings
from typing import Hashable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from race.engine import Race
from race.errors import RenderError
from race.draw.counter import Counter
from race.draw.loss import LossView
from race.draw.medium import apply_medium
from race.draw.theme import THEMES, Theme
from race.draw.view import background_key, view_class

TITLE_SIZE = 14
LEGEND_SIZE = 9
COUNTER_SIZE = 9


def lr_text(trajectory, step: int | None) -> str | None:
    """'lr 0.01': the learning rate at ``step`` (the start's without one); when a schedule moves
    it, 'lr 1.00e-02' (one width, so the legend does not shift); None without an lr."""
    racer = trajectory.racer
    rates = trajectory.learning_rates
    if rates is None:
        lr = getattr(racer.config, "lr", None)
        return None if lr is None else f"lr {lr:g}"
    lr = float(rates[0 if step is None else min(step, len(rates) - 1)])
    return f"lr {lr:.2e}" if racer.schedule is not None else f"lr {lr:g}"


def racer_label(race: Race, index: int, step: int | None = None) -> str:
    """'AdaGrad (adagrad, lr 0.01)', plus how it left the race by ``step`` if it did; a
    scheduled learning rate is the one at ``step``."""
    trajectory = race.trajectories[index]
    racer = trajectory.racer
    parts = [] if racer.label.lower() == racer.optimizer.lower() else [racer.optimizer]
    lr = lr_text(trajectory, step)
    if lr is not None:
        parts.append(lr)
    text = f"{racer.label} ({', '.join(parts)})" if parts else racer.label
    diverged = trajectory.diverged_at
    left = diverged >= 0
    if step is not None:
        left &= diverged <= step
    gone = diverged[left]
    if gone.size == 1 and diverged.size == 1:
        text += f": diverged at step {int(gone[0])}"
    elif gone.size:
        text += f": {gone.size}/{diverged.size} diverged (first at step {int(gone.min())})"
    return text


class Stage:
    """One race's figure, with its views laid out; ``frame(step)`` returns the RGBA pixels.

    Layouts (``render.layout``): ``single``, one panel of ``render.view`` with every racer;
    ``side-by-side``, a 3D view beside a contour view of the same race (``render.view`` is not
    used); ``grid``, one panel of ``render.view`` per racer, all on the same clock.
    ``render.loss_panel`` adds a loss-vs-step panel right of or below any of them. Views come
    from the registry in ``race.draw.view.VIEWS``.
    """

    def __init__(self, race: Race) -> None:
        self.race = race
        render = race.scene.render
        self.theme: Theme = THEMES[render.theme]
        self.width, self.height = (int(v) for v in render.size)
        dpi = render.dpi
        self.figure = Figure(figsize=(self.width / dpi, self.height / dpi), dpi=dpi,
                             facecolor=self.theme.background, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        renderer = self.canvas.get_renderer()
        if (int(renderer.width), int(renderer.height)) != (self.width, self.height):
            raise RenderError(f"size {self.width}x{self.height} at dpi {dpi} gives a "
                              f"{int(renderer.width)}x{int(renderer.height)} canvas; "
                              "choose a dpi that divides the size")
        self.views: list = []
        self._layout()
        for view in self.views:
            view.draw_static()
        self._chrome()
        apply_medium(self.figure, render, self.theme)
        self._background = None
        self._key: Hashable = object()
        self._animated: set[int] = set()
        self._laid_out = False

    # -- building -----------------------------------------------------------------------------

    def _layout(self) -> None:
        render = self.race.scene.render
        figure = self.figure
        count = len(self.race.trajectories)
        if render.layout == "grid":
            panels = [(render.view, (i,)) for i in range(count)]
        elif render.layout == "side-by-side":
            panels = [("surface3d", tuple(range(count))), ("contour", tuple(range(count)))]
        else:
            panels = [(render.view, tuple(range(count)))]
        classes = [view_class(name) for name, _ in panels]   # fail before drawing anything
        columns = math.ceil(math.sqrt(len(panels))) if render.layout == "grid" else len(panels)
        rows = math.ceil(len(panels) / columns)
        if render.loss_panel == "right":
            outer = figure.add_gridspec(1, 2, width_ratios=[1.7 * columns / rows, 1])
            main, side = outer[0], outer[1]
        elif render.loss_panel == "bottom":
            outer = figure.add_gridspec(2, 1, height_ratios=[3.2, 1])
            main, side = outer[0], outer[1]
        else:
            main, side = figure.add_gridspec(1, 1)[0], None
        grid = main.subgridspec(rows, columns)
        for index, ((name, racers), cls) in enumerate(zip(panels, classes)):
            projection = getattr(cls, "projection", None)
            ax = figure.add_subplot(grid[index // columns, index % columns],
                                    projection=projection)
            if render.layout == "grid":
                ax.set_title(self.race.trajectories[racers[0]].racer.label, fontsize=10,
                             color=self.theme.foreground)
            self.views.append(cls(ax, self.race, self.theme, racers))
        if side is not None:
            ax = figure.add_subplot(side)
            self.views.append(LossView(ax, self.race, self.theme, tuple(range(count))))

    def _chrome(self) -> None:
        """Title, legend and the step counter in a band across the top, shared by every panel.

        The band's height is measured from the font sizes, and the layout engine is told to keep
        the panels below it, so nothing overlaps whatever the figure size.
        """
        theme, render, figure = self.theme, self.race.scene.render, self.figure
        points = figure.dpi / 72.0
        pad = 6.0
        title_height = TITLE_SIZE * points * 1.45
        figure.text(0.5, 1 - pad / self.height, self.race.scene.title, ha="center", va="top",
                    color=theme.foreground, fontsize=TITLE_SIZE, fontweight="bold")
        band = pad + title_height
        self.legend = None
        self._live_legend = False
        self._legend_texts: list[str] | None = None   # what the live legend last showed
        if render.legend:
            handles = []
            for trajectory in self.race.trajectories:
                several = trajectory.positions.shape[1] > 1
                handles.append(Line2D([], [], color=trajectory.racer.color,
                                      linewidth=render.trail.width * (0.55 if several else 1),
                                      marker="o", markersize=7,
                                      markeredgecolor=theme.outline, markeredgewidth=1.0))
            labels = [racer_label(self.race, i) for i in range(len(self.race.trajectories))]
            arrows = render.arrows
            for shown, color, label in ((arrows.gradient, theme.gradient_arrow, "−∇f"),
                                        (arrows.step, theme.step_arrow, "step taken"),
                                        (arrows.momentum, theme.momentum_arrow, "momentum")):
                if shown:
                    handles.append(Line2D([], [], color=color, linewidth=2.2, marker=">",
                                          markersize=6, markevery=[-1]))
                    labels.append(label)
            columns = self._legend_columns(labels)
            rows = math.ceil(len(labels) / columns)
            self.legend = figure.legend(
                handles, labels, loc="upper center",
                bbox_to_anchor=(0.5, 1 - band / self.height), ncols=columns, frameon=False,
                fontsize=LEGEND_SIZE, labelcolor=theme.foreground, handlelength=1.6,
                columnspacing=1.4, borderaxespad=0.0, borderpad=0.2)
            band += rows * LEGEND_SIZE * points * 1.75 + 2 * pad
            # A scheduled lr changes nearly every frame: such a legend is drawn with the moving
            # artists (a few ms) instead of redrawing the whole background for it.
            self._live_legend = any(t.racer.schedule is not None
                                    for t in self.race.trajectories)
            self.legend.set_animated(self._live_legend)
        band += pad
        self.figure.get_layout_engine().set(rect=(0, 0, 1, max(0.3, 1 - band / self.height)))
        steps = self.race.scene.steps
        text = figure.text(1 - pad / self.width, 1 - pad / self.height, "", ha="right",
                           va="top", family="monospace", fontsize=COUNTER_SIZE,
                           color=theme.foreground, alpha=0.75, animated=True)
        self.counter = Counter(text, steps)

    def _legend_columns(self, labels: list[str]) -> int:
        """As many columns as fit across the figure, measured with the longest label."""
        renderer = self.canvas.get_renderer()
        font = FontProperties(size=LEGEND_SIZE)
        widest = max((renderer.get_text_width_height_descent(label, font, ismath=False)[0]
                      for label in labels), default=1.0)
        # the handle (1.6 em), its gap (0.8 em) and the column gap (1.4 em) beside each label
        em = LEGEND_SIZE * self.figure.dpi / 72.0
        per_column = widest + 3.8 * em
        fit = max(1, min(len(labels), int(self.width * 0.96 // per_column)))
        rows = math.ceil(len(labels) / fit)
        return math.ceil(len(labels) / rows)       # balanced rows: 4 + 3, not 6 + 1

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
        key = (self._legend_key(step), tuple(background_key(v, step) for v in self.views))
        if key != self._key or self._background is None:
            if self._background is None:
                self._mark_animated([a for v in self.views for a in v.update(step)])
            self._redraw_background(step)
            self._key = key
        else:
            self.canvas.restore_region(self._background)
        per_view = [(view.ax, view.update(step)) for view in self.views]
        fresh = [a for _, artists in per_view for a in artists if id(a) not in self._animated]
        if fresh:    # an artist that was not returned before: keep it out of the background
            self._mark_animated(fresh)
            self._redraw_background(step)
        if self.counter.sprites is None:
            self.counter.prepare(self.canvas, self._background)
        if self._live_legend:          # after prepare (which restores the background)
            self._draw_live_legend(step)
        self.counter.paste(self.canvas, step)
        for ax, artists in per_view:
            for artist in artists:
                ax.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())

    def _mark_animated(self, artists: list[Artist]) -> None:
        for artist in artists:
            artist.set_animated(True)
            self._animated.add(id(artist))

    def _legend_key(self, step: int) -> Hashable:
        return tuple(int(((t.diverged_at >= 0) & (t.diverged_at <= step)).sum())
                     for t in self.race.trajectories)

    def _redraw_background(self, step: int) -> None:
        if not self._laid_out:
            with warnings.catch_warnings():
                # At thumbnail sizes the layout engine gives up and says so on stderr; the frame
                # is still drawn, and a CLI error or progress line must stay the only output.
                warnings.filterwarnings("ignore", "constrained_layout not applied",
                                        UserWarning)
                self.canvas.draw()         # the layout engine places everything once...
            self.figure.set_layout_engine("none")  # ...and then nothing moves again
            self._laid_out = True
        if self.legend is not None:
            self._set_legend_texts(step)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
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
