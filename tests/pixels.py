"""A view's figure as pixels, drawn three ways (a module, not conftest.py, so that any test
file can import it: tests/browser has a conftest.py of its own).

A view that draws fast (``helpers.figures.canvas.FastCanvas``: a kept background, the artists that
changed drawn over it) must show, whatever came before, exactly what a plain drawing of the same
state shows, whether its PNG comes from ``print_png`` or from ``savefig`` (the path
``helpers.ui.live`` takes).
"""

from io import BytesIO

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg


def _decode(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(BytesIO(png)))


def png_pixels(fig) -> np.ndarray:
    """The figure as the widgets write it to PNG (``helpers.figures.canvas.png``, which gives
    it a ``FastCanvas``)."""
    from helpers.figures.canvas import png

    return _decode(png(fig))


def saved_pixels(fig) -> np.ndarray:
    """The figure as ``helpers.ui.live`` renders it (``savefig`` at its own dpi)."""
    buf = BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return _decode(buf.getvalue())


def plain_pixels(fig) -> np.ndarray:
    """What the view should show: the figure drawn by a new plain Agg canvas, with nothing
    kept from before. The figure's own canvas is put back after."""
    canvas = fig.canvas
    try:
        plain = FigureCanvasAgg(fig)
        plain.draw()
        return np.array(plain.buffer_rgba())
    finally:
        fig.set_canvas(canvas)
