"""`follow`: one call now, one per settled change of the file's contents, none for a save that
changes nothing; and `race preview --watch` end to end: two edits, two refresh lines, the
error one keeping the last good picture, Ctrl-C exiting 130 with no temporary files."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from race.authoring.watch import follow

ROOT = Path(__file__).resolve().parents[2]


def scripted(path: Path, edits: dict[int, object]):
    """A ``sleep`` for ``follow`` that, at poll number n, applies ``edits[n]`` to the file:
    text to write, None to delete, or 'touch'."""
    polls = [0]

    def sleep(seconds):
        polls[0] += 1
        edit = edits.get(polls[0], ...)
        if edit is None:
            path.unlink()
        elif edit == "touch":
            os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
        elif edit is not ...:
            path.write_text(edit)
    return sleep


def test_follow_calls_back_once_per_change_of_the_contents(tmp_path):
    path = tmp_path / "scene.yaml"
    path.write_text("a")
    seen = []
    edits = {2: "b", 6: "touch", 9: "c", 10: "cc", 14: None, 18: "d"}
    follow(path, lambda: seen.append(path.read_text() if path.exists() else None),
           sleep=scripted(path, edits), polls=24)
    # 'cc' replaced 'c' before the change settled: one call for both; the touch is no change;
    # the deletion and the new file are changes
    assert seen == ["a", "b", "cc", None, "d"]


def test_follow_sees_a_same_size_rewrite_within_the_same_second(tmp_path):
    path = tmp_path / "scene.yaml"
    path.write_text("lr: 0.1")
    stamp = path.stat().st_mtime_ns
    seen = []

    def sleep(seconds):
        if not seen[1:]:
            path.write_text("lr: 0.2")          # same size...
            os.utime(path, ns=(stamp, stamp))   # ...and the same time, as a coarse clock gives

    follow(path, lambda: seen.append(path.read_text()), sleep=sleep, polls=4)
    assert seen == ["lr: 0.1", "lr: 0.2"]


SCENE = """\
surface: bowl
steps: 20
racers:
  - {{optimizer: adam, lr: {lr}}}
render: {{size: [160, 120], theme: {theme}}}
"""


class Lines:
    """Lines of a stream, read on a thread, waited for with a timeout."""

    def __init__(self, stream):
        self.queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.queue.put(line.decode().rstrip("\n"))
        self.queue.put(None)

    def next(self, timeout=120.0) -> str:
        line = self.queue.get(timeout=timeout)
        assert line is not None, "the stream ended"
        return line


def test_preview_watch_redraws_on_each_save_and_keeps_the_last_good_picture(tmp_path):
    scene, out = tmp_path / "scene.yaml", tmp_path / "out.png"
    scene.write_text(SCENE.format(lr=0.1, theme="light"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get(
        "PYTHONPATH", "")])}
    command = [sys.executable, "-c", "import signal; "
               "signal.signal(signal.SIGINT, signal.default_int_handler); "
               "from race.cli import main; main()",
               "preview", str(scene), "--watch", "-o", str(out)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True, env=env,
                               cwd=tmp_path)
    try:
        stdout, stderr = Lines(process.stdout), Lines(process.stderr)
        first = stdout.next()
        assert first.endswith(" s") and f"wrote {out} in " in first
        light = out.read_bytes()

        scene.write_text(SCENE.format(lr=0.1, theme="dark"))       # edit 1: good
        second = stdout.next()
        assert f"wrote {out} in " in second
        dark = out.read_bytes()
        assert dark != light

        scene.write_text(SCENE.format(lr=-0.5, theme="light"))     # edit 2: bad
        error = stderr.next()
        assert " error: " in error and "racers[0].lr: Invalid learning rate: -0.5" in error
        assert error.endswith("(the last good picture is kept)")
        assert out.read_bytes() == dark

        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=60) == 130
        assert stderr.next() == "race: interrupted; earlier output files were left as they were"
        assert stdout.queue.get(timeout=10) is None        # no more refresh lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png", "scene.yaml"]


@pytest.mark.parametrize("args, message", [
    (["--clip", "-o", "x.png"], "expected a .gif, .mp4, .webm file name for a clip"),
    (["-o", "x.gif"], "expected a .png file name"),
    (["--clip", "--step", "3"], "a clip shows the whole race"),
])
def test_preview_flags_are_checked_before_anything_runs(tmp_path, args, message):
    from click.testing import CliRunner

    from race.cli import main

    scene = tmp_path / "scene.yaml"
    scene.write_text(SCENE.format(lr=0.1, theme="light"))
    result = CliRunner().invoke(main, ["preview", str(scene), "--watch", *args])
    assert result.exit_code == 2 and message in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.yaml"]


def test_preview_clip_is_short_and_small(tmp_path):
    import imageio.v3 as iio
    from click.testing import CliRunner

    from race.cli import main

    scene = tmp_path / "scene.yaml"
    scene.write_text(SCENE.format(lr=0.1, theme="light").replace("[160, 120]", "[960, 600]"))
    result = CliRunner().invoke(main, ["preview", str(scene), "--clip", "-o",
                                       str(tmp_path / "clip.gif")])
    assert result.exit_code == 0, result.output
    frames = iio.imread(tmp_path / "clip.gif", index=None)
    assert frames.shape[0] == 3 * 12 + 6            # 3 s of race at 12 fps, 0.5 s of hold
    assert frames.shape[1:3] == (300, 480)          # 960x600 shrunk to 480 wide...
    still = tmp_path / "still.png"                  # ...laid out as the full size picture
    assert CliRunner().invoke(main, ["preview", str(scene), "-o", str(still)]).exit_code == 0
    big = iio.imread(still)[..., :3].astype(float)
    small = big.reshape(300, 2, 480, 2, 3).mean(axis=(1, 3))
    assert np.abs(small - frames[-1].astype(float)).mean() < 16   # unscaled dpi: 33
