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


def test_a_removed_search_index_is_reported(site):
    (site / "search" / "search_index.json").unlink()
    assert search_index_problems(site) == ["search/search_index.json does not exist: search finds nothing"]
    problems = check_site(site)
    assert problems and all("search index" in p and "search/search_index.json" in p for p in problems)
    assert any(p.startswith("index.html:") for p in problems)


def test_an_empty_search_index_is_reported(site):
    index = site / "search" / "search_index.json"
    data = json.loads(index.read_text("utf-8"))
    index.write_text(json.dumps({**data, "docs": []}), "utf-8")
    assert search_index_problems(site) == ["search/search_index.json holds no entries: search finds nothing"]


def test_a_page_missing_from_the_search_index_is_reported(site):
    index = site / "search" / "search_index.json"
    data = json.loads(index.read_text("utf-8"))
    data["docs"] = [d for d in data["docs"] if not d["location"].startswith("kpi/")]
    index.write_text(json.dumps(data), "utf-8")
    assert search_index_problems(site) == ["search index: no entry for kpi/index.html"]


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
