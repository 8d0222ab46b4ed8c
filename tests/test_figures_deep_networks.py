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
    """Reader 04: the panels after layers 2-4 had no ticks, so the square [-1, 1]^2 could
    not be seen; the classes and the read-out's line had no legend."""
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
        "grid of the input plane",
        "tanh's range [−1, 1]²",
        "read-out's line",
    ]


def test_zigzag_view_names_its_kink_marks_and_pieces_figure_its_log_scales():
    """Reader 04: the red tick marks were unexplained; the log axes were not said to be."""
    from helpers import regions

    view = figs.ZigzagView(depth=1, width=3)
    assert "kinks" in view.ax.get_legend().get_texts()[0].get_text()
    assert "10 parameters, 3 linear pieces" in view.ax.get_title()
    rows = regions.pieces_table(widths=(2,), max_params=20, seeds=range(2))
    fig = figs.pieces_figure(rows)
    for ax in fig.axes:
        assert ax.get_yscale() == "log" and "(log scale)" in ax.get_ylabel()
        assert ax.get_legend() is not None
