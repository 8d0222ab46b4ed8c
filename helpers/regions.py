"""Linear regions of a ReLU network: what depth buys (lesson 04, deep networks).

A ReLU network is piecewise linear. Along a line through its input space, ``count_pieces``
counts the pieces exactly (every kink of every unit, layer by layer); ``zigzag_network``
builds the deep, narrow network whose pieces double with every layer; ``pieces_table``
compares depth with width for the same number of parameters. The figures of the lesson are
in :mod:`helpers.figures.deep_networks`.
"""

from __future__ import annotations

import numpy as np

from . import checks, nn
from .checks import checked, real, whole

#: The most linear pieces ``breakpoints`` tracks (about a second and 100 MB; a deep zig-zag
#: network doubles them with every layer, so depth 27 would need tens of GB).
MAX_PIECES = 10**6


def linear_layers(model: nn.Sequential) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    """``[(W, b, relu_after), ...]`` for a Sequential of Linear and ReLU layers."""
    layers = model.layers if isinstance(model, nn.Sequential) else list(model)
    out = []
    for i, layer in enumerate(layers):
        if isinstance(layer, nn.Linear):
            out.append([layer.W.data, layer.b.data, False])
        elif isinstance(layer, nn.ReLU):
            if not out or out[-1][2]:
                raise ValueError(f"layer {i}: a ReLU must follow a Linear layer")
            out[-1][2] = True
        else:
            raise TypeError(
                f"layer {i}: piece counting handles Linear and ReLU layers, "
                f"got {type(layer).__name__}"
            )
    return [tuple(o) for o in out]


def _point(where: str, name: str, value: object, _: dict) -> np.ndarray:
    """A rule: an end of the input segment as a 1-d float array (a number is a 1-d input)."""
    if np.ndim(value) == 0:
        return np.atleast_1d(checks.number(where, name, value))
    return checks.array(where, name, value, ndim=1)


def _same_dimension(where: str, a: dict) -> None:
    if a["x0"].shape != a["x1"].shape:
        raise ValueError(
            f"{where}: x0 and x1 must be two points of the same dimension, got "
            f"shapes {a['x0'].shape} and {a['x1'].shape}"
        )


SEGMENT = dict(x0=_point, x1=_point)


@checked(_same_dimension, **SEGMENT, tol=real(0, 1))
def breakpoints(
    model: nn.Sequential,
    x0: float | np.ndarray = 0.0,
    x1: float | np.ndarray = 1.0,
    tol: float = 1e-12,
) -> tuple[np.ndarray, np.ndarray]:
    """Where a ReLU network, restricted to the segment from ``x0`` to ``x1``, changes slope.

    The input is ``x(t) = x0 + t (x1 − x0)`` for t in [0, 1]. On an interval where no unit
    switches, every pre-activation is *affine* in t: ``a + b t``. Layer by layer, each unit's
    zero ``t = −a/b`` inside an interval splits it; on each piece the ReLU either passes the
    unit (``a + b t``) or zeroes it. No sampling: the intervals are exact up to rounding.

    Returns ``(t, slopes)``: the sorted interval ends ``t`` (``t[0] = 0``, ``t[-1] = 1``) and the
    slope ``d output / dt`` on each of the ``len(t) − 1`` intervals (shape ``(pieces, out)``).
    """
    t = np.array([0.0, 1.0])
    A, B = x0[None, :], (x1 - x0)[None, :]  # value a + b t on each interval
    for W, b, relu in linear_layers(model):
        if W.shape[0] != A.shape[1]:
            raise ValueError(
                f"breakpoints: a layer of the model expects {W.shape[0]} inputs, but x0 and x1 "
                f"have {A.shape[1]} coordinates"
            )
        A, B = A @ W + b, B @ W
        if not relu:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            roots = -A / B  # each unit's zero, per interval
        lo, hi = t[:-1, None], t[1:, None]
        inside = np.isfinite(roots) & (roots > lo + tol) & (roots < hi - tol)
        starts = np.unique(np.concatenate([t[:-1], roots[inside]]))
        parent = np.searchsorted(t, starts, side="right") - 1  # the interval each lies in
        t = np.append(starts, 1.0)
        checks.at_most(
            "breakpoints",
            "the number of linear pieces",
            len(t) - 1,
            MAX_PIECES,
            "use a shallower or narrower network",
        )
        mids = 0.5 * (t[:-1] + t[1:])
        A, B = A[parent], B[parent]
        on = (A + mids[:, None] * B) > 0  # the unit's sign on each piece
        A, B = A * on, B * on
    return t, B


@checked(_same_dimension, **SEGMENT)
def count_pieces(
    model: nn.Sequential,
    x0: float | np.ndarray = 0.0,
    x1: float | np.ndarray = 1.0,
    regions: bool = False,
) -> int:
    """The number of linear pieces of the network's output on the segment ``x0``–``x1``.

    Adjacent intervals with the same slope are one piece; ``regions=True`` counts the
    activation regions instead (intervals where the set of active units is constant), an
    upper bound.
    """
    t, slopes = breakpoints(model, x0, x1)
    if regions:
        return len(t) - 1
    scale = max(float(np.max(np.abs(slopes))), 1e-300)
    same = np.all(np.isclose(slopes[1:], slopes[:-1], rtol=1e-9, atol=1e-9 * scale), axis=1)
    return int(1 + np.count_nonzero(~same))


def _zigzag_fits(where: str, a: dict) -> None:
    checks.at_most(
        where,
        "the number of weights depth·width²",
        a["depth"] * a["width"] ** 2,
        10**7,
        "a laptop holds about 10^8 float64 numbers in 1 GB",
    )


@checked(_zigzag_fits, depth=whole(1, 1000), width=whole(2, 1000))
def zigzag_network(depth: int, width: int = 2) -> nn.Sequential:
    """The sawtooth construction: ``depth`` hidden ReLU layers of ``width`` units.

    One layer computes the zig-zag map ``g(x) = Σ_k c_k relu(x − k/width)`` with slopes
    ``+w, −w, +w, …``: it sweeps [0, 1] onto [0, 1] ``width`` times. Composing it ``depth``
    times gives ``width**depth`` linear pieces on [0, 1], from only about
    ``depth · width²`` parameters.
    """
    w = width
    c = np.array([w] + [2 * w * (-1) ** k for k in range(1, w)], dtype=float)
    shifts = -np.arange(w) / w
    layers = []
    for d in range(depth):
        lin = nn.Linear(1 if d == 0 else w, w)
        lin.W.data[...] = 1.0 if d == 0 else np.outer(c, np.ones(w))
        lin.b.data[...] = shifts
        layers += [lin, nn.ReLU()]
    out = nn.Linear(w, 1)
    out.W.data[:, 0] = c
    out.b.data[...] = 0.0
    return nn.Sequential(*layers, out)


def _random_relu_net(depth, width, seed):
    rng = np.random.default_rng(seed)
    layers = []
    for d in range(depth):
        layers += [nn.Linear(1 if d == 0 else width, width, init="he", rng=rng), nn.ReLU()]
        layers[-2].b.data[...] = rng.normal(0, 0.5, width)
    return nn.Sequential(*layers, nn.Linear(width, 1, init="he", rng=rng))


@checked(max_params=whole(1, 10**4), max_pieces=whole(1, 10**6))
def pieces_table(
    widths: tuple[int, ...] = (2, 3, 4),
    max_params: int = 120,
    max_pieces: int = 3000,
    seeds: range | list[int] = range(5),
) -> list[tuple[str, int, int, int, int, float]]:
    """Pieces against parameter count: deep zig-zags and shallow (one-layer) networks.

    Returns rows ``(kind, depth, width, params, pieces, random_pieces)``: ``pieces`` is the
    exact count for the constructed network, ``random_pieces`` the mean exact count for He-
    initialised networks of the same shape (on the segment [−1, 1]) over ``seeds``.
    """
    rows = []

    def add(kind, depth, width):
        net = zigzag_network(depth, width)
        rand = np.mean([count_pieces(_random_relu_net(depth, width, s), -1.0, 1.0) for s in seeds])
        rows.append((kind, depth, width, nn.n_params(net), count_pieces(net), float(rand)))

    for w in widths:
        depth = 1
        while nn.n_params(zigzag_network(depth, w)) <= max_params and w**depth <= max_pieces:
            add("deep", depth, w)
            depth += 1
    width = 2
    while nn.n_params(zigzag_network(1, width)) <= max_params:
        add("shallow", 1, width)
        width += 4 if width > 6 else 2
    return rows
