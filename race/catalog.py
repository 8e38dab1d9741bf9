"""Plain-text listings of what race knows: optimizers, surfaces, shipped scenes."""

from __future__ import annotations


def describe(what: str) -> str:
    return {"optimizers": optimizers, "surfaces": surfaces, "scenes": scenes}[what]()


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
