"""Bad flags, bad outputs and bad environments: each one line on stderr naming the flag, file or
variable and what was expected, exit status 2, no traceback, and nothing in the folder changed.

The scene corpus is tests/test_bad_input.py; this is the command line's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from race.cli import main

SCENE = """\
title: Flags
surface: bowl
start: [1.5, 1.0]
steps: 10
racers:
  - {optimizer: adam, lr: 0.1}
render: {size: [64, 48], dpi: 32, fps: 5, duration: 0.4, hold: 0}
"""


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() and not p.is_symlink()
                                         else os.readlink(p) if p.is_symlink() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A working folder with a scene, an earlier output and someone's notes."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scene.yaml").write_text(SCENE)
    (tmp_path / "race.gif").write_bytes(b"earlier output")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("mine")
    return tmp_path


DEEP = "[" * 2000
LONG_NAME = "a" * 300 + ".gif"

# (id, arguments, environment, what the one line must contain)
CASES = [
    ("set-deep-brackets", ["validate", "scene.yaml", "--set", f"render.size={DEEP}"], {},
     "--set render.size: value nested over 32 deep"),
    ("set-superscript-index", ["validate", "scene.yaml", "--set", "racers[²].lr=1"], {},
     "'²' in key path 'racers[²].lr' is not a key name or an index"),
    ("set-no-equals", ["validate", "scene.yaml", "--set", "steps"], {},
     "--set 'steps': expected KEY.PATH=VALUE"),
    ("set-empty-part", ["validate", "scene.yaml", "--set", "render..fps=3"], {},
     "an empty part"),
    ("set-no-such-racer", ["validate", "scene.yaml", "--set", "racers[5].lr=1"], {},
     "--set racers[5].lr: no item 5 in racers"),
    ("set-bad-value-names-flag", ["validate", "scene.yaml", "--set", "render.fps=fast"], {},
     "--set render.fps: expected a whole number, got 'fast'"),
    ("set-bad-mathtext-names-flag", ["validate", "scene.yaml", "--set", "title=$x^$"], {},
     "--set title: not valid $...$ maths"),
    ("set-bad-list", ["validate", "scene.yaml", "--set", "render.size=[1, 2"], {},
     "--set render.size: not a valid [list]"),
    ("size-superscript", ["render", "scene.yaml", "--size", "²x²"], {},
     "--size: expected WIDTHxHEIGHT in pixels like 800x600, got '²x²'"),
    ("size-one-number", ["preview", "scene.yaml", "--size", "800"], {},
     "--size: expected WIDTHxHEIGHT"),
    ("size-zero", ["render", "scene.yaml", "--size", "0x0", "-o", "x.gif"], {},
     "--size: render.size[0]: expected a number at least 16, got 0"),
    ("fps-text", ["render", "scene.yaml", "--fps", "abc"], {},
     "render: Invalid value for '--fps': 'abc' is not a valid integer"),
    ("fps-zero", ["render", "scene.yaml", "--fps", "0", "-o", "x.gif"], {},
     "--fps: expected a number at least 1, got 0"),
    ("theme-unknown", ["render", "scene.yaml", "--theme", "purple"], {},
     "render: Invalid value for '--theme'"),
    ("unknown-option", ["render", "scene.yaml", "--colour", "red"], {},
     "render: No such option '--colour'"),
    ("unknown-option-preview", ["preview", "scene.yaml", "--bogus"], {},
     "preview: No such option '--bogus'"),
    ("missing-scene", ["validate"], {}, "validate: Missing argument 'SCENE'"),
    ("list-bogus", ["list", "bogus"], {}, "list: Invalid value for"),
    ("unknown-command", ["rendr", "scene.yaml"], {}, "No such command 'rendr'"),
    ("step-on-a-video", ["render", "scene.yaml", "-o", "x.gif", "--step", "3"], {},
     "render: Invalid value for --step: only applies to a .png output"),
    ("step-out-of-range", ["render", "scene.yaml", "-o", "x.png", "--step", "99"], {},
     "--step: expected 0 to 10, got 99"),
    ("preview-not-png", ["preview", "scene.yaml", "-o", "x.gif"], {},
     "preview: Invalid value for -o/--output: expected a .png file name"),
    ("only-an-extension", ["render", "scene.yaml", "-o", ".gif"], {},
     ".gif: is only an extension; give a name, like race.gif"),
    ("only-an-extension-in-a-folder", ["render", "scene.yaml", "-o", "out/.mp4"], {},
     "out/.mp4: is only an extension"),
    ("current-folder", ["render", "scene.yaml", "-o", "."], {},
     ".: names a folder like the current one"),
    ("current-folder-slash", ["render", "scene.yaml", "-o", "./"], {},
     "names a folder like the current one"),
    ("parent-folder", ["render", "scene.yaml", "-o", ".."], {},
     "..: names a folder like the current one"),
    ("parent-folder-spelt-out", ["render", "scene.yaml", "-o", "../"], {},
     "names a folder like the current one"),
    ("root", ["render", "scene.yaml", "-o", "/"], {}, "/: is the root folder"),
    ("home", ["render", "scene.yaml", "-o", f"{Path.home()}/"], {}, "is your home folder"),
    ("no-extension", ["render", "scene.yaml", "-o", "out/ravine"], {},
     "out/ravine: has no extension; name a file (.gif, .mp4, .webm, .png, "),
    ("unknown-extension", ["render", "scene.yaml", "-o", "x.avi"], {},
     "x.avi: unknown output extension '.avi'"),
    ("simulate-unknown-extension", ["simulate", "scene.yaml", "-o", "x.parquet"], {},
     "x.parquet: expected a .csv file name (race simulate writes CSV), got '.parquet'"),
    ("simulate-over-the-scene", ["simulate", "scene.yaml", "-o", "scene.yaml"], {},
     "scene.yaml: expected a .csv file name"),
    ("folder-of-someone-elses-files", ["render", "scene.yaml", "-o", "notes/"], {},
     "notes/: holds 1 entry race did not write ('todo.txt')"),
    ("the-scenes-own-folder", ["render", "scene.yaml", "-o", "notes/../"], {},
     "names a folder like the current one"),
    ("folder-named-like-a-file", ["render", "scene.yaml", "-o", "notes/todo.txt/"], {},
     "is a file"),
    ("file-where-a-folder-is", ["render", "scene.yaml", "-o", "notes/todo.txt/x.gif"], {},
     "a part of this path is a file, not a folder"),
    ("a-folder-as-a-file", ["render", "scene.yaml", "-o", "notes.gif/"], {}, None),
    ("name-too-long", ["render", "scene.yaml", "-o", LONG_NAME], {},
     "a name in this path is longer than 255 bytes"),
    ("device", ["render", "scene.yaml", "-o", "/dev/full"], {},
     "/dev/full: is a device; race writes regular files, FIFOs and /dev/null"),
    ("device-by-symlink", ["render", "scene.yaml", "-o", "zero.gif"], {"link": "/dev/zero"},
     "zero.gif: is a device"),
    ("dangling-symlink", ["render", "scene.yaml", "-o", "gone.gif"], {"link": "nowhere.gif"},
     "gone.gif: is a symlink to a missing file (nowhere.gif)"),
    ("newline-in-a-name", ["render", "scene.yaml", "-o", "a\nb.avi"], {},
     "a\\nb.avi: unknown output extension"),
    ("limit-inf", ["validate", "scene.yaml"], {"RACE_MAX_STEPS": "inf"},
     "RACE_MAX_STEPS='inf': expected a positive whole number"),
    ("limit-overflow", ["validate", "scene.yaml"], {"RACE_MAX_SAMPLES": "1e400"},
     "RACE_MAX_SAMPLES='1e400': expected a positive whole number"),
    ("limit-negative", ["validate", "scene.yaml"], {"RACE_MAX_RACERS": "-3"},
     "RACE_MAX_RACERS='-3': expected a positive whole number"),
    ("limit-fraction", ["validate", "scene.yaml"], {"RACE_MAX_STEPS": "2.5"},
     "RACE_MAX_STEPS='2.5'"),
    ("limit-file-size", ["validate", "scene.yaml"], {"RACE_MAX_FILE_BYTES": "10"},
     "scene.yaml: the file's size is"),
    ("limit-frames", ["render", "scene.yaml", "-o", "x.gif", "--set", "render.duration=null",
                      "--set", "steps=5000"], {"RACE_MAX_FRAMES": "100"},
     "render: the number of frames is 5,001, over the limit of 100"),
    ("scene-missing", ["validate", "nothere.yaml"], {}, "nothere.yaml: no such file"),
    ("scene-is-a-folder", ["validate", "notes"], {},
     "notes: is a folder, expected a YAML scene file"),
    ("scene-is-a-device", ["validate", "/dev/zero"], {},
     "/dev/zero: is not a regular file (a FIFO, device or socket)"),
    ("scene-not-utf8", ["validate", "latin.yaml"], {"write": b"title: caf\xe9\n"},
     "latin.yaml: not a text file"),
    ("shipped-misspelt", ["validate", "artcle"], {}, "artcle: no such file or shipped scene; "
     "did you mean 'article'?"),
]


@pytest.mark.parametrize("args, setup, expected", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_command_lines_get_one_line_and_change_nothing(place, monkeypatch, args, setup,
                                                           expected):
    for key, value in setup.items():
        if key == "link":
            os.symlink(value, place / args[args.index("-o") + 1])
        elif key == "write":
            (place / args[1]).write_bytes(value)
        else:
            monkeypatch.setenv(key, value)
    if args[-1] == "notes.gif/":     # a folder output whose name ends like a file: fine
        (place / "notes.gif").mkdir()
        (place / "notes.gif" / "x").write_text("x")
        expected = "notes.gif/: holds 1 entry race did not write"
    before = snapshot(place)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("race: error: ") and expected in lines[0], lines[0]
    assert "Traceback" not in result.output and result.stdout == ""
    assert snapshot(place) == before


def test_the_command_line_corpus_is_large_enough():
    assert len(CASES) >= 50     # with tests/test_bad_input.py's scenes, well over 80


def test_help_still_shows_usage():
    result = CliRunner().invoke(main, ["render", "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output and "--force" in result.output


RACE = [sys.executable, "-c", "from race.cli import main; main()"]


def test_a_full_stdout_is_one_line():
    with open("/dev/full", "w") as full:
        result = subprocess.run([*RACE, "list", "surfaces"], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "race: error: standard output: No space left on device"]


def test_a_fifo_scene_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "scene.yaml"
    os.mkfifo(fifo)
    result = subprocess.run([*RACE, "validate", str(fifo)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"race: error: {fifo}: is not a regular file (a FIFO, device or socket); "
        "expected a YAML scene file"]


def test_warnings_do_not_reach_stderr_on_success(tmp_path):
    scene = tmp_path / "scene.yaml"
    scene.write_text(SCENE.replace("title: Flags", "title: 中文 😀 race")
                     .replace("surface: bowl", "surface: {expr: 'log(x) + 1/y', xlim: [-1, 2], "
                                               "ylim: [-1, 2]}")
                     .replace("start: [1.5, 1.0]", "start: [1.5, 1.5]"))
    result = subprocess.run([*RACE, "render", str(scene), "-o", str(tmp_path / "x.gif")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_a_folder_we_may_not_write_in_is_one_line(tmp_path):
    """As a user, a folder without write permission; as root (who may write anywhere), an
    immutable one (chattr +i)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode:
            pytest.skip("root, and chattr +i is not available here")
    else:
        locked.chmod(0o500)
    scene = tmp_path / "scene.yaml"
    scene.write_text(SCENE)
    try:
        for args in (["render", str(scene), "-o", str(locked / "x.gif")],
                     ["simulate", str(scene), "-o", str(locked / "x.csv")],
                     ["render", str(scene), "-o", str(locked / "frames") + "/"]):
            result = subprocess.run([*RACE, *args], capture_output=True, text=True, timeout=120)
            assert result.returncode == 2, result.stderr
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"race: error: {locked}"), lines
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(locked)])
        else:
            locked.chmod(0o700)
    assert os.listdir(locked) == []


def test_out_of_memory_is_one_line(tmp_path):
    import resource

    scene = tmp_path / "scene.yaml"
    scene.write_text(SCENE.replace("start: [1.5, 1.0]", "starts: {grid: [300, 300]}")
                     .replace("steps: 10", "steps: 100"))

    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (700 * 2**20, 700 * 2**20))

    result = subprocess.run([*RACE, "simulate", str(scene), "-o", str(tmp_path / "x.csv")],
                            capture_output=True, text=True, timeout=120, preexec_fn=cap_memory)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("race: error: out of memory"), lines
    assert os.listdir(tmp_path) == ["scene.yaml"]
