"""The course's 2-layer network of chapter 2, written out: LINEAR -> TANH -> LINEAR -> SIGMOID.

    forward   Z1 = W1 X + b1 (n_h, m),  A1 = tanh(Z1),  Z2 = W2 A1 + b2 (n_y, m),  A2 = sigmoid(Z2)
    backward  dZ2 = A2 - Y,  dW2 = 1/m dZ2 A1^T (n_y, n_h),  db2 = 1/m sum_j dZ2 (n_y, 1)
              dZ1 = W2^T dZ2 * (1 - A1^2),  dW1 = 1/m dZ1 X^T (n_h, n_x),  db1 = 1/m sum_j dZ1 (n_h, 1)

`forward_propagation` and `backward_propagation` are `L_model_forward` and `L_model_backward` with the
activations ("tanh", "sigmoid") written out for two layers, and `nn_model` is `two_layer_model(...,
activations=("tanh", "sigmoid"))` written with them (the same numbers to rounding: tests/test_shallow.py).
Chapter 2's exercises ask for these three; the lesson then trains with the library's `two_layer_model`.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .deep import update_parameters
from .initializers import initialize_parameters


def forward_propagation(X, parameters):
    """A2 = sigmoid(W2 tanh(W1 X + b1) + b2): X (n_x, m) -> A2 (n_y, m).

    parameters {"W1" (n_h, n_x), "b1" (n_h, 1), "W2" (n_y, n_h), "b2" (n_y, 1)}.
    Returns (A2, cache) with cache {"Z1", "A1", "Z2", "A2"} for the backward pass.
    """
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2, _ = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def backward_propagation(parameters, cache, X, Y):
    """The gradients of the cross-entropy cost: {"dW1", "db1", "dW2", "db2"}, each the shape of its parameter.

    cache: forward_propagation's {"Z1", "A1", "Z2", "A2"}; X (n_x, m); Y (n_y, m) labels in {0, 1}.
    tanh'(z) = 1 - tanh(z)^2 = 1 - A1^2, so the cache's A1 is all the hidden layer's derivative needs.
    """
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2):
    """Train the 2-layer tanh network by full-batch gradient descent; returns the trained parameters.

    X (n_x, m), Y (n_y, m); n_h hidden units; the course's start (`initialize_parameters`: randn * 0.01 from
    RandomState(seed)); each iteration: forward, backward, W <- W - learning_rate dW (`update_parameters`).
    """
    n_x, n_y = X.shape[0], Y.shape[0]
    parameters = initialize_parameters(n_x, n_h, n_y, seed)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters
