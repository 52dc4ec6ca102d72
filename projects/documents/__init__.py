"""Plan documents in, project mentions out: paragraphs, name rules, status and sector cues."""

from projects.documents.cues import (
    INNER_VERBS,
    NOT_STATUS,
    PREFIX_CUES,
    SUFFIX_CUES,
)
from projects.documents.extract import (
    GLOSSARY_HEADINGS,
    Mention,
    extract_mentions,
    lead_dept,
)
from projects.documents.list_items import (
    SHARED_HEADS,
)
from projects.documents.name_rules import (
    GENERIC_PATTERNS,
    GENERIC_WORDS,
    NOT_NAME,
    PROJECT_SUFFIXES,
    PROPER_STEMS,
    cn_number,
    is_generic,
    normalise_name,
)
from projects.documents.paragraphs import (
    Paragraph,
    paragraphs,
)

__all__ = [
    "GENERIC_PATTERNS",
    "GENERIC_WORDS",
    "GLOSSARY_HEADINGS",
    "INNER_VERBS",
    "Mention",
    "NOT_NAME",
    "NOT_STATUS",
    "PREFIX_CUES",
    "PROJECT_SUFFIXES",
    "PROPER_STEMS",
    "Paragraph",
    "SHARED_HEADS",
    "SUFFIX_CUES",
    "cn_number",
    "extract_mentions",
    "is_generic",
    "lead_dept",
    "normalise_name",
    "paragraphs",
]
