"""Words a reader understands (issue 13, item 7) and the printed copy's parts (item 8), over the real demo
build (`bulletin build --today DEMO_TODAY`), read back with BeautifulSoup: why a CAPA is overdue, closed-late
and done-late marks, done dates, draft and superseded marks, role names, no emoji, the site_url warning,
the print header and the approval line instead of a blank signature line.

Expected values are worked out here from the records themselves (every CAPA, every action table, every
notice), not from a list of examples.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import sitecheck
from conftest import DEMO_TODAY, bulletin, copy_demo
from generator.validate import load_repository

TODAY = dt.date.fromisoformat(DEMO_TODAY)
# emoji and the symbol blocks Debian's fonts draw as empty boxes (⚠ ⛔ ▲ …), and the emoji selector
EMOJI = re.compile("[\u2600-\u26ff\u2b00-\u2bff\u25a0-\u25ff\ufe0f\U0001f000-\U0001faff]")


class Shown:
    """The records the all-staff build shows (restricted ones have no page there)."""

    def __init__(self, site: Path, records):
        self.all = records
        self.shown = [r for r in records if (site / page_rel(r) / "index.html").exists()]

    def __iter__(self):
        return iter(self.shown)

    def of_type(self, rtype: str):
        return [r for r in self.shown if r.type == rtype]

    def get(self, rid):
        return self.all.get(rid)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = sitecheck.demo_site(tmp_path_factory)
    return site, Shown(site, load_repository(site.parent / "repo").records)


def page_rel(r) -> str:
    return str(Path(r.path).relative_to("records").with_suffix(""))


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel / "index.html").read_text("utf-8"), "html.parser")


def page_of(site: Path, r) -> BeautifulSoup:
    return soup(site, page_rel(r))


def days(a, b) -> int:
    return (a - b).days


def test_an_overdue_capa_says_why(built):
    site, records = built
    seen = set()
    board = soup(site, "capa/board")
    for c in records.of_type("capa"):
        live = c.get("status") not in ("closed", "cancelled") and not c.withdrawn
        own = live and c.get("due") and c.get("due") < TODAY
        action = live and any(isinstance(a, dict) and (a.get("status") or "open") == "open" and a.get("due")
                              and a["due"] < TODAY for a in c.get("actions") or [])
        mark = page_of(site, c).select_one(".bl-card-head .bl-overdue-badge[data-late]")
        tile = board.select_one(f'li[data-id="{c.id}"] .bl-late[data-late]')
        if own:
            seen.add("own")
            assert mark["data-late"] == "own" and f"CAPA 期限 {c.get('due')}" in mark.text, c.id
            assert f"逾期 {days(TODAY, c.get('due'))} 天" in mark.text or "逾期" in mark.text, c.id
            assert tile is not None and tile["data-late"] == "own", c.id
        elif action:
            seen.add("action")
            # overdue as the contract says, and the mark says it is an action that is late
            assert mark is not None and mark["data-late"] == "action" and "行动项逾期" in mark.text, c.id
            assert "CAPA 期限" not in mark.text, c.id
            assert tile is not None and "行动项逾期" in tile.text, c.id
        else:
            assert mark is None, c.id
    assert seen == {"own", "action"}   # the demo has both kinds


def test_a_capa_closed_late_carries_a_mark(built):
    site, records = built
    late = 0
    for c in records.of_type("capa"):
        mark = page_of(site, c).select_one(".bl-closed-late")
        if c.get("status") == "closed" and c.get("due") and c.get("closed_on") > c.get("due"):
            late += 1
            n = days(c.get("closed_on"), c.get("due"))
            assert mark is not None and mark["data-closed-late"] == str(n) and "逾期关闭" in mark.text, c.id
        else:
            assert mark is None, c.id
    assert late >= 1


def test_action_tables_show_done_dates_and_late_marks(built):
    site, records = built
    done = late = 0
    for r in records:
        actions = [a for a in r.get("actions") or [] if isinstance(a, dict)]
        if not actions or not (isinstance(r.get("actions"), list)):
            continue
        page = page_of(site, r)
        head = [th.text for th in page.select("table.bl-actions thead th")]
        assert "完成日期" in head, r.id
        for n, a in enumerate(r.get("actions"), start=1):
            if not isinstance(a, dict):
                continue
            row = page.select_one(f"tr#A{n}")
            cell = row.select_one("td[data-done-on]")
            assert cell["data-done-on"] == str(a.get("done_on") or ""), (r.id, n)
            mark = cell.select_one(".bl-done-late")
            if a.get("done_on") and a.get("due") and a["done_on"] > a["due"]:
                late += 1
                assert mark is not None and f"晚 {days(a['done_on'], a['due'])} 天完成" in mark.text, (r.id, n)
            else:
                assert mark is None, (r.id, n)
            done += bool(a.get("done_on"))
    assert done and late


def test_the_home_page_marks_draft_minutes(built):
    site, records = built
    rows = soup(site, ".").select(".bl-latest li[data-id]")
    drafts = 0
    for li in rows:
        r = records.get(li["data-id"])
        has_mark = li.select_one(".bl-status-draft") is not None
        assert has_mark == (r.get("status") == "draft"), r.id
        drafts += has_mark
        if has_mark:
            assert "草稿" in li.text
    assert drafts >= 1


def test_a_superseded_notice_gets_a_banner_like_a_withdrawn_one(built):
    site, records = built
    superseded = 0
    for n in records.of_type("notice"):
        page = page_of(site, n)
        state = page.select_one(".bl-card-head .bl-badge.bl-notice-state-superseded")
        banner = page.select_one(".bl-banner")
        if n.withdrawn:
            assert banner is not None and "bl-withdrawn" in banner["class"], n.id
        elif state is not None:
            superseded += 1
            assert banner is not None and "bl-superseded" in banner["class"] and "本公告已被替代" in banner.text, n.id
            newer = banner.find("a")
            assert newer is not None and re.match(r"NTC-\d{4}-\d{3}", newer.text), n.id
        else:
            assert banner is None, n.id
    assert superseded >= 1


def test_roles_read_in_the_sites_language(built):
    site, _ = built
    people = soup(site, "people")
    roles = {e["data-role"]: e.text for e in people.select(".bl-role")}
    assert roles.get("management-rep") == "管理者代表" and roles.get("gm") == "总经理", roles
    text = people.select_one("article").get_text(" ")
    assert "management-rep" not in text and not re.search(r"\bgm\b", text)


def test_no_emoji_on_any_page(built):
    site, _ = built
    found = {}
    for f in site.rglob("*.html"):
        for ch in EMOJI.findall(f.read_text("utf-8")):
            found.setdefault(f"U+{ord(ch):04X}", str(f.relative_to(site)))
    assert found == {}
    css = (site / "assets" / "bulletin.css").read_text("utf-8")
    assert not EMOJI.search(css)
    assert ".bl-icon-alert" in css and "mask" in css   # Material's alert icon, drawn in CSS


def test_build_warns_when_feeds_would_carry_relative_links(tmp_path):
    repo = copy_demo(tmp_path / "repo")
    result = bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "警告" in result.stderr and "site_url" in result.stderr and "相对链接" in result.stderr
    site_yml = repo / "site_config" / "site.yml"
    site_yml.write_text(site_yml.read_text("utf-8") + "site_url: http://bulletin.example.internal/\n", "utf-8")
    result = bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=repo)
    assert result.returncode == 0 and "site_url" not in result.stderr, result.stderr
    site_yml.write_text(re.sub(r"(?m)^(language:).*$", r"\1 en", site_yml.read_text("utf-8"))
                        .replace("site_url: http://bulletin.example.internal/\n", ""), "utf-8")
    result = bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=repo)
    assert result.returncode == 0 and "warning: site_config/site.yml sets no site_url" in result.stderr


def test_printed_records_carry_company_document_number_and_approval(built):
    site, records = built
    company = "苏州恒锐汽车零部件有限公司"
    approved = drafts = numbered = 0
    for r in records:
        page = page_of(site, r)
        head = page.select_one(".bl-print-head")
        assert head is not None and company in head.text and head.select_one(".bl-print-date") is not None, r.id
        # the print date is the reader's (filled in by the browser), never the build's
        assert head.select_one(".bl-print-date").text == ""
        assert "打印件为非受控文件" in page.select_one(".bl-print-foot").text
        doc = head.select_one(".bl-print-doc").text
        if r.get("doc_number"):
            numbered += 1
            assert r.get("doc_number") in doc and (not r.get("revision") or r.get("revision") in doc), r.id
        else:
            assert r.id in doc, r.id
        sign = page.select_one(".bl-print-sign")
        if r.get("approved_by") and r.get("approved_on"):
            approved += 1
            line = sign.select_one(".bl-print-approved")
            assert line is not None and str(r.get("approved_on")) in line.text, r.id
            assert sign.select_one(".bl-sign-line") is None, r.id
        elif r.get("status") == "draft":
            drafts += 1
            assert sign.select_one(".bl-sign-line") is not None, r.id
    assert approved and drafts and numbered


def test_no_page_repeats_a_heading(built):
    """A record body's own "## 纠正措施" and the actions table's section, a customer's name over its own
    survey table: a reader (and the TOC) never meets the same h1/h2 twice on one page."""
    site, _ = built
    repeated = {}
    for f in site.rglob("index.html"):
        article = BeautifulSoup(f.read_text("utf-8"), "html.parser").select_one("article")
        if article is None:
            continue
        texts = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in article.find_all(["h1", "h2"])]
        twice = sorted({t for t in texts if texts.count(t) > 1})
        if twice:
            repeated[str(f.relative_to(site).parent)] = twice
    assert repeated == {}
