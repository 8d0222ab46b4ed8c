"""helpers.representations: what trained layers do to the data (two moons, the digits),
dead units, unit purity, projections, and lesson 04's figures of them."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import (  # noqa: E402
    data,
    nn,
    representations,
    training,
)
from helpers.figures import deep_networks as deep_figures  # noqa: E402


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
