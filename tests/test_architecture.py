"""The shape of the code: the folders are the pipeline, and nothing climbs back up it.

Read from the source with `ast` (nothing is imported): every import between modules of
`generator`, at any depth of the file, except those only a type checker reads.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "generator"

# The stages in pipeline order: a module of one may use the data of the stages before it,
# never a module of a stage after it.
STAGES = ["generator.load", "generator.validate", "generator.resolve", "generator.plan", "generator.render",
          "generator.write"]


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for each import in the file."""
    found = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, [], child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module, [alias.name for alias in child.names], child.lineno))
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def edges() -> dict[str, set[str]]:
    """module -> the project modules it imports (`from generator.x import y` names module
    generator.x.y when that is a module, else generator.x)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for target, names, _ in imports_of(path):
            if not target.startswith("generator"):
                continue
            for imported in names or [""]:
                candidate = f"{target}.{imported}" if imported else target
                graph[name].add(candidate if candidate in MODULES else target)
    return graph


def test_no_module_of_the_generator_imports_itself_back_through_others():
    graph = edges()
    cycles = []

    def walk(node: str, trail: list[str], on_trail: set[str], done: set[str]) -> None:
        for target in sorted(graph.get(node, ())):
            if target == node or target not in graph:
                continue
            if target in on_trail:
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in done:
                walk(target, trail + [target], on_trail | {target}, done)
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            walk(start, [start], {start}, done)
    assert cycles == []


def test_no_module_takes_a_private_name_from_another():
    """Nor do the tests, the bench or the tools: what they use of the generator is its public face."""
    project = [*MODULES.values(), *(path for folder in ("tests", "bench", "tools")
                                    for path in sorted((REPO / folder).rglob("*.py")) if "node_modules" not in path.parts)]
    taken = [f"{path.relative_to(REPO)}:{line}: {target}.{imported}"
             for path in project for target, names, line in imports_of(path)
             if target.startswith("generator") for imported in names
             if imported.startswith("_") and not imported.startswith("__")]
    assert taken == []


def _stage(module: str) -> int | None:
    for index, stage in enumerate(STAGES):
        if module == stage or module.startswith(stage + "."):
            return index
    return None


def test_only_the_clock_formats_the_hour_of_an_embargo_or_an_as_of():
    """Every list, message and paper prints an embargo's or --as-of's time with
    `clock.london_time`: five places each added the repeated hour's GMT/BST by hand (b26bd1f)
    and a sixth was missed. Each file here formats an hour of something else."""
    hours = {str(path.relative_to(REPO)): path.read_text(encoding="utf-8").count("%H")
             for path in PACKAGE.rglob("*.py")}
    assert {name: count for name, count in hours.items() if count} == {
        "generator/clock.py": 2,                 # london_time itself; london_minute, ratings.csv's and an
                                                 # imported record's embargo: an offset, not a zone name, to be read back
        "generator/render/html.py": 1,           # the `date` filter given a datetime (no embargo is)
        "generator/authoring/serve.py": 1,       # when `scrutiny serve` last built, on its status page
    }


def test_no_stage_imports_a_later_stage():
    climbs = []
    for name, targets in edges().items():
        here = _stage(name)
        for target in targets:
            there = _stage(target)
            if here is not None and there is not None and there > here:
                climbs.append(f"{name} -> {target}")
    assert climbs == []


def test_the_build_module_is_the_stage_map_with_every_import_at_the_top():
    tree = ast.parse((PACKAGE / "build.py").read_text(encoding="utf-8"))
    inside_functions = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                        for inner in ast.walk(node) if isinstance(inner, (ast.Import, ast.ImportFrom))]
    assert inside_functions == []
    imported = {target for target, _, _ in imports_of(PACKAGE / "build.py")}
    assert all(any(module == stage or module.startswith(stage + ".") for module in imported) for stage in STAGES)


def _session_processes(session: int) -> list[str]:
    """The command lines of the processes still in session `session`."""
    left = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session:
                left.append(Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return left


@pytest.mark.pdf
def test_nothing_of_a_build_is_left_running_once_it_has_finished(tmp_path):
    """`scrutiny build` (papers included: a pool of PDF workers) ends with every process it
    started: its session is empty when the command returns."""
    import shutil
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    build = subprocess.Popen([sys.executable, "-m", "generator", "-C", str(root), "build", "-q",
                              "--as-of", "2026-11-22"], start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = build.communicate(timeout=600)
    assert build.returncode == 0, err
    assert b"rendered" in out
    deadline = time.monotonic() + 5
    while _session_processes(build.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _session_processes(build.pid)
    for _ in left:
        os.killpg(build.pid, signal.SIGKILL)
        break
    assert left == []


def test_the_environment_covers_every_library_the_build_runs_on():
    """The tool's dependencies, transitive ones and the search extra included, are part of
    every output's key (generator/fingerprint.py): WeasyPrint's own dependencies too."""
    from generator.fingerprint import required_distributions
    found = required_distributions()
    assert {"jinja2", "markdown", "weasyprint", "pydyf", "tinycss2", "pydantic", "pydantic-core", "pikepdf",
            "pagefind", "rapidyaml", "markupsafe"} <= set(found)
    assert all(found[name] is not None for name in ("markdown", "weasyprint", "pydyf", "pagefind"))


def test_a_build_that_finds_nothing_changed_loads_no_stage_after_finding_the_files(tmp_path):
    """The no-change decision needs the site's files, their digests and the environment's
    (`load.files`, `write.LiveSite.is_current`): a build that finds nothing changed imports
    no YAML reader, validator or renderer, whose imports would cost more than the decision."""
    import shutil
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    command = [sys.executable, "-m", "generator", "-C", str(root), "build", "-q", "--no-pdf", "--no-search",
               "--as-of", "2026-11-22"]
    assert subprocess.run(command, capture_output=True).returncode == 0
    heavy = ("yaml", "ryml", "pydantic", "jinja2", "markdown", "weasyprint", "generator.load.documents",
             "generator.validate", "generator.resolve", "generator.render")
    watch = ("import atexit, runpy, sys; atexit.register(lambda: print('loaded:', "
             f"sorted(m for m in {heavy!r} if m in sys.modules))); sys.argv = ['scrutiny', *sys.argv[1:]]; "
             "runpy.run_module('generator', run_name='__main__')")
    again = subprocess.run([sys.executable, "-c", watch, *command[3:]], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "nothing changed since the last build" in again.stdout
    assert "loaded: []" in again.stdout, again.stdout
