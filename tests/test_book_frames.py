"""The book's moving figures (tools/book_frames.py, issue 25): every widget panel of the lessons
is on its page with the notebook's controls, over frames that are what the notebook's view
draws, each with its alt text, and a lesson page with its frames weighs under 3 MB.

The site is the ``book_site`` fixture's (tests/conftest.py, built once per session); the
browser checks of the same site (every control moves the picture, keyboard, names, latency)
are tests/browser/test_book_frames_browser.py.
"""

import io
import itertools
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import ipywidgets as W
import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

from helpers.figures import deep_networks  # noqa: E402
from helpers.figures.alt import alt_text  # noqa: E402
from helpers.figures.canvas import png  # noqa: E402
from tools import book_frames as frames  # noqa: E402
from tools.lessons import lesson_paths  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WIDGETS = {p.name: frames.widget_cells(json.loads(p.read_text())) for p in lesson_paths()}
BUDGET = 3_000_000  # bytes: a lesson page, its figures and its frames


# --- the controls come from the panel's widgets -----------------------------------------------


def test_a_controls_stops_labels_and_start_are_the_widgets_own():
    kind, values, labels = frames.stops_of(W.IntSlider(value=3, min=1, max=7))
    assert (kind, values, labels) == ("range", [1, 2, 3, 4, 5, 6, 7], list("1234567"))
    kind, values, labels = frames.stops_of(W.FloatSlider(min=0.5, max=3.0, step=0.05))
    assert len(values) == 51 and values[0] == 0.5 and values[-1] == 3.0 and labels[1] == "0.55"
    log = W.FloatLogSlider(value=0.5, base=10, min=-2, max=2, step=0.1)
    kind, values, labels = frames.stops_of(log)
    assert len(values) == 41 and values[0] == 0.01 and values[20] == 1.0 and values[-1] == 100
    assert labels[5] == format(10**-1.5, ".3g")
    menu = W.Dropdown(options=["sigmoid", "tanh"], value="tanh", description="activation")
    assert frames.stops_of(menu) == ("select", ["sigmoid", "tanh"], ["sigmoid", "tanh"])
    pick = W.SelectionSlider(options=[0.001, 0.01, 0.1], value=0.01)
    assert frames.stops_of(pick) == ("range", [0.001, 0.01, 0.1], ["0.001", "0.01", "0.1"])
    c = frames.control("activation", menu)
    assert (c.label, c.value, c.shown, c.complete) == ("activation", "tanh", c.stops, True)


def test_a_subset_holds_only_stops_and_the_start_value():
    lr = W.FloatLogSlider(value=0.5, base=10, min=-2, max=2, step=0.1, description="lr")
    c = frames.control("lr", lr, [0.01, 0.5, 10**0.5])
    assert c.shown == [0.01, 0.5, 10**0.5] and not c.complete  # 0.5: the start, not a stop
    assert c.labels == ["0.01", "0.5", "3.16"]
    with pytest.raises(ValueError, match="not a stop"):
        frames.control("lr", lr, [0.5, 0.2])
    with pytest.raises(ValueError, match="start value"):
        frames.control("lr", lr, [0.01, 0.1])


def test_the_grid_runs_the_last_control_fastest():
    a = frames.control("a", W.IntSlider(value=1, min=1, max=2))
    b = frames.control("b", W.Dropdown(options=["x", "y", "z"], value="x"))
    assert frames.settings_grid([a, b]) == [
        {"a": a_, "b": b_} for a_, b_ in itertools.product([1, 2], "xyz")
    ]


def test_a_block_has_labelled_native_controls_and_sends_the_rest_to_binder():
    from dataclasses import asdict

    a = frames.control("a", W.IntSlider(value=2, min=1, max=3, description="depth"))
    b = frames.control("b", W.Dropdown(options=["x", "y"], value="y", description="kind"), ["y"])
    panel = {
        "controls": [asdict(a), asdict(b)],
        "fixed": {"c": ["noise", 0.1]},
        "frames": [
            {"src": f"{n}.webp", "alt": f"frame {n}", "caption": "", "problem": ""}
            for n in range(3)
        ],
    }
    block = frames.block_html(panel, "frames/x", "frames-0", "https://binder.example/nb")
    page = Blocks(block)
    (parsed,) = page.blocks
    assert [i["id"] for i in parsed["inputs"]] == ["frames-0-a", "frames-0-b"]
    assert page.labels == {"frames-0-a": "depth", "frames-0-b": "kind"}
    assert parsed["inputs"][0]["type"] == "range" and parsed["inputs"][0]["value"] == "1"
    assert parsed["img"]["src"] == "frames/x/1.webp" and parsed["img"]["alt"] == "frame 1"
    assert parsed["data"]["frames"][2]["src"] == "frames/x/2.webp"
    assert "kind y" in block and "noise fixed at 0.1" in block
    assert '<a href="https://binder.example/nb">Run the notebook to try other settings</a>' in block
    whole = frames.note([a], {}, "https://binder.example/nb")
    assert "every setting" in whole and "binder" not in whole


def test_a_panels_show_draws_what_moving_its_controls_draws():
    from helpers.ui import live, playground_panel

    panel = live(
        deep_networks.ZigzagView(),
        {"depth": W.IntSlider(value=3, min=1, max=7), "width": W.IntSlider(value=2, min=2, max=4)},
    )
    shown = panel.parts.show(depth=5, width=3)
    moved = live(
        deep_networks.ZigzagView(),
        {"depth": W.IntSlider(value=3, min=1, max=7), "width": W.IntSlider(value=2, min=2, max=4)},
    )
    moved.parts.controls["depth"].value = 5
    moved.parts.controls["width"].value = 3
    picture = [w for w in moved.children if isinstance(w, W.Image)][0]
    assert np.array_equal(pixels(shown.png), pixels(picture.value))
    assert shown.alt == alt_text(moved.parts.view.fig) and "depth 5" in shown.alt
    assert shown.problem == "" and panel.parts.controls["depth"].value == 5

    play = playground_panel()
    state = play.parts.show(steps=40, dataset="xor", hidden_layers=1)
    pressed = playground_panel()
    pressed.parts.controls["dataset"].value = "xor"
    pressed.parts.controls["hidden_layers"].value = 1
    step = [b for b in pressed.children[1].children if getattr(b, "description", "") == "step ×20"]
    step[0].click(), step[0].click()
    image = [w for w in pressed.children if isinstance(w, W.Image)][0]
    assert np.array_equal(pixels(state.png), pixels(image.value))
    assert state.caption.startswith("step 40:") and "the xor data" in state.alt


def test_a_view_that_refuses_a_setting_gives_its_message_not_a_picture():
    from helpers.ui import live

    panel = live(deep_networks.ZigzagView(), {"depth": W.IntSlider(value=3, min=1, max=1000)})
    state = panel.parts.show(depth=1000)
    assert "ZigzagView" in state.problem and "width**depth" in state.problem
    assert panel.parts.show(depth=4).problem == ""


# --- the views describe themselves (the frames' alt text) --------------------------------------


# A view's alt text (helpers/figures/alt.py) is tested where the view is: tests/test_figures_*.py
# (two settings, two texts naming them) and tests/test_right_picture.py (a moved view's text is a
# fresh view's).


def test_a_play_button_tied_to_a_slider_becomes_a_button_beside_that_slider():
    from dataclasses import asdict
    from types import SimpleNamespace

    step = W.IntSlider(value=3, min=0, max=9, description="step")
    play = W.Play(value=3, min=0, max=9, interval=1200)
    other = W.IntSlider(value=1, min=0, max=4, description="other")
    parts = SimpleNamespace(controls={"other": other, "step": step})
    shown = [frames.control("other", other), frames.control("step", step)]
    box = W.VBox([play, W.VBox([other, step])])
    assert frames.play_of(box, parts, shown) == {
        "control": "step",
        "interval": 1200,
        "label": "Play",
    }
    assert frames.play_of(W.VBox([other, step]), parts, shown) is None  # no Play: none
    # a Play whose range is no shown slider's steps nothing on the page
    assert frames.play_of(W.VBox([W.Play(min=0, max=2)]), parts, shown) is None
    panel = {
        "controls": [asdict(c) for c in shown],
        "fixed": {},
        "frames": [
            {"src": f"{n}.webp", "alt": f"f{n}", "caption": "", "problem": ""} for n in range(50)
        ],
        "play": frames.play_of(box, parts, shown),
    }
    block = frames.block_html(panel, "frames/x", "frames-0", "https://binder.example/nb")
    row = re.search(
        r'<div class="book-frames-control">(?:(?!</div>).)*frames-0-step(?:(?!</div>).)*</div>',
        block,
    )
    assert (
        '<button type="button" class="book-frames-play" aria-controls="frames-0-step">Play</button>'
        in row.group(0)
    )
    assert Blocks(block).blocks[0]["data"]["play"]["interval"] == 1200


# --- the site ------------------------------------------------------------------------------------


class Blocks(HTMLParser):
    """The frames' blocks of a page: their controls (with labels) and their data."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.blocks, self.labels, self._data = [], {}, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and a.get("class") == "book-frames":
            self.blocks.append({"id": a["id"], "inputs": [], "img": None})
        elif self.blocks and tag in ("input", "select"):
            self.blocks[-1]["inputs"].append(a)
        elif self.blocks and tag == "img" and "book-frames-picture" in a.get("class", ""):
            self.blocks[-1]["img"] = a
        elif tag == "label" and a.get("for"):
            self.labels[a["for"]] = ""
            self._label = a["for"]
        elif tag == "script" and a.get("class") == "book-frames-data":
            self._data = []

    def handle_data(self, data):
        if self._data is not None:
            self._data.append(data)
        elif getattr(self, "_label", None):
            self.labels[self._label] += data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        if tag == "script" and self._data is not None:
            self.blocks[-1]["data"] = json.loads("".join(self._data))
            self._data = None


@pytest.fixture(scope="module")
def blocks(book_site):
    return {
        p.stem: Blocks((book_site / f"{p.stem}.html").read_text(encoding="utf-8"))
        for p in lesson_paths()
    }


def test_every_widget_cell_of_the_lessons_moves_on_its_page(book_site, blocks):
    for lesson in lesson_paths():
        page = blocks[lesson.stem]
        assert len(page.blocks) == len(WIDGETS[lesson.name]), lesson.name
        for block in page.blocks:
            data = block["data"]
            sizes = [len(c["labels"]) for c in data["controls"]]
            assert len(data["frames"]) == int(np.prod(sizes)) > 1, (lesson.name, sizes)
            assert len(block["inputs"]) == len(data["controls"])
            for inp in block["inputs"]:  # each control named by its <label for>
                assert page.labels.get(inp["id"], "").strip(), (lesson.name, inp)
            for f in data["frames"]:
                assert f["alt"].strip(), (lesson.name, f)
                assert f["src"] and (book_site / f["src"]).is_file(), (lesson.name, f)
            alts = [f["alt"] for f in data["frames"]]
            assert len(set(alts)) == len(alts), f"{lesson.name}: two settings share an alt text"
            assert block["img"]["src"] in {f["src"] for f in data["frames"]}
    # 02's step-through has the notebook's play button, beside its step slider
    (block,) = blocks["02_computational_graphs"].blocks
    assert block["data"]["play"] == {"control": "step", "interval": 1200, "label": "Play"}


def corners(data: dict):
    """The frames' indices and positions with every control at its first or last value."""
    sizes = [len(c["labels"]) for c in data["controls"]]
    for at in itertools.product(*[sorted({0, n - 1}) for n in sizes]):
        index = 0
        for p, n in zip(at, sizes):
            index = index * n + p
        yield index, at


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def reference(view, settings: dict) -> bytes:
    """What the notebook's view draws for ``settings``: the view called directly (the
    playground trained as its panel's 25 presses of "step")."""
    if isinstance(view, deep_networks.PlaygroundView):
        view.pg.set(**settings)
        while view.pg.steps < frames.PLAYGROUND_STEPS and not view.pg.diverged:
            view.pg.step(20)
        view.update()
    else:
        view.update(**settings)
    return png(view.fig)


@pytest.mark.parametrize(
    "lesson", [p for p in lesson_paths() if WIDGETS[p.name]], ids=lambda p: p.stem
)
def test_a_frame_is_what_the_notebooks_view_draws(book_site, blocks, lesson, monkeypatch):
    """At every corner of each panel's settings, a fresh view of the notebook's widget cell
    drawn directly gives the frame's pixels (through the same scaling and WebP)."""
    monkeypatch.chdir(lesson.parent)
    run = frames.Lesson(lesson)
    page = blocks[lesson.stem].blocks
    n = 0
    for cell in WIDGETS[lesson.name]:
        run.up_to(cell)
        for k, _ in enumerate(run.panels(cell)):
            data = page[n]["data"]
            names = [c["name"] for c in data["controls"]]
            shown = {c.name: c.shown for c in frames.panel_controls(run.panels(cell)[k].parts)[0]}
            for index, at in corners(data):
                settings = {name: shown[name][p] for name, p in zip(names, at)}
                view = run.panels(cell)[k].parts.view  # fresh: the cell run again
                expected = pixels(frames.encode(reference(view, settings)))
                got = pixels((book_site / data["frames"][index]["src"]).read_bytes())
                assert got.shape == expected.shape and np.array_equal(got, expected), (
                    lesson.name,
                    settings,
                )
            n += 1
        run.done = cell + 1


def test_each_lesson_page_with_its_figures_and_frames_weighs_under_3_mb(book_site):
    for lesson in lesson_paths():
        page = book_site / f"{lesson.stem}.html"
        text = page.read_text(encoding="utf-8")
        images = set(re.findall(r'src="(_images/[^"]+)"', text))
        weight = page.stat().st_size + sum((book_site / i).stat().st_size for i in images)
        folder = book_site / frames_folder(lesson)
        if folder.exists():
            weight += sum(f.stat().st_size for f in folder.iterdir())
        print(f"{lesson.stem}: {weight / 1e6:.2f} MB")
        assert weight < BUDGET, f"{lesson.name}: {weight / 1e6:.2f} MB"


def frames_folder(lesson: Path) -> str:
    return f"frames/{lesson.stem}"
