"""The chain rule, in numbers (lesson 01, ``notebooks/01_chain_rule.ipynb``).

- ``derivative(f, x, h, method)``: the slope of ``f`` at ``x`` from a finite difference;
  ``central_difference(f, x, h)``: the formula of the central one, which every central
  difference of the package calls (gradient checks, Jacobians, the error curves).
- ``FUNCTIONS`` / ``get(name)``: a menu of functions, each with its exact derivative and its
  domain (``f, df, domain = get("sin")``). ReLU'(0) is taken to be 0, as in most libraries.
- ``compose`` / ``slopes_text``: y = f(g(x)) and its three slopes.
- ``difference_errors`` / ``best_step`` / ``reliable_step``: the error of a finite difference
  as a function of the step h (truncation error falls with h, round-off error rises);
  ``rounding_plateau``: below which step x ± h rounds back to x (the estimate is 0);
  ``taylor`` / ``taylor_derivatives``: Taylor's formula up to the term in h³.
- ``chain``: a chain of three or more functions as a product of local derivatives;
  ``two_paths``: the multivariable chain rule as a sum over paths.

Notation is the series': u = g(x) is the inner value, y = f(u) = f(g(x)) the output, and
dy/dx = f'(g(x))·g'(x). The figures of the lesson are in :mod:`helpers.figures.chain_rule`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .checks import callable_, checked, one_of, real, whole


def fmt(v: float, digits: int = 6) -> str:
    """A number with ``digits`` significant digits, never ``-0`` and never a NumPy repr."""
    s = f"{float(v):.{digits}g}"
    return "0" if s == "-0" else s


def _as_real(x, name: str = "x", where: str = "derivative") -> np.ndarray:
    """``x`` as a float array (float32 stays float32, integers become float64)."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(
            f"{where}: {name} must be a real number or an array of them, "
            f"got {type(x).__name__} {x!r}"
        )
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise TypeError(
            f"{where}: {name} must be a real number or an array of them, "
            f"got {type(x).__name__} with dtype {arr.dtype}"
        )
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0] if arr.ndim else arr
        raise ValueError(f"{where}: {name} must be finite, got {name} = {float(bad)}")
    return arr


def _out(y):
    """A 0-d float64 result as a plain Python float; anything else unchanged."""
    if np.ndim(y) == 0 and np.asarray(y).dtype == np.float64:
        return float(y)
    return y


# ---- numeric derivatives

METHODS = ("central", "forward")


def check_step(h: float, where: str = "derivative") -> float:
    """Return ``h`` as a float if it is a usable step: a finite number > 0."""
    if isinstance(h, bool) or not isinstance(h, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"{where}: the step h must be a positive number, got {type(h).__name__} {h!r}"
        )
    if not math.isfinite(h) or h <= 0:
        raise ValueError(f"{where}: the step h must be a finite number > 0, got h = {h!r}")
    return float(h)


def _step(where: str, name: str, value: object, _: dict) -> float:
    return check_step(value, where)


def _real(where: str, name: str, value: object, _: dict) -> np.ndarray:
    return _as_real(value, name, where)


METHOD = one_of(METHODS)


def central_difference(f: Callable, x: float | np.ndarray, h: float) -> float | np.ndarray:
    """(f(x + h) − f(x − h)) / 2h: the slope of the secant through one point on each side of x.

    The formula alone, for arguments already checked (``derivative`` checks them); ``x`` and
    ``h`` may be arrays. ``h + h`` is 2h exactly and keeps h's precision, where NumPy 1.26
    would turn ``2 * h`` into float64 for a float32 step.
    """
    return (f(x + h) - f(x - h)) / (h + h)


@checked(f=callable_, h=_step, method=METHOD, x=_real)
def derivative(
    f: Callable, x: float | np.ndarray, h: float = 1e-5, method: str = "central"
) -> float | np.ndarray:
    """The slope of ``f`` at ``x`` estimated by a finite difference with step ``h``.

    ``method="central"``: (f(x + h) − f(x − h)) / 2h, error ∝ h² (the one to use);
    ``method="forward"``: (f(x + h) − f(x)) / h, error ∝ h.

    ``x`` may be a number or an array (then ``f`` must accept arrays); a float32 ``x`` is
    kept in float32, which is how the notebook shows why gradient checks use float64.
    """
    h = x.dtype.type(h)  # the step in x's precision (numpy 1.26 would promote to float64)
    if method == "central":
        return _out(central_difference(f, x, h))
    return _out((f(x + h) - f(x)) / h)


# ---- the menu of functions, each with its derivative and its domain

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

    def __call__(self, x: float | np.ndarray) -> float | np.ndarray:
        return self.f(x)

    def f(self, x: float | np.ndarray) -> float | np.ndarray:
        """The function's value at ``x`` (a number or an array inside the domain)."""
        return _out(self.value(self.check(x)))

    def df(self, x: float | np.ndarray) -> float | np.ndarray:
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

    def contains(self, x: float | np.ndarray) -> np.ndarray:
        """Boolean mask: where ``x`` lies inside the domain."""
        lo, hi = self.domain
        x = np.asarray(x)
        return (x > lo) & (x < hi)

    def check(self, x: float | np.ndarray) -> np.ndarray:
        """``x`` as a float array, or a ValueError naming the function, x and the domain."""
        arr = _as_real(x, where=self.name)
        inside = self.contains(arr)
        if not np.all(inside):
            bad = float(arr[~inside].flat[0]) if arr.ndim else float(arr)
            where = "" if arr.ndim == 0 else f" (one of the {arr.size} values given)"
            raise ValueError(
                f"{self.name}: x = {fmt(bad)}{where} is outside its domain, {self.domain_text()}"
            )
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
        F("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2, r"\tanh {v}", r"1-\tanh^2 {v}"),
        F(
            "sigmoid",
            _sigmoid,
            lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
            r"\sigma({v})",
            r"\sigma({v})\,(1-\sigma({v}))",
        ),
        F(
            "relu",
            lambda x: np.maximum(x, 0),
            _relu_slope,
            r"\max(0, {v})",
            r"1 \;\mathrm{if}\; {v} > 0 \;\mathrm{else}\; 0",
            kinks=(0.0,),
        ),
        # Restricted domains: the open interval where the function and its slope exist.
        F("log", np.log, lambda x: 1 / x, r"\ln {v}", r"1/{v}", domain=(0.0, INF)),
        F(
            "sqrt",
            np.sqrt,
            lambda x: 0.5 / np.sqrt(x),
            r"\sqrt{{v}}",
            r"1/(2\sqrt{{v}})",
            domain=(0.0, INF),
        ),
    ]
    return {fn.name: fn for fn in menu}


#: name → Function (unpacks as ``f, df, domain``). ReLU'(0) is taken to be 0.
FUNCTIONS: dict[str, Function] = _functions()


#: The names of the functions defined on the whole real line: safe in any composition,
#: so these are the choices of the widget's menus.
EVERYWHERE: tuple[str, ...] = tuple(
    name for name, fn in FUNCTIONS.items() if fn.domain == (-INF, INF)
)


def get(name: str | Function) -> Function:
    """The menu entry called ``name`` (a Function is returned unchanged)."""
    if isinstance(name, Function):
        return name
    if not isinstance(name, str):
        raise TypeError(
            f"get: a function's name must be a string, got {type(name).__name__} {name!r}"
        )
    try:
        return FUNCTIONS[name]
    except KeyError:
        known = ", ".join(FUNCTIONS)
        raise ValueError(f"unknown function {name!r}; the known ones are: {known}") from None


# ---- a composition y = f(g(x)) and its three slopes


class Slopes(NamedTuple):
    """Everything about y = f(g(x)) at one x: values and the three slopes."""

    x: float
    u: float  # u = g(x)
    y: float  # y = f(u)
    dg: float  # g'(x)
    df: float  # f'(u) = f'(g(x))
    dy: float  # dy/dx = f'(g(x)) · g'(x)


def _defined(fn: Function, v: float, what: str) -> None:
    """A ValueError "``what`` v: its domain is ..." unless ``fn`` is defined at ``v``."""
    if not fn.contains(v):
        raise ValueError(f"{what} {fmt(v)}: its domain is {fn.domain_text()}")


@checked(x=real())
def compose(f: str | Function, g: str | Function, x: float) -> Slopes:
    """Values and slopes of y = f(g(x)) at ``x`` by the chain rule."""
    f, g = get(f), get(g)
    x = float(g.check(x))
    u = g.f(x)
    _defined(f, u, f"f = {f.name} is not defined at u = g(x) = {g.name}({fmt(x)}) =")
    with np.errstate(over="ignore", invalid="ignore"):
        dg, df = g.df(x), f.df(u)
        s = Slopes(x, u, f.f(u), dg, df, df * dg)
    if not all(math.isfinite(v) for v in s):
        raise ValueError(
            f"compose: y = {f.name}({g.name}(x)) at x = {fmt(x)} overflows: "
            f"u = {fmt(u)}, y = {fmt(s.y)}, dy/dx = {fmt(s.dy)} (larger than "
            "the largest float64, about 1.8e308); choose an x nearer 0"
        )
    return s


def slopes_text(f: str | Function, g: str | Function, x: float) -> str:
    """The three slopes of y = f(g(x)) at ``x`` as a few aligned lines of text."""
    s = compose(f, g, x)
    return "\n".join(
        [
            f"x = {fmt(s.x, 4)}    u = g(x) = {fmt(s.u)}    y = f(u) = {fmt(s.y)}",
            f"g'(x)          = {fmt(s.dg)}",
            f"f'(g(x))       = {fmt(s.df)}",
            f"f'(g(x))·g'(x) = {fmt(s.df)} × {fmt(s.dg)} = {fmt(s.dy)}",
        ]
    )


# ---- the error of a finite difference against the step h

#: The default steps: 161 values from 1e-16 to 1, evenly spaced on a log scale.
STEPS = np.logspace(-16, 0, 161)


def _steps(where: str, name: str, value: object, _: dict) -> np.ndarray:
    hs = STEPS if value is None else np.asarray(value, dtype=float)
    if hs.ndim != 1 or hs.size == 0 or not np.all(np.isfinite(hs) & (hs > 0)):
        raise ValueError(
            f"{where}: {name} must be a non-empty 1-d array of finite steps > 0, got {hs!r}"
        )
    return hs


def _float_type(where: str, name: str, value: object, _: dict) -> np.dtype:
    dtype = np.dtype(value)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"{where}: {name} must be float32 or float64, got {dtype}")
    return dtype


@checked(x=real(), hs=_steps, dtype=_float_type)
def difference_errors(
    f: str | Function = "sin",
    x: float = 1.0,
    hs: np.ndarray | None = None,
    dtype: type = np.float64,
) -> dict[str, np.ndarray]:
    """|estimate − f'(x)| of the forward and central differences for each step in ``hs``.

    The differences are computed in ``dtype`` (float64 or float32: x, h and every value of
    f); the exact slope f'(x) is computed in float64. Returns ``{"h", "forward",
    "central"}``, three float64 arrays of the same length.
    """
    fn = get(f)
    x = float(fn.check(x))
    xd, hd = dtype.type(x), hs.astype(dtype)
    exact = fn.df(x)
    forward = ((fn.value(xd + hd) - fn.value(xd)) / hd).astype(np.float64)
    central = central_difference(fn.value, xd, hd).astype(np.float64)
    return {"h": hs.copy(), "forward": np.abs(forward - exact), "central": np.abs(central - exact)}


@checked(method=METHOD)
def best_step(errors: dict[str, np.ndarray], method: str) -> tuple[float, float]:
    """(h, error) where the error of ``method`` in ``difference_errors`` output is smallest."""
    i = int(np.argmin(errors[method]))
    return float(errors["h"][i]), float(errors[method][i])


@checked(method=METHOD, half_width=whole(0))
def reliable_step(
    errors: dict[str, np.ndarray], method: str, half_width: int = 5
) -> tuple[float, float]:
    """(h, error): the step whose *worst* error over its neighbourhood is smallest.

    Round-off makes the error at one step a matter of luck: a single step can be 100 times
    better than its neighbours. Here each step is judged by the largest error among the
    ``half_width`` steps on either side of it (with the default ``STEPS``, ten per decade:
    half a decade each way), and the step with the smallest such error is returned with that
    error — an error one can count on near that step. It lands near the rules of thumb
    h ≈ √ε (forward) and h ≈ ∛ε (central), where ``best_step`` may land far from them.
    """
    e = np.asarray(errors[method], dtype=np.float64)
    padded = np.pad(e, half_width, mode="edge")
    worst = np.lib.stride_tricks.sliding_window_view(padded, 2 * half_width + 1).max(axis=1)
    i = int(np.argmin(worst))
    return float(errors["h"][i]), float(worst[i])


@checked(x=real(), method=METHOD, dtype=_float_type)
def rounding_plateau(x: float = 1.0, method: str = "central", dtype: type = np.float32) -> float:
    """The largest step h for which the points of ``method`` round back to ``x`` in ``dtype``.

    For every step up to it, x + h (forward) or both x + h and x − h (central) equal x once
    rounded to ``dtype``: the difference is exactly 0, and the estimate of the slope is 0.
    At x = 1 this is ε/2 for the forward difference and ε/4 for the central one: 1 is a
    power of two, and the floats just below it are twice as dense as those just above it,
    so x − h stays at x only for steps half as large. At an x inside a binade (1.5, say) the
    two are equal, half the spacing of the floats around x (between ε|x|/4 and ε|x|/2).
    Found by bisection on the step (the condition holds for every step below the one
    returned and for none above it).
    """
    if abs(x) > float(np.finfo(dtype).max):
        raise ValueError(f"rounding_plateau: x = {x:g} does not fit in {dtype.name}")
    xd = dtype.type(x)

    def stays(h: float) -> bool:
        hd = dtype.type(h)
        return bool(xd + hd == xd and (method == "forward" or xd - hd == xd))

    lo, hi = 0.0, 2.0 * abs(float(xd)) + 1.0  # stays(lo), not stays(hi)
    while True:
        mid = lo + (hi - lo) / 2
        if mid in (lo, hi):
            return lo
        lo, hi = (mid, hi) if stays(mid) else (lo, mid)


# ---- Taylor's formula: the tangent, and the corrections after it


def taylor_derivatives(f: str | Function, x: float) -> tuple[float, float, float, float]:
    """(f(x), f'(x), f''(x), f'''(x)) at ``x``.

    f' is the menu's exact derivative; f'' and f''' are its central first and second
    differences (steps 1e-4 and 1e-3: good to about 1e-8 and 1e-6 for the smooth functions
    of the menu, plenty for Taylor's formula in a picture).
    """
    fn = get(f)
    x = float(fn.check(x))
    d1, d2 = 1e-4, 1e-3
    f2 = central_difference(fn.df, x, d1)
    f3 = (fn.df(x + d2) - 2 * fn.df(x) + fn.df(x - d2)) / d2**2
    return float(fn.f(x)), float(fn.df(x)), float(f2), float(f3)


@checked(order=whole(0, 3))
def taylor(f: str | Function, x: float, h: float | np.ndarray, order: int) -> float | np.ndarray:
    """Taylor's formula of ``order`` 0 to 3 at ``x``, evaluated at ``x + h``.

    f(x) + h f'(x) + h²/2 f''(x) + h³/6 f'''(x), cut after the term in h^order; ``h`` may be
    a number or an array.
    """
    h = np.asarray(h, dtype=np.float64)
    terms = taylor_derivatives(f, x)
    total = np.zeros_like(h)
    for k, factorial in zip(range(order + 1), (1, 1, 2, 6)):
        total = total + h**k / factorial * terms[k]
    return total if total.ndim else float(total)


# ---- longer chains: a product of local derivatives


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


def _names(where: str, name: str, value: object, _: dict) -> Sequence:
    if isinstance(value, (str, Function)) or len(value) == 0:
        raise ValueError(
            f"{where}: {name} must be a non-empty sequence of function names, got {value!r}"
        )
    return value


@checked(names=_names, x=real())
def chain(names: Sequence[str | Function], x: float) -> Chain:
    """Evaluate y = fₙ(…f₂(f₁(x))) with ``names`` = (f₁, f₂, …, fₙ) in the order they are
    applied (innermost first), with every local derivative, then multiply them back from
    the output (the backward pass): dy/dx = fₙ'·…·f₂'·f₁'."""
    fns = [get(n) for n in names]
    x = float(fns[0].check(x))
    links, v = [], x
    for fn in fns:
        _defined(fn, v, f"chain: {fn.name} is not defined at its input")
        with np.errstate(over="ignore", invalid="ignore"):
            out, local = fn.f(v), fn.df(v)
        if not (math.isfinite(out) and math.isfinite(local)):
            raise ValueError(
                f"chain: link {len(links) + 1} ({fn.name}) overflows at its "
                f"input {fmt(v)}: {fn.name}({fmt(v)}) = {fmt(out)}, slope "
                f"{fmt(local)} (beyond the largest float64, about 1.8e308); "
                f"use a shorter chain or an x nearer 0, got names={list(names)!r}, "
                f"x={x!r}"
            )
        links.append(Link(fn.name, v, out, local))
        v = out
    grads = [1.0]  # dy/dy
    for link in reversed(links):
        grads.append(grads[-1] * link.local)
    grads.reverse()  # grads[0] = dy/dx, …, grads[-1] = dy/dy = 1
    return Chain(links, v, grads[0], grads)


# ---- the multivariable chain rule: a sum over paths


class TwoPaths(NamedTuple):
    """z = u(x)·v(x) at x: the values, the product along each path, and dz/dx (their sum)."""

    x: float
    u: float
    v: float
    z: float
    du: float  # du/dx
    dv: float  # dv/dx
    path_u: float  # ∂z/∂u · du/dx = v · du/dx
    path_v: float  # ∂z/∂v · dv/dx = u · dv/dx
    dz: float  # dz/dx = path_u + path_v


@checked(x=real())
def two_paths(u: str | Function = "sin", v: str | Function = "square", x: float = 0.7) -> TwoPaths:
    """dz/dx for z = u(x)·v(x) as the sum over the two paths x → u → z and x → v → z."""
    u, v = get(u), get(v)
    x = float(u.check(x))
    v.check(x)
    uu, vv, du, dv = u.f(x), v.f(x), u.df(x), v.df(x)
    return TwoPaths(x, uu, vv, uu * vv, du, dv, vv * du, uu * dv, vv * du + uu * dv)
