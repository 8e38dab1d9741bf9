"""race: animate optimizers racing across 2D loss surfaces, step for step as torch.optim computes them.

The names listed in ``__all__`` are the public API (see ``race.api``); every other module is
internal. They are imported on first use, so ``import race`` stays light.
"""

__version__ = "0.1.0"

__all__ = ["load", "simulate", "render", "show", "build", "numpy_optimizer", "torch_optimizer"]


def __getattr__(name: str):
    if name in __all__:
        from race import api

        return getattr(api, name)
    raise AttributeError(f"module 'race' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
