"""Render a race: the whole animation (GIF, MP4, WebM, a PNG folder) or one still.

    render(race, Path("out.mp4"), progress=callback)   # the animation, format from the extension
    render_still(race, Path("frame.png"), step=120)    # one frame
    frame_steps(scene.render, scene.steps)             # the step each video frame shows

Output problems (unknown extension, odd size for H.264, unwritable folder) are reported as
``RenderError`` before anything is drawn. Files are written to a temporary sibling and renamed
over the target only when complete; on any failure (Ctrl-C included) the temporary is removed
and an existing target is left untouched.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from race import limits
from race.signals import interrupts_held, raise_if_terminated
from race.engine import Race
from race.errors import LimitError, RaceError, RenderError
from race.scene import Scene
from race.draw.sampling import drawn
from race.draw.parallel import ParallelFrames, available_workers, wants_parallel
from race.draw.schedule import frame_steps
from race.write import Report, check_medium, check_output, open_writer, output_kind
from race.write.folder import staged_frames
from race.write.target import Target, output_file

Progress = Callable[[int, int], None]
GIF_SAMPLES = 4   # frames the GIF palette is built from, spread over the race

__all__ = ["VIEWS", "check_render", "frame_steps", "render", "render_still"]


def __getattr__(name: str):
    if name == "VIEWS":            # the views import matplotlib: only when asked for
        from race.draw.view import VIEWS

        return VIEWS
    raise AttributeError(f"module 'race.draw' has no attribute {name!r}")


def render(race: Race, output: str | os.PathLike, *, progress: Progress | None = None,
           force: bool = False, report: Report | None = None) -> Path:
    """Render the whole animation of ``race`` to ``output``; returns the path written.

    ``progress(done, total)`` is called after every frame. ``force`` lets a folder output add
    its frames to a folder holding files race did not write (they are never touched).
    ``report(line)`` hears what a byte budget (``render.max_bytes``) made the writer change.
    """
    kind = output_kind(output)
    if kind == "png":
        written = render_still(race, output)
        if progress is not None:
            progress(1, 1)
        return written
    target = check_render(race.scene, output, force=force)
    settings = race.scene.render
    size = (int(settings.size[0]), int(settings.size[1]))
    steps = frame_steps(settings, race.scene.steps)
    from race.draw.stage import Stage

    race = drawn(race)       # a frame shows at most MAX_DRAWN_STARTS starts
    with interrupts_held():   # matplotlib's state must not be cut halfway (see held_frame)
        stage = Stage(race)
    pool = None
    if kind == "folder":
        from race.write.png import frame_name

        names = [frame_name(i, len(steps)) for i in range(len(steps))]
        destination = staged_frames(target, force, names)
    else:
        destination = output_file(target)
    try:
        with errors_naming(target.path), destination as temp:
            samples = None
            if kind == "gif":
                picks = np.unique(np.rint(np.linspace(0, len(steps) - 1, GIF_SAMPLES)))
                samples = [np.array(held_frame(stage, steps[int(i)], int(i) / settings.fps))
                           for i in picks]
            if wants_parallel(stage.views, len(steps)):
                # every frame is a full redraw: two processes draw, before any encoder starts
                pool = ParallelFrames(race, steps, settings.fps, available_workers(),
                                      stage=stage)
                frames = iter(pool)
            else:
                frames = (held_frame(stage, step, number / settings.fps)
                          for number, step in enumerate(steps))
            writer = None
            try:
                with interrupts_held():   # so a Ctrl-C finds the encoder assigned, to abort
                    writer = open_writer(kind, temp, size, settings.fps, loop=settings.loop,
                                         total=len(steps), samples=samples,
                                         alpha=settings.background == "transparent",
                                         max_bytes=settings.max_bytes, report=report)
                for done, frame in enumerate(frames, start=1):
                    raise_if_terminated()
                    writer.write(frame)
                    if progress is not None:
                        progress(done, len(steps))
                writer.finish()
            except BaseException:
                if writer is not None:
                    writer.abort()
                raise
    finally:
        if pool is not None:
            pool.close()
        stage.close()
    return target.path


def check_render(scene: Scene, output: str | os.PathLike, *, force: bool = False,
                 create: bool = True) -> Target:
    """Everything about rendering ``scene`` to ``output`` that can fail before any work: the
    output's type, size and place (``race.write.target``), and the frame limits.
    ``create=False`` creates no folder (for ``race validate``)."""
    kind = output_kind(output)
    settings = scene.render
    size = (int(settings.size[0]), int(settings.size[1]))
    frames = 1 if kind == "png" else len(frame_steps(settings, scene.steps))
    target = check_output(output, kind, size, inputs=[scene.source], frames=frames, force=force,
                          create=create)
    check_medium(output, kind, background=settings.background, max_bytes=settings.max_bytes)
    if kind not in ("png",):
        try:
            limits.check("MAX_FRAMES", frames, "the number of frames")
            limits.check("MAX_VIDEO_PIXELS", frames * size[0] * size[1],
                         "frames x width x height")
        except LimitError as exc:
            hint = "" if settings.duration or settings.steps_per_frame else \
                "; for a shorter video set render.duration (seconds) or render.steps_per_frame"
            raise LimitError(exc.reason + hint, file=scene.source, key="render") from None
    return target


def render_still(race: Race, output: str | os.PathLike, step: int | None = None) -> Path:
    """Draw the frame showing ``step`` (default: the last) to the PNG ``output``."""
    if output_kind(output) != "png":
        raise RenderError(f"{os.fspath(output)}: a still is written as .png")
    target = check_render(race.scene, output)
    last = race.scene.steps
    if step is None:
        step = last
    if not 0 <= step <= last:
        raise RenderError(f"step {step} is outside the race: expected 0 to {last}")
    from race.draw.stage import Stage
    from race.write.png import write_png

    race = drawn(race)       # a frame shows at most MAX_DRAWN_STARTS starts
    with interrupts_held():
        stage = Stage(race)
    try:
        with errors_naming(target.path):
            frame = held_frame(stage, step)
            with output_file(target) as temp:
                channels = 4 if race.scene.render.background == "transparent" else 3
                write_png(frame[..., :channels], temp)
    finally:
        stage.close()
    return target.path


def held_frame(stage, step: int, seconds: float | None = None) -> np.ndarray:
    """``stage.frame`` with Ctrl-C, SIGTERM and SIGHUP held until it returns: an exception
    raised in the middle of matplotlib's drawing (or in a weakref callback it runs) can leave
    a transform half-updated, and the next frame then fails with a misleading error instead
    of the interrupt. A frame takes milliseconds, so the signal still acts at once."""
    with interrupts_held():
        return stage.frame(step, seconds)


@contextmanager
def errors_naming(target: Path) -> Iterator[None]:
    """Failures while drawing or writing ``target`` become one-line RenderErrors led by it."""
    try:
        yield
    except RenderError as exc:
        if str(exc).startswith(f"{target}:"):
            raise
        raise RenderError(f"{target}: {exc}") from exc
    except (KeyboardInterrupt, RaceError):
        raise
    except Exception as exc:
        raise RenderError(f"{target}: {_one_line(exc)}") from exc


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
