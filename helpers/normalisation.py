"""Normalisation layers (notebook 05): layer normalisation, and why residual networks need it.

**Layer normalisation** (Ba, Kiros & Hinton 2016) rescales every example's vector of
activations to mean 0 and variance 1, then applies a learned gain γ and shift β per unit::

    μ = mean(x),  σ² = var(x)            (over the n units of one example)
    x̂ = (x − μ) / √(σ² + eps)
    y = γ · x̂ + β

**Batch normalisation** (Ioffe & Szegedy 2015) does the same per unit over the examples of a
mini-batch instead (and keeps running averages for use after training); it is what He et
al.'s residual networks use. Layer normalisation needs no batch, so it is the one written
here; the backward pass is the same calculus.

Backward, with ``u = ∂L/∂x̂ = γ · ∂L/∂y`` and n units::

    ∂L/∂x = (u − mean(u) − x̂ · mean(u · x̂)) / √(σ² + eps)

(the two means remove what changing μ and σ would undo).

**RMSNorm** (Zhang & Sennrich 2019), what most transformers of 2026 use, skips the mean:
it divides by the root mean square and multiplies by a learned gain, with no shift::

    r = √(mean(x²) + eps),   x̂ = x / r,   y = γ · x̂
    ∂L/∂x = (u − x̂ · mean(u · x̂)) / r        with u = γ · ∂L/∂y

Transformers put the normalisation at the *start* of each residual branch, ``x + f(norm(x))``
("pre-norm"), so the identity path from the input to the output is never normalised:
``Residual(Sequential(RMSNorm(n), ...))`` of :mod:`helpers.residual`. NumPy only.
"""

from __future__ import annotations

import numpy as np

from .checks import checked, non_negative, whole
from .nn import Module, Parameter

__all__ = ["layer_norm", "LayerNorm", "rms_norm", "RMSNorm"]


def _rows_of_units(where: str, name: str, value: object, _: dict) -> np.ndarray:
    X = np.asarray(value, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 2:
        raise ValueError(f"{where}: {name} must have shape (N, n) with n >= 2 units, got {X.shape}")
    return X


#: what a normalisation accepts: rows of at least 2 units, a small eps >= 0
ROWS = dict(X=_rows_of_units, eps=non_negative)
UNITS = dict(n=whole(2, 10**6), eps=non_negative)


@checked(**ROWS)
def layer_norm(X: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Each row of ``X`` shifted to mean 0 and scaled to variance 1 (up to ``eps``)."""
    mu = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, keepdims=True)
    return (X - mu) / np.sqrt(var + eps)


class _RowNorm(Module):
    """What LayerNorm and RMSNorm share: the shape checks of forward and backward."""

    def _rows(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n:
            raise ValueError(f"{self.name}.forward: X must have shape (N, {self.n}), got {X.shape}")
        return X

    def _like_output(self, dY) -> np.ndarray:
        dY = np.asarray(dY, dtype=np.float64)
        if dY.shape != self.Xhat.shape:
            raise ValueError(
                f"{self.name}.backward: dY must have shape {self.Xhat.shape}, got {dY.shape}"
            )
        return dY


class LayerNorm(_RowNorm):
    """Layer normalisation with a gain ``gamma`` (starts at 1) and a shift ``beta`` (0)."""

    @checked(**UNITS)
    def __init__(self, n: int, eps: float = 1e-5) -> None:
        self.n, self.eps = n, eps
        self.gamma = Parameter(np.ones(self.n), "LayerNorm.gamma")
        self.beta = Parameter(np.zeros(self.n), "LayerNorm.beta")
        self.name = "LayerNorm"

    def _set_name(self, name: str) -> None:
        self.name = name
        self.gamma.name, self.beta.name = f"{name}.gamma", f"{name}.beta"

    def forward(self, X: np.ndarray) -> np.ndarray:
        X = self._rows(X)
        self.inv_std = 1.0 / np.sqrt(X.var(axis=1, keepdims=True) + self.eps)
        self.Xhat = (X - X.mean(axis=1, keepdims=True)) * self.inv_std
        return self.gamma.data * self.Xhat + self.beta.data

    def backward(self, dY: np.ndarray) -> np.ndarray:
        dY = self._like_output(dY)
        self.gamma.grad = np.sum(dY * self.Xhat, axis=0)  # as Linear: set, not accumulated
        self.beta.grad = np.sum(dY, axis=0)
        u = dY * self.gamma.data  # dL/dXhat (the u of lesson 05)
        return (
            u
            - u.mean(axis=1, keepdims=True)
            - self.Xhat * np.mean(u * self.Xhat, axis=1, keepdims=True)
        ) * self.inv_std

    def parameters(self) -> list[Parameter]:
        return [self.gamma, self.beta]

    def __repr__(self) -> str:
        return f"LayerNorm({self.n})"


@checked(**ROWS)
def rms_norm(X: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Each row of ``X`` divided by its root mean square √(mean(x²) + eps); no mean is
    subtracted."""
    return X / np.sqrt(np.mean(X**2, axis=1, keepdims=True) + eps)


class RMSNorm(_RowNorm):
    """RMS normalisation with a gain ``gamma`` (starts at 1) and no shift."""

    @checked(**UNITS)
    def __init__(self, n: int, eps: float = 1e-5) -> None:
        self.n, self.eps = n, eps
        self.gamma = Parameter(np.ones(self.n), "RMSNorm.gamma")
        self.name = "RMSNorm"

    def _set_name(self, name: str) -> None:
        self.name = name
        self.gamma.name = f"{name}.gamma"

    def forward(self, X: np.ndarray) -> np.ndarray:
        X = self._rows(X)
        self.inv_rms = 1.0 / np.sqrt(np.mean(X**2, axis=1, keepdims=True) + self.eps)
        self.Xhat = X * self.inv_rms
        return self.gamma.data * self.Xhat

    def backward(self, dY: np.ndarray) -> np.ndarray:
        dY = self._like_output(dY)
        self.gamma.grad = np.sum(dY * self.Xhat, axis=0)  # as Linear: set, not accumulated
        u = dY * self.gamma.data
        return (u - self.Xhat * np.mean(u * self.Xhat, axis=1, keepdims=True)) * self.inv_rms

    def parameters(self) -> list[Parameter]:
        return [self.gamma]

    def __repr__(self) -> str:
        return f"RMSNorm({self.n})"
