"""Optimisers (lessons 03-05): stochastic gradient descent, with momentum and weight decay.

One step of plain gradient descent moves every parameter against its gradient::

    p.data -= lr * p.grad

Momentum keeps a running velocity (PyTorch's convention)::

    v = momentum * v + (p.grad + weight_decay * p.data)
    p.data -= lr * v

The update is done in place on ``p.data``; it is not part of any computation being
differentiated. A gradient that is inf or NaN raises :class:`helpers.nn.NonFiniteError`
naming the parameter and the step, before any parameter is changed.
"""

from __future__ import annotations

import math

import numpy as np

from . import checks
from .nn import NonFiniteError, Parameter

__all__ = ["SGD"]


class SGD:
    """Stochastic gradient descent on a list of :class:`helpers.nn.Parameter`.

    ``weight_decay=λ`` is the *coupled* L2 form: it adds ``λ·p.data`` to the gradient, and
    with momentum that term enters the velocity with the gradient. Without momentum each step
    then shrinks every parameter by the factor ``1 − lr·λ`` (besides its gradient step); with
    momentum ``μ`` the term builds up in the velocity, and the factor tends to about
    ``1 − lr·λ/(1 − μ)``. This is not the *decoupled* weight decay of SGDW and AdamW
    (Loshchilov & Hutter 2019), which subtracts ``lr·λ·p.data`` outside the velocity; with
    momentum the two are different updates (lesson 04).

    ``steps`` counts the calls to :meth:`step` (the step number in error messages).
    ``check_finite`` (default True) checks every gradient for inf/NaN before updating.
    """

    def __init__(
        self,
        params,
        lr: float = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        check_finite: bool = True,
    ):
        if isinstance(params, (str, bytes, Parameter)) or not hasattr(params, "__iter__"):
            raise TypeError(
                f"SGD: params must be a list of helpers.nn.Parameter (pass "
                f"model.parameters()), got {checks.got(params)}"
            )
        self.params = list(params)
        if not self.params:
            raise ValueError("SGD: the list of parameters is empty")
        for i, p in enumerate(self.params):
            if not isinstance(p, Parameter):
                raise TypeError(
                    f"SGD: params[{i}] is a {type(p).__name__}, not a "
                    "helpers.nn.Parameter (pass model.parameters())"
                )
        lr = checks.number("SGD", "lr", lr, low=0, low_open=True)
        momentum = checks.number("SGD", "momentum", momentum, low=0, high=1, high_open=True)
        weight_decay = checks.number("SGD", "weight_decay", weight_decay, low=0)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.check_finite = check_finite
        self.velocity = [np.zeros_like(p.data) for p in self.params] if momentum else None
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if self.check_finite:
            self._check_finite()
            # every gradient entry is now below 1e154 (its square did not overflow): with lr
            # and weight_decay below 1e100 the update cannot overflow (unless the weights are
            # beyond 1e200 already), and the cost of np.errstate is saved on every step
            if self.lr < 1e100 and self.weight_decay < 1e100:
                self._update()
                return
        # no NumPy overflow warnings: a diverging run gets one clear NonFiniteError instead
        with np.errstate(all="ignore"):
            self._update()

    def _update(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if self.velocity is None:
            for p in self.params:
                g = p.grad + wd * p.data if wd else p.grad
                p.data -= lr * g
        else:
            for p, v in zip(self.params, self.velocity):
                g = p.grad + wd * p.data if wd else p.grad
                v *= mu
                v += g
                p.data -= lr * v

    def _check_finite(self) -> None:
        for p in self.params:
            # one pass per array: the squared norm g·g is NaN or inf if any entry is (or if
            # the entries are so large that it overflows, which is divergence too)
            if not math.isfinite(np.vdot(p.grad, p.grad)):
                bad = int(np.size(p.grad) - np.isfinite(p.grad).sum())
                detail = (
                    f" ({bad} of {p.grad.size} entries are inf/NaN)"
                    if bad
                    else " (its entries are so large that their squares overflow)"
                )
                raise NonFiniteError(
                    f"the gradient {p.name or 'of a parameter'}", step=self.steps, detail=detail
                )

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad.fill(0.0)

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum}, weight_decay={self.weight_decay})"
