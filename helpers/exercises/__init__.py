"""Checks for the exercises: targeted feedback, never a bare True/False.

Every check prints what it found and returns True when everything is right. An exercise the
learner has not done yet raises ``NotImplementedError`` (with a hint); the checks catch it and
print the hint instead, so a notebook with open exercises still runs top to bottom.

Per-lesson checks live in submodules (``helpers.exercises.chain_rule`` …) and are built from
the three functions here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

import numpy as np

PASS, FAIL, TODO = "✓", "✗", "…"


def _not_done(name: str, err: NotImplementedError) -> bool:
    hint = str(err) or "replace the `raise NotImplementedError` line with your code"
    print(f"{TODO} {name}: not done yet. Hint: {hint}")
    return False


def _fmt(x) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.10g}"
    return repr(x)


def _number(got):
    """``got`` as a Python float, or a sentence saying why it is not one number."""
    if got is None:
        return None, "returned None: is a `return` missing?"
    if isinstance(got, (bool, np.bool_)):
        return None, f"returned {got}, a bool, not a number"
    if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "iuf":
        got = got.reshape(()).item()
    elif isinstance(got, np.ndarray):
        return None, f"returned an array of shape {got.shape}, not one number"
    if not isinstance(got, (int, float, np.integer, np.floating)):
        return None, f"returned {type(got).__name__} {got!r}, not a number"
    return float(got), ""


def check_value(name: str, got, expected: float, *, rtol: float = 1e-7,
                atol: float = 1e-12) -> bool:
    """Compare one number with the expected one and say how far off it is."""
    if callable(got) and not isinstance(got, (int, float)):
        try:
            got = got()
        except NotImplementedError as err:
            return _not_done(name, err)
        except Exception as err:  # a learner's bug: report it, do not stop the notebook
            print(f"{FAIL} {name}: calling it raised {type(err).__name__}: {err}")
            return False
    got, why = _number(got)
    if got is None:
        print(f"{FAIL} {name}: expected a number; it {why}")
        return False
    if not math.isfinite(got):
        print(f"{FAIL} {name}: got {got}, expected the finite number {_fmt(expected)}")
        return False
    if math.isclose(got, expected, rel_tol=rtol, abs_tol=atol):
        print(f"{PASS} {name}: {_fmt(got)}")
        return True
    rel = abs(got - expected) / max(abs(expected), 1e-300)
    print(f"{FAIL} {name}: got {_fmt(got)}, expected {_fmt(expected)} "
          f"(off by {abs(got - expected):.3g}, relative {rel:.3g})")
    return False


def check_function(name: str, fn: Callable, reference: Callable, points: Iterable,
                   *, rtol: float = 1e-7, atol: float = 1e-12) -> bool:
    """Call ``fn`` and ``reference`` at every point; report the first points that disagree."""
    if not callable(fn):
        print(f"{FAIL} {name}: expected a function, got {type(fn).__name__}")
        return False
    points = list(points)
    wrong = []
    for p in points:
        args = p if isinstance(p, tuple) else (p,)
        try:
            got = fn(*args)
        except NotImplementedError as err:
            return _not_done(name, err)
        except Exception as err:  # a learner's bug: report it, do not stop the notebook
            print(f"{FAIL} {name}: calling it at {args} raised {type(err).__name__}: {err}")
            return False
        want = float(reference(*args))
        got, why = _number(got)
        if got is None:
            shown = ", ".join(_fmt(a) for a in args)
            print(f"{FAIL} {name}: at {shown} it {why}")
            return False
        if not math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
            wrong.append((args, got, want))
    if not wrong:
        print(f"{PASS} {name}: correct at all {len(points)} points")
        return True
    print(f"{FAIL} {name}: wrong at {len(wrong)} of {len(points)} points, for example")
    for args, got, want in wrong[:3]:
        shown = ", ".join(_fmt(a) for a in args)
        print(f"    at {shown}: got {_fmt(got)}, expected {_fmt(want)}")
    return False


def check_arrays(arrays: Mapping[str, tuple], *, rtol: float = 1e-7,
                 atol: float = 1e-10) -> bool:
    """Compare named arrays (``{name: (got, expected)}``) as backprop-ninja does.

    Each line says ``matches`` (equal within rtol/atol) or ``WRONG`` with the largest
    absolute difference. Whether two correct computations agree to the last bit or only to
    rounding depends on the CPU (SIMD and BLAS kernels), so a pass does not say which.
    Shapes must match exactly: a broadcastable but different shape is a bug, not a pass.
    """
    ok = True
    width = max(len(n) for n in arrays) if arrays else 0
    for name, (got, expected) in arrays.items():
        label = name.ljust(width)
        if got is None:
            print(f"{TODO} {label}  not computed yet")
            ok = False
            continue
        got, expected = np.asarray(got), np.asarray(expected)
        if got.shape != expected.shape:
            print(f"{FAIL} {label}  shape {got.shape}, expected {expected.shape}")
            ok = False
            continue
        if got.dtype.kind not in "biuf":
            print(f"{FAIL} {label}  expected numbers, got an array of {got.dtype}")
            ok = False
            continue
        if not np.all(np.isfinite(got)):
            print(f"{FAIL} {label}  WRONG  ({int(np.sum(~np.isfinite(got)))} entries are "
                  "nan or inf)")
            ok = False
            continue
        if np.allclose(got, expected, rtol=rtol, atol=atol):
            print(f"{PASS} {label}  matches")
        else:
            diff = float(np.max(np.abs(got.astype(float) - expected.astype(float))))
            print(f"{FAIL} {label}  WRONG  (max difference {diff:.2e})")
            ok = False
    return ok

