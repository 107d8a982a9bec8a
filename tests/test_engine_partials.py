"""Record pages made the fast way give the bytes of MkDocs' and Material's own way, page by page, with the
installed MkDocs and Material: the navigation, header, search box, footer and scripts rendered once per
folder, and the page template's frame once per folder (engine/partials.py), one Markdown instance for all
pages (engine/private.markdown_renderer), record files not read again (engine/private.no_source)."""

from __future__ import annotations

import datetime as dt
import re

from bs4 import BeautifulSoup
import markdown

from generator.build import build
from generator.engine import partials, private
from generator.resources import PACKAGE, bulletin_mkdocs_yml
from generator.validate import load_repository
from test_build_parallel import _same_tree

TODAY = dt.date(2026, 11, 24)
LATE = "capa/2026/CAPA-2026-012-indirect-supplier-monitoring"   # the last page of its folder


def _build(repo, out, monkeypatch, cached: bool):
    with monkeypatch.context() as m:
        if not cached:
            m.setattr(partials, "CACHED", ())
            m.setattr(partials, "HOLES", ())
            m.setattr(partials, "TOC_MEMO", 0)
            m.setattr(private, "markdown_renderer", lambda config: None)
            m.setattr(private, "no_source", lambda page: None)
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


def test_fast_record_pages_give_the_site_mkdocs_and_material_render_page_by_page(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    _build(demo, tmp_path / "plain", monkeypatch, cached=False)
    rendered = _counting(monkeypatch)
    instances = []

    class Markdown(markdown.Markdown):
        def __init__(self, *args, **kwargs):
            instances.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(markdown, "Markdown", Markdown)
    _build(demo, tmp_path / "cached", monkeypatch, cached=True)
    pages = list((tmp_path / "cached").rglob("index.html"))
    navs = [url for name, url in rendered if name == "partials/nav.html"]
    records = [url for url in navs if url and url.count("/") == 3]     # type/year/id/: pages outside the nav
    folders = {url.rsplit("/", 2)[0] for url in records}
    assert len(pages) > 148 and len(navs) < len(pages) / 3
    assert len(records) == len(folders), "once per folder of record pages"
    assert len(instances) < 10, "one Markdown instance for the record pages"
    assert _same_tree(tmp_path / "plain", tmp_path / "cached") == []


def test_record_pages_are_framed_once_per_folder_and_give_material_s_bytes(demo, tmp_path, monkeypatch):
    """Material's page template runs for the first two pages of a folder; the others fill its frame with
    their own title, TOC and content, also titles with markup, quotes, entities or the frame's mark."""
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    late = (demo / "records" / f"{LATE}.md").read_text("utf-8")
    titles = ['<b>Bore "Ø12" & \'chips\'</b> &amp; <script>x</script>', "\ue000bl-frame:header\ue000 {{ page.title }}",
              "## not a heading", "短"]
    for n, title in enumerate(titles, start=20):
        text = re.sub(r"^id: .*$", f"id: CAPA-2026-0{n}", late, count=1, flags=re.M)
        text = re.sub(r"^title: .*$", f"title: '{title.replace(chr(39), chr(39) * 2)}'", text, count=1, flags=re.M)
        body = "\n\nNo headings here.\n" if n % 2 else "\n\n## Own section\n\n### Deeper\n"
        (demo / "records" / "capa" / "2026" / f"CAPA-2026-0{n}-extra.md").write_text(text + body, "utf-8")
    assert not load_repository(demo).errors
    _build(demo, tmp_path / "plain", monkeypatch, cached=False)
    filled = []
    fill = partials._fill
    monkeypatch.setattr(partials, "_fill", lambda frame, context, *a: (filled.append(context["page"].url),
                                                                         fill(frame, context, *a))[1])
    _build(demo, tmp_path / "framed", monkeypatch, cached=True)
    records = [p for p in (tmp_path / "framed").rglob("index.html") if len(p.relative_to(tmp_path / "framed").parts) == 4]
    folders = {p.parent.parent for p in records}
    framed = {url for url in filled if url.count("/") == 3}
    assert len(records) - len(framed) <= 2 * len(folders) < len(records) / 2
    assert {f"capa/2026/CAPA-2026-0{n}-extra/" for n in (22, 23)} <= framed
    assert _same_tree(tmp_path / "plain", tmp_path / "framed") == []
    soup = BeautifulSoup((tmp_path / "framed" / "capa/2026/CAPA-2026-020-extra/index.html").read_text("utf-8"),
                         "html.parser")
    assert soup.title.text.startswith(titles[0]) and soup.h1.text.startswith(titles[0])


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
