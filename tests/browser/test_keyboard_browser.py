"""The keyboard on a widget panel, in JupyterLab and in Jupyter Notebook 7 (issue 26).

A learner who focuses a slider (click or Tab) and presses the arrow keys expects the slider
to move; on a focused dropdown, ArrowUp/ArrowDown choose the option above or below. The
notebook's own command-mode shortcuts bind the same keys (move to the cell above/below,
collapse or expand a heading) with selectors that match a focused widget: without help,
JupyterLab takes a dropdown's ArrowUp/ArrowDown (the cell moves and the focus goes with it)
and Notebook 7, which handles keys before the widget does, takes every arrow key of a slider
too. ``helpers.ui.live`` panels carry the repair of ``helpers.ui.a11y`` (the reasons and the
upstream issues are in its docstring).

A small generated notebook holds one bare ipywidgets IntSlider and Dropdown (the upstream
behaviour, reproduced: this test fails once upstream fixes it, and then the repair can go)
and the same two controls in a ``live`` panel (which must answer every arrow key).
"""

from __future__ import annotations

import json

import pytest
from fixture_notebooks import notebook
from lab_harness import NotebookPage

# Notebook 7 logs a page error of its own: 7.6 once the kernel is idle, even for a notebook
# with no widget ('schema', issue 26 notes it); 7.2 (the floor `make floors` tests) when the
# page closes ('last_modified'). Neither is the panels' doing. Matched exactly.
NOTEBOOK7_PAGE_ERRORS = {
    "page error: Cannot read properties of undefined (reading 'schema')",
    "page error: Cannot read properties of undefined (reading 'last_modified')",
}

VIEW = '''\
import ipywidgets as W
from matplotlib.figure import Figure
from helpers.ui import live

class Bars:
    """n bars, coloured by the chosen colour: a figure that changes with both controls."""
    def __init__(self):
        self.fig = Figure(figsize=(3, 2), dpi=50)
        self.ax = self.fig.add_subplot()
        self.ax.set_xlim(0, 11)
        self.ax.set_ylim(0, 1)
    def update(self, n=5, colour="C0"):
        self.ax.clear()
        self.ax.set_xlim(0, 11)
        self.ax.bar(range(n + 1), 1.0, color=colour)
'''

BARE = """\
W.VBox([W.IntSlider(value=5, min=0, max=10, description="bare n"),
        W.Dropdown(options=["C0", "C1", "C2"], value="C0", description="bare colour")])
"""

PANEL = """\
live(Bars(), {"n": W.IntSlider(value=5, min=0, max=10, description="n"),
              "colour": W.Dropdown(options=["C0", "C1", "C2"], value="C0",
                                   description="colour")})
"""

CELLS = [VIEW, BARE, "after_bare = 1", PANEL, "after_panel = 2"]


@pytest.fixture(params=["jupyterlab", "notebook7"])
def page(request, browser_context):
    """The generated notebook, run, in the front end named by the parameter (JupyterLab: in
    the session's JupyterLab page, opened fresh; Notebook 7, a one-document front end: in a
    page of its own)."""
    lab = request.param == "jupyterlab"
    server = request.getfixturevalue("lab" if lab else "notebook7")
    rel = "keyboard/keyboard.ipynb"
    (server.root / "keyboard").mkdir(exist_ok=True)
    (server.root / rel).write_text(json.dumps(notebook(CELLS)), encoding="utf-8")
    window = request.getfixturevalue("lab_window") if lab else None
    p = NotebookPage(server, browser_context, rel, window=window)
    p.front_end = request.param
    try:
        p.open()
        p.run_all()
        p.page.wait_for_function(
            "() => document.querySelectorAll('.noUi-handle').length === 2"
            " && document.querySelectorAll('.widget-dropdown select').length === 2",
            timeout=30_000,
        )
        yield p
        errors = [
            e
            for e in p.console_errors
            if not (request.param == "notebook7" and e in NOTEBOOK7_PAGE_ERRORS)
        ]
        assert not errors, errors
        assert not p.kernel_errors() and not p.error_outputs()
    finally:
        p.close()
        server.shutdown_kernels()


WHERE = """(i) => {
  const handle = document.querySelectorAll('.noUi-handle')[i];
  const select = document.querySelectorAll('.widget-dropdown select')[i];
  return {
    cell: window.jupyterapp.shell.currentWidget.content.activeCellIndex,
    focus: document.activeElement === handle ? 'slider'
      : document.activeElement === select ? 'dropdown'
      : (document.activeElement.className || document.activeElement.tagName).slice(0, 60),
    slider: parseFloat(handle.getAttribute('aria-valuenow')),
    dropdown: select.value,
  };
}"""


def _press_all(page: NotebookPage, which: int, target: str, keys) -> list[tuple[str, dict]]:
    """Focus the slider or dropdown number ``which`` (0 bare, 1 the panel's) and press the
    keys in turn; what followed each key (waiting for the kernel's answer when one was sent)."""
    sel = ".noUi-handle" if target == "slider" else ".widget-dropdown select"
    page.page.locator(sel).nth(which).focus()
    seen = [("focus", page.js(WHERE, which))]
    for key in keys:
        sent = page.sent_count()
        page.page.keyboard.press(key)
        if page.js("(n) => window.__nbh.sent > n", sent):
            page.wait_round_trip(sent)
        seen.append((key, page.js(WHERE, which)))
    return seen


SLIDER_KEYS = [("ArrowRight", 6), ("ArrowUp", 7), ("ArrowLeft", 6), ("ArrowDown", 5)]
DROPDOWN_KEYS = [("ArrowDown", "C1"), ("ArrowDown", "C2"), ("ArrowUp", "C1")]


def test_arrow_keys_move_the_panels_slider_and_choose_in_its_dropdown(page):
    for target, keys in (("slider", SLIDER_KEYS), ("dropdown", DROPDOWN_KEYS)):
        seen = _press_all(page, 1, target, [k for k, _ in keys])
        cell = seen[0][1]["cell"]
        got = [(k, s[target], s["focus"], s["cell"]) for k, s in seen[1:]]
        want = [(k, v, target, cell) for k, v in keys]
        assert got == want, (
            f"{page.front_end}: arrow keys on the panel's focused {target}: "
            f"(key, value, focus, active cell) {got}, expected {want}"
        )
    # and the kernel has the values the page shows
    sent = page.sent_count()
    page.page.locator(".noUi-handle").nth(1).press("End")
    assert page.wait_round_trip(sent) is None


def test_bare_ipywidgets_still_lose_arrow_keys_upstream(page):
    """The upstream behaviour the repair works around, reproduced with bare ipywidgets. When
    this fails, the front end or ipywidgets has fixed it: check the issues named in
    helpers/ui/a11y.py and drop the repair where it is no longer needed."""
    seen = _press_all(page, 0, "dropdown", ["ArrowDown"])
    start, after = seen[0][1], seen[1][1]
    assert after["dropdown"] == "C0" and after["cell"] != start["cell"], (
        f"{page.front_end}: ArrowDown on a bare dropdown now chooses ({after}): fixed upstream?"
    )
    if page.front_end == "notebook7":
        seen = _press_all(page, 0, "slider", ["ArrowRight"])
        assert seen[1][1]["slider"] == seen[0][1]["slider"], (
            f"{page.front_end}: ArrowRight on a bare slider now moves it: fixed upstream?"
        )
