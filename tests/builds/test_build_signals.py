"""Stopping a build: SIGTERM stops the workers and their encoders and leaves no temporary;
SIGKILL, which nothing can catch, still takes the workers with it, and the next build removes
the temporary folder the killed one left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

psutil = pytest.importorskip("psutil", reason="pip install -e '.[test]' (psutil comes with "
                             "distributed)")

from tiny_course import tiny  # noqa: E402

LONG = """\
title: Long {n}
surface: rosenbrock
steps: 3000
racers: [{{optimizer: adam, lr: 0.01}}]
render: {{size: [160, 120], dpi: 40, fps: 30, steps_per_frame: 1, hold: 0}}
"""
RACE = [sys.executable, "-c", "from race.cli import main; main()"]


@pytest.fixture
def place(tmp_path) -> Path:
    (tmp_path / "scenes").mkdir()
    for n in range(3):
        (tmp_path / "scenes" / f"long{n}.yaml").write_text(LONG.format(n=n))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    return tmp_path


@contextmanager
def building(place: Path) -> Iterator[subprocess.Popen]:
    """``race build`` of the three long scenes as MP4s, two at a time; killed if the test
    leaves it running."""
    env = dict(os.environ, TMPDIR=str(place / "tmp"))
    process = subprocess.Popen([*RACE, "build", "scenes", "-o", "out", "-j", "2", "-f", "mp4"],
                               cwd=place, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def wait_for_encoders(process: subprocess.Popen) -> list:
    """Until both workers are encoding (two ffmpeg processes below the build)."""
    deadline = time.monotonic() + 90
    parent = psutil.Process(process.pid)
    while True:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never started encoding"
        below = parent.children(recursive=True)
        if sum("ffmpeg" in _name(p) for p in below) >= 2:
            return below
        time.sleep(0.05)


def _name(process) -> str:
    try:
        return process.name()
    except psutil.Error:
        return ""


def gone(processes: list, seconds: float = 20) -> bool:
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def test_sigterm_stops_the_workers_and_leaves_no_temporary(place):
    with building(place) as process:
        below = wait_for_encoders(process)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert stderr.decode().splitlines() == [
        "race: interrupted; earlier output files were left as they were"]
    assert gone(below), "a worker or encoder outlived the build"
    assert list((place / "tmp").iterdir()) == []
    out = place / "out"
    names = {p.name for p in out.iterdir()}
    written = set()
    if ".race-build.json" in names:         # a scene finished first: recorded, and whole
        written = set(json.loads((out / ".race-build.json").read_text())["written"])
    assert names == {"notes.txt"} | ({".race-build.json"} | written if written else set())
    assert (out / "notes.txt").read_text() == "mine"
    assert len(stdout.decode().splitlines()) == len(written)


def test_sigkill_takes_the_workers_along_and_the_next_build_tidies_up(place):
    with building(place) as process:
        below = wait_for_encoders(process)
        process.kill()
        process.wait(timeout=30)
    assert gone(below), "a worker or encoder outlived the killed build"
    left = list((place / "tmp").iterdir())
    assert [p.name.startswith(f"race-build-{process.pid}-") for p in left] == [True]
    assert {p.name for p in (place / "out").iterdir()} <= {"notes.txt", ".race-build.json"} | {
        f"long{n}.mp4" for n in range(3)}        # no temporary: files are nameless until done
    (place / "quick.yaml").write_text(tiny("Quick"))
    env = dict(os.environ, TMPDIR=str(place / "tmp"))
    subprocess.run([*RACE, "build", "quick.yaml", "-o", "out"], cwd=place, env=env,
                   check=True, capture_output=True, timeout=120)
    assert list((place / "tmp").iterdir()) == []
