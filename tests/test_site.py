"""The website built from the shipped content: every page type, links, ratings, data files."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.clock import LONDON
from generator.plan.outputs import NOT_FOUND
from generator.render.html import SERVED_ROOT
from site_helpers import REPO, all_files, build, copy_site, parse_page, replace_in_file, visible_text

PAGE_TYPES = [
    "index.html", "inspections/index.html", "inspections/torbay-2021/index.html",
    "inspections/sandwell-2018/index.html", "services/index.html", "services/dudley-yos/index.html",
    "standards/index.html", "action-plans/index.html", "action-plans/dudley-2019-progress/index.html",
    "meetings/index.html", "meetings/torbay-cyp-osb-2021-03-01/index.html",
    "reports/wolverhampton-yot-inspection-outcome/index.html", "reports/dudley-yos-action-plan-update/index.html",
    "search/index.html", "accessibility/index.html", "about/index.html", "404.html",
    "data/inspections.json", "data/ratings.csv", "feed.xml", "sitemap.xml", "assets/style.css",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("site"))
    build(root, search=True)
    return root / "output" / "site"


def test_every_page_type_exists_for_the_shipped_content(site):
    missing = [p for p in PAGE_TYPES if not (site / p).is_file()]
    assert missing == []


def test_search_index_is_built_from_the_public_pages(site):
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert list((site / "pagefind").glob("fragment/*"))


def test_no_internal_link_or_anchor_is_broken(site):
    broken = []
    pages = {p.relative_to(site).as_posix(): parse_page(p) for p in site.rglob("*.html")
             if "pagefind" not in p.parts}
    for page, parsed in pages.items():
        for link in parsed.links:
            if page == NOT_FOUND and not link.startswith("#"):
                # Served at any address: each link starts with the site's, which the server writes in.
                assert link.startswith(SERVED_ROOT), link
                link = link.removeprefix(SERVED_ROOT)
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue                       # external (mailto:, https:) links are not ours to check
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) \
                if parts.path else page
            if target.startswith(".."):
                broken.append((page, link, "leaves the site"))
                continue
            if not (site / target).is_file():
                broken.append((page, link, "no such file"))
            elif parts.fragment and target.endswith(".html"):
                ids = pages[target].ids if target in pages else parse_page(site / target).ids
                if parts.fragment not in ids:
                    broken.append((page, link, f"no id '{parts.fragment}'"))
    assert broken == []


def test_links_are_relative_so_the_site_works_from_any_sub_path(site):
    absolute = [(p.name, link) for p in site.rglob("*.html") if "pagefind" not in p.parts
                for link in parse_page(p).links if link.startswith("/")]
    assert absolute == []


def test_the_home_page_is_titled_with_the_sites_title_once_and_other_pages_with_theirs_before_it(site):
    # content/site.yaml's title is "Youth Justice Inspections"; a title read twice is noise to a screen reader.
    assert "<title>Youth Justice Inspections</title>" in (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Services - Youth Justice Inspections</title>" in (site / "services/index.html").read_text(encoding="utf-8")


def test_the_not_found_page_says_so_in_the_sites_language_and_links_home_and_to_search(site):
    """404.html, which the web server sends for a missing address (deploy/nginx.conf): WCAG 2.2
    SC 3.1.1 (a language), 2.4.2 (a title), and a way back to the site."""
    text = (site / "404.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in text
    assert "<title>Page not found - Youth Justice Inspections</title>" in text
    assert "<h1>Page not found</h1>" in text
    links = parse_page(site / "404.html").links
    assert SERVED_ROOT + "index.html" in links and SERVED_ROOT + "search/index.html" in links
    assert SERVED_ROOT + "assets/style.css" in links
    assert "There is no page at this address." in visible_text(text)


def test_the_not_found_page_is_neither_in_the_sitemap_nor_found_by_search(site):
    assert "404" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    pages = [p for p in site.rglob("*.html") if "pagefind" not in p.parts]
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == len(pages) - 1


def test_a_server_directive_typed_in_site_yaml_reaches_the_not_found_page_as_text(tmp_path):
    """nginx runs the server-side includes of 404.html: the only ones are its links' own."""
    root = copy_site(tmp_path)
    replace_in_file(root / "content/site.yaml", "title: Youth Justice Inspections",
                    "title: \"Inspections <!--# include virtual='/etc/passwd' -->\"")
    build(root)
    text = (root / "output/site/404.html").read_text(encoding="utf-8")
    assert "Inspections &lt;!--# include virtual=&#39;/etc/passwd&#39; --&gt;" in text
    assert text.count("<!--#") == text.count(SERVED_ROOT) > 0


def test_home_page_says_an_inspection_s_publication_date_is_not_recorded_in_words_a_reader_reads(site):
    """Sandwell's and Dudley's records give no publication date (their reports print none): the home page's
    latest inspections said "Published not recorded". Torbay's gives March 2021, Wolverhampton's 8 February 2022."""
    home = " ".join(visible_text((site / "index.html").read_text(encoding="utf-8")).split())
    latest = home[home.index("Latest inspections"):home.index("Upcoming meetings")]
    assert "Published not recorded" not in latest
    assert "Sandwell YOS inspection, August 2018 Good Publication date not recorded" in latest
    assert "Dudley YOS inspection, April 2019 Requires improvement Publication date not recorded" in latest
    assert "Torbay YOT inspection, March 2021 Requires improvement score 16/36 Published March 2021" in latest
    assert "Published 8 February 2022" in latest


def test_inspection_page_shows_published_and_advisory_ratings_and_key_questions(site):
    html = (site / "inspections/sandwell-2018/index.html").read_text()
    # Annex 2 of the Sandwell report: 2.4.3 is 62%, so 2.4 Reviewing bands as Requires improvement.
    assert "2.4.3" in html and "62%" in html
    assert "Computed from key questions" in html and "advisory" in html
    # The report gives ratings only, no score: the published side names none, and the score
    # HMIP's rule makes of the twelve ratings (7 + 9 + 4 = 20) is shown as advisory.
    overall = re.search(r'<tr class="overall">.*?</tr>', html).group(0)
    published, advisory = overall.split("rating--advisory")
    assert '<th scope="row">Overall</th>' in published and "score" not in published
    assert "score 20/36" in advisory
    assert "out of 36" not in html


def test_a_key_questions_band_is_set_as_words_not_as_a_number(site):
    """In a numeric table a cell of words is class "text" (set left, style.css); the Band cell was
    not, and its ratings were set right like the percentages beside it."""
    html = (site / "inspections/torbay-2021/index.html").read_text()
    rows = re.findall(r'<tr><th scope="row" class="text"><span class="std-number">2\.1\.1</span>.*?</tr>', html)
    assert rows, html
    cells = re.findall(r"<td[^>]*>", rows[0])
    assert cells[-1] == '<td class="text">' and cells[:-1] == ["<td>", "<td>"], cells


def test_every_rating_is_written_as_a_word_not_colour_alone(site):
    words = {"Outstanding", "Good", "Requires improvement", "Inadequate", "Not rated", "Not recorded"}
    for page in site.rglob("*.html"):
        for match in re.finditer(r'<span class="rating rating--([a-z-]+)[^"]*">(.*?)</span>', page.read_text()):
            text = html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).replace("\u2605", "").strip()
            assert text in words, (page, match.group(0))


def test_a_latest_inspection_without_a_publication_date_says_which_date_is_not_recorded(site):
    """WCAG 1.3.1: the standards page's row header and the services list's rating cell are read
    as one phrase, so "Dudley YOS not recorded" and "Requires improvement not recorded" would say
    the service or the rating is not recorded; Dudley's and Sandwell's records give no publication date."""
    def words(fragment: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())

    standards = (site / "standards/index.html").read_text(encoding="utf-8")
    headers = [words(h) for h in re.findall(r'<th scope="row"><a href="\.\./inspections/.*?</th>', standards)]
    # each link names its inspection, unseen ("Derby YJS inspection, September 2025"), then the date shown
    assert headers == ["Derby YJS inspection, September 2025 September 2025",
                       "Wolverhampton YOT inspection, February 2022 8 February 2022",
                       "Dudley YOS inspection, April 2019 publication date not recorded",
                       "Sandwell YOS inspection, August 2018 publication date not recorded",
                       "Torbay YOT inspection, March 2021 March 2021"]
    services = (site / "services/index.html").read_text(encoding="utf-8")
    latest = [words(cell) for cell in re.findall(r'<td><a href="\.\./inspections/.*?</td>', services)]
    assert "Requires improvement – Dudley YOS inspection, April 2019 publication date not recorded" in latest
    assert "Good – Sandwell YOS inspection, August 2018 publication date not recorded" in latest
    assert not any(cell.endswith(" not recorded") and "publication date" not in cell for cell in latest)


def test_ratings_csv_has_one_row_per_inspection_and_standard(site):
    rows = list(csv.DictReader(io.StringIO((site / "data/ratings.csv").read_text(encoding="utf-8-sig"))))
    sandwell = [r for r in rows if r["inspection"] == "sandwell-2018"]
    assert len(sandwell) == 12
    # Typed in from the Sandwell summary of ratings: 3.4 Joint working, Outstanding.
    assert {r["standard"]: r["published_rating"] for r in sandwell}["3.4"] == "Outstanding"
    wolves = [r for r in rows if r["inspection"] == "wolverhampton-2021"]
    resettlement = [r for r in wolves if r["counted_in_score"] == "no"]
    assert [r["published_rating"] for r in resettlement] == ["Outstanding"]


def test_inspections_json_holds_every_public_inspection_resolved(site):
    data = json.loads((site / "data/inspections.json").read_text())
    by_id = {i["id"]: i for i in data["inspections"]}
    assert set(by_id) == {"sandwell-2018", "torbay-2021", "wolverhampton-2021", "dudley-2019", "derby-2025"}
    assert by_id["torbay-2021"]["overall"]["published_score"] == 16
    assert by_id["torbay-2021"]["overall"]["computed_score"] == 16


def json_keys(value, parent: str = "") -> set[str]:
    """Every key of a JSON value at every level, but the keys a record chooses (its facts')."""
    if isinstance(value, list):
        return set().union(*(json_keys(v, parent) for v in value))
    if not isinstance(value, dict):
        return set()
    named = set() if parent == "facts" else set(value)
    return named.union(*(json_keys(v, k) for k, v in value.items()))


def test_docs_data_md_says_what_every_field_of_inspections_json_is(site):
    """An analyst reads docs/data.md to know each field: `facts`, `title`, `lead_inspector` and
    `fieldwork` were in the file and nowhere in it (helper-150)."""
    data = json.loads((site / "data/inspections.json").read_text())
    documented = set(re.findall(r"\w+", " ".join(re.findall(r"`([^`]+)`", (REPO / "docs/data.md").read_text()))))
    assert {"facts", "title", "lead_inspector", "fieldwork", "label", "unit"} <= json_keys(data)
    assert json_keys(data) - documented == set()
    # a fact's field the record leaves out is null, as every other field not recorded is (a missing
    # key read as an absent column); typed from the record (ONS mid-2019 estimates)
    torbay = next(i for i in data["inspections"] if i["id"] == "torbay-2021")
    assert torbay["facts"]["population_total"] == {"label": "Total population", "value": 136264, "year": 2019,
                                                   "unit": None}
    assert torbay["lead_inspector"] == "Maria Jerram"
    assert torbay["fieldwork"] == {"from": "2020-10-26", "to": "2020-10-29"}


def test_a_preview_s_inspections_json_says_which_inspection_is_a_draft_or_embargoed(tmp_path):
    """A preview's ratings.csv marks its drafts (status) and embargoes; its inspections.json,
    taken away beside it, gave the same draft as a plain inspection."""
    root = copy_site(tmp_path / "site")
    replace_in_file(root / "content/inspections/sandwell-2018.yaml", "status: published", "status: draft")
    build(root, output=tmp_path / "preview", drafts=True)
    data = json.loads((tmp_path / "preview/data/inspections.json").read_text(encoding="utf-8"))
    by_id = {i["id"]: i for i in data["inspections"]}
    # Typed from content/inspections/: Sandwell is now a draft; Torbay's embargo ended at
    # 00:01 London time (GMT in March) on 3 March 2021.
    assert (by_id["sandwell-2018"]["status"], by_id["sandwell-2018"]["embargo_until"]) == ("draft", None)
    assert (by_id["torbay-2021"]["status"], by_id["torbay-2021"]["embargo_until"]) == \
        ("published", "2021-03-03T00:01:00+00:00")
    assert by_id["dudley-2019"]["status"] == "published"


def test_inspections_json_credits_hmip_and_no_source_it_did_not_use(site):
    """The shipped records are typed in from HMIP's reports, none imported: the file credits HMIP
    under the Open Government Licence v3.0 (its statement, typed from the licence) and not Data to
    Insight, whose table no record came from."""
    data = json.loads((site / "data/inspections.json").read_text())
    assert [(s["name"], s["licence"], s["attribution"]) for s in data["sources"]] == [
        ("HM Inspectorate of Probation", "Open Government Licence v3.0",
         "Contains public sector information licensed under the Open Government Licence v3.0.")]


def test_inspections_json_lists_keys_in_sorted_order_at_every_level(site):
    # Analysts diff one build's file against the last: keys in a fixed, sorted order at
    # every level (the file is written in that order, not sorted by the encoder).
    orders = []
    json.loads((site / "data/inspections.json").read_text(),
               object_pairs_hook=lambda pairs: orders.append([k for k, _ in pairs]) or dict(pairs))
    assert len(orders) > 100 and any("facts" in keys for keys in orders)
    assert any(len(keys) > 2 for keys in orders if "value" in keys)       # a fact, with its label and year
    assert [keys for keys in orders if keys != sorted(keys)] == []


def test_inspections_json_is_written_as_one_json_dump_of_its_data(site):
    # The file is written one inspection at a time (render/data.py); pieced together, it
    # must be exactly what the encoder writes for the whole: commas, brackets, key order.
    raw = (site / "data/inspections.json").read_bytes()
    data = json.loads(raw)
    assert len(data["inspections"]) == 5
    assert raw == (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()


def test_home_page_lists_overdue_actions_of_one_due_date_in_natural_order(site):
    # torbay-2021-oocd: A1, A2, A4-A8 and A11 are due by July 2021 with no update; A3, A9, A10 have no due date
    home = (site / "index.html").read_text(encoding="utf-8")
    overdue = home[home.index('id="h-overdue"'):]
    assert re.findall(r"#action-(A\d+)", overdue) == ["A1", "A2", "A4", "A5", "A6", "A7", "A8", "A11"]


def test_feed_and_sitemap_are_well_formed(site):
    import xml.etree.ElementTree as ET
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in feed.iter("{http://www.w3.org/2005/Atom}entry")]
    assert "Torbay YOT inspection, March 2021" in titles
    sitemap = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in sitemap]
    assert "https://intranet.example.gov.uk/scrutiny/inspections/torbay-2021/index.html" in locs


def test_the_feed_dates_each_inspection_by_a_day_its_sources_give_and_is_valid_atom(site):
    """Only what was published: Torbay's entry was dated 31 March 2021, the last day of the month
    its report gives, though its embargo (the council's letter: 3 March 2021 00:01) dates its
    release; Dudley 2019 and Sandwell 2018 record no publication and were dated by their
    fieldwork (8 April 2019; 31 August 2018), a day no source gives as a publication. Derby's
    report gives September 2025 alone, with no embargo: Atom needs a day, so the month's last,
    and the entry says so. The feed stays valid Atom (RFC 4287: id, title, updated, author)."""
    import xml.etree.ElementTree as ET
    atom = "{http://www.w3.org/2005/Atom}"
    rfc3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    assert feed.tag == f"{atom}feed"
    for required in ("id", "title", "updated"):
        assert len(feed.findall(f"{atom}{required}")) == 1, required
    assert rfc3339.match(feed.findtext(f"{atom}updated"))
    assert feed.find(f"{atom}author/{atom}name").text
    entries = {}
    for entry in feed.iter(f"{atom}entry"):
        for required in ("id", "title", "updated", "link", "summary"):
            assert len(entry.findall(f"{atom}{required}")) == 1, (required, ET.tostring(entry))
        assert rfc3339.match(entry.findtext(f"{atom}updated"))
        entries[entry.findtext(f"{atom}id")] = (entry.findtext(f"{atom}updated"), entry.findtext(f"{atom}summary"))
    tag = "tag:scrutiny,2021:inspection:"
    assert entries[tag + "torbay-2021"] == ("2021-03-03T00:00:00Z", "Overall rating: Requires improvement")
    assert entries[tag + "wolverhampton-2021"] == ("2022-02-08T00:00:00Z", "Overall rating: Good")
    assert entries[tag + "derby-2025"] == (
        "2025-09-30T00:00:00Z", "Overall rating: Outstanding. Published September 2025: the report gives no day, "
                                "so this entry is dated the month's last day.")
    assert tag + "dudley-2019" not in entries and tag + "sandwell-2018" not in entries
    assert feed.findtext(f"{atom}updated") == max(updated for updated, _ in entries.values())


def upcoming_section(home: str) -> str:
    return visible_text(home[home.index('id="h-upcoming"'):home.index('id="h-recent"')])


def test_home_page_says_no_meeting_is_recorded_from_its_day_on_as_a_meeting_that_day_is_upcoming(site, tmp_path):
    """The page said "No meetings are scheduled after 22 November 2026", though a meeting on the
    22nd itself is upcoming (listed there), and the site knows only the meetings recorded."""
    assert "No meetings on or after 22 November 2026 are recorded." in upcoming_section(
        (site / "index.html").read_text(encoding="utf-8"))
    # As of its own day, Wolverhampton's Cabinet of 16 March 2022 is the upcoming meeting.
    root = copy_site(tmp_path / "site")
    build(root, now=dt.datetime(2022, 3, 16, 9, 0, tzinfo=LONDON))
    upcoming = upcoming_section((root / "output/site/index.html").read_text(encoding="utf-8"))
    assert "Cabinet, 16 March 2022" in upcoming and "No meetings" not in upcoming


def test_report_paragraphs_are_numbered_in_the_councils_style(site):
    wolves = (site / "reports/wolverhampton-yot-inspection-outcome/index.html").read_text()
    # Wolverhampton numbers sections 1.0, 2.0 and paragraphs 1.1, 1.2 ...
    assert '<span class="para-number">1.0</span> Purpose' in wolves
    assert '<span class="para-number">2.1</span>' in wolves
    dudley = (site / "reports/dudley-yos-action-plan-update/index.html").read_text()
    numbers = [int(n) for n in re.findall(r'<span class="para-number">(\d+)</span>', dudley)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 20


def front_sheet_rows(page: str) -> list[list[str]]:
    """The report page's front sheet, a row a list: each cell as its tag with the attributes that
    tie it to others, then its words ("th scope=row rowspan=3: Accountable employee")."""
    table = re.search(r'<table class="table front-sheet">.*?</table>', page, re.S).group()
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<(t[hd])((?: (?:scope|rowspan|colspan)=\"[^\"]*\"| class=\"[^\"]*\")*)>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join([name, *(a.replace('"', "") for a in re.findall(r'(?:scope|rowspan|colspan)="[^"]*"', attrs))])
                     + ": " + visible_text(words) for name, attrs, words in cells])
    return rows


def test_report_page_front_sheet_gives_the_employee_and_the_bodies_in_columns_as_the_paper_does(site):
    # The reference front sheet's rows: "Accountable employee | Rachel King | Head of Service",
    # "| Tel | 07854943254", "| Email | Rachel.king@wolverhampton.gov.uk"; "Report to be/has been
    # considered by | Directorate Leadership Team | 24 February 2022", "| Strategic Executive Board
    # | 25 February 2022", "| Scrutiny Board | 18 February 2022 (via email)". Each label is a row
    # header over its rows; "Tel" and each body head the cell beside them.
    rows = front_sheet_rows((site / "reports/wolverhampton-yot-inspection-outcome/index.html").read_text())
    assert rows[0] == ["th scope=row: Report title", "td colspan=2: Youth Offending Team Inspection Outcome"]
    assert rows[-6:] == [
        ["th scope=row rowspan=3: Accountable employee", "td: Rachel King", "td: Head of Service"],
        ["th scope=row: Tel", "td: 07854943254"],
        ["th scope=row: Email", "td: Rachel.king@wolverhampton.gov.uk"],
        ["th scope=row rowspan=3: Report to be/has been considered by", "th scope=row: Directorate Leadership Team",
         "td: 24 February 2022"],
        ["th scope=row: Strategic Executive Board", "td: 25 February 2022"],
        ["th scope=row: Scrutiny Board", "td: 18 February 2022 (via email)"]]


def test_two_builds_of_the_same_content_are_byte_identical(tmp_path):
    root = copy_site(tmp_path)
    build(root, output=tmp_path / "one", search=True)
    build(root, output=tmp_path / "two", search=True)
    assert all_files(tmp_path / "one") == all_files(tmp_path / "two")


def test_drafts_preview_carries_a_banner_and_never_goes_to_the_public_folder(tmp_path):
    root = copy_site(tmp_path)
    path = root / "content/inspections/dudley-2019.yaml"
    text = path.read_text()
    assert "status: published" in text
    path.write_text(text.replace("status: published", "status: draft", 1))
    build(root)
    assert not (root / "output/site/inspections/dudley-2019").exists()
    preview = tmp_path / "preview"
    build(root, output=preview, drafts=True)
    page = (preview / "inspections/dudley-2019/index.html").read_text()
    assert "DRAFT — not for publication" in page


def test_a_drafts_previews_every_page_title_says_draft_first_and_the_public_sites_never_do(tmp_path):
    """A screen reader announces a page's title on arriving, and the skip link passes over the
    banner under the navigation: a preview's pages were titled as the public site's."""
    root = copy_site(tmp_path)
    build(root, output=tmp_path / "public")
    build(root, output=tmp_path / "preview", drafts=True)
    titles = {}
    for name in ("public", "preview"):
        pages = sorted((tmp_path / name).glob("**/index.html"))
        assert len(pages) > 20
        titles[name] = {p.relative_to(tmp_path / name): re.search(r"<title>([^<]*)</title>", p.read_text()).group(1)
                        for p in pages}
    assert titles["preview"][Path("inspections/torbay-2021/index.html")] == \
        "DRAFT preview: Torbay YOT inspection, March 2021 - Youth Justice Inspections"
    assert titles["preview"][Path("index.html")] == "DRAFT preview: Youth Justice Inspections"
    assert all(title.startswith("DRAFT preview: ") for title in titles["preview"].values())
    assert not any("DRAFT" in title for title in titles["public"].values())


def test_a_councils_colour_and_logo_head_its_meeting_and_report_pages_and_only_the_logo_is_copied(tmp_path):
    root = copy_site(tmp_path)
    (root / "content/attachments/torbay-logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>')
    council = root / "content/councils/torbay.yaml"
    council.write_text(council.read_text() + "logo: attachments/torbay-logo.svg\n")
    build(root)
    site = root / "output/site"
    page = (site / "meetings/torbay-cyp-osb-2021-03-01/index.html").read_text()
    colour = re.search(r"^colour: \"?(#[0-9a-fA-F]{6})", council.read_text(), re.M).group(1).lower()
    assert f'style="--council-colour: {colour}"' in page
    assert 'src="../../attachments/torbay-logo.svg"' in page
    assert (site / "attachments/torbay-logo.svg").is_file()
    # the Markdown attachments (appendix papers) are not published as files of their own
    assert not (site / "attachments/torbay-peer-review.md").exists()


def test_an_action_plan_page_lists_each_actions_progress_history_with_date_status_and_note(site):
    page = (site / "action-plans/dudley-2019-progress/index.html").read_text(encoding="utf-8")
    history = page[page.index('id="h-history"'):]
    a2 = history[history.index("<h3>A2:"):]
    first = a2[a2.index('<ol class="timeline">'):a2.index("</ol>")]
    # dudley-2019-progress.yaml, A2: one update, green, reported to the 17 March 2021 committee (its
    # source, the report to that meeting, gives the progress no day of its own)
    assert first == ('<ol class="timeline"><li><span class="small">As reported to Children&#39;s Services '
                     'Scrutiny Committee, 17 March 2021</span> '
                     '<span class="rag rag--green">Green</span> '
                     "Implementation is under way with the Trust's lead officer.</li>")


def test_a_councils_own_action_plan_template_may_still_list_updates_one_by_one(tmp_path):
    # A council that copied the theme's action_plan.html before it used `progress_history`.
    root = copy_site(tmp_path)
    theme = (REPO / "generator/theme/templates/action_plan.html").read_text(encoding="utf-8")
    own = theme.replace("{{ a.action.updates|progress_history(view.reported) }}",
                        '<ol class="timeline">{% for u in a.action.updates %}<li>{{ u|progress_update }}</li>'
                        "{% endfor %}</ol>")
    assert own != theme
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "action_plan.html").write_text(own, encoding="utf-8")
    build(root)
    page = (root / "output/site/action-plans/dudley-2019-progress/index.html").read_text(encoding="utf-8")
    # `progress_update` without the plan's meetings names the meeting by its id, never by a counted day
    assert ('<li><span class="small">As reported to a meeting (dudley-csc-2021-03-17)</span> '
            '<span class="rag rag--green">Green</span> '
            "Implementation is under way with the Trust's lead officer.</li>") in page


def test_each_pack_link_on_the_meetings_index_names_its_meeting(tmp_path):
    """WCAG 2.4.4: the row's committee and date are plain cells, not headers, so "Agenda pack (PDF)"
    alone would name every meeting's pack the same; the link's words (some for screen readers only) say whose.
    Built with its PDFs: the index links a pack only when the pack is there."""
    root = copy_site(tmp_path)
    build(root, pdf=True)
    page = (root / "output" / "site" / "meetings" / "index.html").read_text(encoding="utf-8")
    names = {href: " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())
             for href, text in re.findall(r'<a href="([^"]*-agenda-pack\.pdf)">(.*?)</a>', page)}
    assert names == {
        "../meetings/wolverhampton-cabinet-2022-03-16/wolverhampton-cabinet-2022-03-16-agenda-pack.pdf":
            "Agenda pack: Cabinet, 16 March 2022 (PDF)",
        "../meetings/dudley-csc-2021-03-17/dudley-csc-2021-03-17-agenda-pack.pdf":
            "Agenda pack: Children's Services Scrutiny Committee, 17 March 2021 (PDF)",
        "../meetings/torbay-cyp-osb-2021-03-01/torbay-cyp-osb-2021-03-01-agenda-pack.pdf":
            "Supplementary pack: Children and Young People's Overview and Scrutiny Board, 1 March 2021 (PDF)",
    }


def test_each_pdf_link_on_a_meeting_page_names_its_item_and_appendix(tmp_path):
    """WCAG 2.4.4 and 2.5.3: a meeting page's report and appendix links all read "PDF", so a screen
    reader's list of links held three alike on Torbay's page; each link's words (after the "PDF" it
    shows, some for screen readers only) say which paper it is. Built with its PDFs: a page links them only then."""
    root = copy_site(tmp_path)
    build(root, pdf=True)
    names = {}
    for meeting in ("torbay-cyp-osb-2021-03-01", "wolverhampton-cabinet-2022-03-16"):
        page = (root / "output" / "site" / "meetings" / meeting / "index.html").read_text(encoding="utf-8")
        names.update({href.rsplit("/", 1)[1]: " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())
                      for href, text in re.findall(r'<a href="([^"]*/item-[^"]*\.pdf)">(.*?)</a>', page)})
    assert names == {
        "item-9-appendix-1.pdf": "PDF of appendix 1 to item 9",
        "item-9-appendix-2.pdf": "PDF of appendix 2 to item 9",
        "item-9-appendix-3.pdf": "PDF of appendix 3 to item 9",
        "item-4.pdf": "PDF of the report for item 4",
        "item-4-appendix-1.pdf": "PDF of appendix 1 to item 4",
    }


def test_a_meeting_page_gives_its_time_as_the_papers_do(site):
    # The Torbay meeting is at "17:30" in its record; the agenda pack prints "5.30 pm", and the
    # page said "17:30" (helper-63).
    page = (site / "meetings/torbay-cyp-osb-2021-03-01/index.html").read_text()
    assert "<dd>Monday, 1 March 2021, 5.30 pm</dd>" in page


def test_an_action_no_update_gives_a_status_is_not_recorded_never_not_started(site):
    # Torbay's improvement plan (pack pp. 20-22) leaves its RAG column empty: the site must not
    # say the actions had not started, which the source does not say (helper-65).
    page = (site / "action-plans/torbay-2021-oocd/index.html").read_text()
    assert '<span class="rag rag--none">Not recorded</span>' in page
    assert "Not started" not in page and "not started" not in page


def test_recommendations_whose_addressee_no_source_gives_say_so(site):
    # Wolverhampton's cabinet report (2.10-2.11) gives the subjects of HMIP's three
    # recommendations, not to whom they were made: the page said "The Head of Service should:"
    # and "The YOT Management Board should:", inferred (helper-65).
    page = (site / "inspections/wolverhampton-2021/index.html").read_text()
    assert page.count('<h3 class="rec-to">To whom: not recorded</h3>') == 1
    assert "Head of Service should" not in page and "Management Board should" not in page
    assert [f'id="rec-{n}"' in page for n in (1, 2, 3)] == [True, True, True]


def test_an_inspection_record_without_addressees_says_they_are_not_recorded(tmp_path, make_site, run_cli):
    text = ("service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n"
            "fieldwork: {from: 2020-10-26, to: 2020-10-29}\n"
            "recommendations:\n  - items: [review the panel, train the staff]\n")
    result = run_cli("check", root=make_site(tmp_path, {"inspections/torbay-2021.yaml": text}))
    assert "notice: not recorded: " in result.output and "the addressees of recommendations 1, 2 (" in result.output


def test_an_action_plan_page_counts_actions_with_no_status_as_the_paper_does(site):
    # Torbay's plan gives no RAG for its 11 actions: "11 not recorded" would say the actions
    # themselves were not recorded; its paper says "11 with no status recorded" (helper-68).
    page = (site / "action-plans/torbay-2021-oocd/index.html").read_text()
    assert "<dt>Progress</dt><dd>11 with no status recorded; " in page


def test_an_action_plan_page_never_says_no_update_yet_of_an_update_without_a_comment(tmp_path):
    # An update that records only a status is an update: its date is shown, and no comment.
    root = copy_site(tmp_path)
    plan = root / "content/action-plans/torbay-2021-oocd.yaml"
    plan.write_text(plan.read_text().replace(
        "    due: 2021-07\n    outcome: Involvement of staff team",
        "    due: 2021-07\n    updates: [{date: 2021-04-20, rag: not started}]\n    outcome: Involvement of staff team",
        1))
    build(root)
    page = (root / "output/site/action-plans/torbay-2021-oocd/index.html").read_text()
    row = page[page.index('id="action-A1"'):]
    row = row[:row.index("</tr>")]
    assert '<span class="small">no comment recorded (20 April 2021)</span>' in row
    assert "no update yet" not in row


NOT_STARTED_PLAN = """\
inspection: torbay-2021
title: Improvement plan
actions:
  - id: A1
    action: Set up a working group
    due: 2021-07
    updates:
      - {date: 2021-04-20, rag: not started, note: Awaiting recruitment.}
  - id: A2
    action: Review the panel's membership
    due: 2021-07
"""


def test_an_action_the_plan_says_has_not_started_shows_not_started_apart_from_one_with_no_status(tmp_path, make_site):
    # Councils' plans print "Not started" as a status of its own (often grey): the site shows it
    # as published, and an action no update gives a status is still "Not recorded". Both are
    # overdue once due, as only a complete action is not.
    root = make_site(tmp_path, {
        "inspections/torbay-2021.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n",
        "action-plans/torbay-2021-plan.yaml": NOT_STARTED_PLAN})
    build(root)
    page = (root / "output/site/action-plans/torbay-2021-plan/index.html").read_text(encoding="utf-8")
    assert '<span class="rag rag--not-started">Not started</span> <span class="overdue">Overdue</span>' in page
    assert '<span class="rag rag--none">Not recorded</span> <span class="overdue">Overdue</span>' in page
    assert ('<span class="small">20 April 2021</span> <span class="rag rag--not-started">Not started</span> '
            "Awaiting recruitment.") in page
    index = (root / "output/site/action-plans/index.html").read_text(encoding="utf-8")
    assert ('<th scope="col">Red</th><th scope="col">Amber</th><th scope="col">Green</th><th scope="col">Complete</th>'
            '<th scope="col">Not started</th><th scope="col">Not recorded</th><th scope="col">Overdue</th>') in index
    row = index[index.index("Improvement plan</a>"):]
    cells = re.findall(r"<td>(\d+)</td>", row[:row.index("</tr>")])
    assert cells == ["0", "0", "0", "0", "1", "1", "2"]   # red amber green complete, not started, not recorded; overdue


def test_an_action_plan_page_says_what_an_action_does_not_record_rather_than_leaving_it_blank(tmp_path, make_site):
    # A2 names no recommendation, no one responsible and no review date: each is said, as a blank
    # cell would read as "none" (and a dash is read aloud as "dash").
    root = make_site(tmp_path, {
        "inspections/torbay-2021.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n",
        "action-plans/torbay-2021-plan.yaml": NOT_STARTED_PLAN.replace("action: Set up a working group",
                                                                        "action: Set up a working group\n    who: Head of service\n    review: 2021-05")})
    build(root)
    page = (root / "output/site/action-plans/torbay-2021-plan/index.html").read_text(encoding="utf-8")
    cells = {}
    for action in ("A1", "A2"):
        row = page[page.index(f'id="action-{action}"'):]
        cells[action] = re.findall(r"<td[^>]*>(.*?)</td>", row[:row.index("</tr>")], re.S)   # after its th, the action
    assert cells["A2"][0:4] == ['<span class="small">none recorded</span>', '<span class="small">not recorded</span>',
                                '<span class="small">not recorded</span>', "July 2021"]
    assert cells["A1"][1:4] == ["Head of service", "May 2021", "July 2021"]


def test_a_region_or_a_facts_year_the_record_does_not_give_is_said_to_be_not_recorded(tmp_path):
    root = copy_site(tmp_path)
    replace_in_file(root / "content/services/torbay-yot.yaml", "region: South West\n", "")
    replace_in_file(root / "content/inspections/torbay-2021.yaml", "value: 136264, year: 2019}", "value: 136264}")
    build(root)
    services = (root / "output/site/services/index.html").read_text(encoding="utf-8")
    row = services[services.index("Torbay Youth Offending Team</a>"):]
    assert "<td>Torbay Council</td><td><span class=\"small\">not recorded</span></td>" in row[:row.index("</tr>")]
    page = (root / "output/site/inspections/torbay-2021/index.html").read_text(encoding="utf-8")
    row = page[page.index(">Total population</th>"):]
    assert row[:row.index("</tr>")].endswith('<td><span class="small">not recorded</span></td>')


def test_two_councils_pages_of_the_same_title_say_whose_each_is_in_their_page_titles(tmp_path, make_site):
    """A browser tab, a bookmark and a search result show the page's <title>: a report, an action
    plan and a meeting named theirs only by what two councils may both call theirs ("Action
    plan", "Cabinet, 10 January 2024"), though their search titles named the council."""
    files = {}
    for cid, name in (("torbay", "Torbay Council"), ("dudley", "Dudley Metropolitan Borough Council")):
        files |= {
            f"councils/{cid}.yaml": f"name: {name}\nnation: england\n",
            f"services/{cid}-yot.yaml": f"name: {cid.title()} Youth Offending Team\ncouncil: {cid}\n",
            f"inspections/{cid}-2023.yaml": f"service: {cid}-yot\nframework: hmip-youth-2018\npublished: 2023-06-01\n",
            f"action-plans/{cid}-plan.yaml": (f"inspection: {cid}-2023\ntitle: Action plan\n"
                                              "actions: [{id: A1, action: Do it, due: 2024-03-01}]\n"),
            f"reports/{cid}-outcome.md": f"---\ncouncil: {cid}\ntitle: Inspection outcome\ndate: 2024-01-10\n---\nText.\n",
            f"meetings/{cid}-cabinet.yaml": f"council: {cid}\ncommittee: Cabinet\ndate: 2024-01-10\n"
                                            "items: [{number: 1, title: Apologies for absence}]\n"}
    root = make_site(tmp_path, files)
    build(root)
    out = root / "output" / "site"

    def title(page: str) -> str:
        return html.unescape(re.search(r"<title>(.*?)</title>", (out / page).read_text(encoding="utf-8")).group(1))

    for cid, name in (("torbay", "Torbay Council"), ("dudley", "Dudley Metropolitan Borough Council")):
        assert title(f"action-plans/{cid}-plan/index.html") == f"Action plan, {name} - Test Inspections"
        assert title(f"reports/{cid}-outcome/index.html") == f"Inspection outcome, {name} - Test Inspections"
        assert title(f"meetings/{cid}-cabinet/index.html") == f"Cabinet, 10 January 2024, {name} - Test Inspections"
