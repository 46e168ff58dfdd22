"""A build that fails or is killed leaves the previous output exactly as it was."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from site_helpers import all_files, copy_site

SCRUTINY = [sys.executable, "-m", "generator"]


def run_build(root: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*SCRUTINY, "-C", str(root), "build", "--no-pdf", "-q", "--as-of", "2026-11-22", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def change_content(root: Path, word: str) -> None:
    path = root / "content/inspections/sandwell-2018.yaml"
    text = path.read_text()
    path.write_text(text.replace("introduction: ", f"introduction: {word} ", 1) if "introduction: " in text
                    else text + f"\nintroduction: {word}\n")


def test_a_build_killed_at_random_points_leaves_old_or_new_output_never_a_mix(tmp_path):
    root = copy_site(tmp_path)
    record = root / "content/inspections/sandwell-2018.yaml"
    original = record.read_text()
    assert run_build(root).wait(timeout=300) == 0
    site = root / "output/site"
    old = all_files(site)
    change_content(root, "Changed")
    changed = record.read_text()
    started = time.perf_counter()
    reference = tmp_path / "reference"
    assert run_build(root, "-o", str(reference)).wait(timeout=300) == 0
    duration = time.perf_counter() - started
    new = all_files(reference)
    assert new != old

    killed_mid_way = 0
    for seed in range(15):                       # until three runs were really killed mid-way
        if killed_mid_way >= 3:
            break
        if all_files(site) != old:               # the last run finished: put the old output back
            record.write_text(original)
            assert run_build(root).wait(timeout=300) == 0
            assert all_files(site) == old
            record.write_text(changed)
        delay = random.Random(seed).uniform(0.05, 0.6) * duration
        process = run_build(root)
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=300)
        now = all_files(site)
        assert now in (old, new), f"seed {seed}: output is a mix of two builds"
        killed_mid_way += process.returncode == -signal.SIGKILL
    assert killed_mid_way >= 3
    # After the kills, a normal build completes and cleans up its leftovers.
    assert run_build(root).wait(timeout=300) == 0
    assert all_files(site) == new
    # Only the spare folder stays beside the site (the next build makes its version there).
    leftovers = [p.name for p in (root / "output").iterdir() if p.name.startswith(".site.")]
    assert leftovers == [".site.previous"]


def test_content_errors_write_nothing_and_say_so(tmp_path):
    root = copy_site(tmp_path)
    assert run_build(root).wait(timeout=300) == 0
    old = all_files(root / "output/site")
    path = root / "content/inspections/torbay-2021.yaml"
    path.write_text(path.read_text().replace("rating: Requires improvement", "rating: Requires improvment", 1))
    process = run_build(root)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1
    assert b"Traceback" not in stderr
    assert b"is not a rating" in stderr and b"unchanged" in stderr
    assert all_files(root / "output/site") == old


def test_a_second_build_while_one_holds_the_lock_waits_for_it_then_builds(tmp_path):
    """Two builds never overlap: the second says it is waiting, changes nothing while it
    waits, and builds once the first has finished, from what it then reads."""
    import fcntl
    import time
    root = copy_site(tmp_path)
    assert run_build(root).wait(timeout=300) == 0
    old = all_files(root / "output/site")
    change_content(root, "Changed")
    with open(root / "output/.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)           # as a running build holds it
        lock.write("pid 4242")
        lock.flush()
        second = run_build(root)
        time.sleep(3)
        assert second.poll() is None, "the second build did not wait"
        assert all_files(root / "output/site") == old
    _, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    assert b"waiting for another build" in err and b"pid 4242" in err and b"Traceback" not in err
    assert all_files(root / "output/site") != old


def test_the_command_ends_with_its_last_line_said_into_a_pipe(tmp_path):
    # `scrutiny build` ends its process without tearing down the heap (cli.main): what it
    # printed into a pipe, which Python buffers, must still arrive, with the right exit code.
    root = copy_site(tmp_path)
    command = [*SCRUTINY, "-C", str(root), "build", "--no-pdf", "--no-search", "--as-of", "2026-11-22"]
    first = subprocess.run(command, capture_output=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert first.stdout.decode().splitlines()[-1].startswith(f"built {root / 'output/site'}: ")
    assert b" rendered, 0 reused" in first.stdout
    again = subprocess.run(command, capture_output=True, timeout=300)
    assert again.returncode == 0 and b"(nothing changed since the last build)" in again.stdout



def build_running(script: str, root: Path, site: Path) -> subprocess.CompletedProcess:
    """`scrutiny build` of `root` into `site`, run by `script` (which stops it at some point)."""
    return subprocess.run([sys.executable, "-c", script, "-C", str(root), "build", "--no-pdf", "--no-search", "-q",
                           "--as-of", "2026-11-22", "-o", str(site)], capture_output=True, text=True, timeout=300)


def files_naming(name: str, folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*") if name in p.as_posix()]

STOP_AFTER_THE_SWAP = """
import os, signal, sys
from generator.write import manifest
saved = manifest.save
def save(site, live):
    if live.state is not None:          # the swap is done; the spare folder is the old version
        os.kill(os.getpid(), signal.SIGTERM)
    return saved(site, live)
manifest.save = save
from generator.cli import main
sys.argv[0] = "scrutiny"
main()
"""


def test_a_build_terminated_just_after_its_swap_leaves_no_old_version_beside_the_site(tmp_path):
    """SIGTERM (`kill`, systemd stopping the service) ended a build at once. Just after the
    swap, the spare folder beside the site holds the version just replaced, a withdrawn
    record's pages included, until the trim: a site built with `-o` into a web server's
    folder had them served. Now SIGTERM waits for the trim, then ends the build."""
    root = copy_site(tmp_path / "site")
    www = tmp_path / "www"
    site = www / "youth-justice"
    assert run_build(root, "--no-search", "-o", str(site)).wait(timeout=300) == 0
    assert (site / "inspections/sandwell-2018/index.html").is_file()
    record = root / "content/inspections/sandwell-2018.yaml"
    record.write_text(record.read_text().replace("status: published", "status: draft", 1))

    stopped = build_running(STOP_AFTER_THE_SWAP, root, site)

    assert stopped.returncode == -signal.SIGTERM, stopped.stderr
    left = files_naming("sandwell-2018", www)
    assert left == [], f"the withdrawn record beside the site: {left[:5]}"
    assert (www / ".youth-justice.previous").is_dir() and (site / "index.html").is_file()
    assert run_build(root, "--no-search", "-o", str(site)).wait(timeout=300) == 0


KILLED_IN_THE_TRIM = """
import os, signal, sys
from generator import write
def trim(self, live):                   # the swap is done; the spare folder is the old version
    os.kill(os.getpid(), signal.SIGKILL)
write.Staging.trim = trim
from generator.cli import main
sys.argv[0] = "scrutiny"
main()
"""


def test_a_build_killed_in_its_trim_leaves_no_old_version_beside_the_site_after_the_next_build(tmp_path):
    """SIGKILL (the OOM killer, a power cut, systemd's last resort) cannot wait for the trim:
    the spare folder beside the site keeps the version just replaced, a withdrawn record's
    pages included. The manifest was saved before the trim, vouching for the new site, so the
    next build found nothing changed and left the spare folder as it was, build after build: a
    site built with `-o` into a web server's folder had the withdrawn pages served beside it."""
    root = copy_site(tmp_path / "site")
    www = tmp_path / "www"
    site = www / "youth-justice"
    assert run_build(root, "--no-search", "-o", str(site)).wait(timeout=300) == 0
    record = root / "content/inspections/sandwell-2018.yaml"
    record.write_text(record.read_text().replace("status: published", "status: draft", 1))

    killed = build_running(KILLED_IN_THE_TRIM, root, site)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not (site / "inspections/sandwell-2018").exists()

    assert run_build(root, "--no-search", "-o", str(site)).wait(timeout=300) == 0
    left = files_naming("sandwell-2018", www)
    assert left == [], f"the withdrawn record beside the site: {left[:5]}"


KILLED_BEFORE_THE_SWAP = """
import os, signal, sys
from generator import write
def commit(self):                       # rendered into the spare folder; the swap not begun
    os.kill(os.getpid(), signal.SIGKILL)
write.Staging.commit = commit
from generator.cli import main
sys.argv[0] = "scrutiny"
main()
"""


def test_a_record_published_by_mistake_and_put_back_leaves_nothing_beside_the_site_when_its_build_was_killed(
        tmp_path):
    """A clerk publishes a record by mistake; its build is killed (SIGKILL) after rendering
    its pages into the spare folder; the clerk sets it back to draft. The content is then what
    the live site was built from, so the next build found nothing changed and left the
    record's pages beside the site, build after build."""
    root = copy_site(tmp_path / "site")
    www = tmp_path / "www"
    site = www / "youth-justice"
    record = root / "content/inspections/sandwell-2018.yaml"
    published = record.read_text()
    record.write_text(published.replace("status: published", "status: draft", 1))
    assert run_build(root, "--no-search", "-o", str(site)).wait(timeout=300) == 0
    record.write_text(published)

    killed = build_running(KILLED_BEFORE_THE_SWAP, root, site)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (www / ".youth-justice.previous/inspections/sandwell-2018/index.html").is_file()

    record.write_text(published.replace("status: published", "status: draft", 1))
    assert run_build(root, "--no-search", "-o", str(site)).wait(timeout=300) == 0
    left = files_naming("sandwell-2018", www)
    assert left == [], f"the record set back to draft, beside the site: {left[:5]}"


PAGE_WORKERS_ASLEEP = """
import os, sys, time
from pathlib import Path
from generator import render
def asleep(chunk):                      # a page worker, busy for as long as the test needs
    Path(os.environ["WORKER_PIDS"], str(os.getpid())).touch()
    time.sleep(600)
render._render_chunk = asleep
render.PARALLEL_THRESHOLD = 0           # forked page workers, however small the site
from generator.cli import main
sys.argv[0] = "scrutiny"
main()
"""


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_build_terminated_while_its_page_workers_run_ends_them_before_it_lets_the_lock_go(tmp_path):
    """`kill PID` (SIGTERM) ended the build's own process at once: its forked page workers ran
    on, holding the output's lock, so the next build waited for them or was refused, and each
    printed a BrokenPipeError traceback. Now the build stops its workers, then lets the lock go,
    and ends by SIGTERM as before, the previous site as it was."""
    import fcntl
    root = copy_site(tmp_path / "site")
    assert run_build(root, "--no-search").wait(timeout=300) == 0
    site = root / "output/site"
    old = all_files(site)
    change_content(root, "Changed")
    pids = tmp_path / "workers"
    pids.mkdir()
    with open(tmp_path / "stderr", "w") as stderr:     # a file: a pipe would stay open while a worker lives
        build = subprocess.Popen([sys.executable, "-c", PAGE_WORKERS_ASLEEP, "-C", str(root), "build", "--no-pdf",
                                  "--no-search", "-q", "-j", "2", "--rebuild", "--as-of", "2026-11-22"],
                                 env={**os.environ, "WORKER_PIDS": str(pids)}, stderr=stderr)
    try:
        deadline = time.monotonic() + 120          # a guard, not a measure
        while len(list(pids.iterdir())) < 2 and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(list(pids.iterdir())) == 2, "the page workers never started"
        build.send_signal(signal.SIGTERM)
        assert build.wait(timeout=120) == -signal.SIGTERM, (tmp_path / "stderr").read_text()
        with open(root / "output/.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)      # free at once: BlockingIOError if not
        assert [p.name for p in pids.iterdir() if _running(int(p.name))] == []
        assert all_files(site) == old
    finally:
        build.kill()
        for worker in pids.iterdir():
            if _running(int(worker.name)):
                os.kill(int(worker.name), signal.SIGKILL)
    _, err = run_build(root, "--no-search").communicate(timeout=300)
    assert "waiting for another build" not in err.decode()
    assert all_files(site) != old
    assert "Traceback" not in (tmp_path / "stderr").read_text()        # nothing printed on the way out
