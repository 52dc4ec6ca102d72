"""The catalog's error family: one base class the app catches and shows in Chinese."""

from __future__ import annotations


class CatalogError(Exception):
    """Base of every error the catalog raises on bad input; ``message_zh`` is shown to users."""

    def __init__(self, message_zh: str, *, project_id: str | None = None, field: str | None = None):
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.project_id = project_id
        self.field = field


class InvalidValue(CatalogError, ValueError):
    """A field's value is outside its rules (vocabulary, range, length, geometry)."""


class StaleVersion(CatalogError):
    """A save was based on an older version of the record than the one stored."""

    def __init__(
        self,
        message_zh: str,
        *,
        project_id: str,
        expected: int,
        actual: int,
        changes=None,
        head: str = "",
        also: tuple[StaleVersion, ...] = (),
    ):
        super().__init__(message_zh, project_id=project_id)
        self.expected = expected
        self.actual = actual
        #: What the colleague changed since ``expected``: {field: (old, new)}.
        self.changes = changes or {}
        #: The message's head before the changes (who saved which version), so a page can put
        #: the changes in its own words after it.
        self.head = head
        #: The other records of the same batch that changed meanwhile (each with its own
        #: ``head`` and ``changes``), so an import can name every one.
        self.also = also


class NotAllowed(CatalogError, PermissionError):
    """The caller has no editor login."""


class BadFile(CatalogError):
    """An uploaded or read file is broken, too large or of the wrong shape."""
