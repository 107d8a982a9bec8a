"""Stage 2 at scale: each record file checked on its own, in parallel, remembered by content.

A file's result depends only on its path, its bytes and the configuration, so it is cached
under a digest of the three, outside the repository ($BULLETIN_CACHE_DIR, else ~/.cache/bulletin);
a file whose size, modification time and inode are as cached is not even read. A clean checkout
without the cache gives the same result, only slower.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path

from . import __version__, prerender
from .config import CONFIG_DIR, Config

PARALLEL_ABOVE = 400      # files to check before a second process pays for itself


def cache_dir() -> Path:
    base = os.environ.get("BULLETIN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "bulletin")
    return Path(base)


def _fingerprint(root: Path) -> str:
    """What every file's result depends on besides its own bytes: the configuration and this code."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")) + [package / "default_types.yml"]:
        h.update(path.name.encode())
        h.update(str(path.stat().st_mtime_ns).encode())
    config = root / CONFIG_DIR
    for path in sorted(config.glob("*.yml")) if config.is_dir() else []:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _cache_file(root: Path) -> Path:
    key = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir() / f"stage2-{key}.pickle"


@contextlib.contextmanager
def _collector_off(freeze: bool = False):
    """The cycle collector off while objects are unpickled: it would run many times over the objects being
    made (a cache of 10,000 records: twice as fast), and a pickle holds no garbage to collect. freeze: what
    was unpickled is frozen (gc.freeze) before the collector is on again (see _load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def unpickle(f, freeze: bool = False):
    """pickle.load without the cycle collector (_collector_off), the objects frozen with freeze=True."""
    with _collector_off(freeze):
        return pickle.load(f)


def unpickle_bytes(data: bytes):
    """pickle.loads, as unpickle()."""
    with _collector_off():
        return pickle.loads(data)


def _load(path: Path, fingerprint: str) -> dict:
    """A cache's entries (a build's or a check's: they live as long as it does). Frozen (gc.freeze) as they
    are loaded: left to the cycle collector they would count as new objects all at once, and the next
    allocations would run its collections over all of them, a full one included (at 10,000 records, a
    quarter of an edit's build). build.build unfreezes what it and this froze when it ends."""
    try:
        with open(path, "rb") as f:
            data = unpickle(f, freeze=True)
        return data["entries"] if data.get("fingerprint") == fingerprint else {}
    except Exception:  # a missing, old or damaged cache is only a slower run
        return {}


def store(path: Path, value, reducers: dict | None = None, reference=None) -> None:
    """`value` pickled into `path` at once: written beside it, then renamed (a reader sees the old file or
    the new one, never half of one). `reducers`: type -> how its objects are pickled; `reference`: the
    pickler's persistent_id. Raises OSError, or what pickling raised (the file beside it removed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
            if reducers:
                pickler.dispatch_table = {**copyreg.dispatch_table, **reducers}
            if reference is not None:
                pickler.persistent_id = reference
            pickler.dump(value)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _restored(cls, state: dict):
    """An object of `cls` with its attributes as pickled, without cls.__setstate__."""
    obj = object.__new__(cls)
    obj.__dict__.update(state)
    return obj


def _save(path: Path, fingerprint: str, entries: dict) -> None:
    """The cache in one pickle. Its records come back without Record.__setstate__, which interns their
    strings one by one (half the time of a load): pickled at once, equal strings already share one object."""
    from .records import Record

    try:
        store(path, {"fingerprint": fingerprint, "entries": entries},
              {Record: lambda r: (_restored, (Record, r.__dict__))})
    except OSError:
        pass


def _digest(root: Path, rel: str) -> str | None:
    try:
        full = root / rel
        if full.stat().st_size > 64 * 1024 * 1024:
            return None
        return hashlib.blake2b(full.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


def _stat(root: Path, rel: str) -> tuple | None:
    """(size, modification time, inode): when all three are as cached, the file is not read again (as Git's
    index does). Files changed in the last seconds before a save are never trusted this way."""
    try:
        st = os.stat(os.path.join(root, rel))
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


RACY_NS = 3_000_000_000   # files changed this recently are not trusted by their stat
SAVE_ABOVE = 20           # files checked or hashed again before the cache is written anew


def _settled(stat: tuple | None) -> tuple | None:
    """The stat to keep in the cache: none for a file changed in the last seconds (a same-second edit
    would not change its stat)."""
    return stat if stat is not None and stat[1] < time.time_ns() - RACY_NS else None


def settle(root: Path) -> None:
    """After a long run (a build), give the cached files that were too fresh to trust by their stat
    (a checkout just before the run) their stat, once their bytes are confirmed unchanged: the next run
    need not read them. Nothing to do, and nothing read, when the last save left few such files."""
    path = _cache_file(root)
    try:
        _unsettled(path).unlink()      # present when the last save left many such files
    except OSError:
        return
    fingerprint = _fingerprint(root)
    entries = _load(path, fingerprint)
    settled = 0
    for rel, (digest, result, stat) in entries.items():
        if stat is None:
            now = _settled(_stat(root, rel))
            if now is not None and _digest(root, rel) == digest:
                entries[rel] = (digest, result, now)
                settled += 1
    if settled:
        _save(path, fingerprint, entries)


def _unsettled(cache_path: Path) -> Path:
    """Beside the cache: its presence says that the last save left many files without their stat."""
    return cache_path.with_name(cache_path.name + ".unsettled")


def _mark_unsettled(cache_path: Path, count: int) -> None:
    try:
        if count > SAVE_ABOVE:
            _unsettled(cache_path).write_text(f"{count}\n", "utf-8")
        else:
            _unsettled(cache_path).unlink(missing_ok=True)
    except OSError:
        pass


def run(root: Path, cfg: Config, rels: list[str], check, *, use_cache: bool = True, jobs: int | None = None,
        parallel_above: int = PARALLEL_ABOVE, digests: dict | None = None):
    """Yield (rel, check(root, rel, cfg, prefixes)) for every file, in the order given. With the cache on,
    `digests` (if given) gets each file's content digest, the cache's key (none for an unreadable file)."""
    prefixes = frozenset(t.prefix for t in cfg.types.values())
    fingerprint = _fingerprint(root) if use_cache else ""
    cache_path = _cache_file(root) if use_cache else None
    cached = _load(cache_path, fingerprint) if use_cache else {}
    digests = {} if digests is None else digests
    stats: dict[str, tuple | None] = {}
    results: dict[str, tuple] = {}
    todo = []
    restated = 0              # files whose stat is not the cached one
    base, stat_of, get = os.path.join(root, ""), os.stat, cached.get    # the loop below runs once per record
    for rel in rels if use_cache else ():
        hit = get(rel)
        try:
            st = stat_of(base + rel)
            stat = st.st_size, st.st_mtime_ns, st.st_ino      # as _stat
        except OSError:
            stat = None
        stats[rel] = stat
        if hit is not None and stat is not None and len(hit) == 3 and hit[2] == stat:
            digests[rel], results[rel] = hit[0], hit[1]
            continue
        restated += (hit[-1] if hit is not None else None) != stat
        digests[rel] = _digest(root, rel)
        if hit is not None and digests[rel] is not None and hit[0] == digests[rel]:
            results[rel] = hit[1]
        else:
            todo.append(rel)
    if not use_cache:
        todo = list(rels)
    jobs = jobs or min(os.cpu_count() or 1, 4)
    if len(todo) > parallel_above and jobs > 1:
        results.update(prerender.spread(todo, lambda rel: check(root, rel, cfg, prefixes), jobs))
    else:
        for rel in todo:
            results[rel] = check(root, rel, cfg, prefixes)
    # a few files checked again cost less than writing the whole cache: it is written when many changed
    if use_cache and (not cached or len(todo) + restated > max(SAVE_ABOVE, len(rels) // 100)):
        entries = {rel: (digests[rel], results[rel], _settled(stats[rel]))
                   for rel in rels if digests.get(rel) is not None}
        _save(cache_path, fingerprint, entries)
        _mark_unsettled(cache_path, sum(1 for e in entries.values() if e[2] is None))
    return [(rel, results[rel]) for rel in rels]


class Memo:
    """Results of pure functions of plain data (a workbook from its rows, a calendar from its events), kept
    in `folder` under a digest of the function, its arguments and `salt` (the code and configuration): the
    same arguments give the stored result, byte for byte what the function returns. A result used is
    touched, so prune() after a build drops what it did not use. Without a folder, it only calls."""

    def __init__(self, folder: Path | None = None, salt: str = ""):
        self.folder, self.salt = folder, salt

    def __call__(self, fn, *args, **kwargs):
        if self.folder is None:
            return fn(*args, **kwargs)
        try:
            key = hashlib.blake2b(pickle.dumps((self.salt, fn.__module__, fn.__qualname__, args, kwargs),
                                               protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).hexdigest()
        except Exception:            # not plain data: nothing to key it by
            return fn(*args, **kwargs)
        path = self.folder / key
        try:
            with open(path, "rb") as f:
                value = pickle.load(f)
            os.utime(path)
            return value
        except Exception:            # missing or damaged: made again
            pass
        value = fn(*args, **kwargs)
        try:
            store(path, value)
        except OSError:
            pass
        return value

    def kept(self, key: str, resolve):
        """(the value keep(key, ...) stored,), the references in it resolved by resolve(reference); None when
        there is none (or it cannot be read)."""
        if self.folder is None:
            return None
        path = self._kept_path(key)
        try:
            with open(path, "rb") as f, _collector_off():
                loader = pickle.Unpickler(f)
                loader.persistent_load = resolve
                value = (loader.load(),)
            os.utime(path)
            return value
        except Exception:            # missing or damaged: made again
            return None

    def keep(self, key: str, value, reference) -> None:
        """Stores value under key; an object for which reference(obj) is not None is stored as that reference
        (kept() resolves it). A value that cannot be pickled is not kept."""
        if self.folder is None:
            return
        try:
            store(self._kept_path(key), value, reference=reference)
        except Exception:
            pass

    def _kept_path(self, key: str) -> Path:
        name = hashlib.blake2b((self.salt + "\0" + key).encode(), digest_size=16).hexdigest()
        return self.folder / f"kept-{name}"

    def rows(self, name: str, context: str, items: list, make, then=None):
        """[make(item) for key, digest, item in items], each kept by its key and `digest` (of all that
        make(item) depends on besides `context`, the code and configuration) in one table per `name` and
        `context`: an edit of one item makes only its row again. An item without a digest is always made.
        With `then`: then(rows), kept with the keys and digests of the items it was made from; while they
        are the same, neither the rows nor then(rows) are made or read again."""
        if self.folder is None:
            out = [make(item) for _, _, item in items]
            return out if then is None else then(out)
        table = hashlib.blake2b(pickle.dumps((self.salt, "rows", name, context)), digest_size=16).hexdigest()
        path = self.folder / f"rows-{table}"
        if then is None:
            return self._rows(path, items, make)
        done = self.folder / f"then-{table}"
        inputs = [(key, digest) for key, digest, _ in items]
        inputs = None if any(digest is None for _, digest in inputs) else \
            hashlib.blake2b(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()
        if inputs is not None:
            try:
                with open(done, "rb") as f:
                    was, value = unpickle(f)
                if was == inputs:
                    for used in (done, path):
                        os.utime(used)     # used: prune() keeps them
                    return value
            except Exception:        # missing, damaged or other inputs: made again
                pass
        value = then(self._rows(path, items, make))
        try:
            if inputs is not None:
                store(done, (inputs, value))
        except OSError:
            pass
        return value

    def _rows(self, path: Path, items: list, make) -> list:
        try:
            with open(path, "rb") as f:
                kept = unpickle(f)
        except Exception:            # missing or damaged: every row made again
            kept = {}
        out, now, made = [], {}, 0
        for key, digest, item in items:
            hit = kept.get(key)
            if digest is not None and hit is not None and hit[0] == digest:
                row = hit[1]
            else:
                row, made = make(item), made + 1
            out.append(row)
            if digest is not None:
                now[key] = (digest, row)
        try:
            if made or now.keys() != kept.keys():
                store(path, now)
            else:
                os.utime(path)       # used: prune() keeps it
        except OSError:
            pass
        return out


def prune(folder: Path, since: float) -> None:
    """Drop the results in a Memo's folder that no build used since `since` (time.time())."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for e in entries:
        try:
            if e.stat().st_mtime < since:
                os.unlink(e.path)
        except OSError:
            pass
