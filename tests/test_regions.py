"""helpers.regions: exact piece counts of ReLU networks (the zig-zag, random networks, a
line in two dimensions), parameter counts, and lesson 04's figures of them."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import (  # noqa: E402
    nn,
    regions,
    representations,
)
from helpers.figures import deep_networks as deep_figures  # noqa: E402


@pytest.mark.parametrize("depth, width", [(1, 2), (3, 2), (6, 2), (2, 3), (4, 3), (3, 4)])
def test_zigzag_has_width_to_the_depth_pieces(depth, width):
    net = regions.zigzag_network(depth, width)
    assert regions.count_pieces(net) == width**depth
    assert regions.count_pieces(net, regions=True) == width**depth


def test_zigzag_maps_the_unit_interval_onto_itself():
    net = regions.zigzag_network(3, 3)
    ys = net.forward(np.linspace(0, 1, 1001)[:, None])
    assert ys.min() >= -1e-12 and ys.max() <= 1 + 1e-12


def _sampled_pieces(net, x0, x1, n=400_001):
    xs = np.linspace(x0, x1, n)[:, None]
    s = np.diff(net.forward(xs)[:, 0]) / np.diff(xs[:, 0])
    same = np.isclose(s[1:], s[:-1], rtol=1e-7, atol=1e-10)
    return int(same[0]) + int(np.sum(same[1:] & ~same[:-1]))


@pytest.mark.parametrize("seed", range(4))
def test_exact_count_matches_dense_sampling_on_random_networks(seed):
    net = regions._random_relu_net(3, 6, seed)
    assert regions.count_pieces(net, -2.0, 2.0) == _sampled_pieces(net, -2.0, 2.0)


def test_breakpoints_are_kinks_of_the_function():
    net = regions._random_relu_net(2, 5, 3)
    t, slopes = regions.breakpoints(net, -1.0, 1.0)
    assert t[0] == 0 and t[-1] == 1 and np.all(np.diff(t) > 0)
    x = -1 + 2 * t  # t on the segment -> x
    for a, b, s in zip(x[:-1], x[1:], slopes):  # the slope in t is 2 × the slope in x
        fa, fb = net.forward(np.array([[a], [b]]))[:, 0]
        np.testing.assert_allclose((fb - fa) / (b - a) * 2, s[0], rtol=1e-9, atol=1e-12)


def test_pieces_on_a_line_in_two_dimensions():
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Linear(2, 4, rng=rng), nn.ReLU(), nn.Linear(4, 1, rng=rng))
    net.layers[0].b.data[...] = rng.normal(size=4)
    count = regions.count_pieces(net, [-3.0, -1.0], [3.0, 2.0])
    assert 1 <= count <= 5


def test_shallow_network_has_at_most_units_plus_one_pieces():
    for seed in range(5):
        rng = np.random.default_rng(seed)
        net = nn.Sequential(nn.Linear(1, 7, rng=rng), nn.ReLU(), nn.Linear(7, 1, rng=rng))
        net.layers[0].b.data[...] = rng.normal(size=7)
        assert regions.count_pieces(net, -5.0, 5.0) <= 8


def test_piece_counting_rejects_other_layers():
    with pytest.raises(TypeError, match="Tanh"):
        regions.count_pieces(nn.Sequential(nn.Linear(1, 2), nn.Tanh(), nn.Linear(2, 1)))
    with pytest.raises(ValueError, match="depth"):
        regions.zigzag_network(0)
    with pytest.raises(ValueError, match="width"):
        regions.zigzag_network(2, 1)


def test_pieces_table_and_figure():
    rows = regions.pieces_table(widths=(2, 3), max_params=40, seeds=range(2))
    for kind, depth, width, params, pieces, _ in rows:
        assert pieces == (width**depth if kind == "deep" else width)
        assert params <= 40
    fig = deep_figures.pieces_figure(rows)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 3  # width 2, width 3, shallow


@pytest.mark.parametrize("seed, first_zero", [(0, 2), (1, 4), (2, 6), (3, 3), (4, 4)])
def test_random_deep_narrow_networks_die_at_a_layer_and_have_one_piece(seed, first_zero):
    """04 section 2: the random networks ten layers deep and 2 wide of the pieces
    table have one piece on [-1, 1] because one of their hidden layers outputs 0 everywhere;
    the going-deeper part prints the first such layer for seeds 0 to 4."""
    net = regions._random_relu_net(10, 2, seed)
    xs = np.linspace(-1, 1, 2001)[:, None]
    hidden = representations.layer_outputs(net, xs)[1:]
    zero = [k + 1 for k, H in enumerate(hidden) if np.all(H == 0)]
    assert zero[0] == first_zero
    after = hidden[first_zero:]  # later layers get the same input for every x: constant
    assert all(np.all(H == H[0]) for H in after)
    assert regions.count_pieces(net, -1.0, 1.0) == 1


def test_zigzag_view_updates_in_place():
    v = deep_figures.ZigzagView(depth=2, width=2)
    line = v.line
    v.update(depth=4, width=3)
    assert v.line is line and v.pieces == 81 and "81 linear pieces" in v.ax.get_title()


@pytest.mark.parametrize("depth, width", [(1, 3), (3, 2), (5, 3), (10, 2)])
def test_zigzag_parameter_count_is_the_lessons_formula(depth, width):
    """Lesson 04 section 2: 2w for the first layer, w(w + 1) for each further layer and
    w + 1 for the read-out (19 for depth 3, width 2; the figure's title prints it)."""
    w = width
    want = 2 * w + (depth - 1) * w * (w + 1) + w + 1
    assert nn.n_params(regions.zigzag_network(depth, width)) == want
    assert nn.n_params(regions.zigzag_network(3, 2)) == 19
