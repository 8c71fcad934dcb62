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

With fewer examples than features (m < n_x) and gradient descent or momentum,
`fit` trains the first layer through X^T X instead of W1 (utils/span.py): the
same steps up to rounding, many times faster. By default ("auto") it is used
in float64, where it reproduces the plain path to about 1e-15, and not in
float32, whose results would move by float32 rounding; fast_path=True uses it
in float32 too, False never.
"""

from __future__ import annotations

import functools
import inspect
import math

import numpy as np

from .activations import ACTIVATIONS  # noqa: F401  (re-exported)
from .blas import blas_threads_for
from .checks import check_callable, check_class_labels, check_hyperparameters, check_parameter_count, got, read_labels
from .costs import compute_cost_from_logits, one_hot
from .deep import (DivergenceError, check_divergence, check_learning_rate, check_iterations, check_X,  # noqa: F401
                   diverged, explain_divergence, labels_from_probabilities, layer_dims_of, n_correct as _n_correct,
                   resolve_activations)
from .layers import Activation, Dense, Stack, layers_from_descriptions
from .layers.stack import StackRunner
from .metrics import accuracy  # noqa: F401  (re-exported)
from .optimizers import OPTIMIZERS, get_optimizer, learning_rate_at
from .persistence import load_parameters, save_network, save_parameters
from .span import SpanRunner, fast_path_applies


#: What `fit` sets; a fit refused by a check puts them back as they were.
FITTED_ATTRIBUTES = ("n_classes_", "output_", "stack_", "layer_dims_", "activations_", "_parameters", "_pending",
                     "state_", "history_", "best_epoch_", "n_epochs_")

#: `NeuralNetwork.save` writes a longer history series (epochs) as an array, not a JSON list.
HISTORY_LIST_LIMIT = 10_000


@functools.lru_cache(maxsize=None)
def _argument_names(function):
    """The names of `function`'s arguments but self, read from its signature."""
    return tuple(name for name in inspect.signature(function).parameters if name != "self")


class NeuralNetwork:
    """A fully-connected classifier trained with the library's functions.

    hidden_layers: sizes of the hidden layers (may be empty: logistic / softmax regression).
    activations: one name for every hidden layer, or a list (one per hidden layer).
    output: "auto", "sigmoid" (binary) or "softmax" (C classes).
    initialization: "he", "xavier" (course), "glorot", "random", "zeros".
    optimizer: "gd", "momentum" (beta), "rmsprop" (beta2, epsilon), "adam" (beta1, beta2, epsilon), "adamw"
    (Adam with decoupled weight decay: after each step W -= learning_rate * weight_decay * W, weights only).
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
    fast_path: train the first layer as W1 = a W1_init + K X^T through X^T X (utils/span.py) when
    that is exact (gd or momentum, a hidden layer) and cheaper (m < n_x roughly): the same steps
    up to rounding. "auto" (default): in float64 only; True: in float32 too; False: never.
    layers: None (the network is hidden_layers, activations, keep_prob), or the hidden layers as a list of
    `utils.layers` (or their descriptions), e.g. ``[Dense(64), BatchNorm(), Activation("relu")] * 9``; the
    output layer (Dense(n_y) and its sigmoid or softmax) is added from the labels. Then hidden_layers is read off
    the Dense layers, and dropout is a `Dropout(keep_prob)` layer (keep_prob must stay 1).

    After `fit`: parameters_ (trainable: W_l, b_l, gamma_l, beta_l), state_ (running statistics of batch
    normalization, updated by training, never by the optimiser), stack_ (the `utils.layers.Stack` trained),
    layer_dims_ (the inputs and every dense layer's units), activations_ (in order),
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
                 progress=False, print_cost=False, init_scale=0.01, fast_path="auto", weight_decay=0.0, layers=None):
        arguments = dict(locals())
        del arguments["self"]
        self.__dict__.update(check_hyperparameters(arguments))
        self._pending = None  # (runner, p) while training: see parameters_

    @property
    def parameters_(self):
        """{"W1", "b1", ..., "WL", "bL"} (and gamma_l, beta_l). While training, built from what the optimiser
        updates when read (the fast path's W1 = a W1_init + K X^T)."""
        if self._pending is not None:
            runner, p = self._pending
            self._parameters, self._pending = runner.parameters(p), None
        return self._parameters

    @parameters_.setter
    def parameters_(self, parameters):
        self._parameters, self._pending = parameters, None

    def _build_stack(self, n_x, n_y):
        """The network as a `utils.layers.Stack`: `layers` (or hidden_layers, activations, keep_prob), then the
        output layer Dense(n_y) -> output_."""
        if self.layers is None:
            dims = [n_x, *self.hidden_layers, n_y]
            return Stack.dense(dims, self._hidden_activations + [self.output_], self.keep_prob)
        return Stack([*self.layers, Dense(n_y), Activation(self.output_)], n_x)

    # ------------------------------------------------------------ labels

    def _encode(self, Y, m, name="Y"):
        """Labels -> (n_y, m) matrix for the output layer (fixes output_ / n_classes_ on first call)."""
        labels, one_hot_rows = read_labels(Y, name, m)
        given_one_hot = one_hot_rows is not None
        if labels.size != m:
            raise ValueError(f"{name}: expected {m} labels of shape (1, {m}), ({m},) or one-hot (C, {m}) "
                             f"to match X, got shape {np.shape(Y)}")
        if not hasattr(self, "n_classes_"):
            n_classes = one_hot_rows if given_one_hot else max(2, int(labels.max()) + 1)
            output = self.output
            if output == "auto":
                output = "softmax" if (given_one_hot or n_classes > 2) else "sigmoid"
            if output == "sigmoid":  # two classes: what score refuses for a trained sigmoid model, by the same rule
                check_class_labels(labels, one_hot_rows, 2, name, "{0, 1} for output='sigmoid'")
            self.n_classes_, self.output_ = n_classes, output
        else:
            self._check_classes(labels, one_hot_rows, name)
        if self.output_ == "sigmoid":
            return labels.reshape(1, -1).astype(self.dtype)
        return one_hot(labels, self.n_classes_, dtype=self.dtype)

    def _check_classes(self, labels, one_hot_rows, name):
        """Labels (from `read_labels`) the trained model can output: `utils.checks.check_class_labels`."""
        check_class_labels(labels, one_hot_rows, self.n_classes_, name,
                           f"0..{self.n_classes_ - 1} (the classes seen in training)")

    # ------------------------------------------------------------ training

    def fit(self, X, Y, X_val=None, Y_val=None, callback=None):
        """Train on X (n_x, m) and labels Y; returns self.

        X_val, Y_val: optional validation set (accuracy and cost recorded per epoch).
        callback(epoch, model) runs after every epoch; returning False stops training.
        The hyperparameters are checked again first, as the constructor checks them
        (`utils.checks.check_hyperparameters`): attributes set after construction
        (``model.learning_rate = ...``) are held to the same rules.
        Raises ValueError on bad input, and `DivergenceError` (a ValueError naming the likely
        cause: the learning rate, or the inputs' scale, keep_prob, lambd, the initial weights,
        see `utils.deep.divergence_cause`) when training diverges: a cost NaN / inf, or an
        epoch's cost far past the cost before training (`utils.deep.is_diverging`); history_
        then ends with that cost.
        X is used in Fortran order (a copy only if it is C-ordered): X.T is then C-contiguous,
        which makes dZ1 X^T and gathering a mini-batch's columns faster, with the same results.
        Training (callback included) runs on one BLAS thread when the network's products are
        small (`utils.blas.blas_threads_for`): faster on a busy machine, and the same float32
        rounding whatever the number of cores.
        """
        self.__dict__.update(check_hyperparameters(self._current_params()))  # also what was set after __init__
        check_callable(callback, "callback")
        fitted = {k: self.__dict__[k] for k in FITTED_ATTRIBUTES if k in self.__dict__}
        try:   # every check before the model changes: a refused fit leaves a fitted model as it was
            for attr in ("n_classes_", "output_"):
                self.__dict__.pop(attr, None)
            X = check_X(X).astype(self.dtype, order="F", copy=False)  # X.T C-contiguous: faster dZ1 X^T, batches
            m = X.shape[1]
            Y = self._encode(Y, m)
            if (X_val is None) != (Y_val is None):
                raise ValueError("X_val, Y_val: expected both or neither, got only one of them")
            if X_val is not None:
                X_val = check_X(X_val, X.shape[0], "X_val").astype(self.dtype, copy=False)
                Y_val = self._encode(Y_val, X_val.shape[1], "Y_val")
            elif self.early_stopping:
                raise ValueError("X_val: expected a validation set for early_stopping=True, got None")
            stack = self._build_stack(X.shape[0], Y.shape[0])
            self._check_batches_for_batchnorm(stack, m)
            check_parameter_count(stack.layer_dims, "layers" if stack.pictures else "hidden_layers",
                                  stack.parameter_count() if stack.pictures else None)
        except ValueError:
            for attr in FITTED_ATTRIBUTES:
                self.__dict__.pop(attr, None)
            self.__dict__.update(fitted)
            raise
        self.stack_, self.layer_dims_, self.activations_ = stack, stack.layer_dims, stack.activations
        self.parameters_, self.state_ = self.stack_.init(self.initialization, self.seed, self.dtype,
                                                         scale=self.init_scale)
        self.history_ = {"cost": [], "train_accuracy": [], "val_cost": [], "val_accuracy": [], "learning_rate": []}
        self.best_epoch_ = None
        with blas_threads_for(self.layer_dims_, min(self.batch_size or m, m)):  # 1 BLAS thread if small: utils/blas.py
            self._start_cost = self._cost(X, Y)  # what each epoch's cost is held against (is_diverging)
            try:
                self._train(X, Y, X_val, Y_val, callback)
            except DivergenceError as error:  # name the likely cause, knowing X and every hyperparameter
                raise explain_divergence(error, self.learning_rate, **self._divergence_context(X)) from None
        return self

    def _check_batches_for_batchnorm(self, stack, m):
        """Batch normalization needs at least 2 examples in every training batch (a variance over one is 0): refuse,
        before training, a batch_size that leaves a last batch of one example."""
        if not any(layer.kind == "batchnorm" for layer in stack.layers):
            return
        if m < 2:
            raise ValueError(f"X: batch normalization needs at least 2 training examples (a variance over one example "
                             f"is 0), got {m}")
        size = m if self.batch_size is None or self.batch_size >= m else self.batch_size
        last = m % size or size
        if size < 2 or last < 2:
            good = next(s for s in [*range(size - 1, 1, -1), *range(size + 1, m + 1)] if m % s != 1)
            raise ValueError(f"batch_size: batch normalization needs at least 2 examples in every training batch (a "
                             f"variance over one example is 0), but {m} training examples in batches of {size} leave a "
                             f"last batch of {last}; choose another batch_size, e.g. {good}")

    def _divergence_context(self, X):
        """What `utils.deep.divergence_cause` weighs: the cost before training, X, the hyperparameters."""
        hyperparameters = ("keep_prob", "lambd", "init_scale", "beta", "beta1", "beta2", "epsilon", "decay_rate")
        return {"first_cost": self._start_cost, "X": X, "m": min(self.batch_size or X.shape[1], X.shape[1]),
                "optimizer": self.optimizer, "initialization": self.initialization,
                **{name: getattr(self, name) for name in hyperparameters}}

    def _optimizer_state(self, p):
        """The optimiser's initial state for parameters p: `OPTIMIZERS[optimizer].init(p)`."""
        return get_optimizer(self.optimizer).init(p)

    def _step(self, p, grads, state, t, lr):
        """One optimiser update of the parameters p (`OPTIMIZERS[optimizer].step`); returns (parameters, state)."""
        return OPTIMIZERS[self.optimizer].step(p, grads, state, t, lr, self.beta, self.beta1, self.beta2, self.epsilon,
                                               self.weight_decay)

    def _wants_fast_path(self):
        """fast_path "auto": only in float64, where it matches the plain path to rounding at 1e-15."""
        return self.fast_path is True or (self.fast_path == "auto" and self.dtype == np.float64)

    def _runner(self, X, X_val):
        """How the training loop runs the network: the one place the X^T X fast path is chosen.

        `utils.span.SpanRunner` (the first dense layer through X^T X: a dense network, gd or momentum, fewer
        examples than features, see `fast_path_applies`) or `utils.layers.stack.StackRunner` (every layer walked).
        """
        view = self.stack_.dense_view()
        if view is not None and self._wants_fast_path():
            layer_dims, activations, keep_prob = view
            if fast_path_applies(self.optimizer, layer_dims, X.shape[1], self.epochs, self.batch_size, self.lambd,
                                 0 if X_val is None else X_val.shape[1]):
                return SpanRunner(X, self.parameters_["W1"], X_val, activations, self.lambd, keep_prob)
        return StackRunner(self.stack_, X, X_val, self.lambd)

    def _train(self, X, Y, X_val, Y_val, callback):
        m, rng, t = X.shape[1], np.random.default_rng(self.seed), 0
        runner = self._runner(X, X_val)
        p, state = runner.start(self.parameters_), self.state_
        optimizer_state = self._optimizer_state(p)
        best_cost, best_parameters, best_state = math.inf, p, dict(state)
        epochs = range(self.epochs)
        bar = None
        if self.progress:
            from tqdm.auto import tqdm
            epochs = bar = tqdm(epochs, desc="training", unit="epoch")
        self.n_epochs_ = 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in epochs:
                lr = learning_rate_at(self.lr_schedule, self.learning_rate, epoch, self.decay_rate, self.time_interval)
                total_cost, correct = 0.0, 0
                for Xb, Yb in runner.batches(Y, self.batch_size, self.seed + epoch):
                    cost, AL, grads = runner.gradients(Xb, Yb, p, state, rng)  # state: running statistics
                    if not math.isfinite(cost):
                        raise diverged(cost, f"{t} (epoch {epoch})", self.learning_rate)
                    total_cost += cost * Yb.shape[1]
                    correct += _n_correct(AL, Yb)
                    t += 1
                    p, optimizer_state = self._step(p, grads, optimizer_state, t, lr)
                self._pending = (runner, p)  # parameters_ is built from p only if it is read
                self._record(total_cost / m, correct / m, lr, Y_val, runner, p, state)
                self.n_epochs_ = epoch + 1
                if self.print_cost and (epoch % 100 == 0 or epoch == self.epochs - 1):
                    print(f"Cost after epoch {epoch}: {total_cost / m}")
                if bar is not None:
                    bar.set_postfix(cost=f"{total_cost / m:.4f}", refresh=False)
                stop = False
                if self.early_stopping:
                    val_cost = self.history_["val_cost"][-1]
                    if val_cost < best_cost:
                        best_cost, best_parameters, best_state, self.best_epoch_ = val_cost, p, dict(state), epoch
                    elif epoch - self.best_epoch_ >= self.patience:
                        stop = True
                if callback is not None and callback(epoch, self) is False:
                    stop = True
                if stop:
                    break
        if bar is not None:
            bar.close()
        if self.early_stopping:  # updates never modify arrays in place: no copy needed
            p, state = best_parameters, best_state
        self.parameters_, self.state_ = runner.parameters(p), state

    def _record(self, cost, train_accuracy, lr, Y_val, runner, p, state):
        """Append an epoch's numbers to history_; stop with DivergenceError if its cost diverges."""
        h = self.history_
        h["cost"].append(cost)
        h["train_accuracy"].append(train_accuracy)
        h["learning_rate"].append(lr)
        if Y_val is not None:
            AL, ZL = runner.validation(p, state)  # test mode: running statistics, no dropout
            h["val_cost"].append(compute_cost_from_logits(ZL, Y_val))
            h["val_accuracy"].append(_n_correct(AL, Y_val) / Y_val.shape[1])
        check_divergence(cost, self._start_cost, f"epoch {len(h['cost']) - 1}", self.learning_rate)

    def _cost(self, X, Y):
        """The training cost (cross-entropy + L2 term) of parameters_ on all of X, Y, in test mode (no dropout;
        batch normalization with its running statistics)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ZL, _, _ = self.stack_.forward(X, self.parameters_, self.state_)
            return compute_cost_from_logits(ZL, Y, self.parameters_, self.lambd)

    # ------------------------------------------------------------ prediction

    def _check_fitted(self):
        if not hasattr(self, "parameters_"):
            raise ValueError("model: expected a fitted NeuralNetwork (call fit or load first), got an unfitted one")

    def predict_proba(self, X):
        """Output-layer probabilities: (1, m) P(y = 1) for a sigmoid output, (C, m) for softmax."""
        self._check_fitted()
        X = check_X(X, self.layer_dims_[0]).astype(self.parameters_["W1"].dtype, copy=False)
        return self.stack_.predict_proba(X, self.parameters_, self.state_)

    def predict(self, X):
        """Predicted class labels, shape (1, m): AL > 0.5 (sigmoid) or argmax over classes (softmax)."""
        return labels_from_probabilities(self.predict_proba(X))

    def score(self, X, Y):
        """Accuracy of `predict(X)` against labels Y ((1, m), (m,), (m, 1) or one-hot (C, m)), in [0, 1].

        Labels the model cannot output are refused, as `fit` refuses them (`utils.checks.check_class_labels`):
        a label beyond the classes seen in training (a 2 for a sigmoid output), a one-hot Y of another
        number of rows.
        """
        p = self.predict(X)[0]
        labels, one_hot_rows = read_labels(Y, "Y", p.size)
        if labels.size != p.size:
            raise ValueError(f"Y: expected {p.size} labels to match X, got shape {np.shape(Y)}")
        self._check_classes(labels, one_hot_rows, "Y")  # the labels fit refuses: a 2 for a sigmoid output ...
        return float(np.mean(labels == p))

    # ------------------------------------------------------------ hyperparameters

    @classmethod
    def _param_names(cls):
        """The constructor's argument names, read from its signature (once per class: `fit` asks every time)."""
        return list(_argument_names(cls.__init__))

    def get_params(self, deep=True):
        """The constructor arguments, by the names of its signature (JSON-compatible: dtype by its name)."""
        params = {name: getattr(self, name) for name in self._param_names()}
        params["hidden_layers"] = list(self.hidden_layers)
        if not isinstance(self.activations, str):
            params["activations"] = list(self.activations)
        if not self.hidden_layers and self.layers is None:
            params["activations"] = []  # no hidden layer: the hidden activation is not used
        params["dtype"] = self.dtype.name
        if self.layers is not None:
            params["layers"] = [layer.describe() for layer in self.layers]
        return params

    def set_params(self, **params):
        """Change constructor arguments, checked as the constructor checks them (all together); returns self."""
        names = self._param_names()
        for name in params:
            if name not in names:
                raise ValueError(f"{name}: expected one of NeuralNetwork's parameters ({', '.join(names)}), "
                                 "got an unknown name")
        self.__dict__.update(check_hyperparameters({**self._current_params(), **params}))
        return self

    def _current_params(self):
        """The constructor arguments as the attributes hold them now (possibly set after construction)."""
        return {name: getattr(self, name) for name in self._param_names()}

    # ------------------------------------------------------------ persistence

    def save(self, path, **metadata):
        """Save parameters_, activations, history and hyperparameters (plus `metadata`) to an .npz file.

        A history series of more than HISTORY_LIST_LIMIT epochs is saved as a float64 array (exact),
        not a JSON list: a file holds at most MAX_METADATA_CHARS (4 Mi) characters of JSON, which a
        long training's numbers would exceed after it has run. `load` gives lists back.
        """
        self._check_fitted()
        if "layers" in metadata:
            raise ValueError("layers: set by the model itself (its stack_); pass the other metadata only")
        history = {name: np.asarray(series, dtype=np.float64)
                   if isinstance(series, list) and len(series) > HISTORY_LIST_LIMIT else series
                   for name, series in self.history_.items()}
        if self.layers is None:  # format 1: hidden_layers, activations (keep_prob recorded with the hyperparameters)
            return save_parameters(path, self.parameters_, activations=self.activations_, n_classes=self.n_classes_,
                                   hyperparameters=self.get_params(), history=history, **metadata)
        return save_network(path, {**self.parameters_, **self.state_}, self.stack_.describe(),
                            activations=self.activations_, n_classes=self.n_classes_,
                            hyperparameters=self.get_params(), history=history, **metadata)

    @classmethod
    def load(cls, path):
        """A fitted NeuralNetwork from a file written by `save` (metadata_ holds the extra metadata)."""
        arrays, metadata = load_parameters(path)
        if "layers" in metadata:  # format 2: a stack of layers (checked by the format)
            stack = Stack(layers_from_descriptions(metadata["layers"]), metadata["layer_dims"][0])
            structure = {"layers": stack.layers[:-2]}
        else:  # format 1: a dense network
            dims = layer_dims_of(arrays)
            activations = resolve_activations(metadata.get("activations"), len(dims) - 1)
            stack = Stack.dense(dims, activations)
            structure = {"hidden_layers": dims[1:-1], "activations": activations[:-1]}
        parameters, state = stack.split(arrays)
        dims, activations = stack.layer_dims, stack.activations
        try:
            model = cls().set_params(**structure, output=activations[-1], dtype=parameters["W1"].dtype)
        except ValueError as error:
            raise ValueError(f"path: {str(path)!r}: these weights cannot be a NeuralNetwork: {error}") from None
        # The recorded hyperparameters are free-form (a file of L_layer_model records num_iterations, a text
        # for the initialisation): those of the constructor whose value it accepts are taken, one by one;
        # the others stay in metadata_["hyperparameters"] only (they do not change a prediction).
        recorded = metadata.get("hyperparameters") or {}
        fixed = {"hidden_layers", "activations", "output", "dtype", "layers"}
        for name in cls._param_names():
            if name in recorded and name not in fixed:
                try:
                    model.set_params(**{name: recorded[name]})
                except ValueError:
                    pass
        model.parameters_, model.state_, model.stack_ = parameters, state, stack
        model.layer_dims_, model.activations_ = dims, list(activations)
        model.output_ = activations[-1]
        model.n_classes_ = metadata.get("n_classes", max(2, dims[-1]))
        model.history_ = {name: series.tolist() if isinstance(series, np.ndarray) else series
                          for name, series in (metadata.get("history") or {}).items()}
        model.metadata_ = metadata
        return model

    def __repr__(self):
        if self.layers is not None:
            return (f"NeuralNetwork(layers={[layer.describe() for layer in self.layers]!r}, optimizer={self.optimizer!r}, "
                    f"learning_rate={self.learning_rate}, epochs={self.epochs})")
        activations = self.activations if self.hidden_layers else ()
        return (f"NeuralNetwork(hidden_layers={tuple(self.hidden_layers)}, activations={activations!r}, "
                f"optimizer={self.optimizer!r}, learning_rate={self.learning_rate}, epochs={self.epochs})")


# ------------------------------------------------------------ the seed's function API

def train_NN(X, Y, hidden_layers=(20, 7, 5), X_val=None, Y_val=None, **options):
    """Train a `NeuralNetwork(hidden_layers, **options)` on X (n_x, m), Y; returns the fitted model."""
    return NeuralNetwork(hidden_layers).set_params(**options).fit(X, Y, X_val, Y_val)


def predict_y(X, model, activations=None):
    """Predicted labels (1, m) for X (n_x, m) from a fitted model or a parameters dict."""
    if isinstance(model, NeuralNetwork):
        return model.predict(X)
    if not isinstance(model, dict):
        raise ValueError(f"model: expected a fitted NeuralNetwork or a parameters dict, got {got(model)}")
    from .deep import predict
    return predict(X, None, model, activations)


__all__ = ["NeuralNetwork", "train_NN", "predict_y", "accuracy"]
