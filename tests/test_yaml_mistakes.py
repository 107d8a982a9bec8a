"""The typing mistakes of a Chinese keyboard in YAML get a message that names the character and the fix, at the
right line, in Chinese by default. Each tests/cases/yaml-<mistake>/ holds records with one mistake each;
`expected.txt` (English, run by test_cases.py) and `expected.zh.txt` (Chinese, here) are the exact output."""

from __future__ import annotations

import json
import re

import pytest

from conftest import bulletin
from test_cases import CASES, build_case

MISTAKES = {   # case -> the problem codes it must show
    "yaml-fullwidth-colon": {"yaml-fullwidth-colon", "unknown-key"},
    "yaml-fullwidth-comma": {"unknown-person", "unknown-dept", "yaml-fullwidth"},
    "yaml-fullwidth-brackets": {"yaml-list-as-text", "yaml-fullwidth"},
    "yaml-fullwidth-quotes": {"yaml-fullwidth", "unknown-person"},
    "yaml-tab-indent": {"yaml-tab"},
    "yaml-colon-space": {"yaml-colon-space", "unknown-key"},
    "yaml-unclosed-quote": {"yaml-unclosed-quote", "yaml-unclosed-quote-wide"},
    "yaml-list-dash": {"yaml-list-dash", "yaml-list-as-text"},
    "yaml-fullwidth-space": {"yaml-fullwidth", "unknown-person", "yaml-list-as-text", "bad-choice"},
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_mistake_explained_in_chinese(name, tmp_path):
    repo = build_case(CASES / name, tmp_path / "repo")
    proc = bulletin("validate", cwd=repo)
    assert proc.returncode == 1 and proc.stderr == ""
    expected = (CASES / name / "expected.zh.txt").read_text("utf-8").splitlines()
    assert proc.stdout.splitlines() == expected
    english = (CASES / name / "expected.txt").read_text("utf-8").splitlines()
    where = [re.match(r"^(\S+:\d+): error: ", line).group(1) for line in expected[:-1]]
    assert where == [re.match(r"^(\S+:\d+): error: ", line).group(1) for line in english[:-1]], "same lines in en"
    for line in expected[:-1]:
        assert "YAML 语法错误" not in line and "while scanning" not in line, "no raw parser English"
        assert "写成 " in line or "Tab" in line, "every message says how to write it"
    codes = {p["code"] for p in json.loads(bulletin("validate", "--format", "json", cwd=repo).stdout)}
    assert MISTAKES[name] <= codes


def test_the_issue_examples(tmp_path):
    """`recorder：wuhaitao`, a tab, and `[zhouqiang，wuhaitao]`, as the issue reports them."""
    repo = build_case(CASES / "yaml-fullwidth-colon", tmp_path / "repo")
    people = repo / "site_config" / "people.yml"
    people.write_text(people.read_text("utf-8") + "- id: wuhaitao\n  name: 吴海涛\n  department: PRD\n", "utf-8")
    folder = repo / "records" / "meetings" / "2026"
    for p in folder.glob("MTG-2026-01*"):
        p.unlink()
    meeting = ("---\nid: MTG-2026-0{n}\ntitle: 换型评审\ndepartment: PRD\nkind: department\ndate: 2026-03-09\n"
               "chair: zhouqiang\nrecorder: wuhaitao\nattendees: [zhouqiang, wuhaitao]\nstatus: draft\n---\n正文\n")
    (folder / "MTG-2026-020-colon.md").write_text(meeting.format(n=20).replace("recorder: ", "recorder："), "utf-8")
    (folder / "MTG-2026-021-tab.md").write_text(
        meeting.format(n=21).replace("attendees: [zhouqiang, wuhaitao]", "attendees:\n\t- zhouqiang"), "utf-8")
    (folder / "MTG-2026-022-comma.md").write_text(
        meeting.format(n=22).replace("[zhouqiang, wuhaitao]", "[zhouqiang，wuhaitao]"), "utf-8")
    lines = bulletin("validate", cwd=repo).stdout.splitlines()
    assert lines[:3] == [
        "records/meetings/2026/MTG-2026-020-colon.md:8: error: recorder 后面是中文冒号“：”；"
        "YAML 只认英文冒号“:”加一个空格：写成 recorder: wuhaitao",
        "records/meetings/2026/MTG-2026-021-tab.md:10: error: 这一行用制表符（Tab）缩进；"
        "YAML 只能用空格缩进：把 Tab 换成空格（每层两个空格）",
        "records/meetings/2026/MTG-2026-022-comma.md:9: error: attendees[1]：人员 zhouqiang，wuhaitao 不在 "
        "site_config/people.yml 中；其中用了中文逗号“，”，YAML 只认英文标点：写成 [zhouqiang, wuhaitao]",
    ]
    assert "是否想写" not in "\n".join(lines), "no did-you-mean that points the wrong way"
