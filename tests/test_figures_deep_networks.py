"""helpers.figures.deep_networks: the generalisation figure draws the training and the
validation loss of each run and marks the step early stopping keeps."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.figures import deep_networks as figs  # noqa: E402


def _run(n=50, best=10):
    steps = np.arange(n)
    val = 1 + (steps - best) ** 2 / 100.0
    return {"train": np.exp(-steps / 10), "val": val, "best_step": int(np.argmin(val))}


def test_generalisation_figure_has_both_curves_and_the_early_stopping_step():
    runs = {"no L2": _run(best=10), "L2": _run(best=30)}
    fig = figs.generalisation_figure(runs)
    assert [ax.get_title() for ax in fig.axes] == ["no L2", "L2"]
    for ax, r in zip(fig.axes, runs.values()):
        train, val, stop = ax.get_lines()
        assert train.get_label() == "training loss" and val.get_label() == "validation loss"
        np.testing.assert_array_equal(train.get_ydata(), r["train"])
        np.testing.assert_array_equal(val.get_ydata(), r["val"])
        np.testing.assert_array_equal(val.get_xdata(), np.arange(len(r["val"])))
        assert stop.get_xdata()[0] == r["best_step"]
        assert r["val"][r["best_step"]] == min(r["val"])  # the marked step is the minimum
    assert fig.axes[0].get_legend() is not None


def test_generalisation_figure_rejects_bad_input():
    with pytest.raises(ValueError, match="runs is empty"):
        figs.generalisation_figure({})
    with pytest.raises(ValueError, match="lacks"):
        figs.generalisation_figure({"a": {"train": [1.0]}})


def test_transformation_figure_shows_the_tanh_square_and_a_legend():
    """The panels after layers 2-4 once had no ticks, so the square [-1, 1]^2 could not be
    seen; the classes and the read-out's line had no legend: each panel needs both."""
    from helpers import data, representations

    X, y = data.make_moons(n=40, noise=0.1, seed=0)
    fig = figs.transformation_figure(representations.narrow_network(depth=2, seed=0), X, y)
    first, *layers = [ax for ax in fig.axes if ax.get_visible()]
    for ax in layers:
        assert list(ax.get_xticks()) == [-1, 0, 1] and list(ax.get_yticks()) == [-1, 0, 1]
        assert ax.get_xlabel() == "unit 1"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == [
        "class 0",
        "class 1",
        "grid: vertical in the input",
        "grid: horizontal in the input",
        "tanh's range [−1, 1]²",
        "read-out's line",
    ]


def test_zigzag_view_names_its_kink_marks_and_pieces_figure_its_log_scales():
    """The red tick marks must be explained, and the log axes said to be log axes."""
    from helpers import regions

    view = figs.ZigzagView(depth=1, width=3)
    assert "kinks" in view.ax.get_legend().get_texts()[0].get_text()
    assert "10 parameters, 3 linear pieces" in view.ax.get_title()
    # Tiny ticks under the axis were hard to find, so the kinks are
    # dots on the line itself, at the zig-zag's top (x = 1/3) and bottom (x = 2/3)
    np.testing.assert_allclose(view.marks.get_xdata(), [1 / 3, 2 / 3], atol=1e-12)
    np.testing.assert_allclose(view.marks.get_ydata(), [1.0, 0.0], atol=1e-12)
    rows = regions.pieces_table(widths=(2,), max_params=20, seeds=range(2))
    fig = figs.pieces_figure(rows)
    for ax in fig.axes:
        assert ax.get_yscale() == "log" and "(log scale)" in ax.get_ylabel()
        assert ax.get_legend() is not None


# -- alt text (issue 26): each figure says in words what it shows, from its own numbers ------


def _alt(fig):
    from helpers.figures.alt import alt_text

    text = alt_text(fig)
    assert text, "the figure has no alt text"
    return text


def test_zigzag_view_alt_text_follows_depth_and_width():
    view = figs.ZigzagView(depth=1, width=3)
    one = _alt(view.fig)
    assert "depth 1 and width 3 (10 parameters)" in one and "3 straight pieces" in one
    assert "its 2 kinks" in one
    view.update(depth=3, width=2)
    three = _alt(view.fig)
    assert "depth 3 and width 2 (19 parameters)" in three and "8 straight pieces" in three
    assert three == _alt(figs.ZigzagView(depth=3, width=2).fig)


def test_pieces_figure_alt_text_names_each_lines_last_point():
    from helpers import regions

    texts = []
    for max_params in (20, 40):
        rows = regions.pieces_table(widths=(2,), max_params=max_params, seeds=[0])
        text = _alt(figs.pieces_figure(rows))
        deep = [r for r in rows if r[0] == "deep"][-1]  # (kind, depth, width, params, ...)
        assert f"deep, width 2: {deep[4]} pieces at {deep[3]} parameters" in text
        assert f"deep, width 2: {deep[5]:.1f} pieces at {deep[3]} parameters" in text
        assert "shallow, 1 layer:" in text and "random networks" in text
        texts.append(text)
    assert "8 pieces at 19 parameters" in texts[0] and "64 pieces at 37 parameters" in texts[1]


def test_transformation_figure_alt_text_counts_layers_and_the_read_outs_side():
    from helpers import data, representations

    X, y = data.make_moons(n=40, noise=0.1, seed=0)
    two = _alt(figs.transformation_figure(representations.narrow_network(depth=2, seed=0), X, y))
    three = _alt(figs.transformation_figure(representations.narrow_network(depth=3, seed=0), X, y))
    assert "3 scatter plots of the 40 data points of 2 classes" in two
    assert "after each of the 2 layers" in two and "after each of the 3 layers" in three
    assert "of the points lie on the side of their class" in two


def _digits_net():
    from helpers import representations

    rng = np.random.default_rng(0)
    X, y = rng.random((60, 64)), np.arange(60) % 10
    return representations.digits_network((12, 8), seed=0), X, y


def test_first_layer_figure_alt_text_names_the_units_shown():
    net, X, y = _digits_net()
    four = _alt(figs.first_layer_figure(net, n=4))
    six = _alt(figs.first_layer_figure(net, n=6, X=X, y=y))
    assert four.startswith("4 small 8 by 8 images") and "units 0 to 3" in four
    assert "units 0 to 5" in six and "unit 5:" in six and "unit 5:" not in four


def test_top_inputs_figure_alt_text_lists_each_units_digits():
    from helpers.representations import layer_outputs

    net, X, y = _digits_net()
    H = layer_outputs(net, X)[1]
    alive = [u for u in range(H.shape[1]) if np.any(H[:, u] > 0)][:2]
    one = _alt(figs.top_inputs_figure(net, X, y, layer=1, units=alive, k=3))
    assert "hidden layer 1: the 3 digits" in one
    for u in alive:
        top = np.argsort(-H[:, u], kind="stable")[:3]
        assert f"unit {u}" in one and ", ".join(str(y[i]) for i in top) in one
    two = _alt(figs.top_inputs_figure(net, X, y, layer=2, units=[0], k=4))
    assert "hidden layer 2: the 4 digits" in two


def test_projection_figure_alt_text_gives_each_panels_separation():
    from helpers.representations import class_separation

    rng = np.random.default_rng(1)
    y = np.arange(40) % 4
    A, B = rng.normal(size=(40, 5)), rng.normal(size=(40, 3)) + y[:, None]
    text = _alt(figs.projection_figure([A, B], y, names=["raw", "moved"]))
    assert f"raw {class_separation(A, y):.2f}" in text
    assert f"moved {class_separation(B, y):.2f}" in text and "(4 classes)" in text
    assert "one per representation (raw, moved)" in text


def test_generalisation_figure_alt_text_gives_each_runs_losses():
    text = _alt(figs.generalisation_figure({"no L2": _run(best=5), "L2": _run(best=40)}))
    assert "2 line graphs of the cross-entropy loss against the step, 0 to 49" in text
    assert "no L2: the training loss falls from 1.00 to 0.01" in text
    assert "is lowest, 1.00, early in the run" in text and "late in the run" in text
    assert "ends at 20.36" in text and "ends at 1.81" in text  # 1 + (49 - best)² / 100


def test_generalisation_figure_alt_text_of_one_run_says_a_line_graph():
    # 04 §4 draws one run: its alt text read "1 line graphs ..., one per run".
    text = _alt(figs.generalisation_figure({"plain training": _run(best=5)}))
    assert text.startswith("A line graph of the cross-entropy loss against the step, 0 to 49,")
    assert "one per run" not in text and "plain training: the training loss" in text


def test_approximation_figure_alt_text_gives_the_largest_gap_per_network():
    from helpers import approximation

    nets = {f"{n} units": approximation.one_layer_interpolant(np.sin, 0.0, 3.0, n) for n in (2, 8)}
    text = _alt(figs.approximation_figure(np.sin, nets, 0.0, 3.0))
    gaps = [approximation.max_error(net, np.sin, 0.0, 3.0, points=401) for net in nets.values()]
    assert f"2 units: {gaps[0]:.2g}, 8 units: {gaps[1]:.2g}" in text
    assert "for x from 0 to 3" in text


def test_playground_view_alt_text_follows_the_settings_and_the_state():
    from helpers.playground import Playground

    view = figs.PlaygroundView(Playground(n=60), res=8, tile=4)
    start = _alt(view.fig)
    assert "after 0 training steps" in start and "the circle data, 2 classes" in start
    assert "2 hidden layers of 4 tanh units" in start
    view.update(dataset="xor", hidden_layers=0)
    xor = _alt(view.fig)
    assert "the xor data" in xor and "Middle: no hidden layer." in xor
    view.pg.step(5)
    view.update()
    stepped = _alt(view.fig)
    train, test = view.pg.history[-1][1:]
    assert "after 5 training steps" in stepped and f"now {train:.3f} and {test:.3f}" in stepped
