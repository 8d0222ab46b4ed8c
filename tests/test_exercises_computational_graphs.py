"""The checks of notebook 02's exercises accept the answers and reject the usual mistakes."""

import math

import numpy as np
import pytest
from feedback import told

import helpers.exercises as ex
from helpers.autodiff import Value
from helpers.exercises import computational_graphs as E
from helpers.forward_mode import Dual

# (That each notebook answer passes its check and each open exercise prints its hint is
# tested for every lesson in test_answers.py and test_exercises.py.)


@pytest.fixture(autouse=True)
def fresh_learner():
    ex.reset_tries()


def softplus(v):
    x = v.data
    y = max(x, 0) + math.log1p(math.exp(-abs(x)))  # overflow-safe log(1 + eˣ)
    return Value(y, (v,), "softplus", _local=(math.exp(x - y),))


def test_the_softplus_reference_is_the_composition_and_does_not_overflow():
    for x in E.SOFTPLUS_POINTS[:5]:
        v = Value(x)
        out = (1 + v.exp()).log()
        out.backward()
        assert E._softplus_reference(x) == pytest.approx((out.data, v.grad), rel=1e-13)
    assert E._softplus_reference(800.0) == (800.0, 1.0)
    assert E._softplus_reference(-800.0) == (0.0, 0.0)
    assert {800.0, -800.0} <= set(E.SOFTPLUS_POINTS)


def test_softplus_must_not_overflow_and_the_hint_says_how(capsys):
    """log1p(exp(x)) overflows for x > 709 (issue 23): the check tries x = ±800."""
    naive = lambda v: Value(  # noqa: E731
        math.log1p(math.exp(v.data)), (v,), "softplus", _local=(1 / (1 + math.exp(-v.data)),)
    )
    assert E.check_softplus(naive) is False
    out = capsys.readouterr().out
    assert "at x = 800" in out or "Value(800.0)" in out
    assert "OverflowError" in out and "rewrites in the text" in out
    assert "math.log1p(math.exp(-abs(x)))" not in out  # first, a smaller hint
    assert E.check_softplus(naive) is False
    assert "max(x, 0) + math.log1p(math.exp(-abs(x)))" in capsys.readouterr().out
    ex.reset_tries()
    safe_value_naive_slope = lambda v: Value(  # noqa: E731
        max(v.data, 0) + math.log1p(math.exp(-abs(v.data))),
        (v,),
        "softplus",
        _local=(1 / (1 + math.exp(-v.data)),),
    )
    assert E.check_softplus(safe_value_naive_slope) is False
    assert E.check_softplus(safe_value_naive_slope) is False
    out = capsys.readouterr().out
    assert "Value(-800.0)" in out and "math.exp(x - value)" in out


@pytest.mark.parametrize("where", ["parents", "local"])
def test_a_missing_tuple_comma_is_named_not_blamed_on_math(where, capsys):
    """Issue 22: Value(y, (v), ...) raised "'Value' object is not iterable", and the hint said
    "math functions take plain numbers", which was not the bug."""

    def wrong(v):
        x = v.data
        y = max(x, 0) + math.log1p(math.exp(-abs(x)))
        if where == "parents":
            return Value(y, (v), "softplus", _local=(math.exp(x - y),))  # noqa: UP034
        return Value(y, (v,), "softplus", _local=(math.exp(x - y)))  # noqa: UP034

    assert E.check_softplus(wrong) is False
    out = capsys.readouterr().out
    assert "needs a comma" in out and "(v,)" in out and "(slope,)" in out
    assert "plain numbers" not in out
    # Python's words "not iterable" are never taught; the hint explains them plainly
    assert 'Python says "not iterable" when it wants a tuple' in out


def test_a_first_wrong_prediction_gets_a_nudge_not_the_answer(capsys):
    """The first wrong try (18) once printed "it is 24" and the whole solution."""
    assert E.check_reuse_prediction(lambda: 18) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ dc/da for b = a + a, c = b·b at a = 3: you predicted 18; that is not")
    assert "24" not in out and "12 + 12" not in out
    assert "Hint: first find dc/db" in out


def test_a_second_wrong_prediction_is_told_the_value_and_why(capsys):
    assert E.check_reuse_prediction(lambda: 12.0) is False
    out = capsys.readouterr().out
    assert "Your 12: that counts one share too few: one use of a only" in out  # the guess
    assert "24" not in out
    assert E.check_reuse_prediction(lambda: 30) is False
    out = capsys.readouterr().out
    assert "it is 24." in out and "12 + 12 = 24" in out and "Your" not in out
    assert E.check_reuse_prediction(lambda: "24") is False


@pytest.mark.parametrize(
    "value", [24, 24.0, np.float64(24), np.int64(24), np.array(24.0), np.float32(24)]
)
def test_a_right_prediction_passes_in_any_numeric_form(value, capsys):
    # returned by `predict`, as the exercise asks (a bare number is refused)
    assert E.check_reuse_prediction(lambda: value) is True
    assert "✓" in capsys.readouterr().out


def test_a_whole_prediction_must_be_whole(capsys):
    assert E.check_reuse_prediction(lambda: 24.001) is False


def test_softplus_passes_and_rejects_composition_wrong_slope_and_floats(capsys):
    assert E.check_softplus(softplus) is True
    capsys.readouterr()
    assert E.check_softplus(lambda v: (1 + v.exp()).log()) is False
    assert "a chain of nodes the engine made, not one node on top of v" in (capsys.readouterr().out)
    wrong = lambda v: Value(
        math.log1p(math.exp(v.data)),
        (v,),
        "softplus",  # noqa: E731
        _local=(math.log1p(math.exp(v.data)),),
    )
    assert E.check_softplus(wrong) is False
    assert "that is softplus itself" in capsys.readouterr().out
    assert E.check_softplus(lambda v: math.log1p(math.exp(v.data))) is False
    assert "return a new Value" in capsys.readouterr().out
    no_local = lambda v: Value(math.log1p(math.exp(v.data)), (v,), "softplus")  # noqa: E731
    assert E.check_softplus(no_local) is False
    assert "_local" in capsys.readouterr().out


def test_softplus_without_a_local_derivative_gets_one_plain_sentence(capsys):
    """It once printed "calling it (its backward, at x = -3.0) raised TypeError: the node
    Value(data=0.0485…, grad=1.0) made by 'softplus' from 1 parent(s) has no local …"."""
    no_local = lambda v: Value(math.log1p(math.exp(v.data)), (v,), "softplus")  # noqa: E731
    E.check_softplus(no_local)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "✗ softplus: the value is right, but the gradient cannot flow back to "
        "v: the node has no local derivative"
    )
    assert len(lines) == 2 and lines[1].startswith("    Hint: pass the local derivative")


@pytest.mark.parametrize(
    "wrong, says",
    [
        (lambda v: Value(math.log1p(math.exp(v.data))), "the node has no parents"),
        (
            lambda v: Value(math.log1p(math.exp(v.data)), (v, v), "softplus", _local=(0.5, 0.5)),
            "v must be its only parent",
        ),
        (
            lambda v: Value(math.log1p(math.exp(v)), (v,), "softplus", _local=(0.5,)),
            "use x = v.data, not v itself",
        ),
    ],
)
def test_softplus_says_what_is_off_in_plain_words(wrong, says, capsys):
    assert E.check_softplus(wrong) is False
    out = capsys.readouterr().out
    assert says in out and "node(s)" not in out and "Value(data=" not in out


def test_forward_derivative_rejects_seed_zero_and_plain_numbers(capsys):
    assert E.check_forward_derivative(lambda f, x: f(Dual(x, 0.0)).der) is False
    assert "the derivative with respect to nothing" in capsys.readouterr().out
    assert E.check_forward_derivative(lambda f, x: f(Dual(x, 1.0))) is False
    assert "result.der" in capsys.readouterr().out
    h = 1e-6
    fd = lambda f, x: (f(x + h) - f(x - h)) / (2 * h)  # noqa: E731
    assert E.check_forward_derivative(fd) is False
    assert "plain numbers only" in capsys.readouterr().out


def test_forward_derivative_hints_go_from_a_nudge_to_the_method(capsys):
    wrong = lambda f, x: 0.0  # noqa: E731
    E.check_forward_derivative(wrong)
    first = capsys.readouterr().out
    E.check_forward_derivative(wrong)
    second = capsys.readouterr().out
    assert "Dual(x, 1.0)" not in first and "what is dx/dx?" in first
    assert "Dual(x, 1.0)" in second and ".der" in second


def test_pass_counts_rejects_swapped(capsys):
    assert E.check_pass_counts(lambda: (1, 1000)) is False
    out = capsys.readouterr().out
    # a forward *pass* is not forward *mode* (section 6 says so): the words must not mix them
    assert "the other way round" in out and "forward-mode pass carries" in out
    assert E.check_pass_counts(lambda: (1000, 1000)) is False
    assert E.check_pass_counts(lambda: "many") is False


def _safe_value(v):
    return max(v.data, 0) + math.log1p(math.exp(-abs(v.data)))


def test_a_naive_sigmoid_is_told_that_exp_of_minus_x_overflows(capsys):
    """1/(1 + math.exp(-x)) overflows at x = -800, and the hint once spoke of
    math.exp(x) above 709."""
    naive = lambda v: Value(  # noqa: E731
        _safe_value(v), (v,), "softplus", _local=(1 / (1 + math.exp(-v.data)),)
    )
    assert E.check_softplus(naive) is False
    out = capsys.readouterr().out
    assert "Value(-800.0)" in out and "very negative x, math.exp(-x) overflows" in out
    assert "above about 709" not in out


def test_a_step_local_derivative_is_named_a_wrong_value_not_a_missing_tuple(capsys):
    step = lambda v: Value(  # noqa: E731
        _safe_value(v), (v,), "softplus", _local=(1.0 if v.data > 0 else 0.0,)
    )
    assert E.check_softplus(step) is False
    out = capsys.readouterr().out
    assert "the local derivative you gave is wrong" in out and "never a step" in out
    assert "a tuple with one number" not in out.split("Hint:")[1]


def test_a_finite_difference_local_derivative_is_shown_to_differ(capsys):
    """A finite-difference local derivative, close to the right one, was once rejected with two
    identical printed numbers: the message must show the digits where they differ."""

    def central(v):
        x, h = v.data, 1e-5
        slope = (_safe_value(Value(x + h)) - _safe_value(Value(x - h))) / (2 * h)
        return Value(_safe_value(v), (v,), "softplus", _local=(slope,))

    assert E.check_softplus(central) is False
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    got, expected = first.split(" is ")[1].split(", expected ")
    expected = expected.split(":")[0]
    assert got != expected and "differs from the exact value by" in first
    assert "a finite difference is close but not exact" in out


def test_the_second_wrong_softplus_try_does_not_print_the_solution_line(capsys):
    wrong = lambda v: Value(_safe_value(v), (v,), "softplus", _local=(0.5,))  # noqa: E731
    E.check_softplus(wrong)
    E.check_softplus(wrong)
    out = capsys.readouterr().out
    assert "_local=(math.exp(x - y),)" not in out and "Value(y, (v,)" not in out


def reader_prediction(calls_backward, returns):
    """A learner's predict() of the reuse question: b = a + a, c = b·b at a = 3, then
    c.backward() (or not: the mistake), and `returns` given back ("a", "a.grad" or "c.grad")."""

    def predict():
        a = Value(3.0)
        b = a + a
        c = b * b
        if calls_backward:
            c.backward()
        return {"a": a, "a.grad": a.grad, "c.grad": c.grad}[returns]

    return predict


@pytest.mark.parametrize(
    "calls_backward, returns, says",
    [
        # returning the Value a once gave only "expected a number"
        (True, "a", ["a.grad"]),
        # returning a.grad without c.backward() (0) once heard only "that is not it"
        (False, "a.grad", ["every gradient starts at 0", "c.backward()"]),
        # returning c.grad (1) once heard "it is 24" with no word on what 1 is
        (
            True,
            "c.grad",
            ["grad c = dc/dc = 1, the gradient of the output itself", "gradient of a"],
        ),
    ],
    ids=[
        "returning the node instead of its gradient says return a.grad",
        "a grad read before backward is told to call backward",
        "returning the output's own gradient 1 is named",
    ],
)
def test_a_wrong_thing_returned_by_the_prediction_is_named(capsys, calls_backward, returns, says):
    assert E.check_reuse_prediction(reader_prediction(calls_backward, returns)) is False
    out = capsys.readouterr().out
    for words in says:
        assert words in out, out


def test_softplus_given_as_a_label_not_the_operation_is_refused(capsys):
    """Value(y, (v,), label="softplus", ...) has _op '' and was once accepted: label= is not
    the operation."""
    labelled = lambda v: Value(  # noqa: E731
        _safe_value(v), (v,), label="softplus", _local=(math.exp(v.data - _safe_value(v)),)
    )
    assert E.check_softplus(labelled) is False
    out = capsys.readouterr().out
    assert "_op" in out and "third argument" in out


def test_a_wrong_smooth_slope_is_not_told_never_a_step(capsys):
    wrong = lambda v: Value(_safe_value(v), (v,), "softplus", _local=(0.5,))  # noqa: E731
    assert E.check_softplus(wrong) is False
    out = capsys.readouterr().out
    assert "the local derivative you gave is wrong" in out and "never a step" not in out


def test_pass_counts_names_forward_plus_backward_and_reveals_after_two(capsys):
    """(1000, 2) once got the nudge meant for (1000, 1000), and the answer never came."""
    assert E.check_pass_counts(lambda: (1000, 2)) is False
    first = capsys.readouterr().out
    assert "forward and the backward pass" in first and "(1000, 1)" not in first
    assert E.check_pass_counts(lambda: (1000, 2)) is False
    assert "It is (1000, 1)" in capsys.readouterr().out


def _safe_softplus_value(x):
    return max(x, 0) + math.log1p(math.exp(-abs(x)))


def test_softplus_with_the_number_as_parent_is_told_so_not_a_chain(capsys):
    """Value(y, (x,), ...) with x = v.data. The check once said
    "a chain of nodes the engine made"; the real bug is a number where the node v belongs."""

    def number_as_parent(v):
        x = v.data
        y = _safe_softplus_value(x)
        return Value(y, (x,), "softplus", _local=(math.exp(x - y),))

    assert E.check_softplus(number_as_parent) is False
    out = capsys.readouterr().out
    assert "a plain number, not a node" in out and "(v,)" in out
    assert "chain" not in out


def test_softplus_with_a_new_value_as_parent_is_told_it_is_not_v(capsys):
    def copy_as_parent(v):
        x = v.data
        y = _safe_softplus_value(x)
        return Value(y, (Value(x),), "softplus", _local=(math.exp(x - y),))

    assert E.check_softplus(copy_as_parent) is False
    out = capsys.readouterr().out
    assert "its parent is a new Value, not v" in out and "chain" not in out


def test_softplus_with_a_value_as_local_derivative_names_local_and_does_not_crash(capsys):
    """_local=(Value(slope),): a Value where a number belongs. The check once blamed v.grad
    and then crashed with its own TypeError (formatting None)."""

    def value_as_local(v):
        x = v.data
        y = _safe_softplus_value(x)
        return Value(y, (v,), "softplus", _local=(Value(math.exp(x - y)),))

    assert E.check_softplus(value_as_local) is False
    out = capsys.readouterr().out
    assert "the local derivative in _local is a Value" in out
    assert "TypeError" not in out and "v.grad" not in out and "Value(data=" not in out


@pytest.mark.parametrize(
    "counts, says",
    [
        # (1000, 2.7) mixes the passes up with section 6's 2.7 evaluations; the check once
        # said only "expected two whole numbers". "Evaluations" is met only in the
        # going-deeper part, so the message says where the 2.7 comes from
        ((1000, 2.7), ["not a number of passes", "going-deeper part of section 6", "COST"]),
        # (3002000, 8006), section 6's operation counts, once got only "how many
        # parameters are there?"; the message must say these are operations, not passes
        ((3002000, 8006), ["counts of OPERATIONS", "not numbers of passes"]),
    ],
    ids=["the cost of 2.7 is named a cost, not passes", "operation counts are named not passes"],
)
def test_pass_counts_that_are_not_passes_are_named_then_the_answer_is_told(capsys, counts, says):
    assert E.check_pass_counts(lambda: counts) is False
    first = capsys.readouterr().out
    for words in says:
        assert words in first, first
    assert "(1000, 1)" not in first and "evaluations" not in first
    assert E.check_pass_counts(lambda: counts) is False
    assert "It is (1000, 1)" in capsys.readouterr().out
    # a non-number still gets the plain message, and the right answer still passes
    assert E.check_pass_counts(lambda: (1000, "one")) is False
    assert "two whole numbers" in capsys.readouterr().out
    assert E.check_pass_counts(lambda: (1000, 1)) is True


def test_pass_counts_swapped_hint_says_parameter_as_section_1_does(capsys):
    """(1, 1000): section 1 says the leaves are inputs and parameters; the hint must say
    parameter, the word of the question."""
    assert E.check_pass_counts(lambda: (1, 1000)) is False
    assert "ONE parameter" in capsys.readouterr().out


def test_the_other_factor_guess_6_is_told_that_both_factors_are_b(capsys):
    """6 is "the other factor" of b·b (section 2's rule for a product), not
    "b = a + a itself, not a slope"; the message must name that both factors are b."""
    assert E.check_reuse_prediction(lambda: 6) is False
    assert E.check_reuse_prediction(lambda: 6) is False
    out = capsys.readouterr().out
    assert "Your 6: two shares are missing. 6 is b, the other factor of b·b" in out
    assert "not a slope" not in out


def test_the_guess_6_names_both_missing_shares_without_the_answer(capsys):
    """6 (the = bug) misses two shares, one of b·b and one of a + a; the message once named
    only the first, so fixing it led to 12. It names both, as the answer does,
    and on the first try it still does not give the value."""
    assert E.check_reuse_prediction(lambda: 6) is False
    out = capsys.readouterr().out
    assert "two shares are missing" in out
    assert "c = b·b uses b twice (once as each factor)" in out
    assert "b = a + a uses a twice" in out
    assert "With = instead of +=, the engine reports 6 too" in out
    assert "24" not in out and "12" not in out


def test_a_prediction_that_returns_a_function_is_told_so(capsys):
    """`return lambda a: 8*a` was once told "calling it raised TypeError ... missing
    1 required positional argument": the learner called nothing. The check now says that the
    function returned a function, and asks for the number."""
    assert E.check_reuse_prediction(lambda: lambda a: 8 * a) is False
    out = capsys.readouterr().out
    assert "it returned a function, not a number: return the number" in out
    assert "TypeError" not in out and "positional argument" not in out and "0x" not in out
    assert ex.tries("2.1") == 1


@pytest.mark.parametrize("value", [24, 24.0, 12])
def test_a_prediction_given_as_a_number_is_refused_and_is_no_guess(value, capsys):
    """`predict = 24` once passed 2.1, which asks for the function `predict`
    (5.1 refuses the same slip). It is refused with the fix, and it uses up no try: the
    next wrong number still gets the nudge, not the answer."""
    assert E.check_reuse_prediction(value) is False
    out = capsys.readouterr().out
    assert "`predict` is the number" in out and "not a function" in out
    assert "write `def predict():`" in out
    assert "✓" not in out and ex.tries("2.1") == 1
    assert E.check_reuse_prediction(lambda: 30) is False
    assert "it is 24" not in capsys.readouterr().out
    assert E.check_reuse_prediction(lambda: 24) is True


def test_the_guess_12_is_told_both_ways_to_miss_a_share(capsys):
    """12 also comes from "other factor 6, then two uses of a"; the message
    must not say only "one use of a", which is false for that reasoning."""
    assert E.check_reuse_prediction(lambda: 6) is False
    assert E.check_reuse_prediction(lambda: 12) is False
    out = capsys.readouterr().out
    assert "one use of a only (b = a + a uses a twice)" in out
    assert "or one factor of b·b only (c = b·b uses b twice)" in out


def test_the_second_softplus_hint_points_to_the_rewrites_without_the_code(capsys):
    """The hint after the first wrong try once nearly gave the answer; the ladder now
    points to the text's rewrites first, and spells the parts out only on the third try."""
    wrong = lambda v: Value(v.data, (v,), "softplus", _local=(0.5,))  # noqa: E731
    E.check_softplus(wrong)
    capsys.readouterr()
    E.check_softplus(wrong)
    second = capsys.readouterr().out
    assert "the text's two rewrites give the node's two numbers" in second
    assert "(v,)" not in second and "e to the power" not in second
    E.check_softplus(wrong)
    third = capsys.readouterr().out
    assert "the parents are the tuple (v,)" in third


def test_softplus_without_the_absolute_value_is_told_about_abs(capsys):
    """math.exp(-x) where the rewrite has e^(-|x|) once got only the generic hint."""

    def no_abs(v):
        x = v.data
        y = max(x, 0) + math.log1p(math.exp(-x))
        return Value(y, (v,), "softplus", _local=(math.exp(x - y),))

    out = told(E.check_softplus, no_abs, capsys)
    assert "expected" in out
    assert "math.exp(-abs(x))" in out and "absolute value" in out


def test_softplus_without_return_is_told_in_plain_words(capsys):
    """A missing return once printed the jargon 'returned NoneType None'."""

    def no_return(v):
        x = v.data
        Value(max(x, 0) + math.log1p(math.exp(-abs(x))), (v,), "softplus")

    assert E.check_softplus(no_return) is False
    out = capsys.readouterr().out
    assert "NoneType" not in out and "returned nothing" in out and "return" in out


def test_a_missing_operation_name_without_a_label_says_nothing_of_labels(capsys):
    """Value(y, (v,), _local=...) with no label= was once told "A label=... names the node",
    which confuses a learner who passed no label."""
    unnamed = lambda v: Value(  # noqa: E731
        _safe_value(v), (v,), _local=(math.exp(v.data - _safe_value(v)),)
    )
    assert E.check_softplus(unnamed) is False
    out = capsys.readouterr().out
    assert "third argument" in out and "'softplus'" in out
    assert "label" not in out


def test_a_prediction_given_as_text_is_told_to_drop_the_quotes(capsys):
    """Returning "24" once gave "it returned str '24'", and the lesson never names "str"."""
    assert E.check_reuse_prediction(lambda: "24") is False
    out = capsys.readouterr().out
    assert "text '24'" in out and "without quotes" in out
    assert "str" not in out


def test_pass_counts_without_return_asks_whether_a_return_is_missing(capsys):
    """A passes() with no return once got only "expected two whole numbers ...
    got None", without 2.1's plain question about a missing `return`."""

    def passes():
        print((1000, 1))  # printed, but never returned

    assert E.check_pass_counts(passes) is False
    out = capsys.readouterr().out
    assert "returned None" in out and "`return` missing" in out


def test_pass_counts_given_as_text_are_told_to_drop_the_quotes(capsys):
    """("1000", "1") once got only "expected two whole numbers"; unlike 2.1, no
    word that quotes make text."""
    assert E.check_pass_counts(lambda: ("1000", "1")) is False
    out = capsys.readouterr().out
    assert "in quotes as text" in out and "without quotes" in out
    # the whole answer in quotes is told the same; numbers without quotes are not
    assert E.check_pass_counts(lambda: "1000, 1") is False
    assert "without quotes" in capsys.readouterr().out
    assert E.check_pass_counts(lambda: 1000) is False
    assert "quotes" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "guess, says",
    [(8, "a slope at a = 3 depends on the values there"), (18, "mixes values with slopes")],
)
def test_predictions_8_and_18_are_told_what_is_off(guess, says, capsys):
    """8 and 18 once got only the general hint, though the intro promises that a
    wrong try is told what is off; the answer stays hidden on the first try."""
    assert E.check_reuse_prediction(lambda: guess) is False
    out = capsys.readouterr().out
    assert f"Your {guess}: " in out and says in out, out
    assert "24" not in out


@pytest.mark.parametrize(
    "guess, says",
    [(144, "The shares of a node's uses add"), (72, "multiplies a slope by a value")],
)
def test_predictions_144_and_72_are_told_what_is_off(guess, says, capsys):
    """144 (the shares 12 and 12 multiplied, not added) and 72 (dc/db × b, a slope
    times a value) once got only the general hint; each is told its real bug, the answer hidden."""
    assert E.check_reuse_prediction(lambda: guess) is False
    out = capsys.readouterr().out
    assert f"Your {guess}: " in out and says in out, out
    assert "24" not in out


def test_a_bool_prediction_is_called_a_yes_or_no_value(capsys):
    """True was once called "a bool", a word the lesson never teaches."""
    assert E.check_reuse_prediction(lambda: True) is False
    assert "a yes-or-no value" in capsys.readouterr().out


@pytest.mark.parametrize(
    "counts, says",
    [
        ((2000, 1), "one forward-mode pass computes both"),
        ((1001, 1), "each forward-mode pass computes the value too"),
        ((1000000, 1), "1000000 is 1000 × 1000"),
    ],
)
def test_plausible_pass_guesses_are_not_called_operation_counts(counts, says, capsys):
    """(2000, 1), (1001, 1) and (1000000, 1) were once told they "look like counts
    of OPERATIONS", a wrong reason; each gets its own."""
    assert E.check_pass_counts(lambda: counts) is False
    out = capsys.readouterr().out
    assert says in out and "OPERATIONS" not in out, out
    assert "(1000, 1)" not in out


def test_a_thousands_comma_is_named(capsys):
    """(1,000, 1) is (1, 0, 1) to Python; the check once said only "got (1, 0, 1)"."""
    assert E.check_pass_counts(lambda: (1, 000, 1)) is False
    out = capsys.readouterr().out
    assert "reads 1,000 as two numbers" in out and "without the comma" in out
    assert E.check_pass_counts(lambda: (1000, 1, 5)) is False
    assert "comma" not in capsys.readouterr().out


def central_difference_prediction(h):
    """A predict() that 'confirms' dc/da with a central difference, as notebook 01 and the
    gradient check compute one, and returns that estimate."""

    def c(a):
        b = a + a
        return b * b

    return lambda: (c(3 + h) - c(3 - h)) / (2 * h)


@pytest.mark.parametrize("h", [1e-6, 1e-5, 1e-3])
def test_a_finite_difference_estimate_is_called_close_but_an_estimate(h, capsys):
    """24.00000000335 once heard "you predicted 24; that is not it": a right value called wrong."""
    predict = central_difference_prediction(h)
    got = predict()
    assert got != 24 and math.isclose(got, 24, rel_tol=1e-6)  # close, not exact
    assert E.check_reuse_prediction(predict) is False
    out = capsys.readouterr().out
    assert "predicted 24;" not in out and "that is not it" not in out, out
    assert f"your {got!r} is close to 24, but that is an estimate" in out  # all its digits
    assert "Return the exact value" in out


def test_the_reader_s_central_difference_is_shown_with_its_digits(capsys):
    assert E.check_reuse_prediction(lambda: 24.00000000335467) is False
    out = capsys.readouterr().out
    assert "24.00000000335467" in out and "off by 3.4e-09" in out, out
    assert E.check_reuse_prediction(lambda: 24.0) is True  # the exact value still passes


def test_a_forward_mode_estimate_shows_its_digits_and_is_called_an_estimate(capsys):
    """A central difference in 2.3 (as in 2.1) once printed 'got 4.75, expected 4.75'
    and the hint asked for dx/dx, which the learner had seeded."""

    def by_nudging(f, x):
        h = 1e-6
        return (f(Dual(x + h, 1.0)).val - f(Dual(x - h, 1.0)).val) / (2 * h)

    assert E.check_forward_derivative(by_nudging) is False
    out = capsys.readouterr().out
    assert "got 4.75, expected 4.75" not in out, out
    got = by_nudging(lambda t: t**3 - 2 * t, 1.5)
    assert f"got {got:.13g}, expected 4.75: close, but that is an estimate" in out, out
    assert "exact derivative" in out and "what is dx/dx" not in out


def test_the_first_wrong_pass_count_says_the_next_try_shows_the_answer(capsys):
    """2.1's first wrong try warned that the next shows the answer; 2.4's once did
    not."""
    assert E.check_pass_counts(lambda: (1000, 1000)) is False
    first = capsys.readouterr().out
    assert "the next wrong try shows the answer" in first and "(1000, 1)" not in first
    assert E.check_pass_counts(lambda: (1000, 2)) is False
    second = capsys.readouterr().out
    assert "It is (1000, 1)" in second and "the next wrong try" not in second


def test_a_double_backward_48_is_told_that_a_second_call_adds(capsys):
    """c.backward() called twice gives a.grad = 48, which once heard only "that is
    not it"; the check names the second backward() and how to reset, and hides the answer."""

    def predict():
        a = Value(3.0)
        b = a + a
        c = b * b
        c.backward()
        c.backward()
        return a.grad

    assert E.check_reuse_prediction(predict) is False
    out = capsys.readouterr().out
    assert "Your 48: " in out and "c.backward() run twice" in out, out
    assert "adds its shares to the leaves' old gradients" in out and "zero_grad()" in out, out
    assert "24" not in out


def test_a_hand_double_count_48_is_told_that_2b_already_holds_both_uses(capsys):
    """By hand, dc/db = 2b and then x2 again for "b is used twice" gives 48;
    the message was once only about a second c.backward(). It now names the hand double count."""
    assert E.check_reuse_prediction(lambda: 48) is False
    out = capsys.readouterr().out
    assert "Your 48: " in out and "dc/db = 2b already holds both uses of b" in out, out
    assert "do not double it again" in out and "24" not in out, out


def test_a_slip_of_form_in_2_1_does_not_use_up_the_free_wrong_try(capsys):
    # Returning None (print instead of return) or the node once counted as
    # the first wrong try, so the next real prediction was shown the answer at once.
    from helpers import exercises
    from helpers.autodiff import Value

    exercises.reset_tries()
    assert E.check_reuse_prediction(lambda: print(24)) is False
    assert E.check_reuse_prediction(lambda: Value(3.0)) is False
    capsys.readouterr()
    assert E.check_reuse_prediction(lambda: 12) is False
    out = capsys.readouterr().out
    assert "that is not it" in out and "it is 24" not in out


@pytest.mark.parametrize("slip", [lambda: None, lambda: 1000, lambda: "many", lambda: (1, 2, 3)])
def test_a_slip_of_form_does_not_use_up_the_free_pass_count_try(slip, capsys):
    """Returning 1000 (one number) once used up the free try, so the next real
    answer, (1000, 2), was shown "It is (1000, 1)" at once."""
    assert E.check_pass_counts(slip) is False
    assert "(1000, 1)" not in capsys.readouterr().out
    assert E.check_pass_counts(lambda: (1000, 2)) is False
    first = capsys.readouterr().out
    assert "the next wrong try shows the answer" in first and "(1000, 1)" not in first, first
    assert E.check_pass_counts(lambda: (1000, 2)) is False
    assert "It is (1000, 1)" in capsys.readouterr().out


def test_a_slip_of_form_does_not_use_up_the_free_prediction_try(capsys):
    """A missing `return` (or the node a returned) must not count as the first
    prediction of 2.1: the next real guess, 12, still hides the answer."""
    a = Value(3.0)
    for slip in (lambda: print(24), lambda: a):
        ex.reset_tries()
        assert E.check_reuse_prediction(slip) is False
        assert E.check_reuse_prediction(lambda: 12) is False
        out = capsys.readouterr().out
        assert "that is not it" in out and "Try again" in out and "it is 24" not in out, out


def test_the_reverse_hint_for_1000_1000_asks_how_many_passes_one_loss_needs(capsys):
    """The hint "how many outputs does the loss have?" sounded odd (the loss is the
    output); the hint asks how many backward passes one loss needs."""
    assert E.check_pass_counts(lambda: (1000, 1000)) is False
    out = capsys.readouterr().out
    assert "There is one loss: how many backward passes does it need?" in out, out
    assert "outputs does the loss have" not in out


def test_the_hint_for_8_says_it_has_no_a_or_b_in_it(capsys):
    """8: "that holds neither a nor b" had to be read twice; the message says it plainly."""
    assert E.check_reuse_prediction(lambda: 8) is False
    out = capsys.readouterr().out
    assert "Your 8: that has no a or b in it" in out and "put a = 3 into it" in out, out


def test_the_answer_to_2_1_names_what_the_assignment_bug_really_reports():
    """The answer once said `=` would report 12, but section 5's `=` loop gives 6
    on b = a + a, c = b·b: both b·b and a + a lose a share. The text must name the 6."""
    import json
    from pathlib import Path

    from helpers.autodiff import topological_order

    a = Value(3.0)
    b = a + a
    c = b * b
    order = topological_order(c)
    for node in order:
        node.grad = 0.0
    c.grad = 1.0
    for node in reversed(order):  # section 5's backprop_with_assignment
        for parent, local in zip(node._prev, node._local):
            parent.grad = local * node.grad
    assert (a.grad, b.grad) == (6.0, 6.0)

    path = Path(__file__).parent.parent / "notebooks" / "02_computational_graphs.ipynb"
    cells = ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]]
    answer = next(s for s in cells if "12\\cdot 1 + 12\\cdot 1 = 24" in s)
    assert f"With `=` instead of `+=` the engine would report {a.grad:g}:" in answer
