"""The explanation figures are drawn by the project's code: check what they draw."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from explanations_utils import draw_architecture, save_all_figures  # noqa: E402
from explanations_utils.architecture import _drawn_units  # noqa: E402


def test_wide_layers_are_elided_but_labelled_with_their_true_size():
    ax = draw_architecture([12288, 20, 7, 5, 1])
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    # 12288 and 20 are drawn as 8 units + an ellipsis; 7, 5 and 1 in full.
    assert len(circles) == 8 + 8 + 7 + 5 + 1
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "12288" in texts and "(20, 12288)" in texts and "sigmoid" in texts
    plt.close(ax.figure)


def test_drawn_units_keep_first_and_last():
    assert _drawn_units(5, 9) == [0, 1, 2, 3, 4]
    assert _drawn_units(100, 9) == [0, 1, 2, 3, None, 96, 97, 98, 99]


@pytest.mark.parametrize("dims, activations, message", [
    ([5], None, "layer_dims"),
    ([5, 0, 1], None, "layer_dims"),
    ([5, 3, 1], ["relu"], "activations: expected 2 names"),
])
def test_bad_input(dims, activations, message):
    with pytest.raises(ValueError, match=message):
        draw_architecture(dims, activations)


def test_save_all_figures(tmp_path):
    paths = save_all_figures(tmp_path)
    assert [p.name for p in paths] == ["architecture_4_layer.png", "architecture_2_layer.png"]
    assert all(p.stat().st_size > 10_000 for p in paths)
