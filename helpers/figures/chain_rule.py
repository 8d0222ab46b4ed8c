"""Figures of lesson 01, the chain rule (``notebooks/01_chain_rule.ipynb``).

Each function takes plain values and returns a ``matplotlib.figure.Figure``; the maths they
draw is :mod:`helpers.calculus`. ``ChainRuleView`` is the widget's view (``.fig``,
``.update(f=, g=, x=)``); ``chain_rule_figure`` draws its default state as a static figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure

from .. import checks
from ..calculus import (
    Chain,
    Function,
    Slopes,
    TwoPaths,
    chain,
    check_step,
    compose,
    derivative,
    difference_errors,
    fmt,
    get,
    reliable_step,
    rounding_plateau,
    slopes_text,
    taylor,
    two_paths,
)
from .alt import describe
from .canvas import fewer_ticks, freeze_layout, steady_limits
from .style import FONT, PALETTE, new_figure, style_axis


def secant_figure(
    f: str | Function = "sin", x: float = 1.0, hs: Sequence[float] = (1.6, 0.8, 0.4, 0.1)
) -> Figure:
    """Left: secants through (x, f(x)) and (x + h, f(x + h)) for shrinking h, and the tangent.
    Right: the secant slopes (forward differences) and central differences against h,
    approaching the exact slope f'(x)."""
    fn = get(f)
    x = float(fn.check(checks.number("secant_figure", "x", x)))
    hs = [check_step(h, "secant_figure") for h in hs]
    fig = new_figure(2, 1, width=10.0, height=3.8)
    ax, ax_s = fig.axes
    _secants(ax, fn, x, hs)
    grid = np.logspace(-3, 0, 61)
    _slopes_against_h(ax_s, fn, x, grid)
    return describe(fig, _describe_secants(fn, x, hs, grid))


def _secants(ax, fn: Function, x: float, hs):
    """The curve near ``x``, a secant per step ``h`` (greyer as h grows), and the tangent."""
    lo, hi = x - 0.6, x + max(hs) + 0.3
    t = np.linspace(lo, hi, 300)
    curve = fn.where_defined(t)
    ax.plot(t, curve, color=PALETTE["f"], lw=2.2, label=f"$f(x) = {fn.tex()}$")
    for h, shade in zip(hs, np.linspace(0.75, 0.3, len(hs)), strict=True):
        _secant(ax, fn, x, h, str(shade), t)
    slope = fn.df(x)
    ax.plot(
        t,
        fn.f(x) + slope * (t - x),
        color=PALETTE["tangent"],
        lw=2,
        label=f"tangent, slope $f'(x)$ = {fmt(slope, 4)}",
    )
    ax.plot([x], [fn.f(x)], "o", color="black", ms=6, zorder=5)
    pad = 0.15 * (np.nanmax(curve) - np.nanmin(curve))
    ax.set_xlim(lo, hi)
    ax.set_ylim(np.nanmin(curve) - pad, np.nanmax(curve) + pad)
    style_axis(ax, "secants approach the tangent", "x", "y")
    ax.legend(fontsize=FONT["note"], loc="lower center", frameon=False)


def _secant(ax, fn: Function, x: float, h: float, grey: str, t):
    """The secant through x and x + h over ``t``, its second point named "h = …"."""
    s = derivative(fn.f, x, h, "forward")
    ax.plot(t, fn.f(x) + s * (t - x), color=grey, lw=1.2, label=f"secant, h = {fmt(h)}")
    ax.plot([x + h], [fn.f(x + h)], "o", color=grey, ms=5, zorder=4)  # above the tangent
    lo, hi = t[0], t[-1]
    crowded = h < 0.1 * (hi - lo)  # a point next to (x, f(x)): label it above
    ax.annotate(  # name each secant's second point, off the lines, with a leader line
        f"h = {fmt(h)}",
        (x + h, fn.f(x + h)),
        xytext=(-14, 22) if crowded else (8, -30),
        textcoords="offset points",
        ha="right" if crowded or x + h > lo + 0.75 * (hi - lo) else "left",
        color="0.25",
        fontsize=FONT["note"],
        bbox=dict(fc="white", ec="none", alpha=0.8, pad=0.5),
        arrowprops=dict(arrowstyle="-", color="0.25", lw=0.8),
    )


SECANT_FORMULAS = {"forward": "(f(x+h) − f(x)) / h", "central": "(f(x+h) − f(x−h)) / 2h"}


def _slopes_against_h(ax, fn: Function, x: float, grid):
    """The forward and central estimates of f'(x) over the steps ``grid``, and the exact
    slope."""
    for method, formula in SECANT_FORMULAS.items():
        estimates = [derivative(fn.f, x, h, method) for h in grid]
        ax.semilogx(grid, estimates, color=PALETTE[method], lw=2, label=f"{method}: {formula}")
    slope = fn.df(x)
    # black and on top: the orange forward curve would hide a vermillion line (reader r6)
    ax.axhline(
        slope, color="black", lw=1.3, ls="--", zorder=3, label=f"exact $f'(x)$ = {fmt(slope, 4)}"
    )
    style_axis(
        ax,
        "estimated slope as h shrinks",
        "step h (log scale: each tick 10× smaller to the left)",
        "slope",
    )
    ax.legend(fontsize=FONT["note"], frameon=False)


def _describe_secants(fn: Function, x: float, hs, grid) -> str:
    """The alt text of ``secant_figure``: the secants' slopes and where the estimates start."""
    slope = fn.df(x)
    secants = ", ".join(fmt(derivative(fn.f, x, h, "forward"), 2) for h in hs)
    ends = {m: fmt(derivative(fn.f, x, grid[-1], m), 2) for m in SECANT_FORMULAS}
    return (
        f"Two panels. Left: the curve y = {_spoken(fn)} near x = {fmt(x)}, with secants from "
        f"x to x + h for h = {', '.join(fmt(h) for h in hs)}; their slopes are {secants}, "
        f"and they turn into the tangent, of slope {fmt(slope, 4)}, as h shrinks. "
        f"Right: the estimated slope against h, on a log scale from 0.001 to 1. At h = 1 "
        f"the forward difference gives {ends['forward']} and the central one "
        f"{ends['central']}; as h shrinks to the left both reach the exact slope "
        f"{fmt(slope, 4)}, the central one much sooner."
    )


def composed_tex(f: str | Function, g: str | Function, v: str = "x") -> str:
    """Mathtext for f(g(v)), with parentheses where the formula needs them."""
    f, g = get(f), get(g)
    inner = g.tex(v)
    if not any(p in f.formula for p in ("({v}", "{{v}}", " {v})")):
        inner = f"({inner})"
    return f.tex(inner)


#: How a screen reader should say each menu function of ``{v}`` (alt text: no mathtext).
SPOKEN = {
    "square": "{v} squared",
    "cube": "{v} cubed",
    "sin": "sin {v}",
    "cos": "cos {v}",
    "exp": "e to the power {v}",
    "tanh": "tanh {v}",
    "sigmoid": "sigmoid of {v}",
    "relu": "relu of {v}",
    "log": "ln {v}",
    "sqrt": "the square root of {v}",
}


def _spoken(fn: str | Function, v: str = "x") -> str:
    """The formula of ``fn`` at ``v`` in plain words, e.g. ``_spoken("square", "sin x")`` →
    "(sin x) squared": for alt text, which a screen reader reads aloud."""
    fn = get(fn)
    if " " in v and fn.name in ("square", "cube", "exp"):
        v = f"({v})"
    return SPOKEN.get(fn.name, "{name} of {v}").format(v=v, name=fn.name)


def _limits(
    values: np.ndarray, must: Sequence[float], centre: float, reach: float, min_span: float = 0.5
) -> tuple[float, float]:
    """y-limits that show the curve near ``centre`` (at most ``reach`` away) and ``must``."""
    finite = values[np.isfinite(values)]
    lo = max(float(finite.min()), centre - reach) if finite.size else centre
    hi = min(float(finite.max()), centre + reach) if finite.size else centre
    lo, hi = min(lo, *must), max(hi, *must)
    if hi - lo < min_span:
        mid = 0.5 * (lo + hi)
        lo, hi = mid - min_span / 2, mid + min_span / 2
    pad = 0.1 * (hi - lo)
    return lo - pad, hi + pad


class _Panel(NamedTuple):
    """What one panel of ``ChainRuleView`` draws: the curve over the window ``t``, the point
    (x, y) with the tangent's ``slope`` there, and the step along the tangent (``run``,
    ``rise``)."""

    t: np.ndarray
    curve: np.ndarray
    x: float
    y: float
    slope: float
    run: float
    rise: float


class ChainRuleView:
    """Three linked panels for y = f(g(x)), for a widget (``.fig``, ``.update(f, g, x)``).

    Left: the inner function u = g(x) near x with its tangent (slope g'(x)). Middle: the
    outer function y = f(u) near u = g(x) with its tangent (slope f'(u)). Right: the
    composition y = f(g(x)) near x with the tangent whose slope is f'(g(x))·g'(x). The
    tangents are dashed black, apart from the orange Δu.

    A small step Δx (grey) is drawn on the first tangent: it rises by Δu = g'(x)·Δx
    (orange). The same Δu is the run of the middle panel's triangle, which rises by
    Δy = f'(u)·Δu (purple). The right panel's triangle has run Δx and the same rise Δy:
    its slope is Δy/Δx = f'(u)·g'(x). ``update`` changes these artists in place; the
    three slopes are ``slopes_text()``, the widget's caption.

    A move of x costs ~17 ms (bench/README.md): the frames, ticks and titles are drawn once
    (FastCanvas) while the axes move in round steps, and the labels Δx, Δu, Δy are marker
    outlines, not text laid out anew at every move.
    """

    #: A title at least as tall as any composition of the menu's functions (tested).
    TALLEST_TITLE = r"composition: $y = e^{x^{2}}\,e^{e^{x}}\,(\sigma(\max(0, x)))^{2}$"

    #: Each panel's x and y labels, the colours of its run and rise, and their names.
    PANELS = {
        "g": ("x", "u = g(x)", "dx", "du", r"\Delta x", r"\Delta u"),
        "f": ("u", "y = f(u)", "du", "dy", r"\Delta u", r"\Delta y"),
        "y": ("x", "y = f(g(x))", "dx", "dy", r"\Delta x", r"\Delta y"),
    }

    def __init__(
        self,
        f: str | Function = "square",
        g: str | Function = "sin",
        x: float = 0.5,
        half_width: float = 1.5,
    ):
        self.half_width = checks.number(
            "ChainRuleView", "half_width", half_width, low=0, high=100, low_open=True
        )
        checks.number("ChainRuleView", "x", x)  # f, g and x are checked again by update
        self.fig = new_figure(3, 1, width=12.0, height=4.0)
        self.axes = dict(zip(("g", "f", "y"), self.fig.axes, strict=True))
        self.curves, self.tangents, self.points, self.runs, self.rises = {}, {}, {}, {}, {}
        self.labels = {}
        for key, ax in self.axes.items():
            self._panel(key, ax)
        self._ticks()
        self.slopes: Slopes | None = None
        self._lay_out()
        self.update(f=f, g=g, x=x)

    def _panel(self, key: str, ax):
        """The artists of one panel: the curve, the dashed black tangent, the run and rise of
        the step with their labels (Δx under the run, Δu or Δy right of the rise), the
        point."""
        xlabel, ylabel, run, rise, run_name, rise_name = self.PANELS[key]
        run_colour, rise_colour = PALETTE[run], PALETTE[rise]
        style_axis(ax, xlabel=xlabel, ylabel=ylabel)
        (self.curves[key],) = ax.plot([], [], color=PALETTE[key], lw=2.4)
        (self.tangents[key],) = ax.plot([], [], color="0.15", lw=1.3, ls="--")
        (self.runs[key],) = ax.plot([], [], color=run_colour, lw=3, solid_capstyle="butt")
        (self.rises[key],) = ax.plot([], [], color=rise_colour, lw=3, solid_capstyle="butt")
        (self.points[key],) = ax.plot([], [], "o", color="black", ms=6, zorder=5)
        self.labels[key] = (
            _label(ax, run_name, run_colour, (0, -1)),
            _label(ax, rise_name, rise_colour, (1, 0)),
        )

    def _ticks(self):
        """Few ticks; y tick labels of at most ~5 characters (1e3 and up get an offset like
        "1e6"), left of the y label's fixed place."""
        fewer_ticks(self.fig, 6)
        for ax in self.fig.axes:
            ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
            ax.yaxis.set_label_coords(-0.17, 0.5)

    def _lay_out(self):
        """One layout for every f and g: made with titles as tall as any the menu gives
        (nested superscripts, parentheses), then kept. The y labels stand at a fixed
        distance from their axes, so tick labels may change width as x moves; w_pad leaves
        room for half a tick label at the right end of each x axis."""
        for ax in self.fig.axes:
            ax.set_title(self.TALLEST_TITLE, fontsize=FONT["title"])
        self.fig.set_layout_engine("constrained", w_pad=0.16)
        freeze_layout(self.fig)

    def update(
        self,
        f: str | Function | None = None,
        g: str | Function | None = None,
        x: float | None = None,
    ) -> None:
        """Redraw for new f, g and/or x (the ones not given keep their values)."""
        f = get(f) if f is not None else self.f
        g = get(g) if g is not None else self.g
        x = self.slopes.x if x is None else checks.number("ChainRuleView", "x", x)
        s = compose(f, g, x)  # checks everything before anything is changed
        panels = self._panels(f, g, s)  # checks that the curves do not overflow
        self.f, self.g, self.slopes = f, g, s
        titles = {
            "g": f"inner: $g(x) = {g.tex()}$",
            "f": f"outer: $f(u) = {f.tex('u')}$",
            "y": f"composition: $y = {composed_tex(f, g)}$",
        }
        for key, ax in self.axes.items():
            self._draw_panel(key, panels[key])
            if ax.get_title() != titles[key]:  # mathtext: re-set only when f or g change
                ax.set_title(titles[key], fontsize=FONT["title"])
        describe(self.fig, self.alt_text())

    def _panels(self, f: Function, g: Function, s: Slopes) -> dict:
        """What each panel draws at the slopes ``s``: the curve over a window that moves in
        steps, the point, the tangent's slope, and the step Δx → Δu → Δy along it."""
        w = self.half_width
        dx = w / 3
        du, dy = s.dg * dx, s.dy * dx
        wf = max(w, 1.3 * abs(du))
        t = np.linspace(*steady_limits(s.x - w, s.x + w, self.axes["g"].get_xlim()), 301)
        tu = np.linspace(*steady_limits(s.u - wf, s.u + wf, self.axes["f"].get_xlim()), 301)
        with np.errstate(over="ignore", invalid="ignore"):
            curve = {"g": g.where_defined(t), "f": f.where_defined(tu)}
            curve["y"] = f.where_defined(curve["g"])
        if any(np.isinf(c).any() for c in curve.values()):
            raise ValueError(
                f"chain_rule_figure: y = {f.name}({g.name}(x)) overflows near "
                f"x = {fmt(s.x)} (the plotted window {fmt(t[0])}..{fmt(t[-1])} "
                "reaches values beyond the largest float64, about 1.8e308); "
                "choose an x nearer 0"
            )
        return {
            "g": _Panel(t, curve["g"], s.x, s.u, s.dg, dx, du),
            "f": _Panel(tu, curve["f"], s.u, s.y, s.df, du, dy),
            "y": _Panel(t, curve["y"], s.x, s.y, s.dy, dx, dy),
        }

    def _draw_panel(self, key: str, p: _Panel) -> None:
        """Panel ``key`` at ``p``: its curve, tangent, point and step (run, rise) with their
        labels; its axis limits move in steps (rarely)."""
        self.curves[key].set_data(p.t, p.curve)
        self.tangents[key].set_data(p.t, p.y + p.slope * (p.t - p.x))
        self.points[key].set_data([p.x], [p.y])
        self.runs[key].set_data([p.x, p.x + p.run], [p.y, p.y])
        self.rises[key].set_data([p.x + p.run] * 2, [p.y, p.y + p.rise])
        self._fit(self.axes[key], p)
        run_label, rise_label = self.labels[key]
        run_label.set_data(*(([p.x + p.run / 2], [p.y]) if p.run else ([], [])))
        rise_label.set_data(*(([p.x + p.run], [p.y + p.rise / 2]) if p.rise else ([], [])))

    @staticmethod
    def _fit(ax, p: _Panel) -> None:
        """Limits that show the curve near the point and the whole step, moving in steps (set
        only when they change: limits set again cost the canvas a full draw)."""
        reach = 1.6 * max(abs(p.slope) * (p.t[-1] - p.x), 0.5)
        lo, hi = steady_limits(
            *_limits(p.curve, [p.y, p.y + p.rise], p.y, reach),
            ax.get_ylim() if ax.get_xlim() == (p.t[0], p.t[-1]) else None,
        )
        if ax.get_xlim() != (p.t[0], p.t[-1]) or ax.get_ylim() != (lo, hi):
            ax.set_xlim(p.t[0], p.t[-1])
            ax.set_ylim(lo, hi)

    def alt_text(self) -> str:
        """What the three panels show at the current f, g and x, in words (alt text)."""
        f, g, s = self.f, self.g, self.slopes
        dx = self.half_width / 3
        du, dy = s.dg * dx, s.dy * dx
        return (
            f"Three panels for y = f(g(x)) with inner g(x) = {_spoken(g)} and outer "
            f"f(u) = {_spoken(f, 'u')}, at x = {fmt(s.x, 4)}. Left: u = g(x) with its tangent "
            f"of slope g'(x) = {fmt(s.dg, 3)}; a step of x by {fmt(dx, 3)} changes u by "
            f"{fmt(du, 3)}. Middle: y = f(u) near u = {fmt(s.u, 3)} with its tangent of slope "
            f"f'(u) = {fmt(s.df, 3)}; that change of u changes y by {fmt(dy, 3)}. Right: "
            f"y = {_spoken(f, _spoken(g))} with its tangent of slope {fmt(s.df, 3)} times "
            f"{fmt(s.dg, 3)} = {fmt(s.dy, 3)}: the same step of x changes y by {fmt(dy, 3)}."
        )

    def slopes_text(self) -> str:
        """The three slopes at the current f, g and x (the widget's caption)."""
        return slopes_text(self.f, self.g, self.slopes.x)


def _label(ax, tex: str, colour: str, side: tuple[int, int], gap: float = 3.0):
    """A short label (mathtext) drawn as a marker: its outline is made once, so moving it
    costs a path, not a text layout. It stands ``gap`` points to the ``side`` (x, y signs)
    of the point given with ``set_data``."""
    from matplotlib.markers import MarkerStyle
    from matplotlib.transforms import ScaledTranslation

    size = 1.5 * FONT["note"]  # the marker's larger side, in points
    marker = MarkerStyle(f"$\\mathbf{{{tex}}}$")
    box = marker.get_path().get_extents(marker.get_transform())  # its larger side is 1
    dx, dy = (side[0] * (gap + size * box.width / 2), side[1] * (gap + size * box.height / 2))
    (line,) = ax.plot([], [], ls="none", marker=marker, ms=size, color=colour, mew=0)
    line.set_transform(
        ax.transData + ScaledTranslation(dx / 72, dy / 72, ax.figure.dpi_scale_trans)
    )
    return line


def chain_rule_figure(
    f: str | Function = "square", g: str | Function = "sin", x: float = 0.5
) -> Figure:
    """The three linked panels of ``ChainRuleView`` for these values, as a static figure."""
    return ChainRuleView(f, g, checks.number("chain_rule_figure", "x", x)).fig


def taylor_figure(f: str | Function = "sin", x: float = 1.0, span: float = 1.5) -> Figure:
    """Taylor's formula at ``x``: the curve and its approximations of order 1 (the tangent),
    2 (with the curvature term h²/2 f'') and 3 (with h³/6 f'''), over x ± ``span``."""
    fn = get(f)
    x = float(fn.check(checks.number("taylor_figure", "x", x)))
    span = checks.number("taylor_figure", "span", span, low=0, high=100, low_open=True)
    t = np.linspace(x - span, x + span, 301)
    fig = new_figure(1, 1, width=6.4, height=3.8)
    ax = fig.axes[0]
    curve = fn.where_defined(t)
    ax.plot(t, curve, color=PALETTE["f"], lw=2.6, label=f"$f = {fn.tex()}$")
    orders = (
        (1, "order 1: $f(x) + h\\,f'(x)$, the tangent", PALETTE["tangent"], "-"),
        (2, "order 2: $+\\,\\frac{h^2}{2} f''(x)$, the curvature", PALETTE["g"], "--"),
        (3, "order 3: $+\\,\\frac{h^3}{6} f'''(x)$", PALETTE["dy"], ":"),
    )
    for order, label, colour, ls in orders:
        ax.plot(t, taylor(fn, x, t - x, order), color=colour, lw=1.8, ls=ls, label=label)
    ax.plot([x], [fn.f(x)], "o", color="black", ms=6, zorder=5)
    pad = 0.3 * (np.nanmax(curve) - np.nanmin(curve))
    ax.set_xlim(t[0], t[-1])
    ax.set_ylim(np.nanmin(curve) - pad, np.nanmax(curve) + pad)
    style_axis(ax, f"Taylor's formula at x = {fmt(x)}", "x + h", "y")
    ax.legend(fontsize=FONT["note"], loc="lower center", frameon=False)
    stretches = []
    for n in (1, 2, 3):  # where each order stays within 0.05 of the curve, around x
        close = np.abs(taylor(fn, x, t - x, n) - curve) <= 0.05
        i = j = int(np.argmin(np.abs(t - x)))
        while i > 0 and close[i - 1]:
            i -= 1
        while j < len(t) - 1 and close[j + 1]:
            j += 1
        stretches.append(f"order {n} from {fmt(t[i], 2)} to {fmt(t[j], 2)}")
    return describe(
        fig,
        f"The curve y = {_spoken(fn)} from x = {fmt(t[0], 3)} to {fmt(t[-1], 3)}, with its "
        f"Taylor approximations at x = {fmt(x)} of order 1 (the tangent, a straight line), "
        f"order 2 and order 3. They stay within 0.05 of the curve over these stretches "
        f"around x = {fmt(x)}: {', '.join(stretches)}.",
    )


def difference_error_figure(
    f: str | Function = "sin",
    x: float = 1.0,
    dtypes=(np.float64, np.float32),
    mark_steps: bool = True,
) -> Figure:
    """Log-log plot of the finite-difference error against h: forward and central
    differences (colour) in each dtype (solid float64, dashed float32), with the slopes h
    and h² of the truncation error as guides. On both axes the labelled ticks are 100 times
    apart.

    With ``mark_steps`` (the default), each curve's dot and legend entry give its reliable
    step (``calculus.reliable_step``: the smallest worst error within half a decade of h),
    not the single luckiest step; without it (the lesson's core path, which does not explain
    them) there are no dots and the legend names only the curves. The
    band of steps gradient checks use (1e-6 to 1e-5) is shaded; and the float32 plateau is
    labelled with its two edges (``calculus.rounding_plateau``: at x = 1 the forward estimate
    is 0 for h ≤ ε/2, the central one only for h ≤ ε/4, where x − h rounds to x too)."""
    fn = get(f)
    x = checks.number("difference_error_figure", "x", x)
    if not isinstance(mark_steps, (bool, np.bool_)):
        raise TypeError(
            "difference_error_figure: mark_steps must be True or False, "
            f"got {type(mark_steps).__name__} {mark_steps!r}"
        )
    fig = new_figure(1, 1, width=10.0, height=4.6)
    ax = fig.axes[0]
    for dtype in dtypes:
        _error_curves(ax, fn, x, np.dtype(dtype), mark_steps)
    for note in _error_notes(fn, x, dtypes):
        _note(ax, *note)
    _gradient_check_band(ax)
    _error_axes(ax, fn, x)
    ax.legend(
        fontsize=FONT["note"],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        title=_legend_title([np.dtype(d).name for d in dtypes], mark_steps),
        title_fontsize=FONT["note"],
        alignment="left",
    )
    return describe(fig, _difference_error_alt(fn, x, dtypes))


FLOOR = 1e-17  # an error of exactly 0 cannot be drawn on a log scale


def _error_curves(ax, fn: Function, x: float, dtype: np.dtype, mark_steps: bool):
    """The forward and the central error against h in ``dtype`` (float32 dashed), each with
    a dot at its reliable step when ``mark_steps``."""
    errs = difference_errors(fn, x, dtype=dtype)
    for method in ("forward", "central"):
        h, e = reliable_step(errs, method)
        label = f"{method}, {dtype.name}"
        ax.loglog(
            errs["h"],
            np.maximum(errs[method], FLOOR),
            {np.dtype(np.float64): "-", np.dtype(np.float32): "--"}[dtype],
            color=PALETTE[method],
            lw=1.8 if dtype == np.float64 else 1.4,
            label=f"{label}: h ≈ {h:.0e}, error ≤ {e:.0e}" if mark_steps else label,
        )
        if mark_steps:
            mfc = "white" if dtype == np.float32 else PALETTE[method]
            ax.plot([h], [max(e, FLOOR)], "o", color=PALETTE[method], ms=6, mfc=mfc, zorder=5)


def _error_notes(fn: Function, x: float, dtypes) -> list:
    """The notes on the curves: (text, the point it names, where the text goes, colour,
    vertical alignment)."""
    e64 = difference_errors(fn, x, hs=[1e-5, 1e-4])
    forward = ("forward: error falls like h", (1e-5, e64["forward"][0]), (1e-11, 3e-4))
    central = ("central: error falls like h²", (1e-4, e64["central"][1]), (3e-4, 1e-12))
    notes = [
        (*forward, PALETTE["forward"], "baseline"),
        (*central, PALETTE["central"], "baseline"),
    ]
    if np.dtype(np.float32) in {np.dtype(d) for d in dtypes}:
        notes.append(_float32_note(fn, x))
    # next to the noisy rising curves it describes
    roundoff = "round-off: the error\nrises as h shrinks"
    notes.append((roundoff, (1e-12, 2e-5), (2e-16, 1e-8), "#555555", "top"))
    return notes


def _float32_note(fn: Function, x: float) -> tuple:
    """The note on the float32 plateau, where x + h rounds to x: its two edges."""
    eps32, slope = float(np.finfo(np.float32).eps), abs(float(fn.df(x)))
    fwd, cen = (rounding_plateau(x, m, np.float32) for m in ("forward", "central"))
    text = (
        f"float32: x + h rounds to x, the estimate is 0, the error |0 − f'(x)| = "
        f"{slope:.2f}:\nforward for h ≤ {fwd:.0e} ≈ {fwd / eps32:.2g}ε, central "
        f"(x − h too) for h ≤ {cen:.0e} ≈ {cen / eps32:.2g}ε"
    )
    return text, (3e-9, slope), (2e-16, 8e2), "#555555", "top"


def _note(ax, text: str, point, where, colour: str, va: str):
    """``text`` at ``where`` with an arrow to ``point``."""
    h, e = point
    ax.annotate(
        text,
        xy=(h, max(e, FLOOR)),
        xytext=where,
        color=colour,
        fontsize=FONT["note"],
        va=va,
        arrowprops=dict(arrowstyle="->", color=colour, lw=1),
    )


def _gradient_check_band(ax):
    """The steps gradient checks use, 1e-6 to 1e-5, shaded and named."""
    ax.axvspan(1e-6, 1e-5, color="#2ca02c", alpha=0.12, lw=0)
    band = "h from 1e-6\nto 1e-5"
    ax.text(10**-5.5, 2e-16, band, color="#2a7a2a", fontsize=FONT["note"], ha="center", va="bottom")


def _error_axes(ax, fn: Function, x: float):
    """Both axes from 1e-16 (1e-17) up, a labelled tick every factor of 100."""
    ax.set_xlim(1e-16, 1)
    ax.set_ylim(1e-17, 1e3)
    ax.set_xticks([10.0**k for k in range(-16, 1, 2)])
    ax.set_yticks([10.0**k for k in range(-16, 3, 2)])
    ax.minorticks_off()
    style_axis(
        ax,
        f"error of the finite differences of ${fn.tex()}$ at x = {fmt(x)}",
        "step h",
        "|estimate − f'(x)|",
    )


def _legend_title(styles_used, mark_steps: bool) -> str | None:
    """The legend's title: which line style is which type, and what the dots mean. None for
    one type without dots: then the entries ("forward, float64") already say it all."""
    parts = ["solid float64, dashed float32"] if len(styles_used) > 1 else []
    if mark_steps:
        parts.append(
            "dots: the best h you can count on,\nthe lowest worst error within\nhalf a decade"
        )
    return ";\n".join(parts) or None


def _difference_error_alt(fn: Function, x: float, dtypes) -> str:
    """The alt text of ``difference_error_figure``: its curves and the numbers they reach."""
    names = [np.dtype(d).name for d in dtypes]
    start = difference_errors(fn, x, hs=[1.0])
    text = [
        f"A log-log plot of the error of the forward and central differences of "
        f"{_spoken(fn)} at x = {fmt(x)} against the step h, from h = 1e-16 to 1, in "
        + (" and ".join(names) + " (float32 dashed)" if len(names) > 1 else names[0])
        + ". Read from right to left: at h = 1 the errors are "
        f"{fmt(start['forward'][0], 2)} (forward) and {fmt(start['central'][0], 2)} "
        "(central). As h shrinks the forward error falls like h and the central one like "
        "h squared, twice as steeply; then round-off makes both rise again, noisily."
    ]
    for name in names:  # the rules of thumb: round-off digits differ between CPUs
        eps = float(np.finfo(np.dtype(name)).eps)
        text.append(
            f"In {name} the errors are lowest, roughly {eps**0.5:.0e} (forward) and "
            f"{eps ** (2 / 3):.0e} (central), near h = {eps**0.5:.0e} and "
            f"h = {eps ** (1 / 3):.0e}."
        )
    if "float32" in names:
        fwd, cen = (rounding_plateau(x, m, np.float32) for m in ("forward", "central"))
        text.append(
            f"At the far left the float32 curves lie flat at {abs(float(fn.df(x))):.2f}, "
            f"where the estimate is 0: forward for h up to {fwd:.0e}, central up to {cen:.0e}."
        )
    text.append("A shaded band marks h from 1e-6 to 1e-5.")
    return " ".join(text)


def _node(ax, xy, text, colour="black"):
    ax.text(
        *xy,
        text,
        ha="center",
        va="center",
        fontsize=FONT["label"],
        color=colour,
        bbox=dict(boxstyle="round,pad=0.45", facecolor="white", edgecolor=colour, lw=1.4),
        zorder=3,
    )


def _arrow(ax, a, b, colour="#444444", shrink=34):
    ax.annotate(
        "",
        xy=b,
        xytext=a,
        zorder=2,
        arrowprops=dict(
            arrowstyle="-|>",
            color=colour,
            lw=1.6,
            shrinkA=shrink,
            shrinkB=shrink,
            mutation_scale=14,
        ),
    )


def chain_figure(
    names: Sequence[str | Function] = ("square", "sin", "exp"), x: float = 0.8
) -> Figure:
    """The chain x → u₁ → … → y as a row of nodes: values above the arrows' functions, each
    arrow's local derivative, and under each node dy/d(node), multiplied back from y."""
    c = chain(names, checks.number("chain_figure", "x", x))
    n = len(c.links)
    fig = new_figure(1, 1, width=2.9 * n + 1.6, height=3.0)
    ax = fig.axes[0]
    ax.set_axis_off()
    _chain_nodes(ax, c)
    _chain_links(ax, c)
    ax.text(
        n * CHAIN_STEP / 2,
        -1.75,
        f"dy/dx = {_chain_product(c)} = {fmt(c.dy, 4)}   "
        "(multiply the local derivatives, from y back to x)",
        ha="center",
        va="center",
        fontsize=FONT["label"],
    )
    ax.set_xlim(-1.3, n * CHAIN_STEP + 1.3)
    ax.set_ylim(-2.1, 1.0)
    return describe(fig, _describe_chain(c))


CHAIN_STEP = 3.0  # the distance between two nodes of the chain
NOTE = dict(ha="center", fontsize=FONT["note"])  # the small text under nodes and arrows


def _chain_values(c: Chain) -> list:
    """The value at each node of the chain: x, u₁, …, y."""
    return [c.links[0].input] + [link.output for link in c.links]


def _chain_product(c: Chain) -> str:
    """The local derivatives multiplied from y back to x ("0.5 × 2")."""
    return " × ".join(fmt(link.local, 4) for link in reversed(c.links))


def _chain_nodes(ax, c: Chain):
    """Each node's value, and under it dy/d(node) in bold."""
    n = len(c.links)
    labels = ["x"] + [f"u$_{k}$" for k in range(1, n)] + ["y"]
    for k, (label, value) in enumerate(zip(labels, _chain_values(c), strict=True)):
        _node(ax, (k * CHAIN_STEP, 0), f"{label} = {fmt(value, 4)}")
        d = "y" if k == n else labels[k]
        gradient = f"dy/d{d} = {fmt(c.grads[k], 4)}"
        ax.text(
            k * CHAIN_STEP, -0.95, gradient, va="center", color=PALETTE["dy"], weight="bold", **NOTE
        )


def _chain_links(ax, c: Chain):
    """An arrow between each two nodes, its function above and its local derivative under."""
    for k, link in enumerate(c.links):
        _arrow(ax, (k * CHAIN_STEP, 0), ((k + 1) * CHAIN_STEP, 0))
        mid = (k + 0.5) * CHAIN_STEP
        arg = "x" if k == 0 else f"u_{k}"  # the arrow's function, of its own input
        tex = f"${get(link.name).tex(arg)}$"
        ax.text(mid, 0.42, tex, ha="center", va="bottom", fontsize=FONT["label"])
        local = f"local ×{fmt(link.local, 4)}"
        ax.text(mid, -0.38, local, va="top", color=PALETTE["tangent"], **NOTE)


def _describe_chain(c: Chain) -> str:
    """The alt text of ``chain_figure``: the boxes, the arrows and the product."""
    n = len(c.links)
    plain = ["x"] + [f"u{k}" for k in range(1, n)] + ["y"]
    boxes = ", ".join(
        f"{name} = {fmt(value, 4)}" for name, value in zip(plain, _chain_values(c), strict=True)
    )
    arrows = ", ".join(
        f"{_spoken(link.name, 'x' if k == 0 else f'u{k}')} (local derivative {fmt(link.local, 4)})"
        for k, link in enumerate(c.links)
    )
    product = _chain_product(c).replace(" × ", " times ")
    return (
        f"A chain of {n + 1} boxes from left to right: {boxes}. The arrows between them "
        f"are {arrows}. Under each box is the slope of y with respect to it, multiplied "
        f"back from y: dy/dx = {product} = {fmt(c.dy, 4)}."
    )


def two_path_figure(
    u: str | Function = "sin", v: str | Function = "square", x: float = 0.7
) -> Figure:
    """The graph x → u, x → v, (u, v) → z = u·v with every local derivative, each path's
    product and their sum dz/dx."""
    fu, fv = get(u), get(v)
    t = two_paths(fu, fv, checks.number("two_path_figure", "x", x))
    fig = new_figure(1, 1, width=8.6, height=4.2)
    ax = fig.axes[0]
    ax.set_axis_off()
    c1, c2 = PALETTE["path1"], PALETTE["path2"]
    _node(ax, TWO_PATHS["x"], f"x = {fmt(t.x, 4)}")
    _node(ax, TWO_PATHS["u"], f"u = ${fu.tex()}$ = {fmt(t.u, 4)}", c1)
    _node(ax, TWO_PATHS["v"], f"v = ${fv.tex()}$ = {fmt(t.v, 4)}", c2)
    _node(ax, TWO_PATHS["z"], f"z = u·v = {fmt(t.z, 4)}")
    _labelled_arrow(ax, "x", "u", c1, f"du/dx = ${fu.dtex()}$ = {fmt(t.du, 4)}")
    _labelled_arrow(ax, "x", "v", c2, f"dv/dx = ${fv.dtex()}$ = {fmt(t.dv, 4)}")
    _labelled_arrow(ax, "u", "z", c1, f"∂z/∂u = v = {fmt(t.v, 4)}")
    _labelled_arrow(ax, "v", "z", c2, f"∂z/∂v = u = {fmt(t.u, 4)}")
    _path_sums(ax, t)
    ax.set_xlim(-1.4, 9.4)
    ax.set_ylim(-3.3, 2.0)
    return describe(fig, _describe_two_paths(fu, fv, t))


TWO_PATHS = {"x": (0, 0), "u": (4, 1.3), "v": (4, -1.3), "z": (8, 0)}  # the nodes' places


def _labelled_arrow(ax, a: str, b: str, colour: str, label: str):
    """The arrow from node ``a`` to node ``b``, ``label`` beside it on the outer side."""
    _arrow(ax, TWO_PATHS[a], TWO_PATHS[b], colour, shrink=40)
    (xa, ya), (xb, yb) = TWO_PATHS[a], TWO_PATHS[b]
    above = ya + yb > 0
    ax.text(
        (xa + xb) / 2,
        (ya + yb) / 2 + (0.42 if above else -0.42),
        label,
        ha="center",
        va="center",
        color=colour,
        fontsize=FONT["note"],
    )


def _path_sums(ax, t: TwoPaths):
    """Under the graph: each path's product, then their sum dz/dx in bold."""
    ax.text(
        4,
        -2.45,
        f"path via u: {fmt(t.v, 4)} × {fmt(t.du, 4)} = {fmt(t.path_u, 4)}      "
        f"path via v: {fmt(t.u, 4)} × {fmt(t.dv, 4)} = {fmt(t.path_v, 4)}",
        ha="center",
        fontsize=FONT["note"],
    )
    ax.text(
        4,
        -2.95,
        f"dz/dx = sum over paths = {fmt(t.path_u, 4)} + {fmt(t.path_v, 4)} = {fmt(t.dz, 4)}",
        ha="center",
        fontsize=FONT["label"],
        fontweight="bold",
    )


def _describe_two_paths(fu: Function, fv: Function, t: TwoPaths) -> str:
    """The alt text of ``two_path_figure``: the nodes, the arrows' derivatives, the paths."""
    return (
        f"A graph of four nodes: x = {fmt(t.x, 4)} has arrows to u = {_spoken(fu)} = "
        f"{fmt(t.u, 4)} and to v = {_spoken(fv)} = {fmt(t.v, 4)}, and both have arrows to "
        f"z = u times v = {fmt(t.z, 4)}. The arrows carry the local derivatives "
        f"du/dx = {fmt(t.du, 4)}, dv/dx = {fmt(t.dv, 4)}, the partial derivative of z with "
        f"respect to u, v = {fmt(t.v, 4)}, and with respect to v, u = {fmt(t.u, 4)}. "
        f"The path through u gives {fmt(t.v, 4)} times {fmt(t.du, 4)} = {fmt(t.path_u, 4)}, "
        f"the path through v gives {fmt(t.u, 4)} times {fmt(t.dv, 4)} = "
        f"{fmt(t.path_v, 4)}, and dz/dx is their sum, {fmt(t.dz, 4)}."
    )
