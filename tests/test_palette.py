"""The series' colours stay apart for the common colour-vision deficiencies (issue 26).

Each colour is passed through the simulation of Machado, Oliveira & Fernandes (2009, "A
physiologically-based model for simulation of color vision deficiency", IEEE TVCG 15(6)), at
full severity, for protanopia, deuteranopia and tritanopia (their published matrices act on
linear RGB); two colours count as distinguishable when their CIEDE2000 difference is at least
10 (about the difference between two neighbouring Okabe-Ito colours for a viewer without a
deficiency; 1 is the smallest difference one can see side by side, 2-3 between small marks).

Checked: every pair of different colours of ``style.PALETTE`` (the roles drawn together in
the figures of 01-03) and the first eight class colours (Okabe-Ito). The last two class
colours (grey, wine) are used only by the ten-class figures of the digits, which label each
class in words as well.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from helpers.figures.style import CLASS_COLORS, PALETTE

MACHADO = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
APART = 10.0


def linear(colour) -> np.ndarray:
    c = np.asarray(to_rgb(colour))
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb_linear) -> np.ndarray:
    """CIELAB (D65) of a linear-RGB colour (sRGB primaries)."""
    xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    ) @ np.clip(rgb_linear, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1, lab2) -> float:
    """The CIEDE2000 colour difference (Sharma, Wu & Dalal 2005, whose test data pin it)."""
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dH = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    L, C = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h = h1 + h2
    elif abs(h1 - h2) <= 180:
        h = (h1 + h2) / 2
    else:
        h = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    T = (
        1
        - 0.17 * np.cos(np.radians(h - 30))
        + 0.24 * np.cos(np.radians(2 * h))
        + 0.32 * np.cos(np.radians(3 * h + 6))
        - 0.20 * np.cos(np.radians(4 * h - 63))
    )
    rotation = (
        -np.sin(np.radians(60 * np.exp(-(((h - 275) / 25) ** 2))))
        * 2
        * np.sqrt(C**7 / (C**7 + 25**7))
    )
    sL = 1 + 0.015 * (L - 50) ** 2 / np.sqrt(20 + (L - 50) ** 2)
    sC, sH = 1 + 0.045 * C, 1 + 0.015 * C * T
    dL, dC = (L2 - L1) / sL, (c2 - c1) / sC
    dH = dH / sH
    return float(np.sqrt(dL**2 + dC**2 + dH**2 + rotation * dC * dH))


@pytest.mark.parametrize(
    "lab1, lab2, expected",
    [  # Sharma, Wu & Dalal (2005), table 1, pairs 1, 7, 17 and 25
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def seen(colour, deficiency: str) -> np.ndarray:
    rgb = linear(colour)
    return lab(rgb if deficiency == "none" else np.array(MACHADO[deficiency]) @ rgb)


@pytest.mark.parametrize("deficiency", ["none", *MACHADO])
def test_the_palette_stays_apart_for_each_colour_vision_deficiency(deficiency):
    colours = sorted(set(PALETTE.values()) | set(CLASS_COLORS[:8]))
    close = [
        (a, b, round(d, 1))
        for a, b in itertools.combinations(colours, 2)
        if (d := ciede2000(seen(a, deficiency), seen(b, deficiency))) < APART
    ]
    assert not close, f"{deficiency}: colours closer than CIEDE2000 {APART}: {close}"


def test_the_simulation_finds_the_classic_red_green_confusion():
    """The check can fail: matplotlib's default green and red (tab10's C2 and C3), far apart
    for most viewers, come close for a deuteranope."""
    assert ciede2000(seen("#2ca02c", "none"), seen("#d62728", "none")) > 40
    assert ciede2000(seen("#2ca02c", "deuteranopia"), seen("#d62728", "deuteranopia")) < APART


def test_figures_draw_in_the_series_colours_not_matplotlibs_default_cycle():
    """A figure names its colours from helpers.figures.style, never matplotlib's default
    cycle ("C0".."C9", tab10) whose green and red a deuteranope cannot tell apart (the test
    above): every figure module is read for such names."""
    import ast
    import re
    from pathlib import Path

    found = []
    for path in sorted((Path(__file__).parents[1] / "helpers" / "figures").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.fullmatch(r"C\d", node.value) or "tab10" in node.value:
                    found.append(f"{path.name}:{node.lineno} {node.value!r}")
            elif isinstance(node, ast.JoinedStr) and any(
                isinstance(v, ast.Constant) and v.value == "C" for v in node.values[:1]
            ):
                found.append(f"{path.name}:{node.lineno} f-string 'C{{...}}'")
    assert not found, found
