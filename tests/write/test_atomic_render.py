"""A failed render leaves nothing behind and never touches an earlier file."""

from __future__ import annotations

import os

import pytest

from race.errors import RenderError
from race.draw import render
from race.draw import stage as stage_module
from race.write import video
from tiny_scenes import make_race


def fail_on_frame(monkeypatch, number: int, error: BaseException) -> None:
    original = stage_module.Stage.frame
    calls = {"n": 0}

    def frame(self, step, seconds=None):
        calls["n"] += 1
        if calls["n"] == number:
            raise error
        return original(self, step, seconds)

    monkeypatch.setattr(stage_module.Stage, "frame", frame)


@pytest.mark.parametrize("name", ["race.gif", "race.mp4", "race.webm"])
def test_a_failure_midway_removes_the_temp_and_keeps_the_old_file(race, tmp_path, monkeypatch,
                                                                   name):
    target = tmp_path / name
    target.write_bytes(b"the earlier render")
    fail_on_frame(monkeypatch, 8, RuntimeError("boom"))
    with pytest.raises(RenderError, match="RuntimeError: boom"):
        render(race, target)
    assert target.read_bytes() == b"the earlier render"
    assert os.listdir(tmp_path) == [name]


def test_ctrl_c_is_reraised_after_cleaning_up(race, tmp_path, monkeypatch):
    target = tmp_path / "race.mp4"
    fail_on_frame(monkeypatch, 5, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        render(race, target)
    assert os.listdir(tmp_path) == []


def test_an_encoder_that_exits_early_is_a_render_error(race, tmp_path, monkeypatch):
    target = tmp_path / "race.mp4"
    target.write_bytes(b"old")
    monkeypatch.setattr(video, "mp4_args", lambda output: [
        "-c:v", "no-such-codec", "-f", "mp4", video.path_arg(output)])
    with pytest.raises(RenderError, match="H.264 encoder.*no-such-codec") as info:
        render(race, target)
    assert "\n" not in str(info.value)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["race.mp4"]


def test_a_failed_png_folder_keeps_the_earlier_frames(race, tmp_path, monkeypatch):
    target = tmp_path / "frames"
    render(race, f"{target}/")
    before = {name: (target / name).read_bytes() for name in os.listdir(target)}
    fail_on_frame(monkeypatch, 6, RuntimeError("boom"))
    with pytest.raises(RenderError):
        render(make_race("render.theme=dark"), target)
    assert os.listdir(tmp_path) == ["frames"]
    assert {name: (target / name).read_bytes() for name in os.listdir(target)} == before


def test_a_failed_png_folder_that_did_not_exist_leaves_nothing(race, tmp_path, monkeypatch):
    fail_on_frame(monkeypatch, 6, RuntimeError("boom"))
    with pytest.raises(RenderError):
        render(race, f"{tmp_path}/frames/")
    assert os.listdir(tmp_path) == []


def test_success_replaces_an_earlier_file(race, tmp_path):
    target = tmp_path / "race.gif"
    target.write_bytes(b"old")
    render(race, target)
    assert target.read_bytes()[:6] == b"GIF89a"
    assert os.listdir(tmp_path) == ["race.gif"]
