"""Every widget of every notebook, used the way a learner uses it, in JupyterLab + Chromium.

For each notebook in notebooks/ that makes widgets (found when the tests are collected, so a
new notebook is covered without an edit here): open it in a fresh kernel, run all cells, then
move every slider (Home, a step right, End, a step left), pick dropdown options (including the
first and last), toggle checkboxes and toggle buttons, click buttons and play Play widgets.
After each move the figure must change, each Output widget must hold exactly one figure, and
no error, traceback or stderr may appear in an output area, in the kernel's messages or in
the browser console.

Two generated notebooks prove the harness: one it must pass, one whose every panel is broken
in a different way that it must catch.
"""

from __future__ import annotations

import json
import re

import fixture_notebooks
import pytest
from lab_harness import ROOT, Report, check_notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _fail_message(report: Report) -> str:
    moves = len(report.moves)
    controls = sum(len(p["controls"]) for p in report.panels)
    return (
        f"{len(report.problems)} problem(s) after {moves} moves of {controls} controls "
        f"in {len(report.panels)} widget panels:\n  " + "\n  ".join(report.problems)
    )


def uses_widgets(path) -> bool:
    """Does the notebook make widgets (its code, or a widget view among its stored outputs)?"""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        if re.search(
            r"\bW\.[A-Z]\w*\(|widgets\.[A-Z]\w*\(|\blive\(|\binteract(ive)?\(|_panel\(", src
        ):
            return True
        if any(WIDGET_MIME in out.get("data", {}) for out in cell.get("outputs", [])):
            return True
    return False


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_widget_works_in_the_browser(path, open_page, record_report):
    if not uses_widgets(path):
        pytest.skip(f"{path.name} makes no widget (nbval runs it; nothing to click here)")
    page = open_page(f"notebooks/{path.name}")
    report = Report(path.name)
    record_report(report)
    check_notebook(page, report)
    assert not report.problems, _fail_message(report)


@pytest.fixture(scope="module")
def fixtures(lab):
    return fixture_notebooks.write(lab.root / "harness_fixtures")


def test_harness_passes_a_working_panel(fixtures, open_page):
    page = open_page(f"harness_fixtures/{fixtures['good']}")
    report = Report("harness_good")
    check_notebook(page, report)
    assert not report.problems, _fail_message(report)
    kinds = {c["kind"] for p in report.panels for c in p["controls"]}
    assert kinds == {"slider", "dropdown", "checkbox", "toggle", "button", "play"}
    assert len(report.moves) >= 18 and all(m.changed for m in report.moves)
    assert [p["outputs"] for p in report.panels] == [0, 0]  # live's Image, a hand-made Image


def test_harness_catches_broken_widgets(fixtures, open_page):
    page = open_page(f"harness_fixtures/{fixtures['broken']}")
    report = Report("harness_broken")
    check_notebook(page, report)
    text = "\n".join(report.problems)

    def problems(label):
        return [p for p in report.problems if f"'{label}'" in p and "accessibility" not in p]

    def unnamed(label):
        return [
            p
            for p in report.problems
            if f"'{label}'" in p and "accessibility" in p and "empty accessible name" in p
        ]

    assert not problems("ignored"), text  # a working slider is not blamed
    assert all("did not change" in p for p in problems("noop")) and problems("noop"), text
    assert any("ValueError: a too large" in p for p in problems("raises")), text
    assert any("hold [2] figures" in p for p in problems("piles")), text
    assert any("UserWarning: noisy update" in p for p in problems("warns")), text
    assert any("during run-all" in p and "UserWarning" in p for p in report.problems), text
    assert all("did not change" in p for p in problems("same bytes")), text
    assert len(problems("same bytes")) == 4, text
    # a slider of a panel built without helpers.ui's repair has no accessible name; one of a
    # live() panel has its label's
    assert unnamed("same bytes") and unnamed("piles"), text
    assert not unnamed("ignored") and not unnamed("raises"), text
    # a picture pushed into an ipywidgets.Image without helpers.ui has no alt text
    assert any("has no alt text" in p for p in report.problems), text


def test_the_training_widget_shows_its_run_to_the_end(open_page):
    """Notebook 03's training panel shows each change's run in chunks: the first at once,
    the others from the kernel's background task. Those must reach the page too (output
    captured with ``with out:`` outside a message handler did not)."""
    page = open_page("notebooks/03_backpropagation.ipynb")
    page.open()
    page.run_all()
    page.wait_widgets_rendered()
    page.expand_all_headings()  # the panel is in a going-deeper section
    panel = next(
        p for p in page.discover() if any(c["label"] == "learning rate" for c in p["controls"])
    )
    p = panel["panel"]
    control = {c["label"]: c for c in panel["controls"]}

    def press(label, key):
        page.page.locator(f'[data-nbh="{control[label]["id"]}"]').press(key)

    sig = page.state(p)["sig"]
    press("steps", "End")  # 600 steps: six chunks of 100
    assert page.wait_figure_change(p, sig, 20_000, settle=False)
    page.wait_figure_change(p, page.state(p)["sig"], 20_000)  # until it is still
    sig = page.state(p)["sig"]
    press("learning rate", "ArrowRight")
    assert page.wait_figure_change(p, sig, 20_000, settle=False), "nothing shown"
    first = page.state(p)["sig"]
    assert page.wait_figure_change(p, first, 20_000), (
        "the panel showed the run's first chunk and nothing after it"
    )
    assert not page.error_outputs() and not page.console_errors


def test_the_playground_answers_every_setting(open_page):
    """Notebook 04's playground: a setting for the next step says so in the status line,
    and "classes" is disabled (greyed out, with a tooltip saying why) unless the data set
    has a choice of classes."""
    page = open_page("notebooks/04_deep_networks.ipynb")
    page.open()
    page.run_all()
    page.wait_widgets_rendered()

    def playground():
        return next(
            p for p in page.discover() if any(c["label"] == "learning rate" for c in p["controls"])
        )

    panel = playground()
    p = panel["panel"]
    control = {c["label"]: c for c in panel["controls"]}
    assert control["classes"]["disabled"], "classes is enabled for the circle data set"
    tip = page.js(
        """(id) => {  // ipywidgets puts a tooltip on the widget or its label
        const w = document.querySelector(`[data-nbh="${id}"]`).closest('.widget-slider');
        return [w, ...w.querySelectorAll('[title]')].map((e) => e.getAttribute('title'))
          .filter(Boolean).join(' '); }""",
        control["classes"]["id"],
    )
    assert tip and "several blobs" in tip, f"the disabled classes slider's tooltip: {tip!r}"
    tab_stop = """(id) => document.querySelector(`[data-nbh="${id}"]`).tabIndex"""
    assert page.js(tab_stop, control["classes"]["id"]) < 0, "the disabled classes is a Tab stop"

    sig, sent = page.state(p)["sig"], page.sent_count()
    page.page.locator(f'[data-nbh="{control["learning rate"]["id"]}"]').press("ArrowRight")
    assert page.wait_round_trip(sent) is None
    page.page.wait_for_function(
        "(p) => window.__nbh.state(p).text.includes('applies from the next step')",
        arg=p,
        timeout=10_000,
    )
    assert "learning rate 0.1: applies from the next step" in page.state(p)["text"]
    assert page.state(p)["sig"] == sig  # the figure waits for the next step

    sent = page.sent_count()
    page.page.locator(f'[data-nbh="{control["data set"]["id"]}"]').select_option("several blobs")
    assert page.wait_round_trip(sent) is None
    assert page.wait_figure_change(p, sig, 10_000)
    control = {c["label"]: c for c in playground()["controls"]}
    assert not control["classes"]["disabled"], "classes stays disabled for 'several blobs'"
    page.page.wait_for_function(  # helpers.ui.a11y puts it back in the Tab order
        f"() => ({tab_stop})('{control['classes']['id']}') === 0", timeout=5_000
    )
    assert not page.error_outputs() and not page.console_errors
