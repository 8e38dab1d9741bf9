import csv

import numpy as np
import pytest
from click.testing import CliRunner

from race import __version__
from race.cli import main
from race.engine import run
from race.loader import load_scene

SCENE = """\
title: AdaGrad vs RMSProp
surface: bowl
start: [1.5, 1.5]
steps: 40
racers:
  - {optimizer: adagrad, lr: 0.01, label: AdaGrad, color: white}
  - {optimizer: rmsprop, lr: 0.001, alpha: 0.99, label: RMSProp, color: "#00ff00"}
  - {optimizer: sgd, lr: 0.1}
"""


@pytest.fixture
def scene_file(tmp_path):
    path = tmp_path / "scene.yaml"
    path.write_text(SCENE)
    return path


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_simulate_writes_the_long_csv(scene_file, tmp_path):
    out = tmp_path / "deep" / "traj.csv"
    result = invoke("simulate", scene_file, "-o", out)
    assert result.exit_code == 0, result.output
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["racer", "step", "x", "y", "loss", "gx", "gy", "acc_x", "acc_y",
                             "lr"]
    assert len(rows) == 3 * 41
    race = run(load_scene(scene_file))
    for trajectory in race.trajectories:
        mine = [r for r in rows if r["racer"] == trajectory.racer.label]
        assert [int(r["step"]) for r in mine] == list(range(41))
        xs = np.array([[float(r["x"]), float(r["y"])] for r in mine])
        np.testing.assert_array_equal(xs, trajectory.positions[:, 0])  # 17 digits: exact
        if trajectory.accumulators is None:
            assert all(r["acc_x"] == "" for r in mine)
        else:
            acc = np.array([float(r["acc_x"]) for r in mine])
            np.testing.assert_array_equal(acc, trajectory.accumulators[:, 0, 0])
        lrs = np.array([float(r["lr"]) for r in mine])
        np.testing.assert_array_equal(lrs, np.full(41, trajectory.racer.config.lr))
    assert rows[0]["x"] == "1.5" and rows[0]["step"] == "0"


def test_simulate_adds_a_start_column_for_many_starts(tmp_path):
    path = tmp_path / "grid.yaml"
    path.write_text("surface: bowl\nsteps: 3\nracers: [{optimizer: adam, starts: {grid: [2, 2]}}]\n")
    out = tmp_path / "grid.csv"
    assert invoke("simulate", path, "-o", out).exit_code == 0
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:3] == ["racer", "start", "step"]
    assert len(rows) == 4 * 4 and {r["start"] for r in rows} == {"0", "1", "2", "3"}


def test_set_overrides_reach_the_simulation(scene_file, tmp_path):
    out = tmp_path / "t.csv"
    assert invoke("simulate", scene_file, "-o", out, "--set", "steps=5").exit_code == 0
    assert len(out.read_text().splitlines()) == 1 + 3 * 6


def test_validate_reports_ok(scene_file):
    result = invoke("validate", scene_file)
    assert result.exit_code == 0
    assert "ok" in result.output and "AdaGrad (adagrad)" in result.output


def test_bad_scene_is_one_line_exit_two_no_traceback_no_output(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("surface: bowl\nstart: [1, 1]\nracers:\n  - {optimizer: adagard}\n")
    out = tmp_path / "out.csv"
    result = invoke("simulate", path, "-o", out)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [f"race: error: {path}:4: racers[0].optimizer: unknown optimizer "
                     "'adagard'; did you mean 'adagrad'?"]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_failed_simulate_keeps_the_previous_csv(scene_file, tmp_path):
    out = tmp_path / "t.csv"
    out.write_text("previous")
    result = invoke("simulate", scene_file, "-o", out, "--set", "racers[0].lr=-1")
    assert result.exit_code == 2 and "Invalid learning rate: -1" in result.output
    assert out.read_text() == "previous"


def test_missing_scene_file_is_a_clean_error(tmp_path):
    result = invoke("validate", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert result.output.strip() == f"race: error: {tmp_path / 'nope.yaml'}: no such file"


def test_list_optimizers_shows_torch_defaults():
    result = invoke("list", "optimizers")
    assert result.exit_code == 0
    assert "torch.optim.Adagrad(lr=0.01" in result.output
    assert "rmsprop" in result.output and "alpha=0.99" in result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line[:1].strip()}
    assert "no accumulator" in lines["sgd"] and "no accumulator" not in lines["adagrad"]


def test_list_surfaces_shows_formulas():
    result = invoke("list", "surfaces")
    assert result.exit_code == 0
    for name in ("bowl", "beale", "rosenbrock", "himmelblau", "two_wells"):
        assert name in result.output


def test_version_and_help():
    assert invoke("--version").output.strip().endswith(__version__)
    result = invoke("--help")
    assert result.exit_code == 0 and "Examples:" in result.output and "race preview" in result.output


def gif_facts(path):
    from PIL import Image

    with Image.open(path) as image:
        return image.n_frames, image.size, image.info.get("loop")


def test_bare_race_renders_the_article_scene_into_outputs(tmp_path, monkeypatch):
    from race.draw import frame_steps
    from race.scenes import resolve_scene

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0, result.output
    article = load_scene(resolve_scene("article"))
    frames, size, loop = gif_facts(tmp_path / "outputs" / "article.gif")
    assert size == tuple(article.render.size)
    assert frames == len(frame_steps(article.render, article.steps))
    assert loop == 0  # loops forever


def test_render_flags_override_the_scene(scene_file, tmp_path):
    out = tmp_path / "o" / "race.gif"
    result = invoke("render", scene_file, "-o", out, "--fps", 10, "--size", "160x120",
                    "--theme", "dark", "--set", "render.steps_per_frame=10",
                    "--set", "render.hold=0.5", "-q")
    assert result.exit_code == 0, result.output
    frames, size, _ = gif_facts(out)
    assert size == (160, 120)
    assert frames == 40 // 10 + 1 + 5  # steps 0, 10, .., 40 then half a second held at 10 fps


def test_render_without_output_uses_the_scenes_then_the_default(scene_file, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    small = ["--size", "64x48", "--set", "render.steps_per_frame=20", "--set", "render.hold=0"]
    assert invoke("render", scene_file, *small).exit_code == 0
    assert (tmp_path / "outputs" / "scene.gif").exists()
    assert invoke("render", scene_file, *small, "--set", "output=elsewhere/x.gif").exit_code == 0
    assert (tmp_path / "elsewhere" / "x.gif").exists()


def test_render_png_still_at_a_step(scene_file, tmp_path):
    from PIL import Image

    out = tmp_path / "still.png"
    result = invoke("render", scene_file, "-o", out, "--step", 5, "--size", "200x150")
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (200, 150)


@pytest.mark.parametrize("args, message", [
    (["-o", "{tmp}/x.xyz"], "unknown output extension '.xyz'"),
    (["-o", "{tmp}/scene.yaml/x.gif"], "a part of this path is a file, not a folder"),
    (["-o", "{tmp}/x.mp4", "--size", "161x120"], "needs an even width and height"),
    (["-o", "{tmp}/x.gif", "--step", "3"], "--step: only applies to a .png output"),
    (["-o", "{tmp}/x.png", "--step", "999"], "--step: expected 0 to 40, got 999"),
    (["-o", "{tmp}/x.gif", "--size", "800"], "--size: expected WIDTHxHEIGHT"),
    (["-o", "{tmp}/x.gif", "--fps", "0"], "--fps: expected a number at least 1, got 0"),
])
def test_render_refuses_bad_requests_in_one_line(scene_file, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = invoke("render", scene_file, *args)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.yaml"]


def test_frame_limits_are_named_and_can_be_raised(scene_file, tmp_path, monkeypatch):
    out = tmp_path / "x.gif"
    monkeypatch.setenv("RACE_MAX_FRAMES", "5")
    result = invoke("render", scene_file, "-o", out, "--size", "64x48")
    assert result.exit_code == 2
    assert f"{scene_file}: render: the number of frames is" in result.stderr
    assert "RACE_MAX_FRAMES" in result.stderr and not out.exists()


def test_preview_writes_one_frame(scene_file, tmp_path):
    from PIL import Image

    out = tmp_path / "p.png"
    result = invoke("preview", scene_file, "--step", 0, "-o", out, "--set", "render.size=[320, 240]")
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (320, 240)


def test_shipped_scenes_are_found_by_name():
    result = invoke("validate", "article")
    assert result.exit_code == 0 and "AdaGrad (adagrad)" in result.output
    result = invoke("validate", "artcle")
    assert result.exit_code == 2 and "did you mean 'article'?" in result.stderr


def test_bench_prints_both_routes_and_the_breakdown(tmp_path):
    result = invoke("bench", "article", "--format", "mp4", "--frames", 4, "--size", "160x100",
                    "--workdir", tmp_path, "--breakdown")
    assert result.exit_code == 0, result.output
    assert "speedup" in result.stdout and "mp4" in result.stdout
    assert "ours per frame: " in result.stdout and "static layers" in result.stdout
    assert "H.264 setting" in result.stdout            # the encoder table, with mp4
    assert "[1/5] simulating article" in result.stderr  # progress goes to stderr
    assert (tmp_path / "naive.mp4").stat().st_size > 0 and (tmp_path / "ours.mp4").stat().st_size > 0
