"""A network as a stack of layers (utils/layers): the same numbers as the course's functions for a dense network,
every registered kind gradient-checked in float64, batch normalization's train and test modes inside
`NeuralNetwork`, and the format_version 2 parameters file."""

import json

import numpy as np
import pytest

from utils.deep import compute_gradients
from utils.gradient_check import numerical_gradient
from utils.initializers import initialize_parameters_deep
from utils.layers import (LAYERS, Activation, BatchNorm, Conv2D, Dense, Dropout, Flatten, Image, LayerNorm, Pool2D,
                          Stack, from_description, layers_from_descriptions)
from utils.network import NeuralNetwork
from utils.persistence import load_parameters, predict_images, save_network


def _data(n_x=6, m=40, classes=2, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m)).astype(dtype)
    labels = (X[0] + 0.5 * X[1] > 0).astype(int) if classes == 2 else rng.integers(0, classes, m)
    Y = labels[None].astype(dtype) if classes == 2 else np.eye(classes, dtype=dtype)[:, labels]
    return X, Y, labels


# ------------------------------------------------------------------ a dense stack is the course's network

@pytest.mark.parametrize("acts, keep_prob, lambd, classes", [
    (["relu", "relu", "sigmoid"], 1.0, 0.0, 2),
    (["tanh", "leaky_relu", "sigmoid"], 0.7, 0.4, 2),
    (["relu", "sigmoid", "softmax"], 0.8, 0.1, 3),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_dense_stack_computes_the_course_functions_to_the_last_bit(acts, keep_prob, lambd, classes, dtype):
    X, Y, _ = _data(classes=classes, dtype=dtype)
    dims = [6, 5, 4, Y.shape[0]]
    stack = Stack.dense(dims, acts, keep_prob)
    params, state = stack.init("he", seed=3, dtype=dtype)
    course = initialize_parameters_deep(dims, "he", 3, dtype)
    assert params.keys() == course.keys() and all(np.array_equal(params[k], course[k]) for k in course)
    cost, AL, grads = stack.gradients(X, Y, params, state, lambd, np.random.default_rng(5))
    cost2, AL2, grads2 = compute_gradients(X, Y, course, acts, lambd, keep_prob, np.random.default_rng(5))
    assert cost == cost2 and np.array_equal(AL, AL2) and grads.keys() == grads2.keys()
    assert all(np.array_equal(grads[k], grads2[k]) for k in grads2)
    assert stack.dense_view() == (dims, acts, keep_prob) and state == {}


def test_neural_network_trains_a_dense_stack_given_as_layers_to_the_same_costs():
    X, Y, _ = _data(m=60)
    common = dict(learning_rate=0.05, epochs=25, optimizer="adam", batch_size=16, dtype=np.float64, lambd=0.2)
    plain = NeuralNetwork(hidden_layers=(5, 3), activations="tanh", keep_prob=0.8, **common).fit(X, Y)
    layers = [Dense(5), Activation("tanh"), Dropout(0.8), Dense(3), Activation("tanh"), Dropout(0.8)]
    stacked = NeuralNetwork(layers=layers, **common).fit(X, Y)
    assert stacked.history_["cost"] == plain.history_["cost"]
    assert all(np.array_equal(stacked.parameters_[k], v) for k, v in plain.parameters_.items())
    assert stacked.hidden_layers == [5, 3] and stacked.layer_dims_ == plain.layer_dims_


# ------------------------------------------------------------------ every kind's gradients

def _stack_cost(stack, X, Y, params, state, lambd, seed):
    """The cost of one training step, with the dropout masks of `seed` and a copy of the state."""
    return stack.gradients(X, Y, params, dict(state), lambd, np.random.default_rng(seed))[0]


@pytest.mark.parametrize("hidden", [
    [Dense(5), BatchNorm(), Activation("relu"), Dense(4), BatchNorm(momentum=0.5), Activation("tanh")],
    [Dense(5), LayerNorm(), Activation("tanh"), Dropout(0.7), Dense(4), Activation("sigmoid")],
    [Dense(5, bias=True), BatchNorm(), Activation("leaky_relu"), Dropout(0.6)],
    [Image(5, 4, 2), Conv2D(3, 3), Activation("relu"), Pool2D(2), Conv2D(2, 2, stride=1, pad=1),
     Activation("tanh"), Pool2D(2, 1, "average"), Flatten(), Dropout(0.8)],
    [Image(6, 5, 1), Conv2D(2, 3, stride=2, pad=1), Activation("relu"), Flatten(), Dense(4), Activation("tanh")],
], ids=["batchnorm", "layernorm-dropout", "batchnorm-with-bias", "conv-pool-flatten", "conv-strided-dense"])
def test_every_layer_kind_matches_central_differences_in_float64(hidden):
    kinds = {layer.kind for layer in hidden} | {"dense", "activation"}
    n_x = hidden[0].height * hidden[0].width * hidden[0].channels if isinstance(hidden[0], Image) else 6
    X, Y, _ = _data(n_x=n_x, classes=3)
    stack = Stack([*hidden, Dense(3), Activation("softmax")], X.shape[0])
    params, state = stack.init("he", seed=2, dtype=np.float64)
    rng = np.random.default_rng(9)
    params = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in params.items()}  # gamma != 1, beta != 0
    _, _, grads = stack.gradients(X, Y, params, dict(state), 0.3, np.random.default_rng(4))
    assert set(grads) == {f"d{k}" for k in params}
    for name, value in params.items():
        numerical = numerical_gradient(lambda: _stack_cost(stack, X, Y, params, state, 0.3, 4), value)
        np.testing.assert_allclose(grads[f"d{name}"], numerical, rtol=1e-6, atol=1e-8, err_msg=name)
    assert kinds <= set(LAYERS)


def test_every_registered_kind_is_gradient_checked_above():
    checked = {"dense", "activation", "dropout", "batchnorm", "layernorm", "image", "conv", "pool", "flatten"}
    assert set(LAYERS) == checked, "a new layer kind: add it to test_every_layer_kind_matches_central_differences"


def test_l2_applies_to_the_weights_only():
    X, Y, _ = _data()
    stack = Stack([Dense(4), BatchNorm(), Activation("relu"), Dense(1), Activation("sigmoid")], 6)
    params, state = stack.init("he", seed=1, dtype=np.float64)
    _, _, plain = stack.gradients(X, Y, params, dict(state), 0.0)
    _, _, l2 = stack.gradients(X, Y, params, dict(state), 0.5)
    for name in plain:
        if name.startswith("dW"):
            np.testing.assert_allclose(l2[name] - plain[name], 0.5 / X.shape[1] * params[name[1:]], atol=1e-15)
        else:
            assert np.array_equal(l2[name], plain[name]), name


# ------------------------------------------------------------------ building stacks

def test_the_stack_drops_the_bias_before_a_batch_normalization_and_names_arrays_the_course_way():
    stack = Stack([Dense(4), BatchNorm(), Activation("relu"), Dense(3), Activation("relu"), Dense(1),
                   Activation("sigmoid")], 6)
    assert stack.parameter_shapes() == {"W1": (4, 6), "gamma1": (4, 1), "beta1": (4, 1), "W2": (3, 4), "b2": (3, 1),
                                        "W3": (1, 3), "b3": (1, 1)}
    assert stack.state_shapes() == {"running_mean1": (4, 1), "running_var1": (4, 1)}
    assert stack.dense_view() is None and stack.layer_dims == [6, 4, 3, 1]
    assert [from_description(d) for d in json.loads(json.dumps(stack.describe()))] == stack.layers


@pytest.mark.parametrize("layers, match", [
    ([Activation("relu"), Dense(1), Activation("sigmoid")], r"layers: expected a list starting with a Dense layer"),
    ([Dense(3), Activation("relu"), Dense(1)], r"ending with Dense\(n_y\) and Activation\('sigmoid'\)"),
    ([Dense(3), Activation("relu"), BatchNorm(), Dense(1), Activation("sigmoid")],
     r"layers\[2\]: a batchnorm layer normalises a dense layer's pre-activations: put it right after a Dense"),
])
def test_a_stack_that_is_not_a_classifier_is_refused(layers, match):
    with pytest.raises(ValueError, match=match):
        Stack(layers, 6)


@pytest.mark.parametrize("description, match", [
    ({"kind": "attention"}, r"layers\[0\]: expected a layer .* got 'attention'"),
    ({"kind": "dense", "units": 3, "size": 2}, r"a 'dense' layer has the settings \['bias', 'units'\], got unknown"),
    ({"kind": "dropout", "keep_prob": 1.5}, r"layers\[0\]: Dropout: expected keep_prob a number in \(0, 1\]"),
    ({"kind": "dropout", "keep_prob": True}, r"Dropout: expected keep_prob a number in \(0, 1\], got True"),
    ({"kind": "batchnorm", "momentum": 1.0}, r"BatchNorm: expected momentum a number in \[0, 1\)"),
    ({"kind": "batchnorm", "momentum": "0.9"}, r"BatchNorm: expected momentum a number in \[0, 1\), got '0.9'"),
    ({"kind": "batchnorm", "eps": float("inf")}, r"BatchNorm: expected eps a number in \(0, 1\]"),
    ({"kind": "activation", "name": "swish"}, r"Activation: expected name one of"),
    ({"kind": ["dense"]}, r"layers\[0\]: expected a layer .* got \['dense'\]"),
    ({"kind": "dense", "units": 1.0}, r"Dense: expected units a positive whole number, got 1.0"),
    ({"kind": "dense", "units": 3, "bias": "false"}, r"Dense: expected bias True, False or None"),
    ({"kind": "x" * 10_000}, r"got 'xxxx.*\.\.\.$"),
])
def test_bad_layer_descriptions_name_the_problem(description, match):
    with pytest.raises(ValueError, match=match):
        layers_from_descriptions([description])


def test_neural_network_refuses_keep_prob_with_layers_and_a_list_not_starting_dense():
    with pytest.raises(ValueError, match=r"keep_prob: expected 1 with layers=\[...\] \(put Dropout\(0.5\) layers"):
        NeuralNetwork(layers=[Dense(3), Activation("relu")], keep_prob=0.5)
    with pytest.raises(ValueError, match=r"layers: expected the hidden layers as a list starting with a Dense"):
        NeuralNetwork(layers=[BatchNorm(), Activation("relu")])


# ------------------------------------------------------------------ batch normalization in training

def _bn_model(**options):
    layers = [Dense(8), BatchNorm(), Activation("relu"), Dense(6), BatchNorm(), Activation("relu")]
    settings = dict(learning_rate=0.01, epochs=15, optimizer="adam", batch_size=16, seed=2, dtype=np.float64)
    return NeuralNetwork(layers=layers, **{**settings, **options})


def test_running_statistics_are_state_not_parameters_and_test_mode_uses_them():
    X, Y, labels = _data(m=80)
    X = 3.0 * X + 5.0  # far from mean 0, variance 1: the running statistics must learn it
    model = _bn_model().fit(X, Y)
    assert not any(k.startswith("running") for k in model.parameters_)
    assert set(model.state_) == {"running_mean1", "running_var1", "running_mean2", "running_var2"}
    # test mode: a prediction does not depend on the other examples of the batch
    one_by_one = np.hstack([model.predict_proba(X[:, [i]]) for i in range(5)])
    np.testing.assert_allclose(one_by_one, model.predict_proba(X[:, :5]), rtol=1e-12)
    assert model.score(X, labels) > 0.8


def test_one_training_step_moves_the_running_statistics_by_cs231n_rule():
    X, Y, _ = _data(m=30)
    X = 3.0 * X + 5.0
    model = _bn_model(epochs=1, batch_size=None)
    model.fit(X, Y, callback=lambda epoch, m: False)
    start, _ = model.stack_.init("he", 2, np.float64)
    Z1 = start["W1"] @ X  # the batch statistics of the one step, before its update
    np.testing.assert_allclose(model.state_["running_mean1"], 0.1 * Z1.mean(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(model.state_["running_var1"], 0.9 + 0.1 * Z1.var(axis=1, keepdims=True), rtol=1e-12)


def test_the_optimiser_never_sees_the_running_statistics(monkeypatch):
    seen = []
    original = NeuralNetwork._step

    def step(self, p, grads, state, t, lr):
        seen.append(set(p) | set(grads))
        return original(self, p, grads, state, t, lr)

    monkeypatch.setattr(NeuralNetwork, "_step", step)
    X, Y, _ = _data()
    _bn_model(epochs=2).fit(X, Y)
    assert seen and not any(name.lstrip("d").startswith("running") for names in seen for name in names)


def test_weight_decay_shrinks_the_weights_only():
    X, Y, _ = _data()
    grads = {"dW1": np.zeros((2, 2)), "dgamma1": np.zeros((2, 1)), "dbeta1": np.zeros((2, 1))}
    from utils.optimizers import OPTIMIZERS
    params = {"W1": np.ones((2, 2)), "gamma1": np.ones((2, 1)), "beta1": np.ones((2, 1))}
    rule = OPTIMIZERS["adamw"]
    new, _ = rule.step(params, grads, rule.init(params), 1, 0.1, weight_decay=0.5)
    np.testing.assert_allclose(new["W1"], 0.95)
    assert np.array_equal(new["gamma1"], params["gamma1"]) and np.array_equal(new["beta1"], params["beta1"])


def test_early_stopping_restores_the_running_statistics_of_the_best_epoch():
    X, Y, _ = _data(m=80)
    X_val, Y_val, _ = _data(m=30, seed=1)
    kept = {}
    model = _bn_model(epochs=40, early_stopping=True, patience=3)
    model.fit(X, Y, X_val, Y_val, callback=lambda epoch, m: kept.__setitem__(epoch, dict(m.state_)))
    assert model.best_epoch_ < model.n_epochs_ - 1
    for name, value in kept[model.best_epoch_].items():
        assert np.array_equal(model.state_[name], value)


# ------------------------------------------------------------------ the file

def test_a_batch_normalized_network_is_saved_in_format_2_and_predicts_the_same(tmp_path):
    X, Y, labels = _data(n_x=12, m=60)
    model = _bn_model().fit(X, Y)
    path = model.save(tmp_path / "bn.npz", preprocessing={"image_size": 2, "channels": 3})
    arrays, metadata = load_parameters(path)
    assert metadata["format_version"] == 2 and metadata["layer_dims"] == [12, 8, 6, 1]
    assert metadata["layers"] == model.stack_.describe()
    assert set(arrays) == set(model.parameters_) | set(model.state_)
    loaded = NeuralNetwork.load(path)
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.stack_.layers == model.stack_.layers
    images = (np.random.default_rng(0).random((3, 2, 2, 3)) * 255).astype(np.uint8)
    from utils.preprocessing import preprocess_images
    X_img = preprocess_images(images, metadata["preprocessing"], dtype=np.float64)
    np.testing.assert_array_equal(predict_images(images, arrays, metadata), model.predict_proba(X_img)[0])


def test_a_dense_network_is_still_written_in_format_1_and_a_list_of_layers_in_format_2(tmp_path):
    X, Y, _ = _data()
    model = NeuralNetwork(hidden_layers=(3,), epochs=2, dtype=np.float64).fit(X, Y)
    _, metadata = load_parameters(model.save(tmp_path / "dense.npz"))
    assert metadata["format_version"] == 1 and "layers" not in metadata
    model = NeuralNetwork(layers=[Dense(3), Activation("relu")], epochs=2, dtype=np.float64).fit(X, Y)
    _, metadata = load_parameters(model.save(tmp_path / "layers.npz"))
    assert metadata["format_version"] == 2 and metadata["layers"][0] == {"kind": "dense", "units": 3, "bias": True}


def _bn_file(tmp_path, **changes):
    stack = Stack([Dense(3), BatchNorm(), Activation("relu"), Dense(1), Activation("sigmoid")], 4)
    params, state = stack.init("he", seed=0, dtype=np.float32)
    arrays = {**params, **state}
    for name, value in changes.items():
        if value is None:
            del arrays[name]
        else:
            arrays[name] = value
    return stack, arrays


@pytest.mark.parametrize("changes, layers, match", [
    ({"running_var1": None}, None, r"missing running_var1: the layers \['dense', 'batchnorm', 'activation'"),
    ({"gamma1": np.ones((2, 1), np.float32)}, None, r"parameters\['gamma1'\]: expected shape \(3, 1\) from the layers"),
    ({"b1": np.zeros((3, 1), np.float32)}, None, r"unexpected arrays \['b1'\]"),
    ({"running_mean1": np.array([[np.nan]] * 3, np.float32)}, None, r"running_mean1'\]: expected finite values"),
    ({}, [{"kind": "dense", "units": 3, "bias": False}, {"kind": "batchnorm"}, {"kind": "activation", "name": "relu"},
          {"kind": "dense", "units": 1}, {"kind": "activation", "name": "softmax"}],
     r"the output layer has 1 unit\(s\), so it must be 'sigmoid'"),
    ({}, [{"kind": "attention", "heads": 8}], r"layers\[0\]: expected a layer"),
])
def test_format_2_files_that_break_the_schema_are_refused_on_save(tmp_path, changes, layers, match):
    stack, arrays = _bn_file(tmp_path, **changes)
    with pytest.raises(ValueError, match=match):
        save_network(tmp_path / "bad.npz", arrays, layers or stack.describe())
    assert not (tmp_path / "bad.npz").exists()


def test_format_2_files_are_checked_on_load_too(tmp_path):
    stack, arrays = _bn_file(tmp_path)
    path = save_network(tmp_path / "bn.npz", arrays, stack.describe())
    with np.load(path, allow_pickle=False) as archive:
        members = {k: archive[k] for k in archive.files}
    tree = json.loads(str(members["__metadata__"]))
    tree["layers"][1] = {"kind": "batchnorm", "momentum": 0.9, "eps": 1e-5, "scale": "\x1b[31m"}
    members["__metadata__"] = np.array(json.dumps(tree))
    np.savez(tmp_path / "edited.npz", **members)
    with pytest.raises(ValueError, match=r"edited\.npz': metadata\['layers'\]\[1\]: a 'batchnorm' layer has the "
                                         r"settings \['eps', 'momentum'\], got unknown \['scale'\]"):
        load_parameters(tmp_path / "edited.npz")
    del members["running_mean1"]
    members["__metadata__"] = np.array(json.dumps({**tree, "layers": stack.describe()}))
    np.savez(tmp_path / "short.npz", **members)
    with pytest.raises(ValueError, match=r"short\.npz': file: missing running_mean1"):
        load_parameters(tmp_path / "short.npz")


def test_loading_gives_back_a_network_that_keeps_training_in_batch_normalization(tmp_path):
    X, Y, _ = _data(m=60)
    model = _bn_model(epochs=3).fit(X, Y)
    loaded = NeuralNetwork.load(model.save(tmp_path / "bn.npz"))
    assert loaded.get_params()["layers"] == model.get_params()["layers"]
    refit = NeuralNetwork().set_params(**{k: v for k, v in loaded.get_params().items()}).fit(X, Y)
    assert refit.history_["cost"] == model.history_["cost"]


@pytest.mark.parametrize("m, batch_size, match", [
    (65, 64, r"batch_size: batch normalization needs at least 2 examples in every training batch .*65 training "
             r"examples in batches of 64 leave a last batch of 1; choose another batch_size, e.g. 63"),
    (1, None, r"X: batch normalization needs at least 2 training examples .* got 1"),
])
def test_a_batch_of_one_example_is_refused_before_training_with_batch_normalization(m, batch_size, match):
    X, Y, _ = _data(m=m)
    with pytest.raises(ValueError, match=match):
        _bn_model(batch_size=batch_size).fit(X, Y)
    NeuralNetwork(layers=[Dense(3), Activation("relu")], batch_size=batch_size, epochs=1).fit(*_data(m=max(m, 2))[:2])


# ------------------------------------------------------------------ what an adversarial tester found

def test_a_refused_refit_leaves_the_fitted_model_as_it_was():
    X, Y, labels = _data(m=60)
    model = _bn_model(epochs=3).fit(X, Y)
    before = model.predict_proba(X[:, :5])
    with pytest.raises(ValueError, match="batch normalization needs at least 2 training examples"):
        model.fit(X[:, :1], [2])
    np.testing.assert_array_equal(model.predict_proba(X[:, :5]), before)
    assert model.n_classes_ == 2 and model.output_ == "sigmoid"


@pytest.mark.parametrize("m, batch_size, good", [(7, 3, 4), (13, 4, 5), (65, 64, 63)])
def test_the_suggested_batch_size_leaves_no_batch_of_one(m, batch_size, good):
    X, Y, _ = _data(m=m)
    with pytest.raises(ValueError, match=rf"e\.g\. {good}$"):
        _bn_model(batch_size=batch_size).fit(X, Y)
    assert m % good != 1
    _bn_model(batch_size=good, epochs=1).fit(X, Y)


def test_a_negative_running_variance_is_refused_on_save_and_on_load(tmp_path):
    stack, arrays = _bn_file(tmp_path, running_var1=-np.ones((3, 1), np.float32))
    with pytest.raises(ValueError, match=r"running_var1'\]: expected a running variance >= 0"):
        save_network(tmp_path / "bad.npz", arrays, stack.describe())
    good = save_network(tmp_path / "good.npz", _bn_file(tmp_path)[1], stack.describe())
    with np.load(good, allow_pickle=False) as archive:
        members = {k: archive[k] for k in archive.files}
    members["running_var1"] = -members["running_var1"]
    np.savez(tmp_path / "edited.npz", **members)
    with pytest.raises(ValueError, match=r"edited\.npz'.*running_var1'\]: expected a running variance >= 0"):
        load_parameters(tmp_path / "edited.npz")


def test_predict_images_checks_the_arrays_against_the_layers(tmp_path):
    stack, arrays = _bn_file(tmp_path)
    images = np.zeros((2, 2, 2), np.uint8)
    metadata = {"layers": stack.describe(), "preprocessing": {"image_size": 2, "channels": 1, "scaling": "unit"}}
    with pytest.raises(ValueError, match=r"parameters: missing running_var1"):
        predict_images(images, {k: v for k, v in arrays.items() if k != "running_var1"}, metadata)
    with pytest.raises(ValueError, match=r"parameters\['gamma1'\]: expected shape \(3, 1\)"):
        predict_images(images, {**arrays, "gamma1": arrays["gamma1"].T}, metadata)


def test_dropout_given_as_a_layer_survives_save_and_load(tmp_path):
    X, Y, _ = _data()
    model = NeuralNetwork(layers=[Dense(6), Activation("relu"), Dropout(0.5)], epochs=5, learning_rate=0.1,
                          dtype=np.float64).fit(X, Y)
    loaded = NeuralNetwork.load(model.save(tmp_path / "d.npz"))
    assert loaded.layers == model.layers and load_parameters(tmp_path / "d.npz")[1]["format_version"] == 2
    assert loaded.fit(X, Y).history_["cost"] == NeuralNetwork(**model.get_params()).fit(X, Y).history_["cost"]


def test_hidden_layers_or_activations_beside_layers_are_refused_and_the_repr_shows_the_layers():
    with pytest.raises(ValueError, match=r"hidden_layers: expected the default with layers=\[...\]"):
        NeuralNetwork(layers=[Dense(4), Activation("relu")], hidden_layers=(3, 3))
    with pytest.raises(ValueError, match=r"activations: expected the default with layers=\[...\]"):
        NeuralNetwork(layers=[Dense(4), Activation("relu")], activations="tanh")
    model = NeuralNetwork(layers=[Dense(4), Activation("tanh")])
    assert NeuralNetwork(**model.get_params()).layers == model.layers and "'name': 'tanh'" in repr(model)


def test_layer_normalization_of_one_unit_and_odd_lists_are_refused():
    with pytest.raises(ValueError, match=r"layers\[1\]: a layernorm layer .* at least 2 units"):
        Stack([Dense(1), LayerNorm(), Activation("tanh"), Dense(1), Activation("sigmoid")], 3)
    with pytest.raises(ValueError, match=r"layers\[1\]: expected a layer .* got 'relu'"):
        Stack([Dense(2), "relu", Dense(1), Activation("sigmoid")], 3)


def test_layers_set_by_the_model_or_given_as_a_generator_are_refused_clearly(tmp_path):
    X, Y, _ = _data()
    model = _bn_model(epochs=1).fit(X, Y)
    with pytest.raises(ValueError, match=r"layers: set by the model itself"):
        model.save(tmp_path / "m.npz", layers=[])
    stack, arrays = _bn_file(tmp_path)
    with pytest.raises(ValueError, match=r"layers: expected a list of layers or of their descriptions, got generator"):
        save_network(tmp_path / "g.npz", arrays, (d for d in stack.describe()))
    assert not (tmp_path / "g.npz").exists() and not (tmp_path / "m.npz").exists()
