"""An edit, then `bulletin build` again over the previous output: byte for byte a full build."""

from __future__ import annotations

import datetime as dt
import filecmp
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from benchmarks.synth import generate
from generator.build import build
from generator.validate import load_repository
from conftest import bulletin, git

TODAY = dt.date(2026, 11, 24)


def _differences(a, b) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [f"{a}/{d}" for d in cmp.left_only + cmp.right_only + cmp.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    out += [f"{a}/{d}" for d in mismatch + errors]
    for sub in cmp.common_dirs:
        out += _differences(a / sub, b / sub)
    return out


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    generate(repo, 240, seed=11)
    (repo / "docs").mkdir()      # a hand-written page (the contributor guide): searched, not generated from records
    (repo / "docs" / "contributing.md").write_text("# 提交指南\n\n每条记录都通过合并请求提交。 Records come in by merge request.\n",
                                                 "utf-8")
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "records", cwd=repo)
    return repo


def _build(repo, out, **kw):
    result = load_repository(repo)
    assert not result.errors, [p.code for p in result.errors[:3]]
    return build(repo, result, out, audience="all-staff", today=TODAY, **kw)


def _records(repo) -> dict:
    return {p: p.read_text("utf-8") for p in sorted((repo / "records").rglob("*.md"))}


def _id(text: str) -> str:
    return re.search(r"^id: (\S+)", text, re.M).group(1)


def edit_title_and_body(repo):
    """Change the title of a record that other records refer to, and its body, and commit it."""
    texts = _records(repo)
    referred = {rid for text in texts.values() for rid in re.findall(r"related: \[([A-Z]+-\d{4}-\d{3})", text)}
    path = next(p for p, t in texts.items() if _id(t) in referred)
    text = re.sub(r"^title: (.*)$", r"title: \1（已修订）", texts[path], count=1, flags=re.M)
    path.write_text(text + "\n补充说明：第二版。\n", "utf-8")
    git("commit", "-qam", "revise one record", cwd=repo)


def edit_body_only(repo):
    """Append a line to one meeting's minutes, not committed: what a preview sees while one types."""
    path = next(p for p in _records(repo) if "/meetings/" in p.as_posix())
    path.write_text(path.read_text("utf-8") + "\n会后补充：首件检验记录已归档。 Follow-up filed.\n", "utf-8")


def edit_notice_body(repo):
    """A notice's body is in the feeds' summaries: generated files must be made again."""
    path = next(p for p in _records(repo) if "/notices/" in p.as_posix())
    head, sep, body = path.read_text("utf-8").partition("\n---\n")
    path.write_text(f"{head}{sep}\n更正：以本版为准。\n{body}", "utf-8")
    git("commit", "-qam", "correct a notice", cwd=repo)


def add_record(repo):
    path = next(p for p in _records(repo) if "/capa/" in p.as_posix())
    rid = _id(path.read_text("utf-8"))
    new_id = "-".join(rid.split("-")[:2] + ["999"])
    (path.parent / f"{new_id}-added.md").write_text(path.read_text("utf-8").replace(rid, new_id), "utf-8")
    git("add", "-A", cwd=repo)
    git("commit", "-qm", f"add {new_id}", cwd=repo)


def delete_record(repo):
    """Remove a report that no record refers to and that refers to another (whose backlinks change)."""
    texts = _records(repo)
    everything = "\n".join(texts.values())
    path = next(p for p, t in texts.items() if "/reports/" in p.as_posix() and everything.count(_id(t)) == 1
                and re.search(r"^related: \[", t, re.M))
    git("rm", "-q", str(path), cwd=repo)
    git("commit", "-qm", "remove a report", cwd=repo)


def _front_matter_edit(repo, folder: str, pattern: str, replace):
    """Change one front-matter line (the first record under `folder` with a line matching `pattern`), not
    committed: what a preview sees after a save."""
    for path, text in _records(repo).items():
        head, sep, body = text.partition("\n---\n")
        m = re.search(pattern, head, re.M) if f"/{folder}/" in path.as_posix() else None
        if m:
            path.write_text(head[:m.start()] + replace(m) + head[m.end():] + sep + body, "utf-8")
            return path
    raise AssertionError(f"no record under {folder}/ matches {pattern}")


def edit_title(repo):
    """A report's title: boards, indexes, archives, the owner's pages, the report workbook."""
    return _front_matter_edit(repo, "reports", r"^title: .*$", lambda m: "title: 修订后的标题 Revised title")


def edit_status(repo):
    """A CAPA from closed to verification: boards, counts, KPIs, owed lists, the CAPA workbook."""
    return _front_matter_edit(repo, "capa", r"^status: closed$", lambda m: "status: verification")


def edit_owner(repo):
    """A CAPA's owner: one person's page loses it, another's gains it."""
    people = sorted({m for t in _records(repo).values() for m in re.findall(r"^owner: (\S+)$", t, re.M)})
    return _front_matter_edit(repo, "capa", r"^owner: (\S+)$",
                              lambda m: f"owner: {next(p for p in people if p != m.group(1))}")


def withdraw_record(repo):
    """A meeting withdrawn: its page, the lists that mark it, the workbook."""
    return _front_matter_edit(repo, "meetings", r"^chair: (\S+)$", lambda m: m.group(0) + (
        f"\nwithdrawn:\n  date: 2026-11-20\n  by: {m.group(1)}\n  reason: 内容归入其他记录，本记录作废"))


EDITS = {   # name -> (edit, generated files kept from the previous build, search index patched)
    "title and body": (edit_title_and_body, False, True),
    "title only": (edit_title, False, True),
    "status": (edit_status, False, True),
    "owner": (edit_owner, False, True),
    "withdrawn": (withdraw_record, False, True),
    "body only": (edit_body_only, True, True),
    "notice body": (edit_notice_body, False, True),
    "add a record": (add_record, False, False),
    "delete a record": (delete_record, False, False),
}


@pytest.mark.parametrize("name", EDITS)
def test_rebuild_after_an_edit_equals_a_full_build(repo, tmp_path, name):
    edit, kept, patched = EDITS[name]
    site = tmp_path / "site"
    first = _build(repo, site)
    assert first["reused"] == 0 and not first["generated_kept"] and not first["search_patched"]
    again = _build(repo, site)
    assert again["reused"] == again["pages"], "nothing changed: every record page is kept"
    assert again["generated_kept"] and again["search_patched"]

    edit(repo)
    partial = _build(repo, site)
    assert 0 < partial["reused"] < partial["pages"], partial
    assert (partial["generated_kept"], partial["search_patched"]) == (kept, patched), partial

    full = tmp_path / "full"
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []


def test_a_change_of_today_rebuilds_everything(repo, tmp_path):
    site = tmp_path / "site"
    _build(repo, site)
    result = load_repository(repo)
    stats = build(repo, result, site, audience="all-staff", today=TODAY + dt.timedelta(days=1))
    assert stats["reused"] == 0


def hide_record(repo):
    """A record everyone saw becomes management-only: who sees what changes, so everything is built again."""
    return _front_matter_edit(repo, "reports", r"^title: .*$", lambda m: m.group(0) + "\nvisibility: management")


@pytest.mark.parametrize("change", ["audience", "today"])
def test_a_site_wide_change_then_a_build_equals_a_full_build(repo, tmp_path, change):
    site, full = tmp_path / "site", tmp_path / "full"
    _build(repo, site)
    today = TODAY
    if change == "audience":
        hide_record(repo)
    else:
        today = TODAY + dt.timedelta(days=40)
    result = load_repository(repo)
    build(repo, result, site, audience="all-staff", today=today)
    build(repo, result, full, audience="all-staff", today=today, incremental_ok=False)
    assert _differences(site, full) == []


def test_a_title_edit_makes_only_the_data_files_it_changes_again(repo, tmp_path):
    """Data files' rows are kept by their records' front matter (stage2.Memo.rows): a report's title changes
    the rows of the report workbook and CSV and of records.json; the other types' rows and the calendar's are
    not made again."""
    from generator import incremental

    site = tmp_path / "site"
    _build(repo, site)
    folder = incremental.memo(repo, site).folder
    before = _rows_tables(folder)
    assert len(before) == 2 * 9 + 2, "the rows of each type's index and exports, of the calendar, of records.json"
    edit_body_only(repo)     # no generated file is made: what they are made from stays
    _build(repo, site)
    assert _rows_tables(folder) == before, "nothing written again"
    edit_title(repo)
    _build(repo, site)
    after = _rows_tables(folder)
    assert set(after) == set(before)
    assert sum(after[name] != ino for name, ino in before.items()) == 3, "the report index's and exports' rows, records.json's"


def _rows_tables(folder) -> dict:
    """The memo's row tables (Memo.rows; beside them, the shared values it keeps): name -> inode."""
    return {p.name: p.stat().st_ino for p in folder.iterdir() if p.name.startswith("rows-")}


def _inodes(site) -> dict:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*")}


def _state(site) -> str:
    """Every path under the site and every file's bytes."""
    h = hashlib.sha256()
    for p in sorted(site.rglob("*")):
        h.update(p.relative_to(site).as_posix().encode() + b"\0")
        if p.is_file():
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _page(site, repo, path) -> Path:
    """The built page of the record at `path` (under records/)."""
    rel = path.relative_to(repo / "records").with_suffix("")
    return site / rel / "index.html"


def test_an_edit_is_committed_into_the_live_site_in_place(repo, tmp_path):
    """Edit after edit (a body, a title, a record removed, one added, a body again) the build writes only
    what changed into the live site: its folders and unchanged files stay (the same inodes), the edited
    page is a new file, a removed record's files and folder are gone, and each site is byte for byte a
    full build."""
    site, full = tmp_path / "site", tmp_path / "full"
    _build(repo, site)
    live = site.stat().st_ino
    for edit in (edit_body_only, edit_title, delete_record, add_record, edit_body_only):
        before = _inodes(site)
        removed = set(_records(repo))
        edit(repo)
        removed -= set(_records(repo))
        stats = _build(repo, site)
        assert stats["reused"] > 0, edit.__name__
        now = _inodes(site)
        same = [rel for rel, ino in now.items() if before.get(rel) == ino]
        assert len(same) > len(now) * 9 // 10, (edit.__name__, len(same), len(now))
        assert site.stat().st_ino == live, "the same folder"
        for path in removed:
            assert not _page(site, repo, path).parent.exists(), "a removed record's page and folder are gone"
        _build(repo, full, incremental_ok=False)
        assert _differences(site, full) == [], edit.__name__
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")], "no scratch or backup folder left"


def test_a_build_that_fails_after_writing_leaves_the_previous_site_untouched(repo, tmp_path):
    """A build fails after writing every file (strict mode, a broken link): the live site keeps every
    byte; the next build is right."""
    site, full = tmp_path / "site", tmp_path / "full"
    _build(repo, site)
    before = _state(site)
    edit_body_only(repo)
    edit_title(repo)
    guide = repo / "docs" / "contributing.md"
    guide.write_text(guide.read_text("utf-8") + "\n[模板](missing-template.md)\n", "utf-8")
    with pytest.raises(SystemExit, match="strict mode"):      # MkDocs: after every file is written
        _build(repo, site, strict=True)
    assert _state(site) == before
    guide.write_text(guide.read_text("utf-8").replace("[模板](missing-template.md)", "模板"), "utf-8")
    _build(repo, site)
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []


def test_a_commit_that_fails_midway_puts_every_live_file_back(repo, tmp_path):
    """Two records' bodies edited; the second one's page cannot be replaced (a folder stands where it goes),
    so moving the new files into the live site fails after the first page was replaced: every live file is
    put back byte for byte, and once the obstacle is gone the next build equals a full build."""
    site, full = tmp_path / "site", tmp_path / "full"
    _build(repo, site)
    meetings = sorted(p for p in _records(repo) if "/meetings/" in p.as_posix())[:2]
    for path in meetings:
        path.write_text(path.read_text("utf-8") + "\n会后补充：已归档。\n", "utf-8")
    blocked = _page(site, repo, meetings[1])
    original = blocked.read_bytes()
    blocked.unlink()
    (blocked / "obstacle").mkdir(parents=True)
    first_page = _page(site, repo, meetings[0]).read_bytes()
    before = _state(site)
    with pytest.raises(OSError):
        _build(repo, site)
    assert _state(site) == before, "every live file as it was"
    assert _page(site, repo, meetings[0]).read_bytes() == first_page
    shutil.rmtree(blocked)
    blocked.write_bytes(original)
    _build(repo, site)
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []


def test_a_commit_that_fails_says_so_in_words_and_keeps_the_site(repo, tmp_path):
    """`bulletin build` whose files cannot be moved into the live site: a sentence saying so and that the
    previous site is unchanged (exit 2), not an internal error."""
    site = tmp_path / "site"
    path = sorted(p for p in _records(repo) if "/meetings/" in p.as_posix())[0]
    for lang, words in (("zh", "原来的站点没有改变"), ("en", "The previous site is unchanged")):
        built = bulletin("build", "--out", str(site), "--today", TODAY.isoformat(), cwd=repo)
        assert built.returncode == 0, built.stderr
        path.write_text(path.read_text("utf-8") + "\n会后补充：已归档。\n", "utf-8")
        blocked = _page(site, repo, path)
        blocked.unlink()
        (blocked / "obstacle").mkdir(parents=True)
        before = _state(site)
        done = bulletin("build", "--out", str(site), "--today", TODAY.isoformat(), "--lang", lang, cwd=repo)
        assert done.returncode == 2, done.stderr
        assert words in done.stderr and str(site) in done.stderr, done.stderr
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert _state(site) == before


def test_a_build_killed_while_committing_is_followed_by_a_full_build(repo, tmp_path):
    """A build killed while it moved its files into the live site leaves its journal and a half-changed
    site (here: one page half written, another gone): the next build builds in full, and the site is
    byte for byte a full build."""
    from generator import incremental

    site, full = tmp_path / "site", tmp_path / "full"
    _build(repo, site)
    edit_body_only(repo)
    pages = sorted(p for p in site.rglob("index.html") if p.parent != site)
    pages[0].write_bytes(pages[0].read_bytes()[:100])
    pages[1].unlink()
    incremental.journal(site).write_text("cut short\n", "utf-8")
    stats = _build(repo, site)
    assert stats["reused"] == 0, "a full build"
    assert not incremental.journal(site).exists()
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []


def test_an_edit_reads_only_its_own_texts_for_hidden_names(repo, tmp_path):
    """Whether a record's texts or a commit message name a hidden record is remembered by their content
    under the same hidden records: a build after one body edit reads that one record only. When a record
    becomes hidden, every text is read again, and an unchanged record naming it stops naming it."""
    site = tmp_path / "site"
    first = _build(repo, site)
    assert first["mask_read"] >= first["pages"], first           # every visible record (and commit message)
    assert _build(repo, site)["mask_read"] == 0, "nothing changed: nothing is read again"
    edit_body_only(repo)
    assert _build(repo, site)["mask_read"] == 1, "the edited record only"

    texts = _records(repo)
    target = next(p for p, t in texts.items() if "/reports/" in p.as_posix() and "visibility:" not in t)
    rid = _id(texts[target])
    naming = next(p for p, t in texts.items() if "/meetings/" in p.as_posix() and "visibility:" not in t
                  and rid not in t)
    naming.write_text(texts[naming] + f"\n另见 {rid}。\n", "utf-8")
    git("commit", "-qam", "mention a report", cwd=repo)
    _build(repo, site)
    page = _page(site, repo, naming).read_text("utf-8")
    assert rid in page
    _front_matter_edit(repo, "reports", rf"^id: {rid}$", lambda m: m.group(0) + "\nvisibility: management")
    hidden = _build(repo, site)
    assert hidden["mask_read"] >= hidden["pages"], "who may see what changed: every text is read again"
    page = _page(site, repo, naming).read_text("utf-8")
    assert rid not in page and rid.lower() not in page.lower()
    full = tmp_path / "full"
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []


def test_an_edit_looks_up_approval_evidence_for_the_pages_it_renders_only(repo, tmp_path):
    """Approval evidence (Git's commits behind each approval) is shown on record pages only: a build
    after a body edit looks it up for the edited record alone, and the site is still a full build's."""
    site = tmp_path / "site"
    first = _build(repo, site)
    assert first["approvals_looked_up"] == first["pages"], first
    assert _build(repo, site)["approvals_looked_up"] == 0, "nothing changed: no page is rendered"
    edit_body_only(repo)
    assert _build(repo, site)["approvals_looked_up"] == 1, "the edited record only"
    full = tmp_path / "full"
    assert _build(repo, full, incremental_ok=False)["approvals_looked_up"] == first["pages"]
    assert _differences(site, full) == []


def test_a_body_edit_keys_only_the_edited_record_page_again(repo, tmp_path):
    """Each record page is keyed by what it is made from; after a body edit the keys of the other pages are
    the previous build's (every front matter and the history are the same), and the site is still a full
    build's. A commit (new history) or a front-matter edit keys every page again."""
    site = tmp_path / "site"
    first = _build(repo, site)
    assert first["keys_made"] == first["pages"], first
    assert _build(repo, site)["keys_made"] == 0, "nothing changed"
    edit_body_only(repo)
    assert _build(repo, site)["keys_made"] == 1, "the edited record only"
    git("commit", "-qam", "minutes", cwd=repo)
    assert _build(repo, site)["keys_made"] == first["pages"], "the history changed"
    edit_title(repo)
    assert _build(repo, site)["keys_made"] == first["pages"], "a title changed"
    full = tmp_path / "full"
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []


def test_a_build_that_makes_no_generated_page_does_not_load_their_modules(repo, tmp_path):
    """Charts, feeds and the auditor's index are loaded only when a generated page is made: a build after
    a body edit (every generated page kept) goes without them."""
    import subprocess
    import sys
    probe = ("import sys; from generator import cli; code = cli.main(sys.argv[1:]); "
             "print('loaded:', *sorted(m for m in sys.modules if m in ('generator.charts', 'generator.feeds', "
             "'generator.clauses')), file=sys.stderr); sys.exit(code)")
    args = [sys.executable, "-c", probe, "build", "--out", "site", "--today", TODAY.isoformat()]
    first = subprocess.run(args, cwd=repo, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "generator.feeds" in first.stderr.split("loaded:")[-1], "a full build makes the feeds"
    edit_body_only(repo)
    again = subprocess.run(args, cwd=repo, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert again.stderr.split("loaded:")[-1].split() == [], again.stderr


def _count_mkdocs_objects(monkeypatch, records: Path) -> dict:
    """How many MkDocs Files and Pages a build makes for record pages (probes around their constructors)."""
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page
    made = {"files": 0, "pages": 0}
    file_init, page_init = File.__init__, Page.__init__

    def counted_file(self, path, src_dir, *args, **kw):
        made["files"] += src_dir == str(records) and str(path).endswith(".md")
        file_init(self, path, src_dir, *args, **kw)

    def counted_page(self, title, file, config):
        made["pages"] += file.src_dir == str(records)
        page_init(self, title, file, config)

    monkeypatch.setattr(File, "__init__", counted_file)
    monkeypatch.setattr(Page, "__init__", counted_page)
    return made


def test_a_body_edit_makes_mkdocs_files_and_pages_for_the_rendered_record_pages_only(repo, tmp_path, monkeypatch):
    """The record pages kept from the previous build get no MkDocs File nor Page: a body edit makes them
    for the one page it renders (and the Files of records this audience may not see, which the filter
    drops), and the site is still a full build's."""
    site, sources = tmp_path / "site", len(list((repo / "records").rglob("*.md")))
    _build(repo, site)
    edit_body_only(repo)
    made = _count_mkdocs_objects(monkeypatch, (repo / "records").resolve())
    partial = _build(repo, site)
    assert partial["pages"] - partial["reused"] == 1, partial
    assert made == {"files": sources - partial["reused"], "pages": 1}, (made, partial)
    monkeypatch.undo()
    full = tmp_path / "full"
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []


def _site_url_mkdocs_yml(repo) -> None:
    from generator.resources import PACKAGE, bulletin_mkdocs_yml
    text = bulletin_mkdocs_yml(docs_dir=str(PACKAGE / "site_docs"), plugin=False)
    (repo / "mkdocs.yml").write_text("site_url: https://bulletin.example.internal/qa/\n" + text, "utf-8")


def test_with_site_url_the_sitemap_of_an_edit_lists_every_page_as_a_full_build(repo, tmp_path):
    """sitemap.xml lists every page when site_url is set: after an edit, the record pages kept from the
    previous build too, in a full build's order."""
    _site_url_mkdocs_yml(repo)
    site = tmp_path / "site"
    first = _build(repo, site)
    edit_body_only(repo)
    partial = _build(repo, site)
    assert partial["reused"] == first["pages"] - 1, partial
    full = tmp_path / "full"
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text("utf-8"))
    shown = [p for p in _records(repo) if _page(site, repo, p).exists()]
    assert len(shown) == first["pages"]
    base = "https://bulletin.example.internal/qa/"
    assert {f"{base}{p.relative_to(repo / 'records').with_suffix('').as_posix()}/" for p in shown} <= set(locs)
    assert all(loc.startswith("https://bulletin.example.internal/qa/") for loc in locs)


def test_a_rendered_page_links_to_a_kept_record_page_by_its_url(repo, tmp_path):
    """A record's Markdown link to another record's file becomes a link to that page, also when that page
    is kept from the previous build (no MkDocs File of its own in this build)."""
    site = tmp_path / "site"
    _build(repo, site)
    texts = _records(repo)
    path = next(p for p in texts if "/meetings/" in p.as_posix())
    target = next(p for p in texts if p != path and "/meetings/" not in p.as_posix())
    rel = Path("../..", target.relative_to(path.parent.parent.parent)).as_posix()
    path.write_text(texts[path] + f"\n参见 [另一条记录]({rel}) 与 [它的一节]({rel}#x)。\n", "utf-8")
    partial = _build(repo, site)
    assert partial["pages"] - partial["reused"] == 1, partial
    full = tmp_path / "full"
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []
    page = _page(site, repo, path).read_text("utf-8")
    assert ".md\"" not in page and f"{target.stem}/\"" in page and f"{target.stem}/#x\"" in page


# ------------------------------------------------------------------ the manifest's parts

def _manifest_files(cache: Path) -> dict[Path, tuple]:
    """The build manifests in the cache and the files beside them (the stage 2 cache, written when many
    files' stats settle, is left out)."""
    return {p: (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino) for p in cache.rglob("*")
            if p.is_file() and p.relative_to(cache).parts[0].startswith("build-")}


def test_a_body_edit_writes_a_small_part_of_the_manifest(repo, tmp_path, monkeypatch):
    """The search index's entries and shards are kept in files of their own beside the manifest: a body
    edit writes the one file of entries that holds its page and the shards of the words it changed, not
    the whole index again."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(cache))
    site = tmp_path / "site"
    _build(repo, site)
    before = _manifest_files(cache)
    edit_body_only(repo)
    assert _build(repo, site)["search_patched"]
    after = _manifest_files(cache)
    written = sum(stat[0] for p, stat in after.items() if before.get(p) != stat)
    total = sum(stat[0] for stat in after.values())
    assert written < total / 4, (written, total)


def test_a_body_edit_reads_only_the_parts_of_the_index_it_changes(repo, tmp_path, monkeypatch):
    """A body edit reads the entries of its page's metadata chunk and the shards of the words it changed:
    one file of entries and a few shards, of the hundreds kept."""
    from generator import incremental

    site = tmp_path / "site"
    _build(repo, site)
    previous = incremental.load(site).index
    read = []
    real = incremental._read_part
    monkeypatch.setattr(incremental, "_read_part", lambda folder, name: read.append(name) or real(folder, name))
    edit_body_only(repo)
    assert _build(repo, site)["search_patched"]
    assert len(set(read) & set(previous.docs.names)) == 1, "the chunk of the edited page"
    assert 0 < len(set(read) & set(previous.shards.names)) < 15 < len(previous.shards), (read, len(previous.shards))


@pytest.mark.parametrize("harm", ["damaged", "missing"])
def test_a_manifest_whose_parts_are_harmed_is_followed_by_a_full_build(repo, tmp_path, harm):
    """A part file that is gone (the manifest is not trusted) or not what its name says (found when read:
    the build starts again in full) never makes a wrong site: the next build is byte for byte a full one."""
    from generator import incremental

    site, full = tmp_path / "site", tmp_path / "full"
    _build(repo, site)
    edit_body_only(repo)
    for part in incremental._parts_folder(site).iterdir():
        if harm == "missing":
            part.unlink()
        else:
            part.write_bytes(part.read_bytes()[:-1] + b"\0")
    stats = _build(repo, site)
    assert stats["reused"] == 0, "a full build"
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []
    assert _build(repo, site)["reused"] == stats["pages"], "its manifest and parts are whole again"


def test_the_memo_is_keyed_by_the_calendar_writers_version_without_loading_it():
    """incremental.memo's key names the icalendar that wrote the calendars; an edit that makes no calendar
    (most) does not import it for that."""
    import subprocess
    import sys

    import icalendar

    probe = ("import sys; from generator import incremental; w = incremental._writers(); "
             "print(w[-1], 'icalendar' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["icalendar", icalendar.__version__, "False"]
