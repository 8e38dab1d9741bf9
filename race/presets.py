"""Presets: the render settings a medium wants (a slide, a blog post, a thumbnail), by name.

A preset only sets ``render`` keys. How it layers (``race.loader``): ``render.preset`` in a scene
file fills the render keys the file leaves out; a preset given as a flag or override
(``--preset``, ``--set render.preset=...``, ``race.render(..., preset=...)``) sets its keys at
that layer, so the flags after it (``--size``, ``--set``) still win. Text size follows the frame
size by itself, so a preset never sets ``dpi``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Preset:
    name: str
    purpose: str
    settings: Mapping[str, Any]        # render key -> value, as in the YAML


PRESETS: dict[str, Preset] = {preset.name: preset for preset in (
    Preset("slides", "a 16:9 slide in full HD", {"size": [1920, 1080]}),
    Preset("slides-4x3", "a 4:3 slide", {"size": [1440, 1080]}),
    Preset("blog", "a blog post: 800 px wide, fewer frames for a small file",
           {"size": [800, 500], "fps": 20}),
    Preset("thumbnail", "a preview tile: 320 px wide, no legend, no axes text",
           {"size": [320, 200], "fps": 15, "legend": False, "axes_text": False}),
)}


def describe() -> str:
    """``race list presets``: each preset, what it is for and the keys it sets."""
    lines = []
    for preset in PRESETS.values():
        keys = ", ".join(f"{key}={_yaml(value)}" for key, value in preset.settings.items())
        lines.append(f"{preset.name:<11} {preset.purpose}")
        lines.append(f"{'':<11} render: {keys}")
    return "\n".join(lines)


def _yaml(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
