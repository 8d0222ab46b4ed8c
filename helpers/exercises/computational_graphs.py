"""Checks for the exercises of notebook 02 (computational graphs and automatic differentiation).

The answers are run on ``helpers.autodiff.Value`` and ``helpers.forward_mode.Dual`` nodes; a
wrong one is told which part is off: the node's value, its parents, or its local derivative.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from helpers.autodiff import Value
from helpers.forward_mode import Dual

from . import (
    FAIL,
    PASS,
    _apart,
    _call_limited,
    _fmt,
    _number,
    _whole,
    _wrong_predictions,
    a_function,
    at_every_point,
    check_prediction,
    check_value,
    exercise,
    hint,
    learner_answer,
    returned,
    run,
)

# --------------------------------------------------------------------------------------
# 2.1 Predict: a node used twice, then squared
# --------------------------------------------------------------------------------------


#: Exercise 2.1: dc/da for b = a + a, c = b·b at a = 3, which is 24.
REUSE_NAME = "dc/da for b = a + a, c = b·b at a = 3"
REUSE_ANSWER = 24
REUSE_WHY = (
    "dc/db = 2b = 12 reaches a along both uses of a in b = a + a, each with local "
    "derivative 1: 12 + 12 = 24 (directly: c = (2a)² = 4a², dc/da = 8a = 24)"
)
#: what a known wrong guess is (none of these sentences gives the answer away)
REUSE_MISSES = {
    12: (
        "that counts one share too few: one use of a only (b = a + a uses a twice), "
        "or one factor of b·b only (c = b·b uses b twice)"
    ),
    # 6 misses two shares, not one (the answer
    # says so: "with = instead of +=, ... both b·b and a + a lose one share")
    6: (
        "two shares are missing. 6 is b, the other factor of b·b, along one use of a. But "
        "c = b·b uses b twice (once as each factor), and b = a + a uses a twice: each use "
        "adds a share. (With = instead of +=, the engine reports 6 too: both b·b and a + a "
        "lose one share.)"
    ),
    2: "db/da = 2 is only the last step; it multiplies dc/db",
    36: "that is c itself, not its slope",
    # 8 and 18 would get only the general hint
    8: (
        "that has no a or b in it. But a slope at a = 3 depends on the values there (a = 3, "
        "b = 6). If you found a formula in a, such as k·a, put a = 3 into it"
    ),
    18: (
        "it mixes values with slopes (it is a·b = 3·6, or 12 + 6). Each share is a gradient "
        "times a local derivative, and a value alone is no share"
    ),
    0: (
        "that is what a.grad holds before any backward pass: every gradient starts at 0. "
        "If you read a.grad from the engine, call c.backward() first"
    ),
    1: (
        "that is grad c = dc/dc = 1, the gradient of the output itself, where the backward "
        "pass starts. The question asks for the gradient of a"
    ),
    # shares multiplied instead of added, and a slope times a value
    144: (
        "that looks like a product of two shares. The shares of a node's uses add "
        "(+=, section 5); they do not multiply"
    ),
    72: (
        "it multiplies a slope by a value (such as dc/db × b). Each share is a gradient "
        "times a local derivative, and a value alone is no local derivative"
    ),
    # 48: c.backward() called twice, or by hand b's two uses counted again on top of the
    # 2 in dc/db = 2b
    48: (
        "that counts something twice. By hand: dc/db = 2b already holds both uses of b in "
        "b·b (one share b from each factor: b + b = 2b), so do not double it again. "
        "With the engine: did c.backward() run twice? A second backward() adds its "
        "shares to the leaves' old gradients (section 3), so a.grad grows with each call. "
        "Build the graph again, or call c.zero_grad() first, then c.backward() once"
    ),
}
REUSE_NUDGE = (
    "first find dc/db at b = 6 (c = b·b, a product of b with itself). Then follow each use "
    "of a in b = a + a back to a, as in section 5: each use adds dc/db × its local derivative"
)
#: how close an estimate of dc/da (a finite difference, as notebook 01 and the gradient
#: check compute one) comes to 24, relatively: a forward difference with h = 0.01 is off by 0.04
REUSE_ESTIMATE_RTOL = 1e-2


def _an_estimate(out) -> bool:
    """Whether ``out`` is a number near 24 but not 24: an estimate, not the exact slope."""
    got = None if isinstance(out, Value) else _number(out)[0]
    return (
        got is not None
        and got != REUSE_ANSWER
        and math.isclose(got, REUSE_ANSWER, rel_tol=REUSE_ESTIMATE_RTOL)
    )


#: what a returned thing is when it is no plain guess, told before the guesses (REUSE_MISSES):
#: (does it fit, what to print); the first that fits is told
REUSE_NOT_GUESSES = [
    (
        lambda out: isinstance(out, Value),
        lambda out: (
            f"it returned the node {out!r}, not a number: return its gradient, such as a.grad"
        ),
    ),
    (
        # a central difference, 24.00000000335, prints as 24 to 10 digits: "you predicted 24;
        # that is not it" would puzzle
        _an_estimate,
        lambda out: (
            f"your {_number(out)[0]!r} is close to 24, but that is an estimate, as "
            f"a finite difference gives: it is off by {abs(_number(out)[0] - REUSE_ANSWER):.2g}. "
            "Return "
            "the exact value: work it out by hand, or return a.grad after c.backward()"
        ),
    ),
]


@exercise("2.1", REUSE_NAME)
def check_reuse_prediction(predict) -> bool:
    """Exercise 2.1, predict first: dc/da for b = a + a, c = b·b at a = 3, which is 24.

    A first wrong guess hears what it is (if it is a usual one) and a nudge, not the answer;
    from the second wrong guess on, the check tells the value and why. The exercise asks
    for the function ``predict``: a plain number (``predict = 24``) is refused,
    and it is no guess.
    """
    if not a_function(REUSE_NAME, predict, "predict"):
        return False
    ok, out = learner_answer(REUSE_NAME, predict)
    if not ok:
        return False
    says = next((say(out) for fits, say in REUSE_NOT_GUESSES if fits(out)), None)
    if says:
        print(f"{FAIL} {REUSE_NAME}: {says}")
        return False
    return check_prediction(
        REUSE_NAME,
        out,
        REUSE_ANSWER,
        REUSE_WHY,
        REUSE_MISSES,
        hide_first_try_of="2.1",
        nudge=REUSE_NUDGE,
    )


# --------------------------------------------------------------------------------------
# 2.2 A new operation: softplus as one node
# --------------------------------------------------------------------------------------

#: the last two are far beyond 709, where math.exp overflows: the answer must be overflow-safe
SOFTPLUS_POINTS = [-3.0, -0.7, 0.0, 0.4, 2.5, 800.0, -800.0]
_LOCAL = "pass the local derivative as _local=(slope,), a tuple with one number"
_COMMA = (
    'Python says "not iterable" when it wants a tuple (several things) and gets one thing. '
    "A tuple of one thing needs a comma: (v,) and _local=(slope,). Without the comma, "
    "(v) is just v in brackets, and (slope) is just a number"
)
_OVERFLOW = (
    "math.exp(x) overflows for x above about 709: use the overflow-safe forms, "
    "max(x, 0) + math.log1p(math.exp(-abs(x))) for the value and math.exp(x - value) "
    "for σ(x)"
)
_OVERFLOW_NEGATIVE = (
    "for very negative x, math.exp(-x) overflows: at x = -800 it is e⁸⁰⁰, and e^t is too "
    "big for a float above t ≈ 709. So 1/(1 + math.exp(-x)) fails there. Write σ(x) as "
    "math.exp(x - value), whose exponent is never positive (and the value as "
    "max(x, 0) + math.log1p(math.exp(-abs(x))))"
)
#: the first hint after an overflow points to the text; the second gives the formulas
_OVERFLOW_FIRST = (
    "math.exp(x) overflows for x above about 709: e^x is too big for a float. Use the two "
    "rewrites in the text, whose exponents are never positive"
)
_OVERFLOW_FIRST_NEGATIVE = (
    "for very negative x, math.exp(-x) overflows: at x = -800 it is e⁸⁰⁰, too big for a "
    "float. Use the two rewrites in the text, whose exponents are never positive"
)
_NOT_EXACT = (
    "a finite difference is close but not exact: the local derivative must be exact. "
    "Use the formula σ(x) = e^(x − softplus(x)) from the text"
)


def _softplus_reference(x):
    """softplus(x) and σ(x), computed so that nothing overflows (checked against the
    three-node composition (1 + v.exp()).log() in the tests)."""
    value = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    slope = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
    return value, slope


def _softplus_error(err: Exception, x: float = 1.0) -> str | tuple[str, str] | None:
    """What an exception raised by the learner's softplus at ``x`` usually means."""
    if isinstance(err, TypeError) and "not iterable" in str(err):
        return _COMMA  # Value(..., (v), ...) or _local=(slope): a missing tuple comma
    if isinstance(err, TypeError) and "Value" in str(err):
        return "math functions take plain numbers: use x = v.data, not v itself"
    if isinstance(err, OverflowError):
        if x > 0:
            return (_OVERFLOW_FIRST, _OVERFLOW)
        return (_OVERFLOW_FIRST_NEGATIVE, _OVERFLOW_NEGATIVE)
    return None


def _a_node(name: str, out, x: float) -> bool:
    """Whether softplus returned a Value; if not, one ✗ line."""
    if out is None:
        print(
            f"{FAIL} {name}: softplus(Value({x})) returned nothing (None): is the return "
            "line missing? Return a new Value (a node of the graph)"
        )
    elif not isinstance(out, Value):
        print(
            f"{FAIL} {name}: softplus(Value({x})) returned {type(out).__name__} "
            f"{_fmt(out)}; return a new Value (a node of the graph)"
        )
    return isinstance(out, Value)


def _same(name: str, what: str, got, want: float, x: float) -> bool:
    """Whether ``got`` (the node's data or v.grad) is ``want``; if not, one ✗ line."""
    value, why = _number(got)
    if value is None:
        print(f"{FAIL} {name}: at x = {x} {what} should be one number; it {why}")
        return False
    if math.isclose(value, want, rel_tol=1e-12, abs_tol=1e-15):
        return True
    if math.isclose(value, want, rel_tol=1e-5):  # close, not exact: show the digits that differ
        print(
            f"{FAIL} {name}: at x = {x} {what} is {value:.17g}, expected {want:.17g}: it "
            f"differs from the exact value by {abs(value - want):.1g}"
        )
        return False
    print(f"{FAIL} {name}: at x = {x} {what} is {value:.10g}, expected {want:.10g}")
    return False


def _parents_wrong(parents: tuple, v: Value) -> str:
    """What is off with the parents of the learner's node (which are not exactly (v,))."""
    if not parents:
        return "the node has no parents: v must be its parent"
    number = next((p for p in parents if not isinstance(p, Value)), None)
    if number is not None:
        return (
            f"a parent of the node is {_fmt(number)}, a plain number, not a node: "
            "the parent must be v itself, (v,), not its number v.data"
        )
    if v in parents:
        return "v must be its only parent"
    seen, todo = set(), list(parents)
    while todo:  # is v further back? then the engine's operations made a chain
        p = todo.pop()
        if id(p) not in seen:
            seen.add(id(p))
            todo.extend(p._prev)
    if id(v) in seen:
        return "it is a chain of nodes the engine made, not one node on top of v"
    return "its parent is a new Value, not v: the parent must be v itself, (v,)"


def _no_abs_hint(out, x: float) -> None:
    """A value right for x >= 0 only: e^(-x) where the rewrite has e^(-|x|)."""
    got = _number(out.data)[0]
    no_abs = max(x, 0.0) + math.log1p(math.exp(-x)) if x > -700 else None
    if got is not None and no_abs is not None and math.isclose(got, no_abs, rel_tol=1e-9):
        hint(
            "the rewrite has e to the power −|x| (minus the absolute value of x), "
            "not −x: write math.exp(-abs(x)). For a negative x, −x is positive"
        )


def _node_shape_wrong(name: str, out: Value, v: Value) -> bool:
    """Whether the node is not one node on v with a number as local derivative and the
    operation 'softplus'; if so, one ✗ line (and a hint for wrong parents)."""
    parents = tuple(out._prev)
    if parents != (v,):
        print(f"{FAIL} {name}: the value is right, but {_parents_wrong(parents, v)}")
        hint(
            "build the node yourself with Value(data, (v,), 'softplus', _local=...): "
            "the parents are nodes, and v (the Value itself, not v.data) is the only one"
        )
        return True
    if any(isinstance(d, Value) for d in tuple(out._local)):
        print(
            f"{FAIL} {name}: the value is right, but the local derivative in _local is a "
            "Value (a node), not a plain number: _local holds numbers (floats), such as "
            "_local=(math.exp(x - y),) with x = v.data"
        )
        return True
    if out._op != "softplus":
        # the sentence on label= only when a label was given
        label = " A label=... names the node, not its operation." if out.label else ""
        print(
            f"{FAIL} {name}: the node's operation (its _op) is {out._op!r}, not "
            "'softplus': pass it as the third argument, Value(data, (v,), 'softplus', "
            f"...).{label}"
        )
        return True
    return False


def _flows_back(name: str, out: Value) -> bool:
    """Whether out.backward() runs; if not, one ✗ line saying why and a hint."""
    how, err = _call_limited(out.backward, ())
    if how == "ok":
        return True
    why = (
        "the node has no local derivative"
        if "local" in str(err)
        else f"backward() raised {type(err).__name__}"
        if how == "raised"
        else "backward() did not finish"
    )
    print(f"{FAIL} {name}: the value is right, but the gradient cannot flow back to v: {why}")
    hint(_LOCAL)
    return False


def _slope_hint(out: Value, grad, x: float, want: float, want_grad: float) -> None:
    """The hint for a wrong v.grad: softplus itself, a finite difference, no tuple, or
    a wrong slope (a step, when it is 0 or 1)."""
    if grad is not None and math.isclose(grad, want, rel_tol=1e-9):
        hint("that is softplus itself; its derivative is eˣ / (1 + eˣ) = σ(x)")
    elif grad is not None and math.isclose(grad, want_grad, rel_tol=1e-5):
        hint(_NOT_EXACT)
    elif len(tuple(out._local)) != 1:
        hint(_LOCAL)
    elif grad is not None:
        wrong = (
            f"the local derivative you gave is wrong: at x = {x} it is {grad:.6g}, "
            f"but the slope of softplus there is σ({x}) = {want_grad:.6g}."
        )
        if grad in (0.0, 1.0) and 0.0 < want_grad < 1.0:
            # a step (the derivative of ReLU) instead of the smooth sigmoid
            wrong += " Softplus is smooth: its slope is never a step (0 or 1)"
        hint(wrong)


def _softplus_at(softplus: Callable, x: float) -> bool:
    """One point of the check: a node, its data, its shape, its backward pass, v.grad."""
    name = "softplus"
    v = Value(x, label="v")
    ok, out = run(
        name,
        softplus,
        v,
        where=f"on Value({x})",
        error_hint=lambda err: _softplus_error(err, x),
    )
    if not ok or not _a_node(name, out, x):
        return False
    want, want_grad = _softplus_reference(x)
    if not _same(name, "its data", out.data, want, x):
        _no_abs_hint(out, x)
        return False
    if _node_shape_wrong(name, out, v) or not _flows_back(name, out):
        return False
    if not _same(name, "the gradient v.grad", v.grad, want_grad, x):
        _slope_hint(out, _number(v.grad)[0], x, want, want_grad)
        return False
    return True


@exercise("2.2", "softplus")
def check_softplus(softplus: Callable) -> bool:
    """``softplus(v)`` returns ONE new Value: data log(1 + eˣ), parent v, local σ(x),
    without overflow at x = ±800.

    Hints, one more for each wrong try:
    - build one Value as the cell above shows: its data is softplus(x), its only parent v, and its
      local derivative d softplus/dx at x = v.data
    - the text's two rewrites give the node's two numbers: the first its data, the second
      its local derivative σ(x), written with that data. Both use x = v.data, a plain number
    - take x = v.data; the data is the overflow-safe softplus of x from the text; the parents
      are the tuple (v,); the local derivative is σ(x) written as e to the power (x minus
      that data), a tuple with one number
    """
    return at_every_point(
        SOFTPLUS_POINTS,
        lambda x: _softplus_at(softplus, x),
        f"softplus: one node, value log(1 + eˣ) and derivative σ(x) at {len(SOFTPLUS_POINTS)} "
        "points, with no overflow at x = ±800",
    )


# --------------------------------------------------------------------------------------
# 2.3 Forward mode: one pass with a dual number
# --------------------------------------------------------------------------------------

FORWARD_CASES = [
    ("x³ − 2x", lambda t: t**3 - 2 * t, lambda x: 3 * x * x - 2, 1.5),
    (
        "tanh(x)·eˣ",
        lambda t: t.tanh() * t.exp(),
        lambda x: (1 - math.tanh(x) ** 2) * math.exp(x) + math.tanh(x) * math.exp(x),
        -0.4,
    ),
    (
        "log(x² + 1) / x",
        lambda t: (t * t + 1).log() / t,
        lambda x: (2 * x / (x * x + 1)) / x - math.log(x * x + 1) / x**2,
        2.0,
    ),
]


def _near_but_not_exact(got, want: float) -> bool:
    """Whether ``got`` is a number close to ``want`` that the exact check (1e-12) refuses."""
    value = None if isinstance(got, Dual) or callable(got) else _number(got)[0]
    return (
        value is not None
        and not math.isclose(value, want, rel_tol=1e-12)
        and math.isclose(value, want, rel_tol=1e-3)
    )


#: what a wrong result of derivative(f, x) is: (does it fit (got, calls, want), what to say
#: of (got, want)[, the hint]); the first that fits is told, before the comparison with f'(x)
FORWARD_MISTAKES = [
    (
        lambda got, calls, want: isinstance(got, Dual),
        lambda got, want: f"it returned the Dual {got!r}; return its derivative part, result.der",
    ),
    (
        lambda got, calls, want: not calls or not all(isinstance(t, Dual) for t in calls),
        lambda got, want: (
            "f was called with plain numbers only: a plain number carries no derivative"
        ),
    ),
    (
        lambda got, calls, want: callable(got),
        lambda got, want: f"it returned the function {_fmt(got)}; return the number",
    ),
    (
        # an estimate printed to 10 digits would read "got 4.75, expected
        # 4.75"; the digits that differ are shown, and what it is
        lambda got, calls, want: _near_but_not_exact(got, want),
        lambda got, want: (
            f"got {_apart(_number(got)[0], want)}: close, but that is an "
            "estimate, as a finite difference gives"
        ),
        "one pass of f on Dual(x, 1.0) gives the exact derivative: return its .der",
    ),
]


def _forward_case_ok(name: str, derivative: Callable, case: tuple) -> bool:
    """One function of the check: the learner's derivative of it, from one pass on a Dual."""
    label, f, df, x = case
    calls = []

    def counted(t):
        calls.append(t)
        return f(t)

    ok, got = run(name, derivative, counted, x, where=f"for f(x) = {label} at x = {x}")
    if not ok:
        return False
    mistake = next((row for row in FORWARD_MISTAKES if row[0](got, calls, df(x))), None)
    if mistake:
        print(f"{FAIL} {name}: for f(x) = {label} at x = {x}, {mistake[1](got, df(x))}")
        if len(mistake) > 2:
            hint(mistake[2])
        return False
    if not check_value(f"f(x) = {label} at x = {x}", got, df(x), rtol=1e-12):
        if all(t.der == 0.0 for t in calls):
            hint(
                "the input's derivative part was 0: that is the derivative with respect "
                "to nothing. Seed it with dx/dx = 1."
            )
        return False
    if len(calls) != 1:
        print(f"    Note: f was called {len(calls)} times; one forward pass is enough.")
    return True


@exercise("2.3", "derivative by forward mode")
def check_forward_derivative(derivative: Callable) -> bool:
    """``derivative(f, x)`` returns f'(x) from one forward pass with ``Dual(x, 1.0)``.

    Hints, one more for each wrong try:
    - a dual number carries a value and its derivative with respect to x: what is dx/dx?
    - call f once on Dual(x, 1.0) and return the derivative part of what it returns, .der
    """
    name = "derivative by forward mode"
    if not all(_forward_case_ok(name, derivative, case) for case in FORWARD_CASES):
        return False
    print(f"{PASS} {name}: exact derivatives of {len(FORWARD_CASES)} functions, one pass each")
    return True


# --------------------------------------------------------------------------------------
# 2.4 Predict: how many passes?
# --------------------------------------------------------------------------------------


PASSES_NAME = "passes for a gradient of 1,000 parameters"
#: said from the second wrong try on (as the exercises' intro says)
PASSES_WHY = (
    "    It is (1000, 1): forward mode needs one pass per parameter; one backward pass "
    "from the single loss gives all 1,000 partial derivatives"
)
#: said on the first wrong try, as 2.1 says it
PASSES_NEXT = "    Try again: the next wrong try shows the answer."
#: the usual wrong pairs (forward, reverse), in order: the first that fits is told
PASSES_MISTAKES = [
    (
        lambda fwd, rev: (fwd, rev) == (1, 1000),
        "the other way round: a forward-mode pass carries the derivative with respect to ONE "
        "parameter; a reverse-mode (backward) pass gives all of them for ONE output",
    ),
    (
        # (2000, 1): "a forward and a derivative pass per parameter"
        lambda fwd, rev: fwd == 2000,
        "2000 counts two passes per parameter, one for the value and one for the slope. But "
        "one forward-mode pass computes both: it carries the slope next to the value",
    ),
    (
        # (1001, 1): one plain evaluation on top of the passes
        lambda fwd, rev: fwd == 1001,
        "1001 adds a plain evaluation to the passes. But each forward-mode pass computes the "
        "value too, next to the slope: no extra pass is needed",
    ),
    (
        # (1000000, 1): 1000 × 1000
        lambda fwd, rev: fwd == 1000 * 1000,
        "1000000 is 1000 × 1000. A pass runs once through the whole graph and gives the slope "
        "with respect to one parameter: count the passes, not the work inside them",
    ),
    (
        # (3002000, 8006): section 6's operation counts, not passes
        lambda fwd, rev: bool({fwd, rev} & {3002, 3002000, 5004, 8006}),
        "your numbers look like counts of OPERATIONS, as section 6 prints them (3002000 "
        "and 8006), not numbers of passes. One pass runs once through the whole graph: how "
        "many passes does each mode need?",
    ),
    (
        lambda fwd, rev: (fwd, rev) == (1000, 2),
        "forward mode is right. Your 2 counts the forward and the backward pass; the "
        "question asks for backward passes only",
    ),
    (
        lambda fwd, rev: fwd != 1000,
        "forward mode: each pass gives the slope with respect to one parameter only; how "
        "many parameters are there?",
    ),
    (
        lambda fwd, rev: True,
        # not "how many outputs does the loss have?": the loss IS the output
        "reverse mode: one backward pass starts from the loss and reaches every parameter. "
        "There is one loss: how many backward passes does it need?",
    ),
]


def _reveal_passes() -> None:
    """From the second wrong guess on: the answer and why; the first is told that the next
    shows it, as in 2.1. Only wrong numbers count as guesses: a slip of form (None, one
    number, text) does not use up the free try."""
    guesses = _wrong_predictions.get("2.4", 0)
    _wrong_predictions["2.4"] = guesses + 1
    print(PASSES_WHY if guesses >= 1 else PASSES_NEXT)


def _quotes_hint(got) -> str:
    """A word on why text is not a number, for an answer such as ("1000", "1")."""
    items = got if isinstance(got, (tuple, list)) else [got]
    if any(isinstance(v, str) for v in items):
        return (
            ". Python reads anything in quotes as text, not as a number: write the numbers "
            "without quotes, as in (3, 5)"
        )
    return ""


def _comma_hint(counts: list) -> str:
    """Why (1,000, 1) is (1, 0, 1) to Python, which the ✗ line alone does not say."""
    if len(counts) > 2 and None not in counts and 0 in counts:
        return (
            ". A comma inside a number splits it: Python reads 1,000 as two numbers, 1 and 0. "
            "Write 1000 without the comma"
        )
    return ""


def _pass_counts(got) -> list | None:
    """The two whole numbers of the learner's answer, or None after one ✗ line."""
    if isinstance(got, np.ndarray):
        got = got.ravel().tolist()
    counts = [_whole(v) for v in got] if isinstance(got, (tuple, list)) else []
    if len(counts) == 2 and None in counts:
        # (1000, 2.7) mixes up passes with section 6's cost of 2.7 evaluations
        costs = [_number(v)[0] for v in got]
        if None not in costs and any(2 < c < 3.5 for c in costs):
            # "evaluations" and the 2.7 are met only in the going-deeper part
            print(
                f"{FAIL} {PASSES_NAME}: 2.7 is not a number of passes. The question asks how "
                "many backward passes reverse mode runs: a whole number. (If you read the "
                "going-deeper part of section 6: 2.7 is the COST of reverse mode there.)"
            )
            _reveal_passes()
            return None
    if len(counts) != 2 or None in counts:
        print(
            f"{FAIL} {PASSES_NAME}: expected two whole numbers (forward, reverse), such as "
            f"(3, 5); got {_fmt(got)}{_quotes_hint(got)}{_comma_hint(counts)}"
        )
        return None
    return counts


@exercise("2.4", PASSES_NAME)
def check_pass_counts(passes: Callable) -> bool:
    """``passes()`` returns (forward-mode passes, reverse-mode passes) for the gradient of one
    loss with respect to 1,000 parameters: (1000, 1)."""
    ok, got = run(PASSES_NAME, passes)
    if not ok or not returned(PASSES_NAME, got):  # None gets a word on `return`
        return False
    counts = _pass_counts(got)
    if counts is None:
        return False
    fwd, rev = counts
    if (fwd, rev) == (1000, 1):
        print(
            f"{PASS} {PASSES_NAME}: forward mode 1000 (one per parameter), reverse mode 1 "
            "(one backward pass gives all 1,000 partial derivatives)"
        )
        return True
    message = next(says for fits, says in PASSES_MISTAKES if fits(fwd, rev))
    print(f"{FAIL} {PASSES_NAME}: {message}")
    _reveal_passes()
    return False
