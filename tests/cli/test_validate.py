"""`race validate` checks a scene without importing matplotlib (it costs a third of a second)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
PROBE = """
import sys
from race.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print("exit", code)
print("imported", sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"))
"""


def validate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE, "validate", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("scene", sorted(p.name for p in CONFIGS.glob("*.yaml")))
def test_validate_never_imports_matplotlib(scene):
    result = validate(str(CONFIGS / scene))
    assert "exit 0" in result.stdout, result.stderr
    assert f"{scene}: ok:" in result.stdout
    assert "imported []" in result.stdout


def test_a_bad_colour_or_colormap_is_reported_without_matplotlib_too(tmp_path):
    scene = tmp_path / "bad.yaml"
    scene.write_text("surface: bowl\nracers:\n  - {optimizer: sgd, color: reddish}\n")
    result = validate(str(scene))
    assert "exit 2" in result.stdout and "imported []" in result.stdout
    assert "racers[0].color: expected a colour" in result.stderr
    scene.write_text("surface: bowl\nracers: [sgd]\nrender: {colormap: viridiss}\n")
    result = validate(str(scene))
    assert "exit 2" in result.stdout and "imported []" in result.stdout
    assert "render.colormap: unknown colormap 'viridiss'; did you mean 'viridis'?" \
        in result.stderr
