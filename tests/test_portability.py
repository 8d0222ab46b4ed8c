"""The portability check (tools/portability.py, part of `make test`) can fail: a notebook that
prints round-off digits fails under another CPU's rounding, one that prints its claim passes.

Each case runs strict nbval on a one-cell notebook under the variant that changes the most
digits here (transcendental functions one ulp off; the digits below are exp's, which no BLAS
kernel computes): some seconds. `make test` runs every variant on the lessons.
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools import portability  # noqa: E402

pytest.importorskip("threadpoolctl", reason="the portability check needs the `test` extra")


def one_cell_notebook(path: Path, source: str) -> Path:
    """A notebook whose only cell is ``source``, executed here (its stored output is this
    CPU's): what `make execute` would commit."""
    from tools.execute import execute

    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "c1",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    execute(path)
    return path


ONE_ULP = "one ulp off"
# central differences of exp: their last digits are round-off (the CPU's), their first six not
SLOPES = (
    "import numpy as np\nx = np.linspace(0.5, 1.5, 9)\n"
    "d = (np.exp(x + 1e-7) - np.exp(x - 1e-7)) / 2e-7\n"
)


def test_round_off_digits_fail_the_check(tmp_path, capsys):
    nb = one_cell_notebook(tmp_path / "digits.ipynb", SLOPES + "print(d.tolist())")
    assert portability.main([str(nb), "--only", ONE_ULP]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "differs: " in out and "one ulp off" in out
    log = ROOT / out.split("pytest's whole report: ")[1].split()[0]
    assert "Cell 0" in log.read_text(encoding="utf-8")  # what differed, in full


def test_what_the_digits_really_say_passes(tmp_path, capsys):
    nb = one_cell_notebook(
        tmp_path / "claim.ipynb",
        SLOPES + "print(np.round(d, 6).tolist(), np.allclose(d, np.exp(x)))",
    )
    assert portability.main([str(nb), "--only", ONE_ULP]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and "variants give the stored outputs" in out


def test_it_says_what_it_cannot_simulate_here(capsys):
    assert portability.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "not here: ARM" in out
    for v in portability.VARIANTS:
        assert v.name in out  # each variant: to run, skipped and why
