"""Fixtures for the render tests; the builders live in handmade.py."""

from __future__ import annotations

import pytest

from handmade import line, make_race, trajectory
from race.engine import Race


@pytest.fixture
def straight() -> Race:
    """One red racer crossing the bowl from (-1.5, -1) to (1.5, 1) in 20 steps."""
    return make_race(trajectory(line((-1.5, -1.0), (1.5, 1.0), 20)))
