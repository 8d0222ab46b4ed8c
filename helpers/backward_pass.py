"""The backward pass, one node at a time (lesson 02, ``notebooks/02_computational_graphs.ipynb``).

``backward_steps(root)`` lists the steps of backpropagation on a :class:`helpers.autodiff.Value`
graph: one per node, in the order the algorithm finishes them, each with the chain-rule sum
that gives its gradient, in numbers. ``format_steps(root)`` prints them. Nothing here changes
the graph: the steps compute their own gradients from the local derivatives, exactly as
``Value.backward`` does.

Notation (the lesson's): ``grad v`` is the gradient being accumulated, the derivative of the
output with respect to the node ``v`` (``v.grad`` in code); ``∂c/∂v (local)`` is the local
derivative of one operation ``c`` with respect to its input ``v``, which ``c`` knows from its
own inputs alone. A step reads ``grad v = grad c × ∂c/∂v (local) + ...``, one term per use.

The drawings of the lesson are in :mod:`helpers.figures.computational_graphs`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import checks
from .autodiff import Value, topological_order


def fmt(x: float) -> str:
    """Four decimals, a true minus sign, and no "-0.0000"."""
    s = f"{x:.4f}"
    if s in ("-0.0000",):
        s = "0.0000"
    return s.replace("-", "−")


def node_names(nodes: list[Value]) -> dict[Value, str]:
    """A name for each node of a graph, as the steps and the figures show it: its ``label``
    if it has one, else ``n1``, ``n2``, ... in the order given (a name a label already uses is
    skipped). ``nodes`` is a list of :class:`~helpers.autodiff.Value`, such as
    ``topological_order(root)``."""
    order = list(nodes)
    for v in order:
        if not isinstance(v, Value):
            raise TypeError(f"node_names: nodes must be Values, got {checks.got(v)}")
    names, used = {}, {v.label for v in order if v.label}
    k = 0
    for v in order:
        if v.label:
            names[v] = v.label
        else:
            k += 1
            while f"n{k}" in used:
                k += 1
            names[v] = f"n{k}"
    return names


@dataclass(frozen=True)
class Step:
    """One step of backpropagation: the gradient of ``node``, finished.

    ``terms`` holds one (child, grad child, local derivative ∂child/∂node) per use of the node;
    ``grad`` is their sum of products (1.0 for the output itself, which has no terms).
    """

    index: int
    node: Value
    grad: float
    terms: tuple
    formula: str


def backward_steps(root: Value, names: dict | None = None) -> list[Step]:
    """The steps of ``root.backward()``: one per node, children before parents.

    Step k finishes the gradient of the k-th node in reverse topological order: every node
    that uses it has been finished before, so grad node = Σ grad child × ∂child/∂node (local)
    over its uses. The graph is not modified (the gradients are computed here, not stored in .grad).
    """
    order = topological_order(root)
    names = names or node_names(order)
    uses = {v: [] for v in order}
    for v in order:
        if len(v._local) != len(v._prev):  # an operation written as in the lecture
            raise TypeError(
                f"backward_steps: the {v._op!r} node keeps no local derivatives (_local): it "
                "was made by an operation with its own _backward, whose steps cannot be listed"
            )
        for p, local in zip(v._prev, v._local):
            uses[p].append((v, local))
    out = names[root]
    grad, steps = {}, []
    for k, v in enumerate(reversed(order)):
        if v is root:
            g, terms = 1.0, ()
            formula = f"grad {out} = 1"
        else:
            terms = tuple((c, grad[c], local) for c, local in uses[v])
            g = 0.0
            for _, gc, local in terms:
                g += local * gc  # the same += as Value.backward
            symbolic = " + ".join(
                f"grad {names[c]} × ∂{names[c]}/∂{names[v]} (local)" for c, _, _ in terms
            )
            numeric = " + ".join(f"{_paren(gc)} × {_paren(local)}" for _, gc, local in terms)
            formula = f"grad {names[v]} = {symbolic}\n      = {numeric} = {fmt(g)}"
        grad[v] = g
        steps.append(Step(k, v, g, terms, formula))
    return steps


def _paren(x):
    s = fmt(x)
    return f"({s})" if s.startswith("−") else s


def format_steps(root: Value) -> str:
    """All steps of the backward pass as text, one block per node."""
    return "\n".join(f"step {s.index:>2}: {s.formula}" for s in backward_steps(root))
