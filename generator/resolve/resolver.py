"""Build the `Corpus` from validated records, reporting every broken reference."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import replace
from functools import partial
from types import MappingProxyType
from typing import AbstractSet, Any, Callable, Hashable, Iterator, Mapping, NamedTuple

from generator.clock import LONDON
from generator.images import IMAGE_SUFFIXES, LOGO_SUFFIXES, drawn_sources, published_image, shown_images
from generator.model.blocks import BLOCKS, block_problem, broken_blocks, find_blocks
from generator.speed.memo import no_memo
from generator.model import ActionPlan, Framework, Site
from generator.model.action_plan import Action
from generator.model.council import NOTICE_FIELDS, Nation
from generator.model.framework import period_end
from generator.model.inspection import imported_digest
from generator.load.files import RECORD_FOLDERS
from generator.load.yaml_source import dotted
from generator.markdown_limits import markdown_excesses
from generator.model.types import Status
from generator.rules.publication import first_public_day, not_before_publication
from generator.problems import Problem, Severity, did_you_mean, did_you_mean_file
from generator.resolve.corpus import (ActionPlanView, ActionView, AppendixView, AttachmentView,
                                      Corpus, CouncilView, IndicatorsView, InspectionView, ItemView,
                                      MeetingView, Recommendation, ReportedTo, ReportView, ServiceView, action_view,
                                      by_id)
from generator.resolve import papers
from generator.resolve.frameworks import Applied, apply_framework
from generator.rules import progress
from generator.rules.contrast import contrast_ratio
from generator.rules.changes import details_as_at
from generator.rules.issue import pack_issue_date
from generator.validate import Record, Records

# (key, compute) -> compute(), or an earlier build's result for the same key (`CheckMemo.part`)
PerRecord = Callable[[Hashable, Callable[[], Any]], Any]

# The digest of a file with nothing in it: two such files are not one paper.
EMPTY_FILE_DIGEST = hashlib.sha256(b"").hexdigest()
EXEMPT_PARAGRAPHS = {Nation.ENGLAND: range(1, 8), Nation.WALES: range(12, 19)}

# Markdown images and links, ![alt](target) / [text](target), and references, ![alt][label]:
# what follows a '[...]' (`bracketed`). A target holds balanced brackets, as Python-Markdown reads
# it ('javascript:alert(1)', 'attachments/chart(1).png'), two deep. A definition's label holds no
# bracket (as Python-Markdown's).
MD_TARGET_TAIL = re.compile(r"\(\s*<?((?:[^()\s>]|\((?:[^()\s>]|\([^()\s>]*\))*\))+)")
MD_REFERENCE_TAIL = re.compile(r"\[([^\]]*)\]")
_MD_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]]*)\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_RAW_SRC = re.compile(r"""(src|href)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


class _Checker:
    """Collects problems while references are resolved."""

    def __init__(self, records: Records | None = None) -> None:
        self.records = records          # needed by `reference` and `attachment` only
        self.problems: list[Problem] = []

    def at(self, record: Record, field: tuple, severity: Severity, message: str, hint: str | None = None) -> None:
        self.problems.append(record.problem(field, severity, message, hint))

    def reference(self, record: Record, field: tuple, kind: str, target: str | None,
                  noun: str, folder: str) -> bool:
        """True when `target` names an existing record of `kind` (or is absent)."""
        if target is None:
            return True
        if target in self.records.of(kind):
            return True
        if (kind, target) in self.records.invalid:
            return False     # its own errors are reported; don't add a second one here
        known = list(self.records.of(kind))
        hint = did_you_mean(target, known) or (
            f"no file content/{folder}/{target}{RECORD_FOLDERS[folder][1][0]}"
            + (f"; known: {', '.join(sorted(known)[:8])}" if known else ""))
        self.at(record, field, Severity.ERROR, f"there is no {noun} '{target}'", hint)
        return False

    def attachment(self, record: Record, field: tuple, path: str | None) -> bool:
        if path is None:
            return True
        if path.startswith(("/", "\\")) or ".." in path.replace("\\", "/").split("/") or ":" in path:
            self.at(record, field, Severity.ERROR, f"'{path}' points outside content/",
                    "give a path under content/, e.g. attachments/report.pdf")
            return False
        if path in self.records.attachments:
            return True
        hint = did_you_mean_file(path, self.records.attachments) or "put the file in content/attachments/"
        self.at(record, field, Severity.ERROR, f"there is no file content/{path}", hint)
        return False


def _line_of(record: Record, field: tuple) -> int:
    return record.source.locate(field).line


def _targets_at(record: Record, field: tuple, text: str | None, attachment_paths: AbstractSet[str]) -> list[Problem]:
    """`check_markdown_targets` of the text at `field` of `record`, named as the file writes it."""
    return check_markdown_targets(text, record.path, partial(_line_of, record, field), dotted(record.written(field)),
                                  attachment_paths)


def _public_state(model) -> tuple[Status, dt.datetime | None]:
    return getattr(model, "status", Status.PUBLISHED), getattr(model, "embargo_until", None)


def may_have_targets(text: str | None) -> bool:
    """False for text with no link, image or src= at all: most fields, checked no further."""
    return bool(text) and ("[" in text or "=" in text)


def bracketed(text: str, tail: re.Pattern) -> Iterator[tuple[int, str, str, re.Match]]:
    """What `re.finditer(r"(!?)\\[([^\\]]*)\\]" + tail.pattern, text)` finds, as (start, '!' or '',
    the text between the brackets, the tail's match), in time linear in the text: the regular
    expression tries every '[' again up to the next ']', quadratic in a run of '['."""
    position = 0
    while (opening := text.find("[", position)) >= 0:
        closing = text.find("]", opening + 1)
        if closing < 0:
            return
        after = tail.match(text, closing + 1)
        if after is None:
            position = closing + 1      # each '[' before `closing` closes there, and fails the same way
            continue
        bang = "!" if opening > position and text[opening - 1] == "!" else ""
        yield opening - len(bang), bang, text[opening + 1:closing], after
        position = after.end()


class _LineOf:
    """The line of an index in a text, counted on from the last one asked for."""

    def __init__(self, text: str, first: int) -> None:
        self.text, self.first, self.index, self.line = text, first, 0, first

    def __call__(self, index: int) -> int:
        if index < self.index:
            self.index, self.line = 0, self.first
        self.line += self.text.count("\n", self.index, index)
        self.index = index
        return self.line


def check_markdown_targets(text: str | None, record_path: str, line: int | Callable[[], int], field: str,
                           known: AbstractSet[str]) -> list[Problem]:
    """Images must be files under content/; links may not run script or read local files.

    WeasyPrint and browsers would otherwise fetch `http://`, `file:///etc/passwd` or
    `../../secret.png` while rendering: refuse at validation, naming the record.
    `line` is the text's first line, or a function giving it: a record read by the fast
    path has its positions worked out only when there is a problem to place.
    """
    if not may_have_targets(text):
        return []
    problems = []
    if callable(line):
        found = check_markdown_targets(text, record_path, 0, field, known)
        if not found:
            return []
        first = line()
        return [replace(p, line=p.line + first) for p in found]
    line_of = _LineOf(text, line)
    # Reference-style targets: ![alt][chart] ... [chart]: http://... are checked at the definition.
    definitions = {m.group(1).strip().lower(): m for m in _MD_DEFINITION.finditer(text)}
    images: set[str] = set()        # the image targets checked here
    for _, bang, inside, label in bracketed(text, MD_REFERENCE_TAIL):
        definition = definitions.get((label.group(1) or inside).strip().lower())
        if definition is not None:
            problems += _check_target(definition.group(2), bang == "!", record_path,
                                      partial(line_of, definition.start()), field, known)
            images |= {definition.group(2)} if bang else set()
    for start, bang, inside, after in bracketed(text, MD_TARGET_TAIL):
        if bang and not inside.strip():
            # Papers are tagged PDFs and pages meet WCAG: every image needs words.
            problems.append(Problem(record_path, line_of(start), 1, Severity.ERROR, field,
                                    "an image has no alternative text",
                                    "write what it shows between the brackets: ![Ratings by standard](...)"))
        problems += _check_target(after.group(1), bang == "!", record_path, partial(line_of, start), field, known)
        images |= {after.group(1)} if bang else set()
    for match in _RAW_SRC.finditer(text):
        problems += _check_target(match.group(2), match.group(1).lower() == "src", record_path,
                                  partial(line_of, match.start()), field, known)
        images |= {match.group(2)} if match.group(1).lower() == "src" else set()
    if "![" in text or "<img" in text.lower():
        # What the renderer draws, read from its HTML: an image these patterns miss (brackets
        # in its alternative text) would otherwise go unchecked, and be fetched from anywhere.
        for source in drawn_sources(text):
            if source not in images:
                problems += _check_target(source, True, record_path, partial(line_of, 0), field, known)
    return problems


def markdown_body_problems(body: str | None, record_path: str, body_line: int) -> list[Problem]:
    """Each limit a Markdown body goes beyond (`markdown_limits`: nesting, and the work its
    brackets and tags would cost the reader), at the line and column where it first does."""
    return [Problem(record_path, body_line + excess.line - 1, excess.column, Severity.ERROR, "body",
                    excess.message, excess.hint) for excess in markdown_excesses(body or "")]


def _check_target(target: str, is_image: bool, record_path: str, where: Callable[[], int], field: str,
                  known: set[str]) -> list[Problem]:
    """One link or image target: script links and images from outside content/ are errors.
    `where()`: its line, worked out when there is a problem to place."""
    lowered = target.strip().lower()
    if lowered.startswith(("javascript:", "vbscript:", "data:")) and not is_image:
        return [Problem(record_path, where(), 1, Severity.ERROR, field,
                        f"the link '{target[:60]}' would run script or embed data",
                        "link to a web page (https://...) or a file under content/")]
    if not is_image:
        return _local_link(target, record_path, where, field, known)
    local = lowered.removeprefix("./")
    if re.match(r"^[a-z][a-z0-9+.-]*:", lowered) or lowered.startswith(("/", "\\")) or ".." in local.split("/"):
        return [Problem(record_path, where(), 1, Severity.ERROR, field,
                        f"the image '{target[:80]}' is outside the site; images are never fetched "
                        "from the network or from other folders",
                        "copy the image into content/attachments/ and point at attachments/NAME")]
    written = target.strip().removeprefix("./")
    if written not in known:
        # Names are compared as written: the site serves, and a page asks for, that exact path.
        same_but_case = next((name for name in sorted(known) if name.lower() == local), None)
        return [Problem(record_path, where(), 1, Severity.ERROR, field, f"there is no image content/{target[:80]}",
                        f"a file's name is case-sensitive: write {same_but_case}" if same_but_case
                        else "images live in content/attachments/")]
    if local[local.rfind("."):] not in IMAGE_SUFFIXES:
        return [Problem(record_path, where(), 1, Severity.ERROR, field, f"content/{target[:80]} is not an image",
                        "an image is a PNG, JPEG, GIF, WebP or SVG file")]
    return []


def _local_link(target: str, record_path: str, where: Callable[[], int], field: str,
                known: AbstractSet[str]) -> list[Problem]:
    """A link to a path (not a web address or a #section of the page) leads nowhere: the
    site publishes no file of content/ at its path, and a paper has no folders."""
    stripped = target.strip()
    if not stripped or stripped.startswith(("#", "//")) or re.match(r"^[a-z][a-z0-9+.-]*:", stripped.lower()):
        return []
    hint = ("an attachment is published as a meeting item's appendix: give it there, and name it here in words"
            if stripped.lower().removeprefix("./") in known else "link to a web page by its full address (https://...)")
    return [Problem(record_path, where(), 1, Severity.WARNING, field,
                    f"the link '{stripped[:80]}' leads to no page: the site publishes no file at that path, "
                    "and a paper has no folders", hint)]


def _date_label(value) -> str:
    return value.display if value is not None else "not recorded"


def _inspection_targets(rec: Record, attachment_paths: AbstractSet[str]) -> list[Problem]:
    """The links and images of an inspection's introduction and findings (`check_markdown_targets`)."""
    problems = []
    model = rec.model
    for d_number, findings in model.domains.items():
        if may_have_targets(findings.summary):
            where = ("domains", d_number, "summary")
            problems += _targets_at(rec, where, findings.summary, attachment_paths)
        for list_name in ("strengths", "areas_for_improvement"):
            for index, text in enumerate(getattr(findings, list_name)):
                if may_have_targets(text):      # the field's name is made only for those that may
                    where = ("domains", d_number, list_name, index)
                    problems += _targets_at(rec, where, text, attachment_paths)
    problems += check_markdown_targets(model.introduction, rec.path, partial(_line_of, rec, ("introduction",)),
                                       "introduction", attachment_paths)
    return problems


def _check_source(check: _Checker, rec: Record, field: tuple, kind: str, ref: str) -> None:
    if kind == "inspection":
        check.reference(rec, field, "inspection", ref, "inspection", "inspections")
    elif kind == "action_plan":
        check.reference(rec, field, "action_plan", ref, "action plan", "action-plans")
    else:
        check.attachment(rec, field, ref)


def _part_field(rec: Record, base: tuple, p_index: int, kind: str) -> tuple:
    """Where an appendix part is written: in `parts: [...]` or, for one part, as a field of the
    appendix. Read from the file's positions, so asked only of a part with a problem to place:
    a record read by the fast path would otherwise be parsed again for them."""
    field = base + ("parts", p_index, kind)
    return field if field in rec.source.values else base + (kind,)


def _check_part(check: _Checker, rec: Record, base: tuple, p_index: int, kind: str, ref: str) -> None:
    """That an appendix part names a record or file that exists."""
    trial = _Checker(check.records)
    _check_source(trial, rec, base + ("parts", p_index, kind), kind, ref)
    if trial.problems:
        _check_source(check, rec, _part_field(rec, base, p_index, kind), kind, ref)


class PlanActions(NamedTuple):
    views: tuple[ActionView, ...]
    counts: Mapping[str, int]           # actions at each RAG status
    overdue: int
    problems: list[Problem]
    answers: list[tuple[int, str]]      # (recommendation number, action id)
    last_update: dt.date | None         # the day the latest progress update counts from, if any
    images: frozenset[str]              # the images its Markdown draws (`images.shown_images`)
    plan: ActionPlan                    # its updates reported to a meeting dated by `progress.counting_from`


def _update_problems(check: _Checker, rec: Record, index: int, action: Action) -> None:
    """An update gives its day (`date`) or the meeting it was reported to (`reported_to`): one, not both."""
    for u_index, update in enumerate(action.updates):
        if update.date is None and update.reported_to is None:
            check.at(rec, ("actions", index, "updates", u_index), Severity.ERROR,
                     "this progress update gives neither a date nor the meeting it was reported to",
                     "add 'date: 2021-04-20', the day its source gives, or, where the source gives the progress "
                     "only as reported to a meeting, 'reported_to: <meeting id>' (content/meetings/<id>.yaml)")
        elif update.date is not None and update.reported_to is not None:
            check.at(rec, ("actions", index, "updates", u_index, "reported_to"), Severity.ERROR,
                     "this progress update gives both a date and the meeting it was reported to",
                     "keep 'date' where its source gives the update's day; else 'reported_to' alone, "
                     "and it counts from that meeting's papers")


def _plan_actions(rec: Record, count: int, as_of: dt.date, attachment_paths: AbstractSet[str],
                  reported: Mapping[str, ReportedTo] = MappingProxyType({}),
                  undated: AbstractSet[int] = frozenset()) -> PlanActions:
    """An action plan's actions with their RAG and overdue status as of `as_of`, the problems
    in them (`count`: how many recommendations the inspection makes; the links and images of
    their Markdown), and which (recommendation number, action id) pairs answer recommendations.
    `reported`: the meetings its updates were reported to, whose papers' day each counts from;
    `undated`: the actions with an update not simply dated (`_undated_updates`)."""
    plan = rec.model
    check = _Checker()
    answers: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    views = []
    resolved = []
    last_update: dt.date | None = None
    images: set[str] = set()
    days = {mid: meeting.counts_from for mid, meeting in reported.items()}
    for index, written in enumerate(plan.actions):
        action = written
        if index in undated:
            action = progress.counting_from(written, days)
            _update_problems(check, rec, index, written)
        resolved.append(action)
        # Where each text is, worked out only for those that may link: most have no link at all.
        texts = [(("actions", index, name), text) for name in ("action", "how", "outcome")
                 if may_have_targets(text := getattr(action, name))]
        texts += [(("actions", index, "updates", u_index, "note"), u.note) for u_index, u in enumerate(written.updates)
                  if may_have_targets(u.note)]
        for where, text in texts:
            check.problems += _targets_at(rec, where, text, attachment_paths)
            images |= shown_images(text)
        if action.id in seen:
            first = dotted(rec.written(("actions", seen[action.id])))
            check.at(rec, ("actions", index, "id"), Severity.ERROR,
                     f"action id '{action.id}' is used twice (first at {first})",
                     "give each action its own id")
        seen.setdefault(action.id, index)
        for r_index, number in enumerate(action.recommendations):
            if not 1 <= number <= count:
                check.at(rec, ("actions", index, "recommendations", r_index), Severity.ERROR,
                         f"{plan.inspection} has no recommendation {number}",
                         f"it has {count} recommendation{'s' if count != 1 else ''}, numbered 1 to {count}"
                         if count else "that inspection lists no recommendations")
            else:
                answers.append((number, action.id))
        dates = [u.date for u in action.updates]
        if dates != sorted(dates):
            check.at(rec, ("actions", index, "updates"), Severity.WARNING,
                     "progress updates are not in date order", "list them oldest first")
        latest = max(dates, default=None)
        if latest is not None:
            last_update = max(last_update or latest, latest)
        if latest is not None and latest > as_of:
            for u_index, update in enumerate(written.updates):
                if update.date is not None and update.date > as_of:
                    check.at(rec, ("actions", index, "updates", u_index, "date"), Severity.WARNING,
                             f"this progress update is dated {update.date.isoformat()}, after today",
                             "check the date: the plan's paper is as at its latest update, and is not published "
                             "before that day")
        # As the site stands on `as_of`: an update dated later had not been made then (`list overdue` agrees).
        views.append(action_view(progress.as_at(action, as_of), as_of, reported))
    if undated:
        plan = plan.model_copy(update={"actions": resolved})
    return PlanActions(tuple(views), MappingProxyType(dict(progress.rag_counts(v.status for v in views))),
                       sum(v.overdue for v in views), check.problems, answers, last_update, frozenset(images), plan)


def _undated_updates(plan: ActionPlan) -> tuple[tuple[int, int, str | None], ...]:
    """Where the plan's updates are not simply dated: (action, update, the meeting it names, if any)."""
    return tuple((index, u_index, update.reported_to) for index, action in enumerate(plan.actions)
                 for u_index, update in enumerate(action.updates)
                 if update.reported_to is not None or update.date is None)


def _reported_meetings(check: _Checker, records: Records, rec: Record, known: dict[str, ReportedTo],
                       named: tuple[tuple[int, int, str | None], ...]) -> dict[str, ReportedTo]:
    """The meetings a plan's updates were reported to, each with the day its papers are issued
    (`rules.issue.pack_issue_date`), from which such an update counts; a meeting there is none of
    is an error at its update. `known`: the meetings worked out for earlier plans."""
    found: dict[str, ReportedTo] = {}
    for index, u_index, mid in named:
        if mid is None:
            continue
        if mid not in known:
            if not check.reference(rec, ("actions", index, "updates", u_index, "reported_to"), "meeting", mid,
                                   "meeting", "meetings"):
                continue
            meeting = records.of("meeting")[mid].model
            council = records.of("council").get(meeting.council)
            known[mid] = ReportedTo(mid, meeting.committee, meeting.date, meeting.issued,
                                    pack_issue_date(meeting, council.model if council else None))
        found[mid] = known[mid]
    return dict(sorted(found.items()))


def _names_digest(names: AbstractSet[str]) -> str:
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


class _Inspection(NamedTuple):
    """An inspection part way through resolving: its record, the framework applied to it."""

    rec: Record
    framework: Framework
    applied: Applied
    date: dt.date                 # what orders a service's inspections
    when: Any                     # the published (or fieldwork) date, for its title


def _councils(check: _Checker, records: Records) -> None:
    """Each council's logo, colour and notices' links checked, its own and each change's, its changes on
    days of their own, and each service's council found and its changes on days of their own."""
    for rec in records.of("council").values():
        given = [((), rec.model, {"logo", "colour", *NOTICE_FIELDS})]
        given += [(("changes", index), change, change.model_fields_set) for index, change in enumerate(rec.model.changes)]
        for where, details, named in given:
            for name in NOTICE_FIELDS:
                if name in named and may_have_targets(getattr(details, name)):
                    check.problems += _targets_at(rec, (*where, name), getattr(details, name),
                                                  frozenset(records.attachments))
            if "logo" in named:
                _logo(check, rec, (*where, "logo"), details.logo)
            if "colour" in named:
                _colour(check, rec, (*where, "colour"), details.colour)
        _changes_in_order(check, rec)
    for rec in records.of("service").values():
        check.reference(rec, ("council",), "council", rec.model.council, "council", "councils")
        _changes_in_order(check, rec)


def _logo(check: _Checker, rec: Record, field: tuple, logo: str | None) -> None:
    if check.attachment(rec, field, logo) and logo and not logo.lower().endswith(LOGO_SUFFIXES):
        check.at(rec, field, Severity.ERROR, f"'{logo}' is not an SVG, PNG or JPEG image",
                 "a logo is an SVG, PNG or JPEG file under content/attachments/")


def _colour(check: _Checker, rec: Record, field: tuple, colour: str) -> None:
    ratio = contrast_ratio("#ffffff", colour)
    if ratio < 4.5:
        check.at(rec, field, Severity.WARNING,
                 f"white text on {colour} has contrast {ratio:.1f}:1, below the 4.5:1 WCAG AA needs",
                 "choose a darker colour; the theme's default is #1d4f91")


def _changes_in_order(check: _Checker, rec: Record) -> None:
    """Two changes from one day leave unsaid which holds: an error. Changes out of date order
    are applied in date order (`rules.changes.details_as_at`), with a warning, as progress
    updates are."""
    seen: dict = {}
    latest = None
    for index, change in enumerate(rec.model.changes):
        day = change.from_
        if day in seen:
            check.at(rec, ("changes", index, "from"), Severity.ERROR,
                     f"two changes from {day.isoformat()} (the other is changes.{seen[day]})",
                     "put what changes on that day into one change")
            continue
        seen[day] = index
        if latest is not None and day < latest:
            check.at(rec, ("changes", index, "from"), Severity.WARNING,
                     f"this change from {day.isoformat()} follows one from {latest.isoformat()}",
                     "list changes oldest first; they are applied in date order")
        latest = max(latest or day, day)


def _inspections(check: _Checker, records: Records, frameworks: Mapping[str, Framework],
                 per_record: PerRecord) -> dict[str, _Inspection]:
    """Each inspection with its framework applied (ratings computed, the record checked against them)."""
    attachment_paths = frozenset(records.attachments)
    attachments_key = _names_digest(attachment_paths)
    inspections: dict[str, _Inspection] = {}
    for iid, rec in records.of("inspection").items():
        model = rec.model
        ok = check.reference(rec, ("service",), "service", model.service, "service", "services")
        framework = frameworks.get(model.framework)
        if framework is None:
            check.reference(rec, ("framework",), "framework", model.framework, "framework", "frameworks")
            continue
        if model.fieldwork and model.fieldwork.to and model.fieldwork.from_.start > model.fieldwork.to.end:
            check.at(rec, ("fieldwork", "to"), Severity.ERROR,
                     f"fieldwork ends ({model.fieldwork.to}) before it starts ({model.fieldwork.from_})")
        if model.fieldwork and model.published:
            last = model.fieldwork.to or model.fieldwork.from_
            if model.published.end < last.start:
                check.at(rec, ("published",), Severity.ERROR,
                         f"published ({model.published}) before the fieldwork ({last})",
                         "a report is published after its fieldwork")
        framework_digest = records.of("framework")[model.framework].digest
        applied = per_record(("framework", rec.path, rec.digest, framework_digest),
                             partial(apply_framework, rec, framework))
        check.problems += applied.problems
        check.problems += per_record(("targets", rec.path, rec.digest, attachments_key),
                                     partial(_inspection_targets, rec, attachment_paths))
        if not ok:
            continue
        when = model.published or (model.fieldwork.to or model.fieldwork.from_ if model.fieldwork else None)
        inspections[iid] = _Inspection(rec, framework, applied, when.end if when else dt.date(1900, 1, 1), when)
    return inspections


class _Plans(NamedTuple):
    views: dict[str, ActionPlanView]
    of_inspection: dict[str, list[str]]                          # inspection -> its plans
    answered: dict[str, dict[int, list[tuple[str, str]]]]       # inspection -> recommendation -> (plan, action)


def _action_plans(check: _Checker, records: Records, inspections: Mapping[str, _Inspection], as_of: dt.date,
                  per_record: PerRecord) -> _Plans:
    """Each action plan with its actions' RAG and overdue status as of `as_of`; then a warning
    for each recommendation of a planned-for inspection that no action answers."""
    answered: dict[str, dict[int, list[tuple[str, str]]]] = {iid: {} for iid in inspections}
    plans_of: dict[str, list[str]] = {iid: [] for iid in inspections}
    views: dict[str, ActionPlanView] = {}
    attachment_paths = frozenset(records.attachments)
    attachments_key = _names_digest(attachment_paths)
    meetings: dict[str, ReportedTo] = {}
    for pid, rec in records.of("action_plan").items():
        plan = rec.model
        if not check.reference(rec, ("inspection",), "inspection", plan.inspection, "inspection", "inspections"):
            continue
        if plan.inspection not in inspections:
            continue
        target = inspections[plan.inspection].rec.model
        count = sum(len(g.items) for g in target.recommendations)
        undated = per_record(("undated", rec.path, rec.digest), partial(_undated_updates, plan))
        reported = _reported_meetings(check, records, rec, meetings, undated)
        actions = per_record(("actions", rec.path, rec.digest, count, as_of, attachments_key,
                              tuple(reported.values())),
                             partial(_plan_actions, rec, count, as_of, attachment_paths, reported,
                                     frozenset(index for index, _, _ in undated)))
        check.problems += actions.problems
        for number, action_id in actions.answers:
            answered[plan.inspection].setdefault(number, []).append((pid, action_id))
        plans_of[plan.inspection].append(pid)
        status, embargo = _public_state(plan)
        council_id = records.of("service")[target.service].model.council
        # Its digest names the meetings' facts too: its pages and papers print them, and count from their day.
        digest = rec.digest if not reported else hashlib.sha256(f"{rec.digest}|{reported}".encode()).hexdigest()
        views[pid] = ActionPlanView(pid, rec.path, digest, status, embargo, actions.plan, plan.inspection,
                                    target.service, council_id, actions.views, actions.counts, actions.overdue,
                                    actions.last_update, actions.images, MappingProxyType(reported))

    for iid, plan_ids in plans_of.items():
        if not plan_ids:
            continue
        number = 0
        for group in inspections[iid].rec.model.recommendations:
            for _ in group.items:
                number += 1
                if number not in answered[iid]:
                    first = records.of("action_plan")[plan_ids[0]]
                    check.at(first, ("inspection",), Severity.WARNING,
                             f"{iid} recommendation {number}{f' ({group.to})' if group.to else ''} is answered "
                             "by no action",
                             "add an action with 'recommendations: [" + str(number) + "]'")
    return _Plans(views, plans_of, answered)


def _indicators(check: _Checker, records: Records) -> dict[str, IndicatorsView]:
    """Each indicators file; a service has at most one."""
    indicators: dict[str, IndicatorsView] = {}
    indicators_of: dict[str, str] = {}
    for xid, rec in records.of("indicators").items():
        model = rec.model
        if not check.reference(rec, ("service",), "service", model.service, "service", "services"):
            continue
        if model.service in indicators_of:
            check.at(rec, ("service",), Severity.ERROR,
                     f"{model.service} already has indicators in {indicators_of[model.service]}.yaml",
                     "keep one indicators file per service")
            continue
        for name in ("first_time_entrants", "reoffending_frequency", "custody_rate"):
            for index, point in enumerate(getattr(model, name)):
                if point.period.to and point.period.to.end < point.period.from_.start:
                    check.at(rec, (name, index, "period", "to"), Severity.ERROR,
                             "the period ends before it starts")
                elif point.published and point.published < (end := period_end(point.period)):
                    # A figure cannot exist before its period ends: one date or the other is mistyped.
                    check.at(rec, (name, index, "published"), Severity.ERROR,
                             f"published ({point.published.isoformat()}) before its period ends ({end.isoformat()})",
                             "a figure is published after its period ends: check both against the source")
        indicators_of[model.service] = xid
        status, embargo = _public_state(model)
        indicators[xid] = IndicatorsView(xid, rec.path, rec.digest, status, embargo, model, model.service)
    return indicators


def _meetings(check: _Checker, records: Records) -> tuple[dict[str, MeetingView], dict[str, tuple[str, int]]]:
    """Each meeting with its items; returns them and {report: (meeting, item number)}."""
    meetings: dict[str, MeetingView] = {}
    report_item: dict[str, tuple[str, int]] = {}
    attachment_paths = frozenset(records.attachments)
    # ("file", path) for each file an open item of an agenda gives: the same file exempt elsewhere is published.
    open_items = [item for rec in records.of("meeting").values() for item in rec.model.items
                  if not item.to_follow and item.part != 2]
    opened = {("file", part.source[1]) for item in open_items for appendix in item.appendices
              if appendix.exempt is None for part in appendix.parts if part.source[0] in ("markdown", "pdf")}
    opened |= {("file", item.minutes) for item in open_items if item.minutes}
    published_as = partial(_open_paper_of, opened, _open_papers_by_bytes(opened, records.attachments),
                           records.attachments)
    for mid, rec in records.of("meeting").items():
        meeting = rec.model
        council_ok = check.reference(rec, ("council",), "council", meeting.council, "council", "councils")
        for name in ("note", *NOTICE_FIELDS):
            if may_have_targets(getattr(meeting, name)):
                check.problems += _targets_at(rec, (name,), getattr(meeting, name), attachment_paths)
        # A council unknown or with errors (a nation refused): its law, the paragraphs it allows, waits for it.
        nation = records.of("council")[meeting.council].model.nation if council_ok else None
        numbers: dict[int, int] = {}
        items = []
        for i_index, item in enumerate(meeting.items):
            if item.number in numbers:
                first = dotted(rec.written(("items", numbers[item.number])))
                check.at(rec, ("items", i_index, "number"), Severity.ERROR,
                         f"agenda item {item.number} is listed twice (first at {first})",
                         "number each item once")
            numbers.setdefault(item.number, i_index)
            if check.reference(rec, ("items", i_index, "report"), "report", item.report, "report", "reports") \
                    and item.report:
                other = report_item.get(item.report)
                if other is not None and other[0] != mid \
                        and _one_meeting(records.of("meeting")[other[0]].model, meeting):
                    # An agenda and its supplementary pack: the report is issued in the supplementary.
                    if meeting.pack.value == "supplementary":
                        report_item[item.report] = (mid, item.number)
                elif other is not None:
                    check.at(rec, ("items", i_index, "report"), Severity.WARNING,
                             f"report '{item.report}' is also item {other[1]} of {other[0]}",
                             "a report usually goes to one meeting; copy it for another")
                else:
                    report_item[item.report] = (mid, item.number)
            if item.to_follow and (item.report or item.appendices or item.minutes):
                check.at(rec, ("items", i_index, "to_follow"), Severity.WARNING,
                         "an item 'to follow' has its papers listed; they are left out of the pack",
                         "remove to_follow once the papers are ready")
            check.attachment(rec, ("items", i_index, "minutes"), item.minutes)
            exempt = _part_two(check, rec, i_index, item, nation)
            if exempt is not None and item.minutes and (open_paper := published_as(item.minutes)):
                _exempt_file(check, rec, ("items", i_index, "minutes"), item.minutes, open_paper)
            items.append(ItemView(item.number, item.title, item.report if not item.to_follow else None,
                                  item.to_follow, item.embargo_until,
                                  _appendices(check, rec, i_index, item, nation, exempt, published_as),
                                  item.description, item.minutes if not item.to_follow else None,
                                  item.part, exempt))
        _agenda_order(check, rec, meeting)
        status, embargo = _public_state(meeting)
        title = f"{meeting.committee}, {meeting.date.day} {meeting.date.strftime('%B %Y')}"
        meetings[mid] = MeetingView(mid, rec.path, rec.digest, status, embargo, meeting, meeting.council,
                                    tuple(sorted(items, key=lambda i: i.number)), title)
    packs: dict[tuple, list[str]] = {}
    for mid, view in meetings.items():
        packs.setdefault((view.council_id, view.meeting.committee, view.meeting.date), []).append(mid)
    meetings = {mid: replace(view, packs=tuple(sorted(packs[(view.council_id, view.meeting.committee,
                                                               view.meeting.date)])))
                for mid, view in meetings.items()}
    return meetings, report_item


def _one_meeting(first, second) -> bool:
    """Are two meeting files one meeting's packs: its agenda and a supplementary pack?"""
    return ((first.council, first.committee, first.date) == (second.council, second.committee, second.date)
            and "supplementary" in (first.pack.value, second.pack.value))


def _check_paragraph(check: _Checker, rec: Record, field: tuple, paragraph: int | None, nation: Nation | None
                     ) -> None:
    if paragraph is not None and nation is not None and paragraph not in EXEMPT_PARAGRAPHS[nation]:
        allowed = EXEMPT_PARAGRAPHS[nation]
        check.at(rec, field, Severity.ERROR,
                 f"{paragraph} is not a Schedule 12A paragraph for a council in {nation.value.title()}",
                 f"use {allowed.start} to {allowed.stop - 1}")


def _part_two(check: _Checker, rec: Record, i_index: int, item, nation: Nation | None) -> int | None:
    """A Part 2 item's paragraph: every paper of it is exempt. Its papers are appendices (each
    shown in the public pack as a notice) and minutes (in the members' pack alone): a report
    record would be published."""
    where = ("items", i_index)
    if item.part != 2:
        if item.exempt is not None:
            check.at(rec, where + ("exempt",), Severity.ERROR, "only a Part 2 item is exempt as a whole",
                     "add 'part: 2', or mark the exempt appendix itself with 'exempt:'")
        return None
    if item.exempt is None:
        check.at(rec, where + ("part",), Severity.ERROR, "a Part 2 item needs its Schedule 12A paragraph",
                 "add 'exempt: N', the paragraph that allows the press and public to be excluded")
        return None
    _check_paragraph(check, rec, where + ("exempt",), item.exempt, nation)
    if item.report:
        check.at(rec, where + ("report",), Severity.ERROR, "a Part 2 item's report would be published on the site",
                 "give its papers as appendices (each is exempt) instead")
    return item.exempt


def _agenda_order(check: _Checker, rec: Record, meeting) -> None:
    """A full agenda numbers its items 1, 2, 3 ... in order, Part 2 after Part 1. A
    supplementary pack lists only the items it carries, so its numbers may skip."""
    items = meeting.items
    for i_index, item in enumerate(items):
        if item.part == 1 and any(earlier.part == 2 for earlier in items[:i_index]):
            check.at(rec, ("items", i_index, "part"), Severity.WARNING,
                     f"agenda item {item.number} is in Part 1 but follows a Part 2 item",
                     "list the Part 2 (exempt) items last, after the exclusion of the press and public")
    if meeting.pack.value == "supplementary":
        return
    expected = 1
    for i_index, item in enumerate(items):
        if item.number != expected and (i_index == 0 or item.number != items[i_index - 1].number):
            check.at(rec, ("items", i_index, "number"), Severity.WARNING,
                     f"the agenda starts at item {item.number}" if i_index == 0 else
                     f"agenda item numbers skip from {expected - 1} to {item.number}" if item.number > expected
                     else f"agenda item {item.number} comes after item {expected - 1}",
                     f"number the agenda's items 1, 2, 3 ... in order (this one {expected}), or list the "
                     "items in between")
        expected = item.number + 1


def _exempt_file(check: _Checker, rec: Record, field: tuple, ref: str, open_paper: str) -> None:
    """A file given as exempt here and as an open paper elsewhere is published with the open
    item (`plan.publication.public_papers`): almost always a slip, and no small one."""
    given = "it too" if open_paper == ref else \
        f"{open_paper}, which holds the same bytes (a copy of it or a link to it)"
    check.at(rec, field, Severity.WARNING,
             f"{ref} is exempt here, but an open item of an agenda gives {given}, so the site publishes it",
             "give the open item a copy without the exempt part, or make that paper exempt there too")


def _open_papers_by_bytes(opened: set[tuple[str, str]], attachments: Mapping) -> dict[str, str]:
    """digest -> a file an open item gives with those bytes (an empty file publishes nothing,
    so two empty files are not one paper)."""
    return {attachments[ref].digest: ref for kind, ref in sorted(opened)
            if kind == "file" and ref in attachments and attachments[ref].digest != EMPTY_FILE_DIGEST}


def _open_paper_of(opened: set[tuple[str, str]], by_bytes: Mapping[str, str], attachments: Mapping,
                   ref: str) -> str | None:
    """The open paper that publishes the file `ref`: the same name, or the same bytes under
    another name (a copy, or a link in attachments/ to it), which publish the same words."""
    if ("file", ref) in opened:
        return ref
    found = attachments.get(ref)
    return by_bytes.get(found.digest) if found is not None else None


def _appendices(check: _Checker, rec: Record, i_index: int, item, nation: Nation | None,
                exempt: int | None, published_as: Callable[[str], str | None]) -> tuple[AppendixView, ...]:
    """An agenda item's appendices, their exemption paragraphs and parts checked. `exempt`:
    the paragraph of a Part 2 item, which every appendix without its own takes; `published_as`:
    the open paper that publishes a file (`_open_paper_of`). A record given as exempt is said
    once the corpus is known (`papers.exempt_given_for_good`)."""
    appendices = []
    for a_index, appendix in enumerate(item.appendices):
        base = ("items", i_index, "appendices", a_index)
        _check_paragraph(check, rec, base + ("exempt",), appendix.exempt, nation)
        parts = []
        for p_index, part in enumerate(appendix.parts):
            kind, ref = part.source
            _check_part(check, rec, base, p_index, kind, ref)
            parts.append((kind, ref))
            if (appendix.exempt or exempt) and kind in ("markdown", "pdf") and (open_paper := published_as(ref)):
                _exempt_file(check, rec, _part_field(rec, base, p_index, kind), ref, open_paper)
        appendices.append(AppendixView(a_index + 1, appendix.title, tuple(parts), appendix.exempt or exempt))
    return tuple(appendices)


def _reports(check: _Checker, records: Records, report_item: Mapping[str, tuple[str, int]],
             per_record: PerRecord) -> dict[str, ReportView]:
    """Each report: what its front matter names, its body's blocks, links and images."""
    attachment_paths = frozenset(records.attachments)
    attachments_key = _names_digest(attachment_paths)
    reports: dict[str, ReportView] = {}
    for rid, rec in records.of("report").items():
        front = rec.model
        check.reference(rec, ("council",), "council", front.council, "council", "councils")
        check.reference(rec, ("inspection",), "inspection", front.inspection, "inspection", "inspections")
        check.reference(rec, ("action_plan",), "action_plan", front.action_plan, "action plan", "action-plans")
        check.reference(rec, ("indicators",), "indicators", front.indicators, "indicators file", "indicators")
        body = rec.body or ""
        for block in find_blocks(body):
            line = rec.body_line + block.line - 1
            wrong = block_problem(block)
            needs = BLOCKS.get(block.name)
            if wrong:
                check.problems.append(Problem(rec.path, line, 1, Severity.ERROR, "body", wrong[0], wrong[1]))
            elif needs and getattr(front, needs) is None:
                check.problems.append(Problem(rec.path, line, 1, Severity.ERROR, "body",
                                              f"[[{block.name}]] needs '{needs}:' in the front matter",
                                              f"add '{needs}: <id>' between the '---' lines"))
        for number, text, hint in broken_blocks(body):
            check.problems.append(Problem(rec.path, rec.body_line + number - 1, 1, Severity.ERROR, "body",
                                          f"'{text}' is not written as a block", hint))
        check.problems += per_record(("targets", rec.path, rec.digest, attachments_key),
                                     partial(check_markdown_targets, body, rec.path, rec.body_line, "body",
                                             attachment_paths))
        check.problems += per_record(("markdown", rec.path, rec.digest),
                                     partial(markdown_body_problems, body, rec.path, rec.body_line))
        meeting_id, item_number = report_item.get(rid, (None, None))
        status, embargo = _public_state(front)
        reports[rid] = ReportView(rid, rec.path, rec.digest, status, embargo, front, body, rec.body_line,
                                  meeting_id, item_number)
    return reports


def _attachments(check: _Checker, records: Records, per_record: PerRecord) -> dict[str, AttachmentView]:
    """Each file under content/attachments/; a Markdown one's links and images checked."""
    attachment_paths = frozenset(records.attachments)
    attachments: dict[str, AttachmentView] = {}
    for path, doc in records.attachments.items():
        title, raw = None, doc.raw
        if doc.body is not None:
            front = doc.data if isinstance(doc.data, dict) else {}
            title = front.get("title") if isinstance(front.get("title"), str) else None
            for key in front:
                if key != "title":
                    # Its appendix on the agenda decides what is public (status, embargo, exempt):
                    # a field here would be silently ignored, so it is refused.
                    pos = doc.source.locate_key((key,))
                    check.problems.append(Problem(
                        doc.path, pos.line, pos.column, Severity.ERROR, str(key),
                        f"an attachment's front matter takes 'title' only, not '{key}'",
                        "say it in the meeting's record: 'exempt:' on the appendix, 'embargo_until:' on the "
                        "item, 'status:' on the meeting"))
            check.problems += check_markdown_targets(doc.body, doc.path, doc.body_line, "body", attachment_paths)
            check.problems += markdown_body_problems(doc.body, doc.path, doc.body_line)
        elif raw is not None and path[path.rfind("."):].lower() in IMAGE_SUFFIXES:
            # What the site publishes (a logo) is these bytes: an SVG without what could run.
            raw, found = per_record(("image", doc.path, doc.digest), partial(published_image, doc.path, raw))
            check.problems += found
        attachments[path] = AttachmentView(path, doc.digest, title, doc.body, raw)
    return attachments


def title_after_name(when: Any, kind: str | None, framework: str) -> str:
    """An inspection's title after its service's name: ' inspection, September 2025' (its report's
    month: publication, else fieldwork). A record with neither date says what else it gives, its kind
    of inspection or its framework, so that the title tells it from the service's other inspections:
    only what the record says, never a guessed year."""
    if when is not None:
        return f" inspection, {when.start.strftime('%B %Y')}"
    if kind:
        return f": {kind[:1].lower()}{kind[1:]}, date not recorded"
    return f" inspection under the {framework}, date not recorded"


def _inspection_views(records: Records, inspections: Mapping[str, _Inspection], plans: _Plans, as_of: dt.date
                      ) -> tuple[dict[str, InspectionView], dict[str, tuple[str, ...]]]:
    """The inspections as pages show them (titled with their service's name as at `as_of`), each
    service's in date order with previous and next; returns them and {service: its inspections in order}."""
    by_service: dict[str, list[str]] = {sid: [] for sid in records.of("service")}
    for iid, data in inspections.items():
        by_service[data.rec.model.service].append(iid)
    views: dict[str, InspectionView] = {}
    ordered_of: dict[str, tuple[str, ...]] = {}
    for sid, ids in by_service.items():
        ordered = sorted(ids, key=lambda i: (inspections[i].date, i))
        ordered_of[sid] = tuple(ordered)
        for position, iid in enumerate(ordered):
            data = inspections[iid]
            rec = data.rec
            model = rec.model
            service = details_as_at(records.of("service")[model.service].model, as_of)
            recommendations = []
            number = 0
            for group in model.recommendations:
                for text in group.items:
                    number += 1
                    recommendations.append(Recommendation(number, group.to, text,
                                                          tuple(plans.answered[iid].get(number, ()))))
            applied, framework = data.applied, data.framework
            after_name = title_after_name(data.when, applied.kind.name if applied.kind else None, framework.name)
            status, embargo = _public_state(model)
            embargo = not_before_publication(embargo, model.published)
            views[iid] = InspectionView(
                iid, rec.path, rec.digest, status, embargo, model, model.service, service.council,
                model.framework, model.inspection_type, applied.kind.name if applied.kind else framework.name,
                service.short_name + after_name, after_name, data.date, _date_label(model.published),
                applied.domains, applied.separate, applied.published_score, applied.computed_score,
                applied.max_score, applied.computed_overall,
                bool(framework.ratings or framework.key_question_bands or framework.overall_bands),
                tuple(recommendations), tuple(plans.of_inspection[iid]),
                ordered[position - 1] if position > 0 else None,
                ordered[position + 1] if position + 1 < len(ordered) else None, rec.listed_digest,
                model.imported is not None and imported_digest(model) != model.imported.digest,
                rates_by_lowest_key_question=bool(framework.key_question_bands))
    return views, ordered_of


def _publication_day_warnings(check: _Checker, records: Records, as_of: dt.date) -> None:
    """A warning at each inspection held back by its publication day (`rules.publication`): one
    whose embargo ends before that day, and one not yet published with no embargo of its own,
    held until a time the clerk did not give."""
    for rec in records.of("inspection").values():
        published, embargo = rec.model.published, rec.model.embargo_until
        if published is not None and embargo is not None and embargo.astimezone(LONDON).date() < published.start:
            check.at(rec, ("embargo_until",), Severity.WARNING,
                     f"the embargo ends before {published}, the day the record says the report was published: "
                     "nothing of the inspection is public before that day",
                     "correct embargo_until or published: the inspectorate's report is public from its publication day")
        if published is None or embargo is not None:
            continue
        public_from = first_public_day(published)
        if public_from <= as_of:
            continue
        check.at(rec, ("published",), Severity.WARNING,
                 f"{published} {'has not ended' if published.is_month else 'is after today'}: nothing of the "
                 f"inspection is public before {public_from.day} {public_from:%B %Y}",
                 "give embargo_until with the " + ("day and " if published.is_month else "") +
                 "time the inspectorate releases the report, e.g. "
                 f"embargo_until: {published.start.isoformat()} 00:01")


def resolve(records: Records, as_of: dt.date, per_record: PerRecord = no_memo
            ) -> tuple[Corpus | None, list[Problem]]:
    """Join and check everything, one kind of record after another. Returns no corpus when
    site.yaml itself is unusable.

    `per_record(key, compute)` gives a per-record result: `CheckMemo.part` reuses what an earlier
    build computed for the same key. Each key names everything its result depends on."""
    check = _Checker(records)
    if records.site is None:
        return None, check.problems
    site: Site = records.site.model
    if site.default_council:
        check.reference(records.site, ("default_council",), "council", site.default_council, "council", "councils")
    for index, council in enumerate(site.own_councils):
        check.reference(records.site, ("own_councils", index), "council", council, "council", "councils")
    frameworks: Mapping[str, Framework] = {fid: r.model for fid, r in records.of("framework").items()}
    _councils(check, records)
    inspections = _inspections(check, records, frameworks, per_record)
    plans = _action_plans(check, records, inspections, as_of, per_record)
    indicators = _indicators(check, records)
    meetings, report_item = _meetings(check, records)     # before reports: a report learns its meeting item
    reports = _reports(check, records, report_item, per_record)
    # Between papers and packs (issue 25): what a paper says against what its pack holds.
    check.problems += [*papers.cited_but_missing(records, meetings, report_item),
                       *papers.wrong_council(records), *papers.same_inspection_twice(records),
                       *papers.papers_of_another_area(records),
                       *papers.large_appendices(records)]
    attachments = _attachments(check, records, per_record)
    inspection_views, inspections_of = _inspection_views(records, inspections, plans, as_of)
    _publication_day_warnings(check, records, as_of)
    indicators_of = {view.service_id: xid for xid, view in indicators.items()}

    services = {sid: ServiceView(sid, rec.path, rec.digest, Status.PUBLISHED, None, details_as_at(rec.model, as_of),
                                 rec.model.council, inspections_of.get(sid, ()), indicators_of.get(sid), rec.model)
                for sid, rec in records.of("service").items()}
    councils = {cid: CouncilView(cid, rec.path, rec.digest, Status.PUBLISHED, None,
                                 details_as_at(rec.model, as_of), rec.model)
                for cid, rec in records.of("council").items()}

    corpus = Corpus(site, records.site.digest, by_id(frameworks), by_id(councils), by_id(services),
                    by_id(inspection_views), by_id(plans.views), by_id(indicators), by_id(reports),
                    by_id(meetings), by_id(attachments), as_of)
    check.problems += papers.released_after_issue(corpus, records) + papers.pages_numbered_twice(corpus, records)
    check.problems += papers.held_for_good(corpus, records)
    return corpus, check.problems
