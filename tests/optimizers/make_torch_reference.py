"""Record torch.optim's own trajectories, the references our optimizers are tested against.

Run with a venv that has torch 2.13 (torch is not a dependency of race or of its tests):

    pip install torch==2.13.0 && python tests/optimizers/make_torch_reference.py

For every case below it runs torch in float64 (default dtype too, so that torch's scalar state,
such as NAdam's mu_product, is float64 as well), with ``foreach=False`` (the
``_single_tensor_*`` loops), one parameter tensor per start point. Each step sets ``p.grad``
from the analytic gradient in ``parity_surfaces``. It writes data/torch_reference.npz:

- ``meta``: UTF-8 JSON bytes with the torch version, the runs (registry name, kwargs, surface,
  starts), the steps at which state was recorded, torch's constructor defaults, and the error
  messages torch's constructors give for bad hyperparameters;
- ``<run>/positions`` (steps + 1, n, 2) and, where torch keeps one, ``<run>/accumulator`` and
  ``<run>/velocity`` (len(record_steps), n, 2);
- for runs with a learning-rate scheduler (stepped once after every optimizer step):
  ``<run>/positions`` at step 0 and the record steps only (len(record_steps) + 1, n, 2), and
  ``<run>/lr`` and, when the scheduler cycles it, ``<run>/momentum`` (the optimizer's momentum,
  or betas[0]) after 0..steps scheduler steps, (steps + 1,);
- ``trace/<id>/lr`` (and ``/momentum``): schedules alone over ``TRACE_STEPS`` steps, for the
  combinations and corners the paired runs do not reach.
"""

from __future__ import annotations

import inspect
import json
import warnings
from pathlib import Path

import numpy as np
import torch

from parity_surfaces import GRADIENTS

OUT = Path(__file__).parent / "data" / "torch_reference.npz"
STEPS = 200
RECORD_STEPS = [1, 2, 3, 5] + list(range(10, STEPS + 1, 10))  # state is recorded after these steps
IMPLEMENTATION_FLAGS = {"self", "params", "foreach", "fused", "capturable", "differentiable"}
SCHEDULER_INTERNALS = {"self", "optimizer", "last_epoch", "scale_fn"}  # not keys of a scene
TRACE_STEPS = 300

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
    "rprop": ("Rprop", {}),
    "asgd": ("ASGD", {}),
    "adafactor": ("Adafactor", {}),
}

# Where torch keeps what our accumulator(state) and velocity(state) expose.
ACCUMULATOR = {"Adagrad": "sum", "RMSprop": "square_avg", "Adadelta": "square_avg",
               "Adam": "exp_avg_sq", "AdamW": "exp_avg_sq", "NAdam": "exp_avg_sq",
               "RAdam": "exp_avg_sq", "Adamax": "exp_inf", "Adafactor": "variance"}
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
    ("rprop", {}, ("bowl", "rosenbrock", "beale")),
    ("rprop", {"lr": 1e-3, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.2)},
     ("rosenbrock", "beale")),
    ("rprop", {"lr": 0.05, "maximize": True}, ("rosenbrock", "beale")),
    ("asgd", {"lr": "sgd"}, ("bowl", "rosenbrock", "beale")),
    # t0 inside the run, so that the averaging weight μ leaves 1 and ax starts averaging
    ("asgd", {"lr": "sgd", "lambd": 0.5, "alpha": 0.5, "t0": 60.0}, ("rosenbrock", "beale")),
    ("asgd", {"lr": "sgd", "weight_decay": 0.1, "maximize": True}, ("rosenbrock", "beale")),
    ("adafactor", {}, ("bowl", "rosenbrock", "beale")),
    ("adafactor", {"lr": 0.05, "beta2_decay": -0.5, "eps": (1e-12, 1e-2), "d": 2.0},
     ("rosenbrock", "beale")),
    ("adafactor", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}, ("rosenbrock", "beale")),
]

# Optimizers with the schedules they are usually paired with: (registry name, kwargs,
# schedule, surfaces). A schedule is (torch class name, kwargs); SequentialLR's "schedulers"
# is a list of those. Each runs from STARTS[surface] for STEPS steps.
SCHEDULED = [
    ("momentum", {"lr": "sgd"}, ("StepLR", {"step_size": 50, "gamma": 0.5}), SGD_SURFACES),
    ("momentum", {"lr": "sgd"}, ("MultiStepLR", {"milestones": [60, 120, 120, 160],
                                                 "gamma": 0.3}), SGD_SURFACES),
    ("momentum", {"lr": "sgd"}, ("OneCycleLR", {"max_lr": "sgd", "total_steps": STEPS}),
     SGD_SURFACES),
    ("sgd", {"lr": "sgd"}, ("CyclicLR", {"base_lr": "sgd/10", "max_lr": "sgd",
                                         "step_size_up": 25, "mode": "triangular2"}),
     SGD_SURFACES),
    ("nesterov", {"lr": "sgd"}, ("CosineAnnealingWarmRestarts", {"T_0": 20, "T_mult": 2,
                                                                 "eta_min": 1e-5}),
     SGD_SURFACES),
    ("adam", {"lr": 0.05}, ("CosineAnnealingLR", {"T_max": STEPS, "eta_min": 1e-4}),
     ("bowl", "rosenbrock", "beale")),
    ("adam", {"lr": 0.05}, ("LinearLR", {"start_factor": 0.01, "total_iters": 50}),
     ("rosenbrock", "beale")),
    ("adam", {"lr": 0.05}, ("CyclicLR", {"base_lr": 0.005, "max_lr": 0.05, "step_size_up": 30,
                                         "step_size_down": 10, "mode": "exp_range",
                                         "gamma": 0.995}), ("rosenbrock", "beale")),
    ("adamw", {"lr": 0.05}, ("SequentialLR", {
        "schedulers": [("LinearLR", {"start_factor": 0.1, "total_iters": 20}),
                       ("CosineAnnealingLR", {"T_max": 180})], "milestones": [20]}),
     ("rosenbrock", "beale")),
    ("adamw", {"lr": 0.05}, ("OneCycleLR", {"max_lr": 0.05, "total_steps": STEPS,
                                            "three_phase": True, "anneal_strategy": "linear"}),
     ("rosenbrock", "beale")),
    ("nadam", {"lr": 0.05}, ("ExponentialLR", {"gamma": 0.99}), ("rosenbrock", "beale")),
    ("radam", {"lr": 2e-3}, ("SequentialLR", {
        "schedulers": [("ConstantLR", {"factor": 0.5, "total_iters": 30}),
                       ("ExponentialLR", {"gamma": 0.99}), ("StepLR", {"step_size": 40})],
        "milestones": [50, 120]}), ("rosenbrock", "beale")),
    ("adamax", {"lr": 0.05}, ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1,
                                           "step_size_up": 40}), ("rosenbrock", "beale")),
    ("rmsprop", {"lr": 1e-3}, ("ConstantLR", {"factor": 0.5, "total_iters": 50}),
     ("rosenbrock", "beale")),
    ("rmsprop", {"lr": 1e-3, "momentum": 0.9}, ("OneCycleLR", {"max_lr": 2e-3,
                                                             "total_steps": STEPS}),
     ("rosenbrock", "beale")),
    ("adagrad", {"lr": 0.1}, ("PolynomialLR", {"total_iters": 150, "power": 2.0}),
     ("rosenbrock", "beale")),
    ("adadelta", {}, ("CosineAnnealingWarmRestarts", {"T_0": 50}), ("rosenbrock", "beale")),
    ("asgd", {"lr": "sgd"}, ("StepLR", {"step_size": 30, "gamma": 0.5}), SGD_SURFACES),
    ("rprop", {"lr": 1e-3}, ("ExponentialLR", {"gamma": 0.9}), ("rosenbrock", "beale")),
    ("adafactor", {"lr": 0.05}, ("LinearLR", {"start_factor": 0.2, "total_iters": 100}),
     ("rosenbrock", "beale")),
]

# Schedules alone: (id, registry name, optimizer kwargs, schedule) over TRACE_STEPS steps.
TRACES = [
    ("warm-restarts", "sgd", {"lr": 0.1}, ("CosineAnnealingWarmRestarts",
                                           {"T_0": 7, "T_mult": 3, "eta_min": 0.01})),
    ("cosine-past-tmax", "adam", {"lr": 0.1}, ("CosineAnnealingLR", {"T_max": 40})),
    ("polynomial-past-total", "adam", {"lr": 0.1}, ("PolynomialLR", {"total_iters": 30,
                                                                     "power": 0.5})),
    ("linear-down", "adam", {"lr": 0.1}, ("LinearLR", {"start_factor": 1.0, "end_factor": 0.05,
                                                       "total_iters": 120})),
    ("cyclic-triangular-momentum", "sgd", {"lr": 0.1, "momentum": 0.5},
     ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.2, "step_size_up": 17})),
    ("cyclic-no-momentum", "adagrad", {"lr": 0.1},
     ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.2, "step_size_up": 11, "step_size_down": 23,
                   "cycle_momentum": False})),
    ("one-cycle-epochs", "adam", {"lr": 0.1},
     ("OneCycleLR", {"max_lr": 0.3, "epochs": 6, "steps_per_epoch": 50, "pct_start": 0.25,
                     "div_factor": 10.0, "final_div_factor": 100.0,
                     "base_momentum": 0.8, "max_momentum": 0.9})),
    ("sequential-restarts-then-cyclic", "sgd", {"lr": 0.1, "momentum": 0.9},
     ("SequentialLR", {"schedulers": [("CosineAnnealingWarmRestarts", {"T_0": 9}),
                                      ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1,
                                                    "step_size_up": 12})],
                       "milestones": [100]})),
    ("sequential-one-cycle-first", "adam", {"lr": 0.01},
     ("SequentialLR", {"schedulers": [("OneCycleLR", {"max_lr": 0.1, "total_steps": 150}),
                                      ("PolynomialLR", {"total_iters": 60}),
                                      ("MultiStepLR", {"milestones": [10, 20]})],
                       "milestones": [120, 200]})),
    ("sequential-milestone-zero", "sgd", {"lr": 0.1},
     ("SequentialLR", {"schedulers": [("ConstantLR", {}), ("LinearLR", {"total_iters": 40})],
                       "milestones": [0]})),
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
    ("rprop", {"lr": -0.01}, "lr"),
    ("rprop", {"etas": (1.5, 1.2)}, "etas"),
    ("rprop", {"etas": (0.5, 0.9)}, "etas"),
    ("asgd", {"lr": -0.01}, "lr"),
    ("asgd", {"weight_decay": -1.0}, "weight_decay"),
    ("adafactor", {"lr": -0.01}, "lr"),
    ("adafactor", {"beta2_decay": 0.5}, "beta2_decay"),
    ("adafactor", {"eps": (-1.0, 1e-3)}, "eps"),
    ("adafactor", {"eps": (None, -1e-3)}, "eps"),
    ("adafactor", {"d": 0.5}, "d"),
    ("adafactor", {"weight_decay": -0.1}, "weight_decay"),
]

# Schedules torch refuses: (schedule, the optimizer it is given, the key path we blame, steps).
# With steps, the error comes from stepping that many times (OneCycleLR past total_steps).
INVALID_SCHEDULES = [
    (("ConstantLR", {"factor": 1.5}), "sgd", ["factor"], 0),
    (("ConstantLR", {"factor": -0.5}), "sgd", ["factor"], 0),
    (("LinearLR", {"start_factor": 0.0}), "sgd", ["start_factor"], 0),
    (("LinearLR", {"start_factor": 1.5}), "sgd", ["start_factor"], 0),
    (("LinearLR", {"end_factor": 2.0}), "sgd", ["end_factor"], 0),
    (("CosineAnnealingWarmRestarts", {"T_0": 0}), "sgd", ["T_0"], 0),
    (("CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 0}), "sgd", ["T_mult"], 0),
    (("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0, "mode": "triangle"}), "sgd", ["mode"], 0),
    (("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0}), "adagrad", ["cycle_momentum"], 0),
    (("OneCycleLR", {"max_lr": 0.1}), "sgd", ["total_steps"], 0),
    (("OneCycleLR", {"max_lr": 0.1, "total_steps": 0}), "sgd", ["total_steps"], 0),
    (("OneCycleLR", {"max_lr": 0.1, "epochs": -2, "steps_per_epoch": 10}), "sgd",
     ["epochs"], 0),
    (("OneCycleLR", {"max_lr": 0.1, "epochs": 2, "steps_per_epoch": 0}), "sgd",
     ["steps_per_epoch"], 0),
    (("OneCycleLR", {"max_lr": 0.1, "total_steps": 10, "pct_start": 1.5}), "sgd",
     ["pct_start"], 0),
    (("OneCycleLR", {"max_lr": 0.1, "total_steps": 10, "anneal_strategy": "cosine"}), "sgd",
     ["anneal_strategy"], 0),
    (("OneCycleLR", {"max_lr": 0.1, "total_steps": 10}), "rprop", ["cycle_momentum"], 0),
    (("OneCycleLR", {"max_lr": 0.1, "total_steps": 10}), "adafactor", ["cycle_momentum"], 0),
    (("OneCycleLR", {"max_lr": 0.1, "total_steps": 10}), "sgd", ["total_steps"], 11),
    (("OneCycleLR", {"max_lr": 0.1, "epochs": 2, "steps_per_epoch": 5}), "adam", ["epochs"],
     11),
    (("SequentialLR", {"schedulers": [("LinearLR", {}), ("StepLR", {"step_size": 3})],
                       "milestones": [5, 9]}), "sgd", ["milestones"], 0),
    (("SequentialLR", {"schedulers": [("LinearLR", {}),
                                      ("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0})],
                       "milestones": [5]}), "adadelta", ["schedulers", 1, "cycle_momentum"], 0),
    (("SequentialLR", {"schedulers": [], "milestones": []}), "sgd", ["schedulers"], 0),
]


def torch_class(name: str) -> type:
    return getattr(torch.optim, REGISTRY[name][0])


def torch_kwargs(name: str, kwargs: dict) -> dict:
    return {**REGISTRY[name][1], **kwargs, "foreach": False}


def defaults(cls: type) -> dict:
    """The hyperparameters of a torch.optim class and their defaults, from its signature."""
    return {p.name: p.default for p in inspect.signature(cls.__init__).parameters.values()
            if p.name not in IMPLEMENTATION_FLAGS}


def run(name: str, kwargs: dict, surface: str, starts: list,
        schedule: tuple | None = None) -> dict[str, np.ndarray]:
    cls = torch_class(name)
    params = [torch.tensor(s, dtype=torch.float64, requires_grad=True) for s in starts]
    optimizer = cls(params, **torch_kwargs(name, kwargs))
    momentum_before = group_momentum(optimizer)
    scheduler = None if schedule is None else torch_scheduler(optimizer, schedule)
    lrs, momenta = [optimizer.param_groups[0]["lr"]], [group_momentum(optimizer)]
    sign = -1.0 if kwargs.get("maximize") else 1.0
    positions, accumulators, velocities = [np.array(starts, dtype=np.float64)], [], []
    for step in range(1, STEPS + 1):
        grads = sign * GRADIENTS[surface](positions[-1])
        for p, g in zip(params, grads):
            p.grad = torch.from_numpy(g.copy())
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
            lrs.append(optimizer.param_groups[0]["lr"])
            momenta.append(group_momentum(optimizer))
        positions.append(np.stack([p.detach().numpy().copy() for p in params]))
        if step in RECORD_STEPS and scheduler is None:
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
    if not (np.isfinite(out["positions"]).all() and np.abs(out["positions"]).max() < 50):
        raise SystemExit(f"{name} {kwargs} {schedule} on {surface} left the plot; "
                         "pick a smaller lr")
    if scheduler is not None:   # kept small: the schedule's numbers, and the points sampled
        out["positions"] = out["positions"][[0] + RECORD_STEPS]
        out.update(schedule_arrays(lrs, momenta, momentum_before))
    if accumulators:
        out["accumulator"] = np.stack(accumulators)
    if velocities:
        out["velocity"] = np.stack(velocities)
    return out


def torch_scheduler(optimizer, spec: tuple):
    """A torch scheduler from (class name, kwargs); SequentialLR's children are built first,
    on the same optimizer, as a training script builds them."""
    name, kwargs = spec
    kwargs = dict(kwargs)
    if name == "SequentialLR":
        kwargs["schedulers"] = [torch_scheduler(optimizer, child)
                                for child in kwargs["schedulers"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(torch.optim.lr_scheduler, name)(optimizer, **kwargs)


def group_momentum(optimizer):
    """What cycling schedulers change: betas[0] when the optimizer has betas, else momentum."""
    group = optimizer.param_groups[0]
    if "betas" in optimizer.defaults:
        return group["betas"][0]
    return group.get("momentum")


def schedule_arrays(lrs: list, momenta: list, before) -> dict[str, np.ndarray]:
    out = {"lr": np.array(lrs, dtype=np.float64)}
    if any(m != before for m in momenta):
        out["momentum"] = np.array(momenta, dtype=np.float64)
    return out


def trace(name: str, kwargs: dict, schedule: tuple) -> dict[str, np.ndarray]:
    """A schedule alone: the lr (and momentum) after 0..TRACE_STEPS scheduler steps."""
    param = torch.zeros(2, requires_grad=True)
    optimizer = torch_class(name)([param], **torch_kwargs(name, kwargs))
    before = group_momentum(optimizer)
    scheduler = torch_scheduler(optimizer, schedule)
    lrs, momenta = [optimizer.param_groups[0]["lr"]], [group_momentum(optimizer)]
    for _ in range(TRACE_STEPS):
        param.grad = torch.zeros(2)
        optimizer.step()
        scheduler.step()
        lrs.append(optimizer.param_groups[0]["lr"])
        momenta.append(group_momentum(optimizer))
    return schedule_arrays(lrs, momenta, before)


def resolve(value, surface: str):
    """'sgd' stands for SGD_LR[surface] (and 'sgd/10' for a tenth of it), in any kwargs."""
    if isinstance(value, dict):
        return {k: resolve(v, surface) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(v, surface) for v in value)
    if value == "sgd":
        return SGD_LR[surface]
    if value == "sgd/10":
        return SGD_LR[surface] / 10
    return value


def as_json(spec):
    """A schedule spec with tuples as lists, as JSON stores it."""
    if isinstance(spec, (list, tuple)):
        return [as_json(v) for v in spec]
    if isinstance(spec, dict):
        return {k: as_json(v) for k, v in spec.items()}
    return spec


def message(name: str, kwargs: dict) -> str:
    try:
        torch_class(name)([torch.zeros(2, requires_grad=True)], **torch_kwargs(name, kwargs))
    except ValueError as error:
        return str(error)
    raise SystemExit(f"torch accepts {name} {kwargs}")


def schedule_message(spec: tuple, name: str, steps: int) -> str:
    param = torch.zeros(2, requires_grad=True)
    optimizer = torch_class(name)([param], **torch_kwargs(name, {}))
    try:
        scheduler = torch_scheduler(optimizer, spec)
        for _ in range(steps):
            param.grad = torch.zeros(2)
            optimizer.step()
            scheduler.step()
    except ValueError as error:
        return str(error)
    raise SystemExit(f"torch accepts {spec} on {name} for {steps} steps")


def schedule_defaults(cls: type) -> dict:
    """A scheduler class's keyword arguments and defaults; required ones as "<required>"."""
    return {p.name: "<required>" if p.default is inspect.Parameter.empty else p.default
            for p in inspect.signature(cls.__init__).parameters.values()
            if p.name not in SCHEDULER_INTERNALS}


def main() -> None:
    torch.set_default_dtype(torch.float64)
    runs, arrays = [], {}
    plan = [(None, name, kwargs, surface, None) for name, kwargs, surfaces in CASES
            for surface in surfaces]
    plan += [(run_id, name, kwargs, "bowl", None) for run_id, name, kwargs in ARTICLE]
    plan += [(None, name, kwargs, surface, schedule)
             for name, kwargs, schedule, surfaces in SCHEDULED for surface in surfaces]
    for run_id, name, kwargs, surface, schedule in plan:
        kwargs = resolve(kwargs, surface)
        schedule = None if schedule is None else resolve(schedule, surface)
        starts = [(1.5, 1.5)] if run_id else STARTS[surface]
        options = ",".join(f"{k}={v}" for k, v in kwargs.items()) or "defaults"
        if schedule is not None:
            options += f";{schedule[0]}"
        run_id = run_id or f"{name}[{options}]@{surface}"
        if any(r["id"] == run_id for r in runs):
            raise SystemExit(f"two runs are called {run_id}")
        for key, array in run(name, kwargs, surface, starts, schedule).items():
            arrays[f"{run_id}/{key}"] = array
        runs.append({"id": run_id, "optimizer": name, "kwargs": kwargs, "surface": surface,
                     "starts": starts, "schedule": as_json(schedule)})
    traces = []
    for trace_id, name, kwargs, schedule in TRACES:
        for key, array in trace(name, kwargs, schedule).items():
            arrays[f"trace/{trace_id}/{key}"] = array
        traces.append({"id": trace_id, "optimizer": name, "kwargs": kwargs,
                       "schedule": as_json(schedule)})
    scheduler_names = sorted({"StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
                              "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
                              "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR",
                              "SequentialLR"})
    meta = {
        "torch": torch.__version__,
        "steps": STEPS,
        "record_steps": RECORD_STEPS,
        "trace_steps": TRACE_STEPS,
        "runs": runs,
        "traces": traces,
        "registry": {name: {"torch_name": cls, "overrides": overrides}
                     for name, (cls, overrides) in REGISTRY.items()},
        "defaults": {cls: defaults(getattr(torch.optim, cls))
                     for cls in sorted({cls for cls, _ in REGISTRY.values()})},
        "schedule_defaults": {name: schedule_defaults(getattr(torch.optim.lr_scheduler, name))
                              for name in scheduler_names},
        "invalid": [{"optimizer": name, "kwargs": kwargs, "key": key,
                     "message": message(name, kwargs)} for name, kwargs, key in INVALID],
        "invalid_schedules": [{"schedule": as_json(spec), "optimizer": name, "key": key,
                               "steps": steps, "message": schedule_message(spec, name, steps)}
                              for spec, name, key, steps in INVALID_SCHEDULES],
    }
    OUT.parent.mkdir(exist_ok=True)
    np.savez_compressed(OUT, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)
    print(f"{len(runs)} runs, {len(traces)} traces, {OUT.stat().st_size / 1024:.0f} KiB -> {OUT}")


if __name__ == "__main__":
    main()
