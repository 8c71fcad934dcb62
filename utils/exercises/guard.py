"""What keeps a check standing whatever the learner's function does: a time limit, a snapshot, Ctrl-C kept apart.

`Snapshot.take()` records, before the learner's code runs, what a function could change behind the check's back:
the attributes of every loaded `utils` module (the library, the exercise engine, the references), the code and
defaults of their functions, the contents of their module-level dicts / lists / sets and of their classes, the
attributes of `builtins`, `math`, `copy`, `numpy`, `numpy.random` (incl. `mtrand`), `numpy.linalg`,
`sys.stdout` / `sys.stderr`, and the global random states of NumPy and of `random`. `restore()` puts everything
back and returns the names that had changed (the random states are put back silently: `np.random.seed(seed)` is
how the course seeds some exercises, not a change to the library).

`Deadline(seconds)` stops the code of the thread that opened it when the time runs out: a timer thread raises
`CheckTimeout` in it (`PyThreadState_SetAsyncExc`, delivered between two bytecodes, in any thread, also in a
Jupyter kernel); once raised, it is raised again on every line of the learner's code until it reaches the check
(a tracer, see `CheckTimeout`), so a bare `except:` cannot swallow it, and the timer fires again every half
second in case it was swallowed before the tracer ran. A call that blocks inside C (a `time.sleep`, one enormous
matrix product) is stopped when it returns.

`Interrupts()` tells a real Ctrl-C from a `KeyboardInterrupt` the learner's code raises itself: in the main
thread it wraps the SIGINT handler for the check's duration and notes a real one (which the check re-raises, so
the cell stops as the learner asked); signals only ever reach the main thread, so in another thread every
`KeyboardInterrupt` comes from code.
"""

from __future__ import annotations

import builtins
import copy
import inspect
import math
import random
import signal
import sys
import threading

import numpy as np

_MISSING = object()
_IGNORED_KEYS = frozenset({"__warningregistry__"})   # written by the warnings machinery, not by the learner


class CheckTimeout(BaseException):
    """Raised in the checking thread when the time limit runs out (a BaseException: `except Exception` in the
    learner's code does not swallow it).

    Python creates the exception in the thread it stops, and its creation arms a line tracer there (`_arm`) that
    raises it again on every line of the learner's code (not in the library, NumPy or the standard library): a
    bare `except:` in the learner's loop cannot swallow it for good. The check removes the tracer (`disarm`) once
    the exception is back in its hands.
    """

    def __init__(self, *args):
        super().__init__(*args)
        _arm()


_TRUSTED = frozenset({"utils", "numpy"}) | frozenset(getattr(sys, "stdlib_module_names", ()))
_tracing = threading.local()


def _stop_everywhere(frame, event, arg):
    """The tracer of a stopped check: raise CheckTimeout again on every line of the learner's code (a notebook's,
    a test's), never inside the library, NumPy or the standard library (a context manager's __exit__ there must
    run to the end, to put back the warning filters or NumPy's error state)."""
    if event in ("call", "line") and (frame.f_globals.get("__name__") or "").split(".")[0] not in _TRUSTED:
        raise CheckTimeout
    return _stop_everywhere


def _arm():
    if getattr(_tracing, "armed", False):
        return
    _tracing.armed = True
    _tracing.previous = sys.gettrace()
    sys.settrace(_stop_everywhere)
    frame = sys._getframe(1)
    while frame is not None:
        frame.f_trace = _stop_everywhere
        frame = frame.f_back


def disarm():
    """Remove the stopped check's tracer from this thread (and put back the one before: a debugger, coverage)."""
    if not getattr(_tracing, "armed", False):
        return
    _tracing.armed = False
    sys.settrace(_tracing.previous)
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_trace is _stop_everywhere:
            frame.f_trace = None
        frame = frame.f_back


def _watched_modules():
    """The modules whose attributes a learner's function must leave alone: builtins first, this engine next."""
    fixed = [builtins, sys.modules[__name__], math, copy, np, np.random, np.random.mtrand, np.linalg]
    seen = {id(m) for m in fixed}
    mods = list(fixed)
    for name, module in list(sys.modules.items()):
        if module is not None and (name == "utils" or name.startswith("utils.")) and id(module) not in seen:
            seen.add(id(module))
            mods.append(module)
    return mods


def _module_name(module) -> str:
    name = getattr(module, "__name__", "?")
    return {"numpy": "np", "numpy.random": "np.random", "numpy.linalg": "np.linalg",
            "numpy.random.mtrand": "np.random.mtrand"}.get(name, name)


def _owned(value, prefix: str) -> bool:
    return (getattr(value, "__module__", None) or "").startswith(prefix)


class Snapshot:
    """What the learner's code could change, recorded once; `changed()` names the differences, `restore()` undoes
    them (see the module's docstring)."""

    def __init__(self):
        self.modules = [(m, _module_name(m), m.__dict__, dict(m.__dict__)) for m in _watched_modules()]
        functions, classes, containers, seen = [], [], [], set()
        for module, label, _, attrs in self.modules:
            if not label.startswith("utils"):
                continue
            for key, value in attrs.items():
                where = f"{label}.{key}"
                if id(value) in seen:   # one object imported by several modules: recorded (and named) once
                    continue
                seen.add(id(value))
                if inspect.isfunction(value) and _owned(value, "utils"):
                    functions.append((value, where, value.__code__, value.__defaults__, value.__kwdefaults__))
                elif inspect.isclass(value) and _owned(value, "utils"):
                    classes.append((value, where, dict(vars(value))))
                elif type(value) in (dict, list, set):
                    containers.append((value, where, type(value)(value)))
        self.functions, self.classes, self.containers = functions, classes, containers
        self.streams = (sys.stdout, sys.stderr)
        self.numpy_random = np.random.mtrand._rand
        self.numpy_state = self.numpy_random.get_state()
        self.python_random = random._inst
        self.python_state = self.python_random.getstate()

    @classmethod
    def take(cls) -> "Snapshot":
        return cls()

    def changed(self) -> list[str]:
        """The names the learner's code changed since the snapshot (empty when none), without restoring."""
        return self._compare(fix=False)

    def restore(self) -> list[str]:
        """Put back everything recorded; return the names that had changed (the random states not counted)."""
        # builtins and this module first, by plain dict operations: what follows then runs on the original names
        # even if the learner replaced `isinstance`, `setattr` or one of this module's helpers
        first = []
        for _, label, now, before in self.modules[:2]:
            for key, value in before.items():
                if now.get(key, _MISSING) is not value:
                    first.append(f"{label}.{key}")
                    now[key] = value
        names = first + self._compare(fix=True)
        try:
            self.numpy_random.set_state(self.numpy_state)
            self.python_random.setstate(self.python_state)
        except Exception:   # pragma: no cover - a state object replaced by something that refuses it
            pass
        return names

    def _compare(self, fix: bool) -> list[str]:
        names = []
        for module, label, now, before in self.modules:
            for key, value in before.items():
                if now.get(key, _MISSING) is not value and key not in _IGNORED_KEYS:
                    names.append(f"{label}.{key}")
                    if fix:
                        now[key] = value
            added = [key for key in now if key not in before and key not in _IGNORED_KEYS
                     and not (inspect.ismodule(now[key]) and now[key].__name__ == f"{module.__name__}.{key}")]
            for key in added:   # an attribute added by the learner (a submodule imported lazily is not counted)
                names.append(f"{label}.{key}")
                if fix:
                    del now[key]
        for fn, where, code, defaults, kwdefaults in self.functions:
            if fn.__code__ is not code or fn.__defaults__ is not defaults or fn.__kwdefaults__ is not kwdefaults:
                names.append(f"{where} (its code)")
                if fix:
                    fn.__code__, fn.__defaults__, fn.__kwdefaults__ = code, defaults, kwdefaults
        for cls, where, before in self.classes:
            now = dict(vars(cls))
            different = [key for key in before.keys() | now.keys()
                         if now.get(key, _MISSING) is not before.get(key, _MISSING) and key != "__weakref__"]
            for key in sorted(different):
                names.append(f"{where}.{key}")
                if fix:
                    if key in before:
                        setattr(cls, key, before[key])
                    else:
                        delattr(cls, key)
        for container, where, before in self.containers:
            if _container_changed(container, before):
                names.append(f"{where} (its contents)")
                if fix:
                    if isinstance(container, dict):
                        container.clear()
                        container.update(before)
                    elif isinstance(container, list):
                        container[:] = before
                    else:
                        container.clear()
                        container.update(before)
        if (sys.stdout, sys.stderr) != self.streams:
            names.append("sys.stdout / sys.stderr")
            if fix:
                sys.stdout, sys.stderr = self.streams
        return names


def _container_changed(container, before) -> bool:
    if len(container) != len(before):
        return True
    if isinstance(container, dict):
        return any(container.get(key, _MISSING) is not value for key, value in before.items())
    if isinstance(container, list):
        return any(a is not b for a, b in zip(container, before))
    return container != before


# ---- the time limit -------------------------------------------------------------------------------------

def _async_raise(thread_id: int, exception) -> bool:
    """Raise `exception` (a class, or None to cancel a pending one) in thread `thread_id` at its next bytecode."""
    try:
        import ctypes
        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):   # pragma: no cover - not CPython
        return False
    argument = ctypes.py_object(exception) if exception is not None else None
    return set_async_exc(ctypes.c_ulong(thread_id), argument) == 1


class Deadline:
    """`with Deadline(seconds):` raise CheckTimeout in this thread once `seconds` have passed (None: no limit).

    `finish()` (called by `__exit__`, and safe to call twice) stops the timer and cancels an exception that was
    set but not delivered yet, so none can escape after the block; an exception delivered inside `finish`
    itself propagates like one delivered inside the block.
    """

    RETRY = 0.5   # seconds between two attempts when the learner's code swallowed the first

    def __init__(self, seconds: float | None):
        self.seconds = seconds if seconds is not None and seconds > 0 and math.isfinite(seconds) else None
        self.fired = False
        self._done = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread_id = threading.get_ident()

    def __enter__(self):
        if self.seconds is not None:
            threading.Thread(target=self._watch, name="exercise-check-time-limit", daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.finish()
        return False

    def _watch(self):
        if self._wake.wait(self.seconds):
            return
        while True:
            with self._lock:
                if self._done:
                    return
                self.fired = True
                _async_raise(self._thread_id, CheckTimeout)
            if self._wake.wait(self.RETRY):
                return

    def finish(self):
        with self._lock:
            already = self._done
            self._done = True
            if self.fired and not already:
                _async_raise(self._thread_id, None)
        self._wake.set()


# ---- Ctrl-C ---------------------------------------------------------------------------------------------

class Interrupts:
    """`with Interrupts() as watch:` ... `watch.real`: whether a KeyboardInterrupt came from a real SIGINT."""

    def __init__(self):
        self.real = False
        self._installed = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            try:
                self._previous = signal.getsignal(signal.SIGINT)
                signal.signal(signal.SIGINT, self._on_sigint)
                self._installed = True
            except (ValueError, OSError, AttributeError, TypeError):   # not the main interpreter, no signals
                self._installed = False
        return self

    def __exit__(self, *exc):
        if self._installed:
            try:
                signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.SIG_DFL)
            except (ValueError, OSError, TypeError):   # pragma: no cover
                pass
        return False

    def _on_sigint(self, signum, frame):
        self.real = True
        previous = self._previous
        if previous is signal.SIG_IGN:
            return None
        if callable(previous):
            return previous(signum, frame)   # ipykernel's and Python's: default_int_handler raises KeyboardInterrupt
        raise KeyboardInterrupt

    def is_real(self, error: BaseException) -> bool:
        """A KeyboardInterrupt from a real Ctrl-C (True) or raised by code (False)."""
        return isinstance(error, KeyboardInterrupt) and self.real
