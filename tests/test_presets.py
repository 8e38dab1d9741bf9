"""Presets: what each sets, how it layers with the scene file and the flags, and bad names."""

from __future__ import annotations

import typing

import pytest
from click.testing import CliRunner

import race
from race.cli import main
from race.errors import SceneError
from race.presets import PRESETS
from race.scene import Render

SCENE = {"surface": "bowl", "racers": ["sgd"], "steps": 5}


def test_the_render_key_accepts_exactly_the_presets():
    hint = typing.get_type_hints(Render)["preset"]
    literal = [a for a in typing.get_args(hint) if a is not type(None)][0]
    assert set(typing.get_args(literal)) == set(PRESETS)


@pytest.mark.parametrize("name, size", [("slides", (1920, 1080)), ("slides-4x3", (1440, 1080)),
                                        ("blog", (800, 500)), ("thumbnail", (320, 200))])
def test_each_preset_sets_its_size(name, size):
    scene = race.load({**SCENE, "render": {"preset": name}})
    assert scene.render.size == size and scene.render.preset == name


def test_the_thumbnail_drops_legend_and_axes_text():
    render = race.load({**SCENE, "render": {"preset": "thumbnail"}}).render
    assert (render.legend, render.axes_text) == (False, False)


def test_keys_beside_a_preset_in_the_file_win():
    scene = race.load({**SCENE, "render": {"preset": "blog", "fps": 12}})
    assert scene.render.size == (800, 500) and scene.render.fps == 12


def test_a_preset_flag_beats_the_file_and_later_flags_beat_it(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("surface: bowl\nracers: [sgd]\nsteps: 5\nrender: {size: [640, 480]}\n")
    assert race.load(path, overrides={"render.preset": "slides"}).render.size == (1920, 1080)
    scene = race.load(path, overrides={"render.preset": "slides", "render.size": [800, 600]})
    assert scene.render.size == (800, 600)
    result = CliRunner().invoke(main, ["preview", str(path), "--preset", "thumbnail",
                                       "--size", "400x300", "-o", str(tmp_path / "p.png")])
    assert result.exit_code == 0, result.output
    from PIL import Image

    with Image.open(tmp_path / "p.png") as png:
        assert png.size == (400, 300)


def test_the_api_takes_a_preset_as_a_render_setting(tmp_path):
    scene = race.load({**SCENE, "render": {"size": [640, 480]}})
    written = race.render(scene, tmp_path / "t.png", preset="thumbnail")
    from PIL import Image

    with Image.open(written) as png:
        assert png.size == (320, 200)


def test_an_unknown_preset_in_a_file_names_the_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("surface: bowl\nracers: [sgd]\nrender:\n  preset: slide\n")
    with pytest.raises(SceneError, match=r"s.yaml:4: render.preset: unknown preset 'slide'; "
                                         r"did you mean 'slides'\?"):
        race.load(path)


def test_an_unknown_preset_flag_is_one_line_exit_2_nothing_written(tmp_path):
    out = tmp_path / "x.gif"
    result = CliRunner().invoke(main, ["render", "saddle", "--preset", "poster", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == ("race: error: --preset: unknown preset 'poster'; expected one of "
                             "slides, slides-4x3, blog, thumbnail\n")
    assert list(tmp_path.iterdir()) == []


def test_race_list_presets_shows_each_with_its_keys():
    result = CliRunner().invoke(main, ["list", "presets"])
    assert result.exit_code == 0
    for name, preset in PRESETS.items():
        assert any(line.startswith(f"{name} ") and preset.purpose in line
                   for line in result.stdout.splitlines())
    assert "size=[1920, 1080]" in result.stdout and "axes_text=false" in result.stdout


@pytest.mark.parametrize("flags, expected", [
    (["--max-bytes", "2M"], 2_000_000), (["--max-bytes", "500k"], 500_000),
    (["--max-bytes", "1234"], 1234)])
def test_max_bytes_reads_units(flags, expected):
    from race.cli.options import parse_bytes

    assert parse_bytes(flags[1], flags[0]) == expected


@pytest.mark.parametrize("value", ["lots", "-5", "0", "2 GB"])
def test_a_bad_byte_count_is_one_line(tmp_path, value):
    result = CliRunner().invoke(main, ["render", "saddle", "--max-bytes", value,
                                       "-o", str(tmp_path / "x.gif")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--max-bytes: expected a number of bytes" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, expected", [
    (["--set", "render.background=transparent", "-o", "x.mp4"], "needs a format with alpha"),
    (["--set", "render.background=transparent", "-o", "x.gif"], ".webm, .mov; .gif has none"),
    (["--max-bytes", "100k", "-o", "x.mp4"], "fits .gif and .webp files only, not .mp4"),
    (["--max-bytes", "100", "--set", "steps=20", "-o", "x.gif"], "cannot fit under 100 bytes"),
])
def test_bad_media_requests_are_one_line_exit_2_nothing_written(tmp_path, monkeypatch, args,
                                                                expected):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", "saddle", "-q", "--size", "160x120", *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and expected in result.stderr
    assert list(tmp_path.iterdir()) == []
