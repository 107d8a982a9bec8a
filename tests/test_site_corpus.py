"""Other ways to build: the real-world corpus, plain `mkdocs build` on a repository, and the English site."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import CORPUS, DEMO_TODAY, PROJECT, bulletin, copy_demo, git, run
from generator.search import Index
from sitecheck import search_index_problems
from test_site import BOARD_ALL_STAFF, external_loads, read_records, shown

BROKEN = ("records/meetings/2021/MTG-2021-012-2021-06-15-meeting.md",
          "records/meetings/2025/MTG-2025-017-2025-07-31-meeting.md")
MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def _writable_copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    for root, dirs, files in os.walk(dest):
        for name in dirs + files:
            p = Path(root) / name
            p.chmod(p.stat().st_mode | stat.S_IWUSR)
    return dest


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


# --- the real-world corpus ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    assert (CORPUS / "records").is_dir(), f"the shared corpus is missing: {CORPUS}"
    repo = _writable_copy(CORPUS, tmp_path_factory.mktemp("corpus") / "out")
    for rel in BROKEN:
        (repo / rel).unlink()
    out = repo.parent / "site"
    result = bulletin("build", "--out", str(out), "--today", DEMO_TODAY, cwd=repo)
    return repo, out, result


def test_corpus_builds_without_errors(corpus_site):
    repo, out, result = corpus_site
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "error" not in result.stdout.lower()
    assert (out / "index.html").is_file()


def test_every_corpus_record_has_its_page(corpus_site):
    repo, out, result = corpus_site
    records = read_records(repo)
    assert len(records) == 189
    pages = [p for p in out.glob("meetings/*/*/index.html")]
    assert len(pages) == 189
    for r in records:
        page = out / r.page
        assert page.is_file(), r.page
    # the 109 KB record renders whole, the CRLF ones too
    biggest = max(records, key=lambda r: len(r.body.encode("utf-8")))
    art = soup(out / biggest.page).find("article")
    assert len(art.get_text()) > 50_000
    rows = (out / "meetings/index.json").read_text("utf-8")
    assert sum(1 for r in records if f'"{r.id}"' in rows) == 189


def test_corpus_site_loads_nothing_from_outside(corpus_site):
    assert external_loads(corpus_site[1]) == []


# --- plain `mkdocs build` ---------------------------------------------------------------------------------------

def test_mkdocs_build_on_a_repository(tmp_path):
    """A repository as the project ships it: mkdocs.yml, the generator it names as a hook, records, settings.
    No theme folder beside mkdocs.yml: the hook brings the search box's templates (generator/overrides)."""
    repo = copy_demo(tmp_path / "repo")
    for name in ("mkdocs.yml",):
        shutil.copy(PROJECT / name, repo / name)
    for name in ("generator", "templates", "docs"):
        if (PROJECT / name).is_dir():
            shutil.copytree(PROJECT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "the project files", cwd=repo)
    result = run([MKDOCS, "build"], cwd=repo)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = repo / "site"
    board = soup(out / "index.html").select("ol.bl-notice-list > li[data-id]")
    notices = {r.id for r in shown(read_records(repo), "all-staff") if r.type == "notice"}
    assert board and {li["data-id"] for li in board} <= notices          # today is the clock's: a subset
    records = shown(read_records(repo), "all-staff")
    missing = [r.page for r in records if not (out / r.page).is_file()]
    assert missing == []
    assert not (out / "capa/2026/CAPA-2026-003-hd-claim").exists()       # all-staff by default
    assert not (repo / "overrides").exists()
    # the header search box, from the hook's templates, answered by the chunked index (not Material's)
    home = soup(out / "index.html")
    box = home.select_one("[data-bl-search]")
    assert box is not None and box["data-bl-index"] == "search/"
    assert home.find(attrs={"data-md-component": "search-query"}) is None
    assert home.find("script", src=lambda v: v and v.endswith("assets/bulletin-search.js")) is not None
    assert (out / "search/manifest.json").is_file() and (out / "assets/bulletin-search.js").is_file()
    assert not (out / "search/search_index.json").exists()
    assert search_index_problems(out) == []
    notice = next(r for r in records if r.id == "NTC-2026-005")
    assert notice.page[:-len("index.html")] in [hit.url for hit in Index(out / "search").search("首件", limit=1000)]
    assert not list((repo / "records").rglob("index.md")), "nothing is written into records/"


# --- English ----------------------------------------------------------------------------------------------------

def test_english_site(tmp_path):
    repo = copy_demo(tmp_path / "repo")
    site_yml = repo / "site_config/site.yml"
    text = site_yml.read_text("utf-8")
    assert "\nlanguage: zh" in text
    site_yml.write_text(text.replace("\nlanguage: zh", "\nlanguage: en"), "utf-8")
    out = tmp_path / "site"
    result = bulletin("build", "--out", str(out), "--today", DEMO_TODAY, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    index = soup(out / "index.html")
    assert index.html["lang"] == "en"
    assert index.find("article").h1.get_text().rstrip("¶").strip() == "Bulletin board"
    assert index.find("input", class_="md-search__input")["placeholder"] == "Search"
    assert [li["data-id"] for li in index.select("ol.bl-notice-list > li")] == BOARD_ALL_STAFF
    assert index.select_one("#bl-notices-h").get_text(strip=True) == "Notices in force"
    page = soup(out / "capa/2026/CAPA-2026-004-first-article/index.html")
    assert page.html["lang"] == "en"
    dts = [dt.get_text(strip=True) for dt in page.select(".bl-card dt")]
    assert "Department" in dts and "部门" not in dts
    assert "85 days late" in page.select_one(".bl-card-head").get_text()
    board = soup(out / "capa/board/index.html").find("article")
    assert board.h1.get_text().rstrip("¶").strip() == "CAPA board"
