"""Shared figure style for the series: one palette, one way to make a figure, one axis style.

Every figure in ``helpers`` is a ``matplotlib.figure.Figure`` made here, without ``pyplot``,
so nothing is registered globally and a figure is freed with the object holding it. A
notebook shows a figure by ending a cell with it (after ``%matplotlib inline`` in its first
cell, which tells IPython to draw figures as PNG).

Colours are the Okabe–Ito palette, readable with every common colour-vision deficiency.
They carry meaning, the same in every notebook: look a colour up by its role.
"""

from __future__ import annotations

import io
import math
import os

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Colours by role (Okabe–Ito). Use the role, not the hue, in figure code.
PALETTE = {
    "g": "#0072B2",         # the inner function g (blue)
    "f": "#009E73",         # the outer function f (green)
    "y": "#333333",         # the composition y = f(g(x)), a result (near black)
    "tangent": "#D55E00",   # tangent lines and exact slopes (vermillion)
    "dx": "#555555",        # a small change in the input x (grey)
    "du": "#E69F00",        # the change it causes in u = g(x) (orange)
    "dy": "#CC79A7",        # the change it causes in y (reddish purple)
    "forward": "#E69F00",   # forward differences (orange)
    "central": "#0072B2",   # central differences (blue)
    "float32": "#56B4E9",   # anything computed in float32 (sky blue)
    "muted": "#999999",     # guides, reference lines, secondary marks (grey)
    "path1": "#0072B2",     # first path through a graph (blue)
    "path2": "#009E73",     # second path through a graph (green)
}

#: Font sizes in points, so that every figure reads the same.
FONT = {"title": 11, "label": 10, "tick": 9, "note": 9}

#: Default size of one panel in inches (width, height).
PANEL = (3.8, 3.0)


def new_figure(ncols: int = 1, nrows: int = 1, width: float | None = None,
               height: float | None = None) -> Figure:
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
            raise ValueError(f"new_figure: {name} must be in inches, between 0 and 100, "
                             f"got {v!r}")
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    fig.subplots(nrows, ncols, squeeze=False)
    for ax in fig.axes:
        style_axis(ax)
    return fig


def style_axis(ax: Axes, title: str | None = None, xlabel: str | None = None,
               ylabel: str | None = None, *, grid: bool = True) -> Axes:
    """Apply the series' look to ``ax``: light grid, no top/right frame, readable fonts."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#444444")
    ax.tick_params(labelsize=FONT["tick"], color="#444444")
    ax.grid(grid, color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    if title is not None:
        ax.set_title(title, fontsize=FONT["title"])
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=FONT["label"])
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=FONT["label"])
    return ax


# --- drawing fast, for views that redraw on every move of a slider ---------------------

class FastCanvas(FigureCanvasAgg):
    """An Agg canvas for views: it redraws only what changes, and writes PNGs quickly.

    Most of the time of drawing a small figure goes to its static parts — axes, ticks, tick
    labels, contours. A view lists the artists its ``update`` changes in ``animated``
    (lines, images, titles); the canvas draws everything else once, keeps those pixels
    (``copy_from_bbox``), and on later draws restores them and draws only the animated
    artists on top ("blitting"). A view whose static parts change (new axis limits, say)
    calls ``invalidate()``. PNGs are compressed at zlib level 1 instead of 6: a somewhat
    larger file, in a few ms instead of ~25.

    Both ``fig.canvas.print_png`` and the notebook's inline display use this canvas — the
    latter only with ``%config InlineBackend.print_figure_kwargs = {"bbox_inches": None}``
    (a tight bounding box changes the figure's size, so every draw is a full one; correct,
    just not faster). Only PNG output knows about the cache: animated artists are drawn by
    this canvas, so save views as PNG. A view whose picture depends on a small state alone
    (a step number) may set ``state``: each state's PNG is then made once and kept.
    """

    def __init__(self, figure, animated=()):
        super().__init__(figure)
        self._drawing_background = False
        # A view whose picture is fully determined by a small state (the step of a
        # step-through) names it here; each state's PNG is then made once and kept.
        self.state, self._pngs = None, {}
        self.animated = []
        self.set_animated(animated)

    def set_animated(self, artists):
        for a in self.animated:
            a.set_animated(False)
        self.animated = list(artists)
        for a in self.animated:
            a.set_animated(True)          # the figure's own draw now skips them
        self.invalidate()

    def is_saving(self):
        return super().is_saving() and not self._drawing_background

    def invalidate(self):
        """Forget the cached background: the next draw is a full one."""
        self._background, self._key = None, None

    def draw(self):
        fig = self.figure
        key = (tuple(fig.bbox.bounds), fig.dpi)
        patched = "draw" in vars(fig)     # print_figure probing for the renderer
        if not self.animated or patched:
            super().draw()
            return
        if self._background is None or key != self._key:
            # Everything that is not animated. Axes skip their animated artists only when
            # the canvas is not saving: inside savefig (live's path) they would be drawn
            # into the background too, and show through under later updates.
            self._drawing_background = True
            try:
                super().draw()
            finally:
                self._drawing_background = False
            self._background, self._key = self.copy_from_bbox(fig.bbox), key
        else:
            self.renderer = self.get_renderer()
            self.restore_region(self._background)
        for a in self.animated:
            fig.draw_artist(a)

    def print_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None, **_ignored):
        # print_figure also passes dpi, facecolor, ... (already applied to the figure);
        # matplotlib drops them for its own canvases, a subclass must do it itself
        import matplotlib.image
        fig = self.figure
        probing = "draw" in vars(fig)     # print_figure looking for the renderer: draw
        key = (None if self.state is None or metadata or pil_kwargs or probing else
               (self.state, tuple(fig.bbox.bounds), fig.dpi))
        png = self._pngs.get(key)
        if png is None:
            self.draw()
            buf = io.BytesIO()
            matplotlib.image.imsave(buf, self.buffer_rgba(), format="png", origin="upper",
                                    dpi=fig.dpi, metadata=metadata,
                                    pil_kwargs={"compress_level": 1, **(pil_kwargs or {})})
            png = buf.getvalue()
            if key is not None:
                self._pngs[key] = png
        if hasattr(filename_or_obj, "write"):
            filename_or_obj.write(png)
        else:
            with open(os.fspath(filename_or_obj), "wb") as f:
                f.write(png)


def freeze_layout(fig):
    """Lay a figure out once (constrained layout), then keep that layout.

    Re-running the layout engine on every redraw costs about as much as drawing; a view
    whose axes do not move does not need it.
    """
    import matplotlib
    if isinstance(fig.canvas, FastCanvas):
        fig.canvas.invalidate()   # a full draw, so that the layout runs; the background it
                                  # caches is drawn after the layout, so it stays valid
    fig.canvas.draw()
    # no engine at all ('none' would leave a placeholder, and print_figure draws a figure
    # that has any layout engine twice)
    with matplotlib.rc_context({"figure.autolayout": False,
                                "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)
    return fig


def fewer_ticks(fig, n: int = 5):
    """At most ``n`` labelled ticks on every linear axis of ``fig``: text is most of the cost
    of drawing a small figure."""
    from matplotlib.ticker import MaxNLocator
    for ax in fig.axes:
        for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
            if scale == "linear" and axis.get_major_locator().__class__.__name__ == "AutoLocator":
                axis.set_major_locator(MaxNLocator(n, steps=[1, 2, 2.5, 5, 10]))


def steady_limits(lo: float, hi: float, current=None, *, step: float | None = None,
                  room: float = 0.1) -> tuple[float, float]:
    """Axis limits that show ``lo..hi`` and move in steps: the ``current`` limits while
    ``lo..hi`` fits in them and fills at least 60 % of them; otherwise ``lo..hi`` with
    ``room`` (a fraction of its span) more on each side, widened to multiples of ``step``
    (by default a tenth of the span, rounded to 1, 2 or 5 × 10^k). A slider that moves a
    little then leaves the axes, ticks and labels as they are: nothing to redraw."""
    if current is not None:
        c0, c1 = current
        if c0 <= lo and hi <= c1 and c1 - c0 <= (hi - lo) / 0.6:
            return c0, c1
    lo, hi = lo - room * (hi - lo), hi + room * (hi - lo)
    if step is None:
        step = 10.0 ** math.floor(math.log10((hi - lo) / 10))
        step *= next(m for m in (1, 2, 5, 10) if m * step >= (hi - lo) / 10)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def steps_axis(ax, n: int, unit: int) -> bool:
    """Show steps 0..n on ``ax``'s x axis, its end a whole number of ``unit``s, kept while n
    fills 60–100 % of it (``steady_limits``). Returns True when the axis changed (a cached
    background is then stale)."""
    limits = steady_limits(0, max(n, 1), ax.get_xlim(), step=unit, room=0)
    if limits == ax.get_xlim():
        return False
    ax.set_xlim(*limits)
    return True


def sparse_log_ticks(ax, numticks: int = 5):
    """A log y axis with a few labelled decades and no minor ticks: cheaper to draw."""
    from matplotlib.ticker import LogLocator, NullLocator
    ax.yaxis.set_major_locator(LogLocator(numticks=numticks))
    ax.yaxis.set_minor_locator(NullLocator())
