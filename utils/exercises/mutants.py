"""How specific the checks' hints are, measured the way mutation testing does.

Every exercise's solution (between `### BEGIN SOLUTION` / `### END SOLUTION` in the top-level notebooks, read
with nbformat) is parsed, and a fixed set of operators on its syntax tree each derive wrong variants, one small
change at a time, inside the solution region only (`OPERATORS`):

    drop_factor      a * b -> a, a * b -> b, a / b -> a           (a 1/m, a learning rate, 0.01 forgotten)
    drop_term        a + b -> a, a + b -> b, a - b -> a, -> -b    (a bias, a term of the cost forgotten)
    transpose        P @ Q -> P.T @ Q, P @ Q.T; x.T -> x; np.zeros((a, b)) / randn(a, b) -> (b, a)
    flip_sign        -x -> x, a - b -> a + b, a + b -> a - b
    swap_operands    a - b -> b - a, a / b -> b / a, P @ Q -> Q @ P, a ** b -> b ** a
    off_by_one       in an index, a range's start / stop or an f-string: an integer n -> n + 1, n - 1 (>= 0), a
                     name l -> l + 1, l - 1 (not a name that holds a string: a key, "W" / "b")
    swap_return      two values of a returned tuple exchanged (also inside a nested tuple)
    swap_unpack      two names of a tuple unpacking exchanged (A_prev, W, b = cache -> W, A_prev, b = cache)
    in_place         a - b -> a -= b on an array argument (operator.isub...), dict(x) / x.copy() -> x
    wrong_axis       axis=0 <-> axis=1
    drop_axis        axis=... removed (a sum or max over the whole array)
    drop_keepdims    keepdims=True removed
    swap_activation  "sigmoid" <-> "relu", sigmoid <-> relu, sigmoid_backward <-> relu_backward (also utils.*)
    drop_call        f(x) -> x for np.exp, np.log, np.sqrt, np.square, np.sum, np.tanh, float, ...; x ** 2 -> x
    wrong_function   np.log -> np.log10, np.sum -> np.mean, .max -> .min, np.sqrt -> np.square, floor // -> /
    flip_compare     < <-> >, <= <-> >=
    drop_statement   a call statement removed (caches.append(cache))

Each variant is run through its check (time limit 10 s) and its `Feedback` sorted: *equivalent* (✓: the change
does not change the result on the check's cases, e.g. float(x) -> x), *specific* (the hint says what is wrong:
a known mistake, an explanation of the difference or of the exception, a changed input, a wrong type...) or
*generic* (`Feedback.generic`: the bare fallback, "on the first example, ... wrong values / the wrong shape"
with the shapes as the hint, an exception no hint explains, a result the check cannot compare; and "not written
yet" for a written function). The share is specific / (specific + generic), per exercise and overall; the
equivalent ones are reported apart.

A second set, `beginners.py`, holds mistakes written by hand the way a beginner would make them; the hints were
not tuned on it, and its share is reported separately.

    python -m utils.exercises mutants [--exercise NAME] [--beginners] [--list generic|all]
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np

from utils.paths import PROJECT_ROOT

TIME_LIMIT = 10.0   # seconds per mutant's check

ACTIVATION_SWAPS = {"sigmoid": "relu", "relu": "sigmoid", "sigmoid_backward": "relu_backward",
                    "relu_backward": "sigmoid_backward"}
DROPPABLE_CALLS = {"exp", "log", "sqrt", "square", "sum", "tanh", "float", "abs", "mean", "norm", "maximum"}
#: The exercises' arguments that are numbers: an in-place operator on them changes nothing the caller sees.
SCALAR_ARGUMENTS = {"learning_rate", "lambd", "m", "keep_prob", "beta", "beta1", "beta2", "epsilon", "t", "seed",
                    "learning_rate0", "epoch_num", "decay_rate", "time_interval", "mini_batch_size", "n_x", "n_h",
                    "n_y"}
SHAPE_CALLS = {"zeros", "ones", "randn", "rand", "standard_normal", "random", "normal"}
WRONG_FUNCTIONS = {"log": "log10", "sum": "mean", "max": "min", "sqrt": "square", "mean": "sum"}


@dataclass
class Solution:
    name: str
    notebook: str
    source: str            # the solution cell's source
    region: tuple          # (first, last) line numbers (1-based) of the solution region


@dataclass
class Mutant:
    id: str                # "exercise: operator: before -> after" (#k when the same text occurs twice)
    exercise: str
    operator: str
    source: str


@dataclass
class Outcome:
    id: str
    exercise: str
    operator: str
    category: str          # "equivalent", "specific" or "generic"
    kind: str              # Feedback.kind
    message: str


# ---- the solutions --------------------------------------------------------------------------------------

def solutions(root: Path = PROJECT_ROOT) -> dict[str, Solution]:
    """Every exercise's solution cell, by function name, from the top-level notebooks."""
    from .generate import BEGIN, END, solution_notebooks

    out = {}
    for path in solution_notebooks(root):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or BEGIN not in cell.source:
                continue
            lines = cell.source.splitlines()
            first = next(i for i, line in enumerate(lines, 1) if BEGIN in line)
            last = next(i for i, line in enumerate(lines, 1) if END in line)
            tree = ast.parse(cell.source)
            name = next(node.name for node in tree.body if isinstance(node, ast.FunctionDef))
            out[name] = Solution(name, path.name, cell.source, (first, last))
    return out


#: Names a lesson imports for its exercise cells besides the library's `utils.__all__` (module -> names): chapter 7's
#: cells call zero_pad and conv_single_step (`from utils.conv import ...` in its first cell).
LESSON_IMPORTS = {"utils.conv": ("zero_pad", "conv_single_step")}


def namespace() -> dict:
    """What a notebook's cell sees when it defines an exercise: numpy, utils, the library's names and the
    lessons' own imports (`LESSON_IMPORTS`)."""
    import importlib

    import utils

    ns = {"__name__": "__exercise__", "np": np, "utils": utils}
    ns.update({name: getattr(utils, name) for name in utils.__all__ if not name.startswith("_")})
    for module, names in LESSON_IMPORTS.items():
        loaded = importlib.import_module(module)
        ns.update({name: getattr(loaded, name) for name in names})
    return ns


def build(source: str, name: str):
    """The function `name` defined by `source`, as a notebook cell would define it."""
    ns = namespace()
    exec(compile(source, f"<{name}>", "exec"), ns)
    return ns[name]


# ---- the operators --------------------------------------------------------------------------------------

def _call_name(node):
    """'np.sum' -> 'sum', 'float' -> 'float', 'np.linalg.norm' -> 'norm', 'Z.max' -> 'max'."""
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _plus(node, k):
    return ast.BinOp(left=copy.deepcopy(node), op=ast.Add() if k > 0 else ast.Sub(), right=ast.Constant(abs(k)))


def _is_index_like(node, parents):
    """An index, a range(...) bound or an f-string's value: where off-by-one applies to a name."""
    parent = parents.get(id(node))
    if isinstance(parent, ast.Subscript) and parent.slice is node:
        return True
    if isinstance(parent, ast.Slice):
        return True
    if isinstance(parent, ast.FormattedValue):
        return True
    if isinstance(parent, ast.Call) and _call_name(parent) == "range" and node in parent.args[:2]:
        return True
    return False


def _in_index(node, parents) -> bool:
    """Inside an index, a range(...) argument or an f-string's value (climbing up to the statement)."""
    child, parent = node, parents.get(id(node))
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.Subscript) and parent.slice is child or isinstance(parent, ast.FormattedValue):
            return True
        if isinstance(parent, ast.Call) and _call_name(parent) == "range" and child in parent.args[:2]:
            return True
        child, parent = parent, parents.get(id(parent))
    return False


def _string_names(fn) -> set:
    """Names that hold strings (a loop over ("W", "b"), a key built by an f-string): off_by_one leaves them."""
    out = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) \
                and isinstance(node.iter, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.iter.elts):
            out.add(node.target.id)
        if isinstance(node, ast.Assign):
            pairs = []
            for target in node.targets:
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    pairs += list(zip(target.elts, node.value.elts))
                else:
                    pairs.append((target, node.value))
            for target, value in pairs:
                if isinstance(target, ast.Name) and (isinstance(value, ast.JoinedStr) or isinstance(value, ast.Constant)
                                                     and isinstance(value.value, str)):
                    out.add(target.id)
    return out


def _mutations(node, parents, params, strings=frozenset()):
    """(operator, replacement node) for one node."""
    out = []
    if isinstance(node, ast.BinOp):
        op = node.op
        if isinstance(op, ast.Mult):
            out += [("drop_factor", node.left), ("drop_factor", node.right)]
        if isinstance(op, ast.Div):
            out += [("drop_factor", node.left)]
        if isinstance(op, (ast.Add, ast.Sub)):
            out += [("drop_term", node.left)]
            out += [("drop_term", node.right if isinstance(op, ast.Add) else ast.UnaryOp(ast.USub(), node.right))]
            flipped = ast.Sub() if isinstance(op, ast.Add) else ast.Add()
            out += [("flip_sign", ast.BinOp(node.left, flipped, node.right))]
        if isinstance(op, ast.MatMult):
            for side in ("left", "right"):
                operand = getattr(node, side)
                if not (isinstance(operand, ast.Attribute) and operand.attr == "T"):
                    new = copy.deepcopy(node)
                    setattr(new, side, ast.Attribute(copy.deepcopy(operand), "T", ast.Load()))
                    out += [("transpose", new)]
        if isinstance(op, (ast.Sub, ast.Div, ast.MatMult, ast.Pow)):
            out += [("swap_operands", ast.BinOp(node.right, op, node.left))]
        if isinstance(op, ast.Pow):
            out += [("drop_call", node.left)]
        if isinstance(op, ast.FloorDiv):
            out += [("wrong_function", ast.BinOp(node.left, ast.Div(), node.right))]
        base = node.left
        base_name = base.id if isinstance(base, ast.Name) else (
            base.value.id if isinstance(base, ast.Subscript) and isinstance(base.value, ast.Name) else None)
        inplace = {ast.Add: "iadd", ast.Sub: "isub", ast.Mult: "imul", ast.Div: "itruediv"}.get(type(op))
        if inplace and base_name in params and base_name not in SCALAR_ARGUMENTS:
            func = ast.Attribute(ast.Call(ast.Name("__import__", ast.Load()), [ast.Constant("operator")], []),
                                 inplace, ast.Load())
            out += [("in_place", ast.Call(func, [copy.deepcopy(node.left), copy.deepcopy(node.right)], []))]
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        out += [("flip_sign", node.operand)]
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        out += [("transpose", node.value)]
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        if _in_index(node, parents):
            out += [("off_by_one", ast.Constant(node.value + 1))]
            if node.value >= 1:
                out += [("off_by_one", ast.Constant(node.value - 1))]
    elif isinstance(node, ast.Constant) and node.value in ("sigmoid", "relu"):
        out += [("swap_activation", ast.Constant(ACTIVATION_SWAPS[node.value]))]
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        if node.id in ACTIVATION_SWAPS:
            out += [("swap_activation", ast.Name(ACTIVATION_SWAPS[node.id], ast.Load()))]
        elif _is_index_like(node, parents) and node.id not in strings:
            out += [("off_by_one", _plus(node, 1)), ("off_by_one", _plus(node, -1))]
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        flips = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}
        if type(node.ops[0]) in flips:
            out += [("flip_compare", ast.Compare(node.left, [flips[type(node.ops[0])]()], node.comparators))]
    if isinstance(node, ast.Attribute) and node.attr in ACTIVATION_SWAPS and isinstance(node.ctx, ast.Load):
        out += [("swap_activation", ast.Attribute(node.value, ACTIVATION_SWAPS[node.attr], ast.Load()))]
    if isinstance(node, ast.Call):
        name = _call_name(node)
        keywords = node.keywords
        for i, kw in enumerate(keywords):
            rest = keywords[:i] + keywords[i + 1:]
            if kw.arg == "axis":
                if isinstance(kw.value, ast.Constant) and kw.value.value in (0, 1):
                    other = ast.keyword("axis", ast.Constant(1 - kw.value.value))
                    out += [("wrong_axis", ast.Call(node.func, node.args, rest[:i] + [other] + rest[i:]))]
                out += [("drop_axis", ast.Call(node.func, node.args, rest))]
            if kw.arg == "keepdims":
                out += [("drop_keepdims", ast.Call(node.func, node.args, rest))]
        if name in DROPPABLE_CALLS and len(node.args) == 1 and not (isinstance(node.func, ast.Attribute)
                                                                      and not _is_module(node.func.value)):
            out += [("drop_call", node.args[0])]
        if name in ("dict", "copy") and (len(node.args) == 1 or isinstance(node.func, ast.Attribute)):
            target = node.args[0] if node.args else node.func.value
            if name == "dict" and isinstance(node.func, ast.Name) or name == "copy":
                out += [("in_place", target)]
        if name in SHAPE_CALLS:
            if len(node.args) == 2 and not node.keywords:
                out += [("transpose", ast.Call(node.func, [node.args[1], node.args[0]], []))]
            elif node.args and isinstance(node.args[0], ast.Tuple) and len(node.args[0].elts) == 2:
                shape = ast.Tuple([node.args[0].elts[1], node.args[0].elts[0]], ast.Load())
                out += [("transpose", ast.Call(node.func, [shape, *node.args[1:]], node.keywords))]
        if name in WRONG_FUNCTIONS and isinstance(node.func, ast.Attribute):
            func = ast.Attribute(node.func.value, WRONG_FUNCTIONS[name], ast.Load())
            out += [("wrong_function", ast.Call(func, node.args, node.keywords))]
    return out


def _is_module(node) -> bool:
    return isinstance(node, ast.Name) and node.id in ("np", "math", "utils") or (
        isinstance(node, ast.Attribute) and _is_module(node.value))


def _tuple_swaps(node):
    """Every tuple of two or more values in a return (also nested): each pair of its values exchanged."""
    out = []
    for tup in ast.walk(node):
        if isinstance(tup, ast.Tuple) and len(tup.elts) >= 2:
            for i in range(len(tup.elts)):
                for j in range(i + 1, len(tup.elts)):
                    out.append((tup, i, j))
    return out


def mutants(solution: Solution) -> list[Mutant]:
    """Every single-change variant of `solution` the operators give, with stable ids."""
    tree = ast.parse(solution.source)
    fn = next(node for node in tree.body if isinstance(node, ast.FunctionDef))
    params = {a.arg for a in fn.args.args}
    strings = _string_names(fn)
    first, last = solution.region
    parents = {}
    for parent in ast.walk(fn):
        for child in ast.iter_child_nodes(parent):
            parents[id(child)] = parent

    def inside(node):
        return hasattr(node, "lineno") and first <= node.lineno <= last

    sites = []   # (operator, node to replace, replacement) or (operator, callback) for statement edits
    for node in ast.walk(fn):
        if not inside(node) and not isinstance(node, (ast.keyword,)):
            continue
        if isinstance(node, ast.keyword):
            continue
        for operator, replacement in _mutations(node, parents, params, strings):
            sites.append((operator, node, replacement))
        if isinstance(node, ast.Return) and node.value is not None:
            for tup, i, j in _tuple_swaps(node.value):
                new = copy.deepcopy(tup)
                new.elts[i], new.elts[j] = new.elts[j], new.elts[i]
                sites.append(("swap_return", tup, new))
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple):
            tup = node.targets[0]
            if all(isinstance(e, ast.Name) for e in tup.elts):
                for i in range(len(tup.elts)):
                    for j in range(i + 1, len(tup.elts)):
                        new = copy.deepcopy(tup)
                        new.elts[i], new.elts[j] = new.elts[j], new.elts[i]
                        sites.append(("swap_unpack", tup, new))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            sites.append(("drop_statement", node, ast.Pass()))
    out, seen, sources = [], {}, set()
    for operator, node, replacement in sites:
        source = _replaced(tree, node, replacement)
        if source is None or source in sources:   # the same variant from two operators counts once
            continue
        sources.add(source)
        context = _context_of(node, parents)
        before = _snippet(context)
        after = _snippet(context) if context is node else _snippet_replaced(context, node, replacement)
        if context is node:
            after = _snippet(replacement)
        if before == after:
            continue
        key = f"{solution.name}: {operator}: {before} -> {after}"
        seen[key] = seen.get(key, 0) + 1
        mutant_id = key if seen[key] == 1 else f"{key} #{seen[key]}"
        out.append(Mutant(mutant_id, solution.name, operator, source))
    return out


def _context_of(node, parents):
    """The smallest expression around a small node that reads well in an id (an index with its array...)."""
    context = node
    while (isinstance(context, (ast.Name, ast.Constant, ast.Attribute, ast.Slice))
           or len(ast.unparse(context)) < 10) and isinstance(parents.get(id(context)), ast.expr):
        context = parents[id(context)]
        if isinstance(context, ast.FormattedValue):
            context = parents.get(id(context), context)
    return context


def _snippet_replaced(context, node, replacement) -> str:
    holder = ast.Module(body=[ast.Expr(context)], type_ignores=[])
    source = _replaced(holder, node, replacement)
    return " ".join(source.split()) if source else "?"


def _snippet(node) -> str:
    text = ast.unparse(node) if not isinstance(node, ast.Pass) else "pass"
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:67] + "..."


def _replaced(tree, target, replacement) -> str | None:
    """The source of `tree` with `target` (found by identity) replaced by `replacement`; the tree is not changed."""
    found = []

    def clone(node):
        if node is target:
            found.append(True)
            return copy.deepcopy(replacement)
        if isinstance(node, ast.AST):
            new = type(node)()
            for name, value in ast.iter_fields(node):
                setattr(new, name, clone(value))
            for name in node._attributes:
                if hasattr(node, name):
                    setattr(new, name, getattr(node, name))
            return new
        if isinstance(node, list):
            return [clone(item) for item in node]
        return node

    new_tree = clone(tree)
    if not found:
        return None
    ast.fix_missing_locations(new_tree)
    try:
        return ast.unparse(new_tree)
    except Exception:   # pragma: no cover
        return None


# ---- running them ---------------------------------------------------------------------------------------

def run(mutant_sources, time_limit: float = TIME_LIMIT) -> list[Outcome]:
    """Run every (id, exercise, operator, source) through its check; the checks' lines are not printed."""
    from . import CHECKS, core

    passed = dict(core._PASSED)
    outcomes = []
    try:
        for mutant_id, exercise, operator, source in mutant_sources:
            try:
                fn = build(source, exercise)
            except Exception as error:   # pragma: no cover - the operators keep the syntax valid
                outcomes.append(Outcome(mutant_id, exercise, operator, "generic", "build", str(error)))
                continue
            check = CHECKS[exercise]
            with contextlib.redirect_stdout(io.StringIO()):
                with _time_limit(core, time_limit):
                    feedback = check(fn)
            if feedback.passed:
                category = "equivalent"
            elif feedback.generic or feedback.not_written:
                category = "generic"
            else:
                category = "specific"
            outcomes.append(Outcome(mutant_id, exercise, operator, category, feedback.kind, feedback.message))
    finally:
        core._PASSED.clear()
        core._PASSED.update(passed)
    return outcomes


@contextlib.contextmanager
def _time_limit(core, seconds):
    before = core.configured_time_limit
    core.configured_time_limit = lambda: seconds
    try:
        yield
    finally:
        core.configured_time_limit = before


def all_mutants(root: Path = PROJECT_ROOT, exercise: str | None = None) -> list[Mutant]:
    out = []
    for name, solution in sorted(solutions(root).items()):
        if exercise is None or name == exercise:
            out += mutants(solution)
    return out


def run_mutants(root: Path = PROJECT_ROOT, exercise: str | None = None) -> list[Outcome]:
    return run([(m.id, m.exercise, m.operator, m.source) for m in all_mutants(root, exercise)])


def run_beginners(exercise: str | None = None) -> list[Outcome]:
    from .beginners import BEGINNER_MISTAKES

    items = []
    for name, mistakes in sorted(BEGINNER_MISTAKES.items()):
        if exercise is None or name == exercise:
            for i, (description, source) in enumerate(mistakes, 1):
                items.append((f"{name}: beginner {i}: {description}", name, "beginner", source))
    return run(items)


# ---- the report -----------------------------------------------------------------------------------------

def shares(outcomes) -> dict:
    """{exercise: (total, equivalent, specific, generic)}, with "overall"."""
    table = {}
    for o in outcomes:
        row = table.setdefault(o.exercise, [0, 0, 0, 0])
        row[0] += 1
        row[{"equivalent": 1, "specific": 2, "generic": 3}[o.category]] += 1
    total = [sum(row[i] for row in table.values()) for i in range(4)]
    out = {name: tuple(row) for name, row in sorted(table.items())}
    out["overall"] = tuple(total)
    return out


def share(row) -> float:
    total, equivalent, specific, generic = row
    return specific / (specific + generic) if specific + generic else 1.0


def report(outcomes, title: str, listing: str = "generic") -> str:
    lines = [title, f"{'exercise':34} {'variants':>8} {'equiv.':>7} {'specific':>8} {'generic':>8} {'share':>6}"]
    for name, row in shares(outcomes).items():
        if name == "overall":
            lines.append("-" * 76)
        lines.append(f"{name:34} {row[0]:8d} {row[1]:7d} {row[2]:8d} {row[3]:8d} {share(row):6.0%}")
    chosen = [o for o in outcomes if listing == "all" or o.category == listing]
    if chosen and listing != "none":
        lines.append("")
        lines.append(f"{listing}:" if listing != "all" else "all:")
        for o in chosen:
            first = o.message.splitlines()[0]
            hint = o.message.split("Hint: ", 1)[1].splitlines()[0] if "Hint: " in o.message else ""
            lines.append(f"  [{o.category}/{o.kind}] {o.id}\n      {first[:150]}"
                         + (f"\n      Hint: {hint[:150]}" if hint else ""))
    return "\n".join(lines)


def main(exercise: str | None = None, beginners: bool = False, listing: str = "generic") -> int:
    start = time.perf_counter()
    outcomes = run_mutants(exercise=exercise)
    seconds = time.perf_counter() - start
    print(report(outcomes, f"Mutants of the solutions ({len(outcomes)} variants, {seconds:.1f} s)", listing))
    if beginners:
        start = time.perf_counter()
        hand = run_beginners(exercise)
        print()
        print(report(hand, f"Hand-written beginner mistakes ({len(hand)}, {time.perf_counter() - start:.1f} s)",
                     listing))
    return 0
