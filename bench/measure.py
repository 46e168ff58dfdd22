"""Run one command and report its wall time and peak memory, as one line of JSON.

    python -m bench.measure [--cwd DIR] [--timeout S] -- COMMAND ARGS...

The harness starts a fresh `python -m bench.measure` for every measurement, so
`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` here is the peak resident memory of that
one command (and of any processes it waited for, e.g. PDF workers) and of nothing else.
Time is `time.perf_counter()` around `subprocess.run`: the interpreter start-up of this
wrapper is not counted, the command's own start-up is.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.measure")
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    started = time.perf_counter()
    timed_out = False
    try:
        done = subprocess.run(command, cwd=args.cwd, capture_output=True, timeout=args.timeout)
        returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        timed_out = True
        returncode, stdout, stderr = -1, exc.stdout or b"", exc.stderr or b""
    except OSError as exc:
        returncode, stdout, stderr = -1, b"", str(exc).encode()
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss      # KiB on Linux
    print(json.dumps({
        "seconds": seconds,
        "peak_rss_mib": peak_kib / 1024,
        "returncode": returncode,
        "timed_out": timed_out,
        "stdout": stdout.decode("utf-8", "replace")[-4000:],
        "stderr": stderr.decode("utf-8", "replace")[-4000:],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
