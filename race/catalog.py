"""Plain-text listings of what race knows: optimizers, surfaces, shipped scenes."""

from __future__ import annotations


def describe(what: str) -> str:
    return {"optimizers": optimizers, "schedules": schedules, "surfaces": surfaces,
            "scenes": scenes, "presets": presets, "render-keys": render_keys}[what]()


# torch.optim classes that do not race, and why (also in the README).
LEFT_OUT = {
    "LBFGS": "one step() calls its closure for the loss and gradient up to 25 times (20 inner "
             "iterations, a line search), so its step is not one gradient like the others' "
             "and a race against them would not be fair; it also joins all parameters into "
             "one vector, so starts could not race side by side",
    "SparseAdam": "accepts only sparse gradients; a point's gradient is dense (Adam or AdamW "
                  "is the dense rule)",
    "Muon": "accepts only 2D (matrix) parameters; a point on a surface is a 2-vector",
}


def optimizers() -> str:
    import numpy as np

    from race.optimizers import OPTIMIZERS

    lines = []
    for name, optimizer in OPTIMIZERS.items():
        defaults = ", ".join(f"{key}={value!r}" for key, value in optimizer.defaults.items())
        state = optimizer.init(np.zeros((1, 2)), optimizer.config())
        squares = "" if optimizer.accumulator(state) is not None else \
            "  (no accumulator: draws no squares)"
        lines.append(f"{name:<10} torch.optim.{optimizer.torch_name}({defaults}){squares}")
        lines.append(f"{'':<10} {optimizer.rule}")
    lines.append("")
    lines.append("not raced:")
    lines += [f"{'':<10} torch.optim.{name}: {why}" for name, why in LEFT_OUT.items()]
    return "\n".join(lines)


def schedules() -> str:
    import dataclasses

    from race.schedules import SCHEDULES

    lines = []
    for schedule in SCHEDULES.values():
        arguments = ", ".join(
            f.name if f.default is dataclasses.MISSING else f"{f.name}={f.default!r}"
            for f in dataclasses.fields(schedule.config))
        lines.append(f"{schedule.name:<28} torch.optim.lr_scheduler.{schedule.name}("
                     f"{arguments})")
        lines.append(f"{'':<28} {schedule.summary}")
    return "\n".join(lines)


def surfaces() -> str:
    from race.surfaces import SURFACES

    lines = []
    for name, surface in SURFACES.items():
        domain = f"x in [{surface.xlim[0]:g}, {surface.xlim[1]:g}], " \
                 f"y in [{surface.ylim[0]:g}, {surface.ylim[1]:g}]"
        lines.append(f"{name:<16} {surface.formula}")
        lines.append(f"{'':<16} {domain}; {surface.description}")
    return "\n".join(lines)


def scenes() -> str:
    from race.scenes import shipped_scenes

    return "\n".join(f"{name:<22} {path}" for name, path in shipped_scenes().items())


def presets() -> str:
    from race.presets import describe

    return describe()


def render_keys() -> str:
    """Every `render` key of a scene as a Markdown table: key, default, allowed values, meaning.

    The README embeds this table; a test keeps the two the same.
    """
    from race.scene import Render

    rows = ["| key | default | allowed | meaning |", "|---|---|---|---|"]
    rows += [f"| `{key}` | {default} | {allowed} | {doc} |"
             for key, default, allowed, doc in _option_rows(Render, "render")]
    return "\n".join(rows)


def _option_rows(record: type, prefix: str):
    import dataclasses
    import typing

    hints = typing.get_type_hints(record)
    for f in dataclasses.fields(record):
        key = f"{prefix}.{f.name}"
        hint = hints[f.name]
        if dataclasses.is_dataclass(hint):
            yield key, "", "mapping", f.metadata.get("doc", "")
            yield from _option_rows(hint, key)
            continue
        default = f.default
        yield key, _yaml(default), _allowed(hint, f.metadata), f.metadata.get("doc", "")


def _allowed(hint, metadata) -> str:
    import typing

    args = [a for a in typing.get_args(hint) if a is not type(None)]
    nullable = type(None) in typing.get_args(hint)
    if typing.get_origin(hint) is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if len(args) == 1 and typing.get_origin(args[0]) is typing.Literal:   # a choice or null
        return " \\| ".join(f"`{a}`" for a in typing.get_args(args[0])) + " or null"
    base = args[0] if args and typing.get_origin(hint) is not tuple else hint
    if typing.get_origin(base) is tuple:
        base = typing.get_args(base)[0]
        text = f"2 {base.__name__}s"
    else:
        text = {"bool": "true \\| false", "int": "whole number", "float": "number",
                "str": metadata.get("kind") or "text"}.get(getattr(base, "__name__", ""), "")
    low, high = metadata.get("low"), metadata.get("high")
    if low is not None or high is not None:
        text += f" {'' if low is None else f'{low:g}'}…{'' if high is None else f'{high:g}'}"
    return text + (" or null" if nullable else "")


def _yaml(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
