"""A frame draws at most MAX_DRAWN_STARTS starts (and MAX_DRAWN_SAMPLES trail points): an even
sample of each racer's, the rest still simulated."""

import numpy as np

from race.draw.sampling import MAX_DRAWN_SAMPLES, MAX_DRAWN_STARTS, drawn
from race.engine import run
from race.loader import scene_from_text

SCENE = """
surface: bowl
starts: {grid: [60, 50]}
steps: 20
racers:
  - {optimizer: adam, lr: 0.1, schedule: {name: StepLR, step_size: 5}}
  - {optimizer: sgd, lr: 0.1, starts: [[1, 1], [-1, 1]]}
"""


def test_many_starts_are_sampled_evenly_and_the_legend_says_so():
    race = run(scene_from_text(SCENE))
    shown = drawn(race)
    adam, sgd = shown.trajectories
    assert adam.positions.shape[1] + sgd.positions.shape[1] <= MAX_DRAWN_STARTS
    assert sgd.positions.shape[1] == 2 and sgd.racer.label == "sgd"   # small racers keep all
    kept = adam.positions.shape[1]
    assert 1500 < kept < 3000 and adam.racer.label == f"adam ({kept:,} of 3,000 starts drawn)"
    original = race.trajectories[0]
    index = [original.racer.starts.index(start) for start in adam.racer.starts]
    assert np.array_equal(adam.positions, original.positions[:, index])
    assert np.array_equal(adam.diverged_at, original.diverged_at[index])
    assert np.array_equal(adam.learning_rates, original.learning_rates)   # per step, not start
    assert index[0] == 0 and index[-1] == 2999                            # spread over all


def test_long_races_draw_fewer_starts():
    race = run(scene_from_text(SCENE.replace("steps: 20", "steps: 2000")))
    shown = drawn(race)
    total = sum(t.positions.shape[1] for t in shown.trajectories)
    assert total * 2001 <= MAX_DRAWN_SAMPLES + 2001 * len(shown.trajectories)
    assert total < 1100


def test_a_race_within_the_budget_is_drawn_whole():
    race = run(scene_from_text(SCENE.replace("[60, 50]", "[10, 10]")))
    assert drawn(race) is race
