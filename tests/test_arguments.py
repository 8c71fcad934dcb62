"""Every public function refuses bad arguments with a ValueError whose message starts with the argument's name.

Property-based (hypothesis) over argument values, dtypes, shapes and label values, beside examples.
Each test asserts the exact argument named at the start of the message, never just "some exception".
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from utils import (L_layer_model, L_model_backward, L_model_backward_with_regularization, L_model_forward,
                   L_model_forward_with_dropout, NeuralNetwork, accuracy, compute_cost,
                   confusion_matrix, f1_score, gradient_check_n, initialize_parameters, initialize_parameters_deep,
                   linear_forward, one_hot, precision, predict, predict_y, random_mini_batches, recall, train_NN,
                   two_layer_model)
from utils.checks import MAX_CLASSES, MAX_PARAMETERS, check_arguments, read_labels
from utils.planar import load_planar_dataset, make_circles, make_moons, make_spirals
from utils.plots import plot_confusion_matrix, plot_cost_curve, plot_decision_boundary
from utils.preprocessing import fit_standardizer, preprocess_images, shift_images, standardize

FAST = settings(max_examples=25, deadline=None)

P = initialize_parameters_deep([3, 4, 1], "he", seed=0)
X = np.random.default_rng(0).standard_normal((3, 6)).astype(np.float32)
Y = np.array([[0, 1, 1, 0, 1, 0]])


def refuses(argument, call, *args, **kwargs):
    """call(*args, **kwargs) raises ValueError "<argument>: expected ... got ..."; returns the message."""
    with pytest.raises(ValueError, match=rf"^{re.escape(argument)}: ") as error:
        call(*args, **kwargs)
    message = str(error.value)
    assert "expected" in message, message
    return message


# ---------------------------------------------------------------- bad values, by kind

def not_a_number():
    """Values that are not real numbers: strings, bools, None, complex, containers, NaN, inf."""
    return st.one_of(st.text(max_size=5), st.booleans(), st.none(), st.complex_numbers(min_magnitude=1),
                     st.lists(st.integers(), max_size=2), st.sampled_from([float("nan"), float("inf"), -float("inf")]))


def not_an_integer():
    return st.one_of(not_a_number(), st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: v != int(v)),
                     st.sampled_from([1.0, 2.0, np.float64(3.0)]))


BAD = {  # argument -> strategy of refused values
    "learning_rate": st.one_of(not_a_number(), st.floats(max_value=0)),
    "epsilon": st.one_of(not_a_number(), st.floats(max_value=0)),
    "init_scale": st.one_of(not_a_number(), st.floats(max_value=0)),
    "lambd": st.one_of(not_a_number(), st.floats(max_value=-1e-300)),
    "decay_rate": st.one_of(not_a_number(), st.floats(max_value=-1e-300)),
    "keep_prob": st.one_of(not_a_number(), st.floats(max_value=0), st.floats(min_value=1, exclude_min=True)),
    "beta": st.one_of(not_a_number(), st.floats(max_value=-1e-300), st.floats(min_value=1)),
    "beta1": st.one_of(not_a_number(), st.floats(min_value=1)),
    "beta2": st.one_of(not_a_number(), st.floats(min_value=1), st.floats(max_value=-1e-9)),
    "epochs": st.one_of(not_an_integer(), st.integers(max_value=-1)),
    "time_interval": st.one_of(not_an_integer(), st.integers(max_value=0)),
    "patience": st.one_of(not_an_integer(), st.integers(max_value=0)),
    "batch_size": st.one_of(st.booleans(), st.text(max_size=3), st.floats(), st.integers(max_value=0)),
    "seed": st.one_of(not_an_integer(), st.integers(max_value=-1), st.integers(min_value=2 ** 32)),
    "dtype": st.one_of(st.sampled_from(["foo", "int64", np.int32, "U3", object, complex, bool, None, "float"
                                        "128x", 3])),
    "early_stopping": st.one_of(st.integers(), st.text(max_size=3), st.none()),
    "progress": st.one_of(st.integers(), st.text(max_size=3), st.none()),
    "print_cost": st.one_of(st.integers(), st.text(max_size=3)),
    "optimizer": st.one_of(st.text(max_size=6).filter(lambda s: s not in ("gd", "adam")), st.none(), st.integers()),
    "lr_schedule": st.one_of(st.text(max_size=6).filter(lambda s: s != "step"), st.integers()),
    "initialization": st.one_of(st.text(max_size=6).filter(lambda s: s not in ("he", "zeros", "random", "xavier", "glorot")), st.none(),
                                st.integers()),
    "output": st.one_of(st.text(max_size=6).filter(lambda s: s != "auto"), st.none(), st.integers()),
    "hidden_layers": st.one_of(st.text(min_size=1, max_size=4), st.floats(), st.integers(), st.none(),
                               st.lists(st.integers(max_value=0), min_size=1, max_size=3),
                               st.lists(st.floats(), min_size=1, max_size=3),
                               st.lists(st.booleans(), min_size=1, max_size=3)),
    "activations": st.one_of(st.text(max_size=6).filter(lambda s: s not in ("relu", "tanh", "sigmoid", "softmax")),
                             st.integers(), st.none(), st.lists(st.sampled_from(["relu", "gelu"]), min_size=4)),
}

GOOD = {  # argument -> strategy of accepted values
    "learning_rate": st.floats(min_value=1e-12, max_value=1e6),
    "lambd": st.floats(min_value=0, max_value=1e6),
    "keep_prob": st.floats(min_value=1e-6, max_value=1),
    "beta": st.floats(min_value=0, max_value=0.999),
    "beta2": st.floats(min_value=0, max_value=0.9999),
    "epsilon": st.floats(min_value=1e-12, max_value=1),
    "epochs": st.integers(0, 10 ** 6),
    "batch_size": st.one_of(st.none(), st.integers(1, 10 ** 6)),
    "seed": st.integers(0, 2 ** 31),
    "dtype": st.sampled_from([np.float32, np.float64, "float32", "float64", float, np.dtype("float16")]),
    "time_interval": st.integers(1, 10 ** 6),
    "patience": st.integers(1, 1000),
    "decay_rate": st.floats(min_value=0, max_value=100),
    "init_scale": st.floats(min_value=1e-6, max_value=100),
    "early_stopping": st.booleans(),
    "hidden_layers": st.lists(st.integers(1, 64), max_size=4),
}


@FAST
@given(data=st.data(), argument=st.sampled_from(sorted(BAD)))
def test_the_constructor_names_every_bad_argument(data, argument):
    value = data.draw(BAD[argument], label=argument)
    message = refuses(argument, NeuralNetwork, **{argument: value})
    assert "got" in message


@FAST
@given(data=st.data(), argument=st.sampled_from(sorted(BAD)))
def test_set_params_checks_like_the_constructor(data, argument):
    model = NeuralNetwork((4,))
    before = model.get_params()
    refuses(argument, model.set_params, **{argument: data.draw(BAD[argument], label=argument)})
    assert model.get_params() == before  # nothing changed by a refused call


@FAST
@given(data=st.data())
def test_good_arguments_are_accepted_and_round_trip_through_get_params(data):
    options = {name: data.draw(strategy, label=name) for name, strategy in GOOD.items()}
    model = NeuralNetwork(**options)
    params = model.get_params()
    assert set(params) == set(NeuralNetwork._param_names())
    assert NeuralNetwork(**params).get_params() == params
    assert NeuralNetwork().set_params(**params).get_params() == params


def test_set_params_refuses_unknown_names_and_returns_self():
    refuses("learning_rte", NeuralNetwork().set_params, learning_rte=0.1)
    model = NeuralNetwork((3,))
    assert model.set_params(hidden_layers=(5, 2), activations=["tanh", "relu"]) is model
    assert model.hidden_layers == [5, 2] and model.get_params()["activations"] == ["tanh", "relu"]
    refuses("activations", model.set_params, hidden_layers=(5,))  # two activation names for one layer


@pytest.mark.parametrize("kwargs, argument", [
    (dict(hidden_layers=2.5), "hidden_layers"),
    (dict(hidden_layers="12"), "hidden_layers"),
    (dict(hidden_layers=(MAX_PARAMETERS + 1,)), "hidden_layers"),
    (dict(lambd=-1), "lambd"),
    (dict(decay_rate=-5), "decay_rate"),
    (dict(time_interval=0), "time_interval"),
    (dict(seed="abc"), "seed"),
    (dict(dtype="foo"), "dtype"),
    (dict(dtype=np.int64), "dtype"),
    (dict(beta=1.0), "beta"), (dict(beta1=-0.1), "beta1"), (dict(beta2=1.0), "beta2"),
    (dict(epsilon=0), "epsilon"), (dict(patience=0), "patience"), (dict(init_scale=0), "init_scale"),
    (dict(init_scale=-1), "init_scale"), (dict(batch_size=True), "batch_size"),
    (dict(activations="gelu"), "activations"), (dict(activations=None), "activations"),
    (dict(seed=2 ** 32 - 5, batch_size=8, epochs=10), "seed, epochs"),
])
def test_the_issue_s_constructor_cases(kwargs, argument):
    refuses(argument, NeuralNetwork, **kwargs)


# ---------------------------------------------------------------- X and labels in fit / predict / score

REFUSED_DTYPES = [object, "U3", "S3", complex, bool, "datetime64[s]"]


@FAST
@given(dtype=st.sampled_from(REFUSED_DTYPES), m=st.integers(1, 6))
def test_fit_refuses_non_real_X(dtype, m):
    bad = np.zeros((3, m)).astype(dtype)
    message = refuses("X", NeuralNetwork((2,), epochs=1).fit, bad, np.arange(m) % 2)
    assert message.startswith("X: expected real numbers")


def test_object_X_is_named_not_reported_as_divergence():
    bad = np.array([[1.0, 2.0], [3.0, "4"]], dtype=object)
    message = refuses("X", NeuralNetwork((2,), epochs=3).fit, bad, [0, 1])
    assert "diverged" not in message


@FAST
@given(labels=st.one_of(
    arrays("U2", st.integers(1, 6), elements=st.text(alphabet="ab", min_size=1, max_size=2)),
    arrays(complex, st.integers(1, 6)),
    arrays(np.float64, st.integers(1, 6), elements=st.floats(0.1, 0.9)),
    arrays(np.int64, st.integers(1, 6), elements=st.integers(-10 ** 12, -1)),
    arrays(np.int64, st.integers(1, 6), elements=st.integers(MAX_CLASSES, 10 ** 12)),
))
def test_fit_refuses_labels_that_are_not_class_indices(labels):
    m = labels.shape[0]
    labels = labels.copy()
    labels[-1] = labels[-1]  # keep at least the last bad value
    refuses("Y", NeuralNetwork((2,), epochs=1).fit, np.ones((3, m)), labels)


def test_fit_refuses_a_label_of_a_billion_without_allocating_it():
    message = refuses("Y", NeuralNetwork((2,), epochs=1).fit, np.ones((3, 4)), [0, 1, 2, 10 ** 9])
    assert str(MAX_CLASSES) in message


@FAST
@given(m=st.integers(2, 8), data=st.data())
def test_a_column_of_labels_is_labels_for_fit_and_score(m, data):
    labels = np.array(data.draw(st.lists(st.integers(0, 1), min_size=m, max_size=m), label="labels"))
    labels[0], labels[-1] = 0, 1
    Xm = np.random.default_rng(m).standard_normal((2, m))
    model = NeuralNetwork((3,), epochs=2).fit(Xm, labels[:, None])
    assert model.output_ == "sigmoid" and model.n_classes_ == 2
    p = model.predict(Xm)[0]
    for layout in (labels, labels[None, :], labels[:, None], one_hot(labels, 2)):
        assert model.score(Xm, layout) == pytest.approx(np.mean(p == labels))


def test_one_example_may_be_one_hot_when_fit_knows_m_is_one():
    model = NeuralNetwork((2,), epochs=1).fit(np.ones((3, 2)), [0, 2])
    assert model.score(np.ones((3, 1)), [[0], [0], [1]]) in (0.0, 1.0)  # one one-hot example of class 2
    refuses("Y", model.score, np.ones((3, 2)), [[0], [0], [1]])  # three labels for two examples


@pytest.mark.parametrize("call, argument", [
    (lambda: NeuralNetwork((2,), epochs=1).fit(X, Y, callback=3), "callback"),
    (lambda: NeuralNetwork((2,), epochs=1).fit(X, np.ones((6, 1)) * 2.5), "Y"),
    (lambda: NeuralNetwork((2,), epochs=1).fit(X, np.ones((2, 6))), "Y"),  # (C, m) that is not one-hot
    (lambda: NeuralNetwork((2,), epochs=1).fit(X, [[0, 1], [1, 0]]), "Y"),
    (lambda: NeuralNetwork((2,), epochs=1).fit(X, Y, X, np.array(["a"] * 6)), "Y_val"),
    (lambda: NeuralNetwork((2,), epochs=1).fit([[1, 2], [3]], [0, 1]), "X"),  # ragged
    (lambda: NeuralNetwork((MAX_PARAMETERS // 2,), epochs=1).fit(np.ones((10, 2)), [0, 1]), "hidden_layers"),
    (lambda: NeuralNetwork((2,), epochs=1).fit(X, Y).score(X, ["a"] * 6), "Y"),
    (lambda: NeuralNetwork((2,), epochs=1).fit(X, Y).score(X, [0, 1]), "Y"),
    (lambda: NeuralNetwork((2,), epochs=1).fit(X, Y).predict(X.astype(complex)), "X"),
    (lambda: predict_y(X, "parameters.npz"), "model"),
    (lambda: train_NN(X, Y, (2,), epochs=1, learning_rte=0.1), "learning_rte"),
    (lambda: train_NN(X, Y, 2.5), "hidden_layers"),
])
def test_network_entry_points_name_the_argument(call, argument):
    refuses(argument, call)


# ---------------------------------------------------------------- metrics: the label rule

def test_the_issue_s_column_labels_are_labels_not_one_hot():
    assert accuracy([[1], [0], [0], [0]], [[1], [1], [1], [1]]) == 0.25
    assert precision([[1], [0], [0], [0]], [[1], [1], [1], [1]]) == 0.25
    assert recall([[1], [0], [0], [0]], [[1], [1], [1], [1]]) == 1.0
    np.testing.assert_array_equal(confusion_matrix([[1], [0], [0], [0]], [[1], [1], [1], [1]]), [[0, 3], [0, 1]])


LAYOUTS = [lambda y: y, lambda y: y[None, :], lambda y: y[:, None], lambda y: y.astype(float)]


@FAST
@given(data=st.data(), m=st.integers(2, 30), C=st.integers(2, 5))
def test_every_label_layout_gives_the_same_metrics(data, m, C):
    t = np.array(data.draw(st.lists(st.integers(0, C - 1), min_size=m, max_size=m), label="y_true"))
    p = np.array(data.draw(st.lists(st.integers(0, C - 1), min_size=m, max_size=m), label="y_pred"))
    expected = np.mean(t == p)
    layouts = LAYOUTS + [lambda y: np.eye(C)[:, y]]
    for to_true in layouts:
        for to_pred in layouts:
            assert accuracy(to_true(t), to_pred(p)) == pytest.approx(expected)
            np.testing.assert_array_equal(confusion_matrix(to_true(t), to_pred(p), C), confusion_matrix(t, p, C))
    assert f1_score(t[:, None], p, average="macro") == f1_score(t, p, average="macro")


@FAST
@given(values=st.one_of(
    arrays("U3", st.integers(1, 5)), arrays(complex, st.integers(1, 5)),
    arrays(object, st.integers(1, 5), elements=st.integers(0, 1)),
    arrays(np.float64, st.integers(1, 5), elements=st.floats(0.01, 0.99)),
    arrays(np.float64, st.integers(1, 5), elements=st.sampled_from([np.nan, np.inf])),
    arrays(np.int64, st.integers(1, 5), elements=st.integers(-100, -1)),
    arrays(np.int64, st.integers(1, 5), elements=st.integers(MAX_CLASSES, 2 ** 62)),
    arrays(np.float64, st.tuples(st.integers(2, 4), st.integers(2, 4)), elements=st.floats(0.01, 0.99)),
    arrays(np.int64, st.tuples(st.integers(1, 3), st.integers(2, 3), st.integers(2, 3))),
), metric=st.sampled_from([accuracy, precision, recall, f1_score, confusion_matrix]),
   which=st.sampled_from(["y_true", "y_pred"]))
def test_metrics_name_the_bad_labels(values, metric, which):
    good = np.zeros(values.shape[-1] if values.ndim == 2 else values.shape[0], dtype=int)
    args = (values, good) if which == "y_true" else (good, values)
    refuses(which, metric, *args)


@pytest.mark.parametrize("call, argument", [
    (lambda: accuracy([0, 1], [0, 1, 1]), "y_pred"),
    (lambda: accuracy([], []), "y_true"),
    (lambda: confusion_matrix([0, 1], [0, 1], num_classes=True), "num_classes"),
    (lambda: confusion_matrix([0, 1], [0, 1], num_classes=2.0), "num_classes"),
    (lambda: confusion_matrix([0, 1], [0, 1], num_classes=MAX_CLASSES + 1), "num_classes"),
    (lambda: precision([0, 1], [0, 1], positive=-1), "positive"),
    (lambda: recall([0, 1], [0, 1], positive="1"), "positive"),
    (lambda: f1_score([0, 1], [0, 1], average=None), "average"),
    (lambda: f1_score([0, 1], [0, 1], average=np.array(["macro"])), "average"),
])
def test_metric_options_are_named(call, argument):
    refuses(argument, call)


def test_read_labels_reports_whether_labels_were_one_hot():
    labels, C = read_labels(np.eye(3)[:, [2, 0, 1]], "Y")
    assert labels.tolist() == [2, 0, 1] and C == 3
    labels, C = read_labels(np.array([[True], [False]]), "Y")
    assert labels.tolist() == [1, 0] and C is None


# ---------------------------------------------------------------- the step-by-step API

@FAST
@given(dtype=st.sampled_from(REFUSED_DTYPES), shape=st.tuples(st.integers(1, 4), st.integers(1, 4)))
def test_forward_refuses_non_real_X_and_parameters(dtype, shape):
    refuses("X", L_model_forward, np.zeros((3, shape[1])).astype(dtype), P)
    bad = dict(P, W1=P["W1"].astype(dtype))
    refuses("parameters['W1']", L_model_forward, X, bad)


@FAST
@given(shape=st.one_of(st.tuples(st.integers(0, 5)), st.tuples(st.integers(0, 5), st.integers(0, 0)),
                       st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)),
                       st.tuples(st.sampled_from([1, 2, 4, 5]), st.integers(1, 4))))
def test_forward_refuses_X_of_the_wrong_shape(shape):
    refuses("X", L_model_forward, np.zeros(shape), P)


@FAST
@given(data=st.data(), argument=st.sampled_from(["learning_rate", "num_iterations", "seed", "lambd", "keep_prob",
                                                 "dtype", "print_cost", "initialization"]))
def test_L_layer_model_names_every_bad_argument(data, argument):
    strategy = BAD["epochs" if argument == "num_iterations" else argument]
    options = {"num_iterations": 1, argument: data.draw(strategy, label=argument)}
    refuses(argument, L_layer_model, X, Y, [3, 2, 1], **options)


@FAST
@given(data=st.data(), argument=st.sampled_from(["learning_rate", "num_iterations", "seed", "dtype"]))
def test_two_layer_model_names_every_bad_argument(data, argument):
    strategy = BAD["epochs" if argument == "num_iterations" else argument]
    options = {"num_iterations": 1, argument: data.draw(strategy, label=argument)}
    refuses(argument, two_layer_model, X, Y, (3, 2, 1), **options)


@FAST
@given(dims=st.one_of(st.integers(), st.text(max_size=4), st.none(), st.floats(),
                      st.lists(st.integers(max_value=0), min_size=2, max_size=4),
                      st.lists(st.floats(1, 5), min_size=2, max_size=4), st.lists(st.integers(1, 5), max_size=1),
                      st.just([10 ** 5, 10 ** 5, 1])))
def test_layer_dims_are_checked_everywhere(dims):
    refuses("layer_dims", initialize_parameters_deep, dims)
    refuses("layer_dims", L_layer_model, X, Y, dims)
    refuses("layers_dims", two_layer_model, X, Y, dims)


@pytest.mark.parametrize("call, argument", [
    (lambda: initialize_parameters_deep([3, 1], seed="abc"), "seed"),
    (lambda: initialize_parameters_deep([3, 1], seed=-1), "seed"),
    (lambda: initialize_parameters_deep([3, 1], dtype="foo"), "dtype"),
    (lambda: initialize_parameters_deep([3, 1], "random", scale=-1), "scale"),
    (lambda: initialize_parameters_deep([3, 1], 3), "method"),
    (lambda: initialize_parameters(0, 4, 1), "n_x"),
    (lambda: initialize_parameters(3, 2.5, 1), "n_h"),
    (lambda: initialize_parameters(3, 4, "1"), "n_y"),
    (lambda: linear_forward([[1.0]], np.ones((1, 1)), np.zeros((1, 1))), "A"),
    (lambda: linear_forward(np.ones((3, 2)), np.ones((1, 3)), np.zeros((2, 1))), "b"),
    (lambda: L_model_forward(X, P, activations=5), "activations"),
    (lambda: L_model_forward_with_dropout(X, P, keep_prob=0.5, rng="abc"), "rng"),
    (lambda: L_model_forward_with_dropout(X, P, keep_prob=True), "keep_prob"),
    (lambda: L_model_forward_with_dropout(X, P, keep_prob=0.5, masks=np.ones((4, 6), bool)), "masks"),
    (lambda: L_model_forward(X, {"W1": [[1.0, 2.0, 3.0]], "b1": np.zeros((1, 1))}), "parameters['W1']"),
    (lambda: L_model_forward(X, {"W1": np.ones((0, 3)), "b1": np.zeros((0, 1))}), "parameters['W1']"),
    (lambda: L_model_backward(np.full((1, 6), 0.5), Y.astype(str), L_model_forward(X, P)[1]), "Y"),
    (lambda: L_model_backward_with_regularization(L_model_forward(X, P)[0], Y, L_model_forward(X, P)[1], lambd=-1), "lambd"),
    (lambda: L_model_backward(L_model_forward(X, P)[0], Y, "caches"), "caches"),
    (lambda: L_model_backward(np.full((1, 2), 0.5), Y[:, :2], L_model_forward(X, P)[1]), "caches"),
    (lambda: L_model_backward(np.array([["a"] * 6]), Y, L_model_forward(X, P)[1]), "AL"),
    (lambda: compute_cost(np.full((1, 3), 1.5), np.array([[0, 1, 1]])), "AL"),
    (lambda: compute_cost(np.full((1, 3), 0.5), np.array([[0, 1, 1]]), P, lambd=-0.1), "lambd"),
    (lambda: compute_cost(np.full((1, 3), 0.5), np.array([[0, 1, 1]]), P, lambd="0.1"), "lambd"),
    (lambda: compute_cost(np.full((1, 3), 0.5), np.array([["0", "1", "1"]])), "Y"),
    (lambda: compute_cost(np.full(3, 0.5), np.array([0, 1, 1])), "AL"),
    (lambda: predict(X, ["a"] * 6, P), "y"),
    (lambda: predict(X, Y, P, print_accuracy="no"), "print_accuracy"),
    (lambda: predict(X, None, P, activations=["relu"]), "activations"),
    (lambda: one_hot([0, 1], num_classes=2.5), "num_classes"),
    (lambda: one_hot([0, 1], num_classes=0), "num_classes"),
    (lambda: one_hot([0, 10 ** 9]), "labels"),
    (lambda: one_hot(["a", "b"]), "labels"),
    (lambda: one_hot([0, 1], dtype="foo"), "dtype"),
    (lambda: random_mini_batches(X, Y, 2, seed="abc"), "seed"),
    (lambda: random_mini_batches(X, Y, 2.5), "mini_batch_size"),
    (lambda: random_mini_batches(X.astype(object), Y), "X"),
    (lambda: gradient_check_n(P, None, X, Y, epsilon=0), "epsilon"),
    (lambda: gradient_check_n(P, None, X, Y, lambd=-1), "lambd"),
    (lambda: gradient_check_n(P, None, X, Y * 2), "Y"),
    (lambda: gradient_check_n(P, {"dW1": np.ones((1, 1))}, X, Y), "gradients['dW1']"),
    (lambda: gradient_check_n(P, None, X[:2], Y), "X"),
])
def test_step_by_step_functions_name_the_argument(call, argument):
    refuses(argument, call)


@FAST
@given(data=st.data(), argument=st.sampled_from(["learning_rate", "epsilon", "lambd", "keep_prob", "beta", "seed",
                                                 "dtype", "epochs", "batch_size", "patience"]))
def test_check_arguments_matches_the_constructor(data, argument):
    value = data.draw(BAD[argument], label=argument)
    refuses(argument, check_arguments, **{argument: value})


# ---------------------------------------------------------------- data: planar sets, preprocessing, plots

@FAST
@given(data=st.data(), generator=st.sampled_from([load_planar_dataset, make_moons, make_circles, make_spirals]),
       argument=st.sampled_from(["m", "noise", "seed", "dtype"]))
def test_planar_generators_name_every_bad_argument(data, generator, argument):
    strategy = {"m": st.one_of(not_an_integer(), st.integers(max_value=1), st.integers(min_value=10 ** 8)),
                "noise": BAD["lambd"], "seed": BAD["seed"], "dtype": BAD["dtype"]}[argument]
    refuses(argument, generator, **{argument: data.draw(strategy, label=argument)})


@pytest.mark.parametrize("call, argument", [
    (lambda: make_spirals(n_classes=2.0), "n_classes"),
    (lambda: make_circles(factor="0.5"), "factor"),
    (lambda: make_spirals(turns=float("nan")), "turns"),
    (lambda: load_planar_dataset(petals_radius=None), "petals_radius"),
    (lambda: fit_standardizer(np.array([[1.0, np.nan]])), "X_train"),
    (lambda: fit_standardizer(np.ones((2, 3)), eps=-1), "eps"),
    (lambda: fit_standardizer(np.ones((2, 3)).astype(str)), "X_train"),
    (lambda: standardize(np.ones((2, 3)), "stats"), "stats"),
    (lambda: standardize(np.ones((2, 3)), {"mean": np.zeros((2, 1)), "std": np.zeros((2, 1))}), "stats"),
    (lambda: preprocess_images(np.zeros((1, 8, 8, 3), np.uint8), 64), "preprocessing"),
    (lambda: preprocess_images(np.zeros((1, 8, 8, 3), np.uint8), {"image_size": "64"}), "image_size"),
    (lambda: preprocess_images(np.zeros((1, 8, 8, 3), np.uint8), {"image_size": 8, "channels": "3"}),
     "preprocessing['channels']"),
    (lambda: preprocess_images(np.zeros((1, 8, 8, 3), np.uint8), {"image_size": 8}, dtype="foo"), "dtype"),
    (lambda: shift_images(np.zeros((1, 4, 4), np.uint8), 1.5, 0), "dy"),
    (lambda: shift_images(np.zeros((4, 4), np.uint8), 1, 0), "images"),
    (lambda: plot_cost_curve([0.5, 0.4], every=0), "every"),
    (lambda: plot_cost_curve(["a"]), "costs"),
    (lambda: plot_decision_boundary(None, np.zeros((2, 3)), [0, 1, 0]), "predict_fn"),
    (lambda: plot_decision_boundary(lambda P: P[0] > 0, np.zeros((2, 3)), [0, 1]), "Y"),
    (lambda: plot_decision_boundary(lambda P: P[0] > 0, np.zeros((2, 3)), [0, 1, 0], resolution=10 ** 6),
     "resolution"),
    (lambda: plot_confusion_matrix(np.ones((2, 3))), "cm"),
    (lambda: plot_confusion_matrix(np.ones((2, 2)), ["a"]), "class_names"),
])
def test_data_functions_name_the_argument(call, argument):
    refuses(argument, call)


# ---------------------------------------------------------------- bounds: epochs, layers, parameters

@pytest.mark.parametrize("call, argument, fragment", [
    (lambda: NeuralNetwork(epochs=10 ** 6 + 1), "epochs", "at most 1,000,000 (MAX_ITERATIONS)"),
    (lambda: NeuralNetwork(epochs=10 ** 20), "epochs", "got 100000000000000000000"),
    (lambda: L_layer_model(X, Y, [3, 2, 1], num_iterations=10 ** 7), "num_iterations", "MAX_ITERATIONS"),
    (lambda: two_layer_model(X, Y, [3, 2, 1], num_iterations=10 ** 7), "num_iterations", "MAX_ITERATIONS"),
    (lambda: NeuralNetwork((1,) * 1000), "hidden_layers", "at most 999 hidden layers"),
    (lambda: L_layer_model(X, Y, [3] + [1] * 1001), "layer_dims", "at most 1000 layers (MAX_LAYERS)"),
    (lambda: NeuralNetwork((MAX_PARAMETERS + 1,)), "hidden_layers", "got 1e+08 already in the hidden layers"),
    (lambda: NeuralNetwork((20_000, 20_000)), "hidden_layers", "got 4e+08 already in the hidden layers"),
    (lambda: NeuralNetwork(seed=2 ** 32 - 1, batch_size=4, epochs=2), "seed, epochs", "or at most 1 epochs"),
])
def test_bounds_are_named(call, argument, fragment):
    assert fragment in refuses(argument, call)


def test_the_bounds_themselves_are_accepted():
    from utils.checks import MAX_ITERATIONS, MAX_LAYERS
    assert NeuralNetwork(epochs=MAX_ITERATIONS).epochs == MAX_ITERATIONS
    assert len(NeuralNetwork((1,) * (MAX_LAYERS - 1)).hidden_layers) == MAX_LAYERS - 1
    assert NeuralNetwork(seed=2 ** 32 - 2, batch_size=4, epochs=2).seed == 2 ** 32 - 2  # seed + epochs = 2**32
    assert check_arguments(num_iterations=0, epochs=MAX_ITERATIONS) == {"num_iterations": 0, "epochs": MAX_ITERATIONS}


@pytest.mark.parametrize("labels, rows, n_classes, fragment", [
    ([0, 2], None, 2, "Y: expected labels in 0..1, got values [0, 2]"),
    ([0, 1], 3, 2, "Y: expected one-hot labels of 2 rows, for labels in 0..1, got 3 rows"),
    ([0, 1], 2, 3, "Y: expected one-hot labels of 3 rows"),
])
def test_check_class_labels(labels, rows, n_classes, fragment):
    from utils.checks import check_class_labels
    assert fragment in refuses("Y", check_class_labels, np.array(labels), rows, n_classes)
    assert check_class_labels(np.array([0, 1]), None, 2).tolist() == [0, 1]
