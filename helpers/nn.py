"""Neural-network layers with an explicit forward and backward pass, on NumPy arrays.

Each layer's ``forward`` stores what its ``backward`` needs (the input of a linear layer, the
output of a sigmoid, ...); ``backward`` receives the gradient of the loss with respect to the
layer's output and returns the gradient with respect to its input, writing the gradients of
its parameters into ``param.grad`` on the way. The formulas are the ones derived in notebook 03:

    Linear   Y = X·W + b         dX = dY·Wᵀ     dW = Xᵀ·dY     db = column sums of dY
    ReLU     Y = max(X, 0)       dX = dY · [X > 0]          (derivative 0 at the kink X = 0)
    Sigmoid  Y = 1/(1 + e^-X)    dX = dY · Y·(1 − Y)
    Tanh     Y = tanh(X)         dX = dY · (1 − Y²)
    MSE      L = mean((P − T)²)  dP = 2(P − T) / P.size
    Softmax + cross entropy      dZ = (softmax(Z) − onehot(y)) / N

Shapes: a batch is a 2-D array ``X`` of shape ``(N, features)``; ``W`` has shape
``(in, out)``. Shapes are checked on the way in, and a mismatch names the layer, the shape it
expected and the one it received. A loss that is not finite raises :class:`NonFiniteError`
(the usual cause: a learning rate too high).

``backward`` *writes* the parameter gradients (``W.grad = Xᵀ·dY``), it does not add to
them: every parameter of a ``Sequential`` is used once per forward pass, so a second
``backward`` gives the same gradients again, and no ``zero_grad`` is needed between steps
(``zero_grad`` exists and sets them to 0, for code written in PyTorch's style). A layer shared
between two places of a model would need accumulation, which these layers do not do.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterator

import numpy as np

from . import checks
from .checks import array_like, checked, one_of, whole

__all__ = [
    "NonFiniteError",
    "ShapeError",
    "Parameter",
    "Module",
    "Linear",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "Sequential",
    "MSE",
    "SoftmaxCrossEntropy",
    "init_weights",
    "INITS",
    "n_params",
]


class ShapeError(ValueError):
    """An array of the wrong shape reached a layer or a loss."""


class NonFiniteError(FloatingPointError):
    """A loss or a gradient became inf or NaN.

    ``what`` names the quantity (``"loss"``, ``"Linear0.W.grad"``), ``step`` the training step
    (or forward call) where it happened, when known. The message says the likely cause, so a
    training loop or widget can catch the error and show ``str(err)``.
    """

    def __init__(self, what: str, step: int | None = None, detail: str = "") -> None:
        self.what, self.step = what, step
        where = f" at step {step}" if step is not None else ""
        msg = (
            f"{what} is not finite{where}{detail}. The training diverged: the usual cause "
            "is a learning rate too high (each step overshoots and the weights grow "
            "without bound). Try a learning rate 3-10x smaller; also check the inputs "
            "for inf/NaN and their scale."
        )
        super().__init__(msg)


def _shape_error(layer: str, what: str, expected: str, got) -> ShapeError:
    return ShapeError(f"{layer}: {what} must have shape {expected}, got {tuple(np.shape(got))}")


class Parameter:
    """A trainable array ``data`` with its gradient ``grad`` (same shape) and a ``name``."""

    def __init__(self, data: np.ndarray | list | float, name: str = "") -> None:
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self.name = name

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def zero_grad(self) -> None:
        self.grad.fill(0.0)

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, shape={self.data.shape})"


class Module:
    """Base class: ``forward``, ``backward`` and the list of ``parameters``."""

    name = ""

    def forward(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, dY: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.forward(X)

    def parameters(self) -> list[Parameter]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    def _set_name(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# ---------------------------------------------------------------- initialisation

INITS = ("uniform", "xavier", "he")


def _weights_fit(where: str, a: dict) -> None:
    checks.at_most(
        where,
        "the number of weights n_in·n_out",
        a["n_in"] * a["n_out"],
        10**8,
        "a laptop holds about 10^8 float64 weights in 1 GB",
    )


@checked(_weights_fit, n_in=whole(1), n_out=whole(1), init=one_of(INITS))
def init_weights(
    n_in: int, n_out: int, init: str = "he", rng: np.random.Generator | None = None
) -> np.ndarray:
    """A weight matrix of shape ``(n_in, n_out)``.

    ``"uniform"``: U(−1/√n_in, 1/√n_in) (the classic default, PyTorch's for Linear);
    ``"xavier"`` (Glorot): U(−a, a) with a = √(6/(n_in + n_out)), variance 2/(n_in + n_out):
    for tanh, near its linear regime (small pre-activations, where tanh z ≈ z), it keeps the
    variance of activations and gradients about constant (further out tanh is below the
    identity and the signal shrinks slowly, like 1/√(depth)). It does *not* do so for the
    sigmoid, whose slope is at most 1/4 and whose outputs have mean about 1/2 (lesson 05:
    its gradients vanish at any usual gain). ``"he"``: N(0, 2/n_in), which keeps the variance
    for ReLU, which zeroes half its inputs.
    """
    rng = _as_rng(rng)
    if init == "uniform":
        a = 1.0 / math.sqrt(n_in)
        return rng.uniform(-a, a, size=(n_in, n_out))
    if init == "xavier":
        a = math.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-a, a, size=(n_in, n_out))
    if init == "he":
        return rng.normal(0.0, math.sqrt(2.0 / n_in), size=(n_in, n_out))
    raise ValueError(f"init must be one of {INITS}, got {init!r}")


def _as_rng(rng):
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, (int, np.integer)):
        return np.random.default_rng(int(rng))
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {checks.got(rng)}")


# ---------------------------------------------------------------- layers


class Linear(Module):
    """``Y = X·W + b`` with ``W`` of shape ``(n_in, n_out)`` and ``b`` of shape ``(n_out,)``.

    ``forward`` stores ``X``: the gradient of ``W`` needs it (``dW = Xᵀ·dY``).
    ``rng`` is a NumPy Generator or an int seed (``None`` means seed 0); biases start at 0.
    """

    @checked(n_in=whole(1), n_out=whole(1))
    def __init__(
        self,
        n_in: int,
        n_out: int,
        init: str = "he",
        rng: np.random.Generator | None = None,
        name: str = "Linear",
    ) -> None:
        self.n_in, self.n_out, self.init = n_in, n_out, init
        self.W = Parameter(init_weights(self.n_in, self.n_out, init, rng))
        self.b = Parameter(np.zeros(self.n_out))
        self.X = None
        self._set_name(name)

    def _set_name(self, name: str) -> None:
        self.name = name
        self.W.name, self.b.name = f"{name}.W", f"{name}.b"

    def forward(self, X: np.ndarray) -> np.ndarray:
        if getattr(X, "ndim", 0) != 2 or X.shape[1] != self.n_in:
            X = np.asarray(X)
            if X.ndim != 2 or X.shape[1] != self.n_in:
                raise _shape_error(self.name, "the input X", f"(N, {self.n_in})", X)
        self.X = X
        return X @ self.W.data + self.b.data

    def backward(self, dY: np.ndarray, input_grad: bool = True) -> np.ndarray:
        """Set ``W.grad = Xᵀ·dY`` and ``b.grad`` = the column sums of dY; return ``dY·Wᵀ``
        (or ``None`` when ``input_grad=False``: nobody needs the gradient of the data)."""
        X = self.X
        if X is None:
            raise RuntimeError(f"{self.name}: backward called before forward")
        if dY.shape != (X.shape[0], self.n_out):
            raise _shape_error(
                self.name,
                "the upstream gradient dY",
                f"{(X.shape[0], self.n_out)} (batch, n_out)",
                dY,
            )
        self.W.grad = X.T @ dY  # uses the stored input X
        self.b.grad = dY.sum(axis=0)
        return dY @ self.W.data.T if input_grad else None

    def parameters(self) -> list[Parameter]:
        return [self.W, self.b]

    def __repr__(self) -> str:
        return f"Linear({self.n_in}, {self.n_out}, init={self.init!r})"


class _Elementwise(Module):
    """An activation applied entry by entry; checks that dY has the shape of its output."""

    def _check(self, dY, stored):
        if stored is None:
            raise RuntimeError(f"{self.name}: backward called before forward")
        if dY.shape != stored.shape:
            raise _shape_error(
                self.name,
                "the upstream gradient dY",
                f"{stored.shape} (the shape of its output)",
                dY,
            )


class ReLU(_Elementwise):
    """``Y = max(X, 0)``; stores the mask ``X > 0``. Derivative at the kink X = 0: 0."""

    name = "ReLU"

    def __init__(self) -> None:
        self.mask = None

    def forward(self, X: np.ndarray) -> np.ndarray:
        self.mask = X > 0
        return np.maximum(X, 0.0)

    def backward(self, dY: np.ndarray) -> np.ndarray:
        self._check(dY, self.mask)
        return dY * self.mask


class Sigmoid(_Elementwise):
    """``Y = 1/(1 + e^(−X))``; stores Y, because ``dY/dX = Y·(1 − Y)``."""

    name = "Sigmoid"

    def __init__(self) -> None:
        self.Y = None

    def forward(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        # two branches so that exp never overflows: for X < 0 use e^X / (1 + e^X)
        e = np.exp(-np.abs(X))
        self.Y = np.where(X >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        return self.Y

    def backward(self, dY: np.ndarray) -> np.ndarray:
        self._check(dY, self.Y)
        return dY * self.Y * (1.0 - self.Y)


class Tanh(_Elementwise):
    """``Y = tanh(X)``; stores Y, because ``dY/dX = 1 − Y²``."""

    name = "Tanh"

    def __init__(self) -> None:
        self.Y = None

    def forward(self, X: np.ndarray) -> np.ndarray:
        self.Y = np.tanh(X)
        return self.Y

    def backward(self, dY: np.ndarray) -> np.ndarray:
        self._check(dY, self.Y)
        return dY * (1.0 - self.Y**2)


class Sequential(Module):
    """Layers applied one after the other; backward runs them in reverse order.

    Layers are named by type and position (``Linear0``, ``ReLU1``, ``Linear2``), and their
    parameters accordingly (``Linear0.W``, ``Linear0.b``, ...).
    """

    def __init__(self, *layers: Module) -> None:
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(
                    f"Sequential: layer {i} is a {type(layer).__name__}, not a helpers.nn layer"
                )
        seen = {}
        for i, layer in enumerate(layers):
            for p in [layer, *layer.parameters()]:
                if id(p) in seen and seen[id(p)] != i:
                    raise ValueError(
                        f"Sequential: layer {i} ({type(layer).__name__}) is the same "
                        f"layer object as layer {seen[id(p)]} (or shares its parameters). A "
                        "layer stores its last input and writes its gradients instead of "
                        "adding them, so a layer used twice gets wrong gradients: build a new "
                        "layer for each place"
                    )
                seen[id(p)] = i
        for i, layer in enumerate(layers):
            layer._set_name(f"{type(layer).__name__}{i}")
        self.layers = list(layers)
        self.name = "Sequential"
        # can the first layer skip the gradient of its input? (Linear, Sequential can)
        self._skip_ok = bool(layers) and (
            "input_grad" in inspect.signature(layers[0].backward).parameters
        )

    def _set_name(self, name: str) -> None:
        """Inside another container: prefix the layers' names (``Sequential1.Linear0``)."""
        self.name = name
        for i, layer in enumerate(self.layers):
            layer._set_name(f"{name}.{type(layer).__name__}{i}")

    def forward(self, X: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dY: np.ndarray, input_grad: bool = True) -> np.ndarray:
        """Backpropagate ``dY`` (gradient of the loss w.r.t. the output) through every layer.

        Returns the gradient with respect to the input ``X``; with ``input_grad=False`` the
        first linear layer skips that product (training never needs it) and ``None`` is
        returned.
        """
        layers = self.layers
        for layer in layers[:0:-1]:
            dY = layer.backward(dY)
        if self._skip_ok:
            return layers[0].backward(dY, input_grad=input_grad)
        dX = layers[0].backward(dY)
        return dX if input_grad else None

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)"


def n_params(model: Module) -> int:
    """The number of trainable numbers in a model: the entries of all its parameters."""
    return int(sum(p.data.size for p in model.parameters()))


# ---------------------------------------------------------------- losses


class _Loss:
    """A loss: ``forward(pred, target) -> float``, ``backward() -> dL/dpred``.

    ``calls`` counts forward calls; a non-finite loss raises :class:`NonFiniteError` naming
    that count as the step.
    """

    name = "loss"

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def _finite(self, loss: float) -> float:
        if not math.isfinite(loss):
            raise NonFiniteError(
                f"the {self.name} loss", step=self.calls, detail=f" (value {loss})"
            )
        return loss

    def _check_backward(self, stored: str, dL, arguments: str) -> float:
        """``dL`` as a float, once forward has stored ``stored`` (else a RuntimeError)."""
        where = f"{type(self).__name__}.backward"
        if getattr(self, stored, None) is None:
            raise RuntimeError(
                f"{where}: called before forward; call loss.forward({arguments}) first"
            )
        return checks.number(where, "dL", dL)


class MSE(_Loss):
    """Mean squared error over all entries: ``L = mean((P − T)²)``, ``dP = 2(P − T)/P.size``.

    ``target`` must have exactly the shape of ``pred``: a ``(N,)`` target against an ``(N, 1)``
    prediction would silently broadcast to an ``(N, N)`` difference.
    """

    name = "MSE"

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        self.calls += 1
        pred = np.asarray(pred, dtype=np.float64)
        target = np.asarray(target, dtype=np.float64)
        if pred.shape != target.shape:
            raise _shape_error("MSE", "the target", f"{pred.shape} (the shape of pred)", target)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below
            self.diff = pred - target
            loss = float(np.mean(self.diff**2))
        return self._finite(loss)

    def backward(self, dL: float = 1.0) -> np.ndarray:
        dL = self._check_backward("diff", dL, "pred, target")
        return (2.0 * dL / self.diff.size) * self.diff


class SoftmaxCrossEntropy(_Loss):
    """Softmax of the logits Z then cross entropy with integer labels, averaged over the batch.

    ``L = mean_i( logsumexp(Z_i) − Z_i[y_i] )``; forward stores ``P = softmax(Z)`` and the
    backward pass is ``dZ = (P − onehot(y)) / N``. Fusing the two avoids ``log(0)`` and the
    large intermediate gradients of softmax and log taken separately.
    """

    name = "softmax cross-entropy"

    def forward(self, logits: np.ndarray, y: np.ndarray) -> float:
        self.calls += 1
        Z = np.asarray(logits, dtype=np.float64)
        y = np.asarray(y)
        if Z.ndim != 2:
            raise _shape_error("SoftmaxCrossEntropy", "the logits", "(N, classes)", Z)
        if y.shape != (Z.shape[0],):
            raise _shape_error(
                "SoftmaxCrossEntropy",
                "the labels y",
                f"({Z.shape[0]},): one integer class per row of the logits",
                y,
            )
        if y.dtype.kind not in "iu":
            if not np.all(np.mod(y, 1) == 0):
                raise ValueError(
                    "SoftmaxCrossEntropy: the labels y must be integer class "
                    f"indices, got dtype {y.dtype}"
                )
            y = y.astype(np.intp)
        n, c = Z.shape
        if n == 0:
            raise ValueError("SoftmaxCrossEntropy: the batch is empty (0 rows of logits)")
        # one pass finds a label out of 0..c-1: read as unsigned, a negative label is huge
        unsigned = y.view(y.dtype.str.replace("i", "u")) if y.dtype.kind == "i" else y
        if unsigned.max() >= c:
            raise ValueError(
                f"SoftmaxCrossEntropy: labels must lie in 0..{c - 1}, got "
                f"values from {y.min()} to {y.max()}"
            )
        top = Z.max(axis=1, keepdims=True)  # NaN or inf if any logit of its row is
        if not np.isfinite(top).all():
            return self._finite(math.nan)
        shifted = Z - top  # the same softmax, but exp cannot overflow
        E = np.exp(shifted)
        S = E.sum(axis=1, keepdims=True)
        self.P = E / S
        self.y, self.rows = y, np.arange(n)
        loss = float((np.log(S[:, 0]) - shifted[self.rows, y]).sum() / n)  # the mean
        return self._finite(loss)

    def backward(self, dL: float = 1.0) -> np.ndarray:
        dL = self._check_backward("P", dL, "logits, y")
        n = len(self.y)
        dZ = self.P * (dL / n)  # uses the stored probabilities P
        dZ[self.rows, self.y] -= dL / n  # minus the one-hot labels
        return dZ


def softmax(Z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits ``Z`` (N, classes): the probabilities of
    :class:`SoftmaxCrossEntropy`, shifted by each row's maximum so that exp cannot overflow."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


#: The activation layers by name: the one table the lessons and the playground choose from.
ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


def _one_label_per_row(where: str, name: str, value: object, a: dict) -> np.ndarray:
    n, n_classes = a["logits"].shape
    return checks.labels(where, name, value, n=n, n_classes=n_classes)


@checked(logits=array_like(ndim=2, finite=False, dtype=None, nonempty=True), y=_one_label_per_row)
def accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    """The fraction of rows whose largest logit is at the label.

    ``logits`` has shape ``(N, classes)``, ``y`` shape ``(N,)``: an ``(N, 1)`` column of labels
    would broadcast against the N predictions into an N×N comparison and a wrong fraction."""
    if np.isnan(logits).any():
        return math.nan  # a NaN in, a NaN out: not a plausible fraction
    return float(np.mean(np.argmax(logits, axis=1) == y))
