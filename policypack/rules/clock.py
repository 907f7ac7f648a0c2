"""The rules' one clock.

Some results depend on the day they are computed: an engine version's end of
support comes within ``warnDays`` (SG202), an ``ignoreResources`` entry
expires. Those read the date here, and a cache of results keys on it (the
analyzer's project results), so a result computed yesterday is never served
today, and a test can move the day in one place.
"""

from __future__ import annotations

import datetime


def today() -> datetime.date:
    return datetime.date.today()
