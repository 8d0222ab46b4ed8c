"""Alt text (helpers/figures/alt.py): every figure says in words what it shows, in the
notebook, in a widget's picture and in the book."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import ipywidgets as W
import pytest
from IPython.core.interactiveshell import InteractiveShell
from matplotlib.figure import Figure
from matplotlib_inline.backend_inline import set_matplotlib_formats

from helpers.figures.alt import alt_text, describe, display_bundle, register
from helpers.ui import live
from helpers.ui.a11y import ALT_CLASS
from tools.build_book import give_figures_alt

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("0[1-5]*.ipynb"))


def small_figure() -> Figure:
    fig = Figure(figsize=(1, 1), dpi=20)
    fig.add_subplot().plot([0, 1], [1, 0])
    return fig


def test_describe_keeps_one_line_of_text_on_the_figure():
    fig = small_figure()
    assert alt_text(fig) == ""
    assert describe(fig, "  A line\n falling from 1 to 0. ") is fig
    assert alt_text(fig) == "A line falling from 1 to 0."


@pytest.mark.parametrize("text", ["", "   ", None, 3])
def test_describe_refuses_no_text(text):
    with pytest.raises(ValueError, match="describe: text must say what the figure shows"):
        describe(small_figure(), text)


def test_describe_refuses_what_is_not_a_figure():
    with pytest.raises(TypeError, match="describe: fig must be a matplotlib Figure, got str"):
        describe("figure", "a line")


def test_a_described_figure_is_shown_as_an_image_with_its_alt_text():
    fig = describe(small_figure(), 'Two "quoted" <words> & more.')
    data, metadata = display_bundle(fig, lambda f: b"\x89PNG fake bytes")
    encoded = base64.b64encode(b"\x89PNG fake bytes").decode()
    assert data["text/plain"] == 'Two "quoted" <words> & more.'
    assert data["text/html"] == (
        f'<img src="data:image/png;base64,{encoded}" '
        'alt="Two &quot;quoted&quot; &lt;words&gt; &amp; more."/>'
    )
    assert metadata == {"image/png": {"alt": 'Two "quoted" <words> & more.'}}


def test_the_image_is_the_same_whether_ipython_gives_bytes_or_base64_text():
    """IPython 7 (Colab's) gives a PNG as bytes, IPython 8 as base64 text ending in a newline:
    the stored HTML must not depend on which (nbval compares it on Colab's stack)."""
    fig = describe(small_figure(), "a line")
    raw = b"\x89PNG fake bytes"
    as_text = base64.encodebytes(raw).decode()  # with its newline
    assert display_bundle(fig, lambda f: raw) == display_bundle(fig, lambda f: as_text)


def test_a_figure_without_text_or_without_a_png_keeps_the_usual_display():
    assert display_bundle(small_figure(), lambda f: b"png") is None
    assert display_bundle(describe(small_figure(), "a line"), lambda f: None) is None


@pytest.fixture
def shell():
    """An IPython shell for this test alone (no other test of the process sees one)."""
    yield InteractiveShell.instance()
    InteractiveShell.clear_instance()


def test_the_shell_displays_a_described_figure_with_its_png_its_html_and_its_text(shell):
    set_matplotlib_formats("png")  # what %matplotlib inline registers for Figure
    assert register(shell)
    fig = describe(small_figure(), "A line falling from 1 to 0.")
    data, metadata = shell.display_formatter.format(fig)
    assert set(data) == {"image/png", "text/html", "text/plain"}
    assert data["text/plain"] == "A line falling from 1 to 0."
    assert f"base64,{data['image/png']}" in data["text/html"]  # the same PNG, once encoded
    assert metadata["image/png"]["alt"] == "A line falling from 1 to 0."
    plain, _ = shell.display_formatter.format(small_figure())
    assert "text/html" not in plain and plain["text/plain"].startswith("<Figure size")


class Line:
    """A view (helpers.ui.wiring's protocol) whose figure says which slope it draws."""

    def __init__(self):
        self.fig = small_figure()
        (self.line,) = self.fig.axes[0].lines

    def update(self, slope):
        self.line.set_ydata([0, slope])
        describe(self.fig, f"A line of slope {slope} < 2 & more.")


def test_a_panel_picture_carries_its_views_alt_text_and_follows_the_controls():
    slope = W.FloatSlider(value=0.5, min=0, max=1, description="slope")
    panel = live(Line(), {"slope": slope})
    (carrier,) = [w for w in panel.children if ALT_CLASS in w._dom_classes]
    picture = panel.children[panel.children.index(carrier) - 1]
    assert isinstance(picture, W.Image)  # the script copies it into the picture before it
    assert carrier.layout.display == "none"
    assert carrier.value == "A line of slope 0.5 &lt; 2 &amp; more."
    slope.value = 0.75
    assert html.unescape(carrier.value) == "A line of slope 0.75 < 2 & more."


def test_the_book_gives_a_figures_alt_text_to_myst_nb_and_links_its_png():
    cell = {
        "metadata": {"tags": ["x"]},
        "outputs": [
            {
                "output_type": "display_data",
                "data": {"image/png": "AAA", "text/html": "<img>", "text/plain": "A curve."},
                "metadata": {"image/png": {"alt": "A curve."}},
            },
            {"output_type": "stream", "name": "stdout", "text": "printed"},
        ],
    }
    give_figures_alt(cell)
    assert cell["metadata"] == {"tags": ["x"], "mystnb": {"image": {"alt": "A curve."}}}
    assert set(cell["outputs"][0]["data"]) == {"image/png", "text/plain"}


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_stored_figure_of_a_lesson_has_alt_text(path):
    """Every picture a lesson stores is a described figure: its alt text in the PNG's
    metadata, in its HTML form and as its plain text (not "<Figure size …>")."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    missing = []
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if "image/png" not in out.get("data", {}):
                continue
            alt = out.get("metadata", {}).get("image/png", {}).get("alt", "")
            # nbformat stores a text output as a list of lines
            data = {k: "".join(v) if isinstance(v, list) else v for k, v in out["data"].items()}
            ok = (
                alt.strip()
                and data.get("text/plain") == alt
                and f'alt="{html.escape(alt, quote=True)}"' in data.get("text/html", "")
            )
            if not ok:
                missing.append((i, "".join(cell["source"]).splitlines()[-1][:70]))
    assert not missing, f"{path.name}: figures without alt text (cell, last line): {missing}"
