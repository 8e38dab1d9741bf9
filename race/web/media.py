"""The files a document embeds: the race as an H.264 MP4 and its poster frame, rendered into a
temporary folder that is removed when the document is written (or fails)."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from race.engine import Race


@dataclass(frozen=True)
class Media:
    video: Path          # H.264 MP4: plays in every browser and in PowerPoint
    poster: Path         # PNG of the last frame: the whole race at a glance
    width: int
    height: int


@contextmanager
def rendered_media(race: Race, *, progress=None) -> Iterator[Media]:
    from race.draw import render, render_still

    with tempfile.TemporaryDirectory(prefix="race-media-") as folder:
        video = render(race, Path(folder) / "race.mp4", progress=progress)
        poster = render_still(race, Path(folder) / "poster.png")
        width, height = (int(v) for v in race.scene.render.size)
        yield Media(video, poster, width, height)
