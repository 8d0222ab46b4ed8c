"""Time limits that hold on a busy machine, for the tests that something ends quickly.

A refusal that takes 20 ms alone took 3.6 s of wall time on two cores at a load average of 16
(`make test` beside six notebook readers). So a limit is checked twice: on the CPU time of
this process (which the load does not inflate: a loop that never ends would use it all), and
on the wall time scaled by the load per core (a wait that never ends would use that).
"""

import os
import time
from contextlib import contextmanager


def slowdown() -> float:
    """How many times slower than alone a process runs now: the load average per core, at
    least 1."""
    return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


@contextmanager
def ends_within(seconds: float, what: str = "it"):
    """The block uses under ``seconds`` of CPU, and under ``seconds`` of wall time times
    ``slowdown()``."""
    start, cpu = time.perf_counter(), time.process_time()
    yield
    used, took = time.process_time() - cpu, time.perf_counter() - start
    assert used < seconds, f"{what} used {used:.1f} s of CPU (limit {seconds} s)"
    limit = seconds * slowdown()
    assert took < limit, f"{what} took {took:.1f} s (limit {limit:.1f} s at this load)"
