"""A corpus of bad scenes: each gets exit status 2, one line naming file, line and key, and
leaves every output file as it was."""

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from race.cli import main
from race.errors import RaceError
from race.loader import scene_from_text

GOOD = {
    "surface": "surface: bowl",
    "start": "start: [1.5, 1.5]",
    "steps": "steps: 20",
    "racers": "racers:\n  - {optimizer: adagrad, lr: 0.01}\n  - {optimizer: rmsprop, lr: 0.001}",
}


def scene(**replace: str) -> str:
    parts = dict(GOOD)
    parts.update(replace)
    return "\n".join(v for v in parts.values() if v) + "\n"


def expr(text: str, xlim="[-2, 2]", ylim="[-2, 2]") -> str:
    return scene(surface=f"surface: {{expr: {text!r}, xlim: {xlim}, ylim: {ylim}}}",
                 start="start: [0.5, 0.5]")


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{chr(ord(c) - 1)}'] * 10)}]\n" for c in "bcdefghi")

# (id, scene text, the start of what follows "race: error: FILE")
CASES = [
    ("not-yaml", "surface: [bowl\n", ":2: not valid YAML"),
    ("tab-indent", "surface: bowl\n\tracers: []\n", ":2: not valid YAML"),
    ("a-list", "- a\n- b\n", ":1: expected a mapping of scene keys, got a list of 2"),
    ("a-scalar", "just some words\n", ":1: expected a mapping of scene keys"),
    ("empty", "", ": the file is empty"),
    ("only-comments", "# nothing here\n", ": the file is empty"),
    ("python-tag", "surface: !!python/object/apply:os.system ['echo hi']\n", ":1: not valid YAML"),
    ("local-tag", "surface: !custom bowl\n", ":1: not valid YAML"),
    ("anchor-bomb", BOMB, ": the YAML has over"),
    ("unknown-key", scene(steps="stepz: 20"), ":3: stepz: unknown scene key 'stepz'; did you mean 'steps'?"),
    ("misspelt-optimizer", scene(racers="racers:\n  - {optimizer: adagard}"), ":5: racers[0].optimizer: unknown optimizer 'adagard'; did you mean 'adagrad'?"),
    ("optimizer-not-text", scene(racers="racers:\n  - {optimizer: 3}"), ":5: racers[0].optimizer: unknown optimizer 3"),
    ("misspelt-surface", scene(surface="surface: rosenbrok"), ":1: surface: unknown surface 'rosenbrok'; did you mean 'rosenbrock'?"),
    ("misspelt-hyper", scene(racers="racers:\n  - {optimizer: rmsprop, alpah: 0.9}"), ":5: racers[0].alpah: unknown rmsprop hyperparameter or racer key 'alpah'; did you mean 'alpha'?"),
    ("hyper-of-another", scene(racers="racers:\n  - {optimizer: adam, alpha: 0.9}"), ":5: racers[0].alpha: unknown adam hyperparameter"),
    ("lr-text", scene(racers="racers:\n  - {optimizer: adam, lr: fast}"), ":5: racers[0].lr: expected a number, got 'fast'"),
    ("lr-bool", scene(racers="racers:\n  - {optimizer: adam, lr: true}"), ":5: racers[0].lr: expected a number, got true"),
    ("lr-negative", scene(racers="racers:\n  - {optimizer: adam, lr: -0.1}"), ":5: racers[0].lr: Invalid learning rate: -0.1"),
    ("lr-infinite", scene(racers="racers:\n  - {optimizer: adam, lr: .inf}"), ":5: racers[0].lr: expected a finite number"),
    ("betas-range", scene(racers="racers:\n  - {optimizer: adam, betas: [0.9, 1.0]}"), ":5: racers[0].betas: Invalid beta parameter at index 1: 1.0"),
    ("betas-length", scene(racers="racers:\n  - {optimizer: adam, betas: [0.9]}"), ":5: racers[0].betas: expected a list of 2 numbers"),
    ("momentum-negative", scene(racers="racers:\n  - {optimizer: sgd, momentum: -1}"), ":5: racers[0].momentum: Invalid momentum value: -1"),
    ("alpha-negative", scene(racers="racers:\n  - {optimizer: rmsprop, alpha: -0.5}"), ":5: racers[0].alpha: Invalid alpha value: -0.5"),
    ("eps-negative", scene(racers="racers:\n  - {optimizer: adagrad, eps: -1e-10}"), ":5: racers[0].eps: Invalid epsilon value: -1e-10"),
    ("rho-above-one", scene(racers="racers:\n  - {optimizer: adadelta, rho: 1.5}"), ":5: racers[0].rho: Invalid rho value: 1.5"),
    ("nesterov-no-momentum", scene(racers="racers:\n  - {optimizer: sgd, nesterov: true}"), ":5: racers[0]"),
    ("nesterov-not-bool", scene(racers="racers:\n  - {optimizer: sgd, momentum: 0.9, nesterov: yes please}"), ":5: racers[0].nesterov: expected true or false"),
    ("steps-zero", scene(steps="steps: 0"), ":3: steps: expected a number at least 1, got 0"),
    ("steps-text", scene(steps="steps: many"), ":3: steps: expected a whole number, got 'many'"),
    ("steps-fraction", scene(steps="steps: 2.5"), ":3: steps: expected a whole number, got 2.5"),
    ("steps-absurd", scene(steps="steps: 1000000000000"), ":3: steps: the step count is 1,000,000,000,000, over the limit of 100,000 (raise it with RACE_MAX_STEPS=N)"),
    ("domain-reversed", expr("x*y", xlim="[2, -2]"), ":1: surface.xlim: expected low < high, got [2, -2]"),
    ("domain-empty", expr("x*y", ylim="[1, 1]"), ":1: surface.ylim: expected low < high, got [1, 1]"),
    ("domain-infinite", expr("x*y", xlim="[-.inf, 1]"), ":1: surface.xlim[0]: expected a finite number"),
    ("domain-shape", expr("x*y", xlim="[1, 2, 3]"), ":1: surface.xlim: expected [low, high]"),
    ("start-outside", scene(start="start: [3, 0]"), ":2: start: start (3, 0) is outside the surface's domain"),
    ("start-nan", scene(start="start: [.nan, 0]"), ":2: start[0]: expected a finite number, got nan"),
    ("start-shape", scene(start="start: [1]"), ":2: start: expected a point [x, y], got a list of 1"),
    ("start-both", scene(start="start: [1, 1]\nstarts: [[0, 0]]"), ":3: starts: give either 'start' or 'starts', not both"),
    ("start-grid-huge", scene(start="starts: {grid: [2000, 2000]}"), ":2: starts.grid: the start grid's size is 4,000,000, over the limit"),
    ("racers-empty", scene(racers="racers: []"), ":4: racers: expected a non-empty list of racers"),
    ("racers-mapping", scene(racers="racers: {optimizer: adam}"), ":4: racers: expected a non-empty list of racers"),
    ("racer-no-optimizer", scene(racers="racers:\n  - {lr: 0.1}"), ":5: racers[0]: missing 'optimizer'"),
    ("racer-too-many", scene(racers="racers: [" + ", ".join(["sgd"] * 65) + "]"), ":4: racers: the number of racers is 65, over the limit"),
    ("colour-bad", scene(racers="racers:\n  - {optimizer: adam, color: '#12345'}"), ":5: racers[0].color: expected a colour"),
    ("label-empty", scene(racers="racers:\n  - {optimizer: adam, label: ''}"), ":5: racers[0].label: expected a name"),
    ("stop-negative", scene(steps="steps: 20\nstop_tolerance: -1"), ":4: stop_tolerance: expected a number greater than 0"),
    ("output-not-text", scene(steps="steps: 20\noutput: 3"), ":4: output: expected a file path, got 3"),
    ("render-not-mapping", scene(steps="steps: 20\nrender: fast"), ":4: render: expected a mapping, got 'fast'"),
    ("size-absurd", scene(steps="steps: 20\nrender: {size: [100000, 100000]}"), ":4: render.size[0]: expected a number at most 7680, got 100000"),
    ("size-tiny", scene(steps="steps: 20\nrender: {size: [2, 2]}"), ":4: render.size[0]: expected a number at least 16, got 2"),
    ("fps-zero", scene(steps="steps: 20\nrender: {fps: 0}"), ":4: render.fps: expected a number at least 1, got 0"),
    ("fps-absurd", scene(steps="steps: 20\nrender: {fps: 100000}"), ":4: render.fps: expected a number at most 240, got 100000"),
    ("view-unknown", scene(steps="steps: 20\nrender: {view: surface}"), ":4: render.view: unknown value 'surface'"),
    ("theme-unknown", scene(steps="steps: 20\nrender:\n  theme: neon"), ":5: render.theme: unknown value 'neon'"),
    ("colormap-unknown", scene(steps="steps: 20\nrender: {colormap: viridiss}"), ":4: render.colormap: unknown colormap 'viridiss'; did you mean 'viridis'?"),
    ("surface-colour-bad", scene(steps="steps: 20\nrender: {surface_color: yellowish}"), ":4: render.surface_color: expected a colour"),
    ("squares-not-mapping", scene(steps="steps: 20\nrender: {squares: 3}"), ":4: render.squares: expected a mapping, got 3"),
    ("expr-import", expr("__import__('os').system('touch /tmp/race-pwned')"), ":1: surface.expr: "),
    ("expr-attribute", expr("x.real"), ":1: surface.expr: "),
    ("expr-lambda", expr("(lambda: 1)()"), ":1: surface.expr: "),
    ("expr-comprehension", expr("sum([x for x in range(3)])"), ":1: surface.expr: "),
    ("expr-subscript", expr("x[0]"), ":1: surface.expr: "),
    ("expr-string", expr("'a' * 3"), ":1: surface.expr: "),
    ("expr-unknown-name", expr("x + z"), ":1: surface.expr: "),
    ("expr-tower", expr("9**9**9"), ":1: surface.expr: "),
    ("expr-deep-parens", expr("(" * 300 + "x" + ")" * 300), ":1: surface.expr: "),
    ("expr-long", expr("+".join(["x"] * 2000)), ":1: surface.expr: "),
    ("expr-divide-by-zero", expr("1/0"), ":1: surface.expr: "),
    ("expr-nowhere-finite", expr("log(-1 - x**2)"), ":1: surface.expr: "),
    ("expr-syntax", expr("x +* y"), ":1: surface.expr: "),
    ("expr-not-text", scene(surface="surface: {expr: [1], xlim: [-1, 1], ylim: [-1, 1]}", start="start: [0, 0]"), ":1: surface.expr: expected an expression"),
    ("surface-both", scene(surface="surface: {expr: x, name: bowl, xlim: [-1, 1], ylim: [-1, 1]}", start="start: [0, 0]"), ":1: surface: expected exactly one of"),
    ("surface-no-domain", scene(surface="surface: {expr: x*y}", start="start: [0, 0]"), ":1: surface.xlim: missing"),
    # issue 14: classes that passed validation and then crashed, or were silently accepted
    ("duplicate-key", scene(steps="steps: 20\nsteps: 30"), ":4: steps: duplicate key 'steps' (first at line 3, again at line 4)"),
    ("duplicate-nested-key", scene(racers="racers:\n  - {optimizer: adam, lr: 0.1, lr: 0.2}"), ":5: racers[0].lr: duplicate key 'lr'"),
    ("yes-is-not-a-boolean", scene(steps="steps: 20\nrender: {legend: yes}"), ":4: render.legend: expected true or false, got 'yes'"),
    ("lone-surrogate-title", scene(steps='steps: 20\ntitle: "a \\udc80 b"'), ":4: title: text holds an invalid character"),
    ("lone-surrogate-label", scene(racers='racers:\n  - {optimizer: adam, label: "\\ud800"}'), ":5: racers[0].label: text holds an invalid character"),
    ("bad-mathtext-title", scene(steps="steps: 20\ntitle: 'a $x^$ b'"), ":4: title: not valid $...$ maths"),
    ("bad-mathtext-label", scene(racers="racers:\n  - {optimizer: adam, label: '$\\frac{1}$'}"), ":5: racers[0].label: not valid $...$ maths"),
    ("title-too-long", scene(steps="steps: 20\ntitle: " + "t" * 990), ":4: title: expected text of at most 200 characters, got 990"),
    ("label-too-long", scene(racers="racers:\n  - {optimizer: adam, label: " + "l" * 15000 + "}"), ":5: racers[0].label: expected a name of at most 80 characters"),
    ("title-a-mapping", scene(steps="steps: 20\ntitle: {a: 1}"), ":4: title: expected text, got a mapping"),
    ("domain-huge", scene(surface="surface: {name: bowl, xlim: [-1e308, 1e308], ylim: [-2, 2]}"), ":1: surface.xlim[0]: expected a number at least -1e+100"),
    ("domain-too-narrow", scene(surface="surface: {name: bowl, xlim: [1e9, 1.0000000000001e9], ylim: [-2, 2]}", start="start: [1e9, 0]"), ":1: surface.xlim: the range [1e+09, 1e+09] is too narrow"),
    ("output-outside", scene(steps="steps: 20\noutput: ../../elsewhere/x.gif"), ":4: output: '../../elsewhere/x.gif' is outside the scene's folder and the current folder"),
    ("output-absolute", scene(steps="steps: 20\noutput: /etc/race.gif"), ":4: output: '/etc/race.gif' is outside"),
    ("output-home", scene(steps="steps: 20\noutput: ~/race.gif"), ":4: output: '~/race.gif' is outside"),
    ("output-empty", scene(steps="steps: 20\noutput: ''"), ":4: output: expected a file path"),
    ("starts-over-limit", scene(start="starts: {grid: [400, 400]}"), ":2: starts.grid: the start grid's size is 160,000, over the limit of 100,000"),
    ("samples-over-limit", scene(start="starts: {grid: [200, 200]}", steps="steps: 200"), ":3: steps: racer-starts x (steps + 1) is 16,080,000, over the limit of 10,000,000"),
    ("racer-steps-over-limit", scene(steps="steps: 90000", racers="racers: [adam, sgd, adagrad, rmsprop, adamw, nadam]"), ":3: steps: racers x steps is 540,000, over the limit of 500,000"),
    ("label-empty", scene(racers="racers:\n  - {optimizer: adam, label: '  '}"), ":5: racers[0].label: expected a name"),
    ("color-unknown", scene(racers="racers:\n  - {optimizer: adam, color: blurple}"), ":5: racers[0].color: expected a colour"),
    ("render-size-text", scene(steps="steps: 20\nrender: {size: big}"), ":4: render.size: expected a list of 2 numbers"),
    ("render-fps-zero", scene(steps="steps: 20\nrender: {fps: 0}"), ":4: render.fps: expected a number at least 1"),
    ("render-view-unknown", scene(steps="steps: 20\nrender: {view: sideways}"), ":4: render.view: unknown value 'sideways'"),
    ("start-outside", scene(start="start: [9, 9]"), ":2: start: start (9, 9) is outside the surface's domain"),
    ("steps-zero", scene(steps="steps: 0"), ":3: steps: expected a number at least 1, got 0"),
    ("racers-empty", scene(racers="racers: []"), ":4: racers: expected a non-empty list of racers"),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_scene_is_refused_cleanly(tmp_path, text, expected):
    path = tmp_path / "scene.yaml"
    path.write_text(text)
    out = tmp_path / "out.csv"
    out.write_text("previous")
    result = CliRunner().invoke(main, ["simulate", str(path), "-o", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"race: error: {path}{expected}"), lines[0]
    assert "Traceback" not in result.output
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "scene.yaml"]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 60


def test_no_user_code_runs(tmp_path):
    sentinel = tmp_path / "pwned"
    for text in (f"__import__('os').system('touch {sentinel}')",
                 f"open('{sentinel}', 'w')", "exec('1')", "eval('1')"):
        path = tmp_path / "scene.yaml"
        path.write_text(expr(text))
        result = CliRunner().invoke(main, ["validate", str(path)])
        assert result.exit_code == 2
    assert not sentinel.exists()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_is_a_scene_or_a_clean_error(text):
    try:
        scene_from_text(text, file="fuzz.yaml")
    except RaceError as exc:
        assert "\n" not in str(exc)


KEYS = st.sampled_from(["surface", "start", "steps", "racers", "render", "title", "output",
                        "optimizer", "lr", "fps", "size", "view", "xlim", "expr", "betas"])
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
    | st.text(max_size=20) | st.sampled_from(["bowl", "adam", "sgd", "x**2", "contour"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_structure_is_a_scene_or_a_clean_error(data):
    import yaml

    try:
        scene_from_text(yaml.safe_dump(data), file="fuzz.yaml")
    except RaceError as exc:
        assert "\n" not in str(exc)
