"""The benchmark itself (python -m benchmarks), run for real at a few dozen records: the rows issue 15 asks
for are printed and written, with their targets, and a build is compared with an earlier run's."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import PROJECT


def bench(*args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "benchmarks", *args], cwd=PROJECT, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_validate_and_search_rows_without_a_build(tmp_path):
    printed = bench("--n", "40", "--only", "validate,search", "--repeat", "1", "--out", str(tmp_path / "r.json"),
                    "--keep", str(tmp_path / "keep"))
    result = json.loads((tmp_path / "r.json").read_text("utf-8"))
    rows = {r["what"]: r for r in result["rows"]}
    assert rows["validate"]["target"] == "≤ 3.0" and rows["validate"]["ratio"] > 0
    assert not {"build", "edit", "build-scale"} & set(rows)
    [found] = result["search"]
    assert found["source"] == "an index of the records alone (no site build)" and found["docs"] == 40
    assert len(found["queries"]) >= 20 and all(q["bytes"] > 0 for q in found["queries"])
    assert any(q["hits"] for q in found["queries"]) and found["max_bytes"] >= found["median_bytes"] > 0
    assert found["target"].startswith("≤ 1 MB")
    assert "| 40 | an index of the records alone (no site build) | " in printed
    assert (tmp_path / "keep" / "n40" / "repo" / "records").is_dir()


def test_a_build_is_compared_with_the_smaller_build_of_an_earlier_run(tmp_path):
    keep = str(tmp_path / "keep")
    bench("--n", "20", "--only", "build", "--skip-mkdocs", "--repeat", "1", "--out", str(tmp_path / "a.json"),
          "--keep", keep)
    printed = bench("--n", "40", "--only", "build,edit,search", "--skip-mkdocs", "--repeat", "1", "--previous",
                    str(tmp_path / "a.json"), "--out", str(tmp_path / "b.json"), "--keep", keep)
    earlier = {r["what"]: r for r in json.loads((tmp_path / "a.json").read_text("utf-8"))["rows"]}
    result = json.loads((tmp_path / "b.json").read_text("utf-8"))
    rows = {r["what"]: r for r in result["rows"]}
    build, scale = rows["build"], rows["build-scale"]
    assert build["a_median_s"] > 0 and build["ratio"] is None and "--skip-mkdocs" in build["note"]
    assert (scale["n"], scale["target"]) == (40, "≤ 2.2")
    assert scale["ratio"] == round(build["a_median_s"] / earlier["build"]["a_median_s"], 3)
    assert scale["b_runs"] == earlier["build"]["a_runs"] and str(tmp_path / "a.json") in scale["note"]
    assert rows["edit"]["target"] == "≤ 0.025" and rows["edit-fields"]["target"] == "≤ 0.05"
    assert rows["edit"]["b"].startswith("plain MkDocs") and rows["edit"]["a_median_s"] > 0
    [found] = result["search"]
    assert found["source"] == "the site built by bulletin build" and found["docs"] > 30
    assert "bulletin build (cold) at 40 vs bulletin build (cold) at 20" in printed


CHURN = r"""
import os
heap = bytearray(b"x") * (64 << 20)     # 64 MB written: the parent's own pages, which every child shares
with open("/proc/self/smaps_rollup") as fh:
    print(next(int(line.split()[1]) for line in fh if line.startswith("Pss:")), flush=True)
while True:                             # children forked and ended without end, none touching the heap
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
"""


def test_the_memory_of_a_tree_that_forks_and_ends_children_is_counted_once():
    """A tree's memory is its parent's 64 MB heap and little more, however its children come and go: no
    sample counts the heap twice (a child ending while the tree is read) nor misses part of it."""
    from benchmarks import measure

    proc = subprocess.Popen([sys.executable, "-c", CHURN], stdout=subprocess.PIPE)
    try:
        own = int(proc.stdout.readline()) * 1024      # the parent's PSS before its first child
        samples = [measure._tree_rss(proc.pid) for _ in range(200)]
        assert measure._state(proc.pid) not in ("T", "t")     # left running
    finally:
        proc.kill()
        proc.wait()
    assert own > 64 << 20
    taken = [s for s in samples if s]
    assert len(taken) == len(samples)
    assert min(taken) >= 64 << 20 and max(taken) <= own + (16 << 20), (own >> 20, sorted(taken)[-5:])
