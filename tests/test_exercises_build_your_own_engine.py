"""The checks of notebook 02b (helpers.exercises.build_your_own_engine).

For each check: a right answer passes; each typical bug is named (and the expected number is
never printed); hints grow from a nudge to the method over wrong tries; broken code (raising,
returning nonsense, not a class) gives one ✗ line and never raises.
"""

import contextlib
import inspect
import io
import itertools
import json
import math
import pathlib
import random

import pytest

from helpers.autodiff import Value as Reference
from helpers.exercises import build_your_own_engine as checks


@pytest.fixture(autouse=True)
def fresh_learner():
    checks.reset_tries()
    yield
    checks.reset_tries()


# --- a right engine, micrograd style, and ways to break it ------------------------------------


def topological_order(root):
    order, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            for p in v._prev:
                visit(p)
            order.append(v)

    visit(root)
    return order


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = type(self)(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        self.grad = 1.0
        for v in reversed(topological_order(self)):
            v._backward()


def with_method(name, make_backward):
    """A subclass of the right Value whose operation `name` has the given _backward."""

    class Broken(Value):
        pass

    def op(self, other=None):
        if name == "tanh":
            out = Broken(math.tanh(self.data), (self,), "tanh")
            out._backward = make_backward(self, None, out)
        else:
            other = other if isinstance(other, Value) else Broken(other)
            data = self.data + other.data if name == "+" else self.data * other.data
            out = Broken(data, (self, other), name)
            out._backward = make_backward(self, other, out)
        return out

    setattr(Broken, {"+": "__add__", "*": "__mul__", "tanh": "tanh"}[name], op)
    return Broken


def learner_backward(tmp_path, *lines):
    """A make_backward(self, other, out) for with_method, whose _backward is the learner's
    `lines`, typed into a cell (run from a file by lesson_cells, so the check can quote them)."""
    body = "".join(f"        {line}\n" for line in lines)
    source = "import math\n\n\ndef make(self, other, out):\n    def _backward():\n"
    return lesson_cells(tmp_path, source + body + "\n    return _backward\n")["make"]


def refused_backward(backward, capsys) -> str:
    """What check_backward prints for a Value whose backward() is ``backward`` (refused)."""
    broken = type("Broken", (Value,), {"backward": backward})
    assert checks.check_backward(broken) is False
    return capsys.readouterr().out


def swapped_mul(s, o, out):  # each factor's own value where the other's belongs
    def b():
        s.grad += s.data * out.grad
        o.grad += o.data * out.grad

    return b


def right_says_no_expected_numbers(out, *numbers):
    for n in numbers:
        assert f"{n:g}" not in out.split("Hint")[0].split(":", 2)[-1], out


# --- 2b.1 ----------------------------------------------------------------------------------


# The learners' wrong _backward of +, * and tanh (where t = out.data is tanh(x)): the lines
# they typed, what the one ✗ line must say, and what it must not say.
WRONG_BACKWARD = [
    pytest.param(  # right numbers only while a.grad starts at 0
        "+",
        [
            "self.grad += out.grad",
            "other.grad += self.grad",
        ],
        [
            "a + b at a = 2, b = -3",
            "where a.grad was already 0.25",
            "b got the wrong share",
            "must not be computed from self.grad or other.grad",
            "`other.grad += self.grad` only looks right while a.grad starts at 0",
        ],
        [],
        id="+, b gets a's whole gradient (other.grad += self.grad)",
    ),
    pytest.param(
        "+",
        [
            "other.grad += out.grad",
            "self.grad += other.grad",
        ],
        [
            "a got the wrong share",
            "`self.grad += other.grad` only looks right while b.grad starts at 0",
        ],
        [],
        id="+, a gets b's whole gradient (self.grad += other.grad)",
    ),
    pytest.param(
        "+",
        [
            "self.grad += 1.0 * out.grad",
            "other.grad += 1.0 * self.grad",
        ],
        [
            "b got the wrong share",
            "must not be computed from self.grad or other.grad",
        ],
        [],
        id="+, 1.0 * self.grad for b",
    ),
    pytest.param(  # the same kind for *: right at a.grad = 0 since b's local derivative times
        "*",  # out.grad equals a.data / b.data times a's fresh share
        [
            "self.grad += other.data * out.grad",
            "other.grad += self.data / other.data * self.grad",
        ],
        [
            "a · b at a = 2, b = -3",
            "b got the wrong share",
            "must not be computed from self.grad or other.grad",
        ],
        [],
        id="*, b's share from a's gradient",
    ),
    pytest.param(
        "+",
        [
            "self.grad = out.grad",
            "other.grad = out.grad",
        ],
        [
            "instead of added to with += (which keeps it)",
        ],
        [],
        id="+, = where += belongs",
    ),
    pytest.param(
        "+",
        [
            "self.grad = out.grad",
            "other.grad = out.grad",
        ],
        [
            "a + a at a = 3: a is used twice",
        ],
        [],
        id="+, = where += belongs, is found with a node used twice",
    ),
    pytest.param(
        "*",
        [
            "self.grad = other.data * out.grad",
            "other.grad = self.data * out.grad",
        ],
        [
            "instead of added to with += (which keeps it)",
        ],
        [],
        id="*, = where += belongs",
    ),
    pytest.param(
        "*",
        [
            "self.grad += self.data * out.grad",
            "other.grad += other.data * out.grad",
        ],
        [
            "wrong local derivative of *",
        ],
        [],
        id="*, the local derivatives swapped",
    ),
    pytest.param(
        "*",
        [
            "self.grad += other.data",
            "other.grad += self.data",
        ],
        [
            "not multiplied by out.grad",
        ],
        [],
        id="*, not multiplied by out.grad",
    ),
    pytest.param(
        "+",
        [
            "pass",
        ],
        [
            "left a.grad and b.grad at 0",
        ],
        [],
        id="+, a _backward that does nothing",
    ),
    pytest.param(  # .data changed, not .grad: the message must say so
        "*",
        [
            "self.data += other.data * out.grad",
            "other.data += self.data * out.grad",
        ],
        [
            "left a.grad and b.grad at 0 and changed a.data instead",
            ".data is the node's value, the share goes into .grad",
        ],
        [],
        id="*, .data changed where .grad belongs",
    ),
    pytest.param(  # "wrong local derivative of *" alone was too vague here
        "*",
        [
            "self.grad += 1.0 * out.grad",
            "other.grad += 1.0 * out.grad",
        ],
        [
            "a and b received 1 times out.grad. 1 is the local derivative of +, not of *",
        ],
        ["the gradient reaching a is wrong"],
        id="*, the local derivatives of a sum",
    ),
    pytest.param(
        "*",
        [
            "self.grad += other.data + out.grad",
            "other.grad += self.data + out.grad",
        ],
        [
            "a and b received (local derivative) + out.grad",
            "use * between them, not +",
        ],
        ["the gradient reaching a is wrong"],
        id="*, + where * belongs between the local derivative and out.grad",
    ),
    pytest.param(
        "+",
        [
            "self.grad += 0.5 * out.grad",
            "other.grad += 0.5 * out.grad",
        ],
        [
            "wrong local derivative of +",
        ],
        [],
        id="+, a wrong local derivative",
    ),
    pytest.param(
        "+",
        [
            "self.grad += out.data * out.grad",
            "other.grad += out.data * out.grad",
        ],
        [
            "out.data (the value of a + b) is not the local derivative of +",
        ],
        ["wrong sign"],
        id="+, out.data as the local derivative",
    ),
    # a sign slip was once told "out.data (the value of a + b) is not the local
    # derivative" (at a = 2, b = -3, a + b = -1) or, in *, "wrong local derivative"
    pytest.param(
        "+",
        [
            "self.grad -= out.grad",
            "other.grad -= out.grad",
        ],
        [
            "a + b at a = 4, b = -1.25",
            "a and b received their share with the wrong sign",
            "so the local derivative is right",
            "taken away from self.grad and other.grad instead of added",
            "look for -= where += belongs, or a minus sign",
            "Hint: the chain rule adds each share to the gradient: +=, not -=",
        ],
        ["out.data", "wrong local derivative"],
        id="+, -= where += belongs (a sign slip)",
    ),
    pytest.param(
        "*",
        [
            "self.grad -= other.data * out.grad",
            "other.grad -= self.data * out.grad",
        ],
        [
            "a · b at a = 4, b = -1.25",
            "a and b received their share with the wrong sign",
            "so the local derivative is right",
            "look for -= where += belongs",
        ],
        ["wrong local derivative", "the notebook's own a and b", "1.875", "6"],
        id="*, -= where += belongs (a sign slip)",
    ),
    pytest.param(
        "*",
        [
            "self.grad += -other.data * out.grad",
            "other.grad += -self.data * out.grad",
        ],
        ["a and b received their share with the wrong sign", "or a minus sign"],
        ["wrong local derivative"],
        id="*, a minus sign in front of the share",
    ),
    pytest.param(
        "+",
        [
            "self.grad += out.grad",
            "other.grad -= out.grad",
        ],
        [
            "b received its share with the wrong sign",
            "taken away from other.grad instead of added",
        ],
        ["a and b", "self.grad instead", "out.data"],
        id="+, -= for other only",
    ),
    pytest.param(
        "*",
        [
            "self.grad -= other.data * out.grad",
            "other.grad += self.data * out.grad",
        ],
        ["a received its share with the wrong sign", "taken away from self.grad instead"],
        ["a and b", "wrong local derivative"],
        id="*, -= for self only",
    ),
    pytest.param(  # a contrived slip, once told "`* out.grad` is missing"
        "*",
        [
            "self.grad += (other.data + 1) * out.grad",
            "other.grad += self.data * out.grad",
        ],
        ["wrong local derivative of *: the gradient reaching a is wrong"],
        ["`* out.grad` is missing", "wrong sign"],
        id="*, (other.data + 1) as the local derivative",
    ),
    pytest.param(
        "+",
        [
            "self.grad += 1.0 * out.data",
            "other.grad += 1.0 * out.data",
        ],
        [
            "a and b received (local derivative) · out.data",
        ],
        [],
        id="+, out.data where out.grad belongs",
    ),
    pytest.param(
        "*",
        [
            "self.grad += other.data * out.data",
            "other.grad += self.data * out.data",
        ],
        [
            "a and b received (local derivative) · out.data",
        ],
        [],
        id="*, out.data where out.grad belongs",
    ),
    pytest.param(
        "+",
        [
            "self.grad += 1.0 * out.grad",
        ],
        [
            "b's gradient was never updated",
        ],
        [],
        id="+, other.grad never updated",
    ),
    pytest.param(
        "*",
        [
            "self.grad += other.data * out",
            "other.grad += self.data * out",
        ],
        [
            "out is a Value; its gradient is out.grad",
        ],
        [],
        id="*, out where out.grad belongs",
    ),
    pytest.param(
        "*",
        [
            "self.grad += other.grad * out.grad",
            "other.grad += self.data * out.grad",
        ],
        [
            "`self.grad += other.grad * out.grad`",
        ],
        [
            "never updated",
        ],
        id="*, a .grad for a .data in one line only is not called never updated",
    ),
    pytest.param(
        "*",
        [
            "self.grad += other.grad * out.grad",
            "other.grad += self.data * out.grad",
        ],
        [
            "multiplies by a gradient (.grad)",
            "where a value belongs, so the share added is wrong",
        ],
        [],
        id="*, one line of a .grad for a .data is quoted in the singular",
    ),
    pytest.param(  # self.grad is no longer 0 when the second line runs
        "*",
        [
            "self.grad += other.data * out.grad",
            "other.grad += self.data * self.grad",
        ],
        [
            "`other.grad += self.data * self.grad`",
            "by an input's gradient where out.grad belongs",
        ],
        [
            "still 0",
            "nothing is added",
        ],
        id="*, self.grad for out.grad after self.grad was updated is not called still 0",
    ),
    pytest.param(  # each input's own grad where out.grad belongs
        "*",
        [
            "self.grad += other.data * self.grad",
            "other.grad += self.data * other.grad",
        ],
        [
            "`self.grad += other.data * self.grad` and `other.grad += self.data * other.grad`",
            "by an input's gradient where out.grad belongs",
            "The local derivative is right. The factor missing is out.grad: the gradient "
            "arriving from the output",
        ],
        [
            "where a value (.data) belongs",
            "wrong local derivative",
            "other.data * out.grad",
        ],
        id="*, each input's own grad for out.grad names the missing out.grad",
    ),
    pytest.param(  # after a hint to use .data: a value where out.grad belongs
        "*",
        [
            "self.grad += other.data * self.data",
            "other.grad += self.data * other.data",
        ],
        [
            "a received (local derivative) · self.data and b received (local derivative) · "
            "other.data",
            "Their own values stand where out.grad belongs",
            "The local derivative is right. The factor missing is out.grad: the gradient "
            "arriving from the output",
        ],
        [
            "wrong local derivative",
            "data of the other input",
            "other.data * out.grad",
        ],
        id="*, each input's own value for out.grad names the missing out.grad",
    ),
    pytest.param(
        "+",
        [
            "self.grad += 1.0 * self.grad",
            "other.grad += 1.0 * other.grad",
        ],
        [
            "`self.grad += 1.0 * self.grad` and `other.grad += 1.0 * other.grad`",
            "The factor missing is out.grad",
        ],
        ["where a value (.data) belongs"],
        id="+, each input's own grad for out.grad names the missing out.grad",
    ),
    pytest.param(  # section 2's `local` typed as a Python name
        "*",
        [
            "self.grad += local * out.grad",
            "other.grad += local * out.grad",
        ],
        [
            "`local` in section 2 is a word for the local derivative, not a variable",
            "self's is other.data and other's is self.data",
            "NameError",
        ],
        [],
        id="*, the word local typed as a name gets a plain-words hint",
    ),
    pytest.param(
        "+",
        [
            "self.grad += slope * out.grad",
            "other.grad += slope * out.grad",
        ],
        [
            "your code uses the name `slope`, but no line has given it a value",
            "the names you have are self, other and out",
        ],
        [],
        id="+, an unknown name gets a plain-words hint",
    ),
    pytest.param(
        "*",
        [
            "self.grad += self.data * out.grad",
            "other.grad += self.data * out.grad",
        ],
        [
            "a received a · out.grad, its own value",
            "the other factor, b",
        ],
        [],
        id="*, its own value as self's local derivative",
    ),
    pytest.param(
        "+",
        [
            "self.grad += 1.0 * out.grad",
            "other.grad += other.data * out.grad",
        ],
        [
            "b received b · out.grad",
            "for b is 1, not b",
        ],
        [],
        id="+, its own value as other's local derivative",
    ),
    pytest.param(  # `other.grad += self.data`, out.grad forgotten
        "*",
        [
            "self.grad += other.data * out.grad",
            "other.grad += self.data",
        ],
        [
            "b received its local derivative alone, not multiplied by out.grad",
            "in the line for other.grad, `* out.grad` is missing",
        ],
        [
            "wrong local derivative",
        ],
        id="*, one input missing out.grad is not called a wrong local derivative",
    ),
    pytest.param(  # the local derivatives of * used for +
        "+",
        [
            "self.grad += other.data * out.grad",
            "other.grad += self.data * out.grad",
        ],
        [
            "a and b received the other input's value times out.grad",
            "That is the local derivative of *, not of +",
            "both local derivatives are 1",
        ],
        [
            " is off",
        ],
        id="+, the local derivatives of a product",
    ),
    pytest.param(
        "tanh",
        [
            "self.grad += (1 - self.data**2) * out.grad",
        ],
        [
            "tanh at x = ",
            "your code uses 1 − x² as the local derivative, with x the input",
        ],
        [],
        id="tanh, 1 - x² with x the input",
    ),
    pytest.param(
        "tanh",
        [
            "self.grad += out.data * out.grad",
        ],
        [
            "tanh at x = ",
            "tanh(x) itself, not its slope",
        ],
        [],
        id="tanh, tanh(x) itself for its slope",
    ),
    pytest.param(
        "tanh",
        [
            "self.grad = (1 - out.data**2) * out.grad",
        ],
        [
            "tanh at x = ",
            "instead of added to with += (which keeps it)",
        ],
        [],
        id="tanh, = where += belongs",
    ),
    pytest.param(
        "tanh",
        [
            "pass",
        ],
        [
            "tanh at x = ",
            "never updated the input's gradient, self.grad",
        ],
        [],
        id="tanh, a _backward that does nothing",
    ),
    pytest.param(  # t is tanh(x) already
        "tanh",
        [
            "self.grad += (1 - math.tanh(out.data) ** 2) * out.grad",
        ],
        [
            "tanh at x = ",
            "tanh is applied twice",
        ],
        [],
        id="tanh, tanh applied twice",
    ),
    pytest.param(
        "tanh",
        [
            "self.grad += (1 - out.data) * out.grad",
        ],
        [
            "tanh at x = ",
            "your local derivative is 1 − t: the slope of tanh is 1 − t²",
        ],
        [],
        id="tanh, 1 - t",
    ),
    pytest.param(  # the wrong node updated: out.grad, not self.grad
        "tanh",
        [
            "out.grad += (1 - out.data**2) * self.grad",
        ],
        [
            "tanh at x = ",
            "never updated the input's gradient, self.grad",
            "changed out.grad instead",
        ],
        [
            "derivative",
        ],
        id="tanh, out.grad updated, not self.grad, is not called a wrong derivative",
    ),
]


@pytest.mark.parametrize("op, backward, says, never", WRONG_BACKWARD)
def test_a_wrong_local_backward_is_named(capsys, tmp_path, op, backward, says, never):
    check = checks.check_tanh if op == "tanh" else checks.check_add_mul
    assert check(with_method(op, learner_backward(tmp_path, *backward))) is False
    out = capsys.readouterr().out
    assert out.count("✗") == 1 and "Hint:" in out, out
    for words in says:
        assert words in out, out
    for words in never:
        assert words not in out, out


def test_add_mul_names_the_operation_and_the_inputs(capsys):
    checks.check_add_mul(with_method("*", swapped_mul))
    out = capsys.readouterr().out
    assert "a · b at a = 4, b = -1.25 (with out.grad = 1.5)" in out
    assert "1.875" not in out and "6" not in out.split("Hint")[0].split("):")[-1]


# The usual slips in the line for a's share (b's is the same with the inputs swapped), as
# functions of a's value u, b's value v and out.grad g: at the check's first point no two
# give the same number, so the first wrong point cannot name the wrong slip.
SLIPS = {
    "+": {
        "right": lambda u, v, g: g,
        "sign (-=)": lambda u, v, g: -g,
        "out.data as local": lambda u, v, g: (u + v) * g,
        "out.data for out.grad": lambda u, v, g: u + v,
        "local alone": lambda u, v, g: 1.0,
        "own value": lambda u, v, g: u * g,
        "other value (rule of *)": lambda u, v, g: v * g,
        "local + out.grad": lambda u, v, g: 1 + g,
        "never updated": lambda u, v, g: 0.0,
        "local alone, minus": lambda u, v, g: -1.0,
        "twice": lambda u, v, g: 2 * g,
        "own value for out.grad": lambda u, v, g: u,
    },
    "*": {
        "right": lambda u, v, g: v * g,
        "sign (-=)": lambda u, v, g: -v * g,
        "out.data as local": lambda u, v, g: u * v * g,
        "out.data for out.grad": lambda u, v, g: v * u * v,
        "local alone": lambda u, v, g: v,
        "own value": lambda u, v, g: u * g,
        "1 (rule of +)": lambda u, v, g: g,
        "local + out.grad": lambda u, v, g: v + g,
        "never updated": lambda u, v, g: 0.0,
        "local alone, minus": lambda u, v, g: -v,
        "twice": lambda u, v, g: 2 * v * g,
        "other value + 1": lambda u, v, g: (v + 1) * g,
        "own value for out.grad": lambda u, v, g: v * u,
    },
}


@pytest.mark.parametrize("op", "+*")
def test_at_the_first_point_no_two_slips_give_the_same_share(op):
    x, y = checks.ADD_MUL_POINTS[0]
    for u, v in ((x, y), (y, x)):
        shares = {name: f(u, v, checks.UPSTREAM) for name, f in SLIPS[op].items()}
        for (n1, s1), (n2, s2) in itertools.combinations(shares.items(), 2):
            assert not math.isclose(s1, s2, abs_tol=1e-12), (op, u, v, n1, n2)


def test_hints_grow_from_a_nudge_to_the_method(capsys):
    broken = with_method("*", swapped_mul)
    checks.check_add_mul(broken)
    first = capsys.readouterr().out
    checks.check_add_mul(broken)
    second = capsys.readouterr().out
    assert "other.data * out.grad" not in first  # the nudge does not give the method
    assert "other.data * out.grad" in second
    checks.reset_tries()
    checks.check_add_mul(broken)
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(
    "under, says",
    [
        pytest.param(
            [],
            [
                "… + and *: not done yet. Hint: local derivatives of a sum. Delete the line "
                "`raise NotImplementedError(...)` and write your code in its place\n"
            ],
            id="an unanswered + prints its hint and nothing else",
        ),
        pytest.param(
            ["self.grad += out.grad", "other.grad += out.grad"],
            [
                "your code is below the `raise NotImplementedError` line",
                "so your code never runs: delete the line",
            ],
            id="code written under the raise line is named",
        ),
    ],
)
def test_an_unanswered_add_says_not_done_yet(capsys, tmp_path, under, says):
    raise_line = 'raise NotImplementedError("local derivatives of a sum")'
    learner = with_method("+", learner_backward(tmp_path, raise_line, *under))
    assert checks.check_add_mul(learner) is False
    out = capsys.readouterr().out
    for words in says:
        assert words in out, out
    if not under:  # nothing typed yet: the hint is all that is printed
        assert out == says[0]


def test_tanh_2t_is_named_and_the_first_hint_is_a_nudge(capsys, tmp_path):
    two_t = "self.grad += 2 * out.data * out.grad"  # the slope of t², not of tanh
    broken = with_method("tanh", learner_backward(tmp_path, two_t))
    assert checks.check_tanh(broken) is False
    first = capsys.readouterr().out
    assert "2t: that is the slope of t², not the slope of tanh" in first, first
    assert "1 - tanh(x)**2" not in first and "1 - t**2" not in first
    checks.check_tanh(broken)
    assert "1 - tanh(x)**2" in capsys.readouterr().out


def test_the_final_training_check_says_when_it_did_not_test_the_learner(capsys):
    assert checks.training_verdict(Reference, [4.0, 0.1], [4.0, 0.1]) is False
    out = capsys.readouterr().out
    assert "NOT a test of your engine" in out and "✓" not in out
    assert checks.training_verdict(Value, [4.0, 0.1], [4.0, 0.1]) is True
    assert capsys.readouterr().out.startswith("✓ training: YOUR engine")
    assert checks.training_verdict(Value, [4.0, 0.1], [4.0, 0.2]) is False
    assert "at step 1 the loss differs" in capsys.readouterr().out
    assert checks.training_verdict(Value, [4.0, 3.0], [4.0, 3.0]) is False
    assert "did not fall to a tenth" in capsys.readouterr().out


# --- 2b.2 ----------------------------------------------------------------------------------


def test_tanh_with_a_wrong_value_or_two_nodes(capsys):
    class Wrong(Value):
        def tanh(self):
            return Wrong(math.sinh(self.data), (self,), "tanh")

    class Composed(Value):
        def tanh(self):
            return Composed(math.tanh(self.data)) * 1.0

    assert checks.check_tanh(Wrong) is False
    assert "the value is wrong" in capsys.readouterr().out
    assert checks.check_tanh(Composed) is False
    assert "ONE node whose only parent is the input" in capsys.readouterr().out


# --- 2b.4 ----------------------------------------------------------------------------------


def preorder(root):
    order, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            order.append(v)
            for p in v._prev:
                visit(p)

    visit(root)
    return order


def no_visited_set(root):
    order = []

    def visit(v):
        for p in v._prev:
            visit(p)
        order.append(v)

    visit(root)
    return order


def parents_only(root):
    return list(root._prev) + [root]


def test_the_duplicate_is_found_with_the_diamond(capsys):
    checks.check_topological_order(no_visited_set)
    assert (
        "on a diamond (a → b and a → c, then b and c → d), node a appears more than once"
        in capsys.readouterr().out
    )


def reversed_breadth_first(root):
    """The nodes by their distance from the root, farthest first: right on the plain diamond,
    wrong when a node is reached along paths of different lengths (issue 22)."""
    found, i = [root], 0
    while i < len(found):
        for p in found[i]._prev:
            if p not in found:
                found.append(p)
        i += 1
    return found[::-1]


def reversed_breadth_first_nearest(root):
    """Breadth first without a visited set, reversed, keeping each node's nearest visit."""
    found, i = [root], 0
    while i < len(found):
        found += found[i]._prev
        i += 1
    kept = []
    for v in found:
        if v not in kept:
            kept.append(v)
    return kept[::-1]


# the lesson's cells of exercises 2b.4 and 2b.3, with the learner's may_join in between
LESSON_2B3_2B4 = """
def all_nodes(root):
    nodes, todo = [root], [root]
    while todo:
        v = todo.pop()
        for parent in v._prev:
            if parent not in nodes:
                nodes.append(parent)
                todo.append(parent)
    return nodes


def may_join(v, placed):
    return {may_join}


def topological_order(root):
    nodes = all_nodes(root)
    order = []
    placed = set()
    while len(order) < len(nodes):
        for v in nodes:
            if may_join(v, placed):
                order.append(v)
                placed.add(v)
    return order


def backward(self):
    self.grad = 1.0
    for v in reversed(topological_order(self)):
        v._backward()
"""


def _order_with(may_join):
    """The lesson's topological_order (its cells above, as the learner runs them) with the
    learner's may_join (its rounds never end if may_join is never True)."""
    cells = {}
    exec(LESSON_2B3_2B4.format(may_join="None"), cells)
    cells["may_join"] = may_join
    return cells["topological_order"]


def lesson_may_join(v, placed):
    return v not in placed and all(p in placed for p in v._prev)


lesson_order = _order_with(lesson_may_join)  # the lesson's passes, with a right may_join


def missing_one(root):
    return topological_order(root)[1:]


def with_a_duplicate(root):
    order = topological_order(root)
    return order[:1] + order


@pytest.mark.parametrize(
    "check, answer, says",
    [
        (checks.check_add_mul, Value, "✓ + and *"),  # 2b.1
        (checks.check_tanh, Value, "✓ tanh"),  # 2b.2
        (checks.check_topological_order, topological_order, "✓ topological order"),  # 2b.4
        (checks.check_topological_order, lesson_order, "✓ topological order"),
        (checks.check_backward, Value, "✓ backward"),  # 2b.3
    ],
    ids=["add_mul", "tanh", "topological_order", "the_lesson_s_iterative_order", "backward"],
)
def test_a_right_answer_passes(capsys, check, answer, says):
    assert check(answer) is True
    out = capsys.readouterr().out
    assert out.startswith(says) and "✗" not in out, out


@pytest.mark.parametrize(
    "fn, says",
    [
        pytest.param(
            preorder, "comes before its parent", id="a preorder: a node before its parent"
        ),
        pytest.param(no_visited_set, "appears more than once", id="no visited set: a node twice"),
        pytest.param(parents_only, "are missing", id="the parents only: nodes missing"),
        pytest.param(lambda root: None, "returned None", id="None"),
        pytest.param(lambda root: 3, "not a list", id="not a list"),
        pytest.param(
            lambda root: [v.label for v in topological_order(root)], "not nodes", id="labels"
        ),
        # the wrong orders of issue 22
        pytest.param(
            reversed_breadth_first,
            "sorted by their distance from the root",
            id="issue 22: reversed breadth first",
        ),
        pytest.param(
            reversed_breadth_first_nearest,
            "comes before its parent",
            id="issue 22: reversed breadth first keeping the nearest visit",
        ),
        pytest.param(
            preorder, "the root belongs at the end", id="issue 22: a preorder, the root not last"
        ),
        pytest.param(missing_one, "are missing", id="issue 22: one node missing"),
        pytest.param(with_a_duplicate, "appears more than once", id="issue 22: a node twice"),
    ],
)
def test_a_wrong_topological_order_is_refused_and_named(capsys, fn, says):
    assert checks.check_topological_order(fn) is False
    out = capsys.readouterr().out
    assert says in out and out.count("✗") == 1, out


def test_reversed_breadth_first_is_caught_on_the_diamond_with_a_long_arm(capsys):
    # right on the plain diamond, so only a graph with paths of different lengths shows it
    checks.check_topological_order(reversed_breadth_first)
    out = capsys.readouterr().out
    assert "on a diamond with one long arm a → b → c → d and a → d" in out, out


def is_topological(order):
    pos = {id(v): i for i, v in enumerate(order)}
    return all(pos[id(p)] < pos[id(v)] for v in order for p in v._prev)


def shape(root):
    return tuple((v.label, tuple(p.label for p in v._prev)) for v in topological_order(root))


@pytest.mark.parametrize("k", range(len(checks._graphs())))
def test_the_check_accepts_exactly_the_topological_orders_of_each_graph(k):
    """The property, not a list of wrong answers: every order of one graph's nodes (or, for
    the larger graphs, 200 seeded random ones) is accepted exactly when each node comes after
    all of its parents; the other graphs get a right answer."""
    import itertools
    import random

    target = shape(checks._graphs()[k][1])
    n = len(target)
    if n <= 7:
        perms = list(itertools.permutations(range(n)))
    else:
        rng = random.Random(k)
        perms = [tuple(rng.sample(range(n), n)) for _ in range(200)]
    for perm in perms:
        checks.reset_tries()

        def learner(root, perm=perm):
            nodes = topological_order(root)
            return [nodes[j] for j in perm] if shape(root) == target else nodes

        root = checks._graphs()[k][1]
        want = is_topological([topological_order(root)[j] for j in perm])
        with contextlib.redirect_stdout(io.StringIO()):
            assert checks.check_topological_order(learner) is want, perm


def test_every_graph_of_the_check_has_a_node_reached_along_paths_of_different_lengths():
    """Where a wrong order can hide: at least three graphs where some node is reached from
    the root along two paths of different lengths."""

    def lengths(root):
        found = {}

        def walk(v, depth):
            found.setdefault(id(v), set()).add(depth)
            for p in v._prev:
                walk(p, depth + 1)

        walk(root, 0)
        return found

    uneven = [w for w, root in checks._graphs() if any(len(s) > 1 for s in lengths(root).values())]
    assert len(uneven) >= 3, uneven


# --- 2b.3 ----------------------------------------------------------------------------------


def backward_no_seed(self):
    for v in reversed(topological_order(self)):
        v._backward()


def backward_forwards(self):
    self.grad = 1.0
    for v in topological_order(self):
        v._backward()


def backward_recursive(self):  # no topological order at all
    self.grad = 1.0

    def go(v):
        v._backward()
        for p in v._prev:
            go(p)

    go(self)


def backward_seed_late(self):
    for v in reversed(topological_order(self)):
        v._backward()
    self.grad = 1.0


def backward_output_only(self):
    self.grad = 1.0
    self._backward()


@pytest.mark.parametrize(
    "fn, says",
    [
        (backward_no_seed, "the output's grad was never set to 1"),
        (backward_forwards, "missing or wrong topological order"),
        (backward_recursive, "passed its gradient on more than once"),
        (backward_seed_late, "every gradient stayed 0"),
        (backward_output_only, "never ran: the backward pass stopped early"),
    ],
)
def test_backward_names_the_bug(capsys, fn, says):
    out = refused_backward(fn, capsys)
    assert says in out and out.count("✗") == 1, out


def backward_breadth_first(self):  # a node's _backward before all its users have run
    self.grad = 1.0
    for v in reversed(reversed_breadth_first(self)):
        v._backward()


def backward_reset_in_loop(self):
    self.grad = 1.0
    for v in reversed(topological_order(self)):
        v.grad = 0.0
        v._backward()


def test_backward_resetting_a_gradient_in_the_loop_is_named(capsys):
    out = refused_backward(backward_reset_in_loop, capsys)
    assert "a gradient was reset to 0 during the walk" in out and "never set to 1" not in out, out
    assert out.count("✗") == 1


def test_backward_with_a_topological_order_without_return_is_named(capsys):
    namespace = {}
    exec(
        "def topological_order(root):\n"
        "    order = []\n"
        "    order.append(root)\n"
        "\n"
        "def backward(self):\n"
        "    self.grad = 1.0\n"
        "    for v in reversed(topological_order(self)):\n"
        "        v._backward()\n",
        namespace,
    )
    out = refused_backward(namespace["backward"], capsys)
    assert "topological_order returned None: is a `return` missing" in out, out
    assert "NoneType" not in out and out.count("✗") == 1


def backward_reverse_in_place(self):  # list.reverse() turns the list around and returns None
    self.grad = 1.0
    for v in topological_order(self).reverse():
        v._backward()


def test_backward_with_list_reverse_says_it_returns_none(capsys):
    out = refused_backward(backward_reverse_in_place, capsys)
    assert "`.reverse()` turns a list around where it is and gives back None" in out, out
    assert "reversed(" in out and "`NoneType` is the type of None" in out, out
    assert out.count("✗") == 1 and "your code raised" not in out, out


def backward_seed_added(self):  # += where = belongs: right once, wrong on a second call
    self.grad += 1.0
    for v in reversed(topological_order(self)):
        v._backward()


def test_backward_adding_one_to_the_output_grad_is_caught_by_a_second_call(capsys):
    out = refused_backward(backward_seed_added, capsys)
    assert "after a second d.backward() on the same graph the output's grad is 2.0, not 1" in out
    assert "`self.grad += 1.0` adds 1 to what is already there" in out, out
    # with =, a second call still adds up the other gradients; say so, lest = seem to reset them
    assert "always exactly 1, so set it with =" in out, out
    assert "however often" not in out and "The other gradients do add up" in out, out
    # the core has no training loop yet, so the message does not name one
    assert "training loop" not in out, out
    assert out.count("✗") == 1


def test_backward_names_section_3s_diamond_not_two_kinds_of_diamond(capsys):
    # "two kinds of diamond" is not in the core; name the graphs instead
    assert checks.check_backward(Value) is True
    out = capsys.readouterr().out
    assert "on section 3's diamond and on a second graph (x → a → b → c → d and a → d)" in out
    assert "two kinds of diamond" not in out, out
    broken = type("Broken", (Value,), {"backward": backward_forwards})
    assert checks.check_backward(broken) is False
    assert "section 3's diamond (x → a, a → b and a → c" in capsys.readouterr().out


def test_backward_of_the_lesson_passes_when_called_twice(capsys):
    assert checks.check_backward(Value) is True
    d, _, _ = checks._graph(Value, [])
    d.backward()
    d.backward()
    assert d.grad == 1.0


def test_backward_in_breadth_first_order_is_caught_on_the_long_arm(capsys):
    out = refused_backward(backward_breadth_first, capsys)
    assert "on a diamond with one long arm" in out and "missing or wrong topological order" in out
    assert (
        "Node a is used by b and d, but a passed its gradient on before b had passed its "
        "share back to a" in out
    )


def test_engine_for_training_refuses_a_breadth_first_order():
    engine, status = checks.engine_for_training(Value, reversed_breadth_first)
    assert engine is Reference and "2b.4" in status


def test_backward_says_which_earlier_exercise_is_not_done(capsys):
    def todo(root):
        raise NotImplementedError("depth first")

    def backward(self):
        for v in reversed(todo(self)):
            v._backward()

    assert checks.check_backward(type("B", (Value,), {"backward": backward})) is False
    out = capsys.readouterr().out
    assert "`todo` is not done yet: do its exercise first (its hint: depth first)" in out


# --- broken code never crashes a check --------------------------------------------------------


class Raises(Value):
    def __add__(self, other):
        return [][1]

    def tanh(self):
        raise ZeroDivisionError("oops")

    def backward(self):
        return self.nope


@pytest.mark.parametrize(
    "check, arg",
    [
        (checks.check_add_mul, Raises),
        (checks.check_tanh, Raises),
        (checks.check_backward, Raises),
        (checks.check_add_mul, 42),
        (checks.check_tanh, None),
        (checks.check_backward, "Value"),
        (checks.check_topological_order, lambda r: 1 / 0),
        (checks.check_topological_order, 5),
        (checks.check_add_mul, type("Empty", (), {})),
        (checks.check_backward, type("NoInit", (), {})),
    ],
)
def test_broken_code_gives_one_line_and_never_raises(capsys, check, arg):
    assert check(arg) is False
    out = capsys.readouterr().out
    assert out.count("✗") == 1 and len(out.strip().splitlines()) == 1, out


def test_infinite_recursion_is_reported(capsys):
    def loop(root):
        return loop(root)

    assert checks.check_topological_order(loop) is False
    assert "RecursionError" in capsys.readouterr().out


# --- the engine for the training section ------------------------------------------------------


def test_engine_for_training_takes_a_finished_engine_and_prints_nothing(capsys):
    checks.check_add_mul(with_method("*", swapped_mul))
    capsys.readouterr()
    tries = dict(checks._tries)
    engine, status = checks.engine_for_training(Value, topological_order)
    assert engine is Value and "YOUR Value" in status
    assert capsys.readouterr().out == "" and checks._tries == tries


def test_engine_for_training_falls_back_to_the_reference_and_says_why():
    engine, status = checks.engine_for_training(with_method("*", swapped_mul), topological_order)
    assert engine is Reference and "2b.1" in status and "2b.2" not in status
    engine, status = checks.engine_for_training(Raises, None)
    assert engine is Reference and "2b.1, 2b.2, 2b.3, 2b.4" in status


# --- learners' wrong answers (each named, not blamed on something else) --------------------


@pytest.mark.parametrize(
    "may_join, says",
    [
        (lambda v, placed: v not in placed and any(p in placed for p in v._prev), "for a leaf"),
        (lambda v, placed: v not in placed and v._prev in placed, "even a leaf"),
        (
            lambda v, placed: v not in placed and (not v._prev or v._prev in placed),
            "a node whose parents are all placed never joins",
        ),
    ],
)
def test_a_may_join_that_is_never_true_is_named_before_the_rounds_run(capsys, may_join, says):
    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert says in out and "the rounds never end" in out and "`while`" not in out, out
    assert out.count("✗") == 1


def test_a_may_join_returning_true_inside_its_loop_says_the_leaf_gets_none(capsys):
    def may_join(v, placed):  # `return True` inside the loop over parents
        if v in placed:
            return False
        for p in v._prev:
            if p not in placed:
                return False
            return True

    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert "gave None for a leaf" in out and "does not run even once for a leaf" in out, out
    assert "after the loop, not inside it" in out and "any(" not in out, out
    assert out.count("✗") == 1


def test_a_may_join_without_return_says_so(capsys):
    def may_join(v, placed):
        v not in placed and all(p in placed for p in v._prev)  # noqa: B015

    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert "gave None for a leaf" in out and "reaches its end without a `return`" in out, out
    assert "write `return` in front of your test" in out and "loop" not in out, out


def test_a_right_may_join_passes(capsys):
    def may_join(v, placed):
        return v not in placed and all(p in placed for p in v._prev)

    assert checks.check_topological_order(_order_with(may_join), may_join) is True


def backward_not_called(self):  # v._backward without (): the function is never called
    self.grad = 1.0
    for v in reversed(topological_order(self)):
        v._backward  # noqa: B018


def test_backward_names_a_backward_that_is_never_called(capsys):
    out = refused_backward(backward_not_called, capsys)
    assert "only names the function; it does not call it. Add (): v._backward()" in out, out
    assert "named but never called" not in out, out  # one statement, said once
    assert "after the walk" not in out and out.count("✗") == 1


def test_lecture_network_has_41_parameters_and_matches_a_hand_computed_neuron():

    net, params = checks.lecture_network(Reference)
    assert len(params) == 4 * (3 + 1) + 4 * (4 + 1) + 1 * (4 + 1) == 41
    rng = random.Random(0)
    first = [rng.uniform(-1, 1) for _ in range(4)]  # the first neuron: 3 weights, a bias
    assert [p.data for p in params[:4]] == first
    out = net([2.0, 3.0, -1.0])
    assert -1 < out.data < 1
    out.backward()
    assert any(p.grad != 0 for p in params)
    with pytest.raises(TypeError, match="lecture_network: engine must be a Value class"):
        checks.lecture_network(3.0)
    with pytest.raises(ValueError, match="list of 3 numbers"):
        net([1.0, 2.0])


# --- more wrong answers: the message names the real bug, the hint fits it -----------------


def test_tanh_without_out_grad_gets_hints_about_out_grad_not_the_formula(capsys, tmp_path):
    no_upstream = "self.grad += 1 - out.data**2"  # the right local derivative, not times out.grad
    broken = with_method("tanh", learner_backward(tmp_path, no_upstream))
    for _ in range(2):
        assert checks.check_tanh(broken) is False
        out = capsys.readouterr().out
        assert "not multiplied by out.grad" in out and "out.grad" in out.split("Hint")[1], out
        assert "which formula in t" not in out and "tanh(x)**2" not in out, out


def test_a_missing_value_mul_line_is_named(capsys):
    class NoMul:  # the lesson's class Value, then its answer without `Value.__mul__ = mul`
        def __init__(self, data, _children=(), _op=""):
            self.data, self.grad, self._prev = data, 0.0, tuple(_children)
            self._backward = lambda: None

    def add(self, other):
        other = other if isinstance(other, NoMul) else NoMul(other)
        out = NoMul(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    NoMul.__add__ = add
    assert checks.check_add_mul(NoMul) is False
    out = capsys.readouterr().out
    assert "Value has no __mul__" in out and "Value.__mul__ = mul" in out, out
    assert "TypeError" not in out and "operand" not in out and out.count("✗") == 1, out
    # an IndentationError in the learner's cell leaves add/mul unattached too: say so
    assert "if your cell showed a Python error (such as IndentationError)" in out, out


def test_may_join_asking_about_the_parents_tuple_gets_a_hint_about_each_parent(capsys):
    def may_join(v, placed):
        return v not in placed and v._prev in placed

    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert "the tuple of ALL of v's parents" in out and "any(" not in out, out


@pytest.mark.parametrize("placed_first", [False, True])
def test_may_join_the_wrong_way_round_gets_a_hint_about_not_in(capsys, placed_first):
    def may_join(v, placed):
        if placed_first and v in placed:
            return False
        return all(p not in placed for p in v._prev)

    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert "the wrong way round" in out and "`p not in placed` is True when p is missing" in out
    assert "separately" not in out and out.count("✗") == 1, out


# --- wrong answers where Python's bare error becomes the named mistake ---------------------


def _wrong_in_mul(source):
    """A mistake in *'s _backward: the Values other and self where their
    numbers other.data and self.data belong."""
    for right, wrong in (
        ("other.data * out.grad", "other * out.grad"),
        ("self.data * out.grad", "self * out.grad"),
    ):
        assert source.count(right) == 1, right
        source = source.replace(right, wrong)
    return source


# the right engine above, as source code a learner could have typed; and with that mistake
ENGINE_SOURCE = (
    "import math\n\n\n" + inspect.getsource(topological_order) + "\n\n" + inspect.getsource(Value)
)
LESSON_VALUE = _wrong_in_mul(ENGINE_SOURCE)


def lesson_cells(tmp_path, source):
    """The lesson's cells as the learner typed them, run from a file (as a notebook cell
    is, its lines are then known to the traceback)."""
    path = tmp_path / "cells.py"
    path.write_text(source)
    namespace = {}
    exec(compile(source, str(path), "exec"), namespace)
    return namespace


def test_a_value_for_a_number_without_the_source_line_still_names_data(capsys):
    namespace = {}
    exec(LESSON_VALUE, namespace)  # no file: the line of the mistake is not known
    assert checks.check_add_mul(namespace["Value"]) is False
    out = capsys.readouterr().out
    assert "other's number is other.data" in out and out.count("✗") == 1, out


def test_tanh_without_brackets_is_named_not_a_wrong_formula(capsys):
    def no_brackets(self, other, out):
        t = out.data

        def _backward():
            self.grad += 1 - t**2 * out.grad

        return _backward

    def out_grad_first(self, other, out):
        t = out.data

        def _backward():
            self.grad += out.grad * 1 - t**2

        return _backward

    for bug in (no_brackets, out_grad_first):
        checks.reset_tries()
        for _ in range(2):
            assert checks.check_tanh(with_method("tanh", bug)) is False
            out = capsys.readouterr().out
            assert "brackets are missing" in out and "wrong" not in out, out
            assert out.count("✗") == 1
        assert "(1 - t**2) * out.grad" in out.split("Hint: ")[1], out


def backward_calls_backward(self):  # v.backward() where v._backward() belongs
    self.grad = 1.0
    for v in reversed(lesson_order(self)):
        v.backward()


def test_backward_calling_backward_is_named_not_blamed_on_may_join(capsys):
    broken = type("Broken", (Value,), {"backward": backward_calls_backward})
    for _ in range(2):
        assert checks.check_backward(broken) is False
        out = capsys.readouterr().out
        assert "starts a whole new backward pass from v" in out and "without end" in out, out
        assert "calls itself" not in out and "`v._backward()`" in out, out
        assert "may_join" not in out and "your code raised" not in out, out
        assert out.count("✗") == 1
    assert "for v in reversed(topological_order(self)): v._backward()" in out, out


def backward_order_not_called(self):  # reversed(topological_order) without (self)
    self.grad = 1.0
    for v in reversed(topological_order):
        v._backward()


def backward_order_not_called_forwards(self):
    self.grad = 1.0
    for v in topological_order:
        v._backward()


@pytest.mark.parametrize("fn", [backward_order_not_called, backward_order_not_called_forwards])
def test_backward_with_the_order_function_not_called_is_named(capsys, fn):
    out = refused_backward(fn, capsys)
    assert "the loop got the function itself, not the list it returns" in out, out
    assert "topological_order(self)" in out and "your code raised" not in out, out
    assert out.count("✗") == 1


# --- .grad where .data belongs -------------------------------------------------------------


def mul_grad_for_data(self, other, out):  # "each input's is the other" taken as its .grad
    def _backward():
        self.grad += other.grad * out.grad
        other.grad += self.grad * out.grad

    return _backward


def test_a_grad_where_the_data_belongs_is_named_not_called_unchanged(capsys):
    """The check names the real bug (.grad for .data), quotes the line, and never says that
    _backward does not change self.grad (it does, with +=)."""
    hints = []
    for _ in range(3):
        assert checks.check_add_mul(with_method("*", mul_grad_for_data)) is False
        out = capsys.readouterr().out
        assert out.count("✗") == 1, out
        assert "`self.grad += other.grad * out.grad`" in out, out
        assert "multiply by a gradient (.grad) where a value belongs" in out, out
        assert "where a value belongs, so the share added is wrong" in out, out
        # the message asks the question; the finished line is left to the hints
        assert "if a grows by 1, how much does a·b grow?" in out, out
        assert "for self is other.data" not in out and "self.data)" not in out, out
        assert "must change self.grad" not in out and "left a.grad and b.grad at 0" not in out
        hints.append(out.split("Hint: ")[1])
    assert ".data" in hints[0] and "other.data * out.grad" in hints[1], hints


def test_a_grad_for_data_is_named_without_the_source_too(capsys):
    """Code whose lines Python cannot show (no file): found by what _backward does."""
    namespace = {}
    exec(inspect.getsource(mul_grad_for_data), namespace)
    assert checks.check_add_mul(with_method("*", namespace["mul_grad_for_data"])) is False
    out = capsys.readouterr().out
    assert "a .grad stands where a value (.data) belongs" in out and out.count("✗") == 1, out


def mul_own_grad_for_out_grad(self, other, out):  # own grad where out.grad belongs
    def _backward():
        self.grad += other.data * self.grad
        other.grad += self.data * other.grad

    return _backward


def mul_own_value_for_out_grad(self, other, out):  # the next try, after the hint "use .data"
    def _backward():
        self.grad += other.data * self.data
        other.grad += self.data * other.data

    return _backward


def test_a_missing_out_grad_is_named_on_every_try_and_the_finished_line_never_given(capsys):
    """`self.grad` where `out.grad` belongs was once told ".grad stands where a value
    (.data) belongs"; the learner then wrote `self.data` and was told "wrong local
    derivative", though it was right. Both slips must name the missing factor, out.grad."""
    for wrong in (mul_own_grad_for_out_grad, mul_own_value_for_out_grad):
        checks.reset_tries()
        hints = []
        for _ in range(3):
            assert checks.check_add_mul(with_method("*", wrong)) is False
            out = capsys.readouterr().out
            assert out.count("✗") == 1, out
            assert "The factor missing is out.grad: the gradient arriving from the output" in out
            assert "The local derivative is right" in out, out
            assert "wrong local derivative" not in out and "(.data) belongs" not in out, out
            assert "other.data * out.grad" not in out and "self.data * out.grad" not in out, out
            hints.append(out.split("Hint: ")[1])
        assert "out.grad" in hints[0] and "keep your local derivative" in hints[1], hints


def test_an_own_grad_for_out_grad_is_named_without_the_source_too(capsys):
    """Code whose lines Python cannot show (no file): found by what _backward does when
    a.grad and b.grad start at shares from other uses."""
    namespace = {}
    exec(inspect.getsource(mul_own_grad_for_out_grad), namespace)
    assert checks.check_add_mul(with_method("*", namespace["mul_own_grad_for_out_grad"])) is False
    out = capsys.readouterr().out
    assert out.count("✗") == 1, out
    assert "_backward multiplies the local derivative by an input's gradient where" in out, out
    assert "The factor missing is out.grad" in out and "(.data) belongs" not in out, out


def test_self_grad_on_the_right_of_its_own_update_is_not_blamed():
    """`self.grad = self.grad + ...` is a right way to write +=: not a .grad for a .data."""

    def long_form(self, other, out):
        def _backward():
            self.grad = self.grad + other.data * out.grad
            other.grad = other.grad + self.data * out.grad

        return _backward

    assert checks._grad_lines(long_form(None, None, None)) == []
    assert checks._grad_lines(mul_grad_for_data(None, None, None)) == [
        "self.grad += other.grad * out.grad",
        "other.grad += self.grad * out.grad",
    ]
    assert checks._grad_lines(mul_own_grad_for_out_grad(None, None, None)) == [
        "self.grad += other.data * self.grad",
        "other.grad += self.data * other.grad",
    ]

    def long_form_own_grad(self, other, out):
        def _backward():
            self.grad = self.grad + other.data * self.grad

        return _backward

    assert checks._grad_lines(long_form_own_grad(None, None, None)) == [
        "self.grad = self.grad + other.data * self.grad"
    ]


def backward_self_in_loop(self):  # self._backward() where v._backward() belongs
    self.grad = 1.0
    for v in reversed(topological_order(self)):  # noqa: B007 (the slip: v unused)
        self._backward()


def test_backward_calling_self_backward_in_the_loop_names_self_not_two_paths(capsys):
    out = refused_backward(backward_self_in_loop, capsys)
    assert "only the output's _backward ran, 5 times" in out and "self._backward()" in out, out
    assert "two paths" not in out and out.count("✗") == 1, out


def test_backward_reset_in_the_loop_does_not_contradict_lesson_02(capsys):
    """Lesson 02's backward() resets the inner nodes before it starts: the message must not
    say that backward() sets no grad to 0, only that a reset inside the loop loses shares."""
    broken = type("Broken", (Value,), {"backward": backward_reset_in_loop})
    checks.check_backward(broken)
    out = capsys.readouterr().out
    assert "sets no grad to 0" not in out and "before the loop" in out, out


def test_backward_resetting_every_gradient_before_the_loop_passes(capsys):
    def lesson_02_style(self):
        order = topological_order(self)
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            v._backward()

    assert checks.check_backward(type("Ok", (Value,), {"backward": lesson_02_style})) is True


def test_engine_for_training_says_exercise_in_the_singular_for_one():
    engine, status = checks.engine_for_training(with_method("*", swapped_mul), topological_order)
    assert "… exercise 2b.1 is not passing yet" in status, status
    engine, status = checks.engine_for_training(Raises, None)
    assert "exercises 2b.1, 2b.2, 2b.3, 2b.4 are not passing yet" in status, status


# A learner may take "`reversed(order)` walks a list" literally: section 3's list of
# label strings (then `order`, now `names`) was what the loop walked, and Python said only
# "'str' object has no attribute '_backward'". With the list renamed, the same line meets no
# `order` at all, and Python's bare NameError needs a sentence too.
LOOP = (
    "def backward(self):\n    self.grad = 1.0\n    for v in reversed({}):\n        v._backward()\n"
)


@pytest.mark.parametrize(
    "cell, said",
    [
        (  # a whole cell, run where section 3 leaves `names` behind
            'names = ["x", "a", "b", "c", "d"]\n\n\n' + LOOP.format("names"),
            ["holds the names of the diamond's nodes", "not the nodes", "topological_order(self)"],
        ),
        (LOOP.format("order"), ["the notebook has no such name", "topological_order(self)"]),
    ],
    ids=["names", "order"],
)
def test_backward_over_a_list_of_names_says_so_in_words(capsys, tmp_path, cell, said):
    out = refused_backward(lesson_cells(tmp_path, cell)["backward"], capsys)
    assert out.count("✗") == 1 and "your code raised" not in out, out
    for words in said:
        assert words in out, out


def test_tanh_with_a_caret_for_the_square_says_use_two_stars(capsys):
    def caret(s, o, out):
        def b():
            t = out.data
            s.grad += (1 - t ^ 2) * out.grad  # ^ for a power (XOR in Python)

        return b

    assert checks.check_tanh(with_method("tanh", caret)) is False
    out = capsys.readouterr().out
    assert "your code raised" not in out and "is not a power in Python" in out, out
    assert "t**2" in out, out


def backward_with(for_self, for_other):
    """A make_backward whose _backward adds ``for_self(s, o, out) * out.grad`` to s.grad and
    ``for_other(s, o, out) * out.grad`` to o.grad: a learner's local derivatives, as data."""

    def make(s, o, out):
        def b():
            s.grad += for_self(s, o, out) * out.grad
            o.grad += for_other(s, o, out) * out.grad

        return b

    return make


OTHER_DATA = lambda s, o, out: o.data  # noqa: E731
OUT_DATA = lambda s, o, out: out.data  # noqa: E731


def test_mul_hint_names_the_node_whose_gradient_is_off(capsys):
    copy_paste_slip = backward_with(OTHER_DATA, OTHER_DATA)  # other.data where self.data belongs
    assert checks.check_add_mul(with_method("*", copy_paste_slip)) is False
    out = capsys.readouterr().out
    assert "b received b · out.grad, its own value" in out, out
    assert "for b is the other factor, a" in out and "if b grows by 1" in out, out
    assert "a received" not in out and "-4.5" not in out, out
    checks.check_add_mul(with_method("*", copy_paste_slip))
    assert "other.grad += self.data * out.grad" in capsys.readouterr().out


def test_local_derivative_hints_speak_of_growing_by_one_not_of_nudging(capsys):
    # nudging is taught only in a going-deeper section: the core's words are "grows by 1"
    for op, bug in (("*", swapped_mul), ("+", backward_with(OUT_DATA, OUT_DATA))):
        checks.reset_tries()
        checks.check_add_mul(with_method(op, bug))
        out = capsys.readouterr().out
        assert "nudge" not in out and "grows by 1" in out, out


def test_backward_over_names_without_its_source_still_says_names_not_nodes(capsys):
    """Code run where Python cannot read its lines back (exec of a string, as a script that
    runs the notebook does) still gets the names-not-nodes sentence, from the function's globals."""
    scope = {"names": ["x", "a", "b", "c", "d"]}
    exec(
        "def backward(self):\n    self.grad = 1.0\n    for v in reversed(names):\n"
        "        v._backward()\n",
        scope,
    )
    assert checks.check_backward(type("Broken", (Value,), {"backward": scope["backward"]})) is False
    out = capsys.readouterr().out
    assert "`names` of section 3" in out and "not the nodes themselves" in out, out


# a cell run after the engine's: `1 - tanh**2`, the function's name where t belongs
TANH_WITH_A_FUNCTION_NAME = (
    ENGINE_SOURCE
    + """

def tanh(self):
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - tanh**2) * out.grad

    out._backward = _backward
    return out


Value.tanh = tanh
"""
)


@pytest.mark.parametrize(
    "check, cells, says, second_hint",
    [
        pytest.param(
            checks.check_add_mul,
            LESSON_VALUE,
            ["other is a Value; its number is other.data", "in `self.grad += other * out.grad`"],
            "other input's .data",
            id="the Value other where other.data belongs",
        ),
        # Python says only "unsupported operand type(s) for ** or pow(): 'function' and 'int'"
        pytest.param(
            checks.check_tanh,
            TANH_WITH_A_FUNCTION_NAME,
            [
                "in `self.grad += (1 - tanh**2) * out.grad`, `tanh` is a function",
                "not a number",
                "t already holds the number tanh(x)",
            ],
            "(1 - t**2) * out.grad",
            id="the function tanh where t belongs",
        ),
    ],
)
def test_a_value_or_a_function_where_a_number_belongs_is_named_not_a_bare_type_error(
    capsys, tmp_path, check, cells, says, second_hint
):
    learner = lesson_cells(tmp_path, cells)
    hints = []
    for _ in range(2):
        assert check(learner["Value"]) is False
        out = capsys.readouterr().out
        for words in says:
            assert words in out, out
        assert "your code raised" not in out and out.count("✗") == 1, out
        hints.append(out.split("Hint: ")[1])
    assert hints[0] != hints[1] and second_hint in hints[1], hints


def test_a_method_name_for_a_number_without_the_source_line_still_says_so(capsys):
    namespace = {}
    exec(TANH_WITH_A_FUNCTION_NAME.replace("1 - tanh**2", "1 - self.tanh**2"), namespace)
    assert checks.check_tanh(namespace["Value"]) is False
    out = capsys.readouterr().out
    assert "a function's name is used where a number belongs" in out, out
    assert "your code raised" not in out and out.count("✗") == 1, out


def test_a_may_join_without_all_says_the_brackets_make_something_always_true(capsys):
    def may_join(v, placed):  # `all` forgotten: a generator is always true
        return v not in placed and (p in placed for p in v._prev)

    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert "generator, which Python always counts as True" in out, out
    assert "put all in front of the brackets" in out and out.count("✗") == 1, out


def test_backward_without_reversed_gets_a_hint_to_walk_from_the_end(capsys):
    out = refused_backward(backward_forwards, capsys)
    assert "missing or wrong topological order" in out, out
    assert "walk the list from the end, the output first" in out, out


def test_the_passing_messages_speak_of_nudging_as_notebook_02_does(capsys):
    assert checks.check_add_mul(Value) is True
    assert checks.check_tanh(Value) is True
    out = capsys.readouterr().out
    assert out.count("nudging the input") == 2 and "finite differences" not in out, out


# --- a missing `* out.grad` in one line; a 2b.4 bug is not blamed on backward -------


@pytest.mark.parametrize(
    "may_join, says",
    [
        ("all(p in placed for p in v._prev)", "appears more than once"),  # `not placed` forgotten
        ("v not in placed and any(p in placed for p in v._prev)", "for a leaf"),  # any for all
    ],
    ids=["not placed forgotten", "any"],
)
def test_a_may_join_bug_of_2b3_is_named_by_the_backward_check_not_blamed_on_it(
    capsys, may_join, says
):
    namespace = {}
    exec(LESSON_2B3_2B4.format(may_join=may_join), namespace)
    learner = type("Learner", (Value,), {"backward": namespace["backward"]})
    assert checks.check_backward(learner) is False
    out = capsys.readouterr().out
    assert "your topological_order of exercise 2b.4 is not right yet" in out, out
    assert says in out and "your backward may well be right" in out, out
    assert "after the walk" not in out and "time limit" not in out and "`while`" not in out, out
    assert out.count("✗") == 1, out


def test_a_right_may_join_lets_the_backward_check_pass(capsys):
    namespace = {}
    exec(
        LESSON_2B3_2B4.format(may_join="v not in placed and all(p in placed for p in v._prev)"),
        namespace,
    )
    learner = type("Learner", (Value,), {"backward": namespace["backward"]})
    assert checks.check_backward(learner) is True
    assert "✓ backward" in capsys.readouterr().out


# --- more wrong answers, and plainer messages ---------------------------------------------


def test_an_unknown_wrong_local_derivative_is_called_wrong_in_plain_words(capsys, tmp_path):
    # no known mistake: the fallback message
    doubled = learner_backward(
        tmp_path, "self.grad += 5.0 * out.grad", "other.grad += 5.0 * out.grad"
    )
    hints = []
    for _ in range(2):
        assert checks.check_add_mul(with_method("+", doubled)) is False
        out = capsys.readouterr().out
        assert "the gradient reaching a is wrong" in out and " is off" not in out, out
        hints.append(out.split("Hint: ")[1])
    assert "the local derivative for each input is the data of the other input" in hints[1]
    assert "input's is" not in hints[1], hints


def test_backward_without_reversed_says_the_order_in_short_sentences(capsys):
    out = refused_backward(backward_forwards, capsys)  # the order walked forwards
    assert (
        "Node a is used by b and c, but a passed its gradient on before b had passed its "
        "share back to a" in out
    )
    assert "So the gradient of a was not complete yet" in out, out
    assert "or one walked from the wrong end" in out and "(used by" not in out, out


def test_a_may_join_loop_false_for_a_leaf_gets_a_hint_about_its_loop(capsys):
    def may_join(v, placed):  # True when SOME parent is placed, False after
        if v in placed:
            return False
        for p in v._prev:
            if p in placed:
                return True
        return False

    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert "is False for a leaf" in out and "the rounds never end" in out, out
    assert "your loop over v._prev does not run even once" in out, out
    assert "returns after the loop is its answer for a leaf" in out and "any(" not in out, out
    assert out.count("✗") == 1


def test_the_two_shares_of_the_diamonds_gradient_that_section_4_states():
    """Section 4 says x.grad is 1.32 through b plus 6.00 through c (printed in going deeper)."""
    x = Reference(0.4)
    a = x * 3.0
    b = a.tanh()
    c = a * a
    d = b * c
    d.backward()
    through_b = 3 * c.data * (1 - b.data**2)
    through_c = 3 * b.data * 2 * a.data
    assert (f"{through_b:.2f}", f"{through_c:.2f}") == ("1.32", "6.00")
    assert math.isclose(through_b + through_c, x.grad, rel_tol=1e-12)
    assert round(x.grad, 6) == 7.32


# --- an `add` that leaves out `* out.grad` three times: the hint grew once, then
# stayed the same; from the third try on it names the two lines of `add` -------------------


class ReadersAddValue(Value):
    """The lesson's Value with a learner's `add`: the local derivatives alone."""

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0  # `* out.grad` forgotten
            other.grad += 1.0

        out._backward = _backward
        return out


def test_the_local_derivatives_alone_get_a_bigger_hint_on_each_of_three_tries(capsys):
    said = []
    for _ in range(3):
        assert checks.check_add_mul(ReadersAddValue) is False
        said.append(capsys.readouterr().out)
    for out in said:
        assert "a and b received the local derivatives alone, not multiplied by out.grad" in out
        assert out.count("✗") == 1, out
    assert "the chain rule" in said[0] and "(local derivative) * out.grad" not in said[0]
    assert "self.grad += (local derivative) * out.grad" in said[1], said[1]
    third = said[2]
    assert "self.grad += 1.0 * out.grad and other.grad += 1.0 * out.grad" in third, third
    assert len({*said}) == 3, "each try should say more than the one before"


def _mul_by_quotient(self, other):  # out.data / self.data for other.data
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += (out.data / self.data) * out.grad
        other.grad += (out.data / other.data) * out.grad

    out._backward = _backward
    return out


def test_add_mul_rejects_a_local_derivative_that_divides_by_an_input(capsys):
    broken = type("Broken", (Value,), {"__mul__": _mul_by_quotient})
    assert checks.check_add_mul(broken) is False
    out = capsys.readouterr().out
    assert "divides by an input's value, and an input can be 0" in out, out
    assert "out.data / self.data equals other.data only when self.data is not 0" in out, out


# --- a near miss is named as one; hints that name the real bug ----------------------


def add_by_nudging(s, o, out):  # the local derivative of + estimated by a central difference
    def b():
        h = 1e-9
        local = ((s.data + h + o.data) - (s.data - h + o.data)) / (2 * h)
        s.grad += local * out.grad
        o.grad += local * out.grad

    return b


def test_add_mul_names_an_estimate_and_prints_all_its_digits(capsys):
    """A value within 0.1 % of the right share is not 'a wrong local derivative': the message
    says it is close but an estimate, and prints the number with all its digits."""
    assert checks.check_add_mul(with_method("+", add_by_nudging)) is False
    out = capsys.readouterr().out
    x, y = checks.ADD_MUL_POINTS[0]
    got = ((x + 1e-9 + y) - (x - 1e-9 + y)) / 2e-9 * checks.UPSTREAM
    assert f"self.grad came out as {got!r}" in out and got != 1.5, out
    assert "close to the right value, but not equal to it" in out, out
    assert "the check wants the exact local derivative" in out, out
    assert "the gradient reaching" not in out and out.count("✗") == 1, out


def tanh_by_nudging(s, o, out):  # the slope of tanh estimated by a central difference
    def b():
        h = 1e-4
        slope = (math.tanh(s.data + h) - math.tanh(s.data - h)) / (2 * h)
        s.grad += slope * out.grad

    return b


def test_tanh_names_an_estimate_of_the_slope(capsys):
    assert checks.check_tanh(with_method("tanh", tanh_by_nudging)) is False
    out = capsys.readouterr().out
    assert "self.grad came out as" in out and "close to the right value" in out, out
    assert "the exact local derivative 1 − t²" in out, out
    assert "the local derivative of tanh is wrong" not in out and out.count("✗") == 1, out


def test_the_first_hint_for_a_missing_out_grad_says_where_out_grad_belongs(capsys):
    """The hint once ended in '= out.grad', and a learner could not tell what it belonged to."""
    assert checks.check_add_mul(ReadersAddValue) is False
    out = capsys.readouterr().out
    assert "the share of a is (d out/d a) times (d L/d out)" in out, out
    assert "The second factor, d L/d out, is stored in out.grad" in out, out
    assert ") = out.grad" not in out, out


def test_a_node_placed_again_by_the_rounds_gets_a_hint_about_the_rounds(capsys):
    """`v not in placed` forgotten: on the chain x → y → z the hint once spoke of a
    node reached along two paths, but the repeat comes from the rounds."""

    def may_join(v, placed):  # the wrong answer
        return all(p in placed for p in v._prev)

    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert "on a chain x → y → z, node x appears more than once" in out, out
    assert "Each round goes over all the nodes again" in out, out
    assert "two paths" not in out and out.count("✗") == 1, out


def test_all_given_one_true_or_false_is_explained_in_words(capsys):
    """`all(v._prev in placed)` raises TypeError 'bool' object is not iterable; that bare
    error, with no hint, was once all a learner got."""

    def may_join(v, placed):  # the wrong answer
        return v not in placed and all(v._prev in placed)

    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert "A bool is one True or False, and all(...) got just one" in out, out
    assert "needs one answer per parent" in out and "for p in v._prev" in out, out
    assert "your code raised" not in out and out.count("✗") == 1, out


def test_all_of_the_parents_asked_in_placed_gets_a_hint_about_the_brackets(capsys):
    """`all(v._prev) in placed` (brackets in the wrong place): the hint
    once spoke of all against any, which did not fit an answer that used all."""

    def may_join(v, placed):  # the wrong answer
        return v not in placed and all(v._prev) in placed

    assert checks.check_topological_order(_order_with(may_join), may_join) is False
    out = capsys.readouterr().out
    assert "asks whether True or False is in placed" in out, out
    assert "all(v._prev) gives one True or False for the whole tuple" in out, out
    assert "the brackets are in the wrong place" in out and "any(" not in out, out
    assert out.count("✗") == 1, out


def test_a_question_of_the_2b3_check_keeps_its_question_mark_in_the_backward_check(capsys):
    """`return order` left out in 2b.4: the 2b.3 check once quoted 'is a
    `return` missing?' and then wrote '?.'."""
    namespace = {}
    code = LESSON_2B3_2B4.format(
        may_join="v not in placed and all(p in placed for p in v._prev)"
    ).replace("    return order\n", "")
    exec(code, namespace)
    learner = type("Learner", (Value,), {"backward": namespace["backward"]})
    assert checks.check_backward(learner) is False
    out = capsys.readouterr().out
    assert "is a `return` missing?" in out and "?." not in out, out
    assert "Fix exercise 2b.4 first" in out and out.count("✗") == 1, out


# --- 2b.3 (backward) is core with helpers.autodiff's order; plainer messages ------

CORE_BACKWARD = """
from helpers.autodiff import topological_order


def backward(self):
{body}
"""


@pytest.mark.parametrize(
    "body, right",
    [
        (
            "    self.grad = 1.0\n    for v in reversed(topological_order(self)):\n"
            "        v._backward()",
            True,
        ),
        (
            "    self.grad = 1.0\n    for v in topological_order(self):\n        v._backward()",
            False,
        ),  # walked forwards
    ],
    ids=["right", "forwards"],
)
def test_the_core_backward_uses_helpers_order_without_exercise_2b4(capsys, body, right):
    """The core learner has no may_join (exercise 2b.4 went deeper): backward is tested on its
    own with helpers.autodiff's topological_order, and a forward walk is still refused."""
    namespace = {}
    exec(CORE_BACKWARD.format(body=body), namespace)
    learner = type("Learner", (Value,), {"backward": namespace["backward"]})
    assert checks.check_backward(learner) is right
    out = capsys.readouterr().out
    assert "2b.4" not in out and "may_join" not in out, out
    assert ("✓ backward" in out) is right, out


def test_the_pass_lines_do_not_use_the_deeper_words_long_arm(capsys):
    """'A diamond with a long arm' is defined only in a going-deeper section, not in the core."""
    assert checks.check_topological_order(topological_order) is True
    assert checks.check_backward(Value) is True
    out = capsys.readouterr().out
    assert out.count("✓") == 2 and "long arm" not in out, out


def test_the_first_parent_only_names_the_joined_graph_plainly(capsys):
    """A may_join that looks at the first parent only: the ✗ line once described the
    graph with two 'where's and two brackets. Now it names the two parts and how they join."""
    order = _order_with(lambda v, placed: v not in placed and all(p in placed for p in v._prev[:1]))
    assert checks.check_topological_order(order) is False
    out = capsys.readouterr().out
    assert "a node used twice (f = e + e) and a diamond (a → b → d and a → c → d)" in out, out
    assert "joined by g = f + d" in out and "where" not in out.split("(got")[0], out
    assert "node g comes before its parent d" in out, out


def backward_over_the_parents(self):  # walks only the output's parents, `_prev`
    self.grad = 1.0
    for v in reversed(self._prev):
        v._backward()


def backward_output_and_its_parents(self):
    self.grad = 1.0
    self._backward()
    for v in self._prev:
        v._backward()


@pytest.mark.parametrize("fn", [backward_over_the_parents, backward_output_and_its_parents])
def test_backward_over_self_prev_says_the_walk_reached_only_the_parents(capsys, fn):
    """A loop over `self._prev` was once told the output's grad was set
    after the walk, though it was set first. The message names the real bug."""
    out = refused_backward(fn, capsys)
    assert "`self._prev` holds only the output's own parents, not every node" in out, out
    assert "never reached ['a']" in out and "topological_order(self)" in out, out
    assert "after the walk" not in out and out.count("✗") == 1, out
    said_d = "The output's own _backward never ran either"
    assert (said_d in out) is (fn is backward_over_the_parents), out


def backward_every_grad_set_to_one(self):  # once heard only a vague "disagree": name it
    for v in reversed(topological_order(self)):
        v.grad = 1.0
        v._backward()


def test_backward_setting_every_grad_to_one_is_named(capsys):
    out = refused_backward(backward_every_grad_set_to_one, capsys)
    assert "was set to 1 during the walk. Only the output's grad is 1" in out, out
    assert "disagree with helpers.autodiff" not in out and out.count("✗") == 1, out


def backward_again_over_the_parents(self):  # v.backward() where v._backward() belongs
    self.grad = 1.0
    for v in reversed(self._prev):
        v.backward()


def backward_again_after_its_own_step(self):
    self.grad = 1.0
    self._backward()
    for v in self._prev:
        v.backward()


@pytest.mark.parametrize("fn", [backward_again_over_the_parents, backward_again_after_its_own_step])
def test_backward_calling_backward_on_a_parent_is_named_not_blamed_on_setting_a_grad(capsys, fn):
    """`v.backward()` sets v.grad to 1 itself: the message names the call, not `v.grad = 1`."""
    out = refused_backward(fn, capsys)
    assert "your backward() called backward() again, on node" in out, out
    assert "`v.backward()` is a whole new backward pass from v" in out, out
    assert "was set to 1 during the walk" not in out and out.count("✗") == 1, out


def test_backward_not_attached_to_the_class_says_so_in_words(capsys):
    class Bare:  # a Value whose exercise cell of 2b.3 was never run
        def __init__(self, data, _children=(), _op=""):
            self.data, self.grad, self._prev = data, 0.0, tuple(_children)
            self._backward = lambda: None

    assert checks.check_backward(Bare) is False
    out = capsys.readouterr().out
    assert "Value has no backward, so d.backward() cannot run" in out, out
    assert "`Value.backward = backward`" in out and "your code raised" not in out, out
    assert "if your cell showed a Python error (such as IndentationError)" in out, out


def backward_order_of_the_parents(self):  # the parents where the output belongs
    self.grad = 1.0
    for v in reversed(topological_order(self._prev)):
        v._backward()


def backward_order_of_nothing(self):
    self.grad = 1.0
    for v in reversed(topological_order()):
        v._backward()


def backward_order_of_the_loop_name(self):
    self.grad = 1.0
    for v in reversed(topological_order(v)):  # noqa: B020, F821 - v has no value yet: the bug
        v._backward()


@pytest.mark.parametrize(
    "fn, says",
    [
        (backward_order_of_the_parents, "topological_order got a tuple of nodes, such as self"),
        (backward_order_of_nothing, "topological_order() was called with nothing in the brackets"),
        (backward_order_of_the_loop_name, "your code uses `v` before any line has given it a"),
    ],
)
def test_backward_calling_the_order_without_the_output_says_so_in_words(capsys, fn, says):
    out = refused_backward(fn, capsys)
    assert says in out and "topological_order(self)" in out, out
    assert "your code raised" not in out and "`that name`" not in out, out
    assert out.count("✗") == 1, out


# Section 2's names typed literally in 2b.1, `self.grad += b.data * out.grad`,
# with the notebook's diamond nodes a and b still defined, so Python raised nothing.
def test_mul_with_the_notebooks_own_a_and_b_says_self_and_other(capsys):
    a, b = Value(5.0), Value(7.0)  # nodes left over from section 3

    def leftover_mul(s, o, out):
        def step():
            s.grad += b.data * out.grad
            o.grad += a.data * out.grad

        return step

    assert checks.check_add_mul(with_method("*", leftover_mul)) is False
    out = capsys.readouterr().out
    assert out.count("✗") == 1 and "the inputs are self and other" in out, out


# A stray factor (or self.data in add) was once also told that "the notebook's own
# a and b are other nodes", though the code never named a or b. Only code that does is told.
@pytest.mark.parametrize(
    "op, lines",
    [
        ("*", ["self.grad += 2 * other.data * out.grad", "other.grad += 2 * self.data * out.grad"]),
        ("+", ["self.grad += self.data * out.grad", "other.grad += other.data * out.grad"]),
    ],
)
def test_a_wrong_local_derivative_without_a_or_b_is_not_told_about_them(
    capsys, tmp_path, op, lines
):
    assert checks.check_add_mul(with_method(op, learner_backward(tmp_path, *lines))) is False
    out = capsys.readouterr().out
    assert out.count("✗") == 1 and "wrong local derivative" in out, out
    assert "self and other" not in out and "own a and b" not in out, out


# `_backward(v)` was once told to call topological_order(self), which it did.
def test_backward_called_as_a_plain_function_says_call_it_on_the_node(capsys, tmp_path):
    cell = "from helpers.autodiff import topological_order\n\n" + LOOP.replace(
        "v._backward()", "_backward(v)"
    ).format("topological_order(self)")
    broken = type("Broken", (Value,), {"backward": lesson_cells(tmp_path, cell)["backward"]})
    assert checks.check_backward(broken) is False
    out = capsys.readouterr().out.split("Hint")[0]
    assert "a method of a node" in out and "v._backward()" in out, out
    assert "topological_order returns" not in out, out


def backward_returns_in_loop(self):
    self.grad = 1.0
    for v in reversed(topological_order(self)):
        return v._backward()


def test_a_return_in_the_loop_names_the_graph_and_the_return(capsys):
    out = refused_backward(backward_returns_in_loop, capsys)
    assert "stopped early (a `return` inside the loop" in out and "on section 3" in out, out


def backward_without_a_loop(self):  # only the output's own step
    self.grad = 1.0
    self._backward()


def test_a_backward_without_a_loop_is_not_told_about_a_return(capsys):
    out = refused_backward(backward_without_a_loop, capsys)
    assert "stopped early (your backward() has no loop" in out, out
    assert "return" not in out, out


def test_the_pass_of_backward_says_it_used_its_own_add_and_mul(capsys):
    """A learner whose 2b.1 still fails may wonder why 2b.3 passes; the ✓ says."""
    assert checks.check_backward(Value) is True
    out = capsys.readouterr().out
    assert "built both graphs with its own +, * and tanh" in out, out
    assert "tests only your backward(), not your 2b.1" in out, out


# --- a _backward that resets out.grad; 2b.4's own name ----------------------------


@pytest.mark.parametrize(
    "op, lines",
    [
        ("+", ["self.grad += 1.0 * out.grad", "other.grad += 1.0 * out.grad", "out.grad = 0.0"]),
        (
            "*",
            [
                "self.grad += other.data * out.grad",
                "other.grad += self.data * out.grad",
                "out.grad = 0.0",
            ],
        ),
    ],
    ids=["add", "mul"],
)
def test_a_backward_that_resets_out_grad_is_refused_and_named(capsys, tmp_path, op, lines):
    learner = with_method(op, learner_backward(tmp_path, *lines))
    assert checks.check_add_mul(learner) is False
    out = capsys.readouterr().out
    assert "changed out.grad" in out and "must stay as it is" in out, out
    assert "only adds to its inputs' gradients" in out, out
    assert out.count("✗") == 1, out


def test_exercise_2b4_does_not_redefine_the_topological_order_that_backward_uses():
    lesson = pathlib.Path(__file__).parent.parent / "notebooks/02b_build_your_own_engine.ipynb"
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    deeper = next(i for i, c in enumerate(cells) if "### Exercise 2b.4" in "".join(c["source"]))
    code = "".join(cells[deeper + 1]["source"])
    assert "def my_topological_order(root):" in code, code
    assert "def topological_order(" not in code, code
    assert "my_topological_order" in "".join(cells[deeper + 2]["source"])
