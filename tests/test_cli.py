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
    assert list(rows[0]) == ["racer", "step", "x", "y", "loss", "gx", "gy", "acc_x", "acc_y"]
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
