"""The playground's panel of controls (lesson 04, ``notebooks/04_deep_networks.ipynb``).

:func:`playground_panel` wires ipywidgets controls — data set, noise, split, layers, units,
activation, learning rate, L2, batch size, optimiser, and step / run / reset — to a
:class:`helpers.figures.deep_networks.PlaygroundView`. "Run" trains in chunks and redraws
between them, so the panel stays responsive (and can be paused). Every control answers when
moved: a setting that changes the data or the network redraws the figure; one that acts on
the next training step (``helpers.playground.NEXT_STEP_KEYS``) says so in the status line;
"classes" (unless the data set has a choice of classes) and "units" (with no hidden layer)
are disabled when they do not apply, and their tooltips say why.

The panel keeps the pictures it showed (:class:`helpers.ui.wiring.Pictures`, as ``live``
does), under what the picture is a function of (:func:`picture_key`): a move back to
settings seen before, or a reset, shows the kept picture without calling the view, the
playground having been set (or reset, or trained) as it would be for a drawn move.
Machinery: a learner never needs to read it.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
from types import SimpleNamespace

import numpy as np

from ..figures.alt import alt_text
from ..figures.canvas import png
from ..figures.deep_networks import PlaygroundView
from ..nn import ACTIVATIONS
from ..playground import DATASETS, NEXT_STEP_KEYS, OPTIMISERS, uses_classes
from .a11y import Panel, keyboard_and_names, picture_alt
from .wiring import Pictures, set_quietly

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
    ``alt``, ``caption``, ``problem``, as :func:`helpers.ui.wiring.live`'s). Its
    ``pictures`` are the pictures it keeps.
    """
    import ipywidgets as W

    view = view or PlaygroundView()
    controls = _controls(view.pg.config)
    wired = _Wiring(view, controls, chunk, max_steps)
    grid = W.GridBox(
        list(controls.values()), layout=W.Layout(grid_template_columns="repeat(3, 260px)")
    )
    buttons = W.HBox([wired.step_btn, wired.run_btn, wired.reset_btn, wired.status])
    panel = Panel([grid, buttons, wired.image, wired.alt, keyboard_and_names()])
    panel.parts = SimpleNamespace(
        view=view, controls=controls, show=wired.show, pictures=wired.pictures
    )
    return panel


def picture_key(view: PlaygroundView) -> tuple:
    """What the picture of ``view`` (its PNG, alt text and caption) is a function of, read
    from its playground as it is now: the settings the picture names (data set, layers,
    units, activation), the messages it shows (diverged, dead ReLUs), and a digest of the
    arrays it draws — the training and test points, the network's weights (they give the
    decision map, the unit maps and the accuracies) and the losses recorded at each press.

    Those are what the settings and the training since the data or the network was last
    built produce: the data settings and the seed give the points, the network's settings
    and the seed its starting weights; each chunk trained, with the learning rate, L2,
    batch size and optimiser in force for it (momentum's velocity lost when the optimiser
    is rebuilt), and the training order drawn from the seeded generator, the weights and a
    row of the losses. The axes' limits are drawn from the same state (none is kept from
    move to move), and next-step settings not yet used change nothing drawn. Keying by the
    state itself needs no model of how those combine (and holds after any call on the
    playground)."""
    pg, c = view.pg, view.pg.config
    digest = hashlib.blake2b(digest_size=16)
    drawn = [pg.Xtr, pg.ytr, pg.Xte, pg.yte, np.asarray(pg.history, dtype=float)]
    for a in drawn + [p.data for p in pg.model.parameters()]:
        digest.update(f"{a.dtype}{a.shape}".encode())
        digest.update(np.ascontiguousarray(a).tobytes())
    return (
        (c.dataset, c.hidden_layers, c.units, c.activation, view.res, view.tile),
        (pg.diverged, pg.warning),
        digest.hexdigest(),
    )


def _controls(c) -> dict:
    """A control for each setting of the playground's config ``c``, at its value."""
    import ipywidgets as W

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
    style, lay = {"description_width": "95px"}, W.Layout(width="250px")
    for w in controls.values():
        w.style, w.layout, w.continuous_update = style, lay, False
    return controls


class _Wiring:
    """What the playground's panel does: its picture (with its alt text), the status line,
    the step / run / reset buttons, and what a move of a control or a click does."""

    def __init__(self, view: PlaygroundView, controls: dict, chunk: int, max_steps: int):
        import ipywidgets as W

        self.view, self.pg, self.controls = view, view.pg, controls
        self.chunk, self.max_steps = chunk, max_steps
        self.image = W.Image(format="png")
        self.alt = picture_alt()  # the image's alt text: what the playground's figure shows now
        self.pictures = Pictures()
        self.now = SimpleNamespace(png=b"", alt="", caption="")  # the picture shown
        self.status = W.HTML()
        # no icons: a screen reader reads an icon's private-use glyph as part of the name
        self.step_btn = W.Button(description=f"step ×{chunk}")
        self.run_btn = W.ToggleButton(description="run")
        self.reset_btn = W.Button(description="reset")
        self.task = None  # the run's training task
        for w in controls.values():
            w.observe(self.on_setting, names="value")
        self.show_what_applies()
        self.run_btn.observe(self.on_run, names="value")
        self.step_btn.on_click(self.on_step)
        self.reset_btn.on_click(self.on_reset)
        self.redraw()

    def show_status(self, note=None):
        msg = self.now.caption
        if self.pg.diverged or self.pg.warning:
            msg = f"<b style='color:darkred'>{self.pg.diverged or self.pg.warning}</b>"
        if note:
            msg = f"<b>{note}</b><br>{msg}"
        self.status.value = msg

    def redraw(self, keep: bool = True):
        """Show the playground as it is now: the picture kept for its state (the view not
        called), or the view updated and drawn, and kept (``keep``)."""
        key = picture_key(self.view)
        shown = self.pictures.get(key)
        if shown is None:
            shown = self.draw()
            if keep:
                self.pictures.put(key, shown)
        self.now = shown
        self.image.value = shown.png
        self.alt.value = html.escape(shown.alt)
        self.show_status()

    def draw(self):
        """The view updated from the playground and drawn: its picture (``png``, ``alt``,
        ``caption``)."""
        self.view.update()
        return SimpleNamespace(
            png=png(self.view.fig), alt=alt_text(self.view.fig), caption=self.view.caption()
        )

    def show_what_applies(self):
        """ "classes" and "units" disabled where they do not apply, their tooltips saying why."""
        applies = {
            "classes": uses_classes(self.controls["dataset"].value),
            "units": self.controls["hidden_layers"].value > 0,
        }
        for name, yes in applies.items():
            self.controls[name].disabled = not yes
            self.controls[name].tooltip = TOOLTIPS[name, yes]

    def set_all(self):
        """The playground set to every control's value; returns the keys that changed."""
        return self.pg.set(**{name: w.value for name, w in self.controls.items()})

    def on_setting(self, change):
        changed = self.set_all()
        self.show_what_applies()
        if changed and changed <= NEXT_STEP_KEYS:  # nothing to draw until the next step
            w = change["owner"]
            self.show_status(next_step_note(w.description, w.value))
        else:
            self.redraw()

    async def run_loop(self):
        try:
            while self.run_btn.value and not self.pg.diverged and self.pg.steps < self.max_steps:
                self.pg.step(self.chunk)
                self.redraw(keep=False)  # a run's pictures would push out those kept for moves
                await asyncio.sleep(0.02)  # let the kernel handle clicks in between
        finally:
            self.run_btn.value = False

    def cannot_train(self):
        """Say why step / run do nothing (a click must answer too); False when they can."""
        if self.pg.diverged:
            self.show_status("nothing to train: the training diverged; press reset")
        elif self.pg.steps >= self.max_steps:
            self.show_status(f"the panel stops at {self.max_steps} steps: press reset")
        return bool(self.pg.diverged) or self.pg.steps >= self.max_steps

    def on_run(self, change):
        if change["new"] and self.cannot_train():
            self.run_btn.value = False
            return
        if change["new"] and (self.task is None or self.task.done()):
            self.task = asyncio.ensure_future(self.run_loop())
        self.run_btn.description = "pause" if change["new"] else "run"

    def on_step(self, _):
        if not self.cannot_train():
            self.pg.step(self.chunk)
            self.redraw()

    def on_reset(self, _):
        self.run_btn.value = False
        self.pg.reset()
        self.redraw()

    def show(self, steps: int = 0, **settings):
        """The book's frame: the controls set at once, trained to ``steps``, one redraw."""
        set_quietly(self.controls, settings, self.on_setting)
        self.set_all()  # as on_setting, undrawn
        self.show_what_applies()
        while self.pg.steps < steps and not self.cannot_train():
            self.pg.step(self.chunk)  # as "step" does, but drawn once at the end
        self.redraw()
        return SimpleNamespace(
            png=self.now.png,
            alt=self.now.alt,
            caption=self.now.caption,
            problem="",  # a diverged run is a picture too: the figure says so
        )
