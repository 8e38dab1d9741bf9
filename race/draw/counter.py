"""The step counter, pasted from pre-rendered glyphs.

Rendering text is the costliest thing in a blitted frame (FreeType lays out and rasterises every
glyph each time). The counter's string only ever changes in its digits, so each digit is
rendered once at each position over the cached background, and a frame's counter is the blank
counter plus the difference each of its digits makes: a few hundred pixels of numpy per frame.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

CHARACTERS = "0123456789"


class Counter:
    """``step 120/1600`` at a fixed place in the figure, right-aligned digits."""

    def __init__(self, text: Text, steps: int) -> None:
        self.text, self.steps = text, steps
        self.digits = len(str(steps))
        self.sprites: dict[tuple[int, str], np.ndarray] | None = None

    def label(self, step: int) -> str:
        return f"step {step:>{self.digits}d}/{self.steps}"

    def _fill(self, position: int, character: str) -> str:
        field = [" "] * self.digits
        if position >= 0:
            field[position] = character
        return f"step {''.join(field)}/{self.steps}"

    def prepare(self, canvas: FigureCanvasAgg, background) -> None:
        """Render the blank counter and every digit at every position over ``background``."""
        figure = canvas.figure
        renderer = canvas.get_renderer()
        height = int(renderer.height)
        self.text.set_text("step " + "8" * self.digits + f"/{self.steps}")
        box = self.text.get_window_extent(renderer)
        pad = 3
        x0 = max(int(np.floor(box.x0)) - pad, 0)
        x1 = min(int(np.ceil(box.x1)) + pad, int(renderer.width))
        y0 = max(int(np.floor(height - box.y1)) - pad, 0)
        y1 = min(int(np.ceil(height - box.y0)) + pad, height)
        self.region = (slice(y0, y1), slice(x0, x1))

        def shot(string: str) -> np.ndarray:
            canvas.restore_region(background)
            self.text.set_text(string)
            figure.draw_artist(self.text)
            return np.asarray(canvas.buffer_rgba())[self.region].astype(np.int16)

        self.blank = shot(self._fill(-1, ""))
        self.sprites = {}
        for position in range(self.digits):
            for character in CHARACTERS:
                self.sprites[position, character] = shot(self._fill(position, character)) \
                    - self.blank
        canvas.restore_region(background)

    def paste(self, canvas: FigureCanvasAgg, step: int) -> None:
        """Write the counter for ``step`` straight into the canvas buffer."""
        number = f"{step:>{self.digits}d}"
        image = self.blank.copy()
        for position, character in enumerate(number):
            if character != " ":
                image += self.sprites[position, character]
        np.asarray(canvas.buffer_rgba())[self.region] = np.clip(image, 0, 255).astype(np.uint8)
