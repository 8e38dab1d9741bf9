"""A scene as frozen records: what to race, on which surface, and how to draw it.

Built from YAML by ``race.loader``; passed explicitly to the engine and the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from race.surfaces.base import Surface


def option(default: Any, doc: str, *, low: float | None = None, high: float | None = None,
           kind: str | None = None) -> Any:
    """A render option: its default, a line for the docs, the range the loader enforces
    (either side may be open) and, for text, what it must name (``"color"`` or ``"colormap"``)."""
    factory = default if isinstance(default, type) else None
    metadata = {"doc": doc, "low": low, "high": high, "kind": kind}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class GradientNoise:
    """Gaussian noise added to every gradient an optimizer sees: the simplest model of
    minibatch noise. The noise of step k at start j is ``std`` times row j of
    ``numpy.random.default_rng([seed, k]).standard_normal((n, 2))``: the same for every racer
    with the same seed, whatever else the scene holds."""

    std: float = option(0.0, "standard deviation per axis; 0 = exact gradients", low=0.0)
    seed: int = option(0, "the noise's seed; racers with the same seed see the same noise",
                       low=0)


@dataclass(frozen=True)
class Racer:
    """One optimizer with its hyperparameters, racing from one or more start points."""

    optimizer: str                       # registry name, e.g. "adagrad"
    config: Any                          # that optimizer's frozen config dataclass
    label: str                           # unique within the scene
    color: str                           # a matplotlib colour, validated at load time
    starts: tuple[tuple[float, float], ...]  # one start per racer-start, at least one
    schedule: Any = None                 # a race.schedules config (e.g. StepLRConfig), or None
    gradient_noise: GradientNoise | None = None  # the racer's own, else the scene's
    custom: Any = None                   # a custom optimizer's record (Python API), or None


@dataclass(frozen=True)
class Squares:
    show: bool = option(True, "draw the squares of accumulated squared gradients")
    scale: float | None = option(None, "data units per √(accumulated g²); null = automatic",
                                 low=0.0, high=1e6)
    alpha: float = option(0.35, "opacity of the squares", low=0.0, high=1.0)
    per_racer: bool = option(False, "automatic scale per racer: each racer's own squares "
                             "compare, not one racer's with another's")
    starts: Literal["first", "all"] = option(
        "first", "with several starts per racer: squares at its first start only, or at all")


@dataclass(frozen=True)
class Trail:
    show: bool = option(True, "draw each ball's path")
    fade: bool = option(False, "older parts of the trail fade out")
    length: int | None = option(None, "steps of trail kept; null = all", low=1)
    width: float = option(2.0, "line width in points", low=0.0, high=50.0)


@dataclass(frozen=True)
class Arrows:
    gradient: bool = option(False, "arrow along −∇f at each ball (open, in the racer's colour)")
    step: bool = option(False, "arrow along the update the optimizer takes next (filled)")
    momentum: bool = option(False, "arrow along the momentum buffer / first moment (pale)")
    scale: float | None = option(None, "arrows are the vector times this; null = automatic (a "
                                 "round factor the legend names, e.g. step ×5)",
                                 low=0.0, high=1e6)


@dataclass(frozen=True)
class Camera:
    elev: float = option(30.0, "3D view: elevation in degrees", low=-90.0, high=90.0)
    azim: float = option(-60.0, "3D view: azimuth in degrees")
    dist: float = option(10.0, "3D view: distance; smaller is closer, near parts loom larger "
                         "(the view is always framed to fill its panel)", low=1.0, high=100.0)
    orbit: float = option(0.0, "3D view: degrees of azimuth per second of video; 0 = fixed",
                          low=-360.0, high=360.0)
    focal_length: float | None = option(
        1.0, "3D view: perspective, 1 = a 90° field of view, larger is flatter; "
        "null = orthographic", low=0.05, high=100.0)


@dataclass(frozen=True)
class Render:
    view: Literal["contour", "surface3d"] = option("contour", "the map: 2D contours or 3D")
    layout: Literal["single", "side-by-side", "grid"] = option(
        "single", "one view; 3D beside 2D; or one panel per racer sharing one clock")
    size: tuple[int, int] = option((800, 600), "frame size in pixels [width, height] "
                                   "(even for .mp4/.webm)", low=16, high=7680)
    dpi: int | None = option(None, "dots per inch: scales text and lines, not the pixel size; "
                             "null = from the size (100 at 800x600)", low=10, high=1200)
    fps: int = option(30, "frames per second", low=1, high=240)
    steps_per_frame: int | None = option(None, "optimizer steps per frame; null = from "
                                         "`duration`, else 1", low=1)
    duration: float | None = option(None, "seconds of video for the race, hold excluded",
                                    low=0.0, high=3600.0)
    hold: float = option(1.0, "seconds the last frame is held", low=0.0, high=600.0)
    timelapse: bool = option(False, "early steps play slowly, later ones faster")
    loop: bool = option(True, "GIF, WebP and APNG loop forever")
    theme: Literal["light", "dark"] = option("light", "colour theme")
    background: Literal["theme", "transparent"] = option(
        "theme", "`transparent`: no figure background, for .png, PNG folders, .webp, .apng, "
        ".webm and .mov")
    preset: Literal["slides", "slides-4x3", "blog", "thumbnail"] | None = option(
        None, "settings for a medium (`race list presets`); keys given beside it win")
    max_bytes: int | None = option(None, ".gif/.webp: fit the file under this many bytes",
                                   low=1)
    loss_panel: Literal["none", "right", "bottom"] = option(
        "none", "a loss-versus-step panel beside or under the map")
    explain: str | None = option(
        None, "a racer's label: beside the map, that racer's update step by step in its rule's "
        "notation (g, accumulator, effective step, Δθ); null = none", kind="label")
    legend: bool = option(True, "legend of label, optimizer and learning rate")
    axes_text: bool = option(True, "tick labels and axis names")
    wireframe: bool = option(True, "3D view: white mesh lines over the surface")
    box: bool = option(True, "3D view: the box around the surface, with its panes, ticks and "
                       "labels; false = the surface alone, drawn larger")
    colormap: str | None = option(None, "a matplotlib colormap; null = the theme's",
                                  kind="colormap")
    surface_color: str | None = option(None, "3D view: one solid surface colour "
                                       "(e.g. \"#f2d13a\"); null = coloured by height",
                                       kind="color")
    levels: int = option(30, "contour levels", low=2, high=200)
    squares: Squares = option(Squares, "the squares (`true`/`false` is short for `show`)")
    trail: Trail = option(Trail, "the trails (`true`/`false` is short for `show`)")
    arrows: Arrows = option(Arrows, "optional arrows")
    camera: Camera = option(Camera, "the 3D camera")


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
    gradient_noise: GradientNoise | None = None  # the scene's default for every racer
    source: str | None = None            # the file it came from, for messages
    # the mapping it was built from (after overrides), so settings can be layered on again
    data: Any = field(default=None, compare=False, repr=False)
