"""helpers.regions, representations, residual and training, and the figures of 04 and 05:
exact piece counts, the residual block's backward pass (finite differences and autograd),
the experiments' claims, and the figures."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import (  # noqa: E402
    data,
    nn,
    regions,  # noqa: E402
    representations,  # noqa: E402
    residual,  # noqa: E402
    training,  # noqa: E402
)
from helpers.figures import deep_networks as deep_figures  # noqa: E402
from helpers.figures import training_deep_networks as training_figures  # noqa: E402


# ---------------------------------------------------------------- pieces
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
    """04 section 2 (reader r3): the random networks ten layers deep and 2 wide of the pieces
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


# ---------------------------------------------------------------- residual
def _numeric_input_grad(f, X, dY, h=1e-6):
    g = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        old = X[idx]
        try:
            X[idx] = old + h
            up = np.sum(f(X) * dY)
            X[idx] = old - h
            down = np.sum(f(X) * dY)
        finally:
            X[idx] = old
        g[idx] = (up - down) / (2 * h)
    return g


@pytest.mark.parametrize("scale", [1.0, 0.3])
def test_residual_backward_matches_finite_differences(scale):
    rng = np.random.default_rng(4)
    block = residual.Residual(
        nn.Sequential(
            nn.Linear(3, 5, init="xavier", rng=rng),
            nn.Tanh(),
            nn.Linear(5, 3, init="xavier", rng=rng),
        ),
        scale=scale,
    )
    block.block.layers[0].b.data[...] = rng.normal(size=5)
    X, dY = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    block.zero_grad()
    block.forward(X)
    dX = block.backward(dY)
    num = _numeric_input_grad(block.forward, X.copy(), dY)
    np.testing.assert_allclose(dX, num, rtol=1e-7, atol=1e-9)
    # every parameter, biases included
    block.zero_grad()
    block.forward(X)
    block.backward(dY)
    for p in block.parameters():
        analytic = p.grad.copy()
        num = np.zeros_like(p.data)
        for idx in np.ndindex(p.data.shape):
            old = p.data[idx]
            p.data[idx] = old + 1e-6
            up = np.sum(block.forward(X) * dY)
            p.data[idx] = old - 1e-6
            down = np.sum(block.forward(X) * dY)
            p.data[idx] = old
            num[idx] = (up - down) / 2e-6
        np.testing.assert_allclose(analytic, num, rtol=1e-6, atol=1e-9, err_msg=p.name)


def test_residual_backward_matches_autograd():
    import autograd.numpy as anp
    from autograd import grad

    rng = np.random.default_rng(5)
    W, b = rng.normal(size=(3, 3)), rng.normal(size=3)
    lin = nn.Linear(3, 3)
    lin.W.data[...], lin.b.data[...] = W, b
    block = residual.Residual(nn.Sequential(lin, nn.Tanh()), scale=0.5)
    X, dY = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    block.forward(X)
    dX = block.backward(dY)
    oracle = grad(lambda x: anp.sum((x + 0.5 * anp.tanh(anp.dot(x, W) + b)) * dY))(X)
    np.testing.assert_allclose(dX, oracle, rtol=1e-12, atol=1e-14)


def test_residual_needs_matching_shapes_and_a_layer():
    with pytest.raises(nn.ShapeError, match="skip"):
        residual.Residual(nn.Linear(3, 2)).forward(np.zeros((1, 3)))
    with pytest.raises(TypeError, match="block"):
        residual.Residual(lambda x: x)
    with pytest.raises(ValueError, match="scale"):
        residual.Residual(nn.ReLU(), scale=0.0)


def test_residual_parameter_names_are_unique():
    net = residual.deep_network(depth=3, width=4, residual=True)
    names = [p.name for p in net.parameters()]
    assert len(set(names)) == len(names)


def test_same_weights_with_and_without_skips():
    a = residual.deep_network(depth=5, width=4, residual=False, seed=2)
    b = residual.deep_network(depth=5, width=4, residual=True, seed=2)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_hundred_layers_train_with_skips_and_not_without():
    r = residual.compare_residual(depth=100, width=16, steps=120, lr=0.05)
    assert r["plain"]["params"] == r["residual"]["params"]
    assert r["residual"]["accuracy"] >= 0.95 and r["residual"]["losses"][-1] < 0.15
    assert r["plain"]["accuracy"] <= 0.6 and r["plain"]["losses"][-1] > 0.6
    assert np.median(r["residual"]["grad_norms"]) > 100 * np.median(r["plain"]["grad_norms"])
    fig = training_figures.residual_figure(r)
    assert len(fig.axes) == 2 and len(fig.axes[1].lines) == 2
    assert all(len(ax.get_legend().get_texts()) == 2 for ax in fig.axes)  # both name the lines
    top = max(max(run["losses"]) for run in r.values())
    assert top < fig.axes[1].get_ylim()[1] < 1.2 * top  # the loss axis fits the run


# ---------------------------------------------------------------- gradients through depth
def test_gradient_norms_vanish_and_explode_with_the_gain():
    def first(act, g):
        with np.errstate(over="ignore", under="ignore"):
            return residual.gradient_norms(residual.plain_network(60, 16, act, g, n_in=16))[0]

    assert first("sigmoid", 1.0) < 1e-25
    assert 1e-3 < first("relu", np.sqrt(2)) < 1e3
    assert first("relu", 0.5) < 1e-10 and first("relu", 2.0) > 1e10
    assert 1e-3 < first("tanh", 1.0) < 1e3


def test_gradient_norms_match_finite_differences():
    net = residual.plain_network(3, 4, "tanh", 1.0, n_in=4, seed=1)
    X, T = residual.probe_batch(4, n=5)
    norms = residual.gradient_norms(net, X, T)
    W = net.layers[2].W.data  # the second hidden layer's weights
    num = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        old = W[idx]
        W[idx] = old + 1e-6
        up = np.mean((net.forward(X) - T) ** 2)
        W[idx] = old - 1e-6
        down = np.mean((net.forward(X) - T) ** 2)
        W[idx] = old
        num[idx] = (up - down) / 2e-6
    np.testing.assert_allclose(norms[1], np.linalg.norm(num), rtol=1e-6)


def test_init_table_he_keeps_relu_signal():
    rows = {(a, i): last for a, i, _, last in residual.init_table(depth=30, width=32)}
    assert rows["relu", "he"] > 0.1 and rows["relu", "uniform"] < 1e-8


def test_gradient_norm_view_updates_in_place():
    v = training_figures.GradientNormView(depth=20, width=8)
    lines = list(v.grad_lines)
    v.update(activation="relu", scale=2.0)
    assert v.grad_lines == lines and len(lines[1].get_xdata()) == 20
    assert v.caption().startswith("relu, 20 layers")
    for factor, gain in [(0.5, 1.0), (1.0, 2.0), (2.0, 4.0)]:  # the lines: g/2, g, 2g
        net = residual.plain_network(20, 8, "relu", gain, n_in=8, seed=20)
        sig, g = v.results[factor]
        np.testing.assert_allclose(g, residual.gradient_norms(net, v.X, v.target), rtol=1e-10)
        np.testing.assert_allclose(sig, residual.signal_stds(net, v.X), rtol=1e-10)
    with pytest.raises(ValueError, match="activation"):
        v.update(activation="swish")


def test_gradient_norm_view_shows_every_line_whole():
    """At its defaults the view shows vanishing and exploding gradients, and on every
    setting each axis holds all of its lines (none clipped)."""
    v = training_figures.GradientNormView()
    first = {f: g[0] for f, (_, g) in v.results.items()}
    assert first[0.5] < 1e-20 and 1e-2 < first[1.0] < 1e2 and first[2.0] > 1e4
    for act, gain in [("tanh", 1.0), ("relu", 3.0), ("sigmoid", 0.5), ("relu", 1.0)]:
        v.update(activation=act, scale=gain)
        for ax, k in ((v.ax_sig, 0), (v.ax_grad, 1)):
            values = np.concatenate([r[k] for r in v.results.values()])
            lo, hi = ax.get_ylim()
            assert lo <= values.min() and values.max() <= hi, (act, gain, ax.get_ylabel())


# ---------------------------------------------------------------- transformations, features
def test_narrow_network_separates_moons_and_figure_has_a_panel_per_layer():
    X, y = data.make_moons(n=100, noise=0.1, seed=0)
    net = representations.narrow_network(depth=3, seed=0)
    training.train(net, X, y, steps=150, lr=0.1)
    assert nn.accuracy(net.forward(X), y) >= 0.97
    reps = representations.layer_outputs(net, X)
    assert len(reps) == 4 and all(r.shape == (100, 2) for r in reps)
    fig = deep_figures.transformation_figure(net, X, y, ncols=4)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4 and visible[0].get_title() == "input"


def test_train_stops_on_divergence():
    X, y = data.make_moons(n=50, seed=0)
    net = residual.deep_network(depth=10, width=8, residual=True)
    net.layers[-1].W.data *= 1e300
    losses = training.train(net, X, y, steps=5)
    assert len(losses) < 5


def test_digit_features_grow_more_separated():
    Xtr, ytr, Xte, yte = data.load_digits()
    net = representations.digits_network((16, 16), seed=0)
    training.train(net, Xtr, ytr, steps=150, lr=0.1, batch=64)
    reps = representations.layer_outputs(net, Xte)
    sep = [representations.class_separation(H, yte) for H in reps]
    assert sep[2] > sep[1] > sep[0]
    assert representations.unit_purity(reps[2], yte) > representations.unit_purity(reps[0], yte)
    fig = deep_figures.first_layer_figure(net, n=8, X=Xte, y=yte)
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 8 and len(fig.axes) == 9  # 8 weight images, 1 colour bar
    assert len({ax.images[0].get_clim() for ax in panels}) == 1  # one colour scale
    assert all(ax.get_title().startswith(f"unit {j}: ") for j, ax in enumerate(panels))
    fig = deep_figures.top_inputs_figure(net, Xte, yte, layer=2, units=range(2), k=3)
    assert len(fig.axes) == 2 and len(fig.axes[0].get_xticklabels()) == 3
    fig = deep_figures.projection_figure(reps, yte)
    assert len(fig.axes) == 3
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [str(d) for d in range(10)]


def _lesson_digits(seed, trained=True):
    """Lesson 04 section 3's digit network and recipe (centred pixels, folded back)."""
    Xtr, ytr, Xte, yte = data.load_digits()
    net = representations.digits_network((32, 16, 16), seed=seed)
    if trained:
        mean = Xtr.mean(axis=0)
        recipe = dict(steps=400, lr=0.1, momentum=0.9, batch=64, weight_decay=1e-3)
        training.train(net, Xtr - mean, ytr, **recipe)
        representations.fold_input_shift(net, mean)
    return net


def test_lesson_claim_trained_layers_separate_the_classes_more_untrained_ones_less():
    """Issue 23: five seeds, and an untrained network of the same shape beside them.

    After training the class separation rises at every layer and a fitted linear read-out
    stays at least 95 % accurate; untrained, the read-out falls at every layer (to at most
    65 % at layer 3) and the separation stays below 1."""
    Xtr, ytr, Xte, yte = data.load_digits()
    pixels = representations.linear_readout_accuracy(Xtr, ytr, Xte, yte)
    assert pixels == pytest.approx(430 / 450)
    for seed in range(5):
        for trained in (True, False):
            net = _lesson_digits(seed, trained)
            train_reps = representations.layer_outputs(net, Xtr)
            test_reps = representations.layer_outputs(net, Xte)
            sep = [representations.class_separation(H, yte) for H in test_reps]
            acc = [
                representations.linear_readout_accuracy(a, ytr, b, yte)
                for a, b in zip(train_reps, test_reps)
            ]
            if trained:
                assert all(b > a for a, b in zip(sep, sep[1:])), (seed, sep)
                assert sep[3] > 5 and min(acc) >= 0.95, (seed, sep, acc)
            else:
                assert all(b < a for a, b in zip(acc, acc[1:])), (seed, acc)
                assert acc[3] <= 0.65 and max(sep) < 1, (seed, sep, acc)


def test_lesson_claim_mean_unit_purity_0_41_0_79_0_78_0_89_not_monotone():
    """Lesson 04 §3 (going deeper: what single units respond to) prints the mean unit purity
    of the pixels and of layers 1 to 3 of the trained digit network (seed 0): 0.41, 0.79,
    0.78, 0.89. It jumps at layer 1, dips at layer 2 and rises at layer 3: not monotone."""
    _, _, Xte, yte = data.load_digits()
    reps = representations.layer_outputs(_lesson_digits(0), Xte)
    purity = [representations.unit_purity(H, yte, k=20) for H in reps]
    assert [f"{p:.2f}" for p in purity] == ["0.41", "0.79", "0.78", "0.89"], purity
    assert purity[1] - purity[0] > purity[3] - purity[1] > 0  # the lesson's own check
    assert purity[2] < purity[1] < purity[3]  # the dip: it does not grow at every layer


def test_units_by_purity_spans_the_layer_and_the_figure_prints_each_purity():
    y = np.arange(40) % 2  # classes alternate
    H = np.zeros((40, 3))
    H[:, 0] = 1.0 + (y == 0)  # its 20 most exciting examples: all of class 0, purity 1
    H[:, 1] = np.linspace(1, 2, 40)  # its top 20: ten of each class, purity 0.5
    H[:19, 2] = 1.0  # active on 19 examples only: left out
    assert representations.units_by_purity(H, y, n=2) == [(1, 0.5), (0, 1.0)]
    with pytest.raises(ValueError, match="units_by_purity: only 2 units"):
        representations.units_by_purity(H, y, n=3)
    Xtr, ytr, Xte, yte = data.load_digits()
    net = _lesson_digits(0)
    reps = representations.layer_outputs(net, Xte)
    picked = representations.units_by_purity(reps[3], yte, n=5)
    purities = [p for _, p in picked]
    assert purities == sorted(purities) and purities[0] < purities[-1]
    fig = deep_figures.top_inputs_figure(net, Xte, yte, layer=3, units=[u for u, _ in picked])
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels == [f"unit {u}\npurity {p:.2f}" for u, p in picked]


def test_dead_units_are_found_and_marked():
    _, _, Xte, yte = data.load_digits()
    net = representations.digits_network((8, 4), seed=0)
    net.layers[0].b.data[...] = 1.0  # every unit of layer 1 active,
    net.layers[0].b.data[3] = -1e3  # but unit 3: never active
    H = representations.layer_outputs(net, Xte)[1]
    assert list(representations.dead_units(H)) == [3]
    fig = deep_figures.top_inputs_figure(net, Xte, yte, layer=1, units=[2, 3], k=4)
    alive, dead = fig.axes
    assert len(alive.get_xticklabels()) == 4 and not dead.get_xticklabels()
    assert [t.get_text() for t in dead.texts] == [f"dead: zero on all {len(Xte)} digits"]
    fig = deep_figures.first_layer_figure(net, n=4, ncols=4, X=Xte, y=yte)
    assert fig.axes[3].get_title() == "unit 3: dead"


def test_fold_input_shift_gives_the_same_outputs_on_raw_inputs():
    rng = np.random.default_rng(0)
    X, m = rng.random((5, 64)), rng.random(64)
    net = representations.digits_network((8,), seed=1)
    centred = net.forward(X - m)
    representations.fold_input_shift(net, m)
    np.testing.assert_allclose(net.forward(X), centred, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="fold_input_shift.*shape"):
        representations.fold_input_shift(net, m[:3])


def test_class_separation_of_known_clusters():
    H = np.array([[0.0], [2.0], [10.0], [12.0]])
    y = np.array([0, 0, 1, 1])
    # between: 4 · 5² = 100; within: 4 · 1² = 4
    assert representations.class_separation(H, y) == pytest.approx(25.0)


def test_views_cache_their_background_correctly(pixels, draws_like_plain):
    g = training_figures.GradientNormView(depth=20, width=8)
    z = deep_figures.ZigzagView()
    for view, kwargs in [
        (g, dict(activation="relu", scale=2.0)),  # the axes change: a full redraw
        (g, dict(activation="relu", scale=2.05)),  # the same axes: only the lines
        (z, dict(depth=5, width=3)),
    ]:
        pixels(view.fig)
        view.update(**kwargs)
        draws_like_plain(view.fig)


def test_decay_figure_tells_a_power_law_from_an_exponential():
    layers = np.arange(1, 201)
    fig = training_figures.decay_figure(1 / np.sqrt(2 * layers), fit=(20, 60))
    semilog, loglog = fig.axes
    fitted_exp = semilog.lines[1].get_ydata()
    fitted_power = loglog.lines[1].get_ydata()
    np.testing.assert_allclose(fitted_power, 1 / np.sqrt(2 * layers), rtol=1e-9)
    assert fitted_exp[-1] < 0.5 / np.sqrt(400)  # the exponential falls away
    with pytest.raises(ValueError, match="decay_figure"):
        training_figures.decay_figure(np.ones(10), fit=(5, 20))


@pytest.mark.parametrize("depth, width", [(1, 3), (3, 2), (5, 3), (10, 2)])
def test_zigzag_parameter_count_is_the_lessons_formula(depth, width):
    """Lesson 04 section 2: 2w for the first layer, w(w + 1) for each further layer and
    w + 1 for the read-out (19 for depth 3, width 2; the figure's title prints it)."""
    w = width
    want = 2 * w + (depth - 1) * w * (w + 1) + w + 1
    assert regions.n_params(regions.zigzag_network(depth, width)) == want
    assert regions.n_params(regions.zigzag_network(3, 2)) == 19


def test_lesson_05_numbers_of_the_plain_and_residual_networks():
    """Lesson 05 §5: 27282 parameters (48 + 100·272 + 34); the plain network's loss wanders
    (lowest about 0.64, highest about 0.85) and ends at ln 2."""
    r = residual.compare_residual(depth=100, width=16, steps=100, lr=0.05)
    assert r["plain"]["params"] == r["residual"]["params"] == 48 + 100 * 272 + 34 == 27282
    plain = r["plain"]["losses"]
    assert 0.6 < min(plain) < 0.67 and 0.8 < max(plain) < 0.9
    assert abs(plain[0] - np.log(2)) < 1e-3 and abs(plain[-1] - np.log(2)) < 1e-2


def test_projection_2d_keeps_the_two_widest_directions_signed_the_same_way_every_run():
    rng = np.random.default_rng(0)
    H = rng.standard_normal((50, 2)) * [5.0, 1.0] @ np.array([[0.6, 0.8], [-0.8, 0.6]])
    H = np.hstack([H, 1e-3 * rng.standard_normal((50, 1))])
    P = representations.projection_2d(H)
    assert P.shape == (50, 2)
    assert np.allclose(P.mean(axis=0), 0) and np.var(P[:, 0]) > np.var(P[:, 1])
    assert np.all(P[np.argmax(np.abs(P), axis=0), [0, 1]] > 0)
    assert np.allclose(representations.projection_2d(-H), P)  # the sign of each axis is fixed


def test_projection_2d_needs_two_examples_and_two_units():
    with pytest.raises(ValueError, match="projection_2d: H needs at least 2 rows"):
        representations.projection_2d(np.ones((5, 1)))


def test_probe_batch_is_a_fixed_batch_of_inputs_and_targets():
    X, T = residual.probe_batch(3, n=4)
    assert X.shape == (4, 3) and T.shape == (4, 1)
    assert np.array_equal(X, residual.probe_batch(3, n=4)[0])
