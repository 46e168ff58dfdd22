"""WeasyPrint on its own, on exactly the HTML our PDF renderer hands it: the PDF floor.

    python -m bench.weasy_direct ROOT --as-of DATE

1. Builds ROOT's PDFs in this process with one job and no reused layouts
   (`build_site(..., pdf=True, jobs=1, reuse_layouts=False)`)
   while `weasyprint.HTML` is wrapped to record every document our renderer lays out:
   its HTML (string, file or URL), base URL and the stylesheets passed to `render`.
2. Renders each recorded document again with plain WeasyPrint -- `HTML(...).render()`
   with the same stylesheets, WeasyPrint's default URL fetcher, no merging, no stamping,
   no caching -- one after another, and writes it twice, timing each part:
   - `write_pdf()`, WeasyPrint's defaults: an untagged PDF ("plain");
   - `write_pdf(**the options our renderer passed)`: the same tagged PDF/UA-1 variant
     ("same options"). That is the fair floor for the target: our papers must be
     tagged, and WeasyPrint's own tagging is WeasyPrint's cost, not ours.

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
import shutil
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
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    args = parser.parse_args(argv)
    try:
        import generator.render.papers  # noqa: F401
    except ImportError as exc:
        return _unavailable(f"the PDF renderer is not available yet ({exc})")
    import weasyprint

    from generator.build import BuildOptions, build_site
    from generator.model.types import LONDON

    recorded: list[tuple[tuple, dict, dict]] = []
    write_options: dict[int, dict] = {}          # recorded document -> its write_pdf options
    original_init = weasyprint.HTML.__init__
    original_render = weasyprint.HTML.render
    original_write = weasyprint.Document.write_pdf

    def init(self, *a, **kw):
        self._bench_source = (a, dict(kw))
        original_init(self, *a, **kw)

    def render(self, *a, **kw):
        source = getattr(self, "_bench_source", None)
        document = original_render(self, *a, **kw)
        if source is not None:
            recorded.append((source[0], source[1], {"args": a, **kw}))
            document._bench_index = len(recorded) - 1
        return document

    def write_pdf(self, *a, **kw):
        index = getattr(self, "_bench_index", None)
        if index is not None and not a:
            write_options[index] = {k: v for k, v in kw.items() if k not in ("target",)}
        return original_write(self, *a, **kw)

    weasyprint.HTML.__init__ = init
    weasyprint.HTML.render = render
    weasyprint.Document.write_pdf = write_pdf
    out = Path(tempfile.mkdtemp(prefix="weasy-direct-"))
    try:
        now = dt.datetime.combine(args.as_of, dt.time(23, 59, 59), tzinfo=LONDON)
        # reuse_layouts=False: the harness's own PDF builds have just filled .cache/ with these
        # documents' layouts, and a cached layout never reaches WeasyPrint to be recorded.
        options = BuildOptions(root=args.root.resolve(), output=out / "site", as_of=args.as_of, now=now,
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
        weasyprint.HTML.render = original_render
        weasyprint.Document.write_pdf = original_write
        shutil.rmtree(out, ignore_errors=True)
    if not recorded:
        return _unavailable("no WeasyPrint document was laid out in this process (rendered in workers?); "
                            "a hook returning each paper's HTML would let this compare")

    pages = 0
    laying_out = writing_plain = writing_same = 0.0
    for index, (init_args, init_kwargs, render_kwargs) in enumerate(recorded):
        init_kwargs = {k: v for k, v in init_kwargs.items() if k != "url_fetcher"}
        render_args = render_kwargs.pop("args", ())
        started = time.perf_counter()
        document = weasyprint.HTML(*init_args, **init_kwargs).render(*render_args, **render_kwargs)
        laying_out += time.perf_counter() - started
        started = time.perf_counter()
        document.write_pdf()
        writing_plain += time.perf_counter() - started
        started = time.perf_counter()
        document.write_pdf(**write_options.get(index, {}))
        writing_same += time.perf_counter() - started
        pages += len(document.pages)
    same, plain = laying_out + writing_same, laying_out + writing_plain
    print(json.dumps({"available": True, "documents": len(recorded), "pages": pages,
                      "seconds": same, "seconds_per_page": same / pages if pages else None,
                      "options": sorted({k for options in write_options.values() for k in options}),
                      "plain_seconds": plain, "plain_seconds_per_page": plain / pages if pages else None,
                      "our_build_in_process_seconds": ours}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
