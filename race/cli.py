"""The `race` command: parses arguments, calls the library, reports. Nothing else lives here."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from race import __version__
from race.errors import RaceError

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
DEFAULT_SCENE = "article"

EXAMPLES = """
\b
Examples:
  race                                   render the article scene (Adagrad vs RMSProp, 3D)
  race render configs/beale_everything.yaml -o beale.mp4
  race render configs/saddle.yaml --theme dark --set render.fps=24
  race preview configs/rosenbrock.yaml --step 200 -o frame.png
  race simulate configs/adagrad_vs_rmsprop.yaml -o traj.csv
  race list optimizers
"""


def reported(func):
    """Turn the library's typed errors into one line on stderr and an exit status."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except RaceError as exc:
            if debug:
                raise
            click.echo(f"race: error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("race: interrupted; earlier output files were left as they were", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            if debug:
                raise
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            click.echo(f"race: error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)

    return wrapper


def overrides_option(func):
    return click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE",
                        help="Override a scene value, e.g. render.fps=24 or racers[0].lr=0.1. "
                             "Repeatable; flags beat the YAML, which beats the defaults.")(func)


def scene_argument(func):
    return click.argument("scene", required=True, metavar="SCENE")(func)


def load(scene: str, overrides=()):
    from race.loader import load_scene
    from race.scenes import resolve_scene

    return load_scene(resolve_scene(scene), overrides)


@click.group(invoke_without_command=True, epilog=EXAMPLES,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="race")
@click.option("--debug", is_flag=True, help="Show a traceback on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Animate optimizers racing across 2D loss surfaces, exactly as torch.optim steps them.

    SCENE is a YAML file or the name of a shipped scene (see `race list scenes`).
    With no command, renders the article scene into outputs/.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(render, scene=DEFAULT_SCENE)


@main.command()
@scene_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="CSV file to write.")
@overrides_option
@reported
def simulate(scene: str, output: str, overrides: tuple[str, ...]) -> None:
    """Run the race and write every step of every racer to a CSV file."""
    from race.engine import run
    from race.export import write_csv

    race = run(load(scene, overrides))
    write_csv(race, Path(output))
    rows = sum(t.positions.shape[0] * t.positions.shape[1] for t in race.trajectories)
    click.echo(f"wrote {output} ({rows:,} rows)")


@main.command()
@click.argument("scene", required=False, default=DEFAULT_SCENE, metavar="[SCENE]")
@click.option("-o", "--output", type=click.Path(), help="Output file: .gif .mp4 .webm .png, or a "
              "folder for numbered PNGs. Default: the scene's output, else outputs/NAME.gif.")
@click.option("--fps", type=int, help="Frames per second.")
@click.option("--size", metavar="WxH", help="Frame size in pixels, e.g. 1280x720.")
@click.option("--theme", type=click.Choice(["light", "dark"]), help="Colour theme.")
@click.option("--step", type=int, help="For a .png output: the step to draw (default: the last).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@overrides_option
@reported
def render(scene: str, output: str | None, fps: int | None, size: str | None,
           theme: str | None, step: int | None, quiet: bool, overrides: tuple[str, ...]) -> None:
    """Render SCENE to an animation (or a still)."""
    from race.engine import run
    from race.render import check_render, render as render_animation, render_still

    flags = list(overrides)
    if fps is not None:
        flags.append(f"render.fps={fps}")
    if size is not None:
        flags.append(f"render.size={parse_size(size)}")
    if theme is not None:
        flags.append(f"render.theme={theme}")
    loaded = load(scene, flags)
    target = Path(output or loaded.output or f"outputs/{loaded.name}.gif")
    check_render(loaded, target)  # a bad output is refused before the simulation runs
    if step is not None:
        if target.suffix.lower() != ".png":
            raise_bad_option("--step", "only applies to a .png output")
        check_step(step, loaded.steps)
    race = run(loaded)
    if target.suffix.lower() == ".png":
        render_still(race, target, step=step)
    else:
        with progress_bar(quiet) as progress:
            render_animation(race, target, progress=progress)
    click.echo(f"wrote {target}")


@main.command()
@scene_argument
@click.option("--step", type=int, help="The step to draw (default: the last).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="preview.png",
              show_default=True, help="PNG file to write.")
@overrides_option
@reported
def preview(scene: str, step: int | None, output: str, overrides: tuple[str, ...]) -> None:
    """Draw one frame of SCENE to a PNG, fast, for checking a scene."""
    from race.engine import run
    from race.render import check_render, render_still

    loaded = load(scene, overrides)
    check_render(loaded, output)
    if step is not None:
        check_step(step, loaded.steps)
    render_still(run(loaded), Path(output), step=step)
    click.echo(f"wrote {output}")


@main.command()
@scene_argument
@overrides_option
@reported
def validate(scene: str, overrides: tuple[str, ...]) -> None:
    """Check SCENE without running it; exit 0 if it is valid."""
    loaded = load(scene, overrides)
    racers = ", ".join(f"{r.label} ({r.optimizer})" for r in loaded.racers)
    click.echo(f"{loaded.source}: ok: {loaded.title!r}, {loaded.surface.name}, "
               f"{loaded.steps} steps, racers: {racers}")


@main.command(name="list")
@click.argument("what", type=click.Choice(["optimizers", "surfaces", "scenes", "render-keys"]))
def list_(what: str) -> None:
    """List the optimizers (with torch defaults), surfaces (with formulas), shipped scenes, or
    every `render` key of a scene file."""
    from race import catalog

    click.echo(catalog.describe(what))


@main.command()
@click.argument("scene", required=False, default="bench_beale", metavar="[SCENE]")
@click.option("--format", "formats", type=click.Choice(["mp4", "gif", "webm"]), multiple=True,
              help="Formats to compare (default: mp4 and gif).")
@click.option("--frames", type=int, default=300, show_default=True, help="Frames to render.")
@click.option("--size", default="800x600", show_default=True, metavar="WxH")
@click.option("--workdir", type=click.Path(file_okay=False), default="outputs/bench",
              show_default=True, help="Where the benchmark's files are written.")
@click.option("--breakdown", is_flag=True,
              help="Also time our static layers, blitted and fully redrawn frames.")
@click.option("--engine", is_flag=True,
              help="Time the simulation instead: 10,000 starts x 1,000 steps per optimizer.")
@reported
def bench(scene: str, formats: tuple[str, ...], frames: int, size: str, workdir: str,
          breakdown: bool, engine: bool) -> None:
    """Time our renderer against the naive FuncAnimation + Animation.save route on SCENE
    (default: Beale, 3 racers), both in the same run, and print the ratio."""
    from race.bench import benchmark, engine_benchmark

    if engine:
        engine_benchmark(echo=click.echo)
        return
    width, height = parse_size(size)
    Path(workdir).mkdir(parents=True, exist_ok=True)
    benchmark(load(scene), formats=formats or ("mp4", "gif"), frames=frames,
              size=(width, height), workdir=Path(workdir), echo=click.echo, breakdown=breakdown)


def parse_size(text: str) -> list[int]:
    parts = text.lower().replace(" ", "").split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise_bad_option("--size", f"expected WIDTHxHEIGHT like 800x600, got {text!r}")
    return [int(parts[0]), int(parts[1])]


def check_step(step: int, steps: int) -> None:
    if not 0 <= step <= steps:
        raise_bad_option("--step", f"expected 0 to {steps}, got {step}")


def raise_bad_option(option: str, message: str):
    from race.errors import SceneError

    raise SceneError(f"{option}: {message}")


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
