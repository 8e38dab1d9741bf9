"""The band across the top of a frame: the title, the legend and the step counter.

Sizes are in points, so they follow the frame's dpi (``race.draw.sizing``). The counter sits in
the top-right corner; the title is centred in the room the counter leaves on both sides, shrunk
a little and then wrapped (and, past two lines, cut with an ellipsis) when it is too long, so it
never runs off the frame or under the counter. The legend goes below, in as many columns as fit.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from race.draw.counter import Counter
from race.draw.scales import arrow_scales
from race.draw.theme import Theme, mix
from race.engine import Race

TITLE_SIZE = 14
LEGEND_SIZE = 9
COUNTER_SIZE = 9
PANEL_TITLE_SIZE = 10
TITLE_SMALLEST = 0.75   # a long title shrinks to this share of TITLE_SIZE before it wraps
TITLE_LINES = 2
PAD_EM = 0.6            # the band's padding, in legend font heights


@dataclass
class Chrome:
    title: Text
    legend: Legend | None
    counter: Counter
    band: float         # pixels from the frame's top edge to the bottom of the band
    title_band: float   # the same without the legend (when it goes beside the maps)


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


def build_chrome(figure: Figure, renderer: RendererBase, race: Race, theme: Theme,
                 views: set[str]) -> Chrome:
    """Title, legend and counter drawn into ``figure``; ``views`` names the kinds of map shown
    (``contour``, ``surface3d``), for the legend's entries about the squares."""
    width, height = (float(v) for v in figure.bbox.size)
    points = figure.dpi / 72.0
    pad = PAD_EM * LEGEND_SIZE * points
    top = 1 - pad / height

    steps = race.scene.steps
    counter_text = figure.text(1 - pad / width, top, "", ha="right", va="top",
                               family="monospace", fontsize=COUNTER_SIZE,
                               color=theme.foreground, alpha=0.75, animated=True)
    counter = Counter(counter_text, steps)
    widest = text_width(renderer, counter.label(steps).replace(" ", "8"),
                        FontProperties(family="monospace", size=COUNTER_SIZE))
    counter_bottom = pad + COUNTER_SIZE * points * 1.3

    room = width - 2 * (widest + 2 * pad)
    text, size = fit_title(renderer, race.scene.title, room)
    title = figure.text(0.5, top, text, ha="center", va="top", color=theme.foreground,
                        fontsize=size, fontweight="bold", linespacing=1.15)
    band = max(counter_bottom, pad + _height(title, renderer)) if text else counter_bottom

    legend = None
    title_band = band + pad
    if race.scene.render.legend:
        handles, labels = legend_entries(race, theme, views)
        columns = legend_columns(renderer, labels, width, points)
        legend = _legend(figure, handles, labels, theme, columns, loc="upper center",
                         anchor=(0.5, 1 - (band + pad) / height))
        band = height - legend.get_window_extent(renderer).y0
    return Chrome(title, legend, counter, band + pad, title_band)


def side_legend(figure: Figure, renderer: RendererBase, legend: Legend,
                height: float) -> tuple[Legend, float]:
    """A copy of ``legend`` to stand beside the maps: one column, or as few more as keep it
    within ``height`` pixels; returns it (anchored by its top-left corner, to be placed with
    ``set_bbox_to_anchor``) and its width."""
    handles, labels = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
    theme_color = legend.get_texts()[0].get_color() if labels else "black"
    for columns in range(1, len(labels) + 1):
        side = figure.legend(handles, labels, loc="upper left", bbox_to_anchor=(0, 1),
                             ncols=columns, **_legend_style(theme_color))
        box = side.get_window_extent(renderer)
        if box.height <= height or columns == len(labels):
            return side, box.width
        side.remove()
    raise AssertionError("unreachable")


def _legend(figure: Figure, handles, labels, theme: Theme, columns: int, *, loc: str,
            anchor) -> Legend:
    return figure.legend(handles, labels, loc=loc, bbox_to_anchor=anchor, ncols=columns,
                         **_legend_style(theme.foreground))


def _legend_style(color) -> dict:
    return dict(frameon=False, fontsize=LEGEND_SIZE, labelcolor=color, handlelength=1.6,
                columnspacing=1.4, borderaxespad=0.0, borderpad=0.2)


def fit_title(renderer: RendererBase, title: str, room: float) -> tuple[str, float]:
    """The title's text and font size so it fits ``room`` pixels across: as it is if it fits,
    else shrunk down to TITLE_SMALLEST, then wrapped onto TITLE_LINES lines, the last cut with
    an ellipsis if even that is not enough."""
    title = " ".join(title.split())
    if not title:
        return "", TITLE_SIZE
    bold = FontProperties(size=TITLE_SIZE, weight="bold")
    full = text_width(renderer, title, bold)
    if full <= room:
        return title, TITLE_SIZE
    size = TITLE_SIZE * max(TITLE_SMALLEST, room / full)
    bold = FontProperties(size=size, weight="bold")
    if text_width(renderer, title, bold) <= room:
        return title, size
    per_char = text_width(renderer, title, bold) / len(title)
    chars = max(4, int(room / per_char))
    while chars > 4:
        lines = textwrap.wrap(title, chars, break_long_words=True)
        kept = lines[:TITLE_LINES]
        if len(lines) > TITLE_LINES:
            kept[-1] = kept[-1][:max(chars - 1, 1)].rstrip() + "…"
        if all(text_width(renderer, line, bold) <= room for line in kept):
            return "\n".join(kept), size
        chars -= 1
    return title[:3] + "…", size


def legend_entries(race: Race, theme: Theme, views: set[str]) -> tuple[list, list[str]]:
    """Handles and labels: every racer, then each arrow kind shown with its scale (``step ×5``),
    then what the squares are."""
    render = race.scene.render
    handles, labels = [], []
    for index, trajectory in enumerate(race.trajectories):
        several = trajectory.positions.shape[1] > 1
        handles.append(Line2D([], [], color=trajectory.racer.color,
                              linewidth=render.trail.width * (0.55 if several else 1)
                              if render.trail.show else 0,
                              marker="o", markersize=7, markerfacecolor=trajectory.racer.color,
                              markeredgecolor=theme.outline, markeredgewidth=1.0))
        labels.append(racer_label(race, index))
    ink = theme.foreground
    for arrow in arrow_scales(race):
        if not arrow.factor:
            continue
        pale = arrow.kind == "momentum"
        handles.append(Line2D([], [], color=mix(ink, theme.background, 0.45) if pale else ink,
                              linewidth=1.8 if pale else 2.2, marker=">", markersize=7,
                              markevery=[-1], markerfacecolor="none"
                              if arrow.kind == "gradient" else None))
        labels.append(arrow.label)
    if render.squares.show and any(t.accumulators is not None for t in race.trajectories):
        first = render.squares.starts == "first" and any(
            t.positions.shape[1] > 1 and t.accumulators is not None for t in race.trajectories)
        where = " (first start)" if first else ""
        face = mix(theme.squares, theme.background, 0.5)
        if "contour" in views:
            from race.draw.contour import SQUARE_STYLES

            for (hatch, style), axis in zip(SQUARE_STYLES, "xy"):
                handles.append(Patch(facecolor=face, edgecolor=ink, hatch=hatch,
                                     linestyle=style, linewidth=1.0))
                labels.append(f"{axis}-square: √(accumulated g²) along {axis}{where}")
        else:
            handles.append(Patch(facecolor=face, edgecolor=theme.squares, linewidth=1.0))
            labels.append(f"squares: √(accumulated g²) per axis{where}")
    return handles, labels


def legend_columns(renderer: RendererBase, labels: list[str], width: float,
                   points: float) -> int:
    """As many columns as fit across the frame, measured with the longest label."""
    font = FontProperties(size=LEGEND_SIZE)
    widest = max((text_width(renderer, label, font) for label in labels), default=1.0)
    # the handle (1.6 em), its gap (0.8 em) and the column gap (1.4 em) beside each label
    per_column = widest + 3.8 * LEGEND_SIZE * points
    fit = max(1, min(len(labels), int(width * 0.96 // per_column)))
    rows = math.ceil(len(labels) / fit)
    return math.ceil(len(labels) / rows)       # balanced rows: 4 + 3, not 6 + 1


def text_width(renderer: RendererBase, text: str, font: FontProperties) -> float:
    return renderer.get_text_width_height_descent(text, font, ismath=False)[0]


def _height(text: Text, renderer: RendererBase) -> float:
    return text.get_window_extent(renderer).height
