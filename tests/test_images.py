"""Images are what their names say, and a council's SVG logo is published without anything
that could run or fetch: what was removed is a warning at its line in the SVG file."""

from __future__ import annotations

import datetime as dt
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest

from generator.images import sanitise_svg, shown_images
from generator.build import check_site
from generator.problems import Severity
from generator.resolve.resolver import check_markdown_targets
from generator.render.html import images_from
from generator.render.pdf import make_fetcher
from site_helpers import all_files, build, copy_site, parse_page, replace_in_file

AS_OF = dt.date(2021, 6, 1)
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

HOSTILE_LOGO = b"""\
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40" onload="alert(1)">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#005ea5"/></linearGradient></defs>
  <script>alert(2)</script>
  <rect id="r" width="120" height="40" fill="url(#g)" onclick="alert(3)" style="fill: url(http://tracker.example/p.png)"/>
  <a xlink:href="javascript:alert(4)"><text x="4" y="24">Torbay</text></a>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <image href="data:text/html,&lt;script&gt;alert(5)&lt;/script&gt;" width="1" height="1"/>
  <image href="file:///etc/passwd" width="1" height="1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <use href="#r"/>
  <set attributeName="href" to="javascript:alert(6)"/>
</svg>
"""
# Each removal above, at its line (typed in from HOSTILE_LOGO).
REMOVED_AT_LINES = [1, 3, 4, 4, 5, 6, 7, 8, 11]

COUNCIL = "name: Torbay Council\nnation: england\nlogo: attachments/torbay-logo.{suffix}\n"


def _site(tmp_path, make_site, logo: bytes, suffix: str = "svg"):
    return make_site(tmp_path, {"councils/torbay.yaml": COUNCIL.format(suffix=suffix),
                                f"attachments/torbay-logo.{suffix}": logo})


def _references(root: ET.Element) -> list[str]:
    return [value for element in root.iter() for name, value in element.attrib.items()
            if name in ("href", XLINK_HREF, "src")]


def test_the_published_logo_keeps_no_script_handler_or_outside_reference(tmp_path, make_site):
    root = _site(tmp_path, make_site, HOSTILE_LOGO)
    build(root)
    published = ET.fromstring((root / "output/site/attachments/torbay-logo.svg").read_bytes())
    tags = {element.tag for element in published.iter()}
    handlers = [name for element in published.iter() for name in element.attrib if name.lower().startswith("on")]
    assert ({SVG + "script", SVG + "foreignObject", SVG + "set"} & tags, handlers, _references(published)) == (
        set(), [], ["data:image/png;base64,iVBORw0KGgo=", "#r"])


def test_the_published_logo_keeps_its_drawing(tmp_path, make_site):
    root = _site(tmp_path, make_site, HOSTILE_LOGO)
    build(root)
    published = ET.fromstring((root / "output/site/attachments/torbay-logo.svg").read_bytes())
    rect = published.find(f"{SVG}rect")
    assert (rect.get("fill"), rect.get("style"), published.find(f"{SVG}a/{SVG}text").text) == (
        "url(#g)", None, "Torbay")


def test_each_removal_is_a_warning_at_its_line_in_the_svg(tmp_path, make_site):
    checked = check_site(_site(tmp_path, make_site, HOSTILE_LOGO), AS_OF)
    assert ([p.line for p in checked.problems if p.path == "content/attachments/torbay-logo.svg"],
            {p.severity for p in checked.problems}) == (REMOVED_AT_LINES, {Severity.WARNING})


def test_a_clean_logo_is_published_byte_for_byte(tmp_path, make_site):
    clean = (b'<?xml version="1.0"?>\n<!-- Torbay -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
             b'<rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>\n')
    root = _site(tmp_path, make_site, clean)
    report = build(root)
    assert (report.checked.problems, (root / "output/site/attachments/torbay-logo.svg").read_bytes()) == ((), clean)


def test_an_entity_in_an_svg_is_refused_with_its_line(tmp_path, make_site):
    logo = (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>\n')
    [problem] = check_site(_site(tmp_path, make_site, logo), AS_OF).errors
    assert (problem.path, problem.line, problem.column, problem.message.startswith("the SVG file has a DOCTYPE")) == (
        "content/attachments/torbay-logo.svg", 2, 1, True)


@pytest.mark.parametrize("suffix, data", [("png", b"\xff\xd8\xff\xe0\x00\x10JFIF"), ("jpg", b"\x89PNG\r\n\x1a\n"),
                                          ("png", b"<svg xmlns='http://www.w3.org/2000/svg'/>")])
def test_a_logo_whose_bytes_are_not_its_format_is_an_error_naming_the_file(tmp_path, make_site, suffix, data):
    [problem] = check_site(_site(tmp_path, make_site, data, suffix), AS_OF).errors
    assert (problem.path, problem.line, problem.column, problem.message.startswith(
        f"the file is named as a {'PNG' if suffix == 'png' else 'JPEG'} image, but its bytes are")) == (
        f"content/attachments/torbay-logo.{suffix}", 1, 1, True)


def test_a_markdown_image_that_is_not_a_png_is_an_error(tmp_path, make_site):
    inspection = ("service: torbay-yot\nframework: hmip-youth-2018\nintroduction: |\n"
                  "  ![Ratings chart](attachments/chart.png)\n")
    root = make_site(tmp_path, {"inspections/torbay-2021.yaml": inspection,
                                "attachments/chart.png": b"GIF89a\x01\x00\x01\x00"})
    assert [(p.path, p.message) for p in check_site(root, AS_OF).errors] == [
        ("content/attachments/chart.png", "the file is named as a PNG image, but its bytes are a GIF image")]


def test_a_logo_that_is_no_image_is_an_error_at_the_logo_field(tmp_path, make_site):
    root = make_site(tmp_path, {"councils/torbay.yaml": "name: Torbay Council\nlogo: attachments/notes.md\n",
                                "attachments/notes.md": "Notes.\n"})
    assert [(p.line, p.field, p.message) for p in check_site(root, AS_OF).errors] == [
        (2, "logo", "'attachments/notes.md' is not an SVG, PNG or JPEG image")]


def test_the_papers_are_given_the_sanitised_svg(tmp_path):
    (tmp_path / "logo.svg").write_bytes(HOSTILE_LOGO)
    fetched = make_fetcher([tmp_path]).fetch((tmp_path / "logo.svg").as_uri()).read()
    assert fetched == sanitise_svg(HOSTILE_LOGO, "logo.svg")[0] and b"script" not in fetched


def test_sanitising_is_done_once_for_all():
    cleaned, _ = sanitise_svg(HOSTILE_LOGO, "logo.svg")
    assert sanitise_svg(cleaned, "logo.svg") == (cleaned, [])



def test_a_removed_element_takes_its_removed_attributes_with_it():
    logo = (b'<svg xmlns="http://www.w3.org/2000/svg"><style onload="alert(1)">@import url(http://x/y.css);</style>'
            b'<rect width="1" height="1"/></svg>')
    cleaned, problems = sanitise_svg(logo, "logo.svg")
    assert (cleaned, len(problems)) == (b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', 2)


# Images a record's Markdown draws: on the site, each is served at its path under content/
# (attachments/NAME, as a logo is) while a public page shows it, and never otherwise.

DERBY_REPORT = "reports/derby-yjs-inspection-outcome.md"


def _png(red: int) -> bytes:
    """A one-pixel PNG of its own colour, so that each test image has bytes of its own."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes([0, red, 0, 0])))
            + chunk(b"IEND", b""))


def _show(root, record: str, markdown: str, images: dict[str, bytes]) -> None:
    """Add `markdown` to the end of a record's body and its `images` under content/attachments/."""
    path = root / "content" / record
    path.write_text(path.read_text(encoding="utf-8") + f"\n{markdown}\n", encoding="utf-8")
    for name, data in images.items():
        (root / "content/attachments" / name).write_bytes(data)


def _holding(site, data: bytes) -> list[str]:
    """Every file of the site whose bytes hold `data`, whatever its name."""
    return [path for path, bytes_ in all_files(site).items() if data in bytes_]


def test_an_image_a_published_report_shows_is_served_from_its_page_as_published(tmp_path):
    root = copy_site(tmp_path)
    _show(root, DERBY_REPORT, "![Ratings chart](attachments/chart.png)\n\n![Team](./attachments/team.svg)",
          {"chart.png": _png(1), "team.svg": HOSTILE_LOGO})
    build(root)
    page = root / "output/site/reports/derby-yjs-inspection-outcome/index.html"
    sources = [src for src in parse_page(page).links if src.endswith(("chart.png", "team.svg"))]
    assert [(src, (page.parent / src).resolve().read_bytes()) for src in sources] == [
        ("../../attachments/chart.png", _png(1)), ("../../attachments/team.svg", sanitise_svg(HOSTILE_LOGO, "")[0])]


def test_an_image_only_a_draft_report_or_an_exempt_appendix_shows_is_nowhere_in_the_site(tmp_path):
    root = copy_site(tmp_path)
    draft = (root / "content" / DERBY_REPORT).read_text(encoding="utf-8").replace("status: published", "status: draft")
    (root / "content/reports/derby-draft.md").write_text(draft.replace("title: ", "title: Draft "), encoding="utf-8")
    _show(root, "reports/derby-draft.md", "![Draft chart](attachments/draft-chart.png)",
          {"draft-chart.png": _png(2)})
    _show(root, "attachments/torbay-peer-review.md", "![Peer chart](attachments/peer-chart.png)",
          {"peer-chart.png": _png(3)})
    replace_in_file(root / "content/meetings/torbay-cyp-osb-2021-03-01.yaml",
                    "markdown: attachments/torbay-peer-review.md}", "markdown: attachments/torbay-peer-review.md, exempt: 3}")
    build(root)
    site = root / "output/site"
    assert ([p for p in all_files(site) if "chart" in p], _holding(site, _png(2)), _holding(site, _png(3))) == (
        [], [], [])


def test_an_image_is_removed_when_the_only_public_report_showing_it_becomes_a_draft(tmp_path):
    root = copy_site(tmp_path)
    _show(root, DERBY_REPORT, "![Ratings chart](attachments/chart.png)", {"chart.png": _png(4)})
    build(root)
    assert (root / "output/site/attachments/chart.png").read_bytes() == _png(4)
    replace_in_file(root / "content" / DERBY_REPORT, "status: published", "status: draft")
    build(root)
    assert _holding(root / "output/site", _png(4)) == []


def test_an_image_is_drawn_by_markdown_or_an_img_tag_and_not_by_a_link_or_a_mention():
    text = ("![Chart](attachments/a.png \"Ratings\") ![Team][t] <img alt=\"x\" src=\"./attachments/c.svg\">\n"
            "[The plan](attachments/link.png), attachments/words.png\n\n[T]: attachments/b.gif\n[u]: attachments/unused.png\n")
    assert shown_images(text) == {"attachments/a.png", "attachments/b.gif", "attachments/c.svg"}


def test_a_page_points_at_an_image_from_its_own_folder_and_leaves_code_as_written():
    page = ('<img alt="a &gt; b" src="attachments/a.png"><img src="./attachments/b.png">'
            '<img src="../../attachments/logo.svg"><code>&lt;img src="attachments/a.png"&gt;</code>')
    assert images_from(page, "../../") == (
        '<img alt="a &gt; b" src="../../attachments/a.png"><img src="../../attachments/b.png">'
        '<img src="../../attachments/logo.svg"><code>&lt;img src="attachments/a.png"&gt;</code>')


@pytest.mark.parametrize("written", [
    "A code span: `![Chart](attachments/a.png)`.",
    "```\n![Chart](attachments/a.png)\n```",
    "<!-- ![Chart](attachments/a.png) -->",
    "Not an image: \\![Chart](attachments/a.png)",
    "![Chart](attachments/b.png)\n\n[Chart]: attachments/a.png",
    "<textarea><img alt=\"Chart\" src=\"attachments/a.png\"></textarea>",
])
def test_an_image_written_where_a_page_does_not_draw_it_is_not_shown(written):
    # Each is words on the page (code, a comment, a link, a definition an inline image overrides).
    assert "attachments/a.png" not in shown_images(written)


def test_an_image_only_an_exempt_appendix_draws_is_not_served_for_a_public_code_span(tmp_path):
    root = copy_site(tmp_path)
    _show(root, "attachments/torbay-peer-review.md", "![Peer chart](attachments/peer-chart.png)",
          {"peer-chart.png": _png(5)})
    replace_in_file(root / "content/meetings/torbay-cyp-osb-2021-03-01.yaml",
                    "markdown: attachments/torbay-peer-review.md}", "markdown: attachments/torbay-peer-review.md, exempt: 3}")
    _show(root, DERBY_REPORT, "The annex draws `![Peer chart](attachments/peer-chart.png)`.", {})
    build(root)
    assert _holding(root / "output/site", _png(5)) == []


def test_an_image_whose_alternative_text_has_brackets_is_served_for_its_page():
    assert shown_images("![Ratings [2021] chart](attachments/chart.png)") == {"attachments/chart.png"}


def test_an_image_path_is_read_with_its_case_as_the_site_serves_it():
    # The site serves attachments/chart.png at that path alone: 'Attachments/Chart.PNG' on a page is a broken image.
    known = frozenset({"attachments/chart.png", "attachments/Team.png"})
    wrong = check_markdown_targets("![Chart](Attachments/Chart.PNG)", "reports/r.md", 1, "body", known)
    right = check_markdown_targets("![Team](attachments/Team.png)", "reports/r.md", 1, "body", known)
    assert ([(p.severity, p.hint) for p in wrong], right) == (
        [(Severity.ERROR, "a file's name is case-sensitive: write attachments/chart.png")], [])


def test_an_image_an_action_plans_update_draws_is_served_while_the_plan_is_public(tmp_path):
    """An action plan's images are found as it is resolved, not with the other pages' texts:
    its page must still point at a served file, and lose it when the plan becomes a draft."""
    root = copy_site(tmp_path)
    plan = root / "content/action-plans/dudley-2019-progress.yaml"
    replace_in_file(plan, 'note: "The YJB approved the YOS Plan for 2019/2020 with the action plan inside it."',
                    'note: "The YJB approved the plan: ![Approval letter](attachments/approval.png)"')
    (root / "content/attachments/approval.png").write_bytes(_png(5))
    build(root)
    page = root / "output/site/action-plans/dudley-2019-progress/index.html"
    sources = [src for src in parse_page(page).links if src.endswith("approval.png")]
    assert {(src, (page.parent / src).resolve().read_bytes()) for src in sources} == {
        ("../../attachments/approval.png", _png(5))}          # (the latest update is shown twice)
    replace_in_file(plan, "status: published", "status: draft")
    build(root)
    assert _holding(root / "output/site", _png(5)) == []


@pytest.mark.parametrize("written", ["![Ratings [2021] chart](https://tracker.example/p.gif)",
                                     "![a [b]](//tracker.example/p.gif)"])
def test_an_image_from_the_network_is_refused_whatever_its_alternative_text(written):
    """Brackets in the alternative text hid the image from the check's patterns, and the page
    drew <img src="https://tracker.example/p.gif">: every reader's browser fetched it (helper-53)."""
    from generator.render.markdown import markdown_block
    from generator.resolve.resolver import check_markdown_targets

    problems = check_markdown_targets(written, "content/reports/x.md", 7, "body", set())
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [
        (7, f"the image '{written.split('](')[1][:-1]}' is outside the site")]
    assert "tracker.example" not in markdown_block(written)     # and the page never asks for it


def test_a_report_body_is_read_for_images_paragraph_by_paragraph_as_its_page_draws_it(tmp_path):
    """The page renders each paragraph of a body apart, so an indented paragraph is no code
    block there and its image is drawn: it was read whole for images, found in a code block,
    and not served (a broken image, and a false leak in the audit; helper-54)."""
    root = copy_site(tmp_path)
    _show(root, DERBY_REPORT, "    ![Indented chart](attachments/indented.png)", {"indented.png": _png(6)})
    build(root)
    page = root / "output/site/reports/derby-yjs-inspection-outcome/index.html"
    sources = [src for src in parse_page(page).links if src.endswith("indented.png")]
    assert [(src, (page.parent / src).resolve().read_bytes()) for src in sources] == [
        ("../../attachments/indented.png", _png(6))]


def test_a_target_with_brackets_is_read_whole_as_markdown_reads_it():
    # Python-Markdown's link runs to the ')' that closes its '(': brackets inside it are the target's.
    known = {"attachments/chart(1).png"}
    assert check_markdown_targets("![Chart](attachments/chart(1).png)", "reports/r.md", 1, "body", known) == []
    [refused] = check_markdown_targets("See [this](javascript:alert(1)).", "reports/r.md", 1, "body", known)
    assert refused.message == "the link 'javascript:alert(1)' would run script or embed data"
