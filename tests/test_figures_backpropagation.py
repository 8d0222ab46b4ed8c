"""helpers.figures.backpropagation: the matrix-product figure draws every matrix with its
values, in order, on one colour scale."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers.figures import backpropagation as figs  # noqa: E402


def test_matrix_product_figure_shows_each_matrix_and_its_entries():
    u, A = np.array([[1.0, -2.0]]), np.array([[0.5, 0.0, 1.0], [2.0, -1.0, 0.25]])
    fig = figs.matrix_product_figure([("u", u), ("A", A)], ("uA", u @ A), title="t")
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["u", "A", "uA"]
    for ax, M in zip(axes, (u, A, u @ A)):
        (im,) = ax.get_images()
        np.testing.assert_array_equal(im.get_array(), M)
        assert im.get_clim() == (-3.5, 3.5)               # one symmetric scale: max |entry|
        texts = sorted(t.get_text() for t in ax.texts if t.get_text() not in ("·", "="))
        assert texts == sorted(f"{v:.2f}" for v in M.ravel())
    signs = [a.get_text() for ax in axes for a in ax.texts if a.get_text() in ("·", "=")]
    assert signs == ["·", "="]
    assert fig._suptitle.get_text() == "t"


def test_the_drawn_result_is_the_product_when_given_the_product():
    rng = np.random.default_rng(0)
    J1, J2 = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    fig = figs.matrix_product_figure([("J1", J1), ("J2", J2)], ("J", J1 @ J2))
    drawn = [np.asarray(ax.get_images()[0].get_array()) for ax in fig.axes]
    np.testing.assert_allclose(drawn[0] @ drawn[1], drawn[2], rtol=1e-12)


def test_matrix_product_figure_rejects_bad_input():
    with pytest.raises(ValueError, match="factors is empty"):
        figs.matrix_product_figure([], ("r", np.ones((1, 1))))
    with pytest.raises(ValueError, match="must be a 2-D array"):
        figs.matrix_product_figure([("a", np.ones((2, 2, 2)))], ("r", np.ones((1, 1))))
