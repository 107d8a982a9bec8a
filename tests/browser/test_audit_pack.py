"""The audit pack (`bulletin audit-pack`) as an auditor opens it: unzipped into a folder and opened through
file:// in Chromium, no server. Its cover names the period and audience, links lead to a record and its
history, search answers Chinese words and IDs, the table filters work, and nothing leaves the folder."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import bulletin, copy_demo

from .conftest import DESKTOP, PHONE, TIMEOUT_MS

PERIOD = ("2026-01-01", "2026-06-30")
TODAY = "2026-11-24"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    """The demo company's pack for the first half of 2026, unzipped; its folder."""
    base = tmp_path_factory.mktemp("pack")
    repo = copy_demo(base / "repo")
    done = bulletin("audit-pack", "--from", PERIOD[0], "--to", PERIOD[1], "--out", str(base / "pack.zip"),
                    "--today", TODAY, cwd=repo)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(base / "pack.zip") as z:
        z.extractall(base / "unzipped")
    (folder,) = (base / "unzipped").iterdir()
    return folder


def offline_page(browser, width: int, height: int):
    """A page that may load file:// URLs only: anything else is aborted and counted, as are JS errors."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    left: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            left.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # a load cut off because the page moved on (ERR_ABORTED: the favicon of a page left at once) is no missing
    # file; a missing one fails with ERR_FILE_NOT_FOUND and is counted
    page.on("requestfailed", lambda req: req.failure == "net::ERR_ABORTED" or errors.append(f"failed: {req.url}"))
    return context, page, left, errors


@pytest.fixture
def page(browser):
    context, page, left, errors = offline_page(browser, *DESKTOP)
    yield page
    left, errors = list(left), list(errors)     # the test's; a late request (the favicon) cut off by the close is not
    context.close()
    assert left == [], f"the pack asked for something outside its folder: {left}"
    assert errors == [], f"JavaScript errors or failed loads: {errors}"


def test_cover_links_to_a_record_and_its_history(page, pack):
    page.goto((pack / "index.html").as_uri())
    cover = page.locator("section.bl-pack-cover")
    expect(cover.locator("[data-pack-period]")).to_have_text(f"{PERIOD[0]} – {PERIOD[1]}")
    expect(cover.locator("[data-pack-audience]")).to_contain_text("all-staff")
    capas = cover.locator("details[data-type=capa]")
    capas.locator("summary").click()
    link = capas.locator("a").first
    rid = link.inner_text()
    link.click()
    assert page.url.endswith("/index.html") and "/capa/" in page.url
    expect(page.locator(f".bl-card[data-id='{rid}']")).to_be_visible()
    page.locator("a[href='#history']").first.click()
    assert page.url.endswith("#history")
    expect(page.locator("table.bl-history tbody tr").first).to_be_visible()


def test_every_audit_page_of_the_cover_opens(page, pack):
    page.goto((pack / "index.html").as_uri())
    hrefs = page.locator("section.bl-pack-cover ul").first.locator("a").evaluate_all("els => els.map(a => a.href)")
    assert len(hrefs) >= 4
    for href in hrefs:
        assert href.endswith("/index.html")
        page.goto(href)
        expect(page.locator("article h1").first).to_be_visible()


def search_hits(page, text: str) -> list[str]:
    page.locator("input.md-search__input").click()
    page.keyboard.type(text, delay=40)
    links = page.locator(".md-search-result__list a.md-search-result__link")
    links.first.wait_for(state="visible", timeout=20_000)
    return links.evaluate_all("els => els.map(a => a.href)")


def test_search_finds_chinese_words_and_ids_offline(page, pack):
    page.goto((pack / "capa" / "index.html").as_uri())
    hits = search_hits(page, "首件")
    assert hits and all(h.startswith("file://") and h.endswith("/index.html") for h in hits)
    assert all(Path(re.sub(r"^file://", "", h)).is_file() for h in hits)
    capa = json.loads((pack / "capa" / "index.json").read_text("utf-8"))
    rid = next(r["id"]["text"] for r in capa["rows"] if "href" in r["id"])
    page.goto((pack / "index.html").as_uri())
    search_hits(page, rid)
    expect(page.locator(f".md-search-result__list a[href*='/{rid}-']").first).to_be_visible()
    hits = page.locator(".md-search-result__list a.md-search-result__link").evaluate_all("els => els.map(a => a.href)")
    assert f"/{rid}-" in hits[0]
    page.locator(".md-search-result__list a.md-search-result__link").first.click()
    expect(page.locator(f".bl-card[data-id='{rid}']")).to_be_visible()


def test_table_filters_offline(page, pack):
    page.goto((pack / "capa" / "index.html").as_uri())
    page.locator("div.bl-table[data-bl-ready=ready]").wait_for()
    rows = page.locator("div.bl-table tbody tr:not(.bl-table-empty)")
    total = rows.count()
    data = json.loads((pack / "capa" / "index.json").read_text("utf-8"))
    assert total == len(data["rows"]) > 0
    want = [r for r in data["rows"] if r["status"]["value"] == "closed"]
    assert 0 < len(want) < total
    page.select_option("div.bl-table select[data-key=status]", "closed")
    expect(rows).to_have_count(len(want))
    linked = page.locator("div.bl-table tbody a").first
    linked.click()
    assert page.url.endswith("/index.html")
    expect(page.locator(".bl-card")).to_be_visible()


@pytest.mark.parametrize("width", [PHONE[0], DESKTOP[0]])
def test_cover_screenshot(browser, pack, width):
    context, page, left, errors = offline_page(browser, width, PHONE[1] if width == PHONE[0] else DESKTOP[1])
    try:
        page.goto((pack / "index.html").as_uri())
        expect(page.locator("section.bl-pack-cover")).to_be_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"audit-pack-{width}.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the cover is wider than the screen at {width} px"
        assert left == [] and errors == []      # before the close (it may cut off a late favicon request)
    finally:
        context.close()
