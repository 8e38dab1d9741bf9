"""What a medium asks of a frame: no axes text for a thumbnail; a transparent background whose
text still reads (race/draw/medium.py)."""

from __future__ import annotations

import numpy as np
import pytest

from handmade import line, make_race, small_render, trajectory
from race.draw.stage import Stage


def frame_and_texts(**render):
    stage = Stage(make_race(trajectory(line((-1.5, -1.0), (1.5, 1.0), 10)),
                            render=small_render(**render)))
    try:
        frame = np.array(stage.frame(5))
        texts = [t.get_text() for ax in stage.figure.axes
                 for t in ax.get_xticklabels() + ax.get_yticklabels()
                 + [ax.xaxis.label, ax.yaxis.label] if t.get_visible()]
        return frame, texts
    finally:
        stage.close()


@pytest.mark.parametrize("view", ["contour", "surface3d"])
def test_without_axes_text_no_tick_label_or_axis_name_is_drawn(view):
    _, shown = frame_and_texts(view=view)
    assert any(text.strip() for text in shown)              # the default draws them
    _, bare = frame_and_texts(view=view, axes_text=False)
    assert [text for text in bare if text.strip()] == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_transparent_frame_clears_the_margins_and_keeps_the_map(theme):
    frame, _ = frame_and_texts(background="transparent", theme=theme)
    assert frame[1, 1, 3] == 0 and frame[-2, 1, 3] == 0                 # figure corners
    height, width = frame.shape[:2]
    assert frame[height // 2, width // 2, 3] == 255                     # the map


def test_the_opaque_default_paints_the_theme_background():
    frame, _ = frame_and_texts(theme="dark")
    assert tuple(frame[1, 1]) == (0x11, 0x14, 0x18, 255)
