"""`race render`: a scene to an animation or a still."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from race.cli.app import DEFAULT_SCENE, report_written
from race.cli.options import check_step, render_options, render_overrides, shipped_source


@click.command("render")
@click.argument("scene", required=False, default=DEFAULT_SCENE, metavar="[SCENE]")
@click.option("-o", "--output", type=click.Path(), help="Output file: .gif .mp4 .webm .png, or a "
              "folder ending in / for numbered PNGs. Default: the scene's output, else "
              "outputs/NAME.gif.")
@click.option("--step", type=int, help="For a .png output: the step to draw (default: the last).")
@click.option("--interactive", is_flag=True, help="For an .html output: a player that scrubs, "
              "pauses, steps, hides racers and shows a ball's numbers, instead of a video.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--force", is_flag=True, help="Write a folder of frames even where the folder "
              "holds other files (they are never touched).")
@render_options
def command(scene: str, output: str | None, step: int | None, interactive: bool, quiet: bool,
            force: bool, fps: int | None, size: str | None, theme: str | None,
            preset: str | None, max_bytes: str | None, overrides: tuple[str, ...]) -> None:
    """Render SCENE to an animation (or a still)."""
    from race.api import default_output, load_layered, render, simulate
    from race.draw import check_render
    from race.overrides import parse_override

    flags = [parse_override(text, flag)
             for flag, text in render_overrides(overrides, fps, size, theme, preset, max_bytes)]
    loaded = load_layered(scene, flags)
    if output is not None and not output.strip():
        raise click.BadParameter("expected a file or folder name, got an empty one",
                                 param_hint="-o/--output")
    target = output or default_output(loaded)     # text: a trailing / means a folder
    check_render(loaded, target, force=force)  # a bad output is refused before simulating
    if step is not None:
        if Path(target).suffix.lower() != ".png":
            raise click.BadParameter("only applies to a .png output", param_hint="--step")
        check_step(step, loaded.steps)
    if interactive and Path(target).suffix.lower() != ".html":
        raise click.BadParameter("only applies to an .html output", param_hint="--interactive")
    race = simulate(loaded)
    with progress_bar(quiet) as progress:
        written = render(race, target, step=step, progress=progress, force=force,
                         report=tell, interactive=interactive)
    report_written(written, shipped_source(scene, loaded.source))


def tell(line: str) -> None:
    """A note on stderr about what the render had to change (a byte budget's compromises)."""
    click.echo(f"race: {line}", err=True)


class progress_bar:
    """A click progress bar on a terminal; silent otherwise or with --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        return self.update if self.enabled else None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="rendering", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
