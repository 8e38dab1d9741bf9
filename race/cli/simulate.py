"""`race simulate`: every step of every racer, to a CSV file."""

from __future__ import annotations

import click

from race.cli.app import report_written
from race.cli.options import overrides_option, render_overrides, scene_argument


@click.command("simulate")
@scene_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="CSV file to write.")
@overrides_option
def command(scene: str, output: str, overrides: tuple[str, ...]) -> None:
    """Run the race and write every step of every racer to a CSV file."""
    from race.api import load_layered, simulate
    from race.export import check_csv_output, write_csv
    from race.overrides import parse_override

    loaded = load_layered(scene, [parse_override(t, f) for f, t in render_overrides(overrides)])
    target = check_csv_output(output, loaded)
    race = simulate(loaded)
    written = write_csv(race, target)
    rows = sum(t.positions.shape[0] * t.positions.shape[1] for t in race.trajectories)
    report_written(written, f"{rows:,} rows")
