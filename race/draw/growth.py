"""Lines that only grow (trails, loss curves) drawn once, not from step 0 on every frame.

A trail at step k is the trail at step j < k plus new marks near the points from j to k. The
Stage keeps a second background, ``grown``: the static layers with every growing line as it
stood at the last frame. A frame starts from it; only the box around the new part is repainted
from the static layers, and there the lines are drawn again, in their order, clipped to the
box, each as the pieces of it that come near the box (one path per line, so where a line
crosses itself it is painted once, as when drawn whole). Inside the box that is the full
drawing; outside it nothing changed. Where a moving artist lies under the growing lines (a
racer's squares under the trails), its box is repainted from the static layers, the artist
drawn and the lines drawn again over it, clipped to that box, so the layering stays.

Loss lines (``GrowingLine``) are drawn through every vertex, so a frame is the full drawing to
the pixel. Trails keep matplotlib's path simplification (a trail of 3,000 steps that ends in a
minimum is mostly vertices a hundredth of a pixel apart: simplified, it costs a third); a piece
may be simplified differently from the whole line, by under 1/9 pixel: a few levels of
anti-aliasing on a few hundred pixels of a 1280x720 frame. Lines that do not only grow (fading
trails, whose older parts fade as the race goes on, and trails of a fixed length) are drawn in
full every frame, as before.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

Box = tuple[int, int, int, int]      # pixel rows and columns: (top, bottom, left, right)
# matplotlib simplifies the path of a line of this many vertices or more
SIMPLIFIED_FROM = 128


def first_new(since: int, step: int) -> int:
    """The first step of a simplified line (one vertex per step from 0) to draw again when it
    grows from ``since`` to ``step``: from ``since``, or from 0 when nothing was drawn yet or
    the line just became long enough to be simplified (then it is drawn a little differently
    all along)."""
    if since < 0 or since + 1 < SIMPLIFIED_FROM <= step + 1:
        return 0
    return since


class GrowingLine(Line2D):
    """A Line2D drawn through every one of its vertices.

    matplotlib simplifies the path of a line of 128 vertices or more (dropping vertices less
    than 1/9 pixel off its course), and how depends on the vertices around: the same stretch
    of a trail would come out a little differently drawn whole and drawn as a piece. Drawn
    through every vertex, a piece is exactly the whole line where it is drawn."""

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
        """Draw ``view``'s growing artists for ``step`` and whatever lies under them; return
        the artists left to draw (those above them), or all of ``artists`` if the view has
        none that grow."""
        found = view.growing(self.since, step) if hasattr(view, "growing") else None
        if not found:
            return artists
        ids, new, reach = found
        order = [i for i, a in enumerate(artists) if id(a) in ids]
        if not order or order != list(range(order[0], order[-1] + 1)):
            return artists          # growing lines must be one block of the drawing order
        below = [a for a in artists[:order[0]] if a.get_visible()]
        lines = [artists[i] for i in order]
        ax = view.ax
        clip = _clip_box(lines)
        box = self._pixels(new, clip)
        if box is not None:        # the new part of the lines, kept in the grown background
            self._repaint(pixels, box)
            _clipped(ax, lines, box, self.height, reach)
            top, bottom, left, right = box
            self.grown[top:bottom, left:right] = pixels[top:bottom, left:right]
        if below:                  # under the lines: their box repainted, the lines over them
            renderer = ax.figure.canvas.get_renderer()
            extents = [e for e in (_extent(a, renderer) for a in below) if e is not None]
            box = self._pixels(Bbox.union(extents), clip, margin=2) if extents else None
            if box is not None:
                self._repaint(pixels, box)
                for artist in below:
                    ax.draw_artist(artist)
                _clipped(ax, lines, box, self.height, reach)
        return artists[order[-1] + 1:]

    def advance(self, step: int) -> None:
        """The grown background now holds the lines at ``step``."""
        self.since = max(self.since, step)

    def _repaint(self, pixels: np.ndarray, box: Box) -> None:
        top, bottom, left, right = box
        pixels[top:bottom, left:right] = self.static[top:bottom, left:right]

    def _pixels(self, box: Bbox | None, clip: Bbox | None, margin: float = 0.0) -> Box | None:
        """Whole pixels covering the display ``box``, within the lines' clip box as Agg rounds
        it (so clipping to the result clips nothing the lines would have shown) and the frame;
        None if empty."""
        if box is None or not np.isfinite(box.extents).all():
            return None
        box = box.padded(margin)
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


def _extent(artist: Artist, renderer) -> Bbox | None:
    """Where ``artist`` draws, in display pixels (a collection's paths, as drawn, padded by its
    line width); None if nowhere."""
    paths = getattr(artist, "get_paths", None)
    offsets = np.asarray(getattr(artist, "get_offsets", lambda: np.zeros((1, 2)))())
    if paths is not None and not offsets.any():      # a collection placed by its transform
        points = [p.vertices for p in paths() if len(p.vertices)]
        if not points:
            return None
        with np.errstate(all="ignore"):
            shown = artist.get_transform().transform(np.concatenate(points))
        shown = shown[np.isfinite(shown).all(axis=1)]
        if not len(shown):
            return None
        widths = artist.get_linewidth() if hasattr(artist, "get_linewidth") else [0.0]
        reach = reach_pixels(artist.axes, float(np.max(widths, initial=0.0))) / 2
        (x0, y0), (x1, y1) = shown.min(axis=0), shown.max(axis=0)
        return Bbox.from_extents(x0 - reach, y0 - reach, x1 + reach, y1 + reach)
    box = artist.get_window_extent(renderer)
    return box if np.isfinite(box.extents).all() and box.width >= 0 else None


def _clip_box(artists: list[Artist]) -> Bbox | None:
    """The display box the lines are clipped to (their axes'), or None if they are not."""
    first = artists[0]
    if not first.get_clip_on() or first.get_clip_box() is None:
        return None
    return first.get_clip_box()


def _clipped(ax, artists: list[Artist], box: Box, height: int, reach: float) -> None:
    """Draw ``artists`` with Agg clipped to the pixel ``box`` (whole pixels: Agg rounds).

    A line is drawn as only its pieces that come within ``reach`` pixels of the box (NaN
    between them, so they stay one path: strokes that cross are painted once, as in the whole
    line): Agg would otherwise trace every vertex of a long trail to paint a few pixels. A
    piece ends beyond the box by more than the line reaches, so its end caps stay outside."""
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
        meets = np.array([box.x0 <= sx[0] <= box.x1 and box.y0 <= sy[0] <= box.y1])
        keep = meets
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
    px = np.insert(x[index], breaks, np.nan)
    py = np.insert(y[index], breaks, np.nan)
    return px, py


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
