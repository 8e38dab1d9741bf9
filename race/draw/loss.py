"""The loss-vs-step panel: each racer's loss so far on a log axis, with a marker at the present."""

from __future__ import annotations

import numpy as np
from matplotlib import ticker
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from race.engine import Race
from race.draw.contour import style_axes
from race.draw.growth import MAX_LINES, GrowingLine, points_box, reach_pixels
from race.draw.theme import Theme
from race.draw.scales import live, loss_range


OUTLINE_POINTS = 1.2   # a loss line's outline is this much wider than the line


class LossView:
    """A View (same protocol as the surface views) plotting loss against step.

    The y axis is logarithmic when every loss is positive, else linear (surfaces that go below
    zero, like the saddle). Limits are fixed from the whole run, so nothing rescales while
    the video plays. A log axis spans the range ``scales.loss_range`` picks: a racer that
    goes lower runs out of the bottom, and its marker waits on the bottom edge as a ▼ (one
    that blows up, on the top edge as a ▲). The
    markers are never cut in half by the panel's edge.
    """

    projection = None
    overhang = 5.0      # points a marker on the panel's edge reaches past it (none is cut)

    def __init__(self, ax: Axes, race: Race, theme: Theme, racers: tuple[int, ...]) -> None:
        self.ax, self.race, self.theme, self.racers = ax, race, theme, tuple(racers)
        self.lines: list[tuple[Line2D, int, int]] = []
        self.markers: list[tuple[Line2D, int]] = []

    def draw_static(self) -> None:
        ax, theme = self.ax, self.theme
        steps = self.race.scene.steps
        values = [live(self.race.trajectories[i], self.race.trajectories[i].losses).ravel()
                  for i in self.racers]
        values = np.concatenate(values) if values else np.zeros(0)
        values = values[np.isfinite(values)]
        if values.size and values.min() > 0:
            ax.set_yscale("log")
            starts = np.concatenate([self.race.trajectories[i].losses[0] for i in self.racers])
            starts = starts[np.isfinite(starts)]
            low, high = loss_range(starts if starts.size else values, values)
            if high <= low:
                high = low * 10
            ax.set_ylim(low / 1.6, high * 1.6)
            if high / low < 100:   # under two decades: ticks at 1, 2 and 5 of each decade
                ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_formatter(ticker.NullFormatter())
        elif values.size:          # losses at or below zero: a linear axis
            low, high = values.min(), values.max()
            pad = 0.06 * max(high - low, 1e-12)
            ax.set_ylim(low - pad, high + pad)
        ax.set_xlim(0, max(steps, 1) * 1.02)   # room for the last marker
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        ax.grid(True, color=theme.grid, linewidth=0.6)
        ax.set_axisbelow(True)
        style_axes(ax, theme)
        ax.set_facecolor(theme.panel)
        for i in self.racers:
            trajectory = self.race.trajectories[i]
            n = trajectory.positions.shape[1]
            color = trajectory.racer.color
            width = 1.8 if n == 1 else 0.9
            for j in range(n):
                line = GrowingLine([], [], color=color, linewidth=width, zorder=3)
                line.set_path_effects(_outline(theme, width))
                ax.add_artist(line)
                self.lines.append((line, i, j))
            for shape in ("o", "v", "^"):  # in the panel, under its floor, over its top
                marker = Line2D([], [], linestyle="none", marker=shape,
                                markersize=5 if n > 1 else 7, markerfacecolor=color,
                                markeredgecolor=theme.outline, markeredgewidth=1.0, zorder=4,
                                clip_on=False)
                marker.set_in_layout(False)   # unclipped, but no reason for more room
                ax.add_artist(marker)
                self.markers.append((marker, i))

    def growing(self, since: int, step: int):
        """The loss lines only grow: (their ids, the display box of their part from ``since``
        to ``step``, how many pixels they reach beyond their points), for
        ``race.draw.growth``."""
        if not self.lines or len(self.lines) > MAX_LINES:
            return None
        first = max(since, 0)
        new = [np.stack(np.broadcast_arrays(np.arange(first, step + 1)[:, None],
                                            self.race.trajectories[i].losses[first:step + 1]),
                        axis=-1) for i in self.racers]
        widest = max(line.get_linewidth() for line, _, _ in self.lines) + OUTLINE_POINTS
        reach = reach_pixels(self.ax, widest / 2) + 1.0
        return {id(line) for line, _, _ in self.lines}, points_box(
            self.ax, np.concatenate([n.reshape(-1, 2) for n in new]), reach), reach

    def update(self, step: int) -> list[Artist]:
        moving: list[Artist] = []
        steps = np.arange(step + 1)
        for line, i, j in self.lines:
            losses = self.race.trajectories[i].losses
            line.set_data(steps, losses[:step + 1, j])
            moving.append(line)
        floor, top = self.ax.get_ylim()
        for marker, i in self.markers:
            trajectory = self.race.trajectories[i]
            alive = ~((trajectory.diverged_at >= 0) & (step >= trajectory.diverged_at))
            losses = trajectory.losses[step, alive]
            side = np.where(losses < floor, "v", np.where(losses > top, "^", "o"))
            keep = side == marker.get_marker()
            marker.set_data(np.full(int(keep.sum()), step),
                            np.clip(losses, floor, top)[keep])
            marker.set_visible(bool(keep.any()))   # most of the ▼ and ▲ have nothing to mark
            moving.append(marker)
        return moving


def _outline(theme: Theme, width: float):
    from matplotlib import patheffects
    return [patheffects.Stroke(linewidth=width + OUTLINE_POINTS, foreground=theme.outline,
                               alpha=0.35),
            patheffects.Normal()]
