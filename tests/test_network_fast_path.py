"""NeuralNetwork.fit's first-layer fast path (utils/span.py) gives the plain path's model, to rounding."""

import numpy as np
import pytest

from utils import NeuralNetwork


def wide(m=12, n_x=80, seed=0, classes=2):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_x, m)), rng.integers(0, classes, m)


@pytest.mark.parametrize("options", [
    dict(optimizer="gd"),
    dict(optimizer="momentum", batch_size=5, lambd=0.5, keep_prob=0.8, lr_schedule="inverse_time", decay_rate=0.1),
    dict(optimizer="gd", batch_size=4, lambd=0.3, early_stopping=True, patience=3),
])
def test_fast_path_gives_the_plain_model(options, monkeypatch):
    import utils.network as network
    prepared, runner = [], network.SpanRunner
    monkeypatch.setattr(network, "SpanRunner", lambda *args: prepared.append(1) or runner(*args))
    X, y = wide()
    X_val, y_val = wide(7, seed=1)
    seen = {True: [], False: []}
    models = {}
    for fast in (True, False):
        model = NeuralNetwork(hidden_layers=(6, 4), learning_rate=0.05, epochs=60, dtype=np.float64, fast_path=fast,
                              **options)
        models[fast] = model.fit(X, y, X_val, y_val, callback=lambda e, m, fast=fast: seen[fast].append(
            m.predict_proba(X)))
    assert prepared == [1] and models[True]._pending is None
    for key, value in models[False].parameters_.items():
        np.testing.assert_allclose(models[True].parameters_[key], value, rtol=1e-12, atol=1e-12 * np.abs(value).max())
    for key in ("cost", "val_cost"):
        assert models[True].history_[key] == pytest.approx(models[False].history_[key], rel=1e-12)
    assert models[True].history_["val_accuracy"] == models[False].history_["val_accuracy"]
    assert models[True].best_epoch_ == models[False].best_epoch_
    np.testing.assert_allclose(seen[True], seen[False], rtol=1e-11)  # callbacks see the current parameters


def test_fast_path_is_off_for_adam_and_when_asked(monkeypatch):
    import utils.network as network
    calls = []
    monkeypatch.setattr(network, "SpanRunner", lambda *a: calls.append(1) or pytest.fail("fast path used"))
    X, y = wide()
    NeuralNetwork(hidden_layers=(6,), optimizer="adam", epochs=300, learning_rate=0.01).fit(X, y)
    NeuralNetwork(hidden_layers=(6,), epochs=300, fast_path=False, dtype=np.float64).fit(X, y)
    NeuralNetwork(hidden_layers=(6,), epochs=300).fit(X, y)   # "auto": float32 keeps the plain path
    assert calls == []


def test_auto_uses_the_fast_path_in_float64_only(monkeypatch):
    import utils.network as network
    calls, runner = [], network.SpanRunner
    monkeypatch.setattr(network, "SpanRunner", lambda *a: calls.append(1) or runner(*a))
    X, y = wide()
    NeuralNetwork(hidden_layers=(6,), epochs=300).fit(X, y)
    assert calls == []
    NeuralNetwork(hidden_layers=(6,), epochs=300, dtype=np.float64).fit(X, y)
    assert calls == [1]
    NeuralNetwork(hidden_layers=(6,), epochs=300, fast_path=True).fit(X, y)
    assert calls == [1, 1]
    with pytest.raises(ValueError, match=r"^fast_path: expected True, False or 'auto', got 'yes'"):
        NeuralNetwork(fast_path="yes")
