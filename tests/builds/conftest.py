"""Tiny scenes (a few frames, 48x36 pixels) so that building a whole course takes seconds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TINY = """\
# a tiny scene for the build tests
title: {title}
surface: bowl
start: [1.5, 1.0]
steps: 6
racers:
  - {{optimizer: adam, lr: 0.2, label: Adam, color: "#ff0000"}}
  - {{optimizer: sgd, lr: 0.1, label: SGD, color: C0}}
render: {{size: [48, 36], dpi: 24, fps: 4, duration: 0.5, hold: 0}}
"""


def tiny(title: str, output: str | None = None, render: str | None = None) -> str:
    text = TINY.format(title=title)
    if render is not None:
        text = text.replace("hold: 0}", f"hold: 0, {render}}}")
    return text + (f"output: {output}\n" if output else "")


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """tmp_path/course: two scenes at the top (one with its own output name and format) and
    one in a subfolder; the current folder is tmp_path."""
    folder = tmp_path / "course"
    (folder / "week2").mkdir(parents=True)
    (folder / "intro.yaml").write_text(tiny("Intro"))
    (folder / "ravine.yaml").write_text(tiny("Ravine", output="outputs/the_ravine.mp4"))
    (folder / "week2" / "saddle.yaml").write_text(tiny("Saddle"))
    monkeypatch.chdir(tmp_path)
    return folder


def snapshot(root: Path) -> dict[str, object]:
    """Every entry below ``root``: a file's bytes and inode (a rewrite changes the inode),
    a symlink's target, a folder."""
    found = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = ("link", os.readlink(path))
        elif path.is_dir():
            found[key] = "folder"
        else:
            found[key] = (path.read_bytes(), path.stat().st_ino)
    return found
