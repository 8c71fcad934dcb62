"""NeuralNetwork: fit / predict / score, label formats, softmax, optimisers, early stopping, callbacks."""

import numpy as np
import pytest

from utils import NeuralNetwork, accuracy, predict_y, train_NN
from utils.costs import one_hot


def blobs(m=200, classes=2, seed=0, spread=0.8):
    """Gaussian blobs in 2-D: X (2, m), labels (m,) in 0..classes-1."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, m)
    angles = 2 * np.pi * np.arange(classes) / classes
    centers = 3 * np.stack([np.cos(angles), np.sin(angles)])
    return centers[:, labels] + rng.standard_normal((2, m)) * spread, labels


def small(**options):
    defaults = dict(hidden_layers=(8,), learning_rate=0.1, epochs=200)
    defaults.update(options)
    return NeuralNetwork(**defaults)


@pytest.mark.accuracy
def test_fit_predict_score_binary():
    X, y = blobs()
    model = small()
    assert model.fit(X, y) is model
    assert model.output_ == "sigmoid" and model.layer_dims_ == [2, 8, 1]
    proba = model.predict_proba(X)
    assert proba.shape == (1, 200) and np.all((proba >= 0) & (proba <= 1))
    p = model.predict(X)
    assert p.shape == (1, 200) and set(np.unique(p)) <= {0, 1}
    assert model.score(X, y) > 0.97
    assert model.parameters_["W1"].dtype == np.float32


def test_label_formats_give_the_same_model():
    X, y = blobs(80)
    a = small(epochs=20).fit(X, y)
    b = small(epochs=20).fit(X, y.reshape(1, -1))
    np.testing.assert_array_equal(a.parameters_["W1"], b.parameters_["W1"])
    c = small(epochs=20, output="softmax").fit(X, y)
    d = small(epochs=20).fit(X, one_hot(y, 2))
    assert c.output_ == d.output_ == "softmax"
    np.testing.assert_array_equal(c.parameters_["W2"], d.parameters_["W2"])


@pytest.mark.accuracy
def test_softmax_multiclass():
    X, y = blobs(300, classes=4)
    model = small(hidden_layers=(16,), epochs=300, optimizer="adam", learning_rate=0.01).fit(X, y)
    assert model.output_ == "softmax" and model.n_classes_ == 4 and model.layer_dims_ == [2, 16, 4]
    proba = model.predict_proba(X)
    assert proba.shape == (4, 300)
    np.testing.assert_allclose(proba.sum(axis=0), 1, rtol=1e-5)
    assert set(np.unique(model.predict(X))) == {0, 1, 2, 3}
    assert model.score(X, y) > 0.9
    assert model.score(X, one_hot(y, 4)) == model.score(X, y)


@pytest.mark.accuracy
@pytest.mark.parametrize("optimizer, lr", [("gd", 0.1), ("momentum", 0.1), ("rmsprop", 0.005), ("adam", 0.005)])
def test_every_optimizer_learns_with_mini_batches(optimizer, lr):
    X, y = blobs(256, classes=3)
    model = small(hidden_layers=(10,), optimizer=optimizer, learning_rate=lr, epochs=40, batch_size=32).fit(X, y)
    cost = model.history_["cost"]
    assert cost[-1] < 0.5 * cost[0]
    assert model.score(X, y) > 0.9


def test_history_has_one_entry_per_epoch_and_cheap_train_accuracy_is_right():
    X, y = blobs(100)
    X_val, y_val = blobs(50, seed=1)
    scores = []
    model = small(epochs=15, learning_rate=0.05).fit(X, y, X_val, y_val, callback=lambda e, m: scores.append(m.score(X, y)))
    h = model.history_
    assert all(len(h[k]) == 15 for k in ("cost", "train_accuracy", "val_cost", "val_accuracy", "learning_rate"))
    # train accuracy of epoch e is measured on the parameters after e updates
    np.testing.assert_allclose(h["train_accuracy"][1:], scores[:-1])
    assert h["val_accuracy"][-1] == model.score(X_val, y_val)


def test_callback_can_stop_training():
    X, y = blobs(60)
    seen = []

    def callback(epoch, model):
        seen.append((epoch, model.history_["cost"][-1]))
        return epoch < 4

    model = small(epochs=100).fit(X, y, callback=callback)
    assert model.n_epochs_ == 5 and [e for e, _ in seen] == [0, 1, 2, 3, 4]


def test_early_stopping_restores_the_best_parameters():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((20, 40)), rng.integers(0, 2, 40)           # pure noise: overfits fast
    X_val, y_val = rng.standard_normal((20, 200)), rng.integers(0, 2, 200)
    model = small(hidden_layers=(50,), epochs=2000, optimizer="adam", learning_rate=0.01, early_stopping=True,
                  patience=20).fit(X, y, X_val, y_val)
    val = model.history_["val_cost"]
    assert model.n_epochs_ < 2000
    assert model.n_epochs_ == model.best_epoch_ + 21
    assert model.best_epoch_ == int(np.argmin(val))
    restored = NeuralNetwork(hidden_layers=(50,))
    from utils.deep import L_model_forward
    from utils.costs import compute_cost
    AL, _ = L_model_forward(X_val.astype(np.float32), model.parameters_, model.activations_)
    assert compute_cost(AL, y_val.reshape(1, -1)) == pytest.approx(min(val), rel=1e-4)


def test_lr_schedule_is_recorded():
    X, y = blobs(40)
    model = small(epochs=5, lr_schedule="inverse_time", decay_rate=1.0).fit(X, y)
    np.testing.assert_allclose(model.history_["learning_rate"], [0.1 / (1 + e) for e in range(5)])


def test_l2_shrinks_the_weights():
    X, y = blobs(100)
    plain = small(hidden_layers=(20,), epochs=300, learning_rate=0.3).fit(X, y)
    l2 = small(hidden_layers=(20,), epochs=300, learning_rate=0.3, lambd=5.0).fit(X, y)
    assert np.linalg.norm(l2.parameters_["W1"]) < 0.8 * np.linalg.norm(plain.parameters_["W1"])


@pytest.mark.accuracy
def test_dropout_trains_and_prediction_is_deterministic():
    X, y = blobs(200)
    model = small(hidden_layers=(30,), keep_prob=0.7, epochs=200).fit(X, y)
    assert model.score(X, y) > 0.95
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))


def test_seed_makes_training_reproducible_and_float64_on_request():
    X, y = blobs(50)
    a = small(epochs=10, batch_size=16, keep_prob=0.8, seed=7, dtype=np.float64).fit(X, y)
    b = small(epochs=10, batch_size=16, keep_prob=0.8, seed=7, dtype=np.float64).fit(X, y)
    assert a.parameters_["W1"].dtype == np.float64
    np.testing.assert_array_equal(a.parameters_["W1"], b.parameters_["W1"])


def test_progress_bar_and_print_cost(capsys):
    X, y = blobs(40)
    small(epochs=101, progress=True, print_cost=True).fit(X, y)
    captured = capsys.readouterr()
    assert "Cost after epoch 100" in captured.out
    assert "101/101" in captured.err


def test_seed_api_wrappers():
    X, y = blobs(100)
    model = train_NN(X, y, hidden_layers=(6,), learning_rate=0.1, epochs=100)
    assert isinstance(model, NeuralNetwork)
    p = predict_y(X, model)
    np.testing.assert_array_equal(p, model.predict(X))
    np.testing.assert_array_equal(predict_y(X, model.parameters_, model.activations_), p)
    assert accuracy(y, p) == model.score(X, y)


def test_save_and_load_round_trip(tmp_path):
    X, y = blobs(60, classes=3)
    model = small(epochs=30).fit(X, y)
    path = model.save(tmp_path / "model.npz", dataset="blobs")
    loaded = NeuralNetwork.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.output_ == "softmax" and loaded.n_classes_ == 3
    assert loaded.metadata_["dataset"] == "blobs" and loaded.learning_rate == 0.1
    assert loaded.history_["cost"] == pytest.approx(model.history_["cost"])


def test_init_scale_reaches_random_initialisation():
    X = np.random.default_rng(0).standard_normal((2, 50)).astype(np.float32)
    Y = (X[:1] > 0).astype(int)
    small = NeuralNetwork((5,), initialization="random", init_scale=0.01, epochs=1).fit(X, Y)
    large = NeuralNetwork((5,), initialization="random", init_scale=10, epochs=1).fit(X, Y)
    ratio = np.abs(large.parameters_["W1"]).mean() / np.abs(small.parameters_["W1"]).mean()
    assert 500 < ratio < 1500  # 10 / 0.01 = 1000, less one tiny gradient step each
    assert large.get_params()["init_scale"] == 10


def test_logistic_regression_reports_no_hidden_activation():
    model = NeuralNetwork(hidden_layers=())
    assert "activations=()" in repr(model)
    assert model.get_params()["activations"] == []
    assert NeuralNetwork(**model.get_params()).hidden_layers == []


@pytest.mark.parametrize("options", [dict(), dict(optimizer="adam", batch_size=16), dict(dtype=np.float64),
                                     dict(optimizer="rmsprop", batch_size=32, dtype=np.float64)])
def test_x_in_c_or_fortran_order_gives_the_same_model(options):
    """fit works on X in Fortran order (X.T C-contiguous, faster): a C-ordered X gives bit-identical results."""
    rng = np.random.default_rng(0)
    X_c, y = np.ascontiguousarray(rng.standard_normal((300, 70))), rng.integers(0, 3, 70)
    X_f = np.asfortranarray(X_c)
    models = [NeuralNetwork(hidden_layers=(16, 8), epochs=20, learning_rate=0.01, **options).fit(X, y)
              for X in (X_c, X_f)]
    for key, value in models[0].parameters_.items():
        np.testing.assert_array_equal(models[1].parameters_[key], value)
    assert models[0].history_ == models[1].history_
