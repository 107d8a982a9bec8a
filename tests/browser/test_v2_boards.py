"""The communication pages (complaint and NC boards, survey trend, memos, contact log, customer file,
objective, meetings in the matrix, KPIs) in Chromium at phone and desktop width: no horizontal page
scroll, overdue marks visible, and screenshots for reviewers. The site is the fixture of test_site_v2.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from conftest import bulletin
from test_site_v2 import TODAY, make_repo

from .conftest import DESKTOP, PHONE, Server

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "docs" / "screenshots"
WIDTHS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]
BOARDS = {"complaint-board": "complaints/board/", "nc-board": "nc/board/", "survey-trend": "surveys/trend/",
          "memo-board": "memos/board/", "contact-log": "external/log/", "customer": "customers/hdauto/",
          "objective": "objectives/ppm/", "matrix": "reports/matrix/", "kpi-v2": "kpi/",
          "complaints": "complaints/", "department": "departments/QA/"}
SHOTS = ("complaint-board", "nc-board", "survey-trend", "customer", "matrix")


@pytest.fixture(scope="module")
def v2_site(tmp_path_factory):
    root = make_repo(tmp_path_factory.mktemp("v2b") / "repo")
    result = bulletin("build", "--out", "site", "--today", TODAY, cwd=root)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    with Server(root / "site") as server:
        yield server.url


@pytest.mark.parametrize("viewport", WIDTHS)
def test_v2_pages_fit_the_width_and_show_their_content(page, v2_site, viewport):
    for name, path in BOARDS.items():
        page.goto(urljoin(v2_site, path))
        if path == "complaints/":
            page.locator("div.bl-table[data-bl-ready=ready]").wait_for()
        page.evaluate("document.fonts.ready")
        sizes = page.evaluate("""() => {
            const d = document.documentElement;
            const wide = [...document.querySelectorAll('article *')]
                .filter(e => e.getBoundingClientRect().right > d.clientWidth + 1)
                .filter(e => !e.closest('.bl-table-scroll, .md-typeset__scrollwrap, .bl-table, pre, figure.bl-chart'))
                .slice(0, 5).map(e => e.tagName + '.' + e.className);
            return {scroll: d.scrollWidth, client: d.clientWidth, wide};
        }""")
        assert sizes["scroll"] <= sizes["client"] and sizes["wide"] == [], \
            f"{name}: horizontal scroll at {viewport[0]} px: {sizes}"
        if name == "complaint-board":
            late = page.locator("li.bl-card-mini.bl-overdue")
            expect(late).to_have_count(1)
            expect(late).to_be_visible()
            expect(late).to_contain_text("逾期 14 天")
        if name == "matrix":
            expect(page.locator("table.bl-meeting-matrix td[data-state=missed]").first).to_be_attached()
        if name == "complaints":   # the index table: sortable and filterable like the others
            rows = page.locator("div.bl-table tbody tr")
            expect(rows).to_have_count(5)
            page.locator("div.bl-table input.bl-table-filter").fill("漏装垫片")
            expect(rows).to_have_count(1)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_v2_screenshots(page, v2_site, viewport):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in SHOTS:
        page.goto(urljoin(v2_site, BOARDS[name]))
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        out = SCREENSHOTS / f"{name}-{viewport[0]}.png"
        page.screenshot(path=str(out), full_page=True, animations="disabled")
        assert out.stat().st_size > 10_000
