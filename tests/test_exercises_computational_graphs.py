"""The checks of notebook 02's exercises accept the answers and reject the usual mistakes."""

import math

import pytest

from helpers.autodiff import Value
from helpers.exercises import computational_graphs as E
from helpers.forward_mode import Dual

# --- the answers, as in the notebook's <details> blocks --------------------------------


def predict():
    a = Value(3.0)
    b = a + a
    c = b * b
    c.backward()
    return a.grad


def softplus(v):
    x = v.data
    return Value(math.log1p(math.exp(x)), (v,), "softplus", _local=(1 / (1 + math.exp(-x)),))


def derivative(f, x):
    return f(Dual(x, 1.0)).der


def passes():
    return (1000, 1)


def todo(*args, **kwargs):
    raise NotImplementedError("a hint for the learner")


@pytest.mark.parametrize("check,answer", [
    (E.check_reuse_prediction, predict),
    (E.check_softplus, softplus),
    (E.check_forward_derivative, derivative),
    (E.check_pass_counts, passes),
])
def test_answers_pass_and_todo_prints_the_hint(check, answer, capsys):
    assert check(answer) is True
    assert "✓" in capsys.readouterr().out
    assert check(todo) is False
    out = capsys.readouterr().out
    assert "not done yet" in out and "a hint for the learner" in out


def test_reuse_prediction_rejects_one_use(capsys):
    assert E.check_reuse_prediction(lambda: 12.0) is False
    assert "one use of a only" in capsys.readouterr().out
    assert E.check_reuse_prediction(lambda: "24") is False


def test_softplus_rejects_composition_wrong_slope_and_floats(capsys):
    assert E.check_softplus(lambda v: (1 + v.exp()).log()) is False
    assert "ONE node" in capsys.readouterr().out
    wrong = lambda v: Value(math.log1p(math.exp(v.data)), (v,), "softplus",   # noqa: E731
                            _local=(math.log1p(math.exp(v.data)),))
    assert E.check_softplus(wrong) is False
    assert "that is softplus itself" in capsys.readouterr().out
    assert E.check_softplus(lambda v: math.log1p(math.exp(v.data))) is False
    assert "return a new Value" in capsys.readouterr().out
    no_local = lambda v: Value(math.log1p(math.exp(v.data)), (v,), "softplus")   # noqa: E731
    assert E.check_softplus(no_local) is False
    assert "_local" in capsys.readouterr().out


def test_forward_derivative_rejects_seed_zero_and_plain_numbers(capsys):
    assert E.check_forward_derivative(lambda f, x: f(Dual(x, 0.0)).der) is False
    assert "seed the input with derivative 1" in capsys.readouterr().out
    assert E.check_forward_derivative(lambda f, x: f(Dual(x, 1.0))) is False
    assert "result.der" in capsys.readouterr().out
    h = 1e-6
    fd = lambda f, x: (f(x + h) - f(x - h)) / (2 * h)       # noqa: E731
    assert E.check_forward_derivative(fd) is False


def test_pass_counts_rejects_swapped(capsys):
    assert E.check_pass_counts(lambda: (1, 1000)) is False
    assert "the other way round" in capsys.readouterr().out
    assert E.check_pass_counts(lambda: (1000, 1000)) is False
    assert E.check_pass_counts(lambda: "many") is False
