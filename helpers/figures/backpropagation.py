"""Figures of lesson 03, backpropagation (``notebooks/03_backpropagation.ipynb``).

Plain functions that return a ``matplotlib.figure.Figure`` (no pyplot), and one view,
``TrainingView``, for the training widget: ``.fig`` and ``.update(lr=, steps=, hidden=)``,
which retrains a small network on two moons (:func:`helpers.training.train_moons`) and
updates the existing artists (loss curve, decision regions, message). A diverging run is
shown and explained in the figure, never raised.
"""

from __future__ import annotations

import re

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .. import checks, nn
from ..descent import Surface, descend
from ..training import train_moons, train_moons_in_chunks
from .alt import describe
from .canvas import keep, sparse_log_ticks, steps_axis
from .style import CLASS_COLORS, CLASS_RGB, LOSS_COLOR, WARN_COLOR, style_axis


def _num(v) -> str:
    """``v`` in words for alt text: two significant digits, no exponent ("0.0045", "1200")."""
    v = float(v)
    if not np.isfinite(v):
        return "infinite" if np.isinf(v) else "not a number"
    return np.format_float_positional(
        v + 0.0, precision=2, unique=False, fractional=False, trim="-"
    )


def _entry(v) -> str:
    """A matrix entry in words, at the 2 decimals the picture writes ("1.5", "-0.25")."""
    return f"{round(float(v), 2) + 0.0:g}"


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
        zorder=1.6,  # over the axes' tick marks (1.5): a new map leaves the axes as drawn
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


def class_handles(n_classes: int):
    """Legend entries for the classes: a marker of each class colour, "class 0", "class 1"...
    (a point of class k is drawn in ``CLASS_COLORS[k]``; its region is tinted the same)."""
    return [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=6,
            color=CLASS_COLORS[c],
            markeredgecolor="white",
            label=f"class {c}",
        )
        for c in range(n_classes)
    ]


def boundary_snapshots(snapshots, X, y, n: int = 100) -> Figure:
    """One panel per ``(title, predict)`` pair: the decision regions as training goes on,
    with one legend of the classes (points and regions share the class colours)."""
    k = len(snapshots)
    fig = Figure(figsize=(2.7 * k + 1.0, 2.5), dpi=100, layout="constrained")
    axes = fig.subplots(1, k, squeeze=False)[0]
    for ax, (title, predict) in zip(axes, snapshots):
        draw_decision_regions(ax, predict, X, y, n=n, title=title)
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.legend(
        handles=class_handles(int(max(np.max(y) + 1, 2))),
        loc="outside right center",
        fontsize=9,
        frameon=False,
        title="points and\nregions",
        title_fontsize=8.5,
    )
    return describe(
        fig,
        f"{k} maps of the plane, side by side, as training goes on: each point of the plane "
        f"is coloured by the network's guess there, blue for class 0 and orange for class 1, "
        f"with the {len(X)} data points on top and a pale band where the two classes meet. "
        + "; ".join(title for title, _ in snapshots)
        + ".",
    )


def as_arrays(model, gradients: bool = False):
    """The weights of lesson 03's scalar MLP (or, with ``gradients=True``, their gradients)
    as NumPy arrays: one pair ``(W, b)`` per layer, ``W`` of shape ``(n_in, n_out)`` (row j:
    the weights that input j sends to every neuron), ``b`` of shape ``(n_out,)``.

    ``model`` is the lesson's ``MLP``: ``model.layers``, each with ``.neurons``, each with a
    list of ``Value`` weights ``.w`` and a ``Value`` bias ``.b``."""
    if not hasattr(model, "layers"):
        raise TypeError(f"as_arrays: model must be the lesson's MLP, got {type(model).__name__}")

    def number(v):
        return float(v.grad if gradients else v.data)

    arrays = []
    for layer in model.layers:
        W = np.array([[number(w) for w in neuron.w] for neuron in layer.neurons]).T
        b = np.array([number(neuron.b) for neuron in layer.neurons])
        arrays.append((W, b))
    return arrays


def predict_arrays(weights, P):
    """The network given by ``weights`` (a list of ``(W, b)``, as from :func:`as_arrays`) on a
    whole array of points ``P`` (M × n_in) at once: its logits. ReLU between layers, none
    after the last."""
    P = np.asarray(P, dtype=np.float64)
    for i, (W, b) in enumerate(weights):
        P = P @ W + b
        if i < len(weights) - 1:
            P = np.maximum(P, 0)
    return P


def snapshot(model, X, y, step: int):
    """``(title, predict)`` for :func:`boundary_snapshots`: the scalar MLP as it is now, its
    weights copied, so that further training does not change the picture; the title gives
    the step and the share of the points ``X`` the network classifies right."""
    weights = as_arrays(model)
    accuracy = np.mean(np.argmax(predict_arrays(weights, X), axis=1) == np.asarray(y))

    def predict(P):
        return predict_arrays(weights, P)

    return f"step {step}: {100 * accuracy:.0f} % right", predict


class TrainingView:
    """Loss curve and decision regions of ``train_moons(lr, steps, hidden)``.

    ``update`` retrains from the same initial weights (seeded) and changes the existing
    artists: the loss line, the region image, the title and the message under the figure.
    The loss axis keeps one range, 1e-4 to 1e4, so that runs can be compared by eye (a
    diverging loss leaves it at the top); its length follows ``steps`` in round steps. The
    axes are drawn once (``FastCanvas``) until that length changes. The last ``KEPT``
    finished runs are kept: a slider moved back to a setting shows its run without training.
    """

    LOSS_RANGE = (1e-4, 1e4)
    KEPT = 16

    def __init__(self, lr: float = 0.5, steps: int = 300, hidden: int = 16, grid: int = 120):
        lr, steps, hidden = self._check(lr, steps, hidden)
        self.grid = grid = checks.integer("TrainingView", "grid", grid, low=2, high=1000)
        self.fig = Figure(figsize=(9.0, 3.8), dpi=100)
        self.fig.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.3, wspace=0.28)
        self.ax_loss, self.ax_region = self.fig.subplots(1, 2)
        (self.line,) = self.ax_loss.plot([], [], color=LOSS_COLOR, lw=1.6)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(*self.LOSS_RANGE)
        sparse_log_ticks(self.ax_loss, 9)  # a mark at every power of 10, as the lesson says
        style_axis(
            self.ax_loss, "training loss", "step", "cross-entropy loss (log scale)", grid=False
        )
        self._runs = {}  # (lr, steps, hidden) -> its finished run, the last KEPT of them
        r = keep(self._runs, (lr, steps, hidden), train_moons(lr, steps, hidden), self.KEPT)
        self.image = draw_decision_regions(
            self.ax_region, self._predict(r["model"]), r["X"], r["y"], n=grid
        )
        self.ax_region.legend(
            handles=class_handles(2), loc="lower right", fontsize=8, framealpha=0.8
        )
        self.message = self.fig.text(
            0.08, 0.03, "", fontsize=9.5, va="bottom", family="DejaVu Sans"
        )
        self.ax_region.set_title(" ", fontsize=11)
        self.result = None
        self._show(r)

    def _predict(self, model):
        def predict(P):
            with np.errstate(all="ignore"):
                Z = model.forward(P)
            return np.nan_to_num(Z, nan=0.0, posinf=1e300, neginf=-1e300)

        return predict

    @staticmethod
    def _check(lr, steps, hidden):
        """The settings, checked as train_moons would, but named as this view's."""
        return (
            checks.number("TrainingView", "lr", lr, low=0, low_open=True),
            checks.integer("TrainingView", "steps", steps, low=1, high=10**5),
            checks.integer("TrainingView", "hidden", hidden, low=1, high=1000),
        )

    def update(self, lr: float = 0.5, steps: int = 300, hidden: int = 16):
        settings = self._check(lr, steps, hidden)
        r = self._runs.get(settings) or keep(
            self._runs, settings, train_moons(*settings), self.KEPT
        )
        self._show(r)
        return self.fig

    def updates(self, lr: float = 0.5, steps: int = 300, hidden: int = 16, chunk: int = 100):
        """``update`` a chunk of training at a time: a generator that shows the run so far
        after every ``chunk`` steps and the final result last (``helpers.ui.live``
        shows each, so a slider's new value answers before the whole run is trained)."""
        settings = self._check(lr, steps, hidden)
        if settings in self._runs:  # trained before: its picture at once
            self._show(self._runs[settings])
            yield self.fig
            return
        for r in train_moons_in_chunks(*settings, chunk=chunk):
            self._show(r)
            yield self.fig
        keep(self._runs, settings, r, self.KEPT)  # only a run trained to its end is kept

    def _show(self, r):
        self.result = r
        losses = r["losses"]
        steps = np.arange(len(losses))
        self.line.set_data(steps, losses)
        steps_axis(self.ax_loss, r["steps"], 100)
        pts, _ = grid_over(r["X"], self.grid)
        logits = self._predict(r["model"])(pts)
        self.image.set_data(_region_image(logits, self.grid, 2))
        bad = bool(r["error"]) or losses[-1] > losses[0]
        self.line.set_color(WARN_COLOR if bad else LOSS_COLOR)
        self.ax_region.set_title(
            f"decision regions (width {r['hidden']}, lr {r['lr']:.3g})", fontsize=11
        )
        self.message.set_text(r["message"])
        self.message.set_color(WARN_COLOR if bad else LOSS_COLOR)
        describe(self.fig, self.describe_run(r))
        return self.fig

    @staticmethod
    def describe_run(r) -> str:
        """What the view shows for the run ``r``, in words (its alt text). Only numbers that
        every machine computes alike: a diverged run's last loss swings, so it is not given."""
        losses = r["losses"]
        where = (
            f"Two panels for a network of width {r['hidden']} trained with learning rate "
            f"{r['lr']:.3g} on {len(r['X'])} points of two moons. Left: the training loss "
            "against the step, on a log scale from 0.0001 to 10000. Right: the decision "
            "regions, blue for class 0 and orange for class 1, with the points on top."
        )
        if not r["done"]:
            return f"{where} Training so far: step {len(losses)} of {r['steps']}."
        if r["error"]:
            return (
                f"{where} The run diverged: after {len(losses)} steps the loss became "
                "infinite or not a number, and the run stopped."
            )
        if losses[-1] > losses[0]:
            return (
                f"{where} The run diverged: in {r['steps']} steps the loss goes up from "
                f"{_num(losses[0])} and swings instead of falling; training accuracy "
                f"{100 * r['accuracy']:.0f} %, "
                f"and {100 * r['dead']:.0f} % of the ReLU units are dead."
            )
        return (
            f"{where} The loss falls from {_num(losses[0])} to {_num(losses[-1])} in "
            f"{r['steps']} steps; training accuracy {100 * r['accuracy']:.0f} %."
        )


def confusion_figure(C, title: str = "confusion matrix (test set)") -> Figure:
    """The confusion matrix as a grid of counts; the diagonal (correct) in blue, errors in
    orange."""
    C = np.asarray(C)
    fig = Figure(figsize=(4.6, 4.2), dpi=100, layout="constrained")
    ax = fig.subplots()
    _colour_cells(ax, C)
    _write_counts(ax, C)
    _cell_grid(ax, len(C), title)
    return describe(fig, _describe_confusion(C, title))


def _colour_cells(ax, C):
    """The diagonal's cells in blue, the off-diagonal cells with a count in orange."""
    k = len(C)
    off = C.astype(float).copy()
    np.fill_diagonal(off, np.nan)
    ax.imshow(
        np.where(np.eye(k, dtype=bool), 1.0, np.nan),
        cmap=ListedColormap(["#cfe3f2"]),
        vmin=0,
        vmax=1,
    )
    ax.imshow(np.where(off > 0, 1.0, np.nan), cmap=ListedColormap(["#f6cf9f"]), vmin=0, vmax=1)


def _write_counts(ax, C):
    """Each non-zero count in its cell, the mistakes in bold."""
    for (i, j), n in np.ndenumerate(C):
        if n:
            weight = "bold" if i != j else "normal"
            ax.text(
                j,
                i,
                str(n),
                ha="center",
                va="center",
                fontsize=8,
                color="#222222",
                fontweight=weight,
            )


def _cell_grid(ax, k, title):
    """A tick per digit, white lines between the cells, the title and the axis names."""
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    style_axis(ax, title, "predicted digit", "true digit", grid=False)
    ax.set_xticks(np.arange(k + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(k + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)


def _describe_confusion(C, title: str) -> str:
    """The alt text of ``confusion_figure``: the grid, the count right, the commonest mistakes."""
    k = len(C)
    errors = sorted(
        ((int(C[i, j]), i, j) for i in range(k) for j in range(k) if i != j and C[i, j]),
        key=lambda e: (-e[0], e[1], e[2]),
    )
    listed = ", ".join(
        f"a true {i} guessed as {j}: {n} time{'s' if n > 1 else ''}" for n, i, j in errors[:6]
    )
    more = f", and {len(errors) - 6} more kinds of mistake" if len(errors) > 6 else ""
    return (
        f"A {k} by {k} grid of counts, {title}: the true digit in the rows, the predicted "
        f"digit in the columns. {int(np.trace(C))} of {int(C.sum())} digits are on the "
        "diagonal, guessed right. "
        + (f"The mistakes: {listed}{more}." if errors else "There are no mistakes.")
    )


def misclassified_figure(X, y_true, y_pred, max_shown: int = 12, cols: int = 6) -> Figure:
    """The first ``max_shown`` misclassified digits, each titled "true → predicted"."""
    X, y_true, y_pred = np.asarray(X), np.asarray(y_true), np.asarray(y_pred)
    max_shown = checks.integer("misclassified_figure", "max_shown", max_shown, low=1, high=100)
    cols = checks.integer("misclassified_figure", "cols", cols, low=1, high=50)
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
    n_wrong = np.count_nonzero(y_true != y_pred)
    fig.suptitle(f"misclassified: {n_wrong} of {len(y_true)} (true → predicted)", fontsize=11)
    shown = ", ".join(f"true {y_true[i]} guessed as {y_pred[i]}" for i in wrong)
    return describe(
        fig,
        f"The digits the network gets wrong: {n_wrong} of {len(y_true)}. The first "
        f"{len(wrong)} are drawn as 8 by 8 pixel images, each titled with its true digit and "
        f"the network's guess: {shown}."
        if len(wrong)
        else f"No digit of the {len(y_true)} is misclassified; the picture is empty.",
    )


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
    lines = "; ".join(
        f"{label}, over {len(values)} {xlabel}s, goes from {_num(values[0])} to "
        f"{_num(values[-1])}, lowest {_num(min(values))}"
        for label, values in curves.items()
        if len(values)
    )
    scale = " on a log scale" if log else ""
    return describe(fig, f"A line chart, {title}: the loss{scale} against the {xlabel}. {lines}.")


# -- added with the corrections to the theory (issue 16) --------------------------------


def matrix_product_figure(
    factors, result, title: str = "", cell: float = 0.42, times: str = "·"
) -> Figure:
    """Heat maps of ``factors`` (a list of ``(name, 2-D array)``) followed by ``result``
    (``(name, 2-D array)``), with ``times`` between factors ("·" as in maths, or "@" as in
    NumPy code) and "=" before the result.

    Every panel shares one symmetric colour scale (red positive, blue negative), and every
    entry is written in its cell, so the picture can be read as numbers too.
    """
    panels = _product_panels(factors, result)
    m = max(float(np.max(np.abs(a))) for _, a in panels) or 1.0
    widths = [a.shape[1] for _, a in panels]
    height = max(a.shape[0] for _, a in panels)
    fig = Figure(
        figsize=(cell * (sum(widths) + 1.2 * len(panels)) + 0.4, cell * height + 0.9),
        layout="constrained",
    )
    axes = np.atleast_1d(fig.subplots(1, len(panels), width_ratios=widths))
    for ax, (name, a) in zip(axes, panels):
        _draw_matrix(ax, name, a, m)
    for ax, sign in zip(axes, [times] * (len(panels) - 2) + ["="]):
        _sign_after(ax, sign)
    if title:
        fig.suptitle(title, fontsize=10)
    return describe(fig, _describe_product(panels, title))


def _product_panels(factors, result):
    """``[(name, 2-D float array)]``: the factors, then the result."""
    factors = list(factors)
    if not factors:
        raise ValueError("matrix_product_figure: factors is empty; expected [(name, array)]")
    panels = [(n, np.atleast_2d(np.asarray(a, dtype=float))) for n, a in [*factors, result]]
    for name, a in panels:
        if a.ndim != 2:
            raise ValueError(
                f"matrix_product_figure: {name!r} must be a 2-D array, got shape {a.shape}"
            )
    return panels


def _draw_matrix(ax, name: str, a, m: float):
    """``a`` as a heat map on the scale ±``m``, each entry written in its cell."""
    ax.imshow(a, cmap="RdBu_r", vmin=-m, vmax=m, aspect="equal")
    for (i, j), v in np.ndenumerate(a):
        colour = "white" if abs(v) > 0.6 * m else "black"  # readable on dark cells
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6.5, color=colour)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(name, fontsize=9)


def _sign_after(ax, sign: str):
    """``sign`` ("·", "@" or "=") just right of the panel ``ax``."""
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


def _plain(name: str) -> str:
    """A panel's name for a screen reader: no LaTeX, no shape in brackets."""
    name = re.sub(r"\s*\(\d+\s*×\s*\d+\)$", "", name)
    for tex, words in [
        ("@", "times"),
        (r"^\top", " transposed"),
        (r"\partial ", "d"),
        (r"\partial", "d"),
        (r"_{\tanh}", " of tanh"),
        ("$", ""),
        ("\\", ""),
    ]:
        name = name.replace(tex, words)
    return " ".join(name.split())


def _describe_product(panels, title: str) -> str:
    """The alt text of ``matrix_product_figure``: the product in words, and each matrix's
    entries row by row when they are few enough to read out."""
    *factors, (result, _) = panels
    product = " times ".join(_plain(n) for n, _ in factors)
    parts = [
        f"Colour maps of matrices, red for positive and blue for negative entries, each "
        f"entry written in its square: {product} equals {_plain(result)}."
    ]
    if title:
        parts.append(f"Title: {_plain(title)}.")
    for name, a in panels:
        rows, cols = a.shape
        if a.size <= 16:
            entries = "; ".join(", ".join(_entry(v) for v in row) for row in a)
            parts.append(f"{_plain(name)}, {rows} by {cols}, has the rows {entries}.")
        else:
            parts.append(
                f"{_plain(name)}, {rows} by {cols}, has entries from {_entry(a.min())} to "
                f"{_entry(a.max())}."
            )
    return " ".join(parts)


# -- the gradient as a vector: steepest descent over two weights (issue 14) ----------------


def two_weight_surface(X, y, extent=(-3.0, 5.0, -7.5, 2.5), start=(-2.2, 2.0)) -> Surface:
    """The loss of the smallest classifier of ``X`` (n × 2) with labels ``y`` (0 or 1): one
    neuron without bias, logit ``w1 x1 + w2 x2``, mean cross-entropy (softplus of the signed
    margin), as a :class:`helpers.descent.Surface` of its two weights, so that gradient
    descent on it can be drawn (``helpers.descent.descend``)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or len(y) != len(X) or not np.isin(y, (0, 1)).all():
        raise ValueError(
            "two_weight_surface: expected X of shape (n, 2) and n labels 0 or 1, got X of "
            f"shape {X.shape} and {len(y)} labels"
        )
    s = 2.0 * y - 1.0  # +1 for class 1, -1 for class 0

    def loss(w1, w2):
        margins = s * (np.multiply.outer(w1, X[:, 0]) + np.multiply.outer(w2, X[:, 1]))
        return np.logaddexp(0.0, -margins).mean(axis=-1)

    def grad(w):
        margins = s * (X @ np.asarray(w, dtype=np.float64))
        weight = 0.5 * (1.0 - np.tanh(margins / 2))  # σ(−margin), without overflow
        return -(s * weight) @ X / len(X)

    w1 = np.linspace(extent[0], extent[1], 121)
    w2 = np.linspace(extent[2], extent[3], 121)
    values = loss(*np.meshgrid(w1, w2))
    levels = np.quantile(values, np.linspace(0.02, 0.98, 14))
    best = np.unravel_index(np.argmin(values), values.shape)
    return Surface(
        "one neuron on two moons",
        loss,
        grad,
        tuple(start),
        (float(w1[best[1]]), float(w2[best[0]])),
        tuple(extent),
        levels,
    )


def steepest_descent_figure(X, y, lr: float = 3.0, steps: int = 60, arrows: int = 9) -> Figure:
    """The gradient as a vector: contours of the loss over two weights (``two_weight_surface``),
    the arrows −∇L on a grid (each scaled to one length: only the direction is shown; every
    arrow crosses the contour lines at right angles, the steepest way down), and the path of
    gradient descent ``w ← w − lr ∇L`` from the surface's start."""
    where = "steepest_descent_figure"
    lr = checks.number(where, "lr", lr, low=0, low_open=True)
    steps = checks.integer(where, "steps", steps, low=0, high=10**4)
    arrows = checks.integer(where, "arrows", arrows, low=1, high=50)
    surface = two_weight_surface(X, y)
    path = descend(surface, lr=lr, steps=steps)
    fig = Figure(figsize=(5.6, 4.8), dpi=100, layout="constrained")
    ax = fig.subplots()
    _loss_contours(fig, ax, surface)
    _downhill_arrows(ax, surface, arrows)
    _descent_path(ax, surface, path, f"gradient descent, η = {lr:g}, {steps} steps")
    x0, x1, y0, y1 = surface.extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    style_axis(
        ax, "the gradient of a loss of two weights", "weight $w_1$", "weight $w_2$", grid=False
    )
    ax.legend(fontsize=8.5, loc="lower left", framealpha=0.9)
    return describe(fig, _describe_descent(surface, path, lr, steps))


def _loss_contours(fig, ax, surface: Surface):
    """The contour lines of the loss over the surface's extent, with their colour bar."""
    x0, x1, y0, y1 = surface.extent
    w1, w2 = np.meshgrid(np.linspace(x0, x1, 121), np.linspace(y0, y1, 121))
    contours = ax.contour(
        w1, w2, surface.loss(w1, w2), levels=surface.levels, cmap="viridis", linewidths=1
    )
    fig.colorbar(contours, ax=ax, label="loss L(w₁, w₂)", shrink=0.85, format="%.2f")


def _downhill_arrows(ax, surface: Surface, arrows: int):
    """−∇L on an ``arrows × arrows`` grid, every arrow of one length: the direction alone."""
    x0, x1, y0, y1 = surface.extent
    g1, g2 = np.meshgrid(
        np.linspace(x0, x1, arrows + 2)[1:-1], np.linspace(y0, y1, arrows + 2)[1:-1]
    )
    down = -np.array([surface.grad(w) for w in np.c_[g1.ravel(), g2.ravel()]])
    down /= np.linalg.norm(down, axis=1, keepdims=True)
    ax.quiver(
        g1.ravel(),
        g2.ravel(),
        down[:, 0],
        down[:, 1],
        color="#555555",
        angles="xy",
        scale_units="xy",
        scale=1 / (0.6 * (x1 - x0) / (arrows + 1)),
        width=0.004,
        label="−∇L, the steepest way down",
    )


def _descent_path(ax, surface: Surface, path, label: str):
    """The steps of gradient descent, its start, and the lowest loss of the grid."""
    ax.plot(path[:, 0], path[:, 1], "o-", color=WARN_COLOR, ms=3.5, lw=1.6, label=label)
    ax.plot(*path[0], "s", color=WARN_COLOR, ms=7, ls="", label="start")
    ax.plot(*surface.minimum, "*", color="black", ms=11, label="lowest loss")


def _describe_descent(surface: Surface, path, lr: float, steps: int) -> str:
    """The alt text of ``steepest_descent_figure``: the grid, the walk and where it ends."""
    x0, x1, y0, y1 = surface.extent
    start, end = path[0], path[-1]
    return (
        f"Contour lines of the loss of one neuron over its two weights, w1 from {x0:g} to "
        f"{x1:g} across and w2 from {y0:g} to {y1:g} up, with arrows of the steepest way down "
        "that cross the contour lines at right angles. Gradient descent with learning rate "
        f"{lr:g} walks {steps} steps from w1 = {_num(start[0])}, w2 = {_num(start[1])} to "
        f"w1 = {_num(end[0])}, w2 = {_num(end[1])}; the loss falls from "
        f"{_num(surface.loss(*start))} to {_num(surface.loss(*end))}. The lowest loss on the "
        f"grid is at w1 = {_num(surface.minimum[0])}, w2 = {_num(surface.minimum[1])}."
    )
