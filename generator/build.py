"""`bulletin build`: validate, build with the engine into a temporary folder, swap it into place on success;
an incremental build writes only what changed into it and moves those files into place (_commit).

Only a folder that is missing, empty, or made by an earlier build (it holds MARKER) is ever replaced;
anything else is refused before any work (check_out)."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import re
import secrets
import shutil
import subprocess
import time
from pathlib import Path

from . import incremental, stage2
from .engine import driver
from .config import CONFIG_DIR, mkdocs_file
from .messages import render
from .records import RECORDS_DIR
from .resources import PACKAGE, bulletin_mkdocs_yml
from .validate import Result

MARKER = ".bulletin-site"     # in every folder a build makes: the next build may replace it
MARKER_TEXT = "Made by `bulletin build`; the next build replaces this whole folder.\n"


class Refused(Exception):
    """The build must not run (exit 2): a message code and its arguments."""

    def __init__(self, code: str, **args):
        super().__init__(code)
        self.code, self.args_ = code, args

    def message(self, lang: str) -> str:
        return render(self.code, lang, **self.args_)


def check_out(root: Path, out: Path) -> None:
    """Raise Refused unless `out` is missing, empty, or a previous output that Git does not track: never
    the repository or a folder above it, what a build reads (records/, site_config/), nor anyone's files."""
    root, out = Path(root).resolve(), Path(out).resolve()
    if root.is_relative_to(out):
        raise Refused("out-holds-repository", out=out, root=root)
    for name in (RECORDS_DIR, CONFIG_DIR, ".git"):
        if out.is_relative_to(root / name):
            raise Refused("out-in-sources", out=out, folder=f"{name}/")
    if not out.exists():
        return
    if not out.is_dir():
        raise Refused("out-not-folder", out=out)
    if _tracked(out):
        raise Refused("out-tracked", out=out)
    if not (out / MARKER).is_file() and any(out.iterdir()):
        raise Refused("out-not-ours", out=out, marker=MARKER)


def _tracked(folder: Path) -> bool:
    """Whether Git tracks any file in the folder (in whichever repository holds it)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "ls-files", "-z", "--", "."], capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and bool(done.stdout)


def _new_folder(out: Path, kind: str) -> Path:
    """A fresh folder beside `out`, named for this process, with the usual permissions (umask)."""
    while True:
        folder = out.parent / f".{out.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue


def _remove_stale(out: Path) -> None:
    """Folders beside `out` left by a build that was killed (its process is gone) are removed."""
    name = re.compile(rf"\.{re.escape(out.name)}\.(new|old)-(\d+)-[0-9a-f]+")
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return
    for e in entries:
        m = name.fullmatch(e.name)
        if not m or not e.is_dir(follow_symlinks=False) or _alive(int(m.group(2))):
            continue
        folder = Path(e.path)
        if m.group(1) == "new" and _ours(folder):
            shutil.rmtree(folder, ignore_errors=True)
        elif m.group(1) == "old" and (_ours(folder) or _ours(folder / out.name)):
            _remove_later(folder)      # its removal may be under way still


def _ours(folder: Path) -> bool:
    """A folder a build made: it holds MARKER, or nothing but the marker being written (_mark), or nothing."""
    try:
        return (folder / MARKER).is_file() or {e.name for e in os.scandir(folder)} <= {f"{MARKER}.new"}
    except OSError:
        return False


def _alive(pid: int) -> bool:
    if os.name != "posix" or pid == os.getpid():
        return True                       # (os.kill would end the process on Windows)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_later(folder: Path) -> None:
    """The replaced site goes away in the background: at 10,000 pages, deleting it takes seconds."""
    try:
        nice = ["nice", "-n", "19"] if shutil.which("nice") else []   # yields to the next build
        subprocess.Popen([*nice, "rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def default_mkdocs_yml() -> Path:
    """For a repository without its own mkdocs.yml: Bulletin's, naming this package's hook, as a file in the cache."""
    text = bulletin_mkdocs_yml(docs_dir=str(PACKAGE / "site_docs"), plugin=False)
    path = stage2.cache_dir() / f"mkdocs-{hashlib.blake2b(text.encode(), digest_size=8).hexdigest()}.yml"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_text(text, "utf-8")
        tmp.replace(path)
    return path


def build(root: Path, result: Result, out: Path, *, audience: str, today: dt.date, strict: bool = False,
          jobs: int | None = None, incremental_ok: bool = True, progress=None) -> dict:
    """Build the site of already-validated records into `out`; the old `out` stays until the new one is whole.
    Raises Refused when `out` is not a folder a build may replace, or when mkdocs.yml leaves Bulletin out."""
    root, out = Path(root).resolve(), Path(out).resolve()
    check_out(root, out)
    started = time.time()
    config_file = mkdocs_file(root) or default_mkdocs_yml()
    out.parent.mkdir(parents=True, exist_ok=True)
    with incremental.locked(out):
        _remove_stale(out)
        cut_short = incremental.journal(out).exists()
        manifest = incremental.load(out) if incremental_ok and out.is_dir() and not cut_short else None
        tmp = _new_folder(out, "new")
        _mark(tmp)
        gc.freeze()   # the records and the manifest live as long as the build: no collection visits them again
        try:
            try:
                for attempt in (manifest, None):
                    try:
                        done = driver.build(config_file, tmp, strict=strict, root=root, result=result,
                                            audience=audience, today=today, jobs=jobs, manifest=attempt,
                                            previous=out, progress=progress)
                        break
                    except incremental.Damaged:    # a part of the manifest is not what it names: build in full
                        if attempt is None:
                            raise
                        incremental.forget(out)
                        manifest = None
                        shutil.rmtree(tmp, ignore_errors=True)
                        tmp = _new_folder(out, "new")
                        _mark(tmp)
                if done is None:      # Bulletin's plugin is not in mkdocs.yml, or never ran: a site without records
                    raise Refused("mkdocs-no-bulletin", path=config_file)
                written = incremental.listing(tmp)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            if done.kept is None:     # a full build: its folder replaces `out`
                done.made.outputs = written
                _swap(out, tmp)
            else:
                done.made.outputs = sorted(done.kept.union(written))
                _commit(out, tmp, written, sorted(set(manifest.outputs).difference(done.made.outputs)))
            incremental.save(out, done.made)
            incremental.journal(out).unlink(missing_ok=True)
        finally:
            gc.unfreeze()
    if not done.stats.get("generated_kept"):    # the generated files were made: the memo holds what they need
        incremental.prune_memo(out, started)
    stage2.settle(root)
    return done.stats


def _mark(folder: Path) -> None:
    """The marker, replaced: the folder's time changes (serve.py's version of the site)."""
    (folder / f"{MARKER}.new").write_text(MARKER_TEXT, "utf-8")
    os.replace(folder / f"{MARKER}.new", folder / MARKER)


def _swap(out: Path, new: Path) -> None:
    """`new` becomes `out`; the folder it replaces is removed in the background."""
    old = None
    if out.exists():
        old = _new_folder(out, "old")
        out.rename(old / out.name)
    new.rename(out)
    if old:
        _remove_later(old)


def _commit(out: Path, new: Path, written: list[str], gone: list[str]) -> None:
    """An incremental build's files, from its folder `new` into the live site `out`: each replaces the live
    file at once (a reader sees the old file or the new one), the files no longer made go, then folders left
    empty. The replaced files wait in a backup folder until every step succeeded; on any failure every one is
    put back. A journal in the cache marks the commit until the manifest is saved (build()): a build killed
    meanwhile leaves it, and the next build is a full one."""
    backup = _new_folder(out, "old")
    _mark(backup)
    journal = incremental.journal(out)
    journal.write_text(f"{out}\n{new}\n{backup}\n", "utf-8")
    moved: list[tuple[str, bool]] = []      # (path, whether the live file was kept in backup)
    try:
        for rel in written:
            had = _keep(out, backup, rel, move=False)
            os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
            os.replace(os.path.join(new, rel), os.path.join(out, rel))
            moved.append((rel, had))
        for rel in gone:
            moved.append((rel, _keep(out, backup, rel, move=True)))
        _mark(out)
    except BaseException:
        _roll_back(out, backup, moved)
        incremental.forget(out)     # whatever made it fail, the next build starts afresh
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)
        journal.unlink(missing_ok=True)
        raise
    _drop_empty(out, gone)
    shutil.rmtree(new, ignore_errors=True)
    shutil.rmtree(backup, ignore_errors=True)


def _keep(out: Path, backup: Path, rel: str, *, move: bool) -> bool:
    """The live file `rel`, if there is one, into the backup folder: moved, or linked (it stays live)."""
    src, dst = os.path.join(out, rel), os.path.join(backup, rel)
    if not os.path.lexists(src):
        return False
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    (os.replace if move else os.link)(src, dst)
    return True


def _roll_back(out: Path, backup: Path, moved: list[tuple[str, bool]]) -> None:
    """Every live file as it was before _commit(): from the backup, or removed when it is new."""
    for rel, had in reversed(moved):
        if had:
            os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
            os.replace(os.path.join(backup, rel), os.path.join(out, rel))
        else:
            os.unlink(os.path.join(out, rel))
    _drop_empty(out, [rel for rel, had in moved if not had])


def _drop_empty(out: Path, removed: list[str]) -> None:
    """Folders left empty by removed files go, and their parents left empty, as in a fresh build."""
    for rel in removed:
        rel_dir = rel.rpartition("/")[0]
        while rel_dir:
            try:
                os.rmdir(os.path.join(out, rel_dir))
            except OSError:
                break
            rel_dir = rel_dir.rpartition("/")[0]
