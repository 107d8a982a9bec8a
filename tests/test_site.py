"""The demo company's site, built by the real `bulletin build` at a fixed `--today`, checked on the parsed
HTML against expectations read independently from the record files (never through generator.state).

Shared helpers (the demo builds, an independent front-matter reader, the external-load scan) live here and are
imported by the other test_site_*.py modules; each build is made once per test session.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import DEMO_TODAY, PROJECT, bulletin, copy_demo, git

TODAY = dt.date.fromisoformat(DEMO_TODAY)
AUDIENCES = ("all-staff", "management", "restricted")
FOLDER_TYPE = {"meetings": "meeting", "notices": "notice", "capa": "capa", "reports": "report",
               "complaints": "complaint", "nc": "nc", "surveys": "survey", "memos": "memo", "external": "contact"}
ID_FORM = re.compile(r"^(MTG|NTC|CAPA|RPT|CMP|NC|CSS|MEMO|EXT)-\d{4}-\d{3,}$")
HIDDEN_REF_TEXT = "一条受限记录"

# A trace of the hidden CAPA-2026-003 that the plain demo does not have: an attachment only it links to,
# and a commit that touches it together with a visible record, with a message naming it.
HIDDEN_ATTACHMENT = "capa/2026/attachments/claim-letter.pdf"
HIDDEN_COMMIT_MESSAGE = "CAPA-2026-003 【内部】华东汽车质量索赔金额确认及损失追偿：附索赔函；同步核对 CAPA-2026-002"


# --- an independent reading of the record files --------------------------------------------------------------

@dataclass
class Rec:
    path: str            # "records/capa/2026/CAPA-2026-001-x.md"
    type: str
    fm: dict
    body: str

    @property
    def id(self) -> str:
        return self.fm["id"]

    @property
    def title(self) -> str:
        return self.fm["title"]

    def get(self, key, default=None):
        return self.fm.get(key, default)

    @property
    def visibility(self) -> str:
        return self.fm.get("visibility") or "all-staff"

    @property
    def withdrawn(self) -> bool:
        return bool(self.fm.get("withdrawn"))

    @property
    def page(self) -> str:
        """The page's path in the output (use_directory_urls)."""
        return self.path[len("records/"):-len(".md")] + "/index.html"


def read_records(repo: Path) -> list[Rec]:
    out = []
    for p in sorted((repo / "records").rglob("*.md")):
        text = p.read_text("utf-8-sig").replace("\r\n", "\n")
        assert text.startswith("---\n"), p
        end = text.index("\n---", 3)
        fm = yaml.safe_load(text[4:end])
        body = text[end + 4:].lstrip("-").lstrip("\n")
        rel = p.relative_to(repo).as_posix()
        out.append(Rec(rel, FOLDER_TYPE[rel.split("/")[1]], fm, body))
    return out


def visible(rec: Rec, audience: str) -> bool:
    return AUDIENCES.index(rec.visibility) <= AUDIENCES.index(audience)


def shown(records: list[Rec], audience: str) -> list[Rec]:
    return [r for r in records if visible(r, audience)]


def of_type(records: list[Rec], rtype: str) -> list[Rec]:
    return [r for r in records if r.type == rtype]


# --- builds ----------------------------------------------------------------------------------------------------

@dataclass
class Build:
    repo: Path
    out: Path
    audience: str
    result: subprocess.CompletedProcess

    @functools.cached_property
    def records(self) -> list[Rec]:
        return read_records(self.repo)

    def soup(self, rel: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / rel).read_text("utf-8"), "html.parser")

    def article(self, rel: str):
        art = self.soup(rel).find("article")
        assert art is not None, rel
        return art


_BUILDS: dict[str, Build] = {}


def add_hidden_traces(repo: Path) -> None:
    """An attachment that only the hidden CAPA-2026-003 links to, and a commit naming it that also touches
    a visible record."""
    (repo / "records" / HIDDEN_ATTACHMENT).write_bytes(
        "%PDF-1.4\n% CAPA-2026-003 【内部】索赔函 claim letter\n%%EOF\n".encode("utf-8"))
    hidden = next((repo / "records/capa/2026").glob("CAPA-2026-003-*.md"))
    hidden.write_text(hidden.read_text("utf-8") + "\n附件：[索赔函](attachments/claim-letter.pdf)\n", "utf-8")
    seen = next((repo / "records/capa/2026").glob("CAPA-2026-002-*.md"))
    seen.write_text(seen.read_text("utf-8") + "\n", "utf-8")
    git("add", "-A", cwd=repo)
    git("commit", "-qm", HIDDEN_COMMIT_MESSAGE, cwd=repo)


def build_demo(tmp_path_factory, audience: str = "all-staff") -> Build:
    """The demo company (plus the hidden traces above) built once per session per audience."""
    if audience not in _BUILDS:
        base = tmp_path_factory.mktemp(f"demo-{audience}")
        repo = copy_demo(base / "repo")
        if (PROJECT / "docs/contributing.md").is_file():   # the contributor guide page, as `make site` has it
            (repo / "docs").mkdir()
            shutil.copy(PROJECT / "docs/contributing.md", repo / "docs/contributing.md")
        add_hidden_traces(repo)
        out = base / "site"
        args = ["build", "--out", str(out), "--today", DEMO_TODAY]
        if audience != "all-staff":          # the default audience is all-staff
            args += ["--audience", audience]
        result = bulletin(*args, cwd=repo)
        assert result.returncode == 0, result.stdout + result.stderr
        assert (out / "index.html").is_file()
        _BUILDS[audience] = Build(repo, out, audience, result)
    return _BUILDS[audience]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Build:
    return build_demo(tmp_path_factory)


@pytest.fixture(scope="module")
def records(site) -> list[Rec]:
    return site.records


# --- expectations, computed from the files -------------------------------------------------------------------

def _start(n: Rec) -> dt.date:
    return n.get("effective_from") or n.get("issued_on")


def notice_states(notices: list[Rec], today: dt.date) -> dict[str, str]:
    superseded = {n.get("supersedes") for n in notices
                  if n.get("supersedes") and not n.withdrawn and _start(n) <= today}
    states = {}
    for n in notices:
        if n.withdrawn:
            states[n.id] = "withdrawn"
        elif n.id in superseded:
            states[n.id] = "superseded"
        elif today < _start(n):
            states[n.id] = "scheduled"
        elif n.get("expires_on") and today > n.get("expires_on"):
            states[n.id] = "expired"
        else:
            states[n.id] = "active"
    return states


def expected_board(records: list[Rec], audience: str, today: dt.date = TODAY) -> list[str]:
    notices = of_type(shown(records, audience), "notice")
    states = notice_states(notices, today)
    active = [n for n in notices if states[n.id] == "active"]
    by_effective = sorted(active, key=lambda n: (not n.get("pinned"), -_start(n).toordinal()))
    by_issued = sorted(active, key=lambda n: (not n.get("pinned"), -n.get("issued_on").toordinal()))
    # "newest first" is the same order whether read by effective or by issue date in the demo
    assert [n.id for n in by_effective] == [n.id for n in by_issued]
    return [n.id for n in by_effective]


def live(records: list[Rec], audience: str) -> list[Rec]:
    """What counts: visible and not withdrawn."""
    return [r for r in shown(records, audience) if not r.withdrawn]


def open_actions(records: list[Rec], audience: str, today: dt.date = TODAY) -> dict[str, int]:
    """'<ID>#A<n>' -> days late (0 when not yet due) of every open action of live meetings, surveys, contacts
    (tracked like meetings', contract v2) and open CAPAs."""
    out = {}
    for r in live(records, audience):
        if r.type not in ("meeting", "capa", "survey", "contact") or r.get("status") in ("closed", "cancelled"):
            continue
        for n, a in enumerate(r.get("actions") or [], start=1):
            if (a.get("status") or "open") == "open":
                out[f"{r.id}#A{n}"] = max(0, (today - a["due"]).days)
    return out


def capa_days_late(c: Rec, today: dt.date = TODAY) -> int:
    if c.get("status") in ("closed", "cancelled") or c.withdrawn:
        return 0
    late = max(0, (today - c.get("due")).days)
    for a in c.get("actions") or []:
        if (a.get("status") or "open") == "open":
            late = max(late, (today - a["due"]).days)
    return late


def overdue_capas(records: list[Rec], audience: str) -> dict[str, int]:
    return {c.id: capa_days_late(c) for c in of_type(live(records, audience), "capa") if capa_days_late(c) > 0}


# --- page helpers --------------------------------------------------------------------------------------------

def first_int(text: str) -> int:
    return int(re.search(r"-?\d+", text).group(0))


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
LOAD_ATTRS = {  # tag -> attributes that make the browser fetch something
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",), "embed": ("src",),
    "source": ("src", "srcset"), "object": ("data",), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "input": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
    "link": ("href",),
}
# pages with none of these need no parsing
MAYBE_LOAD = re.compile(r"<(?:script|img|iframe|frame|embed|source|object|video|audio|track|input|image|use|link)\b"
                        r"[^<]*//|url\(\s*['\"]?\s*(?:https?:)?//|<style|@import", re.I)
NOT_A_LOAD = {"canonical", "alternate", "author", "license", "prev", "next", "search", "help", "bookmark"}


def external_loads(out: Path) -> list[str]:
    """Every reference in the output that would make a browser fetch from outside the site."""
    found = []
    for path in html_files(out):
        rel = path.relative_to(out).as_posix()
        text = path.read_text("utf-8")
        if not MAYBE_LOAD.search(text):
            continue
        soup = BeautifulSoup(text, "html.parser")
        for tag, attrs in LOAD_ATTRS.items():
            for el in soup.find_all(tag):
                if tag == "link" and set(el.get("rel") or []) <= NOT_A_LOAD and el.get("rel"):
                    continue
                for attr in attrs:
                    value = el.get(attr)
                    if value and any(EXTERNAL.match(part.strip().split(" ")[0]) for part in value.split(",")):
                        found.append(f"{rel}: <{tag} {attr}={value!r}>")
        for el in soup.find_all(style=True):
            for m in CSS_URL.finditer(el["style"]):
                if EXTERNAL.match(m.group(1) or m.group(2)):
                    found.append(f"{rel}: style={el['style']!r}")
        for el in soup.find_all("style"):
            for m in CSS_URL.finditer(el.get_text()):
                if EXTERNAL.match(m.group(1) or m.group(2)):
                    found.append(f"{rel}: <style> {m.group(0)!r}")
    for path in sorted(out.rglob("*.css")):
        for m in CSS_URL.finditer(path.read_text("utf-8", errors="replace")):
            if EXTERNAL.match(m.group(1) or m.group(2)):
                found.append(f"{path.relative_to(out).as_posix()}: {m.group(0)!r}")
    return found


# --- the bulletin board -------------------------------------------------------------------------------------

BOARD_ALL_STAFF = ["NTC-2026-001", "NTC-2026-014", "NTC-2026-015", "NTC-2026-010", "NTC-2026-013", "NTC-2026-012",
                   "NTC-2026-009", "NTC-2026-005", "NTC-2026-003", "NTC-2026-002", "NTC-2025-002"]


def board_ids(build: Build) -> list[str]:
    items = build.article("index.html").select("ol.bl-notice-list > li")
    return [li.get("data-id") for li in items]


def test_board_shows_exactly_the_active_notices_in_order(site, records):
    assert expected_board(records, "all-staff") == BOARD_ALL_STAFF      # the demo's author and the files agree
    assert board_ids(site) == BOARD_ALL_STAFF
    items = site.article("index.html").select("ol.bl-notice-list > li")
    pinned = [li["data-id"] for li in items if "bl-pinned" in (li.get("class") or [])]
    assert pinned == ["NTC-2026-001"]
    for li in items:  # each entry links to its page and names its department and dates
        n = next(r for r in records if r.id == li["data-id"])
        text = li.get_text(" ", strip=True)
        assert n.title in text
        assert li.find("a", href=re.compile(re.escape(n.page[:-len("index.html")]) + "$")), n.id
        assert str(_start(n)) in text
        if n.get("expires_on"):
            assert str(n.get("expires_on")) in text
    depts = {li["data-id"]: li.select_one(".bl-notice-meta a").get_text() for li in items}
    assert depts["NTC-2026-009"] == "人事行政部" and depts["NTC-2026-010"] == "品管部"


@pytest.mark.parametrize("audience,extra", [("management", []), ("restricted", ["NTC-2026-004"])])
def test_board_of_other_audiences(tmp_path_factory, audience, extra):
    build = build_demo(tmp_path_factory, audience)
    expected = expected_board(build.records, audience)
    assert sorted(expected) == sorted(BOARD_ALL_STAFF + extra)
    assert board_ids(build) == expected
    if extra:  # issued 2026-04-01: between NTC-2026-005 (05-25) and NTC-2026-003 (03-10)
        assert expected.index("NTC-2026-004") == expected.index("NTC-2026-005") + 1


def test_notice_archive_keeps_every_notice_with_its_state(site, records):
    data = json.loads((site.out / "notices/index.json").read_text("utf-8"))
    got = {row["id"]["text"]: row["state"]["value"] for row in data["rows"]}
    notices = of_type(shown(records, "all-staff"), "notice")
    assert got == notice_states(notices, TODAY)
    assert {k: v for k, v in got.items() if v != "active"} == {
        "NTC-2025-001": "superseded", "NTC-2025-003": "expired", "NTC-2025-004": "expired",
        "NTC-2025-005": "superseded", "NTC-2025-006": "superseded", "NTC-2026-008": "superseded",
        "NTC-2026-007": "expired", "NTC-2026-011": "scheduled", "NTC-2026-006": "withdrawn"}
    assert "NTC-2026-004" not in got
    for n in notices:  # the record page shows the same state
        card = site.article(n.page).select_one(".bl-card-head")
        assert card.select_one(f".bl-notice-state-{got[n.id]}"), n.id
    banner = site.article(next(n.page for n in notices if n.id == "NTC-2026-006")).select_one(".bl-withdrawn")
    assert banner is not None and "放假日期误写" in banner.get_text()


# --- CAPA board and action tracker ---------------------------------------------------------------------------

OVERDUE_CAPAS = {"CAPA-2025-008": 55, "CAPA-2026-004": 85, "CAPA-2026-005": 14, "CAPA-2026-006": 24,
                 "CAPA-2026-009": 4}
OVERDUE_ACTIONS = {"MTG-2025-008#A4": 147, "MTG-2026-002#A2": 193, "MTG-2026-004#A1": 24,
                   "CAPA-2025-008#A3": 55, "CAPA-2026-004#A3": 85, "CAPA-2026-005#A1": 14,
                   "CSS-2026-008#A2": 9, "EXT-2026-011#A1": 25}


def test_capa_board_marks_exactly_the_overdue_capas(site, records):
    assert overdue_capas(records, "all-staff") == OVERDUE_CAPAS          # hand-counted days agree
    assert (TODAY - dt.date(2026, 9, 30)).days == 55 and (TODAY - dt.date(2026, 11, 10)).days == 14
    art = site.article("capa/board/index.html")
    cards = art.select("li.bl-card-mini")
    overdue = {li["data-id"]: int(li["data-days-late"]) for li in cards if "bl-overdue" in li.get("class", [])}
    assert overdue == OVERDUE_CAPAS
    assert all(li.get("data-days-late") is None for li in cards if li["data-id"] not in OVERDUE_CAPAS)
    for li in cards:
        if li["data-id"] in OVERDUE_CAPAS:
            assert f"逾期 {OVERDUE_CAPAS[li['data-id']]} 天" in li.get_text()
    # every CAPA that is still open is on the board, in the column of its status
    capas = {c.id: c for c in of_type(live(records, "all-staff"), "capa")}
    columns = {li["data-id"]: li.find_parent("section")["data-status"] for li in cards}
    assert "CAPA-2026-003" not in columns
    for cid, c in capas.items():
        if c.get("status") != "cancelled":
            assert columns.get(cid) == c.get("status"), cid
    for section in art.select("section.bl-column"):
        assert first_int(section.select_one(".bl-colcount").get_text()) == len(section.select("li.bl-card-mini"))


def test_capa_pages_show_days_late(site, records):
    for c in of_type(live(records, "all-staff"), "capa"):
        head = site.article(c.page).select_one(".bl-card-head")
        badge = head.select_one(".bl-overdue-badge")
        if c.id in OVERDUE_CAPAS:
            assert badge is not None and f"逾期 {OVERDUE_CAPAS[c.id]} 天" in badge.get_text(), c.id
        else:
            assert badge is None, c.id
    rows = site.article(next(c.page for c in records if c.id == "CAPA-2026-005")).select("table.bl-actions tbody tr")
    assert ["bl-overdue" in (tr.get("class") or []) for tr in rows] == [True, False]


def test_action_tracker_marks_exactly_the_overdue_items(site, records):
    expected = open_actions(records, "all-staff")
    assert {k: v for k, v in expected.items() if v} == OVERDUE_ACTIONS
    rows = site.article("actions/index.html").select("table.bl-actions tbody tr")
    got = {tr["data-ref"]: tr for tr in rows}
    assert set(got) == set(expected)                         # every open item, nothing else
    assert len(rows) == len(got)
    overdue = {ref: int(tr["data-days-late"]) for ref, tr in got.items() if "bl-overdue" in (tr.get("class") or [])}
    assert overdue == OVERDUE_ACTIONS
    assert all(tr.get("data-days-late") is None for ref, tr in got.items() if ref not in OVERDUE_ACTIONS)
    flags = [tr["data-ref"] in OVERDUE_ACTIONS for tr in rows]
    assert flags == sorted(flags, reverse=True), "overdue items come first"
    assert "逾期 147 天" in got["MTG-2025-008#A4"].get_text()
    assert "CAPA-2026-003#A2" not in got and "CAPA-2026-003#A3" not in got


# --- backlinks ---------------------------------------------------------------------------------------------

def references(r: Rec) -> set[str]:
    """IDs a record refers to: related, supersedes, source_ref (when it has the form of an ID), capa (of a
    complaint or an NC), action capa."""
    out = set(r.get("related") or [])
    for key in ("supersedes", "source_ref", "capa"):
        if isinstance(r.get(key), str) and ID_FORM.match(r.get(key)):
            out.add(r.get(key))
    out |= {a["capa"] for a in r.get("actions") or [] if a.get("capa")}
    return out - {r.id}


def expected_backlinks(records: list[Rec], audience: str) -> dict[str, set[str]]:
    seen = shown(records, audience)
    return {t.id: {r.id for r in seen if t.id in references(r)} for t in seen}


def backlinks_on(build: Build, rec: Rec) -> tuple[list[str], int]:
    art = build.article(rec.page)
    h2 = art.find("h2", id="backlinks")
    assert h2 is not None and h2.get_text(strip=True).startswith("引用本记录的记录"), rec.id
    section = []
    for el in h2.find_next_siblings():
        if el.name == "h2":
            break
        section.append(el)
    ids, hidden = [], 0
    for el in section:
        for li in el.find_all("li"):
            a = li.find("a")
            if a is not None:
                ids.append(a.get_text(" ", strip=True).split()[0])
            if HIDDEN_REF_TEXT in li.get_text():
                hidden += 1
    return ids, hidden


def test_backlinks_hand_picked(site, records):
    by_id = {r.id: r for r in records}
    assert set(backlinks_on(site, by_id["CAPA-2025-006"])[0]) == {"MTG-2025-007", "CAPA-2025-007",
                                                                "CMP-2025-001", "NTC-2025-006"}  # + complaint's capa
    assert set(backlinks_on(site, by_id["MTG-2025-008"])[0]) == {"CAPA-2025-009", "MTG-2026-001", "MTG-2026-004",
                                                                "MTG-2026-011", "NTC-2026-001"}
    assert set(backlinks_on(site, by_id["NTC-2025-001"])[0]) == {"NTC-2026-001"}          # supersedes
    assert set(backlinks_on(site, by_id["CAPA-2026-006"])[0]) == {"MTG-2026-004", "MTG-2026-011"}  # related + action capa
    assert set(backlinks_on(site, by_id["CAPA-2026-002"])[0]) == {"CMP-2026-002", "CAPA-2026-012",
                                                                "MEMO-2026-003"}           # not the hidden 003


def test_backlinks_of_every_record_page(site, records):
    expected = expected_backlinks(records, "all-staff")
    wrong = {}
    for r in shown(records, "all-staff"):
        ids, _ = backlinks_on(site, r)
        if set(ids) != expected[r.id] or "CAPA-2026-003" in ids:
            wrong[r.id] = (sorted(set(ids)), sorted(expected[r.id]))
    assert not wrong


def test_reference_to_a_hidden_record_shows_only_that_it_exists(site, records):
    page = next(r for r in records if r.id == "CAPA-2026-002").page
    art = site.article(page)
    related = art.select_one('.bl-field[data-field="related"] dd')
    assert related is not None
    assert HIDDEN_REF_TEXT in related.get_text()
    assert related.find("a") is None
    hidden = next(r for r in records if r.id == "CAPA-2026-003")
    text = ""
    for el in art.children:   # everything above the Git history (commit messages: see test_site_audience)
        if getattr(el, "name", None) == "h2" and el.get("id") == "history":
            break
        text += str(el)
    assert "CAPA-2026-003" not in text and hidden.title not in text and "hd-claim" not in text


def test_management_sees_the_backlink_and_the_reference(tmp_path_factory):
    build = build_demo(tmp_path_factory, "management")
    by_id = {r.id: r for r in build.records}
    assert set(backlinks_on(build, by_id["CAPA-2026-002"])[0]) == {"CAPA-2026-003", "CMP-2026-002", "CAPA-2026-012",
                                                                 "MEMO-2026-003"}
    related = build.article(by_id["CAPA-2026-002"].page).select_one('.bl-field[data-field="related"] dd')
    assert "CAPA-2026-003" in related.get_text() and HIDDEN_REF_TEXT not in related.get_text()
    expected = expected_backlinks(build.records, "management")
    for r in shown(build.records, "management"):
        assert set(backlinks_on(build, r)[0]) == expected[r.id], r.id


# --- report completeness ---------------------------------------------------------------------------------------

def _period_end(period: str) -> dt.date:
    year = int(period[:4])
    if "-Q" in period:
        month = int(period[-1]) * 3
    elif len(period) == 7:
        month = int(period[5:])
    else:
        month = 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _next(period: str) -> str:
    year = int(period[:4])
    if "-Q" in period:
        q = int(period[-1])
        return f"{year + q // 4}-Q{q % 4 + 1}"
    if len(period) == 7:
        m = int(period[5:])
        return f"{year + m // 12}-{m % 12 + 1:02d}"
    return str(year + 1)


def expected_matrix(repo: Path, records: list[Rec], audience: str) -> dict[tuple, str]:
    schedule = yaml.safe_load((repo / "site_config/schedule.yml").read_text("utf-8"))
    filed = {(r.get("department"), r.get("kind"), str(r.get("period"))): r
             for r in live(records, audience) if r.type == "report"}
    out = {}
    for entry in schedule:
        if entry.get("record", "report") != "report":   # a meeting owed, not a report
            continue
        period = str(entry["start"])
        while _period_end(period) < TODAY:
            due = _period_end(period) + dt.timedelta(days=entry["due_days"])
            report = filed.get((entry["department"], entry["kind"], period))
            if report:
                state = "on-time" if report.get("submitted_on") <= due else "late"
            else:
                state = "missing" if TODAY > due else "pending"
            out[(entry["department"], entry["kind"], period)] = state
            period = _next(period)
    return out


def test_report_matrix(site, records):
    expected = expected_matrix(site.repo, records, "all-staff")
    odd = {k: v for k, v in expected.items() if v != "on-time"}
    assert odd == {("QA", "monthly", "2025-08"): "missing", ("PRD", "monthly", "2026-02"): "missing",
                   ("PRD", "monthly", "2026-10"): "missing", ("QA", "monthly", "2025-03"): "late",
                   ("PRD", "monthly", "2025-07"): "late", ("PRD", "monthly", "2026-05"): "late",
                   ("QA", "quarterly", "2025-Q4"): "late"}
    got = {}
    for table in site.article("reports/matrix/index.html").select("table.bl-matrix:not(.bl-meeting-matrix)"):
        for tr in table.select("tbody tr"):
            dept = tr.th.find("a")["href"].rstrip("/").rsplit("/", 1)[-1]
            for td in tr.select("td[data-period]"):
                if td.get("data-state"):
                    key = (dept, table["data-kind"], td["data-period"])
                    assert key not in got, key
                    got[key] = td["data-state"]
    assert got == expected
    cell = site.article("reports/matrix/index.html").select_one('table[data-kind="monthly"] td[data-period="2025-03"]'
                                                               '[data-state="late"] a')
    assert cell is not None and "RPT-2025-007" in cell["href"]


# --- KPIs ----------------------------------------------------------------------------------------------------------

def _month(d: dt.date) -> str:
    return f"{d.year}-{d.month:02d}"


def _month_end(label: str) -> dt.date:
    y, m = int(label[:4]), int(label[5:])
    return min(dt.date(y, m, calendar.monthrange(y, m)[1]), TODAY)


def overdue_on(c: Rec, day: dt.date) -> bool:
    """The contract's 'overdue' judged at the end of `day`: open and past due, or an open action past its due."""
    if c.get("opened_on") > day:
        return False
    if c.get("status") == "closed" and c.get("closed_on") <= day:
        return False
    if c.get("due") < day:
        return True
    for a in c.get("actions") or []:
        status = a.get("status") or "open"
        if status == "cancelled":
            continue
        done = a.get("done_on") if status == "done" else None
        if a["due"] < day and (done is None or done > day):
            return True
    return False


def expected_kpis(records: list[Rec], audience: str, months: list[str]) -> tuple[dict, dict]:
    recs = live(records, audience)
    capas = [c for c in of_type(recs, "capa") if c.get("status") != "cancelled"]
    closed = [c for c in capas if c.get("status") == "closed"]
    rows = {}
    for m in months:
        closed_m = [c for c in closed if _month(c.get("closed_on")) == m]
        timely = [c for c in closed_m if c.get("closed_on") <= c.get("due")]
        days = [(c.get("closed_on") - c.get("opened_on")).days for c in closed_m]
        rows[m] = {
            "opened": sum(1 for c in capas if _month(c.get("opened_on")) == m),
            "closed": len(closed_m),
            "on_time": 100 * len(timely) / len(closed_m) if closed_m else None,
            "mean_days": sum(days) / len(days) if days else None,
            "overdue": sum(1 for c in capas if overdue_on(c, _month_end(m))),
            "notices": sum(1 for n in of_type(recs, "notice") if _month(n.get("issued_on")) == m),
            "meetings": sum(1 for n in of_type(recs, "meeting") if _month(n.get("date")) == m),
        }
    timely = [c for c in closed if c.get("closed_on") <= c.get("due")]
    tiles = {
        "open": sum(1 for c in capas if c.get("status") != "closed"),
        "overdue": sum(1 for c in capas if capa_days_late(c) > 0),
        "closed": len(closed),
        "on-time-rate": 100 * len(timely) / len(closed),
        "mean-days": sum((c.get("closed_on") - c.get("opened_on")).days for c in closed) / len(closed),
        "extended": sum(1 for c in capas if c.get("due_extensions")),
    }
    return tiles, rows


def _number(text: str):
    text = text.strip().rstrip("%").strip()
    return None if text in ("", "–", "-") else float(text)


def _tile(li):
    """A tile's figure: the first number in its text ('62.5%', '9 进行中'), None for '–'."""
    m = re.match(r"\s*(–|-?\d+(?:\.\d+)?)", li.get_text(" ", strip=True))
    assert m, li
    return None if m.group(1) == "–" else float(m.group(1))


def _close(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 0.051)


@pytest.mark.parametrize("audience", ["all-staff", "management"])
def test_kpi_figures(tmp_path_factory, audience):
    build = build_demo(tmp_path_factory, audience)
    art = build.article("kpi/index.html")
    rows = art.select("table.bl-kpi-table tbody tr[data-month]")
    months = [tr["data-month"] for tr in rows]
    assert months[-1] == _month(TODAY)
    first_capa = min(c.get("opened_on") for c in of_type(build.records, "capa"))
    assert months[0] <= _month(first_capa), "the table covers every month with CAPA activity"
    tiles, expected = expected_kpis(build.records, audience, months)
    if audience == "all-staff":   # by hand: 10 closed, 7 of them by their due date; 739 + 72 + 326 days over 10
        assert tiles == {"open": 9, "overdue": 5, "closed": 10, "on-time-rate": 70.0, "mean-days": 113.7,
                         "extended": 4}
    else:                         # CAPA-2026-003 (implementing, not overdue) counts for management
        assert tiles["open"] == 10 and tiles["overdue"] == 5
    got_tiles = {li["data-kpi"]: _tile(li) for li in art.select("[data-kpi]")}
    assert set(got_tiles) >= set(tiles)
    assert {k: v for k, v in got_tiles.items() if k in tiles and not _close(v, tiles[k])} == {}
    names = ["opened", "closed", "on_time", "mean_days", "overdue", "notices", "meetings"]
    wrong = {}
    for tr in rows:
        cells = [_number(td.get_text()) for td in tr.find_all("td")]
        got = dict(zip(names, cells))
        want = expected[tr["data-month"]]
        bad = {k: {"site": got[k], "records": want[k]} for k in names if not _close(got[k], want[k])}
        if bad:
            wrong[tr["data-month"]] = bad
    assert wrong == {}
    # the board's summary tiles agree with the KPI page
    board = {li["data-kpi"]: _tile(li) for li in build.article("index.html").select("[data-kpi]")}
    assert board["open"] == tiles["open"] and board["overdue"] == tiles["overdue"]
    closed_now = [c for c in of_type(live(build.records, audience), "capa")
                  if c.get("status") == "closed" and _month(c.get("closed_on")) == _month(TODAY)]
    assert board["closed-this-month"] == len(closed_now)


def test_cancelled_and_withdrawn_count_nowhere(site, records):
    rows = {tr["data-month"]: [td.get_text() for td in tr.find_all("td")]
            for tr in site.article("kpi/index.html").select("table.bl-kpi-table tbody tr[data-month]")}
    assert rows["2025-09"][0] == "1"      # CAPA-2025-006 opened; the cancelled CAPA-2025-007 does not count
    assert rows["2026-06"][5] == "1"      # NTC-2026-007 issued; the withdrawn NTC-2026-006 does not count
    assert rows["2026-04"][5] == "0"      # the restricted NTC-2026-004 does not count for all staff
    assert rows["2025-08"][6] == "0"      # nor the management meeting MTG-2025-006
    late = {li["data-id"] for li in site.article("capa/board/index.html").select("li.bl-card-mini.bl-overdue")}
    assert "CAPA-2025-007" not in late    # cancelled, though its due date (2025-10-31) has passed
    assert "NTC-2026-006" not in board_ids(site)


# --- air-gapped ---------------------------------------------------------------------------------------------

def test_no_external_resource_is_loaded(site):
    assert len(html_files(site.out)) > 100
    assert list(site.out.rglob("*.css")), "the scan saw the stylesheets"
    assert external_loads(site.out) == []
    for path in list(html_files(site.out)) + list(site.out.rglob("*.css")):
        text = path.read_text("utf-8", errors="replace")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, path


# --- Chinese search -------------------------------------------------------------------------------------------

INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
          "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}


def visible_text(article) -> str:
    """The text of an element (an article, a whole page) as a reader sees it: without scripts, styles and the ¶
    of heading links; the text of inline elements runs on (首<b>件</b> is one word), other elements (cells,
    paragraphs, items) end a word. The element is changed: pass a fresh parse."""
    for el in article.find_all(["script", "style", "template", "noscript", "svg"]):
        el.decompose()
    for el in article.select("a.headerlink"):
        el.decompose()
    for el in article.find_all(True):
        if el.name not in INLINE:
            el.insert_before(" ")
            el.append(" ")
    return " ".join(article.get_text("").split())


def searched(article):
    """The article without what search leaves out by design (data-search-exclude: history, backlinks, a
    management review's pack of other records)."""
    for el in article.select("[data-search-exclude]"):
        el.decompose()
    return article


def test_search_index_holds_chinese_words(site, records):
    """Chinese has no spaces between words: a two-character word typed into the search box finds every page
    whose text holds it, and no other; a longer phrase finds every page that holds the phrase."""
    from generator.search import Index

    index = Index(site.out / "search")
    # what search covers: the home page, every record this audience sees and the guide (the generated lists of
    # records are left out on purpose; tests/sitecheck.py checks that the index has every page it should)
    pages = ["index.html", *(r.page for r in shown(records, "all-staff"))]
    if (site.out / "guide/index.html").is_file():
        pages.append("guide/index.html")
    texts = {rel[:-len("index.html")]: visible_text(searched(site.article(rel))) for rel in pages}
    notice = next(r for r in records if r.id == "NTC-2026-005")
    assert "首件检验" in notice.title
    for word in ("首件", "客诉", "防错"):
        found = {hit.url for hit in index.search(word, limit=10_000)}
        holding = {url for url, text in texts.items() if word in text}
        assert holding and found == holding, (word, sorted(found - holding), sorted(holding - found))
    # a phrase: all its words, and the phrase itself where the index holds the page's whole text
    hits = index.search("首件检验", limit=10_000)
    holding = {url for url, text in texts.items() if "首件检验" in text}
    assert notice.page[:-len("index.html")] in holding
    assert holding <= {hit.url for hit in hits}
    for hit in hits:
        if hit.url not in holding:
            assert not index.meta(hit.doc)[3], f"{hit.url} does not hold 首件检验 and its whole text is indexed"


# --- language ---------------------------------------------------------------------------------------------

def test_default_language_is_chinese(site):
    soup = site.soup("index.html")
    assert soup.html["lang"] == "zh"
    assert soup.find("article").h1.get_text(strip=True).rstrip("¶") == "公告栏"
    assert soup.find("input", class_="md-search__input")["placeholder"] == "搜索"
    record = site.soup("capa/board/index.html")
    assert record.html["lang"] == "zh"
