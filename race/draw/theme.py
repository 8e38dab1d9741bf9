"""Light and dark colour themes; racer colours must stay readable on both."""

from __future__ import annotations

from dataclasses import dataclass


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
    palette: tuple[str, ...]  # racer colours used when a racer sets none
    gradient_arrow: str = "#00b8d4"   # -gradient overlay (cyan, as the original app)
    step_arrow: str = "#222222"       # the step actually taken
    momentum_arrow: str = "#d500f9"   # momentum buffer / first moment (magenta)
    outline: str = "#111111"          # thin outline that keeps balls and trails readable on any map
    panel: str = "#f4f4f4"            # loss panel face
    minima: str = "#ffffff"           # minimum markers


LIGHT = Theme(
    name="light", background="#ffffff", axes="#ffffff", foreground="#222222", grid="#dddddd",
    contour_lines="#00000055", colormap="viridis", surface3d="#f2d13a", wireframe="#ffffff",
    squares="#7f7f7f", diverged="#d62728",
    palette=("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
             "#17becf"),
)

DARK = Theme(
    name="dark", background="#111418", axes="#111418", foreground="#e8e8e8", grid="#333a44",
    contour_lines="#ffffff40", colormap="magma", surface3d="#e0c030", wireframe="#ffffff",
    squares="#b0b0b0", diverged="#ff5555",
    palette=("#4fc3f7", "#ff8a65", "#aed581", "#ffd54f", "#ce93d8", "#f48fb1", "#80cbc4",
             "#ffffff"),
    gradient_arrow="#18ffff", step_arrow="#f5f5f5", momentum_arrow="#ea80fc", outline="#000000",
    panel="#181c22", minima="#ffffff",
)

THEMES = {theme.name: theme for theme in (LIGHT, DARK)}
