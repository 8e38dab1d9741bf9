"""race embed: the lines to paste, read from the output itself (or from the scene)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "write"))

from tiny_scenes import FRAMES, SCENE, make_race  # noqa: E402
from race.cli import main  # noqa: E402
from race.draw import render  # noqa: E402


def embed(*args: str):
    result = CliRunner().invoke(main, ["embed", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embed")
    race = make_race()
    for name in ("race.mp4", "race.gif", "frames/"):
        render(race, f"{folder}/{name}")
    scene = folder / "scene.yaml"
    scene.write_text(SCENE)
    return folder, scene


def test_a_video_gets_blog_and_reveal_tags_and_a_poster(outputs):
    folder, _ = outputs
    video = str(folder / "race.mp4")
    status, out, err = embed(video)
    assert status == 0
    poster = folder / "race.poster.png"
    for attributes in ("<video autoplay ", "<video data-autoplay "):
        line = next(line for line in out.splitlines() if line.startswith(attributes))
        for part in ('width="160"', "loop", "muted", "playsinline", f'poster="{poster}"',
                     f'<source src="{video}" type="video/mp4">'):
            assert part in line
    assert f"[![Animation of an optimizer race (race.mp4)]({poster})]({video})" in out
    assert f"wrote {poster}" in err
    with Image.open(poster) as image:
        assert image.size == (160, 120)
    made = poster.stat().st_mtime_ns
    status, _, err = embed(video, "--width", "480")
    assert status == 0 and err == "" and poster.stat().st_mtime_ns == made   # kept as it was


def test_an_image_gets_an_img_tag_and_a_markdown_line(outputs):
    folder, scene = outputs
    gif = str(folder / "race.gif")
    status, out, _ = embed(str(scene), "-o", gif, "--width", "320")
    assert status == 0
    alt = ("Animation: AdaGrad (adagrad, lr 0.3) and RMSProp (rmsprop, lr 0.05) racing on the "
           "bowl surface, x² + y², over 40 steps")
    assert f'<img src="{gif}" width="320" alt="{alt}">' in out
    assert f"![{alt}]({gif})" in out


def test_a_png_folder_gets_the_beamer_line(outputs):
    folder, scene = outputs
    frames = folder / "frames"
    status, out, _ = embed(str(scene), "-o", str(frames))
    assert status == 0
    last = sorted(os.listdir(frames))[-1]
    assert last == f"frame_{FRAMES - 1:05d}.png"
    assert out.strip().endswith(
        f"\\animategraphics[autoplay,loop,width=\\linewidth]{{10}}{{{frames}/frame_}}"
        f"{{00000}}{{{FRAMES - 1:05d}}}")


def test_a_scene_not_rendered_yet_gets_snippets_and_the_command(outputs, tmp_path):
    _, scene = outputs
    target = str(tmp_path / "later.mp4")
    status, out, err = embed(str(scene), "-o", target)
    assert status == 0 and f'<source src="{target}"' in out
    assert f"race render {scene} -o {target}" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, expected", [
    ("page.html", "is a finished document"),
    ("missing.gif", "no such file"),
])
def test_what_cannot_be_embedded_is_one_line(tmp_path, name, expected):
    path = tmp_path / name
    if name.endswith(".html"):
        path.write_text("<html></html>")
    status, out, err = embed(str(path))
    assert status == 2 and out == "" and err.count("\n") == 1 and expected in err
