"""Apply an inspection framework to an inspection record: names, order, computed ratings."""

from __future__ import annotations

from generator.model import Framework, Inspection
from generator.model.inspection import StandardFinding
from generator.model.types import Rating
from generator.problems import Problem, Severity
from generator.resolve.corpus import DomainResult, KeyQuestionResult, StandardResult
from generator.rules import hmip
from generator.validate import Record


def _standard(definition, finding: StandardFinding | None, framework: Framework, counted: bool,
              record: Record, field: tuple, problems: list[Problem]) -> StandardResult:
    bands = framework.key_question_bands
    published = finding.rating if finding else None
    questions = []
    given = finding.key_questions if finding else {}
    known = {q.number for q in getattr(definition, "key_questions", [])}
    for number in given:
        if number not in known:
            pos = record.source.locate_key(field + ("key_questions", number))
            hint = (f"{definition.number}'s key questions are " + ", ".join(sorted(known))) if known \
                else f"{definition.number} is a judgement, not rated from key questions"
            problems.append(Problem(record.path, pos.line, pos.column, Severity.ERROR,
                                    ".".join(map(str, field + ("key_questions", number))),
                                    f"'{number}' is not a key question of standard {definition.number}", hint))
    for question in getattr(definition, "key_questions", []):
        kq = given.get(question.number)
        percent = hmip.key_question_percent(kq.yes, kq.of, kq.percent) if kq else None
        questions.append(KeyQuestionResult(
            question.number, question.text, kq.yes if kq else None, kq.of if kq else None, percent,
            hmip.band(percent, bands) if percent is not None else None))
    measured = [q for q in questions if q.percent is not None]
    computed = hmip.standard_rating([q.percent for q in measured], bands) if measured else None
    lowest = min(measured, key=lambda q: q.percent) if measured else None
    discretion = None
    differs = bool(published and computed and published != computed)
    if lowest is not None:
        reason = hmip.discretion_applies(lowest.percent, bands, framework.discretion.margin,
                                         framework.discretion.small_sample,
                                         cases=finding.cases if finding else None,
                                         yes=lowest.yes, of=lowest.of)
        if reason:
            discretion = reason.describe(framework.discretion.margin, framework.discretion.small_sample)
        if differs:
            pos = record.source.locate(field + ("rating",))
            where = ".".join(map(str, field + ("rating",)))
            if reason:
                problems.append(Problem(
                    record.path, pos.line, pos.column, Severity.NOTICE, where,
                    f"published '{published.value}' differs from the computed '{computed.value}' "
                    f"(lowest key question {lowest.number}: {lowest.percent:.0f}%)",
                    f"professional discretion may apply: {discretion}"))
            else:
                problems.append(Problem(
                    record.path, pos.line, pos.column, Severity.WARNING, where,
                    f"published '{published.value}' but the lowest key question ({lowest.number}, "
                    f"{lowest.percent:.0f}%) bands as '{computed.value}'",
                    "check the rating and the key-question figures against the report"))
    score = hmip.standard_score(published, framework.ratings) if published else None
    return StandardResult(
        number=definition.number, name=definition.name, statement=definition.statement,
        case_based=getattr(definition, "case_based", False), counted=counted, published=published,
        computed=computed, lowest_percent=lowest.percent if lowest else None,
        cases=finding.cases if finding else None, key_questions=tuple(questions),
        discretion=discretion, differs=differs, score=score)


def describe_overall_bands(framework: Framework, max_score: int) -> str:
    """'0-6 Inadequate, 7-18 Requires improvement, 19-30 Good, 31-36 Outstanding' from the data."""
    floors = sorted([(0, Rating.INADEQUATE)] + [(floor, rating) for rating, floor in framework.overall_bands.items()
                                               if floor > 0])
    parts = []
    for index, (floor, rating) in enumerate(floors):
        top = floors[index + 1][0] - 1 if index + 1 < len(floors) else max_score
        parts.append(f"{floor}-{top} {rating.value}")
    return ", ".join(parts)


def apply_framework(record: Record, framework: Framework
                    ) -> tuple[tuple[DomainResult, ...], tuple[StandardResult, ...], int | None, int,
                               Rating | None, list[Problem]]:
    """Lay an inspection's findings over its framework and check its ratings by the rules."""
    inspection: Inspection = record.model
    problems: list[Problem] = []
    by_number = {s.number: s for d in framework.domains for s in d.standards}
    for number in inspection.standards:
        if number not in by_number:
            pos = record.source.locate_key(("standards", number))
            problems.append(Problem(record.path, pos.line, pos.column, Severity.ERROR, f"standards.{number}",
                                    f"'{number}' is not a standard of the {record.model.framework} framework",
                                    "its standards are " + ", ".join(by_number)))
    domain_numbers = {d.number for d in framework.domains}
    for number in inspection.domains:
        if number not in domain_numbers:
            pos = record.source.locate_key(("domains", number))
            problems.append(Problem(record.path, pos.line, pos.column, Severity.ERROR, f"domains.{number}",
                                    f"'{number}' is not a domain of the {record.model.framework} framework",
                                    "its domains are " + ", ".join(sorted(domain_numbers))))
    separate_keys = {s.key: s for s in framework.separately_rated}
    for key in inspection.separately_rated:
        if key not in separate_keys:
            pos = record.source.locate_key(("separately_rated", key))
            problems.append(Problem(
                record.path, pos.line, pos.column, Severity.ERROR, f"separately_rated.{key}",
                f"'{key}' is not rated separately in the {record.model.framework} framework",
                ("it rates " + ", ".join(separate_keys)) if separate_keys else "this framework rates nothing separately"))

    domains = tuple(
        DomainResult(d.number, d.name, tuple(
            _standard(s, inspection.standards.get(s.number), framework, True, record,
                      ("standards", s.number), problems) for s in d.standards),
            inspection.domains.get(d.number))
        for d in framework.domains)
    separate = tuple(
        _standard(s, inspection.separately_rated.get(s.key), framework, False, record,
                  ("separately_rated", s.key), problems)
        for s in framework.separately_rated)

    counted = [s for d in domains for s in d.standards]
    max_score = len(counted) * max(framework.ratings.values())
    computed_score = sum(s.score for s in counted) if all(s.published for s in counted) else None
    computed_overall = hmip.overall_rating(computed_score, framework.overall_bands) \
        if computed_score is not None else None
    overall = inspection.overall
    if overall.score is not None and overall.score > max_score:
        pos = record.source.locate(("overall", "score"))
        problems.append(Problem(record.path, pos.line, pos.column, Severity.ERROR, "overall.score",
                                f"a score of {overall.score} is more than the framework's maximum of {max_score}",
                                f"{len(counted)} standards score at most {max(framework.ratings.values())} each"))
    elif computed_score is not None and overall.score is not None and overall.score != computed_score:
        pos = record.source.locate(("overall", "score"))
        problems.append(Problem(record.path, pos.line, pos.column, Severity.ERROR, "overall.score",
                                f"published score {overall.score} but the standards' ratings add up to "
                                f"{computed_score}", "check the score and each standard's rating"))
    if overall.rating is not None:
        expected = computed_overall
        basis = f"the standards' ratings add up to {computed_score}"
        if expected is None and overall.score is not None:
            expected = hmip.overall_rating(overall.score, framework.overall_bands)
            basis = f"a score of {overall.score}"
        if expected is not None and expected != overall.rating:
            pos = record.source.locate(("overall", "rating"))
            problems.append(Problem(
                record.path, pos.line, pos.column, Severity.ERROR, "overall.rating",
                f"published '{overall.rating.value}' but {basis}, which rates '{expected.value}'",
                "the framework's bands: " + describe_overall_bands(framework, max_score)))
    return domains, separate, computed_score, max_score, computed_overall, problems
