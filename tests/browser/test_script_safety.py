"""The hostile demo (tests/test_site_scripts.py: hostile registries, record body and guide) in Chromium: a person
opens its pages, hovers and clicks what records and registries put there, and uses the header search; no
payload runs (window.__pwned stays undefined, no alert or other dialog opens)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from test_site_scripts import build, hostile_repo

from .conftest import DESKTOP, Server, guarded_page

PAGES = [
    "",
    "people/wangjianguo/",
    "people/",
    "departments/QA/",
    "departments/",
    "notices/",
    "notices/2026/NTC-2026-002-5s-rule/",
    "capa/2026/CAPA-2026-001-thread-undersize/",
    "guide/",
    "kpi/",
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    repo = hostile_repo(tmp_path_factory.mktemp("hostile-browser") / "repo", attachments=False)
    result = build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    with Server(repo / "site") as server:
        yield server.url


@pytest.fixture
def watched(browser):
    """A guarded page that records every dialog (alert, confirm, prompt) and dismisses it."""
    context, page, guard = guarded_page(browser, *DESKTOP)
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page, guard, dialogs
    context.close()


def pwned(page):
    return page.evaluate("() => [typeof window.__pwned === 'undefined' ? null : String(window.__pwned), "
                         "typeof window.__md_scope, document.querySelectorAll('[data-bl-search]').length]")


@pytest.mark.parametrize("path", PAGES)
def test_no_payload_runs_when_a_page_is_opened_and_used(watched, hostile, path):
    page, guard, dialogs = watched
    page.goto(hostile + path)
    page.wait_for_load_state("networkidle")
    # hover and click what records and registries put on the page, as a curious reader would
    for selector in ("article a:not([href])", "article img", "article p", "article details summary",
                     ".md-header__topic .md-ellipsis", "a.md-logo", "nav.md-nav--primary a.md-nav__link"):
        for el in page.locator(selector).all()[:12]:
            if el.is_visible():
                el.hover(timeout=2_000, force=True)
                if el.evaluate("e => e.tagName === 'A' && !e.getAttribute('href')") or \
                        el.evaluate("e => e.tagName === 'SUMMARY'"):
                    el.click(timeout=2_000, force=True)
    assert page.url.startswith(hostile)
    assert pwned(page) == [None, "object", 1]      # Material's own __md_scope is a URL, not a clobbered element
    assert dialogs == []
    assert guard.errors == [] and guard.blocked == []


def test_the_search_box_is_the_sites_own_and_its_results_are_pages(watched, hostile):
    page, guard, dialogs = watched
    page.goto(hostile + "notices/2026/NTC-2026-002-5s-rule/")
    page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    expect(box).to_have_count(1)
    box.click()
    page.keyboard.type("5S", delay=40)
    links = page.locator(".md-search-result__list a.md-search-result__link")
    links.first.wait_for(state="visible", timeout=10_000)
    hrefs = links.evaluate_all("els => els.map(a => a.href)")
    assert hrefs and all(urlsplit(h).scheme == "http" and h.startswith(hostile) for h in hrefs)
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    links.first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(hostile)
    assert pwned(page)[0] is None and dialogs == []
    assert guard.errors == [] and guard.blocked == []
