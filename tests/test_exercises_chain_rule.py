"""The checks of notebook 01's exercises accept the answers and reject the usual mistakes."""

import math

import numpy as np
import pytest

import helpers.exercises as ex
from helpers.exercises import chain_rule as E

# (That each notebook answer passes its check and each open exercise prints its hint is
# tested for every lesson in test_answers.py and test_exercises.py.)


@pytest.fixture(autouse=True)
def fresh_learner():
    ex.reset_tries()


def test_flat_points_feedback(capsys):
    assert not E.check_flat_points(lambda: (math.pi / 2, 3.0))
    assert "Where is the outer slope" in capsys.readouterr().out
    assert not E.check_flat_points(lambda: (1.0, math.pi))
    assert "Where is the inner slope" in capsys.readouterr().out
    assert not E.check_flat_points(lambda: (0.0, math.pi / 2))
    assert "strictly between 0 and 3.5" in capsys.readouterr().out
    assert not E.check_flat_points(lambda: math.pi)
    assert "got one number" in capsys.readouterr().out
    assert not E.check_flat_points(lambda: (1.0, 2.0, 3.0))
    assert E.check_flat_points(lambda: [np.pi, np.pi / 2])  # any order, NumPy numbers


@pytest.mark.parametrize("typed", [(1.5708, 3.1416), [3.14159, 1.5708], (1.57080, 3.141593)])
def test_flat_points_typed_to_four_decimals_pass(typed, capsys):
    assert E.check_flat_points(lambda: typed) is True


def test_flat_points_typed_too_roughly_are_told_to_give_more_digits(capsys):
    assert E.check_flat_points(lambda: (1.57, 3.14)) is False
    out = capsys.readouterr().out
    assert "1.57 and 3.14 are near the right points, but not to enough digits" in out
    assert "compute them with math.pi" in out
    assert E.check_flat_points(lambda: (1.0, 2.0)) is False
    assert "near the right" not in capsys.readouterr().out


@pytest.mark.parametrize("typed", [(1.57, 3.14), (1.571, 3.142), (0.5, 1.0), (math.pi / 2, 3.14)])
def test_flat_points_messages_are_whole_sentences(typed, capsys):
    """Lines such as '... is zero where either factor is' and '... are close: ... compute it'
    read as cut off; every message line ends a sentence, and says close to what."""
    assert E.check_flat_points(lambda: typed) is False
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith("."), first
    assert "either factor is" not in first and "compute it," not in first
    if typed == (0.5, 1.0):
        assert "one of its two factors is zero." in first
    if typed == (math.pi / 2, 3.14):
        assert "3.14 is near the right point" in first and "compute it with math.pi" in first


def test_flat_points_one_right_names_only_the_wrong_number(capsys):
    """[π/4, π/2] was once told "π/2 is right ..., but 0.785398, 1.5708 misses the
    other one: where is the outer slope f'(g(x)) = 2 sin x zero?", which repeats the whole
    answer and gives away the factor that the second hint is for."""
    assert E.check_flat_points(lambda: [math.pi / 4, math.pi / 2]) is False
    first = capsys.readouterr().out.splitlines()[0]
    assert "π/2 is right" in first and "0.785398 is not a flat point" in first
    assert "1.5708" not in first and "2 sin x" not in first
    assert "Where is the outer slope f'(g(x)) zero?" in first
    assert E.check_flat_points(lambda: [math.pi, math.pi]) is False
    assert "you gave π twice" in capsys.readouterr().out


@pytest.mark.parametrize("typed,count", [((1.0, 2.0, 3.0), "3 numbers"), ((1.0,), "1 number")])
def test_flat_points_wrong_count_says_numbers(typed, count, capsys):
    """A wrong count of points, "got 3", read as "got the value 3": say "got 3 numbers"."""
    assert E.check_flat_points(lambda: typed) is False
    assert f"got {count}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong",
    [lambda x: math.exp(-(x**2) / 2 * x), lambda x: math.exp(-(x**2) / 2 * (-x))],
)
def test_bump_slope_factor_inside_the_exp_is_named_not_called_a_sign(wrong, capsys):
    """exp(-x**2/2 * x) once got "your slope has the wrong sign at x = 0.10", and a
    learner may start flipping signs; the slip is the factor put inside the exp."""
    assert E.check_bump_slope(wrong) is False
    out = capsys.readouterr().out
    assert "belongs outside the exp" in out and "math.exp(-x**2 / 2) * (-x)" not in out
    assert "wrong sign" not in out
    assert E.check_bump_slope(wrong) is False  # the second try: the fix itself
    assert "math.exp(-x**2 / 2) * (-x)" in capsys.readouterr().out


def test_flat_points_zero_is_told_it_is_flat_but_not_strictly_inside(capsys):
    """The widget and the text lead to (0, π/2): x = 0 is flat, but not strictly inside."""
    assert E.check_flat_points(lambda: (0.0, math.pi / 2)) is False
    out = capsys.readouterr().out
    assert "strictly between 0 and 3.5" in out and "zero at x = 0 too" in out


def test_hints_grow_with_the_wrong_tries_and_not_with_unanswered_ones(capsys):
    def todo():
        raise NotImplementedError("a nudge")

    wrong = lambda: (1.0, 2.0)  # noqa: E731
    assert E.check_flat_points(todo) is False
    assert ex.tries("1.1") == 0  # not done yet is not a wrong try
    first = capsys.readouterr().out
    assert "Hint: a nudge" in first
    E.check_flat_points(wrong)
    first = capsys.readouterr().out
    E.check_flat_points(wrong)
    second = capsys.readouterr().out
    E.check_flat_points(wrong)
    third = capsys.readouterr().out
    assert ex.tries("1.1") == 3
    assert "f'(g(x)) and g'(x)" in first and "π" not in first.split("Hint:")[1]  # a nudge
    assert "2 sin x" in second and "cos x" in second  # then the factors, not the answer
    assert "π" not in second.split("Hint:")[1]  # the second wrong try does not give it away
    assert "π/2 and sin x = 0 at x = π" in third  # the third one does
    E.check_flat_points(wrong)
    assert capsys.readouterr().out == third  # which stays
    assert E.check_flat_points(lambda: (math.pi / 2, math.pi)) is True
    assert ex.tries("1.1") == 4  # a right answer resets nothing


@pytest.mark.parametrize("typed", [(90, 180), (90.0, math.pi), (math.pi / 2, 180)])
def test_flat_points_in_degrees_are_told_to_use_radians(typed, capsys):
    assert E.check_flat_points(lambda: typed) is False
    out = capsys.readouterr().out
    assert "like degrees" in out and "radians" in out
    # a small hint first (the first one once gave the whole answer) ...
    small = out.split("Hint:")[1]
    assert "180°, is π radians" in small and "1.5708" not in small and "3.1416" not in small
    # ... the values on the next wrong try
    assert E.check_flat_points(lambda: typed) is False
    out = capsys.readouterr().out
    assert "use radians" in out
    if 90 in typed:
        assert "π/2 ≈ 1.5708" in out and "not 90" in out
    if 180 in typed:
        assert "π ≈ 3.1416" in out


def test_flat_points_missing_return_says_so_without_python_type_names(capsys):
    assert E.check_flat_points(lambda: None) is False
    out = capsys.readouterr().out
    assert "is a `return` missing?" in out and "NoneType" not in out


def test_tries_are_counted_per_exercise(capsys):
    E.check_float32_step(lambda: 1e-5)
    E.check_float32_step(lambda: 1e-5)
    E.check_bump_slope(lambda x: 0.0)
    assert (ex.tries("1.5"), ex.tries("1.2"), ex.tries("1.1")) == (2, 1, 0)
    out = capsys.readouterr().out
    assert "where is it smallest?" in out and "∛ε ≈ 5e-3" in out  # 1.5: nudge, method
    assert "find the slope of each" in out  # 1.2: its nudge


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x: math.exp(-(x**2) / 2), "not the inner one"),
        (lambda x: -x, "not the outer one"),
        (lambda x: x * math.exp(-(x**2) / 2), "sign is wrong"),
        (lambda x: -x * math.exp(x), "must be taken at g(x)"),
        (lambda x: -2 * x * math.exp(-(x**2) / 2), "not −2x"),
        (lambda x: 0.0, "wrong at"),
    ],
)
def test_bump_slope_feedback(wrong, hint, capsys):
    assert not E.check_bump_slope(wrong)
    assert hint in capsys.readouterr().out


def _bump(t):
    return math.exp(-(t**2) / 2)


@pytest.mark.parametrize("h", [1e-3, 1e-4, 1e-5, 6e-6, 1e-6])
def test_bump_slope_refuses_a_central_difference_with_no_chain_rule(h, capsys):
    def by_difference(x):
        return (_bump(x + h) - _bump(x - h)) / (2 * h)

    assert E.check_bump_slope(by_difference) is False
    out = capsys.readouterr().out
    assert "finite difference" in out and "use the chain rule instead" in out


def test_bump_slope_refuses_the_library_derivative(capsys):
    from helpers.calculus import derivative

    assert E.check_bump_slope(lambda x: derivative(_bump, x)) is False
    assert "calls `derivative`" in capsys.readouterr().out


@pytest.mark.parametrize(
    "right",
    [
        lambda x: math.exp(-(x**2) / 2) * (-x),
        lambda x: -x * np.exp(-0.5 * x * x),
        lambda x: float(np.exp(-(x**2) / 2) * -x),
        lambda x: -x / math.exp(x**2 / 2),
    ],
)
def test_bump_slope_accepts_the_formula_written_in_several_ways(right, capsys):
    assert E.check_bump_slope(right) is True


def test_a_named_bug_is_followed_by_the_method_from_the_second_try_on(capsys):
    outer_only = lambda x: math.exp(-(x**2) / 2)  # noqa: E731
    E.check_bump_slope(outer_only)
    first = capsys.readouterr().out
    E.check_bump_slope(outer_only)
    second = capsys.readouterr().out
    assert first.count("Hint:") == 1 and "not the inner one" in first
    assert second.count("Hint:") == 2 and "not the inner one" in second
    assert "multiply the two" not in second  # the full answer waits for the third try
    E.check_bump_slope(outer_only)
    assert "multiply the two" in capsys.readouterr().out


@pytest.mark.parametrize(
    "check,source,words",
    [
        ("check_bump_slope", "def f(x):\n    return -x * math.exp(-x^2 / 2)", "powers as **"),
        ("check_bump_slope", "def f(x):\n    return -x * e ** (-x**2 / 2)", "math.exp(u)"),
        ("check_bump_slope", "def f(x):\n    return -x * exp(-x**2 / 2)", "math.exp(u)"),
        (
            "check_two_path_slope",
            "def f(x):\n    return 2 * x * math.cos(x) - x^2 * math.sin(x)",
            "powers as **",
        ),
        (
            "check_two_path_slope",
            "def f(x):\n    return 2 * x * cos(x) - x**2 * sin(x)",
            "math.cos(x)",
        ),
        ("check_bump_slope", "def f(x):\n    return math.exp(-x**2 / 2)(-x)", "a * is missing"),
        (
            "check_two_path_slope",
            "def f(x):\n    return 2 * x * math.cos(x) - math.sin(x)(x**2)",
            "a * is missing",
        ),
    ],
)
def test_python_slips_are_named(check, source, words, capsys):
    """1.2's and 1.4's checks name a slip of Python (`^`, a function without `math.`, a `*`
    left out before a bracket, which Python reports as 'float' object is not callable)."""
    namespace = {"math": math}
    exec(source, namespace)
    assert getattr(E, check)(namespace["f"]) is False
    assert words in capsys.readouterr().out


def test_central_difference_without_h_is_told_to_take_it(capsys):
    assert E.check_central_difference(lambda f, x: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5) is False
    assert "must take f, x and h" in capsys.readouterr().out


def test_central_difference_without_the_default_h_is_told_to_keep_it(capsys):
    # right formula, but `def central_difference(f, x, h):`
    def central_difference(f, x, h):
        return (f(x + h) - f(x - h)) / (2 * h)

    assert E.check_central_difference(central_difference) is False
    out = capsys.readouterr().out
    assert "no default value" in out and "1e-5" in out and "secant" not in out


def test_central_difference_with_another_default_h_is_told_the_default(capsys):
    def central_difference(f, x, h=0.1):
        return (f(x + h) - f(x - h)) / (2 * h)

    assert E.check_central_difference(central_difference) is False
    assert "should use the step 1e-5" in capsys.readouterr().out
    assert E.check_central_difference(central_difference) is False
    assert "h=1e-5):" in capsys.readouterr().out  # the second try: the def line itself


def test_two_path_slope_refuses_the_library_derivative(capsys):
    from helpers.calculus import derivative

    assert E.check_two_path_slope(lambda x: derivative(lambda t: t**2 * np.cos(t), x)) is False
    assert "calls `derivative`" in capsys.readouterr().out
    product_rule = lambda x: x * (2 * math.cos(x) - x * math.sin(x))  # noqa: E731
    assert E.check_two_path_slope(product_rule) is True


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda f, x, h=1e-5: (f(x + h) - f(x)) / h, "forward difference"),
        (lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h, "divide by 2h"),
        (lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 * h, "multiplies by h"),
        (lambda f, x, h=1e-5: (f(x - h) - f(x + h)) / (2 * h), "the sign is swapped"),
        (lambda f, x, h=1e-5: "slope", "not a number"),
        (lambda f, x, h=1e-5: 1 / 0, "ZeroDivisionError"),
        (lambda f, x, h=1e-5: None, "is a `return` missing?"),
        (3, "expected a function"),
    ],
)
def test_central_difference_feedback(wrong, hint, capsys):
    assert not E.check_central_difference(wrong)
    assert hint in capsys.readouterr().out


def test_central_difference_that_ignores_h_is_told_so(capsys):
    def fixed_step(f, x, h=1e-5):
        step = 1e-5  # the step it is given is never used
        return (f(x + step) - f(x - step)) / (2 * step)

    assert E.check_central_difference(fixed_step) is False
    assert "your function ignores h" in capsys.readouterr().out


def test_central_difference_with_a_fixed_function_is_told_to_use_f(capsys):
    # math.sin instead of f (right for sin, wrong for exp)
    assert (
        E.check_central_difference(
            lambda f, x, h=1e-5: (math.sin(x + h) - math.sin(x - h)) / (2 * h)
        )
        is False
    )
    out = capsys.readouterr().out
    assert "with f = exp" in out and "your function does not use f" in out


def test_central_difference_with_half_steps_is_told_the_step(capsys):
    # points x ± h/2 (off only in the 7th digit for sin)
    half_step = lambda f, x, h=1e-5: (f(x + h / 2) - f(x - h / 2)) / h  # noqa: E731
    assert E.check_central_difference(half_step) is False
    assert "you used the points x − h/2 and x + h/2" in capsys.readouterr().out


def test_central_difference_refuses_the_library_derivative(capsys):
    import helpers.calculus as calculus
    from helpers.calculus import derivative
    from helpers.calculus import derivative as slope

    def helper(f, x, h):
        return slope(f, x, h)

    def via_helper(f, x, h=1e-5):
        return helper(f, x, h)

    for calls in (
        lambda f, x, h=1e-5: derivative(f, x, h),
        lambda f, x, h=1e-5: calculus.derivative(f, x, h, method="central"),
        lambda f, x, h=1e-5: slope(f, x, h),  # renamed on import
        via_helper,  # through a function of the learner's own
        derivative,  # central_difference = derivative
    ):
        assert E.check_central_difference(calls) is False
        assert "calls `derivative`, the lesson's own" in capsys.readouterr().out


def test_central_difference_refuses_derivative_reached_through_a_default_value(capsys):
    # the learner's code `derivative(f, x, h)` wrapped in a function taken as a default
    # value once passed, though it only calls the lesson's own derivative
    from helpers.calculus import derivative

    learner = lambda f, x, h: derivative(f, x, h)  # noqa: E731

    def central_difference(f, x, h=1e-5, fn=learner):
        return fn(f, x, h)

    assert E.check_central_difference(central_difference) is False
    out = capsys.readouterr().out
    assert "calls `derivative`" in out and "write it yourself" in out
    assert "correct" not in out


def test_derivative_is_seen_while_running_when_the_code_cannot_be_read(capsys):
    from helpers.calculus import derivative

    class Hidden:  # a callable object: no __code__ to read, so only running it tells
        def __call__(self, f, x, h=1e-5):
            return derivative(f, x, h)

    assert E._uses_library_derivative(Hidden()) is False
    assert E.check_central_difference(Hidden()) is False
    assert "calls `derivative`" in capsys.readouterr().out


def test_two_path_slope_refuses_a_finite_difference_through_a_default_value(capsys):
    # 1.4 answered with the lesson's derivative(lambda t: t**2 * cos(t), x), wrapped
    from helpers.calculus import derivative

    learner = lambda x: derivative(lambda t: t**2 * math.cos(t), x)  # noqa: E731

    def dz_dx(x, fn=learner):
        return fn(x)

    assert E.check_two_path_slope(dz_dx) is False
    out = capsys.readouterr().out
    assert "calls `derivative`, a finite difference" in out and "sum over the two paths" in out


def test_bump_slope_refuses_derivative_through_a_default_value(capsys):
    from helpers.calculus import derivative

    def bump_slope(x, fn=lambda x: derivative(_bump, x)):
        return fn(x)

    assert E.check_bump_slope(bump_slope) is False
    assert "calls `derivative`" in capsys.readouterr().out


def test_two_path_product_of_slopes_and_one_path_are_told_apart(capsys):
    # with u = eˣ, du/dx·dv/dx and the path through v alone gave the same numbers; with
    # u = x² they differ, and each is named alone
    assert E.check_two_path_slope(lambda x: 2 * x * (-math.sin(x))) is False
    out = capsys.readouterr().out
    assert (
        "multiplied the two slopes, du/dx·dv/dx" in out and "not the product of the slopes" in out
    )
    assert "only the path through v" not in out
    assert E.check_two_path_slope(lambda x: x**2 * (-math.sin(x))) is False
    out = capsys.readouterr().out
    assert "only the path through v, u·dv/dx" in out and "Add the path through u" in out
    assert "multiplied" not in out


def test_two_path_product_of_slopes_hint_is_short_and_says_what_to_do(capsys):
    # the two local slopes multiplied; the hint was once six sentences long
    def dz_dx(x):
        du_dx, dv_dx = 2 * x, -math.sin(x)
        return du_dx * dv_dx

    assert E.check_two_path_slope(dz_dx) is False
    hint = [line for line in capsys.readouterr().out.splitlines() if "Hint:" in line]
    assert len(hint) == 1 and "multiplied the two slopes, du/dx·dv/dx" in hint[0]
    assert "each path is a product, and the paths add" in hint[0]
    assert "v·du/dx + u·dv/dx" not in hint[0]  # the formula waits for the second try
    assert hint[0].count(". ") <= 2 and len(hint[0].split()) <= 60, f"a long hint: {hint[0]}"
    assert E.check_two_path_slope(dz_dx) is False
    assert "add the two paths, v·du/dx + u·dv/dx" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [E.SIGN_SLIP, *E.PATH_MISTAKES.values()])
def test_two_path_mistake_hints_are_short_sentences(wrong, capsys):
    # a hint with two mistakes and an aside in one sentence had to be read twice
    assert E.check_two_path_slope(wrong) is False
    hint = [line for line in capsys.readouterr().out.splitlines() if "Hint:" in line]
    assert len(hint) == 1, hint
    sentences = [s for s in hint[0].split(". ") if s.strip()]
    assert all(len(s.split()) <= 30 for s in sentences), sentences


def test_two_path_value_of_u_for_its_slope_is_refused(capsys):
    # with u = eˣ, `v * u + u * dv_dx` gave the right numbers and passed; with u = x² the
    # check refuses it and says that u stands where its slope du/dx belongs
    def dz_dx(x):
        u, v = x**2, math.cos(x)
        dv_dx = -math.sin(x)
        return v * u + u * dv_dx

    assert E.check_two_path_slope(dz_dx) is False
    out = capsys.readouterr().out
    assert "✓" not in out and "wrong at 10 of 10 points" in out
    assert "you used u = x² where its slope du/dx = 2x belongs" in out


@pytest.mark.parametrize(
    "wrong,words",
    [
        (lambda x: math.cos(x) * 2 * x + x**2 * math.cos(x), "you used v = cos x where its slope"),
        (lambda x: 2 * x**2 * math.cos(x), "you used the values u and v where their slopes"),
        (lambda x: x**2 * math.cos(x) + math.sin(x) * 2 * x, "section 8's z = sin x·x²"),
    ],
)
def test_two_path_values_for_slopes_and_section_8_are_named(wrong, words, capsys):
    assert E.check_two_path_slope(wrong) is False
    assert words in capsys.readouterr().out


def test_two_path_points_tell_every_mistake_apart():
    """On the check's points, no two mistakes of the table give the same values, none gives
    the slope's, and x = 0 and x = 2 (where x² equals its slope 2x) are not among them."""
    points = E.PATH_POINTS
    assert all(abs(x) > 0.1 and abs(x - 2) > 0.1 for x in points)
    rows = [E.two_path_reference, E.SIGN_SLIP, *E.PATH_MISTAKES.values()]
    for i, f in enumerate(rows):
        for g in rows[i + 1 :]:
            same = [math.isclose(f(x), g(x), rel_tol=1e-3, abs_tol=1e-9) for x in points]
            assert sum(same) <= 1, (f, g)


def test_two_path_product_of_the_paths_is_told_to_add(capsys):
    # (path through u)·(path through v) instead of their sum
    def dz_dx(x):
        u, v = x**2, math.cos(x)
        return (v * 2 * x) * (u * -math.sin(x))

    assert E.check_two_path_slope(dz_dx) is False
    out = capsys.readouterr().out
    assert "you multiplied the two path products" in out and "The paths add" in out


@pytest.mark.parametrize("one", [math.pi / 2, math.pi, 1, np.float64(1.5708)])
def test_flat_points_single_number_asks_for_two(one, capsys):
    assert E.check_flat_points(lambda: one) is False
    out = capsys.readouterr().out
    assert "got one number" in out and "both points in a list" in out
    assert "return [1.0, 2.0]" in out and "got float" not in out


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x: math.cos(x) * 2 * x, "only the path through u"),
        (lambda x: -(x**2) * math.sin(x), "only the path through v"),
        (lambda x: 2 * x * math.cos(x) + x**2 * math.sin(x), "the slope of cos x is −sin x"),
        (lambda x: 2 * x * math.sin(x), "wrong at"),
    ],
)
def test_two_path_feedback(wrong, hint, capsys):
    assert not E.check_two_path_slope(wrong)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda: 1e-5, "too small"),
        (lambda: 1e-8, "too small"),
        (lambda: 0.3, "too large"),
        (lambda: 0.0, "finite number > 0"),
        (lambda: "5e-3", "expected a number"),
    ],
)
def test_float32_step_feedback(wrong, hint, capsys):
    assert not E.check_float32_step(wrong)
    assert hint in capsys.readouterr().out


def test_float32_error_inside_the_accepted_range_is_below_what_the_check_says():
    lo, hi = E.FLOAT32_RANGE
    worst = max(E.float32_central_error(h) for h in np.geomspace(lo, hi, 200))
    assert worst < E.ERROR_AT_BEST


def test_float32_error_is_smaller_inside_the_accepted_range():
    inside = E.float32_central_error(5e-3)
    assert inside < E.float32_central_error(1e-6) and inside < E.float32_central_error(0.3)


def test_central_difference_of_the_learners_own_named_derivative_is_not_refused(capsys):
    def derivative(f, x, h):  # the learner's own function, named like the library's
        return (f(x + h) - f(x - h)) / (2 * h)

    namespace = {"derivative": derivative}
    exec("def central_difference(f, x, h=1e-5):\n    return derivative(f, x, h)", namespace)
    assert E.check_central_difference(namespace["central_difference"]) is True


@pytest.mark.parametrize(
    "check",
    [
        E.check_flat_points,
        E.check_bump_slope,
        E.check_central_difference,
        E.check_two_path_slope,
        E.check_float32_step,
    ],
)
def test_an_open_exercise_prints_its_hint_once(check, capsys):
    def todo(*args):
        raise NotImplementedError("a nudge")

    assert check(todo) is False
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "not done yet. Hint: a nudge" in out, out


def test_flat_points_as_text_is_told_quotes_make_text(capsys):
    # the points typed as text in quotes
    assert E.check_flat_points(lambda: ("pi/2", "pi")) is False
    out = capsys.readouterr().out
    assert "in quotes" in out and "is text, not a number" in out and "math.pi / 2" in out
    assert "tuple" not in out


def test_central_difference_without_parentheses_is_told_on_the_first_try(capsys):
    # f(x + h) - f(x - h) / (2 * h) divides only f(x - h)
    assert E.check_central_difference(lambda f, x, h=1e-5: f(x + h) - f(x - h) / (2 * h)) is False
    out = capsys.readouterr().out
    assert "divides before it subtracts" in out and "(f(x + h) - f(x - h)) / (2 * h)" in out


def test_two_path_z_itself_is_told_it_is_z_not_its_slope(capsys):
    # returning z = x²·cos x itself, not its slope
    assert E.check_two_path_slope(lambda x: x**2 * math.cos(x)) is False
    out = capsys.readouterr().out
    assert (
        "you got x²·cos x. That is z itself, not its slope" in out and "the path through u" in out
    )


def test_flat_points_names_the_one_point_outside(capsys):
    """(π/2, 3π/2) was once told 'both points must lie strictly between 0 and 3.5',
    though only 3π/2 ≈ 4.71 is outside."""
    assert E.check_flat_points(lambda: (math.pi / 2, 3 * math.pi / 2)) is False
    first = capsys.readouterr().out.splitlines()[0]
    assert "4.71239 is not strictly between 0 and 3.5" in first
    assert "1.5708" not in first.split(";")[1] and "both points" not in first


@pytest.mark.parametrize(
    "wrong,words",
    [
        (lambda x: -x / 2, "−x/2 is not the inner slope"),
        (lambda x: -x / 2 * math.exp(-(x**2) / 2), "the inner slope is not −x/2"),
        (lambda x: (-x) ** 2, "wrong sign at x = "),
    ],
)
def test_bump_slope_names_the_half_slope_and_a_wrong_sign(wrong, words, capsys):
    """-x/2 and (-x)**2 once got only the general hints; each is named."""
    assert E.check_bump_slope(wrong) is False
    out = capsys.readouterr().out
    assert words in out
    if "sign" in words:
        assert "falls for x > 0, so its slope is negative there" in out


def test_central_difference_backward_is_named(capsys):
    """The backward difference once got only the full formula as its hint; it is named."""
    assert E.check_central_difference(lambda f, x, h=1e-5: (f(x) - f(x - h)) / h) is False
    out = capsys.readouterr().out
    assert "that is the backward difference" in out and "one point on each side" in out


def test_central_difference_asking_f_for_df_is_told_f_is_a_plain_function(capsys):
    # f.df(x), as for the menu's entries (f here is np.sin)
    assert E.check_central_difference(lambda f, x, h=1e-5: f.df(x)) is False
    out = capsys.readouterr().out
    assert "f.df" in out and "plain function" in out and "values of f" in out


def test_two_path_sum_of_local_slopes_is_told_each_path_is_a_product(capsys):
    # du/dx + dv/dx, with no partial derivatives
    assert E.check_two_path_slope(lambda x: 2 * x - math.sin(x)) is False
    out = capsys.readouterr().out
    assert "added the two local derivatives" in out and "product" in out
    assert "local slope" not in out  # the lesson's word is "local derivative"


def test_two_path_swapped_partials_are_named(capsys):
    # u·du/dx + v·dv/dx, each slope with the other partial
    def dz_dx(x):
        u, v = x**2, math.cos(x)
        return u * 2 * x + v * -math.sin(x)

    assert E.check_two_path_slope(dz_dx) is False
    out = capsys.readouterr().out
    assert "wrong partial" in out and "what are ∂z/∂u and ∂z/∂v?" in out
    assert "∂z/∂u = v" not in out  # the first hint does not pair them; the second does
    assert E.check_two_path_slope(dz_dx) is False
    assert "∂z/∂u = v" in capsys.readouterr().out


def test_bump_slope_names_the_misplaced_bracket(capsys):
    """exp(-x**2)/2*(-x) once got only the general hint; the /2 sits outside the exp."""
    assert E.check_bump_slope(lambda x: math.exp(-(x**2)) / 2 * (-x)) is False
    out = capsys.readouterr().out
    assert "check the brackets" in out and "not exp(−x²/2)" in out
    assert "math.exp(-x**2 / 2)" not in out  # the fix waits a try
    assert E.check_bump_slope(lambda x: math.exp(-(x**2)) / 2 * (-x)) is False
    assert "The /2 belongs inside the exp" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong,words",
    [
        (lambda x: math.exp(+(x**2) / 2) * (-x), "the exponent has lost its minus sign"),
        (lambda x: math.exp((-x) ** 2 / 2) * (-x), "(-x)**2 is +x²"),
        (lambda x: math.exp(x**2 / 2) * x, "both minus signs are lost"),
        (lambda x: math.exp(-(x**2) / 2) * (-(x**2) / 2), "not by its slope g'(x) = −x"),
        (lambda x: -x * math.exp(-(x**2)), "the exponent lost its /2"),
    ],
)
def test_bump_slope_names_a_wrong_exponent_or_inner_factor(wrong, words, capsys):
    """exp(+x²/2)·(−x) once got only the general hint, not the lost exponent sign; and
    a slope times g(x) instead of g'(x) was told its sign is wrong."""
    assert E.check_bump_slope(wrong) is False
    out = capsys.readouterr().out
    assert words in out and "wrong sign" not in out


# A number close to the right one is never shown as the right one and called wrong.


@pytest.mark.parametrize("step", [0.0300001, 0.000999999])
def test_float32_step_just_outside_the_range_is_printed_with_its_digits(step, capsys):
    """A step just outside the accepted range printed as '0.03' or '0.001' (both accepted)
    would read as a right step called wrong."""
    assert E.check_float32_step(lambda: step) is False
    out = capsys.readouterr().out
    assert f"h = {step:.10g} is too" in out


def test_two_path_slope_by_a_finite_difference_is_told_it_is_an_estimate(capsys):
    """A hand-written central difference of z = x²·cos x agreed with the slope to 1e-9 and
    passed; now it is refused (1e-12) and hears that it is an estimate."""

    def dz_dx(x, h=1e-5):
        def z(t):
            return t**2 * math.cos(t)

        return (z(x + h) - z(x - h)) / (2 * h)

    assert E.check_two_path_slope(dz_dx) is False
    out = capsys.readouterr().out
    assert "close to the slope" in out and "not exact" in out and "finite difference" in out
    assert "add the two path products" in out


@pytest.mark.parametrize("h", [1e-3, 1e-5, 1e-6, 1e-8])
def test_two_path_slope_by_a_finite_difference_never_passes(h, capsys):
    """At any step, a central difference of z = x²·cos x is refused as an estimate; the
    message speaks of a finite difference only (1.4 has no e to round by hand)."""
    z = lambda t: t**2 * math.cos(t)  # noqa: E731
    assert E.check_two_path_slope(lambda x: (z(x + h) - z(x - h)) / (2 * h)) is False
    out = capsys.readouterr().out
    assert "close to the slope" in out and "2.718" not in out


def test_bump_slope_with_e_typed_by_hand_is_told_it_is_rounded(capsys):
    assert E.check_bump_slope(lambda x: 2.718 ** (-(x**2) / 2) * (-x)) is False
    out = capsys.readouterr().out
    assert "close to the slope" in out and "2.718 for e" in out and "math.exp for e" in out


def test_central_difference_close_to_the_right_number_shows_how_it_differs(capsys):
    """A number within a tiny relative amount of the central difference (here 3e-9) is printed
    with enough digits that the two numbers read differently, and is told it is another
    estimate of the slope."""

    def central_difference(f, x, h=1e-5):
        return (f(x + h) - f(x - h)) / (2 * h) * (1 + 3e-9)

    assert E.check_central_difference(central_difference) is False
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    got, want = first.split("it returned ")[1].split(", expected ")
    assert got != want, first
    assert "close to the central difference but not equal to it" in out


def test_central_difference_by_another_formula_is_told_it_is_another_estimate(capsys):
    """The five-point formula estimates the slope better, but it is not the exercise's."""

    def central_difference(f, x, h=1e-5):
        return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)

    assert E.check_central_difference(central_difference) is False
    out = capsys.readouterr().out
    assert "another estimate of the slope" in out and "(f(x + h) − f(x − h)) / (2 * h)" in out


def test_flat_points_with_four_wrong_decimals_are_not_told_to_give_more_digits(capsys):
    """1.5706 has the 4 decimals the task asks for; its 4th decimal is wrong (π/2 = 1.5708),
    so 'give at least 4 decimals' would name the wrong cause."""
    assert E.check_flat_points(lambda: (1.5706, math.pi)) is False
    out = capsys.readouterr().out
    assert "1.5706 is close to the right point, but the digits typed do not match" in out
    assert "at least 4 decimals" not in out and "1.5708" not in out


def test_code_written_below_the_raise_line_is_told_to_delete_it(capsys):
    # the formula written under the `raise` line, not in its place
    def central_difference(f, x, h=1e-5):
        raise NotImplementedError("the slope of the secant through one point on each side of x")
        return (f(x + h) - f(x - h)) / (2 * h)

    def bump_slope(x):
        raise NotImplementedError("which function is applied to x first?")
        return -x * math.exp(-(x**2) / 2)

    def dz_dx(x):
        raise NotImplementedError("each path from x to z contributes")
        return math.exp(x) * (math.cos(x) - math.sin(x))

    def flat_points():
        raise NotImplementedError("find where each of the two factors is zero")
        return [math.pi / 2, math.pi]

    checks = [E.check_central_difference, E.check_bump_slope, E.check_two_path_slope]
    for check, fn in zip(
        checks + [E.check_flat_points], [central_difference, bump_slope, dz_dx, flat_points]
    ):
        assert check(fn) is False
        out = capsys.readouterr().out
        assert "below the `raise NotImplementedError` line" in out and "delete the line" in out, out
        assert "not done yet" not in out, out


def test_a_raise_line_alone_is_still_not_done_yet(capsys):
    def central_difference(f, x, h=1e-5):
        # The slope of f at x from one point on each side of x.
        raise NotImplementedError("a nudge")

    assert E.check_central_difference(central_difference) is False
    assert "not done yet. Hint: a nudge" in capsys.readouterr().out


def test_a_bump_slope_that_divides_by_x_is_caught_at_the_flat_top(capsys):
    # -x**2 / x equals -x except at x = 0, a point the check once skipped.
    def divides(x):
        return math.exp(-(x**2) / 2) * (-(x**2)) / x

    assert E.check_bump_slope(divides) is False
    out = capsys.readouterr().out
    assert "ZeroDivisionError" in out or "divide" in out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda x: (-(x**2) / 2) * math.exp(-(x**2) / 2 - 1),
        lambda x: (-(x**2) / 2) * math.exp(-(x**2) / 2 - 1) * (-x),
    ],
)
def test_bump_slope_names_the_power_rule_used_on_exp(wrong, capsys):
    # u·e^(u−1), the power rule used on e^u, once heard about the sign first; name the rule.
    assert E.check_bump_slope(wrong) is False
    out = capsys.readouterr().out
    assert "the slope of e^u is e^u itself" in out and "power rule" in out, out
    assert "wrong sign" not in out, out


def test_bump_slope_names_slopes_added_instead_of_multiplied(capsys):
    """exp(−x²/2) + (−x) was once told its slope has the wrong sign at
    x = 0.10, which sent the learner looking for a sign error instead of the + sign."""
    assert E.check_bump_slope(lambda x: math.exp(-(x**2) / 2) + (-x)) is False
    out = capsys.readouterr().out
    assert "you added the two slopes: the chain rule multiplies them" in out
    assert "wrong sign" not in out and "math.exp(-x**2 / 2) * (-x)" not in out
    assert E.check_bump_slope(lambda x: math.exp(-(x**2) / 2) + (-x)) is False
    assert "with * and not +" in capsys.readouterr().out


def _graded(mistakes):
    return [(bug, wrong) for bug, wrong in mistakes.items() if isinstance(bug, tuple)]


@pytest.mark.parametrize(
    "check, bug, wrong",
    [(E.check_bump_slope, *row) for row in _graded(E.BUMP_MISTAKES)]
    + [(E.check_two_path_slope, *row) for row in _graded(E.PATH_MISTAKES)],
)
def test_a_slip_whose_fix_is_the_answer_is_named_first_and_fixed_on_the_next_try(
    check, bug, wrong, capsys
):
    """First-try hints of 1.2 and 1.4 once spelled out the whole fix (for `-x`
    alone: "f'(g(x)) = exp(−x²/2): multiply by it"; for one path: the other path's formula).
    The first wrong try names what is wrong and where to look; the fix comes on the next."""
    first, fix = bug
    assert check(wrong) is False
    out = capsys.readouterr().out
    assert f"Hint: {first}" in out and fix not in out
    assert check(wrong) is False
    assert f"Hint: {fix}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "check, wrong, given_away",
    [
        (E.check_bump_slope, lambda x: -x, "f'(g(x)) = exp(−x²/2)"),
        (E.check_bump_slope, lambda x: -x * math.exp(x), "use exp(−x²/2)"),
        (E.check_two_path_slope, lambda x: math.cos(x) * 2 * x, "u·dv/dx = x²·(−sin x)"),
        (E.check_two_path_slope, lambda x: -(x**2) * math.sin(x), "v·du/dx = cos x·2x"),
        (
            E.check_two_path_slope,
            lambda x: x**2 * math.cos(x) + math.sin(x) * 2 * x,
            "the path through u is cos x·2x",
        ),
    ],
)
def test_the_readers_first_try_hints_no_longer_give_the_fix(check, wrong, given_away, capsys):
    """First wrong tries whose hint once gave the fix: `-x` alone, exp(x), one path only,
    section 8 copied."""
    assert check(wrong) is False
    out = capsys.readouterr().out
    assert "✗" in out and "Hint:" in out and given_away not in out


@pytest.mark.parametrize(
    "wrong, named, given_away",
    [
        (lambda x: x * math.exp(-(x**2) / 2), "the sign is wrong", "has slope −x"),
        (lambda x: -2 * x * math.exp(-(x**2) / 2), "not −2x", "−2x/2 = −x"),
        (lambda x: -x / 2 * math.exp(-(x**2) / 2), "not −x/2", "−2x/2 = −x"),
        (lambda x: -x / 2, "−x/2 is not the inner slope", "−2x/2 = −x"),
    ],
)
def test_a_wrong_inner_slope_is_named_first_and_corrected_on_the_next_try(
    wrong, named, given_away, capsys
):
    """`exp(-x**2/2)*x`, `*(-2*x)` and `*(-x/2)` were once told the inner slope
    −x on the first wrong try, which is the whole fix. Now the first try names the slip
    and asks for the slope; the second gives it."""
    assert E.check_bump_slope(wrong) is False
    out = capsys.readouterr().out
    assert named in out and given_away not in out and "−x²/2" in out
    assert E.check_bump_slope(wrong) is False
    assert given_away in capsys.readouterr().out


def test_flat_points_with_a_non_number_shows_a_list_as_the_exercise_asks(capsys):
    """[π/2, None] was once told "expected numbers, such as (1.0, 2.0)", a tuple,
    though the exercise asks for a list."""
    assert E.check_flat_points(lambda: [math.pi / 2, None]) is False
    out = capsys.readouterr().out
    assert "such as [1.0, 2.0]" in out and "(1.0, 2.0)" not in out


def _subtracts_the_path(x):
    u, v = x**2, math.cos(x)
    du_dx, dv_dx = 2 * x, -math.sin(x)
    return v * du_dx - u * dv_dx


def _wrong_sign_of_dv(x):
    u, v = x**2, math.cos(x)
    du_dx, dv_dx = 2 * x, math.sin(x)
    return v * du_dx + u * dv_dx


def _negates_the_path(x):
    u, v = x**2, math.cos(x)
    dv_dx = -math.sin(x)
    return v * 2 * x + u * -dv_dx


@pytest.mark.parametrize(
    "wrong, named, not_named",
    [
        (_subtracts_the_path, "you subtracted the path through v", "the sign of dv/dx is wrong"),
        (_negates_the_path, "you subtracted the path through v", "the sign of dv/dx is wrong"),
        (_wrong_sign_of_dv, "the sign of dv/dx is wrong", "subtracted"),
        (
            lambda x: 2 * x * math.cos(x) - x**2 * -math.sin(x),
            "you subtracted the path through v",
            "the sign of dv/dx",
        ),
    ],
)
def test_two_path_subtracted_path_and_wrong_sign_of_dv_are_told_apart(
    wrong, named, not_named, capsys
):
    """`v*du_dx - u*dv_dx` with a right `dv_dx = -math.sin(x)` gives the
    numbers of the wrong sign of dv/dx, and was once told "the sign of dv/dx is wrong", on every
    try. The check reads the code: a minus outside the slope of cos x is the subtraction."""
    for _ in range(3):
        assert E.check_two_path_slope(wrong) is False
        out = capsys.readouterr().out
        assert named in out and not_named not in out, out
    if named.startswith("you subtracted"):
        assert "The two paths add" in out and "v·du/dx + u·dv/dx" in out


def test_two_path_sign_slip_of_unreadable_code_names_both_slips(capsys):
    """Code that cannot be read (made by exec, no source) gets a hint naming both slips."""
    namespace = {"math": math}
    exec(
        compile("def f(x):\n    return 2*x*math.cos(x) + x**2*math.sin(x)", "<none>", "exec"),
        namespace,
    )
    assert E.check_two_path_slope(namespace["f"]) is False
    out = capsys.readouterr().out
    assert "the sign of dv/dx (the slope of cos x is −sin x)" in out
    assert "add the two paths, not subtract them" in out
