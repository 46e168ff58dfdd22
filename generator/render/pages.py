"""What each page shows, computed from the (public) corpus.

Templates only lay out; decisions (what is overdue, which standards are weakest, what
comes next) are made here, in Python, and arrive in templates as plain fields.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import itemgetter
from statistics import mean
from typing import Any

from generator.figures import number_text, percent_text
from generator.model import Council, Service
from generator.model.council import PaperStyle, RecommendationList
from generator.model.framework import period_end, period_label
from generator.model.indicators import COMPARATOR_NAMES, INDICATOR_NAMES, published_by
from generator.model.types import Rating
from generator.plan.publication import meeting_notices
from generator.render import charts, national
from generator.render.national import RATINGS_HIGH_FIRST, newest_first, own_inspections
from generator.render.report_body import number_body
from generator.resolve.corpus import Corpus, InspectionView, StandardResult, share_of_cases
from generator.rules import progress


def rating_distribution(views: list[InspectionView]) -> list[dict[str, Any]]:
    counts = Counter(i.overall_rating for i in views if i.overall_rating)
    return [{"rating": r, "count": counts.get(r, 0)} for r in RATINGS_HIGH_FIRST]


def rating_chart(chart_id: str, title: str, rows: list[dict[str, Any]]) -> Any:
    total = sum(r["count"] for r in rows)
    bars = [charts.Bar(r["rating"].value, r["count"], charts.RATING_COLOURS[r["rating"].value]) for r in rows]
    description = ("; ".join(f"{r['rating'].value}: {r['count']}" for r in rows)
                   + f" (of {total} inspection{'s' if total != 1 else ''})")
    return charts.horizontal_bars(chart_id, f"{title}: inspections by overall rating", description, bars,
                                  label_width=170)


def overall_by_group(corpus: Corpus, views: list[InspectionView]) -> list[dict[str, Any]]:
    """The inspections' overall ratings counted apart under each framework, and each kind of
    inspection where it has several (national.overall_group): a 2019 Good and a 2025 Good are
    ratings of different standards, never one bar."""
    out = []
    for group, grouped in national.overall_groups(corpus, views):
        anchor = national.group_anchor(group)
        title = national.group_title(corpus, group)
        rows = rating_distribution(grouped)
        out.append({"anchor": anchor, "title": title, "rows": rows,
                    "unrecorded": sum(v.overall_rating is None for v in grouped),
                    "chart": rating_chart(f"chart-overall-{anchor}", title, rows)})
    return out


def overdue_actions(corpus: Corpus, first: int) -> tuple[list[dict[str, Any]], int]:
    """The `first` so many overdue actions, the longest overdue first (then by plan and
    action id), and how many there are in all."""
    found = []
    for plan in corpus.action_plans.values():
        if plan.overdue_count:
            for view in plan.actions:
                if view.overdue:
                    found.append((view.action.due.end, plan.id, progress.action_id_order(view.action.id), plan, view))
    found.sort(key=itemgetter(0, 1, 2))        # a national corpus has tens of thousands
    rows = [{"plan": plan, "action": view, "service": corpus.services[plan.service_id].service.short_name}
            for _, _, _, plan, view in found[:first]]
    return rows, len(found)


def meetings_around(corpus: Corpus, as_of: dt.date) -> tuple[list, list]:
    meetings = sorted(corpus.meetings.values(), key=lambda m: (m.meeting.date, m.id))
    upcoming = [m for m in meetings if m.meeting.date >= as_of][:5]
    recent = [m for m in reversed(meetings) if m.meeting.date < as_of][:5]
    return upcoming, recent


def home(corpus: Corpus) -> dict[str, Any]:
    """The site's own councils' inspections (imported areas are on the national page), meetings
    and overdue actions."""
    upcoming, recent = meetings_around(corpus, corpus.as_of)
    overdue, overdue_total = overdue_actions(corpus, first=20)
    own = own_inspections(corpus)
    return {"overall": overall_by_group(corpus, own),
            "latest": newest_first(own)[:6], "upcoming": upcoming, "recent": recent,
            "overdue": overdue, "overdue_total": overdue_total, "others": len(corpus.inspections) - len(own)}


def inspections_index(corpus: Corpus) -> dict[str, Any]:
    """The site's own councils' inspections; the others are listed on the national page."""
    own = own_inspections(corpus)
    rows = []
    for view in newest_first(own):
        service = corpus.services[view.service_id].service
        rows.append({"view": view, "service": service,
                     "region": service.region or "", "rating_order": (
                         RATINGS_HIGH_FIRST.index(view.overall_rating) if view.overall_rating else 9)})
    ratings = [r.value for r in RATINGS_HIGH_FIRST]
    regions = sorted({r["region"] for r in rows if r["region"]})
    return {"rows": rows, "ratings": ratings, "regions": regions, "others": len(corpus.inspections) - len(own)}


def key_question_chart(standard: StandardResult, bands: dict | None) -> Any:
    """A standard's key questions as bars of % yes, the framework's band boundaries marked (if it has
    any); every question the framework lists that is answered case by case, one the record gives no
    figure for drawn as 'not recorded'. One judged otherwise (V1.2, from the service's arrangements)
    is no share of cases, so it has no bar (the table gives it, marked); None when no question has."""
    drawn = [q for q in standard.key_questions if share_of_cases(standard, q)]
    if not drawn:
        return None
    marks = [(floor, f"{floor:g}%") for floor in sorted((bands or {}).values()) if floor > 0]
    bars = [charts.Bar(q.number, q.percent,
                       charts.RATING_COLOURS[q.band.value] if q.band else charts.SERIES_COLOURS[0],
                       f"({q.band.value})" if q.band else "", shown=percent_text(q.percent))
            for q in drawn]
    description = "; ".join(f"{q.number} {q.text} {percent_text(q.percent)}" for q in drawn)
    return charts.horizontal_bars(f"kq-{standard.number.replace('.', '-')}",
                                  f"{standard.label}: key questions, % yes", description,
                                  bars, maximum=100, unit="%", label_width=70, width=560,
                                  marks=marks)


def describe_key_question_bands(bands: dict | None) -> str:
    """'below 50% Inadequate, 50–64% Requires improvement, 65–79% Good, 80% and above
    Outstanding', from the framework's bands; '' for a framework that publishes none."""
    if not bands:
        return ""
    floors = sorted((floor, rating) for rating, floor in bands.items() if floor > 0)
    parts = [f"below {floors[0][0]:g}% {Rating.INADEQUATE.value}"]
    for index, (floor, rating) in enumerate(floors):
        top = f"{floors[index + 1][0] - 1:g}%" if index + 1 < len(floors) else None
        parts.append(f"{floor:g}–{top} {rating.value}" if top else f"{floor:g}% and above {rating.value}")
    return ", ".join(parts)


def inspection(corpus: Corpus, iid: str, as_at: dt.date | None = None) -> dict[str, Any]:
    """An inspection's page, or its findings paper with its council as at `as_at` (the paper's day)."""
    view = inspection_at(corpus, iid, as_at)
    framework = corpus.frameworks[view.framework_id]
    kq_charts = {s.number: key_question_chart(s, framework.key_question_bands) for s in view.standards
                 if any(q.percent is not None for q in s.key_questions)}
    not_charted = {s.number: [q.number for q in s.key_questions if q.percent is not None and not share_of_cases(s, q)]
                   for s in view.standards}
    plans = [corpus.action_plans[p] for p in view.action_plan_ids]
    previous = corpus.inspections.get(view.previous_id) if view.previous_id else None
    following = corpus.inspections.get(view.next_id) if view.next_id else None
    facts = list(view.inspection.facts.items())
    return {"view": view, "service": service_at(corpus, view.service_id, as_at),
            "council": council_at(corpus, view.council_id, as_at),
            "framework": framework, "kq_charts": kq_charts, "not_charted": not_charted, "plans": plans,
            "bands_text": describe_key_question_bands(framework.key_question_bands),
            "previous": previous, "next": following, "facts": facts}


def known_from(point) -> dt.date:
    """The first day a figure could be printed: the day its source published it, where the
    record says, and never before its period ended, when it cannot have existed."""
    return max(point.published or dt.date.min, period_end(point.period))


def known_by(points, day: dt.date | None) -> list:
    """The points known by `day` (a paper's): a figure published later was not in the paper
    when it was issued. With no day (a page), every point (`published_by` the page's day)."""
    return list(points) if day is None else [p for p in points if known_from(p) <= day]


def indicator_series(corpus: Corpus, indicators_id: str, as_at: dt.date | None = None) -> list[dict[str, Any]]:
    """A service's indicators, one series each; a paper's (`as_at`) only the periods ended by its
    day; a page's every period but the figures its source publishes after the page's day."""
    ind = corpus.indicators[indicators_id].indicators
    service_name = corpus.services[ind.service].service.short_name
    out = []
    for key, (name, unit) in INDICATOR_NAMES.items():
        shown = known_by(getattr(ind, key), as_at) if as_at else published_by(getattr(ind, key), corpus.as_of)
        points = sorted(shown, key=lambda p: (p.period.from_.start, period_end(p.period)))
        if not points:
            continue
        labels = [period_label(p.period) for p in points]
        comparators = [c for c in COMPARATOR_NAMES if any(getattr(p.comparators, c) is not None for p in points)]
        series = [charts.Series(service_name, [p.value for p in points])] + [
            charts.Series(COMPARATOR_NAMES[c], [getattr(p.comparators, c) for p in points]) for c in comparators]
        description = "; ".join(
            f"{label}: {service_name} {number_text(p.value)}" + "".join(
                f", {COMPARATOR_NAMES[c]} {number_text(getattr(p.comparators, c))}" for c in comparators)
            for label, p in zip(labels, points))
        spans = [_months(p.period) for p in points]
        chart = charts.line_chart(f"ind-{key}", f"{name} ({unit})", description, labels, series, spans=spans) \
            if len(points) > 1 else charts.horizontal_bars(
                f"ind-{key}", f"{name} ({unit})", description,
                [charts.Bar(s.name, s.values[0], charts.SERIES_COLOURS[i % 4]) for i, s in enumerate(series)
                 if s.values[0] is not None], label_width=170)
        out.append({"key": key, "name": name, "unit": unit, "points": points, "labels": labels,
                    "comparators": [(c, COMPARATOR_NAMES[c]) for c in comparators], "chart": chart,
                    "service_name": service_name})
    return out


def _months(period) -> int:
    """How many months a period covers: a year 12, a quarter 3 (lines join only like with like)."""
    start = period.from_.start
    end = period.to.end if period.to else period.from_.end
    return (end.year - start.year) * 12 + end.month - start.month + 1


def service(corpus: Corpus, sid: str) -> dict[str, Any]:
    view = corpus.services[sid]
    inspections = [corpus.inspections[i] for i in view.inspection_ids]
    trajectory = None
    if inspections:
        bars = [charts.Bar(i.date_label if i.inspection.published else i.title, i.overall_score or 0,
                           charts.RATING_COLOURS[i.overall_rating.value] if i.overall_rating else charts.GRID,
                           f"({i.overall_rating.value})" if i.overall_rating else "(rating not recorded)")
                for i in inspections if i.overall_score is not None and i.max_score]
        if bars:
            trajectory = charts.horizontal_bars(
                # an inspection with no score (any under the 2025 framework) has no bar: the title says so
                "trajectory", f"{view.service.short_name}: overall score at each inspection with a recorded score",
                "; ".join(f"{b.label}: {b.value:g} {b.note}" for b in bars), bars,
                maximum=max(i.max_score for i in inspections if i.max_score), label_width=150)
    return {"view": view, "council": corpus.councils[view.council_id].council, "inspections": inspections,
            "trajectory": trajectory,
            "indicators": indicator_series(corpus, view.indicators_id) if view.indicators_id else []}


def services_index(corpus: Corpus) -> dict[str, Any]:
    """The site's own councils' services; the others are on the national page."""
    own = national.own_council_ids(corpus)
    rows = []
    for view in (v for v in corpus.services.values() if v.council_id in own):
        latest = corpus.inspections[view.inspection_ids[-1]] if view.inspection_ids else None
        rows.append({"view": view, "council": corpus.councils[view.council_id].council, "latest": latest})
    return {"rows": sorted(rows, key=lambda r: r["view"].service.name),
            "others": sum(v.council_id not in own for v in corpus.services.values())}


@dataclass(frozen=True)
class Weakness:
    number: str
    name: str
    text: str
    mean_percent: float
    inspections: int


def standards(corpus: Corpus) -> dict[str, Any]:
    """For each framework the site's inspections are under, newest first: each service's
    latest inspection under it, standard by standard; which of its standards are weakest;
    and its weakest key questions. Frameworks stay apart: their standards are not the same
    standards even where the names are (a 2025 'Planning' is not a 2021 '2.2 Planning')."""
    under: dict[str, list[InspectionView]] = defaultdict(list)
    for view in newest_first(corpus.inspections.values()):
        under[view.framework_id].append(view)
    sections = [_framework_section(corpus, fid, views) for fid, views in under.items()]
    return {"sections": sections, "enough": national.ENOUGH_RATINGS}


def _framework_section(corpus: Corpus, fid: str, views: list[InspectionView]) -> dict[str, Any]:
    """`views`: the framework's inspections, newest first."""
    framework = corpus.frameworks[fid]
    order = {s.number: index for index, s in enumerate(s for d in framework.domains for s in d.standards)}
    latest: dict[str, InspectionView] = {}
    for view in views:
        latest.setdefault(view.service_id, view)
    shown = {s.number: s for view in latest.values() for s in view.standards}
    columns = sorted(shown.values(), key=lambda s: order[s.number])
    rows = []
    for sid, view in sorted(latest.items(), key=lambda kv: corpus.services[kv[0]].service.name):
        by_number = {s.number: s for s in view.standards}
        rows.append({"service": corpus.services[sid].service, "sid": sid, "view": view,
                     "cells": [by_number.get(column.number) for column in columns]})
    ratings_by_standard: dict[tuple[str, str], list[Rating]] = defaultdict(list)
    percents: dict[tuple[str, str], list[float]] = defaultdict(list)
    judged: set[str] = set()
    for view in views:
        for s in view.standards:
            if s.published:
                ratings_by_standard[(s.number, s.label)].append(s.published)
            for q in s.key_questions:
                if q.percent is None:
                    continue
                if share_of_cases(s, q):
                    percents[(q.number, q.text)].append(float(q.percent))   # a number to average
                else:
                    judged.add(q.number)
    standard_rows = []
    for (number, label), ratings in ratings_by_standard.items():
        if not national.rated_often_enough(ratings):
            continue
        counts = Counter(ratings)
        below_good = counts[Rating.INADEQUATE] + counts[Rating.REQUIRES_IMPROVEMENT]
        standard_rows.append({"number": number, "label": label, "total": len(ratings),
                              "counts": [(r, counts.get(r, 0)) for r in RATINGS_HIGH_FIRST],
                              "below_good": below_good, "share_below_good": below_good / len(ratings)})
    standard_rows.sort(key=lambda r: (-r["share_below_good"], order[r["number"]]))
    ranked = {key: given for key, given in percents.items() if national.rated_often_enough(given)}
    weakest = sorted((Weakness(n, "", t, mean(v), len(v)) for (n, t), v in ranked.items()),
                     key=lambda w: (w.mean_percent, w.number))[:10]
    question_order = [q.number for d in framework.domains for s in d.standards for q in s.key_questions]
    too_few = {number for (number, _) in percents.keys() - ranked.keys()}
    fewer, nowhere = national.not_compared((s for d in framework.domains for s in d.standards),
                                           {number: given for (number, _), given in ratings_by_standard.items()})
    return {"id": fid, "framework": framework, "inspections": len(views), "columns": columns, "rows": rows,
            "standard_rows": standard_rows, "weakest": weakest, "fewer": fewer, "recorded_nowhere": nowhere,
            "not_averaged": sorted(judged), "questions_too_few": [n for n in question_order if n in too_few],
            "imported_gap": national.imported_gap(views)}


def action_plan(corpus: Corpus, pid: str, as_at: dt.date | None = None) -> dict[str, Any]:
    """An action plan, with its progress as of the build's day (or as at `as_at`, a paper's)."""
    view = corpus.action_plans[pid]
    if as_at is not None:
        view = view.as_at(as_at)
    exceptions = [a for a in view.actions if a.status is not None and a.status.value in ("red", "amber")]
    inspection = inspection_at(corpus, view.inspection_id, as_at)
    recommendations = {r.number: r for r in inspection.recommendations}
    return {"view": view, "inspection": inspection, "service": service_at(corpus, view.service_id, as_at),
            "exceptions": exceptions, "recommendations": recommendations}


def action_plans_index(corpus: Corpus) -> dict[str, Any]:
    rows = [{"view": p, "inspection": corpus.inspections[p.inspection_id],
             "service": corpus.services[p.service_id].service} for p in corpus.action_plans.values()]
    return {"rows": sorted(rows, key=lambda r: r["view"].plan.title), "statuses": progress.STATUS_ORDER}


def meetings_index(corpus: Corpus) -> dict[str, Any]:
    upcoming, _ = meetings_around(corpus, corpus.as_of)
    ordered = sorted(corpus.meetings.values(), key=lambda m: (m.meeting.date, m.id), reverse=True)
    return {"meetings": ordered, "upcoming": upcoming,
            "councils": {cid: c.council for cid, c in corpus.councils.items()}}


def meeting(corpus: Corpus, mid: str) -> dict[str, Any]:
    """A meeting's agenda, its council as at today, and the notices to the public (filming,
    taking part) its agenda front sheet gives, where a record gives them (`meeting_notices`)."""
    view = corpus.meetings[mid]
    return {"view": view, "council": corpus.councils[view.council_id].council,
            "notices": meeting_notices(corpus, view)}


def report(corpus: Corpus, rid: str, as_at: dt.date | None = None) -> dict[str, Any]:
    """A report's front sheet or heading block, its numbered sections, and the records its
    generated blocks draw from (an action plan's progress as at `as_at`, a paper's day)."""
    view = corpus.reports[rid]
    front = view.front
    council = council_at(corpus, front.council, as_at)
    inserted = None
    lead_ins = recommendation_lead_ins(front, council.paper_style)
    if council.paper_style is PaperStyle.HEADING_BLOCK and lead_ins:
        # Dudley style: Recommendations is the second section, a numbered paragraph (the
        # lead-in and the items as written, listed) for decision and one for noting.
        inserted = [("Recommendations", [f"{lead_in}\n\n" + markdown_list(items, council.recommendation_list)
                                         for lead_in, items in lead_ins])]
    inspection = inspection_at(corpus, front.inspection, as_at) \
        if front.inspection and front.inspection in corpus.inspections else None
    drawn = {"recommendations": len(inspection.recommendations)} if inspection else {}
    sections = number_body(view.body, council.paragraph_numbering, insert_after_first=inserted, drawn=drawn)
    refs = {
        "inspection": inspection,
        "action_plan": _plan_at(corpus, front.action_plan, as_at) if front.action_plan else None,
        "indicators": indicator_series(corpus, front.indicators, as_at)
        if front.indicators and front.indicators in corpus.indicators else None,
        # [[national-comparison]]: as at the paper's day, so that it says what was true when issued
        "national": national.comparison(corpus, front.inspection, as_at or corpus.as_of,
                                        paper=as_at is not None)
        if front.inspection else None,
    }
    appendices = ()
    if view.meeting_id and view.meeting_id in corpus.meetings:
        for item in corpus.meetings[view.meeting_id].items:
            if item.number == view.item_number:
                appendices = item.appendices
    return {"view": view, "council": council, "sections": sections, "refs": refs, "appendices": appendices,
            "lead_ins": lead_ins, "list_tag": "ul" if council.recommendation_list is RecommendationList.BULLETS else "ol"}


def council_at(corpus: Corpus, cid: str, as_at: dt.date | None) -> Council:
    """A council's details: a paper's as at its day (`as_at`), a page's as at the build's."""
    view = corpus.councils[cid]
    return view.council if as_at is None else view.as_at(as_at)


def service_at(corpus: Corpus, sid: str, as_at: dt.date | None) -> Service:
    """A service's details: a paper's as at its day (`as_at`), a page's as at the build's, so
    a renamed service keeps its old name in the papers issued before."""
    view = corpus.services[sid]
    return view.service if as_at is None else view.as_at(as_at)


def inspection_at(corpus: Corpus, iid: str, as_at: dt.date | None) -> InspectionView:
    """An inspection titled with its service's name as at a paper's day (`as_at`), or a page's."""
    view = corpus.inspections[iid]
    return view if as_at is None else view.titled(service_at(corpus, view.service_id, as_at))


def _plan_at(corpus: Corpus, pid: str, as_at: dt.date | None):
    view = corpus.action_plans.get(pid)
    return view.as_at(as_at) if view is not None and as_at is not None else view


def markdown_list(items: list[str], style) -> str:
    """Items as a Markdown list, numbered 1. 2. ... or bulleted, as the council lists recommendations."""
    if style is RecommendationList.BULLETS:
        return "\n".join(f"- {item}" for item in items)
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))


def recommendation_lead_ins(front, style) -> list[tuple[str, list[str]]]:
    """(lead-in sentence, items) for decision, then for noting, each only where it has items.

    The sentence is the report's own (`lead_in`, `noting_lead_in`), else the house default:
    a front sheet (Wolverhampton) "The Cabinet is recommended to:" / "The Cabinet is asked to
    note:"; a heading block (Dudley) "It is recommended that Members:" / "Members are asked to note:"."""
    recs = front.recommendations
    if style is PaperStyle.FRONT_SHEET:
        body = f"The {front.committee or 'Committee'}"
        defaults = (f"{body} is recommended to:", f"{body} is asked to note:")
    else:
        defaults = ("It is recommended that Members:", "Members are asked to note:")
    found = [(recs.lead_in or defaults[0], list(recs.for_decision)),
             (recs.noting_lead_in or defaults[1], list(recs.for_noting))]
    return [(lead_in, items) for lead_in, items in found if items]
