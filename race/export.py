"""Trajectories as a long CSV: one row per racer, start and step."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from race.atomic import atomic_path, prepare_folder
from race.engine import Race
from race.errors import RenderError
from race.scene import Scene

COLUMNS = ("racer", "step", "x", "y", "loss", "gx", "gy", "acc_x", "acc_y", "lr")


def check_csv_output(target: Path, scene: Scene) -> Path:
    """Refuse what cannot be a CSV output before simulating: another extension, the scene."""
    if target.suffix.lower() != ".csv":
        raise RenderError(f"{target}: expected a .csv file name (race simulate writes CSV), "
                          f"got {target.suffix or 'no extension'!r}")
    prepare_folder(target)
    return target


def write_csv(race: Race, target: Path) -> Path:
    """Write every racer's trajectory to ``target`` atomically.

    Columns ``racer,step,x,y,loss,gx,gy,acc_x,acc_y,lr`` (step 0 is the start; the accumulator
    columns are empty for optimizers that keep none; ``lr`` is the learning rate the next update
    uses, which a schedule changes); with several starts per racer a ``start`` column follows
    ``racer``. Floats are written with 17 significant digits, so they read back exactly.
    """
    many = any(len(t.racer.starts) > 1 for t in race.trajectories)
    header = ("racer", "start") + COLUMNS[1:] if many else COLUMNS
    with atomic_path(Path(target)) as temp, open(temp, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(header) + "\n")
        for trajectory in race.trajectories:
            label = _quote(trajectory.racer.label)
            steps = np.arange(trajectory.steps + 1)
            for start in range(trajectory.positions.shape[1]):
                numbers = [trajectory.positions[:, start, 0], trajectory.positions[:, start, 1],
                           trajectory.losses[:, start], trajectory.gradients[:, start, 0],
                           trajectory.gradients[:, start, 1]]
                if trajectory.accumulators is not None:
                    numbers += [trajectory.accumulators[:, start, 0],
                                trajectory.accumulators[:, start, 1]]
                block = np.char.mod("%.17g", np.column_stack(numbers))
                rows = [",".join(row) for row in block]
                tail = "" if trajectory.accumulators is not None else ",,"
                rows = [row + tail for row in rows]
                if trajectory.learning_rates is None:
                    rows = [row + "," for row in rows]
                else:
                    lrs = np.char.mod("%.17g", trajectory.learning_rates)
                    rows = [f"{row},{lr}" for row, lr in zip(rows, lrs)]
                lead = f"{label},{start}," if many else f"{label},"
                out.writelines(f"{lead}{step},{row}\n" for step, row in zip(steps, rows))
    return Path(target)


def _quote(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text
