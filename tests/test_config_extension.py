"""A company extends the record types through site_config/types.yml alone, no Python:
a new field, a new allowed value, a whole new type. Validation follows the data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, bulletin
from test_cases import BASE

CAPA3 = "records/capa/2026/CAPA-2026-003-line-stop.md"
MTG3 = "records/meetings/2026/MTG-2026-003-project-kickoff.md"

TYPES = """\
# Our additions. 本公司的补充。
types:
  capa:
    fields:
      supplier_code:
        kind: text
        required_when: {source: supplier}
        label: {zh: 供应商代码, en: Supplier code}
  meeting:
    fields:
      kind:
        values: [management-review, management, department, project, other, safety]
      safety_officer: {kind: person, required_when: {kind: safety}, label: {zh: 安全员, en: Safety officer}}
"""


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = Path(shutil.copytree(BASE, tmp_path / "repo"))
    edit(repo, CAPA3, ("source: process\n", "source: supplier\nsupplier_code: SUP-0042\n"))
    edit(repo, MTG3, ("kind: project\n", "kind: safety\nsafety_officer: zhouqiang\n"))
    return repo


def edit(repo: Path, rel: str, *subs) -> None:
    path = repo / rel
    text = path.read_text("utf-8")
    for old, new in subs:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, "utf-8")


def problems(repo: Path) -> list[tuple]:
    result = bulletin("validate", "--format", "json", "--lang", "en", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return [(p["path"], p["line"], p["field"], p["code"], p["message"]) for p in json.loads(result.stdout)]


def test_unknown_before_types_yml(repo):
    assert problems(repo) == [
        (CAPA3, 6, "supplier_code", "unknown-key", "unknown field supplier_code"),
        (MTG3, 5, "kind", "bad-choice",
         "kind is safety, which is not allowed; choose one of: management-review, management, department, "
         "project, other, consultation"),
        (MTG3, 6, "safety_officer", "unknown-key", "unknown field safety_officer"),
    ]


def test_accepted_after_types_yml(repo):
    (repo / "site_config/types.yml").write_text(TYPES, "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "checked 12 records: 0 errors, 0 warnings\n"


def test_new_field_values_are_checked(repo):
    (repo / "site_config/types.yml").write_text(TYPES, "utf-8")
    edit(repo, CAPA3, ("supplier_code: SUP-0042\n", "supplier_code: [SUP-0042, SUP-0043]\n"))
    edit(repo, MTG3, ("safety_officer: zhouqiang\n", "safety_officer: zhouqian\n"))
    assert problems(repo) == [
        (CAPA3, 6, "supplier_code", "expected-text", "supplier_code must be text, found [SUP-0042, SUP-0043]"),
        (MTG3, 6, "safety_officer", "unknown-person",
         "safety_officer: the person zhouqian is not in site_config/people.yml; did you mean zhouqiang?"),
    ]


def test_new_field_requirement_follows_the_new_value(repo):
    (repo / "site_config/types.yml").write_text(TYPES, "utf-8")
    edit(repo, CAPA3, ("supplier_code: SUP-0042\n", ""))
    edit(repo, MTG3, ("safety_officer: zhouqiang\n", ""))
    assert problems(repo) == [
        (CAPA3, 2, "supplier_code", "missing-when", "supplier_code is required when source is supplier"),
        (MTG3, 2, "safety_officer", "missing-when", "safety_officer is required when kind is safety"),
    ]


def test_defaults_still_apply_under_an_overlay(repo):
    """types.yml is merged over the defaults: what it does not mention stays as it was."""
    (repo / "site_config/types.yml").write_text(TYPES, "utf-8")
    edit(repo, CAPA3, ("owner: lina\n", ""), ("approved_by: wangjun\n", "approved_by: zhangwei\n"))
    assert [p[2:4] for p in problems(repo)] == [("owner", "missing"), ("approved_by", "missing-role")]


def test_a_new_type(repo):
    (repo / "site_config/types.yml").write_text(TYPES + """\
  audit:
    folder: audits
    prefix: AUD
    label: {zh: 审核, en: Audit}
    fields:
      auditor: {kind: person, required: true, role: auditor}
      audited_on: {kind: date, required: true}
""", "utf-8")
    folder = repo / "records/audits/2026"
    folder.mkdir(parents=True)
    (folder / "AUD-2026-001-process-audit.md").write_text(
        "---\nid: AUD-2026-001\ntitle: Process audit\ndepartment: QA\nauditor: zhangwei\naudited_on: 2026-05-04\n"
        "related: [CAPA-2026-002]\n---\n", "utf-8")
    (folder / "AUD-2026-002-bad.md").write_text(
        "---\nid: AUD-2026-002\ntitle: Bad audit\ndepartment: QA\nauditor: lina\naudited_on: 2026-05-04\n---\n", "utf-8")
    assert problems(repo) == [
        ("records/audits/2026/AUD-2026-002-bad.md", 5, "auditor", "missing-role",
         "auditor: lina must have the role auditor (roles in site_config/people.yml)"),
    ]
    capa = repo / "records/capa/2026/CAPA-2026-002-audit-finding.md"  # refer to it by ID, like any record
    capa.write_text(capa.read_text("utf-8").replace("source_ref: MTG-2026-001", "source_ref: AUD-2026-009"), "utf-8")
    assert [p[3] for p in problems(repo)] == ["missing-role", "ref-missing"]


def test_bulletin_new_for_a_type_without_its_own_template(repo):
    (repo / "site_config/types.yml").write_text(TYPES + """\
  audit:
    folder: audits
    prefix: AUD
    fields:
      auditor: {kind: person, required: true}
      audited_on: {kind: date, required: true}
      scope: {kind: choice, values: [process, product, system], required: true}
      notes: {kind: text}
""", "utf-8")
    result = bulletin("new", "audit", "--title", "Layered audit", "--today", "2026-05-04", "--department", "QA",
                      "--person", "zhangwei", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "records/audits/2026/AUD-2026-001-layered-audit.md\n"
    text = (repo / result.stdout.strip()).read_text("utf-8")
    assert "auditor: zhangwei\naudited_on: 2026-05-04\nscope: process" in text
    assert bulletin("validate", "--lang", "en", cwd=repo).stdout == "checked 13 records: 0 errors, 0 warnings\n"


@pytest.mark.parametrize("text, words", [
    ("types:\n  capa:\n    fields:\n      x: {kind: colour}\n", "unknown kind colour"),
    ("types:\n  capa:\n    rules: [no_such_rule]\n", "unknown rule no_such_rule"),
    ("types:\n  meeting:\n    fields:\n      kind: {kind: choice, values: []}\n", "a choice needs values"),
    ("types:\n  memo:\n    prefix: MEM\n", "folder is required"),
    ("types: [capa]\n", "types"),
    ("types:\n  survey:\n    fields:\n      overall: {kind: number, max: five}\n", "max must be a number"),
    ("types:\n  survey:\n    fields:\n      period: {kind: period, periods: [weekly]}\n", "periods are some of"),
    ("types:\n  survey:\n    rules_across: [no_such_rule]\n", "unknown rule no_such_rule"),
    ("types:\n  meeting:\n    receipts: distribution\n", "receipts: a mapping with from"),
    # a typing mistake in a key is never ignored (the field it meant to add would be missing)
    ("types:\n  capa:\n    fieldz:\n      cost: {kind: number}\n", "unknown key fieldz; did you mean fields?"),
    ("types:\n  capa:\n    fields:\n      cost: {kind: number, requird: true}\n",
     "types.capa.cost: unknown key requird; did you mean required?"),
    ("types:\n  capa: 123\n", "types.capa: a type is a mapping"),
    ("types:\n  ncr:\n    folder: ncr\n    prefix: NCR\n    label: [不合格]\n", "types.ncr.label: write a text"),
])
def test_a_broken_types_yml_exits_2_naming_the_problem(repo, text, words):
    (repo / "site_config/types.yml").write_text(text, "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.stderr.startswith("site_config/types.yml:")
    assert words in result.stderr


def test_the_person_page_shows_the_roles_held_on_today(tmp_path):
    """The gm role moved from wangjun to liuyang on 2026-07-01 (tests/cases/role-moved-past-approvals-valid)."""
    from bs4 import BeautifulSoup
    from test_cases import CASES, build_case

    repo = build_case(CASES / "role-moved-past-approvals-valid", tmp_path / "repo")

    def roles(today: str, pid: str) -> list[str]:
        out = tmp_path / f"site-{today}"
        if not out.exists():
            result = bulletin("build", "--out", str(out), "--today", today, cwd=repo)
            assert result.returncode == 0, result.stdout + result.stderr
        page = BeautifulSoup((out / "people" / pid / "index.html").read_text("utf-8"), "html.parser")
        roles = page.find("article").find("p").select("span.bl-role")
        assert all(r.get_text() != r["data-role"] for r in roles if r["data-role"] == "gm")   # a word, not the code
        return [r["data-role"] for r in roles]

    assert roles("2026-11-24", "wangjun") == [] and roles("2026-11-24", "liuyang") == ["gm"]
    assert roles("2026-03-01", "wangjun") == ["gm"] and roles("2026-03-01", "liuyang") == []
    assert roles("2026-03-01", "zhangwei") == ["management-rep", "auditor"]


# --- v2 types and a company's own types --------------------------------------------------------

OWN_COMPLAINT = """\
types:
  complaint:              # our own complaint log, made before Bulletin had one
    folder: complaints
    prefix: CMP
    fields:
      client: {kind: text, required: true}
      level: {kind: choice, values: [A, B, C], required: true}
  ncr:                    # our own audit findings, in the folder and with the prefix of v2's nc
    folder: nc
    prefix: NC
    fields:
      finding: {kind: text, required: true}
  visit:                  # a new name, v2 contact's prefix
    folder: visits
    prefix: EXT
    fields:
      host: {kind: person, required: true}
"""

OWN_RECORDS = {
    "records/complaints/2026/CMP-2026-001-noise.md": "client: 华东汽车\nlevel: B\n",
    "records/nc/2026/NC-2026-001-finding.md": "finding: 量具未校准\n",
    "records/visits/2026/EXT-2026-001-visit.md": "host: lina\n",
}


@pytest.fixture
def plain(tmp_path) -> Path:
    """The valid base tree, without the fixture's edits above."""
    return Path(shutil.copytree(BASE, tmp_path / "plain"))


def write_records(repo: Path, records: dict) -> None:
    for rel, fields in records.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        rid = "-".join(path.name.split("-")[:3])
        path.write_text(f"---\nid: {rid}\ntitle: {rid}\ndepartment: QA\n{fields}---\n", "utf-8")


def test_a_company_type_keeps_its_definition_over_a_v2_type_of_the_same_name_folder_or_prefix(plain):
    (plain / "site_config/types.yml").write_text(OWN_COMPLAINT, "utf-8")
    write_records(plain, OWN_RECORDS)
    write_records(plain, {"records/memos/2026/MEMO-2026-001-ask.md":  # the other v2 types are there as before
                         "from: zhangwei\nto: [PRD]\nsent_on: 2026-05-04\nstatus: open\n"})
    result = bulletin("validate", "--lang", "en", cwd=plain)
    assert result.stdout == "checked 16 records: 0 errors, 0 warnings\n", result.stdout
    # their own rules apply, not v2's: a v2 complaint's fields are unknown keys here
    write_records(plain, {"records/complaints/2026/CMP-2026-002-v2.md": "customer: 华东汽车\nclient: x\nlevel: D\n"})
    assert [p[2:4] for p in problems(plain)] == [("customer", "unknown-key"), ("level", "bad-choice")]


def test_a_v2_type_named_without_folder_or_prefix_is_extended_not_replaced(plain):
    (plain / "site_config/types.yml").write_text(
        "types:\n  complaint:\n    fields:\n      plant: {kind: choice, values: [north, south], required: true}\n", "utf-8")
    write_records(plain, {"records/complaints/2026/CMP-2026-001-noise.md": "plant: north\n"})
    assert [p[2:4] for p in problems(plain)] == [
        ("channel", "missing"), ("customer", "missing"), ("received_by", "missing"), ("received_on", "missing"),
        ("severity", "missing"), ("status", "missing")]


def test_without_own_types_the_v2_types_are_known(plain):
    """Before v2, these records were in unknown folders; now each type checks its own fields."""
    write_records(plain, OWN_RECORDS)
    assert sorted({p[3] for p in problems(plain)}) == ["missing", "unknown-folder", "unknown-key"]
    assert {p[0] for p in problems(plain) if p[3] == "unknown-folder"} == {"records/visits/2026/EXT-2026-001-visit.md"}


@pytest.mark.parametrize("name", ["customers.yml", "objectives.yml"])
def test_a_v2_registry_that_is_not_a_list_exits_2(plain, name):
    (plain / "site_config" / name).write_text("ppm: {target: 50}\n", "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=plain)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"site_config/{name}:1:") and "expected a list" in result.stderr


def test_a_types_yml_naming_an_unknown_field_for_starts_from_or_unique_exits_2(plain):
    (plain / "site_config/types.yml").write_text("types:\n  survey:\n    unique: [customer, quarter]\n", "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=plain)
    assert result.returncode == 2 and "quarter" in result.stderr and result.stderr.startswith("site_config/types.yml:")


def test_a_valid_people_file_is_parsed_once_and_a_bad_one_still_says_its_lines(monkeypatch):
    """people.yml (400 people at 10,000 records) is read on every build: its YAML is composed again for line
    numbers only when an entry has a problem (tests/cases/config-bad-entries checks those lines)."""
    from generator import config, yamlsafe

    composed = []
    compose = yamlsafe.compose
    monkeypatch.setattr(yamlsafe, "compose", lambda text: composed.append(text) or compose(text))
    people = (PROJECT / "site_config" / "people.yml").read_text("utf-8")
    cfg = config.load_config(PROJECT)
    assert cfg.people and not cfg.problems
    assert people not in composed
    bad = PROJECT / "tests" / "cases" / "config-bad-entries"
    cfg = config.load_config(bad)
    assert (bad / "site_config" / "people.yml").read_text("utf-8") in composed
    assert sorted({p.line for p in cfg.problems if p.path.endswith("people.yml")}) == [19, 21, 22, 23, 27]   # id, department, roles, …


# --- audit8: site_config messages in one language, with the value, the fix and the offending line ----------

CONFIG_CASES = ("config-bad-entries", "role-entries-malformed", "objectives-registry", "customers-registry",
                "schedule-meetings")


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_registry_messages_are_in_one_language(case, tmp_path):
    """Each registry problem reads wholly in the reader's language: no "English / 中文" pairs, no English
    sentence in the Chinese message."""
    import re

    from generator.validate import load_repository
    from test_cases import CASES, build_case

    problems = [p for p in load_repository(build_case(CASES / case, tmp_path / "r")).problems
                if p.path.startswith("site_config/")]
    assert problems
    for p in problems:
        en, zh = p.message("en"), p.message("zh")
        assert not re.search(r" / [\u4e00-\u9fff]", en), en
        assert not re.search(r"\b(is not|must be|needs|unknown|a bad entry|lower-case)\b", zh), zh


@pytest.mark.parametrize("file, text, line, zh, en", [
    ("people.yml", "- id: liuyang\n  name: 刘洋\n  department: QA\n  roles: [{role: auditor, since: 2024/1/1x}]\n",
     "people.yml:22:", "auditor 的 since 写的是 2024/1/1x，不是有效日期；请写成 YYYY-MM-DD",
     "liuyang: auditor's since 2024/1/1x is not a date; write it YYYY-MM-DD"),
    ("types.yml", "types:\n  capa:\n    fields:\n      cost: {kind: number}\n    effectiveness_days: 九十\n",
     "types.yml:5:", "types.capa.effectiveness_days：应为不小于 1 的整数，这里是 九十",
     "types.capa.effectiveness_days: a whole number of at least 1, not 九十"),
    ("types.yml", "types:\n  capa:\n    fields:\n      cost:\n        kind: number\n        requird: true\n",
     "types.yml:6:", "未知的键 requird；是不是 required？", "unknown key requird; did you mean required?"),
    ("types.yml", "types:\n  survey:\n    fields:\n      overall: {kind: number, max: five}\n",
     "types.yml:4:", "max 应为数字，这里是 five", "max must be a number, not five"),
    ("site.yml", "site_name: x\napprovals: maybe\n", "site.yml:2:",
     "approvals 只能是 declared、authored 或 signed，这里是 maybe", "approvals must be declared, authored or signed, not maybe"),
    ("departments.yml", "- code: qa3\n  name: 质量3\n", "departments.yml:12:", "部门代码 qa3 只能用大写字母和数字",
     "code qa3: upper-case letters and digits"),
])
def test_a_config_message_names_its_line_and_reads_in_one_language(plain, file, text, line, zh, en):
    path = plain / "site_config" / file
    with path.open("a", encoding="utf-8") as f:
        f.write(text)
    if file in ("types.yml", "site.yml"):
        path.write_text(text, "utf-8")
    out_zh, out_en = (bulletin("validate", *lang, cwd=plain) for lang in ((), ("--lang", "en")))
    said_zh, said_en = out_zh.stdout + out_zh.stderr, out_en.stdout + out_en.stderr
    assert f"site_config/{line}" in said_zh and f"site_config/{line}" in said_en, said_zh
    assert zh in said_zh and en not in said_zh, said_zh
    assert en in said_en and zh not in said_en and " / " not in said_en.split("\n")[0], said_en


OWN_MEMO = """\
types:
  memo:                   # our own internal memo: no department owes it a reply
    folder: memos
    prefix: MEMO
    fields:
      to: {kind: list, of: {kind: dept}}
      status: {kind: choice, values: [open, filed]}
      reply_due: {kind: date}
"""


def test_a_company_memo_is_not_owed_as_a_v2_memo(plain):
    """A company's own `memo` keeps its own definition: no reply is owed, nothing is late, nothing escalates."""
    (plain / "site_config/types.yml").write_text(OWN_MEMO, "utf-8")
    write_records(plain, {"records/memos/2026/MEMO-2026-001-night.md": "to: [PRD]\nstatus: open\nreply_due: 2026-01-10\n"})
    assert bulletin("validate", "--lang", "en", cwd=plain).stdout == "checked 13 records: 0 errors, 0 warnings\n"
    owed = bulletin("status", "--today", "2026-06-01", "--lang", "en", "--department", "PRD", cwd=plain)
    assert owed.returncode == 0 and "PRD" in owed.stdout and "MEMO-2026-001" not in owed.stdout, owed.stdout
