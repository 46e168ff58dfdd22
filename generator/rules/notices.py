"""The notices to the public an agenda gives: that the meeting may be filmed or recorded, and how
the public may take part (docs/content-format.md, `recording_notice` and `public_participation`).

They are the council's own words, never ours: a meeting's own in place of its council's, and one
that neither record gives is not shown. The agenda front sheet prints those in force on the pack's
issue day; the meeting's page shows the same, and before that day those in force on the page's.
"""

from __future__ import annotations

import datetime as dt

from generator.model.council import AGENDA_NOTICES, CouncilDetails
from generator.model.meeting import Meeting


def agenda_notices(meeting: Meeting, council: CouncilDetails) -> list[tuple[str, str]]:
    """(heading, text) of each notice given, in the front sheet's order (filming and recording,
    public participation): the meeting's own, else its council's details' (`council`, as at a day)."""
    given = ((heading, getattr(meeting, name) or getattr(council, name)) for name, heading in AGENDA_NOTICES)
    return [(heading, text) for heading, text in given if text]


def notices_day(issue_day: dt.date, today: dt.date) -> dt.date:
    """The day whose notices a meeting's page shows: its pack's issue day, as the front sheet
    prints them; before it, today, since a council's wording from a later day is not yet in force."""
    return min(issue_day, today)
