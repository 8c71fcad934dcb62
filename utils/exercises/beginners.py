"""Mistakes written by hand the way a beginner writes them: the control set of the mutation measure.

Each exercise has a few wrong (or, marked "equivalent", right but unusual) answers as a learner would type them
in the notebook, where `np`, `utils`, the library's names and the lesson's own imports are defined (`mutants.namespace`). They were written before the hints
were tuned on the generated mutants (`mutants.py`) and the hints were NOT tuned on them: their share of
specific hints is reported apart (`python -m utils.exercises mutants --beginners`), as an estimate of how the
hints do on mistakes nobody anticipated. Do not add a hint because one of these gets a generic answer; add a
mistake here when you find a new one in the wild, and let the share fall where it falls.

A mistake that the brief of the hints work named explicitly (a categorical cross-entropy without Y, a
dropout mask cast to int, an unseeded randn, `caches[l]` off by one, L = len(parameters) in update_parameters,
(dW, db, dA_prev) in linear_backward, a global max in softmax) is left out on purpose: those were tuned.

Exception: the entries of chapter 2's forward_propagation, backward_propagation and nn_model, of project.ipynb's
gradient_check_n and of chapter 4's L_model_forward_with_dropout, L_model_backward_with_regularization and
train_mini_batch_adam, of chapter 6's batchnorm_forward, batchnorm_backward and layernorm_forward, and of chapter
7's conv_single_step, conv_forward, pool_forward, conv_backward and pool_backward were written in the same session
as those exercises' hints, and two hints of nn_model (n_y from the wrong axis, a `return` inside the
loop) were added after reading them: for those three exercises the share is not a blind estimate.
"""

BEGINNER_MISTAKES = {
    "sigmoid": [
        ("operator precedence in the denominator", """
def sigmoid(Z):
    A = 1 / 1 + np.exp(-Z)
    return A, Z
"""),
        ("math.exp on an array", """
import math
def sigmoid(Z):
    return 1 / (1 + math.exp(-Z)), Z
"""),
        ("a minus in the denominator", """
def sigmoid(Z):
    return 1 / (1 - np.exp(-Z)), Z
"""),
    ],
    "initialize_with_zeros": [
        ("np.zeros(n_x), a 1-D W1", """
def initialize_with_zeros(n_x):
    return {"W1": np.zeros(n_x), "b1": np.zeros((1, 1))}
"""),
        ("b1 as np.zeros(1)", """
def initialize_with_zeros(n_x):
    W1 = np.zeros((1, n_x))
    b1 = np.zeros(1)
    return {"W1": W1, "b1": b1}
"""),
        ("a tuple instead of the dict", """
def initialize_with_zeros(n_x):
    return np.zeros((1, n_x)), np.zeros((1, 1))
"""),
    ],
    "binary_cross_entropy": [
        ("m from the wrong axis", """
def binary_cross_entropy(AL, Y):
    m = AL.shape[0]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
"""),
        ("np.dot of two row vectors", """
def binary_cross_entropy(AL, Y):
    m = Y.shape[1]
    return -(np.dot(Y, np.log(AL)) + np.dot(1 - Y, np.log(1 - AL))) / m
"""),
        ("log(AL) in both terms", """
def binary_cross_entropy(AL, Y):
    m = Y.shape[1]
    return -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(AL))
"""),
    ],
    "sigmoid_backward": [
        ("the library's sigmoid used as if it returned A", """
def sigmoid_backward(dA, cache):
    s = sigmoid(cache)
    return dA * s * (1 - s)
"""),
        ("the square missing in the quotient rule", """
def sigmoid_backward(dA, cache):
    return dA * np.exp(-cache) / (1 + np.exp(-cache))
"""),
        ("s * (s - 1)", """
def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * (s - 1)
"""),
    ],
    "propagate": [
        ("the library's sigmoid, a pair, used as A", """
def propagate(W, b, X, Y):
    m = X.shape[1]
    A = sigmoid(W @ X + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return {"dW": (A - Y) @ X.T / m, "db": np.sum(A - Y, axis=1, keepdims=True) / m}, cost
"""),
        ("db summed to a number", """
def propagate(W, b, X, Y):
    m = X.shape[1]
    A = 1 / (1 + np.exp(-(W @ X + b)))
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return {"dW": (A - Y) @ X.T / m, "db": np.sum(A - Y) / m}, cost
"""),
        ("the cost without its minus", """
def propagate(W, b, X, Y):
    m = X.shape[1]
    A = 1 / (1 + np.exp(-(np.dot(W, X) + b)))
    cost = np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    dZ = A - Y
    return {"dW": np.dot(dZ, X.T) / m, "db": np.sum(dZ, axis=1, keepdims=True) / m}, cost
"""),
        ("dW without 1/m, db with it", """
def propagate(W, b, X, Y):
    m = X.shape[1]
    A = 1 / (1 + np.exp(-(W @ X + b)))
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return {"dW": (A - Y) @ X.T, "db": np.sum(A - Y, axis=1, keepdims=True) / m}, cost
"""),
    ],
    "tanh": [
        ("equivalent: the formula written out", """
def tanh(Z):
    return (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z)), Z
"""),
        ("a minus where the denominator has a plus", """
def tanh(Z):
    A = (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) - np.exp(-Z))
    return A, Z
"""),
        ("math.tanh on an array", """
import math
def tanh(Z):
    return math.tanh(Z), Z
"""),
    ],
    "tanh_backward": [
        ("the square outside the bracket", """
def tanh_backward(dA, cache):
    return dA * (1 - np.tanh(cache)) ** 2
"""),
        ("operator precedence: dA * 1 - t ** 2", """
def tanh_backward(dA, cache):
    t = np.tanh(cache)
    return dA * 1 - t ** 2
"""),
        ("equivalent: the library's tanh, unpacked", """
def tanh_backward(dA, cache):
    t, _ = tanh(cache)
    return dA * (1 - t * t)
"""),
    ],
    "initialize_parameters": [
        ("1-D biases", """
def initialize_parameters(n_x, n_h, n_y, seed=1):
    np.random.seed(seed)
    W1 = np.random.randn(n_h, n_x) * 0.01
    W2 = np.random.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros(n_h), "W2": W2, "b2": np.zeros(n_y)}
"""),
        ("uniform rand instead of randn", """
def initialize_parameters(n_x, n_h, n_y, seed=1):
    rng = np.random.RandomState(seed)
    W1 = rng.rand(n_h, n_x) * 0.01
    W2 = rng.rand(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
"""),
        ("equivalent: np.random.seed, then np.random.randn", """
def initialize_parameters(n_x, n_h, n_y, seed=1):
    np.random.seed(seed)
    parameters = {}
    parameters["W1"] = np.random.randn(n_h, n_x) * 0.01
    parameters["b1"] = np.zeros((n_h, 1))
    parameters["W2"] = np.random.randn(n_y, n_h) * 0.01
    parameters["b2"] = np.zeros((n_y, 1))
    return parameters
"""),
        ("the seed fixed at 1", """
def initialize_parameters(n_x, n_h, n_y, seed=1):
    rng = np.random.RandomState(1)
    W1 = rng.randn(n_h, n_x) * 0.01
    W2 = rng.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
"""),
    ],
    "forward_propagation": [
        ("the sigmoid from the library, which returns a pair", """
def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
"""),
        ("equivalent: (X^T W1^T)^T, the product written the other way round", """
def forward_propagation(X, parameters):
    Z1 = np.dot(X.T, parameters["W1"].T).T + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
"""),
        ("the second layer fed with Z1 instead of A1", """
def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ Z1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
"""),
        ("the cache as a tuple", """
def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, (Z1, A1, Z2, A2)
"""),
    ],
    "backward_propagation": [
        ("dW2 with A2 in place of A1", """
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = dZ2 @ cache["A2"].T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"] ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
"""),
        ("W1 in place of W2 for the hidden layer's error", """
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = dZ2 @ cache["A1"].T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = parameters["W1"].T @ dZ2 * (1 - cache["A1"] ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
"""),
        ("np.mean without keepdims for the biases", """
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = np.dot(parameters["W2"].T, dZ2) * (1 - np.power(cache["A1"], 2))
    return {"dW1": np.dot(dZ1, X.T) / m, "db1": np.mean(dZ1, axis=1),
            "dW2": np.dot(dZ2, cache["A1"].T) / m, "db2": np.mean(dZ2, axis=1)}
"""),
        ("equivalent: np.mean with keepdims", """
def backward_propagation(parameters, cache, X, Y):
    dZ2 = cache["A2"] - Y
    dZ1 = np.dot(parameters["W2"].T, dZ2) * (1 - np.power(cache["A1"], 2))
    m = Y.shape[1]
    return {"dW1": np.dot(dZ1, X.T) / m, "db1": np.mean(dZ1, axis=1, keepdims=True),
            "dW2": np.dot(dZ2, cache["A1"].T) / m, "db2": np.mean(dZ2, axis=1, keepdims=True)}
"""),
    ],
    "nn_model": [
        ("the updated parameters thrown away", """
def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2):
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0], seed)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        update_parameters(parameters, grads, learning_rate)
    return parameters
"""),
        ("n_y taken from X", """
def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2):
    parameters = initialize_parameters(X.shape[0], n_h, X.shape[1], seed)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters
"""),
        ("the return inside the loop", """
def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, seed=2):
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0], seed)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
        return parameters
"""),
    ],
    "gradient_check_n": [
        ("the nudge added to the whole vector", """
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    theta, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    dims = layer_dims_of(parameters)
    gradapprox = np.zeros(theta.shape)
    for i in range(len(theta)):
        J_plus = compute_cost(L_model_forward(X, vector_to_dictionary(theta + epsilon, dims))[0], Y)
        J_minus = compute_cost(L_model_forward(X, vector_to_dictionary(theta - epsilon, dims))[0], Y)
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
    return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
"""),
        ("the difference of the norms in the numerator", """
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    theta, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    dims = layer_dims_of(parameters)
    gradapprox = np.zeros(theta.shape)
    for i in range(theta.shape[0]):
        tp, tm = theta.copy(), theta.copy()
        tp[i] += epsilon
        tm[i] -= epsilon
        gradapprox[i] = (compute_cost(L_model_forward(X, vector_to_dictionary(tp, dims))[0], Y)
                         - compute_cost(L_model_forward(X, vector_to_dictionary(tm, dims))[0], Y)) / (2 * epsilon)
    return (np.linalg.norm(grad) - np.linalg.norm(gradapprox)) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
"""),
        ("a list of slopes, returned as the answer", """
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    theta, _ = dictionary_to_vector(parameters)
    dims = layer_dims_of(parameters)
    slopes = []
    for i in range(theta.shape[0]):
        tp, tm = np.copy(theta), np.copy(theta)
        tp[i] = tp[i] + epsilon
        tm[i] = tm[i] - epsilon
        slopes.append((compute_cost(L_model_forward(X, vector_to_dictionary(tp, dims))[0], Y)
                       - compute_cost(L_model_forward(X, vector_to_dictionary(tm, dims))[0], Y)) / (2 * epsilon))
    return slopes
"""),
    ],
    "L_model_forward_with_dropout": [
        ("the mask drawn with np.random.rand, not from the generator", """
def L_model_forward_with_dropout(X, parameters, keep_prob, seed=0):
    np.random.seed(seed)
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        D = np.random.rand(*A.shape) < keep_prob
        A = A * D / keep_prob
        caches.append(cache + ((D, keep_prob),))
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches
"""),
        ("the mask saved in a list of its own", """
def L_model_forward_with_dropout(X, parameters, keep_prob, seed=0):
    rng = np.random.default_rng(seed)
    L = len(parameters) // 2
    A, caches, masks = X, [], []
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        A, D = dropout_forward(A, keep_prob, rng)
        masks.append(D)
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches
"""),
    ],
    "L_model_backward_with_regularization": [
        ("the L2 term added to dA instead of dW", """
def L_model_backward_with_regularization(AL, Y, caches, lambd):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    grads[f"dA{L-1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y, caches[L - 1][0])
    for l in reversed(range(1, L)):
        dA = grads[f"dA{l}"] + lambd / m * caches[l][0][1].T @ np.ones_like(AL)
        if len(caches[l - 1]) == 3:
            D, keep_prob = caches[l - 1][2]
            dA = dA * D / keep_prob
        grads[f"dA{l-1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], "relu")
    return grads
"""),
        ("the mask applied without checking that the layer has one", """
def L_model_backward_with_regularization(AL, Y, caches, lambd):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    grads[f"dA{L-1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y, caches[L - 1][0])
    for l in range(L - 1, 0, -1):
        linear_cache, activation_cache, (D, keep_prob) = caches[l - 1]
        dA = grads[f"dA{l}"] * D / keep_prob
        grads[f"dA{l-1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, (linear_cache, activation_cache), "relu")
    for l in range(1, L + 1):
        grads[f"dW{l}"] += l2_gradient(caches[l - 1][0][1], lambd, m)
    return grads
"""),
    ],
    "train_mini_batch_adam": [
        ("the cost of the whole training set after each epoch", """
def train_mini_batch_adam(X, Y, layers_dims, learning_rate=0.0007, mini_batch_size=64, num_epochs=10, seed=1):
    parameters = initialize_parameters_deep(layers_dims, "he", seed=seed, dtype=X.dtype)
    v, s = initialize_adam(parameters)
    t, costs = 0, []
    for epoch in range(num_epochs):
        for X_b, Y_b in random_mini_batches(X, Y, mini_batch_size, seed + epoch):
            AL, caches = L_model_forward(X_b, parameters)
            grads = L_model_backward(AL, Y_b, caches)
            t = t + 1
            parameters, v, s, _, _ = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate)
        costs.append(compute_cost(L_model_forward(X, parameters)[0], Y))
    return parameters, costs
"""),
        ("t counted by the mini-batch's index", """
def train_mini_batch_adam(X, Y, layers_dims, learning_rate=0.0007, mini_batch_size=64, num_epochs=10, seed=1):
    parameters = initialize_parameters_deep(layers_dims, "he", seed=seed, dtype=X.dtype)
    v, s = initialize_adam(parameters)
    costs = []
    for epoch in range(num_epochs):
        total = 0
        for t, (X_b, Y_b) in enumerate(random_mini_batches(X, Y, mini_batch_size, seed + epoch), start=1):
            AL, caches = L_model_forward(X_b, parameters)
            total += compute_cost(AL, Y_b) * X_b.shape[1]
            grads = L_model_backward(AL, Y_b, caches)
            parameters, v, s, _, _ = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate)
        costs.append(total / X.shape[1])
    return parameters, costs
"""),
    ],
    "softmax": [
        ("no maximum, the sum of the whole array", """
def softmax(Z):
    E = np.exp(Z)
    return E / np.sum(E), Z
"""),
        ("equivalent: the column maximum without keepdims", """
def softmax(Z):
    E = np.exp(Z - Z.max(axis=0))
    return E / E.sum(axis=0), Z
"""),
        ("over the rows, no maximum", """
def softmax(Z):
    return np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True), Z
"""),
    ],
    "categorical_cross_entropy": [
        ("m from the wrong axis (C)", """
def categorical_cross_entropy(AL, Y):
    m = AL.shape[0]
    return -np.sum(Y * np.log(AL)) / m
"""),
        ("one cost per example, not averaged", """
def categorical_cross_entropy(AL, Y):
    return -np.sum(Y * np.log(AL), axis=0)
"""),
        ("a matrix product of the one-hot labels and the logs", """
def categorical_cross_entropy(AL, Y):
    m = Y.shape[1]
    return -np.sum(Y @ np.log(AL).T) / m
"""),
    ],
    "softmax_cross_entropy_backward": [
        ("Y transposed", """
def softmax_cross_entropy_backward(Z, Y):
    A, _ = softmax(Z)
    return A - Y.T
"""),
        ("only the true class", """
def softmax_cross_entropy_backward(Z, Y):
    A, _ = softmax(Z)
    return Y * (A - 1)
"""),
        ("dJ/dA instead of dJ/dZ", """
def softmax_cross_entropy_backward(Z, Y):
    A, _ = softmax(Z)
    return -Y / A
"""),
        ("equivalent: softmax written inline, the column sums without keepdims", """
def softmax_cross_entropy_backward(Z, Y):
    E = np.exp(Z - np.max(Z, axis=0))
    return E / np.sum(E, axis=0) - Y
"""),
    ],
    "batchnorm_forward": [
        ("np.std instead of the variance under the square root", """
def batchnorm_forward(Z, gamma, beta, bn_param):
    mode, eps, momentum = bn_param["mode"], bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    n = Z.shape[0]
    running_mean = bn_param.get("running_mean", np.zeros((n, 1)))
    running_var = bn_param.get("running_var", np.zeros((n, 1)))
    if mode == "train":
        mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    else:
        mu, var = running_mean, running_var
    inv_std = 1 / (np.sqrt(var) + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std, mode)
"""),
        ("the running statistics updated in test mode too", """
def batchnorm_forward(Z, gamma, beta, bn_param):
    mode, eps, momentum = bn_param["mode"], bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    n = Z.shape[0]
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    bn_param["running_mean"] = momentum * bn_param.get("running_mean", np.zeros((n, 1))) + (1 - momentum) * mu
    bn_param["running_var"] = momentum * bn_param.get("running_var", np.zeros((n, 1))) + (1 - momentum) * var
    if mode == "test":
        mu, var = bn_param["running_mean"], bn_param["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std, mode)
"""),
        ("the mean over the whole batch, not per unit", """
def batchnorm_forward(Z, gamma, beta, bn_param):
    mode, eps, momentum = bn_param["mode"], bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    n = Z.shape[0]
    running_mean = bn_param.get("running_mean", np.zeros((n, 1)))
    running_var = bn_param.get("running_var", np.zeros((n, 1)))
    if mode == "train":
        mu, var = np.mean(Z), np.var(Z)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    else:
        mu, var = running_mean, running_var
    inv_std = 1 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std, mode)
"""),
    ],
    "batchnorm_backward": [
        ("np.mean instead of the sums", """
def batchnorm_backward(dout, cache):
    Z_hat, gamma, inv_std, mode = cache
    m = dout.shape[1]
    dgamma = np.mean(dout * Z_hat, axis=1, keepdims=True)
    dbeta = np.mean(dout, axis=1, keepdims=True)
    if mode == "test":
        return dout * gamma * inv_std, dgamma, dbeta
    dZ = gamma * inv_std / m * (m * dout - dbeta - Z_hat * dgamma)
    return dZ, dgamma, dbeta
"""),
        ("equivalent: the formula as dout - mean(dout) - Z_hat * mean(dout * Z_hat)", """
def batchnorm_backward(dout, cache):
    Z_hat, gamma, inv_std, mode = cache
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dbeta = np.sum(dout, axis=1, keepdims=True)
    if mode == "test":
        return dout * gamma * inv_std, dgamma, dbeta
    dZ = gamma * inv_std * (dout - dout.mean(axis=1, keepdims=True)
                            - Z_hat * (dout * Z_hat).mean(axis=1, keepdims=True))
    return dZ, dgamma, dbeta
"""),
        ("gamma and beta swapped in the returned gradients", """
def batchnorm_backward(dout, cache):
    Z_hat, gamma, inv_std, mode = cache
    m = dout.shape[1]
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dbeta = np.sum(dout, axis=1, keepdims=True)
    if mode == "test":
        return dout * gamma * inv_std, dbeta, dgamma
    dZ = gamma * inv_std / m * (m * dout - dbeta - Z_hat * dgamma)
    return dZ, dbeta, dgamma
"""),
    ],
    "layernorm_forward": [
        ("the mean over every entry", """
def layernorm_forward(Z, gamma, beta, ln_param=None):
    eps = 1e-5 if ln_param is None else ln_param.get("eps", 1e-5)
    mu, var = np.mean(Z), np.var(Z)
    inv_std = 1 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std)
"""),
        ("gamma and beta transposed", """
def layernorm_forward(Z, gamma, beta, ln_param=None):
    eps = 1e-5 if ln_param is None else ln_param.get("eps", 1e-5)
    mu, var = Z.mean(axis=0, keepdims=True), Z.var(axis=0, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma.T * Z_hat + beta.T, (Z_hat, gamma, inv_std)
"""),
        ("the standard deviation with eps added outside", """
def layernorm_forward(Z, gamma, beta, ln_param=None):
    eps = 1e-5 if ln_param is None else ln_param.get("eps", 1e-5)
    mu, std = Z.mean(axis=0, keepdims=True), Z.std(axis=0, keepdims=True)
    inv_std = 1 / (std + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std)
"""),
    ],
    "l2_cost": [
        ("operator precedence: lambd / 2 * m", """
def l2_cost(parameters, lambd, m):
    L = len(parameters) // 2
    total = 0
    for l in range(1, L + 1):
        total += np.sum(np.square(parameters["W" + str(l)]))
    return lambd / 2 * m * total
"""),
        ("two layers written by hand", """
def l2_cost(parameters, lambd, m):
    W1, W2 = parameters["W1"], parameters["W2"]
    return lambd / (2 * m) * (np.sum(np.square(W1)) + np.sum(np.square(W2)))
"""),
        ("the loop over every key, biases included, no square", """
def l2_cost(parameters, lambd, m):
    return lambd / (2 * m) * sum(np.sum(np.abs(value)) for value in parameters.values())
"""),
    ],
    "l2_gradient": [
        ("W transposed", """
def l2_gradient(W, lambd, m):
    return lambd / m * W.T
"""),
        ("operator precedence: lambd * W / 2 * m", """
def l2_gradient(W, lambd, m):
    return lambd * W / 2 * m
"""),
        ("summed to a number", """
def l2_gradient(W, lambd, m):
    return lambd / m * np.sum(W)
"""),
    ],
    "dropout_forward": [
        ("equivalent: np.random.seed and rand, as in the original course", """
def dropout_forward(A, keep_prob, seed):
    np.random.seed(seed)
    D = np.random.rand(A.shape[0], A.shape[1])
    D = D < keep_prob
    A = A * D
    A = A / keep_prob
    return A, D
"""),
        ("> keep_prob keeps the wrong share", """
def dropout_forward(A, keep_prob, seed):
    rng = np.random.default_rng(seed)
    D = rng.random(A.shape) > keep_prob
    return A * D / keep_prob, D
"""),
        ("returns A * D as the mask", """
def dropout_forward(A, keep_prob, seed):
    rng = np.random.default_rng(seed)
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob, A * D
"""),
        ("in place on A", """
def dropout_forward(A, keep_prob, seed):
    rng = np.random.default_rng(seed)
    D = rng.random(A.shape) < keep_prob
    A *= D
    A /= keep_prob
    return A, D
"""),
    ],
    "dropout_backward": [
        ("boolean indexing instead of a product", """
def dropout_backward(dA, D, keep_prob):
    return dA[D] / keep_prob
"""),
        ("in place on dA", """
def dropout_backward(dA, D, keep_prob):
    dA *= D
    dA /= keep_prob
    return dA
"""),
        ("divided by the drop probability", """
def dropout_backward(dA, D, keep_prob):
    return np.multiply(dA, D) / (1 - keep_prob)
"""),
    ],
    "relative_error": [
        ("operator precedence in the denominator", """
def relative_error(approx, exact):
    return np.linalg.norm(approx - exact) / np.linalg.norm(approx) + np.linalg.norm(exact)
"""),
        ("element by element, not norms", """
def relative_error(approx, exact):
    return np.abs(approx - exact) / (np.abs(approx) + np.abs(exact))
"""),
        ("the product of the norms", """
def relative_error(approx, exact):
    numerator = np.linalg.norm(approx - exact)
    denominator = np.linalg.norm(approx) * np.linalg.norm(exact)
    return numerator / denominator
"""),
    ],
    "random_mini_batches": [
        ("equivalent: np.random.seed, a list of permuted indices, lists for pairs", """
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    batches = []
    for k in range(0, m, mini_batch_size):
        batches.append([shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size]])
    return batches
"""),
        ("rows sliced instead of columns", """
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.RandomState(seed).permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[k:k + mini_batch_size, :], shuffled_Y[k:k + mini_batch_size, :])
            for k in range(0, m, mini_batch_size)]
"""),
        ("shuffled in place with np.random.shuffle", """
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    np.random.shuffle(X.T)
    m = X.shape[1]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]
"""),
    ],
    "update_parameters_with_momentum": [
        ("v changed in the caller's dict", """
def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    L = len(parameters) // 2
    new = dict(parameters)
    for l in range(1, L + 1):
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
        new["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
    return new, v
"""),
        ("the layers counted from 0", """
def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    L = len(parameters) // 2
    new, v = dict(parameters), dict(v)
    for l in range(L):
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
        new["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
    return new, v
"""),
        ("the bias follows the weights' velocity", """
def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    L = len(parameters) // 2
    new, v = dict(parameters), dict(v)
    for l in range(1, L + 1):
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
        new["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["dW" + str(l)].sum(axis=1, keepdims=True)
    return new, v
"""),
    ],
    "update_parameters_with_adam": [
        ("beta1 in the correction of s", """
def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    new, v, s, v_corrected, s_corrected = dict(parameters), dict(v), dict(s), {}, {}
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            k = f"d{p}{l}"
            v[k] = beta1 * v[k] + (1 - beta1) * grads[k]
            s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
            v_corrected[k] = v[k] / (1 - beta1 ** t)
            s_corrected[k] = s[k] / (1 - beta1 ** t)
            new[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v_corrected[k] / (np.sqrt(s_corrected[k]) + epsilon)
    return new, v, s, v_corrected, s_corrected
"""),
        ("equivalent within the tolerance: epsilon inside the square root", """
def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    new, v, s, v_corrected, s_corrected = dict(parameters), dict(v), dict(s), {}, {}
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            k = f"d{p}{l}"
            v[k] = beta1 * v[k] + (1 - beta1) * grads[k]
            s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
            v_corrected[k] = v[k] / (1 - beta1 ** t)
            s_corrected[k] = s[k] / (1 - beta2 ** t)
            new[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v_corrected[k] / np.sqrt(s_corrected[k] + epsilon)
    return new, v, s, v_corrected, s_corrected
"""),
        ("the power outside the bracket: (1 - beta1) ** t", """
def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    new, v, s, v_corrected, s_corrected = dict(parameters), dict(v), dict(s), {}, {}
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            k = f"d{p}{l}"
            v[k] = beta1 * v[k] + (1 - beta1) * grads[k]
            s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
            v_corrected[k] = v[k] / (1 - beta1) ** t
            s_corrected[k] = s[k] / (1 - beta2) ** t
            new[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v_corrected[k] / (np.sqrt(s_corrected[k]) + epsilon)
    return new, v, s, v_corrected, s_corrected
"""),
        ("t counted one step ahead", """
def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    t = t + 1
    new, v, s, v_corrected, s_corrected = dict(parameters), dict(v), dict(s), {}, {}
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            k = f"d{p}{l}"
            v[k] = beta1 * v[k] + (1 - beta1) * grads[k]
            s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
            v_corrected[k] = v[k] / (1 - beta1 ** t)
            s_corrected[k] = s[k] / (1 - beta2 ** t)
            new[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v_corrected[k] / (np.sqrt(s_corrected[k]) + epsilon)
    return new, v, s, v_corrected, s_corrected
"""),
    ],
    "schedule_lr_decay": [
        ("operator precedence: the floor of decay_rate * epoch_num", """
def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * epoch_num // time_interval)
"""),
        ("round instead of floor", """
def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * round(epoch_num / time_interval))
"""),
        ("operator precedence: no brackets around the denominator", """
def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / 1 + decay_rate * np.floor(epoch_num / time_interval)
"""),
    ],
    "initialize_parameters_deep": [
        ("He's sqrt(2 / n) instead of Xavier's", """
def initialize_parameters_deep(layer_dims, seed=1):
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = rng.randn(layer_dims[l], layer_dims[l - 1]) * np.sqrt(2 / layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
"""),
        ("the loop from 0", """
def initialize_parameters_deep(layer_dims, seed=1):
    np.random.seed(seed)
    parameters = {}
    for l in range(len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
"""),
        ("1-D biases", """
def initialize_parameters_deep(layer_dims, seed=1):
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros(layer_dims[l])
    return parameters
"""),
        ("equivalent: * np.sqrt(1 / n)", """
def initialize_parameters_deep(layer_dims, seed=1):
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.randn(layer_dims[l], layer_dims[l - 1]) * np.sqrt(1 / layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters
"""),
    ],
    "linear_forward": [
        ("b transposed", """
def linear_forward(A, W, b):
    Z = W @ A + b.T
    return Z, (A, W, b)
"""),
        ("the cache first", """
def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return cache, Z
"""),
        ("equivalent: the cache as a list", """
def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    return Z, [A, W, b]
"""),
        ("A @ W", """
def linear_forward(A, W, b):
    Z = A @ W + b
    return Z, (A, W, b)
"""),
    ],
    "linear_activation_forward": [
        ("a typo in the activation's name", """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "Relu":
        A, activation_cache = relu(Z)
    return A, (linear_cache, activation_cache)
"""),
        ("relu whatever the activation", """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = relu(Z)
    return A, (linear_cache, activation_cache)
"""),
        ("Z added to the cache", """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    else:
        A, activation_cache = relu(Z)
    return A, (linear_cache, activation_cache, Z)
"""),
    ],
    "L_model_forward": [
        ("the hidden loop runs to L", """
def L_model_forward(X, parameters):
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L + 1)], parameters["b" + str(L + 1)], "sigmoid")
    caches.append(cache)
    return AL, caches
"""),
        ("caches = caches.append(cache)", """
def L_model_forward(X, parameters):
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches = caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches
"""),
        ("the output layer fed with X", """
def L_model_forward(X, parameters):
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(X, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches
"""),
    ],
    "compute_cost": [
        ("a minus between the two terms", """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return -1 / m * np.sum(Y * np.log(AL) - (1 - Y) * np.log(1 - AL))
"""),
        ("equivalent: np.mean over axis 1, an array of one number", """
def compute_cost(AL, Y):
    return -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL), axis=1)
"""),
        ("m from the wrong axis", """
def compute_cost(AL, Y):
    m = AL.shape[0]
    cost = -(1 / m) * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)
"""),
    ],
    "linear_backward": [
        ("W @ dZ without the transpose", """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W, dZ)
    return dA_prev, dW, db
"""),
        ("db summed to a number", """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * dZ @ A_prev.T
    db = 1 / m * np.sum(dZ)
    return W.T @ dZ, dW, db
"""),
        ("m from the wrong axis", """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = dZ.shape[0]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return W.T @ dZ, dW, db
"""),
    ],
    "linear_activation_backward": [
        ("the whole cache to relu_backward", """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, cache)
    else:
        dZ = sigmoid_backward(dA, cache)
    return linear_backward(dZ, linear_cache)
"""),
        ("the activation cache to linear_backward", """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, activation_cache)
"""),
        ("dA multiplied in twice", """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = dA * relu_backward(dA, activation_cache)
    else:
        dZ = dA * sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)
"""),
    ],
    "L_model_backward": [
        ("equivalent: np.divide, the Coursera loop", """
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads
"""),
        ("dA stored under the layer's own number", """
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads[f"dA{L}"] = dA
    for l in range(L - 1, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(grads[f"dA{l + 1}"], caches[l - 1], "relu")
        grads[f"dA{l}"] = dA
    return grads
"""),
        ("dAL averaged over m", """
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    dAL = -(Y / AL - (1 - Y) / (1 - AL)) / m
    grads[f"dA{L-1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in range(L - 1, 0, -1):
        grads[f"dA{l-1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(grads[f"dA{l}"], caches[l - 1], "relu")
    return grads
"""),
    ],
    "update_parameters": [
        ("the caller's dict updated", """
def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters
"""),
        ("the parameters' names in grads", """
def update_parameters(parameters, grads, learning_rate):
    new = dict(parameters)
    for l in range(1, len(parameters) // 2 + 1):
        new["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["W" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["b" + str(l)]
    return new
"""),
        ("equivalent: range(L) with l + 1", """
def update_parameters(parameters, grads, learning_rate):
    new = dict(parameters)
    L = len(parameters) // 2
    for l in range(L):
        new["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        new["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return new
"""),
    ],
    "conv_single_step": [
        ("float(b) of the (1, 1, 1) bias", """
def conv_single_step(a_slice_prev, W, b):
    return np.sum(a_slice_prev * W) + float(b)
"""),
        ("the bias array added as it is", """
def conv_single_step(a_slice_prev, W, b):
    Z = np.sum(a_slice_prev * W)
    return Z + b
"""),
        ("np.dot of the window and the filter", """
def conv_single_step(a_slice_prev, W, b):
    return float(np.sum(np.dot(a_slice_prev, W)) + b.item())
"""),
        ("the mean of the products", """
def conv_single_step(a_slice_prev, W, b):
    return float(np.mean(a_slice_prev * W) + b.item())
"""),
    ],
    "conv_forward": [
        ("the windows sliced from the unpadded A_prev", """
def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = int((n_H_prev - f + 2 * pad) / stride) + 1
    n_W = int((n_W_prev - f + 2 * pad) / stride) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    window = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(window, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)
"""),
        ("the whole W and b given to conv_single_step", """
def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = int((n_H_prev - f + 2 * pad) / stride) + 1
    n_W = int((n_W_prev - f + 2 * pad) / stride) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    window = A_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(window, W, b)
    return Z, (A_prev, W, b, hparameters)
"""),
        ("an inclusive end, vert_end = vert_start + f - 1", """
def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = int((n_H_prev - f + 2 * pad) / stride) + 1
    n_W = int((n_W_prev - f + 2 * pad) / stride) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                vert_start, horiz_start = h * stride, w * stride
                vert_end, horiz_end = vert_start + f - 1, horiz_start + f - 1
                for c in range(n_C):
                    window = A_pad[i, vert_start:vert_end, horiz_start:horiz_end, :]
                    Z[i, h, w, c] = conv_single_step(window, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)
"""),
        ("the bias added twice, in conv_single_step and after it", """
def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                window = A_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                for c in range(n_C):
                    Z[i, h, w, c] = conv_single_step(window, W[:, :, :, c], b[:, :, :, c]) + b[0, 0, 0, c]
    return Z, (A_prev, W, b, hparameters)
"""),
    ],
    "pool_forward": [
        ("mode ignored: always the max", """
def pool_forward(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H, n_W = (n_H_prev - f) // stride + 1, (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    A[i, h, w, c] = np.max(A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c])
    return A, (A_prev, hparameters)
"""),
        ("the max over the window of every channel", """
def pool_forward(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H, n_W = (n_H_prev - f) // stride + 1, (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                window = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                for c in range(n_C):
                    A[i, h, w, c] = np.max(window) if mode == "max" else np.mean(window)
    return A, (A_prev, hparameters)
"""),
        ("mode compared with 'avg'", """
def pool_forward(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H, n_W = (n_H_prev - f) // stride + 1, (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    window = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(window)
                    elif mode == "avg":
                        A[i, h, w, c] = np.mean(window)
    return A, (A_prev, hparameters)
"""),
        ("equivalent: vectorised over the examples and channels", """
def pool_forward(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H, n_W = (n_H_prev - f) // stride + 1, (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C))
    reduce = np.max if mode == "max" else np.mean
    for h in range(n_H):
        for w in range(n_W):
            A[:, h, w, :] = reduce(A_prev[:, h * stride:h * stride + f, w * stride:w * stride + f, :], axis=(1, 2))
    return A, (A_prev, hparameters)
"""),
    ],
    "conv_backward": [
        ("the crop pad:-pad, empty when pad is 0", """
def conv_backward(dZ, cache):
    A_prev, W, b, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev, dW, db = np.zeros(A_prev.shape), np.zeros(W.shape), np.zeros(b.shape)
    A_prev_pad, dA_prev_pad = zero_pad(A_prev, pad), zero_pad(dA_prev, pad)
    for i in range(m):
        a_prev_pad, da_prev_pad = A_prev_pad[i], dA_prev_pad[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    da_prev_pad[vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_prev_pad[vs:vs + f, hs:hs + f, :] * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        dA_prev[i, :, :, :] = da_prev_pad[pad:-pad, pad:-pad, :]
    return dA_prev, dW, db
"""),
        ("dW and db started again for every example", """
def conv_backward(dZ, cache):
    A_prev, W, b, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev = np.zeros(A_prev.shape)
    A_prev_pad, dA_prev_pad = zero_pad(A_prev, pad), zero_pad(dA_prev, pad)
    for i in range(m):
        dW, db = np.zeros(W.shape), np.zeros(b.shape)
        a_prev_pad, da_prev_pad = A_prev_pad[i], dA_prev_pad[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    da_prev_pad[vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_prev_pad[vs:vs + f, hs:hs + f, :] * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        dA_prev[i] = da_prev_pad[pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :]
    return dA_prev, dW, db
"""),
        ("the gradients averaged over the examples", """
def conv_backward(dZ, cache):
    A_prev, W, b, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev, dW, db = np.zeros(A_prev.shape), np.zeros(W.shape), np.zeros(b.shape)
    A_prev_pad, dA_prev_pad = zero_pad(A_prev, pad), zero_pad(dA_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += A_prev_pad[i, vs:vs + f, hs:hs + f, :] * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    dA_prev = dA_prev_pad[:, pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :]
    return dA_prev, dW / m, db / m
"""),
        ("dW from the filter instead of the window", """
def conv_backward(dZ, cache):
    A_prev, W, b, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    m, n_H, n_W, n_C = dZ.shape
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    dA_prev_pad = np.zeros((m, A_prev.shape[1] + 2 * pad, A_prev.shape[2] + 2 * pad, A_prev.shape[3]))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += W[:, :, :, c] * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    return dA_prev_pad[:, pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :], dW, db
"""),
    ],
    "pool_backward": [
        ("the mask of the whole image", """
def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "max":
                        mask = A_prev[i, :, :, c] == np.max(A_prev[i, :, :, c])
                        dA_prev[i, :, :, c] += mask * dA[i, h, w, c]
                    else:
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += dA[i, h, w, c] / (f * f)
    return dA_prev
"""),
        ("the average shared by f, not f * f", """
def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    window = A_prev[i, vs:vs + f, hs:hs + f, c]
                    if mode == "max":
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += (window == np.max(window)) * dA[i, h, w, c]
                    else:
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += dA[i, h, w, c] / f
    return dA_prev
"""),
        ("the window's gradient assigned, not added", """
def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    window = A_prev[i, vs:vs + f, hs:hs + f, c]
                    if mode == "max":
                        dA_prev[i, vs:vs + f, hs:hs + f, c] = (window == np.max(window)) * dA[i, h, w, c]
                    else:
                        dA_prev[i, vs:vs + f, hs:hs + f, c] = np.ones((f, f)) * dA[i, h, w, c] / (f * f)
    return dA_prev
"""),
        ("equivalent: the mask from np.argmax (no ties in the cases)", """
def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "max":
                        window = A_prev[i, vs:vs + f, hs:hs + f, c]
                        r, k = np.unravel_index(np.argmax(window), window.shape)
                        dA_prev[i, vs + r, hs + k, c] += dA[i, h, w, c]
                    else:
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += dA[i, h, w, c] / (f * f)
    return dA_prev
"""),
    ],
}
