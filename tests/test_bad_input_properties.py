"""Property-based: generated wrong arguments thrown at the public API of the reference maths.

For every public function and class of the reference-maths modules (a table below: each
argument with what it accepts), hypothesis generates wrong values: text that looks like a
number, None, bools, lists, NaN and ±inf, numbers out of range, fractions where a whole
number is needed, amounts of work no laptop can do. Each must raise ValueError or TypeError
whose message names the function and the argument (and say "limit" for too much work). The
same argument given as a NumPy scalar must give exactly the result of the Python number.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from timing import ends_within

from helpers import (
    approximation,
    autodiff,
    calculus,
    data,
    descent,
    forward_mode,
    generalisation,
    gradcheck,
    jacobians,
    layer_order,
    nn,
    normalisation,
    optim,
    regions,
    representations,
    residual,
    training,
)
from helpers.figures import backpropagation as backprop_figs
from helpers.figures import chain_rule as chain_rule_figs
from helpers.figures import computational_graphs as graph_figs
from helpers.figures import deep_networks as deep_figs
from helpers.figures import training_deep_networks as training_figs
from helpers.figures.deep_networks import PlaygroundView, ZigzagView
from helpers.figures.training_deep_networks import DescentView, GradientNormView
from helpers.playground import Playground

# ---- wrong values by kind of argument ---------------------------------------------------

junk = st.sampled_from(
    [
        None,
        True,
        False,
        "3",
        "0.5",
        "abc",
        [1.0],
        (2,),
        {},
        1j,
        object(),
        np.array([1.0, 2.0]),
        b"1",
    ]
)
non_finite = st.sampled_from([math.nan, math.inf, -math.inf, np.float64("nan"), np.float32("inf")])
fractions = st.floats(0.01, 100).filter(lambda v: not float(v).is_integer())
huge = st.integers(10**9, 10**15)


def whole(low, high=None):
    """Wrong values for a whole number in low..high (high: the work limit, if any)."""
    wrong = [junk, non_finite, fractions, st.integers(-(10**6), low - 1)]
    if high is not None:
        wrong.append(st.integers(high + 1, 10**15) if high < 10**15 else huge)
    return st.one_of(wrong)


def real(low=None, high=None, open_low=False, open_high=False):
    """Wrong values for a finite real number in [low, high] (or open at an end)."""
    wrong = [junk, non_finite]
    if low is not None:
        wrong.append(
            st.floats(-1e6, low, exclude_max=not open_low).filter(lambda v: v < low or open_low)
        )
    if high is not None:
        wrong.append(
            st.floats(high, 1e6, exclude_min=not open_high).filter(lambda v: v > high or open_high)
        )
    return st.one_of(wrong)


def _param():
    return [nn.Parameter(np.ones(3))]


MOONS = data.make_moons(n=20)
MAX_POINTS = getattr(data, "MAX_POINTS", 10**6)  # the limit of helpers.data
SIZE = whole(1, 1000)  # a depth, width or layer size: at least 1, at most the work limit
NETWORK = dict(depth=SIZE, width=SIZE, n_in=SIZE, n_out=SIZE, seed=whole(0))  # its sizes, seed
TOY = dict(n=20, noise=0.1, seed=1)  # a toy data set of helpers.data: its size, noise, seed
TOY_WRONG = dict(n=whole(2, MAX_POINTS), noise=real(0), seed=whole(0))

# name in the message, the call, the valid keyword arguments, {argument: wrong values}
API = [
    (
        "init_weights",
        nn.init_weights,
        dict(n_in=2, n_out=3),
        dict(n_in=whole(1, 10**8), n_out=whole(1, 10**8)),
    ),
    ("Linear", nn.Linear, dict(n_in=2, n_out=3), dict(n_in=whole(1), n_out=whole(1))),
    (
        "SGD",
        lambda **k: optim.SGD(_param(), **k),
        dict(lr=0.1, momentum=0.5, weight_decay=0.1),
        dict(lr=real(0, open_low=True), momentum=real(0, 1, open_high=True), weight_decay=real(0)),
    ),
    (
        "AdamW",
        lambda **k: optim.AdamW(_param(), **k),
        dict(lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8, weight_decay=0.1),
        dict(
            lr=real(0, open_low=True),
            beta1=real(0, 1, open_high=True),
            beta2=real(0, 1, open_high=True),
            eps=real(0, open_low=True),
            weight_decay=real(0),
        ),
    ),
    (
        "clip_grad_norm",
        lambda **k: optim.clip_grad_norm(_param(), **k),
        dict(max_norm=1.0),
        dict(max_norm=real(0, open_low=True)),
    ),
    (
        "warmup_cosine",
        optim.warmup_cosine,
        dict(step=3, total=11, warmup=2, lr_max=1.0, lr_min=0.1),
        dict(
            step=whole(0, 10**9),
            total=whole(4, 10**9),
            warmup=whole(0, 11),
            lr_max=real(0.1),
            lr_min=real(0, 1.0),
        ),
    ),
    ("make_moons", data.make_moons, TOY, TOY_WRONG),
    (
        "make_circles",
        data.make_circles,
        dict(TOY, factor=0.5),
        dict(TOY_WRONG, factor=real(0, 1, True, True)),
    ),
    ("make_xor", data.make_xor, TOY, TOY_WRONG),
    (
        "make_blobs",
        data.make_blobs,
        dict(TOY, n_classes=3),
        dict(TOY_WRONG, n=whole(3, MAX_POINTS), n_classes=whole(2, 1000)),
    ),
    (
        "make_spirals",
        data.make_spirals,
        dict(TOY, n_classes=2),
        dict(TOY_WRONG, n_classes=whole(2, 1000)),
    ),
    (
        "load_digits",
        data.load_digits,
        dict(split=0.5, seed=0),
        dict(split=real(0.002, 0.998).filter(lambda v: v is not None), seed=whole(0)),
    ),
    (
        "confusion_matrix",
        training.confusion_matrix,
        dict(y_true=[0, 1, 1], y_pred=[1, 1, 0], n_classes=2),
        dict(n_classes=whole(2, 10**4)),
    ),
    (
        "train",
        lambda **k: training.train(nn.Sequential(nn.Linear(2, 2)), *MOONS, **k),
        dict(steps=3, lr=0.1, momentum=0.5, batch=5, seed=0, weight_decay=0.0),
        dict(
            steps=whole(0, 10**5),
            lr=real(0, open_low=True),
            momentum=real(0, 1, False, True),
            batch=whole(1, 20).filter(lambda v: v is not None),
            seed=whole(0),
            weight_decay=real(0),
        ),
    ),
    (
        "train_moons",
        training.train_moons,
        dict(lr=0.1, steps=2, hidden=3, **TOY),
        dict(lr=real(0, open_low=True), steps=whole(1, 10**5), hidden=SIZE, **TOY_WRONG),
    ),
    (
        "zigzag_network",
        regions.zigzag_network,
        dict(depth=2, width=2),
        dict(depth=SIZE, width=whole(2, 1000)),
    ),
    ("gradient_cost", forward_mode.gradient_cost, dict(n=3), dict(n=whole(1, 10**5))),
    (
        "derivative",
        lambda **k: calculus.derivative(math.sin, **k),
        dict(x=0.5, h=1e-4),
        dict(
            x=st.one_of(non_finite, st.sampled_from([None, "3", "abc", b"1", {}, 1j])),
            h=real(0, open_low=True),
        ),
    ),
    (
        "chain",
        lambda **k: calculus.chain(["sin", "exp"], **k),
        dict(x=0.5),
        dict(x=st.one_of(non_finite, st.sampled_from([None, "3", "abc", [1.0, 2.0], 1j]))),
    ),
    (
        "compose",
        lambda **k: calculus.compose("sin", "exp", **k),
        dict(x=0.5),
        dict(x=st.one_of(non_finite, st.sampled_from([None, "3", "abc", [1.0, 2.0], 1j]))),
    ),
    (
        "two_paths",
        lambda **k: calculus.two_paths("sin", "exp", **k),
        dict(x=0.5),
        dict(x=st.one_of(non_finite, st.sampled_from([None, "3", "abc", [1.0, 2.0], 1j]))),
    ),
    (
        "Playground",
        lambda **k: Playground(n=40, **k),
        dict(hidden_layers=1, units=2, lr=0.03, batch=5, noise=0.1, classes=3),
        dict(
            hidden_layers=whole(0, 8),
            units=whole(1, 8),
            lr=real(0, open_low=True),
            batch=whole(1),
            noise=real(0, 10),
            classes=whole(2, 5),
        ),
    ),
    (
        "Value",
        lambda **k: autodiff.Value(**k),
        dict(data=0.5),
        dict(data=st.sampled_from([None, "3", "abc", [1.0], 1j, True, b"1"])),
    ),
]

# lessons 02-05: the gradient checker, the deep and residual networks, descent, the rest
TINY_1D = nn.Sequential(
    nn.Linear(1, 3, rng=np.random.default_rng(0)),
    nn.ReLU(),
    nn.Linear(3, 1, rng=np.random.default_rng(1)),
)
X2 = np.ones(2)
DIGITS = data.load_digits(split=0.5)
DIGITS_NET = representations.digits_network()
# a wrong point on the x axis of a lesson-01 figure
point = st.one_of(non_finite, st.sampled_from([None, "3", "abc", [1.0, 2.0], 1j]))


def _graph():
    """A small graph for the backward-pass view."""
    a = autodiff.Value(2.0)
    return a * a + a


# wrong ends of a segment in the input space of a network with one input ([1.0] is right)
point_1d = st.one_of(
    non_finite,
    st.sampled_from([None, "3", "abc", 1j, b"1", {}, True, np.array([1.0, 2.0]), [[1.0]]]),
)


def _square_sum():
    return float(np.sum(X2**2))


def tiny():
    """A new small model (training changes it)."""
    return nn.Sequential(nn.Linear(2, 2, rng=np.random.default_rng(0)))


TINY = tiny()
API += [
    (
        "numerical_gradient",
        lambda **k: gradcheck.numerical_gradient(_square_sum, X2, **k),
        dict(h=1e-6),
        dict(h=real(0, 1, open_low=True)),
    ),
    (
        "relative_error",
        lambda **k: gradcheck.relative_error(np.ones(2), np.ones(2), **k),
        dict(floor=1e-8),
        dict(floor=real(0, open_low=True)),
    ),
    (
        "check_gradients",
        lambda **k: gradcheck.check_gradients(TINY, MOONS[0][:4], **k),
        dict(h=1e-6, tol=1e-5, seed=0, worst=3),
        dict(
            h=real(0, 1, open_low=True), tol=real(0, open_low=True), seed=whole(0), worst=whole(0)
        ),
    ),
    (
        "Residual",
        lambda **k: residual.Residual(nn.Sequential(nn.Linear(2, 2)), **k),
        dict(scale=0.5),
        dict(scale=real(0, open_low=True)),
    ),
    (
        "deep_network",
        residual.deep_network,
        dict(depth=2, width=3, n_in=2, n_out=2, seed=0),
        dict(NETWORK, depth=whole(0, 1000)),
    ),
    (
        "plain_network",
        residual.plain_network,
        dict(depth=2, width=3, scale=1.0, n_in=2, n_out=1, seed=0),
        dict(NETWORK, scale=real(0, open_low=True)),
    ),
    (
        "init_table",
        residual.init_table,
        dict(depth=2, width=3, seed=0),
        dict(depth=SIZE, width=SIZE, seed=whole(0)),
    ),
    (
        "compare_residual",
        residual.compare_residual,
        dict(depth=2, width=3, steps=2, lr=0.05, momentum=0.9, n=20, seed=0),
        dict(
            depth=SIZE,
            width=SIZE,
            steps=whole(0, 10**4),
            lr=real(0, open_low=True),
            momentum=real(0, 1, False, True),
            n=whole(2, 10**4),
            seed=whole(0),
        ),
    ),
    (
        "gradient_factor",
        lambda **k: residual.gradient_factor("sigmoid", **k),
        dict(gain=3.0),
        dict(gain=real(0, 1e3, open_low=True)),
    ),
    (
        "critical_gain",
        # the sigmoid's bisection takes 0.1 s; ReLU's, whose signal has no fixed point to
        # settle at, 7 s (its every step iterates the forward pass to the limit of 3000)
        lambda **k: residual.critical_gain("sigmoid", **k),
        dict(low=5.0, high=20.0),
        dict(low=real(0, 1e3, open_low=True), high=real(1.0, 1e3, open_low=True)),
    ),
    (
        "relu_correlation_map",
        residual.relu_correlation_map,
        dict(c=0.5),
        dict(c=real(-1, 1)),
    ),
    (
        "probe_batch",
        residual.probe_batch,
        dict(n_in=3, n=4, seed=1),
        dict(n_in=whole(1, 10**4), n=whole(1, 10**4), seed=whole(0)),
    ),
    (
        "relu_cosines",
        residual.relu_cosines,
        dict(depth=2, width=3, c0=0.5, seed=0),
        dict(depth=SIZE, width=whole(2, 1000), c0=real(-1, 1), seed=whole(0)),
    ),
    (
        "measured_critical_gain",
        lambda **k: residual.measured_critical_gain("relu", **k),
        dict(width=4, depth=2, seeds=1),
        dict(width=SIZE, depth=SIZE, seeds=whole(1, 20)),
    ),
    (
        "narrow_network",
        representations.narrow_network,
        dict(depth=2, width=2, n_in=2, n_out=2, seed=0),
        NETWORK,
    ),
    (
        "digits_network",
        representations.digits_network,
        dict(seed=0, first_scale=0.1),
        dict(seed=whole(0), first_scale=real(0, open_low=True)),
    ),
    (
        "descend",
        descent.descend,
        dict(lr=0.1, steps=5, momentum=0.5, bound=1e6),
        dict(
            lr=real(0, open_low=True),
            steps=whole(0, 10**6),
            momentum=real(0, 1, False, True),
            bound=real(0, open_low=True),
        ),
    ),
    (
        "rate",
        lambda **k: descent.rate("ravine", **k),
        dict(lr=0.1, momentum=0.5),
        dict(lr=real(0, open_low=True), momentum=real(0, 1, False, True)),
    ),
    (
        "classify",
        lambda **k: descent.classify("ravine", descent.descend("ravine", lr=0.1, steps=5), **k),
        dict(lr=0.1, momentum=0.5),
        dict(  # lr=None (not known) is allowed
            lr=real(0, open_low=True).filter(lambda v: v is not None),
            momentum=real(0, 1, False, True),
        ),
    ),
    (
        "numerical_jacobian",
        lambda **k: jacobians.numerical_jacobian(np.sin, np.ones(2), **k),
        dict(h=1e-6),
        dict(h=real(0, 1, open_low=True)),
    ),
    (
        "layer_norm",
        lambda **k: normalisation.layer_norm(np.ones((2, 3)), **k),
        dict(eps=1e-5),
        dict(eps=real(0)),
    ),
    (
        "rms_norm",
        lambda **k: normalisation.rms_norm(np.ones((2, 3)), **k),
        dict(eps=1e-5),
        dict(eps=real(0)),
    ),
    (
        "RMSNorm",
        normalisation.RMSNorm,
        dict(n=3, eps=1e-5),
        dict(n=whole(2, 10**6), eps=real(0)),
    ),
    (
        "LayerNorm",
        normalisation.LayerNorm,
        dict(n=3, eps=1e-5),
        dict(n=whole(2, 10**6), eps=real(0)),
    ),
    ("split", generalisation.split, dict(n=20, seed=0), dict(n=whole(3, 10**8), seed=whole(0))),
    (
        "train_with_validation",
        lambda **k: generalisation.train_with_validation(tiny(), *MOONS, *MOONS, **k),
        dict(steps=2, lr=0.1, momentum=0.5, weight_decay=0.0),
        dict(
            steps=whole(0, 10**5),
            lr=real(0, open_low=True),
            momentum=real(0, 1, False, True),
            weight_decay=real(0),
        ),
    ),
    (
        "sgd_step_with_l2",
        lambda **k: generalisation.sgd_step_with_l2(np.ones(2), np.ones(2), **k),
        dict(lr=0.1, lam=0.01),
        dict(lr=real(0, open_low=True), lam=real(0)),
    ),
    (
        "rmsprop_step",
        lambda **k: generalisation.rmsprop_step(np.ones(2), np.ones(2), np.ones(2), **k),
        dict(lr=0.1, lam=0.01, beta=0.9, eps=1e-8),
        dict(
            lr=real(0, open_low=True),
            lam=real(0),
            beta=real(0, 1, False, True),
            eps=real(0, open_low=True),
        ),
    ),
    (
        "one_layer_interpolant",
        lambda **k: approximation.one_layer_interpolant(np.sin, **k),
        dict(a=0.0, b=1.0, n=4),
        dict(a=real(), b=real(), n=whole(1, 10**5)),
    ),
    (
        "max_error",
        lambda **k: approximation.max_error(TINY_1D, np.sin, **k),
        dict(a=0.0, b=1.0, points=11),
        dict(a=real(), b=real(), points=whole(2, 10**7)),
    ),
    (
        "multiplications",
        lambda **k: layer_order.multiplications([2, 3, 1], **k),
        dict(batch=4),
        dict(batch=whole(1)),
    ),
    (
        "memory_and_work",
        layer_order.memory_and_work,
        dict(depth=5, every=2),
        dict(depth=SIZE, every=whole(1, 5).filter(lambda v: v is not None)),
    ),
    (
        "layer_order.init",
        lambda **k: layer_order.init([2, 3, 1], **k),
        dict(seed=0),
        dict(seed=whole(0)),
    ),
    ("difference_errors", calculus.difference_errors, dict(x=1.0), dict(x=point)),
    ("rounding_plateau", calculus.rounding_plateau, dict(x=1.0), dict(x=point)),
    (
        "count_pieces",
        lambda **k: regions.count_pieces(TINY_1D, **k),
        dict(x0=0.0, x1=1.0),
        dict(x0=point_1d, x1=point_1d),
    ),
    (
        "breakpoints",
        lambda **k: regions.breakpoints(TINY_1D, **k),
        dict(x0=0.0, x1=1.0, tol=1e-12),
        dict(x0=point_1d, x1=point_1d, tol=real(0, 1)),
    ),
    (
        "train_moons_in_chunks",
        lambda **k: list(training.train_moons_in_chunks(**k)),
        dict(lr=0.1, steps=2, hidden=3, seed=0, n=20, noise=0.1),
        dict(
            lr=real(0, open_low=True),
            steps=whole(1, 10**5),
            hidden=SIZE,
            seed=whole(0),
            n=whole(2, MAX_POINTS),
            noise=real(0),
        ),
    ),
    (
        "pieces_table",
        lambda **k: regions.pieces_table(widths=(2,), seeds=range(1), **k),
        dict(max_params=20, max_pieces=50),
        dict(max_params=whole(1, 10**4), max_pieces=whole(1, 10**6)),
    ),
    (
        "units_by_purity",
        lambda **k: representations.units_by_purity(np.ones((4, 4)) + np.eye(4), np.arange(4), **k),
        dict(n=2, k=2),
        dict(n=whole(1, 4), k=whole(1, 4)),
    ),
    (
        "linear_readout_accuracy",
        lambda **k: representations.linear_readout_accuracy(
            np.eye(4), np.arange(4), np.eye(4), np.arange(4), **k
        ),
        dict(ridge=1e-3),
        dict(ridge=real(0, open_low=True)),
    ),
    (
        "standard_error",
        generalisation.standard_error,
        dict(accuracy=0.8, n=45),
        dict(accuracy=real(0, 1), n=whole(1)),
    ),
    (
        "unit_purity",
        lambda **k: representations.unit_purity(np.eye(4), np.arange(4), **k),
        dict(k=2),
        dict(k=whole(1, 4)),
    ),
    # lesson figures: a wrong setting is refused naming the figure, before anything is drawn
    ("chain_figure", chain_rule_figs.chain_figure, dict(x=0.8), dict(x=point)),
    ("chain_rule_figure", chain_rule_figs.chain_rule_figure, dict(x=0.5), dict(x=point)),
    ("secant_figure", chain_rule_figs.secant_figure, dict(x=1.0), dict(x=point)),
    ("two_path_figure", chain_rule_figs.two_path_figure, dict(x=0.7), dict(x=point)),
    (
        "difference_error_figure",
        chain_rule_figs.difference_error_figure,
        dict(x=1.0),
        dict(x=point),
    ),
    (
        "taylor_figure",
        chain_rule_figs.taylor_figure,
        dict(x=1.0, span=1.5),
        dict(x=point, span=real(0, 100, open_low=True)),
    ),
    (
        "ChainRuleView",
        chain_rule_figs.ChainRuleView,
        dict(x=0.5, half_width=1.5),
        dict(x=point, half_width=real(0, 100, open_low=True)),
    ),
    (
        "BackwardView",
        lambda **k: graph_figs.BackwardView(_graph(), **k),
        dict(step=1),
        dict(step=whole(0)),
    ),
    (
        "TrainingView",
        backprop_figs.TrainingView,
        dict(lr=0.5, steps=2, hidden=2, grid=10),
        dict(lr=real(0, open_low=True), steps=whole(1, 10**5), hidden=SIZE, grid=whole(2, 1000)),
    ),
    (
        "steepest_descent_figure",
        lambda **k: backprop_figs.steepest_descent_figure(*MOONS, **k),
        dict(lr=3.0, steps=3, arrows=3),
        dict(lr=real(0, open_low=True), steps=whole(0, 10**4), arrows=whole(1, 50)),
    ),
    (
        "misclassified_figure",
        lambda **k: backprop_figs.misclassified_figure(DIGITS[0][:3], [1, 2, 3], [1, 0, 3], **k),
        dict(max_shown=2, cols=2),
        dict(max_shown=whole(1, 100), cols=whole(1, 50)),
    ),
    (
        "first_layer_figure",
        lambda **k: deep_figs.first_layer_figure(DIGITS_NET, **k),
        dict(n=2, ncols=2, size=0.5),
        dict(n=whole(1), ncols=whole(1, 50), size=real(0, 10, open_low=True)),
    ),
    (
        "top_inputs_figure",
        lambda **k: deep_figs.top_inputs_figure(DIGITS_NET, *DIGITS[2:], layer=1, units=[0], **k),
        dict(k=2, size=0.5),
        dict(k=whole(1, 100), size=real(0, 10, open_low=True)),
    ),
    (
        "transformation_figure",
        lambda **k: deep_figs.transformation_figure(representations.narrow_network(2), *MOONS, **k),
        dict(ncols=2, size=1.0),
        dict(ncols=whole(1, 50), size=real(0, 10, open_low=True)),
    ),
    (
        "approximation_figure",
        lambda **k: deep_figs.approximation_figure(np.sin, {"net": TINY_1D}, **k),
        dict(a=0.0, b=1.0, points=11),
        dict(a=real(), b=real(), points=whole(2, 10**6)),
    ),
    (
        "descent_gallery",
        training_figs.descent_gallery,
        dict(momentum=0.5, steps=3),
        dict(momentum=real(0, 1, False, True), steps=whole(0, 10**4)),
    ),
    # the widgets' views: wrong settings are refused before anything is drawn
    (
        "ZigzagView",
        ZigzagView,
        dict(depth=2, width=2, dpi=72),
        dict(depth=SIZE, width=whole(2, 1000), dpi=real(10, 600)),
    ),
    (
        "DescentView",
        DescentView,
        dict(lr=0.1, momentum=0.5, steps=5, dpi=72),
        dict(
            lr=real(0, open_low=True),
            momentum=real(0, 1, False, True),
            steps=whole(0, 10**4),
            dpi=real(10, 600),
        ),
    ),
    (
        "PlaygroundView",
        lambda **k: PlaygroundView(Playground(n=40), **k),
        dict(res=8, tile=8, dpi=72),
        dict(res=whole(4, 400), tile=whole(4, 200), dpi=real(10, 600)),
    ),
    (
        "GradientNormView",
        GradientNormView,
        dict(scale=1.0, depth=3, width=4, dpi=72),
        dict(
            scale=real(0, open_low=True),
            depth=SIZE,
            width=SIZE,
            dpi=real(10, 600),
        ),
    ),
]
CASES = [(name, arg) for name, _, _, wrong in API for arg in wrong]

# Public callables whose numeric arguments are not in the table, and why: machinery the
# series' own code calls with fixed values (a learner does not), or arguments that may be
# Values or Duals, not numbers.
NOT_IN_TABLE = {
    "fmt": "formatting of printed numbers (the lessons' own calls)",
    "reliable_step": "analysis helper of lesson 01's figure, called with its default",
    "sizes": "helpers.checks itself",
    "network_sizes": "helpers.checks itself",
    "draw_decision_regions": "drawing helper of the lesson-03 figures (fixed resolution)",
    "grid_over": "drawing helper of the lesson-03 figures (fixed resolution)",
    "boundary_snapshots": "draws TrainingView's snapshots with a fixed resolution",
    "matrix_product_figure": "the cell size of a drawing, fixed by the lesson",
    "layout": "graph layout sweeps, internal to draw_graph",
    "projection_figure": "panel size only; the data are checked by the projection",
    "new_figure": "checks its own arguments (helpers.figures.style)",
    "Dual": "der may be a number or a Dual (forward mode)",
    "dot": "bias may be a Value (Value.dot, the fused neuron of the engine)",
    "sum": "start may be a Value (Value.sum)",
    "Config": "the playground's settings, checked by Playground.set",
    "encode_png": "machinery: the PNG encoder of the widgets",
    "fewer_ticks": "machinery: axis ticks",
    "sparse_log_ticks": "machinery: axis ticks",
    "steady_limits": "machinery: axis limits",
    "playground_panel": "machinery: the panel's chunking, fixed by the notebook",
    "live": "machinery: the layout of the controls",
    "Pictures": "machinery: the pictures live() keeps, its limits fixed by live()",
    "central_difference": "the bare formula (x and h may be arrays): the functions that call "
    "it check their arguments first (derivative, numerical_gradient, numerical_jacobian)",
}
ALIASES = {"init": "layer_order.init"}
TABLE = {name: (call, valid, wrong) for name, call, valid, wrong in API}


def _same(a, b) -> bool:
    """Equal results (arrays, tuples, dicts, layers and floats compared by value)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(
            _same(a[k], b[k]) for k in a if k not in ("model", "message")
        )
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if hasattr(a, "grad") and hasattr(a, "data"):  # a Value
        return _same(a.data, b.data) and type(a.data) is type(b.data)
    if hasattr(a, "parameters"):
        return _same([p.data for p in a.parameters()], [p.data for p in b.parameters()])
    if hasattr(a, "__dict__") and not isinstance(a, type):
        return type(a) is type(b)
    return a == b


@pytest.mark.parametrize("name, arg", CASES)
@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_wrong_argument_gets_a_clear_error(name, arg, data):
    call, valid, wrong = TABLE[name]
    bad = data.draw(wrong[arg], label=arg)
    with ends_within(3, "refusing"), pytest.raises((ValueError, TypeError)) as info:
        call(**{**valid, arg: bad})
    msg = str(info.value)
    assert name in msg, f"the message does not name {name}: {msg}"
    assert arg in msg, f"the message does not name the argument {arg}: {msg}"
    if isinstance(bad, int) and not isinstance(bad, bool) and bad > 10**8:
        assert "limit" in msg or "must be" in msg


@pytest.mark.parametrize(
    "name, arg",
    [
        (n, a)
        for n, a in CASES
        if isinstance(TABLE[n][1].get(a), (int, float)) and not isinstance(TABLE[n][1].get(a), bool)
    ],
)
@settings(max_examples=4, deadline=None, database=None)
@given(kind=st.sampled_from(["float64", "float32", "int64", "int32", "0-d array"]))
def test_numpy_scalars_work_like_python_numbers(name, arg, kind):
    call, valid, _ = TABLE[name]
    value = valid[arg]
    if kind.startswith("int") or kind == "0-d array":
        if not float(value).is_integer():
            kind = "float64"
    if kind == "float32" and name == "derivative":
        kind = "float64"  # documented: a float32 x is kept in float32 (lesson 01)
    if kind == "float32" and float(np.float32(value)) != value:
        kind = "float64"
    numpy_value = np.array(value) if kind == "0-d array" else np.dtype(kind).type(value)
    assert _same(call(**{**valid, arg: numpy_value}), _plain_result(name))


_PLAIN = {}


def _plain_result(name):
    """What ``name`` returns for its valid (plain Python) arguments: computed once per name, as
    every numpy-scalar case of it compares with the same result (``_same`` changes nothing)."""
    if name not in _PLAIN:
        call, valid, _ = TABLE[name]
        _PLAIN[name] = call(**valid)
    return _PLAIN[name]


def _numeric_arguments():
    """(callable name, argument) for every numeric default of the public API of helpers."""
    import importlib
    import inspect
    import pkgutil

    import helpers

    found = set()
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if ".exercises" in info.name:  # the checks: tests/test_exercise_robustness.py
            continue
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None) or [n for n in dir(module) if n[0] != "_"]
        for name in names:
            obj = getattr(module, name, None)
            if not callable(obj) or getattr(obj, "__module__", "") != module.__name__:
                continue
            try:
                parameters = inspect.signature(obj).parameters.values()
            except (TypeError, ValueError):
                continue
            for p in parameters:
                if isinstance(p.default, (int, float)) and not isinstance(p.default, bool):
                    found.add((ALIASES.get(name, name), p.name))
    return found


def test_every_numeric_argument_of_the_public_api_is_in_the_table():
    """The table above is the whole public API: a new function or argument must join it."""
    covered = {(name, arg) for name, _, _, wrong in API for arg in wrong}
    missing = sorted(
        (name, arg) for name, arg in _numeric_arguments() - covered if name not in NOT_IN_TABLE
    )
    assert not missing, f"not in the table of wrong arguments: {missing}"
