"""Post-processing that repairs WeasyPrint's tagged PDFs where they fall short of PDF/UA-1.

`fix_pdf(data, title, lang)` takes the bytes of a tagged PDF (WeasyPrint's `pdf/ua-1`
variant, or a pack assembled from such papers) and returns repaired bytes. It is pure
(bytes in, bytes out) and deterministic: the same input gives the same output.

What it repairs (docs/pdf-accessibility.md has the evidence for each fault):

1. **Elements split at page breaks.** WeasyPrint builds the structure tree page by page,
   so a table that flows over three pages becomes three sibling /Table elements, each
   with its own repeated header row, and so do the sections and divisions around it
   (Kozea/WeasyPrint#2902, #2903). Where the PDF itself proves that two neighbouring
   elements are one (see `_continues`), they are merged back into one element, the
   repeated header rows become pagination artifacts, and the data cells' /Headers are
   pointed at the first header row; a row split by the page is one row again
   (`_join_split_row`).
2. **Content tagged but outside the tree.** Page-margin content (running headers, page
   numbers drawn with `@page` margin boxes) is marked with an MCID whose structure
   element is not attached to the document (Kozea/WeasyPrint#1836): screen readers may
   read it, validators see content that is neither real content nor an artifact. Any
   marked content whose element cannot be reached from the structure root becomes a
   /Pagination artifact.
3. **No /IDTree.** Header cells carry /ID (for /Headers) but the structure tree root has
   no /IDTree, which ISO 32000-1 requires when elements have IDs.
4. **No /Scope on header cells** (Kozea/WeasyPrint#2508): /Column for header rows, /Row
   for row headers, as assistive technology and checkers expect. A row-group header (HTML
   `scope="rowgroup"`), which WeasyPrint puts over the first column, becomes a /Row header
   named in the /Headers of its group's data cells.
5. **A row header over several rows heads only its first** (`rowspan`): WeasyPrint lists a
   header in the /Headers of the cells of the row it starts in, so the cells of the rows below
   ("Tel", the number) lose it; those cells are given it.
6. **Document-level entries:** /Lang, the title (Info and XMP dc:title), /DisplayDocTitle,
   /MarkInfo /Marked, and /Tabs /S on every page with annotations.

It cannot add what the HTML did not give: alternative text for a figure, a caption for a
table, a structure tree for an untagged file. Those are fixed in the templates, and the
tests in tests/test_pdf_accessibility.py say which.
"""

from __future__ import annotations

import binascii
import io
import re
from typing import Iterable, Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, String

__all__ = ["fix_pdf"]

_HEADINGS = {f"/H{n}" for n in range(1, 7)} | {"/H"}
_TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
# `Name.MCR` makes a new object on every use: the tree walks use these.
_MCR, _OBJR, _TABLE = Name.MCR, Name.OBJR, Name.Table
_MARK_OPERATORS = "BDC BMC EMC " + " ".join(_TEXT_SHOWING)


def fix_pdf(data: bytes, title: str, lang: str) -> bytes:
    """Repair a tagged PDF for PDF/UA: merge page-split elements, artifact orphaned content,
    add /IDTree and header /Scope, and set /Lang, the title and the viewer preferences."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _document_entries(pdf, title, lang)
        if "/StructTreeRoot" in pdf.Root:
            _Tree(pdf).repair()
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


# -- document-level entries ---------------------------------------------------------------------

def _document_entries(pdf: pikepdf.Pdf, title: str, lang: str) -> None:
    root = pdf.Root
    if lang:
        root.Lang = String(lang)
    preferences = root.get("/ViewerPreferences")
    if not isinstance(preferences, Dictionary):
        preferences = root.ViewerPreferences = Dictionary()
    preferences.DisplayDocTitle = True
    mark_info = root.get("/MarkInfo")
    if not isinstance(mark_info, Dictionary):
        mark_info = root.MarkInfo = Dictionary()
    mark_info.Marked = True
    if title:
        pdf.docinfo[Name.Title] = String(title)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = title
    for page in pdf.pages:
        if page.obj.get("/Annots"):
            page.obj.Tabs = Name.S


# -- the structure tree ---------------------------------------------------------------------------
#
# The repair asks each element its tag, its page and its kids many times over (every pair of
# neighbours, every table's header, every walk), and each answer read through pikepdf is a
# call into C++. So the tree is read once into `_Elem`s (plain Python), the repair works on
# them, and the kids it changed are written back to the PDF once, when the merging is done.

def _kids(elem: Dictionary) -> list:
    kids = elem.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _same(a: object, b: object) -> bool:
    if isinstance(a, pikepdf.Object) and isinstance(b, pikepdf.Object) and a.is_indirect and b.is_indirect:
        return a.objgen == b.objgen
    return a is b


def _attributes(elem: Dictionary) -> list[Dictionary]:
    attrs = elem.get("/A")
    if isinstance(attrs, Dictionary):
        return [attrs]
    if isinstance(attrs, Array):
        return [a for a in attrs if isinstance(a, Dictionary)]
    return []


def _table_attributes(elem: Dictionary) -> Dictionary:
    for attrs in _attributes(elem):
        if attrs.get("/O") == _TABLE:
            return attrs
    attrs = Dictionary(O=_TABLE)
    existing = elem.get("/A")
    if existing is None:
        elem.A = attrs
    elif isinstance(existing, Array):
        existing.append(attrs)
    else:
        elem.A = Array([existing, attrs])
    return attrs


_INHERITED = object()                 # a marked-content reference without /Pg: its element's page


class _Mark:
    """A marked-content reference (/MCR) among an element's kids."""

    __slots__ = ("obj", "mcid", "page", "in_stream")

    def __init__(self, obj: Dictionary, mcid: object, page: object, in_stream: bool = False) -> None:
        self.obj = obj
        self.mcid = mcid              # as the PDF gives it (int() where used, as pikepdf's would be)
        self.page = page              # page index, None (not a page), or _INHERITED
        self.in_stream = in_stream    # content in a form XObject (/Stm), not in the page's own


class _Elem:
    """A structure element as read once: its tag, its page, its kids. A kid is an MCID (int),
    a `_Mark`, an `_Elem`, or whatever else the PDF holds there (an /OBJR), as it is."""

    __slots__ = ("obj", "tag", "page", "kids", "parent")

    def __init__(self, obj: Dictionary, tag: str, page: int | None) -> None:
        self.obj = obj
        self.tag = tag
        self.page = page
        self.kids: list = []
        self.parent: _Elem | None = None          # set by the parent-tree walk

    def elements(self) -> list[_Elem]:
        return [k for k in self.kids if type(k) is _Elem]


def _table_rows(elem: _Elem) -> Iterator[_Elem]:
    """A table's rows in order, through its row groups (not into a table inside a cell)."""
    for kid in elem.elements():
        if kid.tag == "/TR":
            yield kid
        elif kid.tag in ("/THead", "/TBody", "/TFoot"):
            yield from _table_rows(kid)


def _raw(kid: object) -> object:
    return kid.obj if type(kid) is _Elem or type(kid) is _Mark else kid


class _Tree:
    """One PDF's structure tree, repaired in place."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.page_index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        self._page_marks: dict[int, _PageMarks] = {}
        self._bounds: dict[int, tuple[int, int]] | None = None      # `_content_bounds`, once asked
        self._in_order: list[_Elem] = []                              # set by `_rebuild_parent_tree`
        self._read: dict[tuple[int, int], _Elem] = {}                 # indirect elements, by object
        self._changed: dict[int, _Elem] = {}                          # elements whose kids changed
        self.root_obj = pdf.Root.StructTreeRoot
        self.root = self._mirror(self.root_obj)

    def _page_of(self, obj: Dictionary) -> int | None:
        page = obj.get("/Pg")
        return self.page_index.get(page.objgen) if isinstance(page, Dictionary) else None

    def _mirror(self, obj: Dictionary) -> _Elem:
        """Read an element and everything below it (each indirect element once)."""
        key = obj.objgen
        indirect = key != (0, 0)          # a direct object has no identity to find it again by
        if indirect and key in self._read:
            return self._read[key]
        elem = _Elem(obj, str(obj.get("/S")), self._page_of(obj))
        if indirect:
            self._read[key] = elem
        kids = elem.kids
        for kid in _kids(obj):
            if isinstance(kid, Dictionary):
                kind = kid.get("/Type")
                if kind is not None and kind == _MCR:
                    page = self._page_of(kid) if "/Pg" in kid else _INHERITED
                    kid = _Mark(kid, kid.get("/MCID"), page, "/Stm" in kid)
                elif (kind is None or kind != _OBJR) and "/S" in kid:
                    kid = self._mirror(kid)
            kids.append(kid)
        return elem

    def _set_kids(self, elem: _Elem, kids: Iterable) -> None:
        elem.kids = list(kids)
        self._changed[id(elem)] = elem

    def _write_kids(self) -> None:
        for elem in self._changed.values():
            elem.obj.K = Array([_raw(k) for k in elem.kids])
        self._changed.clear()

    def _descendants(self, elem: _Elem) -> Iterator[_Elem]:
        for kid in elem.elements():
            yield kid
            yield from self._descendants(kid)

    def repair(self) -> None:
        self._merge_split(self.root)
        self._write_kids()
        mapping = self._rebuild_parent_tree()
        self._artifact_orphans(mapping)
        self._header_scopes()
        self._spanned_row_headers()
        self._id_tree()

    # -- 1. merge elements split at page breaks -------------------------------------------

    def _merge_split(self, parent: _Elem) -> None:
        # The kids are listed again only after a merge: listing them on every step made a
        # long table's rows cost their number squared.
        kids = parent.elements()
        index = 0
        while index < len(kids) - 1:
            chain = self._continuation(kids[index], kids[index + 1])
            if chain:
                self._merge_chain(parent, chain)        # kids[index] absorbed its neighbour: look again
                kids = parent.elements()
            else:
                index += 1
        for kid in kids:
            self._merge_split(kid)

    def _continuation(self, a: _Elem, b: _Elem) -> list[tuple[_Elem, _Elem]] | None:
        """The pairs (a, b), (a's last child, b's first child), ... down to a pair the PDF
        proves is one element continued on a later page; None when there is no proof."""
        if a.page is None or b.page is None or b.page <= a.page:
            return None
        chain = []
        while a.tag == b.tag:
            chain.append((a, b))
            if self._continues(a, b):
                return chain
            if a.tag in ("/Table", "/P", "/Figure", "/Link") or a.tag in _HEADINGS:
                return None
            a_kids, b_kids = a.elements(), b.elements()
            if not a_kids or not b_kids:
                return None
            a, b = a_kids[-1], b_kids[0]
        return None

    def _continues(self, a: _Elem, b: _Elem) -> bool:
        """Proof that b is the rest of a, from what WeasyPrint draws only once per element."""
        tag = a.tag
        if tag == "/Table":
            # A continued table has no caption (drawn once, on the first page) and repeats
            # the same header row, glyph for glyph.
            if any(k.tag == "/Caption" for k in b.elements()):
                return False
            head_a, head_b = self._head(a), self._head(b)
            if head_a is None or head_b is None:
                return False
            signature = self._cells_signature(head_a)
            return bool(signature) and any(signature) and signature == self._cells_signature(head_b)
        if tag == "/LI":
            # The list marker (Lbl) is drawn on the first fragment of a list item only.
            a_kids, b_kids = a.elements(), b.elements()
            return bool(a_kids) and a_kids[0].tag == "/Lbl" and bool(b_kids) and b_kids[0].tag == "/LBody"
        if tag == "/Sect":
            # A section opens with its heading; a fragment that does not is the same section.
            a_kids, b_kids = a.elements(), b.elements()
            return (bool(a_kids) and a_kids[0].tag in _HEADINGS and bool(b_kids)
                    and b_kids[0].tag not in _HEADINGS)
        if tag == "/L":
            # Two lists side by side, the first ending its page and the second opening the
            # next one, with nothing between them: one list broken by the page.
            return self._across_page_break(a, b)
        return False

    def _across_page_break(self, a: _Elem, b: _Elem) -> bool:
        """a's content ends a page's content and b's begins the next page's."""
        a_marks = [(page, mcid) for mcid, page in self._marked_content(a) if page is not None]
        b_marks = [(page, mcid) for mcid, page in self._marked_content(b) if page is not None]
        if not a_marks or not b_marks:
            return False
        last, first = max(a_marks), min(b_marks)
        if first[0] != last[0] + 1:
            return False
        bounds = self._content_bounds()
        return bounds.get(last[0], (None, None))[1] == last[1] and bounds.get(first[0], (None, None))[0] == first[1]

    def _content_bounds(self) -> dict[int, tuple[int, int]]:
        """Per page, the lowest and highest MCID of content in the tree (MCIDs follow drawing
        order; artifacts and unattached margin content have none that count)."""
        if self._bounds is None:
            found: dict[int, list[int]] = {}
            for top in self.root.elements():
                for mcid, page in self._marked_content(top):
                    if page is not None:
                        found.setdefault(page, []).append(mcid)
            self._bounds = {page: (min(m), max(m)) for page, m in found.items()}
        return self._bounds

    def _head(self, table: _Elem) -> _Elem | None:
        heads = [k for k in table.elements() if k.tag == "/THead"]
        return heads[0] if len(heads) == 1 else None

    def _header_cells(self, head: _Elem) -> list[_Elem]:
        return [cell for row in head.elements() if row.tag == "/TR"
                for cell in row.elements() if cell.tag in ("/TH", "/TD")]

    def _cells_signature(self, head: _Elem) -> list[bytes]:
        return [b"".join(self._glyphs(cell)) for cell in self._header_cells(head)]

    def _glyphs(self, elem: _Elem) -> Iterator[bytes]:
        """The bytes of the text drawn by an element's marked content, in order."""
        for mcid, page in self._marked_content(elem):
            if page is not None:
                yield from self._marks(page).shown.get(mcid, [])

    def _marked_content(self, elem: _Elem) -> Iterator[tuple[int, int | None]]:
        for kid in elem.kids:
            if type(kid) is int:
                yield kid, elem.page
            elif type(kid) is _Mark:
                yield int(kid.mcid), elem.page if kid.page is _INHERITED else kid.page
            elif type(kid) is _Elem:
                yield from self._marked_content(kid)

    def _marks(self, page: int) -> _PageMarks:
        """The page's marked content, read once (the merge compares header rows' text, the
        artifact pass needs every page's MCIDs): scanned from its bytes, or parsed where
        `_scan` cannot prove it reads them as the parser would."""
        if page not in self._page_marks:
            pdf_page = self.pdf.pages[page]
            marks = _scan(pdf_page)
            self._page_marks[page] = marks if marks is not None else _parse(pdf_page)
        return self._page_marks[page]

    def _opened(self, page: int) -> list[int]:
        """The MCIDs the page's content opens (BDC with an MCID), in order."""
        return self._marks(page).opened

    def _merge_chain(self, parent: _Elem, chain: list[tuple[_Elem, _Elem]]) -> None:
        for level, (a, b) in enumerate(chain):
            if level == len(chain) - 1 and a.tag == "/Table":
                self._merge_tables(a, b)
            else:
                self._move_kids(b, a, b.kids)
            self._set_kids(parent, (k for k in parent.kids if k is not b))
            parent = a                  # b's first child, the next b, now lives in a

    def _move_kids(self, source: _Elem, target: _Elem, kids: Iterable) -> None:
        moved = list(target.kids)
        for kid in kids:
            if type(kid) is int:        # an MCID on the source's page: say which page
                kid = _Mark(Dictionary(Type=_MCR, Pg=source.obj.Pg, MCID=kid), kid, source.page)
            elif type(kid) is _Elem:
                kid.obj.P = target.obj
            moved.append(kid)
        self._set_kids(target, moved)

    def _merge_tables(self, a: _Elem, b: _Elem) -> None:
        """b, a continuation of table a, into a: its repeated header row dropped (it becomes an
        artifact with the other unattached content), its rows appended, its cells' /Headers
        pointed at a's header cells."""
        head_a, head_b = self._head(a), self._head(b)
        renamed = {}
        for cell_a, cell_b in zip(self._header_cells(head_a), self._header_cells(head_b)):
            if "/ID" in cell_a.obj and "/ID" in cell_b.obj:
                renamed[bytes(cell_b.obj.ID)] = cell_a.obj.ID
        for cell in self._descendants(b):
            for attrs in _attributes(cell.obj):
                headers = attrs.get("/Headers")
                if isinstance(headers, Array):
                    attrs.Headers = Array([renamed.get(bytes(h), h) for h in headers])

        def parts(table: _Elem, tag: str) -> list[_Elem]:
            return [k for k in table.elements() if k.tag == tag]

        bodies_a, bodies_b = parts(a, "/TBody"), parts(b, "/TBody")
        if bodies_a and bodies_b:
            self._join_split_row(bodies_a[-1], bodies_b[0])
        rest_b = [k for k in b.kids if not (type(k) is _Elem and k.tag in ("/THead", "/TBody", "/TFoot"))]
        if bodies_a and bodies_b and not _starts_row_group(bodies_b[0], b):
            # the page break fell inside the last row group: its rows continue it
            self._move_kids(bodies_b[0], bodies_a[-1], bodies_b[0].kids)
            bodies_b = bodies_b[1:]
        feet_b = parts(b, "/TFoot")
        feet = feet_b or parts(a, "/TFoot")         # a repeated footer counts once, at the end
        kept = [k for k in a.kids if not (type(k) is _Elem and k.tag == "/TFoot")]
        for kid in [*bodies_b, *rest_b, *feet_b]:
            if type(kid) is _Elem:
                kid.obj.P = a.obj
        self._set_kids(a, [*kept, *bodies_b, *rest_b, *feet])

    def _join_split_row(self, body_a: _Elem, body_b: _Elem) -> None:
        """b's first row into a's last when it is the rest of that row, split by the page.

        A row taller than a page goes on under the repeated header row, and WeasyPrint 70 tags
        each page's part as a row of its own. The proof: the later part opens with a row
        header (TH) that draws nothing (a row's header is drawn once, on its first page),
        after a row whose header draws its name, with as many cells."""
        rows_a = [k for k in body_a.elements() if k.tag == "/TR"]
        rows_b = [k for k in body_b.elements() if k.tag == "/TR"]
        if not rows_a or not rows_b:
            return
        last, rest = rows_a[-1], rows_b[0]
        cells_a, cells_b = last.elements(), rest.elements()
        if (len(cells_a) != len(cells_b) or not cells_a or cells_a[0].tag != "/TH" or cells_b[0].tag != "/TH"
                or next(self._marked_content(cells_b[0]), None) is not None
                or next(self._marked_content(cells_a[0]), None) is None):
            return
        for cell_a, cell_b in zip(cells_a, cells_b):
            self._move_kids(cell_b, cell_a, cell_b.kids)
        self._set_kids(body_b, (k for k in body_b.kids if k is not rest))

    # -- 2. parent tree rebuilt from the tree; unattached content becomes artifacts ---------

    def _rebuild_parent_tree(self) -> dict[int, dict[int, Dictionary]]:
        """Every MCID and annotation mapped to the element that owns it, from the tree itself."""
        mapping: dict[int, dict[int, Dictionary]] = {}
        annotations: dict[tuple[int, int], Dictionary] = {}
        seen: set[int] = set()
        in_order: list[_Elem] = []

        def walk(elem: _Elem) -> None:
            if id(elem) in seen:
                return
            seen.add(id(elem))
            in_order.append(elem)
            for kid in elem.kids:
                if type(kid) is int:
                    if elem.page is not None:
                        mapping.setdefault(elem.page, {})[kid] = elem.obj
                elif type(kid) is _Mark:
                    if not kid.in_stream:
                        page = elem.page if kid.page is _INHERITED else kid.page
                        if page is not None:
                            mapping.setdefault(page, {})[int(kid.mcid)] = elem.obj
                elif type(kid) is _Elem:
                    kid.obj.P = elem.obj
                    kid.parent = elem
                    walk(kid)
                elif isinstance(kid, Dictionary) and kid.get("/Type") == _OBJR:
                    target = kid.get("/Obj")
                    if isinstance(target, Dictionary) and target.is_indirect:
                        annotations[target.objgen] = elem.obj

        for top in self.root.elements():
            top.obj.P = self.root_obj
            top.parent = None
            walk(top)
        # The tree's shape is final now (later steps change attributes and IDs, not kids):
        # the steps after this one read this list rather than walk the tree again.
        self._in_order = in_order

        old = _number_tree(self.root_obj.get("/ParentTree"))
        self._old_mcids = {n: v for n, v in old.items() if isinstance(v, Array)}
        nums: dict[int, object] = {}
        used = set(old)
        next_key = max(used, default=-1) + 1
        for index, page in enumerate(self.pdf.pages):
            marks = mapping.get(index)
            key = page.obj.get("/StructParents")
            if key is None:
                if not marks:
                    continue
                key = next_key
                next_key += 1
                page.obj.StructParents = key
            key = int(key)
            if marks:
                top = max(marks)
                nums[key] = Array([marks.get(i, None) for i in range(top + 1)])
            else:
                nums[key] = Array()
        for page in self.pdf.pages:
            for annotation in page.obj.get("/Annots", Array()):
                if not isinstance(annotation, Dictionary) or "/StructParent" not in annotation:
                    continue
                owner = annotations.get(annotation.objgen) if annotation.is_indirect else None
                if owner is not None:
                    nums[int(annotation.StructParent)] = owner
        flat = Array()
        for key in sorted(nums):
            flat.append(key)
            flat.append(nums[key])
        tree = Dictionary(Nums=flat)
        self.root_obj.ParentTree = self.pdf.make_indirect(tree)
        self.root_obj.ParentTreeNextKey = max([*nums, next_key - 1], default=-1) + 1
        self._page_keys = {index: int(page.obj.StructParents) for index, page in enumerate(self.pdf.pages)
                           if "/StructParents" in page.obj}
        return mapping

    def _artifact_orphans(self, mapping: dict[int, dict[int, Dictionary]]) -> None:
        """Marked content whose element is not in the tree becomes a pagination artifact.

        Page content streams only: content marked inside a form XObject (WeasyPrint can draw
        translucent boxes in one) is left as it is, and the content-tagged test would say so."""
        for index, page in enumerate(self.pdf.pages):
            key = self._page_keys.get(index)
            listed = self._old_mcids.get(key, Array()) if key is not None else Array()
            attached = mapping.get(index, {})
            if not any(i not in attached for i in range(len(listed))) and not self._has_unlisted(index, attached):
                continue
            if not self._artifact_in_place(page, index, attached):
                self._artifact_by_parsing(page, attached)

    def _artifact_in_place(self, page: pikepdf.Page, index: int, attached: dict[int, Dictionary]) -> bool:
        """Rewrite each orphan's `/Tag <</MCID n>> BDC` in the page's content bytes, leaving
        the rest as WeasyPrint wrote it. Done only when `_scan` read the page: its proof says
        those are all the page's BDCs with an MCID, read as the parser reads them (a BDC the
        patterns miss, or one inside a string, would otherwise be left or wrongly edited).
        Otherwise False, and the caller parses and rewrites."""
        marks = self._marks(index)
        if marks.data is None:
            return False
        orphans = [span for mcid, span in zip(marks.opened, marks.bdc_spans) if mcid not in attached]
        if orphans:
            pieces, last = [], 0
            for start, end in orphans:
                pieces += [marks.data[last:start], b"/Artifact <</Type /Pagination>> BDC"]
                last = end
            pieces.append(marks.data[last:])
            page.obj.Contents = self.pdf.make_stream(b"".join(pieces))
        return True

    def _artifact_by_parsing(self, page: pikepdf.Page, attached: dict[int, Dictionary]) -> None:
        changed = False
        instructions = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and len(operands) > 1 and isinstance(operands[1], Dictionary) \
                    and "/MCID" in operands[1] and int(operands[1].MCID) not in attached:
                operands = [Name.Artifact, Dictionary(Type=Name.Pagination)]
                changed = True
            instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
        if changed:
            page.obj.Contents = self.pdf.make_stream(pikepdf.unparse_content_stream(instructions))

    def _has_unlisted(self, page: int, attached: dict[int, Dictionary]) -> bool:
        """An MCID drawn on the page but absent from the old parent tree too (never attached)."""
        return any(mcid not in attached for mcid in self._opened(page))

    # -- 3 and 4. /IDTree and header scopes --------------------------------------------------------

    def _header_scopes(self) -> None:
        """/Column for header rows, /Row otherwise; then each table's row-group headers named
        in the /Headers of their groups' data cells."""
        tables = [e for e in self._in_order if e.tag == "/Table"]
        group_rows = {id(row) for table in tables for row in _row_group_header_rows(table)}
        for row in (e for e in self._in_order if e.tag == "/TR"):
            cells = row.elements()
            in_head = row.parent is not None and row.parent.tag == "/THead"
            all_headers = bool(cells) and all(c.tag == "/TH" for c in cells) and id(row) not in group_rows
            for cell in cells:
                if cell.tag != "/TH":
                    continue
                attrs = _table_attributes(cell.obj)
                if "/Scope" not in attrs:
                    attrs.Scope = Name.Column if in_head or all_headers else Name.Row
        for table in tables:
            _name_row_group_headers(table)

    def _spanned_row_headers(self) -> None:
        """A row header's ID in the /Headers of the data cells of every row it spans, before
        their own row's headers, as in HTML: WeasyPrint gives it only to its first row's."""
        for table in (e for e in self._in_order if e.tag == "/Table"):
            rows = list(_table_rows(table))
            for index, row in enumerate(rows):
                for header in (c for c in row.elements() if c.tag == "/TH" and "/ID" in c.obj):
                    attrs = _table_attributes(header.obj)
                    span = attrs.get("/RowSpan")
                    if attrs.get("/Scope") != Name.Row or not isinstance(span, int) or span < 2:
                        continue
                    for below in rows[index + 1:index + int(span)]:
                        for cell in (c for c in below.elements() if c.tag == "/TD"):
                            self._add_header(_table_attributes(cell.obj), header.obj.ID)

    @staticmethod
    def _add_header(attrs: Dictionary, header_id: pikepdf.Object) -> None:
        headers = attrs.get("/Headers")
        named = list(headers) if isinstance(headers, Array) else []
        if all(bytes(h) != bytes(header_id) for h in named):
            attrs.Headers = Array([String(bytes(header_id)), *named])

    def _id_tree(self) -> None:
        """/IDTree over every element ID, made unique first: a pack joins documents whose
        header IDs were numbered separately, and a /Headers reference must name one cell."""
        named: dict[bytes, Dictionary] = {}
        for elem in self._in_order:
            if elem.tag == "/Table":
                self._unique_ids(elem, named)
            elif "/ID" in elem.obj and not self._in_table(elem):
                self._claim(elem.obj, named)
        if not named:
            return
        names = Array()
        for key in sorted(named):
            names.append(String(key))
            names.append(named[key])
        self.root_obj.IDTree = self.pdf.make_indirect(Dictionary(Names=names))

    @staticmethod
    def _in_table(elem: _Elem) -> bool:
        node, hops = elem.parent, 0
        while node is not None and hops < 64:
            if node.tag == "/Table":
                return True
            node, hops = node.parent, hops + 1
        return False

    @staticmethod
    def _claim(elem: Dictionary, named: dict[bytes, Dictionary]) -> bytes | None:
        """Register elem's ID; if another element has it, give elem a new one. Returns the
        old ID when it was renamed."""
        old = bytes(elem.ID)
        if old not in named or _same(named[old], elem):
            named[old] = elem
            return None
        n = 2
        while old + b"~%d" % n in named:
            n += 1
        elem.ID = String(old + b"~%d" % n)
        named[bytes(elem.ID)] = elem
        return old

    def _unique_ids(self, table: _Elem, named: dict[bytes, Dictionary]) -> None:
        cells = [cell.obj for cell in self._descendants(table)]
        renamed: dict[bytes, pikepdf.Object] = {}
        for cell in cells:
            if "/ID" in cell:
                old = self._claim(cell, named)
                if old is not None:
                    renamed[old] = cell.ID
        if renamed:
            for cell in cells:
                for attrs in _attributes(cell):
                    headers = attrs.get("/Headers")
                    if isinstance(headers, Array):
                        attrs.Headers = Array([renamed.get(bytes(h), h) for h in headers])


def _name_row_group_headers(table: _Elem) -> None:
    """Each data cell below a row-group header, down to the next one or the end of its row
    group, names that header first in its /Headers, and no other group's header."""
    bodies = [k for k in table.elements() if k.tag == "/TBody"]
    width = _column_count(table)
    groups: list[tuple[_Elem, object]] = []        # (row, its group header's ID or None)
    group_ids: set[bytes] = set()
    for body in bodies:
        current = None
        for row in (r for r in body.elements() if r.tag == "/TR"):
            header = _row_group_header(row, width)
            if header is not None:
                scope = _table_attributes(header.obj).get("/Scope")
                current = header.obj.get("/ID") if scope == Name.Row else None
                if current is not None:
                    group_ids.add(bytes(current))
            else:
                groups.append((row, current))
    if not group_ids:
        return
    for row, header_id in groups:
        for cell in (c for c in row.elements() if c.tag == "/TD"):
            attrs = _table_attributes(cell.obj)
            listed = list(attrs.get("/Headers", Array()))
            named = [h for h in listed if bytes(h) not in group_ids]
            if header_id is not None:
                named.insert(0, header_id)
            if [bytes(h) for h in named] != [bytes(h) for h in listed]:
                attrs.Headers = Array(named)


def _row_group_header(row: _Elem, width: int) -> _Elem | None:
    """A body row's one cell when it is a TH spanning every column (`width`) of its table: HTML's
    `<th scope="rowgroup" colspan=...>` (a domain of a ratings table), which WeasyPrint tags
    as a column header over the first column. PDF has no row-group scope, so it is a row
    header, and the data cells of its group name it (PDF/UA 7.5; ISO 32000-1 14.8.5.7)."""
    cells = row.elements()
    if len(cells) != 1 or cells[0].tag != "/TH":
        return None
    return cells[0] if width > 1 and _column_span(cells[0]) == width else None


def _row_group_header_rows(table: _Elem) -> Iterator[_Elem]:
    width = _column_count(table)
    for body in (k for k in table.elements() if k.tag == "/TBody"):
        yield from (row for row in body.elements() if row.tag == "/TR" and _row_group_header(row, width))


def _starts_row_group(body: _Elem, table: _Elem) -> bool:
    rows = [row for row in body.elements() if row.tag == "/TR"]
    return bool(rows) and _row_group_header(rows[0], _column_count(table)) is not None


def _column_span(cell: _Elem) -> int:
    for attrs in _attributes(cell.obj):
        if "/ColSpan" in attrs:
            return int(attrs.ColSpan)
    return 1


def _column_count(table: _Elem) -> int:
    """The table's width in columns: its widest row, counting spans."""
    rows = [row for part in table.elements() for row in ([part] if part.tag == "/TR" else part.elements())
            if row.tag == "/TR"]
    return max((sum(_column_span(c) for c in row.elements() if c.tag in ("/TH", "/TD")) for row in rows), default=0)


# -- a page's marked content ----------------------------------------------------------------------
#
# The merge compares the text of header rows and the artifact pass needs every page's MCIDs.
# pikepdf's parser gives both, but parsing every page, and reading what it gives back, is
# slow next to the rest of the repair: `_scan` reads them from the content bytes with a few
# patterns instead, where it can prove that it reads what the parser would, and `_parse`
# asks the parser where it cannot.

class _PageMarks:
    """One page's marked content: the MCIDs its BDC operators open, in order, and per MCID the
    bytes shown by each text operator drawn directly inside it (`_shown_bytes`). When `_scan`
    read the page, also the bytes it read and where each of those BDCs is in them, for
    `_artifact_in_place` to edit; `data` is None when the page was parsed."""

    def __init__(self, data: bytes | None = None) -> None:
        self.data = data
        self.opened: list[int] = []
        self.bdc_spans: list[tuple[int, int]] = []      # data[start:end] is `/Tag <</MCID n>> BDC`
        self.shown: dict[int, list[bytes]] = {}
        self._open: list[int | None] = []               # the sequences open now, innermost last

    def begin(self, mcid: int | None) -> None:
        self._open.append(mcid)
        if mcid is not None:
            self.opened.append(mcid)

    def end(self) -> None:
        if self._open:
            self._open.pop()

    def show(self, shown: bytes) -> None:
        if self._open and self._open[-1] is not None:
            self.shown.setdefault(self._open[-1], []).append(shown)


def _parse(page: pikepdf.Page) -> _PageMarks:
    """A page's marked content as pikepdf's parser reads it: the authority `_scan` agrees with."""
    marks = _PageMarks()
    # Only the operators read here come back from the parser: a page draws many more,
    # and making a Python object of each would cost more than the rest of the repair.
    for operands, operator in pikepdf.parse_content_stream(page, _MARK_OPERATORS):
        op = str(operator)
        if op == "BDC":
            marks.begin(_mcid(operands))
        elif op == "BMC":
            marks.begin(None)
        elif op == "EMC":
            marks.end()
        else:                                           # one of _TEXT_SHOWING
            marks.show(_shown_bytes(operands))
    return marks


_SPACE = rb"[\0\t\n\f\r ]"                              # whitespace (ISO 32000-1, 7.2.2)
_REGULAR = rb"[^\0\t\n\f\r ()<>\[\]{}/%]"               # neither whitespace nor a delimiter
_HEX_DIGITS = rb"(?:[0-9A-Fa-f][0-9A-Fa-f])*+"          # no space, and no odd digit (qpdf pads it)
_HEX_STRING = b"<" + _HEX_DIGITS + b">"
_NUMBER = rb"-?[0-9]++(?:\.[0-9]++)?(?!" + _REGULAR + rb")"     # `5-3` is one bad token, not two


def _operator(name: bytes) -> bytes:
    """A pattern for the operator `name` as a whole token: not part of a longer word (`xBDC`,
    `BDCx`) nor a name (`/BDC`). The look-behinds come after the word so that every pattern
    of `_SCAN` begins with a literal byte, which lets `re` skip to where one can match."""
    word = re.escape(name)
    return word + rb"(?<!/" + word + rb")(?<!" + _REGULAR + word + rb")(?!" + _REGULAR + rb")"


_SHOWN_BY = _SPACE + rb"*+(?:" + b"|".join(_operator(op.encode()) for op in sorted(_TEXT_SHOWING)) + rb")"
# What WeasyPrint writes, each read whole, in order (the groups say which was found):
_SCAN = re.compile(b"|".join([
    # text shown by an array of strings and numbers, `[<0028>0<0044>] TJ`, or by one string,
    # `<0028> Tj`. Operands before them (a `"` has two numbers) are not read: `_scan_bytes`
    # proves they are no string or array, all that `_shown_bytes` would take from them
    rb"\[(?P<array>(?:" + _HEX_STRING + b"|" + _NUMBER + b"|" + _SPACE + rb")*+)\]" + _SHOWN_BY,
    b"<(?P<string>" + _HEX_DIGITS + b")>" + _SHOWN_BY,
    # an array of numbers only: a dash pattern, `[6 3] 0 d`
    rb"\[(?P<numbers>(?:" + _NUMBER + b"|" + _SPACE + rb")*+)\]",
    # a marked-content sequence with an MCID, `/Span <</MCID 3>> BDC`
    b"/" + _REGULAR + b"++" + _SPACE + b"*+<<" + _SPACE + b"*+/MCID" + _SPACE + rb"++(?P<mcid>[0-9]++)"
    + _SPACE + b"*+>>" + _SPACE + b"*+" + _operator(b"BDC"),
    # an operator alone: BMC and EMC need no more; any other is in a form not read here, and
    # inline image data (after BI, or ID alone) can hold any bytes at all
    *(_operator(op) for op in (b"BMC", b"EMC", b"BDC", b"TJ", b"Tj", b"'", b'"', b"BI", b"ID", b"EI")),
]))
_DIGITS_OF_STRINGS = re.compile(rb"<([0-9A-Fa-f]*)>")
# Literal strings and comments can hold anything (`(BDC)`, `% EMC`); qpdf reads braces as bad
# tokens, and a vertical tab as whitespace where the standard has a regular character.
_UNREAD = (b"(", b")", b"%", b"{", b"}", b"\v")


def _scan(page: pikepdf.Page) -> _PageMarks | None:
    """A page's marked content read from its content bytes, exactly as `_parse` would read it;
    None when the bytes are not in a form `_scan_bytes` can prove that for."""
    contents = page.obj.get("/Contents")
    if not isinstance(contents, pikepdf.Stream):        # an array of streams, or none
        return None
    return _scan_bytes(contents.read_bytes())


def _scan_bytes(data: bytes) -> _PageMarks | None:
    """The marked content of a content stream, from the matches of `_SCAN`, or None. It is what
    the parser reads when:

    - nothing hides an operator or shows one that is not there: no `_UNREAD` byte, no inline
      image;
    - every BDC, BMC, EMC, TJ, Tj, ' and " is a match in the form read here, and every BDC
      follows an operator, so that its operands are the name and dictionary matched;
    - every byte < > [ ] is inside a match. Outside the matches there is then no string, array
      or dictionary to be inside of, only names, numbers and operators, so the parser reads
      each match as the tokens the pattern saw.
    """
    if any(byte in data for byte in _UNREAD):
        return None
    marks = _PageMarks(data)
    brackets = 0                                        # the bytes < > [ ] inside the matches
    for match in _SCAN.finditer(data):
        kind = match.lastgroup
        if kind == "array":
            strings = _DIGITS_OF_STRINGS.findall(match["array"])
            marks.show(binascii.unhexlify(b"".join(strings)))
            brackets += 2 + 2 * len(strings)
        elif kind == "string":
            marks.show(binascii.unhexlify(match["string"]))
            brackets += 2
        elif kind == "numbers":
            brackets += 2
        elif kind == "mcid":
            if not _after_operator(data, match.start()):
                return None
            marks.begin(int(match["mcid"]))
            marks.bdc_spans.append(match.span())
            brackets += 4
        elif match[0] == b"BMC":
            marks.begin(None)
        elif match[0] == b"EMC":
            marks.end()
        else:                                           # a BDC, a text operator or an inline image
            return None                                 # in a form the patterns do not read
    if brackets != sum(data.count(bracket) for bracket in (b"<", b">", b"[", b"]")):
        return None
    return marks


_WHITESPACE = frozenset(b"\0\t\n\f\r ")
_NOT_REGULAR = _WHITESPACE | frozenset(b"()<>[]{}/%")
# A word the parser takes for an operator (`Q`, `T*`, `'`); a number, or anything odd, is not
# taken for one here, so that a BDC after it is refused.
_OPERATOR_WORD = re.compile(rb"[A-Za-z'\"*]" + _REGULAR + rb"*")


def _after_operator(data: bytes, start: int) -> bool:
    """Whether the token before data[start] is an operator, or there is none. The parser gives
    an operator every operand since the operator before it: `1 /Span <</MCID 3>> BDC` has three,
    and `_mcid`, which reads the second, finds no MCID where the pattern saw one."""
    end = start
    while end > 0 and data[end - 1] in _WHITESPACE:
        end -= 1
    begin = end
    while begin > 0 and data[begin - 1] not in _NOT_REGULAR:
        begin -= 1
    if begin == end:                                    # the stream's start, or a `]`, `>>` ...
        return end == 0
    if begin > 0 and data[begin - 1] == ord("/"):       # a name
        return False
    word = data[begin:end]
    return word not in (b"true", b"false", b"null") and _OPERATOR_WORD.fullmatch(word) is not None


def _mcid(operands) -> int | None:
    """The MCID of a BDC's properties (`/Span <</MCID 3>> BDC`), if it has one."""
    props = operands[1] if len(operands) > 1 else None
    return int(props.MCID) if isinstance(props, Dictionary) and "/MCID" in props else None


def _shown_bytes(operands) -> bytes:
    parts = []
    for operand in operands:
        if isinstance(operand, Array):
            parts.extend(bytes(x) for x in operand if isinstance(x, String))
        elif isinstance(operand, String):
            parts.append(bytes(operand))
    return b"".join(parts)


def _number_tree(node: object) -> dict[int, object]:
    """A number tree (/Nums, /Kids) flattened to a dict."""
    found: dict[int, object] = {}
    if not isinstance(node, Dictionary):
        return found
    nums = node.get("/Nums")
    if isinstance(nums, Array):
        for i in range(0, len(nums) - 1, 2):
            found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", Array()):
        found.update(_number_tree(kid))
    return found
