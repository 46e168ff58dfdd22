"""Which folders a build or a paper may write into: the rules that keep previews out of any
site that is or may be published, and papers alone from replacing a site with pages.

The commands ask them before they load the pipeline, for a quick refusal (exit 2); a build
asks them again under its lock (`build.build_site`), where no other build can be making
the folder live meanwhile. A folder is known by its manifest's marks (`manifest.Manifest`)
and by where it is: output/'s own folders, and `tools/publish`'s DESTs.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.write import lock_path, manifest
from generator.write.manifest import manifest_path


def real_path(path: Path) -> Path:
    """`path`, links resolved as far as they lead (`resolve` raises on a loop; the write stage refuses one)."""
    return Path(os.path.realpath(path))


def inside_live_site(target: Path, root: Path) -> bool:
    """True when `target` is output/site, the live site, or anything inside it."""
    live, target = real_path(root / "output" / "site"), real_path(target)
    return target == live or live in target.parents


def is_publish_destination(folder: Path) -> bool:
    """A folder tools/publish publishes into (its DEST): marked by `.purpose`, or, made before
    that mark existed, holding the `current` link and `releases/`."""
    return (folder / ".purpose").is_file() or (folder / "current").is_symlink() and (folder / "releases").is_dir()


PREVIEW_FOLDERS = ("preview", "serve", "serve-preview", "rehearsal")     # under output/: where previews are built
PUBLISHED_PAPER_FOLDERS = ("papers", "pdf")             # under output/: the papers clerks publish from
PUBLIC_PREVIEW_FOLDER = "serve"                         # under output/: a plain `scrutiny serve`'s, the public view


def published_papers_folder_holding(target: Path, root: Path) -> Path | None:
    """output/papers or output/pdf, if it holds `target` (or is it): no preview goes there."""
    holding = folders_holding(target)
    return next((root / "output" / name for name in PUBLISHED_PAPER_FOLDERS
                 if real_path(root / "output" / name) in holding), None)


def public_preview_folder_holding(target: Path, root: Path) -> Path | None:
    """output/serve, if it holds `target` (or is it): a plain `scrutiny serve` shows what is
    public now from it, whatever else wrote there, so no drafts or later moment go there."""
    folder = root / "output" / PUBLIC_PREVIEW_FOLDER
    return folder if real_path(folder) in folders_holding(target) else None


def preview_folder_holding(target: Path, root: Path) -> Path | None:
    """output/preview, output/serve(-preview) or output/rehearsal (tools/publish's rehearsals), if it
    holds `target` (or is it): where previews are built, never the live site."""
    holding = folders_holding(target)
    return next((folder for folder in sorted(_output_folders(root, PREVIEW_FOLDERS)) if folder in holding), None)


def kept_beside_a_site(folder: Path) -> bool:
    """A folder builds keep beside a site: the manifests, or the site's spare folder
    (`.NAME.previous`, holding its live files; a first build stages the site there before any
    manifest names it) and `.NAME.old` (where a swap parks it), beside the lock every build
    takes first. Wherever the site's parent is served, they are."""
    name = folder.name
    return name == ".manifests" or name.startswith(".") and name.endswith((".previous", ".old")) and \
        lock_path(folder).exists()


def live_folder_holding(target: Path, root: Path) -> Path | None:
    """The folder that is, or may be, served to the public and holds `target` (or is it), if
    one does: output/site; a DEST tools/publish publishes the live site into (`current` is a
    link into it); or a site a build made elsewhere with -o whose manifest does not say it
    is a preview (a build killed, or from before the mark, is taken as live); or what builds
    keep beside a site. output/'s own preview folders are previews. A preview goes into none
    of the others.

    Both the folders `target` is in as written and those its links lead to are asked: a
    link inside a live site to a folder elsewhere is served with it."""
    if inside_live_site(target, root):
        return real_path(root / "output" / "site")
    previews = _output_folders(root, PREVIEW_FOLDERS)
    for folder in folders_holding(target):
        if kept_beside_a_site(folder):
            return folder
        if is_publish_destination(folder):
            try:
                purpose = (folder / ".purpose").read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                purpose = "live"               # a DEST from before the mark: only live runs made those
            if purpose != "rehearsal":
                return folder
        if folder not in previews and manifest_path(folder).exists() and manifest.read(folder).preview is not True:
            return folder
    return None


def whole_site_holding(target: Path, root: Path) -> Path | None:
    """The public site a build made, with its pages, that holds `target` (or is it), if one
    does: output/site, a DEST of tools/publish, or a folder whose manifest says neither that
    only papers were built into it (`--pdf-only`; output/pdf is such a folder) nor that it
    is a preview (whose pages `--pdf-only --drafts` may replace)."""
    if inside_live_site(target, root):
        return real_path(root / "output" / "site")
    others = _output_folders(root, ("pdf", *PREVIEW_FOLDERS))
    for folder in folders_holding(target):
        if is_publish_destination(folder):
            return folder
        if folder not in others and manifest_path(folder).exists():
            marks = manifest.read(folder)
            if marks.pdf_only is not True and marks.preview is not True:
                return folder
    return None


def file_a_paper_would_replace(target: Path, root: Path) -> str | None:
    """Why a paper may not be written at `target` (-o), or None. A paper replaces only a PDF:
    never a record or template of the site (`-o content/reports/x.md` would destroy the report
    it is made from) nor another file the user keeps there."""
    holding = folders_holding(target)
    for own in ("content", "templates"):
        if real_path(root / own) in holding:
            return f"{target} is inside {own}/, which holds the site's own files"
    try:
        with open(real_path(target), "rb") as existing:
            start = existing.read(5)
    except PermissionError as exc:                       # a file there, which it cannot tell is a PDF
        return f"{target} cannot be read to see what it is ({exc.strerror or exc})"
    except OSError:           # a new file; a path the system refuses (a loop, too long) is the write's error
        return None
    return None if start == b"%PDF-" else f"{target} already exists and is not a PDF, which a paper would replace"


def _output_folders(root: Path, names: tuple[str, ...]) -> set[Path]:
    """output/NAME for each name, where it is a folder of output/ itself (not a link elsewhere)."""
    output = real_path(root / "output")
    return {real_path(root / "output" / name) for name in names
            if not (root / "output" / name).is_symlink() and real_path(root / "output" / name).parent == output}


def folders_holding(target: Path) -> list[Path]:
    """`target` and the folders holding it, both as written (each resolved) and as its links
    lead: a link inside a site to a folder elsewhere is served with the site."""
    written = Path(os.path.abspath(target))
    return list(dict.fromkeys([real_path(target), *real_path(target).parents,
                               *(real_path(folder) for folder in written.parents)]))


def unsafe_target(output: Path, root: Path, preview: bool, pdf_only: bool) -> str | None:
    """Why a build may not write the site at `output`, or None: asked under the build's lock."""
    if preview and (live := live_folder_holding(output, root)) is not None:
        return f"a preview (drafts, or a moment to come) never goes into {live}, a site that is or may be published"
    if preview and (papers := published_papers_folder_holding(output, root)) is not None:
        return f"a preview (drafts, or a moment to come) never goes into {papers}, where the papers clerks publish go"
    if preview and (public := public_preview_folder_holding(output, root)) is not None:
        return (f"a preview (drafts, or a moment to come) never goes into {public}, where `scrutiny serve` shows "
                "what is public now")
    if pdf_only and (site := whole_site_holding(output, root)) is not None:
        return f"--pdf-only builds the papers alone, and would leave {site}, a site with pages, without them"
    return None
