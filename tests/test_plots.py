"""Plots return titled, labelled matplotlib objects (Agg backend, nothing shown)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import plot_costs  # noqa: E402
from utils.plots import (plot_accuracy_curves, plot_confusion_matrix, plot_cost_curve,  # noqa: E402
                         plot_decision_boundary, plot_first_layer_weights, plot_image_grid)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def assert_labelled(ax):
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_plot_costs_course_style():
    ax = plot_costs([0.7, 0.5, 0.3], 0.0075)
    assert_labelled(ax)
    assert "0.0075" in ax.get_title() and "nats" in ax.get_ylabel()
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [0, 100, 200])
    np.testing.assert_allclose(y, [0.7, 0.5, 0.3])
    assert ax.get_legend() is not None


def test_cost_curve_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_cost_curve([1.0, 0.5], ax=ax, label="lr 0.1") is ax
    assert ax.get_legend().get_texts()[0].get_text() == "lr 0.1"


def test_accuracy_curves_train_and_validation_in_percent():
    ax = plot_accuracy_curves({"train_accuracy": [0.5, 0.9], "val_accuracy": [0.4, 0.8]})
    assert_labelled(ax)
    assert "%" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [40, 80])
    assert len(plot_accuracy_curves({"train_accuracy": [0.5], "val_accuracy": []}).lines) == 1


def test_decision_boundary():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 40))
    Y = (X[0:1] > 0).astype(int)
    ax = plot_decision_boundary(lambda P: (P[0] > 0).astype(int), X, Y, resolution=50)
    assert_labelled(ax)
    assert len(ax.collections) >= 2 and ax.get_legend() is not None
    with pytest.raises(ValueError, match=r"X: expected 2-D points of shape \(2, m\), got \(3, 40\)"):
        plot_decision_boundary(lambda P: P[0] > 0, np.zeros((3, 40)), Y)


def test_image_grid_titles_and_wrong_predictions_in_red():
    images = np.random.default_rng(0).integers(0, 256, (6, 8, 8, 3), dtype=np.uint8)
    fig = plot_image_grid(images, np.array([[1, 0, 1, 0, 1, 0]]), np.array([[1, 0, 0, 0, 1, 1]]), ncols=3)
    axes = [ax for ax in fig.axes if ax.images]
    assert len(axes) == 6
    assert axes[0].get_title() == "label: cat\npredicted: cat"
    assert axes[2].title.get_color() == "red" and axes[0].title.get_color() == "black"
    assert fig._suptitle.get_text()


def test_confusion_matrix_plot():
    ax = plot_confusion_matrix(np.array([[5, 1], [2, 7]]), ["non-cat", "cat"])
    assert_labelled(ax)
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "5", "7"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["non-cat", "cat"]


def test_accuracy_curves_accept_arrays_reloaded_from_npz():
    history = {"train_accuracy": np.array([0.5, 0.75, 1.0]), "val_accuracy": np.array([0.5, 0.5, 0.75])}
    ax = plot_accuracy_curves(history, val_label="test")
    (train, test) = ax.get_lines()
    assert list(train.get_xdata()) == [1, 2, 3]
    assert list(test.get_ydata()) == [50.0, 50.0, 75.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "test"]


def test_image_grid_adds_one_caption_per_photo():
    images = np.zeros((3, 4, 4, 3), dtype=np.uint8)
    fig = plot_image_grid(images, np.array([[1, 0, 1]]), captions=["P(cat) = 0.90", "P(cat) = 0.10", "x"])
    axes = [ax for ax in fig.axes if ax.images]
    assert axes[0].get_title() == "label: cat\nP(cat) = 0.90"
    with pytest.raises(ValueError, match=r"captions: expected 3 strings \(one per image\)"):
        plot_image_grid(images, np.array([[1, 0, 1]]), captions=["only one"])


def test_image_grid_draws_grey_pictures_as_dark_ink_on_white():
    images = np.zeros((2, 5, 5), dtype=np.uint8)
    images[:, 2, 2] = 255
    fig = plot_image_grid(images, np.array([3, 7]), class_names=[str(d) for d in range(10)], ncols=2)
    picture = [ax for ax in fig.axes if ax.images][0].images[0]
    assert picture.get_cmap().name == "gray_r" and picture.get_clim() == (0, 255)


def test_first_layer_weights_one_picture_per_unit_reshaped_row_by_row():
    W1 = np.zeros((3, 12))
    W1[1, 5] = -2.0   # unit 2, pixel 5 = (row 1, column 2) of a 4 x 3 picture read row by row
    W1[1, 0] = 1.0
    fig = plot_first_layer_weights(W1, (4, 3), ncols=2)
    drawn = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in drawn] == ["unit 1", "unit 2", "unit 3"]
    picture = drawn[1].images[0]
    data = np.asarray(picture.get_array())
    assert data.shape == (4, 3) and data[1, 2] == -2.0 and data[0, 0] == 1.0
    assert picture.get_clim() == (-2.0, 2.0)   # symmetric around 0: white where the weight is 0
    assert fig._suptitle.get_text()


def test_first_layer_weights_refuses_a_shape_that_does_not_match():
    with pytest.raises(ValueError, match=r"image_shape: expected \(H, W\) with H \* W = 12"):
        plot_first_layer_weights(np.zeros((3, 12)), (28, 28))
    with pytest.raises(ValueError, match=r"units: expected indices of units in 0..2"):
        plot_first_layer_weights(np.zeros((3, 12)), (4, 3), units=[3])


def test_plot_band_draws_the_mean_and_a_band_of_one_standard_deviation():
    from utils.plots import plot_band
    fig, ax = plt.subplots()
    curves = np.array([[1.0, 2.0, 4.0], [3.0, 4.0, 8.0]])
    line = plot_band(ax, [1, 2, 3], curves, "gd")
    assert line.get_ydata().tolist() == [2.0, 3.0, 6.0] and line.get_label() == "gd"
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    sd = np.std(curves, axis=0, ddof=1)
    assert np.isclose(band.min(), 2.0 - sd[0]) and np.isclose(band.max(), 6.0 + sd[2])
    log_line = plot_band(ax, [1, 2, 3], curves, "log", log=True)
    assert np.allclose(log_line.get_ydata(), np.sqrt(curves[0] * curves[1]))   # the geometric mean
    with pytest.raises(ValueError, match=r"curves: expected \(n_seeds, 2\)"):
        plot_band(ax, [1, 2], curves, "wrong x")
    with pytest.raises(ValueError, match="expected positive values with log=True"):
        plot_band(ax, [1, 2, 3], curves - 2, "log of negatives", log=True)
    plt.close(fig)
