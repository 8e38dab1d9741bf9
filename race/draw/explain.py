"""The explainer: one racer's update at the current step, in its own rule's notation.

A panel beside the map (``render.explain: LABEL``) lists, row by row, the quantities the racer's
optimizer computed for update t (the one that brought the ball where it is): the gradient g,
the accumulator (Adagrad's G, RMSProp's v, Adam's m and v with their bias corrections), the
effective step per axis (η), the update Δθ and the point it led to, each for x and for y. The
numbers are the engine's record (``race.engine.Explanation``), computed by the optimizer as it
stepped, never re-derived here. Numbers that changed since update t - 1 are drawn in full ink
with ▲ (larger in size) or ▼ (smaller); those that did not are faded, so Adagrad's η falling
step after step, or a bias correction settling, can be seen at a glance.

The panel's size is measured from its text, at the legend's size scaled with the frame (and
smaller if it would take more than ``MAX_SHARE`` of the frame); the Stage places it like the
loss panel. Only the numbers and the step are drawn per frame, pasted from glyphs rendered
once (``race.draw.glyphs``); the status line under them, which changes a few times a race, is
drawn with the background.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import cbook
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import IdentityTransform

from race.engine import Race, explanation_of
from race.draw.glyphs import GlyphField, Glyphs
from race.draw.theme import Theme, mix

FONT_SIZE = 9.5          # points, before the panel is fitted to the frame
ROW_EM = 1.55            # a row's height
PAD_EM = 0.8             # around the panel's content
GAP_EM = 1.2             # between the notation and the numbers
COLUMN_GAP_EM = 0.9      # between the x and y numbers
NUMBER_CELLS = len("−8.888e−300▲")  # characters a number field holds (4 significant digits)
CLOCK_CELLS = len("t = 1000000")
MAX_SHARE = 0.42         # of the frame's width (beside the map) or height (below it), at most
SMALLEST_SCALE = 0.5     # the panel's text shrinks no further (a thumbnail)
FADE = 0.6               # numbers that did not change are faded this far towards the panel
GROWS, SHRINKS, STILL = "▲", "▼", " "
ABSENT = "–"
ALPHABET = "0123456789.−e∞" + GROWS + SHRINKS + ABSENT + " t="   # what the fields may show
INK, FADED = "ink", "faded"     # a number that changed, and one that did not
KEY = f"{GROWS}{SHRINKS} larger, smaller than at t − 1"


@dataclass(frozen=True)
class Row:
    notation: str          # mathtext
    values: np.ndarray     # (steps+1, 2) per axis or (steps+1,) one number; row t: update t


def number(value: float) -> str:
    """A value to 4 significant digits, with a real minus sign and a short exponent:
    '0.002846', '−1.5', '3.162e−5', '∞' (an accumulator may overflow while the point moves
    on); '–' for a value that does not exist (no update)."""
    if np.isnan(value):
        return ABSENT
    if np.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def parse(text: str) -> float:
    """The float a shown number stands for (the inverse of ``number``, for tests and tools)."""
    text = text.strip(GROWS + SHRINKS + STILL).replace("−", "-").replace("∞", "inf")
    return float(text)      # '–' (no value) raises


def trend(value: float, before: float) -> str:
    """▲ when ``value`` is larger in size than ``before``, ▼ smaller, blank if equal or new."""
    if np.isnan(value) or np.isnan(before) or abs(value) == abs(before):
        return STILL
    return GROWS if abs(value) > abs(before) else SHRINKS


def changed(value: float, before: float) -> bool:
    """Whether a number is new or different from the one before (NaN: none)."""
    if np.isnan(value):
        return False
    return bool(np.isnan(before) or value != before)


class ExplainView:
    """A View (same protocol as the maps) explaining racer ``racers[0]``'s updates.

    ``fit`` (called by the Stage before layout) chooses the text size and ``size`` is then the
    panel's box in pixels; ``draw_static`` runs after the box is placed (``draws_late``).
    """

    projection = None
    draws_late = True

    def __init__(self, ax: Axes, race: Race, theme: Theme, racers: tuple[int, ...]) -> None:
        self.ax, self.race, self.theme = ax, race, theme
        (self.index,) = racers
        trajectory = race.trajectories[self.index]
        explanation = explanation_of(race, self.index)
        self.start = explanation.start
        self.rows = [Row(n, v) for n, v in zip(explanation.notations, explanation.values)]
        self.rows.append(Row(r"$\theta \leftarrow \theta + \Delta\theta$",
                             trajectory.positions[:, self.start]))
        self.trajectory = trajectory
        self.scale = 1.0
        self.size = (1.0, 1.0)
        self.numbers: list[tuple[GlyphField, Row, int | None]] = []
        self.clock: GlyphField | None = None
        self.status: Text | None = None

    # -- size ----------------------------------------------------------------------------------

    def fit(self, renderer: RendererBase, width: float, height: float) -> tuple[float, float]:
        """Choose the text size for a frame region of ``width`` x ``height`` pixels: as set,
        unless the panel would take more than MAX_SHARE of it both across and down."""
        natural = self._measure(renderer, 1.0)
        share = max(MAX_SHARE * width / natural[0], MAX_SHARE * height / natural[1])
        self.scale = max(min(1.0, share), SMALLEST_SCALE)
        self.size = self._measure(renderer, self.scale)
        return self.size

    def _em(self, scale: float) -> float:
        return FONT_SIZE * scale * self.ax.figure.dpi / 72.0

    def _fonts(self, scale: float) -> tuple[FontProperties, FontProperties]:
        size = FONT_SIZE * scale
        return FontProperties(size=size), FontProperties(family="monospace", size=size)

    def _measure(self, renderer: RendererBase, scale: float) -> tuple[float, float]:
        """The panel's (width, height) in pixels at ``scale``; keeps the column positions."""
        em = self._em(scale)
        font, mono = self._fonts(scale)
        notation = max(_width(renderer, row.notation, font) for row in self.rows)
        self._cell = max(int(round(_width(renderer, "0" * 20, mono) / 20)), 1)
        column = self._cell * NUMBER_CELLS
        pad, gap, between = PAD_EM * em, GAP_EM * em, COLUMN_GAP_EM * em
        self._x_right = pad + notation + gap + column      # right edges of the number columns
        self._y_right = self._x_right + between + column
        tallest = max(_height(renderer, row.notation, font) for row in self.rows)
        self._row = max(ROW_EM * em, tallest + 0.45 * em)
        bold = FontProperties(size=FONT_SIZE * scale, weight="bold")
        title = 1.6 * em + _width(renderer, self._title(), bold)
        small = FontProperties(size=FONT_SIZE * scale * 0.85)
        last = self.trajectory.steps
        footer = max(_width(renderer, self._status(t, last, last), small) for t in (0, 1, last))
        width = max(self._y_right, title, footer) + pad
        height = 2 * pad + self._row * (len(self.rows) + 3)
        return float(np.ceil(width)), float(np.ceil(height))

    def _title(self) -> str:
        racer = self.trajectory.racer
        label = self.race.scene.racers[self.index].label
        text = label if label.lower() == racer.optimizer else f"{label} · {racer.optimizer}"
        count = self.trajectory.positions.shape[1]
        return text + (f" · start 1 of {count}" if count > 1 else "")

    # -- drawing -------------------------------------------------------------------------------

    def draw_static(self) -> None:
        """The face, the title, the notation and the column heads; the fields the numbers are
        pasted into, on rows of whole pixels."""
        ax, theme = self.ax, self.theme
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor(theme.panel)
        for spine in ax.spines.values():
            spine.set_color(theme.grid)
        em = self._em(self.scale)
        font, mono = self._fonts(self.scale)
        pad = PAD_EM * em
        ink = theme.foreground
        box = ax.get_window_extent()
        left, top = int(round(box.x0)), int(round(box.y1))

        def centre(line: int) -> int:
            return top - int(round(pad + (line + 0.5) * self._row))

        def text(x: float, line: int, string: str, **style) -> Text:
            return ax.text(left + x, centre(line), string, transform=IdentityTransform(),
                           va="center", clip_on=False,
                           **{"color": ink, "fontproperties": font, **style})

        ball = Line2D([left + pad + 0.45 * em], [centre(0)], transform=IdentityTransform(),
                      marker="o", markersize=7 * self.scale, color=self.trajectory.racer.color,
                      markeredgecolor=theme.outline, markeredgewidth=1.0, linestyle="none")
        ax.add_line(ball)
        text(pad + 1.2 * em, 0, self._title(),
             fontproperties=FontProperties(size=FONT_SIZE * self.scale, weight="bold"))
        column = self._cell * NUMBER_CELLS
        for axis, right in (("x", self._x_right), ("y", self._y_right)):
            text(right - 0.5 * column, 1, axis, ha="center", style="italic")
        height = max(int(self._row) - 1, 1)
        glyphs = Glyphs(ax.figure, mono, {INK: ink, FADED: mix(ink, theme.panel, FADE)},
                        ALPHABET, self._cell, height)
        self.clock = GlyphField(glyphs, left + int(round(pad)), centre(1), CLOCK_CELLS, "left")
        middle = (self._x_right - column + self._y_right) / 2
        self.numbers = []
        for line, row in enumerate(self.rows, start=2):
            text(pad, line, row.notation)
            if row.values.ndim == 1:
                at = left + int(round(middle - column / 2))
                self.numbers.append((GlyphField(glyphs, at, centre(line), NUMBER_CELLS,
                                                "center"), row, None))
            else:
                for axis, right in enumerate((self._x_right, self._y_right)):
                    at = left + int(round(right)) - column
                    self.numbers.append((GlyphField(glyphs, at, centre(line), NUMBER_CELLS),
                                         row, axis))
        self.status = text(pad, len(self.rows) + 2, "", color=mix(ink, theme.panel, 0.3),
                           fontproperties=FontProperties(size=FONT_SIZE * self.scale * 0.85))

    def background_key(self, step: int) -> str:
        """The status line is drawn with the background (it changes a few times a race): it
        is set here, and its text is the key that asks for a new background."""
        t = min(step, self.trajectory.steps)
        status = self._status(t, int(self.trajectory.stopped_at[self.start]),
                              int(self.trajectory.diverged_at[self.start]))
        if self.status is not None:
            self.status.set_text(status)
        return status

    def update(self, step: int) -> list[Artist]:
        t = min(step, self.trajectory.steps)
        self.clock.set_text(f"t = {t}")
        for field, row, axis in self.numbers:
            value = row.values[t] if axis is None else row.values[t, axis]
            before = np.nan if t == 0 else (row.values[t - 1] if axis is None
                                            else row.values[t - 1, axis])
            value, before = float(value), float(before)
            field.set_text(number(value) + trend(value, before),
                           INK if changed(value, before) else FADED)
        return [self.clock, *(field for field, _, _ in self.numbers)]

    def _status(self, t: int, stopped: int, diverged: int) -> str:
        """The line under the numbers: what they show at ``t``, given the step the start
        stopped at and the update it diverged at (-1 for never)."""
        if t == 0:
            return "t = 0: the start, no update yet"
        if 0 <= diverged <= t:
            return f"diverged at t = {diverged}: not applied"
        if 0 <= stopped < t:
            return f"stopped at t = {stopped}: |∇f| < tolerance"
        noise = self.trajectory.racer.gradient_noise
        if noise is not None and noise.std > 0:
            return "g has gradient noise; " + KEY
        return KEY


def _width(renderer: RendererBase, text: str, font: FontProperties) -> float:
    return renderer.get_text_width_height_descent(text, font, ismath=cbook.is_math_text(text))[0]


def _height(renderer: RendererBase, text: str, font: FontProperties) -> float:
    return renderer.get_text_width_height_descent(text, font, ismath=cbook.is_math_text(text))[1]
