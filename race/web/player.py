"""The interactive player: one self-contained piece of HTML that plays, pauses, scrubs and steps
a race, hides and shows racers, and shows a ball's numbers under the pointer.

For 2D scenes (contour maps, with or without the loss panel) the browser draws the moving
layers itself (``static/player.js``) over one image of the Stage's static picture, from the
trajectories at the steps the frames show; the layout and styles come from the Stage
(``race.web.picture``), so the page at step K is the still at step K. For a scene with a 3D view
it is the encoded video under the same controls. No network, no library: the script and its
styles are package data, inlined into every player.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from importlib import resources
from string import Template
from typing import Any

from race.draw.schedule import frame_steps
from race.draw.theme import THEMES
from race.engine import Race
from race.web.tracks import frame_indices, packed, race_tracks, shown_steps

SPEEDS = (0.25, 0.5, 1, 2, 4, 8)


def player_html(race: Race, alt: str, *, progress=None) -> str:
    """The player for ``race`` (``alt`` describes it for who cannot see it)."""
    from race.draw.contour import ContourView
    from race.draw.loss import LossView
    from race.draw.sampling import drawn
    from race.draw.stage import Stage
    from race.web.picture import draws_in_browser, read_picture

    race = drawn(race)          # what the frames draw: at most MAX_DRAWN_STARTS starts
    render = race.scene.render
    frames = frame_steps(render, race.scene.steps)
    shown = shown_steps(frames)
    stage = Stage(race)
    try:
        in_browser = draws_in_browser(stage)
        if in_browser:
            picture = read_picture(stage, shown)
            maps = {index: (racer, view.ax) for view in stage.views
                    if isinstance(view, ContourView)
                    for index, racer in zip(view.racers, view.artists)}
            loss = next((view.ax for view in stage.views if isinstance(view, LossView)), None)
            tracks = race_tracks(race, shown, maps, loss)
    finally:
        stage.close()
    if not in_browser:
        return video_player(race, alt, frames, shown, progress=progress)
    racers = [{**style, "tracks": track} for style, track in zip(picture.racers, tracks)]
    data = {**common_data(race, frames, shown), "mode": "canvas", "panels": picture.panels,
            "racers": racers, "legends": picture.legends, "counter": picture.counter}
    width, height = picture.width, picture.height
    image = (f'<img class="rp-static" src="{picture.image}" alt="{escape(alt, quote=True)}" '
             f'width="{width}" height="{height}" draggable="false">'
             f'<canvas class="rp-moving" aria-hidden="true"></canvas>')
    if progress is not None:
        progress(1, 1)
    return fill(race, data, image)


def video_player(race: Race, alt: str, frames: list[int], shown: list[int], *,
                 progress=None) -> str:
    """A 3D race: its MP4 and poster under the player's controls (scrub, step, pause, speed,
    loop), frame by frame."""
    from race.web.fragment import data_uri
    from race.web.media import rendered_media

    with rendered_media(race, progress=progress) as media:
        video = (f'<video class="rp-video" muted playsinline preload="auto" '
                 f'width="{media.width}" height="{media.height}" '
                 f'poster="{data_uri(media.poster, "image/png")}" '
                 f'aria-label="{escape(alt, quote=True)}">'
                 f'<source type="video/mp4" src="{data_uri(media.video, "video/mp4")}">'
                 f'{escape(alt)}</video>')
    data = {**common_data(race, frames, shown), "mode": "video"}
    return fill(race, data, video)


def common_data(race: Race, frames: list[int], shown: list[int]) -> dict[str, Any]:
    render = race.scene.render
    return {"version": 1, "width": int(render.size[0]), "height": int(render.size[1]),
            "fps": render.fps, "loop": render.loop, "steps": race.scene.steps,
            "shown": packed(shown, "<u4"), "frames": frame_indices(frames, shown),
            "labels": [t.racer.label for t in race.trajectories]}


def fill(race: Race, data: dict[str, Any], picture: str) -> str:
    """The player's HTML around ``picture`` (image and canvas, or video) with ``data``."""
    render = race.scene.render
    theme = THEMES[render.theme]
    text = script_json(data)
    width, height = int(render.size[0]), int(render.size[1])
    return template("player.html").substitute(
        id="race-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12],
        width=width, height=height, background=theme.background, foreground=theme.foreground,
        mode=data["mode"], picture=picture, steps=race.scene.steps,
        speeds="".join(f'<option value="{s}"{" selected" if s == 1 else ""}>{s:g}×</option>'
                       for s in SPEEDS),
        data=text, css=static("player.css"), js=static("player.js"))


def script_json(data: dict[str, Any]) -> str:
    """JSON that is safe inside a <script> element: no '</' can close it early."""
    return json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")


def static(name: str) -> str:
    return resources.files("race.web").joinpath("static", name).read_text(encoding="utf-8")


def template(name: str) -> Template:
    return Template(resources.files("race.web").joinpath("templates", name)
                    .read_text(encoding="utf-8"))
