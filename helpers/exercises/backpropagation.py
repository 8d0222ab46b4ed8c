"""Checks for the exercises of notebook 03 (backpropagation through a network).

"Backprop by hand", as in nn-zero-to-hero's backprop-ninja: the learner writes a backward
pass; the check runs it on fixed random numbers (non-special values, batch sizes > 1 and 1)
and compares every array with the reference, printing exact / close / WRONG with the largest
difference (``helpers.exercises.check_arrays``). Shapes must match exactly.
"""

from __future__ import annotations

import dis
import functools

import numpy as np

from . import (
    FAIL,
    PASS,
    _attempts,
    _call_limited,
    _fmt,
    _whole,
    check_arrays,
    error_meaning,
    exercise,
    hint,
    matches,
    returned,
    run,
)
from .build_your_own_engine import _add_delete_the_raise

__all__ = [
    "check_gradient_shapes",
    "check_linear_backward",
    "check_tanh_backward",
    "check_softmax_ce_backward",
    "check_mlp_backward",
    "mlp_forward",
    "reference_mlp_backward",
]

#: What the usual bugs are called, one sentence each (the checks say which one they found).
NO_MEAN = (
    "it is N times too large: the loss is the mean over the batch, so its gradient is "
    "divided by the batch size N"
)
SOFTMAX_AXIS = (
    "softmax over the wrong axis: each row (one example's logits) must sum to 1, "
    "so normalise along axis=1"
)
SUM_ALL = "summed over everything: keep one number per output (a sum over the batch only)"
SUM_AXIS = "summed over the wrong axis: one number per output, so sum over the batch rows, axis=0"
KEPT_DIMS = (
    "the numbers are right, but the shape is (1, outputs): keepdims=True keeps the summed "
    "axis as a row of length 1. b has shape (outputs,), so leave out keepdims=True"
)
TRANSPOSED = (
    "it is the transpose of the right one: a weight gradient has the weights' shape, "
    "(inputs, outputs)"
)
TRANSPOSED_X = (
    "it is the transpose of the right one: dX has the shape of X, (N, inputs), one row per point"
)
TRANSPOSED_W = (
    "W is used the wrong way round: the gradient goes back from the outputs to the "
    "inputs, through W transposed"
)
NO_MASK = (
    "the ReLU mask is missing: ReLU passes the gradient only where its input Z1 was "
    "positive (and sends 0 elsewhere)"
)
TIMES_VALUE = (
    "it is multiplied by the values themselves; the ReLU's slope is 1 where its input "
    "was positive, 0 elsewhere"
)
#: An array within 0.1 % of the right one but not equal to it (a check must not
#: call an estimate of the right value plainly wrong): an estimate or rounded numbers.
CLOSE_NOT_EXACT = (
    "your numbers are close to the right ones, but not equal: that looks like an estimate "
    "(a finite difference) or rounded numbers (float32, or numbers typed in). Return the "
    "exact value: compute it with the formula, in NumPy's usual float64"
)
#: As graded hints, complete in themselves: no general hint about the formula follows them
#: (the formula is right).
CLOSE_HINTS = (CLOSE_NOT_EXACT, CLOSE_NOT_EXACT)


def _unpack(name, result, names):
    """The learner's tuple as {name: array}, or None after one ✗ line saying what came back
    instead: None (a forgotten ``return``), a tuple of the wrong length, or something else.
    Its hint is about the ``return`` line alone (after a missing ``return``, a general
    hint about db would mislead)."""
    got = _unpacked(name, result, names)
    if got is None:
        say = f"the function's last line must be `return {', '.join(names)}`"
        hint((say, say))  # complete in itself: no general hint after it
    return got


def _unpacked(name, result, names):
    want = f"{len(names)} arrays ({', '.join(names)})"
    if result is None:
        print(
            f"{FAIL} {name}: it returned None, Python's word for no value: is a `return` "
            f"missing? Return {want}"
        )
        return None
    if isinstance(result, (tuple, list)) and len(result) != len(names):
        print(
            f"{FAIL} {name}: it returned {len(result)} item{'s' * (len(result) != 1)}, but "
            f"it must return {want}, in that order"
        )
        return None
    if not isinstance(result, (tuple, list)):
        print(
            f"{FAIL} {name}: it returned one {type(result).__name__}, but it must return "
            f"{want}, separated by commas: return {', '.join(names)}"
        )
        return None
    return dict(zip(names, result))


def _bias_mistakes(dY):
    """The wrong bias gradients of a forgotten or wrong axis."""
    return {
        SUM_ALL: dY.sum(),
        SUM_AXIS: dY.sum(axis=1),
        KEPT_DIMS: dY.sum(axis=0, keepdims=True),
    }


def _close_not_equal(got, want) -> bool:
    """Whether ``got`` fails ``check_arrays`` but is within 0.1 % (of the largest entry) of
    ``want``: the right value estimated or rounded, not a wrong formula."""
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    want = np.asarray(want, dtype=float)
    if arr.shape != want.shape or not np.all(np.isfinite(arr)):
        return False
    if np.allclose(arr, want, rtol=1e-7, atol=1e-10):  # check_arrays' own tolerance
        return False
    return bool(np.max(np.abs(arr - want)) <= 1e-3 * max(float(np.max(np.abs(want))), 1e-12))


def _check_arrays(arrays, mistakes) -> bool:
    """``check_arrays``; when no usual bug was named and the first wrong array is close to
    the right one, CLOSE_NOT_EXACT says so in plain words (rather than a bare WRONG)."""
    before = _attempts[-1].hinted if _attempts else 0
    if check_arrays(arrays, mistakes=mistakes):
        return True
    first = next((pair for pair in arrays.values() if not _close_or_equal(*pair, rtol=1e-7)), None)
    if (not _attempts or _attempts[-1].hinted == before) and first and _close_not_equal(*first):
        hint(CLOSE_HINTS)
    return False


def _close_or_equal(got, want, rtol) -> bool:
    """Whether ``got`` passes ``check_arrays``' comparison with ``want``."""
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    want = np.asarray(want, dtype=float)
    return arr.shape == want.shape and bool(np.allclose(arr, want, rtol=rtol, atol=1e-10))


def _softmax(Z, axis=1):
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


# ---------------------------------------------------------------- 3.1 shapes

SHAPES = {"Y": (32, 10), "dY": (32, 10), "dX": (32, 64), "dW": (64, 10), "db": (10,)}
SHAPE_WHY = {
    "dW": "a gradient always has the shape of what it is the gradient of: W is (64, 10)",
    "dX": "the shape of X: 32 points, 64 pixels each",
    "dY": "dY has the shape of Y",
    "Y": "X is (32, 64) and W is (64, 10): X @ W is (32, 10)",
}
#: The same reasons without the answer, for the first wrong try (a prediction is the point).
SHAPE_NUDGE = {
    "dW": "a gradient always has the shape of what it is the gradient of: here W",
    "dX": "dX has the shape of X: one row per point, one column per pixel",
    "dY": "dY has the shape of Y",
    "Y": "X is (32, 64), and W has one row per input and one column per output",
}
#: What a wrong shape of db usually means (the shape the learner gave: why it is wrong).
DB_WHY = {
    (): "() is a single number: one sum over all of dY. The bias has one number per "
    "output, so db needs one too: sum over the batch only",
    (1, 10): "(1, 10) is a matrix of one row; b is a plain row of numbers, one per output, "
    "not a matrix: its shape holds a single number, written with a comma",
    (32, 10): "that is the shape of dY; db adds up dY over the 32 points: one number per output",
    (32,): "that is one number per point; db needs one number per output: sum over the "
    "points, not over the outputs",
}
ONE_TUPLE = "({n}) is just the number {n}; a one-element tuple needs a comma: ({n},)"


def _run(name, fn, *args, **kwargs):
    """``run`` from ``helpers.exercises``, but a learner's ``raise NotImplementedError(hint)``
    also says to delete that line: and, when the learner wrote code under it, that this code
    never runs (a learner who keeps the line above a right answer may read the hint as
    "your shapes are wrong")."""
    if not callable(fn):
        return run(name, fn, *args, **kwargs)

    @functools.wraps(fn)
    def learner(*a):
        try:
            return fn(*a)
        except NotImplementedError as err:
            _add_delete_the_raise(err)
            raise
        except ValueError as err:  # NumPy's own words for an @ that does not fit
            if "does not have enough dimensions (has 0" in str(err):
                err.args = (NOT_AN_ARRAY,)  # a method, not an array: W.transpose
            elif "matmul" in str(err):
                err.args = (MATMUL_MISFIT,)
            raise

    return run(name, learner, *args, **kwargs)


def _shape(got):
    """A learner's shape (tuple, list, array, NumPy integers) as a tuple, if it is one."""
    if isinstance(got, np.ndarray):
        got = got.tolist()
    if isinstance(got, (tuple, list)):
        whole = tuple(_whole(n) for n in got)
        return whole if None not in whole else tuple(got)
    return got


def _not_a_tuple(given, want) -> str:
    """A note for a right shape written as a list or an array: right numbers, but a shape is
    a tuple (else ``[10]`` would pass without a word, though the text stresses the comma of
    ``(10,)``)."""
    if isinstance(given, tuple):
        return ""
    kind = "a list" if isinstance(given, list) else type(given).__name__
    return f" (right numbers; you wrote {kind}, but a shape is a tuple, in round brackets: {want})"


@exercise("3.1", "shapes")
def check_gradient_shapes(shapes) -> bool:
    """Exercise 3.1: a batch of 32 inputs with 64 features into ``Linear(64, 10)``.

    ``shapes`` maps ``"Y", "dY", "dX", "dW", "db"`` to shape tuples. A wrong shape is named
    with its reason; the expected shape is shown only from the second wrong try on, so that a
    first wrong try cannot be fixed by copying.

    Hints, one more for each wrong try:
    - X is (32, 64) and W is (inputs, outputs); every gradient has the shape of its array
    - Y = X @ W + b is (32, 10); dW has the shape of W, and db the shape of b: one number
      per output
    """
    name = "shapes"
    if callable(shapes):
        ok, shapes = _run(name, shapes)
        if not ok:
            return False
    if not isinstance(shapes, dict):
        print(
            f"{FAIL} {name}: expected a dict like {{'dW': (64, 10), ...}}, got "
            f"{type(shapes).__name__}"
        )
        return False
    if not any(key in shapes for key in SHAPES):
        print(
            f"{FAIL} {name}: the dict has none of the keys {', '.join(SHAPES)}; its keys are "
            f"{_fmt(list(shapes))}"
        )
        return False
    ok = True
    first_try = bool(_attempts) and _attempts[-1].level == 1
    for key, want in SHAPES.items():
        if key not in shapes:
            ok = False
            print(f"{FAIL} {key}: missing (the dict has no key {key!r}); add {key!r}: its shape")
            continue
        got = _shape(shapes[key])
        if isinstance(got, tuple) and got == want:
            print(f"{PASS} {key}: {want}{_not_a_tuple(shapes[key], want)}")
            continue
        ok = False
        why = _why_not_the_shape(key, got, want, first_try)
        if first_try:  # the expected shape only from the second wrong try on
            print(f"{FAIL} {key}: got {_fmt(got)}, which is not its shape{why}")
        else:
            print(f"{FAIL} {key}: got {_fmt(got)}, expected {want}{why}")
    return ok


def _why_not_the_shape(key: str, got, want: tuple, first_try: bool) -> str:
    """The reason printed after a wrong shape of ``key`` (3.1)."""
    if isinstance(got, str):  # "(32, 10)" in quote marks looks like the answer
        return _because(TEXT_NOT_TUPLE)
    if len(want) == 1 and not isinstance(got, (tuple, bool)) and _whole(got) == want[0]:
        return _because(ONE_TUPLE.format(n=want[0]))
    if got == want[::-1] and len(want) == 2:
        return _because("that is the transpose")
    if key == "db":
        return _because(DB_WHY.get(got, "db has the shape of b: one number per output"))
    reason = (SHAPE_NUDGE if first_try else SHAPE_WHY).get(key)
    return _because(reason) if reason else ""


#: A shape written in quote marks, such as "(32, 10)": text, not a tuple.
TEXT_NOT_TUPLE = (
    "you wrote text (a string, in quote marks), not a shape; remove the quotes: a shape is a "
    "tuple of numbers, such as (2, 3)"
)


def _because(reason: str) -> str:
    """A reason after a shape, in brackets; as a sentence of its own when it holds brackets
    itself ("((10) is just the number 10; ...: (10,))" is hard to read)."""
    return f". Why: {reason}" if "(" in reason else f" ({reason})"


# ---------------------------------------------------------------- 3.2 linear

#: (batch size, inputs, outputs, seed): a square W first (so that a transposed W computes,
#: and is named), then a W that is not square, then a batch of 1 (an answer must work for a
#: single point too). The notebook's exercise text names these three cases.
LINEAR_CASES = ((5, 3, 3, 30), (5, 4, 3, 31), (1, 3, 2, 32))


def _linear_case(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in))
    W = rng.normal(size=(n_in, n_out))
    b = rng.normal(size=n_out)
    dY = rng.normal(size=(n, n_out))
    return X, W, b, dY


SWAPPED = (
    "the first array you return is X.T @ dY, which is dW, and the second is dY @ W.T, which "
    "is dX: return them as (dX, dW, db)"
)
MEAN_NOT_SUM = (
    "you returned the mean of the rows of dY, but db is their sum: b is added to every row, so "
    "every row adds its own dY to db (no division by N here: the loss is a mean, so dY already "
    "holds its 1/N)"
)
FIRST_ROW = (
    "you returned only the first row of dY, but db is the sum of all the rows: b is added to "
    "every row, so every row adds its own dY to db"
)
DIVIDED_BY_N = (
    "it is divided by the batch size N, but the layer must not divide. A mean loss is 1/N "
    "times a sum, and dY brings it: the 1/N is in dY already"
)


def _plus_b(name: str) -> str:
    """The bug of a gradient that is the right product plus b (`dY @ W.T + b`: its product
    is right, so asking which product it is would mislead)."""
    of = name[1]
    return (
        f"your {name} is the right product plus b, but b does not belong in {name}: adding b "
        f"to Y does not change how Y depends on {of}. Leave out the + b"
    )


#: What to do about each array, one more step for each wrong try (the last gives that
#: array's line, not all three lines for one slip): printed
#: after the first wrong array, so that the hint is about that array.
ARRAY_HINTS = {
    "dX": (
        "dX has the shape of X, (N, inputs): which product of dY with W or with W.T has that "
        "shape?",
        "dY is (N, outputs), W is (inputs, outputs) and W.T is (outputs, inputs); in a product "
        "A @ B the columns of A must match the rows of B",
        "dX goes back through the weights: dY times W turned round, which is (N, outputs) "
        "times (outputs, inputs) (section 7, the recipe)",
        "dX = dY @ W.T",
    ),
    "dW": (
        "dW has the shape of W, (inputs, outputs): which product of X or X.T with dY has "
        "that shape?",
        "X is (N, inputs), X.T is (inputs, N) and dY is (N, outputs); in a product A @ B the "
        "columns of A must match the rows of B",
        "dW adds up one part from each point of the batch: X turned round, times dY, is "
        "(inputs, N) times (N, outputs) (section 7, the recipe)",
        "dW = X.T @ dY",
    ),
    "db": (
        "db has the shape of b, (outputs,): one number per output. b is added to every row "
        "of X @ W: how does each row of dY count in db?",
        "b is added to every row of X @ W, so db adds up the rows of dY: a sum, not a mean "
        "(the loss is a mean, so dY already holds its 1/N)",
        "adding up the rows is a sum along axis 0, the direction that runs down the rows",
        "db = dY.sum(axis=0)",
    ),
}


#: The first hint when the shape is right but the numbers are not (a learner's `db = b` has
#: b's shape, so a hint about shape would mislead).
RIGHT_SHAPE_FIRST = {
    "dX": "its shape is right, but its numbers are not: dX goes back from dY through the "
    "weights. Which product of dY with W or with W.T is it?",
    "dW": "its shape is right, but its numbers are not: dW is built from X and dY. Which "
    "product of X or X.T with dY is it?",
    "db": "its shape is right, but its numbers are not. b is added to every row of X @ W: how "
    "does each row of dY count in db?",
}


def _array_hints(name: str, got, want) -> tuple:
    """ARRAY_HINTS of ``name``, with a first hint not about the shape when it is right."""
    try:
        same = np.asarray(got, dtype=float).shape == np.shape(want)
    except (TypeError, ValueError):
        same = False
    if same:
        return (RIGHT_SHAPE_FIRST[name],) + ARRAY_HINTS[name][1:]
    return ARRAY_HINTS[name]


def _wrong_sign(name: str) -> str:
    """The bug of a gradient that is minus the right one (`dX = -dY @ W.T`: its shape is
    right, so a hint about shapes would not help)."""
    return (
        f"every entry of {name} has the wrong sign: your {name} is minus the right one, and "
        "its shape is right. Look for a minus sign in that line"
    )


#: The next step after a wrong sign: where a minus could come from (nowhere).
NO_MINUS = (
    "Y = X @ W + b has only plus signs, and the chain rule only multiplies dY by local "
    "derivatives: no minus enters any of the three gradients"
)


def _graded(bug, name):
    """A named bug of array ``name`` as growing hints: the bug alone on the first wrong try,
    then the bug with the next step for that same array."""
    if bug == _wrong_sign(name):  # the shapes are right: no step about shapes
        return (
            bug,
            _next_step(bug, NO_MINUS),
            f"{bug}. Next step: compare your line with section 7's recipe, which has no minus",
            f"{bug}. Section 7's recipe: {ARRAY_HINTS[name][-1]}",
        )
    if bug in (DIVIDED_BY_N, _plus_b(name)):  # the shapes are right: next, the recipe itself
        said = "has no N in it" if bug == DIVIDED_BY_N else "has no b in it"
        return (bug, f"{bug}. Section 7's recipe {said}: {ARRAY_HINTS[name][-1]}")
    # a step that repeats the bug's own reason is left out (else "a sum, not a mean ... 1/N"
    # is printed twice in one hint), nor "not a mean" after a sum over the wrong axis
    # (`dY.sum()` takes no mean)
    summed = bug in (SUM_ALL, SUM_AXIS, KEPT_DIMS)
    steps = [
        step
        for step in ARRAY_HINTS[name][1:]
        if ("1/N" not in step or "1/N" not in bug) and not (summed and "not a mean" in step)
    ]
    return (bug,) + tuple(_next_step(bug, step) for step in steps)


def _arrays_are(got, want) -> bool:
    """Whether ``got`` is an array equal to ``want`` (same shape, same numbers)."""
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return matches(arr, want)


#: `*` where `@` belongs: NumPy's message says "operands could not be broadcast together".
STAR_NOT_MATMUL = (
    "`*` multiplies entry by entry, so its two arrays must have the same shape (the "
    '"operands" in the message are those two arrays). A gradient here is a matrix '
    "product: write it with `@`, not `*` (section 7)"
)


#: NumPy's message for an @ whose shapes do not fit, in plain words (a learner cannot
#: read "mismatch in its core dimension 0, with gufunc signature ...").
MATMUL_MISFIT = (
    "the two arrays of an @ product do not fit: the number of columns of the left one must "
    "equal the number of rows of the right one"
)

#: A method written without () in an @ product, such as `dY @ W.transpose` (not "two
#: arrays do not fit": one side is not an array at all).
NOT_AN_ARRAY = "one side of an @ product is not an array"
METHOD_IN_PRODUCT = (
    "that side is most likely a method written without (), such as W.transpose: the method "
    "itself, not its result. Write W.T (or W.transpose())"
)

# What a shape error of linear_backward usually means.
SHAPE_ERRORS = [
    (ValueError, NOT_AN_ARRAY, METHOD_IN_PRODUCT),
    (ValueError, "could not be broadcast", STAR_NOT_MATMUL),
    (
        ValueError,
        "of an @ product do not fit",
        "the shapes of a product do not fit: dY is (N, outputs), W is "
        "(inputs, outputs) and X is (N, inputs). In A @ B the order matters too: are the "
        "two sides swapped, or which one needs a .T?",
    ),
]


#: An array called like a function: almost always `W.T()` for `W.T` (the general hint
#: about shapes does not say what went wrong).
T_CALLED = (
    "your code puts () after an array, as if it were a function: most likely `W.T()` or "
    "`X.T()`. `.T` is written without parentheses: `W.T` already is the transposed array"
)


def _shape_error_hint(err):
    """The meaning of a shape error as a hint complete in itself: no general hint (about db,
    say) follows it (after an @ that does not fit, a hint about db would point to
    the wrong line). An array called like a function gets its own hint, also alone."""
    if isinstance(err, TypeError) and "'numpy.ndarray' object is not callable" in str(err):
        return (T_CALLED, T_CALLED)  # two levels: no general hint about shapes follows it
    meaning = error_meaning(err, SHAPE_ERRORS)
    if meaning == METHOD_IN_PRODUCT:
        return (meaning, meaning)  # complete in itself: no step about shapes follows it
    return (meaning, _next_step(meaning, NEXT_SHAPE_STEP)) if meaning else None


def _next_step(said: str, step: str) -> str:
    """``said`` and then its next step, without a full stop after a question mark (not
    "which one needs a .T?. Next step")."""
    return f"{said}{'' if said.endswith('?') else '.'} Next step: {step}"


#: The second step after a shape error of 3.2.
NEXT_SHAPE_STEP = (
    "write the shape of each array under it; in A @ B the columns of A must match the rows of B"
)


def _global_arrays(fn) -> list[str]:
    """The names of NumPy arrays that ``fn`` reads as globals (the notebook's ``W_small`` or
    ``X``, say), in the order of its code, including functions defined inside it. Only a
    name Python looks up among the globals counts: an argument or local variable does not."""
    space = getattr(fn, "__globals__", {})
    found: list[str] = []

    def scan(code):
        for ins in dis.get_instructions(code):
            name = ins.argval
            if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and name not in found:
                if isinstance(space.get(name), np.ndarray):
                    found.append(name)
        for const in code.co_consts:
            if hasattr(const, "co_code"):
                scan(const)

    code = getattr(fn, "__code__", None)
    if code is not None:
        scan(code)
    return found


def _globals_hint(fn, names: list[str]) -> tuple[str, str]:
    """What a learner hears whose linear_backward read notebook arrays instead of its
    arguments (such as `dY @ W_small.T`: a hint about the order of the product would mislead),
    complete in itself (two levels: no general hint follows it)."""
    code = fn.__code__
    args = ", ".join(code.co_varnames[: code.co_argcount])
    said = (
        f"your function reads {' and '.join(names)} from the notebook, outside the function, "
        f"so it ignores the arrays the check passes in. In its body use only its arguments "
        f"({args})"
    )
    return (said, said)


@exercise("3.2", "linear_backward")
def check_linear_backward(fn) -> bool:
    """Exercise 3.2: ``fn(X, W, b, dY) -> (dX, dW, db)`` for ``Y = X @ W + b``.

    A wrong array gets the hints of ``ARRAY_HINTS`` for that array (a named bug first), so
    that a hint printed under a ✗ line is about that line. The general hints below follow the
    other failures (nothing returned, an error raised).

    Hints, one more for each wrong try:
    - each gradient has the shape of its array: dX is (N, inputs) like X, dW is
      (inputs, outputs) like W, and db is (outputs,) like b
    - dX is a product of dY with W or with W.T, and dW a product of X or X.T with dY: pick the
      one whose shape is right (section 7, "Check the recipe by shapes")
    - b is added to every row of X @ W, so db adds up dY over the rows (axis 0): a sum, not a
      mean (the loss is a mean, so dY already holds its 1/N); return the three in the order
      dX, dW, db
    - dX = dY @ W.T, dW = X.T @ dY, db = dY.sum(axis=0)

    A wrong answer that reads arrays of the notebook (``W_small``, ``X``) instead of its
    arguments is told so, in place of the hints about shapes.
    """
    outside = _global_arrays(fn)
    said = _globals_hint(fn, outside) if outside else None
    for n, n_in, n_out, seed in LINEAR_CASES:
        X, W, b, dY = _linear_case(n, n_in, n_out, seed)
        got = _linear_result(fn, X, W, b, dY, said)
        if got is None:
            return False
        print(f"batch of {n}, W of shape {W.shape}:")
        want = {"dX": dY @ W.T, "dW": X.T @ dY, "db": dY.sum(axis=0)}
        mistakes = None if said else _linear_mistakes(X, W, b, dY, want)
        if not _compare_linear(got, want, mistakes, said):
            return False
    return True


def _linear_result(fn, X, W, b, dY, said=None):
    """The learner's ``(dX, dW, db)`` on one case as a dict, or None after saying why not:
    an error raised, not three arrays returned, or dX and dW swapped. ``said``: the hint for
    a function that reads notebook arrays, given in place of the meaning of an error."""
    ok, result = _run(
        "linear_backward",
        fn,
        X.copy(),
        W.copy(),
        b.copy(),
        dY.copy(),
        where=f"on a batch of {len(X)} with W of shape {W.shape}",
        error_hint=(lambda err: said) if said else _shape_error_hint,
    )
    if not ok:
        return None
    got = _unpack("linear_backward", result, ("dX", "dW", "db"))
    if got is not None and _arrays_are(got["dX"], X.T @ dY) and _arrays_are(got["dW"], dY @ W.T):
        print(f"{FAIL} linear_backward: dX and dW are in the wrong order")
        hint((SWAPPED, SWAPPED))  # complete in itself: no general hint after it
        return None
    return got


def _linear_mistakes(X, W, b, dY, want):
    """The usual wrong dX, dW and db of one case, each named with its growing hints."""
    n, (n_in, n_out) = len(X), W.shape
    square = n_in == n_out  # only then do dY @ W and dY @ W.T + b compute
    bugs = {
        "dX": {
            TRANSPOSED_X: (dY @ W.T).T,
            **({TRANSPOSED_W: dY @ W, _plus_b("dX"): want["dX"] + b} if square else {}),
        },
        "dW": {TRANSPOSED: (X.T @ dY).T, _plus_b("dW"): want["dW"] + b},
        "db": {**_bias_mistakes(dY), MEAN_NOT_SUM: dY.mean(axis=0), FIRST_ROW: dY[0]},
    }
    if n > 1:  # at a batch of 1, / N changes nothing
        for key in ("dX", "dW"):
            bugs[key][DIVIDED_BY_N] = want[key] / n
    for key in bugs:
        bugs[key][_wrong_sign(key)] = -want[key]
    return {
        key: {_graded(bug, key): wrong for bug, wrong in named.items()}
        for key, named in bugs.items()
    }


def _compare_linear(got, want, mistakes, said=None) -> bool:
    """check_arrays, one array at a time, so that the hint comes right under the first wrong
    line: a named bug's, or else the next step of ``ARRAY_HINTS`` for that array (``said``
    instead, if the function reads notebook arrays)."""
    ok = True
    for key in want:
        before = _attempts[-1].hinted if _attempts else 0
        if check_arrays({key: (got[key], want[key])}, mistakes=mistakes if ok else None):
            continue
        if ok and said:
            hint(said)
        elif ok and (not _attempts or _attempts[-1].hinted == before):  # no usual bug named
            close = _close_not_equal(got[key], want[key])
            hint(CLOSE_HINTS if close else _array_hints(key, got[key], want[key]))
        ok = False
    return ok


# ---------------------------------------------------------------- 3.3 tanh


#: What a tanh_backward may not use: the task is to compute the slope from Y alone.
TANH_FORBIDDEN = {
    "tanh": "np.tanh",
    "arctanh": "np.arctanh",
    "cosh": "np.cosh",
    "sinh": "np.sinh",
    "X": "the input X",
}
MATMUL_NOT_TIMES = (
    "@ is the matrix product (rows times columns); the slope multiplies dY entry by entry, "
    "and that is * in NumPy"
)
TANH_MISTAKES = {
    "1 − Y² is not (1 − Y)²: square Y first, then subtract it from 1": lambda Y, dY: (
        dY * (1 - Y) ** 2
    ),
    "that is the slope of the sigmoid, Y(1 − Y); the slope of tanh is 1 − Y²": lambda Y, dY: (
        dY * Y * (1 - Y)
    ),
    "* comes before -: dY * 1 - Y**2 is (dY * 1) - Y**2. Put brackets around 1 - Y**2": (
        lambda Y, dY: dY * 1 - Y**2
    ),
    "the upstream gradient dY is missing: multiply by it": lambda Y, dY: 1 - Y**2,
    "that is the slope of tanh at Y, 1 − Y², with the sign of Y² flipped": lambda Y, dY: (
        dY * (1 + Y**2)
    ),
    "summed over the rows: dX has the shape of X, one number per entry, so there is no sum "
    "here": lambda Y, dY: (dY * (1 - Y**2)).sum(axis=0),
}


def _names_used(code) -> set[str]:
    """The global and attribute names and the local variables a function's code uses,
    including those of functions defined inside it."""
    names = set(code.co_names) | set(code.co_varnames)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names_used(const)
    return names


def _outside_names(code) -> set[str]:
    """The names a function's code reads from outside itself (globals, attributes, names of
    an enclosing function), including those of functions defined inside it: not its own
    local variables."""
    names = set(code.co_names) | set(code.co_freevars)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _outside_names(const)
    return names


def _forbidden_use(fn) -> str | None:
    """What ``fn`` uses that exercise 3.3 forbids (np.tanh, np.arctanh, X, ...), if anything.
    A local variable the learner names ``X`` is their own helper, not the input X: only an
    ``X`` read from outside the function is refused."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    used, outside = _names_used(code), _outside_names(code)
    found = [
        what for name, what in TANH_FORBIDDEN.items() if name in (outside if name == "X" else used)
    ]
    return " and ".join(found) or None


@exercise("3.3", "tanh_backward")
def check_tanh_backward(fn) -> bool:
    """Exercise 3.3: ``fn(Y, dY) -> dX`` where ``Y = tanh(X)`` was stored by forward.

    The answer may use only ``Y`` and ``dY``: a function that calls ``np.tanh``,
    ``np.arctanh`` (or ``cosh``, ``sinh``) or reads the input ``X`` from outside is refused
    (a local helper variable named ``X`` is fine). As a second guard, those functions are
    replaced while it runs, so that even a call hidden in another function is caught, and
    named.

    Hints, one more for each wrong try:
    - write the derivative of tanh in terms of tanh itself; Y already is tanh(X)
    - the derivative of tanh(x) is 1 − tanh²(x); with Y = tanh(X) that is 1 − Y²
    - dX is the upstream gradient dY times the slope 1 − Y², entry by entry (with *)
    """
    name = "tanh_backward"
    if not callable(fn):
        return _run(name, fn)[0]
    forbidden = _forbidden_use(fn)
    if forbidden:
        print(
            f"{FAIL} {name}: your function uses {forbidden}. The backward pass of nn.Tanh has "
            "only its stored output Y (and dY), and Y already is tanh(X): compute the slope "
            "from Y alone"
        )
        return False
    rng = np.random.default_rng(33)
    X = rng.normal(size=(4, 3))
    Y, dY = np.tanh(X), rng.normal(size=(4, 3))
    how, dX, called = _call_without_tanh(fn, Y.copy(), dY.copy())
    if called:  # a call the source scan did not see: in another function, say
        print(
            f"{FAIL} {name}: your function calls {' and '.join(called)} (through another "
            "function). The backward pass of nn.Tanh has only its stored output Y (and dY), "
            "and Y already is tanh(X): compute the slope from Y alone"
        )
        return False
    if how == "raised" and isinstance(dX, ValueError) and "matmul" in str(dX):
        print(f"{FAIL} {name}: your code used @, and the shapes do not fit a matrix product")
        hint(MATMUL_NOT_TIMES)
        return False
    if how != "ok":
        ok, dX = _run(name, fn, Y.copy(), dY.copy())
        if not ok:
            return False
    if not returned(name, dX):
        return False
    mistakes = {"dX": {bug: wrong(Y, dY) for bug, wrong in TANH_MISTAKES.items()}}
    return _check_arrays({"dX": (dX, dY * (1 - Y**2))}, mistakes=mistakes)


def _call_without_tanh(fn, *args):
    """``(how, result, called)``: ``fn(*args)`` within the time limit, with np.tanh,
    np.arctanh, np.cosh and np.sinh replaced by functions that give NaN and note their call
    (``called``: "np.tanh", ...), so that a hidden call to them cannot pass, and is named."""
    saved = {name: getattr(np, name) for name in ("tanh", "arctanh", "cosh", "sinh")}
    called = []
    try:
        for name in saved:
            setattr(np, name, _nan_like(f"np.{name}", called))
        how, result = _call_limited(fn, args)
    finally:
        for name, f in saved.items():
            setattr(np, name, f)
    return how, result, list(dict.fromkeys(called))


def _nan_like(name, called):
    def nan_like(x, *args, **kwargs):
        called.append(name)
        return np.full(np.shape(x), np.nan)

    return nan_like


# ---------------------------------------------------------------- 3.4 softmax CE


@exercise("3.4", "softmax_ce_backward")
def check_softmax_ce_backward(fn) -> bool:
    """Exercise 3.4: ``fn(Z, y) -> dZ`` for the mean softmax cross-entropy of logits ``Z``.

    Hints, one more for each wrong try:
    - work out the gradient for one example (one row) first, as the lesson did for softmax
      with cross-entropy; then remember that the loss is a mean over the batch
    - dZ = (P − T) / N: P the softmax of each row, T the one-hot labels, N the batch size
    """
    for n, c, seed in ((6, 4, 34), (1, 3, 35)):
        rng = np.random.default_rng(seed)
        Z, y = 2 * rng.normal(size=(n, c)), rng.integers(0, c, size=n)
        onehot = np.eye(c)[y]
        want = (_softmax(Z) - onehot) / n
        ok, dZ = _run("softmax_ce_backward", fn, Z.copy(), y.copy())
        if not ok or not returned("softmax_ce_backward", dZ):
            return False
        print(f"batch of {n}, {c} classes:")
        mistakes = {
            "dZ": {
                NO_MEAN: want * n,
                SOFTMAX_AXIS: (_softmax(Z, axis=0) - onehot) / n,
                "the one-hot labels are missing: subtract 1 at each row's label": _softmax(Z) / n,
                "the sign is flipped: it is P − T, not T − P": -want,
            }
        }
        if not _check_arrays({"dZ": (dZ, want)}, mistakes=mistakes):
            return False
    return True


# ---------------------------------------------------------------- 3.5 the whole MLP


def mlp_forward(X, y, W1, b1, W2, b2):
    """The network of exercise 3.5, keeping every intermediate: a dict ``cache`` and the
    loss. ``Z1 = X W1 + b1``, ``H = relu(Z1)``, ``Z2 = H W2 + b2``, ``P = softmax(Z2)``,
    ``L = mean(-log P[i, y_i])``."""
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0.0)
    Z2 = H @ W2 + b2
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    loss = float(-np.mean(np.log(P[np.arange(len(y)), y])))
    return dict(X=X, y=y, W1=W1, b1=b1, W2=W2, b2=b2, Z1=Z1, H=H, Z2=Z2, P=P), loss


def reference_mlp_backward(cache):
    """The reference answer of exercise 3.5: every gradient, from the loss back to W1."""
    X, y, W2, Z1, H, P = (cache[k] for k in ("X", "y", "W2", "Z1", "H", "P"))
    n = len(y)
    dZ2 = P.copy()
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dW2 = H.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dH = dZ2 @ W2.T
    dZ1 = dH * (Z1 > 0)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return dict(dZ2=dZ2, dW2=dW2, db2=db2, dH=dH, dZ1=dZ1, dW1=dW1, db1=db1)


def mlp_case(seed: int = 36, n: int = 8, d: int = 5, hidden: int = 6, classes: int = 3):
    """Fixed random inputs and weights for exercise 3.5 (no pre-activation near 0)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, classes, size=n)
    W1 = rng.normal(size=(d, hidden)) / np.sqrt(d)
    b1 = 0.1 * rng.normal(size=hidden)
    W2 = rng.normal(size=(hidden, classes)) / np.sqrt(hidden)
    b2 = 0.1 * rng.normal(size=classes)
    return mlp_forward(X, y, W1, b1, W2, b2)


@exercise("3.5", "mlp_backward")
def check_mlp_backward(fn) -> bool:
    """Exercise 3.5: ``fn(cache) -> dict`` with ``dZ2, dW2, db2, dH, dZ1, dW1, db1``.

    Every intermediate is compared, so the first wrong line shows where the chain broke, and
    the usual bug on that line is named.

    Hints, one more for each wrong try:
    - one line per line of the forward pass, from the loss back: your answers to 3.4, 3.2 (for the
      second layer), then the ReLU, then 3.2 again (for the first)
    - dZ2 = (P − T)/N; dW2 = H.T @ dZ2, db2 = dZ2.sum(axis=0), dH = dZ2 @ W2.T; dZ1 = dH * (Z1 > 0);
      dW1 = X.T @ dZ1, db1 = dZ1.sum(axis=0)
    """
    cache, _ = mlp_case()
    ok, got = _run(
        "mlp_backward",
        fn,
        {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in cache.items()},
    )
    if not ok or not returned("mlp_backward", got):
        return False
    if not isinstance(got, dict):
        print(
            f"{FAIL} mlp_backward: it returned one {type(got).__name__}, but it must return a "
            "dict of gradients, such as dict(dZ2=dZ2, dW2=dW2, ...)"
        )
        return False
    want = reference_mlp_backward(cache)
    if not any(k in got for k in want):
        print(
            f"{FAIL} mlp_backward: the dict has none of the gradients {', '.join(want)}; "
            f"its keys are {_fmt(list(got))}"
        )
        return False
    X, H, Z1 = cache["X"], cache["H"], cache["Z1"]
    mistakes = {
        "dZ2": {NO_MEAN: want["dZ2"] * len(cache["y"])},
        "dW2": {TRANSPOSED: (H.T @ want["dZ2"]).T},
        "db2": _bias_mistakes(want["dZ2"]),
        "dZ1": {NO_MASK: want["dH"], TIMES_VALUE: want["dH"] * Z1},
        "dW1": {TRANSPOSED: (X.T @ want["dZ1"]).T},
        "db1": _bias_mistakes(want["dZ1"]),
    }
    return _check_arrays({k: (got.get(k), w) for k, w in want.items()}, mistakes=mistakes)
