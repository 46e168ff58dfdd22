"""Open data and feeds: inspections.json, ratings.csv, feed.xml, sitemap.xml.

Built from the public corpus only, with stable ordering and no build timestamps, so the
same inputs give byte-identical files. Each is produced in pieces (`render_data` yields
bytes): held whole, with its dictionaries, a national corpus's inspections.json would be
the largest thing in a build's memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from dataclasses import dataclass
from functools import partial
from typing import Any, Iterator, Mapping

from generator.clock import london_minute
from generator.figures import Figure, computed_percent
from generator.speed.memo import MatchMemo
from generator.plan.outputs import NOT_FOUND, Plan
from generator.plan.state import MomentMark
from generator.render.html import moment_note, moment_title
from generator.render.markdown import plain_text
from generator.render.sources import sources
from generator.resolve.corpus import Corpus, InspectionView, StandardResult, share_of_cases
from generator.rules.publication import release_day
from generator.textsafety import FORMULA_STARTS


def _rating(value) -> str | None:
    return value.value if value is not None else None


def _standard(s: StandardResult) -> dict[str, Any]:
    return {
        "number": s.number, "name": s.name, "counted_in_score": s.counted,
        "published_rating": _rating(s.published), "not_rated": s.not_rated,
        "computed_rating_advisory": _rating(s.computed),
        "lowest_key_question_percent": s.lowest_percent, "cases": s.cases, "score": s.score,
        "professional_discretion": s.discretion,
        "key_questions": [{"number": q.number, "text": q.text, "yes": q.yes, "of": q.of,
                           "percent": q.percent, "band": _rating(q.band), "case_based": share_of_cases(s, q)}
                          for q in s.key_questions],
    }


def score_percent(view: InspectionView) -> float | None:
    """The published score as a percentage of the most the framework scores, to two places,
    as HMIP and analysts quote it (34 of 36 is 94.44)."""
    if view.overall_score is None or not view.max_score:
        return None
    return round(100 * view.overall_score / view.max_score, 2)


def imported_from(view: InspectionView) -> dict[str, Any] | None:
    """Where an imported record came from, whose table its data is (so that a copy credits Data to
    Insight as their licence asks), and whether it was edited by hand since; None: typed in."""
    source = view.inspection.imported
    if source is None:
        return None
    return {"file": source.from_, "table": source.table.value if source.table else None, "row": source.row,
            "edited_since": view.edited_since_import}


def inspection_record(corpus: Corpus, view: InspectionView) -> dict[str, Any]:
    model = view.inspection
    service = corpus.services[view.service_id].service
    return {
        "id": view.id, "title": view.title,
        "service": {"id": view.service_id, "name": service.name, "short_name": service.short_name,
                    "region": service.region},
        "council": {"id": view.council_id, "name": corpus.councils[view.council_id].council.name},
        "framework": view.framework_id,
        "inspection_type": view.inspection_type, "inspection_kind": view.kind_name,
        "report_url": model.report_url, "joint": model.joint,
        "fieldwork": {"from": str(model.fieldwork.from_), "to": str(model.fieldwork.to) if model.fieldwork.to else None}
        if model.fieldwork else None,
        "published": str(model.published) if model.published else None,
        "lead_inspector": model.lead_inspector,
        "overall": {"published_rating": _rating(view.overall_rating), "published_score": view.overall_score,
                    "computed_score": view.computed_score, "computed_rating_advisory": _rating(view.computed_overall),
                    "max_score": view.max_score, "score_percent": score_percent(view)},
        "standards": [_standard(s) for s in view.standards],
        "separately_rated": [_standard(s) for s in view.separately_rated],
        "recommendations": [{"number": r.number, "to": r.to, "text": plain_text(r.text),
                             "answered_by": [{"action_plan": p, "action": a} for p, a in r.answered_by]}
                            for r in view.recommendations] or None,   # none given: not recorded, not "none made"
        "facts": {k: f.model_dump(mode="json") for k, f in model.facts.items()},   # null: not recorded, as elsewhere
        "action_plans": list(view.action_plan_ids),
        "imported": imported_from(view),
        # A preview's file holds drafts and embargoed inspections: it says which, as ratings.csv does.
        "status": view.status.value,
        "embargo_until": model.embargo_until.isoformat() if model.embargo_until is not None else None,
    }


def _dumps(value) -> str:
    # Compact separators keep Python's C encoder (indent= forces the slow pure-Python one).
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as the text it is and never runs as a formula.

    OWASP's rule: a cell that begins with =, +, -, @, a tab or a carriage return is prefixed
    with a single quote, which Excel, LibreOffice and Google Sheets read as "this is text".
    A cell that is wholly a number, such as -1.5, is left as it is: a spreadsheet reads it
    as that number, nothing more, which analysts sort and sum (docs/data.md)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS) or _NUMBER.fullmatch(value):
        return value
    return "'" + value


def _csv_row(writer, cells: list[Any]) -> None:
    writer.writerow([spreadsheet_cell(cell) for cell in cells])


RATINGS_COLUMNS = ["inspection", "service", "council", "framework", "inspection_type", "published", "overall_rating",
                   "overall_score", "standard", "standard_name", "counted_in_score", "published_rating",
                   "computed_rating_advisory", "lowest_key_question_percent", "cases", "report_url",
                   "overall_score_percent", "max_score", "joint", "imported_from", "imported_table", "imported_row",
                   "edited_since_import", "status", "embargo_until"]


def percent_cell(percent: float | None) -> str:
    """A key question's percentage in ratings.csv: as the record gives it ('93', '62.25'), or,
    worked out from counts, as pages print it ('66.7', '75'); empty where none is recorded."""
    if percent is None:
        return ""
    return percent.text if isinstance(percent, Figure) else computed_percent(percent)


def _ratings_rows(corpus: Corpus, view: InspectionView) -> str:
    """One inspection's lines of ratings.csv: one per standard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    service = corpus.services[view.service_id].service
    percent, source = score_percent(view), imported_from(view)
    imported = [source["file"], source["table"] or "", source["row"], "yes" if source["edited_since"] else "no"] \
        if source else ["", "", "", ""]
    for s in (*view.standards, *view.separately_rated):
        _csv_row(writer, [view.id, service.name, corpus.councils[view.council_id].council.name, view.framework_id,
                          view.inspection_type or "", str(view.inspection.published or ""),
                          _rating(view.overall_rating) or "", "" if view.overall_score is None else view.overall_score,
                          s.number, s.name, "yes" if s.counted else "no",
                          _rating(s.published) or ("Not rated" if s.not_rated else ""), _rating(s.computed) or "",
                          percent_cell(s.lowest_percent),
                          "" if s.cases is None else s.cases, view.inspection.report_url or "",
                          "" if percent is None else f"{percent:.2f}", view.max_score or "",
                          "yes" if view.inspection.joint else "no", *imported, view.status.value,
                          "" if view.inspection.embargo_until is None else london_minute(view.inspection.embargo_until)])
    return buffer.getvalue()


@dataclass(frozen=True)
class InspectionData:
    """One inspection's pieces of the data files: its object in inspections.json, its lines
    of ratings.csv. A `scrutiny serve` process holds them between builds."""

    json: bytes
    ratings: str


def _inspection_json(corpus: Corpus, view: InspectionView) -> bytes:
    return _dumps(inspection_record(corpus, view)).encode("utf-8")


def inspection_data(corpus: Corpus, view: InspectionView) -> InspectionData:
    return InspectionData(_inspection_json(corpus, view), _ratings_rows(corpus, view))


# inspection id -> its pieces, made before rendering (see `data_parts`)
DataParts = Mapping[str, InspectionData]
DATA_FROM_PARTS = frozenset({"data/inspections.json", "data/ratings.csv"})


def data_parts(corpus: Corpus, memo: MatchMemo) -> DataParts:
    """Every inspection's pieces, reusing those of the last build whose inputs are equal: the
    view (ratings, recommendations and the actions answering them, neighbours, the record
    itself) and its service's and council's records: all `inspection_data` reads of it."""
    parts = {}
    for view in corpus.inspections.values():
        inputs = (view, corpus.services[view.service_id].service, corpus.councils[view.council_id].council)
        parts[view.id] = memo.matching(view.id, inputs, partial(inspection_data, corpus, view))
    memo.finish()
    return parts


def source_list(corpus: Corpus) -> list[dict[str, Any]]:
    """inspections.json's `sources`: whose the records' ratings are, and their licences' terms."""
    return [source.as_json() for source in sources(corpus)]


def preview_field(mark: MomentMark) -> dict[str, Any]:
    """inspections.json's `preview`, in a rehearsal's file alone: the moment it shows and that it
    is not the live site's, so that a copy taken away says so (the live file has no such key)."""
    return {"as_at": mark.moment.isoformat(), "note": moment_note(mark.moment, mark.to_come)}


def inspections_json(corpus: Corpus, parts: DataParts | None = None,
                     mark: MomentMark | None = None) -> Iterator[bytes]:
    """The whole file, one inspection at a time; the same bytes as `json.dumps` of the whole
    with sorted keys (tests/test_site.py checks), without ever holding the whole."""
    # The top level's keys in sorted order, as `sort_keys` would write them.
    yield f'{{"as_of":{_dumps(corpus.as_of.isoformat())},"inspections":['.encode("utf-8")
    for n, view in enumerate(corpus.inspections.values()):
        if n:
            yield b","
        yield parts[view.id].json if parts is not None else _inspection_json(corpus, view)
    preview = f',"preview":{_dumps(preview_field(mark))}' if mark else ""
    yield f']{preview},"site":{_dumps(corpus.site.title)},"sources":{_dumps(source_list(corpus))}}}\n'.encode("utf-8")


def ratings_csv(corpus: Corpus, parts: DataParts | None = None) -> bytes:
    buffer = io.StringIO()
    _csv_row(csv.writer(buffer, lineterminator="\r\n"), RATINGS_COLUMNS)
    lines = [buffer.getvalue(), *(parts[view.id].ratings if parts is not None else _ratings_rows(corpus, view)
                                  for view in corpus.inspections.values())]
    return "".join(lines).encode("utf-8-sig")   # the BOM makes Excel read UTF-8


def xml_escape(text: str) -> str:
    """XML's text escapes (&, <, >); xml.sax.saxutils would bring urllib's HTTP client with it."""
    return html.escape(text, quote=False)


def _absolute(corpus: Corpus, path: str) -> str:
    return (corpus.site.base_url or "") + path


def inspection_entry_day(view: InspectionView) -> tuple[dt.date, str] | None:
    """The day an inspection's feed entry is dated, and what the summary adds about it; None: left
    out. Atom dates every entry, so: the day the sources give for its release (`release_day`);
    for a publication given only as a month with no embargo, the month's last day, by which it
    was certainly out, said to be so; with no publication recorded, no day (never the fieldwork's)."""
    record = view.inspection
    day = release_day(record.published, record.embargo_until)
    if day is not None:
        return day, ""
    if record.published is None:
        return None
    return record.published.end, (f" Published {record.published.display}: the report gives no day, "
                                  "so this entry is dated the month's last day.")


def rehearsal_tag(mark: MomentMark) -> str:
    """What a rehearsal's feed and entry ids add after the live ones' `tag:scrutiny,2021:`: a feed
    reader takes an id (RFC 4287, 4.2.6) as the feed or entry, and would keep a preview's entries
    as the live feed's; the self link, naming the live feed's address, is left out for the same reason."""
    return f"preview-{mark.moment.isoformat()}:"


def feed_xml(corpus: Corpus, mark: MomentMark | None = None) -> bytes:
    """Atom: new inspections and meetings, newest first. Ids are stable tag: URIs. An inspection
    is dated as `inspection_entry_day` says, and left out where no day of its release is recorded.
    A rehearsal's feed and each of its entries are titled as its pages are (a reader lists entries alone),
    and has ids of its own and no self link (`rehearsal_tag`)."""
    marked = moment_title(mark.moment) if mark else ""
    tag = rehearsal_tag(mark) if mark else ""
    entries = []
    for view in corpus.inspections.values():
        dated = inspection_entry_day(view)
        if dated is None:
            continue
        day, note = dated
        rating = f"Overall rating: {_rating(view.overall_rating) or 'not recorded'}"
        entries.append((day.isoformat(), f"inspections/{view.id}/index.html", view.title,
                        f"{rating}.{note}" if note else rating, f"inspection:{view.id}"))
    for view in corpus.meetings.values():
        entries.append((view.meeting.date.isoformat(), f"meetings/{view.id}/index.html", view.title,
                        f"{len(view.items)} agenda items", f"meeting:{view.id}"))
    entries.sort(reverse=True)
    updated = entries[0][0] if entries else corpus.as_of.isoformat()
    base = corpus.site.base_url or ""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
             f"<title>{xml_escape(marked + corpus.site.title)}</title>",
             f"<id>tag:scrutiny,2021:{tag}{xml_escape(corpus.site.title.lower().replace(' ', '-'))}</id>",
             f"<updated>{updated}T00:00:00Z</updated>",
             f"<author><name>{xml_escape(corpus.site.organisation)}</name></author>"]
    if base and not mark:
        parts.append(f'<link rel="self" href="{xml_escape(base)}feed.xml"/>')
    for day, path, title, summary, key in entries[:50]:
        href = _absolute(corpus, path) if base else path
        parts.append(f"<entry><title>{xml_escape(marked + title)}</title><id>tag:scrutiny,2021:{tag}{xml_escape(key)}</id>"
                     f'<updated>{day}T00:00:00Z</updated><link href="{xml_escape(href)}"/>'
                     f"<summary>{xml_escape(summary)}</summary></entry>")
    parts.append("</feed>\n")
    return "\n".join(parts).encode("utf-8")


def sitemap_xml(plan: Plan) -> bytes:
    base = plan.corpus.site.base_url or ""
    urls = sorted(o.path for o in plan.outputs if o.path.endswith(".html") and o.path != NOT_FOUND)
    body = "".join(f"<url><loc>{xml_escape(base + path)}</loc></url>\n" for path in urls)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + body + "</urlset>\n").encode("utf-8")


def render_data(plan: Plan, path: str, parts: DataParts | None = None) -> Iterator[bytes]:
    """The data file at `path`, in pieces to be written one after another. `parts`: each
    inspection's pieces, made already (`data_parts`); None: made here."""
    corpus = plan.corpus
    if path == "data/inspections.json":
        yield from inspections_json(corpus, parts, plan.mark)
    elif path == "data/ratings.csv":
        yield ratings_csv(corpus, parts)
    elif path == "feed.xml":
        yield feed_xml(corpus, plan.mark)
    elif path == "sitemap.xml":
        yield sitemap_xml(plan)
    else:
        raise KeyError(path)
