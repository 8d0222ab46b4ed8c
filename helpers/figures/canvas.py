"""Drawing fast, for views that redraw on every move of a slider (machinery for lessons 01-05).

``FastCanvas`` redraws only what a view changed, found on its own (``png`` and
``freeze_layout`` give a figure one); ``freeze_layout`` lays a figure out once;
``steady_limits`` is the one rule for axis limits that move in round steps (``steps_axis``
applies it to a steps axis); ``fewer_ticks`` and ``sparse_log_ticks`` keep the text to draw
small; ``png`` is the one PNG encoder of the widgets. A learner never needs to read this
module; CONTRIBUTING.md says how a view uses it.
"""

from __future__ import annotations

import io
import math
import os
import struct
import zlib

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.transforms import Bbox


class FastCanvas(FigureCanvasAgg):
    """An Agg canvas for views: it redraws only what changed, and writes PNGs quickly.

    ``png(fig)`` puts one under every view's figure; a view only sets its artists, as in
    plain matplotlib. Most of the time of drawing a small figure goes to its static parts —
    axes, ticks, tick labels, contours — so the canvas keeps their pixels and redraws the
    rest. What the view set since the last draw, matplotlib marks "stale":

    - the *moving* artists are what the view sets while the axes' limits stay (and hidden
      artists of the same kinds beside them, which cost nothing), and everything drawn
      after them that their pixels could touch (a legend over a moving line, the spines
      around a moving image): drawn in matplotlib's own order over a kept *background*
      (every other artist), the picture is exactly a plain draw's (tests/pixels.py),
      whatever came before;
    - while the view sets only moving artists, a draw restores the background and draws
      them; one it has not set for ``CALM`` draws goes back into the background;
    - when the limits (or the axes' boxes) change, what the view set with them (new titles,
      new contours) goes into a new background; a text set to what it showed is no
      change, an axis set at the same limits (its grid, its label) a new background;
    - backgrounds are kept by what they show (limits, boxes, texts, ticks, lines, images,
      points), so a view moved back to a setting seen before restores its background.

    PNGs are written by ``encode_png`` (each row stored as its difference from the row above,
    zlib level 1): a somewhat larger file than matplotlib's, in ~8 ms instead of ~25 for a
    1200×400 px figure. Only the Agg drawing knows about the kept pixels: a figure saved to
    another format is drawn in full.
    """

    #: How many backgrounds a canvas keeps (1200×400 px: 1.9 MB each).
    KEPT = 12
    #: Pixels around an artist's box within which another artist counts as touching it.
    MARGIN = 2
    #: A moving artist the view has not set for this many draws goes back into the
    #: background.
    CALM = 4

    def __init__(self, figure):
        super().__init__(figure)
        self._moving: list = []  # drawn over the background, in drawing order
        self._core: list = []  # those of them moving because they change
        self._background, self._key, self._kept = None, None, {}
        self._extents: dict = {}  # id(artist) → its box in pixels at the last full draw
        self._generation = 0  # counts changes to the background no key can describe
        self._drawing_background = False
        self._draws = 0  # draws so far
        self._seen: set = set()  # id of every artist at the last draw
        self._calm: dict = {}  # id(artist) → draws since the view last set it
        self._looks: dict = {}  # id(text) → ``look`` at the last draw
        self._watched: set = set()  # the moving artists that may grow into the background

    def _same(self, a) -> bool:
        """Whether ``a``, marked stale, draws as it did (a title set to the text it had)."""
        seen = self._looks.get(id(a))
        return seen is not None and seen == look(a)

    def is_saving(self):
        # Axes skip animated artists only when the canvas is not saving: inside savefig
        # (png's path) the moving artists would be drawn into the background too
        return super().is_saving() and not self._drawing_background

    def draw(self):
        fig = self.figure
        if "draw" in vars(fig):  # print_figure probing for the renderer
            super().draw()
            return
        order = drawing_order(fig)
        touched = [a for a in order if a.stale]  # what the view set since the last draw
        changed = [a for a in touched if not self._same(a)]  # and what now draws otherwise
        if self._seen - set(map(id, order)):  # artists removed: no key describes that
            self._forget()
        for a in touched:
            self._calm[id(a)] = 0
        frame = (tuple(fig.bbox.bounds), fig.dpi, self.boxes(), limits_of(fig))
        if (
            self._key is not None
            and self._key[0] == frame
            and any(isinstance(a, Axis) for a in changed)
        ):  # an axis that changed at the same limits (its label, say): no key describes that
            self._forget()
        shed = False
        if self._background is not None and self._key[0] == frame:
            still, moving = self._still_moving(), set(map(id, self._moving))
            shed = len(still) < len(self._core)  # some have not been set for a while
            fits = all(id(a) in moving for a in changed) and not self._grown(changed, order)
            if fits and not shed:
                self._restore(self._background)
                self._draw_moving(order, touched)
                return
            # what the view sets without moving the limits moves, unless it was still of late
            keep_moving = still + hidden_kin(order, touched)
        else:
            keep_moving = self._moving_after_new_limits(touched, changed)
        self._redraw(frame, order, keep_moving, changed, exact=shed)

    def _redraw(self, frame, order, keep_moving, changed, exact):
        """Choose the moving artists anew, restore or draw a background without them, and
        draw them over it."""
        fig = self.figure
        if self._key is None or self._key[0] != frame:
            self._extents.clear()  # new limits or boxes: every artist is measured again
        for a in changed:
            self._extents.pop(id(a), None)
        self._core = [a for a in order if id(a) in set(map(id, keep_moving))]
        needed = self._closure(order, keep_moving)
        key = self._kept_for(frame, order, needed, exact=exact)
        if key is not None:  # drawn before: its moving artists include all that are needed
            self._moving = [a for a in order if id(a) in set(key[1])]
            self._restore(self._kept[key])
            self._kept[key] = self._kept.pop(key)  # the most recently used is kept longest
        else:
            self._moving = needed
            self._draw_background()  # a layout engine may have moved the axes: the key says
            frame = (*frame[:2], self.boxes(), frame[3])  # where they are now
            key = (frame, tuple(map(id, needed)), self._generation, shown(order, needed))
            keep(self._kept, key, self.copy_from_bbox(fig.bbox), self.KEPT)
        self._background, self._key = self._kept[key], key
        self._draw_moving(order, order)

    def _kept_for(self, frame, order, needed, exact=False):
        """The key of a kept background for this frame that leaves out every artist in
        ``needed`` (and no other, if ``exact``) and shows the others as they are now, or
        None."""
        ids, now = {id(a) for a in needed}, {}
        for key in reversed(self._kept):
            kept_frame, moving, generation, seen = key
            fits = ids == set(moving) if exact else ids <= set(moving)
            if kept_frame == frame and generation == self._generation and fits:
                if moving not in now:  # what the others show now, found once per moving set
                    now[moving] = shown(order, [a for a in order if id(a) in set(moving)])
                if seen == now[moving]:
                    return key
        return None

    def _moving_after_new_limits(self, touched, changed) -> list:
        """What stays moving when the limits (or boxes) change: what changed with them and did
        not move before goes into the background; so does what moved and has not been set
        for ``CALM`` draws. The first draw after ``freeze_layout``'s shows what the view's
        updates set (but texts, which a view sets first of all: they move if set again)."""
        if self._draws == 1:
            return [a for a in touched if not isinstance(a, (Axis, Text))]
        moving = set(map(id, self._moving))
        if any(id(a) not in moving and look(a) is None for a in changed):
            self._forget()  # a background showing them cannot be described
        return self._still_moving()

    def _still_moving(self) -> list:
        """The artists that move because the view sets them, and set them in one of the last
        ``CALM`` draws (not those moving only because they lie over such artists)."""
        return [a for a in self._core if self._calm.get(id(a), 0) < self.CALM]

    def _forget(self):
        """Every background kept is stale: the next draw draws one anew."""
        self._generation += 1
        self._kept.clear()
        self._background = None

    def _restore(self, background):
        self.renderer = self.get_renderer()
        self.restore_region(background)

    def _draw_background(self):
        """A full draw of every artist but the moving ones. matplotlib < 3.11 draws an
        animated AxesImage anyway: those are hidden."""
        hidden = [a for a in self._moving if isinstance(a, AxesImage) and a.get_visible()]
        self._drawing_background = True
        try:
            for a in self._moving:
                a.set_animated(True)  # the figure's own draw skips them
            for a in hidden:
                a.set_visible(False)
            super().draw()
        finally:
            self._drawing_background = False
            for a in self._moving:
                a.set_animated(False)
            for a in hidden:
                a.set_visible(True)

    def _draw_moving(self, order, looked):
        """Draw the moving artists over the background; note how ``looked`` (the texts and
        axes the view set, or all after a new background) look now, and that none is stale."""
        self._draws += 1
        for a in self._moving:
            a.draw(self.renderer)
        self._seen = set(map(id, order))
        self._calm = {id(a): self._calm.get(id(a), -1) + 1 for a in order}
        self._looks.update((id(a), look(a)) for a in looked if isinstance(a, Text))
        for a in (*order, *self.figure.axes, self.figure):
            a.stale = False  # the next draw sees what the view changes from now on

    def _closure(self, order, changed) -> list:
        """The changed artists and every artist drawn after one of them that touches it, in
        drawing order: drawn in that order over the rest, they give a plain draw's pixels.
        Also notes which of them could grow into an artist of the background (``_grown``)."""
        changed, near = set(map(id, changed)), _near_axes(self.figure)
        out = []
        for a in order:
            if id(a) in changed or any(
                self._touches(m, a, self.MARGIN) for m in _beside(a, out, near)
            ):
                out.append(a)
        moving = set(map(id, out))
        self._watched = set()
        for k, a in enumerate(order):
            if id(a) in moving and not _fills_clip_box(a):
                later = [b for b in _beside(a, order[k + 1 :], near) if id(b) not in moving]
                if not _clipped(a) or any(
                    self._touches(a, b, 0, tuple(a.get_clip_box().extents)) for b in later
                ):
                    self._watched.add(id(a))
        return out

    def _touches(self, a, b, margin, box=None) -> bool:
        """Whether ``a`` (or ``box``, the extents of a place it may reach) touches ``b``.
        What belongs to one axes is taken not to reach what belongs to another whose box is
        apart (a layout keeps their titles and tick labels apart), and an axis touches a
        clipped artist of its axes at the axes' edges: neither needs its tick labels laid
        out (at every new limit, as costly as drawing them)."""
        mine, theirs = a.axes, b.axes
        if mine is not None and theirs is not None and mine is not theirs:
            if not _touch(tuple(mine.bbox.extents), tuple(theirs.bbox.extents), margin):
                return False
        box = self._extent(a) if box is None else box
        if isinstance(b, Axis) and _clipped(a) and mine is theirs:
            return _touch(box, tuple(theirs.bbox.extents), margin)
        return _touch(box, self._extent(b), margin)

    def _extent(self, a):
        """Where ``a`` draws, in pixels (as at the last full draw)."""
        if id(a) not in self._extents:
            self._extents[id(a)] = extent(a, self.get_renderer())
        return self._extents[id(a)]

    def _grown(self, changed, order) -> bool:
        """Whether a changed artist now reaches an artist of the background drawn after it
        (a line that rose into the legend, a longer title): then the moving artists must be
        chosen again. An artist that fills its clip box cannot grow."""
        renderer, moving = self.get_renderer(), set(map(id, self._moving))
        place = {id(a): k for k, a in enumerate(order)}
        for a in changed:
            if id(a) not in self._watched:
                continue
            now = extent(a, renderer)
            for b in order[place[id(a)] + 1 :]:
                if id(b) not in moving and self._touches(a, b, self.MARGIN, now):
                    return True
        return False

    def boxes(self) -> tuple:
        """Where the axes are, in pixels, as their next draw puts them: each axes's aspect
        (and locator) applied first, as ``Axes.draw`` does. An axes with a fixed aspect
        changes its box with its limits (the playground's grid of unit maps with its shape):
        a background drawn for other boxes is stale, and moving artists drawn before the
        aspect is applied land in the old box."""
        renderer = self.get_renderer()
        out = []
        for ax in self.figure.axes:
            locator = ax.get_axes_locator()
            ax.apply_aspect(locator(ax, renderer) if locator else None)
            out.append(tuple(ax.bbox.bounds))
        return tuple(out)

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


def hidden_kin(order, touched) -> list:
    """What the view set (its axes aside: what changes in them is their limits), and the
    hidden artists of the same kinds beside them (the same type in the same axes): the edge
    labels a step shows one at a time, say. A hidden artist draws nothing, so it costs
    nothing to keep it moving, and showing it later then needs no new background."""
    kinds = {(type(a), a.axes) for a in touched if not isinstance(a, Axis)}
    hidden = [a for a in order if not a.get_visible() and (type(a), a.axes) in kinds]
    return [a for a in touched if not isinstance(a, Axis)] + hidden


def _near_axes(fig) -> dict:
    """For each axes of ``fig``, the axes whose boxes touch its box (itself included)."""
    boxes = {ax: tuple(ax.bbox.extents) for ax in fig.axes}
    return {a: {b for b in boxes if _touch(boxes[a], boxes[b], 2)} for a in boxes}


def _beside(a, artists, near) -> list:
    """Those of ``artists`` that may touch ``a``: in its axes or one beside it, or in none
    (figure texts and legends); all, if ``a`` is in none."""
    if a.axes is None or a.axes not in near:
        return artists
    here = near[a.axes]
    return [m for m in artists if m.axes is None or m.axes in here]


def drawing_order(fig) -> list:
    """The artists of ``fig`` in the order its draw paints them (as ``Figure.draw`` and
    ``Axes.draw`` sort them): an axes's patch, then its children by zorder; figure-level
    artists (texts, legends) by zorder among the axes."""
    out = []
    for a in sorted((c for c in fig.get_children() if c is not fig.patch), key=_zorder):
        if isinstance(a, Axes) and a in fig.axes:
            children = [c for c in a.get_children() if c is not a.patch]
            if not a.axison:
                children = [c for c in children if c not in (*a.spines.values(), a.xaxis, a.yaxis)]
            front = [a.patch] if a.axison and a.get_frame_on() else []
            out += front + sorted(children, key=_zorder)
        else:
            out.append(a)
    return out


def _zorder(a):
    return a.get_zorder()


def limits_of(fig) -> tuple:
    """The x and y limits of every axes of ``fig``."""
    return tuple((tuple(ax.get_xlim()), tuple(ax.get_ylim())) for ax in fig.axes)


def shown(order, moving) -> tuple:
    """What the background shows of the artists a view changes most often (ticks, texts,
    lines, images, points), so that a background kept for them is restored only when they
    are the same."""
    moving = set(map(id, moving))
    return tuple(look(a) for a in order if id(a) not in moving and isinstance(a, _LOOKED))


def look(a):
    """What ``a`` draws, as a value to compare, or None for an artist it does not describe."""
    if isinstance(a, Axis):  # where its ticks are, what they say, and its label
        formatter = a.get_major_formatter()
        seq = tuple(getattr(formatter, "seq", ()))
        return (tuple(a.get_majorticklocs()), type(formatter), seq, a.label.get_text())
    if isinstance(a, Text):
        return (
            a.get_text(),
            a.get_position(),
            str(a.get_color()),
            a.get_fontsize(),
            a.get_visible(),
        )
    if isinstance(a, Line2D):
        style = (a.get_linestyle(), a.get_marker(), a.get_alpha(), a.get_visible())
        return (_digest(a.get_xydata()), str(a.get_color()), a.get_linewidth(), *style)
    if isinstance(a, AxesImage):  # its values, and how they become colours
        colours = (a.get_clim(), a.get_cmap().name, a.get_alpha(), a.get_visible())
        return (_digest(a.get_array()), tuple(a.get_extent()), *colours)
    if isinstance(a, PathCollection):  # points
        colours = (a.get_facecolors(), a.get_edgecolors(), a.get_sizes())
        return (_digest(a.get_offsets()), *map(_digest, colours), a.get_visible())
    if isinstance(a, QuadMesh):
        return (_digest(a.get_array()), _digest(a.get_coordinates()), a.get_visible())
    return None


def _digest(values) -> tuple:
    data = np.ascontiguousarray(values)
    return (hash(data.tobytes()), data.shape, data.dtype.str)


_LOOKED = (Axis, Text, Line2D, AxesImage, PathCollection, QuadMesh)
_MEASURED = (Line2D, AxesImage, PathCollection)


def _clipped(a) -> bool:
    return bool(a.get_clip_on()) and a.get_clip_box() is not None and not isinstance(a, Axes)


def _fills_clip_box(a) -> bool:
    """Whether ``extent`` gives ``a``'s clip box itself (an artist it cannot measure)."""
    return _clipped(a) and not isinstance(a, _MEASURED)


def extent(a, renderer) -> tuple:
    """The box, in pixels (x0, y0, x1, y1), that ``a`` draws in: its own box for the kinds
    that measure it cheaply (lines, points, images), within its clip box; none if hidden."""
    if not a.get_visible():
        return (math.inf, math.inf, -math.inf, -math.inf)
    if isinstance(a, Axis):  # its labels, and its ticks and grid lines at and in the axes
        labels = a.get_tightbbox(renderer)
        box = a.axes.bbox if labels is None else Bbox.union([labels, a.axes.bbox])
    elif isinstance(a, Spine):  # on an edge of its axes
        box = a.axes.bbox.padded(a.get_linewidth() * a.get_figure(root=True).dpi / 72)
    elif _fills_clip_box(a):
        box = a.get_clip_box()
    else:
        box = _padded(a, a.get_window_extent(renderer))
        if _clipped(a):
            box = Bbox.intersection(box, a.get_clip_box())
    return (math.inf, math.inf, -math.inf, -math.inf) if box is None else tuple(box.extents)


def _padded(a, box):
    """``box`` widened by half a line width and a marker's size for a line."""
    if not isinstance(a, Line2D):
        return box
    points = a.get_linewidth() / 2 + (a.get_markersize() + a.get_markeredgewidth())
    return box.padded(points * a.get_figure(root=True).dpi / 72)


def _touch(a, b, margin) -> bool:
    return (
        a[0] - margin < b[2]
        and b[0] - margin < a[2]
        and a[1] - margin < b[3]
        and b[1] - margin < a[3]
    )


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
    """Lay a figure out once (constrained layout), then keep that layout; the figure gets a
    :class:`FastCanvas` (as ``png`` gives it).

    Re-running the layout engine on every redraw costs about as much as drawing; a view
    whose axes do not move does not need it.
    """
    import matplotlib

    if not isinstance(fig.canvas, FastCanvas):
        FastCanvas(fig)
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
    fills 60–100 % of it (``steady_limits``). Returns True when the axis changed."""
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
    The figure gets a :class:`FastCanvas` first (if it has none), which redraws only what
    changed since its last draw.

    ``display(fig)`` would go through the inline backend, which draws twice
    (``bbox_inches="tight"``) and shows only ``<Figure size ...>`` text when
    ``%matplotlib inline`` is not active; measured in the browser, this is 11–15 % faster
    from slider to pixels (bench/README.md, bench_latency.py). The canvas encodes with
    :func:`encode_png`.
    """
    if not isinstance(fig.canvas, FastCanvas):
        FastCanvas(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()
