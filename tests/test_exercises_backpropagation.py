"""The checks of notebook 03's exercises accept the answers in the notebook's <details>
blocks and reject typical wrong answers with targeted output."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

import helpers.exercises as ex  # noqa: E402
from helpers.exercises import backpropagation as bp  # noqa: E402
from tools.lessons import exercises  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_backpropagation.ipynb"
CHECKS = {
    "3.1": ("gradient_shapes", bp.check_gradient_shapes),
    "3.2": ("linear_backward", bp.check_linear_backward),
    "3.3": ("tanh_backward", bp.check_tanh_backward),
    "3.4": ("softmax_ce_backward", bp.check_softmax_ce_backward),
    "3.5": ("mlp_backward", bp.check_mlp_backward),
}


def answers():
    found = {ex.number: ex for ex in exercises(NOTEBOOK)}
    assert sorted(found) == sorted(CHECKS)
    return found


@pytest.mark.parametrize("number", sorted(CHECKS))
def test_the_notebook_answer_passes_its_check(number, capsys):
    name, check = CHECKS[number]
    namespace = {"np": np}
    exec(answers()[number].answer_code, namespace)
    assert check(namespace[name]) is True
    out = capsys.readouterr().out
    assert "✗" not in out and "✓" in out


def test_unanswered_exercises_print_their_hint(capsys):
    def todo(*args):
        raise NotImplementedError("the hint")

    for _, check in CHECKS.values():
        assert check(todo) is False
        assert "the hint" in capsys.readouterr().out


def test_wrong_shapes_are_named(capsys):
    assert not bp.check_gradient_shapes(
        lambda: {"Y": (32, 10), "dY": (32, 10), "dX": (32, 64), "dW": (10, 64), "db": (1, 10)}
    )
    out = capsys.readouterr().out
    assert "✗ dW: got (10, 64), which is not its shape (that is the transpose)" in out
    assert "✗ db" in out
    assert "✓ dX" in out
    assert not bp.check_gradient_shapes(["not", "a", "dict"])


def test_shapes_first_wrong_try_does_not_reveal_the_answer(capsys):
    """A first try of () everywhere must not print the five expected shapes to copy; the
    second wrong try shows them."""
    empty = {"Y": (), "dY": (), "dX": (), "dW": (), "db": ()}
    assert bp.check_gradient_shapes(lambda: empty) is False
    out = capsys.readouterr().out
    for want in bp.SHAPES.values():
        assert f"expected {want}" not in out, out
    assert "(64, 10)" not in out and "(32, 10)" not in out and "(10,)" not in out, out
    assert out.count("✗") == 5
    assert bp.check_gradient_shapes(lambda: empty) is False
    out = capsys.readouterr().out
    assert "✗ dW: got (), expected (64, 10)" in out


@pytest.fixture(autouse=True)
def fresh_learner():
    ex.reset_tries()


def linear_backward(X, W, b, dY):
    return dY @ W.T, X.T @ dY, dY.sum(axis=0)


def _hints(out):
    return [line.strip() for line in out.splitlines() if line.strip().startswith("Hint:")]


def _refused_quoting_the_error(wrong, error, words, hint, capsys):
    """check_linear_backward refuses ``wrong``, says it raised ``error`` with Python's
    ``words``, and gives ``hint`` as its only hint."""
    assert bp.check_linear_backward(wrong) is False
    out = capsys.readouterr().out
    assert f"raised {error}" in out and words in out, out
    assert _hints(out) == [f"Hint: {hint}"], out


@pytest.mark.parametrize(
    "wrong, bug",
    [
        (lambda X, W, b, dY: (dY @ W, X.T @ dY, dY.sum(axis=0)), bp.TRANSPOSED_W),
        (lambda X, W, b, dY: (dY @ W.T, (X.T @ dY).T, dY.sum(axis=0)), bp.TRANSPOSED),
        (lambda X, W, b, dY: (dY @ W.T, dY.T @ X, dY.sum(axis=0)), bp.TRANSPOSED),
        (lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.sum()), bp.SUM_ALL),
        (lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.sum(axis=1)), bp.SUM_AXIS),
        # keepdims=True: a sum, so the hint must not say "a sum, not a mean"
        (lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.sum(axis=0, keepdims=True)), bp.KEPT_DIMS),
    ],
)
def test_linear_backward_names_the_usual_bugs(wrong, bug, capsys):
    assert bp.check_linear_backward(wrong) is False
    out = capsys.readouterr().out
    assert _hints(out) == [f"Hint: {bug}"], out
    assert "batch of 5, W of shape (4, 3)" not in out  # it stops at the first wrong case


def test_linear_backward_shape_clash_is_explained(capsys):
    # on the square case dY @ W computes; make it fail on the second case (not square)
    def clash(X, W, b, dY):
        return dY @ X, X.T @ dY, dY.sum(axis=0)

    assert bp.check_linear_backward(clash) is False
    out = capsys.readouterr().out
    assert "raised ValueError" in out and "which one needs a .T?" in out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda X, W, b, dY: (dY * W.T, X.T @ dY, dY.sum(axis=0)),  # * where @ belongs
        lambda X, W, b, dY: (dY @ W.T, X.T * dY, dY.sum(axis=0)),
        lambda X, W, b, dY: (dY * W.T, X.T * dY, dY.sum(axis=0)),
    ],
)
def test_linear_backward_star_instead_of_matmul_names_at(wrong, capsys):
    # `*` where `@` belongs raises NumPy's "operands could not be broadcast" error
    _refused_quoting_the_error(
        wrong, "ValueError", "could not be broadcast", bp.STAR_NOT_MATMUL, capsys
    )
    assert "write it with `@`, not `*`" in bp.STAR_NOT_MATMUL


def test_linear_backward_hides_the_method_until_the_fourth_try(capsys):
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.max(axis=0))  # noqa: E731
    outs = []
    for _ in range(4):
        bp.check_linear_backward(wrong)
        outs.append(capsys.readouterr().out)
    assert all("dY.sum(axis=0)" not in out for out in outs[:3]), outs
    assert "db = dY.sum(axis=0)" in outs[3]
    assert "X.T @ dY" not in outs[3]  # only the wrong array's line, not all three
    assert bp.check_linear_backward(linear_backward) is True


@pytest.mark.parametrize(
    "name, wrong",
    [
        ("dX", lambda X, W, b, dY: (-dY @ W.T, X.T @ dY, dY.sum(axis=0))),  # the sign slip
        ("dX", lambda X, W, b, dY: (dY @ -W.T, X.T @ dY, dY.sum(axis=0))),
        ("dW", lambda X, W, b, dY: (dY @ W.T, -X.T @ dY, dY.sum(axis=0))),
        ("db", lambda X, W, b, dY: (dY @ W.T, X.T @ dY, -dY.sum(axis=0))),
    ],
)
def test_linear_backward_names_a_wrong_sign_not_the_shapes(name, wrong, capsys):
    """`dX = -dY @ W.T` was once told "which product ... has that shape?", and the
    later hints too spoke only of shapes, which were right. A gradient that is minus the right
    one is told its sign, with growing hints, and the recipe only on the fourth try."""
    outs = []
    for _ in range(4):
        assert bp.check_linear_backward(wrong) is False
        outs.append(capsys.readouterr().out)
    for out in outs:
        assert f"✗ {name}" in out and _hints(out)[0].startswith(
            f"Hint: every entry of {name} has the wrong sign: your {name} is minus the right one"
        ), out
        assert "has that shape" not in out and "columns of A" not in out
    assert "no minus enters" not in outs[0] and "no minus enters" in outs[1]
    assert all("dY.sum(axis=0)" not in out for out in outs[:3]), outs
    assert f"Section 7's recipe: {bp.ARRAY_HINTS[name][-1]}" in outs[3]
    lines = {"dX": "dX = dY @ W.T", "dW": "dW = X.T @ dY", "db": "db = dY.sum(axis=0)"}
    assert all((line in outs[3]) == (key == name) for key, line in lines.items()), outs[3]
    assert all(len(_hints(out)) == 1 for out in outs), outs  # no general hint about shapes


def test_linear_backward_names_mean_instead_of_sum(capsys):
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.mean(axis=0))  # noqa: E731
    assert bp.check_linear_backward(wrong) is False
    assert _hints(capsys.readouterr().out) == [f"Hint: {bp.MEAN_NOT_SUM}"]


def test_linear_backward_mean_hint_says_db_is_the_sum(capsys):
    """The hint for dY.mean(axis=0) must say that db is the sum, not the mean (it once said
    the reverse)."""
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.mean(axis=0))  # noqa: E731
    assert bp.check_linear_backward(wrong) is False
    (said,) = _hints(capsys.readouterr().out)
    assert "db is their sum" in said
    assert "db is the mean" not in said


def test_linear_backward_names_first_row_only(capsys):
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY[0])  # noqa: E731
    assert bp.check_linear_backward(wrong) is False
    assert _hints(capsys.readouterr().out) == [f"Hint: {bp.FIRST_ROW}"]


def test_linear_backward_names_dx_and_dw_swapped(capsys):
    wrong = lambda X, W, b, dY: (X.T @ dY, dY @ W.T, dY.sum(axis=0))  # noqa: E731
    assert bp.check_linear_backward(wrong) is False
    out = capsys.readouterr().out
    assert "dX and dW are in the wrong order" in out
    assert _hints(out) == [f"Hint: {bp.SWAPPED}"]


def test_linear_backward_swapped_gives_one_hint_on_later_tries(capsys):
    # after several wrong tries a second, general "Hint:" line once followed the
    # swapped-order one, and gave the whole answer at once: one hint per try
    wrong = lambda X, W, b, dY: (X.T @ dY, dY @ W.T, dY.sum(axis=0))  # noqa: E731
    for _ in range(4):
        assert bp.check_linear_backward(wrong) is False
        assert _hints(capsys.readouterr().out) == [f"Hint: {bp.SWAPPED}"]


def test_linear_backward_w_times_dy_says_in_plain_words_why(capsys):
    # `W @ dY` once showed NumPy's "mismatch in its core dimension 0, with gufunc
    # signature ..." first, words the lesson never teaches
    wrong = lambda X, W, b, dY: (W @ dY, X.T @ dY, dY.sum(axis=0))  # noqa: E731
    assert bp.check_linear_backward(wrong) is False
    out = capsys.readouterr().out
    assert "gufunc" not in out and "core dimension" not in out, out
    assert "the number of columns of the left one must equal the number of rows" in out
    assert "which one needs a .T?" in out


@pytest.mark.parametrize(
    "db, says",
    [
        (10, "(10) is just the number 10; a one-element tuple needs a comma: (10,)"),
        ((), "() is a single number"),
        ((32, 10), "that is the shape of dY"),
        ((1, 10), "(1, 10) is a matrix of one row"),
        ((32,), "one number per point"),
    ],
)
def test_wrong_bias_shapes_get_their_own_reason(db, says, capsys):
    answer = {"Y": (32, 10), "dY": (32, 10), "dX": (32, 64), "dW": (64, 10), "db": db}
    assert bp.check_gradient_shapes(lambda: answer) is False
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("✗ db"))
    assert says in line, line
    assert "broadcast" not in line


def test_linear_backward_answer_passes_on_every_case(capsys):
    assert bp.check_linear_backward(linear_backward) is True
    out = capsys.readouterr().out
    assert out.count("✓ db  matches") == len(bp.LINEAR_CASES) and "✗" not in out


def _softmax(Z, axis=1):
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def _dZ(Z, y, axis=1, mean=True, sign=1):
    P = _softmax(Z, axis)
    P[np.arange(len(y)), y] -= 1
    return sign * (P / len(y) if mean else P)


@pytest.mark.parametrize(
    "wrong, bug",
    [
        (lambda Z, y: _dZ(Z, y, mean=False), bp.NO_MEAN),
        (lambda Z, y: _dZ(Z, y, axis=0), bp.SOFTMAX_AXIS),
        (lambda Z, y: _softmax(Z) / len(y), "the one-hot labels are missing"),
        (lambda Z, y: _dZ(Z, y, sign=-1), "the sign is flipped"),
    ],
)
def test_softmax_ce_backward_names_the_usual_bugs(wrong, bug, capsys):
    assert bp.check_softmax_ce_backward(wrong) is False
    out = capsys.readouterr().out
    assert "batch of 6, 4 classes:\n✗ dZ  WRONG" in out
    assert bug in _hints(out)[0], out


@pytest.mark.parametrize(
    "wrong, bug",
    [
        (lambda Y, dY: 1 - Y**2, "the upstream gradient dY is missing"),
        (lambda Y, dY: dY * (1 + Y**2), "sign of Y² flipped"),
        (lambda Y, dY: dY * (1 - Y) ** 2, "1 − Y² is not (1 − Y)²"),
        (lambda Y, dY: dY * Y * (1 - Y), "the slope of the sigmoid"),
        (lambda Y, dY: dY * 1 - Y**2, "* comes before -"),
        (lambda Y, dY: (dY * (1 - Y**2)).sum(axis=0), "summed over the rows"),
        (lambda Y, dY: dY @ (1 - Y**2), "@ is the matrix product"),
    ],
)
def test_tanh_backward_names_the_usual_bugs(wrong, bug, capsys):
    assert bp.check_tanh_backward(wrong) is False
    out = capsys.readouterr().out
    assert bug in _hints(out)[0], out
    assert "gufunc" not in out and "core dimension" not in out


def _through_arctanh(Y, dY):
    X = np.arctanh(Y)
    return dY * (1 - np.tanh(X) ** 2)


def _tanh_again(Y, dY):
    return dY * (1 - np.tanh(Y) ** 2)


X = np.zeros((4, 3))  # a global X that a wrong answer might read


def _global_x(Y, dY):
    return dY * (1 - np.tanh(X) ** 2)


def _hidden_tanh(Y, dY):
    return dY * (1 - _helper(Y) ** 2)


def _helper(Y):
    return np.tanh(np.arctanh(Y))


@pytest.mark.parametrize(
    "wrong, says",
    [
        (_through_arctanh, "np.tanh and np.arctanh"),
        (_tanh_again, "uses np.tanh"),
        (_global_x, "the input X"),
    ],
)
def test_tanh_backward_refuses_tanh_and_x(wrong, says, capsys):
    assert bp.check_tanh_backward(wrong) is False
    out = capsys.readouterr().out
    assert says in out and "Y already is tanh(X)" in out, out


def _tanh_of(Y):
    return np.tanh(Y)


def _tanh_in_a_helper(Y, dY):  # np.tanh called in a helper of the learner's
    return dY * (1 - _tanh_of(Y) ** 2)


@pytest.mark.parametrize(
    "wrong, says",
    [(_hidden_tanh, "np.arctanh and np.tanh"), (_tanh_in_a_helper, "np.tanh")],
)
def test_tanh_backward_refuses_a_tanh_hidden_in_another_function(wrong, says, capsys):
    assert bp.check_tanh_backward(wrong) is False
    out = capsys.readouterr().out
    assert f"calls {says} (through another function)" in out and "Y already is tanh(X)" in out
    assert "nan or inf" not in out  # name the real bug (tanh applied again), not a symptom
    assert np.tanh(0.5) == pytest.approx(0.46211715726)  # np.tanh is back afterwards


def test_tanh_backward_hides_the_formula_until_the_third_try(capsys):
    wrong = lambda Y, dY: dY * Y  # noqa: E731
    outs = []
    for _ in range(3):
        bp.check_tanh_backward(wrong)
        outs.append(capsys.readouterr().out)
    assert all("dY times the slope" not in out for out in outs[:2])
    assert "dY times the slope 1 − Y²" in outs[2]


def _mlp_with(bug):
    """The reference backward pass with one usual bug, and what follows from it."""

    def backward(cache):
        X, y, W2, Z1, H, P = (cache[k] for k in ("X", "y", "W2", "Z1", "H", "P"))
        dZ2 = P.copy()
        dZ2[np.arange(len(y)), y] -= 1
        dZ2 = dZ2 if bug == "no mean" else dZ2 / len(y)
        dW2 = (H.T @ dZ2).T if bug == "dW2 transposed" else H.T @ dZ2
        db2 = dZ2.sum(axis=1) if bug == "db2 axis" else dZ2.sum(axis=0)
        dH = dZ2 @ W2.T
        dZ1 = {"no mask": dH, "times Z1": dH * Z1}.get(bug, dH * (Z1 > 0))
        dW1 = dZ1.T @ X if bug == "dW1 transposed" else X.T @ dZ1
        db1 = dZ1.sum() if bug == "db1 summed" else dZ1.sum(axis=0)
        return dict(dZ2=dZ2, dW2=dW2, db2=db2, dH=dH, dZ1=dZ1, dW1=dW1, db1=db1)

    return backward


@pytest.mark.parametrize(
    "bug, first_wrong, says",
    [
        ("no mean", "dZ2", bp.NO_MEAN),
        ("dW2 transposed", "dW2", bp.TRANSPOSED),
        ("db2 axis", "db2", bp.SUM_AXIS),
        ("no mask", "dZ1", bp.NO_MASK),
        ("times Z1", "dZ1", bp.TIMES_VALUE),
        ("dW1 transposed", "dW1", bp.TRANSPOSED),
        ("db1 summed", "db1", bp.SUM_ALL),
    ],
)
def test_mlp_backward_names_the_bug_on_the_first_wrong_line(bug, first_wrong, says, capsys):
    assert bp.check_mlp_backward(_mlp_with(bug)) is False
    lines = capsys.readouterr().out.splitlines()
    wrong = next(i for i, line in enumerate(lines) if line.startswith("✗"))
    assert lines[wrong].split()[1] == first_wrong
    assert lines[wrong + 1] == f"    Hint: {says}"
    assert sum(line.startswith("    Hint:") for line in lines) == 1  # one bug, one hint
    assert bp.check_mlp_backward(_mlp_with(None)) is True


def test_mlp_backward_points_at_the_first_broken_link(capsys):
    def relu_forgotten(cache):
        g = bp.reference_mlp_backward(cache)
        dZ1 = g["dH"]  # the bug: no ReLU mask
        return dict(g, dZ1=dZ1, dW1=cache["X"].T @ dZ1, db1=dZ1.sum(axis=0))

    assert bp.check_mlp_backward(relu_forgotten) is False
    out = capsys.readouterr().out
    for line in ("✓ dZ2", "✓ dW2", "✓ db2", "✓ dH", "✗ dZ1", "✗ dW1", "✗ db1"):
        assert line in out
    assert bp.check_mlp_backward(lambda cache: {"dZ2": None}) is False
    assert "not computed yet" in capsys.readouterr().out
    assert bp.check_mlp_backward(lambda cache: 1 / 0) is False
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_mlp_case_is_away_from_relu_kinks_and_matches_the_loss():
    cache, loss = bp.mlp_case()
    assert np.abs(cache["Z1"]).min() > 1e-6  # (Z1 > 0) and (Z1 >= 0) agree here
    P = cache["P"]
    assert loss == pytest.approx(-np.mean(np.log(P[np.arange(len(cache["y"])), cache["y"]])))


# ------------------------------------------------ 3.2: learners' slips, each named


def test_linear_backward_without_return_says_return_is_missing(capsys):
    """A missing `return` gives None; the lesson never says what None is, so the message
    says in words that the return line is missing."""

    def forgot_return(X, W, b, dY):
        dX, dW, db = dY @ W.T, X.T @ dY, dY.sum(axis=0)  # noqa: F841

    assert bp.check_linear_backward(forgot_return) is False
    out = capsys.readouterr().out
    assert "it returned None, Python's word for no value: is a `return` missing?" in out
    assert "NoneType" not in out


def test_linear_backward_without_return_keeps_its_hint_about_return(capsys):
    """On a third try a missing `return` once got the general hint about db; each try's
    hint must be about the return line, the real bug."""

    def forgot_return(X, W, b, dY):
        dX, dW, db = dY @ W.T, X.T @ dY, dY.sum(axis=0)  # noqa: F841

    for _ in range(4):
        assert bp.check_linear_backward(forgot_return) is False
        out = capsys.readouterr().out
        assert _hints(out) == ["Hint: the function's last line must be `return dX, dW, db`"], out


def test_linear_backward_transposed_dx_is_named(capsys):
    """`W @ dY.T` is dX turned round: the check says so, not only that the shape is wrong."""
    assert bp.check_linear_backward(lambda X, W, b, dY: (W @ dY.T, X.T @ dY, dY.sum(0))) is False
    out = capsys.readouterr().out
    assert _hint_follows(out, "✗ dX") == f"Hint: {bp.TRANSPOSED_X}", out
    assert "transpose of the right one" in bp.TRANSPOSED_X


def test_linear_backward_with_two_arrays_says_how_many_it_returned(capsys):
    assert bp.check_linear_backward(lambda X, W, b, dY: (dY @ W.T, X.T @ dY)) is False
    out = capsys.readouterr().out
    assert "it returned 2 items, but it must return 3 arrays (dX, dW, db)" in out
    assert "got tuple" not in out


def test_linear_backward_with_one_array_says_so(capsys):
    assert bp.check_linear_backward(lambda X, W, b, dY: dY @ W.T) is False
    out = capsys.readouterr().out
    assert "it returned one ndarray, but it must return 3 arrays" in out


def test_linear_backward_divided_by_n_is_named(capsys):
    """Dividing all three by len(X) (after reading that the loss is a mean) is named as such,
    not answered with a hint about shapes, which are right."""

    def over_n(X, W, b, dY):
        n = len(X)
        return dY @ W.T / n, X.T @ dY / n, dY.sum(axis=0) / n

    assert bp.check_linear_backward(over_n) is False
    out = capsys.readouterr().out
    assert _hints(out) == [f"Hint: {bp.DIVIDED_BY_N}"], out
    assert "shape" not in _hints(out)[0]
    # dW alone divided: named on its own line too
    ex.reset_tries()
    only_dw = lambda X, W, b, dY: (dY @ W.T, X.T @ dY / len(X), dY.sum(0))  # noqa: E731
    assert bp.check_linear_backward(only_dw) is False
    assert _hints(capsys.readouterr().out) == [f"Hint: {bp.DIVIDED_BY_N}"]
    # a second try: still about the division, then the recipe, not about shapes
    bp.check_linear_backward(only_dw)
    (said,) = _hints(capsys.readouterr().out)
    assert said.startswith(f"Hint: {bp.DIVIDED_BY_N}") and "X.T @ dY" in said
    assert "shape" not in said
    # the second try once gave all three lines, right ones too; now only dW's own line
    assert "dY @ W.T" not in said and "axis" not in said, said


def _hint_follows(out, line_start):
    """The hint printed right under the ✗ line that starts with ``line_start``."""
    lines = [line.strip() for line in out.splitlines()]
    at = next(i for i, line in enumerate(lines) if line.startswith(line_start))
    return lines[at + 1] if lines[at + 1].startswith("Hint:") else None


@pytest.mark.parametrize("tries", [2, 3])
def test_linear_backward_later_hints_stay_about_the_wrong_array(tries, capsys):
    """On a second or third wrong try, the hint under "✗ db" is about db, not about dX."""
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.sum())  # noqa: E731
    for _ in range(tries):
        bp.check_linear_backward(wrong)
    out = capsys.readouterr().out.split("batch of 5, W of shape (3, 3):")[-1]
    said = _hint_follows(out, "✗ db")
    assert said is not None and bp.SUM_ALL in said, out
    assert "dX" not in said, said
    assert len(_hints(out)) == 1, out


@pytest.mark.parametrize(
    "wrong, line",
    [
        (lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.max(axis=0)), "✗ db"),
        (lambda X, W, b, dY: (dY @ W.T * 2, X.T @ dY, dY.sum(axis=0)), "✗ dX"),
        (lambda X, W, b, dY: (dY @ W.T, X.T @ dY + 1, dY.sum(axis=0)), "✗ dW"),
    ],
)
def test_linear_backward_unnamed_bug_gets_a_hint_about_its_own_array(wrong, line, capsys):
    name = line.split()[1]
    for level in range(1, 5):
        bp.check_linear_backward(wrong)
        out = capsys.readouterr().out
        said = _hint_follows(out, line)
        assert said is not None and len(_hints(out)) == 1, out
        # the shape is right here: the first hint says so, not "it has the shape of ..."
        first = bp.RIGHT_SHAPE_FIRST[name]
        assert said == f"Hint: {first if level == 1 else bp.ARRAY_HINTS[name][level - 1]}"
        other = {"dX": "W.T", "dW": "X.T", "db": "axis"}
        assert level == 4 or all(
            formula not in said for key, formula in other.items() if key != name
        ), said


def test_mlp_backward_without_return_says_return_is_missing(capsys):
    assert bp.check_mlp_backward(lambda cache: None) is False
    out = capsys.readouterr().out
    assert "is a `return` missing?" in out and "NoneType" not in out


def _local_x(Y, dY):  # a right answer, with a helper variable named X (not the input X)
    X = 1 - Y**2
    return dY * X


def test_tanh_backward_accepts_a_local_variable_named_x(capsys):
    """A helper variable the learner calls X is not the input X: it is not refused."""
    assert bp.check_tanh_backward(_local_x) is True
    assert "the input X" not in capsys.readouterr().out


def test_keepdims_hint_names_the_shape_not_a_mean():
    assert "keepdims" in bp.KEPT_DIMS and "(outputs,)" in bp.KEPT_DIMS
    assert "mean" not in bp.KEPT_DIMS


def test_right_shapes_under_the_raise_line_say_to_delete_it(capsys):
    """A learner may keep `raise NotImplementedError(...)` above the right dict. The hint
    alone ("a gradient has the shape of ...") read as if the shapes were wrong: the
    check must say that the code under that line never runs, and to delete the line."""

    def gradient_shapes():
        raise NotImplementedError("a gradient has the shape of the array it belongs to")
        return {"Y": (32, 10), "dY": (32, 10), "dX": (32, 64), "dW": (64, 10), "db": (10,)}

    assert bp.check_gradient_shapes(gradient_shapes) is False
    out = capsys.readouterr().out
    assert "never runs" in out and "raise NotImplementedError" in out and "delete the line" in out


def test_untouched_exercise_says_to_delete_the_raise(capsys):
    def linear_backward(X, W, b, dY):
        raise NotImplementedError("which product has that shape?")

    assert bp.check_linear_backward(linear_backward) is False
    out = capsys.readouterr().out
    assert "which product has that shape?" in out
    assert "Delete the line `raise NotImplementedError(...)`" in out


def test_db_as_one_row_says_a_single_number_with_a_comma(capsys):
    """db as (1, 10): "a shape of one number" made a learner think of (), the shape of a
    number, so the message says "a single number with a comma", (10,)."""
    shapes = {"Y": (32, 10), "dY": (32, 10), "dX": (32, 64), "dW": (64, 10), "db": (1, 10)}
    assert bp.check_gradient_shapes(lambda: shapes) is False
    out = capsys.readouterr().out
    assert "shape of one number" not in out
    assert "a single number, written with a comma" in out


def test_shapes_written_as_lists_pass_with_a_note(capsys):
    """Lists such as ``[10]`` and ``[32, 10]`` once passed without a word, although the
    text stresses that a shape is a tuple, ``(10,)``. They still pass (the numbers are right),
    but the ✓ line says a shape is a tuple."""
    shapes = {"Y": [32, 10], "dY": (32, 10), "dX": (32, 64), "dW": (64, 10), "db": [10]}
    assert bp.check_gradient_shapes(lambda: shapes) is True
    out = capsys.readouterr().out
    assert "✓ db: (10,) (right numbers; you wrote a list, but a shape is a tuple" in out
    assert "✓ Y: (32, 10) (right numbers; you wrote a list" in out
    assert "✓ dY: (32, 10)\n" in out


def test_a_missing_shape_is_named_missing_not_none(capsys):
    """A dict without "dY" once printed "got None", a word the lesson never introduces."""
    shapes = {"Y": (32, 10), "dX": (32, 64), "dW": (64, 10), "db": (10,)}
    assert bp.check_gradient_shapes(lambda: shapes) is False
    out = capsys.readouterr().out
    assert "✗ dY: missing (the dict has no key 'dY')" in out
    assert "None" not in out


def _bracket_depth(line):
    """How deep the round brackets of a line nest (1: no bracket inside a bracket)."""
    depth = deepest = 0
    for char in line:
        depth += (char == "(") - (char == ")")
        deepest = max(deepest, depth)
    return deepest


def test_shape_reasons_have_no_brackets_inside_brackets(capsys):
    """Messages such as "got 10, which is not its shape ((10) is just the number 10; a one-element
    tuple needs a comma: (10,))" and "expected (10,) (() is a single number: ...)" were hard
    to read. A reason that holds brackets itself comes as a sentence of its own."""
    tries = [
        {"Y": (32, 10), "dY": (32, 10), "dX": (32, 64), "dW": (10, 64), "db": 10},
        {"Y": (32, 10), "dY": (32, 64), "dX": (32, 64), "dW": (64, 10), "db": ()},
        {"Y": (32, 64), "dY": (32, 10), "dX": (64, 32), "dW": (64, 10), "db": (1, 10)},
    ]
    for shapes in tries:  # one wrong try after the other: first without, then with the answer
        assert bp.check_gradient_shapes(lambda shapes=shapes: shapes) is False
        wrong = [x for x in capsys.readouterr().out.splitlines() if x.startswith("✗")]
        assert wrong and all(_bracket_depth(line) == 1 for line in wrong), wrong
    ex.reset_tries()
    bp.check_gradient_shapes(lambda: tries[0])
    out = capsys.readouterr().out
    assert "✗ db: got 10, which is not its shape. Why: (10) is just the number 10" in out
    assert "✗ dW: got (10, 64), which is not its shape (that is the transpose)" in out
    bp.check_gradient_shapes(lambda: tries[1])
    assert "✗ db: got (), expected (10,). Why: () is a single number" in capsys.readouterr().out


def test_linear_backward_divided_by_n_says_where_the_1_over_n_comes_from(capsys):
    """The hint "the loss is a mean, so dY already carries its 1/N" relied on dZ = (P - T)/N,
    which only a going-deeper part derives. The hint now gives the reason in plain words: a
    mean is 1/N times a sum, so the derivatives of a mean loss have the 1/N already."""

    def over_n(X, W, b, dY):
        return dY @ W.T / len(X), X.T @ dY / len(X), dY.sum(axis=0) / len(X)

    assert bp.check_linear_backward(over_n) is False
    (said,) = _hints(capsys.readouterr().out)
    assert "divided by the batch size N" in said
    assert "A mean loss is 1/N times a sum" in said and "dY brings it" in said
    assert "dZ" not in said and "P - T" not in said and "carries its 1/N" not in said


# --- learners' wrong answers to 3.2: a short hint that names the bug ------------------------


def test_divided_by_n_hint_is_short_and_names_the_bug(capsys):
    """The wrong try `dW / len(X)` once got a correct but long hint. It now says the bug
    (a division by the batch size N) and its reason (dY already holds the 1/N) in a few words."""
    ex.reset_tries()

    def dw_over_n(X, W, b, dY):
        return dY @ W.T, X.T @ dY / len(X), dY.sum(axis=0)

    assert bp.check_linear_backward(dw_over_n) is False
    (said,) = _hints(capsys.readouterr().out)
    assert "divided by the batch size N" in said and "must not divide" in said
    assert "the 1/N is in dY already" in said
    assert len(bp.DIVIDED_BY_N.split()) <= 32, bp.DIVIDED_BY_N


# --- more wrong answers to 3.2, each named in plain words --------------------------------


def test_mean_instead_of_sum_gives_the_reason_in_plain_words(capsys):
    """`db = dY.mean(axis=0)` once got "(the loss already did that)", a link from
    "the loss is a mean" to "no division in db" that the core had not made. The hint now says
    it: the loss is a mean, so dY already holds its 1/N (the core's section 7 says it too)."""
    ex.reset_tries()
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.mean(axis=0))  # noqa: E731
    assert bp.check_linear_backward(wrong) is False
    (said,) = _hints(capsys.readouterr().out)
    assert "db is their sum" in said and "no division by N" in said
    assert "the loss is a mean, so dY already holds its 1/N" in said
    assert "already did that" not in said


def test_db_second_hint_says_why_no_division_in_plain_words(capsys):
    """The second db hint (for `dY.sum()`, twice) said "(the loss already divided by
    N)"; it now says why, in the core's words. A sum over the wrong axis no longer hears
    about a mean (no mean was taken), so an unnamed db bug shows it here."""
    ex.reset_tries()
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.max(axis=0))  # noqa: E731
    bp.check_linear_backward(wrong)
    capsys.readouterr()
    bp.check_linear_backward(wrong)
    said = _hint_follows(capsys.readouterr().out, "✗ db")
    assert said is not None and "a sum, not a mean" in said, said
    assert "the loss is a mean, so dY already holds its 1/N" in said, said
    assert "already divided by N" not in said, said


def test_shapes_text_for_a_tuple_says_remove_the_quotes(capsys):
    """A shape typed as text, "(32, 10)", once got "got '(32, 10)', expected (32, 10)" with a
    reason about shapes; the message must say it is text in quote marks."""
    answer = {"Y": "(32, 10)", "dY": (32, 10), "dX": (32, 64), "dW": (64, 10), "db": (10,)}
    assert bp.check_gradient_shapes(answer) is False
    said = capsys.readouterr().out
    assert "you wrote text (a string, in quote marks)" in said and "remove the quotes" in said


def test_linear_backward_mean_hint_does_not_repeat_itself(capsys):
    """After two tries with dY.mean(axis=0) the hint once said "a sum, not a mean ...
    1/N" twice, once in the bug and once in the next step."""
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.mean(axis=0))  # noqa: E731
    for _ in range(3):
        assert bp.check_linear_backward(wrong) is False
        out = capsys.readouterr().out
        assert out.count("1/N") <= 1, out


def test_linear_backward_matmul_misfit_gets_no_unrelated_db_hint(capsys):
    """After `dW = X @ dY` (an @ that does not fit) the third try once printed the general
    hint about db, though db was right."""
    wrong = lambda X, W, b, dY: (dY @ W.T, X @ dY, dY.sum(axis=0))  # noqa: E731
    for _ in range(3):
        assert bp.check_linear_backward(wrong) is False
        out = capsys.readouterr().out
        assert "which one needs a .T?" in out and "not a mean" not in out, out


def _central_difference_dW(X, W, b, dY, h=1e-5):
    """dW estimated as notebook 01 teaches: central differences of L = sum(dY * Y)."""
    dW = np.zeros_like(W)
    for j in range(W.shape[0]):
        for k in range(W.shape[1]):
            up, down = W.copy(), W.copy()
            up[j, k] += h
            down[j, k] -= h
            dW[j, k] = (np.sum(dY * (X @ up + b)) - np.sum(dY * (X @ down + b))) / (2 * h)
    return dW


def test_linear_backward_estimate_is_called_close_not_plain_wrong(capsys):
    # a right value, estimated by a finite difference, must not be shown as just "WRONG"
    def estimated(X, W, b, dY):
        return dY @ W.T, _central_difference_dW(X, W, b, dY) * (1 + 1e-6), dY.sum(axis=0)

    assert not bp.check_linear_backward(estimated)
    out = capsys.readouterr().out
    assert "✓ dX" in out and "✗ dW" in out
    assert "close to the right ones, but not equal" in out and "estimate" in out
    assert "exact value" in out


@pytest.mark.parametrize("number", ["3.4", "3.5"])
def test_rounded_answers_are_called_close_not_plain_wrong(number, capsys):
    name, check = CHECKS[number]
    namespace = {"np": np}
    exec(answers()[number].answer_code, namespace)
    right = namespace[name]

    def rounded(*args):
        got = right(*args)
        if isinstance(got, dict):
            return {k: np.round(v, 5) for k, v in got.items()}
        return np.round(got, 5)

    assert check(rounded) is False
    out = capsys.readouterr().out
    assert "WRONG" in out and "close to the right ones, but not equal" in out
    assert "max difference 0.00e+00" not in out


def test_tanh_backward_low_precision_is_called_close_not_plain_wrong(capsys):
    def low_precision(Y, dY):
        return (dY * (1 - Y**2)).astype(np.float32).astype(np.float16)

    assert not bp.check_tanh_backward(low_precision)
    assert "close to the right ones, but not equal" in capsys.readouterr().out


def test_a_formula_bug_is_not_called_close(capsys):
    assert not bp.check_linear_backward(lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.mean(axis=0)))
    assert "close to the right ones" not in capsys.readouterr().out


def test_a_second_close_try_gets_no_hint_about_the_formula(capsys):
    def estimated(X, W, b, dY):
        return dY @ W.T, (X.T @ dY) * (1 + 1e-6), dY.sum(axis=0)

    for _ in range(2):
        assert not bp.check_linear_backward(estimated)
    out = capsys.readouterr().out
    assert out.count("close to the right ones, but not equal") == 2
    assert "pick the one whose shape is right" not in out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda X, W, b, dY: (dY @ W.T(), X.T @ dY, dY.sum(axis=0)),  # .T called like a method
        lambda X, W, b, dY: (dY @ W.T, X.T() @ dY, dY.sum(axis=0)),
    ],
)
def test_linear_backward_t_with_parentheses_says_to_drop_them(wrong, capsys):
    """`W.T()` raises "'numpy.ndarray' object is not callable", and the hint once was
    the general one about shapes, which does not say that `.T` takes no parentheses."""
    for _ in range(3):  # the same hint on every try: the general ones never follow it
        _refused_quoting_the_error(wrong, "TypeError", "not callable", bp.T_CALLED, capsys)
    assert "`.T` is written without parentheses" in bp.T_CALLED


def test_linear_backward_db_equal_to_b_is_not_told_about_its_shape(capsys):
    """`db = b` has b's shape, yet its first hint once began "db has the shape of
    b"; a right shape with wrong numbers now hears that the shape is right."""
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, b)  # noqa: E731
    assert bp.check_linear_backward(wrong) is False
    said = _hint_follows(capsys.readouterr().out, "✗ db")
    assert said == f"Hint: {bp.RIGHT_SHAPE_FIRST['db']}", said
    assert "has the shape of b" not in said
    # a wrong shape still gets the hint about the shape
    ex.reset_tries()
    bp.check_linear_backward(lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY))
    said = _hint_follows(capsys.readouterr().out, "✗ db")
    assert said == f"Hint: {bp.ARRAY_HINTS['db'][0]}", said


def test_linear_backward_method_without_brackets_is_named(capsys):
    """`dY @ W.transpose` (the method, not called) was once told that two arrays
    do not fit; one side is not an array at all."""
    wrong = lambda X, W, b, dY: (dY @ W.transpose, X.T @ dY, dY.sum(axis=0))  # noqa: E731
    for _ in range(2):
        assert bp.check_linear_backward(wrong) is False
        out = capsys.readouterr().out
        assert "do not fit" not in out, out
        assert "not an array" in out and _hints(out) == [f"Hint: {bp.METHOD_IN_PRODUCT}"], out


def test_linear_backward_hints_have_no_stray_full_stop(capsys):
    """The second hint after an @ that did not fit once read "needs a .T?. Next
    step"."""

    def clash(X, W, b, dY):
        return dY @ X, X.T @ dY, dY.sum(axis=0)

    for _ in range(2):
        bp.check_linear_backward(clash)
    out = capsys.readouterr().out
    assert "needs a .T? Next step:" in out and "?." not in out, out


def test_linear_backward_last_hint_gives_only_the_wrong_line(capsys):
    """After `db = dY.mean(axis=0)`, the third try once printed all three lines,
    though dX and dW were right. The last hint gives db's line alone."""
    wrong = lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.mean(axis=0))  # noqa: E731
    for _ in range(3):
        bp.check_linear_backward(wrong)
    (said,) = _hints(capsys.readouterr().out.split("batch of 5")[-1])
    assert said.endswith("db = dY.sum(axis=0)"), said
    assert "W.T" not in said and "X.T" not in said, said


@pytest.mark.parametrize(
    "wrong, name",
    [
        (lambda X, W, b, dY: (dY @ W.T + b, X.T @ dY, dY.sum(axis=0)), "dX"),  # + b added
        (lambda X, W, b, dY: (dY @ W.T, X.T @ dY + b, dY.sum(axis=0)), "dW"),
    ],
)
def test_linear_backward_plus_b_is_named_not_sent_to_another_product(wrong, name, capsys):
    """`dX = dY @ W.T + b` was once asked "Which product of dY with W or with W.T
    is it?", though the product was right; the + b was the slip."""
    for _ in range(2):
        assert bp.check_linear_backward(wrong) is False
        said = _hint_follows(capsys.readouterr().out, f"✗ {name}")
        assert said is not None and "right product plus b" in said and "+ b" in said, said
        assert "Which product" not in said, said
    assert said.endswith(bp.ARRAY_HINTS[name][-1]), said


@pytest.mark.parametrize(
    "wrong",
    [
        lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.sum()),  # summed over all
        lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.sum(axis=1)),
    ],
)
def test_linear_backward_wrong_sum_hears_nothing_about_a_mean(wrong, capsys):
    """After `db = dY.sum()` the second hint once said "a sum, not a mean", though
    no mean was taken; its next step is now the axis."""
    for _ in range(3):
        assert bp.check_linear_backward(wrong) is False
        said = _hint_follows(capsys.readouterr().out, "✗ db")
        assert said is not None and "mean" not in said, said
    assert said.endswith("db = dY.sum(axis=0)"), said


def test_linear_backward_swapped_product_hint_names_the_order(capsys):
    """`dX = W.T @ dY` (the two sides swapped) once heard only "which one needs a
    .T?"; the hint now asks about the order too."""
    wrong = lambda X, W, b, dY: (W.T @ dY, X.T @ dY, dY.sum(axis=0))  # noqa: E731
    assert bp.check_linear_backward(wrong) is False
    (said,) = _hints(capsys.readouterr().out)
    assert "order matters" in said and "swapped" in said and "needs a .T?" in said, said


def _in_the_notebook(source: str):
    """The function ``source`` defines, as if run in notebook 03 after section 7: its globals
    hold the section's ``W_small`` and ``X_small`` and the two-moons ``X``."""
    space = {
        "np": np,
        "W_small": np.array([[1.0, 0.5], [2.0, 0.0], [-1.0, 1.0]]),
        "X_small": np.array([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]]),
        "X": np.ones((200, 2)),
        "dY": np.ones((5, 3)),
    }
    exec(source, space)
    return space["linear_backward"]


@pytest.mark.parametrize("tries", [1, 3])
def test_linear_backward_reading_notebook_arrays_is_named(tries, capsys):
    """A slip in the notebook: the body reads section 7's W_small and the two-moons X, not its
    arguments. The hint says so (on every try), not that a product is the wrong way round."""
    wrong = _in_the_notebook(
        "def linear_backward(Xin, Win, b, dY):\n"
        "    dX = dY @ W_small.T\n"
        "    dW = X.T @ dY\n"
        "    db = dY.sum(axis=0)\n"
        "    return dX, dW, db\n"
    )
    for _ in range(tries):
        capsys.readouterr()
        assert bp.check_linear_backward(wrong) is False
    out = capsys.readouterr().out
    assert "reads W_small and X from the notebook" in out
    assert "(Xin, Win, b, dY)" in out
    assert "which one needs a .T?" not in out


def test_linear_backward_notebook_array_of_the_right_shape_is_named(capsys):
    """A global of the right shape (a notebook dY of shape (5, 3)) computes, but wrongly: the
    hint names the global, not a usual bug of the recipe."""
    wrong = _in_the_notebook(
        "def linear_backward(X, W, b, grad):\n    return dY @ W.T, X.T @ dY, dY.sum(axis=0)\n"
    )
    assert bp.check_linear_backward(wrong) is False
    out = capsys.readouterr().out
    assert "dX  WRONG" in out and "reads dY from the notebook" in out and "(X, W, b, grad)" in out


def test_linear_backward_arguments_named_like_notebook_arrays_are_not_globals(capsys):
    """An argument named X (the notebook also has an X) is the argument: the right answer,
    run among the notebook's arrays, passes and hears nothing about globals."""
    right = _in_the_notebook(
        "def linear_backward(X, W, b, dY):\n    return dY @ W.T, X.T @ dY, dY.sum(axis=0)\n"
    )
    assert bp.check_linear_backward(right) is True
    assert "from the notebook" not in capsys.readouterr().out
