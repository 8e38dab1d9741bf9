from pathlib import Path

from race.catalog import render_keys
from race.scene import Camera, Render, Squares

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_documents_every_render_key_as_the_code_defines_it():
    assert render_keys() in README.read_text(encoding="utf-8")


def test_render_keys_cover_nested_records_with_defaults_and_ranges():
    table = render_keys()
    for record, prefix in ((Render, "render"), (Squares, "render.squares"),
                           (Camera, "render.camera")):
        for name in record.__dataclass_fields__:
            assert f"| `{prefix}.{name}` |" in table
    assert "| `render.fps` | 30 | whole number 1…240 |" in table
    assert "`contour` \\| `surface3d`" in table
