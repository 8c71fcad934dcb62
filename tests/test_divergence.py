"""The divergence rule, `utils.deep.is_diverging`: NeuralNetwork stops on it, the lesson functions on NaN / inf only;
and its likely cause, `utils.deep.divergence_cause`, named in the message with its argument (its flag in the commands)."""

import math

import numpy as np
import pytest

import utils.commands.compare as compare
import utils.commands.train as train
from utils import L_layer_model, NeuralNetwork
from utils.datasets import Data
from utils.deep import (DivergenceError, check_divergence, diverged, divergence_cause, explain_divergence,
                        gradient_descent, is_diverging)
from utils.initializers import initialize_parameters_deep
from utils.planar import load_planar_dataset


@pytest.mark.parametrize("cost, first_cost, diverging", [
    (0.69, 0.69, False),
    (0.05, 0.69, False),
    (10.69, 0.69, False),        # the "+ 10" bound: first_cost + 10
    (10.7, 0.69, True),
    (7.5e29, 0.69, True),        # the example: lr 1e30 on flower
    (math.nan, 0.69, True),
    (math.inf, 0.69, True),
    (10.0, 0.01, False),         # a small start is spared by the "+ 10"
    (10.02, 0.01, True),
    (400.0, 50.0, False),        # a large start (too large weights): the "10 x" bound
    (501.0, 50.0, True),
])
def test_the_rule(cost, first_cost, diverging):
    assert is_diverging(cost, first_cost) is diverging


def test_check_divergence_names_the_learning_rate():
    check_divergence(0.5, 0.69, "epoch 3", 0.1)  # no error
    with pytest.raises(DivergenceError, match=r"^learning_rate: training diverged at epoch 3: the cost grew from "
                                              r"0\.69 to 7\.5e\+29\. Try a smaller learning_rate than 1e\+30\.$"):
        check_divergence(7.5e29, 0.69, "epoch 3", 1e30)
    with pytest.raises(ValueError, match=r"the cost became nan \(it started at 0\.69\)"):  # a ValueError too
        check_divergence(math.nan, 0.69, "epoch 3", 1e30)


@pytest.fixture(scope="module")
def flower():
    return load_planar_dataset(m=200)


def test_fit_stops_when_the_cost_grows_far_past_its_start(flower):
    X, Y = flower
    model = NeuralNetwork((4,), "tanh", initialization="random", learning_rate=100, epochs=1000)
    with pytest.raises(DivergenceError, match=r"training diverged at epoch \d+: the cost grew from 0\.69\d* to "
                                              r"[\d.e+]+\. Try a smaller learning_rate than 100\.0\."):
        model.fit(X, Y)
    costs = model.history_["cost"]
    assert len(costs) < 1000 and is_diverging(costs[-1], costs[0])  # history_ ends with the diverging cost
    assert not any(is_diverging(cost, costs[0]) for cost in costs[:-1])


def test_fit_with_mini_batches_compares_epochs_with_the_first_one(flower):
    X, Y = flower
    with pytest.raises(DivergenceError, match=r"training diverged at epoch \d+"):
        NeuralNetwork((4,), "tanh", initialization="random", learning_rate=100, epochs=1000, batch_size=32).fit(X, Y)


def test_a_large_workable_learning_rate_is_not_divergence(flower):
    """lr 10 makes flower's cost bounce above its start (up to ~5x), and training still ends well."""
    X, Y = flower
    model = NeuralNetwork((4,), "tanh", initialization="random", learning_rate=10, epochs=1000).fit(X, Y)
    costs = model.history_["cost"]
    assert max(costs) > costs[0] and costs[-1] < costs[0]


def test_lesson_functions_still_show_a_climbing_cost(flower):
    """L_layer_model keeps the course's behaviour: a climbing cost is returned (a lesson), only NaN / inf stops it."""
    X, Y = flower
    _, costs = L_layer_model(X, Y, [2, 4, 1], learning_rate=100, num_iterations=301, activations=["tanh", "sigmoid"])
    assert len(costs) == 4 and all(np.isfinite(costs)) and is_diverging(max(costs), costs[0])


# ---------------------------------------------------------------- the likely cause, named with its argument

def one_line_error(call):
    """The DivergenceError `call()` raises; its message is one line."""
    with pytest.raises(DivergenceError) as error:
        call()
    message = str(error.value)
    assert "\n" not in message and message.count(": training diverged at ") == 1, message
    return error.value


@pytest.mark.parametrize("kwargs, argument, fragment", [
    (dict(keep_prob=1e-300), "keep_prob", "1/keep_prob = 1e+300: try a keep_prob of 0.5 or more"),
    (dict(keep_prob=1e-3, learning_rate=0.5, epochs=200), "keep_prob", "1/keep_prob = 1e+03"),
    (dict(initialization="random", init_scale=1e3, activations="relu", hidden_layers=(4, 4)), "init_scale",
     "the initial weights are too large; try a smaller init_scale than 1000.0"),
    (dict(lambd=1e300), "lambd", "try a smaller lambd than 1e+300"),
    (dict(lambd=1e4, learning_rate=0.1), "lambd", "(learning rate x lambd / batch size = 5) is above 2"),
    (dict(learning_rate=100, epochs=1000), "learning_rate", "Try a smaller learning_rate than 100.0."),
])
def test_fit_names_the_likely_cause(flower, kwargs, argument, fragment):
    X, Y = flower
    options = dict(hidden_layers=(4,), activations="tanh", epochs=50) | kwargs
    error = one_line_error(lambda: NeuralNetwork(**options).fit(X, Y))
    assert error.argument == argument and str(error).startswith(f"{argument}: training diverged at "), error
    assert fragment in str(error)
    if argument != "learning_rate":
        assert "smaller learning_rate" not in str(error)


@pytest.mark.parametrize("scale", [1e20, 1e5, 1e3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_names_unscaled_inputs(flower, scale, dtype):
    """Inputs far from unit scale make the cost huge before training or the steps too large: X is named."""
    X, Y = flower
    error = one_line_error(lambda: NeuralNetwork((4,), "relu", learning_rate=1.2, epochs=300, dtype=dtype)
                           .fit(X * scale, Y))
    assert str(error).startswith("X: training diverged at ") and error.argument == "X"
    assert "scale them, e.g. divide by 255 or standardise" in str(error)


def test_a_huge_learning_rate_is_still_blamed_with_raw_inputs():
    """With inputs at scale 100 and a learning rate of 1e30, the learning rate is the likelier cause."""
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 20)) * 100, (rng.random((1, 20)) > 0.5).astype(int)
    error = one_line_error(lambda: NeuralNetwork((50, 50), learning_rate=1e30, epochs=100).fit(X, Y))
    assert error.argument == "learning_rate"


def test_a_learning_rate_set_to_nan_during_training_is_named(flower):
    X, Y = flower

    def poison(epoch, model):
        model.learning_rate = float("nan")

    error = one_line_error(lambda: NeuralNetwork((4,), "tanh", epochs=50).fit(X, Y, callback=poison))
    assert str(error).startswith("learning_rate: ") and "learning_rate is nan, not a finite number" in str(error)


def test_the_lesson_functions_name_the_cause_too(flower):
    X, Y = flower
    error = one_line_error(lambda: L_layer_model(X, Y, [2, 4, 4, 1], num_iterations=50, keep_prob=1e-300,
                                                 dtype=np.float32))
    assert str(error).startswith("keep_prob: training diverged at iteration 0: the cost is nan.")
    error = one_line_error(lambda: L_layer_model(X * 1e20, Y, [2, 4, 1], num_iterations=50))
    assert str(error).startswith("X: ")
    error = one_line_error(lambda: gradient_descent(X, Y.astype(float), initialize_parameters_deep([2, 4, 1], "he", 1),
                                                    None, float("nan"), 5))
    assert str(error).startswith("learning_rate: ") and "learning_rate is nan" in str(error)
    error = one_line_error(lambda: L_layer_model(X, Y, [2, 4, 4, 1], learning_rate=1e30, num_iterations=50,
                                                 dtype=np.float32))
    assert str(error).startswith("learning_rate: ") and str(error).endswith("Try a smaller learning_rate than 1e+30.")


@pytest.mark.parametrize("context, argument", [
    (dict(learning_rate=math.nan), "learning_rate"),
    (dict(learning_rate=0.1, beta=math.inf), "beta"),
    (dict(learning_rate=0.1, X=np.full((2, 3), 1e20)), "X"),
    (dict(learning_rate=0.1, X=np.full((2, 3), 255.0)), "X"),
    (dict(learning_rate=1e30, X=np.full((2, 3), 255.0)), "learning_rate"),            # an unusual rate: the rate
    (dict(learning_rate=1e30, X=np.full((2, 3), 255.0), first_cost=math.inf), "X"),    # ... unless X breaks the start
    (dict(learning_rate=1e30, X=np.full((2, 3), 255.0), updates=0), "X"),
    (dict(learning_rate=0.1, X=np.ones((2, 3))), "learning_rate"),
    (dict(learning_rate=1.0, lambd=300, m=100), "lambd"),
    (dict(learning_rate=1.0, lambd=100, m=100), "learning_rate"),
    (dict(learning_rate=1.0, lambd=300, m=100, optimizer="momentum", beta=0.9), "learning_rate"),  # 3 < 3.8
    (dict(learning_rate=1.0, lambd=300, m=100, optimizer="adam"), "learning_rate"),
    (dict(learning_rate=0.1, keep_prob=0.5, updates=0, first_cost=0.69), "keep_prob"),
    (dict(learning_rate=0.1, keep_prob=0.5, updates=3, first_cost=0.69), "learning_rate"),
    (dict(learning_rate=0.1, keep_prob=0.01, updates=3, first_cost=0.69), "keep_prob"),
    (dict(learning_rate=0.1, first_cost=1e9, initialization="random", init_scale=10.0), "init_scale"),
    (dict(learning_rate=0.1, first_cost=math.nan, initialization="he"), "initialization"),
    (dict(learning_rate=0.1, updates=0), "X"),                  # the lesson's two_layer_model: before any update
    (dict(learning_rate=0.1, first_cost=50.0, updates=7), "learning_rate"),
])
def test_divergence_cause_rules(context, argument):
    assert divergence_cause(**context)[0] == argument


def test_divergence_cause_reads_x_only_when_needed():
    class Unreadable:
        def __array__(self, *args, **kwargs):
            raise AssertionError("X was read")

    assert divergence_cause(math.nan, X=Unreadable())[0] == "learning_rate"
    assert divergence_cause(1e30, X=Unreadable(), first_cost=0.7, updates=5)[0] == "learning_rate"


def test_check_divergence_and_diverged_keep_their_signatures():
    with pytest.raises(DivergenceError, match=r"^learning_rate: training diverged at iteration 12 \(epoch 3\): the cost "
                                              r"is nan\. Try a smaller learning_rate than 0\.5\.$"):
        raise diverged(math.nan, "12 (epoch 3)", 0.5)
    error = diverged(math.nan, "0 (epoch 0)", 0.5, first_cost=0.69, keep_prob=0.8)
    assert error.updates == 0 and error.argument == "keep_prob" and "became nan (it started at 0.69)" in str(error)
    with pytest.raises(DivergenceError, match=r"^X: training diverged at epoch 2: the cost grew from 0\.69 to 100\. "
                                              r"The inputs are not scaled \(root mean square 255\)"):
        check_divergence(100.0, 0.69, "epoch 2", 0.01, X=np.full((3, 4), 255.0))


def test_explain_divergence_keeps_what_was_seen():
    error = diverged(math.inf, 4, 0.5)
    again = explain_divergence(error, 0.5, X=np.full((2, 2), 1e20), first_cost=0.7)
    assert (again.cost, again.where, again.updates, again.first_cost) == (math.inf, "iteration 4", 4, 0.7)
    assert str(again).startswith("X: training diverged at iteration 4: the cost became inf (it started at 0.7).")
    plain = DivergenceError("learning_rate: made by hand")
    assert explain_divergence(plain, 0.5, X=np.ones((1, 1))) is plain


# ---------------------------------------------------------------- the commands name the flag

def flower_data(scale=1.0):
    X, Y = load_planar_dataset(m=200)
    return Data("flower", X * scale, Y, None, None, X[:, :20] * scale, Y[:, :20], None, ["0", "1"], "test")


@pytest.mark.parametrize("flags, head", [
    (["--keep-prob", "1e-300", "--dtype", "float32"], "error: --keep-prob: training diverged at iteration 0"),
    (["--lambd", "1e300"], "error: --lambd: training diverged at "),
    (["--learning-rate", "1e30"], "error: --learning-rate: training diverged at epoch 1"),
])
def test_train_names_the_flag_of_the_cause(flags, head, capsys, tmp_path):
    out = tmp_path / "x.npz"
    assert train.main(["-d", "flower", "--epochs", "20", "-o", str(out), "--no-progress", *flags]) == 1
    err = capsys.readouterr().err
    assert err.startswith(head) and err.count("\n") == 1, err
    assert "learning_rate" not in err and not out.exists()
    if "--learning-rate" not in flags:
        assert "--learning-rate" not in err


@pytest.mark.parametrize("name", ["2-layer", "4-layer"])
def test_compare_names_unscaled_photos(name):
    args = compare.resolve(compare.build_parser().parse_args(["--iterations", "30"]))
    with pytest.raises(DivergenceError, match=r"^X: training diverged at iteration \d+.*scale them"):
        compare.train_model(name, flower_data(1e20), args)
    args = compare.resolve(compare.build_parser().parse_args(["--iterations", "30", "--learning-rate", "1e30"]))
    with pytest.raises(DivergenceError, match=r"^learning_rate: .*Try a smaller learning_rate than 1e\+30\.$"):
        compare.train_model(name, flower_data(), args)
