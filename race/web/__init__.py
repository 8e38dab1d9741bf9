"""Documents that wrap a rendered race: a self-contained HTML page, a PowerPoint slide, the
notebook display, and the snippets that embed an output elsewhere.

``animation_html`` (race.web.fragment) is the one place that turns a race into embeddable HTML;
the page and the notebook display both use it, for the video and for the interactive player
(race.web.player) alike.
"""

from __future__ import annotations

import os
from pathlib import Path

from race.engine import Race


def write_document(race: Race, output: str | os.PathLike, kind: str, *,
                   interactive: bool = False, progress=None) -> Path:
    """Write ``race`` as the document ``kind`` ('html' or 'pptx') to ``output``; an
    ``interactive`` page holds the player instead of the video."""
    if kind == "html":
        from race.web.page import write_page
        return write_page(race, output, interactive=interactive, progress=progress)
    from race.web.deck import write_deck
    return write_deck(race, output, progress=progress)
