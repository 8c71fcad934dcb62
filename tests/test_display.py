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
