"""Cut the Zero to JupyterHub chart's values schema down to what tests/test_z2jh.py needs.

    python tools/z2jh_schema.py values.schema.yaml values.yaml 4.4.0 \
        > tests/data/z2jh-values-schema-4.4.0.json

``values.schema.yaml`` and ``values.yaml`` are ``jupyterhub/values.schema.yaml`` and
``jupyterhub/values.yaml`` at the chart's tag in github.com/jupyterhub/zero-to-jupyterhub-k8s.
Kept: the whole schema of every top-level section that hub/z2jh/config.yaml sets and the
chart's default values of those sections (helm validates defaults merged with a config, and
the schema requires some keys that only the defaults give), and the names of the other
top-level sections (the schema forbids unknown keys at most levels, so the names are what a
typo is checked against); dropped: the descriptions (documentation, most of the file).
"""

import json
import sys

import yaml

USED = ("hub", "singleuser", "cull", "proxy", "prePuller", "scheduling")


def strip(node):
    if isinstance(node, dict):
        return {
            k: strip(v) for k, v in node.items() if k != "description" or not isinstance(v, str)
        }
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def cut(schema: dict, defaults: dict, version: str) -> dict:
    out = {k: v for k, v in schema.items() if k != "properties"}
    out["properties"] = {
        k: (strip(v) if k in USED else {}) for k, v in schema["properties"].items()
    }
    out["$comment"] = (
        f"Zero to JupyterHub chart {version}: jupyterhub/values.schema.yaml, "
        f"cut by tools/z2jh_schema.py (sections {', '.join(USED)} whole, "
        "descriptions dropped, other sections by name only; defaults: "
        "jupyterhub/values.yaml, the same sections)"
    )
    return {"schema": out, "defaults": {k: v for k, v in defaults.items() if k in USED}}


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = yaml.safe_load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        defaults = yaml.safe_load(f)
    json.dump(
        cut(schema, defaults, sys.argv[3]),
        sys.stdout,
        indent=None,
        separators=(",", ":"),
        sort_keys=True,
    )
    sys.stdout.write("\n")
