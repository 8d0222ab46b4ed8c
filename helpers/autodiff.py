"""A scalar autodiff engine: the chain rule made visible (lessons 02 and 03).

``Value`` reads like micrograd's ``engine.py`` and runs the code of Karpathy's micrograd
lecture unchanged (``notebooks/02_computational_graphs.ipynb``)::

    a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    c = a * b + 1;  L = c.relu() + c.tanh()
    L.backward()    # fills a.grad, b.grad, c.grad, ...

Every operation makes a new node that keeps its parents and the *local derivative* of its
value with respect to each parent (for ``c = a * b``: dc/da = b, dc/db = a). ``backward()``
visits the nodes from the output back to the inputs and applies the chain rule at each::

    parent.grad += local * node.grad        # dL/dparent += dnode/dparent · dL/dnode

``+=``, not ``=``: a node used twice receives a contribution along each path.

An operation of your own, as in the lecture::

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")
        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

or, without a closure, ``Value(t, (self,), "tanh", _local=(1 - t**2,))``.

Choices (each tested in ``tests/test_autodiff.py``): leaves (``Value(x)``) accumulate their
gradient over calls of ``backward()``, as PyTorch's leaf tensors do, intermediate nodes start
from zero every time (``zero_grad`` resets) — unlike PyTorch, the graph is kept: PyTorch frees
it after ``backward()``, so a second call raises unless the first used ``retain_graph=True``,
and it keeps no ``.grad`` on intermediate tensors unless asked with ``retain_grad()``;
ReLU'(0) = 0; ``log`` of x ≤ 0, a negative base to a fractional power and division by zero
raise ``DomainError``; parents live in tuples, never sets, so every
run adds the same numbers in the same order; the built-in operations store numbers, not
closures over their own node, so a graph is freed as soon as nothing refers to it.
``Value.dot`` and ``Value.sum`` (one node for a neuron or a long sum) are the fast path of
lesson 03, in :mod:`helpers.fused`.
"""

from __future__ import annotations

import math
from numbers import Real

__all__ = ["Value", "DomainError", "zero_grad", "topological_order"]


class DomainError(ValueError):
    """An operation was asked for outside its domain (log(0), (-8)**0.5, ...)."""


class _ZeroDivision(DomainError, ZeroDivisionError):
    """Division by zero: both a DomainError (ValueError) and a ZeroDivisionError."""


class Value:
    """One scalar node of a computational graph: its value, its gradient, how it was made.

    ``data`` (the value), ``grad`` (dL/d(this node) after ``L.backward()``), ``label``;
    ``_prev`` the parents, ``_local`` d(this node)/d(parent) for each, ``_op`` the operation.
    """

    __slots__ = ("data", "grad", "label", "_prev", "_local", "_op", "_custom", "__weakref__")

    def __init__(self, data, _children=(), _op="", label="", _local=None):
        if type(data) is not float:  # an int, a NumPy number, ... or not a number
            if isinstance(data, bool) or not isinstance(data, Real):
                raise TypeError(
                    f"Value(data) expects a real number (int or float), "
                    f"got {type(data).__name__} {data!r}"
                )
            data = float(data)
        self.data = data
        self.grad = 0.0
        self.label = label
        self._prev = tuple(_children)
        self._local = () if not self._prev else None if _local is None else tuple(_local)
        self._op = _op
        self._custom = None  # an operation's own _backward, set lecture-style

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- operations: the value, and the local derivative with respect to each parent -----
    def __add__(self, other):
        other = _as_value(other, "+")
        if other is NotImplemented:  # a NumPy array: NumPy applies + per entry
            return NotImplemented
        return Value(self.data + other.data, (self, other), "+", _local=(1.0, 1.0))

    def __mul__(self, other):
        other = _as_value(other, "*")
        if other is NotImplemented:
            return NotImplemented
        return Value(self.data * other.data, (self, other), "*", _local=(other.data, self.data))

    def __sub__(self, other):
        other = _as_value(other, "-")
        if other is NotImplemented:
            return NotImplemented
        return Value(self.data - other.data, (self, other), "-", _local=(1.0, -1.0))

    def __truediv__(self, other):
        other = _as_value(other, "/")
        if other is NotImplemented:
            return NotImplemented
        a, b = self.data, other.data
        if b == 0.0:
            raise _ZeroDivision(f"division by zero: {a!r} / 0")
        return Value(a / b, (self, other), "/", _local=(1.0 / b, -a / (b * b)))

    def __pow__(self, p):
        if isinstance(p, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a number "
                "(int or float); for a variable exponent use (p * x.log()).exp()"
            )
        if isinstance(p, bool) or not isinstance(p, Real):
            raise TypeError(
                f"Value ** {type(p).__name__}: the exponent must be a real number "
                f"(int or float), got {type(p).__name__} {p!r}"
            )
        x, p = self.data, float(p)
        if x < 0.0 and not p.is_integer():
            raise DomainError(
                f"a negative base to a fractional power has no real value: ({x!r}) ** {p!r}"
            )
        if x == 0.0 and p < 1.0 and p != 0.0:
            kind = "is infinite" if p > 0.0 else "divides by zero"
            raise _ZeroDivision(f"0 ** {p!r}: the power or its derivative {kind} at 0")
        local = 0.0 if p == 0.0 else p * x ** (p - 1.0)  # d(x^p)/dx = p·x^(p-1)
        return Value(x**p, (self,), f"**{int(p) if p.is_integer() else p!r}", _local=(local,))

    def __neg__(self):
        return Value(-self.data, (self,), "neg", _local=(-1.0,))

    def relu(self):
        """max(0, x); its derivative is 1 for x > 0 and 0 for x ≤ 0 (0 at the kink x = 0)."""
        x = self.data
        if x > 0.0:
            return Value(x, (self,), "ReLU", _local=(1.0,))
        if x <= 0.0:
            return Value(0.0, (self,), "ReLU", _local=(0.0,))
        return Value(x, (self,), "ReLU", _local=(x,))  # NaN in, NaN out (not 0)

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), "tanh", _local=(1.0 - t * t,))

    def sigmoid(self):
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:  # the same number, no overflow for large -x
            s = math.exp(x) / (1.0 + math.exp(x))
        return Value(s, (self,), "sigmoid", _local=(s * (1.0 - s),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), "exp", _local=(e,))

    def log(self):
        x = self.data
        if x <= 0.0:
            raise DomainError(f"log is defined for positive numbers only, got log({x!r})")
        return Value(math.log(x), (self,), "log", _local=(1.0 / x,))

    def __radd__(self, other):  # other + self
        return self + other

    def __rmul__(self, other):  # other * self
        return self * other

    def __rsub__(self, other):  # other - self
        other = _as_value(other, "-")
        return NotImplemented if other is NotImplemented else other - self

    def __rtruediv__(self, other):  # other / self
        other = _as_value(other, "/")
        return NotImplemented if other is NotImplemented else other / self

    # -- the backward pass -------------------------------------------------------------------
    @property
    def _backward(self):
        """This node's step of the backward pass (micrograd's name): pass ``grad`` on to the
        parents. An operation of your own may set it (``out._backward = _backward``)."""
        return self._custom or self._chain_rule

    @_backward.setter
    def _backward(self, fn):
        if not callable(fn):
            raise TypeError(
                f"_backward must be a function of no arguments, got {type(fn).__name__} {fn!r}"
            )
        self._custom = fn

    def _chain_rule(self):
        if self._local is None:
            raise TypeError(
                f"the node {self!r} made by {self._op or 'an operation'!r} from "
                f"{len(self._prev)} parent(s) has no local derivatives: set "
                "out._backward = _backward (a function that adds each parent's share of "
                "out.grad to parent.grad, as in the micrograd lecture) or pass them: "
                "Value(data, parents, op, _local=(d data/d parent, ...))"
            )
        for parent, local in zip(self._prev, self._local):
            parent.grad += local * self.grad  # the chain rule

    def backward(self):
        """Fill ``grad`` on every node of the graph with d(self)/d(node), by the chain rule.

        Leaves (nodes without parents) *accumulate* over calls, as PyTorch's leaf tensors
        do; intermediate nodes start from zero on every call. ``zero_grad`` resets.
        """
        order = topological_order(self)
        for node in order:
            if node._prev:
                node.grad = 0.0
        self.grad += 1.0  # dL/dL = 1
        for node in reversed(order):  # every node after all its children
            if node._custom is None:
                node._chain_rule()
            else:
                node._custom()  # an operation's own _backward

    def zero_grad(self):
        """Set ``grad`` to 0.0 on every node of the graph that ends at this node."""
        for node in topological_order(self):
            node.grad = 0.0


def topological_order(root):
    """Every node the graph of ``root`` reaches, each after all of its parents.

    A depth-first search with a stack instead of recursion, so depth is limited only by
    memory. The order depends only on the order of each node's parents (tuples), never on
    memory addresses: it is the same in every process.
    """
    order, seen = [], {root}  # Values hash by identity
    stack = [(root, iter(root._prev))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in seen:  # go down to this parent first
                seen.add(parent)
                stack.append((parent, iter(parent._prev)))
                break
        else:  # every parent is done: the node is next
            stack.pop()
            order.append(node)
    return order


def zero_grad(values):
    """Set ``grad`` to 0.0 on each Value of an iterable (e.g. a model's parameters)."""
    for v in values:
        v.grad = 0.0


def _as_value(x, op):
    """``x`` as a Value (a number becomes a constant leaf); NotImplemented for a NumPy array
    (NumPy then applies the operation entry by entry); a TypeError for anything else."""
    if isinstance(x, Value):
        return x
    if isinstance(x, Real) and not isinstance(x, bool):
        return Value(x)
    if hasattr(x, "__array_ufunc__"):
        return NotImplemented
    raise TypeError(
        f"Value {op} {type(x).__name__}: the other operand must be a real number "
        f"(int or float) or a Value, got {type(x).__name__} {x!r}"
    )


# Value.dot and Value.sum, the fused nodes of lesson 03 and bench/bench_micrograd.py, are
# defined (and attached to Value) in helpers/fused.py.
from . import fused  # noqa: E402, F401
