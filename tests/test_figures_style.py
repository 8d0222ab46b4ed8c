"""Tests of helpers.figures.style (the palette, figure factory, axis style) and of the limit
rule of helpers.figures.canvas."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.figures import style


def test_palette_is_hex_colours():
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in style.PALETTE.values())
    for role in ("g", "f", "y", "tangent", "forward", "central"):
        assert role in style.PALETTE


def test_new_figure():
    fig = style.new_figure(3, 2)
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    w, h = fig.get_size_inches()
    assert (w, h) == pytest.approx((3 * style.PANEL[0], 2 * style.PANEL[1]))
    fig = style.new_figure(2, width=8, height=3)
    assert tuple(fig.get_size_inches()) == pytest.approx((8, 3))
    assert not fig.axes[0].spines["top"].get_visible()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(ncols=0),
        dict(nrows=-1),
        dict(ncols=1.5),
        dict(width=0),
        dict(height=-2),
        dict(width="4"),
    ],
)
def test_new_figure_bad_input(kwargs):
    with pytest.raises(ValueError):
        style.new_figure(**kwargs)


def test_style_axis():
    ax = Figure().subplots()
    style.style_axis(ax, "title", "x", "y")
    assert ax.get_title() == "title" and ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert not ax.spines["right"].get_visible()


def test_steps_axis_moves_in_whole_units_and_stays_while_filled():
    from helpers.figures.canvas import steps_axis
    from helpers.figures.style import new_figure

    ax = new_figure().axes[0]
    assert steps_axis(ax, 300, 100) and ax.get_xlim() == (0, 300)
    assert not steps_axis(ax, 200, 100)  # 200 fills 67 % of 300: kept
    assert steps_axis(ax, 310, 100) and ax.get_xlim() == (0, 400)
    assert not steps_axis(ax, 300, 100)  # back: 75 % of 400, kept
    assert steps_axis(ax, 100, 100) and ax.get_xlim() == (0, 100)
    assert steps_axis(ax, 0, 10) and ax.get_xlim() == (0, 10)


def test_steady_limits_keep_while_filled_and_round_out_otherwise():
    from helpers.figures.canvas import steady_limits

    assert steady_limits(-1.0, 2.0) == (-1.5, 2.5)  # 10 % room, steps of 0.5
    assert steady_limits(-0.95, 2.05, (-1.5, 2.5)) == (-1.5, 2.5)  # still fits: kept
    assert steady_limits(-0.95, 2.6, (-1.5, 2.5)) == (-1.5, 3.0)  # runs out: new limits
    assert steady_limits(0.0, 0.5, (-1.5, 2.5)) == pytest.approx((-0.1, 0.6))  # < 60 %: zoom in
    assert steady_limits(0, 310, None, step=100, room=0) == (0, 400)


def test_encode_png_decodes_to_the_same_pixels():
    from io import BytesIO

    import numpy as np
    from PIL import Image

    from helpers.figures.canvas import encode_png

    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)  # every byte value, wraps
    flat = np.full((40, 30, 4), 255, np.uint8)
    flat[10:20, 5:9] = (0, 114, 178, 255)
    for img in (noise, flat):
        decoded = np.asarray(Image.open(BytesIO(encode_png(img))))
        np.testing.assert_array_equal(decoded, img)


def test_encode_png_names_what_it_expected():
    import numpy as np

    from helpers.figures.canvas import encode_png

    with pytest.raises(ValueError, match=r"encode_png: expected an RGBA uint8 image, got float64"):
        encode_png(np.zeros((4, 4, 4)))
    with pytest.raises(ValueError, match=r"\(4, 4, 3\)"):
        encode_png(np.zeros((4, 4, 3), np.uint8))


def test_chain_rule_labels_stand_beside_their_segments():
    """Δx under the middle of its run, Δu / Δy right of the middle of their rise, in every
    panel, also after x and f change (they are markers moved with set_data)."""
    from helpers.figures.chain_rule import ChainRuleView

    view = ChainRuleView()
    for change in ({}, dict(x=-1.2, f="tanh", g="cube")):
        view.update(**change)
        view.fig.canvas.draw()
        renderer = view.fig.canvas.get_renderer()
        for key in view.axes:
            run, rise = view.runs[key], view.rises[key]
            run_label, rise_label = view.labels[key]
            # a marker's extent is a square of its size around where it stands
            run_at = run_label.get_window_extent(renderer).get_points().mean(axis=0)
            rise_at = rise_label.get_window_extent(renderer).get_points().mean(axis=0)
            (rx0, ry), (rx1, _) = run.get_transform().transform(np.column_stack(run.get_data()))
            (sx, sy0), (_, sy1) = rise.get_transform().transform(np.column_stack(rise.get_data()))
            assert run_at[0] == pytest.approx((rx0 + rx1) / 2) and 5 < ry - run_at[1] < 15
            assert 5 < rise_at[0] - sx < 25
            assert rise_at[1] == pytest.approx((sy0 + sy1) / 2)
