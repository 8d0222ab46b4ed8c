"""Figures of lesson 05, training deep networks (``notebooks/05_training_deep_networks.ipynb``).

* ``GradientNormView`` / ``residual_figure``: gradients layer by layer, with and without skip
  connections (:mod:`helpers.residual`);
* ``DescentView`` / ``descent_gallery``: gradient descent on a loss surface
  (:mod:`helpers.descent`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import nn
from ..descent import Surface, _surface, classify, descend
from ..residual import _probe, plain_network
from ..ui.canvas import FastCanvas, fewer_ticks, freeze_layout, sparse_log_ticks, steps_axis


class GradientNormView:
    """Signal size (left) and gradient norm (right) per layer, for plain networks of
    several depths, as the activation and the initialisation gain change.

    The networks' weights are drawn once (standard normal, a fixed seed per depth) and
    scaled by ``gain/√fan-in`` on each update, so moving the gain slider changes only the
    scale, not the random draw. The numbers that change go in ``caption()`` (shown under the
    figure by ``live(..., text=view.caption)``), not in titles: text is the slowest thing
    to draw.
    """

    def __init__(
        self,
        activation: str = "tanh",
        scale: float = 1.0,
        depths=(10, 50, 100),
        width: int = 32,
        figsize=(9.6, 3.3),
        dpi: int = 72,
    ):
        self.depths, self.width = tuple(depths), width
        self.X, self.target = _probe(width)
        self.nets = {}  # (activation, depth) -> network
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FastCanvas(self.fig)  # a canvas that renders to PNG quickly
        self.ax_sig, self.ax_grad = self.fig.subplots(1, 2, sharex=True)
        self.sig_lines, self.grad_lines = [], []
        for i, d in enumerate(self.depths):
            (ls,) = self.ax_sig.plot([], [], color=f"C{i}", lw=1.5, label=f"{d} layers")
            (lg,) = self.ax_grad.plot([], [], color=f"C{i}", lw=1.5)
            self.sig_lines.append(ls)
            self.grad_lines.append(lg)
        self.ax_sig.set(
            yscale="log",
            xlabel="layer",
            ylabel="std of the layer's output",
            xlim=(1, max(self.depths)),
            ylim=(1e-30, 1e30),
        )
        self.ax_grad.set(
            yscale="log", xlabel="layer", ylabel="gradient norm ‖∂L/∂W‖", ylim=(1e-30, 1e30)
        )
        self.ax_sig.set_title("forward: the signal", fontsize=10)
        self.ax_grad.set_title("backward: the gradient", fontsize=10)
        for ax in (self.ax_sig, self.ax_grad):
            ax.grid(True, alpha=0.3)
            sparse_log_ticks(ax, 7)  # static (cached), so labels cost nothing
        self.fig.legend(loc="outside right upper", fontsize=8)
        self.update(activation=activation, scale=scale)
        fewer_ticks(self.fig)
        self.fig.canvas.set_animated([*self.sig_lines, *self.grad_lines])
        freeze_layout(self.fig)

    def _network(self, activation, depth):
        key = (activation, depth)
        if key not in self.nets:
            net = plain_network(depth, self.width, activation, 1.0, n_in=self.width, seed=depth)
            lins = [m for m in net.layers[:-1] if isinstance(m, nn.Linear)]
            # gain 1: W = Z/√fan-in; keep Z·(1/√fan-in) to rescale by the gain later
            self.nets[key] = (net, lins, [m.W.data.copy() for m in lins])
        return self.nets[key]

    def update(self, activation: str = "tanh", scale: float = 1.0):
        if activation not in nn.ACTIVATIONS:
            raise ValueError(
                f"activation: got {activation!r}, expected one of {sorted(nn.ACTIVATIONS)}"
            )
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
                for layer in net.layers:  # one forward pass, recording the signal
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
            lines.append(
                f"{d:4} layers: signal std {sig[0]:.1e} -> {sig[-1]:.1e}, "
                f"‖∂L/∂W‖ layer 1 {g[0]:.1e}, layer {d} {g[-1]:.1e}"
            )
        return "\n".join(lines)


def residual_figure(results: dict, figsize=(9.5, 3.4)) -> Figure:
    """Per-layer gradient norms at initialisation (left) and loss curves (right), plain vs
    residual."""
    fig = Figure(figsize=figsize, layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    styles = {
        "plain": dict(color="C3", label="plain"),
        "residual": dict(color="C0", label="with skip connections"),
    }
    for kind, r in results.items():
        g = r["grad_norms"]
        ax1.plot(np.arange(1, len(g) + 1), g, lw=1.5, **styles[kind])
        ax2.plot(r["losses"], lw=1.5, **styles[kind])
    ax1.set(
        yscale="log",
        xlabel="layer",
        ylabel=r"$\|\partial L/\partial W\|$ at initialisation",
        title="gradient reaching each layer",
    )
    ax2.set(xlabel="step", ylabel="training loss (cross-entropy)", title="training", ylim=(0, None))
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
    ax2.legend(fontsize=8)
    return fig


def _contours(ax, s: Surface, n: int = 121):
    x0, x1, y0, y1 = s.extent
    g1, g2 = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    ax.contour(g1, g2, s.loss(g1, g2), levels=s.levels, cmap="viridis", linewidths=0.8)
    ax.plot(*s.minimum, marker="*", ms=12, color="gold", mec="k", zorder=4)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$w_1$", ylabel="$w_2$", aspect="equal")


class DescentView:
    """Contours of a surface with a descent path (left) and the loss per step (right).

    ``update(lr=, momentum=, steps=)`` recomputes the path and moves the existing lines;
    the contours are drawn once.
    """

    def __init__(
        self,
        surface="ravine",
        lr: float = 0.15,
        momentum: float = 0.0,
        steps: int = 40,
        figsize=(8.6, 3.6),
        dpi: int = 72,
    ):
        self.surface = _surface(surface)
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FastCanvas(self.fig)  # a canvas that renders to PNG quickly
        self.ax, self.ax_loss = self.fig.subplots(1, 2, width_ratios=[1.35, 1])
        _contours(self.ax, self.surface)
        self.ax.plot(*self.surface.start, "o", color="k", ms=5, zorder=4)
        (self.path_line,) = self.ax.plot([], [], "-o", color="C3", ms=3, lw=1.2, zorder=3)
        (self.loss_line,) = self.ax_loss.plot([], [], "-", color="C3", lw=1.5)
        self.ax_loss.set(yscale="log", xlabel="step", ylabel="loss $L(w)$", ylim=(1e-12, 1e6))
        sparse_log_ticks(self.ax_loss, 5)
        self.ax_loss.grid(True, which="major", alpha=0.3)
        self.update(lr=lr, momentum=momentum, steps=steps)
        fewer_ticks(self.fig)
        self.fig.canvas.set_animated(
            [self.path_line, self.loss_line, self.ax.title, self.ax_loss.title]
        )
        freeze_layout(self.fig)

    def update(self, lr: float = 0.15, momentum: float = 0.0, steps: int = 40):
        s = self.surface
        self.lr, self.momentum, self.steps = lr, momentum, steps
        self.path = descend(s, lr=lr, steps=steps, momentum=momentum)
        self.status = classify(s, self.path)
        with np.errstate(over="ignore", invalid="ignore"):
            losses = s.loss(self.path[:, 0], self.path[:, 1])
        self.losses = losses
        self.path_line.set_data(self.path[:, 0], self.path[:, 1])
        self.loss_line.set_data(np.arange(len(losses)), losses)
        if steps_axis(self.ax_loss, steps, 10):
            self.fig.canvas.invalidate()  # the axis changed: redraw it all
        mom = f", momentum {momentum:g}" if momentum else ""
        self.ax.set_title(f"learning rate {lr:g}{mom}: {self.status}", fontsize=10)
        self.ax_loss.set_title(f"loss after {len(losses) - 1} steps: {losses[-1]:.3g}", fontsize=10)
        return self.fig


def descent_gallery(
    surface="ravine",
    lrs=(0.05, 0.15, 0.21),
    momentum: float = 0.0,
    steps: int = 30,
    figsize=(10, 3.4),
) -> Figure:
    """One panel per learning rate, side by side: converge, zig-zag, diverge."""
    s = _surface(surface)
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(1, len(lrs))
    for ax, lr in zip(np.atleast_1d(axes), lrs):
        _contours(ax, s)
        path = descend(s, lr=lr, steps=steps, momentum=momentum)
        ax.plot(path[:, 0], path[:, 1], "-o", color="C3", ms=3, lw=1.2)
        ax.plot(*s.start, "o", color="k", ms=5)
        ax.set_title(f"η = {lr:g}: {classify(s, path)}", fontsize=10)
    return fig


# -- added with the corrections to the theory (issue 16) --------------------------------

_STYLES = {
    "plain": dict(color="C3", label="plain"),
    "residual": dict(color="C0", label="with skip connections"),
}


def backward_signal_figure(signals: dict, figsize=(9.5, 3.4)) -> Figure:
    """Two panels, one line per network: the size of the forward signal after each block
    (left) and of the backward signal ‖∂L/∂h‖ reaching each block's input (right).

    ``signals`` maps a name (``"plain"``, ``"residual"`` or any other) to a pair
    ``(forward_std, backward_norm)`` of equal-length arrays, block 1 first.
    """
    if not signals:
        raise ValueError(
            "backward_signal_figure: signals is empty; expected "
            "{name: (forward_std, backward_norm)}"
        )
    fig = Figure(figsize=figsize, layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharex=True)
    for i, (name, (fwd, bwd)) in enumerate(signals.items()):
        fwd, bwd = np.asarray(fwd, dtype=float), np.asarray(bwd, dtype=float)
        if fwd.shape != bwd.shape or fwd.ndim != 1:
            raise ValueError(
                f"backward_signal_figure: {name!r} needs two 1-D arrays of the "
                f"same length, got shapes {fwd.shape} and {bwd.shape}"
            )
        style = _STYLES.get(name, dict(color=f"C{i + 4}", label=name))
        blocks = np.arange(1, len(fwd) + 1)
        ax1.plot(blocks, fwd, lw=1.5, **style)
        ax2.plot(blocks, bwd, lw=1.5, **style)
    ax1.set(
        yscale="log",
        xlabel="block",
        ylabel="std of the block's output",
        title="forward: the signal",
    )
    ax2.set(
        yscale="log",
        xlabel="block",
        ylabel=r"$\|\partial L/\partial h\|$ at the block's input",
        title="backward: the gradient signal",
    )
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
    ax2.legend(fontsize=8)
    return fig


def signal_growth_figure(curves: dict, figsize=(6.0, 3.4)) -> Figure:
    """The standard deviation of the signal after each residual block, one line per variant.

    ``curves`` maps a label to a 1-D array (block 1 first). A dotted line marks
    ``√(1 + block)``, the growth when every block adds a branch of variance 1.
    """
    if not curves:
        raise ValueError("signal_growth_figure: curves is empty; expected {label: stds}")
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    n = 0
    for i, (label, stds) in enumerate(curves.items()):
        stds = np.asarray(stds, dtype=float)
        if stds.ndim != 1 or stds.size == 0:
            raise ValueError(
                f"signal_growth_figure: {label!r} must be a non-empty 1-D array, "
                f"got shape {stds.shape}"
            )
        ax.plot(np.arange(1, stds.size + 1), stds, lw=1.5, color=f"C{i}", label=label)
        n = max(n, stds.size)
    blocks = np.arange(1, n + 1)
    ax.plot(blocks, np.sqrt(1 + blocks), ls=":", color="k", lw=1, label=r"$\sqrt{1 + \ell}$")
    ax.set(
        yscale="log",
        xlabel=r"block $\ell$",
        ylabel="std of the signal",
        title="a stack of residual blocks, at initialisation",
    )
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return fig
