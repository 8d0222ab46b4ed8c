"""The playground's panel of controls (lesson 04, ``notebooks/04_deep_networks.ipynb``).

:func:`playground_panel` wires ipywidgets controls — data set, noise, split, layers, units,
activation, learning rate, L2, batch size, optimiser, and step / run / reset — to a
:class:`helpers.figures.deep_networks.PlaygroundView`. "Run" trains in chunks and redraws
between them, so the panel stays responsive (and can be paused). Every control answers when
moved: a setting that changes the data or the network redraws the figure; one that acts on
the next training step (``helpers.playground.NEXT_STEP_KEYS``) says so in the status line;
"classes" (unless the data set has a choice of classes) and "units" (with no hidden layer)
are disabled when they do not apply, and their tooltips say why.
Machinery: a learner never needs to read it.
"""

from __future__ import annotations

import asyncio
import html
from types import SimpleNamespace

from ..figures.alt import alt_text
from ..figures.canvas import png
from ..figures.deep_networks import PlaygroundView
from ..nn import ACTIVATIONS
from ..playground import DATASETS, NEXT_STEP_KEYS, OPTIMISERS, uses_classes
from .a11y import Panel, keyboard_and_names, picture_alt
from .wiring import set_quietly

# (setting, applies?) → its tooltip: a control that does not apply is disabled and says why
TOOLTIPS = {
    ("classes", True): "The number of classes of this data set.",
    ("classes", False): (
        "Only for the data sets 'several blobs' and 'several spirals': this data set has 2 classes."
    ),
    ("units", True): "The number of units of every hidden layer.",
    ("units", False): "No hidden layer: add one (hidden layers ≥ 1) to give it units.",
}


def next_step_note(label: str, value) -> str:
    """What the status line says when a setting for the next training step is moved."""
    return f"{label} {value}: applies from the next step (press step or run)"


def playground_panel(view: PlaygroundView | None = None, chunk: int = 20, max_steps: int = 5000):
    """The interactive panel: controls, step / run / reset, and the view's figure.

    "run" starts an asyncio task that trains ``chunk`` steps, redraws, yields to the kernel
    (so clicks and slider moves are handled), and repeats until paused or ``max_steps``.

    The panel's ``parts`` are what the book's frames are made from (``tools/book_frames.py``):
    its ``view``, its ``controls``, and ``show(steps, **settings)``, which sets the controls
    at once (one ``Playground.set``, as a move does), trains as "step" does until ``steps``
    steps are trained, redraws, and returns the picture as the panel holds it (``png``,
    ``alt``, ``caption``, ``problem``, as :func:`helpers.ui.wiring.live`'s).
    """
    import ipywidgets as W

    view = view or PlaygroundView()
    pg = view.pg
    c = pg.config
    style = {"description_width": "95px"}
    lay = W.Layout(width="250px")
    controls = {
        "dataset": W.Dropdown(options=list(DATASETS), value=c.dataset, description="data set"),
        "classes": W.IntSlider(value=c.classes, min=2, max=5, description="classes"),
        "noise": W.FloatSlider(value=c.noise, min=0.0, max=0.5, step=0.05, description="noise"),
        "train_fraction": W.FloatSlider(
            value=c.train_fraction, min=0.1, max=0.9, step=0.1, description="train fraction"
        ),
        "hidden_layers": W.IntSlider(
            value=c.hidden_layers, min=0, max=6, description="hidden layers"
        ),
        "units": W.IntSlider(value=c.units, min=1, max=8, description="units per layer"),
        "activation": W.Dropdown(
            options=list(ACTIVATIONS), value=c.activation, description="activation"
        ),
        "lr": W.SelectionSlider(
            options=[0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0],
            value=c.lr,
            description="learning rate",
        ),
        "l2": W.SelectionSlider(
            options=[0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1], value=c.l2, description="L2"
        ),
        "batch": W.IntSlider(value=c.batch, min=1, max=30, description="batch size"),
        "optimiser": W.Dropdown(
            options=list(OPTIMISERS), value=c.optimiser, description="optimiser"
        ),
    }
    for w in controls.values():
        w.style, w.layout, w.continuous_update = style, lay, False
    image = W.Image(format="png")
    alt = picture_alt()  # the image's alt text: what the playground's figure shows now
    status = W.HTML()
    # no icons: a screen reader reads an icon's private-use glyph as part of the name
    step_btn = W.Button(description=f"step ×{chunk}")
    run_btn = W.ToggleButton(description="run")
    reset_btn = W.Button(description="reset")
    state = {"task": None}

    def show_status(note=None):
        msg = view.caption()
        if pg.diverged or pg.warning:
            msg = f"<b style='color:darkred'>{pg.diverged or pg.warning}</b>"
        if note:
            msg = f"<b>{note}</b><br>{msg}"
        status.value = msg

    def redraw():
        view.update()
        image.value = png(view.fig)
        alt.value = html.escape(alt_text(view.fig))
        show_status()

    def show_what_applies():
        applies = {
            "classes": uses_classes(controls["dataset"].value),
            "units": controls["hidden_layers"].value > 0,
        }
        for name, yes in applies.items():
            controls[name].disabled = not yes
            controls[name].tooltip = TOOLTIPS[name, yes]

    def on_setting(change):
        changed = pg.set(**{name: w.value for name, w in controls.items()})
        show_what_applies()
        if changed and changed <= NEXT_STEP_KEYS:  # nothing to draw until the next step
            w = change["owner"]
            show_status(next_step_note(w.description, w.value))
        else:
            redraw()

    async def run_loop():
        try:
            while run_btn.value and not pg.diverged and pg.steps < max_steps:
                pg.step(chunk)
                redraw()
                await asyncio.sleep(0.02)  # let the kernel handle clicks in between
        finally:
            run_btn.value = False

    def cannot_train():
        """Say why step / run do nothing (a click must answer too); False when they can."""
        if pg.diverged:
            show_status("nothing to train: the training diverged; press reset")
        elif pg.steps >= max_steps:
            show_status(f"the panel stops at {max_steps} steps: press reset")
        return bool(pg.diverged) or pg.steps >= max_steps

    def on_run(change):
        if change["new"] and cannot_train():
            run_btn.value = False
            return
        if change["new"] and (state["task"] is None or state["task"].done()):
            state["task"] = asyncio.ensure_future(run_loop())
        run_btn.description = "pause" if change["new"] else "run"

    def on_step(_):
        if not cannot_train():
            pg.step(chunk)
            redraw()

    def on_reset(_):
        run_btn.value = False
        pg.reset()
        redraw()

    for w in controls.values():
        w.observe(on_setting, names="value")
    show_what_applies()
    run_btn.observe(on_run, names="value")
    step_btn.on_click(on_step)
    reset_btn.on_click(on_reset)
    redraw()

    def show(steps: int = 0, **settings):
        set_quietly(controls, settings, on_setting)
        pg.set(**{name: w.value for name, w in controls.items()})  # as on_setting, undrawn
        show_what_applies()
        while pg.steps < steps and not cannot_train():
            pg.step(chunk)  # as "step" does, but drawn once at the end
        redraw()
        return SimpleNamespace(
            png=image.value,
            alt=alt_text(view.fig),
            caption=view.caption(),
            problem="",  # a diverged run is a picture too: the figure says so
        )

    boxes = list(controls.values())
    grid = W.GridBox(boxes, layout=W.Layout(grid_template_columns="repeat(3, 260px)"))
    panel = Panel(
        [grid, W.HBox([step_btn, run_btn, reset_btn, status]), image, alt, keyboard_and_names()]
    )
    panel.parts = SimpleNamespace(view=view, controls=controls, show=show)
    return panel
