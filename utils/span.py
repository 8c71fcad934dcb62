"""An exact fast path for the first layer when there are fewer examples than features (m < n_x).

Gradient descent and momentum (with L2, mini-batches, learning-rate schedules
and dropout on hidden layers) only ever add to W1 multiples of W1 itself (the
L2 term lambd/m_b W1) and of dZ1 X_b^T, whose rows are combinations of the
training examples. So at every step, for the training set X (n_x, m),

    W1 = a * W1_init + K X^T       a: (n_1, 1) (all equal; 1 without L2), K: (n_1, m)

and the first layer's products never need W1 (X_b = X[:, batch]):

    Z1_b = W1 X_b + b1 = a * P[:, batch] + K G[:, batch] + b1    (n_1, m_b)
    P = W1_init X  (n_1, m)   and   G = X^T X  (m, m)             computed once,

which costs n_1 m m_b per step instead of n_1 n_x m_b (n_x = 12288, m = 209 on
catvnoncat). The coefficients Theta = [a | K] (n_1, 1 + m) stand in for W1:

    dW1 = 1/m_b dZ1 X_b^T + lambd/m_b W1   is   dTheta = 1/m_b [0 | S] + lambd/m_b Theta,

S (n_1, m) being dZ1 put in the batch's columns, zeros elsewhere. Theta -> W1
is linear, so a gradient-descent or momentum step on Theta
(v = beta v + (1 - beta) dTheta; Theta -= alpha v) is exactly that step on W1:
the library's own update functions run on Theta unchanged. The L2 cost needs

    ||W1||^2 = sum a^2 ||W1_init rows||^2 + 2 sum a * K * P + sum K * (K G).

W1 itself is built only at the end (n_1 m n_x once); validation data X_val is
scored through X^T X_val and W1_init X_val, computed once.

It is not exact for RMSprop or Adam (their per-weight scaling leaves the span
of the examples), nor when X changes between steps (augmentation, dropout on
the input, which this library never does); networks without a hidden layer
use the plain path. `fast_path_applies` says when it is exact and cheaper.
"""

from __future__ import annotations

import math

import numpy as np

from .activations import get_activation
from .costs import compute_cost_from_logits, l2_cost
from .deep import diverged, forward_backward, L_model_forward_with_dropout, num_layers, n_correct as _n_correct
from .optimizers import (initialize_velocity, learning_rate_at, random_mini_batches,
                         update_parameters_with_gd, update_parameters_with_momentum)
from .regularization import dropout_backward, dropout_forward, l2_gradient

LINEAR_OPTIMIZERS = ("gd", "momentum")


# ------------------------------------------------------------------ when

def fast_path_applies(optimizer, layer_dims, m, epochs=1, batch_size=None, lambd=0.0, m_val=0):
    """True when training layer_dims = [n_x, n_1, ..., n_L] on m examples is exact and cheaper here.

    Exact: optimizer "gd" or "momentum" and at least one hidden layer. Cheaper:
    fewer multiply-adds, counting per epoch the plain path's W1 X and dZ1 X^T
    (2 n_1 n_x m), its W1 updates (n_1 n_x per batch) and validation products
    (n_1 n_x m_val) against the fast path's K G (n_1 m m), its updates (n_1 m per
    batch, plus K G again per batch for the L2 cost of a mini-batch) and
    K X^T X_val (n_1 m m_val), plus its one-off G, P, X^T X_val and final W1
    (n_x m (m + m_val) + n_1 n_x (2 m + m_val)). Roughly: m well below n_x.
    """
    if optimizer not in LINEAR_OPTIMIZERS or len(layer_dims) < 3:
        return False
    n_x, n_1 = layer_dims[0], layer_dims[1]
    batches = 1 if batch_size is None or batch_size >= m else math.ceil(m / batch_size)
    l2_products = batches * m if lambd and batches > 1 else 0
    plain = epochs * n_1 * n_x * (2 * m + batches + m_val)
    fast = (n_x * m * (m + m_val) + n_1 * n_x * (2 * m + m_val)
            + epochs * n_1 * m * (m + batches + l2_products + m_val))
    return fast < plain


# ------------------------------------------------------------------ coefficients

def prepare_span(X, W1_init, X_val=None):
    """The products computed once: {"X", "W1_init", "G" = X^T X (m, m), "P" = W1_init X (n_1, m),
    "row_norms" = ||rows of W1_init||^2 (n_1, 1)}.

    With X_val (n_x, m_val) also "G_val" = X^T X_val (m, m_val) and "P_val" = W1_init X_val (n_1, m_val).
    They are computed in float64 and stored in X's dtype: in float32 a rounding error of G would be
    repeated at every step (the plain path's W1 X rounds afresh each time), which on catvnoncat moved
    the cost at iteration 2400 from 0.0879 to 0.0710; rounded from float64 it is 0.0883, as close as
    the plain path comes to itself when X moves by one unit in the last place.
    """
    def once(A, B):
        return (A.astype(np.float64, copy=False) @ B.astype(np.float64, copy=False)).astype(X.dtype, copy=False)

    span = {"X": X, "W1_init": W1_init, "G": once(X.T, X), "P": once(W1_init, X),
            "row_norms": np.sum(W1_init * W1_init, axis=1, keepdims=True)}
    if X_val is not None:
        span["G_val"], span["P_val"] = once(X.T, X_val), once(W1_init, X_val)
    return span


def to_coefficients(parameters, m):
    """The parameters with W1 replaced by Theta = [a | K] = [1 | 0] of shape (n_1, 1 + m): W1 = W1_init."""
    W1 = parameters["W1"]
    theta = np.zeros((W1.shape[0], 1 + m), dtype=W1.dtype)
    theta[:, 0] = 1
    return {**parameters, "W1": theta}


def from_coefficients(span, coefficients):
    """The ordinary parameters: W1 = a * W1_init + K X^T (n_1, n_x), the other layers unchanged."""
    theta = coefficients["W1"]
    a, K = theta[:, :1], theta[:, 1:]
    return {**coefficients, "W1": a * span["W1_init"] + K @ span["X"].T}


def first_layer_squared_norm(span, theta, KG=None):
    """||W1||_F^2 = sum a^2 ||W1_init rows||^2 + 2 sum a * K * P + sum K * (K G), without forming W1.

    KG: K @ G if already computed (the full-batch forward pass has it), else computed here.
    """
    a, K = theta[:, :1], theta[:, 1:]
    KG = K @ span["G"] if KG is None else KG
    return float(np.sum(a * a * span["row_norms"]) + 2 * np.sum(a * K * span["P"]) + np.sum(K * KG))


def first_layer_logits(coefficients, G, P):
    """(Z1, KG): Z1 = a * P + K G + b1 (n_1, m_b), i.e. W1 X_b + b1, from G = X^T X_b (m, m_b) and
    P = W1_init X_b (n_1, m_b); KG = K G, which the full batch's L2 cost reuses."""
    theta = coefficients["W1"]
    KG = theta[:, 1:] @ G
    Z1 = KG + theta[:, :1] * P
    Z1 += coefficients["b1"]
    return Z1, KG


def _upper_layers(parameters):
    """Layers 2..L renumbered 1..L-1, so that the library's functions run them unchanged."""
    L = num_layers(parameters)
    return {f"{p}{l - 1}": parameters[f"{p}{l}"] for l in range(2, L + 1) for p in "Wb"}


# ------------------------------------------------------------------ one step

def span_gradients(span, columns, Y, coefficients, activations, lambd=0.0, keep_prob=1.0, rng=None):
    """`deep.compute_gradients` for the mini-batch X[:, columns], with W1 in coefficients.

    columns: the batch's column indices into X (an index array, or slice(None) for the full batch);
    Y: (n_L, m_b) the batch's labels; coefficients: the parameters with W1 = Theta (n_1, 1 + m);
    activations: L names. Layers 2..L go through `deep.forward_backward`, the arithmetic of
    `compute_gradients` (same dropout draws, drawn from `rng` in the same order: A1's mask first).
    Returns (cost, AL, grads) with grads["dW1"] = dTheta = 1/m_b [0 | S] + lambd/m_b Theta and the
    other grads as usual.
    """
    m_b = Y.shape[1]
    L = num_layers(coefficients)
    forward, backward = get_activation(activations[0])
    Z1, KG = first_layer_logits(coefficients, span["G"][:, columns], span["P"][:, columns])
    A1, _ = forward(Z1)
    if keep_prob < 1:
        A1, D1 = dropout_forward(A1, keep_prob, rng)
    Ws = [coefficients[f"W{l}"] for l in range(2, L + 1)]
    bs = [coefficients[f"b{l}"] for l in range(2, L + 1)]
    cost, AL, dWs, dbs, dA1 = forward_backward(A1, Y, Ws, bs, activations[1:], keep_prob, rng, need_dA0=True)
    if keep_prob < 1:
        dA1 = dropout_backward(dA1, D1, keep_prob)
    dZ1 = backward(dA1, Z1)
    theta = coefficients["W1"]
    dtheta = np.zeros_like(theta)  # 1/m_b [0 | S]: S is dZ1 in the batch's columns, zeros elsewhere
    if isinstance(columns, slice) and columns == slice(None):
        np.multiply(dZ1, 1.0 / m_b, out=dtheta[:, 1:])  # the full batch: S = dZ1
    else:
        dtheta[:, 1:][:, columns] = dZ1
        dtheta *= 1.0 / m_b
    db1 = dZ1.sum(axis=1, keepdims=True)
    db1 *= 1.0 / m_b
    if lambd:
        cost += l2_cost(_upper_layers(coefficients), lambd, m_b)
        for W, dW in zip(Ws, dWs):
            dW += l2_gradient(W, lambd, m_b)
        dtheta += l2_gradient(theta, lambd, m_b)
        full_batch = isinstance(columns, slice) and columns == slice(None)
        cost += lambd / (2 * m_b) * first_layer_squared_norm(span, theta, KG if full_batch else None)
    grads = {"dW1": dtheta, "db1": db1}
    for l in range(2, L + 1):
        grads[f"dW{l}"], grads[f"db{l}"] = dWs[l - 2], dbs[l - 2]
    return cost, AL, grads


def span_forward_val(span, coefficients, activations):
    """(AL, ZL) on the validation set of `prepare_span`, through X^T X_val and W1_init X_val."""
    Z1, _ = first_layer_logits(coefficients, span["G_val"], span["P_val"])
    A1, _ = get_activation(activations[0])[0](Z1)
    AL, caches = L_model_forward_with_dropout(A1, _upper_layers(coefficients), activations=activations[1:], validate=False)
    return AL, caches[-1][1]


def mini_batch_columns(m, batch_size, seed):
    """The column indices of each batch `random_mini_batches(X, Y, batch_size, seed)` returns."""
    columns = np.arange(m)[None, :]
    return [batch[0] for batch, _ in random_mini_batches(columns, columns, batch_size, seed)]


# ------------------------------------------------------------------ training

def train_span(X, Y, parameters, activations, learning_rate=0.0075, epochs=3000, optimizer="gd", beta=0.9,
               batch_size=None, lambd=0.0, keep_prob=1.0, seed=1, lr_schedule=None, decay_rate=1.0,
               time_interval=1000, X_val=None, Y_val=None):
    """Train from `parameters` exactly as `NeuralNetwork.fit` does, with the first layer in coefficients.

    X: (n_x, m), Y: (n_L, m) (labels (1, m) or one-hot (C, m)), both already checked and cast to the
    parameters' dtype (as for `deep.gradient_descent`); activations: L names; optimizer "gd" or "momentum". The same semantics as `NeuralNetwork._train`:
    one epoch = one full-batch step (batch_size None or >= m) or one step per mini-batch of
    `random_mini_batches(X, Y, batch_size, seed + epoch)`; dropout masks from
    `np.random.default_rng(seed)`; the learning rate of `learning_rate_at` per epoch.
    Returns (parameters, history) with history {"cost", "train_accuracy", "val_cost",
    "val_accuracy", "learning_rate"}, one entry per epoch, like `NeuralNetwork.history_`.
    """
    if optimizer not in LINEAR_OPTIMIZERS:
        raise ValueError(f"optimizer: expected one of {LINEAR_OPTIMIZERS} for the fast path "
                         f"(RMSprop and Adam scale each weight: W1 leaves the span of X), got {optimizer!r}")
    if num_layers(parameters) < 2:
        raise ValueError("parameters: expected at least one hidden layer (W1, W2, ...) for the fast path, "
                         f"got keys {sorted(parameters)}")
    m = X.shape[1]
    span = prepare_span(X, parameters["W1"], X_val)
    coefficients = to_coefficients(parameters, m)
    velocity = initialize_velocity(coefficients) if optimizer == "momentum" else None
    rng, t = np.random.default_rng(seed), 0
    full_batch = batch_size is None or batch_size >= m
    history = {"cost": [], "train_accuracy": [], "val_cost": [], "val_accuracy": [], "learning_rate": []}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(epochs):
            lr = learning_rate_at(lr_schedule, learning_rate, epoch, decay_rate, time_interval)
            batches = [slice(None)] if full_batch else mini_batch_columns(m, batch_size, seed + epoch)
            total_cost, correct = 0.0, 0
            for columns in batches:
                Yb = Y[:, columns]
                cost, AL, grads = span_gradients(span, columns, Yb, coefficients, activations, lambd, keep_prob, rng)
                if not math.isfinite(cost):
                    raise diverged(cost, f"{t} (epoch {epoch})", learning_rate)
                total_cost += cost * Yb.shape[1]
                correct += _n_correct(AL, Yb)
                t += 1
                if velocity is None:
                    coefficients = update_parameters_with_gd(coefficients, grads, lr)
                else:
                    coefficients, velocity = update_parameters_with_momentum(coefficients, grads, velocity, beta, lr)
            history["cost"].append(total_cost / m)
            history["train_accuracy"].append(correct / m)
            history["learning_rate"].append(lr)
            if X_val is not None:
                AL, ZL = span_forward_val(span, coefficients, activations)
                history["val_cost"].append(compute_cost_from_logits(ZL, Y_val))
                history["val_accuracy"].append(_n_correct(AL, Y_val) / Y_val.shape[1])
    return from_coefficients(span, coefficients), history


__all__ = ["SpanRunner", "fast_path_applies", "prepare_span", "to_coefficients", "from_coefficients", "span_gradients",
           "span_forward_val", "mini_batch_columns", "train_span", "first_layer_squared_norm",
           "first_layer_logits"]


class SpanRunner:
    """`utils.layers.stack.StackRunner`'s questions answered for a dense network trained through X^T X.

    The optimiser updates the coefficients Theta = [a | K] in place of W1; batches are column indices of X;
    W1 = a W1_init + K X^T is built only by `parameters`.
    """

    def __init__(self, X, W1_init, X_val, activations, lambd=0.0, keep_prob=1.0):
        self.span = prepare_span(X, W1_init, X_val)
        self.m, self.activations, self.lambd, self.keep_prob = X.shape[1], activations, lambd, keep_prob

    def start(self, params):
        return to_coefficients(params, self.m)

    def batches(self, Y, batch_size, seed):
        if batch_size is None or batch_size >= self.m:
            return [(slice(None), Y)]
        return [(columns, Y[:, columns]) for columns in mini_batch_columns(self.m, batch_size, seed)]

    def gradients(self, columns, Yb, p, state, rng):
        return span_gradients(self.span, columns, Yb, p, self.activations, self.lambd, self.keep_prob, rng)

    def validation(self, p, state):
        return span_forward_val(self.span, p, self.activations)

    def parameters(self, p):
        return from_coefficients(self.span, p)
