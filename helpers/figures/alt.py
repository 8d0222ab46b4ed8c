"""Alt text: what a figure shows, in words, for a reader who cannot see it (machinery).

A figure function ends with ``return describe(fig, text)``, where ``text`` says what the
figure shows, written from the function's own parameters (the curve, the point, the
numbers a reader would read off it); a view calls ``describe(self.fig, ...)`` at the end of
its ``update``, so the text follows its controls. A learner never needs to read this module.

matplotlib has no alt text of its own (matplotlib/matplotlib#24309), and no notebook front
end reads one from an image: JupyterLab's, Notebook 7's and the classic Notebook's image
renderers set no ``alt`` (the proposal to read it from the output's metadata is
jupyter/enhancement-proposals#120). So, in a notebook, a described figure is displayed as
one output carrying its text three ways:

* ``text/html``: ``<img src="data:image/png;base64,…" alt="…">`` — what JupyterLab,
  Notebook 7, the classic Notebook and Colab show (they prefer HTML to PNG);
* ``image/png`` with metadata ``{"alt": …}`` — the convention nbconvert's HTML reads
  (jupyter/nbconvert#1112) and ``IPython.display.Image(alt=…)`` writes; the book
  (tools/build_book.py) gives it to MyST-NB as the cell's ``mystnb.image.alt``;
* ``text/plain``: the text itself (instead of ``<Figure size 640x480 with 1 Axes>``), for
  text-only front ends.

A widget's picture (:func:`helpers.ui.live`) carries the text of its view's figure, updated
with the picture (:mod:`helpers.ui.a11y` sets it as the image's ``alt``).
"""

from __future__ import annotations

import base64
import html

from matplotlib.figure import Figure

#: The attribute of a ``Figure`` that holds its alt text.
ATTRIBUTE = "alt_text"


def describe(fig: Figure, text: str) -> Figure:
    """Give ``fig`` its alt text (one or a few plain sentences) and return ``fig``."""
    if not isinstance(fig, Figure):
        raise TypeError(f"describe: fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"describe: text must say what the figure shows, got {text!r}")
    setattr(fig, ATTRIBUTE, " ".join(text.split()))
    return fig


def alt_text(fig: Figure) -> str:
    """The alt text ``describe`` gave ``fig`` ("" if none)."""
    return getattr(fig, ATTRIBUTE, "")


def display_bundle(fig: Figure, png) -> tuple[dict, dict] | None:
    """How a notebook shows ``fig``: HTML with the alt text, the alt text as plain text, and
    the alt text in the PNG's metadata. ``png(fig)`` is the notebook's own PNG of the figure
    (base64 text or bytes). ``None`` (IPython's usual display) for a figure not described."""
    text = alt_text(fig)
    data = png(fig) if text else None
    if not data:
        return None
    if isinstance(data, bytes):  # IPython 7 (Colab's) gives bytes, IPython 8 base64 text
        data = base64.b64encode(data).decode("ascii")
    data = "".join(data.split())  # IPython 8's text ends with a newline: the same URI in both
    tag = f'<img src="data:image/png;base64,{data}" alt="{html.escape(text, quote=True)}"/>'
    return {"text/plain": text, "text/html": tag}, {"image/png": {"alt": text}}


def register(shell=None) -> bool:
    """Make the IPython ``shell`` (the running one by default) display described figures
    with their alt text. Returns whether there was a shell to register with."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # no IPython: nothing displays figures
            return False
        shell = get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter

    def bundle(fig):
        return display_bundle(fig, formatter.formatters["image/png"])

    formatter.mimebundle_formatter.for_type(Figure, bundle)
    return True


register()
