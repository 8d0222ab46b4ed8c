"""The checks of notebooks 04 and 05 accept the answers in the notebooks' <details> blocks,
reject typical wrong answers with targeted feedback, and print the hint when unanswered."""

import sys
from pathlib import Path

import numpy as np
import pytest
from feedback import told

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

import helpers.exercises as ex  # noqa: E402
from helpers.exercises import deep_networks as dn  # noqa: E402
from helpers.exercises import training_deep_networks as tdn  # noqa: E402
from tools.lessons import exercises  # noqa: E402

NB = Path(__file__).resolve().parents[1] / "notebooks"
CHECKS = {
    ("04_deep_networks.ipynb", "4.1"): ("pieces", dn.check_zigzag_pieces),
    ("04_deep_networks.ipynb", "4.2"): ("count_params", dn.check_count_params),
    ("04_deep_networks.ipynb", "4.3"): ("layer_output", dn.check_layer_output),
    ("04_deep_networks.ipynb", "4.4"): ("can_separate_circles", dn.check_circles_answer),
    ("05_training_deep_networks.ipynb", "5.1"): ("max_lr", tdn.check_max_lr),
    ("05_training_deep_networks.ipynb", "5.2"): ("momentum_step", tdn.check_momentum_step),
    ("05_training_deep_networks.ipynb", "5.3"): ("he_std", tdn.check_he_std),
    ("05_training_deep_networks.ipynb", "5.4"): ("residual_grad", tdn.check_residual_grad),
}


@pytest.fixture(autouse=True)
def fresh_learner():
    ex.reset_tries()


def test_every_exercise_is_complete_and_checked():
    for name in {nb for nb, _ in CHECKS}:
        found = exercises(NB / name)
        assert not any(ex.problems for ex in found), [ex.problems for ex in found]
        assert sorted(ex.number for ex in found) == sorted(n for nb, n in CHECKS if nb == name)


@pytest.mark.parametrize("key", sorted(CHECKS), ids=lambda k: k[1])
def test_the_notebook_answer_passes_its_check(key, capsys):
    name, check = CHECKS[key]
    ex = {e.number: e for e in exercises(NB / key[0])}[key[1]]
    namespace = {"np": np}
    exec(ex.answer_code, namespace)
    assert check(namespace[name]) is True
    out = capsys.readouterr().out
    assert "✓" in out and "✗" not in out


@pytest.mark.parametrize("key", sorted(CHECKS), ids=lambda k: k[1])
def test_unanswered_exercise_prints_its_hint(key, capsys):
    _, check = CHECKS[key]

    def todo(*args):
        raise NotImplementedError("a hint")

    assert check(todo) is False
    assert "not done yet. Hint: a hint" in capsys.readouterr().out


WRONG = {
    "4.1": (lambda: 15, "the folds multiply"),
    "4.2": (lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])), "a bias"),
    "4.3": (lambda model, X, k: model.layers[2 * k - 2].forward(X), "wrong"),
    "4.4": (lambda: True, "not with width 2"),
    "5.1": (lambda: 2.0, "steepest"),
    "5.2": (lambda w, v, g, lr, mu: (w - lr * g, mu * v + g), "plain gradient descent"),
    "5.3": (lambda n: 1 / np.sqrt(n), "Xavier"),
    "5.4": (lambda x, W, dy: (dy * (1 - np.tanh(x @ W) ** 2)) @ W.T, "skip"),
}


@pytest.mark.parametrize("key", sorted(CHECKS), ids=lambda k: k[1])
def test_wrong_answer_is_rejected_with_a_reason(key, capsys):
    _, check = CHECKS[key]
    fn, words = WRONG[key[1]]
    assert check(fn) is False
    out = capsys.readouterr().out
    assert "✗" in out and words in out


def test_momentum_order_hint(capsys):
    def stale(w, v, g, lr, mu):
        return w - lr * v, mu * v + g  # uses the old velocity

    assert tdn.check_momentum_step(stale) is False
    assert "new* v" in capsys.readouterr().out


@pytest.mark.parametrize(
    "check, guess, value, why, miss",
    [
        (tdn.check_max_lr, 2.0, "it is 0.2", "η < 2/10 = 0.2", "Your 2: that is 2/κ"),
        (tdn.check_max_lr, 0.1, "it is 0.2", "stays between −1 and 1", "Your 0.1: 1/κ = 0.1"),
        (tdn.check_max_lr, 0.5, "it is 0.2", "the steepest direction decides", None),
    ],
)
def test_a_second_wrong_prediction_is_told_the_value_and_why(
    check, guess, value, why, miss, capsys
):
    assert check(lambda: 0.3) is False  # the first wrong try gets a nudge, not the answer
    capsys.readouterr()
    assert check(lambda: guess) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and f"you predicted {guess:g}; {value}." in out
    assert why in out
    assert (miss in out) if miss else ("Your" not in out)


@pytest.mark.parametrize(
    "value", [0.2, 2 / 10, 0.19999, np.float32(0.2), np.array([0.2]), np.float64(0.2)]
)
def test_max_lr_accepts_the_value_as_typed_or_computed(value, capsys):
    assert tdn.check_max_lr(lambda: value) is True
    assert "✓ the largest learning rate below which descent converges: 0.2. Each step" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize("value", [0.2, 0.1, np.float64(0.2)])
def test_max_lr_given_as_a_number_is_refused_like_5_3(value, capsys):
    """`max_lr = 0.2` once passed 5.1, which asks for a function (5.3 refuses the
    same slip with "expected a function, got float"). It is refused, and it is no prediction:
    the next wrong number still gets the nudge, not the answer."""
    assert tdn.check_max_lr(value) is False
    out = capsys.readouterr().out
    assert "`max_lr` is the number" in out and "not a function" in out
    assert "write `def max_lr():`" in out
    assert "✓" not in out and "it is 0.2" not in out
    assert tdn.check_max_lr(lambda: 0.1) is False
    assert "it is 0.2" not in capsys.readouterr().out
    assert tdn.check_max_lr(lambda: 0.2) is True


def test_max_lr_just_below_asks_for_the_boundary_not_more_digits(capsys):
    assert tdn.check_max_lr(lambda: 0.199) is False
    out = capsys.readouterr().out
    assert "the boundary itself, not a value just below it" in out and "more digits" not in out


def _wrong_layer(j):
    """A layer_output that returns the output of model.layers[j] (whatever k asks)."""

    def layer_output(model, X, k):
        H = X
        for layer in model.layers[: j + 1]:
            H = layer.forward(H)
        return H

    return layer_output


def test_layer_output_names_the_layer_it_got_and_never_says_equal_shapes_differ(capsys):
    assert dn.check_layer_output(_wrong_layer(0)) is False
    out = capsys.readouterr().out
    assert "right shape, but the wrong numbers" in out
    assert "model.layers[0], a Linear layer: what goes into the activation of hidden layer 1" in out
    assert "pre-activation" not in out  # a term the core path does not define
    assert "expected shape" not in out
    assert dn.check_layer_output(_wrong_layer(3)) is False  # k = 1 gets hidden layer 2
    assert "that is hidden layer 2's output" in capsys.readouterr().out
    assert dn.check_layer_output(lambda model, X, k: X[:, :1]) is False
    out = capsys.readouterr().out
    assert "an array of shape (7, 1), expected (7, 2)" in out


def test_layer_output_that_runs_the_whole_network_is_told_it_is_the_read_out(capsys):
    """Issue 22: the read-out of the four-hidden-layer network was called 'hidden layer 5'."""
    assert dn.check_layer_output(_wrong_layer(8)) is False  # model.forward: all nine layers
    out = capsys.readouterr().out
    assert "model.layers[8], the read-out: the network's output" in out
    assert "the model has 4 hidden layers" in out
    assert "hidden layer 5" not in out


def test_count_params_names_biases_per_input(capsys):
    per_input = lambda sizes: sum(a * b + a for a, b in zip(sizes[:-1], sizes[1:]))  # noqa: E731
    assert dn.check_count_params(per_input) is False
    assert "one bias per output of a layer, not per input" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, bug",
    [
        (lambda x, W, dy: dy + (dy * (1 - np.tanh(x @ W) ** 2)) @ W, "W is used the wrong way"),
        (lambda x, W, dy: dy + dy @ W.T, "skips tanh's slope"),
    ],
)
def test_residual_grad_names_the_usual_bugs(wrong, bug, capsys):
    assert tdn.check_residual_grad(wrong) is False
    assert bug in capsys.readouterr().out


def test_he_std_variance_for_std_is_named(capsys):
    assert tdn.check_he_std(lambda n: 2 / n) is False
    assert "that is the variance 2/fan_in" in capsys.readouterr().out


@pytest.mark.parametrize(
    "guess, miss",
    [
        (15, "Your 15: that is 3 + 3 + 3"),
        (244, 'Your 244: it looks like the + 1 of the rule "w units make w + 1 pieces"'),
        (81, "Your 81: that is 3⁴: count again how many layers"),
        (32, "Your 32: that is 2⁵: each layer multiplies the pieces by its width"),
        (242, "Your 242: that counts the kinks inside the interval, not the pieces"),
        (8, "Your 8: that is 3 + 5, the width plus the depth"),
        (100, None),
    ],
)
def test_zigzag_first_wrong_try_names_the_mistake_but_keeps_the_answer(guess, miss, capsys):
    """Every wrong try was once told 243 at once; 244 (the n + 1 rule) got no name.

    242 (the kinks, not the pieces) and 8 (3 + 5) got only the general hint. Each is named.
    """
    assert dn.check_zigzag_pieces(lambda: guess) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and f"you predicted {guess}; that is not it" in out
    assert "243" not in out
    assert (miss in out) if miss else ("Your" not in out)
    assert "Hint: count the pieces for depth 1 and depth 2 first" in out
    assert dn.check_zigzag_pieces(lambda: guess) is False  # the second try is told
    out = capsys.readouterr().out
    assert f"you predicted {guess}; it is 243." in out and "3⁵ = 243" in out


def test_zigzag_caret_is_named_as_not_the_power(capsys):
    """`3^5` (6, as ^ is XOR in Python) once got only "you predicted 6", no word on `^`."""
    assert dn.check_zigzag_pieces(lambda: 3 ^ 5) is False
    out = capsys.readouterr().out
    assert "you predicted 6" in out and "243" not in out
    assert "`^` is not the power" in out and "`**`" in out


def test_zigzag_a_leftover_number_is_not_taken_as_the_prediction(capsys):
    """A leftover integer `pieces` from section 2 was once read as 'you predicted 36'."""
    assert dn.check_zigzag_pieces(36) is False
    out = capsys.readouterr().out
    assert "`pieces` is the number 36, not a function" in out
    assert "you predicted" not in out


@pytest.mark.parametrize("answer, shown", [(3**5, "the number 243"), ("243", "the text '243'")])
def test_zigzag_a_number_for_the_function_is_told_to_write_a_function(answer, shown, capsys):
    """`pieces = 3 ** 5` (a number where a function is asked) was once told
    to run the cell with `def pieces():` first, as if the learner had forgotten a cell."""
    assert dn.check_zigzag_pieces(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and f"`pieces` is {shown}, not a function" in out
    assert "The exercise asks for a function: write `def pieces():`" in out
    assert "`return` and your number" in out
    assert "run the cell" not in out and "you predicted" not in out


def test_count_params_skipping_the_last_layer_is_not_called_weights_only(capsys):
    """On [1, 2, 1] the skipped read-out gives 4, the weights-only count too: each must hear
    its own bug, not the other's."""

    def skip_last(sizes):
        total = 0
        for i in range(len(sizes) - 2):
            total += (sizes[i] + 1) * sizes[i + 1]
        return total

    assert dn.check_count_params(skip_last) is False
    out = capsys.readouterr().out
    assert "the last layer (the read-out) is not counted" in out
    assert "only the weights" not in out
    weights_only = lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))  # noqa: E731
    assert dn.check_count_params(weights_only) is False
    out = capsys.readouterr().out
    assert "you counted only the weights" in out and "not counted: the loop" not in out


def test_layer_output_refuses_the_library_and_the_whole_network(capsys):
    """representations.layer_outputs(model, X)[k] (the helper, not the learner's own loop) was
    once accepted."""
    from helpers import representations

    assert dn.check_layer_output(lambda m, X, k: representations.layer_outputs(m, X)[k]) is False
    out = capsys.readouterr().out
    assert "the right numbers, but it ran model.layers[8] too" in out
    assert "representations.layer_outputs and model.forward run the whole network" in out


def test_layer_output_names_the_unchained_loop(capsys):
    def unchained(model, X, k):
        H = X
        for i in range(2 * k):
            H = model.layers[i].forward(X)  # every layer gets X
        return H

    assert dn.check_layer_output(unchained) is False
    out = capsys.readouterr().out
    assert "every layer was given X instead of the previous layer's output" in out


def layer_loop(indices):
    """A learner's loop over the layers: H = model.layers[i].forward(H) for i in indices(k)."""

    def answer(model, X, k):
        H = X
        for i in indices(k):
            H = model.layers[i].forward(H)
        return H

    return answer


def test_layer_output_simple_alternating_loop_passes(capsys):
    by_index = layer_loop(lambda k: range(2 * k))
    assert dn.check_layer_output(by_index) is True


def test_layer_output_one_layer_too_far_is_told_where_to_stop(capsys):
    """range(2k + 1) once got, on its second try, the generic hint "keep the
    latest output in one variable", which its loop already did."""

    one_too_far = layer_loop(lambda k: range(2 * k + 1))
    assert dn.check_layer_output(one_too_far) is False
    assert "the activation of hidden layer 2, before that" in capsys.readouterr().out
    assert dn.check_layer_output(one_too_far) is False
    out = capsys.readouterr().out
    assert "It ran 1 layer too many: hidden layer 1 ends with model.layers[1]" in out
    assert "keep the latest output" not in out
    assert dn.check_layer_output(one_too_far) is False
    out = capsys.readouterr().out
    assert "range(2 * k) gives i = 0, 1, ..., 2 * k - 1" in out
    assert "keep the latest output" not in out


def test_layer_output_that_stops_early_is_told_so(capsys):
    range_k = layer_loop(lambda k: range(k))
    assert dn.check_layer_output(range_k) is False
    capsys.readouterr()
    assert dn.check_layer_output(range_k) is False
    out = capsys.readouterr().out
    assert "It stopped 1 layer too early: hidden layer 1 ends with model.layers[1]" in out


def test_layer_output_that_skips_layers_0_is_told_so(capsys):
    """Skipping layers[0] was once told 'every layer was given X'."""

    skips_first = layer_loop(lambda k: range(1, 2 * k))
    assert dn.check_layer_output(skips_first) is False
    out = capsys.readouterr().out
    assert "model.layers[0] was never run" in out
    assert "every layer was given X" not in out


def test_layer_output_that_runs_only_one_layer_is_told_so(capsys):
    """model.layers[2k - 1].forward(X) alone was once told 'every layer'."""
    only_last = lambda model, X, k: model.layers[2 * k - 1].forward(X)  # noqa: E731
    assert dn.check_layer_output(only_last) is False
    out = capsys.readouterr().out
    assert "only one layer ran" in out
    assert "every layer was given X" not in out


def test_layer_output_second_hint_is_not_the_solution(capsys):
    """The second wrong try was once shown the whole solution, leaving nothing to work out."""
    wrong = lambda model, X, k: X * 0  # noqa: E731
    for _ in range(2):
        assert dn.check_layer_output(wrong) is False
    out = capsys.readouterr().out
    assert "range(2 * k)" not in out


@pytest.mark.parametrize(
    "wrong, why",
    [
        (lambda sizes: sum(sizes), "the sizes are added up"),
        (
            lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes),
            "you counted a bias for each input too",
        ),
    ],
)
def test_count_params_names_the_sum_of_sizes_and_input_biases(wrong, why, capsys):
    """The sizes added up, and a bias counted for each input, once got only the generic hint."""
    assert dn.check_count_params(wrong) is False
    assert why in capsys.readouterr().out


def test_count_params_adding_the_two_sizes_of_each_layer_is_named(capsys):
    """a + b per layer (6 for [1, 2, 1]) once got only the general hint."""

    def sizes_added(sizes):
        total = 0
        for i in range(len(sizes) - 1):
            total += sizes[i] + sizes[i + 1]
        return total

    assert sizes_added([1, 2, 1]) == 6
    assert dn.check_count_params(sizes_added) is False
    out = capsys.readouterr().out
    assert "you added the two sizes of each layer, a + b" in out
    assert "a·b weights (one for every pair of an input and an output)" in out


def test_count_params_one_bias_per_layer_is_named(capsys):
    """a·b + 1 per layer (one bias for the whole layer) once got only the general hint."""

    def one_bias_per_layer(sizes):
        total = 0
        for i in range(len(sizes) - 1):
            total += sizes[i] * sizes[i + 1] + 1
        return total

    assert dn.check_count_params(one_bias_per_layer) is False
    out = capsys.readouterr().out
    assert "you counted one bias per layer" in out
    assert "a Linear(a, b) layer has b biases" in out


def test_count_params_input_biases_hint_says_what_the_learner_did(capsys):
    """'a bias is counted for the inputs too' read like a rule to follow.

    The wrong answer: weights plus one bias for every size, inputs included (8 for [1, 2, 1]).
    """

    def with_input_biases(sizes):
        return sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes)

    assert with_input_biases([1, 2, 1]) == 8
    out = told(dn.check_count_params, with_input_biases, capsys)
    assert "you counted a bias for each input too (sizes[0] of them)" in out
    assert "only the outputs of a layer have biases" in out
    assert "a bias is counted for the inputs too" not in out


def test_count_params_plus_one_on_both_sizes_is_told_in_plain_words(capsys):
    """'A bias for the bias' read oddly; the hint now names the extra output."""
    both = lambda sizes: sum((a + 1) * (b + 1) for a, b in zip(sizes[:-1], sizes[1:]))  # noqa: E731
    assert dn.check_count_params(both) is False
    out = capsys.readouterr().out
    assert "as if there were one more output unit" in out
    assert "(a + 1)·b in all" in out


@pytest.mark.parametrize(
    "wrong, why",
    [
        (
            lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sizes[-1],
            "biases only for the last layer",
        ),
        (
            lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes[1:-1]),
            "biases only for the hidden layers",
        ),
    ],
)
def test_count_params_biases_on_some_layers_only_is_named(wrong, why, capsys):
    """Biases for the last layer only, or the hidden layers only, once got only the general
    hint."""
    assert dn.check_count_params(wrong) is False
    assert why in capsys.readouterr().out


def test_zigzag_feedback_writes_the_interval_in_words(capsys):
    """The feedback once wrote "[0, 1]", a notation the core text avoids."""
    for guess in (244, 1024, 100):
        dn.check_zigzag_pieces(lambda g=guess: g)
        dn.check_zigzag_pieces(lambda g=guess: g)
    out = capsys.readouterr().out
    assert "[0, 1]" not in out and "from 0 to 1" in out


# learners' count_params that loop over the layers, each with a bug the message must name


def weights_only(sizes):
    """The message "only the weights are counted" once read as an instruction."""
    total = 0
    for i in range(len(sizes) - 1):
        total += sizes[i] * sizes[i + 1]
    return total


def one_step_too_far(sizes):
    """range(len(sizes)) once raised a bare IndexError, and the hint did not
    say that the loop goes one step too far."""
    total = 0
    for i in range(len(sizes)):
        total += (sizes[i] + 1) * sizes[i + 1]
    return total


def popping(sizes):
    """Popping the sizes gives right totals but destroys the list."""
    total = 0
    while len(sizes) > 1:
        a = sizes.pop(0)
        total += (a + 1) * sizes[0]
    return total


def first_layer_only(sizes):
    """A count of the first layer only once got the generic hint."""
    for i in range(len(sizes) - 1):
        return (sizes[i] + 1) * sizes[i + 1]


def last_layer_only(sizes):
    """`total = ...` for `total += ...` once got the generic hint."""
    total = 0
    for i in range(len(sizes) - 1):
        total = (sizes[i] + 1) * sizes[i + 1]
    return total


def reset_in_the_loop(sizes):
    """`total = 0` inside the loop was once told to write `total += ...`,
    which it had."""
    for i in range(len(sizes) - 1):
        total = 0
        total += (sizes[i] + 1) * sizes[i + 1]
    return total


def reset_in_the_loop_without_plus_equals(sizes):
    """The same slip with `count = count + ...` for `+=`."""
    for a, b in zip(sizes[:-1], sizes[1:]):
        count = 0.0
        count = count + (a + 1) * b
    return count


def square_per_size(sizes):
    """s*s + s for each size once got the generic hint."""
    total = 0
    for s in sizes:
        total += s * s + s
    return total


@pytest.mark.parametrize(
    "wrong, says",
    [
        (last_layer_only, ["got 3, expected 7", "you kept only the last layer", "total +="]),
        (
            reset_in_the_loop,
            ["got 3, expected 7", "`total = 0` is inside the loop", "once, before the loop"],
        ),
        (
            reset_in_the_loop_without_plus_equals,
            ["got 3, expected 7", "`count = 0.0` is inside the loop", "once, before the loop"],
        ),
        (square_per_size, ["expected 7", "s·s + s for each size", "consecutive pairs"]),
        (
            weights_only,
            [
                "got 4, expected 7",
                "you counted only the weights: every output unit also has a bias",
            ],
        ),
        (
            one_step_too_far,
            ["raised IndexError", "your loop goes one step too far", "n - 1 layers"],
        ),
        (popping, ["changed the list it was given", "without removing any"]),
        (first_layer_only, ["got 4, expected 7", "you counted only the first layer"]),
    ],
    ids=[
        "total = instead of total += is told it kept only the last layer",
        "total = 0 inside the loop is told to start the count before the loop",
        "count = 0.0 inside the loop, with count = count + ..., is told the same",
        "s*s + s per size is told a layer joins two sizes",
        "weights only is told you counted only the weights",
        "a loop one step too far is told so",
        "a count that empties the caller's list is told so",
        "the first layer only is told so",
    ],
)
def test_count_params_names_the_bug_of_a_loop_over_the_layers(capsys, wrong, says):
    assert dn.check_count_params(wrong) is False
    out = capsys.readouterr().out
    for words in says:
        assert words in out, out


def test_count_params_tells_the_two_last_layer_slips_apart(capsys):
    # Both slips keep only the last layer; each hears its own fix.
    assert dn.check_count_params(reset_in_the_loop) is False
    out = capsys.readouterr().out
    assert "Write `total += ...`" not in out and "before the loop" in out
    ex.reset_tries()
    assert dn.check_count_params(last_layer_only) is False
    out = capsys.readouterr().out
    assert "Write `total += ...`" in out and "before the loop" not in out


def test_count_params_that_prints_instead_of_returning_is_told_to_return(capsys):
    # A function that prints the count gives back None: say that `return` is missing.
    def printed(sizes):
        print(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))

    out = told(dn.check_count_params, printed, capsys)
    assert "got None" in out
    assert "no value" in out and "`return total` if you called it total" in out


def test_count_params_missing_return_hint_names_no_variable_the_learner_may_lack(capsys):
    # "Use `return count`" once sent a learner whose variable was `total` (as
    # in the lesson's own Answer) looking for a variable `count`.
    def no_return(sizes):
        total = 0
        for i in range(len(sizes) - 1):
            total += (sizes[i] + 1) * sizes[i + 1]

    assert dn.check_count_params(no_return) is False
    out = capsys.readouterr().out
    assert "got None" in out and "return count" not in out
    assert "the name of your count" in out


def test_zigzag_round_off_of_the_right_count_is_not_shown_as_243_and_called_wrong(capsys):
    # A right value with round-off was once printed rounded and called
    # wrong. math.exp(5 * math.log(3)) is 243.00000000000017.
    import math

    got = math.exp(5 * math.log(3))
    assert got != 243
    assert dn.check_zigzag_pieces(lambda: got) is False
    out = capsys.readouterr().out
    assert repr(got) in out and "predicted 243;" not in out
    assert "close to 243" in out and "round-off" in out and "whole number" in out


def test_count_params_round_off_of_the_right_count_is_shown_with_all_digits(capsys):
    # 7.0000000001 was once printed as "got 7, expected a whole number".
    def float_count(sizes):
        return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])) * (1 + 1e-11)

    assert dn.check_count_params(float_count) is False
    out = capsys.readouterr().out
    assert "got 7.00000000007," in out and "close to 7, the right count" in out
    assert "round-off" in out


def test_count_params_a_count_with_decimals_is_not_blamed_on_round_off(capsys):
    assert dn.check_count_params(lambda sizes: 7.5) is False
    out = capsys.readouterr().out
    assert "got 7.5, expected a whole number" in out and "round-off" not in out


def test_zigzag_five_cubed_is_told_the_numbers_are_swapped(capsys):
    """The message for 125 was right but had to be parsed slowly."""
    assert dn.check_zigzag_pieces(lambda: 125) is False
    out = capsys.readouterr().out
    assert "Your 125: that is 5³ = 5 · 5 · 5: the two numbers are swapped" in out
    assert "each layer multiplies the pieces by the width" in out and "243" not in out


def test_count_params_double_equals_for_the_start_value_is_named(capsys):
    """`total == 0` raises UnboundLocalError, and the hint once spoke of a
    NameError and not of the `==`."""

    def compared_not_set(sizes):
        total == 0  # noqa: F821, B015
        for i in range(len(sizes) - 1):
            total += (sizes[i] + 1) * sizes[i + 1]  # noqa: F821
        return total

    out = told(dn.check_count_params, compared_not_set, capsys)
    assert "UnboundLocalError" in out
    assert "Did you write `==` (which compares) where you meant `=`" in out
    assert "a NameError means" not in out


def test_a_predict_first_answer_that_returns_a_function_is_told_so(capsys):
    """Exercise 2.1, and the shared path of every predict-first check: a function that
    returns a function hears that, not Python's repr of it with its address."""
    assert dn.check_zigzag_pieces(lambda: lambda: 243) is False
    out = capsys.readouterr().out
    assert "it returned a function, not a number: return the number" in out
    assert "0x" not in out and "expected a number" not in out
