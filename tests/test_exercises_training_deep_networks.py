"""Lesson 05's checks name the real bug (issue 22): each fixed hint meets the wrong answer
that should trigger it."""

import math

import pytest

import helpers.exercises as ex
from helpers.exercises import training_deep_networks as tdn


@pytest.fixture(autouse=True)
def fresh_learner():
    ex.reset_tries()


def test_the_other_momentum_convention_gets_its_own_hint(capsys):
    """v ← μv − ηg, w ← w + v: the hint could never fire while the new w was compared first."""

    def other_convention(w, v, grad, lr, mu):
        v = mu * v - lr * grad
        return w + v, v

    assert tdn.check_momentum_step(other_convention) is False
    out = capsys.readouterr().out
    assert "other convention" in out and "v ← μv + g" in out


def test_the_other_convention_with_the_right_w_but_its_own_v_is_named_too(capsys):
    def half_other(w, v, grad, lr, mu):
        new_v = mu * v + grad
        return w - lr * new_v, mu * v - lr * grad

    assert tdn.check_momentum_step(half_other) is False
    assert "other convention" in capsys.readouterr().out


def test_a_stale_velocity_still_gets_its_hint(capsys):
    def stale(w, v, grad, lr, mu):
        return w - lr * v, mu * v + grad

    assert tdn.check_momentum_step(stale) is False
    out = capsys.readouterr().out
    assert "new* v" in out and "other convention" not in out


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
