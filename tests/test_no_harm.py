"""No render, preview, simulate or build ever deletes or modifies a file it was not asked to
write.

A property test: a folder tree holding someone's files, a symlink, an earlier render's frames
and the scene itself; random outputs into and around it (given with -o or by the scene's own
`output:`, with and without --force); after each run, every file that was there is byte for
byte the same unless it is the one output asked for, nothing new exists outside that output, and
no temporary is left, whether the run succeeded or was refused.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from race.cli import main
from race.write.folder import FRAME, MANIFEST

SCENE = """\
title: Harmless
surface: bowl
start: [1.5, 1.0]
steps: 6
racers: [{optimizer: adam, lr: 0.2}]
render: {size: [48, 36], dpi: 24, fps: 4, duration: 0.5, hold: 0}
"""


def make_tree(root: Path) -> None:
    (root / "work").mkdir()
    work = root / "work"
    (work / "scene.yaml").write_text(SCENE)
    (work / "notes.txt").write_text("my notes")
    (work / "old.gif").write_bytes(b"GIF89a someone else's gif")
    (work / "data" / "sub").mkdir(parents=True)
    (work / "data" / "a.txt").write_text("a")
    (work / "data" / "frame_00000.png").write_bytes(b"not race's frame")
    (work / "data" / "sub" / "b.csv").write_text("b")
    (work / "rendered").mkdir()                       # an earlier render of ours, 9 frames
    for index in range(9):
        (work / "rendered" / f"frame_{index:05d}.png").write_bytes(b"old frame")
    (work / "rendered" / MANIFEST).write_text(
        '{"frames": [%s]}' % ", ".join(f'"frame_{i:05d}.png"' for i in range(9)))
    os.symlink("data/a.txt", work / "link.gif")
    os.symlink("missing.gif", work / "dangling.gif")
    (root / "outside.txt").write_text("above the working folder")


@contextmanager
def working_tree() -> Iterator[Path]:
    """A fresh tree (``make_tree``) to run in, its ``work`` folder current; removed after."""
    root = Path(tempfile.mkdtemp(prefix="race-harm-"))
    here = os.getcwd()
    try:
        make_tree(root)
        os.chdir(root / "work")
        yield root
    finally:
        os.chdir(here)
        shutil.rmtree(root, ignore_errors=True)


def snapshot(root: Path) -> dict[str, object]:
    found = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = ("link", os.readlink(path))
        elif path.is_dir():
            found[key] = ("dir",)
        else:
            found[key] = ("file", path.read_bytes())
    return found


FOLDERS = st.sampled_from(["", "data/", "data/sub/", "rendered/", "new/", "new/deeper/", "../",
                           "notes.txt/", "./", "/"])
NAMES = st.sampled_from(["x", "scene", "notes", "old", "link", "dangling", "rendered", "data",
                         "frame_00000", ".", "..", ""])
ENDINGS = st.sampled_from(["", ".gif", ".png", ".mp4", ".csv", ".yaml", ".txt", "/"])
COMMANDS = st.sampled_from(["render", "preview", "simulate"])


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(command=COMMANDS, folder=FOLDERS, name=NAMES, ending=ENDINGS, force=st.booleans(),
       via_scene=st.booleans())
def test_no_run_touches_what_it_was_not_asked_to_write(command, folder, name, ending, force,
                                                       via_scene):
    output = f"{folder}{name}{ending}"
    with working_tree() as root:
        work = root / "work"
        args = [command, "scene.yaml"]
        if via_scene and command == "render":
            (work / "scene.yaml").write_text(SCENE + f"output: {output!r}\n")
        else:
            args += ["-o", output]
        if force and command == "render":
            args.append("--force")
        before = snapshot(root)
        result = CliRunner().invoke(main, args)
        after = snapshot(root)
        assert result.exit_code in (0, 2), (args, result.output, result.exception)
        if result.exit_code == 2:
            assert len(result.stderr.splitlines()) == 1, result.stderr
        allowed = allowed_changes(work, output, result.exit_code == 0)
        for key in set(before) | set(after):
            if before.get(key) != after.get(key):
                assert allowed(root / key), (args, key, before.get(key), after.get(key))
        leftovers = [k for k in set(after) - set(before) if ".race-" in k and MANIFEST not in k
                     or k.endswith(".tmp")]
        assert not leftovers, (args, leftovers)


def allowed_changes(work: Path, output: str, succeeded: bool):
    """Which paths a run may have changed: nothing if it was refused; else the output file (a
    symlink's target, not the link), or a folder's frames and manifest, and folders made on the
    way to it."""
    if not succeeded:
        return lambda path: False
    target = Path(os.path.realpath(work / output))
    is_folder = output.endswith("/") or target.is_dir()

    def allowed(path: Path) -> bool:
        real = Path(os.path.realpath(path)) if not path.is_symlink() else path
        if real == target or real in target.parents:
            return True       # the output itself, or a folder created on the way to it
        if is_folder and real.parent == target:
            return bool(FRAME.match(real.name)) or real.name == MANIFEST
        return False

    return allowed


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(folder=FOLDERS, name=NAMES, force=st.booleans())
def test_no_build_touches_what_it_was_not_asked_to_write(folder, name, force):
    """`race build scene.yaml -o OUT_DIR` writes OUT_DIR/scene.gif and its manifest, nothing
    else, wherever OUT_DIR points in the tree (or it is refused, changing nothing)."""
    out_dir = f"{folder}{name}" or "."
    with working_tree() as root:
        work = root / "work"
        args = ["build", "scene.yaml", "-o", out_dir, "-j", "1"] + (["--force"] if force else [])
        before = snapshot(root)
        result = CliRunner().invoke(main, args)
        after = snapshot(root)
        assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
        target = Path(os.path.realpath(work / out_dir))
        for key in set(before) | set(after):
            if before.get(key) != after.get(key):
                path = root / key
                real = Path(os.path.realpath(path)) if not path.is_symlink() else path
                assert result.exit_code == 0 and (
                    real == target or real in target.parents
                    or (real.parent == target and real.name in ("scene.gif", ".race-build.json"))
                ), (args, key, before.get(key), after.get(key))
        leftovers = [k for k in set(after) - set(before) if ".race-" in k and "build" not in k]
        assert not leftovers, (args, leftovers)
