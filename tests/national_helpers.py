"""What the tests of issue 27 share: Data to Insight's real table of HMIP youth inspections
(tests/fixtures/hmip-ratings/, as published), what each of its rows should become, worked out
from the table itself and the framework files (typed in below), and how to run the import.

A module, not fixtures: tests/test_import_inspections.py and tests/test_national.py both use it.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "tests" / "fixtures" / "hmip-ratings" / "hmi_youth_justice_inspection_ratings.csv"
NAME = TABLE.name

# Typed from generator/frameworks/hmip-youth-2018.yaml and -2021.yaml: the scrape's columns that
# are the name of exactly one standard of the framework (1.1 Governance and leadership, 1.2 Staff,
# 1.3 Partnerships and services, 1.4 Information and facilities, 2.4 Reviewing (court work only:
# out-of-court work has no reviewing standard), 3.4 Joint working (2018) or Out-of-court disposal
# policy and provision (2021), and the 2021 framework's separately rated Resettlement policy and
# provision).
ONE_STANDARD = {
    "hmip-youth-2018": {"governance_and_leadership": ("standards", "1.1"), "staff": ("standards", "1.2"),
                        "partnerships_and_services": ("standards", "1.3"),
                        "information_and_facilities": ("standards", "1.4"), "reviewing": ("standards", "2.4"),
                        "joint_working": ("standards", "3.4")},
    "hmip-youth-2021": {"governance_and_leadership": ("standards", "1.1"), "staff": ("standards", "1.2"),
                        "partnerships_and_services": ("standards", "1.3"),
                        "information_and_facilities": ("standards", "1.4"), "reviewing": ("standards", "2.4"),
                        "outofcourt_disposal_policy_and_provision": ("standards", "3.4"),
                        "resettlement_policy_and_provision": ("separately_rated", "resettlement")},
}
# The scrape's columns that fold HMIP's court and out-of-court standards of one name (2.1 and 3.1
# Assessment, 2.2 and 3.2 Planning, 2.3 and 3.3 Implementation and delivery), and the one that
# could be either 2021 policy standard (3.4 out-of-court disposal, or resettlement, policy and provision).
FOLDED = ("assessment", "planning", "implementation_and_delivery", "policy_and_provision")
RATINGS = {"outstanding": "Outstanding", "good": "Good", "requires improvement": "Requires improvement",
           "inadequate": "Inadequate"}
# HMIP's overall bands for 12 standards (both frameworks' files): 0-6, 7-18, 19-30, 31-36.
BANDS = [(31, "Outstanding"), (19, "Good"), (7, "Requires improvement"), (0, "Inadequate")]


def table_rows(path: Path = TABLE) -> list[tuple[int, dict[str, str]]]:
    """(row as a spreadsheet numbers it, the row) for each inspection of the table."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(number, row) for number, row in enumerate(csv.DictReader(handle), start=2)]


def day_of(text: str) -> dt.date:
    day, month, year = map(int, text.split("/"))
    return dt.date(year + 2000 if year < 100 else year, month, day)


def expected_framework(row: dict[str, str]) -> str:
    """HMIP's 2018 framework until June 2021, the 2021 one until the 2025 one began in April 2025
    (the framework files' in_use); a report published in the months after July 2021 that rates
    3.4 Joint working, a standard only the 2018 framework has, is a 2018-framework report."""
    day = day_of(row["publication_date"])
    if day < dt.date(2021, 7, 1) or (row["joint_working"].strip() and day <= dt.date(2021, 12, 31)):
        return "hmip-youth-2018"
    assert day < dt.date(2025, 4, 1)
    return "hmip-youth-2021"


def whole_score(percent: str) -> int | None:
    score = round(float(percent) * 36 / 100)
    return score if abs(100 * score / 36 - float(percent)) <= 0.05 else None


def band(score: int) -> str:
    return next(rating for floor, rating in BANDS if score >= floor)


def expected_record(row: dict[str, str]) -> dict:
    """The record a row should give: only what it says unambiguously."""
    framework = expected_framework(row)
    rating = RATINGS.get(" ".join(row["overall_rating"].split()).lower())
    score = whole_score(row["score_%"])
    if score is not None and rating is not None and band(score) != rating:
        score = None                           # the two disagree: the rating is kept
    record: dict = {"framework": framework, "published": day_of(row["publication_date"]).isoformat()}
    if row["la_name"].endswith(" - JI"):
        record["joint"] = True
    record["report_url"] = row["report_url"]
    overall = {k: v for k, v in (("rating", rating), ("score", score)) if v is not None}
    if overall:
        record["overall"] = overall
    for column, (where, key) in ONE_STANDARD[framework].items():
        value = RATINGS.get(row[column].strip().lower())
        if value:
            record.setdefault(where, {})[key] = value
    return record


def area_name(row: dict[str, str]) -> str:
    name = row["la_name"].removesuffix(" - JI")
    return name.removeprefix("An inspection of ")


def scrutiny(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real command, in its own process."""
    return subprocess.run([sys.executable, "-m", "generator", "-C", str(root), *args], capture_output=True,
                          text=True, timeout=timeout)


def import_file(root: Path, table: Path) -> subprocess.CompletedProcess:
    """`scrutiny import inspections NAME` run in the table's folder, as an analyst would: problems
    name the file as it was typed."""
    return subprocess.run([sys.executable, "-m", "generator", "-C", str(root.resolve()), "import", "inspections",
                           table.name], capture_output=True, text=True, timeout=300, cwd=table.parent)


class TextDates(yaml.SafeLoader):
    """YAML as our loader reads dates: as the text written."""


TextDates.yaml_implicit_resolvers = {key: [(tag, regexp) for tag, regexp in resolvers
                                           if tag != "tag:yaml.org,2002:timestamp"]
                                     for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=TextDates)


def records(root: Path, folder: str) -> dict[str, dict]:
    return {p.stem: load(p) for p in sorted((root / "content" / folder).glob("*.yaml"))}


def by_area(root: Path) -> dict[tuple[str, str], tuple[str, dict]]:
    """(service name, published) -> (id, record) for every inspection of the site."""
    services = records(root, "services")
    return {(services[r["service"]]["name"], str(r.get("published"))): (iid, r)
            for iid, r in records(root, "inspections").items()}


def copy_of(root: Path, tmp_path: Path) -> Path:
    shutil.copytree(root / "content", tmp_path / "content")
    return tmp_path


# Typed from the Open Government Licence v3.0 (nationalarchives.gov.uk): the statement a re-user
# must give where the provider specifies none (HMIP's reports specify none), and the licence's address.
OGL_STATEMENT = "Contains public sector information licensed under the Open Government Licence v3.0."
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# Typed from Data to Insight's LICENSE (tests/fixtures/hmip-ratings/LICENSE-data-to-insight): MIT,
# whose copyright and permission notice go in every copy or substantial portion.
DTI_COPYRIGHT = "Copyright (c) 2025 data-to-insight"
MIT_CONDITION = ("The above copyright notice and this permission notice shall be included in all copies or "
                 "substantial portions of the Software.")
