"""Loss surfaces: a catalogue of built-ins.

``SURFACES`` maps registry names to built-in ``Surface`` records; ``get_surface`` looks one up.
"""

from __future__ import annotations

from race.surfaces.base import Surface
from race.surfaces.builtin import CATALOGUE

__all__ = ["SURFACES", "Surface", "get_surface"]

SURFACES: dict[str, Surface] = {surface.name: surface for surface in CATALOGUE}


def get_surface(name: str) -> Surface:
    """The built-in surface called ``name``; ``KeyError`` naming the choices if there is none."""
    try:
        return SURFACES[name]
    except (KeyError, TypeError):
        raise KeyError(f"unknown surface {name!r}; choose one of "
                       f"{', '.join(SURFACES)}") from None

