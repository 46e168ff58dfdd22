"""The spare folder beside the site (`output/.site.previous`): each build makes its version
there, changing only the files that differ, then swaps it in. Whatever the spare folder
held, the site that goes live is the one a cold build makes, and the spare folder never
holds anything the live site does not."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from leak_helpers import SENTINEL, files_containing, plant_embargoed_inspection
from site_helpers import AS_OF, REPO, all_files, build, cold_build, copy_site, replace_in_file as edit

DAY = dt.timedelta(days=1)
GOVERNANCE = "Governance was not robust enough."


def test_after_any_series_of_edits_the_site_is_the_one_a_cold_build_makes(tmp_path):
    root = copy_site(tmp_path / "site")
    build(root)
    record = root / "content/inspections/torbay-2021.yaml"
    original = record.read_text(encoding="utf-8")
    meeting = root / "content/meetings/wolverhampton-cabinet-2022-03-16.yaml"      # no record names it
    meeting_text = meeting.read_text(encoding="utf-8")
    steps = [
        ("an inspection changed", lambda: edit(record, GOVERNANCE, "Governance was weak."), AS_OF),
        ("changed back", lambda: record.write_text(original, encoding="utf-8"), AS_OF),
        ("a meeting deleted", meeting.unlink, AS_OF),
        ("an embargoed record added", lambda: plant_embargoed_inspection(root, AS_OF + DAY), AS_OF),
        ("the embargo ended", lambda: None, AS_OF + 2 * DAY),
        ("the meeting back, the inspection changed again",
         lambda: (meeting.write_text(meeting_text, encoding="utf-8"), edit(record, GOVERNANCE, "Governance was poor.")),
         AS_OF + 2 * DAY),
        ("the record embargoed again", lambda: plant_embargoed_inspection(root, AS_OF + 9 * DAY), AS_OF + 2 * DAY),
    ]
    spare = root / "output/.site.previous"
    for number, (what, change, now) in enumerate(steps):
        change()
        build(root, now=now)
        live = all_files(root / "output/site")
        assert live == cold_build(root, tmp_path / "scratch", now=now), f"step {number}: {what}"
        # The spare folder is a part of the live site: the same files, at the same version.
        held = all_files(spare)
        assert held and all(live.get(path) == data for path, data in held.items()), f"step {number}: {what}"
        # and no empty folder goes live (its name would be a withheld record's id)
        assert empty_folders(root / "output/site") == [], f"step {number}: {what}"
    assert files_containing(spare, SENTINEL) == []


def empty_folders(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir() and not any(p.iterdir())]


def test_a_build_that_renders_every_page_again_keeps_their_folders(tmp_path, monkeypatch):
    """A template changed: every page is written again into the folder its old version
    left in the spare folder, rather than the folder being removed and made again (2.7 s
    of such a build at N = 5,000). The folders still empty at the swap go."""
    root = copy_site(tmp_path / "site")
    theme_footer = (REPO / "generator/theme/templates/_footer.html").read_text(encoding="utf-8")
    footer = root / "templates/_footer.html"
    footer.parent.mkdir(exist_ok=True)
    removed: list[Path] = []
    original_rmdir = Path.rmdir

    def rmdir(folder: Path) -> None:
        original_rmdir(folder)
        removed.append(folder)

    for number in range(3):
        footer.write_text(theme_footer.replace("</footer>", f"<!-- version {number} --></footer>"), encoding="utf-8")
        if number == 2:
            monkeypatch.setattr(Path, "rmdir", rmdir)
        report = build(root)
    assert "inspections/torbay-2021/index.html" in report.rendered       # every page, in its own folder
    assert removed == []
    assert all_files(root / "output/site") == cold_build(root, tmp_path / "scratch")
    assert empty_folders(root / "output/site") == []

    (root / "content/meetings/wolverhampton-cabinet-2022-03-16.yaml").unlink()         # its folder goes
    build(root)
    assert not (root / "output/site/meetings/wolverhampton-cabinet-2022-03-16").exists()
    assert empty_folders(root / "output/site") == []


def test_an_edit_renders_only_its_dependants_once_the_spare_folder_exists(tmp_path):
    root = copy_site(tmp_path / "site")
    build(root)
    record = root / "content/inspections/torbay-2021.yaml"
    edit(record, GOVERNANCE, "Governance was weak.")
    first = build(root)             # no spare folder yet: every unchanged file is linked into a new one
    edit(record, "Governance was weak.", "Governance was poor.")
    second = build(root)

    assert sorted(second.rendered) == sorted(first.rendered)
    spare = root / "output/.site.previous"
    live = root / "output/site"
    # The unchanged pages are the very same files in both folders (hard links), not copies.
    unchanged = [p for p in second.reused if (spare / p).is_file()]
    assert len(unchanged) == len(second.reused)
    assert all((spare / p).stat().st_ino == (live / p).stat().st_ino for p in unchanged)
    assert not any((spare / p).exists() for p in second.rendered)


def test_files_in_the_spare_folder_that_are_not_the_live_files_never_go_live(tmp_path):
    root = copy_site(tmp_path / "site")
    record = root / "content/inspections/torbay-2021.yaml"
    build(root)
    edit(record, GOVERNANCE, "Governance was weak.")
    build(root)
    spare = root / "output/.site.previous"
    page = spare / "inspections/dudley-2019/index.html"
    assert page.is_file()

    # A stray file, as if someone had copied it there.
    (spare / "stray").mkdir()
    (spare / "stray/index.html").write_text(f"<p>{SENTINEL}</p>")
    edit(record, "Governance was weak.", "Governance was poor.")
    build(root)
    assert files_containing(root / "output/site", SENTINEL) == []
    assert not (root / "output/.site.previous/stray").exists()

    # A file at a path the live site has, but not the live file itself (a build killed while
    # writing it, say): it is not trusted.
    page = root / "output/.site.previous/inspections/dudley-2019/index.html"
    page.unlink()
    page.write_text(f"<p>{SENTINEL}</p>")
    edit(record, "Governance was poor.", "Governance was weak.")
    build(root)
    assert files_containing(root / "output/site", SENTINEL) == []
    assert all_files(root / "output/site") == cold_build(root, tmp_path / "scratch")


def test_a_record_withheld_since_the_last_build_leaves_no_trace_in_the_site_its_index_or_the_spare(tmp_path):
    root = copy_site(tmp_path / "site")
    plant_embargoed_inspection(root, AS_OF - DAY)           # public already
    build(root, search=True)
    edit(root / "content/inspections/torbay-2021.yaml", GOVERNANCE, "Governance was weak.")
    build(root, search=True)
    spare = root / "output/.site.previous"
    assert files_containing(spare, SENTINEL), "the spare folder holds the public record's pages"
    assert any(h.startswith("pagefind/") for h in files_containing(root / "output/site", SENTINEL))

    plant_embargoed_inspection(root, AS_OF + DAY)           # embargoed again
    build(root, search=True)
    assert files_containing(root / "output/site", SENTINEL) == []
    assert files_containing(spare, SENTINEL) == []
    assert files_containing(root / "output/site", "torbay-2026") == []


def test_without_renameat2_the_swap_is_three_renames_and_the_spare_folder_still_works(tmp_path, monkeypatch):
    from generator import write
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)       # as on a platform without it
    root = copy_site(tmp_path / "site")
    record = root / "content/inspections/torbay-2021.yaml"
    build(root)
    for old, new in ((GOVERNANCE, "Governance was weak."), ("Governance was weak.", "Governance was poor.")):
        edit(record, old, new)
        build(root)
        assert all_files(root / "output/site") == cold_build(root, tmp_path / "scratch")
    assert (root / "output/.site.previous").is_dir()
    assert not (root / "output/.site.old").exists()


def test_a_swap_killed_between_its_renames_is_put_right_by_the_next_build(tmp_path):
    from generator import write
    root = copy_site(tmp_path / "site")
    build(root)
    site, parked, spare = root / "output/site", root / "output/.site.old", root / "output/.site.previous"
    live = all_files(site)

    # Killed after the first rename: the live site is parked, and put back.
    site.rename(parked)
    write.recover(site)
    assert all_files(site) == live and not parked.exists()

    # Killed after the second rename: the new site is live, and the parked one becomes the spare.
    shutil.copytree(site, parked)
    write.recover(site)
    assert all_files(site) == live and spare.is_dir() and not parked.exists()

    # Either way the next build, without the spare folder's manifest, trusts nothing in it.
    (spare / "stray.html").write_text(SENTINEL)
    edit(root / "content/inspections/torbay-2021.yaml", GOVERNANCE, "Governance was weak.")
    build(root)
    assert files_containing(root / "output/site", SENTINEL) == []
    assert all_files(root / "output/site") == cold_build(root, tmp_path / "scratch")


def test_a_link_where_the_spare_folder_goes_is_removed_not_followed(tmp_path):
    root = copy_site(tmp_path / "site")
    build(root)
    elsewhere = tmp_path / "someone-elses-folder"
    elsewhere.mkdir()
    (elsewhere / "keep.html").write_text("not ours")
    (root / "output/.site.previous").symlink_to(elsewhere, target_is_directory=True)
    edit(root / "content/inspections/torbay-2021.yaml", GOVERNANCE, "Governance was weak.")
    build(root)
    assert [p.name for p in elsewhere.iterdir()] == ["keep.html"]
    assert (elsewhere / "keep.html").read_text() == "not ours"
    assert all_files(root / "output/site") == cold_build(root, tmp_path / "scratch")


def test_the_search_index_is_made_again_only_when_its_pages_change(tmp_path, monkeypatch):
    """An index is reused while every page it indexed is (Pagefind writes the same bytes for
    the same pages); a page changed, added or withheld makes it again, as a cold build would."""
    import generator.render as render
    root = copy_site(tmp_path / "site")
    build(root, search=True)
    indexed: list[Path] = []
    original = render.index_site
    monkeypatch.setattr(render, "index_site", lambda target, site: indexed.append(site) or original(target, site))
    site = root / "output/site"

    # A new file no page reads: the build checks everything again, and every page is reused.
    (root / "content/attachments/unused-note.md").write_text("---\ntitle: A note\n---\nNot yet used.\n")
    report = build(root, search=True)
    assert report.checked is not None and indexed == [] and "pagefind" in report.reused

    edit(root / "content/inspections/torbay-2021.yaml", GOVERNANCE, "Governance was weak.")
    report = build(root, search=True)
    assert len(indexed) == 1 and "pagefind" in report.rendered
    assert all_files(site) == cold_build(root, tmp_path / "scratch", search=True)

    # A page withheld since: the index is made again, and holds nothing of it.
    plant_embargoed_inspection(root, AS_OF - DAY)
    build(root, search=True)
    plant_embargoed_inspection(root, AS_OF + DAY)
    indexed.clear()
    build(root, search=True)
    assert len(indexed) == 1
    assert files_containing(site, SENTINEL) == []
    assert all_files(site) == cold_build(root, tmp_path / "scratch", search=True)


def test_a_file_put_into_the_live_folder_does_not_stay_in_the_spare_folder_after_the_next_swap(tmp_path):
    """`scrutiny paper ... -o output/site/papers/x.pdf` (allowed while the record is public), or
    a file copied in by hand: no build planned it, so the next swap leaves it in the spare
    folder, which kept only what the old manifest listed. A site built with `-o` into a web
    server's folder has its spare folder served beside it: the paper of a record withdrawn
    since stayed there, build after build."""
    root = copy_site(tmp_path / "site")
    build(root)
    (root / "output/site/papers").mkdir()
    (root / "output/site/papers/torbay-2021.pdf").write_text(f"%PDF {SENTINEL}")
    edit(root / "content/inspections/torbay-2021.yaml", GOVERNANCE, "Governance was weak.")

    build(root)

    spare = root / "output/.site.previous"
    assert spare.is_dir() and files_containing(spare, SENTINEL) == []
    assert not (spare / "papers").exists()
    assert files_containing(root / "output/site", SENTINEL) == []


def test_a_live_file_changed_in_place_does_not_stay_in_the_spare_folder(tmp_path):
    """Text typed into a live page (the spare folder's copy is the same file): the next build
    writes the page again, and the trim kept the changed copy in the spare folder, because
    it compared what the file was made from, not whether it was the live file."""
    root = copy_site(tmp_path / "site")
    build(root)
    build(root, now=AS_OF + DAY)
    page = root / "output/site/about/index.html"
    with page.open("a") as handle:
        handle.write(f"<p>{SENTINEL}</p>")

    build(root, now=AS_OF + DAY)

    spare = root / "output/.site.previous"
    assert files_containing(root / "output/site", SENTINEL) == []
    assert files_containing(spare, SENTINEL) == []
