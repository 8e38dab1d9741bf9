"""Benchmark: our renderer against the naive matplotlib route, on the same race, in one run.

The naive route is the script people write: build the figure, update the artists in a
``FuncAnimation`` callback and call ``Animation.save`` with ``FFMpegWriter`` (imageio-ffmpeg's
ffmpeg, matplotlib's default codec settings) or ``PillowWriter``. For the contour view that is
``contourf`` + ``contour``; for the 3D view an Axes3D with ``plot_surface`` (the mesh our view
draws, its colour or colormap, the wireframe as the mesh's edges), balls as markers and the squares
as ``Poly3DCollection``s (the same geometry as ours). ``Animation.save`` redraws the whole figure,
surface included, for every frame (on Agg twice: ``draw_idle`` after the callback draws at once,
then the writer's ``savefig`` draws again); ours draws the static layers once and blits. Both show
the same frames (the same steps of the same race) at the same size and dpi, in the scene's view.

``breakdown=True`` adds what one of our frames costs: the static layers once, a blitted frame
(fixed camera) and a fully redrawn one (what an orbiting camera pays every frame).
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
from race.draw.schedule import frame_steps
from race.draw.sizing import figure_inches, frame_dpi
from race.scene import Scene

BREAKDOWN_FRAMES = 30   # frames timed per kind for the breakdown, spread over the race


def bench_scene(scene: Scene, frames: int, size: tuple[int, int]) -> Scene:
    """``scene`` set to exactly ``frames`` frames at ``size``, no hold, no timelapse, one panel
    of its own view (contour or surface3d)."""
    render = dataclasses.replace(
        scene.render, size=(int(size[0]), int(size[1])), steps_per_frame=None,
        duration=frames / scene.render.fps, hold=0.0, timelapse=False, layout="single")
    return dataclasses.replace(scene, render=render)


def benchmark(scene: Scene, *, formats=("mp4", "gif"), frames: int = 300,
              size: tuple[int, int] = (800, 600), workdir: Path,
              echo: Callable[[str], None] = print, breakdown: bool = False) -> list[dict]:
    """Render ``scene`` both ways for each format; print and return the timings and sizes."""
    from race.draw import render

    scene = bench_scene(scene, frames, size)
    naive = NAIVE_ROUTES[scene.render.view]
    race = run(scene)
    steps = frame_steps(scene.render, scene.steps)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    width, height = scene.render.size
    echo(f"{scene.name}: {scene.render.view} view, {len(steps)} frames at {width}x{height}, "
         f"{len(scene.racers)} racers, {scene.steps} steps")
    echo(f"{'format':<7}{'naive s':>9}{'ours s':>9}{'speedup':>9}"
         f"{'naive size':>12}{'ours size':>11}{'size ratio':>12}")
    results = []
    for fmt in formats:
        naive_path, ours_path = workdir / f"naive.{fmt}", workdir / f"ours.{fmt}"
        start = time.perf_counter()
        try:
            naive(race, steps, naive_path)
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
    if breakdown:
        costs = frame_costs(race, steps)
        kinds = f"redrawn {costs['redraw'] * 1e3:.1f} ms (orbiting camera)"
        if costs["blit"] is not None:
            kinds = f"blitted {costs['blit'] * 1e3:.1f} ms, {kinds}"
        echo(f"ours per frame: static layers {costs['static'] * 1e3:.1f} ms once, {kinds}, "
             "without encoding")
    return results


def frame_costs(race: Race, steps: list[int]) -> dict[str, float | None]:
    """Seconds for our static layers (once), and per blitted and per fully redrawn frame, each
    read back as a writer would, timed over up to ``BREAKDOWN_FRAMES`` of ``steps``. With an
    orbiting camera every frame is a redraw and ``blit`` is None."""
    from race.draw.stage import Stage

    picks = [steps[int(i)] for i in
             np.unique(np.rint(np.linspace(0, len(steps) - 1, BREAKDOWN_FRAMES)))]
    start = time.perf_counter()
    stage = Stage(race)
    try:
        stage.frame(picks[0]).tobytes()
        static = time.perf_counter() - start
        moving = any(getattr(view, "moves_camera", False) for view in stage.views)

        def per_frame(redraw: bool) -> float:
            begin = time.perf_counter()
            for number, step in enumerate(picks):
                if redraw:
                    stage.canvas.draw()    # every static layer again, as a moving camera does
                stage.frame(step, number / race.scene.render.fps).tobytes()
            return (time.perf_counter() - begin) / len(picks)

        if moving:                         # the stage redraws every frame by itself
            return {"static": static, "blit": None, "redraw": per_frame(False)}
        return {"static": static, "blit": per_frame(False), "redraw": per_frame(True)}
    finally:
        stage.close()


def _size(count: int) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 1e5 else f"{count / 1e3:.1f} kB"


def naive_contour(race: Race, steps: list[int], output: Path) -> None:
    """The plain matplotlib script for the contour view, redrawn in full by Animation.save."""
    from matplotlib import colors
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from race.draw.scales import square_scale
    from race.draw.theme import THEMES

    scene = race.scene
    settings = scene.render
    theme = THEMES[settings.theme]
    surface = scene.surface
    width, height = settings.size
    dpi = frame_dpi((width, height), settings.dpi)
    fig = Figure(figsize=figure_inches((width, height), dpi), dpi=dpi,
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
    scale = square_scale(race)
    for trajectory in race.trajectories:
        color = trajectory.racer.color
        trails.append(ax.plot([], [], color=color, linewidth=2)[0])
        balls.append(ax.plot([], [], "o", color=color, markeredgecolor="k", markersize=9,
                             label=_label(trajectory))[0])
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

    _save(fig, update, len(steps), settings.fps, output, theme.background)


def naive_surface3d(race: Race, steps: list[int], output: Path) -> None:
    """The plain matplotlib script for the 3D view: ``plot_surface`` of the same mesh, balls and
    squares updated in the callback, the whole figure redrawn by Animation.save every frame."""
    from matplotlib import colors
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from mpl_toolkits.mplot3d import art3d

    from race.draw.surface3d import BALL_LIFT, TRAIL_LIFT
    from race.draw.surface3d_geometry import (
        MESH_CELLS, SQUARE_FRACTION, Heights, box_aspect, flip_signs, grid, reference_gradient,
        square_faces, z_per_x)
    from race.draw.theme import THEMES

    scene = race.scene
    settings = scene.render
    theme = THEMES[settings.theme]
    surface = scene.surface
    camera = settings.camera
    width, height = settings.size
    dpi = frame_dpi((width, height), settings.dpi)
    fig = Figure(figsize=figure_inches((width, height), dpi), dpi=dpi,
                 facecolor=theme.background)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 0.88), projection="3d")

    heights = Heights.of(surface)
    X, Y = grid(surface, MESH_CELLS + 1)
    Z = heights(X, Y)
    edges = {}
    if settings.wireframe:
        edges = dict(edgecolor=theme.wireframe, linewidth=0.6)
    if settings.surface_color is not None:
        ax.plot_surface(X, Y, Z, color=settings.surface_color, rstride=1, cstride=1, **edges)
    else:
        ax.plot_surface(X, Y, Z, cmap=settings.colormap or theme.colormap, vmin=heights.low,
                        vmax=heights.high, rstride=1, cstride=1, **edges)
    ax.set_xlim(surface.xlim)
    ax.set_ylim(surface.ylim)
    ax.set_zlim(heights.low, heights.high)
    ax.set_box_aspect(box_aspect(surface), zoom=10.0 / camera.dist)
    if camera.focal_length is None:
        ax.set_proj_type("ortho")
    else:
        ax.set_proj_type("persp", focal_length=camera.focal_length)
    ax.view_init(elev=camera.elev, azim=camera.azim)
    ax.computed_zorder = False      # the balls and squares stay in front of the surface
    fig.suptitle(scene.title, fontweight="bold")

    with_squares = [t for t in race.trajectories if t.accumulators is not None]
    scale = settings.squares.scale
    if scale is None:
        span = max(surface.xlim[1] - surface.xlim[0], surface.ylim[1] - surface.ylim[0])
        scale = SQUARE_FRACTION * span / reference_gradient([t.gradients for t in with_squares])
    lift, z_scale = heights.span * np.array([BALL_LIFT, TRAIL_LIFT]), z_per_x(surface, heights)
    racers = []
    for trajectory in race.trajectories:
        color = trajectory.racer.color
        x, y = trajectory.positions[..., 0], trajectory.positions[..., 1]
        inside = surface.contains(x, y)
        x, y = np.where(inside, x, np.nan), np.where(inside, y, np.nan)
        racer = {"trajectory": trajectory, "x": x, "y": y, "z": heights(x, y), "squares": None,
                 "trails": []}
        if settings.squares.show and trajectory.accumulators is not None:
            racer["signs"] = flip_signs(trajectory.gradients)
            racer["squares"] = art3d.Poly3DCollection(
                [], facecolors=colors.to_rgba(theme.squares, settings.squares.alpha),
                edgecolors=theme.squares, linewidths=0.6, zorder=3)
            ax.add_collection3d(racer["squares"], autolim=False)
        if settings.trail.show:
            racer["trails"] = [ax.plot([], [], [], color=color, zorder=4,
                                       linewidth=settings.trail.width)[0]
                               for _ in range(x.shape[1])]
        racer["ball"] = ax.plot([], [], [], "o", color=color, markeredgecolor="k",
                                markersize=10, zorder=5, label=_label(trajectory))[0]
        racers.append(racer)
    if settings.legend:
        fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.95), ncols=len(racers),
                   frameon=False)
    counter = fig.text(0.99, 0.99, "", ha="right", va="top", family="monospace")

    def update(frame: int):
        if camera.orbit:
            ax.view_init(elev=camera.elev, azim=camera.azim + camera.orbit * frame / settings.fps)
        step = steps[frame]
        for racer in racers:
            x, y, z = racer["x"][step], racer["y"][step], racer["z"][step]
            racer["ball"].set_data_3d(x, y, z + lift[0])
            for i, trail in enumerate(racer["trails"]):
                trail.set_data_3d(racer["x"][:step + 1, i], racer["y"][:step + 1, i],
                                  racer["z"][:step + 1, i] + lift[1])
            if racer["squares"] is not None:
                accumulated = racer["trajectory"].accumulators[step]
                sides = scale * np.sqrt(np.maximum(accumulated, 0.0))
                faces = square_faces(x, y, z + lift[1], sides, racer["signs"][step], surface,
                                     heights, z_scale)
                faces = faces[np.isfinite(faces).all(axis=(1, 2, 3))]
                racer["squares"].set_verts(list(faces.reshape(-1, *faces.shape[2:])))
        counter.set_text(f"step {step}")
        return []

    _save(fig, update, len(steps), settings.fps, output, theme.background)


NAIVE_ROUTES = {"contour": naive_contour, "surface3d": naive_surface3d}


def _label(trajectory) -> str:
    return f"{trajectory.racer.label} (lr {getattr(trajectory.racer.config, 'lr', '')})"


def _save(fig, update, frames: int, fps: float, output: Path, facecolor: str) -> None:
    """``FuncAnimation`` + ``Animation.save``: Pillow for GIF, imageio-ffmpeg's ffmpeg else."""
    import imageio_ffmpeg
    import matplotlib
    from matplotlib import animation

    anim = animation.FuncAnimation(fig, update, frames=frames, blit=False, repeat=False)
    output = Path(output)
    if output.suffix == ".gif":
        writer = animation.PillowWriter(fps=fps)
    else:
        matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        if output.suffix == ".webm":   # what the docs suggest once the default codec fails
            writer = animation.FFMpegWriter(fps=fps, codec="libvpx-vp9",
                                            extra_args=["-pix_fmt", "yuv420p"])
        else:
            writer = animation.FFMpegWriter(fps=fps)
    anim.save(str(output), writer=writer, savefig_kwargs={"facecolor": facecolor})


def engine_benchmark(*, starts: int = 10_000, steps: int = 1_000, surface: str = "rosenbrock",
                     echo: Callable[[str], None] = print) -> dict[str, float]:
    """Seconds for the engine to run ``starts`` racer-starts for ``steps`` steps, per optimizer
    (the best of three runs, so the figure is the engine's, not the machine's other jobs')."""
    from race.optimizers import OPTIMIZERS
    from race.engine import run_racer
    from race.scene import Racer
    from race.surfaces import SURFACES

    field = SURFACES[surface]
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = field.xlim, field.ylim
    points = tuple(zip(rng.uniform(x0, x1, starts).tolist(), rng.uniform(y0, y1, starts).tolist()))
    echo(f"engine: {starts:,} starts x {steps:,} steps on {surface}, best of 3")
    seconds = {}
    for name, optimizer in OPTIMIZERS.items():
        racer = Racer(name, optimizer.config(lr=1e-4), name, "k", points)
        runs = []
        for _ in range(3):
            begin = time.perf_counter()
            run_racer(field, racer, steps)
            runs.append(time.perf_counter() - begin)
        seconds[name] = min(runs)
        echo(f"{name:<10}{seconds[name]:>7.2f} s")
    return seconds
