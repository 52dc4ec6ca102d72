from datetime import UTC, datetime, timedelta

import pytest

from projects import clock
from projects.errors import InvalidValue
from projects.store import validate


def test_china_date_runs_eight_hours_ahead_of_utc():
    now = datetime.now(UTC)
    assert clock.today() in {(now + timedelta(hours=8)).date(), (now + timedelta(hours=9)).date()}
    assert clock.CHINA.utcoffset(now.replace(tzinfo=None)) == timedelta(hours=8)


def test_status_dates_are_judged_on_the_china_clock():
    # Between 16:00 and 24:00 UTC China's date is a day ahead: it must still be accepted.
    assert validate.check_status_date("p1", clock.today().isoformat()) == clock.today()
    with pytest.raises(InvalidValue):
        validate.check_status_date("p1", (clock.today() + timedelta(days=1)).isoformat())
