"""`race new`: a commented, valid scene to start from, never replacing a file."""

from __future__ import annotations

from pathlib import Path

import click

from race.authoring.newscene import (DEFAULT_OPTIMIZERS, DEFAULT_SURFACE, VIEWS,
                                     preset_choices)
from race.cli.app import say

PRESETS = preset_choices()   # None until the loader knows `render.preset`


def _preset_option(func):
    if PRESETS is None:
        return func
    return click.option("--preset", type=click.Choice(PRESETS) if PRESETS else str,
                        help="A render preset (render.preset).")(func)


@click.command("new")
@click.argument("name")
@click.option("--surface", default=DEFAULT_SURFACE, show_default=True,
              help="A built-in surface (race list surfaces).")
@click.option("--optimizers", default=",".join(DEFAULT_OPTIMIZERS), show_default=True,
              metavar="A,B,C", help="Optimizers to race, comma-separated (race list "
                                    "optimizers).")
@click.option("--view", type=click.Choice(VIEWS), default="contour", show_default=True,
              help="2D contours or the 3D surface.")
@_preset_option
def command(name: str, surface: str, optimizers: str, view: str, preset: str | None = None
            ) -> None:
    """Write NAME.yaml, a commented scene to start from, with learning rates found by racing
    a few on the surface. Never replaces an existing file. Also writes scene.schema.json
    beside it, for editors, if none is there."""
    from race.atomic import prepare_folder
    from race.authoring.newscene import create, new_scene_text
    from race.authoring.schema import SCHEMA_NAME, schema_text
    from race.errors import SceneError

    path = Path(name if Path(name).suffix in (".yaml", ".yml") else f"{name}.yaml")
    if path.exists() or path.is_symlink():
        raise SceneError("already exists; race new never replaces a file: choose another "
                         "name, or move that file away", file=str(path))
    text = new_scene_text(path.stem, surface=surface, optimizers=tuple(optimizers.split(",")),
                          view=view, preset=preset, file=str(path))
    prepare_folder(path)
    try:
        create(path, text)
    except FileExistsError:
        raise SceneError("already exists; race new never replaces a file",
                         file=str(path)) from None
    say(f"wrote {path}")
    schema = path.parent / SCHEMA_NAME
    try:
        create(schema, schema_text())
    except FileExistsError:
        return
    say(f"wrote {schema} (what editors read for completion; `race schema -o` updates it)")
