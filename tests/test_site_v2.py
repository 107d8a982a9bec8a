"""The site of the communication procedure (issue 12): complaint and NC boards, survey trends, memos,
the external-contact log, customer files, quality objectives, meetings owed, receipts, KPIs, exports,
feeds and audiences, built by the real `bulletin build` from a fixture repository (the v2-valid case
plus records written here) and read back with BeautifulSoup.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import build_site, git, write_files
from test_cases import CASES, build_case

TODAY = "2026-11-24"
SECRET = "机密索赔投诉甲乙丙"

# records written over the v2-valid case: every state the boards show
EXTRA = {
    # received, response due 2026-11-10: 14 days overdue on 2026-11-24
    "records/complaints/2026/CMP-2026-004-overdue.md": """---
id: CMP-2026-004
title: 漏装垫片
department: QA
customer: hdauto
received_on: 2026-11-01
received_by: chenjing
channel: email
severity: major
response_due: 2026-11-10
status: received
---
尚未回复。
""",
    # responded in 10 days, on time; its CAPA is CAPA-2026-002 (analysis)
    "records/complaints/2026/CMP-2026-005-responded.md": """---
id: CMP-2026-005
title: 尺寸超差
department: QA
customer: 华东汽车
received_on: 2026-10-10
received_by: zhangwei
channel: portal
severity: major
response_due: 2026-10-25
status: responded
capa: CAPA-2026-002
response: {on: 2026-10-20, by: zhangwei, summary: 已提交 8D D3}
---
已回复。
""",
    # restricted: the all-staff site must show no trace of it
    "records/complaints/2026/CMP-2026-006-secret.md": f"""---
id: CMP-2026-006
title: {SECRET}
department: QA
customer: hdauto
received_on: 2026-11-02
received_by: zhangwei
channel: letter
severity: critical
response_due: 2026-11-30
status: investigating
capa: CAPA-2026-003
visibility: restricted
---
索赔金额保密。
""",
    # open, reply due 2026-11-01: overdue; QA asks ENG
    "records/memos/2026/MEMO-2026-003-overdue.md": """---
id: MEMO-2026-003
title: 请确认图纸版本
department: QA
from: zhangwei
to: [ENG]
sent_on: 2026-10-20
reply_due: 2026-11-01
status: open
---
请回复。
""",
    # an earlier period for the trend of 华东汽车 (no overall: the mean of the scores, 3.5)
    "records/surveys/2025/CSS-2025-001-hdauto.md": """---
id: CSS-2025-001
title: 华东汽车 2025 年满意度
department: QA
customer: hdauto
period: "2025"
received_on: 2025-12-10
scores: {quality: 3, delivery: 4}
collected_by: chenjing
---
2025 年度调查。
""",
    # ppm 61 (target ≤ 50: missed), otd 99 (target ≥ 98.5: met)
    "records/reports/2026/RPT-2026-004-qa-2026-09.md": """---
id: RPT-2026-004
title: 品管部 9 月报告
department: QA
kind: monthly
period: 2026-09
submitted_on: 2026-10-03
author: zhangwei
metrics: {ppm: 61, otd: 99}
---
PPM 61。
""",
}


def make_repo(dest: Path) -> Path:
    """The v2-valid case plus EXTRA, as a Git repository: the fixture of these tests and the browser's."""
    root = build_case(CASES / "v2-valid", dest)
    write_files(root, EXTRA)
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-qm", "v2 fixture", cwd=root)
    return root


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make_repo(tmp_path_factory.mktemp("v2") / "repo")


def _build(repo: Path, out: str, *args: str) -> Path:
    return build_site(repo, out, TODAY, *args)


@pytest.fixture(scope="module")
def site(repo) -> Path:
    return _build(repo, "site")


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if not url.endswith(".html") else site / url
    return BeautifulSoup(path.read_text("utf-8"), "html.parser").select_one("article") or BeautifulSoup("", "html.parser")


def ids(nodes) -> list[str]:
    return [n["data-id"] for n in nodes]


# --- complaints ------------------------------------------------------------------------------------------------

def test_complaint_board_columns_overdue_and_days_to_respond(site):
    art = page(site, "complaints/board")
    cols = {s["data-status"]: s for s in art.select("section.bl-column")}
    assert list(cols) == ["received", "investigating", "responded"]
    assert ids(cols["received"].select("li.bl-card-mini")) == ["CMP-2026-004"]
    assert ids(cols["investigating"].select("li.bl-card-mini")) == ["CMP-2026-002"]
    assert ids(cols["responded"].select("li.bl-card-mini")) == ["CMP-2026-005"]
    assert [c.select_one(".bl-colcount").get_text() for c in cols.values()] == ["1", "1", "1"]
    late = art.select("li.bl-card-mini.bl-overdue")
    assert ids(late) == ["CMP-2026-004"] and late[0]["data-days-late"] == "14"
    assert "逾期 14 天" in late[0].get_text()
    assert cols["responded"].select_one("li")["data-days-to-respond"] == "10"
    assert cols["responded"].select_one("[data-capa]")["data-capa"] == "CAPA-2026-002"
    assert "分析中" in cols["responded"].select_one("[data-capa]").get_text()     # the CAPA's status
    tiles = {li["data-kpi"]: li.select_one(".bl-tile-num").get_text() for li in art.select("[data-kpi]")}
    # CMP-2026-001 answered in 9 days, CMP-2026-005 in 10
    assert tiles == {"complaints-open": "3", "complaints-overdue": "1", "mean-days-to-respond": "9.5"}
    done = art.select_one("details.bl-done")
    assert ids(done.select("li")) == ["CMP-2026-003", "CMP-2026-001"]


def test_complaint_and_nc_link_their_capa_and_the_capa_links_back(site):
    complaint = page(site, "complaints/2026/CMP-2026-001-burr")
    assert complaint.select_one('[data-field="capa"] a')["href"].endswith("capa/2026/CAPA-2026-001-caliper-burr/")
    nc = page(site, "nc/2026/NC-2026-001-calibration")
    assert nc.select_one('[data-field="capa"] a').get_text().startswith("CAPA-2026-001")
    capa = page(site, "capa/2026/CAPA-2026-001-caliper-burr")
    back = {a.get_text().split()[0] for a in capa.select("ul.bl-backlinks a")}
    assert {"CMP-2026-001", "NC-2026-001"} <= back


def test_complaint_page_marks_overdue_and_links_the_customer(site):
    art = page(site, "complaints/2026/CMP-2026-004-overdue")
    assert "逾期 14 天" in art.select_one(".bl-overdue-badge").get_text()
    assert art.select_one('[data-field="customer"] a')["href"].endswith("customers/hdauto/")
    responded = page(site, "complaints/2026/CMP-2026-005-responded")
    assert responded.select_one("[data-days-to-respond]")["data-days-to-respond"] == "10"


# --- NCs ----------------------------------------------------------------------------------------------------------

def test_nc_board_per_audit_by_grade_department_and_status(site):
    art = page(site, "nc/board")
    audits = {(s["data-audit"], s["data-ref"]): s for s in art.select("section.bl-audit")}
    assert set(audits) == {("internal", "IA-2026-01"), ("external", "2026")}
    internal = audits[("internal", "IA-2026-01")]
    row = internal.select_one('table.bl-nc-grid tr[data-department="QA"]')
    assert {td["data-grade"]: td["data-count"] for td in row.select("td[data-grade]")} == \
        {"major": "0", "minor": "1", "observation": "0"}
    cols = {c["data-status"]: ids(c.select("li")) for c in internal.select(".bl-column")}
    assert cols == {"open": [], "acknowledged": [], "closed": ["NC-2026-001"]}
    assert "已关闭" in internal.select_one("[data-capa]").get_text()   # CAPA-2026-001 is closed
    external = audits[("external", "2026")]
    assert {c["data-status"]: ids(c.select("li")) for c in external.select(".bl-column")}["acknowledged"] == \
        ["NC-2026-002"]


# --- surveys ------------------------------------------------------------------------------------------------------

def test_survey_trend_per_customer_and_period(site):
    art = page(site, "surveys/trend")
    trends = {s["data-customer"]: s for s in art.select("section.bl-trend")}
    assert set(trends) == {"hdauto", "nbparts"}
    rows = trends["hdauto"].select("tbody tr")
    assert [tr["data-period"] for tr in rows] == ["2025", "2026-H1", "2026"]
    cells = {tr["data-period"]: {td["data-criterion"]: td.get_text() for td in tr.select("td")} for tr in rows}
    assert cells["2025"] == {"quality": "3", "delivery": "4", "service": "", "price": "", "overall": "3.5"}
    assert cells["2026"]["overall"] == "4"                                   # given
    assert cells["2026-H1"]["overall"] == "3.75"                             # mean of 4.5 and 3
    assert trends["hdauto"].select_one("figure.bl-chart svg") is not None
    assert page(site, "surveys/2025/CSS-2025-001-hdauto").select_one('[data-field="overall"] dd').get_text() == "3.5"


# --- memos --------------------------------------------------------------------------------------------------------

def test_memo_board_and_department_pages_list_memos_to_answer_and_sent(site):
    art = page(site, "memos/board")
    eng = art.select_one('section[data-department="ENG"]')
    late = eng.select('[data-list="to-answer"] li')
    assert ids(late) == ["MEMO-2026-003"] and "bl-overdue" in late[0]["class"]
    qa = art.select_one('section[data-department="QA"]')
    assert ids(qa.select('[data-list="to-answer"] li')) == ["MEMO-2026-002"]
    assert ids(qa.select('[data-list="sent"] li')) == ["MEMO-2026-003"]     # MEMO-2026-001 is closed
    dept = page(site, "departments/ENG")
    assert ids(dept.select('[data-list="to-answer"] li')) == ["MEMO-2026-003"]
    assert "逾期 23 天" in dept.select_one('[data-list="to-answer"] li').get_text()


# --- external contacts --------------------------------------------------------------------------------------------

def test_contact_log_by_party_kind_and_party(site):
    art = page(site, "external/log")
    kinds = {s["data-party-kind"]: s for s in art.select("section.bl-party-kind")}
    assert set(kinds) == {"customer", "certification-body"}
    assert [h["data-party"] for h in kinds["customer"].select("h3")] == ["hdauto"]
    assert ids(kinds["customer"].select("tr[data-id]")) == ["EXT-2026-002"]
    assert ids(kinds["certification-body"].select("tr[data-id]")) == ["EXT-2026-001"]


# --- customers ----------------------------------------------------------------------------------------------------

def test_customer_page_gathers_complaints_capas_surveys_contacts_and_response_times(site):
    art = page(site, "customers/hdauto")
    assert ids(art.select("table.bl-customer-complaints tr[data-id]")) == ["CMP-2026-005", "CMP-2026-004",
                                                                          "CMP-2026-001"]
    assert ids(art.select("table.bl-customer-complaints tr.bl-overdue")) == ["CMP-2026-004"]
    assert ids(art.select("#capa ~ ul.bl-record-list li"))[:1] == ["CAPA-2026-001"]   # customer: 华东汽车
    assert [tr["data-period"] for tr in art.select("table.bl-survey-trend tbody tr")] == ["2025", "2026-H1", "2026"]
    assert ids(art.select("table.bl-contacts tr[data-id]")) == ["EXT-2026-002"]
    tiles = {li["data-kpi"]: li.select_one(".bl-tile-num").get_text() for li in art.select("[data-kpi]")}
    assert tiles == {"complaints": "3", "complaints-overdue": "1", "mean-days-to-respond": "9.5",
                     "responded-on-time": "2 / 2"}
    index = page(site, "customers")
    assert {a["href"].rstrip("/").split("/")[-1] for a in index.select("ul.bl-directory a")} == {"hdauto", "nbparts"}


# --- objectives ---------------------------------------------------------------------------------------------------

def test_objective_pages_show_values_against_target(site):
    ppm = page(site, "objectives/ppm")
    assert {tr["data-period"]: tr["data-state"] for tr in ppm.select("tr[data-period]")} == \
        {"2026-09": "missed", "2026-10": "met"}
    assert ppm.select_one("figure.bl-chart svg") is not None
    otd = page(site, "objectives/otd")
    assert {tr["data-period"]: tr["data-state"] for tr in otd.select("tr[data-period]")} == \
        {"2026-09": "met", "2026-10": "missed"}
    summary = {tr["data-objective"]: tr.get("data-state") for tr in page(site, "kpi").select("tr[data-objective]")}
    assert summary == {"ppm": "met", "otd": "missed", "audit_score": "met"}
    dept = {tr["data-objective"] for tr in page(site, "departments/QA").select("tr[data-objective]")}
    assert dept == {"ppm", "otd", "audit_score"}
    assert page(site, "departments/PRD").select("tr[data-objective]") == []


# --- meetings owed ------------------------------------------------------------------------------------------------

def test_matrix_shows_meetings_held_and_missed_per_period(site):
    art = page(site, "reports/matrix")
    def cells(every, year, dept, kind):
        table = art.select_one(f'table.bl-meeting-matrix[data-every="{every}"][data-year="{year}"]')
        row = table.select_one(f'tr[data-department="{dept}"][data-kind="{kind}"]')
        return {td["data-period"]: td["data-state"] for td in row.select("td") if td["data-state"]}
    weeks = cells("week", "2026", "QA", "department")
    assert weeks["2026-W10"] == "held" and weeks["2026-W11"] == "missed" and weeks["2026-W48"] == "due"
    assert cells("year", "2026", "GM", "management-review") == {"2026": "held"}
    assert cells("quarter", "2026", "GM", "consultation") == {"2026-Q3": "held", "2026-Q4": "due"}
    prd = cells("month", "2026", "PRD", "department")
    assert set(prd.values()) == {"missed", "due"} and prd["2026-03"] == "missed" and prd["2026-11"] == "due"
    assert art.select("table.bl-matrix[data-kind=monthly]"), "the reports' matrix stays"


# --- receipts -----------------------------------------------------------------------------------------------------

def test_receipts_owed_on_department_and_record_pages(site):
    owed = {code: ids(page(site, f"departments/{code}").select("ul.bl-receipts-owed li"))
            for code in ("GM", "QA", "PRD", "ENG")}
    assert owed == {"GM": [], "QA": ["NTC-2026-005"], "PRD": ["NTC-2026-005"], "ENG": ["MTG-2026-002"]}
    review = page(site, "meetings/2026/MTG-2026-002-management-review")
    assert {li["data-department"]: li["data-signed"] for li in review.select(".bl-receipts li")} == \
        {"QA": "yes", "PRD": "yes", "ENG": "no"}


# --- KPIs, exports, feeds -----------------------------------------------------------------------------------------

def test_kpi_page_counts_complaints_response_days_and_nc_closure(site):
    art = page(site, "kpi")
    tiles = {li["data-kpi"]: li.select_one(".bl-tile-num").get_text() for li in art.select(".bl-comm-tiles [data-kpi]")}
    assert tiles == {"complaints-open": "3", "complaints-overdue": "1", "mean-days-to-respond": "9.5",
                     "nc-open": "1", "nc-closure-rate": "50.0%"}
    rows = {tr["data-month"]: [td.get_text() for td in tr.select("td")] for tr in art.select("tr[data-month]")}
    assert rows["2026-11"][7] == "1"         # CMP-2026-004 (the restricted CMP-2026-006 does not count)
    assert rows["2026-10"][7] == "1" and rows["2026-10"][8] == "10.0"
    assert rows["2026-03"][9:11] == ["1", "0"] and rows["2026-06"][9:11] == ["0", "1"]   # NC-2026-001 found, closed


def test_exports_and_index_tables_carry_the_new_types(site):
    records = {r["id"]: r for r in json.loads((site / "records.json").read_text("utf-8"))}
    assert {"CMP-2026-004", "NC-2026-001", "CSS-2025-001", "MEMO-2026-003", "EXT-2026-002"} <= set(records)
    for rtype, rid in (("complaint", "CMP-2026-001"), ("nc", "NC-2026-001"), ("survey", "CSS-2026-001"),
                       ("memo", "MEMO-2026-001"), ("contact", "EXT-2026-001")):
        rows = list(csv.DictReader(io.StringIO((site / "exports" / f"{rtype}.csv").read_text("utf-8-sig"))))
        assert rid in {r["id"] for r in rows}, rtype
    cmp_rows = {r["id"]: r for r in csv.DictReader(io.StringIO((site / "exports/complaint.csv").read_text("utf-8-sig")))}
    assert cmp_rows["CMP-2026-001"]["response"] == "on: 2026-02-27; by: zhangwei; summary: 已提交 8D 报告"
    table = json.loads((site / "complaints/index.json").read_text("utf-8"))
    assert [c["key"] for c in table["columns"]][2:] == ["customer", "severity", "received_on", "response_due",
                                                       "status", "days_late"]
    row = next(r for r in table["rows"] if r["id"]["text"] == "CMP-2026-004")
    assert row["customer"] == "华东汽车" and row["days_late"] == 14 and row["severity"] == "严重"
    survey = json.loads((site / "surveys/index.json").read_text("utf-8"))
    assert next(r for r in survey["rows"] if r["id"]["text"] == "CSS-2025-001")["overall"] == 3.5


def test_calendar_carries_response_and_reply_due_dates(site):
    ics = (site / "calendar.ics").read_text("utf-8").replace("\r\n ", "")
    events = {m.group(1): m.group(0) for m in re.finditer(r"BEGIN:VEVENT.*?UID:([^\r\n]+).*?END:VEVENT", ics, re.S)}
    assert "DTSTART;VALUE=DATE:20261110" in events["CMP-2026-004-response@bulletin"]
    assert "DTSTART;VALUE=DATE:20261101" in events["MEMO-2026-003-reply@bulletin"]
    assert "CMP-2026-005-response@bulletin" not in events           # responded
    assert "MEMO-2026-002-reply@bulletin" not in events             # no reply_due
    assert "CSS-2026-001-A1@bulletin" in events                     # a survey's action item is tracked


def test_people_pages_list_their_v2_records(site):
    chenjing = page(site, "people/chenjing")
    listed = {a.get_text().split()[0] for a in chenjing.select("ul.bl-record-list a")}
    assert {"CMP-2026-004", "CSS-2026-001", "EXT-2026-001"} <= listed
    lina = page(site, "people/lina")
    assert "CSS-2026-001#A1" in lina.get_text()                      # a survey's action item she owns


# --- audiences ----------------------------------------------------------------------------------------------------

def test_a_restricted_complaint_leaves_no_trace_on_the_all_staff_site(repo, site):
    hits = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()
            and p.suffix in (".html", ".json", ".xml", ".ics", ".csv", ".txt")
            and any(s in p.read_text("utf-8", errors="replace") for s in ("CMP-2026-006", SECRET))]
    assert hits == []
    capa = page(site, "capa/2026/CAPA-2026-003-line-stop")
    assert "一条受限记录" not in capa.get_text() and capa.select("ul.bl-backlinks a") == []
    restricted = _build(repo, "site-restricted", "--audience", "restricted")
    assert "CMP-2026-006" in ids(page(restricted, "complaints/board").select("li.bl-card-mini"))
    assert "CMP-2026-006" in {a.get_text().split()[0] for a in
                              page(restricted, "capa/2026/CAPA-2026-003-line-stop").select("ul.bl-backlinks a")}


def test_english_site_names_the_new_pages_in_english(repo, tmp_path):
    site_yml = repo / "site_config" / "site.yml"
    before = site_yml.read_text("utf-8") if site_yml.exists() else None
    site_yml.write_text((before or "") + "\nlanguage: en\n", "utf-8")
    try:
        en = _build(repo, "site-en")
    finally:
        site_yml.unlink() if before is None else site_yml.write_text(before, "utf-8")
    art = page(en, "complaints/board")
    assert "14 days late" in art.get_text() and "Responded" in art.get_text()
    assert page(en, "customers/hdauto").select_one("h1").get_text().replace("¶", "").strip() == "East China Auto"
