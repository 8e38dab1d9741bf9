"""`race validate`: check a scene without running it."""

from __future__ import annotations

import click

from race.cli.app import say
from race.cli.options import overrides_option, render_overrides, scene_argument


@click.command("validate")
@scene_argument
@overrides_option
def command(scene: str, overrides: tuple[str, ...]) -> None:
    """Check SCENE without running it; exit 0 if it is valid."""
    from race.api import load_layered
    from race.overrides import parse_override

    loaded = load_layered(scene, [parse_override(t, f) for f, t in render_overrides(overrides)])
    if loaded.output is not None:     # where the scene would write is part of the scene
        from race.api import check_output_of

        check_output_of(loaded, loaded.output, create=False)
    racers = ", ".join(f"{r.label} ({r.optimizer})" for r in loaded.racers)
    say(f"{loaded.source}: ok: {loaded.title!r}, {loaded.surface.name}, "
               f"{loaded.steps} steps, racers: {racers}")
