"""The benchmark runs both routes on the same frames and reports a ratio (tiny, not timed)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image

from race.bench import bench_scene, benchmark, frame_costs, naive_surface3d
from race.engine import run
from race.loader import load_scene
from race.draw import frame_steps
from race.scene import Camera, Trail

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
BENCH = CONFIGS / "bench_beale.yaml"
ARTICLE = CONFIGS / "article.yaml"


def test_the_shipped_bench_scene_is_beale_with_three_racers_300_frames_at_800x600():
    scene = load_scene(BENCH)
    assert scene.surface.name == "beale" and len(scene.racers) == 3
    assert tuple(scene.render.size) == (800, 600)
    assert len(frame_steps(scene.render, scene.steps)) == 300


def test_bench_scene_fixes_the_frame_count_and_size():
    scene = bench_scene(load_scene(BENCH), 7, (96, 64))
    assert len(frame_steps(scene.render, scene.steps)) == 7
    assert tuple(scene.render.size) == (96, 64)


def test_bench_scene_keeps_the_scenes_view_in_one_panel():
    assert bench_scene(load_scene(BENCH), 7, (96, 64)).render.view == "contour"
    article = load_scene(ARTICLE, ["render.layout=side-by-side"])
    scene = bench_scene(article, 7, (96, 64))
    assert (scene.render.view, scene.render.layout) == ("surface3d", "single")


def test_benchmark_prints_times_sizes_and_ratios_for_both_routes(tmp_path):
    lines: list[str] = []
    results = benchmark(load_scene(BENCH), formats=("mp4", "gif"), frames=6, size=(240, 180),
                        workdir=tmp_path, echo=lines.append)
    assert [r["format"] for r in results] == ["mp4", "gif"]
    for row in results:
        assert row["naive_seconds"] > 0 and row["ours_seconds"] > 0
        assert row["speedup"] == row["naive_seconds"] / row["ours_seconds"]
        assert row["naive_bytes"] > 0 and row["ours_bytes"] > 0
    assert lines[0].startswith("bench_beale: contour view, 6 frames at 240x180, 3 racers")
    assert "speedup" in lines[1] and "size ratio" in lines[1]
    assert lines[2].startswith("mp4") and lines[2].count("x") >= 1
    assert lines[3].startswith("gif")
    # both routes wrote the same number of frames
    with Image.open(tmp_path / "naive.gif") as naive, Image.open(tmp_path / "ours.gif") as ours:
        assert naive.n_frames == ours.n_frames == 6
    for name in ("naive.mp4", "ours.mp4"):
        frames = imageio_ffmpeg.read_frames(str(tmp_path / name))
        assert next(frames)["size"] == (240, 180)
        assert sum(1 for _ in frames) == 6


def _decoded(path: Path) -> tuple[int, tuple[int, int]]:
    """(frames, (width, height)) of a written GIF or MP4."""
    if path.suffix == ".gif":
        with Image.open(path) as image:
            return image.n_frames, image.size
    frames = imageio_ffmpeg.read_frames(str(path))
    size = next(frames)["size"]
    return sum(1 for _ in frames), size


def test_the_3d_benchmark_compares_with_plot_surface_and_writes_the_same_frames(tmp_path):
    lines: list[str] = []
    results = benchmark(load_scene(ARTICLE), formats=("mp4", "gif"), frames=5, size=(240, 150),
                        workdir=tmp_path, echo=lines.append)
    assert lines[0].startswith("article: surface3d view, 5 frames at 240x150, 2 racers")
    assert "naive s" in lines[1] and "ours s" in lines[1] and "speedup" in lines[1]
    assert [line.split()[0] for line in lines[2:]] == ["mp4", "gif"]
    for line, row in zip(lines[2:], results):
        assert f"{row['speedup']:.1f}x" in line
        assert row["speedup"] == row["naive_seconds"] / row["ours_seconds"]
        for route in ("naive", "ours"):
            path = tmp_path / f"{route}.{row['format']}"
            assert path.stat().st_size == row[f"{route}_bytes"] > 0
            assert _decoded(path) == (5, (240, 150))


def test_the_naive_3d_route_draws_a_colormap_an_orbit_and_trails(tmp_path):
    scene = load_scene(BENCH, ["render.view=surface3d"])     # log-scaled Beale, 3 racers
    render = dataclasses.replace(scene.render, camera=Camera(orbit=40.0), trail=Trail(),
                                 wireframe=False)
    scene = bench_scene(dataclasses.replace(scene, render=render), 4, (160, 120))
    naive_surface3d(run(scene), frame_steps(scene.render, scene.steps), tmp_path / "n.gif")
    assert _decoded(tmp_path / "n.gif") == (4, (160, 120))


def test_the_breakdown_adds_up_the_parts_of_our_frames(tmp_path):
    lines: list[str] = []
    benchmark(load_scene(BENCH, ["render.loss_panel=right"]), formats=("gif",), frames=4,
              size=(240, 120), workdir=tmp_path, echo=lines.append, breakdown=True)
    found = re.fullmatch(r"ours per frame: ([\d.]+) ms CPU \((.*)\); static layers ([\d.]+) ms "
                         r"once; a full redraw ([\d.]+) ms", lines[-1])
    assert found, lines[-1]
    parts = dict(re.fullmatch(r"(.+) ([\d.]+)", part).groups() for part in
                 found.group(2).split(", "))
    assert "moving artists" in parts and "loss lines" in parts
    assert float(found.group(1)) == pytest.approx(sum(map(float, parts.values())), abs=0.2)
    assert float(found.group(3)) > 0 and float(found.group(4)) > 0


def test_with_an_orbiting_camera_the_breakdown_names_the_surface_and_every_frame_redraws():
    orbit = load_scene(ARTICLE, ["render.camera.orbit=30"])
    scene = bench_scene(orbit, 3, (160, 100))
    costs = frame_costs(run(scene), frame_steps(scene.render, scene.steps))
    assert costs.redraw is None and costs.static > 0
    assert costs.parts["3D surface"] > 0 and "3D axes" in costs.parts
    assert costs.frame == pytest.approx(sum(costs.parts.values()))


def test_the_encoder_table_encodes_the_same_frames_with_every_setting(tmp_path):
    from race.bench.encoders import SETTINGS, encoder_table

    scene = bench_scene(load_scene(BENCH), 6, (160, 120))
    lines: list[str] = []
    rows = encoder_table(run(scene), frame_steps(scene.render, scene.steps), tmp_path,
                         echo=lines.append)
    assert [row.setting for row in rows] == [s.name for s in SETTINGS]
    assert rows[0].setting == "ours: veryfast, CRF 20, animation, me=dia, bframes=3"
    for row, line in zip(rows, lines[1:]):
        assert row.cpu_ms > 0 and row.size > 0 and row.ssim_db is not None and row.ssim_db > 10
        assert line.startswith(row.setting) and f"{row.ssim_db:.2f}" in line
    assert "SSIM dB" in lines[0]
    # a lower CRF keeps more: CRF 20 against CRF 23 at the same preset
    by_name = {row.setting: row for row in rows}
    assert rows[0].ssim_db > by_name["veryfast, CRF 23, tune animation"].ssim_db
    assert list(tmp_path.iterdir()) == []       # the trial files are removed


def test_the_benchmark_says_what_it_is_doing_and_how_long_it_will_take(tmp_path, monkeypatch):
    from race.bench import compare

    monkeypatch.setattr(compare, "ESTIMATE_AFTER", 0.0)
    progress: list[str] = []
    benchmark(load_scene(BENCH), formats=("mp4",), frames=5, size=(160, 120), workdir=tmp_path,
              echo=lambda line: None, encoders=True, progress=progress.append)
    starts = [line for line in progress if line.startswith("[")]
    assert [line.split("]")[0] + "]" for line in starts] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert "naive mp4" in starts[1] and "ours mp4" in starts[2] and "H.264" in starts[3]
    assert any(re.search(r"frames in [\d.]+ s, about \d+ s left", line) for line in progress)
    assert sum("done in" in line for line in progress) == 4


def test_race_bench_orbit_runs_the_orbiting_article_with_its_breakdown(tmp_path):
    from click.testing import CliRunner

    from race.cli import main

    result = CliRunner().invoke(main, ["bench", "--orbit", "--frames", "3", "--size", "160x100",
                                       "--no-encoders", "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("article: surface3d view, 3 frames at 160x100, 2 racers")
    assert "\nmp4 " in out and "\ngif " not in out
    assert "3D surface" in out and "ours per frame" in out
    assert "[1/4] simulating article" in result.stderr


def test_race_bench_set_changes_the_scene(tmp_path):
    from click.testing import CliRunner

    from race.cli import main

    result = CliRunner().invoke(main, ["bench", "--frames", "2", "--size", "160x120",
                                       "--format", "gif", "--set", "render.view=surface3d",
                                       "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("bench_beale: surface3d view, 2 frames at 160x120")


def test_the_limits_benchmark_measures_time_memory_and_bytes_per_sample(tmp_path):
    from race.bench.limits import Case, _scene, limits_benchmark

    lines: list[str] = []
    cases = (Case("600 starts x 9 steps", _scene(["adam"], 9, [30, 20])),
             Case("2 racers x 500 steps", _scene(["sgd", "adam"], 500)))
    rows = limits_benchmark(tmp_path, echo=lines.append, cases=cases)
    assert [row["samples"] for row in rows] == [6_000, 1_002]
    for row in rows:
        assert row["simulate"] > 0 and row["render"] > 0 and row["csv_bytes"] > 0
        assert row["peak"] >= row["before"] > 0
    assert lines[1].startswith("600 starts x 9 steps") and "6,000" in lines[1]
    assert "SAMPLE_BYTES says" in lines[-1]
    assert list(tmp_path.iterdir()) == []


def test_engine_benchmark_times_every_optimizer():
    from race.bench import engine_benchmark
    from race.optimizers import OPTIMIZERS

    lines = []
    seconds = engine_benchmark(starts=50, steps=20, echo=lines.append)
    assert set(seconds) == set(OPTIMIZERS)
    assert all(value > 0 for value in seconds.values())
    assert lines[0] == "engine: 50 starts x 20 steps on rosenbrock, best of 3"
    assert len(lines) == 1 + len(OPTIMIZERS)
