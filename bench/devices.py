"""Run `scrutiny ARGS` with one or more speed devices turned off, to measure what each saves.

    python -m bench.devices --off parsed-cache[,fast-yaml,...] -- -C SITE build ...

The devices live in generator/speed/ (and the spare folder in generator/write/); the bench
turns one off by replacing it, in this process only, with the plain way of doing the same
thing, then runs the ordinary command line. The output is the same bytes either way (the
test suite compares), so only the time differs.

  parsed-cache   every record file parsed again (no .cache/parsed/)
  fast-yaml      every record file read by the position-keeping parser (libyaml's events)
  spare-folder   the next version made in an empty folder: every unchanged file linked
                 from the live site, and the old version deleted after the swap
  frame-stack    PDF layout called directly (with -j 1: layout runs in this process)
  collector      Python's cycle collector at its usual thresholds during the build
  file-facts     serve's memo reads every file again (no digest known by its stat facts)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

DEVICES = ("parsed-cache", "fast-yaml", "spare-folder", "frame-stack", "collector", "file-facts")


def turn_off(device: str) -> None:
    if device == "parsed-cache":
        from generator.speed.parsed_cache import ParsedCache
        ParsedCache.get = lambda self, key: None
        ParsedCache.save = lambda self: None
    elif device == "fast-yaml":
        from generator.speed import fast_yaml
        fast_yaml.try_load = lambda text: (False, None)
    elif device == "spare-folder":
        from generator.write import Staging
        prepare = Staging.prepare

        def prepare_from_empty(self):
            shutil.rmtree(self.path, ignore_errors=True)
            os.mkdir(self.path)
            return prepare(self)

        def delete_old(self, live):
            shutil.rmtree(self.path, ignore_errors=True)
        Staging.prepare, Staging.trim = prepare_from_empty, delete_old
    elif device == "frame-stack":
        from generator.render import paper_worker
        paper_worker.call_with_room = lambda function, argument: function(argument)
    elif device == "collector":
        from contextlib import nullcontext

        import generator.build
        generator.build.rare_collections = nullcontext
    elif device == "file-facts":
        from generator.speed.memo import CheckMemo
        CheckMemo.digest_if_unchanged = lambda self, path, facts: None
    else:
        raise SystemExit(f"no device '{device}'; devices are {', '.join(DEVICES)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.devices")
    parser.add_argument("--off", default="", help="comma-separated devices to turn off")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    for device in filter(None, args.off.split(",")):
        turn_off(device)
    from generator.cli import main as scrutiny
    sys.argv = ["scrutiny", *(args.command[1:] if args.command[:1] == ["--"] else args.command)]
    scrutiny()
    return 0


if __name__ == "__main__":
    sys.exit(main())
