"""Every way out cleans up: SIGTERM and SIGHUP unwind like Ctrl-C (exit 128 + signal, one line,
no temporary, the earlier output byte for byte), and SIGKILL, which nothing can catch, still
leaves no temporary file and no frame worker or encoder running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCENE = """\
title: Signals
surface: rosenbrock
starts: {grid: [40, 40]}
steps: 4000
racers:
  - {optimizer: adam, lr: 0.01}
render: {size: [160, 120], dpi: 40, fps: 30, steps_per_frame: 1, hold: 0}
"""
ORBIT = """\
title: Orbit
surface: bowl
steps: 3000
racers: [adam, adagrad]
render: {view: surface3d, size: [200, 150], dpi: 50, steps_per_frame: 1, hold: 0,
         camera: {orbit: 30}}
"""
OLD = b"the earlier output\n"
RACE = [sys.executable, "-c", "from race.cli import main; main()"]


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def descendants(pid: int) -> set[int]:
    """Every live (not zombie) process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    left = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            left.add(pid)
    return left


def start(args: list, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([*RACE, *map(str, args)], cwd=folder, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def wait_for_work(process: subprocess.Popen, folder: Path, children: int = 0) -> None:
    """Until the process writes its output into ``folder`` (an open file there, named or
    not) and has at least ``children`` child processes."""
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never started writing"
        try:
            links = [os.readlink(f"/proc/{process.pid}/fd/{fd}")
                     for fd in os.listdir(f"/proc/{process.pid}/fd")]
        except OSError:
            links = []
        if any(link.startswith(str(folder)) and link != str(folder) for link in links) \
                and len(descendants(process.pid)) >= children:
            return
        time.sleep(0.02)


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "scene.yaml").write_text(SCENE)
    (tmp_path / "orbit.yaml").write_text(ORBIT)
    for name in ("traj.csv", "race.mp4", "race.gif"):
        (tmp_path / name).write_bytes(OLD)
    return tmp_path


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
@pytest.mark.parametrize("args", [["simulate", "scene.yaml", "-o", "traj.csv"],
                                  ["render", "scene.yaml", "-o", "race.mp4", "-q"],
                                  ["render", "scene.yaml", "-o", "frames/", "-q"]],
                         ids=["csv", "mp4", "frames"])
def test_term_and_hup_clean_up_like_ctrl_c(folder, args, signum):
    before = snapshot(folder)
    process = start(args, folder)
    try:
        wait_for_work(process, folder)
        workers = descendants(process.pid)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 128 + signum
    assert stderr.decode().splitlines() == [
        "race: interrupted; earlier output files were left as they were"]
    assert stdout == b""
    assert snapshot(folder) == before
    assert not alive(workers)


@pytest.mark.parametrize("output", ["race.mp4", "race.gif"])
def test_sigkill_leaves_no_worker_no_encoder_and_no_temporary(folder, output):
    before = snapshot(folder)
    env = dict(os.environ, RACE_RENDER_WORKERS="2")
    process = subprocess.Popen([*RACE, "render", "orbit.yaml", "-o", output, "-q"], cwd=folder,
                               env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_work(process, folder, children=3)      # two frame workers and ffmpeg
        helpers = descendants(process.pid)
        process.kill()
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    deadline = time.monotonic() + 20
    while alive(helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(helpers), "a frame worker or encoder outlived its render"
    assert snapshot(folder) == before


def test_a_later_run_removes_what_a_killed_one_left_behind(folder, monkeypatch):
    """Where nameless temporaries are not available, a killed run's named temporary (its pid
    in the name) is removed by the next write of the same file; a live run's is kept."""
    from race import atomic
    from race.engine import run
    from race.export import write_csv
    from race.loader import load_scene

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = folder / f".traj.csv.race-{dead.pid}-abc123.tmp.csv"
    live = folder / f".traj.csv.race-{os.getppid()}-def456.tmp.csv"
    stale.write_bytes(b"partial")
    live.write_bytes(b"someone's run in progress")
    monkeypatch.setattr(atomic, "anonymous_file", lambda folder: None)
    write_csv(run(load_scene(folder / "orbit.yaml", ["steps=3"])), folder / "traj.csv")
    assert not stale.exists() and live.exists()
    assert (folder / "traj.csv").read_text().startswith("racer,step")
