"""`scrutiny serve`: preview the site while editing it.

- builds the site into its own folder, output/serve/ (output/serve-preview/ with --drafts
  or --as-of; never output/site, which only `scrutiny build` changes), then serves it on
  127.0.0.1 only, from a thread (the standard library's ThreadingHTTPServer);
- pages link their papers as the site does, but a paper is made only when it is asked for
  (`Papers`), from the last good build's plan: layouts an earlier build kept in .cache/ are
  reused, so a paper `scrutiny build` made is quick; `--pdf` makes them all with each build;
- the main thread watches content/ and templates/ (watchfiles) and rebuilds on change; the
  build is the ordinary incremental, atomic `build_site`, so a failed build leaves the last
  good output being served;
- every HTML response (never a file on disk) gets a small script that polls
  /__scrutiny/version and reloads the page when a build has finished; with --as-of, a banner
  at its top too, saying the moment shown (a moment to come shows what is still embargoed);
- while the last build failed, every HTML response also gets an overlay listing the
  problems (file:line:col and message), over the last good page of this session (before
  one, over no page: the folder may hold an earlier `serve --drafts` session's pages);
- the watch wakes every minute and builds again when an embargo has ended or a new day has
  begun (papers are published from their issue day), so the preview shows a release within
  a minute of it (once, while the content has errors: the same files give the same errors);
- a build that failed for a reason outside the content (the disk is full, output/ cannot be
  written) is tried again at each wake, and said again only if it fails differently;
- content/ (or templates/) deleted and made again is watched again, and built; while
  content/ is gone, serve says so and waits for it;
- Ctrl-C (or SIGTERM) stops the watcher and the server and exits 0.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import json
import re
import signal
import stat
import sys
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from generator.authoring import AuthoringError, require_content
from generator.build import BuildOptions, build_site
from generator.clock import LONDON, now_in_london
from generator.plan.outputs import NOT_FOUND
from generator.problems import OutputError, Problem, Severity
from generator.render.html import SERVED_ROOT, inject_at_top as page_at_top, moment_banner as page_moment_banner
from generator.speed.collector import collect_while_idle
from generator.speed.memo import BuildMemo

HOST = "127.0.0.1"
API = "/__scrutiny/"
POLL_MS = 400
WAKE_SECONDS = 60
TRYING_AGAIN = "trying again"       # the reason a failed build is built again at the next wake


@dataclass
class State:
    """What the server shows: the build number pages poll for, and the last build's errors."""

    version: int = 0
    errors: list[Problem] = field(default_factory=list)
    failure: str | None = None          # a build that crashed or could not write, not content
    built_at: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    papers: "Papers | None" = None      # the last good build's papers, made on demand
    # A build of this session succeeded: until one has, the folder may hold another session's
    # preview (`serve --drafts`, a later `--as-of`), which is never served in its place.
    built: bool = False
    as_of: dt.datetime | None = None    # --as-of: the moment the pages show, which is not now

    def update(self, errors: list[Problem], failure: str | None) -> None:
        with self.lock:
            self.version += 1
            self.errors = list(errors)
            self.failure = failure
            self.built = self.built or not (errors or failure)
            self.built_at = dt.datetime.now(LONDON).strftime("%H:%M:%S")

    def snapshot(self) -> tuple[int, list[Problem], str | None, bool]:
        with self.lock:
            return self.version, list(self.errors), self.failure, self.built


# --------------------------------------------------------------------------- what pages get

RELOAD_SCRIPT = """<script data-scrutiny-serve>(function(){var v=%d;function poll(){
fetch("/__scrutiny/version",{cache:"no-store"}).then(function(r){return r.json();}).then(function(d){
if(d.version!==v){location.reload();}else{setTimeout(poll,%d);}}).catch(function(){setTimeout(poll,1500);});}
setTimeout(poll,%d);})();</script>"""

OVERLAY_STYLE = ("position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;"
                 "background:#fff;color:#0b0c0c;border-top:8px solid #d4351c;padding:16px 24px;"
                 "font:16px/1.45 system-ui,-apple-system,'Segoe UI',Arial,sans-serif;"
                 "box-shadow:0 -4px 18px rgba(0,0,0,.35);text-align:left")


def overlay(errors: list[Problem], failure: str | None, built: bool = True) -> str:
    """The error panel shown over every page while the last build failed; `built`: a build
    of this session succeeded, so the page under it is the last good one."""
    if failure:
        title = "The site could not be rebuilt"
        body = f"<pre style=\"white-space:pre-wrap;font-size:14px\">{html.escape(failure)}</pre>"
    else:
        count = len(errors)
        title = f"{count} content error{'s' if count != 1 else ''}: the site was not rebuilt"
        items = []
        for problem in errors:
            where = problem.where              # a problem with the whole file names no line
            subject = f"{problem.field}: " if problem.field else ""
            hint = f" <em>({html.escape(problem.hint)})</em>" if problem.hint else ""
            items.append(f"<li style=\"margin:.35em 0\"><code style=\"font-weight:bold\">{html.escape(where)}</code>"
                         f" {html.escape(subject + problem.message)}{hint}</li>")
        body = f"<ol style=\"margin:.5em 0 0;padding-left:1.5em\">{''.join(items)}</ol>"
    return (f"<div id=\"scrutiny-errors\" role=\"alert\" style=\"{OVERLAY_STYLE}\">"
            f"<h2 style=\"margin:0;font-size:20px;color:#d4351c\">{html.escape(title)}</h2>"
            f"<p style=\"margin:.25em 0\">{LAST_GOOD if built else NOT_BUILT} "
            f"{TRIED_AGAIN if failure else 'Fix the problem and save the file: this page reloads by itself.'}</p>"
            f"{body}</div>")


LAST_GOOD = "Below is the last good version of this page."
NOT_BUILT = "No page is shown until the site has been built."
TRIED_AGAIN = "Scrutiny tries again every minute, and at each save: this page reloads by itself once it has built."


def moment_banner(as_of: dt.datetime, now: dt.datetime) -> str:
    """The notice at the top of every page of `serve --as-of` (`render.html.moment_banner`),
    for a moment still to come as the page is sent or one past."""
    return page_moment_banner(as_of, as_of > now, "scrutiny serve --as-of")


def inject_at_top(page: bytes, extra: str) -> bytes:
    """Put `extra` just after the <body> tag (`render.html.inject_at_top`, as a build marks its pages)."""
    return page_at_top(page.decode("utf-8", "surrogateescape"), extra).encode("utf-8", "surrogateescape")


def inject(page: bytes, extra: str) -> bytes:
    """Put `extra` just before </body> (or at the end of a page without one)."""
    marker = page.lower().rfind(b"</body>")
    data = extra.encode("utf-8")
    if marker < 0:
        return page + data
    return page[:marker] + data + page[marker:]


def fallback_page(title: str, message: str) -> bytes:
    return ("<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title></head><body style=\"font-family:system-ui,sans-serif;"
            f"margin:2em\"><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>").encode()


class Handler(SimpleHTTPRequestHandler):
    """Serves the output folder; adds the reload script (and the overlay) to HTML responses."""

    state: State                        # set on the class made by `make_handler`

    def log_message(self, format: str, *args) -> None:   # noqa: A002 - the standard signature
        pass                            # the terminal is for build results, not for every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:           # noqa: N802 - the standard library's name
        self.respond(head=False)

    def do_HEAD(self) -> None:          # noqa: N802
        self.respond(head=True)

    def respond(self, head: bool) -> None:
        if not self.host_allowed():
            # another site's page, via a DNS name pointed at 127.0.0.1, must not read drafts
            self.send_error(HTTPStatus.FORBIDDEN, "scrutiny serve answers to 127.0.0.1 and localhost only")
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith(API):
            return self.api(url.path[len(API):], head)
        if not self.state.built:
            return self.send_page(HTTPStatus.SERVICE_UNAVAILABLE, fallback_page(
                "Not built yet", "The site has not been built since scrutiny serve started."), head)
        local = Path(self.translate_path(self.path))
        if local == Path(self.directory) / NOT_FOUND:
            return self.send_not_found(url.path, head)
        if local.is_dir():
            if not url.path.endswith("/"):
                return super().do_HEAD() if head else super().do_GET()     # redirects to the slash
            local = local / "index.html"
        if local.suffix.lower() in (".html", ".htm") and local.is_file():
            return self.send_page(HTTPStatus.OK, local.read_bytes(), head)
        papers = self.state.papers
        if not local.exists() and papers is not None and papers.has(url.path):
            return self.send_paper(papers, url.path, head)
        if not local.exists():
            return self.send_not_found(url.path, head)
        return super().do_HEAD() if head else super().do_GET()

    def send_not_found(self, path: str, head: bool) -> None:
        """The site's own not-found page, as nginx serves it: its links from the root, which
        here is '/'; a page of serve's own if the build made none."""
        built = Path(self.directory) / NOT_FOUND
        try:
            page = built.read_bytes().replace(str(SERVED_ROOT).encode(), b"/")
        except OSError:
            page = fallback_page("Page not found", f"There is no page at {path} (yet).")
        self.send_page(HTTPStatus.NOT_FOUND, page, head)

    def send_paper(self, papers: "Papers", path: str, head: bool) -> None:
        try:
            data = papers.get(path)
        except Exception as exc:                               # a paper that cannot be made: say why
            return self.send_page(HTTPStatus.INTERNAL_SERVER_ERROR, fallback_page(
                "The paper could not be made", html.escape(str(exc))), head)
        self.send_body(HTTPStatus.OK, "application/pdf", data, head)

    def send_body(self, status: HTTPStatus, content_type: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        return name in ("127.0.0.1", "localhost", "")

    def send_page(self, status: HTTPStatus, page: bytes, head: bool) -> None:
        version, errors, failure, built = self.state.snapshot()
        extra = RELOAD_SCRIPT % (version, POLL_MS, POLL_MS)
        if errors or failure:
            extra = overlay(errors, failure, built) + extra
        if self.state.as_of is not None:
            page = inject_at_top(page, moment_banner(self.state.as_of, now_in_london()))
        self.send_body(status, "text/html; charset=utf-8", inject(page, extra), head)

    def api(self, name: str, head: bool) -> None:
        version, errors, failure, _ = self.state.snapshot()
        if name == "version":
            data = {"version": version, "ok": not errors and not failure, "errors": len(errors)}
        elif name == "problems":
            data = {"version": version, "failure": failure, "problems": [p.as_dict() for p in errors]}
        else:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        self.send_body(HTTPStatus.OK, "application/json", json.dumps(data).encode(), head)


class PreviewServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that leaves a page (or reloads it) mid-answer is no fault: the terminal
        is for build results, not a traceback for each; anything else is reported as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(directory: Path, state: State, port: int) -> ThreadingHTTPServer:
    """Bind 127.0.0.1:port (0: any free port); never another interface."""
    handler = type("ScrutinyHandler", (Handler,), {"state": state})
    try:
        server = PreviewServer((HOST, port), partial(handler, directory=str(directory)))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            # Not a mistake in the command (exit 2 printed its usage): the port is busy now.
            raise AuthoringError(f"port {port} is already in use (another `scrutiny serve`, or another "
                                 f"program); stop it, or choose another port: scrutiny serve --port "
                                 f"{port + 1 if port < 65535 else port - 1}") from None
        raise AuthoringError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
    server.daemon_threads = True
    return server


# --------------------------------------------------------------------------- building

@dataclass(frozen=True)
class ServeOptions:
    root: Path
    port: int = 8000
    pdf: bool = False
    drafts: bool = False
    search: bool = True
    as_of: dt.datetime | None = None    # fixed moment for embargoes; None: the clock

    @property
    def output(self) -> Path:
        """Its own folder: the preview never changes the site `scrutiny build` publishes. With
        drafts or a moment of its own, another (output/serve-preview): a plain `serve` running
        beside one would otherwise serve what the other last built into their shared folder."""
        return self.root / "output" / ("serve-preview" if self.drafts or self.as_of else "serve")


class Builder:
    """Runs `build_site` and reports the outcome to the state and the terminal."""

    def __init__(self, options: ServeOptions, state: State, echo: Callable[[str], None]) -> None:
        self.options = options
        self.state = state
        self.echo = echo
        self.next_release: dt.datetime | None = None
        # The London day of the last good build (or of errors found since): papers issue by the day.
        self.built_day: dt.date | None = None
        # What the last build worked out: the next one checks only the files that changed
        # (generator/speed/memo.py).
        self.memo = BuildMemo()
        # Why the last build could not be made (not the content: a full disk, a folder it may
        # not write): it is tried again each minute, since no save of a record puts it right.
        self.failure: str | None = None

    def now(self) -> dt.datetime:
        return self.options.as_of or now_in_london()

    def build(self, reason: str = "", changed: bool = False) -> bool:
        """Build once; `changed`: files changed or an embargo ended since the last build, so
        the no-change test is not made (building is always safe)."""
        started = time.perf_counter()
        now = self.now()
        options = BuildOptions(root=self.options.root, output=self.options.output, now=now,
                               drafts=self.options.drafts, pdf=True, pdf_on_demand=not self.options.pdf,
                               search=self.options.search,
                               papers_as_of=self.options.as_of.date() if self.options.as_of else None,
                               rehearsal=now > now_in_london())
        failure = None
        errors: list[Problem] = []
        try:
            report = build_site(options, memo=self.memo, out_of_date=changed)
        except OutputError as exc:
            failure = str(exc)
        except Exception:                                      # a bug: keep serving, show it
            self.memo = BuildMemo()                            # and trust nothing it half-made
            failure = "The build failed with an internal error (please report it):\n" + traceback.format_exc()
        else:
            errors = [p for p in report.checked.problems if p.severity is Severity.ERROR] if report.checked else []
            if not errors and report.plan is not None:
                # The first moment after `now` at which an embargo ends: serve builds again then.
                self.next_release = report.plan.state.next_release if report.plan.state else None
                self.built_day = now.astimezone(LONDON).date()
                self.state.papers = Papers(self.options.root, report.plan, report.checked.files.templates)
            elif errors:
                self.errors_found_at(now)
        repeated, self.failure = reason == TRYING_AGAIN and failure is not None and failure == self.failure, failure
        if repeated:
            return False                # the same failure a minute on: said once, no page reloaded
        self.state.update(errors, failure)
        seconds = time.perf_counter() - started
        prefix = f"{reason}: " if reason else ""
        if failure:
            self.echo(f"{prefix}build failed ({seconds:.1f}s): {failure.splitlines()[0]}; "
                      "trying again every minute, and at each save")
        elif errors:
            serving = "still serving the last good build" if self.state.built else "nothing is served until it builds"
            self.echo(f"{prefix}{len(errors)} content error{'s' if len(errors) != 1 else ''}; {serving} "
                      f"(the errors are shown in the browser too):")
            for problem in errors:
                self.echo(f"  {problem}")
        else:
            self.echo(f"{prefix}built in {seconds:.1f}s: {len(report.rendered)} rendered, "
                      f"{len(report.reused)} reused, {len(report.removed)} removed")
        return not failure and not errors

    def errors_found_at(self, now: dt.datetime) -> None:
        """A build at `now` found content errors: the same files give the same errors, so the
        embargo's end or the new day it saw is no reason to build again until a file changes
        (each minute's build would reload every open page). The day counts as built."""
        if self.next_release is not None and now >= self.next_release:
            self.next_release = None
        if self.built_day is not None:
            self.built_day = now.astimezone(LONDON).date()

    def release_due(self) -> str | None:
        """Why the site may show more now than at its last good build, if it may: an embargo
        has ended, or a new day has begun (a paper is published from its issue day); or the
        last build failed."""
        if self.failure is not None:
            return TRYING_AGAIN
        if self.options.as_of is not None:
            return None
        now = now_in_london()
        if self.next_release is not None and now >= self.next_release:
            return "embargo ended"
        if self.built_day is not None and now.date() != self.built_day:
            return "a new day"
        return None


class Papers:
    """The papers of one build, each made the first time it is asked for and kept for the
    next request (until the next build replaces this object)."""

    def __init__(self, root: Path, plan, templates) -> None:
        self.root, self.plan, self.templates = root, plan, templates
        self.by_url = {"/" + o.path: o for o in plan.deferred}
        self.made: dict[str, bytes] = {}
        self.lock = threading.Lock()          # one paper at a time: requests come from several threads

    def has(self, url_path: str) -> bool:
        return urllib.parse.unquote(url_path) in self.by_url

    def get(self, url_path: str) -> bytes:
        from generator.render.papers import render_output

        key = urllib.parse.unquote(url_path)
        with self.lock:
            if key not in self.made:
                self.made[key] = render_output(self.root, self.plan, self.templates, self.by_url[key], jobs=1)
            return self.made[key]


def _describe(changes) -> str:
    names = sorted({Path(path).name for _, path in changes})
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"changed {shown}"


def watched_folders(root: Path) -> dict[Path, tuple[int, int]]:
    """content/ and templates/ as they are now, each with its identity (device, inode): a
    folder deleted and made again (a restored copy, a sync tool) is another folder."""
    found = {}
    for folder in (root / "content", root / "templates"):
        try:
            info = folder.stat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode):
            found[folder] = (info.st_dev, info.st_ino)
    return found


def _describe_folders(before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]], root: Path) -> str:
    said = []
    for folder in sorted(before.keys() | after.keys()):
        if before.get(folder) != after.get(folder):
            what = "removed" if folder not in after else "appeared" if folder not in before else "replaced"
            said.append(f"{folder.relative_to(root).as_posix()}/ {what}")
    return ", ".join(said) or "content/ replaced"        # by a folder given the old one's inode number


def serve(options: ServeOptions, echo: Callable[[str], None]) -> None:
    """Build, serve, watch and rebuild until Ctrl-C or SIGTERM."""
    import watchfiles

    from generator.authoring.scaffold import write_schemas

    root = options.root
    require_content(root)
    content = root / "content"
    state = State(as_of=options.as_of)
    server = make_server(options.output, state, options.port)
    stop = threading.Event()

    def interrupted(*_) -> None:
        # Ctrl-C and SIGTERM both set `stop` and raise, so a build under way stops too (its
        # staging folder removed, its workers ended, the output's lock released) instead of
        # running to its end. The flag matters when the KeyboardInterrupt is swallowed:
        # raised inside an object's finaliser, Python only prints "Exception ignored". The
        # watch loop checks `stop` every 50 ms, so the server stops anyway.
        stop.set()
        raise KeyboardInterrupt

    previous_term = signal.signal(signal.SIGTERM, interrupted)
    previous_int = signal.signal(signal.SIGINT, interrupted)
    thread = threading.Thread(target=server.serve_forever, name="scrutiny-serve", daemon=True)
    try:
        write_schemas(root)
        builder = Builder(options, state, echo)
        builder.build("first build")
        port = server.server_address[1]
        thread.start()
        echo(f"serving {options.output} at http://{HOST}:{port}/ (Ctrl-C to stop)")
        watched = watched_folders(root)
        while not stop.is_set():
            if content not in watched:
                echo("content/ has gone: serve builds again when it is back (Ctrl-C to stop)")
                while not content.is_dir() and not stop.wait(1):
                    pass
            else:
                echo("watching " + " and ".join(f"{p.relative_to(root).as_posix()}/" for p in watched))
                for changes in watchfiles.watch(*watched, stop_event=stop, yield_on_timeout=True,
                                                rust_timeout=WAKE_SECONDS * 1000, debounce=400, step=50):
                    if stop.is_set():
                        break
                    reason = _describe(changes) if changes else builder.release_due()
                    if reason:
                        builder.build(reason, changed=True)
                        collect_while_idle()
                    # A watched folder itself removed, moved or made again: its watch hears nothing more.
                    if any(Path(path) in watched for _, path in changes) or watched_folders(root) != watched:
                        break
            before, watched = watched, watched_folders(root)
            # content/ removed: the build its deletion set off has shown that already
            if not stop.is_set() and content in watched:
                builder.build(_describe_folders(before, watched, root), changed=True)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if thread.is_alive():
            server.shutdown()
        server.server_close()
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
    echo("stopped")


__all__ = ["HOST", "ServeOptions", "State", "inject", "inject_at_top", "make_server", "moment_banner", "overlay",
           "serve"]
