"""Faults in the output folder: full disk, read-only. Clear error, exit 1, previous output intact.

Each test runs the build in its own mount namespace (unshare) over a small tmpfs, so a
real file system says ENOSPC or EROFS — no mocking of the write path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from site_helpers import copy_site

SCRIPT_HEAD = """set -u
root="$1"; out="$root/output"
build() {{ "{python}" -m generator -C "$root" build --no-pdf --no-search -q --as-of 2026-11-22; }}
snapshot() {{ (cd "$out/site" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }}
mount -t tmpfs -o size={size} tmpfs "$out"
build > /dev/null || exit 90
snapshot > "$root/before.txt"
sed -i 's/introduction: /introduction: Changed /' "$root/content/inspections/sandwell-2018.yaml"
"""


def run_in_namespace(root: Path, body: str, size: str = "4m") -> subprocess.CompletedProcess:
    script = SCRIPT_HEAD.format(python=sys.executable, size=size) + body
    unshare = shutil.which("unshare")
    assert unshare, "util-linux's unshare is needed for the fault tests"
    return subprocess.run([unshare, "--map-root-user", "--mount", "bash", "-c", script, "fault", str(root)],
                          capture_output=True, text=True, timeout=300)


def test_a_full_disk_gives_a_clear_error_and_leaves_the_previous_site(tmp_path):
    root = copy_site(tmp_path)
    (root / "output").mkdir()
    done = run_in_namespace(root, """
# Fill the disk, leaving too little room for a second copy of the site.
dd if=/dev/zero of="$out/filler" bs=4k 2>/dev/null
test "$(df --output=avail "$out" | tail -1)" -eq 0 || exit 91
build 2> "$root/stderr.txt"; echo "exit=$?" > "$root/exit.txt"
snapshot > "$root/after.txt"
ls -a "$out" > "$root/listing.txt"
""")
    assert done.returncode == 0, done.stderr
    assert (root / "exit.txt").read_text().strip() == "exit=1"
    stderr = (root / "stderr.txt").read_text()
    assert "disk is full" in stderr and "Traceback" not in stderr, stderr
    assert (root / "before.txt").read_text() == (root / "after.txt").read_text()
    assert not [n for n in (root / "listing.txt").read_text().split() if ".staging" in n]


def test_a_read_only_output_folder_gives_a_clear_error_and_leaves_the_previous_site(tmp_path):
    root = copy_site(tmp_path)
    (root / "output").mkdir()
    done = run_in_namespace(root, """
mount -o remount,ro "$out"
build 2> "$root/stderr.txt"; echo "exit=$?" > "$root/exit.txt"
snapshot > "$root/after.txt"
""")
    assert done.returncode == 0, done.stderr
    assert (root / "exit.txt").read_text().strip() == "exit=1"
    stderr = (root / "stderr.txt").read_text()
    assert "Read-only file system" in stderr and "Traceback" not in stderr, stderr
    assert (root / "before.txt").read_text() == (root / "after.txt").read_text()


def test_a_full_disk_while_the_search_index_is_written_gives_the_same_clear_error(tmp_path):
    """Room for the changed page, but not for a new search index (the file system is out
    of inodes, as when a disk is full of small files): the same message as any full disk,
    exit 1, no traceback, and the previous site whole."""
    root = copy_site(tmp_path)
    (root / "output").mkdir()
    done = run_in_namespace(root, """
search() { "%s" -m generator -C "$root" build --no-pdf -q --as-of 2026-11-22; }
search > /dev/null || exit 92
snapshot > "$root/before.txt"
sed -i 's/introduction: /introduction: Again /' "$root/content/inspections/sandwell-2018.yaml"
folders=$(find "$out/site" -type d | wc -l)
mount -o remount,nr_inodes=$(( $(df --output=iused "$out" | tail -1) + folders + 10 )) "$out"
search 2> "$root/stderr.txt"; echo "exit=$?" > "$root/exit.txt"
snapshot > "$root/after.txt"
""" % sys.executable, size="16m")
    assert done.returncode == 0, done.stderr
    assert (root / "exit.txt").read_text().strip() == "exit=1", (root / "stderr.txt").read_text()
    stderr = (root / "stderr.txt").read_text()
    assert "search index" in stderr or "pagefind" in stderr, stderr
    assert "disk is full" in stderr and "previous output is unchanged" in stderr, stderr
    assert "Traceback" not in stderr
    assert (root / "before.txt").read_text() == (root / "after.txt").read_text()


def test_a_full_disk_leaves_no_half_written_layout_in_the_cache(tmp_path):
    """The laid-out PDFs kept in .cache are speed only, so a full disk there is no error; but
    each layout that could not be kept left its temporary file behind, for good: prune
    looks only at finished layouts (helper-78)."""
    cache = tmp_path / "documents"
    cache.mkdir()
    keep = ("from pathlib import Path; from generator.render.pdf import Rendered; "
            "from generator.speed.pdf_cache import DocumentCache; "
            f"DocumentCache(Path({str(cache)!r}), 'environment').put(Rendered('key', b'%PDF-' * 20000, 3))")
    script = f"""set -u
mount -t tmpfs -o size=64k tmpfs "{cache}"
dd if=/dev/zero of="{cache}/filler" bs=4k 2>/dev/null
"{sys.executable}" -c "{keep}" || exit 93
find "{cache}" -type f ! -name filler
"""
    done = subprocess.run([shutil.which("unshare"), "--map-root-user", "--mount", "bash", "-c", script],
                          capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_prune_removes_what_a_layout_left_when_the_disk_filled(tmp_path):
    """Room for a layout's page count but not for its PDF: the .pages file stayed for good, as
    prune looked only at PDFs. Prune removes it, and any temporary file, once no build could
    still be writing them; a finished layout, and a write that may be in progress, stay."""
    cache = tmp_path / "documents"
    cache.mkdir()
    code = ("import sys; from pathlib import Path; from generator.render.pdf import Rendered; "
            "from generator.speed.pdf_cache import DocumentCache; "
            f"cache = DocumentCache(Path({str(cache)!r}), 'environment'); "
            "cache.prune() if sys.argv[1:] == ['prune'] else "
            "cache.put(Rendered(sys.argv[1], b'%PDF-' * 20000, 3))")
    script = f"""set -u
mount -t tmpfs -o size=256k tmpfs "{cache}"
"{sys.executable}" -c "{code}" finished || exit 93
dd if=/dev/zero of="{cache}/filler" bs=4k 2>/dev/null
truncate -s -8k "{cache}/filler"
"{sys.executable}" -c "{code}" failed || exit 94
rm "{cache}/filler"
find "{cache}" -type f -name '*.pages' > "{tmp_path}/before.txt"
touch "$(find "{cache}" -type d -mindepth 1 | head -1)/stale.pdf.1.tmp" "$(find "{cache}" -type d -mindepth 1 | head -1)/fresh.pdf.2.tmp"
find "{cache}" -type f \\( -name '*.pages' -o -name 'stale*' \\) -exec touch -d '2 hours ago' {{}} +
touch -d '1 minute ago' "{cache}"/*/fresh.pdf.2.tmp
"{sys.executable}" -c "{code}" prune || exit 95
find "{cache}" -type f -printf '%f\\n' | sort
"""
    done = subprocess.run([shutil.which("unshare"), "--map-root-user", "--mount", "bash", "-c", script],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len((tmp_path / "before.txt").read_text().split()) == 2      # the failed put left its .pages
    left = done.stdout.split()
    assert len(left) == 3, left                   # the finished layout's two files, and the fresh write
    assert "fresh.pdf.2.tmp" in left
    assert {Path(name).suffix for name in left} == {".pdf", ".pages", ".tmp"}
