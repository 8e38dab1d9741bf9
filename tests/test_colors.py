"""race.colors reads colour strings and colormap names exactly as matplotlib does, without it."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib import colors as mcolors

from race import colors

ODD = ["", " ", "none", "None", "NONE", "C0", "C10", "c0", "C", "C-1", "C1.5", "0.5", " 0.5 ",
       "1", "0", "1.5", "-0.1", "1e-1", "nan", "inf", "0_5", "#fff", "#FFFF", "#12345",
       "#1234567", "#abcdefab", "#abcdefabc", "#ggg", "fff", "b", "B", "k", "w", "bb", "tab:blue",
       "TAB:BLUE", "tab:grey", "tab:gray", "xkcd:sky blue", "XKCD:Sky Blue", "xkcd:grey",
       "xkcd:gray", "xkcd:greyish", "xkcd:grayish", "grey", "Gray", "darkslategrey", "red ",
       "redd", "#00ff00", "white", "(1, 0, 0)"]


def names_in_every_case() -> list[str]:
    names = list(mcolors.get_named_colors_mapping())
    return names + [n.upper() for n in names] + [n.title() for n in names]


def test_a_string_is_a_colour_and_has_the_value_exactly_when_matplotlib_says(monkeypatch):
    monkeypatch.setattr(colors, "_matplotlib_colors", lambda: None)   # our own reading
    wrong = []
    for text in ODD + names_in_every_case():
        expected = mcolors.to_rgba(text) if mcolors.is_color_like(text) else None
        if colors.is_color(text) != (expected is not None) or colors.to_rgba(text) != expected:
            wrong.append((text, colors.to_rgba(text), expected))
    assert not wrong


def test_non_strings_are_not_colours_here():
    for value in (None, 1, 0.5, (1, 0, 0), ["red"], True):
        assert not colors.is_color(value) and colors.to_rgba(value) is None


def test_the_colour_table_is_matplotlibs():
    assert colors.named_colors() == dict(mcolors.get_named_colors_mapping())


def test_the_colormap_names_are_the_ones_matplotlib_registers(monkeypatch):
    registered = set(matplotlib.colormaps)
    table = set(colors.COLORMAPS) | {name + "_r" for name in colors.COLORMAPS}
    assert table == registered, f"update race.colors.COLORMAPS: {sorted(table ^ registered)}"


def test_a_colormap_a_program_registers_is_known_once_matplotlib_is_loaded():
    from matplotlib.colors import ListedColormap

    name = "race_test_stripes"
    matplotlib.colormaps.register(ListedColormap(["#000000", "#ffffff"], name=name))
    try:
        assert name in colors.colormaps()
    finally:
        matplotlib.colormaps.unregister(name)


def test_hex_from_hsv_rounds_as_matplotlib_does():
    for h in np.arange(36) / 36.0:
        for s in (1.0, 0.6):
            for v in (1.0, 0.8, 0.6):
                assert colors.hsv_to_hex(h, s, v) == mcolors.to_hex(mcolors.hsv_to_rgb((h, s, v)))


def test_reading_colours_does_not_import_matplotlib():
    code = ("import sys; from race import colors; "
            "assert colors.is_color('xkcd:sky blue') and colors.to_rgb('C1'); "
            "assert 'viridis' in colors.colormaps(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
