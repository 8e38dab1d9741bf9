"""Issue 5's faults, end to end.

Numbers that go bad (a racer that diverges, a surface with a singularity or a region where it or
its gradient is NaN) are drawn sensibly, in both views, as a still and as a GIF, without a
warning. Writes that fail (ffmpeg exiting early, a full disk, Ctrl-C) leave the earlier output
byte for byte, no temporary file, and exit non-zero with one line on stderr: checked through
the CLI, Ctrl-C with a real SIGINT to a real `race render`, and at the moments a SIGINT sent
from outside would hit only by luck (the process interrupts itself there).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.colors import to_rgb
from mpl_toolkits.mplot3d import proj3d
from PIL import Image

import race.draw as render_module
from race import atomic
from race import export
from race.cli import main
from race.engine import run
from race.loader import scene_from_text
from race.draw import render, render_still
from race.draw.stage import Stage
from race.draw.surface3d_geometry import MESH_CELLS, grid
from race.draw.theme import LIGHT
from race.surfaces.base import Surface
from race.write import ffmpeg, png
from race.write.ffmpeg import FFmpegPipe

VIEWS = ("contour", "surface3d")


# -- numerical faults ---------------------------------------------------------------------------

RACE = """
title: Faults
surface: {surface}
start: {start}
steps: 12
racers:
  - {{optimizer: sgd, lr: {lr}, label: Wild, color: "#ff00ff"}}
  - {{optimizer: sgd, lr: 0.05, label: Calm, color: "#0000ff"}}
render: {{view: {view}, size: [240, 180], dpi: 60, fps: 10, duration: 0.5, hold: 0,
          squares: false, loss_panel: {panel}}}
"""


def numeric_race(view: str, surface: str = "bowl", start=(1.5, 1.0), lr: float = 2.0,
                 panel: str = "none"):
    """Wild (sgd at ``lr``) and Calm (sgd at 0.05) from ``start``, run by the engine."""
    text = RACE.format(surface=surface, start=list(start), lr=lr, view=view, panel=panel)
    return run(scene_from_text(text))


def expression(expr: str) -> str:
    return f'{{expr: "{expr}", xlim: [-2, 2], ylim: [-2, 2]}}'


def legend(stage: Stage) -> list[str]:
    return [text.get_text() for text in stage.legend.get_texts()]


def cross_pixels(stage: Stage, step: int) -> list[tuple[float, float]]:
    """Display (x, y) of every diverged-racer cross drawn at ``step``, in any view."""
    found = []
    for view in stage.views:
        for artist in view.update(step):
            if getattr(artist, "get_marker", lambda: None)() != "X" or not artist.get_visible():
                continue
            if hasattr(artist, "get_data_3d"):
                xs, ys, zs = (np.asarray(v, dtype=float) for v in artist.get_data_3d())
                xs, ys, _ = proj3d.proj_transform(xs, ys, zs, view.ax.get_proj())
            else:
                xs, ys = (np.asarray(v, dtype=float) for v in artist.get_data())
            points = np.column_stack([xs, ys])
            points = points[np.isfinite(points).all(axis=1)]
            found += [tuple(p) for p in view.ax.transData.transform(points)] if len(points) else []
    return found


def near(frame: np.ndarray, stage: Stage, point, color, radius: int = 2,
         tolerance: int = 45) -> bool:
    """Some pixel within ``radius`` of display point ``point`` has ``color``."""
    row, col = int(round(stage.height - point[1])), int(round(point[0]))
    patch = frame[row - radius:row + radius + 1, col - radius:col + radius + 1, :3].astype(int)
    return bool((np.abs(patch - np.array(to_rgb(color)) * 255).max(axis=-1) <= tolerance).any())


def map_pixels(stage: Stage, frame: np.ndarray) -> np.ndarray:
    """The RGB pixels inside the first view's axes box, (n, 3)."""
    x0, y0, x1, y1 = stage.views[0].ax.bbox.extents
    rows = slice(int(stage.height - y1) + 1, int(stage.height - y0) - 1)
    return frame[rows, int(x0) + 1:int(x1) - 1, :3].reshape(-1, 3)


def commonest_share(pixels: np.ndarray) -> float:
    """How much of ``pixels`` the single commonest colour covers (colours binned by 16)."""
    binned = (pixels.astype(int) // 16) @ np.array([256, 16, 1])
    return float(np.unique(binned, return_counts=True)[1].max() / len(binned))


def assert_writes_a_still_and_a_gif(race, folder: Path) -> None:
    width, height = race.scene.render.size
    with Image.open(render_still(race, folder / "still.png")) as still:
        assert still.size == (width, height)
    with Image.open(render(race, folder / "race.gif")) as gif:
        assert gif.format == "GIF" and gif.n_frames > 1
    assert sorted(os.listdir(folder)) == ["race.gif", "still.png"]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("view", VIEWS)
def test_a_diverging_racer_is_crossed_on_the_map_and_named_in_the_legend(view, tmp_path):
    race = numeric_race(view)    # sgd lr 2 on x² + y²: x -> -3x, out of the race at step 4
    wild, calm = race.trajectories
    assert wild.diverged_at.tolist() == [4] and calm.diverged_at.tolist() == [-1]
    stage = Stage(race)
    stage.frame(3)
    assert cross_pixels(stage, 3) == [] and "diverged" not in legend(stage)[0]
    frame = np.array(stage.frame(12))
    assert legend(stage)[0].endswith("diverged at step 4")
    assert "diverged" not in legend(stage)[1]
    crosses = cross_pixels(stage, 12)
    assert len(crosses) == 1
    # it flew far off the map (to x = -40.5): the cross marks where it was last seen on it
    assert stage.views[0].ax.bbox.contains(*crosses[0])
    assert near(frame, stage, crosses[0], LIGHT.diverged)
    assert_writes_a_still_and_a_gif(race, tmp_path)


SINGULAR = {
    # expression: (start, Wild's lr, the step Wild lands on the singularity, or None)
    "1/(x**2 + y**2)": ((1.0, 0.5), 0.1, None),    # descent rolls away from the pole
    "log(x**2 + y**2)": ((1.0, 0.0), 0.5, 1),      # x - 0.5 * 2x / x² = 0: log 0
    "sqrt(abs(x)) + y**2": ((0.0, 1.0), 0.1, 1),   # starts on the cusp: the gradient is 0/0
    "1/x": ((-1.0, 0.5), 1.0, 1),                  # -1 + 1 * 1/1 = 0: 1/0
}


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("expr", list(SINGULAR))
def test_a_singular_surface_draws_with_a_usable_scale_and_marks_who_hit_it(expr, view,
                                                                           tmp_path):
    start, lr, hits = SINGULAR[expr]
    race = numeric_race(view, expression(expr), start, lr, panel="right")
    wild = race.trajectories[0]
    stage = Stage(race)
    frame = np.array(stage.frame(race.scene.steps))
    if hits is None:
        assert wild.diverged_at.tolist() == [-1]
    else:
        assert wild.diverged_at.tolist() == [hits]
        assert legend(stage)[0].endswith(f"diverged at step {hits}")
        gone = sum(int((t.diverged_at >= 0).sum()) for t in race.trajectories)  # Calm too?
        crosses = cross_pixels(stage, race.scene.steps)
        assert len(crosses) == gone
        assert all(near(frame, stage, p, LIGHT.diverged) for p in crosses)
    pixels = map_pixels(stage, frame)
    assert commonest_share(pixels) < 0.8          # never one flat colour (nor blank)
    if view == "contour":
        assert commonest_share(pixels) < 0.5      # the colours spread over the map
    else:                                         # the pole does not flatten the surface
        surface3d = stage.views[0]
        heights = surface3d.heights(*grid(surface3d.surface, MESH_CELLS + 1))
        low, high = surface3d.ax.get_zlim()
        q1, q3 = np.nanpercentile(heights, [25, 75])
        assert (q3 - q1) / (high - low) > 0.1
    assert_writes_a_still_and_a_gif(race, tmp_path)


def test_a_pole_between_samples_no_longer_paints_the_map_one_colour():
    # the contour view samples 1/x on a 300-point grid that misses x = 0: the two samples
    # beside it (+-150) used to stretch the scale so the rest of the map was one colour
    race = numeric_race("contour", expression("1/x"), (1.0, 0.5), 0.05)
    stage = Stage(race)
    frame = np.array(stage.frame(0))
    assert commonest_share(map_pixels(stage, frame)) < 0.5
    left, right = (np.array(frame[int(stage.height - p[1]), int(p[0]), :3], dtype=int)
                   for p in stage.views[0].ax.transData.transform([(-0.3, -1.5), (0.3, -1.5)]))
    assert np.abs(left - right).max() > 60        # 1/x = -3.3 and 3.3: clearly different


def nan_gradient_for_negative_x() -> Surface:
    """x² + y², whose gradient is NaN where x < 0 (the value stays finite there)."""
    def gradient(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return np.where(x < 0, np.nan, 2 * x), np.where(x < 0, np.nan, 2 * y)
    return Surface(name="half", formula="x² + y²", value=lambda x, y: x**2 + y**2,
                   gradient=gradient, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0))


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("case", ["gradient NaN", "value and gradient NaN"])
def test_a_region_where_the_gradient_is_nan_stops_who_enters_it(case, view, tmp_path):
    if case == "gradient NaN":                # Wild jumps to x = 1.5 - 0.9 * 3 < 0
        text = RACE.format(surface="bowl", start=[1.5, 1.0], lr=0.9, view=view, panel="none")
        scene = scene_from_text(text)
        race, enters = run(replace(scene, surface=nan_gradient_for_negative_x())), 1
    else:                                     # sqrt(x) is NaN for x < 0: a hole in the map
        race, enters = numeric_race(view, expression("sqrt(x) + y**2"), (1.5, 1.0), 0.9), 4
    wild, calm = race.trajectories
    assert wild.diverged_at.tolist() == [enters] and calm.diverged_at.tolist() == [-1]
    assert np.isfinite(wild.positions).all() and np.isfinite(calm.positions).all()
    stage = Stage(race)
    frame = np.array(stage.frame(12))
    assert legend(stage)[0].endswith(f"diverged at step {enters}")
    crosses = cross_pixels(stage, 12)
    assert len(crosses) == 1 and near(frame, stage, crosses[0], LIGHT.diverged)
    assert commonest_share(map_pixels(stage, frame)) < 0.8
    assert_writes_a_still_and_a_gif(race, tmp_path)


# -- faults while writing, through the CLI ------------------------------------------------------

SCENE = """\
title: Writes
surface: bowl
start: [1.5, 1.0]
steps: 40
racers:
  - {optimizer: adagrad, lr: 0.3, label: AdaGrad, color: "#ff0000"}
render: {size: [160, 120], dpi: 40, fps: 10, duration: 1.2, hold: 0.3}
"""
OLD = b"the earlier output, which must survive\n"
NO_SPACE = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def scene_file(tmp_path) -> Path:
    path = tmp_path / "scene.yaml"
    path.write_text(SCENE)
    return path


@pytest.fixture
def out(tmp_path) -> Path:
    """An output folder holding one earlier output of every kind."""
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("race.gif", "race.mp4", "race.webm", "race.png", "traj.csv"):
        (folder / name).write_bytes(OLD)
    (folder / "frames").mkdir()
    (folder / "frames" / "frame_00000.png").write_bytes(OLD)   # an earlier render's frame
    (folder / "frames" / ".race-frames.json").write_text('{"frames": ["frame_00000.png"]}')
    return folder


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Everything under ``folder``, hidden entries included: each file's bytes, None for a
    folder."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def invoke(*args) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stderr.splitlines(), result.stdout


def assert_failed_cleanly(code: int, errors: list[str], stdout: str, before, folder: Path,
                          *needles: str) -> None:
    assert code != 0
    assert len(errors) == 1 and errors[0].startswith("race: error: "), errors
    assert "Traceback" not in errors[0] and stdout == ""        # and no "wrote ..."
    for needle in needles:
        assert needle in errors[0], errors[0]
    assert snapshot(folder) == before           # byte for byte, and no temporary left


def fake_ffmpeg(tmp_path: Path, real: str) -> str:
    """An ffmpeg that reads a frame and a bit, then fails; the GIF palette, made before any
    frame is piped, is still left to the real one."""
    script = tmp_path / "ffmpeg"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import os, sys
        if any("palettegen" in arg for arg in sys.argv):
            os.execv({real!r}, [{real!r}] + sys.argv[1:])
        sys.stdin.buffer.read(100_000)
        sys.stderr.write("[out#0/mp4 @ 0x55d0] Conversion failed!\\n")
        sys.exit(1)
        """))
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize("name", ["race.gif", "race.mp4", "race.webm"])
def test_ffmpeg_exiting_early_keeps_the_earlier_video(name, scene_file, out, tmp_path,
                                                      monkeypatch):
    fake = fake_ffmpeg(tmp_path, ffmpeg.ffmpeg_exe())
    monkeypatch.setattr(ffmpeg, "ffmpeg_exe", lambda: fake)
    before = snapshot(out)
    code, errors, stdout = invoke("render", scene_file, "-o", out / name)
    assert_failed_cleanly(code, errors, stdout, before, out, "encoder (ffmpeg)",
                          "Conversion failed!", f"race: error: {out / name}: ")


def fail_on_call(monkeypatch, owner, attribute: str, number: int, error: BaseException):
    """Make ``owner.attribute`` raise ``error`` on its ``number``-th call (midway)."""
    original = getattr(owner, attribute)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == number:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, attribute, failing)
    return calls


@pytest.mark.parametrize("name", ["race.gif", "race.mp4", "race.webm", "race.png", "frames"])
def test_a_full_disk_midway_keeps_the_earlier_output(name, scene_file, out, monkeypatch):
    if name == "race.png":
        calls = fail_on_call(monkeypatch, png, "write_png", 1, NO_SPACE)
    elif name == "frames":
        calls = fail_on_call(monkeypatch, png, "write_png", 5, NO_SPACE)
    else:
        calls = fail_on_call(monkeypatch, FFmpegPipe, "write", 5, NO_SPACE)
    before = snapshot(out)
    code, errors, stdout = invoke("render", scene_file, "-o", out / name)
    assert calls["n"] >= (1 if name == "race.png" else 5)
    assert_failed_cleanly(code, errors, stdout, before, out, str(out / name),
                          "No space left on device")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("name", ["race.mp4", "race.webm"])
def test_ffmpeg_itself_finding_the_disk_full_keeps_the_earlier_video(name, scene_file, out,
                                                                     monkeypatch):
    from race.write import video

    # the real encoder writes into /dev/full, where every write fails with ENOSPC
    for build in ("mp4_args", "webm_args"):
        original = getattr(video, build)
        monkeypatch.setattr(video, build, lambda output, *more, original=original:
                            original(Path("/dev/full"), *more))
    before = snapshot(out)
    code, errors, stdout = invoke("render", scene_file, "-o", out / name)
    assert_failed_cleanly(code, errors, stdout, before, out, "encoder (ffmpeg)",
                          "No space left on device")


class FillingDisk:
    """A text file that takes ``room`` characters, then fails as a full disk does."""

    def __init__(self, path, room: int) -> None:
        self.file, self.room = open(path, "w", encoding="utf-8", newline=""), room

    def write(self, text: str) -> int:
        if len(text) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(text)
        return self.file.write(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()


def test_simulate_on_a_full_disk_keeps_the_earlier_csv(scene_file, out, monkeypatch):
    monkeypatch.setattr(export, "open", lambda path, *a, **k: FillingDisk(path, 2000),
                        raising=False)
    before = snapshot(out)
    code, errors, stdout = invoke("simulate", scene_file, "-o", out / "traj.csv")
    assert_failed_cleanly(code, errors, stdout, before, out, str(out / "traj.csv"),
                          "No space left on device")


LONG_SCENE = SCENE.replace("steps: 40", "steps: 3000").replace(
    "duration: 1.2, hold: 0.3", "steps_per_frame: 1, hold: 0")
# a terminal's Ctrl-C: SIGINT to the whole process group, with Python's usual handler even if
# the test runner itself was started with SIGINT ignored (as background jobs are)
RACE_COMMAND = [sys.executable, "-c", "import signal; "
                "signal.signal(signal.SIGINT, signal.default_int_handler); "
                "from race.cli import main; main()"]


def writing_into(pid: int, folder: Path) -> bool:
    """Whether process ``pid`` has begun its output in ``folder``: a temporary there, named or
    nameless (an open descriptor of a file in it that has no name yet)."""
    if any(p.name.startswith((".race.", ".race-frames-"))
           for p in [*folder.iterdir(), *(folder / "frames").iterdir()]):
        return True
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(link.startswith(f"{folder}/#") for link in links)


@pytest.mark.parametrize("name", ["race.mp4", "race.gif", "frames"])
def test_ctrl_c_mid_render_keeps_the_earlier_output_and_exits_130(name, out, tmp_path):
    scene = tmp_path / "long.yaml"
    scene.write_text(LONG_SCENE)         # 3001 frames: far longer than the test waits
    before = snapshot(out)
    process = subprocess.Popen([*RACE_COMMAND, "render", scene, "-o", out / name, "-q"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not writing_into(process.pid, out):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.005)
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130
    assert stderr.decode().splitlines() == [
        "race: interrupted; earlier output files were left as they were"]
    assert stdout == b""
    assert snapshot(out) == before


# -- Ctrl-C at the worst moments, made certain by interrupting ourselves -------------------------

@pytest.fixture
def ctrl_c():
    """A function that presses Ctrl-C on this process now, with Python's usual handler."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield lambda: os.kill(os.getpid(), signal.SIGINT)
    signal.signal(signal.SIGINT, previous)


def after(monkeypatch, owner, attribute: str, action, when=lambda *args, **kwargs: True):
    """Run ``action()`` right after ``owner.attribute`` returns (if ``when(*args)``)."""
    original = getattr(owner, attribute)

    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        if when(*args, **kwargs):
            action()
        return result

    monkeypatch.setattr(owner, attribute, wrapped)


@pytest.mark.parametrize("name, temporary", [("race.png", "nameless"), ("race.png", "named"),
                                             ("frames", "named")])
def test_ctrl_c_the_instant_the_temporary_is_created_still_removes_it(name, temporary, tmp_path,
                                                                      ctrl_c, monkeypatch):
    race = run(scene_from_text(SCENE))
    target = tmp_path / name
    target.mkdir() if name == "frames" else target.write_bytes(OLD)
    before = snapshot(tmp_path)
    if name == "frames":
        after(monkeypatch, tempfile, "mkdtemp", ctrl_c)
    elif temporary == "named":     # as on a system without nameless files (O_TMPFILE)
        monkeypatch.setattr(atomic, "anonymous_file", lambda folder: None)
        after(monkeypatch, tempfile, "mkstemp", ctrl_c)
    else:
        if atomic.anonymous_file(tmp_path) is None:
            pytest.skip("this system cannot make nameless files (O_TMPFILE)")
        after(monkeypatch, atomic, "anonymous_file", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        (render_still if name == "race.png" else render)(race, target)
    assert snapshot(tmp_path) == before


def test_ctrl_c_the_instant_the_encoder_starts_still_stops_it(tmp_path, ctrl_c, monkeypatch):
    started = []
    original = render_module.open_writer

    def open_writer(*args, **kwargs):
        started.append(original(*args, **kwargs))
        ctrl_c()                              # before render() has the writer in hand
        return started[-1]

    monkeypatch.setattr(render_module, "open_writer", open_writer)
    target = tmp_path / "race.mp4"
    target.write_bytes(OLD)
    try:
        with pytest.raises(KeyboardInterrupt):
            render(run(scene_from_text(SCENE)), target)
        assert started[0].process.poll() is not None    # ffmpeg was stopped and reaped...
    finally:
        if started and started[0].process.poll() is None:
            started[0].process.kill()
            started[0].process.wait()
    assert snapshot(tmp_path) == {"race.mp4": OLD}       # ...so it cannot write a file later


def test_ctrl_c_while_publishing_frames_finishes_the_folder_first(tmp_path, ctrl_c,
                                                                 monkeypatch):
    target = tmp_path / "frames"
    render(run(scene_from_text(SCENE, overrides=["render.duration=2.5"])), f"{target}/")
    # Ctrl-C just after the first new frame is moved into place
    after(monkeypatch, os, "replace", ctrl_c,
          when=lambda source, *rest: ".race-frames-" in str(source))
    with pytest.raises(KeyboardInterrupt):
        render(run(scene_from_text(SCENE)), target)
    names = sorted(os.listdir(target))                   # the new frames, the stale ones gone
    assert names == [".race-frames.json"] + [f"frame_{i:05d}.png" for i in range(len(names) - 1)]
    assert os.listdir(tmp_path) == ["frames"]
