"""The 3D view, checked by rendering small Agg frames and probing their pixels where the 3D
points project."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d import art3d, proj3d

from race.engine import NOT_YET, Race, Trajectory
from race.draw.surface3d import Surface3DView
from race.draw.surface3d_geometry import Heights, flip_signs, square_faces
from race.draw.theme import LIGHT
from race.scene import Camera, Racer, Render, Scene, Squares, Trail
from race.surfaces.base import Surface

matplotlib.use("Agg")

YELLOW = "#f2d13a"
GREEN = "#00ff00"
MAGENTA = "#ff00ff"
SIZE = (640, 400)
ARTICLE = Path(__file__).resolve().parents[2] / "configs" / "article.yaml"
ARTICLE_CAMERA = Camera(elev=35.0, azim=-95.0, dist=8.0, focal_length=0.5)


def bowl() -> Surface:
    return Surface(name="bowl", formula="x² + y²", value=lambda x, y: x**2 + y**2,
                   gradient=lambda x, y: (2 * x, 2 * y), xlim=(-2.0, 2.0), ylim=(-2.0, 2.0),
                   minima=((0.0, 0.0),))


@dataclass(frozen=True)
class Config:
    lr: float


def descend(surface: Surface, kind: str, lr: float, steps: int, start=(1.5, 1.5),
            alpha: float = 0.99, eps: float = 1e-10):
    """Adagrad / RMSProp / plain SGD from one start, the torch way; arrays as the engine's."""
    p = np.array(start, dtype=float)
    acc = np.zeros(2)
    positions, gradients, accumulators = [], [], []
    for _ in range(steps + 1):
        g = np.array(surface.gradient(p[0], p[1]), dtype=float)
        positions.append(p.copy())
        gradients.append(g)
        accumulators.append(acc.copy())
        if kind == "adagrad":
            acc = acc + g * g
        elif kind == "rmsprop":
            acc = alpha * acc + (1 - alpha) * g * g
        p = p - lr * (g if kind == "sgd" else g / (np.sqrt(acc) + eps))
    positions, gradients = np.array(positions)[:, None], np.array(gradients)[:, None]
    losses = surface.value(positions[..., 0], positions[..., 1])
    accumulators = None if kind == "sgd" else np.array(accumulators)[:, None]
    return positions, losses, gradients, accumulators


def trajectory(surface: Surface, kind: str, lr: float, steps: int, color: str, **kw) -> Trajectory:
    positions, losses, gradients, accumulators = descend(surface, kind, lr, steps, **kw)
    racer = Racer(optimizer=kind, config=Config(lr), label=kind, color=color, starts=((1.5, 1.5),))
    return Trajectory(racer, positions, losses, gradients, accumulators, None,
                      np.array([NOT_YET]), np.array([NOT_YET]))


def article_race(steps: int = 600, **render) -> Race:
    surface = bowl()
    trajectories = (trajectory(surface, "adagrad", 1e-2, steps, MAGENTA),
                    trajectory(surface, "rmsprop", 1e-3, steps, GREEN))
    options = dict(view="surface3d", size=SIZE, surface_color=YELLOW, camera=ARTICLE_CAMERA,
                   trail=Trail(show=False))
    options.update(render)
    scene = Scene(name="test", title="test", surface=surface, steps=steps,
                  racers=tuple(t.racer for t in trajectories), render=Render(**options))
    return Race(scene, trajectories)


class Frame:
    """A view in its own Agg figure, filling it, as the driver lays out a single view."""

    def __init__(self, race: Race, racers=(0, 1)) -> None:
        width, height = race.scene.render.size
        self.figure = Figure(figsize=(width / 100, height / 100), dpi=100,
                             facecolor=LIGHT.background)
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_axes((0, 0, 1, 1), projection=Surface3DView.projection)
        self.view = Surface3DView(self.ax, race, LIGHT, racers)
        self.view.draw_static()
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.height = height

    def pixels(self) -> np.ndarray:
        return np.asarray(self.canvas.buffer_rgba())[..., :3].astype(int).copy()

    def blit(self, step: int, keep=lambda artist: True) -> np.ndarray:
        self.canvas.restore_region(self.background)
        for artist in self.view.update(step):
            if keep(artist):
                self.ax.draw_artist(artist)
        return self.pixels()

    def redraw(self, step: int) -> np.ndarray:
        artists = self.view.update(step)
        self.canvas.draw()              # animated artists are left out of a full draw...
        for artist in artists:          # ...so the driver draws them on top, as when blitting
            self.ax.draw_artist(artist)
        return self.pixels()

    def pixel_of(self, point) -> tuple[int, int]:
        """(row, column) of the 3D point in the buffer."""
        x, y, _ = proj3d.proj_transform(*np.asarray(point, dtype=float), self.ax.get_proj())
        px, py = self.ax.transData.transform((x, y))
        return int(round(self.height - py)), int(round(px))


def near(image: np.ndarray, row: int, col: int, color: str, radius: int = 1,
         tolerance: int = 40) -> bool:
    """Some pixel within ``radius`` of (row, col) is within ``tolerance`` of ``color``."""
    target = np.array(to_rgb(color)) * 255
    patch = image[row - radius:row + radius + 1, col - radius:col + radius + 1]
    return bool((np.abs(patch - target).max(axis=-1) <= tolerance).any())


def changed(image: np.ndarray, background: np.ndarray, threshold: int = 12) -> int:
    return int((np.abs(image - background).max(axis=-1) > threshold).sum())


@pytest.fixture(scope="module")
def frame() -> Frame:
    return Frame(article_race())


def test_balls_show_their_colour_where_their_3d_points_project(frame):
    step = 600   # RMSProp has left AdaGrad behind by now
    image = frame.blit(step)
    background = frame.blit(step, keep=lambda a: False)
    points = frame.view.ball_points3d(step)
    rows_cols = [frame.pixel_of(p) for p in points]
    assert rows_cols[0] != rows_cols[1]
    for (row, col), color in zip(rows_cols, (MAGENTA, GREEN)):
        assert near(image, row, col, color)
        assert not near(background, row, col, color, tolerance=60)


def test_the_surface_colour_is_at_the_bowls_projected_centre():
    frame = Frame(article_race(wireframe=False))
    image = frame.blit(0)
    row, col = frame.pixel_of((0.0, 0.0, 0.0))
    r, g, b = np.median(image[row - 2:row + 3, col - 2:col + 3].reshape(-1, 3), axis=0)
    # the solid yellow, lit: clearly yellow whatever the shading
    assert r > 120 and g > 100 and b < 0.5 * r and abs(r - g) < 0.3 * r


def test_adagrad_squares_grow_while_rmsprop_squares_stay_small():
    race = article_race()
    counts = {}
    for racer in (0, 1):
        frame = Frame(race, racers=(racer,))
        background = frame.blit(0, keep=lambda a: False)
        squares = lambda a: isinstance(a, art3d.Poly3DCollection)  # noqa: E731
        counts[racer] = [changed(frame.blit(step, keep=squares), background)
                         for step in (3, 300)]
    area = SIZE[0] * SIZE[1]
    adagrad, rmsprop = counts[0], counts[1]
    assert adagrad[1] > 4 * adagrad[0]          # AdaGrad's squares keep growing...
    assert adagrad[1] > 0.08 * area             # ...until they dwarf the plot,
    assert adagrad[1] < 0.8 * area              # clipped so the frame is not all grey
    assert 0 < rmsprop[1] < 0.02 * area         # RMSProp's stay small
    assert rmsprop[1] < adagrad[1] / 10


def test_blitting_gives_the_same_frame_as_a_full_redraw(frame):
    step = 450
    blitted = frame.blit(step)
    redrawn = frame.redraw(step)
    for point in frame.view.ball_points3d(step):
        row, col = frame.pixel_of(point)
        window = (slice(row - 6, row + 7), slice(col - 6, col + 7))
        assert np.array_equal(blitted[window], redrawn[window])
    assert np.abs(blitted - redrawn).mean() < 0.5


def test_moving_artists_stay_out_of_the_cached_background_and_are_the_same_every_frame(frame):
    first, second = frame.view.update(10), frame.view.update(500)
    assert first == second and len(first) > 0
    assert all(artist.get_animated() for artist in first)
    zorders = [artist.get_zorder() for artist in first]
    assert zorders == sorted(zorders)
    assert all(z > 1 for z in zorders)   # above the surface


def test_racers_without_accumulators_draw_no_squares():
    surface = bowl()
    race = article_race()
    sgd = trajectory(surface, "sgd", 0.05, race.scene.steps, MAGENTA)
    race = Race(race.scene, (sgd,))
    frame = Frame(race, racers=(0,))
    artists = frame.view.update(100)
    assert not any(isinstance(a, art3d.Poly3DCollection) for a in artists)
    image = frame.blit(100)
    row, col = frame.pixel_of(frame.view.ball_points3d(100)[0])
    assert near(image, row, col, MAGENTA)


def test_squares_can_be_switched_off():
    frame = Frame(article_race(squares=Squares(show=False)))
    assert not any(isinstance(a, art3d.Poly3DCollection) for a in frame.view.update(300))


def test_a_diverged_racer_is_marked_with_a_cross_where_it_left_the_domain():
    race = article_race(steps=40)
    good = race.trajectories[0]
    positions = good.positions.copy()
    positions[20:] = [[5.0, 5.0]]            # off the plot from step 20, frozen there
    gone = replace(good, positions=positions, diverged_at=np.array([20]))
    frame = Frame(Race(race.scene, (gone,)), racers=(0,))
    frame.blit(19)
    cross = [a for a in frame.view.update(19)
             if isinstance(a, art3d.Line3D) and a.get_marker() == "X"][0]
    assert not cross.get_visible()
    image = frame.blit(30)
    assert cross.get_visible()
    heights = Heights.of(race.scene.surface)
    x, y = positions[19, 0]
    row, col = frame.pixel_of((x, y, heights(x, y) + 0.015 * heights.span))
    assert near(image, row, col, LIGHT.diverged, radius=2)
    assert not near(image, row, col, MAGENTA, radius=2, tolerance=30)   # no ball any more


def test_trails_follow_the_surface_and_fade_when_asked():
    race = article_race(steps=200, trail=Trail(show=True, width=3.0))
    frame = Frame(race, racers=(0,))
    image = frame.blit(200)
    x, y = race.trajectories[0].positions[100, 0]
    row, col = frame.pixel_of((x, y, x * x + y * y))
    assert near(image, row, col, MAGENTA, radius=2, tolerance=60)
    faded = Frame(article_race(steps=200, trail=Trail(show=True, fade=True, width=3.0)),
                  racers=(0,))
    assert any(isinstance(a, art3d.Line3DCollection) and a.get_visible()
               for a in faded.view.update(200))


def test_a_fixed_camera_never_asks_for_a_new_background(frame):
    assert not frame.view.moves_camera
    assert frame.view.background_key(0) is None and frame.view.background_key(500) is None


def test_an_orbiting_camera_turns_with_video_time_and_says_so():
    race = article_race(camera=replace(ARTICLE_CAMERA, orbit=12.0), fps=10, duration=6.0)
    frame = Frame(race)
    view = frame.view
    assert view.moves_camera
    first, last = view.background_key(0), view.background_key(race.scene.steps)
    azim = ARTICLE_CAMERA.azim
    assert first == pytest.approx(azim)
    assert last == pytest.approx(azim + 12.0 * 5.9)   # the last race frame, at 59/10 s
    assert frame.ax.azim == pytest.approx(last)
    view.set_frame_time(2.0)
    assert view.background_key(0) == pytest.approx(azim + 24.0)
    image = frame.redraw(race.scene.steps)    # a full redraw shows the balls at the new angle
    row, col = frame.pixel_of(view.ball_points3d(race.scene.steps)[1])
    assert near(image, row, col, GREEN)


def test_squares_stand_at_the_ball_open_downhill_and_stay_in_the_box():
    surface = bowl()
    heights = Heights.of(surface)
    assert (heights.low, heights.high) == (0.0, 8.0)
    x, y = np.array([1.5, -0.5]), np.array([1.5, 0.2])
    z = heights(x, y)
    sides = np.array([[0.5, 0.25], [10.0, 10.0]])
    signs = np.array([[-1.0, -1.0], [1.0, -1.0]])
    faces = square_faces(x, y, z, sides, signs, surface, heights, z_scale=2.0)
    # ball 0: corner at the ball, x–z square toward -x, y–z square toward -y, square on screen
    xz, yz = faces[0]
    assert np.allclose(xz[0], (1.5, 1.5, 4.5)) and np.allclose(yz[0], (1.5, 1.5, 4.5))
    assert np.allclose(xz[:, 1], 1.5) and np.allclose(yz[:, 0], 1.5)
    assert xz[:, 0].min() == pytest.approx(1.0) and yz[:, 1].min() == pytest.approx(1.25)
    assert xz[:, 2].max() == pytest.approx(4.5 + 1.0) and yz[:, 2].max() == pytest.approx(5.0)
    # ball 1: huge squares are clipped to the domain and the top of the box
    big = faces[1]
    assert big[0, :, 0].max() == pytest.approx(2.0) and big[1, :, 1].min() == pytest.approx(-2.0)
    assert big[..., 2].max() == pytest.approx(8.0)
    # and their bottom edges never dip under the surface
    bottom = big[:, :-2]
    assert np.all(bottom[..., 2] >= heights(bottom[..., 0], bottom[..., 1]) - 1e-9)


def test_a_square_keeps_its_side_while_the_gradient_is_exactly_zero():
    g = np.array([[[2.0, -1.0]], [[0.0, 0.0]], [[-3.0, 0.0]]])
    signs = flip_signs(g)
    assert signs[:, 0].tolist() == [[-1.0, 1.0], [-1.0, 1.0], [1.0, 1.0]]


def test_the_article_scene_tells_the_story():
    """Its camera is the one the pixel tests above use."""
    from race.engine import run
    from race.loader import load_scene

    scene = load_scene(ARTICLE, ["steps=300"])
    assert scene.render.view == "surface3d" and scene.surface.name == "bowl"
    assert scene.render.camera == ARTICLE_CAMERA and scene.render.squares.show
    assert [r.color for r in scene.racers] == ["white", "#00ff00"]
    width, height = scene.render.size
    assert width % 2 == 0 and height % 2 == 0 and 1.5 < width / height < 1.7
    race = run(scene)
    adagrad, rmsprop = race.trajectories
    first = [t.positions[1, 0] - t.positions[0, 0] for t in race.trajectories]
    assert np.allclose(first[0], first[1], rtol=1e-6)       # the same first step...
    apart = np.abs(adagrad.positions[300] - rmsprop.positions[300]).max()
    assert apart > 1e-2                                       # ...then apart
    assert np.all(adagrad.accumulators[300] > 20 * rmsprop.accumulators[300])


# -- occlusion: what the surface hides from the camera is not drawn over it -------------------

SIDE_CAMERA = Camera(elev=15.0, azim=-90.0, dist=10.0, focal_length=None)  # looking along +y


def hill() -> Surface:
    return Surface(name="hill", formula="3 exp(−x² − y²)",
                   value=lambda x, y: 3 * np.exp(-x**2 - y**2),
                   gradient=lambda x, y: (-6 * x * np.exp(-x**2 - y**2),
                                          -6 * y * np.exp(-x**2 - y**2)),
                   xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), minima=())


def walk(surface: Surface, path, color: str) -> Trajectory:
    """A racer that follows ``path`` (steps+1, 2), one start, no accumulator."""
    positions = np.asarray(path, dtype=float)[:, None]
    gradients = np.stack(surface.gradient(positions[..., 0], positions[..., 1]), axis=-1)
    racer = Racer(optimizer="sgd", config=Config(0.1), label=color, color=color,
                  starts=(tuple(positions[0, 0]),))
    return Trajectory(racer, positions, surface.value(positions[..., 0], positions[..., 1]),
                      gradients, None, None, np.array([NOT_YET]), np.array([NOT_YET]))


def hill_frame(*paths, **render) -> Frame:
    surface = hill()
    trajectories = tuple(walk(surface, path, color)
                         for path, color in zip(paths, (MAGENTA, GREEN)))
    steps = trajectories[0].positions.shape[0] - 1
    options = dict(view="surface3d", size=SIZE, surface_color=YELLOW, camera=SIDE_CAMERA,
                   wireframe=False, trail=Trail(show=False), squares=Squares(show=False))
    options.update(render)
    scene = Scene(name="hill", title="hill", surface=surface, steps=steps,
                  racers=tuple(t.racer for t in trajectories), render=Render(**options))
    return Frame(Race(scene, trajectories), racers=tuple(range(len(trajectories))))


def test_a_ball_behind_a_hill_is_hidden_and_one_in_front_is_not():
    behind, front = [[0.0, 1.2]] * 3, [[0.0, -1.2]] * 3
    frame = hill_frame(behind, front)
    image = frame.blit(2)
    background = frame.blit(2, keep=lambda a: False)
    hidden_at, front_at = (frame.pixel_of(p) for p in frame.view.ball_points3d(2))
    assert near(background, *hidden_at, YELLOW, radius=0, tolerance=90)   # the hill is there
    assert not near(image, *hidden_at, MAGENTA, radius=3, tolerance=60)
    assert near(image, *front_at, GREEN)
    # the hidden ball is only faint: a tint of its colour over the hill, not the ball
    assert np.abs(image[hidden_at] - background[hidden_at]).max() < 0.5 * 255


def test_a_ball_on_the_far_slope_shows_once_it_climbs_over_the_top():
    path = [[0.0, y] for y in (1.5, 0.0)]
    frame = hill_frame(path)
    assert frame.view.hidden(frame.view.ball_points3d(0)).tolist() == [True]
    image = frame.blit(0)
    assert not near(image, *frame.pixel_of(frame.view.ball_points3d(0)[0]), MAGENTA,
                    radius=3, tolerance=60)
    assert frame.view.hidden(frame.view.ball_points3d(1)).tolist() == [False]
    image = frame.blit(1)                      # on the summit: in full view
    assert near(image, *frame.pixel_of(frame.view.ball_points3d(1)[0]), MAGENTA)


def test_a_trail_passing_behind_a_hill_is_missing_there_and_drawn_elsewhere():
    xs = np.linspace(-1.9, 1.9, 77)
    frame = hill_frame(np.stack([xs, np.full_like(xs, 1.0)], axis=-1),
                       trail=Trail(show=True, width=4.0))
    last = xs.size - 1
    image = frame.blit(last)
    heights = Heights.of(hill())
    for x, shown in ((-1.8, True), (1.8, True), (0.0, False), (0.3, False)):
        row, col = frame.pixel_of((x, 1.0, heights(x, 1.0) + 0.004 * heights.span))
        assert near(image, row, col, MAGENTA, radius=2, tolerance=60) == shown, x


def test_balls_and_trails_on_the_visible_side_are_never_judged_hidden():
    # every point of the near slope, at the lifts balls and trails are drawn at
    frame = hill_frame([[0.0, -1.0]] * 2)
    x, y = np.meshgrid(np.linspace(-1.9, 1.9, 39), np.linspace(-1.9, -0.05, 20))
    heights = frame.view.heights
    for lift in (0.015, 0.004):
        points = np.stack([x, y, heights(x, y) + lift * heights.span], axis=-1)
        assert not frame.view.hidden(points).any()


def test_nothing_in_the_article_bowl_is_hidden(frame):
    for track in frame.view._tracks:
        assert not frame.view.hidden(track.ball_path).any()
        assert not frame.view.hidden(track.trail_path).any()
