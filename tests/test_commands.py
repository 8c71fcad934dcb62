"""``python -m utils COMMAND``: the commands' names, the old names removed, and no name clash.

`utils.predict` is the course's function (`utils.deep.predict`); the command that prints P(cat) is
`utils.commands.predict`. The old command modules ``utils.train`` / ``utils.compare`` / ``utils.predict``
(run with ``-m``) are gone: importing ``utils.predict`` used to hide the function for the whole session.
"""

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import utils
import utils.commands as commands
import utils.deep
from cli_support import assert_one_line_error

ROOT = Path(__file__).resolve().parent.parent
#: The old command names, removed: no module of these names may exist.
OLD_NAMES = ("train", "compare", "predict")


def run(*args):
    """Run ``python ARGS`` in the project folder (one BLAS thread, fixed help width)."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "COLUMNS": "100"}
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, env=environ, cwd=ROOT,
                          timeout=120)


# ---------------------------------------------------------------- no name clash

def test_predict_stays_the_course_function_whatever_is_imported():
    modules = [m.name for m in pkgutil.walk_packages(utils.__path__, "utils.")]
    assert not {f"utils.{name}" for name in OLD_NAMES} & set(modules)
    assert {f"utils.commands.{name}" for name in OLD_NAMES} <= set(modules)
    for name in modules:
        importlib.import_module(name)
    assert utils.predict is utils.deep.predict
    from utils import predict

    assert callable(predict) and predict is utils.deep.predict


@pytest.mark.parametrize("name", OLD_NAMES)
def test_the_old_module_names_cannot_be_imported(name):
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"utils.{name}")
    assert utils.predict is utils.deep.predict


# ---------------------------------------------------------------- python -m utils COMMAND

def test_help_lists_the_commands():
    result = run("-m", "utils", "--help")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.startswith("usage: python -m utils COMMAND [ARGS ...]\n")
    for name, (_, summary) in commands.COMMANDS.items():
        assert f"\n  {name:<8}  {summary}\n" in result.stdout
    assert list(commands.COMMANDS) == ["train", "compare", "predict", "download"]


@pytest.mark.parametrize("name", ["train", "compare", "predict", "download"])
def test_each_command_has_its_help(name):
    result = run("-m", "utils", name, "--help")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.startswith(f"usage: python -m utils {name} ")


@pytest.mark.parametrize("args, fragments", [
    (["trian"], ["error: unknown command 'trian': the commands are train, compare, predict, download; did you mean "
                 "'train'? (see python -m utils --help)"]),
    (["fit", "-d", "flower"], ["unknown command 'fit'", "train, compare, predict, download"]),
    (["--dataset", "flower"], ["expected a command (train, compare, predict, download) before the option "
                               "'--dataset'"]),
    ([], ["error: expected a command: train, compare, predict, download (see python -m utils --help)"]),
])
def test_an_unknown_or_missing_command_exits_2_naming_the_commands(args, fragments):
    result = run("-m", "utils", *args)
    assert_one_line_error(result, 2, *fragments)
    assert result.stdout == ""


def test_the_dispatcher_in_process(capsys):
    assert commands.main(["--help"]) == 0
    assert "predict" in capsys.readouterr().out
    assert commands.main(["trian"]) == 2
    assert capsys.readouterr().err.startswith("error: unknown command 'trian'")
    with pytest.raises(SystemExit) as stop:
        commands.main(["predict", "--help"])
    assert stop.value.code == 0 and capsys.readouterr().out.startswith("usage: python -m utils predict ")


# ---------------------------------------------------------------- the old names removed, the modules run directly

@pytest.mark.parametrize("name", OLD_NAMES)
def test_the_old_names_are_gone_and_the_modules_run_directly(name):
    new = run("-m", "utils", name, "--help")
    direct = run("-m", f"utils.commands.{name}", "--help")
    assert new.returncode == direct.returncode == 0 and new.stdout == direct.stdout
    assert new.stderr == direct.stderr == ""
    old = run("-m", f"utils.{name}", "--help")
    assert old.returncode == 1 and old.stdout == "" and f"No module named utils.{name}" in old.stderr
