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
        assert im.get_clim() == (-3.5, 3.5)  # one symmetric scale: max |entry|
        texts = sorted(t.get_text() for t in ax.texts if t.get_text() not in ("·", "="))
        assert texts == sorted(f"{v:.2f}" for v in M.ravel())
    signs = [a.get_text() for ax in axes for a in ax.texts if a.get_text() in ("·", "=")]
    assert signs == ["·", "="]
    assert fig._suptitle.get_text() == "t"


def test_matrix_product_figure_can_write_the_product_as_in_code():
    u, A = np.array([[1.0, -2.0]]), np.array([[0.5], [2.0]])
    fig = figs.matrix_product_figure([("u", u), ("A", A)], ("u @ A", u @ A), times="@")
    signs = [a.get_text() for ax in fig.axes for a in ax.texts if a.get_text() in ("@", "·", "=")]
    assert signs == ["@", "="]


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


# -- the gradient as a vector, and the class legends (issue 14) --------------------------

from matplotlib.colors import to_rgba  # noqa: E402

from helpers import data, descent  # noqa: E402


def _moons():
    return data.make_moons(n=100, noise=0.1, seed=0)


def test_two_weight_surface_gradient_is_the_slope_of_its_loss():
    surface = figs.two_weight_surface(*_moons())
    rng = np.random.default_rng(0)
    h = 1e-6
    for w in rng.uniform(-3, 3, size=(5, 2)):
        numeric = [
            (surface.loss(w[0] + h, w[1]) - surface.loss(w[0] - h, w[1])) / (2 * h),
            (surface.loss(w[0], w[1] + h) - surface.loss(w[0], w[1] - h)) / (2 * h),
        ]
        np.testing.assert_allclose(surface.grad(w), numeric, rtol=1e-6, atol=1e-9)
    # the drawn minimum is where the gradient (nearly) vanishes, inside the drawn extent
    x0, x1, y0, y1 = surface.extent
    assert x0 < surface.minimum[0] < x1 and y0 < surface.minimum[1] < y1
    end = descent.descend(surface, lr=3.0, steps=3000)[-1]
    assert np.linalg.norm(surface.grad(end)) < 1e-8
    assert np.allclose(end, surface.minimum, atol=0.1)  # the grid's minimum, to its spacing
    with pytest.raises(ValueError, match="two_weight_surface: expected X of shape"):
        figs.two_weight_surface(np.ones((3, 3)), [0, 1, 0])


def test_steepest_descent_figure_arrows_point_downhill_and_the_path_descends():
    X, y = _moons()
    fig = figs.steepest_descent_figure(X, y, lr=3.0, steps=60)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    (quiver,) = [c for c in ax.collections if hasattr(c, "U")]
    surface = figs.two_weight_surface(X, y)
    U, V = np.asarray(quiver.U), np.asarray(quiver.V)
    np.testing.assert_allclose(np.hypot(U, V), 1.0)  # directions only: unit arrows
    for (w1, w2), d in zip(quiver.get_offsets(), np.c_[U, V]):
        w = np.array([w1, w2])
        # along the arrow the loss falls, faster than along any other direction tried
        slope = (surface.loss(*(w + 1e-6 * d)) - surface.loss(*w)) / 1e-6
        for angle in np.linspace(0.3, 2 * np.pi - 0.3, 7):
            c, s = np.cos(angle), np.sin(angle)
            other = np.array([c * d[0] - s * d[1], s * d[0] + c * d[1]])
            assert slope < (surface.loss(*(w + 1e-6 * other)) - surface.loss(*w)) / 1e-6
    path = [line for line in ax.lines if len(line.get_xdata()) == 61][0]
    losses = surface.loss(np.asarray(path.get_xdata()), np.asarray(path.get_ydata()))
    assert np.all(np.diff(losses) < 0)  # every step goes down
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "−∇L, the steepest way down",
        "gradient descent, η = 3, 60 steps",
        "start",  # the red square, where the path begins
        "lowest loss",
    ]
    assert len(fig.axes) == 2  # the loss has a colour bar


def test_moons_figures_have_a_class_legend():
    X, y = _moons()

    def predict(P):
        return np.c_[P[:, 0], -P[:, 0]]

    fig = figs.boundary_snapshots([("a", predict), ("b", predict)], X, y)
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["class 0", "class 1"]
    scatter = fig.axes[0].collections[0]
    colours = scatter.to_rgba(scatter.get_array())  # the colours the points get
    for label, handle in zip((0, 1), legend.legend_handles):  # a point's colour = its entry
        assert np.allclose(colours[np.flatnonzero(y == label)[0]], to_rgba(handle.get_color()))


def tiny_mlp():
    """The lesson's MLP shape (layers → neurons → .w, .b of Values), 2-3-2, without its class."""
    from types import SimpleNamespace

    from helpers.autodiff import Value

    rng = np.random.default_rng(0)

    def layer(n_in, n_out):
        return SimpleNamespace(
            neurons=[
                SimpleNamespace(
                    w=[Value(float(v)) for v in rng.normal(size=n_in)],
                    b=Value(float(rng.normal())),
                )
                for _ in range(n_out)
            ]
        )

    return SimpleNamespace(layers=[layer(2, 3), layer(3, 2)])


def test_as_arrays_lays_out_row_j_as_the_weights_of_input_j():
    model = tiny_mlp()
    (W1, b1), (W2, b2) = figs.as_arrays(model)
    assert W1.shape == (2, 3) and b1.shape == (3,) and W2.shape == (3, 2) and b2.shape == (2,)
    assert W1[1, 2] == model.layers[0].neurons[2].w[1].data
    assert b2[1] == model.layers[1].neurons[1].b.data
    model.layers[0].neurons[2].w[1].grad = 0.5
    (G1, _), _ = figs.as_arrays(model, gradients=True)
    assert G1[1, 2] == 0.5 and G1[0, 0] == 0.0


def test_predict_arrays_applies_relu_between_layers_and_not_after_the_last():
    W1, b1 = np.array([[1.0, -1.0]]), np.array([0.0, 0.0])
    W2, b2 = np.array([[1.0], [1.0]]), np.array([-5.0])
    P = np.array([[2.0], [-3.0]])
    # hidden: relu(2, -2) = (2, 0), relu(-3, 3) = (0, 3); output 2 - 5 = -3 and 3 - 5 = -2
    np.testing.assert_array_equal(figs.predict_arrays([(W1, b1), (W2, b2)], P), [[-3.0], [-2.0]])


def test_snapshot_freezes_the_weights_and_reports_the_accuracy():
    model = tiny_mlp()
    X = np.random.default_rng(1).normal(size=(20, 2))
    y = np.argmax(figs.predict_arrays(figs.as_arrays(model), X), axis=1)  # all right
    title, predict = figs.snapshot(model, X, y, 7)
    assert title == "step 7: 100 % right"
    before = predict(X)
    for layer in model.layers:
        for neuron in layer.neurons:
            neuron.b.data += 10.0
    np.testing.assert_array_equal(predict(X), before)
    assert figs.snapshot(model, X, 1 - y, 8)[0].startswith("step 8: ")


def test_as_arrays_names_a_wrong_model():
    with pytest.raises(TypeError, match="as_arrays: model must be the lesson's MLP"):
        figs.as_arrays([1, 2, 3])


# -- alt text (issue 26): each figure says in words what it shows, from its own numbers -----

from helpers import training  # noqa: E402
from helpers.figures.alt import alt_text  # noqa: E402


def test_matrix_product_alt_text_reads_out_the_product_and_its_entries():
    X, W = np.array([[1.0, 2.0]]), np.array([[0.5], [-1.25]])
    text = alt_text(figs.matrix_product_figure([("X (1 × 2)", X), ("W", W)], ("X @ W", X @ W)))
    assert "X times W equals X times W" in text
    assert "X, 1 by 2, has the rows 1, 2." in text and "W, 2 by 1, has the rows 0.5; -1.25." in text
    assert "has the rows -2." in text  # 1 * 0.5 + 2 * -1.25
    other = alt_text(figs.matrix_product_figure([("A", 3 * X), ("W", W)], ("A @ W", 3 * X @ W)))
    assert "A, 1 by 2, has the rows 3, 6." in other and "has the rows -6." in other
    tex = alt_text(
        figs.matrix_product_figure([(r"$W^\top$", W.T)], (r"$\partial L/\partial x$", W.T))
    )
    assert "W transposed" in tex and "dL/dx" in tex and "$" not in tex and "\\" not in tex


def test_matrix_product_alt_text_gives_the_range_of_a_large_matrix():
    A = np.arange(20.0).reshape(4, 5)
    text = alt_text(figs.matrix_product_figure([("A", A)], ("B", A)))
    assert "A, 4 by 5, has entries from 0 to 19." in text


def test_loss_figure_alt_text_follows_the_curve():
    a = alt_text(figs.loss_figure({"train": [1.2, 0.31, 0.05]}, title="digits"))
    b = alt_text(figs.loss_figure({"train": [0.9, 0.7]}, title="moons", xlabel="step", log=True))
    assert "digits" in a and "over 3 epochs, goes from 1.2 to 0.05" in a
    assert "moons" in b and "on a log scale" in b and "over 2 steps, goes from 0.9 to 0.7" in b


def test_confusion_figure_alt_text_counts_the_right_ones_and_names_the_mistakes():
    C = training.confusion_matrix([1, 2, 3, 3, 5, 8], [1, 2, 8, 8, 5, 3])
    text = alt_text(figs.confusion_figure(C))
    assert "3 of 6 digits are on the diagonal" in text
    assert "a true 3 guessed as 8: 2 times, a true 8 guessed as 3: 1 time." in text
    right = alt_text(figs.confusion_figure(training.confusion_matrix([1, 2], [1, 2])))
    assert "2 of 2 digits" in right and "There are no mistakes." in right


def test_misclassified_figure_alt_text_names_each_digit_shown():
    X = np.zeros((4, 64))
    text = alt_text(figs.misclassified_figure(X, [1, 7, 3, 3], [1, 9, 3, 5]))
    assert "wrong: 2 of 4" in text and "true 7 guessed as 9, true 3 guessed as 5." in text
    one = alt_text(figs.misclassified_figure(X, [1, 7, 3, 3], [1, 9, 3, 5], max_shown=1))
    assert "The first 1 are" in one and "true 3 guessed as 5" not in one


def test_boundary_snapshots_alt_text_gives_each_panels_step_and_accuracy():
    X, y = data.make_moons(n=40, noise=0.1, seed=0)

    def predict(P):
        return np.c_[np.zeros(len(P)), P[:, 1] - 0.25]

    text = alt_text(figs.boundary_snapshots([("step 0: 50 % right", predict)], X, y))
    two = alt_text(
        figs.boundary_snapshots(
            [("step 0: 50 % right", predict), ("step 9: 90 % right", predict)], X, y
        )
    )
    assert text.startswith("1 maps") and "40 data points" in text and "step 0: 50 % right." in text
    assert two.startswith("2 maps") and "step 0: 50 % right; step 9: 90 % right." in two


def test_steepest_descent_alt_text_follows_the_learning_rate_and_the_steps():
    X, y = data.make_moons(n=100, noise=0.1, seed=0)
    a = alt_text(figs.steepest_descent_figure(X, y, lr=3.0, steps=60))
    b = alt_text(figs.steepest_descent_figure(X, y, lr=0.5, steps=5))
    assert "learning rate 3 walks 60 steps" in a and "learning rate 0.5 walks 5 steps" in b
    assert "from w1 = -2.2, w2 = 2 to" in a and a != b


def test_training_view_alt_text_follows_the_settings_and_the_outcome():
    view = figs.TrainingView(lr=0.5, steps=30, hidden=4, grid=20)
    good = alt_text(view.fig)
    r = view.result
    assert "width 4 trained with learning rate 0.5" in good
    assert f"falls from {figs._num(r['losses'][0])} to {figs._num(r['losses'][-1])} in 30" in good
    assert f"training accuracy {100 * r['accuracy']:.0f} %" in good
    view.update(lr=30, steps=40, hidden=3)
    bad = alt_text(view.fig)
    assert "width 3 trained with learning rate 30" in bad and "The run diverged" in bad
    assert f"{100 * view.result['dead']:.0f} % of the ReLU units are dead" in bad
    partial = next(figs.TrainingView(grid=20).updates(lr=0.1, steps=150, hidden=3, chunk=50))
    assert "Training so far: step 50 of 150." in alt_text(partial)


def test_the_slider_learning_rate_where_training_stops_is_3_2():
    """Lesson 03, going deeper "Train it yourself, with sliders": "At 2.5 the run still learns
    every point. At 3.2 (the slider's next value) the loss first falls, then, late in the run,
    jumps up to about 0.69 and stays there; at 4 and 5 it rises almost at once." The slider's
    values are 10**(k/10)."""
    still = figs.train_moons(10**0.4, 300, 16)  # 2.51
    assert still["losses"][-1] < 0.01 and still["accuracy"] == 1.0
    late = np.asarray(figs.train_moons(10**0.5, 300, 16)["losses"])  # 3.16
    assert late.min() < 0.3 and late.argmin() > 150 and abs(late[-1] - 0.69) < 0.01
    for exponent in (0.6, 0.7):  # 3.98, 5.01
        stuck = figs.train_moons(10**exponent, 300, 16)
        losses = np.asarray(stuck["losses"])
        assert losses.argmin() <= 2 and losses[-1] >= losses[0] and stuck["accuracy"] == 0.5


def test_training_view_writes_a_slider_learning_rate_short():
    """The slider's values are 10**(k/10): the title and the alt text write 3.16, not 3.16228."""
    view = figs.TrainingView(lr=10**0.5, steps=20, hidden=4)
    assert "lr 3.16)" in view.ax_region.get_title()
    assert "3.16228" not in view.ax_region.get_title()
    assert "learning rate 3.16 on" in alt_text(view.fig)


def test_training_message_writes_a_slider_learning_rate_short():
    """The message under the figure writes 3.16 too, not 3.16228."""
    r = figs.train_moons(10**0.5, 300, 16)
    assert "learning rate 3.16 is too high" in r["message"], r["message"]
