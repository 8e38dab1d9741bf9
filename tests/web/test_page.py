"""-o page.html: one self-contained page, played in a real Chromium."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "write"))

from tiny_scenes import make_race  # noqa: E402
import race as api  # noqa: E402
from race.errors import RenderError  # noqa: E402


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    race = make_race("render.duration=3", "render.hold=1")    # 4 s: time to see it advance
    return api.render(race, folder / "race.html"), race


def test_the_page_is_one_file_with_nothing_to_fetch(written):
    path, race = written
    text = path.read_text(encoding="utf-8")
    assert re.findall(r'(?:src|href|poster)="(?!data:)', text) == []
    assert "<video autoplay loop muted playsinline controls" in text
    assert 'poster="data:image/png;base64,' in text
    assert 'type="video/mp4" src="data:video/mp4;base64,' in text
    assert "AdaGrad (adagrad, lr 0.3) and RMSProp (rmsprop, lr 0.05)" in text
    assert "bowl" in text and "<title>Writers</title>" in text


def test_the_page_plays_in_chromium_without_errors(written, page):
    path, _ = written
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelector('video').readyState >= 2", timeout=15000)
    first = page.evaluate("document.querySelector('video').currentTime")
    page.wait_for_timeout(1200)
    state = page.evaluate("""() => { const v = document.querySelector('video');
        return {time: v.currentTime, paused: v.paused, width: v.videoWidth,
                height: v.videoHeight, loop: v.loop, muted: v.muted,
                label: v.getAttribute('aria-label')}; }""")
    assert state["time"] > first + 0.3, state           # the animation advances by itself
    assert not state["paused"] and state["loop"] and state["muted"]
    assert (state["width"], state["height"]) == (160, 120)
    assert "racing on the bowl surface" in state["label"]
    assert page.problems == []


@pytest.mark.parametrize("viewport, expected", [(1000, 160), (120, 120 - 2 * 2)])
def test_the_video_fits_the_window(written, page, viewport, expected):
    path, _ = written
    page.set_viewport_size({"width": viewport, "height": 600})
    page.goto(path.as_uri())
    box = page.locator("video").bounding_box()
    assert abs(box["width"] - expected) <= 3, box        # never wider than the scene or window
    assert abs(box["height"] / box["width"] - 120 / 160) < 0.02
    assert page.problems == []


def test_a_screenshot_shows_the_poster_or_a_frame(written, page, tmp_path):
    path, _ = written
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelector('video').readyState >= 2", timeout=15000)
    shot = page.locator("video").screenshot(path=str(tmp_path / "shot.png"))
    from io import BytesIO

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(shot)).convert("RGB")).astype(int)
    # the map's colours, not a blank box: many distinct colours
    assert len(np.unique(pixels.reshape(-1, 3) // 16, axis=0)) > 20


def test_transparent_pages_are_refused(tmp_path):
    with pytest.raises(RenderError, match="page.html: render.background transparent needs"):
        api.render(make_race("render.background=transparent"), tmp_path / "page.html")
    assert list(tmp_path.iterdir()) == []
