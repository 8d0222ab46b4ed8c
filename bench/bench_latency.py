"""Input-to-pixels latency of every widget, in JupyterLab and headless Chromium.

Run by ``make bench`` (needs /usr/bin/chromium: ``apt-get install -y chromium``). Three parts,
all in one JupyterLab server and one browser:

1. Every control of every widget panel of every notebook in notebooks/: N moves each (a
   slider one step right then left, alternately; a dropdown between two options; a checkbox or
   toggle on and off), timed from the input event (key press, change, click) to the new figure
   painted (the new PNG decoded and two animation frames later). Median and worst per control,
   against the targets: median < 150 ms for every widget, < 100 ms for plain line plots.
   The next move starts once the kernel has answered and a view that works in chunks
   (``helpers.ui.live`` with a view's ``updates``: a training shown as it runs) has shown its
   last chunk, so that no move is timed behind the rest of the previous one. A move that
   changes no figure but the panel's text (the playground's "applies from the next step") is
   timed to that text.
2. The update mechanisms side by side on the same slider, in one generated notebook: the
   series' ``helpers.ui.live`` (update the artists, PNG into an ``ipywidgets.Image``; until
   December 2026 into an Output with ``clear_output(wait=True)``), the same with
   ``display(fig)`` (the inline backend's PNG,
   ``bbox_inches="tight"``: two draws), a brand-new figure per change, a PNG pushed into an
   ``ipywidgets.Image``, and
   ipympl (only if it can be imported: ``--ipympl-prefix DIR`` points at a
   ``pip install --prefix DIR --no-deps ipympl`` made for the measurement).
3. Dragging: a slider is dragged across in 25 small steps; counted are the figures the
   learner sees during and after the drag, and the time from releasing the mouse to the last
   figure (stale updates queued behind an expensive callback would show as a long tail).

Prints medians and worst cases; ``--json FILE`` also writes them (bench/results/ is ignored).
"""

from __future__ import annotations

import argparse
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


def time_control(page, report, panel, control, n):
    """Input-to-pixels times of n moves; stops early on a control whose moves leave the
    figure as it is (a setting for the next training step, a start/stop toggle)."""
    times, unchanged, text_only = [], 0, False
    for action in alternating_actions(page, control, n):
        mv = H._one_move(page, report, panel, control, action, True, 5_000)
        if mv.ms is not None:
            times.append(mv.ms)
            text_only |= mv.text_only
        unchanged += not mv.changed and not mv.text_changed
        for msg in mv.problems:
            report.add(f"panel {panel['panel']}, {control['label']}: {msg}")
        if unchanged >= 2 and not times:
            break
    return times, text_only


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


def bench_notebooks(lab, ctx, n, results, pattern="*"):
    notebooks = sorted((ROOT / "notebooks").glob(f"{pattern}.ipynb"))
    print(
        f"\n== 1. every widget of every notebook ({n} moves per control; "
        f"targets: median < {TARGET_MS} ms, < {LINE_TARGET_MS} ms for plain line plots)"
    )
    print(
        f"{'notebook':24s} {'panel/control':30s} {'median':>6s} {'worst':>6s}  "
        f"{'drag: figs, after release, release->last':s}"
    )
    for nb in notebooks:
        page = H.NotebookPage(lab, ctx, f"notebooks/{nb.name}")
        report = H.Report(nb.name)
        try:
            page.open()
            page.run_all()
            page.wait_widgets_rendered()
            panels = page.discover()
            for p in panels:
                for c in p["controls"]:
                    if c["kind"] == "toggle":  # start/stop (the playground's "run")
                        continue
                    if c.get("disabled"):  # greyed out: it does not apply now
                        where = f"cell {p['cell']} {c['label']}"
                        print(
                            f"{nb.name[:24]:24s} {where:30.30s}    -      -    disabled "
                            "(does not apply to these settings)",
                            flush=True,
                        )
                        continue
                    times, text_only = time_control(page, report, p, c, n)
                    med, worst = summarize(times)
                    d = (
                        drag(page, p, c)
                        if c["kind"] == "slider" and times and not text_only
                        else None
                    )
                    dtxt = (
                        ""
                        if d is None
                        else (
                            f"{d['figures']:3d}, {d['after_release']:2d}, "
                            f"{fmt(d['release_to_last_ms'])} ms"
                        )
                    )
                    if text_only:
                        dtxt = "answers in the status line (a setting for the next step)"
                    elif not times:
                        dtxt = "figure unchanged: a setting for the next step"
                    where = f"cell {p['cell']} {c['label']}"
                    print(
                        f"{nb.name[:24]:24s} {where:30.30s} {fmt(med)} {fmt(worst)}  {dtxt}",
                        flush=True,
                    )
                    results.append(
                        {
                            "notebook": nb.name,
                            "cell": p["cell"],
                            "control": c["label"],
                            "kind": c["kind"],
                            "text_only": text_only,
                            "median_ms": med,
                            "worst_ms": worst,
                            "n": len(times),
                            "drag": d,
                        }
                    )
        finally:
            page.close()
            lab.shutdown_kernels()
        for msg in report.problems:
            print(f"   problem: {msg}")


def bench_mechanisms(lab, ctx, n, ipympl, results):
    path = lab.root / "bench" / "mechanisms.ipynb"
    write_notebook(path, mechanism_cells(ipympl))
    page = H.NotebookPage(lab, ctx, "bench/mechanisms.ipynb")
    report = H.Report("mechanisms")
    print(f"\n== 2. update mechanisms, same slider, {n} moves each (input to pixels)")
    print(f"{'figure':12s} {'mechanism':16s} {'median':>6s} {'worst':>6s}  vs live")
    try:
        page.open()
        page.run_all()
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
        print("\n== 3. dragging a slider whose callback takes 0.3 s (25 steps over ~1 s)")
        for p in panels:
            src = source[p["cell"]]
            if "Slow()" not in src:
                continue
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
    finally:
        page.close()
        lab.shutdown_kernels()
    for msg in report.problems:
        print(f"   problem: {msg}")


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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10, help="moves per control (default 10)")
    ap.add_argument("--only", choices=["kernel", "notebooks", "mechanisms"], help="run one part")
    ap.add_argument(
        "--notebooks",
        default="*",
        help="which notebooks in part 1 (a glob, e.g. '0[14]_*'; default all)",
    )
    ap.add_argument("--ipympl-prefix", help="a `pip install --prefix` dir holding ipympl")
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
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
        f"ipympl {'measured' if ipympl else 'not installed: not measured'}"
    )
    results = {"kernel": [], "notebooks": [], "mechanisms": []}
    if args.only in (None, "kernel"):
        bench_kernel_side(args.n, results["kernel"])
    if args.only == "kernel":
        return 0
    lab = H.Lab(extra_env=extra_env).start()
    try:
        with sync_playwright() as pw:
            browser = H.launch_browser(pw)
            try:
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                if args.only in (None, "notebooks"):
                    bench_notebooks(lab, ctx, args.n, results["notebooks"], args.notebooks)
                if args.only in (None, "mechanisms"):
                    bench_mechanisms(lab, ctx, args.n, ipympl, results["mechanisms"])
            finally:
                browser.close()
    finally:
        lab.cleanup()
    above_floor(results)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


def above_floor(results) -> None:
    """With both parts run: each control's median less the floor of the same run (two ready
    PNGs swapped, no drawing). The floor is the comm message, JupyterLab's Output and the
    browser's paint, and it varies with the machine (81-137 ms measured on the same machine on
    two days); what a view adds to it is what the view's code can change."""
    floor = next((m["median_ms"] for m in results["mechanisms"] if m["mechanism"] == "floor"), None)
    drawn = [r for r in results["notebooks"] if r["median_ms"] is not None and not r["text_only"]]
    if floor is None or not drawn:
        return
    print(f"\n== above the floor ({floor:.0f} ms in this run): what each view adds, median")
    for r in drawn:
        where = f"{r['notebook'][:24]:24s} cell {r['cell']} {r['control']}"
        print(f"{where:56.56s} {r['median_ms'] - floor:+6.0f} ms")
        r["above_floor_ms"] = r["median_ms"] - floor


if __name__ == "__main__":
    sys.exit(main())
