"""Lesson 05's checks name the real bug (issue 22): each fixed hint meets the wrong answer
that should trigger it."""

import math

import numpy as np
import pytest

import helpers.exercises as ex
from helpers.exercises import training_deep_networks as tdn


@pytest.fixture(autouse=True)
def fresh_learner():
    ex.reset_tries()


def test_one_over_root_fan_in_is_not_called_xaviers_alone(capsys):
    """The lesson's Xavier is 2/(n_in + n_out); 1/√fan_in is n_in·σ² = 1 (tanh near 0)."""
    assert tdn.check_he_std(lambda n: 1 / math.sqrt(n)) is False
    out = capsys.readouterr().out
    assert "Xavier's 1/√fan_in" not in out
    assert "n_in·σ² = 1" in out and "2/(n_in + n_out)" in out and "must be 2" in out


def test_the_max_lr_check_does_not_say_still_converges_at_the_rate_where_it_diverges(capsys):
    assert tdn.check_max_lr(lambda: 0.2) is True
    out = capsys.readouterr().out
    assert "still converges" not in out and "below which" in out


def test_the_max_lr_feedback_writes_the_absolute_value_in_words(capsys):
    assert tdn.check_max_lr(lambda: 0.1) is False
    out = capsys.readouterr().out
    assert "|" not in out and "between −1 and 1" in out and "zig-zag" in out


def _refused_saying(capsys, check, answer, words):
    """`check` refuses the wrong `answer` and its feedback says `words`; returns the feedback."""
    assert check(answer) is False
    out = capsys.readouterr().out
    assert words in out, out
    return out


def _three_wrong_tries(capsys, check, wrong):
    """The feedback to three tries of the same wrong answer, each refused."""
    outs = []
    for _ in range(3):
        assert check(wrong) is False
        outs.append(capsys.readouterr().out)
    return outs


# --- the learners' momentum steps (w, v, grad, lr, mu) -> (new w, new v), each named ---------


def other_convention(w, v, grad, lr, mu):
    """v ← μv − ηg, w ← w + v: the hint could never fire while the new w was compared first."""
    v = mu * v - lr * grad
    return w + v, v


def half_other(w, v, grad, lr, mu):  # the other convention's v with the right w
    new_v = mu * v + grad
    return w - lr * new_v, mu * v - lr * grad


def stale(w, v, grad, lr, mu):
    return w - lr * v, mu * v + grad


def uphill(w, v, grad, lr, mu):
    v = mu * v + grad
    return w + lr * v, v


def swapped(w, v, grad, lr, mu):
    v = mu * v + grad
    return v, w - lr * v


def averaging(w, v, grad, lr, mu):
    v = mu * v + (1 - mu) * grad
    return w - lr * v, v


def no_mu(w, v, grad, lr, mu):
    v = v + grad
    return w - lr * v, v


def lr_inside(w, v, grad, lr, mu):
    """v = μv + ηg, w = w − v (another convention) once got only "new w is wrong"."""
    v = mu * v + lr * grad
    return w - v, v


def fixed_mu(w, v, grad, lr, mu):
    """Lesson 03's habit: v = 0.9 * v + grad passed at mu = 0.9 and then only heard
    "new w is wrong" with the formula."""
    v = 0.9 * v + grad
    w = w - lr * v
    return w, v


def one_array(w, v, grad, lr, mu):
    return w - lr * (mu * v + grad)


@pytest.mark.parametrize(
    "step, says, never",
    [
        (other_convention, ["other convention", "v ← μv + g"], []),
        (half_other, ["other convention"], []),
        (stale, ["new* v"], ["other convention"]),
        (uphill, ["against* the velocity"], []),
        # "the step goes uphill" once read as if the right step went uphill
        (uphill, ["your step goes uphill, because you wrote w + lr·v"], []),
        (swapped, ["wrong way round"], []),
        (averaging, ["averaging form"], []),
        (averaging, ["running average"], ["Adam"]),
        (no_mu, ["mu is missing"], []),
        (
            lr_inside,
            ["the learning rate went into v", "v ← μv + g", "w ← w − lr·v"],
            ["other convention"],
        ),
        (fixed_mu, ["use the argument mu"], []),
        (one_array, ["got one array"], ["ndarray"]),
    ],
    ids=[
        "the other convention gets its own hint",
        "the other convention with the right w but its own v is named too",
        "a stale velocity still gets its hint",
        "a plus sign is named",
        "the uphill hint says it is the learner's step",
        "returning v then w is named",
        "the averaging form is named",
        "the averaging form's hint needs no Adam",
        "a step without mu is named",
        "the learning rate inside the velocity is named",
        "mu written as 0.9 is named",
        "an array returned is named plainly",
    ],
)
def test_a_wrong_momentum_step_is_refused_and_named(capsys, step, says, never):
    assert tdn.check_momentum_step(step) is False
    out = capsys.readouterr().out
    for words in says:
        assert words in out, out
    for words in never:
        assert words not in out, out


def test_momentum_hints_come_slowly(capsys):
    """The first listed hint is words, not the code; the code comes on the third try."""

    def wrong(w, v, grad, lr, mu):
        return w * 0, v * 0

    firsts = _three_wrong_tries(capsys, tdn.check_momentum_step, wrong)
    assert "mu * v + grad" not in firsts[0] and "mu * v + grad" not in firsts[1]
    assert "mu * v + grad" in firsts[2]


def _residual_says(capsys, grad, words):
    return _refused_saying(capsys, tdn.check_residual_grad, grad, words)


def test_tanh_of_x_instead_of_x_times_w_is_named(capsys):
    def tanh_of_x(x, W, dy):
        h = np.tanh(x)
        return dy + (dy * (1 - h**2)) @ W.T

    _residual_says(capsys, tanh_of_x, "not tanh of x")


def test_multiplied_paths_are_named(capsys):
    def multiplied(x, W, dy):
        h = np.tanh(x @ W)
        return dy * ((dy * (1 - h**2)) @ W.T)

    # the message says the learner's code did it, so it does not read as an instruction
    _residual_says(
        capsys, multiplied, "your code multiplied the two paths, but the chain rule adds"
    )


def test_the_one_slope_reading_without_the_matrix_is_named(capsys):
    # section 5 lets the reader read dF/dx as one slope; the exercise needs the grid
    def one_slope(x, W, dy):
        return dy * (1 + (1 - np.tanh(x @ W) ** 2))

    _residual_says(capsys, one_slope, "must go back through the matrix product, dz @ W.T")


def test_one_minus_h_is_named(capsys):
    def one_minus_h(x, W, dy):
        h = np.tanh(x @ W)
        return dy + (dy * (1 - h)) @ W.T

    _residual_says(capsys, one_minus_h, "not 1 − h")


def test_w_transposed_on_the_left_is_named_in_words(capsys):
    def left(x, W, dy):
        h = np.tanh(x @ W)
        return dy + W.T @ (dy * (1 - h**2))

    out = _residual_says(capsys, left, "dz @ W.T (W.T on the right)")
    assert "matmul" not in out


def test_the_missing_skip_is_named_without_an_identity_matrix(capsys):
    def no_skip(x, W, dy):
        h = np.tanh(x @ W)
        return (dy * (1 - h**2)) @ W.T

    out = _residual_says(capsys, no_skip, "passes dy on unchanged")
    assert "= I" not in out


def test_a_shape_error_of_a_product_is_said_in_words(capsys):
    """On a non-square batch a product the wrong way round fails; the hint says why."""
    ex.reset_tries()
    x, W, dy = np.ones((5, 4)), np.eye(4), np.ones((5, 4))
    from helpers.exercises import run

    ok, _ = run("residual_grad", lambda x, W, dy: W.T @ dy, x, W, dy, error_hint=tdn.MATMUL_ERRORS)
    assert ok is False
    assert "do not fit" in capsys.readouterr().out


def test_residual_hints_come_slowly(capsys):
    def wrong(x, W, dy):
        return dy * 0

    outs = _three_wrong_tries(capsys, tdn.check_residual_grad, wrong)
    assert "@ W.T" not in outs[0] and "dy + dz @ W.T" not in outs[1]
    assert "dy + dz @ W.T" in outs[2]


def test_a_scalar_dl_dx_is_told_its_shape_not_a_max_difference(capsys):
    """A number instead of an array: the line names the shape; no "max difference" is shown."""
    out = _residual_says(capsys, lambda x, W, dy: 0.0, "not an array of x's shape")
    assert "max difference" not in out and "expected (4, 4)" in out


def test_the_right_residual_grad_passes_all_three_cases(capsys):
    """The non-square cases must not trip over the check's own list of mistakes."""

    def right(x, W, dy):
        h = np.tanh(x @ W)
        return dy + (dy * (1 - h**2)) @ W.T

    assert tdn.check_residual_grad(right) is True
    assert "3 random cases" in capsys.readouterr().out


def test_max_lr_just_below_the_boundary_is_asked_for_the_boundary_itself(capsys):
    """0.199 (read "below it" literally) was once told "give more digits", yet the
    boundary is exactly 0.2, so 0.1999… would not pass either."""
    for just_below in (0.199, 0.1999):
        assert not tdn.check_max_lr(lambda v=just_below: v)
        out = capsys.readouterr().out
        assert "the boundary itself, not a value just below it" in out, out
        assert "more digits" not in out and "math.pi" not in out
    assert "it is 0.2" in out  # the second wrong try still shows the answer
    assert "give more digits" in ex.near_miss(0.199, 0.2)  # other exercises keep the note


def test_near_miss_mentions_pi_only_for_multiples_of_pi():
    near_miss = ex.near_miss

    assert "math.pi" in near_miss(1.57, math.pi / 2)
    assert "math.pi" in near_miss(3.14, [math.pi, 0.2])
    assert "math.pi" not in near_miss(0.1999, 0.2) and "fraction" in near_miss(0.1999, 0.2)
    assert near_miss(0.5, 0.2) == ""


def test_a_first_wrong_max_lr_gets_a_nudge_not_the_answer(capsys):
    """The first wrong try once printed "it is 0.2" and the whole derivation."""
    assert tdn.check_max_lr(lambda: 0.1) is False
    first = capsys.readouterr().out
    assert "0.2" not in first and "2/10" not in first, first
    assert "zig-zag" in first and "between −1 and 1" in first and "κ = 10" in first
    assert tdn.check_max_lr(lambda: 0.5) is False
    second = capsys.readouterr().out
    assert "it is 0.2" in second and "2/10 = 0.2" in second, second


def test_a_right_first_max_lr_is_told_why(capsys):
    assert tdn.check_max_lr(lambda: 2 / 10) is True
    assert "2/10 = 0.2" in capsys.readouterr().out


def test_max_lr_near_miss_with_more_digits_does_not_ask_for_more_digits(capsys):
    # 0.2001 has more digits than 0.2, so "give more digits" would be the wrong advice
    assert not tdn.check_max_lr(lambda: 0.2001)
    out = capsys.readouterr().out
    assert (
        "give more digits" not in out
        and "0.2001 is close, but the digits typed do not match" in out
    )
    assert "give more digits" in ex.near_miss(1.571, math.pi / 2)  # rounded π/2: more digits help
    assert "give more digits" not in ex.near_miss(-0.2001, -0.2)


# -- values next to 0.2: each is told why it is not the answer ------------------------------


def test_max_lr_of_the_last_safe_slider_value_is_told_why_it_is_not_the_largest(capsys):
    """0.19, the last value of the slider that looks safe, got only the generic nudge."""
    assert tdn.check_max_lr(lambda: 0.19) is False
    out = capsys.readouterr().out
    assert "Your 0.19: at 0.19 the number 1 − ηκ for κ = 10 is 1 − 1.9 = −0.9" in out, out
    assert "reach −1" in out and "0.2" not in out  # the first try still hides the answer


def test_max_lr_just_too_large_is_told_why_it_diverges(capsys):
    """0.21 once only revealed the answer, with no sentence about 0.21."""
    assert tdn.check_max_lr(lambda: 0.21) is False
    out = capsys.readouterr().out
    assert "Your 0.21: at 0.21 the number 1 − ηκ for κ = 10 is 1 − 2.1 = −1.1" in out, out
    assert "diverges" in out and "0.2 " not in out and "0.2." not in out  # answer still hidden


def test_residual_grad_with_1_for_the_skip_is_named(capsys):
    """Read literally, "each block multiplies it by 1 plus the branch's factor" gives 1 + …"""

    def one_plus(x, W, dy):
        return 1 + (dy * (1 - np.tanh(x @ W) ** 2)) @ W.T

    _residual_says(capsys, one_plus, "the skip's gradient is dy itself, not 1")


def test_residual_grad_with_the_weight_gradient_is_named(capsys):
    def weight_grad(x, W, dy):
        return dy + x.T @ (dy * (1 - np.tanh(x @ W) ** 2))

    _residual_says(capsys, weight_grad, "x.T @ dz is the gradient of the weights W")


def test_residual_grad_with_one_minus_h_squared_is_named(capsys):
    """(1 - h)**2 instead of 1 - h**2."""

    def squared_wrong(x, W, dy):
        h = np.tanh(x @ W)
        return dy + (dy * (1 - h) ** 2) @ W.T

    _residual_says(capsys, squared_wrong, "not (1 − h)**2")


def test_residual_grad_with_elementwise_times_is_named(capsys):
    """* W.T runs on the square case but is not the matrix product."""

    def elementwise(x, W, dy):
        h = np.tanh(x @ W)
        return dy + (dy * (1 - h**2)) * W.T

    _residual_says(capsys, elementwise, "use @, not *")


def test_residual_grad_with_the_slope_after_the_product_is_named(capsys):
    """tanh's slope applied after @ W.T, not before."""

    def slope_last(x, W, dy):
        h = np.tanh(x @ W)
        return dy + (dy @ W.T) * (1 - h**2)

    _residual_says(capsys, slope_last, "the order is wrong")


def test_he_std_with_the_root_of_the_2_alone_is_named(capsys):
    """√2/fan_in once got only the generic hint."""
    assert tdn.check_he_std(lambda n: math.sqrt(2) / n) is False
    out = capsys.readouterr().out
    assert "square root was taken of the 2 alone" in out and "whole fraction" in out


def test_residual_grad_with_the_skip_inside_the_product_is_named(capsys):
    """dy * (1 + slope) @ W.T (the skip's 1 put into the branch)."""

    def skip_inside(x, W, dy):
        h = np.tanh(x @ W)
        return dy * (1 + (1 - h**2)) @ W.T

    _residual_says(capsys, skip_inside, "The skip does not pass through W")


def test_residual_grad_returning_the_weight_gradient_alone_names_the_shape(capsys):
    """x.T @ dz alone, shape (n, n), once got only "max difference"."""

    def weight_grad_only(x, W, dy):
        h = np.tanh(x @ W)
        return x.T @ (dy * (1 - h**2))

    _residual_says(capsys, weight_grad_only, "the shape of x, (N, n)")


def test_residual_grad_summed_over_the_batch_is_named(capsys):
    """dz summed over the examples, then broadcast back to N rows."""

    def summed(x, W, dy):
        h = np.tanh(x @ W)
        return dy + (dy * (1 - h**2)).sum(axis=0) @ W.T

    _residual_says(capsys, summed, "dz was summed over the examples")


def test_residual_grad_without_dy_is_named(capsys):
    """1 + (1 − h²) @ W.T, dy left out of both paths."""

    def no_dy(x, W, dy):
        h = np.tanh(x @ W)
        return 1 + (1 - h**2) @ W.T

    _residual_says(capsys, no_dy, "dy is missing from both paths")


# --- learners' wrong answers to exercise 5.4, each named -----------------------------------


def _slope(x, W):
    return 1 - np.tanh(x @ W) ** 2


WRONG_ANSWERS = [
    ("slope through W.T, no dy", lambda x, W, dy: _slope(x, W) @ W.T, "dy is missing, and so"),
    (
        "dy times (1 + slope @ W.T)",
        lambda x, W, dy: dy * (1 + _slope(x, W) @ W.T),
        "dy multiplies the result of the matrix product",
    ),
    (
        "the skip plus the slope through W.T, no dy in the branch",
        lambda x, W, dy: dy + _slope(x, W) @ W.T,
        "the branch forgot dy",
    ),
    ("the skip alone", lambda x, W, dy: dy, "the branch is missing"),
    ("the input x", lambda x, W, dy: x, "you returned x, the input itself"),
    (
        "tanh applied twice, 1 - tanh(h)**2",
        lambda x, W, dy: dy + (dy * (1 - np.tanh(np.tanh(x @ W)) ** 2)) @ W.T,
        "tanh was applied twice",
    ),
    (
        "elementwise x * W in the forward pass",
        lambda x, W, dy: dy + (dy * (1 - np.tanh(x * W) ** 2)) @ W.T,
        "x * W multiplies entry by entry",
    ),
    (
        "tanh before the matrix product, np.tanh(x) @ W",
        lambda x, W, dy: dy + (dy * (1 - (np.tanh(x) @ W) ** 2)) @ W.T,
        "applies tanh before the matrix product",
    ),
]


@pytest.mark.parametrize("name, wrong, words", WRONG_ANSWERS, ids=[w[0] for w in WRONG_ANSWERS])
def test_residual_grad_wrong_answer_is_named(capsys, name, wrong, words):
    assert tdn.check_residual_grad(wrong) is False
    assert words in capsys.readouterr().out


def test_a_minus_sign_in_the_velocity_is_named(capsys):
    """v = mu*v - grad once got only the general hint."""

    def minus_v(w, v, grad, lr, mu):
        v = mu * v - grad
        w = w - lr * v
        return w, v

    out = _refused_saying(capsys, tdn.check_momentum_step, minus_v, "the sign in v is wrong")
    assert "v ← μv + g" in out


def test_a_matrix_product_for_tanhs_slope_is_named(capsys):
    """dy @ (1 - h**2) in place of dy * (1 - h**2) once got only the general hint."""

    def at_slope(x, W, dy):
        h = np.tanh(x @ W)
        return dy + (dy @ (1 - h**2)) @ W.T

    out = _residual_says(capsys, at_slope, "use *, not @")
    assert "entry by entry" in out


def test_residual_grad_with_z_instead_of_h_is_named(capsys):
    """1 - z**2 (the pre-activation) instead of 1 - h**2."""

    def z_for_h(x, W, dy):
        z = x @ W
        return dy + (dy * (1 - z**2)) @ W.T

    _residual_says(capsys, z_for_h, "you used z where h belongs")


def test_residual_grad_returning_the_forward_value_is_named(capsys):
    """np.tanh(x) @ W, a forward value, returned as the gradient."""
    _residual_says(capsys, lambda x, W, dy: np.tanh(x) @ W, "not a gradient")


def test_residual_grad_with_x_for_the_skip_is_named(capsys):
    """x + dz @ W.T: the input for the skip's dy."""

    def x_skip(x, W, dy):
        h = np.tanh(x @ W)
        return x + (dy * (1 - h**2)) @ W.T

    _residual_says(capsys, x_skip, "the skip passes on dy, not x")


@pytest.mark.parametrize(
    "rounded",
    [
        lambda n: round(math.sqrt(2 / n), 3),  # once got only the general hint
        lambda n: round(math.sqrt(2 / n), 2),
        lambda n: float(np.sqrt(np.float32(2 / n))),  # an estimate in float32
    ],
)
def test_he_std_rounded_or_estimated_is_told_the_formula_is_right(capsys, rounded):
    """round(math.sqrt(2/fan_in), 3) once got the general hint, which says the
    formula is wrong; the digits printed must show the difference."""
    assert tdn.check_he_std(rounded) is False
    out = capsys.readouterr().out
    assert "your formula is right" in out and "without rounding" in out
    assert "ReLU keeps half" not in out
    got, want = out.split("at 1: got ")[1].split("\n")[0].split(", expected ")
    assert got != want


def test_residual_grad_by_finite_differences_is_told_it_is_an_estimate(capsys):
    """A central-difference estimate (lesson 01) is close, not exact: it hears so in words."""

    def estimate(x, W, dy, h=1e-5):
        def loss(x):
            return np.sum(dy * (x + np.tanh(x @ W)))

        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[i] = h
            grad[i] = (loss(x + step) - loss(x - step)) / (2 * h)
        return grad

    assert tdn.check_residual_grad(estimate) is False
    out = capsys.readouterr().out
    assert "close to the right one but not equal" in out and "finite differences" in out


def test_residual_grad_rounded_is_told_it_is_close(capsys):
    def rounded(x, W, dy):
        return np.round(dy + (dy * (1 - np.tanh(x @ W) ** 2)) @ W.T, 3)

    assert tdn.check_residual_grad(rounded) is False
    assert "close to the right one but not equal" in capsys.readouterr().out


def test_he_std_with_the_root_of_fan_in_alone_is_named(capsys):
    """2/√fan_in once got only the generic hint."""
    assert tdn.check_he_std(lambda n: 2 / math.sqrt(n)) is False
    out = capsys.readouterr().out
    assert "square root was taken of fan_in alone" in out and "the 2 included" in out


def test_residual_grad_failure_says_what_the_max_difference_compares(capsys):
    """The message "case 1 of 3: ... max difference 2.52e+00" once did not say of what."""

    def no_skip(x, W, dy):
        h = np.tanh(x @ W)
        return (dy * (1 - h**2)) @ W.T

    out = _residual_says(
        capsys, no_skip, "largest gap between one of your entries and the right one"
    )
    assert out.index("largest gap") < out.index("WRONG  (max difference")


def test_he_std_with_fan_in_multiplying_is_named(capsys):
    """√(2·fan_in) once got only the generic hint; it must say fan_in divides."""
    assert tdn.check_he_std(lambda n: math.sqrt(2 * n)) is False
    out = capsys.readouterr().out
    assert "fan_in multiplies where it should divide" in out


def test_he_std_with_the_variance_halved_is_named(capsys):
    """√(1/(2·fan_in)) halves the variance where He doubles it; the hint says so."""
    assert tdn.check_he_std(lambda n: 1 / math.sqrt(2 * n)) is False
    out = capsys.readouterr().out
    assert "halves the variance" in out and "He doubles it" in out


def test_he_std_with_the_power_one_half_slip_is_told_about_precedence(capsys):
    """(2/fan_in) ** 1/2 computes 1/fan_in, and once got only the maths hint
    although the maths was right."""
    assert tdn.check_he_std(lambda fan_in: (2 / fan_in) ** 1 / 2) is False
    out = capsys.readouterr().out
    assert "** comes before /" in out and "** 0.5" in out
    assert "ReLU keeps half" not in out
