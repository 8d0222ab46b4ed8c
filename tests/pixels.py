"""A view's figure as pixels, drawn three ways (a module, not conftest.py, so that any test
file can import it: tests/browser has a conftest.py of its own).

A view that draws fast (``helpers.figures.canvas.FastCanvas``: a cached background, animated artists
drawn on top) must show, whatever came before, exactly what an uncached drawing of the same
state shows, whether its PNG comes from ``print_png`` or from ``savefig`` (the path
``helpers.ui.live`` takes).
"""

from io import BytesIO

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import AxesImage


def _decode(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(BytesIO(png)))


def png_pixels(fig) -> np.ndarray:
    """The figure as its canvas writes it to PNG (``print_png``)."""
    buf = BytesIO()
    fig.canvas.print_png(buf)
    return _decode(buf.getvalue())


def saved_pixels(fig) -> np.ndarray:
    """The figure as ``helpers.ui.live`` renders it (``savefig`` at its own dpi)."""
    buf = BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return _decode(buf.getvalue())


def plain_pixels(fig) -> np.ndarray:
    """What the view should show, drawn without any cache: a new plain Agg canvas draws the
    figure (matplotlib leaves out animated artists), then draws those on top, in their
    order (the meaning of ``FastCanvas``'s list). The figure's own canvas is put back after."""
    canvas = fig.canvas
    animated = list(getattr(canvas, "animated", ()))
    plain = FigureCanvasAgg(fig)
    # matplotlib < 3.11 draws an animated AxesImage even when it skips animated artists
    # (it would then be drawn twice): hidden for the draw without them.
    hidden = [a for a in animated if isinstance(a, AxesImage) and a.get_visible()]
    try:
        for a in hidden:
            a.set_visible(False)
        plain.draw()  # not saving: matplotlib skips animated artists
        for a in hidden:
            a.set_visible(True)
        for a in animated:
            fig.draw_artist(a)
        return np.array(plain.buffer_rgba())
    finally:
        for a in hidden:
            a.set_visible(True)
        fig.set_canvas(canvas)
