"""The interactive player (race render -o race.html --interactive) in a real headless Chromium:
it opens from file:// without errors, #step=K opens it paused at K, the scrubber puts every ball
where the still of that step has it, toggling a racer removes its pixels, play advances, the
keyboard and the pointer work, and it fits two window widths. A 3D race plays its video under
the same controls."""

from __future__ import annotations

import base64
import re
from io import BytesIO

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import race as api
from race.cli import main
from race.draw import frame_steps
from race.draw.stage import Stage
from race.engine import run
from race.errors import SceneError
from race.loader import scene_from_text

SCENE = """
title: Player
surface: bowl
start: [1.5, 1.0]
steps: 60
racers:
  - {optimizer: adagrad, lr: 0.1, label: AdaGrad, color: "#ff0000"}
  - {optimizer: rmsprop, lr: 0.02, label: RMSProp, color: "#0000ff", start: [-1.2, 1.4]}
render:
  size: [480, 320]
  dpi: 100              # big balls: centroids to well under a pixel
  fps: 10
  duration: 3
  hold: 0.5
  loss_panel: right
"""
WIDTH, HEIGHT = 480, 320
RED, BLUE = (255, 0, 0), (0, 0, 255)
COLOURS = (RED, BLUE)
# balls only: trails and squares in a racer's colour would pull its centroid
BALLS_ONLY = ("render.trail.show=false", "render.squares.show=false")


def make_race(*overrides: str):
    return run(scene_from_text(SCENE, overrides=overrides))


@pytest.fixture(scope="module")
def balls(tmp_path_factory):
    folder = tmp_path_factory.mktemp("player")
    race = make_race(*BALLS_ONLY)
    return api.render(race, folder / "race.html", interactive=True), race, folder


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    """Trails, squares and arrows on: what a reader sees."""
    folder = tmp_path_factory.mktemp("player-full")
    race = make_race("render.arrows.gradient=true")
    return api.render(race, folder / "race.html", interactive=True), race


def shown(race) -> list[int]:
    return sorted(set(frame_steps(race.scene.render, race.scene.steps)))


def settle(page) -> None:
    """Let the player draw what its state says (two animation frames)."""
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def open_at(page, path, step: int, width: int = WIDTH) -> None:
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(f"{path.as_uri()}#step={step}")
    page.wait_for_function(f"document.querySelector('.rp-scrub').value === '{step}'")
    settle(page)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)


def stage_pixels(page) -> np.ndarray:
    return pixels(page.locator(".rp-stage").screenshot())


def matching(image: np.ndarray, colour, tolerance: int = 60) -> np.ndarray:
    return (np.abs(image - np.array(colour)) <= tolerance).all(axis=-1)


def expected_balls(race, step: int) -> list[tuple[float, float]]:
    """Where matplotlib puts each racer's ball at ``step``: pixels from the top-left."""
    stage = Stage(race)
    try:
        stage.frame(step)
        transform = stage.views[0].ax.transData
        return [(x, HEIGHT - y) for x, y in
                (transform.transform(t.positions[step, 0]) for t in race.trajectories)]
    finally:
        stage.close()


def centroid(image: np.ndarray, colour, around, radius: float = 11.0) -> np.ndarray:
    """Centre of the ``colour`` pixels within ``radius`` of ``around`` (a ball, scaled)."""
    ys, xs = np.nonzero(matching(image, colour))
    near = np.hypot(xs - around[0], ys - around[1]) <= radius
    assert near.sum() > 0.2 * radius ** 2, f"no ball of {colour} near {around}"
    return np.array([xs[near].mean(), ys[near].mean()])


def test_the_player_is_one_file_with_nothing_to_fetch(balls):
    path, race, _ = balls
    text = path.read_text(encoding="utf-8")
    assert re.findall(r'(?:src|href|poster)="(?!data:)', text) == []
    assert "<video" not in text and 'class="rp-static" src="data:image/' in text
    assert "RacePlayer.mount" in text and 'type="range"' in text
    assert text.count("</script>") == 2           # the data and the player, nothing closes early
    assert "AdaGrad (adagrad, lr 0.1) and RMSProp (rmsprop, lr 0.02)" in text
    data = re.search(r'<script type="application/json" class="rp-data">(.*?)</script>', text,
                     re.S).group(1)
    steps = np.frombuffer(base64.b64decode(re.search(r'"shown":"([^"]+)"', data).group(1)),
                          "<u4")
    assert steps.tolist() == shown(race)          # only the steps the frames show
    assert path.stat().st_size < 150_000


def test_it_opens_from_a_file_url_without_errors_and_plays(balls, page):
    path, race, _ = balls
    page.goto(path.as_uri())
    page.wait_for_function("Number(document.querySelector('.rp-scrub').value) > 0")
    assert page.locator(".rp-play").get_attribute("aria-label") == "Pause"   # it plays
    assert page.locator(".rp-static").get_attribute("alt").startswith("Animation: AdaGrad")
    assert page.problems == []


def test_a_step_in_the_address_opens_it_paused_there(balls, page):
    path, race, _ = balls
    step = shown(race)[7]
    open_at(page, path, step)
    page.wait_for_timeout(400)
    assert page.locator(".rp-scrub").input_value() == str(step)
    assert page.locator(".rp-play").get_attribute("aria-label") == "Play"
    assert page.locator(".rp-step").text_content() == f"step {step:>2}/60"
    assert page.problems == []


@pytest.mark.parametrize("pick", [5, 20])
def test_the_scrubber_puts_the_balls_where_the_still_has_them(balls, page, pick):
    path, race, folder = balls
    step = shown(race)[pick]
    still = pixels(api.render(race, folder / f"still{step}.png", step=step).read_bytes())
    open_at(page, path, 0)
    page.locator(".rp-scrub").fill(str(step))
    page.wait_for_function(f"document.querySelector('.rp-scrub').value === '{step}'")
    settle(page)
    shot = stage_pixels(page)
    assert shot.shape == still.shape == (HEIGHT, WIDTH, 3)
    for colour, ball in zip(COLOURS, expected_balls(race, step)):
        in_still, on_page = centroid(still, colour, ball), centroid(shot, colour, ball)
        assert np.abs(in_still - on_page).max() <= 2.0, (colour, in_still, on_page)
    assert page.problems == []


def test_the_page_draws_what_the_still_draws(everything, page, tmp_path):
    """Trails, squares, arrows, the loss panel and the counter over the static picture: the
    same pixels as the still but for antialiasing along edges."""
    path, race = everything
    step = shown(race)[12]
    still = pixels(api.render(race, tmp_path / "still.png", step=step).read_bytes())
    open_at(page, path, step)
    shot = stage_pixels(page)
    different = np.abs(shot - still).max(axis=-1) > 48
    assert different.mean() < 0.004, different.sum()
    for colour in COLOURS:                       # every racer's pixels are where they should be
        assert abs(matching(shot, colour).sum() - matching(still, colour).sum()) \
            <= 0.1 * matching(still, colour).sum()
    assert page.problems == []


def test_toggling_a_racer_hides_its_pixels(everything, page):
    path, race = everything
    open_at(page, path, shown(race)[15])
    data = page.locator(".rp-static").get_attribute("src").split(",", 1)[1]
    static = pixels(base64.b64decode(data))      # the picture under the moving layers
    before = stage_pixels(page)
    toggle = page.get_by_role("button", name="Show AdaGrad")
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    page.mouse.move(0, 0)
    settle(page)
    after = stage_pixels(page)
    # the entry dims; the rest of the picture keeps only what never moves (its start ring)
    legend = page.evaluate("(() => { const r = document.querySelector('.rp-legend')"
                           ".getBoundingClientRect(), s = document.querySelector('.rp-stage')"
                           ".getBoundingClientRect(); return [r.left - s.left, r.top - s.top,"
                           " r.right - s.left, r.bottom - s.top]; })()")
    outside = np.ones((HEIGHT, WIDTH), bool)
    x0, y0, x1, y1 = (int(round(v)) for v in legend)
    outside[max(0, y0 - 2):y1 + 2, max(0, x0 - 2):x1 + 2] = False
    red_static = (matching(static, RED) & outside).sum()
    assert (matching(before, RED) & outside).sum() > red_static + 100
    assert abs((matching(after, RED) & outside).sum() - red_static) <= 3
    blue = matching(before, BLUE).sum()            # the other racer is untouched
    assert abs(matching(after, BLUE).sum() - blue) <= 0.02 * blue
    toggle.click()
    page.mouse.move(0, 0)
    settle(page)
    assert np.abs(stage_pixels(page) - before).max() == 0
    assert page.problems == []


def test_play_advances_the_step(balls, page):
    path, race, _ = balls
    open_at(page, path, 0)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("Number(document.querySelector('.rp-scrub').value) >= 10")
    assert page.locator(".rp-play").get_attribute("aria-label") == "Pause"
    page.get_by_role("button", name="Pause").click()
    paused = page.locator(".rp-scrub").input_value()
    page.wait_for_timeout(300)
    assert page.locator(".rp-scrub").input_value() == paused
    assert page.problems == []


def test_speed_and_loop(balls, page):
    path, race, _ = balls
    open_at(page, path, 0)
    page.locator(".rp-loop").click()               # no loop: it stops on the last step
    assert page.locator(".rp-loop").get_attribute("aria-pressed") == "false"
    page.locator(".rp-speed").select_option("8")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("document.querySelector('.rp-play').getAttribute('aria-label')"
                           " === 'Play'", timeout=5000)   # 3.5 s of video at 8x
    assert page.locator(".rp-scrub").input_value() == "60"
    assert page.problems == []


def test_the_keyboard_steps_and_plays(balls, page):
    path, race, _ = balls
    steps = shown(race)
    open_at(page, path, 0)
    page.locator(".rp-stage").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator(".rp-scrub").input_value() == str(steps[2])
    page.keyboard.press("ArrowLeft")
    assert page.locator(".rp-scrub").input_value() == str(steps[1])
    page.keyboard.press("End")
    assert page.locator(".rp-scrub").input_value() == "60"
    page.keyboard.press("Home")
    assert page.locator(".rp-scrub").input_value() == "0"
    page.keyboard.press(" ")
    assert page.locator(".rp-play").get_attribute("aria-label") == "Pause"
    page.keyboard.press(" ")
    assert page.locator(".rp-play").get_attribute("aria-label") == "Play"
    page.locator(".rp-scrub").focus()              # the scrubber takes the same keys
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    assert page.locator(".rp-scrub").input_value() == str(steps[-2])
    assert page.problems == []


def test_every_control_is_a_labelled_control(balls, page):
    path, _, _ = balls
    open_at(page, path, 0)
    for name in ("Play", "Step back", "Step forward", "Loop", "Show AdaGrad", "Show RMSProp"):
        assert page.get_by_role("button", name=name).count() == 1, name
    assert page.get_by_role("slider", name="Step").count() == 1
    assert page.get_by_role("combobox", name="Speed").count() == 1
    assert page.problems == []


def test_hovering_a_ball_shows_its_numbers(balls, page):
    path, race, _ = balls
    step = shown(race)[10]
    open_at(page, path, step)
    box = page.locator(".rp-stage").bounding_box()
    x, y = expected_balls(race, step)[0]
    page.mouse.move(box["x"] + x + 2, box["y"] + y - 1)
    tip = page.locator(".rp-tip")
    tip.wait_for(state="visible")
    text = tip.text_content()
    t = race.trajectories[0]
    assert text.startswith("AdaGrad") and f"step        {step}" in text
    assert f"{t.losses[step, 0]:.4g}"[:5] in text
    assert f"{t.accumulators[step, 0, 0]:.4g}"[:5] in text
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    tip.wait_for(state="hidden")
    assert page.problems == []


@pytest.mark.parametrize("viewport", [WIDTH // 2, 2 * WIDTH])
def test_it_fits_two_window_widths(balls, page, viewport):
    path, race, _ = balls
    step = shown(race)[20]
    open_at(page, path, step, width=viewport)
    box = page.locator(".rp-stage").bounding_box()
    shown_width = min(viewport, WIDTH)
    assert abs(box["width"] - shown_width) <= 1
    assert abs(box["height"] - shown_width * HEIGHT / WIDTH) <= 1
    assert page.locator(".rp-controls").bounding_box()["width"] <= shown_width + 1
    backing = page.evaluate("[document.querySelector('.rp-moving').width, devicePixelRatio]")
    assert backing[0] == round(shown_width * backing[1])     # drawn at the screen's pixels
    shot = stage_pixels(page)
    scale = shown_width / WIDTH
    for colour, (x, y) in zip(COLOURS, expected_balls(race, step)):
        found = centroid(shot, colour, (x * scale, y * scale), radius=11 * scale + 2)
        assert np.abs(found - np.array([x, y]) * scale).max() <= 2.0
    assert page.problems == []


def test_without_a_legend_the_toggles_sit_in_the_controls(tmp_path, page):
    race = make_race("render.legend=false", "render.loss_panel=none")
    path = api.render(race, tmp_path / "race.html", interactive=True)
    open_at(page, path, 0)
    toggle = page.locator(".rp-controls").get_by_role("button", name="Show RMSProp")
    assert toggle.text_content() == "RMSProp"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    settle(page)
    assert page.problems == []


def test_a_3d_race_is_its_video_under_the_same_controls(tmp_path, page):
    race = make_race("render.view=surface3d", "render.size=[160, 120]", "render.dpi=40")
    path = api.render(race, tmp_path / "race.html", interactive=True)
    steps = frame_steps(race.scene.render, race.scene.steps)
    frame = 12
    page.goto(f"{path.as_uri()}#step={steps[frame]}")
    page.wait_for_function("document.querySelector('.rp-video').readyState >= 2")
    state = page.evaluate("(() => { const v = document.querySelector('.rp-video');"
                          " return [v.paused, v.currentTime]; })()")
    assert state[0] and abs(state[1] - (frame + 0.5) / 10) < 1e-6
    page.locator(".rp-scrub").fill(str(steps[20]))
    page.wait_for_function(f"Math.abs(document.querySelector('.rp-video').currentTime - "
                           f"{(20 + 0.5) / 10}) < 1e-6")
    page.locator(".rp-speed").select_option("0.5")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("!document.querySelector('.rp-video').paused")
    assert page.evaluate("document.querySelector('.rp-video').playbackRate") == 0.5
    page.wait_for_function("document.querySelector('.rp-video').currentTime > 2.2")
    assert page.locator(".rp-legend, .rp-racer").count() == 0    # the video cannot hide one
    assert page.problems == []


def test_interactive_is_for_html_only(tmp_path):
    race = make_race()
    with pytest.raises(SceneError, match="interactive: only applies to an .html output"):
        api.render(race, tmp_path / "race.gif", interactive=True)
    (tmp_path / "scene.yaml").write_text(SCENE)
    result = CliRunner().invoke(main, ["render", str(tmp_path / "scene.yaml"), "-o",
                                       str(tmp_path / "race.mp4"), "--interactive"])
    assert result.exit_code == 2
    assert "Invalid value for --interactive: only applies to an .html output" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.yaml"]


ZIGZAG = """
title: Zigzag
surface: {expr: "0.1*x**2 + 4*y**2", xlim: [-4, 4], ylim: [-2, 2]}
start: [-3.5, 1.5]
steps: 80
racers:
  - {optimizer: sgd, lr: 0.22, label: SGD, color: "#ff0000"}
render: {size: [480, 320], fps: 10, steps_per_frame: 4, hold: 0, squares: false}
"""


def test_a_zigzag_between_two_frames_is_drawn(tmp_path, page):
    """Frames show every 4th step of a ball bouncing across a ravine at every step: the trail
    still bounces, as in the still."""
    race = run(scene_from_text(ZIGZAG))
    path = api.render(race, tmp_path / "race.html", interactive=True)
    step = 40
    still = pixels(api.render(race, tmp_path / "still.png", step=step).read_bytes())
    open_at(page, path, step)
    shot = stage_pixels(page)
    assert (np.abs(shot - still).max(axis=-1) > 48).sum() < 30
    assert page.problems == []


DIVERGING = """
title: Divergence
surface: bowl
start: [1.5, 1.0]
steps: 40
racers:
  - {optimizer: sgd, lr: 1.1, label: SGD too fast, color: "#ff0000"}
  - {optimizer: adam, lr: 0.1, label: Adam, color: "#0000ff", starts: [[1, 1], [-1, 1]]}
render: {size: [480, 320], fps: 10, duration: 3, hold: 0, loss_panel: bottom}
"""


@pytest.mark.parametrize("step", [10, 37])
def test_the_legend_and_counter_read_as_in_the_still(tmp_path, page, step):
    """The racer diverges at step 19 and its legend entry says so from then on; the band of
    title, legend and step counter above the panels is the still's, pixel for pixel."""
    race = run(scene_from_text(DIVERGING))
    assert race.trajectories[0].diverged_at.tolist() == [19]
    path = api.render(race, tmp_path / "race.html", interactive=True)
    still = pixels(api.render(race, tmp_path / "still.png", step=step).read_bytes())
    stage = Stage(race)
    try:
        stage.frame(step)
        top = int(min(HEIGHT - view.ax.bbox.y1 for view in stage.views)) - 2
    finally:
        stage.close()
    open_at(page, path, step)
    page.mouse.move(0, HEIGHT + 100)                 # no hover outline on a legend entry
    settle(page)
    band = np.abs(stage_pixels(page)[:top] - still[:top]).max(axis=-1)
    assert (band > 24).sum() <= 4, (band > 24).sum()
    assert page.problems == []


def test_the_script_styles_and_template_ship_as_package_data():
    import tomllib
    from fnmatch import fnmatch
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["race.web"]
    web = root / "race" / "web"
    files = [p.relative_to(web).as_posix() for folder in ("static", "templates")
             for p in (web / folder).iterdir()]
    assert {"static/player.js", "static/player.css", "templates/player.html"} <= set(files)
    for name in files:
        assert any(fnmatch(name, pattern) for pattern in globs), name


def test_a_ball_off_the_map_and_a_loss_over_the_axis_are_marked_on_the_edges(tmp_path, page):
    """SGD leaves the map at step 2: an arrowhead on the map's edge points its way, and its loss
    waits as a ▲ on the loss panel's top, where the still has them."""
    race = run(scene_from_text(DIVERGING, overrides=["render.trail.show=false"]))
    step = shown(race)[9]
    path = api.render(race, tmp_path / "race.html", interactive=True)
    still = pixels(api.render(race, tmp_path / "still.png", step=step).read_bytes())
    stage = Stage(race)
    try:
        stage.frame(step)
        edge = stage.views[0].artists[0].edges.get_offsets()[0]
        marks = [stage.views[0].ax.transData.transform(edge)]
        top = next(dot for dot, i in stage.loss.markers if i == 0 and dot.get_marker() == "^")
        marks.append(stage.loss.ax.transData.transform(top.get_xydata()[0]))
    finally:
        stage.close()
    open_at(page, path, step)
    shot = stage_pixels(page)
    for x, y in marks:
        window = (slice(int(HEIGHT - y) - 8, int(HEIGHT - y) + 9), slice(int(x) - 8, int(x) + 9))
        in_still, on_page = (matching(image[window], RED).sum() for image in (still, shot))
        # a 5-pixel triangle: rasterizers differ by a pixel or two along its edges
        assert in_still > 5 and 0.4 * in_still <= on_page <= 1.6 * in_still, (x, y)
    assert page.problems == []
