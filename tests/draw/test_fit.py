"""Every layout fits its frame, read from the figure itself: every drawn text inside the canvas,
no panel over another or over the title and legend, and the maps covering a fair share of the
frame, at 4:3, 16:9, 1:1 and 21:9 and from thumbnails to 1920x1080."""

from __future__ import annotations

import numpy as np
import pytest

from fit_checks import (ASPECTS, check_no_text_cut_and_no_panel_crossed, drawn_frame,
                        map_boxes, map_share, outside, overlap, panel_boxes, scene)

LAYOUTS = {                       # name: (racers, render settings)
    "single": (2, {}),
    "side-by-side": (2, {"layout": "side-by-side"}),
    "grid of 1": (1, {"layout": "grid"}),
    "grid of 3": (3, {"layout": "grid"}),
    "grid of 5": (5, {"layout": "grid"}),
    "3D": (2, {"view": "surface3d"}),
}
LOSS = ("none", "right", "bottom")
# the least share of the frame the maps cover (with the loss panel's own share taken)
LEAST_SHARE = {"none": 0.22, "right": 0.14, "bottom": 0.09}

# every layout at every aspect, each loss panel placement at a different aspect per layout
CASES = [(name, aspect, LOSS[(i + j) % 3])
         for i, name in enumerate(LAYOUTS) for j, aspect in enumerate(ASPECTS)]
SIZES = [("single", (320, 240), "right"), ("grid of 3", (320, 240), "bottom"),
         ("grid of 3", (320, 180), "none"),
         ("side-by-side", (1920, 1080), "none"), ("grid of 5", (1920, 1080), "right"),
         ("3D", (336, 256), "bottom"), ("single", (1920, 1080), "bottom")]


def check_fits(name: str, size: tuple[int, int], loss: str) -> None:
    racers, render = LAYOUTS[name]
    result = scene(racers, size=list(size), loss_panel=loss, **render)
    stage, _, texts = drawn_frame(result)
    assert texts, "nothing was drawn"
    check_no_text_cut_and_no_panel_crossed(stage, texts)
    share = map_share(stage)
    assert share >= LEAST_SHARE[loss], f"maps cover only {share:.0%} of the frame"


@pytest.mark.parametrize("name, aspect, loss", CASES,
                         ids=[f"{n}-{a}-loss {l}" for n, a, l in CASES])
def test_every_layout_fits_every_aspect(name, aspect, loss):
    check_fits(name, ASPECTS[aspect], loss)


@pytest.mark.parametrize("name, size, loss", SIZES,
                         ids=[f"{n}-{s[0]}x{s[1]}-loss {l}" for n, s, l in SIZES])
def test_layouts_fit_from_thumbnails_to_full_hd(name, size, loss):
    check_fits(name, size, loss)


def test_a_grid_of_three_on_a_wide_frame_packs_its_maps_side_by_side():
    """The reported case: 3 racers on 1200x600 drew 115 px maps far apart with an empty slot."""
    stage, _, _ = drawn_frame(scene(3, size=[1200, 600], layout="grid"))
    boxes = sorted(map_boxes(stage), key=lambda b: b.x0)
    assert all(b.width >= 300 for b in boxes), [round(b.width) for b in boxes]
    assert len({round(b.y0) for b in boxes}) == 1                  # one row, no empty slot
    em = 9 * stage.figure.dpi / 72
    renderer = stage.canvas.get_renderer()
    outer = sorted((v.ax.get_tightbbox(renderer) for v in stage.maps), key=lambda b: b.x0)
    gaps = [b.x0 - a.x1 for a, b in zip(outer, outer[1:])]
    assert max(gaps) <= 3 * em, gaps
    # what is left over is shared evenly left and right
    left, right = outer[0].x0, stage.width - outer[-1].x1
    assert abs(left - right) <= 2


def test_a_loss_panel_under_a_grid_is_never_larger_than_the_maps():
    stage, _, _ = drawn_frame(scene(5, size=[800, 600], layout="grid", loss_panel="bottom"))
    renderer = stage.canvas.get_renderer()
    maps = [v.ax.get_tightbbox(renderer) for v in stage.maps]
    loss = stage.loss.ax.get_tightbbox(renderer)
    rows = {round(b.y0) for b in maps}
    maps_height = max(b.y1 for b in maps) - min(b.y0 for b in maps)
    assert loss.height <= maps_height + 1, (loss.height, maps_height, len(rows))


def test_side_by_side_gives_the_3d_view_a_picture_as_large_as_the_map_and_no_gap():
    for size in ((800, 600), (1280, 720)):
        stage, _, _ = drawn_frame(scene(2, size=list(size), layout="side-by-side"))
        picture, flat = map_boxes(stage)
        assert picture.width * picture.height >= 0.9 * flat.width * flat.height
        renderer = stage.canvas.get_renderer()
        gap = stage.maps[1].ax.get_tightbbox(renderer).x0 - picture.x1
        assert gap <= 0.06 * size[0], gap


def test_the_3d_view_names_its_axes():
    stage, _, texts = drawn_frame(scene(2, size=[800, 600], layout="side-by-side"))
    drawn = {text for text, _ in texts}
    assert {"x", "y", "loss"} <= drawn


def test_a_wide_domain_fills_the_width_it_is_given():
    wide = {"expr": "0.1*x**2 + y**2", "xlim": [-5, 5], "ylim": [-2.5, 2.5]}
    for loss, least in (("none", 0.9), ("right", 0.6)):
        stage, _, _ = drawn_frame(scene(2, surface=wide, size=[800, 600], loss_panel=loss))
        (box,) = map_boxes(stage)
        assert box.width >= least * (stage.width - 60), (loss, box.width)
        assert box.width == pytest.approx(2 * box.height, rel=0.01)      # still to scale


def test_a_long_title_is_wrapped_inside_the_frame_clear_of_the_counter():
    title = ("A very long title that goes on and on about optimizers racing on the Beale "
             "function surface, longer than any frame is wide")
    for size in ((800, 600), (480, 360)):
        stage, _, texts = drawn_frame(scene(2, size=list(size), title=title))
        renderer = stage.canvas.get_renderer()
        box = stage.title.get_window_extent(renderer)
        assert not outside(box, *size)
        assert "\n" in stage.title.get_text()
        stage.counter.text.set_text(stage.counter.label(result_steps(stage)))
        counter = stage.counter.text.get_window_extent(renderer)
        assert not overlap(box, counter, slack=0.0)
        assert stage.title.get_fontsize() >= 0.7 * 14


def result_steps(stage) -> int:
    return stage.race.scene.steps


def test_on_a_wide_frame_the_legend_stands_beside_the_map_which_grows():
    beside, _, _ = drawn_frame(scene(11, size=[1280, 720]))
    renderer = beside.canvas.get_renderer()
    legend = beside.legend.get_window_extent(renderer)
    (panel,) = panel_boxes(beside)
    assert legend.x0 > panel.x1 and legend.y1 <= beside.height
    # the map is as tall as the frame less the title: the legend took none of its height
    (box,) = map_boxes(beside)
    title = beside.title.get_window_extent(renderer)
    assert panel.y1 >= title.y0 - 0.05 * beside.height
    # on a narrow frame the legend stays on top, above every panel
    above, _, _ = drawn_frame(scene(3, size=[600, 800]))
    legend = above.legend.get_window_extent(above.canvas.get_renderer())
    assert all(b.y1 <= legend.y0 + 1 for b in panel_boxes(above))


def test_nothing_is_left_in_the_frame_by_an_earlier_layout_round():
    """The frame drawn after layout equals one drawn by a fresh stage (no stale pixels)."""
    result = scene(3, size=[640, 400], layout="grid", loss_panel="right")
    first, _, _ = drawn_frame(result)
    again, _, _ = drawn_frame(result)
    step = result.scene.steps
    assert np.array_equal(np.array(first.frame(step)), np.array(again.frame(step)))
