"""Arrows, squares, balls off the map and the loss panel's ends, on real and hand-made races."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from matplotlib import colors as mcolors
from matplotlib.collections import PolyCollection
from matplotlib.quiver import Quiver

import race
from handmade import line, make_race, small_render, trajectory
from race.engine import run
from race.draw import scales
from race.draw.stage import Stage
from race.draw.surface3d_geometry import Heights, surface_arrow_path
from race.scene import Trail


def saddle_run(**render):
    """Two racers near the saddle's top edge: −∇f there points off the map."""
    return run(race.load({
        "surface": "saddle", "start": [1.2, 1.7], "steps": 40,
        "racers": [{"optimizer": "sgd", "lr": 0.02, "momentum": 0.9},
                   {"optimizer": "adam", "lr": 0.05}],
        "render": {"size": [480, 360], "squares": False, **render}}))


def quivers(stage) -> list[Quiver]:
    return [c for c in stage.maps[0].ax.collections if isinstance(c, Quiver)]


def test_arrows_stay_inside_the_map_in_the_racers_colour():
    result = saddle_run(arrows={"gradient": True, "step": True, "momentum": True})
    stage = Stage(result)
    surface = result.scene.surface
    found = set()
    for step in range(0, result.scene.steps + 1, 3):
        stage.frame(step)
        for quiver in quivers(stage):
            if not quiver.get_visible():
                continue
            tips = quiver.get_offsets() + np.column_stack([quiver.U, quiver.V])
            shown = np.hypot(quiver.U, quiver.V) > 0
            assert np.all(tips[shown, 0] >= surface.xlim[0] - 1e-9)
            assert np.all(tips[shown, 0] <= surface.xlim[1] + 1e-9)
            assert np.all(tips[shown, 1] >= surface.ylim[0] - 1e-9)
            assert np.all(tips[shown, 1] <= surface.ylim[1] + 1e-9), step
            found.add(tuple(np.round(_paint(quiver), 3)))
    racer_colors = {tuple(np.round(mcolors.to_rgb(r.color), 3)) for r in result.scene.racers}
    assert racer_colors <= found        # every racer's arrows wear its colour


def _paint(quiver) -> np.ndarray:
    face = quiver.get_facecolor()
    rgba = face[0] if len(face) and face[0][3] > 0 else quiver.get_edgecolor()[0]
    return np.asarray(rgba[:3])


def test_the_legend_names_each_arrow_kind_with_its_scale():
    result = saddle_run(arrows={"gradient": True, "step": True, "momentum": True})
    labels = [t.get_text() for t in Stage(result).legend.get_texts()]
    kinds = {a.kind: a for a in scales.arrow_scales(result)}
    for kind, name in (("gradient", "−∇f"), ("step", "step"), ("momentum", "momentum")):
        assert f"{name} ×{kinds[kind].factor:g}" in labels


def test_automatic_arrow_scales_are_round_and_steps_are_true_to_size():
    for value in (0.013, 0.7, 1.0, 3.9, 48.0):
        factor = scales.round_down(value)
        mantissa = factor / 10 ** np.floor(np.log10(factor))
        assert mantissa in (1.0, 2.0, 5.0) and value / 2.5 <= factor <= value
    # visible steps are drawn as they are: the arrow ends where the ball goes next
    result = saddle_run(arrows={"step": True})
    step = next(a for a in scales.arrow_scales(result) if a.kind == "step")
    assert step.factor == 1.0
    # tiny steps are magnified by a round factor, and the legend says by how much
    crawl = run(race.load({"surface": "bowl", "start": [1.5, 1.0], "steps": 30,
                           "racers": [{"optimizer": "sgd", "lr": 0.0005}],
                           "render": {"arrows": {"step": True}}}))
    (slow,) = scales.arrow_scales(crawl)
    assert slow.factor > 1 and slow.label == f"step ×{slow.factor:g}"


def test_an_arrow_is_shortened_to_end_on_the_edge_its_direction_kept():
    vectors = scales.inside_domain(np.array([[1.5, 0.0], [0.0, 0.0], [3.0, 0.0]]),
                                   np.array([[2.0, 1.0], [0.5, 0.5], [1.0, 0.0]]),
                                   (-2.0, 2.0), (-2.0, 2.0))
    assert np.allclose(vectors[0], [0.5, 0.25])          # stops at x = 2, same direction
    assert np.allclose(vectors[1], [0.5, 0.5])           # inside: untouched
    assert np.allclose(vectors[2], 0.0)                  # from off the map: nothing


def test_a_3d_step_arrow_lies_on_the_surface_and_ends_at_the_next_point():
    from handmade import bowl

    surface = bowl()
    heights = Heights.of(surface)
    origin, step = np.array([[1.5, 1.0]]), np.array([[-0.4, -0.2]])
    path = surface_arrow_path(origin, step, heights, lift=0.0)
    shaft = path[:12]
    assert np.allclose(shaft[-1, :2], [1.1, 0.8])
    assert np.allclose(shaft[:, 2], heights(shaft[:, 0], shaft[:, 1]))    # on the ground
    assert np.nanmax(path[:, 2]) <= heights(1.5, 1.0) + 1e-9               # not in the air


def many_starts(**squares):
    return run(race.load({
        "surface": "two_wells", "steps": 40,
        "racers": [{"optimizer": "adagrad", "lr": 0.1, "starts": {"grid": [4, 4]}},
                   {"optimizer": "rmsprop", "lr": 0.01, "starts": {"grid": [4, 4]}}],
        "render": {"size": [480, 360], "squares": {"show": True, **squares}}}))


def square_collections(stage) -> list[PolyCollection]:
    return [c for c in stage.maps[0].ax.collections
            if type(c) is PolyCollection and c.get_hatch() in ("--", "||")]


def test_with_many_starts_only_the_first_start_carries_squares():
    stage = Stage(many_starts())
    stage.frame(20)
    counts = [len(c.get_paths()) for c in square_collections(stage)]
    assert counts == [1, 1, 1, 1]                       # x and y square, two racers
    labels = [t.get_text() for t in stage.legend.get_texts()]
    assert any(label.startswith("x-square") and "(first start)" in label for label in labels)
    every = Stage(many_starts(starts="all"))
    every.frame(20)
    assert [len(c.get_paths()) for c in square_collections(every)] == [16] * 4


def test_the_legend_says_which_square_is_x_and_which_is_y():
    labels = [t.get_text() for t in Stage(many_starts()).legend.get_texts()]
    assert any("x-square" in label and "along x" in label for label in labels)
    assert any("y-square" in label and "along y" in label for label in labels)
    handles = Stage(many_starts()).legend.legend_handles
    hatches = [h.get_hatch() for h in handles if hasattr(h, "get_hatch") and h.get_hatch()]
    assert hatches == ["--", "||"]                      # as the map draws them


def test_per_racer_scales_make_every_racers_squares_visible():
    shared = scales.square_scales(many_starts())
    own = scales.square_scales(many_starts(per_racer=True))
    assert shared[0] == shared[1]
    result = many_starts(per_racer=True)
    sizes = [own[i] * np.percentile(np.sqrt(scales.live(t, t.accumulators)).max(axis=-1), 90)
             for i, t in enumerate(result.trajectories)]
    assert sizes[0] == pytest.approx(sizes[1])           # each racer's own squares as large
    assert own[1] > 3 * shared[1]                        # RMSProp's no longer vanish


def test_a_ball_off_the_map_is_marked_on_its_edge_pointing_the_way_it_went():
    positions = line((1.0, 0.5), (3.0, 0.5), 10)           # leaves through x = 2 at step 5
    render = small_render(trail=Trail(show=False), size=(400, 300), dpi=100)
    stage = Stage(make_race(trajectory(positions), render=render))
    frame = stage.frame(10)
    ax = stage.maps[0].ax
    edges = stage.maps[0].artists[0].edges
    assert edges.get_visible()
    assert np.allclose(edges.get_offsets(), [[2.0, 0.5]])
    head = edges.get_paths()[0].vertices
    assert head[0] @ [1, 0] > head[2] @ [1, 0]          # the tip is the point furthest +x
    px, py = ax.transData.transform((2.0, 0.5))
    row, col = int(stage.height - py), int(px) - 4
    assert np.abs(frame[row, col, :3].astype(int) - [255, 0, 0]).max() < 60
    stage.frame(3)                                        # back on the map: no marker
    assert not edges.get_visible()


def test_a_loss_running_to_1e_minus_23_does_not_squash_the_loss_axis():
    positions = line((1.5, 1.0), (0.0, 0.0), 40)
    racer = trajectory(positions)
    losses = np.geomspace(3.0, 1e-23, 41)[:, None]
    tiny = replace(racer, losses=losses)
    other = replace(trajectory(line((-1.0, 1.0), (-0.5, 0.5), 40), label="B", color="#0000ff"),
                    losses=np.geomspace(2.0, 0.5, 41)[:, None])
    stage = Stage(make_race(tiny, other, render=small_render(loss_panel="right",
                                                             size=(480, 300))))
    stage.frame(40)
    low, high = stage.loss.ax.get_ylim()
    assert high / low <= 1e9 * 1.6 ** 2                  # at most 8 decades, plus margins
    markers = {m.get_marker(): m for m, i in stage.loss.markers if i == 0}
    assert markers["v"].get_visible() and len(markers["v"].get_xdata()) == 1   # waits below
    assert len(markers["o"].get_xdata()) == 0
    for marker, _ in stage.loss.markers:
        assert not marker.get_clip_on()                   # never cut in half by the edge
        ys = np.asarray(marker.get_ydata(), dtype=float)
        assert np.all((ys >= low) & (ys <= high))


def test_the_loss_panels_end_markers_are_whole_at_the_last_step():
    result = saddle_run(loss_panel="right")
    stage = Stage(result)
    frame = np.array(stage.frame(result.scene.steps))
    renderer = stage.canvas.get_renderer()
    box = stage.loss.ax.get_window_extent(renderer)
    reach = stage.loss.overhang * stage.figure.dpi / 72
    shown = [m for m, _ in stage.loss.markers if len(m.get_xdata())]
    assert shown
    for marker in shown:
        extent = marker.get_window_extent(renderer)      # whole: inside the frame, at most
        assert extent.x0 >= 0 and extent.x1 <= stage.width     # its overhang past the box
        assert extent.x1 <= box.x1 + reach + 1 and extent.y0 >= box.y0 - reach - 1
    # nothing else is drawn where a marker reaches past the box: the room was kept for it
    renderer_boxes = [v.ax.get_tightbbox(renderer) for v in stage.maps]
    assert all(b.x1 < box.x0 for b in renderer_boxes)
    assert frame.shape[:2] == (360, 480)


def test_in_3d_a_ball_off_the_map_is_marked_on_its_edge_too():
    positions = line((1.0, 0.5), (3.0, 0.5), 10)
    render = small_render(view="surface3d", trail=Trail(show=False), size=(400, 300), dpi=100)
    stage = Stage(make_race(trajectory(positions), render=render))
    stage.frame(10)
    view = stage.maps[0]
    (marker,) = view._tracks[0].edges
    assert marker.get_visible()
    heights = view.heights
    edge = np.array([[2.0, 0.5, heights(2.0, 0.5) + 0.015 * heights.span]])
    xs, ys = view.project(edge)
    assert np.allclose([marker.get_xdata()[0], marker.get_ydata()[0]], [xs[0], ys[0]])
    stage.frame(2)
    assert not marker.get_visible()
