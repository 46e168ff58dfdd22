"""WeasyPrint on its own, on exactly the HTML our PDF renderer hands it: the PDF floor.

    python -m bench.weasy_direct ROOT --as-of DATE

1. Builds ROOT's PDFs in this process with one job and no reused layouts
   (`build_site(..., pdf=True, jobs=1, reuse_layouts=False)`)
   while `weasyprint.HTML` and `weasyprint.CSS` are wrapped to record every document our
   renderer lays out: its HTML, base URL, stylesheets (their text) and write options.
2. Hands the recorded documents to a new process (`--alone FILE`), which imports WeasyPrint,
   makes one font configuration, parses each stylesheet once (as our renderer does), and
   renders each document with plain WeasyPrint -- `HTML(...).render()`, WeasyPrint's default
   URL fetcher, no merging, no stamping, no caching -- one after another, writing it twice
   and timing each part (the import and set-up count, once):
   - `write_pdf()`, WeasyPrint's defaults: an untagged PDF ("plain");
   - `write_pdf(**the options our renderer passed)`: the same tagged PDF/UA-1 variant
     ("same options"). That is the fair floor for the target: our papers must be
     tagged, and WeasyPrint's own tagging is WeasyPrint's cost, not ours.
   A new process because ours is one too (`scrutiny build`). Rendered here, after our own
   build, WeasyPrint paid no import but shared the heap that build left, and measured
   slower than in a process of its own (21.5-23.7 s against 19.3-21.1 s on the bench's
   subset): neither side's conditions, and flattering to ours.

Prints JSON: documents, pages, and for each of the two the seconds and seconds per page
(`seconds`/`seconds_per_page` are the same-options figures; `plain_*` the defaults). Our
own per-page cost comes from the -j 1 build the harness times separately; the target is
ours <= 1.1 x WeasyPrint's.

If the PDF renderer (generator/render/papers.py) is not there yet, or renders in other
processes even with one job (so nothing is recorded here), it says "available": false
and why, rather than failing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _unavailable(reason: str) -> int:
    print(json.dumps({"available": False, "reason": reason}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.weasy_direct")
    parser.add_argument("root", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat)
    parser.add_argument("--alone", action="store_true", help="ROOT is a file of recorded documents: render them")
    args = parser.parse_args(argv)
    if args.alone:
        return render_alone(args.root)
    if args.as_of is None:
        parser.error("--as-of is required")
    try:
        import generator.render.papers  # noqa: F401
    except ImportError as exc:
        return _unavailable(f"the PDF renderer is not available yet ({exc})")
    import weasyprint

    from generator.build import BuildOptions, build_site
    from generator.model.types import LONDON

    recorded: list[dict] = []                     # each document: its HTML, base URL, stylesheets, options
    stylesheets: dict[int, tuple[str, str]] = {}  # id of a CSS object -> (its text, its base URL)
    original_init = weasyprint.HTML.__init__
    original_css_init = weasyprint.CSS.__init__
    original_render = weasyprint.HTML.render
    original_write = weasyprint.Document.write_pdf

    def init(self, *a, **kw):
        self._bench_source = {"html": kw.get("string"), "base_url": kw.get("base_url")}
        original_init(self, *a, **kw)

    def css_init(self, *a, **kw):
        original_css_init(self, *a, **kw)
        if kw.get("string") is not None:
            stylesheets[id(self)] = (kw["string"], kw.get("base_url"))

    def render(self, *a, **kw):
        document = original_render(self, *a, **kw)
        source = getattr(self, "_bench_source", None)
        if source is not None and source["html"] is not None:
            source["stylesheets"] = [stylesheets.get(id(c)) for c in kw.get("stylesheets") or ()]
            recorded.append(source)
            document._bench_index = len(recorded) - 1
        return document

    def write_pdf(self, *a, **kw):
        index = getattr(self, "_bench_index", None)
        if index is not None and not a:
            recorded[index]["options"] = {k: v for k, v in kw.items() if k not in ("target",)}
        return original_write(self, *a, **kw)

    weasyprint.HTML.__init__ = init
    weasyprint.CSS.__init__ = css_init
    weasyprint.HTML.render = render
    weasyprint.Document.write_pdf = write_pdf
    out = Path(tempfile.mkdtemp(prefix="weasy-direct-"))
    try:
        now = dt.datetime.combine(args.as_of, dt.time(23, 59, 59), tzinfo=LONDON)
        # reuse_layouts=False: the harness's own PDF builds have just filled .cache/ with these
        # documents' layouts, and a cached layout never reaches WeasyPrint to be recorded.
        options = BuildOptions(root=args.root.resolve(), output=out / "site", now=now,
                               pdf=True, jobs=1, search=False, reuse_layouts=False)
        started = time.perf_counter()
        report = build_site(options)
        ours = time.perf_counter() - started
        if not report.ok:
            return _unavailable("the content has errors")
    except Exception as exc:       # the renderer is being written: report, don't crash the harness
        return _unavailable(f"our PDF build failed: {type(exc).__name__}: {exc}")
    finally:
        weasyprint.HTML.__init__ = original_init
        weasyprint.CSS.__init__ = original_css_init
        weasyprint.HTML.render = original_render
        weasyprint.Document.write_pdf = original_write
    if not recorded:
        shutil.rmtree(out, ignore_errors=True)
        return _unavailable("no WeasyPrint document was laid out in this process (rendered in workers?); "
                            "a hook returning each paper's HTML would let this compare")
    if any(None in doc["stylesheets"] for doc in recorded):
        shutil.rmtree(out, ignore_errors=True)
        return _unavailable("a stylesheet was not made from a string, so it cannot be handed on")
    # WeasyPrint alone runs in a new process, as our own `scrutiny build` does: both pay the
    # import and every first use (fonts, Pango), and neither finds the other's warm caches.
    documents = out / "documents.pickle"
    documents.write_bytes(pickle.dumps(recorded))
    alone = subprocess.run([sys.executable, "-m", "bench.weasy_direct", "--alone", str(documents)],
                           capture_output=True, text=True)
    shutil.rmtree(out, ignore_errors=True)
    try:
        found = json.loads(alone.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return _unavailable(f"WeasyPrint alone failed: {alone.stderr[-500:]}")
    print(json.dumps({"available": True, **found, "our_build_in_process_seconds": ours}))
    return 0


def render_alone(documents: Path) -> int:
    """Lay out and write the recorded documents with plain WeasyPrint, in this new process:
    the import, one font configuration and each stylesheet parsed once (as our renderer
    does), then each document laid out and written twice, timing each part."""
    recorded = pickle.loads(documents.read_bytes())
    started = time.perf_counter()
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    parsed: dict[tuple[str, str], object] = {}
    setting_up = time.perf_counter() - started
    pages = 0
    laying_out = writing_plain = writing_same = 0.0
    for doc in recorded:
        started = time.perf_counter()
        sheets = []
        for text, base_url in doc["stylesheets"]:
            if (text, base_url) not in parsed:
                parsed[(text, base_url)] = weasyprint.CSS(string=text, base_url=base_url, font_config=font_config)
            sheets.append(parsed[(text, base_url)])
        document = weasyprint.HTML(string=doc["html"], base_url=doc["base_url"]).render(
            font_config=font_config, stylesheets=sheets)
        laying_out += time.perf_counter() - started
        started = time.perf_counter()
        document.write_pdf()
        writing_plain += time.perf_counter() - started
        started = time.perf_counter()
        document.write_pdf(**doc.get("options", {}))
        writing_same += time.perf_counter() - started
        pages += len(document.pages)
    same, plain = setting_up + laying_out + writing_same, setting_up + laying_out + writing_plain
    print(json.dumps({"documents": len(recorded), "pages": pages,
                      "seconds": same, "seconds_per_page": same / pages if pages else None,
                      "options": sorted({k for doc in recorded for k in doc.get("options", {})}),
                      "plain_seconds": plain, "plain_seconds_per_page": plain / pages if pages else None,
                      "import_seconds": setting_up}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
