"""Snippets that put a rendered race into a blog post, a reveal.js deck, Markdown or Beamer.

``describe_output`` reads what an output holds (size, frames, frame rate) from the file itself;
``snippets`` turns that into the lines to paste. Videos get a poster frame beside them
(``NAME.poster.png``, the last frame), made from the video when it is missing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from race.errors import RenderError

IMAGE_KINDS = ("gif", "webp", "apng", "png")
VIDEO_KINDS = ("mp4", "webm", "mov")
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime"}
FRAME = re.compile(r"^(.*?)(\d+)\.png$")


@dataclass(frozen=True)
class Output:
    path: str                 # as the user will reference it (relative paths stay relative)
    kind: str                 # an output kind of race.write.output_kind
    width: int
    height: int
    fps: float | None = None
    first: str | None = None  # a PNG folder's first and last frame numbers, as in the names
    last: str | None = None
    prefix: str | None = None  # a PNG folder's frame name before the number ('frame_')


def describe_output(path: str, kind: str, *, fps: float | None = None) -> Output:
    """Size and timing of the existing output ``path`` of ``kind``; ``fps`` for a PNG folder
    (its files do not say)."""
    if kind in VIDEO_KINDS:
        import imageio_ffmpeg

        frames = imageio_ffmpeg.read_frames(path)
        try:
            meta = next(frames)
        except (RuntimeError, StopIteration, OSError) as exc:
            raise RenderError(f"{path}: cannot read it as a video: {exc}") from None
        finally:
            frames.close()
        return Output(path, kind, *meta["size"], fps=meta.get("fps"))
    if kind in IMAGE_KINDS:
        width, height = _image_size(Path(path))
        return Output(path, kind, width, height)
    if kind == "folder":
        return _folder(path, fps)
    raise RenderError(f"{path}: a .{kind} is a finished document; race embed takes an "
                      "animation (.gif .webp .apng .mp4 .webm .mov), a .png or a PNG folder")


def _image_size(path: Path) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise RenderError(f"{path}: cannot read it as an image: {exc}") from None


def _folder(path: str, fps: float | None) -> Output:
    frames = sorted(name for name in os.listdir(path) if FRAME.match(name))
    if not frames:
        raise RenderError(f"{path}: no numbered PNG frames (frame_00000.png ...) in it")
    first, last = FRAME.match(frames[0]), FRAME.match(frames[-1])
    width, height = _image_size(Path(path) / frames[0])
    return Output(path, "folder", width, height, fps=fps, first=first.group(2),
                  last=last.group(2), prefix=first.group(1))


def planned_output(scene, path: str, kind: str) -> Output:
    """What rendering ``scene`` to ``path`` will make, for a snippet written before it exists."""
    from race.draw import frame_steps
    from race.write.png import frame_name

    frames = len(frame_steps(scene.render, scene.steps))
    first, last = (FRAME.match(frame_name(i, frames)) for i in (0, frames - 1))
    width, height = (int(v) for v in scene.render.size)
    return Output(path, kind, width, height, fps=scene.render.fps, first=first.group(2),
                  last=last.group(2), prefix=first.group(1))


def poster_path(video: str) -> str:
    """Where a video's poster frame lives: beside it, NAME.poster.png."""
    path = Path(video)
    return str(path.with_name(f"{path.stem}.poster.png"))


def write_poster(video: Path, poster: Path) -> None:
    """The video's last frame as a PNG, written atomically where it may go."""
    from race.write import check_output
    from race.write.ffmpeg import path_arg, run_ffmpeg
    from race.write.target import output_file

    target = check_output(poster, "png", (16, 16), inputs=[video])
    with output_file(target) as temp:
        run_ffmpeg(["-sseof", "-0.5", "-i", path_arg(video), "-update", "1", "-f", "image2",
                    "-c:v", "png", path_arg(temp)], "poster frame (ffmpeg)")


def snippets(output: Output, alt: str, *, width: int | None = None) -> list[tuple[str, str]]:
    """(what it is for, the text to paste) for ``output``."""
    shown = width or output.width
    src, label = escape(output.path, quote=True), escape(alt, quote=True)
    if output.kind == "folder":
        fps = f"{output.fps:g}" if output.fps else "30"
        stem = Path(output.path, output.prefix or "").as_posix()
        return [("LaTeX Beamer (\\usepackage{animate}; frame rate " + fps + " fps)",
                 f"\\animategraphics[autoplay,loop,width=\\linewidth]{{{fps}}}"
                 f"{{{stem}}}{{{output.first}}}{{{output.last}}}")]
    if output.kind in IMAGE_KINDS:
        tag = f'<img src="{src}" width="{shown}" alt="{label}">'
        return [("HTML: a blog post or a reveal.js slide", tag),
                ("Markdown", f"![{_markdown(alt)}]({output.path})")]
    poster = escape(poster_path(output.path), quote=True)
    kind = VIDEO_TYPES[output.kind]
    common = f'width="{shown}" loop muted playsinline poster="{poster}" aria-label="{label}"'
    return [("HTML: a blog post (plays by itself, silently, in a loop)",
             f'<video autoplay {common}><source src="{src}" type="{kind}"></video>'),
            ("reveal.js: plays when the slide is shown",
             f'<video data-autoplay {common}><source src="{src}" type="{kind}"></video>'),
            ("Markdown: the poster, linking to the video (Markdown has no video)",
             f"[![{_markdown(alt)}]({poster_path(output.path)})]({output.path})")]


def _markdown(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")
