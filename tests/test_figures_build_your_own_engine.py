"""helpers.figures.build_your_own_engine: the figure of notebook 02b."""

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from helpers.figures.build_your_own_engine import DIAMOND, order_figure

matplotlib.use("Agg")


def test_order_figure_draws_the_graph_and_the_order_with_step_numbers():
    fig = order_figure(DIAMOND, ["x", "a", "b", "c", "d"])
    assert isinstance(fig, Figure)
    graph, line = fig.axes
    assert sum(isinstance(p, FancyArrowPatch) for p in graph.patches) == len(DIAMOND)
    assert sum(isinstance(p, FancyArrowPatch) for p in line.patches) == len(DIAMOND)
    texts = {t.get_text(): t.get_position() for t in line.texts}
    # the backward pass walks the order from the end: d is step 1, x step 5
    assert "step 1" in texts and "step 5" in texts
    assert texts["step 1"][0] == texts["d"][0] and texts["step 5"][0] == texts["x"][0]
    # on the line, every arrow points right (each node after its parents)
    for p in line.patches:
        (x0, _), (x1, _) = p._posA_posB
        assert x1 > x0
    fig.canvas.draw()


def test_order_figure_accepts_any_topological_order_and_a_title():
    fig = order_figure(DIAMOND, ["x", "a", "c", "b", "d"], title="t")
    assert fig._suptitle.get_text() == "t"


@pytest.mark.parametrize(
    "order, says",
    [
        (["a", "x", "b", "c", "d"], "not a topological order: x (a parent of a) comes after it"),
        (["x", "a", "b", "d"], "must list every node of the edges once"),
        (["x", "a", "b", "c", "d", "d"], "must list every node of the edges once"),
    ],
)
def test_order_figure_rejects_a_wrong_order_with_a_clear_message(order, says):
    with pytest.raises(ValueError, match="order_figure: ") as err:
        order_figure(DIAMOND, order)
    assert says in str(err.value)


def test_order_figure_refuses_a_breadth_first_order_on_a_diamond_with_a_long_arm():
    """a → b → c → d and a → d: the nodes by distance from d, farthest first, put b before a."""
    long_arm = [("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]
    order_figure(long_arm, ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="a \\(a parent of b\\) comes after it"):
        order_figure(long_arm, ["b", "a", "c", "d"])


def test_a_node_used_twice_is_drawn_with_two_distinct_arrows():
    """c = a·a: the diamond lists the arrow a → c twice, and both panels show two arrows."""
    assert DIAMOND.count(("a", "c")) == 2
    fig = order_figure(DIAMOND, ["x", "a", "b", "c", "d"])
    for ax in fig.axes:
        arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
        a_to_c = [arrow for arrow, edge in zip(arrows, DIAMOND) if edge == ("a", "c")]
        assert len(a_to_c) == 2 and a_to_c[0]._posA_posB == a_to_c[1]._posA_posB
        bends = {p.get_connectionstyle().rad for p in a_to_c}
        assert len(bends) == 2, "the two arrows of a double use must not lie on each other"


def test_the_order_alone_has_one_panel():
    long_arm = [("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]
    fig = order_figure(long_arm, ["a", "b", "c", "d"], graph=False)
    (line,) = fig.axes
    assert {"step 1", "step 4"} <= {t.get_text() for t in line.texts}


def test_order_figure_says_in_words_the_arrows_the_order_and_the_steps():
    """Alt text (issue 26): written from the edges and the order, so two orders of the same
    graph, or two graphs, give two texts naming them."""
    from helpers.figures.alt import alt_text

    one = alt_text(order_figure(DIAMOND, ["x", "a", "b", "c", "d"], title="c = a·a"))
    other = alt_text(order_figure(DIAMOND, ["x", "a", "c", "b", "d"]))
    assert one != other
    assert one.startswith("c = a times a. ") and "·" not in one
    assert "a to c (two arrows: c uses a twice)" in one and "On the left, the graph" in one
    assert "topological order x, a, b, c, d" in one and "d step 1, c step 2, b step 3" in one
    assert "topological order x, a, c, b, d" in other and "d step 1, b step 2, c step 3" in other
    long_arm = [("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]
    line = alt_text(order_figure(long_arm, ["a", "b", "c", "d"], graph=False))
    assert line.startswith("Arrows go from a to b; b to c; c to d; a to d. The nodes on one line")
    assert "the graph" not in line and "a step 4." in line
