"""The book's moving figures: frames of every widget panel of the lessons, drawn at build time.

    python -m tools.book_frames notebooks/01_chain_rule.ipynb OUT   # one lesson's frames

In a notebook a panel (``helpers.ui.live``, ``playground_panel``) redraws its view when a
control moves. The book has no kernel, so the build draws the pictures beforehand, and the
page swaps them (``docs/book/_static/frames.js``):

* **The same panel.** The lesson's code cells run in one process (an IPython shell, no
  kernel; exercises, their checks and the install cell are left out) up to each widget cell,
  and the widget cell itself builds its panel, as in the notebook. The controls on the page
  are read from that panel's widgets: their names, labels, ranges, steps, menus and number
  formats (:func:`control`).
* **The same drawing.** Each frame is a fresh panel (the widget cell run again) whose
  controls are set to the frame's settings and drawn once (``panel.parts.show``): the picture
  the notebook shows after the same moves from the panel's start. Its alt text is the alt
  text of the view's figure (helpers/figures/alt.py), its caption the panel's text under the
  figure. A view that refuses a setting gives a frame with its error message instead of a
  picture.
* **Play.** A panel's play button (``ipywidgets.Play`` tied to a slider, 02's step-through)
  is a button beside that slider that steps it at the notebook's interval (:func:`play_of`).
* **Which settings.** Every stop of every control, unless :data:`BOOK_STOPS` names a subset:
  the page then says which settings it has, and links to the notebook on Binder for the rest.
  A control of the panel that the page does not show stays at its start value (said on the
  page). The subsets keep a lesson page, frames included, under 3 MB and the build short.
* **Small files.** A frame is the panel's PNG scaled to at most :data:`WIDTH` pixels wide (a
  page's text column is narrower) and saved as lossy WebP (:func:`encode`): 8-20 kB a frame,
  a third of a palette PNG's size for the playground's colour maps, and no visible loss on the
  line drawings at the page's size.

Every lesson is drawn in its own process (:func:`render_all` runs two at a time). The frames
are kept in ``build/book-frames/<lesson>-<key>``, where the key is a hash of everything they
depend on: the helpers' source, this file, the lesson's code cells and the versions of NumPy,
matplotlib and Pillow; any change draws them again, and nothing stale is reused.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import io
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "book-frames"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDTH = 800  # pixels: a frame's largest width (the page's text column is about 750)
QUALITY = 70  # WebP's quality: 8-20 kB a frame, no visible loss at the page's size
PLAYGROUND_STEPS = 500  # the playground's frames: trained 25 presses of "step" (20 each)
LESSONS_AT_ONCE = 2  # lessons drawn in parallel, each in its own process

#: The documented subsets: for a panel's view (by class name), the values the book has frames
#: for, per control; a control left out stays at its start value. Each value is a stop of the
#: notebook's control (or its start value). Panels not named here get every stop.
BOOK_STOPS = {
    # the chain rule at every half unit of x, for three outer and three inner functions
    "ChainRuleView": {
        "f": ["square", "sin", "exp"],
        "g": ["sin", "square", "tanh"],
        "x": [x / 2 for x in range(-6, 7)],
    },
    # each learning rate at three lengths and widths: slow, good, and diverging from about 3
    "TrainingView": {
        "lr": [0.01, 0.1, 0.5, 1.0, 10**0.5, 10**0.7, 10.0],
        "steps": [100, 300, 600],
        "hidden": [2, 16, 32],
    },
    # every data set, with no, two and four hidden layers, at a small, the start and a
    # diverging learning rate; trained for PLAYGROUND_STEPS steps
    "PlaygroundView": {
        "dataset": None,
        "hidden_layers": [0, 2, 4],
        "lr": [0.003, 0.03, 3.0],
    },
    # converging, zig-zagging and diverging rates, with and without momentum, short and long
    "DescentView": {
        "lr": [0.05, 0.1, 0.15, 0.2, 0.23],
        "momentum": [0.0, 0.5, 0.9],
        "steps": [10, 40, 100],
    },
    # every activation, the gain in quarters
    "GradientNormView": {
        "activation": None,
        "scale": [0.5 + k / 4 for k in range(11)],
    },
}


@dataclass
class Control:
    """One control of a panel as the page shows it."""

    name: str  # the keyword of the view's update
    label: str  # the widget's description
    kind: str  # "range" (a slider) or "select" (a menu)
    stops: list  # every value the notebook's control takes
    value: object  # its start value
    shown: list  # the values the book has frames for: all stops, or a subset
    labels: list  # how the panel writes each shown value

    @property
    def complete(self) -> bool:
        return self.shown == self.stops


def _close(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def stops_of(widget) -> tuple[str, list, list]:
    """A widget's kind, every value it takes, and how it writes each (its own format)."""
    if hasattr(widget, "_options_values"):  # Dropdown, SelectionSlider
        kind = "select" if "Dropdown" in type(widget).__name__ else "range"
        return kind, list(widget._options_values), list(widget._options_labels)
    n = round((widget.max - widget.min) / widget.step)
    points = [widget.min + k * widget.step for k in range(n + 1)]
    if hasattr(widget, "base"):  # FloatLogSlider: the exponent moves in steps
        values = [float(widget.base ** round(e, 10)) for e in points]
    elif isinstance(widget.value, int):
        values = [int(round(v)) for v in points]
    else:
        values = [round(v, 10) for v in points]
    return "range", values, [format(v, widget.readout_format) for v in values]


def control(name: str, widget, subset: list | None = None) -> Control:
    """The page's control for ``widget``: every stop, or the values of ``subset`` (each one a
    stop of the widget or its start value)."""
    kind, stops, labels = stops_of(widget)
    value = widget.value
    wanted = stops if subset is None else subset
    shown, shown_labels = [], []
    for v in wanted:
        at = [i for i, s in enumerate(stops) if _close(s, v)]
        if at:
            shown.append(stops[at[0]])
            shown_labels.append(labels[at[0]])
        elif _close(v, value):
            shown.append(value)
            shown_labels.append(format(value, widget.readout_format))
        else:
            raise ValueError(f"{name}: {v!r} is not a stop of the notebook's control")
    if not any(_close(v, value) for v in shown):
        raise ValueError(f"{name}: the subset lacks the start value {value!r}")
    return Control(name, widget.description, kind, stops, value, shown, shown_labels)


def panel_controls(parts) -> tuple[list[Control], dict]:
    """The controls the page shows, and the others' start values (name -> (label, value))."""
    chosen = BOOK_STOPS.get(type(parts.view).__name__)
    shown, fixed = [], {}
    for name, widget in parts.controls.items():
        if chosen is None or name in chosen:
            shown.append(control(name, widget, None if chosen is None else chosen[name]))
        else:
            fixed[name] = (widget.description, widget.value)
    return shown, fixed


# --- running the lesson ---------------------------------------------------------------------


def widget_cells(nb: dict) -> list[int]:
    """The indices of the code cells whose stored output is a widget."""
    return [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code"
        and any(WIDGET_MIME in o.get("data", {}) for o in c.get("outputs", []))
    ]


def widgets_in(widget, wanted) -> list:
    """The widgets of a widget tree for which ``wanted(widget)`` holds, in order (a wanted
    widget's own children are not searched)."""
    if wanted(widget):
        return [widget]
    return [w for child in getattr(widget, "children", ()) for w in widgets_in(child, wanted)]


def panels_in(widget) -> list:
    """The panels (widgets with ``parts``) in a widget tree, in order."""
    return widgets_in(widget, lambda w: hasattr(w, "parts"))


class Lesson:
    """A lesson's code run in an IPython shell (no kernel), cell by cell."""

    SKIPPED = {"install", "exercise", "check", "raises-exception"}

    def __init__(self, path: Path):
        from IPython.core.interactiveshell import InteractiveShell

        self.path = Path(path)
        self.nb = json.loads(self.path.read_text(encoding="utf-8"))
        self.shell = InteractiveShell.instance()
        self.shell.reset(new_session=False)  # nothing left from another lesson
        # `%matplotlib inline` does nothing here: the views draw on their own canvases
        self.shell.register_magic_function(lambda line: None, "line", "matplotlib")
        self.done = 0

    def run(self, i: int):
        """Run code cell ``i`` and return the value of its last line."""
        cell = self.nb["cells"][i]
        result = self.shell.run_cell("".join(cell["source"]), store_history=False, silent=False)
        if not result.success:
            raise RuntimeError(f"{self.path.name}, cell {i} ({cell.get('id')}) failed") from (
                result.error_in_exec or result.error_before_exec
            )
        return result.result

    def up_to(self, stop: int) -> None:
        """Run the code cells before ``stop`` not run yet (exercises and checks left out)."""
        for i in range(self.done, stop):
            cell = self.nb["cells"][i]
            tags = set(cell.get("metadata", {}).get("tags", []))
            if cell["cell_type"] == "code" and not tags & self.SKIPPED:
                self.run(i)
        self.done = max(self.done, stop)

    def panels(self, i: int) -> list:
        """A fresh build of the panels of widget cell ``i``."""
        found = panels_in(self.run(i))
        if not found:
            raise RuntimeError(f"{self.path.name}, cell {i}: a widget cell without a panel")
        return found


# --- frames -----------------------------------------------------------------------------------


def encode(png: bytes) -> bytes:
    """A panel's PNG as a frame: at most WIDTH pixels wide, lossy WebP."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width > WIDTH:
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=QUALITY, method=6)
    return out.getvalue()


def settings_grid(controls: list[Control]) -> list[dict]:
    """Every combination of the shown values, the last control moving fastest (the order of
    the page's list of frames)."""
    names = [c.name for c in controls]
    return [dict(zip(names, values)) for values in itertools.product(*(c.shown for c in controls))]


def draw(lesson: Lesson, cell: int, k: int, settings: dict):
    """The k-th panel of widget cell ``cell``, fresh, shown at ``settings``."""
    parts = lesson.panels(cell)[k].parts
    if type(parts.view).__name__ == "PlaygroundView":
        return parts.show(steps=PLAYGROUND_STEPS, **settings)
    return parts.show(**settings)


def save(state, path: Path) -> dict:
    """A drawn state as a frame: its picture in ``path`` (none if the view refused the
    setting), its alt text, caption and problem."""
    if not state.problem:
        path.write_bytes(encode(state.png))
    return {
        "src": None if state.problem else path.name,
        "alt": state.alt,
        "caption": state.caption,
        "problem": state.problem,
    }


def plays_in(widget) -> list:
    """The play buttons (``ipywidgets.Play``) in a widget tree, in order."""
    return widgets_in(widget, lambda w: type(w).__name__ == "Play")


def play_of(cell_widget, parts, controls: list[Control]) -> dict | None:
    """The cell's play button as the page shows it: the shown slider it steps (the one with
    its range, every stop shown), its interval and its label; None without one."""
    for play in plays_in(cell_widget):
        for c in controls:
            widget = parts.controls[c.name]
            same = (getattr(widget, "min", None), getattr(widget, "max", None)) == (
                play.min,
                play.max,
            )
            if c.kind == "range" and c.complete and same:
                return {"control": c.name, "interval": play.interval, "label": "Play"}
    return None


def render_panel(lesson: Lesson, cell: int, k: int, out: Path, prefix: str) -> dict:
    """Every frame of the k-th panel of widget cell ``cell``, and how the page shows it."""
    cell_widget = lesson.run(cell)
    parts = panels_in(cell_widget)[k].parts
    controls, fixed = panel_controls(parts)
    frames = [
        save(draw(lesson, cell, k, settings), out / f"{prefix}-{n:04d}.webp")
        for n, settings in enumerate(settings_grid(controls))
    ]
    return {
        "cell": lesson.nb["cells"][cell].get("id"),
        "view": type(parts.view).__name__,
        "controls": [asdict(c) for c in controls],
        "fixed": fixed,
        "frames": frames,
        "play": play_of(cell_widget, parts, controls),
    }


def render_lesson(path: Path, out: Path) -> list[dict]:
    """Draw every frame of a lesson's panels into ``out``; return the panels' descriptions
    (also written to ``out/panels.json``)."""
    lesson = Lesson(path)
    out.mkdir(parents=True, exist_ok=True)
    panels = []
    cwd = os.getcwd()
    os.chdir(path.parent)  # the notebooks run from their folder
    try:
        for cell in widget_cells(lesson.nb):
            lesson.up_to(cell)
            for k in range(len(lesson.panels(cell))):
                panels.append(render_panel(lesson, cell, k, out, str(len(panels))))
            lesson.done = cell + 1  # the widget cell has run
    finally:
        os.chdir(cwd)
    (out / "panels.json").write_text(json.dumps(panels, indent=1, ensure_ascii=False) + "\n")
    return panels


# --- the page ---------------------------------------------------------------------------------


def block_html(panel: dict, folder: str, ident: str, binder: str) -> str:
    """A panel on the page: its controls, the start frame, its caption, a note on what the
    frames cover, and the frames' list for ``frames.js`` (``folder``: the frames' folder, as
    the page links to it; ``ident``: the block's id; ``binder``: the notebook on Binder)."""
    controls = [Control(**c) for c in panel["controls"]]
    start = [next(i for i, v in enumerate(c.shown) if _close(v, c.value)) for c in controls]
    at = 0
    for c, i in zip(controls, start):
        at = at * len(c.shown) + i
    frame = panel["frames"][at]
    esc = html.escape
    rows = []
    for c, i in zip(controls, start):
        cid = f"{ident}-{c.name}"
        label = f'<label for="{cid}">{esc(c.label)}</label>'
        if c.kind == "select":
            options = "".join(
                f'<option value="{k}"{" selected" if k == i else ""}>{esc(t)}</option>'
                for k, t in enumerate(c.labels)
            )
            field = f'<select id="{cid}">{options}</select>'
        else:
            field = (
                f'<input type="range" id="{cid}" min="0" max="{len(c.shown) - 1}" step="1" '
                f'value="{i}" aria-valuetext="{esc(c.labels[i])}">'
                f'<output for="{cid}">{esc(c.labels[i])}</output>'
            )
        if (panel.get("play") or {}).get("control") == c.name:  # the notebook's play button
            label = (
                f'<button type="button" class="book-frames-play" aria-controls="{cid}">'
                f"{esc(panel['play']['label'])}</button>" + label
            )
        rows.append(f'<div class="book-frames-control">{label}{field}</div>')
    src = f"{folder}/{frame['src']}" if frame["src"] else ""
    data = {
        "controls": [{"name": c.name, "labels": c.labels} for c in controls],
        "play": panel.get("play"),
        "frames": [
            {**f, "src": f"{folder}/{f['src']}" if f["src"] else None} for f in panel["frames"]
        ],
    }
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return "\n".join(
        [
            f'<div class="book-frames" id="{ident}">',
            f'<div class="book-frames-controls">{"".join(rows)}</div>',
            f'<img class="book-frames-picture" src="{esc(src)}" alt="{esc(frame["alt"])}"'
            + (" hidden>" if not src else ">"),
            f'<p class="book-frames-problem"{"" if frame["problem"] else " hidden"}>'
            f"{esc(frame['problem'])}</p>",
            f'<pre class="book-frames-caption"{"" if frame["caption"] else " hidden"}>'
            f"{esc(frame['caption'])}</pre>",
            f'<p class="book-frames-note">{note(controls, panel["fixed"], binder)}</p>',
            f'<script type="application/json" class="book-frames-data">{payload}</script>',
            "</div>",
        ]
    )


def note(controls: list[Control], fixed: dict, binder: str) -> str:
    """What the frames cover, and the link for the rest."""
    subsets = [c for c in controls if not c.complete]
    text = "Pictures drawn by the notebook's own view for "
    if not subsets and not fixed:
        return text + "every setting of its controls."
    parts = [
        f"{html.escape(c.label)} {', '.join(html.escape(t) for t in c.labels)}" for c in subsets
    ]
    if fixed:
        parts.append(
            "; ".join(
                f"{html.escape(label)} fixed at {value:g}"
                if not isinstance(value, str)
                else f"{html.escape(label)} fixed at {html.escape(value)}"
                for label, value in fixed.values()
            )
        )
    return (
        text
        + "these settings: "
        + "; ".join(parts)
        + f'. <a href="{html.escape(binder)}">Run the notebook to try other settings</a>.'
    )


# --- the cache and the build ------------------------------------------------------------------


def key(path: Path) -> str:
    """A hash of everything a lesson's frames depend on."""
    import matplotlib
    import numpy
    import PIL

    h = hashlib.sha256()
    for f in sorted((ROOT / "helpers").rglob("*.py")) + [Path(__file__)]:
        h.update(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes())
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            h.update("".join(cell["source"]).encode() + b"\0")
    h.update(f"{numpy.__version__} {matplotlib.__version__} {PIL.__version__}".encode())
    return h.hexdigest()[:16]


def has_widgets(path: Path) -> bool:
    return bool(widget_cells(json.loads(Path(path).read_text(encoding="utf-8"))))


def render_all(paths: list[Path], cache: Path = CACHE) -> dict[str, Path]:
    """Each lesson's frames folder (lesson file name -> folder), drawn where the cache has
    none for the lesson's current key, one process per lesson."""
    folders, todo = {}, []
    for path in paths:
        if not has_widgets(path):
            continue
        folder = cache / f"{Path(path).stem}-{key(path)}"
        folders[Path(path).name] = folder
        if not (folder / "panels.json").exists():
            todo.append((Path(path), folder))
    start = time.perf_counter()
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    running = []
    while todo or running:
        while todo and len(running) < LESSONS_AT_ONCE:
            path, folder = todo.pop(0)
            for old in cache.glob(f"{path.stem}-*"):
                shutil.rmtree(old)
            cmd = [sys.executable, "-m", "tools.book_frames", str(path), str(folder)]
            running.append((path, subprocess.Popen(cmd, cwd=ROOT, env=env)))
        path, proc = running.pop(0)
        if proc.wait():
            for _, other in running:
                other.kill()
            raise SystemExit(f"the frames of {path.name} failed (exit {proc.returncode})")
    if time.perf_counter() - start > 1:
        print(f"frames: {time.perf_counter() - start:.1f} s -> {cache}")
    return folders


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    partial = args.out.with_name(args.out.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):  # the cells' prints
        panels = render_lesson(args.notebook.resolve(), partial)
    partial.rename(args.out)
    n = sum(len(p["frames"]) for p in panels)
    print(f"frames of {args.notebook.name}: {n} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
