"""Colour strings and colormap names as matplotlib reads them, without importing matplotlib.

``race validate`` checks every colour and colormap a scene names, and the loader picks the
automatic racer colours from the ones given; importing matplotlib for that costs more than the
rest of validation (about 0.1 s for ``matplotlib.colors``, more for its colormaps). So:

- colour names come from matplotlib's own table, ``matplotlib/_color_data.py``, a plain data
  module read from its file without importing the ``matplotlib`` package (about 2 ms);
- the colormap names matplotlib registers are listed below (each also reversed, ``_r``); a test
  compares both with matplotlib's, so they cannot drift apart unnoticed;
- once matplotlib is imported anyway (drawing, or a notebook that registered a colormap of its
  own, or changed the colour cycle), its answer is used instead.

``to_rgba`` follows ``matplotlib.colors.to_rgba`` for strings: names in any case ('xkcd:sky
blue', 'tab:blue', 'grey' or 'gray'), '#rgb', '#rgba', '#rrggbb', '#rrggbbaa', a grey level
'0.5', 'none', and 'C0', 'C1', ... from the default colour cycle.
"""

from __future__ import annotations

import colorsys
import importlib.util
import re
import sys
from functools import lru_cache
from pathlib import Path

RGBA = tuple[float, float, float, float]

# matplotlib's default colour cycle (rcParams["axes.prop_cycle"]): tab10
DEFAULT_CYCLE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf")
_NTH = re.compile(r"\AC[0-9]+\Z")
_HEX = re.compile(r"#[a-fA-F0-9]+")

# The colormaps matplotlib registers by name (matplotlib.colormaps), without the reversed
# '_r' twins, which every one of them has.
COLORMAPS = (
    "Accent", "Blues", "BrBG", "BuGn", "BuPu", "CMRmap", "Dark2", "GnBu", "Grays", "Greens",
    "Greys", "OrRd", "Oranges", "PRGn", "Paired", "Pastel1", "Pastel2", "PiYG", "PuBu",
    "PuBuGn", "PuOr", "PuRd", "Purples", "RdBu", "RdGy", "RdPu", "RdYlBu", "RdYlGn", "Reds",
    "Set1", "Set2", "Set3", "Spectral", "Wistia", "YlGn", "YlGnBu", "YlOrBr", "YlOrRd",
    "afmhot", "autumn", "berlin", "binary", "bone", "brg", "bwr", "cividis", "cool", "coolwarm",
    "copper", "cubehelix", "flag", "gist_earth", "gist_gray", "gist_grey", "gist_heat",
    "gist_ncar", "gist_rainbow", "gist_stern", "gist_yarg", "gist_yerg", "gnuplot", "gnuplot2",
    "gray", "grey", "hot", "hsv", "inferno", "jet", "magma", "managua", "nipy_spectral",
    "ocean", "okabe_ito", "pink", "plasma", "prism", "rainbow", "seismic", "spring", "summer",
    "tab10", "tab20", "tab20b", "tab20c", "terrain", "turbo", "twilight", "twilight_shifted",
    "vanimo", "viridis", "winter",
)


def _matplotlib_colors():
    """matplotlib.colors if something already imported it, else None."""
    return sys.modules.get("matplotlib.colors")


@lru_cache(maxsize=1)
def named_colors() -> dict[str, object]:
    """matplotlib's name -> colour table (``_colors_full_map``), built as matplotlib builds it
    from ``_color_data``: xkcd (and its 'gray' spellings), CSS4, Tableau (and its 'grey'
    spellings), then the one-letter base colours, later ones winning."""
    data = _color_data()
    names: dict[str, object] = {}
    xkcd = data.XKCD_COLORS
    names.update(xkcd)
    names.update({k.replace("grey", "gray"): v for k, v in xkcd.items() if "grey" in k})
    names.update(data.CSS4_COLORS)
    names.update(data.TABLEAU_COLORS)
    names.update({k.replace("gray", "grey"): v for k, v in data.TABLEAU_COLORS.items()
                  if "gray" in k})
    names.update(data.BASE_COLORS)
    return names


def _color_data():
    """matplotlib's ``_color_data`` module, loaded from its file alone (it imports nothing), so
    the ``matplotlib`` package itself is not imported; through the package if that fails."""
    if "matplotlib._color_data" in sys.modules:
        return sys.modules["matplotlib._color_data"]
    try:
        package = importlib.util.find_spec("matplotlib")
        folder = Path(next(iter(package.submodule_search_locations)))
        spec = importlib.util.spec_from_file_location("race._mpl_color_data",
                                                      folder / "_color_data.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.XKCD_COLORS, module.CSS4_COLORS  # the tables we need are there
        return module
    except (AttributeError, ImportError, OSError, StopIteration, TypeError, SyntaxError):
        from matplotlib import _color_data

        return _color_data


def to_rgba(color: object) -> RGBA | None:
    """The (r, g, b, a) matplotlib draws for the colour string ``color``, or None if it is
    not one (or not a string)."""
    if not isinstance(color, str):
        return None
    loaded = _matplotlib_colors()
    if loaded is not None:
        try:
            return tuple(float(v) for v in loaded.to_rgba(color))
        except (TypeError, ValueError):
            return None
    if _NTH.match(color):
        color = DEFAULT_CYCLE[int(color[1:]) % len(DEFAULT_CYCLE)]
    return _parse(color)


def _parse(text: str) -> RGBA | None:
    """matplotlib's ``_to_rgba_no_colorcycle`` for a string."""
    if text.lower() == "none":
        return (0.0, 0.0, 0.0, 0.0)
    names = named_colors()
    value: object = names.get(text)
    if value is None and len(text) != 1:
        value = names.get(text.lower())
    if value is not None and not isinstance(value, str):     # a base colour: an RGB tuple
        return (*(float(v) for v in value), 1.0)
    text = value if value is not None else text
    if _HEX.fullmatch(text):
        digits = text[1:]
        if len(digits) in (6, 8):
            channels = [n / 0xff for n in bytes.fromhex(digits)]
        elif len(digits) in (3, 4):
            channels = [int(n, 16) / 0xf for n in digits]
        else:
            return None
        return tuple(channels) if len(channels) == 4 else (*channels, 1.0)
    try:
        grey = float(text)
    except ValueError:
        return None
    return (grey, grey, grey, 1.0) if 0 <= grey <= 1 else None


def is_color(value: object) -> bool:
    """True for a string matplotlib reads as a colour."""
    if isinstance(value, str) and _NTH.match(value):
        return True
    return to_rgba(value) is not None


def to_rgb(color: str) -> tuple[float, float, float]:
    """The (r, g, b) of a colour string; ValueError if it is not one."""
    rgba = to_rgba(color)
    if rgba is None:
        raise ValueError(f"not a colour: {color!r}")
    return rgba[:3]


def to_hex(rgb) -> str:
    """'#rrggbb' of an (r, g, b) in [0, 1], rounded as matplotlib rounds."""
    return "#" + "".join(format(round(float(v) * 255), "02x") for v in rgb[:3])


def hsv_to_hex(hue: float, saturation: float, value: float) -> str:
    return to_hex(colorsys.hsv_to_rgb(hue, saturation, value))


def colormaps() -> list[str]:
    """Every colormap name, sorted: matplotlib's registry once it is imported (it holds any
    colormap a program registered), else the names it registers."""
    if "matplotlib.cm" in sys.modules:
        from matplotlib import colormaps as registry

        return sorted(registry)
    return sorted(COLORMAPS + tuple(name + "_r" for name in COLORMAPS))
