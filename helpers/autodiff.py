"""A scalar reverse-mode automatic differentiation engine: the chain rule made visible.

``Value`` has micrograd's interface, so the code of Karpathy's micrograd lecture runs
unchanged::

    a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    c = a * b + 1;  L = c.relu() + c.tanh()
    L.backward()    # fills a.grad, b.grad, c.grad, ...

How it works (the whole idea in three lines):

* every operation creates a new node that keeps its *parents* (a tuple) and the *local
  derivative* of its value with respect to each parent, computed right away in the forward
  pass (for ``c = a * b``: dc/da = b, dc/db = a);
* ``backward()`` lists the nodes in topological order (parents before children) with an
  iterative depth-first search — no recursion, so a chain of a million nodes is fine;
* it walks that list backwards and applies the chain rule at every node::

      parent.grad += local * node.grad        # dL/dparent += dnode/dparent · dL/dnode

  ``+=``, not ``=``: a node used twice receives a contribution along each path.

Design choices (each one is tested in ``tests/test_autodiff.py``):

* **Second ``backward()``** — gradients of *leaves* (nodes you created with ``Value(x)``:
  inputs and parameters) accumulate, as PyTorch's leaf tensors do: calling ``L.backward()``
  twice doubles them. Gradients of intermediate nodes are recomputed from zero on every call.
  Reset with ``L.zero_grad()`` (every node of the graph) or ``zero_grad(parameters)``.
  (Unlike PyTorch, the graph is kept: PyTorch frees it after ``backward()``, so a second call
  raises unless the first used ``retain_graph=True``, and it keeps no ``.grad`` on
  intermediate tensors unless asked with ``retain_grad()``.)
* **ReLU at 0** — ``relu`` has derivative 0 at exactly 0 (as micrograd and PyTorch).
* **Domain errors** — ``log`` of x ≤ 0, a negative base to a fractional power, 0 to a
  negative power and division by zero raise ``DomainError`` (a ``ValueError``; the last two
  are also ``ZeroDivisionError``). A non-number operand raises ``TypeError`` naming its type.
* **Determinism** — parents live in tuples, never sets, so the order of the backward pass and
  every floating-point sum in it are the same in every run and every process.
* **No reference cycles** — nodes hold numbers and their parents, no closures over
  themselves, so a graph is freed as soon as the last name for it goes (no need for the
  cyclic garbage collector, which makes micrograd's training demo ~10× slower; see
  bench/README.md).
"""

from __future__ import annotations

import math
from numbers import Real

__all__ = ["Value", "DomainError", "zero_grad", "topological_order"]


class DomainError(ValueError):
    """An operation was asked for outside its domain (log(0), (-8)**0.5, ...)."""


class _ZeroDivision(DomainError, ZeroDivisionError):
    """Division by zero: both a DomainError (ValueError) and a ZeroDivisionError."""


def _lift(x, op):
    """Turn a number into a constant leaf ``Value``; a non-number is a TypeError."""
    if isinstance(x, Real) and not isinstance(x, bool):
        return Value(float(x))
    if hasattr(x, "__array_ufunc__"):
        return NotImplemented    # a NumPy array: let NumPy apply the operation element-wise
    raise TypeError(f"Value {op} {type(x).__name__}: the other operand must be a real number "
                    f"(int or float) or a Value, got {type(x).__name__} {x!r}")


class Value:
    """One scalar node of a computational graph: its value, its gradient, how it was made.

    Attributes
    ----------
    data : float   — the value computed in the forward pass (settable).
    grad : float   — dL/d(this node) after ``L.backward()`` (settable; starts at 0.0).
    label : str    — a name for drawings and reprs ("" if none).
    _prev : tuple  — the parents this node was computed from (empty for a leaf).
    _local : tuple — d(this node)/d(parent) for each parent, computed in the forward pass.
    _op : str      — the operation that made it ("+", "*", "tanh", ...; "" for a leaf).
    """

    __slots__ = ("data", "grad", "_prev", "_local", "_op", "label", "__weakref__")

    def __init__(self, data, _children=(), _op="", label="", _local=None):
        if isinstance(data, Value):
            raise TypeError("Value(...) expects a number, got a Value: use it directly")
        if not isinstance(data, Real) or isinstance(data, bool):
            raise TypeError(f"Value(data) expects a real number (int or float), "
                            f"got {type(data).__name__} {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        # micrograd-style Value(x, (a, b), "+") without local derivatives: unknown, use zeros
        self._local = tuple(_local) if _local is not None else (0.0,) * len(self._prev)
        self._op = _op
        self.label = label

    # -- a compact constructor for the operations below (no checks: data is a float) --------
    @staticmethod
    def _node(data, prev, local, op):
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out._prev = prev
        out._local = local
        out._op = op
        out.label = ""
        return out

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- arithmetic: each returns a new node with its parents and local derivatives ----------
    def __add__(self, other):
        if type(other) is not Value:
            other = _lift(other, "+")
            if other is NotImplemented:          # let NumPy handle arrays of Values
                return NotImplemented
        return _node(self.data + other.data, (self, other), _ONE_ONE, "+")

    def __mul__(self, other):
        if type(other) is not Value:
            other = _lift(other, "*")
            if other is NotImplemented:
                return NotImplemented
        return _node(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __sub__(self, other):
        if type(other) is not Value:
            other = _lift(other, "-")
            if other is NotImplemented:
                return NotImplemented
        return _node(self.data - other.data, (self, other), _ONE_MINUS_ONE, "-")

    def __truediv__(self, other):
        if type(other) is not Value:
            other = _lift(other, "/")
            if other is NotImplemented:
                return NotImplemented
        b = other.data
        if b == 0.0:
            raise _ZeroDivision(f"division by zero: {self.data!r} / 0")
        return _node(self.data / b, (self, other), (1.0 / b, -self.data / (b * b)), "/")

    def __pow__(self, p):
        if isinstance(p, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be a number "
                            "(int or float); for a variable exponent use (p * x.log()).exp()")
        if not isinstance(p, Real) or isinstance(p, bool):
            raise TypeError(f"Value ** {type(p).__name__}: the exponent must be a real number "
                            f"(int or float), got {type(p).__name__} {p!r}")
        p = float(p)
        x = self.data
        if x < 0.0 and not p.is_integer():
            raise DomainError(f"a negative base to a fractional power has no real value: "
                              f"({x!r}) ** {p!r}")
        if x == 0.0 and p < 1.0 and p != 0.0:
            kind = "is infinite" if p > 0.0 else "divides by zero"
            raise _ZeroDivision(f"0 ** {p!r}: the power or its derivative {kind} at 0")
        local = 0.0 if p == 0.0 else p * x ** (p - 1.0)
        return _node(x ** p, (self,), (local,), f"**{_short(p)}")

    def __neg__(self):
        return _node(-self.data, (self,), _MINUS_ONE, "neg")

    def __radd__(self, other):         # other + self
        return self + other

    def __rmul__(self, other):         # other * self
        return self * other

    def __rsub__(self, other):         # other - self
        other = _lift(other, "-")
        return NotImplemented if other is NotImplemented else other - self

    def __rtruediv__(self, other):     # other / self
        other = _lift(other, "/")
        return NotImplemented if other is NotImplemented else other / self

    # -- functions of one variable --------------------------------------------------------
    def relu(self):
        """max(0, x); its derivative is 1 for x > 0 and 0 for x ≤ 0 (0 at the kink x = 0)."""
        x = self.data
        if x > 0.0:
            return _node(x, (self,), _ONE, "ReLU")
        return _node(0.0, (self,), _ZERO, "ReLU")

    def tanh(self):
        t = math.tanh(self.data)
        return _node(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self):
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:                          # the same number, without overflow for large -x
            e = math.exp(x)
            s = e / (1.0 + e)
        return _node(s, (self,), (s * (1.0 - s),), "sigmoid")

    def exp(self):
        e = math.exp(self.data)
        return _node(e, (self,), (e,), "exp")

    def log(self):
        x = self.data
        if x <= 0.0:
            raise DomainError(f"log is defined for positive numbers only, got log({x!r})")
        return _node(math.log(x), (self,), (1.0 / x,), "log")

    # -- fused n-ary nodes: one node for a whole sum or neuron (fewer nodes, same numbers) --
    @staticmethod
    def sum(values, start=0.0):
        """``start + v1 + v2 + ...`` as ONE node (every local derivative is 1).

        Same value, added in the same order, as Python's ``sum(values, start)``, which builds
        one "+" node per term.
        """
        prev, total = [], 0.0
        for v in (start, *values):
            if type(v) is Value:
                prev.append(v)
                total += v.data
            else:
                total += _number(v, "Value.sum")
        return _node(total, tuple(prev), (1.0,) * len(prev), "sum")

    @staticmethod
    def dot(weights, inputs, bias=0.0):
        """``bias + w1·x1 + w2·x2 + ...`` as ONE node: a neuron's pre-activation.

        Local derivatives: d/dwi = xi, d/dxi = wi, d/dbias = 1. The value is added in the
        same order as ``sum((w * x for w, x in zip(weights, inputs)), bias)``, which builds
        2n nodes instead of one. Numbers (not Values) among the operands are constants.
        """
        weights, inputs = list(weights), list(inputs)
        if len(weights) != len(inputs):
            raise ValueError(f"Value.dot: {len(weights)} weights but {len(inputs)} inputs; "
                             "expected the same number")
        prev, local = [], []
        if type(bias) is Value:
            total = bias.data
            prev.append(bias)
            local.append(1.0)
        else:
            total = _number(bias, "Value.dot bias")
        for w, x in zip(weights, inputs):
            wd = w.data if type(w) is Value else _number(w, "Value.dot weight")
            xd = x.data if type(x) is Value else _number(x, "Value.dot input")
            total += wd * xd
            if type(w) is Value:
                prev.append(w)
                local.append(xd)
            if type(x) is Value:
                prev.append(x)
                local.append(wd)
        return _node(total, tuple(prev), tuple(local), "dot")

    # -- the backward pass ------------------------------------------------------------------
    def _backward(self):
        """One step of backpropagation: pass this node's gradient on to its parents."""
        g = self.grad
        for parent, local in zip(self._prev, self._local):
            parent.grad += local * g

    def backward(self):
        """Compute d(self)/d(node) for every node of the graph, by the chain rule.

        Leaves (nodes without parents) *accumulate*: a second call adds the same gradients
        again (PyTorch's leaves accumulate too, but PyTorch frees the graph after a backward
        pass unless ``retain_graph=True``). Intermediate nodes are reset first, so
        their ``grad`` always belongs to the latest call. Use ``zero_grad`` to reset leaves.
        """
        order = topological_order(self)
        for node in order:
            if node._prev:
                node.grad = 0.0
        self.grad += 1.0                         # dL/dL = 1
        for node in reversed(order):             # children before parents
            g = node.grad
            if g == 0.0:
                continue                         # nothing to pass on (+= 0·local changes nothing)
            for parent, local in zip(node._prev, node._local):
                parent.grad += local * g

    def zero_grad(self):
        """Set ``grad`` to 0.0 on every node of the graph that ends at this node."""
        for node in topological_order(self):
            node.grad = 0.0


def topological_order(root):
    """Every node the graph of ``root`` reaches, each after all of its parents.

    An iterative depth-first search (a stack of parent iterators instead of recursion), so
    depth is limited only by memory. The order depends only on the order of each node's
    parents (tuples), never on memory addresses: it is the same in every process.
    """
    order = []
    seen = {root}                    # Values hash by identity: only membership is asked here
    stack = [(root, iter(root._prev))]
    push, pop, add, emit = stack.append, stack.pop, seen.add, order.append
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in seen:
                add(parent)
                push((parent, iter(parent._prev)))
                break
        else:
            pop()
            emit(node)
    return order


def zero_grad(values):
    """Set ``grad`` to 0.0 on each Value of an iterable (e.g. a model's parameters)."""
    for v in values:
        v.grad = 0.0


def _number(x, where):
    """A real number as a float, or a TypeError saying what was received."""
    if isinstance(x, Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"{where}: expected a Value or a real number, got {type(x).__name__} {x!r}")


def _short(p):
    """2.0 -> '2', 0.5 -> '0.5': exponents as a reader writes them."""
    return str(int(p)) if p.is_integer() else repr(p)


_new = object.__new__
_node = Value._node
_ONE, _ZERO, _MINUS_ONE = (1.0,), (0.0,), (-1.0,)
_ONE_ONE, _ONE_MINUS_ONE = (1.0, 1.0), (1.0, -1.0)
