"""The explorers in a real JupyterLab, in a real (headless) browser.

What happens:
1. scripts/install_browser.sh makes sure Debian's Chromium is at /usr/bin/chromium
   (the test fails with a clear message if it cannot be installed);
2. a temporary copy of playground.ipynb (outputs cleared, so the committed
   notebook is never touched) is served by `jupyter lab` on 127.0.0.1, on a
   free port, with a token and temporary config/data/runtime folders;
3. Chromium (through Playwright, executable_path=/usr/bin/chromium) opens it,
   runs the import cell and the planar-explorer cell, presses the right-arrow
   key on the "hidden units" slider and checks that the decision-boundary
   figure is redrawn (new PNG data and different pixels); then, in the same
   page, the course explorer's cell, a right-arrow on its "L2 λ" slider, and
   checks that the cost curve is redrawn and the status line tells the new
   accuracies and how long after the key press they were shown.

4. in a second tab, the learner's exercises/project.ipynb: its set-up cell and the checks' import, then the
   `linear_forward` exercise is typed with a wrong answer (the bias forgotten) and run with its check,
   which shows the hint; then with the right answer, which shows the success line.

5. in another tab, filter_explorer.ipynb, a two-cell notebook the fixture writes itself (no committed
   notebook is opened: chapter 7's may change): the filter explorer's cell is run, the "Sobel horizontal"
   preset is chosen in the dropdown (the nine weight sliders take its values, the maps are redrawn), then a
   right-arrow on the W[1,1] slider redraws them again and the dropdown says "custom".

Artefacts: artifacts/browser/ (page screenshots before/after, the JupyterLab
log, a screenshot at the moment of a failure). With UPDATE_README_SCREENSHOT=1
the test also refreshes the README's picture, docs/images/planar_explorer.png
(off by default so a test run never changes a committed file).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from lab import (  # noqa: E402
    BrowserUnavailable,
    JupyterLabServer,
    Lab,
    install_browser,
    launch_chromium,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "playground.ipynb"
EXERCISE_NOTEBOOK = ROOT / "exercises" / "project.ipynb"
ARTIFACTS = ROOT / "artifacts" / "browser"
README_IMAGE = ROOT / "docs" / "images" / "planar_explorer.png"
IMPORT_CELL = "from utils.explorers import"
PLANAR_CELL = "planar_explorer("
SLIDER = "hidden units"
COURSE_CELL = "course_explorer("
COURSE_SLIDER = "L2 λ"
FILTER_NOTEBOOK = "filter_explorer.ipynb"
FILTER_IMPORT = "from utils.explorers import filter_explorer"
FILTER_CELL = "filter_explorer()"


def _copy_without_outputs(src: Path, dst: Path) -> None:
    """Copy a notebook, dropping outputs, execution counts and stored widget state."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.get("metadata", {}).pop("widgets", None)
    dst.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _write_notebook(path: Path, sources: list[str]) -> None:
    """A notebook of code cells `sources`, without outputs, on the python3 kernel."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def chromium():
    try:
        return install_browser()
    except BrowserUnavailable as exc:
        pytest.fail(f"The browser test needs Chromium: {exc}", pytrace=False)


@pytest.fixture(scope="module")
def lab_server(chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "failure.png").unlink(missing_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="playground-"))
    _copy_without_outputs(NOTEBOOK, workdir / NOTEBOOK.name)
    (workdir / "exercises").mkdir()
    _copy_without_outputs(EXERCISE_NOTEBOOK, workdir / "exercises" / EXERCISE_NOTEBOOK.name)
    _write_notebook(workdir / FILTER_NOTEBOOK, [FILTER_IMPORT, FILTER_CELL])
    # The kernel runs in the temporary folder: PYTHONPATH lets it import utils/.
    server = JupyterLabServer(
        workdir,
        extra_env={"PYTHONPATH": str(ROOT)},
        log_path=ARTIFACTS / "jupyterlab.log",
    )
    try:
        server.start(timeout=90)
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def page(lab_server):
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
    pw = sync_playwright().start()
    context = None
    try:
        try:
            context = launch_chromium(pw, profile)
        except Exception as exc:  # a browser that is installed but will not start
            pytest.fail(f"Chromium did not start: {exc}", pytrace=False)
        context.set_default_timeout(60_000)
        page = context.pages[0] if context.pages else context.new_page()
        yield page
    finally:
        if context is not None:
            context.close()
        pw.stop()
        shutil.rmtree(profile, ignore_errors=True)


def _slider_value(cell, description: str) -> str:
    slider = cell.locator(".widget-slider", has=cell.page.locator("label", has_text=description)).first
    return slider.locator(".widget-readout").inner_text().strip()


def _open_playground(lab: Lab) -> None:
    """Open the playground, once per page (no reload: that would ask to leave a changed notebook)."""
    if not lab.page.locator(".jp-NotebookPanel .jp-Cell").count():
        lab.open_notebook(NOTEBOOK.name)


def _step_slider(page, cell, label: str) -> None:
    """Move the slider labelled `label` one step right, from the keyboard (sent on release)."""
    slider = cell.locator(".widget-slider", has=page.locator("label", has_text=label)).first
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")


def test_planar_explorer_redraws_when_a_slider_moves(page, lab_server):
    lab = Lab(page, lab_server)
    try:
        _open_playground(lab)
        lab.run_cell(lab.code_cell_containing(IMPORT_CELL))
        cell = lab.code_cell_containing(PLANAR_CELL)
        lab.run_cell(cell)
        before = lab.wait_images(cell, count=1)
        widget = cell.locator(".jp-OutputArea-output").first
        widget.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "planar_before.png"))
        shot_before = widget.screenshot(path=str(ARTIFACTS / "planar_widget_before.png"), animations="disabled")
        if os.environ.get("UPDATE_README_SCREENSHOT") == "1":
            README_IMAGE.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ARTIFACTS / "planar_widget_before.png", README_IMAGE)

        units_before = _slider_value(cell, SLIDER)
        _step_slider(page, cell, SLIDER)  # one step; sent on release (continuous_update=False)

        after = lab.wait_images_change(cell, before, timeout_ms=60_000)
        units_after = _slider_value(cell, SLIDER)
        page.screenshot(path=str(ARTIFACTS / "planar_after.png"))
        shot_after = widget.screenshot(path=str(ARTIFACTS / "planar_widget_after.png"), animations="disabled")
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "failure.png"))
        raise

    assert int(units_after) == int(units_before) + 1
    assert after != before, "the figure's PNG data did not change after moving the slider"
    assert shot_after != shot_before, "the explorer looks the same after moving the slider"
    assert (ARTIFACTS / "planar_widget_before.png").stat().st_size > 10_000


def test_course_explorer_retrains_and_says_how_long_it_took(page, lab_server):
    lab = Lab(page, lab_server)
    try:
        _open_playground(lab)
        lab.run_cell(lab.code_cell_containing(IMPORT_CELL))
        cell = lab.code_cell_containing(COURSE_CELL)
        lab.run_cell(cell)
        before = lab.wait_images(cell, count=1)
        status = cell.locator(".widget-html-content").last
        assert "Training accuracy 99.4 %, validation accuracy 63.4 %" in status.inner_text()
        _step_slider(page, cell, COURSE_SLIDER)  # λ 0 -> 0.1
        after = lab.wait_images_change(cell, before, timeout_ms=60_000)
        page.wait_for_function("(el) => el.textContent.includes('after the slider moved')",
                               arg=status.element_handle(), timeout=30_000)
        text = status.inner_text()
        cell.locator(".jp-OutputArea-output").first.screenshot(path=str(ARTIFACTS / "course_widget_after.png"),
                                                              animations="disabled")
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "failure.png"))
        raise

    assert after != before
    assert _slider_value(cell, COURSE_SLIDER) == "0.10"
    shown = float(re.search(r"shown (\d+\.\d+) s after the slider moved", text).group(1))
    print(f"course explorer: {text}")
    assert shown < 30  # about 1.5 s on an idle machine; generous for a busy CI runner


WRONG_LINEAR_FORWARD = '''def linear_forward(A, W, b):
    Z = W @ A
    return Z, (A, W, b)'''
RIGHT_LINEAR_FORWARD = '''def linear_forward(A, W, b):
    Z = W @ A + b
    return Z, (A, W, b)'''


def _type_into(cell, text: str) -> None:
    """Replace the cell's source by `text`, as a learner typing in the editor (no auto-indent: inserted as is)."""
    editor = cell.locator(".jp-InputArea-editor .cm-content")
    editor.click()
    cell.page.keyboard.press("Control+A")
    cell.page.keyboard.insert_text(text)


def _output_text(cell) -> str:
    return cell.locator(".jp-OutputArea").inner_text()


def test_an_exercise_shows_the_hint_then_the_success_line(page, lab_server):
    tab = page.context.new_page()   # a tab of its own: the playground's tab keeps its notebook
    lab = Lab(tab, lab_server)
    try:
        lab.open_notebook(f"exercises/{EXERCISE_NOTEBOOK.name}")
        # the set-up cell and the checks' import: all an exercise needs (the lesson's own cells may change)
        for text in ("os.chdir(", "from utils.exercises import"):
            lab.run_cell(lab.code_cell_containing(text))
        exercise = lab.code_cell_containing("def linear_forward(")
        check = lab.code_cell_containing("check_linear_forward(linear_forward)")

        _type_into(exercise, WRONG_LINEAR_FORWARD)
        lab.run_cell(exercise)
        lab.run_cell(check)
        wrong = _output_text(check)
        check.scroll_into_view_if_needed()
        tab.screenshot(path=str(ARTIFACTS / "exercise_hint.png"))

        _type_into(exercise, RIGHT_LINEAR_FORWARD)
        lab.run_cell(exercise)
        lab.run_cell(check)
        right = _output_text(check)
        tab.screenshot(path=str(ARTIFACTS / "exercise_success.png"))
    except Exception:
        tab.screenshot(path=str(ARTIFACTS / "failure.png"))
        raise
    finally:
        tab.close()

    print(f"wrong answer: {wrong}\nright answer: {right}")
    assert "✗ linear_forward does not give the library's results" in wrong
    assert "Hint: the bias is missing: Z = W A + b" in wrong
    assert right.strip().startswith("✓ linear_forward is correct")


def _dropdown(page, cell, label: str):
    """The <select> of the dropdown labelled `label` in `cell`."""
    return cell.locator(".widget-dropdown", has=page.locator("label", has_text=label)).first.locator("select")


def _selected_text(select) -> str:
    """The text of the option shown (ipywidgets writes the spaces of an option as no-break spaces)."""
    return select.evaluate("s => s.options[s.selectedIndex].textContent").replace("\xa0", " ")


def _choose(select, text: str) -> None:
    """Choose the option reading `text`, as a learner does (a change event on the <select>)."""
    index = select.evaluate("(s, t) => Array.from(s.options).findIndex(o => o.textContent.replace(/\\u00a0/g, ' ') "
                            "=== t)", text)
    assert index >= 0, f"no option {text!r}"
    select.select_option(index=index)


def test_filter_explorer_follows_a_preset_and_a_weight(page, lab_server):
    tab = page.context.new_page()   # a tab of its own, as the exercise's
    lab = Lab(tab, lab_server)
    try:
        lab.open_notebook(FILTER_NOTEBOOK)
        lab.run_cell(lab.code_cell_containing(FILTER_IMPORT))
        cell = lab.code_cell_containing(FILTER_CELL)
        lab.run_cell(cell)
        first = lab.wait_images(cell, count=1)
        status = cell.locator(".widget-html-content").last
        first_status = status.inner_text()
        preset = _dropdown(tab, cell, "kernel preset")
        assert _selected_text(preset) == "vertical edges"
        cell.locator(".jp-OutputArea-output").first.screenshot(path=str(ARTIFACTS / "filter_widget_before.png"),
                                                              animations="disabled")

        _choose(preset, "Sobel horizontal")  # the nine sliders take the preset's weights
        sobel = lab.wait_images_change(cell, first, timeout_ms=30_000)
        weights_sobel = [_slider_value(cell, f"W[{i},{j}]") for i in range(3) for j in range(3)]

        _step_slider(tab, cell, "W[1,1]")  # 0.00 -> 0.01 (continuous_update: sent at once)
        custom = lab.wait_images_change(cell, sobel, timeout_ms=30_000)
        tab.wait_for_function("(s) => s.options[s.selectedIndex].textContent.replace(/\\u00a0/g, ' ') === 'custom'",
                              arg=preset.element_handle(), timeout=30_000)
        centre = _slider_value(cell, "W[1,1]")
        text = status.inner_text()
        cell.locator(".jp-OutputArea-output").first.screenshot(path=str(ARTIFACTS / "filter_widget_after.png"),
                                                              animations="disabled")
    except Exception:
        tab.screenshot(path=str(ARTIFACTS / "failure.png"))
        raise
    finally:
        tab.close()

    minus = "\u2212"  # the sliders' readouts write a minus sign, not a hyphen
    assert weights_sobel == ["1.00", "2.00", "1.00", "0.00", "0.00", "0.00",
                             f"{minus}1.00", f"{minus}2.00", f"{minus}1.00"]
    assert centre == "0.01"
    assert len({first[0], sobel[0], custom[0]}) == 3, "the maps were not redrawn after each change"
    assert first_status.startswith("train photo 19 (cat): Z = conv_forward(A (1, 64, 64, 1), W (3, 3, 1, 1)")
    assert "pool_forward(relu(Z), {'f': 2, 'stride': 2}, 'max') → (1, 32, 32, 1)" in text
    assert text != first_status  # the new maps' ranges
