"""Gradient descent on a two-parameter loss surface: paths, their fate, and a live view.

A loss surface ``L(w1, w2)`` is small enough to draw as contours, and gradient descent

    w ← w − η ∇L(w)                       (η: the learning rate)

leaves a path on it. With momentum (the heavy ball, written as in ``helpers.optim.SGD``)

    v ← μ v + ∇L(w),    w ← w − η v

the path keeps some of its previous direction. On the quadratic "ravine"
``L = ½ (λ1 u1² + λ2 u2²)`` (u: coordinates along the valley's axes) plain descent converges
exactly when ``η < 2 / λ_max``, and zig-zags across the valley when ``η > 1 / λ_max``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from matplotlib.figure import Figure

from .plots import FastCanvas, fewer_ticks, freeze_layout, sparse_log_ticks, steps_axis

__all__ = ["Surface", "SURFACES", "descend", "classify", "DescentView", "descent_gallery"]


@dataclass(frozen=True)
class Surface:
    """A two-parameter loss: its value, its gradient, where to start and what to draw."""

    name: str
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray]   # works on arrays (for contours)
    grad: Callable[[np.ndarray], np.ndarray]               # gradient at one point, shape (2,)
    start: tuple[float, float]
    minimum: tuple[float, float]
    extent: tuple[float, float, float, float]              # w1 min, w1 max, w2 min, w2 max
    levels: np.ndarray


# The ravine: a quadratic bowl with curvatures 1 and 10 along axes turned by 30 degrees.
_THETA = np.deg2rad(30.0)
_R = np.array([[np.cos(_THETA), -np.sin(_THETA)], [np.sin(_THETA), np.cos(_THETA)]])
RAVINE_AXES = _R                                     # columns: the valley's two axes
RAVINE_CURVATURES = (1.0, 10.0)
_H = _R @ np.diag(RAVINE_CURVATURES) @ _R.T          # the Hessian: constant on a quadratic


def _ravine_loss(w1, w2):
    return 0.5 * (_H[0, 0] * w1 * w1 + 2 * _H[0, 1] * w1 * w2 + _H[1, 1] * w2 * w2)


def _ravine_grad(w):
    return _H @ w


def _banana_loss(w1, w2):
    """Rosenbrock's banana, gentled: a curved valley with its minimum at (1, 1)."""
    return (1 - w1) ** 2 + 5 * (w2 - w1 * w1) ** 2


def _banana_grad(w):
    w1, w2 = w
    return np.array([-2 * (1 - w1) - 20 * w1 * (w2 - w1 * w1), 10 * (w2 - w1 * w1)])


SURFACES = {
    "ravine": Surface("ravine", _ravine_loss, _ravine_grad, start=(-2.6, 1.2),
                      minimum=(0.0, 0.0), extent=(-3.0, 3.0, -2.0, 2.0),
                      levels=np.geomspace(0.01, 30, 12)),
    "banana": Surface("banana", _banana_loss, _banana_grad, start=(-1.2, 1.6),
                      minimum=(1.0, 1.0), extent=(-2.0, 2.0, -1.0, 3.0),
                      levels=np.geomspace(0.01, 60, 12)),
}


def _surface(surface) -> Surface:
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"surface: got {surface!r}, expected one of {sorted(SURFACES)}")
    return SURFACES[surface]


def descend(surface="ravine", lr: float = 0.1, steps: int = 40, momentum: float = 0.0,
            start=None, bound: float = 1e6) -> np.ndarray:
    """Return the path of (momentum) gradient descent: an array of shape (steps + 1, 2).

    The path stops early (fewer rows) once a coordinate exceeds ``bound`` in size: the run
    has diverged and further steps would only overflow.
    """
    s = _surface(surface)
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr: got {lr!r}, expected a positive number")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum: got {momentum!r}, expected a number in [0, 1)")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps: got {steps!r}, expected a non-negative integer")
    w = np.array(s.start if start is None else start, dtype=float)
    if w.shape != (2,):
        raise ValueError(f"start: got shape {w.shape}, expected two numbers (w1, w2)")
    v = np.zeros(2)
    path = [w.copy()]
    for _ in range(int(steps)):
        v = momentum * v + s.grad(w)
        w = w - lr * v
        path.append(w.copy())
        if not np.all(np.abs(w) < bound):
            break
    return np.array(path)


def classify(surface, path: np.ndarray) -> str:
    """Name what a path does: 'diverges', 'zig-zags' (converging across the valley) or
    'converges' (smoothly)."""
    s = _surface(surface)
    losses = s.loss(path[:, 0], path[:, 1])
    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return "diverges"
    steps = np.diff(path, axis=0)
    turns = np.einsum("ij,ij->i", steps[1:], steps[:-1]) < 0      # consecutive steps reverse
    if turns[:10].sum() >= 3:                                     # early and often
        return "zig-zags"
    return "converges"


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

    def __init__(self, surface="ravine", lr: float = 0.15, momentum: float = 0.0,
                 steps: int = 40, figsize=(8.6, 3.6), dpi: int = 72):
        self.surface = _surface(surface)
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FastCanvas(self.fig)   # a canvas that renders to PNG quickly
        self.ax, self.ax_loss = self.fig.subplots(1, 2, width_ratios=[1.35, 1])
        _contours(self.ax, self.surface)
        self.ax.plot(*self.surface.start, "o", color="k", ms=5, zorder=4)
        (self.path_line,) = self.ax.plot([], [], "-o", color="C3", ms=3, lw=1.2, zorder=3)
        (self.loss_line,) = self.ax_loss.plot([], [], "-", color="C3", lw=1.5)
        self.ax_loss.set(yscale="log", xlabel="step", ylabel="loss $L(w)$",
                         ylim=(1e-12, 1e6))
        sparse_log_ticks(self.ax_loss, 5)
        self.ax_loss.grid(True, which="major", alpha=0.3)
        self.update(lr=lr, momentum=momentum, steps=steps)
        fewer_ticks(self.fig)
        self.fig.canvas.set_animated([self.path_line, self.loss_line, self.ax.title,
                                      self.ax_loss.title])
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
            self.fig.canvas.invalidate()              # the axis changed: redraw it all
        mom = f", momentum {momentum:g}" if momentum else ""
        self.ax.set_title(f"learning rate {lr:g}{mom}: {self.status}", fontsize=10)
        self.ax_loss.set_title(f"loss after {len(losses) - 1} steps: {losses[-1]:.3g}",
                               fontsize=10)
        return self.fig


def descent_gallery(surface="ravine", lrs=(0.05, 0.15, 0.21), momentum: float = 0.0,
                    steps: int = 30, figsize=(10, 3.4)) -> Figure:
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
