"""``-o page.html``: one self-contained page that plays the race.

No network: the video and its poster, or the interactive player with its script, are inlined
(race.web.fragment); the layout is a few lines of CSS in ``templates/page.html``, so the page
opens from ``file://``, scales to the window and can be mailed as one file. Written atomically
like every output.
"""

from __future__ import annotations

import os
from html import escape
from importlib import resources
from pathlib import Path
from string import Template

from race.draw import check_render, errors_naming
from race.draw.theme import THEMES
from race.engine import Race
from race.scene import Scene
from race.web.fragment import animation_html
from race.write.target import output_file


def write_page(race: Race, output: str | os.PathLike, *, interactive: bool = False,
               progress=None) -> Path:
    target = check_render(race.scene, output)
    with errors_naming(target.path):
        figure = animation_html(race, interactive=interactive, progress=progress)
        text = page_html(race.scene, figure, edge_to_edge=interactive)
        with output_file(target) as temp:
            temp.write_text(text, encoding="utf-8")
    return target.path


def page_html(scene: Scene, figure: str, *, edge_to_edge: bool = False) -> str:
    """The page around ``figure`` (the race's HTML), in the scene's theme colours;
    ``edge_to_edge`` leaves no side margin, so in a window as wide as the scene the player
    shows it pixel for pixel."""
    theme = THEMES[scene.render.theme]
    template = Template(resources.files("race.web").joinpath("templates", "page.html")
                        .read_text(encoding="utf-8"))
    return template.substitute(title=escape(scene.title), background=theme.background,
                               foreground=theme.foreground, figure=figure,
                               side="0" if edge_to_edge else "2vmin")
