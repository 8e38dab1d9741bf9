"""`race embed`: the snippet to paste a race into a blog post, reveal.js, Markdown or Beamer."""

from __future__ import annotations

from pathlib import Path

import click

from race.cli.app import say


@click.command("embed")
@click.argument("source", metavar="SCENE_OR_OUTPUT")
@click.option("-o", "--output", type=click.Path(),
              help="For a scene: the output to embed (default: the scene's output).")
@click.option("--width", type=click.IntRange(1, 100_000),
              help="Display width in pixels (default: the output's own).")
@click.option("--fps", type=click.IntRange(1, 240),
              help="For a PNG folder: its frame rate (default: the scene's, else 30).")
def command(source: str, output: str | None, width: int | None, fps: int | None) -> None:
    """Print the HTML, reveal.js, Markdown or Beamer lines that show SCENE_OR_OUTPUT: a
    rendered file or PNG folder, or a scene (then its output, rendered or not yet)."""
    from race.web.embed import (VIDEO_KINDS, describe_output, planned_output, poster_path,
                                snippets, write_poster)
    from race.web.fragment import alt_text
    from race.write import output_kind

    given = Path(source)
    if output is None and given.exists() and given.suffix.lower() not in (".yaml", ".yml"):
        kind = output_kind(source)
        alt = f"Animation of an optimizer race ({given.name})"
        target = source
    else:
        from race.api import default_output, load

        scene = load(source)
        target = output or default_output(scene)
        kind = output_kind(target)
        alt, fps = alt_text(scene), fps or scene.render.fps
        if not Path(target).exists():
            _note(f"{target} does not exist yet; make it with: race render {source} "
                  f"-o {target}")
            if kind in VIDEO_KINDS:
                _note(f"and its poster frame with: race render {source} "
                      f"-o {poster_path(target)}")
            _print(snippets(planned_output(scene, target, kind), alt, width=width))
            return
    described = describe_output(target, kind, fps=fps)
    if kind in VIDEO_KINDS and not Path(poster_path(target)).exists():
        write_poster(Path(target), Path(poster_path(target)))
        _note(f"wrote {poster_path(target)} (the poster frame: the video's last frame)")
    _print(snippets(described, alt, width=width))


def _print(pairs: list[tuple[str, str]]) -> None:
    say("\n\n".join(f"# {what}\n{text}" for what, text in pairs))


def _note(text: str) -> None:
    click.echo(f"race: {text}", err=True)
