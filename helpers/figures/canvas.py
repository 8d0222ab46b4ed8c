"""Drawing fast, for views that redraw on every move of a slider (machinery for lessons 01-05).

``FastCanvas`` redraws only the artists a view changes; ``freeze_layout`` lays a figure out
once; ``steady_limits`` is the one rule for axis limits that move in round steps
(``steps_axis`` applies it to a steps axis); ``fewer_ticks`` and ``sparse_log_ticks`` keep the
text to draw small; ``png`` is the one PNG encoder of the widgets. A learner never needs to
read this module; CONTRIBUTING.md says how a view uses it.
"""

from __future__ import annotations

import io
import math
import os
import struct
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import AxesImage


class FastCanvas(FigureCanvasAgg):
    """An Agg canvas for views: it redraws only what changes, and writes PNGs quickly.

    Most of the time of drawing a small figure goes to its static parts — axes, ticks, tick
    labels, contours. A view lists the artists its ``update`` changes in ``animated``
    (lines, images, titles); the canvas draws everything else once, keeps those pixels
    (``copy_from_bbox``), and on later draws restores them and draws only the animated
    artists on top ("blitting"). A view whose static parts change (new axis limits, say)
    calls ``invalidate()``; an axes box that moves (new limits of an axes with a fixed
    aspect) needs no call: a background is kept for the axes' boxes it was drawn with
    (``boxes``). PNGs are written by ``encode_png`` (each row stored as its
    difference from the row above, zlib level 1): a somewhat larger file than matplotlib's,
    in ~8 ms instead of ~25 for a 1200×400 px figure.

    Both ``fig.canvas.print_png`` and the notebook's inline display use this canvas — the
    latter only with ``%config InlineBackend.print_figure_kwargs = {"bbox_inches": None}``
    (a tight bounding box changes the figure's size, so every draw is a full one; correct,
    just not faster). Only PNG output knows about the cache: animated artists are drawn by
    this canvas, so save views as PNG. A view
    whose static parts depend on a small value alone (axis limits, titles) may set
    ``static_key`` to a function returning it: the background drawn for each value is kept,
    so a setting seen before needs no full draw.
    """

    #: How many backgrounds a view with a ``static_key`` keeps (1200×400 px: 1.9 MB each).
    KEPT = 12

    def __init__(self, figure, animated=()):
        super().__init__(figure)
        self._drawing_background = False
        # A view whose static parts are determined by a small value (its axis limits and
        # titles) gives a function returning it: the background drawn for each value is
        # kept, and a view moved back to a setting it had restores it instead of drawing.
        self.static_key, self._kept = None, {}
        self.animated = []
        self.set_animated(animated)

    def set_animated(self, artists):
        for a in self.animated:
            a.set_animated(False)
        self.animated = list(artists)
        for a in self.animated:
            a.set_animated(True)  # the figure's own draw now skips them
        self.forget()

    def is_saving(self):
        return super().is_saving() and not self._drawing_background

    def invalidate(self):
        """The static parts changed: the next draw is a full one, unless ``static_key()``
        then equals its value at a full draw made before (those pixels are restored)."""
        self._background, self._key = None, None

    def forget(self):
        """Invalidate, and forget every kept background (a new layout, new animated list)."""
        self._kept.clear()
        self.invalidate()

    def boxes(self) -> tuple:
        """Where the axes are, in pixels, as their next draw puts them: each axes's aspect
        (and locator) applied first, as ``Axes.draw`` does. An axes with a fixed aspect
        changes its box with its limits (the playground's grid of unit maps with its shape):
        a background drawn for other boxes is stale, and animated artists drawn before the
        aspect is applied land in the old box."""
        renderer = self.get_renderer()
        out = []
        for ax in self.figure.axes:
            locator = ax.get_axes_locator()
            ax.apply_aspect(locator(ax, renderer) if locator else None)
            out.append(tuple(ax.bbox.bounds))
        return tuple(out)

    def draw(self):
        fig = self.figure
        patched = "draw" in vars(fig)  # print_figure probing for the renderer
        if not self.animated or patched:
            super().draw()
            return
        # the figure's size and the axes' boxes: a background is valid for these only
        key = (tuple(fig.bbox.bounds), fig.dpi, self.boxes())
        if self._background is None or key != self._key:
            static = None if self.static_key is None else (self.static_key(), key)
            kept = self._kept.get(static)
            if kept is not None:  # drawn before, for these very limits and titles
                self.renderer = self.get_renderer()
                self.restore_region(kept)
                self._background, self._key = kept, key
            else:
                # Everything that is not animated. Axes skip their animated artists only
                # when the canvas is not saving: inside savefig (live's path) they would be
                # drawn into the background too, and show through under later updates.
                # matplotlib < 3.11 draws an animated AxesImage anyway (Axes.draw kept images
                # while dropping other animated artists): hide them, or a translucent image
                # is drawn over its own previous pixels on every update.
                self._drawing_background = True
                hidden = [a for a in self.animated if isinstance(a, AxesImage) and a.get_visible()]
                try:
                    for a in hidden:
                        a.set_visible(False)
                    super().draw()
                finally:
                    self._drawing_background = False
                    for a in hidden:
                        a.set_visible(True)
                self._background, self._key = self.copy_from_bbox(fig.bbox), key
                if static is not None:
                    keep(self._kept, static, self._background, self.KEPT)
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
        self.draw()
        if metadata is None and pil_kwargs is None:
            png = encode_png(np.asarray(self.buffer_rgba()))
        else:  # what matplotlib writes, with what the caller asked for
            buf = io.BytesIO()
            matplotlib.image.imsave(
                buf,
                self.buffer_rgba(),
                format="png",
                origin="upper",
                dpi=fig.dpi,
                metadata=metadata,
                pil_kwargs={"compress_level": 1, **(pil_kwargs or {})},
            )
            png = buf.getvalue()
        if hasattr(filename_or_obj, "write"):
            filename_or_obj.write(png)
        else:
            with open(os.fspath(filename_or_obj), "wb") as f:
                f.write(png)


def keep(kept: dict, key, value, most: int):
    """``kept[key] = value``, then forget the oldest entries beyond ``most``; returns value."""
    kept[key] = value
    while len(kept) > most:
        del kept[next(iter(kept))]
    return value


def encode_png(rgba: np.ndarray, level: int = 1) -> bytes:
    """An RGBA image (rows × columns × 4, uint8) as PNG bytes, fast.

    Every row is stored with the PNG filter "up" (its byte-wise difference from the row above:
    all zeros where a figure is unchanged from one row to the next, which is most of a white
    figure) and compressed at zlib ``level``. Pillow's encoder spends most of its time
    choosing a filter per row; this one takes about a third of its time on a figure.
    """
    h, w, channels = rgba.shape
    if channels != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"encode_png: expected an RGBA uint8 image, got {rgba.dtype} {rgba.shape}")
    rows = rgba.reshape(h, 4 * w)
    filtered = np.empty((h, 1 + 4 * w), np.uint8)
    filtered[:, 0] = 2  # filter type "up"
    filtered[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])  # modulo 256, as PNG wants

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8 bits, RGBA, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(filtered.tobytes(), level))
        + chunk(b"IEND", b"")
    )


def freeze_layout(fig):
    """Lay a figure out once (constrained layout), then keep that layout.

    Re-running the layout engine on every redraw costs about as much as drawing; a view
    whose axes do not move does not need it.
    """
    import matplotlib

    if isinstance(fig.canvas, FastCanvas):
        fig.canvas.forget()  # a full draw, so that the layout runs; the background it
        # caches is drawn after the layout, so it stays valid (and none kept from before)
    fig.canvas.draw()
    # no engine at all ('none' would leave a placeholder, and print_figure draws a figure
    # that has any layout engine twice)
    with matplotlib.rc_context(
        {"figure.autolayout": False, "figure.constrained_layout.use": False}
    ):
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


def steady_limits(
    lo: float, hi: float, current=None, *, step: float | None = None, room: float = 0.1
) -> tuple[float, float]:
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


def png(fig) -> bytes:
    """The figure as PNG bytes at its own dpi, drawn once: the one PNG encoder of the widgets.

    ``display(fig)`` would go through the inline backend, which draws twice
    (``bbox_inches="tight"``) and shows only ``<Figure size ...>`` text when
    ``%matplotlib inline`` is not active; measured in the browser, this is 11–15 % faster
    from slider to pixels (bench/README.md, bench_latency.py). On a :class:`FastCanvas` it
    draws only the animated artists and encodes with :func:`encode_png`.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()
