"""The engine of lessons 02-03: micrograd's, with local derivatives as data (``_local``)."""

import math
from collections.abc import Iterable
from numbers import Real


class DomainError(ValueError): ...  # an operation outside its domain: log(0), (-8) ** 0.5, ...


class _ZeroDivision(DomainError, ZeroDivisionError): ...  # x / 0: both kinds of error


class Value:
    """A number in a graph: ``data``, ``grad`` = dL/d(this node), ``label``, and how it was made."""

    __slots__ = ("data", "grad", "label", "_prev", "_local", "_op", "_backward", "__weakref__")

    def __init__(self, data: float, _children=(), _op="", label: str = "", _local=()) -> None:
        if type(data) is not float and (isinstance(data, bool) or not isinstance(data, Real)):
            raise TypeError(f"Value(data) takes a number, got {type(data).__name__} {data!r}")
        self.data, self.grad, self.label = float(data), 0.0, label
        self._prev = tuple(_children)  # the parents, in a tuple: the same order in every run
        self._local = tuple(_local)  # d(this node)/d(parent), for each parent
        self._op, self._backward = _op, None  # an operation as in the lecture sets _backward

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __add__(self, other: "Value | float") -> "Value":  # new value, parents, local derivatives
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), "+", _local=(1.0, 1.0))

    def __mul__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), "*", _local=(other.data, self.data))

    def __sub__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data - other.data, (self, other), "-", _local=(1.0, -1.0))

    def __truediv__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        if b == 0.0:
            raise _ZeroDivision(f"division by zero: {a!r} / 0")
        return Value(a / b, (self, other), "/", _local=(1.0 / b, -a / (b * b)))

    def __pow__(self, p: float) -> "Value":
        if isinstance(p, (Value, bool)) or not isinstance(p, Real):
            raise TypeError(f"Value ** {type(p).__name__}: the exponent must be an int or float")
        x, p = self.data, float(p)
        if x < 0.0 and not p.is_integer() or x == 0.0 and p < 1.0 and p != 0.0:
            error = _ZeroDivision if x == 0.0 else DomainError  # as Python's 0.0 ** -1
            raise error(f"{x!r} ** {p!r}: not real (x < 0, p fractional) or no slope (x = 0)")
        local = 0.0 if p == 0.0 else p * x ** (p - 1.0)  # d(x^p)/dx = p·x^(p-1)
        return Value(x**p, (self,), f"**{p:g}", _local=(local,))

    __radd__, __rmul__ = __add__, __mul__  # 2 + x is x + 2, 2 * x is x * 2
    __rsub__ = lambda self, other: Value(other) - self  # other - self
    __rtruediv__ = lambda self, other: Value(other) / self
    __neg__ = lambda self: Value(-self.data, (self,), "neg", _local=(-1.0,))  # -self

    def relu(self) -> "Value":  # the slope is 0 at the kink x = 0; NaN stays NaN
        x = self.data
        return Value(max(x, 0.0), (self,), "ReLU", _local=(1.0,) if x > 0.0 else (0.0,))

    def tanh(self) -> "Value":
        t = math.tanh(self.data)
        return Value(t, (self,), "tanh", _local=(1.0 - t * t,))

    def sigmoid(self) -> "Value":
        e = math.exp(-abs(self.data))  # never overflows
        s = 1.0 / (1.0 + e) if self.data >= 0.0 else e / (1.0 + e)
        return Value(s, (self,), "sigmoid", _local=(s * (1.0 - s),))

    def exp(self) -> "Value":
        e = math.exp(self.data)
        return Value(e, (self,), "exp", _local=(e,))

    def log(self) -> "Value":
        if self.data <= 0.0:
            raise DomainError(f"log is defined for positive numbers only, got log({self.data!r})")
        return Value(math.log(self.data), (self,), "log", _local=(1.0 / self.data,))

    @staticmethod
    def sum(values: "list[Value | float]", start: float = 0.0) -> "Value":
        """``start + v1 + v2 + ...`` as ONE node (lesson 03); numbers among them are constants."""
        values = list(values)
        return Value.dot([1.0] * len(values), values, start, _op="sum")

    @staticmethod
    def dot(weights: list, inputs: list, bias: "Value | float" = 0.0, _op="dot") -> "Value":
        """``bias + w1·x1 + w2·x2 + ...``, a neuron, as ONE node, in the order of Python's sum."""
        parents, local, total = [], [], 0.0
        weights, inputs = [bias, *weights], [1.0, *inputs]  # the bias: a weight on input 1
        if len(weights) != len(inputs):
            raise ValueError(f"Value.dot: {len(weights) - 1} weights but {len(inputs) - 1} inputs")
        for w, x in zip(weights, inputs):  # numbers among them are constants
            w_node, x_node = isinstance(w, Value), isinstance(x, Value)
            wd = w.data if w_node else w if type(w) is float else Value(w).data  # or refused
            xd = x.data if x_node else x if type(x) is float else Value(x).data
            total += wd * xd
            if w_node:
                parents.append(w)
                local.append(xd)  # d/dw = x
            if x_node:
                parents.append(x)
                local.append(wd)  # d/dx = w
        return Value(total, parents, _op, _local=local)

    def backward(self) -> None:
        """Fill every node's ``grad`` with d(self)/d(node); leaves add to theirs over calls."""
        order = topological_order(self)
        zero_grad(node for node in order if node._prev)  # leaves keep theirs: they accumulate
        self.grad += 1.0  # dL/dL = 1
        for node in reversed(order):  # each node after every node that uses it
            if node._backward:  # an operation written as in the lecture: its own function
                node._backward()
            elif len(node._local) == len(node._prev):
                for parent, local in zip(node._prev, node._local):
                    parent.grad += local * node.grad  # the chain rule
            else:
                raise TypeError(f"a {node._op!r} node with neither _backward nor _local set")

    def zero_grad(self) -> None:
        zero_grad(topological_order(self))


def topological_order(root: "Value") -> "list[Value]":
    """Every node ``root`` depends on, each after its parents: depth first, with a stack."""
    order, seen, stack = [], {root}, [(root, iter(root._prev))]  # Values hash by identity
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


def zero_grad(values: "Iterable[Value]") -> None:  # grad = 0.0 on each, e.g. a model's parameters
    for v in values:
        v.grad = 0.0
