"""A scene as frozen records: what to race, on which surface, and how to draw it.

Built from YAML by ``race.loader``; passed explicitly to the engine and the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from race.surfaces.base import Surface


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
    scale: float | None = None           # data units per sqrt(accumulated g^2); None = automatic
    alpha: float = 0.35


@dataclass(frozen=True)
class Trail:
    show: bool = True
    fade: bool = False
    length: int | None = None            # steps of trail kept; None = all
    width: float = 2.0


@dataclass(frozen=True)
class Arrows:
    gradient: bool = False
    step: bool = False
    momentum: bool = False
    scale: float | None = None           # None = automatic


@dataclass(frozen=True)
class Camera:
    elev: float = 30.0
    azim: float = -60.0
    dist: float = 10.0
    orbit: float = 0.0                   # degrees of azimuth per second of video; 0 = fixed camera


@dataclass(frozen=True)
class Render:
    view: str = "contour"                # contour | surface3d
    layout: str = "single"               # single | side-by-side | grid
    size: tuple[int, int] = (800, 600)   # pixels
    dpi: int = 100
    fps: int = 30
    steps_per_frame: int | None = None   # None: derived from duration, else 1
    duration: float | None = None        # seconds of video for the race (hold excluded)
    hold: float = 1.0                    # seconds the last frame is held
    timelapse: bool = False              # early steps slow, later ones fast
    loop: bool = True
    theme: str = "light"                 # light | dark
    loss_panel: str = "none"             # none | right | bottom
    legend: bool = True
    wireframe: bool = True
    colormap: str | None = None          # None = the theme's
    levels: int = 30
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
