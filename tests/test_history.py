"""generator.git: record history from one `git log` pass, files at a revision, shallow clones."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from conftest import run

from generator import git as bgit


def sh_git(root: Path, *args: str, author: str = "Test User", date: str | None = None) -> str:
    env = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{author.split()[0].lower()}@example.com",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "ci@example.com"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return run(["git", *args], cwd=root, check=True, env=env).stdout


def put(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit(root: Path, message: str, **who) -> None:
    sh_git(root, "add", "-A")
    sh_git(root, "commit", "-qm", message, **who)


def new_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    sh_git(root, "init", "-q", "-b", "main")
    return root


OLD = "records/meetings/2026/MTG-2026-003-kickoff.md"
NEW = "records/meetings/management-review/2026/MTG-2026-003-kickoff.md"
BODY = "---\nid: MTG-2026-003\ntitle: 项目启动会\n---\n" + "".join(f"第 {i} 项议题的讨论内容。\n" for i in range(20))


def test_history_follows_a_rename_and_lists_every_commit(tmp_path):
    root = new_repo(tmp_path)
    put(root, OLD, BODY)
    put(root, "records/notices/2026/NTC-2026-001-通知.md", "---\nid: NTC-2026-001\n---\n放假\n")
    commit(root, "新增 MTG-2026-003 项目启动会\n\n会议纪要初稿。", author="张伟", date="2026-03-02T09:15:00+08:00")
    put(root, OLD, BODY.replace("第 3 项", "第三项"))
    commit(root, "Fix item 3", author="Li Na", date="2026-03-05T14:00:00+08:00")
    (root / NEW).parent.mkdir(parents=True)
    sh_git(root, "mv", OLD, NEW)
    commit(root, "Move the kickoff to management review", author="Li Na", date="2026-03-06T10:00:00+08:00")
    put(root, NEW, BODY.replace("第 3 项", "第三项").replace("第 19 项", "最后一项"))
    commit(root, "批准 MTG-2026-003", author="王军", date="2026-03-09T16:30:00+08:00")

    hist = bgit.history(root)
    assert OLD not in hist
    commits = hist[NEW]
    assert [(c.author, c.subject) for c in commits] == [
        ("王军", "批准 MTG-2026-003"),
        ("Li Na", "Move the kickoff to management review"),
        ("Li Na", "Fix item 3"),
        ("张伟", "新增 MTG-2026-003 项目启动会"),
    ]
    first = commits[-1]
    assert first.message == "新增 MTG-2026-003 项目启动会\n\n会议纪要初稿。"
    assert first.date == dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert first.email == "张伟@example.com"
    assert len(first.sha) == 40 and first.short == first.sha[:7]
    assert bgit.created(commits) == first.date
    assert bgit.last_changed(commits) == dt.datetime(2026, 3, 9, 16, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    # a file name in Chinese, unquoted
    assert [c.subject for c in hist["records/notices/2026/NTC-2026-001-通知.md"]] == ["新增 MTG-2026-003 项目启动会"]
    assert bgit.created([]) is None and bgit.last_changed([]) is None


def test_history_keeps_branch_commits_and_skips_an_older_file_of_the_same_name(tmp_path):
    root = new_repo(tmp_path)
    path = "records/capa/2026/CAPA-2026-001.md"
    put(root, path, "---\nid: CAPA-2026-001\n---\nfirst life\n")
    commit(root, "a record made by mistake", date="2026-01-01T08:00:00+08:00")
    (root / path).unlink()
    commit(root, "delete it", date="2026-01-02T08:00:00+08:00")
    put(root, path, "---\nid: CAPA-2026-001\ntitle: the real one\n---\nsecond life\n")
    commit(root, "the real CAPA-2026-001", date="2026-01-03T08:00:00+08:00")
    sh_git(root, "checkout", "-qb", "feature")
    put(root, path, "---\nid: CAPA-2026-001\ntitle: the real one\n---\nsecond life, more\n")
    commit(root, "on a branch", date="2026-01-04T08:00:00+08:00")
    sh_git(root, "checkout", "-q", "main")
    put(root, "records/capa/2026/CAPA-2026-002.md", "---\nid: CAPA-2026-002\n---\n")
    commit(root, "another record on main", date="2026-01-05T08:00:00+08:00")
    sh_git(root, "merge", "-q", "--no-ff", "--no-edit", "feature", date="2026-01-06T08:00:00+08:00")

    hist = bgit.history(root)
    assert [c.subject for c in hist[path]] == ["on a branch", "the real CAPA-2026-001"]
    assert [c.subject for c in hist["records/capa/2026/CAPA-2026-002.md"]] == ["another record on main"]


def test_not_a_repository_or_no_commits_gives_an_empty_history(tmp_path):
    put(tmp_path / "plain", "records/capa/2026/CAPA-2026-001.md", "---\nid: CAPA-2026-001\n---\n")
    assert bgit.history(tmp_path / "plain") == {}
    assert bgit.is_repository(tmp_path / "plain") is False
    assert bgit.is_shallow(tmp_path / "plain") is False
    empty = new_repo(tmp_path)
    assert bgit.history(empty) == {}


def test_files_at_and_merge_base(tmp_path):
    root = new_repo(tmp_path)
    put(root, "records/notices/2026/NTC-2026-001-放假.md", "---\nid: NTC-2026-001\n---\n放假\r\n")
    put(root, "records/notices/2026/photo.png", "\x89PNG fake")
    put(root, "README.md", "not a record\n")
    commit(root, "one")
    sh_git(root, "checkout", "-qb", "pr")
    put(root, "records/notices/2026/NTC-2026-002.md", "---\nid: NTC-2026-002\n---\n")
    commit(root, "two")
    base = bgit.merge_base(root, "main", "HEAD")
    assert base == sh_git(root, "rev-parse", "main").strip()
    files = bgit.files_at(root, base)
    assert files == {
        "records/notices/2026/NTC-2026-001-放假.md": "---\nid: NTC-2026-001\n---\n放假\r\n".encode(),
        "records/notices/2026/photo.png": "\x89PNG fake".encode(),
    }
    assert set(bgit.files_at(root, "pr")) == set(files) | {"records/notices/2026/NTC-2026-002.md"}
    try:
        bgit.files_at(root, "no-such-branch")
    except bgit.GitError as exc:
        assert "no-such-branch" in str(exc)
    else:
        raise AssertionError("an unknown revision must raise GitError")


def test_a_shallow_clone_is_detected(tmp_path):
    root = new_repo(tmp_path)
    for i in range(3):
        put(root, "records/notices/2026/NTC-2026-001.md", f"---\nid: NTC-2026-001\n---\nv{i}\n")
        commit(root, f"version {i}")
    assert bgit.is_shallow(root) is False
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], cwd=tmp_path, check=True)
    assert bgit.is_shallow(clone) is True
    # what a shallow clone sees is one commit: why the build must warn
    assert [c.subject for c in bgit.history(clone)["records/notices/2026/NTC-2026-001.md"]] == ["version 2"]


def fast_import(root: Path, commits: list[tuple[str, list[str]]]) -> None:
    """Write commits straight into the repository, no working tree: (message, file commands). HEAD is main."""
    stream = []
    for n, (message, commands) in enumerate(commits):
        data = message.encode()
        stream.append(f"commit refs/heads/main\nmark :{n + 1}\n"
                      f"committer Test User <test@example.com> {1767225600 + n * 3600} +0800\n"
                      f"data {len(data)}\n{message}\n")
        if n:
            stream.append(f"from :{n}\n")
        stream.extend(c + "\n" for c in commands)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input="".join(stream).encode(), check=True)


def inline(path: str, text: str) -> str:
    data = text.encode()
    return f"M 100644 inline {path}\ndata {len(data)}\n{text}"


def test_ten_thousand_files_in_one_pass(tmp_path):
    root = new_repo(tmp_path)
    folder = "records/capa/2026"
    fast_import(root, [
        ("ten thousand records",
         [inline(f"{folder}/CAPA-2026-{i:05d}.md", f"---\nid: CAPA-2026-{i:05d}\n---\n{i}\n") for i in range(10_000)]),
        ("edit a third of them",
         [inline(f"{folder}/CAPA-2026-{i:05d}.md", f"---\nid: CAPA-2026-{i:05d}\n---\n{i} edited\n")
          for i in range(0, 10_000, 3)]),
        ("move them all", [f"R {folder} records/capa/archive-2026"]),
    ])

    hist = bgit.history(root)
    assert len(hist) == 10_000
    assert [c.subject for c in hist["records/capa/archive-2026/CAPA-2026-00003.md"]] == [
        "move them all", "edit a third of them", "ten thousand records"]
    assert len(hist["records/capa/archive-2026/CAPA-2026-00004.md"]) == 2
    assert len(bgit.files_at(root, "HEAD")) == 10_000
