"""Every shipped scene loads, runs and draws (small), with a sensible number of frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from race.engine import run
from race.loader import load_scene
from race.draw import frame_steps
from race.draw.stage import Stage

CONFIGS = sorted((Path(__file__).resolve().parents[2] / "configs").glob("*.yaml"))
GALLERY = [p for p in CONFIGS if p.stem != "article"]


def test_the_gallery_has_the_promised_scenes():
    names = {p.stem for p in GALLERY}
    assert {"adagrad_vs_rmsprop", "momentum_ravine", "nesterov_overshoot", "beale_everything",
            "saddle", "rosenbrock", "two_wells", "bench_beale"} <= names


@pytest.mark.parametrize("path", GALLERY, ids=[p.stem for p in GALLERY])
def test_a_gallery_scene_draws_its_last_frame(path):
    scene = load_scene(path, ["render.size=[320, 200]", "render.dpi=50"])
    frames = len(frame_steps(scene.render, scene.steps))
    assert 60 <= frames <= 900                       # 2 to 30 seconds at 30 fps
    race = run(scene)
    assert all((t.diverged_at < 0).all() for t in race.trajectories)
    frame = Stage(race).frame(scene.steps)
    assert frame.shape == (200, 320, 4)


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_a_shipped_scene_keeps_its_story_on_screen(path):
    """Every ball of every shipped scene stays on the map the whole clip (the saddle's
    adaptive racers used to leave it a quarter of the way in)."""
    race = run(load_scene(path))
    surface = race.scene.surface
    for trajectory in race.trajectories:
        positions = trajectory.positions
        inside = surface.contains(positions[..., 0], positions[..., 1])
        assert inside.all(), (trajectory.racer.label, int(np.argmin(inside.all(axis=1))))
