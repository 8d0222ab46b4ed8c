"""Tests of helpers.backward_pass (the backward steps) and helpers.figures.computational_graphs
(layout, drawing and the step-through view)."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from helpers.autodiff import Value, topological_order
from helpers.backward_pass import backward_steps, format_steps, node_names
from helpers.figures.alt import alt_text
from helpers.figures.canvas import png
from helpers.figures.computational_graphs import (
    BackwardView,
    cost_figure,
    draw_graph,
    layout,
    order_figure,
)


def lecture_graph():
    a, b, c, f = (Value(x, label=n) for x, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")))
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L, dict(a=a, b=b, c=c, d=d, e=e, f=f, L=L)


def diamond():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a + b
    d = a * b
    e = c + d
    f = c * d
    y = e + f
    for v, n in ((c, "c"), (d, "d"), (e, "e"), (f, "f"), (y, "y")):
        v.label = n
    return y, dict(a=a, b=b, c=c, d=d, e=e, f=f, y=y)


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def test_layout_puts_every_node_after_its_parents():
    y, _ = diamond()
    lay = layout(y)
    assert set(lay.pos) == set(topological_order(y))
    for v in lay.order:
        for p in v._prev:
            assert lay.pos[p][0] < lay.pos[v][0]
    # no two boxes on top of each other
    pts = sorted(lay.pos.values())
    for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
        assert (x1, y1) != (x2, y2)
    assert len({(round(x, 6), round(yy, 6)) for x, yy in lay.pos.values()}) == len(lay.pos)


def test_layout_of_a_few_dozen_nodes_has_no_overlaps():
    xs = [Value(0.1 * i, label=f"x{i}") for i in range(3)]
    ws = [Value(0.2 - 0.1 * i, label=f"w{i}") for i in range(9)]
    h = [Value.dot(ws[3 * j : 3 * j + 3], xs, 0.1).tanh() for j in range(3)]
    out = (h[0] * h[1] + h[2] - h[0]).relu()
    lay = layout(out)
    assert len(lay.pos) >= 20
    for col_x in {x for x, _ in lay.pos.values()}:
        ys = sorted(y for x, y in lay.pos.values() if x == col_x)
        assert all(b - a >= 1.0 for a, b in zip(ys, ys[1:]))  # rows at least DY apart


def test_draw_graph_shows_name_data_and_grad_of_every_node():
    L, n = lecture_graph()
    L.backward()
    fig = draw_graph(L, title="L = (a·b + c)·f")
    assert isinstance(fig, Figure)
    ts = texts(fig)
    boxes = [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 7
    for name in "abcdefL":
        assert name in ts
    assert "data −6.0000" in ts and "grad 6.0000" in ts and "grad −4.0000" in ts
    assert ts.count("×") == 2 and ts.count("+") == 1  # op circles
    assert "L = (a·b + c)·f" in ts


def test_order_figure_puts_the_nodes_in_topological_order_with_every_arrow_to_the_right():
    L, n = lecture_graph()
    fig = order_figure(L, title="A topological order")
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.texts if t.get_text() in "abcdefL" and t.get_text()]
    assert names == [v.label for v in topological_order(L)]
    # places count from 0, as Python counts list positions (and as the step slider does)
    assert [t.get_text() for t in ax.texts if t.get_text().isdigit()] == list("0123456")
    assert "place (from 0)" in [t.get_text() for t in ax.texts]
    arrows = [p for p in ax.patches if not isinstance(p, FancyBboxPatch)]
    assert len(arrows) == 6  # one per parent: a, b -> e; e, c -> d; d, f -> L
    for arrow in arrows:
        (x0, _), (x1, _) = arrow._posA_posB
        assert x1 > x0  # a node comes after all its parents
    assert fig.get_size_inches()[1] <= 7
    with pytest.raises(TypeError, match="order_figure"):
        order_figure(3.0)


def test_unlabelled_nodes_get_names():
    x = Value(3.0, label="x")
    y = 2 * x + 1
    fig = draw_graph(y, show_grad=False)
    ts = texts(fig)
    assert {"n1", "n2", "n3", "n4", "x"} <= set(ts)
    assert not any(t.startswith("grad") and t != "" for t in ts)


def test_backward_steps_one_per_node_and_same_gradients_as_backward():
    for make in (lecture_graph, diamond):
        root, nodes = make()
        steps = backward_steps(root)
        assert len(steps) == len(topological_order(root))
        assert steps[0].node is root and steps[0].grad == 1.0
        assert all(v.grad == 0.0 for v in nodes.values())  # the graph is untouched
        root.backward()
        for s in steps:
            assert s.grad == s.node.grad


def test_step_formula_shows_the_chain_rule_with_numbers():
    L, n = lecture_graph()
    steps = {s.node: s for s in backward_steps(L)}
    assert steps[n["a"]].formula == (
        "grad a = grad e × ∂e/∂a (local)\n      = (−2.0000) × (−3.0000) = 6.0000"
    )
    y, m = diamond()
    fb = {s.node: s for s in backward_steps(y)}[m["b"]].formula
    assert fb.startswith("grad b = grad c × ∂c/∂b (local) + grad d × ∂d/∂b (local)")  # a sum
    assert fb.endswith("= −5.0000")
    assert "step  0: grad y = 1" in format_steps(y)


def test_backward_view_highlights_and_fills_in():
    L, n = lecture_graph()
    view = BackwardView(L)
    assert isinstance(view.fig, Figure) and view.n_steps == 7
    d = view.drawing
    assert d.grad_text[n["a"]].get_text() == "grad ?"
    assert d.grad_text[L].get_text() == "grad 1.0000"
    view.update(step=6)
    assert d.grad_text[n["a"]].get_text() == "grad 6.0000"
    assert view.formula.get_text().endswith("= 6.0000")
    assert view.heading.get_text().endswith("step 7 of 7: grad a")
    current = d.box[n["a"]]
    assert current.get_linewidth() > d.box[n["b"]].get_linewidth()
    assert d.box[n["e"]].get_edgecolor() != d.box[n["b"]].get_edgecolor()  # e is a source
    view.update(step=2)  # going back hides later gradients
    assert view.steps[2].node is n["d"] and d.grad_text[n["a"]].get_text() == "grad ?"
    visible = [lab.get_text() for lab in d.edge_labels.values() if lab.get_visible()]
    assert visible == ["−2.0000"]  # ∂L/∂d = f = −2 (local), on the edge d → L


def test_backward_view_shows_local_derivatives_on_the_edges_of_the_current_node():
    y, m = diamond()
    view = BackwardView(y)
    k = next(s.index for s in view.steps if s.node is m["b"])
    view.update(step=k)
    shown = sorted(lab.get_text() for lab in view.drawing.edge_labels.values() if lab.get_visible())
    assert shown == ["1.0000", "2.0000"]  # dc/db = 1, dd/db = a = 2


@pytest.mark.parametrize("make", [lecture_graph, diamond])
def test_backward_view_cached_drawing_matches_a_full_draw(pixels, draws_like_plain, make):
    """The op circles and the legend are drawn once (FastCanvas); at every step what the
    widget shows must be what plain matplotlib draws, pixel for pixel."""
    root, _ = make()
    view = BackwardView(root)
    pixels(view.fig)
    for k in [1, view.n_steps - 1, 0, view.n_steps // 2]:
        view.update(step=k)
        draws_like_plain(view.fig)


def test_backward_view_rejects_bad_steps():
    L, _ = lecture_graph()
    view = BackwardView(L)
    for bad in (-1, 7, 2.5):
        with pytest.raises(
            ValueError, match="BackwardView: step must be a whole number >= 0 and <= 6"
        ):
            view.update(step=bad)
    for bad in ("3", True, None):
        with pytest.raises(TypeError, match="BackwardView: step must be a whole number"):
            view.update(step=bad)
    view.update(step=np.int64(2))  # a NumPy integer (a slider's value) is a whole number
    assert view.step == 2


def test_layout_rejects_non_values():
    with pytest.raises(TypeError, match="float"):
        layout(1.0)


def test_numbers_are_formatted_without_negative_zero():
    x = Value(-0.0, label="x")
    fig = draw_graph(x)
    assert "data 0.0000" in texts(fig) and not math.isnan(x.data)


def two_two_one_network():
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    w = [Value(v, label=f"w{i}") for i, v in enumerate((0.3, -0.6, 0.8, 0.1))]
    h = [(w[2 * j] * x[0] + w[2 * j + 1] * x[1] + 0.1).tanh() for j in range(2)]
    out = (1.2 * h[0] - 0.7 * h[1] + 0.05 - 0.4) ** 2
    return out


def test_deep_graphs_are_laid_out_top_to_bottom():
    out = two_two_one_network()
    lay = layout(out)
    assert lay.direction == "TB" and lay.ncols > 6 and len(lay.pos) >= 25
    for v in lay.order:
        for p in v._prev:
            assert lay.pos[p][1] > lay.pos[v][1]  # parents above
        if v._prev:
            assert lay.op_pos[v][1] > lay.pos[v][1]  # op circle above its box
    assert layout(out, direction="LR").direction == "LR"
    L, _ = lecture_graph()
    assert layout(L).direction == "LR" and layout(L, direction="TB").direction == "TB"
    with pytest.raises(ValueError, match="direction"):
        layout(L, direction="up")
    fig = draw_graph(out, direction="TB")
    w, h = fig.get_size_inches()
    assert h > w  # standing up
    view = BackwardView(out, step=5)
    assert view.n_steps == len(lay.order)


def test_backward_steps_refuses_a_node_written_as_in_the_lecture():
    """Its local derivatives live in its own _backward, not in _local: no steps to list."""
    a, b = Value(2.0), Value(3.0)
    out = Value(a.data * b.data, (a, b), "*")

    def _backward():
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    out._backward = _backward
    with pytest.raises(TypeError, match=r"backward_steps: the '\*' node keeps no local"):
        backward_steps(out)


def test_backward_view_tags_leave_every_arrowhead_and_crossing_visible():
    """Lesson 02, section 5 (a node used twice): the blue tags once sat on top of the arrowheads
    into × and +, and on the crossing of a → + and b → ×, where they could not be read.
    Every tag must now stay clear of every edge's end, of the crossing, and of the other tags."""
    a, b = Value(-2.0, label="a"), Value(3.0, label="b")
    d, e = a * b, a + b
    d.label, e.label = "d", "e"
    f = d * e
    view = BackwardView(f)
    fig, ax = view.fig, view.drawing.ax
    png(fig)  # drawn as the widget draws it
    renderer = fig.canvas.get_renderer()
    ends = []  # the last 14 pixels of every edge: the arrowhead and the shaft just before it
    for arrow in view.drawing.edges.values():
        start, end = (ax.transData.transform(p) for p in arrow._posA_posB)
        step = (start - end) / np.hypot(*(start - end))
        ends += [end + k * step for k in range(15)]
    (a0, a1), (b0, b1) = (
        (view.drawing.edges[(p, c, i)]._posA_posB)
        for (p, c, i) in view.drawing.edges
        if (p is a and c is e) or (p is b and c is d)
    )
    # where a → + crosses b → × (straight lines): solve a0 + s(a1 − a0) = b0 + t(b1 − b0)
    m = np.array([[a1[0] - a0[0], b0[0] - b1[0]], [a1[1] - a0[1], b0[1] - b1[1]]])
    s, _ = np.linalg.solve(m, np.subtract(b0, a0))
    crossing = ax.transData.transform(np.add(a0, s * np.subtract(a1, a0)))
    for node in (a, b):
        view.update(step=next(st.index for st in view.steps if st.node is node))
        tags = [lab for lab in view.drawing.edge_labels.values() if lab.get_visible()]
        assert len(tags) == 2
        boxes = [t.get_window_extent(renderer).padded(4) for t in tags]  # with the tag's pad
        for box in boxes:
            assert box.width > 20 and box.height > 8  # a real tag, in pixels
            for x, y in [*ends, crossing]:
                assert not box.contains(x, y), "a tag hides an arrowhead or the crossing"
        assert not boxes[0].overlaps(boxes[1]), "two tags overlap"


def test_node_names_are_the_labels_then_n1_n2_skipping_names_a_label_takes():
    a, b = Value(2.0, label="n1"), Value(3.0)
    out = a * b
    names = node_names(topological_order(out))
    assert names[a] == "n1" and names[b] == "n2" and names[out] == "n3"


def test_node_names_refuses_what_is_not_a_value():
    with pytest.raises(TypeError, match="node_names: nodes must be Values"):
        node_names([Value(1.0), 2.0])


# -- alt text (helpers.figures.alt): each figure says in words what it shows -------------------


def test_draw_graph_alt_text_names_the_operations_and_the_values_it_draws():
    L, n = lecture_graph()
    before = alt_text(draw_graph(L, show_grad=False))
    assert "7 boxes for the values and 3 circles for the operations" in before
    assert "e is a times b; d is e plus c; L is d times f" in before
    assert "b equals minus 3" in before and "gradient" not in before
    L.backward()
    after = alt_text(draw_graph(L))
    assert "a equals 2 with gradient 6" in after and "L equals minus 8 with gradient 1" in after
    n["a"].data = 5.0  # another value: another text
    assert "a equals 5 with gradient 6" in alt_text(draw_graph(L))


def test_draw_graph_alt_text_of_a_big_graph_lists_the_output_and_the_leaves():
    xs = [Value(0.1 * (i + 1), label=f"x{i}") for i in range(8)]
    out = Value.dot(xs[:4], xs[4:], 0.5).tanh() * xs[0] + xs[1] * xs[2]
    out.label = "out"
    out.backward()
    text = alt_text(draw_graph(out, direction="TB"))
    assert "from top to bottom" in text and f"The output out equals {out.data:.3g}" in text
    assert "The 8 inputs and parameters:" in text and "Operations:" not in text
    assert f"x7 equals 0.8 with gradient {xs[7].grad:.3g}" in text


def test_backward_view_alt_text_follows_the_step():
    L, _ = lecture_graph()
    view = BackwardView(L, title="Lecture graph")
    first = alt_text(view.fig)
    assert first.startswith("Lecture graph, step 1 of 7: the graph of L with 7 nodes")
    assert "so grad L equals 1" in first and "Not yet known: " in first
    view.update(step=6)
    last = alt_text(view.fig)
    assert "step 7 of 7" in last and last != first and "Not yet known" not in last
    assert last == alt_text(BackwardView(L, step=6, title="Lecture graph").fig)  # no history


def test_backward_view_alt_text_adds_one_term_per_use():
    y, n = diamond()
    steps = backward_steps(y)
    k = [s.node for s in steps].index(n["a"])
    text = alt_text(BackwardView(y, step=k).fig)
    a_grad = next(s.grad for s in steps if s.node is n["a"])
    assert "a in orange gets its gradient. It is used twice, by c and d" in text
    assert f"so grad a equals {a_grad:.3g}".replace("-", "minus ") in text


def test_order_figure_alt_text_lists_the_order_and_the_arrows():
    L, _ = lecture_graph()
    text = alt_text(order_figure(L))
    order = ", ".join(v.label for v in topological_order(L))
    assert f"in a topological order: {order}, at places 0 to 6" in text
    assert "a to e, b to e" in text and "d to L, f to L" in text
    y, _ = diamond()
    assert "The 7 nodes of the graph of y" in alt_text(order_figure(y))


def test_cost_figure_alt_text_gives_the_counts_it_plots():
    from helpers.forward_mode import gradient_cost

    text = alt_text(cost_figure((1, 10, 100)))
    assert "from 1 to 100" in text
    c1, c100 = gradient_cost(1), gradient_cost(100)
    assert f"from {c1['forward_ops']} to {c100['forward_ops']} operations" in text
    assert f"from {c1['reverse_ops']} to {c100['reverse_ops']} operations" in text
    assert "from 1 to 1000" in alt_text(cost_figure())
