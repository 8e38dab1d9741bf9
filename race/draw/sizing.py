"""How big text and lines are drawn: they follow the frame's size unless the scene fixes a dpi.

Every size in a frame (fonts, line widths, markers, hatching) is given in points, and a point is
``dpi / 72`` pixels, so one number scales them all. An 800x600 frame is drawn at 100 dpi; a
frame twice as large in both directions at 200 dpi, so text takes the same share of the frame
(a 1920x1080 slide gets 20 px tick labels instead of 11 px). The smaller of the two ratios
decides, so a very wide frame is not given text taller than its height can hold; tiny frames
keep a floor that stays legible.
"""

from __future__ import annotations

REFERENCE_SIZE = (800, 600)   # drawn at REFERENCE_DPI: the look every size is scaled from
REFERENCE_DPI = 100.0
SMALLEST_SCALE = 0.45         # below this, text stops shrinking (a 320x240 thumbnail)


def text_scale(size: tuple[int, int]) -> float:
    """How much larger than in the reference frame text and lines are drawn at ``size``."""
    width, height = size
    scale = min(width / REFERENCE_SIZE[0], height / REFERENCE_SIZE[1])
    return max(scale, SMALLEST_SCALE)


def frame_dpi(size: tuple[int, int], dpi: float | None) -> float:
    """The dpi a frame of ``size`` pixels is drawn at: the scene's ``render.dpi`` when it sets
    one, else the automatic one from ``text_scale``."""
    if dpi is not None:
        return float(dpi)
    return REFERENCE_DPI * text_scale(size)


def figure_inches(size: tuple[int, int], dpi: float) -> tuple[float, float]:
    """The figure size in inches that makes exactly ``size`` pixels at ``dpi`` (a hair over, so
    the canvas never rounds down a pixel when dpi does not divide the size)."""
    return ((size[0] + 1e-3) / dpi, (size[1] + 1e-3) / dpi)
