"""tools/publish and the schedule recipe in docs/publishing.md, run for real in temp folders.

The script builds the site with `scrutiny build` and publishes output/site to DEST/current,
a symbolic link swapped with one rename. These tests prove the swap is atomic for readers,
that every failure leaves the live site as it was, and that the documented cron line and
systemd units work.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PUBLISH = REPO / "tools" / "publish"
DOCS = REPO / "docs" / "publishing.md"

INSPECTION = """\
service: torbay-yot
framework: hmip-youth-2018
published: 2021-03-03
lead_inspector: Maria Jerram
embargo_until: 2021-03-03 00:01
"""


@pytest.fixture
def scrutiny(tmp_path) -> Path:
    """A `scrutiny` command for the script: this interpreter running the generator."""
    command = tmp_path / "bin" / "scrutiny"
    command.parent.mkdir()
    command.write_text(f"#!/bin/sh\nexec '{sys.executable}' -m generator \"$@\"\n")
    command.chmod(0o755)
    return command


@pytest.fixture
def site(tmp_path, make_site):
    return make_site(tmp_path / "site", {"inspections/torbay-2021.yaml": INSPECTION})


def publish(site: Path, dest: Path, scrutiny: Path, *options: str, path_prefix: Path | None = None,
            script: Path = PUBLISH, tz: str | None = None, umask: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SCRUTINY": str(scrutiny)}
    if path_prefix is not None:
        env["PATH"] = f"{path_prefix}:{env['PATH']}"
    if tz is not None:
        env["TZ"] = tz
    return subprocess.run([str(script), "-C", str(site), "--no-pdf", *options, str(dest)],
                          capture_output=True, text=True, env=env, timeout=120,
                          preexec_fn=None if umask is None else lambda: os.umask(umask))


def live(dest: Path) -> tuple[str, str]:
    """(the release `current` points at, the live home page)."""
    return os.readlink(dest / "current"), (dest / "current" / "index.html").read_text(encoding="utf-8")


def set_title(site: Path, title: str) -> None:
    (site / "content/site.yaml").write_text(f"title: {title}\norganisation: Test Council\n", encoding="utf-8")


def releases(dest: Path) -> list[str]:
    return sorted(p.name for p in (dest / "releases").iterdir())


def test_publish_builds_and_swaps_in_a_new_release(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    first = publish(site, dest, scrutiny)
    assert first.returncode == 0, first.stderr
    assert (dest / "current").is_symlink()
    link, page = live(dest)
    assert re.fullmatch(r"releases/\d{8}-\d{6}-\d{9}", link)
    assert "Test Inspections" in page
    assert f"published {link}" in first.stdout

    again = publish(site, dest, scrutiny)
    assert again.returncode == 0 and "nothing new" in again.stdout
    assert live(dest)[0] == link and releases(dest) == [link.split("/")[1]]

    set_title(site, "Youth Justice Inspections")
    changed = publish(site, dest, scrutiny)
    assert changed.returncode == 0, changed.stderr
    new_link, page = live(dest)
    assert new_link != link and "Youth Justice Inspections" in page
    assert f"(was {link})" in changed.stdout
    assert len(releases(dest)) == 2                    # the previous one is kept, for a rollback


def test_readers_never_see_a_missing_or_half_copied_site(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    assert publish(site, dest, scrutiny).returncode == 0
    titles = ["Test Inspections"] + [f"Version {n}" for n in range(1, 4)]
    stop = threading.Event()
    seen: set[str] = set()
    failures: list[str] = []

    def read_forever() -> None:
        while not stop.is_set():
            try:
                page = (dest / "current" / "index.html").read_text(encoding="utf-8")
                (dest / "current" / "assets" / "style.css").read_bytes()
            except OSError as exc:
                failures.append(repr(exc))
                continue
            found = [t for t in titles if f"{t}</" in page]
            if len(found) != 1:
                failures.append(page[:200])
            seen.update(found)

    reader = threading.Thread(target=read_forever)
    reader.start()
    try:
        for title in titles[1:]:
            set_title(site, title)
            result = publish(site, dest, scrutiny)
            assert result.returncode == 0, result.stderr
    finally:
        stop.set()
        reader.join()
    assert failures == []
    assert "Version 3" in live(dest)[1] and len(seen) >= 2


def build_then_another(tmp_path: Path, scrutiny: Path, output: Path) -> Path:
    """A `scrutiny` for the script that runs the real build, then leaves a stand-in for another
    build holding output/.lock (as `scrutiny build` does) part-way through writing output/site."""
    held = tmp_path / "held"
    command = tmp_path / "bin" / "scrutiny-then-another-build"
    command.write_text(
        "#!/bin/sh\n"
        f"'{scrutiny}' \"$@\" || exit $?\n"
        f"( exec 7<>'{output}/.lock'; flock 7; echo half > '{output}/site/first-half.html'; touch '{held}';\n"
        f"  sleep 1; echo second > '{output}/site/second-build.html'; rm '{output}/site/first-half.html' ) &\n"
        f"while [ ! -e '{held}' ]; do sleep 0.05; done\n")
    command.chmod(0o755)
    return command


def assert_the_release_is_the_other_builds_whole_output(dest: Path) -> None:
    assert (dest / "current" / "second-build.html").read_text() == "second\n"
    assert not (dest / "current" / "first-half.html").exists()


def test_the_copy_waits_for_a_build_that_holds_the_output_folder(tmp_path, site, scrutiny):
    # Another build is part-way through writing output/site when the publish's own build
    # ends: the release must be that build's whole output, never a copy taken while it writes.
    dest = tmp_path / "www"
    result = publish(site, dest, build_then_another(tmp_path, scrutiny, site / "output"))
    assert result.returncode == 0, result.stderr
    assert f"publish: waiting for another build of {site / 'output'} to finish" in result.stdout
    assert_the_release_is_the_other_builds_whole_output(dest)


def test_a_failed_build_publishes_nothing(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    assert publish(site, dest, scrutiny).returncode == 0
    before = live(dest), releases(dest)
    (site / "content/inspections/torbay-2021.yaml").write_text(INSPECTION + "overall: {rating: Outstnding}\n")
    result = publish(site, dest, scrutiny)
    assert result.returncode == 1
    assert "'Outstnding' is not a rating" in result.stderr
    assert "the build failed; nothing was published and the live site is unchanged" in result.stderr
    assert (live(dest), releases(dest)) == before


def shim(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/usr/bin/env bash\n" + script)
    path.chmod(0o755)
    return folder


def test_a_failed_copy_leaves_the_live_site_and_no_partial_release(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    assert publish(site, dest, scrutiny).returncode == 0
    before = live(dest), releases(dest)
    set_title(site, "Never published")
    # a copy that dies half way (a full disk, say): one file written, then failure
    real_cp = shutil.which("cp")
    broken = shim(tmp_path / "shims", "cp", f'for a; do target="$a"; done\n'
                  f'{real_cp} "$(dirname "$target")/../../site/output/site/index.html" "$target" 2>/dev/null\n'
                  'echo "cp: No space left on device" >&2; exit 1\n')
    result = publish(site, dest, scrutiny, path_prefix=broken)
    assert result.returncode == 1
    assert "copying the site" in result.stderr and "the live site is unchanged" in result.stderr
    assert (live(dest), releases(dest)) == before
    assert "Never published" not in live(dest)[1]


def test_a_failed_swap_leaves_the_live_site_and_removes_the_new_release(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    assert publish(site, dest, scrutiny).returncode == 0
    before = live(dest), releases(dest)
    set_title(site, "Never published")
    real_mv = shutil.which("mv")
    broken = shim(tmp_path / "shims", "mv", 'for a; do last="$a"; done\n'
                  'case "$last" in */current) echo "mv: Input/output error" >&2; exit 1 ;; esac\n'
                  f'exec {real_mv} "$@"\n')
    result = publish(site, dest, scrutiny, path_prefix=broken)
    assert result.returncode == 1 and "could not switch" in result.stderr
    assert (live(dest), releases(dest)) == before
    assert not (dest / ".current.new").exists()


def test_an_embargoed_record_goes_live_at_the_first_publish_after_its_embargo(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    assert publish(site, dest, scrutiny, "--as-of", "2021-03-03 00:00").returncode == 0
    assert not (dest / "current/inspections/torbay-2021/index.html").exists()
    listed = subprocess.run([str(scrutiny), "-C", str(site), "list", "embargoed", "--as-of", "2021-03-03 00:00"],
                            capture_output=True, text=True)
    assert listed.stdout.startswith("next release: 2021-03-03 00:01 (torbay-2021)")
    assert publish(site, dest, scrutiny, "--as-of", "2021-03-03 00:01").returncode == 0
    assert "Maria Jerram" in (dest / "current/inspections/torbay-2021/index.html").read_text()


def test_old_releases_are_pruned_but_never_the_live_one(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    for n in range(3):
        set_title(site, f"Version {n}")
        assert publish(site, dest, scrutiny, "--keep", "2").returncode == 0
    kept = releases(dest)
    assert len(kept) == 2 and live(dest)[0].split("/")[1] == kept[-1]
    assert "Version 2" in live(dest)[1]


def test_releases_are_named_in_publishing_order_whatever_the_time_zone(tmp_path, site, scrutiny):
    # The clocks going back in October, or a run by hand under another TZ than cron's: a
    # release named by the local clock sorts before the one it replaced, so `ls releases/`
    # (newest last, as the rollback recipe reads it) and the pruning misjudge which is newest.
    dest = tmp_path / "www"
    for n, zone in enumerate(["Pacific/Kiritimati", "Europe/London", "Etc/GMT+12"]):   # UTC+14, then +0/+1, then -12
        set_title(site, f"Version {n}")
        assert publish(site, dest, scrutiny, "--keep", "2", tz=zone).returncode == 0
    assert live(dest)[0] == f"releases/{releases(dest)[-1]}"
    assert "Version 2" in live(dest)[1]
    previous = (dest / "releases" / releases(dest)[0] / "index.html").read_text(encoding="utf-8")
    assert "Version 1" in previous                      # the one to roll back to is kept


def test_a_release_is_readable_by_the_web_server_under_a_private_umask(tmp_path, site, scrutiny):
    # nginx runs as another user: a releases/ folder made 0700 under umask 077 answers 403 for
    # every page, though each file in it is readable.
    dest = tmp_path / "www"
    assert publish(site, dest, scrutiny, umask=0o077).returncode == 0
    for folder in (dest, dest / "releases", (dest / "current").resolve()):
        assert folder.stat().st_mode & 0o005 == 0o005, f"{folder} is {oct(folder.stat().st_mode)}"
    assert (dest / "current" / "index.html").stat().st_mode & 0o004


def test_folders_an_earlier_run_left_private_are_made_readable(tmp_path, site, scrutiny):
    # An earlier version made DEST and releases/ 0700 under umask 077; the next run, whatever
    # its umask, leaves them readable (deploy/README.md: tools/publish sets the modes itself).
    dest = tmp_path / "www"
    (dest / "releases").mkdir(parents=True)
    tmp_path.chmod(0o711)                           # DEST's parent is not publish's to change
    dest.chmod(0o700)
    (dest / "releases").chmod(0o700)
    assert publish(site, dest, scrutiny, umask=0o077).returncode == 0
    for folder in (dest, dest / "releases", (dest / "current").resolve()):
        assert folder.stat().st_mode & 0o777 == 0o755, f"{folder} is {oct(folder.stat().st_mode)}"
    assert tmp_path.stat().st_mode & 0o777 == 0o711


def test_two_publishes_never_overlap(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    assert publish(site, dest, scrutiny).returncode == 0
    before = live(dest)
    set_title(site, "Not yet")
    with open(dest / ".publish.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = publish(site, dest, scrutiny)
    assert result.returncode == 0 and "another publish is running; nothing done" in result.stdout
    assert live(dest) == before


def test_a_real_folder_where_the_link_goes_is_not_replaced(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    (dest / "current").mkdir(parents=True)
    (dest / "current" / "index.html").write_text("hand-made")
    result = publish(site, dest, scrutiny)
    assert result.returncode == 1 and "is a real folder" in result.stderr
    assert (dest / "current" / "index.html").read_text() == "hand-made"


def test_quiet_says_nothing_when_there_is_nothing_new(tmp_path, site, scrutiny):
    dest = tmp_path / "www"
    first = publish(site, dest, scrutiny, "--quiet")
    assert first.stdout.startswith("publish: published releases/")
    assert "built " not in first.stdout
    again = publish(site, dest, scrutiny, "--quiet")
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


# --------------------------------------------------------------------------- the documented recipe

def doc_blocks(language: str) -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_the_documented_cron_line_publishes(tmp_path, site, scrutiny):
    (line,) = [ln for block in doc_blocks("crontab") for ln in block.splitlines() if ln.strip()]
    fields = line.split(None, 5)
    assert fields[:5] == ["*"] * 5, "every minute: embargoes end on the minute"
    command = fields[5]
    assert "tools/publish" in command
    # the site's checkout holds tools/publish, as /srv/scrutiny does
    (site / "tools").mkdir()
    shutil.copy2(PUBLISH, site / "tools" / "publish")
    (tmp_path / "log").mkdir()
    command = (command.replace("/srv/scrutiny", str(site)).replace("/var/www/scrutiny", str(tmp_path / "www"))
               .replace("/var/log/scrutiny", str(tmp_path / "log")))
    assert "/srv/" not in command and "/var/" not in command
    env = {"PATH": f"{scrutiny.parent}:/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}  # cron's bare env
    result = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True, timeout=120)
    log = (tmp_path / "log" / "publish.log").read_text()
    assert result.returncode == 0, log
    assert "published releases/" in log
    assert "Test Inspections" in live(tmp_path / "www")[1]


def test_the_documented_systemd_units_verify(tmp_path, site):
    analyze = shutil.which("systemd-analyze")
    # Never skipped: without systemd-analyze the documented units would go unchecked.
    assert analyze, "systemd-analyze is missing: sudo apt-get install systemd"
    units = {}
    for block in doc_blocks("ini"):
        name = re.match(r"# /etc/systemd/system/(\S+)\n", block)
        if name:
            units[name.group(1)] = block
    assert set(units) == {"scrutiny-publish.service", "scrutiny-publish.timer"}
    (site / "tools").mkdir()
    shutil.copy2(PUBLISH, site / "tools" / "publish")
    for name, text in units.items():
        (tmp_path / name).write_text(text.replace("/srv/scrutiny", str(site)))
    assert f"ExecStart={site}/tools/publish" in (tmp_path / "scrutiny-publish.service").read_text()
    result = subprocess.run([analyze, "verify", "--man=no", *(str(tmp_path / n) for n in sorted(units))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calendar = re.search(r"OnCalendar=(.+)", units["scrutiny-publish.timer"]).group(1)
    every = subprocess.run([analyze, "calendar", "--iterations=2", calendar], capture_output=True, text=True)
    assert every.returncode == 0
    times = re.findall(r"\d{2}:\d{2}:\d{2}", every.stdout)
    (h1, m1, s1), (h2, m2, s2) = [map(int, t.split(":")) for t in times[:2]]
    assert s1 == s2 == 0 and ((h2 * 60 + m2) - (h1 * 60 + m1)) % (24 * 60) == 1   # on every minute


def served(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def test_the_documented_web_server_serves_each_release_with_the_sites_policy(tmp_path, site, scrutiny):
    """The recipe's nginx, as typed (paths, user and port replaced; in the foreground): the live
    release, with the Content-Security-Policy the site is tested under, and the next release
    without a reload."""
    (recipe,) = [block for block in doc_blocks("sh") if "@SITE_DIR@|/var/www/scrutiny/current|" in block]
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.access(nginx, os.X_OK), "nginx is missing: sudo apt-get install nginx-light"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run, dest = tmp_path / "nginx", tmp_path / "www"
    (site / "deploy").mkdir()
    shutil.copy2(REPO / "deploy" / "nginx.conf", site / "deploy" / "nginx.conf")
    typed = (recipe.replace("sudo ", "").replace("/var/lib/scrutiny-nginx", str(run))
             .replace("/var/www/scrutiny", str(dest)).replace("/srv/scrutiny", str(site))
             .replace("@USER@|www-data", f"@USER@|{pwd.getpwuid(os.getuid()).pw_name}")
             .replace("@LISTEN@|80|", f"@LISTEN@|127.0.0.1:{port}|"))
    lines = typed.splitlines()
    start = lines.pop()
    assert start.startswith("nginx -p ")
    assert subprocess.run(["/bin/sh", "-c", "\n".join(lines)], capture_output=True, timeout=60).returncode == 0
    assert publish(site, dest, scrutiny).returncode == 0
    server = subprocess.Popen([*shlex.split(start), "-e", str(run / "error.log"), "-g", "daemon off;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        home = f"http://127.0.0.1:{port}/scrutiny/"
        for _ in range(100):
            try:
                status, headers, page = served(home)
                break
            except OSError:
                time.sleep(0.05)
        assert status == 200 and "Test Inspections" in page
        policy = re.search(r'Content-Security-Policy "([^"]+)"', (REPO / "deploy" / "nginx.conf").read_text()).group(1)
        assert headers["Content-Security-Policy"] == policy and headers["X-Content-Type-Options"] == "nosniff"
        # A missing address, three folders down: the live release's own page, with status 404.
        status, headers, page = served(home + "inspections/gone/for/good.html")
        assert status == 404 and headers["Content-Security-Policy"] == policy
        assert "<title>Page not found - Test Inspections</title>" in page
        assert 'href="/scrutiny/index.html"' in page and 'href="/scrutiny/assets/style.css"' in page
        set_title(site, "Version 2")
        assert publish(site, dest, scrutiny).returncode == 0
        assert "Version 2" in served(home)[2]
        assert "<title>Page not found - Version 2</title>" in served(home + "no-such-page")[2]
    finally:
        server.send_signal(signal.SIGQUIT)
        server.wait(timeout=10)


def test_the_copy_waits_for_a_build_when_output_site_is_a_link(tmp_path, site, scrutiny):
    # output/site is a symbolic link to a folder on another disk: `scrutiny build` resolves it
    # and locks the .lock beside the real folder, so the publish must lock that one too.
    dest = tmp_path / "www"
    real = tmp_path / "bigdisk"
    real.mkdir()
    (site / "output").mkdir(exist_ok=True)
    (site / "output" / "site").symlink_to(real / "site")
    result = publish(site, dest, build_then_another(tmp_path, scrutiny, real))
    assert result.returncode == 0, result.stderr
    assert_the_release_is_the_other_builds_whole_output(dest)
