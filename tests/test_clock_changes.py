"""Embargoes at the hours the clocks change: a London time names one instant, and once a
record is public at some moment it stays public at every later one, however the moment is
written (UTC, or a London clock in GMT or BST)."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.clock import LONDON, london_instant
from generator.build import check_site
from generator.plan.publication import public_corpus

UTC = dt.timezone.utc
AS_OF = dt.date(2026, 3, 1)

# The clocks went forward at 01:00 UTC on Sunday 29 March 2026 and back at 01:00 UTC on
# Sunday 25 October 2026 (last Sundays of March and October, Summer Time Order 2002).
MEETING = """\
council: torbay
committee: Children and Young People's Overview and Scrutiny Board
date: 2026-11-02
embargo_until: {until}
items:
  - {{number: 1, title: Youth Offending Team inspection}}
"""


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def _release(tmp_path, make_site, until: str, start: str, hours: int) -> tuple[bool, dt.datetime]:
    """For a meeting embargoed `until` (London time), checked every five minutes from `start`
    (UTC) for `hours`, each instant written both in UTC and on a London clock: whether it
    stays public once it is, and the first moment it is."""
    root = make_site(tmp_path, {"meetings/torbay-2026-11-02.yaml": MEETING.format(until=until)})
    corpus = check_site(root, AS_OF).corpus
    moments = []
    for step in range(hours * 12 + 1):
        instant = _utc(start) + dt.timedelta(minutes=5 * step)
        moments += [instant, instant.astimezone(LONDON)]
    public = [bool(public_corpus(corpus, now)[0].meetings) for now in moments]
    first = public.index(True)
    return public[first:] == [True] * (len(moments) - first), moments[first]


def test_a_time_the_clocks_skip_means_the_first_instant_after_the_gap():
    assert london_instant(dt.datetime(2026, 3, 29, 1, 30)) == _utc("2026-03-29 01:00")


def test_a_time_the_clocks_repeat_means_its_first_occurrence():
    assert london_instant(dt.datetime(2026, 10, 25, 1, 30)) == _utc("2026-10-25 00:30")


@pytest.mark.parametrize("wall, instant", [
    ("2026-01-15 09:00", "2026-01-15 09:00"),        # GMT
    ("2026-07-15 09:00", "2026-07-15 08:00"),        # BST
    ("2026-03-29 00:59", "2026-03-29 00:59"),        # the minute before the gap
    ("2026-03-29 02:00", "2026-03-29 01:00"),        # the first minute after it
    ("2026-10-25 02:00", "2026-10-25 02:00"),        # after the repeated hour: GMT
])
def test_an_ordinary_london_time_is_read_with_the_offset_in_force(wall, instant):
    assert london_instant(dt.datetime.fromisoformat(wall)) == _utc(instant)


def test_an_embargo_in_the_skipped_hour_once_lifted_stays_lifted(tmp_path, make_site):
    assert _release(tmp_path, make_site, "2026-03-29 01:30", "2026-03-29 00:00", 3) == (
        True, _utc("2026-03-29 01:00"))


def test_an_embargo_in_the_repeated_hour_once_lifted_stays_lifted(tmp_path, make_site):
    assert _release(tmp_path, make_site, "2026-10-25 01:30", "2026-10-24 23:00", 4) == (
        True, _utc("2026-10-25 00:30"))
