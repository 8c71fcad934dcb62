"""Notebook helpers: show the library's own code where the notebook explains it."""

from __future__ import annotations

import inspect

from IPython.display import Code


def show_source(obj) -> Code:
    """Return the source of a `utils` function (or class) as highlighted code.

    Displaying it in a notebook shows the learner exactly the code that runs
    when the notebook calls `obj`, read from the library file itself.
    """
    try:
        source = inspect.getsource(obj)
    except (TypeError, OSError) as error:
        raise ValueError(f"obj: expected a function or class defined in a source file, got {obj!r} ({error})") from None
    return Code(source, language="python")
