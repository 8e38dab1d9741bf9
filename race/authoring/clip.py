"""The settings of a preview clip: a short, small animation of a scene, quick to render."""

from __future__ import annotations

from race.draw.sizing import frame_dpi
from race.scene import Render

CLIP_WIDTH = 480      # pixels at most
CLIP_FPS = 12         # frames per second at most
CLIP_SECONDS = 3.0    # of race, at most
CLIP_HOLD = 0.5       # seconds on the last frame, at most
MIN_DPI = 10          # the least render.dpi takes


def clip_settings(render: Render) -> dict:
    """``render`` keys that shrink a scene's animation to a preview clip: at most
    CLIP_WIDTH wide (aspect kept, both sides even so every format can encode it, and the dpi
    shrunk alike so the picture is laid out as the full size one is), CLIP_FPS frames a
    second, CLIP_SECONDS of race and CLIP_HOLD of hold. Never enlarges anything."""
    width, height = render.size
    scale = min(1.0, CLIP_WIDTH / width)
    size = [max(16, 2 * round(width * scale / 2)), max(16, 2 * round(height * scale / 2))]
    seconds = CLIP_SECONDS if render.duration is None else min(render.duration, CLIP_SECONDS)
    # the dpi the full-size frame is drawn at (its own, or the automatic one), shrunk alike
    dpi = max(MIN_DPI, round(frame_dpi(render.size, render.dpi) * scale))
    return {"size": size, "dpi": dpi, "fps": min(render.fps, CLIP_FPS), "duration": seconds,
            "steps_per_frame": None, "hold": min(render.hold, CLIP_HOLD)}
