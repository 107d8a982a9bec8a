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


# --- change control that cannot be talked around (issue 10, class 5) ----------------------------

def edit(root: Path, rel: str, *subs: tuple[str, str]) -> None:
    text = (root / rel).read_text("utf-8")
    for old, new in subs:
        assert old in text, old
        text = text.replace(old, new, 1)
    write(root, rel, text)


def merge_into_main(root: Path, message: str) -> None:
    """The pull request is merged: main moves to it, and the next pull request starts from there."""
    commit(root, message)
    git("checkout", "-q", "main", cwd=root)
    git("merge", "-q", "--ff-only", "pr", cwd=root)
    git("checkout", "-q", "pr", cwd=root)


AMEND = "  - {{date: {date}, by: li, reason: {reason}}}\n"


def test_amendments_are_append_only_in_every_state(repo):
    # leaving a locked state is itself an edit: approved -> draft without an amendment is refused
    edit(repo, MEETING_1, ("status: approved\napproved_by: li\napproved_on: 2026-02-04\n", "status: draft\n"))
    assert codes(check(repo, "--format", "json")) == [(MEETING_1, "change-locked-edited")]
    # so is closed -> implementing on a CAPA
    write(repo, MEETING_1, MEETING)
    edit(repo, CAPA_1, ("status: closed", "status: implementing"))
    assert codes(check(repo, "--format", "json")) == [(CAPA_1, "change-locked-edited")]
    write(repo, CAPA_1, CAPA.format(id="CAPA-2026-001", title="冲压件毛刺"))
    # first pull request: back to draft, with an amendment that says why: passes, and is merged
    edit(repo, MEETING_1, ("status: approved\napproved_by: li\napproved_on: 2026-02-04\n",
                           "status: draft\namendments:\n" + AMEND.format(date="2026-02-10", reason="重开讨论二月指标")))
    assert check(repo).returncode == 0
    merge_into_main(repo, "reopen the meeting")
    # second pull request: re-approved with the amendments deleted: the trail may not be erased
    write(repo, MEETING_1, MEETING.replace("讨论了一月的质量指标。", "讨论了一月和二月的质量指标。"))
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1, proc.stdout
    assert codes(proc) == [(MEETING_1, "change-amendments-rewritten")]
    # nor reworded on the draft
    edit(repo, MEETING_1, ("status: approved\napproved_by: li\napproved_on: 2026-02-04\n",
                           "status: draft\namendments:\n" + AMEND.format(date="2026-02-10", reason="笔误")))
    assert codes(check(repo, "--format", "json")) == [(MEETING_1, "change-amendments-rewritten")]
    # re-approved keeping the trail: passes
    write(repo, MEETING_1, MEETING.replace("讨论了一月的质量指标。", "讨论了一月和二月的质量指标。").replace(
        "approved_on: 2026-02-04\n", "approved_on: 2026-02-11\namendments:\n"
        + AMEND.format(date="2026-02-10", reason="重开讨论二月指标")))
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout


REPORT_PDF = "records/capa/2026/evidence/CAPA-2026-001-8d.pdf"
PHOTO = "records/capa/2026/evidence/burr.jpg"


@pytest.fixture
def linked(tmp_path) -> Path:
    """The repository of `repo`, whose closed CAPA links to a PDF and whose notice links to a photo."""
    root = tmp_path / "linked-repo"
    write(root, "site_config/departments.yml", DEPARTMENTS)
    write(root, "site_config/people.yml", PEOPLE)
    write(root, CAPA_1, CAPA.format(id="CAPA-2026-001", title="冲压件毛刺").replace(
        "毛刺超差，已纠正。", "毛刺超差，已纠正。8D 报告见 [8D](evidence/CAPA-2026-001-8d.pdf)。"))
    write(root, NOTICE_1, NOTICE.replace("春节放假安排如下。", "春节放假安排如下。![照片](../../capa/2026/evidence/burr.jpg)"))
    write(root, REPORT_PDF, "%PDF-1.4 the signed 8D report\n")
    write(root, PHOTO, "a photo\n")
    git("init", "-q", "-b", "main", cwd=root)
    commit(root, "a closed CAPA with its 8D report")
    git("checkout", "-qb", "pr", cwd=root)
    return root


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_an_attachment_of_a_closed_capa_is_locked_with_it(linked, how):
    if how == "deleted":
        (linked / REPORT_PDF).unlink()
    else:
        write(linked, REPORT_PDF, "%PDF-1.4 another report\n")
    commit(linked, f"{how} the 8D report")
    proc = check(linked, "--format", "json")
    assert proc.returncode == 1, proc.stdout
    assert codes(proc) == [(REPORT_PDF, "change-attachment-locked")]
    message = json.loads(proc.stdout)[0]["message"]
    assert "CAPA-2026-001" in message and how in message and CAPA_1 in message
    # an attachment only an unlocked record links to changes freely
    write(linked, PHOTO, "a sharper photo\n")
    assert codes(check(linked, "--format", "json")) == [(REPORT_PDF, "change-attachment-locked")]
    # with an amendment on the CAPA that links to it: passes
    edit(linked, CAPA_1, ("closed_on: 2026-03-25\n", "closed_on: 2026-03-25\namendments:\n"
                          + AMEND.format(date="2026-04-02", reason="8D 报告换成客户签字版")))
    proc = check(linked)
    assert proc.returncode == 0, proc.stdout


def test_a_link_to_x_md_names_the_file_never_a_folder_of_that_name(linked):
    sub = "records/capa/2026/sub.md"
    edit(linked, CAPA_1, ("8D 报告见", "附表见 [附表](sub.md)，8D 报告见"))
    write(linked, sub, "# 附表\n\n| 批次 | 毛刺 |\n|---|---|\n| 1 | 0 |\n")
    merge_into_main(linked, "the CAPA links to its table")
    # the file is swapped for a folder of the same name
    (linked / sub).unlink()
    write(linked, sub + "/table.md", "# 另一张表\n")
    proc = check(linked, "--format", "json")
    assert proc.returncode == 1, proc.stdout
    assert codes(proc) == [(sub, "change-attachment-locked")]
    assert "deleted" in json.loads(proc.stdout)[0]["message"]
    # and validate does not take the folder for the file either
    proc = bulletin("validate", "--lang", "en", cwd=linked)
    assert proc.returncode == 1
    assert f"{CAPA_1}:" in proc.stdout and "the link points to sub.md, which does not exist" in proc.stdout


def test_the_base_is_read_with_its_own_types(repo):
    # the pull request renames capa's folder in types.yml and deletes a CAPA that lived in the old folder
    write(repo, "site_config/types.yml", "types:\n  capa:\n    folder: corrective\n")
    (repo / CAPA_1).unlink()
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1, proc.stdout
    assert codes(proc) == [(CAPA_1, "change-deleted")]
    # renaming the folder and moving the records into it keeps every ID: passes
    moved = CAPA_1.replace("records/capa/", "records/corrective/")
    write(repo, moved, CAPA.format(id="CAPA-2026-001", title="冲压件毛刺"))
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout
    # and the moved CAPA is still locked: an edit there needs an amendment
    edit(repo, moved, ("root_cause: 模具磨损", "root_cause: 未知"))
    assert codes(check(repo, "--format", "json")) == [(moved, "change-locked-edited")]


OPEN_CAPA = "records/capa/2026/CAPA-2026-002-seal-leak.md"


def test_former_ids_are_claimed_only_by_the_renumbered_record(repo):
    write(repo, OPEN_CAPA, CAPA.format(id="CAPA-2026-002", title="密封圈泄漏").replace(
        "status: closed", "status: implementing").split("verification:")[0] + "---\n密封圈泄漏。\n")
    merge_into_main(repo, "an open CAPA")
    # the open CAPA is deleted and its ID parked on an unrelated closed CAPA (with an amendment, even)
    (repo / OPEN_CAPA).unlink()
    edit(repo, CAPA_1, ("title:", "former_ids: [CAPA-2026-002]\ntitle:"),
         ("closed_on: 2026-03-25\n", "closed_on: 2026-03-25\namendments:\n"
          + AMEND.format(date="2026-04-02", reason="合并记录")))
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1, proc.stdout
    assert sorted(codes(proc)) == [(CAPA_1, "change-former-claim"), (OPEN_CAPA, "change-deleted")]
    claim = next(p for p in json.loads(proc.stdout) if p["code"] == "change-former-claim")
    assert "CAPA-2026-001 itself was not renumbered" in claim["message"] and claim["line"] == 3
    write(repo, CAPA_1, CAPA.format(id="CAPA-2026-001", title="冲压件毛刺"))
    # a record of another type may not take it either
    write(repo, "records/notices/2026/NTC-2026-009-seal.md",
          NOTICE.replace("NTC-2026-001", "NTC-2026-009").replace("category:", "former_ids: [CAPA-2026-002]\ncategory:"))
    proc = check(repo, "--format", "json")
    assert sorted(codes(proc)) == [(OPEN_CAPA, "change-deleted"),
                                   ("records/notices/2026/NTC-2026-009-seal.md", "change-former-claim")]
    assert "CAPA-2026-002 is a record of type capa" in check(repo).stdout
    (repo / "records/notices/2026/NTC-2026-009-seal.md").unlink()
    # nor a copy while the original is still there
    renumbered = OPEN_CAPA.replace("CAPA-2026-002", "CAPA-2026-012")
    git("checkout", "-q", "--", OPEN_CAPA, cwd=repo)
    text = (repo / OPEN_CAPA).read_text("utf-8")
    write(repo, renumbered, text.replace("id: CAPA-2026-002", "id: CAPA-2026-012\nformer_ids: [CAPA-2026-002]"))
    assert codes(check(repo, "--format", "json")) == [(renumbered, "change-former-claim")]
    # the genuine renumbering: the old file goes, the new one claims its ID: passes
    (repo / OPEN_CAPA).unlink()
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout


MEETING_2 = "records/meetings/2026/MTG-2026-002-line-review.md"
MEETING_WITH_ACTIONS = """\
---
id: MTG-2026-002
title: 冲压线评审会
department: QA
kind: department
date: 2026-02-03
chair: li
recorder: zhao
attendees: [li, zhao]
status: approved
approved_by: li
approved_on: 2026-02-04
actions:
  - text: 更新控制计划
    owner: zhao
    due: 2026-03-01
  - text: 培训新员工
    owner: li
    due: 2026-02-20
    status: done
    done_on: 2026-02-18
received:
  - {department: QA, by: li, on: 2026-02-05}
---
# 冲压线评审会

评审了冲压线的毛刺问题。
"""
RECEIPT = ("  - {department: QA, by: li, on: 2026-02-05}\n",
           "  - {department: QA, by: li, on: 2026-02-05}\n  - {department: GM, by: wang, on: 2026-02-06}\n")
DONE = ("    due: 2026-03-01\n", "    due: 2026-03-01\n    status: done\n    done_on: 2026-02-27\n")
CANCELLED = ("    due: 2026-03-01\n", "    due: 2026-03-01\n    status: cancelled\n")
EVIDENCE = ("    done_on: 2026-02-18\n", "    done_on: 2026-02-18\n    evidence: 培训签到表 2026-02-18\n")
WITHDRAWN = ("approved_on: 2026-02-04\n",
             "approved_on: 2026-02-04\nwithdrawn: {date: 2026-03-02, by: li, reason: 与 MTG-2026-001 重复}\n")
PROGRESS = {
    "a receipt appended": [RECEIPT],
    "an open action done, with done_on": [DONE],
    "an open action cancelled": [CANCELLED],
    "evidence added to an action": [EVIDENCE],
    "withdrawn added, with other progress": [WITHDRAWN, RECEIPT, DONE],
    "every kind of progress at once": [RECEIPT, DONE, EVIDENCE, WITHDRAWN],
}
EDITS = {
    "a done action reopened": ("    status: done\n    done_on: 2026-02-18\n", ""),
    "an action's text changed": ("  - text: 更新控制计划\n", "  - text: 更新控制计划和作业指导书\n"),
    "the title changed": ("title: 冲压线评审会\n", "title: 冲压线评审会（修订）\n"),
    "an earlier receipt changed": ("{department: QA, by: li, on: 2026-02-05}", "{department: QA, by: zhao, on: 2026-02-05}"),
    "an action's due moved": ("    due: 2026-02-20\n", "    due: 2026-02-28\n"),
    "an action's done_on changed": ("    done_on: 2026-02-18\n", "    done_on: 2026-02-19\n"),
}


@pytest.fixture
def minutes(repo) -> Path:
    """`repo` with an approved meeting that has an open and a done action and one receipt, on main."""
    git("checkout", "-q", "main", cwd=repo)
    write(repo, MEETING_2, MEETING_WITH_ACTIONS)
    commit(repo, "the line review")
    git("checkout", "-q", "pr", cwd=repo)
    git("merge", "-q", "--ff-only", "main", cwd=repo)
    return repo


@pytest.mark.parametrize("progress", PROGRESS.values(), ids=PROGRESS.keys())
def test_progress_on_an_approved_meeting_needs_no_amendment(minutes, progress):
    edit(minutes, MEETING_2, *progress)
    proc = check(minutes)
    assert proc.returncode == 0, proc.stdout
    commit(minutes, "progress")
    assert check(minutes).returncode == 0


@pytest.mark.parametrize("change", EDITS.values(), ids=EDITS.keys())
def test_any_other_change_on_an_approved_meeting_needs_an_amendment(minutes, change):
    edit(minutes, MEETING_2, RECEIPT, EVIDENCE)            # progress alone passes ...
    assert check(minutes).returncode == 0
    edit(minutes, MEETING_2, change)                        # ... an edit besides it does not
    proc = check(minutes, "--format", "json")
    assert proc.returncode == 1, proc.stdout
    assert codes(proc) == [(MEETING_2, "change-locked-edited")]
    edit(minutes, MEETING_2, ("approved_on: 2026-02-04\n", "approved_on: 2026-02-04\namendments:\n"
                              + AMEND.format(date="2026-03-03", reason="会后更正")))
    proc = check(minutes)
    assert proc.returncode == 0, proc.stdout


def test_a_type_declared_in_types_yml_is_locked_as_its_locked_when_says(repo):
    """The lock rule is data: a company's own type declares it, as complaint, nc and memo do."""
    write(repo, "site_config/types.yml", """\
types:
  audit:
    folder: audits
    prefix: AUD
    locked_when: {status: [signed, archived]}
    fields:
      status: {kind: choice, values: [draft, signed, archived], required: true}
""")
    signed, draft = "records/audits/2026/AUD-2026-001-layered.md", "records/audits/2026/AUD-2026-002-process.md"
    write(repo, signed, "---\nid: AUD-2026-001\ntitle: 分层审核\ndepartment: QA\nstatus: signed\n---\n发现两项。\n")
    write(repo, draft, "---\nid: AUD-2026-002\ntitle: 过程审核\ndepartment: QA\nstatus: draft\n---\n发现一项。\n")
    assert bulletin("validate", cwd=repo).returncode == 0
    merge_into_main(repo, "two audits")
    edit(repo, signed, ("发现两项。", "发现三项。"))
    edit(repo, draft, ("发现一项。", "发现两项。"))            # a draft is edited freely
    proc = check(repo, "--format", "json")
    assert codes(proc) == [(signed, "change-locked-edited")]
    assert "AUD-2026-001 is signed on the target branch" in json.loads(proc.stdout)[0]["message"]


@pytest.mark.parametrize("rtype", ["complaint", "nc", "memo"])
def test_a_closed_v2_record_is_locked(repo, rtype):
    """Contract v2: a closed complaint, nc or memo is edited only with an amendment, like a closed CAPA."""
    folder, prefix = {"complaint": ("complaints", "CMP"), "nc": ("nc", "NC"), "memo": ("memos", "MEMO")}[rtype]
    path = f"records/{folder}/2026/{prefix}-2026-001-x.md"
    write(repo, path, f"---\nid: {prefix}-2026-001\ntitle: 已关闭\ndepartment: QA\nstatus: closed\n---\n原文。\n")
    merge_into_main(repo, f"a closed {rtype}")
    edit(repo, path, ("原文。", "改过的原文。"))
    assert codes(check(repo, "--format", "json")) == [(path, "change-locked-edited")]


# --- audit14b: an ineffective verification sends the CAPA back to implementing -------------------

FAILED = ("effective: true, evidence: 连续三批无毛刺", "effective: false, evidence: 复查时第四批仍有毛刺")


@pytest.mark.parametrize("status", ["closed", "verification"])
def test_an_ineffective_verification_may_not_close_or_stay_without_an_amendment(repo, status):
    edit(repo, CAPA_1, FAILED, ("status: closed", f"status: {status}"))
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1
    assert {(CAPA_1, "change-ineffective-amendment"), (CAPA_1, "change-ineffective-status")} <= set(codes(proc))
    text = check(repo).stdout
    assert f"set status back to implementing (act again), not {status}" in text
    assert "reason names the failed verification" in text and "2026-03-20" in text


def test_an_ineffective_verification_needs_an_amendment_naming_it(repo):
    edit(repo, CAPA_1, FAILED, ("status: closed", "status: implementing"), ("closed_on: 2026-03-25\n", ""))
    edit(repo, CAPA_1, ("approved_on: 2026-01-20\n",
                        "approved_on: 2026-01-20\namendments:\n" + AMEND.format(date="2026-06-01", reason="补充说明")))
    proc = check(repo, "--format", "json")
    assert proc.returncode == 1
    assert codes(proc) == [(CAPA_1, "change-ineffective-amendment")]


@pytest.mark.parametrize("reason", ["2026-03-20 效果验证无效，重新实施措施", "Verification failed - burrs again and actions reopened"])
def test_an_ineffective_verification_back_to_implementing_with_its_amendment_passes(repo, reason):
    edit(repo, CAPA_1, FAILED, ("status: closed", "status: implementing"), ("closed_on: 2026-03-25\n", ""),
         ("approved_on: 2026-01-20\n",
          "approved_on: 2026-01-20\namendments:\n" + AMEND.format(date="2026-06-01", reason=reason)))
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout
    assert bulletin("validate", cwd=repo).returncode == 0, bulletin("validate", "--lang", "en", cwd=repo).stdout


# --- audit8: what changed in a locked record; a record renamed to a name a record cannot have -----------

def test_a_locked_edit_names_the_fields_and_body_it_changed(repo):
    text = (repo / CAPA_1).read_text("utf-8")
    write(repo, CAPA_1, text.replace("    owner: zhao\n", "    owner: li\n").replace("root_cause: 模具磨损", "root_cause: 模具老化")
          .replace("毛刺超差，已纠正。", "毛刺超差。"))
    proc = check(repo)
    assert proc.returncode == 1
    assert "this change edits root_cause, actions[1].owner, the body: an edit must append" in proc.stdout, proc.stdout
    zh = bulletin("check-changes", "--base", "main", "--lang", "zh", cwd=repo).stdout
    assert "本次修改了 root_cause、actions[1].owner、正文：" in zh, zh
    # progress (an action done) is no edit and is not named
    write(repo, MEETING_1, (repo / MEETING_1).read_text("utf-8").replace("attendees: [li, zhao]",
                                                                          "attendees: [li, zhao, wang]"))
    assert "this change edits attendees[3]:" not in check(repo).stdout
    assert "this change edits attendees:" in check(repo).stdout


@pytest.mark.parametrize("name", ["MTG-2026-001-qa-monthly.MD", "MTG-2026-001-qa-monthly.md.txt"])
def test_a_record_renamed_to_a_bad_name_is_said_to_be_renamed(repo, name):
    new = f"records/meetings/2026/{name}"
    (repo / MEETING_1).rename(repo / new)
    proc = check(repo)
    assert proc.returncode == 1
    assert "was deleted" not in proc.stdout, proc.stdout
    assert f"{new}:" in proc.stdout and f"the record MTG-2026-001 was renamed to {new}, a name a record cannot have" \
        in proc.stdout, proc.stdout
    assert "rename it back to records/meetings/2026/MTG-2026-001-qa-monthly.md" in proc.stdout
