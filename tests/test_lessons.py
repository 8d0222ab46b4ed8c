"""A lesson between two others (02b_build_your_own_engine) is found, ordered and numbered."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

from tools.lessons import EXERCISE_TITLE, lesson_number, lesson_paths  # noqa: E402


def test_lesson_2b_comes_between_02_and_03():
    names = [p.name[:3] for p in lesson_paths()]
    assert names.index("02_") + 1 == names.index("02b") == names.index("03_") - 1


@pytest.mark.parametrize(
    "name, number",
    [
        ("01_chain_rule.ipynb", "1"),
        ("02b_build_your_own_engine.ipynb", "2b"),
        ("12_later.ipynb", "12"),
    ],
)
def test_lesson_numbers(name, number):
    assert lesson_number(name) == number


def test_not_a_lesson_name_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="lesson_number: 'answers.ipynb' is not a lesson"):
        lesson_number("answers.ipynb")


def test_exercise_titles_may_carry_the_letter():
    m = EXERCISE_TITLE.search("### Exercise 2b.3 — The topological order")
    assert (m.group(2), m.group(3)) == ("2b", "3")
