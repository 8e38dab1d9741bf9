"""PNG output: a single still, or a folder of numbered frames compressed on two threads."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

PNG_LEVEL = 6          # zlib level for stills
FOLDER_PNG_LEVEL = 3   # frames: a bit bigger, much faster
IN_FLIGHT = 6          # frames waiting for compression at most


def write_png(frame: np.ndarray, path: Path, level: int = PNG_LEVEL) -> None:
    """Write an (h, w, 3) RGB or (h, w, 4) RGBA frame as a PNG of that mode."""
    image = Image.fromarray(np.ascontiguousarray(frame))
    image.save(path, format="PNG", compress_level=level)


def frame_name(index: int, total: int) -> str:
    return f"frame_{index:0{max(5, len(str(max(total - 1, 0))))}d}.png"


class PngFolderWriter:
    """Numbered PNGs ``frame_00000.png``... in ``folder``; Pillow's zlib runs off the GIL, so two
    threads compress while the caller draws."""

    def __init__(self, folder: Path, total: int, alpha: bool = False) -> None:
        self.folder, self.total = Path(folder), total
        self.channels = 4 if alpha else 3      # RGBA only when the background is transparent
        self.folder.mkdir(parents=True, exist_ok=True)
        self.frames = 0
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="race-png")
        self._pending: list[Future] = []

    def write(self, frame: np.ndarray) -> None:
        copy = np.array(frame[..., :self.channels])  # the canvas buffer is reused next frame
        path = self.folder / frame_name(self.frames, self.total)
        self._pending.append(self._pool.submit(write_png, copy, path, FOLDER_PNG_LEVEL))
        self.frames += 1
        if len(self._pending) >= IN_FLIGHT:
            self._pending.pop(0).result()

    def finish(self) -> None:
        try:
            for future in self._pending:
                future.result()
        finally:
            self._pending.clear()
            self._pool.shutdown(wait=True)

    def abort(self) -> None:
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)
