"""Scenes at the documented limits (``race.limits``): time and peak memory, each in its process.

Each case loads a scene that sits on a limit, simulates it, writes its CSV (``race simulate``)
and renders a 4-second MP4 (``race render``), in a process of its own so its peak resident
memory is its own. Memory per sample is the peak over the process's size before the scene was
loaded, divided by the racer-start-steps (``MAX_SAMPLES`` counts them): what
``race.limits.SAMPLE_BYTES`` states. A benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from race import limits

RENDER = {"size": [640, 360], "fps": 30, "duration": 4, "hold": 0}


@dataclass(frozen=True)
class Case:
    name: str
    scene: dict

    @property
    def samples(self) -> int:
        racers = len(self.scene["racers"])
        grid = self.scene.get("starts", {}).get("grid")
        starts = grid[0] * grid[1] if grid else 1
        return racers * starts * (self.scene["steps"] + 1)


def _scene(racers: list[str], steps: int, grid: list[int] | None = None) -> dict:
    scene = {"surface": "rosenbrock", "steps": steps, "render": RENDER,
             "racers": [{"optimizer": name, "lr": 1e-3} for name in racers]}
    if grid:
        scene["starts"] = {"grid": grid}
    return scene


CASES = (
    Case("100,000 starts x 99 steps", _scene(["adam"], 99, [400, 250])),
    Case("2,500 starts x 3,999 steps", _scene(["adam"], 3_999, [50, 50])),
    Case("1 racer x 100,000 steps", _scene(["adam"], 100_000)),
    Case("5 racers x 100,000 steps",
         _scene(["sgd", "momentum", "adagrad", "rmsprop", "adam"], 100_000)),
)

# Run in a fresh interpreter: prints one JSON line of seconds and peak memory.
PROBE = """
import json, resource, sys, time
from pathlib import Path
import race
from race.export import write_csv

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

scene_data, folder, csv = json.loads(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
result = {"before": peak()}
begin = time.perf_counter()
scene = race.load(scene_data)
result["load"] = time.perf_counter() - begin
begin = time.perf_counter()
raced = race.simulate(scene)
result["simulate"] = time.perf_counter() - begin
result["after_simulate"] = peak()
if csv:
    begin = time.perf_counter()
    write_csv(raced, folder / "limits.csv")
    result["csv"] = time.perf_counter() - begin
    result["csv_bytes"] = (folder / "limits.csv").stat().st_size
    (folder / "limits.csv").unlink()
begin = time.perf_counter()
race.render(raced, folder / "limits.mp4")
result["render"] = time.perf_counter() - begin
(folder / "limits.mp4").unlink()
result["peak"] = peak()
print(json.dumps(result))
"""


def limits_benchmark(workdir: Path, *, echo: Callable[[str], None] = print,
                     progress: Callable[[str], None] | None = None, csv: bool = True,
                     cases: tuple[Case, ...] = CASES) -> list[dict]:
    """Run every case; print and return seconds, peak memory and bytes per sample."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    echo(f"{'scene at a limit':<28}{'samples':>12}{'simulate s':>11}{'CSV s':>8}"
         f"{'render s':>9}{'peak MB':>9}{'B/sample':>9}")
    rows = []
    for number, case in enumerate(cases, start=1):
        if progress is not None:
            progress(f"[{number}/{len(cases)}] {case.name}: load, simulate, "
                     f"{'CSV, ' if csv else ''}a 4 s MP4 at 640x360, in a fresh process")
        done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(case.scene),
                               str(workdir), "1" if csv else "0"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or ["no message"]
            raise RuntimeError(f"{case.name}: {lines[-1]}")
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row.update(name=case.name, samples=case.samples)
        row["bytes_per_sample"] = (row["peak"] - row["before"]) / case.samples
        rows.append(row)
        csv_text = f"{row['csv']:>8.1f}" if "csv" in row else f"{'-':>8}"
        echo(f"{case.name:<28}{case.samples:>12,}{row['simulate']:>11.2f}{csv_text}"
             f"{row['render']:>9.2f}{row['peak'] / 1e6:>9.0f}{row['bytes_per_sample']:>9.0f}")
    largest = max(rows, key=lambda r: r["samples"])
    worst = max(r["bytes_per_sample"] for r in rows if r["samples"] == largest["samples"])
    echo(f"memory per sample on the largest scenes ({largest['samples']:,} samples): "
         f"{worst:.0f} bytes (race.limits.SAMPLE_BYTES says {limits.SAMPLE_BYTES})")
    return rows
