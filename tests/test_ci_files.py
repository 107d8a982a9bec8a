"""The CI files this project ships: valid against their schemas (offline), and running only real commands."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, bulletin

CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")
GITHUB = [PROJECT / ".github" / "workflows" / "records.yml", PROJECT / ".github" / "workflows" / "ci.yml"]
GITLAB = PROJECT / ".gitlab-ci.yml"
INIT = PROJECT / "templates" / "init"      # what `bulletin init` writes into a company's repository
INIT_GITHUB = [INIT / "dot-github" / "workflows" / "records.yml", INIT / "dot-gitea" / "workflows" / "records.yml"]
INIT_GITLAB = INIT / "dot-gitlab-ci.yml"
HOOKS = PROJECT / ".pre-commit-hooks.yaml"
SHELL_KEYS = {"run", "script", "before_script", "after_script", "entry"}


def load(path: Path):
    return yaml.safe_load(path.read_text("utf-8"))


def shell_lines(node, key=None):
    """Every shell line the file runs (values of run:, script:, entry: …)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from shell_lines(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from shell_lines(v, key)
    elif isinstance(node, str) and key in SHELL_KEYS:
        yield from (line.strip() for line in node.splitlines() if line.strip())


def bulletin_calls(path: Path) -> list[list[str]]:
    data = load(path)
    if path == HOOKS:
        return [shlex.split(h["entry"]) for h in data]
    calls = []
    for line in shell_lines(data):
        for part in re.split(r"\|\||&&|;|\|", line):
            words = shlex.split(part.replace("${{", "'${{").replace("}}", "}}'"))
            if words and words[0] == "bulletin":
                calls.append(words)
    return calls


@lru_cache(maxsize=None)
def help_text(*command: str) -> str:
    proc = bulletin(*command, "--help", cwd=PROJECT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("path", GITHUB + INIT_GITHUB, ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_github_workflow_matches_its_schema(path):
    proc = subprocess.run([CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("path", [GITLAB, INIT_GITLAB], ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_gitlab_ci_matches_its_schema(path):
    proc = subprocess.run([CHECK_JSONSCHEMA, "--builtin-schema", "vendor.gitlab-ci", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("path", [*GITHUB, GITLAB, HOOKS, *INIT_GITHUB, INIT_GITLAB],
                         ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_every_bulletin_command_run_exists(path):
    commands = re.findall(r"^    ([a-z][a-z-]+)\s", help_text(), re.M)
    for words in bulletin_calls(path):
        assert words[1] in commands, f"{path.name} runs `bulletin {words[1]}`, which `bulletin --help` does not list"
        options = help_text(words[1])
        for word in words[2:]:
            if word.startswith("--"):
                assert word.split("=", 1)[0] in options, f"{path.name}: bulletin {words[1]} has no {word}"


def test_records_workflow_checks_pull_requests_with_full_history_and_deploys_pages():
    data = load(GITHUB[0])
    assert "pull_request" in data[True] and data[True]["push"]["branches"] == ["main"]   # YAML reads `on` as True
    check = data["jobs"]["check"]
    checkout = next(s for s in check["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [s.get("run", "") for s in check["steps"]]
    assert "bulletin validate --format github" in runs
    assert 'bulletin check-changes --base "origin/${{ github.base_ref }}" --format github' in runs
    assert "pip install -e ." in runs
    build = data["jobs"]["build"]
    assert next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout@"))["with"]["fetch-depth"] == 0
    assert "bulletin build --out site" in [s.get("run") for s in build["steps"]]
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    assert "actions/upload-artifact" in uses and "actions/upload-pages-artifact" in uses
    deploy = data["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert "refs/heads/main" in deploy["if"]


@pytest.mark.parametrize("path", [*INIT_GITHUB, INIT_GITLAB], ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_a_company_repository_installs_by_hash_checks_requests_with_full_history_and_tests_drift(path):
    data, lines = load(path), []
    text = path.read_text("utf-8")
    assert "pip install --require-hashes -r requirements.txt" in text and "pip install -e" not in text
    assert "fetch-depth: 0" in text or 'GIT_DEPTH: "0"' in text
    assert "bulletin check-changes --base" in text and "bulletin validate" in text
    drift = data["jobs"]["drift"] if "jobs" in data else data["drift"]
    lines = list(shell_lines(drift))
    assert any("--upgrade" in line for line in lines) and "bulletin build --out site" in lines
    assert "schedule" in (drift.get("if", "") + str(drift.get("rules", "")))


def test_project_ci_runs_the_ci_entry_point():
    data = load(GITHUB[1])
    assert "bash .ci/run" in list(shell_lines(data))
    assert (PROJECT / ".ci" / "run").is_file()


def test_gitlab_ci_full_history_merge_requests_and_pages():
    data = load(GITLAB)
    assert data["variables"]["GIT_DEPTH"] == "0"
    records = data["records"]
    assert records["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert any(line.startswith("bulletin check-changes --base") for line in shell_lines(records))
    pages = data["pages"]
    assert pages["artifacts"]["paths"] == ["public/"]
    assert "bulletin build --out public" in list(shell_lines(pages))


def test_pre_commit_hook_is_local_and_offline():
    (hook,) = load(HOOKS)
    assert hook["language"] == "system"
    assert hook["entry"] == "bulletin validate"
    assert hook["files"] == "^records/"
    assert re.search(hook["files"], "records/capa/2026/CAPA-2026-001.md")
    assert not re.search(hook["files"], "docs/records/x.md")


@pytest.mark.parametrize("path", [PROJECT / ".github" / "pull_request_template.md",
                                  PROJECT / ".gitlab" / "merge_request_templates" / "Record.md"],
                         ids=lambda p: p.name)
def test_review_template_has_a_checklist_per_record_type_in_both_languages(path):
    text = path.read_text("utf-8")
    for heading in ("会议纪要 / Meeting minutes", "通知公告 / Notice", "纠正和预防措施 / CAPA", "部门报告 / Report"):
        assert f"## {heading}" in text
    assert text.count("- [ ]") >= 15
    assert "withdrawn" in text and "amendments" in text


def test_ci_guide_has_the_nginx_block_and_private_pages():
    text = (PROJECT / "docs" / "ci.md").read_text("utf-8")
    server = re.search(r"^( *)server \{\n.*?\n\1\}$", text, re.S | re.M)
    assert server, "docs/ci.md needs an nginx server block"
    assert "charset utf-8;" in server.group(0)
    assert "fetch-depth: 0" in text and 'GIT_DEPTH: "0"' in text
    assert "private" in text.lower()


def test_contributor_guide_explains_every_change_control_message():
    from generator.messages import MESSAGES

    text = (PROJECT / "docs" / "contributing.md").read_text("utf-8")
    for code in MESSAGES:
        if code.startswith("change-"):
            assert f"`{code}`" in text, f"docs/contributing.md does not explain {code}"
    for code in ("not-utf8", "missing", "unknown-key", "unknown-person", "duplicate-id", "link-missing"):
        assert f"`{code}`" in text, f"docs/contributing.md does not explain {code}"


def test_contributor_guide_templates_validate(tmp_path):
    """Each template in docs/contributing.md, pasted as it is, is a valid record."""
    text = (PROJECT / "docs" / "contributing.md").read_text("utf-8")
    templates = re.findall(r"<!-- template: (\S+) -->\n```markdown\n(.*?)```", text, re.S)
    assert {path.split("/")[1] for path, _ in templates} == {"meetings", "notices", "capa", "reports"}
    config = tmp_path / "site_config"
    config.mkdir()
    (config / "departments.yml").write_text("- {code: QA, name: 品管部}\n- {code: GM, name: 总经理办公室}\n"
                                            "- {code: PRD, name: 生产部}\n", "utf-8")
    (config / "people.yml").write_text(
        "- {id: zhangwei, name: 张伟, department: QA, roles: [management-rep, qa]}\n"
        "- {id: lina, name: 李娜, department: QA, roles: [qa]}\n"
        "- {id: wangjun, name: 王军, department: GM, roles: [gm]}\n", "utf-8")
    for path, body in templates:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, "utf-8")
    proc = bulletin("validate", "--lang", "en", "--today", "2026-11-24", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checked 4 records: 0 errors, 0 warnings" in proc.stdout
