"""The checks of notebooks 04 and 05 accept the answers in the notebooks' <details> blocks,
reject typical wrong answers with targeted feedback, and print the hint when unanswered."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # for tools/, not installed

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
    "4.1": (lambda: 15, "multiplies"),
    "4.2": (lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])), "biases"),
    "4.3": (lambda model, X, k: model.layers[2 * k - 2].forward(X), "wrong"),
    "4.4": (lambda: True, "continuous"),
    "5.1": (lambda: 2.0, "steepest"),
    "5.2": (lambda w, v, g, lr, mu: (w - lr * g, mu * v + g), "plain gradient descent"),
    "5.3": (lambda n: 1 / np.sqrt(n), "wrong"),
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
        return w - lr * v, mu * v + g               # uses the old velocity
    assert tdn.check_momentum_step(stale) is False
    assert "new* v" in capsys.readouterr().out
