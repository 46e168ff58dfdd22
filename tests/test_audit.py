"""`scrutiny check --audit` lists what each output holds and catches planted leaks."""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
import subprocess
import sys

from generator.clock import LONDON
from site_helpers import AS_OF, REPO, build, copy_site
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
    report = json.loads(done.stdout)["audit"]            # one document: the check's problems and the audit
    assert report["leaks"] == [] and report["previews"] == [] and report["all_clear"] is True
    assert "inspection:torbay-2021" in report["files"]["inspections/torbay-2021/index.html"]
    assert report["files"]["meetings/torbay-cyp-osb-2021-03-01/index.html"]


def test_a_folder_given_to_the_audit_is_read_from_the_current_folder_as_build_o_is(tmp_path):
    """`scrutiny -C site build -o public` then `scrutiny -C site check --audit public`, both run
    from the same folder: the audit reads the folder the build wrote (it used to look for
    site/public, and either missed the site or audited another folder of that name)."""
    root = copy_site(tmp_path / "site")
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    build(root, output=tmp_path / "public")
    (root / "public").mkdir()                    # a folder of the same name inside the site's, empty
    build(root, output=tmp_path / "later", now=AS_OF + dt.timedelta(days=2))
    shutil.copytree(tmp_path / "later/inspections/torbay-2026", tmp_path / "public/inspections/torbay-2026")
    done = subprocess.run([*AUDIT, "-C", "site", "check", "--audit", "public", "--as-of", "2026-11-22"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 1
    assert "LEAK inspections/torbay-2026/index.html: inspection:torbay-2026 (embargoed until" in done.stderr
    assert f"files in {tmp_path / 'public'}," in done.stdout + done.stderr


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

    # The recovery docs/publishing.md gives: a build that trusts nothing kept.
    rebuilt = subprocess.run([*AUDIT, "-C", str(root), "build", "--no-pdf", "--no-search", "--rebuild"],
                             capture_output=True, text=True, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert not (root / "output/site/inspections/torbay-2026").exists()
    assert audit(root).returncode == 0


def test_the_theme_s_own_words_are_no_leak_and_words_a_public_record_shares_are_reported_with_it(tmp_path):
    """Torbay's 2021 introduction quotes the about page's "organisational delivery, court
    disposals and out-of-court disposals.": with Torbay's embargoed, that sentence on the about
    page (the theme's own text) is no leak. Wolverhampton's 2021 inspection records a strength
    word for word as Torbay's does: it is reported, naming the public record that has the
    same words (shared wording, or a leak a person typed: the audit cannot tell). Torbay's own
    page is a leak."""
    root = copy_site(tmp_path)
    quoted = "organisational delivery, court disposals and out-of-court disposals."
    shared = "Victims' needs and wishes were taken into account."
    assert shared in (root / "content/inspections/wolverhampton-2021.yaml").read_text()
    torbay = root / "content/inspections/torbay-2021.yaml"
    assert shared in torbay.read_text() and quoted in torbay.read_text()
    torbay.write_text(torbay.read_text().replace('embargo_until: "2021-03-03 00:01"', 'embargo_until: "2031-03-03 00:01"'))
    build(root, search=True)
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK about/index.html" not in done.stderr and quoted not in done.stderr
    assert (f"LEAK inspections/wolverhampton-2021/index.html: inspection:torbay-2021 (embargoed until 2031-03-03 "
            f"00:01): found '{shared}' (the same words are in public inspection:wolverhampton-2021: wording the two "
            "share, or a leak)") in done.stderr

    build(root, output=tmp_path / "later", now=dt.datetime(2031, 3, 4, 12, 0, tzinfo=AS_OF.tzinfo))
    shutil.copytree(tmp_path / "later/inspections/torbay-2021", root / "output/site/inspections/torbay-2021")
    done = audit(root)
    assert "LEAK inspections/torbay-2021/index.html: inspection:torbay-2021 (embargoed until 2031-03-03 00:01)" \
        in done.stderr


def test_a_site_template_or_public_report_that_repeats_a_withheld_record_is_a_leak(tmp_path):
    """People write the site's own templates and its reports: a sentence of an embargoed
    inspection typed into either is a leak, even though a public record now holds it."""
    root = copy_site(tmp_path)
    torbay = root / "content/inspections/torbay-2021.yaml"
    torbay.write_text(torbay.read_text().replace('embargo_until: "2021-03-03 00:01"', 'embargo_until: "2031-03-03 00:01"'))
    finding = ("Nearly two-thirds of staff surveyed did not know what the Board does and a third did not understand "
               "the YOT's vision, challenges and development plan, so communication needs to improve.")
    assert finding in torbay.read_text()
    theme_footer = (REPO / "generator/theme/templates/_footer.html").read_text()
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/_footer.html").write_text(
        theme_footer.replace("<p>Published by", "<p>" + finding.replace("'", "&#39;") + "</p><p>Published by", 1))
    report = root / "content/reports/derby-yjs-inspection-outcome.md"
    report.write_text(report.read_text() + f"\nThe Torbay inspection found: {finding}\n")
    build(root)
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK index.html: inspection:torbay-2021 (embargoed until 2031-03-03 00:01): found 'Nearly two-thirds" \
        in done.stderr
    assert ("LEAK reports/derby-yjs-inspection-outcome/index.html: inspection:torbay-2021 (embargoed until 2031-03-03 "
            "00:01): found 'Nearly two-thirds") in done.stderr



def test_the_audit_reads_what_builds_keep_beside_the_site(tmp_path):
    """A build killed with `kill -9` at its swap leaves the version it replaced in the spare
    folder (.site.previous), beside the site and served with it wherever its parent folder
    is: the audit reads that folder and the manifests too, where it read the site alone."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    build(root, output=tmp_path / "later", now=AS_OF + dt.timedelta(days=2))
    build(root)
    left = root / "output/.site.previous/inspections/torbay-2026"
    shutil.copytree(tmp_path / "later/inspections/torbay-2026", left)
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK ../.site.previous/inspections/torbay-2026/index.html: inspection:torbay-2026 (embargoed until" \
        in done.stderr


def test_the_audit_reads_data_files_as_values_a_quote_mark_included(tmp_path):
    """JSON writes a quote mark as \\" and CSV as "": a withheld sentence holding one, copied
    into a data file, did not match its fingerprint."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    inspection = root / "content/inspections/torbay-2026.yaml"
    quoted = 'The Board said the "safer streets" work had changed how every case was planned.'
    inspection.write_text(inspection.read_text().replace(
        f"introduction: The re-inspection found {SENTINEL} improvements.", f"introduction: '{quoted}'"))
    build(root)
    data = root / "output/site/data"
    (data / "planted.json").write_text(json.dumps({"note": quoted}))
    (data / "planted.csv").write_text(f'id,note\nx,"{quoted.replace(chr(34), chr(34) * 2)}"\n')
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK data/planted.json: inspection:torbay-2026" in done.stderr
    assert "LEAK data/planted.csv: inspection:torbay-2026" in done.stderr


def test_the_audit_finds_withheld_words_with_inline_markdown_or_in_a_table(tmp_path):
    """A withheld sentence with **emphasis** reads `<strong>` on a page, and a table row's
    fingerprint began with `|`, which no page has: both passed the audit (helper-21)."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    inspection = root / "content/inspections/torbay-2026.yaml"
    inspection.write_text(inspection.read_text().replace(
        f"introduction: The re-inspection found {SENTINEL} improvements.",
        "introduction: |\n  The Board met **every single month** to review the work of each team.\n\n"
        "  | Area | Finding |\n  | --- | --- |\n  | Case planning was reviewed weekly by managers | Improving |\n"))
    build(root)
    site = root / "output/site"
    about, accessibility = site / "about/index.html", site / "accessibility/index.html"
    about.write_text(about.read_text().replace(
        "</main>", "<p>The Board met <strong>every single month</strong> to review the work of each team.</p></main>"))
    accessibility.write_text(accessibility.read_text().replace(
        "</main>", "<table><tr><td>Case planning was reviewed weekly by managers</td><td>Improving</td></tr>"
                   "</table></main>"))
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK about/index.html: inspection:torbay-2026" in done.stderr
    assert "LEAK accessibility/index.html: inspection:torbay-2026" in done.stderr


def test_an_audit_of_content_with_errors_is_no_all_clear(tmp_path):
    """A meeting whose exempt appendix has a wrong paragraph is not read: the inspection it
    holds exempt is not looked for, and the audit said "0 leaks" of a site holding it
    (helper-36). It now says why that is no all-clear."""
    root = copy_site(tmp_path)
    build(root)
    meeting = root / "content/meetings/wolverhampton-cabinet-2022-03-16.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "inspection: wolverhampton-2021}", "inspection: wolverhampton-2021, exempt: 99}", 1), encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    assert "error: items.3.appendices.0.exempt: must be at most 18" in done.stdout
    assert ("audit: the content has errors, so what the records with them would withhold was not looked for "
            "(meeting:wolverhampton-cabinet-2022-03-16; UNKNOWN: the files naming them); 0 leaks is no all-clear: "
            "fix them and audit again before publishing") in done.stderr
    as_json = audit(root, "--format", "json")          # the same, for a script (helper-37)
    assert '"all_clear": false' in as_json.stdout and as_json.returncode == 1


def test_an_audit_that_finds_leaks_in_content_with_errors_never_says_0_leaks(tmp_path):
    """A clerk withdrew a record by deleting a file another one names (an error), so the build
    wrote nothing and the site still shows it: the audit listed the leaks, counted them, then
    ended "0 leaks is no all-clear" (helper-135), as if it had found none. It says the leaks
    above may not be all of them."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    build(root, output=tmp_path / "later", now=AS_OF + dt.timedelta(days=2))
    build(root)
    shutil.copytree(tmp_path / "later/inspections/torbay-2026", root / "output/site/inspections/torbay-2026")
    meeting = root / "content/meetings/wolverhampton-cabinet-2022-03-16.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "inspection: wolverhampton-2021}", "inspection: wolverhampton-2021, exempt: 99}", 1), encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK inspections/torbay-2026/index.html: inspection:torbay-2026 (embargoed until" in done.stderr
    assert "0 leaks" not in done.stderr
    assert ("UNKNOWN: the files naming them); there may be more leaks than those above: fix them and audit "
            "again before publishing") in done.stderr


def _draft_report_showing(root, image: str, data: bytes) -> None:
    """A draft report, the only record that draws `image` (content/attachments/NAME)."""
    text = (root / "content/reports/derby-yjs-inspection-outcome.md").read_text(encoding="utf-8")
    text = text.replace("status: published", "status: draft").replace("title: ", "title: Draft ")
    (root / "content/reports/derby-draft.md").write_text(f"{text}\n![Staffing chart](attachments/{image})\n",
                                                         encoding="utf-8")
    (root / "content/attachments" / image).write_bytes(data)


def test_the_audit_catches_an_image_only_a_draft_shows_planted_in_the_site(tmp_path):
    root = copy_site(tmp_path)
    data = b"GIF89a\x01\x00\x01\x00\x80\x00\x00staffing-chart"
    _draft_report_showing(root, "staffing-chart.gif", data)
    build(root)
    site = root / "output/site"
    (site / "attachments").mkdir(exist_ok=True)
    (site / "attachments/staffing-chart.gif").write_bytes(data)
    (site / "attachments/figure-1.gif").write_bytes(data)
    done = audit(root)
    assert done.returncode == 1
    assert ("LEAK attachments/staffing-chart.gif: attachment:attachments/staffing-chart.gif" in done.stderr,
            "LEAK attachments/figure-1.gif: attachment:attachments/staffing-chart.gif" in done.stderr) == (True, True)


def test_a_public_record_that_names_an_image_without_drawing_it_does_not_make_it_public(tmp_path):
    """The site serves only the images public pages draw: one a public report merely names
    (a link, a path in its words) and a draft draws is still withheld, and caught."""
    root = copy_site(tmp_path)
    data = b"GIF89a\x01\x00\x01\x00\x80\x00\x00staffing-chart"
    _draft_report_showing(root, "staffing-chart.gif", data)
    report = root / "content/reports/derby-yjs-inspection-outcome.md"
    report.write_text(report.read_text(encoding="utf-8") + "\nThe chart (attachments/staffing-chart.gif) "
                      "follows in a later report.\n", encoding="utf-8")
    build(root)
    assert not (root / "output/site/attachments/staffing-chart.gif").exists()
    (root / "output/site/attachments").mkdir(exist_ok=True)
    (root / "output/site/attachments/figure-1.gif").write_bytes(data)
    done = audit(root)
    assert "LEAK attachments/figure-1.gif: attachment:attachments/staffing-chart.gif" in done.stderr


def test_the_audit_opens_zip_brotli_xz_and_nested_gzip_files_and_says_what_it_cannot_open(tmp_path):
    """A zip of papers, a page served brotli-compressed, an xz or doubly gzipped file: each
    was read as its packed bytes and passed with "0 leaks". A file packed in a way the audit
    cannot open (a cut-short gzip, zstd) is named UNREAD and is no all-clear."""
    import brotli
    import gzip
    import io
    import lzma
    import zipfile
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    build(root)
    site = root / "output/site"
    page = f"<p>The re-inspection found {SENTINEL} improvements.</p>".encode() + b" " * 4000
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("papers/notes.html", page)
    (site / "about/papers.zip").write_bytes(packed.getvalue())
    (site / "about/index.html.br").write_bytes(brotli.compress(page))
    (site / "about/notes.xz").write_bytes(lzma.compress(page))
    (site / "about/notes.gz").write_bytes(gzip.compress(gzip.compress(page)))
    done = audit(root)
    assert done.returncode == 1
    for name in ("papers.zip", "index.html.br", "notes.xz", "notes.gz"):
        assert f"LEAK about/{name}: inspection:torbay-2026 (embargoed until" in done.stderr, name

    for name in ("papers.zip", "index.html.br", "notes.xz", "notes.gz"):
        (site / "about" / name).unlink()
    (site / "about/cut.html.gz").write_bytes(gzip.compress(b"<p>Nothing withheld here.</p>" * 50)[:-20])
    (site / "about/notes.zst").write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00" * 40)
    done = audit(root)
    assert done.returncode == 1
    assert "UNREAD about/cut.html.gz: a gzip stream cut short" in done.stderr
    assert "UNREAD about/notes.zst: packed as zstd, which the audit cannot open" in done.stderr
    assert "0 leaks, 2 not read (no all-clear)" in done.stderr
    as_json = json.loads(audit(root, "--format", "json").stdout)["audit"]
    assert as_json["all_clear"] is False and {u["file"] for u in as_json["unread"]} == {
        "about/cut.html.gz", "about/notes.zst"}


def test_the_audit_reads_a_pdf_s_attached_files_xmp_metadata_and_notes(tmp_path):
    """A withheld sentence attached to a PDF as a file, in its (compressed) XMP metadata or
    in a note on a page was not read: the PDF passed."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import FreeText
    from pypdf.generic import DecodedStreamObject, NameObject
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    build(root, pdf=True)
    site = root / "output/site"
    public_pdf = site / "inspections/torbay-2021/torbay-2021.pdf"
    sentence = f"The re-inspection found {SENTINEL} improvements."

    def changed(name, change):
        writer = PdfWriter(clone_from=PdfReader(public_pdf))
        change(writer)
        written = io.BytesIO()
        writer.write(written)
        (site / f"about/{name}.pdf").write_bytes(written.getvalue())

    def xmp(writer):
        stream = DecodedStreamObject()
        stream.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:title>{sentence}</dc:title></x:xmpmeta>'.encode())
        writer.root_object[NameObject("/Metadata")] = writer._add_object(stream.flate_encode())

    changed("attached", lambda writer: writer.add_attachment("notes.txt.gz", __import__("gzip").compress(
        sentence.encode())))
    changed("xmp", xmp)
    changed("noted", lambda writer: writer.add_annotation(0, FreeText(text=sentence, rect=(50, 50, 300, 100))))
    done = audit(root)
    assert done.returncode == 1
    for name in ("attached", "xmp", "noted"):
        assert f"LEAK about/{name}.pdf: inspection:torbay-2026 (embargoed until" in done.stderr, name


def test_a_record_with_errors_is_named_and_the_files_naming_it_are_listed_as_unknown(tmp_path):
    """A published draft half-typed back (a YAML error): its status cannot be known, and the
    audit said only "0 leaks" and that the content has errors. It now names the record and
    every file of the site that names it."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF - dt.timedelta(days=1))
    build(root)
    assert (root / "output/site/inspections/torbay-2026/index.html").exists()
    record = root / "content/inspections/torbay-2026.yaml"
    record.write_text(record.read_text().replace("status: published", "status: draft\noverall: {rating: Go"))
    done = audit(root)
    assert done.returncode == 1
    assert ("UNKNOWN inspections/torbay-2026/index.html: inspection:torbay-2026 (its record has errors, so whether "
            "it may be public is not known)") in done.stderr
    assert "was not looked for (action_plan:torbay-2026-plan, inspection:torbay-2026;" in done.stderr
    assert "0 leaks is no all-clear" in done.stderr


def test_an_audit_that_cannot_read_site_yaml_says_it_was_not_run(tmp_path):
    """With site.yaml unreadable no record is read, and the audit was skipped without a
    word: the clerk saw the YAML error and exit 1, and nothing to say no folder was audited."""
    root = copy_site(tmp_path)
    build(root)
    (root / "content/site.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    assert "audit: not run: content/site.yaml has errors" in done.stderr
    as_json = json.loads(audit(root, "--format", "json").stdout)
    assert as_json["audit"]["all_clear"] is False and "content/site.yaml has errors" in as_json["audit"]["not_run"]


def test_the_audit_finds_withheld_words_whatever_their_case(tmp_path):
    """The print stylesheet sets names in capitals, so a PDF's text holds them so, and a
    person may retype a sentence in capitals: the audit compared case for case, and passed it."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    build(root)
    about = root / "output/site/about/index.html"
    about.write_text(about.read_text().replace(
        "</main>", "<p>THE RE-INSPECTION FOUND ZEBRA-SENTINEL-7741 IMPROVEMENTS.</p></main>"))
    done = audit(root)
    assert done.returncode == 1
    assert ("LEAK about/index.html: inspection:torbay-2026 (embargoed until 2026-11-23 12:00): found "
            f"'The re-inspection found {SENTINEL} improvements.'") in done.stderr


def test_the_audit_reads_json_string_escapes_in_scripts_and_data_files_and_json_keys(tmp_path):
    """JSON (and Jinja's tojson) may write an apostrophe as \\u0027 or \\u2019 and a slash
    as \\/: a withheld sentence so written in a page's script, or as a JSON key, passed."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    inspection = root / "content/inspections/torbay-2026.yaml"
    inspection.write_text(inspection.read_text().replace(
        f"introduction: The re-inspection found {SENTINEL} improvements.",
        "introduction: \"The Board's review of 2025/26 found every case plan was up to date.\"").replace(
        f"strengths: [The Board {SENTINEL} met monthly.]", "strengths: [The chair’s visits reached every team in the spring.]"))
    build(root)
    site = root / "output/site"
    about = site / "about/index.html"
    about.write_text(about.read_text().replace(
        "</main>", '<script>const note = "The Board\\u0027s review of 2025\\/26 found every case plan was up to date.";'
                   "</script></main>"))
    (site / "data/planted.json").write_text('{"The chair\\u2019s visits reached every team in the spring.": true}')
    done = audit(root)
    assert done.returncode == 1
    assert ("LEAK about/index.html: inspection:torbay-2026 (embargoed until 2026-11-23 12:00): found "
            "'The Board's review of 2025/26 found every case plan was up to date.'") in done.stderr
    assert ("LEAK data/planted.json: inspection:torbay-2026 (embargoed until 2026-11-23 12:00): found "
            "'The chair’s visits reached every team in the spring.'") in done.stderr


def test_the_audit_reads_utf16_without_a_byte_order_mark_and_reports_text_not_in_utf8(tmp_path):
    """A withheld sentence saved as UTF-16 without a byte-order mark read as noise, and one
    saved from Word as Windows-1252 lost its apostrophe: both passed. A site's text is UTF-8,
    so a file that is not is also named UNREAD: in another encoding it is not read right."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    inspection = root / "content/inspections/torbay-2026.yaml"
    inspection.write_text(inspection.read_text().replace(
        f"strengths: [The Board {SENTINEL} met monthly.]", "strengths: [The chair’s visits reached every team in the spring.]"))
    build(root)
    site = root / "output/site"
    (site / "about/notes-le.txt").write_bytes(f"The re-inspection found {SENTINEL} improvements.".encode("utf-16-le"))
    (site / "about/notes-be.txt").write_bytes(f"The re-inspection found {SENTINEL} improvements.".encode("utf-16-be"))
    (site / "about/notes-1252.txt").write_bytes("The chair’s visits reached every team in the spring.".encode("cp1252"))
    done = audit(root)
    assert done.returncode == 1
    for name in ("notes-le.txt", "notes-be.txt"):
        assert f"LEAK about/{name}: inspection:torbay-2026 (embargoed until" in done.stderr, name
        assert f"UNREAD about/{name}" not in done.stderr
    assert ("LEAK about/notes-1252.txt: inspection:torbay-2026 (embargoed until 2026-11-23 12:00): found "
            "'The chair’s visits reached every team in the spring.'") in done.stderr
    assert "UNREAD about/notes-1252.txt: text that is not UTF-8: read as Windows-1252 too" in done.stderr


def test_a_search_index_whose_pages_are_not_in_the_site_is_no_all_clear(tmp_path):
    """A search index from a build after the embargo, copied in without its fragments: the
    embargoed page's words are in it (a search for them finds a result), but only as index
    entries, and the audit passed it. It now checks that every page the index lists has its
    fragment in the site (and so read), and names the index UNREAD where one has not."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    build(root, search=True)
    assert audit(root).returncode == 0
    build(root, output=tmp_path / "later", now=AS_OF + dt.timedelta(days=2), search=True)
    shutil.copytree(tmp_path / "later/pagefind", root / "output/site/pagefind", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("fragment"))
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK" not in done.stderr           # what the index holds is words, not the page's sentences
    (meta,) = [p.name for p in (tmp_path / "later/pagefind").glob("*.pf_meta")]
    assert f"UNREAD pagefind/{meta}: the search index lists " in done.stderr
    assert "whose text is not in the site (fragment/" in done.stderr


def test_a_file_named_after_a_withheld_record_is_a_leak_but_not_one_named_after_a_public_record_it_prefixes(tmp_path):
    """`torbay-2026-report.pdf` and `torbay_2026_inspection.pdf` passed with `torbay-2026` a
    draft (a hyphen after the id read as another id), and so did a file named after its plan's
    title. A public `torbay-2026-follow-up` begins with the draft's id: its own files, and one
    named after it, are no leak."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF - dt.timedelta(days=1), status="draft")
    follow_up = (root / "content/inspections/torbay-2021.yaml").read_text()
    (root / "content/inspections/torbay-2026-follow-up.yaml").write_text(follow_up)
    build(root)
    site = root / "output/site"
    assert (site / "inspections/torbay-2026-follow-up/index.html").is_file()
    for name in ("torbay-2026-report.pdf", "torbay_2026_inspection.pdf", "Torbay-2026-follow-up summary.txt",
                 f"RE-INSPECTION_PLAN_{SENTINEL.replace('-', '_')} (final).docx"):
        (site / "about" / name).write_text("A file.\n")
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK about/torbay-2026-report.pdf: inspection:torbay-2026 (draft): found 'torbay-2026-report.pdf'" \
        in done.stderr
    assert "LEAK about/torbay_2026_inspection.pdf: inspection:torbay-2026 (draft)" in done.stderr
    assert (f"LEAK about/RE-INSPECTION_PLAN_{SENTINEL.replace('-', '_')} (final).docx: action_plan:torbay-2026-plan "
            "(waits for inspection torbay-2026, which is withheld)") in done.stderr
    assert "follow-up" not in done.stderr.lower()


def test_the_audit_finds_a_withheld_report_s_recommendations_and_a_withheld_meeting_s_note(tmp_path):
    """A report's page shows its recommendations and a meeting's page its note, but the audit
    looked for a withheld report's body alone and for nothing of a withheld meeting's words:
    either, copied onto a public page, passed as 0 leaks."""
    root = copy_site(tmp_path)
    (root / "content/reports/derby-staffing.md").write_text(
        "---\ncouncil: derby\ntitle: Staffing review\ndate: 2026-12-09\nstatus: draft\n"
        "recommendations:\n  for_decision:\n    - Approve the closure of the Normanton youth centre in April.\n"
        "---\n## Purpose\n\nA review of staffing.\n", encoding="utf-8")
    (root / "content/meetings/derby-special-2026-12-09.yaml").write_text(
        "council: derby\ncommittee: Special meeting\ndate: 2026-12-09\nstatus: draft\n"
        "note: The chair has called this meeting about the inspector's concerns over Normanton.\n"
        "items:\n  - {number: 1, title: Apologies for absence}\n", encoding="utf-8")
    build(root)
    about = root / "output/site/about/index.html"
    about.write_text(about.read_text().replace(
        "</main>", "<p>Approve the closure of the Normanton youth centre in April.</p>"
                   "<p>The chair has called this meeting about the inspector's concerns over Normanton.</p></main>"))
    done = audit(root)
    assert done.returncode == 1
    assert "LEAK about/index.html: report:derby-staffing (draft): found 'Approve the closure" in done.stderr
    assert "LEAK about/index.html: meeting:derby-special-2026-12-09 (draft): found 'The chair has called" \
        in done.stderr


def test_the_audit_finds_an_indicator_figure_before_its_source_publishes_it(tmp_path):
    """An indicators file has no status: a figure is withheld until its `published` day. The
    audit looked for no figure at all, so a custody rate typed in from pre-release access and
    copied onto a page passed as 0 leaks. A figure is looked for with its period (a bare 0.83
    is on many pages), as a chart's description and a table's row print it; a public figure
    printed the same is no leak, and from its publication day neither is this one."""
    root = copy_site(tmp_path)
    with (root / "content/indicators/dudley-yos.yaml").open("a", encoding="utf-8") as indicators:
        indicators.write("  - period: {from: 2025-10, to: 2026-09}\n    value: 0.83\n"
                         "    comparators: {yot_family: 0.57}\n    published: 2026-12-01\n")
    build(root)
    site = root / "output/site"
    about, accessibility = site / "about/index.html", site / "accessibility/index.html"
    about.write_text(about.read_text().replace(
        "</main>", "<p>Custody: Oct 2025-Sep 2026: Dudley YOS 0.83, YOT family 0.57.</p>"
                   "<p>Oct 2019-Sep 2020: Dudley YOS 0.29</p></main>"))
    accessibility.write_text(accessibility.read_text().replace(
        "</main>", '<table><tr><th scope="row">Oct 2025-Sep 2026</th><td>0.83</td></tr></table></main>'))
    done = audit(root)
    assert done.returncode == 1
    assert ("LEAK about/index.html: indicators:dudley-yos (figures its source publishes on 2026-12-01): found "
            "'Oct 2025-Sep 2026: Dudley YOS 0.83'") in done.stderr
    assert ("LEAK accessibility/index.html: indicators:dudley-yos (figures its source publishes on 2026-12-01): "
            "found 'Oct 2025-Sep 2026 0.83'") in done.stderr
    assert "Oct 2019-Sep 2020" not in done.stderr          # the shipped, published figure
    assert "indicators:dudley-yos" not in audit(root, as_of="2026-12-01").stderr


def test_the_audit_finds_a_withheld_meeting_s_notices_and_agenda_items_but_not_the_wording_public_agendas_share(
        tmp_path):
    """A meeting's page and front sheet give its own notices on filming and public
    participation and its items' titles and descriptions, but the audit looked for a withheld
    meeting's note alone: any of the others, copied onto a public page, passed as 0 leaks.
    Wording public agendas also print (an item every agenda has) is no leak."""
    root = copy_site(tmp_path)
    (root / "content/meetings/derby-special-2026-12-09.yaml").write_text(
        "council: derby\ncommittee: Special meeting\ndate: 2026-12-09\nstatus: draft\n"
        "recording_notice: Filming is not permitted because the inspector's letter on Normanton is discussed.\n"
        "public_participation: Parents of children at the Normanton centre may speak for three minutes each.\n"
        "items:\n  - {number: 1, title: Apologies for absence}\n"
        "  - number: 2\n    title: Emergency closure of the Normanton youth centre\n"
        "    description: The inspector found unsafe staffing levels at the centre on two visits.\n"
        "  - number: 3\n    title: Declarations of interest\n"
        "    description: To receive any declarations of interest under the Members' Code of Conduct.\n",
        encoding="utf-8")
    shared = "To receive any declarations of interest under the Members' Code of Conduct."
    assert shared in (root / "content/meetings/wolverhampton-cabinet-2022-03-16.yaml").read_text()
    build(root)
    planted = {"notice": "Filming is not permitted because the inspector's letter on Normanton is discussed.",
               "participation": "Parents of children at the Normanton centre may speak for three minutes each.",
               "title": "Emergency closure of the Normanton youth centre",
               "description": "The inspector found unsafe staffing levels at the centre on two visits.",
               "shared": shared}
    for name, text in planted.items():
        (root / f"output/site/about/{name}.html").write_text(f"<p>{html.escape(text)}</p>\n", encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    for name, text in planted.items():
        if name != "shared":
            assert (f"LEAK about/{name}.html: meeting:derby-special-2026-12-09 (draft): found '{text}'"
                    in done.stderr), name
    assert "about/shared.html" not in done.stderr


def test_the_audit_finds_a_withheld_action_plan_s_resources(tmp_path):
    """A plan's paper prints each action's resources, but the audit looked for its actions,
    how, outcomes and updates alone: a withheld plan's resources copied onto a page passed."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    plan = root / "content/action-plans/torbay-2026-plan.yaml"
    plan.write_text(plan.read_text().replace(
        "due: 2027-03}", "due: 2027-03,\n     resources: Two agency case managers paid from the Board's reserve}"))
    build(root)
    about = root / "output/site/about/index.html"
    about.write_text(about.read_text().replace(
        "</main>", "<p>Two agency case managers paid from the Board&#39;s reserve</p></main>"))
    done = audit(root)
    assert done.returncode == 1
    assert ("LEAK about/index.html: action_plan:torbay-2026-plan (waits for inspection torbay-2026, which is "
            "withheld): found 'Two agency case managers paid from the Board's reserve'") in done.stderr


def test_the_audit_finds_a_withheld_report_s_front_matter_but_not_the_lead_ins_public_reports_print(tmp_path):
    """A report's front sheet or heading block prints "Report of the ...", where it has been
    considered (with a note) and the lead-ins to its recommendations, but the audit looked for
    a withheld report's body and recommendations alone: any of those, copied onto a public
    page, passed as 0 leaks. A lead-in a public report prints too, its own (Wolverhampton's)
    or the house one (Derby's report has no lead-in to what it asks to be noted), is no leak."""
    root = copy_site(tmp_path)
    own = {"report_of": "Interim Director appointed after the Normanton inspection",
           "note": "deferred until the findings on the Normanton centre are public",
           "lead_in": "That Cabinet asks Council to close the Normanton centre and to:",
           "noting_lead_in": "The Cabinet is asked to note the Normanton staffing losses of:"}
    shared = {"lead_in": "That Cabinet recommends that Council:",
              "noting_lead_in": "The Children's scrutiny committee (example) is asked to note:"}
    for rid, lead_ins in {"derby-staffing": own, "derby-staffing-2": shared}.items():
        (root / f"content/reports/{rid}.md").write_text(
            "---\ncouncil: derby\ncommittee: Children's scrutiny committee (example)\ntitle: Staffing review\n"
            f"date: 2026-12-09\nstatus: draft\nreport_of: {own['report_of']}\n"
            f"considered_by:\n  - {{body: Scrutiny Board, date: 2026-11-01, note: {own['note']}}}\n"
            f"recommendations:\n  lead_in: \"{lead_ins['lead_in']}\"\n  for_decision: [Approve it.]\n"
            f"  noting_lead_in: \"{lead_ins['noting_lead_in']}\"\n  for_noting: [Note it.]\n"
            "---\n## Purpose\n\nA review of staffing.\n", encoding="utf-8")
    build(root)
    planted = {**own, **{f"shared_{name}": text for name, text in shared.items()}}
    for name, text in planted.items():
        (root / f"output/site/about/{name}.html").write_text(f"<p>{html.escape(text)}</p>\n", encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    for name, text in own.items():
        assert f"LEAK about/{name}.html: report:derby-staffing (draft): found '{text}'" in done.stderr, name
    assert "about/shared_" not in done.stderr
    assert done.stderr.count("LEAK ") == done.stderr.count("LEAK about/")     # nor on the public reports' pages


def test_the_audit_finds_a_withheld_inspection_s_facts_and_addressees_but_not_those_public_inspections_print(
        tmp_path):
    """An inspection's page and paper print its lead inspector, its contextual facts (label,
    value, year) and whom each group of recommendations is to, but the audit looked for its
    introduction, findings and recommendations alone: a withheld inspection's caseload copied
    onto a public page passed as 0 leaks. A fact or addressee a public inspection prints the
    same (Torbay's population in 2019, Sandwell's "The Chair of the YOS Management Board") is
    no leak."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    inspection = root / "content/inspections/torbay-2026.yaml"
    inspection.write_text(inspection.read_text().replace(
        "overall: {rating: Good}\n", "overall: {rating: Good}\nlead_inspector: Helen Normanton-Davies\n") + """\
  - to: The Torbay Safeguarding Children Partnership
    items: [review the out-of-court panel]
  - to: The Chair of the YOS Management Board
    items: [chair the panel]
facts:
  caseload: {label: Children on the caseload, value: 1057, year: 2026}
  population_total: {label: Total population, value: 136264, year: 2019}
""")
    build(root)
    planted = {"lead": "<dl><div><dt>Lead inspector</dt><dd>Helen Normanton-Davies</dd></div></dl>",
               "fact": '<table><tr><th scope="row">Children on the caseload</th><td>1,057</td><td>2026</td></tr></table>',
               "to": "<h3>The Torbay Safeguarding Children Partnership should:</h3>",
               "shared_fact": '<table><tr><th scope="row">Total population</th><td>136,264</td><td>2019</td></tr></table>',
               "shared_to": "<h3>The Chair of the YOS Management Board should:</h3>"}
    for name, text in planted.items():
        (root / f"output/site/about/{name}.html").write_text(text + "\n", encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    for name, found in {"lead": "Lead inspector Helen Normanton-Davies", "fact": "Children on the caseload 1,057 2026",
                        "to": "The Torbay Safeguarding Children Partnership"}.items():
        assert (f"LEAK about/{name}.html: inspection:torbay-2026 (embargoed until 2026-11-23 12:00): "
                f"found '{found}'") in done.stderr, name
    assert "about/shared_" not in done.stderr
    assert done.stderr.count("LEAK ") == 3              # nor on the public inspections' pages


def test_the_audit_finds_a_withheld_report_s_image_alt_text_and_the_sentence_around_the_image(tmp_path):
    """A report's page gives an image's alt text as its alt="...", apart from the sentence
    around it, but the audit looked for "![alt](src)" as the sentence "!alt" with the words
    around it: neither the alt text nor that sentence, copied onto a public page, was found."""
    root = copy_site(tmp_path)
    (root / "content/attachments/normanton-chart.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x80\x00\x00normanton")
    (root / "content/reports/derby-staffing.md").write_text(
        "---\ncouncil: derby\ntitle: Staffing review\ndate: 2026-12-09\nstatus: draft\n---\n## Purpose\n\n"
        "Staffing at the Normanton centre fell by half "
        "![Caseworkers leaving the Normanton centre each month](attachments/normanton-chart.gif) over the year.\n",
        encoding="utf-8")
    build(root)
    about = root / "output/site/about/index.html"
    about.write_text(about.read_text().replace(
        "</main>", '<p>Staffing at the Normanton centre fell by half over the year.</p></main>'))
    (root / "output/site/about/chart.html").write_text(
        '<img src="chart.png" alt="Caseworkers leaving the Normanton centre each month">\n', encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    assert ("LEAK about/index.html: report:derby-staffing (draft): found "
            "'Staffing at the Normanton centre fell by half over the year.'") in done.stderr
    assert ("LEAK about/chart.html: report:derby-staffing (draft): found "
            "'Caseworkers leaving the Normanton centre each month'") in done.stderr


def test_the_audit_finds_a_withheld_meeting_s_appendix_titles_but_not_those_public_agendas_print(tmp_path):
    """A meeting's page and front sheet list each item's appendices by title, but the audit
    looked for a withheld meeting's items' titles and descriptions alone: an appendix's title,
    copied onto a public page, passed as 0 leaks. A title a public agenda prints too
    (Wolverhampton's "Summary of HMIP's inspection report") is no leak."""
    root = copy_site(tmp_path)
    (root / "content/attachments/normanton-costs.md").write_text("# Costs\n\nTo follow.\n", encoding="utf-8")
    own, shared = "Costs of closing the Normanton youth centre in each ward", "Summary of HMIP's inspection report"
    (root / "content/meetings/derby-special-2026-12-09.yaml").write_text(
        "council: derby\ncommittee: Special meeting\ndate: 2026-12-09\nstatus: draft\n"
        "items:\n  - number: 1\n    title: Youth justice\n    appendices:\n"
        f"      - {{title: {own}, markdown: attachments/normanton-costs.md}}\n"
        f"      - {{title: {shared}, inspection: wolverhampton-2021}}\n", encoding="utf-8")
    build(root)
    for name, text in {"own": own, "shared": shared}.items():
        (root / f"output/site/about/{name}.html").write_text(f"<li>Appendix 1: {html.escape(text)}</li>\n",
                                                             encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    assert f"LEAK about/own.html: meeting:derby-special-2026-12-09 (draft): found '{own}'" in done.stderr
    assert done.stderr.count("LEAK ") == 1          # not the shared title, here or on Wolverhampton's agenda


def test_the_audit_finds_a_held_back_item_s_appendix_titles_and_report_line_but_not_what_its_agenda_prints(
        tmp_path):
    """An item of a public meeting whose report is a draft is listed "To Follow" with its title
    and description only (`plan.publication.held_back`), but the audit skipped such items: the
    titles of its appendices, and its "Report: <title>" line (the report titled as its item),
    copied onto a public page, passed as 0 leaks. What the agenda prints of it (its title, its
    description, "To follow"), and an appendix title a public agenda prints too, are no leak."""
    root = copy_site(tmp_path)
    (root / "content/attachments/normanton-costs.md").write_text("# Costs\n\nTo follow.\n", encoding="utf-8")
    title, shared = "Closure of the Normanton youth centre", "Summary of HMIP's inspection report"
    own = "Costs of closing the Normanton youth centre in each ward"
    description = "The inspector found unsafe staffing levels at the centre on two visits."
    (root / "content/reports/derby-normanton-closure.md").write_text(
        f"---\ncouncil: derby\nkind: scrutiny\ncommittee: Special meeting\ndate: 2026-12-09\ntitle: {title}\n"
        "status: draft\n---\nThe council proposes to close the centre.\n", encoding="utf-8")
    (root / "content/meetings/derby-special-2026-12-09.yaml").write_text(
        "council: derby\ncommittee: Special meeting\ndate: 2026-12-09\nstatus: published\n"
        "items:\n  - {number: 1, title: Apologies for absence}\n"
        f"  - number: 2\n    title: {title}\n    description: {description}\n"
        "    report: derby-normanton-closure\n    appendices:\n"
        f"      - {{title: {own}, markdown: attachments/normanton-costs.md}}\n"
        f"      - {{title: {shared}, inspection: wolverhampton-2021}}\n", encoding="utf-8")
    build(root)
    page = (root / "output/site/meetings/derby-special-2026-12-09/index.html").read_text(encoding="utf-8")
    assert description in page and "To follow" in page and own not in page
    planted = {"own": f"<li>Appendix 1: {own}</li>", "report": f"<p>Report: <a href='#'>{title}</a></p>",
               "shared": f"<li>Appendix 2: {shared}</li>", "agenda": f"<h3>{title} To follow</h3><p>{description}</p>"}
    for name, text in planted.items():
        (root / f"output/site/about/{name}.html").write_text(text + "\n", encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    item = "agenda_item:derby-special-2026-12-09 item 2 (its papers depend on a withheld record)"
    assert f"LEAK about/own.html: {item}: found '{own}'" in done.stderr
    assert f"LEAK about/report.html: {item}: found 'Report: {title}'" in done.stderr
    assert done.stderr.count("LEAK ") == 2       # not the shared title, the agenda's words, nor the meeting's page


def test_the_audit_finds_a_withheld_plan_s_roles_but_not_those_public_plans_print(tmp_path):
    """Who owns a plan and each action, and with what, are roles plans of other services
    share ("Police officers seconded to the team" was 2,115 of 3,523 leaks reported on a
    60-inspection site with a third withheld): a withheld plan's role that a public plan
    prints the same (Torbay's 2021 plan's "Op's manager to allocate to case worker ...") is
    no leak, on that plan's own page or anywhere; a role of its own still is."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    plan = root / "content/action-plans/torbay-2026-plan.yaml"
    plan.write_text(plan.read_text() + """\
  - id: A2
    recommendations: [1]
    action: Chair the panel
    due: 2027-03
    who: Op's manager to allocate to case worker within 24 hours of receiving 370
    resources: Two agency case managers paid from the Board's reserve
""")
    build(root)
    (root / "output/site/about/own.html").write_text(
        "<p>Two agency case managers paid from the Board&#39;s reserve</p>\n", encoding="utf-8")
    (root / "output/site/about/shared.html").write_text(
        "<p>Op&#39;s manager to allocate to case worker within 24 hours of receiving 370</p>\n", encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    assert ("LEAK about/own.html: action_plan:torbay-2026-plan (waits for inspection torbay-2026, which is "
            "withheld): found 'Two agency case managers paid from the Board's reserve'") in done.stderr
    assert "about/shared.html" not in done.stderr
    assert "action-plans/torbay-2021-oocd" not in done.stderr       # nor on the public plan's own page


def test_a_withheld_plan_s_title_that_a_public_title_holds_is_no_leak(tmp_path):
    """A service's plans are often titled alike each time ("Mid Ashwell YJS inspection
    improvement plan" was reported on every page listing the public one): as for any
    withheld record, a title a public title holds is no leak; one of its own still is."""
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    plan = root / "content/action-plans/torbay-2026-plan.yaml"
    shared = "YOT Improvement Plan for OOCD's Assessment, Decision Making and Processes"     # torbay-2021-oocd's
    plan.write_text(plan.read_text().replace(f"title: Re-inspection plan {SENTINEL}", f'title: "{shared}"'))
    assert shared in plan.read_text()
    build(root)
    (root / "output/site/about/shared.html").write_text(f"<h1>{html.escape(shared)}</h1>\n", encoding="utf-8")
    done = audit(root)
    assert "about/shared.html" not in done.stderr
    assert "found 'YOT Improvement Plan for OOCD" not in done.stderr    # nor on the public plan's pages
    plan.write_text(plan.read_text().replace(shared, "Torbay re-inspection plan for the Board"))
    (root / "output/site/about/own.html").write_text("<h1>Torbay re-inspection plan for the Board</h1>\n")
    done = audit(root)
    assert ("LEAK about/own.html: action_plan:torbay-2026-plan (waits for inspection torbay-2026, which is "
            "withheld): found 'Torbay re-inspection plan for the Board'") in done.stderr


def test_a_withheld_sentence_within_a_longer_public_one_is_reported_with_that_record(tmp_path):
    """A withheld inspection's finding that a public inspection's sentence holds after its own
    opening words is that record's text too, and the audit says so as for a sentence shared
    whole; it reported the public record's own page as a bare leak, naming no record."""
    root = copy_site(tmp_path)
    public = ("The Director of Children's Services became Board Chair at the end of 2019, saw straight away that "
              "improvement was needed and commissioned a Local Government Association peer review of governance.")
    assert public in (root / "content/inspections/torbay-2021.yaml").read_text()
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    inspection = root / "content/inspections/torbay-2026.yaml"
    within = "Commissioned a Local Government Association peer review of governance."
    inspection.write_text(inspection.read_text().replace(f"strengths: [The Board {SENTINEL} met monthly.]",
                                                         f"strengths: [{within}]"))
    build(root)
    done = audit(root)
    assert (f"LEAK inspections/torbay-2021/index.html: inspection:torbay-2026 (embargoed until 2026-11-23 12:00): "
            f"found '{within}' (the same words are in public inspection:torbay-2021: wording the two share, or a "
            "leak)") in done.stderr


def later_than_now() -> str:
    """An --as-of that makes a build a rehearsal (a moment to come): its pages are marked PREVIEW."""
    return (dt.datetime.now(LONDON) + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")


def rehearse(root, *extra):
    """`scrutiny build --as-of LATER` into output/preview, as a clerk rehearses a release."""
    done = subprocess.run([*AUDIT, "-C", str(root), "build", "-q", "--no-pdf", "--no-search",
                           "--as-of", later_than_now(), *extra], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return root / "output/preview"


def copy_over(source, target) -> None:
    """Copy a file where another is, as `cp` of a whole folder would."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)          # a new file: the live one may share its bytes with the spare folder's
    shutil.copyfile(source, target)


def test_a_rehearsal_s_files_copied_into_the_live_site_are_reported_as_a_preview_s(tmp_path):
    """A rehearsal copied by hand into output/site shows no withheld record today, so the audit
    said '0 leaks'; yet every page says PREVIEW and noindex, and the feed and data file say so too."""
    root = copy_site(tmp_path)
    build(root)
    preview = rehearse(root)
    site = root / "output/site"
    for name in ("index.html", "feed.xml", "data/inspections.json"):
        copy_over(preview / name, site / name)
    done = audit(root)
    assert done.returncode == 1
    assert ("PREVIEW index.html: the PREVIEW banner of a rehearsal (build --as-of), found 'PREVIEW as at "
            in done.stderr)
    assert "PREVIEW feed.xml: a preview's title, found 'PREVIEW as at " in done.stderr
    assert "PREVIEW data/inspections.json: the `preview` field of a rehearsal's data file" in done.stderr
    assert "rebuild the live site (`scrutiny build`, which replaces them)" in done.stderr
    assert "0 leaks, 3 of a preview" in done.stderr
    assert "PREVIEW about/index.html" not in done.stderr          # the live pages left as they were
    report = json.loads(audit(root, "--format", "json").stdout)["audit"]
    assert sorted(found["file"] for found in report["previews"]) == ["data/inspections.json", "feed.xml", "index.html"]
    assert report["all_clear"] is False


def test_a_drafts_preview_s_page_or_a_noindex_added_to_a_live_page_is_reported_as_a_preview_s(tmp_path):
    root = copy_site(tmp_path)
    build(root)
    build(root, output=tmp_path / "drafts", drafts=True)
    site = root / "output/site"
    copy_over(tmp_path / "drafts/about/index.html", site / "about/index.html")
    page = site / "services/index.html"
    text = page.read_text(encoding="utf-8")
    page.unlink()
    page.write_text(text.replace("<head>\n", '<head>\n<meta name="robots" content="noindex">\n', 1), encoding="utf-8")
    done = audit(root)
    assert done.returncode == 1
    assert ("PREVIEW about/index.html: the DRAFT banner of a drafts preview (build --drafts), "
            "found 'DRAFT — not for publication.'") in done.stderr
    assert ("PREVIEW services/index.html: the noindex meta a preview's pages carry, "
            """found '<meta name="robots" content="noindex">'""") in done.stderr


def test_a_council_template_saying_preview_or_noindex_is_no_preview_mark(tmp_path):
    """A council's own base.html may ask search engines to keep out of its internal site, and
    may say PREVIEW in its own words: only the renderer's exact marks are a preview's."""
    root = copy_site(tmp_path)
    base = (REPO / "generator/theme/templates/base.html").read_text(encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates/base.html").write_text(base.replace(
        "<head>\n", '<head>\n<meta name="robots" content="noindex">\n', 1).replace(
        "<body>\n", "<body>\n<p><strong>PREVIEW</strong> of our new site: tell us what you think.</p>\n", 1),
        encoding="utf-8")
    build(root)
    assert '<meta name="robots" content="noindex">' in (root / "output/site/index.html").read_text(encoding="utf-8")
    done = audit(root)
    assert done.returncode == 0, done.stderr
    assert "PREVIEW index.html" not in done.stderr


def test_the_audit_of_a_preview_folder_does_not_report_its_own_marks_but_of_a_copy_of_it_does(tmp_path):
    """output/preview's manifest says a preview was built there: its marks are its own. A copy
    of it elsewhere (a web server's folder) has no such manifest, and is audited as live."""
    root = copy_site(tmp_path)
    build(root)
    preview = rehearse(root)
    done = subprocess.run([*AUDIT, "-C", str(root), "check", "--audit", str(preview), "--as-of", "2026-11-22"],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "PREVIEW index.html" not in done.stderr
    assert f"audit: {preview} is a preview (so its build's manifest says)" in done.stderr
    served = tmp_path / "www"
    shutil.copytree(preview, served)
    copied = subprocess.run([*AUDIT, "-C", str(root), "check", "--audit", str(served), "--as-of", "2026-11-22"],
                            capture_output=True, text=True, timeout=300)
    assert copied.returncode == 1
    assert "PREVIEW index.html: the PREVIEW banner of a rehearsal (build --as-of)" in copied.stderr
