"""`bulletin check-changes`: each change-control rule refused, then passing once fixed, in real Git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import bulletin, git, run

DEPARTMENTS = """\
- code: GM
  name: 总经理办公室
- code: QA
  name: 品管部
"""
PEOPLE = """\
- id: wang
  name: 王总
  department: GM
  roles: [gm]
- id: li
  name: 李质量
  department: QA
  roles: [qa, management-rep]
  git_user: li-qa
- id: zhao
  name: 赵工
  department: QA
"""
CAPA = """\
---
id: {id}
title: {title}
department: QA
source: process
opened_on: 2026-01-05
due: 2026-03-31
owner: li
status: closed
containment: 隔离库存并全检
root_cause: 模具磨损
actions:
  - text: 更换模具
    owner: zhao
    due: 2026-02-28
    status: done
    done_on: 2026-02-20
approved_by: wang
approved_on: 2026-01-20
verification: {{verified_by: li, verified_on: 2026-03-20, effective: true, evidence: 连续三批无毛刺}}
closed_on: 2026-03-25
---
# {title}

毛刺超差，已纠正。
"""
MEETING = """\
---
id: MTG-2026-001
title: 品管部月度例会
department: QA
kind: department
date: 2026-02-03
chair: li
recorder: zhao
attendees: [li, zhao]
status: approved
approved_by: li
approved_on: 2026-02-04
---
# 品管部月度例会

讨论了一月的质量指标。
"""
NOTICE = """\
---
id: NTC-2026-001
title: 春节放假通知
department: GM
category: announcement
issued_on: 2026-01-10
---
春节放假安排如下。
"""

CAPA_1 = "records/capa/2026/CAPA-2026-001-burr.md"
MEETING_1 = "records/meetings/2026/MTG-2026-001-qa-monthly.md"
NOTICE_1 = "records/notices/2026/NTC-2026-001-holiday.md"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def commit(root: Path, message: str) -> None:
    git("add", "-A", cwd=root)
    git("commit", "-qm", message, cwd=root)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A records repository on main with a closed CAPA, an approved meeting and a notice; HEAD on branch pr."""
    root = tmp_path / "records-repo"
    write(root, "site_config/departments.yml", DEPARTMENTS)
    write(root, "site_config/people.yml", PEOPLE)
    write(root, CAPA_1, CAPA.format(id="CAPA-2026-001", title="冲压件毛刺"))
    write(root, MEETING_1, MEETING)
    write(root, NOTICE_1, NOTICE)
    git("init", "-q", "-b", "main", cwd=root)
    commit(root, "first records")
    git("checkout", "-qb", "pr", cwd=root)
    return root


def check(root: Path, *extra: str, base: str = "main"):
    return bulletin("check-changes", "--base", base, "--lang", "en", *extra, cwd=root)


def codes(proc) -> list[tuple[str, str]]:
    return [(p["path"], p["code"]) for p in json.loads(proc.stdout)]


def test_the_fixture_is_valid_and_unchanged_passes(repo):
    assert bulletin("validate", cwd=repo).returncode == 0, bulletin("validate", "--lang", "en", cwd=repo).stdout
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 errors" in proc.stdout


def test_deleting_a_record_is_refused_then_withdrawn_passes(repo):
    (repo / NOTICE_1).unlink()
    proc = check(repo)
    assert proc.returncode == 1
    assert f"{NOTICE_1}: error: the record NTC-2026-001 was deleted" in proc.stdout
    assert "withdrawn" in proc.stdout
    commit(repo, "delete the holiday notice")                # committed or not, the same answer
    assert check(repo, "--format", "json").returncode == 1
    assert codes(check(repo, "--format", "json")) == [(NOTICE_1, "change-deleted")]

    write(repo, NOTICE_1, NOTICE.replace("issued_on: 2026-01-10\n", "issued_on: 2026-01-10\nwithdrawn: "
                                         "{date: 2026-01-11, by: li, reason: 日期写错，另发通知}\n"))
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout


def test_deletion_message_is_in_the_sites_language_by_default(repo):
    (repo / NOTICE_1).unlink()
    proc = bulletin("check-changes", "--base", "main", cwd=repo)
    assert proc.returncode == 1
    assert "记录 NTC-2026-001 被删除了" in proc.stdout
    assert ": error: " in proc.stdout                        # the severity word stays in English


def test_changing_an_id_is_refused_then_former_ids_passes(repo):
    new_path = "records/notices/2026/NTC-2026-007-holiday.md"
    (repo / NOTICE_1).unlink()
    write(repo, new_path, NOTICE.replace("NTC-2026-001", "NTC-2026-007"))
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1
    assert codes(proc) == [(new_path, "change-id-changed")]
    message = json.loads(proc.stdout)[0]["message"]
    assert "NTC-2026-001" in message and "NTC-2026-007" in message and "former_ids: [NTC-2026-001]" in message
    assert json.loads(proc.stdout)[0]["line"] == 2            # the line of `id:`

    write(repo, new_path, NOTICE.replace("NTC-2026-001", "NTC-2026-007")
          .replace("category:", "former_ids: [NTC-2026-001]\ncategory:"))
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout


def test_a_move_to_another_folder_keeping_the_id_passes(repo):
    moved = "records/meetings/management-review/2026/MTG-2026-001-qa-monthly.md"
    (repo / moved).parent.mkdir(parents=True)
    git("mv", MEETING_1, moved, cwd=repo)
    commit(repo, "move the meeting")
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout
    # renaming the slug keeps the ID too
    git("mv", moved, moved.replace("qa-monthly", "qa-monthly-feb"), cwd=repo)
    assert check(repo).returncode == 0


def test_editing_an_approved_meeting_needs_an_amendment(repo):
    text = (repo / MEETING_1).read_text("utf-8")
    write(repo, MEETING_1, text.replace("讨论了一月的质量指标。", "讨论了一月和二月的质量指标。"))
    proc = check(repo)
    assert proc.returncode == 1
    assert MEETING_1 in proc.stdout and "MTG-2026-001 is approved on the target branch" in proc.stdout
    assert "amendments" in proc.stdout

    amended = text.replace("讨论了一月的质量指标。", "讨论了一月和二月的质量指标。").replace(
        "approved_on: 2026-02-04\n",
        "approved_on: 2026-02-04\namendments:\n  - {date: 2026-02-10, by: li, reason: 补记二月指标}\n")
    write(repo, MEETING_1, amended)
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout
    commit(repo, "amend the meeting")
    assert bulletin("validate", cwd=repo).returncode == 0


def test_editing_a_closed_capa_needs_an_amendment_github_format(repo):
    text = (repo / CAPA_1).read_text("utf-8")
    write(repo, CAPA_1, text.replace("root_cause: 模具磨损", "root_cause: 模具磨损，保养周期过长"))
    proc = check(repo, "--format", "github")
    assert proc.returncode == 1
    line = next(l for l in proc.stdout.splitlines() if l.startswith("::error"))
    assert line.startswith(f"::error file={CAPA_1},line=") and "title=change-locked-edited" in line
    assert "CAPA-2026-001 is closed on the target branch" in line

    write(repo, CAPA_1, text.replace("root_cause: 模具磨损", "root_cause: 模具磨损，保养周期过长").replace(
        "closed_on: 2026-03-25\n",
        "closed_on: 2026-03-25\namendments:\n  - {date: 2026-04-02, by: li, reason: 补充根本原因}\n"))
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout


def test_a_meeting_approved_on_the_target_after_branching_needs_update_and_amendment(repo):
    draft = MEETING.replace("status: approved\napproved_by: li\napproved_on: 2026-02-04\n", "status: draft\n")
    git("checkout", "-q", "main", cwd=repo)
    write(repo, MEETING_1, draft)
    commit(repo, "the meeting is a draft again (for this test)")
    git("checkout", "-q", "-B", "pr", cwd=repo)
    git("checkout", "-q", "main", cwd=repo)
    write(repo, MEETING_1, MEETING)
    commit(repo, "approve MTG-2026-001")
    git("checkout", "-q", "pr", cwd=repo)
    write(repo, MEETING_1, draft.replace("讨论了一月的质量指标。", "讨论了一月的质量指标和客诉。"))
    commit(repo, "edit the draft")
    # at the merge base the meeting is a draft; on main's tip it is approved
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1
    assert codes(proc) == [(MEETING_1, "change-locked-upstream")]
    # brought up to date, the ordinary rule applies: an amendment is needed, then it passes
    git("merge", "-q", "--no-edit", "main", cwd=repo)
    assert "status: approved" in (repo / MEETING_1).read_text("utf-8")
    assert codes(check(repo, "--format", "json")) == [(MEETING_1, "change-locked-edited")]
    text = (repo / MEETING_1).read_text("utf-8")
    write(repo, MEETING_1, text.replace("approved_on: 2026-02-04\n", "approved_on: 2026-02-04\namendments:\n"
                                        "  - {date: 2026-02-12, by: li, reason: 补记客诉}\n"))
    assert check(repo).returncode == 0


def test_earlier_amendments_must_stay_as_they_were(repo):
    text = (repo / CAPA_1).read_text("utf-8").replace(
        "closed_on: 2026-03-25\n",
        "closed_on: 2026-03-25\namendments:\n  - {date: 2026-04-02, by: li, reason: 补充根本原因}\n")
    write(repo, CAPA_1, text)
    commit(repo, "first amendment")
    git("checkout", "-q", "main", cwd=repo)
    git("merge", "-q", "--ff-only", "pr", cwd=repo)
    git("checkout", "-q", "pr", cwd=repo)
    # the old entry is reworded and a new one appended: still refused
    write(repo, CAPA_1, text.replace("补充根本原因", "补充原因").replace(
        "补充原因}\n", "补充原因}\n  - {date: 2026-05-01, by: li, reason: 改正错字}\n"))
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1
    assert codes(proc) == [(CAPA_1, "change-amendments-rewritten")]
    # an edit that appends only: passes
    write(repo, CAPA_1, text.replace("毛刺超差，已纠正。", "毛刺超差，已纠正并验证。").replace(
        "补充根本原因}\n", "补充根本原因}\n  - {date: 2026-05-01, by: li, reason: 正文补充验证}\n"))
    assert check(repo).returncode == 0


def test_marking_a_closed_capa_withdrawn_needs_no_amendment(repo):
    text = (repo / CAPA_1).read_text("utf-8")
    write(repo, CAPA_1, text.replace("closed_on: 2026-03-25\n", "closed_on: 2026-03-25\nwithdrawn: "
                                     "{date: 2026-04-01, by: li, reason: 与 CAPA-2025-009 重复}\n"))
    assert check(repo).returncode == 0
    # a draft record (not approved, not closed) is edited freely
    write(repo, NOTICE_1, NOTICE.replace("春节放假安排如下。", "春节放假安排如下（已更新）。"))
    assert check(repo).returncode == 0


def test_two_branches_taking_the_same_id_fail_with_the_renumber_hint(repo):
    # main moves on: someone merged CAPA-2026-002 after this branch was made
    git("checkout", "-q", "main", cwd=repo)
    write(repo, "records/capa/2026/CAPA-2026-002-seal-leak.md", CAPA.format(id="CAPA-2026-002", title="密封圈泄漏"))
    commit(repo, "CAPA-2026-002 seal leak")
    git("checkout", "-q", "pr", cwd=repo)
    # this branch ran `bulletin new` before that was merged: it took CAPA-2026-002 as well
    proc = bulletin("new", "capa", "--title", "Paint peel", "--department", "QA", "--person", "li",
                    "--today", "2026-06-01", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    mine = proc.stdout.strip()
    assert mine == "records/capa/2026/CAPA-2026-002-paint-peel.md"
    commit(repo, "CAPA-2026-002 paint peel")

    # the merge base does not hold CAPA-2026-002; REF's tip does
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1, proc.stdout
    assert codes(proc) == [(mine, "change-id-taken")]
    message = json.loads(proc.stdout)[0]["message"]
    assert "records/capa/2026/CAPA-2026-002-seal-leak.md" in message
    assert "CAPA-2026-003" in message and "CAPA-2026-003-paint-peel.md" in message
    assert "former_ids: [CAPA-2026-002]" in message

    # GitHub checks out the pull request merged into the target: the same answer there
    git("checkout", "-q", "-b", "pr-merge", cwd=repo)
    git("merge", "-q", "--no-edit", "main", cwd=repo)
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1
    assert (mine, "change-id-taken") in codes(proc)
    git("checkout", "-q", "pr", cwd=repo)

    # renumbered as the message says: passes
    fixed = "records/capa/2026/CAPA-2026-003-paint-peel.md"
    text = (repo / mine).read_text("utf-8").replace("id: CAPA-2026-002", "id: CAPA-2026-003\nformer_ids: [CAPA-2026-002]")
    (repo / mine).unlink()
    write(repo, fixed, text)
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout


def test_a_new_record_may_not_reuse_a_former_id(repo):
    git("checkout", "-q", "main", cwd=repo)
    write(repo, "records/notices/2026/NTC-2026-005-holiday.md",
          NOTICE.replace("NTC-2026-001", "NTC-2026-005").replace("category:", "former_ids: [NTC-2026-002]\ncategory:"))
    commit(repo, "a renumbered notice")
    git("checkout", "-q", "pr", cwd=repo)
    write(repo, "records/notices/2026/NTC-2026-002-canteen.md", NOTICE.replace("NTC-2026-001", "NTC-2026-002"))
    proc = check(repo, "--format", "json")
    assert codes(proc) == [("records/notices/2026/NTC-2026-002-canteen.md", "change-id-former")]
    assert "NTC-2026-006" in json.loads(proc.stdout)[0]["message"]


def test_an_unknown_ref_or_a_folder_outside_git_exits_2(repo, tmp_path):
    proc = check(repo, base="origin/nowhere")
    assert proc.returncode == 2
    assert "origin/nowhere" in proc.stderr and "fetch-depth: 0" in proc.stderr

    plain = tmp_path / "plain"
    write(plain, "site_config/departments.yml", DEPARTMENTS)
    write(plain, "site_config/people.yml", PEOPLE)
    write(plain, NOTICE_1, NOTICE)
    proc = check(plain)
    assert proc.returncode == 2
    assert "not a Git repository" in proc.stderr


def test_a_shallow_clone_without_the_merge_base_exits_2(repo, tmp_path):
    write(repo, "records/notices/2026/NTC-2026-002-canteen.md", NOTICE.replace("NTC-2026-001", "NTC-2026-002"))
    commit(repo, "a second notice")
    clone = tmp_path / "shallow"
    run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", "--branch", "pr",
         f"file://{repo}", str(clone)], cwd=tmp_path, check=True)
    proc = check(clone, base="origin/main")
    assert proc.returncode == 2
    assert "shallow" in proc.stderr and "git fetch --unshallow" in proc.stderr


def test_unrelated_changes_outside_records_pass(repo):
    write(repo, "README.md", "# records\n")
    write(repo, "records/capa/2026/evidence/photo.txt", "an attachment\n")
    commit(repo, "readme and an attachment")
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout


def test_compare_pairs_a_renumbered_record_by_content(tmp_path):
    """The library function on plain snapshots: pairing by content when the title changed too."""
    from generator.changes import compare
    from generator.config import load_config

    write(tmp_path, "site_config/departments.yml", DEPARTMENTS)
    write(tmp_path, "site_config/people.yml", PEOPLE)
    cfg = load_config(tmp_path)
    old = CAPA.format(id="CAPA-2026-001", title="冲压件毛刺").encode()
    new = CAPA.format(id="CAPA-2026-009", title="冲压件毛刺（修订）").encode()
    base = {CAPA_1: old, "records/capa/2026/CAPA-2026-004.md": b"---\nid: CAPA-2026-004\ntitle: other\n---\n"}
    work = {"records/capa/2026/CAPA-2026-009-burr.md": new,
            "records/capa/2026/CAPA-2026-004.md": base["records/capa/2026/CAPA-2026-004.md"]}
    problems = compare(base, base, work, cfg, "main")
    assert [(p.path, p.code, p.args.get("old")) for p in problems] == [
        ("records/capa/2026/CAPA-2026-009-burr.md", "change-id-changed", "CAPA-2026-001")]
