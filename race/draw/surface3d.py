"""The 3D view: the loss surface as a lit mesh, balls rolling on it, and the squares of
accumulated squared gradient standing at each ball, as the original desktop app drew them."""

from __future__ import annotations

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.artist import Artist
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.transforms import Affine2D, ScaledTranslation
from mpl_toolkits.mplot3d import art3d, proj3d

from race.engine import Race
from race.errors import RenderError
from race.draw import frame3d, scales, schedule
from race.draw.mesh3d import SurfaceMesh
from race.draw.surface3d_geometry import (
    MESH_CELLS, SQUARE_FRACTION, HeightField, Heights, box_aspect, direction, flip_signs, grid,
    light_direction, reference_gradient, shaded_colors, square_faces, surface_arrow_path, z_per_x)
from race.draw.theme import Theme, mix

BALL_SIZE = 0.035   # ball diameter as a fraction of the view's height
BALL_LIFT = 0.015   # balls float this fraction of the height range above the surface
TRAIL_LIFT = 0.004  # and trails this much
WIREFRAME_WIDTH = 0.6
CAMERA_TOLERANCE = 6  # decimals of azimuth that make a new background
GHOST_ALPHA = 0.35    # a ball the surface hides shows as a faint disc of its colour
TICK_SIZE = 7         # points
LABEL_SIZE = 8
FIT_MARGIN_EM = 0.6   # clear space between the drawing and its panel's edge, in label heights


class Surface3DView:
    """Draws a race on its surface in 3D, into an Axes3D (``projection = "3d"``).

    Static layers (``draw_static``): the surface mesh, solid (``render.surface_color``) or
    coloured by height with the colormap, lit from beside the camera, with an optional white
    wireframe; the box with its panes and ticks; the camera from ``render.camera`` (elev, azim;
    ``dist`` zooms as 10 / dist; ``focal_length`` sets the perspective).

    Moving artists (``update``), created once and animated, all returned every frame in drawing
    order (squares under ghosts under trails under arrows under balls under crosses), drawn over
    the cached surface: per racer-start a shaded ball slightly above the surface, a trail on the
    surface, two translucent upright squares (x–z and y–z planes, one corner at the ball, side
    ∝ √accumulated g² of that axis, opening downhill, clipped to the box) for racers whose
    optimizer keeps an accumulator, optional arrows, and a cross where a racer diverged.

    Occlusion: where the surface hides a ball centre or a trail point from the camera (a ray
    marched from it toward the camera over the drawn mesh, ``HeightField``), the trail is broken
    and the ball shows only as a faint ghost disc. A fixed camera works this out once for every
    step; an orbiting one per frame, for what the frame shows. Squares, arrows and crosses stand
    above the surface and are always drawn.

    Drawing reaches the whole layout cell the driver gave the axes, not only the square that
    Axes3D keeps for itself, so blit with the figure's bbox (or the cell's).

    Orbiting camera (``render.camera.orbit`` ≠ 0, ``moves_camera`` True):
    ``background_key(step)`` points the camera for that step and returns its azimuth; the
    driver leaves these axes out of its cached background and draws them again every frame (the
    surface is a ``SurfaceMesh``, projected and sorted with numpy), then ``update(step)``'s
    artists. Every frame is then independent of the others, so frames can be rendered in
    parallel (one figure per process). The time of a step is when the schedule first shows it;
    a driver that knows each frame's time may call ``set_frame_time(t)`` before
    ``background_key`` for a camera that also turns while the race is held or in slow motion.
    """

    projection = "3d"
    fits_cell = True     # frames itself inside the box the driver gives its axes (frame3d.fit)

    def __init__(self, ax, race: Race, theme: Theme, racers: tuple[int, ...]) -> None:
        self.ax = ax
        self.race = race
        self.theme = theme
        self.racers = tuple(racers)
        self.scene = race.scene
        self.render = race.scene.render
        self.surface = race.scene.surface
        self.camera = self.render.camera
        self.moves_camera = self.camera.orbit != 0
        self.heights = Heights.of(self.surface)
        self._frame_time: float | None = None
        self._tracks = [_Track(race.trajectories[i], self) for i in self.racers]
        keeping = [t.trajectory for t in self._tracks if t.trajectory.accumulators is not None]
        shared = self._auto_scale(self.render.squares.scale, SQUARE_FRACTION, keeping)
        for track in self._tracks:
            track.square_scale = shared if not self.render.squares.per_racer else \
                self._auto_scale(self.render.squares.scale, SQUARE_FRACTION, [track.trajectory])
        self._arrows = [a for a in scales.arrow_scales(race) if a.factor]
        self._artists: list[Artist] = []
        self._field: HeightField | None = None
        self._camera: tuple | None = None     # (view angles, projection matrix) last used

    # -- static layers ------------------------------------------------------------------------

    def draw_static(self) -> None:
        ax = self.ax
        self._set_camera()
        ax.computed_zorder = False
        self._style_box()
        self._cell = ax.get_position(original=True).transformed(ax.figure.transFigure).frozen()
        em = LABEL_SIZE * ax.figure.dpi / 72.0
        frame3d.fit(ax, self._cell, FIT_MARGIN_EM * em, self._azimuths(),
                    None if self.render.box else self._bounds())
        self._camera = None
        self._mesh = self._draw_surface()
        self._clip(self._mesh)
        self._create_moving()
        self._keep_to_cell()

    def _set_camera(self) -> None:
        ax = self.ax
        self._point_camera(self.camera.azim)
        ax.set_xlim(*self.surface.xlim)
        ax.set_ylim(*self.surface.ylim)
        ax.set_zlim(self.heights.low, self.heights.high)
        ax.set_box_aspect(box_aspect(self.surface), zoom=10.0 / self.camera.dist)
        if self.camera.focal_length is None:
            ax.set_proj_type("ortho")
        else:
            ax.set_proj_type("persp", focal_length=self.camera.focal_length)

    def content_aspect(self) -> float:
        """Height over width of the picture this camera makes (the box as seen from every
        azimuth it takes), for the driver to give the view a panel of about that shape."""
        self._set_camera()
        return frame3d.picture_aspect(self.ax, self._azimuths(),
                                      None if self.render.box else self._bounds())

    def _style_box(self) -> None:
        ax, theme = self.ax, self.theme
        ax.set_facecolor(theme.axes)
        pane = mix(theme.axes, theme.grid, 0.3)
        lines = mix(theme.grid, theme.foreground, 0.3)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_pane_color(pane)
            axis._axinfo["grid"].update(color=lines, linewidth=0.8)  # mplot3d has no setter
            axis.line.set_color(lines)
        ax.tick_params(colors=theme.foreground, labelsize=TICK_SIZE, pad=0)
        zlabel = "log₁₀(1 + loss − min)" if self.heights.log else "loss"
        for axis, text in ((ax.xaxis, "x"), (ax.yaxis, "y"), (ax.zaxis, zlabel)):
            axis.set_label_text(text, color=theme.foreground, fontsize=LABEL_SIZE)
            axis.labelpad = 0
        if not self.render.box:
            ax.set_axis_off()
            return
        top = frame3d.LabelsOnTop(ax)
        top.set_zorder(5)      # over the surface (1), under the moving artists (10 and up)
        ax.add_artist(top)

    def _bounds(self) -> np.ndarray:
        """Points whose projections bound everything drawn without the box: the surface, and
        the box's top face (squares rise from the surface at most to it)."""
        x, y = grid(self.surface, 21)
        ground = np.column_stack([x.ravel(), y.ravel(), self.heights(x, y).ravel()])
        (x0, x1), (y0, y1) = self.surface.xlim, self.surface.ylim
        top = np.array([(a, b, self.heights.high) for a in (x0, x1) for b in (y0, y1)])
        return np.concatenate([ground, top])

    def _azimuths(self) -> list[float]:
        """Every azimuth the camera takes: its own, or a full turn when it orbits."""
        if not self.moves_camera:
            return [self.camera.azim]
        return [self.camera.azim + turn for turn in np.linspace(0.0, 360.0, 16, endpoint=False)]

    def _keep_to_cell(self) -> None:
        """Clip the box's panes, grid, ticks and labels to the cell: the framing keeps them in
        it; this is for a camera the scene puts so close that the box must be cut. Without the
        box none of them is drawn (making the ticks to clip them took 0.1 s)."""
        self.ax.patch.set_visible(False)    # the figure's background shows instead
        if not self.render.box:
            return
        for axis in (self.ax.xaxis, self.ax.yaxis, self.ax.zaxis):
            parts = [axis.pane, axis.line, axis.gridlines, axis.label, axis.offsetText]
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                parts += [tick.tick1line, tick.tick2line, tick.gridline, tick.label1, tick.label2]
            for part in parts:  # ticks made later copy these settings from the first one
                self._clip(part)
                part.set_clip_on(True)

    def _draw_surface(self):
        x, y = grid(self.surface, MESH_CELLS + 1)
        z = self.heights(x, y)
        self._field = HeightField(x, y, z, self.surface, self.heights)
        if self.render.surface_color is not None:
            if not mcolors.is_color_like(self.render.surface_color):
                raise RenderError(f"render.surface_color: not a colour: "
                                  f"{self.render.surface_color!r}")
            rgba = np.broadcast_to(mcolors.to_rgba(self.render.surface_color),
                                   z.shape + (4,)).copy()
        else:
            cmap = _colormap(self.render.colormap or self.theme.colormap)
            rgba = cmap(np.clip((np.nan_to_num(z) - self.heights.low) / self.heights.span, 0, 1))
        bx, by, bz = box_aspect(self.surface)
        scale = (bx / (self.surface.xlim[1] - self.surface.xlim[0]),
                 by / (self.surface.ylim[1] - self.surface.ylim[0]), bz / self.heights.span)
        faces = shaded_colors(rgba, x, y, z, scale,
                              light_direction(self.camera.azim, self.camera.elev),
                              direction(self.camera.azim, self.camera.elev))
        # each face takes the colour of its centre: average the four corners
        faces = 0.25 * (faces[:-1, :-1] + faces[1:, :-1] + faces[:-1, 1:] + faces[1:, 1:])
        faces = np.pad(faces, ((0, 1), (0, 1), (0, 0)), mode="edge")
        if self.render.wireframe:
            alpha = 0.85 if self.render.surface_color is not None else 0.35
            edge = dict(edgecolors=[mcolors.to_rgba(self.theme.wireframe, alpha)],
                        linewidth=WIREFRAME_WIDTH)
        else:  # edges in the face colours close the hairline seams between faces
            edge = dict(edgecolors=faces[:-1, :-1].reshape(-1, 4), linewidth=0.3)
        mesh = SurfaceMesh(x, y, z, faces, antialiased=True, zorder=1, **edge)
        self.ax.add_collection3d(mesh, autolim=False)
        return mesh

    # -- moving artists -----------------------------------------------------------------------

    def _create_moving(self) -> None:
        height_px = self._cell.height
        ball_points = BALL_SIZE * height_px * 72.0 / self.ax.figure.dpi
        layers: dict[str, list[Artist]] = {"squares": [], "ghosts": [], "trails": [],
                                          "arrows": [], "balls": [], "crosses": []}
        for track in self._tracks:
            track.create(ball_points, layers)
        self._artists = [a for group in layers.values() for a in group]
        for zorder, artist in enumerate(self._artists, start=10):
            artist.set_zorder(zorder)
            artist.set_animated(True)
            artist.set_visible(False)
            self._clip(artist)

    def update(self, step: int) -> list[Artist]:
        for track in self._tracks:
            track.update(step)
        if getattr(self.ax, "M", None) is not None:
            for artist in self._artists:
                if isinstance(artist, (art3d.Poly3DCollection, art3d.Line3DCollection)) \
                        and artist.get_visible():
                    artist.do_3d_projection()
        return list(self._artists)

    def add_line(self, xs, ys, zs, **kwargs) -> art3d.Line3D:
        line = art3d.Line3D(xs, ys, zs, **kwargs)
        if "transform" not in kwargs:
            line.set_transform(self.ax.transData)
        self.ax.add_line(line)
        return line

    def add_marker(self, **kwargs) -> Line2D:
        """A 2D marker line drawn at positions projected by ``project``."""
        kwargs = {"marker": "o", "markeredgewidth": 0, **kwargs}
        line = Line2D([np.nan], [np.nan], linestyle="none", **kwargs)
        if "transform" not in kwargs:
            line.set_transform(self.ax.transData)
        self.ax.add_line(line)
        return line

    def add_collection(self, collection):
        self.ax.add_collection3d(collection, autolim=False)
        return collection

    def _clip(self, artist: Artist) -> None:
        artist.set_clip_path(None)
        artist.set_clip_box(self._cell)

    # -- camera -------------------------------------------------------------------------------

    def camera_matrix(self) -> tuple[tuple, np.ndarray]:
        """The camera's (key, 4x4 projection matrix), the one the next draw will use; the key
        changes whenever the camera moves."""
        key = (self.ax.elev, self.ax.azim, self.ax.roll)
        if self._camera is None or self._camera[0] != key:
            self._camera = (key, self.ax.get_proj())
        return self._camera

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Data points (n, 3) to the axes' 2D data coordinates, as Line3D draws them."""
        _, matrix = self.camera_matrix()
        xs, ys, _ = proj3d.proj_transform(points[:, 0], points[:, 1], points[:, 2], matrix)
        return xs, ys

    def hidden(self, points: np.ndarray) -> np.ndarray:
        """Which of the data points (..., 3) the drawn surface hides from the camera."""
        return self._field.hidden(points, self.camera_matrix()[1])

    def set_frame_time(self, seconds: float) -> None:
        """Use this video time (instead of the schedule's) for the next ``background_key``."""
        self._frame_time = float(seconds)

    def azimuth(self, step: int) -> float:
        """The camera's azimuth at ``step``: the scene's azim turned by orbit × video time."""
        if not self.moves_camera:
            return self.camera.azim
        seconds = self._frame_time if self._frame_time is not None else self._step_time(step)
        return (self.camera.azim + self.camera.orbit * seconds + 180.0) % 360.0 - 180.0

    def background_key(self, step: int):
        """None for a fixed camera; else points the camera for ``step`` and returns its azimuth,
        which changes (so the driver redraws the background) whenever the camera moved."""
        if not self.moves_camera:
            return None
        azim = round(self.azimuth(step), CAMERA_TOLERANCE)
        self._point_camera(azim)
        return azim

    def _point_camera(self, azim: float) -> None:
        self.ax.view_init(elev=self.camera.elev, azim=azim)

    def _step_time(self, step: int) -> float:
        if not hasattr(self, "_schedule"):
            shown = np.asarray(schedule.frame_steps(self.render, self.scene.steps))
            steps, first = np.unique(shown, return_index=True)
            self._schedule = (steps, first / self.render.fps)
        steps, times = self._schedule
        return float(np.interp(step, steps, times))

    # -- scales -------------------------------------------------------------------------------

    def _auto_scale(self, given: float | None, fraction: float, trajectories) -> float:
        if given is not None:
            return given
        span = max(self.surface.xlim[1] - self.surface.xlim[0],
                   self.surface.ylim[1] - self.surface.ylim[0])
        return fraction * span / reference_gradient([t.gradients for t in trajectories])

    def ball_points3d(self, step: int) -> np.ndarray:
        """Where the balls of every drawn racer-start are at ``step``, (starts, 3), in order."""
        return np.concatenate([t.ball_xyz(step) for t in self._tracks])


class _Track:
    """The moving artists of one racer (all its starts) and how they follow its trajectory."""

    def __init__(self, trajectory, view: Surface3DView) -> None:
        self.trajectory = trajectory
        self.view = view
        self.color = trajectory.racer.color
        heights = view.heights
        positions = trajectory.positions
        inside = view.surface.contains(positions[..., 0], positions[..., 1])
        self.x = np.where(inside, positions[..., 0], np.nan)
        self.y = np.where(inside, positions[..., 1], np.nan)
        self.z = heights(self.x, self.y)
        self.signs = flip_signs(trajectory.gradients)
        # where each diverged start was last seen inside the domain, for its cross
        seen = np.where(inside, np.arange(positions.shape[0])[:, None], -1)
        gone = trajectory.diverged_at
        last = np.array([seen[:max(g, 0) + 1, i].max() for i, g in enumerate(gone)])
        ok = (gone >= 0) & (last >= 0)
        columns = np.arange(positions.shape[1])
        self.exit_xyz = np.full((positions.shape[1], 3), np.nan)
        self.exit_xyz[ok] = np.stack([self.x[last[ok], columns[ok]], self.y[last[ok], columns[ok]],
                                      self.z[last[ok], columns[ok]]], axis=-1)
        self.exit_xyz[:, 2] += BALL_LIFT * heights.span
        self.ball_path = np.stack([self.x, self.y, self.z + BALL_LIFT * heights.span], axis=-1)
        self.trail_path = np.stack([self.x, self.y, self.z + TRAIL_LIFT * heights.span], axis=-1)
        self._hidden: tuple | None = None   # (camera key, balls hidden, trail points hidden)

    @property
    def last(self) -> int:
        return self.trajectory.steps

    def ball_xyz(self, step: int) -> np.ndarray:
        return self.ball_path[min(max(step, 0), self.last)].copy()

    def hidden(self, first: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Whether the surface hides the balls at step k, (n,), and the trail's points from
        ``first`` to k, (k + 1 - first, n). A fixed camera works out every step once; a moving
        one only what this frame shows."""
        view = self.view
        key = view.camera_matrix()[0]
        if not view.moves_camera:
            if self._hidden is None or self._hidden[0] != key:
                trail = view.hidden(self.trail_path) if self.trails else None
                self._hidden = (key, view.hidden(self.ball_path), trail)
            _, balls, trail = self._hidden
            return balls[k], (trail[first:k + 1] if trail is not None else None)
        trail = view.hidden(self.trail_path[first:k + 1]) if self.trails else None
        return view.hidden(self.ball_path[k]), trail

    def create(self, ball_points: float, layers: dict) -> None:
        view, theme, render = self.view, self.view.theme, self.view.render
        nan = [np.nan]
        self.squares = None
        count = self.x.shape[1]
        self.square_starts = np.arange(count) < (count if render.squares.starts == "all" else 1)
        if render.squares.show and self.trajectory.accumulators is not None:
            color = mcolors.to_rgba(theme.squares, render.squares.alpha)
            edge = mcolors.to_rgba(theme.squares, min(1.0, render.squares.alpha + 0.25))
            self.squares = view.add_collection(art3d.Poly3DCollection(
                np.zeros((2 * self.x.shape[1], 3, 3)), facecolors=color, edgecolors=edge,
                linewidths=0.6))
            layers["squares"].append(self.squares)
        self.trails = []
        if render.trail.show and render.trail.fade:  # one collection: alpha per segment
            self.trails.append(view.add_collection(art3d.Line3DCollection(
                [], linewidths=render.trail.width, capstyle="round", joinstyle="round")))
        elif render.trail.show:
            self.trails.extend(view.add_line(nan, nan, nan, color=self.color,
                                             linewidth=render.trail.width, solid_capstyle="round",
                                             solid_joinstyle="round")
                               for _ in range(self.x.shape[1]))
        layers["trails"].extend(self.trails)
        self.arrows = {}
        for arrow in view._arrows:
            vectors = scales.arrow_vectors(self.trajectory, arrow.kind)
            if vectors is None:
                continue
            color = mix(self.color, "#ffffff", 0.45) if arrow.kind == "momentum" else self.color
            line = view.add_line(nan, nan, nan, color=color, linewidth=2.0,
                                 linestyle=(0, (3, 1.5)) if arrow.kind == "gradient" else "-",
                                 solid_capstyle="round", dash_capstyle="round")
            self.arrows[arrow.kind] = (line, vectors * arrow.factor)
            layers["arrows"].append(line)
        self.balls = self._ball_layers(ball_points)
        layers["balls"].extend(self.balls)
        self.ghost = view.add_marker(markersize=0.9 * ball_points,
                                     markerfacecolor=mcolors.to_rgba(self.color, GHOST_ALPHA))
        layers["ghosts"].append(self.ghost)
        self.cross = view.add_line(nan, nan, nan, linestyle="none", marker="X",
                                   markersize=0.8 * ball_points, color=theme.diverged,
                                   markeredgecolor=getattr(theme, "outline", "black"),
                                   markeredgewidth=0.8)
        layers["crosses"].append(self.cross)
        # an arrowhead on the map's edge for each start that rolled off it
        self.edges = [self.view.add_marker(markersize=0.7 * ball_points,
                                           markerfacecolor=self.color,
                                           markeredgecolor=theme.outline, markeredgewidth=0.8)
                      for _ in range(self.x.shape[1])]
        layers["balls"].extend(self.edges)

    def _ball_layers(self, size: float) -> list[Artist]:
        """A sphere in three discs: a dark rim, the lit body, a highlight (offsets in points);
        2D markers at the balls' projected centres, projected once for all three."""
        rgb = np.array(mcolors.to_rgb(self.color))
        fig = self.view.ax.figure
        layers = []
        for color, scale, shift in ((rgb * 0.55, 1.0, 0.0), (rgb, 0.8, 0.07),
                                    ((1.0, 1.0, 1.0, 0.85), 0.3, 0.2)):
            offset = ScaledTranslation(-shift * size / 72, shift * size / 72, fig.dpi_scale_trans)
            layers.append(self.view.add_marker(markersize=scale * size, markerfacecolor=color,
                                               transform=self.view.ax.transData + offset))
        return layers

    def update(self, step: int) -> None:
        k = min(max(step, 0), self.last)
        view = self.view
        diverged = (self.trajectory.diverged_at >= 0) & (self.trajectory.diverged_at <= k)
        trail = view.render.trail
        first = 0 if trail.length is None else max(0, k - trail.length)
        balls_hidden, trail_hidden = self.hidden(first, k)
        alive = self.ball_path[k].copy()
        alive[diverged] = np.nan
        xs, ys = view.project(alive)
        # ghosts of balls at one spot (starts that met in a minimum) would add up to opaque:
        # one ghost per hundredth of the domain
        span = np.array([np.diff(view.surface.xlim)[0], np.diff(view.surface.ylim)[0]])
        cells = np.nan_to_num(np.floor(alive[:, :2] / span * 100.0), nan=-1e9)
        _, first_at = np.unique(cells, axis=0, return_index=True)
        single = np.zeros(xs.shape, dtype=bool)
        single[first_at] = True
        for layers, shown in ((self.balls, ~balls_hidden), ((self.ghost,), balls_hidden & single)):
            sx = np.where(shown, xs, np.nan)
            for layer in layers:
                layer.set_data(sx, ys)
                layer.set_visible(bool(np.isfinite(sx).any()))
        lost = self.exit_xyz.copy()
        lost[~diverged] = np.nan
        self.cross.set_data_3d(lost[:, 0], lost[:, 1], lost[:, 2])
        self.cross.set_visible(bool(np.isfinite(lost).all(axis=1).any()))
        self._update_edges(k, diverged)
        self._update_trails(first, k, trail_hidden)
        if self.squares is not None:
            self._update_squares(k, ~diverged)
        for line, vectors in self.arrows.values():
            origins = np.stack([self.x[k], self.y[k]], axis=-1)
            inside = scales.inside_domain(origins, vectors[min(k, len(vectors) - 1)],
                                          view.surface.xlim, view.surface.ylim)
            inside[diverged] = np.nan
            path = surface_arrow_path(origins, inside, view.heights,
                                      TRAIL_LIFT * 2 * view.heights.span)
            line.set_data_3d(path[:, 0], path[:, 1], path[:, 2])
            line.set_visible(bool(np.isfinite(path).any()))

    def _update_edges(self, k: int, diverged: np.ndarray) -> None:
        """Arrowheads on the map's edge nearest each start that is off it, pointing (on
        screen) the way it went."""
        view, surface = self.view, self.view.surface
        where = self.trajectory.positions[k]
        off = ~diverged & np.isfinite(where).all(axis=1) & ~surface.contains(where[:, 0],
                                                                              where[:, 1])
        for j, marker in enumerate(self.edges):
            if not off[j]:
                marker.set_visible(False)
                continue
            edge = np.array([np.clip(where[j, 0], *surface.xlim),
                             np.clip(where[j, 1], *surface.ylim)])
            way = where[j] - edge
            ahead = edge + 0.02 * min(np.ptp(surface.xlim), np.ptp(surface.ylim)) \
                * way / np.linalg.norm(way)
            points = np.array([[*edge, 0.0], [*ahead, 0.0]])
            points[:, 2] = view.heights(points[:, 0], points[:, 1]) + BALL_LIFT * view.heights.span
            xs, ys = view.project(points)
            (x0, y0), (x1, y1) = view.ax.transData.transform(np.column_stack([xs, ys]))
            angle = np.degrees(np.arctan2(y1 - y0, x1 - x0))
            marker.set_marker(MarkerStyle(">", transform=Affine2D().rotate_deg(angle)))
            marker.set_data([xs[0]], [ys[0]])
            marker.set_visible(True)

    def _update_trails(self, first: int, k: int, hidden: np.ndarray | None) -> None:
        """The trail from ``first`` to k, broken where the surface hides it."""
        trail = self.view.render.trail
        points = self.trail_path[first:k + 1].copy()                  # (length, n, 3)
        if hidden is not None:
            points[hidden] = np.nan
        if trail.fade and self.trails:
            segments = np.stack([points[:-1], points[1:]], axis=2)   # (length-1, n, 2, 3)
            age = np.linspace(0.0, 1.0, segments.shape[0] + 1)[1:]   # 0 oldest .. 1 newest
            alpha = np.broadcast_to(age[:, None], segments.shape[:2])
            keep = np.isfinite(segments).all(axis=(2, 3))
            rgba = np.tile(mcolors.to_rgba(self.color), (int(keep.sum()), 1))
            rgba[:, 3] = alpha[keep]
            self.trails[0].set_segments(list(segments[keep]))
            self.trails[0].set_color(rgba)
            self.trails[0].set_visible(bool(keep.any()))
            return
        for i, line in enumerate(self.trails):
            line.set_data_3d(points[:, i, 0], points[:, i, 1], points[:, i, 2])
            line.set_visible(k > first)

    def _update_squares(self, k: int, alive: np.ndarray) -> None:
        view = self.view
        sides = self.square_scale * np.sqrt(np.maximum(self.trajectory.accumulators[k], 0.0))
        faces = square_faces(self.x[k], self.y[k], self.z[k] + TRAIL_LIFT * view.heights.span,
                             sides, self.signs[k], view.surface, view.heights,
                             z_per_x(view.surface, view.heights))
        shown = alive & np.isfinite(faces).all(axis=(1, 2, 3)) & self.square_starts
        faces[~shown] = 0.0
        sizes = np.where(shown[:, None], sides, 0.0)
        faces[sizes == 0] = faces[sizes == 0][..., :1, :]  # collapse empty squares to a point
        self.squares.set_verts(list(faces.reshape(-1, *faces.shape[2:])))
        self.squares.set_visible(bool(shown.any()))



def _colormap(name: str):
    import matplotlib

    try:
        return matplotlib.colormaps[name]
    except KeyError:
        raise RenderError(f"render.colormap: unknown colormap {name!r}") from None
