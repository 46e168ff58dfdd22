"""The resolved corpus: every record joined to what it refers to, with derived facts.

Views refer to each other by id (never by object), so the corpus is a tree of frozen
data that can be hashed, pickled to worker processes and compared between builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping

from generator.model import (ActionPlan, Council, Framework, Indicators, Inspection, Meeting,
                             ReportFrontMatter, Service, Site)
from generator.model.action_plan import Action
from generator.model.framework import standard_label
from generator.model.inspection import DomainFindings
from generator.model.types import RAG, Rating, Status
from generator.rules import progress
from generator.rules.changes import details_as_at


@dataclass(frozen=True)
class Entry:
    """What every published thing has: an id, its file, its digest and its publication state."""

    id: str
    path: str
    digest: str
    status: Status
    embargo_until: dt.datetime | None


# Slotted: a national corpus makes hundreds of thousands of these (no per-instance dict).
@dataclass(frozen=True, slots=True)
class KeyQuestionResult:
    number: str
    text: str
    yes: int | None
    of: int | None
    percent: float | None           # None when the record gives no figure
    band: Rating | None
    case_based: bool = True         # False: judged from the service's arrangements, so its figure counts no cases


@dataclass(frozen=True, slots=True)
class StandardResult:
    number: str
    name: str
    statement: str | None
    case_based: bool
    counted: bool                   # counts towards the overall score
    published: Rating | None        # the fact, as the inspectorate published it
    computed: Rating | None         # advisory: from the lowest key question
    lowest_percent: float | None    # None unless every key question has its figure: the lowest is then unknown
    cases: int | None
    key_questions: tuple[KeyQuestionResult, ...]
    discretion: str | None          # why professional discretion may apply, where it does
    differs: bool                   # published and computed ratings differ
    score: int | None               # of the published rating, where the framework counts it in the total
    not_rated: bool = False         # the inspectorate said it did not rate it (not: left out)
    number_published: bool = True   # False: `number` is the framework file's key, which HMIP does not print
    sample: str = "cases"           # what its cases are: "victims' cases" where the inspectorate samples them apart

    @property
    def shown_number(self) -> str:
        """The number pages and papers print: '' where the inspectorate publishes none."""
        return self.number if self.number_published else ""

    @property
    def label(self) -> str:
        return standard_label(self.number, self.name, self.number_published)

    @property
    def figured(self) -> bool:
        """True when the record gives the figure of any of its key questions."""
        return any(q.percent is not None for q in self.key_questions)

    @property
    def base_named(self) -> bool:
        """True when its figures are not simply of 'inspected cases': its cases are a sample of their
        own (victims' cases), or a key question is judged from the service's arrangements."""
        return self.sample != "cases" or not all(q.case_based for q in self.key_questions)

    @property
    def recorded(self) -> bool:
        """False when the record does not say: the standard is *not recorded*."""
        return self.published is not None or self.not_rated


def share_of_cases(standard: StandardResult, question: KeyQuestionResult) -> bool:
    """Whether a key question's figure is a share of the cases inspected, so that figures from
    different inspections may be averaged: per the framework's data, its standard is rated from
    cases and it is answered case by case (not the 2025 framework's V1.2, judged from the
    service's arrangements, nor a key question of a judged standard such as 2021's 1.1)."""
    return standard.case_based and question.case_based


@dataclass(frozen=True, slots=True)
class DomainResult:
    number: str
    name: str
    standards: tuple[StandardResult, ...]
    findings: DomainFindings | None


@dataclass(frozen=True, slots=True)
class Recommendation:
    number: int
    to: str | None                             # None: not recorded
    text: str
    answered_by: tuple[tuple[str, str], ...]   # (action plan id, action id)


# Before every ISO day as text ('0' < '1'), and read in a page's source as what it is.
UNDATED_SORT_KEY = "0 date not recorded"


@dataclass(frozen=True)
class InspectionView(Entry):
    inspection: Inspection
    service_id: str
    council_id: str
    framework_id: str
    inspection_type: str | None      # the kind of inspection, where the framework has several
    kind_name: str                   # "An inspection of youth justice services", or the framework's name
    title: str                       # "Torbay YOT inspection, March 2021": its service's name as at the build
    title_after_name: str            # " inspection, March 2021": the title after the service's name, for another day's
    date: dt.date                    # for ordering: published, else fieldwork (neither: 1900-01-01, first)
    date_label: str                  # "3 March 2021"
    domains: tuple[DomainResult, ...]
    separately_rated: tuple[StandardResult, ...]
    overall_score: int | None        # as published (a percentage made a whole score)
    computed_score: int | None       # None unless the framework scores and every counted standard is rated
    max_score: int | None            # None: the framework publishes no score
    computed_overall: Rating | None  # None unless the framework bands a total score
    computes: bool                   # the framework publishes rules that give advisory ratings
    recommendations: tuple[Recommendation, ...]
    action_plan_ids: tuple[str, ...]
    previous_id: str | None
    next_id: str | None
    listed_digest: str               # of the record without its prose: see model.inspection.PROSE_FIELDS
    edited_since_import: bool = False   # imported (`imported:`), and its data changed by hand since
    rates_by_lowest_key_question: bool = False   # the framework publishes key-question bands (2018, 2021; not 2025)

    @property
    def standards(self) -> tuple[StandardResult, ...]:
        return tuple(s for d in self.domains for s in d.standards)

    def titled(self, service: Service) -> "InspectionView":
        """The view titled with its service's name on another day (a paper's, `ServiceView.as_at`)."""
        return replace(self, title=service.short_name + self.title_after_name)

    @property
    def overall_rating(self) -> Rating | None:
        return self.inspection.overall.rating

    @property
    def year(self) -> int | None:
        """The year of the report (its publication, else its fieldwork); None where the record
        gives neither, whose `date` is only a place to sort it, not a year to print."""
        return self.date.year if self.inspection.published or self.inspection.fieldwork else None

    @property
    def sort_key(self) -> str:
        """What a list's date column sorts by (assets/table.js compares it as text): the day of
        `date`, or for a record that gives no date a key that is no date but sorts first, as `date` does."""
        return UNDATED_SORT_KEY if self.year is None else self.date.isoformat()


@dataclass(frozen=True, slots=True)
class ReportedTo:
    """The meeting a progress update was reported to (`reported_to:`), as pages and papers name
    it: "as reported to <committee>, <date>", since its source gives the progress no day."""
    meeting_id: str
    committee: str
    date: dt.date                       # the meeting's
    issued: dt.date | None              # its pack's `issued`, where the meeting gives it
    counts_from: dt.date                # its papers' issue day (`issued` or counted): the update counts from it


NO_MEETINGS: Mapping[str, ReportedTo] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ActionView:
    action: Action
    status: RAG | None
    overdue: bool
    latest_note: str | None
    latest_date: dt.date | None         # the date of the update that gives `status` and `latest_note`
    latest_reported: ReportedTo | None = None   # or the meeting it was reported to: then `latest_date` is None


def action_view(action: Action, as_of: dt.date, reported: Mapping[str, ReportedTo] = NO_MEETINGS) -> ActionView:
    """An action's status (its latest update's RAG) and whether it is overdue, as of a day. An
    update reported to a meeting is shown by that meeting, never by the day it counts from."""
    latest = progress.latest_update(action)
    status = latest.rag if latest else None
    meeting = reported.get(latest.reported_to) if latest and latest.reported_to else None
    return ActionView(action, status, progress.is_overdue(action, as_of, status), latest.note if latest else None,
                      latest.date if latest and meeting is None else None, meeting)


@dataclass(frozen=True)
class ActionPlanView(Entry):
    plan: ActionPlan                    # as resolved: an update reported to a meeting dated by `progress.counting_from`
    inspection_id: str
    service_id: str
    council_id: str
    actions: tuple[ActionView, ...]
    counts: Mapping[str, int]
    overdue_count: int
    last_update: dt.date | None         # the day the latest progress update counts from, if any
    images: frozenset[str]              # the images its Markdown draws on its page (`images.shown_images`)
    reported: Mapping[str, ReportedTo] = field(default_factory=lambda: NO_MEETINGS)   # the meetings its updates were reported to

    def as_at(self, day: dt.date) -> "ActionPlanView":
        """The plan as it stood at the end of `day`: later updates left out, overdue as at then.

        A paper shows its plan as at its issue (`plan.issue`), not as at the build."""
        # From the actions as written: `actions` are as at the build's day, which a preview's paper may follow.
        views = tuple(action_view(progress.as_at(action, day), day, self.reported) for action in self.plan.actions)
        dates = [u.date for v in views for u in v.action.updates]
        return replace(self, actions=views, counts=MappingProxyType(dict(progress.rag_counts(v.status for v in views))),
                       overdue_count=sum(v.overdue for v in views), last_update=max(dates, default=None))

    def reported_as_at(self, day: dt.date) -> ReportedTo | None:
        """The meeting the plan's progress as at `day` is as reported to: where the updates that
        count from `day` were all reported to one meeting, whose papers are issued that day.
        Pages and papers then say "as reported to" it rather than print `day`, which no source
        gives (docs/content-format.md)."""
        on_day = {u.reported_to for action in self.plan.actions for u in action.updates if u.date == day}
        if len(on_day) != 1 or None in on_day:
            return None
        return self.reported.get(next(iter(on_day)))

    def gives_day(self, day: dt.date) -> bool:
        """Does a source give `day`, a day the plan's updates count from: an update dated that day,
        or one reported to a meeting whose pack records it as its issue day (docs/content-format.md)?"""
        return any(u.reported_to is None or self.reported[u.reported_to].issued is not None
                   for action in self.plan.actions for u in action.updates if u.date == day)

    def with_meetings_only(self, public: Mapping, as_of: dt.date) -> "ActionPlanView":
        """The plan, as at `as_of`, without its updates reported to a meeting not in `public` (a
        draft or an embargoed one): its papers are not public, so neither is the progress reported in them."""
        hidden = {mid for mid in self.reported if mid not in public}
        if not hidden:
            return self
        actions = [progress.without_reports_to(action, hidden) for action in self.plan.actions]
        plan = self.plan.model_copy(update={"actions": actions})
        kept = {mid: meeting for mid, meeting in self.reported.items() if mid not in hidden}
        dates = [u.date for action in actions for u in action.updates]
        # Its digest too: the pages and papers made from it change with what the meetings let it show.
        digest = hashlib.sha256(f"{self.digest}|{sorted(hidden)}".encode()).hexdigest()
        at_build = replace(self, digest=digest, plan=plan, reported=MappingProxyType(kept)).as_at(as_of)
        return replace(at_build, last_update=max(dates, default=None))


@dataclass(frozen=True)
class ServiceView(Entry):
    service: Service                  # as at the corpus's as-of day: what pages show
    council_id: str
    inspection_ids: tuple[str, ...]   # oldest first
    indicators_id: str | None
    record: Service                   # as written, with its changes: papers read it as at their day

    def as_at(self, day: dt.date) -> Service:
        """The service's details on `day` (`rules.changes.details_as_at`): a paper's, its issue day."""
        return details_as_at(self.record, day)


@dataclass(frozen=True)
class CouncilView(Entry):
    council: Council                    # as at the corpus's as-of day: what pages show
    record: Council                     # as written, with its changes: papers read it as at their day

    def as_at(self, day: dt.date) -> Council:
        """The council's details on `day` (`rules.changes.details_as_at`): a paper's, its issue day."""
        return details_as_at(self.record, day)


@dataclass(frozen=True)
class IndicatorsView(Entry):
    indicators: Indicators
    service_id: str


@dataclass(frozen=True)
class ReportView(Entry):
    front: ReportFrontMatter
    body: str
    body_line: int
    meeting_id: str | None
    item_number: int | None


@dataclass(frozen=True)
class AppendixView:
    number: int
    title: str
    parts: tuple[tuple[str, str], ...]   # (kind, reference): ('inspection', 'torbay-2021'), ('markdown', 'attachments/x.md')
    exempt: int | None                   # Schedule 12A paragraph


@dataclass(frozen=True)
class ItemView:
    number: int
    title: str
    report_id: str | None
    to_follow: bool
    embargo_until: dt.datetime | None
    appendices: tuple[AppendixView, ...]
    description: str | None = None
    minutes: str | None = None          # its paper: the minutes to approve (content/attachments/...)
    part: int = 1                       # 2: exempt, after the exclusion of the press and public
    exempt: int | None = None           # a Part 2 item's Schedule 12A paragraph


@dataclass(frozen=True)
class MeetingView(Entry):
    meeting: Meeting
    council_id: str
    items: tuple[ItemView, ...]
    title: str                          # "Cabinet, 16 March 2022"
    packs: tuple[str, ...] = ()         # the meeting's packs (its agenda, supplementary ones), this one too


@dataclass(frozen=True)
class AttachmentView:
    path: str                           # relative to content/, e.g. attachments/x.md
    digest: str
    title: str | None
    text: str | None                    # Markdown body
    raw: bytes | None                   # PDF or image bytes


def by_id(views: Mapping) -> Mapping:
    """A corpus's views of one kind, read-only and in order of id."""
    return MappingProxyType(dict(sorted(views.items())))


@dataclass(frozen=True)
class Corpus:
    site: Site
    site_digest: str
    frameworks: Mapping[str, Framework]
    councils: Mapping[str, CouncilView]
    services: Mapping[str, ServiceView]
    inspections: Mapping[str, InspectionView]
    action_plans: Mapping[str, ActionPlanView]
    indicators: Mapping[str, IndicatorsView]
    reports: Mapping[str, ReportView]
    meetings: Mapping[str, MeetingView]
    attachments: Mapping[str, AttachmentView]
    as_of: dt.date
