"""Convolution and pooling (utils/conv.py): the vectorised functions against the course's loops
(utils/conv_loops.py) and against central differences in float64; the layers (utils/layers/conv.py) against the
course's functions, inside a stack, a NeuralNetwork, a parameters file and predict_images."""

import numpy as np
import pytest

from utils.conv import (conv_backward, conv_forward, conv_single_step, output_size, pool_backward, pool_forward,
                        zero_pad)
from utils.conv_loops import (conv_backward_loops, conv_forward_loops, create_mask_from_window, distribute_value,
                              pool_backward_loops, pool_forward_loops)
from utils.gradient_check import numerical_gradient
from utils.layers import Activation, Conv2D, Dense, Flatten, Image, Pool2D, Stack
from utils.layers import stack as stack_module
from utils.network import NeuralNetwork
from utils.persistence import load_parameters, predict_images

CONV_CASES = [  # (m, n_H, n_W, n_C_prev, f, n_C, stride, pad)
    (2, 5, 7, 3, 3, 4, 1, 1),
    (3, 6, 6, 2, 2, 3, 2, 0),
    (2, 7, 5, 1, 3, 2, 2, 2),
    (1, 4, 4, 2, 4, 1, 1, 0),
    (2, 9, 8, 2, 3, 2, 3, 1),
]
POOL_CASES = [  # (m, n_H, n_W, n_C, f, stride)
    (2, 4, 6, 3, 2, 2),
    (2, 5, 7, 2, 2, 2),   # sizes not divisible: the last row / column is never pooled
    (1, 7, 7, 2, 3, 2),   # overlapping windows
    (2, 6, 5, 1, 3, 1),
]


def _rng(seed=0):
    return np.random.default_rng(seed)


def _conv_arrays(m, n_H, n_W, n_C_prev, f, n_C, seed=0):
    rng = _rng(seed)
    return rng.normal(size=(m, n_H, n_W, n_C_prev)), rng.normal(size=(f, f, n_C_prev, n_C)), \
        rng.normal(size=(1, 1, 1, n_C))


# ------------------------------------------------------------------ the course's functions

def test_zero_pad_and_a_single_step_by_hand():
    X = np.arange(8.0).reshape(2, 2, 2, 1)
    padded = zero_pad(X, 1)
    assert padded.shape == (2, 4, 4, 1) and padded[:, 0].sum() == 0 and np.array_equal(padded[:, 1:3, 1:3], X)
    a = np.arange(18.0).reshape(3, 3, 2)
    W = np.ones((3, 3, 2))
    assert conv_single_step(a, W, np.array([[[-1.0]]])) == a.sum() - 1 == 152.0


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_forward_and_backward_equal_the_course_loops(case):
    m, n_H, n_W, n_C_prev, f, n_C, stride, pad = case
    A, W, b = _conv_arrays(m, n_H, n_W, n_C_prev, f, n_C)
    hp = {"stride": stride, "pad": pad}
    Z, cache = conv_forward(A, W, b, hp)
    Z_loops, _ = conv_forward_loops(A, W, b, hp)
    assert Z.shape == (m, output_size(n_H, f, pad, stride), output_size(n_W, f, pad, stride), n_C)
    np.testing.assert_allclose(Z, Z_loops, rtol=1e-12, atol=1e-12)
    dZ = _rng(1).normal(size=Z.shape)
    for fast, slow in zip(conv_backward(dZ, cache), conv_backward_loops(dZ, cache)):
        assert fast.shape == slow.shape
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CONV_CASES[:3])
def test_conv_backward_matches_central_differences_in_float64(case):
    m, n_H, n_W, n_C_prev, f, n_C, stride, pad = case
    A, W, b = _conv_arrays(m, n_H, n_W, n_C_prev, f, n_C, seed=2)
    hp = {"stride": stride, "pad": pad}
    Z, cache = conv_forward(A, W, b, hp)
    dZ = _rng(3).normal(size=Z.shape)
    dA, dW, db = conv_backward(dZ, cache)
    for name, array, grad in (("A_prev", A, dA), ("W", W, dW), ("b", b, db)):
        numerical = numerical_gradient(lambda: np.sum(dZ * conv_forward(A, W, b, hp)[0]), array)
        np.testing.assert_allclose(grad, numerical, rtol=1e-6, atol=1e-8, err_msg=name)


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("case", POOL_CASES)
def test_pooling_equals_the_course_loops_and_central_differences(case, mode):
    m, n_H, n_W, n_C, f, stride = case
    A = _rng(4).normal(size=(m, n_H, n_W, n_C))
    hp = {"f": f, "stride": stride}
    out, cache = pool_forward(A, hp, mode)
    out_loops, _ = pool_forward_loops(A, hp, mode)
    np.testing.assert_allclose(out, out_loops, rtol=1e-14, atol=1e-14)
    dA = _rng(5).normal(size=out.shape)
    dA_prev = pool_backward(dA, cache, mode)
    np.testing.assert_allclose(dA_prev, pool_backward_loops(dA, cache, mode), rtol=1e-14, atol=1e-14)
    numerical = numerical_gradient(lambda: np.sum(dA * pool_forward(A, hp, mode)[0]), A)
    np.testing.assert_allclose(dA_prev, numerical, rtol=1e-6, atol=1e-8)


def test_max_pooling_sends_a_tied_window_s_gradient_to_every_maximum_as_the_course_does():
    A = np.array([[1.0, 3.0], [3.0, 0.0]]).reshape(1, 2, 2, 1)
    _, cache = pool_forward(A, {"f": 2, "stride": 2})
    dA_prev = pool_backward(np.full((1, 1, 1, 1), 2.0), cache)
    assert dA_prev.ravel().tolist() == [0.0, 2.0, 2.0, 0.0]
    assert create_mask_from_window(A[0, :, :, 0]).tolist() == [[False, True], [True, False]]
    assert np.array_equal(distribute_value(2.0, (2, 2)), np.full((2, 2), 0.5))


@pytest.mark.parametrize("call, match", [
    (lambda A, W, b: conv_forward(A[0], W, b, {"stride": 1, "pad": 0}), r"conv_forward: expected A_prev a 4-D"),
    (lambda A, W, b: conv_forward(A, W, b, {"stride": 1}), r"expected hparameters a dict with keys \['stride', 'pad'\]"),
    (lambda A, W, b: conv_forward(A, W, b, {"stride": 0, "pad": 0}), r"hparameters\['stride'\] a whole number >= 1"),
    (lambda A, W, b: conv_forward(A, W[:, :, :1], b, {"stride": 1, "pad": 0}), r"expected W of shape \(f, f, n_C_prev = 3"),
    (lambda A, W, b: conv_forward(A, W, b[..., :1], {"stride": 1, "pad": 0}), r"expected b of shape \(1, 1, 1, 4\)"),
    (lambda A, W, b: conv_forward(A[:, :2, :2], W, b, {"stride": 1, "pad": 0}), r"does not fit images of 2 x 2"),
    (lambda A, W, b: pool_forward(A, {"f": 2, "stride": 2}, "min"), r"expected mode 'max' or 'average', got 'min'"),
    (lambda A, W, b: pool_forward(A, {"f": 9, "stride": 1}), r"a 9 x 9 window does not fit images of 5 x 7"),
    (lambda A, W, b: conv_backward(np.zeros((2, 4, 7, 4)), conv_forward(A, W, b, {"stride": 1, "pad": 1})[1]),
     r"conv_backward: expected dZ of Z's shape \(2, 5, 7, 4\), got \(2, 4, 7, 4\)"),
    (lambda A, W, b: pool_backward(np.zeros((2, 2, 2, 3)), pool_forward(A, {"f": 2, "stride": 2})[1]),
     r"pool_backward: expected dA of the pooled output's shape \(2, 2, 3, 3\), got \(2, 2, 2, 3\)"),
    (lambda A, W, b: zero_pad(A, 1.5), r"zero_pad: expected pad a whole number >= 0, got 1.5"),
])
def test_bad_arguments_are_named(call, match):
    A, W, b = _conv_arrays(2, 5, 7, 3, 3, 4)
    with pytest.raises(ValueError, match=match):
        call(A, W, b)


# ------------------------------------------------------------------ the layers

def _image_stack(classes=3, relu_pool=True):
    hidden = [Image(6, 5, 2), Conv2D(3, 3), Activation("relu"), Pool2D(2), Conv2D(4, 3, stride=1, pad=1),
              Activation("relu") if relu_pool else Activation("tanh"), Pool2D(2, 1), Flatten()]
    return Stack([*hidden, Dense(classes), Activation("softmax" if classes > 2 else "sigmoid")], 60)


def _pictures(m=7, n_x=60, classes=3, seed=0, dtype=np.float64):
    rng = _rng(seed)
    X = rng.normal(size=(n_x, m)).astype(dtype)
    labels = rng.integers(0, classes, m)
    return X, np.eye(classes, dtype=dtype)[:, labels], labels


def test_a_conv_layer_computes_the_course_s_conv_forward_and_backward():
    X, _, _ = _pictures()
    images = X.T.reshape(7, 6, 5, 2)  # what Image(6, 5, 2) means: each column is one image, row-major
    layer = Conv2D(3, 3, stride=2, pad=1)
    W, b = _rng(1).normal(size=(3, 3, 2, 3)), _rng(2).normal(size=(1, 1, 1, 3))
    maps, _ = Image(6, 5, 2).forward(X, None, None, True, None)
    Z, cache = layer.forward(maps, {"W": W, "b": b}, None, True, None)
    Z_course, course_cache = conv_forward(images, W, b, {"stride": 2, "pad": 1})
    np.testing.assert_allclose(Z.transpose(1, 2, 3, 0), Z_course, rtol=1e-13, atol=1e-13)
    dZ = _rng(3).normal(size=Z_course.shape)
    dA, grads = layer.backward(np.ascontiguousarray(dZ.transpose(3, 0, 1, 2)), cache)
    dA_course, dW, db = conv_backward(dZ, course_cache)
    np.testing.assert_allclose(dA.transpose(1, 2, 3, 0), dA_course, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(grads["W"], dW / 7, rtol=1e-13)   # the layer's: the mean cost's gradients
    np.testing.assert_allclose(grads["b"], db / 7, rtol=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_relu_before_a_max_pooling_runs_after_it_with_the_same_numbers_to_the_last_bit(dtype):
    X, Y, _ = _pictures(m=9, dtype=dtype)
    stack = _image_stack()
    assert [layer.kind for layer, *_ in stack._order[1:4]] == ["conv", "pool", "activation"]
    params, state = stack.init("he", seed=3, dtype=dtype)
    cost, AL, grads = stack._gradients(X, Y, params, state, None)   # the whole batch at once
    # the listed order, walked by hand
    A, caches = X, []
    for layer, trainable, _ in stack._plan[:-1]:
        A, cache = layer.forward(A, {k: params[g] for k, g in trainable}, None, True, None)
        caches.append((layer, trainable, cache))
    AL_listed, _ = stack.layers[-1].forward(A, None, None, True, None)
    dZ, listed = AL_listed - Y, {}
    for i in range(len(caches) - 1, -1, -1):
        layer, trainable, cache = caches[i]
        dZ, local = layer.backward(dZ, cache, need_input=i > 0)
        listed.update({"d" + g: local[k] for k, g in trainable})
    assert np.array_equal(AL, AL_listed) and grads.keys() == listed.keys()
    assert all(np.array_equal(grads[k], listed[k]) for k in grads)


def test_test_mode_runs_in_chunks_with_the_same_numbers(monkeypatch):
    X, _, _ = _pictures(m=11)
    stack = _image_stack()
    params, state = stack.init("he", seed=1, dtype=np.float64)
    whole = stack.forward(X, params, state)
    monkeypatch.setattr(stack_module, "TEST_CHUNK", 4)
    ZL, AL, caches = stack.forward(X, params, state)
    assert caches is None and np.array_equal(ZL, whole[0]) and np.array_equal(AL, whole[1])


@pytest.mark.parametrize("layers, match", [
    ([Image(6, 5, 2), Conv2D(3), Dense(4)], r"layers\[2\]: a Dense layer takes columns, got feature maps \(6, 5, 3\): put Flatten\(\)"),
    ([Image(6, 5, 2), Flatten(), Conv2D(3)], r"layers\[2\]: Conv2D works on feature maps .* got columns of 60 units: it goes after Image"),
    ([Dense(4), Image(2, 2, 1)], r"layers\[1\]: Image\(...\) .* can only be the first layer"),
    ([Image(6, 6, 2), Flatten()], r"layers\[0\]: Image: 6 x 6 x 2 = 72 inputs per example, but X has 60 rows"),
    ([Image(6, 5, 2), Pool2D(2), Pool2D(2), Pool2D(2)], r"layers\[3\]: Pool2D: a 2 x 2 window does not fit maps of 1 x 1"),
    ([Image(6, 5, 2), Conv2D(3, 7, pad=0)], r"layers\[1\]: Conv2D: a 7 x 7 filter does not fit maps of 6 x 5"),
])
def test_misplaced_layers_are_named_with_the_fix(layers, match):
    with pytest.raises(ValueError, match=match):
        Stack([*layers, Flatten(), Dense(2), Activation("softmax")] if not isinstance(layers[-1], Flatten) else
              [*layers, Dense(2), Activation("softmax")], 60)


@pytest.mark.parametrize("settings, match", [
    (dict(filters=0), r"Conv2D: expected filters a whole number >= 1, got 0"),
    (dict(filters=4, size=2), r"pad='same' needs an odd size and stride 1"),
    (dict(filters=4, pad=-1), r"expected pad \(or 'same'\) a whole number >= 0, got -1"),
    (dict(filters=4, stride=1.5, pad=0), r"expected stride a whole number >= 1, got 1.5"),
    (dict(filters=4, pad=3), r"expected pad at most size - 1 = 2 .* got 3"),
    (dict(filters=4, pad=np.array([1, 2])), r"expected pad \(or 'same'\) a whole number >= 0, got array"),
])
def test_bad_conv_settings_are_named(settings, match):
    with pytest.raises(ValueError, match=match):
        Conv2D(**settings)


def test_pool_and_image_settings_are_checked():
    with pytest.raises(ValueError, match=r"Pool2D: expected mode 'max' or 'average', got 'min'"):
        Pool2D(2, mode="min")
    with pytest.raises(ValueError, match=r"Image: expected channels a whole number >= 1, got 0"):
        Image(4, 4, 0)
    assert Pool2D(3).stride == 3 and Conv2D(8).padding == 1 and Conv2D(8, 5).padding == 2


def _cat_photos(m=12, size=8, seed=0):
    rng = _rng(seed)
    images = rng.integers(0, 256, (m, size, size, 3), dtype=np.uint8)
    labels = (images[:, :, : size // 2].mean(axis=(1, 2, 3)) > images[:, :, size // 2:].mean(axis=(1, 2, 3)))
    return images, labels.astype(int)


def test_a_cat_cnn_trains_saves_loads_and_predicts_photos(tmp_path):
    images, labels = _cat_photos()
    X = images.reshape(len(images), -1).T / 255.0
    layers = [Image(8, 8, 3), Conv2D(4, 3), Activation("relu"), Pool2D(2), Flatten()]
    model = NeuralNetwork(layers=layers, optimizer="adam", learning_rate=0.01, batch_size=4, epochs=8, seed=2,
                          dtype=np.float64).fit(X, labels)
    assert model.parameters_["W1"].shape == (3, 3, 3, 4) and model.parameters_["b1"].shape == (1, 1, 1, 4)
    assert model.layer_dims_ == [192, 1] and model.history_["cost"][-1] < model.history_["cost"][0]
    path = tmp_path / "cat_cnn.npz"
    model.save(path, preprocessing={"image_size": 8, "channels": 3, "scaling": "unit"})
    loaded = NeuralNetwork.load(path)
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    arrays, metadata = load_parameters(path)
    assert metadata["format_version"] == 2 and metadata["layers"][0] == {"kind": "image", "height": 8, "width": 8,
                                                                         "channels": 3}
    np.testing.assert_allclose(predict_images(images, arrays, metadata), model.predict_proba(X)[0], rtol=1e-12)


def test_a_digits_cnn_learns_from_real_digits():
    from utils.datasets import load_digits
    from utils.preprocessing import images_to_matrix
    digits, labels, _, _ = load_digits(test_fraction=0.2, seed=0)
    X, y = images_to_matrix(digits[:600]), labels[:600]
    layers = [Image(28, 28, 1), Conv2D(4, 3), Activation("relu"), Pool2D(2), Flatten()]
    model = NeuralNetwork(layers=layers, optimizer="adam", learning_rate=0.003, batch_size=32, epochs=3, seed=1,
                          output="softmax", dtype=np.float32).fit(X[:, :500], y[:500])
    assert model.score(X[:, 500:], y[500:]) > 0.6  # ten classes: the majority class is about 0.1


# ------------------------------------------------------------------ looking inside: saliency, feature maps

def test_saliency_is_the_gradient_of_the_class_score_by_central_differences():
    from utils.probes import feature_maps, saliency
    X, _, _ = _pictures(m=5, n_x=60, classes=3, seed=4)
    labels = np.array([0, 1, 2, 0, 1])
    layers = [Image(6, 5, 2), Conv2D(3, 3), Activation("tanh"), Pool2D(2), Flatten()]
    model = NeuralNetwork(layers=layers, epochs=2, learning_rate=0.05, batch_size=5, output="softmax", seed=1,
                          dtype=np.float64).fit(X, labels)
    classes = np.array([0, 2, 1, 1, 0])
    grads = saliency(model, X, classes)
    assert grads.shape == X.shape and np.all(grads >= 0)
    x = X[:, [1]].copy()
    ZL = lambda: model.stack_.forward(x, model.parameters_, model.state_)[0][2, 0]   # class 2's score
    np.testing.assert_allclose(grads[:, 1], np.abs(numerical_gradient(ZL, x)[:, 0]), rtol=1e-6, atol=1e-9)
    maps = feature_maps(model, X, layer=1)
    Z, _ = conv_forward(X.T.reshape(5, 6, 5, 2), model.parameters_["W1"], model.parameters_["b1"],
                        {"stride": 1, "pad": 1})
    np.testing.assert_allclose(maps, Z, rtol=1e-13, atol=1e-13)
    with pytest.raises(ValueError, match=r"layer: expected the index of a layer before the output activation, 0..5, got 6"):
        feature_maps(model, X, 6)
    with pytest.raises(ValueError, match=r"classes: expected 5 whole class indices in 0..2, got int64 \[0 1 2 3 0\]"):
        saliency(model, X, [0, 1, 2, 3, 0])


def test_saliency_of_a_sigmoid_network_runs_in_chunks(monkeypatch):
    from utils.probes import saliency
    images, labels = _cat_photos(m=9)
    X = images.reshape(9, -1).T / 255.0
    model = NeuralNetwork(layers=[Image(8, 8, 3), Conv2D(2, 3), Activation("relu"), Pool2D(2), Flatten()], epochs=1,
                          batch_size=9, seed=1, dtype=np.float64).fit(X, labels)
    whole = saliency(model, X)
    monkeypatch.setattr(stack_module, "TEST_CHUNK", 4)
    assert np.array_equal(saliency(model, X), whole)


@pytest.mark.parametrize("m, parts", [(9, 2), (64, 2), (5, 2), (3, 1)])
def test_a_step_in_parts_gives_the_whole_batch_s_gradients_to_rounding(m, parts, monkeypatch):
    monkeypatch.setattr(stack_module, "PART_NUMBERS", 10 ** 9)   # the smallest number of parts: 2
    X, Y, _ = _pictures(m=m, dtype=np.float64)
    stack = _image_stack()
    assert stack.step_parts(m) == parts
    params, state = stack.init("he", seed=3, dtype=np.float64)
    cost, AL, grads = stack.gradients(X, Y, params, state, lambd=0.3)
    whole_cost, whole_AL, whole_grads = stack._gradients(X, Y, params, state, None)
    whole_cost += sum(0.3 / (2 * m) * np.sum(params[k] ** 2) for k in params if k.startswith("W"))
    np.testing.assert_allclose(cost, whole_cost, rtol=1e-13)
    np.testing.assert_allclose(AL, whole_AL, rtol=1e-13)
    for name, g in whole_grads.items():
        expected = g + (0.3 / m * params[name[1:]] if name.startswith("dW") else 0)
        np.testing.assert_allclose(grads[name], expected, rtol=1e-12, atol=1e-15, err_msg=name)


def test_the_parts_of_a_step_depend_on_the_batch_and_the_layers_only():
    digits = Stack([Image(28, 28, 1), Conv2D(8, 3), Activation("relu"), Pool2D(2), Flatten(), Dense(10),
                    Activation("softmax")], 784)
    photos = Stack([Image(64, 64, 3), Conv2D(16, 3), Activation("relu"), Pool2D(2), Flatten(), Dense(1),
                    Activation("sigmoid")], 12288)
    assert [digits.step_parts(m) for m in (64, 128, 3)] == [2, 2, 1]
    assert [photos.step_parts(m) for m in (32, 64, 2)] == [4, 8, 1]
    assert photos.test_chunk() == 64 and digits.test_chunk() == 256
    from utils.layers import BatchNorm, Dropout
    with_bn = Stack([Image(28, 28, 1), Conv2D(8, 3), Activation("relu"), Flatten(), Dense(4), BatchNorm(),
                     Activation("relu"), Dense(10), Activation("softmax")], 784)
    with_dropout = Stack([Image(28, 28, 1), Conv2D(8, 3), Activation("relu"), Flatten(), Dropout(0.5), Dense(10),
                          Activation("softmax")], 784)
    assert with_bn.step_parts(64) == with_dropout.step_parts(64) == 1   # batch statistics, random masks: whole


def test_a_cnn_clones_counts_its_weights_and_reports_every_layer_s_gradient():
    from utils.probes import gradient_sizes, saliency
    images, labels = _cat_photos(m=10)
    X = images.reshape(10, -1).T / 255.0
    layers = [Image(8, 8, 3), Conv2D(4, 3), Activation("relu"), Pool2D(2), Flatten(), Dense(5), Activation("relu")]
    model = NeuralNetwork(layers=layers, epochs=2, batch_size=5, seed=1, dtype=np.float64).fit(X, labels)
    assert model.stack_.parameter_count() == 3 * 3 * 3 * 4 + 4 + 64 * 5 + 5 + 5 + 1
    assert gradient_sizes(model, X, labels).shape == (3,)   # W1 (the filters), W2, W3
    bare = NeuralNetwork(layers=layers[:5], epochs=1, batch_size=5, seed=1, dtype=np.float64).fit(X, labels)
    clone = NeuralNetwork(**bare.get_params()).fit(X, labels)
    assert np.array_equal(clone.predict_proba(X), bare.predict_proba(X))
    with pytest.raises(ValueError, match=r"classes: a sigmoid output has one score"):
        saliency(model, X, [1] * 10)
    with pytest.raises(ValueError, match=r"expected a fitted NeuralNetwork|not fitted|fit"):
        saliency(NeuralNetwork(layers=layers), X)


def test_a_cnn_with_too_many_weights_is_refused_before_training():
    from utils.checks.values import MAX_PARAMETERS
    X = np.zeros((4 * 4 * 1, 3))
    layers = [Image(4, 4, 1), Conv2D(1, 1, pad=0), Flatten(), Dense(int(MAX_PARAMETERS // 16) + 1)]
    with pytest.raises(ValueError, match=r"layers: expected a network of at most 1e\+08 weights and biases .* for its layers"):
        NeuralNetwork(layers=layers, epochs=1).fit(X, [0, 1, 0])


def test_the_parts_of_a_step_keep_the_caller_s_floating_point_error_handling():
    X, Y, _ = _pictures(m=8)
    stack = _image_stack()
    params, state = stack.init("he", seed=3, dtype=np.float64)
    params = {k: v * 1e200 if k.startswith("W") else v for k, v in params.items()}   # overflows everywhere
    assert stack.step_parts(8) == 2
    with np.errstate(over="ignore", invalid="ignore"):
        cost, _, _ = stack.gradients(X, Y, params, state)   # no RuntimeWarning (an error under pytest.ini)
    assert not np.isfinite(cost)
