"""Loss surfaces: a catalogue of built-ins, and custom ones from a formula in x and y.

``SURFACES`` maps registry names to built-in ``Surface`` records; ``get_surface`` looks one up;
``surface_from_expression`` builds one from user text (see ``race.surfaces.expression`` for
what is accepted and the limits). sympy is imported only when a custom surface is built.
"""

from __future__ import annotations

from race.surfaces.base import Surface
from race.surfaces.builtin import CATALOGUE

__all__ = ["SURFACES", "Surface", "get_surface", "surface_from_expression"]

SURFACES: dict[str, Surface] = {surface.name: surface for surface in CATALOGUE}


def get_surface(name: str) -> Surface:
    """The built-in surface called ``name``; ``KeyError`` naming the choices if there is none."""
    try:
        return SURFACES[name]
    except (KeyError, TypeError):
        raise KeyError(f"unknown surface {name!r}; choose one of "
                       f"{', '.join(SURFACES)}") from None


def surface_from_expression(expr: str, xlim, ylim, name: str = "custom") -> Surface:
    """A Surface for the formula ``expr`` in x and y over ``xlim`` x ``ylim``, with its exact
    gradient; ``race.errors.ExpressionError`` if the text, domain or result is unusable."""
    from race.surfaces.expression import surface_from_expression as build
    return build(expr, xlim, ylim, name=name)
