"""Racer colours: every racer a colour of its own, the theme's colour-blind-safe palette first.

A racer the scene gives no colour takes the next palette colour that is clearly unlike every
colour already in the race, the ones the scene chose included (so an automatic orange never sits
beside a user's ``orange``). Past the palette, colours are picked from a wide range of hues and
lightnesses, each the one farthest from every colour taken so far and from the background.
Distances are CIE76 ΔE in CIELAB, where equal numbers look about equally different.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from race import colors as rcolors

# Two colours closer than this (ΔE) are too easily confused for two racers.
DISTINCT = 20.0
# An automatic colour whose lightness (CIELAB L, 0 to 100) is this close to the background's
# would vanish against it.
BACKGROUND_LIGHTNESS = 25.0
_WHITE = np.array([0.95047, 1.0, 1.08883])
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])


def lab(colors: Any) -> np.ndarray:
    """CIELAB (D65) of matplotlib colours (one or a sequence), shape (..., 3)."""
    names = [colors] if isinstance(colors, str) else list(colors)
    rgb = np.array([rcolors.to_rgb(c) for c in names], dtype=np.float64).reshape(-1, 3)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _SRGB_TO_XYZ.T / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]),
                     200 * (f[:, 1] - f[:, 2])], axis=-1)


def delta_e(a: Any, b: Any) -> np.ndarray:
    """Pairwise ΔE between two lists of colours, shape (len(a), len(b))."""
    return np.linalg.norm(lab(a)[:, None, :] - lab(b)[None, :, :], axis=-1)


def racer_colors(wanted: Sequence[Any], palette: Sequence[str], background: str) -> list[str]:
    """A colour for every racer: its own (``wanted[i]``, kept as given) where it names one,
    else an automatic colour distinct from all others and from ``background``."""
    chosen = [w if _is_color(w) else None for w in wanted]
    taken = [c for c in chosen if c is not None]
    queue = list(palette)
    result = []
    for own in chosen:
        if own is not None:
            result.append(str(own))
            continue
        color = _next_from_palette(queue, taken) or _farthest(taken, background)
        taken.append(color)
        result.append(color)
    return result


def _next_from_palette(queue: list[str], taken: list[str]) -> str | None:
    while queue:
        color = queue.pop(0)
        if not taken or delta_e([color], taken).min() >= DISTINCT:
            return color
    return None


def _farthest(taken: list[str], background: str) -> str:
    """The candidate farthest from everything taken, among those that show on ``background``."""
    pool = _candidates()
    pool = pool[np.abs(lab(pool)[:, 0] - lab([background])[0, 0]) >= BACKGROUND_LIGHTNESS]
    distance = delta_e(pool, taken).min(axis=1) if taken else np.ones(len(pool))
    return str(pool[int(np.argmax(distance))])


def _candidates() -> np.ndarray:
    """Hex colours over the hue circle at several saturations and values (fixed order, so the
    choice is the same every run)."""
    hues = np.arange(36) / 36.0
    grid = [(h, s, v) for v in (1.0, 0.8, 0.6) for s in (1.0, 0.6) for h in hues]
    return np.array([rcolors.hsv_to_hex(*c) for c in grid])


def _is_color(value: Any) -> bool:
    return isinstance(value, str) and rcolors.is_color(value)
