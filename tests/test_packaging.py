"""The wheel that `pip install .` builds must hold every package of the source tree."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts)
             for init in (ROOT / "race").rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "race.configs" in listed


def test_the_public_api_is_what_race_exports():
    import race

    assert race.__all__ == ["load", "simulate", "render", "show", "build", "numpy_optimizer",
                            "torch_optimizer"]
    for name in race.__all__:
        assert callable(getattr(race, name))
