"""helpers.residual: the residual block's backward pass (finite differences and autograd),
gradients through depth (vanishing and exploding with the gain, He initialisation), the
plain and residual networks of lesson 05 and their figures; and the infinite-width
(mean-field) maps, pinned (lesson 05, going deeper), with the lesson's finite networks beside
them: the sigmoid's critical gain in one network, and the cosines of two moons through 100
ReLU blocks."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import (  # noqa: E402
    data,
    nn,
    residual,
)
from helpers.figures import deep_networks as deep_figures  # noqa: E402
from helpers.figures import training_deep_networks as training_figures  # noqa: E402


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


def test_lesson_05_numbers_of_the_plain_and_residual_networks():
    """Lesson 05 §5: 27282 parameters (48 + 100·272 + 34); the plain network's loss wanders
    (lowest about 0.64, highest about 0.85) and ends at ln 2."""
    r = residual.compare_residual(depth=100, width=16, steps=100, lr=0.05)
    assert r["plain"]["params"] == r["residual"]["params"] == 48 + 100 * 272 + 34 == 27282
    plain = r["plain"]["losses"]
    assert 0.6 < min(plain) < 0.67 and 0.8 < max(plain) < 0.9
    assert abs(plain[0] - np.log(2)) < 1e-3 and abs(plain[-1] - np.log(2)) < 1e-2


def test_probe_batch_is_a_fixed_batch_of_inputs_and_targets():
    X, T = residual.probe_batch(3, n=4)
    assert X.shape == (4, 3) and T.shape == (4, 1)
    assert np.array_equal(X, residual.probe_batch(3, n=4)[0])


def test_the_relu_correlation_map_pinned():
    assert residual.relu_correlation_map(1.0) == pytest.approx(1.0)
    assert residual.relu_correlation_map(0.0) == pytest.approx(1 / math.pi)
    assert residual.relu_correlation_map(-1.0) == pytest.approx(0.0, abs=1e-15)
    assert residual.relu_correlation_map(0.5) == pytest.approx(
        (math.sqrt(0.75) + (math.pi - math.acos(0.5)) * 0.5) / math.pi
    )
    c, seen = 0.0, []
    for _ in range(10):
        c = residual.relu_correlation_map(c)
        seen.append(c)
    np.testing.assert_allclose(seen[:3], [0.31831, 0.49373, 0.60483], atol=1e-4)
    assert all(a < b < 1 for a, b in zip(seen, seen[1:]))  # towards the fixed point 1


def test_measured_cosines_follow_the_map_in_a_wide_network():
    measured = np.mean([residual.relu_cosines(20, 256, c0=0.0, seed=s) for s in range(4)], axis=0)
    c, predicted = 0.0, []
    for _ in range(20):
        c = residual.relu_correlation_map(c)
        predicted.append(c)
    assert np.max(np.abs(measured - predicted)) < 0.06


def test_critical_gains_pinned():
    assert residual.critical_gain("relu") == pytest.approx(math.sqrt(2), rel=1e-6)
    assert residual.critical_gain("sigmoid") == pytest.approx(10.15, abs=0.01)
    assert residual.gradient_factor("relu", 1.0) == pytest.approx(0.5)


def test_narrow_sigmoid_networks_need_a_larger_gain():
    """Lesson 05 prints these (median of 7 networks of 100 layers): 11.9, 11.2, 10.8."""
    gains = [residual.measured_critical_gain("sigmoid", width=w, seeds=7) for w in (32, 64, 128)]
    np.testing.assert_allclose(gains, [11.9, 11.2, 10.8], atol=0.06)
    assert gains[0] > gains[1] > gains[2] > residual.critical_gain("sigmoid")


def _sigmoid_first_and_last(gain, seed=100):
    """‖∂L/∂W‖ of the first and the last layer of lesson 05's one sigmoid network (100 layers
    of 32 units, seed 100) at ``gain``."""
    with np.errstate(over="ignore", under="ignore"):
        norms = residual.gradient_norms(
            residual.plain_network(100, 32, "sigmoid", gain, n_in=32, seed=seed)
        )
    return float(norms[0]), float(norms[-1])


def test_lesson_claim_one_sigmoid_network_balances_near_gain_14():
    """Lesson 05 (going deeper: the sigmoid's critical gain) prints, for the width-32 network
    of seed 100, ‖∂L/∂W‖ of layer 1 and layer 100 at gains 3, 10, 14 and 20, and says the two
    balance near 14. Of the four gains, 14 brings them closest (within a factor 2), and the
    balance lies between 14 and 15: layer 1's gradient is the smaller at 14, the larger at 15."""
    printed = {3.0: ("1e-28", "3e-01"), 10.0: ("2e-07", "3e-01")}
    printed |= {14.0: ("2e-01", "3e-01"), 20.0: ("4e+05", "1e-01")}
    log_ratio = {}  # ln(layer 1 / layer 100)
    for g, want in printed.items():
        first, last = _sigmoid_first_and_last(g)
        assert (f"{first:.0e}", f"{last:.0e}") == want, (g, first, last)
        log_ratio[g] = math.log(first / last)
    assert min(log_ratio, key=lambda g: abs(log_ratio[g])) == 14.0, log_ratio
    assert -math.log(2) < log_ratio[14.0] < 0, log_ratio
    first, last = _sigmoid_first_and_last(15.0)
    assert first > last, (first, last)


def _mean_cosine(H):
    """Lesson 05's ``mean_cosine``: the cosine similarity of two rows of H, averaged over all
    pairs of different rows."""
    U = H / np.linalg.norm(H, axis=1, keepdims=True)
    n = len(H)
    return float((np.sum(U @ U.T) - n) / (n * (n - 1)))


def test_lesson_claim_two_moons_align_cosine_0_50_0_77_0_96_1_00_after_blocks_1_3_10_30():
    """Lesson 05 §4: the mean pairwise cosine of the 200 points of two moons after blocks 1, 3,
    10 and 30 of five plain 100-block ReLU networks (``deep_network``, the median of the five):
    0.50, 0.77, 0.96, 1.00, rising; after block 100 above 0.999 in each network."""
    X, _ = data.make_moons(n=200, noise=0.1, seed=0)
    cosines = []
    for seed in range(5):
        net = residual.deep_network(100, 16, residual=False, seed=seed)
        H, cos = X, []
        for layer in net.layers[:-2]:  # the input layer, then 100 × (ReLU, Linear)
            H = layer.forward(H)
            if isinstance(layer, nn.Linear):
                cos.append(_mean_cosine(H))  # after the input layer, block 1, ..., block 100
        assert len(cos) == 101
        cosines.append(cos)
    median = np.median(cosines, axis=0)
    blocks = (1, 3, 10, 30)
    assert [f"{median[b]:.2f}" for b in blocks] == ["0.50", "0.77", "0.96", "1.00"], median
    assert all(median[a] < median[b] for a, b in zip(blocks, blocks[1:]))
    assert all(c[100] > 0.999 for c in cosines)
