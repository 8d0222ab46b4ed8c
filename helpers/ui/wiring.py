"""Thin wiring of ipywidgets controls to the figure views (machinery for lessons 01-05).

A *view* is any object with a ``fig`` attribute (a matplotlib Figure built without pyplot)
and an ``update(**values)`` method that changes the figure's existing artists for new
parameter values. The maths and drawing live in the view; :func:`live` only connects
controls to ``update`` and shows the figure again.

The figure travels as PNG bytes in an ``ipywidgets.Image``, not in an ``ipywidgets.Output``:
the classic Notebook with widgets 7 (what Colab's runtime ships) shows a panel that holds an
Output as an empty box, while an Image renders in both widget generations (7 and 8).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import traceback
import warnings
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

    A view may also have ``updates(**values)``, a generator that does its work in chunks and
    yields after each (training, say): the panel then shows the first chunk at once and the
    others as they come, between which the kernel takes newer values; a newer value stops
    the older run.

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
    picture = W.Image(format="png")
    alt = picture_alt()  # the picture's alt text: what the view's figure shows now
    caption = W.HTML()
    problem = W.HTML(layout=W.Layout(display="none"))  # shown only when there is one
    problem.message = ""  # the error's message alone, for the book's frames

    def values():
        return {name: w.value for name, w in controls.items()}

    def render():
        if text is not None:
            caption.value = f"<pre style='margin:0'>{text()}</pre>"
        picture.value = png(view.fig)
        alt.value = html.escape(alt_text(view.fig))

    def show_error(exc):
        problem.value = error_html(exc)
        problem.layout.display = None
        problem.message = "".join(traceback.format_exception_only(type(exc), exc)).strip()

    @contextlib.contextmanager
    def shown_problems():
        """An error or a warning of the view's work, shown in the panel (in a kernel, a
        callback's stderr reaches no cell); nothing shown when the work went well."""
        with warnings.catch_warnings(record=True) as caught:
            try:
                yield
            except Exception as exc:
                show_error(exc)
                return
        if caught:
            text = "".join(
                warnings.formatwarning(w.message, w.category, w.filename, w.lineno) for w in caught
            )
            problem.value = f"<pre class='{ERROR}' style='margin:0'>{html.escape(text)}</pre>"
            problem.layout.display = None
        elif problem.value:
            problem.value = problem.message = ""
            problem.layout.display = "none"

    running = {"task": None}

    def set_running(task):
        running["task"] = task
        (picture.remove_class if task is None else picture.add_class)(RUNNING)

    async def show_the_rest(steps):
        try:
            with contextlib.closing(steps):
                while True:
                    await asyncio.sleep(0.01)  # let the kernel take a newer value first
                    with shown_problems():
                        if next(steps, None) is None:
                            return
                        render()
        finally:
            if running["task"] is asyncio.current_task():  # not replaced by a newer run
                set_running(None)

    def redraw(_change=None):
        if running["task"] is not None:
            running["task"].cancel()  # a newer value: stop showing the older run
            set_running(None)
        with shown_problems():
            if not hasattr(view, "updates"):
                view.update(**values())
                render()
                return
            steps = view.updates(**values())  # a view that works in chunks
            next(steps)
            render()
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (not in a kernel): finish here
                for _ in steps:
                    pass
                render()
                return
            set_running(loop.create_task(show_the_rest(steps)))

    def show(**settings):
        set_quietly(controls, settings, redraw)
        redraw()
        return SimpleNamespace(
            png=picture.value,
            alt=alt_text(view.fig),
            caption=text() if text is not None else "",
            problem=problem.message,
        )

    for w in controls.values():
        w.observe(redraw, names="value")
    boxes = list(controls.values())
    rows = [W.HBox(boxes[i : i + columns]) for i in range(0, len(boxes), columns)]
    view.update(**values())  # the first draw outside: a broken view fails its own cell
    render()
    # the hidden repair first: the problem line stays the panel's last child, under the rest
    panel = Panel([keyboard_and_names(), *rows, picture, alt, caption, problem])
    panel.parts = SimpleNamespace(view=view, controls=dict(controls), show=show)
    return panel
