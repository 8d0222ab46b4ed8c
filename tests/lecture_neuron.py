"""The neuron of the micrograd lecture, as notebook 02's step-through widget shows it: one graph
that tests/test_right_picture.py and bench/bench_redraw.py both drive."""

from helpers.autodiff import Value


def lecture_neuron():
    """o = tanh(x1·w1 + x2·w2 + b), every node labelled as in notebook 02."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    for v, name in ((x1w1, "x1w1"), (x2w2, "x2w2"), (s, "s"), (n, "n"), (o, "o")):
        v.label = name
    return o
