"""Small data sets for the notebooks: 2-D toy problems and the 8×8 handwritten digits.

Every toy generator has the signature ``make_xxx(n=200, noise=..., seed=0, ...)`` and returns
``X`` (float64, shape ``(n, 2)``) and ``y`` (int64 class labels, shape ``(n,)``), shuffled, so
that any slice is a fair mini-batch. The same seed gives the same points.

``load_digits`` reads the copy of the UCI digits shipped in ``helpers/data/digits.npz``
(source, licence and how the file was made: ``helpers/data/README.md``). Nothing is
downloaded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import checks
from .checks import checked, non_negative, optional, real, whole

__all__ = [
    "make_moons",
    "make_circles",
    "make_xor",
    "make_blobs",
    "make_spirals",
    "load_digits",
    "DIGITS_PATH",
]

DIGITS_PATH = Path(__file__).resolve().parent / "data" / "digits.npz"


#: The most points a generator makes (a few seconds and some 100 MB at most).
MAX_POINTS = 10**6


def _points(where: str, a: dict) -> None:
    checks.at_most(where, "the number of points n", a["n"], MAX_POINTS)


#: what a generator of toy data accepts: at least one point per class, at most MAX_POINTS
TOY = dict(n=whole(2), noise=non_negative, seed=whole(0))
#: ... and with a number of classes
TOY_CLASSES = dict(n_classes=whole(2, 1000), **dict(TOY, n=whole("n_classes")))


def _finish(X, y, noise, rng):
    """Add Gaussian noise, shuffle, and fix the dtypes."""
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(y))
    return X[order].astype(np.float64), y[order].astype(np.int64)


def _split_counts(n, k):
    """n points over k classes as evenly as possible (the first classes get the extra)."""
    return [n // k + (i < n % k) for i in range(k)]


@checked(_points, **TOY)
def make_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 on top, class 1 below and shifted right."""
    rng = np.random.default_rng(seed)
    n0, n1 = _split_counts(n, 2)
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n1)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    y = np.repeat([0, 1], [n0, n1])
    return _finish(X, y, noise, rng)


@checked(_points, **TOY, factor=real(0, 1, low_open=True, high_open=True))
def make_circles(
    n: int = 200, noise: float = 0.05, seed: int = 0, factor: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """A circle (class 0, radius 1) around a smaller one (class 1, radius ``factor``)."""
    rng = np.random.default_rng(seed)
    n0, n1 = _split_counts(n, 2)
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], factor * np.c_[np.cos(t1), np.sin(t1)]])
    y = np.repeat([0, 1], [n0, n1])
    return _finish(X, y, noise, rng)


@checked(_points, **TOY)
def make_xor(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in [−1, 1]²; class 1 where x₁·x₂ < 0 (the XOR of the two signs).

    The label is decided before the noise is added, so noise blurs the border.
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return _finish(X, y, noise, rng)


@checked(_points, **TOY_CLASSES)
def make_blobs(
    n: int = 200, noise: float = 0.5, seed: int = 0, n_classes: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` Gaussian blobs (standard deviation ``noise``) with centres on a circle
    of radius 2."""
    rng = np.random.default_rng(seed)
    counts = _split_counts(n, n_classes)
    angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 2
    centres = 2 * np.c_[np.cos(angles), np.sin(angles)]
    X = np.repeat(centres, counts, axis=0)
    y = np.repeat(np.arange(n_classes), counts)
    return _finish(X, y, noise, rng)


@checked(_points, **TOY_CLASSES)
def make_spirals(
    n: int = 200, noise: float = 0.1, seed: int = 0, n_classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms (as in CS231n), each one class, radius up to 1."""
    rng = np.random.default_rng(seed)
    counts = _split_counts(n, n_classes)
    parts = []
    for k, m in enumerate(counts):
        r = np.linspace(0.05, 1.0, m)
        t = np.linspace(0, 1.5 * np.pi, m) + 2 * np.pi * k / n_classes
        parts.append(np.c_[r * np.sin(t), r * np.cos(t)])
    X = np.concatenate(parts)
    y = np.repeat(np.arange(n_classes), counts)
    return _finish(X, y, noise, rng)


def _training_fraction(where: str, name: str, value: object, _: dict) -> float:
    name = f"{name} (the training fraction)"
    return checks.number(where, name, value, low=0, high=1, low_open=True, high_open=True)


@checked(split=optional(_training_fraction), seed=whole(0))
def load_digits(
    split: float | None = 0.75, seed: int = 0, scale: bool = True
) -> tuple[np.ndarray, ...]:
    """The 1,797 handwritten digits (8×8 pixels, classes 0–9) of the UCI set's test part.

    ``split``: the fraction of each class that goes to the training set (stratified, then
    shuffled with ``seed``); returns ``Xtr, ytr, Xte, yte``. With ``split=None`` returns the
    whole set ``X, y`` in the file's order. ``X`` rows are the 64 pixels, row by row
    (``X[i].reshape(8, 8)`` is the image); ``scale=True`` divides the pixel counts 0..16 by 16
    to get float64 values in [0, 1]. ``y`` is int64.
    """
    with np.load(DIGITS_PATH) as f:
        images, labels = f["images"], f["labels"]
    X = images.reshape(len(images), 64).astype(np.float64)
    if scale:
        X /= 16.0
    y = labels.astype(np.int64)
    if split is None:
        return X, y
    sizes = np.bincount(y, minlength=10)
    ks = [int(round(split * m)) for m in sizes]
    if min(ks) < 1 or any(k >= m for k, m in zip(ks, sizes)):
        smallest = int(sizes.min())
        raise ValueError(
            f"load_digits: split (the training fraction) must leave at least "
            f"one example of every class on each side: between "
            f"{0.5 / smallest:.4f} and {1 - 0.5 / smallest:.4f} (the smallest "
            f"class has {smallest} examples), got {split}"
        )
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = ks[c]
        train.append(idx[:k])
        test.append(idx[k:])
    train = rng.permutation(np.concatenate(train))
    test = rng.permutation(np.concatenate(test))
    return X[train], y[train], X[test], y[test]
