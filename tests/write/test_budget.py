"""--max-bytes: GIF and WebP fitted under a byte budget, what changed said, the impossible
refused with nothing written."""

from __future__ import annotations

import os

import pytest
from PIL import Image

from tiny_scenes import FRAMES, make_race
from race.draw import render
from race.draw import stage as stage_module
from race.errors import RenderError
from race.write.budget import ladder


def sized(name: str, tmp_path, *overrides: str) -> int:
    return render(make_race(*overrides), tmp_path / "free" / name).stat().st_size


@pytest.mark.parametrize("name", ["race.gif", "race.webp"])
def test_a_file_already_under_budget_is_written_as_it_is(tmp_path, name):
    free = sized(name, tmp_path)
    notes = []
    out = render(make_race(f"render.max_bytes={free * 2}"), tmp_path / name,
                 report=notes.append)
    assert out.stat().st_size <= free * 2 and notes == []
    with Image.open(out) as image:
        assert image.size == (160, 120)


@pytest.mark.parametrize("name, unit", [("race.gif", "colours"), ("race.webp", "quality")])
def test_an_oversized_file_is_fitted_and_the_change_reported(tmp_path, name, unit):
    free = sized(name, tmp_path)
    budget = int(free * 0.7)
    notes = []
    out = render(make_race(f"render.max_bytes={budget}"), tmp_path / name,
                 report=notes.append)
    assert out.stat().st_size <= budget
    assert len(notes) == 1 and f"under {budget:,} bytes" in notes[0]
    assert unit in notes[0] or "fps" in notes[0] or "->" in notes[0]
    with Image.open(out) as image:
        assert image.is_animated and image.info.get("loop") == 0
    assert sorted(os.listdir(tmp_path)) == ["free", name]        # no temporary left


def test_a_tight_gif_budget_lowers_frame_rate_or_size_and_keeps_the_clip(tmp_path):
    free = sized("race.gif", tmp_path, "render.size=[320, 240]", "render.dpi=80")
    budget = int(free * 0.3)
    notes = []
    out = render(make_race("render.size=[320, 240]", "render.dpi=80",
                           f"render.max_bytes={budget}"), tmp_path / "tight.gif",
                 report=notes.append)
    assert out.stat().st_size <= budget
    with Image.open(out) as gif:
        frames, total = gif.n_frames, 0
        for index in range(frames):
            gif.seek(index)
            total += gif.info["duration"]
        size = gif.size
    assert (frames < FRAMES) == ("fps" in notes[0])
    assert (size != (320, 240)) == ("320x240 ->" in notes[0])
    assert abs(total - FRAMES * 100) <= 10 * frames      # the clip lasts as long as before


def test_an_impossible_budget_is_refused_and_nothing_is_written(tmp_path):
    target = tmp_path / "race.gif"
    target.write_bytes(b"the earlier render")
    with pytest.raises(RenderError, match=r"race.gif: cannot fit under 100 bytes: the "
                                          r"smallest setting \(16 colours, 8 fps, 80x60\)"):
        render(make_race("render.max_bytes=100"), target)
    assert target.read_bytes() == b"the earlier render"
    assert os.listdir(tmp_path) == ["race.gif"]


@pytest.fixture
def no_drawing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("drew before checking the output")
    monkeypatch.setattr(stage_module.Stage, "__init__", refuse)


@pytest.mark.parametrize("name", ["race.mp4", "race.apng", "still.png", "frames/"])
def test_a_budget_for_other_formats_is_refused_before_drawing(tmp_path, no_drawing, name):
    with pytest.raises(RenderError, match="fits .gif and .webp files only"):
        render(make_race("render.max_bytes=100000"), f"{tmp_path}/{name}")
    assert os.listdir(tmp_path) == []


def test_the_ladder_spends_colours_then_frame_rate_then_size():
    rungs = ladder("gif", 30)
    assert [r.level for r in rungs[:3]] == [256, 128, 64]
    assert all(r.scale == 1 for r in rungs[:6]) and [r.fps for r in rungs[3:6]] == [20, 15, 12]
    assert [r.scale for r in rungs[6:9]] == [0.8, 0.65, 0.5]
    assert min(r.fps for r in rungs[:-1]) == 12 and rungs[-1].fps == 8
    assert ladder("webp", 10)[-1].fps == 8 and all(r.fps <= 10 for r in ladder("webp", 10))
