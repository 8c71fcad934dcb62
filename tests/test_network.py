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


# ---------------------------------------------------------------- fit checks the hyperparameters it is about to use

@pytest.mark.parametrize("attribute, value, argument", [
    ("learning_rate", float("nan"), "learning_rate"),
    ("learning_rate", -0.1, "learning_rate"),
    ("epochs", -1, "epochs"),
    ("epochs", 10 ** 20, "epochs"),
    ("epochs", 2.5, "epochs"),
    ("keep_prob", 0, "keep_prob"),
    ("keep_prob", float("inf"), "keep_prob"),
    ("hidden_layers", "abc", "hidden_layers"),
    ("hidden_layers", (4, 4), "activations"),          # one activation name left for two layers
    ("hidden_layers", (5000,) * 6, "hidden_layers"),   # past MAX_PARAMETERS already between the hidden layers
    ("activations", ["relu", "tanh"], "activations"),
    ("activations", "gelu", "activations"),
    ("optimizer", "sgd", "optimizer"),
    ("batch_size", 0, "batch_size"),
    ("lambd", float("nan"), "lambd"),
    ("seed", -1, "seed"),
    ("dtype", "int64", "dtype"),
    ("init_scale", 0, "init_scale"),
    ("output", "linear", "output"),
])
def test_fit_checks_attributes_set_after_construction(attribute, value, argument):
    X, y = blobs(40)
    model = NeuralNetwork((4,), activations=["relu"], epochs=3)
    setattr(model, attribute, value)
    with pytest.raises(ValueError, match=rf"^{argument}: expected") as error:
        model.fit(X, y)
    assert "diverged" not in str(error.value)
    assert not hasattr(model, "parameters_") and not hasattr(model, "history_")  # refused before any work


def test_fit_checks_seed_and_epochs_together_whenever_they_were_set():
    X, y = blobs(40)
    model = NeuralNetwork((4,), epochs=3, batch_size=8)
    model.seed = 2 ** 32 - 2
    with pytest.raises(ValueError, match=r"^seed, epochs: expected seed \+ epochs <= 2\*\*32 with mini-batches"):
        model.fit(X, y)


def test_attributes_set_after_construction_train_as_the_constructor_would():
    """fit normalises what was set exactly as the constructor does: the same training, bit for bit."""
    X, y = blobs(60)
    built = NeuralNetwork((5,), "tanh", learning_rate=0.5, epochs=30, seed=3, batch_size=16).fit(X, y)
    model = NeuralNetwork((3, 3), "relu", epochs=1)
    model.hidden_layers, model.activations = (5,), "tanh"     # _hidden_activations follows the new ones
    model.learning_rate, model.epochs, model.seed, model.batch_size = np.float64(0.5), np.int64(30), np.int32(3), 16
    model.fit(X, y)
    assert model.activations_ == built.activations_ == ["tanh", "sigmoid"]
    assert model.history_["cost"] == built.history_["cost"]
    for key, value in built.parameters_.items():
        np.testing.assert_array_equal(model.parameters_[key], value)
    assert type(model.epochs) is int and model.hidden_layers == [5]


# ---------------------------------------------------------------- score refuses what fit refuses

def refuses_labels(call, argument, fragment):
    with pytest.raises(ValueError, match=rf"^{argument}: expected ") as error:
        call()
    assert fragment in str(error.value), error.value


def test_score_refuses_labels_a_sigmoid_model_cannot_output():
    X, y = blobs(40)
    model = small(epochs=5).fit(X, y)
    assert model.output_ == "sigmoid"
    two = np.where(y == 1, 2, 0)
    refuses_labels(lambda: model.score(X, two), "Y", "expected labels in 0..1 (the classes seen in training), got "
                                                    "values [0, 2]")
    refuses_labels(lambda: NeuralNetwork((4,), output="sigmoid", epochs=1).fit(X, two), "Y",  # fit: the same rule
                   "expected labels in {0, 1} for output='sigmoid'")
    refuses_labels(lambda: model.score(X, one_hot(y, 3)), "Y", "expected one-hot labels of 2 rows")
    refuses_labels(lambda: model.score(X, two[:, None]), "Y", "got values [0, 2]")        # a column of labels
    assert model.score(X, one_hot(y, 2)) == model.score(X, y)                              # 2 rows: fine


def test_score_refuses_labels_beyond_the_classes_seen_in_training():
    X, y = blobs(90, classes=3)
    model = small(epochs=5).fit(X, y)
    assert model.output_ == "softmax" and model.n_classes_ == 3
    refuses_labels(lambda: model.score(X, (y + 1) % 4), "Y", "expected labels in 0..2 (the classes seen in training)")
    refuses_labels(lambda: model.score(X, one_hot(y, 4)), "Y", "one-hot labels of 3 rows")
    refuses_labels(lambda: model.score(X, one_hot(y % 2, 2)), "Y", "one-hot labels of 3 rows, for labels in 0..2")
    refuses_labels(lambda: small(epochs=2).fit(X, y, X, one_hot(y, 4)), "Y_val", "one-hot labels of 3 rows")
    assert model.score(X, one_hot(y, 3)) == model.score(X, y)


def test_a_loaded_model_scores_by_the_same_rule(tmp_path):
    X, y = blobs(40)
    path = small(epochs=3).fit(X, y).save(tmp_path / "m.npz")
    model = NeuralNetwork.load(path)
    refuses_labels(lambda: model.score(X, y * 2), "Y", "the classes seen in training")


def test_the_course_predict_refuses_labels_its_output_layer_cannot_give():
    from utils import predict
    X, y = blobs(40)
    model = small(epochs=3).fit(X, y)
    refuses_labels(lambda: predict(X, y * 2, model.parameters_, print_accuracy=False), "y",
                   "expected labels in {0, 1} (the output layer has one unit)")
    X3, y3 = blobs(60, classes=3)
    soft = small(epochs=3).fit(X3, y3)
    refuses_labels(lambda: predict(X3, one_hot(y3, 4), soft.parameters_, soft.activations_, print_accuracy=False),
                   "y", "one-hot labels of 3 rows")
    refuses_labels(lambda: predict(X3, y3 + 1, soft.parameters_, soft.activations_, print_accuracy=False), "y",
                   "expected labels in 0..2 (the output layer has 3 units)")
    assert predict(X, y, model.parameters_, print_accuracy=False).shape == (1, 40)


def test_metrics_refuse_labels_outside_a_one_hot_argument_s_classes():
    from utils.metrics import confusion_matrix, f1_score
    y = np.array([0, 1, 2, 1])
    assert accuracy(one_hot(y, 3), y) == 1.0 and accuracy(one_hot(y, 4), one_hot(y, 4)) == 1.0
    refuses_labels(lambda: accuracy(one_hot(y, 3), y + 1), "y_pred", "expected labels in 0..2 (the 3 rows of the "
                                                                     "one-hot y_true), got values [1, 2, 3]")
    refuses_labels(lambda: accuracy(one_hot(y, 3), one_hot(y, 4)), "y_pred", "one-hot labels of 3 rows")
    refuses_labels(lambda: confusion_matrix(y + 1, one_hot(y, 3)), "y_true", "the 3 rows of the one-hot y_pred")
    refuses_labels(lambda: f1_score(one_hot(y, 3), [0, 1, 3, 1], average="macro"), "y_pred", "got values [0, 1, 3]")


# ---------------------------------------------------------------- a long history still fits in the file

def test_a_long_history_is_saved_as_arrays_and_loads_as_lists(tmp_path):
    """A JSON list of 200,000 epochs' numbers is past the file's 4 Mi characters: NeuralNetwork.save writes arrays."""
    from utils.network import HISTORY_LIST_LIMIT
    from utils.persistence import load_parameters
    X, y = blobs(40)
    model = small(epochs=2).fit(X, y)
    n = 200_000
    model.history_ = {"cost": list(np.linspace(0.7, 0.1, n)), "train_accuracy": [0.5] * n, "val_cost": [],
                      "val_accuracy": [], "learning_rate": [0.1] * n}
    path = model.save(tmp_path / "long.npz")
    _, meta = load_parameters(path)
    assert isinstance(meta["history"]["cost"], np.ndarray) and meta["history"]["val_cost"] == []
    assert NeuralNetwork.load(path).history_ == model.history_   # lists again, every number exact
    short = small(epochs=3).fit(X, y)
    _, meta = load_parameters(short.save(tmp_path / "short.npz"))
    assert meta["history"]["cost"] == short.history_["cost"] and HISTORY_LIST_LIMIT >= 10_000  # short: JSON lists


def test_load_takes_what_it_can_of_free_form_hyperparameters(tmp_path):
    """The metadata's hyperparameters are free-form: NeuralNetwork.load takes the constructor's names whose
    values it accepts, and never fails on the others (a name like 'self', a text, another trainer's keys)."""
    from pathlib import Path

    from utils.persistence import save_parameters

    rng = np.random.default_rng(0)
    parameters = {"W1": rng.normal(size=(3, 4)), "b1": np.zeros((3, 1)), "W2": rng.normal(size=(1, 3)),
                  "b2": np.zeros((1, 1))}
    path = save_parameters(tmp_path / "free.npz", parameters, activations="tanh",
                           hyperparameters={"self": 1, "num_iterations": 5, "initialization": "randn / sqrt(n)",
                                            "learning_rate": 0.5, "epochs": -3, "seed": 7})
    model = NeuralNetwork.load(path)
    assert model.activations_ == ["tanh", "sigmoid"] and model.learning_rate == 0.5 and model.seed == 7
    assert model.epochs == NeuralNetwork().epochs and model.initialization == NeuralNetwork().initialization
    assert model.metadata_["hyperparameters"]["num_iterations"] == 5
    X = rng.normal(size=(4, 6))
    assert model.predict(X).shape == (1, 6)
    root = Path(__file__).resolve().parents[1]
    for saved in sorted((root / "parameters_saved").glob("*.npz")):   # every file the project ships
        assert NeuralNetwork.load(saved).layer_dims_[0] > 0


def test_a_dtype_no_parameters_file_stores_is_refused_before_training():
    with pytest.raises(ValueError, match="dtype: expected np.float32 or np.float64 .*got float128"):
        NeuralNetwork(dtype=np.longdouble if np.dtype(np.longdouble).itemsize > 8 else "float128")
