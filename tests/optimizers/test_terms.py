"""An optimizer's explained step is its update, bit for bit, with the quantities it was made of
in the rule's notation; the quantities are what the rule says they are."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.mathtext import MathTextParser

from parity_surfaces import GRADIENTS
from race.optimizers import OPTIMIZERS, get_optimizer
from race.optimizers.terms import Term, explainer
from test_torch_parity import FULL, FULL_IDS, make_config

OWN_NOTATION = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw",
                "rprop"}
PARAMS = np.array([[-1.5, 2.0], [0.5, -0.5], [1.0, 1.0]])


def steps(name: str, kwargs: dict, count: int = 4):
    """(params, grads, state, config) before each of ``count`` steps on Rosenbrock."""
    optimizer, config = get_optimizer(name), make_config(name, kwargs)
    params, state = PARAMS.copy(), optimizer.init(PARAMS, config)
    for _ in range(count):
        grads = GRADIENTS["rosenbrock"](params)
        yield params, grads, state, config
        params, state = optimizer.update(params, grads, state, config)


def test_the_named_optimizers_explain_themselves_and_the_rest_get_the_generic_panel():
    assert {name for name, o in OPTIMIZERS.items() if o.explain is not None} == OWN_NOTATION


@pytest.mark.parametrize("name, kwargs", FULL, ids=FULL_IDS)
def test_the_explained_step_is_the_update_bit_for_bit(name, kwargs):
    optimizer = get_optimizer(name)
    explain = explainer(optimizer)
    parser = MathTextParser("agg")
    for params, grads, state, config in steps(name, kwargs):
        new_params, new_state = optimizer.update(params, grads, state, config)
        again, again_state, terms = explain(params, grads, state, config)
        np.testing.assert_array_equal(again, new_params)
        for ours, theirs in zip(again_state, new_state):
            np.testing.assert_array_equal(ours, theirs)
        assert all(isinstance(t, Term) for t in terms)
        assert terms[-1].notation.startswith(r"$\Delta\theta")
        np.testing.assert_array_equal(terms[-1].value, new_params - params)   # the move made
        assert len({t.notation for t in terms}) == len(terms)
        for term in terms:
            value = np.asarray(term.value)
            assert value.shape in ((), PARAMS.shape), (term.notation, value.shape)
            if "$" in term.notation:      # notation matplotlib can typeset
                parser.parse(term.notation, dpi=100)


def values(terms) -> dict[str, np.ndarray]:
    return {t.notation: np.asarray(t.value) for t in terms}


def test_adagrad_shows_its_sum_of_squares_and_its_shrinking_step():
    optimizer = get_optimizer("adagrad")
    previous = None
    for params, grads, state, config in steps("adagrad", {"lr": 0.1}, 6):
        new_params, new_state, terms = optimizer.explain(params, grads, state, config)
        shown = values(terms)
        g = shown[r"$g = \nabla f(\theta)$"]
        G = shown[r"$G \leftarrow G + g^2$"]
        eta = shown[r"$\eta = \mathrm{lr}/(\sqrt{G} + \epsilon)$"]
        np.testing.assert_array_equal(g, grads)
        np.testing.assert_array_equal(G, state.sum + grads ** 2)
        np.testing.assert_array_equal(G, optimizer.accumulator(new_state))
        np.testing.assert_allclose(eta, 0.1 / (np.sqrt(G) + 1e-10), rtol=1e-15)
        np.testing.assert_allclose(-eta * g, new_params - params, rtol=1e-12)
        if previous is not None:
            assert np.all(eta <= previous)          # Adagrad's step only ever shrinks
        previous = eta


def test_adam_shows_its_moments_and_bias_corrections():
    optimizer = get_optimizer("adam")
    for t, (params, grads, state, config) in enumerate(steps("adam", {"lr": 0.01}, 5), start=1):
        new_params, new_state, terms = optimizer.explain(params, grads, state, config)
        shown = values(terms)
        m, v = shown[r"$m \leftarrow \beta_1 m + (1-\beta_1) g$"], \
            shown[r"$v \leftarrow \beta_2 v + (1-\beta_2) g^2$"]
        np.testing.assert_array_equal(m, new_state.exp_avg)
        np.testing.assert_array_equal(v, new_state.exp_avg_sq)
        assert shown[r"$1-\beta_1^t$"] == 1 - 0.9 ** t
        assert shown[r"$1-\beta_2^t$"] == 1 - 0.999 ** t
        m_hat, v_hat = shown[r"$\hat{m} = m/(1-\beta_1^t)$"], shown[r"$\hat{v} = v/(1-\beta_2^t)$"]
        np.testing.assert_allclose(m_hat, m / (1 - 0.9 ** t), rtol=1e-15)
        np.testing.assert_allclose(v_hat, v / (1 - 0.999 ** t), rtol=1e-15)
        eta = shown[r"$\eta = \mathrm{lr}/(\sqrt{\hat{v}} + \epsilon)$"]
        np.testing.assert_allclose(-eta * m_hat, new_params - params, rtol=1e-12)


def test_adamw_shows_its_decay_apart_from_its_step():
    optimizer = get_optimizer("adamw")
    for params, grads, state, config in steps("adamw", {"lr": 0.01, "weight_decay": 0.1}):
        new_params, _, terms = optimizer.explain(params, grads, state, config)
        shown = values(terms)
        decay = shown[r"decay $-\mathrm{lr}\,\lambda\theta$"]
        np.testing.assert_allclose(decay, -0.01 * 0.1 * params, rtol=1e-12)
        eta = shown[r"$\eta = \mathrm{lr}/(\sqrt{\hat{v}} + \epsilon)$"]
        m_hat = shown[r"$\hat{m} = m/(1-\beta_1^t)$"]
        np.testing.assert_allclose(decay - eta * m_hat, new_params - params, rtol=1e-9)


def test_momentum_and_nesterov_show_their_buffer_and_direction():
    for name in ("momentum", "nesterov"):
        optimizer = get_optimizer(name)
        for params, grads, state, config in steps(name, {"lr": 0.001}):
            new_params, new_state, terms = optimizer.explain(params, grads, state, config)
            shown = values(terms)
            b = shown[r"$b \leftarrow \mu b + g$"]
            np.testing.assert_array_equal(b, new_state.momentum_buffer)
            direction = shown[r"$d = g + \mu b$"] if name == "nesterov" else b
            np.testing.assert_allclose(-0.001 * direction, new_params - params, rtol=1e-12)


def test_rmsprop_and_adadelta_show_their_averages():
    rmsprop = get_optimizer("rmsprop")
    for params, grads, state, config in steps("rmsprop", {"lr": 0.01}):
        new_params, new_state, terms = rmsprop.explain(params, grads, state, config)
        shown = values(terms)
        v = shown[r"$v \leftarrow \alpha v + (1-\alpha) g^2$"]
        np.testing.assert_array_equal(v, state.square_avg * 0.99 + (1 - 0.99) * grads * grads)
        eta = shown[r"$\eta = \mathrm{lr}/(\sqrt{v} + \epsilon)$"]
        np.testing.assert_allclose(-eta * grads, new_params - params, rtol=1e-12)
    adadelta = get_optimizer("adadelta")
    for params, grads, state, config in steps("adadelta", {}):
        new_params, new_state, terms = adadelta.explain(params, grads, state, config)
        shown = values(terms)
        eta = shown[r"$\eta = \mathrm{lr}\sqrt{u + \epsilon}/\sqrt{v + \epsilon}$"]
        np.testing.assert_allclose(eta, np.sqrt(state.acc_delta + 1e-6)
                                   / np.sqrt(new_state.square_avg + 1e-6), rtol=1e-14)
        np.testing.assert_allclose(-eta * grads, new_params - params, rtol=1e-12)


def test_the_generic_panel_shows_the_gradient_lr_accumulator_and_move():
    optimizer = get_optimizer("nadam")
    for params, grads, state, config in steps("nadam", {"lr": 0.01}):
        new_params, new_state, terms = explainer(optimizer)(params, grads, state, config)
        shown = values(terms)
        assert list(shown) == [r"$\mathrm{lr}$", r"$\nabla f(\theta)$", r"accumulated $g^2$",
                               "momentum", r"$\Delta\theta$"]
        assert shown[r"$\mathrm{lr}$"] == 0.01
        np.testing.assert_array_equal(shown[r"$\nabla f(\theta)$"], grads)
        np.testing.assert_array_equal(shown[r"accumulated $g^2$"], new_state.exp_avg_sq)
