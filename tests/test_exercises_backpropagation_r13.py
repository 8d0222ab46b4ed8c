"""Round 13 reader items for the checks of notebook 03 (kept apart from
tests/test_exercises_backpropagation.py, which another change folds into tables)."""

import helpers.exercises as ex
from helpers.exercises import backpropagation as bp


def _hints(out):
    return [line.strip() for line in out.splitlines() if line.strip().startswith("Hint:")]


def test_divided_by_n_hint_is_short_and_names_the_bug(capsys):
    """The reader's wrong try `dW / len(X)` got a correct but long hint. It now says the bug
    (a division by the batch size N) and its reason (dY already holds the 1/N) in a few words."""
    ex.reset_tries()

    def dw_over_n(X, W, b, dY):
        return dY @ W.T, X.T @ dY / len(X), dY.sum(axis=0)

    assert bp.check_linear_backward(dw_over_n) is False
    (said,) = _hints(capsys.readouterr().out)
    assert "divided by the batch size N" in said and "must not divide" in said
    assert "the 1/N is in dY already" in said
    assert len(bp.DIVIDED_BY_N.split()) <= 32, bp.DIVIDED_BY_N
