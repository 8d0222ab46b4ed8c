"""The figures of notebook 02b (build your own engine).

``order_figure(edges, order)`` draws a small graph twice: as it is (inputs left, output right)
and with its nodes on one line in a topological order, where every arrow points right; under
each node, the step at which the backward pass (the order walked backwards) visits it.
A node used twice by the same operation (c = a·a) has two arrows to it, one per use.
With ``graph=False`` only the line is drawn (for a graph that is a line already).
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from helpers.figures.alt import describe

__all__ = ["order_figure", "DIAMOND"]

# x → a → (b, c) → d: the diamond of Exercise 2b.4; c = a·a uses a twice, hence two arrows
DIAMOND = [("x", "a"), ("a", "b"), ("a", "c"), ("a", "c"), ("b", "d"), ("c", "d")]

NODE, EDGE, TEXT, STEP = "#e8f0fb", "#3a5a8c", "#222222", "#b35900"


def _check_order(edges, order):
    nodes = {n for e in edges for n in e}
    if sorted(order) != sorted(nodes) or len(set(order)) != len(order):
        raise ValueError(
            f"order_figure: order must list every node of the edges once; "
            f"got {list(order)} for the nodes {sorted(nodes)}"
        )
    pos = {n: i for i, n in enumerate(order)}
    late = [(p, c) for p, c in edges if pos[p] > pos[c]]
    if late:
        raise ValueError(
            f"order_figure: order {list(order)} is not a topological order: "
            f"{late[0][0]} (a parent of {late[0][1]}) comes after it"
        )


def _depths(edges, order):
    depth = {}
    for n in order:
        parents = [p for p, c in edges if c == n]
        depth[n] = 1 + max((depth[p] for p in parents), default=-1)
    return depth


def _node(ax, xy, label, step=None):
    ax.scatter(*xy, s=900, color=NODE, edgecolor=EDGE, linewidth=1.5, zorder=3)
    ax.text(*xy, label, ha="center", va="center", fontsize=13, color=TEXT, zorder=4)
    if step is not None:
        ax.text(xy[0], xy[1] - 0.55, f"step {step}", ha="center", va="top", fontsize=10, color=STEP)


def _arrow(ax, a, b, rad=0.0):
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            arrowstyle="-|>",
            mutation_scale=14,
            color=EDGE,
            linewidth=1.3,
            shrinkA=15,
            shrinkB=15,
            connectionstyle=f"arc3,rad={rad}",
            zorder=2,
        )
    )


def _bends(edges, straight, bent):
    """The bend of each arrow: ``straight`` or ``bent`` by the arrow's length; an edge listed
    twice (a node used twice) gets its second arrow bent the other way, so both show."""
    seen: dict = {}
    out = []
    for e, rad in zip(edges, (straight(e) for e in edges)):
        k = seen.get(e, 0)
        seen[e] = k + 1
        if edges.count(e) > 1:
            rad = bent(rad, k)
        out.append(rad)
    return out


def order_figure(
    edges=DIAMOND, order=("x", "a", "b", "c", "d"), *, title=None, graph=True
) -> Figure:
    """The graph of ``edges`` ((parent, child) pairs) and the same nodes in ``order``.

    ``order`` must be a topological order (each node after its parents); the backward pass
    visits the nodes in the reverse order, and the step numbers say when. An edge listed twice
    (a node used twice, as in c = a·a) is drawn as two arrows. ``graph=False`` draws the order
    alone.
    """
    edges, order = [tuple(e) for e in edges], list(order)
    _check_order(edges, order)
    fig = Figure(figsize=(9.0, 3.2) if graph else (5.6, 2.6), layout="constrained")
    if graph:
        left, right = fig.subplots(1, 2, width_ratios=[1, 1.5])
        _draw_graph(left, edges, order)
    else:
        right = fig.subplots(1, 1)
    _draw_line(right, edges, order)
    for ax in fig.axes:
        ax.set_aspect("equal")
        ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=12)
    return describe(fig, _alt(edges, order, title, graph))


def _draw_graph(ax, edges, order):
    """The graph as it is: a column per depth, inputs left, the output right."""
    depth = _depths(edges, order)
    columns: dict[int, list[str]] = {}
    for n in order:
        columns.setdefault(depth[n], []).append(n)
    where = {}
    for d, names in columns.items():
        for i, n in enumerate(names):
            where[n] = (d, (len(names) - 1) / 2 - i)
    rads = _bends(  # an arrow that skips a column bends round the nodes between
        edges,
        lambda e: 0.0 if depth[e[1]] - depth[e[0]] == 1 else -0.35,
        lambda rad, k: rad + (0.25 if k == 0 else -0.25),
    )
    for (p, c), rad in zip(edges, rads):
        _arrow(ax, where[p], where[c], rad=rad)
    for n in order:
        _node(ax, where[n], n)
    ax.set_title("the graph", fontsize=11)
    ax.set_xlim(-0.6, max(columns) + 0.6)
    ax.set_ylim(-1.3, 1.3)


def _alt(edges, order, title, graph) -> str:
    """The figure in words: its arrows, the order on the line and the backward pass's steps."""
    words = {2: "two", 3: "three", 4: "four"}
    arrows = []
    for p, c in dict.fromkeys(edges):
        n = edges.count((p, c))
        times = "twice" if n == 2 else f"{n} times"
        twice = f" ({words.get(n, n)} arrows: {c} uses {p} {times})" if n > 1 else ""
        arrows.append(f"{p} to {c}{twice}")
    steps = ", ".join(f"{n} step {k}" for k, n in enumerate(reversed(order), start=1))
    what = (
        "On the left, the graph, inputs on the left and the output on the right. On the "
        "right, the same nodes on one line"
        if graph
        else "The nodes on one line"
    )
    said = title.replace("·", " times ") + ". " if title else ""  # a screen reader skips ·
    return (
        f"{said}Arrows go from {'; '.join(arrows)}. {what}, in the topological order "
        f"{', '.join(order)}: every arrow points right. Under each node is its step in the "
        f"backward pass, which walks the line from right to left: {steps}."
    )


def _draw_line(ax, edges, order):
    """The nodes on one line in ``order``, each arrow pointing right, the steps underneath."""
    line = {n: (i, 0.0) for i, n in enumerate(order)}
    rads = _bends(  # arrows that skip nodes: above from odd places, below from even ones
        edges,
        lambda e: (
            0.0 if line[e[1]][0] - line[e[0]][0] == 1 else (-0.35 if line[e[0]][0] % 2 else 0.3)
        ),
        lambda rad, k: (rad or -0.2) * (1.0 if k == 0 else 1.9),
    )
    for (p, c), rad in zip(edges, rads):
        _arrow(ax, line[p], line[c], rad=rad)
    steps = {n: k for k, n in enumerate(reversed(order), start=1)}
    for n in order:
        _node(ax, line[n], n, steps[n])
    ax.set_title(
        "a topological order: every arrow points right;\nthe backward pass walks it right to left",
        fontsize=11,
    )
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_ylim(-1.4, 1.3)
