"""The engine every check shares: run the learner's function, compare, diagnose, say one line.

An `Exercise` is a function to write (its `name`), the cases it is run on
(the first one small enough to check by hand, the others seeded random
ones), the library's `reference` and the typical `mistakes`, each a wrong
variant written as a function with the same signature and the hint a
learner who made it should read. `run_check` runs the learner's function on
every case and returns a `Feedback` (printed as one line):

0. it is the library's own function (a check cell run again after the line
   under it re-imported the library's) -> said so, nothing judged;
1. it raises `NotImplementedError` or returns None -> "not written yet";
2. it raises anything else -> the exception's type and message, and a hint
   (the exercise's `exception_hints`, matched on the message, or its shapes);
3. it changed one of its inputs -> which one, and "work on a copy";
4. called twice with the same arguments it gives two different results ->
   "draw random numbers only from the seed";
5. its results equal the library's on every case -> success;
6. they equal one known mistake's on every case -> that mistake's hint;
7. otherwise the first difference: a wrong type, wrong keys, a wrong shape
   ("expected (3, 4), got (4, 3)") or wrong values on the small case.

A check never raises: a learner's bug is reported, and the lesson goes on.
A function whose check passed is remembered: `your_functions` puts it back in
a notebook for one `with` block (training with the learner's own functions).
"""

from __future__ import annotations

import contextlib
import copy
import numbers
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

RTOL, ATOL = 1e-6, 1e-9   # a learner's formula may round differently from the library's


@dataclass
class Feedback:
    """The outcome of one check: `passed` and the one-line `message` the learner read."""

    name: str
    passed: bool
    message: str
    not_written: bool = False

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        """Nothing: the check has printed its line already (a notebook would show it twice)."""


@dataclass
class Mistake:
    """A typical wrong answer and its `hint` (what is wrong and why).

    Recognised by `variant`, a wrong function with the exercise's signature whose results the learner's equal
    on every case, or by `when(args, result) -> bool`, true on some case (for answers no single variant pins
    down, e.g. random biases).
    """

    hint: str
    variant: Callable | None = None
    when: Callable | None = None


@dataclass
class Exercise:
    """One function to write: cases, the library's answer, known mistakes, shapes for the hints."""

    name: str
    cases: Callable[[], Sequence[tuple]]          # -> [args, ...]; args[0] is the hand-checkable case
    reference: Callable                           # the library's answer, same signature as the exercise
    returns: str                                  # what to return, e.g. "(Z, cache)"
    shapes: str                                   # e.g. "A (n_prev, m), W (n, n_prev), b (n, 1) -> Z (n, m)"
    mistakes: Sequence[Mistake] = ()
    exception_hints: Sequence[tuple[str, str]] = ()   # (text in "Type: message", hint)
    validate: Callable[[tuple, Any], str | None] | None = None   # extra rule on (args, result), before comparing
    inputs: Sequence[str] = field(default_factory=tuple)         # argument names, to say which input changed
    uses_result: bool = False     # reference and mistakes are called as f(result, *args) (e.g. a random mask)


_PASSED: dict[str, Callable] = {}   # exercise name -> the learner's function whose latest check passed


def run_check(fn, exercise: Exercise) -> Feedback:
    """Run `fn` against `exercise`; print and return the `Feedback` (never raises).

    A function that passes is remembered for `your_functions`; one that fails forgets the earlier one. The
    library's own function (a check cell run again after the line that re-imports it) is not judged.
    """
    if (getattr(fn, "__module__", None) or "").split(".")[0] == "utils":
        feedback = Feedback(exercise.name, False,
                            f"… this is the library's {exercise.name}, not yours (the line under this check "
                            f"re-imported it). Run the cell with your {exercise.name} again, then this check.")
        print(feedback.message)
        return feedback
    try:
        feedback = _diagnose(fn, exercise)
    except Exception as error:  # a result too strange to compare: still one line, and the lesson goes on
        feedback = _fail(exercise.name, f"returned something the check cannot compare ({type(error).__name__}: "
                                        f"{error})", f"return {exercise.returns}")
    if feedback.passed:
        _PASSED[exercise.name] = fn
    else:
        _PASSED.pop(exercise.name, None)
    print(feedback.message)
    return feedback


@contextlib.contextmanager
def your_functions(namespace: dict, names: Sequence[str]):
    """For one `with` block, the learner's checked functions `names` in place of the library's in `namespace`.

    namespace: the notebook's `globals()`, where functions defined in the notebook look up the names they
    call, so a call by bare name (`linear_activation_forward(...)` inside the learner's `L_model_forward`)
    reaches the learner's version too; a call through the module (`utils.linear_backward(...)`) still reaches
    the library's. All or nothing: yields the names whose check has not passed yet, in order, and swaps only
    when that list is empty. On exit the namespace holds what it held before, whatever happened in the block.
    """
    missing = [name for name in names if name not in _PASSED]
    before = {name: namespace[name] for name in names if name in namespace}
    try:
        if not missing:
            namespace.update({name: _PASSED[name] for name in names})
        yield missing
    finally:
        for name in names:
            if name in before:
                namespace[name] = before[name]
            else:
                namespace.pop(name, None)


def _diagnose(fn, ex: Exercise) -> Feedback:
    name = ex.name
    if not callable(fn):
        return _fail(name, f"expected the function {name} itself (check_{name}({name})), got {type(fn).__name__}")
    cases = list(ex.cases())
    results = []
    for i, args in enumerate(cases):
        given = copy.deepcopy(args)
        try:
            got = _quietly(fn, given)
        except NotImplementedError:
            return _not_written(name, "its cell still says `raise NotImplementedError()`")
        except Exception as error:  # the learner's bug, reported instead of raised
            return _fail(name, f"raised {type(error).__name__}: {error}", _exception_hint(ex, error))
        if got is None:
            if _all_none(fn, cases):
                return _not_written(name, "it returns None")
            return _fail(name, "returned None for one of the examples", f"every path must end with `return {ex.returns}`")
        changed = _changed_input(args, given, ex.inputs)
        if changed:
            return _fail(name, f"changed its input {changed}",
                         "work on new arrays (W = W - ..., not W -= ...) and, for a dict, on a copy "
                         "(new = dict(parameters)): the caller still needs the values it passed")
        results.append(got)
    again = _quietly(fn, copy.deepcopy(cases[-1]))
    if _compare(results[-1], again, "the result", ex.returns):
        return _fail(name, "gave two different results when called twice with the same arguments",
                     "draw random numbers only from the seed it is given (rng = np.random.default_rng(seed)), "
                     "not from NumPy's global random state")
    if ex.validate is not None:
        for args, got in zip(cases, results):
            problem = ex.validate(args, got)
            if problem:
                return _fail(name, problem)
    differences = [_compare(_quietly(ex.reference, _arguments(ex, args, got)), got, "the result", ex.returns)
                   for args, got in zip(cases, results)]
    if not any(differences):
        return Feedback(name, True, f"✓ {name} is correct: it agrees with the library on {len(cases)} examples.")
    for mistake in ex.mistakes:
        if _matches(mistake, ex, cases, results):
            return _fail(name, "does not give the library's results", mistake.hint)
    first = next(i for i, d in enumerate(differences) if d)
    where = "the first (small) example" if first == 0 else f"example {first + 1} of {len(cases)}"
    return _fail(name, f"on {where}, {differences[first]}", f"shapes: {ex.shapes}")


def _fail(name: str, what: str, hint: str | None = None) -> Feedback:
    message = f"✗ {name} {what}." + (f"\n  Hint: {hint}" if hint else "")
    return Feedback(name, False, message)


def _not_written(name: str, why: str) -> Feedback:
    return Feedback(name, False,
                    f"… {name} is not written yet ({why}). Replace `# YOUR CODE HERE` and "
                    f"`raise NotImplementedError()` with your code, run that cell, then this check again; "
                    f"meanwhile the lesson goes on with the library's {name}.", not_written=True)


def _quietly(fn, args):
    """fn(*args) with NumPy's warnings silenced (an overflow is judged by the result, not a warning)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args)


def _all_none(fn, cases) -> bool:
    try:
        return all(_quietly(fn, copy.deepcopy(args)) is None for args in cases)
    except Exception:
        return False


def _exception_hint(ex: Exercise, error: Exception) -> str:
    text = f"{type(error).__name__}: {error}"
    for needle, hint in ex.exception_hints:
        if needle in text:
            return hint
    if isinstance(error, KeyError):
        return f"a dictionary has no such key; the keys are the course's names. Shapes: {ex.shapes}"
    return f"check the shapes: {ex.shapes}"


def _changed_input(original, given, names) -> str | None:
    """The name (and key) of the first argument `fn` modified in place, or None."""
    for i, (before, after) in enumerate(zip(original, given)):
        label = names[i] if i < len(names) else f"number {i + 1}"
        where = _first_change(before, after)
        if where is not None:
            return f"`{label}{where}`"
    return None


def _first_change(before, after) -> str | None:
    if isinstance(before, np.ndarray):
        same = isinstance(after, np.ndarray) and after.shape == before.shape and np.array_equal(before, after,
                                                                                                equal_nan=True)
        return None if same else ""
    if isinstance(before, dict):
        if not isinstance(after, dict) or set(after) != set(before):
            return ""
        for key in before:
            if _first_change(before[key], after[key]) is not None:
                return f"[{key!r}]"
        return None
    if isinstance(before, (list, tuple)):
        if len(after) != len(before):
            return ""
        for i, (b, a) in enumerate(zip(before, after)):
            if _first_change(b, a) is not None:
                return f"[{i}]"
    return None


def _arguments(ex: Exercise, args, got) -> tuple:
    args = copy.deepcopy(args)
    return (got, *args) if ex.uses_result else args


def _matches(mistake: Mistake, ex: Exercise, cases, results) -> bool:
    if mistake.when is not None:
        return any(_safe_when(mistake.when, args, got) for args, got in zip(cases, results))
    variant = mistake.variant
    for args, got in zip(cases, results):
        try:
            wrong = _quietly(variant, _arguments(ex, args, got))
        except Exception:
            return False
        if _compare(wrong, got, "the result", ex.returns):
            return False
    return True


def _safe_when(when, args, got) -> bool:
    try:
        return bool(when(args, got))
    except Exception:
        return False


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    if isinstance(x, tuple):
        return f"a tuple of {len(x)}"
    if isinstance(x, list):
        return f"a list of {len(x)}"
    if isinstance(x, dict):
        return f"a dict with keys {sorted(x)}"
    return f"{type(x).__name__} {x!r}"[:80]


def _compare(expected, got, where: str, returns: str = "") -> str | None:
    """None when `got` equals `expected` (arrays to RTOL / ATOL), else the first difference in words."""
    if isinstance(expected, (tuple, list)):
        kind = f"a {type(expected).__name__} of {len(expected)}"
        what = (returns or kind) if isinstance(expected, tuple) else kind
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"{where} should be {what}, got {_describe(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            diff = _compare(e, g, f"{where}[{i}]")
            if diff:
                return diff
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{where} should be a dict with keys {sorted(expected)}, got {_describe(got)}"
        missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
        if missing:
            return f"{where} has no key {missing[0]!r} (expected the keys {sorted(expected)}, got {sorted(got)})"
        if extra:
            return f"{where} has an unexpected key {extra[0]!r} (expected the keys {sorted(expected)})"
        for key in expected:
            diff = _compare(expected[key], got[key], f"{where}[{key!r}]")
            if diff:
                return diff
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            return f"{where} should be an array of shape {expected.shape}, got {_describe(got)}"
        if got.shape != expected.shape:
            return f"{where} has the wrong shape: expected {expected.shape}, got {got.shape}"
        if expected.dtype == bool:
            return None if np.array_equal(got.astype(bool), expected) and got.dtype == bool else (
                f"{where} should be a boolean array equal to the library's")
        if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
            return f"{where} contains NaN or inf (an overflow, or a division by zero?)"
        if not np.allclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True):
            return (f"{where} has the right shape {expected.shape} but wrong values: expected\n"
                    f"{_short(expected)}\n  got\n{_short(got)}")
        return None
    if isinstance(expected, numbers.Number) and not isinstance(expected, bool):
        if isinstance(got, np.ndarray) and got.size == 1:
            got = got.item()
        if not isinstance(got, numbers.Number):
            return f"{where} should be a number, got {_describe(got)}"
        if not np.isfinite(got) and np.isfinite(expected):
            return f"{where} is {got} (an overflow, log(0), or a division by zero?)"
        if not np.isclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True):
            return f"{where} should be {expected:.6g}, got {got:.6g}"
        return None
    return None if got == expected else f"{where} should be {expected!r}, got {got!r}"


def _short(a: np.ndarray) -> str:
    with np.printoptions(precision=4, suppress=True, threshold=12, edgeitems=2):
        return "  " + str(a).replace("\n", "\n  ")
