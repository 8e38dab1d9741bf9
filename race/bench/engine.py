"""The engine alone: many starts for many steps, per optimizer."""

from __future__ import annotations

import time
from typing import Callable

import numpy as np


def engine_benchmark(*, starts: int = 10_000, steps: int = 1_000, surface: str = "rosenbrock",
                     echo: Callable[[str], None] = print) -> dict[str, float]:
    """Seconds for the engine to run ``starts`` racer-starts for ``steps`` steps, per optimizer
    (the best of three runs, so the figure is the engine's, not the machine's other jobs')."""
    from race.optimizers import OPTIMIZERS
    from race.engine import run_racer
    from race.scene import Racer
    from race.surfaces import SURFACES

    field = SURFACES[surface]
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = field.xlim, field.ylim
    points = tuple(zip(rng.uniform(x0, x1, starts).tolist(), rng.uniform(y0, y1, starts).tolist()))
    echo(f"engine: {starts:,} starts x {steps:,} steps on {surface}, best of 3")
    seconds = {}
    for name, optimizer in OPTIMIZERS.items():
        racer = Racer(name, optimizer.config(lr=1e-4), name, "k", points)
        runs = []
        for _ in range(3):
            begin = time.perf_counter()
            run_racer(field, racer, steps)
            runs.append(time.perf_counter() - begin)
        seconds[name] = min(runs)
        echo(f"{name:<10}{seconds[name]:>7.2f} s")
    return seconds
