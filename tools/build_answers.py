"""Build notebooks/answers.ipynb ("Answers to Exercises") from the lessons' exercises.

    python -m tools.build_answers          # rebuild it if a lesson changed, then execute it
    python -m tools.build_answers --check  # exit 1 if it is out of date with the lessons
    python -m tools.build_answers --no-execute  # rebuild only: `make execute` runs it

The lessons are the single source of truth: for each exercise the answers notebook shows the
task, the worked answer from the lesson's ``<details>`` block (its text as markdown, its
```python blocks as code cells) and then the exercise's own check cell, turned into an
``assert``, so that executing the notebook proves every answer passes its check.
Each lesson's part starts with the lesson's imports, as the learner had them, and the code
of the lesson's cells tagged ``answers-setup`` (what its answers add to: 02b's ``Value``).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools import colab
from tools.lessons import (
    NOTEBOOKS,
    PYTHON_BLOCK,
    as_assert,
    exercises,
    heading_text,
    lesson_imports,
    lesson_number,
    lesson_paths,
    load,
    sections,
    setup_code,
    source,
)

ANSWERS = NOTEBOOKS / "answers.ipynb"

INTRO = """# Answers to Exercises

Every exercise of the series, worked and explained. Try each one in its lesson first: the
answer means more once you have been stuck on it for a minute.

Each answer is followed by the exercise's own check, as an assertion: running this notebook
top to bottom proves that every answer passes its check. The notebook is generated from the
lessons' exercises by `tools/build_answers.py` (`make answers`), so edit the lessons, not
this file."""


# Every answer is complete, with its own imports, so a name may be imported again: ruff's
# "redefinition of unused name" does not apply (a file-wide directive, in the first code cell).
NOQA = "# ruff: noqa: F811 - every answer is complete, with its own imports\n"


SETUP_TEXT = (
    "The lesson's own code that the answers below add to, as you had it when the exercises began:"
)


def title(path: Path) -> str:
    heads = [s for s in sections(path) if s.level == 1]
    return heading_text(heads[0].title) if heads else path.stem


def answer_cells(answer: str, slug: str) -> list:
    """The answer's text as markdown cells and its ```python blocks as code cells, in order."""
    cells, last = [], 0
    for k, m in enumerate(PYTHON_BLOCK.finditer(answer)):
        text = answer[last : m.start()].strip()
        if text:
            cells.append(new_markdown_cell(text, id=f"{slug}-text-{k}"))
        cells.append(new_code_cell(m.group(1).rstrip("\n"), id=f"{slug}-code-{k}"))
        last = m.end()
    text = answer[last:].strip()
    if text:
        cells.append(new_markdown_cell(text, id=f"{slug}-text-end"))
    return cells


def without_markers(markdown: str) -> str:
    return re.sub(r"\s*<!--\s*define:.*?-->", "", markdown)


def build(paths: list[Path]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells.append(new_markdown_cell(INTRO, id="intro"))
    for path in paths:
        found = exercises(path)
        if not found:
            continue
        number = lesson_number(path)
        name = title(path)
        name = name if re.match(r"\d", name) else f"{number} · {name}"
        nb.cells.append(
            new_markdown_cell(
                f"## {name}\n\nThe exercises of [{path.name}]({path.name}#Exercises).",
                id=f"lesson-{number}",
            )
        )
        imports = lesson_imports(
            path, needed="\n".join(f"{ex.check}\n{ex.answer_code}" for ex in found)
        )
        if imports:
            noqa = NOQA if not any(c.cell_type == "code" for c in nb.cells) else ""
            nb.cells.append(new_code_cell(noqa + imports, id=f"lesson-{number}-imports"))
        setup = setup_code(path)
        if setup:
            nb.cells.append(new_markdown_cell(SETUP_TEXT, id=f"lesson-{number}-setup-text"))
            nb.cells.append(new_code_cell(setup, id=f"lesson-{number}-setup"))
        for ex in found:
            if ex.problems:
                raise SystemExit(f"{path.name}, {ex.title}: " + "; ".join(ex.problems))
            task = "\n\n".join(without_markers(t) for t in ex.task)
            nb.cells.append(new_markdown_cell(task, id=f"{ex.slug}-task"))
            nb.cells.extend(answer_cells(ex.answer, ex.slug))
            check = as_assert(ex.check, f"Exercise {ex.number}: the answer fails its own check")
            nb.cells.append(new_code_cell(check, id=f"{ex.slug}-check"))
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return colab.updated(nb, ANSWERS.name)  # its Colab and Binder links, its install cell


def same_cells(a, b) -> bool:
    """Whether two notebooks have the same cells (types, ids and sources; outputs aside)."""

    def key(nb):
        return [(c["cell_type"], c.get("id"), source(c)) for c in nb["cells"]]

    return key(a) == key(b)


def execute(path: Path) -> None:
    """Run the notebook top to bottom in a fresh kernel and store its outputs with
    tools/execute.py, as `make execute` does (no timing metadata, steady widget ids)."""
    subprocess.run([sys.executable, "-m", "tools.execute", str(path)], check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check that the stored answers notebook is up to date",
    )
    parser.add_argument(
        "--no-execute",
        action="store_true",
        help="write it without executing it (`make execute` will)",
    )
    args = parser.parse_args(argv)
    new = build(lesson_paths())
    stored = load(ANSWERS) if ANSWERS.exists() else {"cells": []}
    if args.check:
        if not same_cells(new, stored):
            print(f"{ANSWERS.name} is out of date with the lessons: run `make answers`")
            return 1
        print(f"{ANSWERS.name} is up to date with the lessons")
        return 0
    if same_cells(new, stored):
        print(f"{ANSWERS.name} already up to date")
        return 0
    nbformat.write(new, ANSWERS)
    if args.no_execute:
        print(f"{ANSWERS.name} rebuilt (not executed)")
        return 0
    execute(ANSWERS)
    print(f"{ANSWERS.name} rebuilt and executed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
