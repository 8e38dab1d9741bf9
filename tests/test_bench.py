"""The benchmark runs both routes on the same frames and reports a ratio (tiny, not timed)."""

from __future__ import annotations

from pathlib import Path

import imageio_ffmpeg
from PIL import Image

from race.bench import bench_scene, benchmark
from race.loader import load_scene
from race.render import frame_steps

BENCH = Path(__file__).resolve().parents[1] / "configs" / "bench_beale.yaml"


def test_the_shipped_bench_scene_is_beale_with_three_racers_300_frames_at_800x600():
    scene = load_scene(BENCH)
    assert scene.surface.name == "beale" and len(scene.racers) == 3
    assert tuple(scene.render.size) == (800, 600)
    assert len(frame_steps(scene.render, scene.steps)) == 300


def test_bench_scene_fixes_the_frame_count_and_size():
    scene = bench_scene(load_scene(BENCH), 7, (96, 64))
    assert len(frame_steps(scene.render, scene.steps)) == 7
    assert tuple(scene.render.size) == (96, 64)


def test_benchmark_prints_times_sizes_and_ratios_for_both_routes(tmp_path):
    lines: list[str] = []
    results = benchmark(load_scene(BENCH), formats=("mp4", "gif"), frames=6, size=(240, 180),
                        workdir=tmp_path, echo=lines.append)
    assert [r["format"] for r in results] == ["mp4", "gif"]
    for row in results:
        assert row["naive_seconds"] > 0 and row["ours_seconds"] > 0
        assert row["speedup"] == row["naive_seconds"] / row["ours_seconds"]
        assert row["naive_bytes"] > 0 and row["ours_bytes"] > 0
    assert lines[0].startswith("bench_beale: 6 frames at 240x180, 3 racers")
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
