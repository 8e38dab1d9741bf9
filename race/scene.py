"""A scene as frozen records: what to race, on which surface, and how to draw it.

Built from YAML by ``race.loader``; passed explicitly to the engine and the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from race.surfaces.base import Surface


def bounded(default: Any, low: float | None = None, high: float | None = None, *,
            doc: str = "") -> Any:
    """A field whose value the loader checks against [low, high] (either side may be open)."""
    return field(default=default, metadata={"low": low, "high": high, "doc": doc})


@dataclass(frozen=True)
class Racer:
    """One optimizer with its hyperparameters, racing from one or more start points."""

    optimizer: str                       # registry name, e.g. "adagrad"
    config: Any                          # that optimizer's frozen config dataclass
    label: str                           # unique within the scene
    color: str                           # a matplotlib colour, validated at load time
    starts: tuple[tuple[float, float], ...]  # one start per racer-start, at least one


@dataclass(frozen=True)
class Squares:
    show: bool = True
    scale: float | None = bounded(None, 0.0, 1e6)  # data units per sqrt(acc. g^2); None = auto
    alpha: float = bounded(0.35, 0.0, 1.0)


@dataclass(frozen=True)
class Trail:
    show: bool = True
    fade: bool = False
    length: int | None = bounded(None, 1, None)  # steps of trail kept; None = all
    width: float = bounded(2.0, 0.0, 50.0)


@dataclass(frozen=True)
class Arrows:
    gradient: bool = False
    step: bool = False
    momentum: bool = False
    scale: float | None = bounded(None, 0.0, 1e6)  # None = automatic


@dataclass(frozen=True)
class Camera:
    elev: float = bounded(30.0, -90.0, 90.0)
    azim: float = -60.0
    dist: float = bounded(10.0, 1.0, 100.0)
    orbit: float = bounded(0.0, -360.0, 360.0)  # degrees of azimuth per second of video; 0 = fixed camera
    # perspective: 1 = a 90° field of view, larger is flatter; None = orthographic
    focal_length: float | None = bounded(1.0, 0.05, 100.0)


@dataclass(frozen=True)
class Render:
    view: Literal["contour", "surface3d"] = "contour"
    layout: Literal["single", "side-by-side", "grid"] = "single"
    size: tuple[int, int] = bounded((800, 600), 16, 7680)  # pixels, width x height
    dpi: int = bounded(100, 10, 1200)
    fps: int = bounded(30, 1, 240)
    steps_per_frame: int | None = bounded(None, 1, None)  # None: derived from duration, else 1
    duration: float | None = bounded(None, 0.0, 3600.0)  # seconds of video for the race (hold excluded)
    hold: float = bounded(1.0, 0.0, 600.0)  # seconds the last frame is held
    timelapse: bool = False              # early steps slow, later ones fast
    loop: bool = True
    theme: Literal["light", "dark"] = "light"
    loss_panel: Literal["none", "right", "bottom"] = "none"
    legend: bool = True
    wireframe: bool = True
    colormap: str | None = None          # None = the theme's
    surface_color: str | None = None     # 3D view: one solid colour (e.g. "#f2d13a"); None = by height
    levels: int = bounded(30, 2, 200)
    squares: Squares = field(default_factory=Squares)
    trail: Trail = field(default_factory=Trail)
    arrows: Arrows = field(default_factory=Arrows)
    camera: Camera = field(default_factory=Camera)


@dataclass(frozen=True)
class Scene:
    name: str                            # file stem, used for default output names
    title: str
    surface: Surface
    steps: int
    racers: tuple[Racer, ...]
    render: Render = field(default_factory=Render)
    output: str | None = None
    stop_tolerance: float | None = None  # stop a ball when |g| < this on both axes
    source: str | None = None            # the file it came from, for messages
