"""``race build``: every scene given, rendered in parallel, only what is out of date.

The steps: find the scenes; load and check every one (a bad scene is reported before anything
is rendered); skip each output whose fingerprint and size match the manifest; send the rest to
the executor, longest first, one job per scene; write each scene's outputs as it comes back,
record it in the manifest, and report it; finally, with ``gallery``, write OUT_DIR/index.html.
A failing scene is reported and the others go on. Ctrl-C or SIGTERM stops the workers and
leaves no temporary behind: finished outputs and the manifest stay as written.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from race.builds.index import PAGE, card_info
from race.builds.manifest import Manifest
from race.builds.plan import (OutDir, Output, SceneFile, check_formats, estimated_cost,
                              find_scenes, fingerprint, for_output, scene_outputs)
from race.builds.publish import check_ours, discard, publish
from race.builds.worker import Job, Rendered, render_job
from race.errors import RaceError, RenderError, SceneError
from race.overrides import Override
from race.scene import Scene

try:
    import fcntl
except ImportError:                     # not a POSIX system: builds are not locked
    fcntl = None


@dataclass(frozen=True)
class SceneResult:
    """What became of one scene: ``path`` is its (first) output, ``outputs`` all of them;
    ``seconds`` and ``bytes`` are this build's work and what it wrote (0 when ``skipped``,
    i.e. up to date); ``error`` the one-line reason it failed, else None."""

    name: str
    scene: str
    path: Path | None = None
    outputs: tuple[Path, ...] = ()
    seconds: float = 0.0
    bytes: int = 0
    skipped: bool = False
    error: str | None = None
    notes: tuple[str, ...] = ()


@dataclass
class Planned:
    file: SceneFile
    scene: Scene
    outputs: list[Output]
    stale: list[Output] = field(default_factory=list)


Report = Callable[[SceneResult], None]


def build(scenes: Iterable[str | os.PathLike] | str | os.PathLike | None = None,
          out_dir: str | os.PathLike = "outputs", *, jobs: int | None = None,
          executor=None, force: bool = False, gallery: bool = False,
          formats: Iterable[str] = (), overrides: Iterable[Override] = (),
          report: Report | None = None,
          note: Callable[[str], None] | None = None) -> list[SceneResult]:
    """Build every scene of ``scenes`` (files, folders, shipped names; default: ./configs, else
    the shipped scenes) into ``out_dir``; see the module. ``report`` hears each failure and
    each finished scene as it happens, ``note`` other news (the gallery written); the returned
    list holds every scene, in order."""
    from race.builds.pool import as_executor, cpu_count

    items = _items(scenes)
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise SceneError(f"jobs: expected a whole number of worker processes, 1 or more, "
                         f"got {jobs!r}")
    if executor is not None:
        executor = as_executor(executor)
    formats = check_formats(formats)
    overrides = tuple(overrides)
    heard = report or (lambda result: None)
    told = note or (lambda line: None)
    root = OutDir.of(out_dir)
    files, missing = find_scenes(items)
    if not files and not missing:
        raise SceneError(f"no scenes (*.yaml, *.yml) in {', '.join(map(str, items))}")
    results: dict[str, SceneResult] = {}
    order: list[str] = []
    for given, error in missing:
        order.append(given)
        results[given] = _failed(given, given, str(error), heard)
    with _locked(root):
        manifest = Manifest.read(root.real)
        if gallery:      # refused now, not after rendering everything
            check_ours(root, PAGE, manifest, force)
        planned = _plan(files, root, manifest, force, gallery, formats, overrides, results,
                        order, heard)
        todo = [item for item in planned if item.stale]
        for item in planned:
            if not item.stale:
                results[item.file.key] = _skipped(item, root)
        if todo:
            workers = min(jobs or cpu_count(), len(todo))
            _render(todo, root, manifest, force, executor, workers, results, heard)
        if gallery:
            from race.builds.index import write_gallery

            if write_gallery(root, manifest, sorted(manifest.scenes)):
                told(f"wrote {root.shown(PAGE)}")
    return [results[key] for key in order]


def _items(scenes) -> list[str | os.PathLike]:
    if scenes is None:
        return [_default_folder()]
    if isinstance(scenes, (str, os.PathLike)):
        return [scenes]
    items = list(scenes)
    return items or [_default_folder()]


def _default_folder() -> Path:
    from race.scenes import shipped_folder

    if Path("configs").is_dir():
        return Path("configs")
    folder = shipped_folder()
    if folder is None:
        raise SceneError("no scenes given and no configs/ folder here")
    return folder


def _plan(files: list[SceneFile], root: OutDir, manifest: Manifest, force: bool,
          gallery: bool, formats: tuple[str, ...], overrides: tuple[Override, ...],
          results: dict[str, SceneResult], order: list[str], heard: Report) -> list[Planned]:
    """Load and check every scene before anything renders; the bad ones are reported."""
    from race.api import check_output_of, load_layered

    planned: list[Planned] = []
    claimed: dict[str, str] = {}
    reserved = {PAGE} if gallery else set()
    for file in files:
        key = file.key
        if key in results:
            first = results[key].scene
            order.append(f"{key} ({file.given})")
            results[order[-1]] = _failed(key, file.given, f"{file.given}: builds to the same "
                                         f"place as {first} ({key}); rename one", heard)
            continue
        order.append(key)
        try:
            scene = load_layered(file.path, overrides)
            outputs = scene_outputs(file, scene, formats, poster=gallery)
            for output in outputs:
                _claim(output.relpath, file.given, claimed, reserved, root)
                path = check_ours(root, output.relpath, manifest, force)
                check_output_of(for_output(scene, output.role),
                                str(path) + ("/" if output.kind == "folder" else ""),
                                force=force, create=False)
        except RaceError as exc:
            results[key] = _failed(key, file.given, _naming(file, str(exc)), heard)
            continue
        item = Planned(file, scene, outputs)
        item.stale = [output for output in outputs if force or not manifest.is_current(
            key, output.relpath, output.fingerprint, root.real)]
        results[key] = SceneResult(key, file.given)      # a placeholder, replaced below
        planned.append(item)
    return planned


def _claim(relpath: str, given: str, claimed: dict[str, str], reserved: set[str],
           root: OutDir) -> None:
    key = relpath.rstrip("/")
    if key in reserved:
        raise RenderError(f"{root.shown(relpath)}: is the gallery page; give the scene "
                          "another output name")
    if key in claimed:
        raise RenderError(f"{root.shown(relpath)}: is also the output of {claimed[key]}; "
                          "give one of them another output name")
    claimed[key] = given


def _render(todo: list[Planned], root: OutDir, manifest: Manifest, force: bool,
            executor: Executor | None, workers: int, results: dict[str, SceneResult],
            heard: Report) -> None:
    from race.builds.pool import local_pool, staging_folder, stop

    owned = executor is None
    jobs = sorted(todo, key=lambda item: -estimated_cost(item.scene))
    futures = {}
    finished = False
    staging = None
    with ExitStack() as stack:
        if owned:
            staging = stack.enter_context(staging_folder())
            executor = local_pool(workers, staging)
        try:
            for item in jobs:
                futures[executor.submit(render_job, _job(item, root, staging))] = item
            for future in as_completed(futures):
                item = futures[future]
                try:
                    rendered = future.result()
                except Exception as exc:          # the worker process died, the cluster left
                    rendered = Rendered(item.file.key, error=_naming(
                        item.file, f"the worker running it stopped: {_exception_line(exc)}"))
                try:
                    results[item.file.key] = _finish(item, rendered, root, manifest, force,
                                                     heard)
                finally:
                    discard(rendered.folder, staging)
            finished = True
        finally:
            if owned and finished:
                executor.shutdown(wait=True)
            elif not finished:
                stop(executor, futures, owned)


def _job(item: Planned, root: OutDir, staging: Path | None) -> Job:
    import race

    data = {key: value for key, value in (item.scene.data or {}).items() if key != "output"}
    return Job(item.file.key, item.scene.name, item.file.given, data,
               tuple((output.relpath, output.kind, output.role) for output in item.stale),
               os.fspath(root.path), race.__version__,
               None if staging is None else os.fspath(staging))


def _finish(item: Planned, rendered: Rendered, root: OutDir, manifest: Manifest,
            force: bool, heard: Report) -> SceneResult:
    """Write what came back, record it, report it."""
    key = item.file.key
    written: dict[str, dict] = {}
    error = rendered.error
    fingerprints = {output.relpath: output for output in item.outputs}
    for piece in rendered.pieces:
        try:
            publish(piece, root, manifest, force)
        except RaceError as exc:
            error = _naming(item.file, str(exc))
            break
        output = fingerprints[piece.relpath]
        written[piece.relpath] = {"hash": output.fingerprint, "kind": output.kind,
                                  "role": output.role, "bytes": piece.size}
    if written:
        manifest.record(key, card_info(item.scene), written, _still_current(item, manifest),
                        rendered.seconds)
        manifest.save(root.real)
    if error is not None:
        return _failed(key, item.file.given, error, heard)
    everything = [Path(root.shown(output.relpath)) for output in item.outputs]
    result = SceneResult(key, item.file.given, everything[0], tuple(everything),
                         rendered.seconds, sum(w["bytes"] for w in written.values()),
                         notes=rendered.notes)
    heard(result)
    return result


def _still_current(item: Planned, manifest: Manifest) -> set[str]:
    """The scene's earlier outputs that were built from the scene as it is now (in another
    format, or a poster), so a build of one format keeps the others listed."""
    return {relpath for relpath, record in manifest.outputs(item.file.key).items()
            if isinstance(record, dict) and record.get("hash") == fingerprint(
                item.scene, str(record.get("kind")), str(record.get("role")))}


def _skipped(item: Planned, root: OutDir) -> SceneResult:
    everything = tuple(Path(root.shown(output.relpath)) for output in item.outputs)
    return SceneResult(item.file.key, item.file.given, everything[0], everything, skipped=True)


def _failed(key: str, given: str, error: str, heard: Report) -> SceneResult:
    result = SceneResult(key, given, error=error)
    heard(result)
    return result


def _naming(file: SceneFile, message: str) -> str:
    return message if message.startswith(f"{file.given}:") else f"{file.given}: {message}"


def _exception_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


@contextmanager
def _locked(root: OutDir) -> Iterator[None]:
    """One build at a time in an output folder: an advisory lock on the folder itself (no
    lock file, so nothing is left behind, and a killed build's lock goes with it)."""
    from race.atomic import prepare_folder

    prepare_folder(root.path / ".race-build.json", shown=root.path)
    if fcntl is None:
        yield
        return
    handle = os.open(root.real, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RenderError(f"{root.path}: another race build is writing here; wait for it "
                              "to finish") from None
        except OSError:
            pass                            # a file system without locks: build unlocked
        yield
    finally:
        os.close(handle)
