"""Tiny scenes (a few frames, 48x36 pixels) so that building a whole course takes seconds,
and a snapshot of a folder tree to compare before and after a build."""

from __future__ import annotations

import os
from pathlib import Path

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
