"""The H.264 trade: encoder CPU, file size and quality for a few x264 settings, side by side.

The frames are drawn once and each is handed to one ffmpeg per setting at the same time, so
every encoder sees the same frames. Each ffmpeg's CPU time comes from the kernel when it exits
(``FFmpegPipe.cpu_seconds``); the quality is x264's own SSIM of the luma against its input
(``-x264-params ssim=1``), in dB as x264 reports it (higher is better; every 3 dB halves what
is lost). Our setting is the first row; matplotlib's ``FFMpegWriter`` (x264's own defaults,
preset medium, CRF 23) is the last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from race.bench.compare import size_text
from race.engine import Race
from race.write.ffmpeg import FFmpegPipe
from race.write.video import MP4_CRF, MP4_PRESET, MP4_TUNE, MP4_X264, mp4_args

SSIM = re.compile(r"SSIM Mean Y:([0-9.]+) \(([0-9.inf]+)db\)")


@dataclass(frozen=True)
class Setting:
    name: str
    codec: tuple[str, ...]     # the x264 options; the rest is as in our MP4s


SETTINGS = (
    Setting(f"ours: {MP4_PRESET}, CRF {MP4_CRF}, {MP4_TUNE}, {', '.join(MP4_X264)}", ()),
    Setting("superfast, CRF 20, tune animation",
            ("-preset", "superfast", "-tune", "animation", "-crf", "20")),
    Setting("veryfast, CRF 23, tune animation",
            ("-preset", "veryfast", "-tune", "animation", "-crf", "23")),
    Setting("faster, CRF 20, tune animation",
            ("-preset", "faster", "-tune", "animation", "-crf", "20")),
    Setting("x264 defaults (FFMpegWriter): medium, CRF 23", ("-preset", "medium", "-crf", "23")),
)


@dataclass(frozen=True)
class Encoded:
    setting: str
    cpu_ms: float           # encoder CPU per frame (ffmpeg: reading, RGBA -> YUV, x264)
    size: int               # bytes
    ssim_db: float | None


def encoder_table(race: Race, steps: list[int], workdir: Path, *,
                  echo: Callable[[str], None] = print, tick: Callable[[int], None] | None = None,
                  settings: tuple[Setting, ...] = SETTINGS) -> list[Encoded]:
    """Encode our frames of ``steps`` with every setting; print and return the table.
    ``tick(done)`` hears the number of frames encoded so far."""
    from race.draw.stage import Stage

    width, height = (int(v) for v in race.scene.render.size)
    fps = race.scene.render.fps
    pipes, paths = [], []
    stage = Stage(race)
    try:
        for number, setting in enumerate(settings):
            path = Path(workdir) / f"encoder-{number}.mp4"
            paths.append(path)
            pipes.append(FFmpegPipe(width, height, fps, _args(setting, path),
                                    what="encoder trial (ffmpeg)", loglevel="info"))
        for number, step in enumerate(steps):
            frame = stage.frame(step, number / fps)
            for pipe in pipes:
                pipe.write(frame)
            if tick is not None:
                tick(number + 1)
        for pipe in pipes:
            pipe.finish()
    except BaseException:
        for pipe in pipes:
            pipe.abort()
        raise
    finally:
        stage.close()
    rows = []
    echo(f"{'H.264 setting':<52}{'CPU ms/frame':>13}{'size':>10}{'SSIM dB':>9}")
    for setting, pipe, path in zip(settings, pipes, paths):
        found = SSIM.search(pipe.report)
        row = Encoded(setting.name, pipe.cpu_seconds * 1e3 / len(steps), path.stat().st_size,
                      float(found.group(2)) if found and found.group(2) != "inf" else None)
        rows.append(row)
        quality = f"{row.ssim_db:.2f}" if row.ssim_db is not None else "-"
        echo(f"{row.setting:<52}{row.cpu_ms:>13.1f}{size_text(row.size):>10}{quality:>9}")
        path.unlink()
    return rows


def _args(setting: Setting, output: Path) -> list[str]:
    """Our MP4 arguments with the setting's x264 options instead of ours, and x264's SSIM."""
    if not setting.codec:
        return mp4_args(output, x264=("ssim=1",))
    keep = []
    items = iter(mp4_args(output))
    for item in items:
        if item in ("-preset", "-tune", "-crf", "-x264-params"):
            next(items)
            continue
        keep.append(item)
    codec = keep.index("libx264") + 1
    return keep[:codec] + list(setting.codec) + ["-x264-params", "ssim=1"] + keep[codec:]
