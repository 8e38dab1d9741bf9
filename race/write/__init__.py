"""Writers: turn a stream of RGBA frames into a file (or a folder), atomically.

Every writer has the same three verbs: ``write(frame)`` for each (height, width, 4) uint8 frame,
then ``finish()``, or ``abort()`` on failure. The caller writes into a temporary sibling of the
target (``race.atomic.atomic_path``) that replaces the target only after ``finish``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from race.atomic import prepare_folder
from race.errors import RenderError

EXTENSIONS = {".gif": "gif", ".mp4": "mp4", ".webm": "webm", ".png": "png"}
EVEN_SIZE = ("mp4", "webm")   # yuv420p halves the chroma planes: width and height must be even


class Writer(Protocol):
    frames: int

    def write(self, frame: np.ndarray) -> None: ...

    def finish(self) -> None: ...

    def abort(self) -> None: ...


def output_kind(output: str | os.PathLike) -> str:
    """'gif', 'mp4', 'webm', 'png' from the extension; 'folder' for a path without one, ending in
    a separator, or naming an existing folder with another extension. RenderError otherwise."""
    text = os.fspath(output)
    path = Path(text)
    if text.endswith((os.sep, "/")) or not path.suffix:
        return "folder"
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind is None and path.is_dir():
        return "folder"               # an existing folder with a dot in its name
    if kind is None:
        raise RenderError(f"{text}: unknown output extension {path.suffix!r}; use "
                          f"{', '.join(EXTENSIONS)} or a folder name for numbered PNGs")
    return kind


def check_output(output: str | os.PathLike, kind: str, size: tuple[int, int]) -> Path:
    """Everything that can be known before drawing: the size suits the format, the folder
    exists (created if missing) and is writable, a file target is not a folder."""
    path = Path(output)
    width, height = size
    if kind in EVEN_SIZE and (width % 2 or height % 2):
        even = f"{width + width % 2}x{height + height % 2}"
        raise RenderError(f"{path}: {kind.upper()} (yuv420p) needs an even width and height, "
                          f"got {width}x{height}; use render.size {even}")
    prepare_folder(path)
    if kind != "folder" and path.is_dir():
        raise RenderError(f"{path}: is a folder, expected a file name")
    if kind == "folder" and path.exists() and not path.is_dir():
        raise RenderError(f"{path}: is a file, expected a folder for numbered PNGs")
    return path


def open_writer(kind: str, temp: Path, size: tuple[int, int], fps: float, *, loop: bool = True,
                total: int = 0, samples: list[np.ndarray] | None = None) -> Writer:
    """A writer of ``kind`` into ``temp`` (a file, or a folder for 'folder')."""
    width, height = size
    if kind == "mp4":
        from race.write.video import open_mp4
        return open_mp4(temp, width, height, fps)
    if kind == "webm":
        from race.write.video import open_webm
        return open_webm(temp, width, height, fps)
    if kind == "gif":
        from race.write.video import GifWriter
        return GifWriter(temp, width, height, fps, loop=loop, samples=samples or [])
    if kind == "folder":
        from race.write.png import PngFolderWriter
        return PngFolderWriter(temp, total)
    raise RenderError(f"no streaming writer for {kind!r}")
