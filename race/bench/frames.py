"""Where one of our frames goes: its parts timed on a real Stage, in CPU milliseconds.

The Stage's own steps are wrapped with timers for the measurement only (each part's time
excludes the parts timed inside it), so the breakdown adds up to the frame: restoring the
background, drawing a turning 3D camera's axes (and of that, its surface), the views' updates,
the growing loss lines, the other moving artists, the counter and live legend, and
reading the buffer back as a writer does. CPU time, not wall time, so a busy machine does not
inflate it.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass, field

import numpy as np

from race.engine import Race

BREAKDOWN_FRAMES = 30   # frames timed, spread over the race


@dataclass
class FrameCosts:
    """Milliseconds of CPU: ``static`` once, ``parts`` per frame; ``redraw`` is a frame drawn
    in full (what ``Animation.save`` pays), None when every frame of ours is one already."""

    static: float
    parts: dict[str, float] = field(default_factory=dict)
    redraw: float | None = None

    @property
    def frame(self) -> float:
        return sum(self.parts.values())

    def line(self) -> str:
        shown = ", ".join(f"{name} {ms:.1f}" for name, ms in self.parts.items() if ms >= 0.05)
        text = f"ours per frame: {self.frame:.1f} ms CPU ({shown}); static layers " \
               f"{self.static:.0f} ms once"
        if self.redraw is not None:
            text += f"; a full redraw {self.redraw:.1f} ms"
        return text


class _Timers:
    """Exclusive CPU time per label of the wrapped callables."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._stack: list[list[float]] = []

    def wrap(self, stack: ExitStack, owner, name: str, label: str, *,
             inside: bool = True) -> None:
        """Time ``owner.name`` under ``label``; with ``inside=False``, only calls not made from
        another timed call (those count for the caller)."""
        original = getattr(owner, name)
        had = name in vars(owner)

        def timed(*args, **kwargs):
            if not inside and self._stack:
                return original(*args, **kwargs)
            self._stack.append([time.process_time(), 0.0])
            try:
                return original(*args, **kwargs)
            finally:
                begun, inner = self._stack.pop()
                spent = time.process_time() - begun
                self.totals[label] = self.totals.get(label, 0.0) + spent - inner
                if self._stack:
                    self._stack[-1][1] += spent

        setattr(owner, name, timed)
        stack.callback(lambda: setattr(owner, name, original) if had else delattr(owner, name))


def frame_costs(race: Race, steps: list[int], frames: int = BREAKDOWN_FRAMES) -> FrameCosts:
    """Our frame's parts, timed over up to ``frames`` of ``steps`` (each drawn after the one
    before it, as a render draws them)."""
    from race.draw.stage import Stage

    picks = [steps[int(i)] for i in np.unique(np.rint(np.linspace(0, len(steps) - 1, frames)))]
    fps = race.scene.render.fps
    begin = time.process_time()
    stage = Stage(race)
    try:
        stage.frame(picks[0], 0.0).tobytes()
        static = time.process_time() - begin
        timers = _Timers()
        with ExitStack() as undo:
            _instrument(stage, timers, undo)
            begin = time.process_time()
            for number, step in enumerate(picks):
                frame = stage.frame(step, number / fps)
                read = time.process_time()
                frame.tobytes()
                timers.totals["read back"] = timers.totals.get("read back", 0.0) \
                    + time.process_time() - read
            total = time.process_time() - begin
        parts = {label: seconds * 1e3 / len(picks) for label, seconds in timers.totals.items()}
        parts["other"] = max(total * 1e3 / len(picks) - sum(parts.values()), 0.0)
        redraw = None
        if not any(getattr(view, "moves_camera", False) for view in stage.views):
            begin = time.process_time()
            for number, step in enumerate(picks[:10]):
                stage.canvas.draw()          # every static layer again, as Animation.save does
                stage.frame(step, number / fps).tobytes()
            redraw = (time.process_time() - begin) * 1e3 / len(picks[:10])
        return FrameCosts(static * 1e3, parts, redraw)
    finally:
        stage.close()


def _instrument(stage, timers: _Timers, undo: ExitStack) -> None:
    timers.wrap(undo, stage.canvas, "restore_region", "restore")
    timers.wrap(undo, stage, "_draw_turning", "3D axes")
    timers.wrap(undo, stage.counter, "paste", "counter")
    timers.wrap(undo, stage, "_draw_live_legend", "live legend")
    if stage._growing is not None:
        timers.wrap(undo, stage._growing, "restore", "restore")
        timers.wrap(undo, stage._growing, "draw", "loss lines")
    for view in stage.views:
        timers.wrap(undo, view, "update", "updates")
        timers.wrap(undo, view.ax, "draw_artist", "moving artists", inside=False)
        mesh = getattr(view, "_mesh", None)
        if mesh is not None:
            timers.wrap(undo, mesh, "draw", "3D surface")
            timers.wrap(undo, mesh, "do_3d_projection", "3D surface")
