"""The lowest versions the project admits, as pip constraints: ``name==floor`` for every
``name>=floor`` in requirements.txt and in pyproject.toml (dependencies and the extras named).

    python -m tools.floors test > build/floors.txt
    pip install -c build/floors.txt -r requirements.txt -e ".[test]"

`make floors` builds a virtualenv this way and runs the unit tests and strict nbval in it, so
every floor we state is a floor we test. A floor that cannot work is raised, not kept.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^#;]*)")


def floor_of(requirement: str) -> tuple[str, str] | None:
    """``("numpy", "1.26")`` for ``"numpy>=1.26,<3  # why"``; None for lines without a floor."""
    m = FLOOR.match(requirement)
    if not m or requirement.lstrip().startswith(("-", "#")):
        return None
    low = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", m.group(2))
    return (m.group(1).lower(), low.group(1)) if low else None


def requirements(extras: list[str]) -> list[str]:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines += project["dependencies"]
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return lines


def constraints(extras: list[str]) -> list[str]:
    floors: dict[str, str] = {}
    for line in requirements(extras):
        found = floor_of(line)
        if found:
            name, version = found
            # the same package named twice (requirements.txt and pyproject): the higher floor
            if name not in floors or _key(version) > _key(floors[name]):
                floors[name] = version
    return [f"{name}=={version}" for name, version in sorted(floors.items())]


def _key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


if __name__ == "__main__":
    print("\n".join(constraints(sys.argv[1:])))
