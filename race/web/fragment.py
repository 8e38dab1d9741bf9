"""The race as a piece of HTML to embed (in a notebook's output, in a page): one place.

Either a ``<video>`` with the MP4 and its poster inlined as data: URIs, or (``interactive``) the
player of race.web.player: both work offline, from ``file://`` and inside a saved notebook.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from race.engine import Race
from race.scene import Scene
from race.web.media import Media, rendered_media

VIDEO_ATTRIBUTES = "autoplay loop muted playsinline controls"   # muted: browsers autoplay it


def animation_html(race: Race, *, interactive: bool = False, progress=None) -> str:
    """Self-contained HTML showing ``race`` animated, as wide as its container allows up to
    the scene's own width: the interactive player (scrub, pause, step, hide racers, read a
    ball's numbers; a 3D race as its video under those controls), or a video that plays
    by itself."""
    if interactive:
        from race.web.player import player_html
        return player_html(race, alt_text(race.scene), progress=progress)
    with rendered_media(race, progress=progress) as media:
        return video_figure(media, alt_text(race.scene))


def video_figure(media: Media, alt: str) -> str:
    video = data_uri(media.video, "video/mp4")
    poster = data_uri(media.poster, "image/png")
    label = escape(alt, quote=True)
    return (f'<figure class="race-animation" style="margin:0;max-width:{media.width}px">'
            f'<video {VIDEO_ATTRIBUTES} width="{media.width}" height="{media.height}" '
            f'poster="{poster}" aria-label="{label}" title="{label}" '
            f'style="display:block;width:100%;height:auto">'
            f'<source type="video/mp4" src="{video}">{escape(alt)}</video></figure>')


def data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def alt_text(scene: Scene) -> str:
    """'AdaGrad (adagrad, lr 0.01) and RMSProp (rmsprop, lr 0.001) racing on the bowl
    surface, x² + y², over 1600 steps': what a reader who cannot see the animation needs."""
    racers = []
    for racer in scene.racers:
        lr = getattr(racer.config, "lr", None)
        detail = racer.optimizer if lr is None else f"{racer.optimizer}, lr {lr:g}"
        racers.append(f"{racer.label} ({detail})")
    joined = racers[0] if len(racers) == 1 else f"{', '.join(racers[:-1])} and {racers[-1]}"
    surface = scene.surface
    shape = surface.name if surface.formula == surface.name else \
        f"{surface.name} surface, {surface.formula}"
    return f"Animation: {joined} racing on the {shape}, over {scene.steps} steps"
