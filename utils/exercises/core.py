"""The engine every check shares: run the learner's function, compare, diagnose, say one line.

An `Exercise` is a function to write (its `name`), the cases it is run on
(the first one small enough to check by hand, the others seeded random
ones), the library's `reference` and the typical `mistakes`, each a wrong
variant written as a function with the same signature and the hint a
learner who made it should read. `run_check` runs the learner's function on
every case and returns a `Feedback` (printed as one line, and a hint):

0. it is the library's own function (a check cell run again after the line
   under it re-imported the library's) -> said so, nothing judged;
1. it is not a function, or a generator / async function (a `yield`) -> named as what it is;
2. it raises `NotImplementedError` or returns None -> "not written yet";
3. it raises anything else (also `SystemExit`, `KeyboardInterrupt`, `GeneratorExit`) -> the exception's type
   and message, and a hint (the exercise's `exception_hints`, matched on the message, or an explanation of
   the error from `explain.py`, or its shapes);
3b. it returns an object of a class of its own deriving from an array, a number, a tuple, a list or a dict
   (which could decide a comparison itself: `__array_function__`, `__eq__`, `__len__`...) -> refused, named
   ("returned a Liar (a subclass of numpy.ndarray)"): a result is compared only as plain values (`_plain`);
4. it changed one of its inputs -> which one, and "work on a copy";
5. called twice with the same arguments it gives two different results -> draw only from the seed, with the
   generator this exercise uses (`Exercise.seeded`), or "depend on the arguments only" when it has no seed;
6. its results equal the library's on every case -> success;
7. they equal one known mistake's on every case -> that mistake's hint;
8. they are the library's on a tuple argument with two parts exchanged (`Exercise.input_parts`: a cache
   unpacked in the wrong order) -> said so; or `explain.py` finds what the difference is, on every case where
   it shows: values in the wrong order, a part that is a constant multiple of the right one with the likely
   factor named (m, 1/m, C, keep_prob, ln 10, 2, -1, an argument), transposed, a dropped keepdims, a missing
   term, an input returned unchanged, a dict part that is another formula of the inputs (an update rule)...
9. NaN or inf where the library's result has none -> the exercise's `nonfinite` hint (where a NaN comes from
   in this formula), if it has one;
10. otherwise the first difference: a wrong type (a list where an array is expected, None, a generator...),
   wrong keys, a wrong shape ("expected (3, 4), got (4, 3)") or wrong values on the small case, with the
   shapes as the hint: the only *generic* answer (`Feedback.generic`, with 3 when no hint explains the error).

A check never raises (for a learner: `Run All` never stops), and it cannot be broken by the function it checks:

- a time limit (`configured_time_limit()`, 30 s by default, `EXERCISES_TIME_LIMIT` in the environment, or
  `run_check(..., time_limit=)`) stops an endless loop with one line (`guard.Deadline`), also one that swallows
  every exception, replaces `sys.settrace` or ctypes' functions, or runs under a module name of NumPy's. Its
  limitation: a loop that runs entirely inside C (`sum(itertools.count())`) cannot be stopped in-process;
- the learner's results are compared as plain values: NumPy arrays of the base class (copies), numbers, strings,
  tuples, lists and dicts of those (`_plain`); an object of a class of the learner's own that derives from one
  of them is refused with one line, any other object is kept only as its description (`_Opaque`), so no method
  of the learner's objects can decide the verdict;
- whatever the learner's function raises becomes the line; a real Ctrl-C during a check is not swallowed:
  the check puts the library back and re-raises it, so the cell stops as asked (`guard.Interrupts`; a
  `KeyboardInterrupt` the learner's code raises itself is reported like any exception);
- a function that changes the library or this engine (`utils.deep.linear_forward = ...`, `np.dot = ...`,
  `numpy._core.numeric.isclose = ...`, `sys.modules["utils.deep"] = ...`, `sys.settrace = ...`,
  `core._compare = ...`, a reference's code, a registry's contents, `NBGRADER_EXECUTION`) gets no ✓: after each
  call the check compares with a snapshot taken before (`guard.Snapshot`), and at its end it puts everything
  back (the engine first, by code the learner's cannot have replaced) and names what was changed;
- a function that leaves a thread running gets no ✓ ("started a thread that is still running"): the check raises
  `SystemExit` in it, and while such a thread may still run, the next check first compares the library with the
  snapshot taken before it (the pristine one: taken when the engine was imported, renewed by every check that no
  such thread preceded), puts it back and says so.
  NumPy's and Python's global random states are put back after every check without a word (a check leaves
  the notebook's random numbers as they were; `np.random.seed(seed)` is how the course seeds some exercises).

Graded by nbgrader: when `NBGRADER_EXECUTION` is set in the environment (nbgrader sets it to "autograde" and
"validate" while it runs a notebook), a check that does not pass prints its line, then raises `AssertionError`
with that line as its message, so the test cell scores 0 and the feedback shows the hint; a check that passes
prints ✓ and returns. Without that variable a check never raises.

A function whose check passed is remembered: `your_functions` puts it back in a notebook for one `with` block
(training with the learner's own functions).
"""

from __future__ import annotations

import collections
import contextlib
import copy
import inspect
import numbers
import os
import sys
import types
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from . import guard
from .guard import CheckTimeout, Deadline, Interrupts, Snapshot, disarm

RTOL, ATOL = 1e-6, 1e-9   # a learner's formula may round differently from the library's
DEFAULT_TIME_LIMIT = 30.0  # seconds per check: generous on a busy 2-core machine (a check takes ~0.02 s)
TIME_LIMIT_VARIABLE = "EXERCISES_TIME_LIMIT"
GRADING_VARIABLE = "NBGRADER_EXECUTION"

#: The kinds of `Feedback` whose hint is the fallback (see `Feedback.generic`).
GENERIC_KINDS = frozenset({"generic", "exception_generic", "cannot_compare"})


@dataclass
class Feedback:
    """The outcome of one check: `passed` and the one-line `message` the learner read.

    `kind` says which rule of the module's docstring answered: "passed", "not_written", "library",
    "not_a_function", "generator", "exception" (a hint that explains the error), "exception_generic" (only the
    shapes as a hint), "returned_none", "changed_input", "not_deterministic", "invalid" (an exercise's own rule),
    "mistake" (a known mistake), "explained" (the engine named the difference: explain.py, or a tuple input read
    in another order), "nonfinite" (the exercise's hint on NaN / inf), "type" (a wrong type or wrong keys, or an
    object of the learner's own class refused), "generic" (the first difference, the shapes as the hint),
    "cannot_compare", "timeout", "changed_library", "thread" (a thread left running).
    """

    name: str
    passed: bool
    message: str
    not_written: bool = False
    kind: str = ""

    @property
    def generic(self) -> bool:
        """True when the hint is only the fallback: the first difference (a wrong shape or wrong values) with
        the exercise's shapes, an exception no hint explains, or a result the check cannot compare."""
        return self.kind in GENERIC_KINDS

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
    down, e.g. random biases). With `when`, `hint` may be a function `(args, result) -> str` of the first case
    where `when` holds (to name what the learner's result holds).
    """

    hint: str | Callable
    variant: Callable | None = None
    when: Callable | None = None


@dataclass
class Exercise:
    """One function to write: cases, the library's answer, known mistakes, shapes for the hints."""

    name: str
    cases: Callable[[], Sequence[tuple]]          # -> [args, ...]; args[0] is the hand-checkable case
    reference: Callable                           # the library's answer, same signature as the exercise
    returns: str                                  # what to return, e.g. "(Z, cache) with cache = (A, W, b)"
    shapes: str                                   # e.g. "A (n_prev, m), W (n, n_prev), b (n, 1) -> Z (n, m)"
    mistakes: Sequence[Mistake] = ()
    exception_hints: Sequence[tuple[str, str]] = ()   # (text in "Type: message", hint)
    validate: Callable[[tuple, Any], str | None] | None = None   # extra rule on (args, result), before comparing
    inputs: Sequence[str] = field(default_factory=tuple)         # argument names, to say which input changed
    uses_result: bool = False     # reference and mistakes are called as f(result, *args) (e.g. a random mask)
    seeded: str | None = None     # how this exercise draws from its seed, e.g. "rng = np.random.RandomState(seed)"
    names: Any = None             # the result's parts for the hints: a tuple of names, or one name (see explain)
    factors: Callable[[tuple], dict] | None = None   # extra named factors {name: value} on a case's args
    factor_hints: dict = field(default_factory=dict)  # factor name -> hint, replacing explain's wording
    input_parts: dict = field(default_factory=dict)   # a tuple argument's name -> its parts' names, in order
    nonfinite: str | None = None  # the hint when the result has NaN / inf where the library's has none
    error_hint: Callable[[tuple, BaseException], str | None] | None = None   # a hint from the error and the args
    adapt: Callable[[Callable], Callable] | None = None   # the learner's function -> what is run and compared
    # (e.g. batchnorm_forward's result with the running statistics it leaves in bn_param); reference and mistakes
    # are given in the adapted form


#: How the course's seeded initialisations draw (the `seeded` of initialize_parameters and its deep version).
RANDOM_STATE = ("rng = np.random.RandomState(seed), then rng.randn(n_h, n_x) * 0.01 (or np.random.seed(seed), then "
                "np.random.randn): the course's generator, whose numbers the check expects; "
                "np.random.default_rng(seed) draws other numbers")

_PASSED: dict[str, Callable] = {}   # exercise name -> the learner's function whose latest check passed
_LINGERING = guard._Private()       # thread id -> first frame: threads a checked function left running
_REFERENCE = guard._Private()       # "snapshot": the library as it was before the latest check no such thread preceded
_ENVIRON = os.environ               # bound now: a learner's function cannot hand the engine another environment


def configured_time_limit() -> float | None:
    """Seconds a check may take: `EXERCISES_TIME_LIMIT` from the environment (0 or "none": no limit), else
    `DEFAULT_TIME_LIMIT`."""
    text = _ENVIRON.get(TIME_LIMIT_VARIABLE, "").strip().lower()
    if not text:
        return DEFAULT_TIME_LIMIT
    if text in ("none", "off", "0"):
        return None
    try:
        return float(text)
    except ValueError:
        return DEFAULT_TIME_LIMIT


def grading() -> bool:
    """True while nbgrader runs the notebook (`NBGRADER_EXECUTION` set, to "autograde" or "validate")."""
    return bool(_ENVIRON.get(GRADING_VARIABLE, "").strip())


class _LibraryChanged(BaseException):
    """Raised inside a check when the learner's function changed the library or the engine."""

    def __init__(self, names):
        super().__init__(", ".join(names))
        self.names = list(names)


class _Run:
    """What one check needs to call the learner's function safely: the snapshot and the Ctrl-C watch."""

    def __init__(self, snapshot: Snapshot, interrupts: Interrupts, started: list | None = None):
        self.snapshot = snapshot
        self.interrupts = interrupts
        self.started = [] if started is None else started   # threads the learner's code started (NotingThreads)

    def call(self, fn, args):
        """(True, result as plain values, see `_plain`) or (False, the exception fn raised); a real Ctrl-C, the
        time limit and a change to the library propagate. A result that is an object of a class of the learner's
        own deriving from a plain type comes back as a `_Refused`."""
        outcome = None
        try:
            with guard.NotingThreads(self.started):
                result = _quietly(fn, args)
        except CheckTimeout:
            disarm()
            raise
        except KeyboardInterrupt as error:
            if self.interrupts.is_real(error):
                raise
            outcome = (False, error)
        except BaseException as error:   # noqa: B036 - SystemExit, GeneratorExit ... are the learner's too
            outcome = (False, error)
        changed = self.snapshot.changed()
        if changed:
            raise _LibraryChanged(changed)
        if outcome is None:
            try:
                outcome = (True, _plain(result))
            except _NotPlain as refused:
                outcome = (True, _Refused(*refused.args))
            del result
        return outcome


def run_check(fn, exercise: Exercise, *, time_limit: float | None | str = "default") -> Feedback:
    """Run `fn` against `exercise`; print and return the `Feedback` (see the module's docstring).

    Never raises, except: a real Ctrl-C (re-raised after the library is put back) and, while nbgrader grades
    (`grading()`), the `AssertionError` of a check that does not pass. A function that passes is remembered for
    `your_functions`; one that fails forgets the earlier one. The library's own function (a check cell run again
    after the line that re-imports it) is not judged. `time_limit`: seconds (None: no limit), by default
    `configured_time_limit()`.
    """
    limit = configured_time_limit() if time_limit == "default" else time_limit
    grade = grading()   # read now: the learner's function cannot unset the variable for this check
    if _module_of(fn).split(".")[0] == "utils":
        feedback = Feedback(exercise.name, False,
                            f"… this is the library's {exercise.name}, not yours (the line under this check "
                            f"re-imported it). Run the cell with your {exercise.name} again, then this check.",
                            kind="library")
        return _report(feedback, grade)
    _after_threads()
    engine = guard.engine_state()   # the engine as it is now, put back first after the learner's code
    snapshot = Snapshot.take(environment=(TIME_LIMIT_VARIABLE, GRADING_VARIABLE))
    if not _LINGERING:
        _REFERENCE["snapshot"] = snapshot
    restore = snapshot.restore   # bound now: the learner's code cannot replace it
    interrupts = Interrupts()
    deadline = Deadline(limit, engine)
    feedback, interrupted, threads, repaired, started = None, None, None, [], []
    with interrupts:
        try:
            try:
                with deadline:
                    threads = guard.thread_state()
                    feedback = _diagnose(fn, exercise, _Run(snapshot, interrupts, started))
            finally:
                while True:   # put the engine back and stop the timer, by code the learner's cannot have replaced
                    try:
                        fix, code, defaults, state = engine
                        if fix.__code__ is not code or fix.__defaults__ is not defaults:
                            fix.__code__, fix.__defaults__ = code, defaults
                        repaired += fix(state)
                        deadline.finish()
                        disarm()
                        break
                    except CheckTimeout:   # a late stop, set before finish() cancelled it: once more
                        pass
        except CheckTimeout:
            feedback = _fail(exercise.name, f"did not finish within {limit:g} s and was stopped",
                             "an endless loop? Every loop must end: a `for` over range(...) ends by itself, a "
                             "`while` needs a condition that turns false (and no function should wait for "
                             "input)", kind="timeout")
        except _LibraryChanged as error:
            feedback = _changed_library(exercise.name, error.names)
        except KeyboardInterrupt as error:
            if interrupts.is_real(error):
                interrupted = error
            else:   # raised by a result's own code while it was compared
                feedback = _fail(exercise.name, f"raised {_exception_text(error)}", _exception_hint(exercise, error),
                                 kind="exception")
        except BaseException as error:  # noqa: B036 - a result too strange to compare: still one line
            feedback = _fail(exercise.name, f"returned something the check cannot compare ({_exception_text(error)})",
                             f"return {exercise.returns}", kind="cannot_compare")
    try:
        put_back = restore()
    except Exception:   # a thread the function started changed a namespace while it was compared: once more
        put_back = restore() + ["(a namespace changed while it was compared)"]
    changed = list(dict.fromkeys(deadline.repaired + repaired + put_back))
    left = guard.new_threads(threads, noted=started) if threads is not None else {}
    running = guard.describe_threads(left) if left else ""
    if left:   # stopped if they let themselves be, and the library checked again at the start of the next check
        guard.stop_threads(left)
        _LINGERING.update(left)
    if interrupted is not None:
        print(f"… check_{exercise.name} was interrupted (Ctrl-C); the library is as it was. Run the check again "
              f"when you are ready.")
        raise interrupted
    if changed and feedback.kind != "changed_library":
        feedback = _changed_library(exercise.name, changed)
    elif left and feedback.kind != "changed_library":
        feedback = _fail(exercise.name, "started a thread that is still running after it returned"
                         + (f", running {running}" if running else "") + " (the check tried to stop it)",
                         "a function should only compute and return its result: a thread left running could change "
                         "the library after the check, so the check does not accept it (start no thread, or wait "
                         "for it with .join() before returning; a progress bar such as tqdm starts one too)",
                         kind="thread")
    if feedback.passed:
        _PASSED[exercise.name] = fn
    else:
        _PASSED.pop(exercise.name, None)
    return _report(feedback, grade)


def _module_of(fn) -> str:
    """The module a plain function (or method) was defined in, read without running any of the learner's code."""
    target = fn.__func__ if type(fn) is types.MethodType else fn
    module = target.__module__ if type(target) is types.FunctionType else None
    return module if type(module) is str else ""


def _after_threads() -> None:
    """At the start of a check, when an earlier check's function left threads running: compare the library with
    the snapshot taken before that check (the pristine one, taken at import and renewed by every check no such
    thread preceded), put it back and say so; try once more to stop the threads still running."""
    if not _LINGERING:
        return
    running = guard.still_running(_LINGERING)
    reference = _REFERENCE.get("snapshot")
    try:
        names = reference.restore(library_only=True) if reference is not None else []
    except Exception:   # the thread changed a namespace while it was compared: once more
        names = reference.restore(library_only=True)
    _LINGERING.clear()
    _LINGERING.update(running)
    guard.stop_threads(running)
    if names:
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        print(f"… the library had been changed after an earlier check, by a thread its function left running: "
              f"{shown}. This check put it back."
              + (" That thread is still running: restart the kernel to stop it (Kernel → Restart)." if running
                 else ""))


def _report(feedback: Feedback, grade: bool | None = None) -> Feedback:
    print(feedback.message)
    if not feedback.passed and (grading() if grade is None else grade):
        raise AssertionError(feedback.message)
    return feedback


def _changed_library(name: str, names: Sequence[str]) -> Feedback:
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return _fail(name, f"changed the library while it ran: {shown} (the check put it back)",
                 "a function should only compute and return its result; assigning to a name of the library "
                 "(utils..., np...) would change every later cell, so the check does not accept it",
                 kind="changed_library")


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


# ---- the diagnosis --------------------------------------------------------------------------------------

def _diagnose(fn, ex: Exercise, run: _Run) -> Feedback:
    from . import explain

    name = ex.name
    if not callable(fn):
        return _fail(name, f"expected the function {name} itself (check_{name}({name})), got {_describe(fn)}",
                     kind="not_a_function")
    kind_of_function = _generator_function(fn)
    if kind_of_function:
        return _fail(name, f"is {kind_of_function}", f"end the function with `return {ex.returns}`; a `yield` "
                     "anywhere in a function makes Python turn it into a generator, which runs none of its code "
                     "until it is iterated", kind="generator")
    if ex.adapt is not None:
        fn = ex.adapt(fn)
    cases = list(ex.cases())
    results = []
    for args in cases:
        given = copy.deepcopy(args)
        ok, got = run.call(fn, given)
        if not ok:
            if isinstance(got, NotImplementedError):
                return _not_written(name, "its cell still says `raise NotImplementedError()`")
            swapped = _reads_input_swapped(fn, ex, cases, run)
            if swapped:
                return _fail(name, f"raised {_exception_text(got)}", swapped, kind="exception")
            return _exception_feedback(ex, got, args)
        if got is None:
            if _all_none(fn, cases, run):
                return _not_written(name, "it returns None")
            return _fail(name, "returned None for one of the examples",
                         f"every path must end with `return {ex.returns}`", kind="returned_none")
        if type(got) is _Refused:
            return _fail(name, f"returned {got.what}", got.hint, kind="type")
        strange = _strange_result(got)
        if strange:
            return _fail(name, f"returned {strange}", f"return {ex.returns}", kind="type")
        changed = _changed_input(args, given, ex.inputs)
        if changed:
            return _fail(name, f"changed its input {changed}",
                         "work on new arrays (W = W - ..., not W -= ...) and, for a dict, on a copy "
                         "(new = dict(parameters)): the caller still needs the values it passed",
                         kind="changed_input")
        results.append(got)
    ok, again = run.call(fn, copy.deepcopy(cases[-1]))
    if ok and type(again) is _Refused:
        return _fail(name, f"returned {again.what}", again.hint, kind="type")
    if not ok or _compare(results[-1], again, "the result", ex.returns):
        return _fail(name, "gave two different results when called twice with the same arguments",
                     _randomness_hint(ex), kind="not_deterministic")
    if ex.validate is not None:
        for args, got in zip(cases, results):
            problem = ex.validate(args, got)
            if problem:
                return _fail(name, problem, kind="invalid")
    expected = [_quietly(ex.reference, _arguments(ex, args, got)) for args, got in zip(cases, results)]
    differences = [_compare(e, got, "the result", ex.returns) for e, got in zip(expected, results)]
    if not any(differences):
        return Feedback(name, True, f"✓ {name} is correct: it agrees with the library on {len(cases)} examples.",
                        kind="passed")
    for mistake in ex.mistakes:
        if _matches(mistake, ex, cases, results):
            return _fail(name, "does not give the library's results", _mistake_hint(mistake, cases, results),
                         kind="mistake")
    hint = (_swapped_input(ex, cases, results) or _reads_input_swapped(fn, ex, cases, run)
            or explain.explain_results(ex, cases, expected, results))
    if hint:
        return _fail(name, "does not give the library's results", hint, kind="explained")
    first = next(i for i, d in enumerate(differences) if d)
    if differences[first].kind == "keys":
        hint = explain.layer_keys_hint(expected[first], results[first])
        if hint:
            return _fail(name, f"{differences[first]}", hint, kind="type")
    if ex.nonfinite and any(d and d.kind == "nonfinite" for d in differences):
        nan = next(d for d in differences if d and d.kind == "nonfinite")
        return _fail(name, nan.replace(" (an overflow, or a division by zero?)", "").replace(
            " (an overflow, log(0), or a division by zero?)", ""), ex.nonfinite, kind="nonfinite")
    if differences[first].kind in ("type", "keys"):
        return _fail(name, f"{differences[first]}", f"return {ex.returns}", kind="type")
    where = "the first (small) example" if first == 0 else f"example {first + 1} of {len(cases)}"
    return _fail(name, f"on {where}, {differences[first]}", f"shapes: {ex.shapes}", kind="generic")


def _swap_hint(ex: Exercise, matches) -> str | None:
    """The hint for the first tuple argument and pair of its parts (i, j) for which matches(index, i, j) holds:
    the function reads that argument with parts i and j exchanged. None if no pair does."""
    for index, arg_name in enumerate(ex.inputs):
        parts = ex.input_parts.get(arg_name)
        if not parts:
            continue
        for i in range(len(parts)):
            for j in range(i + 1, len(parts)):
                if matches(index, i, j):
                    order = list(parts)
                    order[i], order[j] = order[j], order[i]
                    return (f"`{arg_name}` is ({', '.join(parts)}) in that order, and your function reads it as "
                            f"({', '.join(order)}): unpack it as {', '.join(parts)} = {arg_name}")
    return None


def _swapped_input(ex: Exercise, cases, results) -> str | None:
    """The hint when the learner's results are the library's on a tuple argument with two parts exchanged
    (a cache unpacked in the wrong order), else None."""
    return _swap_hint(ex, lambda index, i, j: all(_swapped_matches(ex, args, got, index, i, j)
                                                  for args, got in zip(cases, results)))


def _reads_input_swapped(fn, ex: Exercise, cases, run: _Run) -> str | None:
    """The hint when the learner's function, given a tuple argument with two parts exchanged, gives the library's
    results on every case: it reads that argument in another order (A_prev, W, b = cache written W, A_prev, b)."""
    return _swap_hint(ex, lambda index, i, j: all(_learner_matches_swapped(fn, ex, args, index, i, j, run)
                                                  for args in cases))


def _learner_matches_swapped(fn, ex, args, index, i, j, run) -> bool:
    value = args[index]
    if not isinstance(value, (tuple, list)) or max(i, j) >= len(value) or ex.uses_result:
        return False
    swapped = list(value)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    new_args = list(copy.deepcopy(args))
    new_args[index] = type(value)(copy.deepcopy(swapped))
    ok, got = run.call(fn, tuple(new_args))
    if not ok:
        return False
    try:
        return _compare(_quietly(ex.reference, copy.deepcopy(args)), got, "the result") is None
    except Exception:
        return False


def _swapped_matches(ex, args, got, index, i, j) -> bool:
    value = args[index]
    if not isinstance(value, (tuple, list)) or max(i, j) >= len(value):
        return False
    swapped = list(value)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    new_args = list(args)
    new_args[index] = type(value)(swapped)
    try:
        return _compare(_quietly(ex.reference, _arguments(ex, tuple(new_args), got)), got, "the result") is None
    except Exception:
        return False


def _generator_function(fn) -> str | None:
    target = getattr(fn, "__func__", fn)
    if inspect.isasyncgenfunction(target):
        return "an async generator function (`async def` with `yield`), not a plain function"
    if inspect.isgeneratorfunction(target):
        return "a generator function: it has a `yield`, so calling it returns a generator, not its result"
    if inspect.iscoroutinefunction(target):
        return "an `async def` function: calling it returns a coroutine, not its result; write a plain `def`"
    return None


def _strange_result(got) -> str | None:
    """A result that no exercise returns, named as what it is (the comparison would say less): found by `_plain`."""
    return got.strange if type(got) is _Opaque else None


# ---- the learner's results as plain values ----------------------------------------------------------------
#
# A result is compared only once it is made of plain values: NumPy arrays of the base class (copied), Python and
# NumPy numbers, strings, None, tuples, lists and dicts of those. An object of a class of the learner's own that
# derives from one of them (an ndarray subclass with its own __array_function__, a float subclass with its own
# __eq__, a tuple subclass with its own __len__) could decide a comparison itself: it is refused with one line. Any
# other object becomes an `_Opaque`, which only describes it. Nothing here calls a method of the learner's objects:
# types are read with type(), containers through the base classes' own C methods.

_PLAIN_TYPES = frozenset({type(None), bool, int, float, complex, str})
_NUMPY_SCALARS = frozenset(t for t in set(np.sctypeDict.values()) if issubclass(t, (np.number, np.bool_)))
_DICT_LIKE = frozenset({dict, collections.OrderedDict, collections.defaultdict})   # read as dicts
_MAX_DEPTH = 50
_REFUSED_BASES = (   # (base, how it is named, the hint)
    (np.ndarray, "numpy.ndarray", "return a plain NumPy array (np.asarray(...) gives one): the check compares plain "
                                  "values, and an object of a class of your own could decide a comparison itself"),
    (np.generic, None, "return a plain number (a float, or NumPy's own number types): the check compares plain "
                       "values, and an object of a class of your own could decide a comparison itself"),
    (bool, "bool", None), (int, "int", None), (float, "float", None), (complex, "complex", None),
    (str, "str", "return a plain string"),
    (tuple, "tuple", "return a plain tuple, (a, b)"), (list, "list", "return a plain list, [a, b]"),
    (dict, "dict", "return a plain dict, {key: value}"),
)


class _Opaque:
    """A part of a learner's result that is no plain value, kept only as words: what it is (`description`) and,
    for a whole result, the line that names it (`strange`: a generator, a map object, a function...)."""

    __slots__ = ("description", "strange")

    def __init__(self, description: str, strange: str | None = None):
        self.description, self.strange = description, strange

    def __repr__(self) -> str:
        return self.description

    __str__ = __repr__

    def __eq__(self, other) -> bool:   # two calls that return the same kind of object agree (only words compared)
        return type(other) is _Opaque and other.description == self.description

    def __hash__(self) -> int:
        return hash(self.description)


class _Refused:
    """A result the check does not compare: `what` it is ("a Liar (a subclass of numpy.ndarray)") and the hint."""

    __slots__ = ("what", "hint")

    def __init__(self, what: str, hint: str):
        self.what, self.hint = what, hint

    def __repr__(self) -> str:
        return self.what

    __str__ = __repr__


class _NotPlain(Exception):
    """Raised by `_plain` with (what, hint) for an object of a class deriving from a plain type."""


def _plain(x, where: str = "", depth: int = 0, memo: dict | None = None):
    """`x` as plain values (see above); raises `_NotPlain` for an object of a subclass of a plain type. A part met
    twice is converted once (`memo`), a container that holds itself becomes an `_Opaque`."""
    kind = type(x)
    if kind in _PLAIN_TYPES or kind in _NUMPY_SCALARS:
        return x
    memo = {} if memo is None else memo
    if id(x) in memo:
        done = memo[id(x)]
        if done[0] is x and done[1] is not _IN_PROGRESS:
            return done[1]
        return _Opaque(f"a {guard._class_name(kind)} that contains itself")
    memo[id(x)] = (x, _IN_PROGRESS)
    out = _plain_new(x, kind, where, depth, memo)
    memo[id(x)] = (x, out)
    return out


_IN_PROGRESS = object()


def _plain_new(x, kind, where: str, depth: int, memo: dict):
    if kind is np.ndarray:
        if not x.dtype.hasobject:
            return x.copy()
        if x.dtype != object:
            return _Opaque(f"an array of {x.dtype}")
        out = np.empty(x.shape, dtype=object)
        flat = out.reshape(-1)
        for i, item in enumerate(x.reshape(-1).tolist()):
            flat[i] = _plain(item, where, depth + 1, memo)
        return out
    if depth > _MAX_DEPTH and kind in _DICT_LIKE | {tuple, list}:
        return _Opaque(f"a {guard._class_name(kind)} nested more than {_MAX_DEPTH} levels deep")
    if kind is tuple:
        return tuple(_plain(item, f"{where}[{i}]", depth + 1, memo) for i, item in enumerate(x))
    if kind is list:
        return [_plain(item, f"{where}[{i}]", depth + 1, memo) for i, item in enumerate(x)]
    if kind in _DICT_LIKE:
        out = {}
        for key, value in dict.items(x):
            key_kind = type(key)
            if not (key_kind in _PLAIN_TYPES or key_kind in _NUMPY_SCALARS):
                refused = _refused_base(key_kind)
                if refused is not None:
                    raise _NotPlain(f"a dict with a key that is a {guard._class_name(key_kind)} (a subclass of "
                                    f"{refused[0]})" + (f" in the result{where}" if where else ""),
                                    "use plain strings as keys, e.g. 'W1'")
                key = _Opaque(_describe_object(key, key_kind))
            out[key] = _plain(value, f"{where}[{key!r}]", depth + 1, memo)
        return out
    refused = _refused_base(kind)
    if refused is not None:
        name, hint = refused
        raise _NotPlain(f"a {guard._class_name(kind)} (a subclass of {name})" + (f" as the result{where}" if where
                                                                               else ""), hint)
    return _Opaque(_describe_object(x, kind), _strange_object(x, kind) if depth == 0 else None)


def _refused_base(kind) -> tuple[str, str] | None:
    """(the plain type `kind` derives from, the hint), or None when it derives from none."""
    for base, name, hint in _REFUSED_BASES:
        if issubclass(kind, base):
            if base is np.generic:
                numpy_base = next((t for t in guard._class_mro(kind) if t in _NUMPY_SCALARS), np.generic)
                name = f"numpy.{guard._class_name(numpy_base)}"
            return name, hint or ("return a plain number (a float): the check compares plain values, and an object "
                                  "of a class of your own could decide a comparison itself")
    return None


def _describe_object(x, kind) -> str:
    if kind is types.GeneratorType:
        return "a generator"
    if kind in (types.FunctionType, types.BuiltinFunctionType, types.MethodType):
        name = getattr(x, "__name__", "?")
        return f"the function {name if type(name) is str else '?'}"
    return f"a {guard._class_name(kind)} object"


def _strange_object(x, kind) -> str | None:
    if kind is types.GeneratorType:
        return "a generator (a `yield` in a helper, or a `(... for ...)` in parentheses: use [... for ...])"
    if kind is types.CoroutineType:
        types.CoroutineType.close(x)
        return "a coroutine (an `async def` function): write a plain `def`"
    if issubclass(kind, (map, filter, zip, range, enumerate, reversed)) \
            or guard._class_name(kind).endswith("iterator"):
        return f"a {guard._class_name(kind)} object, which is used up by one pass: wrap it in list(...)"
    if callable(x) and not issubclass(kind, type):
        return f"a function ({_describe_object(x, kind)}) instead of its result: call it, with ()"
    return None


def _randomness_hint(ex: Exercise) -> str:
    if ex.seeded:
        return (f"draw random numbers only from the seed it is given: {ex.seeded}; not from NumPy's global state "
                "(np.random.randn, np.random.rand... without np.random.seed(seed) first)")
    return ("its result must depend on its arguments only: no random numbers, no state kept between calls "
            "(a global variable, a list that grows)")


def _exception_feedback(ex: Exercise, error: BaseException, args) -> Feedback:
    from . import explain

    hint = (explain.layer_key_error(ex, error, args) or _error_hint(ex, error, args)
            or _matched_exception_hint(ex, error) or explain.explain_exception(ex, error, args))
    kind = "exception"
    if hint is None:
        hint, kind = _exception_hint(ex, error), "exception_generic"
    return _fail(ex.name, f"raised {_exception_text(error)}", hint, kind=kind)


def _error_hint(ex: Exercise, error: BaseException, args) -> str | None:
    if ex.error_hint is None:
        return None
    try:
        return ex.error_hint(args, error)
    except Exception:
        return None


def _exception_text(error: BaseException) -> str:
    try:
        text = str(error)
    except BaseException:   # noqa: B036 - a learner's exception whose __str__ fails
        text = "(a message that cannot be shown)"
    name = type(error).__name__
    text = text.strip().splitlines()[0] if text.strip() else ""
    return f"{name}: {text}"[:300] if text else name


def _matched_exception_hint(ex: Exercise, error: BaseException) -> str | None:
    text = _exception_text(error)
    for needle, hint in ex.exception_hints:
        if needle in text:
            return hint
    return None


def _exception_hint(ex: Exercise, error: BaseException) -> str:
    """The fallback hint of an exception: the shapes (a KeyError: the keys)."""
    if isinstance(error, KeyError):
        return f"a dictionary has no such key; the keys are the course's names. Shapes: {ex.shapes}"
    return f"check the shapes: {ex.shapes}"


def _fail(name: str, what: str, hint: str | None = None, *, kind: str = "generic") -> Feedback:
    message = f"✗ {name} {what}." + (f"\n  Hint: {hint}" if hint else "")
    return Feedback(name, False, message, kind=kind)


def _not_written(name: str, why: str) -> Feedback:
    return Feedback(name, False,
                    f"… {name} is not written yet ({why}). Replace `# YOUR CODE HERE` and "
                    f"`raise NotImplementedError()` with your code, run that cell, then this check again; "
                    f"meanwhile the lesson goes on with the library's {name}.", not_written=True, kind="not_written")


def _quietly(fn, args):
    """fn(*args) with NumPy's warnings silenced (an overflow is judged by the result, not a warning)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args)


def _all_none(fn, cases, run: _Run) -> bool:
    for args in cases:
        ok, got = run.call(fn, copy.deepcopy(args))
        if not ok or got is not None:
            return False
    return True


def _changed_input(original, given, names) -> str | None:
    """The name (and key) of the first argument `fn` modified in place, or None."""
    for i, (before, after) in enumerate(zip(original, given)):
        label = names[i] if i < len(names) else f"number {i + 1}"
        where = _first_change(before, after)
        if where is not None:
            return f"`{label}{where}`"
    return None


def _first_change(before, after) -> str | None:
    """Exact types only: an input replaced by an object of the learner's own class counts as changed."""
    if type(before) is np.ndarray:
        same = (type(after) is np.ndarray and after.shape == before.shape and after.dtype == before.dtype
                and np.array_equal(before, after, equal_nan=True))
        return None if same else ""
    if type(before) is dict:
        if type(after) is not dict or any(type(key) not in _PLAIN_TYPES for key in after) \
                or set(after) != set(before):
            return ""
        for key in before:
            if _first_change(before[key], after[key]) is not None:
                return f"[{key!r}]"
        return None
    if type(before) in (list, tuple):
        if type(after) not in (list, tuple) or len(after) != len(before):
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


def _mistake_hint(mistake: Mistake, cases, results) -> str:
    if not callable(mistake.hint):
        return mistake.hint
    for args, got in zip(cases, results):
        if _safe_when(mistake.when, args, got):
            return mistake.hint(args, got)
    return ""   # pragma: no cover - _matches found a case


def _safe_when(when, args, got) -> bool:
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return bool(when(args, got))
    except Exception:
        return False


def _describe(x) -> str:
    if x is None:
        return "None"
    if type(x) in (_Opaque, _Refused):
        return x.description if type(x) is _Opaque else x.what
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    if isinstance(x, tuple):
        return f"a tuple of {len(x)}"
    if isinstance(x, list):
        return f"a list of {len(x)}"
    if isinstance(x, dict):
        return f"a dict with keys {sorted(map(str, x))}"
    if inspect.isgenerator(x):
        return "a generator"
    if inspect.isfunction(x) or inspect.ismethod(x) or inspect.isbuiltin(x):
        return f"the function {getattr(x, '__name__', '?')}"
    if isinstance(x, (bool, numbers.Number, str)):
        return f"{type(x).__name__} {x!r}"[:80]
    return f"a {type(x).__name__} object"


class Difference(str):
    """A difference in words, with its `kind`: "type", "keys", "shape", "values" or "nonfinite"."""

    kind: str

    def __new__(cls, text: str, kind: str):
        self = super().__new__(cls, text)
        self.kind = kind
        return self


def _compare(expected, got, where: str, returns: str = "") -> Difference | None:
    """None when `got` equals `expected` (arrays to RTOL / ATOL), else the first difference in words."""
    if isinstance(expected, (tuple, list)):
        kind = f"a {type(expected).__name__} of {len(expected)}"
        what = (returns or kind) if isinstance(expected, tuple) else kind
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return Difference(f"{where} should be {what}, got {_describe(got)}", "type")
        for i, (e, g) in enumerate(zip(expected, got)):
            diff = _compare(e, g, f"{where}[{i}]")
            if diff:
                return diff
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return Difference(f"{where} should be a dict with keys {sorted(expected)}, got {_describe(got)}", "type")
        missing, extra = sorted(set(expected) - set(got)), sorted(set(map(str, got)) - set(expected))
        if missing:
            return Difference(f"{where} has no key {missing[0]!r} (expected the keys {sorted(expected)}, got "
                              f"{sorted(map(str, got))})", "keys")
        if extra:
            return Difference(f"{where} has an unexpected key {extra[0]!r} (expected the keys {sorted(expected)})",
                              "keys")
        for key in expected:
            diff = _compare(expected[key], got[key], f"{where}[{key!r}]")
            if diff:
                return diff
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            extra = (" (a Python list: build the array with NumPy's operations, or np.array(...))"
                     if isinstance(got, list) else "")
            return Difference(f"{where} should be an array of shape {expected.shape}, got {_describe(got)}{extra}",
                              "type")
        if got.shape != expected.shape:
            return Difference(f"{where} has the wrong shape: expected {expected.shape}, got {got.shape}", "shape")
        if expected.dtype == bool:
            if np.array_equal(got.astype(bool), expected) and got.dtype == bool:
                return None
            return Difference(f"{where} should be a boolean array equal to the library's", "values")
        if got.dtype == object or not np.issubdtype(got.dtype, np.number) and got.dtype != bool:
            return Difference(f"{where} should be an array of numbers, got an array of {got.dtype}", "type")
        if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
            return Difference(f"{where} contains NaN or inf (an overflow, or a division by zero?)", "nonfinite")
        if not np.allclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True):
            return Difference(f"{where} has the right shape {expected.shape} but wrong values: expected\n"
                              f"{_short(expected)}\n  got\n{_short(got)}", "values")
        return None
    if isinstance(expected, numbers.Number) and not isinstance(expected, bool):
        if isinstance(got, np.ndarray) and got.size == 1 and np.issubdtype(got.dtype, np.number):
            got = got.item()
        if not isinstance(got, numbers.Number) or isinstance(got, bool):
            return Difference(f"{where} should be a number, got {_describe(got)}", "type")
        if not np.isfinite(got) and np.isfinite(expected):
            return Difference(f"{where} is {got} (an overflow, log(0), or a division by zero?)", "nonfinite")
        if not np.isclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True):
            return Difference(f"{where} should be {expected:.6g}, got {got:.6g}", "values")
        return None
    if not isinstance(got, np.ndarray) and got == expected:  # an array == a string compares element by element
        return None
    return Difference(f"{where} should be {expected!r}, got {_describe(got)}", "type")


def _short(a: np.ndarray) -> str:
    with np.printoptions(precision=4, suppress=True, threshold=12, edgeitems=2):
        return "  " + str(a).replace("\n", "\n  ")


guard.register_engine(sys.modules[__name__])
_REFERENCE["snapshot"] = Snapshot.take(environment=(TIME_LIMIT_VARIABLE, GRADING_VARIABLE))   # the pristine one
