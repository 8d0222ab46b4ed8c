"""Figures of notebook 04 (deep networks) added for the section on generalisation: training
and validation loss as training goes on, with the step that early stopping keeps."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["generalisation_figure", "approximation_figure"]


def generalisation_figure(runs: dict, size=(4.6, 3.3)) -> Figure:
    """One panel per run: the training loss and the validation loss against the step, and a
    dashed vertical line at the step with the lowest validation loss.

    ``runs`` maps a title to a result of :func:`helpers.generalization.train_with_validation`
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
        ax.plot(steps, r["train"], color="C0", lw=1.5, label="training loss")
        ax.plot(steps, r["val"], color="C1", lw=1.5, label="validation loss")
        ax.axvline(r["best_step"], color="k", ls="--", lw=1,
                   label="lowest validation loss\n(early stopping keeps this step)")
        ax.set(title=title, xlabel="step", ylim=(0, None))
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("cross-entropy")
    axes[0].legend(fontsize=8, loc="upper right")
    return fig


def approximation_figure(f, nets: dict, a: float, b: float, size=(3.0, 2.6),
                         points: int = 401) -> Figure:
    """One panel per network: the function ``f`` (dashed) and the network's output on
    [a, b]. ``nets`` maps a title (e.g. ``"8 units"``) to a one-input, one-output model."""
    if not nets:
        raise ValueError("approximation_figure: nets is empty; expected {title: model}")
    xs = np.linspace(a, b, points)
    fig = Figure(figsize=(size[0] * len(nets), size[1]), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(nets), sharey=True))
    for ax, (title, net) in zip(axes, nets.items()):
        ax.plot(xs, f(xs), color="k", ls="--", lw=1, label="target")
        ax.plot(xs, net.forward(xs[:, None])[:, 0], color="C0", lw=1.5, label="one hidden layer")
        ax.set(title=title, xlabel="x")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper center")
    return fig
