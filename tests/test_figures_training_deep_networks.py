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


def test_correlation_map_figure_draws_the_map_and_each_width():
    predicted = np.linspace(0.3, 0.99, 20)
    measured = {16: predicted - 0.01, 256: predicted + 0.01}
    fig = figs.correlation_map_figure(predicted, measured)
    (ax,) = fig.axes
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert labels[1:] == ["measured, width 16", "measured, width 256", "infinite width: the map"]
    np.testing.assert_array_equal(ax.get_lines()[-1].get_ydata(), predicted)
    assert ax.get_xlabel() == "layer" and "cosine" in ax.get_ylabel()
    with pytest.raises(ValueError, match="shape"):
        figs.correlation_map_figure(predicted, {16: predicted[:3]})


def test_schedule_figure_marks_the_end_of_the_warm_up():
    fig = figs.schedule_figure(np.linspace(0, 1, 10), warmup=3)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "learning rate"
    assert "step 3" in ax.get_legend().get_texts()[0].get_text()
