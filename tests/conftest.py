"""Shared fixtures: the real data files, and the source documents where they are present."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from projects.sources import seeds_dir

ROOT = Path(__file__).resolve().parent.parent
GEODATA_REF = ROOT.parent / "shared" / "geodata-ref"


@pytest.fixture
def catalog_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the committed catalog that the app (SHAPINGBA_CATALOG) reads and may change."""
    path = tmp_path / "projects.geojson"
    shutil.copy(ROOT / "data" / "projects.geojson", path)
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    return path


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


@pytest.fixture(autouse=True)
def _snapshots_in_tmp(tmp_path_factory, monkeypatch) -> None:
    """Each test's app servers keep their snapshots (ui.snapshots) apart, never in ~/.cache."""
    monkeypatch.setenv("SHAPINGBA_CACHE_DIR", str(tmp_path_factory.mktemp("snapshots")))


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[str]:
    """A throwaway PostgreSQL + PostGIS from Debian's packages, for the whole test session.

    ``$SHAPINGBA_TEST_DATABASE_URL`` when set (``.ci/run`` starts one the same way), else one
    started here by :mod:`projects.store.postgis.server`. Skips with the reason when the packages are absent,
    unless SHAPINGBA_REQUIRE_POSTGRES=1 (CI, where ``.ci/run`` installs them): then that fails.
    """
    from projects.store.postgis import server as postgres

    given = os.environ.get("SHAPINGBA_TEST_DATABASE_URL", "").strip()
    if given:  # .ci/run started one already
        yield given
        return
    binary, why = postgres.server_bin()
    if binary is None:
        if os.environ.get("SHAPINGBA_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{why}, but SHAPINGBA_REQUIRE_POSTGRES=1")
        pytest.skip(f"{why} (apt-get install postgresql postgis)")
    folder = Path(tempfile.mkdtemp(prefix="shapingba-pg-"))
    try:
        yield postgres.start(folder).url
    finally:
        postgres.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_db(postgres_cluster: str) -> str:
    """The test cluster's database URL with the store's tables emptied for this test."""
    from projects.store.postgis.tables import connect

    connect(postgres_cluster).execute(
        "TRUNCATE projects, batches, entries, accounts, login_failures, sessions, documents"
    )
    return postgres_cluster
