"""The Python API: load a scene, simulate it, render or show it. The CLI is a thin client.

    import race
    scene = race.load("article", overrides={"steps": 400})
    result = race.simulate(scene)                # positions, losses, gradients, accumulators
    race.render(result, "article.mp4", fps=24)   # any writer and render setting of the CLI
    race.show(scene)                             # in Jupyter: the animation, inline
    race.build(["course/"], "site/anim")         # many scenes, in parallel, what changed

Your own optimizer races too, from Python only (a scene file never imports or runs code):
``race.numpy_optimizer(name, init, update, ...)`` or ``race.torch_optimizer(MyOptimizer)``,
handed to ``race.load(..., optimizers=[...])`` so that racers can name it.

Every function takes plain data and returns plain results; bad input raises the same typed
errors (``race.errors``) the CLI reports, with the same one-line messages.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from race.engine import Race, run
from race.errors import SceneError
from race.optimizers import OPTIMIZERS, Optimizer
from race.overrides import Override, from_mapping
from race.scene import Scene

Progress = Callable[[int, int], None]
Report = Callable[[str], None]


def load(source: str | os.PathLike | Mapping[str, Any],
         overrides: Mapping[str, Any] | None = None, *,
         optimizers: Iterable[Optimizer | type] = ()) -> Scene:
    """A validated Scene from a scene file's path, a shipped scene's name ('article'), or a
    mapping shaped like the YAML. ``overrides`` maps key paths to values, as ``--set`` does:
    ``{"render.fps": 24, "racers[0].lr": 0.1}``. ``optimizers`` are your own, from
    ``numpy_optimizer`` or ``torch_optimizer`` (or a torch.optim.Optimizer subclass itself):
    racers name them like built-ins. In a mapping, a racer's ``optimizer`` may also be one of
    these objects."""
    return load_layered(source, from_mapping(overrides), optimizers=optimizers)


def load_layered(source: str | os.PathLike | Mapping[str, Any],
                 overrides: Iterable[Override | str] = (), *,
                 optimizers: Iterable[Optimizer | type] = ()) -> Scene:
    """``load`` with overrides already parsed (the CLI's flags, each naming itself)."""
    from race.loader import load_scene, scene_from_data
    from race.scenes import resolve_scene

    registry = custom_registry(optimizers)
    if isinstance(source, Mapping):
        data = _name_inline_optimizers(dict(source), registry)
        return scene_from_data(data, overrides=overrides, name="scene", optimizers=registry)
    if not isinstance(source, (str, os.PathLike)):
        raise SceneError(f"expected a scene file, a shipped scene's name or a mapping, "
                         f"got {type(source).__name__}")
    return load_scene(resolve_scene(source), overrides, optimizers=registry)


def numpy_optimizer(name: str, init: Callable, update: Callable, *, config: type | None = None,
                    accumulator: Callable | None = None, velocity: Callable | None = None,
                    rule: str = "") -> Optimizer:
    """Your own optimizer as pure numpy functions, following the built-ins' contract:
    ``init(params, config) -> state`` and ``update(params, grads, state, config) ->
    (params, state)`` with params and grads of shape (starts, 2). ``config`` is a frozen
    dataclass of its hyperparameters with defaults (racers set them as YAML keys; a field
    ``lr`` lets a schedule drive it); ``accumulator(state)`` and ``velocity(state)`` give
    (starts, 2) arrays for the squares and momentum arrows."""
    from race.optimizers.custom import from_functions

    return from_functions(name, init, update, config=config, accumulator=accumulator,
                          velocity=velocity, rule=rule)


def torch_optimizer(optimizer_class: type, *, name: str | None = None,
                    accumulator: str | None = None, velocity: str | None = None) -> Optimizer:
    """Your own ``torch.optim.Optimizer`` subclass (needs torch), stepped by torch in float64
    with one tensor per start. Its hyperparameters are its constructor's keyword arguments;
    ``name`` defaults to the class name in lower case; ``accumulator`` and ``velocity`` name
    per-parameter state entries to draw (e.g. ``"exp_avg_sq"``, ``"exp_avg"``)."""
    from race.optimizers.torch_route import from_torch

    return from_torch(optimizer_class, name=name, accumulator=accumulator, velocity=velocity)


def custom_registry(optimizers: Iterable[Optimizer | type]) -> dict[str, Optimizer]:
    """Name -> record for the custom optimizers given to ``load``; torch classes are wrapped."""
    if isinstance(optimizers, (Optimizer, type, str)) or isinstance(optimizers, Mapping):
        raise SceneError("optimizers: expected a list of optimizers from race.numpy_optimizer "
                         "or race.torch_optimizer")
    registry: dict[str, Optimizer] = {}
    for item in optimizers:
        record = _as_optimizer(item)
        if record.name in OPTIMIZERS:
            raise SceneError(f"optimizers: {record.name!r} is a built-in optimizer; give yours "
                             "another name")
        if registry.get(record.name, record) is not record:
            raise SceneError(f"optimizers: two different optimizers are named {record.name!r}")
        registry[record.name] = record
    return registry


def _as_optimizer(item: Any) -> Optimizer:
    if isinstance(item, Optimizer):
        return item
    if isinstance(item, type):
        return torch_optimizer(item)
    raise SceneError(f"optimizers: expected an optimizer from race.numpy_optimizer or "
                     f"race.torch_optimizer, got {type(item).__name__}")


def _name_inline_optimizers(data: dict, registry: dict[str, Optimizer]) -> dict:
    """Racers whose ``optimizer`` is an object: register it and put its name in its place, so
    the scene's data stays plain (and can be layered again)."""
    racers = data.get("racers")
    if not isinstance(racers, list):
        return data
    named = []
    for racer in racers:
        optimizer = racer.get("optimizer") if isinstance(racer, Mapping) else None
        if optimizer is not None and not isinstance(optimizer, str):
            record = _as_optimizer(optimizer)
            registry.update(custom_registry([*registry.values(), record]))  # checks the name
            racer = {**racer, "optimizer": record.name}
        named.append(racer)
    return {**data, "racers": named}


def simulate(scene: Scene) -> Race:
    """Run every racer of ``scene``; the result holds one Trajectory per racer with numpy arrays
    ``positions`` (steps+1, starts, 2), ``losses``, ``gradients``, ``accumulators`` and
    ``learning_rates`` (steps+1,)."""
    if not isinstance(scene, Scene):
        raise SceneError(f"simulate: expected a Scene from race.load, got {type(scene).__name__}")
    return run(scene)


def render(scene_or_result: Scene | Race, output: str | os.PathLike | None = None, *,
           step: int | None = None, progress: Progress | None = None, force: bool = False,
           report: Report | None = None, interactive: bool = False,
           **render_settings: Any) -> Path:
    """Render to ``output`` (format from its extension, as on the command line; default: the
    scene's own output) and return the path written. ``render_settings`` are ``render`` keys,
    e.g. ``fps=24, size=(640, 480), theme="dark", preset="slides"``; ``step`` picks the frame
    of a ``.png``; ``force`` lets a folder of frames be written beside files race did not
    write there. ``report(line)`` hears what a byte budget (``max_bytes``) changed; by default
    that is a warning."""
    race = _with_settings(scene_or_result, render_settings)
    from race.draw import render as render_animation, render_still
    from race.write import output_kind

    target = default_output(race.scene) if output is None else output
    kind = output_kind(target)
    if kind == "png":
        return render_still(race, target, step=step)
    if step is not None:
        raise SceneError("step: only applies to a .png output")
    if interactive and kind != "html":
        raise SceneError(f"interactive: only applies to an .html output, not {target}")
    if kind in ("html", "pptx"):
        from race.web import write_document
        return write_document(race, target, kind, interactive=interactive, progress=progress)
    return render_animation(race, target, progress=progress, force=force,
                            report=report or _warn)


def _warn(line: str) -> None:
    warnings.warn(line, stacklevel=4)


def check_output_of(scene: Scene, output: str | os.PathLike, *, force: bool = False,
                    create: bool = True):
    """Refuse, before any work, an output ``scene`` cannot be rendered to (type, size, place,
    frame limits); ``create=False`` creates no folder. Does not import matplotlib."""
    from race.draw import check_render

    return check_render(scene, output, force=force, create=create)


def show(scene_or_result: Scene | Race, *, interactive: bool = True,
         progress: Progress | None = None, **render_settings: Any):
    """The race as an animation Jupyter displays inline (leave it as a cell's value): the
    interactive player (``interactive=False``: a video that plays by itself, which also shows
    where a notebook viewer runs no scripts), sized for a notebook (at most 800 px wide and
    24 fps unless ``render_settings`` say otherwise; a few MB at most). ``render_settings`` are
    ``render`` keys, as for ``render``."""
    from race.web.fragment import animation_html
    from race.web.notebook import (SHRINK_TRIES, Animation, notebook_settings, scaled,
                                   shrink_factor, too_big)

    scene = scene_or_result.scene if isinstance(scene_or_result, Race) else scene_or_result
    if not isinstance(scene, Scene):
        raise SceneError(f"show: expected a Scene or a simulated race, "
                         f"got {type(scene_or_result).__name__}")
    settings = {**notebook_settings(scene.render, render_settings), **render_settings}
    race = _with_settings(scene_or_result, settings)
    html = animation_html(race, interactive=interactive, progress=progress)
    for _ in range(SHRINK_TRIES):
        if too_big(html) <= 1 or "size" in render_settings:
            break
        size = scaled(race.scene.render.size, shrink_factor(too_big(html)))
        race = _with_settings(race, {"size": size})
        html = animation_html(race, interactive=interactive, progress=progress)
    return Animation(race, html)


def build(scenes: str | os.PathLike | Iterable[str | os.PathLike] | None = None,
          out_dir: str | os.PathLike = "outputs", jobs: int | None = None, executor=None, *,
          force: bool = False, gallery: bool = False, formats: Iterable[str] = (),
          overrides: Mapping[str, Any] | None = None, report=None) -> list:
    """Render every scene of ``scenes`` (scene files, folders of them, shipped names; default
    ./configs) into ``out_dir``, as ``race build`` does, and return one result per scene with
    ``path``, ``outputs``, ``seconds``, ``bytes``, ``skipped`` (up to date) and ``error``
    (its one-line message, or None). A failing scene does not raise: it is in the results.

    ``jobs`` local worker processes (default: the CPU count), or any
    ``concurrent.futures.Executor`` or Dask ``Client`` as ``executor``. ``formats`` such as
    ``["mp4", "gif"]`` replace each scene's own format; ``gallery`` also writes
    ``out_dir/index.html``; ``overrides`` (``{"render.fps": 24}``) apply to every scene;
    ``force`` renders everything and replaces files in ``out_dir`` the build did not write.
    ``report(result)`` hears each scene as it finishes."""
    from race.builds import build as build_scenes

    if jobs is not None and executor is not None:
        raise SceneError("build: pass jobs (local processes) or an executor, not both")
    return build_scenes(scenes, out_dir, jobs=jobs, executor=executor, force=force,
                        gallery=gallery, formats=formats, overrides=from_mapping(overrides),
                        report=report)


def default_output(scene: Scene) -> str:
    """Where a scene renders when no output is named: its ``output``, else outputs/NAME.gif."""
    return scene.output or f"outputs/{scene.name}.gif"


def _with_settings(scene_or_result: Scene | Race, settings: Mapping[str, Any]) -> Race:
    if isinstance(scene_or_result, Race):
        race = scene_or_result
    elif isinstance(scene_or_result, Scene):
        race = None
    else:
        raise SceneError(f"render: expected a Scene or a simulated race, "
                         f"got {type(scene_or_result).__name__}")
    scene = scene_or_result.scene if race is not None else scene_or_result
    if settings:
        scene = relayer(scene, {f"render.{key}": value for key, value in settings.items()})
    if race is None:
        return run(scene)
    # Render settings never change the simulation; only racers' automatic colours may follow
    # a new theme.
    trajectories = tuple(dataclasses.replace(t, racer=r)
                         for t, r in zip(race.trajectories, scene.racers))
    return Race(scene, trajectories)


def relayer(scene: Scene, overrides: Mapping[str, Any]) -> Scene:
    """``scene`` with more overrides layered over the data it was built from."""
    from race.loader import scene_from_data

    if scene.data is None:
        raise SceneError("this scene was not built by race.load; cannot apply settings to it")
    customs = {r.optimizer: r.custom for r in scene.racers if r.custom is not None}
    return scene_from_data(scene.data, file=scene.source, overrides=from_mapping(overrides),
                           name=scene.name, optimizers=customs)
