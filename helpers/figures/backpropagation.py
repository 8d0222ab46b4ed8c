"""Figures of notebook 03 (backpropagation) added for the chain rule in matrix form: a
product of matrices drawn as heat maps, ``A · B · … = C``, each cell coloured by its value."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["matrix_product_figure"]


def matrix_product_figure(factors, result, title: str = "", cell: float = 0.42) -> Figure:
    """Heat maps of ``factors`` (a list of ``(name, 2-D array)``) followed by ``result``
    (``(name, 2-D array)``), with "·" between factors and "=" before the result.

    Every panel shares one symmetric colour scale (red positive, blue negative), and every
    entry is written in its cell, so the picture can be read as numbers too.
    """
    factors = list(factors)
    if not factors:
        raise ValueError("matrix_product_figure: factors is empty; expected [(name, array)]")
    panels = [(n, np.atleast_2d(np.asarray(a, dtype=float))) for n, a in [*factors, result]]
    for name, a in panels:
        if a.ndim != 2:
            raise ValueError(f"matrix_product_figure: {name!r} must be a 2-D array, got "
                             f"shape {a.shape}")
    m = max(float(np.max(np.abs(a))) for _, a in panels) or 1.0
    widths = [a.shape[1] for _, a in panels]
    height = max(a.shape[0] for _, a in panels)
    fig = Figure(figsize=(cell * (sum(widths) + 1.2 * len(panels)) + 0.4,
                          cell * height + 0.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels), width_ratios=widths))
    for k, (ax, (name, a)) in enumerate(zip(axes, panels)):
        ax.imshow(a, cmap="RdBu_r", vmin=-m, vmax=m, aspect="equal")
        for (i, j), v in np.ndenumerate(a):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6.5,
                    color="white" if abs(v) > 0.6 * m else "black")     # readable on dark cells
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name, fontsize=9)
        if k < len(panels) - 1:
            sign = "=" if k == len(panels) - 2 else "·"
            ax.annotate(sign, xy=(1, 0.5), xycoords="axes fraction", xytext=(6, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=14)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig
