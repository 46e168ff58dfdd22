"""`scrutiny serve`: rebuild on change, live reload, content errors shown in the page itself.

The end-to-end test starts the real command in a subprocess on a free port, against a temp
copy of a small site, and drives it the way a clerk does: edit a record, break it, fix it.
Every wait is a poll with a deadline.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.authoring.serve import HOST, State, inject, make_server, overlay
from generator.problems import Problem, Severity

DEADLINE = 20.0

INSPECTION = """\
service: torbay-yot
framework: hmip-youth-2018
fieldwork: {from: 2020-10-26, to: 2020-10-29}
published: 2021-03-03
lead_inspector: Maria Jerram
overall: {rating: Requires improvement}
standards:
  "1.1": Inadequate
  "1.2": Requires improvement
"""
RATING_LINE = 9        # the line of "1.2" above, where the fault is planted


def wait_for(what: str, probe, deadline: float = DEADLINE):
    """Call probe() until it returns something true; fail after `deadline` seconds."""
    end = time.monotonic() + deadline
    last = None
    while time.monotonic() < end:
        try:
            last = probe()
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(0.1)
    raise AssertionError(f"gave up after {deadline:.0f}s waiting for {what}; last: {str(last)[:2000]}")


def get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


class Server:
    """`scrutiny -C root serve --port 0` in a subprocess; its output is collected by a thread."""

    def __init__(self, root: Path, *options: str, script: str | None = None, env: dict | None = None) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        program = ["-c", script] if script else ["-m", "generator"]
        self.process = subprocess.Popen(
            [sys.executable, *program, "-C", str(root), "serve", "--port", "0", *options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            start_new_session=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        match = wait_for("the server to start", lambda: self._url() or self._died(), 60)
        self.url = match

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def _url(self) -> str | None:
        for line in self.lines:
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                return match.group(1)
        return None

    def _died(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError("serve exited early:\n" + "\n".join(self.lines))

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].strip("/"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                # Generous: once, on a loaded machine, 10 s was not enough (not reproduced
                # in seven runs since, four of them beside a large build). A hang still fails.
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.reader.join(5)
        return self.process.returncode


@pytest.fixture
def served(tmp_path, make_site):
    servers: list[Server] = []

    def start(files: dict[str, str], *options: str) -> tuple[Path, Server]:
        root = make_site(tmp_path, files)
        server = Server(root, *options)
        servers.append(server)
        return root, server

    yield start
    for server in servers:
        server.stop()


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net/tcp* writes them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:     # 0A: LISTEN
                found.add(address)
    return found


def test_serve_rebuilds_on_change_shows_errors_in_the_page_and_recovers(served):
    root, server = served({"inspections/torbay-2021.yaml": INSPECTION})
    page_url = server.url + "inspections/torbay-2021/"
    record = root / "content/inspections/torbay-2021.yaml"
    built = root / "output/serve/inspections/torbay-2021/index.html"

    # loopback only: the one listening socket on the port is 127.0.0.1 (0100007F)
    assert listening_addresses(server.port) == {"0100007F"}

    page = wait_for("the inspection page", lambda: (p := get(page_url)) and "Maria Jerram" in p and p)
    assert "data-scrutiny-serve" in page and "/__scrutiny/version" in page
    assert "data-scrutiny-serve" not in built.read_text(encoding="utf-8"), "the built file must stay clean"
    assert 'id="scrutiny-errors"' not in page
    first_version = get(server.url + "__scrutiny/version")

    # 1. a change to a record: the served page changes
    record.write_text(INSPECTION.replace("Maria Jerram", "Jane Doe"), encoding="utf-8")
    page = wait_for("the changed page", lambda: (p := get(page_url)) and "Jane Doe" in p and p)
    assert "Maria Jerram" not in page
    # the number open pages poll moves on once the build is done: that is what reloads them
    wait_for("a new build number", lambda: get(server.url + "__scrutiny/version") != first_version)

    # 2. a broken record: the page shows the error with its file and line, over the last good page
    broken = INSPECTION.replace("Maria Jerram", "Jane Doe").replace('"1.2": Requires improvement',
                                                                     '"1.2": Requires improvment')
    assert broken.split("\n")[RATING_LINE - 1] == '  "1.2": Requires improvment'
    record.write_text(broken, encoding="utf-8")
    page = wait_for("the error overlay", lambda: (p := get(page_url)) and 'id="scrutiny-errors"' in p and p)
    assert f"content/inspections/torbay-2021.yaml:{RATING_LINE}:" in page
    assert "&#x27;Requires improvment&#x27; is not a rating" in page
    assert "Jane Doe" in page, "the last good page is still served under the overlay"
    home = get(server.url)
    assert 'id="scrutiny-errors"' in home, "every page shows the overlay while the build is broken"
    assert "data-scrutiny-serve" not in built.read_text(encoding="utf-8")
    wait_for("the terminal to say it too", lambda: f"torbay-2021.yaml:{RATING_LINE}" in server.output())

    # 3. fixed: the overlay goes and the page shows the fix
    record.write_text(INSPECTION.replace("Maria Jerram", "Ann Other"), encoding="utf-8")
    wait_for("the fixed page without the overlay",
             lambda: (p := get(page_url)) and "Ann Other" in p and 'id="scrutiny-errors"' not in p)

    # Ctrl-C stops it cleanly
    assert server.stop() == 0
    assert server.output().rstrip().endswith("stopped")
    assert listening_addresses(server.port) == set()


# Serve whose every page goes to forked render workers (as a large site's do), and whose
# workers, once the file SCRUTINY_STICK names exists, stay in their chunk until they are stopped.
SERVE_WITH_STUCK_WORKERS = """
import os, sys, time
from pathlib import Path
import generator.render as render
render.PARALLEL_THRESHOLD = 0
render.default_jobs = lambda jobs: 2
rendering = render._render_chunk
def render_chunk(indexes):
    stick = Path(os.environ["SCRUTINY_STICK"])
    if stick.exists():
        stick.with_suffix(".started").touch()
        time.sleep(3600)
    return rendering(indexes)
render._render_chunk = render_chunk
from generator.cli import main
sys.argv[0] = "scrutiny"
main()
"""


def session_processes(session: int) -> list[int]:
    """The processes still in session `session`."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[3]) == session:
                found.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.parametrize("stop", ["SIGTERM to serve alone, as `kill PID` sends",
                                  "SIGINT to its process group, as Ctrl-C in a terminal sends"])
def test_serve_stopped_while_its_workers_render_stops_and_releases_the_lock(tmp_path, make_site, stop):
    """A render worker inherited serve's SIGTERM handler, which only set a flag: the pool's
    terminate() could not end it, so serve stopped mid-rebuild waited for it for ever, holding
    output/.lock, and every `scrutiny build` (a clerk's publish) waited behind it."""
    import fcntl
    root = make_site(tmp_path / "site", {"inspections/torbay-2021.yaml": INSPECTION})
    stick = tmp_path / "stick"
    server = Server(root, "--no-search", script=SERVE_WITH_STUCK_WORKERS, env={"SCRUTINY_STICK": str(stick)})
    try:
        wait_for("the first build", lambda: "watching" in server.output(), 60)
        stick.touch()
        record = root / "content/inspections/torbay-2021.yaml"
        record.write_text(INSPECTION.replace("Maria Jerram", "Jane Doe"), encoding="utf-8")
        wait_for("a worker in the middle of the rebuild", stick.with_suffix(".started").exists, 60)
        if stop.startswith("SIGTERM"):
            server.process.send_signal(signal.SIGTERM)
        else:
            os.killpg(server.process.pid, signal.SIGINT)
        try:
            code = server.process.wait(60)           # generous: it stops at once once it works
        except subprocess.TimeoutExpired:
            code = None
        wait_for("serve's workers to be gone", lambda: not session_processes(server.process.pid), 30)
    finally:
        if session_processes(server.process.pid):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(10)
        server.reader.join(5)
    assert code == 0, server.output()
    assert server.output().rstrip().endswith("stopped") and "Traceback" not in server.output(), server.output()
    with open(root / "output/.lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)    # raises BlockingIOError while held


def test_a_new_record_appears_without_restarting(served):
    root, server = served({})
    assert "Page not found" in get(server.url + "inspections/dudley-2019/")
    (root / "content/inspections").mkdir()          # a new folder inside content/ is watched too
    (root / "content/inspections/dudley-2019.yaml").write_text(INSPECTION, encoding="utf-8")
    wait_for("the new page", lambda: "Maria Jerram" in get(server.url + "inspections/dudley-2019/"))


def watched_inodes(server: Server) -> set[int]:
    """The inode numbers of the folders the serve process has an inotify watch on (Linux)."""
    found = set()
    for fd in Path(f"/proc/{server.process.pid}/fd").iterdir():
        try:
            if os.readlink(fd) != "anon_inode:inotify":
                continue
            info = Path(f"/proc/{server.process.pid}/fdinfo/{fd.name}").read_text()
        except OSError:
            continue
        found |= {int(number, 16) for number in re.findall(r"^inotify wd:\d+ ino:([0-9a-f]+)", info, re.M)}
    return found


def test_content_deleted_and_made_again_is_watched_again(served):
    """A folder restored from a copy (or replaced by a sync tool) is a new folder: the watch on
    the old one hears nothing more, and the preview went on showing 'there is no content/ folder'."""
    import shutil

    root, server = served({"inspections/torbay-2021.yaml": INSPECTION})
    page_url = server.url + "inspections/torbay-2021/"
    content = root / "content"
    wait_for("the inspection page", lambda: "Maria Jerram" in get(page_url))
    kept = shutil.copytree(content, root / "kept")

    shutil.rmtree(content)
    wait_for("serve to say content/ has gone", lambda: "content/ has gone" in server.output())
    assert "there is no content/ folder" in get(page_url)

    shutil.copytree(kept, content)                  # restored: the page is built again from it
    wait_for("the restored page", lambda: (p := get(page_url)) and "Maria Jerram" in p
             and 'id="scrutiny-errors"' not in p)
    wait_for("serve to watch the restored folder", lambda: content.stat().st_ino in watched_inodes(server))
    record = content / "inspections/torbay-2021.yaml"
    record.write_text(INSPECTION.replace("Maria Jerram", "Jane Doe"), encoding="utf-8")
    wait_for("a save in the restored folder", lambda: "Jane Doe" in get(page_url))

    content.rename(root / "old")                    # replaced in one step: the old folder moved aside
    shutil.copytree(root / "old", content)
    shutil.rmtree(root / "old")
    wait_for("serve to watch the new folder", lambda: content.stat().st_ino in watched_inodes(server))
    assert "content/ replaced" in server.output()
    record.write_text(INSPECTION.replace("Maria Jerram", "Ann Other"), encoding="utf-8")
    wait_for("a save in the new folder", lambda: "Ann Other" in get(page_url))
    assert server.stop() == 0


def test_when_the_first_build_fails_every_page_explains_why(served):
    root, server = served({"councils/broken.yaml": "name: [unclosed\n"})
    page = get(server.url)
    assert 'id="scrutiny-errors"' in page and "content/councils/broken.yaml:" in page
    # nothing of this session was built: neither the page nor the terminal speaks of a last good build
    assert "last good" not in page and "No page is shown until the site has been built." in page
    assert "last good" not in server.output() and "nothing is served until it builds" in server.output()
    (root / "content/councils/broken.yaml").write_text("name: Broken Council\n", encoding="utf-8")
    wait_for("the first good build", lambda: (p := get(server.url)) and "scrutiny-errors" not in p
             and "Test Inspections" in p)


def test_a_drafts_preview_left_in_its_folder_is_not_served_when_the_first_build_fails(tmp_path, make_site, run_cli):
    """`serve --drafts` then `serve` with a content error: the drafts preview is not "the last good build"."""
    root = make_site(tmp_path, {"inspections/torbay-2021.yaml": INSPECTION + "status: draft\n"})
    # Where `serve --drafts` built before it had output/serve-preview (a drafts build goes there no more).
    preview = run_cli("build", "-q", "--drafts", "--no-pdf", "-o", str(root / "output/preview"), root=root)
    assert preview.exit_code == 0, preview.output
    (root / "output/preview").rename(root / "output/serve")
    assert "Maria Jerram" in (root / "output/serve/inspections/torbay-2021/index.html").read_text()
    (root / "content/councils/broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    server = Server(root)
    try:
        for path in ("inspections/torbay-2021/", "inspections/torbay-2021/index.html", ""):
            page = get(server.url + path)
            assert "Maria Jerram" not in page and "torbay-2021" not in page, path
            assert 'id="scrutiny-errors"' in page and "content/councils/broken.yaml:" in page
    finally:
        assert server.stop() == 0


def test_a_plain_serve_beside_a_drafts_serve_never_shows_the_drafts(tmp_path, make_site):
    """Two sessions at once, to compare the public view with the drafts: each has its own folder."""
    root = make_site(tmp_path, {"inspections/torbay-2021.yaml": INSPECTION + "status: draft\n"})
    public = Server(root)
    try:
        drafts = Server(root, "--drafts")       # its first build comes after the public one's
        try:
            assert "Maria Jerram" in get(drafts.url + "inspections/torbay-2021/")
            page = get(public.url + "inspections/torbay-2021/")
            assert "Maria Jerram" not in page and "Page not found" in page
            assert "torbay-2021" not in get(public.url + "inspections/")
        finally:
            assert drafts.stop() == 0
    finally:
        assert public.stop() == 0


def test_a_preview_of_a_moment_to_come_says_so_on_every_page_and_a_plain_serve_does_not(tmp_path, make_site):
    """`serve --as-of` a later moment shows what is still embargoed: without a mark its pages look
    exactly like the public site, on screen and printed. Each page says the moment and the embargo,
    at its top (the first thing read and printed)."""
    root = make_site(tmp_path, {"inspections/torbay-2021.yaml":
                                INSPECTION + 'embargo_until: "2099-06-01 00:01"\n'})
    ahead = Server(root, "--as-of", "2099-06-02 09:30", "--no-search")
    try:
        for address in ("inspections/torbay-2021/", "", "no-such-page"):
            page = get(ahead.url + address)
            body = page[page.index("<body"):]
            banner = body[:body.index("skip-link")]
            assert "PREVIEW as at 2099-06-02 09:30" in banner, address
            assert "not the live site" in banner and "under embargo" in banner, address
        assert "Maria Jerram" in get(ahead.url + "inspections/torbay-2021/")
    finally:
        assert ahead.stop() == 0
    public = Server(root, "--no-search")
    try:
        assert "PREVIEW" not in get(public.url) and "torbay-2021" not in get(public.url + "inspections/")
    finally:
        assert public.stop() == 0


def test_the_banner_of_a_moment_past_names_it_and_no_embargo():
    import datetime as dt

    from generator.authoring.serve import inject_at_top, moment_banner
    from generator.clock import LONDON

    past = dt.datetime(2021, 3, 3, 0, 1, tzinfo=LONDON)
    banner = moment_banner(past, now=dt.datetime(2026, 1, 1, tzinfo=LONDON))
    assert "PREVIEW as at 2021-03-03 00:01" in banner and "embargo" not in banner
    page = inject_at_top(b'<html><body class="x"><a class="skip-link">Skip</a></body></html>', "<div>B</div>")
    assert page == b'<html><body class="x"><div>B</div><a class="skip-link">Skip</a></body></html>'


@pytest.mark.parametrize("command", [
    ("build", "-q", "--drafts", "--no-pdf", "-o", "output/serve"),
    ("build", "-q", "--as-of", "2099-01-01", "--no-pdf", "-o", "output/serve/"),
    ("paper", "inspection", "torbay-2021", "--drafts", "-o", "output/serve/inspections/torbay-2021/torbay-2021.pdf"),
])
def test_no_preview_is_written_where_a_plain_serve_shows_the_public_site(tmp_path, make_site, run_cli, command):
    """A plain `serve` serves output/serve as its own: drafts built there while it runs are
    served as they are, until the next save rebuilds it, so no other command puts them there."""
    root = make_site(tmp_path, {"inspections/torbay-2021.yaml": INSPECTION + "status: draft\n"})
    (root / "output/serve").mkdir(parents=True)
    result = run_cli(*(str(root / word) if word.startswith("output/") else word for word in command), root=root)
    assert result.exit_code == 2, result.output
    assert "where `scrutiny serve` shows what is public now" in result.output
    assert list((root / "output/serve").iterdir()) == []


def test_a_build_of_drafts_into_a_plain_serves_folder_is_refused_under_its_lock(tmp_path, make_site):
    """Asked again under the lock, as every target is: the command's quick refusal may be passed by."""
    from generator.build import build_site
    from generator.clock import now_in_london
    from generator.plan.state import BuildOptions
    from generator.problems import OutputError

    root = make_site(tmp_path, {"inspections/torbay-2021.yaml": INSPECTION + "status: draft\n"})
    (root / "output/serve").mkdir(parents=True)
    options = BuildOptions(root=root, output=root / "output/serve", now=now_in_london(), drafts=True, pdf=False,
                           search=False)
    with pytest.raises(OutputError, match="never goes into .*output/serve"):
        build_site(options)
    assert list((root / "output/serve").iterdir()) == []


def test_a_port_in_use_is_a_clear_usage_error(tmp_path, make_site):
    root = make_site(tmp_path)
    state = State()
    taken = make_server(root, state, 0)
    try:
        port = taken.server_address[1]
        result = subprocess.run([sys.executable, "-m", "generator", "-C", str(root), "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
        # said once, plainly, with the way out; not a usage mistake (no usage text), no traceback
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(f"error: port {port} is already in use"), result.stderr
        assert f"scrutiny serve --port {port + 1}" in result.stderr
        assert "Usage:" not in result.stderr and "Traceback" not in result.stderr
        assert not (root / "output" / "serve").exists(), "nothing is built for a server that cannot start"
    finally:
        taken.server_close()


def test_a_browser_dropping_its_connection_prints_no_traceback(served):
    """A reload, or a page left mid-answer, resets the connection: no fault of anyone's."""
    import socket
    import struct

    _, server = served({"inspections/torbay-2021.yaml": INSPECTION})
    for request in (b"GET /inspections/torbay-2021/ HTTP/1.1\r\n", b"GET / HTTP/1.1\r\nHost: localhost\r\n"):
        for _ in range(5):
            connection = socket.create_connection((HOST, server.port))
            connection.sendall(request)             # half a request; then reset, not closed politely
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
    assert "Maria Jerram" in get(server.url + "inspections/torbay-2021/"), "still answering"
    assert server.stop() == 0
    assert "Traceback" not in server.output() and "Exception occurred" not in server.output(), server.output()


def test_the_script_goes_before_the_closing_body_tag_and_nowhere_else():
    page = b"<html><body><p>x</p></body></html>"
    assert inject(page, "<script></script>") == b"<html><body><p>x</p><script></script></body></html>"
    assert inject(b"<p>no body</p>", "<i></i>") == b"<p>no body</p><i></i>"


def test_the_overlay_escapes_what_it_shows():
    problem = Problem("content/x.yaml", 3, 5, Severity.ERROR, "title", "'<script>alert(1)</script>' is bad",
                      "use <b>text</b>")
    html = overlay([problem], None)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "content/x.yaml:3:5" in html and "&lt;b&gt;text&lt;/b&gt;" in html


def test_the_overlay_names_a_problem_with_the_whole_file_by_the_file_alone():
    """As the terminal writes it (`Problem.where`): ':0:0' names no place in the file."""
    link = Problem("content/attachments/out.png", 0, 0, Severity.ERROR, "",
                   "a symbolic link here leads outside content/attachments, and is not followed")
    html = overlay([link], None)
    assert ">content/attachments/out.png</code>" in html and ":0:0" not in html
    assert "Below is the last good version of this page." in html


def test_the_server_binds_the_loopback_interface_only(tmp_path):
    server = make_server(tmp_path, State(), 0)
    try:
        assert server.server_address[0] == HOST == "127.0.0.1"
    finally:
        server.server_close()


def test_a_request_for_another_host_name_is_refused(tmp_path, make_site):
    """A page elsewhere that points a DNS name at 127.0.0.1 (DNS rebinding) must not read the preview."""
    root = make_site(tmp_path)
    (root / "output/site").mkdir(parents=True)
    (root / "output/site/index.html").write_text("<html><body>draft</body></html>")
    server = make_server(root / "output/site", State(built=True), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        for host, allowed in ((f"127.0.0.1:{port}", True), (f"localhost:{port}", True),
                              (f"attacker.example:{port}", False)):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": host})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    status, body = response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read().decode()
            assert (status == 200 and "draft" in body) == allowed, (host, status)
    finally:
        server.shutdown()
        server.server_close()



def test_a_missing_page_is_the_sites_own_not_found_page_with_its_links_from_the_root(tmp_path, make_site, run_cli):
    """The built 404.html (made for nginx, its links written in by a server-side include) is
    what serve answers for a missing address, at any depth, and for /404.html itself: status
    404, its links from serve's root '/', no directive left for a browser to show as text."""
    root = make_site(tmp_path)
    built = run_cli("build", "-q", "--no-pdf", "--no-search", "-o", str(root / "output/site"), root=root)
    assert built.exit_code == 0, built.output
    server = make_server(root / "output/site", State(built=True), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        for path in ("inspections/gone/for/good.html", "gone/", "404.html"):
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5)
            page = answer.value.read().decode("utf-8")
            assert answer.value.code == 404, path
            assert "<h1>Page not found</h1>" in page, path
            assert 'href="/index.html"' in page and 'href="/search/index.html"' in page, path
            assert "<!--#" not in page and "scrutiny_root" not in page, path
    finally:
        server.shutdown()
        server.server_close()



REPORT = """\
---
council: torbay
title: Youth justice plan update
date: 2024-01-10
---
## Purpose

To update the Board on the youth justice plan.
"""


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under `folder`: its bytes, modification time and inode."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def get_bytes(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


@pytest.mark.pdf
def test_serve_leaves_the_published_site_as_it_was_and_its_pages_keep_their_papers(served, run_cli):
    root, server = served({"reports/plan-update.md": REPORT})
    server.stop()
    built = run_cli("build", "-q", root=root)
    assert built.exit_code == 0, built.output
    site = root / "output" / "site"
    before = snapshot(site)
    assert "reports/plan-update/plan-update.pdf" in before

    server = Server(root)
    try:
        page = get(server.url + "reports/plan-update/index.html")
        assert 'href="plan-update.pdf"' in page or 'plan-update/plan-update.pdf"' in page, page[-3000:]
        status, kind, paper = get_bytes(server.url + "reports/plan-update/plan-update.pdf")
        assert (status, kind) == (200, "application/pdf")
        # made on demand from the same records as the published paper, as at its own date: the same file
        assert paper == before["reports/plan-update/plan-update.pdf"][0]
        assert not (root / "output" / "serve" / "reports" / "plan-update" / "plan-update.pdf").exists()
    finally:
        assert server.stop() == 0
    assert snapshot(site) == before


def test_serve_builds_again_when_the_next_embargo_ends(tmp_path, make_site):
    # A record embargoed until a moment still to come: serve notes that moment from its build
    # and builds again once it has passed (`release_due`), without a file being saved.
    import datetime as dt

    from generator.authoring.serve import Builder, ServeOptions
    from generator.clock import LONDON

    soon = (dt.datetime.now(LONDON) + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    root = make_site(tmp_path, {"inspections/torbay-2021.yaml":
                                INSPECTION + f"embargo_until: {soon:%Y-%m-%d %H:%M}\n"})
    said: list[str] = []
    builder = Builder(ServeOptions(root=root, port=0, pdf=False, drafts=False, search=False, as_of=None),
                      State(), said.append)
    assert builder.build(), said
    assert builder.next_release == soon and not builder.release_due()
    assert not (root / "output" / "serve" / "inspections" / "torbay-2021").exists()
    builder.next_release = dt.datetime.now(LONDON) - dt.timedelta(seconds=1)     # as if the time had come
    assert builder.release_due()


def test_serve_builds_again_when_a_new_day_begins_and_shows_the_papers_issued_that_day(tmp_path, make_site,
                                                                                       monkeypatch):
    # A pack is published from its issue day (docs/content-format.md, `issued`): a serve left
    # running overnight shows it once the day has begun, as a build then would, without a save.
    import datetime as dt

    import generator.authoring.serve as serve_module
    from generator.authoring.serve import Builder, ServeOptions
    from generator.clock import LONDON

    today = dt.datetime(2031, 5, 6, 23, 59, 30, tzinfo=LONDON)
    root = make_site(tmp_path, {
        "meetings/torbay-2031-05-12.yaml": ("council: torbay\ncommittee: Scrutiny Board\ndate: 2031-05-12\n"
                                            "issued: 2031-05-07\nitems:\n  - number: 1\n    title: Minutes\n"
                                            "    minutes: attachments/minutes.md\n"),
        "attachments/minutes.md": "The minutes.\n",
    })
    pack = "/meetings/torbay-2031-05-12/torbay-2031-05-12-agenda-pack.pdf"
    clock = [today]
    monkeypatch.setattr(serve_module, "now_in_london", lambda: clock[0])
    state, said = State(), []
    builder = Builder(ServeOptions(root=root, port=0, pdf=False, drafts=False, search=False, as_of=None),
                      state, said.append)
    assert builder.build(), said
    assert not state.papers.has(pack), "not issued yet on 6 May"
    assert not builder.release_due()

    clock[0] = today + dt.timedelta(minutes=1)          # 00:00:30 on 7 May, its issue day
    assert builder.release_due()
    assert builder.build(changed=True), said
    assert state.papers.has(pack)
    assert not builder.release_due()


def test_serve_with_a_content_error_builds_once_when_a_new_day_begins_or_an_embargo_ends(tmp_path, make_site,
                                                                                         monkeypatch):
    # The same files give the same errors: building again every minute from midnight (or from
    # an embargo's end) until a file was saved reloaded every open page and repeated the errors.
    import datetime as dt

    import generator.authoring.serve as serve_module
    from generator.authoring.serve import Builder, ServeOptions
    from generator.clock import LONDON

    evening = dt.datetime(2031, 5, 6, 23, 59, 30, tzinfo=LONDON)
    root = make_site(tmp_path, {})
    clock = [evening]
    monkeypatch.setattr(serve_module, "now_in_london", lambda: clock[0])
    said = []
    builder = Builder(ServeOptions(root=root, port=0, pdf=False, drafts=False, search=False, as_of=None),
                      State(), said.append)
    assert builder.build(), said
    (root / "content" / "councils" / "torbay.yaml").write_text("name: [Torbay\n", encoding="utf-8")
    assert not builder.build("changed torbay.yaml", changed=True)

    clock[0] = evening + dt.timedelta(minutes=1)          # 7 May has begun: the errors may differ, once
    assert builder.release_due() == "a new day"
    assert not builder.build("a new day", changed=True)
    for minutes in (2, 3, 60):
        clock[0] = evening + dt.timedelta(minutes=minutes)
        assert builder.release_due() is None, minutes

    builder.next_release = clock[0] - dt.timedelta(seconds=1)      # an embargo ended, after the last good build
    assert builder.release_due() == "embargo ended"
    assert not builder.build("embargo ended", changed=True)
    clock[0] += dt.timedelta(minutes=1)
    assert builder.release_due() is None


def test_a_build_that_could_not_be_written_is_tried_again_each_minute_said_once(tmp_path, make_site, monkeypatch):
    # A failure outside the content (a full disk, a folder serve may not write) is put right
    # by no save: it was tried again only after midnight or an embargo's end, and then every
    # minute, each time reloading every open page and printing the failure again.
    import datetime as dt

    import generator.authoring.serve as serve_module
    from generator.authoring.serve import Builder, ServeOptions
    from generator.clock import LONDON

    evening = dt.datetime(2031, 5, 6, 23, 58, 30, tzinfo=LONDON)
    clock = [evening]
    monkeypatch.setattr(serve_module, "now_in_london", lambda: clock[0])
    root = make_site(tmp_path, {"inspections/torbay-2021.yaml": INSPECTION})
    state, said = State(), []
    builder = Builder(ServeOptions(root=root, port=0, pdf=False, drafts=False, search=False, as_of=None),
                      state, said.append)
    assert builder.build("first build"), said
    good = state.version

    (root / "output" / ".lock").unlink()
    (root / "output" / ".lock").mkdir()            # the build's lock cannot be taken: as a full disk would
    record = root / "content" / "inspections" / "torbay-2021.yaml"
    record.write_text(INSPECTION.replace("Maria Jerram", "Jane Doe"), encoding="utf-8")
    assert not builder.build("changed torbay-2021.yaml", changed=True)
    assert state.failure and state.version == good + 1
    assert len(said) == 2 and "build failed" in said[1] and "trying again every minute" in said[1], said
    assert "tries again every minute" in overlay([], state.failure)

    for minutes in (1, 2, 3):                       # before and after midnight: the same failure
        clock[0] = evening + dt.timedelta(minutes=minutes)
        reason = builder.release_due()
        assert reason == "trying again", minutes
        assert not builder.build(reason, changed=True)
    assert state.version == good + 1, "the same failure reloads no page"
    assert len(said) == 2, said

    (root / "output" / ".lock").rmdir()             # put right outside the content: the next minute builds
    clock[0] += dt.timedelta(minutes=1)
    assert builder.build(builder.release_due(), changed=True), said
    assert not state.failure and state.version == good + 2
    assert "Jane Doe" in (root / "output/serve/inspections/torbay-2021/index.html").read_text(encoding="utf-8")
    assert builder.release_due() is None
