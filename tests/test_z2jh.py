"""The Zero to JupyterHub configuration (hub/z2jh/config.yaml), checked without a cluster.

It cannot be deployed here (no Kubernetes). What can be checked: it parses; merged with the
chart's default values, as helm merges them, it is valid against the values schema of the
chart version it names (tests/data/z2jh-values-schema-<version>.json, cut from the chart's
jupyterhub/values.schema.yaml and values.yaml by tools/z2jh_schema.py), so every key it sets
exists in that version; its Python compiles; and the nbgrader files it mounts are the
one-machine hub's (hub/jupyter/), so the two setups do not drift apart.
"""

import copy
import json
import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "hub" / "z2jh" / "config.yaml"


def chart_version() -> str:
    m = re.search(r"^# chart: jupyterhub (\S+)", CONFIG.read_text(encoding="utf-8"), re.M)
    assert m, "hub/z2jh/config.yaml must name its chart version ('# chart: jupyterhub X.Y.Z')"
    return m.group(1)


def merged(defaults, values):
    out = copy.deepcopy(defaults)
    for k, v in values.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def chart():
    path = ROOT / "tests" / "data" / f"z2jh-values-schema-{chart_version()}.json"
    assert path.exists(), f"no schema for chart {chart_version()}: tools/z2jh_schema.py makes it"
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_key_exists_in_the_charts_schema(config, chart):
    schema = chart["schema"]
    unknown = set(config) - set(schema["properties"])
    assert not unknown, f"not a section of the chart: {unknown}"
    values = merged({k: {} for k in schema["required"]} | chart["defaults"], config)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(values), key=str)
    assert not errors, "\n".join(f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_a_typo_would_be_caught(config, chart):
    wrong = copy.deepcopy(config)
    wrong["singleuser"]["memory"]["guarante"] = "1G"
    values = merged({k: {} for k in chart["schema"]["required"]} | chart["defaults"], wrong)
    assert list(jsonschema.Draft7Validator(chart["schema"]).iter_errors(values))


def test_resources_culling_and_image(config):
    su = config["singleuser"]
    assert su["memory"]["guarantee"] and su["cpu"]["guarantee"] > 0
    assert config["cull"]["enabled"] and config["cull"]["timeout"] > 0
    assert su["defaultUrl"].startswith("/lab")


def test_extra_config_compiles(config):
    for name, src in config["hub"]["extraConfig"].items():
        compile(src, name, "exec")


def test_nbgrader_files_are_the_one_machine_hubs(config):
    files = config["singleuser"]["extraFiles"]
    here = ROOT / "hub" / "jupyter"
    assert files["nbgrader-config"]["stringData"] == (here / "nbgrader_config.py").read_text(
        encoding="utf-8"
    )
    assert files["students-server"]["data"] == json.loads(
        (here / "students" / "jupyter_server_config.json").read_text()
    )
    assert files["students-lab"]["data"] == json.loads(
        (here / "students" / "labconfig" / "page_config.json").read_text()
    )
