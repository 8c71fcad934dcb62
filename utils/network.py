"""`NeuralNetwork`: the whole library behind one scikit-learn-style object.

    model = NeuralNetwork(hidden_layers=(20, 7, 5), learning_rate=0.0075, epochs=2500)
    model.fit(X_train, Y_train, X_val, Y_val)
    model.score(X_test, Y_test)        # accuracy in [0, 1]

Unlike scikit-learn, X is (n_x, m), one column per example, as everywhere in
this library (scikit-learn uses (m, n_x): pass X.T). Labels may be (1, m) or
(m,) integers 0..C-1, or one-hot (C, m). With output="auto" the output layer
is a sigmoid for two classes given as labels and a softmax for more classes
or one-hot labels.

Each epoch is one pass over the training set: one step of full-batch
gradient descent (batch_size=None, the course's "iteration") or one step per
mini-batch.
"""

from __future__ import annotations

import math

import numpy as np

from .activations import get_activation
from .costs import check_labels, compute_cost_from_logits, one_hot
from .deep import (check_learning_rate, check_iterations, check_X, compute_gradients, diverged,
                   L_model_forward, layer_dims_of)
from .initializers import METHODS, initialize_parameters_deep
from .metrics import accuracy, to_labels
from .optimizers import (OPTIMIZERS, SCHEDULES, check_optimizer, initialize_adam, initialize_rmsprop,
                         initialize_velocity, learning_rate_at, random_mini_batches,
                         update_parameters_with_adam, update_parameters_with_gd,
                         update_parameters_with_momentum, update_parameters_with_rmsprop)
from .persistence import load_parameters, save_parameters
from .regularization import check_keep_prob

OUTPUTS = ("auto", "sigmoid", "softmax")


class NeuralNetwork:
    """A fully-connected classifier trained with the library's functions.

    hidden_layers: sizes of the hidden layers (may be empty: logistic / softmax regression).
    activations: one name for every hidden layer, or a list (one per hidden layer).
    output: "auto", "sigmoid" (binary) or "softmax" (C classes).
    initialization: "he", "xavier" (course), "glorot", "random", "zeros".
    optimizer: "gd", "momentum" (beta), "rmsprop" (beta2, epsilon), "adam" (beta1, beta2, epsilon).
    batch_size: None for full batch, else mini-batches reshuffled every epoch (seed + epoch).
    init_scale: the weight scale of initialization="random" (course: 0.01; 10 shows "too large").
    lambd: L2 strength. The penalty is lambd / (2 m) * sum ||W||^2 with m the examples of the
    batch the gradient is computed on, so with mini-batches the same lambd regularises more
    strongly than full batch (by m_train / batch_size).
    keep_prob: inverted-dropout keep probability of hidden units.
    lr_schedule: None, "inverse_time", "exponential" or "step" (every `time_interval` epochs), with decay_rate.
    early_stopping: stop when the validation cost has not improved for `patience`
    epochs and restore the best parameters (needs X_val, Y_val in `fit`).
    progress: show a tqdm bar; print_cost: print the cost every 100 epochs.

    After `fit`: parameters_, layer_dims_, activations_ (one per layer),
    history_ {"cost", "train_accuracy", "val_cost", "val_accuracy", "learning_rate"}
    (one entry per epoch; "cost" includes the L2 term, "val_cost" is the plain
    cross-entropy; train accuracy is read off the epoch's training forward
    passes, i.e. before that epoch's updates and, with dropout, of the thinned
    network), n_epochs_ (epochs run), best_epoch_ (early stopping).
    """

    def __init__(self, hidden_layers=(20, 7, 5), activations="relu", output="auto", initialization="he",
                 learning_rate=0.0075, epochs=3000, optimizer="gd", batch_size=None, lambd=0.0, keep_prob=1.0,
                 beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8, lr_schedule=None, decay_rate=1.0,
                 time_interval=1000, early_stopping=False, patience=10, seed=1, dtype=np.float32,
                 progress=False, print_cost=False, init_scale=0.01):
        self.hidden_layers = [int(n) for n in hidden_layers]
        if any(n < 1 for n in self.hidden_layers):
            raise ValueError(f"hidden_layers: expected positive layer sizes, got {list(hidden_layers)}")
        names = [activations] * len(self.hidden_layers) if isinstance(activations, str) else list(activations)
        if len(names) != len(self.hidden_layers):
            raise ValueError(f"activations: expected one name or {len(self.hidden_layers)} names "
                             f"(one per hidden layer), got {names}")
        for name in names:
            get_activation(name)
        self.activations = activations
        self._hidden_activations = names
        if output not in OUTPUTS:
            raise ValueError(f"output: expected one of {OUTPUTS}, got {output!r}")
        if initialization not in METHODS:
            raise ValueError(f"initialization: expected one of {METHODS}, got {initialization!r}")
        if lr_schedule not in SCHEDULES:
            raise ValueError(f"lr_schedule: expected one of {SCHEDULES}, got {lr_schedule!r}")
        if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
            raise ValueError(f"batch_size: expected None (full batch) or a positive integer, got {batch_size!r}")
        self.output, self.initialization, self.init_scale = output, initialization, float(init_scale)
        self.learning_rate = check_learning_rate(learning_rate)
        self.epochs = check_iterations(epochs, "epochs")
        self.optimizer = check_optimizer(optimizer)
        self.batch_size, self.lambd, self.keep_prob = batch_size, float(lambd), check_keep_prob(keep_prob)
        self.beta, self.beta1, self.beta2, self.epsilon = beta, beta1, beta2, epsilon
        self.lr_schedule, self.decay_rate, self.time_interval = lr_schedule, decay_rate, time_interval
        self.early_stopping, self.patience = bool(early_stopping), int(patience)
        self.seed, self.dtype = seed, np.dtype(dtype)
        self.progress, self.print_cost = progress, print_cost

    # ------------------------------------------------------------ labels

    def _encode(self, Y, m, name="Y"):
        """Labels -> (n_y, m) matrix for the output layer (fixes output_ / n_classes_ on first call)."""
        Y = np.asarray(Y)
        given_one_hot = Y.ndim == 2 and Y.shape[0] > 1
        if given_one_hot:
            check_labels(Y, (Y.shape[0], m), "X (one column per example)")
            labels = Y.argmax(axis=0)
        else:
            if Y.ndim not in (1, 2) or Y.size != m:
                raise ValueError(f"{name}: expected {m} labels of shape (1, {m}), ({m},) or one-hot (C, {m}) "
                                 f"to match X, got shape {Y.shape}")
            labels = to_labels(Y, name)
            if labels.min() < 0:
                raise ValueError(f"{name}: expected class labels 0..C-1, got values {np.unique(labels)[:8].tolist()}")
        if not hasattr(self, "n_classes_"):
            n_classes = Y.shape[0] if given_one_hot else max(2, int(labels.max()) + 1)
            output = self.output
            if output == "auto":
                output = "softmax" if (given_one_hot or n_classes > 2) else "sigmoid"
            if output == "sigmoid" and n_classes > 2:
                raise ValueError(f"{name}: expected labels in {{0, 1}} for output='sigmoid', "
                                 f"got values {np.unique(labels)[:8].tolist()}")
            self.n_classes_, self.output_ = n_classes, output
        elif labels.max() >= self.n_classes_:
            raise ValueError(f"{name}: expected labels in 0..{self.n_classes_ - 1} (the classes seen in training), "
                             f"got values {np.unique(labels)[:8].tolist()}")
        if self.output_ == "sigmoid":
            return labels.reshape(1, -1).astype(self.dtype)
        return one_hot(labels, self.n_classes_, dtype=self.dtype)

    # ------------------------------------------------------------ training

    def fit(self, X, Y, X_val=None, Y_val=None, callback=None):
        """Train on X (n_x, m) and labels Y; returns self.

        X_val, Y_val: optional validation set (accuracy and cost recorded per epoch).
        callback(epoch, model) runs after every epoch; returning False stops training.
        Raises ValueError on bad input and when the cost becomes NaN / inf.
        """
        for attr in ("n_classes_", "output_"):
            self.__dict__.pop(attr, None)
        X = check_X(X).astype(self.dtype, copy=False)
        m = X.shape[1]
        Y = self._encode(Y, m)
        if (X_val is None) != (Y_val is None):
            raise ValueError("X_val, Y_val: expected both or neither, got only one of them")
        if X_val is not None:
            X_val = check_X(X_val, X.shape[0], "X_val").astype(self.dtype, copy=False)
            Y_val = self._encode(Y_val, X_val.shape[1], "Y_val")
        elif self.early_stopping:
            raise ValueError("X_val: expected a validation set for early_stopping=True, got None")
        self.layer_dims_ = [X.shape[0], *self.hidden_layers, Y.shape[0]]
        self.activations_ = self._hidden_activations + [self.output_]
        self.parameters_ = initialize_parameters_deep(self.layer_dims_, self.initialization, self.seed, self.dtype,
                                                      scale=self.init_scale)
        self.history_ = {"cost": [], "train_accuracy": [], "val_cost": [], "val_accuracy": [], "learning_rate": []}
        self.best_epoch_ = None
        self._train(X, Y, X_val, Y_val, callback)
        return self

    def _optimizer_state(self):
        if self.optimizer == "momentum":
            return initialize_velocity(self.parameters_)
        if self.optimizer == "rmsprop":
            return initialize_rmsprop(self.parameters_)
        if self.optimizer == "adam":
            return initialize_adam(self.parameters_)
        return None

    def _step(self, grads, state, t, lr):
        """One optimiser update; returns the new optimiser state."""
        p = self.parameters_
        if self.optimizer == "gd":
            self.parameters_ = update_parameters_with_gd(p, grads, lr)
        elif self.optimizer == "momentum":
            self.parameters_, state = update_parameters_with_momentum(p, grads, state, self.beta, lr)
        elif self.optimizer == "rmsprop":
            self.parameters_, state = update_parameters_with_rmsprop(p, grads, state, self.beta2, lr, self.epsilon)
        else:
            v, s = state
            self.parameters_, v, s, _, _ = update_parameters_with_adam(p, grads, v, s, t, lr, self.beta1,
                                                                         self.beta2, self.epsilon)
            state = (v, s)
        return state

    def _train(self, X, Y, X_val, Y_val, callback):
        m, rng, state, t = X.shape[1], np.random.default_rng(self.seed), self._optimizer_state(), 0
        full_batch = self.batch_size is None or self.batch_size >= m
        best_cost, best_parameters = math.inf, self.parameters_
        epochs = range(self.epochs)
        bar = None
        if self.progress:
            from tqdm.auto import tqdm
            epochs = bar = tqdm(epochs, desc="training", unit="epoch")
        self.n_epochs_ = 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in epochs:
                lr = learning_rate_at(self.lr_schedule, self.learning_rate, epoch, self.decay_rate, self.time_interval)
                batches = [(X, Y)] if full_batch else random_mini_batches(X, Y, self.batch_size, self.seed + epoch)
                total_cost, correct = 0.0, 0
                for Xb, Yb in batches:
                    cost, AL, grads = compute_gradients(Xb, Yb, self.parameters_, self.activations_, self.lambd,
                                                        self.keep_prob, rng)
                    if not math.isfinite(cost):
                        raise diverged(cost, f"{t} (epoch {epoch})", self.learning_rate)
                    total_cost += cost * Xb.shape[1]
                    correct += _n_correct(AL, Yb)
                    t += 1
                    state = self._step(grads, state, t, lr)
                self._record(total_cost / m, correct / m, lr, X_val, Y_val)
                self.n_epochs_ = epoch + 1
                if self.print_cost and (epoch % 100 == 0 or epoch == self.epochs - 1):
                    print(f"Cost after epoch {epoch}: {total_cost / m}")
                if bar is not None:
                    bar.set_postfix(cost=f"{total_cost / m:.4f}", refresh=False)
                stop = False
                if self.early_stopping:
                    val_cost = self.history_["val_cost"][-1]
                    if val_cost < best_cost:
                        best_cost, best_parameters, self.best_epoch_ = val_cost, self.parameters_, epoch
                    elif epoch - self.best_epoch_ >= self.patience:
                        stop = True
                if callback is not None and callback(epoch, self) is False:
                    stop = True
                if stop:
                    break
        if bar is not None:
            bar.close()
        if self.early_stopping:
            self.parameters_ = best_parameters  # updates never modify arrays in place: no copy needed

    def _record(self, cost, train_accuracy, lr, X_val, Y_val):
        h = self.history_
        h["cost"].append(cost)
        h["train_accuracy"].append(train_accuracy)
        h["learning_rate"].append(lr)
        if X_val is not None:
            AL, caches = L_model_forward(X_val, self.parameters_, self.activations_, validate=False)
            h["val_cost"].append(compute_cost_from_logits(caches[-1][1], Y_val))
            h["val_accuracy"].append(_n_correct(AL, Y_val) / Y_val.shape[1])

    # ------------------------------------------------------------ prediction

    def _check_fitted(self):
        if not hasattr(self, "parameters_"):
            raise ValueError("model: expected a fitted NeuralNetwork (call fit or load first), got an unfitted one")

    def predict_proba(self, X):
        """Output-layer probabilities: (1, m) P(y = 1) for a sigmoid output, (C, m) for softmax."""
        self._check_fitted()
        X = check_X(X, self.layer_dims_[0]).astype(self.parameters_["W1"].dtype, copy=False)
        AL, _ = L_model_forward(X, self.parameters_, self.activations_, validate=False)
        return AL

    def predict(self, X):
        """Predicted class labels, shape (1, m): AL > 0.5 (sigmoid) or argmax over classes (softmax)."""
        AL = self.predict_proba(X)
        return (AL > 0.5).astype(np.int64) if AL.shape[0] == 1 else AL.argmax(axis=0)[None, :]

    def score(self, X, Y):
        """Accuracy of `predict(X)` against labels Y ((1, m), (m,) or one-hot (C, m)), in [0, 1]."""
        return accuracy(Y, self.predict(X))

    # ------------------------------------------------------------ persistence

    def get_params(self):
        """The constructor arguments (JSON-compatible)."""
        keys = ("hidden_layers", "activations", "output", "initialization", "learning_rate", "epochs", "optimizer",
                "batch_size", "lambd", "keep_prob", "beta", "beta1", "beta2", "epsilon", "lr_schedule",
                "decay_rate", "time_interval", "early_stopping", "patience", "seed", "init_scale")
        params = {k: getattr(self, k) for k in keys}
        if not self.hidden_layers:
            params["activations"] = []  # no hidden layer: the hidden activation is not used
        params["dtype"] = self.dtype.name
        return params

    def save(self, path, **metadata):
        """Save parameters_, activations, history and hyperparameters (plus `metadata`) to an .npz file."""
        self._check_fitted()
        return save_parameters(path, self.parameters_, activations=self.activations_, n_classes=self.n_classes_,
                               hyperparameters=self.get_params(), history=self.history_, **metadata)

    @classmethod
    def load(cls, path):
        """A fitted NeuralNetwork from a file written by `save` (metadata_ holds the extra metadata)."""
        parameters, metadata = load_parameters(path)
        dims = layer_dims_of(parameters)
        activations = metadata.get("activations") or ["relu"] * (len(dims) - 2) + ["sigmoid"]
        hyper = dict(metadata.get("hyperparameters") or {})
        hyper.update(hidden_layers=dims[1:-1], activations=activations[:-1], output=activations[-1],
                     dtype=parameters["W1"].dtype)
        model = cls(**hyper)
        model.parameters_, model.layer_dims_, model.activations_ = parameters, dims, list(activations)
        model.output_ = activations[-1]
        model.n_classes_ = metadata.get("n_classes", max(2, dims[-1]))
        model.history_ = metadata.get("history", {})
        model.metadata_ = metadata
        return model

    def __repr__(self):
        activations = self.activations if self.hidden_layers else ()
        return (f"NeuralNetwork(hidden_layers={tuple(self.hidden_layers)}, activations={activations!r}, "
                f"optimizer={self.optimizer!r}, learning_rate={self.learning_rate}, epochs={self.epochs})")


def _n_correct(AL, Y):
    """Number of columns where the prediction from AL matches the (1, m) or one-hot (C, m) labels Y."""
    if AL.shape[0] == 1:
        return int(np.count_nonzero((AL > 0.5) == (Y > 0.5)))
    return int(np.count_nonzero(AL.argmax(axis=0) == Y.argmax(axis=0)))


# ------------------------------------------------------------ the seed's function API

def train_NN(X, Y, hidden_layers=(20, 7, 5), X_val=None, Y_val=None, **options):
    """Train a `NeuralNetwork(hidden_layers, **options)` on X (n_x, m), Y; returns the fitted model."""
    return NeuralNetwork(hidden_layers, **options).fit(X, Y, X_val, Y_val)


def predict_y(X, model, activations=None):
    """Predicted labels (1, m) for X (n_x, m) from a fitted model or a parameters dict."""
    if isinstance(model, NeuralNetwork):
        return model.predict(X)
    from .deep import predict
    return predict(X, None, model, activations)


__all__ = ["NeuralNetwork", "train_NN", "predict_y", "accuracy"]
