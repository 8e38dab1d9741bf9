import textwrap

import pytest

from race.errors import LimitError, SceneError
from race.loader import load_scene, scene_from_text
from race.optimizers import get_optimizer

ARTICLE = """\
title: AdaGrad vs RMSProp
surface: bowl
start: [1.5, 1.5]
steps: 1600
racers:
  - {optimizer: adagrad, lr: 0.01, label: AdaGrad, color: white}
  - {optimizer: rmsprop, lr: 0.001, alpha: 0.99, label: RMSProp, color: "#00ff00"}
render:
  view: contour
  size: [800, 600]
  fps: 30
output: outputs/article.gif
"""


def load(text: str, overrides=()):
    return scene_from_text(textwrap.dedent(text), file="scene.yaml", overrides=overrides)


def error_of(text: str, overrides=()) -> str:
    with pytest.raises(SceneError) as info:
        load(text, overrides)
    return str(info.value)


def test_the_issue_example_loads_into_frozen_records():
    scene = load(ARTICLE)
    assert scene.title == "AdaGrad vs RMSProp"
    assert scene.surface.name == "bowl"
    assert scene.steps == 1600
    adagrad, rmsprop = scene.racers
    assert adagrad.config == get_optimizer("adagrad").config(lr=0.01)
    assert rmsprop.config == get_optimizer("rmsprop").config(lr=0.001, alpha=0.99)
    assert adagrad.starts == ((1.5, 1.5),) and adagrad.color == "white"
    assert rmsprop.label == "RMSProp" and rmsprop.color == "#00ff00"
    assert scene.render.size == (800, 600) and scene.render.fps == 30
    assert scene.output == "outputs/article.gif"
    with pytest.raises(AttributeError):
        scene.steps = 3  # frozen


def test_file_loading_names_the_scene_after_the_file(tmp_path):
    path = tmp_path / "my_scene.yaml"
    path.write_text(ARTICLE)
    scene = load_scene(path)
    assert scene.name == "my_scene" and scene.source == str(path)


def test_labels_default_to_the_optimizer_and_are_made_unique():
    scene = load("""
        surface: bowl
        start: [1, 1]
        racers: [{optimizer: adam}, {optimizer: adam, lr: 0.1}, {optimizer: sgd}]
    """)
    assert [r.label for r in scene.racers] == ["adam", "adam 2", "sgd"]
    assert len({r.color for r in scene.racers}) == 3


def test_yaml_one_point_one_exponent_text_is_read_as_a_number():
    scene = load("surface: bowl\nstart: [1, 1]\nracers: [{optimizer: adam, lr: 1e-3}]\n")
    assert scene.racers[0].config.lr == 0.001


def test_betas_become_a_tuple():
    scene = load("surface: bowl\nstart: [1, 1]\nracers: [{optimizer: adam, betas: [0.8, 0.9]}]\n")
    assert scene.racers[0].config.betas == (0.8, 0.9)


def test_racers_may_start_from_their_own_points_or_a_grid():
    scene = load("""
        surface: bowl
        start: [1, 1]
        racers:
          - {optimizer: sgd, start: [0.5, -0.5]}
          - {optimizer: adam, starts: [[1, 0], [0, 1]]}
          - {optimizer: rmsprop, starts: {grid: [3, 2]}}
          - {optimizer: adagrad}
    """)
    sgd, adam, rmsprop, adagrad = scene.racers
    assert sgd.starts == ((0.5, -0.5),)
    assert adam.starts == ((1.0, 0.0), (0.0, 1.0))
    assert len(rmsprop.starts) == 6
    assert all(-2 < x < 2 and -2 < y < 2 for x, y in rmsprop.starts)
    assert adagrad.starts == ((1.0, 1.0),)


def test_custom_expression_surfaces():
    scene = load("""
        surface: {expr: "x**2 + 3*y**2", xlim: [-1, 1], ylim: [-2, 2]}
        start: [0.5, 0.5]
        racers: [{optimizer: sgd}]
    """)
    assert scene.surface.xlim == (-1.0, 1.0) and scene.surface.ylim == (-2.0, 2.0)
    gx, gy = scene.surface.gradient(0.5, 0.5)
    assert float(gx) == pytest.approx(1.0) and float(gy) == pytest.approx(3.0)


def test_overrides_beat_the_yaml():
    scene = load(ARTICLE, overrides=["render.fps=12", "racers[1].lr=0.5", "steps=10",
                                     "render.theme=dark"])
    assert scene.render.fps == 12 and scene.steps == 10 and scene.render.theme == "dark"
    assert scene.racers[1].config.lr == 0.5


@pytest.mark.parametrize("text, expected", [
    ("surface: bowl\nstart: [1, 1]\nsteps: 10\nracerz: []\n",
     "scene.yaml:4: racerz: unknown scene key 'racerz'; did you mean 'racers'?"),
    ("surface: bowel\nstart: [1, 1]\nracers: [{optimizer: sgd}]\n",
     "scene.yaml:1: surface: unknown surface 'bowel'; did you mean 'bowl'?"),
    ("surface: bowl\nstart: [1, 1]\nracers:\n  - {optimizer: adagard}\n",
     "scene.yaml:4: racers[0].optimizer: unknown optimizer 'adagard'; did you mean 'adagrad'?"),
    ("surface: bowl\nstart: [1, 1]\nracers:\n  - optimizer: adam\n    lr: -0.1\n",
     "scene.yaml:5: racers[0].lr: Invalid learning rate: -0.1"),
    ("surface: bowl\nstart: [1, 1]\nracers:\n  - optimizer: adam\n    betas: [0.9, 1.0]\n",
     "scene.yaml:5: racers[0].betas: Invalid beta parameter at index 1: 1.0"),
    ("surface: bowl\nstart: [1, 1]\nracers:\n  - optimizer: adam\n    lrr: 0.1\n",
     "scene.yaml:5: racers[0].lrr: unknown adam hyperparameter or racer key 'lrr'; "
     "did you mean 'lr'?"),
    ("surface: bowl\nstart: [1, 1]\nsteps: 0\nracers: [{optimizer: sgd}]\n",
     "scene.yaml:3: steps: expected a number at least 1, got 0"),
    ("surface: bowl\nstart: [5, 1]\nracers: [{optimizer: sgd}]\n",
     "scene.yaml:2: start: start (5, 1) is outside the surface's domain"),
    ("surface: bowl\nstart: [1, 1]\nracers: [{optimizer: sgd, color: notacolour}]\n",
     "scene.yaml:3: racers[0].color: expected a colour"),
    ("surface: bowl\nstart: [1, 1]\nracers: [{optimizer: sgd}]\nrender: {fps: 0}\n",
     "scene.yaml:4: render.fps: expected a number at least 1, got 0"),
    ("surface: bowl\nstart: [1, 1]\nracers: [{optimizer: sgd}]\nrender: {view: contur}\n",
     "scene.yaml:4: render.view: unknown value 'contur'; did you mean 'contour'?"),
    ("surface: bowl\nstart: [1, 1]\nracers: [{optimizer: sgd}]\nrender:\n  fsp: 3\n",
     "scene.yaml:5: render.fsp: unknown render key 'fsp'; did you mean 'fps'?"),
    ("surface: bowl\nstart: [1, 1]\nracers: [{optimizer: sgd}]\nrender: {size: [800]}\n",
     "scene.yaml:4: render.size: expected a list of 2 numbers"),
    ("surface: {expr: 'x + ', xlim: [-1, 1], ylim: [-1, 1]}\nstart: [0, 0]\n"
     "racers: [{optimizer: sgd}]\n", "scene.yaml:1: surface.expr: "),
    ("surface: {expr: 'x*y', xlim: [1, -1], ylim: [-1, 1]}\nracers: [{optimizer: sgd}]\n",
     "scene.yaml:1: surface.xlim: expected low < high, got [1, -1]"),
    ("- just\n- a list\n", "scene.yaml:1: expected a mapping of scene keys, got a list of 2"),
    ("surface: bowl\n", "scene.yaml:1: racers: missing; a scene needs surface and racers"),
    ("surface: [bowl\n", "scene.yaml:2: not valid YAML"),
    ("surface: !!python/object:os.system bowl\nracers: []\n", "scene.yaml:1: not valid YAML"),
])
def test_bad_scenes_name_file_line_key_and_expectation(text, expected):
    assert error_of(text).startswith(expected)


def test_an_empty_file_is_an_error():
    assert error_of("") == "scene.yaml: the file is empty; expected a mapping with 'surface' " \
                           "and 'racers'"


def test_a_bad_override_names_the_key():
    message = error_of(ARTICLE, overrides=["render.fps=-3"])
    assert "render.fps: expected a number at least 1, got -3" in message


def test_anchor_bombs_hit_the_node_limit():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, " \
                f"*{prev}, *{prev}, *{prev}, *{prev}]\n"
    with pytest.raises(LimitError, match="RACE_MAX_YAML_NODES"):
        load(bomb)


def test_absurd_step_counts_hit_a_limit():
    with pytest.raises(LimitError, match="RACE_MAX_STEPS"):
        load("surface: bowl\nstart: [1, 1]\nsteps: 1000000000\nracers: [{optimizer: sgd}]\n")
