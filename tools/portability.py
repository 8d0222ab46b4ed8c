"""Strict nbval on every notebook under other CPUs than this one, as far as it can present them.

    python -m tools.portability            # what `make test` runs after the main pytest
    python -m tools.portability --list     # only say what can and cannot be simulated here
    python -m tools.portability --only ulp notebooks/01_chain_rule.ipynb   # one variant, one file

A stored output is a claim that must hold on every machine. numpy picks its SIMD kernels by
the CPU's features at import time and OpenBLAS picks its matrix kernels by the CPU model, and
both round differently from one CPU to the next (measured for this series; this module
reproduces those variants). A CPU's features can be taken away, never added:

- numpy's dispatch capped at x86-64-v3 (AVX2, no AVX-512) and at x86-64-v2 (SSE4, no AVX),
  with ``NPY_DISABLE_CPU_FEATURES``;
- OpenBLAS's kernels for other CPUs, with ``OPENBLAS_CORETYPE``: Haswell (AVX2), Sandybridge
  (AVX), Prescott (SSE3), SkylakeX (AVX-512, only where the CPU has it);
- transcendental functions one ulp off (``tools/ulp_noise.py``): what numpy's AVX-512 or ARM
  kernels and another platform's C library do, which no environment variable presents here.

Each variant is probed first in a subprocess (which numpy features are on, which OpenBLAS
kernel runs, whether it crashes); one that this CPU cannot present, or that is this CPU's own
configuration (the main nbval run covers it), is reported and not run. The others run strict
nbval, two at a time on two cores. Exit status 1 if any stored output differs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AVX512 = "X86_V4 AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR"
AVX2 = "X86_V3 AVX2 FMA3 AVX F16C"  # numpy 1.26 names the features, numpy 2.4 the levels
CAPS = {"x86-64-v3": AVX512, "x86-64-v2": f"{AVX512} {AVX2}"}
NBVAL = [
    "-m",
    "pytest",
    "-q",
    "-p",
    "no:cacheprovider",
    "--nbval",
    "--nbval-current-env",
    "--nbval-cell-timeout=300",
    "--nbval-sanitize-with",
    str(ROOT / "tests" / "nbval_sanitize.cfg"),
]


@dataclass
class Variant:
    name: str
    numpy_cap: str | None = None  # a key of CAPS
    blas: str | None = None  # an OPENBLAS_CORETYPE
    ulp_noise: bool = False
    env: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.numpy_cap:
            self.env["NPY_DISABLE_CPU_FEATURES"] = CAPS[self.numpy_cap]
        if self.blas:
            self.env["OPENBLAS_CORETYPE"] = self.blas


VARIANTS = [
    Variant("numpy <= x86-64-v3, OpenBLAS Haswell", numpy_cap="x86-64-v3", blas="Haswell"),
    Variant("numpy <= x86-64-v2, OpenBLAS Prescott", numpy_cap="x86-64-v2", blas="Prescott"),
    Variant("OpenBLAS Sandybridge", blas="Sandybridge"),
    Variant("OpenBLAS SkylakeX (AVX-512)", blas="SkylakeX"),
    Variant("exp/tanh/log/... one ulp off (AVX-512 or ARM numpy, another libm)", ulp_noise=True),
]

PROBE = r"""
import json, numpy as np
try:
    from numpy._core._multiarray_umath import __cpu_features__ as f
except ImportError:                                   # numpy 1.x
    from numpy.core._multiarray_umath import __cpu_features__ as f
from threadpoolctl import threadpool_info
a = np.random.default_rng(0).standard_normal((64, 64))
(a @ a).sum()                                         # a kernel this CPU lacks dies here
blas = [i.get("architecture") for i in threadpool_info() if i["internal_api"] == "openblas"]
print(json.dumps({"features": sorted(k for k, on in f.items() if on),
                  "blas": blas[0] if blas else None}))
"""


def base_env() -> dict:
    env = dict(os.environ)
    for key in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE", "IPYTHONDIR"):
        env.pop(key, None)
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
    return env


def probe(env: dict) -> tuple[dict | None, str]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    if run.returncode != 0:
        why = (
            "illegal instruction"
            if run.returncode == -4
            else (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1]
        )
        return None, why
    return json.loads(run.stdout.strip().splitlines()[-1]), ""


def level(features: list[str]) -> str:
    """The x86-64 level of numpy's enabled features (names of numpy 1.26 and of 2.x)."""
    on = set(features)
    if on & {"X86_V4", "AVX512F", "AVX512_SKX"}:
        return "x86-64-v4 (AVX-512)"
    if on & {"X86_V3", "AVX2"}:
        return "x86-64-v3 (AVX2)"
    return "x86-64-v2 (SSE4)" if on & {"X86_V2", "SSE42"} else "baseline"


def cannot_present(native: dict) -> list[str]:
    """What this machine can never present, said once."""
    missing = []
    if not level(native["features"]).startswith("x86-64-v4"):
        missing.append("numpy's AVX-512 kernels (x86-64-v4): this CPU has no AVX-512")
    missing.append(
        "ARM CPUs (Apple silicon, Graviton): other kernels again, and no x86 "
        "machine runs them (the one-ulp variant stands in for them)"
    )
    return missing


def plan(native: dict, variants: list[Variant]) -> tuple[list, list]:
    """(variants to run, [(variant, reason it is not run)])."""
    runnable, skipped = [], []
    for v in variants:
        env = base_env() | v.env
        got, why = probe(env)
        if got is None:
            skipped.append(
                (v, f"cannot be simulated here ({why}: this CPU lacks what the kernel needs)")
            )
        elif (
            v.blas
            and got["blas"]
            and got["blas"].lower() != v.blas.lower()
            and not (v.blas == "Prescott")
        ):  # OpenBLAS names its generic SSE kernel "Katmai"
            skipped.append((v, f"cannot be simulated here (OpenBLAS ran {got['blas']})"))
        elif not v.ulp_noise and got == native:
            skipped.append(
                (v, f"this CPU's own configuration ({got['blas']}): the main nbval run covers it")
            )
        else:
            runnable.append((v, got))
    return runnable, skipped


def run_variant(v: Variant, paths: list[str]) -> tuple[Variant, int, str, float]:
    env = base_env() | v.env
    tmp = None
    if v.ulp_noise:
        tmp = tempfile.mkdtemp(prefix="ipython-ulp-")
        startup = Path(tmp, "profile_default", "startup")
        startup.mkdir(parents=True)
        shutil.copy(ROOT / "tools" / "ulp_noise.py", startup / "00-ulp-noise.py")
        env["IPYTHONDIR"] = tmp
    t0 = time.perf_counter()
    try:
        run = subprocess.run(
            [sys.executable, *NBVAL, *paths],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return v, run.returncode, run.stdout + run.stderr, time.perf_counter() - t0


def summary_lines(output: str) -> tuple[str, list[str]]:
    lines = [line for line in output.splitlines() if line.strip()]
    failed = [
        line.split(" - ")[0].removeprefix("FAILED ").strip()
        for line in lines
        if line.startswith("FAILED")
    ]
    counts = next(
        (line.strip("= ") for line in reversed(lines) if " passed" in line or " failed" in line),
        "no result line",
    )
    return counts, failed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "paths",
        nargs="*",
        default=["notebooks"],
        help="notebooks or folders to check (default: notebooks)",
    )
    ap.add_argument("--list", action="store_true", help="only probe and list the variants")
    ap.add_argument("--only", metavar="WORDS", default="", help="only the variants so named")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    native, why = probe(base_env())
    if native is None:
        print(f"portability: numpy does not even run here ({why})")
        return 1
    runnable, skipped = plan(native, [v for v in VARIANTS if args.only in v.name])
    print(
        f"portability: this CPU: numpy up to {level(native['features'])}, OpenBLAS {native['blas']}"
    )
    for v, reason in skipped:
        print(f"  - {v.name}: {reason}")
    for what in cannot_present(native):
        print(f"  - not here: {what}")
    if args.list:
        for v, _ in runnable:
            print(f"  + {v.name}: would run")
        return 0

    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        results = list(pool.map(lambda v: run_variant(v, args.paths), [v for v, _ in runnable]))
    bad = 0
    for v, code, output, seconds in results:
        counts, failed = summary_lines(output)
        ok = code == 0
        bad += not ok
        print(f"  {'ok ' if ok else 'FAIL'} {v.name}: {counts} ({seconds:.0f} s)")
        for cell in failed:
            print(f"         differs: {cell}")
        if not ok and not failed:
            print("\n".join("         " + line for line in output.splitlines()[-15:]))
        if not ok:  # the whole of pytest's report: the first error says why the rest failed
            slug = re.sub(r"[^a-z0-9]+", "-", v.name.lower()).strip("-")
            log = ROOT / "build" / f"portability-{slug}.log"
            log.parent.mkdir(exist_ok=True)
            log.write_text(output, encoding="utf-8")
            print(f"         pytest's whole report: {log.relative_to(ROOT)}")
    print(
        f"portability: {len(results) - bad} of {len(results)} variants give the stored "
        f"outputs ({time.perf_counter() - t0:.0f} s)"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
