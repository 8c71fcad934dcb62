"""What the explorers rely on in the library: the optimiser registry, the loss surfaces, the photo
preprocessing, the filter explorer's maps (the course's convolution and pooling), and the shape of the
utils/explorers/ package itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

import utils.explorers as explorers
from utils.checks import check_optimizer
from utils.conv import conv_forward, pool_forward
from utils.explorers.filters import (KERNEL_PRESETS, WEIGHT_RANGE, filter_maps, load_filter_photos, matching_preset,
                                     pick_photo, to_grey)
from utils.optimizer_surfaces import SURFACES, optimizer_path, optimizer_trajectories, surface_grid
from utils.optimizers import (OPTIMIZERS, initialize_adam, initialize_rmsprop, initialize_velocity,
                              update_parameters_with_adam, update_parameters_with_adamw, update_parameters_with_gd,
                              update_parameters_with_momentum, update_parameters_with_rmsprop)
from utils.preprocessing import fit_preprocessing, fit_standardizer, images_to_matrix, preprocess_images, standardize

EXPLORERS = Path(explorers.__file__).parent


def _network(seed=0):
    rng = np.random.default_rng(seed)
    return ({"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal((3, 1)),
             "W2": rng.standard_normal((1, 3)), "b2": rng.standard_normal((1, 1))},
            {"dW1": rng.standard_normal((3, 4)), "db1": rng.standard_normal((3, 1)),
             "dW2": rng.standard_normal((1, 3)), "db2": rng.standard_normal((1, 1))})


# ------------------------------------------------------------------ the registry

def test_registry_names_are_the_optimizer_names_every_check_accepts():
    assert list(OPTIMIZERS) == ["gd", "momentum", "rmsprop", "adam", "adamw"]
    for name in OPTIMIZERS:
        assert check_optimizer(name) == name
    with pytest.raises(ValueError, match=r"^optimizer: expected one of \('gd', 'momentum', 'rmsprop', 'adam', 'adamw'\)"):
        check_optimizer("sgd")


def test_registry_steps_are_the_course_functions_behind_one_signature():
    parameters, grads = _network()
    hyper = dict(beta=0.8, beta1=0.7, beta2=0.95, epsilon=1e-7, weight_decay=0.3)
    expected = {
        "gd": (update_parameters_with_gd(parameters, grads, 0.1), None),
        "momentum": update_parameters_with_momentum(parameters, grads, initialize_velocity(parameters), 0.8, 0.1),
        "rmsprop": update_parameters_with_rmsprop(parameters, grads, initialize_rmsprop(parameters), 0.95, 0.1, 1e-7),
        "adam": update_parameters_with_adam(parameters, grads, *initialize_adam(parameters), 1, 0.1, 0.7, 0.95,
                                            1e-7),
        "adamw": update_parameters_with_adamw(parameters, grads, *initialize_adam(parameters), 1, 0.1, 0.7, 0.95,
                                              1e-7, 0.3),
    }
    for name, rule in OPTIMIZERS.items():
        new, state = rule.step(parameters, grads, rule.init(parameters), 1, 0.1, **hyper)
        for key in parameters:
            np.testing.assert_array_equal(new[key], expected[name][0][key], err_msg=f"{name} {key}")
    _, (v, s) = OPTIMIZERS["adam"].step(parameters, grads, initialize_adam(parameters), 1, 0.1, **hyper)
    np.testing.assert_array_equal(v["dW1"], expected["adam"][1]["dW1"])
    np.testing.assert_array_equal(s["dW1"], expected["adam"][2]["dW1"])


# ------------------------------------------------------------------ the loss surfaces

def test_surfaces_and_trajectories_are_re_exported_by_the_explorers():
    assert explorers.SURFACES is SURFACES
    assert explorers.optimizer_trajectories is optimizer_trajectories


@pytest.mark.parametrize("surface", list(SURFACES))
def test_surface_gradients_are_the_derivatives_of_the_loss(surface):
    loss_and_grad = SURFACES[surface][0]
    for x, y in [(-1.3, 0.7), (0.4, -1.1), (2.0, 2.0)]:
        _, dx, dy = loss_and_grad(x, y)
        h = 1e-6
        assert dx == pytest.approx((loss_and_grad(x + h, y)[0] - loss_and_grad(x - h, y)[0]) / (2 * h), rel=1e-6)
        assert dy == pytest.approx((loss_and_grad(x, y + h)[0] - loss_and_grad(x, y - h)[0]) / (2 * h), rel=1e-6)


def test_optimizer_path_momentum_follows_the_formula():
    path = optimizer_path("ravine", "momentum", learning_rate=0.1, steps=2, beta=0.9)
    x, y, vx, vy = -9.0, 1.5, 0.0, 0.0
    for t in range(2):
        vx, vy = 0.9 * vx + 0.1 * (0.1 * x), 0.9 * vy + 0.1 * (2 * y)
        x, y = x - 0.1 * vx, y - 0.1 * vy
        assert path[t + 1, :2] == pytest.approx([x, y])


def test_surface_grid_and_unknown_surfaces():
    X, Y, F = surface_grid("saddle", points=5)
    assert X.shape == Y.shape == F.shape == (5, 5)
    assert F[2, 2] == pytest.approx(0.0)  # the saddle point (0, 0) in the middle of [-2.5, 2.5]^2
    with pytest.raises(ValueError, match="surface: expected one of"):
        optimizer_trajectories("bowl", 0.1, 0.9, 0.9, 0.99, 10)


# ------------------------------------------------------------------ photo preprocessing

def test_fit_preprocessing_uses_the_training_photos_only():
    rng = np.random.default_rng(0)
    train, other = (rng.integers(0, 256, (6, 8, 8, 3)).astype(np.uint8) for _ in range(2))
    recipe = fit_preprocessing(train, 8, "standardize")
    stats = fit_standardizer(images_to_matrix(train))
    assert recipe["image_size"] == 8 and recipe["scaling"] == "standardize"
    np.testing.assert_array_equal(recipe["mean"], stats["mean"])
    np.testing.assert_array_equal(preprocess_images(other, recipe), standardize(images_to_matrix(other), stats))
    assert fit_preprocessing(train, 4) == {"image_size": 4, "scaling": "unit"}
    assert fit_preprocessing(train[..., 0], 8) == {"image_size": 8, "scaling": "unit", "channels": 1}
    with pytest.raises(ValueError, match="scaling"):
        fit_preprocessing(train, 8, "minmax")


# ------------------------------------------------------------------ the filter explorer's maps (chapter 7)

def _correlate_same(grey, kernel):
    """The 'same' zero-padded 3 x 3 cross-correlation, written out: the reference `filter_maps` must match."""
    padded = np.pad(grey, 1)
    return np.array([[np.sum(padded[i:i + 3, j:j + 3] * kernel) for j in range(grey.shape[1])]
                     for i in range(grey.shape[0])])


def test_filter_maps_shapes_same_size_then_half():
    photo = np.random.default_rng(0).integers(0, 256, (64, 64, 3)).astype(np.uint8)
    feature, pooled = filter_maps(photo, KERNEL_PRESETS["Sobel vertical"])
    assert feature.shape == (64, 64) and pooled.shape == (32, 32)
    assert feature.dtype == pooled.dtype == np.float64
    feature, pooled = filter_maps(np.zeros((7, 5)), np.ones((3, 3)))  # odd sizes: the last row / column not pooled
    assert feature.shape == (7, 5) and pooled.shape == (3, 2)


def test_filter_maps_vertical_edges_on_a_hand_made_image():
    image = np.array([[1.0, 1.0, 0.0, 0.0]] * 4)  # bright left half, dark right half (grey, floats in [0, 1])
    feature, pooled = filter_maps(image, KERNEL_PRESETS["vertical edges"])
    # Z[i, j] = sum over the rows of the window of (left neighbour - right neighbour), zeros outside the image:
    # 3 rows inside, 2 on the top and bottom rows; column 0 sees the zero padding on its left (a dark-to-bright
    # "edge"), columns 1 and 2 the real edge, column 3 zeros on both sides.
    expected = np.array([[-2, 2, 2, 0], [-3, 3, 3, 0], [-3, 3, 3, 0], [-2, 2, 2, 0]], dtype=float)
    np.testing.assert_allclose(feature, expected, atol=1e-12)
    np.testing.assert_allclose(pooled, [[3, 3], [3, 3]], atol=1e-12)
    feature, pooled = filter_maps(image[:, ::-1], KERNEL_PRESETS["vertical edges"])  # dark left: a negative edge
    np.testing.assert_allclose(feature, [[0, -2, -2, 2], [0, -3, -3, 3], [0, -3, -3, 3], [0, -2, -2, 2]], atol=1e-12)
    np.testing.assert_allclose(pooled, [[0, 3], [0, 3]], atol=1e-12)  # after relu only the padding's "edge" is left


def test_filter_maps_is_the_course_conv_forward_and_pool_forward():
    rng = np.random.default_rng(1)
    photo = rng.integers(0, 256, (6, 8, 3)).astype(np.uint8)
    kernel = rng.standard_normal((3, 3))
    grey = to_grey(photo)
    feature, pooled = filter_maps(photo, kernel, relu=False)
    np.testing.assert_allclose(feature, _correlate_same(grey, kernel), atol=1e-12)  # no flip of the kernel
    Z, _ = conv_forward(grey[None, :, :, None], kernel[:, :, None, None], np.zeros((1, 1, 1, 1)),
                        {"stride": 1, "pad": 1})
    np.testing.assert_array_equal(feature, Z[0, :, :, 0])
    np.testing.assert_array_equal(pooled, pool_forward(Z, {"f": 2, "stride": 2}, "max")[0][0, :, :, 0])
    _, pooled_relu = filter_maps(photo, kernel, relu=True)
    np.testing.assert_array_equal(pooled_relu, np.maximum(pooled, 0))  # max-pooling and relu commute


def test_filter_maps_relu_keeps_only_positive_responses():
    image = np.full((4, 4), 0.5)
    _, pooled = filter_maps(image, -KERNEL_PRESETS["identity"], relu=False)
    np.testing.assert_allclose(pooled, np.full((2, 2), -0.5))
    _, pooled = filter_maps(image, -KERNEL_PRESETS["identity"])
    np.testing.assert_array_equal(pooled, np.zeros((2, 2)))


def test_to_grey_uses_the_luma_weights_and_scales_uint8():
    photo = np.zeros((2, 3, 3), np.uint8)
    photo[0, 0] = (255, 255, 255)
    photo[0, 1] = (255, 0, 0)
    photo[0, 2] = (0, 255, 0)
    grey = to_grey(photo)
    assert grey.shape == (2, 3)
    np.testing.assert_allclose(grey[0], [1.0, 0.299, 0.587])
    np.testing.assert_array_equal(to_grey(np.full((2, 2), 0.25)), np.full((2, 2), 0.25))


def test_kernel_presets_are_3_by_3_finite_read_only_and_fit_the_sliders():
    for name in ("identity", "vertical edges", "horizontal edges", "Sobel vertical", "Sobel horizontal",
                 "blur (box)", "blur (Gaussian)", "sharpen"):
        assert name in KERNEL_PRESETS
    for name, kernel in KERNEL_PRESETS.items():
        assert kernel.shape == (3, 3) and kernel.dtype == np.float64, name
        assert np.isfinite(kernel).all(), name
        assert WEIGHT_RANGE[0] <= kernel.min() and kernel.max() <= WEIGHT_RANGE[1], name
        assert not kernel.flags.writeable, name
        assert matching_preset(kernel) == name
    assert matching_preset(np.full((3, 3), 0.3)) == "custom"
    assert matching_preset(KERNEL_PRESETS["blur (box)"].round(2)) == "blur (box)"  # 0.11 on the sliders


def test_kernel_presets_do_what_their_names_say():
    rng = np.random.default_rng(2)
    image = rng.random((8, 8))
    feature, _ = filter_maps(image, KERNEL_PRESETS["identity"])
    np.testing.assert_array_equal(feature, image)
    flat = np.full((8, 8), 0.7)
    for name in ("blur (box)", "blur (Gaussian)", "sharpen"):  # weights summing to 1 keep a flat grey as it is
        np.testing.assert_allclose(filter_maps(flat, KERNEL_PRESETS[name])[0][1:-1, 1:-1], 0.7, err_msg=name)
    edges = ("vertical edges", "horizontal edges", "Sobel vertical", "Sobel horizontal", "Laplacian (all edges)")
    for name in edges:  # weights summing to 0: an edge detector sees nothing in a flat grey (inside the border)
        np.testing.assert_allclose(filter_maps(flat, KERNEL_PRESETS[name])[0][1:-1, 1:-1], 0, atol=1e-12,
                                   err_msg=name)
    stripes = np.tile([[0.0], [0.0], [1.0], [1.0]], (2, 8))  # horizontal stripes, two pixels high
    assert np.abs(filter_maps(stripes, KERNEL_PRESETS["vertical edges"])[0][1:-1, 1:-1]).max() < 1e-12
    assert np.abs(filter_maps(stripes, KERNEL_PRESETS["horizontal edges"])[0][1:-1, 1:-1]).max() == pytest.approx(3)


@pytest.mark.parametrize("kernel, message", [
    (np.ones((2, 2)), r"kernel: expected a 3 x 3 array of numbers, got shape \(2, 2\)"),
    (np.ones((3, 3, 1)), r"kernel: expected a 3 x 3 array of numbers, got shape \(3, 3, 1\)"),
    ([1, 0, -1], r"kernel: expected a 3 x 3 array of numbers, got shape \(3,\)"),
    ([[1, 0], [1, 0, -1], [1]], r"kernel: expected a 3 x 3 array of numbers, got list"),
    ("sobel", r"kernel: expected a 3 x 3 array of numbers, got str"),
    (np.array([[np.nan, 0, 0], [0, 1, 0], [0, 0, 0]]), r"kernel: expected finite numbers, got NaN or infinity"),
])
def test_filter_maps_names_a_bad_kernel(kernel, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        filter_maps(np.zeros((4, 4)), kernel)


@pytest.mark.parametrize("image", [np.zeros((4, 4, 4)), np.zeros(16), np.zeros((1, 5, 3)),
                                   np.array([["a", "b"], ["c", "d"]]), np.full((2, 2), np.inf)])
def test_filter_maps_names_a_bad_image(image):
    with pytest.raises(ValueError, match="^image: expected"):
        filter_maps(image, KERNEL_PRESETS["identity"])


def test_pick_photo_names_a_photo_number_out_of_range_and_an_unknown_split():
    photos = {"train": (np.zeros((3, 4, 4, 3), np.uint8), np.array([0, 1, 0])),
              "test": (np.zeros((2, 4, 4, 3), np.uint8), np.array([1, 1]))}
    image, label = pick_photo(photos, "train", 1)
    assert image.shape == (4, 4, 3) and label == 1
    assert pick_photo(photos, "test", np.int64(1))[1] == 1
    for bad in (3, -1, 1.0, True, "0", None):
        with pytest.raises(ValueError, match=r"^index: expected a photo number from 0 to 2 of the 3 train photos, "
                                             rf"got {re.escape(repr(bad))}$"):
            pick_photo(photos, "train", bad)
    with pytest.raises(ValueError, match=r"^split: expected one of \['train', 'test'\], got 'val'$"):
        pick_photo(photos, "val", 0)


def test_load_filter_photos_are_the_course_catvnoncat_photos():
    photos = load_filter_photos()
    assert list(photos) == ["train", "test"]
    (train, train_labels), (test, test_labels) = photos["train"], photos["test"]
    assert train.shape == (209, 64, 64, 3) and test.shape == (50, 64, 64, 3) and train.dtype == np.uint8
    assert train_labels.shape == (209,) and int(train_labels.sum()) == 72 and int(test_labels.sum()) == 33
    with pytest.raises(ValueError, match="index: expected a photo number from 0 to 49 of the 50 test photos, got 50"):
        pick_photo(photos, "test", 50)


# ------------------------------------------------------------------ the package's shape (issue #15)

@pytest.mark.parametrize("module", sorted(EXPLORERS.glob("*.py")), ids=lambda p: p.name)
def test_explorer_modules_and_functions_stay_small(module):
    source = module.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 400
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno - node.lineno + 1 <= 60, f"{module.name}: {node.name} is too long"


@pytest.mark.parametrize("name", ["PlanarExplorer", "OptimizerExplorer", "CatsExplorer", "PhotoExplorer",
                                  "CourseExplorer", "FilterExplorer"])
def test_each_explorer_is_a_class_of_its_own_module(name):
    cls = getattr(explorers, name)
    assert issubclass(cls, explorers.Explorer)
    assert cls.__module__ != explorers.Explorer.__module__
    assert cls.__doc__ and "Members" in cls.__doc__  # its attributes are documented
