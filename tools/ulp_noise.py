"""An IPython start-up file for the portability check: a CPU this machine cannot present.

numpy's AVX-512 kernels (and ARM's) compute ``exp``, ``tanh``, ``log`` … to within an ulp or
two of the values the AVX2 and SSE kernels give, but not to the same last bit; so may another
platform's C library for ``math.exp`` and friends. This file, run at kernel start, moves
about two thirds of such results by one ulp, up or down, as a fixed function of the value
(so the same input still gives the same output): the kind of difference those CPUs make. A
stored output that survives it does not depend on the last bits of transcendental
functions; one that changes would change on some learner's laptop.

Never imported by the package: ``tools/portability.py`` copies it into the ``startup`` folder
of a temporary IPython profile for the kernels of one nbval run.
"""

import functools
import math
import os

import numpy as np

# another salt, another "CPU" (tools/portability.py uses the default)
_SALT = np.uint64(int(os.environ.get("ULP_NOISE_SALT", "0")))
_UFUNCS = "exp expm1 exp2 log log1p log2 log10 tanh sinh cosh sin cos tan arctan power".split()
_MATH = "exp expm1 log log1p log2 log10 tanh sinh cosh sin cos tan atan pow".split()


def _direction(a: np.ndarray) -> np.ndarray:
    """-1, 0 or +1 for each entry, a fixed function of its bits: the same input gives the
    same output, as on a real CPU (a random choice per call would break `f(x) == f(x)`)."""
    bits = np.array(a, dtype=np.float64).view(np.uint64)  # a copy, of the same shape
    mixed = ((bits ^ _SALT) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(61)  # hashed
    return (mixed.astype(np.int64) % 3) - 1


def _nudge(r):
    """``r`` with about two thirds of its finite, non-zero entries moved one ulp."""
    a = np.asarray(r)
    if a.dtype.kind != "f" or a.size == 0:
        return r
    with np.errstate(all="ignore"):
        flip = _direction(a)
        moved = np.where(
            flip > 0, np.nextafter(a, np.inf), np.where(flip < 0, np.nextafter(a, -np.inf), a)
        )
    moved = np.where(np.isfinite(a) & (a != 0), moved, a).astype(a.dtype)
    if isinstance(r, np.generic):  # a numpy scalar (np.float64 is also a float)
        return moved[()]
    if isinstance(r, float):
        return float(moved)
    return moved


def _noisy_ufunc(f):
    @functools.wraps(f)
    def g(*args, **kwargs):
        out = kwargs.get("out")
        r = f(*args, **kwargs)
        if out is not None:
            targets = out if isinstance(out, tuple) else (out,)
            for t in targets:
                if isinstance(t, np.ndarray):
                    t[...] = _nudge(t)
            return r
        return _nudge(r)

    for name in ("reduce", "accumulate", "outer", "at", "nin", "nout", "types"):
        if hasattr(f, name):
            setattr(g, name, getattr(f, name))
    return g


def _noisy_math(f):
    @functools.wraps(f)
    def g(*args):
        r = f(*args)
        if isinstance(r, float) and math.isfinite(r) and r != 0.0:
            step = int(_direction(np.array([r]))[0])
            if step:
                r = math.nextafter(r, math.inf if step > 0 else -math.inf)
        return r

    return g


for _name in _UFUNCS:
    setattr(np, _name, _noisy_ufunc(getattr(np, _name)))
for _name in _MATH:
    setattr(math, _name, _noisy_math(getattr(math, _name)))
