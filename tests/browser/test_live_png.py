"""helpers.ui.live draws its figure as PNG bytes itself, into an ipywidgets.Image (no browser
needed here).

The browser tests check what a learner sees; these check, fast, that the PNG is the figure
at its own size and dpi, drawn without the inline backend (so a notebook that forgot
``%matplotlib inline`` still shows a picture), and that every control change reaches the view.
"""

from __future__ import annotations

import io
import warnings

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from helpers.figures.canvas import png as _png
from helpers.ui import live
from helpers.ui.wiring import RUNNING


class Line:
    def __init__(self):
        self.fig = Figure(figsize=(3.0, 2.0), dpi=80)
        self.ax = self.fig.add_subplot()
        (self.line,) = self.ax.plot([0, 1], [0, 1])
        self.calls = []

    def update(self, a=1.0):
        self.calls.append(a)
        self.line.set_ydata([0, a])


def test_png_is_the_figure_at_its_own_size():
    view = Line()
    data = _png(view.fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(data)).size == (240, 160)


def test_png_changes_with_the_artists():
    view = Line()
    before = _png(view.fig)
    view.update(a=0.3)
    after = _png(view.fig)
    assert before != after
    assert not np.array_equal(
        np.asarray(Image.open(io.BytesIO(before))), np.asarray(Image.open(io.BytesIO(after)))
    )


def picture(panel) -> W.Image:
    """The panel's one picture: an ipywidgets.Image (an Output renders empty in the classic
    Notebook with widgets 7), and no Output anywhere in it."""
    (image,) = [w for w in panel.children if isinstance(w, W.Image)]
    assert not any(isinstance(w, W.Output) for w in panel.children)
    assert image.format == "png"
    return image


def test_live_passes_every_change_to_the_view():
    view = Line()
    slider = W.FloatSlider(value=1.0, min=0.0, max=2.0)
    panel = live(view, {"a": slider})
    assert isinstance(panel, W.VBox)
    assert picture(panel).value == _png(view.fig)
    slider.value = 0.5
    slider.value = 2.0
    assert view.calls == [1.0, 0.5, 2.0]
    assert picture(panel).value == _png(view.fig)  # the last value's figure


def test_live_shows_its_text_under_the_figure():
    view = Line()
    slider = W.FloatSlider(value=1.0, min=0.0, max=2.0)
    panel = live(view, {"a": slider}, text=lambda: f"a is {view.calls[-1]}")
    texts = [w.value for w in panel.children if isinstance(w, W.HTML)]
    assert any("a is 1.0" in t for t in texts)
    slider.value = 0.5
    texts = [w.value for w in panel.children if isinstance(w, W.HTML)]
    assert any("a is 0.5" in t for t in texts)


class Fragile(Line):
    def update(self, a=1.0):
        if a > 1.5:
            raise ValueError("a too large")
        super().update(a=a)


def test_an_error_in_update_is_shown_in_the_panel_message_first_and_then_cleared():
    view = Fragile()
    slider = W.FloatSlider(value=1.0, min=0.0, max=2.0)
    panel = live(view, {"a": slider})
    problem = panel.children[-1]  # under the figure and its text
    assert isinstance(problem, W.HTML)
    assert problem.value == "" and problem.layout.display == "none"
    shown = picture(panel).value
    slider.value = 2.0  # raises in update: shown, not raised into the widget machinery
    assert problem.layout.display != "none"
    text = problem.value
    assert "live-error" in text
    assert text.index("ValueError: a too large") < text.index("Traceback")
    assert picture(panel).value == shown  # the figure stays as it was
    slider.value = 0.5
    assert problem.value == "" and problem.layout.display == "none"
    assert picture(panel).value == _png(view.fig) != shown


class Noisy(Line):
    def update(self, a=1.0):
        warnings.warn(f"noisy update a={a}", UserWarning, stacklevel=1)
        super().update(a=a)


def test_a_warning_of_update_is_shown_in_the_panel_too():
    view = Noisy()
    slider = W.FloatSlider(value=1.0, min=0.0, max=2.0)
    with warnings.catch_warnings(record=True):  # the first draw warns in its own cell
        panel = live(view, {"a": slider})
    slider.value = 0.5
    problem = panel.children[-1]
    assert problem.layout.display != "none"
    assert "UserWarning: noisy update a=0.5" in problem.value
    assert picture(panel).value == _png(view.fig)  # drawn all the same


class Chunked(Line):
    """A view that works in chunks (like the training view): three steps per value."""

    def __init__(self):
        super().__init__()
        self.closed = []

    def updates(self, a=1.0):
        try:
            for i in range(3):
                self.calls.append((a, i))
                self.line.set_ydata([0, a * (i + 1) / 3])
                yield self.fig
        finally:
            self.closed.append(a)


def test_live_shows_a_chunked_view_to_the_end_without_an_event_loop():
    from concurrent.futures import ThreadPoolExecutor

    def scenario():
        view = Chunked()
        slider = W.FloatSlider(value=1.0, min=0.0, max=2.0)
        panel = live(view, {"a": slider})
        slider.value = 0.5
        assert view.calls == [1.0, (0.5, 0), (0.5, 1), (0.5, 2)]
        assert picture(panel).value == _png(view.fig)

    # in a thread of its own: after the browser tests, Playwright's loop runs in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(scenario).result()


def test_live_shows_chunks_as_they_come_and_a_newer_value_stops_the_older_run():
    """In a kernel the chunks after the first are shown from an asyncio task, between
    which the kernel takes newer values. Its own event loop, in a thread (the browser
    tests' Playwright may own this thread's)."""
    import asyncio
    import threading

    view = Chunked()
    slider = W.FloatSlider(value=1.0, min=0.0, max=2.0)
    errors, panel = [], None

    async def until(done, seconds=5.0):
        """Let the loop run the chunks until ``done()`` (a loaded machine needs longer
        than a fixed sleep would allow)."""
        for _ in range(int(seconds / 0.01)):
            if done():
                return
            await asyncio.sleep(0.01)

    async def scenario():
        nonlocal panel
        panel = live(view, {"a": slider})
        image = picture(panel)

        def running():
            return RUNNING in image._dom_classes

        assert not running()
        slider.value = 0.5
        assert view.calls[-1] == (0.5, 0)  # the first chunk is shown at once
        assert running()  # and the page can see the rest will come
        await until(lambda: view.calls[-1] == (0.5, 2))
        await until(lambda: not running())
        assert view.calls[-3:] == [(0.5, 0), (0.5, 1), (0.5, 2)] and not running()
        slider.value = 1.5
        slider.value = 2.0  # before 1.5's second chunk
        assert running()
        await asyncio.sleep(0)  # the stopped run ends: still running
        assert running()
        await until(lambda: view.calls[-1] == (2.0, 2))
        await until(lambda: not running())
        await asyncio.sleep(0.05)  # (nothing more may come)
        assert view.calls[-4:] == [(1.5, 0), (2.0, 0), (2.0, 1), (2.0, 2)] and not running()
        assert view.closed[-2:] == [1.5, 2.0]  # the stopped run was closed
        # the last chunk's picture is what the panel's Image holds
        assert picture(panel).value == _png(view.fig)

    def run():
        try:
            asyncio.run(scenario())
        except BaseException as e:  # reported in the test's own thread
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    assert not t.is_alive() and not errors, errors
