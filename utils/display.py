"""Notebook helpers: show the library's own code where the notebook explains it; print aligned tables."""

from __future__ import annotations

import ast
import inspect

from IPython.display import Code


def show_source(obj, name: str | None = None) -> Code:
    """Return the source of a `utils` function (or class) as highlighted code.

    Displaying it in a notebook shows the learner exactly the code that runs
    when the notebook calls `obj`, read from the library file itself.
    With `name`, `obj` is a module and what is shown is its module-level
    assignment `name = ...` (a registry, say), with the comment lines above it.
    """
    try:
        source = inspect.getsource(obj)
    except (TypeError, OSError) as error:
        raise ValueError(f"obj: expected a function or class defined in a source file, got {obj!r} ({error})") from None
    if name is not None:
        source = _assignment_source(source, name, obj)
    return Code(source, language="python")


def _assignment_source(source: str, name: str, module) -> str:
    """The lines of `source` that assign `name` at module level, with the comments just above."""
    lines = source.splitlines()
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            start = node.lineno - 1
            while start > 0 and lines[start - 1].lstrip().startswith("#"):
                start -= 1
            return "\n".join(lines[start:node.end_lineno])
    raise ValueError(f"name: expected a module-level assignment in {getattr(module, '__name__', module)!r}, "
                     f"got {name!r}")


def print_table(headers, rows):
    """Print `rows` (lists of values) under `headers`, columns aligned: the first left, the others right."""
    rows = [[str(x) for x in row] for row in rows]
    headers = [str(x) for x in headers]
    if any(len(row) != len(headers) for row in rows):
        raise ValueError(f"rows: expected {len(headers)} values per row (one per header), got rows of "
                         f"{sorted({len(row) for row in rows})}")
    widths = [max(len(x) for x in column) for column in zip(headers, *rows)]
    for i, row in enumerate([headers, *rows]):
        print("  ".join(x.rjust(w) if j else x.ljust(w) for j, (x, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
