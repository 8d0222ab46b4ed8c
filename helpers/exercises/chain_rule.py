"""Checks for the exercises of notebook 01 (the chain rule).

A wrong slope is compared with the slopes of the usual mistakes (the outer or the inner
factor alone, a sign, the outer slope taken at x), so that the check names the one made.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import math
import sys
import threading
import types
from collections.abc import Callable, Sequence

import numpy as np

from . import (
    BELOW_THE_RAISE,
    FAIL,
    PASS,
    _apart,
    _call_limited,
    _extends_to,
    agrees,
    code_below_raise,
    compare_values,
    exercise,
    hint,
    learner_number,
    learner_numbers,
    learner_source,
    learner_values,
    returned,
    run,
)

# --------------------------------------------------------------------------------------
# Spotting a call of the library's finite difference in the learner's code
# --------------------------------------------------------------------------------------


def _uses_library_derivative(fn, depth: int = 3) -> bool:
    """Whether ``fn`` is ``helpers.calculus.derivative`` or its code calls it: by that name
    (``derivative``, ``calculus.derivative``), under another name (a global or a closure
    variable holding it), or through a function of the learner's own (``depth`` levels)."""
    from .. import calculus

    if fn is calculus.derivative:
        return True
    code = getattr(fn, "__code__", None)
    if code is None or depth == 0:
        return False
    names, todo = set(), [code]
    while todo:
        c = todo.pop()
        names.update(c.co_names)
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    space = getattr(fn, "__globals__", {})
    used = [space[n] for n in names if n in space]
    # default values too: `def g(x, d=derivative)` or `lambda x, fn=fn: fn(x)`
    used += list(getattr(fn, "__defaults__", None) or ())
    used += list((getattr(fn, "__kwdefaults__", None) or {}).values())
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            used.append(cell.cell_contents)
        except ValueError:  # an empty cell
            pass
    # `derivative` by name (unless it is the learner's own function of that name, looked
    # into below), or `calculus.derivative` through the module
    own = inspect.isfunction(space.get("derivative")) and space["derivative"] is not (
        calculus.derivative
    )
    if "derivative" in names and (not own or any(u is calculus for u in used)):
        return True
    return any(
        u is calculus.derivative
        or (inspect.isfunction(u) and _uses_library_derivative(u, depth - 1))
        for u in used
    )


def _runs_library_derivative(fn, args) -> bool:
    """Whether calling ``fn(*args)`` runs ``helpers.calculus.derivative``, however it is
    reached (a name, a default value, a function the check cannot read). The call is made
    once, with the time limit of every check; what it returns is not used."""
    from .. import calculus

    target = calculus.derivative.__code__
    seen = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code is target:
            seen.append(True)

    before, before_threads = sys.getprofile(), threading.getprofile()
    sys.setprofile(watch)
    threading.setprofile(watch)  # in case the call runs in a thread (no alarm there)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the learner's prints show once
            _call_limited(fn, args)
    finally:
        sys.setprofile(before)
        threading.setprofile(before_threads)
    return bool(seen)


def _calls_derivative(fn, args) -> bool:
    """Whether ``fn`` uses the library's finite difference: read in its code, or seen
    while it runs on ``args``."""
    return callable(fn) and (_uses_library_derivative(fn) or _runs_library_derivative(fn, args))


# --------------------------------------------------------------------------------------
# 1.1 Where is y = (sin x)² flat?
# --------------------------------------------------------------------------------------

FLAT_POINTS = {"π/2": math.pi / 2, "π": math.pi}


#: Flat points typed in degrees instead of radians: degrees → what they should be.
DEGREES = {90.0: "π/2 ≈ 1.5708", 180.0: "π ≈ 3.1416"}


def _flat_near_miss(got: Sequence[float]) -> str:
    """A sentence for typed numbers near a flat point but not to enough digits, else ''."""
    close = [g for g in got if any(_near(g, w) for w in FLAT_POINTS.values())]
    if not close:
        return ""
    typed = " and ".join(f"{g:g}" for g in close)
    verb, them = ("is", "it") if len(close) == 1 else ("are", "them")
    if not all(any(_extends_to(g, w) for w in FLAT_POINTS.values()) for g in close):
        # 1.5706 has 4 decimals, but more digits cannot make it π/2 = 1.570796…
        return (
            f"{typed} {verb} close to the right {'point' if len(close) == 1 else 'points'}, "
            f"but the digits typed do not match: compute {them} with math.pi."
        )
    return (
        f"{typed} {verb} near the right {'point' if len(close) == 1 else 'points'}, but not "
        f"to enough digits. Give at least 4 decimals, or compute {them} with math.pi."
    )


def _near(g: float, want: float) -> bool:
    """Within 1 % of ``want`` but not equal to it to the digits the check asks for."""
    return not agrees(g, want) and math.isclose(g, want, rel_tol=1e-2)


def _flat_numbers(name: str, flat_points: Callable) -> list[float] | None:
    """The two numbers ``flat_points()`` returns, sorted; None after a ✗ line saying what
    came back instead (nothing, one number, text, another count)."""
    if callable(flat_points) and _code_below_raise(name, flat_points):
        return None
    ok, got = run(name, flat_points)
    if not ok or not returned(name, got):
        return None
    if isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, bool):
        print(
            f"{FAIL} {name}: got one number, {float(got):.10g}. Return both points in a list, "
            "as in `return [1.0, 2.0]`."
        )
        return None
    if isinstance(got, (tuple, list)) and any(isinstance(g, str) for g in got):
        print(
            f"{FAIL} {name}: got {got!r}. Something in quotes, like 'pi/2', is text, not a "
            "number. Write the numbers without quotes, such as math.pi / 2."
        )
        return None
    got = learner_numbers(name, got, example="[1.0, 2.0], as the exercise asks")
    if got is None:
        return None
    if len(got) != 2:
        print(
            f"{FAIL} {name}: expected exactly two numbers strictly between 0 and 3.5, "
            f"got {len(got)} {'number' if len(got) == 1 else 'numbers'}"
        )
        return None
    return sorted(got)


# The known mistakes of 1.1, in the order they are looked for: each takes the learner's two
# numbers (sorted) and how they are shown, and returns (the ✗ message, the hints or None),
# or None if it is not that mistake.


def _in_degrees(got: list[float], shown: str):
    typed = [d for d in DEGREES if any(agrees(g, d) for g in got)]
    if not typed:
        return None
    words = " and ".join(f"{d:g}" for d in typed)
    verb = "look" if len(typed) > 1 else "looks"
    return f"got {shown}; {words} {verb} like degrees", [
        "Python's math.sin and math.cos use radians, not degrees: "
        "a half turn, 180°, is π radians, and math.pi is π (section 2)",
        f"use radians: {' and '.join(DEGREES[d] for d in typed)}, not {words} (math.pi is π)",
    ]


def _outside(got: list[float], shown: str):
    outside = [g for g in got if g <= 0 or g >= 3.5]
    if not outside:
        return None
    which = " and ".join(f"{g:.6g}" for g in outside)
    verb = "is" if len(outside) == 1 else "are"
    text = f"got {shown}; {which} {verb} not strictly between 0 and 3.5. Each point must lie there."
    if any(g == 0 for g in got):
        text += (
            "\n    (The slope is zero at x = 0 too. But 0 is not strictly between 0 and "
            "3.5, so it does not count: look for two points inside.)"
        )
    return text, None


def _not_enough_digits(got: list[float], shown: str):
    close = _flat_near_miss(got)
    return (f"got {shown}. {close}", None) if close else None


def _one_of_two(got: list[float], shown: str):
    """One flat point right: name it, say the other number is not flat, and ask where the
    other factor is zero (which factor that is comes with the hints, not here)."""
    for right, why, other in (
        ("π/2", "the inner slope g'(x) is 0", "outer slope f'(g(x))"),
        ("π", "the outer slope f'(g(x)) is 0", "inner slope g'(x)"),
    ):
        if not any(agrees(g, FLAT_POINTS[right]) for g in got):
            continue
        wrong = [g for g in got if not agrees(g, FLAT_POINTS[right])]
        if wrong:
            miss = f"{wrong[0]:.6g} is not a flat point"
        else:
            miss = f"you gave {right} twice"
        return f"{right} is right (there {why}), but {miss}. Where is the {other} zero?", None
    return None


def _not_flat(got: list[float], shown: str):
    return (
        f"got {shown}. The slope is not zero there. "
        "The slope dy/dx = f'(g(x))·g'(x) is zero where one of its two factors is zero.",
        None,
    )


FLAT_MISTAKES = [_in_degrees, _outside, _not_enough_digits, _one_of_two, _not_flat]


@exercise("1.1", "flat points of (sin x)²")
def check_flat_points(flat_points: Callable) -> bool:
    """``flat_points()`` returns the two x strictly between 0 and 3.5 where y = (sin x)²
    has slope 0.

    (Which factor is zero at each point the check cannot ask; the answer says it.)

    Hints, one more for each wrong try:
    - write down both factors for f(u) = u² and g(x) = sin x: what are f'(g(x)) and g'(x)?
    - the factors are f'(g(x)) = 2 sin x and g'(x) = cos x: between 0 and 3.5 (in radians),
      where is cos x zero, and where is sin x zero? Think of the graphs of sin and cos
    - cos x = 0 at x = π/2 and sin x = 0 at x = π (both between 0 and 3.5)
    """
    name = "flat points of (sin x)²"
    got = _flat_numbers(name, flat_points)
    if got is None:
        return False
    if all(any(agrees(g, v) for g in got) for v in FLAT_POINTS.values()):
        print(
            f"{PASS} {name}: x = π/2, where g'(x) = cos x = 0 (the inner function is "
            "flat), and x = π, where f'(g(x)) = 2 sin x = 0 (the outer one is flat)"
        )
        return True
    shown = ", ".join(f"{g:.6g}" for g in got)
    message, hints = next(filter(None, (m(got, shown) for m in FLAT_MISTAKES)))
    print(f"{FAIL} {name}: {message}")
    if hints:
        hint(hints)
    return False


# --------------------------------------------------------------------------------------
# 1.2 The slope of a bump, y = exp(−x²/2)
# --------------------------------------------------------------------------------------

#: 41 points across the bump, and x = 0, its flat top (a slope written with `/ x` fails there).
BUMP_POINTS = sorted([float(x) for x in np.linspace(-2.9, 3.1, 41)] + [0.0])

#: The chain rule's formula is right to the last digits or two (a relative 1e-12); a finite
#: difference, even with its best step, is off by about 1e-11 or more, so it cannot pass.
BUMP_RTOL = 1e-12


def bump_slope_reference(x: float) -> float:
    return -x * math.exp(-x * x / 2)


#: The power rule (the slope of uⁿ is n·uⁿ⁻¹) used on eᵘ, as if e were the base x of xⁿ.
_POWER_RULE_ON_EXP = (
    "the slope of e^u is e^u itself, not u·e^(u−1): the power rule (the slope of u^n is "
    "n·u^(n−1)) is for a fixed power n, and here the power u changes. So f'(u) = e^u."
)

BUMP_MISTAKES = {
    "you have the outer slope f'(g(x)) = exp(−x²/2) but not the inner one, "
    "g'(x): multiply by it": lambda x: math.exp(-x * x / 2),
    (
        "you have the inner slope g'(x) = −x but not the outer one, f'(g(x)): the slope "
        "of f(u) = eᵘ, taken at u = g(x)",
        "you have the inner slope g'(x) = −x but not the outer one, "
        "f'(g(x)) = exp(−x²/2): multiply by it",
    ): lambda x: -x,
    (
        "the sign is wrong: what is the slope of the inner function −x²/2?",
        "the sign is wrong: the inner function −x²/2 has slope −x",
    ): lambda x: x * math.exp(-x * x / 2),
    (
        "the inner slope is not −2x: take the slope of −x²/2 again, the /2 included",
        "the inner slope is −x, not −2x: the derivative of −x²/2 is −2x/2 = −x",
    ): lambda x: -2 * x * math.exp(-x * x / 2),
    (
        "the outer slope must be taken at g(x) = −x²/2, not at x: look at what your exp "
        "is taken of",
        "the outer slope must be taken at g(x) = −x²/2, not at x: use exp(−x²/2), not exp(x)",
    ): lambda x: -x * math.exp(x),
    (
        "the inner slope is not −x/2: the slope of x² is 2x, so what is the slope of −x²/2?",
        "the inner slope is −x, not −x/2: the slope of x² is 2x, so the slope of −x²/2 is "
        "−2x/2 = −x",
    ): lambda x: -x / 2 * math.exp(-x * x / 2),
    (
        "−x/2 is not the inner slope: the slope of x² is 2x, so what is the slope of −x²/2? "
        "You also still need the outer slope f'(g(x)).",
        "−x/2 is not the inner slope: the slope of x² is 2x, so the slope of −x²/2 is "
        "−2x/2 = −x. You also still need the outer slope f'(g(x)).",
    ): lambda x: -x / 2,
    (
        "check the brackets: exp(-x**2)/2 is exp(−x²) divided by 2, not exp(−x²/2)",
        "check the brackets: exp(-x**2)/2 is exp(−x²) divided by 2. The /2 belongs inside "
        "the exp: write math.exp(-x**2 / 2)",
    ): lambda x: -x * math.exp(-x * x) / 2,
    (
        "the exponent has lost its minus sign: exp(x²/2) grows away from 0, but the bump is "
        "exp(−x²/2). Note that (-x)**2 is +x²",
        "the exponent has lost its minus sign: exp(x²/2) grows away from 0, but the bump is "
        "exp(−x²/2). Write math.exp(-x**2 / 2); note that (-x)**2 is +x²",
    ): lambda x: -x * math.exp(x * x / 2),
    (
        "both minus signs are lost: the bump is exp(−x²/2), not exp(x²/2), and the inner "
        "function −x²/2 has a minus too. Check the sign in the exp and in the inner slope",
        "both minus signs are lost: the bump is exp(−x²/2), not exp(x²/2), and the inner slope "
        "is −x, not x. Write math.exp(-x**2 / 2) * (-x)",
    ): lambda x: x * math.exp(x * x / 2),
    (
        "you added the two slopes: the chain rule multiplies them",
        "you added the two slopes: the chain rule multiplies them. Write "
        "math.exp(-x**2 / 2) * (-x), with * and not +",
    ): lambda x: math.exp(-x * x / 2) - x,
    "you multiplied by the inner function g(x) = −x²/2 itself, not by its slope g'(x) = −x": (
        lambda x: math.exp(-x * x / 2) * (-x * x / 2)
    ),
    (
        "the factor −x belongs outside the exp: f'(g(x))·g'(x) multiplies the exp by the "
        "inner slope; it does not change what the exp is taken of",
        "the factor −x belongs outside the exp: f'(g(x))·g'(x) is math.exp(-x**2 / 2) * (-x), "
        "not math.exp(-x**2 / 2 * (-x))",
    ): lambda x: math.exp(x**3 / 2),
    (
        "the factor belongs outside the exp: f'(g(x))·g'(x) multiplies the exp by the inner "
        "slope. Check its sign too",
        "the factor belongs outside the exp, and it is −x, not x: f'(g(x))·g'(x) is "
        "math.exp(-x**2 / 2) * (-x), not math.exp(-x**2 / 2 * x)",
    ): lambda x: math.exp(-(x**3) / 2),
    (
        "the exponent lost its /2: the bump is exp(−x²/2), not exp(−x²)",
        "the exponent lost its /2: the bump is exp(−x²/2), not exp(−x²). Write math.exp(-x**2 / 2)",
    ): lambda x: -x * math.exp(-x * x),
    _POWER_RULE_ON_EXP: lambda x: (-x * x / 2) * math.exp(-x * x / 2 - 1),
    _POWER_RULE_ON_EXP + " Then multiply by the inner slope −x, as you did.": lambda x: (
        (-x * x / 2) * math.exp(-x * x / 2 - 1) * (-x)
    ),
}

_BY_FORMULA = "use the chain rule instead: a formula, f'(g(x))·g'(x), with no step h"

#: Values this close to the right ones, relatively, but not equal to them are an estimate
#: (a finite difference) or use a number rounded by hand (2.718 for e).
ESTIMATE_RTOL = 1e-3


def _close_but_not_exact(
    got: list[float], want: list[float], how: str, rounded: str = "2.718 for e (write math.exp)"
) -> bool:
    """Whether every value is within ESTIMATE_RTOL of the right one (after ``compare_values``
    said they are not equal): then print that they are an estimate, and the hint ``how``.
    ``rounded`` is a number the exercise uses that a learner may round by hand ('' if none)."""
    if not all(math.isclose(g, w, rel_tol=ESTIMATE_RTOL, abs_tol=1e-9) for g, w in zip(got, want)):
        return False
    also = f", and so does a number rounded by hand, such as {rounded}" if rounded else ""
    print(
        "    Your values are close to the slope (3 to 11 digits agree) but not exact. A finite "
        f"difference gives such values{also}."
    )
    hint(how)
    return True


def _known_mistake(got: list[float], points: list[float], mistakes: dict) -> bool:
    """Whether the values are those of one of ``mistakes`` (sentence → the function that
    bug computes) at every point; then print its sentence as the hint."""
    for bug, wrong in mistakes.items():
        if _matches(got, points, wrong):
            hint(bug)
            return True
    return False


def _matches(got: list[float], points: list[float], wrong: Callable) -> bool:
    """Whether the values are those the function ``wrong`` computes at every point."""
    return all(math.isclose(g, wrong(x), rel_tol=1e-9, abs_tol=1e-12) for g, x in zip(got, points))


def _python_slip(fn) -> str | None:
    """What a beginner's usual Python slip in a formula means (``x^2`` for a power, ``e``,
    ``exp``, ``sin`` or ``cos`` without ``math.``, a ``*`` left out before a bracket), if calling
    ``fn(1.0)`` shows one; else None."""
    with contextlib.redirect_stdout(io.StringIO()):  # the learner's prints show once
        how, err = _call_limited(fn, (1.0,))
    if how != "raised":
        return None
    text = str(err)
    if isinstance(err, TypeError) and "^" in text:
        return "Python writes powers as **, as in x ** 2. The sign ^ means something else."
    if isinstance(err, NameError) and ("'e'" in text or "'exp'" in text):
        return "Python has no e or exp of its own: write e to the power u as math.exp(u)."
    if isinstance(err, NameError) and ("'cos'" in text or "'sin'" in text):
        return "Python has no sin or cos of its own: write math.sin(x) and math.cos(x)."
    number = any(kind in text for kind in ("'float'", "'int'", "numpy"))
    if isinstance(err, TypeError) and number and "not callable" in text:  # 2(x + 1)
        return (
            "a * is missing before a bracket. Python reads 2(x + 1) as calling the number 2, "
            "and says 'object is not callable'. Write 2 * (x + 1)."
        )
    return None


def _values_unless_slip(name, f, points):
    """The learner's values at ``points``, or None once it has said what stopped them: a Python
    slip (``_python_slip``) or an error while running (``learner_values``)."""
    slip = _python_slip(f)
    if slip:
        print(f"{FAIL} {name}: {slip}")
        return None
    return learner_values(name, f, points)


@exercise("1.2", "slope of exp(−x²/2)")
def check_bump_slope(bump_slope: Callable) -> bool:
    """``bump_slope(x)`` returns dy/dx for y = exp(−x²/2).

    Hints, one more for each wrong try:
    - the inner function is g(x) = −x²/2 and the outer one f(u) = eᵘ; find the slope of each
    - the slope of −x²/2 is −x, and the slope of eᵘ is eᵘ itself, taken at u = g(x)
    - g'(x) = −x and f'(u) = eᵘ, so f'(g(x)) = exp(−x²/2): multiply the two
    """
    name = "slope of exp(−x²/2)"
    if callable(bump_slope) and _code_below_raise(name, bump_slope):
        return False
    if _calls_derivative(bump_slope, (1.0,)):
        print(f"{FAIL} {name}: your function calls `derivative`, a finite difference")
        hint(_BY_FORMULA)
        return False
    got = _values_unless_slip(name, bump_slope, BUMP_POINTS)
    if got is None:
        return False
    want = [bump_slope_reference(x) for x in BUMP_POINTS]
    if compare_values(name, BUMP_POINTS, got, bump_slope_reference, rtol=BUMP_RTOL, atol=1e-15):
        return True
    if _known_mistake(got, BUMP_POINTS, BUMP_MISTAKES) or _close_but_not_exact(
        got, want, _BY_FORMULA + " and math.exp for e"
    ):
        return False
    flipped = [x for g, x in zip(got, BUMP_POINTS) if g * x > 0]  # x > 0 needs g < 0
    if flipped:
        hint(
            f"your slope has the wrong sign at x = {flipped[0]:.2f}: the bump rises for x < 0, "
            "so its slope is positive there, and falls for x > 0, so its slope is negative there"
        )
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


def _central_mistake(f, x, h, got) -> str | None:
    """The usual mistake whose result ``got`` is, or None."""
    want = _central(f, x, h)
    if math.isclose(got, (f(x + h) - f(x)) / h, rel_tol=1e-9):
        return (
            "that is the forward difference (f(x + h) − f(x)) / h. Use one point on "
            "each side of x: f(x + h) and f(x − h)."
        )
    if math.isclose(got, (f(x) - f(x - h)) / h, rel_tol=1e-9):
        return (
            "that is the backward difference (f(x) − f(x − h)) / h, the secant from x − h to "
            "x. Use one point on each side of x: f(x + h) and f(x − h)."
        )
    for factor, why in (
        (-1, "the sign is swapped: subtract f(x − h) from f(x + h), the later point first."),
        (2, "divide by 2h, the distance between x − h and x + h."),
        (0.5, "divide by 2h, not 4h: write / (2 * h), with the parentheses."),
        (h * h, "`/ 2 * h` multiplies by h: write / (2 * h)."),
    ):
        if math.isclose(got, factor * want, rel_tol=1e-9):
            return why
    if math.isclose(got, f(x + h) - f(x - h) / (2 * h), rel_tol=1e-9):
        return (
            "Python divides before it subtracts, so f(x + h) - f(x - h) / (2 * h) divides "
            "only f(x - h). Put the difference in parentheses: (f(x + h) - f(x - h)) / (2 * h)."
        )
    half = _central(f, x, h / 2)  # the points x ± h/2: a central difference of step h/2
    if math.isclose(got, half, rel_tol=1e-9):
        return (
            "you used the points x − h/2 and x + h/2, a step of h/2. Go a whole step h to "
            "each side: f(x + h) and f(x − h), divided by 2h."
        )
    return None


def _another_estimate(f, x, h, got) -> str | None:
    """'another estimate of the slope' if ``got`` is within 0.1 % of the central difference
    but not equal to it (and no usual mistake explains it), else None."""
    if not math.isclose(got, _central(f, x, h), rel_tol=1e-3):
        return None
    return (
        "your number is close to the central difference but not equal to it: it is another "
        "estimate of the slope. Return exactly (f(x + h) − f(x − h)) / (2 * h), with the h "
        "the check gives."
    )


def _ignores_f(central_difference, f, x, h, got) -> str | None:
    """'your function does not use f' if it gives the same number for the function 2·f
    (whose central difference is twice as large), else None."""
    if _central(f, x, h) == 0:
        return None
    ok, other = _call_quietly(central_difference, lambda t: 2 * f(t), x, h)
    if ok and math.isclose(other, got, rel_tol=1e-12, abs_tol=1e-15):
        return (
            "your function does not use f: the check gave it a function twice as large as "
            "f, and it returned the same number. Call the f it is given, f(x + h) and "
            "f(x − h), not math.sin or another fixed function."
        )
    return None


def _ignores_h(central_difference, f, x, h, got) -> str | None:
    """'your function ignores h' if it gives the same number for a step 10 times larger
    (where a real central difference changes), else None."""
    if math.isclose(_central(f, x, h), _central(f, x, 10 * h), rel_tol=1e-9):
        return None
    ok, other = _call_quietly(central_difference, f, x, 10 * h)
    if ok and math.isclose(other, got, rel_tol=1e-12, abs_tol=1e-15):
        return (
            f"your function ignores h: with h = {h:g} and h = {10 * h:g} it gives the same "
            "number. Use the h it is given, not a fixed step."
        )
    return None


def _call_quietly(fn, *args) -> tuple[bool, float]:
    """(True, the learner's number) or (False, nan), printing nothing."""
    how, result = _call_limited(fn, args)
    if how == "ok" and isinstance(result, (int, float, np.integer, np.floating)):
        return True, float(result)
    return False, math.nan


def _takes_three(fn) -> bool:
    """Whether ``fn`` can be called as fn(f, x, h) (True when Python cannot tell)."""
    try:
        inspect.signature(fn).bind(np.sin, 1.0, 1e-5)
    except TypeError:
        return False
    except ValueError:  # no signature to read (a built-in)
        return True
    return True


def _default_step_problem(central_difference) -> str | None:
    """What is wrong with the step a call without h uses (the def line's default h=1e-5),
    or None when that call gives the central difference with h = 1e-5."""
    how, got = _call_limited(central_difference, (np.sin, 1.0))
    if how != "ok":
        return (
            "a call without h, central_difference(f, x), stops: your def line gives h no "
            "default value"
        )
    want = _central(np.sin, 1.0, 1e-5)
    number = isinstance(got, (int, float, np.integer, np.floating))
    if number and math.isclose(got, want, rel_tol=1e-9):
        return None
    return "a call without h should use the step 1e-5, and yours does not"


#: The graded hint for a def line without the default h=1e-5.
DEFAULT_STEP_HINTS = [
    "a call that leaves h out should use 1e-5: give h that default value in the def line",
    "write the def line as def central_difference(f, x, h=1e-5):",
]


def _asks_for_df(central_difference) -> bool:
    """Whether the learner's function stops on ``f.df``: a plain function has no .df."""
    how, err = _call_limited(central_difference, (np.sin, 1.0, 1e-5))
    return how == "raised" and isinstance(err, AttributeError) and "'df'" in str(err)


def _code_below_raise(name: str, fn) -> bool:
    """True after a ✗ line if the learner wrote code below the ``raise NotImplementedError``
    line instead of in its place (checked before a check calls ``fn`` its own way)."""
    if not code_below_raise(fn):
        return False
    print(f"{FAIL} {name}: {BELOW_THE_RAISE}")
    return True


def _takes_a_shortcut(central_difference) -> bool:
    """True after a ✗ line if the learner's function calls the lesson's `derivative` or asks
    f for its exact slope ``f.df``: the exercise is to build the difference from f's values."""
    if callable(central_difference) and _code_below_raise("central_difference", central_difference):
        return True
    if _calls_derivative(central_difference, (np.sin, 1.0, 1e-5)):
        print(
            f"{FAIL} central_difference: your function calls `derivative`, the lesson's "
            "own finite difference (section 2). This exercise asks you to write it yourself."
        )
        hint("use f(x + h) and f(x − h) in a formula of your own")
        return True
    if callable(central_difference) and _asks_for_df(central_difference):
        print(
            f"{FAIL} central_difference: your function uses f.df, but here f is a plain "
            "function such as np.sin, not an entry of the menu: it has no .df part (Python "
            "calls this an AttributeError). Compute the slope from values of f only: "
            "f(x + h) and f(x − h)."
        )
        return True
    return False


@exercise("1.3", "central_difference")
def check_central_difference(central_difference: Callable) -> bool:
    """``central_difference(f, x, h)`` returns (f(x + h) − f(x − h)) / 2h.

    Hints, one more for each wrong try:
    - the central difference is the slope of the secant through x − h and x + h
    - (f(x + h) − f(x − h)) / (2 * h), with the parentheses
    """
    if _takes_a_shortcut(central_difference):
        return False
    if callable(central_difference) and not _takes_three(central_difference):
        print(
            f"{FAIL} central_difference: your function must take f, x and h, "
            "as in def central_difference(f, x, h=1e-5):"
        )
        return False
    for f, fname, x, h in CENTRAL_CASES:
        where = f"with f = {fname}, x = {x}, h = {h}"
        got = learner_number("central_difference", central_difference, f, x, h, where=where)
        if got is None:
            return False
        want = _central(f, x, h)
        if math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            continue
        print(f"{FAIL} central_difference: {where} it returned {_apart(got, want)}")
        mistake = (
            _central_mistake(f, x, h, got)
            or _ignores_f(central_difference, f, x, h, got)
            or _ignores_h(central_difference, f, x, h, got)
            or _another_estimate(f, x, h, got)
        )
        if mistake:
            hint(mistake)
        return False
    default = _default_step_problem(central_difference)
    if default:
        print(f"{FAIL} central_difference: your formula is right, but {default}.")
        hint(DEFAULT_STEP_HINTS)
        return False
    print(
        f"{PASS} central_difference: correct on all {len(CENTRAL_CASES)} test cases "
        "(sin, exp, x³, tanh)"
    )
    return True


# --------------------------------------------------------------------------------------
# 1.4 Two paths: z = u·v with u = x², v = cos x
# --------------------------------------------------------------------------------------

#: Ten points from −2.3 to 2.2, 0.5 apart. They avoid x = 0 and x = 2, where x² and its slope
#: 2x are equal (so u written for du/dx would pass there), the multiples of π/2 (where sin x or
#: cos x is 0, so a path vanishes), and x ≈ ±1.08, where the slope is 0. On them any two of
#: the slope and the entries of PATH_MISTAKES differ by 0.7 % or more at each point, but for
#: the slope and du/dx + dv/dx at x = 0.7 (0.09 %); and by 3 % or more at all points but one.
#: So each mistake is told apart from the others and from the slope.
PATH_POINTS = np.linspace(-2.3, 2.2, 10).tolist()

#: As for 1.2: the sum of the two path products is right to round-off (a relative 1e-15
#: here), while a central difference, even with its best step, is off by 2e-11 or more at
#: some point, so it cannot pass.
PATH_RTOL = 1e-12


def two_path_reference(x: float) -> float:
    return math.cos(x) * 2 * x + x**2 * -math.sin(x)


def _paths(x: float) -> tuple[float, float, float, float]:
    """u = x², v = cos x and their slopes du/dx = 2x, dv/dx = −sin x."""
    return x**2, math.cos(x), 2 * x, -math.sin(x)


def _mistake(formula: Callable) -> Callable:
    """The wrong slope ``formula(u, v, du/dx, dv/dx)`` computes, as a function of x."""
    return lambda x: formula(*_paths(x))


_ADD_THE_PATHS = "add the two paths, v·du/dx + u·dv/dx."

#: A mistake whose fix is the answer (or most of it) is told in two steps:
#: on the first wrong try what is wrong and where to look, from the second on the fix too.
PATH_MISTAKES = {
    "you got x²·cos x. That is z itself, not its slope. Return the slope: the path through u "
    "plus the path through v.": _mistake(lambda u, v, du, dv: u * v),
    (
        "you used u = x² where its slope du/dx = 2x belongs. Look at the path through u.",
        "you used u = x² where its slope du/dx = 2x belongs. The path through u is v·du/dx = "
        "cos x·2x, not v·u.",
    ): _mistake(lambda u, v, du, dv: v * u + u * dv),
    (
        "you used v = cos x where its slope dv/dx = −sin x belongs. Look at the path through v.",
        "you used v = cos x where its slope dv/dx = −sin x belongs. The path through v is "
        "u·dv/dx = x²·(−sin x), not u·v.",
    ): _mistake(lambda u, v, du, dv: v * du + u * v),
    (
        "you used the values u and v where their slopes du/dx and dv/dx belong. Look at "
        "both paths.",
        "you used the values u and v where their slopes du/dx = 2x and dv/dx = −sin x belong. "
        "The paths are v·du/dx and u·dv/dx.",
    ): _mistake(lambda u, v, du, dv: v * u + u * v),
    (
        "you got 2x·cos x, only the path through u, v·du/dx. Add the path through v.",
        "you got 2x·cos x, only the path through u, v·du/dx. Add the path through v, "
        "u·dv/dx = x²·(−sin x).",
    ): _mistake(lambda u, v, du, dv: v * du),
    (
        "you got −x²·sin x, only the path through v, u·dv/dx. Add the path through u.",
        "you got −x²·sin x, only the path through v, u·dv/dx. Add the path through u, "
        "v·du/dx = cos x·2x.",
    ): _mistake(lambda u, v, du, dv: u * dv),
    (
        "you multiplied the two slopes, du/dx·dv/dx. The slope of a product is not the "
        "product of the slopes: each path is a product, and the paths add.",
        "you multiplied the two slopes, du/dx·dv/dx. The slope of a product is not the "
        "product of the slopes: " + _ADD_THE_PATHS,
    ): _mistake(lambda u, v, du, dv: du * dv),
    "you multiplied the two path products, (v·du/dx)·(u·dv/dx). The paths add: dz/dx is "
    "the path through u plus the path through v.": _mistake(lambda u, v, du, dv: v * du * u * dv),
    (
        "you added the two local derivatives, du/dx + dv/dx. Each path is a product: "
        "multiply each local derivative by its partial derivative.",
        "you added the two local derivatives, du/dx + dv/dx. Each path is a product: multiply "
        "each local derivative by its partial derivative, v·du/dx + u·dv/dx.",
    ): _mistake(lambda u, v, du, dv: du + dv),
    (
        "you paired each local derivative with the wrong partial: u·du/dx + v·dv/dx. For "
        "z = u·v, what are ∂z/∂u and ∂z/∂v?",
        "you paired each local derivative with the wrong partial: u·du/dx + v·dv/dx. The path "
        "through u uses ∂z/∂u = v, and the path through v uses ∂z/∂v = u: "
        "v·du/dx + u·dv/dx.",
    ): _mistake(lambda u, v, du, dv: u * du + v * dv),
    (
        "that is the slope of section 8's z = sin x·x². Here u = x² and v = cos x: find the "
        "two paths for this z.",
        "that is the slope of section 8's z = sin x·x². Here u = x² and v = cos x: the path "
        "through u is cos x·2x, and the path through v is x²·(−sin x).",
    ): lambda x: x**2 * math.cos(x) + math.sin(x) * 2 * x,
}


#: The path through v with the wrong sign, x²·sin x. Two slips give it: the
#: slope of cos x taken as sin x, or a right dv/dx = −sin x with the path subtracted. The
#: learner's code tells which (``_sign_slip``); if it cannot be read, the hint names both.
SIGN_SLIP = _mistake(lambda u, v, du, dv: v * du - u * dv)

SIGN_HINTS = {
    "dv/dx": (
        "the sign of dv/dx is wrong: the slope of cos x is −sin x",
        "the sign of dv/dx is wrong: the slope of cos x is −sin x, so the path through v "
        "gives x²·(−sin x)",
    ),
    "minus": (
        "you subtracted the path through v, u·dv/dx. The two paths add: dv/dx = −sin x "
        "already carries the minus.",
        "you subtracted the path through v, u·dv/dx. The two paths add: dv/dx = −sin x "
        "already carries the minus. So dz/dx = v·du/dx + u·dv/dx.",
    ),
    "either": (
        "a sign is wrong in the path through v. Check the sign of dv/dx (the slope of cos x "
        "is −sin x), and check that you add the two paths, not subtract them.",
        "a sign is wrong in the path through v. It is u·dv/dx = x²·(−sin x), and it is "
        "added to the path through u.",
    ),
}


def _sign_slip(dz_dx) -> str:
    """Which slip made the path through v change sign, read in the learner's code: "minus"
    if it has a minus outside the slope of cos x (a subtraction, or a minus before a name
    such as ``-dv_dx``), "dv/dx" if it has no minus at all, else "either" (also when the
    code cannot be read)."""
    read = learner_source(dz_dx)
    if read is None:
        return "either"
    tree = read[1]
    if getattr(dz_dx, "__name__", "") == "<lambda>":  # the source is the lambda's whole line
        lambdas = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
        if len(lambdas) != 1:
            return "either"
        tree = lambdas[0]
    nodes = list(ast.walk(tree))
    subtracts = any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) for n in nodes)
    negated = [
        n.operand for n in nodes if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)
    ]

    def has_sin(node) -> bool:
        return any(
            isinstance(n, ast.Call) and ast.unparse(n.func).split(".")[-1] == "sin"
            for n in ast.walk(node)
        )

    outside = [n for n in negated if not isinstance(n, ast.Constant) and not has_sin(n)]
    if subtracts or outside:
        return "minus"
    return "either" if negated else "dv/dx"


@exercise("1.4", "dz/dx for z = x²·cos x")
def check_two_path_slope(dz_dx: Callable) -> bool:
    """``dz_dx(x)`` returns dz/dx for z = u·v, u = x², v = cos x, as a sum over paths.

    Hints, one more for each wrong try:
    - one path goes x → u → z, the other x → v → z; each contributes the product of its two local
      derivatives
    - the path through u gives ∂z/∂u · du/dx = v · 2x; the one through v gives ∂z/∂v · dv/dx = u ·
      (−sin x); add them
    """
    if callable(dz_dx) and _code_below_raise("dz/dx", dz_dx):
        return False
    if _calls_derivative(dz_dx, (0.5,)):
        print(
            f"{FAIL} dz/dx: your function calls `derivative`, a finite difference. "
            "This exercise asks for the sum over the two paths, as a formula."
        )
        hint("add the two path products instead: formulas, with no step h")
        return False
    name = "dz/dx for z = x²·cos x"
    got = _values_unless_slip(name, dz_dx, PATH_POINTS)
    if got is None:
        return False
    if compare_values(name, PATH_POINTS, got, two_path_reference, rtol=PATH_RTOL):
        return True
    want = [two_path_reference(x) for x in PATH_POINTS]
    if _matches(got, PATH_POINTS, SIGN_SLIP):
        hint(SIGN_HINTS[_sign_slip(dz_dx)])
    elif not _known_mistake(got, PATH_POINTS, PATH_MISTAKES):
        _close_but_not_exact(got, want, "add the two path products: a formula, with no step h", "")
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


@exercise("1.5", "float32 step")
def check_float32_step(float32_step: Callable) -> bool:
    """``float32_step()`` returns a step h for float32 central differences of sin at 1.

    Hints, one more for each wrong try:
    - the total error is about h² + ε/h with ε ≈ 1.2e-7: where is it smallest?
    - h² and ε/h balance where h³ ≈ ε, at h ≈ ∛ε ≈ 5e-3
    """
    name = "float32 step"
    h = learner_number(name, float32_step)
    if h is None:
        return False
    if not math.isfinite(h) or h <= 0:
        print(f"{FAIL} {name}: a step must be a finite number > 0, got {h}")
        return False
    lo, hi = FLOAT32_RANGE
    err = float32_central_error(h)
    if lo <= h <= hi:
        print(
            f"{PASS} {name}: h = {h:.3g} is near ∛ε ≈ 5e-3 for float32 "
            f"(ε ≈ 1.2e-7); the error there is below {ERROR_AT_BEST:.0e}"
        )
        return True
    if h < lo:
        print(
            f"{FAIL} {name}: h = {h:.10g} is too small for float32: round-off (≈ ε/h) "
            f"dominates and the error is {err:.1e}."
        )
    else:
        print(
            f"{FAIL} {name}: h = {h:.10g} is too large: the truncation error (≈ h²) "
            f"dominates and the error is {err:.1e}."
        )
    return False


__all__ = [
    "check_bump_slope",
    "check_central_difference",
    "check_flat_points",
    "check_float32_step",
    "check_two_path_slope",
]
