"""One rule for bad arguments (helpers.checks): each example of issue 13, and the shared checks.

An argument that cannot work raises ValueError/TypeError naming the function, the argument,
what it got and what was expected, before any state changes; NumPy scalars work wherever
Python numbers do; no silent NaN and no plausible wrong number; too much work is refused up
front with the limit named.
"""

import math

import numpy as np
import pytest
from timing import ends_within

from helpers import (
    autodiff,
    calculus,
    checks,
    data,
    forward_mode,
    nn,
    optim,
    regions,
    residual,
    training,
)
from helpers.playground import Playground


def raises(exc, *words):
    """pytest.raises that also requires every word in the message."""

    class _Ctx:
        def __enter__(self):
            self.ctx = pytest.raises(exc)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *a):
            out = self.ctx.__exit__(*a)
            msg = str(self.info.value)
            for w in words:
                assert w in msg, f"{w!r} not in {msg!r}"
            return out

    return _Ctx()


# ---- the examples of the issue ---------------------------------------------------------


def test_accuracy_with_a_column_of_labels_is_an_error_not_a_wrong_fraction():
    logits = np.eye(4)
    assert nn.accuracy(logits, np.arange(4)) == 1.0
    with raises(ValueError, "accuracy", "y", "(4,)", "(4, 1)"):
        nn.accuracy(logits, np.arange(4)[:, None])


def test_accuracy_of_nan_logits_is_nan():
    assert math.isnan(nn.accuracy(np.full((3, 2), np.nan), [0, 1, 0]))


@pytest.mark.parametrize("arg", ["lr", "weight_decay", "momentum"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_sgd_refuses_non_finite_hyperparameters(arg, bad):
    p = nn.Parameter(np.ones(3))
    with raises(ValueError, "SGD", arg, "finite"):
        optim.SGD([p], **{arg: bad})


def test_sgd_accepts_numpy_scalars_and_refuses_text():
    p = nn.Parameter(np.ones(3))
    opt = optim.SGD([p], lr=np.float32(0.5), momentum=np.float64(0.5))
    assert opt.lr == 0.5 and type(opt.lr) is float
    with raises(TypeError, "SGD", "lr", "'0.1'", "quotes"):
        optim.SGD([p], lr="0.1")


def test_load_digits_refuses_a_split_that_leaves_a_side_empty():
    with raises(ValueError, "load_digits", "split", "0.001"):
        data.load_digits(split=0.001)
    with raises(ValueError, "load_digits", "split"):
        data.load_digits(split=0.9999)
    Xtr, ytr, Xte, yte = data.load_digits(split=0.5)
    assert set(ytr) == set(yte) == set(range(10))


def test_confusion_matrix_refuses_labels_outside_the_classes():
    with raises(ValueError, "confusion_matrix", "y_true", "-1"):
        training.confusion_matrix([-1, 0], [0, 0])
    with raises(ValueError, "confusion_matrix", "y_pred", "10"):
        training.confusion_matrix([1, 0], [10, 0])
    C = training.confusion_matrix(np.array([1, 0, 1]), np.array([1, 1, 1]), n_classes=np.int64(2))
    assert C.tolist() == [[0, 1], [0, 2]]


def test_relu_of_nan_is_nan_not_zero():
    out = autodiff.Value(math.nan).relu()
    assert math.isnan(out.data)
    assert autodiff.Value(-1.0).relu().data == 0.0
    assert math.isnan(forward_mode.Dual(math.nan, 1.0).relu().val)


def test_the_same_layer_twice_in_a_sequential_is_refused():
    lin = nn.Linear(2, 2)
    with raises(ValueError, "Sequential", "layer 1", "layer 0", "same"):
        nn.Sequential(lin, lin)
    act = nn.ReLU()
    with raises(ValueError, "Sequential", "layer 3", "layer 1"):
        nn.Sequential(nn.Linear(2, 2), act, nn.Linear(2, 2), act)
    inner = nn.Sequential(nn.Linear(2, 2))
    with raises(ValueError, "Sequential"):
        nn.Sequential(inner, nn.Tanh(), nn.Sequential(inner[0]))
    assert lin.name == "Linear"  # refused before anything was renamed


def test_playground_accuracy_refuses_an_unknown_split():
    pg = Playground(n=40)
    with raises(ValueError, "Playground.accuracy", "which", "'bogus'", "'test'", "'train'"):
        pg.accuracy("bogus")
    assert 0 <= pg.accuracy("train") <= 1


def test_linear_refuses_a_fractional_size_and_accepts_numpy_integers():
    with raises(ValueError, "Linear", "n_in", "2.7", "whole number"):
        nn.Linear(2.7, 2)
    layer = nn.Linear(np.int64(3), np.int32(2))
    assert layer.W.shape == (3, 2)
    with raises(TypeError, "Linear", "n_out", "'2'"):
        nn.Linear(3, "2")


def test_training_with_nan_in_x_is_an_error_not_an_empty_history():
    X, y = data.make_moons(n=20)
    X[3, 1] = np.nan
    model = nn.Sequential(nn.Linear(2, 2))
    with raises(ValueError, "train", "X", "finite", "(3, 1)"):
        training.train(model, X, y, steps=3)


def test_an_empty_batch_is_an_error_not_divergence():
    X, y = data.make_moons(n=20)
    model = nn.Sequential(nn.Linear(2, 2))
    with raises(ValueError, "train", "batch", "0"):
        training.train(model, X, y, steps=3, batch=0)
    with raises(ValueError, "train", "X", "empty"):
        training.train(model, X[:0], y[:0], steps=3)
    with raises(ValueError, "train_steps", "batch"):
        training.train_steps(
            model,
            nn.SoftmaxCrossEntropy(),
            optim.SGD(model.parameters()),
            X,
            y,
            2,
            batch=0,
            rng=np.random.default_rng(0),
        )


def test_zigzag_view_refuses_a_depth_that_needs_more_memory_than_a_laptop():
    from helpers.figures.deep_networks import ZigzagView

    view = ZigzagView(depth=3)
    with ends_within(2, "refusing"), raises(ValueError, "ZigzagView", "2**27", "limit"):
        view.update(depth=27)
    assert view.pieces == 8  # the view is unchanged
    with raises(ValueError, "breakpoints", "pieces", "limit"):
        regions.count_pieces(regions.zigzag_network(27))


def test_chain_rule_figure_refuses_an_overflow_before_changing_the_view():
    from helpers.figures.chain_rule import ChainRuleView, chain_rule_figure

    with raises(ValueError, "exp(exp(x))", "overflows", "6.6"):
        chain_rule_figure("exp", "exp", x=6.6)
    view = ChainRuleView("exp", "exp", x=1.0)
    with raises(ValueError, "overflows"):
        view.update(x=6.6)
    assert view.slopes.x == 1.0
    with raises(ValueError, "compose", "overflows"):
        calculus.compose("exp", "exp", 7.0)


def test_chain_says_overflow_not_domain():
    with pytest.raises(ValueError) as info:
        calculus.chain(["exp"] * 5, 1.0)
    msg = str(info.value)
    assert "chain" in msg and "overflows" in msg and "link 4" in msg
    assert "domain" not in msg


@pytest.mark.parametrize("loss", [nn.MSE(), nn.SoftmaxCrossEntropy()])
def test_loss_backward_before_forward_says_so(loss):
    with raises(RuntimeError, "backward", "before forward"):
        loss.backward()


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: data.make_moons(n="200"), ("make_moons", "n", "'200'", "quotes")),
        (lambda: data.make_moons(noise="0.1"), ("make_moons", "noise", "'0.1'")),
        (lambda: optim.SGD([nn.Parameter(np.ones(2))], momentum="0.9"), ("SGD", "momentum")),
        (lambda: Playground(hidden_layers="3"), ("Playground", "hidden_layers", "'3'")),
        (lambda: nn.init_weights("3", 2), ("init_weights", "n_in")),
        (lambda: regions.zigzag_network("3"), ("zigzag_network", "depth")),
    ],
)
def test_numbers_as_text_name_the_argument(call, words):
    with raises(TypeError, *words):
        call()


def test_numpy_integers_are_accepted_as_integers():
    assert forward_mode.gradient_cost(np.int64(4))["n"] == 4
    X, y = data.make_moons(n=np.int64(10), seed=np.int32(1))
    assert X.shape == (10, 2)
    assert regions.count_pieces(regions.zigzag_network(np.int64(3))) == 8
    assert Playground(units=np.int64(3), n=np.int64(40)).config.units == 3


def test_init_weights_refuses_zero_inputs():
    with raises(ValueError, "init_weights", "n_in", ">= 1", "0"):
        nn.init_weights(0, 3)
    with raises(ValueError, "init_weights", "init", "'bogus'"):
        nn.init_weights(2, 3, init="bogus")
    with raises(ValueError, "init_weights", "limit"):
        nn.init_weights(10**5, 10**5)


# ---- the shared checks themselves ------------------------------------------------------


def test_number_accepts_numpy_scalars_and_zero_d_arrays():
    assert checks.number("f", "x", np.float32(0.5)) == 0.5
    assert checks.number("f", "x", np.array(2)) == 2.0
    for bad in (True, np.True_, "1", None, [1.0], 1j):
        with pytest.raises(TypeError, match="f: x must be"):
            checks.number("f", "x", bad)
    with pytest.raises(ValueError, match=r"f: x must be a finite number > 0, got 0"):
        checks.number("f", "x", 0, low=0, low_open=True)


def test_integer_accepts_whole_floats_and_refuses_fractions():
    assert checks.integer("f", "n", 3.0) == 3
    assert checks.integer("f", "n", np.uint8(3)) == 3
    with pytest.raises(ValueError, match="f: n must be a whole number >= 1, got float 2.5"):
        checks.integer("f", "n", 2.5, low=1)
    with pytest.raises(ValueError, match="got float nan"):
        checks.integer("f", "n", math.nan)


def test_array_names_the_first_bad_entry():
    with pytest.raises(ValueError, match=r"f: X must be finite, got 1 entries .* \(0, 1\)"):
        checks.array("f", "X", [[1.0, math.inf]])
    with pytest.raises(TypeError, match="f: X must be an array of numbers"):
        checks.array("f", "X", [[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match=r"f: X must have shape \(N, 2\), got shape \(3, 1\)"):
        checks.array("f", "X", np.zeros((3, 1)), shape=(None, 2))


def test_confusion_matrix_with_too_few_classes_names_n_classes():
    """Found by the property test at the floors: n_classes=1 with a label 1 blamed y_true."""
    from helpers import training

    with pytest.raises(ValueError, match="n_classes = 1"):
        training.confusion_matrix([0, 1, 1], [1, 1, 0], n_classes=1)


@pytest.mark.parametrize(
    "call",
    [
        lambda: training.train_moons(steps=10**5, hidden=1000),
        lambda: training.train(
            nn.Sequential(nn.Linear(2, 1000), nn.ReLU(), nn.Linear(1000, 1000)),
            *data.make_moons(n=1000),
            steps=10**4,
        ),
        lambda: residual.compare_residual(depth=1000, width=100, steps=100),
    ],
)
def test_a_training_of_hours_is_refused_at_once_with_the_limit_named(call):
    with ends_within(2, "refusing"), pytest.raises(ValueError, match="above the limit"):
        call()


# ---- declared checks: @checked ------------------------------------------------------------
@checks.checked(
    checks.weights,
    depth=checks.whole(1, 1000),
    width=checks.whole(1, 1000),
    lr=checks.positive,
    high=checks.real(low="lr", low_open=True),
)
def _declared(depth, width=4, lr=0.1, high=1.0):
    """A function whose arguments are declared once."""
    return depth, width, lr, high


class _Declared:
    @checks.checked(scale=checks.positive, block=checks.instance(nn.Module, "a helpers.nn layer"))
    def __init__(self, block, scale=1.0):
        self.block, self.scale = block, scale


def test_checked_runs_the_rules_and_gives_the_body_their_values():
    assert _declared(np.int64(3), 5.0, np.float32(0.5)) == (3, 5, 0.5, 1.0)
    got = _declared(np.int64(3), 5.0, np.float32(0.5))
    assert [type(v) for v in got] == [int, int, float, float]
    assert _declared(2, high=3) == (2, 4, 0.1, 3.0)  # defaults are checked too


def test_checked_messages_name_the_function_the_argument_what_it_got_and_what_was_expected():
    with raises(ValueError, "_declared: lr must be a finite number > 0, got 0"):
        _declared(2, lr=0)
    with raises(
        TypeError, "_declared: depth must be a whole number >= 1 and <= 1000, got the text '2'"
    ):
        _declared("2")
    with raises(ValueError, "_declared: high must be a finite number > lr = 0.5, got 0.25"):
        _declared(2, lr=0.5, high=0.25)  # a bound that is another argument
    with raises(ValueError, "_declared: the number of weights depth·width² would be 1e+09"):
        _declared(1000, 1000)  # a check of several arguments at once
    with raises(ValueError, "_Declared: scale must be a finite number > 0, got -1"):
        _Declared(nn.ReLU(), -1)  # __init__ speaks as its class
    with raises(TypeError, "_Declared: block must be a helpers.nn layer, got int"):
        _Declared(3)


def test_checked_keeps_the_signature_and_the_docstring():
    import inspect

    assert list(inspect.signature(_declared).parameters) == ["depth", "width", "lr", "high"]
    assert _declared.__doc__ == "A function whose arguments are declared once."
    assert inspect.signature(residual.plain_network).parameters["scale"].default == 1.0


@checks.checked(
    X=checks.array_like(ndim=2),
    batch=checks.optional(checks.whole(1, checks.rows_of("X"))),
    f=checks.callable_,
    where="helpers.demo",
)
def _rows(X, batch=None, f=len):
    return X, batch


def test_optional_rules_bounds_from_rows_and_a_given_name():
    X, batch = _rows([[1, 2], [3, 4]])
    assert X.dtype == np.float64 and batch is None
    assert _rows(np.ones((3, 2)), np.int64(3))[1] == 3
    with raises(ValueError, "helpers.demo: batch must be a whole number >= 1 and <= 3, got 4"):
        _rows(np.ones((3, 2)), 4)  # the bound is the rows of X, named by the rule
    with raises(ValueError, "helpers.demo: X must have 2 dimension(s), got shape (3,)"):
        _rows(np.ones(3))
    with raises(TypeError, "helpers.demo: f must be a function (a callable), got 3"):
        _rows(np.ones((3, 2)), f=3)


def test_conform_checks_a_table_of_settings_in_order():
    rules = dict(low=checks.real(), high=checks.real(low="low"))
    assert checks.conform("demo", rules, dict(low=np.float32(1), high=2, other="x")) == dict(
        low=1.0, high=2.0, other="x"
    )
    with raises(ValueError, "demo: high must be a finite number >= low = 1, got 0"):
        checks.conform("demo", rules, dict(low=1, high=0))
