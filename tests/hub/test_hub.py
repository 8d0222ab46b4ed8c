"""The class hub (hub/jupyterhub_config.py) on localhost, with dummy students.

``make test-hub`` runs this (as root, in the hub's environment build/hub/venv; ``.ci/run``
calls it after ``make test``). One hub for the module, on a free port, with its homes, state
and nbgrader exchange in a temporary folder and account names unique to the run:

* a student logs in through the login form and gets JupyterLab with the lessons (not the
  worked answers) in ``~/notebooks``, running as their own unix account;
* that student runs lesson 1 top to bottom in a kernel and moves one of its sliders the way
  the browser does: the new picture comes back;
* nbgrader between the instructor and two students: release, fetch, submit, collect,
  autograde; the student who answered scores full marks, the other zero;
* the idle culler runs; a student's home is closed to the others; the machine's own
  accounts (root, daemon) cannot log in.

The fixture's finalizer stops the hub's process group and every process of the accounts it
made, deletes them and checks nothing is left, also when a test failed.
"""

import asyncio
import copy
import json
import os
import pwd
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # for tools/, not installed

# `make test` (the learners' .venv) skips these; `make test-hub` sets HUB_TESTS=required, and
# then a missing piece is a failure, not a skip.
REQUIRED = os.environ.get("HUB_TESTS") == "required"
try:
    import jupyterhub  # noqa: F401

    missing = (
        None
        if os.geteuid() == 0
        else "the hub makes a unix account per student: `make test-hub` needs root"
    )
except ImportError:
    missing = "the hub tests run in the hub's environment: `make test-hub` (as root)"
if missing and REQUIRED:
    raise RuntimeError(missing)
if missing:
    pytest.skip(missing, allow_module_level=True)

from tools.hub_client import Hub, Student, account_pids  # noqa: E402
from tools.nbgrader_source import source_notebook  # noqa: E402

LESSON = "01_chain_rule"
COURSE = "deepnets"


LOOP = asyncio.new_event_loop()  # one loop for the module: the hub client lives in it


def run(coro):
    return LOOP.run_until_complete(coro)


@pytest.fixture(scope="module")
def hub():
    h = Hub(prefix=f"t{os.urandom(3).hex()}")
    try:
        h.start()
        yield h
    finally:
        accounts = h.accounts()
        uids = {pwd.getpwnam(a).pw_uid for a in accounts}
        h.cleanup()
        left = account_pids(uids)
        assert not left, f"processes of the test's students survived the hub: {left}"
        assert not h.accounts(), f"accounts survived the hub: {h.accounts()}"
        assert not h.tmp.exists()


@pytest.fixture(scope="module")
def people(hub):
    """The instructor and two students, logged in, their servers started at once."""
    who = {k: Student(hub, hub.name(k)) for k in ("instructor", "ada", "bob")}

    async def go():
        for s in who.values():
            await s.get_token()
        await asyncio.gather(*(s.start_server() for s in who.values()))

    run(go())
    return who


def test_login_form_then_jupyterlab_with_the_lessons(hub, people):
    ada = people["ada"]
    cookies = run(ada.login_form())
    assert "jupyterhub-session-id" in cookies and "jupyterhub-hub-login" in cookies
    r = run(ada.server_api("/lab", raw=True))
    assert r.code == 200 and b"JupyterLab" in r.body
    home = run(ada.server_api("/api/contents/notebooks"))
    names = sorted(c["name"] for c in home["content"])
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert names == [n for n in lessons if n != "answers.ipynb"], (
        "students get every lesson, not the worked answers"
    )
    instructor = run(people["instructor"].server_api("/api/contents/notebooks"))
    assert "answers.ipynb" in {c["name"] for c in instructor["content"]}


def test_the_machines_own_accounts_cannot_log_in(hub):
    for name in ("root", "daemon"):
        with pytest.raises(RuntimeError, match="HTTP 403"):
            run(Student(hub, name).login_form())


def test_lesson_runs_and_a_slider_redraws(hub, people):
    ada = people["ada"]

    async def go():
        k = await ada.open_notebook(f"notebooks/{LESSON}.ipynb")
        try:
            problems = await k.run_notebook(ROOT / "notebooks" / f"{LESSON}.ipynb")
            assert not problems, problems
            who = await k.execute("import os, helpers; print(os.getuid(), helpers.__name__)")
            sliders = k.sliders()
            assert sliders, "the lesson made no slider"
            import random

            cid = sliders[0]
            move = await k.move(cid, k.next_value(cid, random.Random(1)))
            return who, move
        finally:
            await k.close()

    who, move = run(go())
    assert who.stdout.split() == [str(pwd.getpwnam(ada.name).pw_uid), "helpers"]
    assert not move.errors, move.errors
    assert move.first_image is not None, "the slider move brought no new picture"


def test_students_do_not_see_each_others_homes(hub, people):
    ada, bob = people["ada"], people["bob"]
    home = pwd.getpwnam(ada.name).pw_dir

    async def go():
        k = await bob.open_notebook("peek.ipynb")
        try:
            return await k.execute(
                f"import os\ntry:\n    os.listdir({home!r})\n"
                "    print('open')\nexcept PermissionError:\n"
                "    print('closed')"
            )
        finally:
            await k.close()

    assert run(go()).stdout.strip() == "closed"


def test_formgrader_is_the_instructors_only(hub, people):
    ok = run(people["instructor"].server_api("/formgrader", raw=True))
    assert ok.code == 200
    with pytest.raises(Exception) as err:
        run(people["bob"].server_api("/formgrader", raw=True))
    assert getattr(err.value, "code", None) == 404


def test_idle_culler_is_running(hub):
    info = run(hub.api("/services/idle-culler"))
    assert any(a.startswith("--timeout=") for a in info["command"]), info
    assert "Service idle-culler exited" not in hub.log_tail(400)


NBGRADER = """
import json, os, subprocess
course = os.path.expanduser("~/course")
def nbgrader(*args):
    run = subprocess.run(["nbgrader", *args], cwd=course, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
"""


def answered(release: dict) -> dict:
    """The released notebook with every answer cell replaced by the worked answer."""
    solved = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in source_notebook(ROOT / "notebooks" / f"{LESSON}.ipynb").cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = copy.deepcopy(release)
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in solved:
            cell["source"] = solved[gid]
    return nb


async def assignment_action(student, action):
    """The student's POST /assignments/<action> (fetch, submit) of the lesson; it must succeed."""
    done = await student.server_api(
        f"/assignments/{action}",
        "POST",
        body="",
        query={"course_id": COURSE, "assignment_id": LESSON},
    )
    assert done["success"], done


def test_nbgrader_release_fetch_submit_collect_autograde(hub, people):
    teacher, ada, bob = people["instructor"], people["ada"], people["bob"]
    path = f"{LESSON}/{LESSON}.ipynb"

    async def go():
        k = await teacher.open_notebook("course/grading.ipynb")
        try:
            r = await k.execute(
                NBGRADER + f"nbgrader('generate_assignment', {LESSON!r})\n"
                f"nbgrader('release_assignment', {LESSON!r})",
                timeout=300,
            )
            assert not r.errors, r.errors
            for s in (ada, bob):
                listed = await s.server_api("/assignments", query={"course_id": COURSE})
                assert listed["success"], listed
                assert [a["assignment_id"] for a in listed["value"]] == [LESSON]
                await assignment_action(s, "fetch")
            release = (await ada.server_api(f"/api/contents/{path}"))["content"]
            await ada.server_api(
                f"/api/contents/{path}",
                "PUT",
                {"type": "notebook", "format": "json", "content": answered(release)},
            )
            for s in (ada, bob):
                await assignment_action(s, "submit")
            r = await k.execute(
                NBGRADER + f"nbgrader('collect', {LESSON!r})\n"
                f"nbgrader('autograde', {LESSON!r}, '--Execute.timeout=60')\n"
                "from nbgrader.api import Gradebook\n"
                "with Gradebook('sqlite:///' + course + '/gradebook.db') as gb:\n"
                f"    print(json.dumps({{s.student.id: [s.score, s.max_score] for s in "
                f"gb.find_assignment({LESSON!r}).submissions}}))",
                timeout=600,
            )
            assert not r.errors, r.errors
            return json.loads(r.stdout.strip().splitlines()[-1])
        finally:
            await k.close()

    scores = run(go())
    top = scores[ada.name][1]
    assert top > 0
    assert scores == {ada.name: [top, top], bob.name: [0.0, top]}
