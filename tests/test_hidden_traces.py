"""No trace of hidden records, whatever way a visible record names them.

A fixture repository (the demo, plus a management CAPA and a restricted notice) where visible records name the
hidden ones in every way a writer might: fields of kind `ref` (built in and the company's own in types.yml, in
lists and inside objects), action items' `capa`, `supersedes`, `source_ref`, links in the body (relative, `./`,
`../`, root-relative, with ?query or #fragment, percent-encoded, reference definitions, raw HTML, an absolute URL
of the site), the ID in plain text (other case, other separators), the title in plain text, and commit messages
(the ID in another case or with other separators, the title, a commit that also touched the hidden file). The
real `bulletin build` of the default audience must hold no trace of them in any file, and still show that a
reference exists; the management build shows the management record.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import DEMO_TODAY, bulletin, copy_demo, git
from test_site_audience import index_tokens, normalised

SITE_URL = "http://bulletin.example.internal/"
CAPA = "CAPA-2026-911"
CAPA_TITLE = "供应商黑名单评估与停供计划"
CAPA_FILE = "CAPA-2026-911-supplier-blacklist"
NTC = "NTC-2026-912"
NTC_TITLE = "关于裁员预案征求意见的说明"
NTC_FILE = "NTC-2026-912-layoff-draft"
SECRET_SENTENCES = ("拟将三家铸件供应商列入黑名单", "第一批裁减人员名单由人事行政部另行通知")
HIDDEN_REF = "一条受限记录（无权查看）"

HIDDEN_CAPA = f"""---
id: {CAPA}
title: {CAPA_TITLE}
department: QA
visibility: management
former_ids: [CAPA-2026-098]
source: supplier
opened_on: 2026-10-08
due: 2026-12-20
owner: liuhong
status: open
---
# {CAPA_TITLE}

{SECRET_SENTENCES[0]}，停止新订单。
"""

HIDDEN_NOTICE = f"""---
id: {NTC}
title: {NTC_TITLE}
department: HR
category: announcement
visibility: restricted
issued_on: 2026-11-02
---
# {NTC_TITLE}

{SECRET_SENTENCES[1]}。
"""

# the company's own fields of kind ref: a single one, and a list of objects that holds one
TYPES_EXTRA = """
      linked_capa:
        kind: ref
        label: {zh: 关联整改, en: Linked CAPA}
      cross_refs:
        kind: list
        of:
          kind: object
          fields:
            target: {kind: ref, required: true, label: {zh: 对象, en: Target}}
            note: {kind: text, label: {zh: 说明, en: Note}}
        label: {zh: 交叉引用, en: Cross references}
"""

VISIBLE_CAPA = f"""---
id: CAPA-2026-912
title: 铸件供应商交付问题跟进（见 capa_2026_911）
department: QA
source: internal-audit
source_ref: {CAPA}
opened_on: 2026-10-10
due: 2026-12-20
owner: liuhong
status: open
related: [CAPA-2026-007, {CAPA}]
linked_capa: {CAPA}
cross_refs:
  - {{target: {CAPA}, note: 同 Capa-2026-911 一并处理}}
  - {{target: CAPA-2026-007, note: 参照 5S}}
containment: 暂按 CAPA 2026 911 的遏制措施执行（{CAPA_TITLE}）。
tags: [供应商, {CAPA.lower()}]
---
# 铸件供应商交付问题跟进

内联链接：[评估](CAPA-2026-911-supplier-blacklist.md)。
当前目录：[当前](./CAPA-2026-911-supplier-blacklist.md?tab=1)。
上级目录：[上级](../2026/CAPA-2026-911-supplier-blacklist.md#root-cause)。
百分号编码：[编码](CAPA%2D2026%2D911-supplier-blacklist.md)。
根相对路径：[根](/capa/2026/CAPA-2026-911-supplier-blacklist.md)。
站点地址：[站点]({SITE_URL}capa/2026/CAPA-2026-911-supplier-blacklist/)。
自动链接：<{SITE_URL}capa/2026/{CAPA_FILE}/>。
引用式：[{CAPA_TITLE}][blacklist]，以及 [blacklist]。
原始 HTML：<a href="CAPA-2026-911-supplier-blacklist.md#x">{CAPA_TITLE}</a>。
正文提及：见 capa-2026-911 与 CAPA2026911，另见《{CAPA_TITLE}》。
可见链接：[5S](CAPA-2026-007-5s-marking.md)。

[blacklist]: <CAPA-2026-911-supplier-blacklist.md> "评估"
"""

VISIBLE_NOTICE = f"""---
id: NTC-2026-913
title: 关于人员调整沟通会的通知
department: HR
category: announcement
issued_on: 2026-11-10
supersedes: {NTC}
---
# 关于人员调整沟通会的通知

请各部门负责人参加沟通会，背景见 [说明]({NTC_FILE}.md) 与 [{NTC_TITLE}](/notices/2026/{NTC_FILE}.md)，编号 ntc-2026-912。
"""

VISIBLE_MEETING = f"""---
id: MTG-2026-908
title: 品管部供应商专题会
department: QA
kind: department
date: 2026-11-12
chair: liuhong
recorder: zhaolei
attendees: [liuhong, zhaolei]
status: draft
actions:
  - text: 按 {CAPA.lower()} 更新供应商名录
    owner: zhaolei
    due: 2026-12-31
    capa: {CAPA}
---
# 品管部供应商专题会

讨论 [相关 CAPA](../../capa/2026/{CAPA_FILE}.md)（原编号 CAPA-2026-098）。

```text
代码块中的编号 {CAPA} 与链接 [x](../../capa/2026/{CAPA_FILE}.md)
```

行内代码 `{CAPA}`，实体 CAPA&#45;2026&#45;911，表格：

| 编号 | 说明 |
|---|---|
| [{CAPA}](../../capa/2026/{CAPA_FILE}.md) | 见 `capa-2026-911` |
"""


def _write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def make_repo(base: Path) -> Path:
    repo = copy_demo(base / "repo")
    site = repo / "site_config/site.yml"
    site.write_text(site.read_text("utf-8") + f"site_url: {SITE_URL}\n", "utf-8")
    types = repo / "site_config/types.yml"
    types.write_text(types.read_text("utf-8") + TYPES_EXTRA, "utf-8")
    capa, vcapa = f"records/capa/2026/{CAPA_FILE}.md", "records/capa/2026/CAPA-2026-912-casting-followup.md"
    # one commit adds the hidden CAPA and a visible record, with a message that names neither
    _write(repo, capa, HIDDEN_CAPA)
    _write(repo, vcapa, VISIBLE_CAPA)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "Weekly QA update", cwd=repo)
    _write(repo, f"records/notices/2026/{NTC_FILE}.md", HIDDEN_NOTICE)
    _write(repo, "records/notices/2026/NTC-2026-913-staff-meeting.md", VISIBLE_NOTICE)
    _write(repo, "records/meetings/2026/MTG-2026-908-supplier-meeting.md", VISIBLE_MEETING)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "Notices and minutes of November", cwd=repo)
    # commits that touch visible files only, with messages that name a hidden record
    for n, message in enumerate([f"Follow-up of {CAPA.lower()}", "Per capa_2026_911: containment",
                                 f"Wording from {CAPA_TITLE}", f"Refs {NTC.replace('-', ' ')}"]):
        path = repo / vcapa
        path.write_text(path.read_text("utf-8") + f"\n补充说明 {n}。\n", "utf-8")
        git("commit", "-qam", message, cwd=repo)
    path.write_text(path.read_text("utf-8") + "\n补充说明。\n", "utf-8")
    git("commit", "-qam", "Typo fixed in containment", cwd=repo)
    return repo


_BUILDS: dict[str, Path] = {}


def built(tmp_path_factory, audience: str) -> Path:
    """The fixture repository built once per audience, with the real CLI (the default audience without flag)."""
    if audience not in _BUILDS:
        base = tmp_path_factory.mktemp(f"traces-{audience}")
        repo = make_repo(base)
        out = base / "site"
        args = ["build", "--out", str(out), "--today", DEMO_TODAY]
        if audience != "all-staff":
            args += ["--audience", audience]
        result = bulletin(*args, cwd=repo)
        assert result.returncode == 0, result.stdout + result.stderr
        _BUILDS[audience] = out
    return _BUILDS[audience]


def id_pattern(rid: str) -> re.Pattern:
    """The ID in any case, with any separators (or none) between its parts."""
    prefix, year, num = rid.split("-")
    return re.compile(rf"{prefix}[\W_]*{year}[\W_]*{num}", re.I)


def traces(out: Path, rid: str, title: str, stem: str, sentences=()) -> dict[str, list[str]]:
    """Every file of the output (its path and its text) that names the record: ID, title, file name, text."""
    slug = stem[len(rid) + 1:]
    pattern = id_pattern(rid)
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        text = normalised(path)
        if text is None:
            text = path.read_bytes().decode("utf-8", "replace")
        text = rel + "\n" + text
        hits = [m.group() for m in pattern.finditer(text)]
        hits += [s for s in (title, slug, *sentences) if s.lower() in text.lower()]
        if hits:
            found[rel] = sorted(set(hits))
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "all-staff")


@pytest.mark.parametrize("rid,title,stem", [(CAPA, CAPA_TITLE, CAPA_FILE), (NTC, NTC_TITLE, NTC_FILE)])
def test_all_staff_site_names_no_hidden_record(site, rid, title, stem):
    for rel in ("index.html", "404.html", "sitemap.xml", "feed.xml", "rss.xml", "calendar.ics", "records.json",
                "exports/capa.csv", "capa/index.json", "search/manifest.json",
                "capa/2026/CAPA-2026-912-casting-followup/index.html"):
        assert (site / rel).is_file(), rel    # every kind of file the scan reads is there
    assert list((site / "search/s").glob("*.json")) and list((site / "search/m").glob("*.json"))
    found = traces(site, rid, title, stem, SECRET_SENTENCES)
    if rid == CAPA:
        found.update(traces(site, "CAPA-2026-098", title, stem))
    assert found == {}, "traces of hidden records:\n" + "\n".join(f"  {k}: {v}" for k, v in found.items())


def test_search_index_holds_no_token_of_a_hidden_id(site):
    held = index_tokens(site)
    for rid in (CAPA, NTC):
        prefix, year, num = rid.lower().split("-")
        assert not {rid.lower(), f"{prefix}_{year}_{num}", f"{prefix}{year}{num}"} & held, rid
        assert not any(id_pattern(rid).fullmatch(t) for t in held), rid


def _article(out: Path, rel: str):
    return BeautifulSoup((out / rel).read_text("utf-8"), "html.parser").select_one("article")


def test_visible_records_still_show_that_a_reference_exists(site):
    art = _article(site, "capa/2026/CAPA-2026-912-casting-followup/index.html")
    marks = art.select(".bl-hidden-ref")
    text = art.get_text(" ")
    # card (related, source_ref, linked_capa, cross_refs) and body (every link form)
    assert len(marks) >= 12, len(marks)
    assert text.count(HIDDEN_REF) >= 15
    # the visible references are still links
    assert art.select_one('a[href$="CAPA-2026-007-5s-marking/"]') is not None
    # the history still lists every commit, with date and author, without the message of the masked ones
    rows = art.select("table.bl-history tbody tr")
    assert len(rows) == 6
    assert "Typo fixed in containment" in rows[0].get_text() and not rows[0].select_one(".bl-hidden-ref")
    assert all(row.select_one(".bl-hidden-ref") and "Test User" in row.get_text() for row in rows[1:])
    meeting = _article(site, "meetings/2026/MTG-2026-908-supplier-meeting/index.html")
    assert meeting.select_one("table.bl-actions .bl-hidden-ref") is not None
    data = json.loads((site / "records.json").read_text("utf-8"))
    rows = data if isinstance(data, list) else data["records"]
    row = next(r for r in rows if r["id"] == "CAPA-2026-912")
    assert HIDDEN_REF in row["related"] and row["linked_capa"] == HIDDEN_REF
    assert row["cross_refs"][0]["target"] == HIDDEN_REF and row["cross_refs"][1]["target"] == "CAPA-2026-007"
    csv = (site / "exports/capa.csv").read_text("utf-8-sig")
    assert HIDDEN_REF in csv and "CAPA-2026-007" in csv


def test_history_tables_are_not_in_the_search_index(site):
    from generator.search import Index

    index = Index(site / "search")
    # the words of a commit message that names nothing hidden ("Weekly QA update" is masked; "demo records" not)
    assert index.search("demo records", limit=1000) == []
    assert index.search("containment", limit=1000) == []


def test_management_site_shows_the_management_record(tmp_path_factory):
    out = built(tmp_path_factory, "management")
    found = traces(out, CAPA, CAPA_TITLE, CAPA_FILE, SECRET_SENTENCES[:1])
    for rel in ("records.json", "exports/capa.csv", "capa/index.json", f"capa/2026/{CAPA_FILE}/index.html",
                "capa/2026/CAPA-2026-912-casting-followup/index.html"):
        assert rel in found, rel
    art = _article(out, "capa/2026/CAPA-2026-912-casting-followup/index.html")
    assert art.select_one(f'a[href$="{CAPA_FILE}/"]') is not None
    # the restricted notice stays hidden from management
    assert traces(out, NTC, NTC_TITLE, NTC_FILE, SECRET_SENTENCES[1:]) == {}


# --- the one resolver, over link forms that validation may also refuse (a build stops on those) --------------

HIDDEN_TARGETS = [
    f"{CAPA_FILE}.md", f"./{CAPA_FILE}.md?tab=1", f"../2026/{CAPA_FILE}.md#root-cause", f"<{CAPA_FILE}.md>",
    f"/capa/2026/{CAPA_FILE}.md", f"/records/capa/2026/{CAPA_FILE}.md", f"../{CAPA_FILE}/", f"{CAPA_FILE}/",
    f"/capa/2026/{CAPA_FILE}/", f"{SITE_URL}capa/2026/{CAPA_FILE}/", "CAPA%2D2026%2D911-supplier-blacklist.md",
    "CAPA%252D2026%252D911-supplier-blacklist.md", "%43APA-2026-911-supplier-blacklist.md",
    "CAPA&#45;2026&#45;911-supplier-blacklist.md", f"{CAPA_FILE.lower()}.md", "capa_2026_911",
    f"https://git.example.com/acme/records/blob/main/records/capa/2026/{CAPA_FILE}.md", "../../capa/2026/",
]
VISIBLE_TARGETS = ["CAPA-2026-007-5s-marking.md", "../2026/CAPA-2026-007-5s-marking.md#x", "/capa/2026/",
                   f"{SITE_URL}capa/2026/CAPA-2026-007-5s-marking/", "https://example.com/CAPA-2026-9110",
                   "attachments/photo.png", "#root-cause", "mailto:a@example.com"]


@pytest.fixture(scope="module")
def new_mask(tmp_path_factory):
    """Makes a fresh Mask of the all-staff site (nothing compiled, nothing read yet)."""
    from generator.audience import Mask
    from generator.pages import visible_to
    from generator.validate import load_repository

    result = load_repository(make_repo(tmp_path_factory.mktemp("mask")))
    assert not result.errors
    shown = {r.id for r in result.records if visible_to("all-staff", r)}
    return lambda: Mask(result.records, shown, result.config.types, HIDDEN_REF, SITE_URL)


@pytest.fixture(scope="module")
def mask(new_mask):
    return new_mask()


NAMING = [f"{CAPA_FILE}.md", "CAPA%2D2026%2D911-x.md", "CAPA&#45;2026&#45;911-x.md", f"about {CAPA_TITLE.upper()}.", "capa 2026 911", "CAPA2026911", "re: capa_2026_911!",
          f"see {NTC.lower()} (x)"]
NAMING_NOTHING = ["", "a plain sentence", "CAPA-2026-007 and CAPA-2026-9110", "capa 2026 91", "CAPA-2026-9120",
                  "2026-911", *VISIBLE_TARGETS[:-1]]


@pytest.mark.parametrize("text", NAMING)
def test_a_mask_used_first_on_a_text_that_names_a_hidden_record_finds_it(new_mask, mask, text):
    assert new_mask().names(text) and mask.names(text)


def test_a_fresh_mask_names_what_a_compiled_one_names(new_mask, mask):
    mask.names(NAMING[0])                             # compiled
    for text in HIDDEN_TARGETS + VISIBLE_TARGETS + NAMING + NAMING_NOTHING:
        assert new_mask().names(text) == mask.names(text), text


def test_a_mask_compiles_no_expression_for_the_first_texts_it_reads(new_mask, mask):
    from generator.audience import PLAIN_TEXTS

    fresh = new_mask()
    for text in NAMING_NOTHING:
        assert not fresh.names(text) and not mask.names(text), text
    assert fresh.names(NAMING[0]) and fresh.names(NAMING[3])
    assert "_patterns" not in fresh.__dict__          # the expressions of every hidden ID and title: not compiled
    for _ in range(PLAIN_TEXTS):
        fresh.names("a plain sentence")
    assert "_patterns" in fresh.__dict__              # a build that reads many texts compiles them, once


@pytest.mark.parametrize("target", HIDDEN_TARGETS[:-1])
def test_every_form_of_a_link_to_a_hidden_record_is_found(mask, target):
    assert mask.hidden_target(target, "capa/2026/CAPA-2026-912-casting-followup.md")


@pytest.mark.parametrize("target", VISIBLE_TARGETS + HIDDEN_TARGETS[-1:])
def test_links_to_what_the_audience_may_see_stay(mask, target):
    assert not mask.hidden_target(target, "capa/2026/CAPA-2026-912-casting-followup.md")
    body = f"[text]({target}) and <a href=\"{target}\">html</a>"
    assert mask.markdown(body, "capa/2026/CAPA-2026-912-casting-followup.md") == body


@pytest.mark.parametrize("target", HIDDEN_TARGETS[:-1])
def test_masked_markdown_keeps_neither_the_link_nor_its_text(mask, target):
    src = "capa/2026/CAPA-2026-912-casting-followup.md"
    for body in (f"see [{CAPA_TITLE}]({target}) here", f"see <a href=\"{target}\">{CAPA_TITLE}</a> here",
                 f"see ![{CAPA_TITLE}]({target}) here", f"see [{CAPA_TITLE}][b] here\n\n[b]: {target}",
                 f"see [B] here\n\n[b]: <{target}> \"t\""):
        out = mask.markdown(body, src)
        assert out.startswith(f'see <span class="bl-hidden-ref">{HIDDEN_REF}</span> here'), (body, out)
        assert CAPA_TITLE not in out and not id_pattern(CAPA).search(out) and "blacklist" not in out, (body, out)
