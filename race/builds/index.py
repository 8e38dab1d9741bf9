"""The gallery of a build, OUT_DIR/index.html, made from its manifest (``race.web.gallery``
draws it): every scene built into OUT_DIR, by this build or an earlier one, with the outputs
that are still on disk; no scene is loaded."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from race.builds.manifest import Manifest, size_on_disk
from race.builds.plan import OutDir
from race.write.target import file_target, output_file

PAGE = "index.html"
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def write_gallery(root: OutDir, manifest: Manifest, keys: list[str]) -> bool:
    """Write the page for the scenes ``keys`` (in that order) unless it already says exactly
    that; True when written. The caller has checked the page is ours to replace."""
    from race.web.gallery import gallery_html

    cards = [card for card in (card_of(root, key, manifest) for key in keys) if card]
    text = gallery_html(cards)
    path = root.place(PAGE)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    with output_file(file_target(path)) as temp:
        temp.write_text(text, encoding="utf-8")
    manifest.written.add(PAGE)
    manifest.save(root.real)
    return True


def card_info(scene) -> dict[str, Any]:
    """What the gallery shows of a scene, kept in the manifest so that the page is made
    without loading any scene."""
    from matplotlib.colors import to_hex

    from race.web.fragment import alt_text

    surface = scene.surface
    return {"scene": scene.source, "title": scene.title, "alt": alt_text(scene),
            "surface": {"name": surface.name, "formula": surface.formula},
            "racers": [{"label": r.label, "optimizer": r.optimizer,
                        "lr": getattr(r.config, "lr", None),
                        "color": to_hex(r.color, keep_alpha=False)} for r in scene.racers],
            "steps": scene.steps, "size": [int(v) for v in scene.render.size]}


def card_of(root: OutDir, key: str, manifest: Manifest):
    """The card of scene ``key``, or None when none of its animations is on disk. The
    manifest is a file anyone could edit: every value is checked before it is used."""
    from race.web.gallery import Card, Link, Racer, order

    info = manifest.scenes.get(key, {})
    links, posters = [], []
    for relpath, record in manifest.outputs(key).items():
        if not (isinstance(record, dict) and _inside(relpath)):
            continue
        size = size_on_disk(root.real / relpath, relpath.endswith("/"))
        if size is None:
            continue
        if record.get("role") == "poster":
            posters.append(relpath)
        else:
            links.append(Link(relpath, str(record.get("kind")), size))
    if not links:
        return None
    links.sort(key=lambda link: (order(link.kind), link.href))
    stills = [link.href for link in links if link.kind == "png"]
    surface = info.get("surface") if isinstance(info.get("surface"), dict) else {}
    racers = tuple(Racer(_text(r.get("label")), _text(r.get("optimizer")), _number(r.get("lr")),
                         r["color"] if HEX.match(str(r.get("color", ""))) else "#888888")
                   for r in info.get("racers", []) if isinstance(r, dict))
    title = _text(info.get("title")) or key
    steps = info.get("steps")
    return Card(key, title, _text(info.get("alt")) or title, _size(info.get("size")),
                _text(surface.get("name")), _text(surface.get("formula")), racers,
                steps if isinstance(steps, int) and not isinstance(steps, bool) else None,
                (posters or stills or [None])[0], tuple(links))


def _inside(relpath: str) -> bool:
    path = PurePosixPath(relpath)
    return bool(relpath) and not path.is_absolute() and ".." not in path.parts


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def _size(value: Any) -> tuple[int, int]:
    if isinstance(value, list) and len(value) == 2 and \
            all(isinstance(v, int) and 0 < v < 100_000 for v in value):
        return value[0], value[1]
    return 800, 600
