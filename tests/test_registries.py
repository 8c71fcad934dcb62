"""Issue #15: the registries (optimisers, schedules, initialisers) and the rules written once."""

import numpy as np
import pytest

from utils import atomic, cli, images, optimizers, paths
from utils import parameters_file
from utils.activations import default_activations
from utils.checks import check_activations
from utils.deep import L_model_backward, L_model_backward_with_regularization, L_model_forward, labels_from_probabilities, n_correct, predict
from utils.initializers import INITIALIZERS, METHODS, initialize_parameters_deep, weight_scale
from utils.network import NeuralNetwork
from utils.optimizers import (OPTIMIZERS, SCHEDULES, Optimizer, exponential_lr, get_optimizer, initialize_adam,
                              learning_rate_at, schedule_lr_decay, update_lr, update_parameters_with_adam)
from utils.regularization import l2_gradient


def data(m=60, n_x=6, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m)
    return X, (X[0] + X[1] > 0).astype(int)[None]


# ------------------------------------------------------------------ optimisers

def _adamw_step(parameters, grads, state, t, learning_rate, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8,
                weight_decay=0.0):
    """AdamW (decoupled weight decay): Adam's step, then W -= alpha * weight_decay * W."""
    v, s = state
    new, v, s, _, _ = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
    for key in new:
        if key[0] == "W":
            new[key] = new[key] - learning_rate * weight_decay * parameters[key]
    return new, (v, s)


def test_a_new_optimizer_is_one_function_and_one_registry_line(monkeypatch):
    monkeypatch.setitem(OPTIMIZERS, "my_adamw", Optimizer(initialize_adam, _adamw_step))  # the one line
    X, Y = data()
    options = dict(hidden_layers=(4,), epochs=5, learning_rate=0.01, seed=3)
    adamw = NeuralNetwork(optimizer="my_adamw", **options).fit(X, Y)
    adam = NeuralNetwork(optimizer="adam", **options).fit(X, Y)
    assert adamw.history_ == adam.history_  # weight decay 0: Adam's numbers, bit for bit
    for key in adam.parameters_:
        np.testing.assert_array_equal(adamw.parameters_[key], adam.parameters_[key])


def test_network_steps_through_the_registry(monkeypatch):
    calls = []
    gd = OPTIMIZERS["gd"]
    monkeypatch.setitem(OPTIMIZERS, "gd", Optimizer(gd.init, lambda *a, **k: calls.append(a[3]) or gd.step(*a, **k)))
    X, Y = data()
    NeuralNetwork(hidden_layers=(3,), epochs=4, optimizer="gd", batch_size=30, fast_path=False).fit(X, Y)
    assert calls == [1, 2, 3, 4, 5, 6, 7, 8]  # t counts the updates


def test_unknown_optimizer_is_a_value_error_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"optimizer: expected one of \('gd', 'momentum', 'rmsprop', 'adam', "
                                         r"'adamw'\), got 'nadam'"):
        get_optimizer("nadam")
    with pytest.raises(ValueError, match=r"optimizer: expected one of \('gd', .*'adamw'\), got 'sgd'"):
        NeuralNetwork(optimizer="sgd")


# ------------------------------------------------------------------ schedules

def test_schedules_registry_has_one_signature_and_runs_the_course_functions():
    assert list(SCHEDULES) == [None, "inverse_time", "exponential", "step"]
    for epoch in (0, 3, 2500):
        assert SCHEDULES[None](0.1, epoch, 0.3, 1000) == 0.1
        assert SCHEDULES["inverse_time"](0.1, epoch, 0.3, 1000) == update_lr(0.1, epoch, 0.3)
        assert SCHEDULES["exponential"](0.1, epoch, 0.3, 1000) == exponential_lr(0.1, epoch, 0.3)
        assert SCHEDULES["step"](0.1, epoch, 0.3, 7) == schedule_lr_decay(0.1, epoch, 0.3, 7)
        assert learning_rate_at("step", 0.1, epoch, 0.3, 7) == schedule_lr_decay(0.1, epoch, 0.3, 7)


def test_a_new_schedule_is_one_registry_line(monkeypatch):
    monkeypatch.setitem(SCHEDULES, "halving", lambda learning_rate0, epoch_num, decay_rate, time_interval:
                        learning_rate0 / 2 ** epoch_num)
    X, Y = data()
    model = NeuralNetwork(hidden_layers=(3,), epochs=4, learning_rate=0.08, lr_schedule="halving").fit(X, Y)
    assert model.history_["learning_rate"] == [0.08, 0.04, 0.02, 0.01]
    with pytest.raises(ValueError, match=r"lr_schedule: expected one of \(None, 'inverse_time', 'exponential', "
                                         r"'step', 'halving'\), got 'cosine'"):
        NeuralNetwork(lr_schedule="cosine")


# ------------------------------------------------------------------ initialisers

def test_initializers_registry_gives_the_weight_scales():
    assert METHODS == tuple(INITIALIZERS) == ("zeros", "random", "xavier", "glorot", "he")
    assert weight_scale("he", 8, 3) == np.sqrt(2.0 / 8)
    assert weight_scale("glorot", 8, 3) == np.sqrt(2.0 / 11)
    assert weight_scale("random", 8, 3, scale=10) == 10
    zeros = initialize_parameters_deep([4, 3, 1], "zeros")
    assert all(not np.signbit(w).any() and not w.any() for w in zeros.values())  # +0.0: nothing drawn
    with pytest.raises(ValueError, match=r"method: expected one of \('zeros', 'random', 'xavier', 'glorot', 'he'\), "
                                         r"got 'lecun'"):
        weight_scale("lecun", 4, 3)


def test_a_new_initializer_is_one_registry_line(monkeypatch):
    monkeypatch.setitem(INITIALIZERS, "lecun", lambda n_prev, n, scale: np.sqrt(1.0 / n_prev))
    lecun = initialize_parameters_deep([5, 4, 2], "lecun", seed=2)
    xavier = initialize_parameters_deep([5, 4, 2], "xavier", seed=2)
    for key in xavier:
        np.testing.assert_array_equal(lecun[key], xavier[key])
    X, Y = data(n_x=5)
    NeuralNetwork(hidden_layers=(4,), epochs=1, initialization="lecun").fit(X, Y)


# ------------------------------------------------------------------ one rule, one place

def test_labels_from_probabilities_threshold_and_argmax():
    np.testing.assert_array_equal(labels_from_probabilities(np.array([[0.2, 0.5, 0.5001, 1.0]])), [[0, 0, 1, 1]])
    AL = np.array([[0.1, 0.7, 0.3], [0.6, 0.2, 0.3], [0.3, 0.1, 0.4]])
    np.testing.assert_array_equal(labels_from_probabilities(AL), [[1, 0, 2]])
    assert labels_from_probabilities(AL).dtype == np.int64
    assert n_correct(AL, np.eye(3)[:, [1, 0, 0]]) == 2
    assert n_correct(np.array([[0.9, 0.4, 0.6]]), np.array([[1.0, 1.0, 0.0]])) == 1


def test_every_predict_uses_labels_from_probabilities():
    X, Y = data()
    model = NeuralNetwork(hidden_layers=(3,), epochs=20, learning_rate=0.1).fit(X, Y)
    expected = labels_from_probabilities(model.predict_proba(X))
    np.testing.assert_array_equal(model.predict(X), expected)
    np.testing.assert_array_equal(predict(X, None, model.parameters_, model.activations_), expected)
    assert model.score(X, Y) == n_correct(model.predict_proba(X), Y.astype(float)) / X.shape[1]


def test_default_activations_are_written_once(tmp_path):
    assert default_activations(4) == ["relu", "relu", "relu", "sigmoid"]
    assert default_activations(2, "tanh") == ["tanh", "sigmoid"]
    assert check_activations(None, 3) == default_activations(3)
    assert check_activations("tanh", 3) == default_activations(3, "tanh")
    X, Y = data()
    model = NeuralNetwork(hidden_layers=(3, 2), epochs=2).fit(X, Y)
    path = model.save(tmp_path / "net.npz")
    parameters, _ = parameters_file.read_parameters_file(path)
    from utils.persistence import save_parameters
    bare = save_parameters(tmp_path / "bare.npz", parameters)  # no activations recorded
    assert NeuralNetwork.load(bare).activations_ == default_activations(3)


def test_l2_gradient_is_the_one_training_uses():
    X, Y = data()
    parameters = initialize_parameters_deep([6, 4, 1], "he", seed=1, dtype=np.float64)
    AL, caches = L_model_forward(X, parameters)
    plain = L_model_backward(AL, Y, caches)
    regularised = L_model_backward_with_regularization(AL, Y, caches, lambd=0.7)
    for l in (1, 2):
        W = parameters[f"W{l}"]
        np.testing.assert_array_equal(regularised[f"dW{l}"], plain[f"dW{l}"] + l2_gradient(W, 0.7, X.shape[1]))


def test_paths_are_defined_once():
    assert (paths.PROJECT_ROOT / "ARCHITECTURE.md").is_file()
    assert paths.PARAMETERS_DIR == paths.PROJECT_ROOT / "parameters_saved"
    assert cli.PARAMETERS_DIR is paths.PARAMETERS_DIR and cli.PROJECT_ROOT is paths.PROJECT_ROOT


def test_write_atomically_is_one_helper(tmp_path, monkeypatch):
    assert parameters_file.write_atomically is atomic.write_atomically
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")

    def fail(file):
        file.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.write_atomically(target, fail)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["f.bin"]
    atomic.write_atomically(target, lambda file: file.write(b"new"))
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["f.bin"]

    written = []
    monkeypatch.setattr(images, "write_atomically",
                        lambda path, write: written.append(path) or atomic.write_atomically(path, write))
    images.write_cache(tmp_path / "cache_x.h5", "key", a=np.arange(3), names=["a", "b"])
    assert written == [tmp_path / "cache_x.h5"]
    assert images.read_cache(tmp_path / "cache_x.h5", "key")["names"] == ["a", "b"]


def test_optimizers_module_exposes_the_registries():
    assert optimizers.OPTIMIZERS is OPTIMIZERS and optimizers.SCHEDULES is SCHEDULES
