"""Kernel-side redraw time of every widget of the series (the 50 ms target is for 04 and 05).

For each widget: the time from a new parameter value to a finished PNG, median over a cycle of
values, measured three ways side by side in one process:

* ``update`` — the view's ``update(**values)`` changes its existing artists, then
  ``fig.canvas.print_png`` into a BytesIO: what the series does (target: ≤ 50 ms median);
* ``new fig`` — a brand-new figure from the view's constructor for every value, then
  ``print_png`` (the layout engine is left on, as a plain figure function would have it);
* ``live`` — ``update``, then the PNG as ``helpers.ui.live`` makes it
  (``fig.savefig(buf, format="png", dpi=fig.dpi)``): what a learner's kernel does;
* ``tight`` — ``update``, then the PNG as the inline backend makes it for ``display(fig)``
  (``bbox_inches="tight"``: a changed figure size, so every draw is a full one, twice).

Usage: ``python bench/bench_redraw.py [--repeat N]``. Prints a table (medians in ms) and the
ratio new/update; a machine shared with other jobs inflates every number (the load average is
printed with the results).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # lecture_neuron

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from lecture_neuron import lecture_neuron  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from helpers.figures import backpropagation as backprop_figures  # noqa: E402
from helpers.figures import canvas  # noqa: E402
from helpers.figures import chain_rule as chain_rule_figures  # noqa: E402
from helpers.figures import computational_graphs as graph_figures  # noqa: E402
from helpers.figures import deep_networks as deep_figures  # noqa: E402
from helpers.figures import training_deep_networks as training_figures  # noqa: E402

TARGET_MS = 50.0


def png(fig) -> bytes:
    buf = BytesIO()
    fig.canvas.print_png(buf)
    return buf.getvalue()


def live_png(fig) -> bytes:
    """As ``helpers.ui.live`` renders a view's figure for its output area."""
    buf = BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


def inline_png(fig) -> bytes:
    """As IPython's inline backend renders a displayed figure (``display(fig)``, a figure
    at the end of a cell): ``print_figure`` with ``bbox_inches="tight"``."""
    buf = BytesIO()
    fig.canvas.print_figure(
        buf,
        format="png",
        bbox_inches="tight",
        dpi=fig.dpi,
        facecolor=fig.get_facecolor(),
        edgecolor=fig.get_edgecolor(),
    )
    return buf.getvalue()


@contextlib.contextmanager
def no_freeze():
    """Build views as a plain figure function would: constrained layout on every draw."""
    saved = canvas.freeze_layout
    for mod in (training_figures, deep_figures, chain_rule_figures):
        mod.freeze_layout = lambda fig: fig
    try:
        yield
    finally:
        for mod in (training_figures, deep_figures, chain_rule_figures):
            mod.freeze_layout = saved


class PlaygroundWidget:
    """The playground panel's two kinds of redraw: a 'step' press (train 20 steps and
    redraw) and a changed setting (units: a new network, then redraw)."""

    def __init__(self, mode):
        self.mode = mode
        self.view = deep_figures.PlaygroundView()

    @property
    def fig(self):
        return self.view.fig

    def update(self, units=4):
        if self.mode == "step":
            self.view.pg.step(20)
        else:
            self.view.pg.set(units=units)
        return self.view.update()


def widgets():
    """(name, make_view(**values), values to cycle through)."""
    found = [
        (
            "05 descent: learning rate",
            lambda **v: training_figures.DescentView("ravine", **v),
            [dict(lr=lr) for lr in (0.05, 0.1, 0.15, 0.19, 0.22)],
        ),
        (
            "05 descent: momentum",
            lambda **v: training_figures.DescentView("ravine", **v),
            [dict(lr=0.05, momentum=m) for m in (0.0, 0.3, 0.6, 0.9)],
        ),
        (
            "05 gradient norms: gain",
            lambda **v: training_figures.GradientNormView(**v),
            [dict(activation="tanh", scale=s) for s in (0.8, 1.0, 1.2, 1.4)],
        ),
        (
            "05 gradient norms: activation",
            lambda **v: training_figures.GradientNormView(**v),
            [dict(activation=a, scale=1.0) for a in ("sigmoid", "tanh", "relu")],
        ),
        (
            "04 zig-zag: depth",
            lambda **v: deep_figures.ZigzagView(**v),
            [dict(depth=d, width=2) for d in (2, 3, 4, 5, 6)],
        ),
        (
            "04 zig-zag: width",
            lambda **v: deep_figures.ZigzagView(**v),
            [dict(depth=3, width=w) for w in (2, 3, 4)],
        ),
        ("04 playground: step ×20", lambda **v: _pg("step", v), [dict(units=4)] * 4),
        (
            "04 playground: units",
            lambda **v: _pg("units", v),
            [dict(units=u) for u in (3, 4, 5, 6)],
        ),
        (
            "01 chain rule: x, slider steps",
            lambda **v: chain_rule_figures.ChainRuleView(**v),
            [dict(x=round(0.5 + 0.05 * k, 2)) for k in range(16)],
        ),
        (
            "01 chain rule: x, jumps of 0.4",
            lambda **v: chain_rule_figures.ChainRuleView(**v),
            [dict(x=x) for x in (0.2, 0.6, 1.0, 1.4)],
        ),
        (
            "01 chain rule: f, g",
            lambda **v: chain_rule_figures.ChainRuleView(**v),
            [dict(f=f, g=g) for f, g in (("exp", "sin"), ("tanh", "square"), ("square", "sin"))],
        ),
        (
            "02 backward pass: step",
            lambda **v: graph_figures.BackwardView(lecture_neuron(), **v),
            [dict(step=k) for k in (2, 3, 4, 5, 6)],
        ),
        (
            "03 training: learning rate",
            lambda **v: backprop_figures.TrainingView(**v),
            [dict(lr=lr) for lr in (0.1, 0.3, 0.5, 1.0)],
        ),
    ]
    return found


def _pg(mode, values):
    w = PlaygroundWidget(mode)
    w.update(**values)
    return w


def median_ms(fn, values, repeat, clock=time.perf_counter):
    times = []
    for _ in range(repeat):
        for v in values:
            t = clock()
            fn(v)
            times.append(clock() - t)
    return 1000 * statistics.median(times)


def reference_ms(repeat=20):
    """The machine's yardstick: one axes with one line and default ticks, 4×3 in at 72 dpi,
    drawn to PNG (wall and CPU ms). Divide a widget's time by it to compare machines."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3), dpi=72)
    FigureCanvasAgg(fig)
    fig.add_subplot().plot([0, 1], [0, 1])
    png(fig)
    return (
        median_ms(lambda _: png(fig), [None], repeat),
        median_ms(lambda _: png(fig), [None], repeat, time.process_time),
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=4)
    args = ap.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    ref_wall, ref_cpu = reference_ms()
    print(f"yardstick (one small axes to PNG): {ref_wall:.1f} ms wall, {ref_cpu:.1f} ms CPU")
    print(
        "medians in ms; 'update' and 'new fig' are wall time, 'upd CPU' the process's CPU "
        "time for 'update'"
    )
    header = (
        f"{'widget':32} {'update':>8} {'upd CPU':>8} {'new fig':>8} {'ratio':>6} "
        f"{'live':>8} {'tight':>8}  target"
    )
    print(header)
    print("-" * len(header))
    met = True
    for name, make, values in widgets():
        view = make(**values[0])
        if not hasattr(view.fig.canvas, "print_png"):  # views of other lessons
            FigureCanvasAgg(view.fig)
        png(view.fig)  # warm up caches (fonts, layout)

        def redraw(v, view=view):
            view.update(**v)
            png(view.fig)

        def rebuild(v, make=make):
            with no_freeze():
                fig = make(**v).fig
            if not hasattr(fig.canvas, "print_png"):
                FigureCanvasAgg(fig)
            png(fig)

        def redraw_live(v, view=view):
            view.update(**v)
            live_png(view.fig)

        def redraw_tight(v, view=view):
            view.update(**v)
            inline_png(view.fig)

        t_up = median_ms(redraw, values, args.repeat)
        t_cpu = median_ms(redraw, values, args.repeat, time.process_time)
        t_new = median_ms(rebuild, values, max(1, args.repeat // 2))
        t_inl = median_ms(redraw_live, values, args.repeat)
        t_tight = median_ms(redraw_tight, values, max(1, args.repeat // 2))
        ok = t_up <= TARGET_MS
        targeted = name.startswith(("04", "05"))  # 01-03: the browser target (bench_latency)
        met &= ok or not targeted
        print(
            f"{name:32} {t_up:8.1f} {t_cpu:8.1f} {t_new:8.1f} {t_new / t_up:5.1f}× "
            f"{t_inl:8.1f} {t_tight:8.1f}  "
            f"{('met' if ok else 'MISSED') if targeted else '-'}"
        )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print(
        "every widget of notebooks 04 and 05 meets the 50 ms target"
        if met
        else "some widgets of notebooks 04 and 05 miss the 50 ms target (see MISSED)"
    )
    return 0


if __name__ == "__main__":
    np.seterr(over="ignore", under="ignore")
    sys.exit(main())
