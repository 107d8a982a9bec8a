"""Incremental builds: what the previous build of the same output made, and what an edit can change.

After each `bulletin build`, a manifest is kept in the cache folder (outside the output and the
repository): a fingerprint of everything site-wide, a digest per record page of what it is made from,
the digest of each published attachment, each page's search entry, and a digest of what the generated
files (boards, indexes, archives, feeds) are made from. The next build into the same folder re-renders
only the record pages whose digest changed; generated files are not made again at all when their inputs
are unchanged (an edit of a record's body), and otherwise only the pages whose HTML changed go through
MkDocs. Files it does not render are linked from the previous output; the search index is patched
(search.patch) when the pages are the same, else rebuilt from the kept entries. Anything site-wide that
changed means a full build. The costly data files (each type's workbook and CSV, the calendar,
records.json) are kept beside the manifest by their inputs (stage2.Memo): an edit makes again only those
whose rows changed. The site a build replaced is kept beside the manifest too (spare): the next build is made
in its folders (recycle), not in ten thousand new ones.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .resources import template_dirs
from .stage2 import Memo, _fingerprint as code_and_config, cache_dir, prune

VERSION = 2


@dataclass
class Manifest:
    fingerprint: str
    pages: dict[str, str] = field(default_factory=dict)         # record page src -> inputs digest
    attachments: dict[str, str] = field(default_factory=dict)   # attachment src -> content digest
    search: dict[str, object] = field(default_factory=dict)     # page src -> its SearchDoc
    generated: dict[str, str] = field(default_factory=dict)     # generated page src -> digest of its HTML
    inputs: str = ""                                            # what the generated files are made from
    files: list[str] = field(default_factory=list)              # every generated file's src
    index: object = None                                        # search.Built: the index, to patch
    deps: object = None                                         # deps.Deps: what each generated page read


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
    """What else writes the memo's bytes: Python, zlib (the workbooks' deflate) and icalendar."""
    import icalendar

    return sys.version, zlib.ZLIB_RUNTIME_VERSION, f"icalendar {icalendar.__version__}"


def prune_memo(out: Path, since: float) -> None:
    """After a build into `out` that began at `since`: drop what it did not use."""
    prune(_path(out).with_suffix(".memo"), since)


def load(out: Path) -> Manifest | None:
    """The manifest of the build now in `out`, if that build is still there unchanged."""
    try:
        with open(_path(out), "rb") as f:
            manifest, stamp = pickle.load(f)
        return manifest if stamp == _stamp(out) else None
    except Exception:
        return None


def save(out: Path, manifest: Manifest) -> None:
    path = _path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name)
        with os.fdopen(fd, "wb") as f:
            pickle.dump((manifest, _stamp(out)), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


def forget(out: Path) -> None:
    try:
        _path(out).unlink()
    except OSError:
        pass


def _stamp(out: Path) -> tuple:
    """Identifies one build's output folder: a later change of hands makes the manifest void."""
    st = Path(out).stat()
    marker = Path(out) / "index.html"
    mt = marker.stat().st_mtime_ns if marker.exists() else 0
    return (st.st_ino, mt)


def spare(out: Path) -> Path:
    """Where the site replaced by the last build into `out` waits (build.py): the next build is made in it, so
    the folders of unchanged pages are not made again."""
    return _path(out).with_suffix(".spare")


def link_tree(previous: Path, new: Path, rel_paths) -> int:
    """Hard-link (or copy) the given files of the previous output into the new one. A file the new folder
    holds already stays when it is that same file, else it is replaced: never written through."""
    count, made = 0, set()
    previous, new = str(previous), str(new)
    for rel in rel_paths:
        src, dst = os.path.join(previous, rel), os.path.join(new, rel)
        folder = os.path.dirname(dst)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        count += _link(src, dst)
    return count


def _link(src: str, dst: str, have: int | None = None) -> int:
    """Link src as dst (1), or 0 when src is missing (dst is then missing too). `have`: the inode of dst,
    which exists: it stays when it is src's."""
    if have is not None:
        try:
            if os.stat(src).st_ino == have:
                return 1
        except FileNotFoundError:
            pass
        os.unlink(dst)
    try:
        os.link(src, dst)
    except FileNotFoundError:
        return 0
    except FileExistsError:
        return _link(src, dst, os.stat(dst).st_ino)
    except OSError:
        shutil.copy2(src, dst)
    return 1


def recycle(previous: Path, folder: Path, keep: set[str]) -> list[str]:
    """Make `folder`, an older build's output, hold of its files only those of `previous` named in `keep`
    (paths relative to it; linked from `previous` unless they are that same file already): every other file
    is unlinked, so the build that follows writes new files and never through a link into `previous`.
    Top-level dot files (the build's marker) stay. Returns the folders that lost files, for drop_empty()."""
    previous, folder = str(previous), str(folder)
    emptied, todo, seen = [], [""], set()
    while todo:
        rel_dir = todo.pop()
        lost = False
        with os.scandir(os.path.join(folder, rel_dir)) as it:
            for e in it:
                rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
                if e.is_dir(follow_symlinks=False) and rel not in keep:
                    todo.append(rel)
                elif e.is_dir(follow_symlinks=False):     # a folder where a file is to be linked
                    shutil.rmtree(e.path)
                    lost = True
                elif rel in keep:
                    seen.add(rel)
                    if not _link(os.path.join(previous, rel), e.path, e.inode()):
                        lost = True
                elif not (rel_dir == "" and e.name.startswith(".")):
                    os.unlink(e.path)
                    lost = True
        if lost:
            emptied.append(rel_dir)
    link_tree(Path(previous), Path(folder), [rel for rel in keep if rel not in seen])
    return emptied


def drop_empty(folder: Path, emptied: list[str]) -> None:
    """After the build: the folders recycle() emptied that stayed empty go, and so do parents left empty."""
    for rel_dir in sorted(emptied, key=lambda r: -r.count("/")):
        while rel_dir:
            try:
                os.rmdir(os.path.join(folder, rel_dir))
            except OSError:
                break
            rel_dir = rel_dir.rpartition("/")[0]
