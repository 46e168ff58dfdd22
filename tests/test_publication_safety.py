"""Nothing withheld goes live, whatever happens around a build (issue 23).

A draft or an embargoed record must never reach output/site: not through a rehearsal
(`--as-of` later than now), not through two builds that overlap, not because a dependency
changed under a reused page, not through a link that leads out of the site, and not after
any sequence of edits and builds. The reference throughout is a cold build: the site a
first build of the same content (same moment, same code) makes in a folder of its own.

The real-process tests run `scrutiny` and `tools/publish` as cron runs them, with this
repository's code first on PYTHONPATH (so that they build with the code under test).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import importlib
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from generator.build import build_site
from generator.cli import cli
from generator.plan.state import BuildOptions
from generator.write import lock_path
from leak_helpers import SENTINEL, files_containing, plant_embargoed_inspection
from site_helpers import REPO, all_files, build, copy_site

LONDON = ZoneInfo("Europe/London")


# --- The one place that knows how the tool fingerprints its code and its dependencies -------
# A page a build reuses must have been made by the same code: the generator's AND its
# dependencies' (a patched Markdown renders the same text differently). The randomized test
# stands in for "a dependency changed" in-process: it changes how Markdown renders and
# makes the fingerprint function return something else.
#   On 6239a20 that function is generator.manifest.tool_digest (lru_cached, no arguments).
#   After the rewrite it is `environment_digest`, in a module not known yet: change the one
#   line marked below. (If other modules import it by name, patch it where they look it up.)
def patch_dependency_fingerprint(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    module, name = importlib.import_module("generator.fingerprint"), "tool_digest"   # <- this line
    original = getattr(module, name)

    def fingerprint(*args, **kwargs):
        value = original(*args, **kwargs)
        return value + marker.encode() if isinstance(value, bytes) else f"{value}|{marker}"

    monkeypatch.setattr(module, name, fingerprint)
# ---------------------------------------------------------------------------------------------


SCRIPT = Path(sys.executable).with_name("scrutiny")          # .venv/bin/scrutiny, as cron runs it
SCRUTINY = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "generator"]
PUBLISH = REPO / "tools" / "publish"


def process_env(*first: Path) -> dict[str, str]:
    """The environment for a real `scrutiny`: `first` folders, then this repository, first on
    its PYTHONPATH; no build server (it would outlive the test); no bytecode written (a
    patched module is read again as it now is)."""
    paths = [*map(str, first), str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "SCRUTINY_BUILD_SERVER": "0",
            "PYTHONDONTWRITEBYTECODE": "1", "SCRUTINY": SCRUTINY[0] if len(SCRUTINY) == 1 else ""}


def scrutiny(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*SCRUTINY, "-C", str(root), *args], capture_output=True, text=True,
                          env=env or process_env(), timeout=300)


def last_line(text: str) -> str:
    """The last line a command said, without the site's path and the timings."""
    lines = text.strip().splitlines()
    line = lines[-1] if lines else "(nothing)"
    line = re.sub(r"^built \S+: ", "", line)
    return re.sub(r" \((check|total) [^)]*\)$", "", line)


def leak_lines(text: str, limit: int = 6, indent: str = "  ") -> str:
    found = [line for line in text.splitlines() if line.startswith("LEAK")]
    return f"\n{indent}".join(found[:limit] + ([f"... {len(found) - limit} more"] if len(found) > limit else []))


def differences(now: dict[str, bytes], reference: dict[str, bytes]) -> list[str]:
    """What differs from `reference`: files extra (+), missing (-) or changed (~)."""
    return ([f"+{p}" for p in sorted(set(now) - set(reference))] + [f"-{p}" for p in sorted(set(reference) - set(now))]
            + [f"~{p}" for p in sorted(set(now) & set(reference)) if now[p] != reference[p]])


def audit(root: Path, site: Path, as_of: str | None = None, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess:
    """`scrutiny check --audit SITE` (as a process), at `as_of` or now."""
    return scrutiny(root, "check", "--audit", str(site), *(["--as-of", as_of] if as_of else []), env=env)


# === 1. A rehearsal (--as-of later than now) never publishes early ===========================

def later_today() -> dt.datetime:
    """A release about 12 hours from now (London), on the same day while the day allows: a
    rehearsal and the live builds around it on one day is the everyday case (a release at
    09:30, rehearsed at 09:00), and the one a comparison of dates alone cannot tell apart."""
    now = dt.datetime.now(LONDON).replace(second=0, microsecond=0)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    left = midnight - now
    ahead = dt.timedelta(hours=12) if left > dt.timedelta(hours=12, minutes=5) else \
        left / 2 if left > dt.timedelta(minutes=6) else dt.timedelta(hours=12)
    return (now + ahead).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


def embargoed_site(tmp_path: Path) -> tuple[Path, str]:
    """The shipped content with an inspection (and its plan) embargoed until later today."""
    root = copy_site(tmp_path / "site")
    release = later_today()
    plant_embargoed_inspection(root, release)
    return root, f"{release:%Y-%m-%d %H:%M}"


QUICK = ("--no-pdf", "--no-search")


def test_a_rehearsal_with_a_later_as_of_never_touches_the_live_site(tmp_path):
    root, release = embargoed_site(tmp_path)
    site = root / "output" / "site"
    first = scrutiny(root, "build", *QUICK)
    assert first.returncode == 0, first.stderr
    assert files_containing(site, SENTINEL) == []
    live = all_files(site)

    rehearsal = scrutiny(root, "build", *QUICK, "--as-of", release)

    changed = differences(all_files(site), live)
    assert changed == [], (
        f"`scrutiny build --as-of '{release}'` (later than now, no -o) wrote the live folder output/site: "
        f"{len(changed)} files changed ({', '.join(changed[:6])}); the embargoed inspection is now live in "
        f"{files_containing(site, SENTINEL)[:6]} (it said: {last_line(rehearsal.stdout)})")
    assert rehearsal.returncode == 0, rehearsal.stderr
    # ... it builds the preview instead, where the release can be looked at
    preview = root / "output" / "preview"
    assert (preview / "inspections" / "torbay-2026" / "index.html").is_file(), \
        f"the rehearsal did not build output/preview/ (it said: {last_line(rehearsal.stdout)})"


def test_after_a_rehearsal_the_next_plain_build_still_withholds_the_embargoed_inspection(tmp_path):
    root, release = embargoed_site(tmp_path)
    site = root / "output" / "site"
    assert scrutiny(root, "build", *QUICK).returncode == 0
    assert scrutiny(root, "build", *QUICK, "--as-of", release).returncode == 0

    plain = scrutiny(root, "build", *QUICK)
    assert plain.returncode == 0, plain.stderr
    checked = audit(root, site)
    assert checked.returncode == 0 and "LEAK" not in checked.stderr, (
        f"after a rehearsal at {release}, the plain build said '{last_line(plain.stdout)}' and left the "
        f"embargoed inspection live; the audit found:\n  {leak_lines(checked.stderr)}")
    assert files_containing(site, SENTINEL) == []
    # and the site is the one a first build of this content makes now
    cold = tmp_path / "cold"
    shutil.copytree(root / "content", cold / "content")
    assert scrutiny(cold, "build", *QUICK).returncode == 0
    assert differences(all_files(site), all_files(cold / "output" / "site")) == []


@pytest.mark.parametrize("given_as", ["the live folder's path", "a link to the live folder"])
def test_a_rehearsal_aimed_at_the_live_folder_is_refused(tmp_path, given_as):
    root, release = embargoed_site(tmp_path)
    site = root / "output" / "site"
    assert scrutiny(root, "build", *QUICK).returncode == 0
    live = all_files(site)
    target = site
    if given_as == "a link to the live folder":
        target = tmp_path / "alias"
        target.symlink_to(site, target_is_directory=True)

    rehearsal = scrutiny(root, "build", *QUICK, "--as-of", release, "-o", str(target))

    changed = differences(all_files(site), live)
    assert changed == [], (
        f"`scrutiny build --as-of '{release}' -o {given_as}` wrote the live site (exit {rehearsal.returncode}): "
        f"the embargoed inspection is live in {files_containing(site, SENTINEL)[:6]}")
    assert rehearsal.returncode == 2, (rehearsal.returncode, rehearsal.stderr)
    assert rehearsal.stderr.strip() and "Traceback" not in rehearsal.stderr


def publish(root: Path, dest: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PUBLISH), "-C", str(root), "--no-pdf", "--quiet", *options, str(dest)],
                          capture_output=True, text=True, env=process_env(), timeout=300)


def test_a_publish_rehearsal_cannot_make_the_next_publish_release_an_embargoed_inspection_early(tmp_path):
    root, release = embargoed_site(tmp_path)
    live_dest, rehearsal_dest = tmp_path / "www", tmp_path / "rehearsal"
    first = publish(root, live_dest)
    assert first.returncode == 0, first.stderr
    assert files_containing(live_dest / "current", SENTINEL) == []

    rehearsal = publish(root, rehearsal_dest, "--as-of", release)
    assert rehearsal.returncode == 0, rehearsal.stderr
    assert (rehearsal_dest / "current" / "inspections" / "torbay-2026" / "index.html").is_file(), \
        "the rehearsal does not show the release it rehearses"

    again = publish(root, live_dest)
    assert again.returncode == 0, again.stderr
    checked = audit(root, live_dest / "current")
    assert checked.returncode == 0 and "LEAK" not in checked.stderr, (
        f"after `tools/publish --as-of '{release}' {rehearsal_dest.name}`, a plain `tools/publish` "
        f"({last_line(again.stdout)}) put the embargoed inspection live; the audit of "
        f"{live_dest.name}/current found:\n  {leak_lines(checked.stderr)}")
    assert files_containing(live_dest / "current", SENTINEL) == []


# === 2. Two overlapping builds never publish a withdrawn record ==============================

CORPUS_SIZE = 150           # a build of it reads ~500 files: about a second, time for another to start
OVERLAP_RUNS = 20
AS_OF = "2025-06-30"        # the corpus's own date: nothing of it is embargoed then
WITHDRAWN = "aa-withdrawn-2024"       # the first inspection read: a build reads it early on
WITHDRAWN_MARK = "WITHDRAWN-MARK-3309"
OVERLAP_BUILD = ("build", "-q", *QUICK, "--as-of", AS_OF)


def withdrawn_inspection(service: str, status: str) -> str:
    """An inspection of its own in the corpus, with sentences found nowhere else (the corpus's
    generated prose repeats itself across records, which the audit would take for leaks)."""
    return f"""\
service: {service}
framework: hmip-youth-2021
fieldwork: {{from: 2024-09-16, to: 2024-09-20}}
published: 2024-11-25
status: {status}
overall: {{rating: Good}}
introduction: The withdrawn inspection found {WITHDRAWN_MARK} improvements in every team.
domains:
  "1":
    summary: Governance of the {WITHDRAWN_MARK} partnership was stronger than before.
    strengths: [The {WITHDRAWN_MARK} Board met monthly and challenged its partners.]
standards:
  "1.1": Good
"""


@dataclass(frozen=True)
class Overlap:
    root: Path              # where every run builds (always this path: the manifests name it)
    pristine: Path          # the root as built with the inspection withdrawn, to start each run from
    service: str
    other: str              # the inspection edited with the withdrawal in half the runs
    cold: dict              # {edited other too?: the files a cold build of the final content makes}
    duration: float         # a build that publishes the inspection, alone


def save(path: Path, text: str) -> None:
    """Save as an editor that writes a new file and renames it over the old one: a build reads
    the old text or the new, never a half-written file (which is a content error at its line,
    and a build with one writes nothing: another test's promise, not this one's)."""
    temporary = path.parents[2] / (path.name + ".saving")       # the site's root: outside content/
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def edit_other(root: Path, other: str) -> None:
    path = root / "content" / "inspections" / other
    save(path, path.read_text(encoding="utf-8").replace("introduction: |\n", "introduction: |\n  Edited.\n", 1))


def restore(root: Path, pristine: Path, other: str) -> None:
    """Put the root back as it was after the build with the inspection withdrawn: its output
    (site, spare folder, manifests), the two inspections the runs change, and no parsed-record
    cache. (The other files are never changed: copying them again each run would cost more.)"""
    for name in ("output", ".cache"):
        shutil.rmtree(root / name, ignore_errors=True)
    shutil.copytree(pristine / "output", root / "output", symlinks=True)
    for name in (f"{WITHDRAWN}.yaml", other):
        shutil.copy2(pristine / "content" / "inspections" / name, root / "content" / "inspections" / name)


def set_withdrawn(root: Path, service: str, status: str) -> None:
    save(root / "content" / "inspections" / f"{WITHDRAWN}.yaml", withdrawn_inspection(service, status))


@pytest.fixture(scope="module")
def overlap(tmp_path_factory) -> Overlap:
    base = tmp_path_factory.mktemp("overlap")
    root, pristine = base / "live", base / "pristine"
    made = subprocess.run([sys.executable, "-m", "bench.corpus", str(CORPUS_SIZE), str(root)], cwd=REPO,
                          env=process_env(), capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    service = sorted((root / "content" / "services").glob("*.yaml"))[0].stem
    other = sorted(p.name for p in (root / "content" / "inspections").glob("*.yaml"))[-1]
    assert "introduction: |\n" in (root / "content" / "inspections" / other).read_text()
    set_withdrawn(root, service, "draft")
    built = scrutiny(root, *OVERLAP_BUILD)
    assert built.returncode == 0, built.stderr
    # Without the parsed-record cache a build reads every file again: slow enough to overlap.
    shutil.rmtree(root / ".cache")
    shutil.copytree(root, pristine, symlinks=True)
    cold = {False: all_files(root / "output" / "site")}           # that first build was a cold one
    edited = base / "cold-edited"
    shutil.copytree(root / "content", edited / "content")
    edit_other(edited, other)
    assert scrutiny(edited, *OVERLAP_BUILD).returncode == 0
    cold[True] = all_files(edited / "output" / "site")
    for state, folder in ((False, root), (True, edited)):    # the references themselves are clean
        checked = audit(folder, folder / "output" / "site", AS_OF)
        assert checked.returncode == 0 and "LEAK" not in checked.stderr, checked.stderr
        assert holding(cold[state]) == []
    # How long the build that publishes it takes, alone, from where each run starts.
    restore(root, pristine, other)
    set_withdrawn(root, service, "published")
    started = time.perf_counter()
    assert scrutiny(root, *OVERLAP_BUILD).returncode == 0
    duration = time.perf_counter() - started
    assert [p for p, data in all_files(root / "output" / "site").items() if WITHDRAWN_MARK.encode() in data]
    return Overlap(root, pristine, service, other, cold, duration)


def shown(paths: list[str], limit: int = 4) -> str:
    return ", ".join(paths[:limit]) + (f" and {len(paths) - limit} more" if len(paths) > limit else "") or "no file"


def holding(files: dict[str, bytes]) -> list[str]:
    """The files that name the withdrawn inspection or show its sentences."""
    return [path for path, data in files.items() if WITHDRAWN.encode() in data or WITHDRAWN_MARK.encode() in data]


@pytest.mark.slow
def test_a_build_started_during_another_waits_and_never_publishes_a_withdrawn_record(overlap):
    """Build A starts with the inspection published; while A runs, the inspection is withdrawn
    (status: draft) and build B starts (in half the runs another inspection is edited too,
    in the other half the content is then exactly what the last build before A saw).

    A build takes the lock (output/.lock) before it reads anything and holds it until its
    site is live; one that finds it taken says "waiting for another build" and waits. So
    whichever order they run in, both succeed and the one that ends last built the content
    as it now is: once both have ended, output/site is what a cold build of that content
    makes, and so it stays after a further plain build. Where output/site equals the cold
    build, the audit's answer is the cold build's (0 leaks, checked once in the fixture):
    it is run on a run's site only when that differs, to say what leaked."""
    root = overlap.root
    site = root / "output" / "site"
    failures: dict[int, str] = {}
    overlapped = waited = 0
    stale_then, stale_after, failed = set(), set(), set()
    for run in range(OVERLAP_RUNS):
        restore(root, overlap.pristine, overlap.other)
        also_edited = run % 2 == 0
        set_withdrawn(root, overlap.service, "published")
        a = subprocess.Popen([*SCRUTINY, "-C", str(root), *OVERLAP_BUILD], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=process_env())
        time.sleep(random.Random(run).uniform(0.3, 0.9) * overlap.duration)
        overlapped += a.poll() is None
        set_withdrawn(root, overlap.service, "draft")
        if also_edited:
            edit_other(root, overlap.other)
        b = subprocess.Popen([*SCRUTINY, "-C", str(root), *OVERLAP_BUILD], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=process_env())
        a_out, a_err = a.communicate(timeout=300)
        b_out, b_err = b.communicate(timeout=300)
        waited += any(line.startswith("waiting for another build") for line in b_err.splitlines())
        cold = overlap.cold[also_edited]
        wrong = []
        both = all_files(site)
        if both != cold:
            stale_then.add(run)
            wrong.append(f"once both had ended, output/site differed from a cold build in "
                         f"{len(differences(both, cold))} files, the withdrawn inspection in {shown(holding(both))}")
        final = scrutiny(root, *OVERLAP_BUILD)
        after = all_files(site)
        if after != cold:
            stale_after.add(run)
            checked = audit(root, site, AS_OF)
            wrong.append(f"then a plain build said {last_line(final.stdout)!r} and left it in {shown(holding(after))}; "
                         f"the audit found:\n      {leak_lines(checked.stderr, 2, '      ')}")
        if a.returncode or b.returncode:
            failed.add(run)
            wrong.append("a build failed")
        if wrong:
            failures[run] = (f"run {run} ({'withdrawn + another file edited' if also_edited else 'withdrawn only'}): "
                             f"A exit {a.returncode} {last_line(a_out + a_err)!r}; "
                             f"B exit {b.returncode} {last_line((b_out + b_err).replace(str(root), 'ROOT'))!r}\n    "
                             + "\n    ".join(wrong))
    assert not failures, (
        f"{len(failures)} of {OVERLAP_RUNS} overlapping runs went wrong (B started while A ran in {overlapped}): in "
        f"{len(stale_then)} output/site was not the content's once both builds had ended, in {len(stale_after)} "
        f"not even after a further plain build; in {len(failed)} a build failed (of which "
        f"{len(failed - stale_then - stale_after)} with no other harm):\n  " + "\n  ".join(failures.values()))
    # The runs tested something: B started while A was still running in most of them, and
    # (A holding the lock from its start) said it was waiting.
    assert overlapped >= OVERLAP_RUNS // 2, f"B started while A ran in only {overlapped} runs"
    assert waited >= 1, f"B started while A ran in {overlapped} runs, and never said it was waiting for another build"


# === 3. A changed dependency is a change ======================================================

MARKDOWN_MARK = "Rendered by a patched Markdown"


def test_a_changed_dependency_renders_the_pages_that_used_it_again(tmp_path):
    """Python-Markdown patched in place (same version, other code): pages it rendered must be
    rendered again. The venv's copy is left alone: a copy of the package and its dist-info
    goes first on the builds' PYTHONPATH, and it is that copy that changes."""
    import markdown
    site_packages = Path(markdown.__file__).resolve().parent.parent
    deps = tmp_path / "deps"
    shutil.copytree(site_packages / "markdown", deps / "markdown", ignore=shutil.ignore_patterns("__pycache__"))
    [info] = [p for p in site_packages.iterdir() if re.fullmatch(r"markdown-[\d.]+\.dist-info", p.name, re.I)]
    shutil.copytree(info, deps / info.name)
    env = process_env(deps)
    found = subprocess.run([sys.executable, "-c", "import markdown, importlib.metadata as m; "
                            "print(markdown.__file__); print(m.distribution('markdown').locate_file('markdown'))"],
                           env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(p).is_relative_to(deps) for p in found), found          # the builds use the copy

    root = copy_site(tmp_path / "site")
    assert scrutiny(root, "build", *QUICK, "--as-of", "2025-06-30", env=env).returncode == 0
    core = deps / "markdown" / "core.py"
    source = core.read_text(encoding="utf-8")
    assert source.count("        return output.strip()\n") == 1
    core.write_text(source.replace("        return output.strip()\n",
                                   f"        return output.strip() + '\\n<p>{MARKDOWN_MARK}</p>'\n"), encoding="utf-8")

    again = scrutiny(root, "build", *QUICK, "--as-of", "2025-06-30", env=env)
    assert again.returncode == 0, again.stderr
    cold = tmp_path / "cold"
    shutil.copytree(root / "content", cold / "content")
    assert scrutiny(cold, "build", *QUICK, "--as-of", "2025-06-30", env=env).returncode == 0
    fresh = all_files(cold / "output" / "site")
    marked = sorted(p for p, data in fresh.items() if MARKDOWN_MARK.encode() in data)
    assert "reports/dudley-yos-action-plan-update/index.html" in marked       # the patch shows
    stale = differences(all_files(root / "output" / "site"), fresh)
    assert stale == [], (f"after Markdown changed, the build said {last_line(again.stdout)!r}: {len(stale)} files "
                         f"differ from a cold build made with the changed Markdown, e.g. {stale[:6]}")


def test_a_dependency_s_bytecode_replaced_is_a_change(tmp_path, monkeypatch):
    """Python runs a module's .pyc when its header matches the source's size and whole-second
    time, so what runs can change while the source's own facts do not (a .pyc replaced, or
    a source edited back to its size and second and its .pyc compiled again). The RECORD
    lists both: a rewritten .pyc changes the environment's digest."""
    from generator import fingerprint

    (tmp_path / "demo" / "__pycache__").mkdir(parents=True)
    source, compiled = tmp_path / "demo" / "__init__.py", tmp_path / "demo" / "__pycache__" / "__init__.cpython-311.pyc"
    source.write_text("VALUE = 1\n")
    compiled.write_bytes(b"first compile")
    info = tmp_path / "demo-1.0.dist-info"
    info.mkdir()
    (info / "RECORD").write_text("demo/__init__.py,,\ndemo/__pycache__/__init__.cpython-311.pyc,,\n")
    monkeypatch.setattr(fingerprint, "required_distributions", lambda: {"demo": info})

    def digest() -> str:
        fingerprint.dependencies_digest.cache_clear()
        return fingerprint.dependencies_digest()

    try:
        before = digest()
        compiled.write_bytes(b"other bytecode")
        assert digest() != before
    finally:
        fingerprint.dependencies_digest.cache_clear()


@pytest.fixture
def fonts_digest():
    """The fonts' digest worked out afresh at each call, as a new process would; forgotten after."""
    from generator import fingerprint

    def digest() -> str:
        fingerprint.fonts_digest.cache_clear()
        return fingerprint.fonts_digest()

    yield digest
    fingerprint.fonts_digest.cache_clear()


def test_a_font_installed_upgraded_or_fontconfig_pointed_elsewhere_is_another_environment(tmp_path, monkeypatch,
                                                                                        fonts_digest):
    """Papers are set through fontconfig: a font package installed or upgraded, or fontconfig
    told to read another configuration, changes their bytes (a star from another font, or
    a box), so the environment's digest changes and a build renders again."""
    from generator import fingerprint

    fonts = tmp_path / "fonts" / "truetype"
    fonts.mkdir(parents=True)
    (fonts / "LiberationSans-Regular.ttf").write_bytes(b"the font as first installed")
    monkeypatch.setattr(fingerprint, "FONT_PLACES", (tmp_path / "fonts",))
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    monkeypatch.delenv("FONTCONFIG_PATH", raising=False)

    first = fonts_digest()
    assert fonts_digest() == first
    (fonts / "DejaVuSans-Bold.ttf").write_bytes(b"a package installs a font")
    installed = fonts_digest()
    (fonts / "LiberationSans-Regular.ttf").write_bytes(b"a newer version of the font, in place")
    upgraded = fonts_digest()
    monkeypatch.setenv("FONTCONFIG_FILE", str(tmp_path / "fonts.conf"))
    pointed = fonts_digest()
    assert len({first, installed, upgraded, pointed}) == 4


def test_a_font_in_a_linked_folder_counts_and_a_link_loop_ends(tmp_path, monkeypatch, fonts_digest):
    """fontconfig follows a link to a folder of fonts (a package's own folder linked into
    /usr/share/fonts): a font installed there is another environment too; a link back up
    the tree is read once, not followed for ever."""
    from generator import fingerprint

    fonts, elsewhere = tmp_path / "fonts", tmp_path / "opt-fonts"
    (fonts / "truetype").mkdir(parents=True)
    elsewhere.mkdir()
    (fonts / "truetype" / "package").symlink_to(elsewhere)
    (fonts / "truetype" / "up").symlink_to(fonts)
    (fonts / "self").symlink_to(fonts / "self")
    monkeypatch.setattr(fingerprint, "FONT_PLACES", (fonts,))

    first = fonts_digest()
    assert fonts_digest() == first
    (elsewhere / "DejaVuSans-Bold.ttf").write_bytes(b"a package installs a font in its own folder")
    assert fonts_digest() != first


def test_a_users_own_fonts_and_fontconfig_settings_are_part_of_the_environment(tmp_path, monkeypatch, fonts_digest):
    """fontconfig also reads the user's fonts and settings (/etc/fonts/conf.d/50-user.conf and
    fonts.conf's `prefix="xdg"` entries): a font in ~/.local/share/fonts, a fonts.conf in
    ~/.config/fontconfig, the older ~/.fonts.conf, or a folder FONTCONFIG_PATH names changes
    the papers as a system font does."""
    from generator import fingerprint

    home, data, config = tmp_path / "home", tmp_path / "data", tmp_path / "config"
    home.mkdir()
    monkeypatch.setattr(fingerprint, "FONT_PLACES", ())
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    monkeypatch.delenv("FONTCONFIG_PATH", raising=False)

    seen = [fonts_digest()]
    (home / ".local/share/fonts").mkdir(parents=True)
    (home / ".local/share/fonts/Arial.ttf").write_bytes(b"a font the user installed")
    seen.append(fonts_digest())
    (home / ".config/fontconfig").mkdir(parents=True)
    (home / ".config/fontconfig/fonts.conf").write_text("<fontconfig><alias><family>sans-serif</family></alias></fontconfig>")
    seen.append(fonts_digest())
    (home / ".fonts.conf").write_text("<fontconfig/>")
    seen.append(fonts_digest())
    (data / "fonts").mkdir(parents=True)
    (data / "fonts/Comic.ttf").write_bytes(b"a font where XDG_DATA_HOME points")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    seen.append(fonts_digest())
    (config / "fontconfig/conf.d").mkdir(parents=True)
    (config / "fontconfig/conf.d/99-mine.conf").write_text("<fontconfig/>")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    seen.append(fonts_digest())
    (tmp_path / "fcpath").mkdir()
    (tmp_path / "fcpath/fonts.conf").write_text("<fontconfig/>")
    monkeypatch.setenv("FONTCONFIG_PATH", str(tmp_path / "fcpath"))
    pointed = fonts_digest()
    (tmp_path / "fcpath/fonts.conf").write_text("<fontconfig><dir>/opt/fonts</dir></fontconfig>")
    seen += [pointed, fonts_digest()]
    assert len(set(seen)) == len(seen) == 8
    assert fonts_digest() == seen[-1]


def test_a_build_after_the_fonts_changed_renders_again(tmp_path, monkeypatch):
    from generator import fingerprint

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    monkeypatch.setattr(fingerprint, "FONT_PLACES", (fonts,))
    root = copy_site(tmp_path / "site")
    try:
        fingerprint.fonts_digest.cache_clear()
        build(root)
        assert build(root).rendered == []                  # nothing changed
        (fonts / "DejaVuSans-Bold.ttf").write_bytes(b"a package installs a font")
        fingerprint.fonts_digest.cache_clear()              # a new process, as every build is
        assert "index.html" in build(root).rendered
    finally:
        fingerprint.fonts_digest.cache_clear()


def test_a_build_under_another_umask_writes_every_file_again_with_its_modes(tmp_path):
    """Files reused from the live site keep the modes they were written with: a site built
    under umask 077 (owner only) and then under 022 kept its pages unreadable by the web
    server, unlike a cold build under 022."""
    root = copy_site(tmp_path / "site")
    before = os.umask(0o077)
    try:
        build(root)
        page = root / "output" / "site" / "index.html"
        assert page.stat().st_mode & 0o777 == 0o600
        os.umask(0o022)
        assert "index.html" in build(root).rendered
        assert page.stat().st_mode & 0o777 == 0o644
        assert (root / "output" / "site" / "inspections").stat().st_mode & 0o777 == 0o755
    finally:
        os.umask(before)


def test_a_link_going_nowhere_or_a_pipe_in_the_tool_s_folder_is_not_read(tmp_path, monkeypatch):
    """Editors keep a lock while a file is edited (Emacs: a link to nowhere, '.#page.html'),
    and a pipe would never end: the tool's digest reads its regular files only, and changes
    when one of them does."""
    from generator import fingerprint

    tool = tmp_path / "generator"
    (tool / "theme").mkdir(parents=True)
    (tool / "theme" / "page.html").write_text("<p>one</p>")
    (tool / "theme" / ".#page.html").symlink_to("user@host.1234:1700000000")
    os.mkfifo(tool / "theme" / "pipe")
    monkeypatch.setattr(fingerprint, "TOOL", tool)
    try:
        fingerprint.tool_digest.cache_clear()
        before = fingerprint.tool_digest()
        (tool / "theme" / "page.html").write_text("<p>two</p>")
        fingerprint.tool_digest.cache_clear()
        assert fingerprint.tool_digest() != before
    finally:
        fingerprint.tool_digest.cache_clear()


# === 4. Links out of their folder are refused =================================================

OUTSIDE = "OUTSIDE-THE-SITE-5521"
LOGO = f'<svg xmlns="http://www.w3.org/2000/svg"><title>{{}}</title></svg>\n'


def link_attachments_outside(root: Path, outside: Path) -> str:
    """content/attachments: a link to a folder elsewhere, holding the council's logo."""
    (outside / "attachments").mkdir(parents=True)
    (outside / "attachments" / "logo.svg").write_text(LOGO.format(OUTSIDE), encoding="utf-8")
    shutil.rmtree(root / "content" / "attachments")
    (root / "content" / "attachments").symlink_to(outside / "attachments", target_is_directory=True)
    return "content/attachments"


def link_footer_to_passwd(root: Path, outside: Path) -> str:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "_footer.html").symlink_to("/etc/passwd")
    return "templates/_footer.html"


def link_templates_outside(root: Path, outside: Path) -> str:
    """templates/: a link to a folder elsewhere, whose footer says where it came from."""
    (outside / "templates").mkdir(parents=True)
    (outside / "templates" / "_footer.html").write_text(f"<footer>{OUTSIDE}</footer>\n", encoding="utf-8")
    (root / "templates").symlink_to(outside / "templates", target_is_directory=True)
    return "templates"


DRAFT = "DRAFT-INSPECTION-0937"


def draft_inspection(root: Path) -> str:
    """A draft inspection of the site, its text marked: a link may lead to its file."""
    text = (f"service: torbay-yot\nframework: hmip-youth-2021\npublished: 2025-02-24\nstatus: draft\n"
            f"overall: {{rating: Good}}\nintroduction: {DRAFT} still under discussion.\n")
    (root / "content" / "inspections").mkdir(exist_ok=True)
    (root / "content" / "inspections" / "torbay-2025.yaml").write_text(text, encoding="utf-8")
    return "../inspections/torbay-2025.yaml"


def link_attachment_to_a_draft(root: Path, outside: Path) -> str:
    """An attachment that is a link to a draft record's file: an appendix would print the draft."""
    (root / "content" / "attachments" / "notes.md").symlink_to(draft_inspection(root))
    return "content/attachments/notes.md"


def link_attachments_into_output(root: Path, outside: Path) -> str:
    """content/attachments: a link to the members' papers a build wrote under output/."""
    (root / "output" / "confidential").mkdir(parents=True)
    (root / "output" / "confidential" / "notes.md").write_text(f"{DRAFT} exempt\n", encoding="utf-8")
    shutil.rmtree(root / "content" / "attachments")
    (root / "content" / "attachments").symlink_to(root / "output" / "confidential", target_is_directory=True)
    return "content/attachments"


def link_template_to_a_draft(root: Path, outside: Path) -> str:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "_notes.html").symlink_to("../content/inspections/" + draft_inspection(root).split("/")[-1])
    return "templates/_notes.html"


LINKS = {"content/attachments to a folder elsewhere": (link_attachments_outside, OUTSIDE),
         "templates/_footer.html to /etc/passwd": (link_footer_to_passwd, "root:x:0:0"),
         "templates to a folder elsewhere": (link_templates_outside, OUTSIDE),
         "an attachment to a draft record's file": (link_attachment_to_a_draft, DRAFT),
         "a template to a draft record's file": (link_template_to_a_draft, DRAFT),
         "content/attachments into output/": (link_attachments_into_output, DRAFT)}


def run_cli(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), *args], obj={})


@pytest.mark.parametrize("link", LINKS)
def test_a_link_that_leads_out_of_its_folder_is_refused_and_nothing_is_written(tmp_path, make_site, link):
    if not Path("/etc/passwd").is_file():
        pytest.fail("this test needs /etc/passwd")
    make_link, found_outside = LINKS[link]
    root = make_site(tmp_path / "site", {
        "councils/torbay.yaml": "name: Torbay Council\nnation: england\nlogo: attachments/logo.svg\n",
        "attachments/logo.svg": LOGO.format("Torbay Council"),
    })
    assert run_cli(root, "build", *QUICK, "--as-of", "2025-06-30").exit_code == 0
    site = root / "output" / "site"
    before = all_files(site)
    assert "attachments/logo.svg" in before
    name = make_link(root, tmp_path / "elsewhere")

    built = run_cli(root, "build", *QUICK, "--as-of", "2025-06-30")
    leaked = files_containing(site, found_outside)
    assert leaked == [] and all_files(site) == before, (
        f"the build followed {name} out of the site (exit {built.exit_code}): '{found_outside}' is now in "
        f"{leaked[:4]}; {len(differences(all_files(site), before))} files changed")
    said = built.stdout + built.stderr
    where = re.compile(rf"^{re.escape(name)}(:\d+:\d+)?: error: a symbolic link here leads outside", re.M)
    assert built.exit_code == 1 and where.search(said), (built.exit_code, said)
    checked = run_cli(root, "check", "--as-of", "2025-06-30")
    assert checked.exit_code == 1 and where.search(checked.stdout + checked.stderr), \
        (checked.exit_code, checked.stdout + checked.stderr)


# === 5. Any sequence of edits and builds leaves the site a cold build makes ===================

SEQUENCES = 200
STEPS = 5
INSPECTIONS = ("torbay-2023", "torbay-2024")
MOMENTS = ("2025-03-10 09:00", "2025-03-10 15:00", "2025-03-11 09:00", "2025-03-11 15:00")   # in order
NOWS = MOMENTS[:3]                   # live builds; a rehearsal is a later one of MOMENTS
EMBARGOES = (None, "2025-03-10 08:00", "2025-03-10 12:00", "2025-03-11 12:00")
PATCHED_MARKDOWN = "<p>Converted by the other Markdown</p>"
BUILD = ("build", "--no-pdf", "--no-search", "-q", "-j", "1")


def sequence_inspection(iid: str, status: str, embargo: str | None) -> str:
    word = f"SEQ{iid.replace('-', '').upper()}"
    return f"""\
service: torbay-yot
framework: hmip-youth-2021
fieldwork: {{from: {iid[-4:]}-01-13, to: {iid[-4:]}-01-17}}
published: {iid[-4:]}-02-24
status: {status}
{f'embargo_until: "{embargo}"' if embargo else ''}
overall: {{rating: Good}}
introduction: |
  The inspection found {word} improvements in every team.

  - casework was **well** planned
  - see [the report](https://example.org/{iid})
domains:
  "1":
    summary: Governance of the {word} partnership was stronger.
    strengths: [The {word} Board met monthly and challenged partners.]
standards:
  "1.1": Good
recommendations:
  - to: The {word} Management Board
    items: [keep the {word} improvements going in every team]
"""


@dataclass(frozen=True)
class State:
    records: tuple[tuple[str, str | None], ...]       # (status, embargo_until) of each of INSPECTIONS
    footer: bool                                      # templates/_footer.html overrides the theme's
    variant: int                                      # 1: the other Markdown (and its fingerprint)


# Every sequence starts from here (at a random moment): the states near it are then shared by
# many sequences, and their cold builds made once (half as many cold builds as random starts).
START = State((("published", None),) * len(INSPECTIONS), False, 0)


def footer_override() -> str:
    theme = (REPO / "generator" / "theme" / "templates" / "_footer.html").read_text(encoding="utf-8")
    assert "Published by" in theme
    return theme.replace("Published by", "Issued by", 1)


def write_state(root: Path, state: State, make_site) -> None:
    files = {f"inspections/{iid}.yaml": sequence_inspection(iid, *record)
             for iid, record in zip(INSPECTIONS, state.records)}
    for relative, text in files.items():                         # only what changed is written
        path = root / "content" / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            make_site(root, {relative: text})
    footer = root / "templates" / "_footer.html"
    if state.footer and not footer.is_file():
        footer.parent.mkdir(exist_ok=True)
        footer.write_text(footer_override(), encoding="utf-8")
    elif not state.footer and footer.exists():
        footer.unlink()


@contextmanager
def dependency_variant(variant: int):
    """Variant 1: Markdown renders differently, and the fingerprint of the tool's dependencies
    says so, as after a dependency is upgraded or patched between two builds."""
    import markdown

    from generator.render import markdown as rendering
    with pytest.MonkeyPatch.context() as patch:
        if variant:
            original = markdown.Markdown.convert
            patch.setattr(markdown.Markdown, "convert", lambda self, source: original(self, source) + PATCHED_MARKDOWN)
            patch_dependency_fingerprint(patch, "the-other-markdown")
        # A real change of dependency is between processes; here the texts this process has
        # already converted are forgotten, as a new process would not have them.
        caches = [f for f in vars(rendering).values() if hasattr(f, "cache_clear")]
        for cache in caches:
            cache.cache_clear()
        try:
            yield
        finally:
            for cache in caches:
                cache.cache_clear()


class ColdBuilds:
    """The site a first build of a state makes at a moment, in a folder of its own; each
    (state, moment) is built once. Its audit is run once too: a site byte-identical to it
    gets the same answer from the audit."""

    def __init__(self, folder: Path, make_site, jinja: Path | None = None) -> None:
        self.folder, self.make_site, self.jinja = folder, make_site, jinja
        self.built: dict[tuple[State, str], dict[str, bytes]] = {}

    def __call__(self, state: State, moment: str) -> dict[str, bytes]:
        key = (state, moment)
        if key not in self.built:
            root = self.folder / hashlib.sha256(repr(key).encode()).hexdigest()[:16]
            self.make_site(root)
            write_state(root, state, self.make_site)
            seed_compiled_templates(root, self.jinja)
            with dependency_variant(state.variant):
                result = run_cli(root, *BUILD, "--as-of", moment)
            assert result.exit_code == 0, result.output
            checked = run_cli(root, "check", "--audit", "--as-of", moment)
            assert checked.exit_code == 0 and "LEAK" not in checked.output, (key, checked.output)
            self.built[key] = all_files(root / "output" / "site")
            shutil.rmtree(root)
        return self.built[key]


def seed_compiled_templates(root: Path, jinja: Path | None) -> None:
    """Speed only: jinja's bytecode cache from an earlier build (each entry is checked
    against its template's source), so that a fresh root does not compile the theme again
    (0.1 s of a 0.12 s build of these tiny sites)."""
    if jinja is not None and jinja.is_dir() and not (root / ".cache" / "jinja").exists():
        shutil.copytree(jinja, root / ".cache" / "jinja")


@dataclass(frozen=True)
class Wrong:
    steps: str
    leaks: str              # what the audit found in the site (empty: files differ, nothing withheld shows)
    detail: str


def run_sequence(seed: int, root: Path, cold: ColdBuilds, make_site, jinja: Path | None) -> Wrong | None:
    """One random sequence of edits and builds; None, or what went wrong first."""
    rng = random.Random(seed)
    state, now = START, rng.choice(NOWS)
    make_site(root)
    write_state(root, state, make_site)
    seed_compiled_templates(root, jinja)
    steps: list[str] = []
    site = root / "output" / "site"

    def build(moment: str, label: str) -> Wrong | None:
        steps.append(f"{label}, build at {moment}" if label else f"build at {moment}")
        with dependency_variant(state.variant):
            result = run_cli(root, *BUILD, "--as-of", moment)
        if result.exit_code != 0:
            return Wrong(" / ".join(steps), "", f"the build failed: {result.output}")
        reference = cold(state, moment)
        made = all_files(site)
        if made == reference:
            return None
        checked = run_cli(root, "check", "--audit", "--as-of", moment)
        return Wrong(" / ".join(steps), leak_lines(checked.output, 3, "      "),
                     f"the last build said {last_line(result.stdout)!r}; output/site differs from a cold build "
                     f"in {shown(differences(made, reference), 5)}")

    problem = build(now, "")
    for _ in range(STEPS):
        if problem:
            return problem
        kind = rng.choice(("publish", "withdraw", "embargo forward", "embargo back", "rehearsal",
                           "dependency", "template", "time passes"))
        index = rng.randrange(len(INSPECTIONS))
        records = list(state.records)
        status, embargo = records[index]
        label = f"{kind} {INSPECTIONS[index]}"
        if kind == "publish":
            records[index] = ("published", embargo)
        elif kind == "withdraw":
            records[index] = ("draft", embargo)
        elif kind == "embargo forward":
            records[index] = (status, rng.choice([e for e in EMBARGOES if e and e > now]))
            label += f" to {records[index][1]}"
        elif kind == "embargo back":
            records[index] = (status, rng.choice([e for e in EMBARGOES if e is None or e <= now]))
            label += f" to {records[index][1]}"
        elif kind == "dependency":
            state = replace(state, variant=1 - state.variant)
            label = f"Markdown variant {state.variant}"
        elif kind == "template":
            state = replace(state, footer=not state.footer)
            label = "footer template " + ("added" if state.footer else "removed")
        elif kind == "time passes":
            now = rng.choice([m for m in NOWS if m > now] or [now])
            label = kind
        elif kind == "rehearsal":
            later = rng.choice([m for m in MOMENTS if m > now])
            problem = build(later, "rehearsal") or build(now, "")
            continue
        state = replace(state, records=tuple(records))
        write_state(root, state, make_site)
        problem = build(now, label)
    return problem


@pytest.mark.slow
def test_after_any_sequence_of_edits_rehearsals_and_builds_the_live_site_is_a_cold_build(tmp_path, make_site):
    """200 random sequences (seeded: a failure names its seed and steps) of: publish, withdraw,
    an embargo moved past or before the build's moment, a rehearsal (a build at a later
    moment, followed by the live build), another Markdown (and dependency fingerprint), a
    site footer template added or removed, time passing; a build after each. Every build
    gives an explicit --as-of (fixed moments in March 2025: earlier than the clock, so every
    one of them, rehearsals included, is written to output/site), and after each, output/site
    must be, byte for byte, what a first build of the same content at the same moment makes
    (whose audit finds nothing)."""
    warm = tmp_path / "warm"                     # compiles the theme once, for seed_compiled_templates
    make_site(warm)
    write_state(warm, State((("published", None),) * len(INSPECTIONS), True, 0), make_site)
    assert run_cli(warm, *BUILD, "--as-of", NOWS[0]).exit_code == 0
    jinja = warm / ".cache" / "jinja"
    cold = ColdBuilds(tmp_path / "cold", make_site, jinja)
    failures: dict[int, Wrong] = {}
    for seed in range(SEQUENCES):
        root = tmp_path / f"sequence-{seed}"
        problem = run_sequence(seed, root, cold, make_site, jinja)
        if problem:
            failures[seed] = problem
        shutil.rmtree(root)
    leaking = {seed: w for seed, w in failures.items() if w.leaks}
    others = {seed: w for seed, w in failures.items() if not w.leaks}
    assert not failures, (
        f"{len(failures)} of {SEQUENCES} sequences left output/site other than a cold build of the same content at "
        f"the same moment: {len(leaking)} with withheld records live (the audit found them), {len(others)} with "
        f"files differing only. First of each:\n" + "\n".join(
            f"  seed {seed}: {w.steps}\n    {w.detail}" + (f"\n    audit: {w.leaks}" if w.leaks else "")
            for seed, w in [*list(leaking.items())[:3], *list(others.items())[:2]]))
    assert len(cold.built) > 50          # the sequences reached many different states


def test_a_feed_with_nothing_public_is_dated_again_when_the_date_changes(tmp_path, make_site):
    """Found by the randomized test above: with no public inspection or meeting, feed.xml's
    <updated> is the build's date; a build on a later day must not keep the earlier one."""
    files = {f"inspections/{INSPECTIONS[0]}.yaml": sequence_inspection(INSPECTIONS[0], "draft", None)}
    root = make_site(tmp_path / "site", files)
    assert run_cli(root, *BUILD, "--as-of", "2025-03-10 09:00").exit_code == 0
    later = run_cli(root, *BUILD, "--as-of", "2025-03-11 09:00")
    assert later.exit_code == 0, later.output
    cold = make_site(tmp_path / "cold", files)
    assert run_cli(cold, *BUILD, "--as-of", "2025-03-11 09:00").exit_code == 0
    feed, fresh = (r / "output" / "site" / "feed.xml" for r in (root, cold))
    assert feed.read_text() == fresh.read_text(), (
        f"the build on 11 March said {last_line(later.stdout)!r} and kept the feed of 10 March:\n"
        f"{feed.read_text()}\na first build on 11 March makes:\n{fresh.read_text()}")


def test_a_build_that_waits_for_the_lock_publishes_as_at_the_clock_when_it_gets_it(tmp_path, monkeypatch):
    # A build begins on 2 March 2021, before Torbay's embargo ends (3 March 00:01), and waits
    # for another build; while it waits the clock passes the embargo. It must build as at the
    # clock it reads under the lock: with the moment it began waiting it would take back the
    # Torbay report the other build had just released.
    root = copy_site(tmp_path)
    site = root / "output/site"
    site.parent.mkdir(parents=True)
    clock = {"now": dt.datetime(2021, 3, 2, 12, 0, tzinfo=LONDON)}
    monkeypatch.setattr("generator.build.now_in_london", lambda: clock["now"])
    holder = open(lock_path(site), "w")
    fcntl.flock(holder, fcntl.LOCK_EX)
    waited = threading.Event()

    def release_later() -> None:
        waited.wait(60)
        clock["now"] = dt.datetime(2021, 3, 4, 12, 0, tzinfo=LONDON)
        holder.close()

    releaser = threading.Thread(target=release_later)
    releaser.start()
    options = BuildOptions(root=root, output=site, now=clock["now"], pdf=False, search=False, jobs=1, clock=True)
    report = build_site(options, waiting=lambda who: waited.set())
    releaser.join()
    assert waited.is_set() and report.ok
    assert (site / "inspections/torbay-2021/index.html").is_file()
