"""What a wrong result is, found without a list of mistakes: the engine's explanations, for every exercise.

`explain_results(exercise, cases, expected, results)` walks each case's expected result and the learner's side
by side (tuples, lists, dicts, arrays, numbers) and notes, for every part that differs, what the learner's part
is in terms of the right one:

- `order`: a tuple / list holding the right values in another order ("return (dA_prev, dW, db)");
  `swapped`: a dict whose values sit under each other's keys;
- `equals_part`: a part holding what another part should hold ("`cache` holds what `A` should be");
- `transposed` (2-D, also square), `squeezed` (the same values without the axes of length 1: keepdims),
  `not_summed` (summing it over the axis of length 1 gives the right one);
- `equals_input`: one of the inputs, unchanged; `term_missing` / `term_extra`: the right one minus / plus an
  input (a missing bias);
- `factor`: a constant multiple of the right one, the factor named when it is a likely one: m (the number of
  examples) and 1/m, C (classes), 2 and 1/2, -1, ln 10 (np.log10 for np.log), keep_prob, a number the function
  was given (lambd, learning_rate, ...) and their inverses and negatives, and an exercise's own `factors`;
- `reciprocal`: 1 over the right one (times a named factor): a / b written b / a;
- `negated_input`: minus one of the inputs; `term_sign`: the right one plus or minus twice an input (the
  sign in front of it); `summed_too`: summed over one more axis than the right one (np.sum without axis=);
- `complement` (1 - the right one), `square` / `root`, `zeros`, `row_offset` (off by a column vector,
  the same in every column), `constant_offset`, `reshaped`.

A note counts only if it holds on every case where that part differs (a factor must be the same named factor on
every case), so a coincidence on one example is not reported. The hint names the parts and what they are; parts
that differ without a note are mentioned after it. None when no part could be explained.

`explain_exception(exercise, error, args)` says what an exception means where the message alone is cryptic for a
beginner (a matmul or broadcast shape error, unpacking, a tuple where an array is expected, a name not defined,
SystemExit ...); `layer_key_error` first, because it is precise: a KeyError on a layer's key past the last
layer (L = len(parameters) instead of len(parameters) // 2) or on layer 0.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np

from .core import ATOL, RTOL, _compare

LN10 = math.log(10)

#: The order in which notes explain a part when several hold (the first wins).
PRIORITY = ("order", "swapped", "unchanged", "equals_input", "equals_part", "transposed", "squeezed", "not_summed",
            "summed_too", "negated_input", "term_missing", "term_extra", "term_sign", "factor", "reciprocal",
            "complement", "square", "root", "zeros", "factor?", "row_offset", "constant_offset", "reshaped")

#: The likely factors and what they mean: name -> (how much, why). "{x}" is the name itself.
FACTOR_TEXTS = {
    "m": ("m times too large (m, the number of examples)", "the 1/m of the average is missing"),
    "1/m": ("m times too small (m, the number of examples)", "a division by m too many"),
    "2": ("twice the right value", "a factor 2 too many, or a 1/2 missing"),
    "1/2": ("half the right value", "a factor 1/2 too many, or a 2 missing"),
    "C": ("C times too large (C, the number of classes)",
          "a division by C missing, or a mean (sum / C) where the formula divides by the sum"),
    "1/C": ("C times too small (C, the number of classes)",
            "np.mean divides by every entry, C × m: divide the sum by m only"),
    "1/ln 10": ("the right value divided by ln 10 ≈ 2.303",
                "np.log10 where the formula's log is the natural one, np.log"),
    "ln 10": ("ln 10 ≈ 2.303 times the right value", "np.log where the formula uses log10?"),
    "keep_prob": ("keep_prob times the right value", "a factor keep_prob too many (or a division missing)"),
    "1/keep_prob": ("1/keep_prob times the right value", "a division by keep_prob too many"),
    "keep_prob**2": ("keep_prob² times the right value", "multiplied by keep_prob where the formula divides"),
    "1/keep_prob**2": ("1/keep_prob² times the right value", "divided by keep_prob once too often"),
}
_GENERIC_FACTOR = ("{x} times the right value", "a factor {x} too many")
_GENERIC_INVERSE = ("{x} times too small", "the factor {x} is missing")

#: Argument names, in order, whose last axis is the number of examples m.
M_SOURCES = ("Y", "X", "AL", "dZ", "dA", "A_prev", "A", "Z", "approx")


@dataclass
class _Context:
    """One case: the arguments by name, the candidate factors, the expected result's leaves."""

    inputs: list            # [(name, array or number), ...] every numeric leaf of the arguments
    factors: list           # [(name, value), ...] in the order they are tried
    expected_leaves: list   # [(path, array), ...]
    values: dict = field(default_factory=dict)   # (path, key) -> a number to show (an unnamed factor)


# ---- the walk -------------------------------------------------------------------------------------------

def _same(e, g) -> bool:
    try:
        return _compare(e, g, "") is None
    except Exception:
        return False


def _numeric(x):
    """x as a float array, or None when it is not numbers."""
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, numbers.Number):
        return np.array(float(x))
    if isinstance(x, np.ndarray) and x.dtype != object and (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        return x.astype(float)
    return None


def _close(a, b) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _leaves(x, path=()):
    if isinstance(x, (tuple, list)):
        for i, item in enumerate(x):
            yield from _leaves(item, path + (i,))
    elif isinstance(x, dict):
        for key, item in x.items():
            yield from _leaves(item, path + (key,))
    else:
        a = _numeric(x)
        if a is not None:
            yield path, a


def _permutation(expected, got):
    """p with got[i] == expected[p[i]] for all i, p not the identity; None when there is none."""
    n = len(expected)
    if n < 2 or n > 7:
        return None
    fits = [[j for j in range(n) if _same(expected[j], got[i])] for i in range(n)]
    if any(not f for f in fits):
        return None
    used, p = set(), []

    def search(i):
        if i == n:
            return p != list(range(n))
        for j in fits[i]:
            if j not in used:
                used.add(j)
                p.append(j)
                if search(i + 1):
                    return True
                p.pop()
                used.discard(j)
        return False

    return tuple(p) if search(0) else None


def _walk(e, g, path, ctx, found, terminals):
    """Record in found[path] the notes of every part that differs; terminals: the parts not explained by
    their children (leaves, and containers of another length or keys)."""
    if _same(e, g):
        return
    if isinstance(e, (tuple, list)):
        if isinstance(g, (tuple, list)) and len(g) == len(e):
            p = _permutation(e, g)
            if p is not None:
                found[path] = {("order", p)}
                terminals.add(path)
                return
            for i, (ei, gi) in enumerate(zip(e, g)):
                _walk(ei, gi, path + (i,), ctx, found, terminals)
            return
        found[path] = set()
        terminals.add(path)
        return
    if isinstance(e, dict):
        if isinstance(g, dict) and set(g) == set(e):
            keys = list(e)
            p = _permutation([e[k] for k in keys], [g[k] for k in keys])
            if p is not None:
                moved = tuple(sorted((keys[i], keys[j]) for i, j in enumerate(p) if i != j))
                found[path] = {("swapped", moved)}
                terminals.add(path)
                return
            for key in keys:
                _walk(e[key], g[key], path + (key,), ctx, found, terminals)
            return
        found[path] = set()
        terminals.add(path)
        return
    found[path] = _leaf_notes(e, g, path, ctx)
    terminals.add(path)


def _leaf_notes(e, g, path, ctx) -> set:
    notes = set()
    E, G = _numeric(e), _numeric(g)
    if E is None or G is None:
        return notes
    if not isinstance(e, np.ndarray) and G.size == 1:   # a number: a (1, 1) array is as good
        E, G = E.reshape(()), G.reshape(())
    for other, value in ctx.expected_leaves:
        if other != path and value.shape == G.shape and _close(G, value) and not _close(E, value):
            notes.add(("equals_part", other))
    for name, value in ctx.inputs:
        if value.shape == G.shape and not _close(E, value):
            if _close(G, value):
                notes.add(("equals_input", name))
            elif np.any(np.abs(value) > ATOL) and _close(G, -value):
                notes.add(("negated_input", name))
    if G.shape != E.shape:
        _shape_notes(E, G, notes)
        ctx.values.setdefault((path, "shapes"), (E.shape, G.shape))
        return notes
    if not np.all(np.isfinite(G)):
        return notes
    if E.ndim == 2 and E.shape[0] == E.shape[1] and E.shape[0] > 1 and _close(G, E.T) and not _close(E, E.T):
        notes.add(("transposed",))
    scale = float(np.max(np.abs(E))) if E.size else 0.0
    if scale > 0 and np.all(np.abs(G) <= ATOL):
        notes.add(("zeros",))
    mask = np.abs(E) > 1e-9 * max(scale, 1e-300)
    if scale > 0 and mask.any():
        c = float(np.median(G[mask] / E[mask]))
        if np.isfinite(c) and c != 0 and not math.isclose(c, 1.0, rel_tol=1e-6) and \
                np.allclose(G, c * E, rtol=1e-6, atol=ATOL * max(1.0, abs(c))):
            for name in _named(ctx, c):
                notes.add(("factor", name))
            if E.size >= 2:   # one wrong number is always a multiple of the right one: only a named factor counts
                notes.add(("factor?",))
                ctx.values[(path, "factor?")] = c
        if mask.all() and np.all(np.abs(G) > ATOL):
            product = G * E
            c = float(np.median(product))
            if np.isfinite(c) and c != 0 and np.allclose(product, c, rtol=1e-6, atol=ATOL):
                names = (["1"] if math.isclose(c, 1.0, rel_tol=1e-6) else []) + _named(ctx, c)
                if not _close(E, np.full(E.shape, E.flat[0])):
                    notes.add(("reciprocal", names[0] if names else "?"))
                elif names:   # one number: only an exact, named product is evidence
                    notes.add(("reciprocal", names[0]))
    if _close(G, 1 - E):
        notes.add(("complement",))
    if np.all(E >= 0):
        if _close(G, E ** 2) and not _close(E, E ** 2):
            notes.add(("square",))
        if _close(G, np.sqrt(E)) and not _close(E, np.sqrt(E)):
            notes.add(("root",))
    D = G - E
    for name, value in ctx.inputs:
        try:
            shaped = np.broadcast_to(value, D.shape)
        except ValueError:
            continue
        if not np.any(np.abs(shaped) > ATOL):
            continue
        if _close(D, -shaped):
            notes.add(("term_missing", name))
        elif _close(D, shaped):
            notes.add(("term_extra", name))
        elif _close(D, 2 * shaped) or _close(D, -2 * shaped):
            notes.add(("term_sign", name))
    if D.ndim == 2 and D.shape[1] > 1 and np.any(np.abs(D) > ATOL) and _close(D, np.repeat(D[:, :1], D.shape[1], 1)):
        notes.add(("constant_offset",) if _close(D, np.full(D.shape, D.flat[0])) else ("row_offset",))
    elif D.ndim < 2 and D.size > 1 and np.any(np.abs(D) > ATOL) and _close(D, np.full(D.shape, D.flat[0])):
        notes.add(("constant_offset",))
    return notes


def _named(ctx, c) -> list:
    return [name for name, value in ctx.factors if math.isclose(c, value, rel_tol=1e-6)]


def _shape_notes(E, G, notes):
    """Notes on a part of the wrong shape: transposed, without an axis of length 1, not summed, summed too."""
    if E.ndim == 2 and G.shape == E.T.shape and _close(G, E.T):
        notes.add(("transposed",))
    if G.size == E.size and _close(G.reshape(E.shape), E):
        squeezed = tuple(d for d in E.shape if d != 1) == tuple(d for d in G.shape if d != 1)
        notes.add(("squeezed",) if squeezed and G.ndim < E.ndim else ("reshaped",))
    elif E.ndim == 0 and G.size > 1 and np.all(np.isfinite(G)) and math.isclose(float(G.sum()), float(E),
                                                                                 rel_tol=1e-6, abs_tol=ATOL):
        notes.add(("not_summed", None))
    elif G.ndim == E.ndim:
        axes = [k for k in range(E.ndim) if E.shape[k] == 1 and G.shape[k] > 1]
        if len(axes) == 1 and all(G.shape[k] == E.shape[k] for k in range(E.ndim) if k != axes[0]):
            if _close(G.sum(axis=axes[0], keepdims=True), E):
                notes.add(("not_summed", axes[0]))
        over = [k for k in range(E.ndim) if G.shape[k] == 1 and E.shape[k] > 1]
        if len(over) == 1 and all(G.shape[k] == E.shape[k] for k in range(E.ndim) if k != over[0]):
            if _close(E.sum(axis=over[0], keepdims=True), G):
                notes.add(("summed_too", over[0]))


# ---- a dict part as a formula of the inputs ---------------------------------------------------------------

def _stem(key) -> str:
    """The layer's parameter a key is about: "dW1" -> "W1", "W1" -> "W1"."""
    key = str(key)
    return key[1:] if re.match(r"^d[A-Za-z]+\d+$", key) else key


def _formula_columns(ex, args, keys, replace=None):
    """For the keys of a dict result part: the inputs with the same stem (parameters["W1"], grads["dW1"],
    v["dW1"]...), their squares and a constant, as columns; None when a key has no input. `replace`: {input
    name: a dict} used instead of that input (another part of the result with the same name)."""
    names = list(ex.inputs) + [f"argument {i + 1}" for i in range(len(ex.inputs), len(args))]
    replace = replace or {}
    roles = [(name, replace.get(name, value)) for name, value in zip(names, args) if isinstance(value, dict)]
    if not roles:
        return None
    columns = {}
    for key in keys:
        for name, value in roles:
            match = next((k for k in value if _stem(k) == _stem(key)), None)
            if match is None:
                return None
            x = np.asarray(value[match], dtype=float).ravel()
            columns.setdefault(name, []).append(x)
            columns.setdefault(f"{name}²", []).append(x ** 2)
        columns.setdefault("1", []).append(None)
    sizes = [len(x) for x in columns[roles[0][0]]]
    out = {}
    for name, parts in columns.items():
        out[name] = np.concatenate([np.ones(n) if p is None else p for p, n in zip(parts, sizes)])
    return out


class _Undecided(Exception):
    """Too few numbers (or dependent columns) to tell a formula from any other on this case."""


def _fit(columns, y):
    """Coefficients of y in the columns, if y is exactly such a combination (else None); _Undecided when the
    case cannot tell."""
    A = np.column_stack(list(columns.values()))
    if A.shape[0] <= A.shape[1] + 1 or np.linalg.matrix_rank(A) < A.shape[1]:
        raise _Undecided
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    if np.linalg.norm(A @ coef - y) > 1e-8 * (np.linalg.norm(y) + 1):
        return None
    return dict(zip(columns, coef))


def _formula_notes(ex, args, expected, got):
    """{path of a dict part that differs: (roles whose coefficient differs, the right coefficients, the
    learner's), or None when no formula of the inputs gives it, or "undecided" when this case cannot tell}."""
    out = {}
    parts = [((), expected, got)] if isinstance(expected, dict) else []
    if isinstance(expected, (tuple, list)) and isinstance(got, (tuple, list)) and len(got) == len(expected):
        parts += [((i,), e, g) for i, (e, g) in enumerate(zip(expected, got)) if isinstance(e, dict)]
    for path, e, g in parts:
        if not isinstance(g, dict) or set(g) != set(e) or _same(e, g):
            continue
        keys = list(e)
        try:
            leaves = [(np.asarray(e[k], dtype=float), np.asarray(g[k], dtype=float)) for k in keys]
        except (TypeError, ValueError):
            continue
        if any(a.shape != b.shape for a, b in leaves):
            continue
        columns = _formula_columns(ex, args, keys)
        if columns is None:
            continue
        try:
            relative = _relative_fits(ex, args, expected, got, path, keys)
            if relative is not None:
                right, yours = relative
            else:
                right = _fit(columns, np.concatenate([a.ravel() for a, _ in leaves]))
                yours = _fit(columns, np.concatenate([b.ravel() for _, b in leaves]))
        except _Undecided:
            out[path] = "undecided"
            continue
        if right is None or yours is None:
            out[path] = None
            continue
        differ = tuple(name for name in right if not _same_coefficient(right[name], yours[name]))
        out[path] = (differ, right, yours) if differ else None
    return out


def _same_coefficient(a, b) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _relative_fits(ex, args, expected, got, path, keys):
    """The part at `path` as a formula of the inputs where an input that is also another part of the result (v in
    (parameters, v)) is replaced by that part, the learner's own for the learner's, as "new v": (right, yours) or
    None. An update that steps with the learner's own wrong v is then right: the other part is the one to report."""
    _, parts, _ = result_names(ex)
    if not path or parts is None or not isinstance(got, (tuple, list)):
        return None
    mine = {parts[j]: got[j] for j in range(len(parts)) if j != path[0] and j < len(got) and isinstance(got[j], dict)}
    right = {parts[j]: expected[j] for j in range(len(parts)) if j != path[0] and isinstance(expected[j], dict)}
    names = set(ex.inputs) & set(mine) & set(right)
    if not names:
        return None
    try:
        cols_mine = _formula_columns(ex, args, keys, {n: mine[n] for n in names})
        cols_right = _formula_columns(ex, args, keys, {n: right[n] for n in names})
        if cols_mine is None or cols_right is None:
            return None
        fit_mine = _fit(cols_mine, np.concatenate([np.asarray(got[path[0]][k], dtype=float).ravel() for k in keys]))
        fit_right = _fit(cols_right, np.concatenate([np.asarray(expected[path[0]][k], dtype=float).ravel()
                                                     for k in keys]))
    except _Undecided:
        return None
    except (TypeError, ValueError, KeyError, np.linalg.LinAlgError):
        return None
    if fit_mine is None or fit_right is None:
        return None

    def rename(fit):
        return {(f"new {n[:-1]}²" if n[:-1] in names else f"new {n}") if n.rstrip("²") in names else n: c
                for n, c in fit.items()}
    return rename(fit_right), rename(fit_mine)


def _formula_text(coef) -> str:
    terms = []
    for name, c in coef.items():
        if abs(c) < 1e-9:
            continue
        size = f"{abs(c):.4g}"
        body = size if name == "1" else (name if size == "1" else f"{size} {name}")
        terms.append(("- " if c < 0 else "+ ") + body)
    text = " ".join(terms) if terms else "0"
    return text[2:] if text.startswith("+ ") else "-" + text[2:] if text.startswith("- ") else text


def _scalars(ex, args) -> str:
    pairs = [f"{name} = {value:g}" for name, value in zip(ex.inputs, args)
             if isinstance(value, numbers.Number) and not isinstance(value, bool)]
    return ", ".join(pairs)


# ---- names ----------------------------------------------------------------------------------------------

_IDENT = re.compile(r"^[A-Za-z_]\w*$")


def result_names(ex):
    """(name of the whole result, names of a tuple's parts or None, {part: names of its own parts})."""
    names = ex.names
    returns = ex.returns or ""
    sub = {}
    for match in re.finditer(r"(\w+) = \(([^()]*)\)", returns):
        sub[match.group(1)] = [s.strip() for s in match.group(2).split(",")]
    if isinstance(names, (tuple, list)):
        return "the result", list(names), sub
    if isinstance(names, str):
        return names, None, sub
    match = re.match(r"^\(([^()]*)\)", returns)
    if match:
        parts = [s.strip() for s in match.group(1).split(",")]
        return "the result", [s if _IDENT.match(s) else f"result[{i}]" for i, s in enumerate(parts)], sub
    if _IDENT.match(returns.strip()):
        return returns.strip(), None, sub
    return "the result", None, sub


def label(ex, path) -> str:
    whole, parts, sub = result_names(ex)
    if not path:
        return whole
    out, rest = whole, list(path)
    if parts is not None and isinstance(rest[0], int):
        i = rest.pop(0)
        out = parts[i] if i < len(parts) else f"result[{i}]"
        if rest and isinstance(rest[0], int) and out in sub and rest[0] < len(sub[out]):
            out = f"{out}[{rest.pop(0)}] ({sub[out][path[1]]})"
    for step in rest:
        out += f'["{step}"]' if isinstance(step, str) else f"[{step}]"
    return out


# ---- the context of one case --------------------------------------------------------------------------

def _inputs(ex, args):
    names = list(ex.inputs) + [f"argument {i + 1}" for i in range(len(ex.inputs), len(args))]
    out = []
    for name, value in zip(names, args):
        for path, leaf in _leaves(value):
            suffix = "".join(f'["{p}"]' if isinstance(p, str) else f"[{p}]" for p in path)
            out.append((name + suffix, leaf))
    return out


def _factors(ex, args):
    named = dict(zip(ex.inputs, args))
    base = []
    if ex.factors is not None:
        try:
            base += list(ex.factors(args).items())
        except Exception:
            pass
    m = named.get("m")
    if not isinstance(m, numbers.Number):
        m = next((named[k].shape[-1] for k in M_SOURCES if isinstance(named.get(k), np.ndarray)
                  and named[k].ndim == 2), None)
    if m is not None and m != 1:
        base += [("m", float(m)), ("1/m", 1.0 / m)]
    base += [("2", 2.0), ("1/2", 0.5), ("1/ln 10", 1 / LN10), ("ln 10", LN10)]
    for name, value in named.items():
        if isinstance(value, numbers.Number) and not isinstance(value, bool) and name != "m" and value not in (0, 1):
            value = float(value)
            if name == "keep_prob":
                base += [("keep_prob", value), ("1/keep_prob", 1 / value), ("keep_prob**2", value ** 2),
                         ("1/keep_prob**2", value ** -2)]
            else:
                base += [(name, value), (f"1/{name}", 1 / value)]
    out = [("-1", -1.0)]
    for name, value in base:
        out += [(name, value), (f"-{name}", -value)]
    return out


def _context(ex, args, expected) -> _Context:
    return _Context(_inputs(ex, args), _factors(ex, args), list(_leaves(expected)))


# ---- the hint -------------------------------------------------------------------------------------------

STRUCTURAL = frozenset({"order", "swapped", "equals_input", "unchanged", "equals_part", "transposed", "squeezed",
                        "not_summed", "summed_too"})
MAX_SENTENCES = 3


def explain_results(ex, cases, expected, results) -> str | None:
    """The hint for results that differ from the expected ones, or None (see the module's docstring).

    Notes on the parts come first when they are structural (order, swapped, an input or another part, transposed,
    an axis) and explain every part that differs; else the formula of dict parts (`_explain_formulas`); else the
    parts' notes, whatever they explain."""
    chosen, unexplained, values = _leaf_explanation(ex, cases, expected, results)
    structural = chosen and not unexplained and all(note[0] in STRUCTURAL for note in chosen.values())
    if not structural:
        formula = _explain_formulas(ex, cases, expected, results)
        if formula:
            return formula
    if not chosen:
        return None
    groups = {}
    for path in sorted(chosen, key=_path_key):
        groups.setdefault(chosen[path], []).append(path)
    sentences = [_sentence(ex, note, paths, values) for note, paths in groups.items()]
    sentences = [s for s in sentences if s]
    text = "; ".join(sentences[:MAX_SENTENCES]) + ("; ..." if len(sentences) > MAX_SENTENCES else "")
    if unexplained:
        text += f"; {_names(ex, sorted(unexplained, key=_path_key))} {'is' if len(unexplained) == 1 else 'are'} " \
                "wrong too"
    return text


def _leaf_explanation(ex, cases, expected, results):
    """({path: the note that explains it on every case}, [paths without one], {values to show})."""
    per_path, first_values = {}, {}
    for args, e, g in zip(cases, expected, results):
        ctx = _context(ex, args, e)
        found, terminals = {}, set()
        try:
            _walk(e, g, (), ctx, found, terminals)
        except Exception:
            return {}, [], {}
        for path in terminals:
            notes = {_canonical(ex, path, note) for note in found.get(path, set())}
            per_path[path] = notes if path not in per_path else per_path[path] & notes
        for key, value in ctx.values.items():
            first_values.setdefault(key, value)
    chosen, unexplained = {}, []
    for path, notes in per_path.items():
        note = _best(notes)
        if note is None:
            unexplained.append(path)
        else:
            chosen[path] = note
    return chosen, unexplained, first_values


def _canonical(ex, path, note):
    """A note about the input at the result's own key (parameters["W2"] for parameters["W2"]) said once for all
    the keys: "unchanged", or the term "its own input"."""
    own = path and isinstance(path[-1], str) and len(note) > 1 and str(note[1]).endswith(f'["{path[-1]}"]')
    if not own:
        return note
    if note[0] == "equals_input":
        return ("unchanged",)
    if note[0] in ("term_missing", "term_extra", "term_sign", "negated_input"):
        return (note[0], OWN)
    return note


OWN = "its own input"   # the input at the result's key, in a note


def _explain_formulas(ex, cases, expected, results) -> str | None:
    """The hint when dict parts of the result are, on every case where they differ, another linear formula of
    the inputs with the same keys than the right one (an update rule with a term missing, a wrong factor...)."""
    candidates, first = {}, {}
    for args, e, g in zip(cases, expected, results):
        if _same(e, g):
            continue
        for path, note in _formula_notes(ex, args, e, g).items():
            if note == "undecided":
                continue
            found = set() if note is None else {note[0]}
            candidates[path] = found if path not in candidates else candidates[path] & found
            if note is not None:
                first.setdefault((path, note[0]), (note[1], note[2], args))
    common = {(path, differ) for path, found in candidates.items() for differ in found}
    if not common:
        return None
    sentences = []
    for path, differ in sorted(common, key=lambda item: _path_key(item[0])):
        right, yours, args = first[(path, differ)]
        shown = _scalars(ex, args)
        where = f" (with {shown})" if shown else ""
        what = "; ".join(_term_difference(name, right[name], yours[name]) for name in differ)
        sentences.append(f"`{label(ex, path)}`, for every key, is {_formula_text(yours)} where the right one is "
                         f"{_formula_text(right)}{where}: {what}")
    return "; ".join(sentences)


def _term_difference(name, right, yours) -> str:
    term = "the constant term" if name == "1" else f"the term in {name}"
    if abs(yours) < 1e-9:
        return f"{term} is missing"
    if abs(right) < 1e-9:
        return f"{term} should not be there"
    if _same_coefficient(right, -yours):
        return f"{term} has the wrong sign"
    return f"{term} has the factor {yours:.4g} instead of {right:.4g}"


def _path_key(path):
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in path)


def _best(notes):
    for kind in PRIORITY:
        candidates = sorted((n for n in notes if n[0] == kind), key=str)
        if kind == "factor" and candidates:
            return candidates[0] if len(candidates) == 1 else _first_factor(candidates)
        if candidates:
            return candidates[0]
    return None


def _first_factor(candidates):
    order = ["-1", "m", "1/m", "-m", "-1/m", "2", "1/2", "-2", "-1/2", "C", "1/C", "1/ln 10", "ln 10"]
    names = [c[1] for c in candidates]
    for name in order:
        if name in names:
            return ("factor", name)
    return candidates[0]


def _names(ex, paths) -> str:
    shown = [f"`{label(ex, p)}`" for p in paths[:3]]
    if len(paths) > 3:
        shown.append(f"{len(paths) - 3} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _sentence(ex, note, paths, values) -> str:
    what = _names(ex, paths)
    one = len(paths) == 1
    is_, has = ("is", "has") if one else ("are", "have")
    kind = note[0]
    if kind == "order":
        whole, parts, sub = result_names(ex)
        path = paths[0]
        names = parts if not path else sub.get(label(ex, path).split("[")[0]) if len(path) == 1 else None
        if names and len(names) == len(note[1]):
            right, yours = ", ".join(names), ", ".join(names[j] for j in note[1])
            if not path:
                return f"the values are right but in the wrong order: return ({right}); yours is ({yours})"
            return f"{what} {has} the right values in the wrong order: ({right}), yours is ({yours})"
        return f"{what} {has} the right values in the wrong order"
    if kind == "swapped":
        pairs = ", ".join(f'"{a}" holds what "{b}" should' for a, b in note[1] if a < b or True)
        return f"{what} {has} the right values under the wrong keys: {pairs}"
    if kind == "equals_part":
        return f"{what} {'holds' if one else 'hold'} what `{label(ex, note[1])}` should hold"
    if kind == "transposed":
        shapes = values.get((paths[0], "shapes"))
        shown = f" (shape {shapes[1]}, the right one {shapes[0]})" if shapes else ""
        return f"{what} {is_} transposed{shown}: the right values with rows and columns exchanged (a .T too many or " \
               "missing, a product's operands swapped, or a shape's numbers in the wrong order)"
    if kind == "squeezed":
        return f"{what} lost an axis of length 1: keep it, np.sum(..., keepdims=True), or reshape to the expected shape"
    if kind == "reshaped":
        shapes = values.get((paths[0], "shapes"))
        shown = f" (expected {shapes[0]}, yours {shapes[1]} on the first example that differs)" if shapes else ""
        return f"{what} {has} the right values in the wrong shape{shown}: the shape's numbers are in the wrong order"
    if kind == "not_summed":
        if note[1] is None:
            return f"{what} {is_} not summed: the result is one number, np.sum(...) of the array you have"
        return f"{what} {is_} not summed over axis {note[1]}: np.sum(..., axis={note[1]}, keepdims=True)"
    if kind == "summed_too":
        keep = 1 - note[1] if len(paths) else 1
        return f"{what} {is_} summed over axis {note[1]} too: sum over axis {keep} only, np.sum(..., axis={keep}, " \
               "keepdims=True)"
    if note[1:] == (OWN,):
        text = {"term_missing": "{what} {lack} the value given (yours + the input of the same key = the right one): "
                                "W = W - ..., not W = - ...",
                "term_extra": "{what} {has} the value given once too often (yours - the input of the same key = the "
                              "right one)",
                "term_sign": "{what}: the sign in front of the value given is wrong",
                "negated_input": "{what} {is} minus the value given: the step is missing"}[kind]
        return text.format(what=what, lack="lacks" if one else "lack", **{"is": is_, "has": has})
    if kind == "negated_input":
        return f"{what} {is_} minus your input `{note[1]}`: the rest of the formula is missing"
    if kind == "term_sign":
        return f"{what}: the sign in front of `{note[1]}` is wrong (+ for - or - for +)"
    if kind == "reciprocal":
        times = "" if note[1] in ("1", "?") else f", times {note[1]}"
        return f"{what} {is_} upside down: 1 over the right value{times} (a / b written b / a?)"
    if kind == "unchanged":
        return f"{what} {'comes' if one else 'come'} back unchanged, as {'it was' if one else 'they were'} given: " \
               "not updated (does the loop reach every layer and every key?)"
    if kind == "equals_input":
        return f"{what} {is_} your input `{note[1]}`, unchanged: the step that computes {what} from it is missing"
    if kind == "term_missing":
        return f"{what} {'lacks' if one else 'lack'} a + `{note[1]}` (yours + {note[1]} = the right one)"
    if kind == "term_extra":
        return f"{what} {'lacks' if one else 'lack'} a - `{note[1]}` (yours - {note[1]} = the right one)"
    if kind == "factor":
        return _factor_sentence(ex, note[1], what, is_, has)
    if kind == "factor?":
        c = values.get((paths[0], "factor?"))
        shown = f" (×{c:.4g} on the first example that differs)" if c is not None else ""
        return f"{what} {is_} a constant multiple of the right value{shown}: a constant factor is missing or extra"
    if kind == "complement":
        return f"{what} {is_} 1 minus the right value: a sign flipped inside (e^z for e^-z?), or the two cases swapped"
    if kind == "square":
        return f"{what} {is_} the square of the right value: a square too many (np.linalg.norm is already a root)"
    if kind == "root":
        return f"{what} {is_} the square root of the right value: a square missing"
    if kind == "zeros":
        return f"{what} {is_} all zeros where the right values are not"
    if kind == "row_offset":
        return f"{what} {is_} off by the same amount in every column: a term of shape (n, 1) (a bias, a sum with " \
               "keepdims) is missing, extra or of the wrong sign"
    if kind == "constant_offset":
        return f"{what} {is_} off by the same constant everywhere: a constant term is missing or extra"
    return ""


def _factor_sentence(ex, name, what, is_, has) -> str:
    negative = name.startswith("-")
    base = name[1:] if negative else name
    if name in ex.factor_hints:
        return f"{what} {ex.factor_hints[name]}"
    if base == "1":
        return f"{what} {has} the wrong sign: each entry is minus the right one"
    if base in FACTOR_TEXTS:
        how, why = FACTOR_TEXTS[base]
    elif base.startswith("1/"):
        how, why = (t.format(x=base[2:]) for t in _GENERIC_INVERSE)
    else:
        how, why = (t.format(x=base) for t in _GENERIC_FACTOR)
    if negative:
        return f"{what} {has} the wrong sign and {is_} {how}: {why}, and a minus sign is misplaced"
    return f"{what} {is_} {how}: {why}"


# ---- exceptions -----------------------------------------------------------------------------------------

_LAYER_KEY = re.compile(r"^(d?)([A-Za-z]+)(\d+)$")


def _layers(args) -> int | None:
    """L: the largest layer number among the "W<l>" / "dW<l>" keys of the dict arguments, or the length of a
    list of caches."""
    best = None
    for value in args:
        if isinstance(value, dict):
            for key in value:
                match = _LAYER_KEY.match(str(key))
                if match and match.group(2) == "W":
                    best = max(best or 0, int(match.group(3)))
    return best


def layer_key_error(ex, error, args) -> str | None:
    """The hint of a KeyError on a layer's key past the last layer, or on layer 0, or None."""
    if not isinstance(error, KeyError) or not error.args:
        return None
    match = _LAYER_KEY.match(str(error.args[0]))
    L = _layers(args)
    if not match or L is None:
        return None
    layer = int(match.group(3))
    if layer > L:
        return (f"there is no layer {layer}: the network has L = {L} layers here, W1 ... W{L}; each layer has two "
                f"parameters, W and b, so L = len(parameters) // 2, and the layers are range(1, L + 1)")
    if layer == 0 and match.group(2) in ("W", "b"):
        return "the layers are numbered from 1: W1, b1 ... WL, bL, i.e. for l in range(1, L + 1)"
    return None


def layer_keys_hint(expected, got) -> str | None:
    """The hint when a dict result (or a dict part of a tuple) has the wrong layers' keys (W0, a missing W1, keys
    shifted by one), or None."""
    if isinstance(expected, (tuple, list)) and isinstance(got, (tuple, list)) and len(got) == len(expected):
        for e, g in zip(expected, got):
            if isinstance(e, dict) and isinstance(g, dict) and set(e) != set(g):
                return layer_keys_hint(e, g)
        return None
    if not isinstance(expected, dict) or not isinstance(got, dict):
        return None

    def layers(keys):
        out = {}
        for key in keys:
            match = _LAYER_KEY.match(str(key))
            if match:
                out[str(key)] = (match.group(1) + match.group(2), int(match.group(3)))
        return out

    right, yours = layers(expected), layers(got)
    missing = {k: right[k] for k in right if k not in yours}
    extra = {k: yours[k] for k in yours if k not in right}
    if not missing and not extra:
        return None
    for shift in (1, -1):
        if extra and missing and {(n, l - shift) for n, l in extra.values()} == set(missing.values()):
            return (f"the layer numbers are off by one: yours are {', '.join(sorted(extra))} where the right keys are "
                    f"{', '.join(sorted(missing))}: each layer l is stored under its own l (f\"W{{l}}\")")
    if any(l == 0 for _, l in extra.values()) and not any(l == 0 for _, l in right.values()):
        return "there is no layer 0: the layers are numbered 1 ... L, for l in range(1, L + 1)"
    if extra and not missing:
        return (f"keys beyond the last layer: {', '.join(sorted(extra))}; each layer l is stored under its own l "
                f"(f\"W{{l}}\"), for l in range(1, L + 1)")
    if missing and not extra:
        numbers = sorted({l for n, l in missing.values() if n not in ("dA", "A")} or {l for _, l in missing.values()})
        return (f"no {', '.join(sorted(missing))}: the loop must reach every layer, and layer "
                f"{', '.join(map(str, numbers))} is missing (check its range)")
    return None


def explain_exception(ex, error, args) -> str | None:
    """A plain-words hint for an exception the exercise's own hints do not cover, or None."""
    from .core import _exception_text

    text = _exception_text(error) if not isinstance(error, KeyError) else "KeyError"
    name = type(error).__name__
    if isinstance(error, SystemExit):
        return "exit() / sys.exit() stops Python itself (in a notebook, the kernel): a function ends with `return`"
    if isinstance(error, KeyboardInterrupt):
        return "KeyboardInterrupt is what Ctrl-C raises; a function ends with `return` its result"
    if isinstance(error, GeneratorExit):
        return "GeneratorExit is how Python closes a generator; a function ends with `return` its result"
    if isinstance(error, RecursionError):
        return "the function calls itself without end: it calls its own name where it means another function"
    if isinstance(error, MemoryError):
        return f"an enormous array: check the shapes, {ex.shapes}"
    if isinstance(error, UnboundLocalError):
        return "a variable is used before this function gives it a value (an assignment anywhere in a function " \
               "makes the name local to the whole function): assign it first"
    if isinstance(error, NameError):
        missing = getattr(error, "name", None) or (re.findall(r"'(\w+)'", str(error)) or ["?"])[0]
        return f"`{missing}` is not defined where your function runs: a typo, a variable used before it is " \
               f"assigned, or a name from a cell that was not run"
    if isinstance(error, KeyError):
        key = error.args[0] if error.args else "?"
        return f"no key {key!r} in a dictionary: the keys are the course's names, e.g. \"W1\", \"b1\", \"dW1\" " \
               f"(the shapes: {ex.shapes})"
    if isinstance(error, IndexError):
        return "an index past the end: a list (or axis) of n items has the indices 0 ... n - 1, so the last one " \
               "is [n - 1] (or [-1]); check a range(...) or a [l] that should be [l - 1]"
    if isinstance(error, ZeroDivisionError):
        return "a division by zero: check the denominator (and a // that rounds down to 0)"
    if isinstance(error, AssertionError):
        return f"an `assert` in your function failed: check the shapes, {ex.shapes}"
    if "matmul" in text or "shapes" in text and "not aligned" in text:
        return "a matrix product whose shapes do not fit: in P @ Q the number of columns of P must equal the " \
               f"number of rows of Q; a .T is missing or extra, or the operands are swapped ({ex.shapes})"
    if "could not be broadcast" in text:
        shapes = re.findall(r"\([\d, ]*\)", text)
        pair = f" ({' and '.join(shapes)})" if shapes else ""
        return f"two arrays combined entry by entry (+, -, *, /) must have the same shape, or 1 where they " \
               f"differ{pair}: a transpose, a missing keepdims=True, or * where @ is meant? ({ex.shapes})"
    if "unpack" in text:
        return "unpacking `a, b = x` needs exactly as many names on the left as x has values: what does the " \
               "function you unpack return? (sigmoid / relu / linear_forward return a pair (result, cache))"
    if "'tuple'" in text or "tuple" in text and ("operand" in text or "attribute" in text):
        return "a pair (a tuple) where an array is expected: the course's functions return (result, cache); " \
               "unpack it first, e.g. A, cache = sigmoid(Z)"
    if "'NoneType'" in text:
        return "a value is None: a function that returns nothing (no `return`?), or a variable never assigned"
    if "truth value of an array" in text:
        return "`if`, `and`, `or` on a whole array: use an element-wise operation (np.where, np.maximum, & , |)"
    if "positional argument" in text or "unexpected keyword" in text:
        return f"a function called with the wrong arguments: check what it takes ({text[len(name) + 2:][:80]})"
    if "'generator'" in text:
        return "a generator expression, (... for ...), is not a number: sum(...) adds its values up, " \
               "[... for ...] makes a list"
    if "cannot be interpreted as an integer" in text:
        return "a float where Python needs a whole number (range(...), an index): / always gives a float, // a " \
               "whole number, e.g. L = len(parameters) // 2"
    if "arrays can be converted to Python scalars" in text:
        return "float(...) (or a math function) of an array of several numbers: reduce the array to one number " \
               "first, with np.sum(...) or np.linalg.norm(...); np.exp, np.log... work on whole arrays"
    if "unhashable type" in text:
        return "an array used as a dictionary key: the keys are strings such as \"dW1\"; are two names of a " \
               "tuple assignment in the wrong order?"
    if "Cannot cast ufunc" in text:
        return "an in-place operation (-=, *=, /=) on an array of integers; compute a new array: W = W - ..."
    if "not subscriptable" in text or "not iterable" in text or "has no attribute" in text:
        return f"a value of the wrong type: {text[len(name) + 2:][:90]} (what did the line before return?)"
    return None
