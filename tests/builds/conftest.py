"""The course fixture: a folder of tiny scenes, the current folder set above it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiny_course import tiny


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
