"""The national picture: every inspection the site holds, its own council's and the rest.

What the national page (`national/index.html`) and the `[[national-comparison]]` block show,
computed here: how many inspections there were under each framework and in each year, how their
overall ratings and each standard's ratings fall, which standards are weakest, and where
each of the site's own services stands. Inspections are compared only with inspections
under the same framework, whose standards are the same standards; overall ratings only with
those of the same kind of inspection too (`overall_group`). Every number comes with the list of
the inspections behind it (`list_link`), which the page's script filters.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Iterable, Sized
from urllib.parse import urlencode

from generator.model.types import DateOrMonth, Rating
from generator.render import charts
from generator.render.sources import sources
from generator.resolve.corpus import Corpus, InspectionView, StandardResult

RATINGS_HIGH_FIRST = [Rating.OUTSTANDING, Rating.GOOD, Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE]
GOOD_OR_BETTER = (Rating.OUTSTANDING, Rating.GOOD)
# A standard is compared nationally once this many inspections under its framework record its
# rating, and a key question once this many record its figure: fewer, and one inspection more or
# less moves each share (or average) by a tenth or more.
ENOUGH_RATINGS = 10
NOT_RECORDED = "not recorded"


def own_council_ids(corpus: Corpus) -> frozenset[str]:
    """The site's own councils: site.yaml's `own_councils`, else its `default_council`, else
    every council (a site of one council's own records only)."""
    site = corpus.site
    chosen = site.own_councils or ([site.default_council] if site.default_council else [])
    return frozenset(chosen) if chosen else frozenset(corpus.councils)


def own_inspections(corpus: Corpus) -> list[InspectionView]:
    own = own_council_ids(corpus)
    return [v for v in corpus.inspections.values() if v.council_id in own]


def newest_first(views: Iterable[InspectionView]) -> list[InspectionView]:
    return sorted(views, key=attrgetter("date", "id"), reverse=True)


def list_link(**filters: Any) -> str:
    """The national list of inspections, filtered: 'national/index.html?framework=...#list'. A
    filter given several values keeps the inspections with any of them."""
    pairs = [(name, value) for name, values in filters.items() if values is not None
             for value in (values if isinstance(values, (list, tuple)) else [values])]
    return "national/index.html" + (f"?{urlencode(pairs)}" if pairs else "") + "#list"


def rated_often_enough(recorded: Sized) -> bool:
    """Whether a standard's recorded ratings, or a key question's recorded figures, are enough to
    compare it (ENOUGH_RATINGS)."""
    return len(recorded) >= ENOUGH_RATINGS


def not_compared(standards: Iterable[Any], ratings: dict[str, list[Rating]]) -> tuple[list[str], list[str]]:
    """The labels, in the framework's order, of its standards too seldom recorded to compare: those
    recorded at some but fewer than ENOUGH_RATINGS inspections, and those recorded at none, named
    apart so that a reader never takes a standard no record rates for one rated a few times."""
    few, none = [], []
    for s in standards:
        recorded = len(ratings.get(s.number, []))
        if not recorded:
            none.append(s.label)
        elif recorded < ENOUGH_RATINGS:
            few.append(s.label)
    return few, none


def standard_key(framework_id: str, number: str) -> str:
    """A standard as the list's filter knows it, 'hmip-youth-2021:3.4': standards of different
    frameworks are different standards, though they may share a number."""
    return f"{framework_id}:{number}"


def kind_key(framework_id: str, inspection_type: str | None) -> str | None:
    """A kind of inspection as the list's filter knows it, 'hmip-youth-2025:full' (None under a
    framework of one kind): kinds of different frameworks are different kinds, though they may share an id."""
    return f"{framework_id}:{inspection_type}" if inspection_type else None


def overall_group(view: InspectionView) -> tuple[str, str | None]:
    """The inspections whose overall ratings an inspection's is counted and compared with: those under
    its framework and of its kind. HMIP's 2025 kinds rate different areas (only a full inspection
    rates organisational delivery), and HMIP publishes no count or comparison across them."""
    return view.framework_id, view.inspection_type


def group_title(corpus: Corpus, group: tuple[str, str | None]) -> str:
    """'HMIP youth justice inspection framework (from 2025): An inspection of youth justice services'."""
    framework = corpus.frameworks[group[0]]
    kind = framework.kind(group[1])
    return f"{framework.name}: {kind.name}" if kind else framework.name


def group_anchor(group: tuple[str, str | None]) -> str:
    """A group's part of a page's ids: 'hmip-youth-2025-full', or the framework's id alone."""
    fid, kind = group
    return f"{fid}-{kind}" if kind else fid


def rating_counts(views: Iterable[InspectionView]) -> Counter:
    return Counter(v.overall_rating for v in views)


def compares_nothing(own: Rating | None, rated: int) -> bool:
    """Is an inspection's overall rating the only one recorded in its group (overall_group)? A share
    of itself ("1 (100%)") compares it with nothing, so the page and the block say so instead."""
    return own is not None and rated == 1


def _share(part: int, whole: int) -> str:
    """'63%': a whole percentage, half a point rounded up as a spreadsheet's ROUND and a reader
    round it (40 of 64 is 62.5%: 63%), in whole numbers so that no float error moves it."""
    return f"{(200 * part + whole) // (2 * whole)}%" if whole else ""


def _ordered_frameworks(corpus: Corpus, fids: Iterable[str]) -> list[str]:
    """Newest framework first (by when it came into use), then by id."""
    def began(fid: str) -> dt.date:
        framework = corpus.frameworks[fid]
        return framework.in_use.from_.start if framework.in_use else dt.date.min
    return sorted(set(fids), key=lambda fid: (began(fid), fid), reverse=True)


@dataclass(frozen=True)
class Count:
    """A number on the page and the list of the inspections behind it."""

    value: int
    href: str
    share: str = ""


def year_of(view: InspectionView) -> int | str:
    """The year the list files an inspection under: NOT_RECORDED where its record gives no date."""
    return NOT_RECORDED if view.year is None else view.year


def _in_year(year: int | str) -> str:
    return "with no year recorded" if year == NOT_RECORDED else f"in {year}"


def _counts_by_year(corpus: Corpus, order: list[str], by_framework: dict[str, list[InspectionView]]
                    ) -> dict[str, Any]:
    """Inspections by framework and year; those whose records give no date in a last column of
    their own, never under a year they were not in."""
    every = Counter(year_of(v) for views in by_framework.values() for v in views)
    years = sorted(y for y in every if y != NOT_RECORDED) + [NOT_RECORDED] * (NOT_RECORDED in every)
    rows = []
    for fid in order:
        per_year = Counter(year_of(v) for v in by_framework[fid])
        rows.append({"fid": fid, "framework": corpus.frameworks[fid],
                     "cells": [Count(per_year[y], list_link(framework=fid, year=y)) if per_year[y] else None
                               for y in years],
                     "total": Count(len(by_framework[fid]), list_link(framework=fid))})
    totals = [Count(every[y], list_link(year=y)) for y in years]
    return {"headings": ["Year not recorded" if y == NOT_RECORDED else y for y in years],
            "phrases": [_in_year(y) for y in years], "rows": rows, "totals": totals,
            "total": Count(sum(every.values()), list_link())}


def _overall_groups(corpus: Corpus, order: list[str], by_framework: dict[str, list[InspectionView]]
                    ) -> list[tuple[tuple[str, str | None], list[InspectionView]]]:
    """Each framework's inspections, newest framework first, split by kind in the order the framework
    lists its kinds (see overall_group)."""
    groups = []
    for fid in order:
        kinds = {k.id: i for i, k in enumerate(corpus.frameworks[fid].inspection_types)}
        by_kind: dict[str | None, list[InspectionView]] = defaultdict(list)
        for view in by_framework[fid]:
            by_kind[view.inspection_type].append(view)
        listed = sorted(by_kind, key=lambda k: (kinds.get(k, len(kinds)), k or ""))
        groups += [((fid, kind), by_kind[kind]) for kind in listed]
    return groups


def overall_groups(corpus: Corpus, views: Iterable[InspectionView]
                   ) -> list[tuple[tuple[str, str | None], list[InspectionView]]]:
    """Inspections split into the groups whose overall ratings may be counted together
    (overall_group), newest framework first, each group's inspections in the order given."""
    by_framework: dict[str, list[InspectionView]] = defaultdict(list)
    for view in views:
        by_framework[view.framework_id].append(view)
    return _overall_groups(corpus, _ordered_frameworks(corpus, by_framework), by_framework)


def _overall(corpus: Corpus, group: tuple[str, str | None], views: list[InspectionView]) -> dict[str, Any]:
    fid, kind = group
    within = {"framework": fid, "kind": kind_key(fid, kind)}
    counts = rating_counts(views)
    rated = sum(counts[r] for r in RATINGS_HIGH_FIRST)
    title = group_title(corpus, group)
    rows = [{"rating": r, "count": Count(counts[r], list_link(**within, rating=r.value),
                                         _share(counts[r], rated))} for r in RATINGS_HIGH_FIRST]
    bars = [charts.Bar(r.value, counts[r], charts.RATING_COLOURS[r.value]) for r in RATINGS_HIGH_FIRST]
    description = ("; ".join(f"{r.value}: {counts[r]}" for r in RATINGS_HIGH_FIRST)
                   + f" (of {rated} inspection{'s' if rated != 1 else ''})")
    good = sum(counts[r] for r in GOOD_OR_BETTER)
    anchor = group_anchor(group)
    return {"anchor": anchor, "title": title, "rows": rows, "rated": rated,
            "unrecorded": Count(counts[None], list_link(**within, rating=NOT_RECORDED)),
            "good": Count(good, list_link(**within, rating=[r.value for r in GOOD_OR_BETTER]),
                          _share(good, rated)),
            "chart": charts.horizontal_bars(f"chart-overall-{anchor}", f"{title}: inspections by overall rating",
                                            description, bars, label_width=170)}


def _standards(corpus: Corpus, fid: str, views: list[InspectionView]) -> dict[str, Any]:
    """Each standard of the framework that enough inspections rate, weakest first (the largest
    share rated below Good), with the count at each rating."""
    framework = corpus.frameworks[fid]
    order = {s.number: i for i, s in enumerate(s for d in framework.domains for s in d.standards)}
    order |= {s.number: len(order) + i for i, s in enumerate(framework.separately_rated)}
    ratings: dict[tuple[str, str], list[Rating]] = defaultdict(list)
    names: dict[str, StandardResult] = {}
    unrecorded: Counter = Counter()
    for view in views:
        for s in (*view.standards, *view.separately_rated):
            names.setdefault(s.number, s)
            if s.published is not None:
                ratings[(s.number, s.name)].append(s.published)
            elif not s.not_rated:
                unrecorded[s.number] += 1
    rows = []
    for (number, name), given in ratings.items():
        if not rated_often_enough(given):
            continue
        counts = Counter(given)
        below = counts[Rating.REQUIRES_IMPROVEMENT] + counts[Rating.INADEQUATE]
        rows.append({"number": number, "name": name, "label": names[number].label,
                     "shown_number": names[number].shown_number, "rated": len(given), "unrecorded": unrecorded[number],
                     "below": below,
                     "below_share": _share(below, len(given)), "order": (-below / len(given), order[number]),
                     "counts": [Count(counts[r], list_link(framework=fid, standard=standard_key(fid, number),
                                                           standard_rating=r.value))
                                for r in RATINGS_HIGH_FIRST],
                     "rated_link": list_link(framework=fid, standard=standard_key(fid, number))})
    rows.sort(key=lambda r: r["order"])
    fewer, nowhere = not_compared((*(s for d in framework.domains for s in d.standards), *framework.separately_rated),
                                  {number: given for (number, _), given in ratings.items()})
    return {"fid": fid, "framework": framework, "rows": rows, "weakest": rows[:3],
            "fewer": fewer, "recorded_nowhere": nowhere,
            "imported_gap": imported_gap(views)}


def imported_gap(views: list[InspectionView]) -> dict[str, int] | None:
    """When the imported inspections rate standards but never 'Requires improvement' while some
    of their standards are not recorded (Data to Insight's table leaves that rating's cells
    empty): how many, so the page can say the shares below Good may be low. Else None."""
    imported = [v for v in views if v.inspection.imported is not None]
    given = [s.published for v in imported for s in (*v.standards, *v.separately_rated) if s.published is not None]
    missing = sum(1 for v in imported for s in (*v.standards, *v.separately_rated)
                  if s.published is None and not s.not_rated)
    if not given or missing == 0 or Rating.REQUIRES_IMPROVEMENT in given:
        return None
    return {"inspections": len(imported), "missing": missing}


def _where_own_stand(corpus: Corpus, by_group: dict[tuple[str, str | None], list[InspectionView]]
                     ) -> list[dict[str, Any]]:
    """Each of the site's own services' latest inspection, against every inspection under its
    framework of its kind (overall_group)."""
    own = own_council_ids(corpus)
    counted = {group: rating_counts(views) for group, views in by_group.items()}
    rows = []
    for sid, service in sorted(corpus.services.items(), key=lambda kv: kv[1].service.name):
        if service.council_id not in own or not service.inspection_ids:
            continue
        view = corpus.inspections.get(service.inspection_ids[-1])
        if view is None:
            continue
        group = overall_group(view)
        within = {"framework": view.framework_id, "kind": kind_key(*group)}
        others = by_group[group]
        counts = counted[group]
        rated = sum(counts[r] for r in RATINGS_HIGH_FIRST)
        row: dict[str, Any] = {"view": view, "service": service.service, "compared": group_title(corpus, group),
                               "all": Count(len(others), list_link(**within)), "rated": rated,
                               "same": None, "higher": None, "lower": None,
                               "alone": compares_nothing(view.overall_rating, rated)}
        if view.overall_rating is not None and not row["alone"]:
            place = RATINGS_HIGH_FIRST.index(view.overall_rating)
            higher, lower = RATINGS_HIGH_FIRST[:place], RATINGS_HIGH_FIRST[place + 1:]
            row |= {"same": Count(counts[view.overall_rating],
                                  list_link(**within, rating=view.overall_rating.value),
                                  _share(counts[view.overall_rating], rated)),
                    "higher": Count(sum(counts[r] for r in higher),
                                    list_link(**within, rating=[r.value for r in higher] or None)
                                    if higher else "", _share(sum(counts[r] for r in higher), rated)),
                    "lower": Count(sum(counts[r] for r in lower),
                                   list_link(**within, rating=[r.value for r in lower])
                                   if lower else "", _share(sum(counts[r] for r in lower), rated))}
        rows.append(row)
    return rows


def _list(corpus: Corpus, views: list[InspectionView]) -> dict[str, Any]:
    """Every inspection, newest first, with what the page's filters match on."""
    own = own_council_ids(corpus)
    rows = []
    for view in views:
        service = corpus.services[view.service_id].service
        recorded = [s for s in (*view.standards, *view.separately_rated) if s.published is not None]
        rows.append({"view": view, "service": service, "council": corpus.councils[view.council_id].council,
                     "own": view.council_id in own, "region": service.region or NOT_RECORDED,
                     "kind": kind_key(view.framework_id, view.inspection_type) or "",
                     "year": year_of(view),
                     "rating": view.overall_rating.value if view.overall_rating else NOT_RECORDED,
                     "rating_order": RATINGS_HIGH_FIRST.index(view.overall_rating) if view.overall_rating else 9,
                     "standards": " ".join(f"{standard_key(view.framework_id, s.number)}="
                                           f"{s.published.value.replace(' ', '_')}" for s in recorded)})
    standards: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for fid in _ordered_frameworks(corpus, (v.framework_id for v in views)):
        framework = corpus.frameworks[fid]
        for s in (*(s for d in framework.domains for s in d.standards), *framework.separately_rated):
            standards[standard_key(fid, s.number)] = f"{s.label}, {framework.name}"
        for k in framework.inspection_types:
            kinds[kind_key(fid, k.id)] = f"{k.name}, {framework.name}"
    return {"rows": rows, "regions": sorted({r["region"] for r in rows} - {NOT_RECORDED}),
            "years": sorted({r["year"] for r in rows} - {NOT_RECORDED}, reverse=True),
            "ratings": [r.value for r in RATINGS_HIGH_FIRST], "standards": standards, "kinds": kinds}


def page(corpus: Corpus) -> dict[str, Any]:
    """What the national page shows (see the module's docstring)."""
    views = newest_first(corpus.inspections.values())
    by_framework: dict[str, list[InspectionView]] = defaultdict(list)
    for view in views:
        by_framework[view.framework_id].append(view)
    order = _ordered_frameworks(corpus, by_framework)
    groups = _overall_groups(corpus, order, by_framework)
    own = own_council_ids(corpus)
    return {"total": len(views), "own_total": sum(v.council_id in own for v in views),
            "frameworks": [{"id": fid, "framework": corpus.frameworks[fid]} for fid in order],
            "kinds_apart": [corpus.frameworks[fid] for fid in order if len(corpus.frameworks[fid].inspection_types) > 1],
            "ratings": RATINGS_HIGH_FIRST, "enough": ENOUGH_RATINGS,
            "by_year": _counts_by_year(corpus, order, by_framework),
            "overall": [_overall(corpus, group, views) for group, views in groups],
            "standards": [_standards(corpus, fid, by_framework[fid]) for fid in order],
            "own_rows": _where_own_stand(corpus, dict(groups)), "list": _list(corpus, views),
            "sources": sources(corpus)}


# --------------------------------------------------------------------------- [[national-comparison]]

@dataclass(frozen=True)
class Comparison:
    """A report's inspection against every inspection under its framework, of its kind, published by a day."""

    view: InspectionView
    service: str
    framework: str
    as_at: dt.date
    inspected: int                       # published by then, under the framework (the report's own included)
    rated: int                           # of them, with an overall rating recorded
    counts: tuple[tuple[Rating, int, str], ...]   # (rating, inspections, share of those rated)
    good: int
    undated: int = 0                     # on the site's page: others counted whose records give no publication date
    kind: str | None = None              # HMIP's name for the kind of inspection, where the framework has several
    latest: DateOrMonth | None = None    # the latest publication, as its record gives it, of those published by as_at

    @property
    def good_share(self) -> str:
        return _share(self.good, self.rated)

    @property
    def alone(self) -> bool:
        return compares_nothing(self.view.overall_rating, self.rated)

    @property
    def sentence(self) -> str:
        """'Of the 83 inspections under ..., 50 (60%) rated the service Good or Outstanding; Torbay
        YOT was rated Requires improvement.' It counts inspections, not services: a service
        inspected twice under the framework is two of them."""
        whose = "" if self.rated == self.inspected else " whose overall rating is recorded"
        under = f"under the {self.framework}" + (f" of the same kind as this one ({self.kind[:1].lower()}{self.kind[1:]})"
                                                   if self.kind else "")
        if self.alone:
            text = f"There is nothing to compare with yet: no other inspection {under} records an overall rating"
        elif self.rated:
            text = (f"Of the {self.rated} inspection{'s' if self.rated != 1 else ''} {under}{whose}, "
                    f"{self.good} ({self.good_share}) rated the service Good or Outstanding")
        else:           # no share of none: say that none is recorded
            which = "the 1 inspection" if self.inspected == 1 else f"any of the {self.inspected} inspections"
            text = f"No overall rating is recorded for {which} {under}"
        rating = self.view.overall_rating
        return text + (f"; {self.service} was rated {rating.value}." if rating else
                       f"; {self.service}'s overall rating is not recorded.")


def published_by(view: InspectionView, day: dt.date) -> bool:
    """Published on or before `day` (a record with only a month: by the month's end). A record
    without its publication date is not known to be published by any day: the end of its
    fieldwork is not its publication, which comes months later (Torbay's fieldwork ended on
    29 October 2020, its report came out in March 2021)."""
    published = view.inspection.published
    return published is not None and published.end <= day


def comparison(corpus: Corpus, iid: str, day: dt.date, *, paper: bool = True) -> Comparison | None:
    """The report's inspection against all inspections under the same framework, of the same kind
    (overall_group), published on or before `day`: a paper's issue date, so that the paper says what was true when it was issued.
    The report's own inspection is always among them: the paper states its rating, and a record
    giving only the month it was published (Derby's, September 2025) is not 'published by' a day
    within that month.

    An inspection whose record gives no publication date cannot be shown published by a paper's
    day, so a paper neither counts nor mentions it: a record added after the paper was issued
    would otherwise change it (docs/papers.md, "Papers are records"). The site's page
    (`paper=False`), as at the build's day, counts it and says how many it counted, as the
    national page does: the site records only published reports."""
    view = corpus.inspections.get(iid)
    if view is None:
        return None
    group = overall_group(view)
    undated = [] if paper else [v for v in corpus.inspections.values()
                                if overall_group(v) == group and v.id != iid and v.inspection.published is None]
    peers = [v for v in corpus.inspections.values()
             if overall_group(v) == group
             and (v.id == iid or published_by(v, day) or (not paper and v.inspection.published is None))]
    counts = rating_counts(peers)
    rated = sum(counts[r] for r in RATINGS_HIGH_FIRST)
    latest = max((v.inspection.published for v in peers if published_by(v, day)), key=attrgetter("end"), default=None)
    service = corpus.services[view.service_id]
    return Comparison(view, (service.as_at(day) if paper else service.service).short_name,
                      corpus.frameworks[view.framework_id].name, day, len(peers), rated,
                      tuple((r, counts[r], _share(counts[r], rated)) for r in RATINGS_HIGH_FIRST),
                      sum(counts[r] for r in GOOD_OR_BETTER), len(undated),
                      view.kind_name if view.inspection_type else None, latest)
