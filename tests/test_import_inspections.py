"""`scrutiny import inspections`: Data to Insight's table of HMIP youth inspections, and our own
data/ratings.csv, into inspection records (issue 27).

The table is the real one (tests/fixtures/hmip-ratings/, as Data to Insight publish it, quirks
and all). What each record should hold is worked out from the table itself and from the
framework files (national_helpers.py), never from the import's own output.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from generator.authoring.inspections import area_key, named_standards, read_rating
from generator.authoring.scaffold import load_frameworks
from generator.build import check_site
from generator.clock import LONDON
from generator.rules.hmip import frameworks_for
from national_helpers import (FOLDED, NAME, ONE_STANDARD, RATINGS, REPO, TABLE, area_name, band, by_area,
                              copy_of, day_of, expected_record, import_file, load, records, scrutiny, table_rows,
                              whole_score)
from leak_helpers import plant_embargoed_inspection
from site_helpers import AS_OF, all_files, build, copy_site


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The shipped site with the real table imported into it: (its root, the import's run)."""
    root = copy_site(tmp_path_factory.mktemp("national"))
    return root, import_file(root, TABLE)


# -- the real table ------------------------------------------------------------------------------

def test_the_real_table_imports_every_inspection_with_exit_0(imported):
    root, run = imported
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    rows = table_rows()
    assert len(rows) == 83
    found = by_area(root)
    for number, row in rows:
        assert (area_name(row), day_of(row["publication_date"]).isoformat()) in found or \
            row["la_name"] == "Wolverhampton", f"row {number} ({row['la_name']}) has no record"
    # Wolverhampton's inspection is the shipped site's own record, written by hand: reported, not replaced.
    wolverhampton = next(n for n, row in table_rows() if row["la_name"] == "Wolverhampton")
    assert f"{NAME}:{wolverhampton}: notice: this inspection is content/inspections/wolverhampton-2021.yaml, " \
           "written by hand: left alone" in run.stderr
    assert (REPO / "content" / "inspections" / "wolverhampton-2021.yaml").read_bytes() == \
        (root / "content" / "inspections" / "wolverhampton-2021.yaml").read_bytes()
    assert re.search(r": 82 imported, \d+ created .*, 0 unchanged, 1 left alone", run.stdout), run.stdout


def test_each_record_holds_what_its_row_says_and_nothing_more(imported):
    root, _ = imported
    found = by_area(root)
    for number, row in table_rows():
        if row["la_name"] == "Wolverhampton":
            continue
        iid, record = found[(area_name(row), day_of(row["publication_date"]).isoformat())]
        given = {k: v for k, v in record.items() if k not in ("service", "imported")}
        assert given == expected_record(row), f"row {number}: {row['la_name']}"
        assert record["imported"]["from"] == NAME and record["imported"]["row"] == number


def test_scores_that_are_no_whole_score_and_the_footnote_rating_are_reported_at_their_rows(imported):
    _, run = imported
    rows = table_rows()
    not_whole = [n for n, row in rows if whole_score(row["score_%"]) is None]
    footnote = [n for n, row in rows if " ".join(row["overall_rating"].split()).lower() not in RATINGS]
    assert len(not_whole) == 2 and len(footnote) == 1          # Ceredigion, Bridgend; Portsmouth (README)
    for number in not_whole:
        assert re.search(rf"^{re.escape(NAME)}:{number}:C: warning: score_%: [\d.]+% of 36 is [\d.]+, not a whole "
                         r"score; left out", run.stderr, re.M), number
    assert re.search(rf"^{re.escape(NAME)}:{footnote[0]}:D: warning: overall_rating: '1 The resettlement standard "
                     r".*' is not a rating; left out", run.stderr, re.M)


def test_a_score_whose_band_is_not_the_rating_given_is_left_out_and_said(imported):
    _, run = imported
    contradicting = [n for n, row in table_rows() if whole_score(row["score_%"]) is not None
                     and row["overall_rating"].lower() in RATINGS
                     and band(whole_score(row["score_%"])) != RATINGS[row["overall_rating"].lower()]]
    assert contradicting                                        # West Sussex: 72.22% (26) but Requires improvement
    for number in contradicting:
        assert re.search(rf"^{re.escape(NAME)}:{number}:C: warning: score_%: a score of \d+ rates", run.stderr, re.M)


# Typed from the table: each cell the import leaves out of rows 8, 65, 66 and 67, as the row gives
# it, and why (4.17 and 4.56 of 36 are 1.50 and 1.64; 72.22 of 36 is 26, in the 19-30 band, Good).
LEFT_OUT_AS_GIVEN = {
    "ceredigion-2024.yaml": 'score_% "4.17": 4.17% of 36 is 1.50, not a whole score; left out',
    "west-sussex-2022.yaml": 'score_% "72.22": a score of 26 rates Good by the framework\'s bands, but the overall '
                             'rating is Requires improvement; the score is left out',
    "portsmouth-2022.yaml": 'overall_rating "1 The resettlement standard does not contribute to the overall rating '
                            'for the YOT.": ',
    "bridgend-2022.yaml": 'score_% "4.56": 4.56% of 36 is 1.64, not a whole score; left out',
}
NOTES = "# Left out, as the file gives it, for a reader to check against the report (not recorded):\n#   "


@pytest.mark.parametrize("name", list(LEFT_OUT_AS_GIVEN))
def test_a_cell_left_out_stays_in_its_record_as_the_row_gives_it(imported, name):
    text = (imported[0] / "content" / "inspections" / name).read_text(encoding="utf-8")
    assert NOTES + LEFT_OUT_AS_GIVEN[name] in text


def test_a_cell_of_several_lines_left_out_is_a_note_of_one_line_and_writes_no_field(tmp_path):
    header, *rows = [row for row in csv.reader(TABLE.read_text(encoding="utf-8-sig").splitlines())]
    row = next(r for r in rows if r[0] == "West Sussex")
    row[header.index("report_url")] = "see\njoint: true"
    table = tmp_path / NAME
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, row])
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text("title: T\norganisation: T\n", encoding="utf-8")
    run = import_file(root, table)
    assert run.returncode == 0, run.stderr
    record = root / "content" / "inspections" / "west-sussex-2022.yaml"
    assert '#   report_url "see joint: true": ' in record.read_text(encoding="utf-8")
    assert "joint" not in load(record)
    assert scrutiny(root, "check").returncode == 0


def test_an_area_with_a_long_name_gets_ids_a_build_accepts(tmp_path):
    area = ("The Royal Borough of Windsor and Maidenhead and Bracknell Forest and Slough and Wokingham "
            "Joint Youth Justice Partnership")
    table = tmp_path / NAME
    table.write_text(f'la_name,publication_date,overall_rating\n"{area}",2024-05-01,Good\n', encoding="utf-8")
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text("title: T\norganisation: T\n", encoding="utf-8")
    run = import_file(root, table)
    assert run.returncode == 0, run.stderr
    written = [p.stem for folder in ("inspections", "services", "councils")
               for p in (root / "content" / folder).glob("*.yaml")]
    assert len(written) == 3 and all(len(stem) <= 80 for stem in written), written
    checked = scrutiny(root, "check")
    assert checked.returncode == 0, checked.stdout


def test_a_record_imported_without_its_notes_gets_them_from_the_next_import(imported, tmp_path):
    root = copy_of(imported[0], tmp_path)
    target = root / "content" / "inspections" / "west-sussex-2022.yaml"
    text = target.read_text(encoding="utf-8")
    without = "".join(line for line in text.splitlines(keepends=True)
                      if not line.startswith(("# Left out, as", "#   ")))
    target.write_text(without, encoding="utf-8")
    run = import_file(root, TABLE)
    assert run.returncode == 0, run.stderr
    assert target.read_text(encoding="utf-8") == text
    assert ": 1 imported (0 new, 1 updated), 0 created, 81 unchanged, 1 left alone" in run.stdout


def test_each_record_says_it_came_from_data_to_insight_s_table(imported):
    """The site credits Data to Insight, under their licence, by this mark (docs/data.md)."""
    root, _ = imported
    for iid, record in records(root, "inspections").items():
        if iid != "wolverhampton-2021" and "imported" in record:
            assert record["imported"]["table"] == "data-to-insight", iid
    text = (root / "content" / "inspections" / "newcastle-2025.yaml").read_text(encoding="utf-8")
    assert f"imported:\n  from: {NAME}\n  table: data-to-insight\n  row: " in text


def test_a_record_imported_before_the_table_was_recorded_gets_it_from_the_next_import(imported, tmp_path):
    root = copy_of(imported[0], tmp_path)
    target = root / "content" / "inspections" / "newcastle-2025.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("  table: data-to-insight\n", ""), encoding="utf-8")
    run = import_file(root, TABLE)
    assert run.returncode == 0, run.stderr
    assert target.read_text(encoding="utf-8") == text
    assert ": 1 imported (0 new, 1 updated), 0 created, 81 unchanged, 1 left alone" in run.stdout


def test_the_folded_columns_are_left_out_with_one_notice_for_the_file(imported):
    _, run = imported
    notices = [line for line in run.stderr.splitlines() if "covering more than one standard" in line]
    assert len(notices) == 1
    assert notices[0].startswith(f"{NAME}:1:J: notice:")         # J: assessment, the first of them
    for column in FOLDED:
        assert f"{column} (" in notices[0]
    assert all(f"{column} (every row)" in run.stdout for column in FOLDED)


def test_rating_words_read_otherwise_than_written_are_said_once_for_the_file(imported):
    _, run = imported
    capitalised = [n for n, row in table_rows() if row["overall_rating"] == "Requires Improvement"]
    line = f"{NAME}:{capitalised[0]}:D: notice: overall_rating: read 'Requires Improvement' as " \
           f"'Requires improvement' (here and in {len(capitalised) - 1} other rows)"
    assert line in run.stderr.splitlines()


def test_after_the_import_the_site_checks_without_an_error_and_builds(imported, tmp_path):
    root, _ = imported
    checked = scrutiny(root, "check")
    assert checked.returncode == 0, checked.stdout
    assert re.search(r"^0 errors, \d+ warnings?, \d+ notices in \d+ files$", checked.stdout, re.M), checked.stdout[-500:]
    assert [str(p) for p in check_site(root, AS_OF.date()).errors] == []
    report = build(copy_of(root, tmp_path), output=tmp_path / "site")
    assert (tmp_path / "site" / "inspections" / "suffolk-2023" / "index.html").is_file()
    assert report.ok


def test_unknown_areas_get_a_service_and_a_council_with_only_their_name(imported):
    root, _ = imported
    services, councils = records(root, "services"), records(root, "councils")
    assert services["suffolk"] == {"name": "Suffolk", "council": "suffolk"}
    assert councils["suffolk"] == {"name": "Suffolk"}
    # 'An inspection of Tower Hamlets and City of London': the area, without the report's words
    assert services["tower-hamlets-and-city-of-london"]["name"] == "Tower Hamlets and City of London"
    shipped = {p.stem for p in (REPO / "content" / "services").glob("*.yaml")}
    assert {sid for sid in services if sid not in shipped} == {
        re.sub(r"[^a-z0-9]+", "-", area_name(row).lower().replace("&", " and ")).strip("-")
        for _, row in table_rows() if row["la_name"] != "Wolverhampton"}


# -- matching names ------------------------------------------------------------------------------

@pytest.mark.parametrize("one, other", [
    ("Wolverhampton", "City of Wolverhampton Council"), ("Torbay", "Torbay Youth Offending Team"),
    ("Stoke-on-Trent", "stoke on trent"), ("Bath & North East Somerset", "Bath and North East Somerset"),
    ("Royal Borough of Greenwich", "Greenwich"), ("Derby", "Derby Youth Justice Service"),
    ("Kensington and Chelsea", "KENSINGTON AND CHELSEA YOS"),
])
def test_names_of_one_area_match_whatever_their_case_punctuation_and_service_words(one, other):
    assert area_key(one) == area_key(other)


@pytest.mark.parametrize("one, other", [("Derby", "Derbyshire"), ("Durham", "County Durham"),
                                        ("Tower Hamlets and City of London", "London")])
def test_names_of_different_areas_do_not_match(one, other):
    assert area_key(one) != area_key(other)


@pytest.mark.parametrize("written, rating", [
    ("Requires i mprovement", "Requires improvement"), ("Requires Improvement", "Requires improvement"),
    ("OUTSTANDING", "Outstanding"), ("Go od", "Good"), ("In adequate", "Inadequate"), ("Rating", None),
    ("1 The resettlement standard does not contribute to the overall rating for the YOT.", None),
])
def test_rating_words_are_read_through_case_and_words_broken_by_the_pdf(written, rating):
    read = read_rating(written)
    assert (read.value if read is not None else None) == rating


# -- frameworks by date, and the columns that fit them -----------------------------------------

PERIODS = {fid: (f.in_use.from_.start, f.in_use.to.end if f.in_use.to else None)
           for fid, (f, _) in load_frameworks(REPO).items() if f.in_use}


@pytest.mark.parametrize("day, frameworks", [
    (dt.date(2021, 3, 9), ("hmip-youth-2018",)),                        # Kensington and Chelsea
    (dt.date(2021, 6, 30), ("hmip-youth-2018",)),
    (dt.date(2021, 7, 1), ("hmip-youth-2021", "hmip-youth-2018")),      # reports of 2018 fieldwork still coming
    (dt.date(2021, 12, 31), ("hmip-youth-2021", "hmip-youth-2018")),
    (dt.date(2022, 1, 1), ("hmip-youth-2021",)),
    (dt.date(2025, 2, 18), ("hmip-youth-2021",)),                       # Newcastle, the 2021 framework's last
    (dt.date(2025, 3, 31), ("hmip-youth-2021",)),
    (dt.date(2025, 4, 1), ("hmip-youth-2025", "hmip-youth-2021")),     # the 2025 framework's in_use: from 2025-04
    (dt.date(2018, 5, 31), ()),
])
def test_the_framework_is_chosen_by_the_publication_date(day, frameworks):
    assert frameworks_for(day, PERIODS) == frameworks


def test_each_column_names_the_standards_the_framework_files_give():
    frameworks = {fid: f for fid, (f, _) in load_frameworks(REPO).items()}
    for fid, columns in ONE_STANDARD.items():
        for column, (where, key) in columns.items():
            named = named_standards(frameworks[fid], column)
            assert [(t.where, t.key) for t in named] == [(where, key)], (fid, column)
    for fid in ONE_STANDARD:
        for column in FOLDED:
            assert len(named_standards(frameworks[fid], column)) >= 2 or column == "policy_and_provision"
    assert named_standards(frameworks["hmip-youth-2021"], "joint_working") == []
    assert named_standards(frameworks["hmip-youth-2018"], "resettlement_policy_and_provision") == []
    assert len(named_standards(frameworks["hmip-youth-2021"], "policy_and_provision")) == 2


# The handover months after April 2025: a report may be the 2021 framework's last or the 2025
# framework's first. Data to Insight's columns 'staff' and 'assessment' name 2021 standards, and
# the 2025 framework's areas too; only the score tells them apart (2021 publishes one, 2025 none).
HANDOVER_HEADER = "la_name,la_ref,score_%,overall_rating,publication_date,report_url,staff,assessment\n"


def test_a_handover_row_without_a_score_is_not_recorded_under_the_2021_framework(tmp_path):
    root = copy_site(tmp_path / "site")
    table = write(tmp_path / "handover.csv", HANDOVER_HEADER + "South Tees,st,,Good,15/05/25,,Good,Good\n")
    run = import_file(root, table)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert re.search(r"^handover\.csv:2: notice: .*gives no score, which every hmip-youth-2021 report publishes",
                     run.stderr, re.M), run.stderr
    assert re.search(r"^handover\.csv:2:E: error: publication_date: under the hmip-youth-2025 framework",
                     run.stderr, re.M), run.stderr
    assert not list((root / "content" / "inspections").glob("south-tees*.yaml"))


def test_a_handover_row_with_a_score_is_still_the_2021_framework_s_last_report(tmp_path):
    root = copy_site(tmp_path / "site")
    table = write(tmp_path / "handover.csv", HANDOVER_HEADER + "South Tees,st,72.22,Good,15/05/25,,Good,Good\n")
    run = import_file(root, table)
    assert run.returncode == 0, run.stderr
    record = load(root / "content" / "inspections" / "south-tees-2025.yaml")
    assert record["framework"] == "hmip-youth-2021"
    assert record["overall"] == {"rating": "Good", "score": 26}           # 72.22% of 36
    assert record["standards"] == {"1.2": "Good"}                         # 'assessment' folds 2.1 and 3.1


# -- importing again -----------------------------------------------------------------------------

def test_the_same_import_again_changes_no_file(imported, tmp_path):
    root = copy_of(imported[0], tmp_path)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "content").rglob("*") if p.is_file()}
    run = import_file(root, TABLE)
    assert run.returncode == 0, run.stderr
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "content").rglob("*") if p.is_file()}
    assert after == before
    assert ": 0 imported, 0 created, 82 unchanged, 1 left alone" in run.stdout


EDITS = {"a rating": ('"1.3": Good', '"1.3": Outstanding', "edited since it was imported"),
         "a comment": ("joint: true", "joint: true            # checked against the report",
                       "edited since it was imported"),
         "a mistake": ('"1.3": Good', '"1.3": Goood', "which does not read as an inspection (scrutiny check says why)")}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_record_edited_by_hand_after_the_import_is_reported_and_left_alone(imported, tmp_path, edit):
    root = copy_of(imported[0], tmp_path)
    target = root / "content" / "inspections" / "suffolk-2023.yaml"
    text = target.read_text(encoding="utf-8")
    old, new, why = EDITS[edit]
    edited = text.replace(old, new)
    assert edited != text
    target.write_text(edited, encoding="utf-8")
    run = import_file(root, TABLE)
    assert run.returncode == 0, run.stderr
    assert target.read_text(encoding="utf-8") == edited
    row = next(n for n, r in table_rows() if r["la_name"] == "Suffolk - JI")
    assert f"{NAME}:{row}: notice: this inspection is content/inspections/suffolk-2023.yaml, {why}: left alone" \
        in run.stderr
    assert ": 0 imported, 0 created, 81 unchanged, 2 left alone" in run.stdout
    assert sorted(p.name for p in (root / "content" / "inspections").glob("suffolk*")) == ["suffolk-2023.yaml"]


def test_a_newer_table_updates_only_the_records_the_import_wrote(imported, tmp_path):
    root = copy_of(imported[0], tmp_path)
    edited_by_hand = root / "content" / "inspections" / "bromley-2025.yaml"
    edited_by_hand.write_text(edited_by_hand.read_text(encoding="utf-8") + "# our note\n", encoding="utf-8")
    hand_before = edited_by_hand.read_bytes()
    rows = [row for _, row in table_rows()]
    newer = tmp_path / "newer" / NAME
    newer.parent.mkdir()
    for row in rows:
        if row["la_name"] in ("Slough", "Bromley"):
            row["staff"] = "Requires improvement"            # a re-published figure, say
    rows.insert(0, {**rows[0], "la_name": "Sunderland", "la_ref": "sunderlandyjs", "publication_date": "04/03/25",
                    "report_url": "https://www.justiceinspectorates.gov.uk/hmiprobation/inspections/sunderland/"})
    with newer.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = {p: p.read_bytes() for p in (root / "content").rglob("*.yaml")}
    run = import_file(root, newer)
    assert run.returncode == 0, run.stderr
    after = {p: p.read_bytes() for p in (root / "content").rglob("*.yaml")}
    changed = sorted(p.relative_to(root / "content").as_posix() for p in after if before.get(p) != after[p])
    assert changed == ["councils/sunderland.yaml", "inspections/slough-2025.yaml", "inspections/sunderland-2025.yaml",
                       "services/sunderland.yaml"]
    assert load(root / "content" / "inspections" / "slough-2025.yaml")["standards"]["1.2"] \
        == "Requires improvement"
    assert edited_by_hand.read_bytes() == hand_before


def test_a_newer_table_s_corrected_row_updates_its_record_and_only_a_row_gone_is_said_to_be_gone(imported, tmp_path):
    # Row 66 (Portsmouth, portsmouth-yot) gives 21/06/22; row 63, "An inspection of Tower Hamlets and City of
    # London" (th-yjs); row 5, Slough. The newer table corrects the first two's date and name, and drops Slough.
    root = copy_of(imported[0], tmp_path)
    rows = [row for _, row in table_rows()]
    for row in rows:
        if row["report_url"].endswith("/portsmouth-yot/"):
            row["publication_date"] = "22/06/22"
        if row["report_url"].endswith("/th-yjs/"):
            row["la_name"] = "Tower Hamlets"
    rows = [row for row in rows if row["la_name"] != "Slough"]
    newer = tmp_path / "newer" / NAME
    newer.parent.mkdir()
    with newer.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run = import_file(root, newer)
    assert run.returncode == 0, run.stderr
    inspections = root / "content" / "inspections"
    assert load(inspections / "portsmouth-2022.yaml")["published"] == "2022-06-22"
    assert load(inspections / "tower-hamlets-and-city-of-london-2022.yaml")["service"] == "tower-hamlets"
    gone = [line for line in run.stderr.splitlines() if "is not in this one" in line]
    assert gone == [f"{NAME}: notice: content/inspections/slough-2025.yaml, imported from row 5 of a file of this "
                    "name, is not in this one: left as it is"]


# -- Excel's habits, an .xlsx, and our own ratings.csv ---------------------------------------------

BROKEN = {"Requires Improvement": "Requires i mprovement", "Outstanding": "Out standing", "Good": "GOOD"}


def excel_habits(rows: list[dict[str, str]], path: Path) -> Path:
    """The table as Excel saves it after a person has had it open: a byte-order mark, CRLF line
    ends, four-digit years, the columns in another order, rating words broken as older scrapes had them."""
    columns = list(reversed(list(rows[0])))
    out = []
    for row in rows:
        row = dict(row)
        row["publication_date"] = day_of(row["publication_date"]).strftime("%d/%m/%Y")
        row = {k: BROKEN.get(v, v) if k not in ("la_name", "report_url") else v for k, v in row.items()}
        out.append(row)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(out)
    return path


def test_excel_habits_import_to_the_same_records(imported, tmp_path):
    (tmp_path / "excel").mkdir()
    habits = excel_habits([row for _, row in table_rows()], tmp_path / "excel" / NAME)
    raw = habits.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"/2025," in raw and b"i mprovement" in raw
    root = copy_site(tmp_path / "site")
    run = import_file(root, habits)
    assert run.returncode == 0, run.stderr
    assert all_files(root / "content") == all_files(imported[0] / "content")
    assert "read 'Requires i mprovement' as 'Requires improvement'" in run.stderr


def test_an_excel_workbook_imports_to_the_same_records(imported, tmp_path):
    rows = table_rows()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(rows[0][1]))
    for _, row in rows:                     # real date cells and numbers, as Excel keeps them
        sheet.append([day_of(v) if k == "publication_date" else float(v) if k == "score_%" else (v or None)
                      for k, v in row.items()])
    workbook = tmp_path / "ratings.xlsx"
    book.save(workbook)
    root = copy_site(tmp_path / "site")
    run = import_file(root, workbook)
    assert run.returncode == 0, run.stderr
    ours, theirs = records(root, "inspections"), records(imported[0], "inspections")
    assert set(ours) == set(theirs)
    for iid, record in ours.items():
        if "imported" not in record:
            continue                        # the shipped site's own records
        assert {**record, "imported": None} == {**theirs[iid], "imported": None}, iid
        assert record["imported"]["from"] == "ratings.xlsx"
        assert record["imported"]["digest"] == theirs[iid]["imported"]["digest"]


def test_a_name_with_quotation_marks_late_in_the_file_imports_as_named(tmp_path):
    """Excel writes a quotation mark in a cell as two ("The ""Tri-borough"" ..."); the reader
    guessed the file's quoting from its first rows, which double none, and so read such a cell
    further down with its quotes doubled and a stray one at the end."""
    rows = [list(row) for row in csv.reader(TABLE.read_text(encoding="utf-8").splitlines())]
    assert rows[-1][:2] == ["Kensington and Chelsea", "rbkc-yos"]       # row 84 of the real table
    name = 'The "Tri-borough" Kensington and Chelsea'
    rows[-1][0] = name
    table = tmp_path / "quoted.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    assert table.read_text(encoding="utf-8").splitlines()[-1].startswith('"The ""Tri-borough"" Kensington')
    empty = tmp_path / "empty"
    (empty / "content").mkdir(parents=True)
    (empty / "content" / "site.yaml").write_text("title: Quoted\norganisation: Test\n", encoding="utf-8")

    run = import_file(empty, table)

    assert run.returncode == 0, run.stderr
    assert name in [service["name"] for service in records(empty, "services").values()]
    assert name in [council["name"] for council in records(empty, "councils").values()]


def ratings_by_standard(csv_bytes: bytes) -> dict[tuple[str, str], tuple]:
    rows = csv.DictReader(csv_bytes.decode("utf-8-sig").splitlines())
    return {(r["inspection"], r["standard"]): (r["framework"], r["inspection_type"], r["published"],
                                               r["overall_rating"], r["overall_score"], r["published_rating"],
                                               r["report_url"], r["embargo_until"]) for r in rows}


def test_ratings_csv_from_a_build_imports_into_an_empty_site_with_the_same_ratings(tmp_path):
    shipped = copy_site(tmp_path / "shipped")
    build(shipped)
    exported = shipped / "output" / "site" / "data" / "ratings.csv"
    empty = tmp_path / "empty"
    (empty / "content").mkdir(parents=True)
    (empty / "content" / "site.yaml").write_text("title: Round trip\norganisation: Test\n", encoding="utf-8")
    run = import_file(empty, exported)
    assert run.returncode == 0, run.stderr
    assert {r["imported"]["table"] for r in records(empty, "inspections").values()} == {"scrutiny"}
    build(empty)
    again = (empty / "output" / "site" / "data" / "ratings.csv").read_bytes()
    original = ratings_by_standard(exported.read_bytes())
    assert ratings_by_standard(again) == original
    assert {i for i, _ in original} == {p.stem for p in (REPO / "content" / "inspections").glob("*.yaml")}
    # an embargo that has ended comes back too: Torbay's reports were embargoed until 00:01 on 3 March
    # 2021 (the supplementary pack's covering letter), the moment they were released (helper-150)
    assert original[("torbay-2021", "1.1")][-1] == "2021-03-03 00:01"
    assert "\nembargo_until: 2021-03-03 00:01\n" in \
        (empty / "content" / "inspections" / "torbay-2021.yaml").read_text(encoding="utf-8")


def test_ratings_csv_imports_the_cases_and_names_what_it_leaves_out(tmp_path):
    shipped = copy_site(tmp_path / "shipped")
    build(shipped)
    empty = tmp_path / "empty"
    (empty / "content").mkdir(parents=True)
    (empty / "content" / "site.yaml").write_text("title: Round trip\norganisation: Test\n", encoding="utf-8")
    run = import_file(empty, shipped / "output" / "site" / "data" / "ratings.csv")
    assert run.returncode == 0, run.stderr
    standards = {iid: record.get("standards", {}) for iid, record in records(empty, "inspections").items()}
    # Typed from content/inspections/: Sandwell's 30 post-court and 20 out-of-court cases, Torbay's 4.
    assert standards["sandwell-2018"]["2.1"] == {"rating": "Outstanding", "cases": 30}
    assert standards["sandwell-2018"]["3.4"] == {"rating": "Outstanding", "cases": 20}
    assert standards["torbay-2021"]["2.4"] == {"rating": "Outstanding", "cases": 4}
    # The key questions themselves are not in the file: Sandwell's and Torbay's records give them.
    assert "fields left out: lowest_key_question_percent (2 rows)" in run.stdout, run.stdout



def edited_ratings_and_an_empty_site(tmp_path: Path, rows: list[dict]) -> tuple[Path, Path]:
    """`rows` written as a ratings.csv, and an empty site to import it into."""
    edited = tmp_path / "ratings.csv"
    with edited.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    empty = tmp_path / "empty"
    (empty / "content").mkdir(parents=True)
    (empty / "content" / "site.yaml").write_text("title: Round trip\norganisation: Test\n", encoding="utf-8")
    return edited, empty

def test_a_number_of_cases_that_is_none_is_left_out_said_and_kept_as_given(tmp_path):
    shipped = copy_site(tmp_path / "shipped")
    build(shipped)
    rows = list(csv.DictReader((shipped / "output" / "site" / "data" / "ratings.csv")
                               .read_text(encoding="utf-8-sig").splitlines()))
    number = next(n for n, r in enumerate(rows, start=2) if (r["inspection"], r["standard"]) == ("sandwell-2018", "2.1"))
    rows[number - 2]["cases"] = "thirty"
    edited, empty = edited_ratings_and_an_empty_site(tmp_path, rows)
    run = import_file(empty, edited)
    assert run.returncode == 0, run.stderr
    assert f"ratings.csv:{number}:O: warning: cases: 'thirty' is not a number of cases of standard 2.1; left out" \
        in run.stderr.splitlines()
    assert "cases (1 row)" in run.stdout
    written = (empty / "content" / "inspections" / "sandwell-2018.yaml").read_text(encoding="utf-8")
    assert '#   cases "thirty": ' in written
    assert load(empty / "content" / "inspections" / "sandwell-2018.yaml")["standards"]["2.1"] == "Outstanding"


def test_a_ratings_csv_row_whose_table_is_hand_edited_to_no_known_table_is_refused_at_its_cell(tmp_path):
    """ratings.csv's imported_table says whose data a row is: data-to-insight or scrutiny. A hand
    edit to 'Data to Insight' was read as scrutiny, the site's own, and Data to Insight's rows
    lost the credit their licence asks for; the import refuses the row and says why."""
    shipped = copy_site(tmp_path / "shipped")
    build(shipped)
    rows = list(csv.DictReader((shipped / "output" / "site" / "data" / "ratings.csv")
                               .read_text(encoding="utf-8-sig").splitlines()))
    first = next(n for n, r in enumerate(rows, start=2) if r["inspection"] == "sandwell-2018")
    for row in rows:
        if row["inspection"] == "sandwell-2018":
            row["imported_table"] = "Data to Insight"
    edited, empty = edited_ratings_and_an_empty_site(tmp_path, rows)

    run = import_file(empty, edited)

    assert run.returncode == 1, run.stdout + run.stderr
    # imported_table is the 21st column, U.
    assert f"ratings.csv:{first}:U: error: imported_table: 'Data to Insight' is not whose table the row came " \
        "from; it is not imported" in run.stderr, run.stderr
    assert not (empty / "content" / "inspections" / "sandwell-2018.yaml").exists()
    assert (empty / "content" / "inspections" / "torbay-2021.yaml").exists()


@pytest.mark.parametrize("preview", ["drafts", "a later moment"])
def test_a_preview_s_ratings_csv_imports_no_draft_or_embargoed_inspection(tmp_path, preview):
    """A preview's data/ratings.csv (with drafts, or a rehearsal at a later moment) holds
    inspections the site it came from has not published; imported into another site they were
    published there at once (helper-28). Its rows say each one's status and embargo, and the
    import refuses those that are not public yet."""
    shipped = copy_site(tmp_path / "shipped")
    if preview == "drafts":
        inspection = shipped / "content" / "inspections" / "sandwell-2018.yaml"
        inspection.write_text(inspection.read_text(encoding="utf-8").replace("status: published", "status: draft"),
                              encoding="utf-8")
        build(shipped, output=tmp_path / "preview", drafts=True)
        withheld, expected = "sandwell-2018", "the inspection is a draft in the site this file came from"
    else:
        plant_embargoed_inspection(shipped, dt.datetime(2098, 1, 1, tzinfo=LONDON))
        build(shipped, output=tmp_path / "preview", now=dt.datetime(2099, 1, 1, tzinfo=LONDON))
        withheld, expected = "torbay-2026", "the inspection is embargoed until 2098-01-01 00:00 in the site"
    exported = tmp_path / "preview" / "data" / "ratings.csv"
    assert f"\n{withheld}," in exported.read_text(encoding="utf-8-sig")
    empty = tmp_path / "empty"
    (empty / "content").mkdir(parents=True)
    (empty / "content" / "site.yaml").write_text("title: Round trip\norganisation: Test\n", encoding="utf-8")

    run = import_file(empty, exported)

    assert run.returncode == 1, run.stdout + run.stderr
    assert expected in run.stdout + run.stderr
    assert not (empty / "content" / "inspections" / f"{withheld}.yaml").exists()


# -- errors ----------------------------------------------------------------------------------------

def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


HEADER = "la_name,la_ref,score_%,overall_rating,publication_date,report_url,staff\n"


@pytest.mark.parametrize("name, data, expected", [
    ("layout.csv", "Council,Rating,Date\nTorbay,Good,01/02/2024\n",
     r"^layout\.csv:1: error: the columns \('Council', 'Rating', 'Date'\) are neither Data to Insight's nor "
     r"Scrutiny's ratings\.csv"),
    ("empty.csv", "", r"^empty\.csv:1: error: the file is empty$"),
    ("header-only.csv", HEADER, r"^header-only\.csv:2: error: there are no rows below the header row$"),
    ("latin1.csv", (HEADER + "Torbay,t,44.44,Good,01/02/2024,,Good\nYnys M\xf4n,y,50,Good,02/02/2024,,Good\n"
                    ).encode("latin-1"),
     r"^latin1\.csv:3:A: error: byte 0xF4 is not UTF-8: the file is in another encoding \(open it in Excel and "
     r"Save As 'CSV UTF-8 \(Comma delimited\)'"),
])
def test_a_file_that_cannot_be_imported_is_said_at_its_row_and_nothing_is_written(tmp_path, name, data, expected):
    root = copy_site(tmp_path / "site")
    before = all_files(root / "content")
    run = import_file(tmp_path / "site", write(tmp_path / name, data))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert re.search(expected, run.stderr, re.M), run.stderr
    assert all_files(root / "content") == before


@pytest.mark.parametrize("row, expected", [
    (",t,44.44,Good,01/02/2024,,Good", r"^rows\.csv:3:A: error: la_name: the row names no area; it is not imported"),
    ("Torbay,t,44.44,Requires improvement,31/02/2024,,Good",
     r"^rows\.csv:3:E: error: publication_date: '31/02/2024' is not a real date; the row is not imported \(the "
     r"framework depends on the date\) \(check the day and the month\)"),
    ("Torbay,t,44.44,Requires improvement,,,Good", r"^rows\.csv:3:E: error: publication_date: no publication date"),
    ("Torbay,t,,,03/03/2021,,Good", r"^rows\.csv:3: error: the row gives neither an overall rating nor a score"),
])
def test_a_row_that_cannot_be_imported_is_an_error_at_its_cell_and_the_others_are_imported(tmp_path, row, expected):
    root = copy_site(tmp_path / "site")
    table = write(tmp_path / "rows.csv", HEADER + "Slough,s,8.33,Inadequate,14/01/25,,Inadequate\n" + row + "\n")
    run = import_file(root, table)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert re.search(expected, run.stderr, re.M), run.stderr
    assert "1 row not imported" in run.stdout
    assert load(root / "content" / "inspections" / "slough-2025.yaml")["overall"] == \
        {"rating": "Inadequate", "score": 3}


def test_two_rows_giving_one_report_under_two_names_are_one_inspection_not_two(tmp_path):
    """A report's address is the inspection's own (HMIP publishes each report at one): a row that
    gives the address of an earlier row's report, under another name for its area, is an error
    at its row, not a second inspection counted again on the national page."""
    root = copy_site(tmp_path / "site")
    url = "https://www.justiceinspectorates.gov.uk/hmiprobation/inspections/newcastleyjs2025/"
    table = write(tmp_path / "rows.csv", HEADER + f"Newcastle,n,44.44,Requires Improvement,18/02/25,{url},Good\n"
                  f"Newcastle upon Tyne,n,44.44,Requires Improvement,18/02/25,{url},Good\n")
    run = import_file(root, table)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert re.search(r"^rows\.csv:3:F: error: report_url: the same inspection as row 2 \(the same report\)",
                     run.stderr, re.M), run.stderr
    assert "1 row not imported" in run.stdout
    holding = [p.name for p in (root / "content" / "inspections").glob("*.yaml")
               if load(p).get("report_url") == url]
    assert holding == ["newcastle-2025.yaml"]


# -- nothing half-written --------------------------------------------------------------------------

def test_an_interrupted_import_leaves_every_file_as_it_was_or_as_the_import_writes_it(imported, tmp_path):
    """Ctrl-C at moments spread over the import: each time, each file is whole, and the site is
    either untouched or fully imported (the records are renamed into place all together)."""
    done = all_files(imported[0] / "content")
    untouched = all_files(REPO / "content")
    outcomes = set()
    for delay in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8):
        root = copy_site(tmp_path / f"at-{delay}")
        process = subprocess.Popen([sys.executable, "-m", "generator", "-C", str(root), "import", "inspections",
                                    str(TABLE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=120)
        now = all_files(root / "content")
        assert now in (untouched, done), f"interrupted after {delay} s: {len(now)} files"
        assert not [p for p in (root / "content").rglob(".*")], "a hidden file was left behind"
        outcomes.add("done" if now == done else "untouched")
    assert outcomes                                 # (which of the two depends on the machine's speed)


def test_an_import_into_a_read_only_content_folder_is_a_clear_error_and_changes_nothing(tmp_path):
    """content/ made read-only by a bind mount (in a mount namespace of its own): a real EROFS.
    One line that says which file and why, exit 1, no traceback, and every record as it was."""
    root = copy_site(tmp_path)
    before = all_files(root / "content")
    script = f"""set -u
mount --bind "{root}/content" "{root}/content" && mount -o remount,bind,ro "{root}/content" || exit 90
"{sys.executable}" -m generator -C "{root}" import inspections "{TABLE}" > /dev/null 2> "{tmp_path}/stderr.txt"
echo "exit=$?" > "{tmp_path}/exit.txt"
"""
    done = subprocess.run(["unshare", "--map-root-user", "--mount", "bash", "-c", script],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    stderr = (tmp_path / "stderr.txt").read_text()
    assert "Traceback" not in stderr, stderr
    assert re.search(r"^error: cannot write content/\S+\.yaml \(Read-only file system\); no record was changed$",
                     stderr, re.M), stderr
    assert (tmp_path / "exit.txt").read_text().strip() == "exit=1"
    assert all_files(root / "content") == before


# -- what a workbook hides -------------------------------------------------------------------------

def ratings_workbook(rows: list[str]) -> openpyxl.Workbook:
    """HEADER's table as an analyst's workbook: each row a line of CSV text."""
    book = openpyxl.Workbook()
    for line in [HEADER.strip(), *rows]:
        book.active.append([value or None for value in line.split(",")])
    return book


def test_a_hidden_row_or_column_of_a_workbook_is_not_imported_and_said(tmp_path):
    """An analyst hides a row they doubt (Rutland's, not yet published) and the column of staff
    ratings they are checking: neither is the table as shown and printed, so neither is imported."""
    root = copy_site(tmp_path / "site")
    book = ratings_workbook(["Slough,s,8.33,Inadequate,14/01/25,,Inadequate",
                             "Rutland,r,,Good,02/02/2024,,Good"])
    book.active.row_dimensions[3].hidden = True
    book.active.column_dimensions["G"].hidden = True
    book.save(tmp_path / "rows.xlsx")
    run = import_file(root, tmp_path / "rows.xlsx")
    assert run.returncode == 0, run.stderr
    assert ("rows.xlsx:1:G: notice: staff: the column is hidden in the sheet, so it is left out of every row "
            "(unhide it in Excel and import again to include it)") in run.stderr.splitlines()
    assert ("rows.xlsx:3: notice: the row is hidden in the sheet, so it is not imported (unhide it in Excel and "
            "import again to include it)") in run.stderr.splitlines()
    assert "rows.xlsx: 1 inspection: 1 imported" in run.stdout
    assert "fields left out: staff (every row)" in run.stdout
    slough = load(root / "content" / "inspections" / "slough-2025.yaml")
    assert slough["overall"] == {"rating": "Inadequate", "score": 3} and "standards" not in slough
    assert not list((root / "content").glob("*/rutland*"))


@pytest.mark.parametrize("number_format, published", [
    ("mmm-yy", "2025-01"),                   # Excel's own for "2025-01" typed or opened from a CSV: Jan-25
    ("[$-809]mmmm\\ yyyy;@", "2025-01"),     # LibreOffice's "January 2025"
    ("dd/mm/yyyy", "2025-01-14"),            # a day shown is a day
])
def test_a_date_cell_showing_only_its_month_imports_as_that_month_not_its_first_day(tmp_path, number_format,
                                                                                   published):
    """ratings.csv gives Derby's 2025 publication as the month its record gives, 2025-09; Excel
    opens it as a date shown as Sep-25. Saved as a workbook and imported, it was published
    2025-09-01, a day no source gives; the sheet shows a month, and a month is imported."""
    root = copy_site(tmp_path / "site")
    book = ratings_workbook(["Slough,s,8.33,Inadequate,,,Inadequate"])
    cell = book.active["E2"]
    cell.value, cell.number_format = dt.datetime(2025, 1, 14), number_format
    book.save(tmp_path / "months.xlsx")

    run = import_file(root, tmp_path / "months.xlsx")

    assert run.returncode == 0, run.stderr
    assert str(load(root / "content" / "inspections" / "slough-2025.yaml")["published"]) == published


def test_a_date_cell_showing_only_its_year_is_not_imported_as_the_first_of_january(tmp_path):
    # Formatted 'yyyy', the sheet shows 2025 and no day: importing it as 2025-01-01 would record
    # a publication day no source gives. The row is an error at its line, and nothing is written.
    root = copy_site(tmp_path / "site")
    before = all_files(root / "content")
    book = ratings_workbook(["Slough,s,8.33,Inadequate,,,Inadequate"])
    cell = book.active["E2"]
    cell.value, cell.number_format = dt.datetime(2025, 1, 14), "yyyy"
    book.save(tmp_path / "years.xlsx")

    run = import_file(root, tmp_path / "years.xlsx")

    assert run.returncode == 1, run.stdout
    assert "years.xlsx:2" in run.stderr and "2025" in run.stderr, run.stderr
    assert all_files(root / "content") == before


def test_a_workbook_whose_ratings_are_hidden_is_an_error_that_says_so(tmp_path):
    root = copy_site(tmp_path / "site")
    before = all_files(root / "content")
    book = ratings_workbook(["Slough,s,8.33,Inadequate,14/01/25,,Inadequate"])
    book.active.column_dimensions["D"].hidden = True
    book.save(tmp_path / "columns.xlsx")
    run = import_file(root, tmp_path / "columns.xlsx")
    assert run.returncode == 1
    assert ("columns.xlsx:1: error: the column 'overall_rating' (D) is hidden in the sheet 'Sheet', so no "
            "inspection can be imported (unhide it in Excel and import again)") in run.stderr.splitlines()

    book = ratings_workbook(["Slough,s,8.33,Inadequate,14/01/25,,Inadequate"])
    book.active.title = "Last year"
    book.active.sheet_state = "hidden"
    book.create_sheet("Read me").append(["This year's table is still being checked"])
    book.active = 1
    book.save(tmp_path / "sheets.xlsx")
    run = import_file(root, tmp_path / "sheets.xlsx")
    assert run.returncode == 1
    assert ("sheets.xlsx: error: the ratings are in the sheet 'Last year', which is hidden in the workbook, so "
            "they are not imported (unhide the sheet in Excel (right-click a sheet's tab, Unhide) if it is the "
            "table to import, and import again)") in run.stderr.splitlines()
    assert all_files(root / "content") == before
