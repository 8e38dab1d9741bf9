"""Put a worker's rendered bytes in place under OUT_DIR, by the rules every output follows.

A file is written to a temporary sibling and renamed over its target (``race.atomic``); a
folder of frames goes through ``race.write.folder``, which replaces only frames race wrote.
The content is bytes (from a Dask worker) or files a local worker left in the build's staging
folder, copied without reading them whole into memory.
Before either, the target is checked again: still inside OUT_DIR, and either new, written by an
earlier build (the manifest's ``written``), or ``force`` was given.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from race.builds.manifest import Manifest
from race.builds.plan import OutDir
from race.builds.worker import Piece
from race.errors import RenderError
from race.write.folder import owned_frames, staged_frames
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
    if piece.kind != "folder":
        with output_file(file_target(path)) as temp:
            if isinstance(piece.content, Path):
                shutil.copyfile(piece.content, temp)
            else:
                temp.write_bytes(piece.content)
        return shown
    frames = piece.content
    if isinstance(frames, Path):
        frames = tuple((name, frames / name) for name in sorted(owned_frames(frames)))
    with staged_frames(folder_target(path), force, [name for name, _ in frames]) as staging:
        for name, data in frames:
            if isinstance(data, Path):
                shutil.copyfile(data, staging / name)
            else:
                (staging / name).write_bytes(data)
    return shown


def discard(folder: str | None, staging: Path | None) -> None:
    """Remove the folder a local worker left its files in, once they are in place (only ever
    a folder inside the build's own staging folder)."""
    if folder is None or staging is None:
        return
    path = Path(os.path.realpath(folder))
    if Path(os.path.realpath(staging)) in path.parents:
        shutil.rmtree(path, ignore_errors=True)
