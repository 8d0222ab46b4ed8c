"""The pictures ``helpers.ui.live`` keeps (``helpers.ui.wiring.Pictures``): a control moved back
to a setting seen before is answered without calling the view, with the picture, alt text and
caption a fresh draw gives; a view whose picture depends on its history is never answered so;
the store is bounded; a move that failed, warned or was cut short is not kept.

Moves back through every view of the series, checked pixel for pixel against fresh views, are in
tests/test_right_picture.py (``test_through_live``)."""

from __future__ import annotations

import asyncio
import html
import warnings
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from helpers.figures.alt import alt_text, describe
from helpers.figures.canvas import png
from helpers.figures.training_deep_networks import GradientNormView
from helpers.ui import live
from helpers.ui.a11y import ALT_CLASS
from helpers.ui.wiring import Pictures


def counted(view):
    """``view`` with its ``update`` calls counted in ``view.calls``."""
    update, view.calls = view.update, []

    def counting(**settings):
        view.calls.append(settings)
        return update(**settings)

    view.update = counting
    return view


def shown(panel) -> SimpleNamespace:
    """What the panel shows: its PNG, alt text and caption."""
    children = panel.children
    picture = next(w for w in children if isinstance(w, W.Image))
    carrier = next(w for w in children if ALT_CLASS in w._dom_classes)
    return SimpleNamespace(
        png=picture.value, alt=html.unescape(carrier.value), caption=children[-2].value
    )


def gradient_norm_panel(view):
    controls = {
        "activation": W.Dropdown(options=["sigmoid", "tanh", "relu"], value="tanh"),
        "scale": W.FloatSlider(value=1.0, min=0.5, max=3.0, step=0.05),
    }
    return live(view, controls, text=view.caption), controls


def test_a_setting_seen_before_is_shown_without_the_view_as_a_fresh_draw_shows_it():
    view = counted(GradientNormView())
    panel, controls = gradient_norm_panel(view)
    for scale, activation in [(1.5, "tanh"), (1.5, "relu"), (1.0, "relu")] * 3:
        controls["scale"].value = scale  # first visits, then the same moves again
        controls["activation"].value = activation
    calls = len(view.calls)
    assert calls >= 4  # the first draw and the first visits (more where limits moved)
    controls["scale"].value = 1.5
    controls["activation"].value = "relu"
    again = shown(panel)
    controls["activation"].value = "tanh"
    controls["activation"].value = "relu"
    assert shown(panel) == again
    assert len(view.calls) == calls, "a move back to a setting seen before called the view"
    # the same settings drawn by a fresh view, in a fresh panel
    fresh_view = GradientNormView()
    fresh, fresh_controls = gradient_norm_panel(fresh_view)
    fresh_controls["scale"].value = 1.5
    fresh_controls["activation"].value = "relu"
    assert shown(fresh) == again
    assert again.alt == alt_text(fresh_view.fig) and "relu" in again.alt
    assert again.caption == f"<pre style='margin:0'>{fresh_view.caption()}</pre>"
    assert panel.parts.pictures.hits >= 3
    # the book's frames (``parts.show``) take a kept picture too, with its alt and caption
    state = panel.parts.show(activation="tanh", scale=1.5)
    assert len(view.calls) == calls and state.png == shown(panel).png
    assert state.alt == alt_text(GradientNormView(scale=1.5).fig) and state.problem == ""


class Counter:
    """A view whose picture depends on its history: every move adds one to a count it shows
    (as a training that goes on from where it was)."""

    depends_on_history = True

    def __init__(self):
        self.fig = Figure(figsize=(2, 1), dpi=50)
        self.count = 0
        self.label = self.fig.text(0.5, 0.5, "")
        self.calls = 0

    def update(self, x):
        self.calls += 1
        self.count += 1
        self.label.set_text(f"{self.count} moves, x = {x}")
        describe(self.fig, f"{self.count} moves, x = {x}.")


def test_a_view_that_depends_on_its_history_is_drawn_on_every_move():
    view = Counter()
    x = W.IntSlider(value=0, min=0, max=5)
    panel = live(view, {"x": x})
    for value in (1, 0, 1, 0):
        x.value = value
    assert view.calls == 5  # the first draw and every move: none answered from a store
    assert shown(panel).alt == "5 moves, x = 0."
    assert panel.parts.pictures.kept == {} and panel.parts.pictures.hits == 0
    assert Pictures.key(view, {"x": 0}) is None


def test_the_kept_pictures_are_bounded_by_count_and_by_bytes():
    pics = Pictures(most=3, budget=10)
    for i in range(5):
        pics.put(i, SimpleNamespace(png=b"ab"))
    assert list(pics.kept) == [2, 3, 4]  # the least recently shown forgotten first
    assert pics.get(2) is not None  # shown again: now the most recent
    pics.put(5, SimpleNamespace(png=b"abcdef"))
    assert list(pics.kept) == [4, 2, 5] and pics.size == 10  # 3 gone for the bytes
    pics.put(6, SimpleNamespace(png=b"x" * 11))  # larger than the budget: not kept
    assert 6 not in pics.kept and pics.size == 10
    assert pics.get(None) is None and Pictures.key(GradientNormView(), {"x": [1]}) is None


class Line:
    """A small view: a line from (0, 0) to (1, 0), its calls and runs counted."""

    def __init__(self):
        self.fig = Figure(figsize=(2, 1), dpi=50)
        (self.line,) = self.fig.add_subplot().plot([0, 1], [0, 0])
        self.calls = self.runs = 0


class Moody(Line):
    """A line whose update warns for x = 1 and fails for x = 2."""

    def update(self, x):
        self.calls += 1
        if x == 2:
            raise ValueError("x = 2 is refused")
        if x == 1:
            warnings.warn("x = 1 is odd", stacklevel=2)
        self.line.set_ydata([0, x])
        describe(self.fig, f"A line to {x}.")


def test_a_move_that_failed_or_warned_is_not_kept():
    view = Moody()
    x = W.IntSlider(value=0, min=0, max=3)
    panel = live(view, {"x": x})
    for value in (1, 0, 1, 2, 0, 2, 3, 0, 3):
        x.value = value
    keys = [dict(k[0]) for k in panel.parts.pictures.kept]
    assert {"x": 1} not in keys and {"x": 2} not in keys and {"x": 3} in keys
    # moves to 1 and 2 called the view each time (and said so); 0 and 3 a second time did not
    assert view.calls == 1 + 2 + 2 + 1
    assert panel.children[-1].message == ""  # back at 3: no problem shown any more
    x.value = 2
    assert "x = 2 is refused" in panel.children[-1].message


class Chunked(Line):
    """A view that works in chunks (``updates``): three chunks of drawing per setting."""

    def update(self, x):
        for _ in self.updates(x):
            pass

    def updates(self, x):
        self.runs += 1
        for k in range(1, 4):
            self.line.set_ydata([0, x * k / 3])
            describe(self.fig, f"A line to {x}, chunk {k}.")
            yield self.fig


def test_a_chunked_run_is_kept_only_when_shown_to_its_end():
    async def moves():
        view = Chunked()
        x = W.IntSlider(value=0, min=0, max=3)
        panel = live(view, {"x": x})
        x.value = 1
        x.value = 2  # before run 1 has shown its chunks: run 1 is cut short
        for _ in range(20):
            await asyncio.sleep(0.02)  # run 2 shown to its end
        keys = [dict(k[0]) for k in panel.parts.pictures.kept]
        assert {"x": 2} in keys and {"x": 1} not in keys
        assert shown(panel).alt == "A line to 2, chunk 3."
        assert shown(panel).png == png(view.fig)
        runs = view.runs
        x.value = 0
        x.value = 2  # both kept: no run at all
        assert view.runs == runs and shown(panel).alt == "A line to 2, chunk 3."
        x.value = 1
        assert view.runs == runs + 1  # cut short before: a new run
        for _ in range(500):  # shown to its end: 0.1 s quiet, more on a loaded machine
            if np.array_equal(view.line.get_ydata(), [0, 1]):
                break
            await asyncio.sleep(0.02)
        assert np.array_equal(view.line.get_ydata(), [0, 1])

    # In `make test` the browser tests' Playwright may own this thread's event loop, and
    # asyncio.run() refuses to nest: the moves run in a thread of their own.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, moves()).result(timeout=60)


def test_the_playground_keeps_its_pictures_by_its_state_not_by_its_settings_alone():
    """The playground's panel (not ``live``) keeps its pictures in a ``Pictures`` too, under
    the state of its playground: the same settings ten steps on are another picture, drawn;
    reset to step 0, the picture kept there is shown without calling the view."""
    from helpers.figures.deep_networks import PlaygroundView
    from helpers.playground import Playground
    from helpers.ui import playground_panel

    view = PlaygroundView(Playground(n=60), res=16, tile=8)
    panel = playground_panel(view, chunk=5)
    assert isinstance(panel.parts.pictures, Pictures)
    before = panel.parts.show(steps=0).png
    after = panel.parts.show(steps=10).png  # the same settings, ten steps on
    assert after != before
    calls = []
    view.update = lambda **kw: calls.append(kw)  # a view that must not be called
    reset = next(w for w in panel.children[1].children if w.description == "reset")
    reset.click()
    assert panel.children[2].value == before and not calls
