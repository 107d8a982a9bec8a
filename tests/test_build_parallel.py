"""Record pages rendered by worker processes make exactly the site that one process makes."""

from __future__ import annotations

import datetime as dt
import filecmp
import gc

from benchmarks.synth import generate
from generator import prerender
from generator.build import build
from generator.engine import private
from generator.validate import load_repository
from conftest import git


def _same_tree(a, b) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    diffs = cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files
    out = [f"{a}/{d}" for d in diffs]
    for sub in cmp.common_dirs:
        out += _same_tree(a / sub, b / sub)
    return out


def _synthetic_repo(tmp_path, n: int, seed: int):
    """A Git repository of n synthetic records (benchmarks.synth), committed."""
    repo = tmp_path / "repo"
    generate(repo, n, seed=seed)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "records", cwd=repo)
    return repo


def test_parallel_build_equals_serial_build(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    repo = _synthetic_repo(tmp_path, 260, 3)
    result = load_repository(repo)
    assert not result.errors
    today = dt.date(2026, 11, 24)
    build(repo, result, tmp_path / "serial", audience="all-staff", today=today, jobs=1)
    build(repo, load_repository(repo), tmp_path / "parallel", audience="all-staff", today=today, jobs=2)
    pages = list((tmp_path / "parallel").rglob("index.html"))
    assert len(pages) > 260, "every record has its page"
    assert _same_tree(tmp_path / "serial", tmp_path / "parallel") == []


def test_workers_leave_the_parents_objects_to_it():
    """Forked workers do not run the cyclic collector over what they inherit (gc.freeze before the fork):
    its passes would write to every object and copy the parent's memory into each worker (issue 15:
    100,000 records within 4 GiB over the process tree)."""
    frozen = dict(prerender.run(list(range(8)), lambda _: gc.get_freeze_count(), 2))
    assert len(frozen) == 8 and all(n > 0 for n in frozen.values())
    assert prerender.background(gc.get_freeze_count).result() > 0
    assert gc.get_freeze_count() == 0, "the parent collects as usual again"


def test_rendered_record_pages_are_not_kept(tmp_path, monkeypatch):
    """A record page's Markdown and HTML are let go once written: a worker renders tens of thousands."""
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    repo = _synthetic_repo(tmp_path, 40, 5)
    rendered = []
    render_page = private.render_page

    def keep(page, *args, **kwargs):
        rendered.append(page)
        return render_page(page, *args, **kwargs)

    monkeypatch.setattr(private, "render_page", keep)
    build(repo, load_repository(repo), tmp_path / "site", audience="all-staff", today=dt.date(2026, 11, 24), jobs=1)
    assert len(rendered) > 30
    assert [p.file.src_uri for p in rendered if p.content is not None or p.markdown is not None] == []
    assert [p.file.src_uri for p in rendered if "render" in vars(p)] == [], "nor the closure that rendered it"


def test_each_worker_takes_runs_of_neighbouring_items():
    """A worker's items are neighbours (made together in the parent), not every n-th item: touching an
    object copies its memory page into the worker, and every n-th item lies on every page; and a worker
    ends with its run, instead of holding what it copied until the last item (issue 15)."""
    import os
    items = list(range(4000))
    pids = [pid for _, pid in sorted(prerender.run(items, lambda _: os.getpid(), 2))]
    runs = 1 + sum(1 for a, b in zip(pids, pids[1:]) if a != b)
    assert runs <= 2 * 4
    assert len(set(pids)) == runs, "each run in a process of its own, which gives its memory back when done"


def test_a_worker_takes_at_most_a_run_of_items(monkeypatch):
    """What a worker copies from its parent grows with its items: past RUN items, more workers, not bigger."""
    import os
    monkeypatch.setattr(prerender, "RUN", 100)
    pids = [pid for _, pid in sorted(prerender.run(list(range(1000)), lambda _: os.getpid(), 2))]
    assert max(pids.count(p) for p in set(pids)) <= 100 and len(set(pids)) == 10
