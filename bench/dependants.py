"""Which outputs depend on an input key, according to the build plan (not the build).

    python -m bench.dependants ROOT KEY [KEY ...] [--as-of DATE] [--pdf]

Prints JSON: {"keys": [KEY, ...], "count": N, "paths": [...]} -- the HTML and data outputs
whose recorded inputs include any KEY (for example 'inspection:torbay-2021',
'inspection-listed:torbay-2021' or 'attachment:x.md').
The benchmark compares this with the count the incremental build says it rendered.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path


def dependants(root: Path, keys: list[str], as_of: dt.date, pdf: bool = False) -> list[str]:
    from generator.model.types import LONDON
    from generator.build import check_site
    from generator.plan.outputs import plan_site

    checked = check_site(root, as_of)
    if checked.corpus is None or checked.errors:
        raise SystemExit(f"{root}: content has errors; cannot plan")
    now = dt.datetime.combine(as_of, dt.time(23, 59, 59), tzinfo=LONDON)
    plan = plan_site(checked.corpus, now, pdf=pdf)
    return sorted(o.path for o in plan.outputs if set(keys) & set(o.inputs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dependants")
    parser.add_argument("root", type=Path)
    parser.add_argument("keys", nargs="+", metavar="KEY")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args(argv)
    paths = dependants(args.root.resolve(), args.keys, args.as_of, args.pdf)
    print(json.dumps({"keys": args.keys, "count": len(paths), "paths": paths}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
