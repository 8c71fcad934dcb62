"""Metrics against hand-counted examples."""

import numpy as np
import pytest

from utils.metrics import accuracy, confusion_matrix, f1_score, precision, recall

# TP = 3 (idx 0, 1, 4), FN = 1 (idx 2), FP = 2 (idx 5, 6), TN = 2 (idx 3, 7)
Y_TRUE = np.array([[1, 1, 1, 0, 1, 0, 0, 0]])
Y_PRED = np.array([[1, 1, 0, 0, 1, 1, 1, 0]])


def test_binary_metrics_by_hand():
    assert accuracy(Y_TRUE, Y_PRED) == 5 / 8
    assert precision(Y_TRUE, Y_PRED) == 3 / 5
    assert recall(Y_TRUE, Y_PRED) == 3 / 4
    assert f1_score(Y_TRUE, Y_PRED) == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    np.testing.assert_array_equal(confusion_matrix(Y_TRUE, Y_PRED), [[2, 2], [1, 3]])


def test_shapes_m_and_1_m_are_interchangeable():
    assert accuracy(Y_TRUE.ravel(), Y_PRED) == accuracy(Y_TRUE, Y_PRED.ravel())


def test_multiclass_confusion_matrix_and_macro_scores():
    y_true = np.array([0, 0, 1, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0, 2])
    cm = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 2, 0], [1, 0, 2]])
    # per class precision 1/2, 2/3, 1; recall 1/2, 1, 2/3
    assert precision(y_true, y_pred, average="macro") == pytest.approx((1 / 2 + 2 / 3 + 1) / 3)
    assert recall(y_true, y_pred, average="macro") == pytest.approx((1 / 2 + 1 + 2 / 3) / 3)
    f1s = [0.5, 0.8, 0.8]
    assert f1_score(y_true, y_pred, average="macro") == pytest.approx(np.mean(f1s))
    one_hot_true = np.eye(3)[:, y_true]
    assert accuracy(one_hot_true, y_pred) == pytest.approx(5 / 7)
    assert confusion_matrix(y_true, y_pred, num_classes=4).shape == (4, 4)


def test_no_positive_prediction_gives_zero_not_nan():
    assert precision([1, 0, 1], [0, 0, 0]) == 0.0
    assert f1_score([1, 0, 1], [0, 0, 0]) == 0.0
    assert recall([0, 0], [0, 0]) == 0.0


def test_mismatched_lengths_and_bad_average():
    with pytest.raises(ValueError, match=r"y_pred: expected 8 labels to match y_true, got 7"):
        accuracy(Y_TRUE, Y_PRED[:, :7])
    with pytest.raises(ValueError, match=r"average: expected 'binary' or 'macro', got 'micro'"):
        precision(Y_TRUE, Y_PRED, average="micro")
    with pytest.raises(ValueError, match=r"num_classes: expected more than the largest label 2, got 2"):
        confusion_matrix([0, 2], [0, 1], num_classes=2)


def test_a_column_of_labels_is_labels_not_one_hot_example():
    """(m, 1) is m labels (issue #12): one-hot needs C >= 2 rows and m >= 2 columns of 0/1 summing to 1."""
    y_true, y_pred = [[1], [0], [0], [0]], [[1], [1], [1], [1]]
    assert accuracy(y_true, y_pred) == 0.25
    assert precision(y_true, y_pred) == 0.25 and recall(y_true, y_pred) == 1.0
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred), [[0, 3], [0, 1]])
    assert accuracy([[0], [0], [1]], [2]) == 1.0  # against a single label, a column is one one-hot example


@pytest.mark.parametrize("call, message", [
    (lambda: accuracy(["cat", "dog"], [0, 1]), r"^y_true: expected real numbers"),
    (lambda: accuracy([0, 1], [0.2, 0.9]), r"^y_pred: expected integer class labels 0\.\.C-1, got values \[0\.2, 0\.9\]"),
    (lambda: accuracy(np.full((2, 3), 0.5), [0, 1, 1]), r"^y_true: expected one-hot labels of shape \(C, m\)"),
    (lambda: precision([0, 10 ** 9], [0, 1]), r"^y_true: expected class labels 0\.\.C-1 with at most 10000 classes"),
    (lambda: confusion_matrix([0, -1], [0, 1]), r"^y_true: expected class labels 0\.\.C-1, got values \[-1, 0\]"),
])
def test_bad_labels_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_majority_baseline_is_the_best_constant_answer_on_the_examples_scored():
    from utils.metrics import format_baseline, majority_baseline

    y = np.array([[0, 1, 1, 0, 0]])
    assert majority_baseline(y) == (0, 0.6)
    assert majority_baseline(y, ["non-cat", "cat"]) == ("non-cat", 0.6)
    assert majority_baseline([1, 1, 0]) == (1, 2 / 3)
    assert majority_baseline(np.eye(3)[:, [2, 2, 1, 0]]) == (2, 0.5)       # one-hot (C, m)
    assert majority_baseline([0, 1]) == (0, 0.5)                           # a tie: the smaller class
    assert format_baseline(y, ["non-cat", "cat"]) == "always answering 'non-cat' would score 60.0% (3 of 5)"
    with pytest.raises(ValueError, match="y_true"):
        majority_baseline([0.5, 1])
