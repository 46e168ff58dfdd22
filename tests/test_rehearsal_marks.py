"""A rehearsal never looks like the live site (docs/publishing.md, "Rehearse a release").

`scrutiny build --as-of` a moment to come wrote pages showing records still under embargo
with no mark at all (helper-163): a clerk could open, print or pass one on taking it for the
live site's. `scrutiny serve --as-of` put a banner on every page it sent; a rehearsal's build
did not. Now every page of a rehearsal says the moment it shows, first thing on the page and
in its title, and asks not to be indexed; its papers stay the bytes the live build at that
moment makes (papers are records), and the live site's pages carry no mark.

The clock is faked by replacing the commands' clock function, never by waiting.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.clock import LONDON
from site_helpers import copy_site

# The shipped Torbay inspection is embargoed until 2021-03-03 00:01 and its supplementary pack is
# issued on 4 March 2021 (README): rehearsed on 2 March, the release is a moment to come.
REHEARSED_ON = dt.datetime(2021, 3, 2, 12, 0, tzinfo=LONDON)
RELEASE = "2021-03-04 09:00"
RELEASED = dt.datetime(2021, 3, 4, 9, 0, tzinfo=LONDON)
TORBAY_PACK = "meetings/torbay-cyp-osb-2021-03-01/torbay-cyp-osb-2021-03-01-agenda-pack.pdf"

WARNING = " It shows records under embargo until then: not for publication."


def banner(moment: str, warning: str = WARNING) -> re.Pattern:
    """The notice a rehearsal's page opens with, its inline colours aside (serve's words)."""
    return re.compile(r'<body>\n<div class="draft-banner" role="note" style="[^"]*"><strong>PREVIEW as at '
                      + re.escape(moment) + r"</strong> \(scrutiny build --as-of\), not the live site\."
                      + re.escape(warning) + r"</div>\n")


def title_prefix(moment: str) -> str:
    return f"<title>PREVIEW as at {moment}, not the live site: "


NOINDEX = '<meta name="robots" content="noindex">\n'


def unmarked(page: str, moment: str) -> str:
    """A rehearsal's page with exactly its three marks taken out."""
    assert page.count(NOINDEX) == 1 and page.count(title_prefix(moment)) == 1
    page = page.replace(NOINDEX, "").replace(title_prefix(moment), "<title>")
    page, found = banner(moment).subn("<body>\n", page)
    assert found == 1
    return page


def build(monkeypatch, root: Path, clock: dt.datetime, *options: str):
    """`scrutiny build` run at `clock`."""
    for module in ("generator.commands.site", "generator.commands.common", "generator.build"):
        monkeypatch.setattr(f"{module}.now_in_london", lambda: clock)
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-q", "--no-search", "-j", "1", *options], obj={})
    assert result.exit_code == 0, result.output
    return result


def pages(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.html"))}


def papers(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.pdf"))}


@pytest.mark.pdf
def test_every_page_of_a_rehearsal_says_so_and_it_is_otherwise_the_live_build_at_that_moment(monkeypatch, tmp_path):
    root = copy_site(tmp_path / "site")
    build(monkeypatch, root, REHEARSED_ON, "--as-of", RELEASE)
    build(monkeypatch, root, RELEASED)                       # the live build at the release
    rehearsal, live = root / "output" / "preview", root / "output" / "site"

    rehearsed = pages(rehearsal)
    assert "inspections/torbay-2021/index.html" in rehearsed and "404.html" in rehearsed
    for path, page in rehearsed.items():
        assert banner(RELEASE).search(page), path          # the first thing on screen and on paper
        assert title_prefix(RELEASE) in page and NOINDEX in page, path
    # The marks are all that differ: the live site's pages carry none, and are what a rehearsal showed.
    shown = pages(live)
    assert {path: unmarked(page, RELEASE) for path, page in rehearsed.items()} == shown
    assert not any("PREVIEW" in page or "noindex" in page for page in shown.values())
    # Papers are records: the rehearsal's are the live build's bytes, the pack issued that day included.
    assert TORBAY_PACK in papers(live)
    assert papers(rehearsal) == papers(live)


def test_a_rehearsal_of_an_earlier_moment_is_marked_where_previews_go_and_the_live_site_never_is(
        monkeypatch, tmp_path, make_site):
    """tools/publish --as-of builds into output/rehearsal, whichever side of now the moment is
    (publishing.md rehearses "2021-03-03 00:01"); a build as of an earlier moment into output/site
    is the live site, as at then, and unmarked."""
    root = make_site(tmp_path)
    today = dt.datetime(2026, 5, 6, 10, 0, tzinfo=LONDON)
    build(monkeypatch, root, today, "--no-pdf", "--as-of", "2021-03-03 00:01", "-o", str(root / "output/rehearsal"))
    for path, page in pages(root / "output" / "rehearsal").items():
        assert banner("2021-03-03 00:01", warning="").search(page), path
        assert title_prefix("2021-03-03 00:01") in page and NOINDEX in page, path
    build(monkeypatch, root, today, "--no-pdf", "--as-of", "2021-03-03 00:01")
    assert not any("PREVIEW" in page or "noindex" in page for page in pages(root / "output" / "site").values())
    # A plain `scrutiny serve` shows what is public now from output/serve: no marked page goes there.
    refused = CliRunner().invoke(cli, ["-C", str(root), "build", "-q", "--no-pdf", "--as-of", "2021-03-03 00:01",
                                       "-o", str(root / "output" / "serve")], obj={})
    assert refused.exit_code == 2 and "give -o output/preview or another folder" in refused.output, refused.output
    assert not (root / "output" / "serve").exists()


def test_a_folder_built_at_other_moments_and_without_one_has_the_last_builds_marks_only(monkeypatch, tmp_path,
                                                                                       make_site):
    """A page is kept from the build before only when made the same way: a rehearsal's pages
    (its moment in them) are never kept by a build of another moment on the same day, nor by a
    build without a mark into the same folder; nor a plain build's by a rehearsal."""
    root = make_site(tmp_path)
    folder = root / "output" / "preview"
    clock = dt.datetime(2024, 3, 5, 9, 0, tzinfo=LONDON)
    build(monkeypatch, root, clock, "--no-pdf", "-o", str(folder))
    assert not any("PREVIEW" in page for page in pages(folder).values())
    for moment in ("2024-03-05 10:00", "2024-03-05 11:00"):       # no embargo ends between them
        build(monkeypatch, root, clock, "--no-pdf", "--as-of", moment, "-o", str(folder))
        for path, page in pages(folder).items():
            assert banner(moment).search(page) and title_prefix(moment) in page, (moment, path)
        # The data files too: none is kept from the build before, made for another moment or none.
        assert f"PREVIEW as at {moment}" in (folder / "data" / "inspections.json").read_text(encoding="utf-8")
        assert f"<title>PREVIEW as at {moment}" in (folder / "feed.xml").read_text(encoding="utf-8")
    build(monkeypatch, root, clock, "--no-pdf", "-o", str(folder))
    assert not any("PREVIEW" in page or "noindex" in page for page in pages(folder).values())
    assert not any("PREVIEW" in (folder / name).read_text(encoding="utf-8") for name in ("data/inspections.json", "feed.xml"))


def test_a_rehearsal_folder_is_audited_as_at_its_moment(monkeypatch, tmp_path, make_site, run_cli):
    """`check --audit` reads a rehearsal as it reads the live site: all clear as at the moment it
    shows, and the embargoed inspection a leak before it."""
    root = make_site(tmp_path, {"inspections/torbay-2021.yaml": (
        "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n"
        "embargo_until: 2021-03-03 00:01\noverall: {rating: Good}\n"
        "introduction: The inspection found strong partnership working.\n")})
    build(monkeypatch, root, REHEARSED_ON, "--no-pdf", "--as-of", RELEASE)
    folder = str(root / "output" / "preview")
    assert "PREVIEW as at" in (root / "output/preview/inspections/torbay-2021/index.html").read_text(encoding="utf-8")
    at_release = run_cli("check", "--audit", folder, "--as-of", RELEASE, root=root)
    assert at_release.exit_code == 0 and "LEAK" not in at_release.output, at_release.output
    before = run_cli("check", "--audit", folder, "--as-of", "2021-03-02 12:00", root=root)
    assert before.exit_code == 1 and "LEAK" in before.output, before.output


# A council's own base.html copied from a theme older than the marks: it prints no banner, no
# title prefix and no noindex (docs/user-guide.md: a council overrides a theme template by name).
OLDER_BASE = """<!DOCTYPE html>
<html lang="{{ site.language }}">
<head>
<meta charset="utf-8">
<title>{% block title %}{{ page.title }}{% endblock %} - {{ site.title }}</title>
<link rel="stylesheet" href="{{ root }}assets/style.css">
</head>
<body>
{% include "_header.html" %}
<main id="main">{% block content %}{% endblock %}</main>
{% include "_footer.html" %}
</body>
</html>
"""

DRAFT_BANNER = ('<div class="draft-banner" role="note"><strong>DRAFT — not for publication.</strong> This is a '
                "preview that includes draft records.</div>")


def test_a_councils_own_base_template_without_the_marks_cannot_make_a_preview_look_live(monkeypatch, tmp_path,
                                                                                       make_site):
    """The marks are the build's, not the template's: a page whose template left one out gets it
    (the banner first thing in <body>, the title's prefix, noindex); the live site's pages get none."""
    root = make_site(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text(OLDER_BASE, encoding="utf-8")
    clock = dt.datetime(2024, 3, 5, 9, 0, tzinfo=LONDON)
    moment = "2024-03-06 09:00"
    build(monkeypatch, root, clock, "--no-pdf", "--as-of", moment)
    rehearsed = pages(root / "output" / "preview")
    assert "index.html" in rehearsed and "about/index.html" in rehearsed
    for path, page in rehearsed.items():
        assert banner(moment).search(page), path
        assert title_prefix(moment) in page and NOINDEX in page, path
        assert page.count("PREVIEW as at") == 2, path          # once on screen, once in the title: never twice
    build(monkeypatch, root, clock, "--no-pdf", "--drafts", "-o", str(root / "output" / "drafts"))
    for path, page in pages(root / "output" / "drafts").items():
        assert f"<body>\n{DRAFT_BANNER}\n" in page, path
        assert "<title>DRAFT preview: " in page and NOINDEX in page, path
    build(monkeypatch, root, clock, "--no-pdf")
    for path, page in pages(root / "output" / "site").items():
        assert "PREVIEW" not in page and "DRAFT" not in page and "noindex" not in page, path
        assert page.startswith("<!DOCTYPE html>\n<html") and "<body>\n<header" in page, path


def test_a_rehearsals_data_files_say_so_and_the_live_sites_are_unchanged(monkeypatch, tmp_path):
    """An analyst takes a data file away alone: a rehearsal's inspections.json says the moment it
    shows (`preview`), its feed and every entry are titled as its pages are, and it has no sitemap
    (which points crawlers at the live site's addresses); its feed's ids are its own and it names no
    self link, so a feed reader keeps it apart from the live feed. The live build's files carry none of it:
    take the marks out of the rehearsal's and they are the live build's bytes."""
    root = copy_site(tmp_path / "site")
    build(monkeypatch, root, REHEARSED_ON, "--no-pdf", "--as-of", RELEASE)
    build(monkeypatch, root, RELEASED, "--no-pdf")
    rehearsal, live = root / "output" / "preview", root / "output" / "site"

    marked = (rehearsal / "data" / "inspections.json").read_bytes()
    note = ('{"as_at":"2021-03-04T09:00:00+00:00","note":"PREVIEW as at 2021-03-04 09:00, not the live site. '
            'It shows records under embargo until then: not for publication."}')
    assert marked.count(f',"preview":{note},"site":'.encode()) == 1
    assert marked.replace(f',"preview":{note}'.encode(), b"") == (live / "data" / "inspections.json").read_bytes()
    assert b'"preview"' not in (live / "data" / "inspections.json").read_bytes()

    feed = (rehearsal / "feed.xml").read_text(encoding="utf-8")
    titles = re.findall(r"<title>([^<]*)</title>", feed)
    assert len(titles) > 2 and "Torbay" in feed
    assert all(title.startswith("PREVIEW as at 2021-03-04 09:00, not the live site: ") for title in titles), titles
    live_feed = (live / "feed.xml").read_text(encoding="utf-8")
    assert "PREVIEW" not in live_feed and "preview" not in live_feed

    # A feed reader takes an id as the feed or entry: a rehearsal's are its own, or the reader
    # keeps its entries (embargoed records among them) as the live feed's; and it names no self link.
    ids = re.findall(r"<id>([^<]*)</id>", feed)
    live_ids = re.findall(r"<id>([^<]*)</id>", live_feed)
    assert len(ids) == len(live_ids) > 2 and not set(ids) & set(live_ids)
    assert all(i.startswith("tag:scrutiny,2021:preview-2021-03-04T09:00:00+00:00:") for i in ids), ids
    self_link = '<link rel="self" href="https://'
    assert live_feed.count(self_link) == 1 and self_link not in feed
    unmarked_feed = feed.replace("PREVIEW as at 2021-03-04 09:00, not the live site: ", "").replace(
        "tag:scrutiny,2021:preview-2021-03-04T09:00:00+00:00:", "tag:scrutiny,2021:")
    assert unmarked_feed == "\n".join(line for line in live_feed.split("\n") if not line.startswith(self_link))

    # The shipped site.yaml gives a base_url: the live site has its sitemap, the rehearsal none.
    assert (live / "sitemap.xml").is_file() and not (rehearsal / "sitemap.xml").exists()


# A council's own base.html, as a web designer might leave it: a note in a comment naming the
# tags, the title with an attribute, the tags in capitals.
ODD_BASE = """<!DOCTYPE html>
<html lang="{{ site.language }}">
<HEAD>
<!-- Keep <title> short; the council banner goes straight after <body>. -->
<meta charset="utf-8">
<TITLE dir="ltr">{% block title %}{{ page.title }}{% endblock %} - {{ site.title }}</TITLE>
</HEAD>
<BODY class="council">
<main id="main">{% block content %}{% endblock %}</main>
</BODY>
</html>
"""


def test_a_preview_is_marked_where_it_shows_whatever_the_councils_base_template_says_in_comments(
        monkeypatch, tmp_path, make_site):
    """A draft's mark put inside a comment that mentions <body>, or a title prefix put on a
    commented-out <title> (and none on a <title> with an attribute), shows nothing: the preview
    looks like the live site. Every mark goes in the page's own tags."""
    root = make_site(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text(ODD_BASE, encoding="utf-8")
    clock = dt.datetime(2024, 3, 5, 9, 0, tzinfo=LONDON)
    build(monkeypatch, root, clock, "--no-pdf", "--drafts", "-o", str(root / "output" / "drafts"))
    drafts = pages(root / "output" / "drafts")
    assert "index.html" in drafts
    for path, page in drafts.items():
        comment = "<!-- Keep <title> short; the council banner goes straight after <body>. -->"
        assert comment in page, path                             # the comment as written, nothing put in it
        assert f'<BODY class="council">\n{DRAFT_BANNER}\n' in page, path
        assert '<TITLE dir="ltr">DRAFT preview: ' in page, path
        assert f"<HEAD>\n{NOINDEX}" in page, path
