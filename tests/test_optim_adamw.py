"""helpers.optim.AdamW, clip_grad_norm and warmup_cosine against hand computations (lesson 05,
going deeper: Adam and AdamW as practised in 2026)."""

import math

import numpy as np
import pytest

from helpers import nn, optim


def _param(value, grad):
    p = nn.Parameter(np.array(value, dtype=float))
    p.grad = np.array(grad, dtype=float)
    return p


def test_two_steps_of_adamw_by_hand():
    p = _param([1.0, -2.0], [0.5, -0.1])
    opt = optim.AdamW([p], lr=0.1, beta1=0.9, beta2=0.99, eps=1e-15, weight_decay=0.01)
    opt.step()
    # step 1: m = 0.1 g, v = 0.01 g², m̂ = g, v̂ = g²: the step is lr·sign(g), plus the decay
    np.testing.assert_allclose(p.data, [1.0 - 0.1 * (1 + 0.01), -2.0 - 0.1 * (-1 - 0.02)])
    w1 = p.data.copy()
    p.grad = np.array([0.25, 0.3])
    opt.step()
    g1, g2 = np.array([0.5, -0.1]), np.array([0.25, 0.3])
    m = 0.9 * 0.1 * g1 + 0.1 * g2
    v = 0.99 * 0.01 * g1**2 + 0.01 * g2**2
    step = (m / (1 - 0.9**2)) / np.sqrt(v / (1 - 0.99**2))
    np.testing.assert_allclose(p.data, w1 - 0.1 * (step + 0.01 * w1), rtol=1e-9)


def test_without_bias_correction_the_first_step_is_about_three_times_lr_when_beta_is_0_9():
    """RMSProp-style, β₁ = 0 and β₂ = 0.9: v = 0.1·g², so the step is lr·g/√(0.1 g²) = √10·lr."""
    p = _param([0.0], [-0.02])
    optim.AdamW([p], lr=0.01, beta1=0.0, beta2=0.9, eps=1e-15, bias_correction=False).step()
    np.testing.assert_allclose(p.data, [math.sqrt(10) * 0.01], rtol=1e-9)
    q = _param([0.0], [-0.02])
    optim.AdamW([q], lr=0.01, beta1=0.0, beta2=0.9, eps=1e-15).step()
    np.testing.assert_allclose(q.data, [0.01], rtol=1e-9)


def test_clip_grad_norm_scales_all_gradients_together():
    a, b = _param([0.0, 0.0], [3.0, 0.0]), _param([0.0], [4.0])
    assert optim.clip_grad_norm([a, b], max_norm=1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad, [0.6, 0.0])
    np.testing.assert_allclose(b.grad, [0.8])
    assert optim.clip_grad_norm([a, b], max_norm=2.0) == pytest.approx(1.0)
    np.testing.assert_allclose(b.grad, [0.8])  # below the limit: unchanged


def test_warmup_then_cosine():
    lrs = [optim.warmup_cosine(t, total=11, warmup=2, lr_max=1.0, lr_min=0.1) for t in range(11)]
    np.testing.assert_allclose(lrs[:3], [0.5, 1.0, 1.0])
    assert lrs[-1] == pytest.approx(0.1)
    assert lrs[2 + 4] == pytest.approx(0.55)  # halfway through the decay
    assert all(a >= b for a, b in zip(lrs[1:], lrs[2:]))
