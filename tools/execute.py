"""Execute notebooks top to bottom in a fresh kernel and store their outputs (`make execute`).

    python -m tools.execute notebooks/01_chain_rule.ipynb [...]

nbconvert's executor (nbclient) waits for each cell's reply on the kernel's shell channel
with one blocking read as long as the whole cell timeout. Now and then, on a loaded machine,
that read does not wake up when the reply to a cell that builds widgets arrives (the kernel
is idle, the client still waits: jupyter/nbclient#312, seen on notebook 01's chain-rule
widget and 02's Play widget), and the run sits until the timeout. Here the same client reads
in short polls, so a reply that has arrived is seen within half a second.

No execution timestamps are recorded, streams are stored coalesced, and the model ids of the
widget views shown (random per run) are renumbered in the order the cells show them: otherwise
every run would change every widget cell, and two branches that re-executed the same notebook
would conflict on it. Three runs of the series give byte-identical files.

No widget state is stored (``metadata.widgets``). It is written in the schema of the kernel's
ipywidgets (8: ``@jupyter-widgets/controls@2.0.0``), which the classic Notebook with widgets 7
(what Colab's runtime ships) cannot load ("Cannot find model module"). Without it, every front
end shows a stored widget cell as a widget that needs its cell run (JupyterLab: "model not
found"; the classic Notebook says to run the cell), and the static figure under each widget
cell shows the default picture; the book shows neither (tools/build_book.py).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import time
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from PIL import Image

POLL = 0.5  # seconds per read of the shell channel


def short_polls(get_msg):
    """``get_msg(timeout=T)`` as a series of reads of at most POLL seconds each."""

    async def polling(timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = POLL if deadline is None else max(0.0, min(POLL, deadline - time.monotonic()))
            try:
                return await ensure_async(get_msg(timeout=step))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return polling


class Client(NotebookClient):
    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        kc.shell_channel.get_msg = short_polls(kc.shell_channel.get_msg)
        return kc


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def steady_widget_ids(nb, name: str):
    """The notebook without stored widget state, and with each widget view's model id
    replaced by one derived from the notebook's name and the view's place among the views the
    cells show."""
    nb.metadata.pop("widgets", None)
    ids = [
        out["data"][WIDGET_VIEW]["model_id"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if WIDGET_VIEW in out.get("data", {})
    ]
    if not ids:
        return nb
    text = json.dumps(nb)
    for i, old in enumerate(dict.fromkeys(ids)):
        new = hashlib.sha1(f"{name}:{i}".encode()).hexdigest()[:32]
        text = text.replace(old, new)
    return nbformat.from_dict(json.loads(text))


def smaller_png(data: str) -> str:
    """The base64 PNG ``data``, losslessly smaller where it can be: opaque RGBA as RGB, at
    Pillow's ``optimize`` (the same pixels; ``data`` itself when that is not smaller)."""
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    if image.mode == "RGBA" and image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "png", optimize=True)
    smaller = base64.b64encode(buffer.getvalue()).decode("ascii")
    return smaller if len(smaller) < len("".join(data.split())) else data


def compact_pictures(nb):
    """Store every output's PNG as ``smaller_png`` gives it, in its ``image/png`` and in the
    ``text/html`` that shows the same picture with its alt text."""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            if "image/png" not in data:
                continue
            old = "".join(data["image/png"].split())
            new = smaller_png(old)
            data["image/png"] = new
            if "text/html" in data:
                data["text/html"] = data["text/html"].replace(f"base64,{old}", f"base64,{new}")
    return nb


def execute(path: Path, timeout: int = 120) -> float:
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    client = Client(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    if client.has_trait("coalesce_streams"):  # nbclient >= 0.10
        client.coalesce_streams = True
    client.execute()
    nbformat.write(compact_pictures(steady_widget_ids(nb, path.stem)), path)
    return time.perf_counter() - t0


def main(argv: list[str]) -> int:
    total = 0.0
    for name in argv:
        seconds = execute(Path(name))
        total += seconds
        print(f"executed {name} in {seconds:.1f} s", flush=True)
    print(f"{len(argv)} notebooks in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
