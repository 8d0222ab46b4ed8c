"""helpers.residual's infinite-width (mean-field) maps, pinned (lesson 05, going deeper)."""

import math

import numpy as np
import pytest

from helpers import residual


def test_the_relu_correlation_map_pinned():
    assert residual.relu_correlation_map(1.0) == pytest.approx(1.0)
    assert residual.relu_correlation_map(0.0) == pytest.approx(1 / math.pi)
    assert residual.relu_correlation_map(-1.0) == pytest.approx(0.0, abs=1e-15)
    assert residual.relu_correlation_map(0.5) == pytest.approx(
        (math.sqrt(0.75) + (math.pi - math.acos(0.5)) * 0.5) / math.pi
    )
    c, seen = 0.0, []
    for _ in range(10):
        c = residual.relu_correlation_map(c)
        seen.append(c)
    np.testing.assert_allclose(seen[:3], [0.31831, 0.49373, 0.60483], atol=1e-4)
    assert all(a < b < 1 for a, b in zip(seen, seen[1:]))  # towards the fixed point 1


def test_measured_cosines_follow_the_map_in_a_wide_network():
    measured = np.mean([residual.relu_cosines(20, 256, c0=0.0, seed=s) for s in range(4)], axis=0)
    c, predicted = 0.0, []
    for _ in range(20):
        c = residual.relu_correlation_map(c)
        predicted.append(c)
    assert np.max(np.abs(measured - predicted)) < 0.06


def test_critical_gains_pinned():
    assert residual.critical_gain("relu") == pytest.approx(math.sqrt(2), rel=1e-6)
    assert residual.critical_gain("sigmoid") == pytest.approx(10.15, abs=0.01)
    assert residual.gradient_factor("relu", 1.0) == pytest.approx(0.5)


def test_narrow_sigmoid_networks_need_a_larger_gain():
    """Lesson 05 prints these (median of 7 networks of 100 layers): 11.9, 11.2, 10.8."""
    gains = [residual.measured_critical_gain("sigmoid", width=w, seeds=7) for w in (32, 64, 128)]
    np.testing.assert_allclose(gains, [11.9, 11.2, 10.8], atol=0.06)
    assert gains[0] > gains[1] > gains[2] > residual.critical_gain("sigmoid")
