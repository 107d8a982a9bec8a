"""The published demo site as a reader sees it, in Chromium: board, search, tables, record pages,
audiences, layout at phone and desktop width, accessibility basics, and screenshots for reviewers.

Every page is served by a real HTTP server on 127.0.0.1; anything else a page asks for is aborted and
fails the test (see conftest.py).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "docs" / "screenshots"

PINNED = "NTC-2026-001"
EXPIRED = ("NTC-2025-003", "NTC-2025-004", "NTC-2026-007")
RECORD = "CAPA-2026-006"          # MTG-2026-004 (actions A1 and related) refers to it
REFERRER = "MTG-2026-004"
WIDTHS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]
SEARCH_PLACEHOLDER = "键入以开始搜索"


# ------------------------------------------------------------------ helpers

def records(site_dir: Path) -> dict[str, dict]:
    return {r["id"]: r for r in json.loads((site_dir / "records.json").read_text("utf-8"))}


def record_url(site_dir: Path, rid: str) -> str:
    return records(site_dir)[rid]["url"]


def open_table(page, url: str) -> dict:
    """Open an index page; wait until bulletin-table.js has rendered its table; return the table's data."""
    page.goto(url)
    page.locator("div.bl-table[data-bl-ready=ready]").wait_for()
    return page.request.get(urljoin(url, "index.json")).json()


def column(page, key: str) -> list[str]:
    """Text of one column, for every row the table shows, top to bottom."""
    return page.evaluate("""key => {
        const t = document.querySelector('div.bl-table table');
        const i = [...t.tHead.rows[0].cells].findIndex(th => th.dataset.key === key);
        return [...t.tBodies[0].rows].filter(tr => !tr.classList.contains('bl-table-empty'))
                                     .map(tr => tr.cells[i].textContent.trim());
    }""", key)


def search(page, base: str, text: str) -> list[str]:
    """Type into the header search box (assets/bulletin-search.js, answering from the chunked index in search/)
    as a person does and return the result links it shows (absolute URLs)."""
    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    page.keyboard.type(text, delay=40)          # the box searches on input, typed CJK text included
    meta = page.locator(".md-search-result__meta")
    expect(meta).not_to_have_text(SEARCH_PLACEHOLDER)
    expect(meta).to_have_text(re.compile("结果|result"))
    links = page.locator(".md-search-result a.md-search-result__link").evaluate_all("els => els.map(a => a.href)")
    return [h.split("#")[0].split("?")[0] for h in links]     # the page itself, should a link carry ?query or #part


# ------------------------------------------------------------------ board

def test_home_shows_pinned_notice_first_and_no_expired_one(page, site, site_dir):
    recs = records(site_dir)
    assert all(n in recs for n in (PINNED, *EXPIRED)), "the demo lacks the notices this test is about"
    page.goto(site)
    board = page.locator("ol.bl-notice-list > li.bl-notice")
    expect(board.first).to_have_attribute("data-id", PINNED)
    expect(board.first).to_have_class(re.compile(r"\bbl-pinned\b"))
    expect(board.first).to_contain_text(recs[PINNED]["title"])
    expect(board.first).to_be_visible()
    shown = board.evaluate_all("els => els.map(e => e.dataset.id)")
    assert len(shown) >= 3
    assert not set(shown) & set(EXPIRED), f"expired notices on the board: {set(shown) & set(EXPIRED)}"
    for rid in EXPIRED:
        expect(page.locator("ol.bl-notice-list")).not_to_contain_text(recs[rid]["title"])


# ------------------------------------------------------------------ search

@pytest.mark.parametrize("word, expected", [
    ("首件", ["CAPA-2026-004", "MTG-2026-003", "NTC-2026-005"]),
    ("PFMEA", ["CAPA-2025-008"]),
])
def test_search_finds_the_records_that_contain_a_word(page, site, site_dir, word, expected):
    recs = records(site_dir)
    links = search(page, site, word)
    found = set(links)
    for rid in expected:
        assert word.lower() in recs[rid]["title"].lower()
        assert urljoin(site, recs[rid]["url"]) in found, f"searching {word!r} did not list {rid}: {sorted(found)}"
        expect(page.locator(".md-search-result__list")).to_contain_text(recs[rid]["title"])


# ------------------------------------------------------------------ CAPA index table

def test_capa_index_filters_by_status(page, site):
    data = open_table(page, urljoin(site, "capa/"))
    rows = data["rows"]
    count = page.locator(".bl-table-count")
    expect(count).to_have_text(data["labels"]["shown"].format(shown=len(rows), total=len(rows)))
    statuses = sorted({r["status"]["value"] for r in rows})
    assert len(statuses) >= 3
    for status in ("implementing", "closed"):
        want = [r for r in rows if r["status"]["value"] == status]
        assert 0 < len(want) < len(rows)
        page.select_option("div.bl-table select[data-key=status]", status)
        expect(count).to_have_text(data["labels"]["shown"].format(shown=len(want), total=len(rows)))
        assert sorted(column(page, "id")) == sorted(r["id"]["text"] for r in want)
        assert set(column(page, "status")) == {want[0]["status"]["text"]}
        assert f"status={status}" in page.evaluate("location.hash")
    page.select_option("div.bl-table select[data-key=status]", "")
    expect(count).to_have_text(data["labels"]["shown"].format(shown=len(rows), total=len(rows)))


def test_capa_index_sorts_by_due_date_over_all_rows(page, site):
    data = open_table(page, urljoin(site, "capa/"))
    dues = [r["due"] for r in data["rows"]]
    assert len(set(dues)) > 5 and dues != sorted(dues), "the default order must not already be by due date"
    header = page.locator("div.bl-table th[data-key=due]")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert column(page, "due") == sorted(dues)
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert column(page, "due") == sorted(dues, reverse=True)


def test_index_table_is_laid_out_as_a_table(page, site):
    """Every header and cell is a table cell in the text size of the table (the number column too), and
    the text filter box can be seen (it has a border)."""
    open_table(page, urljoin(site, "capa/"))
    styles = page.evaluate("""() => {
        const t = document.querySelector('div.bl-table table');
        const st = e => { const c = getComputedStyle(e); return [c.display, c.fontSize]; };
        const box = getComputedStyle(document.querySelector('div.bl-table input[type=search]'));
        return {head: [...t.tHead.rows[0].cells].map(c => [c.dataset.key, ...st(c)]),
                cells: [...t.tBodies[0].rows[0].cells].map((c, i) => [t.tHead.rows[0].cells[i].dataset.key, ...st(c)]),
                filter: [box.borderTopStyle, box.borderTopWidth]};
    }""")
    for part in ("head", "cells"):
        odd = [c for c in styles[part] if c[1] != "table-cell" or c[2] != styles[part][0][2]]
        assert odd == [], f"{part}: not a table cell of the table's text size (key, display, size): {odd}"
    assert styles["filter"][0] != "none" and styles["filter"][1] != "0px", \
        f"the text filter box has no border and cannot be seen: {styles['filter']}"


@pytest.mark.parametrize("viewport", WIDTHS)
def test_index_table_never_breaks_an_id_or_a_date(page, site, viewport):
    """'CAPA-2026-010' and '2026-11-16' stay on one line; a narrow screen scrolls the table sideways
    (inside its own box, never the page) or stacks the cells, rather than squeezing them."""
    open_table(page, urljoin(site, "capa/"))
    broken = page.evaluate("""() => {
        const t = document.querySelector('div.bl-table table');
        const keys = [...t.tHead.rows[0].cells].map(th => th.dataset.key);
        const out = [];
        for (const tr of t.tBodies[0].rows) {
            [...tr.cells].forEach((td, i) => {
                if (!['id', 'opened_on', 'due'].includes(keys[i]) || !td.textContent.trim()) return;
                const r = document.createRange();
                r.selectNodeContents(td);
                const lines = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
                if (lines.size > 1) out.push(keys[i] + ': ' + td.textContent.trim());
            });
        }
        return out;
    }""")
    assert broken == [], f"at {viewport[0]} px, {len(broken)} IDs/dates wrap over lines, e.g. {broken[:4]}"
    d = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert d[0] <= d[1]


# ------------------------------------------------------------------ a record page

def test_record_page_has_card_backlinks_history_and_working_links(page, site, site_dir):
    recs = records(site_dir)
    url = urljoin(site, recs[RECORD]["url"])
    page.goto(url)
    card = page.locator("article .bl-card")
    expect(card).to_have_count(1)
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-id", RECORD)
    expect(page.locator("h1")).to_have_text(re.compile(re.escape(recs[RECORD]["title"])))

    backlinks = page.locator("#backlinks + ul.bl-backlinks")
    expect(backlinks).to_be_visible()
    referrer = urljoin(site, recs[REFERRER]["url"])
    hrefs = backlinks.locator("a").evaluate_all("els => els.map(a => a.href)")
    assert referrer in hrefs, f"{REFERRER} is not among the backlinks of {RECORD}: {hrefs}"
    expect(backlinks.locator("li[data-field~='actions']", has_text=REFERRER)).to_have_count(1)   # MTG-2026-011 too

    history = page.locator("#history ~ table.bl-history tbody tr")
    expect(history.first).to_be_visible()
    assert history.count() >= 1
    # copy_demo's commit also added the hidden records: its row shows date and author, not its message
    expect(history.last).to_contain_text("Test User")
    expect(history.last.locator(".bl-hidden-ref")).to_have_count(1)

    links = page.locator("article a[href]").evaluate_all("els => els.map(a => a.href)")
    assert len(links) > 10
    elsewhere = [h for h in links if not h.startswith(site) and not h.startswith(("mailto:", "tel:"))]
    assert elsewhere == [], f"links that leave the site: {elsewhere}"
    bad, fetched = [], {}
    for href in sorted(set(links) - set(elsewhere)):
        if not href.startswith(site):
            continue
        target, fragment = urldefrag(href)
        if target not in fetched:
            resp = page.request.get(target)
            fetched[target] = (resp.status, resp.text() if resp.ok else "")
        status, html = fetched[target]
        if status != 200:
            bad.append(f"{href}: HTTP {status}")
        elif fragment and target == url:
            if not page.evaluate("id => !!document.getElementById(decodeURIComponent(id))", fragment):
                bad.append(f"{href}: no such anchor on this page")
        elif fragment and f'id="{fragment}"' not in html and f'id="{unquote(fragment)}"' not in html:
            bad.append(f"{href}: no such anchor")
    assert bad == []


# ------------------------------------------------------------------ audiences

def index_urls(site_dir: Path) -> set[str]:
    """The URL of every document in a site's search index: the first field of each row of search/m/*.json."""
    chunks = sorted((site_dir / "search" / "m").glob("*.json"))
    assert chunks, f"no search metadata in {site_dir}"
    return {row[0] for f in chunks for row in json.loads(f.read_text("utf-8"))}


@pytest.mark.parametrize("rid, word", [("CAPA-2026-003", "索赔"), ("MTG-2025-006", "人员优化")])
def test_management_only_record_is_absent_from_the_all_staff_build(open_page, site, management_site,
                                                                    management_dir, site_dir, rid, word):
    mgmt = records(management_dir)
    assert rid in mgmt and rid not in records(site_dir)
    url = mgmt[rid]["url"]
    assert word in mgmt[rid]["title"]

    page, _ = open_page()
    resp = page.goto(urljoin(management_site, url))
    assert resp.status == 200
    expect(page.locator("article .bl-card")).to_have_attribute("data-id", rid)
    found = set(search(page, management_site, word))
    assert urljoin(management_site, url) in found, f"management search for {word!r} misses {rid}"

    staff, _ = open_page()
    assert staff.request.get(urljoin(site, url)).status == 404
    assert url in index_urls(management_dir), "the management index lists it: the scan below can see it"
    assert url not in index_urls(site_dir)
    found = search(staff, site, word)
    leaked = [h for h in found if url in h or rid in h]
    assert leaked == [], f"all-staff search for {word!r} lists {rid}"
    expect(staff.locator(".md-search-result")).not_to_contain_text(mgmt[rid]["title"])


# ------------------------------------------------------------------ layout

LAYOUT_PAGES = ["", "capa/board/", "capa/", RECORD]


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("where", LAYOUT_PAGES, ids=["board", "capa-board", "capa-index", "record"])
def test_no_horizontal_scroll(page, site, site_dir, viewport, where):
    path = record_url(site_dir, where) if where == RECORD else where
    page.goto(urljoin(site, path))
    if where == "capa/":
        page.locator("div.bl-table[data-bl-ready=ready]").wait_for()
    page.evaluate("document.fonts.ready")
    sizes = page.evaluate("""() => {
        const d = document.documentElement;
        const wide = [...document.querySelectorAll('article *')]
            .filter(e => e.getBoundingClientRect().right > d.clientWidth + 1)
            .filter(e => !e.closest('.bl-table-scroll, .md-typeset__scrollwrap, .bl-table, pre'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className);
        return {scroll: d.scrollWidth, client: d.clientWidth, wide};
    }""")
    assert sizes["scroll"] <= sizes["client"], f"horizontal scroll at {viewport[0]} px: {sizes}"


# ------------------------------------------------------------------ accessibility basics

A11Y_PAGES = ["", "capa/", "capa/board/", "kpi/", RECORD]

BADGES = ".bl-badge, [class*='bl-status-'], [class*='bl-notice-state-'], [class*='bl-report-state-'], " \
         "[class*='bl-action-status-']"


def _a11y(page, base: str, path: str, lang: str) -> None:
    page.goto(urljoin(base, path))
    if page.locator("div.bl-table").count():
        page.locator("div.bl-table[data-bl-ready=ready]").wait_for()
    assert page.evaluate("document.documentElement.lang") == lang
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("input.md-search__input")).to_have_accessible_name(re.compile(r"\S"))
    tables = page.locator("article table")
    for i in range(tables.count()):
        expect(tables.nth(i).locator("th").first).to_be_attached()
    badges = page.locator(f"article :is({BADGES})").evaluate_all(
        "els => els.filter(e => !/[\\p{L}\\p{N}]/u.test(e.textContent)).map(e => e.outerHTML)")
    assert badges == [], f"badges that show status by colour alone: {badges}"
    for control in page.locator("article :is(input, select, textarea, button)").filter(visible=True).all():
        expect(control).to_have_accessible_name(re.compile(r"\S"))
    for chart in page.locator("article svg[role=img]").all():
        expect(chart).to_have_accessible_name(re.compile(r"\S"))


@pytest.mark.parametrize("where", A11Y_PAGES, ids=["board", "capa-index", "capa-board", "kpi", "record"])
def test_accessibility_basics(page, site, site_dir, where):
    path = record_url(site_dir, where) if where == RECORD else where
    _a11y(page, site, path, "zh")
    if where == "capa/":
        status = page.locator("div.bl-table select[data-key=status]")
        expect(status).to_have_accessible_name(re.compile("^状态"))
        expect(page.locator("div.bl-table input[type=search]")).to_have_accessible_name(re.compile(r"\S"))


def test_english_build_says_so(page, english_site, english_dir):
    for path in ("", "capa/", record_url(english_dir, RECORD)):
        _a11y(page, english_site, path, "en")


# ------------------------------------------------------------------ the network guard

def test_a_cdn_script_is_blocked_and_counted(open_page, serve, site_dir, tmp_path):
    """Breaking the site on purpose: a theme that loads a CDN script makes the guard count a request."""
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    index = copy / "index.html"
    index.write_text(index.read_text("utf-8").replace(
        "</head>", '<script src="https://cdn.example.com/x.js"></script></head>', 1), "utf-8")
    page, guard = open_page(expect_blocked=True)
    page.goto(serve(copy))
    expect(page.locator("ol.bl-notice-list")).to_be_visible()
    assert guard.blocked == ["https://cdn.example.com/x.js"]


# ------------------------------------------------------------------ screenshots for reviewers

SHOTS = {"home": "", "capa-board": "capa/board/", "capa": RECORD, "kpi": "kpi/"}


@pytest.mark.parametrize("viewport", WIDTHS)
def test_screenshots(page, site, site_dir, viewport):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, where in SHOTS.items():
        path = record_url(site_dir, where) if where == RECORD else where
        page.goto(urljoin(site, path))
        page.wait_for_load_state("networkidle")     # scripts, styles and images have all arrived
        page.evaluate("document.fonts.ready")
        out = SCREENSHOTS / f"{name}-{viewport[0]}.png"
        page.screenshot(path=str(out), full_page=True, animations="disabled")
        assert out.stat().st_size > 10_000
