"""Deep networks: what depth buys (notebook 04) and how to train many layers (notebook 05).

Everything here is built from the layers of :mod:`helpers.nn`:

* counting the linear pieces of a ReLU network along a line, exactly (depth against width);
* a narrow network's layers as transformations of the plane;
* features of a network trained on the digits, layer by layer;
* deep plain networks: the signal and the gradient of every layer, as the initialisation
  scale changes (vanishing and exploding gradients);
* :class:`Residual`, ``y = x + f(x)``, and the same 100-layer network with and without skips.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from . import nn, optim
from .plots import FastCanvas, fewer_ticks, freeze_layout, sparse_log_ticks

__all__ = [
    "Residual", "linear_layers", "n_params", "breakpoints", "count_pieces",
    "zigzag_network", "pieces_table", "pieces_figure", "ZigzagView", "unit_purity",
    "train", "narrow_network", "layer_outputs", "transformation_figure",
    "digits_network", "hidden_activations", "class_separation", "first_layer_figure",
    "top_inputs_figure", "projection_figure",
    "ACTIVATIONS", "plain_network", "deep_network", "gradient_norms", "signal_stds",
    "GradientNormView", "init_table", "compare_residual", "residual_figure",
]

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


# ================================================================ residual connections

class Residual(nn.Module):
    """A skip connection around ``block``: ``y = x + scale · block(x)``.

    The chain rule through a sum: ``dx = dy + scale · block.backward(dy)`` — the gradient
    reaches ``x`` directly (the ``dy`` term) *and* through the block. However small the
    block's own gradient, the identity path passes ``dy`` on unchanged.

    ``scale`` is a fixed multiplier of the branch (1 by default). Without normalisation
    layers, each block adds its branch's variance to the signal's; a stack of L blocks
    with ``scale = 1/√L`` lets the variance grow at most by a factor of about e instead of
    exponentially (as in "SkipInit", De & Smith 2020).
    """

    def __init__(self, block: nn.Module, scale: float = 1.0):
        if not isinstance(block, nn.Module):
            raise TypeError(f"Residual: block must be a helpers.nn layer, got "
                            f"{type(block).__name__}")
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(f"Residual: scale must be a positive number, got {scale!r}")
        self.block = block
        self.scale = float(scale)
        self.name = "Residual"

    def _set_name(self, name: str) -> None:
        self.name = name
        self.block._set_name(f"{name}.block")
        if isinstance(self.block, nn.Sequential):          # keep unique parameter names
            for i, layer in enumerate(self.block.layers):
                layer._set_name(f"{name}.{type(layer).__name__}{i}")

    def forward(self, X):
        Y = self.block.forward(X)
        if Y.shape != np.shape(X):
            raise nn.ShapeError(f"{self.name}: the block maps shape {np.shape(X)} to "
                                f"{Y.shape}; a skip connection needs them equal")
        return X + self.scale * Y if self.scale != 1.0 else X + Y

    def backward(self, dY, input_grad: bool = True):
        if self.scale != 1.0:
            return dY + self.block.backward(self.scale * dY)
        return dY + self.block.backward(dY)

    def parameters(self):
        return self.block.parameters()

    def __repr__(self):
        extra = f", scale={self.scale:g}" if self.scale != 1.0 else ""
        return f"Residual({self.block!r}{extra})"


# ================================================================ pieces on a line

def linear_layers(model) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    """``[(W, b, relu_after), ...]`` for a Sequential of Linear and ReLU layers."""
    layers = model.layers if isinstance(model, nn.Sequential) else list(model)
    out = []
    for i, layer in enumerate(layers):
        if isinstance(layer, nn.Linear):
            out.append([layer.W.data, layer.b.data, False])
        elif isinstance(layer, nn.ReLU):
            if not out or out[-1][2]:
                raise ValueError(f"layer {i}: a ReLU must follow a Linear layer")
            out[-1][2] = True
        else:
            raise TypeError(f"layer {i}: piece counting handles Linear and ReLU layers, "
                            f"got {type(layer).__name__}")
    return [tuple(o) for o in out]


def n_params(model) -> int:
    """The number of trainable numbers in a model."""
    return int(sum(p.data.size for p in model.parameters()))


def breakpoints(model, x0=0.0, x1=1.0, tol: float = 1e-12):
    """Where a ReLU network, restricted to the segment from ``x0`` to ``x1``, changes slope.

    The input is ``x(t) = x0 + t (x1 − x0)`` for t in [0, 1]. On an interval where no unit
    switches, every pre-activation is *affine* in t: ``a + b t``. Layer by layer, each unit's
    zero ``t = −a/b`` inside an interval splits it; on each piece the ReLU either passes the
    unit (``a + b t``) or zeroes it. No sampling: the intervals are exact up to rounding.

    Returns ``(t, slopes)``: the sorted interval ends ``t`` (``t[0] = 0``, ``t[-1] = 1``) and the
    slope ``d output / dt`` on each of the ``len(t) − 1`` intervals (shape ``(pieces, out)``).
    """
    x0 = np.atleast_1d(np.asarray(x0, dtype=float))
    x1 = np.atleast_1d(np.asarray(x1, dtype=float))
    if x0.shape != x1.shape or x0.ndim != 1:
        raise ValueError(f"x0, x1: got shapes {x0.shape} and {x1.shape}, expected two "
                         "points of the same dimension")
    t = np.array([0.0, 1.0])
    A, B = x0[None, :], (x1 - x0)[None, :]            # value a + b t on each interval
    for W, b, relu in linear_layers(model):
        if W.shape[0] != A.shape[1]:
            raise ValueError(f"a layer expects {W.shape[0]} inputs, the line has "
                             f"{A.shape[1]} coordinates")
        A, B = A @ W + b, B @ W
        if not relu:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            roots = -A / B                                   # each unit's zero, per interval
        lo, hi = t[:-1, None], t[1:, None]
        inside = np.isfinite(roots) & (roots > lo + tol) & (roots < hi - tol)
        starts = np.unique(np.concatenate([t[:-1], roots[inside]]))
        parent = np.searchsorted(t, starts, side="right") - 1   # the interval each lies in
        t = np.append(starts, 1.0)
        mids = 0.5 * (t[:-1] + t[1:])
        A, B = A[parent], B[parent]
        on = (A + mids[:, None] * B) > 0                  # the unit's sign on each piece
        A, B = A * on, B * on
    return t, B


def count_pieces(model, x0=0.0, x1=1.0, regions: bool = False) -> int:
    """The number of linear pieces of the network's output on the segment ``x0``–``x1``.

    Adjacent intervals with the same slope are one piece; ``regions=True`` counts the
    activation regions instead (intervals where the set of active units is constant), an
    upper bound.
    """
    t, slopes = breakpoints(model, x0, x1)
    if regions:
        return len(t) - 1
    scale = max(float(np.max(np.abs(slopes))), 1e-300)
    same = np.all(np.isclose(slopes[1:], slopes[:-1], rtol=1e-9, atol=1e-9 * scale), axis=1)
    return int(1 + np.count_nonzero(~same))


def zigzag_network(depth: int, width: int = 2) -> nn.Sequential:
    """The sawtooth construction: ``depth`` hidden ReLU layers of ``width`` units.

    One layer computes the zig-zag map ``g(x) = Σ_k c_k relu(x − k/width)`` with slopes
    ``+w, −w, +w, …``: it sweeps [0, 1] onto [0, 1] ``width`` times. Composing it ``depth``
    times gives ``width**depth`` linear pieces on [0, 1], from only about
    ``depth · width²`` parameters.
    """
    if int(depth) != depth or depth < 1:
        raise ValueError(f"depth: got {depth!r}, expected an integer >= 1")
    if int(width) != width or width < 2:
        raise ValueError(f"width: got {width!r}, expected an integer >= 2")
    w = int(width)
    c = np.array([w] + [2 * w * (-1) ** k for k in range(1, w)], dtype=float)
    shifts = -np.arange(w) / w
    layers = []
    for d in range(int(depth)):
        lin = nn.Linear(1 if d == 0 else w, w)
        lin.W.data[...] = 1.0 if d == 0 else np.outer(c, np.ones(w))
        lin.b.data[...] = shifts
        layers += [lin, nn.ReLU()]
    out = nn.Linear(w, 1)
    out.W.data[:, 0] = c
    out.b.data[...] = 0.0
    return nn.Sequential(*layers, out)


class ZigzagView:
    """The zig-zag network's output on [0, 1] with its exact breakpoints, for a depth and a
    width (``update(depth=, width=)``)."""

    def __init__(self, depth: int = 3, width: int = 2, figsize=(7, 2.8), dpi: int = 72):
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FastCanvas(self.fig)   # a canvas that renders to PNG quickly
        self.ax = self.fig.subplots()
        (self.line,) = self.ax.plot([], [], color="C0", lw=1.2)
        (self.marks,) = self.ax.plot([], [], "|", color="C3", ms=8)
        self.ax.set(xlim=(0, 1), ylim=(-0.08, 1.08), xlabel="input x",
                    ylabel="network output")
        self.update(depth=depth, width=width)
        fewer_ticks(self.fig)
        self.fig.canvas.set_animated([self.line, self.marks, self.ax.title])
        freeze_layout(self.fig)

    def update(self, depth: int = 3, width: int = 2):
        net = zigzag_network(depth, width)
        t, slopes = breakpoints(net, 0.0, 1.0)
        self.pieces = count_pieces(net)
        # the function is linear between breakpoints: its values there draw it exactly
        ys = net.forward(t[:, None])[:, 0]
        self.line.set_data(t, ys)
        inner = t[1:-1]
        self.marks.set_data(inner, np.full(inner.shape, -0.04))
        self.ax.set_title(f"depth {depth}, width {width}: {n_params(net)} parameters, "
                          f"{self.pieces} linear pieces", fontsize=10)
        return self.fig


def unit_purity(H, y, k: int = 20) -> float:
    """How class-specific the units of a representation are: for each unit that is active on
    at least ``k`` examples, the fraction of its ``k`` most exciting examples that share their
    most common label; averaged over those units (1 = every unit responds to one class)."""
    scores = []
    for u in range(H.shape[1]):
        if np.count_nonzero(H[:, u] > 0) < k:
            continue
        top = np.argsort(-H[:, u], kind="stable")[:k]
        scores.append(np.bincount(y[top]).max() / k)
    return float(np.mean(scores)) if scores else float("nan")


def _random_relu_net(depth, width, seed):
    rng = np.random.default_rng(seed)
    layers = []
    for d in range(depth):
        layers += [nn.Linear(1 if d == 0 else width, width, init="he", rng=rng), nn.ReLU()]
        layers[-2].b.data[...] = rng.normal(0, 0.5, width)
    return nn.Sequential(*layers, nn.Linear(width, 1, init="he", rng=rng))


def pieces_table(widths=(2, 3, 4), max_params: int = 120, max_pieces: int = 3000,
                 seeds=range(5)):
    """Pieces against parameter count: deep zig-zags and shallow (one-layer) networks.

    Returns rows ``(kind, depth, width, params, pieces, random_pieces)``: ``pieces`` is the
    exact count for the constructed network, ``random_pieces`` the mean exact count for He-
    initialised networks of the same shape (on the segment [−1, 1]) over ``seeds``.
    """
    rows = []

    def add(kind, depth, width):
        net = zigzag_network(depth, width)
        rand = np.mean([count_pieces(_random_relu_net(depth, width, s), -1.0, 1.0)
                        for s in seeds])
        rows.append((kind, depth, width, n_params(net), count_pieces(net), float(rand)))

    for w in widths:
        depth = 1
        while (n_params(zigzag_network(depth, w)) <= max_params
               and w ** depth <= max_pieces):
            add("deep", depth, w)
            depth += 1
    width = 2
    while n_params(zigzag_network(1, width)) <= max_params:
        add("shallow", 1, width)
        width += 4 if width > 6 else 2
    return rows


def pieces_figure(rows, figsize=(9.5, 3.8)) -> Figure:
    """Two panels: linear pieces against parameters for the constructions (left), and for
    random networks of the same shapes (right)."""
    fig = Figure(figsize=figsize, layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharex=True)
    groups = {}
    for kind, _depth, width, params, pieces, rand in rows:
        key = ("shallow: 1 layer, width grows" if kind == "shallow"
               else f"deep: width {width}, depth grows")
        groups.setdefault(key, []).append((params, pieces, rand))
    for i, (key, pts) in enumerate(groups.items()):
        p, k, r = np.array(pts).T
        style = dict(marker="o", ms=4, lw=1.5, label=key,
                     color="k" if key.startswith("shallow") else f"C{i}",
                     ls="--" if key.startswith("shallow") else "-")
        ax1.plot(p, k, **style)
        ax2.plot(p, r, **style)
    ax1.set(yscale="log", xlabel="parameters", ylabel="linear pieces on [0, 1]",
            title="best constructions: width$^{depth}$ vs width")
    ax2.set(yscale="log", xlabel="parameters", ylabel="linear pieces on [−1, 1]",
            title="random (He) networks, mean of 5")
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
    ax1.legend(fontsize=8, loc="upper left")
    return fig


# ================================================================ training (small, full-batch)

def train(model, X, y, steps: int = 200, lr: float = 0.1, momentum: float = 0.9,
          batch: int | None = None, seed: int = 0, loss_fn=None, weight_decay: float = 0.0):
    """Train with SGD on softmax cross-entropy; return the list of losses (one per step).

    Stops early, returning the losses so far, if the loss or a gradient stops being finite.
    """
    loss_fn = loss_fn or nn.SoftmaxCrossEntropy()
    opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(int(steps)):
        idx = slice(None) if batch is None else rng.choice(len(X), batch, replace=False)
        try:
            opt.zero_grad()
            with np.errstate(over="ignore", invalid="ignore"):   # NonFiniteError says it
                losses.append(loss_fn.forward(model.forward(X[idx]), y[idx]))
                model.backward(loss_fn.backward(), input_grad=False)
            opt.step()
        except nn.NonFiniteError:
            break
    return losses


# ================================================================ a layer transforms space

def narrow_network(depth: int = 6, width: int = 2, n_in: int = 2, n_out: int = 2,
                   seed: int = 0) -> nn.Sequential:
    """``depth`` tanh layers of ``width`` units, then a linear read-out: a net we can draw."""
    rng = np.random.default_rng(seed)
    layers = []
    for d in range(depth):
        layers += [nn.Linear(n_in if d == 0 else width, width, init="xavier", rng=rng),
                   nn.Tanh()]
    return nn.Sequential(*layers, nn.Linear(width, n_out, init="xavier", rng=rng))


def layer_outputs(model, X) -> list[np.ndarray]:
    """The input and the output of every activation layer (the hidden representations)."""
    outs = [np.asarray(X)]
    H = outs[0]
    for layer in model.layers:
        H = layer.forward(H)
        if not isinstance(layer, nn.Linear):
            outs.append(H)
    return outs


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
    reps = layer_outputs(model, X)
    pad = 0.3
    extent = (X[:, 0].min() - pad, X[:, 0].max() + pad, X[:, 1].min() - pad, X[:, 1].max() + pad)
    grids = [layer_outputs(model, g) for g in _grid_lines(extent)]
    n = len(reps)
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(size * ncols, size * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    colors = np.array(["C0", "C1", "C2", "C3", "C4"])
    for i, ax in enumerate(axes):
        if i >= n:
            ax.set_visible(False)
            continue
        for g in grids:
            ax.plot(g[i][:, 0], g[i][:, 1], color="0.8", lw=0.6, zorder=1)
        ax.scatter(reps[i][:, 0], reps[i][:, 1], c=colors[y % 5], s=6, zorder=2)
        ax.set_title("input" if i == 0 else f"after layer {i}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        if i == 0:
            ax.set(xlim=extent[:2], ylim=extent[2:])
        else:
            ax.set(xlim=(-1.05, 1.05), ylim=(-1.05, 1.05))
    out = model.layers[-1]
    if out.n_out == 2 and reps[-1].shape[1] == 2:
        w = out.W.data[:, 1] - out.W.data[:, 0]
        b = out.b.data[1] - out.b.data[0]
        ax = axes[n - 1]
        s = np.linspace(-1.05, 1.05, 2)
        if abs(w[1]) > abs(w[0]):
            ax.plot(s, -(b + w[0] * s) / w[1], "k--", lw=1.2, zorder=3)
        else:
            ax.plot(-(b + w[1] * s) / w[0], s, "k--", lw=1.2, zorder=3)
    return fig


# ================================================================ features on the digits

def digits_network(widths=(32, 16, 16), seed: int = 0,
                   first_scale: float = 0.1) -> nn.Sequential:
    """A ReLU network 64 → widths… → 10 for the 8×8 digits.

    The first layer starts with He weights times ``first_scale``: the border pixels of the
    digits are always 0, their weights never move, and small starting values keep them
    from cluttering the picture of what the first layer learned.
    """
    rng = np.random.default_rng(seed)
    sizes = (64, *widths)
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b, init="he", rng=rng), nn.ReLU()]
    layers[0].W.data *= first_scale
    return nn.Sequential(*layers, nn.Linear(sizes[-1], 10, init="xavier", rng=rng))


def hidden_activations(model, X) -> list[np.ndarray]:
    """The pixels and the output of every ReLU layer, for a batch X."""
    return layer_outputs(model, X)


def class_separation(H, y) -> float:
    """How far apart the classes are in a representation H (rows: examples).

    The ratio of the spread *between* class means to the spread *within* classes,
    ``trace(S_between) / trace(S_within)`` (a Fisher-style score; larger = more separated).
    """
    H = np.asarray(H, dtype=float)
    mean = H.mean(axis=0)
    between = within = 0.0
    for c in np.unique(y):
        Hc = H[y == c]
        mc = Hc.mean(axis=0)
        between += len(Hc) * float(np.sum((mc - mean) ** 2))
        within += float(np.sum((Hc - mc) ** 2))
    return between / within


def _projection_2d(H):
    """The first two principal directions of H (NumPy SVD of the centred matrix)."""
    Hc = H - H.mean(axis=0)
    _, _, Vt = np.linalg.svd(Hc, full_matrices=False)
    P = Hc @ Vt[:2].T
    # fix the sign of each axis so the picture does not flip between runs/BLAS builds
    signs = np.sign(P[np.argmax(np.abs(P), axis=0), [0, 1]])
    return P * signs


def first_layer_figure(model, n: int = 16, ncols: int = 8, size: float = 1.0) -> Figure:
    """The incoming weights of the first ``n`` units of layer 1, each as an 8×8 image."""
    W = model.layers[0].W.data
    n = min(n, W.shape[1])
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(size * ncols, size * nrows + 0.3), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    for j, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if j >= n:
            ax.set_visible(False)
            continue
        w = W[:, j].reshape(8, 8)
        m = float(np.abs(w).max())
        ax.imshow(w, cmap="RdBu_r", vmin=-m, vmax=m)
        ax.set_title(f"unit {j}", fontsize=7)
    fig.suptitle("layer-1 weights (red: pixel excites the unit, blue: inhibits)", fontsize=9)
    return fig


def top_inputs_figure(model, X, y, layer: int, units=range(6), k: int = 6,
                      size: float = 0.75) -> Figure:
    """For some units of hidden layer ``layer`` (1 = first), the ``k`` digits that excite
    them most, side by side, with their labels: what each unit responds to."""
    H = hidden_activations(model, X)[layer]
    units = list(units)
    fig = Figure(figsize=(size * k + 0.5, size * len(units) + 0.45), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(units), 1))
    gap = 1
    for ax, u in zip(axes, units):
        top = np.argsort(-H[:, u], kind="stable")[:k]
        strip = np.full((8, k * (8 + gap) - gap), np.nan)      # k digits in one image
        for c, i in enumerate(top):
            strip[:, c * (8 + gap):c * (8 + gap) + 8] = X[i].reshape(8, 8)
        ax.imshow(strip, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks(np.arange(k) * (8 + gap) + 3.5, [str(int(y[i])) for i in top],
                      fontsize=8)
        ax.tick_params(length=0, pad=1)
        ax.set_yticks([])
        ax.set_ylabel(f"unit {u}", fontsize=8)
        for side in ax.spines.values():
            side.set_visible(False)
    fig.suptitle(f"layer {layer}: the digits each unit responds to most (with labels)",
                 fontsize=9)
    return fig


def projection_figure(reps, y, names=None, size: float = 2.4) -> Figure:
    """Each representation projected on its first two principal axes, coloured by class,
    with its class-separation score in the title."""
    n = len(reps)
    names = names or ["pixels"] + [f"layer {i}" for i in range(1, n)]
    fig = Figure(figsize=(size * n, size + 0.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n))
    for ax, H, name in zip(axes, reps, names):
        P = _projection_2d(H)
        ax.scatter(P[:, 0], P[:, 1], c=y, cmap="tab10", vmin=-0.5, vmax=9.5, s=4)
        ax.set_title(f"{name}\nseparation {class_separation(H, y):.2f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


# ================================================================ vanishing and exploding

def plain_network(depth: int, width: int = 32, activation: str = "tanh",
                  scale: float = 1.0, n_in: int = 32, n_out: int = 1,
                  seed: int = 0) -> nn.Sequential:
    """``depth`` layers Linear → activation, weights N(0, scale² / fan_in), biases 0.

    ``scale`` is the *gain*: 1 is LeCun/Xavier-like, √2 is He's choice for ReLU.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation: got {activation!r}, expected one of "
                         f"{sorted(ACTIVATIONS)}")
    rng = np.random.default_rng(seed)
    layers = []
    for d in range(depth):
        fan_in = n_in if d == 0 else width
        lin = nn.Linear(fan_in, width, rng=rng)
        lin.W.data[...] = rng.normal(0.0, scale / math.sqrt(fan_in), size=(fan_in, width))
        layers += [lin, ACTIVATIONS[activation]()]
    out = nn.Linear(width, n_out, init="xavier", rng=rng)
    return nn.Sequential(*layers, out)


def _probe(n_in=32, n=32, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, n_in)), rng.standard_normal((n, 1))


def gradient_norms(model, X=None, target=None) -> np.ndarray:
    """The norm ‖∂L/∂W‖ of every hidden Linear layer's weights (input side first), for the
    mean squared error on a random batch (fixed seed) — one backward pass, no training."""
    if X is None:
        X, target = _probe(model.layers[0].W.data.shape[0])
    loss = nn.MSE()
    model.zero_grad()
    loss.forward(model.forward(X), target)
    model.backward(loss.backward(), input_grad=False)
    return np.array([float(np.linalg.norm(layer.W.grad))
                     for layer in _hidden_linears(model)])


def _hidden_linears(model):
    found = []
    for layer in model.layers[:-1]:
        if isinstance(layer, nn.Linear):
            found.append(layer)
        elif isinstance(layer, Residual):
            found += [m for m in layer.block.layers if isinstance(m, nn.Linear)]
    return found


def signal_stds(model, X=None) -> np.ndarray:
    """The standard deviation of every hidden layer's output (after its activation)."""
    if X is None:
        X, _ = _probe(model.layers[0].W.data.shape[0])
    return np.array([float(np.std(h)) for h in layer_outputs(model, X)[1:]])


class GradientNormView:
    """Signal size (left) and gradient norm (right) per layer, for plain networks of
    several depths, as the activation and the initialisation gain change.

    The networks' weights are drawn once (standard normal, a fixed seed per depth) and
    scaled by ``gain/√fan-in`` on each update, so moving the gain slider changes only the
    scale, not the random draw. The numbers that change go in ``caption()`` (shown under the
    figure by ``live(..., text=view.caption)``), not in titles: text is the slowest thing
    to draw.
    """

    def __init__(self, activation: str = "tanh", scale: float = 1.0, depths=(10, 50, 100),
                 width: int = 32, figsize=(9.6, 3.3), dpi: int = 72):
        self.depths, self.width = tuple(depths), width
        self.X, self.target = _probe(width)
        self.nets = {}                                  # (activation, depth) -> network
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FastCanvas(self.fig)   # a canvas that renders to PNG quickly
        self.ax_sig, self.ax_grad = self.fig.subplots(1, 2, sharex=True)
        self.sig_lines, self.grad_lines = [], []
        for i, d in enumerate(self.depths):
            (ls,) = self.ax_sig.plot([], [], color=f"C{i}", lw=1.5, label=f"{d} layers")
            (lg,) = self.ax_grad.plot([], [], color=f"C{i}", lw=1.5)
            self.sig_lines.append(ls)
            self.grad_lines.append(lg)
        self.ax_sig.set(yscale="log", xlabel="layer", ylabel="std of the layer's output",
                        xlim=(1, max(self.depths)), ylim=(1e-30, 1e30))
        self.ax_grad.set(yscale="log", xlabel="layer", ylabel="gradient norm ‖∂L/∂W‖",
                         ylim=(1e-30, 1e30))
        self.ax_sig.set_title("forward: the signal", fontsize=10)
        self.ax_grad.set_title("backward: the gradient", fontsize=10)
        for ax in (self.ax_sig, self.ax_grad):
            ax.grid(True, alpha=0.3)
            sparse_log_ticks(ax, 7)           # static (cached), so labels cost nothing
        self.fig.legend(loc="outside right upper", fontsize=8)
        self.update(activation=activation, scale=scale)
        fewer_ticks(self.fig)
        self.fig.canvas.set_animated([*self.sig_lines, *self.grad_lines])
        freeze_layout(self.fig)

    def _network(self, activation, depth):
        key = (activation, depth)
        if key not in self.nets:
            net = plain_network(depth, self.width, activation, 1.0, n_in=self.width,
                                seed=depth)
            lins = [m for m in net.layers[:-1] if isinstance(m, nn.Linear)]
            # gain 1: W = Z/√fan-in; keep Z·(1/√fan-in) to rescale by the gain later
            self.nets[key] = (net, lins, [m.W.data.copy() for m in lins])
        return self.nets[key]

    def update(self, activation: str = "tanh", scale: float = 1.0):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation: got {activation!r}, expected one of "
                             f"{sorted(ACTIVATIONS)}")
        self.activation, self.scale = activation, scale
        self.results = {}
        loss = nn.MSE()
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            for d, ls, lg in zip(self.depths, self.sig_lines, self.grad_lines):
                net, lins, unit = self._network(activation, d)
                for lin, W1 in zip(lins, unit):
                    np.multiply(W1, scale, out=lin.W.data)
                net.zero_grad()
                H, sig = self.X, []
                for layer in net.layers:            # one forward pass, recording the signal
                    H = layer.forward(H)
                    if not isinstance(layer, nn.Linear):
                        sig.append(float(np.std(H)))
                if np.all(np.isfinite(H)):
                    loss.forward(H, self.target)
                    net.backward(loss.backward(), input_grad=False)
                    g = np.array([float(np.linalg.norm(m.W.grad)) for m in lins])
                else:
                    g = np.full(d, np.nan)
                sig = np.array(sig)
                self.results[d] = (sig, g)
                layers = np.arange(1, d + 1)
                ls.set_data(layers, np.maximum(sig, 1e-300))
                lg.set_data(layers, np.maximum(g, 1e-300))
        return self.fig

    def caption(self) -> str:
        """The numbers behind the picture: first and last layer of each depth."""
        lines = [f"{self.activation}, weights N(0, {self.scale:.2f}²/fan-in)"]
        for d in self.depths:
            sig, g = self.results[d]
            lines.append(f"{d:4} layers: signal std {sig[0]:.1e} -> {sig[-1]:.1e}, "
                         f"‖∂L/∂W‖ layer 1 {g[0]:.1e}, layer {d} {g[-1]:.1e}")
        return "\n".join(lines)


def init_table(depth: int = 50, width: int = 64, seed: int = 0):
    """Signal std after the last of ``depth`` layers, for each activation × initialisation.

    Rows ``(activation, init, std_first_layer, std_last_layer)`` with the library's inits.
    """
    rows = []
    X = np.random.default_rng(seed + 1).standard_normal((256, width))
    for act in ("tanh", "relu"):
        for init in nn.INITS:
            rng = np.random.default_rng(seed)
            layers = []
            for _ in range(depth):
                layers += [nn.Linear(width, width, init=init, rng=rng), ACTIVATIONS[act]()]
            sig = signal_stds(nn.Sequential(*layers), X)
            rows.append((act, init, float(sig[0]), float(sig[-1])))
    return rows


# ================================================================ residual networks

def deep_network(depth: int = 100, width: int = 16, residual: bool = False, n_in: int = 2,
                 n_out: int = 2, init: str = "he", seed: int = 0) -> nn.Sequential:
    """An input layer, ``depth`` hidden units ReLU → Linear(width, width), a ReLU and an output
    layer. With ``residual=True`` each hidden unit is wrapped as
    ``x + relu_then_linear(x) / √depth`` (see :class:`Residual`).

    The same seed gives the same weights with or without the skips: only the wiring differs.
    (ReLU *before* the Linear keeps each branch's output centred, so that the skips add
    variance slowly: by a factor of about ``(1 + 1/depth)`` per block.)
    """
    rng = np.random.default_rng(seed)
    layers = [nn.Linear(n_in, width, init="he", rng=rng)]
    for _ in range(depth):
        block = nn.Sequential(nn.ReLU(), nn.Linear(width, width, init=init, rng=rng))
        layers += [Residual(block, 1 / math.sqrt(depth))] if residual else block.layers
    layers += [nn.ReLU(), nn.Linear(width, n_out, init="xavier", rng=rng)]
    return nn.Sequential(*layers)


def compare_residual(depth: int = 100, width: int = 16, steps: int = 150, lr: float = 0.05,
                     momentum: float = 0.9, n: int = 200, seed: int = 0) -> dict:
    """Train the plain and the residual ``depth``-layer networks (same weights) on the moons.

    Returns ``{"plain": {...}, "residual": {...}}``, each with ``grad_norms`` (per hidden
    Linear layer, at initialisation), ``losses`` (per step), ``accuracy`` (after training)
    and ``params``.
    """
    X, y = _moons(n, seed)
    out = {}
    for kind in ("plain", "residual"):
        net = deep_network(depth, width, residual=(kind == "residual"), seed=seed)
        g = _ce_gradient_norms(net, X, y)
        losses = train(net, X, y, steps=steps, lr=lr, momentum=momentum)
        out[kind] = {"grad_norms": g, "losses": np.array(losses), "params": n_params(net),
                     "accuracy": nn.accuracy(net.forward(X), y)}
    return out


def _moons(n, seed):
    from .data import make_moons
    return make_moons(n=n, noise=0.1, seed=seed)


def _ce_gradient_norms(model, X, y) -> np.ndarray:
    """‖∂L/∂W‖ per hidden Linear layer for the cross-entropy on (X, y), one backward pass."""
    loss = nn.SoftmaxCrossEntropy()
    model.zero_grad()
    loss.forward(model.forward(X), y)
    model.backward(loss.backward(), input_grad=False)
    norms = [float(np.linalg.norm(m.W.grad)) for m in _hidden_linears(model)]
    model.zero_grad()
    return np.array(norms)


def residual_figure(results: dict, figsize=(9.5, 3.4)) -> Figure:
    """Per-layer gradient norms at initialisation (left) and loss curves (right), plain vs
    residual."""
    fig = Figure(figsize=figsize, layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    styles = {"plain": dict(color="C3", label="plain"),
              "residual": dict(color="C0", label="with skip connections")}
    for kind, r in results.items():
        g = r["grad_norms"]
        ax1.plot(np.arange(1, len(g) + 1), g, lw=1.5, **styles[kind])
        ax2.plot(r["losses"], lw=1.5, **styles[kind])
    ax1.set(yscale="log", xlabel="layer", ylabel=r"$\|\partial L/\partial W\|$ at initialisation",
            title="gradient reaching each layer")
    ax2.set(xlabel="step", ylabel="training loss (cross-entropy)", title="training",
            ylim=(0, None))
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
    ax2.legend(fontsize=8)
    return fig
