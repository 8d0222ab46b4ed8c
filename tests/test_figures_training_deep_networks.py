"""helpers.figures.training_deep_networks: the figures have the expected lines and labels,
and the lines carry the data they were given."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers.figures import training_deep_networks as figs  # noqa: E402
from helpers.figures.alt import alt_text  # noqa: E402


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


# -- alt text (issue 26): written from the data, so two inputs give two texts -------------


def test_residual_figure_alt_text_names_each_network_and_its_numbers():
    def results(first_grad, last_loss):
        losses = np.linspace(0.693, last_loss, 101)
        return {
            "plain": dict(grad_norms=np.full(101, first_grad), losses=losses),
            "residual": dict(grad_norms=np.full(101, 0.19), losses=losses),
        }

    a = alt_text(figs.residual_figure(results(4.3e-5, 0.693)))
    b = alt_text(figs.residual_figure(results(2e-3, 0.026)))
    assert (
        "Network plain: gradient 4.3e-05 at layer 1" in a
        and "from 0.693 to 0.693 over 101 steps" in a
    )
    assert (
        "Network plain: gradient 0.002 at layer 1" in b
        and "from 0.693 to 0.026 over 101 steps" in b
    )
    assert "Network with skip connections: gradient 0.19" in a


def test_backward_signal_figure_alt_text_follows_the_arrays():
    a = alt_text(figs.backward_signal_figure({"plain": (np.geomspace(1, 1e-4, 100), np.ones(100))}))
    b = alt_text(figs.backward_signal_figure({"x": (np.ones(7), np.geomspace(1e-3, 1, 7))}))
    assert "Network plain: the signal goes from 1 to 0.0001 from block 1 to block 100" in a
    assert "Network x: the signal goes from 1 to 1 from block 1 to block 7" in b
    assert "the gradient is 1 at block 7 and 0.001 at block 1" in b


def test_signal_growth_figure_alt_text_follows_the_curves():
    a = alt_text(figs.signal_growth_figure({"scale 1": np.geomspace(1, 1e12, 100)}))
    b = alt_text(figs.signal_growth_figure({"scale 0.1": np.linspace(1, 2.5, 8)}))
    assert "scale 1: from 1 to 1e+12 over 100 blocks" in a and "blocks 1 to 100" in a
    assert "scale 0.1: from 1 to 2.5 over 8 blocks" in b and "goes from 1.4 to 3." in b


def test_decay_figure_alt_text_gives_both_fits_at_the_last_layer():
    layers = np.arange(1, 101)
    power = alt_text(figs.decay_figure(1 / np.sqrt(layers), fit=(20, 60)))
    expo = alt_text(figs.decay_figure(0.9**layers, fit=(10, 30)))
    assert "layers 1 to 100, from 1 to 0.1" in power and "layers 20 to 60" in power
    assert "The power law fit predicts 0.1 at layer 100" in power
    assert "The exponential fit predicts 2.7e-05 at layer 100" in expo
    assert "layers 10 to 30" in expo


def test_correlation_map_figure_alt_text_names_each_width():
    predicted = np.linspace(0.3, 0.99, 20)
    a = alt_text(figs.correlation_map_figure(predicted, {16: predicted - 0.01}))
    b = alt_text(figs.correlation_map_figure(predicted[:5], {64: predicted[:5]}))
    assert "layers 1 to 20" in a and "map goes from 0.3 to 0.99" in a
    assert "Measured at width 16: from 0.29 to 0.98." in a
    assert "layers 1 to 5" in b and "Measured at width 64" in b


def test_schedule_figure_alt_text_gives_the_warm_up_and_the_ends():
    a = alt_text(figs.schedule_figure(np.r_[np.linspace(0, 1, 4), np.linspace(1, 0.1, 6)], 3))
    b = alt_text(figs.schedule_figure(np.r_[np.linspace(0.1, 3, 11), [2.0]], 10))
    assert "each of 10 steps" in a and "to 1 at step 3" in a and "at step 3;" in a
    assert "curve to 0.1." in a
    assert "each of 12 steps" in b and "from 0.1 to 3 at step 10" in b and "curve to 2." in b


def test_gradient_norm_view_alt_text_follows_its_controls():
    view = figs.GradientNormView(depth=12, width=8)
    tanh = alt_text(view.fig)
    view.update(activation="relu", scale=1.4)
    relu = alt_text(view.fig)
    assert "12 layers of a plain tanh network" in tanh and "At gain 1.00 the signal" in tanh
    assert "12 layers of a plain relu network" in relu and "At gain 2.80 the signal" in relu
    sig, g = view.results[1.0]
    assert f"goes from {sig[0]:.1e} at layer 1 to {sig[-1]:.1e} at layer 12" in relu
    assert (
        alt_text(figs.GradientNormView(depth=12, width=8, activation="relu", scale=1.4).fig) == relu
    )
