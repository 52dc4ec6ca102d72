"""Mentions in, catalog records out: merging, curation, stable ids, the build pipeline."""

from projects.documents.sector_rules import (
    BOX_SECTORS,
    CITY,
    DEFAULT_SECTOR,
    DISTRICT_WORDS,
    SECTOR_RULES,
)
from projects.documents.surface_forms import (
    source_forms,
    surface_form,
)
from projects.records.assemble import (
    current_status,
)
from projects.records.curation import (
    CURATION_ACTIONS,
    CURATION_PATH,
    SETTABLE,
    CurationRow,
    read_curation,
)
from projects.records.id_registry import (
    IDS_PATH,
    read_registry,
    write_registry,
)
from projects.records.merge_keys import (
    base_key,
    merge_key,
)
from projects.records.pipeline import (
    build_records,
    document_mentions,
    summary,
)

__all__ = [
    "BOX_SECTORS",
    "CITY",
    "CURATION_ACTIONS",
    "CURATION_PATH",
    "CurationRow",
    "DEFAULT_SECTOR",
    "DISTRICT_WORDS",
    "IDS_PATH",
    "SECTOR_RULES",
    "SETTABLE",
    "base_key",
    "build_records",
    "current_status",
    "document_mentions",
    "merge_key",
    "read_curation",
    "read_registry",
    "source_forms",
    "summary",
    "surface_form",
    "write_registry",
]
