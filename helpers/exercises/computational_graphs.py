"""Checks for the exercises of notebook 02 (computational graphs and automatic differentiation).

Each check takes the learner's answer (a function), prints what it found with a hint aimed at
the usual mistake, and returns True or False. An exercise still raising NotImplementedError
prints its hint and returns False, so the notebook runs on.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from helpers.autodiff import Value
from helpers.forward_mode import Dual

from . import FAIL, PASS, _not_done, check_value

# --------------------------------------------------------------------------------------
# 2.1 Predict: a node used twice, then squared
# --------------------------------------------------------------------------------------


def check_reuse_prediction(predict: Callable) -> bool:
    """``predict()`` returns dc/da for b = a + a, c = b * b at a = 3 (it is 24)."""
    name = "dc/da for b = a + a, c = b·b at a = 3"
    try:
        got = predict()
    except NotImplementedError as err:
        return _not_done(name, err)
    if check_value(name, got, 24.0):
        print("    c = (2a)² = 4a², so dc/da = 8a = 24: dc/db = 2b = 12 reaches a along "
              "both uses of a (12 + 12)")
        return True
    hints = {12.0: "that is one use of a only: b = a + a uses a twice, so add 12 twice",
             6.0: "6 is b = a + a itself, not a slope",
             2.0: "db/da = 2 is only the last step; multiply by dc/db = 2b = 12",
             36.0: "36 is c itself, not its slope"}
    try:
        hint = hints.get(float(got))
    except (TypeError, ValueError):
        hint = None
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
    if not callable(softplus):
        print(f"{FAIL} {name}: expected a function, got {type(softplus).__name__}")
        return False
    for x in SOFTPLUS_POINTS:
        v = Value(x, label="v")
        try:
            out = softplus(v)
        except NotImplementedError as err:
            return _not_done(name, err)
        except Exception as err:
            print(f"{FAIL} {name}: softplus(Value({x})) raised {type(err).__name__}: {err}")
            return False
        if not isinstance(out, Value):
            print(f"{FAIL} {name}: softplus(Value({x})) returned {type(out).__name__} "
                  f"{out!r}; return a new Value (a node of the graph)")
            return False
        want, want_grad = _softplus_reference(x)
        if not math.isclose(out.data, want, rel_tol=1e-12, abs_tol=1e-15):
            print(f"{FAIL} {name}: at x = {x} its data is {out.data:.10g}, expected "
                  f"log(1 + eˣ) = {want:.10g}")
            return False
        if out._prev != (v,):
            print(f"{FAIL} {name}: the value is right, but the result should be ONE node "
                  f"whose only parent is v; its parents are {len(out._prev)} node(s). Build it "
                  "with Value(data, (v,), 'softplus', _local=(slope,))")
            return False
        try:
            out.backward()
        except TypeError as err:         # Value(data, (v,), op) without a local derivative
            print(f"{FAIL} {name}: {err}")
            print("    Hint: pass the local derivative: _local=(σ(x),)")
            return False
        if not math.isclose(v.grad, want_grad, rel_tol=1e-12, abs_tol=1e-15):
            print(f"{FAIL} {name}: at x = {x} the gradient is {v.grad:.10g}, expected "
                  f"σ(x) = {want_grad:.10g}")
            if math.isclose(v.grad, want, rel_tol=1e-9):
                print("    Hint: that is softplus itself; its derivative is "
                      "eˣ / (1 + eˣ) = σ(x)")
            elif v.grad == 0.0:
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
    if not callable(derivative):
        print(f"{FAIL} {name}: expected a function, got {type(derivative).__name__}")
        return False
    for label, f, df, x in FORWARD_CASES:
        calls = []

        def counted(t, f=f, calls=calls):
            calls.append(t)
            return f(t)
        try:
            got = derivative(counted, x)
        except NotImplementedError as err:
            return _not_done(name, err)
        except Exception as err:
            print(f"{FAIL} {name}: for f(x) = {label} at x = {x} it raised "
                  f"{type(err).__name__}: {err}")
            return False
        if isinstance(got, Dual):
            print(f"{FAIL} {name}: it returned the Dual {got!r}; return its derivative part, "
                  "result.der")
            return False
        if not all(isinstance(t, Dual) for t in calls) or not calls:
            print(f"{FAIL} {name}: call f with a dual number, f(Dual(x, 1.0)), not with a "
                  "plain number")
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
    try:
        got = passes()
    except NotImplementedError as err:
        return _not_done(name, err)
    try:
        fwd, rev = (int(v) for v in got)
    except (TypeError, ValueError):
        print(f"{FAIL} {name}: expected two whole numbers (forward, reverse), got {got!r}")
        return False
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
