"""The planners' clock: China Standard Time, whatever the server's time zone.

Why one module: the edit history shows times on this clock, and a status change's date (its
default in the form, and the "not in the future" check) must agree with it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today's date in China (Asia/Shanghai, UTC+8)."""
    return datetime.now(CHINA).date()
