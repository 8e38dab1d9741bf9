"""What a build will make: the scene files given, where each scene's outputs go under OUT_DIR,
and a fingerprint of everything that determines each output.

Where outputs go (the README's "Building many scenes" says the same):

- A scene found in a folder keeps its place below that folder: ``course/week1/intro.yaml``
  built from ``course/`` goes to ``OUT_DIR/week1/``; a scene named on its own goes to OUT_DIR.
- The file name is the one of the scene's own ``output:`` (its name and format only, never its
  folder: a scene's paths are untrusted), else ``NAME.gif``. ``formats`` replaces the format:
  ``intro.mp4``, ``intro.webp``, ``intro/`` for a folder of frames.
- With a gallery, every scene also gets a poster, ``NAME.poster.png`` (its last frame).

Every output must land inside OUT_DIR with symlinks resolved, and two scenes may not share an
output: either is a failure of the later scene, found before anything is rendered.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from race.errors import RenderError, SceneError
from race.scene import Scene
from race.write import EXTENSIONS

SCENE_SUFFIXES = (".yaml", ".yml")
FORMATS = tuple(EXTENSIONS.values()) + ("frames",)
DEFAULT_FORMAT = "gif"
# What draws and encodes the pixels besides race itself: an upgrade can change an output.
TOOLS = ("matplotlib", "imageio-ffmpeg", "pillow", "python-pptx")


@dataclass(frozen=True)
class SceneFile:
    """A scene to build: the file to load and its folder under OUT_DIR ('' for the top)."""

    path: Path
    folder: str
    given: str            # as the user named it (a file, a folder's member, a shipped name)

    @property
    def key(self) -> str:
        """The scene's name in the build: its folder under OUT_DIR and its file's stem."""
        return str(PurePosixPath(self.folder, self.path.stem))


@dataclass(frozen=True)
class Output:
    """One file (or folder of frames) a scene renders to, relative to OUT_DIR."""

    relpath: str          # POSIX; a folder of frames ends in '/'
    kind: str             # an output kind of race.write.output_kind
    role: str             # 'animation' or 'poster'
    fingerprint: str


@dataclass(frozen=True)
class OutDir:
    """The build's output folder: as the user named it, and resolved."""

    path: Path
    real: Path

    @classmethod
    def of(cls, path: str | os.PathLike) -> "OutDir":
        text = os.fspath(path)
        if not text.strip():
            raise RenderError("expected an output folder name, got an empty one")
        # lexically normalized, as a shell would: 'new/..' is the current folder, and no 'new'
        # is made on the way to it
        path = Path(os.path.normpath(text))
        if path.exists() and not path.is_dir():
            raise RenderError(f"{path}: is a file, expected the build's output folder")
        return cls(path, Path(os.path.realpath(path)))

    def shown(self, relpath: str) -> str:
        """``relpath`` under OUT_DIR as the user will read it."""
        return os.path.join(os.fspath(self.path), relpath)

    def place(self, relpath: str) -> Path:
        """The path to write ``relpath`` at, refused when it would leave OUT_DIR (a symlinked
        folder or file inside pointing out, a '..' in the name)."""
        path = self.path / relpath
        real = Path(os.path.realpath(path))
        if real != self.real and self.real not in real.parents:
            raise RenderError(f"{self.shown(relpath)}: leads outside {self.path} (to {real}); "
                              "a build writes only inside its output folder")
        return path


def find_scenes(items: Iterable[str | os.PathLike]) -> tuple[list[SceneFile], list[tuple]]:
    """The scene files of ``items`` (files, folders searched recursively for *.yaml and
    *.yml, skipping hidden entries, or shipped scene names), in order and each once, and the
    items that are none of these as (item, SceneError) pairs."""
    from race.scenes import resolve_scene

    found: list[SceneFile] = []
    missing: list[tuple] = []
    for item in items:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            found += _folder_scenes(path)
            continue
        try:
            resolved = resolve_scene(text)
            if not resolved.exists():
                raise SceneError("no such file", file=text)
        except SceneError as exc:
            missing.append((text, exc))
            continue
        found.append(SceneFile(resolved, "", text))
    return _once(found), missing


def _once(files: list[SceneFile]) -> list[SceneFile]:
    """Each scene file once, where it was first found (a folder and a file in it both given)."""
    seen: set[str] = set()
    unique = []
    for file in files:
        real = os.path.realpath(file.path)
        if real not in seen:
            seen.add(real)
            unique.append(file)
    return unique


def _folder_scenes(folder: Path) -> list[SceneFile]:
    scenes = []
    for root, folders, files in os.walk(folder):   # symlinked folders are not followed
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        place = Path(root).relative_to(folder)
        for name in sorted(files):
            if name.endswith(SCENE_SUFFIXES) and not name.startswith("."):
                path = Path(root, name)
                scenes.append(SceneFile(path, place.as_posix() if place.parts else "",
                                        str(path)))
    return scenes


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """``formats`` without repeats, or a SceneError naming the one that is not a format."""
    import difflib

    chosen = tuple(dict.fromkeys(formats))
    for fmt in chosen:
        if fmt not in FORMATS:
            close = difflib.get_close_matches(str(fmt), FORMATS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"use {', '.join(FORMATS)}"
            raise SceneError(f"--format: unknown format {fmt!r}; {hint}")
    return chosen


def scene_outputs(file: SceneFile, scene: Scene, formats: Iterable[str],
                  poster: bool) -> list[Output]:
    """The outputs of ``scene`` under OUT_DIR (see the module's rules), fingerprinted."""
    name, kind = _own_name(scene)
    if kind == "folder":
        stem = name.rstrip("/")
    else:
        stem = PurePosixPath(name).stem if PurePosixPath(name).suffix else name
    names = [_with_format(stem, fmt) for fmt in formats] if formats else [name]
    outputs = []
    for relname in names:
        relpath = str(PurePosixPath(file.folder, relname)) + ("/" if relname.endswith("/")
                                                                else "")
        out_kind = _kind_of(relname)
        outputs.append(Output(relpath, out_kind, "animation",
                              fingerprint(scene, out_kind, "animation")))
    if poster and not any(output.kind == "png" for output in outputs):
        relpath = str(PurePosixPath(file.folder, f"{stem}.poster.png"))
        outputs.append(Output(relpath, "png", "poster", fingerprint(scene, "png", "poster")))
    return outputs


def _own_name(scene: Scene) -> tuple[str, str | None]:
    """The file name of the scene's ``output:`` (its folder dropped), else NAME.gif."""
    if not scene.output:
        return f"{scene.name}.{DEFAULT_FORMAT}", DEFAULT_FORMAT
    text = scene.output
    if text.endswith(("/", os.sep)):
        return PurePosixPath(text.rstrip("/" + os.sep)).name + "/", "folder"
    name = os.path.basename(text)
    return name, EXTENSIONS.get(PurePosixPath(name).suffix.lower())


def _with_format(stem: str, fmt: str) -> str:
    return f"{stem}/" if fmt == "frames" else f"{stem}.{fmt}"


def _kind_of(relname: str) -> str:
    if relname.endswith("/"):
        return "folder"
    kind = EXTENSIONS.get(PurePosixPath(relname).suffix.lower())
    if kind is None:
        raise RenderError(f"{relname}: the scene's output has no known extension; use "
                          f"{', '.join(EXTENSIONS)} or a folder name ending in /")
    return kind


def for_output(scene: Scene, role: str) -> Scene:
    """The scene a poster is drawn from: without the byte budget, which fits GIFs and WebPs
    only (the scene's own output keeps it)."""
    if role != "poster" or scene.render.max_bytes is None:
        return scene
    from race.api import relayer

    return relayer(scene, {"render.max_bytes": None})


def fingerprint(scene: Scene, kind: str, role: str) -> str:
    """A hash of everything that determines an output: the scene as loaded (its data after
    overrides, with YAML anchors expanded, without ``output``), its render settings after
    presets and defaults, the surface's expression and domain, the format, and the versions
    of race and of the libraries that draw and encode. Comments, key order and timestamps do
    not count."""
    data = {key: value for key, value in (scene.data or {}).items() if key != "output"}
    surface = scene.surface
    record = {
        "scene": canonical(data),
        "render": canonical(asdict(scene.render)),
        "surface": [surface.name, surface.formula, list(surface.xlim), list(surface.ylim)],
        "racers": [[r.optimizer, canonical(asdict(r.config)), r.label, r.color,
                    [list(p) for p in r.starts]] for r in scene.racers],
        "output": [kind, role],
        "versions": tool_versions(),
    }
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def canonical(value: Any) -> Any:
    """``value`` as JSON can hold it, the same for equal data whatever its key order (YAML
    allows keys that are not text, and values JSON has no type for)."""
    if isinstance(value, dict):
        return sorted(([canonical(k), canonical(v)] for k, v in value.items()),
                      key=lambda pair: json.dumps(pair[0], sort_keys=True, default=repr))
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return f"{type(value).__name__}:{value!r}"


def tool_versions() -> dict[str, str | None]:
    import race

    return {"race": race.__version__, **_library_versions()}


@lru_cache(maxsize=1)
def _library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def estimated_cost(scene: Scene) -> float:
    """Roughly proportional to render time (pixels drawn), to start the longest scenes first."""
    from race.draw.schedule import frame_steps

    width, height = scene.render.size
    frames = len(frame_steps(scene.render, scene.steps))
    return frames * width * height * (3.0 if scene.render.view == "surface3d" else 1.0)
