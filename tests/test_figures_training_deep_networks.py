"""helpers.figures.training_deep_networks: the figures have the expected lines and labels,
and the lines carry the data they were given."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers.figures import training_deep_networks as figs  # noqa: E402


def test_backward_signal_figure_draws_each_network_in_both_panels():
    signals = {
        "plain": (np.geomspace(1, 1e-4, 100), np.geomspace(1e-5, 1e-1, 100)),
        "residual": (np.ones(100), np.full(100, 0.04)),
    }
    fig = figs.backward_signal_figure(signals)
    assert isinstance(fig, Figure)
    ax1, ax2 = fig.axes
    assert ax1.get_yscale() == ax2.get_yscale() == "log"
    assert ax1.get_title() == "forward: the signal"
    assert "backward" in ax2.get_title()
    for ax, k in ((ax1, 0), (ax2, 1)):
        lines = ax.get_lines()
        assert [ln.get_label() for ln in lines] == ["plain", "with skip connections"]
        for line, name in zip(lines, ("plain", "residual")):
            np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 101))
            np.testing.assert_array_equal(line.get_ydata(), signals[name][k])
    assert [t.get_text() for t in ax2.get_legend().get_texts()] == [
        "plain",
        "with skip connections",
    ]


def test_backward_signal_figure_rejects_mismatched_arrays():
    with pytest.raises(ValueError, match="same length"):
        figs.backward_signal_figure({"plain": (np.ones(3), np.ones(4))})
    with pytest.raises(ValueError, match="signals is empty"):
        figs.backward_signal_figure({})


def test_signal_growth_figure_has_one_line_per_variant_and_the_sqrt_reference():
    curves = {"a": np.geomspace(1, 1e12, 100), "b": np.sqrt(1 + np.arange(1, 101))}
    fig = figs.signal_growth_figure(curves)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["a", "b", r"$\sqrt{1 + \ell}$"]
    np.testing.assert_array_equal(lines[0].get_ydata(), curves["a"])
    blocks = np.arange(1, 101)
    np.testing.assert_allclose(lines[2].get_ydata(), np.sqrt(1 + blocks))  # the maths
    np.testing.assert_allclose(lines[1].get_ydata(), lines[2].get_ydata())
    assert ax.get_yscale() == "log" and ax.get_xlabel() == r"block $\ell$"


def test_signal_growth_figure_rejects_empty_input():
    with pytest.raises(ValueError, match="curves is empty"):
        figs.signal_growth_figure({})
    with pytest.raises(ValueError, match="non-empty 1-D"):
        figs.signal_growth_figure({"a": np.ones((2, 2))})
