"""Input-to-pixels latency of every widget, in JupyterLab and headless Chromium, against its floor.

Run by ``make bench`` (needs /usr/bin/chromium: ``apt-get install -y chromium``). Four parts,
all in one JupyterLab server and one browser:

1. Every control of every widget panel of every notebook in notebooks/, against **the floor**:
   a panel put under each widget panel (in a copy of the notebook) whose slider only swaps two
   ready PNGs of that panel's size in an ``ipywidgets.Image`` (as ``helpers.ui.live`` shows its
   picture). Each control makes N moves to settings it has not had (**first visits**: a slider
   one step on, or to an end; a dropdown's next option; a button's click) and then N moves
   back to a setting seen before (**back**: one step to a neighbour it had), and every move
   comes after a move of the floor panel under it (round robin: the load of a shared machine
   weighs on both alike). Each is timed from the input event (key press, change, click) to the
   new figure painted (the new PNG decoded and two animation frames later). The next move
   starts once the kernel has answered and a view that works in chunks (``updates``: a
   training shown as it runs) has shown its last chunk; such a move is timed to its first
   new picture. A move that changes no figure but the panel's text (the playground's
   "applies from the next step") is timed to that text. Printed: each control's median
   above the floor (the median over its moves of each move's time less that of the floor
   move just before it: a pair sees the same load), against the targets of issue 25 (back:
   at most +40 ms; first visit: at most +100 ms), the floor, and the load average.
2. The update mechanisms side by side on the same slider, in one generated notebook: the
   series' ``helpers.ui.live`` (update the artists, PNG into an ``ipywidgets.Image``; until
   December 2026 into an Output with ``clear_output(wait=True)``), the same with
   ``display(fig)`` (the inline backend's PNG,
   ``bbox_inches="tight"``: two draws), a brand-new figure per change, a PNG pushed into an
   ``ipywidgets.Image``, and
   ipympl (only if it can be imported: ``--ipympl-prefix DIR`` points at a
   ``pip install --prefix DIR --no-deps ipympl`` made for the measurement); and the older
   floor, two ready PNGs shown in an Output.
3. Dragging (and with ``--drag`` every slider of part 1): a slider is dragged across in 25
   small steps; counted are the figures the learner sees during and after the drag, and the
   time from releasing the mouse to the last figure (stale updates queued behind an expensive
   callback would show as a long tail).
4. Frames in the notebook: 02's step and 04's depth answered without the kernel (every
   setting drawn once by the view, as the book's frames are; a ``jslink`` from the slider to
   a ``W.Stack`` of the pictures), against the same views live and the floor, round robin.

Prints medians and worst cases; ``--json FILE`` also writes them (bench/results/ is ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import lab_harness as H  # noqa: E402

TARGET_MS, LINE_TARGET_MS = 150, 100

MECHANISMS_NB = r'''
%matplotlib inline
import io, time
import numpy as np
import ipywidgets as W
from IPython.display import display, Image
from helpers.figures.style import new_figure
from helpers.ui import live

class LineView:
    """A plain line plot in the series' style: one curve, one point, updated in place."""
    def __init__(self, x=0.5):
        self.fig = new_figure(1, 1)
        ax = self.fig.axes[0]
        self.t = np.linspace(-3, 3, 400)
        (self.curve,) = ax.plot(self.t, np.sin(self.t))
        (self.point,) = ax.plot([x], [np.sin(x)], "o", color="black")
        ax.set_xlabel("x"); ax.set_ylabel("y"); ax.set_ylim(-2.2, 2.2)
        self.update(x)
    def update(self, x):
        self.curve.set_ydata(np.sin(self.t - x) * (1 + x / 4))
        self.point.set_data([x], [np.sin(0.0) * (1 + x / 4)])

try:
    from helpers.figures.chain_rule import ChainRuleView
    def PanelsView(x=0.5):
        return ChainRuleView(f="square", g="sin", x=x)
except ImportError:             # the series without notebook 01's view: fall back
    PanelsView = None

def slider():
    return W.FloatSlider(value=0.5, min=-2.0, max=2.0, step=0.05, description="x")

def png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()

def m_live(make):
    return live(make(), {"x": slider()})

def in_output(show):
    """A slider whose every change calls show(x) inside an Output, which keeps one picture
    (clear_output(wait=True)): the frame of the mechanisms below that display()."""
    s, out = slider(), W.Output()
    def redraw(_=None):
        with out:
            out.clear_output(wait=True)
            show(s.value)
    s.observe(redraw, names="value")
    redraw()
    return W.VBox([s, out])

def m_new_figure(make):
    return in_output(lambda x: display(make(x).fig))   # a brand-new Figure on every change

def m_display_fig(make):
    """live() as it was first written: display(fig), i.e. the inline backend's PNG
    (bbox_inches="tight": the figure is drawn twice)."""
    view = make()
    def show(x):
        view.update(x=x)
        display(view.fig)
    return in_output(show)

def m_image_widget(make):
    s, view = slider(), make()
    img = W.Image(format="png")
    def redraw(_=None):
        view.update(x=s.value)
        img.value = png(view.fig)
    s.observe(redraw, names="value")
    redraw()
    return W.VBox([s, img])

try:
    import ipympl.backend_nbagg as nbagg
except ImportError:
    nbagg = None

def m_ipympl(make):
    s, view = slider(), make()
    canvas = nbagg.Canvas(view.fig)
    nbagg.FigureManager(canvas, id(view))
    canvas.header_visible = False
    canvas.toolbar_visible = False
    def redraw(_=None):
        view.update(x=s.value)
        canvas.draw_idle()
    s.observe(redraw, names="value")
    return W.VBox([s, canvas])

class TinyView:
    """No drawing at all: two small PNGs made once, shown in turn (the floor of the round
    trip: comm message, kernel, Output widget, browser decode and paint)."""
    def __init__(self, x=0.5):
        self.pngs = []
        for c in ("red", "blue"):
            v = LineView(); v.curve.set_color(c); self.pngs.append(png(v.fig))
        self.fig = None
        self.x = x
    def update(self, x):
        self.x = x

def m_floor(make):
    view = TinyView()
    def show(x):
        view.update(x=x)
        display(Image(view.pngs[round(x / 0.05) % 2]))
    return in_output(show)

class Slow:
    """An expensive callback (0.3 s of work per update) on a line plot; counts its calls."""
    calls = 0
    def __init__(self):
        self.inner = LineView()
        self.fig = self.inner.fig
    def update(self, x):
        Slow.calls += 1
        time.sleep(0.3)
        self.inner.update(x)
'''


def mechanism_cells(ipympl: bool) -> list[str]:
    cells = [MECHANISMS_NB, "# m_floor none\nm_floor(None)"]
    names = ["m_live", "m_display_fig", "m_new_figure", "m_image_widget"]
    if ipympl:
        names.append("m_ipympl")
    for view in ("LineView", "PanelsView"):
        for m in names:
            cells.append(f"# {m} {view}\n{view} and {m}({view})")
    cells.append("live(Slow(), {'x': slider()})  # drag: continuous_update=True")
    cells.append(
        "s = slider(); s.continuous_update = False\n"
        "live(Slow(), {'x': s})  # drag: continuous_update=False"
    )
    return cells


def write_notebook(path: Path, cells: list[str]):
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": c,
                "outputs": [],
                "execution_count": None,
                "id": f"b{i}",
            }
            for i, c in enumerate(cells)
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def alternating_actions(page: H.NotebookPage, control: dict, n: int):
    """n actions that each change the value and come back: right/left, option a/b, on/off."""
    kind = control["kind"]
    if kind == "slider":
        v = page.js("(id) => window.__nbh.sliderValue(id)", control["id"])
        first, second = (
            ("ArrowLeft", "ArrowRight") if v["now"] >= v["max"] else ("ArrowRight", "ArrowLeft")
        )
        if control.get("vertical"):
            first = first.replace("Right", "Up").replace("Left", "Down")
            second = second.replace("Right", "Up").replace("Left", "Down")
        return [("key", first if i % 2 == 0 else second) for i in range(n)]
    if kind == "dropdown":
        opts = control["options"]
        current = page.page.locator(f'[data-nbh="{control["id"]}"]').input_value()
        other = next((o for o in opts if o != current), None)
        return (
            []
            if other is None
            else [("select", other if i % 2 == 0 else current) for i in range(n)]
        )
    if kind in ("checkbox", "toggle"):
        return [("click", "toggle")] * n
    if kind == "button":
        return [("click", "click")] * n
    return []


def drag(
    page: H.NotebookPage, panel: dict, control: dict, steps: int = 25, step_ms: float = 40
) -> dict:
    """Drag a slider's handle across its track; count figures and time the tail."""
    handle = page.page.locator(f'[data-nbh="{control["id"]}"]')
    handle.scroll_into_view_if_needed()
    track = page.js(
        """(id) => { const t = document.querySelector(`[data-nbh="${id}"]`)
        .closest('.noUi-target').getBoundingClientRect();
        return {x: t.x, y: t.y, w: t.width, h: t.height}; }""",
        control["id"],
    )
    box = handle.bounding_box()
    y = box["y"] + box["height"] / 2
    x0, x1 = track["x"] + 2, track["x"] + track["w"] - 2
    page.js("(p) => window.__nbh.watch(p)", panel["panel"])
    sent0 = page.sent_count()
    page.page.mouse.move(box["x"] + box["width"] / 2, y)
    page.page.mouse.down()
    page.page.mouse.move(x0, y, steps=3)
    for i in range(1, steps + 1):
        page.page.mouse.move(x0 + (x1 - x0) * i / steps, y)
        time.sleep(step_ms / 1000)
    page.page.mouse.up()
    page.wait_round_trip(sent0, timeout_ms=60_000)
    # settled: the kernel idle, no chunked run going on, and no new figure for 1.5 s
    last = -1
    while True:
        res = page.js(
            "(p) => ({n: window.__nbh.watching.changes.length,"
            " idle: window.__nbh.kernelStatus() === 'idle' && !window.__nbh.running(p)})",
            panel["panel"],
        )
        if res["n"] == last and res["idle"]:
            break
        last = res["n"]
        time.sleep(1.5)
    w = page.js("() => window.__nbh.unwatch()")
    tail = (w["changes"][-1] - w["up"]) if w["changes"] and w["up"] is not None else None
    after_up = sum(1 for t in w["changes"] if w["up"] is not None and t > w["up"])
    return {"figures": len(w["changes"]), "after_release": after_up, "release_to_last_ms": tail}


def fmt(ms):
    return "   -  " if ms is None else f"{ms:6.0f}"


def summarize(times):
    if not times:
        return None, None
    return statistics.median(times), max(times)


#: The floor cell put after every widget cell of a notebook in part 1: a slider that only
#: swaps two ready PNGs in an ``ipywidgets.Image`` (as ``helpers.ui.live`` shows its picture),
#: in a panel with the same keyboard repair. The PNGs are the picture of the panel above it
#: and that picture's negative (the same size, about the same bytes), encoded as ``live``
#: encodes them: the browser decodes as much as for the panel's own moves.
FLOOR_CELL = r"""# bench floor: two ready PNGs swapped (no drawing)
import io as _io
import ipywidgets as _W
import numpy as _np
from PIL import Image as _PIL
from helpers.figures.canvas import encode_png as _encode
from helpers.ui.a11y import Panel as _Panel, keyboard_and_names as _keys

def _first_image(w):
    if isinstance(w, _W.Image):
        return w
    for c in getattr(w, "children", ()):
        found = _first_image(c)
        if found is not None:
            return found

# the picture of the panel above (the newest output holding one), or a plain figure's
_img = next(
    (f for f in (_first_image(o) for o in reversed(list(Out.values()))) if f is not None), None
)
if _img is not None:
    _png = _img.value
else:
    from helpers.figures.canvas import png as _png_of
    from helpers.figures.style import new_figure as _new_figure
    _fig = _new_figure(1, 1)
    _fig.axes[0].plot([0, 1], [0, 1])
    _png = _png_of(_fig)
_rgba = _np.array(_PIL.open(_io.BytesIO(_png)).convert("RGBA"))
_neg = _rgba.copy()
_neg[..., :3] = 255 - _neg[..., :3]
_floor_pngs = [_encode(_rgba), _encode(_neg)]
_floor_slider = _W.IntSlider(value=0, min=0, max=1000, description="bench floor")
_floor_image = _W.Image(value=_floor_pngs[0], format="png")
_floor_slider.observe(
    lambda ch, pngs=_floor_pngs, im=_floor_image: setattr(im, "value", pngs[ch["new"] % 2]),
    names="value",
)
_Panel([_keys(), _floor_slider, _floor_image])
"""


def with_floors(src: Path, dst: Path) -> dict[int, int]:
    """Copy the notebook ``src`` to ``dst`` with a floor cell after every widget cell (a cell
    that makes a ``live`` panel or the playground's); returns {cell in dst: cell in src}."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    cells, where = [], {}
    for i, cell in enumerate(nb["cells"]):
        where[len(cells)] = i
        cells.append(cell)
        text = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
        code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
        if any("live(" in line or "playground_panel(" in line for line in code):
            cells.append(
                {
                    "cell_type": "code",
                    "metadata": {},
                    "source": FLOOR_CELL,
                    "outputs": [],
                    "execution_count": None,
                    "id": f"benchfloor{i}",
                }
            )
    nb["cells"] = cells
    dst.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return where


def arrow(control: dict, right: bool) -> str:
    key = "ArrowRight" if right else "ArrowLeft"
    return key.replace("Right", "Up").replace("Left", "Down") if control.get("vertical") else key


class Visits:
    """The moves of one control, each to a setting it has not had (``first``) or to one it had
    (``back``), chosen from the values seen so far (read from the page after every move)."""

    def __init__(self, page: H.NotebookPage, control: dict):
        self.page, self.c, self.step = page, control, None
        self.right = None  # the way a slider's last arrow move went (None: a jump to an end)
        self.seen = [self.value()]

    def value(self):
        c = self.c
        if c["kind"] == "slider":
            return self.page.js("(id) => window.__nbh.sliderValue(id)", c["id"])["now"]
        if c["kind"] == "dropdown":
            return self.page.page.locator(f'[data-nbh="{c["id"]}"]').input_value()
        return None

    def was_seen(self, v) -> bool:
        if isinstance(v, str):
            return v in self.seen
        tol = (self.step or 1e-9) / 2
        return any(abs(v - s) < tol for s in self.seen)

    def moved(self, before):
        now = self.value()
        if self.c["kind"] == "slider" and self.step is None and now != before:
            self.step = abs(now - before)
        self.seen.append(now)

    def first(self):
        """An action to a value not seen yet, or None."""
        c = self.c
        if c["kind"] == "dropdown":
            new = [o for o in c["options"] if o not in self.seen]
            return ("select", new[0]) if new else None
        if c["kind"] != "slider":
            return None
        v = self.page.js("(id) => window.__nbh.sliderValue(id)", c["id"])
        if self.step is None:
            self.right = v["now"] < v["max"]
            return ("key", arrow(c, self.right))
        for right, key, target in (
            (True, arrow(c, True), v["now"] + self.step),
            (False, arrow(c, False), v["now"] - self.step),
            (None, "End", v["max"]),
            (None, "Home", v["min"]),
        ):
            if v["min"] - 1e-9 <= target <= v["max"] + 1e-9 and not self.was_seen(target):
                self.right = right
                return ("key", key)
        return None

    def can_go_back(self) -> bool:
        if self.c["kind"] == "dropdown":
            return len(set(self.seen)) > 1
        return self.c["kind"] == "slider" and self.right is not None

    def back(self):
        """An action to a value seen before: a slider one step back the way its last move came
        (then forth, and so on: both seen), a dropdown's option before this one; or None."""
        c = self.c
        if not self.can_go_back():
            return None
        if c["kind"] == "dropdown":
            now = self.value()
            return ("select", next(o for o in reversed(self.seen) if o != now))
        self.right = not self.right
        return ("key", arrow(c, self.right))


def timed(page, report, panel, control, action, results: list) -> H.Move:
    mv = H._one_move(page, report, panel, control, action, True, 5_000)
    if mv.ms is not None:
        results.append(mv.ms)
    for msg in mv.problems:
        report.add(f"panel {panel['panel']}, {control['label']}: {msg}")
    return mv


def time_visits(page, report, panel, control, floor, n) -> dict:
    """n first visits, then n moves back to settings seen before, each after a floor move of
    the floor panel under it (round robin: the machine's load weighs on both alike). Buttons
    (a training step, a reset) are clicked n times: every click is new work."""
    timing = VisitTimes(page, report, panel, control, floor)
    if control["kind"] == "button":
        for _ in range(n):
            timing.move(("click", "click"), "first")
        return timing.out
    visits = Visits(page, control)
    if not timing.visit(visits, visits.first, "first", n):
        return timing.out  # a setting for the next step that says nothing: not timed
    if not visits.can_go_back() and (action := visits.first()) is not None:
        before = visits.value()  # one untimed first visit next to the last: somewhere to go back
        H._one_move(page, report, panel, control, action, False, 5_000)
        visits.moved(before)
    timing.visit(visits, visits.back, "back", n)
    return timing.out


class VisitTimes:
    """The times of a control's moves (``out``: "first", "back", "floor", and the pairs of
    each move with the floor move just before it), each move after a move of the floor
    panel."""

    def __init__(self, page, report, panel, control, floor):
        self.page, self.report, self.panel, self.control = page, report, panel, control
        self.floor, self.floor_control, self.right = floor, floor["controls"][0], True
        self.out = {"first": [], "back": [], "floor": [], "text_only": False, "unchanged": 0}
        self.out["pairs"] = {"first": [], "back": []}  # (the floor move's ms, the move's ms)

    def floor_move(self):
        """One step of the floor's slider, the other way each time; its ms or None."""
        times, c = [], self.floor_control
        timed(self.page, self.report, self.floor, c, ("key", arrow(c, self.right)), times)
        self.right = not self.right
        self.out["floor"] += times
        return times[0] if times else None

    def move(self, action, kind: str):
        """A floor move, then ``action`` on the control, timed as a ``kind`` move."""
        out = self.out
        before = self.floor_move()
        times = []
        mv = timed(self.page, self.report, self.panel, self.control, action, times)
        if mv.text_only:
            out["text_only"] = True
            out["text"] = out.get("text", []) + times
        else:
            out[kind] += times
        if times and before is not None:
            out["pairs"][kind].append((before, times[0]))
        out["unchanged"] += not mv.changed and not mv.text_changed
        return mv

    def visit(self, visits, next_action, kind: str, n: int) -> bool:
        """Up to ``n`` timed moves to the settings ``next_action`` gives; False when first
        visits find a setting for the next step that says nothing (two moves unchanged)."""
        for _ in range(n):
            action = next_action()
            if action is None:
                break
            before = visits.value()
            self.move(action, kind)
            visits.moved(before)
            if kind == "first" and self.out["unchanged"] >= 2 and not self.out["first"]:
                return False
        return True


@contextlib.contextmanager
def notebook_run(lab, ctx, rel: str, name: str):
    """``(page, report)``: the notebook ``rel`` opened in a new page of the browser and run;
    after, the page closed and the kernels shut down, then the report's problems printed."""
    page = H.NotebookPage(lab, ctx, rel)
    report = H.Report(name)
    try:
        page.open()
        page.run_all()
        page.expand_all_headings()  # panels in going-deeper sections open collapsed
        yield page, report
    finally:
        page.close()
        lab.shutdown_kernels()
    for msg in report.problems:
        print(f"   problem: {msg}")


def med(times):
    return statistics.median(times) if times else None


def bench_notebooks(lab, ctx, n, results, pattern="*", drags=False):
    notebooks = sorted((ROOT / "notebooks").glob(f"{pattern}.ipynb"))
    print(
        f"\n== 1. every control of every widget panel, against a floor panel under it ({n} "
        "first visits and n moves back to a setting seen before, each after a floor move)"
    )
    print(
        f"{'notebook':24s} {'panel/control':30s} {'floor':>6s} {'first':>6s} {'back':>6s}"
        f"  {'above floor: first':>18s} {'back':>5s}  load"
    )
    for nb in notebooks:
        bench_notebook(lab, ctx, nb, n, results, drags)


def bench_notebook(lab, ctx, nb: Path, n, results, drags):
    """Part 1 for one notebook: a copy with a floor panel under each widget panel, run, and
    every control of every panel timed against its floor."""
    rel = f"notebooks/bench_{nb.name}"
    where_in_src = with_floors(nb, lab.root / rel)
    floor_cells = sorted(set(range(max(where_in_src) + 1)) - set(where_in_src))
    with notebook_run(lab, ctx, rel, nb.name) as (page, report):
        # every widget panel and its floor drawn (a training's first picture can be slow)
        page.wait_widgets_rendered([c - 1 for c in floor_cells] + floor_cells, timeout_ms=180_000)
        panels = page.discover()
        shown = {p["cell"] for p in panels}
        for c in floor_cells:
            if c - 1 not in shown or c not in shown:
                print(
                    f"{nb.name[:24]:24s} cell {where_in_src[c - 1]}: its panel or its floor "
                    "is not shown: not timed",
                    flush=True,
                )
        for p, c, floor, cell in controls_to_time(nb.name, panels, where_in_src):
            v = time_visits(page, report, p, c, floor, n)
            d = drag(page, p, c) if drags and c["kind"] == "slider" else None
            row = control_row(nb.name, cell, c, v, d)
            results.append(row)
            where = f"cell {cell} {c['label']}"
            print(f"{nb.name[:24]:24s} {where:30.30s} {row_line(row, v, d)}", flush=True)


def controls_to_time(name: str, panels, where_in_src):
    """``(panel, control, the floor panel under it, the panel's cell in the notebook)`` for
    every control of a widget panel that has a floor, but start/stop buttons (their slider
    is timed) and a disabled control (said)."""
    floors = {p["cell"]: p for p in panels if p["cell"] not in where_in_src}
    for p in panels:
        floor = floors.get(p["cell"] + 1)
        if p["cell"] in floors or floor is None:
            continue
        cell = where_in_src[p["cell"]]
        for c in p["controls"]:
            where = f"cell {cell} {c['label']}"
            if c["kind"] in ("toggle", "play"):  # start/stop: the slider is timed
                continue
            if c.get("disabled"):  # greyed out: it does not apply now
                print(f"{name[:24]:24s} {where:30.30s} disabled", flush=True)
                continue
            yield p, c, floor, cell


def control_row(name: str, cell: int, c: dict, v: dict, d) -> dict:
    """A control's result: its medians (floor, first, back, each above the floor), the
    load, its times ``v`` and its drag ``d``."""
    row = {
        "notebook": name,
        "cell": cell,
        "control": c["label"],
        "kind": c["kind"],
        "text_only": v["text_only"],
        "floor_ms": med(v["floor"]),
        "first_ms": med(v["first"] or v.get("text", [])),
        "back_ms": med(v["back"]),
        "first_worst_ms": max(v["first"], default=None),
        "n_first": len(v["first"]),
        "n_back": len(v["back"]),
        "load": os.getloadavg()[0],
        "times": v,
        "drag": d,
    }
    for k in ("first", "back"):
        # each move less the floor move just before it: the load drifts, and a pair sees the
        # same load
        row[f"{k}_above_ms"] = med([ms - f for f, ms in v["pairs"][k]])
    return row


def row_line(row: dict, v: dict, d) -> str:
    """A control's printed numbers, and a note on what it answers with or its drag."""
    note = " (answers in its status line)" if v["text_only"] else ""
    if not v["first"] and not v["back"] and not v["text_only"]:
        note = " (figure unchanged: a setting for the next step)"
    if d is not None:
        note += (
            f" drag: {d['figures']} figures, {d['after_release']} after the "
            f"release, the last {fmt(d['release_to_last_ms']).strip()} ms after"
        )
    return (
        f"{fmt(row['floor_ms'])} {fmt(row['first_ms'])} {fmt(row['back_ms'])}  "
        f"{fmt(row['first_above_ms']):>18s} {fmt(row['back_above_ms']):>5s}  "
        f"{row['load']:.1f}{note}"
    )


def bench_mechanisms(lab, ctx, n, ipympl, results):
    path = lab.root / "bench" / "mechanisms.ipynb"
    write_notebook(path, mechanism_cells(ipympl))
    print(f"\n== 2. update mechanisms, same slider, {n} moves each (input to pixels)")
    print(f"{'figure':12s} {'mechanism':16s} {'median':>6s} {'worst':>6s}  vs live")
    with notebook_run(lab, ctx, "bench/mechanisms.ipynb", "mechanisms") as (page, report):
        page.wait_widgets_rendered()
        panels = page.discover()
        source = mechanism_cells(ipympl)
        runs = []
        for p in panels:
            first = source[p["cell"]].splitlines()[0]
            if first.startswith("# m_"):
                _, mech, view = first.split()
                runs.append((p, mech, view, alternating_actions(page, p["controls"][0], n), []))
        # Round robin, one move per mechanism in turn, so that the load of a shared machine
        # weighs on every mechanism alike.
        for i in range(n):
            for p, _mech, _view, actions, times in runs:
                mv = H._one_move(page, report, p, p["controls"][0], actions[i], True, 5_000)
                if mv.ms is not None:
                    times.append(mv.ms)
        mechanism_results(runs, results)
        print("\n== 3. dragging a slider whose callback takes 0.3 s (25 steps over ~1 s)")
        for p in panels:
            if "Slow()" in source[p["cell"]]:
                slow_drag(page, p, source[p["cell"]], results)


def mechanism_results(runs, results):
    """Each mechanism's median and worst move, and its ratio to ``live``'s on its figure."""
    base = {}
    for _p, mech, view, _actions, times in runs:
        med, worst = summarize(times)
        if mech == "m_live":
            base[view] = med
        ratio = f"{med / base[view]:5.2f}x" if med and base.get(view) else ""
        print(f"{view:12s} {mech[2:]:16s} {fmt(med)} {fmt(worst)}  {ratio}", flush=True)
        results.append(
            {
                "figure": view,
                "mechanism": mech[2:],
                "median_ms": med,
                "worst_ms": worst,
                "n": len(times),
            }
        )


def slow_drag(page, p, src: str, results):
    """Part 3: the slider of a slow callback's panel dragged; the figures seen and the time
    from the release to the last one."""
    label = "continuous_update=" + ("False" if "False" in src else "True")
    page.js("() => 0")
    d = drag(page, p, p["controls"][0])
    print(
        f"{label:26s} figures seen {d['figures']:3d}, after release "
        f"{d['after_release']:2d}, release to last figure "
        f"{fmt(d['release_to_last_ms'])} ms",
        flush=True,
    )
    results.append({"drag": label, **d})


FRAMES_NB = r"""
import sys
import ipywidgets as W
from helpers.figures.computational_graphs import BackwardView
from helpers.figures.deep_networks import ZigzagView
from helpers.ui import live
from helpers.ui.a11y import Panel, keyboard_and_names

sys.path.insert(0, ROOT + "/tests")
from lecture_neuron import lecture_neuron


def backward_view():
    return BackwardView(lecture_neuron(), step=3, title="Backward pass through a neuron")


def backward_live():
    n = backward_view().n_steps
    step = W.IntSlider(value=3, min=0, max=n - 1, description="step")
    return live(backward_view(), {"step": step})


def backward_frames():
    # every step's picture drawn once, as the book's frames are (parts.show); the slider picks
    # one in the browser (jslink to a Stack): the kernel is not asked
    maker = backward_live()
    n = maker.parts.view.n_steps
    stack = W.Stack(
        [W.Image(value=maker.parts.show(step=s).png, format="png") for s in range(n)],
        selected_index=3,
    )
    step = W.IntSlider(value=3, min=0, max=n - 1, description="step (frames)")
    W.jslink((step, "value"), (stack, "selected_index"))
    return Panel([keyboard_and_names(), step, stack])


def zigzag_live():
    return live(ZigzagView(), {
        "depth": W.IntSlider(value=3, min=1, max=7, description="depth"),
        "width": W.IntSlider(value=2, min=2, max=4, description="width"),
    })


def zigzag_frames():
    maker = zigzag_live()
    depth = W.SelectionSlider(options=list(range(1, 8)), value=3, description="depth (frames)")
    width = W.SelectionSlider(options=[2, 3, 4], value=2, description="width (frames)")
    inner = []
    for d in range(1, 8):
        pictures = [W.Image(value=maker.parts.show(depth=d, width=w).png, format="png")
                    for w in (2, 3, 4)]
        stack = W.Stack(pictures, selected_index=0)
        W.jslink((width, "index"), (stack, "selected_index"))
        inner.append(stack)
    outer = W.Stack(inner, selected_index=2)
    W.jslink((depth, "index"), (outer, "selected_index"))
    return Panel([keyboard_and_names(), W.HBox([depth, width]), outer])
"""

#: Arms a probe for a panel whose pictures are all there and one is shown (a Stack): t0 is
#: the key press, t1 two animation frames after another picture became the visible one and
#: was decoded.
FRAMES_PROBE_JS = """(p) => {
  const el = window.__nbh.panelEl(p);
  const visible = () => [...el.querySelectorAll('img')].filter((i) => i.offsetParent !== null);
  const sig = () => visible().map((i) => i.src).join(',');
  const st = {t0: null, t1: null, base: sig()};
  window.__framesProbe = st;
  document.addEventListener('keydown', (ev) => { if (st.t0 === null) st.t0 = ev.timeStamp; },
    {capture: true, once: true});
  const obs = new MutationObserver(() => {
    if (st.pending) return;
    const now = sig();
    if (now === st.base || now === '') return;
    st.pending = true;
    obs.disconnect();
    Promise.all(visible().map((i) => i.decode().catch(() => 0))).then(() =>
      requestAnimationFrame(() => requestAnimationFrame(() => { st.t1 = performance.now(); })));
  });
  obs.observe(el, {subtree: true, attributes: true, childList: true});
}"""


def frames_move(page: H.NotebookPage, panel: dict, control: dict, key: str) -> float | None:
    """A key press on a frames panel's control, timed to the new picture painted (the kernel
    is not waited for: it is not asked)."""
    page.js(FRAMES_PROBE_JS, panel["panel"])
    page.page.locator(f'[data-nbh="{control["id"]}"]').press(key)
    try:
        page.page.wait_for_function("() => window.__framesProbe.t1 !== null", timeout=5_000)
    except Exception:  # noqa: BLE001 - playwright TimeoutError: no new picture
        return None
    st = page.js("() => window.__framesProbe")
    page.wait_round_trip(page.sent_count() - 1)  # the slider's own sync message, answered
    return st["t1"] - st["t0"]


def bench_frames(lab, ctx, n, results):
    """Part 4: a view with a small parameter space answered from frames in the notebook (every
    setting's picture drawn once by the view, shown by a jslink to a ``W.Stack``: no kernel)
    against the live view, and the floor, round robin in one notebook."""
    cells = [
        f"ROOT = {str(ROOT)!r}\n" + FRAMES_NB,
        "# live backward\nbackward_live()",
        "# frames backward\nbackward_frames()",
        "# live zigzag\nzigzag_live()",
        "# frames zigzag\nzigzag_frames()",
        FLOOR_CELL,
    ]
    path = lab.root / "bench" / "frames.ipynb"
    write_notebook(path, cells)
    print(
        f"\n== 4. frames in the notebook (a slider jslinked to a Stack of the view's pictures, "
        f"no kernel) against the live view, {n} moves each, round robin (input to pixels)"
    )
    with notebook_run(lab, ctx, "bench/frames.ipynb", "frames") as (page, report):
        page.wait_widgets_rendered()
        panels = {cells[p["cell"]].splitlines()[0]: p for p in page.discover()}
        floor = next(p for k, p in panels.items() if k.startswith("# bench floor"))

        def first_control(head):
            return panels[head], panels[head]["controls"][0], []

        runs = {
            "floor": (floor, floor["controls"][0], []),
            "02 step, live": first_control("# live backward"),
            "02 step, frames": first_control("# frames backward"),
            "04 depth, live": first_control("# live zigzag"),
            "04 depth, frames": first_control("# frames zigzag"),
        }
        for i in range(n + 2):  # the first two moves of each: first visits (live), not counted
            for name, (p, c, times) in runs.items():
                key = arrow(c, i % 2 == 0)
                if name.endswith("frames"):
                    ms = frames_move(page, p, c, key)
                else:
                    mv = H._one_move(page, report, p, c, ("key", key), True, 5_000)
                    ms = mv.ms
                if i >= 2 and ms is not None:
                    times.append(ms)
        floor_ms = med(runs["floor"][2])
        for name, (_p, _c, times) in runs.items():
            m = med(times)
            above = (
                "" if name == "floor" or m is None else f"  {m - floor_ms:+5.0f} above the floor"
            )
            print(f"{name:18s} {fmt(m)} ms (worst {fmt(max(times, default=None))}){above}")
            results.append({"what": name, "median_ms": m, "times": times})


def bench_kernel_side(n, results):
    """What the kernel spends per move, without a browser: the same views, in this process."""
    from IPython.core.pylabtools import print_figure

    ns = {}
    exec(MECHANISMS_NB.replace("%matplotlib inline", ""), ns)  # the views of part 2
    xs = [0.5 + 0.05 * (i % 2) for i in range(n)]
    print(f"\n== 0. kernel side per move, no browser ({n} moves each, medians in ms)")
    print(
        f"{'figure':12s} {'update':>7s} {'+ inline PNG':>13s} {'+ savefig PNG':>14s} "
        f"{'new figure + inline PNG':>24s}"
    )
    for name in ("LineView", "PanelsView"):
        make = ns[name]
        if make is None:
            continue
        view = make()
        cases = {
            "update": lambda x, v=view: v.update(x=x),
            # what display(fig) does under %matplotlib inline: bbox_inches="tight"
            "inline": lambda x, v=view: (
                v.update(x=x),
                print_figure(v.fig, "png", bbox_inches="tight"),
            ),
            "savefig": lambda x, v=view: (v.update(x=x), ns["png"](v.fig)),
            "new": lambda x, m=make: print_figure(m(x).fig, "png", bbox_inches="tight"),
        }
        times = {k: [] for k in cases}
        for x in xs:  # round robin: the machine's load hits all alike
            for k, fn in cases.items():
                t = time.perf_counter()
                fn(x)
                times[k].append((time.perf_counter() - t) * 1e3)
        med = {k: statistics.median(v) for k, v in times.items()}
        print(
            f"{name:12s} {med['update']:7.1f} {med['inline']:13.1f} {med['savefig']:14.1f} "
            f"{med['new']:24.1f}"
        )
        results.append({"figure": name, **{f"{k}_ms": v for k, v in med.items()}})


def playground_panel_at(rev: str):
    """``playground_panel`` as ``helpers/ui/playground.py`` was at git revision ``rev``,
    loaded under another module name beside today's (a before and after in one process: the
    same view, canvas and playground, only the panel's wiring differs)."""
    import subprocess
    import types

    src = subprocess.run(
        ["git", "show", f"{rev}:helpers/ui/playground.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("helpers.ui._playground_before")
    module.__package__ = "helpers.ui"
    exec(compile(src, f"{rev}:helpers/ui/playground.py", "exec"), module.__dict__)
    return module.playground_panel


def live_panels():
    """The widget panels of the lessons as their cells build them (a name, the panel), for
    the kernel-side part: ``live`` panels and the playground's."""
    import ipywidgets as W

    sys.path.insert(0, str(ROOT / "tests"))
    from lecture_neuron import lecture_neuron

    from helpers.calculus import EVERYWHERE
    from helpers.figures.backpropagation import TrainingView
    from helpers.figures.chain_rule import ChainRuleView
    from helpers.figures.computational_graphs import BackwardView
    from helpers.figures.deep_networks import ZigzagView
    from helpers.figures.training_deep_networks import DescentView, GradientNormView
    from helpers.ui import live, playground_panel

    menu = list(EVERYWHERE)
    chain = ChainRuleView(f="square", g="sin", x=0.5)
    yield (
        "01",
        live(
            chain,
            {
                "f": W.Dropdown(options=menu, value="square", description="outer f"),
                "g": W.Dropdown(options=menu, value="sin", description="inner g"),
                "x": W.FloatSlider(value=0.5, min=-3.5, max=3.5, step=0.01, description="x"),
            },
            text=chain.slopes_text,
        ),
    )
    back = BackwardView(lecture_neuron(), step=3, title="Backward pass through a neuron")
    yield "02", live(back, {"step": W.IntSlider(3, 0, back.n_steps - 1, description="step")})
    yield (
        "03",
        live(
            TrainingView(),
            {
                "lr": W.FloatLogSlider(
                    value=0.5, base=10, min=-2, max=2, step=0.1, description="lr"
                ),
                "steps": W.IntSlider(value=300, min=10, max=600, step=10, description="steps"),
                "hidden": W.IntSlider(value=16, min=2, max=32, description="hidden width"),
            },
        ),
    )
    yield (
        "04",
        live(
            ZigzagView(),
            {
                "depth": W.IntSlider(value=3, min=1, max=7, description="depth"),
                "width": W.IntSlider(value=2, min=2, max=4, description="width"),
            },
        ),
    )
    yield "04 playground", playground_panel()
    yield (
        "05",
        live(
            DescentView("ravine"),
            {
                "lr": W.FloatSlider(value=0.15, min=0.01, max=0.23, step=0.01, description="lr"),
                "momentum": W.FloatSlider(value=0.0, min=0.0, max=0.95, step=0.05, description="m"),
                "steps": W.IntSlider(value=40, min=5, max=100, step=5, description="steps"),
            },
        ),
    )
    grad = GradientNormView()
    yield (
        "05",
        live(
            grad,
            {
                "activation": W.Dropdown(options=["sigmoid", "tanh", "relu"], value="tanh"),
                "scale": W.FloatSlider(
                    value=1.0, min=0.5, max=3.0, step=0.05, description="gain g"
                ),
            },
            text=grad.caption,
        ),
    )


def next_values(w, n: int) -> list:
    """Up to n values of a control not had yet: a slider's next steps (the way with room), a
    dropdown's other options."""
    if hasattr(w, "options"):
        return [o for o in w.options if o != w.value][:n]
    step = getattr(w, "step", 1) or 1
    if hasattr(w, "base"):  # FloatLogSlider: its value is base ** exponent
        import math

        e = math.log(w.value, w.base)
        return [w.base ** (e + k * step) for k in range(1, n + 1)]
    ahead = [w.value + k * step for k in range(1, n + 1) if w.value + k * step <= w.max]
    behind = [w.value - k * step for k in range(1, n + 1) if w.value - k * step >= w.min]
    return (ahead + behind)[:n]


def panel_groups(against: str | None = None):
    """The panels of ``live_panels``, each in a group of its own ({name: panel}); with
    ``against``, the playground's with its panel as it was at that git revision beside it
    (the two are then moved in turn, so that the machine's state weighs on both alike)."""
    for name, panel in live_panels():
        group = {name: panel}
        if against and name == "04 playground":
            group[f"04 pg @{against}"[:14]] = playground_panel_at(against)()
        yield group


def in_turn(group: dict, move) -> dict:
    """``move(panel)`` made on every panel of ``group`` in turn: {name: its process time, ms}."""
    times = {}
    for name, panel in group.items():
        t = time.process_time()
        move(panel)
        times[name] = (time.process_time() - t) * 1e3
    return times


def report(group: dict, control: str, first: dict, back: dict, results: list):
    """A row per panel of ``group``: the medians of its first visits and moves back."""
    for name in group:
        f, b = med(first[name]), med(back[name])
        print(f"{name:14s} {control:16s} {f:7.1f} {b:7.1f}", flush=True)
        results.append({"panel": name, "control": control, "first_ms": f, "back_ms": b})


def time_step_and_reset(group: dict, n: int, results: list):
    """The playground's buttons, process time of each click: "step" to a state not seen
    (first: in round k, k + 1 clicks after a reset, the last one timed) and "reset" (back to
    step 0 of the settings shown before)."""

    def click(what):
        return lambda panel: next(
            w for w in panel.children[1].children if w.description.startswith(what)
        ).click()

    first, back = {name: [] for name in group}, {name: [] for name in group}
    for k in range(n):
        for _ in range(k):
            in_turn(group, click("step"))  # states seen in the rounds before
        for name, ms in in_turn(group, click("step")).items():
            first[name].append(ms)
        for name, ms in in_turn(group, click("reset")).items():
            back[name].append(ms)
    report(group, "step, reset", first, back, results)


def time_control(group: dict, key: str, n: int, results: list):
    """A control of the panels of ``group``, each move made on all in turn: n first visits
    (the values of the first panel's ``next_values``), then n moves back (one step back and
    forth between the last two)."""
    widgets = [panel.parts.controls[key] for panel in group.values()]
    values = next_values(widgets[0], n)
    if any(getattr(w, "disabled", False) for w in widgets) or len(values) < 2:
        return

    def to(v):
        return lambda panel: setattr(panel.parts.controls[key], "value", v)

    first, back = {name: [] for name in group}, {name: [] for name in group}
    for v in values:
        for name, ms in in_turn(group, to(v)).items():
            first[name].append(ms)
    for k in range(n):
        for name, ms in in_turn(group, to(values[-2] if k % 2 == 0 else values[-1])).items():
            back[name].append(ms)
    report(group, key, first, back, results)


def bench_kernel_moves(n, results, against=None):
    """Kernel CPU per move of every control of every panel, through the panel as the browser
    moves it (``widget.value = ...``): n first visits, then n moves back (one step back and
    forth); the playground's "step" (first) and "reset" (back) too. No browser: what each
    control adds to the floor, on this process's CPU clock. ``against``: the playground's
    panel as it was at that git revision too, moved in turn with today's."""
    print(f"\n== 0b. kernel CPU per move, through each panel ({n} first visits, {n} moves back)")
    print(f"{'panel':14s} {'control':16s} {'first':>7s} {'back':>7s}  (median ms, process time)")
    for group in panel_groups(against):
        if any(name.startswith("04 p") for name in group):
            time_step_and_reset(group, n, results)
        for key in next(iter(group.values())).parts.controls:
            time_control(group, key, n, results)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10, help="moves per control (default 10)")
    ap.add_argument(
        "--only", choices=["kernel", "notebooks", "mechanisms", "frames"], help="run one part"
    )
    ap.add_argument(
        "--notebooks",
        default="*",
        help="which notebooks in part 1 (a glob, e.g. '0[14]_*'; default all)",
    )
    ap.add_argument(
        "--drag", action="store_true", help="part 1 also drags every slider across (as part 3)"
    )
    ap.add_argument("--ipympl-prefix", help="a `pip install --prefix` dir holding ipympl")
    ap.add_argument(
        "--against",
        metavar="REV",
        help="part 0b also times the playground's panel as it was at this git revision (in turn)",
    )
    ap.add_argument("--json", help="write the results here as JSON")
    args = ap.parse_args(argv)
    # a `kill` still stops the server and the browser (the finally blocks run)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    missing = H.browser_missing_reason()
    if missing:
        print(f"bench_latency: skipped: {missing}")
        return 0
    from playwright.sync_api import sync_playwright

    extra_env, ipympl = {}, False
    if args.ipympl_prefix:
        prefix = Path(args.ipympl_prefix).resolve()
        site = next(prefix.glob("lib/python*/site-packages"))
        extra_env = {
            "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
            "JUPYTER_PATH": str(prefix / "share" / "jupyter"),
        }
        ipympl = True
    else:
        try:
            import ipympl as _ipympl  # noqa: F401

            ipympl = True
        except ImportError:
            pass
    loads = [os.getloadavg()[0]]
    print(
        f"load average {loads[0]:.1f} on {os.cpu_count()} CPUs; "
        f"ipympl {'measured' if ipympl else 'not installed: not measured'}"
    )
    results = {"kernel": [], "notebooks": [], "mechanisms": [], "frames": []}
    if args.only in (None, "kernel"):
        bench_kernel_side(args.n, results["kernel"])
        bench_kernel_moves(args.n, results["kernel"], args.against)
    if args.only == "kernel":
        return 0
    lab = H.Lab(extra_env=extra_env).start()
    try:
        with sync_playwright() as pw:
            browser = H.launch_browser(pw)
            try:
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                if args.only in (None, "notebooks"):
                    bench_notebooks(
                        lab, ctx, args.n, results["notebooks"], args.notebooks, args.drag
                    )
                if args.only in (None, "mechanisms"):
                    bench_mechanisms(lab, ctx, args.n, ipympl, results["mechanisms"])
                if args.only in (None, "frames"):
                    bench_frames(lab, ctx, args.n, results["frames"])
            finally:
                browser.close()
    finally:
        lab.cleanup()
    loads.append(os.getloadavg()[0])
    above_floor(results, loads)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


#: The targets of issue 25, above the floor of the same run: a move back to a setting seen
#: before, and a first visit (a full draw).
BACK_TARGET_MS, FIRST_TARGET_MS = 40, 100


def signed(ms):
    return "    -" if ms is None else f"{ms:+5.0f}"


def above_floor(results, loads) -> None:
    """Each control's medians above the floor: the floor panel under it, moved in turn with it
    (part 1). The floor is the comm message, the widget and the browser's decode and paint, and
    it varies with the machine and its load (81-178 ms on this machine on different days);
    what a view adds to it is what the view's code can change."""
    rows = [r for r in results["notebooks"] if r["floor_ms"] is not None]
    if not rows:
        return
    floors = [t for r in rows for t in r["times"]["floor"]]
    print(
        f"\n== above the floor: floor median {statistics.median(floors):.0f} ms over "
        f"{len(floors)} moves (per control {min(r['floor_ms'] for r in rows):.0f}-"
        f"{max(r['floor_ms'] for r in rows):.0f}); load average {min(loads):.1f}-{max(loads):.1f} "
        f"on {os.cpu_count()} CPUs. Targets: back <= +{BACK_TARGET_MS} ms, first visit <= "
        f"+{FIRST_TARGET_MS} ms"
    )
    print(f"{'notebook · cell · control':56s} {'back':>5s}      {'first':>5s}")

    def verdict(ms, target):
        return "  " if ms is None else ("ok" if ms <= target else "!!")

    for r in rows:
        where = f"{r['notebook'][:24]} · {r['cell']} · {r['control']}"
        back, first = r["back_above_ms"], r["first_above_ms"]
        extra = "  (time to its status line)" if r["text_only"] else ""
        print(
            f"{where:56.56s} {signed(back)} {verdict(back, BACK_TARGET_MS)}   "
            f"{signed(first)} {verdict(first, FIRST_TARGET_MS)}{extra}"
        )


if __name__ == "__main__":
    sys.exit(main())
