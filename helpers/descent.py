"""Gradient descent on a two-parameter loss surface (lesson 05; lesson 03 draws one too).

A loss surface ``L(w1, w2)`` is small enough to draw as contours, and gradient descent

    w ← w − η ∇L(w)                       (η: the learning rate)

leaves a path on it. With momentum (the heavy ball, written as in ``helpers.optim.SGD``)

    v ← μ v + ∇L(w),    w ← w − η v

the path keeps some of its previous direction. On the quadratic "ravine"
``L = ½ (κ1 u1² + κ2 u2²)`` (u: coordinates along the valley's axes) plain descent converges
exactly when ``η < 2 / κ_max``, and zig-zags across the valley when ``η > 1 / κ_max``; at
``η = 2 / κ_max`` the zig-zag keeps its size for ever (:func:`rate` is 1), so the path
neither converges nor diverges.
The figures are in :mod:`helpers.figures.training_deep_networks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import checks
from .checks import checked, decay_rate, positive, whole


@dataclass(frozen=True)
class Surface:
    """A two-parameter loss: its value, its gradient, where to start and what to draw."""

    name: str
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray]  # works on arrays (for contours)
    grad: Callable[[np.ndarray], np.ndarray]  # gradient at one point, shape (2,)
    start: tuple[float, float]
    minimum: tuple[float, float]
    extent: tuple[float, float, float, float]  # w1 min, w1 max, w2 min, w2 max
    levels: np.ndarray
    curvatures: tuple[float, ...] | None = None  # a quadratic bowl's κ_i; None otherwise


# The ravine: a quadratic bowl with curvatures 1 and 10 along axes turned by 30 degrees.
_THETA = np.deg2rad(30.0)


_R = np.array([[np.cos(_THETA), -np.sin(_THETA)], [np.sin(_THETA), np.cos(_THETA)]])


RAVINE_AXES = _R  # columns: the valley's two axes


RAVINE_CURVATURES = (1.0, 10.0)


_H = _R @ np.diag(RAVINE_CURVATURES) @ _R.T  # the Hessian: constant on a quadratic


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


def _surface_of(name, loss, grad, start, minimum, extent, top, curvatures=None):
    """A Surface with 12 contour levels from 0.01 up to ``top``."""
    levels = np.geomspace(0.01, top, 12)
    return Surface(name, loss, grad, start, minimum, extent, levels, curvatures)


SURFACES = {
    "ravine": _surface_of(
        "ravine",
        _ravine_loss,
        _ravine_grad,
        (-2.6, 1.2),
        (0, 0),
        (-3, 3, -2, 2),
        30,
        RAVINE_CURVATURES,
    ),
    "banana": _surface_of(
        "banana", _banana_loss, _banana_grad, (-1.2, 1.6), (1, 1), (-2, 2, -1, 3), 60
    ),
}


def as_surface(surface: str | Surface, where: str = "as_surface") -> Surface:
    """The :class:`Surface` ``surface`` names (a key of ``SURFACES``), or ``surface`` itself if
    it is one; ``where`` names the caller in the error message."""
    if isinstance(surface, Surface):
        return surface
    return SURFACES[checks.choice(where, "surface", surface, sorted(SURFACES))]


def _surface(where: str, name: str, value: object, _: dict) -> Surface:
    """A rule: a :class:`Surface` or the name of one."""
    return as_surface(value, where)


def _start(where: str, name: str, value: object, a: dict) -> np.ndarray:
    w = np.array(a["surface"].start if value is None else value, dtype=float)
    if w.shape != (2,):
        raise ValueError(f"{where}: {name} must be two numbers (w1, w2), got shape {w.shape}")
    return w


@checked(
    surface=_surface,
    lr=positive,
    momentum=decay_rate,
    steps=whole(0, 10**6),
    bound=positive,
    start=_start,
)
def descend(
    surface: str | Surface = "ravine",
    lr: float = 0.1,
    steps: int = 40,
    momentum: float = 0.0,
    start: tuple[float, float] | None = None,
    bound: float = 1e6,
) -> np.ndarray:
    """Return the path of (momentum) gradient descent: an array of shape (steps + 1, 2).

    The path stops early (fewer rows) once a coordinate exceeds ``bound`` in size: the run
    has diverged and further steps would only overflow.
    """
    w, v = start, np.zeros(2)
    path = [w.copy()]
    for _ in range(steps):
        v = momentum * v + surface.grad(w)
        w = w - lr * v
        path.append(w.copy())
        if not np.all(np.abs(w) < bound):
            break
    return np.array(path)


@checked(surface=_surface, lr=positive, momentum=decay_rate)
def rate(surface: str | Surface, lr: float, momentum: float = 0.0) -> float | None:
    """On a quadratic bowl (a surface with ``curvatures``), the factor by which the size of
    the slowest-shrinking direction is multiplied per step in the long run; ``None`` on any
    other surface. Below 1 the path converges, above 1 it diverges; at exactly 1 (plain
    descent at ``η = 2/κ``) it zig-zags for ever at the same size.

    Plain descent multiplies ``u_i`` by ``1 − ηκ_i``; with momentum, ``u_i`` follows
    ``u ← (1 + μ − ηκ_i) u − μ u_previous``, whose factors are the roots of
    ``λ² − (1 + μ − ηκ_i) λ + μ = 0``.
    """
    if surface.curvatures is None:
        return None
    sizes = [
        np.max(np.abs(np.roots([1.0, -(1 + momentum - lr * k), momentum])))
        for k in surface.curvatures
    ]
    return float(max(sizes))


def _path(where: str, name: str, value: object, _: dict) -> np.ndarray:
    path = np.asarray(value, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
        raise ValueError(f"{where}: {name} must have shape (steps + 1, 2), got {path.shape}")
    return path


@checked(surface=_surface, path=_path, momentum=decay_rate, lr=checks.optional(positive))
def classify(
    surface: str | Surface, path: np.ndarray, lr: float | None = None, momentum: float = 0.0
) -> str:
    """Name what a path does: 'diverges', 'does not converge' (zig-zags for ever at the same
    size), 'zig-zags' (converging across the valley) or 'converges' (smoothly).

    Given the ``lr`` (and ``momentum``) that made the path on a quadratic bowl, convergence
    is decided exactly by :func:`rate` (with a margin of 1e-9 for rounding); otherwise from
    the path: a run whose last loss is above its first diverges. A run of finite length
    cannot tell a zig-zag that shrinks by 0.1 % per step from one that never shrinks.
    """
    factor = None if lr is None else rate(surface, lr, momentum)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = surface.loss(path[:, 0], path[:, 1])
    if factor is not None:
        if factor > 1 + 1e-9:
            return "diverges"
        if factor >= 1 - 1e-9:
            return "does not converge"
    elif not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return "diverges"
    steps = np.diff(path, axis=0)
    turns = np.einsum("ij,ij->i", steps[1:], steps[:-1]) < 0  # consecutive steps reverse
    if turns[:10].sum() >= 3:  # early and often
        return "zig-zags"
    return "converges"
