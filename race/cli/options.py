"""Flags several commands share, and how they become scene overrides.

Every command that draws takes the same render flags (``--fps``, ``--size``, ``--theme`` and
``--set``); each becomes a ``key.path=value`` override layered over the scene file, and an error
in its value names the flag.
"""

from __future__ import annotations

import re

import click

from race.errors import SceneError

BYTES = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(|k|kb|m|mb)\s*$", re.IGNORECASE)
UNITS = {"": 1, "k": 1000, "kb": 1000, "m": 1000_000, "mb": 1000_000}
SIZE = re.compile(r"^\s*([0-9]+)\s*[xX×]\s*([0-9]+)\s*$")


def overrides_option(func):
    return click.option(
        "--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE",
        help="Override a scene value, e.g. render.fps=24 or racers[0].lr=0.1. Repeatable; flags "
             "beat the YAML, which beats the defaults. VALUE is a number, true/false, null or a "
             "[list]/{mapping} as in YAML; anything else is taken as text as written "
             "(title=#1: fast needs no quotes).")(func)


def render_options(func):
    """--preset, --fps, --size, --theme, --max-bytes and --set, in that order in --help."""
    func = overrides_option(func)
    func = click.option("--max-bytes", metavar="N",
                        help="For .gif and .webp: fit the file under N bytes (2000000, 2M or "
                             "500k), lowering colours or quality first, then frame rate and "
                             "size; what changed is said on stderr.")(func)
    func = click.option("--theme", type=click.Choice(["light", "dark"]),
                        help="Colour theme.")(func)
    func = click.option("--size", metavar="WxH", help="Frame size in pixels, e.g. 1280x720.")(func)
    func = click.option("--fps", type=int,
                        help="Frames per second.")(func)
    func = click.option("--preset", metavar="NAME",
                        help="Settings for a medium: slides, slides-4x3, blog, thumbnail "
                             "(`race list presets`); the other flags still win.")(func)
    return func


def scene_argument(func):
    return click.argument("scene", required=True, metavar="SCENE")(func)


def render_overrides(overrides: tuple[str, ...], fps: int | None = None, size: str | None = None,
                     theme: str | None = None, preset: str | None = None,
                     max_bytes: str | None = None) -> list[tuple[str, str]]:
    """``(flag, 'key.path=value')`` pairs: --preset, the --set values, then the dedicated flags
    (later ones win)."""
    pairs = [] if preset is None else [("--preset", f"render.preset={preset}")]
    pairs += [("--set", item) for item in overrides]
    if fps is not None:
        pairs.append(("--fps", f"render.fps={fps}"))
    if size is not None:
        width, height = parse_size(size, "--size")
        pairs.append(("--size", f"render.size=[{width}, {height}]"))
    if theme is not None:
        pairs.append(("--theme", f"render.theme={theme}"))
    if max_bytes is not None:
        budget = parse_bytes(max_bytes, "--max-bytes")
        pairs.append(("--max-bytes", f"render.max_bytes={budget}"))
    return pairs


def parse_bytes(text: str, flag: str) -> int:
    """'2000000', '2M', '500k', '1.5MB' -> bytes (k and M are powers of 1000, as file sizes
    are shown)."""
    match = BYTES.match(text) if text.isascii() else None
    if match is None or float(match.group(1)) <= 0:
        raise SceneError(f"{flag}: expected a number of bytes like 2000000, 2M or 500k, "
                         f"got {text!r}")
    return max(1, round(float(match.group(1)) * UNITS[match.group(2).lower()]))


def parse_size(text: str, flag: str) -> tuple[int, int]:
    match = SIZE.match(text) if text.isascii() else None
    if match is None:
        raise SceneError(f"{flag}: expected WIDTHxHEIGHT in pixels like 800x600, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def check_step(step: int, steps: int) -> None:
    if not 0 <= step <= steps:
        raise SceneError(f"--step: expected 0 to {steps}, got {step}")


def shipped_source(scene: str, source: str | None) -> str:
    """'scene configs/saddle.yaml' when SCENE named a shipped scene rather than a file, so the
    user sees which file was used; empty otherwise."""
    from pathlib import Path

    if source is None or Path(scene).exists():
        return ""
    return f"scene {source}"
