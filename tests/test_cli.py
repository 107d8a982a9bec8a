"""`bulletin validate` as a user and a CI job run it: exit codes, output formats, languages,
paths, and the repository found from a sub-folder. Real trees in tmp_path, the real command."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import bulletin
from generator.cli import build_parser
from test_cases import BASE

CAPA2 = "records/capa/2026/CAPA-2026-002-audit-finding.md"
NTC2 = "records/notices/2026/NTC-2026-002-holiday.md"


@pytest.fixture
def repo(tmp_path) -> Path:
    """The valid base tree of the data-driven cases."""
    return Path(shutil.copytree(BASE, tmp_path / "repo"))


def break_records(repo: Path) -> None:
    """One error (an unknown person, line 9) and one warning (an e-mail link target, line 12)."""
    capa = repo / CAPA2
    capa.write_text(capa.read_text("utf-8").replace("owner: chenjing", "owner: chenjin"), "utf-8")
    notice = repo / NTC2
    notice.write_text(notice.read_text("utf-8") + "\n联系 [人事](hr@example.com)。\n", "utf-8")


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr + result.stdout
    assert "internal error" not in result.stderr


# --- exit codes ------------------------------------------------------------------------------

def test_valid_repository_exits_0(repo):
    result = bulletin("validate", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "检查了 12 条记录：0 个错误，0 个警告\n"


def test_problems_exit_1_and_every_problem_is_reported(repo):
    break_records(repo)
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{CAPA2}:9: error: owner: the person chenjin is not in site_config/people.yml; did you mean chenjing?",
        f"{NTC2}:12: warning: the link target hr@example.com is an e-mail address; write mailto:hr@example.com",
        "checked 12 records: 1 errors, 1 warnings",
    ]


def test_warnings_alone_exit_0(repo):
    break_records(repo)
    capa = repo / CAPA2
    capa.write_text(capa.read_text("utf-8").replace("owner: chenjin", "owner: chenjing"), "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "checked 12 records: 0 errors, 1 warnings"


def test_missing_departments_registry_exits_2(repo):
    (repo / "site_config/departments.yml").unlink()
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert result.returncode == 2
    no_traceback(result)
    assert result.stderr.startswith("site_config/departments.yml:1: error: cannot read the configuration:")
    assert "not found" in result.stderr


@pytest.mark.parametrize("text, line", [
    ('- id: lina\n  name: "李娜\n  department: PRD\n', 2),   # an unclosed quote, opened on line 2
    ("- id: lina\n  name: 李娜\n name: x\n", 3),            # bad indentation
    ("id: lina\nname: 李娜\n", 1),                           # a mapping, not a list
    ("- id: lina\n  id: lina2\n  name: 李娜\n", 2),          # a duplicate key
])
def test_unparseable_people_registry_exits_2(repo, text, line):
    (repo / "site_config/people.yml").write_text(text, "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert result.returncode == 2, result.stdout
    no_traceback(result)
    assert result.stderr.startswith(f"site_config/people.yml:{line}: error: cannot read the configuration:")


def test_people_registry_in_gbk_exits_2(repo):
    people = repo / "site_config/people.yml"
    people.write_bytes(people.read_text("utf-8").encode("gbk"))
    result = bulletin("validate", cwd=repo)
    assert result.returncode == 2
    no_traceback(result)
    assert result.stderr.startswith("site_config/people.yml:")


@pytest.mark.parametrize("args", [
    ["validate", "--format", "xml"],
    ["validate", "--today", "2026-02-30"],
    ["validate", "--lang", "fr"],
    ["validate", "--no-such-option"],
    ["no-such-command"],
    [],
])
def test_bad_arguments_exit_2(repo, args):
    result = bulletin(*args, cwd=repo)
    assert result.returncode == 2
    no_traceback(result)
    assert "usage: bulletin" in result.stderr


@pytest.mark.parametrize("args, zh, en", [
    (["validate", "--format", "xml"], "--format 的值 xml 无效，可选：text, json, github",
     "--format is xml, which is not allowed; choose one of: text, json, github"),
    (["status", "--today", "2026/11/3"], "--today 的值 2026/11/3 不是日期：写成 YYYY-MM-DD",
     "--today 2026/11/3 is not a date: write it as YYYY-MM-DD"),
    (["new", "capa"], "缺少必须给出的参数：--title", "missing required arguments: --title"),
    (["status", "--person", "a", "--department", "QA"], "只能用其中一个", "cannot be used together"),
    (["validate", "--no-such-option"], "无法识别的参数：--no-such-option", "unrecognized arguments: --no-such-option"),
    (["build", "--today"], "--today 后面要写一个值", "--today needs a value after it"),
])
def test_bad_arguments_are_explained_in_the_readers_language(repo, args, zh, en):
    for lang, says in (("zh", zh), ("en", en)):
        result = bulletin("--lang", lang, *args, cwd=repo)
        assert result.returncode == 2 and "usage: bulletin" in result.stderr
        assert says in result.stderr.splitlines()[-1], result.stderr
    assert zh in bulletin(*args, cwd=repo).stderr  # Chinese without --lang (site.yml: zh)


def test_bad_site_settings_exit_2(repo):
    (repo / "site_config/site.yml").write_text("language: fr\n", "utf-8")
    result = bulletin("validate", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.startswith("site_config/site.yml:")
    assert "fr" in result.stderr


# --- output formats --------------------------------------------------------------------------

def test_json_format(repo):
    break_records(repo)
    result = bulletin("validate", "--format", "json", "--lang", "en", cwd=repo)
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert problems == [
        {"path": CAPA2, "line": 9, "field": "owner", "severity": "error", "code": "unknown-person",
         "message": "owner: the person chenjin is not in site_config/people.yml; did you mean chenjing?"},
        {"path": NTC2, "line": 12, "field": None, "severity": "warning", "code": "link-email",
         "message": "the link target hr@example.com is an e-mail address; write mailto:hr@example.com"},
    ]


def test_json_format_of_a_valid_repository_is_an_empty_list(repo):
    result = bulletin("validate", "--format", "json", cwd=repo)
    assert result.returncode == 0
    assert json.loads(result.stdout) == []


def test_json_messages_keep_chinese_unescaped(repo):
    break_records(repo)
    result = bulletin("validate", "--format", "json", "--lang", "zh", cwd=repo)
    assert "人员 chenjin 不在" in result.stdout
    assert json.loads(result.stdout)[0]["message"].startswith("owner：人员 chenjin")


def test_github_format(repo):
    break_records(repo)
    result = bulletin("validate", "--format", "github", "--lang", "en", cwd=repo)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (f"::error file={CAPA2},line=9,title=unknown-person::owner: the person chenjin is not in "
                        "site_config/people.yml; did you mean chenjing?")
    assert lines[1].startswith(f"::warning file={NTC2},line=12,title=link-email::the link target hr@example.com")
    assert lines[2] == "checked 12 records: 1 errors, 1 warnings"


def test_github_format_escapes_what_would_end_the_command(repo):
    """A file name with a comma or colon must not cut the annotation's properties short."""
    src = repo / NTC2
    odd = src.with_name("NTC-2026-009-a,b:c.md")
    odd.write_text(src.read_text("utf-8").replace("NTC-2026-002", "NTC-2026-009").replace(
        "category: announcement", "category: anouncement"), "utf-8")
    result = bulletin("validate", "--format", "github", cwd=repo)
    lines = result.stdout.splitlines()
    assert "::error file=records/notices/2026/NTC-2026-009-a%2Cb%3Ac.md,line=5,title=bad-choice::" \
           "category 的值 anouncement 无效，可选值：announcement, policy, rule, circular, manual, other，" \
           "是否想写 announcement？" in lines


# --- language --------------------------------------------------------------------------------

def test_lang_zh_and_en(repo):
    break_records(repo)
    zh = bulletin("validate", "--lang", "zh", cwd=repo).stdout.splitlines()
    en = bulletin("validate", "--lang", "en", cwd=repo).stdout.splitlines()
    default = bulletin("validate", cwd=repo).stdout.splitlines()
    assert default == zh  # Chinese unless the site says otherwise
    assert zh[0] == f"{CAPA2}:9: error: owner：人员 chenjin 不在 site_config/people.yml 中，是否想写 chenjing？"
    assert zh[1].startswith(f"{NTC2}:12: warning: 链接目标 hr@example.com 是电子邮件地址")
    assert zh[2] == "检查了 12 条记录：1 个错误，1 个警告"
    assert en[0].startswith(f"{CAPA2}:9: error: owner: the person chenjin")
    assert en[2] == "checked 12 records: 1 errors, 1 warnings"


def test_site_language_sets_the_default(repo):
    break_records(repo)
    (repo / "site_config/site.yml").write_text("site_name: Test\nlanguage: en\n", "utf-8")
    default = bulletin("validate", cwd=repo)
    assert default.stdout.splitlines()[-1] == "checked 12 records: 1 errors, 1 warnings"
    zh = bulletin("validate", "--lang", "zh", cwd=repo)  # the option still wins
    assert zh.stdout.splitlines()[-1] == "检查了 12 条记录：1 个错误，1 个警告"


# --- which problems, which repository --------------------------------------------------------

def test_path_limits_output_to_that_file(repo):
    break_records(repo)
    result = bulletin("validate", "--lang", "en", CAPA2, cwd=repo)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == [CAPA2]
    result = bulletin("validate", "--lang", "en", NTC2, cwd=repo)
    assert result.returncode == 0  # only the warning is in that file
    assert result.stdout.splitlines()[-1] == "checked 12 records: 0 errors, 1 warnings"


def test_path_may_be_a_folder(repo):
    break_records(repo)
    result = bulletin("validate", "--lang", "en", "records/notices", cwd=repo)
    assert result.returncode == 0
    assert result.stdout.startswith(f"{NTC2}:12: warning:")
    result = bulletin("validate", "--lang", "en", "records/reports", cwd=repo)
    assert result.stdout == "checked 12 records: 0 errors, 0 warnings\n"


def test_path_still_sees_the_whole_repository(repo):
    """A reference from the named file to another record resolves; a duplicate ID elsewhere is found."""
    result = bulletin("validate", "--lang", "en", "records/meetings/2026/MTG-2026-001-weekly-quality.md", cwd=repo)
    assert result.returncode == 0, result.stdout  # its action refers to CAPA-2026-001


def test_runs_from_a_sub_folder(repo):
    break_records(repo)
    sub = repo / "records/capa/2026"
    result = bulletin("validate", "--lang", "en", cwd=sub)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(f"{CAPA2}:9: error:")  # paths stay relative to the root
    result = bulletin("validate", "--lang", "en", "CAPA-2026-002-audit-finding.md", cwd=sub)
    assert result.stdout.splitlines()[0].startswith(f"{CAPA2}:9: error:")
    assert len(result.stdout.splitlines()) == 2


def test_root_option(repo, tmp_path):
    break_records(repo)
    result = bulletin("validate", "--root", str(repo), "--lang", "en", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "checked 12 records: 1 errors, 1 warnings"


def test_records_folder_that_is_a_symlink_is_not_followed(repo, tmp_path):
    """records/ -> a folder elsewhere: nothing outside the repository is read (or published)."""
    outside = tmp_path / "outside"
    shutil.move(str(repo / "records"), outside)
    (repo / "records").symlink_to(outside)
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"records: error: symbolic links are not followed (this one points to {outside}). Replace it with the real file",
        "checked 0 records: 1 errors, 0 warnings",
    ]


def test_repository_without_records_folder(repo):
    shutil.rmtree(repo / "records")
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert result.returncode == 0
    assert result.stdout == "checked 0 records: 0 errors, 0 warnings\n"


# --- help ------------------------------------------------------------------------------------

COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


def test_all_contract_commands_exist():
    assert {"validate", "new"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_of_every_command(command, tmp_path):
    args = ["--help"] if command is None else [command, "--help"]
    result = bulletin(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: bulletin")
    assert result.stderr == ""
    if command is not None:
        assert re.search(rf"usage: bulletin {re.escape(command)}\b", result.stdout)
        # and an example of its use (the README sends readers to `bulletin COMMAND --help`)
        assert re.search(rf"(?i)(example|示例).*\n?.*bulletin {re.escape(command)}\b", result.stdout), result.stdout


def test_version(tmp_path):
    result = bulletin("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert re.fullmatch(r"bulletin \d+\.\d+\.\d+\n", result.stdout)
