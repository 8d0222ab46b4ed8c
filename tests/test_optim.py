"""helpers.optim.AdamW, clip_grad_norm and warmup_cosine against hand computations (lesson 05,
going deeper: Adam and AdamW as practised in 2026), and the lesson's AdamW run."""

import math

import numpy as np
import pytest

from helpers import data, nn, optim, residual


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


def _lesson_train_adamw(net, X, y, steps=300, warmup=30, lr_max=0.01, clip=1.0, weight_decay=1e-4):
    """Lesson 05's ``train_adamw``: full-batch AdamW with warm-up, cosine decay and clipping
    at the global norm ``clip``. Returns the losses and the steps whose gradient was clipped
    (the lesson counts them: ``clipped += clip_grad_norm(...) > clip``)."""
    opt = optim.AdamW(net.parameters(), lr=lr_max, weight_decay=weight_decay)
    loss_fn, losses, clipped = nn.SoftmaxCrossEntropy(), [], []
    for t in range(steps):
        opt.lr = optim.warmup_cosine(t, steps, warmup, lr_max, lr_min=1e-4)
        losses.append(loss_fn.forward(net.forward(X), y))
        net.backward(loss_fn.backward(), input_grad=False)
        if optim.clip_grad_norm(net.parameters(), clip) > clip:
            clipped.append(t)
        opt.step()
    return losses, clipped


def test_lesson_claim_adamw_fits_the_moons_below_0_01_with_3_of_150_steps_clipped():
    """Lesson 05: 150 steps of AdamW (warm-up 15) on the 100-block residual network start at
    loss 0.571 and end below 0.01 at accuracy 100 %; the gradient is clipped in 3 of the 150
    steps, the first ones. SGD with momentum (lr 0.05) does as well: below 0.01, 100 %."""
    X, y = data.make_moons(n=200, noise=0.1, seed=0)
    net_adam = residual.deep_network(100, 16, residual=True, seed=0)
    losses, clipped = _lesson_train_adamw(net_adam, X, y, steps=150, warmup=15)
    assert len(losses) == 150 and f"{losses[0]:.3f}" == "0.571"
    assert losses[-1] < 0.01
    assert nn.accuracy(net_adam.forward(X), y) == 1.0
    assert len(clipped) == 3 and clipped == [0, 1, 2]  # "3 of 150", "the first ones"
    net_sgd = residual.deep_network(100, 16, residual=True, seed=0)
    sgd_losses = residual.train(net_sgd, X, y, steps=150, lr=0.05)
    assert len(sgd_losses) == 150 and f"{sgd_losses[0]:.3f}" == "0.571"
    assert sgd_losses[-1] < 0.01 and nn.accuracy(net_sgd.forward(X), y) == 1.0
