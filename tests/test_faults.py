"""Issue 5's faults, end to end.

Numbers that go bad (a racer that diverges, a surface with a singularity or a region where it or
its gradient is NaN) are drawn sensibly, in both views, as a still and as a GIF, without a
warning.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from mpl_toolkits.mplot3d import proj3d
from PIL import Image

from race.engine import run
from race.loader import scene_from_text
from race.render import render, render_still
from race.render.stage import Stage
from race.render.surface3d_geometry import MESH_CELLS, grid
from race.render.theme import LIGHT
from race.surfaces.base import Surface

VIEWS = ("contour", "surface3d")


# -- numerical faults ---------------------------------------------------------------------------

RACE = """
title: Faults
surface: {surface}
start: {start}
steps: 12
racers:
  - {{optimizer: sgd, lr: {lr}, label: Wild, color: "#ff00ff"}}
  - {{optimizer: sgd, lr: 0.05, label: Calm, color: "#0000ff"}}
render: {{view: {view}, size: [240, 180], dpi: 60, fps: 10, duration: 0.5, hold: 0,
          squares: false, loss_panel: {panel}}}
"""


def numeric_race(view: str, surface: str = "bowl", start=(1.5, 1.0), lr: float = 2.0,
                 panel: str = "none"):
    """Wild (sgd at ``lr``) and Calm (sgd at 0.05) from ``start``, run by the engine."""
    text = RACE.format(surface=surface, start=list(start), lr=lr, view=view, panel=panel)
    return run(scene_from_text(text))


def expression(expr: str) -> str:
    return f'{{expr: "{expr}", xlim: [-2, 2], ylim: [-2, 2]}}'


def legend(stage: Stage) -> list[str]:
    return [text.get_text() for text in stage.legend.get_texts()]


def cross_pixels(stage: Stage, step: int) -> list[tuple[float, float]]:
    """Display (x, y) of every diverged-racer cross drawn at ``step``, in any view."""
    found = []
    for view in stage.views:
        for artist in view.update(step):
            if getattr(artist, "get_marker", lambda: None)() != "X" or not artist.get_visible():
                continue
            if hasattr(artist, "get_data_3d"):
                xs, ys, zs = (np.asarray(v, dtype=float) for v in artist.get_data_3d())
                xs, ys, _ = proj3d.proj_transform(xs, ys, zs, view.ax.get_proj())
            else:
                xs, ys = (np.asarray(v, dtype=float) for v in artist.get_data())
            points = np.column_stack([xs, ys])
            points = points[np.isfinite(points).all(axis=1)]
            found += [tuple(p) for p in view.ax.transData.transform(points)] if len(points) else []
    return found


def near(frame: np.ndarray, stage: Stage, point, color, radius: int = 2,
         tolerance: int = 45) -> bool:
    """Some pixel within ``radius`` of display point ``point`` has ``color``."""
    row, col = int(round(stage.height - point[1])), int(round(point[0]))
    patch = frame[row - radius:row + radius + 1, col - radius:col + radius + 1, :3].astype(int)
    return bool((np.abs(patch - np.array(to_rgb(color)) * 255).max(axis=-1) <= tolerance).any())


def map_pixels(stage: Stage, frame: np.ndarray) -> np.ndarray:
    """The RGB pixels inside the first view's axes box, (n, 3)."""
    x0, y0, x1, y1 = stage.views[0].ax.bbox.extents
    rows = slice(int(stage.height - y1) + 1, int(stage.height - y0) - 1)
    return frame[rows, int(x0) + 1:int(x1) - 1, :3].reshape(-1, 3)


def commonest_share(pixels: np.ndarray) -> float:
    """How much of ``pixels`` the single commonest colour covers (colours binned by 16)."""
    binned = (pixels.astype(int) // 16) @ np.array([256, 16, 1])
    return float(np.unique(binned, return_counts=True)[1].max() / len(binned))


def assert_writes_a_still_and_a_gif(race, folder: Path) -> None:
    width, height = race.scene.render.size
    with Image.open(render_still(race, folder / "still.png")) as still:
        assert still.size == (width, height)
    with Image.open(render(race, folder / "race.gif")) as gif:
        assert gif.format == "GIF" and gif.n_frames > 1
    assert sorted(os.listdir(folder)) == ["race.gif", "still.png"]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("view", VIEWS)
def test_a_diverging_racer_is_crossed_on_the_map_and_named_in_the_legend(view, tmp_path):
    race = numeric_race(view)    # sgd lr 2 on x² + y²: x -> -3x, out of the race at step 4
    wild, calm = race.trajectories
    assert wild.diverged_at.tolist() == [4] and calm.diverged_at.tolist() == [-1]
    stage = Stage(race)
    stage.frame(3)
    assert cross_pixels(stage, 3) == [] and "diverged" not in legend(stage)[0]
    frame = np.array(stage.frame(12))
    assert legend(stage)[0].endswith("diverged at step 4")
    assert "diverged" not in legend(stage)[1]
    crosses = cross_pixels(stage, 12)
    assert len(crosses) == 1
    # it flew far off the map (to x = -40.5): the cross marks where it was last seen on it
    assert stage.views[0].ax.bbox.contains(*crosses[0])
    assert near(frame, stage, crosses[0], LIGHT.diverged)
    assert_writes_a_still_and_a_gif(race, tmp_path)


SINGULAR = {
    # expression: (start, Wild's lr, the step Wild lands on the singularity, or None)
    "1/(x**2 + y**2)": ((1.0, 0.5), 0.1, None),    # descent rolls away from the pole
    "log(x**2 + y**2)": ((1.0, 0.0), 0.5, 1),      # x - 0.5 * 2x / x² = 0: log 0
    "sqrt(abs(x)) + y**2": ((0.0, 1.0), 0.1, 1),   # starts on the cusp: the gradient is 0/0
    "1/x": ((-1.0, 0.5), 1.0, 1),                  # -1 + 1 * 1/1 = 0: 1/0
}


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("expr", list(SINGULAR))
def test_a_singular_surface_draws_with_a_usable_scale_and_marks_who_hit_it(expr, view,
                                                                           tmp_path):
    start, lr, hits = SINGULAR[expr]
    race = numeric_race(view, expression(expr), start, lr, panel="right")
    wild = race.trajectories[0]
    stage = Stage(race)
    frame = np.array(stage.frame(race.scene.steps))
    if hits is None:
        assert wild.diverged_at.tolist() == [-1]
    else:
        assert wild.diverged_at.tolist() == [hits]
        assert legend(stage)[0].endswith(f"diverged at step {hits}")
        gone = sum(int((t.diverged_at >= 0).sum()) for t in race.trajectories)  # Calm too?
        crosses = cross_pixels(stage, race.scene.steps)
        assert len(crosses) == gone
        assert all(near(frame, stage, p, LIGHT.diverged) for p in crosses)
    pixels = map_pixels(stage, frame)
    assert commonest_share(pixels) < 0.8          # never one flat colour (nor blank)
    if view == "contour":
        assert commonest_share(pixels) < 0.5      # the colours spread over the map
    else:                                         # the pole does not flatten the surface
        surface3d = stage.views[0]
        heights = surface3d.heights(*grid(surface3d.surface, MESH_CELLS + 1))
        low, high = surface3d.ax.get_zlim()
        q1, q3 = np.nanpercentile(heights, [25, 75])
        assert (q3 - q1) / (high - low) > 0.1
    assert_writes_a_still_and_a_gif(race, tmp_path)


def test_a_pole_between_samples_no_longer_paints_the_map_one_colour():
    # the contour view samples 1/x on a 300-point grid that misses x = 0: the two samples
    # beside it (+-150) used to stretch the scale so the rest of the map was one colour
    race = numeric_race("contour", expression("1/x"), (1.0, 0.5), 0.05)
    stage = Stage(race)
    frame = np.array(stage.frame(0))
    assert commonest_share(map_pixels(stage, frame)) < 0.5
    left, right = (np.array(frame[int(stage.height - p[1]), int(p[0]), :3], dtype=int)
                   for p in stage.views[0].ax.transData.transform([(-0.3, -1.5), (0.3, -1.5)]))
    assert np.abs(left - right).max() > 60        # 1/x = -3.3 and 3.3: clearly different


def nan_gradient_for_negative_x() -> Surface:
    """x² + y², whose gradient is NaN where x < 0 (the value stays finite there)."""
    def gradient(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return np.where(x < 0, np.nan, 2 * x), np.where(x < 0, np.nan, 2 * y)
    return Surface(name="half", formula="x² + y²", value=lambda x, y: x**2 + y**2,
                   gradient=gradient, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0))


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("case", ["gradient NaN", "value and gradient NaN"])
def test_a_region_where_the_gradient_is_nan_stops_who_enters_it(case, view, tmp_path):
    if case == "gradient NaN":                # Wild jumps to x = 1.5 - 0.9 * 3 < 0
        text = RACE.format(surface="bowl", start=[1.5, 1.0], lr=0.9, view=view, panel="none")
        scene = scene_from_text(text)
        race, enters = run(replace(scene, surface=nan_gradient_for_negative_x())), 1
    else:                                     # sqrt(x) is NaN for x < 0: a hole in the map
        race, enters = numeric_race(view, expression("sqrt(x) + y**2"), (1.5, 1.0), 0.9), 4
    wild, calm = race.trajectories
    assert wild.diverged_at.tolist() == [enters] and calm.diverged_at.tolist() == [-1]
    assert np.isfinite(wild.positions).all() and np.isfinite(calm.positions).all()
    stage = Stage(race)
    frame = np.array(stage.frame(12))
    assert legend(stage)[0].endswith(f"diverged at step {enters}")
    crosses = cross_pixels(stage, 12)
    assert len(crosses) == 1 and near(frame, stage, crosses[0], LIGHT.diverged)
    assert commonest_share(map_pixels(stage, frame)) < 0.8
    assert_writes_a_still_and_a_gif(race, tmp_path)
