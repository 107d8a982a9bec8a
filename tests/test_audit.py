"""What an auditor asks of the records (issue 14 items 4-7): the document register and its reviews,
retention and disposal decisions, CAPA effectiveness checks, escalation of overdue items. Built by the real
`bulletin build` over the demo company plus records written here, read back with BeautifulSoup.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import build_site, bulletin, copy_demo, git, write_files

TODAY = "2026-11-30"

EXTRA = {
    # a controlled document with its own review cadence and a recorded review: due 2026-04-01 + 6 months
    "records/notices/2026/NTC-2026-090-gauge-sop.md": """\
---
id: NTC-2026-090
title: 量检具管理程序
department: QA
category: rule
issued_on: 2026-01-10
approved_by: liuhong
doc_number: QA-SOP-090
revision: A
review_every: 6
reviewed_on: 2026-04-01
---
量检具的校准与管理。
""",
    "records/notices/2026/NTC-2026-091-pricing-policy.md": """\
---
id: NTC-2026-091
title: 报价审批权限制度
department: GM
category: policy
issued_on: 2025-01-10
approved_by: wangjianguo
doc_number: GM-POL-777
revision: A
visibility: management
---
报价审批。
""",
    # past retention (contact: 3 years from its date): awaiting a decision / decided / hidden / withdrawn in error
    "records/external/2022/EXT-2022-001-supplier-visit.md": """\
---
id: EXT-2022-001
title: 走访毛坯供应商
department: PUR
party_kind: supplier
party: 宏达铸造
channel: visit
date: 2022-05-10
our_people: [zhengyu]
---
走访记录。
""",
    "records/external/2022/EXT-2022-002-fair.md": """\
---
id: EXT-2022-002
title: 参加汽车零部件展会
department: PUR
party_kind: industry
party: 上海汽配展
channel: exhibition
date: 2022-04-12
our_people: [zhengyu]
withdrawn: {date: 2026-06-01, by: liuhong, reason: 保存期满，经管理者代表批准处置}
---
展会记录。
""",
    "records/external/2022/EXT-2022-003-authority-talk.md": """\
---
id: EXT-2022-003
title: 环保局约谈纪要
department: HR
party_kind: authority
party: 区环保局
channel: meeting
date: 2022-03-01
our_people: [huangmin]
visibility: restricted
---
约谈。
""",
    "records/external/2024/EXT-2024-001-wrong-entry.md": """\
---
id: EXT-2024-001
title: 误录的沟通记录
department: PUR
party_kind: supplier
party: 宏达铸造
channel: phone
date: 2021-01-05
our_people: [zhengyu]
withdrawn: {date: 2021-02-01, by: zhengyu, reason: 误录}
---
误录。
""",
    # a CAPA that sets its effectiveness check itself, with an action still open
    "records/capa/2026/CAPA-2026-090-label-check.md": """\
---
id: CAPA-2026-090
title: 包装标签扫描复核
department: QA
source: process
opened_on: 2026-11-02
due: 2027-01-31
owner: zhaolei
status: implementing
containment: 库存标签全检
root_cause: 打印模板未锁定
actions:
  - text: 锁定打印模板
    owner: zhaolei
    due: 2026-12-20
approved_by: sunlixin
approved_on: 2026-11-05
effectiveness_due: 2026-12-15
---
标签复核。
""",
}
TYPES = """\
types:
  capa:
    fields:
      cost_of_quality:
        kind: number
        label: {zh: 质量损失（元）, en: Cost of poor quality (CNY)}
  report:
    retention_years: 1
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = copy_demo(tmp_path_factory.mktemp("audit") / "repo")
    write_files(root, EXTRA)
    (root / "site_config/types.yml").write_text(TYPES, "utf-8")
    git("add", "-A", cwd=root)
    git("commit", "-qm", "audit records", cwd=root)
    return root


def _build(repo: Path, out: str, *args: str) -> Path:
    return build_site(repo, out, TODAY, *args)


@pytest.fixture(scope="module")
def site(repo) -> Path:
    return _build(repo, "site")


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser").select_one("article")


def row_text(node) -> list[str]:
    return [td.get_text(" ", strip=True) for td in node.find_all("td")]


# --- 4. controlled documents ---------------------------------------------------------------------------------

def test_register_lists_each_document_with_current_and_superseded_revisions(site):
    rows = {tr["data-doc"]: tr for tr in page(site, "register").select("table.bl-register tbody tr")}
    assert {"QM-001", "QP-018", "ENG-WI-012", "QA-SOP-090"} <= set(rows)
    qm = rows["QM-001"]
    assert "NTC-2026-013" in qm.select_one(".bl-current").get_text() and "G" in qm.select_one(".bl-current").get_text()
    assert "NTC-2025-005" in qm.select_one(".bl-superseded").get_text()
    qp = row_text(rows["QP-018"])
    assert "NTC-2026-014" in qp[1] and qp[2] == "2026-11-23" and "NTC-2025-006" in qp[6]
    eng = rows["ENG-WI-012"]
    assert "NTC-2026-015" in eng.select_one(".bl-current").get_text()
    assert "NTC-2026-008" in eng.select_one(".bl-superseded").get_text()
    # the next review: a year after the effective date by default
    assert row_text(rows["QM-001"])[5].startswith("2027-11-02")


def test_documents_past_their_review_date_are_listed(site):
    register = page(site, "register")
    due = {li["data-doc"]: li.get_text(" ", strip=True) for li in register.select(".bl-reviews-due li")}
    # own cadence (6 months) after its own review (2026-04-01): due 2026-10-01, 60 days late
    assert "2026-10-01" in due["QA-SOP-090"] and "60" in due["QA-SOP-090"]
    # the type's 12 months after the effective date 2025-03-01
    assert "2026-03-01" in due["HR-RUL-007"]
    assert "QM-001" not in due and "QP-018" not in due
    notice = BeautifulSoup((site / "notices/2026/NTC-2026-090-gauge-sop/index.html").read_text("utf-8"), "html.parser")
    assert "2026-10-01" in notice.select_one(".bl-next-review").get_text()


# --- 5. retention ----------------------------------------------------------------------------------------------

def test_records_past_retention_and_disposal_decisions(site):
    ret = page(site, "retention")
    due = [tr["data-id"] for tr in ret.select("table.bl-retention-due tr[data-id]")]
    assert "EXT-2022-001" in due                       # contact: 3 years from 2022-05-10
    assert "RPT-2025-001" in due                       # report: 1 year (types.yml) from 2025-02-02
    assert not any(i.startswith(("EXT-2026", "CAPA-", "NTC-2026")) for i in due)
    decided = {tr["data-id"]: row_text(tr) for tr in ret.select("table.bl-disposals tr[data-id]")}
    assert list(decided) == ["EXT-2022-002"]           # withdrawn in error (EXT-2024-001) is not a disposal
    assert "保存期满" in decided["EXT-2022-002"][4] and decided["EXT-2022-002"][2] == "2026-06-01"
    settings = {tr["data-type"]: tr.get_text(" ", strip=True) for tr in ret.select("table.bl-retention-settings tr")}
    assert "1 年" in settings["report"] and "10 年" in settings["capa"] and "3 年" in settings["memo"]


def test_hidden_records_stay_off_the_audit_pages_of_lower_audiences(repo, site):
    for url in ("register", "retention", "effectiveness", "escalation"):
        text = (site / url / "index.html").read_text("utf-8")
        for hidden in ("EXT-2022-003", "环保局", "GM-POL-777", "报价审批"):
            assert hidden not in text, (url, hidden)
    restricted = _build(repo, "site-restricted", "--audience", "restricted")
    assert "EXT-2022-003" in [tr["data-id"] for tr in page(restricted, "retention").select("tr[data-id]")]
    assert "GM-POL-777" in [tr["data-doc"] for tr in page(restricted, "register").select("tr[data-doc]")]


# --- 6. effectiveness checks -------------------------------------------------------------------------------

def test_effectiveness_checks_default_90_days_and_explicit_due(site):
    eff = page(site, "effectiveness")
    groups = {t["data-group"]: {tr["data-id"]: row_text(tr) for tr in t.select("tr[data-id]")}
              for t in eff.select("table.bl-effectiveness")}
    # last action done 2026-08-24 + 90 days
    assert groups["effectiveness_overdue"]["CAPA-2026-011"][2].startswith("2026-11-22")
    assert "8" in groups["effectiveness_overdue"]["CAPA-2026-011"][3]
    # last action done 2026-09-20 + 90 days
    assert groups["effectiveness_soon"]["CAPA-2026-007"][2].startswith("2026-12-19")
    # set on the CAPA itself, although an action is still open
    assert groups["effectiveness_soon"]["CAPA-2026-090"][2].startswith("2026-12-15")
    assert "CAPA 自定" in groups["effectiveness_soon"]["CAPA-2026-090"][2]
    capa = BeautifulSoup((site / "capa/2026/CAPA-2026-011-poka-yoke-bypass/index.html").read_text("utf-8"),
                         "html.parser")
    due = capa.select_one(".bl-effectiveness-due")
    assert "2026-11-22" in due.get_text() and "bl-overdue" in due["class"]


# --- 7. escalation ----------------------------------------------------------------------------------------

def escalated(site: Path) -> dict[str, list[str]]:
    return {tr["data-ref"]: [a.get_text() for a in tr.select(".bl-escalated-to a")]
            for tr in page(site, "escalation").select("table.bl-escalations tr[data-ref]")}


def test_escalation_names_the_head_then_the_management_rep(site):
    esc = escalated(site)
    assert esc["CAPA-2026-005"] == ["郑宇"]              # 20 days late: PUR's head (after 14 days)
    assert esc["CAPA-2026-004"] == ["周强", "刘红"]       # 91 days: PRD's head, then the management-rep
    capa = BeautifulSoup(next(site.glob("capa/2026/CAPA-2026-004-*/index.html")).read_text("utf-8"), "html.parser")
    assert [a.get_text() for a in capa.select(".bl-escalated .bl-escalated-to a")] == ["周强", "刘红"]


def test_escalation_days_are_configured_in_site_yml(repo, tmp_path):
    other = tmp_path / "repo"
    shutil.copytree(repo, other, ignore=shutil.ignore_patterns("site", "site-*"))
    with (other / "site_config/site.yml").open("a", encoding="utf-8") as f:
        f.write("escalate_after_days: {head: 25, management-rep: 15}\n")
    esc = escalated(_build(other, "site"))
    assert esc["CAPA-2026-005"] == ["刘红"]              # 20 days: past the management-rep's 15, not the head's 25
    assert esc["CAPA-2026-004"] == ["周强", "刘红"]
    assert "逾期 25 天升级至责任人所在部门负责人" in page(other / "site", "escalation").get_text()


@pytest.mark.parametrize("file, text, words", [
    ("site_config/site.yml", "escalate_after_days: {head: soon}\n", "escalate_after_days"),
    ("site_config/types.yml", "types:\n  memo:\n    retention_years: -1\n", "types.memo.retention_years"),
])
def test_a_wrong_audit_setting_stops_with_a_message(demo, file, text, words):
    (demo / file).write_text(text, "utf-8")
    proc = bulletin("validate", cwd=demo)
    assert proc.returncode == 2 and words in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
