"""Time the rebuilds `scrutiny serve` makes when one inspection is saved, twice.

    python -m bench.serve_edits SITE --as-of DATE [--no-memo] [--off DEVICE,...]

Runs what `scrutiny serve --no-search --as-of DATE` runs on each save, in one process:
its `Builder` (generator/authoring/serve.py), which keeps a `BuildMemo` from one build to
the next (`--no-memo`: a new, empty one for every build, to measure what it saves). The
HTTP server and the file watcher are left out: the watcher's polling delay is not the
build's. It builds once as serve starts (into SITE/output/serve), then changes one
inspection's introduction (`bench.run`'s edit), builds, changes it again and builds, then
changes its lead inspector and builds. Prints one line of JSON: each build's wall time (as
time.perf_counter around `Builder.build`) and the counts its own line reports.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from bench.devices import DEVICES, turn_off
from generator.authoring.serve import Builder, ServeOptions, State
from generator.speed.collector import collect_while_idle
from generator.speed.memo import BuildMemo
from generator.commands.common import AsOf

_COUNTS = re.compile(r"(\d+) rendered, (\d+) reused, (\d+) removed")


def main(argv: list[str] | None = None) -> int:
    from bench.run import change_one_inspection, change_one_inspection_facts   # the `scrutiny build` rows' edits

    parser = argparse.ArgumentParser(prog="python -m bench.serve_edits")
    parser.add_argument("site", type=Path)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--no-memo", action="store_true", help="a new memo for every build")
    parser.add_argument("--off", default="", help="speed devices to turn off (bench/devices.py)")
    args = parser.parse_args(argv)
    for device in filter(None, args.off.split(",")):
        turn_off(device)
    said: list[str] = []
    options = ServeOptions(root=args.site.resolve(), port=0, pdf=False, drafts=False, search=False,
                           as_of=AsOf().convert(args.as_of, None, None))
    builder = Builder(options, State(), said.append)

    def build(label: str) -> dict:
        if args.no_memo:
            builder.memo = BuildMemo()
        started = time.perf_counter()
        ok = builder.build(changed=label != "start")
        seconds = time.perf_counter() - started
        collect_while_idle()                 # as serve's loop does while it waits for a save
        counts = _COUNTS.search(said[-1]) if said else None
        if not ok:
            raise SystemExit(f"{label}: the build failed: {said[-3:]}")
        return {"seconds": round(seconds, 3), "rendered": int(counts.group(1)) if counts else None,
                "reused": int(counts.group(2)) if counts else None}

    # each run's edits differ from the others': 11-13 with the memo, 21-23 without, 41 and up with a device off
    edit = 20 if args.no_memo else 40 + 10 * DEVICES.index(args.off.split(",")[0]) if args.off else 10
    result = {"start": build("start")}
    iid = change_one_inspection(args.site, edit + 1)
    result["first_change"] = build("first change")
    change_one_inspection(args.site, edit + 2)
    result["saved_again"] = build("saved again")
    change_one_inspection_facts(args.site, iid, edit + 3)
    result["facts_changed"] = build("facts changed")
    result["inspection"] = iid
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
