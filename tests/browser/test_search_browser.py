"""The header search box on the demo site, in Chromium: typing shows results from the chunked index (how fast is
the benchmark's business, not a test's: CI is a loaded machine), Chinese words, English words and IDs find their records, Enter lists every result (and ?q= in the
address brings them back), the keyboard moves through them, it works at phone width, the browser's tokenizer
is Python's, and a query fetches only the index files it needs, all from 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import json
import re
import shutil
from urllib.parse import quote, urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from generator import search
from generator.search import SearchDoc

from .conftest import DESKTOP, PHONE

BOX = "input.md-search__input"
RESULTS = ".md-search-result__list"
LINKS = ".md-search-result__list a.md-search-result__link"
META = ".md-search-result__meta"
WAIT_MS = 20_000          # a bound that only a broken search reaches, never a speed target
WIDTHS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]


def records(site_dir) -> dict[str, dict]:
    return {r["id"]: r for r in json.loads((site_dir / "records.json").read_text("utf-8"))}


def open_box(page, viewport) -> None:
    if viewport[0] < 1220:    # Material hides the box behind the magnifier in the header
        page.locator("label.md-header__button[for=__search]").click()
    else:
        page.locator(BOX).click()
    expect(page.locator(BOX)).to_be_focused()


def type_and_wait(page, text: str) -> None:
    """Type as a person does, then wait until the result list shows a result."""
    page.keyboard.type(text, delay=60)
    page.locator(LINKS).first.wait_for(state="visible", timeout=WAIT_MS)


def hrefs(page) -> list[str]:
    return page.locator(LINKS).evaluate_all("els => els.map(a => a.href)")


@pytest.mark.parametrize("viewport", WIDTHS)
def test_typing_a_chinese_word_shows_its_records(page, site, site_dir, viewport):
    recs = records(site_dir)
    requests: list = []
    listen = requests.append
    page.on("requestfinished", lambda r: listen(r))
    try:
        page.goto(site)
        page.wait_for_load_state("networkidle")
        requests.clear()
        open_box(page, viewport)
        type_and_wait(page, "首件")
    finally:
        listen = lambda r: None   # noqa: E731 - the page is shared with the next test
    results = page.locator(RESULTS)
    for rid in ("NTC-2026-005", "MTG-2026-003"):
        expect(results).to_contain_text(recs[rid]["title"])
        assert urljoin(site, recs[rid]["url"]) in hrefs(page)
    expect(page.locator(f"{RESULTS} mark").first).to_have_text("首件")
    expect(page.locator(META)).to_have_text(re.compile(r"\d+ 个符合条件的结果"))
    # the results are on screen, inside the page's width
    box = page.locator(LINKS).first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport[0] + 1 and box["y"] < viewport[1]
    # once the box's opening transitions end (the theme's overlay grows past the screen while they run),
    # nothing is wider than the screen, and a sideways swipe moves nothing
    page.evaluate("Promise.all(document.getAnimations().map(a => a.finished))")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.mouse.wheel(300, 0)
    assert page.evaluate("window.scrollX") == 0
    # what the query fetched: the index's manifest, shards and metadata chunks, nothing else, under 2 MB
    fetched = [urlsplit(r.url).path for r in requests]
    assert fetched and all(p.startswith("/search/") for p in fetched), fetched
    size = sum(r.sizes()["responseBodySize"] for r in requests)
    assert size <= 2 * 1024 * 1024


def test_an_english_word_in_any_case(page, site, site_dir):
    recs = records(site_dir)
    page.goto(site)
    open_box(page, DESKTOP)
    type_and_wait(page, "pfmea")
    assert hrefs(page)[0] == urljoin(site, recs["CAPA-2025-008"]["url"])
    expect(page.locator(RESULTS)).to_contain_text(recs["CAPA-2025-008"]["title"])
    expect(page.locator(f"{RESULTS} h1 mark").first).to_have_text("PFMEA")


def test_an_id_finds_its_record_first_and_each_step_of_typing_it_narrows(page, site, site_dir):
    recs = records(site_dir)
    page.goto(urljoin(site, "capa/board/"))
    open_box(page, DESKTOP)
    type_and_wait(page, "CAPA-2026-00")
    partial = set(hrefs(page))
    assert urljoin(site, recs["CAPA-2026-006"]["url"]) in partial or len(partial) == 10
    page.keyboard.type("6")
    expect(page.locator(LINKS).first).to_have_attribute("href", re.compile("CAPA-2026-006"))
    first = page.locator(LINKS).first
    assert first.evaluate("a => a.href") == urljoin(site, recs["CAPA-2026-006"]["url"])
    assert first.get_attribute("href").startswith("../../"), "links are relative to the page"
    expect(first).to_contain_text("CAPA-2026-006 " + recs["CAPA-2026-006"]["title"])


def test_enter_lists_every_result_and_the_address_keeps_the_query(page, site, site_dir):
    word = "客诉"      # in more pages than the drop-down shows (generated lists of records are not searched)
    assert len(search.Index(site_dir / "search").search(word, limit=1000)) > 20
    page.goto(site)
    open_box(page, DESKTOP)
    type_and_wait(page, word)
    shown = page.locator(LINKS).count()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=" + re.escape(quote(word)) + "$"))
    more = page.locator(".bl-search-more button")
    total = int(re.search(r"\d+", page.locator(META).text_content()).group())
    assert total > shown
    for _ in range(200):   # "more" until every result is listed (the button is redrawn after each click)
        if page.locator(LINKS).count() >= total:
            break
        if more.count():
            more.first.click()
        else:
            page.wait_for_timeout(50)
    expect(page.locator(LINKS)).to_have_count(total)
    page.reload()
    expect(page.locator(BOX)).to_have_value(word)
    expect(page.locator(LINKS)).to_have_count(min(total, 20))


def test_the_keyboard_moves_through_results_and_escape_closes(page, site, site_dir):
    recs = records(site_dir)
    page.goto(site)
    page.keyboard.press("/")                 # as in Material: / or s focuses the search box
    expect(page.locator(BOX)).to_be_focused()
    type_and_wait(page, "PFMEA")
    page.keyboard.press("ArrowDown")
    expect(page.locator(LINKS).first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(LINKS).nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator(BOX)).to_be_focused()
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    expect(page.locator(".md-search__output")).to_have_css("opacity", "0")     # Material fades it out
    page.locator(BOX).click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(urljoin(site, recs["CAPA-2025-008"]["url"]))


def test_a_word_that_is_nowhere_says_so(page, site):
    page.goto(site)
    open_box(page, DESKTOP)
    page.keyboard.type("xyzzy", delay=40)
    expect(page.locator(META)).to_have_text("没有找到符合条件的结果")
    expect(page.locator(LINKS)).to_have_count(0)


def test_english_site_labels_the_box_in_english(page, english_site):
    page.goto(english_site)
    expect(page.locator(BOX)).to_have_accessible_name("Search")
    open_box(page, DESKTOP)
    type_and_wait(page, "PFMEA")
    expect(page.locator(META)).to_have_text(re.compile(r"^\d+ matching documents?$|^1 matching"))


SAMPLES = ["CAPA-2026-007 首件检验 ＣＡＰＡ poka-yoke 2026-11-24 8D报告 第3次", "首", "capa-", "PFMEA ",
           "Ünïcödé café ﬁx İstanbul", "한국어 テスト", "𠀀𠀁x", "（CAPA）：客诉，", "x" * 70 + "-y", "a-b-"]


def test_the_browser_tokenizer_is_python_s(page, site):
    page.goto(site)
    got = page.evaluate("""samples => samples.map(s => {
        const a = window.BulletinSearch;
        return [a.tokens(s), a.queryTerms(s), a.fnv1a(s)];
    })""", SAMPLES)
    want = []
    for s in SAMPLES:
        terms, phrases = search.query_terms(s)
        want.append([search.tokens(s), {"terms": [{"token": t.token, "prefix": t.prefix} for t in terms],
                                        "phrases": phrases}, search.fnv1a(s)])
    assert got == want


def test_shards_of_their_own_and_shared_versions_read_as_python_reads_them(page, site_dir, serve, tmp_path,
                                                                          monkeypatch):
    """At 100,000 records a common word's list has a shard of its own and files share a version in the manifest
    (scaled down here): the browser finds the same shard, version and results as Python, and fetches nothing else."""
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    chunks = sorted((copy / "search" / "m").glob("*.json"), key=lambda p: int(p.stem))
    docs = [SearchDoc(r[0], r[1], r[2]) for c in chunks for r in json.loads(c.read_text("utf-8"))]
    lang = json.loads((copy / "search" / "manifest.json").read_text("utf-8"))["lang"]
    monkeypatch.setattr(search, "ALONE_BYTES", 20)
    monkeypatch.setattr(search, "VERSIONS", 4)
    shutil.rmtree(copy / "search")
    search.write_index(docs, copy, lang)
    index = search.Index(copy / "search")
    m = index.manifest
    assert search.key_of("首件", index.heavy) in m["alone"] and m["mg"] > 1 and m["sg"] > 1
    want = [h.url for h in index.search("首件", limit=10)]
    typed = search.Index(copy / "search")
    typed.search("首", limit=10)
    typed.search("首件", limit=10)
    site = serve(copy)
    requests: list = []

    def listen(r):
        requests.append(r)

    page.on("requestfinished", listen)
    try:
        page.goto(site)
        page.wait_for_load_state("networkidle")
        requests.clear()
        open_box(page, DESKTOP)
        type_and_wait(page, "首件")
    finally:
        page.remove_listener("requestfinished", listen)    # the page is shared with the next test
    expect(page.locator(LINKS)).to_have_count(len(want))
    assert hrefs(page) == [urljoin(site, u) for u in want]
    fetched = {urlsplit(r.url).path for r in requests}
    assert {f"/search/{rel}" for rel in index.read} <= fetched <= {f"/search/{rel}" for rel in typed.read}
    versions = {urlsplit(r.url).path: urlsplit(r.url).query for r in requests}
    for rel in index.read - {"manifest.json"}:
        n, group = int(rel.split("/")[1].split(".")[0]), rel[0]
        assert versions[f"/search/{rel}"] == f"v={m[group][n // m[group + 'g']]}", rel
