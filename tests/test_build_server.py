"""`scrutiny build`'s build server (generator/build_server.py), with real processes.

Each test runs the real command as a process with the server switched on and its sockets
in a folder of the test's own, and stops any server it started.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from generator import build_server
from site_helpers import AS_OF, all_files, copy_site, replace_in_file

SCRUTINY = [sys.executable, "-m", "generator"]
AS_OF_TEXT = AS_OF.date().isoformat()
EDIT = ("content/inspections/torbay-2021.yaml", "introduction: |\n", "introduction: |\n  Edited twice.\n")


@pytest.fixture
def sockets(monkeypatch, tmp_path):
    """A private folder for the servers' sockets (short: a socket's path has at most 107
    bytes), set as TMPDIR for the processes the test runs and for this one (after pytest
    has made tmp_path, which it places by TMPDIR too)."""
    folder = Path(tempfile.mkdtemp(prefix="sv", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("SCRUTINY_BUILD_SERVER", "1")
    monkeypatch.setenv("SCRUTINY_BUILD_SERVER_IDLE", "60")
    monkeypatch.delenv("CI", raising=False)
    yield folder
    for path in folder.glob("scrutiny-*/*.sock"):
        conn = socket.socket(socket.AF_UNIX)
        try:
            conn.connect(str(path))
            conn.sendall(b'{"stop": true}\n')
            conn.recv(100)
        except OSError:
            pass
        finally:
            conn.close()
    shutil.rmtree(folder, ignore_errors=True)


def scrutiny(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*SCRUTINY, "-C", str(root), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def build(root: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return scrutiny(root, "build", "--no-pdf", "--no-search", "--as-of", AS_OF_TEXT, *extra, env=env)


def status(root: Path) -> dict | None:
    done = scrutiny(root, "build-server", "status", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_the_next_build_is_made_by_the_server_and_is_the_site_a_cold_build_makes(sockets, tmp_path):
    root = copy_site(tmp_path / "site")
    first = build(root)
    assert first.returncode == 0, first.stderr
    assert wait_for(lambda: status(root) is not None), "the first build left no server"
    assert status(root)["builds"] == 0

    replace_in_file(root / EDIT[0], *EDIT[1:])
    second = build(root)
    assert second.returncode == 0, second.stderr
    assert "built " in second.stdout and " 0 removed" in second.stdout
    assert status(root)["builds"] == 1, "the second build was not the server's"
    assert "inspections/torbay-2021/index.html" in second.stdout or "rendered" in second.stdout

    cold = copy_site(tmp_path / "cold")
    shutil.copy(root / EDIT[0], cold / EDIT[0])
    assert build(cold, "--no-server").returncode == 0
    assert status(cold) is None, "--no-server left a server"
    served, fresh = all_files(root / "output" / "site"), all_files(cold / "output" / "site")
    assert sorted(served) == sorted(fresh)
    assert [path for path in fresh if served[path] != fresh[path]] == []
    assert "Edited twice." in served["inspections/torbay-2021/index.html"].decode()


def test_content_errors_reach_the_client_and_the_output_is_kept(sockets, tmp_path):
    root = copy_site(tmp_path / "site")
    assert build(root).returncode == 0
    assert wait_for(lambda: status(root) is not None)
    before = all_files(root / "output" / "site")

    replace_in_file(root / "content/inspections/torbay-2021.yaml", "service: torbay-yot", "service: torbay-yos")
    failed = build(root)
    assert failed.returncode == 1
    assert "content/inspections/torbay-2021.yaml:" in failed.stderr
    assert "there is no service 'torbay-yos'" in failed.stderr
    assert "nothing was written" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert status(root)["builds"] == 1, "the failed build was not the server's"
    assert all_files(root / "output" / "site") == before


def test_no_server_under_ci_or_when_switched_off(sockets, tmp_path):
    root = copy_site(tmp_path / "site")
    assert build(root, env={"CI": "true"}).returncode == 0
    assert build(root, "--no-server").returncode == 0
    replace_in_file(root / EDIT[0], *EDIT[1:])
    assert build(root, env={"SCRUTINY_BUILD_SERVER": "0"}).returncode == 0
    time.sleep(0.5)
    assert status(root) is None
    assert list(sockets.glob("scrutiny-*/*.sock")) == []


def test_an_idle_server_stops_and_takes_its_socket_away(sockets, tmp_path):
    root = copy_site(tmp_path / "site")
    assert build(root, env={"SCRUTINY_BUILD_SERVER_IDLE": "1"}).returncode == 0
    assert list(sockets.glob("scrutiny-*/*.sock")), "no server was started"
    assert wait_for(lambda: not list(sockets.glob("scrutiny-*/*.sock")), 15), "the idle server did not stop"
    assert status(root) is None


def test_stop_ends_the_server(sockets, tmp_path):
    root = copy_site(tmp_path / "site")
    assert build(root).returncode == 0
    assert wait_for(lambda: status(root) is not None)
    stopped = scrutiny(root, "build-server", "stop")
    assert stopped.returncode == 0 and "stopped the build server" in stopped.stdout
    assert wait_for(lambda: not list(sockets.glob("scrutiny-*/*.sock")))
    assert "no build server" in scrutiny(root, "build-server", "status").stdout


class FakeServer:
    """A socket at an address, answering each connection with `reply` (a list of messages)
    and keeping the requests it was sent."""

    def __init__(self, path: Path, reply: list[dict]) -> None:
        self.requests: list[dict] = []
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(str(path))
        self.listener.listen(4)
        self.reply = reply
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as stream:
                line = stream.readline()
                if not line:            # a probe: is anyone at this address?
                    continue
                self.requests.append(json.loads(line))
                try:
                    for message in self.reply:
                        conn.sendall(json.dumps(message).encode() + b"\n")
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


def test_a_new_version_of_the_tool_stops_the_old_version_s_server(sockets, tmp_path):
    root = copy_site(tmp_path / "site")
    ours = build_server.address(root.resolve())
    older = FakeServer(ours.with_name(ours.name.split("-")[0] + "-0123456789abcdef.sock"), [{"stopped": 1}])
    try:
        assert build(root).returncode == 0
        assert {"stop": True} in older.requests
    finally:
        older.close()


def test_the_client_prints_what_the_server_says_and_shows_its_progress(sockets, tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    fake = FakeServer(build_server.address(root), [{"progress": ["pages", 1, 2]}, {"out": "built it\n"},
                                                   {"err": "a warning\n"}, {"exit": 3}])
    seen = []
    try:
        assert build_server.delegate(root, ["build", "-q"], lambda *step: seen.append(step)) == 3
    finally:
        fake.close()
    assert fake.requests == [{"build": ["build", "-q"], "cwd": os.getcwd()}]
    assert seen == [("pages", 1, 2)]


def test_a_server_that_stops_mid_build_leaves_the_build_to_the_client(sockets, tmp_path):
    root = copy_site(tmp_path / "site")
    gone = FakeServer(build_server.address(root.resolve()), [{"progress": ["check", 1, 9]}])    # then hangs up
    try:
        done = build(root)
    finally:
        gone.close()
    assert gone.requests, "the client did not ask the server"
    assert done.returncode == 0, done.stderr
    assert "built " in done.stdout
    assert (root / "output/site/inspections/torbay-2021/index.html").is_file()


def test_a_socket_folder_that_others_may_enter_is_not_used(sockets, tmp_path):
    folder = sockets / f"scrutiny-{os.getuid()}"
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    assert build_server.address(tmp_path) is None
    root = copy_site(tmp_path / "site")
    assert build(root).returncode == 0
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("options", [("--as-of", "2021-06-01"), ("--drafts",)], ids=["another date", "drafts"])
def test_a_build_with_other_options_is_what_a_cold_build_with_them_makes(options, sockets, tmp_path):
    """The server's memo was filled by builds with other options: an earlier date (actions
    not yet due, not yet overdue: a memo that ignored the date fails here) or a drafts
    preview must not reuse anything those options change."""
    root = copy_site(tmp_path / "site")
    assert build(root).returncode == 0
    replace_in_file(root / EDIT[0], *EDIT[1:])
    assert build(root).returncode == 0
    args = [*options] if options[0] == "--as-of" else ["--as-of", AS_OF_TEXT, *options]
    served = scrutiny(root, "build", "--no-pdf", "--no-search", *args)
    assert served.returncode == 0, served.stderr
    assert status(root)["builds"] == 2, "the build was not the server's"

    cold = copy_site(tmp_path / "cold")
    shutil.copy(root / EDIT[0], cold / EDIT[0])
    assert scrutiny(cold, "build", "--no-pdf", "--no-search", "--no-server", *args).returncode == 0
    folder = "preview" if "--drafts" in options else "site"
    made, fresh = all_files(root / "output" / folder), all_files(cold / "output" / folder)
    assert sorted(made) == sorted(fresh)
    assert [path for path in fresh if made[path] != fresh[path]] == []


def test_papers_and_search_through_the_server_and_the_caller_s_pipe_is_let_go(sockets, tmp_path):
    """A build with papers starts helper processes (the PDF workers' fork server): they must
    not keep the caller's pipe open for as long as the server lives (subprocess.run would
    wait for the end of its output until the timeout), and the server, which cannot use its
    parent's fork server, must start its own for the next build's papers."""
    root = copy_site(tmp_path / "site")
    command = [*SCRUTINY, "-C", str(root), "build", "-q", "--as-of", AS_OF_TEXT]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert wait_for(lambda: status(root) is not None)
    replace_in_file(root / EDIT[0], *EDIT[1:])
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert status(root)["builds"] == 1, "the second build was not the server's"

    cold = copy_site(tmp_path / "cold")
    shutil.copy(root / EDIT[0], cold / EDIT[0])
    assert subprocess.run([*SCRUTINY, "-C", str(cold), "build", "-q", "--as-of", AS_OF_TEXT, "--no-server"],
                          capture_output=True, timeout=120).returncode == 0
    served, fresh = all_files(root / "output" / "site"), all_files(cold / "output" / "site")
    assert any(path.endswith(".pdf") for path in fresh)
    assert sorted(served) == sorted(fresh)
    assert [path for path in fresh if served[path] != fresh[path]] == []


def test_a_package_installed_since_means_another_server(sockets, tmp_path, monkeypatch):
    """A server keeps the packages it imported: after a `pip install` (which adds or removes
    a folder in site-packages) builds go to a new server, not to one with the old code."""
    packages = tmp_path / "lib" / "site-packages"
    packages.mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(packages)])
    before = build_server.address(tmp_path)
    (packages / "weasyprint-99.0.dist-info").mkdir()
    os.utime(packages, ns=(1, packages.stat().st_mtime_ns + 1_000_000))
    after = build_server.address(tmp_path)
    assert before is not None and after is not None
    assert before != after and before.parent == after.parent
    assert before.name.split("-")[0] == after.name.split("-")[0], "the same site: the old server is stopped"
