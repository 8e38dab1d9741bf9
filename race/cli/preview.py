"""`race preview`: one frame of a scene (or a short, small clip), fast, for checking it; with
``--watch``, again every time the scene file is saved."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from race.cli.app import one_line, report_written, say
from race.cli.options import check_step, render_options, render_overrides, scene_argument
from race.errors import RaceError

CLIP_FORMATS = (".gif", ".mp4", ".webm")


@click.command("preview")
@scene_argument
@click.option("--step", type=int, help="The step to draw (default: the last).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write: a .png (default preview.png), or with --clip a .gif, .mp4 "
                   "or .webm (default preview.gif).")
@click.option("--clip", is_flag=True,
              help="A short, small animation (at most 480 pixels wide, 12 fps, 3 s) instead "
                   "of one frame.")
@click.option("--watch", is_flag=True,
              help="Keep running: draw again each time SCENE is saved, one line per refresh; "
                   "an error keeps the last good picture. Ctrl-C stops.")
@render_options
def command(scene: str, step: int | None, output: str | None, clip: bool, watch: bool,
            fps: int | None, size: str | None, theme: str | None, preset: str | None,
            max_bytes: str | None, overrides: tuple[str, ...]) -> None:
    """Draw one frame of SCENE to a PNG (or a short clip with --clip), fast, for checking a
    scene; --watch redraws it whenever the file changes."""
    from race.overrides import parse_override
    from race.scenes import resolve_scene

    flags = [parse_override(text, flag)
             for flag, text in render_overrides(overrides, fps, size, theme, preset, max_bytes)]
    output = output or ("preview.gif" if clip else "preview.png")
    suffix = Path(output).suffix.lower()
    if clip and suffix not in CLIP_FORMATS:
        raise click.BadParameter(f"expected a {', '.join(CLIP_FORMATS)} file name for a clip, "
                                 f"got {output!r}", param_hint="-o/--output")
    if not clip and suffix != ".png":
        raise click.BadParameter(f"expected a .png file name, got {output!r}",
                                 param_hint="-o/--output")
    if clip and step is not None:
        raise click.BadParameter("a clip shows the whole race; --step is for a still",
                                 param_hint="--step")

    source = resolve_scene(scene) if watch else scene

    def draw() -> Path:
        from race.api import load_layered, relayer, render, simulate
        from race.draw import check_render

        loaded = load_layered(source, flags)
        if clip:
            from race.authoring.clip import clip_settings

            loaded = relayer(loaded, {f"render.{key}": value
                                      for key, value in clip_settings(loaded.render).items()})
        check_render(loaded, output)
        if step is not None:
            check_step(step, loaded.steps)
        return render(simulate(loaded), output, step=step)

    if not watch:
        report_written(draw())
        return
    from race.authoring.watch import follow

    follow(source, lambda: _refresh(draw))


def _refresh(draw) -> None:
    """Draw once and print one line: what was written and how long it took, or the error
    (on stderr) with the last good picture left in place."""
    began = time.perf_counter()
    clock = time.strftime("%H:%M:%S")
    try:
        written = draw()
    except RaceError as exc:
        sys.stderr.write(f"{clock} error: {one_line(str(exc))} (the last good picture is "
                         "kept)\n")
        sys.stderr.flush()
        return
    say(f"{clock} wrote {one_line(str(written))} in {time.perf_counter() - began:.2f} s")
