# JupyterHub for a class on one machine: the series for every student, nbgrader between them.
#
#     sudo make hub            # from the repository; docs/instructors.md says more
#
# Each student is a real unix account (made on first login, home directory mode 700) and
# their JupyterLab runs as that account (LocalProcessSpawner; the hub runs as root). That is
# what nbgrader's exchange needs: it takes the student's name from the account, and file
# permissions keep one student's submission out of another's reach. A same-user spawner
# would make every student the same account to nbgrader, and able to read each other's work.
#
# Everything a class changes is an environment variable (read below, with its default);
# `make hub` passes them through: `sudo make hub HUB_PORT=8443 HUB_PASSWORD=...`.

import os
import pwd
import shutil
import socket
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent                                   # the repository
VENV = Path(sys.prefix)                              # the hub's environment (build/hub/venv)


def env(name, default):
    return os.environ.get(name) or default


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if os.geteuid() != 0:
    raise SystemExit("the class hub runs as root (sudo make hub): it makes each student's unix "
                     "account and starts their server as that account")

IP = env("HUB_IP", "0.0.0.0")                      # 127.0.0.1: this machine only
PORT = int(env("HUB_PORT", "8000"))
AUTH = env("HUB_AUTH", "shared")                   # shared | native | dummy (tests only)
INSTRUCTOR = env("HUB_INSTRUCTOR", "instructor")   # the hub user who runs nbgrader
COURSE = env("HUB_COURSE", "deepnets")             # nbgrader's course id
EXCHANGE = Path(env("HUB_EXCHANGE", "/srv/nbgrader/exchange"))
HOMES = Path(env("HUB_HOMES", "/home"))            # where the students' homes are made
STATE = Path(env("HUB_STATE", ROOT / "build" / "hub" / "state"))  # database, cookie secret
IDLE = int(env("HUB_IDLE_TIMEOUT", "3600"))        # seconds before an idle server is stopped
CHP = env("HUB_PROXY", ROOT / "build" / "hub" / "node" / "node_modules" / ".bin"
          / "configurable-http-proxy")

# -- where it listens ------------------------------------------------------------------------
# Only the public port is fixed; the hub's own API and the proxy's API take free ports on
# 127.0.0.1 (the defaults 8081 and 8001 may be taken on a shared machine).
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{env('HUB_API_PORT', free_port())}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('HUB_PROXY_API_PORT', free_port())}"
c.ConfigurableHTTPProxy.command = [str(CHP)]
STATE.mkdir(parents=True, exist_ok=True, mode=0o700)
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# For a class over a network, give the hub a certificate (or put it behind one that has):
if os.environ.get("HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["HUB_SSL_KEY"]

# -- who may log in --------------------------------------------------------------------------
# Names become unix accounts: lower-case letters, digits, - and _, starting with a letter.
c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{0,31}$"
c.Authenticator.admin_users = {INSTRUCTOR}
ROSTER = os.environ.get("HUB_ROSTER")             # a file: one student name a line
if ROSTER:
    names = [ln.split("#")[0].strip() for ln in Path(ROSTER).read_text().splitlines()]
    c.Authenticator.allowed_users = {n for n in names if n} | {INSTRUCTOR}
else:
    c.Authenticator.allow_all = True               # anyone who has the class password

if AUTH == "shared":
    # One password for the class (said aloud in the room), another for the instructor.
    # JupyterHub asks for at least 8 and 32 characters. Anyone with the class password can
    # log in under any student's name: for graded work prefer HUB_AUTH=native.
    if not os.environ.get("HUB_PASSWORD") or not os.environ.get("HUB_ADMIN_PASSWORD"):
        raise SystemExit("set HUB_PASSWORD (the class's, 8+ characters) and HUB_ADMIN_PASSWORD"
                         f" (the instructor's, 32+ characters; {INSTRUCTOR!r} logs in with it)"
                         ", or HUB_AUTH=native (docs/instructors.md)")
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = os.environ["HUB_PASSWORD"]
    c.SharedPasswordAuthenticator.admin_password = os.environ["HUB_ADMIN_PASSWORD"]
elif AUTH == "native":
    # Students sign up with a password of their own at /hub/signup; the instructor
    # authorizes them at /hub/authorize (jupyterhub-nativeauthenticator).
    c.JupyterHub.authenticator_class = "native"
    c.NativeAuthenticator.open_signup = False
    c.NativeAuthenticator.minimum_password_length = 8
    c.JupyterHub.template_paths = [
        str(Path(__import__("nativeauthenticator").__file__).parent / "templates")]
elif AUTH == "dummy":
    # Any name, any password: for the tests and the benchmark, never for a class.
    if IP != "127.0.0.1":
        raise SystemExit("HUB_AUTH=dummy lets anyone in: it needs HUB_IP=127.0.0.1")
    c.JupyterHub.authenticator_class = "dummy"
else:
    raise SystemExit(f"HUB_AUTH={AUTH!r}: expected shared, native or dummy")


# -- each student's server -------------------------------------------------------------------
MARK = "jupyterhub class account"                  # the comment field of the accounts made here


def made_here(pw):
    return pw.pw_gecos == MARK and pw.pw_uid >= 1000 and Path(pw.pw_dir).parent == HOMES


# The machine's own accounts (root, daemon, a colleague's login) are never a student: their
# names cannot log in, and a server is only started for an account this hub made.
c.Authenticator.blocked_users = {pw.pw_name for pw in pwd.getpwall() if not made_here(pw)}


def unix_account(name):
    """The student's unix account, made on first login (home mode 700)."""
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        HOMES.mkdir(parents=True, exist_ok=True)
        subprocess.run(["useradd", "--create-home", "--base-dir", str(HOMES),
                        "--shell", "/bin/bash", "--comment", MARK, name],
                       check=True, capture_output=True)
        pw = pwd.getpwnam(name)
        os.chmod(pw.pw_dir, 0o700)                 # students do not read each other's work
    if not made_here(pw):
        raise PermissionError(f"{name!r} is an account of this machine, not a class account "
                              f"(uid {pw.pw_uid}, home {pw.pw_dir})")
    return pw


def copy_as(pw, src, dst):
    """Copy ``src`` to ``dst`` (a file or a tree) unless ``dst`` exists; owned by ``pw``."""
    if dst.exists():
        return
    if src.is_dir():
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    else:
        shutil.copy(src, dst)
    for p in [dst, *dst.rglob("*")] if dst.is_dir() else [dst]:
        os.chown(p, pw.pw_uid, pw.pw_gid)


def font_cache():
    """matplotlib's font list, built once by the hub (``STATE/matplotlib``): a new account
    would otherwise build its own on its first ``import matplotlib``, seconds of CPU each when
    a whole class starts at once (and a "building the font cache" warning in its first cell)."""
    cache = STATE / "matplotlib"
    if not any(cache.glob("fontlist-*.json")):
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                       env={**os.environ, "MPLCONFIGDIR": str(cache)}, check=True,
                       capture_output=True)
    return cache


def prepare_home(spawner):
    """The lessons in ``~/notebooks`` (never overwriting a student's own copy; the worked
    answers are not handed out); for the instructor also ``~/course``, an nbgrader course
    with every lesson's exercises as an assignment source (tools/nbgrader_source.py)."""
    name = spawner.user.name
    pw = unix_account(name)
    home = Path(pw.pw_dir)
    mpl = home / ".cache" / "matplotlib"
    if not mpl.exists():
        for d in (home / ".cache", mpl):
            d.mkdir(exist_ok=True)
            os.chown(d, pw.pw_uid, pw.pw_gid)
        for f in font_cache().glob("fontlist-*.json"):
            copy_as(pw, f, mpl / f.name)
    notebooks = home / "notebooks"
    if not notebooks.exists():
        notebooks.mkdir()
        os.chown(notebooks, pw.pw_uid, pw.pw_gid)
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if nb.name != "answers.ipynb" or name == INSTRUCTOR:
            copy_as(pw, nb, notebooks / nb.name)
    if name == INSTRUCTOR:
        course = home / "course"
        if not course.exists():
            for lesson in sorted((ROOT / "notebooks").glob("0[1-9]_*.ipynb")):
                run = subprocess.run([sys.executable, "-m", "tools.nbgrader_source",
                                      str(lesson), "--course", str(course)],
                                     cwd=ROOT, capture_output=True, text=True)
                if run.returncode:     # one lesson's trouble does not keep the others out
                    spawner.log.warning("no assignment from %s: %s", lesson.name,
                                        run.stderr.strip()[-300:])
            for p in [course, *course.rglob("*")]:
                os.chown(p, pw.pw_uid, pw.pw_gid)
    # nbgrader's settings (course id, exchange; hub/jupyter/nbgrader_config.py) for everyone;
    # for students also hub/jupyter/students: no formgrader, no course list, only the
    # Assignments tab. (A new dict: the configured one is shared by every spawner.)
    config_path = [HERE / "jupyter"] if name == INSTRUCTOR else [
        HERE / "jupyter" / "students", HERE / "jupyter"]
    spawner.environment = {**spawner.environment,
                           "JUPYTER_CONFIG_PATH": os.pathsep.join(map(str, config_path))}
    if name == INSTRUCTOR:
        spawner.environment["NBGRADER_COURSE_ROOT"] = str(course)
    # nbgrader's exchange: everyone writes, the instructor's release makes the course folder.
    EXCHANGE.mkdir(parents=True, exist_ok=True)
    os.chmod(EXCHANGE, 0o1777)


c.Spawner.pre_spawn_hook = prepare_home
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/notebooks/00_index.ipynb"   # JupyterLab, on the index
c.Spawner.start_timeout = 300   # a class logging in at once on 2 cores: minutes (bench/README.md)
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",   # nbgrader runs alembic from PATH
    "HUB_COURSE": COURSE,
    "HUB_EXCHANGE": str(EXCHANGE),
    "HUB_INSTRUCTOR": INSTRUCTOR,
    # one BLAS thread per kernel: the lessons' printed digits stay the same on every machine,
    # and 40 kernels do not each start a thread per core
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
}

# -- idle servers are stopped ----------------------------------------------------------------
# A server whose kernels and browser tabs have been quiet for HUB_IDLE_TIMEOUT seconds is
# stopped (its files stay); the student's next visit starts it again.
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE}",
                f"--cull-every={max(10, min(300, IDLE // 4))}"],
}]
c.JupyterHub.cleanup_servers = True    # stopping the hub stops every student's server

# -- scripts ---------------------------------------------------------------------------------
# HUB_API_TOKEN, if set, is a token with the admin role for scripts (the hub test and the
# capacity benchmark use it to make students and start their servers).
if os.environ.get("HUB_API_TOKEN"):
    c.JupyterHub.services.append({"name": "class-scripts",
                                  "api_token": os.environ["HUB_API_TOKEN"]})
    c.JupyterHub.load_roles.append({"name": "admin", "services": ["class-scripts"]})
