"""Checks for the exercises of notebook 03 (backpropagation through a network).

"Backprop by hand", as in nn-zero-to-hero's backprop-ninja: the learner writes a backward
pass; the check runs it on fixed random numbers (non-special values, batch sizes > 1 and 1)
and compares every array with the reference, printing exact / close / WRONG with the largest
difference (``helpers.exercises.check_arrays``). Shapes must match exactly.
"""

from __future__ import annotations

import numpy as np

from . import FAIL, PASS, _fmt, _whole, check_arrays, exercise, returned, run

__all__ = [
    "check_gradient_shapes",
    "check_linear_backward",
    "check_tanh_backward",
    "check_softmax_ce_backward",
    "check_mlp_backward",
    "mlp_forward",
    "reference_mlp_backward",
]

#: What the usual bugs are called, one sentence each (the checks say which one they found).
NO_MEAN = (
    "it is N times too large: the loss is the mean over the batch, so its gradient is "
    "divided by the batch size N"
)
SOFTMAX_AXIS = (
    "softmax over the wrong axis: each row (one example's logits) must sum to 1, "
    "so normalise along axis=1"
)
SUM_ALL = "summed over everything: keep one number per output (a sum over the batch only)"
SUM_AXIS = "summed over the wrong axis: one number per output, so sum over the batch rows, axis=0"
TRANSPOSED = (
    "it is the transpose of the right one: a weight gradient has the weights' shape, "
    "(inputs, outputs)"
)
TRANSPOSED_W = (
    "W is used the wrong way round: the gradient goes back from the outputs to the "
    "inputs, through W transposed"
)
NO_MASK = (
    "the ReLU mask is missing: ReLU passes the gradient only where its input Z1 was "
    "positive (and sends 0 elsewhere)"
)
TIMES_VALUE = (
    "it is multiplied by the values themselves; the ReLU's slope is 1 where its input "
    "was positive, 0 elsewhere"
)


def _unpack(name, result, names):
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        print(
            f"{FAIL} {name}: expected a tuple of {len(names)} arrays "
            f"({', '.join(names)}), got {type(result).__name__}"
        )
        return None
    return dict(zip(names, result))


def _bias_mistakes(dY):
    """The wrong bias gradients of a forgotten or wrong axis."""
    return {SUM_ALL: dY.sum(), SUM_AXIS: dY.sum(axis=1)}


def _softmax(Z, axis=1):
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


# ---------------------------------------------------------------- 3.1 shapes

SHAPES = {"Y": (32, 10), "dY": (32, 10), "dX": (32, 64), "dW": (64, 10), "db": (10,)}
SHAPE_WHY = {
    "db": " (one number per output; a () gradient broadcasts silently onto every bias, "
    "and b = b - lr * db with a (1, 10) one makes b (1, 10))",
    "dW": " (a gradient always has the shape of what it is the gradient of)",
    "dX": " (the shape of X)",
}


def _shape(got):
    """A learner's shape (tuple, list, array, NumPy integers) as a tuple, if it is one."""
    if isinstance(got, np.ndarray):
        got = got.tolist()
    if isinstance(got, (tuple, list)):
        whole = tuple(_whole(n) for n in got)
        return whole if None not in whole else tuple(got)
    return got


@exercise("3.1", "shapes")
def check_gradient_shapes(shapes) -> bool:
    """Exercise 3.1: a batch of 32 inputs with 64 features into ``Linear(64, 10)``.

    ``shapes`` maps ``"Y", "dY", "dX", "dW", "db"`` to shape tuples.

    Hints, one more for each wrong try:
    - X is (32, 64) and W is (64, 10); every gradient has the shape of its array
    - Y = X @ W + b is (32, 10); dW has W's shape and db has b's, (10,)
    """
    name = "shapes"
    if callable(shapes):
        ok, shapes = run(name, shapes)
        if not ok:
            return False
    if not isinstance(shapes, dict):
        print(
            f"{FAIL} {name}: expected a dict like {{'dW': (64, 10), ...}}, got "
            f"{type(shapes).__name__}"
        )
        return False
    if not any(key in shapes for key in SHAPES):
        print(
            f"{FAIL} {name}: the dict has none of the keys {', '.join(SHAPES)}; its keys are "
            f"{_fmt(list(shapes))}"
        )
        return False
    ok = True
    for key, want in SHAPES.items():
        got = _shape(shapes.get(key))
        if isinstance(got, tuple) and got == want:
            print(f"{PASS} {key}: {want}")
            continue
        ok = False
        why = SHAPE_WHY.get(key, "")
        if got == want[::-1] and len(want) == 2:
            why = " (that is the transpose)"
        print(f"{FAIL} {key}: got {_fmt(got)}, expected {want}{why}")
    return ok


# ---------------------------------------------------------------- 3.2 linear

#: (batch size, inputs, outputs, seed): a square W first (so that a transposed W computes,
#: and is named), then a batch of 1 (where a forgotten axis hides best).
LINEAR_CASES = ((5, 3, 3, 30), (5, 4, 3, 31), (1, 3, 2, 32))


def _linear_case(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in))
    W = rng.normal(size=(n_in, n_out))
    b = rng.normal(size=n_out)
    dY = rng.normal(size=(n, n_out))
    return X, W, b, dY


def _shapes_clash(err: Exception) -> str | None:
    if isinstance(err, ValueError) and "matmul" in str(err):
        return (
            "the shapes of a product do not fit: dY is (N, outputs), W is "
            "(inputs, outputs) and X is (N, inputs); which one needs a .T?"
        )
    return None


@exercise("3.2", "linear_backward")
def check_linear_backward(fn) -> bool:
    """Exercise 3.2: ``fn(X, W, b, dY) -> (dX, dW, db)`` for ``Y = X @ W + b``.

    Hints, one more for each wrong try:
    - each gradient has the shape of its array: which product of dY with W (or W.T) has X's shape,
      and which of X (or X.T) with dY has W's?
    - dX = dY @ W.T, dW = X.T @ dY, and b is added to every row, so db sums dY over the rows
    """
    for n, n_in, n_out, seed in LINEAR_CASES:
        X, W, b, dY = _linear_case(n, n_in, n_out, seed)
        ok, result = run(
            "linear_backward",
            fn,
            X.copy(),
            W.copy(),
            b.copy(),
            dY.copy(),
            where=f"on a batch of {n} with W of shape {W.shape}",
            error_hint=_shapes_clash,
        )
        if not ok:
            return False
        got = _unpack("linear_backward", result, ("dX", "dW", "db"))
        if got is None:
            return False
        print(f"batch of {n}, W of shape {W.shape}:")
        mistakes = {
            "dX": {TRANSPOSED_W: dY @ W} if n_in == n_out else {},
            "dW": {TRANSPOSED: (X.T @ dY).T},
            "db": _bias_mistakes(dY),
        }
        if not check_arrays(
            {
                "dX": (got["dX"], dY @ W.T),
                "dW": (got["dW"], X.T @ dY),
                "db": (got["db"], dY.sum(axis=0)),
            },
            mistakes=mistakes,
        ):
            return False
    return True


# ---------------------------------------------------------------- 3.3 tanh


@exercise("3.3", "tanh_backward")
def check_tanh_backward(fn) -> bool:
    """Exercise 3.3: ``fn(Y, dY) -> dX`` where ``Y = tanh(X)`` was stored by forward.

    Hints, one more for each wrong try:
    - write the derivative of tanh in terms of tanh itself; Y already is tanh(X)
    - d tanh(x)/dx = 1 − tanh²(x) = 1 − Y², times the upstream gradient dY, entry by entry
    """
    rng = np.random.default_rng(33)
    X = rng.normal(size=(4, 3))
    Y, dY = np.tanh(X), rng.normal(size=(4, 3))
    ok, dX = run("tanh_backward", fn, Y.copy(), dY.copy())
    if not ok or not returned("tanh_backward", dX):
        return False
    mistakes = {
        "dX": {
            "tanh was applied to Y again: Y already is tanh(X), so the slope is 1 − Y²": dY
            * (1 - np.tanh(Y) ** 2),
            "the upstream gradient dY is missing: multiply by it": 1 - Y**2,
            "that is the slope of tanh at Y, 1 − Y², with the sign of Y² flipped": dY * (1 + Y**2),
        }
    }
    return check_arrays({"dX": (dX, dY * (1 - Y**2))}, mistakes=mistakes)


# ---------------------------------------------------------------- 3.4 softmax CE


@exercise("3.4", "softmax_ce_backward")
def check_softmax_ce_backward(fn) -> bool:
    """Exercise 3.4: ``fn(Z, y) -> dZ`` for the mean softmax cross-entropy of logits ``Z``.

    Hints, one more for each wrong try:
    - work out the gradient for one example (one row) first, as the lesson did for softmax
      with cross-entropy; then remember that the loss is a mean over the batch
    - dZ = (P − T) / N: P the softmax of each row, T the one-hot labels, N the batch size
    """
    for n, c, seed in ((6, 4, 34), (1, 3, 35)):
        rng = np.random.default_rng(seed)
        Z, y = 2 * rng.normal(size=(n, c)), rng.integers(0, c, size=n)
        onehot = np.eye(c)[y]
        want = (_softmax(Z) - onehot) / n
        ok, dZ = run("softmax_ce_backward", fn, Z.copy(), y.copy())
        if not ok or not returned("softmax_ce_backward", dZ):
            return False
        print(f"batch of {n}, {c} classes:")
        mistakes = {
            "dZ": {
                NO_MEAN: want * n,
                SOFTMAX_AXIS: (_softmax(Z, axis=0) - onehot) / n,
                "the one-hot labels are missing: subtract 1 at each row's label": _softmax(Z) / n,
                "the sign is flipped: it is P − T, not T − P": -want,
            }
        }
        if not check_arrays({"dZ": (dZ, want)}, mistakes=mistakes):
            return False
    return True


# ---------------------------------------------------------------- 3.5 the whole MLP


def mlp_forward(X, y, W1, b1, W2, b2):
    """The network of exercise 3.5, keeping every intermediate: a dict ``cache`` and the
    loss. ``Z1 = X W1 + b1``, ``H = relu(Z1)``, ``Z2 = H W2 + b2``, ``P = softmax(Z2)``,
    ``L = mean(-log P[i, y_i])``."""
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0.0)
    Z2 = H @ W2 + b2
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    loss = float(-np.mean(np.log(P[np.arange(len(y)), y])))
    return dict(X=X, y=y, W1=W1, b1=b1, W2=W2, b2=b2, Z1=Z1, H=H, Z2=Z2, P=P), loss


def reference_mlp_backward(cache):
    """The reference answer of exercise 3.5: every gradient, from the loss back to W1."""
    X, y, W2, Z1, H, P = (cache[k] for k in ("X", "y", "W2", "Z1", "H", "P"))
    n = len(y)
    dZ2 = P.copy()
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dW2 = H.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dH = dZ2 @ W2.T
    dZ1 = dH * (Z1 > 0)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return dict(dZ2=dZ2, dW2=dW2, db2=db2, dH=dH, dZ1=dZ1, dW1=dW1, db1=db1)


def mlp_case(seed: int = 36, n: int = 8, d: int = 5, hidden: int = 6, classes: int = 3):
    """Fixed random inputs and weights for exercise 3.5 (no pre-activation near 0)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, classes, size=n)
    W1 = rng.normal(size=(d, hidden)) / np.sqrt(d)
    b1 = 0.1 * rng.normal(size=hidden)
    W2 = rng.normal(size=(hidden, classes)) / np.sqrt(hidden)
    b2 = 0.1 * rng.normal(size=classes)
    return mlp_forward(X, y, W1, b1, W2, b2)


@exercise("3.5", "mlp_backward")
def check_mlp_backward(fn) -> bool:
    """Exercise 3.5: ``fn(cache) -> dict`` with ``dZ2, dW2, db2, dH, dZ1, dW1, db1``.

    Every intermediate is compared, so the first wrong line shows where the chain broke, and
    the usual bug on that line is named.

    Hints, one more for each wrong try:
    - one line per line of the forward pass, from the loss back: your answers to 3.4, 3.2 (for the
      second layer), then the ReLU, then 3.2 again (for the first)
    - dZ2 = (P − T)/N; dW2 = H.T @ dZ2, db2 = dZ2.sum(axis=0), dH = dZ2 @ W2.T; dZ1 = dH * (Z1 > 0);
      dW1 = X.T @ dZ1, db1 = dZ1.sum(axis=0)
    """
    cache, _ = mlp_case()
    ok, got = run(
        "mlp_backward",
        fn,
        {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in cache.items()},
    )
    if not ok:
        return False
    if not isinstance(got, dict):
        print(f"{FAIL} mlp_backward: expected a dict of gradients, got {type(got).__name__}")
        return False
    want = reference_mlp_backward(cache)
    if not any(k in got for k in want):
        print(
            f"{FAIL} mlp_backward: the dict has none of the gradients {', '.join(want)}; "
            f"its keys are {_fmt(list(got))}"
        )
        return False
    X, H, Z1 = cache["X"], cache["H"], cache["Z1"]
    mistakes = {
        "dZ2": {NO_MEAN: want["dZ2"] * len(cache["y"])},
        "dW2": {TRANSPOSED: (H.T @ want["dZ2"]).T},
        "db2": _bias_mistakes(want["dZ2"]),
        "dZ1": {NO_MASK: want["dH"], TIMES_VALUE: want["dH"] * Z1},
        "dW1": {TRANSPOSED: (X.T @ want["dZ1"]).T},
        "db1": _bias_mistakes(want["dZ1"]),
    }
    return check_arrays({k: (got.get(k), w) for k, w in want.items()}, mistakes=mistakes)
