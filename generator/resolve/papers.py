"""Checks between papers and packs: what a paper says against what its pack holds.

Each is a warning (or notice) at the line a clerk would change: a report that cites an
appendix or a table that is not there, a report put into another council's meeting, two
records of one inspection, an appendix file too large to send round without a word.
"""

from __future__ import annotations

import re
from typing import Mapping

from generator.model.blocks import count_tables
from generator.problems import Problem, Severity
from generator.resolve.corpus import MeetingView
from generator.validate import Records

LARGE_FILE = 10 * 1024 * 1024       # an appendix a clerk should be told about (email limits, printing)
_CITED = re.compile(r"\b(Appendix|Table)\s+(\d+)\b", re.IGNORECASE)


def cited_but_missing(records: Records, meetings: Mapping[str, MeetingView],
                      report_item: Mapping[str, tuple[str, int]]) -> list[Problem]:
    """A report that cites "Appendix N" its agenda item does not hold (and is not to follow),
    or "Table N" beyond the tables it draws, at the citation's line and column."""
    problems = []
    for rid, rec in records.of("report").items():
        body = rec.body or ""
        tables = count_tables(body)
        item = None
        if rid in report_item and report_item[rid][0] in meetings:
            mid, number = report_item[rid]
            item = next((i for i in meetings[mid].items if i.number == number), None)
        for index, line in enumerate(body.splitlines()):
            for match in _CITED.finditer(line):
                kind, number = match.group(1).capitalize(), int(match.group(2))
                where = (rec.path, rec.body_line + index, match.start() + 1, Severity.WARNING, "body")
                if kind == "Table" and number > tables:
                    problems.append(Problem(*where, f"the report cites Table {number} but draws {tables} "
                                                    f"table{'s' if tables != 1 else ''}",
                                            "tables are numbered in order: Markdown tables and table blocks"))
                elif kind == "Appendix" and item is not None and number > len(item.appendices) \
                        and not item.to_follow:
                    problems.append(Problem(*where, f"the report cites Appendix {number} but agenda item "
                                                    f"{item.number} of {mid} has {len(item.appendices)} "
                                                    f"appendix{'' if len(item.appendices) == 1 else 'es'}",
                                            "add the appendix to the meeting's item, mark the item "
                                            "'to_follow: true', or change the text"))
    return problems


def wrong_council(records: Records) -> list[Problem]:
    """A report on the agenda of another council's meeting (its letterhead would be wrong)."""
    problems = []
    reports = records.of("report")
    for mid, rec in records.of("meeting").items():
        for i_index, item in enumerate(rec.model.items):
            report = reports.get(item.report) if item.report else None
            if report is not None and report.model.council != rec.model.council:
                problems.append(rec.problem(
                    ("items", i_index, "report"), Severity.WARNING,
                    f"report '{item.report}' is {report.model.council}'s paper, on the agenda of "
                    f"a {rec.model.council} meeting",
                    "a report carries its council's letterhead; check the report or the meeting"))
    return problems


def same_inspection_twice(records: Records) -> list[Problem]:
    """Two inspections of one service published on the same date: one inspection recorded twice."""
    problems = []
    first: dict[tuple[str, str], str] = {}
    for iid, rec in sorted(records.of("inspection").items()):
        published = rec.model.published
        if published is None:
            continue
        key = (rec.model.service, str(published))
        if key in first:
            problems.append(rec.problem(("published",), Severity.WARNING,
                                        f"{first[key]} is an inspection of {rec.model.service} published on "
                                        f"{published} too", "an inspection is one record: remove or merge the copy"))
        else:
            first[key] = iid
    return problems


def large_appendices(records: Records, limit: int = LARGE_FILE) -> list[Problem]:
    """A notice for each appendix file over `limit` bytes: too big to email round as it is."""
    problems = []
    for rec in records.of("meeting").values():
        for i_index, item in enumerate(rec.model.items):
            for a_index, appendix in enumerate(item.appendices):
                for p_index, part in enumerate(appendix.parts):
                    kind, ref = part.source
                    found = records.attachments.get(ref) if kind in ("pdf", "markdown") else None
                    size = 0 if found is None else len(found.raw) if found.raw is not None else \
                        len((found.body or "").encode("utf-8"))
                    if size > limit:
                        base = ("items", i_index, "appendices", a_index)
                        field = base + ("parts", p_index, kind)
                        if field not in rec.source.values:
                            field = base + (kind,)
                        problems.append(rec.problem(field, Severity.NOTICE,
                                                    f"content/{ref} is {size / 1024 / 1024:.1f} MB",
                                                    "a pack this large may not go by email; consider a smaller "
                                                    "(compressed) copy, or a link"))
    return problems
