"""Paired timings: each measured command runs as a child process, A and B interleaved.

For each N: generate a repository once (git init + commit, so history exists), then

  validate   `bulletin validate` (no cache)  vs  a bare parse: one process reads every record
             file, splits the front matter and yaml.load(fm, Loader=yaml.CSafeLoader);
             plus `bulletin validate` with its cache in place, when it leaves one;
  build      `bulletin build --out X --today 2026-11-24` in a fresh clone (no cache, no output)
             vs plain MkDocs + Material building the same Markdown files, records not in the nav;
  edit       append a line to one record's body, then `bulletin build` again with the previous
             output and cache in place  vs  plain MkDocs' cold build of the same round;
  edit-fields  then change another record's title (front matter: boards, indexes, archives and
             feeds change too) and `bulletin build` again, vs the same plain MkDocs build;
  build-scale  the cold build at a larger N vs the cold build at a smaller one (this run's, or one
             from an earlier --out JSON given with --previous): linear growth, peak memory;
  search     bytes a query reads from the built site's search/ (benchmarks/searchbench.py), median
             and max over a fixed set of queries; from an index of the records alone without a build.

Each repository gets its own cache folder (BULLETIN_CACHE_DIR, next to it); "no cache" means
that folder and any .cache/ inside the repository are removed first.

Medians over --repeat rounds; peak memory is the child's peak RSS (/usr/bin/time, else wait4),
or the PSS summed over its process tree, sampled every 0.2 s, when that is larger (workers): the tree
is stopped for each sample, so that the sum is of one instant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import synth

PROJECT = Path(__file__).resolve().parent.parent
TODAY = synth.TODAY.isoformat()
CACHE_DIRS = (".cache",)          # caches inside a repository (removed for a cold run)
CACHE_ENV = "BULLETIN_CACHE_DIR"  # and the one outside: each repository here gets its own
# PYTHONDONTWRITEBYTECODE dropped: an installed Bulletin has its bytecode (pip compiles it, and an editable
# install writes it on first import: the warm-up runs), as the bare parse's PyYAML and MkDocs have theirs.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "NO_MKDOCS_2_WARNING": "1"}
KINDS = ("validate", "build", "edit", "search")     # what --only chooses from
SEARCH_MAX_MB = 1.0                                # a query transfers at most this much (issue 15)


def target(what: str, n: int, n_small: int | None = None) -> str:
    """The issue's target for a row (issue 15; ratios of one run, side by side)."""
    if what == "validate":
        return "≤ 3.0"
    if what == "build":
        return "≤ 0.5, peak ≤ 1 GiB" if n <= 10_000 else "peak ≤ 4 GiB"
    if what == "edit":
        return "≤ 0.025"
    if what == "edit-fields":
        return "≤ 0.05"
    if what == "build-scale" and n_small:
        growth = f"≤ {1.1 * n / n_small:,.3g}"
        return f"{growth}, peak ≤ 4 GiB" if n >= 100_000 else growth
    if what == "search":
        return f"≤ {SEARCH_MAX_MB:g} MB" + (" (target at 100,000)" if n < 100_000 else "")
    return "—"


BARE_PARSE = r"""
import os, sys, yaml
loader, n = yaml.CSafeLoader, 0
for folder, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8-sig") as fh:
            text = fh.read()
        if text.startswith("---\n"):
            end = text.find("\n---", 3)
            yaml.load(text[4:end + 1], Loader=loader)
            n += 1
print(n, "front matters parsed")
"""

MKDOCS_YML = """\
site_name: Plain MkDocs baseline
docs_dir: docs
site_dir: site
theme:
  name: material
  language: zh
  font: false
plugins:
  - search
nav:
  - index.md
not_in_nav: |
  /**
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


# --- running one command --------------------------------------------------------------------

def _pss(pid: int) -> int | None:
    """Proportional set size: shared pages (a forked worker's) counted once across processes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def _tree(root: int) -> dict[int, int]:
    """pid -> RSS (bytes) of root and all its descendants, from /proc."""
    parent, rss = {}, {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        pid = int(entry)
        parent[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * page
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    tree, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in rss:
            tree[pid] = rss[pid]
        todo.extend(children.get(pid, ()))
    return tree


def _state(pid: int) -> str:
    """A process's state letter from /proc (R, S, D, T, Z ...), "" when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return ""
    return stat[stat.rfind(b")") + 2:].split()[0].decode()


STILL = ("T", "t", "Z", "X", "")    # states in which a process's memory no longer changes: stopped, ended, gone
STOP_POLLS = 5000                   # waits of 0.2 ms for a process to stop (one in a system call stops on return)


def _tree_rss(root: int) -> int:
    """Memory of root and all its descendants at one instant (PSS where readable, else RSS), from /proc.

    Read one process after another while the tree runs, a sum is of no instant: a worker read before its
    parent forks or after a sibling ends counts pages the others count too (a worker ending between the
    listing and the reading once counted its whole RSS, shared with its parent: 1.5 times the true peak),
    and one read after the pages it shares were unmapped elsewhere counts less. So the tree is stopped
    (SIGSTOP, parents before their children: a stopped process forks no more), read, and continued; a
    process ended meanwhile is a zombie and holds nothing. 0 (no sample) when a process would not stop."""
    mine: list[int] = []        # the processes this sample stopped (one stopped by someone else stays so)
    seen: set[int] = set()
    try:
        while True:
            tree = _tree(root)
            new = [pid for pid in tree if pid not in seen]
            if not new:
                break           # every process of the tree is stopped, and this listing's RSS are theirs now
            seen.update(new)
            for pid in new:
                if _state(pid) in STILL:
                    continue
                try:
                    os.kill(pid, signal.SIGSTOP)
                except OSError:
                    continue
                mine.append(pid)
            for pid in new:
                for _ in range(STOP_POLLS):
                    if _state(pid) in STILL:
                        break
                    time.sleep(0.0002)
                else:
                    return 0
        total = 0
        for pid, rss in tree.items():
            pss = _pss(pid)
            total += pss if pss is not None else rss
        return total
    finally:
        for pid in mine:
            try:
                os.kill(pid, signal.SIGCONT)
            except OSError:
                pass


SAMPLE_SHARE = 50      # at least this many times a sample's own duration between samples


class Sampler(threading.Thread):
    """The peak of _tree_rss, sampled every `interval` seconds, or less often when a sample takes long: a
    sample stops the tree while it reads it (reading a 2 GB process's smaps takes tens of milliseconds), and
    the measured command must not be paused, nor this process take a core from it, for more than 1/SAMPLE_SHARE
    of the time (sampling every 0.2 s made a 100,000-record build a third slower)."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.samples = pid, interval, 0, 0
        self.done = threading.Event()

    def run(self):
        if not os.path.isdir("/proc"):
            return
        wait = self.interval
        while not self.done.wait(wait):
            started = time.perf_counter()
            try:
                self.peak = max(self.peak, _tree_rss(self.pid))
            except Exception:
                return
            self.samples += 1
            wait = max(self.interval, (time.perf_counter() - started) * SAMPLE_SHARE)


TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_measured(cmd: list[str], cwd: Path, cache: Path | None = None) -> dict:
    """Run cmd as a child; wall seconds, exit code, CPU seconds, peak RSS (MB), stderr's tail.

    Through /usr/bin/time when present: a child's ru_maxrss starts at the RSS of the process
    that forked it, and /usr/bin/time is small, where this Python process is not.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss_file:
        full = [TIME, "-q", "-f", "%M", "-o", rss_file.name, *cmd] if TIME else cmd
        start = time.perf_counter()
        env = {**ENV, CACHE_ENV: str(cache)} if cache else ENV
        proc = subprocess.Popen(full, cwd=cwd, stdout=out, stderr=err, env=env)
        sampler = Sampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
        out.seek(0)
        last = out.read()[-300:].decode("utf-8", "replace").strip().splitlines()
        maxrss_kb = usage.ru_maxrss
        if TIME:
            try:
                maxrss_kb = int(rss_file.read().strip().splitlines()[-1])
            except (ValueError, IndexError):
                pass
    peak = max(maxrss_kb * 1024, sampler.peak)
    return {"seconds": round(seconds, 3), "rc": proc.returncode, "cpu": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_mb": round(peak / 2**20, 1), "maxrss_mb": round(maxrss_kb / 1024, 1),
            "tree_pss_mb": round(sampler.peak / 2**20, 1), "stderr": tail if proc.returncode else "",
            "stdout_last": last[-1] if last else ""}


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, env=ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def available(bulletin: str, command: str) -> bool:
    try:
        return subprocess.run([bulletin, command, "--help"], capture_output=True, env=ENV, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


# --- preparing a repository -----------------------------------------------------------------

def synth_version() -> str:
    return hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:12]


def prepare(base: Path, n: int, seed: int) -> tuple[Path, dict]:
    """base/repo: n synthetic records, committed; reused when --keep already holds the same one."""
    repo = base / "repo"
    stamp = {"n": n, "seed": seed, "synth": synth_version()}
    marker = base / "synth.json"
    if repo.is_dir() and marker.is_file() and json.loads(marker.read_text()) == stamp and (repo / ".git").is_dir():
        log(f"[N={n}] reusing {repo}")
        return repo, {"reused": True}
    shutil.rmtree(base, ignore_errors=True)
    repo.mkdir(parents=True)
    t = time.perf_counter()
    # in a child process, so that this one stays small (its RSS is no one's peak)
    subprocess.run([sys.executable, "-m", "benchmarks.synth", str(repo), str(n), "--seed", str(seed)],
                   cwd=PROJECT, check=True, env=ENV, stderr=subprocess.DEVNULL)
    gen = time.perf_counter() - t
    t = time.perf_counter()
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", f"synthetic records: n={n} seed={seed}", cwd=repo)
    commit = time.perf_counter() - t
    marker.write_text(json.dumps(stamp))
    size = sum(f.stat().st_size for f in (repo / "records").rglob("*.md"))
    log(f"[N={n}] generated in {gen:.1f} s, committed in {commit:.1f} s, {size / 2**20:.1f} MB of records")
    return repo, {"generate_s": round(gen, 2), "commit_s": round(commit, 2), "records_mb": round(size / 2**20, 1)}


def prepare_mkdocs(base: Path, repo: Path) -> Path:
    """A separate MkDocs project over a copy of the same record files; records not in the nav."""
    mk = base / "mkdocs"
    shutil.rmtree(mk, ignore_errors=True)
    shutil.copytree(repo / "records", mk / "docs")
    (mk / "docs" / "index.md").write_text("# Records\n\nPlain MkDocs + Material baseline.\n", encoding="utf-8")
    (mk / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return mk


def cache_of(repo: Path) -> Path:
    """The cache folder outside the repository that `bulletin` is told to use for it."""
    return repo.parent / f"{repo.name}.bulletin-cache"


def clear_cache(repo: Path) -> None:
    for folder in [repo / name for name in CACHE_DIRS] + [cache_of(repo)]:
        shutil.rmtree(folder, ignore_errors=True)


def has_cache(repo: Path) -> bool:
    return any(folder.is_dir() and any(folder.iterdir())
               for folder in [repo / name for name in CACHE_DIRS] + [cache_of(repo)])


def edit_one(repo: Path, round_no: int) -> str:
    files = sorted((repo / "records").rglob("*.md"))
    target = files[(round_no * 7919 + len(files) // 2) % len(files)]
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(f"\n补充说明 Addendum {round_no + 1}: 基准测试追加的一行 / a line appended by the benchmark.\n")
    return target.relative_to(repo).as_posix()


def edit_title(repo: Path, round_no: int) -> str:
    files = sorted((repo / "records").rglob("*.md"))
    target = files[(round_no * 104729 + len(files) // 3) % len(files)]
    lines = target.read_text("utf-8").split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[n] = f"title: 修订后的标题 第{round_no + 1}版"
    target.write_text("\n".join(lines), "utf-8")
    return target.relative_to(repo).as_posix()


# --- the pairs --------------------------------------------------------------------------------

class Row:
    def __init__(self, n: int, what: str, a: str, b: str, a_cmd=None, b_cmd=None):
        self.n, self.what, self.a_name, self.b_name = n, what, a, b
        self.n_small: int | None = None     # build-scale: the N of B
        self.a: list[dict] = []
        self.b: list[dict] = []
        self.a_cmd, self.b_cmd = a_cmd, b_cmd
        self.note = ""

    @staticmethod
    def median(runs: list[dict]) -> float | None:
        ok = [r["seconds"] for r in runs if r["rc"] == 0]
        return round(statistics.median(ok), 3) if ok and len(ok) == len(runs) else None

    @staticmethod
    def cpu(runs: list[dict]) -> float | None:
        ok = [r["cpu"] for r in runs if r["rc"] == 0]
        return round(statistics.median(ok), 3) if ok and len(ok) == len(runs) else None

    @staticmethod
    def peak(runs: list[dict]) -> float | None:
        return max((r["peak_mb"] for r in runs), default=None)

    def as_dict(self) -> dict:
        ma, mb = self.median(self.a), self.median(self.b)
        return {
            "n": self.n, "what": self.what, "a": self.a_name, "b": self.b_name,
            "a_cmd": self.a_cmd, "b_cmd": self.b_cmd,
            "a_median_s": ma, "b_median_s": mb,
            "ratio": round(ma / mb, 3) if ma is not None and mb else None,
            "a_cpu_s": self.cpu(self.a), "b_cpu_s": self.cpu(self.b),
            "a_peak_mb": self.peak(self.a), "b_peak_mb": self.peak(self.b),
            "target": target(self.what, self.n, self.n_small), "note": self.note,
            "a_runs": self.a, "b_runs": self.b,
        }


def run_validate(n: int, repo: Path, bulletin: str, repeat: int) -> list[Row]:
    a_cmd = [bulletin, "validate"]
    b_cmd = [sys.executable, "-c", BARE_PARSE, "records"]
    cold = Row(n, "validate", "bulletin validate (no cache)", "bare parse, CSafeLoader, 1 process",
               " ".join(a_cmd), f"{sys.executable} -c BARE_PARSE records")
    warm = Row(n, "validate-warm", "bulletin validate (warm cache)", "bare parse, CSafeLoader, 1 process",
               " ".join(a_cmd), cold.b_cmd)
    clear_cache(repo)
    cache = cache_of(repo)
    run_measured(b_cmd, repo)           # warm-ups, untimed: the OS file cache, .pyc files
    run_measured(a_cmd, repo, cache)
    warmed = False
    for i in range(repeat):
        clear_cache(repo)
        cold.a.append(run_measured(a_cmd, repo, cache))
        cold.b.append(run_measured(b_cmd, repo))
        warm.b.append(cold.b[-1])
        if has_cache(repo):
            warmed = True
            warm.a.append(run_measured(a_cmd, repo, cache))
        _say(cold, i, repeat)
    if cold.a and cold.a[-1]["rc"] != 0:
        cold.note = f"exit {cold.a[-1]['rc']}: {cold.a[-1]['stdout_last'] or cold.a[-1]['stderr'][-300:]}"
    clear_cache(repo)
    return [cold, warm] if warmed else [cold]


def run_builds(n: int, repo: Path, base: Path, bulletin: str, repeat: int, only: set[str], keep: bool,
               mkdocs: bool = True) -> tuple[list[Row], dict | None]:
    """The build and edit rows (plain MkDocs is their B unless mkdocs is False), and the search result
    measured on the first round's built site when "search" is asked for."""
    can_build = available(bulletin, "build")
    mk = prepare_mkdocs(base, repo) if mkdocs else None
    mk_cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(mk / "mkdocs.yml")] if mk else None
    plain = "plain MkDocs + Material, records not in nav"
    build_text = f"{bulletin} build --out site --today {TODAY}"
    rows = {}
    if "build" in only:
        rows["build"] = Row(n, "build", "bulletin build (cold: fresh clone, no cache)", plain,
                            build_text, "mkdocs build -q -f mkdocs.yml")
    if "edit" in only:
        rows["edit"] = Row(n, "edit", "edit one record + bulletin build (output and cache in place)",
                           f"{plain} (cold)", build_text, "mkdocs build -q -f mkdocs.yml")
        rows["edit-fields"] = Row(n, "edit-fields", "then edit another record's title + bulletin build",
                                  f"{plain} (cold)", build_text, "mkdocs build -q -f mkdocs.yml")
    if not mkdocs:
        for row in rows.values():
            row.note = "plain MkDocs not run (--skip-mkdocs): no ratio"
    if not can_build:
        for row in rows.values():
            row.note = "not available: `bulletin build --help` fails"
    edit_ok = can_build
    found_search = None
    for i in range(repeat):
        clone = base / f"clone-{i}"
        shutil.rmtree(clone, ignore_errors=True)
        clear_cache(clone)
        cold = None
        if can_build:
            git("clone", "-q", str(repo), str(clone), cwd=base)
            out = clone / "site"
            build_cmd = [bulletin, "build", "--out", str(out), "--today", TODAY]
            clear_cache(clone)
            cold = run_measured(build_cmd, clone, cache_of(clone))
            if cold["rc"] != 0:
                edit_ok = False
                for row in rows.values():
                    row.note = f"bulletin build exit {cold['rc']}: {cold['stderr'][-300:].strip()}"
            if "build" in rows:
                rows["build"].a.append(cold)
            if "search" in only and found_search is None and cold["rc"] == 0 and (out / "search").is_dir():
                found_search = search_row(n, out / "search", "the site built by bulletin build")
        plain_run = None
        if mk_cmd and rows:
            shutil.rmtree(mk / "site", ignore_errors=True)
            plain_run = run_measured(mk_cmd, mk)
            if plain_run["rc"] != 0:
                for row in rows.values():
                    row.note += f" mkdocs exit {plain_run['rc']}: {plain_run['stderr'][-300:]}"
        if "build" in rows and plain_run:
            rows["build"].b.append(plain_run)
        if "edit" in rows and cold is not None and edit_ok:
            edited = edit_one(clone, i)
            rows["edit"].a.append(run_measured(build_cmd, clone, cache_of(clone)))
            if plain_run:
                rows["edit"].b.append(plain_run)
            rows["edit"].note = rows["edit"].note or f"edited e.g. {edited}"
            edited = edit_title(clone, i)
            rows["edit-fields"].a.append(run_measured(build_cmd, clone, cache_of(clone)))
            if plain_run:
                rows["edit-fields"].b.append(plain_run)
            rows["edit-fields"].note = rows["edit-fields"].note or f"edited e.g. {edited}"
        for row in rows.values():
            _say(row, i, repeat)
        if not (keep and i == repeat - 1):
            shutil.rmtree(clone, ignore_errors=True)
            clear_cache(clone)
    if mk and not keep:
        shutil.rmtree(mk, ignore_errors=True)
    return list(rows.values()), found_search


def search_from_records(n: int, repo: Path, base: Path) -> dict:
    """The search row without a site build: an index of the records alone (in a child process)."""
    folder = base / "search-from-records"
    shutil.rmtree(folder, ignore_errors=True)
    made = run_measured([sys.executable, "-m", "benchmarks.searchbench", "index", str(repo / "records"),
                         str(folder)], PROJECT)
    if made["rc"] != 0:
        return {"n": n, "source": "records", "note": f"index failed: {made['stderr'][-300:]}"}
    found = search_row(n, folder / "search", "an index of the records alone (no site build)")
    found["index_s"], found["index_peak_mb"] = made["seconds"], made["peak_mb"]
    return found


def search_row(n: int, folder: Path, source: str) -> dict:
    from .searchbench import measure

    found = {"n": n, "source": source, **measure(folder), "target": target("search", n)}
    log(f"[N={n}] search: median {found['median_bytes'] / 1e3:,.0f} KB, max {found['max_bytes'] / 1e3:,.0f} KB "
        f"({found['max_query']!r}), {source}")
    return found


def scale_rows(rows: list[dict]) -> list[dict]:
    """build-scale: each measured cold build against the one at the next smaller N (this run's or --previous's)."""
    builds = {}
    for r in rows:
        if r["what"] == "build" and r["a_median_s"] is not None:
            builds[r["n"]] = r            # a later row (this run) replaces an earlier one (--previous)
    out = []
    ns = sorted(builds)
    for small, big in zip(ns, ns[1:]):
        a, b = builds[big], builds[small]
        row = Row(big, "build-scale", f"bulletin build (cold) at {big:,}", f"bulletin build (cold) at {small:,}",
                  a["a_cmd"], b["a_cmd"])
        row.n_small, row.a, row.b = small, a["a_runs"], b["a_runs"]
        if b.get("from"):
            row.note = f"the {small:,} build from {b['from']}"
        out.append(row.as_dict())
    return out


def _say(row: Row, i: int, repeat: int) -> None:
    a = f"{row.a[-1]['seconds']:.2f} s" if len(row.a) > i else "—"
    b = f"{row.b[-1]['seconds']:.2f} s" if len(row.b) > i else "—"
    log(f"[N={row.n}] {row.what} round {i + 1}/{repeat}: A {a}, B {b}")


# --- output -------------------------------------------------------------------------------------

def _s(x, digits=None):
    if x is None:
        return "n/a"
    if digits is None:
        digits = 3 if abs(x) < 1 else 2
    return f"{x:,.{digits}f}"


def table(rows: list[dict]) -> str:
    out = ["| N | what (A vs B) | median A (s) | median B (s) | A / B | target | peak MB A / B | CPU s A / B |",
           "|---:|---|---:|---:|---:|---|---:|---:|"]
    for r in rows:
        a = r["a_median_s"]
        a_text = _s(a) if a is not None else ("not available" if "not available" in r["note"] else
                                               "failed" if r["a_runs"] else "n/a")
        ratio = _s(r["ratio"], 2) + ("" if r["ratio"] is None else " ×")
        peaks = f"{_s(r['a_peak_mb'], 0)} / {_s(r['b_peak_mb'], 0)}"
        out.append(f"| {r['n']:,} | {r['a']} vs {r['b']} | {a_text} | {_s(r['b_median_s'])} | {ratio} | "
                   f"{r['target'] or ''} | {peaks} | {_s(r['a_cpu_s'])} / {_s(r['b_cpu_s'])} |")
    return "\n".join(out)


def search_table(found: list[dict]) -> str:
    out = ["| N | index read | queries | median KB a query | max KB a query (query) | target | manifest KB | "
           "index MB (files, shards) |",
           "|---:|---|---:|---:|---:|---|---:|---:|"]
    for f in found:
        if "median_bytes" not in f:
            out.append(f"| {f['n']:,} | {f['source']} | — | failed | — | {target('search', f['n'])} | — | — |")
            continue
        out.append(f"| {f['n']:,} | {f['source']} | {len(f['queries'])} | {f['median_bytes'] / 1e3:,.0f} | "
                   f"{f['max_bytes'] / 1e3:,.0f} ({f['max_query'].strip()}) | {f['target']} | "
                   f"{f['manifest_bytes'] / 1e3:,.1f} | {f['index_bytes'] / 1e6:,.1f} ({f['files']:,}, "
                   f"{f['shards']:,}) |")
    return "\n".join(out)


def machine() -> dict:
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "generator"], cwd=PROJECT, capture_output=True, text=True)
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "bulletin_commit": rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else ""),
            "date": dt.datetime.now().isoformat(timespec="seconds")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks",
                                description="Bulletin benchmark: paired medians, ratios and peak memory.")
    p.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="record counts (default: 1000 10000)")
    p.add_argument("--repeat", type=int, default=3, help="rounds per pair (default 3)")
    p.add_argument("--only", help=f"comma list of {','.join(KINDS)} (default: all)")
    p.add_argument("--skip-mkdocs", action="store_true",
                   help="do not run plain MkDocs (e.g. at 100,000): build and edit rows then have no ratio")
    p.add_argument("--previous", type=Path, metavar="JSON",
                   help="an earlier --out: its cold builds are compared with this run's (build-scale rows)")
    p.add_argument("--out", type=Path, help="write the results as JSON here")
    p.add_argument("--keep", type=Path, metavar="DIR",
                   help="keep the generated repositories in DIR (and reuse them when n and seed match)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    only = set(KINDS)
    if args.only:
        only = {x.strip() for x in args.only.split(",") if x.strip()}
        bad = only - set(KINDS)
        if bad:
            p.error(f"--only: unknown {', '.join(sorted(bad))}; choose from {', '.join(KINDS)}")
    previous: list[dict] = []
    if args.previous:
        try:
            earlier = json.loads(args.previous.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            p.error(f"--previous: cannot read {args.previous}: {exc}")
        previous = [{**r, "from": str(args.previous)} for r in earlier.get("rows", []) if r.get("what") == "build"]
    bulletin = tool("bulletin")
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {"machine": machine(), "today": TODAY, "seed": args.seed, "repeat": args.repeat,
               "setup": {}, "rows": [], "search": []}
    rows: list[dict] = []
    found_search: list[dict] = []
    try:
        for n in args.n:
            base = work / f"n{n}"
            repo, setup = prepare(base, n, args.seed)
            results["setup"][str(n)] = setup
            found: list[Row] = []
            if "validate" in only:
                found += run_validate(n, repo, bulletin, args.repeat)
            searched = None
            if only & {"build", "edit"}:
                built, searched = run_builds(n, repo, base, bulletin, args.repeat, only, keep=bool(args.keep),
                                             mkdocs=not args.skip_mkdocs)
                found += built
            if "search" in only:
                found_search.append(searched or search_from_records(n, repo, base))
            rows += [r.as_dict() for r in found]
            results["rows"] = rows + scale_rows(previous + rows)
            results["search"] = found_search
            if args.out:
                args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rows = results["rows"]
    print(f"Bulletin benchmark, {results['machine']['cpus']} CPUs, Python {results['machine']['python']}, "
          f"bulletin {results['machine']['bulletin_commit']}, medians of {args.repeat}, --today {TODAY}\n")
    print(table(rows))
    if found_search:
        print("\n" + search_table(found_search))
    for r in rows:
        if r["note"]:
            print(f"\n- N={r['n']:,} {r['what']}: {r['note']}")
    if args.out:
        log(f"results: {args.out}")
    return 0
