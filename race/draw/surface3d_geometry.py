"""Pure geometry for the 3D view: heights, shading, the squares and the arrows, in data units.

Nothing here touches an Axes, so each piece can be checked with plain numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from race.draw.scales import drawable, value_range
from race.surfaces.base import Surface

MESH_CELLS = 40        # faces per side of the drawn mesh (the original app's grid density)
RANGE_SAMPLES = 201    # samples per side when finding the height range
SQUARE_FRACTION = 0.1  # auto squares: the first step's accumulator spans this much of the domain
ARROW_SAMPLES = 12     # points along an arrow's shaft, to follow the ground
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
            values = drawable(np.asarray(surface.value(x, y), dtype=np.float64) * np.ones_like(x))
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
            values = drawable(np.asarray(self.surface.value(x, y), dtype=np.float64)
                              * np.ones_like(x))
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


def surface_arrow_path(origins: np.ndarray, vectors: np.ndarray, heights: Heights, lift: float,
                       samples: int = ARROW_SAMPLES, head: float = 0.25) -> np.ndarray:
    """Arrows lying on the surface: from each origin (n, 2) along ``vectors`` (n, 2), the shaft
    following the ground ``lift`` above it (so a step arrow ends on the next point, not in the
    air), then the two barbs of the head, as one polyline with NaN breaks, (n * (samples + 6), 3).
    """
    n = origins.shape[0]
    t = np.linspace(0.0, 1.0, samples)
    shaft = origins[:, None, :] + t[None, :, None] * vectors[:, None, :]   # (n, samples, 2)
    tip = origins + vectors
    angle = np.radians(150.0)
    cos, sin = np.cos(angle), np.sin(angle)
    barbs = [tip + head * np.stack([cos * vectors[:, 0] - s * vectors[:, 1],
                                    s * vectors[:, 0] + cos * vectors[:, 1]], axis=-1)
             for s in (sin, -sin)]
    gap = np.full((n, 1, 2), np.nan)
    flat = np.concatenate([shaft, gap, tip[:, None], barbs[0][:, None], gap, tip[:, None],
                           barbs[1][:, None], gap], axis=1)
    ground = heights(flat[..., 0], flat[..., 1]) + lift
    path = np.concatenate([flat, ground[..., None]], axis=-1)
    none = ~np.any(vectors != 0, axis=1) | ~np.isfinite(vectors).all(axis=1)
    path[none] = np.nan
    return path.reshape(-1, 3)


def reference_gradient(gradients: list[np.ndarray]) -> float:
    """The largest finite |g| component over the starts (row 0) of the given (steps+1, n, 2)
    arrays, or 1 when there is none: the yardstick for automatic glyph scales."""
    values = [np.abs(g[0]) for g in gradients]
    values = np.concatenate([v.ravel() for v in values]) if values else np.zeros(0)
    values = values[np.isfinite(values) & (values > 0)]
    return float(values.max()) if values.size else 1.0


OCCLUSION_STEP = 0.5     # ray-march step, in mesh cells
OCCLUSION_START = 1.0    # the first this many cells along a ray are the point's own patch
OCCLUSION_MARGIN = 0.01  # the surface must rise this fraction of the box height over the ray


def camera_centre(projection: np.ndarray) -> np.ndarray:
    """Where the camera of a 4x4 projection matrix sits, homogeneous: the data point every
    screen ray passes through (w = 0 for an orthographic camera: a direction, sign unknown)."""
    _, _, rows = np.linalg.svd(projection[[0, 1, 3]])
    return rows[-1]


class HeightField:
    """The drawn mesh as a height field, in box units (the drawn box's x:y:z proportions), for
    asking which points the surface hides from a camera.

    ``hidden`` marches each point's ray toward the camera over the mesh (bilinear between its
    vertices, as the drawn faces are) and calls the point hidden where the surface rises above
    the ray by a margin. The first cell of the ray is skipped and the margin grows by however
    far the point lies under the mesh, so a point on the surface is never hidden by its own
    patch of it.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, z: np.ndarray, surface: Surface,
                 heights: Heights) -> None:
        self.box = np.array(box_aspect(surface))
        self.origin = np.array([surface.xlim[0], surface.ylim[0], heights.low])
        self.scale = self.box / np.array([surface.xlim[1] - surface.xlim[0],
                                          surface.ylim[1] - surface.ylim[0], heights.span])
        self.z = (z - heights.low) * self.scale[2]          # (rows: y, cols: x)
        self.cells = np.array([z.shape[1] - 1, z.shape[0] - 1])
        self.cell = float(self.box[:2].max() / self.cells.max())

    def at(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The mesh height (box units) at box coordinates (u, v); NaN off the mesh."""
        fu = u / self.box[0] * self.cells[0]
        fv = v / self.box[1] * self.cells[1]
        inside = (fu >= 0) & (fu <= self.cells[0]) & (fv >= 0) & (fv <= self.cells[1])
        fu, fv = np.where(inside, fu, 0.0), np.where(inside, fv, 0.0)
        i = np.minimum(fu.astype(int), self.cells[0] - 1)
        j = np.minimum(fv.astype(int), self.cells[1] - 1)
        a, b = fu - i, fv - j
        z = self.z
        height = ((z[j, i] * (1 - a) + z[j, i + 1] * a) * (1 - b)
                  + (z[j + 1, i] * (1 - a) + z[j + 1, i + 1] * a) * b)
        return np.where(inside, height, np.nan)

    def hidden(self, points: np.ndarray, projection: np.ndarray) -> np.ndarray:
        """Which of the data points (..., 3) the surface hides from the camera of the 4x4
        ``projection`` (matplotlib's ``Axes3D.get_proj()``). NaN points are not hidden."""
        shape = points.shape[:-1]
        p = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        result = np.zeros(p.shape[0], dtype=bool)
        finite = np.isfinite(p).all(axis=1)
        if not finite.any():
            return result.reshape(shape)
        p = p[finite]
        rays = self._toward_camera(p, projection)
        box_p = (p - self.origin) * self.scale
        result[finite] = self._march(box_p, rays)
        return result.reshape(shape)

    def _toward_camera(self, p: np.ndarray, projection: np.ndarray) -> np.ndarray:
        """Unit directions (box units) from each data point toward the camera."""
        centre = camera_centre(projection)
        if abs(centre[3]) > 1e-12 * np.abs(centre[:3]).max():     # perspective: a point
            rays = centre[:3] / centre[3] - p
        else:                                                      # orthographic: a direction
            step = centre[:3] * 1e-3 * np.abs(self.box / self.scale).max()
            toward = _depth(p[:1] + step, projection) < _depth(p[:1], projection)
            rays = np.broadcast_to(step if toward[0] else -step, p.shape)
        rays = rays * self.scale
        with np.errstate(invalid="ignore", divide="ignore"):
            return rays / np.linalg.norm(rays, axis=1, keepdims=True)

    def _march(self, p: np.ndarray, rays: np.ndarray) -> np.ndarray:
        # how far each ray runs before it leaves the box sideways or rises over its top
        with np.errstate(divide="ignore", invalid="ignore"):
            exits = np.where(rays > 0, (self.box - p) / rays,
                             np.where(rays < 0, -p / rays, np.inf))
        exits[:, 2] = np.where(rays[:, 2] > 0, exits[:, 2], np.inf)
        length = np.nan_to_num(exits.min(axis=1), posinf=0.0, nan=0.0)
        step = OCCLUSION_STEP * self.cell
        start = OCCLUSION_START * self.cell
        samples = int(np.ceil(max(float(length.max()) - start, 0.0) / step)) + 1
        own = self.at(p[:, 0], p[:, 1]) - p[:, 2]            # > 0: the point is under the mesh
        margin = OCCLUSION_MARGIN * self.box[2] + np.maximum(np.nan_to_num(own), 0.0)
        hidden = np.zeros(p.shape[0], dtype=bool)
        for chunk in range(0, p.shape[0], 2048):            # bounded memory on long races
            rows = slice(chunk, chunk + 2048)
            t = np.minimum(start + step * np.arange(samples), length[rows, None])
            along = p[rows, None, :] + t[..., None] * rays[rows, None, :]
            above = self.at(along[..., 0], along[..., 1]) - along[..., 2]
            with np.errstate(invalid="ignore"):
                hidden[rows] = (above > margin[rows, None]).any(axis=1)
        return hidden


def _depth(points: np.ndarray, projection: np.ndarray) -> np.ndarray:
    """Matplotlib's projected depth of data points (n, 3): smaller is nearer the camera."""
    h = np.concatenate([points, np.ones((points.shape[0], 1))], axis=1) @ projection.T
    return h[:, 2] / h[:, 3]
