"""Every output format decoded back: frame counts, sizes, loop flags; output checks up front."""

from __future__ import annotations

import os

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from tiny_scenes import FRAMES, make_race
from race.errors import RenderError
from race.draw import frame_steps, render, render_still
from race.draw import stage as stage_module


def decoded_video(path) -> tuple[int, tuple[int, int]]:
    frames = imageio_ffmpeg.read_frames(str(path))
    meta = next(frames)
    return sum(1 for _ in frames), tuple(meta["size"])


def test_the_schedule_is_what_the_files_hold(race):
    assert len(frame_steps(race.scene.render, race.scene.steps)) == FRAMES


def test_gif_frame_count_size_and_loop(race, tmp_path):
    out = render(race, tmp_path / "race.gif")
    with Image.open(out) as gif:
        assert gif.n_frames == FRAMES
        assert gif.size == (160, 120)
        assert gif.info.get("loop") == 0            # loop forever
        gif.seek(FRAMES - 1)
        assert gif.info["duration"] in (100, 110, 90)   # 10 fps in centiseconds


def test_gif_without_loop_has_no_loop_extension(tmp_path):
    out = render(make_race("render.loop=false"), tmp_path / "once.gif")
    with Image.open(out) as gif:
        assert "loop" not in gif.info
        assert gif.n_frames == FRAMES


def test_gif_first_frame_looks_like_the_still(race, tmp_path):
    gif_path = render(race, tmp_path / "race.gif")
    still = render_still(race, tmp_path / "first.png", step=0)
    with Image.open(gif_path) as gif, Image.open(still) as png:
        a = np.asarray(gif.convert("RGB")).astype(int)
        b = np.asarray(png.convert("RGB")).astype(int)
    assert np.mean(np.abs(a - b)) < 6                      # one palette, no dithering


def test_mp4_frame_count_and_size(race, tmp_path):
    out = render(race, tmp_path / "race.mp4")
    assert decoded_video(out) == (FRAMES, (160, 120))


def test_webm_frame_count_and_size(race, tmp_path):
    out = render(race, tmp_path / "race.webm")
    assert decoded_video(out) == (FRAMES, (160, 120))


def test_png_folder_holds_every_frame_and_the_manifest(race, tmp_path):
    out = render(race, f"{tmp_path / 'frames'}/")
    names = sorted(os.listdir(out))
    assert names == [".race-frames.json"] + [f"frame_{i:05d}.png" for i in range(FRAMES)]
    names = names[1:]
    with Image.open(out / names[-1]) as last:
        assert last.size == (160, 120)


def test_a_path_ending_in_a_separator_is_a_folder(race, tmp_path):
    out = render(race, str(tmp_path / "frames") + "/")
    assert out.is_dir() and len(os.listdir(out)) == FRAMES + 1     # and the manifest


def test_png_output_is_the_last_frame(race, tmp_path):
    out = render(race, tmp_path / "end.png")
    still = render_still(race, tmp_path / "still.png", step=race.scene.steps)
    assert np.array_equal(np.asarray(Image.open(out)), np.asarray(Image.open(still)))


def test_still_size_and_step_range(race, tmp_path):
    out = render_still(race, tmp_path / "s.png", step=5)
    with Image.open(out) as png:
        assert png.size == (160, 120) and png.mode == "RGB"
    with pytest.raises(RenderError, match="outside the race"):
        render_still(race, tmp_path / "bad.png", step=41)


def test_missing_folders_are_created(race, tmp_path):
    out = render(race, tmp_path / "a" / "b" / "race.gif")
    assert out.is_file()


def test_progress_reports_every_frame(race, tmp_path):
    calls = []
    render(race, tmp_path / "p.mp4", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, FRAMES) for i in range(1, FRAMES + 1)]


@pytest.fixture
def no_drawing(monkeypatch):
    """Fail the test if anything gets drawn."""
    def refuse(*args, **kwargs):
        raise AssertionError("drew before checking the output")
    monkeypatch.setattr(stage_module.Stage, "__init__", refuse)


def test_unknown_extension_fails_before_drawing(race, tmp_path, no_drawing):
    with pytest.raises(RenderError, match="unknown output extension '.avi'"):
        render(race, tmp_path / "race.avi")
    assert os.listdir(tmp_path) == []


def test_odd_size_for_h264_fails_before_drawing(tmp_path, no_drawing):
    race = make_race("render.size=[161, 120]")
    with pytest.raises(RenderError, match="even width and height.*162x120"):
        render(race, tmp_path / "odd.mp4")


def test_odd_sizes_are_fine_for_gif(tmp_path):
    out = render(make_race("render.size=[161, 121]"), tmp_path / "odd.gif")
    with Image.open(out) as gif:
        assert gif.size == (161, 121)


def test_unwritable_folder_fails_before_drawing(race, tmp_path, no_drawing):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(RenderError, match="a part of this path is a file"):
        render(race, blocker / "race.gif")
    with pytest.raises(RenderError):
        render_still(race, blocker / "race.png")


def test_a_folder_named_like_a_file_is_refused(race, tmp_path, no_drawing):
    (tmp_path / "race.gif").mkdir()
    with pytest.raises(RenderError, match="is a folder"):
        render(race, tmp_path / "race.gif")


def test_error_messages_are_one_line(race, tmp_path):
    with pytest.raises(RenderError) as info:
        render(race, tmp_path / "x.doc")
    assert "\n" not in str(info.value)
