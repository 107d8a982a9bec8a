"""Phones, desktops and paper (issue 13, items 1 and 8), in Debian's Chromium over the demo site.

At 375 px every list page has no horizontal page scroll, each row's title gets the width (>= 200 px), and
no ID or date breaks inside; at 1280 px the main table uses most of the width and nothing breaks inside
either. A management review printed to A4 (print media, at A4's content width) overflows nothing, shows
the print header (company, record ID, the reader's print date) and the approval instead of a blank
signature line; `page.pdf(format="A4")` makes its pages. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urljoin

import pytest

from .conftest import DESKTOP, PHONE

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "docs" / "screenshots"
WIDTHS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]
LISTS = {"notices": "notices/", "meetings": "meetings/", "capa": "capa/", "reports": "reports/",
         "actions": "actions/", "matrix": "reports/matrix/", "person": "people/liuhong/",
         "department": "departments/QA/", "capa-board": "capa/board/"}
TABLES = {"notices", "meetings", "capa", "reports"}       # index tables drawn by bulletin-table.js
REVIEW = "meetings/management-review/2026/MTG-2026-011-annual-management-review/"
A4_CONTENT_PX = 680                                         # 210 mm - 2 x 15 mm margins, at 96 px per inch

SETTLE = "() => Promise.all(document.getAnimations().map(a => a.finished)).then(() => document.fonts.ready)"
MEASURE = """() => {
  const d = document.documentElement;
  const wide = [...document.querySelectorAll('article *')]
    .filter(e => e.getBoundingClientRect().right > d.clientWidth + 1)
    .filter(e => !e.closest('.bl-table-scroll:has(table.bl-matrix), .md-typeset__scrollwrap, pre, figure.bl-chart'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className);
  // the title of each row: the index tables' second cell, the action tables' action, list links
  const titles = [...document.querySelectorAll(
      'table.bl-data tbody tr:not(.bl-table-empty) td:nth-child(2), table.bl-actions td.bl-col-title, ' +
      'ul.bl-record-list li, .bl-card-mini')]
    .map(e => Math.round(e.getBoundingClientRect().width));
  // IDs and dates: one line each (a text broken inside has client rects on two lines)
  const lines = e => { const r = document.createRange(); r.selectNodeContents(e);
    const rects = [...r.getClientRects()].filter(x => x.width > 0);
    return rects.filter(x => Math.abs(x.top - rects[0].top) > rects[0].height / 2).length + (rects.length ? 1 : 0); };
  const atoms = [...document.querySelectorAll(
      'article .bl-ref, article .bl-date, article .bl-id, table.bl-data td:first-child a, ' +
      'table.bl-data td.bl-col-date, .bl-matrix thead th')]
    .filter(e => e.textContent.trim())
    .filter(e => lines(e) > 1)
    .slice(0, 5).map(e => e.textContent.trim());
  const main = document.querySelector('table.bl-data, table.bl-actions');
  return {scroll: d.scrollWidth, client: d.clientWidth, wide, titles, atoms,
          content: document.querySelector('.md-content').getBoundingClientRect().width,
          table: main ? main.getBoundingClientRect().width : null};
}"""


def open_list(page, base: str, name: str) -> dict:
    page.goto(urljoin(base, LISTS[name]))
    if name in TABLES:
        page.locator("div.bl-table[data-bl-ready=ready]").wait_for()
    page.evaluate(SETTLE)
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="375")])
def test_every_list_page_reads_on_a_phone(page, site, viewport):
    for name in LISTS:
        m = open_list(page, site, name)
        assert m["scroll"] <= m["client"] and m["wide"] == [], f"{name}: page scrolls sideways: {m}"
        assert m["atoms"] == [], f"{name}: IDs or dates broken inside: {m['atoms']}"
        if name == "matrix":     # no titles: departments by periods
            continue
        assert m["titles"], f"{name}: no list rows found"
        assert min(m["titles"]) >= 200, f"{name}: a row's title is squeezed to {min(m['titles'])} px"
    # the matrix scrolls inside its own box, never the page
    page.goto(urljoin(site, LISTS["matrix"]))
    boxes = page.evaluate("""() => [...document.querySelectorAll('.bl-table-scroll:has(table.bl-matrix)')]
        .map(b => [b.scrollWidth, b.clientWidth, getComputedStyle(b).overflowX])""")
    assert any(s > c for s, c, _ in boxes) and all(o == "auto" for _, _, o in boxes), boxes


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="1280")])
def test_desktop_tables_use_the_width_and_break_nothing(page, site, viewport):
    for name in ("notices", "capa", "reports", "actions"):
        m = open_list(page, site, name)
        assert m["scroll"] <= m["client"], f"{name}: {m}"
        assert m["table"] >= 0.7 * viewport[0], f"{name}: the table is {m['table']} px wide of {viewport[0]}"
        assert m["atoms"] == [], f"{name}: IDs, dates or names broken inside: {m['atoms']}"
    # names (the owner column) stay on one line
    page.goto(urljoin(site, LISTS["capa"]))
    page.locator("div.bl-table[data-bl-ready=ready]").wait_for()
    broken = page.evaluate("""() => [...document.querySelectorAll('table.bl-data tbody td:not(:nth-child(2))')]
        .filter(td => { const r = document.createRange(); r.selectNodeContents(td);
                        const rects = [...r.getClientRects()].filter(x => x.width > 0);
                        return rects.some(x => Math.abs(x.top - rects[0].top) > rects[0].height / 2); })
        .map(td => td.textContent)""")
    assert broken == []


def test_a_management_review_prints_as_a_controlled_copy(open_page, site):
    page, _ = open_page(A4_CONTENT_PX, 1000)
    page.emulate_media(media="print")
    page.goto(urljoin(site, REVIEW))
    page.evaluate(SETTLE)
    today = page.evaluate("() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]; }")
    got = page.evaluate("""() => {
      const d = document.documentElement, vis = s => { const e = document.querySelector(s);
        return e ? getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().height > 0 : false; };
      return {scroll: d.scrollWidth, client: d.clientWidth,
        wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().width > 0
                && e.getBoundingClientRect().right > d.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className),
        head: vis('.bl-print-head') ? document.querySelector('.bl-print-head').innerText : null,
        foot: vis('.bl-print-foot') ? document.querySelector('.bl-print-foot').innerText : null,
        approved: vis('.bl-print-approved') ? document.querySelector('.bl-print-approved').innerText : null,
        blank: document.querySelectorAll('.bl-sign-line').length,
        chrome: vis('.md-header') || vis('.md-sidebar--primary'),
        margins: [...document.styleSheets].flatMap(s => { try { return [...s.cssRules]; } catch (e) { return []; } })
            .filter(r => r.cssText.startsWith('@page')).map(r => r.cssText).join(' ')};
    }""")
    assert got["scroll"] <= got["client"] and got["wide"] == [], f"wider than A4's content: {got}"
    assert got["head"] and "苏州恒锐汽车零部件有限公司" in got["head"] and "MTG-2026-011" in got["head"]
    assert dt.date(*today).isoformat() in got["head"]            # the reader's date at print time
    assert got["foot"] == "打印件为非受控文件"
    assert got["approved"] and "孙立新" in got["approved"] and "2026-11-17" in got["approved"]
    assert got["blank"] == 0 and not got["chrome"]
    # every page's margins: company, number, print date, "uncontrolled", page x of y (Chromium's @page margin boxes)
    margins = got["margins"]
    assert "counter(page)" in margins and "counter(pages)" in margins and '"第 "' in margins, margins
    for part in ("苏州恒锐汽车零部件有限公司", "编号：MTG-2026-011", "打印日期：" + dt.date(*today).isoformat(),
                 "打印件为非受控文件"):
        assert part in margins, (part, margins)
    page.emulate_media(media="screen")
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ") or pdf.count(b"/Type/Page")
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 8, pages
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / "management-review-print.png"), full_page=True, animations="disabled")


@pytest.mark.parametrize("viewport", WIDTHS)
def test_phone_and_desktop_screenshots(page, site, viewport):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in ("notices", "actions", "reports", "person"):
        open_list(page, site, name)
        out = SCREENSHOTS / f"list-{name}-{viewport[0]}.png"
        page.screenshot(path=str(out), full_page=False, animations="disabled")
        assert out.stat().st_size > 10_000
    page.goto(urljoin(site, REVIEW))
    page.evaluate(SETTLE)
    out = SCREENSHOTS / f"management-review-{viewport[0]}.png"
    page.screenshot(path=str(out), full_page=False, animations="disabled")
