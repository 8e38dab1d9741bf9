"""The contour view and the frame driver, probed pixel by pixel on small Agg frames."""

from __future__ import annotations


import numpy as np
import pytest
from matplotlib.colors import to_rgb

from handmade import BLUE, RED, line, make_race, small_render, trajectory
from race.errors import RenderError
from race.draw.stage import Stage
from race.draw.theme import DARK, LIGHT
from race.scene import Arrows, Squares, Trail


def pixel(stage: Stage, frame: np.ndarray, x: float, y: float, view: int = 0) -> np.ndarray:
    """The RGB of the frame pixel where data point (x, y) of view ``view`` lands."""
    px, py = stage.views[view].ax.transData.transform((x, y))
    return frame[int(stage.height - py), int(px), :3].astype(int)


def close(rgb, color, tolerance=12) -> bool:
    return bool(np.all(np.abs(np.asarray(rgb) - np.array(to_rgb(color)) * 255) <= tolerance))


def near(stage: Stage, frame: np.ndarray, x: float, y: float, color, tolerance=12) -> bool:
    """Some pixel within one of where (x, y) lands has ``color`` (thin lines snap to pixels)."""
    px, py = stage.views[0].ax.transData.transform((x, y))
    row, col = int(stage.height - py), int(px)
    patch = frame[row - 1:row + 2, col - 1:col + 2, :3].astype(int).reshape(-1, 3)
    return any(close(rgb, color, tolerance) for rgb in patch)


def test_the_ball_is_drawn_where_the_trajectory_says(straight):
    stage = Stage(straight)
    for step in (0, 7, 20):
        frame = stage.frame(step)
        x, y = straight.trajectories[0].positions[step, 0]
        assert close(pixel(stage, frame, x, y), RED), step
    # and not where it was before (the background is restored, the trail is thinner than it)
    frame = stage.frame(20)
    x0, y0 = straight.trajectories[0].positions[0, 0]
    assert not close(pixel(stage, frame, x0 + 0.3, y0 - 0.3), RED)


def test_frames_are_exactly_the_requested_size():
    for size, dpi in (((320, 240), 50), ((321, 203), 100), ((250, 250), 72)):
        race = make_race(trajectory(line((0, 0), (1, 1), 4)), render=small_render(size=size,
                                                                                    dpi=dpi))
        assert Stage(race).frame(2).shape == (size[1], size[0], 4)


def test_blitting_leaves_nothing_behind_a_frame_equals_a_fresh_drawing(straight):
    stage = Stage(straight)
    for step in (20, 3, 11):
        stage.frame(step)
    again = np.array(stage.frame(9))
    fresh = np.array(Stage(straight).frame(9))
    assert np.array_equal(again, fresh)


def test_theme_background_at_the_corner_and_dark_differs(straight):
    light = Stage(straight).frame(0)
    assert close(light[2, 2, :3], LIGHT.background, 1)
    dark_race = make_race(straight.trajectories[0], render=small_render(theme="dark"))
    dark = Stage(dark_race).frame(0)
    assert close(dark[2, 2, :3], DARK.background, 1)
    assert not close(dark[2, 2, :3], LIGHT.background, 40)


def square_extent(stage: Stage, frame: np.ndarray, plain: np.ndarray, x: float, y: float,
                  direction) -> int:
    """Pixels from the ball's centre along ``direction`` until the frame matches ``plain``
    (the same frame without squares) again: how far the square reaches."""
    px, py = stage.views[0].ax.transData.transform((x, y))
    col, row = int(px), int(stage.height - py)
    dx, dy = direction
    reach = 0
    for distance in range(1, stage.width):
        r, c = row - dy * distance, col + dx * distance
        if not (0 <= r < stage.height and 0 <= c < stage.width):
            break
        if np.abs(frame[r, c, :3].astype(int) - plain[r, c, :3].astype(int)).max() > 6:
            reach = distance
    return reach


def test_a_square_grows_with_the_accumulated_squared_gradient():
    steps = 10
    positions = np.tile([[0.5, 0.25]], (steps + 1, 1, 1))
    acc = np.zeros((steps + 1, 1, 2))
    acc[:, 0, 0] = np.linspace(0.0, 4.0, steps + 1) ** 2        # sqrt grows linearly to 4
    acc[:, 0, 1] = 0.0
    racer = trajectory(positions, accumulators=acc)
    # no legend: the squares' legend entries would move the map between the two frames
    shown = make_race(racer, render=small_render(squares=Squares(show=True, scale=0.25),
                                                  trail=Trail(show=False), legend=False))
    hidden = make_race(racer, render=small_render(trail=Trail(show=False), legend=False))
    stage, plain_stage = Stage(shown), Stage(hidden)
    reaches = {}
    for step in (5, 10):
        frame = np.array(stage.frame(step))
        plain = np.array(plain_stage.frame(step))
        # gradient 2x > 0: the x-square opens downhill, to the left (-x) of the ball
        reaches[step] = square_extent(stage, frame, plain, 0.5, 0.25, (-1, 0))
        assert square_extent(stage, frame, plain, 0.5, 0.25, (1, 0)) < reaches[step]
    pixels_per_unit = (stage.views[0].ax.transData.transform((1, 0))
                       - stage.views[0].ax.transData.transform((0, 0)))[0]
    for step, side in ((5, 2.0 * 0.25), (10, 4.0 * 0.25)):
        assert abs(reaches[step] - side * pixels_per_unit) <= 3
    assert reaches[10] > 1.8 * reaches[5]


def test_squares_flip_to_the_downhill_side_with_the_gradient():
    positions = np.array([[[-0.5, 0.0]], [[-0.5, 0.0]]])            # gradient 2x < 0
    acc = np.zeros((2, 1, 2))
    acc[:, 0, 0] = 4.0                                                # the x-square only
    racer = trajectory(positions, accumulators=acc)
    stage = Stage(make_race(racer, render=small_render(squares=Squares(show=True, scale=0.3),
                                                        trail=Trail(show=False), legend=False)))
    plain_stage = Stage(make_race(racer, render=small_render(trail=Trail(show=False),
                                                              legend=False)))
    frame, plain = np.array(stage.frame(1)), np.array(plain_stage.frame(1))
    left = square_extent(stage, frame, plain, -0.5, 0.0, (-1, 0))
    right = square_extent(stage, frame, plain, -0.5, 0.0, (1, 0))
    assert right > 2 * left                                          # downhill is +x here


def test_racers_without_an_accumulator_draw_no_squares(straight):
    render = small_render(squares=Squares(show=True, scale=0.5), trail=Trail(show=False))
    with_squares = np.array(Stage(make_race(straight.trajectories[0], render=render)).frame(10))
    without = np.array(Stage(make_race(straight.trajectories[0],
                                       render=small_render(trail=Trail(show=False)))).frame(10))
    assert np.array_equal(with_squares, without)   # accumulators=None: nothing to draw


def test_a_diverged_racer_gets_a_cross_and_says_so_in_the_legend():
    positions = line((0.0, 0.0), (1.0, 1.0), 10)
    positions[6:] = positions[5]                         # frozen where it left
    racer = trajectory(positions, diverged_at=[6])
    stage = Stage(make_race(racer))
    stage.frame(5)
    assert "diverged" not in stage.legend.get_texts()[0].get_text()
    frame = stage.frame(8)
    assert stage.legend.get_texts()[0].get_text().endswith("diverged at step 6")
    assert close(pixel(stage, frame, *positions[5, 0]), LIGHT.diverged, 40)


def test_several_starts_draw_every_ball():
    starts = np.stack([line((-1, -1), (0, 0), 6)[:, 0], line((1, -1), (0.5, 0.5), 6)[:, 0],
                       line((-1, 1.5), (-0.5, 0.5), 6)[:, 0]], axis=1)
    stage = Stage(make_race(trajectory(starts), render=small_render(dpi=100)))
    frame = stage.frame(6)
    for j in range(3):
        assert close(pixel(stage, frame, *starts[6, j]), RED, 40)


def test_two_racers_legend_names_optimizer_and_lr():
    a = trajectory(line((-1, -1), (0, 0), 5), label="Fast", color=RED)
    b = trajectory(line((1, 1), (0, 0.5), 5), label="Slow", color=BLUE, optimizer="rmsprop")
    stage = Stage(make_race(a, b))
    frame = stage.frame(5)
    labels = [t.get_text() for t in stage.legend.get_texts()]
    assert labels == ["Fast (adagrad, lr 0.1)", "Slow (rmsprop, lr 0.1)"]
    assert close(pixel(stage, frame, 0.0, 0.5), BLUE)


def test_arrows_are_drawn_from_the_ball():
    positions = np.tile([[1.0, 0.0]], (3, 1, 1))             # gradient (2, 0): -grad points left
    racer = trajectory(positions)
    render = small_render(arrows=Arrows(gradient=True, scale=0.5), trail=Trail(show=False))
    stage = Stage(make_race(racer, render=render))
    frame = stage.frame(1)
    assert near(stage, frame, 0.5, 0.0, RED, 60)          # in the racer's colour
    assert not near(stage, frame, 1.5, 0.0, RED, 60)


def test_grid_layout_has_one_panel_per_racer_and_a_loss_panel_on_log_axes():
    a = trajectory(line((-1, -1), (0, 0), 5), label="A", color=RED)
    b = trajectory(line((1, 1), (0, 0.5), 5), label="B", color=BLUE)
    stage = Stage(make_race(a, b, render=small_render(layout="grid", loss_panel="right",
                                                      size=(480, 240))))
    frame = stage.frame(5)
    assert [type(v).__name__ for v in stage.views] == ["ContourView", "ContourView", "LossView"]
    assert [v.racers for v in stage.views[:2]] == [(0,), (1,)]
    assert stage.views[2].ax.get_yscale() == "log"
    assert close(pixel(stage, frame, 0.0, 0.5, view=1), BLUE)


def test_side_by_side_puts_a_3d_view_beside_the_contour_view(straight):
    race = make_race(straight.trajectories[0], render=small_render(layout="side-by-side",
                                                                   size=(480, 240)))
    stage = Stage(race)
    stage.frame(3)
    assert [type(v).__name__ for v in stage.views] == ["Surface3DView", "ContourView"]


def test_an_unknown_view_is_a_render_error(straight, monkeypatch):
    from race.draw import view

    monkeypatch.setitem(view.VIEWS, "contour", "race.draw.nowhere:Nothing")
    with pytest.raises(RenderError, match="contour view is not available"):
        Stage(straight)


def test_the_step_counter_pasted_from_sprites_matches_drawn_text(straight):
    stage = Stage(straight)
    for step in (0, 9, 17, 20):
        frame = np.array(stage.frame(step))
        counter = stage.counter
        stage.canvas.restore_region(stage._background)
        counter.text.set_text(counter.label(step))
        stage.figure.draw_artist(counter.text)
        drawn = np.asarray(stage.canvas.buffer_rgba())[counter.region]
        assert np.abs(frame[counter.region].astype(int) - drawn.astype(int)).max() <= 2


def test_a_trail_of_limited_length_forgets_its_start():
    positions = line((-1.5, 0.0), (1.5, 0.0), 30)
    full = Stage(make_race(trajectory(positions)))
    short = Stage(make_race(trajectory(positions),
                            render=small_render(trail=Trail(length=5, width=3.0))))
    early = (-1.2, 0.0)                              # passed at step 3
    assert near(full, full.frame(30), *early, RED, 40)
    assert not near(short, short.frame(30), *early, RED, 60)
    assert near(short, short.frame(30), 1.2, 0.0, RED, 40)   # passed at step 27: kept


def test_a_fading_trail_is_faint_at_its_start_and_strong_near_the_ball():
    positions = line((-1.5, 0.0), (1.5, 0.0), 30)
    stage = Stage(make_race(trajectory(positions),
                            render=small_render(trail=Trail(fade=True, width=4.0))))
    frame = stage.frame(30)
    def redness(x):
        px, py = stage.views[0].ax.transData.transform((x, 0.0))
        rgb = frame[int(stage.height - py) - 1:int(stage.height - py) + 2, int(px), :3].astype(int)
        return max(r - (g + b) / 2 for r, g, b in rgb)
    assert redness(1.1) > redness(-1.3) + 40
