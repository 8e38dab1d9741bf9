"""Framing a 3D view: the box, its ticks and labels scaled and centred to fill the panel.

An ``Axes3D`` draws its projection into the largest square inside its position, and what the
camera sees may spill past that square (a close camera) or leave wide margins (a far one).
``fit`` measures what the axes draws (the box's projected corners, every tick label and axis
label) without drawing, then moves and resizes that square so the drawing fills the panel's
cell, centred, with a clear margin on every side. Resizing the square scales the picture without
changing the perspective; text keeps its size, so a few rounds settle it. An orbiting camera is
framed for every azimuth it will pass, so the framing stays put while it turns.

Ticks are thinned to what the projected length of each box edge can hold, so labels along a
foreshortened axis (the z axis seen from high above) do not run into each other.
"""

from __future__ import annotations

import numpy as np
from matplotlib import ticker
from matplotlib.artist import Artist
from matplotlib.transforms import Bbox
from mpl_toolkits.mplot3d import proj3d

FIT_ROUNDS = 5
TICK_SPACING = (4.5, 2.2)   # label heights between ticks: along x/y, along z


def fit(ax, cell: Bbox, margin: float, azimuths: list[float] | None = None,
        points: np.ndarray | None = None) -> None:
    """Place the 3D ``ax`` so all it draws lies in ``cell`` (pixels) less ``margin``, as large
    as it can be, centred. ``azimuths``: every camera azimuth to frame (default: the current).
    ``points`` (n, 3): the data points that bound the drawing when it is not the whole box
    (a view drawn without its box)."""
    renderer = ax.figure.canvas.get_renderer()
    room = Bbox.from_extents(cell.x0 + margin, cell.y0 + margin, cell.x1 - margin,
                             cell.y1 - margin)
    if room.width <= 1 or room.height <= 1:
        return
    turns = [ax.azim] if not azimuths else list(azimuths)
    home = ax.azim
    side = min(room.width, room.height)
    centre = np.array([room.x0 + room.width / 2, room.y0 + room.height / 2])
    for round_ in range(FIT_ROUNDS):
        _place(ax, centre, side)
        if ax._axis3don:
            thin_ticks(ax, renderer)
            if round_ == 0 and len(turns) == 1:
                place_z_axis(ax, renderer)
        drawn = Bbox.union([drawn_extent(ax, renderer, azim, points) for azim in turns])
        scale = min(room.width / drawn.width, room.height / drawn.height)
        middle = np.array([drawn.x0 + drawn.width / 2, drawn.y0 + drawn.height / 2])
        # the picture scales about the square's centre; then shift its middle onto the room's
        moved = centre + scale * (middle - centre)
        centre = centre + (np.array([room.x0 + room.width / 2, room.y0 + room.height / 2])
                           - moved)
        side *= scale
        if abs(scale - 1) < 0.004 and np.abs(moved - middle).max() < 0.5:
            break
    _place(ax, centre, side)
    ax.view_init(elev=ax.elev, azim=home, roll=ax.roll)


def picture_aspect(ax, azimuths: list[float], points: np.ndarray | None = None) -> float:
    """Height over width of the box's (or ``points``') projection over the given camera
    azimuths."""
    home = ax.azim
    projected = []
    for azim in azimuths:
        ax.view_init(elev=ax.elev, azim=azim, roll=ax.roll)
        corners = _box_corners(ax) if points is None else points
        xs, ys, _ = proj3d.proj_transform(corners[:, 0], corners[:, 1], corners[:, 2],
                                          ax.get_proj())
        projected.append(np.column_stack([xs, ys]))
    ax.view_init(elev=ax.elev, azim=home, roll=ax.roll)
    projected = np.concatenate(projected)
    projected = projected[np.isfinite(projected).all(axis=1)]
    extent = projected.max(axis=0) - projected.min(axis=0)
    return float(extent[1] / extent[0]) if extent[0] > 0 else 1.0


def place_z_axis(ax, renderer) -> None:
    """Put the z axis on the vertical edge of the box where its labels collide least with the
    x and y axes' labels (seen from high above, the default edge often stacks them)."""
    best = None
    for position in ("lower", "default", "upper"):
        ax.zaxis.set_ticks_position(position)
        ax.zaxis.set_label_position(position)
        _project(ax)
        boxes = {axis: _label_boxes(axis, renderer) for axis in (ax.xaxis, ax.yaxis, ax.zaxis)}
        crowding = sum(_overlap(a, b) for a in boxes[ax.zaxis]
                       for b in boxes[ax.xaxis] + boxes[ax.yaxis])
        if best is None or crowding < best[0] - 1.0:
            best = (crowding, position)
    ax.zaxis.set_ticks_position(best[1])
    ax.zaxis.set_label_position(best[1])


def _label_boxes(axis, renderer) -> list[Bbox]:
    axis.get_tightbbox(renderer)            # places the tick labels for this camera
    low, high = sorted(axis.get_view_interval())
    return [tick.label1.get_window_extent(renderer) for tick in axis.get_major_ticks()
            if tick.label1.get_visible() and tick.label1.get_text()
            and low <= tick.get_loc() <= high] + (
        [axis.label.get_window_extent(renderer)] if axis.label.get_text() else [])


def _overlap(a: Bbox, b: Bbox) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def _project(ax) -> None:
    ax.apply_aspect()
    ax.M = ax.get_proj()
    ax.invM = np.linalg.inv(ax.M)


def drawn_extent(ax, renderer, azim: float, points: np.ndarray | None = None) -> Bbox:
    """The pixels the axes draws with the camera at ``azim``: the box (or ``points``) and,
    when the box is shown, every label."""
    ax.view_init(elev=ax.elev, azim=azim, roll=ax.roll)
    _project(ax)
    corners = _box_corners(ax) if points is None else points
    xs, ys, _ = proj3d.proj_transform(corners[:, 0], corners[:, 1], corners[:, 2], ax.M)
    pixels = ax.transData.transform(np.column_stack([xs, ys]))
    pixels = pixels[np.isfinite(pixels).all(axis=1)]
    parts = [Bbox.from_extents(*pixels.min(axis=0), *pixels.max(axis=0))]
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis) if ax._axis3don else ():
        extent = axis.get_tightbbox(renderer)
        if extent is not None:
            parts.append(extent)
    return Bbox.union(parts)


def thin_ticks(ax, renderer) -> None:
    """As many ticks per axis as its projected edge has room for, at least two."""
    _project(ax)
    height = ax.zaxis.get_ticklabels()[0].get_fontsize() * ax.figure.dpi / 72.0 \
        if ax.zaxis.get_ticklabels() else 10.0
    (x0, x1), (y0, y1), (z0, z1) = ax.get_xlim(), ax.get_ylim(), ax.get_zlim()
    edges = {ax.xaxis: ((x0, y0, z0), (x1, y0, z0)), ax.yaxis: ((x0, y0, z0), (x0, y1, z0)),
             ax.zaxis: ((x0, y0, z0), (x0, y0, z1))}
    for axis, (a, b) in edges.items():
        ends = np.array([a, b], dtype=float)
        xs, ys, _ = proj3d.proj_transform(ends[:, 0], ends[:, 1], ends[:, 2], ax.M)
        pixels = ax.transData.transform(np.column_stack([xs, ys]))
        length = float(np.linalg.norm(pixels[1] - pixels[0]))
        spacing = TICK_SPACING[1 if axis is ax.zaxis else 0] * height
        axis.set_major_locator(ticker.MaxNLocator(nbins=max(1, int(length / spacing)),
                                                  steps=[1, 2, 2.5, 5, 10], min_n_ticks=2))


def _place(ax, centre: np.ndarray, side: float) -> None:
    width, height = ax.figure.bbox.width, ax.figure.bbox.height
    ax.set_position(((centre[0] - side / 2) / width, (centre[1] - side / 2) / height,
                     side / width, side / height))


def _box_corners(ax) -> np.ndarray:
    (x0, x1), (y0, y1), (z0, z1) = ax.get_xlim(), ax.get_ylim(), ax.get_zlim()
    return np.array([(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)])


class LabelsOnTop(Artist):
    """Draws the 3D axes' tick labels again after everything else in it, so a hill rising in
    front of an axis does not hide its numbers (Axes3D draws its axes before its surface).
    Add it to the axes with a zorder above the surface; the labels are where the axes' own
    draw, earlier in the same pass, put them."""

    def __init__(self, ax) -> None:
        super().__init__()
        self._ax = ax

    def draw(self, renderer) -> None:
        for axis in (self._ax.xaxis, self._ax.yaxis, self._ax.zaxis):
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * (high - low)
            for tick in axis.get_major_ticks():
                label = tick.label1   # only the ticks the axis drew this pass were placed
                if label.get_visible() and label.get_text() \
                        and low - slack <= tick.get_loc() <= high + slack:
                    label.draw(renderer)
