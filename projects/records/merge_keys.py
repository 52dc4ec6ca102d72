"""The key under which mentions of one project meet, across documents and curation rows."""

from __future__ import annotations

import re

from projects.documents.name_rules import PHASE_RE, normalise_name

_KEY_PREFIX = re.compile(r"^(?:重庆市|重庆|沙坪坝区)(?=.{3})")
_KEY_SUFFIX = re.compile(r"(?:项目|工程|建设|沙坪坝段|沙区段|扩建|迁建|迁扩建|改扩建)+$")


def merge_key(name: str) -> str:
    """The key under which mentions of one project meet across documents.

    Drops spacing, quotes, the 重庆/沙坪坝区 prefix and 项目/工程/沙坪坝段 endings, keeps phases.

    >>> merge_key("重庆国际物流城"), merge_key("西永污水处理厂扩建工程"), merge_key("成渝中线高铁沙坪坝段")
    ('国际物流城', '西永污水处理厂', '成渝中线高铁')
    >>> merge_key("重庆西站TOD一期"), merge_key("西站TOD二期")
    ('西站TOD一期', '西站TOD二期')
    """
    k = normalise_name(name)
    k = re.sub(r"[“”\"'·•\s]", "", k)
    m = PHASE_RE.search(k)
    phase = m.group(1) if m else ""
    base = k[: m.start()] if m else k
    base = _KEY_PREFIX.sub("", base)
    stripped = _KEY_SUFFIX.sub("", base)
    base = stripped if len(stripped) >= 3 else base
    return base + phase


def base_key(key: str) -> str:
    """A key without its phase (links 一期 and 二期 of one project)."""
    return PHASE_RE.sub("", key)
