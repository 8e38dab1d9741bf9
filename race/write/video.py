"""Video encoders: H.264 MP4, VP9 WebM, ProRes MOV and GIF, all streamed through the bundled
ffmpeg.

MP4: libx264, yuv420p (plays everywhere, so width and height must be even), ``+faststart`` so
browsers start playing before the download ends, ``-tune animation`` for flat colours (with 3
B-frames and a diamond motion search: less CPU, the same quality; see ``MP4_X264``).
WebM: libvpx-vp9 in constant-quality mode, row-multithreaded; yuva420p when the frames are
transparent (browsers play VP9 with alpha over the page).
MOV: ProRes 4444 (10-bit, with alpha when transparent): what Keynote, PowerPoint on macOS and
video editors import without a loss.
GIF: one global palette, built before streaming from a few sample frames (the static map, the
racers early and late), then ``paletteuse`` without dithering so unchanged pixels stay identical
from frame to frame and ffmpeg's GIF encoder stores only the changed rectangle of each frame.
Frames are never held in memory: each is piped to ffmpeg as it is drawn.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from race.write.ffmpeg import FFmpegPipe, FolderPipe, path_arg, raw_input_args, run_ffmpeg

MP4_CRF = 20
MP4_PRESET = "veryfast"
MP4_TUNE = "animation"
# Over tune animation's 5 B-frames and hexagon search: 3 and a diamond search. Measured with
# `race bench` (its H.264 table): x264 CPU -15% on an orbiting 3D camera, -4 to -6% on 2D
# frames, SSIM +0.3 to +0.5 dB, files +0 to +7%.
MP4_X264 = ("me=dia", "bframes=3")
WEBM_CRF = 36
GIF_COLORS = 256


def mp4_args(output: Path, x264: tuple[str, ...] = ()) -> list[str]:
    """libx264 in yuv420p, faststart; ``x264`` adds x264 options (key=value)."""
    return ["-an", "-c:v", "libx264", "-preset", MP4_PRESET, "-tune", MP4_TUNE,
            "-crf", str(MP4_CRF), "-x264-params", ":".join(MP4_X264 + tuple(x264)),
            "-pix_fmt", "yuv420p", "-movflags", "+faststart",
            "-fps_mode", "passthrough", "-f", "mp4", path_arg(output)]


def webm_args(output: Path, alpha: bool = False) -> list[str]:
    return ["-an", "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", str(WEBM_CRF),
            "-deadline", "realtime", "-cpu-used", "6", "-row-mt", "1", "-tile-columns", "2",
            "-threads", "2", "-pix_fmt", "yuva420p" if alpha else "yuv420p",
            "-fps_mode", "passthrough", "-f", "webm", path_arg(output)]


def mov_args(output: Path, alpha: bool = False) -> list[str]:
    return ["-an", "-c:v", "prores_ks", "-profile:v", "4444", "-vendor", "apl0",
            "-pix_fmt", "yuva444p10le" if alpha else "yuv444p10le",
            "-fps_mode", "passthrough", "-f", "mov", path_arg(output)]


def open_mp4(output: Path, width: int, height: int, fps: float) -> FFmpegPipe:
    return FFmpegPipe(width, height, fps, mp4_args(output), what="H.264 encoder (ffmpeg)")


def open_webm(output: Path, width: int, height: int, fps: float,
              alpha: bool = False) -> FFmpegPipe:
    return FFmpegPipe(width, height, fps, webm_args(output, alpha), what="VP9 encoder (ffmpeg)")


def open_mov(output: Path, width: int, height: int, fps: float,
             alpha: bool = False) -> FFmpegPipe:
    return FFmpegPipe(width, height, fps, mov_args(output, alpha),
                      what="ProRes encoder (ffmpeg)")


class GifWriter(FolderPipe):
    """A streaming GIF: palette from ``samples`` first, then frames piped to ffmpeg."""

    def __init__(self, output: Path, width: int, height: int, fps: float, *, loop: bool,
                 samples: list[np.ndarray]) -> None:
        self.output, self.width, self.height, self.fps = output, width, height, fps
        self.loop, self.samples = loop, samples
        super().__init__("race-gif-")

    def start(self, folder: Path) -> FFmpegPipe:
        palette = folder / "palette.png"
        build_palette(self.samples, self.width, self.height, palette)
        args = ["-i", path_arg(palette), *gif_args(self.output, self.loop)]
        return FFmpegPipe(self.width, self.height, self.fps, args, what="GIF encoder (ffmpeg)")


def gif_args(output: Path, loop: bool, frames_filter: str = "") -> list[str]:
    """Map the frames (input 0, through ``frames_filter`` if given) onto the palette (input 1)
    without dithering, storing only each frame's changed rectangle."""
    chain = f"[0:v]{frames_filter}[frames];[frames]" if frames_filter else "[0:v]"
    return ["-lavfi", f"{chain}[1:v]paletteuse=dither=none:diff_mode=rectangle",
            "-fps_mode", "passthrough", "-loop", "0" if loop else "-1",
            "-f", "gif", path_arg(output)]


def palette_filter(colors: int = GIF_COLORS) -> str:
    """ffmpeg's palettegen with one transparent slot reserved for the encoder's
    unchanged-pixel trick."""
    return f"palettegen=max_colors={colors}:reserve_transparent=1:stats_mode=full"


def build_palette(samples: list[np.ndarray], width: int, height: int, palette: Path,
                  colors: int = GIF_COLORS) -> None:
    """ffmpeg's palettegen over the sample frames (written to a raw file)."""
    raw = palette.with_suffix(".rgba")
    with open(raw, "wb") as out:
        for sample in samples:
            out.write(np.ascontiguousarray(sample, dtype=np.uint8).tobytes())
    run_ffmpeg([*raw_input_args(width, height, 1)[:-2], "-i", path_arg(raw),
                "-vf", palette_filter(colors),
                "-frames:v", "1", "-update", "1", path_arg(palette)], "GIF palette (ffmpeg)")
    raw.unlink()
