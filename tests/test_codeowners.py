"""`bulletin codeowners`: CODEOWNERS from people.yml roles and git_user, and site_config/codeowners.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import bulletin

PEOPLE = """\
- id: wang
  name: 王总
  department: GM
  roles: [gm]
  git_user: wang-gm
- id: li
  name: 李质量
  department: QA
  roles: [qa, management-rep]
  git_user: li-qa
- id: chen
  name: 陈静
  department: QA
  roles: [qa]
  git_user: "@chenjing88"
- id: zhao
  name: 赵工
  department: QA
  roles: [qa]
- id: huang
  name: 黄敏
  department: HR
  git_user: huang-min
"""


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    (root / "site_config").mkdir(parents=True)
    (root / "records").mkdir()
    (root / "site_config" / "departments.yml").write_text(
        "- {code: GM, name: 总经理办公室}\n- {code: QA, name: 品管部}\n- {code: HR, name: 人事行政部}\n", "utf-8")
    (root / "site_config" / "people.yml").write_text(PEOPLE, "utf-8")
    return root


def rules(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_built_in_rules_from_roles(site):
    proc = bulletin("codeowners", cwd=site)
    assert proc.returncode == 0, proc.stderr
    assert rules(proc.stdout) == [
        "/records/capa/ @li-qa @chenjing88",
        "/records/meetings/management-review/ @li-qa",
    ]
    assert "# /records/capa/: zhao (赵工) has no git_user in site_config/people.yml, skipped" in proc.stdout
    assert "records/meetings/, records/notices/, records/reports/" in proc.stdout     # folders left without owner
    assert not (site / ".github").exists()                                          # printing writes nothing


def test_codeowners_yml_adds_and_replaces_rules(site):
    (site / "site_config" / "codeowners.yml").write_text(
        "# 路径 -> 负责人\n"
        "codeowners:\n"
        "  records/: [\"@hengrui/quality-admins\"]\n"
        "  records/notices/: [huang, wang]\n"
        "  records/capa/: [role:management-rep]\n"
        "  site_config/: [wang]\n", "utf-8")
    proc = bulletin("codeowners", cwd=site)
    assert proc.returncode == 0, proc.stderr
    assert rules(proc.stdout) == [
        "/records/ @hengrui/quality-admins",
        "/site_config/ @wang-gm",
        "/records/capa/ @li-qa",
        "/records/notices/ @huang-min @wang-gm",
        "/records/meetings/management-review/ @li-qa",
    ]
    assert "No owner set" not in proc.stdout


def test_write_and_check(site):
    assert bulletin("codeowners", "--check", cwd=site).returncode == 1
    proc = bulletin("codeowners", "--write", cwd=site)
    assert proc.returncode == 0 and proc.stdout.strip() == ".github/CODEOWNERS"
    written = (site / ".github" / "CODEOWNERS").read_text("utf-8")
    assert written == bulletin("codeowners", cwd=site).stdout
    assert bulletin("codeowners", "--check", cwd=site).returncode == 0
    (site / "site_config" / "people.yml").write_text(PEOPLE.replace("  git_user: li-qa\n", ""), "utf-8")
    proc = bulletin("codeowners", "--check", cwd=site)
    assert proc.returncode == 1 and "bulletin codeowners --write" in proc.stderr
    assert "不一致" in proc.stderr   # in the site's language (zh by default), as every message


def test_an_unknown_person_in_codeowners_yml_cannot_run(site):
    (site / "site_config" / "codeowners.yml").write_text("codeowners:\n  records/reports/: [nobody]\n", "utf-8")
    proc = bulletin("codeowners", cwd=site)
    assert proc.returncode == 2
    assert proc.stderr.startswith("site_config/codeowners.yml:2: error:") and "nobody" in proc.stderr
    assert "人员 id" in proc.stderr and "is not in" not in proc.stderr      # audit8: in one language
