"""What keeps a check standing whatever the learner's function does: a time limit, a snapshot, Ctrl-C kept apart.

`Snapshot.take()` records, before the learner's code runs, what a function could change behind the check's back:
the attributes of every loaded `utils` and `numpy` module (the library, the exercise engine, the references, NumPy's
internals such as `numpy._core.numeric.isclose`), the code and defaults of their functions (NumPy's dispatched
functions' implementations too) and of their classes' methods, the contents of their classes and of their
module-level dicts / lists / sets, the entries of `sys.modules` under those names, the attributes of `builtins` and
of the standard modules the engine relies on (`sys`, `os`, `ctypes` and `ctypes.pythonapi`, `threading`,
`_thread`, `signal`, `inspect`, `warnings`, `random`...), `sys.meta_path`, `sys.stdout` / `sys.stderr`, the
engine's environment variables, and the global random states of NumPy and of `random`. `restore()` puts everything
back and returns the names that had changed (the random states are put back silently: `np.random.seed(seed)` is
how the course seeds some exercises, not a change to the library). `changed()`, run after every call of the
learner's function, compares the part the engine uses between two calls (builtins, `utils`, NumPy's public
namespaces, `sys.modules`); `restore()`, at the end of the check, compares all of it, so the verdict never rests on
anything the learner's code changed. All of it is compared in a few passes in C, by identity (no method of the
learner's objects runs): on the project's 2-core machine about 0.5 ms to take, 0.2 ms after each call and 1 ms at
the end, a check about 0.7 ms slower than when only NumPy's top-level namespaces were watched (see
`tests/test_exercises.py::test_the_snapshot_stays_cheap`). What a restore takes out of the library is kept, never
freed (its `__del__` would run the learner's code after the time limit). Limitations: an object reachable only
through a closure or an instance (not a module, a class of utils or NumPy, or a module-level container) is not
watched, nor a class of the standard library; a module first imported during the check is accepted when it looks
imported (its file under the real install folder), not compared with its source; the guard's own caches are not
defended against code that targets them by name.

`Deadline(seconds)` stops the code of the thread that opened it when the time runs out: a timer thread raises
`CheckTimeout` in it (`PyThreadState_SetAsyncExc`, delivered between two bytecodes, in any thread, also in a
Jupyter kernel); once raised, it is raised again on every line of the learner's code until it reaches the check
(a tracer, see `CheckTimeout`), so a bare `except:` cannot swallow it, and the timer fires again every half
second in case it was swallowed before the tracer ran. Everything this relies on is bound when this module is
imported (`sys.settrace`, ctypes' `PyThreadState_SetAsyncExc`, `_thread`'s locks and threads, the signal
functions), the timer thread runs before the learner's code does, and before each attempt it puts back the
engine (builtins, this module, `core`, their functions' code and classes) in case the learner's code replaced a
piece of it. Code counts as the library's (where the tracer does not raise, so a context manager's `__exit__`
there runs to its end) by its code object's file, under the real NumPy, `utils` or standard-library folders, and
only if that file, compiled again, holds the same code: not by the module name in its globals. Limitation: a loop
that runs entirely inside C without returning to Python (`sum(itertools.count())`, one enormous matrix product, a
long `time.sleep`) cannot be interrupted in-process; it is stopped when it returns, if it does.

`Interrupts()` tells a real Ctrl-C from a `KeyboardInterrupt` the learner's code raises itself: in the main
thread it wraps the SIGINT handler for the check's duration and notes a real one (which the check re-raises, so
the cell stops as the learner asked); signals only ever reach the main thread, so in another thread every
`KeyboardInterrupt` comes from code.

Threads: `thread_state()` before the learner's code and `new_threads(state)` after it name the threads it left
running (a thread that patches the library after the check would escape the snapshot); `NotingThreads` notes the
threads started through `_thread` / `threading` during a call, so one that has not begun yet is waited for;
`describe_threads` says what they run; `stop_threads` raises `SystemExit` in them (delivered when the thread is
back in Python: one blocked in C, or one that swallows it, keeps running), and `still_running` says which are still
alive later. Limitation: a thread started through a reference to `_thread.start_new_thread` the learner's code
kept from before the check, in its very last call, may not have begun when the check looks.
"""

from __future__ import annotations

import _random
import _thread
import builtins
import copy  # noqa: F401 - watched: the engine copies every input with it
import ctypes
import io
import math
import os
import random
import signal
import sys
import sysconfig
import threading
import time
import types
from itertools import chain, repeat
from operator import attrgetter, is_not, itemgetter, methodcaller

import numpy as np

try:
    import _imp
except ImportError:   # pragma: no cover - not CPython
    _imp = None

_MISSING = object()
_IGNORED_KEYS = frozenset({"__warningregistry__"})   # written by the warnings machinery, not by the learner
_IGNORED = {   # attributes that change without the learner: the streams (compared on their own), the REPL's
    "sys": frozenset({"stdout", "stderr", "last_type", "last_value", "last_traceback", "last_exc", "ps1", "ps2"}),
    "builtins": frozenset({"_"}),
}

# ---- bound now: the learner's code cannot replace what the guard relies on ---------------------------------

_settrace, _gettrace, _getframe, _current_frames = sys.settrace, sys.gettrace, sys._getframe, sys._current_frames
_get_ident, _allocate_lock, _start_new_thread, _thread_count = (_thread.get_ident, _thread.allocate_lock,
                                                                 _thread.start_new_thread, _thread._count)
_sleep = time.sleep
_MAIN_THREAD_ID = threading.main_thread().ident
_signal, _getsignal, _SIGINT = signal.signal, signal.getsignal, signal.SIGINT
_SIG_IGN, _SIG_DFL = signal.SIG_IGN, signal.SIG_DFL
_SYS_MODULES, _ENVIRON = sys.modules, os.environ
_compile, _open = builtins.compile, io.open
_type_setattr, _type_delattr = type.__setattr__, type.__delattr__
_class_dict = type.__dict__["__dict__"].__get__   # a class's namespace, whatever its metaclass pretends
_class_mro = type.__dict__["__mro__"].__get__
_class_name = type.__dict__["__name__"].__get__
_ModuleType, _FunctionType, _CodeType = types.ModuleType, types.FunctionType, types.CodeType
_random_getstate, _random_setstate = _random.Random.getstate, _random.Random.setstate
_OPTIMIZE = sys.flags.optimize
_IMMUTABLE_TYPE = 1 << 8   # Py_TPFLAGS_IMMUTABLETYPE: a class whose attributes cannot be set (C types)
# what the REPL, IPython and ipykernel rebind for each cell (not compared from one check to a later one)
_INTERACTIVE_BUILTINS = frozenset({"input", "display", "get_ipython", "exit", "quit", "__IPYTHON__", "_", "__", "___",
                                   "help", "copyright", "credits", "license", "dreload"})


def _set_async_exc_function():
    """A private pointer to PyThreadState_SetAsyncExc (not the one cached on `ctypes.pythonapi`)."""
    try:
        return ctypes.pythonapi._FuncPtr(("PyThreadState_SetAsyncExc", ctypes.pythonapi))
    except (AttributeError, TypeError, ValueError):   # pragma: no cover - not CPython
        return None


_SET_ASYNC_EXC = _set_async_exc_function()
_C_ULONG, _PY_OBJECT = ctypes.c_ulong, ctypes.py_object
# deleting these three attributes of a ctypes function puts back its prototype's (no errcheck, int, no argtypes)
_FUNCPTR_RESETS = tuple(type(_SET_ASYNC_EXC).__mro__[1].__dict__[name].__delete__
                        for name in ("errcheck", "restype", "argtypes")) if _SET_ASYNC_EXC is not None else ()


class _Private(dict):
    """The guard's own bookkeeping: a dict the snapshot does not compare (only exact dicts are containers)."""


_TRUST = _Private()     # id of a code object -> (the code object, trusted)
_FILES = _Private()     # file name -> the code objects that file holds, compiled again
_ENGINE = _Private(modules=(), functions=(), classes=(), codes=frozenset())
_STRUCTURE = _Private()  # the last snapshot's functions / classes / containers, reused while nothing moved
# what a restore took out of the library (a learner's object put in utils.deep...), kept for good: freed, its
# __del__ would run the learner's code after the time limit (an endless one would hang the check)
class _Kept(list):
    """A list the snapshot does not compare (only exact lists are containers)."""


_KEPT = _Kept()


def _keep(value) -> None:
    if value is not _MISSING:
        _KEPT.append(value)


# ---- the time limit --------------------------------------------------------------------------------------

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


_tracing = threading.local()


def _folder(path: str) -> str:
    return os.path.join(os.path.abspath(path), "")


_LIBRARY_DIRS = tuple({_folder(os.path.dirname(np.__file__)), _folder(os.path.realpath(os.path.dirname(np.__file__))),
                       _folder(os.path.dirname(os.path.dirname(__file__))),
                       _folder(os.path.realpath(os.path.dirname(os.path.dirname(__file__))))})
_STDLIB_DIRS = tuple({_folder(p) for key in ("stdlib", "platstdlib") for p in
                      (sysconfig.get_paths()[key], os.path.realpath(sysconfig.get_paths()[key]))})
_THIRD_PARTY = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)


def _trusted_path(filename: str) -> bool:
    """A file of the real NumPy / utils install folders, or of the standard library (not its site-packages)."""
    if filename.startswith(_LIBRARY_DIRS):
        return True
    return filename.startswith(_STDLIB_DIRS) and not any(part in filename for part in _THIRD_PARTY)


def _code_set(code, out: set) -> set:
    stack = [code]
    while stack:
        c = stack.pop()
        if c not in out:
            out.add(c)
            stack.extend(k for k in c.co_consts if type(k) is _CodeType)
    return out


def _genuine_codes(filename: str) -> frozenset:
    """Every code object the file `filename` holds, compiled again from its source (a frozen module: from the
    interpreter's table); empty for a file outside the trusted folders."""
    codes = _FILES.get(filename)
    if codes is None:
        codes = frozenset()
        try:
            if filename.startswith("<frozen ") and filename.endswith(">"):
                name = filename[len("<frozen "):-1]
                if _imp is not None and _imp.is_frozen(name):
                    codes = frozenset(_code_set(_imp.get_frozen_object(name), set()))
            elif _trusted_path(filename):
                with _open(filename, "rb") as source:
                    text = source.read()
                codes = frozenset(_code_set(_compile(text, filename, "exec", dont_inherit=True, optimize=_OPTIMIZE),
                                            set()))
        except (OSError, SyntaxError, ValueError, ImportError):
            codes = frozenset()
        _FILES[filename] = codes
    return codes


def _trusted(code) -> bool:
    """The library's, NumPy's or the standard library's own code (decided by its file, checked by compiling it)."""
    entry = _TRUST.get(id(code))
    if entry is None or entry[0] is not code:
        entry = (code, code in _ENGINE["codes"] or code in _genuine_codes(code.co_filename))
        _TRUST[id(code)] = entry
    return entry[1]


def _stop_everywhere(frame, event, arg):
    """The tracer of a stopped check: raise CheckTimeout again on every line of the learner's code (a notebook's,
    a test's), never inside the library, NumPy or the standard library (a context manager's __exit__ there must
    run to the end, to put back the warning filters or NumPy's error state)."""
    if (event == "call" or event == "line") and not _trusted(frame.f_code):
        raise CheckTimeout
    return _stop_everywhere


def _arm():
    """Install the tracer in this thread (again, if the learner's code removed it since)."""
    local = _tracing.__dict__
    if not local.get("armed"):
        local["armed"] = True
        local["previous"] = _gettrace()
    if _gettrace() is not _stop_everywhere:
        _settrace(_stop_everywhere)
    frame = _getframe(1)
    while frame is not None:
        frame.f_trace = _stop_everywhere
        frame = frame.f_back


def disarm():
    """Remove the stopped check's tracer from this thread (and put back the one before: a debugger, coverage)."""
    local = _tracing.__dict__
    if not local.get("armed"):
        return
    local["armed"] = False
    _settrace(local.get("previous"))
    frame = _getframe(1)
    while frame is not None:
        if frame.f_trace is _stop_everywhere:
            frame.f_trace = None
        frame = frame.f_back


def _async_raise(thread_id: int, exception) -> bool:
    """Raise `exception` (a class, or None to cancel a pending one) in thread `thread_id` at its next bytecode."""
    if _SET_ASYNC_EXC is None:   # pragma: no cover - not CPython
        return False
    for reset in _FUNCPTR_RESETS:
        reset(_SET_ASYNC_EXC)
    argument = _PY_OBJECT(exception) if exception is not None else None
    return _SET_ASYNC_EXC(_C_ULONG(thread_id), argument) == 1


def _watch(seconds, retry, target, exception, started, wake, lock, state, engine, repaired):
    """The timer thread: everything it uses is in its arguments, bound before the learner's code ran."""
    fix, fix_code, fix_defaults, fix_state = engine if engine is not None else (None, None, None, None)
    set_async_exc, resets = _SET_ASYNC_EXC, _FUNCPTR_RESETS
    started.release()
    if wake.acquire(True, seconds):
        return
    while True:
        with lock:
            if state[0]:
                return
            state[1] = True
            if fix is not None:   # put the engine back: the learner's code may have replaced a piece of the stop
                try:
                    if fix.__code__ is not fix_code or fix.__defaults__ is not fix_defaults:
                        fix.__code__, fix.__defaults__ = fix_code, fix_defaults
                    repaired.extend(fix(fix_state))
                except Exception:   # pragma: no cover - stopping comes first
                    pass
            for reset in resets:
                reset(set_async_exc)
            set_async_exc(target, exception)
        if wake.acquire(True, retry):
            return


class Deadline:
    """`with Deadline(seconds):` raise CheckTimeout in this thread once `seconds` have passed (None: no limit).

    `finish()` (called by `__exit__`, safe to call again, and called again by the check after the engine is put
    back) stops the timer and cancels an exception that was set but not delivered yet, so none can escape after
    the block; an exception delivered inside `finish` itself propagates like one delivered inside the block.
    `engine`: `engine_state()`, put back by the timer before each attempt (`repaired` lists what it put back).
    """

    RETRY = 0.5   # seconds between two attempts when the learner's code swallowed the first

    def __init__(self, seconds: float | None, engine=None):
        self.seconds = seconds if seconds is not None and seconds > 0 and math.isfinite(seconds) else None
        self.repaired: list[str] = []
        self._state = [False, False]   # done, fired
        self._lock = _allocate_lock()
        self._wake = _allocate_lock()
        self._wake.acquire()
        self._target = _C_ULONG(_get_ident())
        self._exception = _PY_OBJECT(CheckTimeout)
        self._engine = engine
        self._retry = self.RETRY

    @property
    def fired(self) -> bool:
        return self._state[1]

    def __enter__(self):
        if self.seconds is not None and _SET_ASYNC_EXC is not None:
            started = _allocate_lock()
            started.acquire()
            _start_new_thread(_watch, (self.seconds, self._retry, self._target, self._exception, started, self._wake,
                                       self._lock, self._state, self._engine, self.repaired))
            started.acquire()   # the timer runs before the learner's code does
        return self

    def __exit__(self, *exc):
        self.finish()
        return False

    def finish(self):
        with self._lock:
            self._state[0] = True
            fired = self._state[1]
        if fired:
            for reset in _FUNCPTR_RESETS:
                reset(_SET_ASYNC_EXC)
            _SET_ASYNC_EXC(self._target, None)   # cancel an exception set but not delivered yet
        if self._wake.locked():
            try:
                self._wake.release()
            except RuntimeError:   # pragma: no cover - released by a call that was interrupted
                pass


# ---- the engine: put back first, by code that cannot have been replaced ----------------------------------

def _members(cls):
    """The functions of a class: its methods, static and class methods, properties' accessors."""
    for key, value in list(_class_dict(cls).items()):
        if type(value) in (staticmethod, classmethod):
            value = value.__func__
        if type(value) is property:
            for i, accessor in enumerate((value.fget, value.fset, value.fdel)):
                if type(accessor) is _FunctionType:
                    yield f"{key}.{('getter', 'setter', 'deleter')[i]}", accessor
        elif type(value) is _FunctionType:
            yield key, value


def register_engine(module) -> None:
    """Count `module` (the engine's core) with this one: its functions' code, its classes and its attributes are
    put back before anything else after a check (and by the timer), and its code is trusted by the tracer."""
    modules = tuple(m for m in _ENGINE["modules"] if m is not module) + (module,)
    functions, classes, codes = [], [], set()
    for m in modules:
        for key, value in list(vars(m).items()):
            if type(value) is _FunctionType and value.__module__ == m.__name__:
                functions.append((value, f"{m.__name__}.{key}"))
            elif isinstance(value, type) and value.__module__ == m.__name__:
                classes.append((value, f"{m.__name__}.{key}"))
                functions.extend((fn, f"{m.__name__}.{key}.{name}") for name, fn in _members(value))
    for fn, _ in functions:
        _code_set(fn.__code__, codes)
    _ENGINE.update(modules=modules, functions=tuple(functions), classes=tuple(classes), codes=frozenset(codes))


def engine_state():
    """What `_restore_engine` needs, taken before the learner's code runs: (function, its code, its defaults,
    state). The caller checks the function's code before calling it (the learner's code could replace it)."""
    bdict = vars(builtins)
    state = (bdict, tuple(bdict.items()),
             tuple((m.__name__, vars(m), tuple(vars(m).items())) for m in _ENGINE["modules"]),
             tuple((fn, where, fn.__code__, fn.__defaults__, fn.__kwdefaults__) for fn, where in _ENGINE["functions"]),
             tuple((cls, where, tuple(_class_dict(cls).items())) for cls, where in _ENGINE["classes"]),
             _type_setattr, _type_delattr, _class_dict, _KEPT)
    return _restore_engine, _restore_engine.__code__, _restore_engine.__defaults__, state


def _restore_engine(state) -> list:
    """Put back builtins, the engine's modules, its functions' code and its classes; return what had changed.
    Only dict operations and what `state` holds: nothing the learner's code could have replaced."""
    bdict, bitems, spaces, functions, classes, set_attribute, delete_attribute, class_dict, kept = state
    names = []
    for key, value in bitems:
        if bdict.get(key, state) is not value:
            kept.append(bdict.get(key))
            bdict[key] = value
            names.append("builtins." + key)
    for label, space, items in spaces:
        for key, value in items:
            if space.get(key, state) is not value:
                kept.append(space.get(key))
                space[key] = value
                names.append(label + "." + key)
    for fn, where, code, defaults, kwdefaults in functions:
        if fn.__code__ is not code or fn.__defaults__ is not defaults or fn.__kwdefaults__ is not kwdefaults:
            fn.__code__, fn.__defaults__, fn.__kwdefaults__ = code, defaults, kwdefaults
            names.append(where + " (its code)")
    for cls, where, items in classes:
        now = class_dict(cls)
        keep = {key for key, _ in items}
        for key, value in items:
            if now.get(key, state) is not value and key != "__weakref__":
                kept.append(now.get(key))
                set_attribute(cls, key, value)
                names.append(where + "." + key)
        for key in [key for key in list(now) if key not in keep]:
            kept.append(now.get(key))
            delete_attribute(cls, key)
            names.append(where + "." + key)
    return names


# ---- the snapshot ------------------------------------------------------------------------------------------

_NUMPY_LIGHT = ("numpy", "numpy.random", "numpy.random.mtrand", "numpy.linalg")
_STDLIB_WATCHED = ("math", "copy", "sys", "os", "ctypes", "threading", "_thread", "signal", "inspect", "warnings",
                   "contextlib", "types", "numbers", "operator", "functools", "itertools", "random", "io")
_LABELS = {"numpy": "np", "numpy.random": "np.random", "numpy.linalg": "np.linalg",
           "numpy.random.mtrand": "np.random.mtrand"}
_values, _copy = methodcaller("values"), methodcaller("copy")
_get_code, _get_defaults = attrgetter("__code__"), attrgetter("__defaults__")
_get_kwdefaults = attrgetter("__kwdefaults__")


def _owned(value, prefix: str) -> bool:
    """Defined in the module `prefix` (utils) or under it (NumPy: `numpy._core.numeric`, `numpy`...)."""
    module = getattr(value, "__module__", None)
    return type(module) is str and (module == prefix or prefix == "numpy" and module.startswith("numpy."))


def _library_name(name) -> bool:
    return type(name) is str and (name in ("utils", "numpy") or name.startswith(("utils.", "numpy.")))


def _watched():
    """[(label, module name, namespace dict, light, library)]: builtins and this module first, then `utils`,
    NumPy's public namespaces, the rest of NumPy, the standard modules the engine relies on. Reused while
    `sys.modules` holds the same modules under the same names."""
    cached = _STRUCTURE.get("watched")
    if cached is not None and cached[0] == len(_SYS_MODULES) and \
            list(map(id, map(_SYS_MODULES.get, cached[1]))) == cached[2]:
        return cached[3]
    me = _ENGINE["modules"][0] if _ENGINE["modules"] else _SYS_MODULES[__name__]
    out = [("builtins", "builtins", vars(builtins), True, True), (me.__name__, me.__name__, vars(me), True, True)]
    seen = {id(builtins), id(me)}
    utils, numpy = [], []
    for name, module in list(_SYS_MODULES.items()):
        if type(module) is _ModuleType and _library_name(name) and id(module) not in seen:
            seen.add(id(module))
            (utils if name.startswith("utils") else numpy).append((name, module))
    for name, module in utils:
        out.append((name, name, vars(module), True, True))
    for name, module in sorted(numpy, key=lambda item: item[0] not in _NUMPY_LIGHT):
        out.append((_LABELS.get(name, name), name, vars(module), name in _NUMPY_LIGHT, True))
    for name in _STDLIB_WATCHED:
        module = _SYS_MODULES.get(name)
        if type(module) is _ModuleType and id(module) not in seen:
            seen.add(id(module))
            out.append((name, name, vars(module), name in ("math", "copy"), name in ("math", "copy")))
    entries = [(name, module) for name, module in list(_SYS_MODULES.items()) if _library_name(name)]
    names, modules = tuple(name for name, _ in entries), [id(module) for _, module in entries]
    pythonapi = getattr(ctypes, "pythonapi", None)
    if pythonapi is not None:
        out.append(("ctypes.pythonapi", "ctypes.pythonapi", vars(pythonapi), False, False))
    _STRUCTURE["watched"] = (len(_SYS_MODULES), names, modules, out, entries)
    return out


def _library_modules() -> list:
    """[(name, module)] of `sys.modules` under utils / numpy, as `_watched` last saw them."""
    _watched()
    return _STRUCTURE["watched"][4]


def _looks_imported(name: str, module) -> bool:
    """A module the import system loaded from the real install folders (a lazily imported submodule)."""
    if type(module) is not _ModuleType:
        return False
    attrs = vars(module)
    filename = attrs.get("__file__")
    return (attrs.get("__name__") == name and type(filename) is str and _trusted_path(filename)
            and os.path.exists(filename))


def _last_keys(dicts) -> list:
    return list(map(next, map(reversed, dicts), repeat(None)))


class _Dicts:
    """Many dicts (or class namespaces) recorded and compared at once: a copy of each, then their lengths, their
    values' identities (in order) and their last keys, each in one pass in C (no method of a learner's object runs,
    and no other thread can change them halfway). A key renamed anywhere but last moves the values after it."""

    __slots__ = ("dicts", "copies")

    def __init__(self, dicts, copies=None):
        self.dicts = dicts
        self.copies = list(map(_copy, dicts)) if copies is None else copies

    def moved(self) -> bool:
        now, copies = self.dicts, self.copies
        return (list(map(len, now)) != list(map(len, copies))
                or any(map(is_not, chain.from_iterable(map(_values, now)), chain.from_iterable(map(_values, copies))))
                or any(map(is_not, _last_keys(now), _last_keys(copies))))

    def before(self, i: int) -> dict:
        return self.copies[i]


class _Sequences:
    """Lists or sets recorded and compared at once, by the identities of their items (in their order)."""

    __slots__ = ("items", "copies")

    def __init__(self, items):
        self.items = items
        self.copies = list(map(list, items))

    def moved(self) -> bool:
        return (list(map(len, self.items)) != list(map(len, self.copies))
                or any(map(is_not, chain.from_iterable(self.items), chain.from_iterable(self.copies))))

    def before(self, i: int) -> list:
        return self.copies[i]


class _Functions:
    """Functions' code, defaults and keyword defaults, recorded and compared at once (by identity)."""

    __slots__ = ("functions", "labels", "library", "codes", "defaults", "kwdefaults")

    def __init__(self, functions, labels, library):
        self.functions, self.labels, self.library = functions, labels, library
        self.codes = list(map(_get_code, functions))
        self.defaults = list(map(_get_defaults, functions))
        self.kwdefaults = list(map(_get_kwdefaults, functions))

    def moved(self) -> bool:
        functions = self.functions
        return (any(map(is_not, map(_get_code, functions), self.codes))
                or any(map(is_not, map(_get_defaults, functions), self.defaults))
                or any(map(is_not, map(_get_kwdefaults, functions), self.kwdefaults)))

    def compare(self, fix: bool, names: list, library_only: bool) -> None:
        if not self.moved():
            return
        for fn, where, library, code, defaults, kwdefaults in zip(self.functions, self.labels, self.library,
                                                                   self.codes, self.defaults, self.kwdefaults):
            if library_only and not library:
                continue
            if fn.__code__ is not code or fn.__defaults__ is not defaults or fn.__kwdefaults__ is not kwdefaults:
                names.append(f"{where} (its code)")
                if fix:
                    fn.__code__, fn.__defaults__, fn.__kwdefaults__ = code, defaults, kwdefaults


def _space_structure(label, name, space, engine, implementation):
    """The functions, classes and containers one module holds: [(object, where, light, library)] three times."""
    functions, classes, containers, seen = [], [], [], set()
    prefix = name.partition(".")[0]
    if prefix not in ("utils", "numpy"):
        return functions, classes, containers
    utils = prefix == "utils"
    library = name not in engine   # the engine's own bookkeeping (_PASSED) is not the library's
    owner = name if utils else prefix   # utils: where it is defined; NumPy: under its public names too
    for key, value in list(space.items()):
        if id(value) in seen or key in _IGNORED_KEYS:
            continue
        seen.add(id(value))
        where = f"{label}.{key}"
        kind = type(value)
        if kind is _FunctionType and _owned(value, owner):
            functions.append((value, where, utils, True))
        elif implementation is not None and kind is implementation and _owned(value, prefix):
            inner = getattr(value, "_implementation", None)
            if type(inner) is _FunctionType and id(inner) not in seen:
                seen.add(id(inner))
                functions.append((inner, where, False, True))
        elif issubclass(kind, type) and _owned(value, owner) and not value.__flags__ & _IMMUTABLE_TYPE:
            classes.append((value, where, utils, True))
            for member, fn in _members(value):
                if id(fn) not in seen:
                    seen.add(id(fn))
                    functions.append((fn, f"{where}.{member}", False, True))
        elif kind in (dict, list, set) and value is not _SYS_MODULES:   # sys.modules: compared on its own
            containers.append((value, where, utils, library))
    return functions, classes, containers


def _first_of_each(entries: list) -> list:
    """`entries` without the later ones for the same object (by identity), in order."""
    first = dict(zip(map(id, map(itemgetter(0), reversed(entries))), reversed(entries)))
    return list(map(first.__getitem__, dict.fromkeys(map(id, map(itemgetter(0), entries)))))


def _structure(spaces, fresh: dict, reuse: bool = False):
    """The functions, classes and containers the spaces hold: [(object, where, light, library)] three times, each
    object once (one imported by several modules is named after the first). A module's part is reused while the
    module holds the same values (`fresh`: id of a namespace -> its copy now; a module without one is not looked
    at again: NumPy's internals are not rebound between two checks). `reuse`: when every module holds the same
    objects as before, return (None, None, None, True) (the caller has them already); the last item says so."""
    memo = _STRUCTURE.setdefault("spaces", {})
    implementation = type(np.isclose) if hasattr(np.isclose, "_implementation") else None
    engine = {m.__name__ for m in _ENGINE["modules"]}
    found, same = ([], [], []), True
    for label, name, space, _, _ in spaces:
        now = fresh.get(id(space))
        known = memo.get(id(space))
        if known is None or known[0] is not space:
            same = False
        if not same or now is not None and (len(now) != len(known[1])
                                             or any(map(is_not, now.values(), known[1].values()))):
            result = _space_structure(label, name, space, engine, implementation)
            if known is None or known[0] is not space or _signature(result) != _signature(known[2]):
                same = False
                known = (space, now if now is not None else _copy(space), result)
            else:   # the same functions, classes and containers (another value moved): remember the values
                known = (space, now, known[2])
            memo[id(space)] = known
        for part, entries in zip(found, known[2]):
            part.append(entries)
    if same and reuse:
        return None, None, None, True
    functions, classes, containers = (_first_of_each(list(chain.from_iterable(part))) for part in found)
    for name in ("meta_path", "path_hooks"):
        value = getattr(sys, name, None)
        if type(value) is list:
            containers.append((value, f"sys.{name}", False, False))
    return functions, classes, containers, same


def _signature(parts) -> list:
    return [[(id(entry[0]), entry[1]) for entry in part] for part in parts]


class _Layout:
    """What one tier of a snapshot watches (the same from one check to the next while nothing moves): the light
    tier is what the engine uses between two calls of the learner's function, the other one the rest."""

    def __init__(self, spaces, functions, classes, containers):
        self.spaces = spaces                                  # [(label, name, dict, light, library)]
        self.space_dicts = [entry[2] for entry in spaces]
        self.ignored = [_IGNORED_KEYS | _IGNORED.get(entry[1], frozenset()) for entry in spaces]
        self.functions = [entry[0] for entry in functions]
        self.function_labels = [entry[1] for entry in functions]
        self.function_library = [entry[3] for entry in functions]
        self.classes = classes                                # [(class, where, light, library)]
        self.class_dicts = [_class_dict(entry[0]) for entry in classes]
        self.dicts = [entry for entry in containers if type(entry[0]) is dict]
        self.lists = [entry for entry in containers if type(entry[0]) is list]
        self.sets = [entry for entry in containers if type(entry[0]) is set]


class _Tier:
    """One tier of a snapshot: its layout and the state recorded."""

    def __init__(self, layout: _Layout, space_copies=None):
        self.layout = layout
        self.space_dicts = _Dicts(layout.space_dicts, space_copies)
        self.functions = _Functions(layout.functions, layout.function_labels, layout.function_library)
        self.class_dicts = _Dicts(layout.class_dicts)
        self.dict_contents = _Dicts([entry[0] for entry in layout.dicts])
        self.list_contents = _Sequences([entry[0] for entry in layout.lists])
        self.set_contents = _Sequences([entry[0] for entry in layout.sets])

    def compare(self, fix: bool, names: list, library_only: bool) -> None:
        layout = self.layout
        if self.space_dicts.moved():
            for i, (label, name, space, _, library) in enumerate(layout.spaces):
                if library or not library_only:
                    ignored = layout.ignored[i]
                    if library_only and name == "builtins":   # a kernel rebinds input, display... for each cell
                        ignored = ignored | _INTERACTIVE_BUILTINS
                    _compare_space(label, name, space, self.space_dicts.before(i), ignored, fix, names)
        self.functions.compare(fix, names, library_only)
        if self.class_dicts.moved():
            for i, (cls, where, _, library) in enumerate(layout.classes):
                if library or not library_only:
                    _compare_class(cls, where, self.class_dicts.before(i), fix, names)
        if self.dict_contents.moved():
            for i, (container, where, _, library) in enumerate(layout.dicts):
                before = self.dict_contents.before(i)
                if (library or not library_only) and _container_changed(container, before):
                    names.append(f"{where} (its contents)")
                    if fix:
                        _keep(dict(container))
                        container.clear()
                        container.update(before)
        for entries, contents in ((layout.lists, self.list_contents), (layout.sets, self.set_contents)):
            if contents.moved():
                for i, (container, where, _, library) in enumerate(entries):
                    before = contents.before(i)
                    if (library or not library_only) and _container_changed(container, before):
                        names.append(f"{where} (its contents)")
                        if fix:
                            _keep(list(container))
                            if type(container) is list:
                                container[:] = before
                            else:
                                container.clear()
                                container.update(before)


def _compare_space(label, name, now, before, ignored, fix, names) -> None:
    """A module's namespace against what it held: a value replaced or removed, an attribute added (a submodule
    imported lazily is not counted), a key that is not a name."""
    current = list(now.items())
    strange = [key for key, _ in current if type(key) is not str]
    for key, value in before.items():
        if key not in ignored and now.get(key, _MISSING) is not value:
            names.append(f"{label}.{key}")
            if fix:
                _keep(now.get(key, _MISSING))
                now[key] = value
    added = [key for key, value in current if type(key) is str and key not in before and key not in ignored
             and not _lazy_import(name, key, value)]
    for key in added:
        names.append(f"{label}.{key}")
        if fix:
            _keep(now.pop(key, _MISSING))
    if strange:
        names.append(f"{label} (a key that is not a name)")
        if fix:   # rebuilt, so that no comparison with the learner's key runs
            kept = [(key, value) for key, value in list(now.items()) if type(key) is str]
            _keep(list(now.items()))
            now.clear()
            now.update(kept)


def _lazy_import(name, key, value) -> bool:
    if name == "ctypes.pythonapi":   # ctypes caches each C function it is asked for
        return type(value) is type(_SET_ASYNC_EXC)
    full = f"{name}.{key}"
    return _looks_imported(full, value) and _SYS_MODULES.get(full) is value


def _compare_class(cls, where, before, fix, names) -> None:
    now = dict(_class_dict(cls))
    different = [key for key in before.keys() | now.keys()
                 if now.get(key, _MISSING) is not before.get(key, _MISSING) and key != "__weakref__"]
    for key in sorted(different):
        names.append(f"{where}.{key}")
        if fix:
            _keep(now.get(key, _MISSING))
            if key in before:
                _type_setattr(cls, key, before[key])
            else:
                _type_delattr(cls, key)


class Snapshot:
    """What the learner's code could change, recorded once; `changed()` names the differences in the part the
    engine uses between two calls, `restore()` compares everything, undoes it and names it (see the module's
    docstring). `environment`: the names of environment variables to watch too."""

    def __init__(self, environment=()):
        spaces = _watched()
        cached = _STRUCTURE.get("layouts")
        copies = {light: list(map(_copy, [entry[2] for entry in spaces if entry[3] is light]))
                  for light in (True, False)}
        if cached is None or cached[0] is not spaces or _Dicts(cached[1], copies[True]).moved():
            # something moved in utils since the last snapshot, or a module was imported: look for the functions,
            # classes and containers again (NumPy's internals are not rebound between two checks)
            light_dicts = [entry[2] for entry in spaces if entry[3]]
            reuse = cached is not None and cached[0] is spaces
            functions, classes, containers, same = _structure(spaces, dict(zip(map(id, light_dicts), copies[True])),
                                                              reuse)
            if same and reuse:
                layouts = cached[2]
            else:
                layouts = {light: _Layout([e for e in spaces if e[3] is light],
                                          [e for e in functions if e[2] is light],
                                          [e for e in classes if e[2] is light],
                                          [e for e in containers if e[2] is light]) for light in (True, False)}
            cached = (spaces, copies[True], layouts)
            _STRUCTURE["layouts"] = cached
        self.tiers = {light: _Tier(cached[2][light], copies[light]) for light in (True, False)}
        self.first = [(label, space, before, _IGNORED_KEYS | _IGNORED.get(name, frozenset()))
                      for (label, name, space, _, _), before in zip(spaces[:2], copies[True][:2])]
        modules = _library_modules()
        self.module_names = tuple(name for name, _ in modules)
        self.module_objects = [module for _, module in modules]
        self.module_ids = list(map(id, self.module_objects))
        self.module_keys = list(_SYS_MODULES)
        self.streams = (sys.stdout, sys.stderr)
        self.environment = [(name, _ENVIRON.get(name)) for name in environment]
        self.numpy_random = np.random.mtrand._rand
        self.numpy_state = self.numpy_random.get_state()
        self.python_random = random._inst
        self.python_state = (_random_getstate(self.python_random), vars(self.python_random).get("gauss_next"))

    @classmethod
    def take(cls, environment=()) -> "Snapshot":
        return cls(environment)

    def changed(self, everything: bool = False) -> list[str]:
        """The names the learner's code changed since the snapshot (empty when none), without restoring: the
        part the engine uses between two calls, or `everything`."""
        return self._differences(everything, fix=False)

    def restore(self, library_only: bool = False) -> list[str]:
        """Put back everything recorded; return the names that had changed (the random states not counted).
        `library_only`: only `utils`, NumPy, builtins and `sys.modules` (not the streams, the environment, the
        random states or the standard modules, which a test runner or a kernel changes between two checks)."""
        # builtins and this module first, by plain dict operations: what follows then runs on the original names
        # even if the learner replaced `isinstance`, `setattr` or one of this module's helpers
        first = []
        for label, space, before, ignored in self.first:
            if library_only and label == "builtins":
                ignored = ignored | _INTERACTIVE_BUILTINS
            for key, value in before.items():
                if space.get(key, _MISSING) is not value and key not in ignored:
                    first.append(f"{label}.{key}")
                    _keep(space.get(key, _MISSING))
                    space[key] = value
        names = first + self._differences(True, fix=True, library_only=library_only)
        if not library_only:
            try:
                self.numpy_random.set_state(self.numpy_state)
                _random_setstate(self.python_random, self.python_state[0])
                vars(self.python_random)["gauss_next"] = self.python_state[1]
            except Exception:   # pragma: no cover - a state object replaced by something that refuses it
                pass
        return list(dict.fromkeys(names))

    def _differences(self, everything: bool, fix: bool, library_only: bool = False) -> list[str]:
        names: list[str] = []
        for light in ((True, False) if everything else (True,)):
            self.tiers[light].compare(fix, names, library_only)
        self._compare_modules(everything, fix, names)
        if not library_only:
            if everything:
                for name, value in self.environment:
                    if _ENVIRON.get(name) != value:
                        names.append(f"os.environ[{name!r}]")
                        if fix:
                            if value is None:
                                _ENVIRON.pop(name, None)
                            else:
                                _ENVIRON[name] = value
            if (sys.stdout, sys.stderr) != self.streams:
                names.append("sys.stdout / sys.stderr")
                if fix:
                    sys.stdout, sys.stderr = self.streams
        return names

    def _compare_modules(self, everything: bool, fix: bool, names: list) -> None:
        """`sys.modules` under utils / numpy: an entry replaced or removed, and (everything) one added that the
        import system did not load."""
        modules = _SYS_MODULES
        if list(map(id, map(modules.get, self.module_names))) != self.module_ids:
            for name, module in zip(self.module_names, self.module_objects):
                if modules.get(name) is not module:
                    names.append(f"sys.modules[{name!r}]")
                    if fix:
                        _keep(modules.get(name, _MISSING))
                        modules[name] = module
        keys = self.module_keys
        if everything and (len(modules) != len(keys) or any(map(is_not, modules, keys))):
            known = set(self.module_names)
            for name in [name for name in list(modules) if _library_name(name) and name not in known]:
                if not _looks_imported(name, modules.get(name)):
                    names.append(f"sys.modules[{name!r}]")
                    if fix:
                        _keep(modules.pop(name, _MISSING))


def _container_changed(container, before) -> bool:
    if len(container) != len(before):
        return True
    if type(container) is dict:
        return (list(map(id, container.values())) != list(map(id, before.values()))
                or list(container) != list(before))
    if type(container) is list:
        return list(map(id, container)) != list(map(id, before))
    return set(map(id, container)) != set(map(id, before))


# ---- threads -------------------------------------------------------------------------------------------------

def thread_state():
    """The threads running now (their ids) and how many `_thread` started: taken before the learner's code."""
    return frozenset(_current_frames()), _thread_count()


class NotingThreads:
    """`with NotingThreads(noted):` while the learner's code runs, `_thread.start_new_thread` (which
    `threading.Thread.start` calls too) notes in `noted` a lock each thread it starts releases when it begins: a
    new thread may wait for the interpreter lock until after the check, so `new_threads` waits for them."""

    _NAMES = ((_thread, "start_new_thread"), (_thread, "start_new"), (threading, "_start_new_thread"))

    def __init__(self, noted: list):
        self.noted = noted
        self.before = []

    def __enter__(self):
        noted = self.noted

        def start_new_thread(function, args, kwargs=None):
            started = _allocate_lock()
            started.acquire()

            def begin(*args, **kwargs):
                started.release()
                return function(*args, **kwargs)

            ident = _start_new_thread(begin, args, {} if kwargs is None else kwargs)
            noted.append(started)
            return ident

        self.wrapper = start_new_thread
        self.before = [(module, name, vars(module).get(name, _MISSING)) for module, name in self._NAMES]
        for module, name, value in self.before:
            if value is not _MISSING:
                vars(module)[name] = start_new_thread
        return self

    def __exit__(self, *exc):
        for module, name, value in self.before:   # (replaced by the learner's code: left to the snapshot to name)
            if value is not _MISSING and vars(module).get(name) is self.wrapper:
                vars(module)[name] = value
        return False


def _bottom(frame):
    while frame.f_back is not None:
        frame = frame.f_back
    return frame


def new_threads(before, grace: float = 0.1, noted=()) -> dict:
    """{thread id: its first frame} of the threads started since `before` (`thread_state()`) that are still
    running after `grace` seconds; a thread without a Python frame counts under the id 0. `noted`: the locks of
    `NotingThreads`, each released when its thread began (waited for, up to a second in all)."""
    ids, count = before
    me = _get_ident()
    waited = 0.0
    _sleep(0)   # let a thread that waits for the interpreter lock begin
    limit = 1.0
    for started in noted:
        start = time.perf_counter()
        if started.acquire(True, max(limit, 0.001)):
            started.release()
        limit -= time.perf_counter() - start
    while True:
        frames = _current_frames()
        new = {tid: frame for tid, frame in frames.items() if tid not in ids and tid != me}
        extra = _thread_count() - count - len(new)
        if (not new and extra <= 0) or waited >= grace:
            break
        _sleep(0.005)
        waited += 0.005
    out = {tid: _bottom(frame) for tid, frame in new.items()}
    if extra > 0 and not out:
        out[0] = None
    return out


def describe_threads(threads: dict) -> str:
    """What the threads run, in words: "`stubborn` (a notebook cell)", "`TMonitor.run` (tqdm)"..."""
    frames, seen = _current_frames(), []
    for tid in threads:
        frame, code = frames.get(tid), None
        stack = []
        while frame is not None:
            stack.append(frame.f_code)
            frame = frame.f_back
        for candidate in reversed(stack):   # from the thread's start: the first code past threading's and ours
            if candidate.co_filename != threading.__file__ and candidate not in _ENGINE["codes"]:
                code = candidate
                break
        if code is not None:
            parts = code.co_filename.split(os.sep)
            package = next((parts[i + 1] for i, part in enumerate(parts[:-1])
                            if part in ("site-packages", "dist-packages")), None)
            where = package if package is not None else os.path.splitext(parts[-1])[0]
            text = f"`{code.co_qualname}` ({where})"
            if text not in seen:
                seen.append(text)
    return ", ".join(seen[:3]) + (f" and {len(seen) - 3} more" if len(seen) > 3 else "")


def stop_threads(threads: dict) -> None:
    """Raise SystemExit in each of `threads` (from `new_threads`, still the same threads): a thread that does not
    swallow it ends at its next bytecode (after a `time.sleep`, when it returns)."""
    for tid in still_running(threads):
        _async_raise(tid, SystemExit)


def still_running(threads: dict) -> dict:
    """The part of `threads` still running (the same threads: an id Python gave to a new thread does not count)."""
    frames = _current_frames()
    return {tid: bottom for tid, bottom in threads.items()
            if tid in frames and bottom is not None and _bottom(frames[tid]) is bottom}


# ---- Ctrl-C ---------------------------------------------------------------------------------------------

class Interrupts:
    """`with Interrupts() as watch:` ... `watch.real`: whether a KeyboardInterrupt came from a real SIGINT."""

    def __init__(self):
        self.real = False
        self._installed = False
        self._previous = None

    def __enter__(self):
        if _get_ident() == _MAIN_THREAD_ID:
            try:
                self._previous = _getsignal(_SIGINT)
                _signal(_SIGINT, self._on_sigint)
                self._installed = True
            except (ValueError, OSError, AttributeError, TypeError):   # not the main interpreter, no signals
                self._installed = False
        return self

    def __exit__(self, *exc):
        if self._installed:
            try:
                _signal(_SIGINT, self._previous if self._previous is not None else _SIG_DFL)
            except (ValueError, OSError, TypeError):   # pragma: no cover
                pass
        return False

    def _on_sigint(self, signum, frame):
        self.real = True
        previous = self._previous
        if previous is _SIG_IGN:
            return None
        if callable(previous):
            return previous(signum, frame)   # ipykernel's and Python's: default_int_handler raises KeyboardInterrupt
        raise KeyboardInterrupt

    def is_real(self, error: BaseException) -> bool:
        """A KeyboardInterrupt from a real Ctrl-C (True) or raised by code (False)."""
        return isinstance(error, KeyboardInterrupt) and self.real


register_engine(sys.modules[__name__])
