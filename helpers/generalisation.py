"""Generalisation (notebook 04): training, validation and test sets, overfitting, L2
regularisation and weight decay, early stopping.

* :func:`split` — indices for a training, a validation and a test set.
* :func:`train_with_validation` — full-batch SGD that records the training *and* the
  validation loss at every step, and remembers the step where the validation loss was lowest
  (early stopping keeps the parameters of that step).
* :func:`sgd_step_with_l2` and :func:`rmsprop_step` — one update written out, to check that
  an L2 term in the loss and weight decay are the same update for plain SGD (without
  momentum; with momentum they differ too, see :class:`helpers.optim.SGD`), and not for an
  adaptive optimiser (and :func:`rmsprop_step` has no bias correction, so its first step is
  about three times too long).
* :func:`standard_error` — how noisy an accuracy measured on a small test set is.

NumPy and the standard library only.
"""

from __future__ import annotations

import numpy as np

from . import checks, nn, optim
from .checks import checked, decay_rate, non_negative, positive, real, whole

__all__ = [
    "split",
    "train_with_validation",
    "restore",
    "sgd_step_with_l2",
    "rmsprop_step",
    "standard_error",
]


def _three_fractions(where: str, name: str, value: object, _: dict) -> np.ndarray:
    fr = np.asarray(value, dtype=float)
    if fr.shape != (3,) or np.any(fr <= 0) or not np.isclose(fr.sum(), 1.0):
        raise ValueError(
            f"{where}: {name} must be three positive numbers that add up to 1, got {value!r}"
        )
    return fr


@checked(n=whole(3, 10**8), seed=whole(0), fractions=_three_fractions)
def split(
    n: int, fractions: tuple[float, float, float] = (0.6, 0.2, 0.2), seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle ``range(n)`` and cut it into training, validation and test indices."""
    order = np.random.default_rng(seed).permutation(n)
    a = int(round(fractions[0] * n))
    b = a + int(round(fractions[1] * n))
    return order[:a], order[a:b], order[b:]


def _work(where: str, a: dict) -> None:
    rows = len(a["X_train"]) + len(a["X_val"])
    checks.training_work(where, a["steps"], rows, nn.n_params(a["model"]))


@checked(_work, steps=whole(1, 10**5), lr=positive, momentum=decay_rate, weight_decay=non_negative)
def train_with_validation(
    model: nn.Module,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    steps: int = 1000,
    lr: float = 0.1,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
) -> dict:
    """Full-batch SGD on softmax cross-entropy, evaluating the validation loss every step.

    Returns ``{"train": losses, "val": losses, "best_step": k, "best_val": v,
    "best_params": arrays}`` where
    ``train[k]`` and ``val[k]`` are the losses *before* update ``k`` (so index 0 is the
    initial model), ``best_step`` is the index of the lowest validation loss and
    ``best_params`` a copy of the parameters at that step (what early stopping keeps; put
    them back with :func:`restore`). The loss
    recorded is the data loss only: the L2 term, if any, enters through ``weight_decay``.
    """
    loss, val_loss = nn.SoftmaxCrossEntropy(), nn.SoftmaxCrossEntropy()
    opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    train, val, best_params = [], [], None
    for _ in range(steps):
        val.append(float(val_loss.forward(model.forward(X_val), y_val)))
        if val[-1] <= min(val):
            best_params = [p.data.copy() for p in model.parameters()]
        opt.zero_grad()
        train.append(float(loss.forward(model.forward(X_train), y_train)))
        model.backward(loss.backward(), input_grad=False)
        opt.step()
    best = int(np.argmin(val))
    return {
        "train": np.array(train),
        "val": np.array(val),
        "best_step": best,
        "best_val": float(val[best]),
        "best_params": best_params,
    }


def restore(model: nn.Module, params: list[np.ndarray]) -> None:
    """Put copies of parameter arrays (``best_params``) back into ``model``."""
    ps = model.parameters()
    if len(ps) != len(params) or any(p.data.shape != np.shape(a) for p, a in zip(ps, params)):
        raise ValueError("restore: params must match model.parameters() in number and shapes")
    for p, a in zip(ps, params):
        p.data[...] = a


@checked(lr=positive, lam=non_negative)
def sgd_step_with_l2(
    w: np.ndarray, grad: np.ndarray, lr: float, lam: float, decoupled: bool = False
) -> np.ndarray:
    """One plain SGD step on ``L(w) + lam/2 · ‖w‖²``.

    ``decoupled=False``: the L2 term's gradient ``lam · w`` is added to the gradient,
    ``w − lr·(grad + lam·w)``. ``decoupled=True``: weight decay, shrink then step,
    ``(1 − lr·lam)·w − lr·grad``. For plain SGD (no momentum) the two are the same number;
    with momentum the coupled form's ``lam·w`` builds up in the velocity, and they differ.
    """
    w, grad = np.asarray(w, dtype=float), np.asarray(grad, dtype=float)
    if decoupled:
        return (1 - lr * lam) * w - lr * grad
    return w - lr * (grad + lam * w)


@checked(lr=positive, lam=non_negative, beta=decay_rate, eps=positive)
def rmsprop_step(
    w: np.ndarray,
    grad: np.ndarray,
    v: np.ndarray,
    lr: float,
    lam: float,
    decoupled: bool = False,
    beta: float = 0.9,
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray]:
    """One step of RMSProp, an adaptive optimiser: each entry's step is divided by a running
    root-mean-square ``√v`` of its gradients. Returns ``(w, v)``.

    ``decoupled=False`` puts the L2 gradient ``lam·w`` into the gradient, so it is divided by
    ``√v`` too; ``decoupled=True`` decays the weights separately, ``w − lr·lam·w`` (the
    idea of AdamW, Loshchilov & Hutter 2019). Here the two differ.

    No bias correction: started from ``v = 0``, the first step has ``v = (1 − beta)·g²``, so
    it moves each entry by ``lr·g/√((1 − beta)·g²) = lr/√(1 − beta) ≈ 3.16·lr`` (for
    ``beta = 0.9``) in the direction of ``−sign(g)``, whatever the size of ``g``: about three
    times the steady step. Adam divides its running averages by ``1 − betaᵗ`` after ``t``
    steps (bias correction) to remove exactly this (lesson 05).
    """
    w, grad, v = (np.asarray(a, dtype=float) for a in (w, grad, v))
    g = grad if decoupled else grad + lam * w
    v = beta * v + (1 - beta) * g**2
    step = lr * g / (np.sqrt(v) + eps)
    return ((1 - lr * lam) * w - step if decoupled else w - step), v


@checked(accuracy=real(0, 1), n=whole(1))
def standard_error(accuracy: float, n: int) -> float:
    """The standard error of an accuracy measured on ``n`` independent test points,
    ``√(p(1 − p)/n)``: how much the score would typically move on another test set of the
    same size (45 points at p = 0.8: about 0.06, six percentage points)."""
    return float(np.sqrt(accuracy * (1 - accuracy) / n))
