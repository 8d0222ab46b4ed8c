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
