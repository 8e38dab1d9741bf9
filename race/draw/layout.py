"""Where each panel of a frame goes: pure geometry in pixels, no matplotlib.

The frame below its title band is a region; the maps (one, a 3D view beside a 2D one, or one per
racer) are packed into it as a grid whose rows x columns are chosen so the smallest map is as
large as it can be, given each map's shape and the room its tick labels need. The block of maps is
then centred, so what is left over is shared evenly around it, never left as a gap between maps.
A loss panel right of or below the maps first gets its minimum share; the maps take what they can
use of the rest and the loss panel the remainder, up to a cap, so it never crushes the maps. A
panel of fixed size (the explainer) stands right of or below all of that, whichever leaves the
maps larger.

Rectangles are (x, y, width, height) in pixels with y upward, as matplotlib's figure pixels.
A panel's *box* is its axes rectangle; its *pads* are the room outside the box its tick labels,
axis labels and title need, left, right, bottom and top.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def area(self) -> float:
        return max(self.width, 0.0) * max(self.height, 0.0)

    def inset(self, left: float, right: float, bottom: float, top: float) -> "Rect":
        return Rect(self.x + left, self.y + bottom, self.width - left - right,
                    self.height - bottom - top)


@dataclass(frozen=True)
class Pads:
    left: float = 0.0
    right: float = 0.0
    bottom: float = 0.0
    top: float = 0.0

    @property
    def across(self) -> float:
        return self.left + self.right

    @property
    def along(self) -> float:
        return self.bottom + self.top

    def max(self, other: "Pads") -> "Pads":
        return Pads(max(self.left, other.left), max(self.right, other.right),
                    max(self.bottom, other.bottom), max(self.top, other.top))


@dataclass(frozen=True)
class Panel:
    """A panel to place: its box's height over width, the pads around it, and whether the box
    may take any shape its cell has (a 3D view frames itself in whatever it is given)."""

    aspect: float
    pads: Pads = field(default_factory=Pads)
    stretch: bool = False


@dataclass(frozen=True)
class Placement:
    maps: tuple[Rect, ...]        # the boxes of the maps, in the order given
    loss: Rect | None             # the loss panel's box
    shape: tuple[int, int]        # rows, columns of the maps
    aside: Rect | None = None     # the fixed-size panel's box (the explainer), if any


# The loss panel's share of the region (along its side): at least, and at most
LOSS_SHARE = (0.26, 0.42)
# A loss panel beside (below) the maps is at least this share of the region's height (width)
LOSS_ALONGSIDE = 0.6


# The share of a self-framing (3D) panel's picture that counts as map, when sizing it
STRETCH_SHARE = 0.6
# A domain this many times longer one way than the other is drawn stretched to this shape
# instead of to scale (a 100 x 1 strip would be a line)
LONGEST_MAP = 3.0


def map_shape(xlim: tuple[float, float], ylim: tuple[float, float]) -> tuple[float, bool]:
    """A 2D map's box shape (height over width) and whether it is to scale (equal aspect)."""
    ratio = (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])
    clamped = min(max(ratio, 1 / LONGEST_MAP), LONGEST_MAP)
    return clamped, clamped == ratio


def place(region: Rect, maps: list[Panel], *, loss: Panel | None = None,
          loss_side: str = "none", gap: float = 0.0, loss_minimum: float = 0.0,
          aside: tuple[float, float] | None = None) -> Placement:
    """Boxes for ``maps`` (and the loss panel) inside ``region``; see the module's docstring.

    ``loss_minimum`` is the smallest useful loss panel across its short side (pixels, pads
    included), for frames so small that the share alone would make it unreadable. ``aside`` is
    the (width, height) of a panel of fixed size (the explainer) to stand right of or below
    all the rest: on the side that leaves the maps larger, centred on them.
    """
    if aside is None:
        boxes, loss_box, shape, whole = _block(region, maps, loss, loss_side, gap, loss_minimum)
        placed = _centred(boxes + ([loss_box] if loss_box else []), whole, region)
        return Placement(tuple(placed[:len(boxes)]), loss_box and placed[-1], shape)
    width, height = aside
    tries = []
    for right in (True, False):
        room = (Rect(region.x, region.y, max(region.width - width - gap, 1.0), region.height)
                if right else
                Rect(region.x, region.y, region.width, max(region.height - height - gap, 1.0)))
        boxes, loss_box, shape, whole = _block(room, maps, loss, loss_side, gap, loss_minimum)
        if right:       # the rest left, the panel right, both centred on the taller
            total = Rect(0.0, 0.0, whole.width + gap + width, max(whole.height, height))
            shift = (0.0, (total.height - whole.height) / 2)
            panel = Rect(whole.width + gap, (total.height - height) / 2, width, height)
        else:           # the rest above, the panel below, both centred on the wider
            total = Rect(0.0, 0.0, max(whole.width, width), whole.height + gap + height)
            shift = ((total.width - whole.width) / 2, height + gap)
            panel = Rect((total.width - width) / 2, 0.0, width, height)
        moved = [_moved(b, *shift) for b in boxes + ([loss_box] if loss_box else [])]
        placed = _centred(moved + [panel], total, region)
        smallest = min(map_size(b, p) for b, p in zip(boxes, maps))
        tries.append((smallest, Placement(tuple(placed[:len(boxes)]),
                                          placed[len(boxes)] if loss_box else None, shape,
                                          placed[-1])))
    # beside wins unless below leaves the maps clearly larger
    (beside_size, beside), (below_size, below) = tries
    return below if below_size > 1.05 * beside_size else beside


def _block(region: Rect, maps: list[Panel], loss: Panel | None, loss_side: str, gap: float,
           loss_minimum: float) -> tuple[list[Rect], Rect | None, tuple[int, int], Rect]:
    """The maps' boxes (and the loss panel's) relative to the block they make together, whose
    lower-left corner is (0, 0); returns them, the grid's shape and the block."""
    if loss is None or loss_side == "none":
        boxes, used, shape = pack(region, maps, gap)
        return boxes, None, shape, used
    horizontal = loss_side == "right"
    extent = region.width if horizontal else region.height
    least = min(max(LOSS_SHARE[0] * extent, loss_minimum), 0.6 * extent)
    most = max(LOSS_SHARE[1] * extent, least)
    # try the loss panel at several sizes: the one whose maps are largest wins, and among
    # near ties the one that fills more of the region
    tries = []
    for share in np.linspace(least, most, 9):
        room = extent - share - gap
        maps_region = (Rect(region.x, region.y, room, region.height) if horizontal
                       else Rect(region.x, region.y, region.width, room))
        boxes, used, shape = pack(maps_region, maps, gap)
        smallest = min(map_size(b, p) for b, p in zip(boxes, maps))
        tries.append((smallest, boxes, used, shape))
    best = max(t[0] for t in tries)
    filled = [(_loss_fill(t[2], horizontal, extent, gap, least, most, region), t)
              for t in tries if t[0] >= 0.97 * best]
    (share, whole_area), (_, boxes, used, shape) = max(filled, key=lambda f: f[0][1])
    if horizontal:      # maps left, loss right, both centred on the taller
        height = min(max(used.height, LOSS_ALONGSIDE * region.height), region.height)
        whole = Rect(0.0, 0.0, used.width + gap + share, max(used.height, height))
        maps_at = (0.0, (whole.height - used.height) / 2)
        outer = Rect(used.width + gap, (whole.height - height) / 2, share, height)
    else:               # maps above, loss below, both centred on the wider
        width = min(max(used.width, LOSS_ALONGSIDE * region.width), region.width)
        whole = Rect(0.0, 0.0, max(used.width, width), share + gap + used.height)
        maps_at = ((whole.width - used.width) / 2, share + gap)
        outer = Rect((whole.width - width) / 2, 0.0, width, share)
    boxes = [_moved(b, *maps_at) for b in boxes]
    box = outer.inset(loss.pads.left, loss.pads.right, loss.pads.bottom, loss.pads.top)
    return boxes, box, shape, whole


def _loss_fill(used: Rect, horizontal: bool, extent: float, gap: float, least: float,
               most: float, region: Rect) -> tuple[float, float]:
    """The loss panel's size beside maps that take ``used``: what they leave, within its
    bounds and never longer than the maps (it must not outgrow what it explains); and the
    area maps and loss panel then cover together."""
    along = used.width if horizontal else used.height
    share = max(least, min(extent - along - gap, most, along))
    across = region.height if horizontal else region.width
    return share, used.area + share * across


def pack(region: Rect, maps: list[Panel], gap: float) -> tuple[list[Rect], Rect, tuple[int, int]]:
    """The maps' boxes packed tightly in the best rows x columns, relative to a block whose
    lower-left corner is (0, 0); returns the boxes, the block (outer, pads included) and shape."""
    best = None
    for rows, columns in shapes(len(maps)):
        boxes, used = _pack_shape(region, maps, gap, rows, columns)
        smallest = min(map_size(b, p) for b, p in zip(boxes, maps))
        # the larger smallest map wins; on a near tie, the block that fills more of the region
        key = (round(smallest, 6), used.area)
        if best is None or key[0] > best[0][0] * 1.02 or \
                (key[0] >= best[0][0] * 0.98 and key[1] > best[0][1]):
            best = (key, boxes, used, (rows, columns))
    _, boxes, used, shape = best
    return boxes, used, shape


def shapes(count: int) -> list[tuple[int, int]]:
    """Rows x columns that hold ``count`` panels with no empty row or column."""
    result = []
    for rows in range(1, count + 1):
        columns = math.ceil(count / rows)
        if (rows - 1) * columns < count and rows * (columns - 1) < count:
            result.append((rows, columns))
    return result


def map_size(box: Rect, panel: Panel) -> float:
    """How large a map looks: a stretchable one by the picture of its shape it can hold, of
    which only part is the surface (the rest is its box's corners, ticks and labels)."""
    if not panel.stretch:
        return box.area
    width = min(box.width, box.height / panel.aspect)
    return width * width * panel.aspect * STRETCH_SHARE


def _pack_shape(region: Rect, maps: list[Panel], gap: float, rows: int,
                columns: int) -> tuple[list[Rect], Rect]:
    """The best packing in this shape: with stretchable panels beside fixed ones, the fixed
    ones are tried smaller too, so a wide 3D picture can take more than half a row."""
    mixed = any(p.stretch for p in maps) and not all(p.stretch for p in maps)
    best = None
    for shrink in (np.linspace(1.0, 0.3, 36) if mixed else (1.0,)):
        boxes, used = _pack_sized(region, maps, gap, rows, columns, float(shrink))
        smallest = min(map_size(b, p) for b, p in zip(boxes, maps))
        if best is None or smallest > best[0]:
            best = (smallest, boxes, used)
    return best[1], best[2]


def _pack_sized(region: Rect, maps: list[Panel], gap: float, rows: int, columns: int,
                shrink: float) -> tuple[list[Rect], Rect]:
    cell_w = (region.width - (columns - 1) * gap) / columns
    cell_h = (region.height - (rows - 1) * gap) / rows
    # every fixed-shape map the same size, the largest that fits a cell with its pads
    pads = Pads()
    for panel in maps:
        pads = pads.max(panel.pads)
    sizes = []
    for panel in maps:
        room_w, room_h = max(cell_w - pads.across, 1.0), max(cell_h - pads.along, 1.0)
        if panel.stretch:
            sizes.append([room_w, room_h])
        else:
            width = min(room_w, room_h / panel.aspect)
            sizes.append([width, width * panel.aspect])
    fixed = [s for s, p in zip(sizes, maps) if not p.stretch]
    if fixed:      # fixed maps share one size (the smallest), so a grid's columns line up
        w = min(s[0] for s in fixed) * shrink
        for s, p in zip(sizes, maps):
            if not p.stretch:
                s[:] = [w, w * p.aspect]
    grid = [list(range(r * columns, min((r + 1) * columns, len(maps)))) for r in range(rows)]
    if columns == 1:
        _give_slack(sizes, maps, [list(range(len(maps)))], axis=1, pads=pads,
                    total=region.height, gap=gap)
    else:
        _give_slack(sizes, maps, grid, axis=0, pads=pads, total=region.width, gap=gap)
    # place row by row, each row centred on the widest, rows stacked top to bottom
    row_heights = [max(sizes[i][1] for i in row) + pads.along for row in grid]
    row_widths = [sum(sizes[i][0] + pads.across for i in row) + gap * (len(row) - 1)
                  for row in grid]
    block_w, block_h = max(row_widths), sum(row_heights) + gap * (rows - 1)
    boxes: list[Rect] = [Rect(0, 0, 0, 0)] * len(maps)
    top = block_h
    for row, height, width in zip(grid, row_heights, row_widths):
        x = (block_w - width) / 2
        for i in row:
            w, h = sizes[i]
            y = top - height + (height - h - pads.along) / 2
            boxes[i] = Rect(x + pads.left, y + pads.bottom, w, h)
            x += w + pads.across + gap
        top -= height + gap
    return boxes, Rect(0.0, 0.0, block_w, block_h)


def _give_slack(sizes, maps, lines, *, axis: int, pads: Pads, total: float, gap: float) -> None:
    """In each line of panels, the length the fixed-shape maps leave unused goes to the
    stretchable ones on that line (a 3D view widens beside a height-limited 2D map)."""
    pad = pads.across if axis == 0 else pads.along
    for line in lines:
        stretch = [i for i in line if maps[i].stretch]
        if not stretch:
            continue
        used = sum(sizes[i][axis] + pad for i in line) + gap * (len(line) - 1)
        slack = total - used
        for i in stretch:
            sizes[i][axis] += slack / len(stretch)


def _moved(rect: Rect, dx: float, dy: float) -> Rect:
    return Rect(rect.x + dx, rect.y + dy, rect.width, rect.height)


def _centred(boxes: list[Rect], block: Rect, region: Rect) -> list[Rect]:
    dx = region.x + (region.width - block.width) / 2 - block.x
    dy = region.y + (region.height - block.height) / 2 - block.y
    return [_moved(b, dx, dy) for b in boxes]
