"""Record pages rendered by worker processes make exactly the site that one process makes."""

from __future__ import annotations

import datetime as dt
import filecmp

from benchmarks.synth import generate
from generator.build import build
from generator.validate import load_repository
from conftest import git


def _same_tree(a, b) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    diffs = cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files
    out = [f"{a}/{d}" for d in diffs]
    for sub in cmp.common_dirs:
        out += _same_tree(a / sub, b / sub)
    return out


def test_parallel_build_equals_serial_build(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    generate(repo, 260, seed=3)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "records", cwd=repo)
    result = load_repository(repo)
    assert not result.errors
    today = dt.date(2026, 11, 24)
    build(repo, result, tmp_path / "serial", audience="all-staff", today=today, jobs=1)
    build(repo, load_repository(repo), tmp_path / "parallel", audience="all-staff", today=today, jobs=2)
    pages = list((tmp_path / "parallel").rglob("index.html"))
    assert len(pages) > 260, "every record has its page"
    assert _same_tree(tmp_path / "serial", tmp_path / "parallel") == []
