"""helpers.training: the training loops (train stops on divergence; train_moons reports a
non-finite run instead of raising) and the figures of lesson 03 that show them
(helpers.figures.backpropagation): each figure function returns a Figure with the expected
artists; the training view updates its existing artists and explains divergence."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import (  # noqa: E402
    data,
    nn,
    residual,
    training,
)
from helpers.figures import backpropagation as backprop_figures  # noqa: E402
from helpers.figures import style  # noqa: E402


def test_grid_covers_the_data():
    X = np.array([[0.0, 1.0], [2.0, -1.0]])
    pts, extent = backprop_figures.grid_over(X, n=5, pad=0.5)
    assert pts.shape == (25, 2)
    assert extent == (-0.5, 2.5, -1.5, 1.5)
    assert pts[:, 0].min() == -0.5 and pts[:, 1].max() == 1.5


def test_boundary_snapshots_one_panel_per_snapshot():
    X, y = data.make_moons(n=40, seed=0)
    fig = backprop_figures.boundary_snapshots([("a", lambda P: P), ("b", lambda P: -P)], X, y, n=20)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    ax = fig.axes[0]
    assert len(ax.images) == 1 and len(ax.collections) == 1  # regions and points
    assert ax.get_title() == "a"
    assert ax.images[0].get_array().shape == (20, 20, 4)


def test_training_view_updates_artists_and_explains_divergence():
    view = backprop_figures.TrainingView(lr=0.5, steps=50, hidden=4, grid=30)
    line, image = view.line, view.image
    assert len(line.get_xdata()) == 51
    assert "loss" in view.message.get_text() and "Diverged" not in view.message.get_text()
    view.update(lr=30, steps=40, hidden=4)
    assert view.line is line and view.image is image  # the same artists, changed
    assert len(line.get_xdata()) == 41
    text = view.message.get_text()
    assert "Diverged" in text and "learning rate 30 is too high" in text
    assert view.message.get_color() == style.WARN_COLOR
    assert len(view.fig.axes) == 2


def test_train_moons_reports_non_finite_runs_without_raising(monkeypatch):
    calls = {"n": 0}
    real = nn.SoftmaxCrossEntropy.forward

    def explode(self, logits, y):
        calls["n"] += 1
        if calls["n"] == 5:
            raise nn.NonFiniteError("the softmax cross-entropy loss", step=5)
        return real(self, logits, y)

    monkeypatch.setattr(nn.SoftmaxCrossEntropy, "forward", explode)
    r = training.train_moons(lr=1.0, steps=20, hidden=4)
    assert r["error"] and "step 5" in r["error"]
    assert len(r["losses"]) == 4
    assert "inf/NaN" in r["message"] and "learning rate 1 is far too high" in r["message"]
    view = backprop_figures.TrainingView(lr=0.5, steps=5, hidden=4, grid=10)
    view._show(r)  # draws, does not raise
    assert view.message.get_color() == style.WARN_COLOR


def test_train_moons_learns_with_a_sensible_learning_rate():
    r = training.train_moons(lr=0.5, steps=300, hidden=16)
    assert r["accuracy"] == 1.0 and r["losses"][-1] < 0.05 and not r["error"]


def test_confusion_matrix_counts_and_checks_shapes():
    C = training.confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], n_classes=3)
    np.testing.assert_array_equal(C, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])
    with pytest.raises(ValueError, match="same"):
        training.confusion_matrix([0, 1], [0])
    fig = backprop_figures.confusion_figure(C)
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "1", "1", "1"]
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"


def test_misclassified_figure_shows_only_the_mistakes():
    X = np.random.default_rng(0).uniform(size=(5, 64))
    fig = backprop_figures.misclassified_figure(
        X, np.array([1, 2, 3, 4, 5]), np.array([1, 7, 3, 9, 5]), cols=3
    )
    shown = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in shown] == ["2 → 7", "4 → 9"]
    assert "2 of 5" in fig._suptitle.get_text()


def test_loss_figure_one_line_per_curve():
    fig = backprop_figures.loss_figure({"a": [3, 2, 1], "b": [2, 1, 0.5]}, log=True)
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and ax.get_yscale() == "log" and ax.get_legend() is not None


def test_training_view_draws_like_plain_matplotlib(pixels, draws_like_plain):
    """The axes are drawn once (FastCanvas); after every kind of change the widget's picture
    must be what plain matplotlib draws (no stale loss curve or title left underneath)."""
    view = backprop_figures.TrainingView(lr=0.5, steps=50, hidden=4, grid=30)
    pixels(view.fig)
    for change in [
        dict(lr=30, steps=50, hidden=4),
        dict(lr=0.1, steps=80, hidden=4),
        dict(lr=0.1, steps=80, hidden=8),
    ]:
        view.update(**change)
        draws_like_plain(view.fig)


def test_training_in_chunks_ends_with_the_same_run():
    whole = training.train_moons(lr=0.5, steps=50, hidden=4)
    parts = list(training.train_moons_in_chunks(lr=0.5, steps=50, hidden=4, chunk=20))
    assert [len(p["losses"]) for p in parts] == [20, 40, 51]
    assert [p["done"] for p in parts] == [False, False, True]
    assert "step 20 of 50" in parts[0]["message"]
    np.testing.assert_array_equal(parts[-1]["losses"], whole["losses"])
    assert parts[-1]["message"] == whole["message"]
    # a run that diverges stops at once, in the chunk where it happens
    boom = list(training.train_moons_in_chunks(lr=1e6, steps=300, hidden=16, chunk=100))
    assert boom[-1]["done"] and boom[-1]["message"] == training.train_moons(1e6, 300, 16)["message"]


def test_training_view_updates_in_chunks_to_the_same_picture(pixels):
    chunked = backprop_figures.TrainingView(lr=0.5, steps=50, hidden=4, grid=30)
    shown = []
    for fig in chunked.updates(lr=0.3, steps=50, hidden=4, chunk=20):
        shown.append(len(chunked.line.get_xdata()))
        pixels(fig)
    assert shown == [20, 40, 51]
    whole = backprop_figures.TrainingView(lr=0.3, steps=50, hidden=4, grid=30)
    np.testing.assert_array_equal(pixels(chunked.fig), pixels(whole.fig))


def test_training_view_shows_a_setting_it_had_without_training_again(monkeypatch, pixels):
    """A slider moved back to a setting shows that run's picture at once, the same pixels."""
    view = backprop_figures.TrainingView(lr=0.5, steps=50, hidden=4, grid=30)
    first = pixels(view.fig)
    list(view.updates(lr=0.3, steps=50, hidden=4, chunk=20))
    trained = []
    monkeypatch.setattr(
        backprop_figures, "train_moons_in_chunks", lambda *a, **k: trained.append(a) or iter(())
    )
    monkeypatch.setattr(backprop_figures, "train_moons", lambda *a, **k: trained.append(a))
    assert len(list(view.updates(lr=0.5, steps=50, hidden=4, chunk=20))) == 1  # one picture
    np.testing.assert_array_equal(pixels(view.fig), first)
    view.update(lr=0.3, steps=50, hidden=4)
    assert trained == []
    abandoned = view.updates(lr=0.7, steps=50, hidden=4, chunk=20)
    monkeypatch.undo()
    next(abandoned)  # a newer value came before the run ended: the run is not kept
    assert (0.7, 50, 4) not in view._runs


def test_train_stops_on_divergence():
    X, y = data.make_moons(n=50, seed=0)
    net = residual.deep_network(depth=10, width=8, residual=True)
    net.layers[-1].W.data *= 1e300
    losses = training.train(net, X, y, steps=5)
    assert len(losses) < 5
