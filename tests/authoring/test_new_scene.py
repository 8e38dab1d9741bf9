"""`race new`: a commented scene that validates, renders, and whose racers make progress
without diverging on any surface; it never replaces a file."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from race.api import load, render, simulate
from race.authoring import newscene
from race.authoring.newscene import create, new_scene_text, preset_choices
from race.authoring.schema import MODELINE, schema_text
from race.cli import main
from race.loader import scene_from_text
from race.optimizers import OPTIMIZERS
from race.surfaces import SURFACES

NAMES = list(OPTIMIZERS)
# every surface, with two optimizers each, every optimizer on several surfaces
PAIRS = [(surface, (NAMES[(2 * i) % len(NAMES)], NAMES[(2 * i + 1) % len(NAMES)]))
         for i, surface in enumerate(SURFACES)]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_race_new_writes_a_commented_valid_scene_and_the_schema_beside_it(here):
    result = invoke("new", "demo", "--surface", "beale", "--optimizers", "sgd,Adam")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "wrote demo.yaml"
    text = (here / "demo.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 8
    assert (here / "scene.schema.json").read_text(encoding="utf-8") == schema_text()
    assert invoke("validate", "demo.yaml").exit_code == 0
    scene = load(str(here / "demo.yaml"))
    assert [r.optimizer for r in scene.racers] == ["sgd", "adam"]
    assert scene.surface.name == "beale" and scene.render.view == "contour"


def test_race_new_never_replaces_a_file(here):
    (here / "demo.yaml").write_text("mine\n")
    result = invoke("new", "demo")
    assert result.exit_code == 2
    assert result.output == ("race: error: demo.yaml: already exists; race new never replaces "
                             "a file: choose another name, or move that file away\n")
    assert (here / "demo.yaml").read_text() == "mine\n"
    assert sorted(p.name for p in here.iterdir()) == ["demo.yaml"]


def test_an_existing_schema_beside_it_is_kept(here):
    (here / "scene.schema.json").write_text("{}")
    result = invoke("new", "scenes/first.yaml", "--view", "surface3d")
    assert result.exit_code == 0 and result.output == "wrote scenes/first.yaml\n" \
        "wrote scenes/scene.schema.json (what editors read for completion; `race schema -o` " \
        "updates it)\n"
    assert invoke("new", "scenes/second").exit_code == 0
    assert (here / "scene.schema.json").read_text() == "{}"
    assert sorted(p.name for p in (here / "scenes").iterdir()) == [
        "first.yaml", "scene.schema.json", "second.yaml"]
    assert load(str(here / "scenes" / "first.yaml")).render.view == "surface3d"


@pytest.mark.parametrize("args, message", [
    (["--surface", "bowll"], "--surface: unknown surface 'bowll'; did you mean 'bowl'?"),
    (["--optimizers", "adam,adagard"],
     "--optimizers: unknown optimizer 'adagard'; did you mean 'adagrad'?"),
    (["--optimizers", ","], "--optimizers: expected one or more optimizer names"),
    (["--view", "3d"], "new: Invalid value for '--view'"),
])
def test_bad_choices_are_one_line_and_write_nothing(here, args, message):
    result = invoke("new", "demo", *args)
    assert result.exit_code == 2
    assert result.output.startswith(f"race: error: {message}") and result.output.count("\n") == 1
    assert list(here.iterdir()) == []


@pytest.mark.parametrize("surface, optimizers", PAIRS, ids=[s for s, _ in PAIRS])
def test_every_racer_makes_progress_on_the_map_without_diverging(surface, optimizers):
    text = new_scene_text("check", surface=surface, optimizers=optimizers)
    scene = scene_from_text(text, name="check")
    race = simulate(scene)
    for trajectory in race.trajectories:
        assert (trajectory.diverged_at == -1).all(), trajectory.racer.label
        path = trajectory.positions[:, 0, :]
        assert scene.surface.contains(path[:, 0], path[:, 1]).all(), trajectory.racer.label
        assert trajectory.losses[-1, 0] < trajectory.losses[0, 0], trajectory.racer.label
        assert np.abs(path[-1] - path[0]).max() > 1e-3 * np.ptp(scene.surface.xlim)


@pytest.mark.parametrize("surface, view", [("rosenbrock", "contour"), ("two_wells", "surface3d")])
def test_a_new_scene_renders(here, surface, view):
    assert invoke("new", "look", "--surface", surface, "--view", view).exit_code == 0
    result = invoke("preview", "look.yaml", "-o", "look.png", "--size", "320x240")
    assert result.exit_code == 0, result.output
    import imageio.v3 as iio

    picture = iio.imread(here / "look.png")
    assert picture.shape[:2] == (240, 320) and picture.std() > 10


def test_the_preset_flag_exists_only_once_the_loader_knows_render_preset(here):
    helped = invoke("new", "--help").output
    choices = preset_choices()
    if choices is None:
        assert "--preset" not in helped
        assert invoke("new", "demo", "--preset", "slides").exit_code == 2
    else:
        assert "--preset" in helped
        result = invoke("new", "demo", "--preset", choices[0])
        assert result.exit_code == 0, result.output
        assert load(str(here / "demo.yaml")).render.preset == choices[0]


def test_create_refuses_an_existing_name_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "scene.yaml"
    create(target, "first\n")
    with pytest.raises(FileExistsError):
        create(target, "second\n")
    assert target.read_text() == "first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["scene.yaml"]


def test_create_works_where_there_are_no_hard_links(tmp_path, monkeypatch):
    def no_links(source, target):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(newscene.os, "link", no_links)
    target = tmp_path / "scene.yaml"
    create(target, "first\n")
    with pytest.raises(FileExistsError):
        create(target, "second\n")
    assert target.read_text() == "first\n" and os.listdir(tmp_path) == ["scene.yaml"]


def test_a_new_scene_renders_an_animation(here):
    """The scene's own render settings make a short animation too (one check of the whole
    pipeline from `race new`)."""
    assert invoke("new", "clip", "--surface", "bowl", "--optimizers", "adagrad").exit_code == 0
    scene = load(str(here / "clip.yaml"), {"render.size": [160, 120], "render.duration": 1,
                                            "render.hold": 0})
    written = render(scene, here / "clip.gif")
    import imageio.v3 as iio

    assert iio.improps(written, index=None).shape[0] == 30


def test_a_name_yaml_would_misread_is_quoted(here):
    assert invoke("new", "my #1: race").exit_code == 0
    scene = load(str(here / "my #1: race.yaml"))
    assert Path(scene.output) == (here / "outputs" / "my #1: race.gif").resolve()
