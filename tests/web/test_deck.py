"""-o deck.pptx read back with python-pptx: a 16:9 slide, the title, the video and its poster,
timing that plays it automatically and loops it."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import imageio_ffmpeg
import pytest
from click.testing import CliRunner
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "write"))

from tiny_scenes import FRAMES, SCENE, make_race  # noqa: E402
import race as api  # noqa: E402
from race.cli import main  # noqa: E402
from race.errors import RenderError  # noqa: E402

pptx = pytest.importorskip("pptx", reason="python-pptx is in the test extras: "
                                          "pip install -e '.[test]'")
NS = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main"}


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    path = api.render(make_race(), tmp_path_factory.mktemp("deck") / "deck.pptx")
    return path, pptx.Presentation(str(path))


def test_one_widescreen_slide_with_the_scene_title(deck):
    _, presentation = deck
    assert len(presentation.slides) == 1
    assert abs(presentation.slide_width / presentation.slide_height - 16 / 9) < 0.001
    assert presentation.slides[0].shapes.title.text == "Writers"


def test_the_video_and_its_poster_are_embedded(deck, tmp_path):
    _, presentation = deck
    slide = presentation.slides[0]
    movies = [s for s in slide.shapes if s.shape_type == pptx.enum.shapes.MSO_SHAPE_TYPE.MEDIA]
    assert len(movies) == 1
    parts = {rel.target_part.content_type: rel.target_part
             for rel in slide.part.rels.values() if not rel.is_external}
    video = tmp_path / "embedded.mp4"
    video.write_bytes(parts["video/mp4"].blob)
    frames = imageio_ffmpeg.read_frames(str(video))
    meta = next(frames)
    assert tuple(meta["size"]) == (160, 120) and sum(1 for _ in frames) == FRAMES
    with Image.open(io.BytesIO(parts["image/png"].blob)) as poster:
        assert poster.size == (160, 120)
    movie = movies[0]
    assert abs(movie.width / movie.height - 160 / 120) < 0.01        # not stretched
    assert movie.left >= 0 and movie.left + movie.width <= presentation.slide_width
    assert movie.top > slide.shapes.title.top
    alt = movie._element.xpath("./p:nvPicPr/p:cNvPr")[0].get("descr")
    assert "AdaGrad (adagrad, lr 0.3) and RMSProp" in alt


def test_it_plays_when_the_slide_shows_and_loops(deck):
    _, presentation = deck
    slide = presentation.slides[0]
    movie_id = str([s for s in slide.shapes if s.name == "race"][0].shape_id)
    timing = slide._element.find("p:timing", NS)
    play = timing.findall(".//p:cmd", NS)
    assert [(c.get("type"), c.get("cmd")) for c in play] == [("call", "playFrom(0.0)")]
    assert play[0].find(".//p:spTgt", NS).get("spid") == movie_id
    starts = timing.findall(".//p:cTn[@presetClass='mediacall']", NS)
    assert [s.get("nodeType") for s in starts] == ["afterEffect"]     # not on click
    media = timing.find(".//p:video/p:cMediaNode", NS)
    assert media.find("p:cTn", NS).get("repeatCount") == "indefinite"
    assert media.find(".//p:spTgt", NS).get("spid") == movie_id


@pytest.fixture
def without_python_pptx(monkeypatch):
    import race.write

    real = race.write.find_spec
    monkeypatch.setattr(race.write, "find_spec",
                        lambda name, *a: None if name == "pptx" else real(name, *a))


def test_without_the_extra_one_line_names_it_and_nothing_is_written(tmp_path,
                                                                     without_python_pptx):
    with pytest.raises(RenderError, match=r"deck.pptx: PowerPoint output needs python-pptx: "
                                          r"pip install 'race\[slides\]'"):
        api.render(make_race(), tmp_path / "deck.pptx")
    scene = tmp_path / "scene.yaml"
    scene.write_text(SCENE)
    result = CliRunner().invoke(main, ["render", str(scene), "-o", str(tmp_path / "d.pptx")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "race[slides]" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.yaml"]
