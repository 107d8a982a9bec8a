"""The management-review pack (9.3) and the auditor's index (issue 14 items 2 and 3), built by the real
`bulletin build` over the demo company (three management reviews: MTG-2025-008, MTG-2026-004, MTG-2026-011)
plus records written here, read back with BeautifulSoup.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import build_site, bulletin, copy_demo, git, write_files

TODAY = "2026-11-24"

# a CAPA opened from the latest review that no action item of it names: the trace must still show it
EXTRA = {
    "records/capa/2026/CAPA-2026-095-csr-matrix.md": """\
---
id: CAPA-2026-095
title: 客户特殊要求矩阵两次评审未完成
department: QA
source: management-review
source_ref: MTG-2026-011
opened_on: 2026-11-18
due: 2027-02-28
owner: liuhong
status: open
---
管理评审指出客户特殊要求矩阵两次评审未完成。
""",
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = copy_demo(tmp_path_factory.mktemp("review") / "repo")
    write_files(root, EXTRA)
    git("add", "-A", cwd=root)
    git("commit", "-qm", "review records", cwd=root)
    return root


def _build(repo: Path, out: str, *args: str) -> Path:
    return build_site(repo, out, TODAY, *args)


@pytest.fixture(scope="module")
def site(repo) -> Path:
    return _build(repo, "site")


def article(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser").select_one("article")


def figures(node) -> dict[tuple[str, str], set[str]]:
    """(capa|complaint, new|closed|on_time|open|overdue) -> the IDs the pack lists in that cell."""
    out = {}
    for tr in node.select("table.bl-pack-figures tr[data-kind]"):
        for td in tr.select("td[data-fig]"):
            ids = {a.get_text(strip=True) for a in td.select(".bl-ids a")}
            assert int(td["data-count"]) == len(ids)
            out[(tr["data-kind"], td["data-fig"])] = ids
    return out


def review_page(site: Path, rid: str) -> BeautifulSoup:
    path = next(site.glob(f"meetings/management-review/*/{rid}-*/index.html"))
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


# --- 2. the pack: the period since the previous review -------------------------------------------------------

def test_pack_counts_the_records_of_the_period_since_the_previous_review(site):
    pack = article(site, "reviews/MTG-2026-011")
    period = pack.select_one(".bl-pack-period")
    assert (period["data-start"], period["data-end"]) == ("2026-07-16", "2026-11-13")
    f = figures(pack)
    # opened after MTG-2026-004 (2026-07-15) up to the review: not CAPA-2026-004/005 (before), not -010/-095 (after)
    assert f[("capa", "new")] == {"CAPA-2026-006", "CAPA-2026-007", "CAPA-2026-008", "CAPA-2026-009",
                                  "CAPA-2026-011", "CAPA-2026-012"}
    assert f[("capa", "closed")] == f[("capa", "on_time")] == {"CAPA-2025-009", "CAPA-2026-012"}
    # on the review's date (2026-11-13), not today: CAPA-2026-009 (due 11-20) was not overdue yet
    assert f[("capa", "overdue")] == {"CAPA-2025-008", "CAPA-2026-004", "CAPA-2026-005", "CAPA-2026-006"}
    assert "CAPA-2026-010" not in f[("capa", "open")] and len(f[("capa", "open")]) == 8
    assert f[("complaint", "new")] == {"CMP-2026-004", "CMP-2026-005"}
    assert f[("complaint", "closed")] == f[("complaint", "on_time")] == {"CMP-2026-004"}
    assert f[("complaint", "overdue")] == {"CMP-2026-005"}
    surveys = pack.select_one(".bl-pack-surveys")
    assert (surveys["data-count"], surveys["data-mean"]) == ("3", "3.67")        # the Q3 surveys only
    assert pack.select_one(".bl-pack-audits li[data-fig=found]")["data-count"] == "3"
    assert pack.select_one(".bl-pack-audits li[data-fig=open]")["data-count"] == "2"   # NC-2026-003 closed 10-30
    reports = pack.select_one(".bl-pack-reports")
    assert (reports["data-due"], reports["data-on-time"]) == ("9", "8")
    assert [li["data-period"] for li in pack.select(".bl-pack-late-reports li")] == ["PRD 2026-10"]
    otd = pack.select_one("tr[data-objective=otd]")
    assert (otd["data-met"], otd["data-missed"]) == ("1", "2")
    assert len(pack.select(".bl-pack-notices li")) == 5


def test_the_first_pack_and_the_middle_one_have_their_own_periods(site):
    first = article(site, "reviews/MTG-2025-008")
    assert first.select_one(".bl-pack-period")["data-start"] == ""
    assert "CAPA-2025-001" in figures(first)[("capa", "new")]
    mid = figures(article(site, "reviews/MTG-2026-004"))
    # CAPA-2025-009 was opened 2025-12-22, after MTG-2025-008 (2025-12-16): it belongs to this period
    assert mid[("capa", "new")] == {"CAPA-2025-009", "CAPA-2026-001", "CAPA-2026-002", "CAPA-2026-004", "CAPA-2026-005"}
    assert mid[("capa", "closed")] == {"CAPA-2026-001", "CAPA-2026-002"}
    assert mid[("capa", "on_time")] == {"CAPA-2026-001"}                          # CAPA-2026-002 closed 15 days late
    assert mid[("complaint", "new")] == {"CMP-2026-001", "CMP-2026-002"}


def test_pack_lists_the_earlier_reviews_actions_as_the_review_found_them(site):
    pack = article(site, "reviews/MTG-2026-011")
    rows = {tr["data-ref"]: tr for tr in pack.select("table.bl-pack-earlier tr[data-ref]")}
    # the previous review's every action, and the still-open one of the review before (done ones left out)
    assert set(rows) == {"MTG-2025-008#A4", "MTG-2026-004#A1", "MTG-2026-004#A2", "MTG-2026-004#A3", "MTG-2026-004#A4"}
    assert rows["MTG-2026-004#A3"]["data-done"] == "yes"
    assert rows["MTG-2025-008#A4"]["data-done"] == "no" and "136" in rows["MTG-2025-008#A4"].get_text()


# --- the closed loop: review -> action -> CAPA -> verification -> next review --------------------------------

def trace(site: Path, rid: str) -> dict[str, tuple[str, str, str]]:
    return {tr["data-ref"]: (tr["data-capa"], tr["data-loop"], tr.get_text(" ", strip=True))
            for tr in article(site, f"reviews/{rid}").select("table.bl-pack-trace tr[data-ref]")}


def test_outputs_are_traced_forward_to_the_next_review(site):
    first = trace(site, "MTG-2025-008")
    capa, loop, text = first["MTG-2025-008#A2"]
    assert (capa, loop) == ("CAPA-2025-009", "closed")
    assert "2026-11-10" in text and "MTG-2026-004" in text                          # its verification; the next review
    assert first["MTG-2025-008#A4"][1] == "carried"                                # still open, taken up next time
    mid = trace(site, "MTG-2026-004")
    assert mid["MTG-2026-004#A1"][:2] == ("CAPA-2026-006", "carried")
    assert list(mid).count("CAPA-2026-006") == 0                                   # named by an action: one row
    last = trace(site, "MTG-2026-011")
    assert last["CAPA-2026-095"][:2] == ("CAPA-2026-095", "open")                  # source_ref names the review
    assert all(loop != "carried" for _, loop, _ in last.values())                  # no later review yet
    index = article(site, "reviews")
    assert [tr["data-review"] for tr in index.select("tr[data-review]")] == \
        ["MTG-2025-008", "MTG-2026-004", "MTG-2026-011"]
    assert index.select_one('.bl-trace[data-ref="MTG-2025-008#A2"]')["data-loop"] == "closed"


def test_the_review_page_prints_the_same_pack(site):
    page = review_page(site, "MTG-2026-011")
    section = page.select_one(".bl-pack-section")
    assert section is not None and page.select_one("h2#review_pack")
    assert figures(section) == figures(article(site, "reviews/MTG-2026-011"))
    assert page.select_one(".bl-pack-link a")["href"].endswith("reviews/MTG-2026-011/")
    assert review_page(site, "MTG-2025-008").select_one(".bl-pack-section .bl-pack-period")["data-end"] == "2025-12-16"
    other = BeautifulSoup(next(site.glob("meetings/2026/MTG-2026-007-*/index.html")).read_text("utf-8"), "html.parser")
    assert other.select_one(".bl-pack-section") is None                             # a department meeting has none


def test_a_pack_for_all_staff_counts_no_hidden_record(repo, site):
    # CAPA-2026-003 and CMP-2026-003 (visibility: management) fall in MTG-2026-004's period
    for path in ("reviews/MTG-2026-004/index.html", "reviews/index.html", "audit/index.html"):
        text = (site / path).read_text("utf-8")
        assert "CAPA-2026-003" not in text and "CMP-2026-003" not in text, path
    management = _build(repo, "site-management", "--audience", "management")
    f = figures(article(management, "reviews/MTG-2026-004"))
    assert "CAPA-2026-003" in f[("capa", "new")] and "CMP-2026-003" in f[("complaint", "new")]


# --- 3. the auditor's index ------------------------------------------------------------------------------------

def gaps(site: Path) -> dict[str, set[tuple[str, str]]]:
    return {sec["data-clause"]: {(li["data-key"], li["data-ref"]) for li in sec.select(".bl-missing li")}
            for sec in article(site, "audit").select("section.bl-clause")}


def test_index_lists_evidence_per_clause_with_links(site):
    index = article(site, "audit")
    clauses = [s["data-clause"] for s in index.select("section.bl-clause")]
    assert clauses == ["7.4", "7.5.3", "9.1.2", "9.2", "9.3", "10.2"]
    ev = {(s["data-clause"], li["data-key"]): li for s in index.select("section.bl-clause")
          for li in s.select(".bl-evidence li")}
    assert ev[("9.2", "ncs_recorded")]["data-count"] == "3"
    assert ev[("9.2", "ncs_recorded")].a["href"].endswith("nc/board/")
    assert ev[("9.3", "reviews_held")]["data-count"] == "3"
    assert ev[("9.1.2", "surveys_received")]["data-count"] == "9"
    assert ev[("7.5.3", "controlled_documents")].a["href"].endswith("register/")
    assert {li["data-review"] for li in index.select('.bl-evidence li[data-key="review_pack"]')} == \
        {"MTG-2025-008", "MTG-2026-004", "MTG-2026-011"}


def test_index_shows_what_is_missing_in_the_demo(site):
    g = gaps(site)
    assert ("gap_review_receipts", "MTG-2026-011") in g["9.3"]                    # PRD and HR never signed
    assert ("gap_document_review", "NTC-2025-002") in g["7.5.3"]                  # HR-RUL-007 past its review
    assert ("gap_report_late", "PRD 2026-10") in g["7.4"]
    assert ("gap_complaint_late", "CMP-2026-005") in g["9.1.2"]
    assert ("gap_capa_late", "CAPA-2026-004") in g["10.2"]
    assert not g["9.2"]
    text = article(site, "audit").select_one('li[data-key="gap_review_receipts"]').get_text()
    assert "生产部" in text and "人事行政部" in text


FIXES = {
    # the two missing receipts signed: the gap goes
    "records/meetings/management-review/2026/MTG-2026-011-annual-management-review.md": (
        "  - {department: PUR, by: linfang, on: 2026-11-19}\n",
        "  - {department: PUR, by: linfang, on: 2026-11-19}\n  - {department: PRD, by: zhouqiang, on: 2026-11-20}\n"
        "  - {department: HR, by: huangmin, on: 2026-11-21}\n"),
    # the document reviewed: no longer past its review
    "records/notices/2025/NTC-2025-002-ppe-rule.md": ("revision: A\n", "revision: A\nreviewed_on: 2026-11-20\n"),
}
NEW_NC = {
    "records/nc/2026/NC-2026-090-gauge-label.md": """\
---
id: NC-2026-090
title: 量具校准标识缺失
department: QA
audit: external
audit_ref: BV-2026-SA
found_on: 2026-11-20
auditor: liuhong
clause: IATF 16949 7.1.5.2
grade: minor
status: open
---
外审发现一件量具校准标识缺失。
""",
}


def test_missing_items_appear_and_disappear_with_the_records(repo, tmp_path):
    other = tmp_path / "repo"
    shutil.copytree(repo, other, ignore=shutil.ignore_patterns("site", "site-*"))
    for rel, (old, new) in FIXES.items():
        path = other / rel
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new), "utf-8")
    write_files(other, NEW_NC)
    assert bulletin("validate", cwd=other).returncode == 0
    g = gaps(_build(other, "site"))
    assert ("gap_review_receipts", "MTG-2026-011") not in g["9.3"]
    assert ("gap_document_review", "NTC-2025-002") not in g["7.5.3"]
    assert ("gap_nc_no_capa", "NC-2026-090") in g["9.2"]                          # an NC with no CAPA yet
    home = BeautifulSoup((other / "site/index.html").read_text("utf-8"), "html.parser")
    before = BeautifulSoup((repo / "site/index.html").read_text("utf-8"), "html.parser")

    def count(soup) -> int:
        return int(re.search(r"\d+", soup.select_one('.bl-audit-links li[data-page="audit-index"]').get_text()).group())

    assert count(home) == count(before) - 1      # two gaps gone (receipts, review), one come (the NC)
    assert count(before) == sum(len(v) for v in gaps(repo / "site").values())


def test_index_and_pack_are_linked_from_the_nav_and_the_home_page(site):
    home = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    links = {li["data-page"]: li.a["href"] for li in home.select(".bl-audit-links li")}
    assert links["audit-index"].endswith("audit/") and links["review-packs"].endswith("reviews/")
    nav = [a.get_text(strip=True) for a in home.select("nav.md-nav a.md-nav__link")]
    assert "审核索引" in nav and "管理评审输入" in nav


def test_index_and_pack_in_english(repo, tmp_path):
    other = tmp_path / "repo"
    shutil.copytree(repo, other, ignore=shutil.ignore_patterns("site", "site-*"))
    site_yml = other / "site_config/site.yml"
    site_yml.write_text(re.sub(r"(?m)^(language:).*$", r"\1 en", site_yml.read_text("utf-8")), "utf-8")
    site = _build(other, "site")
    index = article(site, "audit")
    assert index.h1.get_text(strip=True).startswith("Auditor's index")
    headings = [h.get_text(strip=True) for h in index.select("section.bl-clause h2")]
    assert headings[0] == "7.4 Communication" and headings[-1] == "10.2 Nonconformity and corrective action"
    assert "Management review approved without distribution receipts" in index.get_text()
    pack = article(site, "reviews/MTG-2026-011")
    text = pack.get_text(" ", strip=True)
    assert "Status of actions from previous reviews" in text and "Outputs traced forward" in text
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(th.get_text() for th in pack.select("th")))
