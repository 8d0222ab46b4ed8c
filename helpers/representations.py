"""What the layers of a network compute (lesson 04, ``notebooks/04_deep_networks.ipynb``).

* ``narrow_network`` / ``layer_outputs``: a network narrow enough to draw, and the output of
  every one of its layers, a transformation of the plane;
* ``digits_network``: a network for the 8×8 digits, whose layers ``class_separation`` and
  ``unit_purity`` measure, and ``projection_2d`` flattens to two dimensions for a picture;
  ``fold_input_shift`` lets a network trained on centred pixels take raw ones, and
  ``dead_units`` lists the units that are zero on every example.

The figures of the lesson are in :mod:`helpers.figures.deep_networks`.
"""

from __future__ import annotations

import numpy as np

from . import checks, nn


def narrow_network(
    depth: int = 6, width: int = 2, n_in: int = 2, n_out: int = 2, seed: int = 0
) -> nn.Sequential:
    """``depth`` tanh layers of ``width`` units, then a linear read-out: a net we can draw."""
    depth, width, n_in, n_out, seed = checks.network_sizes(
        "narrow_network", depth, width, seed, n_in=n_in, n_out=n_out
    )
    rng = np.random.default_rng(seed)
    layers = []
    for d in range(depth):
        layers += [nn.Linear(n_in if d == 0 else width, width, init="xavier", rng=rng), nn.Tanh()]
    return nn.Sequential(*layers, nn.Linear(width, n_out, init="xavier", rng=rng))


def layer_outputs(model, X) -> list[np.ndarray]:
    """The input and the output of every activation layer (the hidden representations)."""
    outs = [np.asarray(X)]
    H = outs[0]
    for layer in model.layers:
        H = layer.forward(H)
        if not isinstance(layer, nn.Linear):
            outs.append(H)
    return outs


def digits_network(widths=(32, 16, 16), seed: int = 0, first_scale: float = 0.1) -> nn.Sequential:
    """A ReLU network 64 → widths… → 10 for the 8×8 digits.

    The first layer starts with He weights times ``first_scale``: the border pixels of the
    digits are always 0, their weights never move, and small starting values keep them
    from cluttering the picture of what the first layer learned.
    """
    where = "digits_network"
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__") or not widths:
        raise TypeError(
            f"{where}: widths must be a list of layer widths such as (32, 16), "
            f"got {checks.got(widths)}"
        )
    widths = checks.sizes(where, **{f"widths[{i}]": w for i, w in enumerate(widths)})
    seed = checks.integer(where, "seed", seed, low=0)
    first_scale = checks.number(where, "first_scale", first_scale, low=0, low_open=True)
    rng = np.random.default_rng(seed)
    sizes = (64, *widths)
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b, init="he", rng=rng), nn.ReLU()]
    layers[0].W.data *= first_scale
    return nn.Sequential(*layers, nn.Linear(sizes[-1], 10, init="xavier", rng=rng))


def fold_input_shift(model, shift) -> nn.Sequential:
    """Make a network trained on ``X - shift`` compute the same on ``X`` itself, in place.

    The first layer computes ``(X - m)·W + b = X·W + (b - m·W)``: only its bias changes.
    Returns the model.
    """
    first = model.layers[0]
    shift = np.asarray(shift, dtype=float)
    if not isinstance(first, nn.Linear) or shift.shape != (first.n_in,):
        raise ValueError(
            f"fold_input_shift: expected a model starting with a Linear layer and a shift of "
            f"shape ({getattr(first, 'n_in', '?')},), got {type(first).__name__} and shape "
            f"{shift.shape}"
        )
    first.b.data -= shift @ first.W.data
    return model


def dead_units(H) -> np.ndarray:
    """The indices of the units (columns of ``H``) that are zero or below on every example:
    dead ReLU units (lesson 03 §8), which pass nothing on and learn nothing."""
    return np.flatnonzero(np.all(np.asarray(H) <= 0, axis=0))


def class_separation(H, y) -> float:
    """How far apart the classes are in a representation H (rows: examples).

    The ratio of the spread *between* class means to the spread *within* classes,
    ``trace(S_between) / trace(S_within)`` (a Fisher-style score; larger = more separated).
    """
    H = np.asarray(H, dtype=float)
    mean = H.mean(axis=0)
    between = within = 0.0
    for c in np.unique(y):
        Hc = H[y == c]
        mc = Hc.mean(axis=0)
        between += len(Hc) * float(np.sum((mc - mean) ** 2))
        within += float(np.sum((Hc - mc) ** 2))
    return between / within


def _projection_2d(H):
    """The first two principal directions of H (NumPy SVD of the centred matrix)."""
    Hc = H - H.mean(axis=0)
    _, _, Vt = np.linalg.svd(Hc, full_matrices=False)
    P = Hc @ Vt[:2].T
    # fix the sign of each axis so the picture does not flip between runs/BLAS builds
    signs = np.sign(P[np.argmax(np.abs(P), axis=0), [0, 1]])
    return P * signs


def unit_purity(H, y, k: int = 20) -> float:
    """How class-specific the units of a representation are: for each unit that is active on
    at least ``k`` examples, the fraction of its ``k`` most exciting examples that share their
    most common label; averaged over those units (1 = every unit responds to one class)."""
    H = checks.array("unit_purity", "H", H, ndim=2)
    k = checks.integer("unit_purity", "k", k, low=1, high=max(1, len(H)))
    scores = []
    for u in range(H.shape[1]):
        if np.count_nonzero(H[:, u] > 0) < k:
            continue
        top = np.argsort(-H[:, u], kind="stable")[:k]
        scores.append(np.bincount(y[top]).max() / k)
    return float(np.mean(scores)) if scores else float("nan")
