"""`race build --gallery`: OUT_DIR/index.html in a real Chromium, and what may replace it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from click.testing import CliRunner

import race
from race.cli import main

SCENE = """\
title: {title}
surface: {surface}
steps: 8
racers:
  - {{optimizer: adam, lr: 0.2, label: Adam, color: "#ff0000"}}
  - {{optimizer: rmsprop, lr: 0.05, label: "RMS <b>&amp;</b>", color: white}}
render: {{size: [64, 48], dpi: 24, fps: 8, duration: 0.5, hold: 0}}
"""


def make_course(root: Path) -> Path:
    course = root / "course"
    (course / "more").mkdir(parents=True)
    (course / "bowl.yaml").write_text(SCENE.format(title="The bowl", surface="bowl"))
    (course / "more" / "saddle.yaml").write_text(
        SCENE.format(title="A saddle", surface="saddle") + "output: saddle.gif\n")
    return course


def test_the_gallery_shows_every_animation_and_every_link_resolves(tmp_path, monkeypatch,
                                                                    page):
    monkeypatch.chdir(tmp_path)
    course = make_course(tmp_path)
    result = CliRunner().invoke(main, ["build", "course", "-o", "out", "--gallery"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2] == "wrote out/index.html"
    gallery = tmp_path / "out" / "index.html"

    page.goto(gallery.as_uri())
    page.wait_for_load_state("load")
    for image in page.query_selector_all("img"):
        image.scroll_into_view_if_needed()
    page.wait_for_function("[...document.images].every(i => i.complete)")
    assert page.problems == []
    images = page.evaluate("[...document.images].map(i => [decodeURI(i.src), i.naturalWidth,"
                           " i.naturalHeight])")
    assert sorted((Path(urlparse(src).path).name, w, h) for src, w, h in images) == [
        ("bowl.poster.png", 64, 48), ("saddle.poster.png", 64, 48)]
    cards = page.evaluate("""[...document.querySelectorAll('article')].map(card => ({
        title: card.querySelector('h2').textContent,
        surface: card.querySelector('.surface').textContent,
        racers: [...card.querySelectorAll('.racers li')].map(li => li.textContent),
        links: [...card.querySelectorAll('nav a')].map(a => [a.textContent, a.href])}))""")
    assert [card["title"] for card in cards] == ["The bowl", "A saddle"]
    assert cards[0]["surface"] == "bowl: x² + y²"
    assert cards[0]["racers"] == ["Adam (adam, lr 0.2)", "RMS <b>&amp;</b> (rmsprop, lr 0.05)"]
    assert [[text.split(" ·")[0] for text, _ in card["links"]] for card in cards] == [
        ["GIF"], ["GIF"]]
    for card in cards:
        for _, href in card["links"]:
            assert Path(unquote(urlparse(href).path)).is_file(), href
    assert page.locator("a.page").count() == 0

    # more formats of the same scene: the GIF is up to date, all three are linked
    results = race.build(course / "bowl.yaml", "out", formats=["mp4", "gif", "html"],
                         gallery=True)
    assert results[0].bytes == sum(Path("out", name).stat().st_size
                                   for name in ("bowl.mp4", "bowl.html"))
    page.goto(gallery.as_uri())
    labels = page.evaluate("[...document.querySelectorAll('#bowl nav a')]"
                           ".map(a => a.textContent.split(' ·')[0])")
    assert labels == ["page", "MP4", "GIF"]          # an .html output (page or player) first

    # hovering a poster plays the animation in its place: the MP4, and the saddle's GIF
    page.hover("#bowl a.media")
    page.wait_for_function("document.querySelector('#bowl video')?.readyState >= 2")
    assert page.evaluate("document.querySelector('#bowl video').paused") is False
    saddle = "document.querySelector('article[id=\"more/saddle\"] img')"
    page.hover('article[id="more/saddle"] a.media')
    page.wait_for_function(f"{saddle}?.src.endsWith('saddle.gif')")
    page.wait_for_function(f"{saddle}.naturalWidth > 0")
    assert page.locator("#bowl img").count() == 1    # the bowl's poster is back
    assert page.problems == []
    page.screenshot(path=str(tmp_path / "gallery.png"), full_page=True)


def test_the_gallery_is_rewritten_only_when_it_changes_and_never_over_a_page_of_someone_else(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    course = make_course(tmp_path)
    out = tmp_path / "out"
    race.build(course, out, gallery=True)
    inode = (out / "index.html").stat().st_ino
    race.build(course, out, gallery=True)
    assert (out / "index.html").stat().st_ino == inode

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("<h1>my site</h1>")
    result = CliRunner().invoke(main, ["build", "course", "-o", "mine", "--gallery"])
    assert result.exit_code == 2
    assert result.stderr == ("race: error: mine/index.html: exists and was not written by "
                             "race build; move it away, or pass --force to replace it\n")
    assert sorted(p.name for p in mine.iterdir()) == ["index.html"]   # nothing was rendered
    assert (mine / "index.html").read_text() == "<h1>my site</h1>"
