"""An edit, then `bulletin build` again over the previous output: byte for byte a full build."""

from __future__ import annotations

import datetime as dt
import filecmp
import re

import pytest

from benchmarks.synth import generate
from generator.build import build
from generator.validate import load_repository
from conftest import git

TODAY = dt.date(2026, 11, 24)


def _differences(a, b) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [f"{a}/{d}" for d in cmp.left_only + cmp.right_only + cmp.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    out += [f"{a}/{d}" for d in mismatch + errors]
    for sub in cmp.common_dirs:
        out += _differences(a / sub, b / sub)
    return out


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    generate(repo, 240, seed=11)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "records", cwd=repo)
    return repo


def _build(repo, out, **kw):
    result = load_repository(repo)
    assert not result.errors, [p.code for p in result.errors[:3]]
    return build(repo, result, out, audience="all-staff", today=TODAY, **kw)


def _edit(repo):
    """Change the title of a record that other records refer to, and its body, and commit it."""
    texts = {p: p.read_text("utf-8") for p in (repo / "records").rglob("*.md")}
    referred = {rid for text in texts.values() for rid in re.findall(r"related: \[([A-Z]+-\d{4}-\d{3})", text)}
    path = next(p for p, t in sorted(texts.items()) if re.search(r"^id: (\S+)", t, re.M).group(1) in referred)
    text = texts[path]
    text = re.sub(r"^title: (.*)$", r"title: \1（已修订）", text, count=1, flags=re.M)
    path.write_text(text + "\n补充说明：第二版。\n", "utf-8")
    git("commit", "-qam", "revise one record", cwd=repo)
    return path


def test_rebuild_after_an_edit_equals_a_full_build(repo, tmp_path):
    site = tmp_path / "site"
    first = _build(repo, site)
    assert first["reused"] == 0
    again = _build(repo, site)
    assert again["reused"] == again["pages"], "nothing changed: every record page is kept"

    _edit(repo)
    partial = _build(repo, site)
    assert 0 < partial["reused"] < partial["pages"], partial

    full = tmp_path / "full"
    _build(repo, full, incremental_ok=False)
    assert _differences(site, full) == []


def test_a_change_of_today_rebuilds_everything(repo, tmp_path):
    site = tmp_path / "site"
    _build(repo, site)
    result = load_repository(repo)
    stats = build(repo, result, site, audience="all-staff", today=TODAY + dt.timedelta(days=1))
    assert stats["reused"] == 0
