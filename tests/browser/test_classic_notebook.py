"""The notebooks' widgets in the classic Notebook 6.5 with Colab's versions (ipywidgets 7.7.1,
widgetsnbextension 3.6.10, IPython 7: tests/colab-constraints.txt), the closest stand-in for
Colab's own front end that runs here (there a panel holding an ``ipywidgets.Output`` showed
nothing at all).

Every widget panel must show its picture (an ``<img>`` with pixels and alt text, no Output),
and a key press on its first enabled slider must change that picture, with no error in any
output area of the notebook. Runs under `make test` (and `make colab`), which build the venv
(build/colab-venv) and name it in $COLAB_VENV; skipped without it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from lab_harness import ROOT, Lab, free_port, launch_browser

VENV = os.environ.get("COLAB_VENV")
NOTEBOOKS = sorted(
    p
    for p in (ROOT / "notebooks").glob("*.ipynb")
    if "from helpers.ui import" in p.read_text(encoding="utf-8")
)
pytestmark = pytest.mark.skipif(
    not VENV, reason="needs Colab's versions: `make test` runs it (COLAB_VENV)"
)


class ClassicNotebook(Lab):
    """A classic Notebook server (``python -m notebook``, 6.5) from another venv."""

    def __init__(self, venv: Path):
        super().__init__()
        self.venv = Path(venv).resolve()

    def start(self, timeout: float = 90) -> ClassicNotebook:
        env = dict(os.environ)
        for name in ("config", "runtime", "data"):
            (self.tmp / name).mkdir(exist_ok=True)
        env.update(
            JUPYTER_CONFIG_DIR=str(self.tmp / "config"),
            JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
            JUPYTER_DATA_DIR=str(self.tmp / "data"),
            OPENBLAS_NUM_THREADS="1",
            OMP_NUM_THREADS="1",
            PYTHONHASHSEED="0",
        )
        env.pop("MPLBACKEND", None)
        self.port = free_port()
        cmd = [
            str(self.venv / "bin" / "python"),
            "-m",
            "notebook",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--notebook-dir={self.root}",
            f"--NotebookApp.token={self.token}",
        ]
        self.launch(cmd, env)
        self._wait_ready(timeout)
        return self


PANELS_JS = """() => {
  // top-level widget boxes of every output area
  const boxes = [...document.querySelectorAll('.output_area .widget-box')]
    .filter((b) => !b.parentElement.closest('.widget-box'));
  return boxes.map((b, i) => {
    b.setAttribute('data-panel', String(i));
    const img = b.querySelector('img');
    const handles = [...b.querySelectorAll('.widget-slider .ui-slider-handle')]
      .filter((h) => !h.closest('.ui-state-disabled, .ui-slider-disabled'));
    if (handles[0]) handles[0].setAttribute('data-handle', String(i));
    return {
      panel: i,
      outputs: b.querySelectorAll('.widget-output').length,
      img: img ? {src: img.getAttribute('src'), w: img.naturalWidth,
                  alt: (img.getAttribute('alt') || '').trim()} : null,
      slider: !!handles[0],
      // the label of the slider whose handle the test presses (the first enabled one)
      label: handles[0] ? ((handles[0].closest('.widget-slider')
        .querySelector('.widget-label') || {}).textContent || '') : '',
      // helpers.ui.a11y names a jQuery UI handle by its label (aria-labelledby), as in widgets 8
      named: handles[0] ? ((document.getElementById(
        handles[0].getAttribute('aria-labelledby') || '') || {}).textContent || '') : null,
    };
  });
}"""

# What the classic Notebook's page logs by itself: a font its stylesheet names at about:blank,
# refused, and MathJax fonts that the notebook package does not ship (404). A failed load is
# checked by its response (with its URL); its bare console line is not needed.
BENIGN_CONSOLE = (
    "Access to font at 'about:blank' from origin ",
    "Failed to load resource: ",
)
BENIGN_URL = "/static/components/MathJax/fonts/"

# How many widgets the cells' outputs show (a blanked panel still counts here).
WIDGET_OUTPUTS_JS = """() => Jupyter.notebook.get_cells()
  .filter((c) => c.cell_type === 'code')
  .flatMap((c) => c.output_area.outputs)
  .filter((o) => o.data && o.data['application/vnd.jupyter.widget-view+json']).length"""

ERRORS_JS = """() => [...document.querySelectorAll('.output_error, .output_stderr, .live-error')]
  .map((e) => e.textContent.slice(0, 300))"""


@pytest.fixture(scope="module")
def server():
    nb = ClassicNotebook(VENV).start()
    try:
        yield nb
    finally:
        nb.cleanup()


@pytest.fixture(scope="module")
def browser(playwright_session):
    """A browser of the run's one Playwright (conftest.py: a second cannot start beside it)."""
    b = launch_browser(playwright_session)
    try:
        yield b
    finally:
        b.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_panel_shows_its_picture_and_answers_a_slider(path, server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console = []
    page.on(
        "console",
        lambda m: (
            m.type == "error" and not m.text.startswith(BENIGN_CONSOLE) and console.append(m.text)
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and BENIGN_URL not in r.url and console.append(f"{r.status} {r.url}")
        ),
    )
    try:
        # The widget manager's first question to a new kernel ("which widgets do you hold?", a
        # comm_info request) waits in the kernel's queue behind every cell a Run All sent
        # before it; when it is answered the manager re-renders every cell holding a widget
        # and so blanks the panels already shown (widgetsnbextension 3.6: the removed view
        # empties the output's model_id, and the re-render hides it; upstream:
        # https://github.com/jupyter-widgets/ipywidgets/issues/3770). A learner rarely presses
        # Run All within those milliseconds of the kernel's start; the test waits, as they do.
        answered = []
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived",
                lambda f: (
                    (b"comm_info_reply" if isinstance(f, bytes) else "comm_info_reply") in f
                    and answered.append(True)
                ),
            ),
        )
        page.goto(f"{server.url}/notebooks/notebooks/{path.name}?token={server.token}")
        page.wait_for_function(
            "() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
            " && Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.kernel.widget_manager",
            timeout=90_000,
        )
        deadline = time.monotonic() + 30
        while not answered:
            assert time.monotonic() < deadline, (
                f"{path.name}: no answer to the widget manager's question for the kernel's widgets"
            )
            page.wait_for_timeout(50)
        page.evaluate("() => Jupyter.notebook.execute_all_cells()")
        page.wait_for_function(
            """() => Jupyter.notebook.get_cells()
                 .filter((c) => c.cell_type === 'code' && c.get_text().trim())
                 .every((c) => typeof c.input_prompt_number === 'number')""",
            timeout=300_000,
            polling=500,
        )
        page.wait_for_function(
            """() => [...document.querySelectorAll('.output_area .widget-box img')]
                 .every((i) => i.complete && i.naturalWidth > 0)""",
            timeout=30_000,
        )
        panels = page.evaluate(PANELS_JS)
        assert panels, f"{path.name}: no widget panel rendered"
        shown = page.evaluate(WIDGET_OUTPUTS_JS)
        assert len(panels) == shown, f"{path.name}: {shown} widgets shown, {len(panels)} rendered"
        for p in panels:
            where = f"{path.name} panel {p['panel']}"
            assert p["outputs"] == 0, f"{where}: holds an ipywidgets.Output"
            assert p["img"] and p["img"]["w"] > 0, f"{where}: shows no picture"
            # helpers.ui.a11y copies the view's alt text into the picture (widgets 7 too)
            assert len(p["img"]["alt"].split()) >= 3, f"{where}: alt {p['img']['alt']!r}"
            if not p["slider"]:
                continue
            assert p["named"] and p["named"] == p["label"], f"{where}: handle named {p['named']!r}"
            before = p["img"]["src"]
            page.locator(f'[data-handle="{p["panel"]}"]').press("ArrowRight")
            page.wait_for_function(
                """([i, before]) => {
                     const img = document.querySelector(`[data-panel="${i}"] img`);
                     return img.getAttribute('src') !== before && img.complete
                       && img.naturalWidth > 0; }""",
                arg=[p["panel"], before],
                timeout=60_000,
            )
        assert page.evaluate(ERRORS_JS) == [], f"{path.name}: errors shown"
        assert console == [], f"{path.name}: browser console errors:\n" + json.dumps(console)
    finally:
        page.close()
