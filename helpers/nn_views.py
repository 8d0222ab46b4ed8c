"""Figures for notebook 03 (backpropagation through a network).

Plain functions that return a ``matplotlib.figure.Figure`` (no pyplot), and one view,
``TrainingView``, for the training widget: ``.fig`` and ``.update(lr=, steps=, hidden=)``,
which retrains a small network on two moons and updates the existing artists (loss curve,
decision regions, message). A diverging run is shown and explained in the figure, never
raised.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import data, nn, optim
from .plots import FastCanvas, sparse_log_ticks, steps_axis

__all__ = ["CLASS_COLORS", "grid_over", "draw_decision_regions", "boundary_snapshots",
           "train_moons", "train_moons_in_chunks", "TrainingView", "confusion_matrix",
           "confusion_figure", "misclassified_figure", "loss_figure"]

#: Okabe–Ito colours, one per class (the series' palette: colour-blind safe).
CLASS_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                "#F0E442", "#000000", "#999999", "#882255"]
LOSS_COLOR = "#333333"
WARN_COLOR = "#B00020"


def _style(ax, title=None, xlabel=None, ylabel=None):
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=9)
    if title:
        ax.set_title(title, fontsize=11)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=10)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=10)
    return ax


def grid_over(X, n: int = 150, pad: float = 0.5):
    """A square grid of ``n × n`` points covering the data plus ``pad``: ``(points, extent)``
    with ``points`` of shape ``(n*n, 2)`` (row by row from the bottom) and
    ``extent = (x0, x1, y0, y1)`` for ``imshow``."""
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    xs, ys = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    gx, gy = np.meshgrid(xs, ys)
    return np.c_[gx.ravel(), gy.ravel()], (lo[0], hi[0], lo[1], hi[1])


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _region_image(logits, n, n_classes):
    """RGBA image: each pixel the colour of its predicted class, paler where less sure."""
    P = _softmax(np.asarray(logits, dtype=np.float64))
    rgb = np.array([[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
                    for c in CLASS_COLORS[:n_classes]])
    colour = P @ rgb                                     # mix the class colours
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
    img = ax.imshow(_region_image(logits, n, k), origin="lower", extent=extent,
                    aspect="auto", interpolation="bilinear")
    cmap = ListedColormap(CLASS_COLORS[:k])
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=k - 0.5, s=14,
               edgecolors="white", linewidths=0.5, zorder=3)
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    _style(ax, title, "$x_1$", "$x_2$")
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


# ---------------------------------------------------------------- the training widget

def train_moons(lr: float = 0.5, steps: int = 300, hidden: int = 16, *, seed: int = 0,
                n: int = 200, noise: float = 0.15):
    """Full-batch gradient descent on two moons with a 2-hidden-layer ReLU network.

    Returns a dict: ``model``, ``X``, ``y``, ``losses`` (one per step taken), ``accuracy``,
    ``dead`` (fraction of hidden ReLU units silent on every point), ``error`` (the message
    of a :class:`helpers.nn.NonFiniteError`, or ``""``) and ``message`` (what happened, in
    words, with the likely cause when training went wrong).
    """
    *_, result = train_moons_in_chunks(lr, steps, hidden, seed=seed, n=n, noise=noise)
    return result


def train_moons_in_chunks(lr: float = 0.5, steps: int = 300, hidden: int = 16, *,
                          chunk: int | None = None, seed: int = 0, n: int = 200,
                          noise: float = 0.15):
    """``train_moons`` a chunk of steps at a time: yields the result so far (the same dict,
    with ``done`` False and a progress message) after every ``chunk`` steps, and the final
    result (``done`` True, the same as ``train_moons``) last."""
    X, y = data.make_moons(n=n, noise=noise, seed=seed)
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(2, hidden, "he", rng), nn.ReLU(),
                          nn.Linear(hidden, hidden, "he", rng), nn.ReLU(),
                          nn.Linear(hidden, 2, "xavier", rng))
    loss_fn, opt = nn.SoftmaxCrossEntropy(), optim.SGD(model.parameters(), lr=lr)
    losses, error, steps, done = [], "", int(steps), 0
    while True:
        todo = min(chunk or steps, steps - done)
        with np.errstate(all="ignore"):  # a diverging run ends in NonFiniteError, not warnings
            try:
                for _ in range(todo):
                    losses.append(loss_fn.forward(model.forward(X), y))
                    model.backward(loss_fn.backward(), input_grad=False)
                    opt.step()
                done += todo
                if done == steps:                        # the loss after the last step
                    losses.append(loss_fn.forward(model.forward(X), y))
            except nn.NonFiniteError as err:
                error = str(err)
        if error or done == steps:
            break
        yield _result(model, X, y, losses, "", lr, steps, hidden, done=False)
    yield _result(model, X, y, losses, error, lr, steps, hidden, done=True)


def _result(model, X, y, losses, error, lr, steps, hidden, done):
    with np.errstate(all="ignore"):
        logits = model.forward(X)
    acc = float(np.mean(np.argmax(logits, axis=1) == y)) if np.all(np.isfinite(logits)) else 0.0
    masks = [layer.mask for layer in model.layers if isinstance(layer, nn.ReLU)]
    dead = float(np.mean(np.concatenate([~m.any(axis=0) for m in masks])))
    result = dict(model=model, X=X, y=y, losses=np.array(losses), accuracy=acc, dead=dead,
                  error=error, lr=lr, steps=steps, hidden=hidden, done=done)
    result["message"] = (_explain(result) if done else
                         f"training: step {len(losses)} of {steps}, loss {losses[-1]:.3f} …")
    return result


def _explain(r) -> str:
    losses = r["losses"]
    if r["error"]:
        return (f"Diverged after {len(losses)} steps: the loss became inf/NaN.\n"
                f"The learning rate {r['lr']:g} is far too high: every step overshoots and the\n"
                "weights grow without bound. Try a learning rate 10x smaller.")
    first, last = losses[0], losses[-1]
    if last > first:
        return (f"Diverged: the loss went UP, {first:.3f} → {last:.3f} "
                f"(accuracy {100 * r['accuracy']:.0f} %).\n"
                f"The learning rate {r['lr']:g} is too high: the first steps overshoot, the "
                "weights jump far away\n"
                f"and {100 * r['dead']:.0f} % of the ReLU units went silent on every point "
                "(dead), so their gradient is 0.")
    return (f"loss {first:.3f} → {last:.3f} after {r['steps']} steps, "
            f"training accuracy {100 * r['accuracy']:.1f} %")


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
        _style(self.ax_loss, "training loss", "step", "cross-entropy loss (log scale)")
        r = train_moons(lr, steps, hidden)
        self.image = draw_decision_regions(self.ax_region, self._predict(r["model"]),
                                           r["X"], r["y"], n=grid)
        self.message = self.fig.text(0.08, 0.03, "", fontsize=9.5, va="bottom",
                                     family="DejaVu Sans")
        self.ax_region.set_title(" ", fontsize=11)
        # what an update changes, in drawing order (the points stay on top of the regions)
        FastCanvas(self.fig, animated=[self.line, self.image, *self.ax_region.collections,
                                       self.ax_region.title, self.message])
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
        after every ``chunk`` steps and the final result last (``helpers.widgets.live``
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
            self.fig.canvas.invalidate()             # new ticks: a full draw
        pts, _ = grid_over(r["X"], self.grid)
        logits = self._predict(r["model"])(pts)
        self.image.set_data(_region_image(logits, self.grid, 2))
        bad = bool(r["error"]) or losses[-1] > losses[0]
        self.line.set_color(WARN_COLOR if bad else LOSS_COLOR)
        self.ax_region.set_title(f"decision regions (width {r['hidden']}, lr {r['lr']:g})",
                                 fontsize=11)
        self.message.set_text(r["message"])
        self.message.set_color(WARN_COLOR if bad else LOSS_COLOR)
        return self.fig


# ---------------------------------------------------------------- digits

def confusion_matrix(y_true, y_pred, n_classes: int = 10) -> np.ndarray:
    """``C[i, j]`` = how many examples of class i were predicted as class j."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"confusion_matrix: y_true has shape {y_true.shape} but y_pred "
                         f"has shape {y_pred.shape}; expected the same")
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def confusion_figure(C, title: str = "confusion matrix (test set)") -> Figure:
    """The confusion matrix as a grid of counts; the diagonal (correct) in blue, errors in
    orange."""
    C = np.asarray(C)
    k = len(C)
    fig = Figure(figsize=(4.6, 4.2), dpi=100, layout="constrained")
    ax = fig.subplots()
    off = C.astype(float).copy()
    np.fill_diagonal(off, np.nan)
    ax.imshow(np.where(np.eye(k, dtype=bool), 1.0, np.nan), cmap=ListedColormap(["#cfe3f2"]),
              vmin=0, vmax=1)
    ax.imshow(np.where(off > 0, 1.0, np.nan), cmap=ListedColormap(["#f6cf9f"]), vmin=0, vmax=1)
    for i in range(k):
        for j in range(k):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=8,
                        color="#222222", fontweight="bold" if i != j else "normal")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    _style(ax, title, "predicted digit", "true digit")
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
        ax.imshow(X[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=max(1.0, X.max()),
                  interpolation="nearest")
        ax.set_title(f"{y_true[i]} → {y_pred[i]}", fontsize=10, color=WARN_COLOR)
    fig.suptitle(f"misclassified: {np.count_nonzero(y_true != y_pred)} of {len(y_true)} "
                 "(true → predicted)", fontsize=11)
    return fig


def loss_figure(curves: dict, title: str = "training loss", xlabel: str = "epoch",
                log: bool = False) -> Figure:
    """Loss curves ``{label: values}`` on one axis."""
    fig = Figure(figsize=(5.0, 3.0), dpi=100, layout="constrained")
    ax = fig.subplots()
    for (label, values), colour in zip(curves.items(), [LOSS_COLOR, *CLASS_COLORS]):
        ax.plot(np.arange(1, len(values) + 1), values, label=label, color=colour, lw=1.6)
    if log:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _style(ax, title, xlabel, "loss")
    if len(curves) > 1:
        ax.legend(fontsize=9, frameon=False)
    return fig
