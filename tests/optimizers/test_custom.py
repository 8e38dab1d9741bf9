"""Your own optimizer as numpy init/update functions, through the public API."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
import pytest

import race
from race.draw.stage import racer_label
from race.errors import RaceError, SceneError


@dataclass(frozen=True)
class SignConfig:
    lr: float = 0.01
    decay: float = 0.0


def sign_init(params, config):
    return np.zeros_like(params)               # the last step taken, per start


def sign_update(params, grads, state, config):
    step = config.lr * np.sign(grads) + config.decay * params
    return params - step, step


SIGN = race.numpy_optimizer("signsgd", sign_init, sign_update, config=SignConfig,
                            velocity=lambda state: state, rule="θ ← θ - lr·sign(g)")
SCENE = {"surface": "beale", "start": [1.0, 1.5], "steps": 50,
         "racers": [{"optimizer": "signsgd", "lr": 0.02, "color": "#ff00ff"},
                    {"optimizer": "adam", "lr": 0.02}]}


def manual_sign(start, lr, steps, gradient):
    p = np.array([start], dtype=float)
    path = [p]
    for _ in range(steps):
        p = p - lr * np.sign(np.stack(gradient(p[:, 0], p[:, 1]), axis=1))
        path.append(p)
    return np.concatenate(path)


def test_a_numpy_optimizer_races_like_a_built_in():
    scene = race.load(SCENE, optimizers=[SIGN])
    result = race.simulate(scene)
    mine, adam = result.trajectories
    assert mine.racer.optimizer == "signsgd" and mine.racer.custom is SIGN
    expected = manual_sign((1.0, 1.5), 0.02, 50, scene.surface.gradient)
    np.testing.assert_array_equal(mine.positions[:, 0], expected)
    assert np.array_equal(mine.learning_rates, np.full(51, 0.02))
    assert mine.velocities.shape == (51, 1, 2) and mine.accumulators is None
    np.testing.assert_allclose(np.abs(mine.velocities[1:]), 0.02)
    assert racer_label(result, 0) == "signsgd (lr 0.02)"
    assert adam.positions.shape == (51, 1, 2)


def test_it_renders_with_its_colour(tmp_path):
    out = race.render(race.load(SCENE, optimizers=[SIGN]), tmp_path / "race.png")
    import imageio.v3 as iio

    pixels = iio.imread(out)[..., :3].astype(int)
    magenta = (pixels[..., 0] > 200) & (pixels[..., 1] < 60) & (pixels[..., 2] > 200)
    assert magenta.sum() > 50           # its trail, ball and legend handle


def test_render_settings_keep_the_custom_optimizer(tmp_path):
    out = race.render(race.load(SCENE, optimizers=[SIGN]), tmp_path / "dark.png",
                      theme="dark", size=(320, 240))
    assert out.exists()


def test_a_schedule_drives_its_lr():
    scene = race.load({**SCENE, "racers": [{"optimizer": "signsgd", "lr": 0.04, "schedule": {
        "name": "StepLR", "step_size": 10, "gamma": 0.5}}]}, optimizers=[SIGN])
    trajectory = race.simulate(scene).trajectories[0]
    assert trajectory.learning_rates[9] == 0.04 and trajectory.learning_rates[10] == 0.02
    steps = np.abs(np.diff(trajectory.positions[:, 0], axis=0))
    np.testing.assert_allclose(steps[9], 0.04)
    np.testing.assert_allclose(steps[10], 0.02)


def test_an_optimizer_object_may_stand_in_a_racer_mapping():
    scene = race.load({**SCENE, "racers": [{"optimizer": SIGN, "lr": 0.02}]})
    assert scene.racers[0].optimizer == "signsgd"
    assert scene.data["racers"][0]["optimizer"] == "signsgd"   # the data stays plain


def test_hyperparameters_are_checked_like_a_built_ins():
    bad = {**SCENE, "racers": [{"optimizer": "signsgd", "lr": "fast"}]}
    with pytest.raises(SceneError, match=r"racers\[0\]\.lr: expected a number"):
        race.load(bad, optimizers=[SIGN])
    bad = {**SCENE, "racers": [{"optimizer": "signsgd", "momentum": 0.9}]}
    with pytest.raises(SceneError, match="unknown signsgd hyperparameter or racer key"):
        race.load(bad, optimizers=[SIGN])


def test_a_scene_cannot_name_it_unless_python_hands_it_over(tmp_path):
    path = tmp_path / "scene.yaml"
    path.write_text("surface: bowl\nracers: [{optimizer: signsgd}]\n")
    with pytest.raises(SceneError, match="unknown optimizer 'signsgd'"):
        race.load(path)
    assert race.load(path, optimizers=[SIGN]).racers[0].custom is SIGN


@pytest.mark.parametrize("make, message", [
    (lambda: race.numpy_optimizer("adam", sign_init, sign_update),
     "'adam' is a built-in optimizer"),
    (lambda: race.numpy_optimizer("my opt", sign_init, sign_update), "expected a name"),
    (lambda: race.numpy_optimizer("mine", sign_init, 3), "update must be a function"),
    (lambda: race.numpy_optimizer("mine", sign_init, sign_update, config=dict),
     "config must be a frozen dataclass"),
])
def test_bad_definitions_are_refused(make, message):
    with pytest.raises(RaceError, match=message):
        race.load(SCENE, optimizers=[make()])


def test_two_optimizers_with_one_name_are_refused():
    other = race.numpy_optimizer("signsgd", sign_init, sign_update)
    with pytest.raises(SceneError, match="two different optimizers are named 'signsgd'"):
        race.load(SCENE, optimizers=[SIGN, other])


def test_an_update_of_the_wrong_shape_is_reported():
    broken = race.numpy_optimizer("broken", sign_init,
                                  lambda p, g, s, c: (p[:, :1], s))
    scene = race.load({**SCENE, "racers": ["broken"]}, optimizers=[broken])
    with pytest.raises(RaceError, match=r"'broken': update returned params of shape \(1, 1\)"):
        race.simulate(scene)


def test_a_torch_optimizer_without_torch_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)     # import torch fails
    with pytest.raises(RaceError, match="needs torch: pip install torch"):
        race.torch_optimizer(object)
