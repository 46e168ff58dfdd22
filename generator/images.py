"""Images that reach the site and the papers: what their bytes are, and SVG made safe.

Images enter as files under content/attachments: a council's `logo:` (copied into the site
and drawn on its papers) and the images Markdown points at (drawn on papers, and copied into
the site while a public page draws one: `shown_images`). Both come through the resolve stage,
which asks this module about every image attachment:

- **Raster images** are what their name says: a file's first bytes ("magic numbers") name
  its format (PNG: the 8-byte signature of RFC 2083 / ISO 15948 section 5.2; JPEG: the SOI
  marker FF D8 FF; GIF: "GIF87a"/"GIF89a"; WebP: a RIFF header with "WEBP").
- **SVG** is a document that a browser runs when it is opened on its own: scripts, event
  handlers and links there run with the site's origin. A logo is wanted, not refused, so
  `sanitise_svg` removes what could run or fetch (each removal is a warning at its line)
  and gives the bytes to publish; everything else is kept byte for byte. It refuses, as an
  error, only what it cannot read safely: a DOCTYPE (whose DTD may declare entities: the
  "billion laughs"), text that is not well-formed XML, or a file whose root is not <svg>.
  What it removes (after OWASP's XSS prevention advice and the SVG 1.1/2 element index):
  <script>, <foreignObject> (HTML inside SVG), <iframe>, <object>, <embed> and similar;
  animations that set a link or a handler; every `on*` attribute; every `href`, `xlink:href`
  or `src` other than an internal `#id` or an embedded PNG or JPEG (`data:image/png;base64,`);
  CSS (a `style` attribute or element, or any attribute's `url(...)`) with an `@import`,
  an escape, or a `url()` other than those; processing instructions (`<?xml-stylesheet?>`).

Pure functions: bytes in, (bytes, problems) out. The build publishes the bytes given here
(`resolve` keeps them as the attachment's), and the PDF fetcher sanitises the same way.
"""

from __future__ import annotations

import re
import xml.parsers.expat as expat
from functools import lru_cache
from html.parser import HTMLParser

import nh3

from generator.markdown_limits import converted_html
from generator.problems import Problem, Severity

# What a file's name promises, and the formats its bytes may then be.
IMAGE_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WebP", ".svg": "SVG"}
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")      # what the site copies and shows as a logo
# An image a text shows: always a path under content/ (`resolver.check_markdown_targets` refuses others).
_IMAGE_PATH = re.compile(r"attachments/[^\s()\[\]<>\"']+?\.(?:png|jpe?g|gif|webp|svg)(?![\w.-])", re.IGNORECASE)
_REMOVED_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "frame", "frameset", "object", "embed",
                               "applet", "handler", "listener", "base", "meta", "link"})
_ANIMATIONS = frozenset({"animate", "set", "animatemotion", "animatetransform", "animatecolor"})
_REFERENCES = frozenset({"href", "src"})
_SAFE_DATA = re.compile(r"data:image/(?:png|jpe?g);base64,[a-z0-9+/=\s]*", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_ATTRIBUTE = re.compile(rb"""\s+([^\s=/>]+)\s*=\s*(?:"[^"]*"|'[^']*')""")


def image_paths(text: str | None) -> set[str]:
    """The images under content/attachments/ a Markdown or HTML text names."""
    return set(_IMAGE_PATH.findall(text or ""))


def shown_images(text: str | None) -> set[str]:
    """The images under content/attachments/ a Markdown or HTML text draws (as an image, not
    a link, a word, code or a comment): the ones a page showing the text needs published.

    Read from the HTML Python-Markdown makes of the text, as the pages' renderer
    (`render.markdown`) does: a pattern over the source also took `![x](attachments/a.png)`
    in a code span, a code block, an HTML comment or after a backslash, and a reference
    definition no image uses, none of which a page draws."""
    if not text or "attachments/" not in text:
        return set()
    return {path for source in drawn_sources(text) if (path := _attachment_path(source))}


def drawn_sources(text: str) -> list[str]:
    """The source of every image a Markdown or HTML text draws, as the pages' renderer reads
    it, wherever it points (the check refuses those from outside content/)."""
    found = _ImageSources()
    found.feed(_images_of(text.strip()))        # the renderer reads every field stripped
    found.close()
    return found.sources


@lru_cache(maxsize=4096)
def _images_of(text: str) -> str:
    """The <img> elements of the HTML pages show of `text`, as nh3 parses it there: one inside
    a <textarea> or <xmp> is words."""
    return nh3.clean(converted_html(text), tags={"img"}, attributes={"img": {"src"}}, strip_comments=True)


class _ImageSources(HTMLParser):
    """The src of each <img> of an HTML text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources += [value for name, value in attrs if name == "src" and value]

    handle_startendtag = handle_starttag


def _attachment_path(source: str) -> str | None:
    """An <img>'s src as the path under content/ of an image attachment, or None."""
    path = source.strip().removeprefix("./")
    return path if _IMAGE_PATH.fullmatch(path) else None


def image_format(data: bytes) -> str | None:
    """The format `data` is, by its first bytes: PNG, JPEG, GIF, WebP, SVG, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:65536]:
        return "SVG"
    return None


def format_problem(path: str, data: bytes) -> str | None:
    """For a file whose name says it is an image: what is wrong when its bytes are not that
    image, or None."""
    promised = IMAGE_SUFFIXES.get(path[path.rfind("."):].lower())
    found = image_format(data)
    if promised is None or found == promised:
        return None
    what = f"a {found} image" if found else "no image format Scrutiny knows"
    return f"the file is named as a {promised} image, but its bytes are {what}"


class _Refusal(Exception):
    def __init__(self, line: int, column: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint


def _safe_reference(value: str) -> bool:
    target = value.strip(" \t\n\r\f")
    return target.startswith("#") or _SAFE_DATA.fullmatch(target) is not None


def _safe_css(text: str) -> bool:
    lowered = text.lower()
    if "\\" in text or "@import" in lowered or "expression(" in lowered or "javascript:" in lowered:
        return False
    urls = list(_CSS_URL.finditer(text))
    return len(urls) == lowered.count("url(") and all(_safe_reference(u.group(2)) for u in urls)


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1].lower()


def _unsafe_attributes(attributes: dict[str, str]) -> dict[str, str]:
    """The attributes to remove from an element, with why."""
    unsafe = {}
    for name, value in attributes.items():
        local = _local(name)
        if local.startswith("on"):
            unsafe[name] = "an event handler runs script"
        elif local in _REFERENCES and not _safe_reference(value):
            unsafe[name] = "it refers outside the image, which may run script or fetch from the network"
        elif (local == "style" or "url(" in value.lower()) and not _safe_css(value):
            unsafe[name] = "its CSS refers outside the image or imports another style sheet"
    return unsafe


class _Sanitiser:
    """One pass of expat over the SVG, noting the byte ranges to cut and why."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.cuts: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int, str]] = []      # (line, column, what and why)
        self.open: list[tuple[str, int, int, int, bool]] = []   # (name, start byte, line, column, removed)
        self.inside_removed = 0
        self.style_text: list[str] | None = None
        self.root: str | None = None
        parser = self.parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.ExternalEntityRefHandler = self._entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.ProcessingInstructionHandler = self._instruction

    def where(self) -> tuple[int, int]:
        return self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1

    def _doctype(self, *_) -> None:
        at = self.data.rfind(b"<!DOCTYPE", 0, self.parser.CurrentByteIndex + 1)
        line, column = (self.data.count(b"\n", 0, at) + 1, at - self.data.rfind(b"\n", 0, at)) if at >= 0 \
            else self.where()
        raise _Refusal(line, column, "the SVG file has a DOCTYPE, whose DTD may define entities; it is not read",
                       "delete the <!DOCTYPE ...> line: an SVG image needs none")

    def _entity(self, *_) -> None:
        raise _Refusal(*self.where(), "the SVG file defines or uses an external entity; it is not read",
                       "save the image again without a DTD")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        start = self.parser.CurrentByteIndex
        line, column = self.where()
        if self.root is None:
            self.root = name
        if self.inside_removed:
            self.inside_removed += 1
            self.open.append((name, start, line, column, True))
            return
        local = _local(name)
        why = None
        if local in _REMOVED_ELEMENTS:
            why = "it may run script or load another document"
        elif local in _ANIMATIONS:
            target = _local(next((v for k, v in attributes.items() if _local(k) == "attributename"), ""))
            if target in _REFERENCES or target.startswith("on"):
                why = "an animation that sets a link or an event handler may run script"
        elif local == "style":
            self.style_text = []
        if why:
            self.removed.append((line, column, f"a <{name}> element was removed: {why}"))
            self.inside_removed = 1
            self.open.append((name, start, line, column, True))
            return
        self.open.append((name, start, line, column, False))
        unsafe = _unsafe_attributes(attributes)
        if unsafe:
            tag = _START_TAG.match(self.data, start)
            for found in _ATTRIBUTE.finditer(self.data, start + 1, tag.end()):      # after the name
                written = found.group(1).decode("utf-8", "replace")
                if written in unsafe:
                    self.cuts.append((found.start(), found.end()))
                    self.removed.append((line, column, f"the {written} attribute of <{name}> was removed: "
                                                       f"{unsafe[written]}"))

    def _element_end(self) -> int:
        """Where the element just ended ends: expat gives the start of an end tag, or the end
        of an empty element's tag (<x/>)."""
        here = self.parser.CurrentByteIndex
        return self.data.index(b">", here) + 1 if self.data.startswith(b"</", here) else here

    def _end(self, name: str) -> None:
        _, start, line, column, removed = self.open.pop()
        if removed:
            self.inside_removed -= 1
            if not self.inside_removed:
                self.cuts.append((start, self._element_end()))
            return
        if self.style_text is not None and _local(name) == "style":
            css, self.style_text = "".join(self.style_text), None
            if not _safe_css(css):
                self.removed.append((line, column, f"a <{name}> element was removed: its CSS refers outside "
                                                   "the image or imports another style sheet"))
                self.cuts.append((start, self._element_end()))

    def _text(self, text: str) -> None:
        if self.style_text is not None and not self.inside_removed:
            self.style_text.append(text)

    def _instruction(self, target: str, _data: str) -> None:
        if self.inside_removed:
            return
        start = self.parser.CurrentByteIndex
        line, column = self.where()
        self.removed.append((line, column, f"the processing instruction <?{target} ...?> was removed: "
                                           "it may load a style sheet from elsewhere"))
        self.cuts.append((start, self.data.index(b"?>", start) + 2))

    def run(self) -> tuple[bytes, list[tuple[int, int, str]]]:
        if self.data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _Refusal(1, 1, "the SVG file is UTF-16 text", "save it as UTF-8")
        try:
            self.parser.Parse(self.data, True)
        except expat.ExpatError as exc:
            raise _Refusal(exc.lineno, exc.offset + 1, f"the SVG file is not well-formed XML "
                           f"({expat.ErrorString(exc.code)})", "open it in an image editor and save it again")
        if self.root is None or _local(self.root) != "svg":
            raise _Refusal(1, 1, f"the file is not an SVG image (its first element is <{self.root}>)",
                           "export the logo as SVG, PNG or JPEG")
        kept, position = [], 0
        for start, end in sorted(self.cuts):       # an attribute's cut may lie inside an element's
            kept.append(self.data[position:max(start, position)])
            position = max(position, end)
        kept.append(self.data[position:])
        return b"".join(kept), self.removed


def published_image(path: str, data: bytes) -> tuple[bytes | None, list[Problem]]:
    """An image attachment as it is published: an SVG sanitised (`sanitise_svg`), a raster
    image as it is once its bytes are the format its name says (else an error about the
    file), any other file as it is."""
    suffix = path[path.rfind("."):].lower()
    if suffix == ".svg":
        return sanitise_svg(data, path)
    wrong = format_problem(path, data)
    if wrong:
        return None, [Problem(path, 1, 1, Severity.ERROR, "", wrong,
                              f"save the image as {IMAGE_SUFFIXES[suffix]}, or give the file the name its format has")]
    return data, []


def sanitise_svg(data: bytes, path: str) -> tuple[bytes | None, list[Problem]]:
    """The SVG to publish, with everything that could run or fetch removed (a warning at the
    line of each removal), or None and the error when it cannot be read safely. An SVG with
    nothing to remove comes back as the very same bytes."""
    try:
        cleaned, removed = _Sanitiser(data).run()
        if removed and _Sanitiser(cleaned).run()[1]:
            raise _Refusal(1, 1, "the SVG file could not be made safe to publish",
                           "save it again from an image editor, without scripts or links")
    except _Refusal as refusal:
        return None, [Problem(path, refusal.line, refusal.column, Severity.ERROR, "", refusal.message,
                              refusal.hint)]
    hint = "the image is published without it; remove it from the file to see no warning"
    return cleaned if removed else data, [Problem(path, line, column, Severity.WARNING, "", what, hint)
                                          for line, column, what in removed]
