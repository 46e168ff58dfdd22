"""Publication audit: what each output file contains, and whether anything withheld leaked.

It reads an output folder as a stranger would (search-index files opened, PDFs read as
text) and looks for the fingerprints of everything that must not be public at the audit
moment: draft and embargoed records (their ids in links, their titles, their sentences)
and exempt appendices' attachments. It trusts nothing the build wrote about itself.
"""

from __future__ import annotations

import gzip
import html
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from generator.plan.outputs import Plan
from generator.resolve.corpus import Corpus

MIN_SENTENCE = 32      # shorter fragments ("Good", "The Board") are too common to mean a leak


@dataclass(frozen=True)
class Leak:
    file: str
    record: str           # kind:id or attachment path
    reason: str           # why it must not be there
    evidence: str         # the text found


@dataclass(frozen=True)
class AuditResult:
    files: dict[str, tuple[str, ...]]     # output file -> records it contains
    leaks: tuple[Leak, ...]


def _readable(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            pass
    elif path.suffix == ".pdf":
        return _pdf_text(data)
    elif data[:1] == b"\x78":
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
    return data.decode("utf-8", errors="replace")


def _pdf_text(data: bytes) -> str:
    try:
        import io

        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        title = (reader.metadata or {}).get("/Title", "")
        return f"{title}\n{text}"
    except Exception as exc:          # an unreadable PDF is itself worth reporting
        return f"<unreadable PDF: {exc}>"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _sentences(*texts: str | None) -> list[str]:
    found = []
    for text in texts:
        for part in re.split(r"(?<=[.!?])\s+|\n+", text or ""):
            part = _normalise(re.sub(r"[*_`#>\[\]]", "", part)).strip()
            if len(part) >= MIN_SENTENCE:
                found.append(part[:120])
    return found


def _title(full: Corpus, kind: str, record_id: str) -> str | None:
    """The name a page would give a withheld record."""
    if kind == "inspection" and record_id in full.inspections:
        return full.inspections[record_id].title
    if kind == "action_plan" and record_id in full.action_plans:
        return full.action_plans[record_id].plan.title
    if kind == "report" and record_id in full.reports:
        return full.reports[record_id].front.title
    if kind == "meeting" and record_id in full.meetings:
        return full.meetings[record_id].title
    return None


def fingerprints(full: Corpus, public_plan: Plan) -> dict[str, tuple[str, list[str]]]:
    """record -> (reason, strings that must not appear) for everything withheld or exempt."""
    marks: dict[str, tuple[str, list[str]]] = {}
    public = public_plan.corpus
    public_titles = {*(v.title for v in public.inspections.values()),
                     *(v.plan.title for v in public.action_plans.values()),
                     *(v.front.title for v in public.reports.values()), *(v.title for v in public.meetings.values())}
    for item in public_plan.withheld:
        key = f"{item.kind}:{item.id}"
        strings = [f"/{item.id}/", f"{item.id}.pdf"]
        title = _title(full, item.kind, item.id)
        if title and title not in public_titles:      # a public record of the same name is no leak
            strings.append(_normalise(title))
        if item.kind == "inspection" and item.id in full.inspections:
            view = full.inspections[item.id]
            model = view.inspection
            texts = [model.introduction] + [r.text for r in view.recommendations]
            for findings in model.domains.values():
                texts += [findings.summary, *findings.strengths, *findings.areas_for_improvement]
            strings += _sentences(*texts)
        elif item.kind == "action_plan" and item.id in full.action_plans:
            plan = full.action_plans[item.id].plan
            strings += _sentences(plan.title, *[a.action for a in plan.actions], *[a.outcome for a in plan.actions])
        elif item.kind == "report" and item.id in full.reports:
            strings += _sentences(full.reports[item.id].body)
        marks[key] = (item.reason, strings)
    public_attachments = set()
    for meeting in public_plan.corpus.meetings.values():
        for agenda_item in meeting.items:
            for appendix in agenda_item.appendices:
                for kind, ref in appendix.parts:
                    if kind in ("markdown", "pdf") and not appendix.exempt:
                        public_attachments.add(ref)
    for meeting in full.meetings.values():
        for agenda_item in meeting.items:
            for appendix in agenda_item.appendices:
                if not appendix.exempt:
                    continue
                for kind, ref in appendix.parts:
                    attachment = full.attachments.get(ref)
                    if attachment is None or ref in public_attachments:
                        continue
                    text = attachment.text if attachment.text is not None else _pdf_text(attachment.raw or b"")
                    marks[f"attachment:{ref}"] = (
                        f"exempt (Schedule 12A paragraph {appendix.exempt})", _sentences(text))
    return marks


def audit_output(site: Path, full: Corpus, public_plan: Plan, contents: dict[str, tuple[str, ...]]
                 ) -> AuditResult:
    marks = fingerprints(full, public_plan)
    leaks = []
    files: dict[str, tuple[str, ...]] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = path.relative_to(site).as_posix()
        files[relative] = contents.get(relative, ())
        if path.suffix in (".css", ".js", ".png", ".svg", ".woff", ".woff2", ".wasm") or \
                relative.startswith("pagefind/") and path.suffix in (".js", ".css", ".wasm"):
            continue
        text = _readable(path)
        text = _normalise(text if path.suffix == ".pdf" else html.unescape(text))
        for record, (reason, strings) in marks.items():
            for needle in strings:
                if needle in text:
                    leaks.append(Leak(relative, record, reason, needle))
                    break
    return AuditResult(files, tuple(leaks))
