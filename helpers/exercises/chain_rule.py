"""Checks for the exercises of notebook 01 (the chain rule).

Each check takes the learner's function, prints what it found (with a hint aimed at the
usual mistake) and returns True or False. An exercise still raising NotImplementedError
prints its hint and returns False, so the notebook runs on.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from . import FAIL, PASS, _fmt, _number, compare_values, learner_values, run

# --------------------------------------------------------------------------------------
# 1.1 Where is y = (sin x)² flat?
# --------------------------------------------------------------------------------------


def check_flat_points(flat_points: Callable) -> bool:
    """``flat_points()`` returns the two x in (0, 3.5) where y = (sin x)² has slope 0."""
    name = "flat points of (sin x)²"
    ok, got = run(name, flat_points)
    if not ok:
        return False
    if isinstance(got, np.ndarray):
        got = got.ravel().tolist()
    if not isinstance(got, (tuple, list, set)):
        print(f"{FAIL} {name}: expected two numbers, such as (1.0, 2.0); got "
              f"{type(got).__name__} {_fmt(got)}")
        return False
    numbers = [_number(v)[0] for v in got]
    if any(v is None for v in numbers):
        print(f"{FAIL} {name}: expected two numbers, such as (1.0, 2.0); got {_fmt(got)}")
        return False
    if len(numbers) != 2:
        print(f"{FAIL} {name}: expected exactly two numbers in (0, 3.5), got {len(numbers)}")
        return False
    got = sorted(numbers)
    want = {"π/2": math.pi / 2, "π": math.pi}
    found = {k: any(math.isclose(g, v, rel_tol=1e-6) for g in got) for k, v in want.items()}
    if all(found.values()):
        print(f"{PASS} {name}: x = π/2, where g'(x) = cos x = 0 (the inner function is "
              "flat), and x = π, where f'(g(x)) = 2 sin x = 0 (the outer one is flat)")
        return True
    shown = ", ".join(f"{g:.6g}" for g in got)
    if any(g <= 0 or g >= 3.5 for g in got):
        print(f"{FAIL} {name}: got {shown}; both points must lie strictly between 0 and 3.5")
    elif found["π/2"]:
        print(f"{FAIL} {name}: π/2 is right (there g'(x) = cos x = 0), but {shown} misses the "
              "other one: where is the outer slope f'(g(x)) = 2 sin x zero?")
    elif found["π"]:
        print(f"{FAIL} {name}: π is right (there f'(g(x)) = 2 sin x = 0), but {shown} misses "
              "the other one: where is the inner slope g'(x) = cos x zero?")
    else:
        print(f"{FAIL} {name}: got {shown}. dy/dx = f'(g(x))·g'(x) is zero where either "
              "factor is: 2 sin x = 0 or cos x = 0")
    return False


# --------------------------------------------------------------------------------------
# 1.2 The slope of a bump, y = exp(−x²/2)
# --------------------------------------------------------------------------------------

BUMP_POINTS = [float(x) for x in np.linspace(-2.9, 3.1, 13)]


def bump_slope_reference(x: float) -> float:
    return -x * math.exp(-x * x / 2)


def check_bump_slope(bump_slope: Callable) -> bool:
    """``bump_slope(x)`` returns dy/dx for y = exp(−x²/2)."""
    name = "slope of exp(−x²/2)"
    got = learner_values(name, bump_slope, BUMP_POINTS)
    if got is None:
        return False
    if compare_values(name, BUMP_POINTS, got, bump_slope_reference, rtol=1e-9):
        return True
    mistakes = {
        "you have the outer slope f'(g(x)) = exp(−x²/2) but not the inner one, "
        "g'(x) = −x: multiply by it": lambda x: math.exp(-x * x / 2),
        "you have the inner slope g'(x) = −x but not the outer one, "
        "f'(g(x)) = exp(−x²/2): multiply by it": lambda x: -x,
        "the sign is wrong: the inner function −x²/2 has slope −x": lambda x: x * math.exp(
            -x * x / 2),
        "the outer slope must be taken at g(x) = −x²/2, not at x: "
        "use exp(−x²/2), not exp(x)": lambda x: -x * math.exp(x),
    }
    for hint, wrong in mistakes.items():
        if all(math.isclose(g, wrong(x), rel_tol=1e-9, abs_tol=1e-12)
               for g, x in zip(got, BUMP_POINTS, strict=True)):
            print(f"    Hint: {hint}.")
            break
    return False


# --------------------------------------------------------------------------------------
# 1.3 A central difference
# --------------------------------------------------------------------------------------

#: (function, its name, x, h) on which a learner's central_difference is tried.
CENTRAL_CASES = [
    (np.sin, "sin", 1.0, 1e-5),
    (np.exp, "exp", 0.3, 1e-3),
    (lambda x: x**3, "x³", 2.0, 0.1),
    (np.tanh, "tanh", -0.7, 0.25),
]


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def check_central_difference(central_difference: Callable) -> bool:
    """``central_difference(f, x, h)`` returns (f(x + h) − f(x − h)) / 2h."""
    name = "central_difference"
    for f, fname, x, h in CENTRAL_CASES:
        ok, got = run(name, central_difference, f, x, h,
                      where=f"with f = {fname}, x = {x}, h = {h}")
        if not ok:
            return False
        want = _central(f, x, h)
        got, why = _number(got)
        if got is None:
            print(f"{FAIL} {name}: with f = {fname}, x = {x}, h = {h} it {why}")
            return False
        if math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            continue
        print(f"{FAIL} {name}: with f = {fname}, x = {x}, h = {h} it returned {got:.10g}, "
              f"expected {want:.10g}")
        forward = (f(x + h) - f(x)) / h
        if math.isclose(got, forward, rel_tol=1e-9):
            print("    Hint: that is the forward difference (f(x + h) − f(x)) / h. "
                  "Use one point on each side of x: f(x + h) and f(x − h).")
        elif math.isclose(got, 2 * want, rel_tol=1e-9):
            print("    Hint: divide by 2h, the distance between x − h and x + h.")
        elif math.isclose(got, want / 2, rel_tol=1e-9):
            print("    Hint: divide by 2h, not 4h: write / (2 * h), with the parentheses.")
        elif math.isclose(got, want * h * h, rel_tol=1e-9):
            print("    Hint: `/ 2 * h` multiplies by h: write / (2 * h).")
        return False
    print(f"{PASS} {name}: correct on all {len(CENTRAL_CASES)} test cases "
          "(sin, exp, x³, tanh)")
    return True


# --------------------------------------------------------------------------------------
# 1.4 Two paths: z = u·v with u = eˣ, v = cos x
# --------------------------------------------------------------------------------------

PATH_POINTS = [float(x) for x in np.linspace(-2.3, 2.2, 10)]


def two_path_reference(x: float) -> float:
    return math.exp(x) * (math.cos(x) - math.sin(x))


def check_two_path_slope(dz_dx: Callable) -> bool:
    """``dz_dx(x)`` returns dz/dx for z = u·v, u = eˣ, v = cos x, as a sum over paths."""
    name = "dz/dx for z = eˣ·cos x"
    got = learner_values(name, dz_dx, PATH_POINTS)
    if got is None:
        return False
    if compare_values(name, PATH_POINTS, got, two_path_reference, rtol=1e-9):
        return True
    one_path = {
        "only the path through u (v·du/dx = cos x·eˣ)": lambda x: math.cos(x) * math.exp(x),
        "only the path through v (u·dv/dx = −eˣ·sin x)": lambda x: -math.exp(x) * math.sin(x),
    }
    for which, wrong in one_path.items():
        if all(math.isclose(g, wrong(x), rel_tol=1e-9, abs_tol=1e-12)
               for g, x in zip(got, PATH_POINTS, strict=True)):
            print(f"    Hint: you followed {which}. x reaches z along two paths: add the "
                  "product of the local derivatives along each.")
            break
    return False


# --------------------------------------------------------------------------------------
# 1.5 A good step for a float32 central difference
# --------------------------------------------------------------------------------------

FLOAT32_RANGE = (1e-3, 3e-2)


def float32_central_error(h: float, x: float = 1.0) -> float:
    """|central difference − cos x| for sin at x, computed in float32 with step h."""
    x32, h32 = np.float32(x), np.float32(h)
    est = (np.sin(x32 + h32) - np.sin(x32 - h32)) / (np.float32(2) * h32)
    return abs(float(est) - math.cos(x))


# float32 central differences of sin at 1 anywhere in FLOAT32_RANGE err by less than this
# (~1e-5 near ∛ε; the exact digits are round-off and differ between CPUs)
ERROR_AT_BEST = 1e-4


def check_float32_step(float32_step: Callable) -> bool:
    """``float32_step()`` returns a step h for float32 central differences of sin at 1."""
    name = "float32 step"
    ok, h = run(name, float32_step)
    if not ok:
        return False
    h, why = _number(h)
    if h is None:
        print(f"{FAIL} {name}: expected a number; it {why}")
        return False
    if not math.isfinite(h) or h <= 0:
        print(f"{FAIL} {name}: a step must be a finite number > 0, got {h}")
        return False
    lo, hi = FLOAT32_RANGE
    err = float32_central_error(h)
    if lo <= h <= hi:
        print(f"{PASS} {name}: h = {h:.3g} is near ∛ε ≈ 5e-3 for float32 "
              f"(ε ≈ 1.2e-7); the error there is below {ERROR_AT_BEST:.0e}")
        return True
    if h < lo:
        print(f"{FAIL} {name}: h = {h:.3g} is too small for float32: round-off (≈ ε/h) "
              f"dominates and the error is {err:.1e}. Try a step near ∛ε, ε ≈ 1.2e-7.")
    else:
        print(f"{FAIL} {name}: h = {h:.3g} is too large: the truncation error (≈ h²) "
              f"dominates and the error is {err:.1e}. Try a step near ∛ε, ε ≈ 1.2e-7.")
    return False


__all__ = [
    "check_bump_slope",
    "check_central_difference",
    "check_flat_points",
    "check_float32_step",
    "check_two_path_slope",
]
