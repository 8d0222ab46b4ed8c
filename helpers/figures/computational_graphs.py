"""Figures of lesson 02, computational graphs (``notebooks/02_computational_graphs.ipynb``).

* ``layout(root)`` places the nodes of a :class:`helpers.autodiff.Value` graph in layers, left
  to right: inputs on the left, the output on the right, each node one column after its
  latest parent.
* ``draw_graph(root)`` draws every node as a box (name, data, grad) with a small circle for
  the operation that made it, as micrograd's ``draw_dot`` does with graphviz.
* ``BackwardView(root)`` is the step-through view (``.fig``, ``.update(step=k)``) of
  :func:`helpers.backward_pass.backward_steps`.
* ``order_figure(root)`` shows a topological order: the nodes in one row, every arrow
  pointing to the right.
* ``cost_figure``: forward mode against reverse mode (:mod:`helpers.forward_mode`).

Each figure (and the view, at each step) carries alt text (:mod:`helpers.figures.alt`): what it
draws, in plain words, written from the graph it drew.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import checks
from ..autodiff import Value, topological_order
from ..backward_pass import backward_steps, fmt, node_names
from ..forward_mode import gradient_cost
from .alt import describe
from .style import PALETTE, new_figure, style_axis

# geometry in data units: layers DX apart (left to right) or TB_DY apart (top to bottom),
# nodes of a layer DY (or TB_DX) apart, boxes W × H, op circles OP_GAP from their box
DX, DY, W, H, OP_GAP = 3.8, 1.45, 1.9, 1.05, 0.55


TB_DX, TB_DY = 2.35, 2.7


R = 0.28  # op circle radius, where arrows start and end
TAG_CLEAR = 0.35  # data units between a tag and the end of its edge (the arrowhead's room)
# layers further apart in the step view: room for a tag clear of its arrowhead, and more
# where a node is used twice (its edges cross others: the tags then stay clear of the crossing)
DX_VIEW, DX_VIEW_REUSE = 4.6, 5.2


def _tag_length(text: str, fontsize: float, direction: str) -> float:
    """The extent (inches) of a bold tag along its edge: its width (LR) or height (TB)."""
    if direction == "LR":
        return (0.62 * len(text) + 0.4) * fontsize / 72
    return 1.6 * fontsize / 72


COLOURS = {
    "face": "#ffffff",
    "edge": "#4d4d4d",
    "text": "#222222",
    "muted": "#9a9a9a",
    "pending_face": "#f5f5f5",
    "pending_edge": "#c4c4c4",
    "done_face": "#e6f4ee",
    "done_edge": PALETTE["f"],
    "current_face": "#fdebd3",
    "current_edge": PALETTE["tangent"],
    "source_edge": PALETTE["g"],
    "grad": "#8a2c00",
}

# every edge of a graph: one style
_ARROW = dict(
    arrowstyle="-|>",
    mutation_scale=9,
    lw=1.0,
    color=COLOURS["edge"],
    shrinkA=0,
    shrinkB=0,
    zorder=1,
)


OP_SYMBOL = {
    "+": "+",
    "-": "−",
    "*": "×",
    "/": "÷",
    "neg": "−x",
    "ReLU": "ReLU",
    "tanh": "tanh",
    "sigmoid": "σ",
    "exp": "exp",
    "log": "log",
    "sum": "Σ",
    "dot": "w·x+b",
}


def op_symbol(op: str) -> str:
    if op.startswith("**"):
        return "x^" + op[2:] if op[2:] not in ("2", "3") else "x" + "²³"[int(op[2:]) - 2]
    return OP_SYMBOL.get(op, op)


# -- alt text: what a figure shows, in words (helpers.figures.alt) ------------------------------

_OP_WORDS = {"+": "plus", "-": "minus", "*": "times", "/": "divided by"}
_FEW = 12  # a graph of at most this many nodes is described node by node


def _num(x: float) -> str:
    """A number for alt text: 3 significant digits, "minus" spelled out, never "minus 0"."""
    s = f"{float(x):.3g}"
    if s in ("-0", "0"):
        return "0"
    return "minus " + s[1:] if s.startswith("-") else s


def _made(v: Value, names: dict) -> str:
    """How an operation made the node ``v``, in words: "e is a times b"."""
    parents = [names[p] for p in v._prev]
    if v._op in _OP_WORDS and len(parents) == 2:
        return f"{names[v]} is {parents[0]} {_OP_WORDS[v._op]} {parents[1]}"
    if v._op.startswith("**"):
        power = v._op[2:]
        said = "squared" if power == "2" else f"to the power {power}"
        return f"{names[v]} is {parents[0]} {said}"
    if v._op == "neg":
        return f"{names[v]} is minus {parents[0]}"
    return f"{names[v]} is {v._op or 'an operation'} of {' and '.join(parents)}"


def _graph_words(lay: Layout, show_grad: bool) -> str:
    """Alt text of a drawn graph: its shape, its operations, its values (and gradients)."""
    order, names = lay.order, lay.names
    root = order[-1]
    ops = [v for v in order if v._prev]
    leaves = [v for v in order if not v._prev]
    way = (
        "from left to right, the inputs on the left"
        if lay.direction == "LR"
        else "from top to bottom, the inputs on top"
    )
    text = (
        f"A computational graph of {names[root]}, drawn {way}: {len(order)} boxes for the "
        f"values and {len(ops)} circles for the operations."
    )

    def box(v):
        grad = f" with gradient {_num(v.grad)}" if show_grad else ""
        return f"{names[v]} equals {_num(v.data)}{grad}"

    if len(order) <= _FEW:
        text += " Operations: " + "; ".join(_made(v, names) for v in ops) + "."
        return text + " Boxes: " + ", ".join(box(v) for v in order) + "."
    text += f" The output {box(root)}."
    return text + f" The {len(leaves)} inputs and parameters: " + ", ".join(map(box, leaves)) + "."


@dataclass
class Layout:
    """Where each node goes: box centres, op-circle centres, display names, bounds."""

    order: list  # topological order (parents first)
    pos: dict  # node -> (x, y) centre of its box
    op_pos: dict  # node -> (x, y) centre of its op circle (non-leaves only)
    names: dict  # node -> the name used in drawings and formulas
    children: dict  # node -> list of (child, index in child._prev)
    ncols: int  # number of layers
    nrows: int  # most nodes in one layer
    direction: str  # "LR" (inputs left) or "TB" (inputs on top)


def layout(root: Value, *, direction: str = "auto", sweeps: int = 6) -> Layout:
    """Layered layout of the graph ending at ``root``: left to right, or top to bottom.

    ``direction``: "LR", "TB", or "auto" — left to right for up to 6 layers, top to bottom
    for deeper graphs (a notebook is narrow and long: a deep graph fits it standing up).

    Column of a node: 1 + the latest column of its parents (leaves: one column before their
    first use). Rows: ordered by the average row of the neighbours, a few sweeps back and
    forth (the barycentre heuristic), which removes most edge crossings in small graphs.
    """
    if not isinstance(root, Value):
        raise TypeError(f"layout(root): expected a Value, got {type(root).__name__}")
    if direction not in ("auto", "LR", "TB"):
        raise ValueError(f"layout: direction must be 'auto', 'LR' or 'TB', got {direction!r}")
    return _layout(root, direction, sweeps, DX)


def _layout(root: Value, direction: str, sweeps: int, dx: float) -> Layout:
    """``layout`` with the distance ``dx`` between layers (left to right) as a parameter."""
    order = topological_order(root)
    children = {v: [] for v in order}
    for v in order:
        for i, p in enumerate(v._prev):
            children[p].append((v, i))
    col = _columns(order, children)
    ncols = max(col.values()) + 1
    columns = [[v for v in order if col[v] == c] for c in range(ncols)]
    nrows = max(len(c) for c in columns)
    y = _rows(columns, children, sweeps)
    span = int(round(max(y.values()) - min(y.values()))) + 1
    if direction == "auto":
        direction = "LR" if ncols <= 6 else "TB"
    pos, op_pos = _places(order, col, y, direction, dx)
    return Layout(
        order, pos, op_pos, node_names(order), children, ncols, max(nrows, span), direction
    )


def _columns(order, children) -> dict:
    """The layer of each node, from 0: one after its latest parent; a leaf just before its
    first use."""
    col = {}
    for v in order:
        col[v] = 1 + max((col[p] for p in v._prev), default=-1)
    for v in order:  # leaves: just before first use
        if not v._prev and children[v]:
            col[v] = min(col[c] for c, _ in children[v]) - 1
    shift = min(col.values())
    return {v: c - shift for v, c in col.items()}


def _rows(columns, children, sweeps: int) -> dict:
    """The height of each node in its layer: centred, then ``sweeps`` sweeps back and forth
    that move each node towards the average height of its neighbours (the barycentre
    heuristic). Sorts each column by height."""
    y = {}
    for c in columns:
        for i, v in enumerate(c):
            y[v] = (len(c) - 1) / 2 - i
    for s in range(sweeps):
        forward = s % 2 == 0
        for c in columns[1:] if forward else columns[-2::-1]:
            wanted = {}
            for v in c:
                nb = list(v._prev) if forward else [ch for ch, _ in children[v]]
                wanted[v] = sum(y[n] for n in nb) / len(nb) if nb else y[v]
            _spread(c, wanted, y)
    return y


def _spread(column, wanted, y):
    """Rows as near the wanted heights as possible, at least 1 apart, in that order."""
    column.sort(key=lambda v: -wanted[v])
    ys = [wanted[v] for v in column]
    for i in range(1, len(ys)):  # push down what is too close
        ys[i] = min(ys[i], ys[i - 1] - 1.0)
    mean_shift = sum(wanted[v] for v in column) / len(column) - sum(ys) / len(ys)
    for v, yy in zip(column, ys):
        y[v] = yy + mean_shift


def _places(order, col, y, direction: str, dx: float):
    """``(pos, op_pos)``: the centre of each node's box and of each op circle, in data
    units, inputs left (LR) or on top (TB)."""
    top = max(y.values())
    if direction == "LR":
        pos = {v: (col[v] * dx, (y[v] - top) * DY) for v in order}
        op_pos = {v: (pos[v][0] - W / 2 - OP_GAP, pos[v][1]) for v in order if v._prev}
    else:
        pos = {v: ((top - y[v]) * TB_DX, -col[v] * TB_DY) for v in order}
        op_pos = {v: (pos[v][0], pos[v][1] + H / 2 + OP_GAP) for v in order if v._prev}
    return pos, op_pos


def _anchors(lay: Layout, parent, node):
    """Where the arrow parent → op of node starts and ends, and op → node box."""
    (px, py), (ox, oy), (x, y) = lay.pos[parent], lay.op_pos[node], lay.pos[node]
    if lay.direction == "LR":
        return (px + W / 2, py), (ox - R, oy), (ox + R, oy), (x - W / 2, y)
    return (px, py - H / 2), (ox, oy + R), (ox, oy - R), (x, y + H / 2)


class _Drawing:
    """The artists of one graph drawing, kept so that a view can restyle them."""

    def __init__(self, ax, lay: Layout, *, show_grad=True, font=9.0, unit=0.58):
        """show_grad: True shows .grad; False leaves the line for a view to fill; None: no
        grad line at all (name and data only). unit: inches per data unit (for the tags)."""
        self.ax, self.lay, self.font, self.unit = ax, lay, font, unit
        self.box, self.grad_text, self.edges, self.edge_labels = {}, {}, {}, {}
        self.node_texts = []  # name and data lines of each box
        ax.set_axis_off()
        for v in lay.order:  # edges first, boxes on top
            if v._prev:
                self._operation(v)
        for v in lay.order:
            self._node(v, show_grad)
        x0, x1, y0, y1 = _extent(lay)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")

    def _operation(self, v: Value):
        """The operation that makes ``v``: an edge from each parent, with its tag (a second
        edge from the same parent bows aside), the op circle and its arrow to v's box."""
        n_same = {}
        for i, p in enumerate(v._prev):
            start, end, op_out, box_in = _anchors(self.lay, p, v)
            repeat = n_same.get(p, 0)
            n_same[p] = repeat + 1
            rad = 0.0 if repeat == 0 else 0.25 * (1 if repeat % 2 else -1)
            arrow = FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={rad}", **_ARROW)
            self.ax.add_patch(arrow)
            self.edges[(p, v, i)] = arrow
            self.edge_labels[(p, v, i)] = self._tag(fmt(v._local[i]), start, end)
        self.ax.add_patch(FancyArrowPatch(op_out, box_in, **_ARROW))
        self._op_circle(v)

    def _tag(self, text: str, start, end):
        """The tag of the edge from ``start`` to ``end`` (its local derivative), hidden until
        a view shows it. It sits on its own edge, centred on it, near the operation that owns
        it but clear of the arrowhead: crossing edges (a node used twice) keep their tags
        apart, and every arrowhead stays visible."""
        font = self.font
        tag_len = _tag_length(text, font - 1, self.lay.direction) / self.unit
        dx, dy = end[0] - start[0], end[1] - start[1]
        length = max(math.hypot(dx, dy), 1e-9)
        back = min(0.5, (TAG_CLEAR + tag_len / 2) / length)
        return self.ax.text(
            end[0] - back * dx,
            end[1] - back * dy,
            text,
            fontsize=font - 1,
            ha="center",
            va="center",
            color="white",
            zorder=6,
            fontweight="bold",
            bbox=dict(boxstyle="round,pad=0.2", fc=COLOURS["source_edge"], ec="none"),
            visible=False,
        )

    def _op_circle(self, v: Value):
        """The symbol of the operation that makes ``v``, in a circle (a rounded box for a
        longer name)."""
        sym = op_symbol(v._op)
        ox, oy = self.lay.op_pos[v]
        self.ax.text(
            ox,
            oy,
            sym,
            ha="center",
            va="center",
            zorder=4,
            fontsize=self.font if len(sym) <= 2 else self.font - 2,
            bbox=dict(
                boxstyle="circle,pad=0.25" if len(sym) <= 2 else "round,pad=0.25",
                fc="white",
                ec=COLOURS["edge"],
                lw=1.0,
            ),
        )

    def _node(self, v: Value, show_grad):
        """The box of ``v`` with its name, its data and (unless ``show_grad`` is None) its
        grad line."""
        x, y = self.lay.pos[v]
        box = FancyBboxPatch(
            (x - W / 2, y - H / 2),
            W,
            H,
            boxstyle="round,pad=0,rounding_size=0.12",
            fc=COLOURS["face"],
            ec=COLOURS["edge"],
            lw=1.2,
            zorder=3,
        )
        self.ax.add_patch(box)
        self.box[v] = box
        dy = 0.3 if show_grad is not None else 0.16  # two lines or three
        centred = dict(ha="center", va="center", zorder=5)
        mono = dict(centred, fontsize=self.font - 0.5, family="monospace")
        name = self.ax.text(
            x,
            y + dy,
            self.lay.names[v],
            fontsize=self.font,
            fontweight="bold" if v.label else "normal",
            color=COLOURS["text"] if v.label else COLOURS["muted"],
            **centred,
        )
        data = self.ax.text(x, y + dy - 0.3, f"data {fmt(v.data)}", color=COLOURS["text"], **mono)
        self.node_texts += [name, data]
        grad = f"grad {fmt(v.grad)}" if show_grad else ""
        self.grad_text[v] = self.ax.text(x, y - 0.3, grad, color=COLOURS["grad"], **mono)


def _extent(lay: Layout):
    xs = [p[0] for p in lay.pos.values()]
    ys = [p[1] for p in lay.pos.values()]
    oxs = [p[0] - R for p in lay.op_pos.values()]
    oys = [p[1] + R for p in lay.op_pos.values()]
    return (
        min(xs + [x + W / 2 for x in oxs]) - W / 2 - 0.3,
        max(xs) + W / 2 + 0.3,
        min(ys) - H / 2 - 0.25,
        max(ys + [y - H / 2 for y in oys]) + H / 2 + 0.25,
    )


def _geometry(lay: Layout, natural=0.58, max_width=14.0, min_width=6.5):
    """Figure width (inches), graph height (inches) and a font scale for a layout."""
    x0, x1, y0, y1 = _extent(lay)
    width = (x1 - x0) * natural
    scale = min(1.0, max_width / width)
    fig_w = max(min_width, width * scale)
    graph_h = (y1 - y0) * natural * scale
    return fig_w, graph_h, scale


def draw_graph(
    root: Value, *, show_grad: bool = True, title: str | None = None, direction: str = "auto"
) -> Figure:
    """Draw the graph ending at ``root``: one box per node (name, data, grad), op circles.

    Names are the nodes' labels; unlabelled nodes are called n1, n2, ... in grey. Grads are
    the nodes' current ``.grad`` (call ``root.backward()`` first to see gradients).
    ``direction``: "LR" (inputs on the left), "TB" (inputs on top) or "auto" (see ``layout``).
    """
    lay = layout(root, direction=direction)
    fig_w, graph_h, scale = _geometry(lay)
    top = 0.4 if title else 0.05
    fig = Figure(figsize=(fig_w, graph_h + top + 0.05), dpi=100)
    fig.add_axes((0.0, 0.05 / (graph_h + top + 0.05), 1.0, graph_h / (graph_h + top + 0.05)))
    _Drawing(
        fig.axes[0],
        lay,
        show_grad=True if show_grad else None,
        font=max(7.5, 9.5 * scale),
        unit=0.58 * scale,
    )
    if title:
        fig.text(
            0.5,
            1 - 0.08 / (graph_h + top + 0.05),
            title,
            ha="center",
            va="top",
            fontsize=11,
            fontweight="bold",
        )
    return describe(fig, _graph_words(lay, bool(show_grad)))


class BackwardView:
    """Step through the backward pass: ``.fig`` and ``.update(step=k)`` (0 ≤ k < len(steps)).

    At step k the gradients of steps 0..k are filled in (green), the node of step k is
    highlighted (orange), the nodes its gradient came from are outlined in blue with the
    local derivatives on their edges, and the chain-rule sum is written out under the graph.
    """

    def __init__(
        self, root: Value, step: int = 0, *, title: str = "Backward pass", direction: str = "auto"
    ):
        self.root, self.title = root, title
        checked = layout(root, direction=direction)  # checks root and direction
        reuse = any(len(uses) > 1 for uses in checked.children.values())
        self.lay = _layout(root, checked.direction, 6, DX_VIEW_REUSE if reuse else DX_VIEW)
        self.steps = backward_steps(root, self.lay.names)
        fig_w, graph_h, scale = _geometry(self.lay, min_width=8.0)
        top, bottom = 0.45, 1.3  # heading; formula and legend
        height = top + graph_h + bottom
        self.fig = Figure(figsize=(fig_w, height), dpi=100)
        ax = self.fig.add_axes((0.0, bottom / height, 1.0, graph_h / height))
        self.drawing = _Drawing(
            ax, self.lay, show_grad=False, font=max(7.5, 9.5 * scale), unit=0.58 * scale
        )
        self.heading = self.fig.text(
            0.5, 1 - 0.1 / height, "", ha="center", va="top", fontsize=11.5, fontweight="bold"
        )
        self.formula = self.fig.text(
            0.2 / fig_w,
            0.78 / height,
            "",
            ha="left",
            va="center",
            fontsize=10.5,
            family="monospace",
            bbox=dict(boxstyle="round,pad=0.5", fc="#fbfbfb", ec="#d0d0d0"),
        )
        self._legend(0.2 / fig_w, 0.2 / height, fig_w)
        self.step = None
        self.update(step=step)

    def _legend(self, x: float, y: float, fig_w: float):
        """The colours' legend: a row of tags from (x, y), in figure coordinates."""
        for text, face, edge in (
            ("this step", "current_face", "current_edge"),
            ("its users: gradients used now", "done_face", "source_edge"),
            ("gradient known", "done_face", "done_edge"),
            ("not yet", "pending_face", "pending_edge"),
        ):
            self.fig.text(
                x,
                y,
                text,
                fontsize=8.5,
                va="center",
                color=COLOURS["text"],
                bbox=dict(boxstyle="round,pad=0.3", fc=COLOURS[face], ec=COLOURS[edge], lw=1.5),
            )
            x += (len(text) * 0.066 + 0.35) / fig_w
        self.fig.text(
            x,
            y,
            "blue tags: local derivatives",
            fontsize=8.5,
            va="center",
            color=COLOURS["source_edge"],
        )

    @property
    def n_steps(self) -> int:
        return len(self.steps)

    def update(self, step: int = 0):
        step = checks.integer("BackwardView", "step", step, low=0, high=self.n_steps - 1)
        self.step = step
        d, names = self.drawing, self.lay.names
        current = self.steps[step]
        done = {s.node: s.grad for s in self.steps[: step + 1]}
        sources = {c for c, _, _ in current.terms}
        for v, box in d.box.items():
            if v is current.node:
                box.set(fc=COLOURS["current_face"], ec=COLOURS["current_edge"], lw=2.6)
            elif v in sources:
                box.set(fc=COLOURS["done_face"], ec=COLOURS["source_edge"], lw=2.2)
            elif v in done:
                box.set(fc=COLOURS["done_face"], ec=COLOURS["done_edge"], lw=1.3)
            else:
                box.set(fc=COLOURS["pending_face"], ec=COLOURS["pending_edge"], lw=1.0)
            g = done.get(v)
            d.grad_text[v].set_text(f"grad {fmt(g)}" if g is not None else "grad ?")
            d.grad_text[v].set_color(COLOURS["grad"] if g is not None else COLOURS["muted"])
        for (p, c, i), arrow in d.edges.items():
            active = p is current.node
            arrow.set(
                color=COLOURS["source_edge"] if active else COLOURS["edge"],
                lw=2.2 if active else 1.0,
            )
            label = d.edge_labels[(p, c, i)]
            label.set_visible(active)
            if active:
                label.set_text(fmt(c._local[i]))
        self.heading.set_text(
            f"{self.title} — step {step + 1} of {self.n_steps}: grad {names[current.node]}"
        )
        self.formula.set_text(current.formula)
        describe(self.fig, self._words(step))
        return self

    def _words(self, step: int) -> str:
        """Alt text of step ``step``: the node, the sum that gives its gradient, the rest."""
        names, current = self.lay.names, self.steps[step]
        name = names[current.node]
        text = (
            f"{self.title}, step {step + 1} of {self.n_steps}: the graph of "
            f"{names[self.root]} with {self.n_steps} nodes, and {name} in orange gets its "
            "gradient."
        )
        if not current.terms:
            text += f" It is the output, so grad {name} equals 1."
        else:
            users = [names[c] for c, _, _ in current.terms]
            sum_ = " plus ".join(
                f"grad {names[c]} ({_num(g)}) times the local derivative {_num(local)}"
                for c, g, local in current.terms
            )
            times = {1: "once", 2: "twice"}.get(len(users), f"{len(users)} times")
            used = f"used {times}, by"
            text += (
                f" It is {used} {' and '.join(users)}, outlined in blue: grad {name} equals "
                f"{sum_}, so grad {name} equals {_num(current.grad)}."
            )
        known = ", ".join(f"{names[s.node]} {_num(s.grad)}" for s in self.steps[: step + 1])
        text += f" Gradients known so far: {known}."
        rest = [names[s.node] for s in self.steps[step + 1 :]]
        if rest:
            text += f" Not yet known: {', '.join(rest)}."
        return text


def order_figure(root: Value, *, title: str | None = None) -> Figure:
    """The nodes of the graph ending at ``root`` in one row, in topological order.

    Each node is a box numbered by its place in the order, counted from 0 as Python
    counts list positions; each arrow goes from a parent to
    the node that uses it, bowed above the row. In a topological order every arrow points to
    the right: a node comes after all its parents. Walked from right to left, a node is
    reached only after every node that uses it.
    """
    if not isinstance(root, Value):
        raise TypeError(f"order_figure(root): expected a Value, got {type(root).__name__}")
    order = topological_order(root)
    names = node_names(order)
    n = len(order)
    fig = Figure(figsize=(min(12.0, max(5.0, 1.1 * n + 0.6)), 2.5), dpi=100)
    ax = fig.add_axes((0.01, 0.02, 0.98, 0.84 if title else 0.96))
    ax.set_axis_off()
    _arrows_above_the_row(ax, order)
    _boxes_in_a_row(ax, order, names)
    ax.annotate(
        "backward pass: from the last place to the first",
        xy=(-0.3, -0.85),
        xytext=(n - 1.3, -0.85),
        ha="right",
        va="center",
        fontsize=9,
        color=PALETTE["tangent"],
        arrowprops=dict(arrowstyle="-|>", color=PALETTE["tangent"], lw=1.2),
    )
    ax.set_xlim(-1.7, n - 0.4)
    ax.set_ylim(-1.0, 1.15)
    if title:
        fig.text(0.5, 0.97, title, ha="center", va="top", fontsize=11, fontweight="bold")
    return describe(fig, _describe_order(order, names))


def _arrows_above_the_row(ax, order):
    """An arrow bowed above the row from each parent to each node that uses it (one per
    parent, even if used twice)."""
    place = {v: i for i, v in enumerate(order)}
    for v in order:
        for p in dict.fromkeys(v._prev):
            span = place[v] - place[p]
            ax.add_patch(
                FancyArrowPatch(
                    (place[p], 0.28),
                    (place[v], 0.28),
                    connectionstyle=f"arc3,rad={-0.55 if span > 1 else -0.4}",
                    **{**_ARROW, "mutation_scale": 16, "lw": 1.2},
                )
            )


def _boxes_in_a_row(ax, order, names):
    """Each node as a box with its name, its place (from 0) under it."""
    for i, v in enumerate(order):
        ax.add_patch(
            FancyBboxPatch(
                (i - 0.36, -0.28),
                0.72,
                0.56,
                boxstyle="round,pad=0.02,rounding_size=0.08",
                facecolor=COLOURS["face"],
                edgecolor=COLOURS["edge"],
                zorder=2,
            )
        )
        ax.text(i, 0.0, names[v], ha="center", va="center", fontsize=11, zorder=3)
        ax.text(i, -0.5, str(i), ha="center", va="center", fontsize=9, color="#666666")
    ax.text(-0.55, -0.5, "place (from 0)", ha="right", va="center", fontsize=9, color="#666666")


def _describe_order(order, names) -> str:
    """The alt text of ``order_figure``: the order and every arrow."""
    n = len(order)
    arrows = [f"{names[p]} to {names[v]}" for v in order for p in dict.fromkeys(v._prev)]
    return (
        f"The {n} nodes of the graph of {names[order[-1]]} in one row, in a topological order: "
        f"{', '.join(names[v] for v in order)}, at places 0 to {n - 1}. Each arrow goes from "
        f"a parent to a node that uses it, and every arrow points to the right: "
        f"{', '.join(arrows)}. An arrow under the row says the backward pass walks it from "
        "the last place to the first."
    )


def cost_figure(ns=(1, 3, 10, 30, 100, 300, 1000)):
    """Log-log plot of the operations for one gradient: forward mode vs reverse mode.

    Forward mode evaluates once per input (n passes); reverse mode evaluates once and walks
    back once, a small constant times one evaluation (``gradient_cost``'s ``reverse_ratio``).
    """
    costs = [gradient_cost(int(n)) for n in ns]
    ratio = costs[-1]["reverse_ratio"]
    fig = new_figure(width=6.0, height=3.6)
    ax = fig.axes[0]
    for key, marker, colour, label in (
        ("forward_ops", "o-", PALETTE["tangent"], "forward mode: n passes  (grows like n²)"),
        (
            "reverse_ops",
            "s-",
            PALETTE["g"],
            f"reverse mode: 1 forward + 1 backward,\nabout {ratio:.1f} × one evaluation  "
            "(grows like n)",
        ),
    ):
        ax.loglog(ns, [c[key] for c in costs], marker, color=colour, label=label)
    style_axis(
        ax,
        title="Cost of the gradient of a loss with n inputs",
        xlabel="number of inputs n (parameters)",
        ylabel="operations",
    )
    ax.legend(fontsize=9, frameon=False, loc="upper left")
    first, last = costs[0], costs[-1]
    return describe(
        fig,
        f"A log-log plot of the operations for one gradient against the number of inputs n, "
        f"from {first['n']} to {last['n']}. Forward mode, n passes, grows like n squared: "
        f"from {first['forward_ops']} to {last['forward_ops']} operations. Reverse mode, one "
        f"forward and one backward pass, grows like n: from {first['reverse_ops']} to "
        f"{last['reverse_ops']} operations, about {ratio:.1f} evaluations.",
    )
