"""The comparison the retrain test uses for notebooks with tolerant cells (tests/test_retrain_notebooks.py): fast
checks that it is as strict as nbval where no tolerance is given, and only as lenient as a cell's tolerance says."""

import nbformat

from test_retrain_notebooks import TOLERANCE_KEY, differences, within


def notebook(*cells):
    """A notebook of code cells; each cell is (text printed, tolerance in points or None), or a list of stream pieces."""
    nb = nbformat.v4.new_notebook()
    for number, (printed, tolerance) in enumerate(cells):
        pieces = printed if isinstance(printed, list) else [printed]
        cell = nbformat.v4.new_code_cell("print(...)", execution_count=number + 1,
                                         outputs=[nbformat.v4.new_output("stream", name="stdout", text=piece)
                                                  for piece in pieces])
        cell.id = f"cell-{number}"
        if tolerance is not None:
            cell.metadata[TOLERANCE_KEY] = {"points": tolerance, "why": "a test"}
        nb.cells.append(cell)
    return nb


def test_a_cell_without_tolerance_must_print_exactly_the_same():
    assert differences(notebook(("test accuracy 80.8%\n", None)), notebook(("test accuracy 80.8%\n", None))) == []
    found = differences(notebook(("test accuracy 80.8%\n", None)), notebook(("test accuracy 80.9%\n", None)))
    assert len(found) == 1 and "cell 0 (cell-0): outputs differ" in found[0]


def test_a_tolerant_cell_lets_each_number_move_by_its_tolerance_and_no_further():
    committed = notebook(("4-layer, 32 px   77.1 ± 4.6   82.4%\n", 1.0))
    assert differences(committed, notebook(("4-layer, 32 px   77.4 ± 5.1   83.2%\n", 1.0))) == []
    found = differences(committed, notebook(("4-layer, 32 px   77.1 ± 4.6   84.0%\n", 1.0)))
    assert len(found) == 1 and "82.4 became 84.0, more than the 1.0 the cell allows" in found[0]


def test_a_tolerant_cell_must_keep_its_words_and_its_lines():
    committed = notebook(("chosen: 4-layer, 32 px, L2 2 (79.4%)\n", 3.0))
    found = differences(committed, notebook(("chosen: 4-layer, 32 px, lr 0.005 (79.1%)\n", 3.0)))
    assert len(found) == 1 and "the text between the numbers differs" in found[0]
    found = differences(committed, notebook(("chosen: 4-layer, 32 px, L2 2 (79.4%)\nand one more line\n", 3.0)))
    assert len(found) == 1 and "2 lines instead of 1" in found[0]
    assert within("higher in 7, lower in 3 of 10 folds", "higher in 6, lower in 4 of 10 folds", 1) is None
    assert within("-1.2 ± 2.0 points", "1.2 ± 2.0 points", 1) == "-1.2 became 1.2, more than the 1 the cell allows"


def test_a_table_whose_columns_widen_with_a_number_keeps_its_words():
    committed = "candidate      validation %\n-------------  ------------\nReLU, lr 0.1     73.5 ± 4.9\n"
    wider = "candidate      validation %\n-------------  -------------\nReLU, lr 0.1    74.0 ± 10.8\n"
    assert differences(notebook((committed, 6.0)), notebook((wider, 6.0))) == []
    assert within("ReLU  73.5", "ReLUs 73.5", 1) == "the text between the numbers differs"


def test_streams_are_merged_and_sanitized_as_nbval_does():
    # nbval joins the pieces of a stream and applies nbval_sanitize.cfg (here its provenance and timing rules)
    committed = notebook(("experiments_saved/search.npz: loaded (RETRAIN=1 computes it again)\ntook 3.2 s\n", None))
    retrained = notebook((["experiments_saved/search.npz: computed now and saved\n", "took 41.5 s\n"], None))
    assert differences(committed, retrained) == []


def test_a_progress_line_rewritten_by_carriage_returns_counts_as_its_last_state():
    # nbval keeps what a terminal would show: the text after the last carriage return of a line
    committed = notebook(("training: done\n", None))
    assert differences(committed, notebook((["training: 10 %\rtraining: 50 %\r", "training: done\n"], None))) == []


def test_a_cell_that_was_never_run_is_not_compared():
    committed = notebook(("anything\n", None))
    committed.cells[0].execution_count = None
    assert differences(committed, notebook(("something else\n", None))) == []
