"""The gallery page of ``race build --gallery``: one card per animation, as HTML.

A card shows the poster (hovering or focusing it plays the animation in place), the title, the
surface, the racers with their colours, and a link to each output, any ``.html`` output (a page,
an interactive player) first. Everything the page needs is in it (CSS and a few lines of
script, no network) except the outputs, linked relatively, so the folder can be copied anywhere
and opened from ``file://``. The cards are plain records; ``race.builds.index`` makes them from
a build's manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from importlib import resources
from string import Template
from urllib.parse import quote

LABELS = {"html": "page", "mp4": "MP4", "webm": "WebM", "webp": "WebP", "gif": "GIF",
          "apng": "APNG", "mov": "MOV", "png": "PNG", "folder": "PNG frames",
          "pptx": "PowerPoint"}
VIDEO_PLAY = ("mp4", "webm")           # what a browser plays in place, best first
IMAGE_PLAY = ("webp", "gif", "apng")


@dataclass(frozen=True)
class Racer:
    label: str
    optimizer: str
    lr: float | None
    color: str                         # '#rrggbb'


@dataclass(frozen=True)
class Link:
    href: str                          # relative to the page, POSIX
    kind: str                          # an output kind of race.write.output_kind
    bytes: int


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    alt: str
    size: tuple[int, int]
    surface: str
    formula: str
    racers: tuple[Racer, ...]
    steps: int | None
    poster: str | None                 # relative to the page
    links: tuple[Link, ...]            # the outputs, in the order shown


def order(kind: str) -> int:
    """Where an output of ``kind`` is listed on its card."""
    kinds = list(LABELS)
    return kinds.index(kind) if kind in kinds else len(kinds)


def gallery_html(cards: list[Card], title: str = "Animations") -> str:
    template = Template(resources.files("race.web").joinpath("templates", "gallery.html")
                        .read_text(encoding="utf-8"))
    count = len(cards)
    return template.substitute(
        title=escape(title), cards="\n".join(_card(card) for card in cards),
        summary=f"{count} animation{'' if count == 1 else 's'}, built by race")


def _card(card: Card) -> str:
    width, height = card.size
    playable = _playable(card.links)
    first = (playable or card.links[0]).href
    if card.poster is not None:
        media = (f'<img src="{_href(card.poster)}" alt="{escape(card.alt)}" width="{width}" '
                 f'height="{height}" loading="lazy">')
    else:
        media = f'<span class="muted">{escape(card.alt)}</span>'
    play = ""
    if playable is not None and card.poster is not None:
        kind = "video" if playable.kind in VIDEO_PLAY else "image"
        play = f' data-play="{_href(playable.href)}" data-kind="{kind}"'
    links = " ".join(_link(link) for link in card.links)
    return (f'<article id="{escape(card.key)}">'
            f'<a class="media" href="{_href(first)}"{play}>{media}</a>'
            f'<div class="text"><h2>{escape(card.title)}</h2>'
            f'<p class="muted meta">{escape(_meta(card))}</p>{_surface(card)}'
            f'{_racers(card.racers)}'
            f'<nav class="formats" aria-label="formats">{links}</nav></div></article>')


def _meta(card: Card) -> str:
    """The scene's name in the build (two scenes may share a title) and its length."""
    return card.key if card.steps is None else f"{card.key} · {card.steps:,} steps"


def _playable(links: tuple[Link, ...]) -> Link | None:
    by_kind = {link.kind: link for link in reversed(links)}
    for kind in VIDEO_PLAY + IMAGE_PLAY:
        if kind in by_kind:
            return by_kind[kind]
    return None


def _link(link: Link) -> str:
    label = LABELS.get(link.kind, link.kind)
    detail = "" if link.kind == "html" else f" · {_megabytes(link.bytes)}"
    page = ' class="page"' if link.kind == "html" else ""
    return f'<a{page} href="{_href(link.href)}">{escape(label)}{detail}</a>'


def _surface(card: Card) -> str:
    shown = escape(card.surface) if card.formula in ("", card.surface) else \
        f"{escape(card.surface)}: <code>{escape(card.formula)}</code>"
    return f'<p class="surface">{shown}</p>'


def _racers(racers: tuple[Racer, ...]) -> str:
    items = []
    for racer in racers:
        detail = racer.optimizer + ("" if racer.lr is None else f", lr {racer.lr:g}")
        items.append(f'<li><span class="swatch" style="background:{escape(racer.color)}">'
                     f'</span>{escape(racer.label)} <span class="muted">({escape(detail)})'
                     f'</span></li>')
    return f'<ul class="racers">{"".join(items)}</ul>'


def _href(relpath: str) -> str:
    """A relative link that stays one: ':' and other specials are escaped, so no path can
    become a javascript: or other URL."""
    return escape(quote(relpath, safe="/"), quote=True)


def _megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{max(count / 1e3, 0.1):.0f} kB"
