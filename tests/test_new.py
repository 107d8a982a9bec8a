"""`bulletin new`: the next free ID for the year, the year folder, and a record that validates
once its blanks are filled through the options."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import bulletin
from generator.new import default_period
from generator.validate import load_repository
from test_cases import BASE


@pytest.fixture
def repo(tmp_path) -> Path:
    """The valid base tree: MTG/NTC/CAPA/RPT-2026-001 to -003."""
    return Path(shutil.copytree(BASE, tmp_path / "repo"))


def new(repo: Path, *args: str, cwd: Path | None = None) -> str:
    result = bulletin("new", *args, cwd=cwd or repo)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    path = result.stdout.strip()
    assert (repo / path).is_file(), path  # the printed path exists, relative to the repository
    return path


def validate(repo: Path) -> list[str]:
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


# --- numbering -------------------------------------------------------------------------------

@pytest.mark.parametrize("rtype, folder, prefix", [
    ("meeting", "meetings", "MTG"), ("notice", "notices", "NTC"), ("capa", "capa", "CAPA"), ("report", "reports", "RPT"),
])
def test_next_free_number_after_001_to_003(repo, rtype, folder, prefix):
    path = new(repo, rtype, "--title", "Next one", "--today", "2026-12-01")
    assert path == f"records/{folder}/2026/{prefix}-2026-004-next-one.md"
    assert f"id: {prefix}-2026-004\n" in (repo / path).read_text("utf-8")


@pytest.mark.parametrize("rtype, folder, prefix", [
    ("complaint", "complaints", "CMP"), ("nc", "nc", "NC"), ("survey", "surveys", "CSS"), ("memo", "memos", "MEMO"),
    ("contact", "external", "EXT"),
])
def test_a_v2_type_starts_at_001_in_its_folder(repo, rtype, folder, prefix):
    path = new(repo, rtype, "--title", "First one", "--today", "2026-12-01")
    assert path == f"records/{folder}/2026/{prefix}-2026-001-first-one.md"
    assert new(repo, rtype, "--title", "x", "--today", "2026-12-01").startswith(f"records/{folder}/2026/{prefix}-2026-002")


def test_numbers_follow_the_highest_not_the_count(repo):
    src = repo / "records/capa/2026/CAPA-2026-003-line-stop.md"
    src.rename(src.with_name("CAPA-2026-017-line-stop.md"))
    path = new(repo, "capa", "--title", "After a gap", "--today", "2026-12-01")
    assert path == "records/capa/2026/CAPA-2026-018-after-a-gap.md"


def test_a_former_id_is_never_reused(repo):
    capa = repo / "records/capa/2026/CAPA-2026-003-line-stop.md"
    capa.write_text(capa.read_text("utf-8").replace("status: implementing\n",
                                                    "status: implementing\nformer_ids: [CAPA-2026-009]\n"), "utf-8")
    path = new(repo, "capa", "--title", "Renumbered before", "--today", "2026-12-01")
    assert path.startswith("records/capa/2026/CAPA-2026-010-")


def test_ids_in_other_folders_and_sub_folders_count(repo):
    """An ID is taken wherever its file lies under the type's folder (any sub-folder, any year folder)."""
    src = repo / "records/meetings/2026/MTG-2026-003-project-kickoff.md"
    dest = repo / "records/meetings/management-review/MTG-2026-007-review.md"
    dest.parent.mkdir()
    dest.write_text(src.read_text("utf-8").replace("MTG-2026-003", "MTG-2026-007"), "utf-8")
    assert new(repo, "meeting", "--title", "x", "--today", "2026-12-01").startswith(
        "records/meetings/2026/MTG-2026-008")


def test_a_new_year_starts_at_001(repo):
    path = new(repo, "capa", "--title", "First of the year", "--today", "2027-01-02")
    assert path == "records/capa/2027/CAPA-2027-001-first-of-the-year.md"
    path = new(repo, "capa", "--title", "Second", "--today", "2027-01-02")
    assert path == "records/capa/2027/CAPA-2027-002-second.md"


def test_an_earlier_year_continues_its_own_numbers(repo):
    path = new(repo, "notice", "--title", "Late entry", "--today", "2025-12-30")
    assert path == "records/notices/2025/NTC-2025-001-late-entry.md"


def test_today_sets_the_dates(repo):
    path = new(repo, "capa", "--title", "Dated", "--today", "2026-12-01", "--department", "QA", "--person", "zhangwei")
    text = (repo / path).read_text("utf-8")
    assert "opened_on: 2026-12-01" in text and "due: 2026-12-01" in text


def test_works_from_a_sub_folder(repo):
    path = new(repo, "notice", "--title", "From below", "--today", "2026-12-01", cwd=repo / "records/capa/2026")
    assert path == "records/notices/2026/NTC-2026-004-from-below.md"


def test_a_title_without_latin_letters_gives_a_bare_id(repo):
    assert new(repo, "notice", "--title", "放假通知", "--today", "2026-12-01") == "records/notices/2026/NTC-2026-004.md"


def test_unknown_type_exits_2(repo):
    result = bulletin("new", "minutes", "--title", "x", cwd=repo)
    assert result.returncode == 2
    assert "meeting" in result.stderr and "Traceback" not in result.stderr
    assert not list((repo / "records").rglob("*minutes*"))


@pytest.mark.parametrize("args, says", [
    (["minutes", "--title", "x"], "没有记录类型 minutes；可选：meeting, notice, capa, report, complaint"),
    (["capa", "--title", "  "], "--title 不能为空"),
    (["capa", "--title", "x", "--department", "QAA"], "部门代码 QAA 不在 site_config/departments.yml 中，是否想写 QA？"),
    (["meeting", "--title", "x", "--person", "zhangwie"], "人员 zhangwie 不在 site_config/people.yml 中，是否想写 zhangwei？"),
])
def test_a_bad_option_writes_nothing_and_says_why_in_chinese(repo, args, says):
    before = sorted((repo / "records").rglob("*"))
    result = bulletin("new", *args, cwd=repo)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("bulletin new: ") and says in result.stderr, result.stderr
    assert sorted((repo / "records").rglob("*")) == before


def test_the_help_names_every_type(repo):
    text = bulletin("new", "--help", cwd=repo).stdout
    assert all(t in text for t in ("complaint", "nc", "survey", "memo", "contact"))


def test_title_is_required(repo):
    result = bulletin("new", "capa", cwd=repo)
    assert result.returncode == 2
    assert "--title" in result.stderr


# --- the written record validates ------------------------------------------------------------

@pytest.mark.parametrize("rtype, options", [
    ("meeting", ["--department", "QA", "--person", "zhangwei"]),
    ("meeting", ["--department", "GM", "--person", "wangjun", "--kind", "management-review"]),
    ("notice", ["--department", "QA", "--person", "zhangwei"]),
    ("notice", ["--department", "GM", "--person", "wangjun", "--category", "announcement"]),
    ("capa", ["--department", "QA", "--person", "zhangwei"]),
    ("capa", ["--department", "PRD", "--person", "lina", "--source", "supplier"]),
    ("report", ["--department", "PRD", "--person", "lina"]),
    ("report", ["--department", "ENG", "--person", "zhouqiang", "--kind", "quarterly", "--period", "2026-Q4"]),
    ("report", ["--department", "PRD", "--person", "lina", "--kind", "annual", "--period", "2026"]),
    ("complaint", ["--department", "QA", "--person", "chenjing"]),
    ("complaint", ["--department", "QA", "--person", "zhangwei", "--kind", "major"]),
    ("nc", ["--department", "QA", "--person", "zhangwei"]),
    ("nc", ["--department", "PRD", "--person", "zhangwei", "--kind", "observation"]),
    ("survey", ["--department", "QA", "--person", "chenjing"]),
    ("survey", ["--department", "QA", "--person", "chenjing", "--kind", "annual", "--period", "2026-H2"]),
    ("memo", ["--department", "PRD", "--person", "lina"]),
    ("contact", ["--department", "ENG", "--person", "zhouqiang"]),
    ("contact", ["--department", "QA", "--person", "zhangwei", "--kind", "certification-body"]),
])
def test_new_record_validates(repo, rtype, options):
    path = new(repo, rtype, "--title", "Neu: \"quoted\" #1 \\ 测试", "--today", "2026-12-01", *options)
    assert validate(repo) == ["checked 13 records: 0 errors, 0 warnings"]
    record = load_repository(repo).records.get("-".join(Path(path).name.split("-")[:3]))
    assert record is not None and record.title == 'Neu: "quoted" #1 \\ 测试'
    assert record.fields["department"] == options[1]


def test_new_record_without_options_names_its_blanks(repo):
    """Without --department and --person the template leaves them empty, and validate says so."""
    path = new(repo, "capa", "--title", "Blank", "--today", "2026-12-01")
    lines = validate(repo)
    assert lines[-1] == "checked 13 records: 2 errors, 0 warnings"
    assert lines[0].startswith(f"{path}:") and "department" in lines[0]
    assert lines[1].startswith(f"{path}:") and "owner" in lines[1]


def test_a_new_complaint_names_its_blank_customer_once_customers_are_registered(repo):
    """The template's customer is a placeholder: with site_config/customers.yml, validate asks for a real one."""
    (repo / "site_config/customers.yml").write_text("- {id: hdauto, name: 华东汽车}\n", "utf-8")
    path = new(repo, "complaint", "--title", "Burr", "--today", "2026-12-01", "--department", "QA",
               "--person", "zhangwei")
    lines = validate(repo)
    assert lines[-1] == "checked 13 records: 1 errors, 0 warnings"  # CAPA-2026-001 names 华东汽车: fine
    assert lines[0].startswith(f"{path}:") and "customer" in lines[0] and "customers.yml" in lines[0]


def test_a_companys_own_type_with_a_v2_name_gets_its_own_fields(repo):
    """types.yml's own `memo` (prefix LX, one text label, as a company writes it) keeps its definition:
    `new memo` writes its fields, not those of the v2 memo, the record validates and the site builds."""
    (repo / "site_config" / "types.yml").write_text(
        "types:\n  memo:\n    folder: memos\n    prefix: LX\n    label: 联络单\n"
        "    fields:\n      to_whom: {kind: text, label: 收件部门}\n", "utf-8")
    path = new(repo, "memo", "--title", "请提供数据", "--department", "QA", "--today", "2026-11-05")
    assert path == "records/memos/2026/LX-2026-001.md"
    text = (repo / path).read_text("utf-8")
    assert "sent_on" not in text and "reply_due" not in text
    assert validate(repo)[-1] == "checked 13 records: 0 errors, 0 warnings"
    built = bulletin("build", "--today", "2026-11-30", "--out", "site", cwd=repo)   # its board has its columns
    assert built.returncode == 0 and "internal error" not in built.stderr, built.stderr
    assert list((repo / "site" / "memos").rglob("LX-2026-001*/index.html"))


def test_a_companys_own_types_with_v2_names_build_without_v2_boards(repo):
    """A company's own complaint, nc, survey and contact types (their own folders and fields) build with
    --strict: no v2 board, trend or log is made for them (they have none of its fields), nor named in the
    navigation or the audit clauses."""
    own = {"complaint": "KS", "nc": "BF", "survey": "DC", "contact": "WB"}
    (repo / "site_config" / "types.yml").write_text("types:\n" + "".join(
        f"  {name}:\n    folder: own-{name}\n    prefix: {prefix}\n    label: 本厂{name}\n"
        f"    fields:\n      note: {{kind: text, label: 说明}}\n" for name, prefix in own.items()), "utf-8")
    for name in own:
        new(repo, name, "--title", f"本厂{name}", "--department", "QA", "--today", "2026-11-05")
    built = bulletin("build", "--strict", "--today", "2026-11-30", "--out", "site", cwd=repo)
    assert built.returncode == 0, built.stderr
    site = repo / "site"
    for name in own:
        assert (site / f"own-{name}" / "index.html").is_file()
        assert not [p for p in ("board", "trend", "log") if (site / f"own-{name}" / p).exists()]
    assert "own-complaint/board" not in "".join(p.read_text("utf-8") for p in site.rglob("*.html"))


def test_two_new_records_in_a_row_get_two_ids(repo):
    first = new(repo, "meeting", "--title", "Same title", "--today", "2026-12-01", "--department", "QA",
                "--person", "zhangwei")
    second = new(repo, "meeting", "--title", "Same title", "--today", "2026-12-01", "--department", "QA",
                 "--person", "zhangwei")
    assert (first, second) == ("records/meetings/2026/MTG-2026-004-same-title.md",
                               "records/meetings/2026/MTG-2026-005-same-title.md")
    assert validate(repo) == ["checked 14 records: 0 errors, 0 warnings"]


@pytest.mark.parametrize("kind, today, period", [
    (None, "2026-12-01", "2026-11"), ("monthly", "2026-01-15", "2025-12"),
    ("quarterly", "2026-12-01", "2026-Q3"), ("quarterly", "2026-02-01", "2025-Q4"), ("quarterly", "2026-04-01", "2026-Q1"),
    ("annual", "2026-12-01", "2025"),
])
def test_default_period_is_the_last_one_ended(kind, today, period):
    assert default_period(kind, dt.date.fromisoformat(today)) == period
