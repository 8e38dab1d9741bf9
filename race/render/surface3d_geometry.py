"""Pure geometry for the 3D view: heights, shading, the squares and the arrows, in data units.

Nothing here touches an Axes, so each piece can be checked with plain numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from race.render.scales import value_range
from race.surfaces.base import Surface

MESH_CELLS = 40        # faces per side of the drawn mesh (the original app's grid density)
RANGE_SAMPLES = 201    # samples per side when finding the height range
SQUARE_FRACTION = 0.1  # auto squares: the first step's accumulator spans this much of the domain
ARROW_FRACTION = 0.15  # auto arrows: the first gradient spans this much of the domain
SQUARE_SAMPLES = 16  # points along each square's bottom edge, to follow the ground
BOX_HEIGHT = 0.5      # drawn box height over its longest side, as the original app (mpl: 0.75)


@dataclass(frozen=True)
class Heights:
    """The drawn height of a surface: its value, or log10(1 + value - min) for log-scale ones."""

    surface: Surface
    floor: float  # the surface's minimum over the domain (sampled)
    low: float    # drawn height range over the domain
    high: float

    @classmethod
    def of(cls, surface: Surface) -> "Heights":
        x, y = grid(surface, RANGE_SAMPLES)
        with np.errstate(all="ignore"):
            values = np.asarray(surface.value(x, y), dtype=np.float64) * np.ones_like(x)
        finite = values[np.isfinite(values)]
        floor = float(finite.min()) if finite.size else 0.0
        drawn = cls(surface, floor, -np.inf, np.inf)(x, y)
        finite = drawn[np.isfinite(drawn)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if not high > low:
            low, high = low - 1.0, high + 1.0
        else:                 # without the huge values of a singularity, if there is one
            low, high = value_range(drawn)
        return cls(surface, floor, low, high)

    @property
    def log(self) -> bool:
        return self.surface.log_scale

    @property
    def span(self) -> float:
        return self.high - self.low

    def __call__(self, x, y) -> np.ndarray:
        """The drawn height at (x, y), held between ``low`` and ``high`` (where the range cut a
        singularity off, the surface is a flat cap at the top or bottom of the box); NaN where
        the surface is undefined."""
        with np.errstate(all="ignore"):
            values = np.asarray(self.surface.value(x, y), dtype=np.float64) * np.ones_like(x)
            if self.log:
                values = np.log10(1.0 + np.maximum(values - self.floor, 0.0))
            return np.clip(values, self.low, self.high)


def grid(surface: Surface, samples: int) -> tuple[np.ndarray, np.ndarray]:
    """A samples x samples meshgrid over the surface's domain."""
    xs = np.linspace(*surface.xlim, samples)
    ys = np.linspace(*surface.ylim, samples)
    return np.meshgrid(xs, ys)


def box_aspect(surface: Surface) -> tuple[float, float, float]:
    """x:y:z lengths of the drawn box: x and y in proportion to the domain, z as BOX_HEIGHT."""
    width = surface.xlim[1] - surface.xlim[0]
    depth = surface.ylim[1] - surface.ylim[0]
    longest = max(width, depth)
    return width / longest, depth / longest, BOX_HEIGHT


def z_per_x(surface: Surface, heights: Heights) -> float:
    """Height units that look as long on screen as one x unit (so squares look square)."""
    bx, _, bz = box_aspect(surface)
    return (heights.span / bz) / ((surface.xlim[1] - surface.xlim[0]) / bx)


def shaded_colors(rgba: np.ndarray, x: np.ndarray, y: np.ndarray, z: np.ndarray,
                  scale: tuple[float, float, float], light: np.ndarray, eye: np.ndarray,
                  ambient: float = 0.5, gloss: float = 0.35, shininess: float = 12.0) -> np.ndarray:
    """Blinn–Phong shading of per-vertex colours ``rgba`` (rows, cols, 4) on the grid (x, y, z).

    ``scale`` turns data units into box units so the normals are the ones seen on screen;
    ``light`` and ``eye`` are unit vectors toward the light and the camera. Faces turned away
    keep ``ambient`` brightness; ``gloss`` is the strength of the white highlight.
    """
    sx, sy, sz = scale
    with np.errstate(invalid="ignore"):    # NaN heights (undefined there) give NaN normals
        dz_dy, dz_dx = np.gradient(z * sz, y[:, 0] * sy, x[0, :] * sx)
        normals = np.stack([-dz_dx, -dz_dy, np.ones_like(z)], axis=-1)
        normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
        lambert = np.clip(np.nan_to_num(normals @ light), 0.0, 1.0)
        half = (light + eye) / np.linalg.norm(light + eye)
        highlight = gloss * np.clip(np.nan_to_num(normals @ half), 0.0, 1.0) ** shininess
    shaded = rgba.copy()
    shaded[..., :3] *= (ambient + (1.0 - ambient) * lambert)[..., None]
    shaded[..., :3] += (1.0 - shaded[..., :3]) * highlight[..., None]
    return shaded


def direction(azim: float, elev: float) -> np.ndarray:
    """The unit vector pointing toward azimuth ``azim`` and elevation ``elev`` (degrees)."""
    az, el = np.radians(azim), np.radians(elev)
    return np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])


def light_direction(azim: float, elev: float, turn: float = 25.0,
                    altitude: float = 40.0) -> np.ndarray:
    """A unit vector toward a light beside the camera: ``turn`` degrees to its right, raised."""
    return direction(azim + turn, max(elev, altitude))


def flip_signs(gradients: np.ndarray) -> np.ndarray:
    """Which way each square opens along its axis: downhill (-sign g), keeping the last side
    while the gradient is exactly zero. ``gradients`` is (steps+1, n, 2); so is the result."""
    signs = -np.sign(np.nan_to_num(gradients))
    for k in range(signs.shape[0]):
        zero = signs[k] == 0
        signs[k][zero] = signs[k - 1][zero] if k else 1.0
    return signs


def square_faces(x: np.ndarray, y: np.ndarray, z: np.ndarray, sides: np.ndarray,
                 signs: np.ndarray, surface: Surface, heights: Heights, z_scale: float,
                 samples: int = SQUARE_SAMPLES) -> np.ndarray:
    """The two upright squares at each of n balls, clipped to the drawn box and to the ground.

    x, y, z are (n,); ``sides`` (n, 2) are the side lengths in x and y units, ``signs`` (n, 2)
    the side each opens toward. Square 0 stands in the x–z plane, square 1 in the y–z plane, one
    corner at the ball, rising by side * ``z_scale`` height units. The bottom edge follows the
    surface wherever it rises above the ball, so no part of a square lies underground. Returns
    (n, 2, samples + 2, 3): the bottom edge from the ball outward, then the top edge back.
    """
    n = x.shape[0]
    faces = np.empty((n, 2, samples + 2, 3))
    top = np.minimum(z[:, None] + sides * z_scale, heights.high)
    t = np.linspace(0.0, 1.0, samples)
    for axis, (low, high) in enumerate((surface.xlim, surface.ylim)):
        start = (x, y)[axis]
        end = np.clip(start + signs[:, axis] * sides[:, axis], low, high)
        along = start[:, None] + (end - start)[:, None] * t            # (n, samples)
        across = np.broadcast_to(((y, x)[axis])[:, None], along.shape)
        ground = heights(*((along, across) if axis == 0 else (across, along)))
        bottom = np.minimum(np.fmax(z[:, None], ground), top[:, axis, None])
        faces[:, axis, :samples, axis] = along
        faces[:, axis, :samples, 1 - axis] = across
        faces[:, axis, :samples, 2] = bottom
        faces[:, axis, samples:, axis] = np.stack([end, start], axis=-1)
        faces[:, axis, samples:, 1 - axis] = across[:, :2]
        faces[:, axis, samples:, 2] = top[:, axis, None]
    return faces


def arrow_path(x: np.ndarray, y: np.ndarray, z: np.ndarray, vectors: np.ndarray,
               head: float = 0.25) -> np.ndarray:
    """Horizontal arrows from each (x, y, z) along ``vectors`` (n, 2), as one polyline with NaN
    breaks: shaft, then the two barbs of the head. Returns (9n, 3)."""
    n = x.shape[0]
    start = np.stack([x, y, z], axis=-1)
    tip = start + np.concatenate([vectors, np.zeros((n, 1))], axis=-1)
    angle = np.radians(150.0)
    cos, sin = np.cos(angle), np.sin(angle)
    barbs = []
    for s in (sin, -sin):
        bx = (cos * vectors[:, 0] - s * vectors[:, 1]) * head
        by = (s * vectors[:, 0] + cos * vectors[:, 1]) * head
        barbs.append(tip + np.stack([bx, by, np.zeros(n)], axis=-1))
    gap = np.full((n, 3), np.nan)
    path = np.stack([start, tip, gap, tip, barbs[0], gap, tip, barbs[1], gap], axis=1)
    return path.reshape(-1, 3)


def reference_gradient(gradients: list[np.ndarray]) -> float:
    """The largest finite |g| component over the starts (row 0) of the given (steps+1, n, 2)
    arrays, or 1 when there is none: the yardstick for automatic glyph scales."""
    values = [np.abs(g[0]) for g in gradients]
    values = np.concatenate([v.ravel() for v in values]) if values else np.zeros(0)
    values = values[np.isfinite(values) & (values > 0)]
    return float(values.max()) if values.size else 1.0
