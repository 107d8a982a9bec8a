"""The management-review pack and the auditor's index in Chromium, at phone and desktop width: no script
error, nothing scrolls sideways, the pack prints as a section of its review on a sheet of its own;
screenshots go to docs/screenshots/review-pack-<width>.png and audit-index-<width>.png."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest

from .conftest import DESKTOP, PHONE

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]
SETTLE = "() => Promise.all(document.getAnimations().map(a => a.finished)).then(() => document.fonts.ready)"
PAGES = {"review-pack": "reviews/MTG-2026-011/", "audit-index": "audit/"}
REVIEW = "meetings/management-review/2026/MTG-2026-011-annual-management-review/"


@pytest.mark.parametrize("viewport", WIDTHS)
def test_pack_and_index_fit_the_screen(open_page, site, viewport):
    page, _ = open_page(*viewport)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        page.goto(urljoin(site, path))
        page.wait_for_load_state("load")
        page.evaluate(SETTLE)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{name} scrolls sideways at {viewport[0]} px: {width}"
        assert page.locator("article h1").count() == 1
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport[0]}.png"), full_page=True)


def test_the_index_links_lead_to_the_pages_they_count(open_page, site):
    page, _ = open_page(*DESKTOP)
    page.goto(urljoin(site, "audit/"))
    page.locator('section[data-clause="9.3"] li[data-review="MTG-2025-008"] a').click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/reviews/MTG-2025-008/")
    assert page.locator(".bl-pack-trace tr[data-ref='MTG-2025-008#A2']").get_attribute("data-loop") == "closed"
    page.locator(".bl-pack-trace tr[data-ref='MTG-2025-008#A2'] a", has_text="CAPA-2025-009").first.click()
    page.wait_for_load_state("load")
    assert "/capa/2025/CAPA-2025-009-" in page.url


def test_the_review_page_prints_its_pack_on_a_sheet_of_its_own(open_page, site):
    page, _ = open_page(*DESKTOP)
    page.emulate_media(media="print")
    page.goto(urljoin(site, REVIEW))
    page.evaluate(SETTLE)
    got = page.evaluate("""() => { const s = document.querySelector('.bl-pack-section');
        return {shown: !!s && getComputedStyle(s).display !== 'none' && s.getBoundingClientRect().height > 0,
                brk: s ? getComputedStyle(s).breakBefore : null,
                link: getComputedStyle(document.querySelector('.bl-pack-link')).display}; }""")
    assert got == {"shown": True, "brk": "page", "link": "none"}
