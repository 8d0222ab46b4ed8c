"""tools/execute.py (`make execute`): replies are read in short polls, and two runs of the same
notebook give byte-identical files (no timestamps, steady widget ids, coalesced streams)."""

import asyncio
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path
from queue import Empty

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.execute import (  # noqa: E402
    POLL,
    compact_pictures,
    execute,
    short_polls,
    smaller_png,
)


def run(coroutine):
    """``asyncio.run`` in a thread of its own: in `make test` the browser tests' Playwright
    owns this thread's event loop, and asyncio.run refuses to start inside a running one."""
    import threading

    result = {}

    def target():
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as e:  # re-raised in the test's thread
            result["error"] = e

    t = threading.Thread(target=target)
    t.start()
    t.join(30)
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_a_reply_that_has_arrived_is_seen_within_a_poll():
    """The stalled read of jupyter/nbclient#312 sleeps through the whole timeout although the
    reply is there; read in short polls, it is seen at the next poll."""
    arrives = time.monotonic() + 0.3
    asked = []

    async def sleepy_get_msg(timeout=None):
        asked.append(timeout)
        await asyncio.sleep(timeout)  # does not wake up when the message arrives
        if time.monotonic() >= arrives:
            return {"parent_header": {"msg_id": "m"}}
        raise Empty

    t0 = time.monotonic()
    msg = run(short_polls(sleepy_get_msg)(timeout=60))
    assert msg["parent_header"]["msg_id"] == "m"
    assert time.monotonic() - t0 < 0.3 + 2 * POLL
    assert max(asked) <= POLL


def test_no_reply_still_times_out_when_the_cell_timeout_is_up():
    async def never(timeout=None):
        await asyncio.sleep(timeout)
        raise Empty

    t0 = time.monotonic()
    try:
        run(short_polls(never)(timeout=0.7))
    except Empty:
        pass
    else:
        raise AssertionError("expected Empty")
    assert 0.6 < time.monotonic() - t0 < 0.7 + 2 * POLL


def test_two_runs_store_the_same_bytes(tmp_path):
    cells = ["import ipywidgets as W\nW.IntSlider(3)", "for i in range(3):\n    print(i)"]
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{i}",
                "metadata": {},
                "outputs": [],
                "source": src,
            }
            for i, src in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    first = tmp_path / "a" / "lesson.ipynb"
    first.parent.mkdir()
    first.write_text(json.dumps(nb), encoding="utf-8")
    second = tmp_path / "b" / "lesson.ipynb"
    second.parent.mkdir()
    shutil.copy(first, second)
    execute(first)
    execute(second)
    stored = json.loads(first.read_text(encoding="utf-8"))
    assert first.read_bytes() == second.read_bytes()
    assert not any("execution" in c["metadata"] for c in stored["cells"])
    (stream,) = stored["cells"][1]["outputs"]  # one stream
    assert "".join(stream["text"]) == "0\n1\n2\n"
    # no widget state (ipywidgets 8's schema chokes the classic Notebook with widgets 7)
    assert "widgets" not in stored["metadata"]
    (view,) = stored["cells"][0]["outputs"]
    model_id = view["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert model_id == hashlib.sha1(b"lesson:0").hexdigest()[:32]  # steady, from name and place


def png_of(fig) -> str:
    import base64
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def pixels(data: str):
    import base64
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA"))


def test_a_stored_picture_keeps_every_pixel_in_fewer_bytes():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.imshow([[0, 1, 2], [3, 4, 5]], cmap="viridis")
    ax.plot([0, 2], [0, 1], color="tab:orange")
    before = png_of(fig)
    after = smaller_png(before)
    assert len(after) < len(before)
    assert (pixels(after) == pixels(before)).all()
    assert smaller_png(after) == after  # what is stored is left as it is


def test_a_transparent_picture_keeps_its_transparency():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    fig.patch.set_alpha(0.0)
    fig.add_subplot().plot([0, 1])
    before = png_of(fig)
    after = smaller_png(before)
    assert (pixels(after) == pixels(before)).all()
    assert pixels(after)[0, 0, 3] == 0


def test_a_described_figure_shows_the_same_smaller_picture_in_html_and_png():
    import nbformat
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    fig.add_subplot().plot([0, 1], [1, 0])
    data = png_of(fig)
    html = f'<img src="data:image/png;base64,{data}" alt="A line falling from 1 to 0."/>'
    out = nbformat.v4.new_output(
        "display_data", data={"image/png": data, "text/html": html, "text/plain": "A line."}
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("fig", outputs=[out])])
    stored = compact_pictures(nb).cells[0].outputs[0]["data"]
    assert stored["image/png"] != data
    assert stored["text/html"] == html.replace(data, stored["image/png"])


def test_the_stored_notebooks_pictures_are_compact():
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
                png = out.get("data", {}).get("image/png")
                if png:
                    png = "".join(png.split())
                    assert smaller_png(png) == png, f"{path.name} cell {i}: run `make execute`"
