"""The 3D view's surface: one collection of faces, projected and depth-sorted with numpy.

``Axes3D.plot_surface`` makes a ``Poly3DCollection`` that, on every draw, projects each face's
four corners and builds a new matplotlib ``Path`` for each of its faces (1,600 for the 40 x 40
mesh). A fixed camera pays that once; an orbiting one on every frame, about a quarter of what
drawing the surface costs besides Agg's own rasterising. ``SurfaceMesh`` projects the grid's
vertices (a quarter as many as the faces' corners), orders the faces far to near exactly as
``Poly3DCollection`` does (by the mean projected depth of their corners), and writes them into
Paths made once. The faces, their corners' order, their colours and the drawing order are
``plot_surface``'s, so the picture is the same pixel for pixel; only the bookkeeping is gone.

Faces with an undefined corner (a surface that is NaN somewhere) are kept as ``plot_surface``
keeps them, without that corner, and drawn by ``Poly3DCollection``'s own code.
"""

from __future__ import annotations

import numpy as np
from matplotlib.path import Path
from mpl_toolkits.mplot3d import art3d

# a face's corners as plot_surface lists them (its array perimeter): (r, c), (r, c+1),
# (r+1, c+1), (r+1, c)
CORNERS = ((0, 0), (0, 1), (1, 1), (1, 0))


class SurfaceMesh(art3d.Poly3DCollection):
    """The faces of the grid ``x, y, z`` (rows, cols), face (r, c) coloured ``facecolors[r, c]``
    (an RGBA array of at least (rows - 1, cols - 1)) with edges of ``edgecolors`` (one colour,
    or one per face, row by row); other keywords as for a ``Poly3DCollection`` (line width,
    antialiasing, zorder)."""

    def __init__(self, x: np.ndarray, y: np.ndarray, z: np.ndarray, facecolors: np.ndarray,
                 edgecolors, **kwargs) -> None:
        rows, cols = z.shape
        grid = np.stack([x, y, z], axis=-1).reshape(-1, 3)
        r, c = np.meshgrid(np.arange(rows - 1), np.arange(cols - 1), indexing="ij")
        # (faces, 4) indices of each face's corners into the flattened grid
        corners = np.stack([(r + dr) * cols + (c + dc) for dr, dc in CORNERS], axis=-1)
        corners = corners.reshape(-1, 4)
        colors = np.asarray(facecolors)[:rows - 1, :cols - 1].reshape(-1, 4)
        edges = np.asarray(edgecolors)
        faces = grid[corners]
        finite = np.isfinite(faces).all(axis=-1)
        self._whole = bool(finite.all())
        if self._whole:
            verts = faces
        else:            # as plot_surface: undefined corners dropped, empty faces too
            keep = finite.any(axis=1)
            verts = [face[ok] for face, ok in zip(faces[keep], finite[keep])]
            colors = colors[keep]
            if edges.ndim == 2 and len(edges) == len(keep):
                edges = edges[keep]
        super().__init__(verts, facecolors=colors, edgecolors=edges, shade=False, **kwargs)
        self._grid = grid
        self._corners = corners
        # the drawn faces, far to near: paths made once, their vertices rewritten per frame
        self._drawn = np.zeros((len(corners), 5, 2))
        template = Path(self._drawn[0], closed=True)
        self._fixed_paths = [Path._fast_from_codes_and_verts(xy, template.codes,
                                                             internals_from=template)
                             for xy in self._drawn]

    def do_3d_projection(self) -> float:
        if not self._whole or self._A is not None or getattr(self, "_axlim_clip", False) \
                or self.axes.get_xscale() != "linear" or self.axes.get_zscale() != "linear" \
                or self.axes.get_yscale() != "linear":
            return super().do_3d_projection()
        grid = self._grid
        points = np.array([grid[:, 0], grid[:, 1], grid[:, 2], np.ones(len(grid))])
        product = np.dot(self.axes.M, points)
        projected = (product[:3] / product[3]).T          # (vertices, 3)
        faces = projected[self._corners]                   # (faces, 4, 3)
        depth = faces[..., 2]
        order = np.argsort(np.average(depth, axis=-1), axis=-1)[::-1]
        self._drawn[:, :4] = faces[order, :, :2]
        self._drawn[:, 4] = self._drawn[:, 0]
        self._paths = self._fixed_paths
        self.stale = True
        count = len(order)     # one colour for all, or one per face (then in drawing order)
        face, edge = self._facecolor3d, self._edgecolor3d
        self._facecolors2d = face[order] if len(face) == count else face
        self._edgecolors2d = edge[order] if len(edge) == count else edge
        return float(np.min(depth))
