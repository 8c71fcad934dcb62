import pytest

from utils.display import show_source
from utils.preprocessing import images_to_matrix


def test_show_source_is_the_function_file_text():
    code = show_source(images_to_matrix)
    assert code.data.startswith("def images_to_matrix(")
    assert "reshape(m, -1).T / 255.0" in code.data
    assert "highlight" in code._repr_html_()


def test_show_source_refuses_objects_without_source():
    with pytest.raises(ValueError, match="obj: expected a function or class"):
        show_source(42)


def test_show_source_of_a_module_level_registry():
    import utils.initializers as initializers
    from utils.display import show_source
    shown = show_source(initializers, "INITIALIZERS").data
    assert shown.startswith("#: method -> the factor") and "INITIALIZERS = {" in shown
    assert '"he": lambda n_prev, n, scale: np.sqrt(2.0 / n_prev),' in shown and shown.rstrip().endswith("}")
    with pytest.raises(ValueError, match=r"^name: expected a module-level assignment in 'utils.initializers', got 'NOPE'"):
        show_source(initializers, "NOPE")


def test_print_table_aligns_columns(capsys):
    from utils.display import print_table
    print_table(["optimiser", "val. acc."], [["gd", "63.8 ± 1.0"], ["adam", "81.4 ± 1.3"]])
    assert capsys.readouterr().out.splitlines() == [
        "optimiser   val. acc.", "---------  ----------", "gd         63.8 ± 1.0", "adam       81.4 ± 1.3"]
    with pytest.raises(ValueError, match=r"rows: expected 2 values per row \(one per header\), got rows of \[1\]"):
        print_table(["a", "b"], [["only one"]])
