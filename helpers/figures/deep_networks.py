"""Figures of lesson 04, deep networks (``notebooks/04_deep_networks.ipynb``).

* ``ZigzagView`` / ``pieces_figure``: the linear pieces of :mod:`helpers.regions`;
* ``transformation_figure``, ``first_layer_figure``, ``top_inputs_figure``,
  ``projection_figure``: what the layers compute (:mod:`helpers.representations`);
* ``PlaygroundView``: the figure of the playground (:mod:`helpers.playground`); its panel of
  controls is :func:`helpers.ui.playground_panel`.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import checks
from ..nn import n_params
from ..playground import Playground
from ..regions import MAX_PIECES, breakpoints, count_pieces, zigzag_network
from ..representations import class_separation, layer_outputs, projection_2d, unit_purity
from .alt import describe
from .canvas import fewer_ticks, freeze_layout
from .style import CLASS_COLORS, CLASS_RGB, FONT, view_figure


class ZigzagView:
    """The zig-zag network's output on [0, 1] with its exact breakpoints, for a depth and a
    width (``update(depth=, width=)``)."""

    def __init__(self, depth: int = 3, width: int = 2, figsize=(7, 2.8), dpi: int = 72):
        self._check(depth, width)
        self.fig = view_figure("ZigzagView", figsize, dpi)
        self.ax = self.fig.subplots()
        (self.line,) = self.ax.plot([], [], color=CLASS_COLORS[0], lw=1.2)
        (self.marks,) = self.ax.plot(
            [],
            [],
            "o",
            color=CLASS_COLORS[1],
            ms=6,
            zorder=3,
            label="kinks (where one piece ends, the next begins)",
        )
        self.ax.legend(fontsize=8, loc="upper center", framealpha=0.9)
        self.ax.set(xlim=(0, 1), ylim=(-0.08, 1.3), xlabel="input x", ylabel="network output")
        self.update(depth=depth, width=width)
        fewer_ticks(self.fig)
        freeze_layout(self.fig)

    @staticmethod
    def _check(depth, width):
        """depth and width as whole numbers, checked (what zigzag_network accepts)."""
        depth = checks.integer("ZigzagView", "depth", depth, low=1, high=1000)
        return depth, checks.integer("ZigzagView", "width", width, low=2, high=1000)

    def update(self, depth: int = 3, width: int = 2):
        depth, width = self._check(depth, width)
        net = zigzag_network(depth, width)
        checks.at_most(
            "ZigzagView",
            f"the number of pieces width**depth = {width}**{depth}",
            float(net[-1].n_in) ** (len(net) // 2),
            MAX_PIECES,
            "choose a smaller depth or width",
        )
        t, slopes = breakpoints(net, 0.0, 1.0)
        self.pieces = count_pieces(net)
        # the function is linear between breakpoints: its values there draw it exactly
        ys = net.forward(t[:, None])[:, 0]
        self.line.set_data(t, ys)
        inner = t[1:-1]
        self.marks.set_data(inner, ys[1:-1])  # a dot on the line at each kink
        self.ax.set_title(
            f"depth {depth}, width {width}: {n_params(net)} parameters, "
            f"{self.pieces} linear pieces",
            fontsize=10,
        )
        describe(
            self.fig,
            f"A line graph of the output of the zig-zag network of depth {depth} and width "
            f"{width} ({n_params(net)} parameters), for the input x from 0 to 1. The line goes "
            f"up and down in {self.pieces} straight pieces between 0 and 1; dots on the line "
            f"mark its {self.pieces - 1} kinks.",
        )
        return self.fig


def pieces_figure(rows, figsize=(9.5, 3.8)) -> Figure:
    """Two panels: linear pieces against parameters for the constructions (left), and for
    random networks of the same shapes (right)."""
    fig = Figure(figsize=figsize, layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharex=True)
    groups = {}
    for kind, _depth, width, params, pieces, rand in rows:
        key = (
            "shallow: 1 layer, width grows"
            if kind == "shallow"
            else f"deep: width {width}, depth grows"
        )
        groups.setdefault(key, []).append((params, pieces, rand))
    for i, (key, pts) in enumerate(groups.items()):
        p, k, r = np.array(pts).T
        style = dict(
            marker="o",
            ms=4,
            lw=1.5,
            label=key,
            color="k" if key.startswith("shallow") else CLASS_COLORS[i % 8],
            ls="--" if key.startswith("shallow") else "-",
        )
        ax1.plot(p, k, **style)
        ax2.plot(p, r, **style)
    ax1.set(
        yscale="log",
        xlabel="parameters",
        ylabel="linear pieces on [0, 1] (log scale)",
        title="constructions: deep (width$^{depth}$ pieces), shallow (width)",
    )
    ax2.set(
        yscale="log",
        xlabel="parameters",
        ylabel="linear pieces on [−1, 1] (log scale)",
        title="random networks, same shapes, mean of 5",
    )
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
    ax1.legend(fontsize=8, loc="upper left")
    ax2.legend(fontsize=8, loc="upper left")
    return describe(fig, _pieces_alt(groups))


def _pieces_alt(groups: dict) -> str:
    """The alt text of ``pieces_figure``: each line's last point, in both panels."""

    def ends(index, fmt):
        return "; ".join(
            f"{key.replace(': ', ', ').split(', depth grows')[0].split(', width grows')[0]}: "
            f"{pts[-1][index]:{fmt}} pieces at {pts[-1][0]} parameters"
            for key, pts in groups.items()
        )

    return (
        "Two panels: the number of linear pieces (log scale) against the number of "
        "parameters, one line per kind of network. Left, the best constructions, at the "
        f"largest size of each line: {ends(1, 'd')}. Right, random networks of the same "
        f"shapes, mean of 5: {ends(2, '.1f')}."
    )


def _grid_lines(extent, n_lines=9, n_pts=60):
    x0, x1, y0, y1 = extent
    lines = []
    for v in np.linspace(x0, x1, n_lines):
        lines.append(np.column_stack([np.full(n_pts, v), np.linspace(y0, y1, n_pts)]))
    for v in np.linspace(y0, y1, n_lines):
        lines.append(np.column_stack([np.linspace(x0, x1, n_pts), np.full(n_pts, v)]))
    return lines


def transformation_figure(model, X, y, ncols: int = 4, size: float = 2.3) -> Figure:
    """The data (and a square grid) drawn after every layer of a 2-unit-wide network.

    The last panel also draws the read-out's decision line ``(w0 − w1)·h + b0 − b1 = 0``:
    after the last layer a straight line separates the classes.
    """
    ncols = checks.integer("transformation_figure", "ncols", ncols, low=1, high=50)
    size = checks.number("transformation_figure", "size", size, low=0, high=10, low_open=True)
    reps = layer_outputs(model, X)
    pad = 0.3
    extent = (X[:, 0].min() - pad, X[:, 0].max() + pad, X[:, 1].min() - pad, X[:, 1].max() + pad)
    grids = [layer_outputs(model, g) for g in _grid_lines(extent)]
    n = len(reps)
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(size * ncols, size * nrows + 0.4), layout="constrained")  # + legend
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    for i, ax in enumerate(axes[:n]):
        _data_after_layer(ax, reps[i], [g[i] for g in grids], y)
        if i == 0:
            _input_frame(ax, extent)
        else:
            _layer_frame(ax, i)
    out = model.layers[-1]
    readout = out.n_out == 2 and reps[-1].shape[1] == 2
    right = _readout_line(axes[n - 1], out, reps[-1], y) if readout else None
    handles = _transformation_handles(y, readout)
    fig.legend(
        handles=handles, loc="outside lower center", ncols=math.ceil(len(handles) / 2), fontsize=8
    )
    return describe(fig, _describe_transformation(n, y, right))


_VERTICAL = {"color": "0.6", "lw": 0.6}  # the grid's vertical lines: light grey, solid
_LEVEL = {"color": "0.25", "lw": 0.6, "ls": (0, (3, 2))}  # its horizontal ones: dark, dashed


def _data_after_layer(ax, rep, lines, y):
    """The points where a layer puts them, coloured by class, and the grid's ``lines``
    (``_grid_lines``' order: the vertical lines first, then the horizontal ones)."""
    for k, g in enumerate(lines):  # drawn over the dots, so that every line can be followed
        style = _VERTICAL if k < len(lines) // 2 else _LEVEL
        ax.plot(g[:, 0], g[:, 1], alpha=0.8, zorder=2.5, **style)
    ax.scatter(rep[:, 0], rep[:, 1], c=np.array(CLASS_COLORS[:5])[y % 5], s=6, zorder=2)


def _input_frame(ax, extent):
    """The first panel's frame: the input plane over the data."""
    ax.set_title("input", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.set(xlim=extent[:2], ylim=extent[2:])
    ax.set_xlabel("input 1", fontsize=8)
    ax.set_ylabel("input 2", fontsize=8)


def _layer_frame(ax, layer: int):
    """The frame of the panel after ``layer``: its two units' outputs, the square [−1, 1]²
    dotted."""
    ax.set_title(f"after layer {layer}", fontsize=9)
    ax.tick_params(labelsize=7)
    # tanh keeps every output between −1 and 1: the dotted square is that range
    ax.plot([-1, 1, 1, -1, -1], [-1, -1, 1, 1, -1], ":", color="0.4", lw=0.8)
    ax.set(xlim=(-1.1, 1.1), ylim=(-1.1, 1.1), xticks=[-1, 0, 1], yticks=[-1, 0, 1])
    ax.set_xlabel("unit 1", fontsize=8)
    ax.set_ylabel("unit 2", fontsize=8, labelpad=0)


def _readout_line(ax, out, h, y) -> float:
    """The read-out ``out``'s decision line ``(w0 − w1)·h + b0 − b1 = 0``, dashed, over the
    last layer's outputs ``h``; returns the share of the points on their class's side."""
    w = out.W.data[:, 1] - out.W.data[:, 0]
    b = out.b.data[1] - out.b.data[0]
    s = np.linspace(-1.05, 1.05, 2)
    if abs(w[1]) > abs(w[0]):
        ax.plot(s, -(b + w[0] * s) / w[1], "k--", lw=1.2, zorder=3)
    else:
        ax.plot(-(b + w[1] * s) / w[0], s, "k--", lw=1.2, zorder=3)
    return float(np.mean((h @ w + b > 0) == (y == 1)))


def _transformation_handles(y, readout: bool) -> list:
    """The legend's entries: the classes, the grid's two directions, tanh's range (and the
    read-out's line)."""
    handles = [
        Line2D([], [], ls="", marker="o", ms=4, color=CLASS_COLORS[c], label=f"class {c}")
        for c in np.unique(y % 5)
    ]
    handles.append(Line2D([], [], **{**_VERTICAL, "lw": 0.8}, label="grid: vertical in the input"))
    handles.append(Line2D([], [], **{**_LEVEL, "lw": 0.8}, label="grid: horizontal in the input"))
    handles.append(Line2D([], [], color="0.4", ls=":", lw=0.8, label="tanh's range [−1, 1]²"))
    if readout:
        handles.append(Line2D([], [], color="k", ls="--", label="read-out's line"))
    return handles


def _describe_transformation(n: int, y, right: float | None) -> str:
    """The alt text of ``transformation_figure`` (``right``: the share of the points on
    their class's side of the read-out's line, None when it is not drawn)."""
    text = (
        f"{n} scatter plots of the {len(y)} data points of {len(np.unique(y))} classes, "
        f"coloured by class: the input plane, then the two unit outputs after each of the "
        f"{n - 1} layers, with the input's square grid carried along as grey lines "
        "(vertical ones light and solid, horizontal ones dark and dashed). After each layer "
        "the points lie inside the square from minus 1 to 1 (tanh's range)."
    )
    if right is None:
        return text
    return (
        f"{text} The last panel also draws the read-out's straight dashed line; "
        f"{right:.0%} of the points lie on the side of their class."
    )


def _favourite(h, y, k: int = 20):
    """The label most common among the ``k`` examples that excite a unit most (its outputs
    ``h``), and its share of them; ``None`` for a unit that is zero on every example."""
    if not np.any(h > 0):
        return None
    top = np.argsort(-h, kind="stable")[: min(k, int(np.count_nonzero(h > 0)))]
    counts = np.bincount(np.asarray(y)[top], minlength=10)
    return int(np.argmax(counts)), float(counts.max() / len(top))


def first_layer_figure(
    model, n: int = 16, ncols: int = 8, size: float = 1.0, X=None, y=None
) -> Figure:
    """The incoming weights of the first ``n`` units of layer 1, each as an 8×8 image, on
    one colour scale with its colour bar.

    With examples ``X`` and labels ``y``, each title names the digit most common among the
    20 examples that excite the unit most (and its share), or says that the unit is dead
    (zero on every example).
    """
    where = "first_layer_figure"
    n = checks.integer(where, "n", n, low=1)  # more than the layer has: all of them
    ncols = checks.integer(where, "ncols", ncols, low=1, high=50)
    size = checks.number(where, "size", size, low=0, high=10, low_open=True)
    W = model.layers[0].W.data
    n = min(n, W.shape[1])
    if X is None:
        favs = None
    else:
        H = layer_outputs(model, X)[1]
        favs = [_favourite(H[:, j], y) for j in range(n)]
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(size * ncols + 0.8, size * nrows + 0.35), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    m = float(np.abs(W[:, :n]).max())
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[n:]:
        ax.set_visible(False)
    for j, ax in enumerate(axes[:n]):
        image = ax.imshow(W[:, j].reshape(8, 8), cmap="RdBu_r", vmin=-m, vmax=m)
        title = f"unit {j}" if favs is None else f"unit {j}: {_favourite_words(favs[j])}"
        ax.set_title(title, fontsize=7)
    fig.colorbar(image, ax=axes.tolist(), shrink=0.8, pad=0.02, label="weight")
    what = "" if favs is None else "; title: the digit most common among its top 20"
    fig.suptitle(
        f"layer-1 weights (red: the pixel excites the unit, blue: inhibits{what})", fontsize=9
    )
    return describe(fig, _describe_first_layer(n, m, favs))


def _favourite_words(fav) -> str:
    """A unit's favourite digit and its share ("3 (85%)"), or "dead"."""
    return "dead" if fav is None else f"{fav[0]} ({fav[1]:.0%})"


def _describe_first_layer(n: int, m: float, favs) -> str:
    """The alt text of ``first_layer_figure``: the images, their scale and (given ``favs``,
    each unit's favourite) the titles."""
    text = (
        f"{n} small 8 by 8 images, the incoming weights of units 0 to {n - 1} of layer 1, "
        f"red for a positive weight and blue for a negative one, on one colour scale from "
        f"minus {m:.2g} to {m:.2g}."
    )
    if favs is None:
        return text
    named = ", ".join(f"unit {j}: {_favourite_words(f)}" for j, f in enumerate(favs))
    return (
        f"{text} Above each image, the digit most common among the 20 test digits that excite "
        f"the unit most, with its share: {named}."
    )


def top_inputs_figure(
    model, X, y, layer: int, units=range(6), k: int = 6, size: float = 0.75
) -> Figure:
    """For some units of hidden layer ``layer`` (1 = first), the ``k`` digits that excite
    them most, side by side, with their labels: what each unit responds to.

    Only digits on which the unit is active are shown; a dead unit (zero on every digit)
    is marked as such instead of showing arbitrary digits. Beside each unit, its purity
    (:func:`helpers.representations.unit_purity` of that unit alone, over its 20 most
    exciting digits), so that the six digits shown are not mistaken for the whole story.
    """
    k = checks.integer("top_inputs_figure", "k", k, low=1, high=100)
    size = checks.number("top_inputs_figure", "size", size, low=0, high=10, low_open=True)
    H = layer_outputs(model, X)[layer]
    units = list(units)
    fig = Figure(figsize=(size * k + 1.1, size * len(units) + 0.45), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(units), 1))
    rows = [_unit_row(ax, H, u, X, y, k) for ax, u in zip(axes, units)]
    fig.suptitle(
        f"layer {layer}: the {k} digits each unit responds to most, with labels\n"
        "(purity: the share of its top 20 digits with their most common label)",
        fontsize=9,
    )
    return describe(
        fig,
        f"Rows of small digit images, one row per unit of hidden layer {layer}: the {k} "
        f"digits that excite the unit most, with their labels. {'; '.join(rows)}.",
    )


def _unit_row(ax, H, u: int, X, y, k: int) -> str:
    """Unit ``u``'s row: the ``k`` digits (of those it is active on) that excite it most,
    labelled, or a note that it is dead; its name and purity on the left. Returns the row
    in words, for the alt text."""
    active = int(np.count_nonzero(H[:, u] > 0))
    top = np.argsort(-H[:, u], kind="stable")[: min(k, active)]
    ax.imshow(_digit_strip(X, top, k), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks(np.arange(len(top)) * 9 + 3.5, [str(int(y[i])) for i in top])
    ax.tick_params(length=0, pad=1, labelsize=8)
    dead = f"dead: zero on all {len(H)} digits"
    if not active:
        ax.text(
            0.5,
            0.5,
            dead,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=8,
            color="darkred",
        )
    ax.set_yticks([])
    column = H[:, u : u + 1]
    purity = unit_purity(column, y, k=20) if np.count_nonzero(column > 0) >= 20 else None
    label = f"unit {u}" if purity is None else f"unit {u}\npurity {purity:.2f}"
    ax.set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
    for side in ax.spines.values():
        side.set_visible(False)
    digits = ", ".join(str(int(y[i])) for i in top) if active else dead.replace(":", ",")
    return label.replace("\n", ", ") + ": " + digits


def _digit_strip(X, top, k: int):
    """The digits ``X[top]`` side by side in one image, a column of NaN between two, room
    for ``k``."""
    strip = np.full((8, k * 9 - 1), np.nan)
    for c, i in enumerate(top):
        strip[:, c * 9 : c * 9 + 8] = X[i].reshape(8, 8)
    return strip


def projection_figure(reps, y, names=None, size: float = 2.4) -> Figure:
    """Each representation projected on its first two principal axes, coloured by class
    (with a legend of the classes), with its class-separation score in the title. Each
    class's digit is also written at the middle of its dots: ten colours cannot all stay
    apart for every colour-vision deficiency (tests/test_palette.py), words can."""
    n = len(reps)
    names = names or ["pixels"] + [f"layer {i}" for i in range(1, n)]
    fig = Figure(figsize=(size * n + 0.7, size + 0.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n))
    cmap = ListedColormap(CLASS_COLORS)
    for ax, H, name in zip(axes, reps, names):
        _projection_panel(ax, H, y, name, cmap)
    classes = np.unique(y)
    handles = [Line2D([], [], ls="", marker="o", ms=4, color=cmap(int(c))) for c in classes]
    fig.legend(
        handles,
        [str(int(c)) for c in classes],
        title="digit",
        fontsize=8,
        title_fontsize=8,
        loc="outside right center",
        handletextpad=0.1,
    )
    scores = [f"{name} {class_separation(H, y):.2f}" for H, name in zip(reps, names)]
    return describe(
        fig,
        f"{n} scatter plots, one per representation ({', '.join(names)}): each of the "
        f"{len(y)} examples is a dot at its position along the two principal directions, "
        f"coloured by its class ({len(classes)} classes), with each class's digit written at "
        f"the middle of its dots. The class separation above each "
        f"panel: {', '.join(scores)}.",
    )


def _projection_panel(ax, H, y, name: str, cmap):
    """``H`` on its first two principal axes, coloured by class, each class's digit at the
    middle of its dots, its separation in the title."""
    P = projection_2d(H)
    ax.scatter(P[:, 0], P[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=9.5, s=4)
    outline = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for c in np.unique(y):  # the class's digit at the middle of its dots
        mx, my = np.median(P[y == c], axis=0)
        ax.text(
            mx,
            my,
            str(int(c)),
            fontsize=9,
            weight="bold",
            ha="center",
            va="center",
            color="#222222",
            path_effects=outline,
        )
    ax.set_title(f"{name}\nseparation {class_separation(H, y):.2f}", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def _mosaic(maps, tile: int, gap: int = 2, max_units: int = 8):
    """Tile the unit maps (layers as columns, units as rows) into one image (NaN = gap);
    each tile scaled by its largest absolute value, so every unit shows its own pattern."""
    cols = max(len(maps), 1)
    rows = max([m.shape[0] for m in maps] + [1])
    img = np.full((rows * (tile + gap) - gap, cols * (tile + gap) - gap), np.nan)
    for j, m in enumerate(maps):
        for i, u in enumerate(m[:max_units]):
            s = np.nanmax(np.abs(u)) if np.all(np.isfinite(u)) else np.nan
            step = max(1, u.shape[0] // tile)
            small = u[::step, ::step][:tile, :tile][::-1]  # row 0 of the image is the top
            img[
                i * (tile + gap) : i * (tile + gap) + small.shape[0],
                j * (tile + gap) : j * (tile + gap) + small.shape[1],
            ] = small / s if s and np.isfinite(s) else 0.0
    return img


#: The playground's decision map: white where the network is unsure (every class 1/k), the
#: predicted class's colour at this strength where it is sure (pale: the points stay visible).
_SURE = 0.45


def decision_rgb(P: np.ndarray) -> np.ndarray:
    """The colours of the playground's decision map for class probabilities ``P`` (rows of
    k probabilities): one meaning per colour — the hue is the predicted class (the colour of
    its points), the strength its probability, from white at 1/k to ``_SURE`` at 1."""
    k = P.shape[-1]
    best = P.argmax(axis=-1)
    sure = (P.max(axis=-1) - 1 / k) / (1 - 1 / k)
    return 1 - (1 - CLASS_RGB[best]) * (_SURE * sure[..., None])


#: The hidden units' map: grey, so that it shares no colour with the classes.
UNIT_CMAP = matplotlib.colors.LinearSegmentedColormap.from_list(
    "unit output", ["#1a1a1a", "#f2f2f2"]
).with_extremes(bad="white")


def _round_125(v: float, up: bool) -> float:
    """The nearest 1, 2 or 5 × 10^k above (``up``) or below the positive number ``v``."""
    e = math.floor(math.log10(v))
    steps = [m * 10.0**k for k in (e - 1, e, e + 1) for m in (1, 2, 5)]
    if up:
        return min(t for t in steps if t >= v * (1 - 1e-9))
    return max(t for t in steps if t <= v * (1 + 1e-9))


def _round_log_limits(values: np.ndarray, floor: float = 1e-4) -> tuple[float, float]:
    """The log-axis limits 1, 2 or 5 × 10^k just outside the positive ``values`` (at least
    ``floor``): a loss axis that fits its run and moves only in these steps."""
    lo = _round_125(max(float(values.min()), floor), up=False)
    hi = _round_125(float(values.max()), up=True)
    return lo, hi if hi > lo else 2 * lo


class PlaygroundView:
    """Decision regions with the data (left), the hidden units (middle), the losses (right).

    Each map has a colour bar. The decision map's colours are the classes' (the colours of
    the points), their strength the probability of the predicted class; the units' map is
    grey (dark: negative output, light: positive, each unit scaled by its largest |value|).
    The loss axis is logarithmic and fits its run: its limits are the 1-2-5 steps just
    outside the losses, its steps double as the run grows.

    ``update()`` reads the playground's current state and changes the existing artists: its
    picture is a function of that state.
    """

    def __init__(
        self,
        playground: Playground | None = None,
        res: int = 48,
        tile: int = 24,
        figsize=(10, 4.3),
        dpi: int = 96,
    ):
        where = "PlaygroundView"
        if playground is not None and not isinstance(playground, Playground):
            raise TypeError(
                f"{where}: playground must be a Playground, got {checks.got(playground)}"
            )
        res = checks.integer(where, "res", res, low=4, high=400)
        tile = checks.integer(where, "tile", tile, low=4, high=200)
        self.res, self.tile = res, tile
        self.fig = view_figure(where, figsize, dpi)
        self.pg = playground or Playground()
        axes = self.fig.subplot_mosaic(
            [["data", "units", "loss"], ["data_bar", "units_bar", "loss"]],
            width_ratios=[1.15, 0.8, 1.0],
            height_ratios=[1, 0.1],
        )
        self.ax, self.ax_units, self.ax_loss = axes["data"], axes["units"], axes["loss"]
        self.ax_bar, self.ax_units_bar = axes["data_bar"], axes["units_bar"]
        self._data_panel(res)
        self._data_bar()
        self._units_panel()
        self._loss_panel()
        self._data_version = None
        self._mosaic_shape = None
        self.update()
        fewer_ticks(self.fig, 4)
        freeze_layout(self.fig)

    def _data_panel(self, res: int):
        """The decision map with the training and test points, and a message over it."""
        self.regions = self.ax.imshow(  # over the axes' tick marks (zorder 1.5): a new map
            np.zeros((res, res, 3)),  # leaves the axes as drawn
            origin="lower",
            aspect="auto",
            interpolation="bilinear",
            zorder=1.6,
        )
        # training points: small filled dots with a thin white edge (a black edge hides their
        # class colour); test points: big hollow rings with a thick edge in the
        # class colour, so the two read apart on every background
        self.train_pts = self.ax.scatter([], [], s=34, edgecolors="white", linewidths=0.5, zorder=2)
        self.test_pts = self.ax.scatter([], [], s=70, facecolors="none", linewidths=2.0, zorder=2)
        self.message = self.ax.text(
            0.5,
            0.5,
            "",
            transform=self.ax.transAxes,
            ha="center",
            va="center",
            fontsize=FONT["label"],
            color="darkred",
            wrap=True,
            bbox=dict(facecolor="white", alpha=0.9, edgecolor="darkred"),
        )
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        self.ax.set_xlabel(
            "small dots: training points; big rings: test points", fontsize=FONT["label"]
        )

    def _data_bar(self):
        """The decision map's colour bar: one row per class, from unsure (1/k) to sure (1);
        drawn for each number of classes (_draw_bar)."""
        self.bar = self.ax_bar.imshow(
            np.ones((2, 2, 3)), aspect="auto", interpolation="nearest", origin="lower"
        )
        self.ax_bar.set_yticks([])
        self.ax_bar.set_xlabel(
            "colour: predicted class; strength: its probability", fontsize=FONT["label"]
        )
        self.ax_bar.tick_params(labelsize=FONT["tick"])

    def _units_panel(self):
        """The hidden units' grey maps, without frame or ticks; their colour bar."""
        self.units_img = self.ax_units.imshow(
            np.zeros((2, 2)),
            cmap=UNIT_CMAP,
            vmin=-1,
            vmax=1,
            interpolation="nearest",
            aspect="equal",
        )
        self.ax_units.set_xticks([])
        self.ax_units.set_yticks([])
        for side in self.ax_units.spines.values():
            side.set_visible(False)
        units_bar = self.fig.colorbar(
            self.units_img, cax=self.ax_units_bar, orientation="horizontal", ticks=[-1, 0, 1]
        )
        units_bar.set_label("unit output ÷ its largest |value|", fontsize=FONT["label"])
        self.ax_units_bar.tick_params(labelsize=FONT["tick"])

    def _loss_panel(self):
        """The training and test losses on a log axis in 1-2-5 steps."""
        (self.train_line,) = self.ax_loss.plot([], [], color="k", lw=1.5, label="train")
        # dashed, not coloured: the colours of this figure are the classes'
        (self.test_line,) = self.ax_loss.plot([], [], color="k", lw=1.5, ls="--", label="test")
        self.ax_loss.set(yscale="log")
        self.ax_loss.set_xlabel("step", fontsize=FONT["label"])
        self.ax_loss.set_ylabel("cross-entropy loss (log scale)", fontsize=FONT["label"])
        self.ax_loss.tick_params(labelsize=FONT["tick"])
        self.ax_loss.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1, 2, 5)))
        self.ax_loss.yaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}")
        )
        self.ax_loss.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        self.ax_loss.grid(True, alpha=0.3)
        self.ax_loss.legend(fontsize=FONT["label"], loc="upper right")

    def _draw_data(self):
        pg = self.pg
        if (*self.ax.get_xlim(), *self.ax.get_ylim()) != tuple(pg.extent):  # a new range
            self.regions.set_extent(pg.extent)
            self.ax.set(xlim=pg.extent[:2], ylim=pg.extent[2:])
        self.train_pts.set_offsets(pg.Xtr)
        self.train_pts.set_facecolors(CLASS_RGB[pg.ytr % len(CLASS_RGB)])
        self.test_pts.set_offsets(pg.Xte)
        self.test_pts.set_edgecolors(CLASS_RGB[pg.yte % len(CLASS_RGB)])
        self.G = pg.grid(self.res)
        if self.ax_bar.get_ylim() != (0, pg.n_classes):  # a new number of classes
            self._draw_bar(pg.n_classes)

    def _draw_bar(self, k: int):
        """The colour bar of the decision map for ``k`` classes: row c is class c, predicted
        with probability 1/k (left) to 1 (right), the others sharing the rest equally."""
        sure = np.linspace(1 / k, 1, 64)
        P = np.repeat(((1 - sure) / (k - 1))[None, :, None], k, axis=0).repeat(k, axis=2)
        P[np.arange(k), :, np.arange(k)] = sure
        self.bar.set_data(decision_rgb(P))
        self.bar.set_extent((1 / k, 1, 0, k))
        self.ax_bar.set(xlim=(1 / k, 1), ylim=(0, k))
        self.ax_bar.set_xticks([1 / k, 1], [f"1/{k}", "1"])

    def update(self, **settings):
        """Apply ``settings`` (if any) to the playground, then redraw from its state."""
        pg = self.pg
        if settings:
            pg.set(**settings)
        version = pg.data_version
        if version != self._data_version:
            self._draw_data()
            self._data_version = version
        res = self.res
        P = pg.probabilities(self.G)
        # a network blown up gives probabilities that are not finite: those points show as
        # unsure (white), so that the picture is a function of the playground's state alone
        P = np.where(np.isfinite(P).all(axis=-1, keepdims=True), P, 1 / P.shape[-1])
        self.regions.set_data(decision_rgb(P).reshape(res, res, 3))
        maps = pg.hidden_maps(self.G, res)
        self._draw_units(maps)
        xmax, ylim = self._draw_losses()
        title = f"data set: {pg.config.dataset}"
        if self.ax.get_title() != title:
            self.ax.set_title(title, fontsize=FONT["title"])
        if self.ax_loss.get_xlim() != (0, xmax) or self.ax_loss.get_ylim() != ylim:
            self.ax_loss.set(xlim=(0, xmax), ylim=ylim)
        self._warn()
        describe(self.fig, self._alt(maps))
        return self.fig

    def _draw_units(self, maps):
        """The hidden units' ``maps`` as one grey mosaic, titled with the architecture."""
        mosaic = _mosaic(maps, self.tile)
        self.units_img.set_data(mosaic)
        if mosaic.shape != self._mosaic_shape:
            self._mosaic_shape = rows, cols = mosaic.shape
            self.units_img.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
            self.ax_units.set(xlim=(-0.5, cols - 0.5), ylim=(rows - 0.5, -0.5))
        c = self.pg.config
        title = f"{c.hidden_layers} hidden layers × {c.units} units" if maps else "no hidden layer"
        if self.ax_units.get_title() != title:
            self.ax_units.set_title(title, fontsize=FONT["title"])

    def _draw_losses(self) -> tuple:
        """The training and test losses against the step; returns the loss axis' limits
        ``(xmax, ylim)``, in round steps so that they (and the cached background) rarely
        change: the steps 100, 200, 500, 1000, ... (a run fills at least 40 % of its axis,
        and 500 steps end at 500), the losses in the 1-2-5 steps of a log scale."""
        h = np.array(self.pg.history, dtype=float)
        self.train_line.set_data(h[:, 0], h[:, 1])
        self.test_line.set_data(h[:, 0], h[:, 2])
        finite = h[:, 1:][np.isfinite(h[:, 1:]) & (h[:, 1:] > 0)]
        xmax = round(_round_125(max(h[-1, 0], 100), up=True))
        return xmax, _round_log_limits(finite) if finite.size else (0.1, 1.0)

    def _warn(self):
        """A message over the decision map when training diverged or a whole layer died."""
        pg = self.pg
        if pg.diverged:
            self.message.set_text(
                "Training diverged:\nthe loss blew up.\nLower the learning rate\nand press reset."
            )
        elif pg.warning:
            self.message.set_text(
                "Dead ReLUs: a whole layer\noutputs 0. Lower the\nlearning rate and reset."
            )
        self.message.set_visible(bool(pg.diverged or pg.warning))

    def _alt(self, maps) -> str:
        """The alt text: the settings and the numbers of the playground's current state."""
        pg, c = self.pg, self.pg.config
        step, train, test = pg.history[-1]
        units = (
            f"{c.hidden_layers} hidden layers of {c.units} {c.activation} units, each unit's "
            "output drawn as a small grey map of the plane"
            if maps
            else "no hidden layer"
        )
        text = (
            f"Three panels of the playground after {step} training steps. Left: the "
            f"{c.dataset} data, {pg.n_classes} classes, {len(pg.ytr)} training points as small "
            f"dots and {len(pg.yte)} test points as rings, on the plane coloured by the class "
            f"the network predicts. Middle: {units}. Right: the training and test loss (log "
            f"scale) against the step, now {train:.3f} and {test:.3f}; test accuracy "
            f"{pg.accuracy('test'):.0%}."
        )
        if pg.diverged:
            text += " A message says that training diverged: lower the learning rate and reset."
        elif pg.warning:
            text += " A message warns of dead ReLUs: lower the learning rate and reset."
        return text

    def caption(self) -> str:
        """The numbers of the current state (the panel shows them under the figure: text
        that changes at every step is cheaper there than drawn in the figure)."""
        pg = self.pg
        step, train, test = pg.history[-1]
        return (
            f"step {step}: loss train {train:.3f}, test {test:.3f}; accuracy train "
            f"{pg.accuracy('train'):.0%}, test {pg.accuracy('test'):.0%}"
        )


# -- added with the corrections to the theory (issue 16) --------------------------------


def generalisation_figure(runs: dict, size=(4.6, 3.3)) -> Figure:
    """One panel per run: the training loss and the validation loss against the step, and a
    dashed vertical line at the step with the lowest validation loss.

    ``runs`` maps a title to a result of :func:`helpers.generalisation.train_with_validation`
    (a dict with ``"train"``, ``"val"`` and ``"best_step"``).
    """
    if not runs:
        raise ValueError("generalisation_figure: runs is empty; expected {title: result}")
    fig = Figure(figsize=(size[0] * len(runs), size[1]), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(runs), sharey=True))
    for ax, (title, r) in zip(axes, runs.items()):
        missing = {"train", "val", "best_step"} - set(r)
        if missing:
            raise ValueError(f"generalisation_figure: run {title!r} lacks {sorted(missing)}")
        steps = np.arange(len(r["train"]))
        ax.plot(steps, r["train"], color=CLASS_COLORS[0], lw=1.5, label="training loss")
        ax.plot(steps, r["val"], color=CLASS_COLORS[1], lw=1.5, label="validation loss")
        ax.axvline(
            r["best_step"],
            color="k",
            ls="--",
            lw=1,
            label="lowest validation loss\n(early stopping keeps this step)",
        )
        ax.set(title=title, xlabel="step", ylim=(0, None))
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("cross-entropy")
    axes[0].legend(fontsize=8, loc="upper right")
    return describe(fig, _generalisation_alt(runs))


def _when(step: int, steps: int) -> str:
    """Where a step lies in a run of ``steps``, in words (coarse: stable on every CPU)."""
    share = step / max(steps - 1, 1)
    return "early" if share < 1 / 3 else "midway" if share < 2 / 3 else "late"


def _generalisation_alt(runs: dict) -> str:
    """The alt text of ``generalisation_figure``: each run's losses, start and end."""
    parts = []
    for title, r in runs.items():
        val, n = np.asarray(r["val"], dtype=float), len(r["val"])
        parts.append(
            f"{title}: the training loss falls from {r['train'][0]:.2f} to "
            f"{r['train'][-1]:.2f}; the validation loss is lowest, {val.min():.2f}, "
            f"{_when(int(r['best_step']), n)} in the run (the dashed line), and ends at "
            f"{val[-1]:.2f}"
        )
    graphs = "A line graph" if len(runs) == 1 else f"{len(runs)} line graphs"
    each = "" if len(runs) == 1 else ", one per run"
    return (
        f"{graphs} of the cross-entropy loss against the step, 0 to "
        f"{len(next(iter(runs.values()))['val']) - 1}{each}, with the training loss and "
        f"the validation loss. {'. '.join(parts)}."
    )


def approximation_figure(
    f, nets: dict, a: float, b: float, size=(3.0, 2.6), points: int = 401
) -> Figure:
    """One panel per network: the function ``f`` (dashed) and the network's output on
    [a, b]. ``nets`` maps a title (e.g. ``"8 units"``) to a one-input, one-output model."""
    if not nets:
        raise ValueError("approximation_figure: nets is empty; expected {title: model}")
    a, b = checks.interval("approximation_figure", a, b)
    points = checks.integer("approximation_figure", "points", points, low=2, high=10**6)
    xs = np.linspace(a, b, points)
    fig = Figure(figsize=(size[0] * len(nets), size[1]), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(nets), sharey=True))
    gaps = []
    for ax, (title, net) in zip(axes, nets.items()):
        out = net.forward(xs[:, None])[:, 0]
        ax.plot(xs, f(xs), color="k", ls="--", lw=1, label="target")
        ax.plot(xs, out, color=CLASS_COLORS[0], lw=1.5, label="one hidden layer")
        ax.set(title=title, xlabel="x")
        ax.grid(True, alpha=0.3)
        gaps.append(f"{title}: {float(np.max(np.abs(out - f(xs)))):.2g}")
    axes[0].legend(fontsize=8, loc="upper center")
    text = (
        f"{len(nets)} line graphs, one per network, for x from {a:.3g} to {b:.3g}: the target "
        "function as a dashed line and the output of a network with one hidden layer as a "
        f"solid line. The largest gap between them: {', '.join(gaps)}."
    )
    return describe(fig, text)
