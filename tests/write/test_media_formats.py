"""WebP, APNG, MOV and transparent backgrounds, decoded back: frames, size, loop, alpha."""

from __future__ import annotations

import os

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from tiny_scenes import FRAMES, make_race
from race.draw import render, render_still
from race.draw import stage as stage_module
from race.errors import RenderError

CORNER = (2, 2)             # (x, y): figure margin, nothing is drawn there
MAP = (88, 77)              # (x, y): inside the contour map of the 160x120 tiny scene
HELD = 3                    # the tiny scene's hold: its last frame shown 3 more times


def transparent(*more: str):
    return make_race("render.background=transparent", *more)


def decoded_rgba(path, vp9: bool = False) -> list[np.ndarray]:
    """Every frame as RGBA; VP9's alpha is only read by libvpx's own decoder."""
    params = ["-c:v", "libvpx-vp9"] if vp9 else None
    reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgba", bpp=4, input_params=params)
    meta = next(reader)
    width, height = meta["size"]
    return [np.frombuffer(f, np.uint8).reshape(height, width, 4) for f in reader]


def image_frames(path) -> tuple[Image.Image, list[np.ndarray], list[int]]:
    """The image, its frames as RGBA and each frame's duration in milliseconds."""
    image = Image.open(path)
    frames, durations = [], []
    for index in range(image.n_frames):
        image.seek(index)
        image.load()
        frames.append(np.asarray(image.convert("RGBA")))
        durations.append(int(image.info["duration"]))
    return image, frames, durations


@pytest.mark.parametrize("loop, expected", [(True, 0), (False, 1)])
def test_webp_is_animated_sized_and_loops(tmp_path, loop, expected):
    out = render(make_race(f"render.loop={str(loop).lower()}"), tmp_path / "race.webp")
    image, frames, durations = image_frames(out)
    assert image.format == "WEBP" and image.is_animated and image.size == (160, 120)
    # libwebp merges the held frames into one longer frame: same clip, one frame less each
    assert len(frames) == FRAMES - HELD and sum(durations) == FRAMES * 100
    assert durations[-1] == (HELD + 1) * 100
    assert image.info["loop"] == expected              # 0 = forever
    assert frames[0][CORNER[1], CORNER[0], 3] == 255    # the theme's background is opaque


@pytest.mark.parametrize("loop, expected", [(True, 0), (False, 1)])
def test_apng_is_animated_sized_and_loops(tmp_path, loop, expected):
    out = render(make_race(f"render.loop={str(loop).lower()}"), tmp_path / "race.apng")
    image, frames, durations = image_frames(out)
    assert image.format == "PNG" and image.n_frames == FRAMES and set(durations) == {100}
    assert image.size == (160, 120) and image.info["loop"] == expected


def test_mov_is_prores_4444_with_every_frame(race, tmp_path):
    out = render(race, tmp_path / "race.mov")
    frames = decoded_rgba(out)
    assert len(frames) == FRAMES and frames[0].shape == (120, 160, 4)
    assert b"ap4h" in out.read_bytes()        # ProRes 4444's fourcc, in the moov atom


def assert_really_transparent(frame: np.ndarray, exact: bool = True) -> None:
    """The margin is see-through and the map is solid."""
    corner, inside = frame[CORNER[1], CORNER[0], 3], frame[MAP[1], MAP[0], 3]
    assert corner <= (0 if exact else 8), corner
    assert inside >= (255 if exact else 247), inside


@pytest.mark.parametrize("name", ["race.webp", "race.apng"])
def test_transparent_animated_images_keep_alpha(tmp_path, name):
    out = render(transparent(), tmp_path / name)
    image, frames, durations = image_frames(out)
    assert sum(durations) == FRAMES * 100 and image.mode == "RGBA"
    for frame in (frames[0], frames[-1]):
        assert_really_transparent(frame, exact=name.endswith("apng"))


@pytest.mark.parametrize("name, vp9", [("race.webm", True), ("race.mov", False)])
def test_transparent_videos_keep_alpha(tmp_path, name, vp9):
    out = render(transparent(), tmp_path / name)
    frames = decoded_rgba(out, vp9=vp9)
    assert len(frames) == FRAMES
    for frame in (frames[0], frames[-1]):
        assert_really_transparent(frame, exact=False)


def test_transparent_png_still_and_folder_are_rgba(tmp_path):
    race = transparent()
    still = render_still(race, tmp_path / "still.png", step=10)
    with Image.open(still) as png:
        assert png.mode == "RGBA"
        assert_really_transparent(np.asarray(png))
    folder = render(race, str(tmp_path / "frames") + "/")
    names = sorted(name for name in os.listdir(folder) if name.endswith(".png"))
    assert len(names) == FRAMES
    with Image.open(folder / names[-1]) as png:
        assert png.mode == "RGBA"
        assert_really_transparent(np.asarray(png))


def test_an_opaque_still_stays_rgb(race, tmp_path):
    with Image.open(render_still(race, tmp_path / "still.png")) as png:
        assert png.mode == "RGB"


def test_text_on_a_transparent_frame_has_a_halo(tmp_path):
    """Around the title's dark letters there are light, partly opaque pixels: it reads on a
    dark slide as well as a light one."""
    race = transparent("render.size=[320, 240]", "render.dpi=80")
    with Image.open(render_still(race, tmp_path / "t.png")) as png:
        band = np.asarray(png)[:22, 100:220].astype(int)       # the title
    opaque = band[..., 3] > 128
    dark = opaque & (band[..., :3].sum(axis=2) < 200)
    light = opaque & (band[..., :3].min(axis=2) > 200)
    assert dark.sum() > 30 and light.sum() > 30


@pytest.fixture
def no_drawing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("drew before checking the output")
    monkeypatch.setattr(stage_module.Stage, "__init__", refuse)


@pytest.mark.parametrize("name", ["race.gif", "race.mp4", "page.html"])
def test_formats_without_alpha_refuse_a_transparent_background(tmp_path, no_drawing, name):
    with pytest.raises(RenderError) as info:
        render(transparent(), tmp_path / name)
    message = str(info.value)
    assert "transparent" in message and "needs a format with alpha" in message
    for able in (".png", "PNG folders", ".webp", ".apng", ".webm", ".mov"):
        assert able in message
    assert os.listdir(tmp_path) == []
