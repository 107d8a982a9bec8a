"""The checked records come back from the stage 2 cache as they were checked, without work per string."""

from __future__ import annotations

from benchmarks.synth import generate
from generator import records, stage2
from generator.validate import load_repository


def test_records_from_the_cache_are_whole_and_not_interned_one_by_one(tmp_path, monkeypatch):
    """Record.__setstate__ interns every key and short value of a record it restores, in Python: half the
    time of loading the cache. The cache is pickled at once, its equal strings already one object, so a
    run from the cache restores its records without it, and gives the records a run without it gives."""
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    generate(repo, 120, seed=5)
    fresh = load_repository(repo, cache=False)
    load_repository(repo)                      # fills the cache
    calls = []
    real = records.Record.__setstate__
    monkeypatch.setattr(records.Record, "__setstate__", lambda self, state: calls.append(1) or real(self, state))
    cached = load_repository(repo)
    assert calls == [], "no record restored one string at a time"
    assert [(r.path, r.type, r.id, r.fields, r.body, r.body_line, r.front_matter, r.links) for r in cached.records] \
        == [(r.path, r.type, r.id, r.fields, r.body, r.body_line, r.front_matter, r.links) for r in fresh.records]
    statuses = {id(r.fields["status"]) for r in cached.records if isinstance(r.fields.get("status"), str)}
    values = {r.fields["status"] for r in cached.records if isinstance(r.fields.get("status"), str)}
    assert len(statuses) == len(values), "equal values share one string, as interned ones do"


def test_records_carry_their_files_digest_for_page_keys(tmp_path, monkeypatch):
    """stage2 digests each file for its cache; the record carries that digest (pages.page_keys hashes it
    instead of the record's text), whether checked now or restored from the cache; none without the cache."""
    import hashlib

    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    generate(repo, 40, seed=3)
    for run in (load_repository(repo), load_repository(repo)):     # checked, then from the cache
        assert run.records.all
        for r in run.records:
            assert r.digest == hashlib.blake2b((repo / r.path).read_bytes(), digest_size=16).hexdigest()
    assert {r.digest for r in load_repository(repo, cache=False).records} == {""}


def test_records_from_the_cache_are_left_out_of_the_cycle_collectors_runs(tmp_path, monkeypatch):
    """The records restored from the cache live as long as the build: frozen (gc.freeze) as they are loaded,
    the cycle collector's runs (a full one, at 10,000 records a quarter of an edit's build) do not visit them."""
    import gc

    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    generate(repo, 120, seed=5)
    load_repository(repo)                      # fills the cache
    gc.unfreeze()
    try:
        cached = load_repository(repo)
        tracked = {id(o) for o in gc.get_objects()}     # every generation the collector visits
        assert gc.get_freeze_count() > 10 * len(cached.records)
        assert not any(id(r) in tracked or id(r.fields) in tracked for r in cached.records)
    finally:
        gc.unfreeze()
