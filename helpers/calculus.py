"""The chain rule (notebook 01): numeric derivatives, a menu of functions, and the figures.

Contents, in the order the notebook uses them:

- ``derivative(f, x, h, method)``: the slope of ``f`` at ``x`` from a finite difference.
- ``FUNCTIONS`` / ``get(name)``: a menu of functions, each with its exact derivative and its
  domain (``f, df, domain = get("sin")``). ReLU'(0) is taken to be 0, as in most libraries.
- ``secant_figure``: secants through two points converging to the tangent.
- ``compose`` / ``slopes_text`` / ``ChainRuleView`` / ``chain_rule_figure``: y = f(g(x)),
  its three slopes and the three linked panels of the widget.
- ``difference_errors`` / ``difference_error_figure``: the error of a finite difference as
  a function of the step h (truncation error falls with h, round-off error rises).
- ``chain`` / ``chain_figure``: a chain of three or more functions as a product of local
  derivatives; ``two_paths`` / ``two_path_figure``: the multivariable chain rule as a sum over
  paths.

Notation is the series': u = g(x) is the inner value, y = f(u) = f(g(x)) the output, and
dy/dx = f'(g(x))·g'(x).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure

from .plots import (
    FONT,
    PALETTE,
    FastCanvas,
    fewer_ticks,
    freeze_layout,
    new_figure,
    steady_limits,
    style_axis,
)

# --------------------------------------------------------------------------------------
# Small helpers: checking inputs, formatting numbers
# --------------------------------------------------------------------------------------


def fmt(v: float, digits: int = 6) -> str:
    """A number with ``digits`` significant digits, never ``-0`` and never a NumPy repr."""
    s = f"{float(v):.{digits}g}"
    return "0" if s == "-0" else s


def _as_real(x, name: str = "x", where: str = "derivative") -> np.ndarray:
    """``x`` as a float array (float32 stays float32, integers become float64)."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{where}: {name} must be a real number or an array of them, "
                        f"got {type(x).__name__} {x!r}")
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise TypeError(f"{where}: {name} must be a real number or an array of them, "
                        f"got {type(x).__name__} with dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0] if arr.ndim else arr
        raise ValueError(f"{where}: {name} must be finite, got {name} = {float(bad)}")
    return arr


def _out(y):
    """A 0-d float64 result as a plain Python float; anything else unchanged."""
    if np.ndim(y) == 0 and np.asarray(y).dtype == np.float64:
        return float(y)
    return y


# --------------------------------------------------------------------------------------
# Numeric derivatives
# --------------------------------------------------------------------------------------

METHODS = ("central", "forward")


def check_step(h, where: str = "derivative") -> float:
    """Return ``h`` as a float if it is a usable step: a finite number > 0."""
    if isinstance(h, bool) or not isinstance(h, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: the step h must be a positive number, "
                        f"got {type(h).__name__} {h!r}")
    if not math.isfinite(h) or h <= 0:
        raise ValueError(f"{where}: the step h must be a finite number > 0, got h = {h!r}")
    return float(h)


def derivative(f: Callable, x, h: float = 1e-5, method: str = "central"):
    """The slope of ``f`` at ``x`` estimated by a finite difference with step ``h``.

    ``method="central"``: (f(x + h) − f(x − h)) / 2h, error ∝ h² (the one to use);
    ``method="forward"``: (f(x + h) − f(x)) / h, error ∝ h.

    ``x`` may be a number or an array (then ``f`` must accept arrays); a float32 ``x`` is
    kept in float32, which is how the notebook shows why gradient checks use float64.
    """
    if not callable(f):
        raise TypeError(f"derivative: f must be a function (a callable), "
                        f"got {type(f).__name__} {f!r}")
    h = check_step(h)
    if method not in METHODS:
        raise ValueError(f"derivative: method must be one of {METHODS}, got {method!r}")
    x = _as_real(x)
    h = x.dtype.type(h)      # the step in x's precision (numpy 1.26 would promote to float64)
    if method == "central":
        return _out((f(x + h) - f(x - h)) / (h + h))     # h + h = 2h exactly, in x's precision
    return _out((f(x + h) - f(x)) / h)


# --------------------------------------------------------------------------------------
# The menu of functions, each with its derivative and its domain
# --------------------------------------------------------------------------------------

INF = math.inf


@dataclass(frozen=True)
class Function:
    """A function of one variable with its exact derivative, for the menu.

    ``value`` and ``slope`` are the plain NumPy formulas; calling ``f(x)`` / ``df(x)`` first
    checks that ``x`` lies in ``domain``, an open interval ``(lo, hi)`` where both the
    function and its derivative are defined. ``formula`` and ``dformula`` are matplotlib
    mathtext with ``{v}`` standing for the variable. ``kinks`` lists the points where the
    derivative jumps (the stored value there is a documented convention).

    Unpacks as the triple ``f, df, domain = FUNCTIONS["sin"]``.
    """

    name: str
    value: Callable
    slope: Callable
    formula: str
    dformula: str
    domain: tuple[float, float] = (-INF, INF)
    kinks: tuple[float, ...] = ()

    def __iter__(self) -> Iterator:
        return iter((self.f, self.df, self.domain))

    def __call__(self, x):
        return self.f(x)

    def f(self, x):
        """The function's value at ``x`` (a number or an array inside the domain)."""
        return _out(self.value(self.check(x)))

    def df(self, x):
        """The exact derivative at ``x`` (a number or an array inside the domain)."""
        return _out(self.slope(self.check(x)))

    def domain_text(self) -> str:
        lo, hi = self.domain
        if lo == -INF and hi == INF:
            return "all real numbers"
        if hi == INF:
            return f"x > {fmt(lo)}"
        if lo == -INF:
            return f"x < {fmt(hi)}"
        return f"{fmt(lo)} < x < {fmt(hi)}"

    def contains(self, x) -> np.ndarray:
        """Boolean mask: where ``x`` lies inside the domain."""
        lo, hi = self.domain
        x = np.asarray(x)
        return (x > lo) & (x < hi)

    def check(self, x) -> np.ndarray:
        """``x`` as a float array, or a ValueError naming the function, x and the domain."""
        arr = _as_real(x, where=self.name)
        inside = self.contains(arr)
        if not np.all(inside):
            bad = float(arr[~inside].flat[0]) if arr.ndim else float(arr)
            where = "" if arr.ndim == 0 else f" (one of the {arr.size} values given)"
            raise ValueError(f"{self.name}: x = {fmt(bad)}{where} is outside its domain, "
                             f"{self.domain_text()}")
        return arr

    def where_defined(self, x: np.ndarray, derivative: bool = False) -> np.ndarray:
        """Values (or slopes) at ``x``, NaN outside the domain: for drawing curves."""
        x = np.asarray(x, dtype=float)
        out = np.full(x.shape, np.nan)
        inside = self.contains(x)
        out[inside] = (self.slope if derivative else self.value)(x[inside])
        return out

    def tex(self, v: str = "x") -> str:
        """The formula with variable ``v``, e.g. ``get("sin").tex("u")`` → ``\\sin u``."""
        return self.formula.replace("{v}", v)

    def dtex(self, v: str = "x") -> str:
        return self.dformula.replace("{v}", v)


def _sigmoid(x):
    # 1 / (1 + e^(-x)) written through tanh: the same function, but it never overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _relu_slope(x):
    # ReLU'(0) is undefined; like most libraries we use 0 there (the left derivative).
    return np.where(x > 0, 1.0, 0.0).astype(np.result_type(x, np.float32))


def _functions() -> dict[str, Function]:
    F = Function
    menu = [
        F("square", lambda x: x**2, lambda x: 2 * x, "{v}^2", "2{v}"),
        F("cube", lambda x: x**3, lambda x: 3 * x**2, "{v}^3", "3{v}^2"),
        F("sin", np.sin, np.cos, r"\sin {v}", r"\cos {v}"),
        F("cos", np.cos, lambda x: -np.sin(x), r"\cos {v}", r"-\sin {v}"),
        F("exp", np.exp, np.exp, "e^{{v}}", "e^{{v}}"),
        F("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2, r"\tanh {v}",
          r"1-\tanh^2 {v}"),
        F("sigmoid", _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
          r"\sigma({v})", r"\sigma({v})\,(1-\sigma({v}))"),
        F("relu", lambda x: np.maximum(x, 0), _relu_slope, r"\max(0, {v})",
          r"1 \;\mathrm{if}\; {v} > 0 \;\mathrm{else}\; 0", kinks=(0.0,)),
        # Restricted domains: the open interval where the function and its slope exist.
        F("log", np.log, lambda x: 1 / x, r"\ln {v}", r"1/{v}", domain=(0.0, INF)),
        F("sqrt", np.sqrt, lambda x: 0.5 / np.sqrt(x), r"\sqrt{{v}}",
          r"1/(2\sqrt{{v}})", domain=(0.0, INF)),
    ]
    return {fn.name: fn for fn in menu}


#: name → Function (unpacks as ``f, df, domain``). ReLU'(0) is taken to be 0.
FUNCTIONS: dict[str, Function] = _functions()

#: The names of the functions defined on the whole real line: safe in any composition,
#: so these are the choices of the widget's menus.
EVERYWHERE: tuple[str, ...] = tuple(
    name for name, fn in FUNCTIONS.items() if fn.domain == (-INF, INF))


def get(name: str | Function) -> Function:
    """The menu entry called ``name`` (a Function is returned unchanged)."""
    if isinstance(name, Function):
        return name
    if not isinstance(name, str):
        raise TypeError(f"get: a function's name must be a string, "
                        f"got {type(name).__name__} {name!r}")
    try:
        return FUNCTIONS[name]
    except KeyError:
        known = ", ".join(FUNCTIONS)
        raise ValueError(f"unknown function {name!r}; the known ones are: {known}") from None


# --------------------------------------------------------------------------------------
# Secants converge to the tangent
# --------------------------------------------------------------------------------------


def secant_figure(f: str | Function = "sin", x: float = 1.0,
                  hs: Sequence[float] = (1.6, 0.8, 0.4, 0.1)) -> Figure:
    """Left: secants through (x, f(x)) and (x + h, f(x + h)) for shrinking h, and the tangent.
    Right: the secant slopes (forward differences) and central differences against h,
    approaching the exact slope f'(x)."""
    fn = get(f)
    x = float(fn.check(x))
    hs = [check_step(h, "secant_figure") for h in hs]
    y0, slope = fn.f(x), fn.df(x)
    fig = new_figure(2, 1, width=10.0, height=3.8)
    ax, ax_s = fig.axes

    lo, hi = x - 0.6, x + max(hs) + 0.3
    t = np.linspace(lo, hi, 300)
    ax.plot(t, fn.where_defined(t), color=PALETTE["f"], lw=2.2, label=f"$f(x) = {fn.tex()}$")
    shades = np.linspace(0.75, 0.3, len(hs))
    for h, shade in zip(hs, shades, strict=True):
        s = derivative(fn.f, x, h, "forward")
        grey = str(shade)
        ax.plot(t, y0 + s * (t - x), color=grey, lw=1.2, label=f"secant, h = {fmt(h)}")
        ax.plot([x + h], [fn.f(x + h)], "o", color=grey, ms=5)
    ax.plot(t, y0 + slope * (t - x), color=PALETTE["tangent"], lw=2,
            label=f"tangent, slope $f'(x)$ = {fmt(slope, 4)}")
    ax.plot([x], [y0], "o", color="black", ms=6, zorder=5)
    curve = fn.where_defined(t)
    pad = 0.15 * (np.nanmax(curve) - np.nanmin(curve))
    ax.set_xlim(lo, hi)
    ax.set_ylim(np.nanmin(curve) - pad, np.nanmax(curve) + pad)
    style_axis(ax, "secants approach the tangent", "x", "y")
    ax.legend(fontsize=FONT["note"], loc="lower center", frameon=False)

    grid = np.logspace(-3, 0, 61)
    ax_s.semilogx(grid, [derivative(fn.f, x, h, "forward") for h in grid],
                  color=PALETTE["forward"], lw=2, label="forward: (f(x+h) − f(x)) / h")
    ax_s.semilogx(grid, [derivative(fn.f, x, h, "central") for h in grid],
                  color=PALETTE["central"], lw=2, label="central: (f(x+h) − f(x−h)) / 2h")
    ax_s.axhline(slope, color=PALETTE["tangent"], lw=1.5, ls="--",
                 label=f"exact $f'(x)$ = {fmt(slope, 4)}")
    style_axis(ax_s, "estimated slope as h shrinks", "step h (log scale)", "slope")
    ax_s.legend(fontsize=FONT["note"], frameon=False)
    return fig


# --------------------------------------------------------------------------------------
# A composition y = f(g(x)) and its three slopes
# --------------------------------------------------------------------------------------


class Slopes(NamedTuple):
    """Everything about y = f(g(x)) at one x: values and the three slopes."""

    x: float
    u: float        # u = g(x)
    y: float        # y = f(u)
    dg: float       # g'(x)
    df: float       # f'(u) = f'(g(x))
    dy: float       # dy/dx = f'(g(x)) · g'(x)


def compose(f: str | Function, g: str | Function, x: float) -> Slopes:
    """Values and slopes of y = f(g(x)) at ``x`` by the chain rule."""
    f, g = get(f), get(g)
    x = float(g.check(x))
    u = g.f(x)
    if not f.contains(u):
        raise ValueError(f"f = {f.name} is not defined at u = g(x) = {g.name}({fmt(x)}) = "
                         f"{fmt(u)}: its domain is {f.domain_text()}")
    dg, df = g.df(x), f.df(u)
    return Slopes(x, u, f.f(u), dg, df, df * dg)


def slopes_text(f: str | Function, g: str | Function, x: float) -> str:
    """The three slopes of y = f(g(x)) at ``x`` as a few aligned lines of text."""
    s = compose(f, g, x)
    return "\n".join([
        f"x = {fmt(s.x, 4)}    u = g(x) = {fmt(s.u)}    y = f(u) = {fmt(s.y)}",
        f"g'(x)          = {fmt(s.dg)}",
        f"f'(g(x))       = {fmt(s.df)}",
        f"f'(g(x))·g'(x) = {fmt(s.df)} × {fmt(s.dg)} = {fmt(s.dy)}",
    ])


def composed_tex(f: str | Function, g: str | Function, v: str = "x") -> str:
    """Mathtext for f(g(v)), with parentheses where the formula needs them."""
    f, g = get(f), get(g)
    inner = g.tex(v)
    if not any(p in f.formula for p in ("({v}", "{{v}}", " {v})")):
        inner = f"({inner})"
    return f.tex(inner)


def _limits(values: np.ndarray, must: Sequence[float], centre: float, reach: float,
            min_span: float = 0.5) -> tuple[float, float]:
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


class ChainRuleView:
    """Three linked panels for y = f(g(x)), for a widget (``.fig``, ``.update(f, g, x)``).

    Left: the inner function u = g(x) near x with its tangent (slope g'(x)). Middle: the
    outer function y = f(u) near u = g(x) with its tangent (slope f'(u)). Right: the
    composition y = f(g(x)) near x with the tangent whose slope is f'(g(x))·g'(x).

    A small step Δx (grey) is drawn on the first tangent: it rises by Δu = g'(x)·Δx
    (orange). The same Δu is the run of the middle panel's triangle, which rises by
    Δy = f'(u)·Δu (purple). The right panel's triangle has run Δx and the same rise Δy:
    its slope is Δy/Δx = f'(u)·g'(x). ``update`` changes these artists in place.
    """

    #: A title at least as tall as any composition of the menu's functions (tested).
    TALLEST_TITLE = r"composition: $y = e^{x^{2}}\,e^{e^{x}}\,(\sigma(\max(0, x)))^{2}$"

    def __init__(self, f: str | Function = "square", g: str | Function = "sin",
                 x: float = 0.5, half_width: float = 1.5):
        self.half_width = check_step(half_width, "ChainRuleView")
        self.fig = new_figure(3, 1, width=12.0, height=4.0)
        FastCanvas(self.fig)        # zlib-1 PNGs; the titles and frames are drawn once
        self.axes = dict(zip(("g", "f", "y"), self.fig.axes, strict=True))
        self.curves, self.tangents, self.points, self.runs, self.rises = {}, {}, {}, {}, {}
        self.notes, self.labels = {}, {}
        xlabels = {"g": "x", "f": "u", "y": "x"}
        ylabels = {"g": "u = g(x)", "f": "y = f(u)", "y": "y = f(g(x))"}
        rise_colour = {"g": PALETTE["du"], "f": PALETTE["dy"], "y": PALETTE["dy"]}
        run_colour = {"g": PALETTE["dx"], "f": PALETTE["du"], "y": PALETTE["dx"]}
        for key, ax in self.axes.items():
            style_axis(ax, xlabel=xlabels[key], ylabel=ylabels[key])
            (self.curves[key],) = ax.plot([], [], color=PALETTE[key], lw=2.4)
            (self.tangents[key],) = ax.plot([], [], color=PALETTE["tangent"], lw=1.6)
            (self.runs[key],) = ax.plot([], [], color=run_colour[key], lw=3,
                                        solid_capstyle="butt")
            (self.rises[key],) = ax.plot([], [], color=rise_colour[key], lw=3,
                                         solid_capstyle="butt")
            (self.points[key],) = ax.plot([], [], "o", color="black", ms=6, zorder=5)
            self.labels[key] = (
                ax.text(0, 0, "", color=run_colour[key], fontsize=FONT["note"],
                        ha="center", va="top", fontweight="bold"),
                ax.text(0, 0, "", color=rise_colour[key], fontsize=FONT["note"],
                        ha="left", va="center", fontweight="bold"),
            )
            self.notes[key] = ax.text(0.03, 0.97, "", transform=ax.transAxes, va="top",
                                      fontsize=FONT["note"], color=PALETTE["tangent"],
                                      bbox=dict(facecolor="white", edgecolor="none",
                                                alpha=0.85, pad=1.5))
        fewer_ticks(self.fig, 6)
        for ax in self.fig.axes:
            # tick labels of at most ~5 characters (1e3 and up get an offset like "1e6"),
            # left of the y label's fixed place
            ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
            ax.yaxis.set_label_coords(-0.17, 0.5)
        # The curves, tangents, triangles and notes move with x; the axes move in steps
        # (plots.steady_limits), so most moves redraw only these and reuse the rest.
        moving = []
        for key in self.axes:
            moving += [self.curves[key], self.tangents[key], self.runs[key], self.rises[key],
                       self.points[key], *self.labels[key], self.notes[key]]
        self.fig.canvas.set_animated(moving)
        self.slopes: Slopes | None = None
        # One layout for every f and g: made with titles as tall as any the menu gives
        # (nested superscripts, parentheses), then kept. The y labels stand at a fixed
        # distance from their axes, so tick labels may change width as x moves; w_pad
        # leaves room for half a tick label at the right end of each x axis.
        for ax in self.fig.axes:
            ax.set_title(self.TALLEST_TITLE, fontsize=FONT["title"])
        self.fig.set_layout_engine("constrained", w_pad=0.16)
        freeze_layout(self.fig)
        self.update(f=f, g=g, x=x)

    def update(self, f: str | Function | None = None, g: str | Function | None = None,
               x: float | None = None) -> None:
        """Redraw for new f, g and/or x (the ones not given keep their values)."""
        f = get(f) if f is not None else self.f
        g = get(g) if g is not None else self.g
        x = self.slopes.x if x is None else x
        s = compose(f, g, x)        # checks everything before anything is changed
        self.f, self.g, self.slopes = f, g, s
        w = self.half_width
        dx = w / 3
        du, dyy = s.dg * dx, s.dy * dx
        wf = max(w, 1.3 * abs(du))

        t = np.linspace(*steady_limits(s.x - w, s.x + w, self.axes["g"].get_xlim()), 301)
        tu = np.linspace(*steady_limits(s.u - wf, s.u + wf, self.axes["f"].get_xlim()), 301)
        curve = {"g": g.where_defined(t), "f": f.where_defined(tu)}
        curve["y"] = f.where_defined(curve["g"])
        grid = {"g": t, "f": tu, "y": t}
        point = {"g": (s.x, s.u), "f": (s.u, s.y), "y": (s.x, s.y)}
        slope = {"g": s.dg, "f": s.df, "y": s.dy}
        run = {"g": dx, "f": du, "y": dx}
        rise = {"g": du, "f": dyy, "y": dyy}
        run_name = {"g": "Δx", "f": "Δu", "y": "Δx"}
        rise_name = {"g": "Δu", "f": "Δy", "y": "Δy"}

        gx, fu = f"g(x) = {g.tex()}", f"f(u) = {f.tex('u')}"
        titles = {"g": f"inner: ${gx}$", "f": f"outer: ${fu}$",
                  "y": f"composition: $y = {composed_tex(f, g)}$"}
        # Plain text (no $…$): these change with every move of x, and mathtext is slow.
        notes = {"g": f"slope g'(x) = {fmt(s.dg, 4)}",
                 "f": f"slope f'(u) = {fmt(s.df, 4)}",
                 "y": f"slope f'(g(x))·g'(x)\n= {fmt(s.df, 4)} × {fmt(s.dg, 4)} "
                      f"= {fmt(s.dy, 4)}"}

        for key, ax in self.axes.items():
            px, py = point[key]
            tt = grid[key]
            self.curves[key].set_data(tt, curve[key])
            self.tangents[key].set_data(tt, py + slope[key] * (tt - px))
            self.points[key].set_data([px], [py])
            self.runs[key].set_data([px, px + run[key]], [py, py])
            self.rises[key].set_data([px + run[key]] * 2, [py, py + rise[key]])
            reach = 1.6 * max(abs(slope[key]) * (tt[-1] - px), 0.5)
            lo, hi = steady_limits(*_limits(curve[key], [py, py + rise[key]], py, reach),
                             ax.get_ylim() if ax.get_xlim() == (tt[0], tt[-1]) else None)
            if ax.get_xlim() != (tt[0], tt[-1]) or ax.get_ylim() != (lo, hi):
                ax.set_xlim(tt[0], tt[-1])
                ax.set_ylim(lo, hi)
                self.fig.canvas.invalidate()       # new ticks: a full draw
            run_label, rise_label = self.labels[key]
            gap = 0.02 * (hi - lo)
            run_label.set_position((px + run[key] / 2, py - gap))
            run_label.set_text(run_name[key] if run[key] != 0 else "")
            rise_label.set_position((px + run[key] + 0.03 * (tt[-1] - tt[0]),
                                     py + rise[key] / 2))
            rise_label.set_text(rise_name[key] if rise[key] != 0 else "")
            self.notes[key].set_text(notes[key])
            if ax.get_title() != titles[key]:      # mathtext: re-set only when f or g change
                ax.set_title(titles[key], fontsize=FONT["title"])
                self.fig.canvas.invalidate()       # titles are in the cached background

    def slopes_text(self) -> str:
        """The three slopes at the current f, g and x (the widget's caption)."""
        return slopes_text(self.f, self.g, self.slopes.x)


def chain_rule_figure(f: str | Function = "square", g: str | Function = "sin",
                      x: float = 0.5) -> Figure:
    """The three linked panels of ``ChainRuleView`` for these values, as a static figure."""
    return ChainRuleView(f, g, x).fig


# --------------------------------------------------------------------------------------
# The error of a finite difference as a function of the step h
# --------------------------------------------------------------------------------------

#: The default steps: 161 values from 1e-16 to 1, evenly spaced on a log scale.
STEPS = np.logspace(-16, 0, 161)


def difference_errors(f: str | Function = "sin", x: float = 1.0, hs=None,
                      dtype=np.float64) -> dict[str, np.ndarray]:
    """|estimate − f'(x)| of the forward and central differences for each step in ``hs``.

    The differences are computed in ``dtype`` (float64 or float32: x, h and every value of
    f); the exact slope f'(x) is computed in float64. Returns ``{"h", "forward",
    "central"}``, three float64 arrays of the same length.
    """
    fn = get(f)
    x = float(fn.check(x))
    hs = STEPS if hs is None else np.asarray(hs, dtype=float)
    if hs.ndim != 1 or hs.size == 0 or not np.all(np.isfinite(hs) & (hs > 0)):
        raise ValueError(f"difference_errors: hs must be a non-empty 1-d array of finite "
                         f"steps > 0, got {hs!r}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"difference_errors: dtype must be float32 or float64, got {dtype}")
    xd, hd = dtype.type(x), hs.astype(dtype)
    fx, fp, fm = fn.value(xd), fn.value(xd + hd), fn.value(xd - hd)
    exact = fn.df(x)
    forward = ((fp - fx) / hd).astype(np.float64)
    central = ((fp - fm) / (2 * hd)).astype(np.float64)
    return {"h": hs.copy(), "forward": np.abs(forward - exact),
            "central": np.abs(central - exact)}


def best_step(errors: dict[str, np.ndarray], method: str) -> tuple[float, float]:
    """(h, error) where the error of ``method`` in ``difference_errors`` output is smallest."""
    if method not in METHODS:
        raise ValueError(f"best_step: method must be one of {METHODS}, got {method!r}")
    i = int(np.argmin(errors[method]))
    return float(errors["h"][i]), float(errors[method][i])


def difference_error_figure(f: str | Function = "sin", x: float = 1.0,
                            dtypes=(np.float64, np.float32)) -> Figure:
    """Log-log plot of the finite-difference error against h: forward and central
    differences (colour) in each dtype (solid float64, dashed float32), each best h marked,
    with the slopes h and h² of the truncation error as guides."""
    fn = get(f)
    fig = new_figure(1, 1, width=10.0, height=4.6)
    ax = fig.axes[0]
    styles = {np.dtype(np.float64): "-", np.dtype(np.float32): "--"}
    floor = 1e-17        # an error of exactly 0 cannot be drawn on a log scale
    for dtype in dtypes:
        dtype = np.dtype(dtype)
        errs = difference_errors(fn, x, dtype=dtype)
        for method in ("forward", "central"):
            h, e = best_step(errs, method)
            ax.loglog(errs["h"], np.maximum(errs[method], floor), styles[dtype],
                      color=PALETTE[method], lw=1.8 if dtype == np.float64 else 1.4,
                      label=f"{method}, {dtype.name}: best h ≈ {h:.0e}, error {e:.0e}")
            ax.plot([h], [max(e, floor)], "o", color=PALETTE[method], ms=6,
                    mfc="white" if dtype == np.float32 else PALETTE[method], zorder=5)
    e64 = difference_errors(fn, x, hs=[1e-5, 1e-4])
    ax.annotate("forward: error ∝ h", xy=(1e-5, max(e64["forward"][0], floor)),
                xytext=(1e-11, 3e-4), color=PALETTE["forward"], fontsize=FONT["note"],
                arrowprops=dict(arrowstyle="->", color=PALETTE["forward"], lw=1))
    ax.annotate("central: error ∝ h²", xy=(1e-4, max(e64["central"][1], floor)),
                xytext=(3e-4, 1e-12), color=PALETTE["central"], fontsize=FONT["note"],
                arrowprops=dict(arrowstyle="->", color=PALETTE["central"], lw=1))
    ax.text(2e-16, 1e-13, "round-off ∝ ε/h:\nthe error rises\nas h shrinks",
            color="#555555", fontsize=FONT["note"], va="top")
    ax.set_xlim(1e-16, 1)
    ax.set_ylim(1e-17, 10)
    style_axis(ax, f"error of the finite differences of ${fn.tex()}$ at x = {fmt(x)}",
               "step h", "|estimate − f'(x)|")
    ax.legend(fontsize=FONT["note"], loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False, title="solid float64, dashed float32;\ndots: the best h",
              title_fontsize=FONT["note"], alignment="left")
    return fig


# --------------------------------------------------------------------------------------
# Longer chains: a product of local derivatives
# --------------------------------------------------------------------------------------


class Link(NamedTuple):
    """One function of a chain: its name, its input, its output and its local derivative."""

    name: str
    input: float
    output: float
    local: float


class Chain(NamedTuple):
    """A chain evaluated at x: the links, the output y, dy/dx, and the backward pass:
    ``grads[k]`` is dy/d(value k), where value 0 is x and value k is the k-th output."""

    links: list[Link]
    y: float
    dy: float
    grads: list[float]


def chain(names: Sequence[str | Function], x: float) -> Chain:
    """Evaluate y = fₙ(…f₂(f₁(x))) with ``names`` = (f₁, f₂, …, fₙ) in the order they are
    applied (innermost first), with every local derivative, then multiply them back from
    the output (the backward pass): dy/dx = fₙ'·…·f₂'·f₁'."""
    if isinstance(names, (str, Function)) or len(names) == 0:
        raise ValueError(f"chain: names must be a non-empty sequence of function names, "
                         f"got {names!r}")
    fns = [get(n) for n in names]
    x = float(fns[0].check(x))
    links, v = [], x
    for fn in fns:
        if not fn.contains(v):
            raise ValueError(f"chain: {fn.name} is not defined at its input {fmt(v)}: "
                             f"its domain is {fn.domain_text()}")
        out = fn.f(v)
        links.append(Link(fn.name, v, out, fn.df(v)))
        v = out
    grads = [1.0]                       # dy/dy
    for link in reversed(links):
        grads.append(grads[-1] * link.local)
    grads.reverse()                     # grads[0] = dy/dx, …, grads[-1] = dy/dy = 1
    return Chain(links, v, grads[0], grads)


def _node(ax, xy, text, colour="black"):
    ax.text(*xy, text, ha="center", va="center", fontsize=FONT["label"], color=colour,
            bbox=dict(boxstyle="round,pad=0.45", facecolor="white", edgecolor=colour, lw=1.4),
            zorder=3)


def _arrow(ax, a, b, colour="#444444", shrink=34):
    ax.annotate("", xy=b, xytext=a, zorder=2,
                arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.6, shrinkA=shrink,
                                shrinkB=shrink, mutation_scale=14))


def chain_figure(names: Sequence[str | Function] = ("square", "sin", "exp"),
                 x: float = 0.8) -> Figure:
    """The chain x → u₁ → … → y as a row of nodes: values above the arrows' functions, each
    arrow's local derivative, and under each node dy/d(node), multiplied back from y."""
    c = chain(names, x)
    n = len(c.links)
    fig = new_figure(1, 1, width=2.9 * n + 1.6, height=3.0)
    ax = fig.axes[0]
    ax.set_axis_off()
    step = 3.0
    names_v = ["x"] + [f"u$_{k}$" for k in range(1, n)] + ["y"]
    values = [c.links[0].input] + [link.output for link in c.links]
    for k, (label, value) in enumerate(zip(names_v, values, strict=True)):
        _node(ax, (k * step, 0), f"{label} = {fmt(value, 4)}")
        d = "y" if k == n else names_v[k]
        ax.text(k * step, -0.95, f"dy/d{d} = {fmt(c.grads[k], 4)}", ha="center",
                va="center", fontsize=FONT["note"], color=PALETTE["dy"], fontweight="bold")
    for k, link in enumerate(c.links):
        a, b = (k * step, 0), ((k + 1) * step, 0)
        _arrow(ax, a, b)
        mid = (k + 0.5) * step
        fn = get(link.name)
        ax.text(mid, 0.42, f"${fn.tex('u')}$", ha="center", va="bottom",
                fontsize=FONT["label"])
        ax.text(mid, -0.38, f"local ×{fmt(link.local, 4)}", ha="center", va="top",
                fontsize=FONT["note"], color=PALETTE["tangent"])
    product = " × ".join(fmt(link.local, 4) for link in reversed(c.links))
    ax.text(n * step / 2, -1.75, f"dy/dx = {product} = {fmt(c.dy, 4)}   "
            "(multiply the local derivatives, from y back to x)", ha="center", va="center",
            fontsize=FONT["label"])
    ax.set_xlim(-1.3, n * step + 1.3)
    ax.set_ylim(-2.1, 1.0)
    return fig


# --------------------------------------------------------------------------------------
# The multivariable chain rule: a sum over paths
# --------------------------------------------------------------------------------------


class TwoPaths(NamedTuple):
    """z = u(x)·v(x) at x: the values, the product along each path, and dz/dx (their sum)."""

    x: float
    u: float
    v: float
    z: float
    du: float        # du/dx
    dv: float        # dv/dx
    path_u: float    # ∂z/∂u · du/dx = v · du/dx
    path_v: float    # ∂z/∂v · dv/dx = u · dv/dx
    dz: float        # dz/dx = path_u + path_v


def two_paths(u: str | Function = "sin", v: str | Function = "square",
              x: float = 0.7) -> TwoPaths:
    """dz/dx for z = u(x)·v(x) as the sum over the two paths x → u → z and x → v → z."""
    u, v = get(u), get(v)
    x = float(u.check(x))
    v.check(x)
    uu, vv, du, dv = u.f(x), v.f(x), u.df(x), v.df(x)
    return TwoPaths(x, uu, vv, uu * vv, du, dv, vv * du, uu * dv, vv * du + uu * dv)


def two_path_figure(u: str | Function = "sin", v: str | Function = "square",
                    x: float = 0.7) -> Figure:
    """The graph x → u, x → v, (u, v) → z = u·v with every local derivative, each path's
    product and their sum dz/dx."""
    fu, fv = get(u), get(v)
    t = two_paths(fu, fv, x)
    fig = new_figure(1, 1, width=8.6, height=4.2)
    ax = fig.axes[0]
    ax.set_axis_off()
    P = {"x": (0, 0), "u": (4, 1.3), "v": (4, -1.3), "z": (8, 0)}
    c1, c2 = PALETTE["path1"], PALETTE["path2"]
    _node(ax, P["x"], f"x = {fmt(t.x, 4)}")
    _node(ax, P["u"], f"u = ${fu.tex()}$ = {fmt(t.u, 4)}", c1)
    _node(ax, P["v"], f"v = ${fv.tex()}$ = {fmt(t.v, 4)}", c2)
    _node(ax, P["z"], f"z = u·v = {fmt(t.z, 4)}")
    edges = [("x", "u", c1, f"du/dx = ${fu.dtex()}$ = {fmt(t.du, 4)}"),
             ("x", "v", c2, f"dv/dx = ${fv.dtex()}$ = {fmt(t.dv, 4)}"),
             ("u", "z", c1, f"∂z/∂u = v = {fmt(t.v, 4)}"),
             ("v", "z", c2, f"∂z/∂v = u = {fmt(t.u, 4)}")]
    for a, b, colour, label in edges:
        _arrow(ax, P[a], P[b], colour, shrink=40)
        (xa, ya), (xb, yb) = P[a], P[b]
        above = ya + yb > 0
        ax.text((xa + xb) / 2, (ya + yb) / 2 + (0.42 if above else -0.42), label,
                ha="center", va="center", color=colour, fontsize=FONT["note"])
    ax.text(4, -2.45, f"path via u: {fmt(t.v, 4)} × {fmt(t.du, 4)} = {fmt(t.path_u, 4)}      "
            f"path via v: {fmt(t.u, 4)} × {fmt(t.dv, 4)} = {fmt(t.path_v, 4)}",
            ha="center", fontsize=FONT["note"])
    ax.text(4, -2.95, f"dz/dx = sum over paths = {fmt(t.path_u, 4)} + {fmt(t.path_v, 4)} "
            f"= {fmt(t.dz, 4)}", ha="center", fontsize=FONT["label"], fontweight="bold")
    ax.set_xlim(-1.4, 9.4)
    ax.set_ylim(-3.3, 2.0)
    return fig
