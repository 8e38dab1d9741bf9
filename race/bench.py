"""Benchmark: our renderer against the naive matplotlib route, on the same race, in one run.

The naive route is the script people write: build the figure, update the artists in a
``FuncAnimation`` callback and call ``Animation.save`` with ``FFMpegWriter`` (imageio-ffmpeg's
ffmpeg, matplotlib's default codec settings) or ``PillowWriter``. ``Animation.save`` redraws the
whole figure, contours included, for every frame; ours draws the static layers once and blits.
Both show the same frames (the same steps of the same race) at the same size.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import Callable

import numpy as np

from race.engine import Race, run
from race.errors import RenderError
from race.render.schedule import frame_steps
from race.scene import Scene


def bench_scene(scene: Scene, frames: int, size: tuple[int, int]) -> Scene:
    """``scene`` set to exactly ``frames`` frames at ``size``, no hold, no timelapse."""
    render = dataclasses.replace(
        scene.render, size=(int(size[0]), int(size[1])), steps_per_frame=None,
        duration=frames / scene.render.fps, hold=0.0, timelapse=False, layout="single",
        view="contour")
    return dataclasses.replace(scene, render=render)


def benchmark(scene: Scene, *, formats=("mp4", "gif"), frames: int = 300,
              size: tuple[int, int] = (800, 600), workdir: Path,
              echo: Callable[[str], None] = print) -> list[dict]:
    """Render ``scene`` both ways for each format; print and return the timings and sizes."""
    from race.render import render

    scene = bench_scene(scene, frames, size)
    race = run(scene)
    steps = frame_steps(scene.render, scene.steps)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    width, height = scene.render.size
    echo(f"{scene.name}: {len(steps)} frames at {width}x{height}, "
         f"{len(scene.racers)} racers, {scene.steps} steps")
    echo(f"{'format':<7}{'naive s':>9}{'ours s':>9}{'speedup':>9}"
         f"{'naive size':>12}{'ours size':>11}{'size ratio':>12}")
    results = []
    for fmt in formats:
        naive_path, ours_path = workdir / f"naive.{fmt}", workdir / f"ours.{fmt}"
        start = time.perf_counter()
        try:
            naive_render(race, steps, naive_path)
        except Exception as exc:
            text = str(exc).strip().splitlines()
            raise RenderError(f"the naive {fmt} route failed: {type(exc).__name__}"
                              f"{': ' + text[0] if text else ''}") from exc
        naive_seconds = time.perf_counter() - start
        start = time.perf_counter()
        render(race, ours_path)
        ours_seconds = time.perf_counter() - start
        row = {"format": fmt, "naive_seconds": naive_seconds, "ours_seconds": ours_seconds,
               "speedup": naive_seconds / ours_seconds,
               "naive_bytes": os.path.getsize(naive_path),
               "ours_bytes": os.path.getsize(ours_path)}
        row["size_ratio"] = row["ours_bytes"] / row["naive_bytes"]
        results.append(row)
        echo(f"{fmt:<7}{naive_seconds:>9.2f}{ours_seconds:>9.2f}{row['speedup']:>8.1f}x"
             f"{_size(row['naive_bytes']):>12}{_size(row['ours_bytes']):>11}"
             f"{row['size_ratio']:>12.2f}")
    return results


def _size(count: int) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 1e5 else f"{count / 1e3:.1f} kB"


def naive_render(race: Race, steps: list[int], output: Path) -> None:
    """The plain matplotlib script: the same picture, redrawn in full by Animation.save."""
    import imageio_ffmpeg
    import matplotlib
    from matplotlib import animation, colors
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from race.render.theme import THEMES

    scene = race.scene
    settings = scene.render
    theme = THEMES[settings.theme]
    surface = scene.surface
    width, height = settings.size
    fig = Figure(figsize=(width / settings.dpi, height / settings.dpi), dpi=settings.dpi,
                 facecolor=theme.background, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()

    xs = np.linspace(*surface.xlim, 300)
    ys = np.linspace(*surface.ylim, 300)
    X, Y = np.meshgrid(xs, ys)
    Z = surface.value(X, Y)
    if surface.log_scale:
        Z = Z - Z.min() + 1e-3 * (Z.max() - Z.min()) / 1e4
        levels = np.geomspace(Z.min(), Z.max(), settings.levels)
        norm = colors.LogNorm(Z.min(), Z.max())
    else:
        levels, norm = settings.levels, None
    ax.contourf(X, Y, Z, levels=levels, norm=norm, cmap=settings.colormap or theme.colormap)
    ax.contour(X, Y, Z, levels=levels, norm=norm, colors="k", linewidths=0.5, alpha=0.3)
    for mx, my in surface.minima:
        ax.plot(mx, my, "w*", markersize=12)
    ax.set_xlim(surface.xlim)
    ax.set_ylim(surface.ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    fig.suptitle(scene.title)

    trails, balls, squares = [], [], []
    scale = _naive_square_scale(race)
    for trajectory in race.trajectories:
        color = trajectory.racer.color
        trails.append(ax.plot([], [], color=color, linewidth=2)[0])
        lr = getattr(trajectory.racer.config, "lr", "")
        balls.append(ax.plot([], [], "o", color=color, markeredgecolor="k", markersize=9,
                             label=f"{trajectory.racer.label} (lr {lr})")[0])
        pair = (Rectangle((0, 0), 0, 0, facecolor=color, alpha=0.35, hatch="--"),
                Rectangle((0, 0), 0, 0, facecolor=color, alpha=0.35, hatch="||"))
        for square in pair:
            ax.add_patch(square)
        squares.append(pair)
    fig.legend(loc="outside upper center", ncols=len(race.trajectories), frameon=False)
    counter = ax.text(0.98, 0.98, "", transform=ax.transAxes, ha="right", va="top")

    def update(frame: int):
        step = steps[frame]
        for trajectory, trail, ball, pair in zip(race.trajectories, trails, balls, squares):
            x, y = trajectory.positions[step, 0]
            trail.set_data(trajectory.positions[:step + 1, 0, 0],
                           trajectory.positions[:step + 1, 0, 1])
            ball.set_data([x], [y])
            if trajectory.accumulators is not None:
                sx, sy = scale * np.sqrt(trajectory.accumulators[step, 0])
                gx, gy = np.sign(trajectory.gradients[step, 0])
                pair[0].set_bounds(x, y - sx / 2, gx * sx, sx)
                pair[1].set_bounds(x - sy / 2, y, sy, gy * sy)
        counter.set_text(f"step {step}")
        return []

    anim = animation.FuncAnimation(fig, update, frames=len(steps), blit=False, repeat=False)
    output = Path(output)
    if output.suffix == ".gif":
        writer = animation.PillowWriter(fps=settings.fps)
    else:
        matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        if output.suffix == ".webm":   # what the docs suggest once the default codec fails
            writer = animation.FFMpegWriter(fps=settings.fps, codec="libvpx-vp9",
                                            extra_args=["-pix_fmt", "yuv420p"])
        else:
            writer = animation.FFMpegWriter(fps=settings.fps)
    anim.save(str(output), writer=writer, savefig_kwargs={"facecolor": theme.background})


def _naive_square_scale(race: Race) -> float:
    from race.render.scales import square_scale

    return square_scale(race)
