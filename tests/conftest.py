"""Shared test helpers."""

from io import BytesIO

import numpy as np
import pytest


def png_pixels(fig) -> np.ndarray:
    """The figure as its canvas writes it to PNG, decoded to an RGBA array."""
    from PIL import Image
    buf = BytesIO()
    fig.canvas.print_png(buf)
    return np.asarray(Image.open(BytesIO(buf.getvalue())))


@pytest.fixture
def pixels():
    """``pixels(fig)``: the figure's PNG as an array (compare a view's cached drawing with a
    full one)."""
    return png_pixels
