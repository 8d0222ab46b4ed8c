"""The going-deeper sections open collapsed in JupyterLab, as a learner sees the lesson.

``tests/test_core_path.py`` checks the metadata; this checks what JupyterLab makes of it: every
``Going deeper:`` heading is shown collapsed, the cells of its section are hidden, and no core
cell is.
"""

from __future__ import annotations

import pytest
from lab_harness import ROOT

from tools.lessons import DEEPER_HEADING, deeper_cells, lesson_paths, load, source

LESSONS = lesson_paths(ROOT / "notebooks")

STATE = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.widgets;
  return cells.map(c => ({
    collapsed: c.node.classList.contains('jp-MarkdownHeadingCollapsed'),
    hidden: c.node.classList.contains('lm-mod-hidden') || c.isHidden,
  }));
}"""


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_going_deeper_sections_open_collapsed_in_jupyterlab(path, open_page):
    page = open_page(f"notebooks/{path.name}")
    page.open()
    shown = page.js(STATE)
    cells = load(path)["cells"]
    deeper = deeper_cells(path, exercises=False)  # deeper exercises are not collapsed
    assert len(shown) == len(cells)
    for i, (cell, is_deeper, seen) in enumerate(zip(cells, deeper, shown)):
        if cell["cell_type"] == "markdown" and DEEPER_HEADING.match(source(cell)):
            assert seen["collapsed"], f"{path.name}, cell {i}: a deeper heading not collapsed"
        elif is_deeper:
            assert seen["hidden"], f"{path.name}, cell {i}: a deeper cell is shown"
        else:
            assert not seen["hidden"], f"{path.name}, cell {i}: a core cell is hidden"
    assert any(s["collapsed"] for s in shown), f"{path.name}: nothing is collapsed"
