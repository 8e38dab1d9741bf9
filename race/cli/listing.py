"""`race list`: what race knows."""

from __future__ import annotations

import click

from race.cli.app import say

@click.command("list")
@click.argument("what", type=click.Choice(["optimizers", "schedules", "surfaces", "scenes",
                                            "presets", "render-keys"]))
def command(what: str) -> None:
    """List the optimizers (with torch defaults), learning-rate schedules (torch's
    lr_scheduler classes), surfaces (with formulas), shipped scenes, presets for a medium
    (slides, blog...), or every `render` key of a scene file."""
    from race import catalog

    say(catalog.describe(what))
