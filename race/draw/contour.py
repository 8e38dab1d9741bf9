"""The 2D view: the loss surface as filled contours seen from above, the racers on top of it.

Per racer: a ball at the current point (one per start), the trail so far, and the two squares of
the accumulated squared gradient: the x-square lies along the horizontal through the ball
(hatched with horizontal lines, solid edge), the y-square along the vertical (vertical hatching,
dashed edge); each square's side is proportional to sqrt(accumulated g^2) of its axis, and it
opens downhill (against the sign of that axis's gradient), flipping when the sign flips, as the
original app's squares do and as the 3D view's do. With several starts, only the racer's first
start carries squares unless ``render.squares.starts`` is ``all`` (sixteen pairs of squares
would bury the map). Optional arrows in the racer's colour: the step about to be taken (filled),
the descent direction -grad f (open) and the momentum (pale), all pointing the way they push the
ball, scaled by the round factor the legend names and shortened to end inside the map. A ball
that rolls off the map is marked where it left, by an arrowhead on the edge pointing its way.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import patheffects, ticker
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.transforms import Affine2D

from race.engine import Race, Trajectory
from race.draw import scales
from race.draw.layout import map_shape
from race.draw.theme import Theme, mix

GRID = 300            # surface samples per axis for the contours
FADE_BANDS = 12       # a fading trail is drawn as this many pieces of falling opacity
SQUARE_ALPHA_EDGE = 0.95
EDGE_MARKER = 9.0     # points from the tip of an off-map arrowhead to its base
# how each arrow kind is told apart when several are shown (all in the racer's colour)
ARROW_STYLES = {"step": dict(fill=True, pale=False, width=2.4),
                "gradient": dict(fill=False, pale=False, width=2.4),
                "momentum": dict(fill=True, pale=True, width=1.8)}


def surface_grid(race: Race, resolution: int = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    surface = race.scene.surface
    xs = np.linspace(*surface.xlim, resolution)
    ys = np.linspace(*surface.ylim, resolution)
    x, y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        z = scales.drawable(np.asarray(surface.value(x, y), dtype=np.float64) * np.ones_like(x))
    return x, y, np.ma.masked_invalid(z)


def contour_levels(z: np.ma.MaskedArray, count: int, log: bool):
    """(values to contour, levels, norm): log-spaced levels of ``z - min`` when ``log``."""
    finite = z.compressed()
    if finite.size == 0:
        return z, np.linspace(0.0, 1.0, count), None
    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        high = low + 1.0
    if not log:    # a singularity's huge values are cut off (scales.value_range)
        low, high = scales.value_range(np.ma.getdata(z))
        return z, np.linspace(low, high, count), None
    shifted = z - low
    positive = shifted.compressed()
    positive = positive[positive > 0]
    top = float(high - low)
    bottom = float(np.percentile(positive, 0.5)) if positive.size else top * 1e-6
    bottom = max(bottom, top * 1e-9)
    levels = np.geomspace(bottom, top, count)
    # the minimum itself sits below the lowest level (drawn in the 'under' colour, not a hole)
    return np.ma.maximum(shifted, bottom * 0.5), levels, mcolors.LogNorm(bottom, top)


class ContourView:
    """Filled contours with contour lines, minima marked; the racers drawn over them."""

    projection = None

    def __init__(self, ax: Axes, race: Race, theme: Theme, racers: tuple[int, ...]) -> None:
        self.ax, self.race, self.theme, self.racers = ax, race, theme, tuple(racers)
        self.render = race.scene.render
        self.artists: list[RacerArtists] = []

    # -- static layers ------------------------------------------------------------------------

    def draw_static(self) -> None:
        ax, theme, render = self.ax, self.theme, self.render
        surface = self.race.scene.surface
        x, y, z = surface_grid(self.race)
        values, levels, norm = contour_levels(z, render.levels, surface.log_scale)
        cmap = render.colormap or theme.colormap
        ax.contourf(x, y, values, levels=levels, norm=norm, cmap=cmap, extend="both",
                    zorder=0)
        ax.contour(x, y, values, levels=levels, norm=norm, colors=[theme.contour_lines],
                   linewidths=0.6, zorder=1)
        for mx, my in surface.minima:
            ax.plot([mx], [my], marker="*", markersize=13, color=theme.minima,
                    markeredgecolor=theme.outline, markeredgewidth=0.9, linestyle="none",
                    zorder=2)
        ax.set_xlim(*surface.xlim)
        ax.set_ylim(*surface.ylim)
        if map_shape(surface.xlim, surface.ylim)[1]:
            ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        style_axes(ax, theme)

        square_scales = scales.square_scales(self.race) if render.squares.show else None
        arrows = scales.arrow_scales(self.race)
        trajectories = [self.race.trajectories[i] for i in self.racers]
        many = len(self.racers) > 1 or any(t.positions.shape[1] > 1 for t in trajectories)
        for index, trajectory in zip(self.racers, trajectories):
            self.artists.append(RacerArtists(
                ax, trajectory, theme, render, surface,
                square_scale=square_scales[index] if square_scales else 0.0,
                arrows=arrows, crowded=many))
            # where it started: a small ring, part of the background
            starts = trajectory.positions[0]
            ax.plot(starts[:, 0], starts[:, 1], marker="o", markersize=5, linestyle="none",
                    markerfacecolor="none", markeredgecolor=trajectory.racer.color,
                    markeredgewidth=1.2, zorder=2)

    # -- per frame ----------------------------------------------------------------------------

    def update(self, step: int) -> list[Artist]:
        # pixels per data unit along y over along x, so squares stay square on screen
        (x0, y0), (x1, y1) = self.ax.transData.transform([(0.0, 0.0), (1.0, 1.0)])
        aspect = abs((x1 - x0) / (y1 - y0)) if y1 != y0 else 1.0
        moving: list[Artist] = []
        for racer in self.artists:
            moving.extend(racer.update(step, aspect))
        # one layer at a time across racers: every square under every trail under every ball
        return sorted(moving, key=Artist.get_zorder)


def style_axes(ax: Axes, theme: Theme) -> None:
    ax.set_facecolor(theme.axes)
    # round steps only (no 2.5): short labels that do not run into each other on small panels
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "linear":
            axis.set_major_locator(ticker.MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
    ax.tick_params(colors=theme.foreground, labelsize=8)
    ax.xaxis.label.set_color(theme.foreground)
    ax.yaxis.label.set_color(theme.foreground)
    ax.title.set_color(theme.foreground)
    for spine in ax.spines.values():
        spine.set_color(theme.foreground)
        spine.set_linewidth(0.8)


# the x-square is hatched across (horizontal lines) with a solid edge, the y-square along
# (vertical lines) with a dashed edge; the legend shows the same two
SQUARE_STYLES = (("--", "solid"), ("||", (0, (4, 2))))


class RacerArtists:
    """The moving artists of one racer in a 2D axes, updated in place every frame."""

    def __init__(self, ax: Axes, trajectory: Trajectory, theme: Theme, render, surface, *,
                 square_scale: float, arrows: list[scales.ArrowScale], crowded: bool) -> None:
        self.t = trajectory
        self.render = render
        self.surface = surface
        color = trajectory.racer.color
        n = trajectory.positions.shape[1]
        several = n > 1
        width = render.trail.width * (0.55 if several else 1.0)
        outline = [patheffects.Stroke(linewidth=width + 1.6, foreground=theme.outline,
                                      alpha=0.55), patheffects.Normal()]
        self.trails: list[Artist] = []
        if render.trail.show:
            for _ in range(n):
                if render.trail.fade:
                    # no outline: it cannot fade with the segments and would stay dark
                    trail = LineCollection([], linewidths=width, capstyle="round", zorder=4)
                    trail.set_color(color)
                else:
                    trail = Line2D([], [], color=color, linewidth=width, solid_capstyle="round",
                                   solid_joinstyle="round", zorder=4, path_effects=outline)
                ax.add_artist(trail) if isinstance(trail, Line2D) else ax.add_collection(trail)
                self.trails.append(trail)
        self.rgba = np.array(mcolors.to_rgba(color))
        size = 6.5 if several else (9.5 if not crowded else 9.0)
        self.ball = Line2D([], [], linestyle="none", marker="o", markersize=size,
                           markerfacecolor=color, markeredgecolor=theme.outline,
                           markeredgewidth=1.3, zorder=6)
        ax.add_artist(self.ball)
        self.cross = Line2D([], [], linestyle="none", marker="X", markersize=size + 3,
                            markerfacecolor=theme.diverged, markeredgecolor=theme.outline,
                            markeredgewidth=1.0, zorder=7)
        ax.add_artist(self.cross)
        self.exits = exit_points(trajectory, surface)

        self.square_scale = square_scale
        self.squares: list[PolyCollection] = []
        # which starts carry squares: all, or only the first (one pair stays readable)
        self.square_starts = np.arange(n) < (n if render.squares.starts == "all" else 1)
        if square_scale > 0 and trajectory.accumulators is not None:
            self.sides = downhill(trajectory.gradients)
            face = mcolors.to_rgba(color, render.squares.alpha)
            edge = mcolors.to_rgba(color, SQUARE_ALPHA_EDGE)
            hatch_color = mcolors.to_rgba(color, 0.6)
            for hatch, style in SQUARE_STYLES:
                square = PolyCollection([], facecolors=[face], edgecolors=[edge],
                                        linewidths=1.3, linestyles=[style], hatch=hatch,
                                        hatchcolor=hatch_color, zorder=3)
                square.set_hatch_linewidth(0.6)
                ax.add_collection(square)
                self.squares.append(square)

        self.arrows: list[tuple] = []
        points_to_pixels = ax.figure.dpi / 72
        for arrow in arrows:
            vectors = scales.arrow_vectors(trajectory, arrow.kind)
            if vectors is None or not arrow.factor:
                continue
            style = ARROW_STYLES[arrow.kind]
            tint = mix(color, "#ffffff", 0.45) if style["pale"] else color
            paint = (dict(facecolor=tint, edgecolor=theme.outline, linewidth=0.5)
                     if style["fill"] else dict(facecolor="none", edgecolor=tint, linewidth=1.6))
            origin = trajectory.positions[0]
            quiver = ax.quiver(origin[:, 0], origin[:, 1], np.zeros(n), np.zeros(n),
                               angles="xy", scale_units="xy", scale=1.0, units="dots",
                               width=style["width"] * points_to_pixels, headwidth=3.4,
                               headlength=4.0, headaxislength=3.6, zorder=5, **paint)
            self.arrows.append((quiver, vectors, arrow.factor))

        # an arrowhead on the map's edge for each ball that rolled off it
        self.edges = PolyCollection([], offsets=np.zeros((0, 2)),
                                    offset_transform=ax.transData, facecolors=[color],
                                    edgecolors=[theme.outline], linewidths=1.0, zorder=6)
        self.edges.set_transform(Affine2D().scale(points_to_pixels))
        ax.add_collection(self.edges, autolim=False)
        self.ax = ax

    def update(self, step: int, aspect: float) -> list[Artist]:
        t = self.t
        points = t.positions[step]
        gone = (t.diverged_at >= 0) & (step >= t.diverged_at)
        here = ~gone
        length = self.render.trail.length
        first = 0 if length is None else max(0, step - length)
        for j, trail in enumerate(self.trails):
            path = t.positions[first:step + 1, j]
            if isinstance(trail, Line2D):
                trail.set_data(path[:, 0], path[:, 1])
            else:
                self._fade(trail, path)
        self.ball.set_data(points[here, 0], points[here, 1])
        self.ball.set_visible(bool(here.any()))
        self.cross.set_data(self.exits[gone, 0], self.exits[gone, 1])
        self.cross.set_visible(bool(gone.any()))
        off = here & ~self.surface.contains(points[:, 0], points[:, 1])
        self._mark_edges(points[off])

        moving: list[Artist] = []
        if self.squares:
            sides = self.square_scale * np.sqrt(np.abs(t.accumulators[step]))
            signs = self.sides[step]
            keep = here & self.square_starts
            x, y = points[keep, 0], points[keep, 1]
            sx, sy = sides[keep, 0], sides[keep, 1]
            dx, dy = signs[keep, 0], signs[keep, 1]
            # the x-square: along the horizontal, sx wide in x units, as tall on screen
            hx = sx * aspect
            xs = [np.array([[a, b - h / 2], [a + d * s, b - h / 2], [a + d * s, b + h / 2],
                            [a, b + h / 2]]) for a, b, s, h, d in zip(x, y, sx, hx, dx)]
            # the y-square: along the vertical, sy side in x units, as tall on screen
            hy = sy * aspect
            ys = [np.array([[a - s / 2, b], [a + s / 2, b], [a + s / 2, b + d * h],
                            [a - s / 2, b + d * h]]) for a, b, s, h, d in zip(x, y, sy, hy, dy)]
            self.squares[0].set_verts(xs)
            self.squares[1].set_verts(ys)
            moving.extend(self.squares)
        moving.extend(self.trails)
        surface = self.surface
        for quiver, vectors, factor in self.arrows:
            index = min(step, vectors.shape[0] - 1)
            vec = scales.inside_domain(points, vectors[index] * factor, surface.xlim,
                                       surface.ylim)
            vec[gone] = 0.0
            quiver.set_offsets(np.nan_to_num(points))
            quiver.set_UVC(vec[:, 0], vec[:, 1])
            quiver.set_visible(bool(np.any(vec[here] != 0)))
            moving.append(quiver)
        moving.extend([self.edges, self.ball, self.cross])
        return moving

    def _mark_edges(self, points: np.ndarray) -> None:
        """Arrowheads with their tips on the map's edge where ``points`` (off the map) are
        nearest it, each pointing from there toward its point."""
        surface = self.surface
        finite = np.isfinite(points).all(axis=1)
        points = points[finite]
        edge = np.stack([np.clip(points[:, 0], *surface.xlim),
                         np.clip(points[:, 1], *surface.ylim)], axis=-1)
        if not len(points):
            self.edges.set_visible(False)
            return
        screen = self.ax.transData.transform
        way = screen(points) - screen(edge)
        way /= np.maximum(np.linalg.norm(way, axis=1, keepdims=True), 1e-9)
        across = np.stack([-way[:, 1], way[:, 0]], axis=-1)
        size = EDGE_MARKER
        heads = [np.array([[0.0, 0.0], -size * w + 0.6 * size * a, -0.75 * size * w,
                           -size * w - 0.6 * size * a]) for w, a in zip(way, across)]
        self.edges.set_verts(heads)
        self.edges.set_offsets(edge)
        self.edges.set_visible(True)

    def _fade(self, trail, path: np.ndarray) -> None:
        """The trail in FADE_BANDS consecutive pieces, older pieces more transparent (a few
        polylines per start: thousands of one-segment lines would cost far more to draw)."""
        count = path.shape[0] - 1
        if count < 1:
            trail.set_segments([])
            return
        bands = min(FADE_BANDS, count)
        edges = np.rint(np.linspace(0, count, bands + 1)).astype(int)
        pieces = [path[a:b + 1] for a, b in zip(edges[:-1], edges[1:])]
        colors = np.tile(self.rgba, (bands, 1))
        colors[:, 3] *= np.linspace(0.1, 1.0, bands) if bands > 1 else 1.0
        trail.set_segments(pieces)
        trail.set_color(colors)


def exit_points(trajectory: Trajectory, surface) -> np.ndarray:
    """Where each start was last seen inside the plotted domain before it diverged, (n, 2), so
    its cross is on the map even when it flew far off it (NaN for starts that did not leave)."""
    positions, gone = trajectory.positions, trajectory.diverged_at
    inside = surface.contains(positions[..., 0], positions[..., 1])
    seen = np.where(inside, np.arange(positions.shape[0])[:, None], -1)
    exits = np.full((positions.shape[1], 2), np.nan)
    for j, step in enumerate(gone):
        last = seen[:step + 1, j].max() if step >= 0 else -1
        if last >= 0:
            exits[j] = positions[last, j]
    return exits


def downhill(gradients: np.ndarray) -> np.ndarray:
    """Which way each square opens along its axis, (steps+1, n, 2) of +-1: downhill (-sign g);
    where the gradient is exactly zero (or not finite) the square keeps its previous side."""
    signs = -np.sign(np.nan_to_num(gradients, nan=0.0, posinf=0.0, neginf=0.0))
    for k in range(signs.shape[0]):
        zero = signs[k] == 0
        if zero.any():
            signs[k][zero] = signs[k - 1][zero] if k else 1.0
    return signs


