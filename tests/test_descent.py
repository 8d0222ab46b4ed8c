"""helpers.descent: paths against the closed form, gradients against finite differences and
autograd, the classification of paths, and the view's artists."""

from io import BytesIO

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import descent  # noqa: E402
from helpers.figures import training_deep_networks as training_figures  # noqa: E402
from helpers.figures.canvas import FastCanvas  # noqa: E402


@pytest.mark.parametrize("name", sorted(descent.SURFACES))
def test_gradients_match_central_differences(name):
    s = descent.SURFACES[name]
    rng = np.random.default_rng(0)
    for w in rng.uniform(-1.5, 1.5, size=(5, 2)):
        h = 1e-6
        num = np.array([(s.loss(*(w + h * e)) - s.loss(*(w - h * e))) / (2 * h) for e in np.eye(2)])
        np.testing.assert_allclose(s.grad(w), num, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", sorted(descent.SURFACES))
def test_gradients_match_autograd(name):
    import autograd.numpy as anp
    from autograd import grad

    s = descent.SURFACES[name]
    g = grad(lambda w: s.loss(w[0], w[1]))
    for w in np.random.default_rng(1).uniform(-1.5, 1.5, size=(4, 2)):
        np.testing.assert_allclose(s.grad(w), g(anp.array(w)), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lr", [0.03, 0.1, 0.15, 0.199])
def test_ravine_path_is_the_closed_form(lr):
    path = descent.descend("ravine", lr=lr, steps=25)
    R, lams = descent.RAVINE_AXES, np.array(descent.RAVINE_CURVATURES)
    u0 = R.T @ path[0]
    for k in (1, 7, 25):
        np.testing.assert_allclose(path[k], R @ ((1 - lr * lams) ** k * u0), rtol=1e-10, atol=1e-13)


def test_momentum_matches_the_optimiser():
    from helpers import nn, optim

    p = nn.Parameter(np.array(descent.SURFACES["banana"].start))
    opt = optim.SGD([p], lr=0.01, momentum=0.8)
    path = descent.descend("banana", lr=0.01, steps=15, momentum=0.8)
    for k in range(1, 16):
        opt.zero_grad()
        p.grad += descent.SURFACES["banana"].grad(p.data)
        opt.step()
        np.testing.assert_allclose(p.data, path[k], rtol=1e-13)


def test_classify_converge_zigzag_diverge():
    c = [
        descent.classify("ravine", descent.descend("ravine", lr=lr))
        for lr in (0.05, 0.09, 0.15, 0.19, 0.21, 0.3)
    ]
    assert c == ["converges", "converges", "zig-zags", "zig-zags", "diverges", "diverges"]


def test_at_a_factor_of_exactly_minus_one_the_path_does_not_converge():
    """At learning rate 0.2 (1 − ηκ₂ = −1) the zig-zag keeps its size and
    the loss stays at 27.4, so the verdict is not "converges" (nor "diverges")."""
    s = descent.SURFACES["ravine"]
    path = descent.descend("ravine", lr=0.2, steps=40)
    losses = s.loss(path[:, 0], path[:, 1])
    assert losses[-1] > 0.9 * losses[0]  # the loss does not fall: 28.7 -> 27.4
    assert descent.rate("ravine", 0.2) == 1.0
    assert descent.classify("ravine", path, lr=0.2) == "does not converge"
    lrs = (0.05, 0.15, 0.19, 0.2, 0.21)
    verdicts = [descent.classify("ravine", descent.descend("ravine", lr=lr), lr=lr) for lr in lrs]
    assert verdicts == ["converges", "zig-zags", "zig-zags", "does not converge", "diverges"]


@pytest.mark.parametrize("lr, momentum", [(0.21, 0.05), (0.22, 0.1), (0.23, 0.15)])
def test_with_momentum_the_boundary_is_eta_kappa_equal_to_two_times_one_plus_mu(lr, momentum):
    """At ηκ₂ = 2(1 + μ) one factor is −1: the path bounces for ever (the path alone, whose
    loss first grows, was called "diverges")."""
    assert descent.rate("ravine", lr, momentum) == pytest.approx(1.0, abs=1e-9)
    path = descent.descend("ravine", lr=lr, momentum=momentum, steps=100)
    assert descent.classify("ravine", path, lr, momentum) == "does not converge"
    assert np.all(np.abs(path) < 10)  # bounded: it does not blow up


def test_rate_is_the_largest_factor_per_step():
    assert descent.rate("ravine", 0.15) == pytest.approx(0.85)  # the slow direction: 1 − 0.15
    assert descent.rate("ravine", 0.05, momentum=0.9) == pytest.approx(0.9**0.5)  # √μ
    assert descent.rate("banana", 0.02) is None  # not a quadratic bowl
    with pytest.raises(ValueError, match="classify: path must have shape"):
        descent.classify("ravine", np.zeros(3))


def test_a_diverging_path_stops_before_overflow():
    path = descent.descend("ravine", lr=5.0, steps=1000)
    assert len(path) < 1001 and np.all(np.isfinite(path))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(lr=0.0), "lr"),
        (dict(lr=float("nan")), "lr"),
        (dict(momentum=1.0), "momentum"),
        (dict(steps=-1), "steps"),
        (dict(start=(1.0, 2.0, 3.0)), "start"),
        (dict(surface="bowl"), "surface"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        descent.descend(**kwargs)


def test_view_updates_its_artists():
    v = training_figures.DescentView()
    assert isinstance(v.fig, Figure) and len(v.fig.axes) == 2
    line = v.path_line
    v.update(lr=0.05, momentum=0.5, steps=20)
    assert v.path_line is line and len(line.get_xdata()) == 21
    assert "momentum 0.5" in v.ax.get_title() and v.status == "converges"
    v.update(lr=0.22, steps=30)
    assert "diverges" in v.ax.get_title()
    v.update(lr=0.2, steps=40)  # the factor is exactly −1: zig-zags, no convergence
    assert v.ax.get_title() == "learning rate 0.2: zig-zags, never converges"
    assert "never converges" in v.fig.alt_text and "27.4" in v.fig.alt_text
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    # laid out once, then frozen
    assert not isinstance(v.fig.get_layout_engine(), ConstrainedLayoutEngine)


def test_loss_axis_fits_the_run():
    v = training_figures.DescentView()
    for kwargs in [
        dict(),
        dict(lr=0.22, steps=30),
        dict(lr=0.05, momentum=0.9, steps=100),
        dict(lr=0.15, steps=40),
    ]:
        v.update(**kwargs)
        lo, hi = np.log10(v.ax_loss.get_ylim())
        losses = np.log10(v.losses)
        assert lo <= losses.min() and losses.max() <= hi, kwargs  # nothing clipped
        assert hi - lo <= (losses.max() - losses.min()) / 0.6 + 4, kwargs  # no empty decades


def test_gallery_one_panel_per_learning_rate():
    fig = training_figures.descent_gallery(lrs=(0.05, 0.15))
    assert len(fig.axes) == 2 and "zig-zags" in fig.axes[1].get_title()
    fig = training_figures.descent_gallery(lrs=(0.2,), momentum=0.0)
    assert fig.axes[0].get_title() == "η = 0.2: zig-zags, never converges"


def test_view_alt_text_names_its_settings_and_what_the_path_does():
    from helpers.figures.alt import alt_text

    a = alt_text(training_figures.DescentView(lr=0.15, steps=40).fig)
    b = alt_text(training_figures.DescentView(lr=0.05, momentum=0.5, steps=20).fig)
    assert "learning rate 0.15." in a and "40 steps" in a and "still converges" in a
    assert "from 28.7 to 3.08e-06" in a  # the loss panel's title says 3.08e-06 too
    assert "learning rate 0.05, momentum 0.5." in b and "20 steps" in b
    assert "converges;" in b and "still" not in b


def test_gallery_alt_text_names_each_learning_rate_and_its_verdict():
    from helpers.figures.alt import alt_text

    a = alt_text(training_figures.descent_gallery(lrs=(0.05, 0.22), steps=30))
    b = alt_text(training_figures.descent_gallery(lrs=(0.15,), steps=10))
    assert a.startswith("2 panels") and b.startswith("One panel with")
    assert "Learning rate 0.05: the path of 30 steps" in a and "converges" in a
    assert "Learning rate 0.22:" in a and "diverges" in a
    assert "Learning rate 0.15: the path of 10 steps" in b and "still converges" in b


def test_cached_background_gives_the_same_pixels_as_a_full_draw(pixels, draws_like_plain):
    v = training_figures.DescentView()
    pixels(v.fig)
    assert isinstance(v.fig.canvas, FastCanvas)  # png() gave the figure one
    for kwargs in [
        dict(lr=0.1),
        dict(lr=0.19, momentum=0.5),
        dict(lr=0.05, steps=60),
        dict(lr=0.22, steps=60),
    ]:  # the last one moves the loss axis
        v.update(**kwargs)
        draws_like_plain(v.fig)
        assert v.fig.canvas._background is not None


def test_fast_canvas_through_print_figure_and_savefig(tmp_path):
    from io import BytesIO

    v = training_figures.DescentView()
    for bbox in ("tight", None):  # the inline backend's two settings
        buf = BytesIO()
        v.fig.canvas.print_figure(buf, format="png", bbox_inches=bbox)
        assert buf.getvalue()[1:4] == b"PNG"
    v.fig.savefig(tmp_path / "view.png")
    assert (tmp_path / "view.png").stat().st_size > 1000
    v.fig.savefig(tmp_path / "view.svg")  # another format draws everything
    assert "path" in (tmp_path / "view.svg").read_text()
    assert not [a for a in v.fig.findobj() if a.get_animated()], "an artist left animated"


def _counting_full_draws(monkeypatch):
    """A list that grows by one at every full draw of any figure (Figure.draw)."""
    calls = []
    original = Figure.draw

    def draw(self, renderer):
        calls.append(self)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", draw)
    return calls


def test_a_kept_background_is_restored_for_a_state_seen_before(
    monkeypatch, pixels, draws_like_plain
):
    """A line that moves at every draw is drawn over a kept background; limits that come
    back restore the background drawn for them instead of drawing it again, and the
    picture is still exactly a plain drawing. Nothing in the figure says what to keep."""
    fig = Figure(figsize=(3, 2), dpi=50)
    ax = fig.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    for top in [1, 0.5, 0.25]:  # the line moves: it is drawn over the background
        line.set_ydata([top, 0])
        pixels(fig)
    for ylim in [(0, 1), (0, 2)]:
        ax.set_ylim(*ylim)
        line.set_ydata([ylim[1], 0])
        pixels(fig)
    full = _counting_full_draws(monkeypatch)
    for ylim in [(0, 1), (0, 2), (0, 1)]:
        ax.set_ylim(*ylim)
        line.set_ydata([ylim[1] / 2, 0])
        pixels(fig)
    assert not full, "a state seen before was drawn again in full"
    draws_like_plain(fig)
    full.clear()
    ax.set_xlabel("new")  # an axis of the background changed: drawn again, and right
    pixels(fig)
    assert full == [fig]
    draws_like_plain(fig)


def test_a_kept_background_is_not_restored_for_a_new_line_style_or_colour_range(
    draws_like_plain,
):
    """Limits that come back with a line of the background dashed, or an image given a new
    colour range: what the background shows differs, so it is drawn anew."""
    fig = Figure(figsize=(3, 2), dpi=50)
    ax = fig.subplots()
    (still,) = ax.plot([0, 1], [0.2, 0.2], lw=4)
    image = ax.imshow(np.arange(4.0).reshape(2, 2), extent=(0, 1, 0, 1), aspect="auto")
    (line,) = ax.plot([0, 1], [0, 1])
    for top in [1, 0.5, 0.25]:  # the line moves: it is drawn over the background
        line.set_ydata([top, 0])
        draws_like_plain(fig)
    for ylim, style, clim in [((0, 1), "-", (0, 3)), ((0, 2), "-", (0, 3)), ((0, 1), "--", (0, 3))]:
        ax.set_ylim(*ylim)
        still.set_linestyle(style)
        image.set_clim(*clim)
        line.set_ydata([ylim[1] / 2, 0])
        draws_like_plain(fig)
    for ylim, clim in [((0, 2), (0, 3)), ((0, 1), (0, 6))]:
        ax.set_ylim(*ylim)
        image.set_clim(*clim)
        draws_like_plain(fig)


def test_an_axis_changed_at_the_same_limits_is_drawn_again(draws_like_plain):
    """A grid switched on, a new axis label: the axis changed, its limits did not."""
    fig = Figure(figsize=(3, 2), dpi=50)
    ax = fig.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    for top in [1, 0.5, 0.25, 0.75]:
        line.set_ydata([top, 0])
        draws_like_plain(fig)
    ax.grid(True)
    draws_like_plain(fig)
    ax.set_xlabel("x")
    draws_like_plain(fig)
    ax.grid(False)
    draws_like_plain(fig)


def test_an_artist_removed_or_added_is_never_shown_from_a_kept_background(draws_like_plain):
    fig = Figure(figsize=(3, 2), dpi=50)
    ax = fig.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    dots = ax.scatter([0.2, 0.8], [0.5, 0.5], s=80)
    for top in [1, 0.5, 0.25]:
        line.set_ydata([top, 0])
        draws_like_plain(fig)
    dots.remove()
    draws_like_plain(fig)
    ax.axhline(0.3, color="red")
    draws_like_plain(fig)


def test_a_moving_artist_is_drawn_under_what_lies_above_it(draws_like_plain):
    """The order of a plain draw holds: a line under a legend, an image under its points."""
    fig = Figure(figsize=(3, 2), dpi=60)
    ax = fig.subplots()
    image = ax.imshow(np.zeros((4, 4)), extent=(0, 1, 0, 1), aspect="auto", vmin=0, vmax=1)
    (line,) = ax.plot([0, 1], [0.5, 0.5], lw=8, label="a wide line")
    ax.scatter([0.5], [0.5], s=200, color="k", zorder=5)
    ax.legend(loc="center")
    for k in range(1, 5):
        image.set_data(np.full((4, 4), k / 4))
        line.set_ydata([0.5, k / 4])
        draws_like_plain(fig)


def test_views_restore_the_background_of_a_setting_they_had(monkeypatch, draws_like_plain):
    """Moving a control back to where it was costs no full draw (the latency of 01's f and g
    menus and 05's sliders), and shows exactly what a plain drawing shows."""
    from helpers.figures import chain_rule as chain_rule_figures

    views = [
        (chain_rule_figures.ChainRuleView(), [dict(f="exp"), dict(f="square")]),
        (training_figures.DescentView(), [dict(lr=0.05), dict(lr=0.22)]),
        (
            training_figures.GradientNormView(depth=20, width=8),
            [dict(activation="relu", scale=2.0), dict(activation="tanh", scale=0.5)],
        ),
    ]
    for view, (a, b) in views:
        for change in (a, b, a, b):  # twice: an axis may keep limits that still fit
            view.update(**change)
            draws_like_plain(view.fig)
        full = _counting_full_draws(monkeypatch)
        for change in (a, b, a):
            view.update(**change)
            view.fig.canvas.print_png(BytesIO())
        assert not full, f"{type(view).__name__}: a setting seen before was drawn again in full"
        draws_like_plain(view.fig)
        monkeypatch.undo()


def test_late_in_the_run_the_loss_shrinks_by_the_square_of_the_slow_factor():
    """Lesson 05 §1: at lr 0.15 the slow direction's number is 0.85, the loss's 0.85²."""
    path = descent.descend("ravine", lr=0.15, steps=40)
    loss = descent.SURFACES["ravine"].loss
    ratio = float(loss(*path[-1]) / loss(*path[-2]))
    assert ratio == pytest.approx(0.85**2, abs=1e-3)


def test_momentum_beats_plain_descent_on_the_banana():
    """Lesson 05 §2: after 100 steps at lr 0.02, plain descent is near 0.1, momentum 0.8
    below 1e-4."""
    loss = descent.SURFACES["banana"].loss
    plain = float(loss(*descent.descend("banana", lr=0.02, steps=100)[-1]))
    heavy = float(loss(*descent.descend("banana", lr=0.02, steps=100, momentum=0.8)[-1]))
    assert 0.05 < plain < 0.2 and heavy < 1e-4


def test_as_surface_names_a_surface_and_its_caller_in_an_error():
    assert descent.as_surface("banana") is descent.SURFACES["banana"]
    s = descent.SURFACES["ravine"]
    assert descent.as_surface(s) is s
    with pytest.raises(ValueError, match="descend: surface must be one of 'banana', 'ravine'"):
        descent.descend("bowl")
