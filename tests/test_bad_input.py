"""Every kind of bad input raises ValueError naming the argument, what was expected and what was given."""

import numpy as np
import pytest

from utils import (L_layer_model, L_model_backward, L_model_backward_with_regularization, L_model_forward,
                   L_model_forward_with_dropout, NeuralNetwork, compute_cost,
                   initialize_parameters_deep, linear_forward, predict, random_mini_batches, save_parameters)
from utils.activations import get_activation

P = initialize_parameters_deep([3, 4, 1], "he", seed=0)
X = np.random.default_rng(0).standard_normal((3, 6)).astype(np.float32)
Y = np.array([[0, 1, 1, 0, 1, 0]])


def with_value(key, value):
    p = {k: v.copy() for k, v in P.items()}
    p[key].flat[0] = value
    return p


CASES = {
    "linear_forward shape mismatch": (
        lambda: linear_forward(np.ones((4, 2)), np.ones((1, 3)), np.zeros((1, 1))),
        r"A: expected shape \(3, m\) to match W \(1, 3\), got \(4, 2\)"),
    "X with the wrong number of rows": (
        lambda: L_model_forward(np.ones((5, 6)), P), r"X: expected 3 rows \(n_x features"),
    "X given as (m, n_x)": (
        lambda: L_model_forward(np.ones((6, 3)), P), r"did you pass \(m, n_x\)\? use X\.T"),
    "X 1-D": (
        lambda: L_model_forward(np.ones(3), P), r"X: expected a 2-D array of shape \(n_x, m\).*got shape \(3,\)"),
    "X with NaN": (
        lambda: L_model_forward(np.where(X > 1, np.nan, X), P), r"X: expected finite values, got \d+ NaN or inf"),
    "X with inf": (
        lambda: predict(np.full((3, 2), np.inf), None, P), r"X: expected finite values, got 6 NaN or inf entries out of 6"),
    "W with NaN": (
        lambda: L_model_forward(X, with_value("W1", np.nan)), r"parameters\['W1'\]: expected finite values, got 1"),
    "b with inf": (
        lambda: L_model_forward(X, with_value("b2", np.inf)), r"parameters\['b2'\]: expected finite values, got 1"),
    "parameters chained wrongly": (
        lambda: L_model_forward(X, {**P, "W2": np.ones((1, 5))}), r"parameters\['W2'\]: expected shape \(n_2, 4\), got \(1, 5\)"),
    "parameters missing a bias": (
        lambda: L_model_forward(X, {"W1": P["W1"]}), r"parameters: expected key 'b1' next to 'W1'"),
    "parameters not a dict": (
        lambda: L_model_forward(X, [P["W1"]]), r"parameters: expected a dict with keys W1, b1, \.\.\., WL, bL, got list"),
    "empty batch": (
        lambda: L_model_forward(np.ones((3, 0)), P), r"X: expected at least one example \(column\), got an empty batch of shape \(3, 0\)"),
    "labels outside {0, 1}": (
        lambda: compute_cost(np.full((1, 3), 0.5), np.array([[0, 2, 1]])),
        r"Y: expected labels in \{0, 1\} for a binary cost, got values \[0, 1, 2\]"),
    "labels shape mismatch": (
        lambda: compute_cost(np.full((1, 3), 0.5), np.array([[0, 1]])), r"Y: expected shape \(1, 3\) to match AL, got \(1, 2\)"),
    "labels with NaN": (
        lambda: compute_cost(np.full((1, 2), 0.5), np.array([[0.0, np.nan]])), r"Y: expected finite values, got 1 NaN"),
    "AL with NaN": (
        lambda: compute_cost(np.array([[0.5, np.nan]]), np.array([[0, 1]])), r"AL: expected finite values, got 1 NaN"),
    "one-hot columns not summing to one": (
        lambda: compute_cost(np.full((2, 2), 0.5), np.array([[1, 1], [0, 1]])),
        r"Y: expected one-hot columns \(exactly one 1 per column\) for a categorical cost, got column sums \[1, 2\]"),
    "empty labels": (
        lambda: compute_cost(np.zeros((1, 0)), np.zeros((1, 0))), r"Y: expected at least one example, got an empty batch"),
    "L2 without parameters": (
        lambda: compute_cost(np.full((1, 2), 0.5), np.array([[0, 1]]), lambd=0.1), r"parameters: expected the parameters dict when lambd > 0, got None"),
    "backward labels mismatch": (
        lambda: L_model_backward(*L_model_forward(X, P)[:1], np.array([[0, 1]]), L_model_forward(X, P)[1]),
        r"Y: expected shape \(1, 6\) to match AL, got \(1, 2\)"),
    "unknown activation": (
        lambda: get_activation("gelu"), r"activation: expected one of \['leaky_relu', 'relu', 'sigmoid', 'softmax', 'tanh'\], got 'gelu'"),
    "unknown activation in a network": (
        lambda: L_model_forward(X, P, ["relu", "sigmod"]), r"activation: expected one of .*got 'sigmod'"),
    "wrong number of activations": (
        lambda: L_model_forward(X, P, ["relu"] * 3), r"activations: expected 2 names \(one per layer\) for a 2-layer network, got 3"),
    "keep_prob zero": (
        lambda: L_model_forward_with_dropout(X, P, keep_prob=0.0), r"keep_prob: expected a probability in \(0, 1\], got 0.0"),
    "wrong number of masks": (
        lambda: L_model_forward_with_dropout(X, P, keep_prob=0.5, masks=[]), r"masks: expected 1 masks \(one per hidden layer\), got 0"),
    "mask of the wrong shape": (
        lambda: L_model_forward_with_dropout(X, P, keep_prob=0.5, masks=[np.ones((4, 5), bool)]), r"mask: expected shape \(4, 6\) to match the activations, got \(4, 5\)"),
    "unknown optimizer": (
        lambda: NeuralNetwork(optimizer="sgd"), r"optimizer: expected one of \('gd', 'momentum', 'rmsprop', 'adam', 'adamw'\), got 'sgd'"),
    "unknown schedule": (
        lambda: NeuralNetwork(lr_schedule="cosine"), r"lr_schedule: expected one of \(None, 'inverse_time', 'exponential', 'step'\), got 'cosine'"),
    "unknown initialisation": (
        lambda: initialize_parameters_deep([3, 1], "uniform"), r"method: expected one of \('zeros', 'random', 'xavier', 'glorot', 'he'\), got 'uniform'"),
    "unknown initialisation in the model": (
        lambda: NeuralNetwork(initialization="lecun"), r"initialization: expected one of .*got 'lecun'"),
    "bad layer_dims": (
        lambda: initialize_parameters_deep([3]), r"layer_dims: expected a list of at least 2 positive integers \[n_x, n_1, \.\.\., n_L\], got \[3\]"),
    "zero-sized layer": (
        lambda: L_layer_model(X, Y, [3, 0, 1]), r"layer_dims: expected a list of at least 2 positive integers .*got \[3, 0, 1\]"),
    "negative learning rate": (
        lambda: L_layer_model(X, Y, [3, 2, 1], learning_rate=-0.1), r"learning_rate: expected a positive finite number, got -0.1"),
    "negative iterations": (
        lambda: L_layer_model(X, Y, [3, 2, 1], num_iterations=-1), r"num_iterations: expected a non-negative integer of at most 1,000,000 \(MAX_ITERATIONS\), got -1"),
    "training labels outside {0, 1}": (
        lambda: L_layer_model(X, Y * 2, [3, 2, 1]), r"Y: expected labels in \{0, 1\} for a binary cost, got values \[0, 2\]"),
    "training labels of the wrong length": (
        lambda: L_layer_model(X, Y[:, :4], [3, 2, 1]), r"Y: expected shape \(1, 6\) to match the output layer \(n_L, m\), got \(1, 4\)"),
    "training X with NaN": (
        lambda: L_layer_model(np.where(X > 1, np.nan, X), Y, [3, 2, 1]), r"X: expected finite values"),
    "mini-batch size zero": (
        lambda: random_mini_batches(X, Y, 0), r"mini_batch_size: expected a positive integer, got 0"),
    "mini-batches of an empty set": (
        lambda: random_mini_batches(np.ones((3, 0)), np.ones((1, 0))), r"X: expected at least one example, got an empty batch of shape \(3, 0\)"),
    "mini-batch X/Y mismatch": (
        lambda: random_mini_batches(X, Y[:, :3]), r"Y: expected \(n_y, m\) with the same m as X \(3, 6\), got \(1, 3\)"),
    "batch_size zero": (
        lambda: NeuralNetwork(batch_size=0), r"batch_size: expected None \(full batch\) or a positive integer, got 0"),
    "fit labels of the wrong length": (
        lambda: NeuralNetwork((2,), epochs=1).fit(X, Y[:, :5]), r"Y: expected 6 labels of shape \(1, 6\), \(6,\) or one-hot \(C, 6\) to match X, got shape \(1, 5\)"),
    "fit labels negative": (
        lambda: NeuralNetwork((2,), epochs=1).fit(X, Y - 1), r"Y: expected class labels 0..C-1, got values \[-1, 0\]"),
    "fit sigmoid with three classes": (
        lambda: NeuralNetwork((2,), epochs=1, output="sigmoid").fit(X, np.arange(6) % 3), r"Y: expected labels in \{0, 1\} for output='sigmoid', got values \[0, 1, 2\]"),
    "fit validation labels unseen in training": (
        lambda: NeuralNetwork((2,), epochs=1).fit(X, Y, X, Y * 2), r"Y_val: expected labels in 0..1 \(the classes seen in training\), got values \[0, 2\]"),
    "fit X_val without Y_val": (
        lambda: NeuralNetwork((2,), epochs=1).fit(X, Y, X_val=X), r"X_val, Y_val: expected both or neither"),
    "fit X_val of other width": (
        lambda: NeuralNetwork((2,), epochs=1).fit(X, Y, X[:2], Y), r"X_val: expected 3 rows"),
    "early stopping without validation": (
        lambda: NeuralNetwork((2,), epochs=1, early_stopping=True).fit(X, Y), r"X_val: expected a validation set for early_stopping=True, got None"),
    "fit X with inf": (
        lambda: NeuralNetwork((2,), epochs=1).fit(np.where(X > 1, np.inf, X), Y), r"X: expected finite values"),
    "predict before fit": (
        lambda: NeuralNetwork().predict(X), r"model: expected a fitted NeuralNetwork \(call fit or load first\)"),
    "predict with the wrong width": (
        lambda: NeuralNetwork((2,), epochs=1).fit(X, Y).predict(X[:2]), r"X: expected 3 rows"),
    # save_parameters refuses before writing anything (the target's folder, /dev/null, cannot even exist)
    "integer weights saved": (
        lambda: save_parameters("/dev/null/x.npz", {"W1": np.ones((1, 3), int), "b1": np.zeros((1, 1))}),
        r"parameters\['W1'\]: expected real floating-point weights \(float16, float32, float64\), got dtype int64"),
    "0-d W1 saved": (
        lambda: save_parameters("/dev/null/x.npz", {"W1": np.float32(1), "b1": np.zeros((1, 1), np.float32)}),
        r"parameters\['W1'\]: expected a 2-D array of shape \(n_1, n_0\), got shape \(\)"),
    "metadata using the reserved key": (
        lambda: save_parameters("/dev/null/x.npz", P, notes={"__array__": "W1"}),
        r"metadata\['notes'\]: the key '__array__' is reserved by the file format"),
    "preprocessing saved as a string": (
        lambda: save_parameters("/dev/null/x.npz", P, preprocessing="unit"),
        r"metadata\['preprocessing'\]: expected dict or null .*got str 'unit'"),
    "hidden layers given as a float": (
        lambda: NeuralNetwork(hidden_layers=2.5), r"^hidden_layers: expected a list of positive integers.*got 2\.5$"),
    "hidden layers given as a string": (
        lambda: NeuralNetwork(hidden_layers="12"), r"^hidden_layers: expected a list of positive integers.*got '12'$"),
    "negative L2 strength": (
        lambda: NeuralNetwork(lambd=-1), r"^lambd: expected a non-negative finite number, got -1$"),
    "step schedule every 0 epochs": (
        lambda: NeuralNetwork(time_interval=0), r"^time_interval: expected a positive integer, got 0$"),
    "seed that is not a number": (
        lambda: NeuralNetwork(seed="abc"), r"^seed: expected an integer seed in \[0, 2\*\*32 - 1\], got 'abc'$"),
    "unknown dtype": (
        lambda: NeuralNetwork(dtype="foo"), r"^dtype: expected a floating-point dtype .*got 'foo'$"),
    "Adam beta2 of one": (
        lambda: NeuralNetwork(beta2=1), r"^beta2: expected a number in \[0, 1\), got 1$"),
    "string labels in fit": (
        lambda: NeuralNetwork((2,), epochs=1).fit(X, np.array(list("abcabc"))), r"^Y: expected real numbers"),
    "a label of a billion in fit": (
        lambda: NeuralNetwork((2,), epochs=1).fit(X, [0, 1, 0, 1, 0, 10 ** 9]),
        r"^Y: expected class labels 0\.\.C-1 with at most 10000 classes \(MAX_CLASSES\), got a label of 1000000000$"),
    "object X in fit": (
        lambda: NeuralNetwork((2,), epochs=1).fit(X.astype(object), Y), r"^X: expected real numbers .*got dtype object$"),
    "wrong activation count in the model": (
        lambda: NeuralNetwork((4, 3), activations=["relu"]), r"activations: expected one name or 2 names \(one per hidden layer\), got \['relu'\]"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_raises_a_clear_value_error(name):
    call, message = CASES[name]
    with pytest.raises(ValueError, match=message):
        call()


def diverging_problem():
    rng = np.random.default_rng(0)
    return rng.standard_normal((3, 20)).astype(np.float32) * 100, (rng.random((1, 20)) > 0.5).astype(int)


def test_diverging_L_layer_model_stops_with_a_clear_error():
    Xd, Yd = diverging_problem()
    with pytest.raises(ValueError, match=r"learning_rate: training diverged at iteration \d+: the cost is (nan|inf)\. "
                                         r"Try a smaller learning_rate than 1e\+30\."):
        # float32, as NeuralNetwork trains: in float64 (L_layer_model's default) these weights do not overflow
        L_layer_model(Xd, Yd, [3, 50, 50, 1], learning_rate=1e30, num_iterations=100, initialization="he",
                      dtype=np.float32)


def test_diverging_fit_stops_with_a_clear_error():
    Xd, Yd = diverging_problem()
    with pytest.raises(ValueError, match=r"training diverged at iteration \d+ \(epoch \d+\).*smaller learning_rate"):
        NeuralNetwork((50, 50), learning_rate=1e30, epochs=100).fit(Xd, Yd)


def test_a_photo_size_that_would_fill_the_disk_is_refused_before_loading(tmp_path, monkeypatch):
    """image_size 609 once wrote a 0.97 GB cache of cats_vs_noncats: sizes above MAX_IMAGE_SIZE are refused first."""
    from utils.checks.calls import MAX_IMAGE_SIZE
    from utils.datasets import load_cats_vs_noncats
    from utils.preprocessing import preprocess_images
    assert MAX_IMAGE_SIZE == 256
    with pytest.raises(ValueError, match=r"^image_size: expected at most 256 pixels a side \(a photo of S x S pixels becomes 3 S\^2 inputs.*got 609$"):
        load_cats_vs_noncats(image_size=609)
    with pytest.raises(ValueError, match=r"^image_size: expected at most 256"):
        preprocess_images(np.zeros((1, 8, 8, 3), np.uint8), {"image_size": 257, "scaling": "unit"})
    assert preprocess_images(np.zeros((1, 8, 8, 3), np.uint8), {"image_size": 256, "scaling": "unit"}).shape == (196608, 1)
