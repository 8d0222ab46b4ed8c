"""Optimisers (lessons 03-05): stochastic gradient descent, with momentum and weight decay;
AdamW, a learning-rate schedule and gradient clipping (lesson 05, going deeper).

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
from .checks import checked, decay_rate, non_negative, positive, real, whole
from .nn import NonFiniteError, Parameter

__all__ = ["SGD", "AdamW", "clip_grad_norm", "warmup_cosine"]


def _parameter_list(where: str, name: str, params: object, _: dict) -> list:
    """A rule: a non-empty list of :class:`helpers.nn.Parameter` (``model.parameters()``)."""
    if isinstance(params, (str, bytes, Parameter)) or not hasattr(params, "__iter__"):
        raise TypeError(
            f"{where}: {name} must be a list of helpers.nn.Parameter (pass "
            f"model.parameters()), got {checks.got(params)}"
        )
    params = list(params)
    if not params:
        raise ValueError(f"{where}: the list of parameters is empty")
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(
                f"{where}: {name}[{i}] is a {type(p).__name__}, not a "
                "helpers.nn.Parameter (pass model.parameters())"
            )
    return params


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

    @checked(params=_parameter_list, lr=positive, momentum=decay_rate, weight_decay=non_negative)
    def __init__(
        self,
        params: list[Parameter],
        lr: float = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        check_finite: bool = True,
    ) -> None:
        self.params = params
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

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum}, weight_decay={self.weight_decay})"


BETAS = dict(beta1=decay_rate, beta2=decay_rate)  # the decays of Adam's two running means


class AdamW:
    """Adam with decoupled weight decay (Kingma & Ba 2015; Loshchilov & Hutter 2019).

    For every parameter p with gradient g, at step t = 1, 2, ...::

        m = β₁·m + (1 − β₁)·g            running mean of the gradients
        v = β₂·v + (1 − β₂)·g²           running mean of their squares
        m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)      bias correction
        p -= lr · (m̂ / (√v̂ + eps) + weight_decay · p)

    m and v start at 0, so without the correction they are too small in the first steps by
    the factors 1 − β₁ᵗ and 1 − β₂ᵗ: the first step would be (1 − β₁)/√(1 − β₂) times
    lr·sign(g) (``bias_correction=False`` shows it). The weight decay is *decoupled*: it
    shrinks p directly and is not divided by √v̂ (with ``weight_decay=0`` this is Adam).
    ``lr`` may be changed between steps (a schedule, :func:`warmup_cosine`).
    """

    @checked(params=_parameter_list, lr=positive, **BETAS, eps=positive, weight_decay=non_negative)
    def __init__(
        self,
        params: list[Parameter],
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        bias_correction: bool = True,
    ) -> None:
        self.params, self.lr, self.beta1, self.beta2 = params, lr, beta1, beta2
        self.eps, self.weight_decay = eps, weight_decay
        self.bias_correction = bool(bias_correction)
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]
        self.steps = 0

    def step(self) -> None:
        for p in self.params:
            if not np.all(np.isfinite(p.grad)):
                raise NonFiniteError(
                    f"the gradient {p.name or 'of a parameter'}", step=self.steps + 1
                )
        self.steps += 1
        t, b1, b2 = self.steps, self.beta1, self.beta2
        c1, c2 = (1 - b1**t, 1 - b2**t) if self.bias_correction else (1.0, 1.0)
        for p, m, v in zip(self.params, self.m, self.v):
            m *= b1
            m += (1 - b1) * p.grad
            v *= b2
            v += (1 - b2) * p.grad**2
            p.data -= self.lr * (
                (m / c1) / (np.sqrt(v / c2) + self.eps) + self.weight_decay * p.data
            )

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad.fill(0.0)

    def __repr__(self) -> str:
        return (
            f"AdamW(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, "
            f"weight_decay={self.weight_decay})"
        )


@checked(params=_parameter_list, max_norm=positive)
def clip_grad_norm(params: list[Parameter], max_norm: float) -> float:
    """Clip by the global norm: if the norm of all the gradients together (the square root
    of the sum of the squares of every entry of every ``p.grad``) is above ``max_norm``,
    scale every gradient by ``max_norm / norm`` (the direction is kept). Returns the norm
    before clipping."""
    norm = math.sqrt(sum(float(np.vdot(p.grad, p.grad)) for p in params))
    if norm > max_norm:
        for p in params:
            p.grad *= max_norm / norm
    return norm


def _step_below_total(where: str, name: str, value: object, a: dict) -> int:
    step = checks.integer(where, name, value, low=0, high=10**9)
    if step >= a["total"]:
        raise ValueError(f"{where}: step must be below total = {a['total']}, got step = {step}")
    return step


@checked(
    total=whole(1, 10**9),
    step=_step_below_total,
    warmup=whole(0, "total"),
    lr_max=positive,
    lr_min=real(0, "lr_max"),
)
def warmup_cosine(step: int, total: int, warmup: int, lr_max: float, lr_min: float = 0.0) -> float:
    """The learning rate at ``step`` (0, 1, ..., total − 1): a linear warm-up from lr_max/warmup
    to lr_max over the first ``warmup`` steps, then a cosine decay from lr_max to lr_min at
    the last step."""
    if step < warmup:
        return lr_max * (step + 1) / warmup
    span = max(1, total - 1 - warmup)
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * (step - warmup) / span))
