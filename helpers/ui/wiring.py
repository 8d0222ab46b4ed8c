"""Thin wiring of ipywidgets controls to the figure views (machinery for lessons 01-05).

A *view* is any object with a ``fig`` attribute (a matplotlib Figure built without pyplot)
and an ``update(**values)`` method that changes the figure's existing artists for new
parameter values. The maths and drawing live in the view; :func:`live` only connects
controls to ``update`` and shows the figure again.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import traceback
from collections.abc import Mapping

import ipywidgets as W
from IPython.display import Image, display

from .canvas import png

#: The CSS class of a panel's output area while a view's chunked run is still being shown.
RUNNING = "live-running"


def live(view, controls: Mapping[str, W.ValueWidget], *, columns: int = 3, text=None) -> W.VBox:
    """Return a panel whose controls redraw ``view``.

    ``controls`` maps the keyword names of ``view.update`` to widgets. Each change calls
    ``view.update(**current values)`` and replaces the one figure shown in the panel's
    output area (``clear_output(wait=True)`` avoids a flicker and keeps exactly one image).
    ``text``, if given, is a callable returning a string shown under the figure (for example
    the three slopes of the chain-rule panels).

    A view may also have ``updates(**values)``, a generator that does its work in chunks and
    yields after each (training, say): the panel then shows the first chunk at once and the
    others as they come, between which the kernel takes newer values; a newer value stops
    the older run.
    """
    out = W.Output()
    caption = W.HTML()

    def values():
        return {name: w.value for name, w in controls.items()}

    def render():
        if text is not None:
            caption.value = f"<pre style='margin:0'>{text()}</pre>"
        out.clear_output(wait=True)
        display(Image(data=png(view.fig), format="png"))

    running = {"task": None}

    def set_running(task):
        running["task"] = task
        (out.remove_class if task is None else out.add_class)(RUNNING)

    async def show_the_rest(steps):
        # Outside the message handler, output captured with `with out:` may not reach the
        # front end (ipywidgets' advice for output from the background): set the Output's
        # outputs directly, one PNG replacing the other.
        try:
            with contextlib.closing(steps):
                while True:
                    await asyncio.sleep(0.01)  # let the kernel take a newer value first
                    if next(steps, None) is None:
                        return
                    if text is not None:
                        caption.value = f"<pre style='margin:0'>{text()}</pre>"
                    encoded = base64.b64encode(png(view.fig)).decode("ascii")
                    out.outputs = (
                        {
                            "output_type": "display_data",
                            "metadata": {},
                            "data": {"image/png": encoded, "text/plain": "<Figure>"},
                        },
                    )
        except asyncio.CancelledError:
            raise
        except Exception:
            out.append_stderr(traceback.format_exc())
        finally:
            if running["task"] is asyncio.current_task():  # not replaced by a newer run
                set_running(None)

    def redraw(_change=None):
        if running["task"] is not None:
            running["task"].cancel()  # a newer value: stop showing the older run
            set_running(None)
        with out:  # inside the output area, so an error in update() shows its traceback there
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

    for w in controls.values():
        w.observe(redraw, names="value")
    boxes = list(controls.values())
    rows = [W.HBox(boxes[i : i + columns]) for i in range(0, len(boxes), columns)]
    view.update(**values())  # the first draw outside: a broken view fails its own cell
    with out:
        render()
    return W.VBox([*rows, out, caption])
