"""191 real meeting minutes written outside this project (shared/real-corpus): the validator
reports exactly what shared/real-corpus/README.md says of them, and nothing else."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS, bulletin

MEETINGS = "records/meetings"
BROKEN = {
    f"{MEETINGS}/2021/MTG-2021-012-2021-06-15-meeting.md": [
        (31, "link-missing", "selina-starfive"),
        (43, "link-missing", "../support-doc/OH-RISCV组-贡献名单.xlsx"),
    ],
    f"{MEETINGS}/2025/MTG-2025-017-2025-07-31-meeting.md": [
        (41, "link-windows", "..\\assets\\附件一：OpenHarmony社区L2开发板厂商信息自查表.xlsx"),
    ],
}
EMAIL_WARNINGS = {  # bare e-mail addresses written as link targets, per record
    f"{MEETINGS}/2021/MTG-2021-007-openharmony-2021-04-13.md": 2,
    f"{MEETINGS}/2021/MTG-2021-008-openharmony-2021-04-26.md": 8,
    f"{MEETINGS}/2021/MTG-2021-009-openharmony-2021-05-10.md": 3,
    f"{MEETINGS}/2021/MTG-2021-013-openharmony-2021-06-28.md": 2,
    f"{MEETINGS}/2021/MTG-2021-021-openharmony-2021-09-30.md": 3,
    f"{MEETINGS}/2022/MTG-2022-025-2022-09-06-meeting.md": 2,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A copy: tests never write into shared/."""
    assert (CORPUS / "records").is_dir(), f"the shared corpus is missing: {CORPUS}"
    return Path(shutil.copytree(CORPUS, tmp_path_factory.mktemp("corpus") / "out"))


@pytest.fixture(scope="module")
def problems(corpus) -> list[dict]:
    result = bulletin("validate", "--format", "json", "--lang", "en", cwd=corpus)
    assert result.returncode == 1
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_exactly_three_errors_in_two_records(problems):
    errors = [(p["path"], p["line"], p["code"]) for p in problems if p["severity"] == "error"]
    assert errors == [(path, line, code) for path, found in BROKEN.items() for line, code, _ in found]
    for p in problems:
        if p["severity"] == "error":
            target = next(t for line, _, t in BROKEN[p["path"]] if line == p["line"])
            assert target in p["message"]


def test_exactly_twenty_email_warnings_in_six_records(problems):
    warnings = [p for p in problems if p["severity"] == "warning"]
    assert {p["code"] for p in warnings} == {"link-email"}
    assert Counter(p["path"] for p in warnings) == EMAIL_WARNINGS
    assert len(warnings) == 20
    for p in warnings:
        assert "mailto:" in p["message"] and "@" in p["message"]


def test_nothing_else(problems):
    assert len(problems) == 23
    assert Counter((p["severity"], p["code"]) for p in problems) == {
        ("error", "link-missing"): 2, ("error", "link-windows"): 1, ("warning", "link-email"): 20}


def test_text_summary(corpus):
    result = bulletin("validate", "--lang", "en", cwd=corpus)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "checked 191 records: 3 errors, 20 warnings"


def test_the_other_189_validate(corpus, tmp_path):
    rest = Path(shutil.copytree(corpus, tmp_path / "rest"))
    for path in BROKEN:
        (rest / path).unlink()
    result = bulletin("validate", "--lang", "en", cwd=rest)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "checked 189 records: 0 errors, 20 warnings"


def test_corpus_loads_as_records(corpus):
    """Every one of the 191 becomes a record: CRLF files and huge bodies included."""
    from generator.validate import load_repository

    result = load_repository(corpus)
    assert len(result.records) == 191
    assert all(r.type == "meeting" for r in result.records)
    assert max(len(r.body.encode("utf-8")) for r in result.records) > 100_000  # the 109 KB one
    assert all("\r" not in r.body for r in result.records)
