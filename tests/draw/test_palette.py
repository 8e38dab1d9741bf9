"""Every racer gets a colour of its own, the automatic ones clear of the user's."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import race
from race.draw.palette import DISTINCT, delta_e, racer_colors
from race.draw.theme import DARK, LIGHT, OKABE_ITO_LIGHT


def colors(racers: list, theme: str = "light") -> list[str]:
    scene = race.load({"surface": "bowl", "start": [1, 1], "racers": racers,
                       "render": {"theme": theme}})
    return [r.color for r in scene.racers]


def closest_pair(palette: list[str]) -> float:
    distances = delta_e(palette, palette)
    np.fill_diagonal(distances, np.inf)
    return float(distances.min())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_eleven_racers_never_repeat_a_colour(theme):
    chosen = colors(["adam"] * 11, theme)
    assert len(set(chosen)) == 11
    assert closest_pair(chosen) >= DISTINCT


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_most_racers_a_scene_may_have_are_all_told_apart(theme):
    chosen = colors(["sgd"] * 64, theme)
    assert len(set(chosen)) == 64
    assert closest_pair(chosen) >= 10


def test_an_automatic_colour_is_never_one_the_user_chose():
    # the reported case: RMSProp's automatic orange beside a user's 'orange'
    chosen = colors(["adam", "rmsprop", {"optimizer": "sgd", "color": "orange"}])
    assert chosen[2] == "orange"
    assert delta_e(chosen[:2], ["orange"]).min() >= DISTINCT
    assert closest_pair(chosen) >= DISTINCT


def test_user_colours_are_kept_as_given_and_count_wherever_they_are():
    chosen = colors([{"optimizer": "sgd", "color": "#0072b2"}, "adam", "adam"])
    assert chosen[0] == "#0072b2" and OKABE_ITO_LIGHT[0] not in chosen[1:]


def test_the_default_palettes_are_colour_blind_safe():
    # Okabe and Ito's set, which stays distinct under the common colour vision deficiencies
    okabe_ito = {"#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00",
                 "#cc79a7", "#ffffff"}
    assert set(LIGHT.palette) <= okabe_ito and set(DARK.palette) <= okabe_ito
    assert len(LIGHT.palette) == len(DARK.palette) == 8


def test_colours_past_the_palette_show_on_the_background():
    for theme in (LIGHT, DARK):
        chosen = racer_colors([None] * 30, theme.palette, theme.background)
        from race.draw.palette import lab

        lightness = lab(chosen[len(theme.palette):])[:, 0]
        assert np.all(np.abs(lightness - lab([theme.background])[0, 0]) >= 25)


def test_the_choice_is_the_same_every_time():
    assert racer_colors([None] * 20, LIGHT.palette, LIGHT.background) == \
        racer_colors([None] * 20, LIGHT.palette, LIGHT.background)


def test_pairwise_distance_is_symmetric_and_zero_on_the_diagonal():
    sample = ["red", "#00ff00", "C3", "white"]
    d = delta_e(sample, sample)
    assert np.allclose(d, d.T) and np.allclose(np.diag(d), 0)
    for a, b in itertools.combinations(range(4), 2):
        assert d[a, b] > 10
