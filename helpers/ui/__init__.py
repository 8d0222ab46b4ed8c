"""The machinery behind the widgets of every lesson (01-05): a learner never needs to read it.

* :mod:`helpers.ui.wiring` — ``live(view, controls)``: controls wired to a view;
* :mod:`helpers.ui.playground` — ``playground_panel``: the controls of lesson 04's playground;
* :mod:`helpers.ui.a11y` — ``Panel``: a box of widgets whose text form is words (02 puts its
  play button above a view with it).

Notebooks import ``from helpers.ui import live`` (``playground_panel`` in 04, ``Panel`` in
02). This is the top layer: it may import :mod:`helpers.figures` (the views, and the fast
redraws and PNG encoder of :mod:`helpers.figures.canvas`); the figures never import it.
"""

__all__ = ["Panel", "live", "playground_panel"]


def __getattr__(name):
    # imported on first use: ``import helpers.ui`` loads no widgets until they are used
    if name == "live":
        from .wiring import live

        return live
    if name == "playground_panel":
        from .playground import playground_panel

        return playground_panel
    if name == "Panel":
        from .a11y import Panel

        return Panel
    raise AttributeError(f"module 'helpers.ui' has no attribute {name!r}")
