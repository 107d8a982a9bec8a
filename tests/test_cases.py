"""Tests as data: each tests/cases/<name>/ is a small repository; `expected.txt` is what
`bulletin validate --lang en` prints for it, line for line.

A case folder holds only what it adds to or changes in tests/cases/_base/ (registries and
valid records of every type):

- any file: copied over the base tree at the same path;
- `<name>.delete`: removes `<name>` of the base tree;
- `setup.yml` (optional): what cannot be stored as a plain file —
  `symlinks: {path: target}`, `special: {path: fifo|socket}`, `raw_names: {path with \\xNN escapes: text}`
  (names with control characters or bytes that are not UTF-8), `bodies: {path: [[text, times], …]}` (a valid
  notice whose body is each text repeated), `large: {path: size in bytes}` (a valid notice padded to that size) and
  `large_front_matter: {path: size in bytes}` (a notice whose tags make its front matter that large);
- `expected.txt`: the exact output (problem lines in order, then the summary line).

To write or refresh expected.txt after a deliberate change, run
`BULLETIN_UPDATE_CASES=1 .venv/bin/python -m pytest tests/test_cases.py`, then read every changed
file before committing it: the expected output is the specification, not a snapshot.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, bulletin
from generator.messages import LANGS, MESSAGES, describe_when
from generator.validate import load_repository

CASES = Path(__file__).resolve().parent / "cases"
BASE = CASES / "_base"
CONTROL = {"expected.txt", "setup.yml"}
UPDATE = os.environ.get("BULLETIN_UPDATE_CASES") == "1"

CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def build_case(case: Path, dest: Path) -> Path:
    """The base tree with the case's files laid over it, in dest."""
    shutil.copytree(BASE, dest, symlinks=True)
    for src in sorted(case.rglob("*")):
        rel = src.relative_to(case)
        if src.is_dir() or rel.as_posix() in CONTROL:
            continue
        if src.name.endswith(".delete"):
            victim = dest / rel.parent / src.name[: -len(".delete")]
            assert victim.exists(), f"{case.name}: {rel} deletes nothing"
            victim.unlink()
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    setup_file = case / "setup.yml"
    setup = yaml.safe_load(setup_file.read_text("utf-8")) if setup_file.exists() else {}
    for rel, target in (setup.get("symlinks") or {}).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, dest / rel)
    for rel, kind in (setup.get("special") or {}).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mknod(dest / rel, 0o644 | {"fifo": stat.S_IFIFO, "socket": stat.S_IFSOCK}[kind])
    for rel, text in (setup.get("raw_names") or {}).items():
        path = os.path.join(os.fsencode(dest), codecs.escape_decode(rel.encode("utf-8"))[0])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(text.encode("utf-8"))
    for rel, parts in (setup.get("bodies") or {}).items():
        rid = Path(rel).name[:12]
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(f"---\nid: {rid}\ntitle: Body\ndepartment: QA\ncategory: announcement\n"
                                f"issued_on: 2026-01-05\n---\n" + "".join(t * n for t, n in parts), "utf-8")
    for rel, size in (setup.get("large") or {}).items():
        rid = Path(rel).name[:12]
        head = (f"---\nid: {rid}\ntitle: Large\ndepartment: QA\ncategory: announcement\n"
                f"issued_on: 2026-01-05\n---\n").encode()
        line = "这是一行很长的正文，用来把文件撑大。 padding padding padding\n".encode()
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(head + line * (size // len(line) + 1))
    for rel, size in (setup.get("large_front_matter") or {}).items():
        rid = Path(rel).name[:12]
        tags = "".join(f"  - 标签{i:06d}\n" for i in range(size // 13 + 1))  # 13 characters a line
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(f"---\nid: {rid}\ntitle: Tags\ndepartment: QA\ncategory: announcement\n"
                                f"issued_on: 2026-01-05\ntags:\n{tags}---\n", "utf-8")
    return dest


def test_every_problem_code_has_a_case(tmp_path):
    """Each problem the validating modules can report appears in some case's output."""
    sources = "".join((PROJECT / "generator" / f"{m}.py").read_text("utf-8")
                      for m in ("yamlsafe", "schema", "config", "records", "validate"))
    used = {code for code in re.findall(r'"([a-z0-9-]+)"', sources) if code in MESSAGES}
    not_problems = {"did-you-mean", "ref-renumbered", "summary",  # parts of other messages
                    "fence-dashes", "fence-blank-lines", "fence-indented", "fence-bom"}
    not_problems |= {c for c in MESSAGES if c.startswith(("cfg-", "types-"))}  # the {problem} of config-* messages
    untestable = {"config-unreadable", "file-unreadable"}  # an OSError reading a record: not reproducible as
    # root (test_bad_input.py reads a file that vanished)
    seen = set()
    for i, name in enumerate(CASE_NAMES):
        seen |= {p.code for p in load_repository(build_case(CASES / name, tmp_path / str(i))).problems}
    assert used - not_problems - untestable - seen == set()


def test_every_case_has_expected_output():
    missing = [name for name in CASE_NAMES if not (CASES / name / "expected.txt").exists()]
    assert not missing or UPDATE, f"cases without expected.txt: {missing}"


def test_base_tree_is_valid(tmp_path):
    shutil.copytree(BASE, tmp_path / "repo")
    result = bulletin("validate", "--lang", "en", cwd=tmp_path / "repo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "checked 12 records: 0 errors, 0 warnings"


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case(name, tmp_path):
    case = CASES / name
    repo = build_case(case, tmp_path / "repo")
    before = snapshot(repo)
    result = bulletin("validate", "--lang", "en", cwd=repo)
    assert snapshot(repo) == before, "validation must never write, delete or run anything"
    expected_file = case / "expected.txt"
    if UPDATE:
        expected_file.write_text(result.stdout, "utf-8")
    assert expected_file.exists(), f"{name}: expected.txt is missing (BULLETIN_UPDATE_CASES=1 writes it)"

    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == expected_file.read_text("utf-8").splitlines()

    problem_lines = result.stdout.splitlines()[:-1]
    has_errors = any(re.match(r"^\S+?(:\d+)?: error: ", line) for line in problem_lines)
    assert result.returncode == (1 if has_errors else 0)
    for line in problem_lines:  # every problem names its file and a line in it (a folder or a
        # symbolic link, which is never read, has no line)
        assert re.match(r"^((records|site_config)/\S*|mkdocs\.yml|\S+\.ya?ml):\d+: (error|warning): \S", line) or re.match(
            r"^records/.*: error: (symbolic links|records must live|this name has|this is not a regular|the file "
            r"name starts with the record ID|a browser runs|this SVG)", line), line

    # The same problems from the library: every message renders in both languages,
    # and every problem in the front matter names its field.
    problems = load_repository(repo).problems
    assert len(problems) == len(problem_lines)
    for p in problems:
        for lang in LANGS:
            text = p.message(lang)
            assert text and not re.search(r"\{[a-z_]+\}", text), (p, lang, text)
        if p.code in FIELD_CODES:
            assert p.field, p


def test_conditions_read_as_a_sentence():
    """A rule with two conditions reads as Chinese and English sentences, words spaced from field names."""
    from generator.messages import render
    both = [("from", "status", "investigating"), ("not", "severity", "minor")]
    assert render("missing-when", "zh", field="capa", when=describe_when(both, "zh")) == \
        "状态为 investigating 或之后，且 severity 不是 minor 时必须填写 capa"
    assert render("missing-when", "zh", field="replies", when=describe_when(both[:1], "zh")) == \
        "状态为 investigating 或之后时必须填写 replies"
    assert render("missing-when", "zh", field="approved_by", when=describe_when([("not", "category", "x")], "zh")) \
        == "category 不是 x 时必须填写 approved_by"
    assert render("missing-when", "en", field="capa", when=describe_when(both, "en")) == \
        "capa is required when status is investigating or later and severity is not minor"


# Problems about one field name it (`field` in --format json), e.g. "actions[2].owner".
FIELD_CODES = {
    "missing", "missing-when", "unknown-key", "expected-text", "empty-text", "expected-date", "bad-date",
    "expected-date-fix", "expected-text-quote", "expected-bool-fix",
    "expected-bool", "expected-number", "expected-list", "expected-mapping", "empty-list", "bad-choice",
    "unknown-person", "unknown-dept", "bad-id", "missing-role", "date-order", "bad-period", "bad-audience",
    "actions-not-settled", "not-effective-closed", "due-ext-last", "due-ext-order", "ref-missing",
    "ref-wrong-type", "report-duplicate", "yaml-duplicate-key", "id-mismatch", "wrong-folder", "duplicate-id",
}


def snapshot(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in root.rglob("*")}
