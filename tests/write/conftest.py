"""Fixtures for the writer tests; the scenes live in tiny_scenes.py."""

from __future__ import annotations

import pytest

from tiny_scenes import make_race


@pytest.fixture
def race():
    return make_race()
