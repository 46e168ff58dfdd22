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
