"""Project-wide pytest configuration.

`utils/` is imported from the project root (pytest.ini's `pythonpath = .`), so tests and notebooks import it the
same way a learner's notebook does. Every nbval item (a notebook cell) gets the `notebook` marker, so
`-m "notebook or accuracy"` selects the notebooks and the accuracy tests (what .ci/run reruns under a forced
BLAS kernel).
"""
import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
