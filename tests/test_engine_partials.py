"""Material's navigation and search box, rendered once per folder (engine/partials.py), give every page the
bytes Material's own rendering of each page gives, with the installed MkDocs and Material."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup

from generator.build import build
from generator.engine import partials
from generator.resources import PACKAGE, bulletin_mkdocs_yml
from generator.validate import load_repository
from test_build_parallel import _same_tree

TODAY = dt.date(2026, 11, 24)
LATE = "capa/2026/CAPA-2026-012-indirect-supplier-monitoring"   # the last page of its folder


def _build(repo, out, monkeypatch, cached: bool):
    with monkeypatch.context() as m:
        if not cached:
            m.setattr(partials, "CACHED", ())
        build(repo, load_repository(repo), out, audience="all-staff", today=TODAY, jobs=1)


def _counting(monkeypatch) -> list:
    """The pages for which a cached partial was rendered by Material (not taken from the cache)."""
    rendered = []
    memoized = partials._memoized

    def counting(name, render, key_of, memo):
        def render_and_count(context):
            rendered.append((name, getattr(context.get("page"), "url", None)))
            return render(context)
        return memoized(name, render_and_count, key_of, memo)

    monkeypatch.setattr(partials, "_memoized", counting)
    return rendered


def test_cached_navigation_gives_the_site_material_renders_page_by_page(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    _build(demo, tmp_path / "plain", monkeypatch, cached=False)
    rendered = _counting(monkeypatch)
    _build(demo, tmp_path / "cached", monkeypatch, cached=True)
    pages = list((tmp_path / "cached").rglob("index.html"))
    navs = [url for name, url in rendered if name == "partials/nav.html"]
    records = [url for url in navs if url and url.count("/") == 3]     # type/year/id/: pages outside the nav
    folders = {url.rsplit("/", 2)[0] for url in records}
    assert len(pages) > 148 and len(navs) < len(pages) / 3
    assert len(records) == len(folders), "once per folder of record pages"
    assert _same_tree(tmp_path / "plain", tmp_path / "cached") == []


def test_a_page_with_a_navigation_link_under_its_own_url_gets_its_own_navigation(demo, tmp_path, monkeypatch):
    """A link target below a page's URL is relative to that page alone: its navigation is not shared."""
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    yml = bulletin_mkdocs_yml(docs_dir=str(PACKAGE / "site_docs"), plugin=False)
    (demo / "mkdocs.yml").write_text(yml + f"nav:\n  - index.md\n  - Actions: {LATE}/#actions\n", "utf-8")
    _build(demo, tmp_path / "plain", monkeypatch, cached=False)
    _build(demo, tmp_path / "cached", monkeypatch, cached=True)
    assert _same_tree(tmp_path / "plain", tmp_path / "cached") == []

    def link(page):
        soup = BeautifulSoup((tmp_path / "cached" / page / "index.html").read_text("utf-8"), "html.parser")
        return soup.select_one("nav.md-nav--primary a[href$='#actions']")["href"]

    assert link(LATE) == "./#actions" or link(LATE) == "#actions"
    assert link("capa/2026/CAPA-2026-001-thread-undersize") == "../CAPA-2026-012-indirect-supplier-monitoring/#actions"
