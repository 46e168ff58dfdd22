"""Apply an inspection framework to an inspection record: names, order, computed ratings."""

from __future__ import annotations

from typing import NamedTuple

from generator.figures import percent_text
from generator.model import Framework, Inspection
from generator.model.framework import InspectionTypeDef
from generator.model.inspection import DomainFindings, StandardFinding
from generator.model.types import Rating
from generator.problems import Problem, Severity, did_you_mean
from generator.resolve.corpus import DomainResult, InspectionView, KeyQuestionResult, StandardResult
from generator.rules import hmip
from generator.validate import Record


def no_key_questions_hint(definition) -> str:
    """Why a standard takes no key questions: a judgement is not rated from them; a case-based
    standard whose questions the framework does not list (the 2025 framework's Assessing,
    Planning and Delivery: their wording is not published) is rated from cases all the same."""
    if not getattr(definition, "case_based", False):
        return f"{definition.number} is a judgement, not rated from key questions"
    return (f"the framework lists no key questions for {definition.number} ({definition.name}): "
            "give its rating, and its cases where the report gives them")


def _standard(definition, finding: StandardFinding | None, framework: Framework, counted: bool,
              record: Record, field: tuple, problems: list[Problem]) -> StandardResult:
    """One standard as the record gives it, its key questions banded and its rating computed
    where the framework publishes bands (advisory), and checked against the published one."""
    bands = framework.key_question_bands
    published = finding.rating if finding else None
    questions = []
    given = finding.key_questions if finding else {}
    known = {q.number for q in getattr(definition, "key_questions", [])}
    for number in given:
        if number not in known:
            hint = (f"{definition.number}'s key questions are " + ", ".join(sorted(known))) if known \
                else no_key_questions_hint(definition)
            problems.append(record.problem(field + ("key_questions", number), Severity.ERROR,
                                           f"'{number}' is not a key question of standard {definition.number}",
                                           hint, key=True))
    for question in getattr(definition, "key_questions", []):
        kq = given.get(question.number)
        percent = hmip.key_question_percent(kq.yes, kq.of, kq.percent) if kq else None
        questions.append(KeyQuestionResult(
            question.number, question.text, kq.yes if kq else None, kq.of if kq else None, percent,
            hmip.band(percent, bands) if percent is not None and bands else None, question.case_based))
    measured = [q for q in questions if q.percent is not None]
    # HMIP rates a standard by its lowest key question: with one not recorded the lowest is
    # unknown, so no rating is computed (nor compared with the published one). The rule is
    # published with its bands (2018, 2021): a framework without them (2025) has no lowest.
    complete = bool(measured) and len(measured) == len(questions)
    computed = hmip.standard_rating([q.percent for q in measured], bands) if complete and bands else None
    lowest = min(measured, key=lambda q: q.percent) if complete and bands else None
    discretion = None
    differs = bool(published and computed and published != computed)
    if lowest is not None and bands and complete:
        reason = hmip.discretion_applies(lowest.percent, bands, framework.discretion.margin,
                                         framework.discretion.small_sample,
                                         cases=finding.cases if finding else None,
                                         yes=lowest.yes, of=lowest.of)
        if reason:
            discretion = reason.describe(framework.discretion.margin, framework.discretion.small_sample)
        if differs:
            where = field + ("rating",)
            if reason:
                problems.append(record.problem(
                    where, Severity.NOTICE,
                    f"published '{published.value}' differs from the computed '{computed.value}' "
                    f"(lowest key question {lowest.number}: {percent_text(lowest.percent)})",
                    f"professional discretion may apply: {discretion}"))
            else:
                problems.append(record.problem(
                    where, Severity.WARNING,
                    f"published '{published.value}' but the lowest key question ({lowest.number}, "
                    f"{percent_text(lowest.percent)}) bands as '{computed.value}'",
                    "check the rating and the key-question figures against the report"))
    # A standard outside the total (resettlement) has no points by any rule HMIP publishes.
    score = hmip.standard_score(published, framework.ratings) if counted and published and framework.ratings \
        else None
    return StandardResult(
        number=definition.number, name=definition.name, statement=definition.statement,
        case_based=getattr(definition, "case_based", False), counted=counted, published=published,
        computed=computed, lowest_percent=lowest.percent if lowest else None,
        cases=finding.cases if finding else None, key_questions=tuple(questions),
        discretion=discretion, differs=differs, score=score, not_rated=bool(finding and finding.not_rated),
        number_published=getattr(definition, "published_number", True),
        sample=getattr(definition, "sample", None) or "cases")


def describe_overall_bands(framework: Framework, max_score: int) -> str:
    """'0-6 Inadequate, 7-18 Requires improvement, 19-30 Good, 31-36 Outstanding' from the data."""
    floors = sorted([(0, Rating.INADEQUATE)] + [(floor, rating) for rating, floor in framework.overall_bands.items()
                                               if floor > 0])
    parts = []
    for index, (floor, rating) in enumerate(floors):
        top = floors[index + 1][0] - 1 if index + 1 < len(floors) else max_score
        parts.append(f"{floor}-{top} {rating.value}")
    return ", ".join(parts)


def keys_named(framework: Framework, kind: InspectionTypeDef | None) -> str:
    """The keys a record gives standards by, those the kind rates (or all), each with its name
    where the key is the framework file's own and printed nowhere: 'C1.1 (Assessing), V1'."""
    return ", ".join(s.number if s.published_number else f"{s.number} ({s.name})"
                     for d in framework.domains for s in d.standards if kind is None or s.number in kind.rates)


def domains_named(framework: Framework) -> str:
    """The domain keys in the framework's order, a letter with its name (a letter is our key,
    never printed): '1, 2, 3' or 'O (Organisational delivery), C (Work with children), ...'."""
    return ", ".join(d.number if d.number.isdigit() else f"{d.number} ({d.name})" for d in framework.domains)


def unknown_standard_hint(given: str, framework: Framework, kind: InspectionTypeDef | None) -> str:
    """What to write instead of a key that is no standard: the key of a standard typed by its
    name ('Assessing' is C1.1: pages print the 2025 framework's names, not its keys), the
    standard whose key question it is, or the keys the record may give."""
    standards = [s for d in framework.domains for s in d.standards if kind is None or s.number in kind.rates]
    named = [s for s in standards if s.name.casefold() == given.strip().casefold()]
    if len(named) == 1:
        return f"a standard is given by its key: did you mean '{named[0].number}' ({named[0].name})?"
    owner = next((s for d in framework.domains for s in d.standards
                  if any(q.number == given for q in s.key_questions)), None)
    if owner is not None:
        return f"'{given}' is a key question of {owner.number}: give it under {owner.number}'s key_questions"
    return ("this kind of inspection rates " if kind else "its standards are ") + keys_named(framework, kind)


class Applied(NamedTuple):
    """An inspection laid over its framework."""

    kind: InspectionTypeDef | None      # the kind of inspection, where the framework has several
    domains: tuple[DomainResult, ...]   # the domains it rates, each with the standards it rates
    separate: tuple[StandardResult, ...]
    published_score: int | None         # as published (a percentage made a whole score)
    computed_score: int | None          # where the framework scores, and every standard is rated
    max_score: int | None               # where the framework scores
    computed_overall: Rating | None     # where the framework bands a total score
    problems: list[Problem]


def _kind(record: Record, framework: Framework, problems: list[Problem]) -> InspectionTypeDef | None:
    """The kind of inspection the record says it is; an error when the framework needs one
    and it is missing or unknown, or the framework has one kind and the record names one."""
    given = record.model.inspection_type
    kinds = ", ".join(k.id for k in framework.inspection_types)
    if not framework.inspection_types:
        if given is not None:
            problems.append(record.problem(("inspection_type",), Severity.ERROR,
                                           f"the {record.model.framework} framework has one kind of inspection",
                                           "leave out 'inspection_type:'"))
        return None
    if given is None:
        problems.append(record.problem(
            ("framework",), Severity.ERROR,
            f"a {record.model.framework} inspection says which kind it is: 'inspection_type:' "
            f"is one of {kinds}",
            "; ".join(f"{k.id}: {k.name}" for k in framework.inspection_types)))
        return None
    kind = framework.kind(given)
    if kind is None:
        problems.append(record.problem(
            ("inspection_type",), Severity.ERROR,
            f"'{given}' is not a kind of inspection of the {record.model.framework} framework",
            did_you_mean(given, [k.id for k in framework.inspection_types]) or f"its kinds are {kinds}"))
    return kind


def _published_score(record: Record, max_score: int | None, problems: list[Problem]
                     ) -> int | None:
    """The overall score as published: a whole number, or a percentage of the maximum that is
    one (HMIP and analysts quote 34/36 as 94.44%)."""
    overall = record.model.overall
    if overall.score is None and overall.score_percent is None:
        return None
    if max_score is None:
        problems.append(record.problem(("overall", "score"), Severity.ERROR,
                                       f"the {record.model.framework} framework publishes no score",
                                       "leave out 'score:'; give the rating only"))
        return None
    if overall.whole_score is not None:
        return overall.whole_score
    score = hmip.score_from_percent(overall.score_percent, max_score)
    if score is None:
        problems.append(record.problem(
            ("overall", "score"), Severity.ERROR,
            f"{overall.score_percent:g}% of {max_score} is "
            f"{overall.score_percent * max_score / 100:.2f}, not a whole score",
            f"scores are whole numbers out of {max_score}: give the score, or its percentage "
            f"to two places (e.g. 34 is 94.44%)"))
    return score



def findings_written(findings: DomainFindings | None) -> DomainFindings | None:
    """A domain's findings when they say something: a new record's empty summary and lists
    (as `scrutiny new` writes them) would print the domain's heading over nothing."""
    if findings is None or not (findings.summary or findings.strengths or findings.areas_for_improvement):
        return None
    return findings


def apply_framework(record: Record, framework: Framework) -> Applied:
    """Lay an inspection's findings over its framework and check them by the rules the
    framework publishes (none: nothing is computed)."""
    inspection: Inspection = record.model
    problems: list[Problem] = []
    kind = _kind(record, framework, problems)
    rated = set(kind.rates) if kind else None
    by_number = {s.number: s for d in framework.domains for s in d.standards}
    for number in inspection.standards:
        if number not in by_number:
            problems.append(record.problem(("standards", number), Severity.ERROR,
                                           f"'{number}' is not a standard of the {inspection.framework} framework",
                                           unknown_standard_hint(str(number), framework, kind), key=True))
        elif rated is not None and number not in rated:
            problems.append(record.problem(("standards", number), Severity.ERROR,
                                           f"'{number}' is not rated in {kind.name.lower()}",
                                           "it rates " + keys_named(framework, kind), key=True))
    domain_numbers = {d.number for d in framework.domains}
    for number in inspection.domains:
        if number not in domain_numbers:
            problems.append(record.problem(("domains", number), Severity.ERROR,
                                           f"'{number}' is not a domain of the {inspection.framework} framework",
                                           "its domains are " + domains_named(framework), key=True))
    separate_keys = {s.key: s for s in framework.separately_rated}
    for key in inspection.separately_rated:
        if key not in separate_keys or rated is not None and key not in rated:
            problems.append(record.problem(
                ("separately_rated", key), Severity.ERROR,
                f"'{key}' is not rated separately in {kind.name.lower() if kind else f'the {inspection.framework} framework'}",
                ("it rates " + ", ".join(separate_keys)) if separate_keys else "this framework rates nothing separately",
                key=True))

    domains = tuple(
        DomainResult(d.number, d.name, tuple(
            _standard(s, inspection.standards.get(s.number), framework, bool(framework.ratings), record,
                      ("standards", s.number), problems) for s in d.standards if rated is None or s.number in rated),
            findings_written(inspection.domains.get(d.number)))
        for d in framework.domains if rated is None or any(s.number in rated for s in d.standards))
    separate = tuple(
        _standard(s, inspection.separately_rated.get(s.key), framework, False, record,
                  ("separately_rated", s.key), problems)
        for s in framework.separately_rated if rated is None or s.key in rated)

    counted = [s for d in domains for s in d.standards]
    points = framework.ratings
    max_score = len(counted) * max(points.values()) if points else None
    published_score = _published_score(record, max_score, problems)
    computed_score = hmip.total_score([s.published for s in counted], points) \
        if points and all(s.published for s in counted) else None
    bands = framework.overall_bands
    computed_overall = hmip.overall_rating(computed_score, bands) if computed_score is not None and bands else None
    overall = inspection.overall
    if published_score is not None and max_score is not None and published_score > max_score:
        problems.append(record.problem(
            ("overall", "score"), Severity.ERROR,
            f"a score of {published_score} is more than the framework's maximum of {max_score}",
            f"{len(counted)} standards score at most {max(points.values())} each"))
    elif computed_score is not None and published_score is not None and published_score != computed_score:
        problems.append(record.problem(("overall", "score"), Severity.ERROR,
                                       f"published score {published_score} but the standards' ratings add up to "
                                       f"{computed_score}", "check the score and each standard's rating"))
    if overall.rating is not None and bands:
        expected = computed_overall
        basis = f"the standards' ratings add up to {computed_score}"
        if expected is None and published_score is not None:
            expected = hmip.overall_rating(published_score, bands)
            basis = f"a score of {published_score}"
        if expected is not None and expected != overall.rating:
            problems.append(record.problem(
                ("overall", "rating"), Severity.ERROR,
                f"published '{overall.rating.value}' but {basis}, which rates '{expected.value}'",
                "the framework's bands: " + describe_overall_bands(framework, max_score)))
    return Applied(kind, domains, separate, published_score, computed_score, max_score, computed_overall, problems)


def left_out(record: Record, view: InspectionView) -> Problem | None:
    """One notice naming what an inspection record does not say: what a YOS manager could add
    from the report. `scrutiny check` prints it; it is not a problem of the content."""
    model = record.model
    missing = []
    if model.overall.rating is None:
        missing.append("the overall rating")
    # A key the framework file chose (C1.1) is printed nowhere else: its name says which it is.
    unrecorded = [s.number if s.number_published else f"{s.number} ({s.name})"
                  for s in (*view.standards, *view.separately_rated) if not s.recorded]
    if unrecorded:
        missing.append(f"the rating{'s' if len(unrecorded) > 1 else ''} of {', '.join(unrecorded)}")
    # A standard with some figures and not others: the report likely gives the rest (its table prints them 'not recorded').
    unfigured = [q.number for s in (*view.standards, *view.separately_rated) if s.figured
                 for q in s.key_questions if q.percent is None]
    if unfigured:
        plural = "s" if len(unfigured) > 1 else ""
        missing.append(f"the figure{plural} of key question{plural} {', '.join(unfigured)}")
    if model.published is None:
        missing.append("the publication date")
    if model.fieldwork is None:
        missing.append("the fieldwork dates")
    if not view.recommendations:
        missing.append("the recommendations")
    unaddressed = [str(r.number) for r in view.recommendations if r.to is None]
    if unaddressed:
        missing.append(f"the addressee{'s' if len(unaddressed) > 1 else ''} of recommendation"
                       f"{'s' if len(unaddressed) > 1 else ''} {', '.join(unaddressed)}")
    if not missing:
        return None
    # About the record as a whole, so at its start: a date left out has no line of its own.
    return record.problem((), Severity.NOTICE, f"not recorded: {'; '.join(missing)}",
                          "add what the report gives; what it does not give stays out")
