"""Optimisers against hand computations, learning-rate schedules, mini-batches."""

import math

import numpy as np
import pytest

from utils.optimizers import (exponential_lr, initialize_adam, initialize_rmsprop, initialize_velocity,
                              learning_rate_at, random_mini_batches, schedule_lr_decay, update_lr,
                              update_parameters_with_adam, update_parameters_with_gd,
                              update_parameters_with_momentum, update_parameters_with_rmsprop)


def one_weight(w=1.0, b=0.0):
    return {"W1": np.array([[w]]), "b1": np.array([[b]])}


def grads_of(dw, db=0.0):
    return {"dW1": np.array([[dw]]), "db1": np.array([[db]])}


def test_gd_step():
    new = update_parameters_with_gd(one_weight(1.0, 2.0), grads_of(0.5, -1.0), 0.1)
    assert new["W1"][0, 0] == pytest.approx(0.95) and new["b1"][0, 0] == pytest.approx(2.1)


def test_momentum_by_hand():
    p = one_weight(1.0)
    v = initialize_velocity(p)
    assert set(v) == {"dW1", "db1"} and v["dW1"][0, 0] == 0
    p, v = update_parameters_with_momentum(p, grads_of(0.5), v, beta=0.9, learning_rate=0.1)
    assert v["dW1"][0, 0] == pytest.approx(0.05)                  # 0.9*0 + 0.1*0.5
    assert p["W1"][0, 0] == pytest.approx(1 - 0.1 * 0.05)
    p, v = update_parameters_with_momentum(p, grads_of(-1.0), v, beta=0.9, learning_rate=0.1)
    assert v["dW1"][0, 0] == pytest.approx(0.9 * 0.05 - 0.1)      # -0.055
    assert p["W1"][0, 0] == pytest.approx(1 - 0.005 + 0.0055)


def test_rmsprop_by_hand():
    p = one_weight(1.0)
    s = initialize_rmsprop(p)
    p, s = update_parameters_with_rmsprop(p, grads_of(2.0), s, beta2=0.9, learning_rate=0.01, epsilon=1e-8)
    assert s["dW1"][0, 0] == pytest.approx(0.4)                   # 0.1 * 2^2
    assert p["W1"][0, 0] == pytest.approx(1 - 0.01 * 2 / (math.sqrt(0.4) + 1e-8))


def test_adam_bias_correction_by_hand():
    beta1, beta2, lr, eps = 0.9, 0.999, 0.01, 1e-8
    p = one_weight(1.0, 0.5)
    v, s = initialize_adam(p)
    w, mv, ms = 1.0, 0.0, 0.0
    for t, g in enumerate([0.5, -0.2, 0.3], start=1):
        p, v, s, v_hat, s_hat = update_parameters_with_adam(p, grads_of(g), v, s, t, lr, beta1, beta2, eps)
        mv = beta1 * mv + (1 - beta1) * g
        ms = beta2 * ms + (1 - beta2) * g * g
        mv_hat, ms_hat = mv / (1 - beta1 ** t), ms / (1 - beta2 ** t)
        w -= lr * mv_hat / (math.sqrt(ms_hat) + eps)
        assert v["dW1"][0, 0] == pytest.approx(mv, rel=1e-12)
        assert s["dW1"][0, 0] == pytest.approx(ms, rel=1e-12)
        assert v_hat["dW1"][0, 0] == pytest.approx(mv_hat, rel=1e-12)
        assert s_hat["dW1"][0, 0] == pytest.approx(ms_hat, rel=1e-12)
        assert p["W1"][0, 0] == pytest.approx(w, rel=1e-12)
        assert p["b1"][0, 0] == 0.5  # zero gradient: no move
    # with bias correction the very first step moves by ~lr whatever the gradient's size
    for g in (1e-2, 10.0):
        p1, *_ = update_parameters_with_adam(one_weight(1.0), grads_of(g), *initialize_adam(one_weight()), 1, lr)
        assert p1["W1"][0, 0] == pytest.approx(1 - lr, rel=1e-6)


def test_adam_rejects_t_zero():
    p = one_weight()
    with pytest.raises(ValueError, match=r"t: expected the Adam step count, an integer >= 1, got 0"):
        update_parameters_with_adam(p, grads_of(1.0), *initialize_adam(p), 0)


def test_updates_do_not_modify_the_state_passed_in():
    p = one_weight(1.0)
    v, s = initialize_adam(p)
    update_parameters_with_adam(p, grads_of(1.0), v, s, 1)
    assert p["W1"][0, 0] == 1.0 and v["dW1"][0, 0] == 0.0 and s["dW1"][0, 0] == 0.0


def test_inverse_time_decay_matches_the_course():
    assert update_lr(0.5, 2, 1) == pytest.approx(0.5 / 3)
    assert update_lr(0.5, 0, 1) == 0.5


def test_step_decay_changes_every_time_interval():
    assert schedule_lr_decay(0.5, 100, 1) == 0.5
    assert schedule_lr_decay(0.5, 999, 1, time_interval=1000) == 0.5
    assert schedule_lr_decay(0.5, 1000, 1, time_interval=1000) == 0.25
    assert schedule_lr_decay(0.5, 2500, 0.5, time_interval=1000) == pytest.approx(0.25)


def test_exponential_decay():
    assert exponential_lr(0.1, 0, 0.3) == 0.1
    assert exponential_lr(0.1, 10, 0.3) == pytest.approx(0.1 * math.exp(-3))


def test_learning_rate_at_dispatches_and_rejects_unknown_schedules():
    assert learning_rate_at(None, 0.1, 50, 1.0) == 0.1
    assert learning_rate_at("inverse_time", 0.1, 9, 1.0) == pytest.approx(0.01)
    assert learning_rate_at("step", 0.1, 20, 1.0, time_interval=10) == pytest.approx(0.1 / 3)
    with pytest.raises(ValueError, match=r"lr_schedule: expected one of \(None, 'inverse_time', 'exponential', "
                                         r"'step'\), got 'cosine'"):
        learning_rate_at("cosine", 0.1, 1, 1.0)


def test_random_mini_batches_sizes_and_course_order():
    X = np.arange(3 * 148, dtype=float).reshape(3, 148)
    Y = (np.arange(148) % 2).reshape(1, 148)
    batches = random_mini_batches(X, Y, 64, seed=0)
    assert [b[0].shape for b in batches] == [(3, 64), (3, 64), (3, 20)]
    assert [b[1].shape for b in batches] == [(1, 64), (1, 64), (1, 20)]
    columns = np.concatenate([b[0][0] for b in batches]).astype(int)
    np.testing.assert_array_equal(columns, np.random.RandomState(0).permutation(148))
    for bx, by in batches:  # X and Y shuffled alike
        np.testing.assert_array_equal(by[0], bx[0].astype(int) % 2)
    again = random_mini_batches(X, Y, 64, seed=0)
    np.testing.assert_array_equal(again[1][0], batches[1][0])
    other = random_mini_batches(X, Y, 64, seed=1)
    assert not np.array_equal(other[0][0], batches[0][0])


def test_mini_batch_size_larger_than_m_is_one_batch():
    X, Y = np.ones((2, 5)), np.ones((1, 5))
    assert len(random_mini_batches(X, Y, 64)) == 1


# ---- AdamW: decoupled weight decay ---------------------------------------------------------------------

def _adamw_problem(seed=0):
    rng = np.random.default_rng(seed)
    parameters = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=(3, 1)),
                  "W2": rng.normal(size=(1, 3)), "b2": rng.normal(size=(1, 1))}
    grads = {f"d{k}": rng.normal(size=v.shape) for k, v in parameters.items()}
    return parameters, grads


def test_adamw_without_decay_is_adam():
    from utils.optimizers import initialize_adam, update_parameters_with_adam, update_parameters_with_adamw
    parameters, grads = _adamw_problem()
    v, s = initialize_adam(parameters)
    adam = update_parameters_with_adam(parameters, grads, v, s, 1, 0.01)
    adamw = update_parameters_with_adamw(parameters, grads, v, s, 1, 0.01, weight_decay=0.0)
    for a, b in zip(adam, adamw):
        assert all(np.array_equal(a[k], b[k]) for k in a)


def test_adamw_shrinks_every_weight_by_the_same_fraction_and_leaves_the_biases():
    """W <- Adam's W - alpha * weight_decay * W_old: the decay is not divided by sqrt(s^) (as an L2 term would be)."""
    from utils.optimizers import initialize_adam, update_parameters_with_adam, update_parameters_with_adamw
    parameters, grads = _adamw_problem(1)
    v, s = initialize_adam(parameters)
    adam, *_ = update_parameters_with_adam(parameters, grads, v, s, 3, 0.01)
    adamw, *_ = update_parameters_with_adamw(parameters, grads, v, s, 3, 0.01, weight_decay=0.5)
    for key in ("W1", "W2"):
        np.testing.assert_allclose(adamw[key], adam[key] - 0.01 * 0.5 * parameters[key], rtol=1e-12)
    for key in ("b1", "b2"):
        assert np.array_equal(adamw[key], adam[key])
    assert all(np.array_equal(parameters[k], _adamw_problem(1)[0][k]) for k in parameters)   # inputs untouched


def test_adamw_is_in_the_registry_and_trains_a_network():
    from utils import NeuralNetwork
    from utils.optimizers import OPTIMIZERS
    assert "adamw" in OPTIMIZERS
    rng = np.random.default_rng(2)
    X = rng.normal(size=(2, 200))
    Y = (X[0] * X[1] > 0).astype(int)[None, :]
    plain = NeuralNetwork((8,), optimizer="adam", learning_rate=0.01, epochs=50, batch_size=32, dtype="float64").fit(X, Y)
    decayed = NeuralNetwork((8,), optimizer="adamw", weight_decay=1.0, learning_rate=0.01, epochs=50, batch_size=32,
                            dtype="float64").fit(X, Y)
    same = NeuralNetwork((8,), optimizer="adamw", weight_decay=0.0, learning_rate=0.01, epochs=50, batch_size=32,
                         dtype="float64").fit(X, Y)
    assert all(np.array_equal(plain.parameters_[k], same.parameters_[k]) for k in plain.parameters_)
    norm = lambda model: sum(np.sum(model.parameters_[k] ** 2) for k in model.parameters_ if k[0] == "W")
    assert norm(decayed) < norm(plain)
    assert decayed.history_["cost"][-1] < decayed.history_["cost"][0]


def test_weight_decay_belongs_to_adamw():
    from utils import NeuralNetwork
    with pytest.raises(ValueError, match=r"^weight_decay: expected 0 unless optimizer='adamw'"):
        NeuralNetwork(optimizer="adam", weight_decay=0.1)
    with pytest.raises(ValueError, match=r"^weight_decay"):
        NeuralNetwork(optimizer="adamw", weight_decay=-1.0)


def test_the_course_s_mini_batch_adam_loop_takes_neural_network_s_steps():
    """train_mini_batch_adam, the loop chapter 4's exercise writes, against NeuralNetwork: the same parameters."""
    from utils import NeuralNetwork
    from utils.optimizers import train_mini_batch_adam
    rng = np.random.default_rng(5)
    X = rng.normal(size=(4, 50))
    Y = (X[0] + X[1] ** 2 > 0.5).astype(float)[None, :]
    parameters, costs = train_mini_batch_adam(X, Y, [4, 6, 3, 1], learning_rate=0.01, mini_batch_size=16,
                                              num_epochs=5, seed=3)
    net = NeuralNetwork((6, 3), optimizer="adam", learning_rate=0.01, batch_size=16, epochs=5, seed=3,
                        initialization="he", dtype="float64", fast_path=False).fit(X, Y)
    for key in parameters:
        np.testing.assert_array_equal(parameters[key], net.parameters_[key])
    np.testing.assert_allclose(costs, net.history_["cost"], rtol=1e-12)
    assert len(costs) == 5 and costs[-1] < costs[0]
