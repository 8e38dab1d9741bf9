"""`race preview`: one frame of a scene, fast, for checking it."""

from __future__ import annotations

from pathlib import Path

import click

from race.cli.app import report_written
from race.cli.options import check_step, render_options, render_overrides, scene_argument


@click.command("preview")
@scene_argument
@click.option("--step", type=int, help="The step to draw (default: the last).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="preview.png",
              show_default=True, help="PNG file to write.")
@render_options
def command(scene: str, step: int | None, output: str, fps: int | None, size: str | None,
            theme: str | None, preset: str | None, max_bytes: str | None,
            overrides: tuple[str, ...]) -> None:
    """Draw one frame of SCENE to a PNG, fast, for checking a scene."""
    from race.api import load_layered, render, simulate
    from race.draw import check_render
    from race.overrides import parse_override

    flags = [parse_override(text, flag)
             for flag, text in render_overrides(overrides, fps, size, theme, preset, max_bytes)]
    loaded = load_layered(scene, flags)
    if Path(output).suffix.lower() != ".png":
        raise click.BadParameter(f"expected a .png file name, got {output!r}",
                                 param_hint="-o/--output")
    check_render(loaded, output)
    if step is not None:
        check_step(step, loaded.steps)
    written = render(simulate(loaded), output, step=step)
    report_written(written)
