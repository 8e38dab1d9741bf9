"""The scene schema: valid draft 2020-12, shipped as generated, named by every shipped scene,
complete (every key the loader reads, described), and generated from the records and
registries so that new ones appear without touching the generator."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Literal

import jsonschema
import pytest
from click.testing import CliRunner

from race import loader
from race.authoring import schema as generator
from race.authoring.schema import (MODELINE, SchemaDrift, scene_schema, schema_text,
                                   shipped_schema)
from race.cli import main
from race.errors import HyperparameterError
from race.optimizers import OPTIMIZERS
from race.scene import Racer, Render, option
from race.scenes import shipped_scenes
from race.surfaces import SURFACES

SCHEMA = scene_schema()


def branches(schema=SCHEMA):
    """optimizer name -> its racer branch."""
    return {b["properties"]["optimizer"]["anyOf"][0]["enum"][0]: b
            for b in schema["properties"]["racers"]["items"]["oneOf"][1]["oneOf"]}


def test_the_schema_is_valid_draft_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert jsonschema.validators.validator_for(SCHEMA) is jsonschema.Draft202012Validator


def test_patterns_are_ones_javascript_also_reads():
    """Editors compile patterns as JavaScript regular expressions (unicode mode): no Python-only
    syntax, no needless escapes."""
    patterns = re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', schema_text())
    assert patterns
    for text in {json.loads(f'"{p}"') for p in patterns}:
        re.compile(text)
        assert not re.search(r"\(\?[PiLmsux<]|\\[AZz]", text), text
        assert not re.search(r"\\[^\\^$.|?*+()\[\]{}/sSdDwWbB]", text), text


def test_the_shipped_schema_is_the_generated_one():
    shipped = shipped_schema()
    assert shipped.name == "scene.schema.json" and shipped.parent == shipped_scenes()[
        "article"].parent
    text = shipped.read_text(encoding="utf-8")
    on_file = json.loads(text)
    if on_file["$comment"] == SCHEMA["$comment"]:
        assert text == schema_text(), "regenerate: race schema -o configs/scene.schema.json"
    else:   # made with another matplotlib: its colour names and colormaps may differ
        generated = json.loads(schema_text())
        for piece in (on_file, generated):
            piece.pop("$comment")
            piece["$defs"].pop("color")
            piece["$defs"].pop("colormap")
        assert on_file == generated, "regenerate: race schema -o configs/scene.schema.json"


@pytest.mark.parametrize("name", sorted(shipped_scenes()))
def test_every_shipped_scene_names_the_shipped_schema(name):
    path = shipped_scenes()[name]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    target = first.split("$schema=", 1)[1]
    assert (path.parent / target).resolve() == shipped_schema().resolve()


def test_the_schema_ships_as_package_data():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert "scene.schema.json" in project["tool"]["setuptools"]["package-data"]["race.configs"]
    assert "jsonschema" in " ".join(project["project"]["optional-dependencies"]["test"])


# -- complete: every key the loader reads --------------------------------------------------

def test_every_key_the_loader_reads_is_in_the_schema():
    assert list(SCHEMA["properties"]) == list(loader.SCENE_KEYS)
    assert SCHEMA["required"] == list(loader.REQUIRED_KEYS)
    assert SCHEMA["$defs"]["surface_name"]["enum"] == list(SURFACES)
    assert list(branches()) == list(OPTIMIZERS)
    for name, branch in branches().items():
        hyper = [f.name for f in dataclasses.fields(OPTIMIZERS[name].config)]
        assert set(branch["properties"]) == set(loader.RACER_KEYS) | set(hyper), name
        for field in dataclasses.fields(OPTIMIZERS[name].config):
            assert branch["properties"][field.name]["default"] == (
                list(field.default) if isinstance(field.default, tuple) else field.default)


def test_every_render_key_is_in_the_schema_with_its_default():
    def check(record, schema):
        assert list(schema["properties"]) == [f.name for f in dataclasses.fields(record)]
        for field in dataclasses.fields(record):
            sub = schema["properties"][field.name]
            assert field.metadata["doc"] in sub["description"]
            if dataclasses.is_dataclass(field.type if isinstance(field.type, type) else None):
                continue
            if field.default is not dataclasses.MISSING:
                expected = field.default
                assert sub["default"] == (list(expected) if isinstance(expected, tuple)
                                          else expected), field.name
            else:
                nested = field.default_factory()
                check(type(nested), sub)

    check(Render, SCHEMA["properties"]["render"])


def test_every_property_has_a_description():
    def walk(schema, path):
        for key, sub in schema.get("properties", {}).items():
            assert sub.get("description"), f"{path}.{key} has no description"
            walk(sub, f"{path}.{key}")
        for word in ("anyOf", "oneOf", "allOf"):
            for index, sub in enumerate(schema.get(word, [])):
                walk(sub, f"{path}/{word}[{index}]")
        for sub in schema.get("$defs", {}).values():
            walk(sub, path)

    walk(SCHEMA, "")


def test_rules_a_schema_cannot_state_are_stated_in_words():
    words = json.dumps(SCHEMA)
    for rule in ("inside the surface's domain", "low < high", "RACE_MAX_STEPS", "parses"):
        assert rule in words, rule


def test_colours_and_colormaps_are_what_matplotlib_takes():
    from matplotlib import colormaps
    from matplotlib.colors import is_color_like

    validator = jsonschema.Draft202012Validator({**SCHEMA["$defs"]["color"],
                                                 "$defs": SCHEMA["$defs"]})
    for color in ["white", "WHITE", "DarkSlateGray", "xkcd:Sky Blue", "tab:orange", "k", "C7",
                  "#abc", "#abcd", "#a0b1c2", "#a0b1c2d3", "0.35", "1.", "none"]:
        assert is_color_like(color) and validator.is_valid(color), color
    for color in ["K", "#ab", "#abcde", "C", "1.2", "-0.1", "red-ish", "0.5.5", " white"]:
        assert not is_color_like(color) and not validator.is_valid(color), color
    assert SCHEMA["$defs"]["colormap"]["enum"] == sorted(colormaps)


# -- generated: new records and registries appear by themselves --------------------------------

# Records as other work might add them (module level, so their annotations resolve).


@dataclasses.dataclass(frozen=True)
class Background:
    color: str | None = option(None, "behind everything", kind="color")
    alpha: float = option(1.0, "opacity", low=0.0, high=1.0)


@dataclasses.dataclass(frozen=True)
class NewRender(Render):
    preset: Literal["slides", "web"] | None = option(None, "a set of render settings")
    background: Background = option(Background, "the background")


@dataclasses.dataclass(frozen=True)
class ToyConfig:
    lr: float = 0.1
    decay: float = 0.5
    window: int = 3
    maximize: bool = False

    def __post_init__(self):
        if not 0 < self.decay < 1:
            raise HyperparameterError("decay", f"Invalid decay: {self.decay}")
        if not 1 <= self.window <= 10:
            raise HyperparameterError("window", f"Invalid window: {self.window}")


@dataclasses.dataclass(frozen=True)
class Schedule:
    kind: Literal["constant", "step"] = option("constant", "how the rate changes")
    gamma: float = option(0.1, "factor per step", low=0.0, high=1.0)


@dataclasses.dataclass(frozen=True)
class NewRacer(Racer):
    warmup: Schedule = option(Schedule, "the learning-rate schedule")


@dataclasses.dataclass(frozen=True)
class Noise:
    """Gaussian noise added to each gradient."""

    scale: float = option(0.1, "its standard deviation", low=0.0)


@dataclasses.dataclass(frozen=True)
class NoisyRacer(Racer):
    jitter: Noise | None = None


@dataclasses.dataclass(frozen=True)
class FontRender(Render):
    font: str = option("DejaVu Sans", "the font", kind="font")


def test_a_new_render_record_appears_without_touching_the_generator(monkeypatch):
    monkeypatch.setattr(generator, "Render", NewRender)
    render = scene_schema()["properties"]["render"]["properties"]
    assert render["preset"]["enum"] == ["slides", "web", None]
    assert render["background"]["properties"]["alpha"]["maximum"] == 1.0
    assert render["background"]["properties"]["color"]["anyOf"][0] == {"$ref": "#/$defs/color"}


def test_a_new_optimizer_appears_with_the_ranges_its_record_accepts(monkeypatch):
    toy = dataclasses.replace(OPTIMIZERS["sgd"], name="toy", config=ToyConfig, torch_name="Toy")
    monkeypatch.setitem(OPTIMIZERS, "toy", toy)
    branch = branches(scene_schema())["toy"]
    assert branch["properties"]["decay"]["exclusiveMinimum"] == 0
    assert branch["properties"]["decay"]["exclusiveMaximum"] == 1
    assert (branch["properties"]["window"]["minimum"],
            branch["properties"]["window"]["maximum"]) == (1, 10)
    assert "minimum" not in branch["properties"]["lr"]


def test_a_racer_key_the_generator_cannot_describe_is_reported(monkeypatch):
    monkeypatch.setattr(loader, "RACER_KEYS", loader.RACER_KEYS + ("warmup",))
    with pytest.raises(SchemaDrift, match="warmup"):
        scene_schema()


def test_a_racer_key_with_a_documented_field_is_described_from_it(monkeypatch):
    monkeypatch.setattr(loader, "RACER_KEYS", loader.RACER_KEYS + ("warmup",))
    monkeypatch.setattr(generator, "Racer", NewRacer)
    schedule = branches(scene_schema())["adam"]["properties"]["warmup"]
    assert schedule["properties"]["kind"]["enum"] == ["constant", "step"]
    assert schedule["description"].startswith("the learning-rate schedule")


def test_a_racer_key_read_into_a_documented_record_is_described_by_it(monkeypatch):
    monkeypatch.setattr(loader, "RACER_KEYS", loader.RACER_KEYS + ("jitter",))
    monkeypatch.setattr(generator, "Racer", NoisyRacer)
    noise = branches(scene_schema())["sgd"]["properties"]["jitter"]
    assert noise["description"] == "Gaussian noise added to each gradient; default null"
    assert noise["type"] == ["object", "null"]
    assert noise["properties"]["scale"]["minimum"] == 0.0


def test_an_option_of_a_kind_it_does_not_know_is_reported(monkeypatch):
    monkeypatch.setattr(generator, "Render", FontRender)
    with pytest.raises(SchemaDrift, match="font"):
        scene_schema()


# -- race schema --------------------------------------------------------------------------

def test_race_schema_prints_the_schema():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(schema_text())


def test_race_schema_writes_a_file_replacing_an_older_one(tmp_path):
    target = tmp_path / "scenes" / "scene.schema.json"
    target.parent.mkdir()
    target.write_text("{}")
    result = CliRunner().invoke(main, ["schema", "-o", str(target)])
    assert result.exit_code == 0 and result.output == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == schema_text()
    assert sorted(p.name for p in target.parent.iterdir()) == ["scene.schema.json"]


def test_race_schema_into_a_folder_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["schema", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "race: error:" in result.output
