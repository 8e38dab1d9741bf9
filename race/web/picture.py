"""What the interactive player takes from a laid-out Stage, asked of matplotlib itself.

The player draws the moving layers in the browser over one image of everything that does not
move, so the two must agree to the pixel with the frames ``race render`` writes. Nothing here
re-implements the layout: the picture is the Stage's own canvas with its moving artists left out,
each panel's data-to-pixel mapping is the axes' ``transData`` after layout, the clip boxes, legend
entries and step counter are measured on that canvas, and sizes, colours and outlines are read
from the artists the views created. Pixel coordinates are the figure's, from its top-left corner.

What is read from the draw layer, in one place: ``Stage(race)``, its ``frame``, ``canvas``,
``figure``, ``views``, ``legend`` and ``counter``; a contour view's ``racers`` and per-racer
``artists`` (``ball``, ``cross``, ``trails``, ``squares``, ``arrows``, ``square_scale``,
``exits``); a loss view's ``lines`` and ``markers``.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import hatch as mhatch
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from PIL import Image

from race.draw.contour import EDGE_MARKER, FADE_BANDS, ContourView
from race.draw.loss import LossView
from race.draw.stage import Stage, racer_label

FADE_FROM = 0.1        # the oldest band of a fading trail's opacity (contour.RacerArtists._fade)
HATCH_DENSITY = 6      # matplotlib's default hatch density (rcParams has no key for it)
LEGEND_PAD = 3         # pixels around a legend entry that still toggle it
# legend texts change as racers diverge or a schedule moves a learning rate: at most this many
# pictures of it, evenly picked (a ball's numbers under the pointer give the exact rate)
MAX_LEGEND_VARIANTS = 32
WEBP_METHOD = 4        # lossless WebP: about half a PNG's bytes, encoded in a fraction of a second


@dataclass(frozen=True)
class Picture:
    """The static picture and the geometry of one laid-out Stage, ready for JSON."""

    width: int
    height: int
    image: str                      # data: URI of everything that does not move
    panels: list[dict[str, Any]]    # per axes: kind, racers, clip box, transform
    racers: list[dict[str, Any]]    # per racer: label, colour, drawing styles
    legends: list[dict[str, Any]] = field(default_factory=list)  # texts changing with steps
    counter: dict[str, Any] | None = None


def draws_in_browser(stage: Stage) -> bool:
    """Whether every view of ``stage`` is one the player draws itself (2D maps and the loss
    panel); a 3D view is shown as its video instead."""
    return all(isinstance(view, (ContourView, LossView)) for view in stage.views)


def read_picture(stage: Stage, shown: list[int]) -> Picture:
    """The picture of ``stage`` for the player showing steps ``shown`` (sorted, unique)."""
    race = stage.race
    variants = legend_variants(race, shown)
    stage.frame(variants[0])           # lays out the figure and marks the moving artists
    background = static_pixels(stage)
    legends = []
    racers = [racer_style(stage, i) for i in range(len(race.trajectories))]
    if stage.legend is not None:
        # A legend whose texts change (a racer diverging, a scheduled learning rate) is pasted
        # over the picture from the step it reads so; one the Stage draws with the moving
        # artists (a live legend) is not in the picture at all, so it is pasted from the start.
        live = stage.legend.get_animated()
        region = legend_region(stage, variants)
        for racer, box in zip(racers, legend_boxes(stage)):
            racer["legend"] = box
        for step in variants if live else variants[1:]:
            stage.frame(step)
            pixels = static_pixels(stage, legend=True)
            legends.append({"from": step, "box": region, "image": image_uri(crop(pixels, region)),
                            "entries": legend_boxes(stage)})
    panels = [panel(stage, view) for view in stage.views]
    for view in stage.views:
        if isinstance(view, ContourView):
            for index, artists in zip(view.racers, view.artists):
                racers[index]["map"] = map_style(stage, artists)
        elif isinstance(view, LossView):
            for index in view.racers:
                racers[index]["loss"] = loss_style(stage, view, index)
    return Picture(stage.width, stage.height, image_uri(background), panels, racers, legends,
                   counter_sheet(stage))


# -- pixels -------------------------------------------------------------------------------------

def static_pixels(stage: Stage, *, legend: bool = False) -> np.ndarray:
    """The canvas redrawn without its animated artists (the moving layers and the counter),
    as (height, width, 4) RGBA; ``legend``: with the legend even when it is one of them, as
    the last ``stage.frame`` set its texts."""
    stage.canvas.draw()
    if legend and stage.legend is not None and stage.legend.get_animated():
        stage.figure.draw_artist(stage.legend)
    return np.array(stage.canvas.buffer_rgba())


def image_uri(pixels: np.ndarray) -> str:
    """A lossless WebP (PNG where Pillow has no WebP) data: URI of RGBA ``pixels``; RGB when
    nothing in it is transparent."""
    from PIL import features

    opaque = bool((pixels[..., 3] == 255).all())
    image = Image.fromarray(np.ascontiguousarray(pixels[..., :3] if opaque else pixels))
    buffer = io.BytesIO()
    if features.check("webp"):
        image.save(buffer, "WEBP", lossless=True, method=WEBP_METHOD, quality=80)
        mime = "image/webp"
    else:
        image.save(buffer, "PNG", optimize=True)
        mime = "image/png"
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def crop(pixels: np.ndarray, box: list[int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return pixels[y0:y1, x0:x1]


def top_left(stage: Stage, bbox, pad: float = 0.0) -> list[float]:
    """A display-space Bbox as [x0, y0, x1, y1] in pixels from the figure's top-left corner."""
    return [bbox.x0 - pad, stage.height - bbox.y1 - pad, bbox.x1 + pad,
            stage.height - bbox.y0 + pad]


# -- panels -------------------------------------------------------------------------------------

def panel(stage: Stage, view) -> dict[str, Any]:
    """One axes: which racers it shows, where it clips, and its data-to-pixel transform.

    ``matrix`` is matplotlib's affine part of ``transData`` ([a, b, c, d, e, f]: pixel x =
    a X + c Y + e and y-up pixel y = b X + d Y + f) and ``log`` says which of X, Y are log10 of
    the data first (the non-affine part: a log axis)."""
    ax = view.ax
    a, c, e, b, d, f = ax.transData.get_affine().get_matrix()[:2].ravel()
    loss = isinstance(view, LossView)
    surface = stage.race.scene.surface
    return {"kind": "loss" if loss else "map",
            "racers": list(view.racers),
            "clip": [round(v, 3) for v in top_left(stage, ax.bbox)],
            "matrix": [float(v) for v in (a, b, c, d, e, f)],
            "log": [ax.get_xscale() == "log", ax.get_yscale() == "log"],
            # a map's domain (balls beyond it are marked on its edge); the loss axis's range
            # (losses beyond it wait on its floor or top)
            "limits": [float(v) for v in ax.get_ylim()] if loss else
            [float(v) for v in (*surface.xlim, *surface.ylim)]}


# -- styles -------------------------------------------------------------------------------------

def pixels_per_point(stage: Stage) -> float:
    return stage.figure.dpi / 72.0


def color(value) -> str:
    """A CSS colour for any matplotlib colour (rgba() when it is translucent)."""
    r, g, b, a = mcolors.to_rgba(value)
    if a >= 1.0:
        return mcolors.to_hex((r, g, b))
    return f"rgba({round(r * 255)},{round(g * 255)},{round(b * 255)},{a:.3f})"


def outline(stage: Stage, artist) -> dict[str, Any] | None:
    """The stroke a line's path effects draw under it (contour trails, loss lines), or None."""
    for effect in artist.get_path_effects():
        if isinstance(effect, patheffects.Stroke):
            spec = effect._gc        # the keyword arguments it strokes with: no public getter
            return {"width": spec.get("linewidth", artist.get_linewidth())
                    * pixels_per_point(stage),
                    "color": color(spec.get("foreground", "black")),
                    "alpha": float(spec.get("alpha", 1.0))}
    return None


def marker(stage: Stage, line: Line2D) -> dict[str, Any]:
    """A Line2D's marker: its outline as a polygon in pixels (y down) unless it is a circle."""
    ppp = pixels_per_point(stage)
    size = line.get_markersize() * ppp
    style = MarkerStyle(line.get_marker())
    shape = None
    if line.get_marker() != "o":
        path = style.get_transform().transform(style.get_path().vertices) * size
        shape = [[round(float(x), 4), round(float(-y), 4)] for x, y in path]
    return {"size": size, "shape": shape, "face": color(line.get_markerfacecolor()),
            "edge": color(line.get_markeredgecolor()),
            "edgeWidth": line.get_markeredgewidth() * ppp, "join": style.get_joinstyle(),
            "zorder": line.get_zorder()}


def map_style(stage: Stage, artists) -> dict[str, Any]:
    """How one racer's moving artists in a 2D map look, from the artists themselves."""
    ppp = pixels_per_point(stage)
    style: dict[str, Any] = {"ball": marker(stage, artists.ball),
                             "cross": marker(stage, artists.cross),
                             "exits": [[_number(v) for v in point] for point in artists.exits]}
    if artists.trails:
        trail = artists.trails[0]
        fading = isinstance(trail, LineCollection)
        width = trail.get_linewidths()[0] if fading else trail.get_linewidth()
        style["trail"] = {"width": float(width) * ppp, "color": color(artists.t.racer.color),
                          "outline": None if fading else outline(stage, trail),
                          "fade": [FADE_BANDS, FADE_FROM] if fading else None,
                          "length": stage.race.scene.render.trail.length,
                          "zorder": trail.get_zorder()}
    if artists.squares:
        style["squares"] = {"scale": float(artists.square_scale),
                            "zorder": artists.squares[0].get_zorder(),
                            "starts": [bool(v) for v in artists.square_starts],
                            "sides": [square_style(stage, s) for s in artists.squares]}
    style["arrows"] = [arrow_style(stage, quiver) for quiver, _, _ in artists.arrows]
    edges = artists.edges
    style["edge"] = {"size": EDGE_MARKER * ppp, "face": color(edges.get_facecolor()[0]),
                     "edge": color(edges.get_edgecolor()[0]),
                     "edgeWidth": float(edges.get_linewidth()[0]) * ppp,
                     "zorder": edges.get_zorder()}
    return style


def square_style(stage: Stage, square) -> dict[str, Any]:
    ppp = pixels_per_point(stage)
    offset, dashes = square.get_linestyle()[0]
    segments = mhatch.get_path(square.get_hatch(), HATCH_DENSITY)
    lines = segments.vertices.reshape(-1, 4).round(6).tolist() if len(segments.vertices) else []
    return {"face": color(square.get_facecolor()[0]), "edge": color(square.get_edgecolor()[0]),
            "width": float(square.get_linewidth()[0]) * ppp,
            "dashes": [float(v) * ppp for v in dashes] if dashes else [],
            "hatch": {"lines": lines, "tile": int(stage.figure.dpi),
                      "color": color(square.get_hatchcolor()[0]),
                      "width": float(square.get_hatch_linewidth()) * ppp}}


def arrow_style(stage: Stage, quiver) -> dict[str, Any]:
    """A quiver's arrow geometry (in shaft widths, as matplotlib's ``_h_arrows``) and colours
    (an open arrow has no face); its vectors are packed with the tracks."""
    faces = quiver.get_facecolor()
    return {"width": float(quiver.width), "headWidth": quiver.headwidth,
            "headLength": quiver.headlength, "headAxisLength": quiver.headaxislength,
            "minShaft": quiver.minshaft, "minLength": quiver.minlength,
            "face": color(faces[0]) if len(faces) else None,
            "edge": color(quiver.get_edgecolor()[0]),
            "edgeWidth": float(quiver.get_linewidth()[0]) * pixels_per_point(stage),
            "zorder": quiver.get_zorder()}


def loss_style(stage: Stage, view: LossView, index: int) -> dict[str, Any]:
    """A racer's loss line and its markers, by shape: "o" in the panel, and the ones that wait
    on its floor or top for a loss beyond them (drawn unclipped)."""
    line = next(line for line, i, _ in view.lines if i == index)
    return {"width": line.get_linewidth() * pixels_per_point(stage),
            "color": color(line.get_color()), "outline": outline(stage, line),
            "zorder": line.get_zorder(),
            "markers": {dot.get_marker(): marker(stage, dot) for dot, i in view.markers
                        if i == index}}


def racer_style(stage: Stage, index: int) -> dict[str, Any]:
    racer = stage.race.trajectories[index].racer
    return {"label": racer.label, "color": color(racer.color), "legend": None}


# -- legend -------------------------------------------------------------------------------------

def legend_variants(race, shown: list[int]) -> list[int]:
    """The first step of every different set of legend texts over ``shown`` (they change when a
    racer diverges, or with a scheduled learning rate), at most MAX_LEGEND_VARIANTS of them,
    evenly picked."""
    firsts, last = [], None
    for step in shown:
        texts = tuple(racer_label(race, i, step) for i in range(len(race.trajectories)))
        if texts != last:
            firsts.append(step)
            last = texts
    if len(firsts) > MAX_LEGEND_VARIANTS:
        picks = np.unique(np.rint(np.linspace(0, len(firsts) - 1, MAX_LEGEND_VARIANTS)))
        firsts = [firsts[int(i)] for i in picks]
    return firsts


def legend_boxes(stage: Stage) -> list[list[float]]:
    """Per racer, the box of its legend entry (marker and text)."""
    renderer = stage.canvas.get_renderer()
    boxes = []
    racers = len(stage.race.trajectories)
    for handle, text in zip(stage.legend.legend_handles[:racers],
                            stage.legend.get_texts()[:racers]):
        a, b = handle.get_window_extent(renderer), text.get_window_extent(renderer)
        x0, y0 = min(a.x0, b.x0), min(a.y0, b.y0)
        x1, y1 = max(a.x1, b.x1), max(a.y1, b.y1)
        boxes.append([round(v, 2) for v in
                      (x0 - LEGEND_PAD, stage.height - y1 - LEGEND_PAD, x1 + LEGEND_PAD,
                       stage.height - y0 + LEGEND_PAD)])
    return boxes


def legend_region(stage: Stage, variants: list[int]) -> list[int]:
    """Whole pixels covering the legend in every variant (it is re-centred as texts grow)."""
    renderer = stage.canvas.get_renderer()
    boxes = []
    for step in variants[1:] + variants[:1]:
        stage.frame(step)
        boxes.append(top_left(stage, stage.legend.get_window_extent(renderer), pad=2))
    x0, y0 = (max(0, int(np.floor(min(b[k] for b in boxes)))) for k in (0, 1))
    x1 = min(stage.width, int(np.ceil(max(b[2] for b in boxes))))
    y1 = min(stage.height, int(np.ceil(max(b[3] for b in boxes))))
    return [x0, y0, x1, y1]


# -- step counter -------------------------------------------------------------------------------

def counter_sheet(stage: Stage) -> dict[str, Any] | None:
    """The step counter as the frames paste it: the blank counter, then one row per digit with
    that digit at every position, and each position's columns, so the browser composes any
    step from the very pixels of the video."""
    counter = stage.counter
    if counter.sprites is None:
        return None
    rows = [counter.blank]
    for character in "0123456789":
        rows.append(counter.blank + sum(counter.sprites[p, character]
                                        for p in range(counter.digits)))
    sheet = np.clip(np.concatenate(rows, axis=0), 0, 255).astype(np.uint8)
    height, width = counter.blank.shape[:2]
    reach = []
    for p in range(counter.digits):
        changed = np.nonzero(np.any([counter.sprites[p, c] != 0 for c in "0123456789"],
                                    axis=(0, 1, 3)))[0]
        reach.append((int(changed.min()), int(changed.max()) + 1) if changed.size else (0, 0))
    cells = []
    for p, (start, end) in enumerate(reach):   # neighbours' antialiasing split down the middle
        left = 0 if p == 0 else (reach[p - 1][1] + start) // 2
        right = width if p == len(reach) - 1 else (end + reach[p + 1][0]) // 2
        cells.append([left, max(left, right)])
    rows_slice, columns = counter.region
    return {"box": [columns.start, rows_slice.start, width, height], "digits": counter.digits,
            "cells": cells, "image": image_uri(sheet)}


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
