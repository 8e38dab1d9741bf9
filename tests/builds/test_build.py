"""`race build` and `race.build`: where outputs go, what is skipped, what fails alone."""

from __future__ import annotations

import json
from pathlib import Path

import imageio.v3 as iio
import imageio_ffmpeg
import pytest
from click.testing import CliRunner

import race
from race.cli import main
from race.errors import SceneError

from tiny_course import snapshot, tiny


def run_cli(*args: str):
    return CliRunner().invoke(main, ["build", *args], catch_exceptions=False)


def manifest(out: Path) -> dict:
    return json.loads((out / ".race-build.json").read_text())


def test_every_scene_gets_its_own_output_inside_out_dir(course):
    result = run_cli("course", "-o", "out", "-j", "2")
    assert result.exit_code == 0, result.output
    out = Path("out")
    # the scene's own file name and format; NAME.gif without one; subfolders kept
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".race-build.json", "intro.gif", "the_ravine.mp4", "week2/saddle.gif"]
    assert not Path("outputs").exists()       # the scene's own folder is not used
    assert imageio_ffmpeg.count_frames_and_secs(str(out / "the_ravine.mp4"))[0] == 2
    frames = iio.imread(out / "intro.gif", index=None)
    assert frames.shape[:3] == (2, 36, 48)    # 0.5 s at 4 fps, 48x36
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert sorted(line.split(":")[0] for line in lines[:3]) == [
        "built intro", "built ravine", "built week2/saddle"]
    assert "(" in lines[0] and " s, " in lines[0] and "kB)" in lines[0]
    assert lines[3].startswith("built 3 scenes in ")
    recorded = manifest(out)["scenes"]
    assert set(recorded) == {"intro", "ravine", "week2/saddle"}
    entry = recorded["week2/saddle"]["outputs"]["week2/saddle.gif"]
    assert entry["bytes"] == (out / "week2" / "saddle.gif").stat().st_size
    assert len(entry["hash"]) == 64


def test_a_second_build_renders_nothing_and_says_so_in_one_line(course):
    assert run_cli("course", "-o", "out").exit_code == 0
    before = snapshot(Path("out"))
    again = run_cli("course", "-o", "out")
    assert again.exit_code == 0
    assert again.stdout.splitlines() == ["nothing to build: 3 scenes up to date in out"]
    assert again.stderr == ""
    assert snapshot(Path("out")) == before      # not even rewritten in place
    forced = run_cli("course", "-o", "out", "--force")
    assert forced.stdout.splitlines()[-1].startswith("built 3 scenes")


def test_editing_one_scene_renders_only_it(course):
    first = race.build(course, "out")
    assert [r.skipped for r in first] == [False, False, False]
    out = Path("out")
    before = snapshot(out)
    scene = course / "week2" / "saddle.yaml"
    scene.write_text(scene.read_text().replace("lr: 0.1", "lr: 0.05"))
    # comments, key order and how a number is written do not count: the same scene
    intro = course / "intro.yaml"
    lines = intro.read_text().replace("[1.5, 1.0]", "[1.50, 1e0]").splitlines()
    intro.write_text("\n".join(["# moved the title last", *lines[2:], lines[1]]) + "\n")
    second = race.build(course, "out")
    assert {r.name: r.skipped for r in second} == {"intro": True, "ravine": True,
                                                   "week2/saddle": False}
    after = snapshot(out)
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed == {".race-build.json", "week2/saddle.gif"}
    rendered = next(r for r in second if not r.skipped)
    assert rendered.path == Path("out/week2/saddle.gif") and rendered.error is None
    assert rendered.bytes == (out / "week2" / "saddle.gif").stat().st_size > 0
    assert rendered.seconds > 0


def test_render_settings_version_and_a_changed_output_file_each_mean_render_again(
        course, monkeypatch):
    (course / "ravine.yaml").unlink()                 # two scenes are enough here
    race.build(course, "out")
    flags = race.build(course, "out", overrides={"render.fps": 8})
    assert not any(r.skipped for r in flags)                 # a flag changes every scene
    assert all(r.skipped for r in race.build(course, "out", overrides={"render.fps": 8}))
    version = race.__version__
    monkeypatch.setattr(race, "__version__", "9.9.9")
    assert not any(r.skipped for r in race.build(course, "out", overrides={"render.fps": 8}))
    monkeypatch.setattr(race, "__version__", version)
    race.build(course, "out")
    Path("out/intro.gif").write_bytes(b"GIF89a truncated")       # size differs from record
    Path("out/week2/saddle.gif").unlink()                          # missing
    again = {r.name: r.skipped for r in race.build(course, "out")}
    assert again == {"intro": False, "week2/saddle": False}
    assert [r.skipped for r in race.build(course, "out")] == [True, True]
    assert Path("out/intro.gif").stat().st_size > 100


def test_a_surface_expression_changes_the_fingerprint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scene = tmp_path / "expr.yaml"
    text = tiny("Expr").replace("surface: bowl",
                                "surface: {expr: 'x**2 + y**2', xlim: [-2, 2], ylim: [-2, 2]}")
    scene.write_text(text)
    assert not race.build(scene, "out")[0].skipped
    assert race.build(scene, "out")[0].skipped
    scene.write_text(text.replace("x**2 + y**2", "x**2 + 2*y**2"))
    assert not race.build(scene, "out")[0].skipped


def test_one_bad_scene_is_reported_first_and_the_rest_are_built(course):
    (course / "bad.yaml").write_text(tiny("Bad").replace("optimizer: adam", "optimizer: adamm"))
    # fails only while rendering: no GIF of 5 frames fits in 10 bytes
    (course / "greedy.yaml").write_text(tiny("Greedy", render="max_bytes: 10"))
    heard = []

    def report(result):
        heard.append((result.name, result.error, sorted(Path("out").rglob("*.gif"))
                      if Path("out").exists() else []))

    results = race.build("course", "out", report=report)
    assert heard[0][0] == "bad" and heard[0][2] == []     # before any output was written
    assert heard[0][1].startswith("course/bad.yaml:")
    assert "unknown optimizer 'adamm'; did you mean 'adam'?" in heard[0][1]
    failed = {r.name: r.error for r in results if r.error}
    assert set(failed) == {"bad", "greedy"}
    assert failed["greedy"].startswith("course/greedy.yaml: ")
    assert "10 bytes" in failed["greedy"]
    assert [r.name for r in results if r.error is None] == ["intro", "ravine", "week2/saddle"]
    assert Path("out/intro.gif").exists() and Path("out/week2/saddle.gif").exists()
    assert not Path("out/greedy.gif").exists()

    cli = run_cli("course", "-o", "out")
    assert cli.exit_code == 1
    errors = cli.stderr.splitlines()
    assert len(errors) == 2 and all(line.startswith("race: error: course/") for line in errors)
    assert cli.stdout.splitlines()[-1] == "nothing to build: 3 scenes up to date in out; " \
                                          "2 failed"


def test_a_file_in_out_dir_race_build_did_not_write_is_never_replaced(course):
    out = Path("out")
    out.mkdir()
    (out / "intro.gif").write_bytes(b"my own gif")
    (out / "notes.txt").write_text("mine")
    result = run_cli("course", "-o", "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "race: error: course/intro.yaml: out/intro.gif: exists and was not written by race "
        "build; move it away, or pass --force to replace it"]
    assert (out / "intro.gif").read_bytes() == b"my own gif"
    assert (out / "the_ravine.mp4").exists()
    forced = run_cli("course", "-o", "out", "--force")
    assert forced.exit_code == 0
    assert (out / "intro.gif").read_bytes()[:6] == b"GIF89a"
    assert (out / "notes.txt").read_text() == "mine"


def test_nothing_around_out_dir_is_touched_whatever_the_scenes_say(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    (tmp_path / "outside.gif").write_bytes(b"outside")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "escape.gif").write_bytes(b"someone's")
    # a scene's own output may point anywhere near it: only its file name counts
    (scenes / "up.yaml").write_text(tiny("Up", output="../outside.gif"))
    (scenes / "frames.yaml").write_text(tiny("Frames", output="frames/"))
    (scenes / "escape.yaml").write_text(tiny("Escape"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "escape.gif").symlink_to(tmp_path / "elsewhere" / "escape.gif")   # leads out
    (out / "keep.txt").write_text("keep")
    outside_before = {k: v for k, v in snapshot(tmp_path).items()
                      if not k.startswith("out/") and k != "out"}
    results = {r.name: r for r in race.build(scenes, out, force=True)}
    assert results["up"].error is None and results["up"].path == out / "outside.gif"
    assert results["frames"].error is None
    assert results["escape"].error.startswith(f"{scenes / 'escape.yaml'}: {out}/escape.gif: "
                                              "leads outside")
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("out/") and k != "out"} \
        == outside_before
    assert (out / "keep.txt").read_text() == "keep"
    assert sorted(p.name for p in (out / "frames").iterdir()) == [
        ".race-frames.json", "frame_00000.png", "frame_00001.png"]
    assert not [p for p in tmp_path.rglob("*") if ".tmp" in p.name or "race-build-" in p.name]


def test_two_scenes_with_one_output_and_the_gallery_name_are_refused_before_rendering(course):
    (course / "other.yaml").write_text(tiny("Other", output="intro.gif"))
    (course / "index.yaml").write_text(tiny("Index", output="index.html"))
    results = {r.name: r.error for r in race.build("course", "out", gallery=True)}
    assert results["other"] == ("course/other.yaml: out/intro.gif: is also the output of "
                               "course/intro.yaml; give one of them another output name")
    assert results["index"].endswith("out/index.html: is the gallery page; give the scene "
                                      "another output name")
    assert results["intro"] is None


def test_formats_frames_and_posters(course):
    results = race.build(course / "intro.yaml", "out", formats=["mp4", "frames", "webp"],
                         gallery=True)
    assert results[0].outputs == (Path("out/intro.mp4"), Path("out/intro/"),
                                  Path("out/intro.webp"), Path("out/intro.poster.png"))
    assert sorted(p.name for p in Path("out/intro").glob("*.png")) == [
        "frame_00000.png", "frame_00001.png"]
    poster = iio.imread("out/intro.poster.png")
    assert poster.shape == (36, 48, 3)
    assert results[0].bytes == sum(p.stat().st_size for p in Path("out").rglob("*")
                                   if p.is_file() and p.name not in (
                                       ".race-build.json", "index.html", ".race-frames.json"))
    assert race.build(course / "intro.yaml", "out", formats=["mp4", "frames", "webp"],
                      gallery=True)[0].skipped
    with pytest.raises(SceneError, match=r"unknown format 'gfi'; did you mean 'gif'\?"):
        race.build(course, "out", formats=["gfi"])


def test_bad_arguments_are_one_line_errors(course):
    result = run_cli("course", "-o", "out", "--scheduler", "tcp://x:1", "-j", "2")
    assert result.exit_code == 2
    assert result.stderr.startswith("race: error: build: Invalid value for -j/--jobs:")
    missing = run_cli("nowhere.yaml", "course/intro.yaml", "-o", "out")
    assert missing.exit_code == 1
    assert missing.stderr.splitlines() == ["race: error: nowhere.yaml: no such file"]
    assert Path("out/intro.gif").exists()
    empty = Path("empty")
    empty.mkdir()
    nothing = run_cli("empty", "-o", "out")
    assert nothing.exit_code == 2
    assert nothing.stderr == "race: error: no scenes (*.yaml, *.yml) in empty\n"
    with pytest.raises(SceneError, match="jobs"):
        race.build(course, "out", jobs=0)
    with pytest.raises(SceneError, match="not both"):
        race.build(course, "out", jobs=2, executor=object())


def test_a_scene_given_twice_is_built_once(course):
    results = race.build(["course", "course/intro.yaml", "course/week2/../intro.yaml"], "out")
    assert [r.name for r in results] == ["intro", "ravine", "week2/saddle"]
    assert all(r.error is None for r in results)


def test_the_default_is_configs_into_outputs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "one.yaml").write_text(tiny("One"))
    result = run_cli()
    assert result.exit_code == 0, result.output
    assert Path("outputs/one.gif").exists()


def test_a_scene_with_a_byte_budget_still_gets_its_poster(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("fitted.yaml").write_text(tiny("Fitted", render="max_bytes: 200000"))
    result = race.build("fitted.yaml", "out", gallery=True)[0]
    assert result.error is None
    assert result.outputs == (Path("out/fitted.gif"), Path("out/fitted.poster.png"))
    assert iio.imread("out/fitted.poster.png").shape == (36, 48, 3)


def test_a_second_build_into_the_same_folder_at_once_is_refused(course):
    import fcntl
    import os

    Path("out").mkdir()
    handle = os.open("out", os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)            # as a running build holds it
        result = run_cli("course", "-o", "out")
    finally:
        os.close(handle)
    assert result.exit_code == 2
    assert result.stderr == ("race: error: out: another race build is writing here; wait for "
                             "it to finish\n")
    assert os.listdir("out") == []
