"""Light and dark colour themes; racer colours must stay readable on both."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from race.colors import to_rgb


@dataclass(frozen=True)
class Theme:
    name: str
    background: str        # figure face colour
    axes: str              # axes face colour (behind the map)
    foreground: str        # text, ticks, spines
    grid: str
    contour_lines: str
    colormap: str          # filled contours / 3D surface when the scene sets none
    surface3d: str         # solid surface colour for the 3D view (the article's yellow)
    wireframe: str
    squares: str           # the accumulated-squared-gradient squares
    diverged: str          # the cross marking where a racer left
    palette: tuple[str, ...]  # racer colours used when a racer sets none (race.draw.palette)
    outline: str = "#111111"          # thin outline that keeps balls and trails readable on any map
    panel: str = "#f4f4f4"            # loss panel face
    minima: str = "#ffffff"           # minimum markers


# Okabe & Ito's eight colour-blind-safe colours, ordered so the first racers get the most
# different ones; on dark maps the dark blue moves back and white takes black's place.
OKABE_ITO_LIGHT = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#56b4e9", "#cc79a7", "#f0e442",
                   "#000000")
OKABE_ITO_DARK = ("#56b4e9", "#e69f00", "#009e73", "#d55e00", "#f0e442", "#cc79a7", "#ffffff",
                  "#0072b2")

LIGHT = Theme(
    name="light", background="#ffffff", axes="#ffffff", foreground="#222222", grid="#dddddd",
    contour_lines="#00000055", colormap="viridis", surface3d="#f2d13a", wireframe="#ffffff",
    squares="#7f7f7f", diverged="#d62728",
    palette=OKABE_ITO_LIGHT,
)

DARK = Theme(
    name="dark", background="#111418", axes="#111418", foreground="#e8e8e8", grid="#333a44",
    contour_lines="#ffffff40", colormap="magma", surface3d="#e0c030", wireframe="#ffffff",
    squares="#b0b0b0", diverged="#ff5555",
    palette=OKABE_ITO_DARK,
    outline="#000000",
    panel="#181c22", minima="#ffffff",
)

THEMES = {theme.name: theme for theme in (LIGHT, DARK)}


def mix(a: str, b: str, t: float) -> tuple[float, float, float]:
    """The colour ``t`` of the way from ``a`` to ``b`` (RGB)."""
    ca, cb = np.array(to_rgb(a)), np.array(to_rgb(b))
    return tuple(float(v) for v in (1 - t) * ca + t * cb)
