"""HMIP rating rules against the published reports.

Every expected value here is typed in from the reference documents in
/work/shared/reference/, never copied from the program's output:

* bands, scores and overall bands: "Ratings explained" and "Overall provider rating",
  Annexe 1 of the Torbay YOT report (torbay-scrutiny-supplementary-pack-2021-03.txt,
  around lines 898-932);
* Sandwell's key-question percentages: Annex 2 "Inspection results"
  (hmip-sandwell-inspection-2018.txt, around lines 620-667), ratings from its summary table;
* Torbay's counts of 'yes' out of relevant cases (the Torbay text, lines 424-860);
* Wolverhampton's ratings: Table 1 of the cabinet report (wolverhampton-cabinet-report-2022.txt).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.load.yaml_source import parse_yaml
from generator.model import Framework
from generator.model.types import Rating
from generator.build import check_site
from generator.problems import Severity
from generator.rules import hmip

I, RI, G, O = Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT, Rating.GOOD, Rating.OUTSTANDING

# "Minority: <50% Inadequate; Too few: 50-64% Requires improvement;
#  Reasonable majority: 65-79% Good; Large majority: 80%+ Outstanding"
KEY_QUESTION_BANDS = {RI: 50, G: 65, O: 80}
# "0 Inadequate, 1 Requires improvement, 2 Good, 3 Outstanding"
SCORES = {I: 0, RI: 1, G: 2, O: 3}
# "0-6 Inadequate, 7-18 Requires improvement, 19-30 Good, 31-36 Outstanding"
OVERALL_BANDS = {RI: 7, G: 19, O: 31}
# "within five percentage points of the boundary ... a sample or sub-sample of five cases or fewer"
MARGIN, SMALL_SAMPLE = 5, 5

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2022, 6, 1)


# --- the shipped frameworks carry the published numbers

@pytest.mark.parametrize("framework_id", ["hmip-youth-2018", "hmip-youth-2021"])
def test_shipped_framework_uses_the_published_bands_scores_and_discretion(framework_id):
    text = (REPO / "generator" / "frameworks" / f"{framework_id}.yaml").read_text(encoding="utf-8")
    data, _, problems = parse_yaml(text, framework_id)
    framework = Framework.model_validate(data)
    assert (problems, dict(framework.key_question_bands), dict(framework.ratings), dict(framework.overall_bands),
            framework.discretion.margin, framework.discretion.small_sample) == (
        [], KEY_QUESTION_BANDS, SCORES, OVERALL_BANDS, MARGIN, SMALL_SAMPLE)


# --- key questions

@pytest.mark.parametrize("percent, expected", [
    (0, I), (49, I), (50, RI), (64, RI), (65, G), (79, G), (80, O), (100, O)])
def test_a_key_question_percentage_bands_at_the_published_boundaries(percent, expected):
    assert hmip.band(percent, KEY_QUESTION_BANDS) is expected


def test_a_key_question_percentage_is_yes_out_of_relevant_cases():
    # Torbay 3.1: "Of the 3 cases inspected" 2, 0 and 1 'yes'
    assert [round(hmip.key_question_percent(yes, 3, None), 1) for yes in (2, 0, 1)] == [66.7, 0.0, 33.3]


def test_a_published_key_question_percentage_is_used_as_given():
    assert hmip.key_question_percent(None, None, 93) == 93.0


# --- a case-based standard is the band of its lowest key question (Sandwell, Annex 2)

@pytest.mark.parametrize("standard, percentages, published", [
    ("2.1", [100, 93, 90], O),
    ("2.2", [97, 88, 83], O),
    ("2.3", [80, 89, 79], G),
    ("2.4", [80, 81, 62], RI),
    ("3.1", [60, 45, 35], I),
    ("3.2", [90, 40, 17], I),
    ("3.3", [90, 60, 50], RI),
    ("3.4", [84, 95], O),
])
def test_sandwell_standard_rating_is_the_band_of_its_lowest_key_question(standard, percentages, published):
    assert hmip.standard_rating(percentages, KEY_QUESTION_BANDS) is published


# Torbay: (yes, relevant cases) per key question, and the published rating
@pytest.mark.parametrize("standard, counts, published", [
    ("2.1", [(4, 4), (4, 4), (4, 4)], O),
    ("2.2", [(4, 4), (4, 4), (3, 3)], O),
    ("2.4", [(3, 3), (4, 4), (3, 3)], O),
    ("3.1", [(2, 3), (0, 3), (1, 3)], I),
    ("3.2", [(2, 3), (0, 2), (0, 1)], I),
    ("3.4", [(1, 3), (2, 2)], I),
])
def test_torbay_standard_rating_from_counts_matches_the_published_rating(standard, counts, published):
    percentages = [hmip.key_question_percent(yes, of, None) for yes, of in counts]
    assert hmip.standard_rating(percentages, KEY_QUESTION_BANDS) is published


def test_a_standard_without_key_question_figures_has_no_computed_rating():
    assert hmip.standard_rating([], KEY_QUESTION_BANDS) is None


# --- professional discretion

def test_discretion_applies_within_five_points_of_a_boundary():
    # 62% is 3 points below the Good boundary of 65
    assert hmip.discretion_applies(62, KEY_QUESTION_BANDS, MARGIN, SMALL_SAMPLE, cases=30).near_boundary


def test_discretion_does_not_apply_far_from_a_boundary_with_a_large_sample():
    # 40% is 10 points from the nearest boundary (50), and 30 cases is not a small sample
    assert not hmip.discretion_applies(40, KEY_QUESTION_BANDS, MARGIN, SMALL_SAMPLE, cases=30)


def test_discretion_always_applies_to_a_sample_of_five_cases_or_fewer():
    reason = hmip.discretion_applies(40, KEY_QUESTION_BANDS, MARGIN, SMALL_SAMPLE, cases=5)
    assert (bool(reason), reason.small_sample, reason.near_boundary) == (True, True, False)


def test_discretion_applies_where_one_case_would_change_the_band():
    # Torbay 3.4.1: 1 'yes' of 3 relevant cases (33%); 2 of 3 would be 67%, 'Good'
    assert hmip.discretion_applies(100 / 3, KEY_QUESTION_BANDS, MARGIN, SMALL_SAMPLE, yes=1, of=3).one_case_changes


def test_one_case_does_not_change_the_band_of_a_large_sample():
    # 10 of 30 (33%): 9 or 11 of 30 (30%, 37%) are still 'Inadequate'
    assert not hmip.discretion_applies(100 / 3, KEY_QUESTION_BANDS, MARGIN, SMALL_SAMPLE,
                                       yes=10, of=30).one_case_changes


def _inspection_with(standard_yaml: str) -> str:
    return "service: torbay-yot\nframework: hmip-youth-2018\nstandards:\n" + standard_yaml


def _rating_problems(make_site, tmp_path: Path, standard_yaml: str):
    checked = check_site(make_site(tmp_path, {"inspections/x-2021.yaml": _inspection_with(standard_yaml)}), AS_OF)
    return [(p.severity, p.field, p.line) for p in checked.problems]


def test_published_good_with_lowest_62_percent_is_a_notice_not_a_warning(tmp_path, make_site):
    problems = _rating_problems(make_site, tmp_path, """\
  "2.4":
    rating: Good
    cases: 30
    key_questions: {"2.4.1": 80, "2.4.2": 81, "2.4.3": 62}
""")
    assert problems == [(Severity.NOTICE, "standards.2.4.rating", 5)]


def test_published_outstanding_with_lowest_40_percent_on_30_cases_is_a_warning(tmp_path, make_site):
    problems = _rating_problems(make_site, tmp_path, """\
  "3.2":
    rating: Outstanding
    cases: 30
    key_questions: {"3.2.1": 90, "3.2.2": 40, "3.2.3": 85}
""")
    assert problems == [(Severity.WARNING, "standards.3.2.rating", 5)]


def test_published_outstanding_with_lowest_40_percent_on_5_cases_is_a_notice(tmp_path, make_site):
    problems = _rating_problems(make_site, tmp_path, """\
  "3.2":
    rating: Outstanding
    cases: 5
    key_questions: {"3.2.1": 90, "3.2.2": 40, "3.2.3": 85}
""")
    assert problems == [(Severity.NOTICE, "standards.3.2.rating", 5)]


def test_a_published_rating_that_matches_the_lowest_key_question_raises_nothing(tmp_path, make_site):
    # Sandwell 2.4 exactly as published: 80/81/62 -> Requires improvement
    assert _rating_problems(make_site, tmp_path, """\
  "2.4":
    rating: Requires improvement
    cases: 30
    key_questions: {"2.4.1": 80, "2.4.2": 81, "2.4.3": 62}
""") == []


# --- overall score and rating

@pytest.mark.parametrize("score, expected", [
    (0, I), (6, I), (7, RI), (18, RI), (19, G), (30, G), (31, O), (36, O)])
def test_overall_rating_at_every_published_band_boundary(score, expected):
    assert hmip.overall_rating(score, OVERALL_BANDS) is expected


@pytest.mark.parametrize("service, ratings, score, overall", [
    # Sandwell summary table: 1.1-1.4, 2.1-2.4, 3.1-3.4; overall 'Good'
    ("Sandwell", [RI, G, G, G, O, O, G, RI, I, I, RI, O], 20, G),
    # Torbay "Ratings": "Score 16/36", overall 'Requires improvement'
    ("Torbay", [I, RI, G, RI, O, O, O, O, I, I, I, I], 16, RI),
    # Wolverhampton Table 1 (resettlement rated separately, not counted); overall 'Good'
    ("Wolverhampton", [G, O, O, O, G, RI, O, G, G, G, O, G], 28, G),
])
def test_published_standard_ratings_add_up_to_the_published_overall(service, ratings, score, overall):
    total = hmip.total_score(ratings, SCORES)
    assert (total, hmip.overall_rating(total, OVERALL_BANDS)) == (score, overall)


@pytest.fixture(scope="module")
def shipped():
    return check_site(REPO, AS_OF)


@pytest.mark.parametrize("inspection, score, overall, published_score", [
    # Sandwell's report gives its ratings and no score: the score is the rules' alone.
    ("sandwell-2018", 20, G, None), ("torbay-2021", 16, RI, 16), ("wolverhampton-2021", 28, G, 28)])
def test_shipped_inspection_reproduces_its_published_score_and_rating(shipped, inspection, score, overall,
                                                                      published_score):
    view = shipped.corpus.inspections[inspection]
    assert (view.computed_score, view.computed_overall, view.overall_score, view.overall_rating, view.max_score) == (
        score, overall, published_score, overall, 36)


@pytest.mark.parametrize("inspection", ["sandwell-2018", "torbay-2021"])
def test_shipped_key_question_figures_reproduce_every_published_standard_rating(shipped, inspection):
    view = shipped.corpus.inspections[inspection]
    case_based = [s for s in view.standards if s.case_based]
    assert len(case_based) == 8
    assert [(s.number, s.computed) for s in case_based] == [(s.number, s.published) for s in case_based]


def test_wolverhampton_resettlement_is_rated_but_not_counted(shipped):
    [resettlement] = shipped.corpus.inspections["wolverhampton-2021"].separately_rated
    assert (resettlement.number, resettlement.published, resettlement.counted) == ("4.1", O, False)


def test_a_standard_not_counted_in_the_score_is_given_no_score(shipped):
    """The framework scores the 12 standards of the total out of 36 ("0 Inadequate, ..., 3
    Outstanding"); resettlement "does not contribute to the overall rating" (HMIP's footnote,
    in Data to Insight's Portsmouth row), so no rule gives it points: inspections.json's
    `score` for it is not recorded, while a counted standard's is its rating's points."""
    view = shipped.corpus.inspections["wolverhampton-2021"]
    [resettlement] = view.separately_rated
    governance = next(s for s in view.standards if s.number == "1.1")
    assert (resettlement.published, resettlement.score) == (O, None)
    assert (governance.published, governance.score) == (G, SCORES[G])


# A Sandwell-like record: the published standard ratings (sum 20), with `overall` on line 3.
SANDWELL_LIKE = """\
service: torbay-yot
framework: hmip-youth-2018
overall: {{rating: {rating}, score: {score}}}
standards:
  "1.1": Requires improvement
  "1.2": Good
  "1.3": Good
  "1.4": Good
  "2.1": Outstanding
  "2.2": Outstanding
  "2.3": Good
  "2.4": Requires improvement
  "3.1": Inadequate
  "3.2": Inadequate
  "3.3": Requires improvement
  "3.4": Outstanding
"""


def _overall_problems(make_site, tmp_path: Path, text: str):
    checked = check_site(make_site(tmp_path, {"inspections/sandwell-like.yaml": text}), AS_OF)
    return checked.problems


def test_sandwell_like_record_as_published_checks_clean(tmp_path, make_site):
    assert _overall_problems(make_site, tmp_path, SANDWELL_LIKE.format(rating="Good", score=20)) == ()


def test_a_published_overall_rating_that_disagrees_with_the_standards_is_an_error_at_the_rating(tmp_path, make_site):
    # line 3: overall: {rating: Outstanding, score: 20} - the rating value starts at column 19
    [problem] = _overall_problems(make_site, tmp_path, SANDWELL_LIKE.format(rating="Outstanding", score=20))
    assert (problem.severity, problem.line, problem.column, problem.field) == (
        Severity.ERROR, 3, 19, "overall.rating")
    assert "published 'Outstanding' but the standards' ratings add up to 20, which rates 'Good'" in problem.message


def test_a_published_overall_score_that_disagrees_with_the_standards_is_an_error_at_the_score(tmp_path, make_site):
    # line 3: overall: {rating: Good, score: 21} - the score value starts at column 32
    [problem] = _overall_problems(make_site, tmp_path, SANDWELL_LIKE.format(rating="Good", score=21))
    assert (problem.severity, problem.line, problem.column, problem.field) == (
        Severity.ERROR, 3, 32, "overall.score")
    assert "published score 21 but the standards' ratings add up to 20" in problem.message


def test_an_overall_only_record_is_checked_against_its_own_score(tmp_path, make_site):
    # A partial record (only `overall`) is legal; Torbay's 16 rates 'Requires improvement'.
    text = "service: torbay-yot\nframework: hmip-youth-2018\noverall: {rating: Good, score: 16}\n"
    [problem] = _overall_problems(make_site, tmp_path, text)
    assert (problem.severity, problem.field, problem.line) == (Severity.ERROR, "overall.rating", 3)
    assert "a score of 16, which rates 'Requires improvement'" in problem.message


def test_an_overall_only_record_that_agrees_with_its_score_checks_clean(tmp_path, make_site):
    text = "service: torbay-yot\nframework: hmip-youth-2018\noverall: {rating: Requires improvement, score: 16}\n"
    assert _overall_problems(make_site, tmp_path, text) == ()


def test_an_overall_score_above_the_frameworks_maximum_is_an_error(tmp_path, make_site):
    # 12 standards x 3 = 36 at most ("31-36 Outstanding")
    text = "service: torbay-yot\nframework: hmip-youth-2018\noverall: {score: 37}\n"
    problems = _overall_problems(make_site, tmp_path, text)
    assert [(p.severity, p.field, p.line) for p in problems] == [(Severity.ERROR, "overall.score", 3)]


def test_key_question_counts_and_a_percentage_that_disagree_are_an_error(tmp_path, make_site):
    # 3 of 4 is 75%, not 10%: which one the reader is shown would be a guess
    problems = _rating_problems(make_site, tmp_path, """\
  "2.1":
    key_questions:
      "2.1.1": {yes: 3, of: 4, percent: 10}
""")
    assert problems == [(Severity.ERROR, "standards.2.1.key_questions.2.1.1", 6)]
