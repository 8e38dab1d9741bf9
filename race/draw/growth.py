"""Lines that only grow (the loss curves) drawn once, not from step 0 on every frame.

A loss line at step k is the line at step j < k plus new marks near its points from j to k.
The Stage keeps a second background, ``grown``: the static layers with every growing line as
it stood at the last frame. A frame starts from it; only the box around the new part is
repainted from the static layers, and there the lines are drawn again, in their order,
clipped to the box, each reduced to the pieces of it that come near the box (NaN between
them: one path per line, so where strokes overlap they are painted once, as when drawn whole).
Inside the box that is the full drawing, outside it nothing changed: a grown frame is the full
one to a level of anti-aliasing. The lines are drawn through every vertex (``GrowingLine``):
matplotlib would simplify a long line, differently whole than in pieces.

Worth it for a few long lines that cost much to draw: 7 loss curves of 3,000 steps on a log
axis took 4 ms a frame drawn whole, 1 ms grown. Not for trails: matplotlib's simplification
already makes a trail that settles into a minimum cheap, cutting it into pieces costs more than
it saves (measured on Beale, Rosenbrock and a noisy scene), and thousands of short lines (a
grid of starts) are cheaper drawn whole; a view with more than ``MAX_LINES`` lines does not
grow them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

Box = tuple[int, int, int, int]      # pixel rows and columns: (top, bottom, left, right)
MAX_LINES = 64


class GrowingLine(Line2D):
    """A Line2D drawn through every one of its vertices.

    matplotlib simplifies the path of a line of 128 vertices or more (dropping vertices less
    than 1/9 pixel off its course), and how depends on the vertices around: the same stretch
    would come out a little differently drawn whole and drawn as a piece. Drawn through every
    vertex, a piece is exactly the whole line where it is drawn."""

    def recache(self, always: bool = False) -> None:
        super().recache(always)
        self.get_path().should_simplify = False
        # A sorted line of over 1,000 points is drawn from a new, simplified path of its
        # visible part (Line2D's private "subslice"); keep the one made here.
        self._subslice = False


class Growing:
    """The grown background of one Stage and the frame-by-frame drawing over it."""

    def __init__(self, height: int, width: int) -> None:
        self.height, self.width = height, width
        self.static: np.ndarray | None = None
        self.grown: np.ndarray | None = None
        self.since = -1                  # the step the grown lines stand at

    def reset(self, pixels: np.ndarray) -> None:
        """The static layers were (re)drawn into ``pixels``: nothing has grown yet."""
        self.static = np.array(pixels)
        self.grown = self.static.copy()
        self.since = -1

    def restore(self, pixels: np.ndarray, step: int) -> None:
        """Start a frame for ``step`` from the grown background (from the static layers when
        the race went back in time)."""
        if step < self.since:
            np.copyto(self.grown, self.static)
            self.since = -1
        np.copyto(pixels, self.grown)

    def draw(self, pixels: np.ndarray, view, artists: list[Artist], step: int) -> list[Artist]:
        """Draw ``view``'s growing lines for ``step``; return the artists left to draw (those
        above them), or all of ``artists`` if the view grows none. Growing lines must come
        first in the drawing order (nothing moving lies under them)."""
        found = view.growing(self.since, step) if hasattr(view, "growing") else None
        if not found:
            return artists
        ids, new, reach = found
        count = 0
        while count < len(artists) and id(artists[count]) in ids:
            count += 1
        if count != len(ids):
            return artists
        lines = artists[:count]
        box = self._pixels(new, _clip_box(lines))
        if box is not None:
            top, bottom, left, right = box
            pixels[top:bottom, left:right] = self.static[top:bottom, left:right]
            _clipped(view.ax, lines, box, self.height, reach)
            self.grown[top:bottom, left:right] = pixels[top:bottom, left:right]
        return artists[count:]

    def advance(self, step: int) -> None:
        """The grown background now holds the lines at ``step``."""
        self.since = max(self.since, step)

    def _pixels(self, box: Bbox | None, clip: Bbox | None) -> Box | None:
        """Whole pixels covering the display ``box``, within the lines' clip box as Agg rounds
        it (so clipping to the result clips nothing the lines would have shown) and the frame;
        None if empty."""
        if box is None or not np.isfinite(box.extents).all():
            return None
        left, right = int(np.floor(box.x0)), int(np.ceil(box.x1))
        top = int(np.floor(self.height - box.y1))
        bottom = int(np.ceil(self.height - box.y0))
        if clip is not None:       # Agg's clip rectangle: each edge to the nearest pixel
            left = max(left, int(np.floor(clip.x0 + 0.5)))
            right = min(right, int(np.floor(clip.x1 + 0.5)))
            top = max(top, int(np.floor(self.height - clip.y1 + 0.5)))
            bottom = min(bottom, int(np.floor(self.height - clip.y0 + 0.5)))
        left, right = max(left, 0), min(right, self.width)
        top, bottom = max(top, 0), min(bottom, self.height)
        if left >= right or top >= bottom:
            return None
        return top, bottom, left, right


def _clip_box(artists: list[Artist]) -> Bbox | None:
    """The display box the lines are clipped to (their axes'), or None if they are not."""
    first = artists[0]
    if not first.get_clip_on() or first.get_clip_box() is None:
        return None
    return first.get_clip_box()


def _clipped(ax, artists: list[Artist], box: Box, height: int, reach: float) -> None:
    """Draw ``artists`` with Agg clipped to the pixel ``box`` (whole pixels: Agg rounds).

    A line is drawn as only its pieces that come within ``reach`` pixels of the box (NaN
    between them, so they stay one path): Agg would otherwise trace every vertex of a long
    line to paint a few pixels. A piece ends beyond the box by more than the line reaches, so
    its end caps stay outside."""
    top, bottom, left, right = box
    clip = Bbox.from_extents(left, height - bottom, right, height - top)
    for artist in artists:
        if not artist.get_visible():
            continue
        old = artist.get_clip_box()
        data = artist.get_data(orig=True) if isinstance(artist, Line2D) else None
        artist.set_clip_box(clip)
        try:
            if data is not None:
                near = _pieces_near(artist, clip.padded(reach))
                if near is None:
                    continue
                artist.set_data(*near)
            ax.draw_artist(artist)
        finally:
            artist.set_clip_box(old)
            if data is not None:
                artist.set_data(*data)


def _pieces_near(line: Line2D, box: Bbox) -> tuple[np.ndarray, np.ndarray] | None:
    """The line's data reduced to the segments whose bounding boxes meet ``box`` (display),
    NaN between runs; None if none does."""
    x, y = (np.asarray(v, dtype=np.float64) for v in line.get_data(orig=True))
    if len(x) == 0:
        return None
    with np.errstate(all="ignore"):
        shown = line.get_transform().transform(np.column_stack([x, y]))
    sx, sy = shown[:, 0], shown[:, 1]
    if len(x) == 1:
        keep = np.array([box.x0 <= sx[0] <= box.x1 and box.y0 <= sy[0] <= box.y1])
    else:
        with np.errstate(invalid="ignore"):
            meets = ((np.fmax(sx[:-1], sx[1:]) >= box.x0) & (np.fmin(sx[:-1], sx[1:]) <= box.x1)
                     & (np.fmax(sy[:-1], sy[1:]) >= box.y0)
                     & (np.fmin(sy[:-1], sy[1:]) <= box.y1))
        keep = np.zeros(len(x), dtype=bool)
        keep[:-1] |= meets
        keep[1:] |= meets
    index = np.flatnonzero(keep)
    if not len(index):
        return None
    breaks = np.flatnonzero(np.diff(index) > 1) + 1          # where a new run starts
    return np.insert(x[index], breaks, np.nan), np.insert(y[index], breaks, np.nan)


def reach_pixels(ax, points: float) -> float:
    """``points`` (line widths) in the figure's pixels."""
    return points * ax.figure.dpi / 72.0


def points_box(ax, xy: np.ndarray, reach: float) -> Bbox | None:
    """The display box around data points ``xy`` (n, 2) (non-finite ones skipped), padded by
    ``reach`` pixels; None if no point is finite."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        return None
    with np.errstate(all="ignore"):
        shown = ax.transData.transform(xy)
    shown = shown[np.isfinite(shown).all(axis=1)]
    if not len(shown):
        return None
    (x0, y0), (x1, y1) = shown.min(axis=0), shown.max(axis=0)
    return Bbox.from_extents(x0 - reach, y0 - reach, x1 + reach, y1 + reach)
