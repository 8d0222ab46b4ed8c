"""The machinery behind the widgets of every lesson (01-05): a learner never needs to read it.

* :mod:`helpers.ui.canvas` — fast redraws (``FastCanvas``, ``freeze_layout``, the one limit
  rule ``steady_limits``, the one PNG encoder ``png``);
* :mod:`helpers.ui.wiring` — ``live(view, controls)``: controls wired to a view;
* :mod:`helpers.ui.playground` — ``playground_panel``: the controls of lesson 04's playground.

Notebooks import ``from helpers.ui import live`` (and ``playground_panel`` in 04).
"""

__all__ = ["live", "playground_panel"]


def __getattr__(name):
    # imported on first use: a figure that needs only helpers.ui.canvas loads no widgets
    if name == "live":
        from .wiring import live

        return live
    if name == "playground_panel":
        from .playground import playground_panel

        return playground_panel
    raise AttributeError(f"module 'helpers.ui' has no attribute {name!r}")
