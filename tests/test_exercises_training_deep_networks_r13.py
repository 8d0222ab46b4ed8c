"""Round 13 reader's wrong answers to exercise 5.4: each gets a message naming its bug."""

import numpy as np
import pytest

import helpers.exercises as ex
from helpers.exercises import training_deep_networks as tdn


@pytest.fixture(autouse=True)
def fresh_learner():
    ex.reset_tries()


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
]


@pytest.mark.parametrize("name, wrong, words", WRONG_ANSWERS, ids=[w[0] for w in WRONG_ANSWERS])
def test_residual_grad_wrong_answer_is_named(capsys, name, wrong, words):
    assert tdn.check_residual_grad(wrong) is False
    assert words in capsys.readouterr().out
