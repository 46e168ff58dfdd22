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


def test_an_embargo_in_the_repeated_hour_ends_at_its_second_occurrence_and_stays_lifted(tmp_path, make_site):
    # 01:30 on 25 October 2026 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT): the
    # embargo has ended only when both have passed, whichever its author meant.
    assert _release(tmp_path, make_site, "2026-10-25 01:30", "2026-10-24 23:00", 4) == (
        True, _utc("2026-10-25 01:30"))


def test_an_embargo_written_as_a_repeated_time_is_its_second_occurrence():
    from generator.model.types import parse_local_datetime

    for written in ("2026-10-25 01:30", dt.datetime(2026, 10, 25, 1, 30)):
        assert parse_local_datetime(written) == _utc("2026-10-25 01:30")
    assert parse_local_datetime("2026-10-25 01:30+01:00") == _utc("2026-10-25 00:30")   # an offset says which


def test_now_and_as_of_in_the_repeated_hour_compare_as_instants():
    # 00:50 UTC on 25 October 2026 is 01:50 BST, the first 01:50; 01:20+00:00 is 01:20 GMT,
    # the second 01:20, thirty minutes later. Both on a London clock, with one shared zone,
    # Python would compare 01:50 with 01:20 and call the later moment the earlier.
    from generator.clock import at_london_offset
    from generator.commands.common import AsOf

    now = at_london_offset(_utc("2026-10-25 00:50"))
    later = AsOf().convert("2026-10-25 01:20+00:00", None, None)
    assert (now.hour, now.minute, later.hour, later.minute) == (1, 50, 1, 20)
    assert later > now and later - now == dt.timedelta(minutes=30)


@pytest.mark.parametrize("given", ["2026-10-25", "2026-10-25 01:20", "2026-10-25 01:20+00:00", "2026-10-25T00:20Z"])
def test_the_moments_commands_work_for_carry_a_fixed_offset_not_the_zone(given):
    # Two moments sharing the zone are compared by their wall clocks (the bug above); with
    # fixed offsets every comparison is between instants.
    from generator.clock import now_in_london
    from generator.commands.common import AsOf

    for moment in (now_in_london(), AsOf().convert(given, None, None)):
        assert type(moment.tzinfo) is dt.timezone, moment.tzinfo


def test_an_as_of_later_than_now_in_the_repeated_hour_is_a_rehearsal_not_the_live_site(
        tmp_path, make_site, run_cli, monkeypatch):
    from generator.clock import at_london_offset

    root = make_site(tmp_path, {"meetings/torbay-2026-11-02.yaml": MEETING.format(until="2026-10-25 01:05+00:00")})
    monkeypatch.setattr("generator.commands.site.now_in_london", lambda: at_london_offset(_utc("2026-10-25 00:50")))
    result = run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", "2026-10-25 01:20+00:00", root=root)
    assert result.exit_code == 0, result.output
    assert (root / "output" / "preview").is_dir()
    assert not (root / "output" / "site").exists()


@pytest.mark.parametrize("written, hour", [("2021-06-03T00:01+00:00", 1), ("2021-06-03 00:01Z", 1),
                                           ("2021-03-03T00:01+14:00", 10), ("2021-03-03 00:01+00:00", 0)])
def test_an_embargo_written_with_an_offset_is_shown_on_a_london_clock(written, hour):
    """`00:01+00:00` on 3 June is 01:01 BST: papers and messages print the embargo's hour,
    and printed it as 00:01 (helper-50). 00:01+14:00 on 3 March is 10:01 GMT the day before."""
    from generator.model.types import parse_local_datetime

    moment = parse_local_datetime(written)
    assert (moment.hour, moment.minute) == (hour, 1)
    assert moment.utcoffset() == dt.timedelta(hours=1 if "06-03" in written else 0)
    assert moment == dt.datetime.fromisoformat(written.replace(" ", "T").replace("Z", "+00:00"))


def test_a_build_as_of_an_earlier_moment_says_the_site_now_shows_that_moment(tmp_path, make_site, run_cli):
    """An earlier --as-of is no rehearsal: it rebuilds output/site as it was then, taking out
    what was released since (helper-47: the README once called one a rehearsal). It says so."""
    root = make_site(tmp_path, {})
    result = run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", "2021-03-03 00:01", root=root)
    assert result.exit_code == 0, result.output
    assert (root / "output" / "site" / "index.html").is_file()
    assert (f"warning: {root / 'output' / 'site'} now shows the site as at 2021-03-03 00:01, earlier than now; "
            "build again without --as-of to bring it up to date") in result.stderr
    again = run_cli("build", "--no-pdf", "--no-search", "-q", root=root)
    assert again.exit_code == 0 and "earlier than now" not in again.output


@pytest.mark.parametrize("args", [["-o", "output/rehearsal"], ["--drafts"]], ids=["rehearsal-folder", "drafts"])
def test_a_preview_as_of_an_earlier_moment_is_not_said_to_change_the_site(tmp_path, make_site, run_cli, args):
    """tools/publish --as-of "2021-03-03 00:01" (docs/publishing.md) rehearses into
    output/rehearsal/, and --drafts goes to output/preview/: neither changes a site, so
    neither is told to build again without --as-of."""
    root = make_site(tmp_path, {})
    if args[0] == "-o":
        args = ["-o", str(root / args[1])]
    result = run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", "2021-03-03 00:01", *args, root=root)
    assert result.exit_code == 0, result.output
    assert "earlier than now" not in result.stderr


def test_papers_alone_as_of_an_earlier_moment_say_the_papers_not_the_site(tmp_path, make_site, run_cli):
    """`--pdf-only` changes only output/pdf, the papers public at that moment (helper-48)."""
    root = make_site(tmp_path, {})
    result = run_cli("build", "--pdf-only", "-q", "--as-of", "2021-03-03 00:01", root=root)
    assert result.exit_code == 0, result.output
    assert (f"warning: {root / 'output' / 'pdf'} now shows the papers public as at 2021-03-03 00:01, earlier "
            "than now") in result.stderr


def test_a_repeated_hour_embargo_is_printed_with_the_occurrence_it_ends_at(tmp_path, make_site, run_cli):
    """01:30 on 25 October 2026 is shown twice: an embargo written without an offset ends at the
    second (GMT), one written +01:00 at the first (BST). Printed as a bare 01:30 the two read
    alike, and at 01:40 BST 'next release: 01:30' read as past while the record was still held
    back for fifty minutes."""
    root = make_site(tmp_path, {
        "meetings/torbay-2026-11-02.yaml": MEETING.format(until="2026-10-25 01:30"),
        "meetings/torbay-2026-11-03.yaml": MEETING.format(until="2026-10-25 01:30+01:00").replace(
            "2026-11-02", "2026-11-03"),
        "meetings/torbay-2026-11-04.yaml": MEETING.format(until="2026-10-25 02:30").replace(
            "2026-11-02", "2026-11-04")})
    result = run_cli("list", "embargoed", "--as-of", "2026-10-24 12:00", root=root)
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert lines[0] == "next release: 2026-10-25 01:30 BST (torbay-2026-11-03, torbay-2026-11-03 item 1)"
    assert "2026-10-25 01:30 BST meeting torbay-2026-11-03 embargoed until 2026-10-25 01:30 BST" in lines
    assert "2026-10-25 01:30 GMT meeting torbay-2026-11-02 embargoed until 2026-10-25 01:30 GMT" in lines
    assert "2026-10-25 02:30 meeting torbay-2026-11-04 embargoed until 2026-10-25 02:30" in lines



def test_the_covering_letter_says_which_repeated_hour_an_embargo_ended_at():
    from generator.model.types import parse_local_datetime
    from generator.render.html import format_moment

    assert format_moment(parse_local_datetime("2026-10-25 01:30")) == "25 October 2026 at 01:30 GMT"
    assert format_moment(parse_local_datetime("2026-10-25 01:30+01:00")) == "25 October 2026 at 01:30 BST"
    assert format_moment(parse_local_datetime("2026-10-25 00:01")) == "25 October 2026 at 00:01"


def test_check_says_which_repeated_hour_an_items_papers_are_released_at(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, {"meetings/m.yaml": (
        "council: torbay\ncommittee: Board\ndate: 2026-10-20\nissued: 2026-10-12\nitems:\n"
        "  - {number: 1, title: Review, embargo_until: '2026-10-25 01:30'}\n")})
    result = run_cli("check", root=root)
    assert result.exit_code == 0, result.output
    assert "item 1's papers are released on 25 October 2026 at 01:30 GMT, after this agenda pack is issued " \
        "(12 October 2026)" in result.output, result.output


RATED = ("service: torbay-yot\nframework: hmip-youth-2018\npublished: 2026-10-25\n"
         "embargo_until: '{until}'\nstandards:\n  \"1.1\": Good\n")


@pytest.mark.parametrize("until, cell", [("2026-10-25 01:30+01:00", "2026-10-25 01:30+01:00"),
                                         ("2026-10-25 01:30", "2026-10-25 01:30+00:00"),
                                         ("2026-10-25 02:30", "2026-10-25 02:30")])
def test_ratings_csv_gives_a_repeated_hour_embargo_with_its_offset(tmp_path, make_site, until, cell):
    """The cell is read again as a London time (`scrutiny import`, an analyst): without its
    offset 01:30 BST would come back as 01:30 GMT, an hour later."""
    import csv
    import io

    from site_helpers import build

    root = make_site(tmp_path, {"inspections/torbay-2026.yaml": RATED.format(until=until)})
    build(root, now=_utc("2026-11-01 12:00"))
    rows = list(csv.DictReader(io.StringIO((root / "output/site/data/ratings.csv").read_text(encoding="utf-8-sig"))))
    assert {row["embargo_until"] for row in rows} == {cell}


def test_what_a_build_holds_back_says_which_repeated_hour_its_embargo_ends_at(tmp_path, make_site):
    """The reason `scrutiny paper` and the audit print for a withheld record."""
    root = make_site(tmp_path, {"meetings/torbay-2026-11-02.yaml": MEETING.format(until="2026-10-25 01:30")})
    _, withheld = public_corpus(check_site(root, AS_OF).corpus, _utc("2026-10-25 00:40"))
    assert [w.reason for w in withheld] == ["embargoed until 2026-10-25 01:30 GMT"]


def test_a_build_as_of_a_repeated_time_says_it_is_the_first(tmp_path, make_site, run_cli, monkeypatch):
    """--as-of reads a repeated time as its first occurrence (docs/content-format.md)."""
    from generator.clock import at_london_offset

    root = make_site(tmp_path, {})
    monkeypatch.setattr("generator.commands.site.now_in_london", lambda: at_london_offset(_utc("2026-11-01 12:00")))
    result = run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", "2026-10-25 01:10", root=root)
    assert result.exit_code == 0, result.output
    assert "now shows the site as at 2026-10-25 01:10 BST, earlier than now" in result.stderr, result.stderr


def test_a_rehearsal_of_a_repeated_time_refused_the_live_folder_says_which_it_is(tmp_path, make_site, run_cli,
                                                                                  monkeypatch):
    """The refusal names the moment as the warning for an earlier --as-of does: 01:30 GMT is
    the second of the two 01:30s of 25 October 2026."""
    from generator.clock import at_london_offset

    root = make_site(tmp_path, {})
    monkeypatch.setattr("generator.commands.site.now_in_london", lambda: at_london_offset(_utc("2026-10-20 12:00")))
    result = run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", "2026-10-25 01:30+00:00",
                     "-o", str(root / "output" / "site"), root=root)
    assert result.exit_code == 2, result.output
    assert "a build as of 2026-10-25 01:30 GMT, later than now, never goes into" in result.output, result.output


# Typed from the Summer Time Order: on 29 March 2026 London's clock goes from 00:59:59 GMT to
# 02:00 BST (01:00 UTC), so 01:00-01:59 never shows; on 25 October 2026 it goes from 01:59:59 BST
# back to 01:00 GMT (01:00 UTC), so 01:00-01:59 shows twice.
@pytest.mark.parametrize("wall, is_skipped, is_repeated", [
    ("2026-03-29 00:59", False, False), ("2026-03-29 01:00", True, False), ("2026-03-29 01:59", True, False),
    ("2026-03-29 02:00", False, False), ("2026-10-25 00:59", False, False), ("2026-10-25 01:00", False, True),
    ("2026-10-25 01:59", False, True), ("2026-10-25 02:00", False, False), ("2026-10-18 01:30", False, False)])
def test_the_london_times_the_clocks_skip_and_repeat(wall, is_skipped, is_repeated):
    from generator.clock import repeated, skipped

    moment = dt.datetime.fromisoformat(wall)
    assert (skipped(moment), repeated(moment)) == (is_skipped, is_repeated)


CHANGE_HOURS = """\
council: torbay
committee: Board
date: 2026-11-02
issued: 2026-10-26
embargo_until: {until}
items:
  - number: 1
    title: Review
    embargo_until: {item_until}
"""


def test_check_warns_of_an_embargo_written_as_a_time_the_clocks_skip(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, {"meetings/m.yaml": CHANGE_HOURS.format(until="2026-03-29 01:30",
                                                                       item_until="'2026-03-29T01:00'")})
    result = run_cli("check", root=root)
    assert result.exit_code == 0, result.output
    assert ("content/meetings/m.yaml:5:16: warning: embargo_until: 2026-03-29 01:30 does not happen in London "
            "(the clocks go forward at 01:00); read as 02:00 BST (write 02:00, or another time)") in result.output
    assert ("content/meetings/m.yaml:9:20: warning: items.0.embargo_until: 2026-03-29 01:00 does not happen in "
            "London (the clocks go forward at 01:00); read as 02:00 BST (write 02:00, or another time)"
            ) in result.output


def test_check_warns_of_an_embargo_written_as_a_time_the_clocks_repeat(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, {"meetings/m.yaml": CHANGE_HOURS.format(until="2026-10-25 01:30",
                                                                       item_until="2026-10-25 01:59")})
    result = run_cli("check", root=root)
    assert result.exit_code == 0, result.output
    assert ("content/meetings/m.yaml:5:16: warning: embargo_until: 01:30 on 25 October 2026 happens twice in "
            "London; read as the second, 01:30 GMT (write 2026-10-25 01:30+01:00 for the first)") in result.output
    assert ("content/meetings/m.yaml:9:20: warning: items.0.embargo_until: 01:59 on 25 October 2026 happens twice "
            "in London; read as the second, 01:59 GMT (write 2026-10-25 01:59+01:00 for the first)") in result.output


@pytest.mark.parametrize("until, item_until", [
    ("2026-03-29 01:30+00:00", "2026-10-25 01:30+01:00"),     # an offset names one instant
    ("2026-10-25 01:30Z", "2026-03-29 01:00+01:00"),
    ("2026-03-29 00:59", "2026-03-29 02:00"), ("2026-10-25 00:59", "2026-10-25 02:00"), ("2026-03-29", "2026-10-25")])
def test_check_is_silent_about_an_embargo_that_names_one_instant(tmp_path, make_site, run_cli, until, item_until):
    root = make_site(tmp_path, {"meetings/m.yaml": CHANGE_HOURS.format(until=until, item_until=item_until)})
    result = run_cli("check", root=root)
    assert result.exit_code == 0, result.output
    assert "in London" not in result.output, result.output


def test_a_build_warns_of_an_embargo_in_the_hour_the_clocks_skip(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, {"inspections/torbay-2026.yaml": RATED.format(until="2026-03-29 01:30")})
    result = run_cli("build", "--no-pdf", "--no-search", "--as-of", "2026-04-01", root=root)
    assert "content/inspections/torbay-2026.yaml:4:16: warning: embargo_until: 2026-03-29 01:30 does not " \
        "happen in London" in result.output, result.output


def test_the_warning_of_a_skipped_time_is_given_again_by_a_later_check(tmp_path, make_site):
    """`scrutiny serve` checks again with what earlier builds kept (`BuildMemo`, .cache/parsed/)."""
    from generator.speed.memo import BuildMemo

    root = make_site(tmp_path, {"inspections/torbay-2026.yaml": RATED.format(until="2026-03-29 01:30")})
    memo = BuildMemo()
    for _ in range(3):
        warnings = [p.message for p in check_site(root, AS_OF, memo=memo).problems if "in London" in p.message]
        assert warnings == ["2026-03-29 01:30 does not happen in London (the clocks go forward at 01:00); "
                            "read as 02:00 BST"]
