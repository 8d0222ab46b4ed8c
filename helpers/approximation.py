"""Universal approximation with one hidden layer, by construction (notebook 04).

One hidden layer of n ReLU units can represent exactly the piecewise-linear function that
joins the points ``(x_k, f(x_k))`` of n + 1 knots ``a = x_0 < x_1 < … < x_n = b``::

    g(x) = f(x_0) + s_0·relu(x − x_0) + Σ_{k≥1} (s_k − s_{k−1})·relu(x − x_k)     on [a, b]

where ``s_k`` is the slope of segment k: unit k switches on at knot k and changes the slope
by the difference. For a smooth f the error of this interpolant shrinks like 1/n² as the
knots get closer — so enough units approximate f as closely as we like, uniformly on the
closed interval [a, b] (the largest error over [a, b] goes to 0), which is the content of the
universal approximation theorem for this case: uniform approximation of a continuous function
on a compact set. Outside [a, b] the interpolant continues as a straight line and promises
nothing. NumPy only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import nn
from .checks import checked, interval_ends, whole

__all__ = ["one_layer_interpolant", "max_error"]


@checked(**interval_ends, n=whole(1, 10**5))
def one_layer_interpolant(f: Callable, a: float, b: float, n: int) -> nn.Sequential:
    """A ``Linear(1, n) → ReLU → Linear(n, 1)`` network equal, on [a, b], to the piecewise-
    linear interpolant of ``f`` at n + 1 equally spaced knots."""
    knots = np.linspace(a, b, n + 1)
    values = np.asarray(f(knots), dtype=float)
    if values.shape != knots.shape:
        raise ValueError(
            f"one_layer_interpolant: f must map an array of {n + 1} knots to "
            f"{n + 1} values, got shape {values.shape}"
        )
    slopes = np.diff(values) / np.diff(knots)
    hidden, out = nn.Linear(1, n), nn.Linear(n, 1)
    hidden.W.data[...] = 1.0  # unit k computes relu(x − x_k)
    hidden.b.data[...] = -knots[:-1]
    out.W.data[:, 0] = np.concatenate([slopes[:1], np.diff(slopes)])
    out.b.data[...] = values[0]
    return nn.Sequential(hidden, nn.ReLU(), out)


@checked(**interval_ends, points=whole(2, 10**7))
def max_error(model: nn.Module, f: Callable, a: float, b: float, points: int = 2001) -> float:
    """The largest |model(x) − f(x)| over ``points`` equally spaced x in [a, b]."""
    xs = np.linspace(a, b, points)
    return float(np.max(np.abs(model.forward(xs[:, None])[:, 0] - f(xs))))
