"""The naive routes: the matplotlib script people write, timed against ours.

Build the figure, update the artists in a ``FuncAnimation`` callback and call ``Animation.save``
with ``FFMpegWriter`` (imageio-ffmpeg's ffmpeg, matplotlib's default codec settings) or
``PillowWriter``. For the contour view that is ``contourf`` + ``contour``; for the 3D view an
Axes3D with ``plot_surface`` (the mesh our view draws, its colour or colormap, the wireframe as
the mesh's edges, ``view_init`` per frame for an orbiting camera), balls as markers and the
squares as ``Poly3DCollection``s (the same geometry as ours). ``Animation.save`` redraws the
whole figure, surface included, for every frame (on Agg twice: ``draw_idle`` after the callback
draws at once, then the writer's ``savefig`` draws again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from race.draw.sizing import figure_inches, frame_dpi
from race.engine import Race

Tick = Callable[[int], None]     # told the number of each frame as the naive route draws it


def naive_contour(race: Race, steps: list[int], output: Path, tick: Tick | None = None) -> None:
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

    _save(fig, update, len(steps), settings.fps, output, theme.background, tick)


def naive_surface3d(race: Race, steps: list[int], output: Path,
                    tick: Tick | None = None) -> None:
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

    _save(fig, update, len(steps), settings.fps, output, theme.background, tick)


NAIVE_ROUTES = {"contour": naive_contour, "surface3d": naive_surface3d}


def _label(trajectory) -> str:
    return f"{trajectory.racer.label} (lr {getattr(trajectory.racer.config, 'lr', '')})"


def _save(fig, update, frames: int, fps: float, output: Path, facecolor: str,
          tick: Tick | None = None) -> None:
    """``FuncAnimation`` + ``Animation.save``: Pillow for GIF, imageio-ffmpeg's ffmpeg else."""
    import imageio_ffmpeg
    import matplotlib
    from matplotlib import animation

    def ticked(frame: int):
        if tick is not None:
            tick(frame)
        return update(frame)

    anim = animation.FuncAnimation(fig, ticked, frames=frames, blit=False, repeat=False)
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


