"""The figure style of every lesson: one palette, one class-colour map, sizes, one axis style.

Every figure in ``helpers`` is a ``matplotlib.figure.Figure`` made without ``pyplot``, so
nothing is registered globally and a figure is freed with the object holding it. A
notebook shows a figure by ending a cell with it (after ``%matplotlib inline`` in its first
cell, which tells IPython to draw figures as PNG).

Colours are the Okabe–Ito palette, readable with every common colour-vision deficiency
(tests/test_palette.py checks it with a simulation of each).
They carry meaning, the same in every notebook: look a colour up by its role.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from .. import checks

#: Colours by role (Okabe–Ito). Use the role, not the hue, in figure code.
PALETTE = {
    "g": "#0072B2",  # the inner function g (blue)
    "f": "#009E73",  # the outer function f (green)
    "y": "#333333",  # the composition y = f(g(x)), a result (near black)
    "tangent": "#D55E00",  # tangent lines and exact slopes (vermillion)
    "dx": "#555555",  # a small change in the input x (grey)
    "du": "#E69F00",  # the change it causes in u = g(x) (orange)
    "dy": "#CC79A7",  # the change it causes in y (reddish purple)
    "forward": "#E69F00",  # forward differences (orange)
    "central": "#0072B2",  # central differences (blue)
    "float32": "#56B4E9",  # anything computed in float32 (sky blue)
    "muted": "#BBBBBB",  # guides, reference lines, secondary marks (light grey: #999999 came
    # within CIEDE2000 6 of "dy" for a deuteranope; tests/test_palette.py)
    "path1": "#0072B2",  # first path through a graph (blue)
    "path2": "#009E73",  # second path through a graph (green)
}


#: Font sizes in points, so that every figure reads the same.
FONT = {"title": 11, "label": 10, "tick": 9, "note": 9}


#: Default size of one panel in inches (width, height).
PANEL = (3.8, 3.0)


#: Okabe–Ito colours, one per class (the series' palette: colour-blind safe).
CLASS_COLORS = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#999999",
    "#882255",
]


#: The same class colours as RGB rows, for mixing by class probabilities (``P @ CLASS_RGB``).
CLASS_RGB = np.array([to_rgb(c) for c in CLASS_COLORS])
LOSS_COLOR = "#333333"


WARN_COLOR = "#B00020"


def new_figure(
    ncols: int = 1, nrows: int = 1, width: float | None = None, height: float | None = None
) -> Figure:
    """Return a Figure with ``nrows`` × ``ncols`` styled axes (read them from ``fig.axes``).

    ``width`` and ``height`` are the whole figure's size in inches; by default each panel
    gets ``PANEL``. The layout is "constrained", so labels never overlap between panels.
    """
    for name, n in (("ncols", ncols), ("nrows", nrows)):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"new_figure: {name} must be a positive integer, got {n!r}")
    width = PANEL[0] * ncols if width is None else width
    height = PANEL[1] * nrows if height is None else height
    for name, v in (("width", width), ("height", height)):
        if not isinstance(v, (int, float)) or not 0 < v < 100:
            raise ValueError(f"new_figure: {name} must be in inches, between 0 and 100, got {v!r}")
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    fig.subplots(nrows, ncols, squeeze=False)
    for ax in fig.axes:
        style_axis(ax)
    return fig


def view_figure(where: str, figsize, dpi) -> Figure:
    """A widget view's figure (constrained layout), its ``figsize`` (inches) and ``dpi``
    checked first."""
    if isinstance(figsize, (str, bytes)) or np.shape(figsize) != (2,):
        raise TypeError(
            f"{where}: figsize must be (width, height) in inches, got {checks.got(figsize)}"
        )
    size = [checks.number(where, "figsize", v, low=0, high=100, low_open=True) for v in figsize]
    dpi = checks.number(where, "dpi", dpi, low=10, high=600)
    return Figure(figsize=size, dpi=dpi, layout="constrained")


def style_axis(
    ax: Axes,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    *,
    grid: bool = True,
) -> Axes:
    """Apply the series' look to ``ax``: light grid, no top/right frame, readable fonts."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#444444")
    ax.tick_params(labelsize=FONT["tick"], color="#444444")
    if grid:
        ax.grid(True, color="#e6e6e6", linewidth=0.8)
    else:
        ax.grid(False)
    ax.set_axisbelow(True)
    if title is not None:
        ax.set_title(title, fontsize=FONT["title"])
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=FONT["label"])
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=FONT["label"])
    return ax
