"""The store's tests also start each database test without open sessions or kept documents."""

from __future__ import annotations

import pytest

from projects.store.postgis.tables import connect


@pytest.fixture
def postgres_db(postgres_db: str) -> str:
    """The shared fixture's emptied database, with ``sessions`` and ``documents`` emptied too."""
    connect(postgres_db).execute("TRUNCATE sessions, documents")
    return postgres_db
