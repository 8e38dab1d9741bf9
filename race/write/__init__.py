"""Writers: turn a stream of RGBA frames into a file (or a folder), atomically.

Every writer has the same three verbs: ``write(frame)`` for each (height, width, 4) uint8 frame,
then ``finish()``, or ``abort()`` on failure. The caller writes into a temporary sibling of the
target (``race.atomic.atomic_path``) that replaces the target only after ``finish``.
"""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path
from typing import Callable, Iterable, Protocol

import numpy as np

from race.atomic import prepare_folder
from race.errors import RenderError
from race.write.target import Target, check_name, file_target, folder_target

EXTENSIONS = {".gif": "gif", ".mp4": "mp4", ".webm": "webm", ".png": "png", ".webp": "webp",
              ".apng": "apng", ".mov": "mov", ".html": "html", ".pptx": "pptx"}
# yuv420p halves the chroma planes: width and height must be even (a page and a slide embed MP4)
EVEN_SIZE = ("mp4", "webm", "html", "pptx")
ALPHA_KINDS = {"png": ".png", "folder": "PNG folders", "webp": ".webp", "apng": ".apng",
               "webm": ".webm", "mov": ".mov"}
BUDGET_KINDS = ("gif", "webp")   # the formats --max-bytes can fit


Report = Callable[[str], None]   # told, in one line, what a writer changed to meet a request


class Writer(Protocol):
    frames: int

    def write(self, frame: np.ndarray) -> None: ...

    def finish(self) -> None: ...

    def abort(self) -> None: ...


def output_kind(output: str | os.PathLike) -> str:
    """'gif', 'mp4', 'webm', 'png' from the extension; 'folder' for a name ending in a separator
    or an existing folder without a known extension; 'gif' for a FIFO or /dev/null named
    without one. RenderError for anything else: an unknown extension, none at all (did you mean
    a folder? end it with /), or only an extension."""
    text = os.fspath(output)
    check_name(text, EXTENSIONS)
    path = Path(text)
    if text.endswith((os.sep, "/")):
        return "folder"
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind is None and path.is_dir():
        return "folder"               # an existing folder, named without the trailing /
    if kind is None and path.exists() and file_target(path).through:  # refuses other devices
        return "gif"                  # /dev/stdout into a pipe, a FIFO, /dev/null
    if not path.suffix:
        raise RenderError(f"{text}: has no extension; name a file ({', '.join(EXTENSIONS)}) "
                          f"or end the name with / for a folder of numbered PNGs: {text}/")
    if kind is None:
        raise RenderError(f"{text}: unknown output extension {path.suffix!r}; use "
                          f"{', '.join(EXTENSIONS)} or a folder name ending in / for "
                          "numbered PNGs")
    return kind


def check_output(output: str | os.PathLike, kind: str, size: tuple[int, int], *,
                 inputs: Iterable = (), frames: int = 0, force: bool = False,
                 create: bool = True) -> Target:
    """Everything that can be known before drawing: the size suits the format, the target is
    somewhere we may write (``race.write.target``), its folder exists (created if missing) and
    is writable; for a folder of ``frames`` frames, that it holds nothing we did not write.
    ``create=False`` only checks (``race validate``): no folder is created."""
    path = Path(output)
    width, height = size
    if kind in EVEN_SIZE and (width % 2 or height % 2):
        even = f"{width + width % 2}x{height + height % 2}"
        raise RenderError(f"{path}: {kind.upper()} (yuv420p) needs an even width and height, "
                          f"got {width}x{height}; use render.size {even}")
    if kind == "folder":
        target = folder_target(path)
        from race.write.folder import check_folder
        from race.write.png import frame_name

        check_folder(target, [frame_name(i, frames) for i in range(frames)], force)
        if create:
            prepare_folder(target.real, shown=path)
        return target
    target = file_target(path, inputs)
    if create and not target.through:
        prepare_folder(target.real, shown=path)
    return target


def check_medium(output: str | os.PathLike, kind: str, *, background: str,
                 max_bytes: int | None) -> None:
    """A transparent background needs a format with alpha; a byte budget a format we can fit."""
    if background == "transparent" and kind not in ALPHA_KINDS:
        raise RenderError(f"{os.fspath(output)}: render.background transparent needs a format "
                          f"with alpha: {', '.join(ALPHA_KINDS.values())}; "
                          f"{_format_name(kind)} has none")
    if kind == "pptx" and find_spec("pptx") is None:
        raise RenderError(f"{os.fspath(output)}: PowerPoint output needs python-pptx: "
                          "pip install 'race[slides]'")
    if max_bytes is not None and kind not in BUDGET_KINDS:
        raise RenderError(f"{os.fspath(output)}: --max-bytes (render.max_bytes) fits .gif and "
                          f".webp files only, not {_format_name(kind)}")


def _format_name(kind: str) -> str:
    return "a PNG folder" if kind == "folder" else f".{kind}"


def open_writer(kind: str, temp: Path, size: tuple[int, int], fps: float, *, loop: bool = True,
                total: int = 0, samples: list[np.ndarray] | None = None, alpha: bool = False,
                max_bytes: int | None = None, report: Report | None = None) -> Writer:
    """A writer of ``kind`` into ``temp`` (a file, or a folder for 'folder'). ``alpha`` keeps
    the frames' transparency; ``max_bytes`` fits a GIF or WebP under that size, telling
    ``report`` what it had to change."""
    width, height = size
    if max_bytes is not None:
        from race.write.budget import BudgetWriter
        return BudgetWriter(kind, temp, width, height, fps, loop=loop, alpha=alpha,
                            max_bytes=max_bytes, report=report, samples=samples)
    if kind == "mp4":
        from race.write.video import open_mp4
        return open_mp4(temp, width, height, fps)
    if kind == "webm":
        from race.write.video import open_webm
        return open_webm(temp, width, height, fps, alpha)
    if kind == "mov":
        from race.write.video import open_mov
        return open_mov(temp, width, height, fps, alpha)
    if kind == "webp":
        from race.write.animated import open_webp
        return open_webp(temp, width, height, fps, loop=loop, alpha=alpha)
    if kind == "apng":
        from race.write.animated import open_apng
        return open_apng(temp, width, height, fps, loop=loop, alpha=alpha)
    if kind == "gif":
        from race.write.video import GifWriter
        return GifWriter(temp, width, height, fps, loop=loop, samples=samples or [])
    if kind == "folder":
        from race.write.png import PngFolderWriter
        return PngFolderWriter(temp, total, alpha)
    raise RenderError(f"no streaming writer for {kind!r}")
