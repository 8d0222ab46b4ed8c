"""nbgrader round trip: a lesson → instructor (source) notebook → students' version → grades.

In a throw-away course folder: ``tools/nbgrader_source.py`` writes the source notebook,
``nbgrader generate_assignment`` makes the students' (release) version, and ``nbgrader
autograde`` grades two submissions: the instructor's version must score full marks, the
unanswered students' version zero, and every one of its cells must still run.

nbgrader runs ``alembic`` (a console script next to the Python that runs nbgrader) when it
creates a course's gradebook; with the virtualenv's ``bin`` not on PATH the first command in
a new course fails half-way and a rerun "works" with a gradebook missing its alembic version.
So nbgrader is run here with that ``bin`` first on PATH, as an activated virtualenv would.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

from tools.lessons import exercises, hints, source  # noqa: E402
from tools.nbgrader_source import source_notebook, write_source  # noqa: E402

pytest.importorskip("nbgrader", reason="nbgrader is in the `test` extra: pip install -e .[test]")

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "09_fixture.ipynb"
FIRST = ROOT / "notebooks" / "01_chain_rule.ipynb"
# The round trip runs on the first lesson once it has its exercises, on the fixture before.
LESSON = FIRST if FIRST.exists() and exercises(FIRST) else FIXTURE


def nbgrader(course: Path, *args: str) -> str:
    env = dict(
        os.environ,
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    run = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run.stdout + run.stderr


def cells_of(path: Path) -> list:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_source_notebook_marks_solutions_and_graded_checks():
    nb = source_notebook(FIXTURE)
    meta = [c.metadata.get("nbgrader") for c in nb.cells]
    solutions = [c for c, m in zip(nb.cells, meta) if m and m["solution"]]
    graded = [c for c, m in zip(nb.cells, meta) if m and m["grade"]]
    assert [c.metadata.nbgrader["grade_id"] for c in solutions] == ["ex9-1-answer", "ex9-2-answer"]
    assert [c.metadata.nbgrader for c in graded] == [
        {
            "grade": True,
            "grade_id": f"ex9-{k}-check",
            "locked": True,
            "points": 1,
            "schema_version": 3,
            "solution": False,
            "task": False,
        }
        for k in (1, 2)
    ]
    first = solutions[0].source
    assert first.startswith('def dfdx(x):\n    """The derivative of sin(x**2) at x."""')
    assert "### BEGIN SOLUTION\nimport numpy as np" in first and first.endswith("### END SOLUTION")
    assert graded[1].source == (
        'assert check_value("slope of x**3 at x = 2", predicted_slope, '
        '12.0), "Exercise 9.2 is not solved yet: see the feedback above"'
    )
    assert not any("<details>" in c.source for c in nb.cells), "answers must not reach students"
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    write_source(LESSON, course)
    name = LESSON.stem
    nbgrader(course, "generate_assignment", name)
    release = course / "release" / name / LESSON.name
    for student, version in [
        ("instructor", course / "source" / name / LESSON.name),
        ("learner", release),
    ]:
        (course / "submitted" / student / name).mkdir(parents=True)
        shutil.copy(version, course / "submitted" / student / name / LESSON.name)
    # Every cell of the lesson takes a few seconds at most. nbclient (which nbgrader runs)
    # now and then misses the reply to a cell that makes widgets (jupyter/nbclient#312) and
    # waits for the whole timeout: 60 s bounds what that costs (the cell then shows a
    # timeout error; no graded cell makes widgets, so the scores are not affected).
    nbgrader(course, "autograde", name, "--Execute.timeout=60")
    yield course


def test_release_version_has_stubs_and_no_answers(course):
    release = cells_of(course / "release" / LESSON.stem / LESSON.name)
    text = "\n".join(source(c) for c in release)
    assert "BEGIN SOLUTION" not in text and "<details>" not in text
    for ex in exercises(LESSON):
        assert ex.code.rstrip() in text, f"{ex.title}: the students' version lacks the stub"
        body = [ln for ln in ex.answer_code.splitlines() if ln.startswith("    return")]
        assert not any(ln in text for ln in body), f"{ex.title}: the answer leaked"
    graded = [c for c in release if c["metadata"].get("nbgrader", {}).get("grade")]
    assert len(graded) == len(exercises(LESSON))
    assert all(c["metadata"]["nbgrader"]["locked"] for c in graded)


def scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {
            s: (
                gb.find_submission(LESSON.stem, s).score,
                gb.find_submission(LESSON.stem, s).max_score,
            )
            for s in ("instructor", "learner")
        }


def test_instructor_version_scores_full_marks(course):
    score, top = scores(course)["instructor"]
    assert top == len(exercises(LESSON)) and score == top


def test_unanswered_students_version_scores_zero(course):
    score, top = scores(course)["learner"]
    assert top == len(exercises(LESSON)) and score == 0


def test_unanswered_students_version_still_executes(course):
    """Every cell ran; only the graded checks failed, each after printing its hint."""
    graded = cells_of(course / "autograded" / "learner" / LESSON.stem / LESSON.name)
    for i, cell in enumerate(c for c in graded if c["cell_type"] == "code"):
        assert cell["execution_count"] == i + 1, f"code cell {i + 1} did not run"
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        if cell["metadata"].get("nbgrader", {}).get("grade"):
            assert [e["ename"] for e in errors] == ["AssertionError"]
            printed = "".join("".join(o.get("text", "")) for o in cell["outputs"])
            assert "not done yet" in printed, f"no hint printed: {printed!r}"
        else:
            assert not errors, f"{source(cell)[:80]!r} raised {errors[0]['ename']}"
    assert all(hints(ex.code) for ex in exercises(LESSON))
