"""The planners' clock: China Standard Time, whatever the server's time zone.

Why one module: the edit history, the details and the login sessions show times on this clock,
and a status change's date (its default in the form, and the "not in the future" check) must
agree with it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today's date in China (Asia/Shanghai, UTC+8)."""
    return datetime.now(CHINA).date()


def china_text(moment: datetime, *, seconds: bool = False) -> str:
    """``moment`` on the planners' clock as people read it, to the minute (or the second); a
    naive moment is UTC, as the store writes its times."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
