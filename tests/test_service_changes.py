"""A service's name changes from a day on; a paper keeps the name of the day it was issued.

docs/papers.md: "A paper says what was true on the day it was issued, and says the same
whenever it is built again." HMIP inspected "Torbay Youth Offending Team" (Torbay YOT) for
the report published in March 2021 (content/services/torbay-yot.yaml), and the Torbay pack
was issued on 4 March 2021. A service renamed later, as Torbay's became a youth justice
service, must leave that pack as it was, while the site's pages show the name it has now.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check_site
from generator.cli import cli
from generator.clock import LONDON
from generator.model import Service
from generator.problems import Severity
from generator.render.national import comparison
from generator.rules.changes import details_as_at
from site_helpers import all_files, build, cold_build, copy_site, flat
from site_helpers import pdf_texts as texts

TORBAY = "torbay-cyp-osb-2021-03-01"
BUILT_ON = dt.datetime(2026, 12, 5, 9, 30, tzinfo=LONDON)
RENAMED = "    name: Torbay Youth Justice Service\n    short_name: Torbay YJS\n    kind: YJS\n"


def renamed_from(root: Path, day: str, fields: str = RENAMED) -> None:
    service = root / "content" / "services" / "torbay-yot.yaml"
    service.write_text(service.read_text(encoding="utf-8") + f"changes:\n  - from: {day}\n" + fields,
                       encoding="utf-8")


def pack_text(monkeypatch, root: Path, target: Path) -> tuple[bytes, str]:
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: BUILT_ON)
    result = CliRunner().invoke(cli, ["-C", str(root), "pack", TORBAY, "-o", str(target), "-j", "1"], obj={})
    assert result.exit_code == 0, result.output
    return target.read_bytes(), flat(" ".join(texts(target)))


@pytest.mark.pdf
def test_a_service_renamed_after_a_packs_issue_leaves_the_pack_the_same_bytes(monkeypatch, tmp_path):
    root = copy_site(tmp_path / "site")
    before, _ = pack_text(monkeypatch, root, tmp_path / "before.pdf")
    renamed_from(root, "2023-04-01")
    after, text = pack_text(monkeypatch, root, tmp_path / "after.pdf")
    assert after == before
    for issued in ("Torbay Youth Offending Team: inspection findings", "Service Torbay Youth Offending Team",
                   "Torbay YOT: ratings by domain and standard", "Responds to: Torbay YOT inspection, March 2021"):
        assert issued in text
    assert "Youth Justice Service" not in text and "Torbay YJS" not in text


@pytest.mark.pdf
def test_a_service_renamed_before_a_packs_issue_is_named_so_in_its_papers(monkeypatch, tmp_path):
    root = copy_site(tmp_path / "site")
    renamed_from(root, "2021-03-01")
    _, text = pack_text(monkeypatch, root, tmp_path / "pack.pdf")
    for renamed in ("Torbay Youth Justice Service: inspection findings", "Service Torbay Youth Justice Service",
                    "Torbay YJS: ratings by domain and standard", "Responds to: Torbay YJS inspection, March 2021"):
        assert renamed in text
    assert "Torbay Youth Offending Team" not in text and "Torbay YOT inspection" not in text


def test_the_sites_pages_show_the_services_name_as_at_the_build(tmp_path):
    root = copy_site(tmp_path / "site")
    renamed_from(root, "2026-09-01")
    build(root, tmp_path / "after", now=BUILT_ON)
    build(root, tmp_path / "before", now=dt.datetime(2026, 8, 31, 12, 0, tzinfo=LONDON))
    for built, heading, title in (("after", "Torbay Youth Justice Service", "Torbay YJS inspection, March 2021"),
                                  ("before", "Torbay Youth Offending Team", "Torbay YOT inspection, March 2021")):
        service = (tmp_path / built / "services" / "torbay-yot" / "index.html").read_text(encoding="utf-8")
        inspection = (tmp_path / built / "inspections" / "torbay-2021" / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{heading}</h1>" in service, built
        assert f"<h1>{title}</h1>" in inspection, built


def test_on_the_day_a_service_is_renamed_the_next_build_shows_it_as_a_cold_build_does(tmp_path):
    # The record's bytes do not change on that day, only the name in force: a page kept because
    # the service record was unchanged would show the old name.
    root = copy_site(tmp_path / "site")
    renamed_from(root, "2026-09-01")
    live = tmp_path / "live"
    build(root, live, now=dt.datetime(2026, 8, 31, 12, 0, tzinfo=LONDON))
    build(root, live, now=dt.datetime(2026, 9, 1, 12, 0, tzinfo=LONDON))
    page = (live / "services" / "torbay-yot" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Torbay Youth Justice Service</h1>" in page
    assert all_files(live) == cold_build(root, tmp_path / "cold", now=dt.datetime(2026, 9, 1, 12, 0, tzinfo=LONDON))


def test_a_change_that_renames_a_service_without_a_short_name_makes_the_new_name_its_short_name_too():
    # The record's rule ("short_name: none: the name"): never "Torbay YOT" beside the new name.
    service = Service.model_validate({
        "name": "Torbay Youth Offending Team", "short_name": "Torbay YOT", "council": "torbay", "region": "South West",
        "changes": [{"from": "2023-04-01", "name": "Torbay Youth Justice Service"}]})
    before = details_as_at(service, dt.date(2023, 3, 31))
    after = details_as_at(service, dt.date(2023, 4, 1))
    assert (before.name, before.short_name) == ("Torbay Youth Offending Team", "Torbay YOT")
    assert (after.name, after.short_name, after.region) == \
        ("Torbay Youth Justice Service", "Torbay Youth Justice Service", "South West")


def test_check_explains_a_services_changes_at_their_lines(tmp_path, make_site):
    text = ("name: Torbay Youth Offending Team\nshort_name: Torbay YOT\ncouncil: torbay\nchanges:\n"
            "  - from: 2023-04-01\n    name: Torbay Youth Justice Service\n"
            "  - from: 2023-04-01\n    short_name: Torbay YJS\n"
            "  - from: 2022-01-01\n    kind: YJS\n")
    checked = check_site(make_site(tmp_path / "order", {"services/torbay-yot.yaml": text}), dt.date(2026, 12, 1))
    assert [(p.severity, p.line, p.field, p.message) for p in checked.problems] == [
        (Severity.ERROR, 7, "changes.1.from", "two changes from 2023-04-01 (the other is changes.0)"),
        (Severity.WARNING, 9, "changes.2.from", "this change from 2022-01-01 follows one from 2023-04-01")]


def test_a_services_council_is_not_a_detail_a_change_names(tmp_path, make_site):
    # Its council is whose papers and pages it is in, on every day.
    text = ("name: Torbay Youth Offending Team\ncouncil: torbay\nchanges:\n"
            "  - from: 2023-04-01\n    name: Torbay Youth Justice Service\n    council: devon\n")
    checked = check_site(make_site(tmp_path, {"services/torbay-yot.yaml": text}), dt.date(2026, 12, 1))
    assert [(p.severity, p.line, p.field, p.message) for p in checked.problems] == [
        (Severity.ERROR, 6, "changes.0.council", "'council' is not a field of a change to a service's details")]
    assert checked.problems[0].hint == "allowed here: from, name, short_name, kind, region"


def test_a_national_comparison_names_the_service_as_at_the_papers_day_and_the_pages(tmp_path):
    # [[national-comparison]]'s sentence ends "; Torbay YOT was rated Requires improvement."
    root = copy_site(tmp_path / "site")
    renamed_from(root, "2023-04-01")
    corpus = check_site(root, BUILT_ON.date()).corpus
    assert comparison(corpus, "torbay-2021", dt.date(2021, 3, 4)).sentence.endswith(
        "; Torbay YOT was rated Requires improvement.")
    assert comparison(corpus, "torbay-2021", BUILT_ON.date(), paper=False).sentence.endswith(
        "; Torbay YJS was rated Requires improvement.")
