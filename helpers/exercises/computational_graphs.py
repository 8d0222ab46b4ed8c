"""Checks for the exercises of notebook 02 (computational graphs and automatic differentiation).

Each check takes the learner's answer (a function), prints what it found with a hint aimed at
the usual mistake, and returns True or False. An exercise still raising NotImplementedError
prints its hint and returns False, so the notebook runs on.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from helpers.autodiff import Value
from helpers.forward_mode import Dual

from . import FAIL, PASS, _fmt, _number, _whole, check_value, run

# --------------------------------------------------------------------------------------
# 2.1 Predict: a node used twice, then squared
# --------------------------------------------------------------------------------------


def check_reuse_prediction(predict: Callable) -> bool:
    """``predict()`` returns dc/da for b = a + a, c = b * b at a = 3 (it is 24)."""
    name = "dc/da for b = a + a, c = b·b at a = 3"
    ok, got = run(name, predict)
    if not ok:
        return False
    if check_value(name, got, 24.0):
        print("    c = (2a)² = 4a², so dc/da = 8a = 24: dc/db = 2b = 12 reaches a along "
              "both uses of a (12 + 12)")
        return True
    hints = {12.0: "that is one use of a only: b = a + a uses a twice, so add 12 twice",
             6.0: "6 is b = a + a itself, not a slope",
             2.0: "db/da = 2 is only the last step; multiply by dc/db = 2b = 12",
             36.0: "36 is c itself, not its slope"}
    hint = hints.get(_number(got)[0]) if not callable(got) else None
    if hint:
        print(f"    Hint: {hint}.")
    return False


# --------------------------------------------------------------------------------------
# 2.2 A new operation: softplus as one node
# --------------------------------------------------------------------------------------

SOFTPLUS_POINTS = [-3.0, -0.7, 0.0, 0.4, 2.5]


def _softplus_reference(x):
    v = Value(x)
    out = (1 + v.exp()).log()
    out.backward()
    return out.data, v.grad


def check_softplus(softplus: Callable) -> bool:
    """``softplus(v)`` returns ONE new Value: data log(1 + eˣ), parent v, local σ(x)."""
    name = "softplus"
    for x in SOFTPLUS_POINTS:
        v = Value(x, label="v")
        ok, out = run(name, softplus, v, where=f"on Value({x})")
        if not ok:
            return False
        if not isinstance(out, Value):
            print(f"{FAIL} {name}: softplus(Value({x})) returned {type(out).__name__} "
                  f"{_fmt(out)}; return a new Value (a node of the graph)")
            return False
        want, want_grad = _softplus_reference(x)
        data, why = _number(out.data)
        if data is None:
            print(f"{FAIL} {name}: at x = {x} its data should be one number; it {why}")
            return False
        if not math.isclose(data, want, rel_tol=1e-12, abs_tol=1e-15):
            print(f"{FAIL} {name}: at x = {x} its data is {data:.10g}, expected "
                  f"log(1 + eˣ) = {want:.10g}")
            return False
        if out._prev != (v,):
            print(f"{FAIL} {name}: the value is right, but the result should be ONE node "
                  f"whose only parent is v; its parents are {len(out._prev)} node(s). Build it "
                  "with Value(data, (v,), 'softplus', _local=(slope,))")
            return False
        ok, _ = run(name, out.backward, where=f"(its backward, at x = {x})")
        if not ok:         # Value(data, (v,), op) without a local derivative is a TypeError
            print("    Hint: pass the local derivative: _local=(σ(x),)")
            return False
        grad, why = _number(v.grad)
        if grad is None:
            print(f"{FAIL} {name}: at x = {x} the gradient should be one number; it {why}")
            return False
        if not math.isclose(grad, want_grad, rel_tol=1e-12, abs_tol=1e-15):
            print(f"{FAIL} {name}: at x = {x} the gradient is {grad:.10g}, expected "
                  f"σ(x) = {want_grad:.10g}")
            if math.isclose(grad, want, rel_tol=1e-9):
                print("    Hint: that is softplus itself; its derivative is "
                      "eˣ / (1 + eˣ) = σ(x)")
            elif grad == 0.0:
                print("    Hint: pass the local derivative: _local=(σ(x),)")
            return False
    print(f"{PASS} {name}: one node, value log(1 + eˣ) and derivative σ(x) at "
          f"{len(SOFTPLUS_POINTS)} points (same as (1 + v.exp()).log(), in one node)")
    return True


# --------------------------------------------------------------------------------------
# 2.3 Forward mode: one pass with a dual number
# --------------------------------------------------------------------------------------

FORWARD_CASES = [
    ("x³ − 2x", lambda t: t**3 - 2 * t, lambda x: 3 * x * x - 2, 1.5),
    ("tanh(x)·eˣ", lambda t: t.tanh() * t.exp(),
     lambda x: (1 - math.tanh(x) ** 2) * math.exp(x) + math.tanh(x) * math.exp(x), -0.4),
    ("log(x² + 1) / x", lambda t: (t * t + 1).log() / t,
     lambda x: (2 * x / (x * x + 1)) / x - math.log(x * x + 1) / x**2, 2.0),
]


def check_forward_derivative(derivative: Callable) -> bool:
    """``derivative(f, x)`` returns f'(x) from one forward pass with ``Dual(x, 1.0)``."""
    name = "derivative by forward mode"
    for label, f, df, x in FORWARD_CASES:
        calls = []

        def counted(t, f=f, calls=calls):
            calls.append(t)
            return f(t)
        ok, got = run(name, derivative, counted, x, where=f"for f(x) = {label} at x = {x}")
        if not ok:
            return False
        if isinstance(got, Dual):
            print(f"{FAIL} {name}: it returned the Dual {got!r}; return its derivative part, "
                  "result.der")
            return False
        if not all(isinstance(t, Dual) for t in calls) or not calls:
            print(f"{FAIL} {name}: call f with a dual number, f(Dual(x, 1.0)), not with a "
                  "plain number")
            return False
        if callable(got):
            print(f"{FAIL} {name}: it returned the function {_fmt(got)}; return the number")
            return False
        if not check_value(f"f(x) = {label} at x = {x}", got, df(x), rtol=1e-12):
            if calls and all(t.der == 0.0 for t in calls):
                print("    Hint: seed the input with derivative 1: Dual(x, 1.0). With 0 you "
                      "get the derivative with respect to nothing.")
            return False
        if len(calls) != 1:
            print(f"    Note: f was called {len(calls)} times; one forward pass is enough.")
    print(f"{PASS} {name}: exact derivatives of {len(FORWARD_CASES)} functions, one pass each")
    return True


# --------------------------------------------------------------------------------------
# 2.4 Predict: how many passes?
# --------------------------------------------------------------------------------------


def check_pass_counts(passes: Callable) -> bool:
    """``passes()`` returns (forward-mode passes, reverse-mode passes) for the gradient of one
    loss with respect to 1,000 parameters: (1000, 1)."""
    name = "passes for a gradient of 1,000 parameters"
    ok, got = run(name, passes)
    if not ok:
        return False
    if isinstance(got, np.ndarray):
        got = got.ravel().tolist()
    counts = ([_whole(v) for v in got] if isinstance(got, (tuple, list)) else [])
    if len(counts) != 2 or None in counts:
        print(f"{FAIL} {name}: expected two whole numbers (forward, reverse), such as "
              f"(3, 5); got {_fmt(got)}")
        return False
    fwd, rev = counts
    if (fwd, rev) == (1000, 1):
        print(f"{PASS} {name}: forward mode 1000 (one per parameter), reverse mode 1 "
              "(one backward pass gives all 1,000 partial derivatives)")
        return True
    if (fwd, rev) == (1, 1000):
        print(f"{FAIL} {name}: the other way round: a forward pass carries the derivative "
              "with respect to ONE input; a backward pass gives all of them for ONE output")
    elif fwd != 1000:
        print(f"{FAIL} {name}: forward mode: each pass seeds one parameter with "
              "derivative 1; how many parameters are there?")
    else:
        print(f"{FAIL} {name}: reverse mode: one backward pass from the loss reaches every "
              "parameter; how many outputs does the loss have?")
    return False
