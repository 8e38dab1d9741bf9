"""The benchmark runs both routes on the same frames and reports a ratio (tiny, not timed)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import imageio_ffmpeg
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


def test_the_breakdown_times_static_blitted_and_redrawn_frames(tmp_path):
    lines: list[str] = []
    benchmark(load_scene(ARTICLE), formats=("gif",), frames=3, size=(160, 100),
              workdir=tmp_path, echo=lines.append, breakdown=True)
    found = re.fullmatch(r"ours per frame: static layers ([\d.]+) ms once, blitted ([\d.]+) ms, "
                         r"redrawn ([\d.]+) ms \(orbiting camera\), without encoding", lines[-1])
    assert found and all(float(ms) > 0 for ms in found.groups())


def test_with_an_orbiting_camera_every_frame_of_ours_is_a_redraw():
    orbit = load_scene(ARTICLE, ["render.camera.orbit=30"])
    scene = bench_scene(orbit, 3, (160, 100))
    costs = frame_costs(run(scene), frame_steps(scene.render, scene.steps))
    assert costs["blit"] is None and costs["static"] > 0 and costs["redraw"] > 0


def test_engine_benchmark_times_every_optimizer():
    from race.bench import engine_benchmark
    from race.optimizers import OPTIMIZERS

    lines = []
    seconds = engine_benchmark(starts=50, steps=20, echo=lines.append)
    assert set(seconds) == set(OPTIMIZERS)
    assert all(value > 0 for value in seconds.values())
    assert lines[0] == "engine: 50 starts x 20 steps on rosenbrock, best of 3"
    assert len(lines) == 1 + len(OPTIMIZERS)
