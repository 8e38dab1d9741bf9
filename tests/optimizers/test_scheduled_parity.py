"""Learning-rate schedules against torch, alone and driving optimizers through the engine.

The references (data/torch_reference.npz, from make_torch_reference.py) are torch optimizers
with a ``torch.optim.lr_scheduler`` stepped once after every optimizer step, schedules alone
over many steps, each scheduler's keyword defaults, and the errors torch raises for bad
arguments. Scheduled racers run through ``race.engine`` (their schedule sets lr and
momentum/betas each step) on a surface whose gradient is the generator's own, so torch is not
needed.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from parity_surfaces import GRADIENTS
from race.engine import run_racer
from race.errors import HyperparameterError
from race.optimizers import get_optimizer
from race.scene import Racer
from race.schedules import SCHEDULES, get_schedule, group_of, trace
from race.surfaces.base import Surface

REFERENCE = np.load(Path(__file__).parent / "data" / "torch_reference.npz")
META = json.loads(REFERENCE["meta"].tobytes())
SCHEDULED = {run["id"]: run for run in META["runs"] if run["schedule"] is not None}
TOLERANCE = 1e-9       # positions, on |ours - torch| / max(1, |torch|), as for the optimizers
LR_TOLERANCE = 1e-13   # learning rates and momenta, relative


def schedule_config(spec):
    """Our config for a stored spec [name, kwargs] (SequentialLR's children likewise)."""
    name, kwargs = spec
    values = {}
    for key, value in kwargs.items():
        if key == "schedulers":
            value = tuple(schedule_config(child) for child in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[key] = value
    return get_schedule(name).config(**values)


def parity_surface(name: str) -> Surface:
    """The generator's analytic gradient as a Surface; the loss plays no part in the steps."""
    gradient = GRADIENTS[name]

    def field(x, y):
        g = gradient(np.stack([x, y], axis=1))
        return g[:, 0], g[:, 1]

    return Surface(name=name, formula="", value=lambda x, y: np.zeros_like(x), gradient=field,
                   xlim=(-50.0, 50.0), ylim=(-50.0, 50.0))


def relative(ours, theirs) -> float:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    return float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-300)))


@pytest.mark.parametrize("run_id", list(SCHEDULED))
def test_scheduled_run_matches_torch(run_id):
    run = SCHEDULED[run_id]
    optimizer = get_optimizer(run["optimizer"])
    config = optimizer.config(**{k: tuple(v) if isinstance(v, list) else v
                                 for k, v in run["kwargs"].items()})
    racer = Racer(run["optimizer"], config, "r", "k", tuple(map(tuple, run["starts"])),
                  schedule=schedule_config(run["schedule"]))
    trajectory = run_racer(parity_surface(run["surface"]), racer, META["steps"])

    assert relative(trajectory.learning_rates, REFERENCE[f"{run_id}/lr"]) <= LR_TOLERANCE
    sampled = trajectory.positions[[0] + META["record_steps"]]
    theirs = REFERENCE[f"{run_id}/positions"]
    assert np.max(np.abs(sampled - theirs) / np.maximum(1.0, np.abs(theirs))) <= TOLERANCE
    assert np.all(trajectory.diverged_at == -1)


MOMENTUM_RUNS = [i for i in SCHEDULED if f"{i}/momentum" in REFERENCE]


@pytest.mark.parametrize("run_id", MOMENTUM_RUNS)
def test_cycled_momentum_matches_torch(run_id):
    """CyclicLR and OneCycleLR cycle the optimizer's momentum, or betas[0] (Adam's family);
    the positions above match only because each step's update uses it."""
    run = SCHEDULED[run_id]
    config = get_optimizer(run["optimizer"]).config(**run["kwargs"])
    ours = trace(schedule_config(run["schedule"]), group_of(config), META["steps"])
    assert relative(ours.momentum, REFERENCE[f"{run_id}/momentum"]) <= LR_TOLERANCE


def test_the_momentum_runs_cover_momentum_and_betas():
    names = {SCHEDULED[i]["optimizer"] for i in MOMENTUM_RUNS}
    assert {"momentum", "sgd", "rmsprop"} & names and {"adam", "adamw", "adamax"} & names


def test_every_schedule_is_covered():
    used = set()

    def walk(spec):
        used.add(spec[0].lower())
        for child in spec[1].get("schedulers", []):
            walk(child)

    for run in list(SCHEDULED.values()) + META["traces"]:
        walk(run["schedule"])
    assert used == set(SCHEDULES)
    paired = {run["optimizer"] for run in SCHEDULED.values()}
    assert {"sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad", "asgd", "rprop",
            "adafactor"} <= paired


# Schedules alone, their keywords and their errors ---------------------------------------------

@pytest.mark.parametrize("case", META["traces"], ids=[t["id"] for t in META["traces"]])
def test_trace_matches_torch(case):
    config = get_optimizer(case["optimizer"]).config(**case["kwargs"])
    ours = trace(schedule_config(case["schedule"]), group_of(config), META["trace_steps"])
    prefix = f"trace/{case['id']}"
    assert ours.lr.shape == (META["trace_steps"] + 1,)
    assert relative(ours.lr, REFERENCE[f"{prefix}/lr"]) <= LR_TOLERANCE
    if f"{prefix}/momentum" in REFERENCE:
        assert relative(ours.momentum, REFERENCE[f"{prefix}/momentum"]) <= LR_TOLERANCE
    else:
        assert ours.momentum is None


@pytest.mark.parametrize("name", [s.name for s in SCHEDULES.values()])
def test_keywords_and_defaults_are_torchs(name):
    torch_defaults = META["schedule_defaults"][name]
    ours = {}
    for f in dataclasses.fields(get_schedule(name).config):
        default = "<required>" if f.default is dataclasses.MISSING else f.default
        ours[f.name] = list(default) if isinstance(default, tuple) else default
    assert ours == torch_defaults
    assert list(ours) == list(torch_defaults)   # and in torch's order


def _id(case) -> str:
    return f"{case['schedule'][0]}-{case['optimizer']}-{'.'.join(map(str, case['key']))}"


@pytest.mark.parametrize("case", META["invalid_schedules"],
                         ids=[_id(c) for c in META["invalid_schedules"]])
def test_bad_arguments_are_refused_as_torch_refuses_them(case):
    optimizer_config = get_optimizer(case["optimizer"]).config()
    with pytest.raises(HyperparameterError) as error:
        trace(schedule_config(case["schedule"]), group_of(optimizer_config), case["steps"])
    key = error.value.key if isinstance(error.value.key, tuple) else (error.value.key,)
    assert list(key) == case["key"]
    assert str(error.value) == case["message"]
