"""Tests of helpers.forward_mode: dual numbers agree with reverse mode and with sympy."""

import math
import random

import pytest
import sympy as sp

from helpers.autodiff import DomainError, Value
from helpers.forward_mode import Dual, gradient_forward


def derivative_forward(f, x):
    """df/dx at x for a function of one number, by one forward pass with dual numbers."""
    out = f(Dual(float(x), 1.0))
    return out.der if isinstance(out, Dual) else 0.0


def f(x, y, z):
    """Uses every operation, reflected forms and a reused node (u)."""
    u = x * y + 1
    return (
        (u.tanh() + (2 - z).sigmoid() * u - 1 / (z * z + 1)) ** 2
        + (x * x + 0.5).log()
        - (y / 3).exp()
        + (-u).relu() * 0.25
        + (x * x + 1) ** 0.5
    )


def test_same_gradient_as_reverse_mode():
    rng = random.Random(0)
    for _ in range(20):
        point = [rng.uniform(-2, 2) for _ in range(3)]
        vs = [Value(p) for p in point]
        out = f(*vs)
        out.backward()
        value, grads, passes = gradient_forward(f, point)
        assert passes == 3
        assert value == out.data
        assert grads == pytest.approx([v.grad for v in vs], rel=1e-12, abs=1e-14)


def test_against_sympy():
    x = sp.Symbol("x", real=True)
    expr = sp.tanh(x**3 - 2 * x) * sp.exp(-x / 2) + sp.log(x**2 + 1) / (1 + sp.exp(-x))
    d = sp.lambdify(x, sp.diff(expr, x), "math")

    def g(t):
        return (t**3 - 2 * t).tanh() * (-t / 2).exp() + (t * t + 1).log() * t.sigmoid()

    for p in (-1.7, -0.3, 0.2, 1.1, 2.5):
        assert math.isclose(derivative_forward(g, p), d(p), rel_tol=1e-12, abs_tol=1e-14)


def test_dual_arithmetic_by_hand():
    a, b = Dual(3.0, 1.0), Dual(2.0, 0.0)
    assert (a * b).der == 2.0 and (a / b).der == 0.5 and (b / a).der == pytest.approx(-2 / 9)
    assert (a**2).der == 6.0 and (-a).der == -1.0 and (5 - a).der == -1.0
    assert (2 * a + 1).val == 7.0 and (1 / a).der == pytest.approx(-1 / 9)
    assert Dual(0.0, 1.0).relu().der == 0.0  # ReLU'(0) = 0, as in autodiff
    assert repr(Dual(0.5, 1.0)) == "Dual(val=0.5, der=1.0)"


def test_errors():
    with pytest.raises(DomainError):
        Dual(-1.0, 1.0).log()
    with pytest.raises(ValueError, match="fractional"):
        Dual(-1.0, 1.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        Dual(1.0) / 0
    with pytest.raises(TypeError, match="str"):
        Dual(1.0) + "a"
    with pytest.raises(TypeError, match="list"):
        Dual([1.0])


def test_gradient_cost_counts_passes_and_operations():
    from helpers.figures.computational_graphs import cost_figure
    from helpers.forward_mode import gradient_cost

    c10, c100 = gradient_cost(10), gradient_cost(100)
    assert (c10["forward_passes"], c10["reverse_passes"]) == (10, 1)
    assert c10["forward_ops"] == 10 * c10["ops"]
    assert c100["ops"] == 3 * 100 + 2  # n products, n tanh, n sums, square, scale
    # one multiply-add per edge: 2 per product, 1 per tanh, 2 per sum, 2 square, 2 scale
    assert c100["backward_ops"] == 5 * 100 + 4
    assert c100["reverse_ops"] == c100["ops"] + c100["backward_ops"] == 806
    with pytest.raises(ValueError, match="gradient_cost: n must be a whole number >= 1"):
        gradient_cost(0)
    fig = cost_figure((1, 10, 100))
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2 and list(lines[0].get_xdata()) == [1, 10, 100]
    assert list(lines[1].get_ydata()) == [gradient_cost(n)["reverse_ops"] for n in (1, 10, 100)]
    assert "about 2.7 × one evaluation" in lines[1].get_label()


def test_reverse_mode_costs_a_small_constant_times_one_evaluation_not_2():
    """Issue 23: not "2 × ops": one evaluation plus a multiply-add per edge, about 2.7
    evaluations here (8/3 for large n), whatever n is; forward mode costs n evaluations."""
    from helpers.forward_mode import gradient_cost

    ratios = {n: gradient_cost(n)["reverse_ratio"] for n in (1, 10, 100, 1000)}
    assert ratios[1] == pytest.approx(14 / 5)
    assert ratios[1000] == pytest.approx(8006 / 3002)
    assert all(2.6 < r < 2.9 for r in ratios.values())
    assert f"{ratios[1000]:.1f}" == "2.7"
    c = gradient_cost(1000)
    assert c["forward_ops"] / c["reverse_ops"] == pytest.approx(1000 / ratios[1000])


def test_the_cost_formula_section_6_derives_the_8006_from():
    """Section 6 derives 8006 = (3n + 2) + (5n + 4) and the ratio
    (8n + 6)/(3n + 2), 2.8 at n = 1 falling to 8/3: pin the counts it states."""
    from helpers.forward_mode import gradient_cost

    for n in (1, 2, 10, 100, 1000):
        c = gradient_cost(n)
        assert c["ops"] == 3 * n + 2 and c["backward_ops"] == 5 * n + 4
        assert c["reverse_ratio"] == pytest.approx((8 * n + 6) / (3 * n + 2))
    assert gradient_cost(1000)["reverse_ops"] == 8006
    ratios = [gradient_cost(n)["reverse_ratio"] for n in (1, 10, 100, 1000)]
    assert ratios == sorted(ratios, reverse=True) and all(r > 8 / 3 for r in ratios)
