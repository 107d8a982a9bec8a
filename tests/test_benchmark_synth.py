"""The benchmark's synthetic repositories: valid, complete, deterministic."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

from conftest import PROJECT, bulletin

if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks import synth  # noqa: E402

CAPA_STATUSES = {"open", "analysis", "approved", "implementing", "verification", "closed", "cancelled"}


def _front_matters(root: Path) -> dict[str, dict]:
    out = {}
    for path in sorted((root / "records").rglob("*.md")):
        text = path.read_text("utf-8")
        assert text.startswith("---\n")
        fm, body = text[4:].split("\n---\n", 1)
        out[path.relative_to(root).as_posix()] = {"fm": yaml.load(fm, Loader=yaml.CSafeLoader), "body": body}
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_synthetic_repository_validates_and_covers_every_type_and_status(tmp_path):
    repo = tmp_path / "repo"
    synth.generate(repo, 200, seed=1)
    result = bulletin("validate", cwd=repo)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]

    records = _front_matters(repo)
    assert len(records) == 200
    folders = Counter(path.split("/")[1] for path in records)
    assert set(folders) == {"meetings", "notices", "capa", "reports", "complaints", "nc", "surveys", "memos", "external"}
    capa = [r["fm"] for p, r in records.items() if p.startswith("records/capa/")]
    assert {fm["status"] for fm in capa} == CAPA_STATUSES
    meetings = [r["fm"] for p, r in records.items() if p.startswith("records/meetings/")]
    assert {fm["status"] for fm in meetings} == {"draft", "approved"}
    complaints = [r["fm"] for p, r in records.items() if p.startswith("records/complaints/")]
    assert "closed" in {fm["status"] for fm in complaints} and any("capa" in fm for fm in complaints)
    ncs = [r["fm"] for p, r in records.items() if p.startswith("records/nc/")]
    assert "closed" in {fm["status"] for fm in ncs} and any("capa" in fm for fm in ncs)
    assert any(fm.get("received") for fm in meetings), "management reviews carry receipts"
    reports = [r["fm"] for p, r in records.items() if p.startswith("records/reports/")]
    assert any(fm.get("metrics") for fm in reports), "reports carry the objectives' metrics"
    for path, rec in records.items():
        assert Path(path).name.startswith(rec["fm"]["id"] + "-")
        assert 300 <= len(rec["body"]) <= 1500, (path, len(rec["body"]))
    for name in ("departments.yml", "people.yml", "schedule.yml", "customers.yml", "objectives.yml"):
        assert (repo / "site_config" / name).is_file()
    roles = {role for person in yaml.safe_load((repo / "site_config" / "people.yml").read_text("utf-8"))
             for role in person.get("roles", [])}
    assert roles == {"gm", "management-rep", "qa", "auditor"}


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    synth.generate(tmp_path / "a", 120, seed=7)
    synth.generate(tmp_path / "b", 120, seed=7)
    synth.generate(tmp_path / "c", 120, seed=8)
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c
