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
from projects.documents.readers import (
    MAX_BYTES,
    DocumentText,
    plain_lines,
    read_document,
    table_lines,
)
from projects.documents.status import (
    part_of,
    plan_boundary,
    rank,
    status_of,
)

# isort: split
# Intake compares mentions with catalog records through projects.records, which imports the
# names above from this package: so these come last.
from projects.documents.intake import (
    Applied,
    Intake,
    apply_intake,
    check_meta,
    documents_dir,
    kept_lines,
    read_index,
    take_in,
    undo_intake,
    with_rows,
)
from projects.documents.proposals import (
    ACCEPT,
    DECISION_LABELS,
    DOC_KINDS,
    KIND_LABELS,
    NEW,
    PLAN,
    REJECT,
    REPORT,
    SAME,
    UNDECIDED,
    UPDATE,
    DocumentMeta,
    Proposal,
    counts,
    curation_keys,
    propose,
    propose_meta,
)

__all__ = [
    "ACCEPT",
    "Applied",
    "DECISION_LABELS",
    "DOC_KINDS",
    "DocumentMeta",
    "DocumentText",
    "GENERIC_PATTERNS",
    "GENERIC_WORDS",
    "GLOSSARY_HEADINGS",
    "INNER_VERBS",
    "Intake",
    "KIND_LABELS",
    "MAX_BYTES",
    "Mention",
    "NEW",
    "NOT_NAME",
    "NOT_STATUS",
    "PLAN",
    "PREFIX_CUES",
    "PROJECT_SUFFIXES",
    "PROPER_STEMS",
    "Paragraph",
    "Proposal",
    "REJECT",
    "REPORT",
    "SAME",
    "SHARED_HEADS",
    "SUFFIX_CUES",
    "UNDECIDED",
    "UPDATE",
    "apply_intake",
    "check_meta",
    "cn_number",
    "counts",
    "curation_keys",
    "documents_dir",
    "extract_mentions",
    "is_generic",
    "kept_lines",
    "lead_dept",
    "normalise_name",
    "paragraphs",
    "part_of",
    "plain_lines",
    "plan_boundary",
    "propose",
    "propose_meta",
    "rank",
    "read_document",
    "read_index",
    "status_of",
    "table_lines",
    "take_in",
    "undo_intake",
    "with_rows",
]
