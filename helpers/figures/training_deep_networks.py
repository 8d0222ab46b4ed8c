"""Figures of notebook 05 (training deep networks) added for the residual and normalisation
sections: the forward and backward signal layer by layer, and how the signal grows through a
stack of residual blocks with and without normalisation."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["backward_signal_figure", "signal_growth_figure"]

_STYLES = {"plain": dict(color="C3", label="plain"),
           "residual": dict(color="C0", label="with skip connections")}


def backward_signal_figure(signals: dict, figsize=(9.5, 3.4)) -> Figure:
    """Two panels, one line per network: the size of the forward signal after each block
    (left) and of the backward signal ‖∂L/∂h‖ reaching each block's input (right).

    ``signals`` maps a name (``"plain"``, ``"residual"`` or any other) to a pair
    ``(forward_std, backward_norm)`` of equal-length arrays, block 1 first.
    """
    if not signals:
        raise ValueError("backward_signal_figure: signals is empty; expected "
                         "{name: (forward_std, backward_norm)}")
    fig = Figure(figsize=figsize, layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharex=True)
    for i, (name, (fwd, bwd)) in enumerate(signals.items()):
        fwd, bwd = np.asarray(fwd, dtype=float), np.asarray(bwd, dtype=float)
        if fwd.shape != bwd.shape or fwd.ndim != 1:
            raise ValueError(f"backward_signal_figure: {name!r} needs two 1-D arrays of the "
                             f"same length, got shapes {fwd.shape} and {bwd.shape}")
        style = _STYLES.get(name, dict(color=f"C{i + 4}", label=name))
        blocks = np.arange(1, len(fwd) + 1)
        ax1.plot(blocks, fwd, lw=1.5, **style)
        ax2.plot(blocks, bwd, lw=1.5, **style)
    ax1.set(yscale="log", xlabel="block", ylabel="std of the block's output",
            title="forward: the signal")
    ax2.set(yscale="log", xlabel="block",
            ylabel=r"$\|\partial L/\partial h\|$ at the block's input",
            title="backward: the gradient signal")
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
            raise ValueError(f"signal_growth_figure: {label!r} must be a non-empty 1-D array, "
                             f"got shape {stds.shape}")
        ax.plot(np.arange(1, stds.size + 1), stds, lw=1.5, color=f"C{i}", label=label)
        n = max(n, stds.size)
    blocks = np.arange(1, n + 1)
    ax.plot(blocks, np.sqrt(1 + blocks), ls=":", color="k", lw=1, label=r"$\sqrt{1 + \ell}$")
    ax.set(yscale="log", xlabel=r"block $\ell$", ylabel="std of the signal",
           title="a stack of residual blocks, at initialisation")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return fig
