"""Jacobians and vector–Jacobian products: the chain rule in matrix form (notebooks 03, 05).

A function ``y = f(x)`` from n numbers to m numbers has, at each point, an m × n matrix of
partial derivatives, its **Jacobian** ``J[i, j] = ∂y_i/∂x_j``. The chain rule for
``z = g(f(x))`` is a product of Jacobians, ``J_z(x) = J_g(f(x)) · J_f(x)``.

Backpropagation never builds these matrices. It carries a row vector ``u = ∂L/∂y`` (one
number per output) backwards and computes the **vector–Jacobian product** ``u · J = ∂L/∂x``
— which, for a linear layer, is the ``dY @ W.T`` of notebook 03. Every ``backward(dY)`` of
:mod:`helpers.nn` is one such product. The functions here build the full matrices, for
checking and for pictures:

* :func:`numerical_jacobian` — by central differences (an independent oracle);
* :func:`jacobian_by_vjps` — row by row, one ``backward`` per output (what backprop would do
  m times to get the whole matrix);
* :func:`backward_signals` — the size of ``∂L/∂h`` at every layer of a network: the running
  vector–Jacobian product whose shrinking is "vanishing gradients".

NumPy and the standard library only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import calculus, nn
from .checks import checked, real

__all__ = ["numerical_jacobian", "jacobian_by_vjps", "backward_signals"]


def _vector(x, fn: str, arg: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{fn}: {arg} must be a non-empty 1-D array, got shape {x.shape}")
    return x


def _a_vector(where: str, name: str, value: object, _: dict) -> np.ndarray:
    return _vector(value, where, name)


@checked(x=_a_vector, h=real(0, 1, low_open=True))
def numerical_jacobian(f: Callable, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """The Jacobian of ``f`` (1-D array in, 1-D array out) at ``x`` by central differences.

    Column ``j`` is ``(f(x + h e_j) − f(x − h e_j)) / 2h``; the result has shape
    ``(len(f(x)), len(x))``.
    """
    y = _vector(f(x), "numerical_jacobian", "f(x)")
    J = np.empty((y.size, x.size))
    for j in range(x.size):
        J[:, j] = calculus.central_difference(_of_entry(f, x, j), x[j], h)
    return J


def _of_entry(f, x: np.ndarray, j: int):
    """``f`` as a function of entry ``j`` of ``x`` alone (on a copy; the others held)."""

    def f_at(value):
        moved = x.copy()
        moved[j] = value
        return np.asarray(f(moved), dtype=np.float64)

    return f_at


@checked(x=_a_vector)
def jacobian_by_vjps(layer: nn.Module, x: np.ndarray) -> np.ndarray:
    """The Jacobian of a :mod:`helpers.nn` layer at one input row ``x``, from its backward.

    ``layer.backward(u)`` returns ``u · J`` for a row vector ``u``; with ``u`` the i-th unit
    vector that is row ``i`` of ``J``. So ``m`` backward passes give the whole ``m × n``
    matrix — which is why backpropagation passes one vector instead.
    """
    y = np.asarray(layer.forward(x[None, :]))
    if y.ndim != 2 or y.shape[0] != 1:
        raise ValueError(
            f"jacobian_by_vjps: the layer must map a (1, n) row to a (1, m) row, "
            f"got output shape {y.shape}"
        )
    m = y.shape[1]
    rows = []
    for i in range(m):
        layer.forward(x[None, :])  # the backward uses the stored forward values
        u = np.zeros((1, m))
        u[0, i] = 1.0
        rows.append(np.asarray(layer.backward(u))[0])
    return np.array(rows)


def backward_signals(
    model: nn.Sequential,
    X: np.ndarray,
    y: np.ndarray,
    loss: nn.MSE | nn.SoftmaxCrossEntropy | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Forward and backward through the top-level layers of ``model`` on a batch.

    Returns ``(forward_std, backward_norm)``, two arrays with one entry per top-level layer
    (input side first): the standard deviation of the layer's output, and the norm
    ``‖∂L/∂H‖`` of the gradient that reaches the layer's *input* (the running
    vector–Jacobian product, lesson 03 §7). The loss is softmax cross-entropy unless given.
    The parameters' gradients are left at zero.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(
            f"backward_signals: model must be a helpers.nn.Sequential, got {type(model).__name__}"
        )
    loss = loss or nn.SoftmaxCrossEntropy()
    H, stds = np.asarray(X, dtype=np.float64), []
    for layer in model.layers:
        H = layer.forward(H)
        stds.append(float(np.std(H)))
    loss.forward(H, y)
    d = loss.backward()
    norms = []
    for layer in reversed(model.layers):
        d = layer.backward(d)
        norms.append(float(np.linalg.norm(d)))
    model.zero_grad()
    return np.array(stds), np.array(norms[::-1])
