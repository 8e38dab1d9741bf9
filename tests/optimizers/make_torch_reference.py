"""Record torch.optim's own trajectories, the references our optimizers are tested against.

Run with the torch venv (torch is not a dependency of race or of its tests):

    /work/torchvenv/bin/python tests/optimizers/make_torch_reference.py

For every case below it runs torch in float64 (default dtype too, so that torch's scalar state,
such as NAdam's mu_product, is float64 as well), with ``foreach=False`` (the
``_single_tensor_*`` loops), one parameter tensor per start point. Each step sets ``p.grad``
from the analytic gradient in ``parity_surfaces``. It writes data/torch_reference.npz:

- ``meta``: UTF-8 JSON bytes with the torch version, the runs (registry name, kwargs, surface,
  starts), the steps at which state was recorded, torch's constructor defaults, and the error
  messages torch's constructors give for bad hyperparameters;
- ``<run>/positions`` (steps + 1, n, 2) and, where torch keeps one, ``<run>/accumulator`` and
  ``<run>/velocity`` (len(record_steps), n, 2).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import torch

from parity_surfaces import GRADIENTS

OUT = Path(__file__).parent / "data" / "torch_reference.npz"
STEPS = 200
RECORD_STEPS = [1, 2, 3, 5] + list(range(10, STEPS + 1, 10))  # state is recorded after these steps
IMPLEMENTATION_FLAGS = {"self", "params", "foreach", "fused", "capturable", "differentiable"}

# Registry name -> (torch class, the keyword arguments its registry defaults stand for).
REGISTRY = {
    "sgd": ("SGD", {}),
    "momentum": ("SGD", {"momentum": 0.9}),
    "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", {}),
    "rmsprop": ("RMSprop", {}),
    "adadelta": ("Adadelta", {}),
    "adam": ("Adam", {}),
    "adamw": ("AdamW", {}),
    "nadam": ("NAdam", {}),
    "radam": ("RAdam", {}),
    "adamax": ("Adamax", {}),
}

# Where torch keeps what our accumulator(state) and velocity(state) expose.
ACCUMULATOR = {"Adagrad": "sum", "RMSprop": "square_avg", "Adadelta": "square_avg",
               "Adam": "exp_avg_sq", "AdamW": "exp_avg_sq", "NAdam": "exp_avg_sq",
               "RAdam": "exp_avg_sq", "Adamax": "exp_inf"}
VELOCITY = {"SGD": "momentum_buffer", "RMSprop": "momentum_buffer", "Adam": "exp_avg",
            "AdamW": "exp_avg", "NAdam": "exp_avg", "RAdam": "exp_avg", "Adamax": "exp_avg"}

STARTS = {"bowl": [(1.5, 1.5), (-1.0, 0.5)],  # two starts, one tensor each: n > 1 against torch
          "rosenbrock": [(-1.5, 2.0)],
          "beale": [(1.0, 1.5)]}
SGD_LR = {"bowl": 0.05, "rosenbrock": 2e-4, "beale": 1e-3}  # plain gradient steps need scaling

# (registry name, kwargs, surfaces). "lr": "sgd" takes SGD_LR for the surface.
# maximize=True runs are fed -∇f, so that they still descend f.
SGD_SURFACES = ("rosenbrock", "beale")
CASES = [
    ("sgd", {}, ("bowl",)),
    ("sgd", {"lr": "sgd"}, ("bowl",) + SGD_SURFACES),
    ("sgd", {"lr": "sgd", "momentum": 0.9}, SGD_SURFACES),
    ("sgd", {"lr": "sgd", "momentum": 0.9, "dampening": 0.5}, SGD_SURFACES),
    ("sgd", {"lr": "sgd", "momentum": 0.9, "nesterov": True}, SGD_SURFACES),
    ("sgd", {"lr": "sgd", "momentum": 0.5, "weight_decay": 0.1}, SGD_SURFACES),
    ("sgd", {"lr": "sgd", "maximize": True}, SGD_SURFACES),
    ("momentum", {"lr": "sgd"}, ("bowl",) + SGD_SURFACES),
    ("momentum", {"lr": "sgd", "maximize": True, "weight_decay": 0.05}, SGD_SURFACES),
    ("nesterov", {"lr": "sgd"}, ("bowl",) + SGD_SURFACES),
    ("adagrad", {}, ("bowl", "rosenbrock", "beale")),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.01}, ("rosenbrock", "beale")),
    ("adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}, ("rosenbrock", "beale")),
    ("adagrad", {"lr": 0.1, "weight_decay": 0.1}, ("rosenbrock", "beale")),
    ("adagrad", {"lr": 0.1, "eps": 1e-3, "maximize": True}, ("rosenbrock", "beale")),
    ("rmsprop", {}, ("bowl", "rosenbrock", "beale")),
    ("rmsprop", {"alpha": 0.9}, ("rosenbrock", "beale")),
    ("rmsprop", {"centered": True}, ("rosenbrock", "beale")),
    ("rmsprop", {"lr": 1e-3, "momentum": 0.9}, ("rosenbrock", "beale")),
    ("rmsprop", {"lr": 1e-3, "momentum": 0.5, "centered": True}, ("rosenbrock", "beale")),
    ("rmsprop", {"weight_decay": 0.1, "maximize": True}, ("rosenbrock", "beale")),
    ("adadelta", {}, ("bowl", "rosenbrock", "beale")),
    ("adadelta", {"rho": 0.5, "eps": 1e-4}, ("rosenbrock", "beale")),
    ("adadelta", {"lr": 0.5, "weight_decay": 0.1, "maximize": True}, ("rosenbrock", "beale")),
    ("adam", {}, ("bowl", "rosenbrock", "beale")),
    ("adam", {"lr": 0.05}, ("rosenbrock", "beale")),
    ("adam", {"lr": 0.05, "amsgrad": True}, ("rosenbrock", "beale")),
    ("adam", {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-3}, ("rosenbrock", "beale")),
    ("adam", {"lr": 0.05, "weight_decay": 0.1}, ("rosenbrock", "beale")),
    ("adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
     ("rosenbrock", "beale")),
    ("adam", {"lr": 0.05, "maximize": True, "amsgrad": True}, ("rosenbrock", "beale")),
    ("adamw", {}, ("bowl", "rosenbrock", "beale")),
    ("adamw", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}, ("rosenbrock", "beale")),
    ("nadam", {}, ("bowl", "rosenbrock", "beale")),
    ("nadam", {"lr": 0.05, "weight_decay": 0.1}, ("rosenbrock", "beale")),
    ("nadam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
     ("rosenbrock", "beale")),
    ("nadam", {"lr": 0.05, "momentum_decay": 0.01, "betas": (0.8, 0.99), "maximize": True},
     ("rosenbrock", "beale")),
    ("radam", {}, ("bowl", "rosenbrock", "beale")),
    # RAdam's first steps (ρₜ ≤ 5) are lr · m̂, unnormalised: a small lr keeps them on the plot.
    ("radam", {"lr": 2e-3, "weight_decay": 0.1}, ("rosenbrock", "beale")),
    ("radam", {"lr": 2e-3, "weight_decay": 0.1, "decoupled_weight_decay": True},
     ("rosenbrock", "beale")),
    ("radam", {"lr": 2e-3, "betas": (0.9, 0.9), "maximize": True}, ("rosenbrock", "beale")),
    ("adamax", {}, ("bowl", "rosenbrock", "beale")),
    ("adamax", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}, ("rosenbrock", "beale")),
]

# The article's scene: the two rules take the same first step and then part.
ARTICLE = [("article-adagrad", "adagrad", {"lr": 1e-2}),
           ("article-rmsprop", "rmsprop", {"lr": 1e-3, "alpha": 0.99})]

# (registry name, kwargs, the YAML key we blame). torch supplies the message.
INVALID = [
    ("sgd", {"lr": -1.0}, "lr"),
    ("sgd", {"momentum": -0.5}, "momentum"),
    ("sgd", {"weight_decay": -0.1}, "weight_decay"),
    ("sgd", {"nesterov": True}, "momentum"),
    ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening"),
    ("momentum", {"momentum": -0.9}, "momentum"),
    ("nesterov", {"momentum": 0.0}, "momentum"),
    ("nesterov", {"dampening": 0.5}, "dampening"),
    ("adagrad", {"lr": float("nan")}, "lr"),
    ("adagrad", {"lr_decay": -1.0}, "lr_decay"),
    ("adagrad", {"weight_decay": -1.0}, "weight_decay"),
    ("adagrad", {"initial_accumulator_value": -0.1}, "initial_accumulator_value"),
    ("adagrad", {"eps": -1e-10}, "eps"),
    ("rmsprop", {"lr": -0.01}, "lr"),
    ("rmsprop", {"eps": -1.0}, "eps"),
    ("rmsprop", {"momentum": -1.0}, "momentum"),
    ("rmsprop", {"weight_decay": -1.0}, "weight_decay"),
    ("rmsprop", {"alpha": -0.1}, "alpha"),
    ("adadelta", {"lr": -0.1}, "lr"),
    ("adadelta", {"rho": 1.5}, "rho"),
    ("adadelta", {"rho": -0.1}, "rho"),
    ("adadelta", {"eps": -1e-6}, "eps"),
    ("adadelta", {"weight_decay": -1.0}, "weight_decay"),
    ("adam", {"lr": -1e-3}, "lr"),
    ("adam", {"eps": -1e-8}, "eps"),
    ("adam", {"betas": (1.0, 0.999)}, "betas"),
    ("adam", {"betas": (0.9, -0.1)}, "betas"),
    ("adam", {"weight_decay": -0.1}, "weight_decay"),
    ("adamw", {"weight_decay": -0.01}, "weight_decay"),
    ("adamw", {"betas": (0.9, 1.0)}, "betas"),
    ("nadam", {"lr": -2e-3}, "lr"),
    ("nadam", {"momentum_decay": -0.1}, "momentum_decay"),
    ("nadam", {"betas": (-0.1, 0.999)}, "betas"),
    ("radam", {"eps": -1.0}, "eps"),
    ("radam", {"betas": (0.9, 1.0)}, "betas"),
    ("radam", {"weight_decay": -1.0}, "weight_decay"),
    ("adamax", {"lr": -2e-3}, "lr"),
    ("adamax", {"betas": (-0.1, 0.999)}, "betas"),
    ("adamax", {"weight_decay": -1.0}, "weight_decay"),
]


def torch_class(name: str) -> type:
    return getattr(torch.optim, REGISTRY[name][0])


def torch_kwargs(name: str, kwargs: dict) -> dict:
    return {**REGISTRY[name][1], **kwargs, "foreach": False}


def defaults(cls: type) -> dict:
    """The hyperparameters of a torch.optim class and their defaults, from its signature."""
    return {p.name: p.default for p in inspect.signature(cls.__init__).parameters.values()
            if p.name not in IMPLEMENTATION_FLAGS}


def run(name: str, kwargs: dict, surface: str, starts: list) -> dict[str, np.ndarray]:
    cls = torch_class(name)
    params = [torch.tensor(s, dtype=torch.float64, requires_grad=True) for s in starts]
    optimizer = cls(params, **torch_kwargs(name, kwargs))
    sign = -1.0 if kwargs.get("maximize") else 1.0
    positions, accumulators, velocities = [np.array(starts, dtype=np.float64)], [], []
    for step in range(1, STEPS + 1):
        grads = sign * GRADIENTS[surface](positions[-1])
        for p, g in zip(params, grads):
            p.grad = torch.from_numpy(g.copy())
        optimizer.step()
        positions.append(np.stack([p.detach().numpy().copy() for p in params]))
        if step in RECORD_STEPS:
            states = [optimizer.state[p] for p in params]
            acc_key = ACCUMULATOR.get(cls.__name__)
            if acc_key and kwargs.get("amsgrad"):
                acc_key = "max_exp_avg_sq"
            if acc_key:
                accumulators.append(np.stack([s[acc_key].numpy().copy() for s in states]))
            vel_key = VELOCITY.get(cls.__name__)
            if vel_key and torch.is_tensor(states[0].get(vel_key)):
                velocities.append(np.stack([s[vel_key].numpy().copy() for s in states]))
    out = {"positions": np.stack(positions)}
    if accumulators:
        out["accumulator"] = np.stack(accumulators)
    if velocities:
        out["velocity"] = np.stack(velocities)
    if not (np.isfinite(out["positions"]).all() and np.abs(out["positions"]).max() < 50):
        raise SystemExit(f"{name} {kwargs} on {surface} left the plot; pick a smaller lr")
    return out


def message(name: str, kwargs: dict) -> str:
    try:
        torch_class(name)([torch.zeros(2, requires_grad=True)], **torch_kwargs(name, kwargs))
    except ValueError as error:
        return str(error)
    raise SystemExit(f"torch accepts {name} {kwargs}")


def main() -> None:
    torch.set_default_dtype(torch.float64)
    runs, arrays = [], {}
    plan = [(None, name, kwargs, surface) for name, kwargs, surfaces in CASES
            for surface in surfaces]
    plan += [(run_id, name, kwargs, "bowl") for run_id, name, kwargs in ARTICLE]
    for run_id, name, kwargs, surface in plan:
        kwargs = {k: (SGD_LR[surface] if v == "sgd" else v) for k, v in kwargs.items()}
        starts = [(1.5, 1.5)] if run_id else STARTS[surface]
        options = ",".join(f"{k}={v}" for k, v in kwargs.items()) or "defaults"
        run_id = run_id or f"{name}[{options}]@{surface}"
        for key, array in run(name, kwargs, surface, starts).items():
            arrays[f"{run_id}/{key}"] = array
        runs.append({"id": run_id, "optimizer": name, "kwargs": kwargs, "surface": surface,
                     "starts": starts})
    meta = {
        "torch": torch.__version__,
        "steps": STEPS,
        "record_steps": RECORD_STEPS,
        "runs": runs,
        "registry": {name: {"torch_name": cls, "overrides": overrides}
                     for name, (cls, overrides) in REGISTRY.items()},
        "defaults": {cls: defaults(getattr(torch.optim, cls))
                     for cls in sorted({cls for cls, _ in REGISTRY.values()})},
        "invalid": [{"optimizer": name, "kwargs": kwargs, "key": key,
                     "message": message(name, kwargs)} for name, kwargs, key in INVALID],
    }
    OUT.parent.mkdir(exist_ok=True)
    np.savez_compressed(OUT, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)
    print(f"{len(runs)} runs, {OUT.stat().st_size / 1024:.0f} KiB -> {OUT}")


if __name__ == "__main__":
    main()
