"""The folders are the architecture: checked on the source tree, so a move that breaks it fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from projects.sources import ROOT

PACKAGES = sorted(
    p.parent.relative_to(ROOT)
    for top in ("projects", "geo", "ui")
    for p in (ROOT / top).rglob("__init__.py")
)


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize("layer, below", [("projects", ("geo", "ui")), ("geo", ("ui",))])
def test_dependencies_run_one_way(layer, below):
    """ui -> geo -> projects: a lower layer never imports a higher one, not even inside a function."""
    offenders = [
        f"{p.relative_to(ROOT)}: {m}"
        for p in (ROOT / layer).rglob("*.py")
        for m in _imports(p)
        if m.split(".")[0] in below
    ]
    assert offenders == []


@pytest.mark.parametrize("package", PACKAGES, ids=str)
def test_each_folder_holds_at_most_twelve_modules(package):
    assert len(_modules(ROOT / package)) <= 12


@pytest.mark.parametrize("package", PACKAGES, ids=str)
def test_only_a_package_init_lists_names_defined_elsewhere(package):
    """A module's ``__all__`` names only what it defines; re-exports live in the package __init__."""
    for path in _modules(ROOT / package):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)} | {
            t.id
            for n in tree.body
            if isinstance(n, ast.Assign | ast.AnnAssign)
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
            if isinstance(t, ast.Name)
        }
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                listed = {e.value for e in node.value.elts}
                assert listed <= defined, f"{path.relative_to(ROOT)} lists {listed - defined}"


def test_readme_layout_names_every_package_with_its_purpose():
    """README's layout section is the packages' own docstrings, one line each."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Layout", 1)[1]
    section = section.split("\n## ", 1)[0]
    for package in PACKAGES:
        doc = ast.get_docstring(
            ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
        )
        first = doc.splitlines()[0] if doc else ""
        assert first, f"{package}/__init__.py has no docstring"
        assert re.search(rf"`{re.escape(str(package))}/`: {re.escape(first)}", section), package


def test_tests_mirror_the_packages():
    """Every test file sits in the folder of the package it tests (tests/<package path>/)."""
    known = {str(p) for p in PACKAGES}
    for path in (ROOT / "tests").rglob("test_*.py"):
        folder = path.parent.relative_to(ROOT / "tests")
        assert str(folder) == "." or str(folder) in known, path
