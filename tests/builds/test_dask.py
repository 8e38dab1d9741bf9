"""`race build --scheduler`: the same build on a Dask cluster (a LocalCluster of worker
processes started here), the outputs coming back as bytes to OUT_DIR on this machine."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import race
from race.cli import main

distributed = pytest.importorskip("distributed", reason="pip install 'race[dask]' (or "
                                  "-e '.[test]') to test the Dask route")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  dashboard_address=None, silence_logs=50) as local:
        yield local


def test_a_dask_cluster_builds_the_scenes_and_skips_them_after(course, cluster):
    address = cluster.scheduler_address
    result = CliRunner().invoke(main, ["build", "course", "-o", "out", "--scheduler", address,
                                       "--gallery"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = Path("out")
    recorded = json.loads((out / ".race-build.json").read_text())["scenes"]
    assert set(recorded) == {"intro", "ravine", "week2/saddle"}
    for entry in recorded.values():
        for relpath, output in entry["outputs"].items():
            assert (out / relpath).stat().st_size == output["bytes"] > 0
    assert (out / "the_ravine.mp4").read_bytes()[4:8] == b"ftyp"
    assert (out / "index.html").exists()
    # the workers rendered in their own temporary folders: nothing of theirs is left here
    assert not [p for p in Path.cwd().rglob("*") if "race-build" in p.name and
                p.name != ".race-build.json"]
    again = CliRunner().invoke(main, ["build", "course", "-o", "out", "--scheduler", address])
    assert again.stdout.splitlines() == ["nothing to build: 3 scenes up to date in out"]


def test_the_python_api_takes_a_client(course, cluster):
    with distributed.Client(cluster) as client:
        results = race.build(course / "week2", "out", executor=client)
    assert [(r.name, r.error, r.path) for r in results] == [
        ("saddle", None, Path("out/saddle.gif"))]
    assert results[0].bytes == Path("out/saddle.gif").stat().st_size


def test_a_scene_failing_on_a_worker_fails_alone(course, cluster):
    (course / "greedy.yaml").write_text(
        (course / "intro.yaml").read_text().replace("hold: 0}", "hold: 0, max_bytes: 10}"))
    with distributed.Client(cluster) as client:
        results = {r.name: r for r in race.build("course", "out", executor=client)}
    assert results["greedy"].error.startswith("course/greedy.yaml: out/greedy.gif: ")
    assert all(r.error is None for name, r in results.items() if name != "greedy")


def test_without_distributed_the_error_names_the_extra(course, monkeypatch):
    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    result = CliRunner().invoke(main, ["build", "course", "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert result.stderr == ("race: error: --scheduler needs Dask's distributed package: "
                             "pip install 'race[dask]'\n")
    assert not Path("outputs").exists()


def test_a_scheduler_that_does_not_answer_is_one_line(course, monkeypatch):
    monkeypatch.setattr("race.builds.pool.CONNECT_TIMEOUT", "1s")
    result = CliRunner().invoke(main, ["build", "course", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.stderr.startswith("race: error: --scheduler tcp://127.0.0.1:9: cannot "
                                    "connect: ")
    assert len(result.stderr.splitlines()) == 1, result.stderr
