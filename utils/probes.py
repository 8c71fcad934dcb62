"""Looking inside a network: the signals of every layer, and a fixed shuffle of the input pixels.

`layer_signals` runs one forward and one backward pass and returns what each
layer l = 1..L passes on: its activations A_l (n_l, m) and the gradient of its
weights dW_l (n_l, n_{l-1}). Their spread per layer shows vanishing (shrinking
layer after layer) or exploding (growing) signals at initialisation.
`gradient_sizes` measures the same for any `NeuralNetwork` (batch normalization
included) at any point of its training: the size of each dense layer's dW_l.

`pixel_permutation`, `permute_inputs` and `permute_first_layer` reorder the n_x
inputs of every example with one fixed permutation p, and the columns of W1 the
same way. Since (W1[:, p]) (X[p, :]) = sum_k W1[:, p_k] X[p_k, :] = W1 X (the same
sum in another order), a fully-connected network trained on the shuffled inputs
from the shuffled initial weights takes the same steps, to rounding: it does not
use where an input is.
"""

from __future__ import annotations

import numpy as np

from .checks import check_labels, check_parameters, check_X
from .deep import L_model_backward, L_model_forward


def layer_signals(parameters, X, Y, activations=None):
    """One forward and backward pass: {"A": [A_1, ..., A_L], "dW": [dW_1, ..., dW_L]}.

    parameters: {"W1", "b1", ..., "WL", "bL"}; X: (n_0, m); Y: (n_L, m) labels.
    A_l: (n_l, m), the activations of layer l (A_L the output); dW_l: (n_l, n_{l-1}),
    dJ/dW_l of the cross-entropy cost J (no regularisation), as `L_model_backward` computes it.
    activations: as in `L_model_forward` (None: relu ..., relu, sigmoid).
    """
    L = check_parameters(parameters)
    X = check_X(X, parameters["W1"].shape[1])
    AL, caches = L_model_forward(X, parameters, activations)
    Y = check_labels(Y, AL.shape, "the network's output").astype(AL.dtype)
    grads = L_model_backward(AL, Y, caches, activations)
    A = [caches[l][0][0] for l in range(1, L)] + [AL]      # the input of layer l + 1 is A_l
    return {"A": A, "dW": [grads[f"dW{l}"] for l in range(1, L + 1)]}


def gradient_sizes(model, X, labels):
    """The root-mean-square of dJ/dW_l for every layer with weights l = 1..L (dense or convolution) of a fitted
    `NeuralNetwork`: (L,).

    One training-mode pass of X (n_0, m) with labels (m,) or (1, m) in 0..C-1 (batch normalization with the
    batch's statistics, its running statistics left as they are; no L2 term; dropout masks from seed 0):
    sqrt(mean(dW_l ** 2)). Called after every epoch (`fit`'s callback), it shows the signals during training.
    """
    from .costs import one_hot
    model._check_fitted()
    X = check_X(X, model.stack_.n_x).astype(model.parameters_["W1"].dtype, copy=False)
    labels = np.asarray(labels).reshape(-1)
    Y = labels.reshape(1, -1) if model.output_ == "sigmoid" else one_hot(labels, model.n_classes_)
    _, _, grads = model.stack_.gradients(X, Y.astype(X.dtype), model.parameters_, dict(model.state_), rng=0)
    weighted = sum(1 for name in model.parameters_ if name.startswith("W"))
    return np.array([np.sqrt(np.mean(grads[f"dW{l}"] ** 2)) for l in range(1, weighted + 1)])


def pixel_permutation(n_x, seed=0):
    """One fixed permutation of the n_x input positions, (n_x,) integers, drawn from `seed`."""
    if isinstance(n_x, bool) or not isinstance(n_x, (int, np.integer)) or n_x < 1:
        raise ValueError(f"n_x: expected a positive integer (the number of inputs), got {n_x!r}")
    return np.random.default_rng(seed).permutation(int(n_x))


def check_permutation(permutation, n_x):
    """permutation must be an integer array (n_x,) holding each of 0..n_x-1 once; returned as an array."""
    p = np.asarray(permutation)
    if p.shape != (n_x,) or not np.issubdtype(p.dtype, np.integer) or not np.array_equal(np.sort(p), np.arange(n_x)):
        raise ValueError(f"permutation: expected a permutation of 0..{n_x - 1} (integer array of shape ({n_x},)), "
                         f"got {p.dtype} array of shape {p.shape}")
    return p


def permute_inputs(X, permutation):
    """X (n_x, m) with its rows reordered: row k of the result is row permutation[k] of X."""
    X = check_X(X)
    return X[check_permutation(permutation, X.shape[0]), :]


def permute_first_layer(parameters, permutation):
    """A copy of `parameters` whose W1 (n_1, n_x) has its columns reordered like `permute_inputs` reorders X.

    Then W1[:, p] @ X[p, :] == W1 @ X (to rounding): the network computes the same function
    of the permuted inputs as the original of the original inputs.
    """
    check_parameters(parameters)
    W1 = parameters["W1"]
    new = {key: value.copy() for key, value in parameters.items() if key[0] in "Wb" and key[1:].isdigit()}
    new["W1"] = W1[:, check_permutation(permutation, W1.shape[1])]
    return new


def shown_array(values, limit=80):
    """An array as an error message may quote it: its dtype and its values, cut."""
    text = f"{values.dtype} {np.array2string(values, threshold=8)}"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def saliency(model, X, classes=None):
    """How much each input moves the class score: |dZ_c / dX| for a fitted `NeuralNetwork`, (n_x, m).

    Z_c is the output layer's pre-activation for class c (the score before the sigmoid / softmax): for a sigmoid
    output the one score, for a softmax output row `classes[i]` for example i (default: the predicted class). The
    gradient is the network's own backward pass in test mode, carried one layer further down to the pixels
    (`Stack.input_gradient`, simonyan2014's saliency map); its absolute value, which a plot takes the largest of
    over a pixel's channels.
    """
    model._check_fitted()
    X = check_X(X, model.stack_.n_x)
    X = X.astype(model.parameters_["W1"].dtype, copy=False)
    n_y = model.stack_.layer_dims[-1]
    m = X.shape[1]
    if n_y == 1:
        if classes is not None:
            raise ValueError("classes: a sigmoid output has one score, P(y = 1)'s: leave classes None")
        dZL = np.ones((1, m), X.dtype)
    else:
        if classes is None:
            classes = model.predict(X)[0]
        classes = np.asarray(classes).reshape(-1)
        if classes.shape != (m,) or classes.dtype.kind not in "iu" or classes.min() < 0 or classes.max() >= n_y:
            raise ValueError(f"classes: expected {m} whole class indices in 0..{n_y - 1}, got "
                             f"{shown_array(classes)}")
        dZL = np.zeros((n_y, m), X.dtype)
        dZL[classes, np.arange(m)] = 1
    return np.abs(model.stack_.input_gradient(X, model.parameters_, model.state_, dZL))


def feature_maps(model, X, layer):
    """The output of `model.stack_.layers[layer]` for the examples X (n_x, m), in test mode: for a layer on
    pictures (m, n_H, n_W, n_C), the course's shape, one map per channel; else (n, m)."""
    model._check_fitted()
    X = check_X(X, model.stack_.n_x).astype(model.parameters_["W1"].dtype, copy=False)
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or \
            not 0 <= layer < len(model.stack_.layers) - 1:
        raise ValueError(f"layer: expected the index of a layer before the output activation, "
                         f"0..{len(model.stack_.layers) - 2}, got {layer!r}")
    return model.stack_.outputs(X, model.parameters_, model.state_, int(layer))
