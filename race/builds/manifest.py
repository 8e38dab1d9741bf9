"""The build's record beside its outputs, ``OUT_DIR/.race-build.json``: what it wrote, from
which scene, with which fingerprint, in how long and how big.

It decides two things. Up to date: an output is skipped when its fingerprint is the one
recorded and the file (or folder of frames) is there with the recorded size. Ownership: a build
replaces only files it wrote itself (the ``written`` list), so a file someone put in OUT_DIR is
never overwritten without ``force``. The record is rewritten atomically after every finished
scene, so an interrupted build keeps what it finished. A record that cannot be read counts as
empty: everything is rebuilt and nothing already there is taken for ours.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from race.atomic import atomic_path
from race.write.folder import owned_frames

NAME = ".race-build.json"
FORMAT = 1


@dataclass
class Manifest:
    """Scene key -> what was built for it; and every path (relative to OUT_DIR) we wrote."""

    scenes: dict[str, dict[str, Any]] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        try:
            data = json.loads((folder / NAME).read_text(encoding="utf-8"))
            scenes, written = data["scenes"], data["written"]
            if not (isinstance(scenes, dict) and isinstance(written, list)
                    and all(isinstance(v, dict) for v in scenes.values())):
                raise TypeError
        except (OSError, ValueError, KeyError, TypeError):
            return cls()
        return cls({str(k): v for k, v in scenes.items()},
                   {item for item in written if isinstance(item, str)})

    def save(self, folder: Path) -> None:
        data = {"written_by": "race build", "format": FORMAT,
                "scenes": dict(sorted(self.scenes.items())), "written": sorted(self.written)}
        with atomic_path(folder / NAME) as temp:
            temp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")

    def outputs(self, key: str) -> dict[str, dict[str, Any]]:
        entry = self.scenes.get(key, {})
        outputs = entry.get("outputs")
        return outputs if isinstance(outputs, dict) else {}

    def is_current(self, key: str, relpath: str, fingerprint: str, folder: Path) -> bool:
        """The output is recorded with this fingerprint and is on disk at its recorded size."""
        record = self.outputs(key).get(relpath)
        if not isinstance(record, dict) or record.get("hash") != fingerprint:
            return False
        return size_on_disk(folder / relpath, relpath.endswith("/")) == record.get("bytes")

    def owns(self, relpath: str) -> bool:
        return relpath in self.written

    def record(self, key: str, info: dict[str, Any], rendered: dict[str, dict[str, Any]],
               kept: set[str], seconds: float) -> None:
        """After rendering ``key``: its outputs are the ones just ``rendered`` and the earlier
        ones in ``kept`` (other formats built from the scene as it is now); records of
        outputs of an earlier version of the scene are dropped."""
        old = self.outputs(key)
        self.scenes[key] = {**info, "seconds": round(seconds, 3), "outputs": dict(sorted(
            {**{path: old[path] for path in kept if path in old}, **rendered}.items()))}
        self.written.update(rendered)


def size_on_disk(path: Path, frames: bool = False) -> int | None:
    """Bytes of a regular file, or with ``frames`` of the frames a folder's frame manifest
    lists; None when it is missing or something else."""
    if frames:
        names = owned_frames(path)
        if not names:
            return None
        total = 0
        for name in names:
            size = size_on_disk(path / name)
            if size is None:
                return None
            total += size
        return total
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None
