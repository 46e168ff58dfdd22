"""Published papers must be accessible documents (Public Sector Bodies Accessibility
Regulations 2018): every PDF the build publishes is checked with pikepdf for what PDF/UA-1
and WCAG's PDF techniques ask of it, and the first page of each kind of PDF is rendered
to tests/artifacts/screenshots/ for a person to look at.

The site is built once per session with PDFs on, exactly as `scrutiny build` publishes it
(under output/site/ in a real build; here in a temporary folder). Each check runs on every
PDF of each type, so a failure names the type, the file and the fault.

docs/pdf-accessibility.md explains each check, WeasyPrint's known faults, and which fix
(template or generator/render/pdf_tags.fix_pdf) makes the check pass.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

pytestmark = pytest.mark.pdf

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"

# Every kind of PDF the site publishes, as a glob under the built site.
PDF_TYPES: dict[str, str] = {
    "inspection": "inspections/*/*.pdf",           # findings paper
    "action-plan": "action-plans/*/*.pdf",         # action plan (landscape)
    "report": "reports/*/*.pdf",                   # council report
    "agenda-pack": "meetings/*/*-agenda-pack.pdf",  # the public agenda pack
    "agenda-item": "meetings/*/item-*.pdf",        # one item or appendix of a pack
}


@pytest.fixture(scope="session")
def pdf_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's content built with its PDFs, once per session."""
    output = tmp_path_factory.mktemp("pdf-site") / "site"
    command = [sys.executable, "-m", "generator", "-C", str(REPO), "build", "-q", "--no-search", "-o", str(output)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        pytest.fail(f"`scrutiny {' '.join(command[3:])}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
                    pytrace=False)
    return output


def pdfs_of(site: Path, pdf_type: str) -> list[Path]:
    found = sorted(site.glob(PDF_TYPES[pdf_type]))
    assert found, (f"the build published no {pdf_type} PDF ({PDF_TYPES[pdf_type]} under output/site): "
                   "is the PDF renderer (generator/render/papers.py, pack.py) in place?")
    return found


# -- reading the structure tree ------------------------------------------------------------------

def kids(node: Dictionary) -> list:
    k = node.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def is_elem(obj: object) -> bool:
    return isinstance(obj, Dictionary) and "/S" in obj and obj.get("/Type") not in (Name.MCR, Name.OBJR)


def elements(pdf: pikepdf.Pdf) -> Iterator[Dictionary]:
    """Every structure element reachable from the structure tree root, depth first."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    seen: set = set()
    stack = [k for k in reversed(kids(root)) if is_elem(k)]
    while stack:
        elem = stack.pop()
        if elem.is_indirect:
            if elem.objgen in seen:
                continue
            seen.add(elem.objgen)
        yield elem
        stack.extend(k for k in reversed(kids(elem)) if is_elem(k))


def tag(elem: Dictionary) -> str:
    return str(elem.get("/S"))


def attributes(elem: Dictionary) -> list[Dictionary]:
    a = elem.get("/A")
    if isinstance(a, Dictionary):
        return [a]
    return [x for x in a if isinstance(x, Dictionary)] if isinstance(a, Array) else []


def name_tree(node: object) -> dict[bytes, object]:
    found: dict[bytes, object] = {}
    if isinstance(node, Dictionary):
        names = node.get("/Names")
        if isinstance(names, Array):
            for i in range(0, len(names) - 1, 2):
                found[bytes(names[i])] = names[i + 1]
        for kid in node.get("/Kids", []):
            found.update(name_tree(kid))
    return found


def number_tree(node: object) -> dict[int, object]:
    found: dict[int, object] = {}
    if isinstance(node, Dictionary):
        nums = node.get("/Nums")
        if isinstance(nums, Array):
            for i in range(0, len(nums) - 1, 2):
                found[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", []):
            found.update(number_tree(kid))
    return found


# -- the checks: each returns the problems it finds in one PDF -----------------------------------

def check_structure_tree(pdf: pikepdf.Pdf) -> list[str]:
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return ["no structure tree (/StructTreeRoot): the PDF is not tagged"]
    problems = []
    if not any(True for _ in elements(pdf)):
        problems.append("the structure tree is empty")
    mark = pdf.Root.get("/MarkInfo")
    if not (isinstance(mark, Dictionary) and mark.get("/Marked") is True):
        problems.append("/MarkInfo /Marked is not true")
    return problems


def check_language(pdf: pikepdf.Pdf) -> list[str]:
    lang = str(pdf.Root.get("/Lang", ""))
    return [] if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang) else [f"/Lang is {lang!r}, not a language tag"]


def check_title(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    title = str(pdf.docinfo.get("/Title", "")).strip()
    if not title:
        problems.append("no document title (/Info /Title)")
    preferences = pdf.Root.get("/ViewerPreferences")
    if not (isinstance(preferences, Dictionary) and preferences.get("/DisplayDocTitle") is True):
        problems.append("/ViewerPreferences /DisplayDocTitle is not true: viewers would show the file name")
    if "/Metadata" in pdf.Root:
        xmp_title = str(pdf.open_metadata().get("dc:title", "")).strip()
        if xmp_title != title:
            problems.append(f"XMP dc:title {xmp_title!r} differs from /Title {title!r}")
    return problems


# Alternative text that only names the file is no alternative (WCAG failure F30).
_FILE_NAME_ALT = re.compile(r"(image:?\s*)?[\w.-]+\.(png|jpe?g|gif|svg|webp|tiff?)", re.I)


def check_figures_have_alt(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    for elem in elements(pdf):
        if tag(elem) != "/Figure":
            continue
        alt = str(elem.get("/Alt", elem.get("/ActualText", ""))).strip()
        if not alt or _FILE_NAME_ALT.fullmatch(alt):
            page = elem.get("/Pg")
            number = next((n + 1 for n, p in enumerate(pdf.pages)
                           if page is not None and p.obj.objgen == page.objgen), "?")
            problems.append(f"a /Figure on page {number} has no /Alt" if not alt else
                            f"a /Figure on page {number} has a file name for /Alt: {alt!r}")
    return problems


def check_tables_have_headers(pdf: pikepdf.Pdf) -> list[str]:
    """Tables are tagged with TH cells; each TH has a /Scope; /Headers name IDs that exist."""
    problems = []
    ids = name_tree(pdf.Root.StructTreeRoot.get("/IDTree")) if "/StructTreeRoot" in pdf.Root else {}
    has_ids = False
    for number, table in enumerate((e for e in elements(pdf) if tag(e) == "/Table"), start=1):
        cells = [e for e in _descendants(table) if tag(e) in ("/TH", "/TD")]
        headers = [c for c in cells if tag(c) == "/TH"]
        if not headers:
            problems.append(f"table {number} has no TH cells")
        for th in headers:
            has_ids = has_ids or "/ID" in th
            if not any("/Scope" in a for a in attributes(th)):
                problems.append(f"table {number}: a TH has no /Scope")
                break
        for cell in cells:
            for a in attributes(cell):
                for ref in a.get("/Headers", []):
                    if bytes(ref) not in ids:
                        problems.append(f"table {number}: /Headers names {bytes(ref)!r}, which is not in the /IDTree")
                        break
        problems += row_group_problems(number, table)
    if has_ids and not ids:
        problems.append("header cells have /ID but the structure tree root has no /IDTree")
    for elem in elements(pdf):
        listed = ids.get(bytes(elem.ID)) if "/ID" in elem else None
        if listed is not None and listed.objgen != elem.objgen:
            problems.append(f"the /IDTree entry {bytes(elem.ID)!r} is a copy, not the element in the tree")
    return sorted(set(problems), key=problems.index)


def _span(cell: Dictionary) -> int:
    return next((int(a.ColSpan) for a in attributes(cell) if "/ColSpan" in a), 1)


def row_group_problems(number: int, table: Dictionary) -> list[str]:
    """A body row of one TH spanning every column heads the rows below it in its row group
    (HTML's scope="rowgroup"). PDF has no row-group scope: it is a /Row header (PDF/UA 7.5),
    and each data cell of its group, to the next such row, names it in /Headers, and no other."""
    bodies = [k for k in kids(table) if is_elem(k) and tag(k) == "/TBody"]
    rows = [r for part in kids(table) if is_elem(part) for r in ([part] if tag(part) == "/TR" else kids(part))
            if is_elem(r) and tag(r) == "/TR"]
    width = max((sum(_span(c) for c in kids(r) if is_elem(c) and tag(c) in ("/TH", "/TD")) for r in rows), default=0)
    heads: list[tuple[Dictionary, list[Dictionary]]] = []        # each group header, with its data cells
    problems = []
    for body in bodies:
        for n, row in enumerate(r for r in kids(body) if is_elem(r) and tag(r) == "/TR"):
            cells = [c for c in kids(row) if is_elem(c) and tag(c) in ("/TH", "/TD")]
            if width > 1 and len(cells) == 1 and tag(cells[0]) == "/TH" and _span(cells[0]) == width:
                heads.append((cells[0], []))
                if n:
                    problems.append(f"table {number}: row-group header {cells[0].get('/ID', '?')} does not open "
                                    "its TBody (HTML: its tbody), so the rows above it are in its group")
            elif heads and heads[-1][0] is not None:
                heads[-1][1].extend(c for c in cells if tag(c) == "/TD")
        heads.append((None, []))                 # a row group ends with its TBody
    group_ids = {bytes(h.ID) for h, _cells in heads if h is not None and "/ID" in h}
    for head, cells in heads:
        if head is None:
            continue
        name = str(head.get("/ID", "?"))
        if not any(a.get("/Scope") == Name.Row for a in attributes(head)):
            problems.append(f"table {number}: row-group header {name} is not /Scope /Row")
        for cell in cells:
            listed = {bytes(h) for a in attributes(cell) for h in a.get("/Headers", [])}
            if "/ID" not in head or listed & group_ids != {bytes(head.ID)}:
                problems.append(f"table {number}: a data cell under row-group header {name} does not name "
                                f"it alone of the group headers in /Headers")
                break
    return problems


def check_tables_not_split(pdf: pikepdf.Pdf) -> list[str]:
    """Every table keeps its caption: a table without one is a page's fragment of a split
    table (or a table the template left without a caption)."""
    problems = []
    pages = {p.obj.objgen: n + 1 for n, p in enumerate(pdf.pages)}
    for table in (e for e in elements(pdf) if tag(e) == "/Table"):
        if not any(is_elem(k) and tag(k) == "/Caption" for k in kids(table)):
            page = table.get("/Pg")
            problems.append(f"a /Table on page {pages.get(page.objgen, '?') if page is not None else '?'} "
                            "has no /Caption")
    return problems


def _descendants(elem: Dictionary) -> Iterator[Dictionary]:
    for kid in kids(elem):
        if is_elem(kid):
            yield kid
            yield from _descendants(kid)


def _fonts(resources: object, seen: set) -> Iterator[Dictionary]:
    if not isinstance(resources, Dictionary):
        return
    for font in resources.get("/Font", Dictionary()).values():
        yield font
        if font.get("/Subtype") == Name.Type3:
            yield from _fonts(font.get("/Resources"), seen)
    for xobject in resources.get("/XObject", Dictionary()).values():
        if xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield from _fonts(xobject.get("/Resources"), seen)


def check_fonts_embedded(pdf: pikepdf.Pdf) -> list[str]:
    problems = set()
    seen: set = set()
    for page in pdf.pages:
        for font in _fonts(page.obj.get("/Resources"), seen):
            if font.get("/Subtype") == Name.Type3:
                continue                      # glyphs are drawn by the PDF's own procedures
            descendants = font.get("/DescendantFonts") or [font]
            for part in descendants:
                descriptor = part.get("/FontDescriptor")
                if not (isinstance(descriptor, Dictionary)
                        and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))):
                    problems.add(f"font {font.get('/BaseFont')} is not embedded")
    return sorted(problems)


def check_outline(pdf: pikepdf.Pdf) -> list[str]:
    outlines = pdf.Root.get("/Outlines")
    if not (isinstance(outlines, Dictionary) and "/First" in outlines):
        return ["no outline (bookmarks)"]
    with pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    return [] if titles and all(t.strip() for t in titles) else [f"outline entries without titles: {titles}"]


def check_headings_in_sequence(pdf: pikepdf.Pdf) -> list[str]:
    """Read in order, no heading is more than one level below the heading before it (each
    document of a pack starts again at H1): an attachment's "## Section" under the paper's H1
    title is an H2, never an H3."""
    problems, previous = [], 0
    for elem in elements(pdf):
        found = re.fullmatch(r"/H([1-6])", tag(elem))
        if found:
            level = int(found.group(1))
            if level > previous + 1:
                problems.append(f"H{level} follows {f'H{previous}' if previous else 'no heading'}")
            previous = level
    return problems


def check_content_tagged_or_artifact(pdf: pikepdf.Pdf) -> list[str]:
    """Every mark on a page is either real content attached to the structure tree or an
    artifact: nothing untagged, nothing tagged but left out of the tree (running headers)."""
    if "/StructTreeRoot" not in pdf.Root:
        return ["no structure tree"]
    attached: dict[int, set[int]] = {}
    pages = {p.obj.objgen: n for n, p in enumerate(pdf.pages)}
    for elem in elements(pdf):
        for kid in kids(elem):
            if isinstance(kid, int) and "/Pg" in elem:
                attached.setdefault(pages.get(elem.Pg.objgen, -1), set()).add(kid)
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                page = kid.get("/Pg", elem.get("/Pg"))
                attached.setdefault(pages.get(page.objgen, -1), set()).add(int(kid.MCID))
    parent_tree = number_tree(pdf.Root.StructTreeRoot.get("/ParentTree"))
    painting = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "EI"}
    problems = []
    for n, page in enumerate(pdf.pages):
        depth, untagged, orphans, unmapped = 0, 0, set(), set()
        key = page.obj.get("/StructParents")
        mapped = parent_tree.get(int(key)) if key is not None else None
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                depth += 1
                props = operands[1] if op == "BDC" and len(operands) > 1 else None
                if isinstance(props, Dictionary) and "/MCID" in props:
                    mcid = int(props.MCID)
                    if mcid not in attached.get(n, set()):
                        orphans.add(mcid)
                    elif not (isinstance(mapped, Array) and mcid < len(mapped) and is_elem(mapped[mcid])):
                        unmapped.add(mcid)
            elif op == "EMC":
                depth -= 1
            elif op in painting and depth == 0:
                untagged += 1
        if untagged:
            problems.append(f"page {n + 1}: {untagged} drawing operations are neither tagged nor artifacts")
        if orphans:
            problems.append(f"page {n + 1}: marked content {sorted(orphans)[:8]} is not in the structure tree "
                            "(margin content not marked as an artifact?)")
        if unmapped:
            problems.append(f"page {n + 1}: marked content {sorted(unmapped)[:8]} is missing from the /ParentTree")
    return problems


CHECKS: dict[str, Callable[[pikepdf.Pdf], list[str]]] = {
    "structure-tree": check_structure_tree,
    "language": check_language,
    "title-shown": check_title,
    "figures-alt": check_figures_have_alt,
    "tables-th": check_tables_have_headers,
    "tables-whole": check_tables_not_split,
    "fonts-embedded": check_fonts_embedded,
    "outline": check_outline,
    "headings-in-sequence": check_headings_in_sequence,
    "content-tagged": check_content_tagged_or_artifact,
}


@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("pdf_type", list(PDF_TYPES))
def test_published_pdf_passes_accessibility_check(pdf_site, pdf_type, check):
    failures = []
    for path in pdfs_of(pdf_site, pdf_type):
        with pikepdf.open(path) as pdf:
            failures += [f"{path.relative_to(pdf_site)}: {p}" for p in CHECKS[check](pdf)]
    assert not failures, f"{check} fails on {len(failures)} count(s):\n  " + "\n  ".join(failures[:40])


@pytest.mark.parametrize("pdf_type", list(PDF_TYPES))
def test_first_page_of_each_pdf_type_is_rendered_for_review(pdf_site, pdf_type):
    """pdftoppm draws page 1 of the first PDF of each type to tests/artifacts/screenshots/."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, ("pdftoppm is missing. Run `make test` (as root it installs it), "
                      "or: sudo apt-get install poppler-utils")
    from PIL import Image

    source = pdfs_of(pdf_site, pdf_type)[0]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = SCREENSHOTS / f"pdf-{pdf_type}-page1"
    target = stem.with_suffix(".png")
    target.unlink(missing_ok=True)
    subprocess.run([pdftoppm, "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(source), str(stem)],
                   check=True, capture_output=True, timeout=120)
    with Image.open(target) as image:
        assert image.width > 400 and image.height > 400
        darkest, lightest = image.convert("L").getextrema()
        assert darkest < 100 < lightest, f"{target} looks blank"


# -- the checks themselves catch faults --------------------------------------------------------------

def test_checks_report_a_bare_pdf():
    """An untagged PDF with no title, language or outline fails each check that should fail."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    assert check_structure_tree(pdf) and check_language(pdf) and check_title(pdf) and check_outline(pdf)
    assert check_content_tagged_or_artifact(pdf)
    assert check_figures_have_alt(pdf) == [] and check_tables_have_headers(pdf) == []


def test_figure_check_wants_words_not_a_file_name():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    figure = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Figure, Pg=pdf.pages[0].obj))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array([figure])))
    pdf.Root.StructTreeRoot = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
    assert check_figures_have_alt(pdf) == ["a /Figure on page 1 has no /Alt"]
    figure.Alt = pikepdf.String("Image: chart-2021.png")
    assert "file name" in check_figures_have_alt(pdf)[0]
    figure.Alt = pikepdf.String("Bar chart: first-time entrants fell from 410 to 230 per 100,000")
    assert check_figures_have_alt(pdf) == []
