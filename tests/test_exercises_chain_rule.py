"""The checks of notebook 01's exercises accept the answers and reject the usual mistakes."""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from helpers.exercises import chain_rule as E

# --- the answers, as in the notebook's <details> blocks --------------------------------


def flat_points():
    return (math.pi / 2, math.pi)


def bump_slope(x):
    return math.exp(-x**2 / 2) * (-x)


def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


def dz_dx(x):
    u, v = math.exp(x), math.cos(x)
    du_dx, dv_dx = math.exp(x), -math.sin(x)
    return v * du_dx + u * dv_dx


def float32_step():
    return float(np.finfo(np.float32).eps) ** (1 / 3)


def todo(*args, **kwargs):
    raise NotImplementedError("a hint for the learner")


@pytest.mark.parametrize("check,answer", [
    (E.check_flat_points, flat_points),
    (E.check_bump_slope, bump_slope),
    (E.check_central_difference, central_difference),
    (E.check_two_path_slope, dz_dx),
    (E.check_float32_step, float32_step),
])
def test_answers_pass_and_todo_prints_the_hint(check, answer, capsys):
    assert check(answer) is True
    assert "✓" in capsys.readouterr().out
    assert check(todo) is False
    out = capsys.readouterr().out
    assert "not done yet" in out and "a hint for the learner" in out


def test_flat_points_feedback(capsys):
    assert not E.check_flat_points(lambda: (math.pi / 2, 3.0))
    assert "where is the outer slope" in capsys.readouterr().out
    assert not E.check_flat_points(lambda: (1.0, math.pi))
    assert "where is the inner slope" in capsys.readouterr().out
    assert not E.check_flat_points(lambda: (0.0, math.pi / 2))
    assert "strictly between 0 and 3.5" in capsys.readouterr().out
    assert not E.check_flat_points(lambda: math.pi)
    assert "expected two numbers" in capsys.readouterr().out
    assert not E.check_flat_points(lambda: (1.0, 2.0, 3.0))
    assert E.check_flat_points(lambda: [np.pi, np.pi / 2])    # any order, NumPy numbers


@pytest.mark.parametrize("wrong,hint", [
    (lambda x: math.exp(-x**2 / 2), "not the inner one"),
    (lambda x: -x, "not the outer one"),
    (lambda x: x * math.exp(-x**2 / 2), "sign is wrong"),
    (lambda x: -x * math.exp(x), "must be taken at g(x)"),
    (lambda x: 0.0, "wrong at"),
])
def test_bump_slope_feedback(wrong, hint, capsys):
    assert not E.check_bump_slope(wrong)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("wrong,hint", [
    (lambda f, x, h=1e-5: (f(x + h) - f(x)) / h, "forward difference"),
    (lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h, "divide by 2h"),
    (lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 * h, "multiplies by h"),
    (lambda f, x, h=1e-5: "slope", "not a number"),
    (lambda f, x, h=1e-5: 1 / 0, "ZeroDivisionError"),
    (3, "expected a function"),
])
def test_central_difference_feedback(wrong, hint, capsys):
    assert not E.check_central_difference(wrong)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("wrong,hint", [
    (lambda x: math.cos(x) * math.exp(x), "only the path through u"),
    (lambda x: -math.exp(x) * math.sin(x), "only the path through v"),
    (lambda x: math.exp(x) * math.sin(x), "wrong at"),
])
def test_two_path_feedback(wrong, hint, capsys):
    assert not E.check_two_path_slope(wrong)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("wrong,hint", [
    (lambda: 1e-5, "too small"),
    (lambda: 1e-8, "too small"),
    (lambda: 0.3, "too large"),
    (lambda: 0.0, "finite number > 0"),
    (lambda: "5e-3", "expected a number"),
])
def test_float32_step_feedback(wrong, hint, capsys):
    assert not E.check_float32_step(wrong)
    assert hint in capsys.readouterr().out


def test_float32_error_inside_the_accepted_range_is_below_what_the_check_says():
    lo, hi = E.FLOAT32_RANGE
    worst = max(E.float32_central_error(h) for h in np.geomspace(lo, hi, 200))
    assert worst < E.ERROR_AT_BEST


def test_float32_error_is_smaller_inside_the_accepted_range():
    inside = E.float32_central_error(5e-3)
    assert inside < E.float32_central_error(1e-6) and inside < E.float32_central_error(0.3)


# --- the notebook itself: every answer block passes its check, every open exercise runs ---

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_chain_rule.ipynb"


def exercises_in_notebook():
    """(title, exercise source, check source, answer code) for each exercise of notebook 01."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    found = []
    for i, cell in enumerate(cells):
        if "check" not in cell["metadata"].get("tags", []):
            continue
        exercise, answer = cells[i - 1], cells[i + 1]
        title = "".join(cells[i - 2]["source"]).splitlines()[0]
        assert "exercise" in exercise["metadata"].get("tags", []), title
        text = "".join(answer["source"])
        assert text.startswith("<details><summary>Answer</summary>"), title
        blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
        assert len(blocks) == 1, title
        found.append((title, "".join(exercise["source"]), "".join(cell["source"]), blocks[0]))
    return found


def test_notebook_has_three_to_five_exercises():
    titles = [t for t, *_ in exercises_in_notebook()]
    assert 3 <= len(titles) <= 5
    assert titles == [f"### Exercise 1.{k} — {t.split(' — ', 1)[1]}"
                      for k, t in enumerate(titles, start=1)]


@pytest.mark.parametrize("title,exercise,check,answer", exercises_in_notebook(),
                         ids=lambda v: v if isinstance(v, str) and v.startswith("###") else "")
def test_notebook_answers_pass_and_open_exercises_do_not(title, exercise, check, answer,
                                                         capsys):
    ns = {"checks": E}
    exec(answer, ns)
    exec(check, ns)
    assert ns["ok"] is True, capsys.readouterr().out
    ns = {"checks": E}
    exec(exercise, ns)
    exec(check, ns)
    assert ns["ok"] is False
    assert "not done yet. Hint:" in capsys.readouterr().out
