"""The checks of notebook 03's exercises accept the answers in the notebook's <details>
blocks and reject typical wrong answers with targeted output."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # for tools/, not installed

from helpers.exercises import backpropagation as bp  # noqa: E402
from tools.lessons import exercises  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_backpropagation.ipynb"
CHECKS = {"3.1": ("gradient_shapes", bp.check_gradient_shapes),
          "3.2": ("linear_backward", bp.check_linear_backward),
          "3.3": ("tanh_backward", bp.check_tanh_backward),
          "3.4": ("softmax_ce_backward", bp.check_softmax_ce_backward),
          "3.5": ("mlp_backward", bp.check_mlp_backward)}


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
    assert not bp.check_gradient_shapes(lambda: {"Y": (32, 10), "dY": (32, 10), "dX": (32, 64),
                                                 "dW": (10, 64), "db": (1, 10)})
    out = capsys.readouterr().out
    assert "✗ dW: got (10, 64), expected (64, 10)" in out and "✗ db" in out
    assert "✓ dX" in out
    assert not bp.check_gradient_shapes(["not", "a", "dict"])


def test_linear_backward_without_axis_is_caught(capsys):
    def wrong(X, W, b, dY):
        return dY @ W.T, X.T @ dY, dY.sum()          # db: one number, broadcast later
    assert bp.check_linear_backward(wrong) is False
    out = capsys.readouterr().out
    assert "✓ dX" in out and "✗ db  shape ()" in out

    def transposed(X, W, b, dY):
        return dY @ W.T, (X.T @ dY).T, dY.sum(axis=0)
    assert bp.check_linear_backward(transposed) is False
    assert "✗ dW  shape" in capsys.readouterr().out

    assert bp.check_linear_backward(lambda X, W, b, dY: (dY @ W.T,)) is False
    assert "tuple of 3" in capsys.readouterr().out


def test_tanh_backward_using_the_wrong_formula_is_caught(capsys):
    assert bp.check_tanh_backward(lambda Y, dY: dY * (1 - np.tanh(Y) ** 2)) is False
    assert "WRONG" in capsys.readouterr().out


def test_softmax_ce_backward_without_the_mean_is_caught(capsys):
    def no_mean(Z, y):
        P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        P[np.arange(len(y)), y] -= 1
        return P
    assert bp.check_softmax_ce_backward(no_mean) is False
    out = capsys.readouterr().out
    assert "WRONG" in out                 # the batch of 6
    assert out.count("✓ dZ") == 1        # a batch of 1 cannot see the missing 1/N


def test_mlp_backward_points_at_the_first_broken_link(capsys):
    def relu_forgotten(cache):
        g = bp.reference_mlp_backward(cache)
        dZ1 = g["dH"]                                   # the bug: no ReLU mask
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
    assert np.abs(cache["Z1"]).min() > 1e-6     # (Z1 > 0) and (Z1 >= 0) agree here
    P = cache["P"]
    assert loss == pytest.approx(-np.mean(np.log(P[np.arange(len(cache["y"])), cache["y"]])))
