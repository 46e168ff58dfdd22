"""`scrutiny check --audit` lists what each output holds and catches planted leaks."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys

from site_helpers import AS_OF, build, copy_site
from test_publication import SENTINEL, plant_embargoed_inspection

AUDIT = [sys.executable, "-m", "generator"]


def audit(root, *extra, as_of="2026-11-22"):
    return subprocess.run([*AUDIT, "-C", str(root), "check", "--audit", "--as-of", as_of, *extra],
                          capture_output=True, text=True, timeout=300)


def test_the_audit_reports_nothing_on_the_shipped_content(tmp_path):
    root = copy_site(tmp_path)
    build(root, search=True)
    done = audit(root, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout[done.stdout.index('{\n  "files"'):])
    assert report["leaks"] == []
    assert "inspection:torbay-2021" in report["files"]["inspections/torbay-2021/index.html"]
    assert report["files"]["meetings/torbay-cyp-osb-2021-03-01/index.html"]


def test_the_audit_catches_an_embargoed_page_planted_in_the_site(tmp_path):
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    # A preview build (as if after the embargo) makes the page we then plant by hand.
    build(root, output=tmp_path / "later", now=AS_OF + dt.timedelta(days=2))
    build(root)
    site = root / "output/site"
    shutil.copytree(tmp_path / "later/inspections/torbay-2026", site / "inspections/torbay-2026")
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK inspections/torbay-2026/index.html: inspection:torbay-2026 (embargoed until" in done.stderr


def test_the_audit_catches_embargoed_text_inside_a_compressed_search_index_file(tmp_path):
    import gzip
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    build(root)
    fragment = root / "output/site/pagefind/fragment/planted.pf_fragment"
    fragment.parent.mkdir(parents=True, exist_ok=True)
    fragment.write_bytes(gzip.compress(f"The re-inspection found {SENTINEL} improvements.".encode()))
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK pagefind/fragment/planted.pf_fragment: inspection:torbay-2026" in done.stderr


def test_the_audit_reads_records_from_their_bytes_not_from_the_parsed_cache(tmp_path):
    """Someone able to write .cache/ plants a parsed record saying a draft is published: the
    build trusts its cache and publishes it, but the audit, the check on what builds did,
    parses every file afresh and reports the leak."""
    import hashlib

    from generator.speed.parsed_cache import ParsedCache
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF - dt.timedelta(days=1), status="draft")
    build(root)
    record = root / "content/inspections/torbay-2026.yaml"
    cache = ParsedCache(root / ".cache/parsed")
    key = ParsedCache.key("inspection", ".yaml", hashlib.sha256(record.read_bytes()).hexdigest())
    data, body, body_line = cache.get(key)
    assert data["status"] == "draft"
    cache.add(key, ({**data, "status": "published"}, body, body_line))
    cache.save()
    with (root / "content/councils/torbay.yaml").open("a") as council:
        council.write("# a change, so that the next build reads the records\n")
    build(root)
    assert SENTINEL in (root / "output/site/inspections/torbay-2026/index.html").read_text()   # the planted entry
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK inspections/torbay-2026/index.html: inspection:torbay-2026 (draft)" in done.stderr


def test_a_sentence_public_pages_also_show_is_no_leak_but_the_withheld_page_still_is(tmp_path):
    """Wolverhampton's 2021 inspection records, word for word, a strength Torbay's does
    ("Victims' needs and wishes were taken into account."), and Torbay's introduction quotes
    the about page's "organisational delivery, court disposals and out-of-court disposals.".
    With Torbay's embargoed, those sentences on public pages are no leak; its own page is."""
    root = copy_site(tmp_path)
    shared = "Victims' needs and wishes were taken into account."
    assert shared in (root / "content/inspections/wolverhampton-2021.yaml").read_text()
    torbay = root / "content/inspections/torbay-2021.yaml"
    assert shared in torbay.read_text()
    torbay.write_text(torbay.read_text().replace('embargo_until: "2021-03-03 00:01"', 'embargo_until: "2031-03-03 00:01"'))
    build(root, search=True)
    done = audit(root)
    assert done.returncode == 0, done.stderr
    assert "0 leaks" in done.stderr + done.stdout

    build(root, output=tmp_path / "later", now=dt.datetime(2031, 3, 4, 12, 0, tzinfo=AS_OF.tzinfo))
    shutil.copytree(tmp_path / "later/inspections/torbay-2021", root / "output/site/inspections/torbay-2021")
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK inspections/torbay-2021/index.html: inspection:torbay-2021 (embargoed until 03 March 2031 00:01)" \
        in done.stderr
