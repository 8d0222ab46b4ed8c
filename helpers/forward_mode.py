"""Forward-mode automatic differentiation with dual numbers (lesson 02, computational graphs).

A dual number ``Dual(x, dx)`` carries a value and its derivative with respect to ONE chosen
input. Every operation applies the chain rule at once, going forwards::

    Dual(a, da) * Dual(b, db) = Dual(a·b, da·b + a·db)
    f(Dual(x, dx))            = Dual(f(x), f'(x)·dx)

Seed the input you care about with derivative 1 (the others with 0), evaluate the function
once, and read the derivative off the result. A function of n inputs needs n such passes for
its gradient (``gradient_forward``); reverse mode (``helpers.autodiff``) needs one backward
pass, whatever n is, and costs a small constant (about 3) times one evaluation. That is why
neural networks — millions of inputs (the parameters), one output (the loss) — are trained
with reverse mode.

Domain rules and errors are those of ``helpers.autodiff.Value`` (ReLU'(0) = 0; log of x ≤ 0,
a negative base to a fractional power, 0 to a negative power: ``DomainError``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real

from helpers.autodiff import DomainError, Value, _ZeroDivision
from helpers.checks import checked, whole

__all__ = ["Dual", "gradient_forward", "example_loss", "gradient_cost"]


def _lift(x, op):
    if isinstance(x, Dual):
        return x
    if isinstance(x, Real) and not isinstance(x, bool):
        return Dual(float(x), 0.0)  # a constant: its derivative is 0
    raise TypeError(
        f"Dual {op} {type(x).__name__}: the other operand must be a real number "
        f"or a Dual, got {type(x).__name__} {x!r}"
    )


class Dual:
    """A value and its derivative (with respect to one seeded input), carried together."""

    __slots__ = ("val", "der")

    def __init__(self, val: float, der: float = 0.0) -> None:
        for name, x in (("val", val), ("der", der)):
            if not isinstance(x, Real) or isinstance(x, bool):
                raise TypeError(f"Dual({name}) expects a real number, got {type(x).__name__} {x!r}")
        self.val = float(val)
        self.der = float(der)

    def __repr__(self) -> str:
        return f"Dual(val={self.val!r}, der={self.der!r})"

    def __add__(self, other: Dual | float) -> Dual:
        o = _lift(other, "+")
        return Dual(self.val + o.val, self.der + o.der)

    def __sub__(self, other: Dual | float) -> Dual:
        o = _lift(other, "-")
        return Dual(self.val - o.val, self.der - o.der)

    def __mul__(self, other: Dual | float) -> Dual:
        o = _lift(other, "*")
        return Dual(self.val * o.val, self.der * o.val + self.val * o.der)

    def __truediv__(self, other: Dual | float) -> Dual:
        o = _lift(other, "/")
        if o.val == 0.0:
            raise _ZeroDivision(f"division by zero: {self.val!r} / 0")
        return Dual(self.val / o.val, (self.der * o.val - self.val * o.der) / (o.val * o.val))

    def __pow__(self, p: float) -> Dual:
        if not isinstance(p, Real) or isinstance(p, bool):
            raise TypeError(
                f"Dual ** {type(p).__name__}: the exponent must be a real number, "
                f"got {type(p).__name__} {p!r}"
            )
        p, x = float(p), self.val
        if x < 0.0 and not p.is_integer():
            raise DomainError(
                f"a negative base to a fractional power has no real value: ({x!r}) ** {p!r}"
            )
        if x == 0.0 and p < 1.0 and p != 0.0:
            raise _ZeroDivision(f"0 ** {p!r}: the power or its derivative is not finite at 0")
        local = 0.0 if p == 0.0 else p * x ** (p - 1.0)
        return Dual(x**p, local * self.der)

    def __neg__(self) -> Dual:
        return Dual(-self.val, -self.der)

    def __radd__(self, other: Dual | float) -> Dual:
        return self + other

    def __rmul__(self, other: Dual | float) -> Dual:
        return self * other

    def __rsub__(self, other: Dual | float) -> Dual:
        return _lift(other, "-") - self

    def __rtruediv__(self, other: Dual | float) -> Dual:
        return _lift(other, "/") / self

    def relu(self) -> Dual:
        """max(0, x); derivative 1 for x > 0, 0 for x ≤ 0 (0 at the kink, as in autodiff)."""
        if self.val > 0.0:
            return Dual(self.val, self.der)
        return Dual(0.0, 0.0) if self.val <= 0.0 else Dual(self.val, self.val)  # NaN stays NaN

    def tanh(self) -> Dual:
        t = math.tanh(self.val)
        return Dual(t, (1.0 - t * t) * self.der)

    def sigmoid(self) -> Dual:
        x = self.val
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return Dual(s, s * (1.0 - s) * self.der)

    def exp(self) -> Dual:
        e = math.exp(self.val)
        return Dual(e, e * self.der)

    def log(self) -> Dual:
        if self.val <= 0.0:
            raise DomainError(f"log is defined for positive numbers only, got log({self.val!r})")
        return Dual(math.log(self.val), self.der / self.val)


def gradient_forward(f: Callable, xs: list[float]) -> tuple[float | None, list[float], int]:
    """The gradient of ``f(x1, ..., xn)`` (one number out) by n forward passes.

    Pass i seeds input i with derivative 1 and the others with 0, and reads df/dxi from the
    result. Returns ``(value, gradient list, number of passes)``.
    """
    xs = [float(x) for x in xs]
    grads, value = [], None
    for i in range(len(xs)):
        out = f(*[Dual(x, 1.0 if j == i else 0.0) for j, x in enumerate(xs)])
        out = _lift(out, "result")
        value = out.val
        grads.append(out.der)
    return value, grads, len(xs)


# --- the cost of a gradient: n forward passes against one backward pass ------------------


def example_loss(*xs: float | Dual | Value) -> float | Dual | Value:
    """A loss-like function of n inputs and one output: (Σ tanh(cᵢ·xᵢ))² / n, cᵢ = 1 + i/n.

    Works on plain numbers, ``Value`` and ``Dual`` alike.
    """
    n = len(xs)
    total = 0.0
    for i, x in enumerate(xs):
        total = total + (x * (1.0 + i / n)).tanh()
    return total * total * (1.0 / n)


@checked(n=whole(1, 10**5))
def gradient_cost(n: int) -> dict:
    """Operations needed for the gradient of ``example_loss`` with n inputs, both ways.

    ``ops`` is the number of operations of one evaluation (the non-leaf nodes of its graph).
    Forward mode repeats the whole evaluation once per input: ``forward_ops`` = n · ops
    (each a dual-number operation, itself a little dearer than a plain one).
    Reverse mode evaluates once and walks the graph back once; the backward pass does one
    multiply-add, ``parent.grad += local * node.grad``, per edge of the graph
    (``backward_ops``, counted like one operation each). So ``reverse_ops`` = ops +
    backward_ops is a small constant times one evaluation: ``reverse_ratio`` tends to 8/3
    for this function (about 2.7, whatever n is), and it is about 3 for networks built of
    matrix products (lesson 03 counts it). Forward mode grows like n², reverse mode like n.
    """
    from helpers.autodiff import Value, topological_order

    out = example_loss(*[Value(0.1 * (i % 7) - 0.3) for i in range(n)])
    nodes = [v for v in topological_order(out) if v._prev]
    ops = len(nodes)
    backward_ops = sum(len(v._prev) for v in nodes)  # one multiply-add per edge
    return {
        "n": n,
        "ops": ops,
        "forward_passes": n,
        "forward_ops": n * ops,
        "reverse_passes": 1,
        "backward_ops": backward_ops,
        "reverse_ops": ops + backward_ops,
        "reverse_ratio": (ops + backward_ops) / ops,
    }
