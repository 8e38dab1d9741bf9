"""`race render` names the scene file it used when SCENE was a shipped scene's name."""

from click.testing import CliRunner

from race.cli import main
from race.scenes import shipped_scenes


def test_a_shipped_scene_by_name_says_which_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", "saddle", "-o", "s.png", "--size", "160x120"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote s.png (scene {shipped_scenes()['saddle']})\n"


def test_a_scene_file_needs_no_such_note(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scene = tmp_path / "s.yaml"
    scene.write_text("surface: bowl\nracers: [adam]\nsteps: 5\n")
    result = CliRunner().invoke(main, ["render", str(scene), "-o", "s.png", "--size", "160x120"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote s.png\n"
