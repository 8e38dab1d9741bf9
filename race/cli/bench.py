"""`race bench`: our renderer against the naive matplotlib route, in one run."""

from __future__ import annotations

from pathlib import Path

import click

from race.cli.app import say
from race.cli.options import overrides_option, parse_size

# `--orbit`: the article's scene with its camera turning, as issue 13 measured it
ORBIT = {"scene": "article", "set": ("render.camera.orbit=20",), "frames": 120,
         "size": "800x600", "formats": ("mp4",)}


def _progress(line: str) -> None:
    click.echo(line, err=True)


@click.command("bench")
@click.argument("scene", required=False, default=None, metavar="[SCENE]")
@click.option("--format", "formats", type=click.Choice(["mp4", "gif", "webm"]), multiple=True,
              help="Formats to compare (default: mp4 and gif).")
@click.option("--frames", type=click.IntRange(1, 100_000), default=None,
              help="Frames to render (default 300).")
@click.option("--size", default=None, metavar="WxH", help="Frame size (default 800x600).")
@overrides_option
@click.option("--workdir", type=click.Path(file_okay=False), default="outputs/bench",
              show_default=True, help="Where the benchmark's files are written.")
@click.option("--breakdown", is_flag=True, help="Also time the parts of our frames.")
@click.option("--encoders/--no-encoders", default=True, show_default=True,
              help="With mp4: CPU, size and quality of a few H.264 settings on our frames.")
@click.option("--orbit", is_flag=True,
              help="The article scene with an orbiting camera (orbit 20), 120 frames at "
                   "800x600, mp4, with the breakdown; other options still apply.")
@click.option("--engine", is_flag=True,
              help="Time the simulation instead: 10,000 starts x 1,000 steps per optimizer.")
@click.option("--limits", "at_limits", is_flag=True,
              help="Time and peak memory of scenes at the documented limits instead.")
def command(scene: str | None, formats: tuple[str, ...], frames: int | None, size: str | None,
            overrides: tuple[str, ...], workdir: str, breakdown: bool, encoders: bool,
            orbit: bool, engine: bool, at_limits: bool) -> None:
    """Time our renderer against the naive FuncAnimation + Animation.save route on SCENE
    (default: Beale, 3 racers), both in the same run, and print the ratio. What it is doing
    and how long it will take go to stderr; the tables to stdout."""
    from race.api import load_layered
    from race.bench import benchmark, engine_benchmark, limits_benchmark
    from race.overrides import parse_override

    if engine:
        engine_benchmark(echo=say)
        return
    if at_limits:
        limits_benchmark(Path(workdir), echo=say, progress=_progress)
        return
    if orbit:
        scene = scene or ORBIT["scene"]
        overrides = ORBIT["set"] + overrides
        frames = frames or ORBIT["frames"]
        size = size or ORBIT["size"]
        formats = formats or ORBIT["formats"]
        breakdown = True
    width, height = parse_size(size or "800x600", "--size")
    Path(workdir).mkdir(parents=True, exist_ok=True)
    loaded = load_layered(scene or "bench_beale",
                          [parse_override(text, "--set") for text in overrides])
    benchmark(loaded, formats=formats or ("mp4", "gif"), frames=frames or 300,
              size=(width, height), workdir=Path(workdir), echo=say, breakdown=breakdown,
              encoders=encoders, progress=_progress)
