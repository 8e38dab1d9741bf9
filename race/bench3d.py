"""How fast the 3D view draws: ``python -m race.bench3d [scene] [--frames N]``.

Times the three costs a driver pays with ``Surface3DView`` on one Agg figure of the scene's size:
the static layers once, a blitted frame (fixed camera: restore the background, draw the moving
artists) and a fully redrawn frame (orbiting camera: every frame redraws the surface).
"""

from __future__ import annotations

import time

import click
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from race.engine import run
from race.loader import load_scene
from race.render.surface3d import Surface3DView
from race.render.theme import THEMES
from race.scenes import resolve_scene


def bench(scene_name: str = "article", frames: int = 60) -> dict[str, float]:
    """Seconds for the static layers, and per blitted and per redrawn frame."""
    scene = load_scene(resolve_scene(scene_name))
    race = run(scene)
    width, height = scene.render.size
    dpi = scene.render.dpi
    theme = THEMES[scene.render.theme]
    figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor=theme.background)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1), projection=Surface3DView.projection)
    view = Surface3DView(ax, race, theme, tuple(range(len(race.trajectories))))
    steps = np.linspace(0, scene.steps, frames).round().astype(int)

    start = time.perf_counter()
    view.draw_static()
    canvas.draw()
    background = canvas.copy_from_bbox(figure.bbox)
    static = time.perf_counter() - start

    def frame(redraw: bool) -> float:
        begin = time.perf_counter()
        for step in steps:
            artists = view.update(int(step))
            if redraw:
                canvas.draw()
            else:
                canvas.restore_region(background)
            for artist in artists:
                ax.draw_artist(artist)
            np.asarray(canvas.buffer_rgba()).tobytes()  # read the pixels, as a writer would
        return (time.perf_counter() - begin) / len(steps)

    return {"static": static, "blit": frame(redraw=False), "redraw": frame(redraw=True)}


@click.command(help=__doc__)
@click.argument("scene", default="article")
@click.option("--frames", type=click.IntRange(2, 10_000), default=60, show_default=True,
              help="Frames timed per kind, spread over the whole race.")
def main(scene: str, frames: int) -> None:
    times = bench(scene, frames)
    click.echo(f"static layers     {times['static'] * 1e3:8.1f} ms once")
    for name, key, note in (("blitted", "blit", ""), ("redrawn", "redraw", "   orbiting camera")):
        seconds = times[key]
        click.echo(f"{name} frame     {seconds * 1e3:8.1f} ms   ({1 / seconds:6.1f} fps){note}")


if __name__ == "__main__":
    main()
