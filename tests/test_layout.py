"""The folders are the architecture: checked on the source tree, so a move that breaks it fails here."""

from __future__ import annotations

import ast
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


def _purpose(package: Path) -> str:
    doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"{package}/__init__.py has no docstring"
    return doc.splitlines()[0]


def layout_section() -> str:
    """README's layout section as the tree says it: each package's purpose and its modules."""
    lines = [
        "## Layout",
        "Generated from the tree by `python -m tests.test_layout` (the test fails when README and tree",
        "drift apart): each package with the first line of its `__init__` docstring, then its modules.",
        "Dependencies run one way, `ui` → `geo` → `projects`; each package's `__init__` names its",
        "public API.",
        "",
        "- `app.py`: the Streamlit entry point; it arranges the `ui` panels.",
    ]
    for package in sorted(PACKAGES, key=lambda p: p.parts):
        modules = ", ".join(f"`{m.stem}`" for m in _modules(ROOT / package))
        line = f"- `{package}/`: {_purpose(package)}"
        lines.append(
            "  " * (len(package.parts) - 1) + line + (f" Modules: {modules}." if modules else "")
        )
        if (ROOT / package / "js").is_dir():
            lines.append("  " * len(package.parts) + "- `js/`: the browser-side scripts.")
        if (ROOT / package / "painted").is_dir():
            lines.append(
                "  " * len(package.parts)
                + "- `painted/`: the component that tells the page the map has painted."
            )
    lines += [
        "- `tests/`: mirrors the packages (`tests/projects/store/…`), against the real data files, the",
        "  real app (AppTest and headless Chromium) and real GIS readers; `tests/helpers.py` starts the",
        "  app for browser tests.",
        "- `bench/`: benchmark scripts that print their figures (`make bench`).",
    ]
    return "\n".join(lines) + "\n"


def _readme_parts() -> tuple[str, str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head, rest = text.split("## Layout", 1)
    _, tail = rest.split("\n## ", 1)
    return head, rest, "\n## " + tail


def test_readme_layout_is_the_tree():
    head, _, tail = _readme_parts()
    assert head + layout_section() + tail == (ROOT / "README.md").read_text(encoding="utf-8")


def test_tests_mirror_the_packages():
    """Every test file sits in the folder of the package it tests (tests/<package path>/)."""
    known = {str(p) for p in PACKAGES}
    for path in (ROOT / "tests").rglob("test_*.py"):
        folder = path.parent.relative_to(ROOT / "tests")
        assert str(folder) == "." or str(folder) in known, path


if __name__ == "__main__":
    head, _, tail = _readme_parts()
    (ROOT / "README.md").write_text(head + layout_section() + tail, encoding="utf-8")
