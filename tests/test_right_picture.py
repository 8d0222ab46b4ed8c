"""The right picture, always: whatever a learner did before, a widget shows what a fresh view
of the same settings shows.

A fast view (``helpers.figures.canvas.FastCanvas``) keeps pixels from earlier draws: a background,
a PNG per state, limits that move in steps. Each test below drives one view of the series
through a seeded random sequence of moves of the controls its notebook wires (``live(view,
{...})`` in 01, 02, 03, 04, 05; the playground's panel in 04): small steps of a slider, jumps,
and moves back to a value seen before (where kept backgrounds and PNGs are reused). After
every move the picture the widget shows (the PNG ``helpers.ui.live`` makes, through the view's
own canvas; for the playground the panel's image) must equal, pixel for pixel, a *fresh*
view built by the same constructor call and updated once to the same settings, drawn without
any cache (``plain_pixels``: a plain Agg canvas).

Tolerance: none. Both pictures are drawn by the same Agg code from the same artists at the
same positions, so a correct cache reproduces every pixel; a single antialiased edge that
differs means the artists differ (a moved box, a stale tick). The one bug found (the
playground's grid of unit maps in its previous box) put 11,000-28,000 pixels wrong.

Limits that depend on history (``steady_limits``: ChainRuleView's axes, TrainingView's steps
axis, GradientNormView's and DescentView's decades and steps) are the same for the fresh view:
before its update it is given the live view's limits of every axes, which the steady rule then
keeps; the test checks that it kept them. Everything else must match without help. The
playground's picture depends on its training history; its fresh view's playground replays
the same presses (settings, step, reset) from the same start, then draws once.

``helpers.ui.live`` answers a move back to a setting seen before from the pictures it kept
(``helpers.ui.wiring.Pictures``), without calling the view: ``test_through_live`` drives each
view's panel instead of the view, with many moves back, and checks the panel's picture and
alt text the same way (and that some moves were answered from the kept pictures). The
playground's panel keeps its pictures too, by the state of its playground
(``helpers.ui.playground.picture_key``): ``test_playground_panel_moved_back_and_trained``
moves it back often, with step, run and reset in between.

Sizes are tiny where a view trains (TrainingView: 10-200 steps, width 2-6; the playground:
60 points, 5 steps a press), and the sequences short (6-16 moves): every move costs a fresh
view, about 0.3 s. The file takes some 35 s of CPU (37 s in one process at a load of 2.6). To
search further: ``RIGHT_PICTURE_SEED=n`` (other sequences) and
``RIGHT_PICTURE_MOVES=k`` (k times as many moves).
"""

from __future__ import annotations

import asyncio
import html
import os
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import ipywidgets as W
import numpy as np
import pytest
from lecture_neuron import lecture_neuron
from pixels import plain_pixels

from helpers.calculus import EVERYWHERE
from helpers.figures.alt import alt_text
from helpers.figures.backpropagation import TrainingView
from helpers.figures.canvas import png
from helpers.figures.chain_rule import ChainRuleView
from helpers.figures.computational_graphs import BackwardView
from helpers.figures.deep_networks import PlaygroundView, ZigzagView
from helpers.figures.training_deep_networks import DescentView, GradientNormView
from helpers.playground import Playground
from helpers.ui import live
from helpers.ui import playground as ui_playground
from helpers.ui.a11y import ALT_CLASS

SEED = int(os.environ.get("RIGHT_PICTURE_SEED", "0"))
MOVES = float(os.environ.get("RIGHT_PICTURE_MOVES", "1"))


def moves(n: int) -> int:
    return max(1, round(n * MOVES))


def decode(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(BytesIO(data)))


def shown(view) -> np.ndarray:
    """What ``helpers.ui.live`` shows: ``png(view.fig)``, through the view's own canvas."""
    return decode(png(view.fig))


def grid(lo: float, hi: float, step: float) -> list:
    """A slider's values (rounded as the widget sends them)."""
    return [round(lo + k * step, 10) for k in range(round((hi - lo) / step) + 1)]


def assert_same_picture(got: np.ndarray, want: np.ndarray, what: str, history: list):
    assert got.shape == want.shape, f"{what}: size {got.shape} ≠ fresh {want.shape}"
    differ = np.any(got != want, axis=-1)
    if differ.any():
        rows, cols = np.nonzero(differ)
        pytest.fail(
            f"{what}: {int(differ.sum())} pixels differ from a fresh view (rows "
            f"{rows.min()}..{rows.max()}, columns {cols.min()}..{cols.max()}) after the moves "
            f"{history}",
            pytrace=False,
        )


def assert_same_alt(got: str, want: str, what: str, history: list):
    """The picture's alt text (helpers/figures/alt.py) follows the controls as the picture
    does: it is a fresh view's text for the same settings, and never empty."""
    assert want, f"{what}: a fresh view's figure has no alt text (describe it in update)"
    assert got == want, f"{what}: alt text {got!r} ≠ fresh {want!r} after the moves {history}"


def next_move(rng, controls: dict, settings: dict, seen: dict):
    """One move of one control: a step of a slider to a neighbouring value, a jump, or a value
    it had before (a kept background or PNG is then reused)."""
    name = list(controls)[rng.integers(len(controls))]
    options = controls[name]
    kind = str(rng.choice(["step", "jump", "back"], p=[0.4, 0.3, 0.3]))
    if kind == "back" and len(seen[name]) > 1:
        return name, seen[name][rng.integers(len(seen[name]))]
    if kind == "step" and settings[name] in options:
        i = options.index(settings[name]) + rng.choice([-1, 1])
        return name, options[min(max(i, 0), len(options) - 1)]
    return name, options[rng.integers(len(options))]


def same_limits(fresh, live):
    """Give the fresh view the live view's axis limits (those ``steady_limits`` chose from
    the live view's history)."""
    for mine, theirs in zip(fresh.fig.axes, live.fig.axes, strict=True):
        mine.set_xlim(theirs.get_xlim())
        mine.set_ylim(theirs.get_ylim())


def limits(view):
    return [(ax.get_xlim(), ax.get_ylim()) for ax in view.fig.axes]


def drive(make, controls, start, *, n_moves, seed, steady=False, chunks=False):
    """Move the controls of ``make()`` at random; after every move compare the live view
    with a fresh ``make()`` updated to the same settings (given the same limits if
    ``steady``). ``chunks``: the view trains in chunks (``updates``), shown after each as
    ``live`` does in a kernel."""
    rng = np.random.default_rng([SEED, seed])
    view = make()
    settings = dict(start)
    seen = {name: [settings[name]] for name in controls}
    shown(view)
    history, fresh_pictures = [], {}
    for _ in range(moves(n_moves)):
        name, value = next_move(rng, controls, settings, seen)
        history.append((name, value))
        wanted = dict(settings, **{name: value})
        try:
            if chunks:
                for _ in view.updates(**wanted):
                    shown(view)
            else:
                view.update(**wanted)
        except ValueError:  # refused (an overflow, say): the view keeps its settings
            history[-1] += ("refused",)
        else:
            settings = wanted
            if value not in seen[name]:
                seen[name].append(value)
        got = shown(view)
        key = (tuple(sorted(settings.items())), repr(limits(view)) if steady else None)
        if key not in fresh_pictures:
            fresh = make()
            if steady:
                same_limits(fresh, view)
            fresh.update(**settings)
            if steady:
                assert limits(fresh) == limits(view), "the steady rule did not keep the limits"
            fresh_pictures[key] = plain_pixels(fresh.fig), alt_text(fresh.fig)
        want, want_alt = fresh_pictures[key]
        assert_same_picture(got, want, type(view).__name__, history)
        assert_same_alt(alt_text(view.fig), want_alt, type(view).__name__, history)


def chain_rule_view():
    """01's view, at f = square, g = sin, x = 0.5."""
    return ChainRuleView(f="square", g="sin", x=0.5)


def backward_view():
    """02's view: the backward pass through the lecture's neuron, at step 3."""
    return BackwardView(lecture_neuron(), step=3, title="Backward pass through a neuron")


def descent_view():
    """05's view of descent in the ravine, at lr = 0.15, no momentum, 40 steps."""
    return DescentView("ravine", lr=0.15, momentum=0.0, steps=40)


#: Each view of the series, driven twice: on its own (``test_view``) and through ``live``
#: (``test_through_live``, with fewer values: a move there costs a panel too). A case is
#: (what both drives share: the view, its start, its seed and whether its limits are steady;
#: the drive's controls and moves; the drive through live's, and what else it needs).
CASES = {
    # 01: f, g from the menu, x on its slider (-3.5..3.5, step 0.01); steady limits
    "chain_rule": (
        dict(make=chain_rule_view, start=dict(f="square", g="sin", x=0.5), seed=1, steady=True),
        dict(
            controls={"f": list(EVERYWHERE), "g": list(EVERYWHERE), "x": grid(-3.5, 3.5, 0.01)},
            n_moves=6,
        ),
        dict(
            controls={
                "f": list(EVERYWHERE)[:4],
                "g": list(EVERYWHERE)[:4],
                "x": grid(0.3, 0.7, 0.1),
            },
            n_moves=12,
            text=lambda v: v.slopes_text(),
        ),
    ),
    # 02: the step slider (a PNG kept per step)
    "backward": (
        dict(
            make=backward_view,
            start=dict(step=3),
            seed=2,
            controls={"step": list(range(backward_view().n_steps))},
        ),
        dict(n_moves=8),
        dict(n_moves=12),
    ),
    # 03: learning rate (log slider), steps, hidden width; tiny runs, trained in chunks as
    # ``live`` shows them; the steps axis is steady
    "training": (
        dict(seed=3, steady=True),
        dict(
            make=lambda: TrainingView(lr=0.5, steps=30, hidden=4),
            start=dict(lr=0.5, steps=30, hidden=4),
            controls={
                "lr": [round(10.0**e, 10) for e in grid(-2, 2, 0.1)],
                "steps": grid(10, 200, 10),
                "hidden": grid(2, 6, 1),
            },
            n_moves=6,
            chunks=True,
        ),
        dict(
            make=lambda: TrainingView(lr=0.5, steps=20, hidden=4),
            start=dict(lr=0.5, steps=20, hidden=4),
            controls={"lr": [0.1, 0.5, 3.0], "steps": grid(20, 120, 50), "hidden": [2, 4]},
            n_moves=10,
        ),
    ),
    # 04: depth 1..7, width 2..4
    "zigzag": (
        dict(
            make=ZigzagView,
            start=dict(depth=3, width=2),
            seed=4,
            controls={"depth": grid(1, 7, 1), "width": grid(2, 4, 1)},
        ),
        dict(n_moves=8),
        dict(n_moves=12),
    ),
    # 05: activation, gain g (0.5..3, step 0.05); the decades are steady
    "gradient_norm": (
        dict(make=GradientNormView, start=dict(activation="tanh", scale=1.0), seed=5, steady=True),
        dict(
            controls={"activation": ["sigmoid", "tanh", "relu"], "scale": grid(0.5, 3.0, 0.05)},
            n_moves=6,
        ),
        dict(
            controls={"activation": ["sigmoid", "tanh", "relu"], "scale": grid(0.5, 3.0, 0.5)},
            n_moves=10,
            text=lambda v: v.caption(),
        ),
    ),
    # 05: learning rate, momentum, steps; the loss axis is steady
    "descent": (
        dict(make=descent_view, start=dict(lr=0.15, momentum=0.0, steps=40), seed=6, steady=True),
        dict(
            controls={
                "lr": grid(0.01, 0.23, 0.01),
                "momentum": grid(0.0, 0.95, 0.05),
                "steps": grid(5, 100, 5),
            },
            n_moves=6,
        ),
        dict(
            controls={
                "lr": grid(0.05, 0.2, 0.05),
                "momentum": [0.0, 0.5, 0.9],
                "steps": [10, 40, 100],
            },
            n_moves=10,
        ),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_view(name):
    both, alone, _ = CASES[name]
    drive(**both, **alone)


# -- the same views behind helpers.ui.live, which keeps the pictures it showed ---------------


def drive_live(make, controls, start, *, n_moves, seed, steady=False, text=None):
    """``drive`` through ``live(make(), ...)``: the controls are widgets, moved at random, and
    often back where the last move took them from (the kept pictures answer those); after
    every move the panel's picture, alt text and caption are a fresh view's at the same
    settings, given the live view's limits."""
    rng = np.random.default_rng([SEED, seed, 1])
    view = make()
    widgets = {
        name: W.Dropdown(options=opts if start[name] in opts else [*opts, start[name]])
        for name, opts in controls.items()
    }
    for name, w in widgets.items():
        w.value = start[name]
    panel = live(view, widgets, text=text and (lambda: text(view)))
    picture = next(w for w in panel.children if isinstance(w, W.Image))
    carrier = next(w for w in panel.children if ALT_CLASS in w._dom_classes)
    problem = panel.children[-1]
    settings, history = dict(start), []
    seen = {name: [settings[name]] for name in controls}
    last = None  # the last move's control and its value before it
    for _ in range(moves(n_moves)):
        if last is not None and rng.random() < 0.4:  # undo the last move, as a nudge back
            name, value = last
        else:
            name, value = next_move(rng, controls, settings, seen)
            if value == settings[name]:  # a move that moves
                others = [v for v in controls[name] if v != value]
                value = others[rng.integers(len(others))]
        last = name, settings[name]
        history.append((name, value))
        widgets[name].value = value
        if problem.message:  # refused: the learner moves it back
            history.append((name, settings[name], "back after a refusal"))
            widgets[name].value = settings[name]
            assert not problem.message, history
        else:
            settings[name] = value
            if value not in seen[name]:
                seen[name].append(value)
        fresh = make()
        if steady:
            same_limits(fresh, view)
        fresh.update(**settings)
        what = f"{type(view).__name__} in live"
        assert_same_picture(decode(picture.value), plain_pixels(fresh.fig), what, history)
        assert_same_alt(html.unescape(carrier.value), alt_text(fresh.fig), what, history)
        if text is not None:
            want = f"<pre style='margin:0'>{text(fresh)}</pre>"
            assert panel.children[-2].value == want, f"{what}: caption after {history}"
    assert panel.parts.pictures.hits > 0, "no move was answered from the kept pictures"


@pytest.mark.parametrize("name", list(CASES))
def test_through_live(name):
    both, _, through_live = CASES[name]
    # In a thread of its own, where no asyncio event loop runs: after a browser test in the
    # same pytest-xdist worker, Playwright's sync API leaves its loop as this thread's running
    # loop, and live() would hand the rest of a chunked run (training) to that loop, which
    # never runs it here: the panel kept the first chunk's picture (55,141 pixels off).
    with ThreadPoolExecutor(1) as pool:
        pool.submit(drive_live, **both, **through_live).result()


# -- the playground: its panel's controls and buttons ------------------------------------------

#: The settings of the panel's controls, in the panel's order (their values are read from the
#: widgets themselves).
PANEL = (
    "dataset",
    "classes",
    "noise",
    "train_fraction",
    "hidden_layers",
    "units",
    "activation",
    "lr",
    "l2",
    "batch",
    "optimiser",
)


class Panel:
    """``playground_panel`` on a tiny playground (60 points, 5 steps a press); ``press``
    moves a control or clicks a button (``run``: for a few chunks, then pause), then
    compares the panel's image, alt text and status line with a fresh view of a playground
    that got the same presses."""

    def __init__(self):
        self.view = self.make()
        panel = ui_playground.playground_panel(self.view, chunk=5)
        self.controls = dict(zip(PANEL, panel.children[0].children, strict=True))
        self.options = {
            name: list(w.options) if hasattr(w, "options") else grid(w.min, w.max, w.step)
            for name, w in self.controls.items()
        }
        self.buttons = {w.description.split()[0]: w for w in panel.children[1].children[:3]}
        self.status = panel.children[1].children[-1]
        self.image, self.alt = panel.children[2], panel.children[3]
        self.pictures = panel.parts.pictures
        self.presses, self.history = [], []

    @staticmethod
    def make():
        return PlaygroundView(Playground(n=60), res=16, tile=8)

    def settings(self):
        return {name: w.value for name, w in self.controls.items()}

    def run(self, chunks: int) -> int:
        """Press "run", wait for ``chunks`` chunks (fewer if it stops), press it again (pause);
        returns the number of chunks it trained (its rows of the losses)."""
        pg, button = self.view.pg, self.buttons["run"]
        rows = len(pg.history)

        async def run_then_pause():
            button.value = True
            while button.value and len(pg.history) < rows + chunks:
                await asyncio.sleep(0.002)
            button.value = False
            await asyncio.sleep(0.05)  # the run's task ends

        # a loop of its own, in a thread: Playwright's sync API may own this thread's loop
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, run_then_pause()).result(timeout=60)
        return len(pg.history) - rows

    def press(self, what, value=None):
        if what == "run":
            chunks = self.run(value)
            self.presses += ["step"] * chunks
            self.history.append(("run", chunks))
        elif what in self.buttons:
            self.buttons[what].click()
            self.presses.append(what)
            self.history.append(what)
        else:
            self.controls[what].value = value  # the panel sets every setting, then redraws
            self.presses.append(self.settings())
            self.history.append((what, value))
        fresh = self.make()
        for press in self.presses:  # as the panel does them
            if press == "step":
                if not fresh.pg.diverged and fresh.pg.steps < 5000:
                    fresh.pg.step(5)
            elif press == "reset":
                fresh.pg.reset()
            else:
                fresh.pg.set(**press)
        fresh.update()
        said = fresh.pg.diverged or fresh.pg.warning or fresh.caption()
        assert said in self.status.value, f"status {self.status.value!r} after {self.history}"
        assert_same_picture(
            decode(self.image.value),
            plain_pixels(fresh.fig),
            "PlaygroundView (panel)",
            self.history,
        )
        assert_same_alt(
            html.unescape(self.alt.value),
            alt_text(fresh.fig),
            "PlaygroundView (panel)",
            self.history,
        )


def test_playground_grid_of_units_follows_layers_and_units():
    """The bug this file was written for: after a change of layers or units the grid of unit
    maps was drawn squeezed into its previous box (22,000-28,000 pixels wrong)."""
    panel = Panel()
    for name, value in [("hidden_layers", 5), ("units", 2), ("hidden_layers", 1), ("units", 8)]:
        panel.press(name, value)


def test_playground_panel():
    """04: every control of the panel, "step" and "reset", at random."""
    panel = Panel()
    rng = np.random.default_rng([SEED, 7])
    settings = panel.settings()
    seen = {name: [v] for name, v in settings.items()}
    for _ in range(moves(8)):
        what = str(rng.choice(["control", "step", "reset"], p=[0.6, 0.3, 0.1]))
        if what != "control":
            panel.press(what)
            continue
        name, value = next_move(rng, panel.options, settings, seen)
        panel.press(name, value)
        settings[name] = value
        if value not in seen[name]:
            seen[name].append(value)


def test_playground_panel_moved_back_and_trained():
    """04: the panel keeps its pictures by the state of its playground; moved back often (to
    the value a control had before its last move, as a learner undoes a nudge), with step,
    run and reset in between, it shows what a fresh view of a playground given the same
    presses draws, and some of those pictures came from the kept ones."""
    panel = Panel()
    rng = np.random.default_rng([SEED, 8])
    # the controls that redraw, and the learning rate (the training between moves differs)
    drawn = {k: v for k, v in panel.options.items() if k not in {"l2", "batch", "optimiser"}}
    settings = panel.settings()
    seen = {name: [v] for name, v in settings.items()}
    last = None  # the last move's control and its value before it
    for _ in range(moves(16)):
        what = str(
            rng.choice(["control", "back", "step", "run", "reset"], p=[0.35, 0.3, 0.15, 0.1, 0.1])
        )
        if what in ("step", "reset"):
            panel.press(what)
            continue
        if what == "run":
            panel.press("run", int(rng.integers(1, 4)))
            continue
        if what == "back" and last is not None:
            name, value = last
        else:
            name, value = next_move(rng, drawn, settings, seen)
        last = name, settings[name]
        panel.press(name, value)
        settings[name] = value
        if value not in seen[name]:
            seen[name].append(value)
    assert panel.pictures.hits > 0, f"no move was answered from the kept pictures: {panel.history}"
