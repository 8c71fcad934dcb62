"""The exercise notebooks: solutions between markers in the committed notebooks, the learner's versions in
exercises/ generated from them (never stale), every exercise followed by its check, and every learner's
notebook runs top to bottom with every exercise unsolved."""

import ast
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from utils.exercises import CHECKS
from utils.exercises.__main__ import main
from utils.exercises.generate import BEGIN, END, EXERCISES_DIR, generate, render, solution_notebooks, stale, strip_solutions

ROOT = Path(__file__).resolve().parents[1]
SOURCES = solution_notebooks(ROOT)
DEF = re.compile(r"^def (\w+)\(", re.M)


def _cells(path):
    return nbformat.read(path, as_version=4).cells


def _imported_names(cells):
    """The names the lesson's own import statements bind (not the exercise cells')."""
    names = set()
    for c in cells:
        if c.cell_type == "code" and "import" in c.source and not c.metadata.get("exercise"):
            for node in ast.walk(ast.parse(c.source)):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _exercises(cells):
    """(index of the solution cell, function name) for every solution cell."""
    return [(i, DEF.search(c.source).group(1)) for i, c in enumerate(cells)
            if c.cell_type == "code" and BEGIN in c.source]


def test_seven_notebooks_hold_the_44_exercises_each_checked_once():
    assert [p.name for p in SOURCES] == ["chapter1_logistic_regression.ipynb", "chapter2_shallow_network.ipynb",
                                         "chapter5_softmax_digits.ipynb", "chapter6_deeper_networks.ipynb",
                                         "chapter7_convolution.ipynb", "optimization_code.ipynb", "project.ipynb"]
    names = [name for p in SOURCES for _, name in _exercises(_cells(p))]
    assert len(names) == len(set(names)) == len(CHECKS) == 44 and set(names) == set(CHECKS)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_markers_match_and_each_solution_is_followed_by_its_check(path):
    cells = _cells(path)
    for c in cells:
        if c.cell_type == "code":
            begins, ends = c.source.count(BEGIN), c.source.count(END)
            assert begins == ends and (begins == 0 or c.source.index(BEGIN) < c.source.index(END)), c.id
    for i, name in _exercises(cells):
        assert cells[i - 1].cell_type == "markdown" and f"`{name}`" in cells[i - 1].source.split("\n")[0]
        assert cells[i + 1].cell_type == "code" and cells[i + 1].source.startswith(f"check_{name}({name})")
        # the library's code (the solution to reveal) may only come after the check
        for c in cells[:i]:
            assert not re.search(rf"show_source\((utils\.)?{name}\)", c.source), (name, c.id)


#: The chapters in the order the README gives them; an exercise's answer may not be shown in an earlier one.
READING_ORDER = ["chapter1_logistic_regression.ipynb", "chapter2_shallow_network.ipynb", "project.ipynb",
                 "optimization_code.ipynb", "chapter5_softmax_digits.ipynb", "chapter6_deeper_networks.ipynb",
                 "chapter7_convolution.ipynb", "playground.ipynb"]


def test_no_chapter_shows_the_answer_to_an_exercise_of_a_later_chapter():
    """The learner builds before reading: across the reading order, the library's code of an exercised function
    (`show_source(name)`) appears only after that exercise's check."""
    assert set(READING_ORDER) >= {p.name for p in SOURCES}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(READING_ORDER, key=lambda name: readme.index(f"[{name}](")) == READING_ORDER   # the README's table
    shown = []   # (position in the reading order, name, cell id)
    exercised = {}   # name -> position of its check
    for n, name in enumerate(READING_ORDER):
        for i, c in enumerate(_cells(ROOT / name)):
            position = (n, i)
            if c.cell_type != "code":
                continue
            if BEGIN in c.source:
                exercised[DEF.search(c.source).group(1)] = (n, i + 1)
            shown += [(position, target, c.id) for target in re.findall(r"show_source\((?:utils\.)?(\w+)\)", c.source)]
    early = [(READING_ORDER[position[0]], cell, target) for position, target, cell in shown
             if target in exercised and position < exercised[target]]
    assert not early, f"answers shown before their exercise: {early}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_the_lesson_goes_on_with_the_library_whatever_the_learner_wrote(path):
    """Each exercised name the notebook also imports from the library is re-imported by the cell after its check
    (the check cell is one call, graded alone: under nbgrader a failing check raises, and the library's function
    still comes back); a name it does not import is never used by a later cell of the lesson."""
    cells = _cells(path)
    imported = _imported_names(cells)
    for i, name in _exercises(cells):
        assert cells[i + 1].source.strip() == f"check_{name}({name})"   # graded alone: nothing after the call
        library = cells[i + 2] if i + 2 < len(cells) else None
        if name in imported:
            assert library.metadata.get("exercise") == "library", name
            assert re.search(rf"^from utils[\w.]* import {name}\b", library.source, re.M), name
        else:
            later = [c for c in cells[i + 2:] if c.cell_type == "code" and not c.metadata.get("exercise")]
            assert not any(re.search(rf"(?<![\w.]){name}\(", c.source) for c in later), name


def test_a_solution_region_becomes_the_stub_at_its_indentation():
    source = "def f(x):\n    '''doc'''\n    ### BEGIN SOLUTION\n    y = x\n    return y\n    ### END SOLUTION\n"
    assert strip_solutions(source) == "def f(x):\n    '''doc'''\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"


def test_the_committed_learner_notebooks_are_up_to_date(tmp_path):
    written = generate(tmp_path, ROOT)
    assert [p.name for p in written] == sorted(p.name for p in EXERCISES_DIR.glob("*.ipynb"))
    for path in written:
        assert path.read_bytes() == (EXERCISES_DIR / path.name).read_bytes(), \
            f"exercises/{path.name} is stale: run python -m utils.exercises generate"
    assert stale() == [] and main(["generate", "--check"]) == 0


def test_the_check_command_exits_1_when_a_learner_notebook_is_stale(tmp_path, capsys):
    generate(tmp_path, ROOT)
    target = tmp_path / SOURCES[0].name
    target.write_text(target.read_text().replace("YOUR CODE HERE", "an edit by hand", 1))
    (tmp_path / "extra.ipynb").write_text("{}")
    problems = stale(tmp_path, ROOT)
    assert len(problems) == 2 and "differs from a fresh generation" in problems[0]
    assert "no solution notebook extra.ipynb" in problems[1]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_a_learner_notebook_holds_no_answer_and_no_output(path):
    learner = nbformat.reads(render(path), as_version=4)
    solution = {c.id: c for c in _cells(path)}
    assert learner.cells[0].id == "exercises-header" and "git checkout exercises/" in learner.cells[0].source
    for cell in learner.cells[2:]:
        assert BEGIN not in cell.source and "### END" not in cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            if cell.metadata.get("exercise") == "solution":
                assert cell.source.rstrip().endswith("# YOUR CODE HERE\n    raise NotImplementedError()")
            else:
                assert cell.source == solution[cell.id].source   # the lesson's cells, unchanged


def _run_exercise_cells(cells, name):
    """Run, in one namespace as a kernel would, the notebook's code cells up to its imports, then every exercise
    cell in order (the checks' import, each function cell, each check and its re-import); return the namespace."""
    first = next(i for i, c in enumerate(cells) if c.metadata.get("exercise"))
    namespace = {"__name__": "__main__"}
    for cell in [c for c in cells[:first] if c.cell_type == "code"] + [c for c in cells if c.metadata.get("exercise")]:
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{name}:{cell.id}", "exec"), namespace)
    return namespace


def _assert_library_names_restored(cells, namespace):
    for cell in cells:
        restored = re.search(r"^from (utils[\w.]*) import (\w+)", cell.source, re.M)
        if cell.metadata.get("exercise") == "library" and restored:
            module, name = restored.groups()
            assert namespace[name] is getattr(__import__(module, fromlist=[name]), name), name


@pytest.mark.parametrize("path", sorted(EXERCISES_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_exercise_of_a_learner_notebook_runs_unsolved_and_says_not_written_yet(path, capsys):
    """No exercise cell raises, every check says "not written yet", every name is the library's afterwards.
    (The lesson's other cells are the solved notebook's, unchanged: nbval runs them.)"""
    cells = nbformat.read(path, as_version=4).cells
    namespace = _run_exercise_cells(cells, path.name)
    out = capsys.readouterr().out
    n_checks = sum(c.metadata.get("exercise") == "check" for c in cells)
    assert n_checks >= 3 and out.count("is not written yet") == n_checks and "✗" not in out
    _assert_library_names_restored(cells, namespace)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_every_solution_passes_its_check(path, capsys):
    cells = nbformat.read(path, as_version=4).cells
    namespace = _run_exercise_cells(cells, path.name)
    out = capsys.readouterr().out
    n_checks = sum(c.metadata.get("exercise") == "check" for c in cells)
    assert out.count("\n✓ ") + out.startswith("✓ ") == n_checks and "✗" not in out and "…" not in out, out
    _assert_library_names_restored(cells, namespace)


def _execute(path, cwd):
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _printed(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.learner   # the whole lesson again: 55 s for the seven on the project's 2-core machine
@pytest.mark.parametrize("path", sorted(EXERCISES_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_a_learner_notebook_runs_top_to_bottom_with_every_exercise_unsolved(path, tmp_path, monkeypatch):
    # The kernel inherits this environment: one BLAS thread, and copies of the saved networks and experiment
    # results, so a cache the lesson writes (a missing or outdated one) never lands in the repository.
    for name, folder in (("PARAMETERS_DIR", "parameters_saved"), ("EXPERIMENTS_DIR", "experiments_saved")):
        shutil.copytree(ROOT / folder, tmp_path / folder)
        monkeypatch.setenv(name, str(tmp_path / folder))
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    start = time.perf_counter()
    nb = _execute(path, ROOT)   # a cell that raises fails the test (nbclient's CellExecutionError)
    checks = [c for c in nb.cells if c.metadata.get("exercise") == "check"]
    assert checks and all("is not written yet" in _printed(c) for c in checks)
    print(f"{path.name}: {time.perf_counter() - start:.1f} s")
