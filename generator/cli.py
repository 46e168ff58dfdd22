"""The `scrutiny` command (also `python -m generator`).

Exit codes: 0 fine, 1 content errors, 2 usage errors. Neither content nor usage errors
print a Python traceback: they are for people, and say what to do. The commands
themselves are in generator/commands/.
"""

from __future__ import annotations

from pathlib import Path

import click

from generator import __version__
from generator.commands import authoring, papers, site
from generator.stopping import sigterm_unwinds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scrutiny")
@click.option("-C", "--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="The site's folder (the one holding content/). Default: here.")
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Scrutiny: youth justice inspection records -> website, papers and agenda packs."""
    ctx.ensure_object(dict)
    ctx.obj["root"] = root.resolve()


site.register(cli)
papers.register(cli)
authoring.register(cli)


def main() -> None:
    with sigterm_unwinds():
        cli(obj={})     # click answers Ctrl-C itself ("Aborted!", exit 1)
