"""Thin wiring of ipywidgets controls to the figure views (machinery for lessons 01-05).

A *view* is any object with a ``fig`` attribute (a matplotlib Figure built without pyplot)
and an ``update(**values)`` method that changes the figure's existing artists for new
parameter values. The maths and drawing live in the view; :func:`live` only connects
controls to ``update`` and shows the figure again.

The figure travels as PNG bytes in an ``ipywidgets.Image``, not in an ``ipywidgets.Output``:
the classic Notebook with widgets 7 (what Colab's runtime ships) shows a panel that holds an
Output as an empty box, while an Image renders in both widget generations (7 and 8).

Pictures seen before are kept here, in one place (:class:`Pictures`): a control moved back to
a setting shows the picture it showed there without calling the view. A view needs to know
nothing about it; only a view whose picture depends on more of its history than its axes'
limits (a training that goes on from where it was) says so, with ``depends_on_history = True``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import traceback
import warnings
from collections import OrderedDict
from collections.abc import Mapping
from types import SimpleNamespace

import ipywidgets as W

from ..figures.alt import alt_text
from ..figures.canvas import png
from .a11y import Panel, keyboard_and_names, picture_alt

#: The CSS class of a panel's picture while a view's chunked run is still being shown.
RUNNING = "live-running"
#: The CSS class of the ``<pre>`` that shows an error of the view in its panel.
ERROR = "live-error"


def error_html(exc: BaseException) -> str:
    """An exception as the panel shows it: its message first, then the traceback."""
    last = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    full = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return (
        f"<pre class='{ERROR}' style='margin:0;color:#b00020;white-space:pre-wrap'>"
        f"{html.escape(last)}\n\n{html.escape(full)}</pre>"
    )


class Pictures:
    """The pictures a panel has shown, by what determines them: at most ``most`` of them and
    ``budget`` bytes of PNG, the least recently shown forgotten first.

    A key is the panel's settings and its view's axis limits *before* the move. A view of the
    series draws its picture from those two alone (``steady_limits`` keeps limits from move to
    move; tests/test_right_picture.py checks that a fresh view given the same limits draws the
    same pixels), so the picture kept under a key is what the view, as it is now, would draw
    for those settings: the panel shows it and leaves the view as it is (its artists hold the
    last drawn settings, its limits are the key's; its next ``update`` sets everything). A
    picture is also kept under its settings and the limits it was drawn with (``live`` does
    it), as a view moved to the settings it shows draws the same picture again. A view with
    ``depends_on_history = True`` (a training that goes on from where it was) is never kept
    (``key`` is None). The playground's panel keeps its pictures here too, under a key of its
    own: the state of its playground (``helpers.ui.playground.picture_key``).
    """

    def __init__(self, most: int = 64, budget: int = 32 * 2**20):
        self.most, self.budget, self.size = most, budget, 0
        self.kept: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    @staticmethod
    def key(view, settings: Mapping):
        """What determines the picture of ``view`` moved to ``settings``; None: not kept."""
        if getattr(view, "depends_on_history", False):
            return None
        key = (tuple(settings.items()), limits(view.fig))
        try:
            hash(key)
        except TypeError:  # a setting that is not a plain value (a list, an array)
            return None
        return key

    def get(self, key):
        if key is None or key not in self.kept:
            self.misses += key is not None
            return None
        self.hits += 1
        self.kept.move_to_end(key)
        return self.kept[key]

    def put(self, key, picture: SimpleNamespace) -> None:
        if key is None or len(picture.png) > self.budget:
            return
        old = self.kept.pop(key, None)
        self.size -= 0 if old is None else len(old.png)
        self.kept[key], self.size = picture, self.size + len(picture.png)
        while len(self.kept) > self.most or self.size > self.budget:
            _, gone = self.kept.popitem(last=False)
            self.size -= len(gone.png)


def limits(fig) -> tuple:
    """The x and y limits of every axes of ``fig``: with its settings, what a view's picture
    is drawn from."""
    return tuple((tuple(ax.get_xlim()), tuple(ax.get_ylim())) for ax in fig.axes)


def set_quietly(controls: Mapping[str, W.ValueWidget], settings: Mapping, handler) -> None:
    """Set several controls at once without calling ``handler``, their observer, for each
    (the caller draws once after; the book's frames are drawn this way)."""
    for w in controls.values():
        w.unobserve(handler, names="value")
    try:
        for name, value in settings.items():
            controls[name].value = value
    finally:
        for w in controls.values():
            w.observe(handler, names="value")


def live(view, controls: Mapping[str, W.ValueWidget], *, columns: int = 3, text=None) -> W.VBox:
    """Return a panel whose controls redraw ``view``.

    ``controls`` maps the keyword names of ``view.update`` to widgets. Each change calls
    ``view.update(**current values)`` and puts the figure's new PNG into the panel's
    ``ipywidgets.Image`` (one picture, replaced in place). ``text``, if given, is a callable
    returning a string shown under the figure (for example the three slopes of the
    chain-rule panels). An error in ``update`` is shown under the figure, message first (the
    figure stays as it was), and so are its warnings.

    A setting seen before is shown from the panel's :class:`Pictures`: its PNG, alt text and
    caption, without calling the view. A move whose
    update failed or warned is not kept. The panel's ``parts.pictures`` is that store.

    A view may also have ``updates(**values)``, a generator that does its work in chunks and
    yields after each (training, say): the panel then shows the first chunk at once and the
    others as they come, between which the kernel takes newer values; a newer value stops
    the older run. Only a run shown to its end is kept.

    The panel also carries :func:`helpers.ui.a11y.keyboard_and_names`: the arrow keys move
    its sliders and choose in its dropdowns (in JupyterLab and Notebook 7 they would move the
    notebook's cell), every control has an accessible name, and the picture's ``alt`` is the
    alt text of the view's figure (:mod:`helpers.figures.alt`), which follows the controls.

    The panel's ``parts`` are what the book's frames are made from (``tools/book_frames.py``):
    its ``view``, its ``controls``, and ``show(**settings)``, which sets the controls at once,
    redraws as a move does, and returns the picture as the panel holds it: ``png`` (its bytes),
    ``alt`` (the alt text of the view's figure), ``caption`` (the text under it) and
    ``problem`` (the message of the view's error, or ``""``).
    """
    wired = _Wiring(view, controls, text)
    for w in controls.values():
        w.observe(wired.redraw, names="value")
    boxes = list(controls.values())
    rows = [W.HBox(boxes[i : i + columns]) for i in range(0, len(boxes), columns)]
    wired.first_draw()
    # the hidden repair first: the problem line stays the panel's last child, under the rest
    panel = Panel([keyboard_and_names(), *rows, *wired.under_the_controls])
    panel.parts = SimpleNamespace(
        view=view, controls=dict(controls), show=wired.show, pictures=wired.pictures
    )
    return panel


class _Wiring:
    """What a :func:`live` panel does: its picture (with its alt text), the caption and the
    problem line under it, and what a move of its controls does to them."""

    def __init__(self, view, controls: Mapping[str, W.ValueWidget], text):
        self.view, self.controls, self.text = view, controls, text
        self.pictures = Pictures()
        self.picture = W.Image(format="png")
        self.alt = picture_alt()  # the picture's alt text: what the view's figure shows now
        self.caption = W.HTML()
        self.problem = W.HTML(layout=W.Layout(display="none"))  # shown only when there is one
        self.problem.message = ""  # the error's message alone, for the book's frames
        self.now = SimpleNamespace(png=b"", alt="", caption="")  # the picture the panel shows
        self.running = None  # the task showing the rest of a chunked run

    @property
    def under_the_controls(self) -> list:
        """The widgets under the controls: the picture, its alt text, caption and problem."""
        return [self.picture, self.alt, self.caption, self.problem]

    def values(self) -> dict:
        return {name: w.value for name, w in self.controls.items()}

    def put(self, shown):
        """Show a picture (``png``, ``alt``, ``caption``)."""
        if self.text is not None:
            self.caption.value = f"<pre style='margin:0'>{shown.caption}</pre>"
        self.picture.value = shown.png
        self.alt.value = html.escape(shown.alt)
        self.now.__dict__.update(shown.__dict__)

    def render(self):
        """Show the view's figure as it is now; returns that picture."""
        shown = SimpleNamespace(
            png=png(self.view.fig),
            alt=alt_text(self.view.fig),
            caption=self.text() if self.text is not None else "",
        )
        self.put(shown)
        return shown

    def keep(self, key, shown):
        """Keep a move's picture under its key, and under its settings with the limits it was
        drawn with (from those, the same settings draw the same picture)."""
        if key is not None:
            self.pictures.put(key, shown)
            drawn = limits(self.view.fig)
            if drawn != key[1]:
                self.pictures.put((key[0], drawn), shown)

    def show_problem(self, text: str, message: str | None = None):
        """Show ``text`` (HTML) in the problem line; ``message``: an error's message alone,
        for the book's frames (a warning leaves it as it is)."""
        self.problem.value = text
        self.problem.layout.display = None
        if message is not None:
            self.problem.message = message

    def clear_problem(self):
        if self.problem.value:
            self.problem.value = self.problem.message = ""
            self.problem.layout.display = "none"

    @contextlib.contextmanager
    def shown_problems(self):
        """An error or a warning of the view's work, shown in the panel (in a kernel, a
        callback's stderr reaches no cell); nothing shown when the work went well (then the
        outcome it gives is ``clean``)."""
        outcome = SimpleNamespace(clean=False)
        with warnings.catch_warnings(record=True) as caught:
            try:
                yield outcome
            except Exception as exc:
                message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                self.show_problem(error_html(exc), message)
                return
        if caught:
            text = "".join(
                warnings.formatwarning(w.message, w.category, w.filename, w.lineno) for w in caught
            )
            self.show_problem(f"<pre class='{ERROR}' style='margin:0'>{html.escape(text)}</pre>")
            return
        self.clear_problem()
        outcome.clean = True

    def set_running(self, task):
        self.running = task
        (self.picture.remove_class if task is None else self.picture.add_class)(RUNNING)

    def redraw(self, _change=None):
        """A move: the picture kept for the settings, or the view updated and drawn."""
        if self.running is not None:
            self.running.cancel()  # a newer value: stop showing the older run
            self.set_running(None)
        settings = self.values()
        key = Pictures.key(self.view, settings)
        kept = self.pictures.get(key)
        with self.shown_problems() as outcome:
            if kept is not None:  # a setting seen before: its picture, the view not called
                self.put(kept)
                return
            if hasattr(self.view, "updates"):
                shown = self.draw_in_chunks(settings, key)
                if shown is None:  # the rest is shown as it comes
                    return
            else:
                self.view.update(**settings)
                shown = self.render()
        if outcome.clean:
            self.keep(key, shown)

    def draw_in_chunks(self, settings, key):
        """A view that works in chunks: its first chunk shown now, the rest by a task of the
        running event loop (then None); with no loop (not in a kernel) finished here and
        shown (that picture returned)."""
        steps = self.view.updates(**settings)
        next(steps)
        shown = self.render()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (not in a kernel): finish here
            for _ in steps:
                pass
            return self.render()
        self.set_running(loop.create_task(self.show_the_rest(steps, key, shown)))
        return None

    async def show_the_rest(self, steps, key, shown):
        """Each further chunk of a run, shown as it comes; the last kept if all went well."""
        try:
            with contextlib.closing(steps):
                while True:
                    await asyncio.sleep(0.01)  # let the kernel take a newer value first
                    with self.shown_problems() as outcome:
                        if next(steps, None) is None:
                            break
                        shown = self.render()
                    if not outcome.clean:
                        key = None  # a run that failed or warned is not kept
            self.keep(key, shown)
        finally:
            if self.running is asyncio.current_task():  # not replaced by a newer run
                self.set_running(None)

    def show(self, **settings):
        """The book's frame: the controls set at once, one redraw, the picture it shows."""
        set_quietly(self.controls, settings, self.redraw)
        self.redraw()
        return SimpleNamespace(
            png=self.picture.value,
            alt=self.now.alt,
            caption=self.now.caption,
            problem=self.problem.message,
        )

    def first_draw(self):
        """The first picture, drawn outside the panel's catch: a broken view fails its own
        cell, and a warning shows in the cell (such a picture is not kept)."""
        settings = self.values()
        key = Pictures.key(self.view, settings)
        with warnings.catch_warnings(record=True) as caught:
            self.view.update(**settings)
            shown = self.render()
        for w in caught:  # shown in the cell, as without the catch
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if not caught:
            self.keep(key, shown)
