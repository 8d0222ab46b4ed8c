"""How many students can work at once on this machine's class hub?

    sudo make bench-hub
    build/hub/venv/bin/python bench/bench_hub.py [--steps 1,5,10,20,40] [--lesson NAME]

Starts the class hub (hub/jupyterhub_config.py, dummy login, on 127.0.0.1 at a free port)
and steps up a class of simulated students: at each step the new students log in, start
their servers, open a lesson (default 01_chain_rule) and run it top to bottom, all at once;
then every student of the class moves the lesson's sliders at a human rate for a while (one
move, then a pause of about a second once its picture is back: ``--pause``). A move is what
the browser sends when a slider moves (a widget ``comm_msg`` through the hub's proxy to the
kernel); its time runs from sending it to the new picture (the kernel's ``image/png``
output) arriving back through the proxy: what a learner waits for, less the browser's own
drawing (bench_latency.py measures that part).

For each step it reports the servers' start and lesson times, the memory of each student's
server and kernel (proportional set size, so shared libraries are counted once), the CPU the
class used and the CPU everything else on the machine used meanwhile (this machine is shared
with other developers' jobs: their load is part of every figure), the median, 90th
percentile and worst move, and every failure; then the largest class whose median move was
under 150 ms with nothing failing. The run stops after the first step that misses that,
or when the time budget (``--budget``, 15 min) would be exceeded. Results also go to
bench/results/bench_hub_<lesson>.json. The hub, the servers and the students' accounts are
removed at the end, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

try:
    import jupyterhub  # noqa: F401
except ImportError:
    print("bench_hub.py runs in the hub's environment, as root: `make bench-hub` (skipped)")
    sys.exit(0)

from tools.hub_client import Hub, Student, account_pids, uid_of  # noqa: E402

TARGET_MS = 150
TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, or 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError):
        return 0.0


def proc_pss(pid: int) -> int:
    """Proportional set size in bytes (shared pages split among their users)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def is_kernel(pid: int) -> bool:
    try:
        return b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(v[:8])
    idle = v[3] + v[4]
    return (total - idle) / TICK, total / TICK


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else None


class Class:
    def __init__(self, hub: Hub, lesson: str, seed: int):
        self.hub, self.lesson = hub, lesson
        self.students: list[Student] = []
        self.kernels = {}
        self.rng = random.Random(seed)
        self.failures: list[str] = []
        self.reconnects = 0  # kernel channels opened again (as JupyterLab would)

    def uids(self) -> set[int]:
        return {uid_of(s.name) for s in self.students} - {None}

    def our_cpu(self) -> float:
        """CPU seconds of the students' processes, the hub's (proxy, culler) and this one."""
        cpu = sum(proc_cpu(p) for p in account_pids(self.uids()))
        pg = self.hub.proc.pid
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    if os.getpgid(int(d.name)) == pg:
                        cpu += proc_cpu(int(d.name))
                except OSError:
                    pass
        return cpu + sum(os.times()[:2])

    async def join(self, n: int) -> dict:
        """n new students log in, start their servers and run the lesson, all at once."""
        new = [
            Student(self.hub, self.hub.name(f"s{len(self.students) + i + 1:02d}")) for i in range(n)
        ]
        self.students += new
        for s in new:
            await s.get_token()
        t0 = time.monotonic()
        starts = await asyncio.gather(*(s.start_server() for s in new), return_exceptions=True)
        ok = []
        for s, st in zip(new, starts):
            if isinstance(st, BaseException):
                self.failures.append(f"{s.name}: server did not start: {st}")
            else:
                ok.append((s, st))
        runs = await asyncio.gather(*(self._run_lesson(s) for s, _ in ok), return_exceptions=True)
        lesson_s = []
        for (s, _), r in zip(ok, runs):
            if isinstance(r, BaseException):
                self.failures.append(f"{s.name}: lesson: {r!r}"[:300])
            elif r is not None:
                lesson_s.append(r)
        return {
            "start_s": [round(st, 1) for _, st in ok],
            "lesson_s": lesson_s,
            "join_wall_s": round(time.monotonic() - t0, 1),
        }

    async def _run_lesson(self, s: Student):
        k = await s.open_notebook(f"notebooks/{self.lesson}.ipynb")
        self.reconnects += k.reconnects
        t = time.monotonic()
        problems = await k.run_notebook(ROOT / "notebooks" / f"{self.lesson}.ipynb")
        if problems:
            self.failures.append(f"{s.name}: lesson: {problems[0]}")
            return None
        elapsed = round(time.monotonic() - t, 1)
        # Each slider once: one whose panel shows no new picture until a button is clicked
        # (a setting for the next training step) is left out of the moves.
        k.live = []
        for cid in k.sliders():
            r = await k.move(cid, k.next_value(cid, self.rng), timeout=60)
            if r.errors:
                self.failures.append(f"{s.name}: first move: {'; '.join(r.errors)}"[:300])
            elif r.first_image is not None:
                k.live.append(cid)
        if not k.live:
            self.failures.append(f"{s.name}: the lesson made no slider that redraws")
            return None
        self.kernels[s.name] = k
        return elapsed

    async def work(self, seconds: float, pause: float) -> list[dict]:
        """Every student moves sliders for ``seconds``: move, picture, pause, move, ..."""
        stop = time.monotonic() + seconds
        moves = []

        async def student(name, k):
            await asyncio.sleep(self.rng.uniform(0, pause))  # not all in step
            while time.monotonic() < stop:
                cid = self.rng.choice(k.live)
                try:
                    r = await k.move(cid, k.next_value(cid, self.rng), timeout=30)
                except Exception as e:  # noqa: BLE001 - any failure is counted
                    moves.append({"student": name, "ms": None, "errors": [repr(e)]})
                    return
                errors = list(r.errors)
                if r.first_image is None and not errors:
                    errors.append("no new picture")
                moves.append({"student": name, "ms": r.image_ms, "errors": errors})
                await asyncio.sleep(self.rng.uniform(0.5 * pause, 1.5 * pause))

        await asyncio.gather(*(student(n, k) for n, k in self.kernels.items()))
        return moves

    def memory(self) -> dict:
        """PSS of each student's processes (server + kernel), MiB."""
        per = []
        for s in self.students:
            uid = uid_of(s.name)
            if uid is not None:
                per.append(sum(proc_pss(p) for p in account_pids({uid})) / 2**20)
        kernels = [proc_pss(p) / 2**20 for p in account_pids(self.uids()) if is_kernel(p)]
        return {
            "per_student_mib": round(statistics.median(per), 1) if per else None,
            "max_student_mib": round(max(per), 1) if per else None,
            "kernel_mib": round(statistics.median(kernels), 1) if kernels else None,
            "class_gib": round(sum(per) / 1024, 2),
        }

    def kernel_cpu(self) -> float:
        return sum(proc_cpu(p) for p in account_pids(self.uids()) if is_kernel(p))


async def bench(args) -> dict:
    hub = Hub(prefix=f"b{os.urandom(2).hex()}")
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "kernel": platform.release(),
            "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        },
        "lesson": args.lesson,
        "pause_s": args.pause,
        "work_s": args.work,
        "steps": [],
    }
    t_start = time.monotonic()
    try:
        hub.start()
        klass = Class(hub, args.lesson, seed=1)
        for n in args.steps:
            elapsed = time.monotonic() - t_start
            last = results["steps"][-1] if results["steps"] else None
            # a step takes about: joining (scales with the new students) + working
            guess = args.work + (
                last["join_wall_s"] / max(1, last["new"]) * (n - last["n"]) if last else 60
            )
            if elapsed + guess > args.budget:
                print(
                    f"-- stopping before {n} students: about {guess:.0f} s more would "
                    f"pass the {args.budget:.0f} s budget",
                    flush=True,
                )
                break
            load0 = os.getloadavg()
            failures_before, reconnects_before = len(klass.failures), klass.reconnects
            new = n - len(klass.students)
            joined = await klass.join(new)
            mem = klass.memory()
            busy0, total0 = machine_cpu()
            ours0, kcpu0 = klass.our_cpu(), klass.kernel_cpu()
            t0 = time.monotonic()
            moves = await klass.work(args.work, args.pause)
            wall = max(time.monotonic() - t0, 1e-3)
            busy1, total1 = machine_cpu()
            ours1, kcpu1 = klass.our_cpu(), klass.kernel_cpu()
            load1 = os.getloadavg()
            ms = [m["ms"] for m in moves if m["ms"] is not None and not m["errors"]]
            failed = [f"{m['student']}: {'; '.join(m['errors'])}" for m in moves if m["errors"]]
            failures = klass.failures[failures_before:] + failed
            cores_busy = (busy1 - busy0) / wall
            if not klass.kernels:  # nobody could work: no CPU figures
                cores_busy = wall = float("nan")
            step = {
                "n": n,
                "new": new,
                **joined,
                **mem,
                "moves": len(moves),
                "median_ms": round(statistics.median(ms), 1) if ms else None,
                "p90_ms": round(pct(ms, 0.9), 1) if ms else None,
                "worst_ms": round(max(ms), 1) if ms else None,
                "kernel_cpu_ms_per_move": round(1000 * (kcpu1 - kcpu0) / max(1, len(ms)), 1),
                "class_cores": round((ours1 - ours0) / wall, 2),
                "others_cores": round(max(0.0, cores_busy - (ours1 - ours0) / wall), 2),
                "load_before": [round(x, 2) for x in load0],
                "load_after": [round(x, 2) for x in load1],
                "failures": failures,
                "reconnects": klass.reconnects - reconnects_before,
            }
            step["ok"] = bool(ms) and step["median_ms"] < TARGET_MS and not failures
            results["steps"].append(step)
            print_step(step, flush=True)
            if not step["ok"]:
                break
    finally:
        log = ROOT / "bench" / "results" / f"bench_hub_{args.lesson}.hub.log"
        log.parent.mkdir(exist_ok=True)
        hub.stop()
        try:
            log.write_bytes(hub.log_path.read_bytes())  # the hub's and servers' logs
        except OSError:
            pass
        hub.cleanup()
    ok = [s["n"] for s in results["steps"] if s["ok"]]
    results["largest_class"] = max(ok) if ok else 0
    results["wall_s"] = round(time.monotonic() - t_start)
    return results


def print_step(s: dict, flush=False):
    lesson = s["lesson_s"]
    print(
        f"{s['n']:>3} students ({s['new']} new): servers up in {pct(s['start_s'], 0.5)}–"
        f"{max(s['start_s'], default=0)} s, lesson run {pct(lesson, 0.5)}–"
        f"{max(lesson, default=0)} s; memory {s['per_student_mib']} MiB a student "
        f"(kernel {s['kernel_mib']}), class {s['class_gib']} GiB; {s['moves']} moves: "
        f"median {s['median_ms']} ms, p90 {s['p90_ms']}, worst {s['worst_ms']} ms, "
        f"kernel CPU {s['kernel_cpu_ms_per_move']} ms a move; class used "
        f"{s['class_cores']} cores, others {s['others_cores']}; load "
        f"{s['load_before'][0]} -> {s['load_after'][0]}; kernel reconnects "
        f"{s.get('reconnects', 0)}; failures {len(s['failures'])}"
        + ("" if not s["failures"] else f" (first: {s['failures'][0][:200]})"),
        flush=flush,
    )


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", default="1,5,10,20,40", type=lambda s: [int(x) for x in s.split(",")])
    p.add_argument("--lesson", default="01_chain_rule")
    p.add_argument("--work", type=float, default=40, help="seconds of moving at each step")
    p.add_argument(
        "--pause",
        type=float,
        default=1.0,
        help="a student's mean pause between a picture and the next move (s)",
    )
    p.add_argument("--budget", type=float, default=900, help="total seconds at most")
    args = p.parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("bench_hub.py makes a unix account per student: run it as root")
    print(
        f"bench_hub: lesson {args.lesson}, steps {args.steps}, {args.work:.0f} s of moves "
        f"each, pause ~{args.pause} s; load average {os.getloadavg()} on "
        f"{os.cpu_count()} CPUs",
        flush=True,
    )
    results = asyncio.run(bench(args))
    out = ROOT / "bench" / "results" / f"bench_hub_{args.lesson}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(
        f"largest class with median move < {TARGET_MS} ms and nothing failing: "
        f"{results['largest_class']} students ({results['wall_s']} s; {out})"
    )


if __name__ == "__main__":
    main()
