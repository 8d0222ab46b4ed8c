"""The playground's panel of controls (lesson 04, ``notebooks/04_deep_networks.ipynb``).

:func:`playground_panel` wires ipywidgets controls — data set, noise, split, layers, units,
activation, learning rate, L2, batch size, optimizer, and step / run / reset — to a
:class:`helpers.figures.deep_networks.PlaygroundView`. "Run" trains in chunks and redraws
between them, so the panel stays responsive (and can be paused). Machinery: a learner never
needs to read it.
"""

from __future__ import annotations

import asyncio

from ..figures.deep_networks import PlaygroundView
from ..nn import ACTIVATIONS
from ..playground import DATASETS, OPTIMIZERS
from .canvas import png


def playground_panel(view: PlaygroundView | None = None, chunk: int = 20, max_steps: int = 5000):
    """The interactive panel: controls, step / run / reset, and the view's figure.

    "run" starts an asyncio task that trains ``chunk`` steps, redraws, yields to the kernel
    (so clicks and slider moves are handled), and repeats until paused or ``max_steps``.
    """
    import ipywidgets as W

    view = view or PlaygroundView()
    pg = view.pg
    c = pg.config
    style = {"description_width": "95px"}
    lay = W.Layout(width="250px")
    controls = {
        "dataset": W.Dropdown(options=list(DATASETS), value=c.dataset, description="data set"),
        "classes": W.IntSlider(value=c.classes, min=2, max=5, description="classes (several)"),
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
        "optimizer": W.Dropdown(
            options=list(OPTIMIZERS), value=c.optimizer, description="optimizer"
        ),
    }
    for w in controls.values():
        w.style, w.layout, w.continuous_update = style, lay, False
    image = W.Image(format="png")
    status = W.HTML()
    step_btn = W.Button(description=f"step ×{chunk}", icon="step-forward")
    run_btn = W.ToggleButton(description="run", icon="play")
    reset_btn = W.Button(description="reset", icon="undo")
    state = {"task": None}

    def redraw():
        view.update()
        image.value = png(view.fig)
        msg = view.caption()
        if pg.diverged or pg.warning:
            msg = f"<b style='color:darkred'>{pg.diverged or pg.warning}</b>"
        status.value = msg

    def on_setting(change):
        pg.set(**{name: w.value for name, w in controls.items()})
        redraw()

    async def run_loop():
        try:
            while run_btn.value and not pg.diverged and pg.steps < max_steps:
                pg.step(chunk)
                redraw()
                await asyncio.sleep(0.02)  # let the kernel handle clicks in between
        finally:
            run_btn.value = False

    def on_run(change):
        if change["new"] and (state["task"] is None or state["task"].done()):
            state["task"] = asyncio.ensure_future(run_loop())
        run_btn.description, run_btn.icon = ("pause", "pause") if change["new"] else ("run", "play")

    def on_step(_):
        pg.step(chunk)
        redraw()

    def on_reset(_):
        run_btn.value = False
        pg.reset()
        redraw()

    for w in controls.values():
        w.observe(on_setting, names="value")
    run_btn.observe(on_run, names="value")
    step_btn.on_click(on_step)
    reset_btn.on_click(on_reset)
    redraw()
    boxes = list(controls.values())
    grid = W.GridBox(boxes, layout=W.Layout(grid_template_columns="repeat(3, 260px)"))
    return W.VBox([grid, W.HBox([step_btn, run_btn, reset_btn, status]), image])
