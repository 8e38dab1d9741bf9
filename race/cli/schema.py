"""`race schema`: the JSON Schema of scene files, for editors."""

from __future__ import annotations

from pathlib import Path

import click

from race.cli.app import say


@click.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write it to this file (e.g. scene.schema.json beside your scenes) "
                   "instead of printing it.")
def command(output: str | None) -> None:
    """Print the JSON Schema (draft 2020-12) of scene files: completion, hover docs and
    error squiggles in editors that read it. See the README's "Writing scenes"."""
    from race.authoring.schema import schema_text

    text = schema_text()
    if output is None:
        say(text.rstrip("\n"))
        return
    from race.atomic import atomic_path

    target = Path(output)
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")
    say(f"wrote {target}")
