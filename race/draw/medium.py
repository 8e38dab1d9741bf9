"""What a medium asks of a laid-out figure: bare axes for a thumbnail, a transparent background
for a slide or a page of its own colour.

Applied once by the Stage after the views drew their static layers and before anything is
cached, so every frame (and every tick label made later, which copies the first tick's
settings) carries it.
"""

from __future__ import annotations

from matplotlib import patheffects
from matplotlib.colors import same_color
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.ticker import NullFormatter

from race.draw.theme import Theme
from race.scene import Render

HALO_POINTS = 2.6      # width of the outline drawn around text and lines on a transparent frame
HALO_ALPHA = 0.85


def apply_medium(figure: Figure, render: Render, theme: Theme) -> None:
    if not render.axes_text:
        hide_axes_text(figure)
    if render.background == "transparent":
        make_transparent(figure, theme)


def hide_axes_text(figure: Figure) -> None:
    """No tick labels and no axis names; the ticks and the map stay."""
    for ax in figure.axes:
        for axis in _axes_of(ax):
            axis.set_major_formatter(NullFormatter())
            axis.set_minor_formatter(NullFormatter())
            axis.label.set_visible(False)
            axis.offsetText.set_visible(False)


def make_transparent(figure: Figure, theme: Theme) -> None:
    """Clear the figure's face and every face painted in the theme's background colour (the
    map's margins, the 3D box's surroundings), and outline text and lines in that colour: dark
    text with a light halo (or light with a dark one) reads on a light slide and a dark one.
    A panel with a face of its own (the loss panel) keeps it."""
    figure.patch.set_facecolor("none")
    for ax in figure.axes:
        if same_color(ax.get_facecolor(), theme.axes):
            ax.set_facecolor("none")
        for axis in _axes_of(ax):
            axis.get_major_ticks()   # make the ticks now; later ones copy the first one
    halo = [patheffects.withStroke(linewidth=HALO_POINTS, foreground=theme.background,
                                   alpha=HALO_ALPHA)]
    for artist in figure.findobj(lambda a: isinstance(a, (Text, Spine))):
        if isinstance(artist, Text) and artist.get_animated():
            # The step counter is pasted from per-digit differences, which overlapping halos
            # would corrupt: it gets a backing box instead, the same for every digit.
            artist.set_bbox(dict(boxstyle="round,pad=0.25", facecolor=theme.background,
                                 edgecolor="none", alpha=HALO_ALPHA))
        else:
            artist.set_path_effects(halo)
    for ax in figure.axes:
        for axis in _axes_of(ax):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                for line in (tick.tick1line, tick.tick2line):
                    line.set_path_effects(halo)
    for legend in figure.legends:
        for line in legend.get_lines():
            width = line.get_linewidth() + HALO_POINTS
            line.set_path_effects([patheffects.withStroke(linewidth=width,
                                                          foreground=theme.background,
                                                          alpha=HALO_ALPHA)])


def _axes_of(ax) -> list:
    names = ("xaxis", "yaxis", "zaxis")
    return [getattr(ax, name) for name in names if hasattr(ax, name)]

