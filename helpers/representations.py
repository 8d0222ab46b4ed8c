"""What the layers of a network compute (lesson 04, ``notebooks/04_deep_networks.ipynb``).

* ``narrow_network`` / ``layer_outputs``: a network narrow enough to draw, and the output of
  every one of its layers, a transformation of the plane;
* ``digits_network``: a network for the 8×8 digits, whose layers ``class_separation`` and
  ``unit_purity`` measure, and ``projection_2d`` flattens to two dimensions for a picture;
  ``fold_input_shift`` lets a network trained on centred pixels take raw ones, and
  ``dead_units`` lists the units that are zero on every example;
* ``linear_readout_accuracy``: how well a straight-cut read-out fitted to a representation
  tells the classes apart (how *linearly decodable* the class is there); ``units_by_purity``
  picks units to show without choosing the ones that suit a story.

The figures of the lesson are in :mod:`helpers.figures.deep_networks`.
"""

from __future__ import annotations

import numpy as np

from . import checks, nn
from .checks import array_like, checked, positive, size, whole


@checked(checks.weights, depth=size, width=size, n_in=size, n_out=size, seed=whole(0))
def narrow_network(
    depth: int = 6, width: int = 2, n_in: int = 2, n_out: int = 2, seed: int = 0
) -> nn.Sequential:
    """``depth`` tanh layers of ``width`` units, then a linear read-out: a net we can draw."""
    rng = np.random.default_rng(seed)
    layers = []
    for d in range(depth):
        layers += [nn.Linear(n_in if d == 0 else width, width, init="xavier", rng=rng), nn.Tanh()]
    return nn.Sequential(*layers, nn.Linear(width, n_out, init="xavier", rng=rng))


def layer_outputs(model: nn.Sequential, X: np.ndarray) -> list[np.ndarray]:
    """The input and the output of every activation layer (the hidden representations)."""
    outs = [np.asarray(X)]
    H = outs[0]
    for layer in model.layers:
        H = layer.forward(H)
        if not isinstance(layer, nn.Linear):
            outs.append(H)
    return outs


def _widths(where: str, name: str, value: object, _: dict) -> tuple[int, ...]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or not value:
        raise TypeError(
            f"{where}: {name} must be a list of layer widths such as (32, 16), "
            f"got {checks.got(value)}"
        )
    return checks.sizes(where, **{f"{name}[{i}]": w for i, w in enumerate(value)})


@checked(widths=_widths, seed=whole(0), first_scale=positive)
def digits_network(
    widths: tuple[int, ...] = (32, 16, 16), seed: int = 0, first_scale: float = 0.1
) -> nn.Sequential:
    """A ReLU network 64 → widths… → 10 for the 8×8 digits.

    The first layer starts with He weights times ``first_scale``: the border pixels of the
    digits are always 0, their weights never move, and small starting values keep them
    from cluttering the picture of what the first layer learned.
    """
    rng = np.random.default_rng(seed)
    sizes = (64, *widths)
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b, init="he", rng=rng), nn.ReLU()]
    layers[0].W.data *= first_scale
    return nn.Sequential(*layers, nn.Linear(sizes[-1], 10, init="xavier", rng=rng))


def fold_input_shift(model: nn.Sequential, shift: np.ndarray) -> nn.Sequential:
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


def dead_units(H: np.ndarray) -> np.ndarray:
    """The indices of the units (columns of ``H``) that are zero or below on every example:
    dead ReLU units (lesson 03, "Train it yourself, with sliders"), which pass nothing on and
    learn nothing."""
    return np.flatnonzero(np.all(np.asarray(H) <= 0, axis=0))


def class_separation(H: np.ndarray, y: np.ndarray) -> float:
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


@checked(H=array_like(ndim=2))
def projection_2d(H: np.ndarray) -> np.ndarray:
    """The rows of a representation ``H`` (examples × units, at least two of each) seen along
    its first two principal directions: an array of shape (examples, 2), from the NumPy SVD of
    the centred matrix, each axis signed so that its largest coordinate is positive."""
    if H.shape[0] < 2 or H.shape[1] < 2:
        raise ValueError(f"projection_2d: H needs at least 2 rows and 2 columns, got {H.shape}")
    Hc = H - H.mean(axis=0)
    _, _, Vt = np.linalg.svd(Hc, full_matrices=False)
    P = Hc @ Vt[:2].T
    # fix the sign of each axis so the picture does not flip between runs/BLAS builds
    signs = np.sign(P[np.argmax(np.abs(P), axis=0), [0, 1]])
    return P * signs


def _purities(H, y, k):
    """(unit, purity) for every unit of H active on at least ``k`` examples."""
    found = []
    for u in range(H.shape[1]):
        if np.count_nonzero(H[:, u] > 0) < k:
            continue
        top = np.argsort(-H[:, u], kind="stable")[:k]
        found.append((u, np.bincount(y[top]).max() / k))
    return found


def _rows(a: dict) -> int:  # at least 1, for an H without rows
    return max(1, len(a["H"]))


def _columns(a: dict) -> int:
    return max(1, a["H"].shape[1])


@checked(H=array_like(ndim=2), k=whole(1, _rows))
def unit_purity(H: np.ndarray, y: np.ndarray, k: int = 20) -> float:
    """How class-specific the units of a representation are: for each unit that is active on
    at least ``k`` examples, the fraction of its ``k`` most exciting examples that share their
    most common label; averaged over those units (1 = every unit responds to one class)."""
    scores = [p for _, p in _purities(H, np.asarray(y), k)]
    return float(np.mean(scores)) if scores else float("nan")


@checked(H=array_like(ndim=2), n=whole(1, _columns), k=whole(1, _rows))
def units_by_purity(
    H: np.ndarray, y: np.ndarray, n: int = 5, k: int = 20
) -> list[tuple[int, float]]:
    """``n`` units of a representation chosen fairly, as ``(unit, purity)`` pairs: the units
    at evenly spaced ranks of :func:`unit_purity`'s score, from the least pure to the purest
    (units active on fewer than ``k`` examples are left out). A picture of these shows the
    spread of the whole layer, not the first few units or the best ones."""
    ranked = sorted(_purities(H, np.asarray(y), k), key=lambda up: (up[1], up[0]))
    if len(ranked) < n:
        raise ValueError(
            f"units_by_purity: only {len(ranked)} units are active on at least k={k} "
            f"examples, fewer than n={n}"
        )
    picks = np.round(np.linspace(0, len(ranked) - 1, n)).astype(int)
    return [(int(ranked[i][0]), float(ranked[i][1])) for i in picks]


def _labels_and_columns_match(where: str, a: dict) -> None:
    if len(a["y_train"]) != len(a["H_train"]) or len(a["y_test"]) != len(a["H_test"]):
        raise ValueError(f"{where}: one label per row of H_train and of H_test")
    if a["H_train"].shape[1] != a["H_test"].shape[1]:
        raise ValueError(f"{where}: H_train and H_test need the same number of columns")


def _as_array(where: str, name: str, value: object, _: dict) -> np.ndarray:
    return np.asarray(value)


@checked(
    _labels_and_columns_match,
    H_train=array_like(ndim=2, nonempty=True),
    H_test=array_like(ndim=2, nonempty=True),
    ridge=positive,
    y_train=_as_array,
    y_test=_as_array,
)
def linear_readout_accuracy(
    H_train: np.ndarray,
    y_train: np.ndarray,
    H_test: np.ndarray,
    y_test: np.ndarray,
    ridge: float = 1e-3,
) -> float:
    """How *linearly decodable* the class is in a representation: fit a linear read-out
    (one weight per unit and class, plus a bias) to the training rows by least squares onto
    the one-hot labels, then return its accuracy on the test rows. No training loop: the
    fit is one linear solve, ``(AᵀA + ridge·I) W = AᵀY``; ``ridge`` keeps it well posed when
    some units are dead (constant)."""
    A = np.hstack([H_train, np.ones((len(H_train), 1))])
    B = np.hstack([H_test, np.ones((len(H_test), 1))])
    classes = np.unique(y_train)
    Y = (y_train[:, None] == classes[None, :]).astype(float)
    W = np.linalg.solve(A.T @ A + ridge * np.eye(A.shape[1]), A.T @ Y)
    return float(np.mean(classes[np.argmax(B @ W, axis=1)] == y_test))
