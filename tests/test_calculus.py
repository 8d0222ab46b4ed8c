"""Tests of helpers.calculus: derivatives, the function menu, the figures and the views."""

import math

import numpy as np
import pytest
import sympy as sp
from matplotlib.figure import Figure

from helpers import calculus
from helpers.figures import chain_rule as chain_rule_figures

RNG = np.random.default_rng(20261125)


def rel_err(a, n, floor=1e-8):
    """|a − n| / max(floor, |a| + |n|), the relative error with a floor of correctness.md.

    Where a slope is near 0 (x³ near 0, cos(x³) near 0) the central difference keeps an
    absolute error of about h² + ε|f|/h ≈ 1e-10 whatever the slope: there a floor of 1e-2
    turns the test into an absolute one, at 1e-9."""
    a, n = np.asarray(a, float), np.asarray(n, float)
    return np.abs(a - n) / np.maximum(floor, np.abs(a) + np.abs(n))


def sample_points(fn, n=200):
    """Random points inside fn's domain, at least 1e-3 (≫ h) away from any kink."""
    lo, hi = fn.domain
    lo, hi = max(lo, -3.0), min(hi, 3.0)
    if fn.domain[0] == 0.0:
        lo = 0.05
    x = RNG.uniform(lo, hi, size=4 * n)
    for k in fn.kinks:
        x = x[np.abs(x - k) > 1e-3]
    return x[:n]


# Independent oracle: the same functions written in sympy, differentiated symbolically.
t = sp.Symbol("t", real=True)
SYMPY = {
    "square": t**2,
    "cube": t**3,
    "sin": sp.sin(t),
    "cos": sp.cos(t),
    "exp": sp.exp(t),
    "tanh": sp.tanh(t),
    "sigmoid": 1 / (1 + sp.exp(-t)),
    "relu": sp.Max(0, t),
    "log": sp.log(t),
    "sqrt": sp.sqrt(t),
}


def test_menu_has_the_required_functions():
    for name in ("square", "sin", "exp", "tanh", "sigmoid", "relu", "log", "sqrt", "cube"):
        assert name in calculus.FUNCTIONS
    assert set(SYMPY) == set(calculus.FUNCTIONS)
    assert set(calculus.EVERYWHERE) == set(calculus.FUNCTIONS) - {"log", "sqrt"}


@pytest.mark.parametrize("name", list(calculus.FUNCTIONS))
def test_derivative_matches_central_difference(name):
    fn = calculus.get(name)
    x = sample_points(fn)
    exact = fn.df(x)
    numeric = calculus.derivative(fn.value, x, h=1e-6)
    assert np.max(rel_err(exact, numeric, floor=1e-2)) < 1e-7, name


@pytest.mark.parametrize("name", list(calculus.FUNCTIONS))
def test_values_and_derivatives_match_sympy(name):
    fn = calculus.get(name)
    x = sample_points(fn, 50)
    value = sp.lambdify(t, SYMPY[name], "math")
    slope = sp.lambdify(t, sp.diff(SYMPY[name], t), "math")
    for xi in x:
        xi = float(xi)
        assert math.isclose(fn.f(xi), float(value(xi)), rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(fn.df(xi), float(slope(xi)), rel_tol=1e-12, abs_tol=1e-15)


def test_relu_slope_at_the_kink_is_zero_by_convention():
    relu = calculus.get("relu")
    assert relu.df(0.0) == 0.0
    assert relu.df(1e-300) == 1.0 and relu.df(-1e-300) == 0.0
    assert relu.kinks == (0.0,)
    assert "ReLU'(0) is taken to be 0" in calculus.__doc__


def test_sigmoid_never_overflows():
    s = calculus.get("sigmoid")
    with np.errstate(all="raise"):
        assert s.f(-1000.0) == 0.0 and s.f(1000.0) == 1.0 and s.f(0.0) == 0.5
        assert s.df(-1000.0) == 0.0


def test_function_unpacks_and_returns_python_floats():
    f, df, domain = calculus.FUNCTIONS["sin"]
    assert f(0.5) == math.sin(0.5) and df(0.5) == math.cos(0.5)
    assert domain == (-math.inf, math.inf)
    assert type(f(0.5)) is float and type(calculus.get("square")(3)) is float
    assert calculus.get("square")(3) == 9.0
    arr = calculus.get("exp").f(np.array([0.0, 1.0]))
    assert isinstance(arr, np.ndarray) and arr.shape == (2,)


def test_domains():
    with pytest.raises(ValueError, match=r"log: x = -1 is outside its domain, x > 0"):
        calculus.get("log")(-1.0)
    with pytest.raises(ValueError, match=r"sqrt: x = 0 .*x > 0"):
        calculus.get("sqrt").df(0.0)
    with pytest.raises(ValueError, match=r"log: x = -2 \(one of the 3 values given\)"):
        calculus.get("log").f(np.array([1.0, -2.0, 3.0]))
    with pytest.raises(ValueError, match="must be finite"):
        calculus.get("sin")(math.nan)
    with pytest.raises(TypeError, match="real number"):
        calculus.get("sin")("1")
    assert calculus.get("log").domain_text() == "x > 0"
    assert calculus.get("sin").domain_text() == "all real numbers"


def test_get_unknown_lists_known_names():
    with pytest.raises(ValueError) as err:
        calculus.get("softplus")
    msg = str(err.value)
    assert "'softplus'" in msg and all(name in msg for name in calculus.FUNCTIONS)
    with pytest.raises(TypeError, match="string"):
        calculus.get(3)
    assert calculus.get(calculus.get("sin")) is calculus.get("sin")


# --- derivative -----------------------------------------------------------------------


def test_derivative_accuracy():
    assert abs(calculus.derivative(np.sin, 1.0) - math.cos(1.0)) < 1e-10
    assert abs(calculus.derivative(np.sin, 1.0, method="forward") - math.cos(1.0)) < 1e-5
    assert type(calculus.derivative(np.sin, 1.0)) is float
    assert calculus.derivative(lambda x: 3 * x, 2) == pytest.approx(3.0, rel=1e-10)
    arr = calculus.derivative(np.exp, np.array([0.0, 1.0]))
    np.testing.assert_allclose(arr, np.exp([0.0, 1.0]), rtol=1e-9)
    # float32 stays float32: that is how the notebook shows round-off
    assert calculus.derivative(np.sin, np.float32(1.0), h=1e-3).dtype == np.float32


def test_central_difference_is_the_lessons_formula_in_the_steps_precision():
    # the learner's (f(x + h) − f(x − h)) / (2 * h) of exercise 1.3, to the last bit
    for x, h in [(1.0, 1e-5), (0.3, 1e-3), (-2.5, 0.1), (2.0, 1e-13)]:
        assert calculus.central_difference(np.sin, x, h) == (
            (np.sin(x + h) - np.sin(x - h)) / (2 * h)
        )
    # x and h may be arrays (the error curves take one step per entry)
    hs = np.logspace(-8, -1, 8)
    np.testing.assert_array_equal(
        calculus.central_difference(np.exp, 0.5, hs),
        (np.exp(0.5 + hs) - np.exp(0.5 - hs)) / (2 * hs),
    )
    # a float32 step stays float32, on NumPy 1.26 as on 2.x (2 * h would be float64 there)
    x32, h32 = np.float32(1.0), np.float32(1e-3)
    assert calculus.central_difference(np.sin, x32, h32).dtype == np.float32
    assert calculus.derivative(np.sin, x32, 1e-3) == calculus.central_difference(np.sin, x32, h32)


@pytest.mark.parametrize("f", [3, "sin", None, [np.sin]])
def test_derivative_rejects_non_callable(f):
    with pytest.raises(TypeError, match="f must be a function"):
        calculus.derivative(f, 1.0)


@pytest.mark.parametrize("h", [0, 0.0, -1e-5, math.nan, math.inf, -math.inf])
def test_derivative_rejects_bad_steps(h):
    with pytest.raises(ValueError, match="step h"):
        calculus.derivative(np.sin, 1.0, h=h)


@pytest.mark.parametrize("h", ["1e-5", None, True, [1e-5]])
def test_derivative_rejects_non_number_steps(h):
    with pytest.raises(TypeError, match="step h"):
        calculus.derivative(np.sin, 1.0, h=h)


def test_derivative_rejects_bad_method_and_x():
    with pytest.raises(ValueError, match="method must be one of"):
        calculus.derivative(np.sin, 1.0, method="backward")
    with pytest.raises(TypeError, match="x must be a real number"):
        calculus.derivative(np.sin, "1.0")
    with pytest.raises(TypeError, match="x must be a real number"):
        calculus.derivative(np.sin, 1j)
    with pytest.raises(ValueError, match="x must be finite"):
        calculus.derivative(np.sin, math.inf)


# --- composition ----------------------------------------------------------------------


def test_compose_is_the_chain_rule():
    for f in calculus.EVERYWHERE:
        for g in calculus.EVERYWHERE:
            fn, gn = calculus.get(f), calculus.get(g)
            for x in sample_points(gn, 8):
                if any(abs(gn.f(x) - k) < 1e-3 for k in fn.kinks):
                    continue
                s = calculus.compose(f, g, float(x))
                numeric = calculus.derivative(
                    lambda v, fn=fn, gn=gn: fn.value(gn.value(v)), float(x), h=1e-6
                )
                tol = 1e-7 * abs(s.dy) + 1e-9 * max(1.0, abs(s.y))
                assert abs(s.dy - numeric) <= tol, (f, g, x)
                assert s.dy == s.df * s.dg and s.u == gn.f(x) and s.y == fn.f(s.u)


def test_compose_domain_error_names_everything():
    with pytest.raises(ValueError, match=r"f = log is not defined at u = g\(x\) = sin\(-1\)"):
        calculus.compose("log", "sin", -1.0)
    assert calculus.compose("log", "exp", 1.3).dy == pytest.approx(1.0, rel=1e-12)


def test_slopes_text():
    text = calculus.slopes_text("square", "sin", 0.5)
    assert "g'(x)          = 0.877583" in text
    assert "f'(g(x))       = 0.958851" in text
    assert "= 0.958851 × 0.877583 = 0.841471" in text


def test_composed_tex():
    assert chain_rule_figures.composed_tex("square", "sin") == r"(\sin x)^2"
    assert chain_rule_figures.composed_tex("sin", "square") == r"\sin (x^2)"
    assert chain_rule_figures.composed_tex("exp", "sin") == r"e^{\sin x}"
    assert chain_rule_figures.composed_tex("sigmoid", "tanh") == r"\sigma(\tanh x)"


# --- the three linked panels ----------------------------------------------------------


def slope_of(line):
    xs, ys = (np.asarray(a, float) for a in line.get_data())
    return (ys[-1] - ys[0]) / (xs[-1] - xs[0])


def assert_view_matches(view, f, g, x):
    s = calculus.compose(f, g, x)
    for key, want, (px, py) in [
        ("g", s.dg, (s.x, s.u)),
        ("f", s.df, (s.u, s.y)),
        ("y", s.dy, (s.x, s.y)),
    ]:
        tangent = view.tangents[key]
        assert slope_of(tangent) == pytest.approx(want, rel=1e-9, abs=1e-12), key
        # the tangent passes through the marked point
        xs, ys = (np.asarray(a, float) for a in tangent.get_data())
        assert np.interp(px, xs, ys) == pytest.approx(py, rel=1e-9, abs=1e-9), key
        assert tuple(np.ravel(view.points[key].get_data())) == pytest.approx((px, py))
        # the triangle's rise / run is the same slope
        rx, _ = view.runs[key].get_data()
        _, ry = view.rises[key].get_data()
        run, rise = rx[1] - rx[0], ry[1] - ry[0]
        if run != 0:
            assert rise / run == pytest.approx(want, rel=1e-9), key
        # the point is inside the visible limits
        lo, hi = view.axes[key].get_ylim()
        assert lo <= py <= hi
    # the middle triangle's run is the left triangle's rise (Δu); the right one rises by Δy
    assert np.ptp(view.runs["f"].get_data()[0]) == pytest.approx(
        np.ptp(view.rises["g"].get_data()[1])
    )
    assert np.ptp(view.rises["y"].get_data()[1]) == pytest.approx(
        np.ptp(view.rises["f"].get_data()[1])
    )


def test_view_default_artists_and_slopes():
    view = chain_rule_figures.ChainRuleView()
    assert isinstance(view.fig, Figure) and len(view.fig.axes) == 3
    for ax in view.fig.axes:
        assert len(ax.lines) == 7 and not ax.texts  # curve, tangent, run, rise, point, 2 labels
    assert_view_matches(view, "square", "sin", 0.5)
    assert "0.841471" in view.slopes_text()
    assert view.axes["y"].get_title() == r"composition: $y = (\sin x)^2$"


def test_view_update_changes_the_same_artists():
    view = chain_rule_figures.ChainRuleView()
    lines = [line for ax in view.fig.axes for line in ax.lines]
    before = [np.array(line.get_ydata(), float).copy() for line in lines]
    view.update(f="tanh", g="cube", x=1.2)
    assert [line for ax in view.fig.axes for line in ax.lines] == lines  # same objects
    after = [np.asarray(line.get_ydata(), float) for line in lines]
    assert any(
        b.shape != a.shape or not np.allclose(b, a, equal_nan=True)
        for b, a in zip(before, after, strict=True)
    )
    assert_view_matches(view, "tanh", "cube", 1.2)
    view.update(x=-0.4)  # f and g stay
    assert_view_matches(view, "tanh", "cube", -0.4)
    view.update(g="sigmoid")  # x stays
    assert_view_matches(view, "tanh", "sigmoid", -0.4)


@pytest.mark.parametrize(
    "f,g,x",
    [
        ("exp", "exp", 2.0),
        ("relu", "sin", 0.0),
        ("square", "relu", -1.0),
        ("sqrt", "exp", -2.5),
        ("log", "exp", 1.0),
        ("sigmoid", "tanh", -2.0),
    ],
)
def test_view_edge_cases(f, g, x):
    view = chain_rule_figures.ChainRuleView(f, g, x)
    assert_view_matches(view, f, g, x)


def test_view_bad_update_leaves_view_unchanged():
    view = chain_rule_figures.ChainRuleView("square", "sin", 0.5)
    with pytest.raises(ValueError, match="not defined"):
        view.update(f="log", x=-1.0)
    with pytest.raises(ValueError, match="unknown function 'nope'"):
        view.update(g="nope")
    assert view.f.name == "square" and view.g.name == "sin" and view.slopes.x == 0.5
    assert_view_matches(view, "square", "sin", 0.5)


def test_view_cached_drawing_matches_a_full_draw(pixels, draws_like_plain):
    """The view draws its titles and frames once (FastCanvas): after every kind of change
    what the widget shows must be what plain matplotlib draws, pixel for pixel."""
    view = chain_rule_figures.ChainRuleView()
    pixels(view.fig)  # the widget's first picture
    for change in [
        dict(x=1.0),
        dict(x=-2.0),
        dict(f="exp"),
        dict(g="tanh", x=2.5),
        dict(f="sigmoid", g="square", x=0.05),
    ]:
        view.update(**change)
        draws_like_plain(view.fig)


def test_view_layout_fits_the_title_of_every_composition():
    """The layout is made once, for the tallest title: every f, g of the menu must fit."""
    view = chain_rule_figures.ChainRuleView()
    renderer = view.fig.canvas.get_renderer()
    top = view.fig.bbox.height
    title = view.axes["y"].title
    real = title.get_text()
    title.set_text(chain_rule_figures.ChainRuleView.TALLEST_TITLE)
    probe = title.get_window_extent(renderer)
    title.set_text(real)
    for f in calculus.EVERYWHERE:
        for g in calculus.EVERYWHERE:
            view.update(f=f, g=g)
            for ax in view.fig.axes:
                box = ax.title.get_window_extent(renderer)
                assert box.y1 <= top + 0.5, f"{f}∘{g}: title {ax.get_title()!r} is cut off"
                assert box.height <= probe.height + 0.5, (
                    f"{f}∘{g}: {ax.get_title()!r} is taller than TALLEST_TITLE"
                )


def _label_boxes(fig):
    """Window extents of every axes' tick labels and axis labels, per axes."""

    def drawn(labels, locs, limits):  # matplotlib draws the ticks inside limits
        lo, hi = sorted(limits)
        return [t for t, loc in zip(labels, locs) if lo - 1e-9 <= loc <= hi + 1e-9]

    renderer = fig.canvas.get_renderer()
    boxes = []
    for ax in fig.axes:
        texts = [
            ax.yaxis.label,
            ax.xaxis.label,
            *drawn(ax.get_yticklabels(), ax.get_yticks(), ax.get_ylim()),
            *drawn(ax.get_xticklabels(), ax.get_xticks(), ax.get_xlim()),
        ]
        boxes.append(
            [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]
        )
        ylabel = ax.yaxis.label.get_window_extent(renderer)
        ticks = drawn(ax.get_yticklabels(), ax.get_yticks(), ax.get_ylim())
        assert all(ylabel.x1 <= t.get_window_extent(renderer).x0 + 0.5 for t in ticks), (
            f"{ax.get_ylabel()!r}: a tick label runs into the axis label"
        )
    return boxes


@pytest.mark.parametrize(
    "f,g",
    [("exp", "exp"), ("sigmoid", "tanh"), ("square", "cube"), ("cube", "exp"), ("relu", "sin")],
)
def test_view_labels_stay_inside_their_panel_while_x_moves(pixels, f, g):
    """The layout is frozen between moves of x; it must still make room for wider tick
    labels when they come (no label over the neighbouring panel or off the figure)."""
    view = chain_rule_figures.ChainRuleView()
    view.update(f=f, g=g)
    for x in np.arange(-2.5, 2.51, 0.15):  # off the round steps of the limits too
        view.update(x=float(x))
        pixels(view.fig)  # draw, as the widget does
        boxes = _label_boxes(view.fig)
        width = view.fig.bbox.width
        for i, panel in enumerate(boxes):
            left = min(b.x0 for b in panel)
            assert left >= -0.5, f"x={x}: a label of panel {i} is cut off at the left"
            assert max(b.x1 for b in panel) <= width + 0.5
            if i > 0:
                previous = max([view.fig.axes[i - 1].bbox.x1] + [b.x1 for b in boxes[i - 1]])
                assert left >= previous - 0.5, (
                    f"x={x}: the labels of panel {i} run into panel {i - 1}"
                )


def test_chain_rule_figure():
    fig = chain_rule_figures.chain_rule_figure("sin", "square", 0.9)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    s = calculus.compose("sin", "square", 0.9)
    assert slope_of(fig.axes[2].lines[1]) == pytest.approx(s.dy)


# --- the other figures ----------------------------------------------------------------


def test_secant_figure():
    fig = chain_rule_figures.secant_figure("sin", 1.0, hs=(1.0, 0.5))
    ax, ax_s = fig.axes
    # curve, 2 × (secant, its point), tangent, the point x
    assert len(ax.lines) == 1 + 2 * 2 + 1 + 1
    assert slope_of(ax.lines[1]) == pytest.approx((math.sin(2.0) - math.sin(1.0)) / 1.0)
    assert slope_of(ax.lines[-2]) == pytest.approx(math.cos(1.0))
    assert len(ax_s.lines) == 3
    with pytest.raises(ValueError, match="step h"):
        chain_rule_figures.secant_figure(hs=(0.5, 0.0))


def test_difference_errors_show_truncation_and_round_off():
    e64 = calculus.difference_errors("sin", 1.0)
    e32 = calculus.difference_errors("sin", 1.0, dtype=np.float32)
    assert e64["h"].shape == e64["forward"].shape == e64["central"].shape == (161,)
    h_f, err_f = calculus.best_step(e64, "forward")
    h_c, err_c = calculus.best_step(e64, "central")
    eps = np.finfo(np.float64).eps
    assert math.sqrt(eps) / 30 < h_f < math.sqrt(eps) * 30
    assert eps ** (1 / 3) / 30 < h_c < eps ** (1 / 3) * 30
    assert err_c < 1e-10 < err_f < 1e-7
    # truncation: for large h, central (∝ h²) error falls 100× per decade, forward 10×
    i, j = np.searchsorted(e64["h"], [1e-3, 1e-2])
    assert e64["forward"][j] / e64["forward"][i] == pytest.approx(10, rel=0.1)
    assert e64["central"][j] / e64["central"][i] == pytest.approx(100, rel=0.1)
    # float32: the best central difference is far worse, at a far larger h
    h32, err32 = calculus.best_step(e32, "central")
    assert err32 > 1e-8 and 1e-4 < h32 < 1e-1
    # round-off: with a tiny h, x + h == x in float32 and the estimate is 0
    assert e32["central"][0] == pytest.approx(math.cos(1.0))


def test_lesson_01_too_small_step_median_error_is_a_few_times_1e_minus_4():
    """Lesson 01 section 6 prints the power of ten of this median ("a few times 1e-04").

    Its exact value depends on the last bit of sin (2e-4 here, 4e-4 to 5e-4 with sin one
    ulp off), so the lesson prints, and this test pins, only the power of ten."""
    xs = np.linspace(0.5, 1.5, 101)
    middle = np.median(np.abs(calculus.derivative(np.sin, xs, 1e-13) - np.cos(xs)))
    assert 1e-4 < middle < 1e-3
    assert f"{10.0 ** np.floor(np.log10(middle)):.0e}" == "1e-04"


def test_difference_errors_bad_input():
    with pytest.raises(ValueError, match="float32 or float64"):
        calculus.difference_errors(dtype=np.float16)
    with pytest.raises(ValueError, match="hs must be"):
        calculus.difference_errors(hs=[1e-3, -1e-3])
    with pytest.raises(ValueError, match="method must be"):
        calculus.best_step(calculus.difference_errors(hs=[1e-3]), "backward")


def test_difference_error_figure():
    fig = chain_rule_figures.difference_error_figure()
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    curves = [line for line in ax.lines if len(line.get_xdata()) == 161]
    assert len(curves) == 4
    assert len(ax.get_legend().get_texts()) == 4
    # the legend names the reliable steps of calculus.reliable_step, not the luckiest ones
    e32 = calculus.difference_errors("sin", 1.0, dtype=np.float32)
    h32, err32 = calculus.reliable_step(e32, "forward")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"forward, float32: h ≈ {h32:.0e}, error ≤ {err32:.0e}" in legend
    assert any("rounds to x" in t.get_text() for t in ax.texts)
    # issue 23: the plateau's two edges at x = 1, ε/2 for the forward difference and ε/4 for
    # the central one (not ε/2 for both)
    (plateau,) = [t.get_text() for t in ax.texts if "rounds to x" in t.get_text()]
    assert "forward for h ≤ 6e-08 ≈ 0.5ε" in plateau
    assert "central (x − h too) for h ≤ 3e-08 ≈ 0.25ε" in plateau


def test_core_difference_error_figure_shows_no_unexplained_dots_and_ticks_100_apart():
    fig = chain_rule_figures.difference_error_figure(dtypes=(np.float64,), mark_steps=False)
    ax = fig.axes[0]
    assert [line for line in ax.lines if len(line.get_xdata()) == 1] == []  # no dots
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["forward, float64", "central, float64"]
    assert "dots" not in ax.get_legend().get_title().get_text()
    for ticks in (ax.get_xticks(), ax.get_yticks()):
        assert np.allclose(np.diff(np.log10(ticks)), 2)  # each labelled tick 100 times the last
    with pytest.raises(TypeError, match="mark_steps must be True or False"):
        chain_rule_figures.difference_error_figure(mark_steps="no")


def test_reliable_step_is_near_the_rules_of_thumb_where_the_luckiest_step_is_not():
    e32 = calculus.difference_errors("sin", 1.0, dtype=np.float32)
    eps32 = float(np.finfo(np.float32).eps)
    h_luck, err_luck = calculus.best_step(e32, "forward")
    h_rel, err_rel = calculus.reliable_step(e32, "forward")
    assert eps32**0.5 / 3 < h_rel < eps32**0.5 * 3  # √ε ≈ 3.5e-4
    assert err_luck <= err_rel  # the luckiest step is luckier ...
    # ... and the reliable error really bounds the errors within half a decade of its step
    near = np.abs(np.log10(e32["h"] / h_rel)) <= 0.5 + 1e-9
    assert e32["forward"][near].max() == err_rel
    for dtype, method, rule in [
        (np.float64, "forward", 1 / 2),
        (np.float64, "central", 1 / 3),
        (np.float32, "central", 1 / 3),
    ]:
        h, _ = calculus.reliable_step(calculus.difference_errors("sin", 1.0, dtype=dtype), method)
        assert float(np.finfo(dtype).eps) ** rule / 3 < h < float(np.finfo(dtype).eps) ** rule * 3
    # half_width 0 is best_step
    lucky = calculus.best_step(e32, "central")
    assert calculus.reliable_step(e32, "central", half_width=0) == lucky
    with pytest.raises(ValueError, match="half_width must be a whole number >= 0, got -1"):
        calculus.reliable_step(e32, "central", half_width=-1)
    with pytest.raises(ValueError, match="reliable_step: method must be"):
        calculus.reliable_step(e32, "backward")


def test_float32_plateau_is_where_x_plus_h_rounds_to_x():
    e32 = calculus.difference_errors("sin", 1.0, dtype=np.float32)
    eps32 = float(np.finfo(np.float32).eps)
    tiny = e32["h"] < eps32 / 2
    assert np.all(np.float32(1.0) + e32["h"][tiny].astype(np.float32) == np.float32(1.0))
    assert np.all(e32["forward"][tiny] == math.cos(1.0))  # the estimate is exactly 0


def test_the_central_plateau_starts_at_a_quarter_of_epsilon_at_x_1():
    """Issue 23: below ε/2 holds for the forward difference; x − h rounds to 1 only below
    ε/4 (the floats below 1 are twice as dense), so the central plateau is half as wide."""
    eps32 = float(np.finfo(np.float32).eps)
    forward = calculus.rounding_plateau(1.0, "forward", np.float32)
    central = calculus.rounding_plateau(1.0, "central", np.float32)
    assert forward == pytest.approx(eps32 / 2, rel=1e-6)
    assert central == pytest.approx(eps32 / 4, rel=1e-6)
    one = np.float32(1.0)
    below, above = np.float32(0.99 * central), np.float32(1.01 * central)
    assert one + below == one and one - below == one
    assert one + above == one and one - above != one  # only x − h has moved
    # on the lesson's grid of steps: the central estimate is exactly 0 up to ε/4 and not
    # beyond (x − h differs from x there), the forward one up to ε/2
    e32 = calculus.difference_errors("sin", 1.0, dtype=np.float32)
    h = e32["h"]
    assert np.all(e32["central"][h <= central] == math.cos(1.0))
    assert np.all(e32["central"][(h > central) & (h < forward)] != math.cos(1.0))
    assert np.all(e32["forward"][h <= forward] == math.cos(1.0))
    # inside a binade both points see the same spacing: the two plateaus agree
    assert calculus.rounding_plateau(1.5, "central") == calculus.rounding_plateau(1.5, "forward")
    eps64 = float(np.finfo(np.float64).eps)
    assert calculus.rounding_plateau(1.0, "central", np.float64) == pytest.approx(eps64 / 4)


def test_rounding_plateau_bad_input():
    with pytest.raises(ValueError, match="method must be"):
        calculus.rounding_plateau(1.0, "backward")
    with pytest.raises(ValueError, match="float32 or float64"):
        calculus.rounding_plateau(1.0, dtype=np.float16)
    with pytest.raises(ValueError, match="does not fit in float32"):
        calculus.rounding_plateau(1e300, dtype=np.float32)
    with pytest.raises(TypeError, match="rounding_plateau: x must be"):
        calculus.rounding_plateau("1")


def test_taylor_formula_orders_and_derivatives():
    f0, f1, f2, f3 = calculus.taylor_derivatives("sin", 1.0)
    assert (f0, f1) == (math.sin(1.0), math.cos(1.0))
    assert f2 == pytest.approx(-math.sin(1.0), abs=1e-7)
    assert f3 == pytest.approx(-math.cos(1.0), abs=1e-5)
    # each order adds one term; the error of order n falls like h^(n+1)
    for order in range(4):
        errs = [abs(calculus.taylor("exp", 0.3, h, order) - math.exp(0.3 + h)) for h in (0.1, 0.01)]
        assert errs[0] / errs[1] == pytest.approx(10 ** (order + 1), rel=0.2)
    hs = np.array([0.1, -0.2])
    np.testing.assert_allclose(calculus.taylor("sin", 1.0, hs, 1), f0 + hs * f1, rtol=1e-15)
    with pytest.raises(ValueError, match="order must be a whole number >= 0 and <= 3, got 4"):
        calculus.taylor("sin", 1.0, 0.1, 4)
    fig = chain_rule_figures.taylor_figure("sin", 1.0)
    assert isinstance(fig, Figure)
    lines = fig.axes[0].lines
    t = lines[1].get_xdata()
    np.testing.assert_allclose(lines[1].get_ydata(), f0 + (t - 1.0) * f1, rtol=1e-12)
    assert len(fig.axes[0].get_legend().get_texts()) == 4


def test_chain_product_of_local_derivatives():
    c = calculus.chain(["square", "sin", "exp"], 0.8)
    assert [link.name for link in c.links] == ["square", "sin", "exp"]
    assert c.y == pytest.approx(math.exp(math.sin(0.64)))
    want = math.exp(math.sin(0.64)) * math.cos(0.64) * 1.6
    assert c.dy == pytest.approx(want, rel=1e-14)
    assert c.grads[-1] == 1.0 and c.grads[0] == c.dy
    assert c.grads[2] == pytest.approx(math.exp(math.sin(0.64)))
    f = lambda x: np.exp(np.sin(x**2))
    assert rel_err(c.dy, calculus.derivative(f, 0.8)) < 1e-9
    long = calculus.chain(["tanh", "sigmoid", "square", "sin", "cube"], 0.3)
    assert math.isclose(long.dy, math.prod(link.local for link in long.links), rel_tol=1e-12)


def test_chain_bad_input():
    with pytest.raises(ValueError, match="non-empty sequence"):
        calculus.chain([], 1.0)
    with pytest.raises(ValueError, match="non-empty sequence"):
        calculus.chain("sin", 1.0)
    with pytest.raises(ValueError, match="chain: log is not defined at its input -0.841471"):
        calculus.chain(["sin", "log"], -1.0)


def test_chain_figure():
    fig = chain_rule_figures.chain_figure(("square", "sin", "exp"), 0.8)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert sum("local ×" in s for s in texts) == 3
    assert any("dy/dx = 2.332" in s for s in texts)


def test_two_paths_sum():
    tp = calculus.two_paths("sin", "square", 0.7)
    x = 0.7
    assert tp.dz == pytest.approx(math.cos(x) * x**2 + math.sin(x) * 2 * x, rel=1e-14)
    assert tp.dz == tp.path_u + tp.path_v
    assert rel_err(tp.dz, calculus.derivative(lambda v: np.sin(v) * v**2, x)) < 1e-9
    with pytest.raises(ValueError, match="log"):
        calculus.two_paths("sin", "log", -1.0)


def test_two_path_figure():
    fig = chain_rule_figures.two_path_figure()
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("sum over paths" in s and "1.277" in s for s in texts)
    assert sum("∂z/∂" in s for s in texts) == 2


def test_section_2_errors_shrink_10_and_100_times_per_tenfold_step():
    """Notebook 01, section 2: for sin at x = 1, each tenfold smaller h (1 down to 1e-4)
    makes the forward difference's error about 10 times smaller and the central one's about
    100 times; the text quotes the ends, 4.7e-01 to 4.2e-05 and 8.6e-02 to 9.0e-10."""
    sin = calculus.get("sin")
    hs = [1.0, 0.1, 0.01, 0.001, 1e-4]
    errors = {
        method: [abs(calculus.derivative(sin, 1.0, h, method=method) - math.cos(1.0)) for h in hs]
        for method in ("forward", "central")
    }
    for method, factor in (("forward", 10), ("central", 100)):
        ratios = [a / b for a, b in zip(errors[method][:-1], errors[method][1:], strict=True)]
        assert all(0.8 * factor < r < 1.2 * factor for r in ratios), (method, ratios)
    ends = {m: (f"{e[0]:.1e}", f"{e[-1]:.1e}") for m, e in errors.items()}
    assert ends == {"forward": ("4.7e-01", "4.2e-05"), "central": ("8.6e-02", "9.0e-10")}
