"""helpers.approximation: one hidden layer equals the piecewise-linear interpolant, its error
falls like 1/n², and it reproduces the deep zig-zag; plus the figure of notebook 04."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import approximation, regions  # noqa: E402
from helpers.figures import deep_networks as figs  # noqa: E402


def _f(x):
    return np.sin(3 * x) + 0.5 * x


@pytest.mark.parametrize("n", [1, 3, 10])
def test_one_layer_equals_numpy_interpolation(n):
    net = approximation.one_layer_interpolant(_f, -0.7, 2.0, n)
    knots = np.linspace(-0.7, 2.0, n + 1)
    xs = np.linspace(-0.7, 2.0, 997)
    np.testing.assert_allclose(
        net.forward(xs[:, None])[:, 0], np.interp(xs, knots, _f(knots)), rtol=1e-12, atol=1e-12
    )
    assert regions.count_pieces(net, -0.7, 2.0) == n


def test_error_falls_like_one_over_n_squared():
    errs = [
        approximation.max_error(approximation.one_layer_interpolant(_f, 0, np.pi, n), _f, 0, np.pi)
        for n in (8, 16, 32, 64)
    ]
    assert all(3.5 < a / b < 4.5 for a, b in zip(errs, errs[1:]))


def test_one_layer_reproduces_the_zigzag_with_width_to_the_depth_units():
    z = regions.zigzag_network(4, 3)

    def zf(x):
        return z.forward(np.asarray(x)[:, None])[:, 0]

    wide = approximation.one_layer_interpolant(zf, 0.0, 1.0, 3**4)
    assert approximation.max_error(wide, zf, 0.0, 1.0, points=5001) < 1e-10


def test_bad_input():
    with pytest.raises(ValueError, match="one_layer_interpolant: n must be a whole number >= 1"):
        approximation.one_layer_interpolant(_f, 0, 1, 0)
    with pytest.raises(ValueError, match="interpolant: b must be a finite number > a = 1, got 0"):
        approximation.one_layer_interpolant(_f, 1, 0, 3)


def test_approximation_figure_draws_target_and_network_per_panel():
    nets = {f"{n} units": approximation.one_layer_interpolant(_f, 0, np.pi, n) for n in (2, 8)}
    fig = figs.approximation_figure(_f, nets, 0.0, np.pi, points=101)
    assert [ax.get_title() for ax in fig.axes] == ["2 units", "8 units"]
    xs = np.linspace(0, np.pi, 101)
    for ax, net in zip(fig.axes, nets.values()):
        target, out = ax.get_lines()
        assert target.get_label() == "target" and out.get_label() == "one hidden layer"
        np.testing.assert_allclose(target.get_ydata(), _f(xs))
        np.testing.assert_allclose(out.get_ydata(), net.forward(xs[:, None])[:, 0])
    with pytest.raises(ValueError, match="nets is empty"):
        figs.approximation_figure(_f, {}, 0, 1)
