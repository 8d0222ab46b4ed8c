"""Round 13 of notebook 02b: the reader's wrong answers whose feedback still had a gap.

The reader's `add` left out `* out.grad` (``self.grad += 1.0``) three times: the hint grew
once, then stayed the same. From the third try on it names the two lines of ``add``.
"""

import pytest

from helpers.exercises import build_your_own_engine as checks


@pytest.fixture(autouse=True)
def fresh_learner():
    checks.reset_tries()
    yield
    checks.reset_tries()


class Value:
    """The lesson's Value with the reader's `add`: the local derivatives alone."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0  # the reader's try: `* out.grad` forgotten
            other.grad += 1.0

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out


def test_the_local_derivatives_alone_get_a_bigger_hint_on_each_of_three_tries(capsys):
    said = []
    for _ in range(3):
        assert checks.check_add_mul(Value) is False
        said.append(capsys.readouterr().out)
    for out in said:
        assert "a and b received the local derivatives alone, not multiplied by out.grad" in out
        assert out.count("✗") == 1, out
    assert "the chain rule" in said[0] and "(local derivative) * out.grad" not in said[0]
    assert "self.grad += (local derivative) * out.grad" in said[1], said[1]
    third = said[2]
    assert "self.grad += 1.0 * out.grad and other.grad += 1.0 * out.grad" in third, third
    assert len({*said}) == 3, "each try should say more than the one before"
