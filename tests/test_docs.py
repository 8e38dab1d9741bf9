"""The commands the README and `race --help` show must work as written."""

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from race.cli import EXAMPLES, main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def tour_commands() -> list[str]:
    block = README.split("## A short tour", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_every_scene_file_the_docs_name_exists():
    named = set(re.findall(r"configs/[\w-]+\.ya?ml", README + EXAMPLES))
    assert named
    for path in named:
        assert (ROOT / path).is_file(), path


@pytest.mark.parametrize("command", [c for c in tour_commands()
                                     if c.split()[1] in ("list", "validate", "simulate", "preview")])
def test_tour_commands_run(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)[1:]
    args = [str(ROOT / a) if a.startswith("configs/") else a for a in args]
    if args[0] == "preview":
        args += ["--set", "render.size=[320, 240]"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
