"""helpers.playground: every data set trains to a sensible boundary; settings, divergence and
dead units are handled; the view redraws its existing artists; the panel builds."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import playground  # noqa: E402
from helpers.figures.deep_networks import PlaygroundView  # noqa: E402
from helpers.playground import Config, Playground  # noqa: E402
from helpers.ui import playground as ui_playground  # noqa: E402


@pytest.mark.parametrize("name", sorted(playground.RECIPES))
def test_every_data_set_trains_to_a_sensible_boundary(name):
    settings, steps, minimum = playground.RECIPES[name]
    pg = playground.train_recipe(name)
    assert pg.steps == steps and not pg.diverged
    assert pg.accuracy("test") >= minimum
    assert pg.history[-1][1] < pg.history[0][1] / 2  # the loss at least halved


@pytest.mark.parametrize("name", ["circle", "spiral", "several blobs"])
def test_relu_trains_too(name):
    pg = playground.train_recipe(name, activation="relu")
    assert pg.accuracy("test") >= playground.RECIPES[name][2] - 0.05


def test_several_classes():
    pg = Playground(dataset="several blobs", classes=5)
    assert pg.n_classes == 5 and pg.model.layers[-1].n_out == 5


def test_no_hidden_layer_is_logistic_regression():
    pg = Playground(hidden_layers=0)
    assert len(pg.model.layers) == 1
    pg = Playground(dataset="xor", hidden_layers=0, lr=0.1)
    pg.step(500)
    assert pg.accuracy("test") < 0.75  # a line cannot solve XOR


def test_split_and_determinism():
    a, b = Playground(train_fraction=0.3, n=200), Playground(train_fraction=0.3, n=200)
    assert len(a.ytr) == 60 and len(a.yte) == 140
    a.step(50)
    b.step(50)
    np.testing.assert_array_equal(a.model.layers[0].W.data, b.model.layers[0].W.data)


def test_settings_reset_only_when_needed():
    pg = Playground()
    pg.step(30)
    pg.set(lr=0.1, l2=0.001, batch=5)
    assert pg.steps == 30 and pg.opt.lr == 0.1 and pg.opt.weight_decay == 0.001
    pg.set(optimiser="sgd")
    assert pg.steps == 30 and pg.opt.momentum == 0.0
    pg.set(units=3)
    assert pg.steps == 0 and pg.model.layers[0].n_out == 3
    pg.step(10)
    pg.set(noise=0.3)
    assert pg.steps == 0 and len(pg.history) == 1


@pytest.mark.parametrize(
    "bad, match",
    [
        (dict(dataset="blob"), "dataset"),
        (dict(hidden_layers=9), "hidden_layers"),
        (dict(units=0), "units"),
        (dict(activation="elu"), "activation"),
        (dict(lr=0), "lr"),
        (dict(train_fraction=1.0), "train_fraction"),
        (dict(optimiser="adam"), "optimiser"),
    ],
)
def test_bad_settings_are_named(bad, match):
    with pytest.raises(ValueError, match=match):
        Config(**bad).check()


def test_divergence_is_detected_and_explained():
    pg = Playground(lr=10.0, activation="tanh", hidden_layers=4, units=8)
    for _ in range(10):
        pg.step(20)
    assert pg.diverged and "learning rate" in pg.diverged
    steps = pg.steps
    pg.step(20)
    assert pg.steps == steps  # stopped until reset
    pg.reset()
    assert pg.diverged is None and pg.steps == 0


def test_overflow_becomes_a_divergence_message():
    pg = Playground(activation="relu")
    pg.model.layers[0].W.data *= 1e200
    pg.model.layers[2].W.data *= 1e200
    pg.step(5)
    assert pg.diverged and "not finite" in pg.diverged


def test_dead_relu_layer_is_named():
    pg = Playground(activation="relu")
    pg.model.layers[0].b.data[...] = -1e3
    pg.step(1)
    assert pg.warning and "hidden layer 1" in pg.warning


def test_view_redraws_existing_artists():
    pg = Playground(hidden_layers=3, units=5)
    v = PlaygroundView(pg, res=20, tile=10)
    img, units, line = v.regions, v.units_img, v.train_line
    pg.step(20)
    v.update()
    assert v.regions is img and v.units_img is units and v.train_line is line
    assert len(line.get_xdata()) == 2
    mosaic = units.get_array()
    assert mosaic.shape == (5 * 12 - 2, 3 * 12 - 2)  # 5 units × 3 layers, 2-pixel gaps
    rows, cols = mosaic.shape
    assert tuple(units.get_extent()) == (-0.5, cols - 0.5, rows - 0.5, -0.5)  # fills its axes
    assert v.ax_units.get_xlim() == (-0.5, cols - 0.5)
    v.update(dataset="several spirals", classes=4, hidden_layers=0)
    assert "no hidden layer" in v.ax_units.get_title()
    assert v.regions.get_array().shape == (20, 20, 3)
    assert len(v.train_pts.get_offsets()) == len(pg.ytr)


def test_view_shows_divergence():
    pg = Playground(lr=10.0, hidden_layers=4, units=8)
    v = PlaygroundView(pg, res=10, tile=5)
    for _ in range(10):
        pg.step(20)
    v.update()
    assert v.message.get_visible() and "diverged" in v.message.get_text()


def test_panel_builds_and_steps():
    import ipywidgets as W

    panel = ui_playground.playground_panel(PlaygroundView(Playground(), res=10, tile=5), chunk=5)
    assert isinstance(panel, W.VBox)
    buttons = [w for w in panel.children[1].children if isinstance(w, W.Button)]
    image = panel.children[2]
    before = bytes(image.value)
    buttons[0].click()  # step
    after = bytes(image.value)
    assert after != before and after[1:4] == b"PNG"


def test_run_trains_in_chunks_until_paused():
    import asyncio

    import ipywidgets as W

    view = PlaygroundView(Playground(), res=10, tile=5)
    panel = ui_playground.playground_panel(view, chunk=5, max_steps=1000)
    run = [w for w in panel.children[1].children if isinstance(w, W.ToggleButton)][0]

    async def click_run_then_pause():
        run.value = True  # starts the training task
        for _ in range(200):  # let it run a few chunks
            await asyncio.sleep(0.01)
            if view.pg.steps >= 15:
                break
        run.value = False  # pause
        await asyncio.sleep(0.1)
        return view.pg.steps

    # A loop of its own, in a thread: another test (Playwright's sync API) may already run
    # an event loop in this thread, and asyncio.run() refuses to nest.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        steps = pool.submit(asyncio.run, click_run_then_pause()).result(timeout=60)
    assert steps >= 15 and steps % 5 == 0
    assert view.pg.steps == steps  # paused: no more steps
    assert run.description == "run"


def test_cached_background_matches_a_full_draw_after_every_kind_of_change(pixels, draws_like_plain):
    v = PlaygroundView(Playground(), res=16, tile=8)
    pixels(v.fig)
    for change in [
        dict(),
        dict(hidden_layers=5),
        dict(units=2),
        dict(hidden_layers=0),
        dict(dataset="spiral"),
        dict(hidden_layers=2),
        dict(lr=10.0),
    ]:
        v.pg.step(40)
        v.update(**change)
        draws_like_plain(v.fig)


def _panel(**settings):
    panel = ui_playground.playground_panel(
        PlaygroundView(Playground(**settings), res=10, tile=5), chunk=5
    )
    controls = {w.description: w for w in panel.children[0].children}
    status = panel.children[1].children[-1]
    step = next(w for w in panel.children[1].children if w.description.startswith("step"))
    return controls, status, step, panel.children[2]


def test_a_setting_for_the_next_step_says_so_in_the_status_line():
    controls, status, step, image = _panel()
    before = bytes(image.value)
    controls["learning rate"].value = 0.1
    assert "learning rate 0.1: applies from the next step" in status.value
    assert bytes(image.value) == before  # nothing drawn: the network is the same
    step.click()
    assert bytes(image.value) != before and "applies from" not in status.value
    assert "step 5:" in status.value


def test_classes_is_disabled_unless_the_data_set_has_a_choice():
    controls, status, step, image = _panel()
    classes = controls["classes"]
    assert classes.disabled and "several blobs" in classes.tooltip
    controls["data set"].value = "several spirals"
    assert not classes.disabled and "number of classes" in classes.tooltip
    before = bytes(image.value)
    classes.value = 4
    assert bytes(image.value) != before
    controls["data set"].value = "moons"
    assert classes.disabled


def test_units_is_disabled_without_a_hidden_layer():
    controls, *_ = _panel()
    controls["hidden layers"].value = 0
    assert controls["units per layer"].disabled
    assert "No hidden layer" in controls["units per layer"].tooltip
    controls["hidden layers"].value = 1
    assert not controls["units per layer"].disabled


def test_classes_of_a_two_class_data_set_and_units_of_no_layer_change_nothing():
    pg = Playground(dataset="circle").step(10)
    assert "classes" not in pg.set(classes=4) and pg.steps == 10  # not reset
    assert pg.n_classes == 2
    pg = Playground(hidden_layers=0).step(10)
    assert "units" not in pg.set(units=7) and pg.steps == 10


def test_every_control_answers_when_moved():
    """Each control, moved to another value, redraws the figure or says in the status line
    that it applies from the next step (a learner always sees something happen)."""
    import ipywidgets as W

    controls, status, step, image = _panel(dataset="several blobs")
    for label, w in controls.items():
        assert not w.disabled, f"{label} is disabled with 'several blobs' and 2 hidden layers"
        before, said = bytes(image.value), status.value
        if isinstance(w, W.Dropdown):
            w.value = next(o for o in w.options if o != w.value)
        elif isinstance(w, W.SelectionSlider):
            w.value = next(o for o in w.options if o != w.value)
        else:
            w.value = w.min if w.value != w.min else w.max
        redrawn = bytes(image.value) != before
        noted = status.value != said and "applies from the next step" in status.value
        assert redrawn or noted, f"{label}: moved to {w.value!r}, nothing changed"
        if label in ("data set", "hidden layers"):  # back, so that classes / units apply
            w.value = {"data set": "several blobs", "hidden layers": 2}[label]


def test_decision_colours_mean_one_thing():
    """Hue: the predicted class (its points' colour); strength: its probability, white when
    every class is as likely."""
    from helpers.figures.deep_networks import _SURE, decision_rgb
    from helpers.figures.style import CLASS_RGB

    P = np.array([[1 / 3, 1 / 3, 1 / 3], [0, 1, 0], [0.1, 0.2, 0.7], [0.1, 0.25, 0.65]])
    rgb = decision_rgb(P)
    np.testing.assert_allclose(rgb[0], 1.0)  # unsure: white
    np.testing.assert_allclose(rgb[1], 1 - _SURE * (1 - CLASS_RGB[1]))
    for colour in rgb[2:]:  # class 2, less sure
        share = (1 - colour) / (1 - CLASS_RGB[2])
        assert np.allclose(share, share[0]) and 0 < share[0] < _SURE  # the same hue


def test_view_has_a_colour_bar_per_map_and_a_loss_axis_that_fits():
    from helpers.figures.style import CLASS_RGB

    pg = Playground(dataset="several blobs", classes=4)
    v = PlaygroundView(pg, res=10, tile=5)
    bar = v.bar.get_array()
    assert bar.shape[0] == 4  # a row per class
    for c in range(4):  # white → class c
        np.testing.assert_allclose(bar[c, 0], 1.0, atol=1e-12)
        share = (1 - bar[c, -1]) / (1 - CLASS_RGB[c])
        assert np.allclose(share, share[0])
    assert "probability" in v.ax_bar.get_xlabel()
    assert "unit output" in v.ax_units_bar.get_xlabel()
    grey = v.units_img.get_cmap()(np.linspace(0, 1, 5))[:, :3]
    assert np.allclose(grey, grey[:, :1])  # no class hue
    for _ in range(10):
        pg.step(50)
    v.update()
    lo, hi = v.ax_loss.get_ylim()
    losses = np.array(pg.history)[:, 1:]
    assert lo <= losses.min() and losses.max() <= hi
    assert losses.min() < 2.5 * lo and hi < 2.5 * losses.max()  # fits: no empty decade
    assert v.ax_loss.get_xlim()[1] == 500 == pg.steps  # 500 steps: the axis ends at 500
    pg.step(20)
    v.update()
    assert v.ax_loss.get_xlim()[1] == 1000  # the next round step: 1, 2 or 5 × 10^k


def test_round_125():
    from helpers.figures.deep_networks import _round_125

    assert [_round_125(v, up=True) for v in (100, 101, 250, 500, 501)] == [100, 200, 500, 500, 1000]
    assert [_round_125(v, up=False) for v in (0.3, 0.05, 7)] == pytest.approx([0.2, 0.05, 5])


def test_round_log_limits():
    from helpers.figures.deep_networks import _round_log_limits

    assert _round_log_limits(np.array([0.065, 0.72])) == pytest.approx((0.05, 1.0))
    assert _round_log_limits(np.array([0.0061, 1.6])) == pytest.approx((0.005, 2.0))
    assert _round_log_limits(np.array([0.2, 0.2])) == pytest.approx((0.2, 0.4))
    assert _round_log_limits(np.array([1e-9, 3.0]))[0] == pytest.approx(1e-4)


def test_step_and_run_say_why_they_do_nothing_after_divergence():
    import ipywidgets as W

    panel = ui_playground.playground_panel(
        PlaygroundView(Playground(lr=10.0, hidden_layers=4, units=8), res=10, tile=5), chunk=5
    )
    buttons = panel.children[1].children
    step, run, status = buttons[0], buttons[1], buttons[-1]
    assert isinstance(run, W.ToggleButton)
    for _ in range(10):
        step.click()
    assert "diverged" in status.value
    before = bytes(panel.children[2].value)
    step.click()
    assert "nothing to train: the training diverged; press reset" in status.value
    assert bytes(panel.children[2].value) == before
    status.value = ""
    run.value = True  # no event loop needed: it does not start
    assert "nothing to train" in status.value and run.value is False


def test_view_restores_the_background_of_data_seen_before(monkeypatch, draws_like_plain):
    """Moving noise or the split back to a value it had costs no full draw (a kept
    background), and the picture is still exactly a plain drawing of the state."""
    from io import BytesIO

    from matplotlib.figure import Figure

    v = PlaygroundView(Playground(dataset="moons"), res=10, tile=5)
    for noise in (0.3, 0.1, 0.3, 0.1):
        v.update(noise=noise)
        draws_like_plain(v.fig)
    full = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda fig, r: full.append(fig) or original(fig, r))
    for noise in (0.3, 0.1):
        v.update(noise=noise)
        v.fig.canvas.print_png(BytesIO())
    assert not full, "data seen before were drawn again in full"
    monkeypatch.undo()
    draws_like_plain(v.fig)
    v.update(noise=0.2)  # new data: a full draw, and the right picture
    draws_like_plain(v.fig)


# -- the pictures the panel keeps (helpers.ui.playground.picture_key) ------------------------


def _small_panel():
    """A panel on a small playground (60 points, 5 steps a press), its controls by name, its
    image and its step and reset buttons."""
    view = PlaygroundView(Playground(n=60), res=16, tile=8)
    panel = ui_playground.playground_panel(view, chunk=5)
    buttons = {w.description.split()[0]: w for w in panel.children[1].children[:3]}
    return view, panel, panel.parts.controls, panel.children[2], buttons


def _counting_updates(view) -> list:
    """Count the view's updates (it still draws): the list grows by one per call."""
    calls, update = [], view.update
    view.update = lambda **kw: calls.append(kw) or update(**kw)
    return calls


def test_a_move_back_is_answered_from_the_kept_picture_without_calling_the_view():
    view, panel, controls, image, buttons = _small_panel()
    calls = _counting_updates(view)
    start = image.value
    controls["noise"].value = 0.2  # new data: drawn
    noisier = image.value
    controls["noise"].value = 0.1  # back: the first picture, kept
    assert len(calls) == 1 and image.value == start
    controls["hidden_layers"].value = 3  # a new network: drawn
    controls["hidden_layers"].value = 2  # back
    controls["noise"].value = 0.2  # back, on another network
    assert len(calls) == 2 and image.value == noisier
    buttons["step"].click()  # trained: a state never seen, drawn
    buttons["reset"].click()  # step 0 again: kept
    assert len(calls) == 3 and image.value == noisier
    assert panel.parts.pictures.hits == 4


def _state(pg) -> dict:
    """Everything the next training step reads or the picture shows."""
    return dict(
        weights=[p.data.copy() for p in pg.model.parameters()],
        velocity=[v.copy() for v in pg.opt.velocity or []],
        rng=pg.rng.bit_generator.state,
        history=list(pg.history),
        steps=pg.steps,
        diverged=pg.diverged,
        config=pg.config,
        data=(pg.Xtr.copy(), pg.ytr.copy()),
    )


def _assert_same_state(a: dict, b: dict):
    assert a.keys() == b.keys()
    for k in a:
        if k in ("weights", "velocity", "data"):
            assert len(a[k]) == len(b[k])
            for x, y in zip(a[k], b[k], strict=True):
                np.testing.assert_array_equal(x, y, err_msg=k)
        else:
            assert a[k] == b[k], k


def test_the_next_step_after_a_kept_picture_trains_as_after_a_drawn_move():
    """Two panels get the same presses: one keeps its pictures (moves back answered from
    them), the other keeps none (every move drawn). After each press their playgrounds are
    in the same state and their pictures are the same."""
    kept, drawn = _small_panel(), _small_panel()
    drawn[1].parts.pictures.most = 0  # it forgets every picture at once
    presses = [
        ("step", None),
        ("noise", 0.2),
        ("noise", 0.1),  # back: kept in one panel, drawn in the other
        ("lr", 0.1),
        ("step", None),
        ("optimiser", "sgd"),
        ("hidden_layers", 3),
        ("hidden_layers", 2),  # back
        ("step", None),
        ("reset", None),  # back to step 0
        ("step", None),
        ("step", None),
    ]
    for what, value in presses:
        for _, _, controls, _, buttons in (kept, drawn):
            if value is None:
                buttons[what].click()
            else:
                controls[what].value = value
        _assert_same_state(_state(kept[0].pg), _state(drawn[0].pg))
        assert kept[3].value == drawn[3].value, (what, value)
    assert kept[1].parts.pictures.hits >= 3 and drawn[1].parts.pictures.hits == 0


def test_probabilities_that_are_not_finite_show_as_unsure_whatever_was_shown_before(monkeypatch):
    """A network blown up (probabilities that are not finite) shows its decision map unsure,
    white, not the map drawn last: the picture stays a function of the playground's state,
    so a panel that keeps pictures shows what a panel that keeps nothing shows."""
    finite = Playground.probabilities
    monkeypatch.setattr(
        Playground,
        "probabilities",
        lambda pg, G: finite(pg, G) * (np.nan if pg.steps >= 5 else 1.0),
    )
    kept, drawn = _small_panel(), _small_panel()
    drawn[1].parts.pictures.most = 0
    for what, value in [("noise", 0.2), ("noise", 0.1), ("step", None), ("step", None)]:
        for _, _, controls, _, buttons in (kept, drawn):
            if value is None:
                buttons[what].click()
            else:
                controls[what].value = value
        assert kept[3].value == drawn[3].value, (what, value)
    assert kept[1].parts.pictures.hits == 1
    assert np.all(kept[0].regions.get_array() == 1.0)  # white: unsure everywhere
