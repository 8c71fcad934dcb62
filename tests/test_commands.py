"""``python -m utils COMMAND``: the commands' names, the old names that still work, and no name clash.

`utils.predict` is the course's function (`utils.deep.predict`); the command that prints P(cat) is
`utils.commands.predict`. The old command names ``python -m utils.train`` / ``utils.compare`` /
``utils.predict`` are tiny modules run only with ``-m``: importing ``utils.predict`` would hide the function.
"""

import ast
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
#: The old command names: run with -m only, never imported.
OLD_NAMES = ("train", "compare", "predict")


def run(*args):
    """Run ``python ARGS`` in the project folder (one BLAS thread, fixed help width)."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "COLUMNS": "100"}
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, env=environ, cwd=ROOT,
                          timeout=120)


def note(name):
    return (f"note: 'python -m utils.{name}' is now 'python -m utils {name}'; the old name will be removed in a "
            "later version\n")


# ---------------------------------------------------------------- no name clash

def test_predict_stays_the_course_function_whatever_is_imported():
    modules = [m.name for m in pkgutil.walk_packages(utils.__path__, "utils.")]
    assert {f"utils.{name}" for name in OLD_NAMES} <= set(modules)
    assert {f"utils.commands.{name}" for name in OLD_NAMES} <= set(modules)
    for name in modules:
        if name not in {f"utils.{old}" for old in OLD_NAMES}:
            importlib.import_module(name)
    for name in OLD_NAMES:
        importlib.import_module(f"utils.commands.{name}")
    assert utils.predict is utils.deep.predict
    from utils import predict

    assert callable(predict) and predict is utils.deep.predict


def imports(path: Path):
    """(modules, names) a Python file imports: ``import M`` and ``from M import ...`` give M, the latter also
    M.name for each name; relative imports resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    modules, names = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = f"{package.rsplit('.', node.level - 1)[0]}.{base}".rstrip(".")
            modules.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return modules, names


def test_nothing_imports_the_old_names():
    old = {f"utils.{name}" for name in OLD_NAMES}
    files = [*ROOT.joinpath("utils").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py"), ROOT / "conftest.py"]
    assert ROOT / "utils" / "commands" / "predict.py" in files
    for path in files:
        modules, names = imports(path)
        # `from utils import train` imports the module utils.train; `from utils import predict` is the function.
        clash = modules & old | names & (old - {"utils.predict"})
        assert not clash, f"{path.relative_to(ROOT)} imports {sorted(clash)}: run the old names with -m only"


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


# ---------------------------------------------------------------- the old names, and the modules run directly

@pytest.mark.parametrize("name", OLD_NAMES)
def test_the_old_names_still_work_after_a_note(name):
    new = run("-m", "utils", name, "--help")
    old = run("-m", f"utils.{name}", "--help")
    direct = run("-m", f"utils.commands.{name}", "--help")
    assert new.returncode == old.returncode == direct.returncode == 0
    assert old.stdout == new.stdout == direct.stdout and f"python -m utils.{name}" not in new.stdout
    assert old.stderr == note(name) and new.stderr == direct.stderr == ""


def test_the_old_names_keep_the_exit_status(tmp_path):
    result = run("-m", "utils.predict")  # argparse: exit 2
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == note("predict") + "error: the following arguments are required: PATH (see python -m " \
                                              "utils predict --help)\n"
    result = run("-m", "utils.predict", "-p", tmp_path / "none.npz", tmp_path / "photo.jpg")  # a user error: 1
    assert result.returncode == 1 and result.stdout == ""
    first, second = result.stderr.splitlines()
    assert first + "\n" == note("predict")
    assert second.startswith("error: no parameters file at ") and "python -m utils train --dataset" in second
