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

from tools.execute import POLL, execute, short_polls  # noqa: E402


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
