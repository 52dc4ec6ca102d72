"""The store's tests also start each database test without open sessions or kept documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from projects.store.postgis.tables import connect


@pytest.fixture
def postgres_db(postgres_db: str) -> Iterator[str]:
    """The shared fixture's emptied database, with ``sessions`` and ``documents`` emptied too,
    before the test and after it (tests elsewhere expect no kept documents there)."""
    connect(postgres_db).execute("TRUNCATE sessions, documents")
    yield postgres_db
    connect(postgres_db).execute("TRUNCATE sessions, documents")
