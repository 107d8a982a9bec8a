"""Stage 2 at scale: the parallel run and the cache give exactly what a plain serial run gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.synth import generate
from generator import stage2
from generator.config import load_config
from generator.validate import check_file, load_repository


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    generate(tmp_path / "repo", 300, seed=7)
    return tmp_path / "repo"


def _summary(result):
    return ([(r.path, r.id, r.fields, r.body) for r in result.records],
            [(p.path, p.line, p.code) for p in result.problems])


def test_parallel_equals_serial(repo):
    cfg = load_config(repo)
    from generator.records import scan

    rels = scan(repo, cfg).record_files
    serial = stage2.run(repo, cfg, rels, check_file, use_cache=False, jobs=1)
    parallel = stage2.run(repo, cfg, rels, check_file, use_cache=False, jobs=2, parallel_above=0)
    assert [rel for rel, _ in parallel] == rels
    for (rel_a, (rec_a, probs_a, refs_a)), (rel_b, (rec_b, probs_b, refs_b)) in zip(serial, parallel):
        assert rel_a == rel_b
        assert (rec_a.id, rec_a.fields, rec_a.body) == (rec_b.id, rec_b.fields, rec_b.body)
        assert [(p.line, p.code) for p in probs_a] == [(p.line, p.code) for p in probs_b]
        assert [(r.target, r.field) for r in refs_a] == [(r.target, r.field) for r in refs_b]


def test_cache_gives_the_same_result_and_follows_edits(repo, tmp_path):
    cold = load_repository(repo)
    assert list((tmp_path / "cache").glob("stage2-*.pickle")), "the first run writes the cache"
    warm = load_repository(repo)
    assert _summary(warm) == _summary(cold)
    assert not cold.errors

    victim = next(p for p in sorted((repo / "records" / "capa").rglob("*.md")))
    text = victim.read_text("utf-8")
    victim.write_text(text.replace("\nowner: ", "\nowner: nobody-here\nowner_was: ", 1), "utf-8")
    edited = load_repository(repo)
    uncached = load_repository(repo, cache=False)
    assert _summary(edited) == _summary(uncached)
    codes = {p.code for p in edited.problems if p.path.endswith(victim.name)}
    assert {"unknown-person", "unknown-key"} <= codes, codes


def test_cache_follows_the_configuration(repo):
    assert not load_repository(repo).errors
    people = repo / "site_config" / "people.yml"
    text = people.read_text("utf-8")
    first_id = text.split("id: ", 1)[1].split()[0]
    people.write_text(text.replace(f"id: {first_id}\n", f"id: {first_id}x\n", 1), "utf-8")
    after = load_repository(repo)
    assert after.errors, "a person removed from people.yml makes the records that name them fail, cache or not"
    assert _summary(after) == _summary(load_repository(repo, cache=False))


def test_a_file_settled_since_the_cache_is_not_read_again_and_any_change_is_seen(repo, monkeypatch):
    past = 1_700_000_000
    files = sorted((repo / "records").rglob("*.md"))
    for p in files:
        os.utime(p, (past, past))
    load_repository(repo)
    read = []
    real = stage2._digest
    monkeypatch.setattr(stage2, "_digest", lambda root, rel: read.append(rel) or real(root, rel))
    load_repository(repo)
    assert read == [], "size, modification time and inode as cached: the file is not hashed"

    victim = files[0]
    text = victim.read_text("utf-8")
    victim.write_text(text.replace("\ntitle: ", "\ntitle:\t", 1), "utf-8")   # same size, written now
    after = load_repository(repo)
    assert read == [victim.relative_to(repo).as_posix()]
    assert _summary(after) == _summary(load_repository(repo, cache=False))
    load_repository(repo)
    assert len(read) == 2, "changed seconds ago: hashed again until it has settled (no same-second race)"


def test_files_too_fresh_to_trust_are_settled_after_a_build(repo, monkeypatch):
    load_repository(repo)      # a fresh checkout: every file changed seconds ago, none trusted by its stat yet
    files = sorted((repo / "records").rglob("*.md"))
    for p in files:            # ... the build takes its time
        os.utime(p, (1_700_000_000, 1_700_000_000))
    stage2.settle(repo)        # what `bulletin build` does at its end
    read = []
    real = stage2._digest
    monkeypatch.setattr(stage2, "_digest", lambda root, rel: read.append(rel) or real(root, rel))
    assert not load_repository(repo).errors
    assert read == [], "the next run trusts them by their stat"
