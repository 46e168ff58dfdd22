"""`scrutiny import action-plan`: council spreadsheets (real .xlsx files and CSV) -> a valid plan.

The workbooks are made here with openpyxl, shaped like Torbay's OOCD improvement plan (the
Torbay supplementary pack, 1 March 2021, Agenda Item 9 Appendix 2): a title row, then
Improvement action | How | Who | Resources required | Date for review | Date for completion |
Outcome | Comments re progress | RAG rating.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Color, PatternFill

from generator.authoring.spreadsheet import (CellError, column_letter, header_field, parse_date,
                                             parse_rag_text, rag_from_colour)
from generator.model.types import RAG
from generator.build import check_site

TORBAY_HEADERS = ["Improvement action", "How", "Who", "Resources required", "Date for review",
                  "Date for completion", "Outcome", "Comments re progress", "RAG rating"]
TITLE = "YOT Improvement Plan for OOCD's Assessment, Decision Making and Processes"
INSPECTION = {"inspections/torbay-2021.yaml": "service: torbay-yot\nframework: hmip-youth-2018\n"
                                               "published: 2021-03-03\n"}
RECOMMENDED = {"inspections/torbay-2021.yaml": INSPECTION["inspections/torbay-2021.yaml"] + """\
recommendations:
  - to: The YOT Management Board
    items: [champion children's needs, review management capacity]
  - to: The YOT Head of Service
    items: [update out-of-court disposal policy]
"""}
AS_OF = "2021-06-30"


def workbook(rows: list[list], title: str | None = TITLE, sheet: str = "Sheet1") -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TORBAY_HEADERS))
    for row in rows:
        ws.append(row)
    return book


def save(book: openpyxl.Workbook, path: Path) -> Path:
    book.save(path)
    return path


def torbay_workbook() -> openpyxl.Workbook:
    """Five actions, with the things real sheets have: Excel date cells, UK date text, months,
    a multi-line cell, a 'Who' merged down two rows, a coloured but empty RAG cell, RAG words
    with stray spaces, and formatted blank rows at the end."""
    book = workbook([
        TORBAY_HEADERS,
        ["Establish Working Group on OOCD Processes", "Set up week of 01/02/2021", "Staff group and Managers",
         "Staff", "April 2021", "July 2021", "Involvement of staff team in the implementation of the plan",
         "Working group meets fortnightly", "Green "],
        ["All young people on OOCD to be assessed/screened pre recommendation",
         "Each 370 goes to a case worker.\nThe assessment informs the Panel's decision.",
         "Op's manager to allocate to case worker within 24 hours", "Assessment tool", "30/04/2021",
         dt.datetime(2021, 7, 31), "The voices of all young people and their families are heard",
         "Tool in use since March: reviewed in April", "A"],
        ["Implement Review of each OOCD intervention", "Review at end of intervention",
         "Op's Manager to record review outcome on CV", "Assessment tool review section", None, None,
         "A chance to reflect on the impact of the intervention", None, None],
        ["Asset Plus to be completed on all High risk OOCD assessments",
         "On completion of OOCD Assessment and recommendation from Manager", None, "Asset Plus",
         "01/04/2021", "31/07/2021", "A clear risk management plan for high risk OOCD case work",
         "Completed in all cases", "Complete"],
        ["All victims to be contacted prior to panel", "Contact every victim and obtain their views",
         "Victim Worker", "Victim assessment tool", "2021-04", "Jul-21",
         "More robust intervention and support for victims", None, "blue"],
    ])
    ws = book["Sheet1"]
    ws.merge_cells("C5:C6")                                    # one 'Who' for actions 3 and 4
    ws["I5"].fill = PatternFill("solid", fgColor="FF00B050")   # green, and nothing typed in it
    for row in (8, 9, 10):                                     # formatted but empty trailing rows
        for column in range(1, 10):
            ws.cell(row, column).fill = PatternFill("solid", fgColor="FFFFFFFF")
    ws.cell(9, 1).value = "   "
    return book


@pytest.fixture
def importer(tmp_path, make_site, run_cli):
    """`importer(files)` -> (root, run) where run(*args) runs `scrutiny import action-plan ...`."""
    def make(files=None):
        root = make_site(tmp_path / "site", {**INSPECTION, **(files or {})})

        def run(*args: str):
            return run_cli("import", "action-plan", *args, root=root)
        return root, run
    return make


def plan_files(root: Path) -> list[str]:
    folder = root / "content" / "action-plans"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_torbay_style_workbook_becomes_a_valid_action_plan(tmp_path, importer, run_cli):
    root, run = importer()
    source = save(torbay_workbook(), tmp_path / "Torbay OOCD plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--id", "torbay-2021-oocd", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "wrote content/action-plans/torbay-2021-oocd.yaml: 5 actions from Sheet1, 5 progress updates" \
        in result.stdout

    checked = run_cli("check", "--strict", root=root)
    assert checked.exit_code == 0, checked.output

    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["torbay-2021-oocd"].plan
    assert plan.inspection == "torbay-2021"
    assert plan.title == TITLE                                     # from the title row above the header
    assert [a.id for a in plan.actions] == ["A1", "A2", "A3", "A4", "A5"]
    a1, a2, a3, a4, a5 = plan.actions
    assert a1.action == "Establish Working Group on OOCD Processes"
    assert (str(a1.review), str(a1.due)) == ("2021-04", "2021-07")          # months
    assert (str(a2.review), str(a2.due)) == ("2021-04-30", "2021-07-31")    # UK text; a real date cell
    assert (str(a4.review), str(a4.due)) == ("2021-04-01", "2021-07-31")    # 01/04/2021 is 1 April
    assert (str(a5.review), str(a5.due)) == ("2021-04", "2021-07")          # 2021-04; Jul-21
    assert a3.review is None and a3.due is None
    assert a2.how == "Each 370 goes to a case worker.\nThe assessment informs the Panel's decision."
    assert a3.who == a4.who == "Op's Manager to record review outcome on CV"   # the merged cell
    assert a1.resources == "Staff" and a1.outcome.startswith("Involvement of staff team")
    updates = {a.id: [(u.date.isoformat(), u.rag, u.note) for u in a.updates] for a in plan.actions}
    assert updates == {
        "A1": [(AS_OF, RAG.GREEN, "Working group meets fortnightly")],
        "A2": [(AS_OF, RAG.AMBER, "Tool in use since March: reviewed in April")],
        "A3": [(AS_OF, RAG.GREEN, None)],                               # from the cell's colour
        "A4": [(AS_OF, RAG.COMPLETE, "Completed in all cases")],
        "A5": [(AS_OF, RAG.COMPLETE, None)],                            # blue
    }


def test_a_date_cell_formatted_to_show_its_month_is_that_month_not_its_first_day(tmp_path, importer):
    """Councils' plans format due dates as Excel's Mar-21: the sheet shows and prints a month, so
    the plan's date is that month (overdue only once it has passed), not 1 March, a day no one set."""
    root, run = importer()
    book = workbook([TORBAY_HEADERS, ["Review the OOCD policy", None, "Head of Service", None,
                                      dt.datetime(2021, 3, 1), dt.datetime(2021, 7, 15), None, None, "Amber"]])
    book["Sheet1"]["E3"].number_format = "mmm-yy"             # shows Mar-21
    book["Sheet1"]["F3"].number_format = "mmmm yyyy"          # shows July 2021, whatever day it holds
    result = run(str(save(book, tmp_path / "plan.xlsx")), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    action = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan.actions[0]
    assert (str(action.review), str(action.due)) == ("2021-03", "2021-07")


def test_the_written_plan_points_editors_at_its_schema(tmp_path, importer):
    root, run = importer()
    source = save(torbay_workbook(), tmp_path / "plan.xlsx")
    run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    text = (root / "content/action-plans/plan.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../.schema/action-plan.json\n")
    assert (root / ".schema/action-plan.json").is_file()


def test_a_bad_date_in_row_7_is_reported_at_sheet1_f7_and_nothing_is_written(tmp_path, importer):
    root, run = importer()
    rows = [TORBAY_HEADERS] + [[f"Action {n}", None, "Case worker", None, "01/04/2021", "31/07/2021", None,
                                None, None] for n in range(1, 8)]
    rows[6][5] = "next Tuesday"                          # row 7 of the sheet (header in row 1)
    source = save(workbook(rows, title=None), tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021")
    assert result.exit_code == 1
    assert "Sheet1!F7: 'next Tuesday' is not a date (write 01/02/2021)" in result.stderr
    assert "nothing was written" in result.stderr
    assert plan_files(root) == []


def test_every_bad_cell_is_reported_in_one_pass_in_sheet_order(tmp_path, importer):
    root, run = importer()
    good = ["An action", None, None, None, None, None, None, None, None]
    rows = [TORBAY_HEADERS, *([*good] for _ in range(6))]     # rows[i] is the sheet's row i + 1
    rows[2][4] = "31/02/2021"                            # E3: no such day
    rows[3][8] = "Purple"                                # I4: not a RAG word
    rows[4][0] = None                                    # A5: no action ...
    rows[4][1] = "but a how"                             # ... in a row that is not blank
    rows[5][7] = "Progress, but no rating"               # I6: a comment needs a RAG rating
    rows[6][5] = "next Tuesday"                          # F7
    source = save(workbook(rows, title=None), tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021")
    assert result.exit_code == 1
    lines = result.stderr.strip().split("\n")
    assert lines == [
        "Sheet1!E3: '31/02/2021' is not a real date (check the day and the month)",
        "Sheet1!I4: 'Purple' is not a RAG rating (write red, amber, green, complete or not started (R, A, G or blue))",
        "Sheet1!A5: the action is empty (every row needs one; delete the row if it is not an action)",
        "Sheet1!I6: the progress comment has no RAG rating (write red, amber, green, complete or not started)",
        "Sheet1!F7: 'next Tuesday' is not a date (write 01/02/2021)",
        "5 problems in the sheet; nothing was written",
    ]
    assert plan_files(root) == []


def test_a_csv_saved_by_excel_on_windows_imports_the_same_way(tmp_path, importer, run_cli):
    root, run = importer()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["Improvement Action ", "HOW", "who", "Resources Required", "Date for Review",
                     "Date for Completion", "Outcome", "Comments re: progress", "RAG Rating"])
    writer.writerow(["Young People to design “What is YOT about” leaflet", "Workshops – two sessions",
                     "Participation worker", "£200 printing", "1/4/21", "31/07/2021", "YP inclusion",
                     "First workshop held", "R"])
    writer.writerow(["Improve recording of CR outcomes", None, "Data Analyst", None, "ongoing", "end of July 2021",
                     "Reduction in FTE", None, None])
    writer.writerow([])
    source = tmp_path / "torbay-2021-leaflet.csv"
    source.write_bytes(text.getvalue().encode("cp1252"))         # Excel's "CSV" on Windows
    result = run(str(source), "--as-of", AS_OF, "--title", "Participation plan")
    assert result.exit_code == 0, result.output
    assert "torbay-2021-leaflet!E3: 'ongoing' is not a date; left empty" in result.stderr
    assert run_cli("check", "--strict", root=root).exit_code == 0
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["torbay-2021-leaflet"].plan
    assert plan.inspection == "torbay-2021"                      # from the id, torbay-2021-...
    assert plan.title == "Participation plan"
    first, second = plan.actions
    assert first.action == "Young People to design “What is YOT about” leaflet"
    assert first.how == "Workshops – two sessions" and first.resources == "£200 printing"
    assert (str(first.review), str(first.due)) == ("2021-04-01", "2021-07-31")
    assert [(u.rag, u.note) for u in first.updates] == [(RAG.RED, "First workshop held")]
    assert second.review is None and str(second.due) == "2021-07" and second.updates == []


def test_a_csv_whose_rag_column_says_not_started_keeps_it_as_the_plans_status(tmp_path, importer, run_cli):
    # Councils' plans print "Not started" as a status of its own; the import threw the word away,
    # and the action was "Not recorded", which the source did not say.
    root, run = importer()
    source = tmp_path / "plan.csv"
    source.write_text("Action,Due date,Progress update,RAG status\n"
                      "Set up a working group,31/07/2021,Awaiting recruitment,Not started\n"
                      "Review the panel,31/07/2021,,Not yet started\n"
                      "Train the staff,31/07/2021,,\n", encoding="utf-8")
    result = run(str(source), "--inspection", "torbay-2021", "--id", "torbay-2021-plan", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert run_cli("check", "--strict", root=root).exit_code == 0
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["torbay-2021-plan"].plan
    assert [[(u.rag, u.note) for u in a.updates] for a in plan.actions] == [
        [(RAG.NOT_STARTED, "Awaiting recruitment")], [(RAG.NOT_STARTED, None)], []]


def test_a_csv_cell_with_quotation_marks_and_a_comma_imports_as_written(tmp_path, importer):
    # Excel writes a quotation mark in a cell as two; the reader guessed the file's quoting from
    # its first rows and, finding no doubled mark it could see, read "" as two marks.
    # The note paraphrases Dudley's March 2021 scrutiny report, paragraph 19.
    note = 'Moved from a traditional "offender management" approach to "Child First, Offender Second"'
    root, run = importer()
    source = tmp_path / "plan.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Action", "Due date", "Progress update", "RAG status"])
        writer.writerow(["Staff training on desistance, safeguarding and recording", "31/07/2021", note, "Green"])
    assert '"Moved from a traditional ""offender management"" approach' in source.read_text(encoding="utf-8")
    result = run(str(source), "--inspection", "torbay-2021", "--id", "torbay-2021-plan", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["torbay-2021-plan"].plan
    assert [(u.rag, u.note) for u in plan.actions[0].updates] == [(RAG.GREEN, note)]


def test_a_bad_csv_cell_is_named_like_a_spreadsheet_cell(tmp_path, importer):
    root, run = importer()
    source = tmp_path / "plan.csv"
    source.write_text("Action,Who,Due date\nFirst,Me,01/02/2021\nSecond,You,soon\n", encoding="utf-8")
    result = run(str(source), "--inspection", "torbay-2021")
    assert result.exit_code == 1
    assert "plan!C3: 'soon' is not a date (write 01/02/2021)" in result.stderr
    assert plan_files(root) == []


def test_usual_header_variants_are_recognised(tmp_path, importer):
    root, run = importer(RECOMMENDED)
    rows = [["Ref", "Recommendation", "Action", "Lead Officer", "Target date", "Review Date", "Expected outcome",
             "Progress update", "RAG status", "Notes for the Board"],
            ["1.1", "1, 2", "Board induction", "Chair", "31/03/2021", "Feb 2021", "Members understand roles",
             "Induction pack drafted", "Amber", "x"],
            ["1.2", "Rec 3", "Update OOCD policy", "Head of Service", "30/06/2021", None, None, None, None, None]]
    source = save(workbook(rows, title=None), tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "columns not imported: 'Notes for the Board' (J)" in result.stderr
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan
    first, second = plan.actions
    assert first.id == "1.1" and first.recommendations == [1, 2] and first.who == "Chair"   # its Ref
    assert (str(first.due), str(first.review)) == ("2021-03-31", "2021-02")
    assert first.outcome == "Members understand roles"
    assert [(u.rag, u.note) for u in first.updates] == [(RAG.AMBER, "Induction pack drafted")]
    assert second.recommendations == [3]


def test_the_plans_own_action_numbers_are_kept_as_the_ids(tmp_path, importer):
    root, run = importer()
    rows = [["Action no", "Improvement action", "Who", "Date for completion"],
            ["1.1", "Board terms of reference", "Chair", "July 2021"],
            [1.2, "Board induction", "Chair", "July 2021"],                  # a number cell, as Excel keeps 1.2
            ["2.1", "Update the OOCD policy", "Head of Service", "June 2021"],
            ["2.2", None, None, None]]                                      # numbered, but no action yet
    source = save(workbook(rows), tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "3 actions from Sheet1, numbered as in its column 'Action no' (A)" in result.stdout
    assert "Action no" not in result.stderr                          # neither dropped nor 'not imported'
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan
    assert [(a.id, a.action) for a in plan.actions] == [("1.1", "Board terms of reference"),
                                                        ("1.2", "Board induction"),
                                                        ("2.1", "Update the OOCD policy")]


def test_action_numbers_missing_repeated_or_unusable_give_a1_to_an_and_say_why(tmp_path, importer):
    root, run = importer()
    rows = [["Ref", "Improvement action", "Who"],
            ["1.1", "Board terms of reference", "Chair"],
            [None, "Board induction", "Chair"],
            ["1.1", "Update the OOCD policy", "Head of Service"],
            ["Action 4", "Review panel decisions", "Panel chair"]]
    source = save(workbook(rows), tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "4 actions from Sheet1, 0 progress updates" in result.stdout
    assert ("note: Sheet1: the actions are numbered A1 to A4, not by the column 'Ref' (A), as not every action "
            "has its own number there: A4 is empty; A5 repeats 1.1 of A3; A6 holds 'Action 4', which cannot be "
            "an id") in result.stderr
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan
    assert [a.id for a in plan.actions] == ["A1", "A2", "A3", "A4"]


REC_1 = "Recommendation 1: The YOT Management Board should champion children's needs"
BOARD_ACTION = ["Board induction", "Induction pack", "Chair", None, "Feb 2021", "31/03/2021", None, "Pack drafted",
                "Amber"]


def test_a_heading_merged_across_the_table_is_read_as_a_heading_not_an_action(tmp_path, importer):
    root, run = importer()
    book = workbook([TORBAY_HEADERS, [REC_1], BOARD_ACTION])
    book["Sheet1"].merge_cells("A3:I3")                   # as real plans group their actions by recommendation
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "wrote content/action-plans/plan.yaml: 1 action from Sheet1" in result.stdout
    assert ("note: Sheet1!3:3: 'Recommendation 1: The YOT Management Board should champion ...' is one cell "
            "merged across the table (A to I), so it is read as a heading, not an action") in result.stderr
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan
    assert [(a.id, a.action, a.recommendations) for a in plan.actions] == [("A1", "Board induction", [])]


def test_a_row_merged_across_part_of_the_table_is_one_error_at_the_row(tmp_path, importer):
    root, run = importer()
    book = workbook([TORBAY_HEADERS, [REC_1], BOARD_ACTION])
    book["Sheet1"].merge_cells("A3:F3")                   # over the date columns E and F, not the RAG (I)
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert ("Sheet1!3:3: 'Recommendation 1: The YOT Management Board should champion ...' is one cell merged "
            "across columns A to F, so it is neither an action (one cell per column) nor a heading (merged "
            "across the whole table, A to I) (for a heading, merge it across the whole table; for an action, "
            "unmerge the cells and put each part in its own column)") in result.stderr
    assert "1 problem in the sheet; nothing was written" in result.stderr   # not E3 and F3 'not a date'
    assert plan_files(root) == []


def test_a_recommendation_the_inspection_does_not_make_is_a_cell_error(tmp_path, importer):
    root, run = importer(RECOMMENDED)
    rows = [["Action", "Recommendation"], ["Something", "4"], ["Other", "none"]]
    source = save(workbook(rows, title=None), tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021")
    assert result.exit_code == 1
    assert "Sheet1!B2: there is no recommendation 4 (the inspection has 3 recommendations)" in result.stderr
    assert "Sheet1!B3: 'none' names no recommendation number" in result.stderr


def test_map_says_which_column_is_which(tmp_path, importer):
    root, run = importer()
    rows = [["Task", "Person", "Finish"], ["Write the leaflet", "Participation worker", "July 2021"]]
    source = save(workbook(rows, title=None), tmp_path / "plan.xlsx")
    unmapped = run(str(source), "--inspection", "torbay-2021")
    assert unmapped.exit_code == 1 and "no header row with an action column was found" in unmapped.stderr
    result = run(str(source), "--inspection", "torbay-2021", "--map", "task=action, PERSON=who,Finish = due")
    assert result.exit_code == 0, result.output
    action = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan.actions[0]
    assert (action.action, action.who, str(action.due)) == ("Write the leaflet", "Participation worker", "2021-07")


@pytest.mark.parametrize("mapping, message", [
    ("Owner=who", "--map: Sheet1 has no column headed 'owner'"),
    ("Task=colour", "--map: 'colour' is not a field"),
    ("Task", "--map: 'Task' is not 'Header=field'"),
])
def test_a_bad_map_is_a_usage_error(tmp_path, importer, mapping, message):
    root, run = importer()
    source = save(workbook([["Task", "Who"], ["x", "y"]], title=None), tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--map", mapping if "Owner" not in mapping
                 else "Task=action," + mapping)
    assert result.exit_code == 2
    assert message in result.output


def test_an_existing_plan_is_not_replaced_without_force(tmp_path, importer):
    root, run = importer()
    source = save(torbay_workbook(), tmp_path / "plan.xlsx")
    assert run(str(source), "--inspection", "torbay-2021").exit_code == 0
    target = root / "content/action-plans/plan.yaml"
    target.write_text(target.read_text() + "# edited by hand\n")
    again = run(str(source), "--inspection", "torbay-2021")
    assert again.exit_code == 1 and "already exists; nothing was written" in again.stderr
    assert target.read_text().endswith("# edited by hand\n")
    assert run(str(source), "--inspection", "torbay-2021", "--force").exit_code == 0
    assert not target.read_text().endswith("# edited by hand\n")


@pytest.mark.parametrize("kept, says", [
    ("status: draft\n", "status: draft"),
    ('embargo_until: "2031-03-04 09:00"\n', 'embargo_until: "2031-03-04 09:00"'),
    ("status: Draft\n", "status: draft"),
])
def test_a_plan_replaced_with_force_stays_a_draft_or_embargoed(tmp_path, importer, kept, says):
    """--force replaces a plan from a newer spreadsheet; the plan it replaces was held back,
    so the new one is too, and the import says so."""
    from generator.build import check_site
    from generator.plan.publication import public_corpus

    root, run = importer()
    source = save(torbay_workbook(), tmp_path / "plan.xlsx")
    assert run(str(source), "--inspection", "torbay-2021").exit_code == 0
    target = root / "content/action-plans/plan.yaml"
    text = target.read_text()
    target.write_text(text.replace("\nactions:", "\n" + kept.rstrip("\n") + "\nactions:", 1))
    result = run(str(source), "--inspection", "torbay-2021", "--force")
    assert result.exit_code == 0, result.output
    assert f"kept from the plan it replaces: {says.replace(chr(34), '')}" in result.output.replace(chr(34), "")
    assert says.replace('"', '') in target.read_text().replace('"', '')
    corpus = check_site(root, dt.date(2025, 6, 30)).corpus
    assert "plan" in corpus.action_plans
    assert "plan" not in public_corpus(corpus, dt.datetime(2025, 6, 30, 12, tzinfo=dt.timezone.utc))[0].action_plans


MARCH_ROWS = [["Ref", "Action", "Who", "Progress update", "RAG status"],
              ["1.1", "Board induction", "Chair", "Induction pack drafted", "Amber"],
              ["1.2", "Update OOCD policy", "Head of Service", "Policy in draft", "Red"],
              ["1.3", "Train staff on the policy", "Practice lead", None, None]]
# Work done in the YAML by hand after the March import, as section 4 of the user guide says
HAND_ADDED = {"\nactions:\n": "\nowner: YOT Management Board\nactions:\n",
              "  - id: \"1.1\"\n": "  - id: \"1.1\"\n    recommendations: [1, 2]\n",
              "  - id: \"1.2\"\n": "  - id: \"1.2\"\n    recommendations: [3]\n",
              "        note: Policy in draft\n": "        note: Policy in draft\n"
                                              "      - {date: 2021-05-10, rag: amber, note: Consultation closed}\n"}


def import_march_plan_and_edit_it(tmp_path, run) -> Path:
    march = save(workbook(MARCH_ROWS, title=None), tmp_path / "march.xlsx")
    result = run(str(march), "--inspection", "torbay-2021", "--id", "torbay-2021-plan", "--as-of", "2021-03-31")
    assert result.exit_code == 0, result.output
    target = tmp_path / "site/content/action-plans/torbay-2021-plan.yaml"
    text = target.read_text(encoding="utf-8")
    for old, new in HAND_ADDED.items():
        assert old in text
        text = text.replace(old, new)
    target.write_text(text, encoding="utf-8")
    return target


def test_a_plan_replaced_with_force_keeps_its_earlier_updates_links_and_actions(tmp_path, importer, run_cli):
    """A YOS manager re-exports the tracker each quarter: --force lost every update before the
    new --as-of, the links to recommendations added by hand, and the actions the sheet dropped."""
    root, run = importer(RECOMMENDED)
    import_march_plan_and_edit_it(tmp_path, run)
    june = save(workbook([MARCH_ROWS[0],
                          ["1.1", "Board induction", "Chair", "Induction pack drafted", "Amber"],   # as in March
                          ["1.2", "Update OOCD policy", "Head of Service", "Policy approved by the Board", "Green"],
                          ["1.4", "Audit OOCD cases", "Quality lead", None, None]], title=None),
                tmp_path / "june.xlsx")
    result = run(str(june), "--inspection", "torbay-2021", "--id", "torbay-2021-plan", "--as-of", "2021-06-30",
                 "--force")
    assert result.exit_code == 0, result.output
    assert "3 actions from Sheet1, numbered as in its column 'Ref' (A), 2 progress updates" in result.stdout
    assert "note: kept 3 earlier progress updates and 3 recommendation links from the plan it replaces" \
        in result.stderr
    assert "note: the sheet's progress update for action 1.1 repeats the latest one kept, so it is not added " \
        "again" in result.stderr
    assert "note: kept action 1.3 of the plan it replaces, which the sheet does not have, as they were" \
        in result.stderr
    assert "note: kept the title of the plan it replaces, 'Action plan: march' (give --title to change it)" \
        in result.stderr
    assert run_cli("check", "--strict", root=root).exit_code == 0
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["torbay-2021-plan"].plan
    assert (plan.title, plan.owner) == ("Action plan: march", "YOT Management Board")
    got = [(a.id, a.action, a.recommendations, [(u.date.isoformat(), u.rag, u.note) for u in a.updates])
           for a in plan.actions]
    assert got == [
        ("1.1", "Board induction", [1, 2], [("2021-03-31", RAG.AMBER, "Induction pack drafted")]),
        ("1.2", "Update OOCD policy", [3], [("2021-03-31", RAG.RED, "Policy in draft"),
                                            ("2021-05-10", RAG.AMBER, "Consultation closed"),
                                            ("2021-06-30", RAG.GREEN, "Policy approved by the Board")]),
        ("1.4", "Audit OOCD cases", [], []),
        ("1.3", "Train staff on the policy", [], []),
    ]


def test_a_sheet_older_than_the_plans_latest_update_is_refused_and_nothing_is_written(tmp_path, importer):
    root, run = importer(RECOMMENDED)
    target = import_march_plan_and_edit_it(tmp_path, run)
    before = target.read_bytes()
    march = tmp_path / "march.xlsx"
    result = run(str(march), "--inspection", "torbay-2021", "--id", "torbay-2021-plan", "--as-of", "2021-04-30",
                 "--force")
    assert result.exit_code == 1
    assert ("the plan it replaces has progress updates dated after 2021-04-30, the day of the sheet's: "
            "action 1.2 (2021-05-10); nothing was written") in result.stderr
    assert target.read_bytes() == before


def test_a_plan_replaced_with_force_keeps_its_updates_of_the_sheets_own_day(tmp_path, importer):
    """An update dated the --as-of day was lost when replaced: one corrected by hand, and one
    the sheet no longer rates; the same sheet imported twice still gives one update."""
    root, run = importer(RECOMMENDED)
    march = save(workbook(MARCH_ROWS, title=None), tmp_path / "march.xlsx")
    args = ("--inspection", "torbay-2021", "--id", "torbay-2021-plan", "--as-of", "2021-03-31")
    assert run(str(march), *args).exit_code == 0
    target = root / "content/action-plans/torbay-2021-plan.yaml"
    text = target.read_text(encoding="utf-8")
    assert "note: Induction pack drafted\n" in text
    target.write_text(text.replace("note: Induction pack drafted\n", "note: Induction pack sent to the Board\n"),
                      encoding="utf-8")
    again = save(workbook([MARCH_ROWS[0], ["1.1", "Board induction", "Chair", "Induction pack drafted", "Amber"],
                           ["1.2", "Update OOCD policy", "Head of Service", None, None], MARCH_ROWS[3]],
                          title=None), tmp_path / "again.xlsx")
    result = run(str(again), *args, "--force")
    assert result.exit_code == 0, result.output
    assert ("note: action 1.1: the plan it replaces has a progress update dated 2021-03-31, the day of the "
            "sheet's, which differs from the sheet's; both are kept, the sheet's last") in result.stderr
    plan = check_site(root, dt.date(2021, 3, 31)).corpus.action_plans["torbay-2021-plan"].plan
    assert [(a.id, [(u.date.isoformat(), u.rag, u.note) for u in a.updates]) for a in plan.actions] == [
        ("1.1", [("2021-03-31", RAG.AMBER, "Induction pack sent to the Board"),
                 ("2021-03-31", RAG.AMBER, "Induction pack drafted")]),
        ("1.2", [("2021-03-31", RAG.RED, "Policy in draft")]),
        ("1.3", []),
    ]
    before = target.read_bytes()
    assert run(str(again), *args, "--force").exit_code == 0
    assert target.read_bytes() == before


@pytest.mark.pdf
def test_a_pack_issued_before_a_plan_is_replaced_with_force_reads_the_same_after(tmp_path, importer, run_cli):
    """Papers are records: the pack of 20 May 2021 showed the plan's March and May updates;
    rebuilt after the June sheet replaced the plan, it lost them."""
    from site_helpers import flat, pdf_texts

    root, run = importer({**RECOMMENDED, "meetings/board-2021-05.yaml": (
        "council: torbay\ncommittee: YOT Management Board\ndate: 2021-05-27\nissued: 2021-05-20\nitems:\n"
        "  - {number: 1, title: Action plan, appendices: [{title: Action plan, action_plan: torbay-2021-plan}]}\n")})
    import_march_plan_and_edit_it(tmp_path, run)

    def pack_text() -> str:
        target = tmp_path / "pack.pdf"
        made = run_cli("pack", "board-2021-05", "-o", str(target), root=root)
        assert made.exit_code == 0, made.output
        return flat("\n".join(pdf_texts(target)))

    issued = pack_text()
    # As at the issue day: 1.1 amber (31 March), 1.2 amber (10 May), 1.3 no update
    assert "Progress as at 20 May 2021: 2 amber, 1 with no status recorded; 0 overdue." in issued
    assert "Consultation closed" in issued and "Action plan: march" in issued
    june = save(workbook([MARCH_ROWS[0],
                          ["1.1", "Board induction", "Chair", "Induction delivered", "Complete"],
                          ["1.2", "Update OOCD policy", "Head of Service", "Policy approved by the Board", "Green"],
                          ["1.3", "Train staff on the policy", "Practice lead", "Training booked", "Amber"]],
                         title=None), tmp_path / "june.xlsx")
    result = run(str(june), "--inspection", "torbay-2021", "--id", "torbay-2021-plan", "--as-of", "2021-06-30",
                 "--force")
    assert result.exit_code == 0, result.output
    assert pack_text() == issued


def test_the_inspection_must_exist_or_be_named(tmp_path, importer):
    root, run = importer()
    source = save(torbay_workbook(), tmp_path / "improvement plan.xlsx")
    result = run(str(source))
    assert result.exit_code == 2 and "give --inspection ID (one of: torbay-2021)" in result.output
    result = run(str(source), "--inspection", "torbay-2012")
    assert result.exit_code == 2 and "there is no inspection 'torbay-2012'" in result.output
    assert plan_files(root) == []


def test_an_old_xls_file_is_refused_with_what_to_do(tmp_path, importer):
    root, run = importer()
    source = tmp_path / "plan.xls"
    source.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    result = run(str(source), "--inspection", "torbay-2021")
    assert result.exit_code == 2 and "Save As' Excel Workbook (.xlsx) or CSV" in result.output


def test_a_draft_plan_and_a_chosen_sheet(tmp_path, importer):
    root, run = importer()
    book = workbook([["Notes"], ["nothing here"]], title=None, sheet="Cover")
    plan_sheet = book.create_sheet("Plan")
    plan_sheet.append(["Action", "Who"])
    plan_sheet.append(["Do it", "Me"])
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--draft")
    assert result.exit_code == 0, result.output
    assert "from Plan" in result.stdout                      # the first sheet with an action column
    assert "status: draft" in (root / "content/action-plans/plan.yaml").read_text()
    missing = run(str(source), "--inspection", "torbay-2021", "--sheet", "Plans", "--id", "other")
    assert missing.exit_code == 2 and "has no sheet 'Plans'" in missing.output


def test_a_second_sheet_with_actions_is_named_as_not_imported(tmp_path, importer):
    # One sheet per recommendation, as some councils keep them: only the first is imported, and the
    # command says so rather than leave the second one's actions out unsaid.
    root, run = importer()
    book = workbook([["Action", "Who"], ["Board terms of reference", "Chair"]], title=None,
                    sheet="Recommendation 1")
    second = book.create_sheet("Recommendation 2")
    second.append(["Action", "Who"])
    second.append(["Education protocol", "Head of Service"])
    book.create_sheet("Notes").append(["Read me first"])
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021")
    assert result.exit_code == 0, result.output
    assert "1 action from Recommendation 1" in result.stdout
    assert ("note: plan.xlsx: sheets not imported, though they have an action column: 'Recommendation 2' "
            "(use --sheet NAME to import one of them)") in result.stderr
    assert "Notes" not in result.stderr


# --------------------------------------------------------------------------- cell rules

@pytest.mark.parametrize("value, expected", [
    ("01/02/2021", "2021-02-01"),          # day first: 1 February
    ("1/2/21", "2021-02-01"),
    ("01.02.2021", "2021-02-01"),
    ("31st March 2021", "2021-03-31"),
    ("1 Feb 2021", "2021-02-01"),
    ("July 2021", "2021-07"),              # a month
    ("Jul-21", "2021-07"),
    ("Sept 2021", "2021-09"),
    ("07/2021", "2021-07"),
    ("end of March 2021", "2021-03"),
    ("by 31/03/2021", "2021-03-31"),
    ("2021-07", "2021-07"),
    ("2021-07-31", "2021-07-31"),
    (dt.datetime(2021, 7, 31, 0, 0), "2021-07-31"),
    (dt.date(2021, 7, 31), "2021-07-31"),
    (44408, "2021-07-31"),                 # an Excel serial number in a General-formatted cell
    ("Ongoing", None),
    ("TBC", None),
    (None, None),
    ("", None),
])
def test_uk_dates_months_and_excel_dates_are_read(value, expected):
    assert parse_date(value, excel=True) == expected


@pytest.mark.parametrize("value, message", [
    ("next Tuesday", "'next Tuesday' is not a date"),
    ("31/02/2021", "'31/02/2021' is not a real date"),
    ("02/13/2021", "'02/13/2021' is not a date: there is no month 13"),
    ("Q2 2021", "'Q2 2021' is not a date"),
    ("13/2021", "'13/2021' is not a month"),
])
def test_what_is_not_a_date_says_so(value, message):
    with pytest.raises(CellError) as error:
        parse_date(value, excel=False)
    assert error.value.message == message


@pytest.mark.parametrize("value, hint", [
    # Torbay's plan, "Date for review" (reference pack, page 2 of the plan): words around a month
    ("Progress review April 2021. Review tool and adapt",
     "leave only the date in this cell (April 2021); the other words can go in the progress comments"),
    ("Progress review April 2021.",
     "leave only the date in this cell (April 2021); the other words can go in the progress comments"),
    ("next Tuesday", "write 01/02/2021"),
])
def test_words_around_a_month_are_not_a_date_and_the_hint_says_how_to_keep_both(value, hint):
    with pytest.raises(CellError) as error:
        parse_date(value, excel=False)
    assert error.value.hint == hint


def test_a_number_in_a_csv_date_column_is_not_taken_for_an_excel_date():
    with pytest.raises(CellError):
        parse_date(44408, excel=False)


@pytest.mark.parametrize("value, expected", [
    ("Red", RAG.RED), ("R", RAG.RED), ("amber", RAG.AMBER), ("A", RAG.AMBER), ("Green ", RAG.GREEN),
    (" g", RAG.GREEN), ("Complete", RAG.COMPLETE), ("COMPLETED", RAG.COMPLETE), ("done", RAG.COMPLETE),
    ("Blue", RAG.COMPLETE), ("Amber - on track", RAG.AMBER), ("", None), (None, None),
    # a status councils' plans publish (often in grey or white): kept as the plan gives it
    ("Not started", RAG.NOT_STARTED), ("NOT YET STARTED", RAG.NOT_STARTED),
    ("Not started - awaiting recruitment", RAG.NOT_STARTED),
    # words and colours that give no status
    ("N/A", None), ("TBC", None), ("not due", None), ("White", None), ("grey", None),
])
def test_rag_words_are_normalised(value, expected):
    assert parse_rag_text(value) == expected


def test_two_rag_ratings_in_one_cell_are_an_error():
    with pytest.raises(CellError) as error:
        parse_rag_text("Amber/Green")
    assert "more than one RAG rating" in error.value.message


@pytest.mark.parametrize("rgb, expected", [
    ("FF0000", RAG.RED), ("C00000", RAG.RED), ("FFC000", RAG.AMBER), ("FFFF00", RAG.AMBER),
    ("F79646", RAG.AMBER), ("00B050", RAG.GREEN), ("92D050", RAG.GREEN), ("00FF00", RAG.GREEN),
    ("0070C0", RAG.COMPLETE), ("00B0F0", RAG.COMPLETE), ("FFFFFF", None), ("D9D9D9", None),
    ("000000", None), (None, None),
])
def test_rag_cell_colours_are_read(rgb, expected):
    assert rag_from_colour(rgb) == expected


def test_theme_and_indexed_fill_colours_count_as_rag(tmp_path, importer):
    root, run = importer()
    book = workbook([["Action", "Comments re progress", "RAG"], ["One", "x", None], ["Two", "y", None],
                     ["Three", "z", None]], title=None)
    ws = book.active
    ws["C2"].fill = PatternFill("solid", fgColor=Color(theme=6))      # accent 3 of the Office theme: green
    ws["C3"].fill = PatternFill("solid", fgColor=Color(indexed=10))   # palette red
    ws["C4"].fill = PatternFill("solid", fgColor=Color(theme=9))      # accent 6: orange
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021")
    assert result.exit_code == 0, result.output
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan
    assert [a.updates[0].rag for a in plan.actions] == [RAG.GREEN, RAG.RED, RAG.AMBER]


@pytest.mark.parametrize("header, field", [
    ("Improvement action", "action"), ("  IMPROVEMENT   ACTION ", "action"), ("Who", "who"),
    ("Lead officer(s)", "who"), ("Resources required", "resources"), ("Date for review", "review"),
    ("Date for completion", "due"), ("Date for completion (target)", "due"), ("Target Date", "due"),
    ("Outcome", "outcome"), ("Comments re progress", "note"), ("Comments re: progress", "note"),
    ("RAG rating", "rag"), ("R.A.G.", None), ("RAG Status", "rag"), ("Action No.", "ref"),
    ("Recommendation(s)", "recommendations"), ("Notes", None),
    ("Number of staff trained", None), ("Agenda item", None),     # no action numbers: not the ids
])
def test_headers_are_matched_tolerantly(header, field):
    assert header_field(header) == field


def test_column_letters_go_past_z():
    assert [column_letter(i) for i in (0, 5, 25, 26, 27, 701, 702)] == ["A", "F", "Z", "AA", "AB", "ZZ", "AAA"]


def test_a_row_inserted_in_a_sheet_numbered_by_its_rows_is_refused_not_given_another_actions_progress(
        tmp_path, importer):
    """Without a Ref column the ids are A1, A2 ... by row: a row inserted above "Train staff" made
    it A3, and --force gave A2's history ("All 40 staff trained", complete) to the new row
    (helper-90). An id whose action reads otherwise in the plan is refused; nothing is written."""
    root, run = importer(RECOMMENDED)
    rows = [["Action", "Who", "Progress update", "RAG status"],
            ["Set up a working group", "Chair", None, None],
            ["Train staff", "Practice lead", "All 40 staff trained", "Complete"]]
    args = ("--inspection", "torbay-2021", "--id", "torbay-2021-plan")
    assert run(str(save(workbook(rows, title=None), tmp_path / "march.xlsx")), *args, "--as-of", "2021-03-31"
               ).exit_code == 0
    target = root / "content/action-plans/torbay-2021-plan.yaml"
    before = target.read_bytes()
    june = rows[:2] + [["Audit the panel's decisions", "Quality lead", None, None]] + rows[2:]
    result = run(str(save(workbook(june, title=None), tmp_path / "june.xlsx")), *args, "--as-of", "2021-06-30",
                 "--force")
    assert result.exit_code == 1
    assert ("an action number names another action in the sheet than in the plan, so its progress would move "
            "to an action it is not about: A2 is 'Train staff' in the plan and 'Audit the panel's decisions' in "
            "the sheet; nothing was written") in result.stderr, result.stderr
    assert target.read_bytes() == before


def test_a_sheet_numbered_anew_is_refused_not_added_beside_the_plans_actions(tmp_path, importer):
    """A plan numbered A1, A2 replaced by a sheet with a Ref column (1.1, 1.2) kept every old
    action after the sheet's: the plan published each action twice (helper-90)."""
    root, run = importer(RECOMMENDED)
    args = ("--inspection", "torbay-2021", "--id", "torbay-2021-plan")
    without_ref = [row[1:] for row in MARCH_ROWS]
    assert run(str(save(workbook(without_ref, title=None), tmp_path / "march.xlsx")), *args, "--as-of",
               "2021-03-31").exit_code == 0
    target = root / "content/action-plans/torbay-2021-plan.yaml"
    before = target.read_bytes()
    result = run(str(save(workbook(MARCH_ROWS, title=None), tmp_path / "june.xlsx")), *args, "--as-of",
                 "2021-06-30", "--force")
    assert result.exit_code == 1
    assert ("none of the sheet's action numbers (1.1...) is one of the plan's (A1...), so its progress cannot be "
            "matched to them; nothing was written") in result.stderr, result.stderr
    assert target.read_bytes() == before


def test_a_field_the_new_sheet_has_no_column_for_is_kept_from_the_plan(tmp_path, importer):
    """The June sheet has no "Who" column: each action's who, in the plan since March, was dropped
    without a word (helper-90). A column left out is not a field emptied."""
    root, run = importer(RECOMMENDED)
    args = ("--inspection", "torbay-2021", "--id", "torbay-2021-plan")
    assert run(str(save(workbook(MARCH_ROWS, title=None), tmp_path / "march.xlsx")), *args, "--as-of",
               "2021-03-31").exit_code == 0
    june = [[row[0], row[1], *row[3:]] for row in MARCH_ROWS]
    result = run(str(save(workbook(june, title=None), tmp_path / "june.xlsx")), *args, "--as-of", "2021-06-30",
                 "--force")
    assert result.exit_code == 0, result.output
    assert "note: kept the plan's who, which the sheet has no column for" in result.stderr
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["torbay-2021-plan"].plan
    assert [(a.id, a.who) for a in plan.actions] == [("1.1", "Chair"), ("1.2", "Head of Service"),
                                                     ("1.3", "Practice lead")]


UPDATE_HEADERS = ["Ref", "Action", "Owner", "Date for completion", "Update", "RAG"]


def test_an_action_merged_down_two_rows_is_one_action_with_both_lines(tmp_path, importer):
    """Real plans merge the action cell down two rows where its owner or update has two lines:
    that is one action, whose second row's owner and update are a second line of its own."""
    root, run = importer()
    book = workbook([UPDATE_HEADERS,
                     ["1.1", "Board induction", "Chair", "31/03/2021", "Pack drafted", "Amber"],
                     [None, None, "Vice-chair", None, "Two members inducted", None],
                     ["1.2", "Update OOCD policy", "Head of Service", "30/04/2021", "Policy in draft", "Red"]],
                    title=None)
    sheet = book["Sheet1"]
    for column in "ABDF":                              # the action, its number, date and RAG: one cell each
        sheet.merge_cells(f"{column}2:{column}3")
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "2 actions from Sheet1" in result.stdout
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan
    first, second = plan.actions
    assert (first.id, first.action, first.who, str(first.due)) == ("1.1", "Board induction", "Chair\nVice-chair",
                                                                    "2021-03-31")
    assert [(u.rag, u.note) for u in first.updates] == [(RAG.AMBER, "Pack drafted\nTwo members inducted")]
    assert (second.id, second.who) == ("1.2", "Head of Service")


def test_the_second_row_of_a_merged_action_may_not_give_it_another_date_rating_or_number(tmp_path, importer):
    root, run = importer()
    book = workbook([UPDATE_HEADERS,
                     ["1.1", "Board induction", "Chair", "31/03/2021", "Pack drafted", "Amber"],
                     ["1.2", None, None, "30/04/2021", "Two members inducted", "Green"]], title=None)
    book["Sheet1"].merge_cells("B2:B3")
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 1
    merged = "the action (B2) is merged down over this row, so the row is more of that action"
    assert result.stderr.strip().split("\n") == [
        f"Sheet1!A3: its number is 1.2, and 1.1 in A2: {merged} (give it one number, or unmerge the action "
        "cell and give each row its own action)",
        f"Sheet1!D3: its date for completion is 30/04/2021, and 31/03/2021 in D2: {merged} (an action has one; "
        "empty one of the two cells)",
        f"Sheet1!F3: its RAG rating is green, and amber in F2: {merged} (an action has one; "
        "empty one of the two cells)",
        "3 problems in the sheet; nothing was written",
    ]
    assert plan_files(root) == []


@pytest.mark.parametrize("embargo, warning", [
    ("2026-10-25 01:30", "embargo_until: 01:30 on 25 October 2026 happens twice in London; read as the second, "
                         "01:30 GMT (write 2026-10-25 01:30+01:00 for the first)"),
    ("2026-03-29 01:30", "embargo_until: 2026-03-29 01:30 does not happen in London (the clocks go forward at "
                         "01:00); read as 02:00 BST (write 02:00, or another time)"),
])
def test_an_embargo_kept_at_a_clock_change_hour_is_warned_of_as_check_does(tmp_path, importer, embargo, warning):
    """--force keeps the replaced plan's embargo: written in the hour the clocks skip or repeat,
    the import warns of it at its line, as `scrutiny check` does of the same YAML."""
    root, run = importer()
    source = save(torbay_workbook(), tmp_path / "plan.xlsx")
    assert run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF).exit_code == 0
    target = root / "content/action-plans/plan.yaml"
    target.write_text(target.read_text().replace("\nactions:", f"\nembargo_until: {embargo}\nactions:", 1))
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF, "--force")
    assert result.exit_code == 0, result.output
    line = target.read_text().split("\n").index(f"embargo_until: {embargo}") + 1
    assert f"content/action-plans/plan.yaml:{line}:16: warning: {warning}" in result.stderr


def test_force_names_each_comment_of_the_plan_it_replaces_that_is_not_kept(tmp_path, importer):
    """--force writes the plan anew, so an author's comments in the YAML go: the command shows
    each, whole, so that it can be copied back; the import's own header lines are not named."""
    root, run = importer()
    source = save(workbook(MARCH_ROWS, title=None), tmp_path / "plan.xlsx")
    assert run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF).exit_code == 0
    target = root / "content/action-plans/plan.yaml"
    text = target.read_text()
    text = text.replace("\nactions:\n", "\n# Agreed at the board on 3 March: Chair owns 1.x\nactions:\n", 1)
    text = text.replace("    who: Chair\n", "    who: Chair  # until the new Chair starts\n", 1)
    text = re.sub(r"\ntitle: .*\n", '\ntitle: "Plan # 2: a hash in a quoted value"\n', text)
    target.write_text(text)
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF, "--force")
    assert result.exit_code == 0, result.output
    lines = text.split("\n")
    board = lines.index("# Agreed at the board on 3 March: Chair owns 1.x") + 1
    chair = lines.index("    who: Chair  # until the new Chair starts") + 1
    assert [line for line in result.stderr.split("\n") if "comment" in line or line.startswith("note:   ")] == [
        "note: content/action-plans/plan.yaml: 2 comments of the plan it replaces are not in the new file "
        "(--force writes it anew); copy back any you need:",
        f"note:   line {board}: # Agreed at the board on 3 March: Chair owns 1.x",
        f"note:   line {chair}: # until the new Chair starts",
    ]


@pytest.mark.parametrize("hide", ["hidden", "0 high"])
def test_a_hidden_row_is_not_imported_and_the_command_says_so(tmp_path, importer, hide):
    """A manager hides a withdrawn action's row rather than delete it: what the sheet shows is
    the plan, so the hidden row is not published, and the note names it to unhide if wanted.
    A row dragged to no height, as LibreOffice saves it, is hidden as much."""
    root, run = importer()
    book = workbook([UPDATE_HEADERS,
                     ["1.1", "Board induction", "Chair", "31/03/2021", "Pack drafted", "Amber"],
                     ["1.2", "Case review of a named child (withdrawn)", "Manager", "30/04/2021", "Held", "Red"],
                     ["1.3", "Update OOCD policy", "Head of Service", "30/04/2021", None, None]], title=None)
    if hide == "hidden":
        book["Sheet1"].row_dimensions[3].hidden = True
    source = save(book, tmp_path / "plan.xlsx")
    if hide == "0 high":
        with_sheet_xml(source, lambda xml: xml.replace('<row r="3"', '<row r="3" ht="0" customHeight="1"', 1))
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "2 actions from Sheet1" in result.stdout
    assert ("note: Sheet1: row 3 is hidden in the sheet, so it is not imported (unhide it in Excel and import "
            "again to include it)") in result.stderr
    text = (root / "content/action-plans/plan.yaml").read_text()
    assert "named child" not in text and "1.2" not in text


@pytest.mark.parametrize("total", [
    ["Total", None, "4", None, None, None],                 # the count under the owners
    [None, "Total actions: 4", None, None, None, None],
    ["Grand total", 4, None, None, None, 4],                 # in the number column; a count under the RAG
])
def test_a_total_row_is_not_an_action_and_the_command_says_so(tmp_path, importer, total):
    root, run = importer()
    book = workbook([UPDATE_HEADERS,
                     ["1.1", "Board induction", "Chair", "31/03/2021", "Pack drafted", "Amber"],
                     ["1.2", "Update OOCD policy", "Head of Service", "30/04/2021", None, None],
                     total], title=None)
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "2 actions from Sheet1, numbered as in its column 'Ref' (A)" in result.stdout
    label = next(cell for cell in total if cell is not None)
    assert f"note: Sheet1!4:4: '{label}' is a total row, not an action; not imported" in result.stderr


def test_a_rag_given_only_by_fill_colour_is_read_or_said_not_to_be(tmp_path, importer):
    """Excel's own 'Bad' and 'Good' cell styles (light red FFC7CE, light green C6EFCE) in the
    RAG column are ratings; a row coloured green outside it is not read, and the note says so."""
    root, run = importer()
    book = workbook([UPDATE_HEADERS,
                     ["1.1", "Board induction", "Chair", "31/03/2021", None, None],
                     ["1.2", "Update OOCD policy", "Head of Service", "30/04/2021", None, None],
                     ["1.3", "Train staff", "Practice lead", "30/06/2021", None, None]], title=None)
    sheet = book["Sheet1"]
    sheet["F2"].fill = PatternFill("solid", fgColor="FFFFC7CE")
    sheet["F3"].fill = PatternFill("solid", fgColor="FFC6EFCE")
    for column in "ABCDE":
        sheet[f"{column}4"].fill = PatternFill("solid", fgColor="FF00B050")
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan
    assert [[u.rag for u in a.updates] for a in plan.actions] == [[RAG.RED], [RAG.GREEN], []]
    assert ("note: Sheet1!A4: the cell is filled green, but only the RAG column's colours are read, so action 1.3 "
            "has no RAG rating (type its rating in F4)") in result.stderr


def test_a_rag_cell_filled_with_no_rag_colour_is_an_error_not_no_rating(tmp_path, importer):
    root, run = importer()
    book = workbook([UPDATE_HEADERS, ["1.1", "Board induction", "Chair", "31/03/2021", None, None]], title=None)
    book["Sheet1"]["F2"].fill = PatternFill("solid", fgColor="FF7030A0")      # Excel's standard purple
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert ("Sheet1!F2: the cell is filled with a colour that is not red, amber, green or blue (#7030A0), and "
            "has no rating typed in it (type its rating: red, amber, green, complete or not started)"
            ) in result.stderr
    assert plan_files(root) == []


def test_a_coloured_progress_comment_in_a_sheet_without_a_rag_column_is_said_not_to_be_read(tmp_path, importer):
    root, run = importer()
    book = workbook([["Action", "Owner"], ["Board induction", "Chair"]], title=None)
    book["Sheet1"]["A2"].fill = PatternFill("solid", fgColor="FFFF0000")
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert ("note: Sheet1!A2: the cell is filled red, but the sheet has no RAG column, so action A1 has no RAG "
            "rating (add a column 'RAG rating')") in result.stderr


@pytest.mark.parametrize("value, hint", [
    ("w/c 3 March", "write the year too: 03/03/YYYY"),
    ("by 28th Feb", "write the year too: 28/02/YYYY"),
    ("March 3", "write the year too: 03/03/YYYY"),
    ("w/c 3/3", "write the year too: 03/03/YYYY"),
])
def test_a_day_typed_without_its_year_is_not_a_date_and_says_it_has_no_year(value, hint):
    """'w/c 3 March' is one of many March 3rds: the year is not guessed, the message says it is missing."""
    with pytest.raises(CellError) as error:
        parse_date(value, excel=True)
    assert (error.value.message, error.value.hint) == (f"'{value}' has no year", hint)


def with_sheet_xml(path: Path, edit) -> Path:
    """The workbook with its first sheet's XML edited: openpyxl does not write a column 0 wide
    or a row 0 high, as LibreOffice and other tools save one dragged shut."""
    import zipfile
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = edit(parts["xl/worksheets/sheet1.xml"].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def with_columns_xml(path: Path, cols: str) -> Path:
    """The workbook with its first sheet's <cols> element replaced by `cols`."""
    return with_sheet_xml(path, lambda xml: re.sub(r"<cols>.*?</cols>|(?=<sheetData)",
                                                   lambda m: "" if m.group(0) else f"<cols>{cols}</cols>",
                                                   xml, count=2, flags=re.S))


@pytest.mark.parametrize("hide", ["hidden", "collapsed group", "0 wide"])
def test_a_hidden_column_is_not_imported_and_the_command_names_it(tmp_path, importer, hide):
    """A manager keeps internal comments in a column hidden before the progress column: the sheet
    as shown and printed has no such column, so it is not read (it was the action's progress
    comment, being the first 'Comments' column), the shown 'Progress update' is, and a note names it."""
    root, run = importer()
    book = workbook([["Ref", "Action", "Comments", "Owner", "Date for completion", "Progress update", "RAG"],
                     ["1.1", "Board induction", "Chair off sick: do not minute", "Chair", "31/03/2021",
                      "Pack drafted", "Amber"],
                     ["1.2", "Update OOCD policy", "Named child reoffended", "Head of Service", "30/04/2021",
                      "Policy agreed", "Green"]], title=None)
    source = tmp_path / "plan.xlsx"
    if hide == "hidden":
        book["Sheet1"].column_dimensions["C"].hidden = True
        save(book, source)
    elif hide == "collapsed group":
        book["Sheet1"].column_dimensions.group("C", "C", hidden=True, outline_level=1)
        save(book, source)
    else:
        with_columns_xml(save(book, source), '<col min="3" max="3" width="0" customWidth="1"/>')
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert ("note: Sheet1: column hidden in the sheet, so not imported: 'Comments' (C, a progress comment column) "
            "(unhide it in Excel and import again to include it)") in result.stderr
    text = (root / "content/action-plans/plan.yaml").read_text()
    assert "do not minute" not in text and "Named child" not in text
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan
    assert [[(u.rag, u.note) for u in a.updates] for a in plan.actions] == [[(RAG.AMBER, "Pack drafted")],
                                                                           [(RAG.GREEN, "Policy agreed")]]


def test_a_hidden_action_or_rag_column_is_an_error_that_says_it_is_hidden(tmp_path, importer):
    root, run = importer()
    rows = [["Action", "Owner", "Progress", "RAG"], ["Board induction", "Chair", "Pack drafted", "Amber"]]
    book = workbook(rows, title=None)
    book["Sheet1"].column_dimensions["A"].hidden = True
    result = run(str(save(book, tmp_path / "plan.xlsx")), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert ("Sheet1!A1: the action column 'Action' (A) is hidden in the sheet, so no action is imported (unhide "
            "column A in Excel and import again)") in result.stderr

    book = workbook(rows, title=None)
    book["Sheet1"].column_dimensions["D"].hidden = True
    result = run(str(save(book, tmp_path / "plan.xlsx")), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert ("Sheet1!C2: a progress comment needs a RAG rating, and the sheet's RAG column 'RAG' (D) is hidden "
            "(unhide column D in Excel and import again)") in result.stderr

    result = run(str(tmp_path / "plan.xlsx"), "--inspection", "torbay-2021", "--map", "RAG=rag")
    assert result.exit_code != 0
    assert ("--map: the column 'RAG' (D) is hidden in Sheet1, so it is not imported (unhide column D in Excel "
            "and import again)") in result.output
    assert plan_files(root) == []


def test_a_hidden_sheet_is_not_taken_for_the_plan_unless_named(tmp_path, importer):
    """A workbook's first sheet is last year's plan, hidden: the plan is the sheet it shows, and a
    note names the hidden one; a workbook whose only plan is hidden is an error unless --sheet names it."""
    root, run = importer()
    book = workbook([["Action", "Who"], ["Withdrawn: case review of a named child", "Manager"]], title=None,
                    sheet="2020 plan")
    book["2020 plan"].sheet_state = "hidden"
    book.create_sheet("2021 plan").append(["Action", "Who"])
    book["2021 plan"].append(["Board induction", "Chair"])
    book.active = 1
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "1 action from 2021 plan" in result.stdout
    assert ("note: plan.xlsx: sheet hidden in the workbook, so not imported, though it has an action column: "
            "'2020 plan' (use --sheet NAME to import one)") in result.stderr
    assert "named child" not in (root / "content/action-plans/plan.yaml").read_text()

    del book["2021 plan"]
    book.create_sheet("Read me").append(["This workbook holds last year's plan"])
    source = save(book, tmp_path / "old.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert ("old.xlsx: the only sheet with an action column, '2020 plan', is hidden in the workbook; nothing was "
            "written (unhide it in Excel, or name it with --sheet '2020 plan' if it is the plan)") in result.output
    assert plan_files(root) == ["plan.yaml"]

    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF, "--sheet", "2020 plan")
    assert result.exit_code == 0, result.output
    assert "note: old.xlsx: sheet '2020 plan' is hidden in the workbook; imported as --sheet names it" in result.stderr


def test_a_rag_cell_whose_words_and_fill_disagree_keeps_the_words_and_names_the_cell(tmp_path, importer):
    """'Green' typed in a cell still filled red from last quarter: the words are what a screen
    reader and the printed copy say, so they are the rating, and a note names the cell. Complete
    on green, as many plans colour it, and words matching their fill, say nothing."""
    root, run = importer()
    book = workbook([UPDATE_HEADERS,
                     ["1.1", "Board induction", "Chair", "31/03/2021", "Pack drafted", "Green"],
                     ["1.2", "Update OOCD policy", "Head of Service", "30/04/2021", "Agreed", "Complete"],
                     ["1.3", "Train staff", "Practice lead", "30/06/2021", "Booked", "Amber"]], title=None)
    sheet = book["Sheet1"]
    sheet["F2"].fill = PatternFill("solid", fgColor="FFFF0000")       # red
    sheet["F3"].fill = PatternFill("solid", fgColor="FF00B050")       # green
    sheet["F4"].fill = PatternFill("solid", fgColor="FFFFC000")       # amber
    source = save(book, tmp_path / "plan.xlsx")
    result = run(str(source), "--inspection", "torbay-2021", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    plan = check_site(root, dt.date(2021, 6, 30)).corpus.action_plans["plan"].plan
    assert [[u.rag for u in a.updates] for a in plan.actions] == [[RAG.GREEN], [RAG.COMPLETE], [RAG.AMBER]]
    assert [line for line in result.stderr.splitlines() if "filled" in line] == [
        "note: Sheet1!F2: the cell says 'Green' but is filled red; the words are imported (green) (make the "
        "cell's colour match its words, or its words the colour)"]
