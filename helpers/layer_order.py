"""Backpropagation at the level of layers: the order the gradients arrive in, and what storing
the forward pass saves (notebook 03, "The order of the backward pass").

A network of fully connected layers, ``tanh`` on the hidden ones and a linear output, with the
loss L = Σ (output − Y)² / (2N). Two ways to get the gradient of every weight:

* ``backprop`` — the forward pass *stores* every layer's output; the backward pass starts at the
  loss and works back, layer L first, layer 1 last, each layer reusing the gradient the layer
  above handed down and the activation stored on the way forward;
* ``backprop_recomputing`` — the same backward pass, but nothing from the forward pass is kept
  except the output: each time the backward pass needs a layer's input it recomputes it from X.

Both return the same gradients (the same operations on the same numbers, bit for bit) and count
their multiplications: those of the matrix products, and the element-wise ones of the tanh
slopes 1 − a² and their product with the incoming gradient.

``memory_and_work`` counts, in whole layers, what three ways of getting the layer inputs cost:
store them all, recompute them all from X, or keep a checkpoint every few layers and recompute
one segment at a time (gradient checkpointing). NumPy and the standard library only.
"""

from __future__ import annotations

import numpy as np

from . import checks

__all__ = [
    "init",
    "forward",
    "backprop",
    "backprop_recomputing",
    "multiplications",
    "memory_and_work",
]


class _Count:
    """Multiplications done so far."""

    def __init__(self):
        self.n = 0

    def matmul(self, A, B):
        self.n += A.shape[0] * A.shape[1] * B.shape[1]
        return A @ B

    def times(self, A, B):
        self.n += int(np.prod(np.broadcast_shapes(A.shape, B.shape)))
        return A * B


def _widths(where: str, name: str, value: object, _: dict) -> list[int]:
    sizes = [int(s) for s in value]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(
            f"{where}: {name} must list at least two positive layer widths, got {sizes}"
        )
    return sizes


@checks.checked(sizes=_widths, seed=checks.whole(0), where="layer_order.init")
def init(sizes: list[int], seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Weights ``[(W1, b1), …]`` for layer sizes ``[n0, n1, …, nL]`` (W of shape (n_in, n_out))."""
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(a, b)) / np.sqrt(a), np.zeros(b)) for a, b in zip(sizes, sizes[1:])]


def _layer(params, k, A, count):
    """The output of layer k (1-based) from its input A: tanh for hidden layers, linear last."""
    W, b = params[k - 1]
    Z = count.matmul(A, W) + b
    return Z if k == len(params) else np.tanh(Z)


def forward(
    params: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, count: _Count | None = None
) -> list[np.ndarray]:
    """Every layer's output, ``[X, a1, …, aL]``."""
    count = count or _Count()
    acts = [np.asarray(X, dtype=float)]
    for k in range(1, len(params) + 1):
        acts.append(_layer(params, k, acts[-1], count))
    return acts


def _backward(params, Y, output, layer_input, count, order):
    """The backward pass: layer L first. ``layer_input(k)`` gives the input of layer k."""
    n = len(params)
    delta = (output - Y) / len(Y)  # dL/d(output)
    grads = [None] * n
    for k in range(n, 0, -1):
        A = layer_input(k)  # a_{k-1}
        grads[k - 1] = (count.matmul(A.T, delta), delta.sum(axis=0))
        order.append(k)
        if k > 1:  # hand the gradient down
            W = params[k - 1][0]
            slope = 1.0 - count.times(A, A)  # tanh' from its stored output
            delta = count.times(count.matmul(delta, W.T), slope)
    return grads


def _inputs(where: str, name: str, value: object, a: dict) -> np.ndarray:
    X, n_in = np.asarray(value, dtype=float), a["params"][0][0].shape[0]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"{where}: {name} must have shape (N, {n_in}), got {X.shape}")
    return X


def _targets(where: str, name: str, value: object, a: dict) -> np.ndarray:
    Y, shape = np.asarray(value, dtype=float), (len(a["X"]), a["params"][-1][0].shape[1])
    if Y.shape != shape:
        raise ValueError(f"{where}: {name} must have shape {shape}, got {Y.shape}")
    return Y


@checks.checked(X=_inputs, Y=_targets)
def backprop(
    params: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, Y: np.ndarray
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[int], int]:
    """Gradients ``[(dW1, db1), …]``, the order the layers got them in, and the multiplications
    (forward pass that stores every activation, then one backward pass)."""
    count, order = _Count(), []
    acts = forward(params, X, count)
    grads = _backward(params, Y, acts[-1], lambda k: acts[k - 1], count, order)
    return grads, order, count.n


@checks.checked(X=_inputs, Y=_targets)
def backprop_recomputing(
    params: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, Y: np.ndarray
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[int], int]:
    """The same gradients without storing the forward pass: only the output is kept, and the
    input of layer k is recomputed from X (through layers 1 … k−1) when it is needed."""
    count, order = _Count(), []
    output = forward(params, X, count)[-1]

    def layer_input(k):
        A = X
        for j in range(1, k):
            A = _layer(params, j, A, count)
        return A

    grads = _backward(params, Y, output, layer_input, count, order)
    return grads, order, count.n


def _each_size(where: str, name: str, value: object, _: dict) -> list[int]:
    return [checks.integer(where, name, s, low=1) for s in value]


@checks.checked(batch=checks.whole(1), sizes=_each_size)
def multiplications(sizes: list[int], batch: int) -> dict[str, int]:
    """The counts for one gradient, in closed form: ``forward``, ``backward_stored`` (the backward
    pass of ``backprop``) and ``backward_recomputing`` (that of ``backprop_recomputing``).

    forward: N Σ n_{k-1} n_k. backward (stored): N n_{k-1} n_k for each dW_k, plus, to hand the
    gradient down to layer k−1 (k ≥ 2), N n_k n_{k-1} for the product and 2 N n_{k-1} for the
    slope. recomputed: the same, plus the forward pass up to layer k−1 again for every k.
    """
    N, n = batch, sizes
    layer = [N * a * b for a, b in zip(n, n[1:])]  # one layer's matrix product
    forward_ = sum(layer)
    backward = sum(layer) + sum(layer[k - 1] + 2 * N * n[k - 1] for k in range(2, len(n)))
    again = sum(sum(layer[: k - 1]) for k in range(1, len(n)))
    return {
        "forward": forward_,
        "backward_stored": backward,
        "backward_recomputing": backward + again,
    }


@checks.checked(depth=checks.whole(1, 1000), every=checks.optional(checks.whole(1, "depth")))
def memory_and_work(depth: int, every: int | None = None) -> dict:
    """What the backward pass of a chain of ``depth`` layers costs in memory and in forward
    work, three ways, counted by walking the backward pass (layer ``depth`` first).

    The backward pass of layer k needs its input a_{k-1} (a_0 = X is always at hand). Units are
    whole layers, as if every layer had the same width: ``kept`` is the largest number of hidden
    layer outputs (a_1 … a_{depth-1}) held at one time, ``evaluations`` the number of layer
    forward computations for one gradient (the first forward pass included).

    * ``"store all"``: the forward pass keeps every a_k: ``depth − 1`` kept, ``depth``
      evaluations (one forward pass).
    * ``"recompute all"``: nothing kept; a_{k-1} is recomputed from X for every k, holding one
      output at a time: 1 kept, depth + depth(depth − 1)/2 evaluations, which grows with the
      square of the depth.
    * ``"checkpoints"``: the forward pass keeps every ``every``-th output (default: the whole
      number nearest √depth); the backward pass recomputes one segment at a time from its
      checkpoint and keeps that segment until it is done. Each output is recomputed at most
      once: fewer than ``depth`` extra evaluations (about one more forward pass), and about
      depth/every + every outputs kept, about 2√depth.

    Returns ``{way: {"kept": int, "evaluations": int}}`` and, under ``"every"``, the spacing
    used. (Griewank 1992; Chen, Xu, Zhang & Guestrin 2016, "Training Deep Nets with
    Sublinear Memory Cost".)
    """
    L = depth
    s = max(1, round(L**0.5)) if every is None else every
    result = {"every": s}
    for way, checkpoints, keep_segment in (
        ("store all", set(range(1, L)), False),
        ("recompute all", set(), False),
        ("checkpoints", set(range(s, L, s)), True),
    ):
        evaluations, segment, peak = L, set(), len(checkpoints)
        for k in range(L, 0, -1):  # the backward pass, layer L first
            need = k - 1
            if need == 0 or need in checkpoints or need in segment:
                continue
            start = max(c for c in checkpoints | {0} if c < need)
            recomputed = set(range(start + 1, need + 1))
            evaluations += len(recomputed)
            segment = recomputed if keep_segment else set()
            peak = max(peak, len(checkpoints) + (len(recomputed) if keep_segment else 1))
        result[way] = {"kept": peak, "evaluations": evaluations}
    return result
