"""Scene keys `schedule` (racers) and `gradient_noise` (scene and racers), read from YAML."""

import textwrap

import pytest

from race.errors import SceneError
from race.loader import scene_from_text
from race.scene import GradientNoise
from race.schedules import get_schedule


def load(text: str):
    return scene_from_text(textwrap.dedent(text), file="scene.yaml")


def error_of(text: str) -> str:
    with pytest.raises(SceneError) as info:
        load(text)
    return str(info.value)


def racer_with(schedule: str, optimizer: str = "sgd, lr: 0.1, momentum: 0.9",
               steps: int = 100) -> str:
    return (f"surface: bowl\nsteps: {steps}\nracers:\n"
            f"  - {{optimizer: {optimizer}, schedule: {schedule}}}\n")


def test_a_schedule_is_torchs_class_name_in_any_case_with_its_keywords():
    scene = load(racer_with("{name: cosineannealinglr, T_max: 100, eta_min: 0.001}"))
    assert scene.racers[0].schedule == get_schedule("CosineAnnealingLR").config(
        T_max=100, eta_min=0.001)


def test_sequential_schedules_nest():
    scene = load(racer_with("{name: SequentialLR, milestones: [10], schedulers: "
                            "[{name: LinearLR, start_factor: 0.1, total_iters: 10}, "
                            "{name: ExponentialLR, gamma: 0.99}]}"))
    schedule = scene.racers[0].schedule
    assert schedule.milestones == (10,)
    assert schedule.schedulers[1] == get_schedule("ExponentialLR").config(gamma=0.99)


@pytest.mark.parametrize("schedule, optimizer, expected", [
    ("{name: StepLR}", "sgd",
     "racers[0].schedule: StepLR.__init__() missing 1 required positional argument: "
     "'step_size'"),
    ("{name: CyclicLR}", "sgd",
     "racers[0].schedule: CyclicLR.__init__() missing 2 required positional arguments: "
     "'base_lr' and 'max_lr'"),
    ("{name: StepLRR, step_size: 3}", "sgd",
     "racers[0].schedule.name: unknown schedule 'StepLRR'; did you mean 'StepLR'?"),
    ("{name: StepLR, step_size: 3, gama: 0.5}", "sgd",
     "racers[0].schedule.gama: unknown StepLR argument 'gama'; did you mean 'gamma'?"),
    ("{name: ConstantLR, factor: 2}", "sgd", "racers[0].schedule.factor: Constant "
     "multiplicative factor expected to be between 0 and 1."),
    ("{name: OneCycleLR, max_lr: 0.1, total_steps: 50}", "sgd, momentum: 0.9",
     "racers[0].schedule.total_steps: Tried to step 51 times. The specified number of total "
     "steps is 50"),
    ("{name: OneCycleLR, max_lr: 0.1, total_steps: 100, anneal_strategy: cosine}", "adam",
     "racers[0].schedule.anneal_strategy: anneal_strategy must be one of 'cos' or 'linear', "
     "instead got cosine"),
    ("{name: OneCycleLR, max_lr: 0.1, total_steps: 100}", "adagrad",
     "racers[0].schedule.cycle_momentum: optimizer must support momentum or beta1 with "
     "`cycle_momentum` option enabled"),
    ("{name: SequentialLR, milestones: [5], schedulers: [{name: LinearLR}, "
     "{name: CyclicLR, base_lr: 0.1, max_lr: 1}]}", "rprop",
     "racers[0].schedule.schedulers[1].cycle_momentum: optimizer must support momentum or "
     "beta1 with `cycle_momentum` option enabled"),
    ("{name: MultiStepLR, milestones: [10, x]}", "sgd",
     "racers[0].schedule.milestones[1]: expected a whole number, got 'x'"),
    ("{step_size: 3}", "sgd", "racers[0].schedule: expected a mapping with a 'name'"),
])
def test_bad_schedules_name_the_key_and_line(schedule, optimizer, expected):
    message = error_of(racer_with(schedule, optimizer))
    assert message.startswith(f"scene.yaml:4: {expected}")


def test_one_cycle_fits_exactly_total_steps():
    load(racer_with("{name: OneCycleLR, max_lr: 0.1, total_steps: 100}", steps=100))


def test_gradient_noise_is_layered_from_scene_to_racer():
    scene = load("""
        surface: bowl
        gradient_noise: {std: 0.5, seed: 3}
        racers:
          - sgd
          - {optimizer: adam, gradient_noise: {std: 2}}
          - {optimizer: adagrad, gradient_noise: null}
          - {optimizer: rmsprop, gradient_noise: {seed: 9}}
        """)
    assert scene.gradient_noise == GradientNoise(0.5, 3)
    assert [r.gradient_noise for r in scene.racers] == [
        GradientNoise(0.5, 3), GradientNoise(2.0, 3), None, GradientNoise(0.5, 9)]


def test_racers_without_noise_anywhere_have_none():
    scene = load("surface: bowl\nracers: [sgd, {optimizer: adam, gradient_noise: {std: 1}}]\n")
    assert scene.gradient_noise is None
    assert [r.gradient_noise for r in scene.racers] == [None, GradientNoise(1.0, 0)]


@pytest.mark.parametrize("noise, expected", [
    ("{std: -1}", "gradient_noise.std: expected a number at least 0, got -1"),
    ("{std: 1, seed: 1.5}", "gradient_noise.seed: expected a whole number, got 1.5"),
    ("{sd: 1}", "gradient_noise.sd: unknown gradient_noise key 'sd'; did you mean 'std'?"),
    ("0.5", "gradient_noise: expected a mapping, got 0.5"),
])
def test_bad_noise_names_the_key(noise, expected):
    assert error_of(f"surface: bowl\ngradient_noise: {noise}\nracers: [sgd]\n") == \
        f"scene.yaml:2: {expected}"
