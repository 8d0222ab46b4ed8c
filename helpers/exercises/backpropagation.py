"""Checks for the exercises of notebook 03 (backpropagation through a network).

"Backprop by hand", as in nn-zero-to-hero's backprop-ninja: the learner writes a backward
pass; the check runs it on fixed random numbers (non-special values, batch sizes > 1 and 1)
and compares every array with the reference, printing exact / close / WRONG with the largest
difference (``helpers.exercises.check_arrays``). Shapes must match exactly.
"""

from __future__ import annotations

import numpy as np

from . import FAIL, PASS, _fmt, _whole, check_arrays, run

__all__ = ["check_gradient_shapes", "check_linear_backward", "check_tanh_backward",
           "check_softmax_ce_backward", "check_mlp_backward", "mlp_forward",
           "reference_mlp_backward"]


def _call(name, fn, *args):
    """Run the learner's function: (True, result) or (False, None) after printing why."""
    return run(name, fn, *args)


def _none(name, result) -> bool:
    """True (after saying so) if the learner's function returned None."""
    if result is None:
        print(f"{FAIL} {name}: it returned None: is a `return` missing?")
    return result is None


def _unpack(name, result, names):
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        print(f"{FAIL} {name}: expected a tuple of {len(names)} arrays "
              f"({', '.join(names)}), got {type(result).__name__}")
        return None
    return dict(zip(names, result))


# ---------------------------------------------------------------- 3.1 shapes

def check_gradient_shapes(shapes) -> bool:
    """Exercise 3.1: a batch of 32 inputs with 64 features into ``Linear(64, 10)``.

    ``shapes`` maps ``"Y", "dY", "dX", "dW", "db"`` to shape tuples.
    """
    name = "shapes"
    if callable(shapes):
        ok, shapes = _call(name, shapes)
        if not ok:
            return False
    want = {"Y": (32, 10), "dY": (32, 10), "dX": (32, 64), "dW": (64, 10), "db": (10,)}
    if not isinstance(shapes, dict):
        print(f"{FAIL} {name}: expected a dict like {{'dW': (64, 10), ...}}, got "
              f"{type(shapes).__name__}")
        return False
    if not any(key in shapes for key in want):
        print(f"{FAIL} {name}: the dict has none of the keys {', '.join(want)}; its keys are "
              f"{_fmt(list(shapes))}")
        return False
    ok = True
    for key, w in want.items():
        got = shapes.get(key)
        if isinstance(got, np.ndarray):
            got = got.tolist()
        if isinstance(got, (tuple, list)):
            whole = tuple(_whole(n) for n in got)
            got = whole if None not in whole else tuple(got)
        if isinstance(got, tuple) and got == w:
            print(f"{PASS} {key}: {w}")
        else:
            ok = False
            hint = {"db": " (one number per output; a () gradient broadcasts silently onto "
                          "every bias, and b = b - lr * db with a (1, 10) one makes b (1, 10))",
                    "dW": " (a gradient always has the shape of what it is the gradient of)",
                    "dX": " (the shape of X)"}.get(key, "")
            print(f"{FAIL} {key}: got {_fmt(got)}, expected {w}{hint}")
    return ok


# ---------------------------------------------------------------- 3.2 linear

def _linear_case(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in))
    W = rng.normal(size=(n_in, n_out))
    b = rng.normal(size=n_out)
    dY = rng.normal(size=(n, n_out))
    return X, W, b, dY


def check_linear_backward(fn) -> bool:
    """Exercise 3.2: ``fn(X, W, b, dY) -> (dX, dW, db)`` for ``Y = X @ W + b``."""
    ok_all = True
    for n, n_in, n_out, seed in ((5, 4, 3, 31), (1, 3, 2, 32)):
        X, W, b, dY = _linear_case(n, n_in, n_out, seed)
        ok, result = _call("linear_backward", fn, X.copy(), W.copy(), b.copy(), dY.copy())
        if not ok:
            return False
        got = _unpack("linear_backward", result, ("dX", "dW", "db"))
        if got is None:
            return False
        print(f"batch of {n}, W of shape {W.shape}:")
        ok_all &= check_arrays({"dX": (got["dX"], dY @ W.T), "dW": (got["dW"], X.T @ dY),
                                "db": (got["db"], dY.sum(axis=0))})
    return ok_all


# ---------------------------------------------------------------- 3.3 tanh

def check_tanh_backward(fn) -> bool:
    """Exercise 3.3: ``fn(Y, dY) -> dX`` where ``Y = tanh(X)`` was stored by forward."""
    rng = np.random.default_rng(33)
    X = rng.normal(size=(4, 3))
    Y, dY = np.tanh(X), rng.normal(size=(4, 3))
    ok, dX = _call("tanh_backward", fn, Y.copy(), dY.copy())
    if not ok or _none("tanh_backward", dX):
        return False
    return check_arrays({"dX": (dX, dY * (1 - Y ** 2))})


# ---------------------------------------------------------------- 3.4 softmax CE

def check_softmax_ce_backward(fn) -> bool:
    """Exercise 3.4: ``fn(Z, y) -> dZ`` for the mean softmax cross-entropy of logits ``Z``."""
    ok_all = True
    for n, c, seed in ((6, 4, 34), (1, 3, 35)):
        rng = np.random.default_rng(seed)
        Z, y = 2 * rng.normal(size=(n, c)), rng.integers(0, c, size=n)
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        want = (P - np.eye(c)[y]) / n
        ok, dZ = _call("softmax_ce_backward", fn, Z.copy(), y.copy())
        if not ok or _none("softmax_ce_backward", dZ):
            return False
        print(f"batch of {n}, {c} classes:")
        ok_all &= check_arrays({"dZ": (dZ, want)})
    return ok_all


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


def check_mlp_backward(fn) -> bool:
    """Exercise 3.5: ``fn(cache) -> dict`` with ``dZ2, dW2, db2, dH, dZ1, dW1, db1``.

    Every intermediate is compared, so the first wrong line shows where the chain broke.
    """
    cache, _ = mlp_case()
    ok, got = _call("mlp_backward", fn, {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                         for k, v in cache.items()})
    if not ok:
        return False
    if not isinstance(got, dict):
        print(f"{FAIL} mlp_backward: expected a dict of gradients, got {type(got).__name__}")
        return False
    want = reference_mlp_backward(cache)
    if not any(k in got for k in want):
        print(f"{FAIL} mlp_backward: the dict has none of the gradients {', '.join(want)}; "
              f"its keys are {_fmt(list(got))}")
        return False
    return check_arrays({k: (got.get(k), w) for k, w in want.items()})
