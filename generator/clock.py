"""Council papers are dated in UK time: embargoes, meeting times and "today" are Europe/London.

A module of its own so that commands can tell the time without importing the record models.
"""

from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
