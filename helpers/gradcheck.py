"""A gradient checker (lesson 03): analytic gradients vs central differences, explained.

    from helpers import gradcheck
    report = gradcheck.check_gradients(model, X, y, loss=nn.SoftmaxCrossEntropy())
    report.ok            # True when every array agrees
    print(report)        # one line per array; for a bad one: where, how much, likely cause

For every parameter array (biases included) and for the input ``X``, every entry is moved
by ±h in float64 and the change of the scalar ``f`` is compared with the gradient that
``backward`` computed:

    numerical = (f(x + h) − f(x − h)) / (2h)
    relative error = |analytic − numerical| / max(|analytic| + |numerical|, floor)

``f`` is the loss when one is given; without a loss it is ``sum(G * model.forward(X))`` with a
fixed random, non-uniform ``G`` (an all-ones ``G`` could let errors cancel), and ``G`` is what
goes into ``backward``. Each perturbed entry is restored even if the forward pass raises.

Entries much smaller than the array's largest are compared on the array's scale (the floor
is 1e-4 of its largest numerical entry), and no entry on a scale finer than the rounding noise
of a central difference (about ε·|f|/h, ε the float64 machine epsilon: a gradient that is
exactly 0 comes out as ±1e-10 or so, differently on different CPUs). The default tolerance is
1e-5 (the pass rule of the whole series); a correct gradient of a smooth function usually
gives 1e-6 or less, often far less; near a kink of ReLU the
central difference straddles two slopes and the error can be large although the code is right
— the checker says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import calculus, checks, nn
from .checks import callable_, checked, positive, real, whole

__all__ = [
    "numerical_gradient",
    "relative_error",
    "check_gradients",
    "GradCheckReport",
    "ArrayCheck",
]


def _floats_in_place(where: str, name: str, value: object, _: dict) -> np.ndarray:
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        raise TypeError(
            f"{where}: {name} must be a NumPy array of floats (it is changed in place, "
            f"and f reads it), got {checks.got(value)}"
        )
    return value


STEP = real(0, 1, low_open=True)  # h, the step of a central difference


@checked(f=callable_, x=_floats_in_place, h=STEP)
def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar function ``f()`` with respect to the array ``x``.

    ``x`` is changed in place, one entry at a time, and restored (also on exceptions);
    ``f`` takes no argument and reads ``x``.
    """
    return _each_entry(f, x, h)


def _each_entry(f, x: np.ndarray, h: float) -> np.ndarray:
    """The central difference of ``f()`` in each entry of ``x``, the other entries held
    (``x`` is changed in place and restored, also on exceptions)."""
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            grad[idx] = calculus.central_difference(_of_entry(f, x, idx), old, h)
        finally:
            x[idx] = old
    return grad


def _of_entry(f, x: np.ndarray, idx: tuple):
    """``f()`` as a function of the one entry ``x[idx]``: it sets the entry, then calls f."""

    def f_at(value):
        x[idx] = value
        return f()

    return f_at


@checked(floor=positive)
def relative_error(analytic: np.ndarray, numerical: np.ndarray, floor: float = 1e-8) -> np.ndarray:
    """Entry-wise ``|a − n| / max(|a| + |n|, floor)``."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numerical, dtype=np.float64)
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), floor)


@dataclass
class ArrayCheck:
    """The comparison for one array: ``name``, ``max_error``, the worst ``entries`` as
    ``(index, analytic, numerical, relative error)`` and the likely ``cause`` if it failed."""

    name: str
    shape: tuple
    ok: bool
    max_error: float
    entries: list = field(default_factory=list)
    cause: str = ""
    analytic: np.ndarray | None = None
    numerical: np.ndarray | None = None

    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        head = f"{mark} {self.name:<12} shape {str(self.shape):<10}"
        if self.ok:
            # how far below the tolerance depends on the CPU's rounding (finite differences
            # of a sum whose order differs between SIMD and BLAS kernels): printed as a pass,
            # the number stays in ``max_error``
            return f"{head} agrees"
        out = [f"{head} WRONG: max relative error {self.max_error:.1e}"]
        for idx, a, n, r in self.entries:
            out.append(
                f"      at {idx}: analytic {a:.6g}, numerical {n:.6g} (relative error {r:.1e})"
            )
        out.append(f"      likely cause: {self.cause}")
        return "\n".join(out)


@dataclass
class GradCheckReport:
    """All array checks; ``ok`` when all pass. ``print(report)`` explains."""

    checks: list
    h: float
    tol: float

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def __getitem__(self, name: str) -> ArrayCheck:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(f"no array named {name!r}; have {[c.name for c in self.checks]}")

    @property
    def failed(self) -> list:
        return [c.name for c in self.checks if not c.ok]

    def __str__(self) -> str:
        lines = [c.line() for c in self.checks]
        verdict = (
            "all gradients agree with central differences"
            if self.ok
            else f"{len(self.failed)} of {len(self.checks)} arrays disagree: "
            + ", ".join(self.failed)
        )
        lines.append(f"(h = {self.h:g}, tolerance {self.tol:g}) {verdict}")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):  # IPython shows the text, not a dataclass dump
        p.text(str(self))


# ---------------------------------------------------------------- the checker


def _relus(model):
    """Layers that store a ReLU-style mask (their kinks can be crossed)."""
    layers = getattr(model, "layers", [model])
    found = []
    for layer in layers:
        found += (
            _relus(layer)
            if hasattr(layer, "layers")
            else ([layer] if hasattr(layer, "mask") else [])
        )
    return found


def _layer(where: str, name: str, value: object, _: dict) -> nn.Module:
    if not all(callable(getattr(value, m, None)) for m in ("forward", "backward", "parameters")):
        raise TypeError(
            f"{where}: {name} must be a layer or a Sequential (with forward, "
            f"backward and parameters()), got {checks.got(value)}"
        )
    return value


def _own_floats(where: str, name: str, value: object, _: dict) -> np.ndarray:
    X = np.array(checks.array(where, name, value, dtype=None), copy=True)  # ours: we perturb it
    return X if np.issubdtype(X.dtype, np.floating) else X.astype(np.float64)


@checked(model=_layer, h=STEP, tol=positive, seed=whole(0), worst=whole(0), X=_own_floats)
def check_gradients(
    model: nn.Module,
    X: np.ndarray,
    y: np.ndarray | None = None,
    loss: nn.MSE | nn.SoftmaxCrossEntropy | None = None,
    *,
    h: float = 1e-6,
    tol: float = 1e-5,
    seed: int = 0,
    check_input: bool = True,
    verbose: bool = False,
    worst: int = 3,
) -> GradCheckReport:
    """Compare the analytic gradients of ``model`` with central differences.

    ``model``: a layer or a ``Sequential`` (anything with ``forward``, ``backward`` and
    ``parameters()``). ``loss``: e.g. ``nn.SoftmaxCrossEntropy()`` with targets ``y``; without
    it, a random upstream gradient ``G`` (seeded by ``seed``) is used. Checks every parameter
    array and, with ``check_input``, the input ``X`` against what ``backward`` returns.
    ``verbose`` prints the report. The model's stored values and gradients are left as they
    are for the unperturbed point.
    """
    f = _Scalar(model, X, y, loss, seed)
    f0, dX, grads = f.with_gradients()
    base_masks = [np.array(r.mask) for r in _relus(model)]
    targets = [(p.name or f"param{i}", p.data, g) for i, (p, g) in enumerate(zip(f.params, grads))]
    if check_input:
        targets.append(("input X", X, None if dX is None else np.asarray(dX)))
    try:
        results = [
            _check_one(name, arr, a, f, h, tol, f0, base_masks, model, worst, len(X))
            for name, arr, a in targets
        ]
    finally:
        f.with_gradients()  # leave stored values and grads as at the unperturbed point
    report = GradCheckReport(results, h, tol)
    if verbose:
        print(report)
    return report


class _Scalar:
    """The scalar ``f`` whose gradient is checked: the loss of ``model(X)`` against ``y``, or
    without a loss ``sum(G * model(X))`` for a fixed random upstream gradient ``G``."""

    def __init__(self, model, X, y, loss, seed):
        self.model, self.X, self.y, self.loss = model, X, y, loss
        self.params = list(model.parameters())
        self.rng, self.G = np.random.default_rng(seed), None

    def __call__(self) -> float:
        out = self.model.forward(self.X)
        if self.loss is not None:
            return float(self.loss.forward(out, self.y))
        return float(np.sum(self.G * out))

    def with_gradients(self):
        """``(f, dX, [p.grad, ...])``: one forward and one backward pass."""
        out = self.model.forward(self.X)
        if self.loss is not None:
            f0, dout = float(self.loss.forward(out, self.y)), self.loss.backward()
        else:
            if self.G is None:
                self.G = self.rng.standard_normal(np.shape(out))
            f0, dout = float(np.sum(self.G * out)), self.G
        dX = self.model.backward(dout)
        return f0, dX, [None if p.grad is None else np.array(p.grad) for p in self.params]


def _check_one(name, arr, a, f, h, tol, f0, base_masks, model, worst, batch):
    shape = tuple(arr.shape)
    wrong = _wrong_shape(name, shape, a)
    if wrong:
        return wrong
    a = np.asarray(a)
    num, one_sided_gap, flipped = _numerical(f, arr, h, f0, model, base_masks)
    # the floor: entries far smaller than the array's largest are compared on the array's
    # scale, and none on a scale finer than the rounding noise of a central difference,
    # about ε·|f|/h (an entry whose true gradient is 0 comes out as ±1e-10 or so, and which
    # ±1e-10 depends on the CPU): that noise, ten times over, must pass the tolerance
    noise = 10 * np.finfo(np.float64).eps * max(1.0, abs(f0)) / h
    floor = max(noise / tol, 1e-4 * float(np.max(np.abs(num), initial=0.0)))
    err = relative_error(a, num, floor)
    max_err = float(err.max()) if err.size else 0.0
    ok = bool(max_err < tol) and bool(np.all(np.isfinite(a)))
    order = np.argsort(err, axis=None)[::-1][:worst]
    entries = [
        (
            tuple(int(i) for i in np.unravel_index(k, shape)),
            float(a.flat[k]),
            float(num.flat[k]),
            float(err.flat[k]),
        )
        for k in order
        if err.flat[k] >= tol
    ]
    cause = "" if ok else _diagnose(name, arr, a, num, err, tol, one_sided_gap, flipped, batch)
    return ArrayCheck(name, shape, ok, max_err, entries, cause, a, num)


def _wrong_shape(name, shape, a) -> ArrayCheck | None:
    """The failed check of a gradient that is missing or of the wrong shape, else None."""
    if a is None:
        return ArrayCheck(
            name, shape, False, math.inf, [], "backward did not produce this gradient (it is None)"
        )
    if np.shape(a) != shape:
        return ArrayCheck(
            name,
            shape,
            False,
            math.inf,
            [],
            f"wrong shape: the gradient has shape {np.shape(a)} but the array has "
            f"shape {shape}. A wrong shape is silently broadcast by NumPy "
            "(e.g. a bias gradient dY.sum() instead of dY.sum(axis=0), or "
            "keepdims=True); the gradient must have the array's exact shape",
            analytic=np.asarray(a),
        )
    return None


def _numerical(f, arr, h, f0, model, base_masks):
    """The central differences of ``f`` in each entry of ``arr``, with what they tell beyond
    the number: how far the two one-sided differences are apart, and whether a ReLU flipped
    within ±h (both kinks)."""
    relus, noted = _relus(model), []

    def f_noted():  # f, noting f(x ± h) and whether a ReLU flipped
        value = f()
        flip = any(not np.array_equal(r.mask, m) for r, m in zip(relus, base_masks))
        noted.append((value, flip))
        return value

    num = _each_entry(f_noted, arr, h)
    values = np.array([v for v, _ in noted], dtype=np.float64).reshape(*arr.shape, 2)
    fp, fm = values[..., 0], values[..., 1]
    one_sided_gap = np.abs((fp - f0) - (f0 - fm)) / h
    flipped = np.array([flip for _, flip in noted], dtype=bool).reshape(*arr.shape, 2).any(axis=-1)
    return num, one_sided_gap, flipped


_KINK = (
    "a kink was crossed within h (a ReLU input within h of 0, where the slope "
    "jumps): the central difference averages the slopes of both sides, so it "
    "cannot be trusted there. The analytic gradient may well be right: check at "
    "other points, away from the kinks, or with a smaller h"
)


def _diagnose(name, arr, a, num, err, tol, gap, flipped, batch):
    bad = err >= tol
    if not np.all(np.isfinite(a)):
        return "the analytic gradient contains inf or NaN"
    kink = flipped | (gap > 1e-4 * np.maximum(1.0, np.abs(num)))
    if np.any(bad) and np.all(kink[bad]):
        return _KINK
    if arr.dtype != np.float64:
        return (
            f"the array is {arr.dtype}, not float64: a step of h changes the value by "
            "only a few representable numbers (float32 has ~7 digits), so the "
            "differences are rounding noise. Check gradients in float64"
        )
    factor = _constant_factor(a, num, batch)
    if factor:
        return factor
    if a.ndim == 2 and a.shape[0] == a.shape[1] and np.allclose(a.T, num, rtol=1e-5, atol=1e-10):
        return "the gradient is transposed (Xᵀ·dY versus dY·Xᵀ?)"
    if a.size > 1 and np.allclose(a, a.flat[0]) and not np.allclose(num, num.flat[0]):
        return (
            "every entry of the analytic gradient is the same number while the numerical "
            "ones differ: a scalar (a total sum?) broadcast to the array's shape"
        )
    if np.count_nonzero(bad) < bad.size:
        return (
            f"{np.count_nonzero(bad)} of {bad.size} entries disagree: look at the "
            "listed entries (a wrong index, a term missing for some rows?)"
        )
    return "the backward formula is wrong for this array (no simpler pattern found)"


def _constant_factor(a, num, batch) -> str:
    """If the analytic gradient is the numerical one times a constant c ≠ 1, what c is
    (with the usual mistake for a known c); else ``""``."""
    nz = np.abs(num) > 1e-6 * np.max(np.abs(num)) if num.size else np.zeros(0, bool)
    if not np.any(nz):
        return ""
    ratio = a[nz] / num[nz]
    c = float(np.median(ratio))
    scaled = (
        abs(c - 1) > 1e-3
        and np.allclose(ratio, c, rtol=1e-4)
        and np.allclose(a, c * num, rtol=1e-4, atol=1e-8 * np.abs(a).max())
    )
    if not scaled:
        return ""
    if abs(c + 1) < 1e-4:
        return "the sign is flipped everywhere (a − where a + belongs?)"
    known = (
        (batch, "the batch size N: a sum where a mean belongs, or a missing 1/N"),
        (1 / max(batch, 1), "1/N: divided by the batch size twice, or a mean where a sum belongs"),
        (2.0, "2 (the derivative of a square counted twice?)"),
        (0.5, "1/2 (a missing factor 2 from the derivative of a square?)"),
    )
    for k, what in known:
        if abs(c - k) < 1e-4 * abs(k):
            return f"off by a constant factor {c:.6g} = {what}"
    return f"off by a constant factor {c:.6g} everywhere"
