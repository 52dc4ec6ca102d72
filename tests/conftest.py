"""Shared fixtures: the real data files, and the source documents where they are present."""

from __future__ import annotations

from pathlib import Path

import pytest

from projects.sources import seeds_dir

ROOT = Path(__file__).resolve().parent.parent
GEODATA_REF = ROOT.parent / "shared" / "geodata-ref"


@pytest.fixture(scope="session")
def seeds() -> Path:
    folder = seeds_dir()
    if not (folder / "INDEX.md").exists():
        pytest.skip(f"source documents not found in {folder} (set SHAPINGBA_SEEDS)")
    return folder


@pytest.fixture(scope="session")
def geodata_ref() -> Path:
    if not GEODATA_REF.exists():
        pytest.skip(f"reference geometry not found in {GEODATA_REF}")
    return GEODATA_REF


@pytest.fixture(autouse=True)
def _audit_log_in_tmp(tmp_path_factory, monkeypatch) -> None:
    """Logins and saves in tests write their audit lines to a temp file, never to data/."""
    monkeypatch.setenv("SHAPINGBA_AUDIT", str(tmp_path_factory.mktemp("audit") / "audit.jsonl"))
