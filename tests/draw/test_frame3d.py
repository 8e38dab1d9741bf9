"""The 3D view frames itself: nothing it draws reaches its panel's edge, and it fills it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.colors import to_rgb

import race
from fit_checks import drawn_frame, overlap, scene
from race.engine import run
from race.draw.frame3d import _label_boxes
from race.draw.theme import THEMES

CAMERAS = {
    "default": {},
    "article": {"elev": 35, "azim": -95, "dist": 8, "focal_length": 0.5},
    "close": {"elev": 55, "azim": -93, "dist": 6.8, "focal_length": 0.35},
    "overhead": {"elev": 85, "azim": -60},
    "low": {"elev": 5, "azim": 30, "focal_length": None},
}
SIZES = [(800, 600), (1280, 720), (600, 600), (1260, 540)]


def ring(frame: np.ndarray, box, width: int = 2) -> np.ndarray:
    """The pixels of a ``width``-pixel ring just inside ``box`` (figure pixels, y up)."""
    height = frame.shape[0]
    x0, x1 = int(np.ceil(box.x0)), int(np.floor(box.x1))
    top, bottom = int(np.ceil(height - box.y1)), int(np.floor(height - box.y0))
    rows = frame[top:bottom, x0:x1, :3]
    return np.concatenate([rows[:width].reshape(-1, 3), rows[-width:].reshape(-1, 3),
                           rows[:, :width].reshape(-1, 3), rows[:, -width:].reshape(-1, 3)])


def assert_untouched_edges(stage, frame: np.ndarray, theme: str) -> None:
    background = np.array(to_rgb(THEMES[theme].background)) * 255
    edge = np.concatenate([frame[:2, :, :3].reshape(-1, 3), frame[-2:, :, :3].reshape(-1, 3),
                           frame[:, :2, :3].reshape(-1, 3), frame[:, -2:, :3].reshape(-1, 3)])
    assert np.abs(edge - background).max() <= 1, "something touches the frame's edge"
    for view in stage.maps:                     # nor is anything cut at the panel's edge
        inside = ring(frame, view._cell)
        assert np.abs(inside - background).max() <= 1, "the 3D drawing is cut at its panel"


# every camera at two of the four aspects, every aspect in both themes
CASES = [(camera, SIZES[(i + k) % 4], ("light", "dark")[(i + k // 2) % 2])
         for i, camera in enumerate(CAMERAS) for k in (0, 2)]


@pytest.mark.parametrize("camera, size, theme", CASES,
                         ids=lambda v: v if isinstance(v, str) else f"{v[0]}x{v[1]}")
def test_nothing_in_a_3d_frame_touches_its_edges(camera, size, theme):
    result = scene(2, size=list(size), view="surface3d", theme=theme, camera=CAMERAS[camera],
                   loss_panel="right" if size == (1280, 720) else "none")
    stage, frame, _ = drawn_frame(result)
    assert_untouched_edges(stage, frame, theme)


def test_an_orbiting_camera_stays_inside_its_frame_all_the_way_round():
    result = scene(2, size=[640, 400], view="surface3d", fps=10, duration=2.0,
                   camera={"orbit": 180.0, "elev": 25, "dist": 7})
    stage, _, _ = drawn_frame(result)
    for seconds in np.linspace(0.0, 1.9, 6):
        frame = np.array(stage.frame(result.scene.steps // 2, seconds))
        assert_untouched_edges(stage, frame, "light")


def test_the_3d_picture_fills_its_panel():
    for size in SIZES:
        stage, frame, _ = drawn_frame(scene(2, size=list(size), view="surface3d"))
        (view,) = stage.maps
        ink = np.abs(frame[..., :3].astype(int) - 255).max(axis=-1) > 8
        height = frame.shape[0]
        cell = view._cell
        rows = ink[int(height - cell.y1):int(height - cell.y0), int(cell.x0):int(cell.x1)]
        used_w = np.flatnonzero(rows.any(axis=0))
        used_h = np.flatnonzero(rows.any(axis=1))
        margin = 0.1 * min(cell.width, cell.height)
        # the drawing reaches within 10% of the panel's edges on at least one axis
        fills_w = used_w[0] <= margin and used_w[-1] >= cell.width - margin
        fills_h = used_h[0] <= margin and used_h[-1] >= cell.height - margin
        assert fills_w or fills_h, size


def test_the_article_surface_fills_its_frame_like_the_reference():
    """The reference frames (lilipads/gradient_descent_viz, 71% yellow by this measure) show
    the bowl cut by the frame; ours is drawn without its box, uncut, under a title and legend,
    and still covers more than 30% of the frame (the boxed view of v0.1 managed 17%)."""
    result = run(race.load("article", {"steps": 300}))
    stage, frame, _ = drawn_frame(result)
    rgb = frame[..., :3].astype(int)
    yellow = rgb[..., 0] - rgb[..., 2] > 40
    assert yellow.mean() >= 0.30
    assert_untouched_edges(stage, frame, "light")


def test_without_its_box_the_surface_alone_is_framed():
    boxed, _, texts = drawn_frame(scene(2, size=[800, 600], view="surface3d"))
    bare, frame, bare_texts = drawn_frame(scene(2, size=[800, 600], view="surface3d",
                                                box=False))
    assert {"x", "y", "loss"} <= {t for t, _ in texts}
    assert not {"x", "y", "loss"} & {t for t, _ in bare_texts}
    assert_untouched_edges(bare, frame, "light")
    side = [s.maps[0].ax.get_position().width for s in (boxed, bare)]
    assert side[1] > 1.15 * side[0]                   # the picture is drawn larger


@pytest.mark.parametrize("camera", ["default", "article", "close", "overhead"])
def test_3d_tick_labels_do_not_run_into_each_other(camera):
    stage, _, _ = drawn_frame(scene(2, size=[800, 600], view="surface3d",
                                    camera=CAMERAS[camera]))
    ax = stage.maps[0].ax
    renderer = stage.canvas.get_renderer()
    boxes = [(axis, box) for axis in (ax.xaxis, ax.yaxis, ax.zaxis)
             for box in _label_boxes(axis, renderer)]
    clashes = [(a.axis_name, b.axis_name) for (a, p), (b, q) in itertools.combinations(boxes, 2)
               if overlap(p, q, slack=1.0)]
    assert not clashes
    z_ticks = [t for t in ax.zaxis.get_majorticklabels() if t.get_text()]
    assert 2 <= len(z_ticks) <= 9


def test_tick_labels_are_drawn_over_the_surface():
    from race.draw.frame3d import LabelsOnTop

    stage, _, _ = drawn_frame(scene(2, size=[640, 480], view="surface3d"))
    ax = stage.maps[0].ax
    on_top = [a for a in ax.get_children() if isinstance(a, LabelsOnTop)]
    assert len(on_top) == 1
    surface = max(c.get_zorder() for c in ax.collections if not c.get_animated())
    assert on_top[0].get_zorder() > surface
