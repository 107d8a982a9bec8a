"""No script from records or registries runs on the site (issue 10, class 3).

A copy of the demo with hostile records, registry entries, attachments and a contributor guide, built with
the real CLI; the HTML is parsed with BeautifulSoup. The browser test (tests/browser/test_script_safety.py)
loads the same pages in Chromium.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import icalendar
import pytest
from bs4 import BeautifulSoup

from conftest import DEMO_TODAY, bulletin, copy_demo, git
from generator.attachments import executable_attachment

# every payload, if it ever ran, would set window.__pwned or call alert()
SITE_NAME = """恒锐 </title><script>window.__pwned="site"</script> "双" 'single' & <b>公告栏</b>"""
PERSON = """王"建国'<script>window.__pwned="person"</script><img src=x onerror="window.__pwned='img'">"""
DEPT = """品管部</a><svg onload="window.__pwned='dept'"></svg>"""
DEPT_EN = """QA" onmouseover="window.__pwned='dept-en'" x="""
TYPE_LABEL = """通知</span><script>alert('type')</script>"""
FIELD_LABEL = """损失<img src=x onerror=alert('field')>"""
GUIDE = """# 贡献指南

<script>window.__pwned = "guide"</script>
<a href="javascript:window.__pwned='guide-link'">指南链接</a>
<img src="x" onerror="window.__pwned='guide-img'">
<div data-bl-search data-bl-index="javascript:alert(1)//">假搜索</div>
"""
# a record body that rebuilds the site's search box, and every classic trick besides
BODY = """
<div class="md-search" data-bl-search data-bl-index="javascript:window.__pwned='index'//" data-md-component="search"
     data-bl-base="javascript:window.__pwned='base'//">
<form class="md-search__form" name="bl-search" action="javascript:window.__pwned='form'">
<input type="text" class="md-search__input" name="q" autofocus onfocus="window.__pwned='focus'">
<button formaction="javascript:window.__pwned='formaction'">搜索</button>
</form>
<ol class="md-search-result__list"><li><a class="md-search-result__link" href="javascript:window.__pwned='result'">结果</a></li></ol>
</div>

<a href="jav&#x09;ascript:window.__pwned='tab'">tab</a>
<a href="&#106;avascript:window.__pwned='entity'">entity</a>
<a href=" JaVaScRiPt:window.__pwned='case'">case</a>
<a href="java
script:window.__pwned='newline'">newline</a>
<a href="vbscript:msgbox(1)">vb</a>
<a href="data:text/html,<script>window.__pwned='data'</script>">data</a>
<img src=x onerror="window.__pwned='onerror'">
<img src="javascript:window.__pwned='src'">
<svg><a xlink:href="javascript:window.__pwned='xlink'"><text>svg</text></a><script>window.__pwned='svg'</script></svg>
<base href="javascript:window.__pwned='base'//">
<meta http-equiv="refresh" content="0;url=javascript:window.__pwned='refresh'">
<iframe srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>
<object data="javascript:window.__pwned='object'"></object>
<embed src="javascript:window.__pwned='embed'">
<p style="background:url(javascript:window.__pwned='css');width:expression(alert('ie'))">style</p>
<details open ontoggle="window.__pwned='toggle'"><summary>details</summary>x</details>
<div id="__md_scope">clobber</div>
<a id="__config" name="__search" href="#">clobber2</a>
<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'"></style></mglyph></table></mtext></math>

段落
{: onclick="window.__pwned='attr-list'" data-bl-x="1" id="__drawer" class="md-typeset bl-table admonition" }

!!! note "保留的提示"
    提示内容

- [x] 已完成的任务
- [ ] 未完成的任务

| 列 | 值 |
|----|----|
| a  | b  |

## 保留的小节 {: #kept-section }

[正常链接](https://example.com/a?b=1) 和 [邮件](mailto:qa@example.com)

[恶意附件](files/evil.html) [恶意 SVG](files/evil.svg) [无害 SVG](files/ok.svg)
"""
OK_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
EVIL_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT>window.__pwned="svgfile"</SCRIPT>'
            b'<rect width="10" height="10"/></svg>')
EVIL_HTML = b'<script>window.__pwned="htmlfile"</script>'
NOTICE = "records/notices/2026/NTC-2026-002-5s-rule.md"
MEETING = "records/meetings/2026/MTG-2026-002-hd-k35-ppap.md"
MEETING_TITLE = "第二次评审，含; 分号、逗号\\反斜杠 <b>粗</b>"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _yaml(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)     # JSON strings are YAML strings


def hostile_repo(dest: Path, attachments: bool = True) -> Path:
    """The demo, with hostile registries, a hostile record body, a hostile guide and (optionally) attachments
    a browser would execute, committed."""
    copy_demo(dest)
    _replace(dest / "site_config/site.yml", "site_name: 恒锐汽车零部件 · 公告栏", f"site_name: {_yaml(SITE_NAME)}")
    _replace(dest / "site_config/people.yml", "name: 王建国", f"name: {_yaml(PERSON)}")
    _replace(dest / "site_config/departments.yml", "name: 品管部\n  name_en: Quality Assurance",
             f"name: {_yaml(DEPT)}\n  name_en: {_yaml(DEPT_EN)}")
    with open(dest / "site_config/types.yml", "a", encoding="utf-8") as f:
        f.write(f"  notice:\n    label: {{zh: {_yaml(TYPE_LABEL)}, en: {_yaml(TYPE_LABEL)}}}\n")
    _replace(dest / "site_config/types.yml", "label: {zh: 质量损失（元）", f"label: {{zh: {_yaml(FIELD_LABEL)}")
    notice = dest / NOTICE
    notice.write_text(notice.read_text("utf-8") + BODY, "utf-8")
    files = notice.parent / "files"
    files.mkdir()
    (files / "ok.svg").write_bytes(OK_SVG)
    if attachments:
        (files / "evil.svg").write_bytes(EVIL_SVG)
        (files / "evil.html").write_bytes(EVIL_HTML)
    else:
        _replace(notice, "[恶意附件](files/evil.html) [恶意 SVG](files/evil.svg) ", "")
    meeting = dest / MEETING
    meeting.write_text(re.sub(r"^title: .*$", lambda _: f"title: {_yaml(MEETING_TITLE)}", meeting.read_text("utf-8"),
                              count=1, flags=re.M), "utf-8")
    (dest / "docs").mkdir()
    (dest / "docs/contributing.md").write_text(GUIDE, "utf-8")
    git("add", "-A", cwd=dest)
    git("commit", "-qm", "hostile entries", cwd=dest)
    return dest


def build(repo: Path, out: str = "site", *extra: str, env: dict | None = None):
    return bulletin("build", "--out", out, "--today", DEMO_TODAY, "--no-progress", *extra, cwd=repo, env=env)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    repo = hostile_repo(tmp_path_factory.mktemp("hostile") / "repo", attachments=False)
    result = build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return repo / "site"


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data):", re.I)
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data")


def _record_html(site: Path) -> BeautifulSoup:
    """The record's own body: what lies between our header card and our first section."""
    article = soup_of(site / "notices/2026/NTC-2026-002-5s-rule/index.html").select_one("article")
    body = BeautifulSoup("<div></div>", "html.parser")
    inside = False
    for el in list(article.children):
        if getattr(el, "name", None) == "div" and "bl-card" in el.get("class", []):
            inside = True
        elif getattr(el, "name", None) == "h2" and el.get("id") == "backlinks":
            break
        elif inside:
            body.div.append(el.extract())
    return body.div


def test_record_html_keeps_no_handler_script_url_or_scripted_attribute(hostile_site):
    article = _record_html(hostile_site)
    assert article is not None and "保留的提示" in article.get_text()
    offending = []
    for el in article.find_all(True):
        if el.name in ("script", "iframe", "object", "embed", "form", "base", "meta", "style", "svg", "math",
                       "button"):
            offending.append(el.name)
        for attr, value in el.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on") or attr.lower().startswith("data-") or attr == "style":
                offending.append(f"{el.name}[{attr}]")
            if attr in URL_ATTRS and SCRIPT_URL.match(re.sub(r"[\x00-\x20]", "", text)):
                offending.append(f"{el.name}[{attr}={text}]")
            if attr == "class" and any(c.startswith(("md-", "bl-")) for c in value):
                offending.append(f"{el.name}.{text}")
            if attr == "id" and text.startswith(("__", "md-", "bl-")):
                offending.append(f"{el.name}#{text}")
    assert offending == []
    # the site's own search box is still the only one on the page
    page = soup_of(hostile_site / "notices/2026/NTC-2026-002-5s-rule/index.html")
    assert len(page.select("[data-bl-search]")) == 1 and len(page.select("#__md_scope")) == 0


def test_record_markdown_keeps_what_records_legitimately_use(hostile_site):
    article = _record_html(hostile_site)
    assert article.select_one("div.admonition.note p.admonition-title").get_text() == "保留的提示"
    boxes = article.select("input[type=checkbox]")
    assert len(boxes) == 2 and boxes[0].has_attr("checked")
    assert article.select_one("table td").get_text() == "a"
    assert article.select_one("h2#kept-section") is not None
    assert article.select_one('a[href="https://example.com/a?b=1"]') is not None
    assert article.select_one('a[href="mailto:qa@example.com"]') is not None
    assert article.select_one("details[open] summary").get_text() == "details"
    assert article.select_one('a[href="../../files/ok.svg"], a[href$="files/ok.svg"]') is not None


def _texts(soup: BeautifulSoup) -> str:
    return soup.get_text(" ")


@pytest.mark.parametrize("page, expected", [
    ("index.html", [SITE_NAME]),
    ("people/wangjianguo/index.html", [PERSON, SITE_NAME]),
    ("departments/QA/index.html", [DEPT]),
    ("people/index.html", [PERSON]),
    ("notices/index.html", [TYPE_LABEL]),
    ("notices/2026/NTC-2026-002-5s-rule/index.html", [SITE_NAME, TYPE_LABEL]),
    ("capa/2026/CAPA-2026-001-thread-undersize/index.html", [FIELD_LABEL]),
    ("guide/index.html", ["指南链接"]),
])
def test_registry_strings_are_escaped_wherever_they_land(hostile_site, page, expected):
    soup = soup_of(hostile_site / page)
    text = _texts(soup)
    for s in expected:
        assert s in text or s in soup.title.get_text(), f"{s!r} not shown as text on {page}"
    scripts = [s for s in soup.find_all("script") if "__pwned" in s.get_text() or "alert(" in s.get_text()]
    assert scripts == []
    handlers = [(el.name, a) for el in soup.find_all(True) for a in el.attrs if a.lower().startswith("on")]
    assert handlers == []
    for el in soup.find_all(True):
        for attr in ("href", "src"):
            assert not SCRIPT_URL.match(str(el.get(attr) or "")), f"{el.name}[{attr}] on {page}"


def test_title_and_header_show_the_site_name_as_text(hostile_site):
    soup = soup_of(hostile_site / "people/wangjianguo/index.html")
    assert soup.title.get_text() == f"{PERSON} - {SITE_NAME}"
    logo = soup.select_one("a.md-logo")
    assert logo["title"] == SITE_NAME and logo["aria-label"] == SITE_NAME
    assert soup.select_one(".md-header__topic .md-ellipsis").get_text().strip() == SITE_NAME
    nav_titles = [a.get_text(" ").strip() for a in soup.select("nav.md-nav--primary a.md-nav__link")]
    assert TYPE_LABEL in nav_titles


def test_data_files_carry_registry_strings_safely(hostile_site):
    rows = json.loads((hostile_site / "notices/index.json").read_text("utf-8"))["rows"]
    assert any(row.get("department") == DEPT for row in rows)
    # a JSON block inside a page cannot close its <script> element
    for page in hostile_site.rglob("*.html"):
        for script in soup_of(page).find_all("script"):
            assert "__pwned" not in script.get_text() and "alert(" not in script.get_text(), page


def test_calendar_keeps_titles_with_separators_whole(hostile_site):
    cal = icalendar.Calendar.from_ical((hostile_site / "calendar.ics").read_bytes())
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert f"MTG-2026-002 {MEETING_TITLE}" in summaries
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids)) and all(u.endswith("@bulletin") for u in uids)


def test_attachments_a_browser_runs_are_never_published(tmp_path):
    """Validation refuses them (contract v2), or at least the build leaves them out; a harmless SVG is kept."""
    repo = hostile_repo(tmp_path / "repo")
    result = build(repo)
    site = repo / "site"
    if result.returncode != 0:
        assert "evil.html" in result.stdout + result.stderr and not site.exists()
        return
    files = site / "notices/2026/NTC-2026-002-5s-rule/files"
    files = files if files.is_dir() else site / "notices/2026/files"
    published = {p.name for p in site.rglob("*") if p.is_file()}
    assert "ok.svg" in published
    assert "evil.svg" not in published and "evil.html" not in published


def test_a_file_name_with_a_newline_adds_no_calendar_line(tmp_path):
    repo = copy_demo(tmp_path / "repo")
    src = repo / MEETING
    bad = src.with_name("MTG-2026-002-hd\nBEGIN:VEVENT\nUID:evil@x\nSUMMARY:injected.md")
    src.rename(bad)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "newline in a file name", cwd=repo)
    result = build(repo)
    if result.returncode != 0:     # refused: the message names the file
        assert "MTG-2026-002-hd" in result.stdout + result.stderr
        assert not (repo / "site").exists()
        return
    text = (repo / "site/calendar.ics").read_bytes()
    assert b"\nUID:evil@x" not in text and b"\nSUMMARY:injected" not in text
    cal = icalendar.Calendar.from_ical(text)
    assert "evil@x" not in [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert "MTG-2026-002@bulletin" in [str(e["UID"]) for e in cal.walk("VEVENT")]


# ------------------------------------------------------------------ the shared predicate

@pytest.mark.parametrize("name, data", [
    ("a.html", b"<p>hi</p>"), ("a.HTM", b""), ("a.xhtml", b""), ("a.xml", b"<a/>"), ("a.js", b""), ("a.MJS", b""),
    ("x/y/a.Html", b""), ("a.html.", b""), ("a.xsl", b""),
    # served as */*+xml (rendered as a document: its XHTML scripts run) or HTML by a server's MIME table, or by
    # an extension before the last one (Apache's multiple extensions, `.gz` sent as Content-Encoding)
    ("a.xhtm", b""), ("a.rdf", b""), ("a.atom", b""), ("a.kml", b""), ("a.XHTML.zz", b""), ("a.html.gz", b""),
    ("a.svg.gz", gzip.compress(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', mtime=0)),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("a.SVG", b'<svg xmlns="http://www.w3.org/2000/svg"><sCrIpT>alert(1)</sCrIpT></svg>'),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg" ONLOAD="alert(1)"/>'),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect onclick = "alert(1)"/></svg>'),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>'),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
              b'<a x:href="jav&#x09;asc&#x0A;ript:alert(1)"><text>x</text></a></svg>'),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><a href="&#106;avascript:alert(1)"><text>x</text></a></svg>'),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><s:script xmlns:s="http://www.w3.org/2000/svg"/></svg>'),
    ("a.svg", b'<!DOCTYPE svg [<!ENTITY e "&#60;script&#62;alert(1)&#60;/script&#62;">]>'
              b'<svg xmlns="http://www.w3.org/2000/svg">&e;</svg>'),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:alert(1)"/></svg>'),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><h:iframe xmlns:h="http://www.w3.org/1999/xhtml"/></svg>'),
    ("a.svg", b'<?xml-stylesheet type="text/xsl" href="a.xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><broken></svg>'),
    ("a.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'.encode("utf-16")),
    ("a.svgz", gzip.compress(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', mtime=0)),
])
def test_executable_attachments(name, data):
    assert executable_attachment(name, data)


@pytest.mark.parametrize("name, data", [
    ("a.pdf", b"%PDF-1.7 <script>"), ("a.png", b"<html><script>"), ("a.docx", b""),
    ("报告v1.2.pdf", b""), ("a.tar.gz", b""), ("8D.final.PDF", b""), ("a.xlsx", b""),
    ("a.svg", OK_SVG),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
              b'<a xlink:href="https://example.com/"><text>x</text></a>'
              b'<image href="data:image/png;base64,AAAA"/><style>rect{fill:red}</style></svg>'),
    ("a.svgz", gzip.compress(OK_SVG, mtime=0)),
])
def test_harmless_attachments(name, data):
    assert not executable_attachment(name, data)


# ------------------------------------------------------------------ determinism

def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_generated_file_is_byte_identical_for_the_same_inputs_and_today(tmp_path):
    """Two builds into two folders (the second in another time zone and without the first's cache)
    give the same bytes: feeds, calendar, JSON, CSV, HTML, search index."""
    repo = hostile_repo(tmp_path / "repo", attachments=False)
    assert build(repo, "one").returncode == 0
    env = {"TZ": "Pacific/Kiritimati", "BULLETIN_CACHE_DIR": str(tmp_path / "other-cache")}
    assert build(repo, "two", env=env).returncode == 0
    one, two = _tree(repo / "one"), _tree(repo / "two")
    assert sorted(one) == sorted(two)
    for name in ("calendar.ics", "feed.xml", "rss.xml", "records.json", "exports/notice.csv", "index.html"):
        assert name in one
    differ = [name for name in one if one[name] != two[name]]
    assert differ == []
