"""Checks for the exercises of notebook 05 (training deep networks)."""

from __future__ import annotations

import math

import numpy as np

from . import (
    FAIL,
    PASS,
    _array,
    _number,
    a_function,
    check_arrays,
    check_function,
    check_prediction,
    exercise,
    hint,
    matches,
    returned,
    run,
)

__all__ = ["check_max_lr", "check_momentum_step", "check_he_std", "check_residual_grad"]


#: The ravine of exercise 5.1: L = (κ₁u₁² + κ₂u₂²)/2 with these curvatures.
FLAT, STEEP = 1.0, 10.0

#: Exercise 5.1, predict first: the largest learning rate below which descent converges,
#: 2/κ_max. Why (shown from the second wrong try on):
MAX_LR_WHY = (
    "Each step multiplies the coordinate u_i by 1 − η·κ_i. It shrinks while that number "
    "lies between −1 and 1, that is while η < 2/κ_i. Both coordinates must shrink, so the "
    "steepest direction decides: η < 2/10 = 0.2"
)
#: The first wrong try gets a nudge without the answer (a prediction is the point).
MAX_LR_NUDGE = (
    "each step multiplies the coordinate u_i by 1 − η·κ_i. For which η does that number "
    "stay between −1 and 1? Answer it for κ = 1 and for κ = 10: both must hold"
)
#: Known wrong guesses and what they are (none of these sentences gives the answer).
MAX_LR_MISSES = {
    2 / FLAT: "that is 2/κ for the flattest direction (κ = 1); the steepest one "
    "(κ = 10) diverges long before",
    1 / STEEP: "1/κ = 0.1 is where the zig-zag starts (1 − ηκ below 0); the path "
    "still converges while 1 − ηκ stays between −1 and 1",
    1 / FLAT: "1/κ for the flattest direction: both directions must shrink",
    0.19: "at 0.19 the number 1 − ηκ for κ = 10 is 1 − 1.9 = −0.9, still between −1 and 1, "
    "so the path still converges. Where does that number reach −1?",
    0.21: "at 0.21 the number 1 − ηκ for κ = 10 is 1 − 2.1 = −1.1, beyond −1, so the steep "
    "coordinate grows at every step and the path diverges. Where does that number reach −1?",
}
MAX_LR_NAME = "the largest learning rate below which descent converges"


@exercise("5.1", MAX_LR_NAME)
def check_max_lr(max_lr) -> bool:
    """Exercise 5.1, predict first: the largest learning rate below which descent converges
    on the ravine, which is 2/κ_max = 0.2.

    The first wrong guess hears what it is (if it is a usual one) and a nudge, not the
    answer; from the second on, the value and why. The exercise asks for the function
    ``max_lr``: a plain number (``max_lr = 0.2``) is refused. 0.2 is a boundary: a number
    just below it (0.199) is told to give the boundary itself.
    """
    if not a_function(MAX_LR_NAME, max_lr, "max_lr"):
        return False
    return check_prediction(
        MAX_LR_NAME,
        max_lr,
        2 / STEEP,
        MAX_LR_WHY,
        MAX_LR_MISSES,
        hide_first_try_of="5.1",
        nudge=MAX_LR_NUDGE,
        boundary=True,
    )


def _ref_momentum(w, v, grad, lr, mu):
    v = mu * v + grad
    return w - lr * v, v


SIGN_IN_V = (
    "the sign in v is wrong: you wrote v ← μv − g. v collects the gradients with a plus, "
    "v ← μv + g; the minus belongs in the step of w, w ← w − lr·v"
)


def _sign_mistakes(w, v, g, lr, mu):
    """v ← μv − g, with either sign in the step of w."""
    minus_v = mu * v - g
    return [(SIGN_IN_V, (w - lr * minus_v, minus_v)), (SIGN_IN_V, (w + lr * minus_v, minus_v))]


def _momentum_mistakes(w, v, g, lr, mu):
    """(sentence naming a usual bug, the (new w, new v) it returns)."""
    new_v = mu * v + g
    avg_v = mu * v + (1 - mu) * g
    return (
        [
            (
                "your step goes uphill, because you wrote w + lr·v: w must move *against* the "
                "velocity, w − lr·v",
                (w + lr * new_v, new_v),
            ),
            (
                "the pair is the wrong way round: return (new w, new v), w first",
                (new_v, w - lr * new_v),
            ),
            (
                "that is the averaging form v ← μv + (1 − μ)g (a running average of the "
                "gradients); here the whole gradient is added, v ← μv + g",
                (w - lr * avg_v, avg_v),
            ),
            (
                "the learning rate went into v (v ← μv + ηg, then w ← w − v). Here v collects "
                "the gradients alone, v ← μv + g, and lr multiplies it in the step of w: "
                "w ← w − lr·v",
                (w - (mu * v + lr * g), mu * v + lr * g),
            ),
            (
                "mu is missing: the old velocity must shrink by the factor mu before the gradient "
                "is added, v ← μv + g",
                (w - lr * (v + g), v + g),
            ),
        ]
        + _sign_mistakes(w, v, g, lr, mu)
        + (
            []
            if mu == 0.9
            else [
                (
                    "mu is written as the number 0.9: use the argument mu, which changes from "
                    "call to call (this check tries 0.9, 0.5, 0, 0.99 and 0.7)",
                    (w - lr * (0.9 * v + g), 0.9 * v + g),
                )
            ]
        )
    )


#: The five cases of exercise 5.2: (learning rate, momentum).
MOMENTUM_CASES = [(0.1, 0.9), (0.03, 0.5), (0.5, 0.0), (0.2, 0.99), (0.01, 0.7)]
#: The other usual convention, v ← μv − ηg and w ← w + v, named when the learner uses it.
OTHER_CONVENTION = (
    "that is the other convention, v ← μv − ηg and w ← w + v (the learning "
    "rate inside v); here (as in helpers.optim.SGD) v ← μv + g and w ← w − ηv"
)


def _not_a_pair(got) -> str | None:
    """None when ``got`` is a pair; otherwise what it is, in words."""
    if isinstance(got, (tuple, list)) and len(got) == 2:
        return None
    return {np.ndarray: "one array", type(None): "None (is a return missing?)"}.get(
        type(got),
        f"a {type(got).__name__} of {len(got)}" if hasattr(got, "__len__") else type(got).__name__,
    )


def _is_other_convention(arrays, want, w, v, g, lr, mu) -> bool:
    """The learner's (new w, new v) follow v ← μv − ηg, w ← w + v (either half will do)."""
    other_v = mu * v - lr * g

    def close(a, b):
        return np.allclose(a, b, rtol=1e-12, atol=1e-12)

    return not close(arrays[1], want[1]) and (
        close(arrays[1], other_v) or close(arrays[0], w + other_v)
    )


def _momentum_bug(arrays, want, w, v, g, lr, mu) -> str | None:
    """The sentence naming the learner's bug, when it is a usual one; else None."""
    if _is_other_convention(arrays, want, w, v, g, lr, mu):
        return OTHER_CONVENTION
    if all(matches(a, b) for a, b in zip(arrays, want)):
        return None
    for bug, (bw, bv) in _momentum_mistakes(w, v, g, lr, mu):
        if matches(arrays[0], bw) and matches(arrays[1], bv):
            return bug
    return None


def _momentum_halves(got, want, w, v, g, lr, mu) -> bool:
    """Compare the new w and the new v one at a time, naming the first wrong one."""
    for name, a, b in zip(("new w", "new v"), got, want):
        a, why = _array(a)
        if a is None:
            print(f"{FAIL} momentum_step: {name} should be an array; it {why}")
            return False
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-12, atol=1e-12):
            print(f"{FAIL} momentum_step: {name} is wrong at lr={lr}, mu={mu}")
            if a.shape != b.shape:
                print(f"    its shape is {a.shape}, expected {b.shape}")
            elif name == "new w" and np.allclose(a, w - lr * v):
                hint("update v first, then use the *new* v in the step of w.")
            elif name == "new w" and np.allclose(a, w - lr * g):
                hint("that is plain gradient descent: the step must use v.")
            return False
    return True


def _momentum_right(got, w, v, g, lr, mu) -> bool:
    """One case of exercise 5.2: True if right, else False after saying what is wrong."""
    kind = _not_a_pair(got)
    if kind:
        print(f"{FAIL} momentum_step: return the pair (new_w, new_v), got {kind}")
        return False
    want = _ref_momentum(w, v, g, lr, mu)
    arrays = [_array(a)[0] for a in got]
    if all(a is not None and a.shape == w.shape for a in arrays):
        bug = _momentum_bug(arrays, want, w, v, g, lr, mu)
        if bug:
            print(f"{FAIL} momentum_step: wrong at lr={lr}, mu={mu}")
            hint(bug)
            return False
    return _momentum_halves(got, want, w, v, g, lr, mu)


@exercise("5.2", "momentum_step")
def check_momentum_step(momentum_step) -> bool:
    """Exercise 5.2: one step of SGD with momentum, v ← μv + g, w ← w − ηv.

    Hints, one more for each wrong try:
    - the velocity v collects the gradients: the old v shrinks by the factor mu and the new
      gradient is added; then w takes a step of size lr against v
    - first compute the new v from mu, the old v and grad; then the new w from w, lr and that
      new v; return the pair (w, v) in that order
    - v = mu * v + grad, then w = w - lr * v with the new v
    """
    rng = np.random.default_rng(5)
    for lr, mu in MOMENTUM_CASES:
        w, v, g = rng.normal(size=(3, 4))
        where = f"at lr={lr}, mu={mu}"
        ok, got = run(
            "momentum_step", momentum_step, w.copy(), v.copy(), g.copy(), lr, mu, where=where
        )
        if not ok or not _momentum_right(got, w, v, g, lr, mu):
            return False
    print(f"{PASS} momentum_step: correct on 5 random cases")
    return True


#: Exercise 5.3's values within 1 % of √(2/fan_in), or rounded to some decimals, but not equal.
NEAR_HE = (
    "your formula is right, but the values are rounded or estimated (close to √(2/fan_in), "
    "not equal to it, as the digits above show): return the exact value, "
    "math.sqrt(2 / fan_in), without rounding"
)


def _when_near(got, want: float) -> float:
    """The learner's number when it is ``want`` rounded (to some decimals) or within 1 % of
    it, else NaN (which matches nothing): the entry of a "right formula, rounded" mistake."""
    got, _ = _number(got)
    if got is None:
        return math.nan
    rounded = any(got == round(want, digits) for digits in range(1, 13))
    return got if rounded or math.isclose(got, want, rel_tol=1e-2) else math.nan


@exercise("5.3", "he_std")
def check_he_std(he_std) -> bool:
    """``he_std(fan_in)`` is the standard deviation of the normal distribution that He
    initialisation draws the weights of a layer with fan_in inputs from: √(2/fan_in).

    Hints, one more for each wrong try:
    - a layer multiplies the variance of its input by fan_in·σ², and ReLU keeps half of it
    - fan_in·σ² must be 2 for ReLU layers, so σ = √(2 / fan_in)
    """
    return check_function(
        "he_std",
        he_std,
        lambda n: math.sqrt(2.0 / n),
        [1, 2, 16, 64, 100, 1000],
        rtol=1e-12,
        mistakes={
            "that is 1/√fan_in (n_in·σ² = 1), which keeps the variance for tanh near 0 "
            "(Xavier's σ² = 2/(n_in + n_out) when n_in = n_out); ReLU zeroes half of its "
            "inputs, so n_in·σ² must be 2": lambda n: 1 / math.sqrt(n),
            "that is the variance 2/fan_in; return its square root, the standard "
            "deviation": lambda n: 2 / n,
            "that is √2/fan_in: the square root was taken of the 2 alone. The variance "
            "is 2/fan_in, so take the square root of the whole fraction, fan_in "
            "included": lambda n: math.sqrt(2) / n,
            "that is 2/√fan_in: the square root was taken of fan_in alone. The variance "
            "is 2/fan_in, so take the square root of the whole fraction, the 2 "
            "included": lambda n: 2 / math.sqrt(n),
            "that is √(2·fan_in): fan_in multiplies where it should divide. The variance "
            "is 2/fan_in, so σ = √(2 / fan_in)": lambda n: math.sqrt(2 * n),
            "that is 1/fan_in. In Python ** comes before /, so (2/fan_in) ** 1/2 is "
            "((2/fan_in) ** 1) / 2. Write ** 0.5 or use math.sqrt": lambda n: 1 / n,
            "that is √(1/(2·fan_in)): it halves the variance 1/fan_in, but He doubles it, "
            "because ReLU zeroes half of its inputs: σ² = 2/fan_in": lambda n: 1 / math.sqrt(2 * n),
            NEAR_HE: lambda n: _when_near(he_std(n), math.sqrt(2.0 / n)),
        },
    )


def _ref_residual_grad(x, W, dy):
    h = np.tanh(x @ W)
    return dy + (dy * (1 - h**2)) @ W.T


# A shape error of a matrix product, in words.
MATMUL_ERRORS = [
    (
        ValueError,
        "matmul",
        "a matrix product got shapes that do not fit. dz has one row per "
        "example, shape (N, n), like x; going back through z = x @ W multiplies it by W.T on "
        "the right: dz @ W.T, not W.T @ dz",
    ),
]


#: Usual wrong answers of exercise 5.4: (sentence naming the bug, what it computes from
#: x, W, dy, h = tanh(x @ W) and dz = dy * (1 − h²)), first match first.
RESIDUAL_MISTAKES = [
    (
        "the skip is missing: it passes dy on unchanged, and that adds to the branch's gradient",
        lambda x, W, dy, h, dz: dz @ W.T,
    ),
    (
        "W is used the wrong way round: back through x @ W is @ W.T",
        lambda x, W, dy, h, dz: dy + dz @ W,
    ),
    ("the branch skips tanh's slope 1 − h²", lambda x, W, dy, h, dz: dy + dy @ W.T),
    (
        "tanh's slope is 1 − h² (h squared), not 1 − h",
        lambda x, W, dy, h, dz: dy + (dy * (1 - h)) @ W.T,
    ),
    (
        "tanh's slope is 1 − h**2 (only h is squared), not (1 − h)**2",
        lambda x, W, dy, h, dz: dy + (dy * (1 - h) ** 2) @ W.T,
    ),
    (
        "tanh was applied twice: h is already tanh(x @ W), so its slope is 1 − h**2, "
        "not 1 − tanh(h)**2",
        lambda x, W, dy, h, dz: dy + (dy * (1 - np.tanh(h) ** 2)) @ W.T,
    ),
    (
        "h is tanh of z = x @ W, not tanh of x: compute z first",
        lambda x, W, dy, h, dz: dy + (dy * (1 - np.tanh(x) ** 2)) @ W.T,
    ),
    (
        "you used z where h belongs: tanh's slope is 1 − h² with h = tanh(z), the output "
        "of tanh, not 1 − z² with z = x @ W",
        lambda x, W, dy, h, dz: dy + (dy * (1 - (x @ W) ** 2)) @ W.T,
    ),
    (
        "you returned the branch's forward value tanh(x) @ W, not a gradient: dL/dx is "
        "built from dy, the skip's dy plus the branch's dz @ W.T",
        lambda x, W, dy, h, dz: np.tanh(x) @ W,
    ),
    (
        "the skip passes on dy, not x: dL/dx = dy + dz @ W.T (x is the input, not a gradient)",
        lambda x, W, dy, h, dz: x + dz @ W.T,
    ),
    (
        "the order is wrong: tanh's slope 1 − h² belongs to z = x @ W, so multiply dy by it "
        "first, and only then go back through the matrix product with @ W.T",
        lambda x, W, dy, h, dz: dy + (dy @ W.T) * (1 - h**2),
    ),
    (
        "your code multiplied the two paths, but the chain rule adds them: the skip and the "
        "branch are two separate paths, so add their gradients",
        lambda x, W, dy, h, dz: dy * (dz @ W.T),
    ),
    (
        "your code multiplied the two paths (dy times 1 plus the branch), but the chain rule "
        "adds them: add the skip's gradient dy and the branch's",
        lambda x, W, dy, h, dz: dy * (1 + dz @ W.T),
    ),
    (
        "the skip's 1 went into the branch: dy * (1 + slope) @ W.T sends the skip's "
        "gradient through @ W.T too. The skip does not pass through W: add dy on its own, "
        "outside the matrix product",
        lambda x, W, dy, h, dz: (dy * (2 - h**2)) @ W.T,
    ),
    (
        "the branch's gradient is not a single slope: the branch is tanh(x @ W), so after "
        "tanh's slope, dz = dy * (1 − h²) must go back through the matrix product, dz @ W.T. "
        "Only the skip passes dy on unchanged; add the two",
        lambda x, W, dy, h, dz: dy * (2 - h**2),
    ),
    (
        "the skip's gradient is dy itself, not 1: the skip's slope is 1, and the chain "
        "rule multiplies it by dy (dy · 1 = dy), then adds the branch's gradient",
        lambda x, W, dy, h, dz: 1 + dz @ W.T,
    ),
    (
        "dy is missing from both paths: the skip passes on dy itself (not 1), and the "
        "gradient reaching z is dy * (1 − h²), not 1 − h² alone",
        lambda x, W, dy, h, dz: 1 + (1 - h**2) @ W.T,
    ),
    (
        "dy is missing, and so is the skip: the gradient reaching z is dy * (1 − h²), not "
        "1 − h² alone; then the skip adds dy itself: dy + dz @ W.T",
        lambda x, W, dy, h, dz: (1 - h**2) @ W.T,
    ),
    (
        "the branch forgot dy: the gradient reaching z is dy * (1 − h²), tanh's slope times "
        "dy, not the slope 1 − h² alone; then dz @ W.T",
        lambda x, W, dy, h, dz: dy + (1 - h**2) @ W.T,
    ),
    (
        "dy multiplies the result of the matrix product, but it belongs before it: first "
        "dz = dy * (1 − h²), then dz @ W.T; the skip adds dy on its own",
        lambda x, W, dy, h, dz: dy * (1 + (1 - h**2) @ W.T),
    ),
    (
        "the branch is missing: dy is only the skip's gradient; add the branch's, "
        "dz @ W.T with dz = dy * (1 − h²)",
        lambda x, W, dy, h, dz: dy,
    ),
    (
        "you returned x, the input itself; dL/dx is a gradient, built from dy: the skip's "
        "dy plus the branch's dz @ W.T",
        lambda x, W, dy, h, dz: x,
    ),
    (
        "dz was summed over the examples (.sum(axis=0)), so NumPy copied one row to every "
        "row. dL/dx has the shape of x, (N, n): each example keeps its own row of dz, "
        "dz @ W.T",
        lambda x, W, dy, h, dz: dy + dz.sum(axis=0) @ W.T,
    ),
    (
        "your forward pass applies tanh before the matrix product, tanh(x) @ W; the branch "
        "is h = tanh(x @ W): first the matrix product, then tanh. Then dz = dy * (1 − h²)",
        lambda x, W, dy, h, dz: dy + (dy * (1 - (np.tanh(x) @ W) ** 2)) @ W.T,
    ),
]
#: Wrong answers that only run when the batch is square (N = n), as in case 1.
SQUARE_MISTAKES = [
    (
        "x * W multiplies entry by entry; the forward pass is the matrix product "
        "h = tanh(x @ W) (use @, not *; the shapes here only fit because N = n)",
        lambda x, W, dy, h, dz: dy + (dy * (1 - np.tanh(x * W) ** 2)) @ W.T,
    ),
    (
        "the product is the wrong way round: dz has one row per example, like x, so "
        "it is dz @ W.T (W.T on the right), not W.T @ dz",
        lambda x, W, dy, h, dz: dy + W.T @ dz,
    ),
    (
        "x.T @ dz is the gradient of the weights W (lesson 03's linear layer); the "
        "gradient of the input x is dz @ W.T, one row per example like x",
        lambda x, W, dy, h, dz: dy + x.T @ dz,
    ),
    (
        "dy @ (1 − h²) is a matrix product, but tanh's slope multiplies dy entry by entry: "
        "dz = dy * (1 − h²) (use *, not @; the shapes here only fit because N = n)",
        lambda x, W, dy, h, dz: dy + (dy @ (1 - h**2)) @ W.T,
    ),
    (
        "dz * W.T multiplies entry by entry; back through the matrix product x @ W "
        "is the matrix product dz @ W.T (use @, not *)",
        lambda x, W, dy, h, dz: dy + dz * W.T,
    ),
    (
        "x.T @ dz is the gradient of the weights W, of shape (n, n) like W. dL/dx has "
        "the shape of x, (N, n), one row per example: the skip's dy plus dz @ W.T "
        "(here N = n, so the shapes happen to agree)",
        lambda x, W, dy, h, dz: x.T @ dz,
    ),
]


def _residual_mistakes(x, W, dy) -> dict:
    """{sentence naming a usual bug: what that bug returns} for these x, W and dy."""
    h = np.tanh(x @ W)
    dz = dy * (1 - h**2)
    table = RESIDUAL_MISTAKES + (SQUARE_MISTAKES if len(x) == len(W) else [])
    return {bug: wrong(x, W, dy, h, dz) for bug, wrong in table}


#: Exercise 5.4's answer close to the chain rule's (an estimate, rounded), but not equal.
NEAR_GRAD = (
    "your dL/dx is close to the right one but not equal (see the max difference above): an "
    "estimate, such as finite differences, or rounded numbers. Return the exact gradient "
    "from the chain rule, dy + dz @ W.T"
)


#: What the "max difference" of exercise 5.4's failure line compares.
DIFFERENCE = (
    "your dL/dx differs from the chain rule's. The max difference below is the largest gap "
    "between one of your entries and the right one"
)

#: Exercise 5.4's failure line when the answer is not an array of x's shape (nothing to compare).
WRONG_SHAPE = (
    "your dL/dx is not an array of x's shape, so there is no entry to compare: "
    "dL/dx needs one number per entry of x"
)


def _difference(arr, want: np.ndarray) -> str:
    """Exercise 5.4's failure line: the gap between entries, or, for another shape, the shape."""
    if arr is None or arr.shape != want.shape:
        return WRONG_SHAPE
    return DIFFERENCE


def _near(arr, want: np.ndarray) -> np.ndarray:
    """The learner's array when every entry is within 0.1 % of ``want``'s largest entry (an
    estimate, or numbers rounded to 3 decimals), else NaN (which matches nothing)."""
    near = 1e-3 * max(float(np.max(np.abs(want))), 1.0)
    if arr is not None and arr.shape == want.shape and np.allclose(arr, want, rtol=0, atol=near):
        return arr
    return np.full(want.shape, np.nan)


@exercise("5.4", "residual_grad")
def check_residual_grad(residual_grad) -> bool:
    """Exercise 5.4: dL/dx for y = x + tanh(x·W), given dL/dy.

    Hints, one more for each wrong try:
    - two paths from x reach y, and their gradients add: the skip passes dy on unchanged;
      the branch's gradient goes back through tanh, then through the matrix product
    - the skip passes dy on unchanged. For the branch, write z = x @ W and h = tanh(z): first
      the gradient reaching z (tanh's slope is 1 − h²), then back through the matrix product
      as in lesson 03's linear layer
    - dz = dy * (1 − h²) with h = tanh(x @ W); then dL/dx = dy + dz @ W.T
    """
    rng = np.random.default_rng(7)
    # case 1 is square (N = n), so that a product the wrong way round runs and is named
    for case, n_rows in enumerate((4, 5, 5), start=1):
        x, dy = rng.normal(size=(2, n_rows, 4))
        W = rng.normal(size=(4, 4))
        where = f"on case {case} (x of shape {x.shape})"
        args = (x.copy(), W.copy(), dy.copy())
        ok, got = run("residual_grad", residual_grad, *args, where=where, error_hint=MATMUL_ERRORS)
        if not ok or not returned("residual_grad", got):
            return False
        want = _ref_residual_grad(x, W, dy)
        arr, _ = _array(got)
        if arr is not None and matches(arr, want):
            continue
        print(f"case {case} of 3: {_difference(arr, want)}")
        mistakes = {"dL/dx": {**_residual_mistakes(x, W, dy), NEAR_GRAD: _near(arr, want)}}
        check_arrays({"dL/dx": (got, want)}, rtol=1e-9, atol=1e-12, mistakes=mistakes)
        return False
    print(f"{PASS} residual_grad: matches the chain rule on 3 random cases")
    return True
