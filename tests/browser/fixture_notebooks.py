"""Two small notebooks that prove the browser harness itself, written at test time.

They are generated (not committed as .ipynb) so that ``pytest tests notebooks --nbval``
does not collect them as notebooks of the series.

* ``good``: every kind of control the harness knows, wired with ``helpers.ui.live``
  to a small view, and a PNG pushed into an ``ipywidgets.Image`` (a panel with
  ``helpers.ui.a11y``'s repair and a picture's alt text, as the lessons' panels have); the
  harness must find no problem.
* ``broken``: one panel per failure the harness must catch: a slider that changes nothing,
  a callback that raises at the slider's maximum, an output that piles up figures, and a
  callback that writes to stderr; the panels built without ``helpers.ui`` have sliders with
  no accessible name.
"""

from __future__ import annotations

import json
from pathlib import Path

VIEW = '''\
%matplotlib inline
import numpy as np
import ipywidgets as W
from matplotlib.figure import Figure
from helpers.figures.alt import describe
from helpers.ui import live

class Wave:
    """A line plot whose artists are updated in place."""
    def __init__(self):
        self.fig = Figure(figsize=(4, 2.5), dpi=72)
        self.ax = self.fig.add_subplot()
        self.x = np.linspace(0, 2 * np.pi, 200)
        (self.line,) = self.ax.plot(self.x, np.sin(self.x))
        self.ax.set_ylim(-3.2, 3.2)
    def update(self, a=1.0, k=1, kind="sin", grid=False, dashed=False, **_):
        f = {"sin": np.sin, "cos": np.cos, "tanh": np.tanh}[kind]
        self.line.set_ydata(a * f(k * self.x))
        self.line.set_linestyle("--" if dashed else "-")
        self.ax.grid(grid)
        describe(self.fig, f"A {kind} wave of amplitude {a} and frequency {k}.")
'''


def notebook(cells):
    """A notebook of code cells; a cell given as ``(tags, source)`` carries cell tags (a
    live widget's cell is tagged ``nbval-ignore-output``, as in the lessons)."""

    def cell(i, c):
        tags, src = c if isinstance(c, tuple) else ((), c)
        return {
            "cell_type": "code",
            "metadata": {"tags": list(tags)} if tags else {},
            "source": src,
            "outputs": [],
            "execution_count": None,
            "id": f"c{i}",
        }

    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "cells": [cell(i, c) for i, c in enumerate(cells)],
    }


GOOD = [
    VIEW,
    (
        ["nbval-ignore-output"],
        """\
view = Wave()
controls = {
    "a": W.FloatSlider(value=1.0, min=0.5, max=3.0, step=0.25, description="a"),
    "k": W.IntSlider(value=1, min=1, max=4, description="k"),
    "kind": W.Dropdown(options=["sin", "cos", "tanh"], value="sin", description="f"),
    "grid": W.Checkbox(value=False, description="grid"),
    "dashed": W.ToggleButton(value=False, description="dashed"),
}
panel = live(view, controls)
reset = W.Button(description="reset")
def on_reset(_):
    controls["a"].value, controls["k"].value = 1.0, 1
reset.on_click(on_reset)
play = W.Play(value=1, min=1, max=4, interval=300)
W.jslink((play, "value"), (controls["k"], "value"))
W.VBox([W.HBox([reset, play]), panel])
""",
    ),
    # a PNG pushed into an ipywidgets.Image (a new blob: URL each time), as the playground does
    """\
import io
from helpers.figures.alt import alt_text
from helpers.ui.a11y import keyboard_and_names, picture_alt
img_view, img, alt = Wave(), W.Image(format="png"), picture_alt()
amp = W.FloatSlider(value=1.0, min=0.5, max=3.0, step=0.5, description="image a")
def img_redraw(_=None):
    img_view.update(a=amp.value)
    buf = io.BytesIO()
    img_view.fig.savefig(buf, format="png")
    img.value = buf.getvalue()
    alt.value = alt_text(img_view.fig)
amp.observe(img_redraw, names="value")
img_redraw()
W.VBox([amp, img, alt, keyboard_and_names()])
""",
]

BROKEN = [
    VIEW,
    # 0: a slider wired to nothing the figure shows
    """\
live(Wave(), {"a": W.FloatSlider(value=1.0, min=0.5, max=3.0, description="ignored"),
              "unused": W.IntSlider(value=1, min=0, max=3, description="noop")})
""",
    # 1: a callback that raises at the maximum
    """\
class Fragile(Wave):
    def update(self, a=1.0, **kw):
        if a >= 3.0:
            raise ValueError("a too large")
        super().update(a=a, **kw)
live(Fragile(), {"a": W.FloatSlider(value=1.0, min=0.5, max=3.0, description="raises")})
""",
    # 2: figures pile up (display without clear_output)
    """\
from IPython.display import display
pile_view, pile_out = Wave(), W.Output()
pile = W.FloatSlider(value=1.0, min=0.5, max=3.0, description="piles")
def pile_redraw(_=None):
    pile_view.update(a=pile.value)
    with pile_out:
        display(pile_view.fig)
pile.observe(pile_redraw, names="value")
pile_redraw()
W.VBox([pile, pile_out])
""",
    # 3: a callback that warns (stderr)
    """\
import warnings
class Noisy(Wave):
    def update(self, a=1.0, **kw):
        warnings.warn(f"noisy update a={a}", UserWarning, stacklevel=1)
        super().update(a=a, **kw)
live(Noisy(), {"a": W.FloatSlider(value=1.0, min=0.5, max=3.0, description="warns")})
""",
    # 4: an ipywidgets.Image given the same bytes again (a new blob: URL, the same picture)
    """\
import io
same_view, same_img = Wave(), W.Image(format="png")
buf = io.BytesIO()
same_view.fig.savefig(buf, format="png")
same = W.IntSlider(value=1, min=0, max=3, description="same bytes")
same.observe(lambda _: setattr(same_img, "value", bytes(buf.getvalue())), names="value")
same_img.value = buf.getvalue()
W.VBox([same, same_img])
""",
]


def write(dest: Path) -> dict[str, str]:
    """Write both notebooks under ``dest``; return {name: path relative to dest}."""
    dest.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, cells in (("good", GOOD), ("broken", BROKEN)):
        path = dest / f"harness_{name}.ipynb"
        path.write_text(json.dumps(notebook(cells), indent=1), encoding="utf-8")
        out[name] = path.name
    return out
