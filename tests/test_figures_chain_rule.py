"""Alt text of lesson 01's figures (helpers/figures/chain_rule.py): each says, from its own
parameters, what it draws and the numbers the lesson reads off it."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.calculus import FUNCTIONS
from helpers.figures import chain_rule as figures
from helpers.figures.alt import alt_text


def test_spoken_formulas_read_aloud():
    assert figures._spoken("square", "sin x") == "(sin x) squared"
    assert figures._spoken("sin", "x squared") == "sin x squared"
    assert figures._spoken("exp", "u2") == "e to the power u2"
    assert set(figures.SPOKEN) == set(FUNCTIONS)  # every menu function has its words


def test_secant_figure_alt_names_the_function_the_steps_and_the_slope():
    one = alt_text(figures.secant_figure("sin", x=1.0, hs=(1.6, 0.8, 0.4, 0.1)))
    two = alt_text(figures.secant_figure("exp", x=0.5, hs=(1.0, 0.5)))
    assert "y = sin x near x = 1" in one and "h = 1.6, 0.8, 0.4, 0.1" in one
    assert "slope 0.5403" in one and "forward difference gives 0.068" in one
    assert "y = e to the power x near x = 0.5" in two and "h = 1, 0.5;" in two
    assert "slope 1.649" in two


def test_chain_rule_view_alt_follows_its_settings():
    view = figures.ChainRuleView("square", "sin", 0.5)
    one = alt_text(view.fig)
    assert "inner g(x) = sin x and outer f(u) = u squared, at x = 0.5" in one
    assert "slope 0.959 times 0.878 = 0.841" in one and "y = (sin x) squared" in one
    view.update(f="tanh", g="cube", x=-1.2)
    two = alt_text(view.fig)
    assert "inner g(x) = x cubed and outer f(u) = tanh u, at x = -1.2" in two
    assert two == alt_text(figures.ChainRuleView("tanh", "cube", -1.2).fig)
    assert one == alt_text(figures.chain_rule_figure("square", "sin", 0.5))


def test_taylor_figure_alt_gives_each_orders_stretch():
    one = alt_text(figures.taylor_figure("sin", x=1.0))
    two = alt_text(figures.taylor_figure("exp", x=0.0, span=1.0))
    assert "y = sin x from x = -0.5 to 2.5" in one and "at x = 1 of order 1" in one
    assert "order 1 from 0.64 to 1.3, order 2 from 0.24 to 2, order 3 from -0.15 to 2.1" in one
    assert "y = e to the power x from x = -1 to 1" in two and "at x = 0 of order 1" in two


def test_difference_error_figure_alt_gives_the_errors_of_each_dtype():
    core = alt_text(
        figures.difference_error_figure("sin", 1.0, dtypes=(np.float64,), mark_steps=False)
    )
    both = alt_text(figures.difference_error_figure("cos", 0.5))
    assert "sin x at x = 1" in core and "in float64." in core and "float32" not in core
    assert "at h = 1 the errors are 0.47 (forward) and 0.086 (central)" in core
    assert "roughly 1e-08 (forward) and 4e-11 (central), near h = 1e-08 and h = 6e-06" in core
    assert "cos x at x = 0.5" in both and "In float32 the errors are lowest" in both
    assert "float32 curves lie flat at 0.48" in both  # |cos'(0.5)| = sin 0.5


def test_chain_figure_alt_lists_boxes_arrows_and_the_product():
    one = alt_text(figures.chain_figure(["square", "sin", "exp"], x=0.8))
    two = alt_text(figures.chain_figure(["tanh", "sigmoid"], x=-0.3))
    assert "x = 0.8, u1 = 0.64, u2 = 0.5972, y = 1.817" in one
    assert "x squared (local derivative 1.6)" in one
    assert "dy/dx = 1.817 times 0.8021 times 1.6 = 2.332" in one
    assert "A chain of 3 boxes" in two and "x = -0.3" in two and "tanh x" in two
    assert "sigmoid of u1" in two


def test_two_path_figure_alt_gives_both_paths_and_their_sum():
    one = alt_text(figures.two_path_figure("sin", "square", x=0.7))
    two = alt_text(figures.two_path_figure("exp", "cos", x=0.2))
    assert "u = sin x = 0.6442" in one and "v = x squared = 0.49" in one
    assert "0.49 times 0.7648 = 0.3748" in one and "their sum, 1.277" in one
    assert "x = 0.2" in two and "u = e to the power x" in two and "v = cos x" in two


@pytest.mark.parametrize("f", ["square", "relu", "sigmoid", "log", "sqrt", "cube", "cos"])
def test_every_menu_function_is_spoken_without_symbols(f):
    text = figures._spoken(f, "u")
    assert "u" in text and not any(c in text for c in "\\$^{}")
