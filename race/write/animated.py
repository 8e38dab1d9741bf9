"""Animated images for the web: WebP and APNG, streamed through the bundled ffmpeg.

WebP: libwebp's lossy mode with its "drawing" tuning (flat colours, sharp edges), full colour
where a GIF has 256, usually several times smaller; yuva420p keeps a transparent background.
APNG: lossless RGB(A) PNG frames in one file (larger, exact), read by every current browser.
Both loop forever unless ``render.loop`` is false.
"""

from __future__ import annotations

from pathlib import Path

from race.write.ffmpeg import FFmpegPipe, path_arg

WEBP_QUALITY = 80


def webp_args(output: Path, *, loop: bool, alpha: bool, quality: int = WEBP_QUALITY,
              frames_filter: str = "") -> list[str]:
    filters = ["-vf", frames_filter] if frames_filter else []
    return [*filters, "-an", "-c:v", "libwebp_anim", "-lossless", "0",
            "-quality", str(quality), "-preset", "drawing", "-compression_level", "4",
            "-pix_fmt", "yuva420p" if alpha else "yuv420p", "-fps_mode", "passthrough",
            "-loop", "0" if loop else "1", "-f", "webp", path_arg(output)]


def apng_args(output: Path, *, loop: bool, alpha: bool) -> list[str]:
    return ["-an", "-c:v", "apng", "-pred", "mixed", "-pix_fmt", "rgba" if alpha else "rgb24",
            "-fps_mode", "passthrough", "-plays", "0" if loop else "1",
            "-f", "apng", path_arg(output)]


def open_webp(output: Path, width: int, height: int, fps: float, *, loop: bool,
              alpha: bool) -> FFmpegPipe:
    return FFmpegPipe(width, height, fps, webp_args(output, loop=loop, alpha=alpha),
                      what="WebP encoder (ffmpeg)")


def open_apng(output: Path, width: int, height: int, fps: float, *, loop: bool,
              alpha: bool) -> FFmpegPipe:
    return FFmpegPipe(width, height, fps, apng_args(output, loop=loop, alpha=alpha),
                      what="APNG encoder (ffmpeg)")
