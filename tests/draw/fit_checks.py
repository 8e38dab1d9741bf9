"""What a laid-out frame is made of, read from the figure itself: where every drawn text landed,
the boxes of the panels, and the share of the frame the maps cover."""

from __future__ import annotations

import itertools
from contextlib import contextmanager

import numpy as np
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import race
from race.engine import run
from race.draw.stage import Stage

OPTIMIZERS = ["adam", "rmsprop", "adagrad", "sgd", "momentum", "nesterov", "adadelta", "adamw",
              "nadam", "radam", "adamax"]
ASPECTS = {"4:3": (800, 600), "16:9": (1280, 720), "1:1": (600, 600), "21:9": (1260, 540)}


def scene(racers: int = 2, *, surface="bowl", steps: int = 30, title=None, **render):
    """A real scene (loaded and run) with ``racers`` optimizers from one start."""
    data = {"surface": surface, "start": [1.5, 1.0], "steps": steps,
            "racers": [{"optimizer": name, "lr": 0.05} for name in OPTIMIZERS[:racers]],
            "render": render}
    if isinstance(surface, dict):
        data["start"] = [0.8 * surface["xlim"][1], 0.8 * surface["ylim"][1]]
    if title is not None:
        data["title"] = title
    return run(race.load(data))


@contextmanager
def recording_texts():
    """Collects (text, window extent) of every non-empty text drawn while inside."""
    drawn: list[tuple[str, Bbox]] = []
    original = Text.draw

    def draw(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn.append((self.get_text(), self.get_window_extent(renderer)))

    Text.draw = draw
    try:
        yield drawn
    finally:
        Text.draw = original


def drawn_frame(result) -> tuple[Stage, np.ndarray, list[tuple[str, Bbox]]]:
    """A stage for ``result``, its frame at the middle step, and every text drawn in it."""
    with recording_texts() as texts:
        stage = Stage(result)
        frame = np.array(stage.frame(result.scene.steps // 2))
    return stage, frame, texts


def check_no_text_cut_and_no_panel_crossed(stage: Stage, texts) -> None:
    """Every drawn text inside the frame; no panel over another or over the title/legend."""
    cut = [text for text, box in texts if outside(box, stage.width, stage.height)]
    assert not cut, f"text past the frame's edge: {cut}"
    boxes = panel_boxes(stage) + chrome_boxes(stage)
    crossing = [(i, j) for i, j in itertools.combinations(range(len(boxes)), 2)
                if overlap(boxes[i], boxes[j])]
    assert not crossing, f"panels over each other or over the title/legend: {crossing}"


def outside(box: Bbox, width: int, height: int, slack: float = 0.5) -> bool:
    return box.x0 < -slack or box.y0 < -slack or box.x1 > width + slack \
        or box.y1 > height + slack


def panel_boxes(stage: Stage) -> list[Bbox]:
    """What each panel takes on the frame: a 2D panel's axes with its labels; a 3D panel's
    drawing (every pixel that differs from the background inside its box is within it)."""
    renderer = stage.canvas.get_renderer()
    boxes = []
    for view in stage.views:
        if getattr(view, "fits_cell", False):
            boxes.append(view._cell)
        else:
            boxes.append(view.ax.get_tightbbox(renderer))
    return boxes


def chrome_boxes(stage: Stage) -> list[Bbox]:
    renderer = stage.canvas.get_renderer()
    boxes = [stage.title.get_window_extent(renderer)] if stage.title.get_text() else []
    if stage.legend is not None:
        boxes.append(stage.legend.get_window_extent(renderer))
    return boxes


def overlap(a: Bbox, b: Bbox, slack: float = 1.0) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > slack
            and min(a.y1, b.y1) - max(a.y0, b.y0) > slack)


def map_boxes(stage: Stage) -> list[Bbox]:
    """The map areas: 2D axes boxes, and for 3D views the box's projected picture."""
    from race.draw.frame3d import drawn_extent

    renderer = stage.canvas.get_renderer()
    boxes = []
    for view in stage.maps:
        if getattr(view, "fits_cell", False):
            boxes.append(drawn_extent(view.ax, renderer, view.ax.azim))
        else:
            boxes.append(view.ax.get_window_extent(renderer))
    return boxes


def map_share(stage: Stage) -> float:
    """The share of the frame the maps cover."""
    area = sum(b.width * b.height for b in map_boxes(stage))
    return area / (stage.width * stage.height)
