"""The explainer panel (render.explain): its numbers are the engine's record at the step shown,
its Δθ is the move the ball made, it sits inside the frame beside the map at every aspect and
in both themes, it is painted where its box is, and it costs no background redraw per frame."""

from __future__ import annotations

import itertools

import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.colors import to_rgb

import race
from fit_checks import ASPECTS, check_no_text_cut_and_no_panel_crossed, drawn_frame, \
    map_boxes, outside, overlap
from race.cli import main
from race.draw import frame_steps
from race.draw.explain import (ABSENT, ALPHABET, FADED, GROWS, INK, NUMBER_CELLS, SHRINKS,
                               number, parse)
from race.draw.glyphs import GlyphField, Glyphs
from race.draw.layout import Panel, Rect, place
from race.draw.stage import Stage
from race.draw.theme import THEMES
from race.engine import run

ARTICLE = {"surface": "bowl", "start": [1.5, 1.5], "steps": 60,
           "racers": [{"optimizer": "adagrad", "lr": 0.01, "label": "AdaGrad", "color": "white"},
                      {"optimizer": "rmsprop", "lr": 0.001, "label": "RMSProp"}]}


def article(**render):
    return run(race.load({**ARTICLE, "render": {"explain": "AdaGrad", **render}}))


def expected(trajectory, t: int) -> list[float]:
    """What the panel's number fields must show at ``t``, in order: each recorded term (one
    number, or x then y), then the point θ."""
    record = trajectory.explanation
    values = []
    for series in (*record.values, trajectory.positions[:, record.start]):
        values += [float(series[t])] if series.ndim == 1 else [float(v) for v in series[t]]
    return values


def shown(stage) -> list[str]:
    return [field.get_text() for field, _, _ in stage.explainer.numbers]


def check_numbers(stage, trajectory, t: int) -> None:
    stage.frame(t)
    texts = shown(stage)
    values = expected(trajectory, t)
    assert len(texts) == len(values)
    for text, value in zip(texts, values):
        digits = text.rstrip(GROWS + SHRINKS + " ")
        if np.isnan(value):
            assert digits == ABSENT
        else:
            assert digits == number(value), (text, value)
            assert parse(text) == pytest.approx(value, rel=5e-4, abs=1e-300)
    assert stage.explainer.clock.get_text() == f"t = {t}"


@pytest.mark.parametrize("optimizer, hyper", [
    ("adagrad", {}), ("sgd", {}), ("momentum", {}), ("nesterov", {}), ("rmsprop", {}),
    ("rmsprop", {"centered": True, "momentum": 0.5}), ("adadelta", {"lr": 1.0}),
    ("adam", {"lr": 0.05}), ("adamw", {"lr": 0.05, "amsgrad": True}), ("nadam", {"lr": 0.05}),
    ("rprop", {}), ("asgd", {})])
def test_the_numbers_shown_are_the_engines_record_and_the_step_is_the_move(optimizer, hyper):
    data = {**ARTICLE, "racers": [{"optimizer": optimizer, "label": "Explained", **hyper},
                                  ARTICLE["racers"][1]],
            "render": {"explain": "Explained"}}
    result = run(race.load(data))
    trajectory = result.trajectories[0]
    stage = Stage(result)
    notations = [t.get_text() for t in stage.explainer.ax.texts]
    assert all(n in notations for n in trajectory.explanation.notations)   # its own notation
    for t in (0, 1, 2, 7, 33, 60):
        check_numbers(stage, trajectory, t)
        step = shown(stage)[-4].rstrip(GROWS + SHRINKS + " ")              # the Δθ row
        if t == 0:
            assert step == ABSENT
            continue
        moves = trajectory.positions[t, 0] - trajectory.positions[t - 1, 0]
        assert step == number(moves[0])      # positions[t] - positions[t-1], as shown
        assert shown(stage)[-3].rstrip(GROWS + SHRINKS + " ") == number(moves[1])
    stage.close()


def test_adagrads_slowdown_reads_step_by_step():
    """G only ever grows (▲, in full ink) and η only ever shrinks (▼); lr never changes, so it
    is faded after the first update."""
    result = article()
    stage = Stage(result)
    for t in range(2, 30):
        stage.frame(t)
        fields = {(row.notation, axis): field for field, row, axis in stage.explainer.numbers}
        for axis in (0, 1):
            accumulated = fields[r"$G \leftarrow G + g^2$", axis]
            step = fields[r"$\eta = \mathrm{lr}/(\sqrt{G} + \epsilon)$", axis]
            assert accumulated.get_text().endswith(GROWS) and accumulated.get_color() == INK
            assert step.get_text().endswith(SHRINKS) and step.get_color() == INK
        rate = fields[r"$\mathrm{lr}$", None]
        assert rate.get_text().strip() == "0.01" and rate.get_color() == FADED
    stage.frame(1)          # every number is new at the first update
    assert all(field.get_color() == INK for field, row, _ in stage.explainer.numbers)
    stage.close()


def test_stopped_and_diverged_updates_show_no_numbers_and_say_why():
    data = {**ARTICLE, "stop_tolerance": 0.05,
            "racers": [{"optimizer": "sgd", "lr": 0.2, "label": "S"},
                       {"optimizer": "sgd", "lr": 1.5, "label": "D"}]}
    for label, words in (("S", "stopped at t = "), ("D", "diverged at t = ")):
        result = run(race.load({**data, "render": {"explain": label}}))
        stage = Stage(result)
        trajectory = result.trajectories[0 if label == "S" else 1]
        stage.frame(60)
        assert words in stage.explainer.status.get_text()
        check_numbers(stage, trajectory, 60)
        assert ABSENT in shown(stage)[-3]            # Δθ: no update taken
        stage.frame(0)
        assert stage.explainer.status.get_text().startswith("t = 0")
        stage.close()


@pytest.mark.parametrize("aspect, theme", list(itertools.product(ASPECTS, ("light", "dark"))))
def test_the_panel_fits_beside_the_map_and_is_painted_where_its_box_is(aspect, theme):
    size = ASPECTS[aspect]
    result = run(race.load({**ARTICLE, "render": {"explain": "AdaGrad", "size": list(size),
                                                  "theme": theme}}))
    stage, frame, texts = drawn_frame(result)
    width, height = size
    check_no_text_cut_and_no_panel_crossed(stage, texts)
    panel = stage.explainer.ax.get_window_extent()
    (map_box,) = map_boxes(stage)
    assert not outside(panel, width, height) and not overlap(panel, map_box, slack=0.0)
    assert map_box.width * map_box.height >= 0.2 * width * height
    # pixels: the panel's face fills its box, the map's pixels are not the panel's
    face = np.array(to_rgb(THEMES[theme].panel)) * 255
    rows = slice(height - int(panel.y1) + 3, height - int(panel.y0) - 3)
    inside = frame[rows, int(panel.x0) + 3:int(panel.x1) - 3, :3].astype(float)
    is_face = np.abs(inside - face).max(axis=2) <= 1
    assert is_face.mean() > 0.75                   # mostly face, with its text on it
    assert is_face[:, :4].all() and is_face[:, -4:].all()    # its inner edges
    map_pixels = frame[height - int(map_box.y1):height - int(map_box.y0),
                       int(map_box.x0):int(map_box.x1), :3].astype(float)
    assert (np.abs(map_pixels - face).max(axis=2) <= 1).mean() < 0.01
    stage.close()


def test_each_number_is_painted_in_its_own_cells_and_nowhere_else():
    result = article(size=[800, 600])
    stage = Stage(result)
    frame = np.array(stage.frame(12))
    face = np.array(to_rgb(THEMES["light"].panel)) * 255
    glyphs = stage.explainer.numbers[0][0].glyphs
    for field, _, _ in stage.explainer.numbers:
        rows = glyphs.rows(field.centre)
        text = field.get_text().rjust(field.cells) if field.align == "right" \
            else field.get_text().center(field.cells)
        for index, character in enumerate(text):
            cell = frame[rows, field.left + index * glyphs.cell + 1:
                         field.left + (index + 1) * glyphs.cell - 1, :3].astype(float)
            inked = (np.abs(cell - face).max(axis=2) > 40).any()
            assert inked == (not character.isspace()), (field.get_text(), index)
    # the same numbers give the same pixels, frame after frame
    again = np.array(stage.frame(12))
    assert np.array_equal(frame, again)
    stage.close()


def test_a_transparent_frame_keeps_the_panel_opaque_and_its_numbers():
    result = article(background="transparent", theme="dark", size=[1280, 720])
    stage = Stage(result)
    frame = np.array(stage.frame(20))
    panel = stage.explainer.ax.get_window_extent()
    height = 720
    inside = frame[height - int(panel.y1) + 2:height - int(panel.y0) - 2,
                   int(panel.x0) + 2:int(panel.x1) - 2]
    assert (inside[..., 3] == 255).all()
    assert frame[2, 2, 3] == 0                     # the figure around it is see-through
    check_numbers(stage, result.trajectories[0], 20)
    stage.close()


def test_frames_after_the_first_redraw_no_background():
    result = article()
    stage = Stage(result)
    stage.frame(0)
    stage.frame(1)      # the status line changes from the start's: one redraw
    draws = []
    original = stage.canvas.draw
    stage.canvas.draw = lambda *a, **k: (draws.append(1), original(*a, **k))
    for t in range(2, 40):
        stage.frame(t)
    assert draws == []
    stage.close()


def test_an_unknown_label_is_one_line_with_the_close_match(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scene = tmp_path / "scene.yaml"
    scene.write_text("surface: bowl\nstart: [1, 1]\nracers:\n"
                     "  - {optimizer: adagrad, label: AdaGrad}\n  - rmsprop\n"
                     "render:\n  explain: adagard\n")
    result = CliRunner().invoke(main, ["validate", str(scene)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"race: error: {scene}:7: render.explain: no racer is labelled 'adagard'; "
        "did you mean 'AdaGrad'?"]
    result = CliRunner().invoke(main, ["render", str(scene), "--set", "render.explain=nobody",
                                       "-o", "x.gif"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "race: error: --set render.explain: no racer is labelled 'nobody'; "
        "expected one of 'AdaGrad', 'rmsprop'"]
    assert list(tmp_path.iterdir()) == [scene] and "Traceback" not in result.output


def test_the_shipped_scene_renders_with_its_panel(tmp_path):
    scene = race.load("adagrad_explained")
    assert scene.render.explain == "AdaGrad" and scene.render.view == "contour"
    assert [r.optimizer for r in scene.racers] == ["adagrad", "rmsprop"]
    still = race.render(scene, tmp_path / "still.png", step=5)
    pixels = iio.imread(still)
    assert pixels.shape == (720, 1280, 3)
    stage = Stage(run(scene))
    assert np.array_equal(pixels, np.array(stage.frame(5))[..., :3])
    panel = stage.explainer.ax.get_window_extent()
    face = np.array(to_rgb(THEMES[scene.render.theme].panel)) * 255
    corner = pixels[720 - int(panel.y1) + 4, int(panel.x0) + 4]
    assert np.abs(corner - face).max() <= 1
    stage.close()
    video = race.render(scene, tmp_path / "clip.mp4", duration=1.0, hold=0, fps=6)
    frames = imageio_ffmpeg.read_frames(str(video))
    meta = next(frames)
    assert tuple(meta["size"]) == (1280, 720)
    assert sum(1 for _ in frames) == len(frame_steps(race.load(
        "adagrad_explained", {"render.duration": 1.0, "render.hold": 0,
                              "render.fps": 6}).render, scene.steps))


def test_the_panel_goes_beside_a_square_map_on_a_wide_frame_and_under_it_on_a_tall_one():
    square = [Panel(1.0)]
    wide = place(Rect(0, 0, 1200, 500), square, gap=10, aside=(300, 250))
    (box,) = wide.maps
    assert wide.aside.x >= box.right + 10 and wide.aside.width == 300
    assert abs((wide.aside.y + wide.aside.height / 2) - (box.y + box.height / 2)) < 1
    tall = place(Rect(0, 0, 500, 1000), square, gap=10, aside=(300, 250))
    (box,) = tall.maps
    assert tall.aside.top + 10 <= box.y + 1e-9 and tall.aside.height == 250
    for placement, region in ((wide, Rect(0, 0, 1200, 500)), (tall, Rect(0, 0, 500, 1000))):
        for rect in (*placement.maps, placement.aside):
            assert rect.x >= region.x - 1e-9 and rect.right <= region.right + 1e-9
            assert rect.y >= region.y - 1e-9 and rect.top <= region.top + 1e-9


@pytest.mark.parametrize("value, text", [
    (0.01, "0.01"), (-1.5, "−1.5"), (3.16227e-5, "3.162e−5"), (12345.678, "1.235e4"),
    (0.0, "0"), (float("inf"), "∞"), (float("-inf"), "−∞"), (float("nan"), ABSENT),
    (-8.88888e-300, "−8.889e−300"), (2.2e-308 / 3, "7.333e−309")])
def test_numbers_read_to_four_digits_and_fit_their_field(value, text):
    assert number(value) == text
    if text != ABSENT:
        assert parse(text + GROWS) == pytest.approx(value, rel=5e-4)
    field = GlyphField(Glyphs(None, None, {INK: "k", FADED: "0.5"}, ALPHABET, 8, 12), 0, 0,
                       NUMBER_CELLS)
    field.set_text(number(value) + SHRINKS, FADED)      # the widest fits; nothing is refused
    assert field.get_text() == text + SHRINKS and field.get_color() == FADED
    with pytest.raises(ValueError):
        field.set_text("nan")
