"""Fit a GIF or WebP under a byte budget (``render.max_bytes``, ``--max-bytes``).

Frames stream into a lossless master file (FFV1) as they are drawn, so memory stays flat; at
``finish`` the master is encoded with the format's own settings and, while the file is over
budget, again one rung further down a ladder. The ladder spends what a viewer misses least
first: fewer GIF colours or a lower WebP quality, then fewer frames per second down to 12
(motion still reads as motion), then a smaller frame, and only then fewer colours still and
8 fps. A rung that cannot fit, judged from the last measured file (size grows with frames and
pixels; a lower colour count or quality is assumed to save at most LEVEL_SAVING), is skipped
without encoding: each encoding re-reads the whole master. GIF palettes come from the sample
frames the renderer hands every GIF writer, so a rung costs one encoding. The encodings
overwrite the same temporary output, which ``race.atomic`` renames over the target only after
``finish``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from race.errors import RenderError
from race.write.animated import WEBP_QUALITY, webp_args
from race.write.ffmpeg import FFmpegPipe, FolderPipe, path_arg, run_ffmpeg
from race.write.video import GIF_COLORS, build_palette, gif_args, palette_filter

GIF_LEVELS = (GIF_COLORS, 128, 64)          # colours
GIF_LAST_LEVELS = (32, 16)
WEBP_LEVELS = (WEBP_QUALITY, 65, 50, 35)    # libwebp quality
WEBP_LAST_LEVELS = (20, 10)
READABLE_FPS = (20, 15, 12)
SCALES = (0.8, 0.65, 0.5)
LAST_FPS = 8
SKIP_MARGIN = 1.1     # skip a rung predicted to be this many times over the budget
# The most a lower level saves (optimistic: measured on the shipped scenes, 256 -> 64 GIF
# colours saved 11% and WebP quality 80 -> 40 saved 32%).
LEVEL_SAVING = 0.6


@dataclass(frozen=True)
class Rung:
    level: int        # GIF colours or WebP quality
    fps: float
    scale: float

    def size(self, width: int, height: int) -> tuple[int, int]:
        return max(16, round(width * self.scale)), max(16, round(height * self.scale))


def ladder(kind: str, fps: float) -> list[Rung]:
    levels, last_levels = (GIF_LEVELS, GIF_LAST_LEVELS) if kind == "gif" else \
        (WEBP_LEVELS, WEBP_LAST_LEVELS)
    rungs = [Rung(level, fps, 1.0) for level in levels]
    level = levels[-1]
    rungs += [Rung(level, rate, 1.0) for rate in READABLE_FPS if rate < fps]
    slow = min(fps, READABLE_FPS[-1])
    rungs += [Rung(level, slow, scale) for scale in SCALES]
    rungs += [Rung(fewer, slow, SCALES[-1]) for fewer in last_levels]
    if LAST_FPS < slow:
        rungs.append(Rung(last_levels[-1], LAST_FPS, SCALES[-1]))
    return rungs


class BudgetWriter(FolderPipe):
    """A GIF or WebP writer that fits ``output`` under ``max_bytes``; ``report`` hears, in one
    line, what it changed (nothing when the file fitted as it was)."""

    def __init__(self, kind: str, output: Path, width: int, height: int, fps: float, *,
                 loop: bool, alpha: bool, max_bytes: int, report=None,
                 samples: list[np.ndarray] | None = None) -> None:
        if kind not in ("gif", "webp"):
            raise RenderError(f"--max-bytes fits .gif and .webp files only, not .{kind}")
        self.kind, self.output, self.fps = kind, Path(output), fps
        self.width, self.height = width, height
        self.loop, self.alpha, self.max_bytes, self.report = loop, alpha, max_bytes, report
        self.samples = samples or []
        super().__init__("race-fit-")

    def start(self, folder: Path) -> FFmpegPipe:
        self.master = folder / "frames.mkv"
        args = ["-an", "-c:v", "ffv1", "-level", "3", "-slices", "4", "-threads", "2",
                "-pix_fmt", "bgra" if self.alpha else "bgr0", "-fps_mode", "passthrough",
                "-f", "matroska", path_arg(self.master)]
        return FFmpegPipe(self.width, self.height, self.fps, args, what="frame store (ffmpeg)")

    def done(self) -> None:
        self._fit()

    def _fit(self) -> None:
        rungs = ladder(self.kind, self.fps)
        measured: tuple[Rung, int] | None = None
        for index, rung in enumerate(rungs):
            last = index == len(rungs) - 1
            if measured is not None and not last and \
                    self._predicted(rung, *measured) > SKIP_MARGIN * self.max_bytes:
                continue
            size = self._encode(rung)
            if size <= self.max_bytes:
                if index and self.report is not None:
                    self.report(f"{self.output.suffix.lstrip('.').upper()} fitted under "
                                f"{self.max_bytes:,} bytes ({size:,}): {self._changes(rung)}")
                return
            measured = (rung, size)
        raise RenderError(f"cannot fit under {self.max_bytes:,} bytes: the smallest setting "
                          f"({self._describe(rungs[-1])}) gives {measured[1]:,} bytes; allow "
                          "more bytes, or shorten the race (render.duration)")

    def _predicted(self, rung: Rung, known: Rung, size: int) -> float:
        """The least file size to expect at ``rung`` from one measured at ``known``: frames
        times pixels, and at most LEVEL_SAVING from a lower level."""
        saving = LEVEL_SAVING if rung.level != known.level else 1.0
        return size * saving * (rung.fps / known.fps) * (rung.scale / known.scale) ** 2

    def _encode(self, rung: Rung) -> int:
        width, height = rung.size(self.width, self.height)
        steps = []
        if rung.fps < self.fps:
            steps.append(f"fps={rung.fps:g}")
        if rung.scale < 1:
            steps.append(f"scale={width}:{height}:flags=area")
        frames = ",".join(steps)
        source = ["-i", path_arg(self.master)]
        if self.kind == "webp":
            run_ffmpeg([*source, *webp_args(self.output, loop=self.loop, alpha=self.alpha,
                                            quality=rung.level, frames_filter=frames)],
                       "WebP encoder (ffmpeg)")
        else:
            palette = self.folder / "palette.png"
            if self.samples:
                build_palette(self.samples, self.width, self.height, palette, rung.level)
            else:
                chain = f"{frames},{palette_filter(rung.level)}" if frames else \
                    palette_filter(rung.level)
                run_ffmpeg([*source, "-vf", chain, "-frames:v", "1", "-update", "1",
                            path_arg(palette)], "GIF palette (ffmpeg)")
            run_ffmpeg([*source, "-i", path_arg(palette),
                        *gif_args(self.output, self.loop, frames)], "GIF encoder (ffmpeg)")
        return self.output.stat().st_size

    def _describe(self, rung: Rung) -> str:
        level = f"{rung.level} colours" if self.kind == "gif" else f"quality {rung.level}"
        width, height = rung.size(self.width, self.height)
        return f"{level}, {rung.fps:g} fps, {width}x{height}"

    def _changes(self, rung: Rung) -> str:
        first = ladder(self.kind, self.fps)[0]
        unit = "colours" if self.kind == "gif" else "quality"
        changes = [f"{unit} {first.level} -> {rung.level}"] if rung.level != first.level else []
        if rung.fps != self.fps:
            changes.append(f"{self.fps:g} -> {rung.fps:g} fps")
        if rung.scale != 1:
            width, height = rung.size(self.width, self.height)
            changes.append(f"{self.width}x{self.height} -> {width}x{height}")
        return ", ".join(changes)
