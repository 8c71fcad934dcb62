"""The course's result: the 4-layer network on catvnoncat, in float64 (the course's precision).

float64 gives the same costs and accuracies whatever BLAS kernel NumPy picks
(checked under OpenBLAS's Haswell, SkylakeX, Sandybridge and Prescott kernels),
so these tests compare exactly; float32 moved the test accuracy from 80.0 % to
76.0 % (two photos of 50) between kernels.
"""

import numpy as np
import pytest

from utils import L_layer_model, NeuralNetwork, predict
from utils.datasets import load_catvnoncat

LAYERS = [12288, 20, 7, 5, 1]


@pytest.fixture(scope="module")
def data():
    train_x, train_y, test_x, test_y, classes = load_catvnoncat()
    X = train_x.reshape(train_x.shape[0], -1).T / 255.0
    X_test = test_x.reshape(test_x.shape[0], -1).T / 255.0
    return X, train_y, X_test, test_y


def test_first_costs_match_the_course_in_float64(data):
    X, Y, _, _ = data
    _, costs = L_layer_model(X, Y, LAYERS, num_iterations=101, dtype=np.float64)
    assert costs == pytest.approx([0.771749, 0.672053], abs=1e-6)  # the course's printed costs


@pytest.mark.accuracy
def test_four_layer_model_reaches_the_course_accuracy(data):
    X, Y, X_test, Y_test = data
    parameters, costs = L_layer_model(X, Y, LAYERS, learning_rate=0.0075, num_iterations=2500)
    assert parameters["W1"].dtype == np.float64
    assert len(costs) == 25 and costs[-1] == pytest.approx(0.092878, abs=1e-6)  # cost at iteration 2400
    train_accuracy = np.mean(predict(X, Y, parameters, print_accuracy=False) == Y)
    test_accuracy = np.mean(predict(X_test, Y_test, parameters, print_accuracy=False) == Y_test)
    assert round(train_accuracy, 3) == 0.986  # 206 of 209
    assert test_accuracy == 0.80              # 40 of 50


def test_neural_network_object_takes_the_same_steps(data):
    X, Y, _, _ = data
    parameters, _ = L_layer_model(X, Y, LAYERS, num_iterations=10)
    model = NeuralNetwork(LAYERS[1:-1], initialization="xavier", learning_rate=0.0075, epochs=10,
                          dtype=np.float64).fit(X, Y)
    for key, value in parameters.items():
        np.testing.assert_allclose(model.parameters_[key], value, rtol=1e-12, atol=1e-14)
