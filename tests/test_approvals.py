"""Approval evidence from Git (issue 14): who committed each approval, shown on the record page and
enforced by `bulletin check-changes` under `approvals: authored` / `signed`; real Git repositories, real
commits by different authors, real signatures made with keys that `ssh-keygen` generates in tmp_path."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import bulletin, run

DEPARTMENTS = """\
- code: GM
  name: 总经理办公室
- code: QA
  name: 品管部
"""
MEETING = "records/meetings/2026/MTG-2026-001-qa-monthly.md"
DRAFT = """\
---
id: MTG-2026-001
title: 品管部月度例会
department: QA
kind: {kind}
date: 2026-02-03
chair: li
recorder: zhao
attendees: [li, zhao]
status: draft
---
# 品管部月度例会

讨论了一月的质量指标。
"""
APPROVAL = "status: approved\napproved_by: {by}\napproved_on: {on}\ndistribution: [QA]\n"
TODAY = "2026-11-24"
WANG = ("王总", "wang@example.com")
LI = ("李质量", "li@example.com")
ZHAO = ("赵工", "zhao@example.com")
GITHUB = ("GitHub", "noreply@github.com")


def keygen(folder: Path, name: str) -> Path:
    """A fresh ed25519 key pair made by the real ssh-keygen; the private key's path."""
    path = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> dict[str, Path]:
    assert shutil.which("ssh-keygen"), "ssh-keygen is needed (apt-get install openssh-client)"
    folder = tmp_path_factory.mktemp("keys")
    return {name: keygen(folder, name) for name in ("wang", "li", "zhao", "host")}


def public(key: Path) -> str:
    return key.with_suffix(".pub").read_text().strip()


def people(keys: dict[str, Path], gm: str = "roles: [gm]", extra: str = "") -> str:
    return f"""\
- id: wang
  name: 王总
  department: GM
  {gm}
  email: wang@example.com
  git_user: wang-gm
  signing_keys:
    - {public(keys['wang'])}
- id: li
  name: 李质量
  department: QA
  roles: [qa, management-rep]
  email: li@example.com
  signing_keys: ["{public(keys['li'])}"]
- id: zhao
  name: 赵工
  department: QA
  email: zhao@example.com
{extra}"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def commit(root: Path, message: str, author: tuple[str, str], key: Path | None = None,
           committer: tuple[str, str] | None = None) -> str:
    """Commit everything as author (signed with key when given; committed by committer, e.g. a Git host's web UI)."""
    name, email = author
    cname, cemail = committer or author
    run(["git", "add", "-A"], cwd=root, check=True)
    sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"] if key else []
    run(["git", "-c", f"user.name={name}", "-c", f"user.email={email}", *sign, "commit", "-q",
         *(["-S"] if key else []), "-m", message], cwd=root, check=True,
        env={"GIT_COMMITTER_NAME": cname, "GIT_COMMITTER_EMAIL": cemail})
    return run(["git", "rev-parse", "HEAD"], cwd=root, check=True).stdout.strip()


def make_repo(tmp_path: Path, keys, mode: str = "declared", kind: str = "management-review", site_extra: str = "",
              registry: str | None = None) -> Path:
    """A records repository whose main holds a draft meeting; HEAD on branch pr."""
    root = tmp_path / "repo"
    write(root, "site_config/site.yml", f"language: zh\napprovals: {mode}\n{site_extra}")
    write(root, "site_config/departments.yml", DEPARTMENTS)
    write(root, "site_config/people.yml", registry or people(keys))
    write(root, MEETING, DRAFT.format(kind=kind))
    run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    commit(root, "a draft meeting", LI)
    run(["git", "checkout", "-qb", "pr"], cwd=root, check=True)
    return root


def approve(root: Path, by: str = "wang", on: str = "2026-02-05") -> None:
    text = (root / MEETING).read_text("utf-8")
    write(root, MEETING, text.replace("status: draft\n", APPROVAL.format(by=by, on=on)))


def check(root: Path):
    proc = bulletin("check-changes", "--base", "main", "--lang", "en", "--format", "json", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def evidence(root: Path, lang_en: bool = False) -> list[dict]:
    """The rows of the table "Approval evidence" on the meeting's page, from a real build."""
    proc = bulletin("build", "--out", "site", "--today", TODAY, cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = root / "site" / MEETING.removeprefix("records/").removesuffix(".md") / "index.html"
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    heading = soup.find("h2", id="approvals")
    assert heading is not None and heading.get_text().startswith("批准记录")
    table = soup.find("table", class_="bl-approvals")
    heads = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    return [dict(zip(heads, (td.get_text(" ", strip=True) for td in tr.find_all("td"))), field=tr["data-field"])
            for tr in table.find("tbody").find_all("tr")]


# --- declared (the default): the page shows the evidence, CI does not judge it --------------------

def test_declared_shows_who_committed_each_approval_and_ci_passes_even_if_forged(tmp_path, keys):
    root = make_repo(tmp_path, keys)
    approve(root)
    forged = commit(root, "approve the meeting", ZHAO)                   # zhao writes wang's approval
    assert check(root) == (0, [])
    text = (root / MEETING).read_text("utf-8")
    write(root, MEETING, text.replace("distribution: [QA]\n", "distribution: [QA]\nreceived:\n"
                                      "  - {department: QA, by: li, on: 2026-02-06}\n"))
    genuine = commit(root, "QA received the minutes", LI)
    rows = evidence(root)
    assert [(r["field"], r["事项"].split()[0]) for r in rows] == [("approved_by", "批准"), ("received[1].by", "签收")]
    approval, receipt = rows
    assert approval["批准人 · 日期"] == "王总 · 2026-02-05"
    assert approval["提交"] == forged[:7] and approval["提交作者"] == "赵工 <zhao@example.com>"
    assert approval["作者即批准人"] == "✗ 否"
    assert receipt["提交"] == genuine[:7] and receipt["作者即批准人"] == "✓ 是"
    assert "签名" not in approval                                        # no signature column unless `signed`


def test_the_introducing_commit_survives_later_edits_and_a_move(tmp_path, keys):
    root = make_repo(tmp_path, keys)
    approve(root)
    genuine = commit(root, "approve", WANG)
    text = (root / MEETING).read_text("utf-8")
    write(root, MEETING, text.replace("讨论了一月的质量指标。", "讨论了一月的质量指标（补充）。")
          .replace("distribution: [QA]\n", "distribution: [QA]\namendments:\n"
                   "  - {date: 2026-02-07, by: li, reason: 补充}\n"))
    commit(root, "amend", LI)
    moved = "records/meetings/2026/MTG-2026-001-qa-monthly-feb.md"
    run(["git", "mv", MEETING, moved], cwd=root, check=True)
    commit(root, "rename", ZHAO)
    run(["git", "mv", moved, MEETING], cwd=root, check=True)
    commit(root, "rename back", ZHAO)
    rows = {r["field"]: r for r in evidence(root)}
    assert rows["approved_by"]["提交"] == genuine[:7] and rows["approved_by"]["作者即批准人"] == "✓ 是"
    assert rows["amendments[1].by"]["提交作者"] == "李质量 <li@example.com>"


# --- authored -----------------------------------------------------------------------------------

def test_authored_refuses_an_approval_committed_by_someone_else(tmp_path, keys):
    root = make_repo(tmp_path, keys, mode="authored")
    approve(root)
    forged = commit(root, "approve the meeting", ZHAO)
    text = (root / MEETING).read_text("utf-8")
    write(root, MEETING, text.replace("讨论了", "会上讨论了"))
    commit(root, "wang edits the body afterwards", WANG)                 # later commits do not launder it
    code, problems = check(root)
    assert code == 1
    assert [(p["path"], p["code"], p["field"], p["line"]) for p in problems] == \
        [(MEETING, "change-approval-author", "approved_by", 11)]
    message = problems[0]["message"]
    for part in ("approval of MTG-2026-001", "names wang (王总)", forged[:7], "赵工 <zhao@example.com>",
                 "approvals: authored", "wang@example.com, wang-gm"):
        assert part in message, message


@pytest.mark.parametrize("author", [WANG, ("wang-gm", "wang@laptop.local"), ("Wang", "1234+wang-gm@users.noreply.github.com")],
                         ids=["email", "git_user", "github-noreply"])
def test_authored_accepts_the_approvers_own_commit(tmp_path, keys, author):
    root = make_repo(tmp_path, keys, mode="authored")
    approve(root)
    commit(root, "li approves for wang", LI)
    assert check(root)[0] == 1
    run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    approve(root)
    commit(root, "approve the meeting", author)
    assert check(root) == (0, [])


def test_authored_checks_every_kind_of_approval_fact_and_names_it(tmp_path, keys):
    root = make_repo(tmp_path, keys, mode="authored")
    approve(root)
    commit(root, "the gm approves", WANG)
    text = (root / MEETING).read_text("utf-8")
    write(root, MEETING, text.replace("distribution: [QA]\n", "distribution: [QA]\nreceived:\n"
                                      "  - {department: QA, by: li, on: 2026-02-06}\n"))
    commit(root, "zhao records li's receipt", ZHAO)
    code, problems = check(root)
    assert code == 1
    assert [(p["code"], p["field"], p["line"]) for p in problems] == [("change-approval-author", "received[1].by", 15)]
    assert "receipt of MTG-2026-001" in problems[0]["message"]


@pytest.mark.parametrize("lower, vouch", [(True, False), (False, True), (True, True)],
                         ids=["lower the mode", "claim the approver's e-mail", "both"])
def test_a_pull_request_cannot_weaken_the_mode_or_vouch_for_itself(tmp_path, keys, lower, vouch):
    root = make_repo(tmp_path, keys, mode="authored")
    approve(root)
    if lower:
        write(root, "site_config/site.yml", "language: zh\napprovals: declared\n")
    if vouch:                                            # the forger gives wang's entry the forger's own e-mail
        write(root, "site_config/people.yml", people(keys).replace("email: wang@example.com", "email: zhao@example.com"))
    commit(root, "approve, and make it look right", ZHAO)
    code, problems = check(root)
    assert code == 1 and [p["code"] for p in problems] == ["change-approval-author"]


def test_an_approver_new_in_the_pull_request_or_without_an_account_is_refused(tmp_path, keys):
    root = make_repo(tmp_path, keys, mode="authored")
    write(root, "site_config/people.yml", people(keys, extra="- id: sun\n  name: 孙\n  department: QA\n  "
                                                  "email: sun@example.com\n"))
    approve(root, by="sun")
    commit(root, "sun joins and approves", ("孙", "sun@example.com"))
    code, problems = check(root)
    assert code == 1 and [p["code"] for p in problems] == ["change-approval-new-person"]
    assert "pull request of its own" in problems[0]["message"]


def test_an_uncommitted_approval_cannot_be_checked(tmp_path, keys):
    root = make_repo(tmp_path, keys, mode="authored")
    approve(root)
    code, problems = check(root)
    assert code == 1 and [p["code"] for p in problems] == ["change-approval-uncommitted"]


def test_an_unknown_mode_stops_with_a_clear_error(tmp_path, keys):
    root = make_repo(tmp_path, keys, mode="sigend")
    for args in (("validate",), ("check-changes", "--base", "main")):
        proc = bulletin(*args, cwd=root)
        assert proc.returncode == 2, proc.stdout
        assert "approvals 只能是 declared、authored 或 signed，这里是 sigend" in proc.stdout + proc.stderr
        english = bulletin(*args, "--lang", "en", cwd=root)
        assert "approvals must be declared, authored or signed, not sigend" in english.stdout + english.stderr


# --- signed ---------------------------------------------------------------------------------------

SIGNED_CASES = {
    # case: (author, signing key, committer, expected problem codes)
    "unsigned": (WANG, None, None, ["change-approval-sig-none"]),
    "wrong key": (WANG, "zhao", None, ["change-approval-sig-other"]),
    "another person's listed key": (WANG, "li", None, ["change-approval-sig-other"]),
    "approver's key": (WANG, "wang", None, []),
    "web commit, trusted host key": (WANG, "host", GITHUB, []),
    "web commit by someone else": (ZHAO, "host", GITHUB, ["change-approval-author"]),
    "approver's key, other author": (ZHAO, "wang", None, ["change-approval-author"]),
}


@pytest.mark.parametrize("case", SIGNED_CASES, ids=list(SIGNED_CASES))
def test_signed_mode(tmp_path, keys, case):
    author, key, committer, expected = SIGNED_CASES[case]
    root = make_repo(tmp_path, keys, mode="signed",
                     site_extra=f"trusted_commit_keys:\n  - {public(keys['host'])}\n")
    approve(root)
    sha = commit(root, "approve the meeting", author, key=keys[key] if key else None, committer=committer)
    code, problems = check(root)
    assert [p["code"] for p in problems] == expected
    assert code == (1 if expected else 0)
    if expected and expected[0].startswith("change-approval-sig"):
        assert sha[:7] in problems[0]["message"] and "wang" in problems[0]["message"]
    if not expected:                                   # what CI accepted, the page shows
        row, = evidence(root)
        assert (row["作者即批准人"], row["签名"]) == \
            ("✓ 是", "✓ Git 托管平台的密钥" if key == "host" else "✓ 批准人的密钥")
    if key == "zhao":
        fingerprint = run(["ssh-keygen", "-lf", str(keys["zhao"].with_suffix(".pub"))], cwd=tmp_path,
                          check=True).stdout.split()[1]
        assert fingerprint in problems[0]["message"]


@pytest.fixture
def gpg_home():
    """A throwaway GnuPG home (short path: gpg-agent's socket lives there) holding two fresh keys."""
    assert shutil.which("gpg"), "gpg is needed (apt-get install gnupg)"
    home = Path(tempfile.mkdtemp(prefix="gpg", dir="/tmp"))
    for uid in ("王总 <wang@example.com>", "Someone <someone@example.com>"):
        subprocess.run(["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
                        "--quick-gen-key", uid, "ed25519", "sign", "never"], check=True, capture_output=True)
    yield home
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True)
    shutil.rmtree(home, ignore_errors=True)


def test_signed_accepts_the_approvers_armoured_gpg_key_and_no_other(tmp_path, keys, gpg_home):
    armoured = subprocess.run(["gpg", "--homedir", str(gpg_home), "--armor", "--export", "wang@example.com"],
                              check=True, capture_output=True, text=True).stdout.strip()
    root = make_repo(tmp_path, keys, mode="signed")
    listed = "    - |\n" + "".join(f"      {line}\n" for line in armoured.splitlines())
    write(root, "site_config/people.yml", people(keys).replace("- id: li\n", listed + "- id: li\n", 1))
    commit(root, "wang's GPG key", WANG)
    run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    run(["git", "merge", "-q", "--ff-only", "pr"], cwd=root, check=True)
    run(["git", "checkout", "-qb", "approve"], cwd=root, check=True)
    approve(root)
    gpg_commit = ["-c", "gpg.format=openpgp", "commit", "-q", "-S{}", "-m", "approve"]
    for signer, expected in (("someone@example.com", ["change-approval-sig-other"]), ("wang@example.com", [])):
        run(["git", "add", "-A"], cwd=root, check=True)
        run(["git", "-c", "user.name=王总", "-c", "user.email=wang@example.com",
             *[a.format(signer) for a in gpg_commit]], cwd=root, check=True, env={"GNUPGHOME": str(gpg_home)})
        assert [p["code"] for p in check(root)[1]] == expected
        run(["git", "reset", "-q", "--soft", "HEAD~"], cwd=root, check=True)
    run(["git", "-c", "user.name=王总", "-c", "user.email=wang@example.com",
         *[a.format("wang@example.com") for a in gpg_commit]], cwd=root, check=True, env={"GNUPGHOME": str(gpg_home)})
    row, = evidence(root)
    assert (row["作者即批准人"], row["签名"]) == ("✓ 是", "✓ 批准人的密钥")


def test_signed_names_the_fix_when_the_approver_has_no_key_yet(tmp_path, keys):
    without = people(keys).replace(f"  signing_keys:\n    - {public(keys['wang'])}\n", "")
    root = make_repo(tmp_path, keys, mode="signed", registry=without)
    approve(root)
    commit(root, "approve", WANG, key=keys["wang"])
    code, problems = check(root)
    assert code == 1 and [p["code"] for p in problems] == ["change-approval-sig-no-keys"]
    assert "lists no signing_keys for wang" in problems[0]["message"]


def test_signed_page_shows_the_signature(tmp_path, keys):
    root = make_repo(tmp_path, keys, mode="signed")
    approve(root)
    commit(root, "approve", WANG, key=keys["wang"])
    text = (root / MEETING).read_text("utf-8")
    write(root, MEETING, text.replace("distribution: [QA]\n", "distribution: [QA]\nreceived:\n"
                                      "  - {department: QA, by: li, on: 2026-02-06}\n"))
    commit(root, "receipt", LI)
    rows = evidence(root)
    assert [(r["作者即批准人"], r["签名"]) for r in rows] == [("✓ 是", "✓ 批准人的密钥"), ("✓ 是", "✗ 未签名")]


def test_a_listed_key_that_is_not_a_public_key_is_an_error(tmp_path, keys):
    root = make_repo(tmp_path, keys)
    write(root, "site_config/people.yml", people(keys).replace(public(keys["li"]), "my key"))
    proc = bulletin("validate", "--lang", "en", "--today", TODAY, cwd=root)
    assert proc.returncode == 1
    assert "site_config/people.yml:" in proc.stdout and "li: a signing key is one OpenSSH public-key line" in proc.stdout


# --- roles held for a time --------------------------------------------------------------------------

def test_a_past_approval_by_a_former_gm_survives_the_role_change(tmp_path, keys):
    root = make_repo(tmp_path, keys, mode="authored")
    approve(root, on="2026-03-10")
    sha = commit(root, "the gm approves the review", WANG)
    assert check(root) == (0, [])
    run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    run(["git", "merge", "-q", "--ff-only", "pr"], cwd=root, check=True)
    run(["git", "checkout", "-qb", "handover"], cwd=root, check=True)
    handover = people(keys, gm="roles: [{role: gm, since: 2024-01-01, until: 2026-06-30}]",
                      extra="- id: sun\n  name: 孙总\n  department: GM\n  roles: [{role: gm, since: 2026-07-01}]\n"
                            "  email: sun@example.com\n")
    write(root, "site_config/people.yml", handover)
    commit(root, "the gm role passes to sun", LI)
    proc = bulletin("validate", "--today", TODAY, cwd=root)
    assert proc.returncode == 0, proc.stdout
    assert check(root) == (0, [])
    rows = evidence(root)
    assert [(r["field"], r["批准人 · 日期"], r["提交"], r["作者即批准人"]) for r in rows] == \
        [("approved_by", "王总 · 2026-03-10", sha[:7], "✓ 是")]
