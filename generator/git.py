"""Git as a read-only source: the history of every record file in one `git log`, files at a revision.

Nothing here writes to the repository. When the folder is not a Git repository (or Git is
missing), `history` returns an empty mapping and `is_repository` says False; the functions that
need a revision raise GitError, which the CLI turns into exit 2.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

RECORDS_DIR = "records"
_GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
_RS, _US = "\x1e", "\x1f"        # record and unit separators in the `git log` format
_LOG_FORMAT = f"{_RS}%H{_US}%aI{_US}%an{_US}%ae{_US}%B{_US}"


class GitError(Exception):
    """Git cannot answer: not a repository, an unknown revision, Git not installed."""


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime          # author date, with its time zone offset
    author: str
    message: str               # the whole message, trailing blank lines removed
    email: str = ""

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def short(self) -> str:
        return self.sha[:7]


def _git(root: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=false", *args], cwd=root, input=input,
            capture_output=True, env={**os.environ, **_GIT_ENV},
        )
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise GitError(f"git: {exc}") from None
    if check and proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def is_repository(root: Path) -> bool:
    """True when root is inside a Git work tree."""
    try:
        return _git(Path(root), "rev-parse", "--is-inside-work-tree").strip() == b"true"
    except GitError:
        return False


def is_shallow(root: Path) -> bool:
    """True in a shallow clone, where dates and history taken from Git are incomplete."""
    try:
        return _git(Path(root), "rev-parse", "--is-shallow-repository").strip() == b"true"
    except GitError:
        return False


def resolve(root: Path, ref: str) -> str:
    """The commit a revision names; GitError when it names none."""
    if not ref or ref.startswith("-"):
        raise GitError(f"not a revision: {ref!r}")
    out = _git(Path(root), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
               check=False).strip()
    if not out:
        raise GitError(f"unknown revision: {ref}")
    return out.decode()


def merge_base(root: Path, a: str, b: str = "HEAD") -> str | None:
    """The best common ancestor of two revisions, or None when they share no history
    (unrelated histories, or a shallow clone cut above it). GitError when a revision is unknown."""
    sha_a, sha_b = resolve(root, a), resolve(root, b)
    out = _git(Path(root), "merge-base", sha_a, sha_b, check=False).strip()
    return out.decode() or None


def files_at(root: Path, ref: str, folder: str = RECORDS_DIR) -> dict[str, bytes]:
    """{path: content} of every file under folder/ at a revision: one `git ls-tree`, one `git cat-file --batch`.
    Paths are relative to root, with /, as in the working tree."""
    root = Path(root)
    sha = resolve(root, ref)
    listing = _git(root, "ls-tree", "-r", "-z", sha, "--", f"{folder}/")
    blobs: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, obj = meta.split()
        if kind != b"blob" or mode == b"120000":       # skip submodules and symbolic links
            continue
        blobs.append((path.decode("utf-8", "surrogateescape"), obj.decode()))
    if not blobs:
        return {}
    out = _git(root, "cat-file", "--batch", input="".join(f"{obj}\n" for _, obj in blobs).encode())
    files: dict[str, bytes] = {}
    pos = 0
    for path, obj in blobs:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        size = int(header[2])
        start = header_end + 1
        files[path] = out[start:start + size]
        pos = start + size + 1                        # the content is followed by a newline
    return files


def history(root: Path, folder: str = RECORDS_DIR) -> dict[str, list[Commit]]:
    """Every commit that touched each file under folder/, newest first, keyed by the file's current path.

    One `git log --name-status -M` over the whole history, parsed in one linear pass. A file that
    was moved or renamed keeps the commits made under its older names. Commits that only merge
    (no change of their own) are not listed. Files deleted since appear under their last path.
    Empty when root is not a Git repository or has no commits yet.
    """
    root = Path(root)
    if not is_repository(root):
        return {}
    try:
        raw = _git(root, "log", "-z", "--date-order", "--name-status", "-M", "--relative",
                   f"--format={_LOG_FORMAT}", "--", f"{folder}/")
    except GitError:                                   # e.g. no commits yet
        return {}
    return _parse_log(raw.decode("utf-8", "surrogateescape"))


_DEAD = object()       # an older file that lived at the same path and was deleted: not the current file


def _parse_log(text: str) -> dict[str, list[Commit]]:
    result: dict[str, list[Commit]] = {}
    alias: dict[str, object] = {}       # path in older history -> current path it became (or _DEAD)
    for chunk in text.split(_RS):
        if not chunk:
            continue
        head, _, rest = chunk.rpartition(_US)
        fields = head.split(_US, 4)
        if len(fields) < 5:
            continue
        sha, date, author, email, message = fields
        commit = Commit(sha, dt.datetime.fromisoformat(date), author, message.rstrip("\n"), email)
        tokens = [t.strip("\n") for t in rest.split("\0")]
        tokens = [t for t in tokens if t]
        dead: list[str] = []
        moved: list[tuple[str, object]] = []
        i = 0
        while i < len(tokens):
            status = tokens[i]
            if status[:1] in ("R", "C") and i + 2 < len(tokens):
                old, new = tokens[i + 1], tokens[i + 2]
                i += 3
                key = alias.get(new, new)
                if key is not _DEAD:
                    result.setdefault(key, []).append(commit)
                if status[0] == "R":
                    dead.append(new)                  # older commits at `new` belong to another file
                    moved.append((old, key))          # older commits at `old` belong to this one
            else:
                path = tokens[i + 1] if i + 1 < len(tokens) else ""
                i += 2
                if not path:
                    continue
                key = alias.get(path, path)
                if key is not _DEAD:
                    result.setdefault(key, []).append(commit)
                if status[:1] == "A":
                    dead.append(path)                 # the file was created here
        for path in dead:
            alias[path] = _DEAD
        for path, key in moved:
            alias[path] = key
    return result


def created(commits: list[Commit]) -> dt.datetime | None:
    """When the file was first committed (the oldest commit), None without history."""
    return commits[-1].date if commits else None


def last_changed(commits: list[Commit]) -> dt.datetime | None:
    """When the file was last committed (the newest commit), None without history."""
    return commits[0].date if commits else None
