"""Safety of the built site: no script from a record reaches the reader; a failed build leaves the old site."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import DEMO_TODAY, bulletin, copy_demo, git
from test_site import external_loads, html_files, visible_text

EVIL_ID = "NTC-2026-912"
EVIL_TITLE = '<b>加粗</b> "引号" & <script>alert(9)</script> 标题'
EVIL_TAG = "<img src=x onerror=alert(8)>"
EVIL_PATH = f"records/notices/2026/{EVIL_ID}-evil.md"
EVIL_PAGE = f"notices/2026/{EVIL_ID}-evil/index.html"
BREAKOUT_PAGE = "notices/2026/NTC-2026-914-breakout/index.html"
PEER_PAGE = "notices/2026/NTC-2026-011-winter-safety-rule/index.html"   # a plain notice at the same depth
EVIL = f"""---
id: {EVIL_ID}
title: '{EVIL_TITLE}'
department: QA
category: announcement
issued_on: 2026-11-23
tags: ['{EVIL_TAG}', 安全]
---
# 正文标题

正文开始。

<script>alert(1)</script>

<img src=x onerror=alert(2)>

<a href="javascript:alert(3)">x</a>

<iframe src="https://evil.example/frame"></iframe>

<div onclick="alert(4)" style="background:url(https://evil.example/x.png)">点我</div>

[markdown link](javascript:alert(5))

<svg onload="alert(6)"><circle r="1"/></svg>

<object data="https://evil.example/x.swf"></object>

<form action="https://evil.example/"><input name="q"><button formaction="javascript:alert(11)">go</button></form>

<style>body {{ display: none }}</style>

<a href="JaVaScRiPt:alert(7)">y</a> <a href="&#106;avascript:alert(10)">z</a> <a href=" javascript:alert(12)">w</a>

<p onmouseover="alert(13)">悬停</p>

<details open ontoggle="alert(14)"><summary>s</summary>t</details>

正文结束。
"""
BREAKOUT_PATH = "records/notices/2026/NTC-2026-914-breakout.md"
BREAKOUT = """---
id: NTC-2026-914
title: '停电</title><script>alert(15)</script><span onclick=alert(16)>通知'
department: QA
category: announcement
issued_on: 2026-11-22
---
正文。
"""
ON_ATTR = re.compile(r"^on", re.I)
BAD_URL = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.I)
URL_ATTRS = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset")


def _settled(folder: Path, seconds: float = 20) -> list[str]:
    """The folder's entries once the replaced site, removed in the background, is gone."""
    import time

    deadline = time.monotonic() + seconds
    while any(p.name.startswith(".site.old-") for p in folder.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return sorted(p.name for p in folder.iterdir())


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        h.update(rel.encode() + b"\0")
        if p.is_file():
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    base = tmp_path_factory.mktemp("evil")
    repo = copy_demo(base / "repo")
    (repo / EVIL_PATH).write_text(EVIL, "utf-8")
    (repo / BREAKOUT_PATH).write_text(BREAKOUT, "utf-8")
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "an evil notice", cwd=repo)
    out = base / "site"
    result = bulletin("build", "--out", str(out), "--today", DEMO_TODAY, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return repo, out


def soup(out: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((out / rel).read_text("utf-8"), "html.parser")


def _scripts(page: BeautifulSoup) -> list[tuple]:
    return [(s.get("src"), s.get("type"), s.get("id"), s.string or "") for s in page.find_all("script")]


def test_record_page_keeps_only_the_themes_scripts(evil):
    _, out = evil
    page, peer = soup(out, EVIL_PAGE), soup(out, PEER_PAGE)
    assert _scripts(page) == _scripts(peer)
    assert not any("alert(" in (s.string or "") for s in page.find_all("script"))
    art = page.find("article")
    assert "正文开始" in art.get_text() and "正文结束" in art.get_text()     # the body itself is there


def test_no_event_handlers_nor_script_urls_anywhere(evil):
    _, out = evil
    problems = []
    for path in html_files(out):
        rel = path.relative_to(out).as_posix()
        for el in BeautifulSoup(path.read_text("utf-8"), "html.parser").find_all(True):
            for attr, value in el.attrs.items():
                if ON_ATTR.match(attr):
                    problems.append(f"{rel}: <{el.name} {attr}>")
                if attr in URL_ATTRS and isinstance(value, str) and BAD_URL.match(value):
                    problems.append(f"{rel}: <{el.name} {attr}={value!r}>")
            if el.name == "script" and "alert(" in (el.string or ""):
                problems.append(f"{rel}: script {el.string[:60]!r}")
    assert problems == [], "\n".join(problems)


def test_dangerous_elements_are_removed_from_the_article(evil):
    _, out = evil
    art = soup(out, EVIL_PAGE).find("article")
    for tag in ("script", "iframe", "object", "embed", "form", "style", "svg", "button"):
        assert art.find(tag) is None, tag
    for el in art.find_all(style=True):
        assert "url(" not in el["style"]
    assert external_loads(out) == []


def test_title_and_fields_show_as_text(evil):
    _, out = evil
    page = soup(out, EVIL_PAGE)
    h1 = page.find("article").h1
    assert h1.get_text().rstrip("¶").strip() == EVIL_TITLE
    assert h1.find("b") is None and h1.find("script") is None
    assert EVIL_TITLE in page.title.get_text() and page.title.find("b") is None
    card = page.select_one(".bl-card")
    assert EVIL_TAG in card.get_text()                           # the tag, as text
    assert card.find("img") is None
    board = soup(out, "index.html").select_one(f'li[data-id="{EVIL_ID}"]')
    assert board is not None and EVIL_TITLE in board.get_text()
    assert board.find("b") is None and board.find("script") is None
    # the notice index's data and the feeds hold the title as data, well-formed
    rows = json.loads((out / "notices/index.json").read_text("utf-8"))["rows"]
    assert any(row["title"]["text"] == EVIL_TITLE for row in rows)
    for feed in ("feed.xml", "rss.xml"):
        root = ET.fromstring((out / feed).read_bytes())
        assert any(EVIL_TITLE in (el.text or "") for el in root.iter()), feed


def test_search_index_holds_no_markup_from_the_record(evil):
    """The index holds plain text, which is safe only as long as what it holds is the text the reader sees on
    the page (nothing of what the sanitizer took away: scripts, event handlers, dangerous URLs) and the search
    script only ever inserts it as text (textContent, text nodes), never as HTML."""
    _, out = evil
    # the index is data: JSON the script fetches, nothing a browser runs or renders as a page
    files = [p for p in (out / "search").rglob("*") if p.is_file()]
    assert files and all(p.suffix == ".json" for p in files), sorted(str(p.relative_to(out)) for p in files)
    rows = {row[0]: row for f in sorted((out / "search/m").glob("*.json")) for row in json.loads(f.read_text("utf-8"))}
    breakout_title = yaml.safe_load(BREAKOUT.split("---")[1])["title"]
    for rid, rel, heading in ((EVIL_ID, EVIL_PAGE, EVIL_TITLE), ("NTC-2026-914", BREAKOUT_PAGE, breakout_title)):
        _, title, text = rows[rel[:-len("index.html")]][:3]
        # the title as the page's heading shows it (after the record's ID), tags and all, as text
        assert title == f"{rid} {heading}"
        assert soup(out, rel).find("article").h1.get_text().rstrip("¶").strip() == heading
        # the text: only words the page shows, in the page's order
        shown = visible_text(soup(out, rel).find("article"))
        at = 0
        for word in text.split():
            found = shown.find(word, at)
            assert found >= 0, f"{rel}: {word!r} is in the search index, not on the page (after {shown[at:at + 80]!r})"
            at = found + len(word)
    _, title, text = rows[EVIL_PAGE[:-len("index.html")]][:3]
    assert "正文开始" in text and "正文结束" in text and EVIL_TAG in text      # the card shows the tag as text
    # nothing of what the sanitizer removed: script bodies, event handlers, javascript: URLs, styles
    for n in (1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14):
        assert f"alert({n})" not in title + text, n
    for gone in ("onclick", "onload", "onmouseover", "ontoggle", "formaction", "javascript", "display: none",
                 "evil.example"):
        assert gone not in text.lower(), gone
    assert "onerror" not in text.replace(EVIL_TAG, "")       # only the tag the card shows as text
    # the search script builds results with DOM nodes and textContent: no HTML parsing of any string
    script = (out / "assets/bulletin-search.js").read_text("utf-8")
    assert "textContent" in script and "createTextNode" in script
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "createContextualFragment",
                 "DOMParser", "parseFromString", "srcdoc", "eval(", "Function(", "setHTML", ".html("):
        assert sink not in script, sink
    assert not re.search(r"setTimeout\(\s*['\"`]", script), "a string passed to setTimeout runs as code"


# --- a failed build leaves the previous site ---------------------------------------------------------------

BROKEN = """---
id: NTC-2026-913
department: QA
category: announcement
issued_on: 2026-13-40
---
缺少标题，日期也不存在。
"""


def test_failed_build_leaves_the_previous_site_untouched(evil, tmp_path):
    repo = Path(shutil.copytree(evil[0], tmp_path / "repo"))
    out = Path(shutil.copytree(evil[1], tmp_path / "site"))      # the previous site
    before = tree_hash(out)
    (repo / "records/notices/2026/NTC-2026-913-broken.md").write_text(BROKEN, "utf-8")

    result = bulletin("build", "--out", str(out), "--today", DEMO_TODAY, cwd=repo)
    assert result.returncode == 1
    assert "NTC-2026-913-broken.md" in result.stdout + result.stderr
    assert tree_hash(out) == before
    assert _settled(tmp_path) == ["repo", "site"], "no temporary folder left behind"

    fresh = tmp_path / "never-built"
    assert bulletin("build", "--out", str(fresh), "--today", DEMO_TODAY, cwd=repo).returncode == 1
    assert not fresh.exists()

    # fixed: the evil notice is gone too; a successful rebuild replaces the whole folder
    (repo / "records/notices/2026/NTC-2026-913-broken.md").write_text(
        BROKEN.replace("issued_on: 2026-13-40", "title: 停电通知\nissued_on: 2026-11-23"), "utf-8")
    (repo / EVIL_PATH).unlink()
    result = bulletin("build", "--out", str(out), "--today", DEMO_TODAY, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree_hash(out) != before
    assert (out / "notices/2026/NTC-2026-913-broken/index.html").is_file()
    assert not (out / EVIL_PAGE).exists(), "the old site's files do not survive the swap"
    assert _settled(tmp_path) == ["repo", "site"]
