"""utils.preprocessing: the one place photos become matrices."""
import numpy as np
import pytest
from PIL import Image

from utils.preprocessing import (ONE_PIXEL_SHIFTS, augment_with_shifts, check_images, fit_standardizer,
                                 images_to_matrix, mirror_images, preprocess_images, resize_image, resize_images,
                                 shift_images, standardize, to_rgb)

rng = np.random.default_rng(0)


def photos(m=4, size=10):
    return rng.integers(0, 256, size=(m, size, size, 3), dtype=np.uint8)


@pytest.mark.parametrize("mode", ["L", "P", "RGBA", "LA", "CMYK", "RGB"])
def test_to_rgb_converts_every_mode(mode):
    image = Image.new(mode, (5, 3))
    assert to_rgb(image).mode == "RGB"


def test_transparent_pixels_become_white():
    image = Image.new("RGBA", (2, 2), (10, 20, 30, 0))
    assert np.asarray(to_rgb(image)).tolist() == [[[255, 255, 255]] * 2] * 2


def test_resize_keeps_the_whole_photo_and_returns_uint8():
    image = Image.fromarray(np.full((30, 60, 3), 200, dtype=np.uint8))
    out = resize_image(image, 16)
    assert out.shape == (16, 16, 3) and out.dtype == np.uint8
    assert np.all(out == 200)


def test_images_to_matrix_puts_one_photo_per_column_scaled_to_unit():
    images = photos()
    X = images_to_matrix(images)
    assert X.shape == (10 * 10 * 3, 4) and X.dtype == np.float32
    np.testing.assert_allclose(X[:, 2], images[2].reshape(-1) / 255.0, rtol=1e-6)
    assert 0.0 <= X.min() and X.max() <= 1.0


def test_standardize_uses_training_statistics_only():
    X_train = images_to_matrix(photos(50))
    X_test = images_to_matrix(photos(7))
    stats = fit_standardizer(X_train)
    Z_train, Z_test = standardize(X_train, stats), standardize(X_test, stats)
    np.testing.assert_allclose(Z_train.mean(axis=1), 0.0, atol=1e-5)
    np.testing.assert_allclose(Z_train.std(axis=1), 1.0, atol=1e-3)
    np.testing.assert_allclose(Z_test, (X_test - stats["mean"]) / stats["std"], rtol=1e-5)


def test_preprocess_images_applies_the_recorded_steps():
    train, new = photos(20, 12), photos(3, 24)
    X_train = images_to_matrix(train)
    stats = fit_standardizer(X_train)
    recipe = {"image_size": 12, "scaling": "standardize", **stats}
    expected = standardize(images_to_matrix(resize_images(new, 12)), stats)
    np.testing.assert_array_equal(preprocess_images(new, recipe), expected)
    assert preprocess_images(train, {"image_size": 12}).shape == (432, 20)


def test_grey_pictures():
    digits = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    X = preprocess_images(digits, {"image_size": 28, "scaling": "unit", "channels": 1})
    assert X.shape == (784, 5)
    assert resize_images(digits, 14).shape == (5, 14, 14)
    with pytest.raises(ValueError, match="trained on grey pictures"):
        preprocess_images(photos(), {"image_size": 10, "channels": 1})
    with pytest.raises(ValueError, match="trained on colour pictures"):
        preprocess_images(digits, {"image_size": 28})


@pytest.mark.parametrize("images, message", [
    (np.zeros((8, 8, 3), np.uint8), "got one image of shape"),
    (np.zeros((2, 8, 8, 4), np.uint8), r"expected shape \(m, H, W, 3\)"),
    (np.zeros((0, 8, 8, 3), np.uint8), "empty batch"),
    (np.zeros((2, 8, 8, 3), np.float32), "expected dtype uint8"),
])
def test_check_images_names_the_problem(images, message):
    with pytest.raises(ValueError, match=message):
        check_images(images)


@pytest.mark.parametrize("recipe, message", [
    ({"scaling": "unit"}, "expected an 'image_size' entry"),
    ({"image_size": 8, "scaling": "minmax"}, r"preprocessing\['scaling'\]"),
    ({"image_size": 0}, "image_size: expected a positive integer"),
    ({"image_size": 8, "channels": 2}, r"preprocessing\['channels'\]"),
])
def test_bad_recipes(recipe, message):
    with pytest.raises(ValueError, match=message):
        preprocess_images(photos(), recipe)


def test_standardize_refuses_statistics_of_another_shape():
    with pytest.raises(ValueError, match=r"stats: expected mean and std of shape \(300, 1\)"):
        standardize(images_to_matrix(photos()), {"mean": np.zeros((5, 1)), "std": np.ones((5, 1))})
    with pytest.raises(ValueError, match="X_train: expected a 2-D matrix"):
        fit_standardizer(np.zeros((4, 0)))


def test_shift_images_moves_pixels_and_fills_with_background():
    image = np.arange(1, 10, dtype=np.uint8).reshape(1, 3, 3)
    assert shift_images(image, 1, 0)[0].tolist() == [[0, 0, 0], [1, 2, 3], [4, 5, 6]]
    assert shift_images(image, 0, -1)[0].tolist() == [[2, 3, 0], [5, 6, 0], [8, 9, 0]]
    assert shift_images(image, -1, 1)[0].tolist() == [[0, 4, 5], [0, 7, 8], [0, 0, 0]]
    assert shift_images(photos(2, 5), 1, 1).shape == (2, 5, 5, 3)
    with pytest.raises(ValueError, match="dy, dx: expected a shift smaller"):
        shift_images(image, 3, 0)


def test_augment_with_shifts_keeps_the_originals_first_and_repeats_the_labels():
    images = rng.integers(0, 256, size=(4, 6, 6), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1])
    out, out_labels = augment_with_shifts(images, labels)
    assert out.shape == (9 * 4, 6, 6) and out_labels.tolist() == labels.tolist() * 9
    np.testing.assert_array_equal(out[:4], images)
    np.testing.assert_array_equal(out[4:8], shift_images(images, *ONE_PIXEL_SHIFTS[0]))
    with pytest.raises(ValueError, match=r"labels: expected shape \(4,\)"):
        augment_with_shifts(images, labels[:3])


def test_mirror_images_flips_left_to_right_twice_back():
    images = photos(3, 4)
    np.testing.assert_array_equal(mirror_images(images)[:, :, 0], images[:, :, -1])
    np.testing.assert_array_equal(mirror_images(mirror_images(images)), images)
