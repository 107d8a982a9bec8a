"""`bulletin status`: exactly what is owed on a given day, for one audience (all-staff unless told), grouped by
owner; as text, JSON, Markdown, or the payload a WeCom / DingTalk group robot takes; and the optional weekly
CI job that posts it."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import BULLETIN, DEMO_TODAY, PROJECT, bulletin

OVERDUE_CAPAS = {"CAPA-2025-008", "CAPA-2026-004", "CAPA-2026-005", "CAPA-2026-006", "CAPA-2026-009"}
OVERDUE_ACTIONS = {"MTG-2025-008#A4", "MTG-2026-002#A2", "MTG-2026-004#A1",
                   "CAPA-2025-008#A3", "CAPA-2026-004#A3", "CAPA-2026-005#A1",
                   "CSS-2026-008#A2", "EXT-2026-011#A1"}   # surveys' and contacts' actions are tracked too
HIDDEN_OVERDUE_ACTIONS = {"EXT-2026-008#A1"}            # of a management-only contact
MISSING_REPORTS = {"QA 2025-08", "PRD 2026-02", "PRD 2026-10"}
OVERDUE_COMPLAINTS = {("zhaolei", "CMP-2026-005")}                       # owed by who received it
OVERDUE_MEMOS = {("ENG", "MEMO-2026-005"), ("QA", "MEMO-2026-005")}     # a reply owed by each department it asks
ROBOT_LIMIT = 4096


def _items(data: dict) -> list[tuple[str, dict]]:
    return [(owner, i) for owner, its in data["owners"].items() for i in its]


def _status_json(repo: Path, *args: str) -> dict:
    proc = bulletin("status", "--today", DEMO_TODAY, "--format", "json", *args, cwd=repo)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_json_lists_exactly_the_overdue_items_by_owner(demo):
    data = _status_json(demo, "--audience", "restricted")
    assert data["today"] == DEMO_TODAY and data["audience"] == "restricted"
    items = _items(data)
    assert {i["ref"] for _, i in items if i["kind"] == "capa"} == OVERDUE_CAPAS
    assert {i["ref"] for _, i in items if i["kind"] == "action"} == OVERDUE_ACTIONS | HIDDEN_OVERDUE_ACTIONS
    assert {i["ref"] for _, i in items if i["kind"] == "report"} == MISSING_REPORTS
    assert {(o, i["ref"]) for o, i in items if i["kind"] == "complaint"} == OVERDUE_COMPLAINTS
    assert {(o, i["ref"]) for o, i in items if i["kind"] == "memo"} == OVERDUE_MEMOS
    assert {i["kind"] for _, i in items} == {"capa", "action", "report", "complaint", "memo"}
    assert all(i["days_late"] > 0 for _, i in items)
    by_ref = {i["ref"]: (owner, i) for owner, i in items}
    assert by_ref["MTG-2025-008#A4"][1]["days_late"] == 147
    assert by_ref["CAPA-2026-005#A1"][0] == "linfang"     # grouped under the action's owner
    assert by_ref["PRD 2026-10"][0] == "PRD"              # a missing report is owed by its department
    for owner, its in data["owners"].items():
        assert [i["days_late"] for i in its] == sorted((i["days_late"] for i in its), reverse=True)


def test_another_day_gives_another_answer(demo):
    data = _status_json(demo, "--today", "2025-01-02")
    refs = {i["ref"] for _, i in _items(data)}
    assert not refs & OVERDUE_CAPAS


def test_text_and_robot_markdown(demo):
    text = bulletin("status", "--today", DEMO_TODAY, cwd=demo).stdout
    assert "吴海涛 (wuhaitao):" in text and "CAPA-2026-004" in text and "逾期 85 天" in text
    md = bulletin("status", "--today", DEMO_TODAY, "--format", "markdown", "--lang", "en", cwd=demo).stdout
    lines = md.splitlines()
    assert lines[0].startswith("### Overdue · 2026-11-24")
    assert any(line.startswith("**") and "(wuhaitao)" in line for line in lines)
    assert any(line.startswith("> - ") and "CAPA-2026-004" in line and "85 days late" in line for line in lines)


# --- the audience: what a company-wide group may read -----------------------------------------------------

HIDDEN = {"management": ["records/capa/2026/CAPA-2026-004-*.md", "records/meetings/management-review/2025/MTG-2025-008-*.md"],
          "restricted": ["records/capa/2026/CAPA-2026-009-*.md"]}


def _hide(repo: Path) -> dict[str, dict[str, str]]:
    """Overdue records made management or restricted, and a visible overdue action that names one of them.
    Returns {visibility: {ID: title}}."""
    hidden: dict[str, dict[str, str]] = {}
    for vis, paths in HIDDEN.items():
        for pattern in paths:
            (path,) = repo.glob(pattern)
            text = path.read_text("utf-8")
            assert "\nvisibility:" not in text
            path.write_text(text.replace("\ntitle: ", f"\nvisibility: {vis}\ntitle: ", 1), "utf-8")
            fm = yaml.safe_load(text.split("---", 2)[1])
            hidden.setdefault(vis, {})[fm["id"]] = fm["title"]
    meeting = next((repo / "records/meetings/2026").glob("MTG-2026-002-*.md"))
    text = meeting.read_text("utf-8")
    assert "完成活塞孔内径量具的MSA（GR&R）分析" in text
    meeting.write_text(text.replace("完成活塞孔内径量具的MSA（GR&R）分析",
                                    "完成活塞孔内径量具的MSA（GR&R）分析，结果并入 CAPA-2026-004", 1), "utf-8")
    return hidden


def _names(output: str, hidden: dict[str, str]) -> set[str]:
    return {rid for rid, title in hidden.items() if rid in output or title in output}


def test_status_counts_only_what_all_staff_may_see_unless_told(demo):
    hidden = _hide(demo)
    assert bulletin("validate", "--today", DEMO_TODAY, cwd=demo).returncode == 0
    hidden_all = {**hidden["management"], **hidden["restricted"]}
    for fmt in ("text", "json", "markdown", "wecom", "dingtalk"):
        for lang in ("zh", "en"):
            proc = bulletin("status", "--today", DEMO_TODAY, "--format", fmt, "--lang", lang, cwd=demo)
            assert proc.returncode == 0, proc.stderr
            assert _names(proc.stdout, hidden_all) == set(), (fmt, lang)
            assert "all-staff" in proc.stdout, "the output names the audience it was made for"
    text = bulletin("status", "--today", DEMO_TODAY, cwd=demo).stdout
    assert "范围：全体员工可见的记录（--audience all-staff）" in text.splitlines()[1]
    assert "MTG-2026-002#A2" in text and "一条受限记录" in text, "a visible item that names a hidden record is masked"

    mgmt = bulletin("status", "--today", DEMO_TODAY, "--audience", "management", cwd=demo).stdout
    assert _names(mgmt, hidden["management"]) == set(hidden["management"])
    assert "MTG-2025-008#A4" in mgmt and "--audience management" in mgmt
    assert _names(mgmt, hidden["restricted"]) == set()
    everything = bulletin("status", "--today", DEMO_TODAY, "--audience", "restricted", cwd=demo).stdout
    assert _names(everything, hidden_all) == set(hidden_all)
    data = _status_json(demo)
    assert data["audience"] == "all-staff"
    assert {i["ref"] for _, i in _items(data) if i["kind"] == "capa"} == OVERDUE_CAPAS - set(hidden_all)


def test_help_no_longer_suggests_posting_everything():
    for lang, default in (("zh", "默认：all-staff"), ("en", "default: all-staff")):
        text = bulletin("status", "--help", "--lang", lang, cwd=PROJECT).stdout
        assert default in text and "wecom" in text and "dingtalk" in text


# --- the group robots' payloads ------------------------------------------------------------------------------

def _robot(repo: Path, fmt: str, *args: str) -> tuple[dict, str]:
    proc = bulletin("status", "--today", DEMO_TODAY, "--format", fmt, *args, cwd=repo)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["msgtype"] == "markdown" and set(payload) == {"msgtype", "markdown"}
    if fmt == "wecom":
        assert set(payload["markdown"]) == {"content"}
        text = payload["markdown"]["content"]
    else:
        assert set(payload["markdown"]) == {"title", "text"}
        assert payload["markdown"]["title"] and "\n" not in payload["markdown"]["title"]
        text = payload["markdown"]["text"]
    assert len(text.encode("utf-8")) <= ROBOT_LIMIT
    return payload, text


def test_robot_payloads_carry_the_markdown(demo):
    total = sum(len(v) for v in _status_json(demo)["owners"].values())
    for fmt in ("wecom", "dingtalk"):
        payload, text = _robot(demo, fmt)
        lines = text.splitlines()
        assert lines[0] == f"### 已逾期 · {DEMO_TODAY} · {total}"
        assert sum(line.startswith("> - ") for line in lines) == total
        assert "**吴海涛 (wuhaitao)**" in lines and "CAPA-2026-004" in text
        if fmt == "dingtalk":
            assert payload["markdown"]["title"] == f"已逾期 · {DEMO_TODAY} · {total}"


def test_robot_payloads_stay_within_the_size_limit(demo):
    actions = "".join(f"  - text: 第{n}项：整理并复核量检具校准记录，补齐缺失的校准证书与标签\n"
                      f"    owner: chenjing\n    due: 2026-0{1 + n % 9}-1{n % 10}\n" for n in range(120))
    (demo / "records/meetings/2026/MTG-2026-090-many-actions.md").write_text(
        "---\nid: MTG-2026-090\ntitle: 量检具专项会\ndepartment: QA\nkind: department\ndate: 2025-12-01\n"
        "chair: liuhong\nrecorder: chenjing\nattendees: [liuhong, chenjing]\nstatus: draft\nactions:\n"
        + actions + "---\n会议纪要。\n", "utf-8")
    total = sum(len(v) for v in _status_json(demo)["owners"].values())
    assert total > 120
    for fmt, lang, more in (("wecom", "zh", r"…还有 (\d+) 项未列出"), ("dingtalk", "en", r"…and (\d+) more")):
        _, text = _robot(demo, fmt, "--lang", lang)
        assert len(text.encode("utf-8")) > ROBOT_LIMIT - 200, "the space is used"
        shown = sum(line.startswith("> - ") for line in text.splitlines())
        m = re.match(more, text.splitlines()[-1])
        assert m, text.splitlines()[-1]
        assert shown + int(m.group(1)) == total and shown > 10


# --- one person's or one department's list ------------------------------------------------------------------

def test_person_lists_everything_they_owe(demo):
    data = _status_json(demo, "--person", "liuhong")
    # liuhong heads QA (departments.yml): QA's reports are hers to chase, besides her own items
    assert data["person"] == "liuhong" and sorted(data["owners"]) == ["QA", "liuhong"]
    refs = {i["ref"]: i for _, i in _items(data)}
    assert "MTG-2025-008#A4" in refs and refs["MTG-2025-008#A4"]["days_late"] == 147   # overdue
    assert "MTG-2026-004#A2" in refs and refs["MTG-2026-004#A2"]["days_late"] == 0     # open, not yet due
    assert "CAPA-2026-008#A3" in refs
    text = bulletin("status", "--today", DEMO_TODAY, "--person", "liuhong", cwd=demo).stdout
    assert text.splitlines()[0] == f"刘红 (liuhong) 的待办 · {DEMO_TODAY} · {len(refs)}"
    owner = _status_json(demo, "--person", "wuhaitao")
    # every CAPA they own and that is not closed: overdue, or waiting for its verification
    assert {i["ref"]: (i["days_late"], i["why"]) for _, i in _items(owner) if i["kind"] == "capa"} == \
        {"CAPA-2026-004": (85, "overdue"), "CAPA-2026-007": (0, "verification")}
    assert "CAPA CAPA-2026-007 机加工车间不合格品区标识缺失 · 期限 2026-11-30 · 待验证" in \
        bulletin("status", "--today", DEMO_TODAY, "--person", "wuhaitao", cwd=demo).stdout


def test_department_lists_what_it_and_its_people_owe(demo):
    data = _status_json(demo, "--department", "QA")
    assert data["department"] == "QA"
    owners = set(data["owners"])
    assert "QA" in owners and {"liuhong", "chenjing"} <= owners
    assert "PRD" not in owners and "wuhaitao" not in owners
    refs = {i["ref"] for _, i in _items(data)}
    assert "QA 2025-08" in refs and "MTG-2026-002#A2" in refs and "CAPA-2026-009" in refs
    assert "PRD 2026-10" not in refs
    assert ("memo", "MEMO-2026-005") in {(i["kind"], i["ref"]) for i in data["owners"]["QA"]}
    prd = _status_json(demo, "--department", "PRD")["owners"]["PRD"]
    assert {i["ref"] for i in prd if i["kind"] == "receipt"} == {"MTG-2026-011", "NTC-2026-013"}


def test_unknown_person_or_department_is_refused_with_a_hint(demo):
    proc = bulletin("status", "--person", "liuhon", cwd=demo)
    assert proc.returncode == 2 and "liuhon" in proc.stderr and "liuhong" in proc.stderr
    proc = bulletin("status", "--department", "QX", "--lang", "en", cwd=demo)
    assert proc.returncode == 2 and "QX" in proc.stderr and "departments.yml" in proc.stderr


# --- the optional weekly CI job ----------------------------------------------------------------------------

CI = [PROJECT / ".github/workflows/records.yml", PROJECT / ".gitlab-ci.yml",
      PROJECT / "templates/init/dot-github/workflows/records.yml",
      PROJECT / "templates/init/dot-gitea/workflows/records.yml", PROJECT / "templates/init/dot-gitlab-ci.yml"]
FAKE_CURL = """#!/bin/sh
# Records what would be posted, answers as the robots do.
for a in "$@"; do
  case "$a" in @*) cp "${a#@}" "$POSTED/$(basename "${a#@}")" ;; http*) echo "$a" >> "$POSTED/urls" ;; esac
done
echo '{"errcode":0,"errmsg":"ok"}'
"""


def _status_job(path: Path) -> tuple[str, str]:
    """(the job's trigger condition, the shell script that posts) of the status job."""
    data = yaml.safe_load(path.read_text("utf-8"))
    job = data["jobs"]["status"] if "jobs" in data else data["status"]
    if "jobs" in data:
        script = "\n".join(s["run"] for s in job["steps"] if "bulletin status" in s.get("run", ""))
        assert job["env"]["BULLETIN_WECOM_WEBHOOK"] == "${{ secrets.BULLETIN_WECOM_WEBHOOK }}"
        return job["if"], script
    return str(job["rules"]), "\n".join(job["script"])


@pytest.mark.parametrize("path", CI, ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_weekly_job_posts_the_all_staff_payload_only_when_a_webhook_is_set(path, demo, tmp_path):
    when, script = _status_job(path)
    assert "schedule" in when
    _hide(demo)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "curl").write_text(FAKE_CURL)
    (fake / "curl").chmod(0o755)
    posted = tmp_path / "posted"
    posted.mkdir()
    env = {**os.environ, "PATH": f"{fake}:{Path(BULLETIN).parent}:{os.environ['PATH']}", "POSTED": str(posted),
           "NO_MKDOCS_2_WARNING": "1"}
    env.pop("BULLETIN_WECOM_WEBHOOK", None)
    env.pop("BULLETIN_DINGTALK_WEBHOOK", None)
    run = lambda extra: subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=demo,  # noqa: E731
                                       env={**env, **extra}, capture_output=True, text=True, timeout=300)
    proc = run({})
    assert proc.returncode == 0, proc.stderr
    assert list(posted.iterdir()) == [], "no secret, nothing posted"

    proc = run({"BULLETIN_WECOM_WEBHOOK": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
                "BULLETIN_DINGTALK_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=T"})
    assert proc.returncode == 0, proc.stderr
    urls = (posted / "urls").read_text().split()
    assert urls == ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
                    "https://oapi.dingtalk.com/robot/send?access_token=T"]
    wecom = json.loads((posted / "status-wecom.json").read_text("utf-8"))
    ding = json.loads((posted / "status-dingtalk.json").read_text("utf-8"))
    assert wecom["msgtype"] == ding["msgtype"] == "markdown"
    content, text = wecom["markdown"]["content"], ding["markdown"]["text"]
    for body in (content, text):
        assert len(body.encode("utf-8")) <= ROBOT_LIMIT and "all-staff" in body
        assert "CAPA-2026-004" not in body and "CAPA-2026-009" not in body and "MTG-2025-008" not in body
