"""`bulletin build`: validate, build with the engine into a temporary folder, swap it into place on success.

Only a folder that is missing, empty, or made by an earlier build (it holds MARKER) is ever replaced;
anything else is refused before any work (check_out)."""

from __future__ import annotations

import datetime as dt
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
    """A folder a build made (it holds MARKER) or an empty one."""
    try:
        return (folder / MARKER).is_file() or not any(folder.iterdir())
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


def _claim_spare(out: Path) -> Path | None:
    """The site the last build into `out` replaced (_keep_spare), renamed beside `out` for this build: its
    folders are made already (at 10,000 records, making them again took seconds). None when there is none,
    another build took it, or it cannot be moved here (another file system)."""
    spare = incremental.spare(out)
    if not (spare / MARKER).is_file():
        return None
    folder = out.parent / f".{out.name}.new-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        spare.rename(folder)      # atomic: one build claims it
    except OSError:
        return None
    return folder


def _keep_spare(out: Path, folder: Path) -> bool:
    """Keep `folder`, the site a build into `out` replaced, as the spare the next build is made in; whatever it
    holds is unlinked or replaced by that build (incremental.recycle)."""
    spare = incremental.spare(out)
    try:
        spare.parent.mkdir(parents=True, exist_ok=True)
        if spare.exists():      # out of the way first: the removal takes time
            stale = spare.with_name(f"{spare.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
            spare.rename(stale)
            _remove_later(stale)
        folder.rename(spare)
        return True
    except OSError:
        return False


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
    _remove_stale(out)
    manifest = incremental.load(out) if incremental_ok and out.is_dir() else None
    tmp = _claim_spare(out) if manifest is not None else None
    recycled = tmp is not None
    tmp = tmp or _new_folder(out, "new")
    (tmp / f"{MARKER}.new").write_text(MARKER_TEXT, "utf-8")
    os.replace(tmp / f"{MARKER}.new", tmp / MARKER)   # the folder's time changes: serve.py's version
    try:
        done = driver.build(config_file, tmp, strict=strict, root=root, result=result, audience=audience,
                            today=today, jobs=jobs, manifest=manifest, previous=out, progress=progress,
                            recycled=recycled)
        if done is None:      # Bulletin's plugin is not in mkdocs.yml, or never ran: a site without records
            raise Refused("mkdocs-no-bulletin", path=config_file)
    except BaseException:
        if recycled:      # not kept as the spare: whatever made it fail stays out of the next build
            old = _new_folder(out, "old")
            tmp.rename(old / out.name)
            _remove_later(old)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists() and not _keep_spare(out, out):
        old = _new_folder(out, "old")
        out.rename(old / out.name)
    tmp.rename(out)
    if old:
        _remove_later(old)
    incremental.save(out, done.made)
    if not done.stats.get("generated_kept"):    # the generated files were made: the memo holds what they need
        incremental.prune_memo(out, started)
    stage2.settle(root)
    return done.stats
