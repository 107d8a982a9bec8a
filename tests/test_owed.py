"""What a person or department owes (issue 13, item 2): their page lists it first, and `bulletin status
--person / --department` prints exactly the same items, for the same audience; hidden records never appear."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import DEMO_TODAY, PROJECT, bulletin, copy_demo

PEOPLE = [p["id"] for p in yaml.safe_load((PROJECT / "site_config/people.yml").read_text("utf-8"))]
DEPARTMENTS = [d["code"] for d in yaml.safe_load((PROJECT / "site_config/departments.yml").read_text("utf-8"))]
NOTHING_OWED = "未完成事项：无"


def _hidden_records() -> dict[str, str]:
    """{ID: title} of the demo's records that the all-staff site must not show."""
    out = {}
    for path in (PROJECT / "records").rglob("*.md"):
        text = path.read_text("utf-8")
        if text.startswith("---\n") and "\nvisibility:" in text:
            fm = yaml.safe_load(text.split("---", 2)[1])
            if fm.get("visibility") in ("management", "restricted"):
                out[fm["id"]] = fm["title"]
    return out


@pytest.fixture(scope="module", params=["all-staff", "management"])
def built(request, tmp_path_factory):
    """(repository, site, audience): the demo copy built for one audience on the demo's day."""
    audience = request.param
    repo = copy_demo(tmp_path_factory.mktemp(f"owed-{audience}") / "repo")
    proc = bulletin("build", "--today", DEMO_TODAY, "--audience", audience, "--out", "site", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    return repo, repo / "site", audience


def _article(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser").select_one("article")


def _page_items(art) -> list[tuple]:
    return sorted((li["data-kind"], li["data-ref"], li["data-owner"], int(li["data-days-late"]))
                  for li in art.select(".bl-owed li[data-ref]"))


def _status(repo: Path, *args: str) -> dict:
    proc = bulletin("status", "--today", DEMO_TODAY, "--format", "json", *args, cwd=repo)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _status_items(data: dict) -> list[tuple]:
    return sorted((i["kind"], i["ref"], owner, i["days_late"]) for owner, its in data["owners"].items() for i in its)


def test_every_person_and_department_page_lists_exactly_what_status_prints(built):
    repo, site, audience = built
    pages = [(f"people/{p}", "--person", p) for p in PEOPLE] + [(f"departments/{d}", "--department", d)
                                                                for d in DEPARTMENTS]
    kinds = set()
    for url, option, who in pages:
        art = _article(site, url)
        want = _status_items(_status(repo, option, who, "--audience", audience))
        assert _page_items(art) == want, url
        kinds |= {k for k, *_ in want}
        owed = art.select_one(".bl-owed")
        assert (owed is not None) == bool(want), url
        text = art.get_text(" ", strip=True)
        if want:
            assert NOTHING_OWED not in text, url
            # first on the page: before the action table and the records owned (history)
            assert str(art).index("bl-owed") < str(art).index('id="owned"'), url
        else:
            assert art.select_one(".bl-nothing-owed").get_text(strip=True) == NOTHING_OWED, url
    assert kinds == {"capa", "action", "complaint", "memo", "report", "receipt", "approval"}, "every kind is covered"


def test_the_issue_a_person_owning_an_overdue_capa_and_the_department_page(built):
    repo, site, _ = built
    wu = _article(site, "people/wuhaitao")
    assert NOTHING_OWED not in wu.get_text()
    capa = wu.select_one('.bl-owed li[data-ref="CAPA-2026-004"]')
    assert capa is not None and "bl-overdue" in capa["class"] and "逾期 85 天" in capa.get_text()
    verification = wu.select_one('.bl-owed li[data-ref="CAPA-2026-007"]')
    assert "待验证" in verification.get_text() and verification["data-days-late"] == "0"
    prd = _article(site, "departments/PRD")
    listed = {li["data-ref"] for li in prd.select('.bl-owed li[data-kind="capa"]')}
    assert {"CAPA-2026-004", "CAPA-2026-006", "CAPA-2026-007", "CAPA-2026-011"} <= listed
    # grouped: the department's own items by kind, then each of its people's
    groups = [h["data-owed-group"] for h in prd.select(".bl-owed h3")]
    assert groups[:2] == ["report", "receipt"] and {"wuhaitao", "zhouqiang"} <= set(groups[2:])
    # overdue first, most days late first
    late = [int(li["data-days-late"]) for li in prd.select('.bl-owed h3[data-owed-group="zhouqiang"] + ul li')]
    assert late == sorted(late, reverse=True) and late[0] > 0


def test_each_kind_reaches_the_right_page(built):
    _, site, _ = built
    def refs(url, kind):
        return {li["data-ref"]: li for li in _article(site, url).select(f'.bl-owed li[data-kind="{kind}"]')}
    assert "逾期 25 天" in refs("people/zhaolei", "complaint")["CMP-2026-005"].get_text()
    for code in ("ENG", "QA"):                                  # a memo to two departments: each owes a reply
        assert "逾期 4 天" in refs(f"departments/{code}", "memo")["MEMO-2026-005"].get_text()
    assert "MEMO-2026-005" in refs("people/liuhong", "memo"), "the head of QA chases QA's replies"
    assert "MEMO-2026-005" not in refs("people/chenjing", "memo"), "another QA member does not"
    for code in ("PRD", "HR"):
        assert "MTG-2026-011" in refs(f"departments/{code}", "receipt")
    assert "MTG-2026-011" not in refs("departments/QA", "receipt")
    assert "MTG-2026-007" in refs("people/liuhong", "approval")          # a draft she chairs
    assert "MTG-2026-006" in refs("people/wangjianguo", "approval")
    assert "CAPA-2026-005" in refs("people/linfang", "capa")
    assert "行动项逾期" in refs("people/linfang", "capa")["CAPA-2026-005"].get_text()   # late through an action
    assert "QA 2025-08" in refs("departments/QA", "report") and "QA 2025-08" in refs("people/liuhong", "report")


def test_hidden_records_never_appear_in_the_all_staff_lists(built):
    repo, site, audience = built
    hidden = _hidden_records()
    assert hidden
    for url in [f"people/{p}" for p in PEOPLE] + [f"departments/{d}" for d in DEPARTMENTS]:
        owed = _article(site, url).select_one(".bl-owed")
        refs = {li["data-ref"].split("#")[0] for li in owed.select("li")} if owed else set()
        text = owed.get_text() if owed else ""
        if audience == "all-staff":
            assert not refs & set(hidden), url
            assert not [t for rid, t in hidden.items() if rid in text or t in text], url
    for option, who in [("--person", p) for p in PEOPLE] + [("--department", d) for d in DEPARTMENTS]:
        out = bulletin("status", "--today", DEMO_TODAY, option, who, cwd=repo).stdout
        assert not [rid for rid, t in hidden.items() if rid in out or t in out], who
    # the check is not empty: the management audience owes items of hidden records
    mgmt = _status_items(_status(repo, "--person", "liuhong", "--audience", "management"))
    assert any(ref.startswith("CAPA-2026-003") for _, ref, *_ in mgmt)
    if audience == "management":
        assert any(ref.startswith("CAPA-2026-003") for _, ref, *_ in _page_items(_article(site, "people/liuhong")))


def test_a_draft_management_review_waits_for_the_gm_of_the_day(tmp_path):
    repo = copy_demo(tmp_path / "repo")
    (repo / "records/meetings/management-review/2026/MTG-2026-090-review-draft.md").write_text(
        "---\nid: MTG-2026-090\ntitle: 2026年度管理评审（补充）\ndepartment: GM\nkind: management-review\n"
        "date: 2026-10-20\nchair: liuhong\nrecorder: chenjing\nattendees: [liuhong, chenjing]\nstatus: draft\n"
        "---\n纪要草稿。\n", "utf-8")
    assert bulletin("validate", "--today", DEMO_TODAY, cwd=repo).returncode == 0

    def approvers(today: str) -> set[str]:
        proc = bulletin("status", "--today", today, "--format", "json", "--department", "GM", cwd=repo)
        data = json.loads(proc.stdout)
        return {owner for owner, its in data["owners"].items() for i in its
                if i["kind"] == "approval" and i["ref"] == "MTG-2026-090"}
    assert approvers(DEMO_TODAY) == {"sunlixin"}             # gm since 2026-11-01
    assert approvers("2026-10-25") == {"wangjianguo"}        # gm until 2026-10-31
    liuhong = json.loads(bulletin("status", "--today", DEMO_TODAY, "--format", "json", "--person", "liuhong",
                                  cwd=repo).stdout)
    assert "MTG-2026-090" not in {i["ref"] for its in liuhong["owners"].values() for i in its}, "not the chair's"
