"""The exercise checks (utils/exercises/): each says "not written yet" for a stub, the SPECIFIC hint for a
typical mistake (written here the way a learner would write it), and passes the library's function."""

import numpy as np
import pytest

import utils
import utils.conv_loops
from utils import exercises as E
from utils.activations import relu, relu_backward, sigmoid, sigmoid_backward, softmax
from utils.conv import zero_pad
from utils.deep import layer_dims_of, linear_backward, linear_forward
from utils.gradient_check import dictionary_to_vector, gradients_to_vector, vector_to_dictionary


def stub(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


def empty(*args, **kwargs):
    pass


# ---- what a learner writes: one correct answer and typical wrong ones per exercise ----------------------

def sig(Z):
    return 1 / (1 + np.exp(-Z))


SOLUTIONS = {
    "sigmoid": utils.sigmoid,
    "sigmoid_backward": utils.sigmoid_backward,
    "initialize_with_zeros": lambda n_x: {"W1": np.zeros((1, n_x)), "b1": np.zeros((1, 1))},
    "binary_cross_entropy": utils.binary_cross_entropy,
    "propagate": None,   # written below
    "tanh": utils.tanh,
    "tanh_backward": utils.tanh_backward,
    "initialize_parameters": lambda n_x, n_h, n_y, seed=1: utils.initialize_parameters(n_x, n_h, n_y, seed,
                                                                                       dtype=np.float64),
    "forward_propagation": None,     # written below
    "gradient_check_n": None,
    "L_model_forward_with_dropout": None,
    "train_mini_batch_adam": None,
    "L_model_backward_with_regularization": None,
    "backward_propagation": None,
    "nn_model": None,
    "initialize_parameters_deep": lambda dims, seed=1: utils.initialize_parameters_deep(dims, "xavier", seed,
                                                                                        dtype=np.float64),
    "linear_forward": utils.linear_forward,
    "linear_activation_forward": utils.linear_activation_forward,
    "L_model_forward": lambda X, p: utils.L_model_forward(X, p),
    "compute_cost": lambda AL, Y: utils.compute_cost(AL, Y),
    "linear_backward": utils.linear_backward,
    "linear_activation_backward": utils.linear_activation_backward,
    "L_model_backward": lambda AL, Y, caches: utils.L_model_backward(AL, Y, caches),
    "update_parameters": utils.update_parameters,
    "l2_cost": utils.l2_cost,
    "l2_gradient": utils.l2_gradient,
    "dropout_forward": lambda A, keep_prob, seed: utils.dropout_forward(A, keep_prob, seed),
    "dropout_backward": utils.dropout_backward,
    "relative_error": utils.relative_error,
    "random_mini_batches": utils.random_mini_batches,
    "update_parameters_with_momentum": utils.update_parameters_with_momentum,
    "update_parameters_with_adam": utils.update_parameters_with_adam,
    "schedule_lr_decay": utils.schedule_lr_decay,
    "softmax": utils.softmax,
    "categorical_cross_entropy": utils.categorical_cross_entropy,
    "softmax_cross_entropy_backward": lambda Z, Y: softmax(Z)[0] - Y,
}


def propagate(W, b, X, Y):
    m = X.shape[1]
    A = sig(W @ X + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return {"dW": (A - Y) @ X.T / m, "db": np.sum(A - Y, axis=1, keepdims=True) / m}, cost


SOLUTIONS["propagate"] = propagate


def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = sig(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * (1 - np.power(cache["A1"], 2))
    return {"dW1": dZ1 @ X.T / m, "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "dW2": dZ2 @ cache["A1"].T / m, "db2": np.sum(dZ2, axis=1, keepdims=True) / m}


def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2):
    parameters = utils.initialize_parameters(X.shape[0], n_h, Y.shape[0], seed)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = utils.update_parameters(parameters, grads, learning_rate)
    return parameters


def fwd(X, p, hidden=np.tanh, output=sig):
    Z1 = p["W1"] @ X + p["b1"]
    A1 = hidden(Z1)
    Z2 = p["W2"] @ A1 + p["b2"]
    A2 = output(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def bwd(p, c, X, Y, slope=lambda c: 1 - c["A1"] ** 2):
    m = X.shape[1]
    dZ2 = c["A2"] - Y
    dZ1 = p["W2"].T @ dZ2 * slope(c)
    return {"dW1": dZ1 @ X.T / m, "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "dW2": dZ2 @ c["A1"].T / m, "db2": np.sum(dZ2, axis=1, keepdims=True) / m}


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    theta, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    layer_dims = layer_dims_of(parameters)
    gradapprox = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        J = []
        for sign in (1, -1):
            nudged = theta.copy()
            nudged[i] += sign * epsilon
            J.append(utils.compute_cost(utils.L_model_forward(X, vector_to_dictionary(nudged, layer_dims))[0], Y))
        gradapprox[i] = (J[0] - J[1]) / (2 * epsilon)
    return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))


def check_loop(parameters, gradients, X, Y, epsilon, *, shared=False, one_sided=False, two=2):
    theta, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    dims = layer_dims_of(parameters)
    J = lambda t: utils.compute_cost(utils.L_model_forward(X, vector_to_dictionary(t, dims))[0], Y)
    J0 = J(theta)
    gradapprox = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        theta_plus = theta if shared else np.copy(theta)
        theta_plus[i] += epsilon
        J_plus = J(theta_plus)
        theta_minus = theta if shared else np.copy(theta)
        theta_minus[i] -= epsilon
        J_minus = J0 if one_sided else J(theta_minus)
        gradapprox[i] = (J_plus - J_minus) / ((1 if one_sided else two) * epsilon)
    return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))


def L_model_forward_with_dropout(X, parameters, keep_prob, seed=0, *, output_too=False, store=True):
    rng = np.random.default_rng(seed)
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = utils.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                                   "relu" if l < L else "sigmoid")
        if l < L or output_too:
            A, D = utils.dropout_forward(A, keep_prob, rng)
            if store:
                cache = cache + ((D, keep_prob),)
        caches.append(cache)
    return A, caches


def L_model_backward_with_regularization(AL, Y, caches, lambd, *, l2_factor=1.0, masks=True, bias=False):
    grads, L, m = {}, len(caches), AL.shape[1]
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y, caches[-1][0])
    for l in range(L - 1, 0, -1):
        dA = grads[f"dA{l}"]
        if masks and len(caches[l - 1]) == 3:
            D, keep_prob = caches[l - 1][2]
            dA = dA * D / keep_prob
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = utils.linear_activation_backward(dA, caches[l - 1],
                                                                                                "relu")
    for l in range(1, L + 1):
        grads[f"dW{l}"] = grads[f"dW{l}"] + l2_factor * lambd / m * caches[l - 1][0][1]
        if bias:
            grads[f"db{l}"] = grads[f"db{l}"] + lambd / m * caches[l - 1][0][2]
    return grads


def train_mini_batch_adam(X, Y, layers_dims, learning_rate=0.0007, mini_batch_size=64, num_epochs=10, seed=1, *,
                          t_per_epoch=False, same_batches=False, plain=False):
    parameters = utils.initialize_parameters_deep(layers_dims, "he", seed=seed, dtype=X.dtype)
    v, s = utils.initialize_adam(parameters)
    t, costs = 0, []
    for epoch in range(num_epochs):
        total = 0.0
        t = 0 if t_per_epoch else t
        for X_b, Y_b in utils.random_mini_batches(X, Y, mini_batch_size, seed + (0 if same_batches else epoch)):
            AL, caches = utils.L_model_forward(X_b, parameters)
            total += utils.compute_cost(AL, Y_b) * X_b.shape[1]
            grads = utils.L_model_backward(AL, Y_b, caches)
            t += 1
            if plain:
                parameters = utils.update_parameters(parameters, grads, learning_rate)
            else:
                parameters, v, s, _, _ = utils.update_parameters_with_adam(parameters, grads, v, s, t, learning_rate)
        costs.append(total / X.shape[1])
    return parameters, costs


SOLUTIONS.update(train_mini_batch_adam=train_mini_batch_adam)
SOLUTIONS.update(L_model_forward_with_dropout=L_model_forward_with_dropout,
                 L_model_backward_with_regularization=L_model_backward_with_regularization)
SOLUTIONS.update(forward_propagation=forward_propagation, gradient_check_n=gradient_check_n, backward_propagation=backward_propagation,
                 nn_model=nn_model)


def batchnorm_forward(Z, gamma, beta, bn_param, axis=1, ddof=0, with_eps=True, batch_in_test=False, swap=False,
                      store=True, scale=True):
    """A learner's batch normalization (CS231n's layout), with switches for the typical mistakes."""
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5) if with_eps else 0.0
    momentum = bn_param.get("momentum", 0.9)
    n = Z.shape[0]
    running_mean = bn_param.get("running_mean", np.zeros((n, 1)))
    running_var = bn_param.get("running_var", np.zeros((n, 1)))
    if mode == "train" or batch_in_test:
        mu = np.mean(Z, axis=axis, keepdims=True)
        var = np.var(Z, axis=axis, keepdims=True, ddof=ddof)
        if mode == "train" and store:
            a, b = (1 - momentum, momentum) if swap else (momentum, 1 - momentum)
            bn_param["running_mean"] = a * running_mean + b * mu
            bn_param["running_var"] = a * running_var + b * var
    else:
        mu, var = running_mean, running_var
    inv_std = 1 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    return (gamma * Z_hat + beta if scale else Z_hat), (Z_hat, gamma, inv_std, mode)


def batchnorm_backward(dout, cache, mean_term=True, variance_term=True, test_branch=True, axis=1):
    """A learner's compact backward pass, with switches for the typical mistakes."""
    Z_hat, gamma, inv_std, mode = cache
    m = dout.shape[1]
    dgamma = np.sum(dout * Z_hat, axis=axis, keepdims=True)
    dbeta = np.sum(dout, axis=axis, keepdims=True)
    if mode == "test" and test_branch:
        return dout * gamma * inv_std, dgamma, dbeta
    inner = m * dout - (dbeta if mean_term else 0) - (Z_hat * dgamma if variance_term else 0)
    return gamma * inv_std / m * inner, dgamma, dbeta


def layernorm_forward(Z, gamma, beta, ln_param=None, axis=0, ddof=0, with_eps=True):
    """A learner's layer normalization, with switches for the typical mistakes."""
    eps = (1e-5 if ln_param is None else ln_param.get("eps", 1e-5)) if with_eps else 0.0
    mu = np.mean(Z, axis=axis, keepdims=True)
    var = np.var(Z, axis=axis, keepdims=True, ddof=ddof)
    inv_std = 1 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std)


SOLUTIONS.update(batchnorm_forward=batchnorm_forward, batchnorm_backward=batchnorm_backward,
                 layernorm_forward=layernorm_forward)


# ---- chapter 7: the course's loops, with switches for the typical mistakes ------------------------------------

def conv_single_step(a_slice_prev, W, b, bias="number"):
    """A learner's conv_single_step: bias "number" (b.item()), "none", "array" (b as it is, (1, 1, 1)) or "each"
    (added to every product)."""
    if bias == "each":
        return float(np.sum(a_slice_prev * W + b.item()))
    Z = np.sum(a_slice_prev * W)
    return {"number": Z + b.item(), "none": Z, "array": Z + b}[bias]


def conv_forward(A_prev, W, b, hparameters, pad_image=True, plus_one=True, stride_in_start=True, whole_filter=False,
                 inclusive_end=False, cache_padded=False, bias_again=False):
    """A learner's conv_forward with loops (Coursera's layout), with switches for the typical mistakes."""
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    p = pad if pad_image else 0
    n_H = (n_H_prev + 2 * p - f) // stride + (1 if plus_one else 0)
    n_W = (n_W_prev + 2 * p - f) // stride + (1 if plus_one else 0)
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, p)
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride if stride_in_start else h
            vert_end = vert_start + f - (1 if inclusive_end else 0)
            for w in range(n_W):
                horiz_start = w * stride if stride_in_start else w
                horiz_end = horiz_start + f - (1 if inclusive_end else 0)
                a_slice_prev = A_prev_pad[i, vert_start:vert_end, horiz_start:horiz_end, :]
                for c in range(n_C):
                    weights = W if whole_filter else W[:, :, :, c]
                    Z[i, h, w, c] = np.sum(a_slice_prev * weights) + b[0, 0, 0, c] * (2 if bias_again else 1)
    return Z, (A_prev_pad if cache_padded else A_prev, W, b, hparameters)


def pool_forward(A_prev, hparameters, mode="max", modes=None, over_channels=False, stride_in_start=True, total=False):
    """A learner's pool_forward with loops, with switches: `modes` {mode: the mode used}, every channel's window,
    the start without the stride, the sum for the mean."""
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H, n_W = (n_H_prev - f) // stride + 1, (n_W_prev - f) // stride + 1
    mode = (modes or {}).get(mode, mode)
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                vs, hs = (h * stride, w * stride) if stride_in_start else (h, w)
                for c in range(n_C):
                    window = A_prev[i, vs:vs + f, hs:hs + f, :] if over_channels else A_prev[i, vs:vs + f, hs:hs + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(window)
                    else:
                        A[i, h, w, c] = np.sum(window) if total else np.mean(window)
    return A, (A_prev, hparameters)


def conv_backward(dZ, cache, per_example=False, db_assigned=False, crop="right", dW_from="window", dA_from="W",
                  per_m=False):
    """A learner's conv_backward with loops, with switches: dW and db started again for every example, db assigned,
    the crop ("right", "none", "coursera": pad:-pad whatever pad), dW from W, dA_prev from the window, a 1/m."""
    A_prev, W, b, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    m, n_H, n_W, n_C = dZ.shape
    n_H_prev, n_W_prev = A_prev.shape[1:3]
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = np.zeros(A_prev_pad.shape)
    for i in range(m):
        if per_example:
            dW, db = np.zeros(W.shape), np.zeros(b.shape)
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    a_slice = A_prev_pad[i, vs:vs + f, hs:hs + f, :]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += (W[:, :, :, c] if dA_from == "W" else a_slice) * dZ[i, h, w, c]
                    dW[:, :, :, c] += (a_slice if dW_from == "window" else W[:, :, :, c]) * dZ[i, h, w, c]
                    if db_assigned:
                        db[:, :, :, c] = dZ[i, h, w, c]
                    else:
                        db[:, :, :, c] += dZ[i, h, w, c]
    if crop == "none":
        dA_prev = dA_prev_pad
    else:
        dA_prev = np.zeros(A_prev.shape)
        for i in range(m):
            dA_prev[i] = (dA_prev_pad[i, pad:-pad, pad:-pad, :] if crop == "coursera"
                          else dA_prev_pad[i, pad:pad + n_H_prev, pad:pad + n_W_prev, :])
    return (dA_prev, dW / m, db / m) if per_m else (dA_prev, dW, db)


def pool_backward(dA, cache, mode="max", modes=None, mask="window", share="f*f", assign=False):
    """A learner's pool_backward with loops, with switches: `modes` {mode: the mode used}, the mask of the whole
    image ("image") or none ("none"), the average's share dA / f ("f"), the window's gradient assigned."""
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    m, n_H, n_W, n_C = dA.shape
    mode = (modes or {}).get(mode, mode)
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "max":
                        window = A_prev[i, vs:vs + f, hs:hs + f, c]
                        if mask == "image":
                            chosen = window == np.max(A_prev[i, :, :, c])
                        elif mask == "none":
                            chosen = np.ones((f, f))
                        else:
                            chosen = window == np.max(window)
                        value = chosen * dA[i, h, w, c]
                    else:
                        value = np.ones((f, f)) * dA[i, h, w, c] / (f if share == "f" else f * f)
                    if assign:
                        dA_prev[i, vs:vs + f, hs:hs + f, c] = value
                    else:
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += value
    return dA_prev


SOLUTIONS.update(conv_single_step=conv_single_step, conv_forward=conv_forward, pool_forward=pool_forward,
                 conv_backward=conv_backward, pool_backward=pool_backward)


def _as_learner(fn):
    """The library's function as a learner's own (a function of this module): a check refuses the library's."""
    def learner(*args):
        return fn(*args)
    return learner


SOLUTIONS = {name: _as_learner(fn) for name, fn in SOLUTIONS.items()}


def bce(AL, Y, scale=1.0, sign=-1.0, full=True):
    m = Y.shape[1]
    inner = Y * np.log(AL) + ((1 - Y) * np.log(1 - AL) if full else 0)
    return sign * np.sum(inner) / (m if scale else 1)


def init2(n_x, n_h, n_y, seed=1, *, shape_t=False, scale=0.01, order=False):
    np.random.seed(seed)
    if order:
        W2 = np.random.randn(n_y, n_h) * scale
        W1 = np.random.randn(n_h, n_x) * scale
    else:
        W1 = np.random.randn(*((n_x, n_h) if shape_t else (n_h, n_x))) * scale
        W2 = np.random.randn(*((n_h, n_y) if shape_t else (n_y, n_h))) * scale
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def init_deep(dims, seed=1, *, how="xavier", stop=0):
    rng = np.random.RandomState(seed)
    p = {}
    for l in range(1, len(dims) - stop):
        factor = {"small": 0.01, "fan_out": 1 / np.sqrt(dims[l])}.get(how, 1 / np.sqrt(dims[l - 1]))
        shape = (dims[l - 1], dims[l]) if how == "T" else (dims[l], dims[l - 1])
        p[f"W{l}"] = rng.randn(*shape) * factor
        p[f"b{l}"] = np.zeros((dims[l], 1))
    return p


def lin_act(A_prev, W, b, activation, *, swap=False, no_g=False, cache_order=False):
    Z = W @ A_prev + b
    use = activation if not swap else ("relu" if activation == "sigmoid" else "sigmoid")
    A = Z if no_g else (sig(Z) if use == "sigmoid" else np.maximum(0, Z))
    cache = (Z, (A_prev, W, b)) if cache_order else ((A_prev, W, b), Z)
    return A, cache


def forward(X, parameters, hidden="relu", output="sigmoid", stop=False, drop_last_cache=False):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L):
        A, c = utils.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], hidden)
        caches.append(c)
    if stop:
        return A, caches
    AL, c = utils.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], output)
    if not drop_last_cache:
        caches.append(c)
    return AL, caches


def lin_back(dZ, cache, *, no_m=False, db_axis=1, keepdims=True, db_no_m=False):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / (1 if no_m else m)
    db = np.sum(dZ, axis=db_axis, keepdims=keepdims) / (1 if (no_m or db_no_m) else m)
    return W.T @ dZ, dW, db


def lin_act_back(dA, cache, activation, *, swap=False, skip=False, at_a=False):
    linear_cache, Z = cache
    use = activation if not swap else ("relu" if activation == "sigmoid" else "sigmoid")
    if skip:
        dZ = dA
    elif use == "relu":
        dZ = relu_backward(dA, relu(Z)[0] if at_a else Z)
    else:
        dZ = sigmoid_backward(dA, sig(Z) if at_a else Z)
    return linear_backward(dZ, linear_cache)


def backward(AL, Y, caches, *, sign=1.0, out="sigmoid", hidden="relu"):
    grads, L = {}, len(caches)
    dAL = -sign * (Y / AL - (1 - Y) / (1 - AL))
    grads[f"dA{L-1}"], grads[f"dW{L}"], grads[f"db{L}"] = utils.linear_activation_backward(dAL, caches[L - 1], out)
    for l in range(L - 1, 0, -1):
        grads[f"dA{l-1}"], grads[f"dW{l}"], grads[f"db{l}"] = utils.linear_activation_backward(
            grads[f"dA{l}"], caches[l - 1], hidden)
    return grads


def update(parameters, grads, lr, *, sign=-1, biases=True, in_place=False, rate=True):
    new = parameters if in_place else dict(parameters)
    for l in range(1, len(parameters) // 2 + 1):
        if in_place:
            new[f"W{l}"] -= lr * grads[f"dW{l}"]
            new[f"b{l}"] -= lr * grads[f"db{l}"]
            continue
        new[f"W{l}"] = parameters[f"W{l}"] + sign * (lr if rate else 1) * grads[f"dW{l}"]
        if biases:
            new[f"b{l}"] = parameters[f"b{l}"] + sign * (lr if rate else 1) * grads[f"db{l}"]
    return new


def l2(parameters, lambd, m, *, half=True, biases=False, square=True, first_only=False, per_m=True):
    keys = [k for k in parameters if (biases or k.startswith("W"))]
    if first_only:
        keys = ["W1"]
    total = sum(np.sum(parameters[k] ** 2 if square else parameters[k]) for k in keys)
    return lambd / ((2 if half else 1) * (m if per_m else 1)) * total


def drop_fwd(A, keep_prob, seed, *, flip=False, scale="divide", as_float=False):
    rng = np.random.default_rng(seed)
    r = rng.random(A.shape)
    D = r if as_float else ((r < 1 - keep_prob) if flip else (r < keep_prob))
    out = A * D
    out = out / keep_prob if scale == "divide" else (out * keep_prob if scale == "multiply" else out)
    return out, D


def mini_batches(X, Y, size=64, seed=0, *, last=True, shuffle_y=True, shuffle=True):
    m = X.shape[1]
    perm = np.random.RandomState(seed).permutation(m) if shuffle else np.arange(m)
    Xs, Ys = X[:, perm], (Y[:, perm] if shuffle_y else Y)
    stop = m if last else m - m % size
    return [(Xs[:, k:k + size], Ys[:, k:k + size]) for k in range(0, stop, size)]


def momentum(p, g, v, beta, lr, *, avg=True, use_v=True, swapped=False):
    new, v = dict(p), dict(v)
    for l in range(1, len(p) // 2 + 1):
        for q in ("W", "b"):
            k = f"d{q}{l}"
            if swapped:
                v[k] = (1 - beta) * v[k] + beta * g[k]
            else:
                v[k] = beta * v[k] + ((1 - beta) if avg else 1) * g[k]
            new[f"{q}{l}"] = p[f"{q}{l}"] - lr * (v[k] if use_v else g[k])
    return new, v


def adam(p, g, v, s, t, lr=0.01, b1=0.9, b2=0.999, eps=1e-8, *, correct=True, square=True, root=True):
    new, v, s, vc, sc = dict(p), dict(v), dict(s), {}, {}
    for l in range(1, len(p) // 2 + 1):
        for q in ("W", "b"):
            k = f"d{q}{l}"
            v[k] = b1 * v[k] + (1 - b1) * g[k]
            s[k] = b2 * s[k] + (1 - b2) * (np.square(g[k]) if square else g[k])
            vc[k] = v[k] / (1 - b1 ** t) if correct else v[k]
            sc[k] = s[k] / (1 - b2 ** t) if correct else s[k]
            new[f"{q}{l}"] = p[f"{q}{l}"] - lr * vc[k] / ((np.sqrt(sc[k]) if root else sc[k]) + eps)
    return new, v, s, vc, sc


def soft(Z, *, stable=True, axis=0, whole=False):
    E = np.exp(Z - Z.max(axis=axis, keepdims=True)) if stable else np.exp(Z)
    return (E / (E.sum() if whole else E.sum(axis=axis, keepdims=True))), Z


MISTAKES = {
    "sigmoid": [
        (lambda Z: sig(Z), "return two things, `return A, Z`"),
        (lambda Z: (1 / (1 + np.exp(Z)), Z), "the sign of the exponent"),
        (lambda Z: (sig(Z), sig(Z)), "the cache is the input Z, not the output A"),
    ],
    "sigmoid_backward": [
        (lambda dA, Z: sig(Z) * (1 - sig(Z)), "the chain rule multiplies by dA"),
        (lambda dA, Z: dA * Z * (1 - Z), "the derivative is taken at s = sigmoid(Z), not at Z"),
        (lambda dA, Z: dA * sig(Z), "the factor (1 - s) is missing"),
        (lambda dA, Z: dA * sigmoid(Z) * (1 - sigmoid(Z)), "sigmoid returns a pair"),
    ],
    "initialize_with_zeros": [
        (lambda n: {"W1": np.zeros((n, 1)), "b1": np.zeros((1, 1))}, "not (n_x, 1)"),
        (lambda n: {"W1": np.zeros((1, n)), "b1": 0}, "b1 is an array of shape (1, 1)"),
        (lambda n: {"W1": np.random.default_rng(0).standard_normal((1, n)), "b1": np.zeros((1, 1))},
         "must be all zeros"),
        (lambda n: {"w": np.zeros((1, n)), "b": np.zeros((1, 1))}, "has no key 'W1'"),
    ],
    "binary_cross_entropy": [
        (lambda AL, Y: bce(AL, Y, scale=0), "divide the sum by m"),
        (lambda AL, Y: bce(AL, Y, sign=1.0), "the sign"),
        (lambda AL, Y: bce(AL, Y, full=False), "the (1 - Y) log(1 - AL) term is missing"),
        (lambda AL, Y: np.squeeze(-(Y @ np.log(AL).T + (1 - Y) @ np.log(1 - AL).T)), "divide the sum by m"),
    ],
    "propagate": [
        (lambda W, b, X, Y: ({"dW": X @ (sig(W @ X + b) - Y).T / X.shape[1],
                              "db": np.sum(sig(W @ X + b) - Y, axis=1, keepdims=True) / X.shape[1]},
                             propagate(W, b, X, Y)[1]), "you computed its transpose"),
        (lambda W, b, X, Y: ({"dW": (sig(W @ X + b) - Y) @ X.T, "db": np.sum(sig(W @ X + b) - Y, axis=1,
                                                                              keepdims=True)},
                             propagate(W, b, X, Y)[1]), "need the factor 1/m"),
        (lambda W, b, X, Y: ({k: -v for k, v in propagate(W, b, X, Y)[0].items()}, propagate(W, b, X, Y)[1]),
         "dZ = A - Y (prediction minus label), not Y - A"),
        (lambda W, b, X, Y: propagate(W, np.zeros_like(b), X, Y), "the bias is missing"),
        (lambda W, b, X, Y: propagate(W.T, b, X, Y), "W is (1, n_x) and X is (n_x, m)"),
    ],
    "tanh": [
        (lambda Z: np.tanh(Z), "return two things"),
        (lambda Z: (np.tanh(Z), np.tanh(Z)), "the cache is the input Z"),
        (lambda Z: (sig(Z), Z), "that is the sigmoid"),
    ],
    "tanh_backward": [
        (lambda dA, Z: dA * (1 - Z ** 2), "the derivative is taken at t = tanh(Z)"),
        (lambda dA, Z: 1 - np.tanh(Z) ** 2, "the chain rule multiplies by dA"),
        (lambda dA, Z: dA * (1 - np.tanh(Z)), "the square is missing"),
        (lambda dA, Z: dA * sig(Z) * (1 - sig(Z)), "that is the sigmoid's derivative"),
    ],
    "initialize_parameters": [
        (lambda *a: init2(*a, shape_t=True), "yours are transposed"),
        (lambda *a: init2(*a, scale=1.0), "multiplied by 0.01"),
        (lambda *a: init2(*a, order=True), "draw W1 first, then W2"),
        (lambda n_x, n_h, n_y, seed=1: {**init2(n_x, n_h, n_y, seed), "b1": np.random.randn(n_h, 1)},
         "the biases start at zero"),
    ],
    "forward_propagation": [
        (lambda X, p: forward_propagation(X, {**p, "b1": 0 * p["b1"], "b2": 0 * p["b2"]}), "the biases are missing"),
        (lambda X, p: fwd(X, p, hidden=sig), "A1 = np.tanh(Z1), not the sigmoid"),
        (lambda X, p: fwd(X, p, output=lambda Z: Z), "A2 = sigmoid(Z2), not Z2"),
        (lambda X, p: fwd(X, p, output=np.tanh), "tanh goes below 0"),
    ],
    "backward_propagation": [
        (lambda p, c, X, Y: bwd(p, c, X, Y, slope=lambda c: 1 - c["Z1"] ** 2), "you used 1 - Z1^2"),
        (lambda p, c, X, Y: {k: -v for k, v in backward_propagation(p, c, X, Y).items()}, "not Y - A2"),
        (lambda p, c, X, Y: {k: X.shape[1] * v for k, v in backward_propagation(p, c, X, Y).items()}, "the factor 1/m"),
        (lambda p, c, X, Y: bwd(p, c, X, Y, slope=lambda c: c["A1"] * (1 - c["A1"])), "that is the sigmoid's slope"),
    ],
    "gradient_check_n": [
        (lambda *a: check_loop(*a, two=1), "divides by 2 epsilon"),
        (lambda *a: check_loop(*a, one_sided=True), "yours is one-sided"),
        (lambda p, g, X, Y, e: check_loop(dict(p), g, X, Y, e, shared=True), "copy theta before nudging it"),
    ],
    "L_model_forward_with_dropout": [
        (lambda X, p, kp, seed: L_model_forward_with_dropout(X, p, kp, seed, output_too=True), "the output layer keeps"),
        (lambda X, p, kp, seed: L_model_forward_with_dropout(X, p, kp, seed, store=False), "keep the mask in the"),
        (lambda X, p, kp, seed: utils.L_model_forward(X, p), "no unit was dropped"),
    ],
    "train_mini_batch_adam": [
        (lambda *a: train_mini_batch_adam(*a, t_per_epoch=True), "yours starts again every epoch"),
        (lambda *a: train_mini_batch_adam(*a, same_batches=True), "reshuffle every epoch"),
        (lambda *a: train_mini_batch_adam(*a, plain=True), "yours is plain gradient descent"),
    ],
    "L_model_backward_with_regularization": [
        (lambda AL, Y, c, lambd: L_model_backward_with_regularization(AL, Y, c, lambd, l2_factor=0.5), "not lambd / (2 m)"),
        (lambda AL, Y, c, lambd: L_model_backward_with_regularization(AL, Y, c, lambd, masks=False),
         "passes back only through the units it kept"),
        (lambda AL, Y, c, lambd: L_model_backward_with_regularization(AL, Y, c, lambd, bias=True),
         "db_l gets no L2 term"),
    ],
    "nn_model": [
        (lambda X, Y, n_h, n, lr, seed: utils.initialize_parameters(X.shape[0], n_h, Y.shape[0], seed),
         "the parameters never change"),
        (lambda X, Y, n_h, n, lr, seed: nn_model(X, Y, n_h, n - 1, lr, seed), "runs num_iterations times"),
        (lambda X, Y, n_h, n, lr, seed: nn_model(X, Y, n_h, n, 0.01, seed), "pass learning_rate on"),
        (lambda X, Y, n_h, n, lr, seed: nn_model(X, Y, n_h, n, lr), "with the seed given"),
    ],
    "initialize_parameters_deep": [
        (lambda d, s=1: init_deep(d, s, how="T"), "yours are transposed"),
        (lambda d, s=1: init_deep(d, s, how="small"), "not multiply by 0.01"),
        (lambda d, s=1: init_deep(d, s, how="fan_out"), "the number of INPUTS of the layer"),
        (lambda d, s=1: init_deep(d, s, stop=1), "the loop misses the output layer"),
    ],
    "linear_forward": [
        (lambda A, W, b: (W @ A, (A, W, b)), "the bias is missing"),
        (lambda A, W, b: (W.T @ A + b, (A, W, b)), "a transposed W"),
        (lambda A, W, b: (W @ A + b, (W, A, b)), "the cache is (A, W, b) in that order"),
        (lambda A, W, b: W @ A + b, "return two things, `return Z, cache`"),
        (lambda A, W, b: (W * A + b, (A, W, b)), "the matrix product @, not *"),
    ],
    "linear_activation_forward": [
        (lambda *a: lin_act(*a, swap=True), "the activations are swapped"),
        (lambda *a: lin_act(*a, no_g=True), "the activation is missing"),
        (lambda *a: lin_act(*a, cache_order=True), "the cache is (linear_cache, activation_cache) in that order"),
        (lambda A, W, b, act: (sigmoid(linear_forward(A, W, b)) if act == "sigmoid" else relu(linear_forward(A, W, b))),
         "linear_forward and the activations each return a pair"),
    ],
    "L_model_forward": [
        (lambda X, p: forward(X, p, hidden="sigmoid"), "yours uses sigmoid everywhere"),
        (lambda X, p: forward(X, p, output="relu"), "not a relu"),
        (lambda X, p: forward(X, p, stop=True), "the output layer, sigmoid, comes after it and was forgotten"),
        (lambda X, p: forward(X, p, drop_last_cache=True), "append the output layer's cache too"),
    ],
    "compute_cost": [
        (lambda AL, Y: bce(AL, Y, scale=0), "divide the sum by m"),
        (lambda AL, Y: bce(AL, Y, sign=1.0), "the sign"),
        (lambda AL, Y: bce(AL, Y, full=False), "the (1 - Y) log(1 - AL) term is missing"),
        (lambda AL, Y: bce(Y, AL), "Y and AL are swapped"),
    ],
    "linear_backward": [
        (lambda dZ, c: lin_back(dZ, c, no_m=True), "the factor 1/m is missing"),
        (lambda dZ, c: lin_back(dZ, c, db_no_m=True), "db needs the 1/m too"),
        (lambda dZ, c: lin_back(dZ, c, keepdims=False), "keep its column shape (n, 1)"),
        (lambda dZ, c: lin_back(dZ, c, db_axis=0), "not axis=0"),
        (lambda dZ, c: (c[1] @ dZ, *lin_back(dZ, c)[1:]), "a transpose is missing or misplaced"),
    ],
    "linear_activation_backward": [
        (lambda *a: lin_act_back(*a, swap=True), "derivatives are swapped"),
        (lambda *a: lin_act_back(*a, skip=True), "you passed dA straight to linear_backward"),
        (lambda *a: lin_act_back(*a, at_a=True), "takes the activation cache Z (cache[1])"),
    ],
    "L_model_backward": [
        (lambda AL, Y, c: backward(AL, Y, c, sign=-1.0), "the sign of dAL"),
        (lambda AL, Y, c: backward(AL, Y, c, out="relu"), 'not "relu"'),
        (lambda AL, Y, c: backward(AL, Y, c, hidden="sigmoid"), 'their backward steps use "relu"'),
        (lambda AL, Y, c: {k.replace("dA", "dA_"): v for k, v in backward(AL, Y, c).items()}, "has no key 'dA0'"),
    ],
    "update_parameters": [
        (lambda p, g, lr: update(p, g, lr, sign=+1), "subtract"),
        (lambda p, g, lr: update(p, g, lr, biases=False), "the biases need their step too"),
        (lambda p, g, lr: update(p, g, lr, in_place=True), "changed its input `parameters"),
        (lambda p, g, lr: update(p, g, lr, rate=False), "multiply the gradient by the learning rate"),
    ],
    "l2_cost": [
        (lambda p, lambd, m: l2(p, lambd, m, half=False), "the 1/2 is missing"),
        (lambda p, lambd, m: l2(p, lambd, m, biases=True), "not the biases"),
        (lambda p, lambd, m: l2(p, lambd, m, square=False), "square the weights"),
        (lambda p, lambd, m: l2(p, lambd, m, first_only=True), "sum over EVERY layer"),
        (lambda p, lambd, m: l2(p, lambd, m, per_m=False), "divide by m"),
    ],
    "l2_gradient": [
        (lambda W, lambd, m: lambd / (2 * m) * W, "the 2 of the square cancels the 1/2"),
        (lambda W, lambd, m: lambd * W, "divide by m"),
        (lambda W, lambd, m: 2 * lambd / m * W, "not 2 lambd / m * W"),
    ],
    "dropout_forward": [
        (lambda A, kp, s: drop_fwd(A, kp, s, scale="none"), "the division is missing"),
        (lambda A, kp, s: drop_fwd(A, kp, s, scale="multiply"), "divide by keep_prob, do not multiply"),
        (lambda A, kp, s: drop_fwd(A, kp, s, flip=True), "keeps each unit with probability keep_prob"),
        (lambda A, kp, s: drop_fwd(A, kp, s, as_float=True), "D should be the mask that says which units are kept"),
        (lambda A, kp, s: (A / kp, drop_fwd(A, kp, s)[1]), "apply the mask"),
    ],
    "dropout_backward": [
        (lambda dA, D, kp: dA * D, "the division is missing"),
        (lambda dA, D, kp: dA * D * kp, "divide by keep_prob, do not multiply"),
        (lambda dA, D, kp: dA / kp, "apply the mask D"),
    ],
    "relative_error": [
        (lambda a, e: np.linalg.norm(a - e) / np.linalg.norm(e), "divides by ||exact|| only"),
        (lambda a, e: np.sum(a - e) / (np.linalg.norm(a) + np.linalg.norm(e)), "not its sum"),
        (lambda a, e: np.sum((a - e) ** 2) / (np.sum(a ** 2) + np.sum(e ** 2)), "no squares around it"),
        (lambda a, e: np.linalg.norm(a - e) / np.linalg.norm(a + e), "not the norm of the sum"),
    ],
    "random_mini_batches": [
        (lambda X, Y, size=64, seed=0: mini_batches(X, Y, size, seed, last=False), "keep it"),
        (lambda X, Y, size=64, seed=0: mini_batches(X, Y, size, seed, shuffle_y=False), "the SAME permutation"),
        (lambda X, Y, size=64, seed=0: mini_batches(X, Y, size, seed, shuffle=False), "shuffle first"),
    ],
    "update_parameters_with_momentum": [
        (lambda *a: momentum(*a, avg=False), "the (1 - beta) is missing"),
        (lambda *a: momentum(*a, use_v=False), "you used the gradient dW"),
        (lambda *a: momentum(*a, swapped=True), "beta weighs the OLD velocity"),
    ],
    "update_parameters_with_adam": [
        (lambda *a: adam(*a, correct=False), "bias correction"),
        (lambda *a: adam(*a, square=False), "SQUARED gradients"),
        (lambda *a: adam(*a, root=False), "divides by the square root"),
    ],
    "schedule_lr_decay": [
        (lambda a, e, d, t=1000: a / (1 + d * (e / t)), "yours decays smoothly"),
        (lambda a, e, d, t=1000: a / (1 + d * e), "not epoch_num"),
        (lambda a, e, d, t=1000: a * (1 + d * (e // t)), "yours grows"),
    ],
    "softmax": [
        (lambda Z: soft(Z, stable=False), "subtract each column's maximum"),
        (lambda Z: soft(Z, axis=1), "not axis=1"),
        (lambda Z: soft(Z, whole=True), "not the sum of the whole array"),
        (lambda Z: soft(Z)[0], "return two things"),
    ],
    "categorical_cross_entropy": [
        (lambda AL, Y: -np.sum(Y * np.log(AL)), "divide by m"),
        (lambda AL, Y: np.sum(Y * np.log(AL)) / Y.shape[1], "the sign"),
        (lambda AL, Y: -np.mean(Y * np.log(AL)), "np.mean divides by C * m"),
        (lambda AL, Y: -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1],
         "no (1 - Y) log(1 - AL) term"),
    ],
    "batchnorm_forward": [
        (lambda Z, g, b, p: batchnorm_forward(Z, g, b, p, axis=0), "(yours normalises each example over its units"),
        (lambda Z, g, b, p: batchnorm_forward(Z, g, b, p, ddof=1), "not the unbiased 1/(m - 1)"),
        (lambda Z, g, b, p: batchnorm_forward(Z, g, b, p, with_eps=False), "add eps inside the square root"),
        (lambda Z, g, b, p: batchnorm_forward(Z, g, b, p, batch_in_test=True), "in test mode use the running"),
        (lambda Z, g, b, p: batchnorm_forward(Z, g, b, p, swap=True), "momentum (0.9) weighs the OLD running"),
        (lambda Z, g, b, p: batchnorm_forward(Z, g, b, p, store=False), "store the updated running statistics"),
        (lambda Z, g, b, p: batchnorm_forward(Z, g, b, p, scale=False), "scale and shift the normalised values"),
    ],
    "batchnorm_backward": [
        (lambda dout, cache: batchnorm_backward(dout, cache, mean_term=False), "the term through the batch MEAN"),
        (lambda dout, cache: batchnorm_backward(dout, cache, variance_term=False), "through the batch VARIANCE"),
        (lambda dout, cache: batchnorm_backward(dout, cache, test_branch=False), "in test mode the statistics are"),
        (lambda dout, cache: batchnorm_backward(dout, cache, axis=0), "sum over the m examples, axis=1"),
        (lambda dout, cache: batchnorm_backward(dout, (*cache[:3], "test")), "treats them as constants"),
    ],
    "layernorm_forward": [
        (lambda Z, g, b, p=None: layernorm_forward(Z, g, b, p, axis=1), "that is batch normalization"),
        (lambda Z, g, b, p=None: layernorm_forward(Z, g, b, p, ddof=1), "the variance is the biased one"),
        (lambda Z, g, b, p=None: layernorm_forward(Z, g, b, p, with_eps=False), "add eps inside the square root"),
        (lambda Z, g, b, p=None: (layernorm_forward(Z, g, b, p)[1][0], layernorm_forward(Z, g, b, p)[1]),
         "scale and shift the normalised values"),
    ],
    "conv_single_step": [
        (lambda a, W, b: conv_single_step(a, W, b, bias="none"), "add the bias"),
        (lambda a, W, b: conv_single_step(a, W, b, bias="each"), "add b once, after the sum"),
        (lambda a, W, b: conv_single_step(a, W, b, bias="array"), "returned an array of shape (1, 1, 1), not one number"),
        (lambda a, W, b: np.sum(a * W) + float(b), "the bias b (1, 1, 1) as b.item()"),
        (lambda a, W, b: a * W + b.item(), "sum the products into one number"),
    ],
    "conv_forward": [
        (lambda *a: conv_forward(*a, pad_image=False), "pad the images first: A_prev_pad = zero_pad(A_prev, pad)"),
        (lambda *a: conv_forward(*a, plus_one=False), "the + 1 counts the first window"),
        (lambda *a: conv_forward(*a, stride_in_start=False), "(yours: vert_start = h, horiz_start = w; the stride"),
        (lambda *a: conv_forward(*a, whole_filter=True), "multiply the window by ONE filter, W[:, :, :, c]"),
        (lambda *a: conv_forward(*a, inclusive_end=True), "the slice is one entry short"),
        (lambda *a: conv_forward(*a, cache_padded=True), "the cache holds the A_prev you were given, unpadded"),
        (lambda *a: conv_forward(*a, bias_again=True), "add the bias once"),
        (lambda A, W, b, hp: conv_forward(A, W, np.zeros_like(b), hp), "add the bias: Z[i, h, w, c]"),
    ],
    "pool_forward": [
        (lambda A, hp, mode="max": pool_forward(A, hp, mode, modes={"max": "average", "average": "max"}),
         "the modes are swapped"),
        (lambda A, hp, mode="max": pool_forward(A, hp, mode, modes={"average": "max"}), "yours takes the max in both"),
        (lambda A, hp, mode="max": pool_forward(A, hp, mode, over_channels=True), "pool each channel on its own"),
        (lambda A, hp, mode="max": pool_forward(A, hp, mode, stride_in_start=False), "the stride is missing"),
        (lambda A, hp, mode="max": pool_forward(A, hp, mode, total=True), "average-pooling takes the mean"),
        (lambda A, hp, mode: pool_forward(A, hp, mode), "give mode its default"),
    ],
    "conv_backward": [
        (lambda dZ, cache: conv_backward(dZ, cache, per_example=True), "add up dW and db over EVERY example"),
        (lambda dZ, cache: conv_backward(dZ, cache, db_assigned=True), "db[:, :, :, c] += dZ[i, h, w, c]: add every"),
        (lambda dZ, cache: conv_backward(dZ, cache, crop="coursera"), "with pad = 0, da_prev_pad[pad:-pad] is empty"),
        (lambda dZ, cache: conv_backward(dZ, cache, crop="none"), "crop the padding off"),
        (lambda dZ, cache: conv_backward(dZ, cache, dW_from="W"), "dW gets the WINDOW times dZ"),
        (lambda dZ, cache: conv_backward(dZ, cache, dA_from="window"), "dA_prev gets the FILTER times dZ"),
        (lambda dZ, cache: conv_backward(dZ, cache, per_m=True), "m times too small (m, the number of examples)"),
    ],
    "pool_backward": [
        (lambda dA, cache, mode="max": pool_backward(dA, cache, mode, mask="image"), "not of the whole image"),
        (lambda dA, cache, mode="max": pool_backward(dA, cache, mode, mask="none"), "the mask is True only at the"),
        (lambda dA, cache, mode="max": pool_backward(dA, cache, mode, share="f"), "each gets dA / (f * f), not dA / f"),
        (lambda dA, cache, mode="max": pool_backward(dA, cache, mode, assign=True), "windows that overlap"),
        (lambda dA, cache, mode="max": pool_backward(dA, cache, mode, modes={"max": "average", "average": "max"}),
         "the modes are swapped"),
        (lambda dA, cache, mode="max": pool_backward(dA, cache, mode, modes={"average": "max"}),
         "(yours does max in both modes)"),
    ],
    "softmax_cross_entropy_backward": [
        (lambda Z, Y: Y - softmax(Z)[0], "not Y - A"),
        (lambda Z, Y: Z - Y, "not Z - Y"),
        (lambda Z, Y: (softmax(Z)[0] - Y) / Z.shape[1], "no 1/m here"),
        (lambda Z, Y: softmax(Z) - Y, "softmax returns a pair"),
    ],
}

NAMES = sorted(E.CHECKS)


def test_there_are_at_least_25_exercises_and_every_one_is_tested_here():
    assert len(NAMES) >= 25
    assert set(SOLUTIONS) == set(NAMES) == set(MISTAKES)


@pytest.mark.parametrize("name", NAMES)
def test_a_stub_is_not_written_yet(name, capsys):
    for fn in (stub, empty):
        feedback = E.CHECKS[name](fn)
        assert not feedback.passed and feedback.not_written
        assert f"… {name} is not written yet" in feedback.message
        assert "the lesson goes on with the library's" in feedback.message
    assert capsys.readouterr().out.count("not written yet") == 2   # printed, one line each


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_with_one_short_line(name, capsys):
    feedback = E.CHECKS[name](SOLUTIONS[name])
    assert feedback.passed, feedback.message
    out = capsys.readouterr().out
    assert out.startswith(f"✓ {name} is correct") and out.count("\n") == 1


@pytest.mark.parametrize("name, index", [(n, i) for n in NAMES for i in range(len(MISTAKES[n]))])
def test_a_typical_mistake_gets_its_specific_hint(name, index):
    wrong, hint = MISTAKES[name][index]
    feedback = E.CHECKS[name](wrong)
    assert not feedback.passed and not feedback.not_written
    assert feedback.message.startswith(f"✗ {name}")
    assert hint in feedback.message, feedback.message


@pytest.mark.parametrize("name", NAMES)
def test_at_least_three_typical_mistakes_per_exercise_or_the_one_liners(name):
    assert len(MISTAKES[name]) >= 3


def test_a_wrong_shape_says_expected_and_got():
    feedback = E.check_tanh_backward(lambda dA, Z: (dA * (1 - np.tanh(Z) ** 2))[:, :1])
    assert "has the wrong shape: expected (1, 3), got (1, 1)" in feedback.message


def test_an_exception_is_reported_with_its_type_message_and_a_hint():
    def broken(A, W, b):
        return W.T @ A + b, (A, W, b)
    feedback = E.check_linear_forward(broken)
    assert feedback.message.startswith("✗ linear_forward raised ValueError: matmul")
    assert "the product is W @ A" in feedback.message


def test_an_input_changed_in_place_is_named():
    def in_place(Z):
        Z *= 2
        return np.tanh(Z / 2), Z / 2
    feedback = E.check_tanh(in_place)
    assert "changed its input `Z`" in feedback.message and "not W -= ..." in feedback.message


def test_not_a_function():
    feedback = E.check_sigmoid(np.zeros(3))
    assert "expected the function sigmoid itself" in feedback.message


def test_a_check_never_raises_even_on_strange_results():
    for weird in (lambda *a: "text", lambda *a: [1, 2, 3], lambda *a: {"x": 1}, lambda *a: np.nan):
        for name, check in E.CHECKS.items():
            assert not check(weird).passed


def test_feedback_is_not_displayed_twice_in_a_notebook():
    feedback = E.check_sigmoid(SOLUTIONS["sigmoid"])
    assert feedback._ipython_display_() is None and bool(feedback) and str(feedback).startswith("✓")


def test_a_mask_not_drawn_from_the_seed_is_named(capsys):
    """Two calls with the same seed must give the same mask: the learner draws from np.random's global state."""
    def unseeded(A, keep_prob, seed):
        D = np.random.rand(*A.shape) < keep_prob
        return A * D / keep_prob, D

    feedback = E.check_dropout_forward(unseeded)
    assert not feedback.passed and "two different results" in feedback.message
    assert "np.random.default_rng(seed)" in feedback.message



def test_your_functions_puts_the_checked_functions_in_place_for_one_block(monkeypatch, capsys):
    """The opt-in cell: the learner's checked functions replace the library's for a `with` block, then go back."""
    from utils.exercises import core
    monkeypatch.setattr(core, "_PASSED", {})

    def my_linear_forward(A, W, b):
        Z = W @ A + b
        return Z, (A, W, b)

    def my_sigmoid(Z):
        return 1 / (1 + np.exp(-Z)), Z

    namespace = {"linear_forward": linear_forward, "other": 1}
    assert E.check_linear_forward(my_linear_forward).passed
    names = ["linear_forward", "sigmoid"]
    with E.your_functions(namespace, names) as missing:
        assert missing == ["sigmoid"] and namespace["linear_forward"] is linear_forward   # not all: nothing changes
    assert E.check_sigmoid(my_sigmoid).passed
    with pytest.raises(RuntimeError):
        with E.your_functions(namespace, names) as missing:
            assert missing == [] and namespace["linear_forward"] is my_linear_forward
            assert namespace["sigmoid"] is my_sigmoid
            raise RuntimeError("a bug in the block")
    assert namespace == {"linear_forward": linear_forward, "other": 1}   # restored, and no sigmoid added

    E.check_sigmoid(lambda Z: (Z, Z))   # a later wrong version: the check fails, the passed one is forgotten
    with E.your_functions(namespace, names) as missing:
        assert missing == ["sigmoid"]


def test_the_library_s_own_function_is_not_judged_and_not_remembered(monkeypatch, capsys):
    """Running a check cell again, after the line under it re-imported the library's function, says so: no ✓ for
    the library's code, and the learner's function that passed earlier stays remembered."""
    from utils.exercises import core
    monkeypatch.setattr(core, "_PASSED", {})
    mine = SOLUTIONS["linear_forward"]
    assert E.check_linear_forward(mine).passed
    feedback = E.check_linear_forward(utils.linear_forward)
    assert not feedback.passed and "the library's linear_forward, not yours" in feedback.message
    assert core._PASSED["linear_forward"] is mine


def test_your_functions_reach_the_learner_s_functions_called_by_bare_name(monkeypatch, capsys):
    """Functions defined in a notebook look names up in its globals: inside the block the learner's
    L_model_forward calls the learner's linear_activation_forward; an interrupt still restores the library's."""
    from utils.exercises import core
    monkeypatch.setattr(core, "_PASSED", {})
    namespace = {"np": np, "utils": utils}
    exec("def linear_activation_forward(A_prev, W, b, activation):\n"
         "    Z = W @ A_prev + b\n"
         "    A = np.maximum(Z, 0) if activation == 'relu' else 1 / (1 + np.exp(-Z))\n"
         "    return A, ((A_prev, W, b), Z)\n"
         "def L_model_forward(X, parameters):\n"
         "    CALLS.append('mine')\n"
         "    L = len(parameters) // 2\n"
         "    caches, A = [], X\n"
         "    for l in range(1, L):\n"
         "        A, cache = linear_activation_forward(A, parameters[f'W{l}'], parameters[f'b{l}'], 'relu')\n"
         "        caches.append(cache)\n"
         "    AL, cache = linear_activation_forward(A, parameters[f'W{L}'], parameters[f'b{L}'], 'sigmoid')\n"
         "    return AL, caches + [cache]\n", namespace)
    namespace["CALLS"] = []
    mine = {name: namespace[name] for name in ("linear_activation_forward", "L_model_forward")}
    assert E.check_linear_activation_forward(mine["linear_activation_forward"]).passed
    assert E.check_L_model_forward(mine["L_model_forward"]).passed
    namespace.update(linear_activation_forward=utils.linear_activation_forward, L_model_forward=utils.L_model_forward)
    calls = []
    namespace["linear_activation_forward"] = lambda *args: calls.append(1) or utils.linear_activation_forward(*args)
    library_version = namespace["linear_activation_forward"]
    with pytest.raises(KeyboardInterrupt):
        with E.your_functions(namespace, list(mine)) as missing:
            assert missing == []
            parameters = utils.initialize_parameters_deep([4, 3, 1], "xavier", seed=0, dtype=np.float64)
            namespace["L_model_forward"](np.ones((4, 2)), parameters)
            assert calls == []   # the learner's L_model_forward called the learner's linear_activation_forward
            raise KeyboardInterrupt
    assert namespace["linear_activation_forward"] is library_version
    assert namespace["L_model_forward"] is utils.L_model_forward



# ---- a check the learner's function cannot break ------------------------------------------------------------

import math
import os
import random
import signal
import sys
import threading
import time

import utils.activations
import utils.deep
from utils.exercises import core, guard


@pytest.fixture
def short_limit(monkeypatch):
    monkeypatch.setenv(core.TIME_LIMIT_VARIABLE, "1")
    return 1.0


def forever(*args):
    while True:
        pass


def forever_swallowing(*args):
    while True:
        try:
            while True:
                pass
        except BaseException:   # a bare except: the check's stop comes again
            pass


@pytest.mark.parametrize("fn", [forever, forever_swallowing], ids=["loop", "loop_that_swallows"])
def test_an_endless_loop_ends_with_one_line_at_the_time_limit(fn, short_limit, capsys):
    start = time.perf_counter()
    feedback = E.check_linear_forward(fn)
    elapsed = time.perf_counter() - start
    assert not feedback.passed and feedback.kind == "timeout" and not feedback.generic
    assert feedback.message.startswith("✗ linear_forward did not finish within 1 s and was stopped.")
    assert "endless loop" in feedback.message and elapsed < short_limit + 3
    assert capsys.readouterr().out.count("✗") == 1
    assert E.check_linear_forward(SOLUTIONS["linear_forward"]).passed   # nothing pending is left behind


def test_the_time_limit_is_configurable(monkeypatch):
    monkeypatch.delenv(core.TIME_LIMIT_VARIABLE, raising=False)
    assert core.configured_time_limit() == core.DEFAULT_TIME_LIMIT == 30.0
    for text, expected in (("2.5", 2.5), ("none", None), ("0", None), ("off", None), ("soon", 30.0)):
        monkeypatch.setenv(core.TIME_LIMIT_VARIABLE, text)
        assert core.configured_time_limit() == expected
    feedback = core.run_check(forever, explain_free_exercise(), time_limit=0.5)
    assert feedback.kind == "timeout" and "within 0.5 s" in feedback.message


def explain_free_exercise():
    return E.deep._linear_forward_exercise()


def test_a_check_run_in_another_thread_is_stopped_too_and_reports_a_keyboard_interrupt(short_limit, capsys):
    """Signals reach only the main thread: there the time limit still works (an exception raised in the thread),
    and a KeyboardInterrupt can only come from the learner's code, so it is reported."""
    out = {}

    def run():
        out["loop"] = E.check_linear_forward(forever)
        out["raise"] = E.check_linear_forward(lambda A, W, b: (_ for _ in ()).throw(KeyboardInterrupt()))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(20)
    assert not worker.is_alive()
    assert out["loop"].kind == "timeout"
    assert out["raise"].message.startswith("✗ linear_forward raised KeyboardInterrupt")


def test_a_real_ctrl_c_stops_the_check_and_the_library_is_put_back(capsys):
    """A SIGINT during the check (the learner pressed Ctrl-C, or the notebook's stop button) is re-raised after the
    library is restored: the cell stops, as asked, and nothing the function changed stays."""
    original = utils.deep.linear_forward

    def patch_then_wait(A, W, b):
        utils.deep.linear_forward = None
        os.kill(os.getpid(), signal.SIGINT)
        while True:
            pass

    with pytest.raises(KeyboardInterrupt):
        E.check_linear_forward(patch_then_wait)
    assert utils.deep.linear_forward is original
    assert "interrupted (Ctrl-C)" in capsys.readouterr().out
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no")


@pytest.mark.parametrize("error, shown", [
    (SystemExit(3), "raised SystemExit: 3"), (KeyboardInterrupt(), "raised KeyboardInterrupt"),
    (GeneratorExit(), "raised GeneratorExit"), (BaseException("odd"), "raised BaseException: odd"),
    (Unprintable(), "raised Unprintable: (a message that cannot be shown)")])
def test_whatever_the_learner_s_code_raises_becomes_the_check_s_line(error, shown, capsys):
    def raiser(Z):
        raise error
    feedback = E.check_sigmoid(raiser)
    assert not feedback.passed and feedback.message.startswith(f"✗ sigmoid {shown}")
    assert capsys.readouterr().out.startswith("✗ sigmoid")


def test_a_result_whose_own_code_raises_is_still_one_line(capsys):
    class Weird:
        def __eq__(self, other):
            raise SystemExit("from __eq__")
        __hash__ = object.__hash__
    feedback = E.check_schedule_lr_decay(lambda *a: Weird())
    assert not feedback.passed and feedback.message.startswith("✗ schedule_lr_decay")


def _patch_library_name(A, W, b):
    utils.deep.linear_forward = lambda A, W, b: (W @ A + b, (A, W, b))
    return W @ A + b, (A, W, b)


def _patch_numpy(A, W, b):
    np.dot = lambda *args: 0
    np.random.seed = lambda *args: None
    return W @ A + b, (A, W, b)


def _patch_engine(A, W, b):
    core._compare = lambda *args, **kwargs: None
    core.run_check = None
    return None, None


def _patch_reference(A, W, b):
    E.deep.linear_forward = lambda A, W, b: ("yours", "anyway")
    return "yours", "anyway"


def _patch_code(A, W, b):
    utils.deep.linear_forward.__code__ = (lambda A, W, b: (0, 0)).__code__
    return W @ A + b, (A, W, b)


def _patch_registry(A, W, b):
    utils.activations.ACTIVATIONS["relu"] = utils.activations.ACTIVATIONS["sigmoid"]
    return W @ A + b, (A, W, b)


def _patch_builtins(A, W, b):
    import builtins
    builtins.isinstance = lambda *args: True
    builtins.print = lambda *args, **kwargs: None
    return W @ A + b, (A, W, b)


@pytest.mark.parametrize("fn, named", [
    (_patch_library_name, "utils.deep.linear_forward"), (_patch_numpy, "np.dot"),
    (_patch_engine, "utils.exercises.core._compare"), (_patch_reference, "utils.exercises.deep.linear_forward"),
    (_patch_code, "utils.deep.linear_forward (its code)"), (_patch_registry, "ACTIVATIONS (its contents)"),
    (_patch_builtins, "builtins.isinstance")])
def test_a_function_that_changes_the_library_gets_no_tick_and_the_library_is_put_back(fn, named, capsys):
    import builtins
    before = (utils.deep.linear_forward, utils.deep.linear_forward.__code__, np.dot, np.random.seed, core._compare,
              core.run_check, E.deep.linear_forward, dict(utils.activations.ACTIVATIONS), builtins.isinstance,
              builtins.print)
    feedback = E.check_linear_forward(fn)
    after = (utils.deep.linear_forward, utils.deep.linear_forward.__code__, np.dot, np.random.seed, core._compare,
             core.run_check, E.deep.linear_forward, dict(utils.activations.ACTIVATIONS), builtins.isinstance,
             builtins.print)
    assert all(a is b for a, b in zip(before[:7], after[:7])) and before[7] == after[7]
    assert after[8:] == before[8:]
    assert not feedback.passed and feedback.kind == "changed_library" and named in feedback.message
    assert "(the check put it back)" in feedback.message and "✗" in capsys.readouterr().out
    parameters = utils.initialize_parameters_deep([3, 2, 1], "xavier", seed=0, dtype=np.float64)
    AL, caches = utils.L_model_forward(np.ones((3, 2)), parameters)   # the library works as before
    assert AL.shape == (1, 2) and len(caches) == 2
    assert E.check_linear_forward(SOLUTIONS["linear_forward"]).passed


def test_a_snapshot_names_nothing_when_nothing_changed_and_ignores_a_submodule_imported_late():
    snapshot = guard.Snapshot.take()
    import utils.plots   # noqa: F401  (may be imported for the first time: an attribute of utils appears)
    np.random.rand(3)
    assert snapshot.changed() == [] and snapshot.restore() == []


def test_the_global_random_states_are_left_as_they_were(capsys):
    np.random.seed(123)
    random.seed(7)
    before_np, before_py = np.random.get_state()[1].copy(), random.getstate()

    def seeded_like_the_course(n_x, n_h, n_y, seed=1):
        np.random.seed(seed)
        random.random()
        return {"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)),
                "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}

    assert E.check_initialize_parameters(seeded_like_the_course).passed
    assert np.array_equal(np.random.get_state()[1], before_np) and random.getstate() == before_py


def test_a_generator_is_named_as_such(capsys):
    def with_yield(Z):
        yield 1 / (1 + np.exp(-Z)), Z

    feedback = E.check_sigmoid(with_yield)
    assert feedback.kind == "generator" and "is a generator function" in feedback.message
    assert "random" not in feedback.message and "seed" not in feedback.message
    assert "returned a generator" in E.check_sigmoid(lambda Z: (x for x in Z)).message
    assert "an `async def` function" in E.check_sigmoid(_coroutine).message


async def _coroutine(Z):
    return Z


def test_none_a_list_and_an_iterator_are_named_as_what_they_are(capsys):
    def none_sometimes(Z):
        if Z.shape[0] > 1:
            return None
        return 1 / (1 + np.exp(-Z)), Z

    assert "returned None for one of the examples" in E.check_sigmoid(none_sometimes).message
    listed = E.check_sigmoid(lambda Z: ((1 / (1 + np.exp(-Z))).tolist(), Z)).message
    assert "should be an array of shape (1, 3), got a list of 1 (a Python list" in listed
    assert "got None" in E.check_linear_forward(lambda A, W, b: (W @ A + b, None)).message
    assert "a map object" in E.check_random_mini_batches(lambda X, Y, s=64, seed=0: map(str, [1])).message
    assert "the result should be a tuple of 2" not in E.check_sigmoid(lambda Z: [1 / (1 + np.exp(-Z)), Z]).message


# ---- graded by nbgrader ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["autograde", "validate"])
def test_under_nbgrader_a_check_that_does_not_pass_raises_with_its_line(value, monkeypatch, capsys):
    monkeypatch.setenv(core.GRADING_VARIABLE, value)
    with pytest.raises(AssertionError) as raised:
        E.check_sigmoid(stub)
    assert "… sigmoid is not written yet" in str(raised.value)
    with pytest.raises(AssertionError) as raised:
        E.check_sigmoid(lambda Z: (1 / (1 + np.exp(Z)), Z))
    assert str(raised.value).startswith("✗ sigmoid") and "Hint: the sign of the exponent" in str(raised.value)
    with pytest.raises(AssertionError, match="the library's sigmoid"):
        E.check_sigmoid(utils.sigmoid)
    assert E.check_sigmoid(SOLUTIONS["sigmoid"]).passed    # a pass prints ✓ and returns
    out = capsys.readouterr().out
    assert out.count("\n✗ ") + out.startswith("✗") == 1 and out.count("✓ sigmoid is correct") == 1


def test_without_nbgrader_a_check_never_raises(monkeypatch, capsys):
    monkeypatch.delenv(core.GRADING_VARIABLE, raising=False)
    for fn in (stub, lambda Z: (Z, Z), lambda Z: 1 / 0):
        assert not E.check_sigmoid(fn).passed
    monkeypatch.setenv(core.GRADING_VARIABLE, "")
    assert not core.grading() and not E.check_sigmoid(stub).passed


def test_in_a_jupyter_kernel_the_time_limit_stops_a_loop_and_nbgrader_s_variable_makes_a_check_fail(tmp_path):
    """The checks run in a real kernel, as a learner's notebook runs them: the loop ends with its one line (the
    kernel's main thread, under ipykernel's signal handling), and with NBGRADER_EXECUTION a failing check is an
    error of its cell, whose traceback holds the hint."""
    import nbformat
    from nbclient import NotebookClient

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import os, sys\nsys.path.insert(0, {root!r})\n"
                                  "os.environ['EXERCISES_TIME_LIMIT'] = '1'\n"
                                  "from utils.exercises import check_sigmoid\n"
                                  "def sigmoid(Z):\n    while True:\n        pass\n"
                                  "feedback = check_sigmoid(sigmoid)"),
        nbformat.v4.new_code_cell("print(feedback.kind)"),
        nbformat.v4.new_code_cell("os.environ['NBGRADER_EXECUTION'] = 'autograde'\n"
                                  "check_sigmoid(lambda Z: (Z, Z))"),
        nbformat.v4.new_code_cell("print('the notebook goes on')")])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = [("".join(o.get("text", "") for o in c.outputs if o.output_type == "stream"),
             [o for o in c.outputs if o.output_type == "error"]) for c in nb.cells]
    assert "did not finish within 1 s" in text[0][0] and not text[0][1]
    assert text[1][0] == "timeout\n"
    assert "✗ sigmoid" in text[2][0] and text[2][1][0]["ename"] == "AssertionError"
    assert "Hint:" in text[2][1][0]["evalue"]
    assert text[3][0] == "the notebook goes on\n"


def test_a_stopped_check_leaves_no_tracer_no_warning_filter_and_no_numpy_error_state_behind(short_limit, capsys):
    trace, filters, errors = sys.gettrace(), list(__import__("warnings").filters), np.geterr()
    assert E.check_linear_forward(forever_swallowing).kind == "timeout"
    assert sys.gettrace() is trace and list(__import__("warnings").filters) == filters and np.geterr() == errors
    assert E.check_linear_forward(SOLUTIONS["linear_forward"]).passed


# ---- hints without dead ends -------------------------------------------------------------------------------

def init2_unseeded(n_x, n_h, n_y, seed=1):
    return {"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}


def init2_default_rng(n_x, n_h, n_y, seed=1):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((n_h, n_x)) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": rng.normal(0, 0.01, (n_y, n_h)), "b2": np.zeros((n_y, 1))}


def init_deep_with(draw):
    def initialize_parameters_deep(layer_dims, seed=1):
        rng, parameters = np.random.default_rng(seed), {}
        for l in range(1, len(layer_dims)):
            parameters[f"W{l}"] = draw(rng, (layer_dims[l], layer_dims[l - 1])) / np.sqrt(layer_dims[l - 1])
            parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
        return parameters
    return initialize_parameters_deep


def batches_with(permutation):
    def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
        perm = permutation(X.shape[1], seed)
        return [(X[:, perm][:, k:k + mini_batch_size], Y[:, perm][:, k:k + mini_batch_size])
                for k in range(0, X.shape[1], mini_batch_size)]
    return random_mini_batches


@pytest.mark.parametrize("name, fn, fragments", [
    ("initialize_parameters", init2_unseeded, ["two different results", "np.random.RandomState(seed)"]),
    ("initialize_parameters", init2_default_rng, ["you drew from np.random.default_rng(seed): the idea is right",
                                                  "np.random.RandomState(seed)"]),
    ("initialize_parameters_deep", lambda dims, seed=1: {k: (np.random.randn(*v.shape) if k[0] == "W" else v)
                                                          for k, v in init_deep(dims, seed).items()},
     ["two different results", "np.random.RandomState(seed)", "rng.randn(n_l, n_prev)"]),
    ("initialize_parameters_deep", init_deep_with(lambda rng, shape: rng.standard_normal(shape)),
     ["you drew from np.random.default_rng(seed)", "rng.randn(n_l, n_prev)"]),
    ("random_mini_batches", batches_with(lambda m, seed: np.random.permutation(m)),
     ["two different results", "np.random.RandomState(seed).permutation(m)"]),
    ("random_mini_batches", batches_with(lambda m, seed: np.random.default_rng(seed).permutation(m)),
     ["you shuffled with np.random.default_rng(seed): the idea is right", "RandomState(seed).permutation(m)"]),
    ("dropout_forward", lambda A, kp, seed: (A * (np.random.rand(*A.shape) < kp) / kp, np.random.rand(*A.shape) < kp),
     ["two different results", "np.random.default_rng(seed)"]),
])
def test_a_seed_hint_names_the_generator_this_exercise_uses(name, fn, fragments, capsys):
    message = E.CHECKS[name](fn).message
    assert all(f in message for f in fragments), message
    if "two different results" in fragments and name != "dropout_forward":
        assert "default_rng(seed) draws other numbers" in message or "shuffles differently" in message


def test_an_exercise_without_a_seed_says_its_result_must_depend_on_its_arguments_only(capsys):
    calls = []

    def counting(Z):
        calls.append(1)
        return 1 / (1 + np.exp(-Z)) + 0 * len(calls), Z + len(calls)

    message = E.check_sigmoid(counting).message
    assert "two different results" in message and "depend on its arguments only" in message
    assert "seed" not in message


def test_a_dropout_mask_of_0s_and_1s_built_as_the_course_does_is_accepted(capsys):
    def as_the_course(A, keep_prob, seed):
        np.random.seed(seed)
        D = (np.random.rand(A.shape[0], A.shape[1]) < keep_prob).astype(int)
        return A * D / keep_prob, D

    def as_floats(A, keep_prob, seed):
        D = (np.random.default_rng(seed).random(A.shape) < keep_prob).astype(float)
        return np.multiply(A, D) / keep_prob, D

    assert E.check_dropout_forward(as_the_course).passed and E.check_dropout_forward(as_floats).passed
    uniform = E.check_dropout_forward(lambda A, kp, s: (A / kp, np.random.default_rng(s).random(A.shape))).message
    assert "D should be the mask" in uniform
    assert E.check_dropout_backward(lambda dA, D, kp: dA * D.astype(int) / kp).passed
    unseeded = E.check_dropout_forward(lambda A, kp, s: (lambda D: (A * D / kp, D))(
        (np.random.rand(*A.shape) < kp).astype(int))).message
    assert "two different results" in unseeded and "np.random.default_rng(seed)" in unseeded


@pytest.mark.parametrize("fn, fragment", [
    (lambda dZ, c: (c[1].T @ dZ, dZ @ c[0].T, np.sum(dZ, axis=1, keepdims=True) / c[0].shape[1]),
     "`dW` is m times too large (m, the number of examples): the 1/m of the average is missing"),
    (lambda dZ, c: (c[1].T @ dZ, dZ @ c[0].T / c[0].shape[1] ** 2, np.sum(dZ, axis=1, keepdims=True) / c[0].shape[1]),
     "`dW` is m times too small"),
    (lambda dZ, c: (dZ @ c[0].T / c[0].shape[1], np.sum(dZ, axis=1, keepdims=True) / c[0].shape[1], c[1].T @ dZ),
     "the values are right but in the wrong order: return (dA_prev, dW, db); yours is (dW, db, dA_prev)"),
    (lambda dZ, c: (-(c[1].T @ dZ), dZ @ c[0].T / c[0].shape[1], np.sum(dZ, axis=1, keepdims=True) / c[0].shape[1]),
     "`dA_prev` has the wrong sign"),
    (lambda dZ, c: (lambda A_prev, b, W: (W.T @ dZ, dZ @ A_prev.T / A_prev.shape[1],
                                          np.sum(dZ, axis=1, keepdims=True) / A_prev.shape[1]))(*c),
     "your function reads it as (A_prev, b, W): unpack it as A_prev, W, b = cache"),
    (lambda dZ, c: (lambda W, A_prev, b: (W.T @ dZ, dZ @ A_prev.T / A_prev.shape[1],
                                          np.sum(dZ, axis=1, keepdims=True) / A_prev.shape[1]))(*c),
     "your function reads it as (W, A_prev, b)"),
])
def test_linear_backward_s_hints_name_the_part_and_what_is_wrong_with_it(fn, fragment, capsys):
    feedback = E.check_linear_backward(fn)
    assert fragment in feedback.message and not feedback.generic, feedback.message


@pytest.mark.parametrize("fn, fragment", [
    (lambda AL, Y: float(-np.sum(np.log(AL)) / Y.shape[1]), "multiply by Y: only the log-probability"),
    (lambda AL, Y: float(-np.sum(Y * np.log10(AL)) / Y.shape[1]), "np.log10 where the formula's log is the natural"),
    (lambda AL, Y: float(-np.mean(Y * np.log(AL))), "np.mean divides by C * m"),
    (lambda AL, Y: float(-np.sum(Y * np.log(AL)) / Y.shape[0]), "m is the number of examples, Y.shape[1]"),
])
def test_the_categorical_cross_entropy_s_hints(fn, fragment, capsys):
    feedback = E.check_categorical_cross_entropy(fn)
    assert fragment in feedback.message and not feedback.generic, feedback.message


def test_binary_cross_entropy_with_log10_is_named(capsys):
    def log10(AL, Y):
        return float(-np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL)) / Y.shape[1])
    assert "divided by ln 10" in E.check_binary_cross_entropy(log10).message


def backward_caches_off_by_one(AL, Y, caches):
    grads, L = {}, len(caches)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    grads[f"dA{L-1}"], grads[f"dW{L}"], grads[f"db{L}"] = utils.linear_activation_backward(dAL, caches[L - 1],
                                                                                            "sigmoid")
    for l in range(L - 1, 0, -1):
        grads[f"dA{l-1}"], grads[f"dW{l}"], grads[f"db{l}"] = utils.linear_activation_backward(
            grads[f"dA{l}"], caches[l], "relu")
    return grads


def update_with_len(parameters, grads, learning_rate):
    new = dict(parameters)
    for l in range(1, len(parameters) + 1):
        new["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return new


def test_caches_one_off_and_L_from_len_parameters_get_what_is_wrong(capsys):
    message = E.check_L_model_backward(backward_caches_off_by_one).message
    assert "raised ValueError: matmul" in message and "layer l's cache is caches[l - 1]" in message
    message = E.check_update_parameters(update_with_len).message
    assert "raised KeyError: 'W3'" in message and "L = len(parameters) // 2" in message
    assert "the keys are the course's names" not in message


def test_a_softmax_with_the_global_maximum_is_told_about_underflow(capsys):
    def global_max(Z):
        E_ = np.exp(Z - np.max(Z))
        return E_ / E_.sum(axis=0, keepdims=True), Z
    message = E.check_softmax(global_max).message
    assert "UNDERflows" in message and "0 / 0 is NaN" in message and "overflows" not in message
    no_max = E.check_softmax(lambda Z: (np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True), Z)).message
    assert "overflows to inf" in no_max


def test_a_momentum_update_with_a_term_missing_is_said_as_a_formula(capsys):
    def no_average(parameters, grads, v, beta, learning_rate):
        new, v = dict(parameters), dict(v)
        for key in parameters:
            v["d" + key] = beta * v["d" + key] + grads["d" + key]
            new[key] = parameters[key] - learning_rate * v["d" + key]
        return new, v
    # known mistake first, but the engine's formula explains the same when the mistake is not listed
    exercise = E.optimization._momentum_exercise()
    exercise.mistakes = []
    message = core.run_check(no_average, exercise).message
    assert "`v`, for every key, is grads + 0.9 v where the right one is 0.1 grads + 0.9 v" in message
    assert "the term in grads has the factor 1 instead of 0.1" in message
    assert "parameters" not in message.split("Hint")[1]   # its step with the learner's own v is right


def test_unchanged_layers_are_said_once(capsys):
    def first_layer_only(parameters, grads, learning_rate):
        new = dict(parameters)
        new["W1"] = parameters["W1"] - learning_rate * grads["dW1"]
        new["b1"] = parameters["b1"] - learning_rate * grads["db1"]
        return new
    message = E.check_update_parameters(first_layer_only).message
    assert "come back unchanged, as they were given" in message and message.count("unchanged") == 1


# ---- chapter 7: convolution and pooling ------------------------------------------------------------------------

CONV_CHECKS = ("conv_single_step", "conv_forward", "pool_forward", "conv_backward", "pool_backward")


@pytest.mark.parametrize("name, fn", [
    ("conv_single_step", utils.conv.conv_single_step), ("conv_forward", utils.conv.conv_forward),
    ("pool_forward", utils.conv.pool_forward), ("conv_backward", utils.conv.conv_backward),
    ("pool_backward", utils.conv.pool_backward), ("conv_forward", utils.conv_loops.conv_forward_loops),
    ("pool_forward", utils.conv_loops.pool_forward_loops), ("conv_backward", utils.conv_loops.conv_backward_loops),
    ("pool_backward", utils.conv_loops.pool_backward_loops)], ids=lambda x: getattr(x, "__name__", x))
def test_vectorised_and_loop_answers_both_pass(name, fn, capsys):
    """The checks compare values only: the library's vectorised functions and the course's loops both pass."""
    assert E.CHECKS[name](_as_learner(fn)).passed


def test_a_loop_answer_is_checked_in_well_under_a_second(capsys):
    import time
    for name in CONV_CHECKS:
        start = time.perf_counter()
        assert E.CHECKS[name](SOLUTIONS[name]).passed
        assert time.perf_counter() - start < 1.0, name


@pytest.mark.parametrize("name", CONV_CHECKS)
def test_every_wrong_variant_runs_on_every_case_and_differs_somewhere(name):
    """A variant that raises, or equals the library's everywhere, could never name its mistake."""
    import copy
    from utils.exercises import conv as C
    from utils.exercises.core import _compare
    make = {"conv_single_step": C._single_step_exercise, "conv_forward": C._forward_exercise,
            "pool_forward": C._pool_forward_exercise, "conv_backward": C._backward_exercise,
            "pool_backward": C._pool_backward_exercise}[name]
    exercise = make()
    for mistake in (m for m in exercise.mistakes if m.variant is not None):
        differs = False
        for args in exercise.cases():
            got = mistake.variant(*copy.deepcopy(args))
            differs |= _compare(exercise.reference(*copy.deepcopy(args)), got, "the result") is not None
        assert differs, mistake.hint


def test_the_cases_have_strides_1_and_2_pads_0_to_2_and_both_pooling_modes():
    from utils.exercises import conv as C
    conv = [args[3] for args in C._forward_cases()] + [args[1][3] for args in C._backward_cases()]
    assert {hp["stride"] for hp in conv} == {1, 2} and {hp["pad"] for hp in conv} == {0, 1, 2}
    pools = C._pool_forward_cases() + [(cache[0], cache[1], *rest) for _, cache, *rest in C._pool_backward_cases()]
    assert {args[2] if len(args) > 2 else "default" for args in pools} == {"max", "average", "default"}
    assert {args[1]["stride"] < args[1]["f"] for args in pools} == {True, False}   # overlapping windows and not
    for args in C._forward_cases():
        A_prev, W = args[0], args[1]
        assert W.shape[2] not in (1, W.shape[3])   # a whole W where one filter is meant cannot broadcast


def _window_slip(rows=(0, 0), cols=(0, 0)):
    """pool_forward with its windows' slices off: [vert_start + rows[0]:vert_end + rows[1], ...]."""
    def forward(A_prev, hparameters, mode="max"):
        m, n_H_prev, n_W_prev, n_C = A_prev.shape
        f, s = hparameters["f"], hparameters["stride"]
        n_H, n_W = (n_H_prev - f) // s + 1, (n_W_prev - f) // s + 1
        A = np.zeros((m, n_H, n_W, n_C))
        reduce = np.max if mode == "max" else np.mean
        for h in range(n_H):
            for w in range(n_W):
                window = A_prev[:, h * s + rows[0]:h * s + f + rows[1], w * s + cols[0]:w * s + f + cols[1], :]
                A[:, h, w, :] = reduce(window, axis=(1, 2))
        return A, (A_prev, hparameters)
    return forward


@pytest.mark.parametrize("fn, fragment", [
    (_window_slip(rows=(1, 0)), "yours gives the value of rows 1:2, columns 2:4"),
    (_window_slip(cols=(0, 1)), "yours gives the value of rows 2:4, columns 0:3"),
    (_window_slip(rows=(0, -1)), "yours gives the value of rows 0:1, columns 0:2"),
])
def test_a_pooling_window_off_by_one_is_shown_with_its_rows_and_columns(fn, fragment, capsys):
    feedback = E.check_pool_forward(fn)
    assert "is rows" in feedback.message and fragment in feedback.message, feedback.message


def test_a_convolution_window_starting_one_row_low_is_shown(capsys):
    def low(A_prev, W, b, hparameters):
        Z, cache = utils.conv.conv_forward(A_prev, W, b, hparameters)
        A_pad = zero_pad(A_prev, hparameters["pad"])
        f, s = W.shape[0], hparameters["stride"]
        for h in range(Z.shape[1]):
            for w in range(Z.shape[2]):
                window = A_pad[:, h * s + 1:h * s + 1 + f, w * s:w * s + f, :]
                if window.shape[1] == f:
                    Z[:, h, w, :] = window.reshape(len(A_prev), -1) @ W.reshape(-1, W.shape[3]) + b.reshape(-1)
        return Z, cache
    feedback = E.check_conv_forward(low)
    assert "the window of output (h, w) = (0, 0) is rows 0:2, columns 0:2 of the padded image" in feedback.message
    assert "yours gives the value of rows 1:3, columns 0:2" in feedback.message


@pytest.mark.parametrize("axis, fragment", [(0, "for i in range(m): yours skips the last example"),
                                            (1, "for h in range(n_H): yours skips the last row"),
                                            (3, "for c in range(n_C): yours skips the last channel")])
def test_a_loop_that_stops_one_short_is_named(axis, fragment, capsys):
    from utils.exercises.conv import _skipped

    def forward(A_prev, W, b, hparameters):
        Z, cache = utils.conv.conv_forward(A_prev, W, b, hparameters)
        return _skipped(Z, axis), cache

    def backward(dA, cache, mode="max"):
        return utils.conv.pool_backward(_skipped(dA, axis), cache, mode)
    for feedback in (E.check_conv_forward(forward), E.check_pool_backward(backward)):
        assert fragment in feedback.message, feedback.message


def test_a_window_cut_short_names_its_possible_causes_from_the_shapes(capsys):
    """The error of a loop whose slice is short names what gives that shape first: no padding, one entry short."""
    def unpadded(A_prev, W, b, hparameters):   # the sizes with the padding, the windows from A_prev
        f, stride, pad = W.shape[0], hparameters["stride"], hparameters["pad"]
        n_H, n_W = (A_prev.shape[1] + 2 * pad - f) // stride + 1, (A_prev.shape[2] + 2 * pad - f) // stride + 1
        Z = np.zeros((A_prev.shape[0], n_H, n_W, W.shape[3]))
        for i in range(A_prev.shape[0]):
            for h in range(n_H):
                for w in range(n_W):
                    for c in range(W.shape[3]):
                        window = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                        Z[i, h, w, c] = np.sum(window * W[:, :, :, c]) + b[0, 0, 0, c]
        return Z, (A_prev, W, b, hparameters)

    feedback = E.check_conv_forward(unpadded)
    assert "raised ValueError" in feedback.message and "the image is not padded" in feedback.message
    feedback = E.check_conv_forward(lambda *a: conv_forward(*a, inclusive_end=True))
    assert "vert_end = vert_start + f and horiz_end = horiz_start + f" in feedback.message
    assert "not padded" not in feedback.message


def test_a_single_step_returning_a_0_d_array_or_a_numpy_float_passes(capsys):
    assert E.check_conv_single_step(lambda a, W, b: np.sum(a * W) + np.squeeze(b)).passed
    assert E.check_conv_single_step(lambda a, W, b: np.float64(np.sum(a * W) + b.item())).passed


# ---- a constant factor, named in the engine, for every exercise --------------------------------------------

def _scaled(fn, factor):
    """fn with its first numeric part that is not all zeros (or booleans) multiplied by factor."""
    def scale(x, done):
        if done[0]:
            return x
        if isinstance(x, tuple):
            return tuple(scale(v, done) for v in x)
        if isinstance(x, list):
            return [scale(v, done) for v in x]
        if isinstance(x, dict):
            return {k: scale(v, done) for k, v in x.items()}
        if isinstance(x, np.ndarray) and x.dtype != bool and np.any(x != 0) and x.size >= 2 or \
                isinstance(x, float) and x != 0:
            done[0] = True
            return x * factor
        return x

    def scaled(*args):
        return scale(fn(*args), [False])
    return scaled


FACTOR_WORDS = {-1.0: ("sign",), 1 / math.log(10): ("ln 10", "log10"), 2.0: ("twice", "2"), 0.5: ("half", "1/2")}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("factor", list(FACTOR_WORDS), ids=["minus", "log10", "twice", "half"])
def test_a_part_that_is_a_constant_multiple_of_the_right_one_is_named_with_its_factor(name, factor, capsys):
    if name == "initialize_with_zeros":
        pytest.skip("all its values are zeros: no multiple of them differs")
    feedback = E.CHECKS[name](_scaled(SOLUTIONS[name], factor))
    assert not feedback.passed and not feedback.generic, feedback.message
    assert any(word in feedback.message for word in FACTOR_WORDS[factor]), feedback.message


# ---- results compared as plain values, the whole library watched, a stop that holds, threads ------------

class Liar(np.ndarray):
    """An array that answers every NumPy function itself (np.allclose(liar, anything) is True)."""

    def __array_function__(self, *args, **kwargs):
        return True


class SaysEqual(float):
    def __array_function__(self, *args, **kwargs):
        return True

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class TrueFloat64(np.float64):
    def __eq__(self, other):
        return True

    __hash__ = np.float64.__hash__


class LyingTuple(tuple):
    def __len__(self):
        return 2

    def __iter__(self):
        return iter(self.parts)


class LyingDict(dict):
    def __getitem__(self, key):
        return 0


class LyingKey(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


def _lying_tuple(A, W, b):
    result = LyingTuple((1,))
    result.parts = [np.zeros((W.shape[0], A.shape[1])), (A, W, b)]
    return result


def _object_array(AL, Y):
    out = np.empty(1, dtype=object)
    out[0] = SaysEqual(1.0)
    return out


@pytest.mark.parametrize("name, fn, shown", [
    ("linear_forward", lambda A, W, b: (np.zeros((W.shape[0], A.shape[1])).view(Liar), (A, W, b)),
     "returned a Liar (a subclass of numpy.ndarray) as the result[0]"),
    ("compute_cost", lambda AL, Y: SaysEqual(123.0), "returned a SaysEqual (a subclass of float)"),
    ("compute_cost", lambda AL, Y: TrueFloat64(123.0), "returned a TrueFloat64 (a subclass of numpy.float64)"),
    ("linear_forward", _lying_tuple, "returned a LyingTuple (a subclass of tuple)"),
    ("update_parameters", lambda p, g, lr: LyingDict(p), "returned a LyingDict (a subclass of dict)"),
    ("update_parameters", lambda p, g, lr: {LyingKey(k): v for k, v in p.items()},
     "returned a dict with a key that is a LyingKey (a subclass of str)"),
    ("compute_cost", _object_array, "returned a SaysEqual (a subclass of float)"),
], ids=["ndarray_subclass", "float_subclass", "float64_subclass", "tuple_subclass", "dict_subclass", "str_key",
        "in_an_object_array"])
def test_a_result_that_could_decide_a_comparison_itself_is_refused_with_one_line(name, fn, shown, capsys):
    feedback = E.CHECKS[name](fn)
    assert not feedback.passed and feedback.kind == "type" and feedback.message.startswith(f"✗ {name} {shown}.")
    assert "Hint: return a plain" in feedback.message or "Hint: use plain strings" in feedback.message
    assert capsys.readouterr().out.count("✗") == 1


def test_under_nbgrader_a_liar_is_an_assertion_error(monkeypatch, capsys):
    monkeypatch.setenv(core.GRADING_VARIABLE, "autograde")
    with pytest.raises(AssertionError, match=r"returned a Liar \(a subclass of numpy.ndarray\)"):
        E.check_linear_forward(lambda A, W, b: (np.zeros((W.shape[0], A.shape[1])).view(Liar), (A, W, b)))


def test_an_object_that_pretends_to_be_an_array_is_only_described(capsys):
    class Pretender:
        __class__ = property(lambda self: np.ndarray)   # isinstance(x, np.ndarray) would say True
        shape = (2, 2)

        def __eq__(self, other):
            return True

    feedback = E.check_linear_forward(lambda A, W, b: (Pretender(), (A, W, b)))
    assert not feedback.passed and "got a Pretender object" in feedback.message


def test_plain_values_of_the_standard_library_s_and_numpy_s_own_types_still_pass(capsys):
    import collections
    assert E.check_update_parameters(lambda p, g, lr: collections.OrderedDict(
        (k, v - lr * g["d" + k]) for k, v in p.items())).passed
    assert E.check_compute_cost(lambda AL, Y: np.float64(utils.compute_cost(AL, Y))).passed
    assert E.check_compute_cost(lambda AL, Y: np.array(utils.compute_cost(AL, Y))).passed   # a 0-d array


def test_an_input_replaced_by_an_object_of_the_learner_s_class_counts_as_changed(capsys):
    def swap_in_place(parameters, grads, learning_rate):
        new = {k: v - learning_rate * grads["d" + k] for k, v in parameters.items()}
        parameters["W1"] = parameters["W1"].view(Liar)
        return new

    assert "changed its input `parameters['W1']`" in E.check_update_parameters(swap_in_place).message


def _numpy_internals(A, W, b):
    import numpy._core.numeric as numeric
    numeric.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, dtype=bool)
    return np.zeros((W.shape[0], A.shape[1])), (A, W, b)


def _numpy_implementation(A, W, b):
    np.isclose._implementation.__code__ = (lambda a, b, rtol=1e-05, atol=1e-08, equal_nan=False:
                                           np.ones(np.broadcast(a, b).shape, dtype=bool)).__code__
    return np.zeros((W.shape[0], A.shape[1])), (A, W, b)


def _numpy_class(A, W, b):
    np.errstate.__enter__ = lambda self: None
    return W @ A + b, (A, W, b)


FAKE_MODULE = type(sys)("utils.deep")


def _sys_modules(A, W, b):
    sys.modules["utils.deep"] = FAKE_MODULE
    sys.modules["utils.not_imported"] = FAKE_MODULE
    return W @ A + b, (A, W, b)


def _sys_modules_removed(A, W, b):
    del sys.modules["utils.deep"]
    return W @ A + b, (A, W, b)


def _standard_modules(A, W, b):
    import ctypes
    sys.settrace = threading.settrace = lambda *args: None
    ctypes.pythonapi.PyThreadState_SetAsyncExc = lambda *args: 1
    return W @ A + b, (A, W, b)


def _grading_unset(A, W, b):
    os.environ.pop(core.GRADING_VARIABLE, None)
    return W @ A + b, (A, W, b)


@pytest.mark.parametrize("fn, named", [
    (_numpy_internals, "numpy._core.numeric.isclose"), (_numpy_implementation, "np.isclose (its code)"),
    (_numpy_class, "np.errstate.__enter__"), (_sys_modules, "sys.modules['utils.deep']"),
    (_sys_modules_removed, "sys.modules['utils.deep']"), (_standard_modules, "sys.settrace"),
    (_grading_unset, "os.environ['NBGRADER_EXECUTION']")],
    ids=["numpy_internals", "numpy_implementation", "numpy_class", "sys_modules", "sys_modules_removed",
         "sys_threading_ctypes", "environment"])
def test_numpy_s_internals_sys_modules_and_the_guard_s_tools_are_watched_too(fn, named, monkeypatch, capsys):
    import ctypes
    monkeypatch.setenv(core.GRADING_VARIABLE, "")
    if fn is _grading_unset:
        monkeypatch.setenv(core.GRADING_VARIABLE, "autograde")
    before = (np._core.numeric.isclose, np.isclose._implementation.__code__, np.errstate.__enter__,
              sys.modules["utils.deep"], sys.settrace, threading.settrace,
              ctypes.pythonapi.PyThreadState_SetAsyncExc)
    try:
        feedback = E.check_linear_forward(fn)
    except AssertionError as raised:   # graded: the variable the function unset is back, so the check fails
        assert fn is _grading_unset and named in str(raised)
        feedback = None
    after = (np._core.numeric.isclose, np.isclose._implementation.__code__, np.errstate.__enter__,
             sys.modules["utils.deep"], sys.settrace, threading.settrace,
             ctypes.pythonapi.PyThreadState_SetAsyncExc)
    assert all(a is b for a, b in zip(before, after)) and "utils.not_imported" not in sys.modules
    assert os.environ.get(core.GRADING_VARIABLE) == ("autograde" if fn is _grading_unset else "")
    if feedback is not None:
        assert not feedback.passed and feedback.kind == "changed_library" and named in feedback.message
    assert np.allclose([1.0], [1.0]) and not np.allclose([1.0], [2.0])
    monkeypatch.setenv(core.GRADING_VARIABLE, "")
    assert E.check_linear_forward(SOLUTIONS["linear_forward"]).passed


def test_the_snapshot_stays_cheap():
    """The whole of NumPy, utils and the standard modules the engine uses, every check: measured on the project's
    2-core machine at about 0.5 ms to take, 0.2 ms for the comparison after each call, 1 ms to compare and put
    back at the end (a whole check: about 5 ms, 0.7 ms more than with the top-level namespaces only)."""
    guard.Snapshot.take().restore()
    takes, changes, restores = [], [], []
    for _ in range(15):
        start = time.perf_counter()
        snapshot = guard.Snapshot.take()
        middle = time.perf_counter()
        assert snapshot.changed() == []
        end = time.perf_counter()
        assert snapshot.restore() == []
        takes.append(middle - start), changes.append(end - middle), restores.append(time.perf_counter() - end)
    median = lambda values: sorted(values)[len(values) // 2]   # noqa: E731
    assert median(takes) < 0.01 and median(changes) < 0.004 and median(restores) < 0.015, (takes, changes, restores)


@pytest.fixture
def half_second_limit(monkeypatch):
    monkeypatch.setenv(core.TIME_LIMIT_VARIABLE, "0.5")
    return 0.5


def _swallow():
    while True:
        try:
            while True:
                pass
        except BaseException:   # every stop swallowed
            pass


def _async_exc_replaced(A, W, b):
    import ctypes
    ctypes.pythonapi.PyThreadState_SetAsyncExc = lambda *args: 1
    while True:
        pass


def _settrace_replaced(A, W, b):
    sys.settrace = lambda *args: None
    _swallow()


def _settrace_removed_in_the_handler(A, W, b):
    settrace = sys.settrace
    while True:
        try:
            while True:
                pass
        except BaseException:
            settrace(None)


def _guard_replaced(A, W, b):
    guard.CheckTimeout.__init__ = lambda self, *args: None
    guard._arm = lambda: None
    guard.Deadline.RETRY = 1e9
    _swallow()


def _builtins_replaced(A, W, b):
    import builtins
    builtins.getattr = builtins.isinstance = lambda *args: 1 / 0
    _swallow()


SWALLOWING = "def evil(A, W, b):\n    while True:\n        try:\n            while True:\n                pass\n" \
             "        except BaseException:\n            pass\n"


def _named_as_numpy():
    namespace = {"__name__": "numpy.evil"}
    exec(SWALLOWING, namespace)
    return namespace["evil"]


def _filed_as_numpy():
    import numpy._core.numeric as numeric
    namespace = {"__name__": "numpy._core.numeric"}
    exec(compile(SWALLOWING, numeric.__file__, "exec"), namespace)   # a file name NumPy's, not its code
    return namespace["evil"]


@pytest.mark.parametrize("make", [
    lambda: _async_exc_replaced, lambda: _settrace_replaced, lambda: _settrace_removed_in_the_handler,
    _named_as_numpy, _filed_as_numpy, lambda: _guard_replaced, lambda: _builtins_replaced],
    ids=["ctypes_replaced", "settrace_replaced", "settrace_removed_in_handler", "module_named_numpy",
         "file_named_numpy", "guard_replaced", "builtins_replaced"])
def test_the_time_limit_holds_whatever_the_loop_replaces_or_pretends_to_be(make, half_second_limit, capsys):
    import builtins
    before = (guard.CheckTimeout.__init__, guard._arm, guard.Deadline.RETRY, builtins.getattr, builtins.isinstance,
              sys.settrace)
    start = time.perf_counter()
    feedback = E.check_linear_forward(make())
    elapsed = time.perf_counter() - start
    assert not feedback.passed and feedback.kind in ("timeout", "changed_library"), feedback.message
    assert elapsed < half_second_limit + 4, elapsed
    after = (guard.CheckTimeout.__init__, guard._arm, guard.Deadline.RETRY, builtins.getattr, builtins.isinstance,
             sys.settrace)
    assert all(a is b for a, b in zip(before, after))
    assert sys.gettrace() is None or sys.gettrace() is not guard._stop_everywhere
    assert E.check_linear_forward(SOLUTIONS["linear_forward"]).passed   # nothing pending is left behind


class LoopsWhenFreed:
    def __del__(self):
        while True:
            pass


def test_an_object_the_check_takes_out_of_the_library_is_kept_not_freed(capsys):
    """Freed during the restore (after the time limit), its __del__ would hang the check: the guard keeps it."""
    def plants(A, W, b):
        utils.deep.linear_forward = LoopsWhenFreed()
        return W @ A + b, (A, W, b)

    assert E.check_linear_forward(plants).kind == "changed_library"
    assert type(guard._KEPT[-1]) is LoopsWhenFreed
    LoopsWhenFreed.__del__ = lambda self: None   # now it may go
    guard._KEPT.pop()


def test_the_time_limit_s_limitation_is_documented():
    assert "sum(itertools.count())" in guard.__doc__ and "sum(itertools.count())" in core.__doc__


def _fake_linear_forward(A, W, b):
    return "fake", None


def _patch_later(delay=0.2):
    time.sleep(delay)
    utils.deep.linear_forward = _fake_linear_forward


def _patch_later_whatever_happens(delay=0.2):
    end = time.perf_counter() + delay
    while True:
        try:
            while time.perf_counter() < end:
                time.sleep(0.01)
            utils.deep.linear_forward = _fake_linear_forward
            return
        except BaseException:   # the check's SystemExit too
            pass


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")   # the SystemExit that stops it
def test_a_thread_left_running_gets_no_tick_and_is_stopped(capsys):
    original = utils.deep.linear_forward

    def starts_a_thread(A, W, b):
        threading.Thread(target=_patch_later).start()
        return W @ A + b, (A, W, b)

    feedback = E.check_linear_forward(starts_a_thread)
    assert not feedback.passed and feedback.kind == "thread"
    assert feedback.message.startswith("✗ linear_forward started a thread that is still running after it returned, "
                                       "running `_patch_later` (test_exercises) (the check tried to stop it).")
    time.sleep(0.5)
    assert utils.deep.linear_forward is original   # SystemExit reached it before it could patch
    assert E.check_sigmoid(SOLUTIONS["sigmoid"]).passed and not core._LINGERING


def test_a_thread_started_with_the_thread_module_is_seen_too(capsys):
    import _thread

    def starts_a_raw_thread(A, W, b):
        _thread.start_new_thread(time.sleep, (0.3,))
        return W @ A + b, (A, W, b)

    assert E.check_linear_forward(starts_a_raw_thread).kind == "thread"
    time.sleep(0.4)
    assert E.check_sigmoid(SOLUTIONS["sigmoid"]).passed and not core._LINGERING


def test_a_thread_joined_before_returning_is_fine(capsys):
    def joins_its_thread(A, W, b):
        out = {}
        worker = threading.Thread(target=lambda: out.setdefault("Z", W @ A + b))
        worker.start()
        worker.join()
        return out["Z"], (A, W, b)

    assert E.check_linear_forward(joins_its_thread).passed


def test_the_next_check_puts_back_what_a_stubborn_thread_changed_and_says_so(capsys):
    original = utils.deep.linear_forward

    def starts_a_stubborn_thread(A, W, b):
        threading.Thread(target=_patch_later_whatever_happens, daemon=True).start()
        return W @ A + b, (A, W, b)

    assert E.check_linear_forward(starts_a_stubborn_thread).kind == "thread"
    time.sleep(0.6)
    assert utils.deep.linear_forward is _fake_linear_forward   # it swallowed the check's SystemExit
    capsys.readouterr()
    assert E.check_sigmoid(SOLUTIONS["sigmoid"]).passed
    out = capsys.readouterr().out
    assert utils.deep.linear_forward is original
    assert out.startswith("… the library had been changed after an earlier check, by a thread its function left "
                          "running: utils.deep.linear_forward. This check put it back.\n✓ sigmoid is correct")
    assert not core._LINGERING   # the thread has ended: the next checks compare nothing more
    assert E.check_sigmoid(SOLUTIONS["sigmoid"]).passed and capsys.readouterr().out.startswith("✓")


def test_in_a_kernel_printing_is_fine_a_thread_is_named_and_the_next_check_says_nothing_more(tmp_path):
    """ipykernel rebinds builtins.input for every cell, and a progress bar starts a monitor thread: neither may
    turn into a line about the library."""
    import nbformat
    from nbclient import NotebookClient

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import sys, threading, time\nsys.path.insert(0, {root!r})\nimport numpy as np\n"
                                  "from utils.exercises import check_sigmoid\n"),
        nbformat.v4.new_code_cell("def sigmoid(Z):\n    print('computing', Z.shape)\n"
                                  "    return 1 / (1 + np.exp(-Z)), Z\n"
                                  "check_sigmoid(sigmoid);"),
        nbformat.v4.new_code_cell("def sleeper():\n    time.sleep(0.3)\n"
                                  "def sigmoid(Z):\n    threading.Thread(target=sleeper).start()\n"
                                  "    return 1 / (1 + np.exp(-Z)), Z\n"
                                  "check_sigmoid(sigmoid);"),
        nbformat.v4.new_code_cell("time.sleep(0.5)\ncheck_sigmoid(lambda Z: (1 / (1 + np.exp(-Z)), Z));")])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    out = ["".join(o.get("text", "") for o in c.outputs if o.output_type == "stream") for c in nb.cells]
    assert out[1].endswith("✓ sigmoid is correct: it agrees with the library on 4 examples.\n"), out[1]
    assert out[2].startswith("✗ sigmoid started a thread that is still running after it returned, running "
                             "`sleeper`"), out[2]
    assert out[3] == "✓ sigmoid is correct: it agrees with the library on 4 examples.\n", out[3]
