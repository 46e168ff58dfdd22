"""The shipped inspection records say what their sources publish, and no more.

Every expected value is typed from the source the record cites, never copied from the
program's output:

* Torbay: the report's title page, "HM Inspectorate of Probation, March 2021"
  (torbay-scrutiny-supplementary-pack-2021-03.txt, line 35); the pack's covering letter says
  only that "These reports were embargoed until 3 March 2021", the council's embargo, so the
  day HMIP published is not in the source;
* Wolverhampton: cabinet report paragraph 2.6, "the inspection report was published on
  8 February 2022"; its score, Data to Insight's row for it (score_% 77.78, 28 of 36);
* Derby: Derby City Council's news of September 2025 (the month only);
* Dudley and Sandwell: neither source gives a publication date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.build import check_site

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped():
    return check_site(REPO, dt.date(2030, 1, 1)).corpus.inspections


@pytest.mark.parametrize("inspection, published", [
    ("torbay-2021", "2021-03"),            # "HM Inspectorate of Probation, March 2021"
    ("wolverhampton-2021", "2022-02-08"),  # "published on 8 February 2022"
    ("derby-2025", "2025-09"),
    ("dudley-2019", None),
    ("sandwell-2018", None),
])
def test_a_shipped_inspection_s_publication_date_is_only_as_precise_as_its_source(shipped, inspection, published):
    record = shipped[inspection].inspection
    assert (None if record.published is None else str(record.published)) == published


def test_wolverhampton_s_score_and_report_address_are_data_to_insight_s_row_for_it(shipped):
    """The cabinet report gives neither; Data to Insight's row 74: score_% 77.78 (28 of 36) and
    report_url https://www.justiceinspectorates.gov.uk/hmiprobation/inspections/wolverhampton-yot/."""
    record = shipped["wolverhampton-2021"].inspection
    assert (record.overall.score, record.report_url) == (
        28, "https://www.justiceinspectorates.gov.uk/hmiprobation/inspections/wolverhampton-yot/")


def test_the_2025_victims_standard_says_what_hmip_s_head_of_standards_gave_as_its_words():
    """why-me.org, 29 May 2025: the standard states that work should be 'high-quality,
    individualised, and responsive driving positive outcomes and safety for victims', with key
    questions 'V1.1 Is work with victims high-quality, individualised, and responsive?' and
    'V1.2 Do organisational arrangements and activity drive quality, individualised, and
    responsive service for victims'."""
    framework = check_site(REPO, dt.date(2030, 1, 1)).corpus.frameworks["hmip-youth-2025"]
    [victims] = [s for d in framework.domains for s in d.standards if s.number == "V1"]
    assert "high-quality, individualised, and responsive" in victims.statement
    assert [(q.number, q.text.rstrip("?.")) for q in victims.key_questions] == [
        ("V1.1", "Is work with victims high-quality, individualised, and responsive"),
        ("V1.2", "Do organisational arrangements and activity drive quality, individualised, and responsive "
                 "service for victims")]


@pytest.mark.parametrize("plan", ["torbay-2021-oocd", "dudley-2019-progress"])
def test_a_shipped_action_plan_links_no_action_to_a_recommendation_its_source_does_not_name(plan):
    """Torbay's plan (supplementary pack, Agenda Item 9 Appendix 2) has the columns Improvement
    Action, How, Who, Resources Required, Date for review, Date for completion of action, Outcome,
    Comments re Progress and RAG RATING: none names a recommendation. Dudley's report lists its
    progress items (paragraph 18) apart from the five recommendations (paragraphs 9-13), linking
    none of them to one. So no paper may print "Answers recommendation 5"."""
    actions = check_site(REPO, dt.date(2030, 1, 1)).corpus.action_plans[plan].plan.actions
    assert [(a.id, a.recommendations) for a in actions if a.recommendations] == []
