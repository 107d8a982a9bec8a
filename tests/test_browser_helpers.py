"""The site checks catch a broken site: breaking a copy of the built demo on purpose makes them report it.

(The browser's own guard, which aborts and counts requests that leave 127.0.0.1, is shown catching a
CDN script in tests/browser/test_site_browser.py::test_a_cdn_script_is_blocked_and_counted.)
"""

from __future__ import annotations

import json
import shutil

import pytest

from sitecheck import check_site, demo_site, external_loads, search_index_problems

RECORD_PAGE = "capa/2026/CAPA-2026-006-press-oee/index.html"


@pytest.fixture
def site(tmp_path, tmp_path_factory):
    """A private copy of the built all-staff demo site, to break."""
    copy = shutil.copytree(demo_site(tmp_path_factory), tmp_path / "site")
    assert (copy / RECORD_PAGE).is_file()
    return copy


def _insert(path, html: str) -> None:
    text = path.read_text("utf-8")
    assert "</article>" in text
    path.write_text(text.replace("</article>", html + "</article>", 1), "utf-8")


def test_the_unbroken_copy_passes_every_check(site):
    assert check_site(site) == []
    assert external_loads(site) == []
    assert search_index_problems(site) == []


def test_a_broken_internal_link_is_reported(site):
    _insert(site / RECORD_PAGE, '<p><a href="../CAPA-2026-099-gone/">gone</a> <a href="#no-such-part">part</a>'
                                '<img src="attachments/missing.png" alt="missing"></p>')
    problems = check_site(site)
    assert len(problems) == 3, problems
    assert all(p.startswith(RECORD_PAGE + ":") for p in problems)
    assert any("CAPA-2026-099-gone" in p and "does not exist" in p for p in problems)
    assert any("no id 'no-such-part'" in p for p in problems)
    assert any("attachments/missing.png" in p for p in problems)


def test_a_broken_anchor_on_another_page_is_reported(site):
    _insert(site / "index.html", '<a href="capa/2026/CAPA-2026-006-press-oee/#no-such-part">x</a>')
    assert check_site(site) == ["index.html: a[href] 'capa/2026/CAPA-2026-006-press-oee/#no-such-part' -> "
                                "no id 'no-such-part' in capa/2026/CAPA-2026-006-press-oee/index.html"]


def test_a_broken_row_link_in_a_table_data_file_is_reported(site):
    data_file = site / "capa" / "index.json"
    data = json.loads(data_file.read_text("utf-8"))
    data["rows"][0]["id"]["href"] = "2026/CAPA-2026-099-gone/"
    data_file.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    problems = check_site(site)
    assert problems and all("CAPA-2026-099-gone" in p for p in problems)


def test_a_missing_script_is_reported(site):
    (site / "assets" / "bulletin-table.js").unlink()
    problems = check_site(site)
    assert problems and all("assets/bulletin-table.js" in p for p in problems)
    assert len(problems) == len(list(site.rglob("*.html")))


def _rows(site) -> dict[str, list]:
    """search/m/<j>.json -> its rows [url, title, text(, 1)]."""
    return {f.name: json.loads(f.read_text("utf-8")) for f in sorted((site / "search" / "m").glob("*.json"))}


def test_a_removed_search_index_is_reported(site):
    (site / "search" / "manifest.json").unlink()
    assert search_index_problems(site) == ["search/manifest.json does not exist: search finds nothing"]
    problems = check_site(site)
    assert problems and all("search index" in p and "search/manifest.json" in p for p in problems)
    assert any(p.startswith("index.html:") for p in problems)
    assert any(p.startswith(RECORD_PAGE + ":") for p in problems)


def test_a_removed_shard_or_metadata_chunk_is_reported(site):
    """The manifest names every file a query may read: each must be there."""
    (site / "search" / "s" / "3.json").unlink()
    (site / "search" / "m" / "1.json").unlink()
    problems = check_site(site)
    assert len(problems) == 2, problems
    assert any("search/s/3.json" in p and "does not exist" in p for p in problems)
    assert any("search/m/1.json" in p and "does not exist" in p for p in problems)
    problems = search_index_problems(site)
    assert "search/s/3.json does not exist (named in search/manifest.json)" in problems
    assert "search/m/1.json does not exist (named in search/manifest.json)" in problems


def test_an_empty_search_index_is_reported(site):
    index = site / "search" / "manifest.json"
    data = json.loads(index.read_text("utf-8"))
    index.write_text(json.dumps({**data, "docs": 0}), "utf-8")
    assert search_index_problems(site) == ["search/manifest.json holds no entries: search finds nothing"]


def test_an_empty_metadata_chunk_is_reported(site):
    chunk = site / "search" / "m" / "0.json"
    rows = json.loads(chunk.read_text("utf-8"))
    assert rows and rows[0][0] == "", "the first chunk starts with the home page"
    chunk.write_text("[]", "utf-8")
    problems = search_index_problems(site)
    assert f"search/m/0.json holds 0 entries, the manifest says {len(rows)}" in problems
    assert "search index: no entry for index.html" in problems
    chunk.write_text("", "utf-8")
    assert "search/m/0.json is not JSON" in search_index_problems(site)


def test_a_page_missing_from_the_search_index_is_reported(site):
    """The index rebuilt without one record: whole and consistent, but that record cannot be found."""
    from generator import search

    page = RECORD_PAGE[:-len("index.html")]
    manifest = json.loads((site / "search" / "manifest.json").read_text("utf-8"))
    rows = [row for chunk in _rows(site).values() for row in chunk]
    assert page in [row[0] for row in rows]
    search.write_index([search.SearchDoc(*row[:3]) for row in rows if row[0] != page], site, manifest["lang"])
    assert search_index_problems(site) == [f"search index: no entry for {RECORD_PAGE}"]
    assert check_site(site) == []     # every file the rebuilt index names is there


def test_a_row_dropped_from_a_metadata_chunk_is_reported(site):
    """Without rebuilding: the rows after it shift, so the manifest and the postings disagree with the chunk."""
    page = RECORD_PAGE[:-len("index.html")]
    name, rows = next((n, r) for n, r in _rows(site).items() if page in [row[0] for row in r])
    kept = [row for row in rows if row[0] != page]
    (site / "search" / "m" / name).write_text(json.dumps(kept, ensure_ascii=False), "utf-8")
    problems = search_index_problems(site)
    assert f"search/m/{name} holds {len(kept)} entries, the manifest says {len(rows)}" in problems
    assert f"search index: no entry for {RECORD_PAGE}" in problems


def test_a_posting_that_points_past_the_documents_is_reported(site):
    from generator import search

    docs = json.loads((site / "search" / "manifest.json").read_text("utf-8"))["docs"]
    shard = site / "search" / "s" / "0.json"
    tokens = json.loads(shard.read_text("utf-8"))
    token = sorted(tokens)[0]
    tokens[token] = search.encode(search.decode(tokens[token]) + [(docs, 2)])   # a document the index lacks
    shard.write_text(json.dumps(tokens, ensure_ascii=False), "utf-8")
    assert search_index_problems(site) == [f"search/s/0.json: {token!r} points at document {docs}, "
                                           f"the index has {docs}"]


def test_a_cdn_script_is_reported(site):
    page = site / "index.html"
    page.write_text(page.read_text("utf-8").replace(
        "</head>", '<script src="https://cdn.example.com/x.js"></script></head>', 1), "utf-8")
    assert external_loads(site) == ["index.html: script[src] https://cdn.example.com/x.js"]
    assert check_site(site) == []   # an external URL is not a broken internal link


def test_a_cdn_stylesheet_font_and_image_are_reported(site):
    page = site / "kpi" / "index.html"
    page.write_text(page.read_text("utf-8").replace(
        "</head>", '<link rel="stylesheet" href="//fonts.example.com/css?family=Roboto">'
                   '<link rel="alternate" href="https://example.com/feed.xml"></head>', 1), "utf-8")
    _insert(site / RECORD_PAGE, '<img src="https://img.example.com/a.png" alt="">')
    css = site / "assets" / "bulletin.css"
    css.write_text('@import "https://cdn.example.com/x.css";\n' + css.read_text("utf-8"), "utf-8")
    assert sorted(external_loads(site)) == sorted([
        "kpi/index.html: link[rel=stylesheet][href] //fonts.example.com/css?family=Roboto",
        f"{RECORD_PAGE}: img[src] https://img.example.com/a.png",
        "assets/bulletin.css: url() https://cdn.example.com/x.css",
    ])
