"""Text and lines follow the frame's size unless the scene fixes a dpi."""

from __future__ import annotations

import pytest

from fit_checks import drawn_frame, scene
from race.draw.sizing import frame_dpi, text_scale


def tick_label_pixels(stage) -> float:
    """The height in pixels of the map's tick label font (as drawn)."""
    ax = stage.maps[0].ax
    label = next(t for t in ax.get_xticklabels() if t.get_text())
    return label.get_fontsize() * stage.figure.dpi / 72.0


def legend_pixels(stage) -> float:
    return stage.legend.get_texts()[0].get_fontsize() * stage.figure.dpi / 72.0


def test_a_full_hd_frame_has_slide_sized_text():
    stage, _, texts = drawn_frame(scene(2, size=[1920, 1080]))
    assert tick_label_pixels(stage) >= 18          # was 11 px at a fixed 100 dpi
    assert legend_pixels(stage) >= 22              # was 12.5 px
    # and the drawn glyphs are that large: a tick label's box is at least that tall
    renderer = stage.canvas.get_renderer()
    ax = stage.maps[0].ax
    heights = [t.get_window_extent(renderer).height for t in ax.get_yticklabels()
               if t.get_text()]
    assert min(heights) >= 18


def test_text_takes_the_same_share_of_any_frame():
    small, _, _ = drawn_frame(scene(2, size=[800, 600]))
    large, _, _ = drawn_frame(scene(2, size=[1600, 1200]))
    assert small.figure.dpi == 100                 # the reference look is unchanged
    assert tick_label_pixels(large) == pytest.approx(2 * tick_label_pixels(small))
    assert legend_pixels(large) / large.height == pytest.approx(
        legend_pixels(small) / small.height)


def test_a_very_wide_frame_scales_text_by_its_height():
    assert text_scale((2520, 540)) == pytest.approx(540 / 600)
    assert text_scale((800, 1800)) == pytest.approx(1.0)


def test_thumbnails_keep_a_legible_floor():
    assert text_scale((160, 120)) == text_scale((320, 240)) > 0.4


def test_an_explicit_dpi_wins():
    assert frame_dpi((1920, 1080), 100) == 100
    stage, _, _ = drawn_frame(scene(2, size=[1920, 1080], dpi=100))
    assert stage.figure.dpi == 100
    assert tick_label_pixels(stage) == pytest.approx(8 * 100 / 72)


def test_odd_sizes_still_give_exactly_the_requested_pixels():
    for size in ((1921, 1079), (333, 187), (7680, 4320)):
        dpi = frame_dpi(size, None)
        from race.draw.sizing import figure_inches
        from matplotlib.figure import Figure
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(Figure(figsize=figure_inches(size, dpi), dpi=dpi))
        renderer = canvas.get_renderer()
        assert (int(renderer.width), int(renderer.height)) == size
