"""Monospaced text that changes every frame, pasted from glyphs rendered once.

Rendering text is the costliest thing in a blitted frame (FreeType lays out and rasterises every
glyph each time: about a millisecond a string). A panel of numbers that all change every step
would cost more than the rest of the frame. On a face of one colour, though, a monospaced
character looks the same in every cell it is put in, so each character of a small alphabet is
rendered once per colour, as the difference it makes to the face (as ``race.draw.counter`` does
for the step counter's digits), and a field's picture is its blank cells plus the differences
of its characters, placed cell after cell: a few hundred pixels of numpy per field.

Cells are a whole number of pixels wide (the font's advance, rounded), so a string comes out a
fraction of a pixel per character wider or narrower than matplotlib would lay it out.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.transforms import IdentityTransform

MARGIN = 2        # pixels either side of a cell that a glyph's edge may reach into


class Glyphs:
    """The sprites of ``alphabet`` in each of ``colors`` (name -> colour) for ``font``: each
    a (height, cell + 2 MARGIN, 4) int16 difference from the face, made on first use."""

    def __init__(self, figure: Figure, font: FontProperties, colors: dict[str, object],
                 alphabet: str, cell: int, height: int) -> None:
        self.figure, self.font, self.colors = figure, font, colors
        self.alphabet = alphabet
        self.cell, self.height = cell, height
        self.sprites: dict[tuple[str, str], np.ndarray] | None = None

    def rows(self, centre: int) -> slice:
        """The buffer rows of a line of cells centred on figure pixel row ``centre`` (y up)."""
        top = int(self.figure.bbox.height) - centre - self.height // 2
        return slice(top, top + self.height)

    def prepare(self, buffer: np.ndarray, renderer, left: int, centre: int) -> None:
        """Render every sprite over the face at the cell whose left edge is ``left``, then
        put the face back as it was."""
        rows = self.rows(centre)
        columns = slice(left - MARGIN, left + self.cell + MARGIN)
        face = buffer[rows, columns].copy()
        blank = face.astype(np.int16)
        self.sprites = {}
        for name, color in self.colors.items():
            for character in self.alphabet:
                buffer[rows, columns] = face
                if not character.isspace():
                    Text(left, centre, character, color=color, fontproperties=self.font,
                         va="center", ha="left", transform=IdentityTransform(),
                         figure=self.figure).draw(renderer)
                self.sprites[name, character] = buffer[rows, columns].astype(np.int16) - blank
        buffer[rows, columns] = face


class GlyphField(Artist):
    """A field of ``cells`` monospaced characters whose first cell's left edge is ``left`` and
    whose middle is figure pixel row ``centre``; its text, which may change every frame, is
    aligned ``right``, ``left`` or ``center`` in it."""

    def __init__(self, glyphs: Glyphs, left: int, centre: int, cells: int,
                 align: str = "right") -> None:
        super().__init__()
        self.glyphs, self.left, self.centre, self.cells, self.align = \
            glyphs, left, centre, cells, align
        self._text, self._color = "", next(iter(glyphs.colors))
        self.set_in_layout(False)

    def set_text(self, text: str, color: str | None = None) -> None:
        unknown = set(text) - set(self.glyphs.alphabet)
        if unknown or len(text) > self.cells:
            raise ValueError(f"cannot show {text!r} in {self.cells} cells of "
                             f"{self.glyphs.alphabet!r}")
        self._text = text
        if color is not None:
            self._color = color

    def get_text(self) -> str:
        return self._text

    def get_color(self) -> str:
        return self._color

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        glyphs = self.glyphs
        buffer = np.asarray(renderer.buffer_rgba())
        if glyphs.sprites is None:
            glyphs.prepare(buffer, renderer, self.left, self.centre)
        text = {"right": str.rjust, "left": str.ljust, "center": str.center}[self.align](
            self._text, self.cells)
        cell, width = glyphs.cell, glyphs.cell * self.cells + 2 * MARGIN
        rows = glyphs.rows(self.centre)
        columns = slice(self.left - MARGIN, self.left - MARGIN + width)
        image = buffer[rows, columns].astype(np.int16)
        for index, character in enumerate(text):
            if not character.isspace():
                image[:, index * cell:index * cell + cell + 2 * MARGIN] += \
                    glyphs.sprites[self._color, character]
        buffer[rows, columns] = np.clip(image, 0, 255).astype(np.uint8)
