"""Trajectories as a long CSV: one row per racer, start and step."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from race.atomic import prepare_folder
from race.engine import Race
from race.errors import RenderError
from race.scene import Scene
from race.signals import raise_if_terminated
from race.write.target import Target, check_name, file_target, output_file

COLUMNS = ("racer", "step", "x", "y", "loss", "gx", "gy", "acc_x", "acc_y", "lr")


def check_csv_output(output: str | Path, scene: Scene) -> Target:
    """Refuse what cannot be a CSV output before simulating: another extension, a place we
    may not write (``race.write.target``), the scene itself."""
    text = str(output)
    check_name(text, (".csv",))
    if Path(text).suffix.lower() != ".csv":
        raise RenderError(f"{text}: expected a .csv file name (race simulate writes CSV), "
                          f"got {Path(text).suffix or 'no extension'!r}")
    target = file_target(Path(text), inputs=[scene.source])
    if not target.through:
        prepare_folder(target.real, shown=target.path)
    return target


def write_csv(race: Race, output: str | Path | Target) -> Path:
    """Write every racer's trajectory to ``target`` atomically.

    Columns ``racer,step,x,y,loss,gx,gy,acc_x,acc_y,lr`` (step 0 is the start; the accumulator
    columns are empty for optimizers that keep none; ``lr`` is the learning rate the next update
    uses, which a schedule changes); with several starts per racer a ``start`` column follows
    ``racer``. Floats are written as Python's repr, the shortest text that reads back exactly.
    """
    many = any(len(t.racer.starts) > 1 for t in race.trajectories)
    header = ("racer", "start") + COLUMNS[1:] if many else COLUMNS
    target = output if isinstance(output, Target) else check_csv_output(output, race.scene)
    with output_file(target) as temp, open(temp, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(header) + "\n")
        for trajectory in race.trajectories:
            label = _quote(trajectory.racer.label)
            steps = np.arange(trajectory.steps + 1)
            for start in range(trajectory.positions.shape[1]):
                raise_if_terminated()
                # Each column's format, empty where the racer keeps no such number; repr is the
                # shortest text that reads back to the same float. Plain Python, not numpy's
                # string ufuncs, which can swallow the exception a signal raises.
                numbers = [trajectory.positions[:, start, 0], trajectory.positions[:, start, 1],
                           trajectory.losses[:, start], trajectory.gradients[:, start, 0],
                           trajectory.gradients[:, start, 1]]
                columns = ["%r"] * 5
                if trajectory.accumulators is not None:
                    numbers += [trajectory.accumulators[:, start, 0],
                                trajectory.accumulators[:, start, 1]]
                columns += ["%r", "%r"] if trajectory.accumulators is not None else ["", ""]
                if trajectory.learning_rates is not None:
                    numbers.append(trajectory.learning_rates)
                columns.append("%r" if trajectory.learning_rates is not None else "")
                lead = f"{label},{start}," if many else f"{label},"
                row_format = lead.replace("%", "%%") + "%d," + ",".join(columns) + "\n"
                out.writelines(row_format % (step, *row) for step, row in
                               zip(steps.tolist(), np.column_stack(numbers).tolist()))
    return target.path


def _quote(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text
