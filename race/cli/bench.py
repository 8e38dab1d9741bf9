"""`race bench`: our renderer against the naive matplotlib route, in one run."""

from __future__ import annotations

from pathlib import Path

import click

from race.cli.app import say
from race.cli.options import parse_size


@click.command("bench")
@click.argument("scene", required=False, default="bench_beale", metavar="[SCENE]")
@click.option("--format", "formats", type=click.Choice(["mp4", "gif", "webm"]), multiple=True,
              help="Formats to compare (default: mp4 and gif).")
@click.option("--frames", type=click.IntRange(1, 100_000), default=300, show_default=True,
              help="Frames to render.")
@click.option("--size", default="800x600", show_default=True, metavar="WxH")
@click.option("--workdir", type=click.Path(file_okay=False), default="outputs/bench",
              show_default=True, help="Where the benchmark's files are written.")
@click.option("--breakdown", is_flag=True,
              help="Also time our static layers, blitted and fully redrawn frames.")
@click.option("--engine", is_flag=True,
              help="Time the simulation instead: 10,000 starts x 1,000 steps per optimizer.")
def command(scene: str, formats: tuple[str, ...], frames: int, size: str, workdir: str,
            breakdown: bool, engine: bool) -> None:
    """Time our renderer against the naive FuncAnimation + Animation.save route on SCENE
    (default: Beale, 3 racers), both in the same run, and print the ratio."""
    from race.api import load
    from race.bench import benchmark, engine_benchmark

    if engine:
        engine_benchmark(echo=say)
        return
    width, height = parse_size(size, "--size")
    Path(workdir).mkdir(parents=True, exist_ok=True)
    benchmark(load(scene), formats=formats or ("mp4", "gif"), frames=frames,
              size=(width, height), workdir=Path(workdir), echo=say, breakdown=breakdown)
