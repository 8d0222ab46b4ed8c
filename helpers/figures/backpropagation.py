"""Figures of lesson 03, backpropagation (``notebooks/03_backpropagation.ipynb``).

Plain functions that return a ``matplotlib.figure.Figure`` (no pyplot), and one view,
``TrainingView``, for the training widget: ``.fig`` and ``.update(lr=, steps=, hidden=)``,
which retrains a small network on two moons (:func:`helpers.training.train_moons`) and
updates the existing artists (loss curve, decision regions, message). A diverging run is
shown and explained in the figure, never raised.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import nn
from ..training import train_moons, train_moons_in_chunks
from ..ui.canvas import FastCanvas, sparse_log_ticks, steps_axis
from .style import CLASS_COLORS, CLASS_RGB, LOSS_COLOR, WARN_COLOR, style_axis


def grid_over(X, n: int = 150, pad: float = 0.5):
    """A square grid of ``n × n`` points covering the data plus ``pad``: ``(points, extent)``
    with ``points`` of shape ``(n*n, 2)`` (row by row from the bottom) and
    ``extent = (x0, x1, y0, y1)`` for ``imshow``."""
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    xs, ys = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    gx, gy = np.meshgrid(xs, ys)
    return np.c_[gx.ravel(), gy.ravel()], (lo[0], hi[0], lo[1], hi[1])


def _region_image(logits, n, n_classes):
    """RGBA image: each pixel the colour of its predicted class, paler where less sure."""
    P = nn.softmax(np.asarray(logits, dtype=np.float64))
    colour = P @ CLASS_RGB[:n_classes]  # mix the class colours
    sure = (P.max(axis=1) - 1 / n_classes) / (1 - 1 / n_classes)
    alpha = 0.15 + 0.35 * sure
    return np.c_[colour, alpha].reshape(n, n, 4)


def draw_decision_regions(ax, predict, X, y, n: int = 150, title: str | None = None):
    """Colour the plane by ``predict`` (a function from an ``(M, 2)`` array to logits
    ``(M, classes)``), draw the class boundary and the points. Returns the image artist."""
    y = np.asarray(y)
    k = int(max(y.max() + 1, 2))
    pts, extent = grid_over(X, n)
    logits = np.asarray(predict(pts))
    img = ax.imshow(
        _region_image(logits, n, k),
        origin="lower",
        extent=extent,
        aspect="auto",
        interpolation="bilinear",
    )
    cmap = ListedColormap(CLASS_COLORS[:k])
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=y,
        cmap=cmap,
        vmin=-0.5,
        vmax=k - 0.5,
        s=14,
        edgecolors="white",
        linewidths=0.5,
        zorder=3,
    )
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    style_axis(ax, title, "$x_1$", "$x_2$", grid=False)
    return img


def boundary_snapshots(snapshots, X, y, n: int = 100) -> Figure:
    """One panel per ``(title, predict)`` pair: the decision regions as training goes on."""
    k = len(snapshots)
    fig = Figure(figsize=(2.7 * k, 2.5), dpi=100, layout="constrained")
    axes = fig.subplots(1, k, squeeze=False)[0]
    for ax, (title, predict) in zip(axes, snapshots):
        draw_decision_regions(ax, predict, X, y, n=n, title=title)
    for ax in axes[1:]:
        ax.set_ylabel("")
    return fig


class TrainingView:
    """Loss curve and decision regions of ``train_moons(lr, steps, hidden)``.

    ``update`` retrains from the same initial weights (seeded) and changes the existing
    artists: the loss line, the region image, the title and the message under the figure.
    The loss axis keeps one range, 1e-4 to 1e4, so that runs can be compared by eye (a
    diverging loss leaves it at the top); its length follows ``steps`` in round steps. The
    axes are drawn once (``FastCanvas``) until that length changes.
    """

    LOSS_RANGE = (1e-4, 1e4)

    def __init__(self, lr: float = 0.5, steps: int = 300, hidden: int = 16, grid: int = 120):
        self.grid = grid
        self.fig = Figure(figsize=(9.0, 3.8), dpi=100)
        self.fig.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.3, wspace=0.28)
        self.ax_loss, self.ax_region = self.fig.subplots(1, 2)
        (self.line,) = self.ax_loss.plot([], [], color=LOSS_COLOR, lw=1.6)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(*self.LOSS_RANGE)
        sparse_log_ticks(self.ax_loss, 5)
        style_axis(
            self.ax_loss, "training loss", "step", "cross-entropy loss (log scale)", grid=False
        )
        r = train_moons(lr, steps, hidden)
        self.image = draw_decision_regions(
            self.ax_region, self._predict(r["model"]), r["X"], r["y"], n=grid
        )
        self.message = self.fig.text(
            0.08, 0.03, "", fontsize=9.5, va="bottom", family="DejaVu Sans"
        )
        self.ax_region.set_title(" ", fontsize=11)
        # what an update changes, in drawing order (the points stay on top of the regions)
        FastCanvas(
            self.fig,
            animated=[
                self.line,
                self.image,
                *self.ax_region.collections,
                self.ax_region.title,
                self.message,
            ],
        )
        self.result = None
        self._show(r)

    def _predict(self, model):
        def predict(P):
            with np.errstate(all="ignore"):
                Z = model.forward(P)
            return np.nan_to_num(Z, nan=0.0, posinf=1e300, neginf=-1e300)

        return predict

    def update(self, lr: float = 0.5, steps: int = 300, hidden: int = 16):
        self._show(train_moons(lr, steps, hidden))
        return self.fig

    def updates(self, lr: float = 0.5, steps: int = 300, hidden: int = 16, chunk: int = 100):
        """``update`` a chunk of training at a time: a generator that shows the run so far
        after every ``chunk`` steps and the final result last (``helpers.ui.live``
        shows each, so a slider's new value answers before the whole run is trained)."""
        for r in train_moons_in_chunks(lr, steps, hidden, chunk=chunk):
            self._show(r)
            yield self.fig

    def _show(self, r):
        self.result = r
        losses = r["losses"]
        steps = np.arange(len(losses))
        self.line.set_data(steps, losses)
        if steps_axis(self.ax_loss, r["steps"], 100):
            self.fig.canvas.invalidate()  # new ticks: a full draw
        pts, _ = grid_over(r["X"], self.grid)
        logits = self._predict(r["model"])(pts)
        self.image.set_data(_region_image(logits, self.grid, 2))
        bad = bool(r["error"]) or losses[-1] > losses[0]
        self.line.set_color(WARN_COLOR if bad else LOSS_COLOR)
        self.ax_region.set_title(
            f"decision regions (width {r['hidden']}, lr {r['lr']:g})", fontsize=11
        )
        self.message.set_text(r["message"])
        self.message.set_color(WARN_COLOR if bad else LOSS_COLOR)
        return self.fig


def confusion_figure(C, title: str = "confusion matrix (test set)") -> Figure:
    """The confusion matrix as a grid of counts; the diagonal (correct) in blue, errors in
    orange."""
    C = np.asarray(C)
    k = len(C)
    fig = Figure(figsize=(4.6, 4.2), dpi=100, layout="constrained")
    ax = fig.subplots()
    off = C.astype(float).copy()
    np.fill_diagonal(off, np.nan)
    ax.imshow(
        np.where(np.eye(k, dtype=bool), 1.0, np.nan),
        cmap=ListedColormap(["#cfe3f2"]),
        vmin=0,
        vmax=1,
    )
    ax.imshow(np.where(off > 0, 1.0, np.nan), cmap=ListedColormap(["#f6cf9f"]), vmin=0, vmax=1)
    for i in range(k):
        for j in range(k):
            if C[i, j]:
                ax.text(
                    j,
                    i,
                    str(C[i, j]),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#222222",
                    fontweight="bold" if i != j else "normal",
                )
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    style_axis(ax, title, "predicted digit", "true digit", grid=False)
    ax.set_xticks(np.arange(k + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(k + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    return fig


def misclassified_figure(X, y_true, y_pred, max_shown: int = 12, cols: int = 6) -> Figure:
    """The first ``max_shown`` misclassified digits, each titled "true → predicted"."""
    X, y_true, y_pred = np.asarray(X), np.asarray(y_true), np.asarray(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)[:max_shown]
    rows = max(1, -(-len(wrong) // cols))
    fig = Figure(figsize=(1.3 * cols, 1.45 * rows + 0.3), dpi=100, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes:
        ax.set_axis_off()
    for ax, i in zip(axes, wrong):
        ax.imshow(
            X[i].reshape(8, 8),
            cmap="gray_r",
            vmin=0,
            vmax=max(1.0, X.max()),
            interpolation="nearest",
        )
        ax.set_title(f"{y_true[i]} → {y_pred[i]}", fontsize=10, color=WARN_COLOR)
    fig.suptitle(
        f"misclassified: {np.count_nonzero(y_true != y_pred)} of {len(y_true)} (true → predicted)",
        fontsize=11,
    )
    return fig


def loss_figure(
    curves: dict, title: str = "training loss", xlabel: str = "epoch", log: bool = False
) -> Figure:
    """Loss curves ``{label: values}`` on one axis."""
    fig = Figure(figsize=(5.0, 3.0), dpi=100, layout="constrained")
    ax = fig.subplots()
    for (label, values), colour in zip(curves.items(), [LOSS_COLOR, *CLASS_COLORS]):
        ax.plot(np.arange(1, len(values) + 1), values, label=label, color=colour, lw=1.6)
    if log:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    style_axis(ax, title, xlabel, "loss", grid=False)
    if len(curves) > 1:
        ax.legend(fontsize=9, frameon=False)
    return fig


# -- added with the corrections to the theory (issue 16) --------------------------------


def matrix_product_figure(factors, result, title: str = "", cell: float = 0.42) -> Figure:
    """Heat maps of ``factors`` (a list of ``(name, 2-D array)``) followed by ``result``
    (``(name, 2-D array)``), with "·" between factors and "=" before the result.

    Every panel shares one symmetric colour scale (red positive, blue negative), and every
    entry is written in its cell, so the picture can be read as numbers too.
    """
    factors = list(factors)
    if not factors:
        raise ValueError("matrix_product_figure: factors is empty; expected [(name, array)]")
    panels = [(n, np.atleast_2d(np.asarray(a, dtype=float))) for n, a in [*factors, result]]
    for name, a in panels:
        if a.ndim != 2:
            raise ValueError(
                f"matrix_product_figure: {name!r} must be a 2-D array, got shape {a.shape}"
            )
    m = max(float(np.max(np.abs(a))) for _, a in panels) or 1.0
    widths = [a.shape[1] for _, a in panels]
    height = max(a.shape[0] for _, a in panels)
    fig = Figure(
        figsize=(cell * (sum(widths) + 1.2 * len(panels)) + 0.4, cell * height + 0.9),
        layout="constrained",
    )
    axes = np.atleast_1d(fig.subplots(1, len(panels), width_ratios=widths))
    for k, (ax, (name, a)) in enumerate(zip(axes, panels)):
        ax.imshow(a, cmap="RdBu_r", vmin=-m, vmax=m, aspect="equal")
        for (i, j), v in np.ndenumerate(a):
            ax.text(
                j,
                i,
                f"{v:.2f}",
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if abs(v) > 0.6 * m else "black",
            )  # readable on dark cells
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name, fontsize=9)
        if k < len(panels) - 1:
            sign = "=" if k == len(panels) - 2 else "·"
            ax.annotate(
                sign,
                xy=(1, 0.5),
                xycoords="axes fraction",
                xytext=(6, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=14,
            )
    if title:
        fig.suptitle(title, fontsize=10)
    return fig
