"""Incremental builds: what the previous build of the same output made, and what an edit can change.

After each `bulletin build`, a manifest is kept in the cache folder (outside the output and the
repository): a fingerprint of everything site-wide, a digest per record page of what it is made from,
the digest of each published attachment, the search index (its entries and shards in files of their own
beside it: Parts), and a digest of what the generated files (boards, indexes, archives, feeds) are made
from. The next build into the same folder re-renders only the record pages whose digest changed;
generated files are not made again at all when their inputs are unchanged (an edit of a record's body),
and otherwise only the pages whose HTML changed go through MkDocs. Such a build writes only what it
renders, into a scratch folder, and build.py moves those files into the live site (files it does not
render stay where they are); the search index is patched (search.patch) when the pages are the same, else
rebuilt from the kept entries. Anything site-wide that changed means a full build. The costly data files
(each type's workbook and CSV, the calendar, records.json) are kept beside the manifest by their inputs
(stage2.Memo): an edit makes again only those whose rows changed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

try:
    import fcntl
except ImportError:      # Windows: no lock
    fcntl = None

from .resources import template_dirs
from .stage2 import Memo, _fingerprint as code_and_config, cache_dir, prune, store, unpickle, unpickle_bytes

VERSION = 4


@dataclass
class Manifest:
    fingerprint: str
    pages: dict[str, str] = field(default_factory=dict)         # record page src -> inputs digest
    attachments: dict[str, str] = field(default_factory=dict)   # attachment src -> content digest
    search: dict[str, str] = field(default_factory=dict)        # searched page src -> its URL
    generated: dict[str, str] = field(default_factory=dict)     # generated page src -> digest of its HTML
    inputs: str = ""                                            # what the generated files are made from
    files: list[str] = field(default_factory=list)              # every generated file's src
    index: object = None          # search.Built: the index, to patch (its documents and shards as Parts)
    outputs: list[str] = field(default_factory=list)            # every file of the site (listing())
    deps: object = None                                         # deps.Deps: what each generated page read
    basis: str | None = None                                    # pages.page_basis of the record pages' keys
    digests: dict[str, str] = field(default_factory=dict)       # record page src -> its file's digest


def fingerprint(root: Path, config_file: Path, site, nav, engine: tuple[str, ...]) -> str:
    """Everything that, when changed, can change every page. `engine`: the site engine's and its theme's
    names, versions and places (engine.identity()): pages made by another engine are never reused."""
    h = hashlib.blake2b(digest_size=16)
    parts = [str(VERSION), code_and_config(root), config_file.read_bytes().hex(), *engine,
             site.audience, site.today.isoformat(), site.lang,
             str(site.shallow), repr(nav), ",".join(sorted(site.hidden_ids)), ",".join(sorted(site.hidden_src))]
    here = Path(__file__).resolve().parent
    for path in sorted((here / "engine").glob("*.py")):    # the adapter's code (code_and_config: the rest)
        parts.append(path.name + path.read_bytes().hex())
    for folder in (here / "overrides", here / "assets", *template_dirs(root, "site")):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                parts.append(path.name + path.read_bytes().hex())
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def text_digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def _path(out: Path) -> Path:
    key = hashlib.blake2b(str(Path(out).resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir() / f"build-{key}.pickle"


def memo(root: Path, out: Path) -> Memo:
    """The costly generated files of the builds into `out`, by their inputs (stage2.Memo), made by this code,
    configuration and these writers (a newer icalendar or zlib may write other bytes)."""
    return Memo(_path(out).with_suffix(".memo"), text_digest(code_and_config(root), *_writers()))


def _writers() -> tuple[str, ...]:
    """What else writes the memo's bytes: Python, zlib (the workbooks' deflate) and icalendar (its installed
    version, read without importing it: an edit that makes no calendar does not load it)."""
    from importlib.metadata import version

    return sys.version, zlib.ZLIB_RUNTIME_VERSION, f"icalendar {version('icalendar')}"


def prune_memo(out: Path, since: float) -> None:
    """After a build into `out` that began at `since`: drop what it did not use."""
    prune(_path(out).with_suffix(".memo"), since)


class Damaged(Exception):
    """A part of the previous build's manifest is missing or not what the manifest names: build in full."""


class Parts:
    """A sequence kept in files of its own beside the manifest, `unit` items a file, each file named by the
    digest of its bytes (a file that is not what its name says is never used). An item is read only when
    asked for, with the other items of its file; replaced() makes a new sequence without reading the rest.
    The search index keeps its documents (a file per metadata chunk) and its shards this way: an edit reads
    and writes only the parts it changes."""

    def __init__(self, folder: str, names: list[str | None], unit: int, length: int, loaded=None):
        self.folder, self.names, self.unit, self.length = folder, names, unit, length
        self.loaded: dict[int, list] = loaded or {}     # part -> its items (read, or made by replaced())

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self.length))]
        if not -self.length <= i < self.length:
            raise IndexError(i)
        i %= self.length
        return self.part(i // self.unit)[i % self.unit]

    def __iter__(self):
        return (self[i] for i in range(self.length))

    def part(self, p: int) -> list:
        items = self.loaded.get(p)
        if items is None:
            items = self.loaded[p] = _read_part(Path(self.folder), self.names[p])
        return items

    def replaced(self, changes: dict[int, object]) -> "Parts":
        names, loaded = list(self.names), dict(self.loaded)
        for i, v in changes.items():
            p = i // self.unit
            if names[p] is not None:
                loaded[p], names[p] = list(self.part(p)), None
            loaded[p][i % self.unit] = v
        return Parts(self.folder, names, self.unit, self.length, loaded)

    def __getstate__(self):
        if None in self.names:
            raise ValueError("Parts not stored")
        return self.folder, self.names, self.unit, self.length

    def __setstate__(self, state) -> None:
        self.folder, self.names, self.unit, self.length = state
        self.loaded = {}


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _read_part(folder: Path, name: str) -> list:
    try:
        data = (folder / name).read_bytes()
    except OSError as e:
        raise Damaged(name) from e
    if _digest(data) != name:
        raise Damaged(name)
    return unpickle_bytes(data)


def _stored(folder: Path, seq, unit: int) -> Parts:
    """seq as Parts in `folder`: the parts it holds already keep their files, the others are written."""
    same = isinstance(seq, Parts) and seq.unit == unit and seq.folder == str(folder)
    names = []
    for p in range(-(-len(seq) // unit)):
        if same and seq.names[p] is not None:
            names.append(seq.names[p])
            continue
        data = pickle.dumps(seq[p * unit:(p + 1) * unit], protocol=pickle.HIGHEST_PROTOCOL)
        name = _digest(data)
        if not (folder / name).is_file():
            tmp = folder / f".{name}.{os.getpid()}"
            tmp.write_bytes(data)
            os.replace(tmp, folder / name)
        names.append(name)
    return Parts(str(folder), names, unit, len(seq))


def _parts_folder(out: Path) -> Path:
    return _path(out).with_suffix(".parts")


def _index_parts(manifest: Manifest) -> list[str]:
    index = manifest.index
    return [*index.docs.names, *index.shards.names] if index is not None else []


def load(out: Path) -> Manifest | None:
    """The manifest of the build now in `out`, if that build is still there unchanged and every part it
    names is in place (their bytes are checked when read: Damaged)."""
    try:
        with open(_path(out), "rb") as f:
            manifest, stamp = unpickle(f, freeze=True)     # lives as long as the build (build.build freezes)
        if stamp != _stamp(out):
            return None
        present = set(os.listdir(_parts_folder(out))) if manifest.index is not None else set()
        return manifest if present.issuperset(_index_parts(manifest)) else None
    except Exception:
        return None


def save(out: Path, manifest: Manifest) -> None:
    """The manifest into the cache, its search index's documents (a file per metadata chunk) and shards (a
    file each) beside it, only those not there already; then the files no longer named go."""
    folder = _parts_folder(out)
    try:
        index = manifest.index
        if index is not None:
            folder.mkdir(parents=True, exist_ok=True)
            index.docs = _stored(folder, index.docs, index.chunk)
            index.shards = _stored(folder, index.shards, 1)
        store(_path(out), (manifest, _stamp(out)))
        used = set(_index_parts(manifest))
        for e in os.scandir(folder) if folder.is_dir() else ():
            if e.name not in used:
                os.unlink(e.path)
    except OSError:
        pass


def forget(out: Path) -> None:
    try:
        _path(out).unlink()
    except OSError:
        pass


def _stamp(out: Path) -> tuple:
    """Identifies one build's output folder as that build left it: a later change of hands, or a file added
    or removed at its top, makes the manifest void."""
    st = Path(out).stat()
    marker = Path(out) / "index.html"
    mt = marker.stat().st_mtime_ns if marker.exists() else 0
    return (st.st_ino, st.st_mtime_ns, mt)


def journal(out: Path) -> Path:
    """Written while a build's files move into `out` (build.py's commit), removed once the manifest is saved:
    when the next build finds it, that commit was cut short and `out` is built again in full."""
    return _path(out).with_suffix(".journal")


@contextmanager
def locked(out: Path):
    """One build into `out` at a time: another waits for this one to end (a lock file in the cache)."""
    path = _path(out).with_suffix(".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        if fcntl is not None:
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


def listing(folder: Path) -> list[str]:
    """Every file under `folder`, relative to it, but the top-level dot files (the build's marker)."""
    files, todo = [], [""]
    while todo:
        rel_dir = todo.pop()
        with os.scandir(os.path.join(folder, rel_dir)) as it:
            for e in it:
                rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
                if e.is_dir(follow_symlinks=False):
                    todo.append(rel)
                elif rel_dir or not e.name.startswith("."):
                    files.append(rel)
    return files
