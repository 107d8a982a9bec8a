"""The docs stay honest: every command is in the README, and the README's examples run and
validate. (That every command's --help has an example is in test_cli.py.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, bulletin
from test_cases import BASE
from test_cli import COMMANDS

README = (PROJECT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"`bulletin {re.escape(command)}\b", README), f"README.md does not list `bulletin {command}`"


def test_readme_record_example_validates(tmp_path):
    """The README's minimal CAPA, dropped into a repository whose registries know its people."""
    example = re.search(r"```markdown\n(---\nid: (CAPA-\d{4}-\d{3}).*?)```", README, re.S)
    assert example, "README.md has no ```markdown record example"
    repo = Path(shutil.copytree(BASE, tmp_path / "repo"))
    (repo / f"records/capa/2026/{example.group(2)}-readme.md").write_text(example.group(1), "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "checked 13 records: 0 errors, 0 warnings\n"


def test_readme_new_command_runs(tmp_path):
    line = re.search(r"^\.venv/bin/bulletin (new .*)$", README, re.M)
    assert line, "README.md has no `bulletin new` example"
    repo = Path(shutil.copytree(BASE, tmp_path / "repo"))
    args = re.findall(r'"[^"]*"|\S+', line.group(1))
    result = bulletin(*[a.strip('"') for a in args], "--today", "2026-11-24", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"records/capa/2026/CAPA-2026-004\S*\.md\n", result.stdout)
    assert bulletin("validate", cwd=repo).returncode == 0
