"""Figures of lesson 05, training deep networks (``notebooks/05_training_deep_networks.ipynb``).

* ``GradientNormView`` / ``residual_figure``: gradients layer by layer, with and without skip
  connections (:mod:`helpers.residual`);
* ``DescentView`` / ``descent_gallery``: gradient descent on a loss surface
  (:mod:`helpers.descent`);
* ``decay_figure``: is a signal's decay with depth exponential or a power law?
* ``correlation_map_figure``: deep ReLU networks align their inputs (the map and measured);
* ``schedule_figure``: a learning-rate schedule (warm-up, then cosine decay).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import checks, nn
from ..descent import Surface, as_surface, classify, descend
from ..residual import plain_network, probe_batch
from .alt import describe
from .canvas import (
    fewer_ticks,
    freeze_layout,
    sparse_log_ticks,
    steady_limits,
    steps_axis,
)
from .style import CLASS_COLORS, view_figure


def _num(x, digits: int = 3) -> str:
    """A number for alt text: ``digits`` significant digits, or "not finite"."""
    x = float(x)
    return f"{x:.{digits}g}" if np.isfinite(x) else "not finite"


def _ends(values, digits: int = 2) -> str:
    """ "from <first> to <last>" of an array, for alt text."""
    v = np.asarray(values, dtype=float)
    return f"from {_num(v[0], digits)} to {_num(v[-1], digits)}"


_STYLES = {
    "plain": dict(color=CLASS_COLORS[1], label="plain"),
    "residual": dict(color=CLASS_COLORS[0], label="with skip connections"),
}


class GradientNormView:
    """Signal size (left) and gradient norm (right) per layer of one plain deep network, at
    three gains side by side: ``g/2``, ``g`` and ``2g``, as the activation and the
    initialisation gain ``g`` change.

    The network's weights are drawn once (standard normal, a fixed seed) and scaled by
    ``gain/√fan-in`` for each line, so moving the gain slider changes only the scale, not
    the random draw: at the default (tanh, g = 1) the three lines show vanishing (g/2),
    flat (g) and exploding (2g) gradients. The y axes follow the lines in steps of ten
    decades (``steady_limits``), so that no line is clipped. The numbers that change go in
    ``caption()`` (shown under the figure by ``live(..., text=view.caption)``), not in
    titles: text is the slowest thing to draw.
    """

    FACTORS = (0.5, 1.0, 2.0)  # the gains drawn: g/2, g, 2g
    COLORS = (CLASS_COLORS[0], "k", CLASS_COLORS[1])

    def __init__(
        self,
        activation: str = "tanh",
        scale: float = 1.0,
        depth: int = 100,
        width: int = 32,
        figsize=(9.6, 3.3),
        dpi: int = 72,
    ):
        depth, width, _ = checks.network_sizes("GradientNormView", depth, width, 0)
        self.depth, self.width = depth, width
        self.X, self.target = probe_batch(width)
        self.nets = {}  # activation -> (network, its hidden Linear layers, their weights)
        self.fig = view_figure("GradientNormView", figsize, dpi)
        self.ax_sig, self.ax_grad = self.fig.subplots(1, 2, sharex=True)
        self.sig_lines, self.grad_lines = [], []
        for f, color in zip(self.FACTORS, self.COLORS):
            label = {0.5: "gain g/2", 1.0: "gain g", 2.0: "gain 2g"}[f]
            # 2g dashed on top of g, so that where the two lie on each other both show
            style = dict(color=color, lw=2.0, zorder=2 + f, ls="--" if f == 2 else "-")
            (ls,) = self.ax_sig.plot([], [], label=label, **style)
            (lg,) = self.ax_grad.plot([], [], **style)
            self.sig_lines.append(ls)
            self.grad_lines.append(lg)
        self.ax_sig.set(
            yscale="log", xlabel="layer", ylabel="std of the layer's output", xlim=(1, depth)
        )
        self.ax_grad.set(yscale="log", xlabel="layer", ylabel="gradient norm ‖∂L/∂W‖")
        self.ax_sig.set_title(f"forward: the signal ({depth} layers)", fontsize=10)
        self.ax_grad.set_title("backward: the gradient", fontsize=10)
        for ax in (self.ax_sig, self.ax_grad):
            ax.grid(True, alpha=0.3)
            ax.set_ylim(1e-10, 1e10)
            sparse_log_ticks(ax, 7)
            _decades(ax)
        self.ax_sig.legend(loc="lower left", fontsize=8)
        self.update(activation=activation, scale=scale)
        fewer_ticks(self.fig)
        freeze_layout(self.fig)

    def _network(self, activation):
        if activation not in self.nets:
            net = plain_network(
                self.depth, self.width, activation, 1.0, n_in=self.width, seed=self.depth
            )
            lins = [m for m in net.layers[:-1] if isinstance(m, nn.Linear)]
            # gain 1: W = Z/√fan-in, kept as it is; _measure multiplies it by each gain
            self.nets[activation] = (net, lins, [m.W.data for m in lins])
        return self.nets[activation]

    def _measure(self, activation, gains):
        """(signal std, ‖∂L/∂W‖) per gain (rows) and layer (columns), NaN where not finite.

        One forward and one backward pass for all the gains at once: the batch of each
        gain is a slice of a 3-D array (gain, example, unit), so that 100 layers cost 100
        matrix products, not 300. The same sums as ``residual.gradient_norms`` (MSE).
        """
        net, lins, unit = self._network(activation)
        acts = [m for m in net.layers if not isinstance(m, nn.Linear)]
        out = net.layers[-1]
        G = np.asarray(gains, dtype=float)[:, None, None]
        H = np.broadcast_to(self.X, (len(gains), *self.X.shape))
        inputs, sig = [], []
        for lin, W1, act in zip(lins, unit, acts):  # forward, recording the signal
            inputs.append(H)
            H = act.forward(H @ (G * W1) + lin.b.data)
            sig.append(H.std(axis=(1, 2)))
        Y = H @ out.W.data + out.b.data
        dH = (2 / Y[0].size) * (Y - self.target) @ out.W.data.T  # ∂L/∂h of the MSE
        grads = []
        for W1, act, Hin in zip(unit[::-1], acts[::-1], inputs[::-1]):  # backward
            dZ = act.backward(dH)
            grads.append(np.linalg.norm(Hin.transpose(0, 2, 1) @ dZ, axis=(1, 2)))
            dH = dZ @ (G * W1).transpose(0, 2, 1)
        g = np.array(grads[::-1]).T
        g[~np.all(np.isfinite(Y), axis=(1, 2))] = np.nan
        return np.array(sig).T, g

    def update(self, activation: str = "tanh", scale: float = 1.0):
        checks.choice("GradientNormView", "activation", activation, sorted(nn.ACTIVATIONS))
        scale = checks.number("GradientNormView", "scale", scale, low=0, low_open=True)
        self.activation, self.scale = activation, scale
        self.results = {}
        layers = np.arange(1, self.depth + 1)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            sigs, grads = self._measure(activation, [f * scale for f in self.FACTORS])
        for f, sig, g, ls, lg in zip(self.FACTORS, sigs, grads, self.sig_lines, self.grad_lines):
            self.results[f] = (sig, g)
            ls.set_data(layers, sig)
            lg.set_data(layers, g)
        for ax, k in ((self.ax_sig, 0), (self.ax_grad, 1)):
            _fit_decades(ax, np.concatenate([r[k] for r in self.results.values()]))
        describe(self.fig, self._alt())
        return self.fig

    def _ends(self):
        """For each gain drawn: the gain, and the signal's and the gradient's values at the
        first and the last layer (what the alt text and the caption say)."""
        for f in self.FACTORS:
            sig, g = self.results[f]
            yield dict(gain=f * self.scale, s1=sig[0], sn=sig[-1], g1=g[0], gn=g[-1], n=self.depth)

    def _alt(self) -> str:
        """The alt text: what the two panels show, with the caption's numbers."""
        head = (
            f"Two line charts over the {self.depth} layers of a plain {self.activation} "
            f"network, log scale on the y axes. Left: the standard deviation of each "
            f"layer's output. Right: the size of each layer's weight gradient."
        )
        line = (
            "At gain {gain:.2f} the signal goes from {s1:.1e} at layer 1 to {sn:.1e} at layer "
            "{n}, and the gradient is {g1:.1e} at layer 1 and {gn:.1e} at layer {n}."
        )
        return " ".join([head] + [line.format(**end) for end in self._ends()])

    def caption(self) -> str:
        """The numbers behind the picture: first and last layer at each gain."""
        head = f"{self.activation}, {self.depth} layers, weights of mean 0 and std gain/√fan-in"
        line = (
            "  gain {gain:4.2f}: signal std layer 1 {s1:.1e} -> layer {n} {sn:.1e}, "
            "‖∂L/∂W‖ layer 1 {g1:.1e}, layer {n} {gn:.1e}"
        )
        return "\n".join([head] + [line.format(**end) for end in self._ends()])


def _fit_decades(ax, values, step: int = 10) -> None:
    """Set a log y axis to show every positive finite value, its ends whole multiples of
    ``step`` decades; kept while it holds them all and they fill 40 % of it, so that a
    slider moving a little changes no axis."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return
    lo, hi = float(np.log10(v.min())), float(np.log10(v.max()))
    c0, c1 = np.log10(ax.get_ylim())
    if c0 <= lo and hi <= c1 and hi - lo >= 0.4 * (c1 - c0):
        return
    new = steady_limits(lo, hi, None, step=step, room=0.05)
    if new[1] - new[0] < step:
        new = (new[0], new[0] + step)
    ax.set_ylim(10.0 ** new[0], 10.0 ** new[1])


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decades(ax) -> None:
    """Label a log y axis ``10⁻²⁰``, ``10⁰``, … in plain text: drawing mathtext labels is
    what makes a full redraw slow."""
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: "10" + f"{round(np.log10(v))}".translate(_SUPERSCRIPT))
    )


def _log_panels(axes, xlabel: str, ylabels, titles) -> None:
    """Log y axes with a common x label, their own y labels and titles, and a light grid."""
    for ax, ylabel, title in zip(axes, ylabels, titles):
        ax.set(yscale="log", xlabel=xlabel, ylabel=ylabel, title=title)
        ax.grid(True, alpha=0.3)


def residual_figure(results: dict, figsize=(9.5, 3.4)) -> Figure:
    """Per-layer gradient norms at initialisation (left) and loss curves (right), plain vs
    residual; both panels name their lines, and the loss axis ends just above the run."""
    fig = Figure(figsize=figsize, layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    top = 0.0
    for kind, r in results.items():
        g = r["grad_norms"]
        ax1.plot(np.arange(1, len(g) + 1), g, lw=1.5, **_STYLES[kind])
        ax2.plot(r["losses"], lw=1.5, **_STYLES[kind])
        top = max(top, float(np.nanmax(r["losses"])))
    _log_panels(
        [ax1],
        "layer",
        [r"$\|\partial L/\partial W\|$ at initialisation"],
        ["weight gradient of each layer"],
    )
    ax2.set(
        xlabel="step",
        ylabel="training loss (cross-entropy)",
        title="training",
        ylim=(0, 1.08 * top),
    )
    ax2.grid(True, alpha=0.3)
    for ax in (ax1, ax2):
        ax.legend(fontsize=8)
    text = [
        "Left: the size of each layer's weight gradient at initialisation, log scale. "
        "Right: the training loss (cross-entropy) at each step."
    ]
    for kind, r in results.items():
        name = _STYLES.get(kind, dict(label=kind))["label"]
        g, losses = np.asarray(r["grad_norms"]), np.asarray(r["losses"])
        text.append(
            f"Network {name}: gradient {_num(g[0], 2)} at layer 1 and {_num(g[-1], 2)} at "
            f"layer {len(g)}; loss from {losses[0]:.3f} to {losses[-1]:.3f} over "
            f"{len(losses)} steps, lowest {_num(np.nanmin(losses), 2)}, highest "
            f"{_num(np.nanmax(losses), 2)}."
        )
    return describe(fig, " ".join(text))


def _contours(ax, s: Surface, n: int = 121):
    x0, x1, y0, y1 = s.extent
    g1, g2 = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    ax.contour(g1, g2, s.loss(g1, g2), levels=s.levels, cmap="viridis", linewidths=0.8)
    ax.plot(*s.minimum, marker="*", ms=16, color="gold", mec="k", zorder=6)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$w_1$", ylabel="$w_2$", aspect="equal")


_VERDICTS = {
    "zig-zags": "zig-zags, still converges",
    "does not converge": "zig-zags, never converges",
}


def _path_story(s: Surface, path, losses, status: str) -> str:
    """One sentence of alt text for a descent path: its steps, where it ends, its verdict
    and its loss."""
    end = "" if status != "diverges" else ", leaving the picture"
    return (
        f"the path of {len(path) - 1} steps starts at ({_num(path[0][0], 2)}, "
        f"{_num(path[0][1], 2)}) and {_verdict(status)}{end}; the loss goes "
        f"{_ends(losses, 3)}."
    )


def _surface_words(s: Surface) -> str:
    x, y = s.minimum
    return (
        f"contour lines of the {s.name} loss over w1 (across) and w2 (up), with a star at "
        f"its minimum, w1 equals {x:g} and w2 equals {y:g}"
    )


def _verdict(status: str) -> str:
    """A title's words for :func:`helpers.descent.classify`: a zig-zag that shrinks still
    converges; one that keeps its size (a factor of exactly −1) never does."""
    return _VERDICTS.get(status, status)


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
        self.surface = as_surface(surface, "DescentView")
        self._check(lr, momentum, steps)
        self.fig = view_figure("DescentView", figsize, dpi)
        self.ax, self.ax_loss = self.fig.subplots(1, 2, width_ratios=[1.35, 1])
        _contours(self.ax, self.surface)
        self.ax.plot(*self.surface.start, "o", color="k", ms=5, zorder=4)
        (self.path_line,) = self.ax.plot(
            [], [], "-o", color=CLASS_COLORS[1], ms=3, lw=1.2, zorder=3
        )
        (self.loss_line,) = self.ax_loss.plot([], [], "-", color=CLASS_COLORS[1], lw=1.5)
        self.ax_loss.set(yscale="log", xlabel="step", ylabel="loss $L(w)$", ylim=(1e-6, 1e2))
        sparse_log_ticks(self.ax_loss, 10)  # a labelled tick at every power of 10
        self.ax_loss.grid(True, which="major", alpha=0.3)
        self.update(lr=lr, momentum=momentum, steps=steps)
        fewer_ticks(self.fig)
        freeze_layout(self.fig)

    @staticmethod
    def _check(lr, momentum, steps):
        """lr, momentum and steps, checked (what descend accepts)."""
        where = "DescentView"
        return (
            checks.number(where, "lr", lr, low=0, low_open=True),
            checks.number(where, "momentum", momentum, low=0, high=1, high_open=True),
            checks.integer(where, "steps", steps, low=0, high=10**4),
        )

    def update(self, lr: float = 0.15, momentum: float = 0.0, steps: int = 40):
        lr, momentum, steps = self._check(lr, momentum, steps)
        s = self.surface
        self.lr, self.momentum, self.steps = lr, momentum, steps
        self.path = descend(s, lr=lr, steps=steps, momentum=momentum)
        self.status = classify(s, self.path, lr=lr, momentum=momentum)
        with np.errstate(over="ignore", invalid="ignore"):
            losses = s.loss(self.path[:, 0], self.path[:, 1])
        self.losses = losses
        self.path_line.set_data(self.path[:, 0], self.path[:, 1])
        self.loss_line.set_data(np.arange(len(losses)), losses)
        # the x axis in whole tens of steps, the y axis in whole pairs of decades (no loss
        # drawn outside it): most moves change neither, and then only the lines are redrawn
        steps_axis(self.ax_loss, steps, 10)
        _fit_decades(self.ax_loss, losses, step=2)
        mom = f", momentum {momentum:g}" if momentum else ""
        self.ax.set_title(f"learning rate {lr:g}{mom}: {_verdict(self.status)}", fontsize=10)
        self.ax_loss.set_title(f"loss after {len(losses) - 1} steps: {losses[-1]:.3g}", fontsize=10)
        describe(
            self.fig,
            f"Left: {_surface_words(s)}, and the path of gradient descent at learning rate "
            f"{lr:g}{mom}. Right: the loss at each step, log scale. The "
            + _path_story(s, self.path, losses, self.status)[4:],
        )
        return self.fig


def descent_gallery(
    surface="ravine",
    lrs=(0.05, 0.15, 0.21),
    momentum: float = 0.0,
    steps: int = 30,
    figsize=(10, 3.4),
) -> Figure:
    """One panel per learning rate, side by side: converge, zig-zag, diverge."""
    momentum = checks.number("descent_gallery", "momentum", momentum, low=0, high=1, high_open=True)
    steps = checks.integer("descent_gallery", "steps", steps, low=0, high=10**4)
    s = as_surface(surface, "descent_gallery")
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(1, len(lrs))
    panels = f"{len(lrs)} panels side by side, each" if len(lrs) > 1 else "One panel"
    text = [f"{panels} with {_surface_words(s)}."]
    for ax, lr in zip(np.atleast_1d(axes), lrs):
        _contours(ax, s)
        path = descend(s, lr=lr, steps=steps, momentum=momentum)
        status = classify(s, path, lr, momentum)
        ax.plot(path[:, 0], path[:, 1], "-o", color=CLASS_COLORS[1], ms=3, lw=1.2)
        ax.plot(*s.start, "o", color="k", ms=5)
        ax.set_title(f"η = {lr:g}: {_verdict(status)}", fontsize=10)
        with np.errstate(over="ignore", invalid="ignore"):
            losses = s.loss(path[:, 0], path[:, 1])
        text.append(f"Learning rate {lr:g}: " + _path_story(s, path, losses, status))
    return describe(fig, " ".join(text))


# -- added with the corrections to the theory (issue 16) --------------------------------


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
        style = _STYLES.get(name, dict(color=CLASS_COLORS[(i + 4) % 8], label=name))
        blocks = np.arange(1, len(fwd) + 1)
        ax1.plot(blocks, fwd, lw=1.5, **style)
        ax2.plot(blocks, bwd, lw=1.5, **style)
    _log_panels(
        (ax1, ax2),
        "block",
        ("std of the block's output", r"$\|\partial L/\partial h\|$ at the block's input"),
        ("forward: the signal", "backward: the gradient signal"),
    )
    ax2.legend(fontsize=8)
    text = [
        "Two line charts over the blocks, log scale on the y axes. Left: the standard "
        "deviation of each block's output. Right: the size of the gradient reaching each "
        "block's input."
    ]
    for name, (fwd, bwd) in signals.items():
        label = _STYLES.get(name, dict(label=name))["label"]
        n = len(fwd)
        text.append(
            f"Network {label}: the signal goes {_ends(fwd)} from block 1 to block {n}; the "
            f"gradient is {_num(bwd[-1], 2)} at block {n} and {_num(bwd[0], 2)} at block 1."
        )
    return describe(fig, " ".join(text))


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
        ax.plot(np.arange(1, stds.size + 1), stds, lw=1.5, color=CLASS_COLORS[i % 8], label=label)
        n = max(n, stds.size)
    blocks = np.arange(1, n + 1)
    root = np.sqrt(1 + blocks)
    ax.plot(blocks, root, ls=":", color="k", lw=1, label=r"$\sqrt{1 + \ell}$")
    ax.set(
        yscale="log",
        xlabel=r"block $\ell$",
        ylabel="std of the signal",
        title="a stack of residual blocks, at initialisation",
    )
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    text = [
        "A line chart of the standard deviation of the signal after each residual block, "
        f"log scale, blocks 1 to {n}."
    ]
    for label, stds in curves.items():
        text.append(f"{label}: {_ends(stds)} over {len(stds)} blocks.")
    text.append(f"A dotted line, the square root of 1 plus the block number, goes {_ends(root)}.")
    return describe(fig, " ".join(text))


def decay_figure(stds, fit=(20, 60), figsize=(9.0, 3.3)) -> Figure:
    """Is a decay exponential or a power law? The same signal size per layer (``stds``,
    layer 1 first) on a semi-log axis (left: an exponential is a straight line) and on a
    log-log axis (right: a power law is a straight line), each with the straight line
    fitted to layers ``fit[0]..fit[1]`` and carried on to the last layer."""
    stds = np.asarray(stds, dtype=float)
    lo, hi = fit
    if stds.ndim != 1 or not 1 <= lo < hi <= stds.size or not np.all(stds > 0):
        raise ValueError(
            f"decay_figure: expected positive 1-D stds and 1 <= fit[0] < fit[1] <= "
            f"{stds.size}, got shape {stds.shape} and fit {fit}"
        )
    layers = np.arange(1, stds.size + 1)
    part = slice(lo - 1, hi)
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    text = [
        f"The standard deviation of each layer's output, layers 1 to {stds.size}, "
        f"{_ends(stds)}, drawn twice: left with a log y axis, right with log x and y axes. "
        f"Each panel has a dashed straight line fitted to layers {lo} to {hi}."
    ]
    for ax, xs, kind in ((axes[0], layers, "exponential"), (axes[1], np.log(layers), "power law")):
        slope, icept = np.polyfit(xs[part], np.log(stds[part]), 1)
        text.append(
            f"The {kind} fit predicts {_num(np.exp(icept + slope * xs[-1]), 2)} at layer "
            f"{stds.size}, where the measured value is {_num(stds[-1], 2)}."
        )
        ax.plot(layers, stds, color="k", lw=1.5, label="measured")
        ax.plot(
            layers,
            np.exp(icept + slope * xs),
            color=CLASS_COLORS[1],
            ls="--",
            lw=1.2,
            label=f"{kind} fitted to layers {lo}–{hi}",
        )
        ax.axvspan(lo, hi, color="0.9", zorder=0)
        ax.legend(fontsize=8, loc="lower left")
    axes[1].set_xscale("log")
    _log_panels(
        axes,
        "layer",
        ("std of the layer's output", ""),
        ("semi-log: an exponential is straight", "log-log: a power law is straight"),
    )
    return describe(fig, " ".join(text))


def correlation_map_figure(predicted, measured: dict, figsize=(6.4, 3.4)) -> Figure:
    """Deep ReLU networks at He initialisation: the cosine similarity of two inputs'
    activations after each layer, as the infinite-width map predicts (``predicted``, layer 1
    first) and as measured in networks of the widths given as the keys of ``measured``
    (each an array like ``predicted``). The fixed point 1 is drawn as a dotted line."""
    predicted = np.asarray(predicted, dtype=float)
    if predicted.ndim != 1 or predicted.size < 1:
        raise ValueError(f"correlation_map_figure: predicted must be 1-D, got {predicted.shape}")
    layers = np.arange(1, predicted.size + 1)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    ax.axhline(1.0, color="0.5", ls=":", lw=1, label="fixed point 1 (the same direction)")
    colours = tuple(CLASS_COLORS[:4])
    for (width, values), colour in zip(sorted(measured.items()), colours):
        values = np.asarray(values, dtype=float)
        if values.shape != predicted.shape:
            raise ValueError(
                f"correlation_map_figure: measured[{width}] has shape {values.shape}, "
                f"expected {predicted.shape}"
            )
        ax.plot(
            layers,
            values,
            color=colour,
            lw=1.2,
            marker="o",
            ms=2.5,
            label=f"measured, width {width}",
        )
    ax.plot(layers, predicted, color="k", lw=1.6, ls="--", label="infinite width: the map")
    ax.set_xlabel("layer")
    ax.set_ylabel("cosine similarity of the\ntwo inputs' activations")
    ax.set_ylim(min(0.0, float(predicted.min())) - 0.02, 1.05)
    ax.set_title("Deep ReLU networks (He): every pair of inputs aligns", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    text = [
        "A line chart of the cosine similarity of two inputs' activations after each layer, "
        f"layers 1 to {predicted.size}, with a dotted line at 1. The infinite-width map "
        f"goes {_ends(predicted)}."
    ]
    for width, values in sorted(measured.items()):
        text.append(f"Measured at width {width}: {_ends(values)}.")
    return describe(fig, " ".join(text))


def schedule_figure(lrs, warmup: int, figsize=(6.0, 2.8)) -> Figure:
    """A learning-rate schedule, step by step, with the end of the warm-up marked."""
    lrs = np.asarray(lrs, dtype=float)
    if lrs.ndim != 1 or lrs.size < 2:
        raise ValueError(f"schedule_figure: lrs must be 1-D with 2 or more steps, got {lrs.shape}")
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    ax.plot(np.arange(lrs.size), lrs, color="k", lw=1.5)
    ax.axvline(
        warmup - 0.5, color=CLASS_COLORS[1], ls="--", lw=1, label=f"end of warm-up (step {warmup})"
    )
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.set_title("linear warm-up, then cosine decay", fontsize=10)
    ax.legend(fontsize=8)
    peak = int(np.argmax(lrs))
    return describe(
        fig,
        f"A line chart of the learning rate at each of {lrs.size} steps. It rises in a "
        f"straight line from {_num(lrs[0], 2)} to {_num(lrs[peak], 2)} at step {peak}; a dashed "
        f"line marks the end of the warm-up at step {warmup}. Then it falls along a cosine "
        f"curve to {_num(lrs[-1], 2)}.",
    )
