"""Fused nodes: a whole sum, or a neuron's pre-activation, as ONE node (lesson 03, the fast path).

``Value.sum(values, start)`` and ``Value.dot(weights, inputs, bias)`` give the same numbers,
added in the same order, as Python's ``sum(values, start)`` and the lecture's neuron
``sum((w * x for w, x in zip(weights, inputs)), bias)``, but as one node instead of n or 2n:
the graph of a network of scalar Values is eight times smaller, and training it that much
faster (``notebooks/03_backpropagation.ipynb``; ``bench/bench_micrograd.py`` measures it).
The local derivatives of one node are those of the sum it replaces:
d/dvᵢ = 1, d/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/dbias = 1. Numbers among the operands are constants.

This is the one place written for speed (``type(v) is Value`` tests, bound ``append``s);
``helpers.autodiff`` stays plain.
"""

from __future__ import annotations

from numbers import Real

from .autodiff import Value

__all__ = ["dot", "total"]


def total(values, start=0.0):
    """``start + v1 + v2 + ...`` as ONE node; every local derivative is 1."""
    parents, value = [], 0.0
    for v in (start, *values):
        if type(v) is Value:
            parents.append(v)
            value += v.data
        else:
            value += _number(v, "Value.sum")
    return Value(value, parents, "sum", _local=[1.0] * len(parents))


def dot(weights, inputs, bias=0.0):
    """``bias + w1·x1 + w2·x2 + ...`` as ONE node: a neuron's pre-activation."""
    weights, inputs = list(weights), list(inputs)
    if len(weights) != len(inputs):
        raise ValueError(
            f"Value.dot: {len(weights)} weights but {len(inputs)} inputs; expected the same number"
        )
    parents, local = [], []
    add_parent, add_local = parents.append, local.append
    if type(bias) is Value:
        value = bias.data
        add_parent(bias)
        add_local(1.0)
    else:
        value = _number(bias, "Value.dot bias")
    for w, x in zip(weights, inputs):
        w_is_node, x_is_node = type(w) is Value, type(x) is Value
        wd = w.data if w_is_node else _number(w, "Value.dot weight")
        xd = x.data if x_is_node else _number(x, "Value.dot input")
        value += wd * xd
        if w_is_node:
            add_parent(w)
            add_local(xd)  # d/dw = x
        if x_is_node:
            add_parent(x)
            add_local(wd)  # d/dx = w
    return Value(value, parents, "dot", _local=local)


def _number(x, where):
    """A real number as a float, or a TypeError saying what was received."""
    if type(x) is float:  # the common case, without the slower ABC check
        return x
    if isinstance(x, Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"{where}: expected a Value or a real number, got {type(x).__name__} {x!r}")


Value.dot = staticmethod(dot)
Value.sum = staticmethod(total)
