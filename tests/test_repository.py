"""The repository stands alone: it cites nothing outside itself, and every `make` target that a
file names exists (and `make help` lists every target)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tracked_files():
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / p for p in out if (ROOT / p).is_file() and not p.endswith((".npz", ".png"))]


def makefile_targets():
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z0-9_-]*):(?!=)", text, flags=re.M))


def test_nothing_cites_a_path_outside_the_repository():
    # spelled in pieces, so that this line does not match itself
    outside = re.compile(r"\.\./" + "shared|/" + "work/|/tmp/" + "team")
    bad = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in tracked_files()
        for i, line in enumerate(p.read_text(errors="replace").splitlines(), 1)
        if outside.search(line)
    ]
    assert not bad, f"cites something outside the repository: {bad}"


def test_every_make_target_a_file_names_exists():
    targets = makefile_targets()
    named = re.compile(r"`make ([a-z][a-z0-9_-]*)`|\bmake ([a-z][a-z0-9_-]*)\)")
    missing = set()
    for p in tracked_files():
        if p.suffix not in {".md", ".py", ".ipynb", ".yml", ".cfg", ".toml", ""}:
            continue
        for m in named.finditer(p.read_text(errors="replace")):
            name = m.group(1) or m.group(2)
            if name not in targets:
                missing.add((name, str(p.relative_to(ROOT))))
    assert not missing, f"make targets named but not defined: {sorted(missing)}"


def test_phony_names_only_real_targets():
    text = (ROOT / "Makefile").read_text()
    phony = {n for line in re.findall(r"^\.PHONY:(.*)$", text, flags=re.M) for n in line.split()}
    assert phony <= makefile_targets(), phony - makefile_targets()


def test_make_help_lists_every_target():
    out = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = {line.split()[1] for line in out.splitlines() if line.strip()}
    internal = {t for t in makefile_targets() if t.startswith(".")}
    assert makefile_targets() - internal <= listed, makefile_targets() - listed


def test_the_licence_the_readme_names_is_there():
    readme = (ROOT / "README.md").read_text()
    assert "MIT" in readme
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "Permission is hereby granted" in licence
