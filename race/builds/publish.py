"""Put a worker's rendered bytes in place under OUT_DIR, by the rules every output follows.

A file is written to a temporary sibling and renamed over its target (``race.atomic``); a
folder of frames goes through ``race.write.folder``, which replaces only frames race wrote.
Before either, the target is checked again: still inside OUT_DIR, and either new, written by an
earlier build (the manifest's ``written``), or ``force`` was given.
"""

from __future__ import annotations

import os
from pathlib import Path

from race.builds.manifest import Manifest
from race.builds.plan import OutDir
from race.builds.worker import Piece
from race.errors import RenderError
from race.write.folder import staged_frames
from race.write.target import file_target, folder_target, output_file


def check_ours(out_dir: OutDir, relpath: str, manifest: Manifest, force: bool) -> Path:
    """The path to write ``relpath`` at, or a RenderError when it leads out of OUT_DIR or
    holds a file this build did not write (unless ``force``). A folder of frames may exist:
    ``race.write.folder`` keeps what race did not write in it."""
    path = out_dir.place(relpath)
    if relpath.endswith("/") or force or manifest.owns(relpath) or not os.path.lexists(path):
        return path
    raise RenderError(f"{out_dir.shown(relpath)}: exists and was not written by race build; "
                      "move it away, or pass --force to replace it")


def publish(piece: Piece, out_dir: OutDir, manifest: Manifest, force: bool) -> Path:
    """Write ``piece`` to its place in OUT_DIR; returns that place as the user would name it."""
    path = check_ours(out_dir, piece.relpath, manifest, force)
    shown = Path(out_dir.shown(piece.relpath))
    if isinstance(piece.content, bytes):
        target = file_target(path)
        with output_file(target) as temp:
            temp.write_bytes(piece.content)
        return shown
    target = folder_target(path)
    names = [name for name, _ in piece.content]
    with staged_frames(target, force, names) as staging:
        for name, data in piece.content:
            (staging / name).write_bytes(data)
    return shown
