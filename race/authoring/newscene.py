"""A new scene to start from: commented, valid, with learning rates that suit its surface.

``new_scene_text`` writes the YAML (rates chosen by ``race.authoring.rates``) and checks it
with the loader before anyone sees it; ``create`` writes it without ever replacing a file.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import tempfile
from pathlib import Path

from race.authoring.rates import LADDER, NEAR_BEST, choose_rate
from race.authoring.schema import MODELINE
from race.errors import SceneError
from race.loader import DEFAULT_STEPS, scene_from_text
from race.optimizers import OPTIMIZERS
from race.scene import Render
from race.signals import interrupts_held
from race.surfaces import SURFACES
from race.values import unknown

DEFAULT_SURFACE = "rosenbrock"
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")
VIEWS = ("contour", "surface3d")


def preset_choices() -> tuple[str, ...] | None:
    """The ``render.preset`` values the loader knows, or None while it knows no such key."""
    import typing

    hint = typing.get_type_hints(Render).get("preset")
    if hint is None:
        return None
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) is typing.Literal:
        return tuple(args)
    literal = next((a for a in args if typing.get_origin(a) is typing.Literal), None)
    return tuple(typing.get_args(literal)) if literal is not None else ()


def new_scene_text(name: str, *, surface: str = DEFAULT_SURFACE,
                   optimizers: tuple[str, ...] = DEFAULT_OPTIMIZERS, view: str = "contour",
                   preset: str | None = None, steps: int = DEFAULT_STEPS,
                   file: str | None = None) -> str:
    """The YAML of a new scene called ``name`` (to be saved as ``file``, default NAME.yaml);
    SceneError naming the flag for a bad choice."""
    file = file or f"{name}.yaml"
    if surface not in SURFACES:
        raise SceneError(unknown(surface, SURFACES, "surface"), file="--surface")
    names = [o.strip().lower() for o in optimizers if o.strip()]
    if not names:
        raise SceneError("expected one or more optimizer names, e.g. sgd,adam",
                         file="--optimizers")
    for optimizer in names:
        if optimizer not in OPTIMIZERS:
            raise SceneError(unknown(optimizer, OPTIMIZERS, "optimizer"), file="--optimizers")
    if view not in VIEWS:
        raise SceneError(unknown(view, VIEWS, "view"), file="--view")
    chosen = SURFACES[surface]
    start = tuple(float(v) for v in chosen.default_start)
    rates = [choose_rate(chosen, optimizer, start, steps) for optimizer in names]
    labels = _labels(names)
    header = [
        MODELINE,
        f"# {name}: a scene made by `race new`. Every key is in the README (\"Scenes\"), and "
        "an editor",
        "# that reads the schema named above completes keys and explains each on hover.",
        f"#   race preview {shlex.quote(file)} --watch   redraws preview.png each time you save",
        f"#   race render {shlex.quote(file)}            renders the animation to `output`",
        f"title: {' vs '.join(labels)} on {surface}",
        "# a built-in surface (`race list surfaces`), or your own:",
        "#   surface: {expr: \"x**2 + 3*sin(y)\", xlim: [-2, 2], ylim: [-2, 2]}",
    ]
    top = [(f"surface: {surface}", None),
           (f"start: [{start[0]:.10g}, {start[1]:.10g}]", "where every racer starts"),
           (f"steps: {steps}", "optimizer steps to run")]
    racers = [
        ("racers:", None),
        ("  # Each racer: `optimizer`, torch's hyperparameters by name (`race list optimizers`),",
         None),
        (f"  # `label`, `color`, its own `start`. Rates found by racing {LADDER[0]:g} ... "
         f"{LADDER[-1]:g} here:", None),
        (f"  # the smallest within {NEAR_BEST:.0%} of the best progress in {steps} steps that "
         "stays on the map.", None),
    ] + [(f"  - {{optimizer: {rate.optimizer}, lr: {rate.lr:g}, label: {label}}}",
          f"{rate.progress:.0%} of the way down") for rate, label in zip(rates, labels)]
    render = [("render:", None), (f"  view: {view}", "contour | surface3d")]
    if preset is not None:
        render.append((f"  preset: {preset}", None))
    render += [
        ("  size: [800, 600]", "width, height in pixels"),
        ("  fps: 30", None),
        ("  duration: 8", "seconds of video for the race, spread over the steps"),
        ("  hold: 1", "seconds the last frame stays"),
        ("  loss_panel: right", "none | right | bottom: each racer's loss against steps"),
        (f"output: {_scalar(f'outputs/{name}.gif')}", "where `race render` writes without -o"),
    ]
    text = "\n".join(header + _aligned(top) + _aligned(racers) + _aligned(render)) + "\n"
    scene_from_text(text, file=file, name=name)   # never hand out a scene we reject
    return text


def create(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` only if no file is there: a finished temporary sibling is
    hard-linked to the name, which fails if the name exists (FileExistsError), so the file
    appears whole or not at all and nothing is ever replaced. Where the file system has no
    hard links, an exclusive create (``open(path, 'x')``) stands in."""
    path = Path(path)
    with interrupts_held():   # a Ctrl-C cannot fall between creating temp and naming it
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temp, 0o666 & ~_umask())
        try:
            os.link(temp, path)
        except FileExistsError:
            raise
        except OSError:   # no hard links here (FAT, some network shares)
            with open(path, "x", encoding="utf-8") as file:
                file.write(text)
    finally:
        os.unlink(temp)


def _scalar(text: str) -> str:
    """``text`` as a YAML value: as it is when plain, else double-quoted (JSON's quoting is
    YAML's)."""
    return text if re.fullmatch(r"[\w./-]+", text) else json.dumps(text)


def _aligned(lines: list[tuple[str, str | None]]) -> list[str]:
    """The lines with their comments, if any, starting in one column."""
    column = max(len(line) for line, comment in lines if comment) + 2
    return [line.ljust(column) + f"# {comment}" if comment else line for line, comment in lines]


def _labels(names: list[str]) -> list[str]:
    """'SGD', 'Momentum', 'Adam': torch's class name, or ours where two would share one."""
    labels = []
    for name in names:
        torch = OPTIMIZERS[name].torch_name
        labels.append(torch if torch.lower() == name else name.capitalize())
    return [label if labels.count(label) == 1 else f"{label} {labels[:i + 1].count(label)}"
            for i, label in enumerate(labels)]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
